#!/bin/bash
# ptrace between workload processes (issue 14), emulated by the sentry:
# tests/progs/ptrace_conform forks, traces its child (TRACEME + exec,
# PTRACE_SYSCALL, signal injection, PEEK/POKE, registers and regsets,
# SINGLESTEP to the child's exit, options and their events, vfork done,
# the signal mask, PEEKSIGINFO, ARCH_PRCTL, execve by another name under
# PTRACE_SYSCALL, KILL, DETACH, the tracer's exit) and prints every stop
# it sees. It runs natively and in the sandbox; each case's lines must be
# the host kernel's. Then the same for ATTACH, SEIZE, INTERRUPT, LISTEN
# and their permission rules, and seize_rounds: 200 rounds of INTERRUPT,
# SIGSTOP, CONT into the group stop, LISTEN, SIGCONT and CONT under a
# storm of ignored signals to the tracer (a resume run twice after a
# signal took its reply away ran the tracee past its group stop:
# docs/architecture.md, "Calls interrupted after they were served").
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/ptrace_conform
[ -x "$PROG" ] || { t_fail "ptrace_conform built" "$PROG missing"; exit 0; }
t_clean_begin "*-$$"

"$PROG" >"$T_TMP/native.out" 2>"$T_TMP/native.err"

B=$T_TMP/b
make_bundle "$B" /ptrace_conform
cp "$PROG" "$B/rootfs/ptrace_conform"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "ptrace-conform-$$" </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")

# compare_cases NATIVE SANDBOX SANDBOX_ERR: each case's lines, in order,
# as on the host.
compare_cases() {
	local c want got
	if ! grep -q '^done$' "$1"; then
		t_fail "native run" "$(tail -c 300 "$1" | tr '\n' ' ')"
	fi
	if grep -q '^done$' "$2"; then
		t_ok "sandbox run $(head -c 20 "$2" | awk '{ print $1; exit }')"
	else
		t_fail "sandbox run" "$(tail -n 3 "$2" | tr '\n' ' ') $(tail -c 300 "$3" | tr '\n' ' ')"
	fi
	for c in $(awk '{ print $1 }' "$1" | uniq); do
		[ "$c" = done ] && continue
		want=$(grep "^$c " "$1")
		got=$(grep "^$c " "$2")
		if [ "$want" = "$got" ]; then
			t_ok "$c"
		else
			t_fail "$c" "$(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | head -6 | tr '\n' ';')"
		fi
	done
}
compare_cases "$T_TMP/native.out" "$T_TMP/sandbox.out" "$T_TMP/sandbox.err"

# A workload filter's SECCOMP_RET_TRACE for an emulated tracer with
# PTRACE_O_TRACESECCOMP: on the ptrace platform as on the host (the call
# run, skipped, or changed into an emulated one, which the sentry serves);
# on the seccomp platform the option is refused (EINVAL), our filter's
# USER_NOTIF outranking the workload's TRACE (docs/security.md).
"$PROG" seccomp >"$T_TMP/native-s.out" 2>&1
S=$T_TMP/s
make_bundle "$S" /ptrace_conform seccomp
cp "$PROG" "$S/rootfs/ptrace_conform"
(cd "$S" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "ptrace-seccomp-$$" </dev/null \
	>"$T_TMP/sandbox-s.out" 2>"$T_TMP/sandbox-s.err")
if [ "$CVISOR_PLATFORM" = ptrace ]; then
	compare_cases "$T_TMP/native-s.out" "$T_TMP/sandbox-s.out" "$T_TMP/sandbox-s.err"
elif grep -q '^seccomp set EINVAL$' "$T_TMP/sandbox-s.out"; then
	t_ok "seccomp: TRACESECCOMP refused on the seccomp platform"
else
	t_fail "seccomp: TRACESECCOMP refused on the seccomp platform" \
		"$(head -c 300 "$T_TMP/sandbox-s.out" | tr '\n' ' ')"
fi

# ATTACH, SEIZE, INTERRUPT, LISTEN and Linux's permission rules: natively
# as root; in the sandbox as root with CAP_SYS_PTRACE (which root has
# natively), CAP_SETUID and CAP_SETGID added to the default set.
if [ "$(id -u)" != 0 ]; then
	t_skip attach "needs root"
	t_assert_clean "*-$$"
	exit 0
fi
"$PROG" attach >"$T_TMP/native-a.out" 2>&1
A=$T_TMP/a
make_bundle "$A" /ptrace_conform attach
cp "$PROG" "$A/rootfs/ptrace_conform"
jq '.process.capabilities |= with_entries(.value = (.value +
	["CAP_SYS_PTRACE", "CAP_SETUID", "CAP_SETGID"] | unique))' \
	"$A/config.json" >"$A/c.json" && mv "$A/c.json" "$A/config.json"
(cd "$A" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "ptrace-attach-$$" </dev/null \
	>"$T_TMP/sandbox-a.out" 2>"$T_TMP/sandbox-a.err")
compare_cases "$T_TMP/native-a.out" "$T_TMP/sandbox-a.out" "$T_TMP/sandbox-a.err"
t_assert_clean "*-$$"
