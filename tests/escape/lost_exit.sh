#!/bin/bash
# Every exit is seen, and no stale host pid is ever signalled (docs/security.md
# "Exits and host pids"). tests/progs/inj_kill installs a seccomp filter of
# its own that kills it on the calls the sentry injects into a stopped task
# (socketpair/close/recvmsg to install an fd: on both platforms for an
# O_PATH fd, on ptrace for every open; gettid at a new task's first stop),
# then makes the sentry inject them. Each filter is first shown to kill on
# the host. In the sandbox: "runsc run" must return the workload's status,
# "runsc ps" must stop listing a dead task, and a host process that takes
# over the host pid of a task killed that way must survive the container's
# end. A wedged sentry (SIGSTOP) must not make run, kill or delete hang.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

P=$CVISOR_PROGS/inj_kill
[ -x "$P" ] || { t_fail build "no inj_kill"; exit 0; }
t_clean_begin "*-$$"
B=$T_TMP/b
make_bundle "$B"
cp "$P" "$B/rootfs/bin/"
ln -s inj_kill "$B/rootfs/bin/inj_alias"
cd "$B" || exit 1

set_args() {
	local args
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq --argjson a "$args" '.process.args = $a | .process.terminal = false' \
		config.json >config.json.new &&
		mv config.json.new config.json
}

# result STATUS FILE: "STATUS" and the lines of FILE, on one line.
result() {
	echo "$1" $(cat "$2")
}

# native NAME WANT ARGS...: the host's exit status and output of inj_kill
# ARGS, run on the host (chrooted in the bundle rootfs), must be WANT
# ("STATUS OUTPUT"): the attack works where nothing
# guards it.
native() {
	local name=$1 want=$2 out rc
	shift 2
	{ timeout 10 chroot "$B/rootfs" /bin/inj_kill "$@" >"$T_TMP/nout"; } 2>/dev/null
	rc=$?
	out=$(result "$rc" "$T_TMP/nout")
	if [ "$out" = "$want" ]; then
		t_ok "native_$name"
	else
		t_fail "native_$name" "want '$want', got '$out'"
	fi
}

# sandboxed NAME WANT ARGS...: "runsc run" of inj_kill ARGS returns
# within 20 s with the same "STATUS OUTPUT" and leaves no state.
sandboxed() {
	local name=$1 want=$2 id=x$RANDOM-$$ rc out
	shift 2
	set_args /bin/inj_kill "$@"
	timeout -s KILL 20 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "$id" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	out=$(result "$rc" "$T_TMP/out")
	if [ "$rc" = 137 ]; then
		t_fail "$name" "runsc run did not return within 20 s"
	elif [ "$out" = "$want" ]; then
		t_ok "$name"
	else
		t_fail "$name" "want '$want', got '$out' $(tail -c 200 "$T_TMP/err")"
	fi
	# The sentry names tasks it still lists 2 s after the init's exit:
	# exits it missed.
	if grep -q "still listed after the init's exit" "$T_TMP/err"; then
		t_fail "${name}_tasks" "$(grep -m3 'still listed' "$T_TMP/err")"
	fi
	if [ -e "$T_ROOT/$id" ]; then
		t_fail "${name}_state" "state left in $T_ROOT/$id"
		runsc delete --force "$id" >/dev/null 2>&1
	fi
}

# The filters kill on the host (the first is the init's own call).
native kill_socketpair "159" direct socketpair
native kill_recvmsg "159" direct recvmsg
native kill_close_thread "159" direct close thread
native kill_prctl "159" direct prctl
native child_gettid "0 child signal 31" fork gettid
native leader_dies_first "5" leader direct socketpair
native exit_group "3" group
native storm "4" storm

# The init killed in an injected call: run returns its status.
sandboxed init_socketpair "159" opath socketpair
sandboxed init_recvmsg "159" opath recvmsg
sandboxed init_close_thread "159" opath close thread
# The prctl(PR_SET_NAME) injected after an exec by a link of another
# name (on the host the exec'd program never calls prctl: it prints noop).
native exec_by_link "0 noop" exec prctl
sandboxed init_exec_prctl "159" exec prctl
# A child killed in the gettid injected at its first stop: the parent's
# wait4 sees SIGSYS.
sandboxed child_gettid "0 child signal 31" fork gettid
# The leader killed alone (KILL_THREAD) in an injection while another
# thread lives: the kernel reports its exit only after the other's.
sandboxed leader_dies_first "5" leader opath socketpair
# exit_group from another thread while O_PATH fds are being installed.
sandboxed exit_group "3" group
# Tasks created, stopping and exiting during injections, then exit_group.
sandboxed storm "4" storm
if [ "$CVISOR_PLATFORM" = ptrace ]; then
	sandboxed init_open_recvmsg "159" open recvmsg
fi

# The same attacks by a workload with Docker's and with all capabilities
# (with CAP_SYS_ADMIN its filter needs no no_new_privs).
lost_caps() {
	local prof=$1
	[ "$prof" = default ] && return
	cp config.json config.default.json
	caps_profile "$B" "$prof"
	sandboxed "$prof: init_socketpair" "159" opath socketpair
	sandboxed "$prof: child_gettid" "0 child signal 31" fork gettid
	sandboxed "$prof: leader_dies_first" "5" leader opath socketpair
	sandboxed "$prof: exit_group" "3" group
	sandboxed "$prof: storm" "4" storm
	mv config.default.json config.json
}
for_each_caps lost_caps

# pid_of_child INIT_HOST_PID: the host pid of the init's child, if any.
pid_of_child() {
	local p
	for p in $(pgrep -f '^/bin/inj_kill hold'); do
		if [ "$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)" = "$1" ]; then
			echo "$p"
			return
		fi
	done
}

# reuse_pid PID: starts a host "sleep 1000" under that pid (through the
# host pid namespace's ns_last_pid); prints its pid.
reuse_pid() {
	local want=$1 i p
	for i in $(seq 300); do
		echo $((want - 1)) >/proc/sys/kernel/ns_last_pid 2>/dev/null || return 1
		sleep 1000 >/dev/null 2>&1 &
		p=$!
		if [ "$p" = "$want" ]; then
			echo "$p"
			return 0
		fi
		kill "$p" 2>/dev/null
	done
	return 1
}

# A child killed in an injected call; its host pid is reused by a host
# process; then the container ends.
pid_reuse() {
	local id=r$RANDOM-$$ run init child victim i
	set_args /bin/inj_kill hold 1 opath socketpair
	"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run "$id" \
		>"$T_TMP/hold.out" 2>"$T_TMP/hold.err" &
	run=$!
	for i in $(seq 50); do
		init=$(runsc ps --format json "$id" 2>/dev/null | jq -r '.[0] // empty' 2>/dev/null)
		[ -n "$init" ] && child=$(pid_of_child "$init")
		[ -n "${child:-}" ] && break
		sleep 0.1
	done
	if [ -z "${child:-}" ]; then
		t_fail pid_reuse "no child seen: $(tail -c 200 "$T_TMP/hold.err")"
		kill -9 "$run" 2>/dev/null
		return
	fi
	for i in $(seq 100); do
		grep -q '^child ' "$T_TMP/hold.out" && break
		sleep 0.1
	done
	if ! grep -qx 'child signal 31' "$T_TMP/hold.out"; then
		t_fail pid_reuse "child: $(cat "$T_TMP/hold.out")"
	elif runsc ps --format json "$id" | jq -e --argjson c "$child" 'index($c)' >/dev/null; then
		t_fail ps_forgets_dead "runsc ps still lists dead task $child"
	else
		t_ok ps_forgets_dead
	fi
	victim=$(reuse_pid "$child")
	if [ -z "$victim" ]; then
		t_skip pid_reuse "could not start a host process with pid $child"
	fi
	runsc kill "$id" KILL >/dev/null 2>&1
	for i in $(seq 100); do
		kill -0 "$run" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$run" 2>/dev/null; then
		t_fail pid_reuse_run "runsc run did not return after kill"
		kill -9 "$run" 2>/dev/null
	fi
	wait "$run" 2>/dev/null
	if [ -n "$victim" ]; then
		sleep 0.3
		if [ "$(cat "/proc/$victim/comm" 2>/dev/null)" = sleep ]; then
			t_ok pid_reuse
		else
			t_fail pid_reuse "host process $victim (the dead task's pid) was killed"
		fi
		kill "$victim" 2>/dev/null
	fi
}
pid_reuse

# A wedged sentry (SIGSTOP): kill and delete --force return, and run
# returns at the third SIGTERM.
wedged() {
	local id=w$RANDOM-$$ run sb i
	set_args sleep 1000
	"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run "$id" \
		>/dev/null 2>&1 &
	run=$!
	for i in $(seq 50); do
		sb=$(runsc state "$id" 2>/dev/null | jq -r '.pid // empty')
		[ -n "$sb" ] && [ "$sb" != 0 ] && [ "$(runsc state "$id" | jq -r .status)" = running ] && break
		sleep 0.1
	done
	kill -STOP "$sb"
	for i in 1 2 3; do
		kill -TERM "$run"
		sleep 0.3
	done
	for i in $(seq 50); do
		kill -0 "$run" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$run" 2>/dev/null; then
		t_fail wedged_run_sigterm "runsc run ignored three SIGTERMs"
		kill -9 "$run" 2>/dev/null
	else
		t_ok wedged_run_sigterm
	fi
	wait "$run" 2>/dev/null
	runsc delete --force "$id" >/dev/null 2>&1

	id=v$RANDOM-$$
	runsc run -d "$id" >/dev/null 2>&1 </dev/null
	sb=$(runsc state "$id" | jq -r .pid)
	kill -STOP "$sb"
	t_check wedged_kill_all timeout 20 "$RUNSC_BIN" --root "$T_ROOT" kill --all "$id" TERM
	t_check wedged_kill timeout 20 "$RUNSC_BIN" --root "$T_ROOT" kill "$id" KILL
	t_check wedged_delete timeout 20 "$RUNSC_BIN" --root "$T_ROOT" delete --force "$id"
	if [ -e "/proc/$sb" ] && [ "$(awk '{ print $3 }' "/proc/$sb/stat")" != Z ]; then
		t_fail wedged_sandbox_gone "sandbox $sb still alive"
		kill -9 "$sb"
	else
		t_ok wedged_sandbox_gone
	fi
}
wedged

# kill --all still reaches every task (each checked as the sandbox's
# tracee before it is signalled): a shell, its child shell and a sleep.
kill_all() {
	local id=k$RANDOM-$$ sb pids left i
	set_args /bin/sh -c 'sh -c "sleep 1000; true"; true'
	runsc run -d "$id" >/dev/null 2>&1 </dev/null
	for i in $(seq 50); do
		pids=$(runsc ps --format json "$id" 2>/dev/null | jq -r '.[]' 2>/dev/null)
		[ "$(echo "$pids" | wc -w)" -ge 3 ] && break
		sleep 0.1
	done
	if [ "$(echo "$pids" | wc -w)" -lt 3 ]; then
		t_fail kill_all "expected 3 processes: $pids"
		runsc delete --force "$id" >/dev/null 2>&1
		return
	fi
	runsc kill --all "$id" KILL
	for i in $(seq 30); do
		left=""
		for p in $pids; do
			[ -e "/proc/$p" ] && [ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" != Z ] &&
				left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -n "$left" ]; then
		t_fail kill_all "still alive after 3 s:$left"
	else
		t_ok kill_all
	fi
	runsc delete --force "$id" >/dev/null 2>&1
}
kill_all

# A stopped container's cgroup is not its own any more: another container
# may have taken the same cgroupsPath (create accepts an empty cgroup).
# "runsc delete" of the first must leave the second's processes alone.
cgroup_reuse() {
	local a=ca$RANDOM-$$ b=cb$RANDOM-$$ cgp=/cvisor-lost-exit-$RANDOM-$$ binit i
	set_args sleep 1000
	jq --arg p "$cgp" '.linux.cgroupsPath = $p' config.json >config.json.new &&
		mv config.json.new config.json
	runsc run -d "$a" >/dev/null 2>&1 </dev/null
	runsc kill "$a" KILL >/dev/null 2>&1
	for i in $(seq 50); do
		[ "$(runsc state "$a" 2>/dev/null | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	runsc run -d "$b" >/dev/null 2>&1 </dev/null
	binit=$(runsc ps --format json "$b" 2>/dev/null | jq -r '.[0] // empty')
	if [ -z "$binit" ] || ! grep -q ":$cgp\$" "/proc/$binit/cgroup"; then
		t_fail cgroup_reuse "the second container is not in $cgp: $binit"
	else
		runsc delete "$a" >/dev/null 2>&1
		sleep 0.3
		if [ "$(runsc state "$b" 2>/dev/null | jq -r .status)" = running ] &&
			[ -e "/proc/$binit" ]; then
			t_ok cgroup_reuse
		else
			t_fail cgroup_reuse "deleting $a killed $b, which took its cgroup"
		fi
	fi
	runsc delete --force "$b" >/dev/null 2>&1
	runsc delete --force "$a" >/dev/null 2>&1
	jq 'del(.linux.cgroupsPath)' config.json >config.json.new &&
		mv config.json.new config.json
}
cgroup_reuse
t_assert_clean "*-$$"
