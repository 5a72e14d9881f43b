#!/bin/bash
# Emulated ptrace never reaches outside the workload (issue 14;
# docs/architecture.md, "Emulated ptrace"). tests/progs/ptrace_reach, run
# natively, attaches to a host process, makes its parent its tracer with
# PTRACE_TRACEME and rewrites a traced child's syscall at its entry stop
# into unshare(CLONE_NEWNS): each works on the host. In the sandbox: the
# sentry, the gofer and a host process cannot be attached or seized
# (while the container's own init can: the attack itself works there),
# TRACEME of a process whose parent is outside the workload (the init's
# is the sentry, runsc exec's is runsc) is refused, and the rewritten call
# still meets the sandbox's filter.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/ptrace_reach
[ -x "$PROG" ] || { t_fail "ptrace_reach built" "$PROG missing"; exit 0; }
[ "$(id -u)" = 0 ] || { t_skip ptrace_reach "needs root"; exit 0; }
t_clean_begin "*-$$"

# verdict NAME WANT FILE: the line "NAME ..." of FILE must say WANT.
verdict() {
	local got
	got=$(grep "^$1 " "$3" | head -n 1 | awk '{ print $NF }')
	if [ "$got" = "$2" ]; then
		t_ok "$4$1 $2"
	else
		t_fail "$4$1" "want $2, got '${got:-(none)}'"
	fi
}

# Natively: every attack works.
sleep 60 &
HOST=$!
"$PROG" attach host=$HOST >"$T_TMP/native" 2>&1
"$PROG" traceme >>"$T_TMP/native" 2>&1
"$PROG" rewrite >>"$T_TMP/native" 2>&1
for n in "attach host" "seize host" "traceme" "rewrite unshare"; do
	verdict "$n" ok "$T_TMP/native" "native: "
done

B=$T_TMP/b
make_bundle "$B" /bin/sleep 1000
cp "$PROG" "$B/rootfs/ptrace_reach"
id=ptrace-reach-$$
if ! runsc run -d --bundle "$B" "$id" </dev/null >"$T_TMP/run.out" 2>&1; then
	t_fail "run -d" "$(tail -c 300 "$T_TMP/run.out")"
	kill $HOST
	exit 0
fi
S=$(runsc state "$id" | jq -r .pid)
G=$(jq -r .goferPid "$T_ROOT/$id/state.json")
runsc exec "$id" /ptrace_reach attach sentry="$S" gofer="$G" host=$HOST \
	runsc=$$ init=1 >"$T_TMP/in" 2>&1
runsc exec "$id" /ptrace_reach traceme >>"$T_TMP/in" 2>&1
runsc exec "$id" /ptrace_reach rewrite >>"$T_TMP/in" 2>&1
for who in sentry gofer host runsc; do
	verdict "attach $who" ESRCH "$T_TMP/in" "sandbox: "
	verdict "seize $who" ESRCH "$T_TMP/in" "sandbox: "
done
verdict "attach init" ok "$T_TMP/in" "sandbox: "
verdict "seize init" ok "$T_TMP/in" "sandbox: "
verdict "traceme" EPERM "$T_TMP/in" "sandbox exec: "
verdict "rewrite unshare" EPERM "$T_TMP/in" "sandbox: "
# The sentry and the gofer are untouched: still running, not traced.
for p in "$S" "$G"; do
	tr=$(awk '/^TracerPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
	if [ "$tr" = 0 ]; then
		t_ok "pid $p (sentry/gofer) alive and untraced"
	else
		t_fail "pid $p (sentry/gofer) alive and untraced" "TracerPid '${tr:-gone}'"
	fi
done
runsc delete --force "$id" >/dev/null 2>&1

# The init's parent is the sentry: TRACEME is refused.
make_bundle "$T_TMP/t" /ptrace_reach traceme
cp "$PROG" "$T_TMP/t/rootfs/ptrace_reach"
(cd "$T_TMP/t" && timeout 60 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "ptrace-traceme-$$" </dev/null \
	>"$T_TMP/init" 2>&1)
verdict "traceme" EPERM "$T_TMP/init" "sandbox init: "
kill $HOST
t_assert_clean "*-$$"
