#!/bin/bash
# runsc run: the workload's exit status comes back (128+N for a signal),
# its output reaches our stdout, signals are forwarded, and the container
# is gone afterwards.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/bundle
make_bundle "$B" /bin/sh -c "exit 7"
runsc run --bundle "$B" run7-$$ >/dev/null 2>"$T_TMP/err"
rc=$?
[ $rc -eq 7 ] && t_ok "exit 7 -> 7" || t_fail "exit 7 -> 7" "got $rc: $(tail -c 300 "$T_TMP/err")"
[ ! -e "$T_ROOT/run7-$$" ] && t_ok "run deletes the container" ||
	t_fail "run deletes the container"

make_bundle "$T_TMP/b0" /bin/true
runsc run -b "$T_TMP/b0" run0-$$ >/dev/null 2>&1
rc=$?
[ $rc -eq 0 ] && t_ok "true -> 0" || t_fail "true -> 0" "got $rc"

# Killed by SIGKILL -> 137. (The init is pid 1 of its namespace, which
# ignores signals it sends itself, so the kill comes from outside.)
make_bundle "$T_TMP/bk" /bin/sleep 1000
"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	run -b "$T_TMP/bk" runk-$$ >/dev/null 2>&1 &
rpid=$!
for i in $(seq 100); do
	[ "$(runsc state runk-$$ 2>/dev/null | jq -r .status)" = running ] && break
	sleep 0.1
done
runsc kill runk-$$ KILL >/dev/null 2>&1
wait $rpid
rc=$?
[ $rc -eq 137 ] && t_ok "SIGKILL -> 137" || t_fail "SIGKILL -> 137" "got $rc"
[ ! -e "$T_ROOT/runk-$$" ] && t_ok "killed container deleted by run" ||
	t_fail "killed container deleted by run"

make_bundle "$T_TMP/be" /bin/echo hello from the sandbox
t_expect "run output reaches stdout" "hello from the sandbox" \
	runsc run -b "$T_TMP/be" rune-$$

# A signal to "runsc run" is forwarded to the init: the workload traps
# TERM and exits 42.
make_bundle "$T_TMP/bt" /bin/sh -c 'trap "exit 42" TERM; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; exit 1'
"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	run -b "$T_TMP/bt" runt-$$ >/dev/null 2>&1 &
rpid=$!
for i in $(seq 50); do
	[ "$(runsc state runt-$$ 2>/dev/null | jq -r .status)" = running ] && break
	sleep 0.1
done
sleep 0.5
kill -TERM $rpid
wait $rpid
rc=$?
[ $rc -eq 42 ] && t_ok "SIGTERM forwarded to the init" ||
	t_fail "SIGTERM forwarded to the init" "got $rc"
[ ! -e "$T_ROOT/runt-$$" ] && t_ok "container gone after a forwarded signal" ||
	t_fail "container gone after a forwarded signal"

# run --detach: runs in the background, pid file written, then kill+delete.
make_bundle "$T_TMP/bd" /bin/sleep 1000
runsc run -d --pid-file "$T_TMP/pid" -b "$T_TMP/bd" rund-$$ >/dev/null 2>&1
rc=$?
pid=$(cat "$T_TMP/pid" 2>/dev/null)
if [ $rc -eq 0 ] && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	t_ok "run --detach"
else
	t_fail "run --detach" "status $rc pid '$pid'"
fi
runsc kill rund-$$ KILL >/dev/null 2>&1
for i in $(seq 100); do
	[ "$(runsc state rund-$$ 2>/dev/null | jq -r .status)" = stopped ] && break
	sleep 0.1
done
t_check "delete after run --detach" runsc delete rund-$$

# runsc do: a host command sandboxed over the host root, read-only.
t_expect "do runs a host command" "hi from do" runsc do /bin/echo hi from do
runsc do /bin/sh -c 'exit 3' >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] && t_ok "do returns the status" || t_fail "do returns the status" "got $rc"
t_expect "do runs in the current directory" "/etc" sh -c "cd /etc && '$RUNSC_BIN' --root '$T_ROOT' --platform $CVISOR_PLATFORM do /bin/pwd"
if runsc do /bin/sh -c "echo x > /cvisor-do-test-$$" >/dev/null 2>&1 || [ -e "/cvisor-do-test-$$" ]; then
	rm -f "/cvisor-do-test-$$"
	t_fail "do sees the host root read-only"
else
	t_ok "do sees the host root read-only"
fi
[ -z "$(ls "$T_ROOT")" ] && t_ok "do leaves no state" || t_fail "do leaves no state" "$(ls "$T_ROOT")"
