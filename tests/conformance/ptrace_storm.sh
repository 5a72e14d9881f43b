#!/bin/bash
# Emulated ptrace under signals (issue 14): tests/progs/pt_sigstorm resumes
# its tracee with PTRACE_SYSCALL thousands of times while
# a timer floods the tracer with a signal it ignores; every resume must take the
# tracee to its next stop and no further (stops alternate entry, exit), as
# on the host. A signal between the sentry's service of the tracer's
# ptrace call and its reply makes the kernel restart the call: the resume
# is done once the reply was taken (sc_commit), or the tracee ran past a
# stop unseen (strace -f lost step in tests/integration/ptrace_tools.sh).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/pt_sigstorm
[ -x "$PROG" ] || { t_fail "pt_sigstorm built" "$PROG missing"; exit 0; }
t_clean_begin "*-$$"

"$PROG" >"$T_TMP/native.out" 2>"$T_TMP/native.err"
B=$T_TMP/b
make_bundle "$B" /pt_sigstorm
cp "$PROG" "$B/rootfs/pt_sigstorm"
# The default capabilities have no CAP_SYS_PTRACE: a child traces itself
# to its parent (PTRACE_TRACEME), which needs none.
(cd "$B" && timeout 300 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "ptrace-storm-$$" </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
t_compare_native
t_assert_clean "*-$$"
