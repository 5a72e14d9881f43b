#!/bin/bash
# docs/architecture.md, invariant 3: the workload's own mount namespace holds nothing of
# the host. From the host: the init's mountinfo has no proc, sysfs,
# devtmpfs, cgroup (or other kernel) mounts and every mount is
# ro,nosuid,nodev; its root is the container rootfs (same inode as a marker
# planted in the bundle, a host-only marker is absent); writing through
# /proc/<init>/root fails with EROFS. From inside: the sentry's virtual
# mountinfo names no host path.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

# bad_mounts MOUNTINFO: prints one line per mount that breaks the rule
# (forbidden filesystem type, or missing ro/nosuid/nodev in the per-mount
# options); prints nothing if every mount is fine.
bad_mounts() {
	awk '{
		opts = $6; fstype = ""
		for (i = 7; i <= NF; i++) if ($i == "-") { fstype = $(i + 1); break }
		why = ""
		if (fstype ~ /^(proc|sysfs|devtmpfs|cgroup|cgroup2|mqueue|debugfs|tracefs|securityfs|bpf|configfs|fusectl|pstore|hugetlbfs|binfmt_misc|efivarfs|autofs|nsfs)$/)
			why = "fstype " fstype
		n = split(opts, o, ",")
		delete have
		for (j = 1; j <= n; j++) have[o[j]] = 1
		if (!("ro" in have)) why = why " not-ro"
		if (!("nosuid" in have)) why = why " not-nosuid"
		if (!("nodev" in have)) why = why " not-nodev"
		if (why != "") print $5 " (" fstype "):" why
	}' "$1"
}

# The checker itself must be able to fail: the host's own mount table has
# proc, sysfs and writable mounts.
if [ -n "$(bad_mounts /proc/self/mountinfo)" ]; then
	t_ok "checker flags the host's mount table"
else
	t_fail "checker flags the host's mount table" "bad_mounts found nothing on the host"
fi

B=$T_TMP/b
make_bundle "$B" /bin/sleep 1000
marker=inv-marker-$$-$RANDOM
echo "inside $marker" >"$B/rootfs/$marker"
mkdir -p "$T_TMP/hostonly"
echo "host only $marker" >"$T_TMP/hostonly/$marker"
id=inv-view-$$
if ! runsc run -d --bundle "$B" "$id" >"$T_TMP/run.out" 2>&1; then
	t_fail "run -d" "$(tail -c 300 "$T_TMP/run.out")"
	exit 0
fi
init=$(jq -r .initPid "$T_ROOT/$id/state.json")
if [ -z "$init" ] || [ "$init" = null ] || ! [ -r "/proc/$init/mountinfo" ]; then
	t_fail "init pid from state.json" "'$init'"
	runsc delete --force "$id" >/dev/null 2>&1
	exit 0
fi
cp "/proc/$init/mountinfo" "$T_TMP/init.mountinfo"

if [ -s "$T_TMP/init.mountinfo" ]; then
	bad=$(bad_mounts "$T_TMP/init.mountinfo")
	# Reported in two checks so that the kind of breach is obvious.
	kbad=$(echo "$bad" | grep 'fstype' | tr '\n' ';')
	obad=$(echo "$bad" | grep -E 'not-(ro|nosuid|nodev)' | tr '\n' ';')
	[ -z "$kbad" ] && t_ok "init's mounts: no proc/sysfs/devtmpfs/cgroup" ||
		t_fail "init's mounts: no proc/sysfs/devtmpfs/cgroup" "$kbad"
	[ -z "$obad" ] && t_ok "init's mounts: all ro,nosuid,nodev" ||
		t_fail "init's mounts: all ro,nosuid,nodev" "$obad"
else
	t_fail "init's mountinfo readable" "empty"
fi

# The root is the container rootfs: a bind mount, so compare a marker's
# device and inode rather than the directories'.
want=$(stat -c '%d:%i' "$B/rootfs/$marker")
got=$(stat -c '%d:%i' "/proc/$init/root/$marker" 2>&1)
[ "$want" = "$got" ] && t_ok "init's root is the bundle rootfs" ||
	t_fail "init's root is the bundle rootfs" "marker $want vs $got"
if [ -e "/proc/$init/root$T_TMP/hostonly/$marker" ]; then
	t_fail "host-only marker not in the init's root" "/proc/$init/root$T_TMP/hostonly/$marker exists"
else
	t_ok "host-only marker not in the init's root"
fi
if [ -e "/proc/$init/root/work" ] || [ -e "/proc/$init/root$CVISOR_SRC" ]; then
	t_fail "no host tree in the init's root" "/work or $CVISOR_SRC is visible"
else
	t_ok "no host tree in the init's root"
fi

# Writes through the view, even as host root, are refused by the mount.
errno_of() { # errno_of PATH FLAGS: the errno name of os.open, or OK
	python3 - "$1" "$2" <<'PY'
import errno, os, sys
try:
    fd = os.open(sys.argv[1], int(sys.argv[2], 0), 0o644)
    os.close(fd)
    print("OK")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e.errno)))
PY
}
t_expect "create via /proc/<init>/root is EROFS" EROFS \
	errno_of "/proc/$init/root/inv-new-$$" "$((0x41))"	# O_WRONLY|O_CREAT
t_expect "write via /proc/<init>/root is EROFS" EROFS \
	errno_of "/proc/$init/root/$marker" 1			# O_WRONLY
t_expect "mkdir via /proc/<init>/root is EROFS" EROFS \
	python3 -c 'import errno,os,sys
try: os.mkdir(sys.argv[1]); print("OK")
except OSError as e: print(errno.errorcode.get(e.errno))' "/proc/$init/root/inv-dir-$$"
[ ! -e "$B/rootfs/inv-new-$$" ] && [ "$(cat "$B/rootfs/$marker")" = "inside $marker" ] &&
	t_ok "rootfs unchanged" || t_fail "rootfs unchanged" "a write went through"

# From inside: the virtual mountinfo shows no host path. Last, in case
# reading it upsets the sandbox.
runsc exec "$id" /bin/cat /proc/self/mountinfo >"$T_TMP/in.mountinfo" 2>"$T_TMP/in.err"
rc=$?
if [ $rc -ne 0 ] || [ ! -s "$T_TMP/in.mountinfo" ]; then
	t_fail "inside: /proc/self/mountinfo readable" "status $rc: $(tail -c 200 "$T_TMP/in.err"); container $(runsc state "$id" 2>/dev/null | jq -r .status)"
else
	t_ok "inside: /proc/self/mountinfo readable"
	leak=$(grep -n -F -e "$B" -e "$T_TMP" -e "$T_ROOT" -e /work -e /tmp/cvisor \
		"$T_TMP/in.mountinfo" | head -3 | tr '\n' ';')
	[ -z "$leak" ] && t_ok "inside: mountinfo names no host path" ||
		t_fail "inside: mountinfo names no host path" "$leak"
fi

runsc delete --force "$id" >/dev/null 2>&1
t_assert_clean "*-$$"
