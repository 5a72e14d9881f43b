#!/bin/bash
# Capabilities of root in a user namespace (linux.uidMappings 0..65535 ->
# host 100000..) apply only to files whose owner and group are mapped, as
# Linux decides (capable_wrt_inode_uidgid): through a read-write bind
# mount, the container's root must not write, chmod, chown, utime,
# truncate or hard-link host root's files, nor create in host root's
# directory, while its capabilities still work on mapped files.
# tests/progs/userns_caps runs natively in a user namespace with the same
# mappings and in the sandbox; every case must give the host kernel's
# answer. The host-side files are checked too. Then /dev: owned by the
# container's root, device nodes not chmod-able (host root's, as runc's
# bind-mounted nodes are), /dev/shm the container root's.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

PROG=$CVISOR_PROGS/userns_caps
if [ ! -x "$PROG" ]; then
	t_skip userns_caps "no $PROG (make test-progs)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip userns_caps "needs root"
	exit 0
fi
chmod 755 "$T_TMP"

prep() {
	mkdir -p "$1/rootdir"
	echo x >"$1/rootf"
	echo x >"$1/root600"
	chmod 600 "$1/root600"
	echo x >"$1/rootdir/f"
	echo x >"$1/mine"
	echo x >"$1/mine2"
	echo x >"$1/u5"
	chmod 600 "$1/u5"
	chown 100000:100000 "$1" "$1/mine" "$1/mine2"
	chown 100005:100005 "$1/u5"
}
# What an attack would have changed on the host.
host_view() {
	stat -c '%n %u:%g %a %s' "$1/rootf" "$1/root600" "$1/rootdir" \
		"$1/rootdir/f" 2>&1 | sed "s|$1/||"
	ls "$1/rootdir"
}

N=$T_TMP/native
prep "$N"
"$PROG" -u "$N" >"$T_TMP/native.out" 2>"$T_TMP/native.err"
native_host=$(host_view "$N")

H=$T_TMP/hostdir
prep "$H"
B=$T_TMP/b
make_bundle "$B" /ids/userns_caps -d /mnt
mkdir -p "$B/rootfs/ids" "$B/rootfs/mnt"
cp "$PROG" "$B/rootfs/ids/userns_caps"
chown -R 100000:100000 "$B/rootfs"
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER",
	"CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID"]'
jq --argjson c "$caps" --arg src "$H" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c} |
    .linux.namespaces += [{type: "user"}] |
    .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
    .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
    .mounts += [{destination: "/mnt", type: "bind", source: $src,
		 options: ["rbind", "rw"]}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run caps-$$ </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
sandbox_host=$(host_view "$H")

t_compare_native || exit 0

t_expect host_files_unchanged "$native_host" host_view "$H"
# Host root's file must still be 0644, 2 bytes, owned by root (the
# native run above unlinked its own copy; the bind's copy too).
t_expect host_rootdir_intact "rootdir 0:0 755
f" bash -c "stat -c '%n %u:%g %a' '$H/rootdir' | sed 's|.*/||'; ls '$H/rootdir'"

# /dev as runc makes it in a user namespace: the tmpfs and /dev/shm are
# the container root's, the default nodes host root's (nobody inside),
# which root in the container may not chmod or chown but may use.
got() {
	awk -v n="$1" '$1 == n { $1 = ""; sub(/^ /, ""); print; exit }' \
		"$T_TMP/sandbox.out"
}
while read -r name want; do
	g=$(got "$name")
	if [ "$g" = "$want" ]; then
		t_ok "$name"
	else
		t_fail "$name" "want '$want', sandbox: '${g:-(missing)}'"
	fi
done <<'CASES'
owner_dev 0:0
owner_devnull 65534:65534
chmod_devnull EPERM
chown_devnull EPERM
write_devnull ok
owner_devshm 0:0
owner_devpts_ptmx 0:0
mkfile_dev ok
owner_dev_made 0:0
CASES
t_assert_clean "*-$$"
