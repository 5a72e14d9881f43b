#!/bin/bash
# State roots and ids as long as real callers make them: containerd's
# CRI gives 64-hex ids under /run/containerd/runc/k8s.io, Docker uses
# <exec-root>/runtime-runc/moby, operators relocate either; a unix socket
# path (sun_path) holds only 108 bytes. The whole lifecycle (create,
# start, exec, ps, events, kill, delete) and the console socket (init and
# exec -t, and the socket itself in a long directory), with roots of 110
# and 230 characters and a 64-hex id, then a 255-character id; each
# step's result compared with runc's for the same bundle and paths.
source "$(dirname "$0")/../lib.sh"

command -v runc >/dev/null || { t_skip long_root "runc not installed"; exit 0; }
command -v python3 >/dev/null || { t_skip long_root "no python3"; exit 0; }

HEX_ID=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
LONG_ID=$(printf 'i%.0s' $(seq 255))

# long_dir LEN: a new directory under $T_TMP whose path is LEN characters
# long (components of at most 60).
long_dir() {
	local d=$T_TMP/d$RANDOM n
	while [ $(($1 - ${#d})) -gt 61 ]; do
		d=$d/$(printf 'p%.0s' $(seq 60))
	done
	n=$(($1 - ${#d} - 1))
	[ "$n" -gt 0 ] && d=$d/$(printf 'q%.0s' $(seq "$n"))
	mkdir -p "$d" && echo "$d"
}

# The console socket's other end: listens at a path of any length (bound
# from its directory), prints how many fds came (the name sent with the
# master differs: runc sends "/dev/ptmx") and what the pty carried until
# the process closed it.
cat >"$T_TMP/console.py" <<'PY'
import os, socket, sys
d, name = os.path.split(sys.argv[1])
os.chdir(d)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(name)
s.listen(1)
s.settimeout(15)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 4)
print("fds", len(fds))
out = b""
while True:
    try:
        b = os.read(fds[0], 4096)
    except OSError:
        break
    if not b:
        break
    out += b
print("output", out.decode(errors="replace").replace("\r", "").strip())
PY

console_listen() { # SOCKET OUT: the receiver in the background ($py)
	python3 "$T_TMP/console.py" "$1" >"$2" 2>&1 &
	py=$!
	for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}

B=$T_TMP/bundle
make_bundle "$B" /bin/sleep 1000
BT=$T_TMP/bundle-tty
make_bundle "$BT" /bin/sh -c 'tty >/dev/null && echo console-ok; sleep 1000'
jq '.process.terminal = true |
	.linux.resources.devices = [{allow: true, access: "rwm"}]' \
	"$BT/config.json" >"$BT/c.json" && mv "$BT/c.json" "$BT/config.json"

# wait_stopped RT ROOT ID: the state's status once it left "running".
wait_stopped() {
	local s
	for _ in $(seq 50); do
		s=$($1 --root "$2" state "$3" 2>/dev/null | jq -r .status)
		[ "$s" = running ] || break
		sleep 0.1
	done
	echo "$s"
}

# lifecycle RT ROOT ID SOCKDIR: one line "STEP RESULT" per step.
lifecycle() {
	local rt=$1 root=$2 id=$3 sockdir=$4 out
	$rt --root "$root" create --bundle "$B" "$id" </dev/null >/dev/null 2>"$T_TMP/err"
	echo "create $? $(head -c 200 "$T_TMP/err")"
	echo "state-created $($rt --root "$root" state "$id" 2>/dev/null | jq -r .status)"
	$rt --root "$root" start "$id" 2>/dev/null
	echo "start $?"
	echo "state-started $($rt --root "$root" state "$id" 2>/dev/null | jq -r .status)"
	out=$($rt --root "$root" exec "$id" /bin/sh -c 'echo exec-ok; exit 6' 2>/dev/null)
	echo "exec $? $out"
	# (state's pid is the sandbox's for cvisor, the workload's for runc.)
	echo "ps-lists-workload $($rt --root "$root" ps "$id" 2>/dev/null | grep -c '/bin/sleep 1000$')"
	echo "events $($rt --root "$root" events --stats "$id" 2>/dev/null | jq -r '.type + " " + (.id == "'"$id"'" | tostring)')"
	# exec -t: the pty master through a socket in a long directory.
	console_listen "$sockdir/exec-console.sock" "$T_TMP/exec.out"
	$rt --root "$root" exec -d -t --console-socket "$sockdir/exec-console.sock" \
		"$id" /bin/sh -c 'tty >/dev/null && echo exec-tty-ok' </dev/null >/dev/null 2>&1
	echo "exec-t $?"
	wait "$py"
	sed 's/^/exec-t-/' "$T_TMP/exec.out"
	$rt --root "$root" kill "$id" KILL
	echo "kill $?"
	echo "state-killed $(wait_stopped "$rt" "$root" "$id")"
	$rt --root "$root" delete "$id"
	echo "delete $?"
	echo "left $(ls -A "$root" | wc -l)"
	# The init with a terminal.
	console_listen "$sockdir/init-console.sock" "$T_TMP/init.out"
	$rt --root "$root" create --bundle "$BT" --console-socket \
		"$sockdir/init-console.sock" "$id" </dev/null >/dev/null 2>"$T_TMP/err"
	echo "create-tty $? $(head -c 200 "$T_TMP/err")"
	$rt --root "$root" start "$id" 2>/dev/null
	echo "start-tty $?"
	sleep 0.5
	$rt --root "$root" delete --force "$id" 2>/dev/null
	echo "delete-tty $?"
	wait "$py"
	sed 's/^/init-tty-/' "$T_TMP/init.out"
	echo "left-tty $(ls -A "$root" | wc -l)"
	rm -f "$sockdir"/*.sock
}

# verdicts LABEL REF GOT: one verdict per step of REF (runc's results).
verdicts() {
	local step want got
	while read -r step want; do
		got=$(awk -v s="$step" '$1 == s { $1 = ""; sub(/^ /, ""); print; exit }' "$3")
		if [ "$got" = "$want" ]; then
			t_ok "$1: $step"
		else
			t_fail "$1: $step" "runc: '$want', cvisor: '$got'"
		fi
	done <"$2"
}

# compare LABEL ROOTLEN ID [long]: runc's run is the reference, then ours
# with the same bundle, root and id. runc cannot reach a console socket
# whose path is longer than sun_path: with "long", ours runs once more
# with the console sockets in a long directory and must give runc's
# results again.
compare() {
	local label=$1 root sockdir=$T_TMP/s
	root=$(long_dir "$2")
	mkdir -p "$sockdir"
	lifecycle runc "$root" "$3" "$sockdir" >"$T_TMP/runc.txt"
	if ! grep -qx 'exec 6 exec-ok' "$T_TMP/runc.txt" ||
		! grep -qx 'exec-t-output exec-tty-ok' "$T_TMP/runc.txt" ||
		! grep -qx 'init-tty-output console-ok' "$T_TMP/runc.txt"; then
		t_fail "$label: runc reference run" "$(tr '\n' '|' <"$T_TMP/runc.txt" | tail -c 400)"
		return
	fi
	lifecycle "$RUNSC_BIN --platform $CVISOR_PLATFORM" "$root" "$3" \
		"$sockdir" >"$T_TMP/cvisor.txt"
	verdicts "$label" "$T_TMP/runc.txt" "$T_TMP/cvisor.txt"
	if [ "${4:-}" = long ]; then
		sockdir=$(long_dir 150)
		lifecycle "$RUNSC_BIN --platform $CVISOR_PLATFORM" "$root" "$3" \
			"$sockdir" >"$T_TMP/cvisor.txt"
		verdicts "$label, console sockets in a directory of ${#sockdir}" \
			"$T_TMP/runc.txt" "$T_TMP/cvisor.txt"
	fi
}

compare "64-hex id, root of 110" 110 "$HEX_ID" long
compare "64-hex id, root of 230" 230 "$HEX_ID"
compare "255-character id, root of 110" 110 "$LONG_ID"
