#!/bin/bash
# The sentry confines itself (docs/architecture.md, invariant 4): an empty read-only
# root, only CAP_SYS_PTRACE, CAP_KILL, CAP_NET_BIND_SERVICE, CAP_SETUID and
# CAP_SETGID (docs/security.md says what for), no_new_privs
# and its own seccomp filter; every workload task is traced by it.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

B=$T_TMP/b
make_bundle "$B" /bin/sh -c 'sh -c "sleep 100; true"; true'
cd "$B" || exit 1
runsc create s1-$$ >/dev/null 2>&1 && runsc start s1-$$ >/dev/null 2>&1
sleep 0.5
pid=$(runsc state s1-$$ 2>/dev/null | jq -r .pid)
if [ -z "$pid" ] || [ ! -d "/proc/$pid" ]; then
	t_fail running "no sandbox process"
	exit 0
fi
st=/proc/$pid/status
t_expect seccomp_filter "2" awk '/^Seccomp:/ { print $2 }' "$st"
t_expect no_new_privs "1" awk '/^NoNewPrivs:/ { print $2 }' "$st"
# CAP_KILL (5), CAP_SETGID (6), CAP_SETUID (7), CAP_NET_BIND_SERVICE (10),
# CAP_SYS_PTRACE (19); and CAP_SYS_ADMIN (21) where the sentry is pid 1 of
# the sandbox's own pid namespace (the last NSpid field: the pid of
# SCM_CREDENTIALS, docs/security.md).
caps=00000000000804e0
[ "$(awk '/^NSpid:/ { print $NF }' "$st")" = 1 ] && caps=00000000002804e0
t_expect cap_effective "$caps" awk '/^CapEff:/ { print $2 }' "$st"
t_expect cap_bounding "$caps" awk '/^CapBnd:/ { print $2 }' "$st"
# Empty but for /proc, the sandbox's own procfs (docs/security.md;
# tests/escape/inv_sentry_confined.sh checks what it lists).
t_expect empty_root "proc" ls -A "/proc/$pid/root/"
t_expect root_proc_is_procfs "proc" stat -f -c %T "/proc/$pid/root/proc"
if touch "/proc/$pid/root/proc/x" 2>/dev/null; then
	t_fail root_proc_readonly "could create a file in the sentry's /proc"
else
	t_ok root_proc_readonly
fi
if touch "/proc/$pid/root/x" 2>/dev/null; then
	t_fail root_readonly "could create a file in the sentry's root"
else
	t_ok root_readonly
fi
# Every workload process is traced by the sentry.
bad=""
for p in $(pgrep -P "$pid"); do
	tracer=$(awk '/^TracerPid:/ { print $2 }' /proc/$p/status)
	# the gofer is the untraced child: skip it
	[ "$tracer" = 0 ] && continue
	[ "$tracer" = "$pid" ] || bad="$bad $p"
	for c in $(pgrep -P "$p"); do
		[ "$(awk '/^TracerPid:/ { print $2 }' /proc/$c/status)" = "$pid" ] || bad="$bad $c"
	done
done
if [ -z "$bad" ]; then t_ok tasks_traced; else t_fail tasks_traced "not traced:$bad"; fi
runsc delete --force s1-$$ >/dev/null 2>&1
t_assert_clean "*-$$"
