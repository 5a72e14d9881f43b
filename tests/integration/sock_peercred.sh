#!/bin/bash
# AF_UNIX sockets bound and connected by path through the gofer:
# SO_PEERCRED of a uid/gid 1000 client, as a root listener in the same
#   sandbox sees it: 1000/1000 (the gofer connects with the task's ids as
#   its euid/egid), pid 0 (the gofer is outside the sandbox's pid
#   namespace; docs/security.md "AF_UNIX peer credentials"); the socket
#   file a uid 1000 task binds is its own.
# A connect to a listener whose backlog is full: EAGAIN when non-blocking
#   (as Linux); a blocking one waits without stalling the sentry (another
#   thread keeps making emulated calls) and completes when the listener
#   accepts.
# Both also run natively, as the reference.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/sock_peercred
if [ ! -x "$PROG" ]; then
	t_skip sock_peercred "no $PROG (make test-progs)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip sock_peercred "needs root"
	exit 0
fi

N=$T_TMP/native
mkdir -p "$N" && chmod 1777 "$N" && chmod 755 "$T_TMP"
"$PROG" peer "$N" >"$T_TMP/native_peer.out" 2>&1
"$PROG" block "$N" >"$T_TMP/native_block.out" 2>&1

B=$T_TMP/b
make_bundle "$B" /bin/sh -c '/t/sock_peercred peer /tmp; /t/sock_peercred block /tmp'
mkdir -p "$B/rootfs/t" "$B/rootfs/tmp"
chmod 1777 "$B/rootfs/tmp"
cp "$PROG" "$B/rootfs/t/"
caps='["CAP_SETUID","CAP_SETGID","CAP_KILL"]'
jq --argjson c "$caps" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 60 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run pc </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")

val() { awk -v n="$2" '$1 == n { print $2; exit }' "$1"; }
check() {	# name file want
	local g
	g=$(val "$2" "$1")
	if [ "$g" = "$3" ]; then
		t_ok "${4:-}$1"
	else
		t_fail "${4:-}$1" "want '$3', got '${g:-(missing)}' ($(tail -c 300 "$T_TMP/sandbox.err" | tr '\n' ' '))"
	fi
}
# The reference: the program's expectations are Linux's.
check peer_uid "$T_TMP/native_peer.out" 1000 native_
check peer_gid "$T_TMP/native_peer.out" 1000 native_
check peer_pid "$T_TMP/native_peer.out" client native_
check bind_owner "$T_TMP/native_peer.out" 1000:1000 native_
check nonblock_full "$T_TMP/native_block.out" EAGAIN native_
check blocked_meanwhile "$T_TMP/native_block.out" yes native_
check blocked_connect "$T_TMP/native_block.out" ok native_

check peer_uid "$T_TMP/sandbox.out" 1000
check peer_gid "$T_TMP/sandbox.out" 1000
check peer_pid "$T_TMP/sandbox.out" 0
check bind_owner "$T_TMP/sandbox.out" 1000:1000
check client_exit "$T_TMP/sandbox.out" 0
check nonblock_full "$T_TMP/sandbox.out" EAGAIN
check blocked_meanwhile "$T_TMP/sandbox.out" yes
check calls_meanwhile "$T_TMP/sandbox.out" many
check blocked_connect "$T_TMP/sandbox.out" ok
