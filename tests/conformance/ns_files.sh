#!/bin/bash
# The files /proc/<pid>/ns/X lead to against runc (issue 14):
# tests/progs/ns_files stats each, opens it (O_RDONLY, O_PATH), compares
# the fd's fstat, statx and /proc/self/fd link with the link's namespace,
# and asks the NS_GET_* ioctls (type, owner, parent, owner's uid) and
# setns, in a runc container and in a cvisor one made from the same
# bundle, without and with a user namespace of the container's; every
# line must agree. The sandbox hands out handles of its
# own, never the kernel's nsfs files (sentry/nsfs.c, docs/security.md
# "Namespace files").
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc ns_files ns_files || exit 0

B=$T_TMP/b
make_bundle "$B" /ns_files
cp "$PROG" "$B/rootfs/ns_files"

# Known difference: setns is denied (DENY(EPERM), docs/syscalls.md),
# whatever Linux would answer first (EINVAL for the caller's own user
# namespace).
known() {
	case $1 in
	*:setns_*) [ "$3" = EPERM ] ;;
	*) return 1 ;;
	esac
}

# compare ID: one run in each runtime, every line compared.
# With a user namespace, it is the container's own in each (user_ino).
compare() {
	t_run_runc_and_sandbox "$1"
	sed -i "s/^/$1:/; s/^$1:done 0$/done 0/" "$T_TMP/native.out" \
		"$T_TMP/sandbox.out"
	[ "$1" = nf ] || sed -i '/:user_ino /d' "$T_TMP/native.out"
	t_compare_native known
}

compare nf
bundle_userns "$B" '.root.readonly = false'
compare nfu
