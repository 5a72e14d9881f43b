#!/bin/bash
# containerd (Debian's, with its runc.v2 shim) driving our runsc through
# `ctr run --runc-binary`: run to completion, detached + exec + kill, and
# nothing of the container left afterwards; with a terminal (ctr run -t
# --rm on a pty, the shim holding the console), compared with runc.
# cvisor-test: slow
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/containerd-lib.sh"
trap 'cd_stop; t_cleanup' EXIT

command -v containerd >/dev/null || { t_skip containerd "containerd not installed"; exit 0; }
cd_images || { t_fail images "could not build test images"; exit 1; }
cd_start || { t_fail start "containerd did not start"; exit 1; }
cd_import "$T_TMP/busybox.tar" || { t_fail import "ctr images import failed"; exit 1; }

IMG=docker.io/cvisor/busybox:test
BIN=$CD_RUNTIME_BIN

out=$(timeout 60 ctr -a "$CD_SOCK" run --rm --runc-binary "$BIN" "$IMG" ctr-echo \
	sh -c 'echo hello-from-ctr; exit 3' 2>&1)
rc=$?
if [ "$out" = "hello-from-ctr" ] && [ $rc -eq 3 ]; then
	t_ok "ctr run prints output and returns the exit status"
else
	t_fail "ctr run prints output and returns the exit status" "rc=$rc out=$out"
fi

timeout 60 ctr -a "$CD_SOCK" run -d --runc-binary "$BIN" "$IMG" ctr-bg sleep 1000 >/dev/null 2>&1
sleep 0.5
state=$(cd_ctr tasks ls 2>/dev/null | awk '$1=="ctr-bg"{print $3}')
[ "$state" = RUNNING ] && t_ok "ctr run -d: task running" ||
	t_fail "ctr run -d: task running" "state '$state'"

out=$(timeout 30 ctr -a "$CD_SOCK" tasks exec --exec-id e1 ctr-bg sh -c 'echo exec-ok' 2>&1)
[ "$out" = "exec-ok" ] && t_ok "ctr tasks exec" || t_fail "ctr tasks exec" "$out"

pid=$(cd_ctr tasks ls 2>/dev/null | awk '$1=="ctr-bg"{print $2}')
cd_ctr tasks kill -s KILL ctr-bg >/dev/null 2>&1
for _ in $(seq 50); do
	state=$(cd_ctr tasks ls 2>/dev/null | awk '$1=="ctr-bg"{print $3}')
	[ "$state" = STOPPED ] && break
	sleep 0.1
done
[ "$state" = STOPPED ] && t_ok "ctr tasks kill stops the task" ||
	t_fail "ctr tasks kill stops the task" "state '$state'"
cd_ctr tasks delete ctr-bg >/dev/null 2>&1
cd_ctr containers delete ctr-bg >/dev/null 2>&1
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	t_fail "nothing left after delete" "pid $pid still alive"
elif ls /sys/fs/cgroup/*/default/ctr-bg >/dev/null 2>&1; then
	t_fail "nothing left after delete" "cgroup left"
else
	t_ok "nothing left after delete"
fi

# ctr run -t --rm: the shim gets the pty master over --console-socket;
# ctr must finish with the workload's output and status. Each case under
# runc first (the reference), then ours. pty_run.py types nothing unless
# told (script(1) would type a NUL).
PTY_RUN=$CVISOR_SRC/tests/pty_run.py
tty_case() { # NAME RUNTIME-ARGS INPUT ARGS...: prints "status N" and the output
	local name=$1 rt=$2 input=$3
	shift 3
	timeout 90 python3 "$PTY_RUN" --timeout 60 ${input:+--input "$input"} \
		ctr -a "$CD_SOCK" run -t --rm $rt "$IMG" "$name" "$@" >"$T_TMP/tty.out" 2>&1
	echo "status $?"
	tr -d '\r' <"$T_TMP/tty.out"
	cd_ctr containers ls -q 2>/dev/null | grep -qx "$name" && echo "container left"
}
tty_compare() { # LABEL INPUT ARGS...
	local label=$1 input=$2 want got
	shift 2
	want=$(tty_case tty-runc-$$ "" "$input" "$@")
	got=$(tty_case tty-cv-$$ "--runc-binary $BIN" "$input" "$@")
	if [ "$got" = "$want" ] && ! echo "$want" | grep -q '^status 124$'; then
		t_ok "$label"
	else
		t_fail "$label" "runc: '$(echo "$want" | tr '\n' '|')', ours: '$(echo "$got" | tr '\n' '|')'"
	fi
}
tty_compare "ctr run -t --rm: output, status, no stray byte" "" \
	sh -c 'tty; echo tty-out; exit 3'
tty_compare "ctr run -t --rm: typed input through the pty" 'echo in-$((1+2))\nexit 5\n' sh
timeout 60 ctr -a "$CD_SOCK" run -d --runc-binary "$BIN" "$IMG" ctr-tx sleep 1000 >/dev/null 2>&1
timeout 60 ctr -a "$CD_SOCK" run -d "$IMG" ctr-tr sleep 1000 >/dev/null 2>&1
sleep 0.3
want=$(timeout 60 python3 "$PTY_RUN" --timeout 30 ctr -a "$CD_SOCK" tasks exec -t \
	--exec-id x1 ctr-tr sh -c 'sleep 0.3; tty; exit 4' 2>/dev/null | tr -d '\r' | grep -v resize)
got=$(timeout 60 python3 "$PTY_RUN" --timeout 30 ctr -a "$CD_SOCK" tasks exec -t \
	--exec-id x1 ctr-tx sh -c 'sleep 0.3; tty; exit 4' 2>/dev/null | tr -d '\r' | grep -v resize)
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	t_ok "ctr tasks exec -t: the pty, no stray byte"
else
	t_fail "ctr tasks exec -t: the pty, no stray byte" "runc: '$want', ours: '$got'"
fi
for id in ctr-tx ctr-tr; do
	cd_ctr tasks kill -s KILL "$id" >/dev/null 2>&1
done
sleep 0.5
for id in ctr-tx ctr-tr; do
	cd_ctr tasks delete "$id" >/dev/null 2>&1
	cd_ctr containers delete "$id" >/dev/null 2>&1
done
