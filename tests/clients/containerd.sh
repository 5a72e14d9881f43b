#!/bin/bash
# containerd (Debian's, with its runc.v2 shim) driving our runsc through
# `ctr run --runc-binary`: run to completion, detached + exec + kill, and
# nothing of the container left afterwards.
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
