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
# The file capabilities a native root uses in these cases (connect and
# bind check write access to the inode).
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER",
	"CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_MKNOD","CAP_AUDIT_WRITE",
	"CAP_SETFCAP"]'
jq --argjson c "$caps" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run errnos </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")

# Refused on purpose (syscalls/filter.c): KSM merging across sandboxes is
# a timing side channel; EINVAL is a kernel without CONFIG_KSM.
known() {
	[ "$1" = madvise_mergeable ] && [ "$3" = EINVAL ]
}

t_compare_native known

# Again as uid 1000 without capabilities (permission checks come into
# it: connect needs write access to the socket's inode...), each case
# named user_NAME.
if ! command -v setpriv >/dev/null; then
	t_skip user_run "no setpriv"
	exit 0
fi
user_names() {
	sed -e '/^done 0$/!s/^/user_/' "$1" >"$1.u" && mv "$1.u" "$1"
}
mkdir -p "$T_TMP/native/user"
chmod 755 "$T_TMP" "$T_TMP/native"
chmod 777 "$T_TMP/native/user"
setpriv --reuid 1000 --regid 1000 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$PROG" "$T_TMP/native/user" \
	>"$T_TMP/native.out" 2>"$T_TMP/native.err"
user_names "$T_TMP/native.out"
rm -rf "$B/rootfs/conform/work"
mkdir -p "$B/rootfs/conform/work"
chmod 777 "$B/rootfs/conform/work"
jq '.process.user = {"uid": 1000, "gid": 1000} |
    .process.capabilities = {}' "$B/config.json" \
	>"$B/c.json" && mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run errnos-user </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
user_names "$T_TMP/sandbox.out"
user_known() {
	known "${1#user_}" "$2" "$3"
}
t_compare_native user_known
