#!/bin/bash
# /proc/<pid>/{environ,cwd,fd} of another process follow Linux's
# ptrace_may_access(PTRACE_MODE_READ_FSCREDS) for the reader, not the
# sentry's own access (issue 10, class 3): a uid 1000 reader with no
# capabilities may not reach a uid 1000 process that is non-dumpable (it
# changed uids), may once it is dumpable again, and may not if the
# target keeps a capability the reader lacks. tests/progs/proc_ptrace
# runs natively (as root, dropping to uid 1000) and in the sandbox; the
# host kernel's answers are the expectation.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/proc_ptrace
[ -x "$PROG" ] || { t_fail "proc_ptrace built" "$PROG missing"; exit 0; }
[ "$(id -u)" = 0 ] || { t_skip proc_ptrace "needs root"; exit 0; }
t_clean_begin "*-$$"

"$PROG" >"$T_TMP/native.out" 2>"$T_TMP/native.err"
cp "$T_TMP/native.out" "$T_TMP/native.raw"
# sandbox PROFILE: the container's root with PROFILE's capabilities (and
# SETUID/SETGID to change uids), as root on the host has all of them.
sandbox() {
	local prof=$1 B=$T_TMP/b-$1
	make_bundle "$B" /proc_ptrace
	cp "$PROG" "$B/rootfs/proc_ptrace"
	caps_profile "$B" "$prof"
	jq '.process.capabilities |= with_entries(.value = (.value + ["CAP_SETUID", "CAP_SETGID"] | unique))' \
		"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run --bundle "$B" "proc-ptrace-$prof-$$" </dev/null \
		>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err"
	sed "s/^/$prof:/; s/^$prof:done 0$/done 0/" "$T_TMP/native.raw" >"$T_TMP/native.out"
	sed -i "s/^/$prof:/; s/^$prof:done 0$/done 0/" "$T_TMP/sandbox.out"
	t_compare_native
}
for_each_caps sandbox
t_assert_clean "*-$$"
