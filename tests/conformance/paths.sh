#!/bin/bash
# Path-syscall conformance: tests/progs/fs_conform runs natively and in the
# sandbox on the same kind of directories (a directory of the bundle's
# filesystem and a tmpfs); every case's result in the sandbox must equal
# the host kernel's. CVISOR_FILE_ACCESS (paths_shared.sh: shared) is
# runsc's --file-access; unset, the default (exclusive).
# CVISOR_FILE_ACCESS_MOUNTS (paths_mounts.sh: exclusive) is
# --file-access-mounts, and the work directory is then a bind mount.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/fs_conform
if [ ! -x "$PROG" ]; then
	t_skip fs_conform "no $PROG (make test-progs)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip fs_conform "needs root"
	exit 0
fi

# Native: a work directory next to the bundle (same filesystem) and a tmpfs.
N=$T_TMP/native
mkdir -p "$N/work" "$N/tmpfs"
# Searchable by others, as /conform is in the sandbox (cases run as uid 1000).
chmod 755 "$T_TMP" "$N" "$N/work"
if ! mount -t tmpfs -o size=4m tmpfs "$N/tmpfs"; then
	t_skip fs_conform "cannot mount a tmpfs"
	exit 0
fi
"$PROG" "$N/work" "$N/tmpfs" >"$T_TMP/native.out" 2>"$T_TMP/native.err"
umount "$N/tmpfs"

B=$T_TMP/b
make_bundle "$B" /conform/fs_conform /conform/work /conform/tmpfs
mkdir -p "$B/rootfs/conform/work" "$B/rootfs/conform/tmpfs"
cp "$PROG" "$B/rootfs/conform/fs_conform"
# The file capabilities a native root uses in these cases.
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER",
	"CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_MKNOD","CAP_AUDIT_WRITE",
	"CAP_SETFCAP"]'
jq --argjson c "$caps" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c} |
    .mounts += [{"destination":"/conform/tmpfs","type":"tmpfs",
		 "source":"tmpfs","options":["nosuid","size=4m"]}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
if [ -n "${CVISOR_FILE_ACCESS_MOUNTS:-}" ]; then
	mkdir -p "$T_TMP/bindwork"
	chmod 755 "$T_TMP/bindwork"
	jq --arg s "$T_TMP/bindwork" '.mounts += [{"destination":"/conform/work",
		"type":"bind","source":$s,"options":["rbind","rw"]}]' \
		"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
fi
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	${CVISOR_FILE_ACCESS:+--file-access "$CVISOR_FILE_ACCESS"} \
	${CVISOR_FILE_ACCESS_MOUNTS:+--file-access-mounts "$CVISOR_FILE_ACCESS_MOUNTS"} \
	--platform "$CVISOR_PLATFORM" run "conform-$$" </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")

# One verdict per case, in the native order.
t_compare_native
