#!/bin/bash
# --strace: a workload that forks, pipes, execs and makes a failing call
# runs to its end (a PASS call reported to the sentry used to deadlock it
# when the sentry injected a call into a stopped task), keeps its exit
# status, leaves nothing running, and every logged call, PASS or EMULATE,
# carries its result and duration.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/sh -c \
	'echo hi | cat; cat /nonexistent-file; read x </etc/hostname; echo "$x" >/dev/null; exit 3'
cd "$B" || exit 1
LOG=$T_TMP/strace.log
ID=st1

# run_bounded SECONDS ID ARGS...: runsc ARGS in the background; if it has
# not finished in time, kill it and its sandbox by pid, then delete -f.
# Sets rc (124 on a timeout).
run_bounded() {
	local secs=$1 id=$2 pid sbx
	shift 2
	"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" "$@" \
		>"$T_TMP/out" 2>"$T_TMP/err" </dev/null &
	pid=$!
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		sbx=$("$RUNSC_BIN" --root "$T_ROOT" state "$id" 2>/dev/null | jq -r '.pid // empty')
		[ -n "$sbx" ] && [ "$sbx" -gt 1 ] && kill -9 "$sbx" 2>/dev/null
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		"$RUNSC_BIN" --root "$T_ROOT" delete --force "$id" >/dev/null 2>&1
		rc=124
		return
	fi
	wait "$pid"
	rc=$?
}

run_bounded 60 "$ID" --strace --debug-log "$LOG" run "$ID"
if [ "$rc" = 124 ]; then
	t_fail finishes "timed out; last log line: $(grep strace.c "$LOG" | tail -1 | cut -c1-200)"
	exit 0
fi
t_ok finishes
if [ "$rc" = 3 ]; then t_ok exit_status; else t_fail exit_status "rc $rc: $(tail -c 300 "$T_TMP/err")"; fi
t_expect output "hi" cat "$T_TMP/out"

# Nothing left: no container in the state dir and no process whose
# command line names our root.
left=$(pgrep -f -- "--root $T_ROOT" | grep -v "^$$\$" | tr '\n' ' ')
if [ -z "$left" ]; then t_ok nothing_left; else t_fail nothing_left "pids $left"; fi

# check NAME ERE: a log line matches.
check() {
	if grep -Eq -- "$2" "$LOG"; then
		t_ok "$1"
	else
		t_fail "$1" "no line like '$2' in $(grep -c strace.c "$LOG") lines"
	fi
}
DUR='\([0-9]+\.[0-9]µs\)$'
check pass_read " P read\([0-9]+, 0x[0-9a-f]+, [0-9]+\) = [0-9]+ $DUR"
check pass_pipe " P pipe2?\(0x[0-9a-f]+(, [^)]*)?\) = 0 $DUR"
check pass_clone " P clone\(.*\) = [1-9][0-9]* $DUR"
check pass_wait " P wait4\(.*\) = [1-9][0-9]* $DUR"
check emulate_enoent " E open(at)?\((AT_FDCWD, )?\"/nonexistent-file\".*\) = -1 ENOENT \(No such file or directory\) $DUR"
check emulate_open_ok " E open(at)?\((AT_FDCWD, )?\"/etc/hostname\".*\) = [0-9]+ $DUR"
check emulate_exec " E execve\(\"/proc/self/exe\", \[\"cat\".*\) = 0 $DUR"
check exit_logged " P exit_group\(3\) = \? $DUR"

# No call without its result but those that never return.
bad=$(grep strace.c "$LOG" | grep ' = ? ' | grep -Ev ' P exit(_group)?\(' | head -3)
if [ -z "$bad" ]; then t_ok every_result; else t_fail every_result "$(echo "$bad" | cut -c1-300)"; fi
# Durations are measured, not all zero.
nz=$(grep -Ec ' P [a-z0-9_]+\(.*\) = [0-9-].*\(([1-9][0-9]*\.[0-9]|0\.[1-9])µs\)$' "$LOG")
if [ "$nz" -gt 0 ]; then t_ok durations; else t_fail durations "every PASS duration is 0.0µs"; fi
