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
# attack cannot pass.
# The sandbox's pid namespace (docs/security.md, "The sandbox's pid
# namespace"): from the host, the sentry is pid 1 of a pid namespace of
# its own, the gofer is in it and the init's is nested in it; ps and
# state.json give host pids. The attack: a helper in the sentry's user
# AND pid namespaces (nsenter -U -p) names a host process by its pid:
# kill, tgkill and pidfd_open must fail (ESRCH), while the same calls work
# from the host and, inside, on the sentry (pid 1), so the helper really
# is where the sentry is. A terminating signal sent to the sandbox
# process (which, as a pid namespace's init, the kernel would otherwise
# drop) still ends the container, as before.
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

cat >"$T_TMP/pidattack.py" <<'EOF'
import ctypes, errno, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_tgkill, SYS_pidfd_open = 234, 434
def res(r):
    return "ok" if r >= 0 else errno.errorcode[ctypes.get_errno()]
for p in sys.argv[1:]:
    pid = int(p)
    try:
        os.kill(pid, 0)
        k = "ok"
    except OSError as e:
        k = errno.errorcode[e.errno]
    t = res(libc.syscall(SYS_tgkill, pid, pid, 0))
    fd = libc.syscall(SYS_pidfd_open, pid, 0)
    f = res(fd)
    if fd >= 0:
        os.close(fd)
    print(p if pid == 1 else "host", "kill", k, "tgkill", t, "pidfd_open", f)
EOF
# NS_GET_PARENT of a process's pid namespace: "same" if it is the pid
# namespace of the second process.
cat >"$T_TMP/nsparent.py" <<'EOF'
import fcntl, os, sys
NS_GET_PARENT = 0xb702
fd = os.open("/proc/%s/ns/pid" % sys.argv[1], os.O_RDONLY)
try:
    parent = fcntl.ioctl(fd, NS_GET_PARENT)
except OSError as e:
    print("error", e.strerror)
    sys.exit(0)
a, b = os.fstat(parent), os.stat("/proc/%s/ns/pid" % sys.argv[2])
print("same" if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev) else "other")
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

# The sandbox's own pid namespace, seen from the host.
s_pid=$(readlink /proc/"$S"/ns/pid)
I=$(jq -r .initPid "$T_ROOT/ns/state.json")
t_check sentry_own_pidns differs "$s_pid" "$host_pid"
t_expect gofer_in_sandbox_pidns "$s_pid" readlink /proc/"$G"/ns/pid
# pid 1 there: NSpid lists the host's pid, then the namespace's.
t_expect sentry_is_pid1 "$S 1" \
	bash -c "awk '/^NSpid:/ {print \$2, \$3}' /proc/$S/status"
t_expect sandbox_pidns_is_child_of_host same \
	"$PY" "$T_TMP/nsparent.py" "$S" $$
t_expect init_pidns_nested same "$PY" "$T_TMP/nsparent.py" "$I" "$S"
# Pids leaving it are the host's: the init's is traced by the sentry.
t_expect ps_gives_host_pids "[$I]" runsc ps --format json ns
t_expect init_traced_by_sentry "$S" \
	bash -c "awk '/^TracerPid:/ {print \$2}' /proc/$I/status"

# The attack from the sentry's user and pid namespaces: no host process
# can be named there, while the same calls name them from the host.
t_expect pid_attack_works_natively "host kill ok tgkill ok pidfd_open ok
host kill ok tgkill ok pidfd_open ok" "$PY" "$T_TMP/pidattack.py" "$VROOT" "$VUSER"
out=$(nsenter -t "$S" -U -p --preserve-credentials -- \
	"$PY" "$T_TMP/pidattack.py" 1 "$VROOT" "$VUSER" 2>&1)
t_expect pid_attack_in_sandbox_pidns "1 kill ok tgkill ok pidfd_open ok" \
	bash -c "printf '%s\n' '$out' | grep '^1 '"
t_expect pid_attack_host_processes_unnamed \
	"host kill ESRCH tgkill ESRCH pidfd_open ESRCH
host kill ESRCH tgkill ESRCH pidfd_open ESRCH" \
	bash -c "printf '%s\n' '$out' | grep '^host '"

# The workload is unaffected: it runs and is killed as before.
t_check workload_runs runsc exec ns true
runsc kill ns KILL >/dev/null 2>&1
for _ in $(seq 50); do
	[ "$(runsc state ns 2>/dev/null | jq -r .status)" = stopped ] && break
	sleep 0.1
done
t_check delete runsc delete ns

# SIGTERM to the sandbox process from the host: as pid 1 of its namespace
# the kernel would drop it (SIG_DFL); the sentry reads it and ends the
# container, as the default action did before.
if ! (cd "$B" && runsc run -d ns2 </dev/null >"$T_TMP/run.out" 2>&1); then
	t_fail run2 "$(tail -c 300 "$T_TMP/run.out")"
	exit 0
fi
S2=$(runsc state ns2 | jq -r .pid)
G2=$(jq -r .goferPid "$T_ROOT/ns2/state.json")
I2=$(jq -r .initPid "$T_ROOT/ns2/state.json")
# First from inside that namespace (a pod sharing it by path): the kernel
# drops SIGTERM sent to an init from its own namespace (natively: a
# sleep as pid 1 of a new one survives), and so does the sentry.
unshare -pf sleep 300 &
U=$!
for _ in $(seq 50); do
	N=$(pgrep -P "$U")
	[ -n "$N" ] && break
	sleep 0.1
done
nsenter -t "$N" -p -- sh -c 'kill -TERM 1' 2>/dev/null
sleep 0.5
t_check native_init_ignores_sigterm_from_its_namespace test -d /proc/"$N"
kill -KILL "$N" 2>/dev/null
wait "$U" 2>/dev/null
# sent (kill succeeds), so the verdict below is not a failed kill's
t_check sigterm_from_sandbox_pidns_sent \
	nsenter -t "$S2" -U -p --preserve-credentials -- sh -c 'kill -TERM 1'
sleep 0.5
status_of() { runsc state "$1" 2>/dev/null | jq -r .status; }
t_expect sigterm_from_sandbox_pidns_dropped running status_of ns2
kill -TERM "$S2"
gone() {
	for p in "$@"; do
		[ -d /proc/"$p" ] && ! grep -q '^State:[[:space:]]*Z' \
			/proc/"$p"/status 2>/dev/null && return 1
	done
	return 0
}
for _ in $(seq 50); do
	gone "$S2" "$G2" "$I2" && break
	sleep 0.1
done
t_check sigterm_to_sandbox_ends_container gone "$S2" "$G2" "$I2"
t_check delete2 runsc delete ns2

# Where a new procfs could not be mounted in the sandbox's namespaces (a
# /proc with a path masked by a mount over it, as in a container), the
# sandbox keeps today's mode: the host's pid namespace, and it runs.
if unshare -m --propagation private sh -c "mount --bind /dev/null /proc/loadavg &&
	cd '$B' && '$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' \
	run -d ns3 </dev/null" >"$T_TMP/run3.out" 2>&1; then
	S3=$(runsc state ns3 | jq -r .pid)
	t_expect masked_proc_keeps_host_pidns "$host_pid" readlink /proc/"$S3"/ns/pid
	t_check masked_proc_workload_runs runsc exec ns3 true
	runsc delete -f ns3 >/dev/null 2>&1
else
	t_fail masked_proc_run "$(tail -c 300 "$T_TMP/run3.out")"
fi
