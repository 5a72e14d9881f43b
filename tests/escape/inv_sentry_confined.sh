#!/bin/bash
# docs/architecture.md, invariant 4: the sentry holds no filesystem. From the host, on a
# running container: the sentry (the sandbox pid of "runsc state") runs
# under a seccomp filter with no_new_privs, keeps only the capabilities it
# needs, has an empty root (but for /proc: the sandbox's own procfs, which
# lists only the sandbox's processes), and holds no fd on a host file or
# directory.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
# With the sentry's worker threads and the gofer's channel threads (off
# by default: docs/architecture.md, "Threads of the sentry"), so each
# thread's confinement is checked.
export CVISOR_SENTRY_WORKERS=${CVISOR_SENTRY_WORKERS:-2}
t_clean_begin "*-$$"

CAP_KILL=5 CAP_SETGID=6 CAP_SETUID=7 CAP_NET_BIND_SERVICE=10 CAP_SYS_PTRACE=19
# docs/architecture.md (invariants 4 and 7): CAP_SYS_PTRACE and CAP_KILL. Anything
# more must be listed in docs/security.md (the page sentry/confine.c points
# to for why each is needed).
allowed=$(((1 << CAP_SYS_PTRACE) | (1 << CAP_KILL)))
for cap in CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID; do
	if grep -q "$cap" "$CVISOR_SRC/docs/security.md" 2>/dev/null; then
		allowed=$((allowed | (1 << ${!cap})))
	fi
done

# caps_extra PID FIELD: the bits of /proc/PID/status FIELD outside $allowed
# (hex, 0 if none).
caps_extra() {
	local v
	v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status")
	[ -n "$v" ] || { echo "missing"; return; }
	printf '0x%x\n' $((0x$v & ~allowed))
}

# The checker must be able to fail: this (root) shell has every capability.
[ "$(caps_extra $$ CapEff)" != 0x0 ] && t_ok "checker flags a root shell's caps" ||
	t_fail "checker flags a root shell's caps" "$(grep CapEff /proc/$$/status)"

B=$T_TMP/b
make_bundle "$B" /bin/sleep 1000
id=inv-sentry-$$
# The container's stdio: a host file we know, which fds 0-2 may name.
: >"$T_TMP/stdio"
if ! runsc run -d --bundle "$B" "$id" <"$T_TMP/stdio" >"$T_TMP/stdio" 2>&1; then
	t_fail "run -d" "$(tail -c 300 "$T_TMP/stdio")"
	exit 0
fi
S=$(runsc state "$id" | jq -r .pid)
if [ -z "$S" ] || [ "$S" = 0 ] || [ "$S" != "$(jq -r .sandboxPid "$T_ROOT/$id/state.json")" ] ||
	! [ -r "/proc/$S/status" ]; then
	t_fail "sentry pid" "state pid '$S'"
	runsc delete --force "$id" >/dev/null 2>&1
	exit 0
fi
# pid 1 of the sandbox's own pid namespace (the last NSpid field) also
# keeps CAP_SYS_ADMIN (21), over that namespace's owner, for the pid of
# SCM_CREDENTIALS: only there, and only if docs/security.md says so.
if [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$S/status")" = 1 ] &&
	grep -q "CAP_SYS_ADMIN. in the sandbox's user namespace" \
		"$CVISOR_SRC/docs/security.md"; then
	allowed=$((allowed | (1 << 21)))
fi
# Let it do some file work first (opens through the gofer, /proc), so
# whatever it keeps is in its fd table.
runsc exec "$id" /bin/sh -c 'cat /etc/passwd /proc/self/status; ls / /proc /tmp; cd /etc' >/dev/null 2>&1

status() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
t_expect "sentry Seccomp: 2 (filter)" 2 status "$S" Seccomp
t_expect "sentry NoNewPrivs: 1" 1 status "$S" NoNewPrivs
for f in CapEff CapPrm CapBnd; do
	t_expect "sentry $f within SYS_PTRACE|KILL (+docs/security.md)" 0x0 caps_extra "$S" "$f"
done
t_expect "sentry CapInh empty" 0000000000000000 status "$S" CapInh
t_expect "sentry CapAmb empty" 0000000000000000 status "$S" CapAmb
t_threads_confined sentry "$S" caps_extra

# Empty root: nothing listed, not the host's root or the container's, but
# for /proc: the procfs of the sandbox's own pid namespace, mounted there for
# host tools that enter the sentry's mount namespace (podman top), which
# docs/security.md describes. It must list exactly the sandbox's processes.
entries=$(ls -A "/proc/$S/root/" 2>&1 | head -5 | tr '\n' ' ')
[ -z "$entries" ] || [ "$entries" = "proc " ] && t_ok "sentry root is empty (but for /proc)" ||
	t_fail "sentry root is empty (but for /proc)" "$entries"
init=$(jq -r .initPid "$T_ROOT/$id/state.json")
sbns=$(readlink "/proc/$init/ns/pid")
# pids_of DIR: the process entries of a procfs, sorted. (Its other entries
# are the kernel's own files, docs/security.md: stat, meminfo, sys/...;
# self and thread-self lead nowhere for a process outside its namespace.)
pids_of() {
	ls -A "$1" | grep -xE '[0-9]+' | sort -n | tr '\n' ' '
}
# The sandbox's pids, from the host: the last NSpid of every host process
# in the sandbox's pid namespace.
sandbox_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$sbns" ] || continue
		awk '$1 == "NSpid:" { print $NF }' "$p/status" 2>/dev/null
	done | sort -n | tr '\n' ' '
}
# The checker must be able to fail: the host's /proc is not the sandbox's.
[ "$(pids_of /proc)" != "$(sandbox_pids)" ] && t_ok "checker flags the host's /proc" ||
	t_fail "checker flags the host's /proc" "$(sandbox_pids)"
if [ "$entries" = "proc " ]; then
	P=/proc/$S/root/proc
	[ "$(stat -f -c %T "$P")" = proc ] && t_ok "sentry /proc is a procfs" ||
		t_fail "sentry /proc is a procfs" "$(stat -f -c %T "$P")"
	listed=$(pids_of "$P") want=$(sandbox_pids)
	[ -n "$want" ] && [ "$listed" = "$want" ] && t_ok "sentry /proc lists exactly the sandbox's pids" ||
		t_fail "sentry /proc lists exactly the sandbox's pids" "listed '$listed', sandbox '$want'"
	foreign=
	for e in $listed; do
		[ "$(readlink "$P/$e/ns/pid" 2>/dev/null)" = "$sbns" ] || foreign="$foreign $e"
	done
	# Not the sentry, nor the host's pid 1, nor this shell.
	[ -z "$foreign" ] && [ "$(readlink "$P/1/ns/pid")" != "$(readlink /proc/1/ns/pid)" ] &&
		t_ok "sentry /proc shows no host process" ||
		t_fail "sentry /proc shows no host process" "outside the sandbox's pid namespace:$foreign"
	# Read-only: nothing can be created or changed through it.
	grep -qE '^[0-9]+ [0-9]+ [0-9:]+ / /proc ro,' "/proc/$S/mountinfo" &&
		t_ok "sentry /proc is read-only" ||
		t_fail "sentry /proc is read-only" "$(grep ' /proc ' "/proc/$S/mountinfo")"
fi
if [ "$(stat -L -c %d:%i "/proc/$S/root/")" = "$(stat -c %d:%i /)" ] ||
	[ "$(stat -L -c %d:%i "/proc/$S/root/")" = "$(stat -c %d:%i "$B/rootfs")" ]; then
	t_fail "sentry root is its own" "it is the host's or the bundle's root"
else
	t_ok "sentry root is its own"
fi
[ "$(stat -f -L -c %T "/proc/$S/root/")" = tmpfs ] && t_ok "sentry root is a tmpfs" ||
	t_fail "sentry root is a tmpfs" "$(stat -f -L -c %T "/proc/$S/root/")"

# Its fds. Allowed: sockets, pipes, anon inodes, memfds, /dev/null; fds 0-2
# naming the container stdio we passed; and, explicitly justified:
#  - directories of the sentry's private, detached tmpfs (the mirror of the
#    virtual /proc and /sys, sentry/synth_mirror.c): a tmpfs that is mounted
#    nowhere on the host;
#  - O_PATH fds the gofer donated for a task's cwd/root: inodes inside the
#    bundle rootfs (same device, found there);
#  - read-only regular files of the container's own cgroup (the figures of
#    /proc/meminfo, /proc/stat: sentry/synth_cgroup.c); never a directory,
#    never writable, never another cgroup.
# Anything else is a host file or directory the sentry can reach.
host_devs=$(awk '{ print $3 }' /proc/self/mountinfo | sort -u)
in_rootfs() { # DEV INO: is that inode inside the bundle rootfs?
	[ "$1" = "$(stat -c %d "$B/rootfs")" ] || return 1
	[ -n "$(find "$B/rootfs" -xdev -inum "$2" -print -quit 2>/dev/null)" ]
}
majmin() { printf '%d:%d' $(($1 >> 8 & 0xfff)) $((($1 & 0xff) | ($1 >> 12 & 0xfff00))); }
bad= procfd=
for fdp in /proc/$S/fd/*; do
	fd=${fdp##*/}
	tgt=$(readlink "$fdp") || continue
	case $tgt in
	socket:* | pipe:* | anon_inode:* | /memfd:* | /dev/null) continue ;;
	esac
	if [ "$fd" -le 2 ] && [ "$(stat -L -c %d:%i "$fdp")" = "$(stat -c %d:%i "$T_TMP/stdio")" ]; then
		continue
	fi
	fstype=$(stat -f -L -c %T "$fdp" 2>/dev/null)
	read -r dev ino < <(stat -L -c '%d %i' "$fdp" 2>/dev/null)
	if [ "$fstype" = proc ]; then
		procfd="$procfd $fd->$tgt"
		continue
	fi
	if [ "$fstype" = tmpfs ] && ! grep -qx "$(majmin "$dev")" <<<"$host_devs"; then
		continue # the private mirror tmpfs
	fi
	if in_rootfs "$dev" "$ino"; then
		continue
	fi
	if [ "$fstype" = cgroupfs ] || [ "$fstype" = cgroup2fs ]; then
		flags=$(awk '/^flags:/ { print $2 }' "/proc/$S/fdinfo/$fd")
		if [ -f "$fdp" ] && [ $((8#$flags & 3)) = 0 ] &&
			[[ $tgt == */cvisor/$id/* ]]; then
			continue # its own cgroup's figures, read-only
		fi
	fi
	bad="$bad $fd->$tgt($fstype)"
done
# A procfs fd that shows host processes (this test shell, $$) reaches
# every host process's /proc/<pid>/root — with CAP_SYS_PTRACE,
# /proc/1/root is the host's /: a compromised sentry leaves its empty root
# through it (its filter allows openat, e.g. openat(fd, "1/root/etc/shadow")).
# docs/security.md lists this fd as kept on purpose; it still breaks "the
# sentry holds no filesystem". A procfs of the sandbox's own pid namespace
# would be fine (it lists no host process).
hostproc=
for f in $procfd; do
	fd=${f%%->*}
	[ -e "/proc/$S/fd/$fd/$$/status" ] && hostproc="$hostproc $f"
done
[ -z "$hostproc" ] && t_ok "sentry holds no host procfs fd" ||
	t_fail "sentry holds no host procfs fd" "fds$hostproc: a procfs that lists host pid $$ (so /proc/1/root, the host's /, is reachable from it)"
[ -z "$bad" ] && t_ok "sentry holds no other host file or directory" ||
	t_fail "sentry holds no other host file or directory" "fds$bad"

# The sentry's mount namespace is not the host's nor the workload's.
mnt=$(readlink "/proc/$S/ns/mnt")
if [ "$mnt" != "$(readlink /proc/1/ns/mnt)" ] && [ "$mnt" != "$(readlink "/proc/$init/ns/mnt")" ]; then
	t_ok "sentry has its own mount namespace"
else
	t_fail "sentry has its own mount namespace" "$mnt"
fi
# Its mounts: the root, and at most the sandbox procfs at /proc.
others=$(awk '{ split($0, a, " - "); split(a[2], f, " ")
	if ($5 == "/" || ($5 == "/proc" && f[1] == "proc")) next; print $5 "(" f[1] ")" }' \
	"/proc/$S/mountinfo" | tr '\n' ' ')
n=$(wc -l <"/proc/$S/mountinfo")
[ "$n" -le 2 ] && [ -z "$others" ] && t_ok "sentry sees its root (and /proc) only" ||
	t_fail "sentry sees its root (and /proc) only" "$n: $others $(head -3 "/proc/$S/mountinfo" | tr '\n' ';')"

runsc delete --force "$id" >/dev/null 2>&1
t_assert_clean "*-$$"
