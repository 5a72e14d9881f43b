#!/bin/bash
# Errno conformance (issue 14): tests/progs/errno_conform runs natively and
# in the sandbox (socket and socketpair arguments, bind and connect on
# AF_UNIX sockets, ioctl on O_PATH fds, openat2's RESOLVE_* flags,
# madvise, prctl, sigtimedwait, pidfd_send_signal); every case's result
# in the sandbox must equal the host kernel's.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/errno_conform
if [ ! -x "$PROG" ]; then
	t_skip errno_conform "no $PROG (make test-progs)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip errno_conform "needs root"
	exit 0
fi

# Native: a work directory next to the bundle (same filesystem).
mkdir -p "$T_TMP/native/work"
"$PROG" "$T_TMP/native/work" >"$T_TMP/native.out" 2>"$T_TMP/native.err"

B=$T_TMP/b
make_bundle "$B" /conform/errno_conform /conform/work
mkdir -p "$B/rootfs/conform/work"
cp "$PROG" "$B/rootfs/conform/errno_conform"
jq '.root.readonly = false' "$B/config.json" >"$B/c.json" &&
	mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run errnos </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")

# Refused on purpose (syscalls/filter.c): KSM merging across sandboxes is
# a timing side channel; EINVAL is a kernel without CONFIG_KSM.
known() {
	[ "$1" = madvise_mergeable ] && [ "$3" = EINVAL ]
}

t_compare_native known
