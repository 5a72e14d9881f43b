#!/bin/bash
# Ids through a user namespace (linux.uidMappings/gidMappings, container
# 0..65535 -> host 100000..165535, the rootfs owned by host 100000):
# tests/progs/fs_ids runs natively in a user namespace with the same
# mappings and in the sandbox; every case must give the host kernel's
# answer (stat shows mapped ids and 65534 for unmapped ones, chown stores
# host ids and refuses unmapped ones with EINVAL, file access runs as the
# task's host ids). The host-side owners are checked too.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/fs_ids
if [ ! -x "$PROG" ]; then
	t_skip fs_ids "no $PROG (make test-progs)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip fs_ids "needs root"
	exit 0
fi
chmod 755 "$T_TMP"

# DIR as fs_ids wants it: owned by the namespace's root, "unmapped" owned
# by host ids outside the mapping.
prep() {
	mkdir -p "$1"
	touch "$1/unmapped"
	chown 5:5 "$1/unmapped"
	chown 100000:100000 "$1"
}

N=$T_TMP/native
prep "$N"
"$PROG" -u "$N" >"$T_TMP/native.out" 2>"$T_TMP/native.err"
native_host=$(stat -c '%u:%g' "$N/f" "$N/l" "$N/pub/made_by_user" | tr '\n' ' ')

B=$T_TMP/b
make_bundle "$B" /ids/fs_ids /ids/work
cp "$PROG" "$B/rootfs/ids/fs_ids" 2>/dev/null ||
	{ mkdir -p "$B/rootfs/ids" && cp "$PROG" "$B/rootfs/ids/fs_ids"; }
prep "$B/rootfs/ids/work"
chown -R 100000:100000 "$B/rootfs/bin" "$B/rootfs/ids/fs_ids"
chown 100000:100000 "$B/rootfs" "$B/rootfs/ids"
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER",
	"CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID"]'
jq --argjson c "$caps" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c} |
    .linux.namespaces += [{type: "user"}] |
    .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
    .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run ids </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
W=$B/rootfs/ids/work
sandbox_host=$(stat -c '%u:%g' "$W/f" "$W/l" "$W/pub/made_by_user" | tr '\n' ' ')

t_compare_native || exit 0

# What the files' owners are on the host (f, the symlink l, a file the
# uid 1000 task made): host ids of the container's.
t_expect host_side_owners "$native_host" echo "$sandbox_host"
t_expect host_side_owners_values "100009:100010 100005:100006 101000:102000 " \
	echo "$sandbox_host"
