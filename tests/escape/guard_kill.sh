#!/bin/bash
# Nothing outlives its guard (docs/architecture.md, invariant 5): kill -9 of the sentry
# (the sandbox process) or of the gofer leaves no workload process, and
# "runsc delete" cleans up.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
# (no "make_bundle "$B" /bin/sh -c 'sleep 1000 & sleep 1000'": busybox needs /dev/null for background jobs)
make_bundle "$B" /bin/sh -c 'sh -c "sleep 1000; true"; true'
cd "$B" || exit 1

# The host pids of every process whose ancestry leads to $1.
descendants() {
	local p kids
	for p in $(pgrep -P "$1"); do
		echo "$p"
		descendants "$p"
	done
}

alive() {	# alive PID...: those still running (not zombies)
	local p
	for p in "$@"; do
		if [ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
			echo "$p"
		fi
	done
}

guard_test() {	# guard_test NAME WHICH(sentry|gofer)
	local name=$1 which=$2 id=g$2 sandbox init victim procs left i t0 ms
	runsc create "$id" >/dev/null 2>&1 || { t_fail "$name" "create failed"; return; }
	runsc start "$id" >/dev/null 2>&1 || { t_fail "$name" "start failed"; return; }
	sleep 0.5
	sandbox=$(runsc state "$id" | jq -r .pid)
	init=$(pgrep -P "$sandbox" -f 'sleep 1000' | head -1)
	[ -z "$init" ] && init=$(descendants "$sandbox" | tail -1)
	procs=$(descendants "$sandbox")
	if [ "$(echo "$procs" | xargs -n1 2>/dev/null | wc -l)" -lt 4 ]; then
		t_fail "$name" "expected gofer, init and a child: $procs"
		return
	fi
	if [ "$which" = sentry ]; then
		victim=$sandbox
	else
		# The gofer is the sandbox's child that is not traced.
		for i in $(pgrep -P "$sandbox"); do
			grep -q '^TracerPid:[[:space:]]*0$' "/proc/$i/status" && victim=$i
		done
	fi
	t0=$(date +%s%N)
	kill -9 "$victim"
	for i in $(seq 100); do
		left=$(alive $procs $sandbox)
		[ -z "$left" ] && break
		[ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 1000 ] && break
		sleep 0.01
	done
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "# $name: $(echo $procs $sandbox | wc -w) processes, ${left:+not all }gone ${ms} ms after kill -9 of the $which"
	if [ -n "$left" ]; then
		t_fail "$name" "still alive after 1s: $(for p in $left; do tr '\0' ' ' </proc/$p/cmdline; echo; done)"
		kill -9 $left 2>/dev/null
	else
		t_ok "$name"
	fi
	runsc delete --force "$id" >/dev/null 2>&1
	if [ -e "$T_ROOT/$id" ]; then
		t_fail "${name}_delete" "state left in $T_ROOT/$id"
	else
		t_ok "${name}_delete"
	fi
}

guard_test kill_sentry sentry
guard_test kill_gofer gofer
