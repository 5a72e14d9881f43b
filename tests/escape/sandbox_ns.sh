#!/bin/bash
# The sentry and the gofer of a default container (run by root, no user
# namespace in config.json) live in a user namespace made for the
# sandbox (docs/security.md, "The sandbox's user namespace"): from the
# host, their /proc/PID/ns/user is not the host's, and the capabilities
# they hold (CapEff) are capabilities in it. The attack, by a helper
# given every capability in that namespace (nsenter -U into the
# sentry's, host root's credentials kept): ptrace a host root process
# (same uid: only CAP_SYS_PTRACE over the host's user namespace lets it)
# and signal a host process of another uid (only CAP_KILL over the
# host's). The same helper run by host root must succeed, so a broken
# attack cannot pass. The pid namespace part of issue 11 item 1 is not
# done yet: reported as skip.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_skip sandbox_ns "needs root"
	exit 0
fi

PY=/usr/bin/python3
cat >"$T_TMP/attack.py" <<'EOF'
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                        ctypes.c_void_p]
PTRACE_SEIZE = 0x4206
if libc.ptrace(PTRACE_SEIZE, int(sys.argv[1]), None, None) == 0:
    print("ptrace ok")
else:
    print("ptrace", errno.errorcode[ctypes.get_errno()])
try:
    os.kill(int(sys.argv[2]), 0)
    print("kill ok")
except OSError as e:
    print("kill", errno.errorcode[e.errno])
EOF

# The victims: host processes, one root's, one of uid 1234.
sleep 300 &
VROOT=$!
setpriv --reuid=1234 --regid=1234 --clear-groups sleep 300 &
VUSER=$!
trap 'kill $VROOT $VUSER 2>/dev/null; t_cleanup' EXIT

# The attack works from the host's user namespace (root).
t_expect attack_works_natively "ptrace ok
kill ok" "$PY" "$T_TMP/attack.py" "$VROOT" "$VUSER"

B=$T_TMP/b
make_bundle "$B" sleep 300
if ! (cd "$B" && runsc run -d ns </dev/null >"$T_TMP/run.out" 2>&1); then
	t_fail run "$(tail -c 300 "$T_TMP/run.out")"
	exit 0
fi
S=$(runsc state ns | jq -r .pid)
G=$(jq -r .goferPid "$T_ROOT/ns/state.json" 2>/dev/null)
host_user=$(readlink /proc/$$/ns/user)
host_pid=$(readlink /proc/$$/ns/pid)

differs() { [ -n "$1" ] && [ "$1" != "$2" ]; }
s_user=$(readlink /proc/"$S"/ns/user)
g_user=$(readlink /proc/"$G"/ns/user)
t_check sentry_own_userns differs "$s_user" "$host_user"
t_check gofer_own_userns differs "$g_user" "$host_user"
t_expect gofer_in_sandbox_userns "$s_user" readlink /proc/"$G"/ns/user
# The sandbox's user namespace is a child of the host's (NS_GET_PARENT
# is not in util-linux; the owner uid and the maps say it): the identity.
t_expect sandbox_userns_maps "0 0 4294967295" \
	bash -c "awk '{print \$1, \$2, \$3}' /proc/$S/uid_map"
# The sentry still holds its capabilities, in that namespace.
t_check sentry_caps_nonzero bash -c \
	"grep -q '^CapEff:[[:space:]]*0*[1-9a-f]' /proc/$S/status"

# The attack from the sandbox's user namespace, with every capability in
# it and host root's ids (a superset of what the sentry keeps).
out=$(nsenter -t "$S" -U --preserve-credentials -- \
	"$PY" "$T_TMP/attack.py" "$VROOT" "$VUSER" 2>&1)
if [ "$(readlink /proc/"$S"/ns/user)" = "$host_user" ]; then
	t_fail attack_setup "the sentry is in the host's user namespace"
fi
t_expect ptrace_host_process_denied "ptrace EPERM" \
	bash -c "printf '%s\n' '$out' | grep '^ptrace'"
t_expect kill_host_process_denied "kill EPERM" \
	bash -c "printf '%s\n' '$out' | grep '^kill'"

# Not yet: the sandbox's own pid namespace (docs/security.md).
if [ "$(readlink /proc/"$S"/ns/pid)" = "$host_pid" ]; then
	t_skip sentry_own_pidns "not implemented yet: the sentry and the \
gofer are in the host's pid namespace (issue 11 item 1)"
else
	t_ok sentry_own_pidns
fi

# The workload is unaffected: it runs and is killed as before.
t_check workload_runs runsc exec ns true
runsc kill ns KILL >/dev/null 2>&1
for _ in $(seq 50); do
	[ "$(runsc state ns 2>/dev/null | jq -r .status)" = stopped ] && break
	sleep 0.1
done
t_check delete runsc delete ns
