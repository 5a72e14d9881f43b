#!/bin/bash
# ptrace between workload processes (issue 14), emulated by the sentry:
# tests/progs/ptrace_conform forks, traces its child (TRACEME + exec,
# PTRACE_SYSCALL, signal injection, PEEK/POKE, registers and regsets,
# options and their events, KILL, DETACH, the tracer's exit) and prints
# every stop it sees. It runs natively and in the sandbox; each case's
# lines must be the host kernel's.
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

if ! grep -q '^done$' "$T_TMP/native.out"; then
	t_fail native_run "$(tail -c 300 "$T_TMP/native.out" | tr '\n' ' ')"
fi
grep -q '^done$' "$T_TMP/sandbox.out" && t_ok sandbox_run ||
	t_fail sandbox_run "$(tail -n 3 "$T_TMP/sandbox.out" | tr '\n' ' ') $(tail -c 300 "$T_TMP/sandbox.err" | tr '\n' ' ')"
# Each case: its lines, in order, as on the host.
for c in $(awk '{ print $1 }' "$T_TMP/native.out" | uniq); do
	[ "$c" = done ] && continue
	want=$(grep "^$c " "$T_TMP/native.out")
	got=$(grep "^$c " "$T_TMP/sandbox.out")
	if [ "$want" = "$got" ]; then
		t_ok "$c"
	else
		t_fail "$c" "$(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | head -6 | tr '\n' ';')"
	fi
done
t_assert_clean "*-$$"
