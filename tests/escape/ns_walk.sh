#!/bin/bash
# The namespace files of /proc/<pid>/ns lead nowhere above the container
# (issue 14): tests/progs/ns_walk walks NS_GET_USERNS and NS_GET_PARENT
# from every /proc/self/ns file as far as they go and tries setns into
# each namespace reached, in a runc container and in a cvisor one of the
# same bundle, without and with a user namespace of the container's (its
# parent is the sandbox's, which the sentry's own walks reach: the
# workload's must not). What was reached and what setns got are compared
# with runc; and where runc's container holds the kernel's nsfs files
# (and a pidfd's PIDFD_GET_USER_NAMESPACE, an nsfs file handle give
# more), the sandbox's holds none: handles of the sentry's own
# (sentry/nsfs.c, docs/security.md "Namespace files").
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc ns_walk ns_walk || exit 0

B=$T_TMP/b
make_bundle "$B" /ns_walk
cp "$PROG" "$B/rootfs/ns_walk"

# value NAME FILE
value() { awk -v n="$1" '$1 == n { print $2; exit }' "$2"; }

# walk ID: runs the bundle in both runtimes and checks the results.
walk() {
	local id=$1 v
	t_run_runc_and_sandbox "$id"
	cp "$T_TMP/native.out" "$T_TMP/native.all"
	cp "$T_TMP/sandbox.out" "$T_TMP/sandbox.all"
	grep -Ev '^(real_nsfs|pidfd_ns|handle_ns) ' "$T_TMP/native.all" |
		sed "s/^/$id:/; s/^$id:done 0$/done 0/" >"$T_TMP/native.out"
	grep -Ev '^(real_nsfs|pidfd_ns|handle_ns) ' "$T_TMP/sandbox.all" |
		sed "s/^/$id:/; s/^$id:done 0$/done 0/" >"$T_TMP/sandbox.out"
	t_compare_native || return
	v=$(value real_nsfs "$T_TMP/native.all")
	if [ "${v:-0}" -gt 0 ]; then
		t_expect "$id:sandbox_holds_no_nsfs" 0 value real_nsfs "$T_TMP/sandbox.all"
	else
		t_fail "$id:runc_holds_nsfs" "runc's container held no nsfs fd: the walk proves nothing"
	fi
	for v in pidfd_ns handle_ns; do
		if [ "$(value $v "$T_TMP/native.all")" = ok ]; then
			t_check "$id:sandbox_$v" [ "$(value $v "$T_TMP/sandbox.all")" != ok ]
		else
			t_skip "$id:sandbox_$v" "not offered by this kernel to runc's container either"
		fi
	done
}

walk nw
bundle_userns "$B" '.root.readonly = false'
walk nwu
