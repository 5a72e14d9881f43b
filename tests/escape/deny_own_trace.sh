#!/bin/bash
# A workload's own SECCOMP_RET_TRACE must not be mistaken for the sentry's
# (its data value is not ours): getppid and execve fail with ENOSYS, as with
# no tracer, and the exec is not performed.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

B=$T_TMP/b
make_bundle "$B" /bin/sc_owntrace
cp "$CVISOR_PROGS/sc_owntrace" "$B/rootfs/bin/" || { t_fail build "no sc_owntrace"; exit 0; }
cd "$B" || exit 1
timeout 30 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run o1-$$ \
	>"$T_TMP/out" 2>"$T_TMP/err"
t_expect getppid_enosys "ENOSYS" awk '$1 == "getppid" { print $2 }' "$T_TMP/out"
t_expect execve_enosys "ENOSYS" awk '$1 == "execve" { print $2 }' "$T_TMP/out"
t_expect still_running "alive" grep -x alive "$T_TMP/out"
t_assert_clean "*-$$"
