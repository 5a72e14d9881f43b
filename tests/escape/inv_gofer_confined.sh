#!/bin/bash
# docs/architecture.md, invariant 2: the gofer is the only file server, confined to the
# container root. From the host, on a running container: the gofer (goferPid
# in state.json) runs under its own seccomp filter with no_new_privs, keeps
# only the file capabilities docs/gofer-protocol.md lists, its root is the
# container rootfs (a bundle marker is there, a host-only marker is not), it
# has no procfs (or sysfs, cgroup) mounted, and its fds are only sockets, its
# root and files inside the rootfs.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
# With the sentry's worker threads and the gofer's channel threads (off
# by default: docs/architecture.md, "Threads of the sentry"), so each
# thread's confinement is checked.
export CVISOR_SENTRY_WORKERS=${CVISOR_SENTRY_WORKERS:-2}
t_clean_begin "*-$$"

# docs/gofer-protocol.md "Confinement": CHOWN, DAC_OVERRIDE,
# DAC_READ_SEARCH, FOWNER, FSETID, SETGID, SETUID, SYS_CHROOT.
allowed=$(((1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 6) | (1 << 7) | (1 << 18)))
caps_extra() { # PID FIELD: bits outside $allowed, hex
	local v
	v=$(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status")
	[ -n "$v" ] || { echo "missing"; return; }
	printf '0x%x\n' $((0x$v & ~allowed))
}
[ "$(caps_extra $$ CapEff)" != 0x0 ] && t_ok "checker flags a root shell's caps" ||
	t_fail "checker flags a root shell's caps" "$(grep CapEff /proc/$$/status)"

B=$T_TMP/b
make_bundle "$B" /bin/sleep 1000
marker=inv-marker-$$-$RANDOM
echo "inside $marker" >"$B/rootfs/$marker"
mkdir -p "$T_TMP/hostonly"
echo "host only $marker" >"$T_TMP/hostonly/$marker"
id=inv-gofer-$$
: >"$T_TMP/stdio"
if ! runsc run -d --bundle "$B" "$id" <"$T_TMP/stdio" >"$T_TMP/stdio" 2>&1; then
	t_fail "run -d" "$(tail -c 300 "$T_TMP/stdio")"
	exit 0
fi
G=$(jq -r .goferPid "$T_ROOT/$id/state.json")
S=$(jq -r .sandboxPid "$T_ROOT/$id/state.json")
if [ -z "$G" ] || [ "$G" = null ] || [ "$G" = 0 ] || ! [ -r "/proc/$G/status" ] ||
	[ "$(awk '$1 == "PPid:" { print $2 }' "/proc/$G/status")" != "$S" ]; then
	t_fail "gofer pid from state.json" "'$G' (sandbox $S)"
	runsc delete --force "$id" >/dev/null 2>&1
	exit 0
fi
# Make it work first (opens, directory listings, a cwd), so whatever it
# keeps is in its fd table.
runsc exec "$id" /bin/sh -c "cat /etc/passwd /$marker; ls -l / /etc /dev; cd /etc && ls" >/dev/null 2>&1

status() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
t_expect "gofer Seccomp: 2 (filter)" 2 status "$G" Seccomp
t_expect "gofer NoNewPrivs: 1" 1 status "$G" NoNewPrivs
for f in CapEff CapPrm CapBnd; do
	t_expect "gofer $f only the file capabilities" 0x0 caps_extra "$G" "$f"
done
t_expect "gofer CapInh empty" 0000000000000000 status "$G" CapInh
t_expect "gofer CapAmb empty" 0000000000000000 status "$G" CapAmb
t_threads_confined gofer "$G" caps_extra

# Its root is the container rootfs.
want=$(stat -c '%d:%i' "$B/rootfs/$marker")
got=$(stat -c '%d:%i' "/proc/$G/root/$marker" 2>&1)
[ "$want" = "$got" ] && t_ok "gofer root is the bundle rootfs" ||
	t_fail "gofer root is the bundle rootfs" "marker $want vs $got"
if [ -e "/proc/$G/root$T_TMP/hostonly/$marker" ] || [ -e "/proc/$G/root$CVISOR_SRC/Makefile" ]; then
	t_fail "host-only files not in the gofer root" "host marker or $CVISOR_SRC visible"
else
	t_ok "host-only files not in the gofer root"
fi

# No procfs, sysfs or cgroupfs anywhere in its mount namespace; /proc in
# its root is the rootfs's empty directory. The config's mqueue mount is
# the one kernel file system it has (gofer/mqueue.c): checked below to be
# the container's IPC namespace's, never the host's.
kmounts=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); break }
	if (t ~ /^(proc|sysfs|cgroup|cgroup2|mqueue|debugfs|tracefs|securityfs|bpf|configfs)$/) print $5 " " t }' \
	"/proc/$G/mountinfo" | grep -vx '/dev/mqueue mqueue' | tr '\n' ';')
[ -z "$kmounts" ] && grep -q . "/proc/$G/mountinfo" && t_ok "gofer has no proc/sys/cgroup mount" ||
	t_fail "gofer has no proc/sys/cgroup mount" "$kmounts"
# Its mqueue instance: the container init's IPC namespace, not the
# host's; a queue the host holds is not listed there (the same listing of
# an mqueue mount of the host's namespace shows it: the probe works).
I=$(jq -r .initPid "$T_ROOT/$id/state.json")
gipc=$(readlink "/proc/$G/ns/ipc")
if [ "$gipc" = "$(readlink /proc/self/ns/ipc)" ] ||
	[ "$gipc" != "$(readlink "/proc/$I/ns/ipc")" ]; then
	t_fail "gofer's IPC namespace is the container's" "gofer $gipc, host $(readlink /proc/self/ns/ipc), init $(readlink "/proc/$I/ns/ipc")"
else
	t_ok "gofer's IPC namespace is the container's"
fi
hq=cvisor-inv-gofer-$$
if [ -x "$CVISOR_PROGS/fsipc_conform" ]; then
	"$CVISOR_PROGS/fsipc_conform" mqhold "/$hq" >"$T_TMP/hold" 2>&1 &
	holder=$!
	for _ in $(seq 50); do
		grep -q held "$T_TMP/hold" && break
		sleep 0.1
	done
	mkdir -p "$T_TMP/hmq"
	ref=$(unshare --mount --propagation private sh -c \
		'mount -t mqueue mqueue "$1" && ls "$1"' sh "$T_TMP/hmq")
	got=$(ls "/proc/$G/root/dev/mqueue" 2>&1)
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	unshare --mount --propagation private sh -c \
		'mount -t mqueue mqueue "$1" && rm -f "$1/$2"' sh "$T_TMP/hmq" "$hq"
	if ! grep -qx "$hq" <<<"$ref"; then
		t_fail "gofer's mqueue lists no host queue" "probe: the host's mount lists '$ref'"
	elif grep -q "$hq" <<<"$got"; then
		t_fail "gofer's mqueue lists no host queue" "gofer lists '$got'"
	else
		t_ok "gofer's mqueue lists no host queue"
	fi
else
	t_skip "gofer's mqueue lists no host queue" "no fsipc_conform (make test-progs)"
fi
t_expect "gofer's /proc is not a procfs" 0 sh -c "ls -A /proc/$G/root/proc | wc -l"
if [ "$(stat -f -c %T "/proc/$G/root/proc" 2>/dev/null)" = proc ]; then
	t_fail "gofer's /proc is on the rootfs" "procfs"
else
	t_ok "gofer's /proc is on the rootfs"
fi
mnt=$(readlink "/proc/$G/ns/mnt")
[ "$mnt" != "$(readlink /proc/self/ns/mnt)" ] && t_ok "gofer has its own mount namespace" ||
	t_fail "gofer has its own mount namespace" "$mnt"

# Its fds: sockets (the sentry's socketpair), its root, files inside the
# rootfs (by device and inode: found under /proc/<gofer>/root, i.e. in the
# container), /dev/null, and fds 0-2 naming the container stdio we passed.
bad=
for fdp in /proc/$G/fd/*; do
	fd=${fdp##*/}
	tgt=$(readlink "$fdp") || continue
	case $tgt in
	socket:* | /dev/null) continue ;;
	esac
	if [ "$fd" -le 2 ] && [ "$(stat -L -c %d:%i "$fdp")" = "$(stat -c %d:%i "$T_TMP/stdio")" ]; then
		continue
	fi
	read -r dev ino < <(stat -L -c '%d %i' "$fdp" 2>/dev/null)
	if [ "$dev:$ino" = "$(stat -L -c %d:%i "/proc/$G/root/")" ]; then
		continue # its root
	fi
	# Inside the rootfs: the same inode is reachable under the gofer's
	# root, on the same device.
	rel=${tgt#/}
	if [ "${tgt:0:1}" = / ] && [ "$(stat -c %d:%i "/proc/$G/root/$rel" 2>/dev/null)" = "$dev:$ino" ]; then
		continue
	fi
	if [ -n "$(find "/proc/$G/root/" -xdev -inum "$ino" -print -quit 2>/dev/null)" ] &&
		[ "$dev" = "$(stat -c %d "/proc/$G/root/")" ]; then
		continue
	fi
	bad="$bad $fd->$tgt($(stat -f -L -c %T "$fdp" 2>/dev/null))"
done
[ -z "$bad" ] && t_ok "gofer fds: sockets, its root, rootfs files" ||
	t_fail "gofer fds: sockets, its root, rootfs files" "fds$bad"

runsc delete --force "$id" >/dev/null 2>&1
t_assert_clean "*-$$"
