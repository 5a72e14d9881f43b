#!/bin/bash
# The whole life of a container: create, start, ps, exec, pause/resume,
# kill, delete; hooks; delete --force; and that nothing is left behind.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

# The host directories of a container's cgroup, from its state.json.
cgroup_dirs() {
	jq -r '.cgroup | select(. != null) | ((.dirs // {}) | .[]), (.unified // empty)' \
		"$T_ROOT/$1/state.json" 2>/dev/null | sort -u
}

# wait_status ID WANT: polls runsc state for up to 10 s.
wait_status() {
	local i s
	for i in $(seq 100); do
		s=$(runsc state "$1" 2>/dev/null | jq -r .status)
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# nothing_left ID SANDBOX_PID CGROUP_DIRS...: no state dir, no process,
# no cgroup directory.
nothing_left() {
	local id=$1 pid=$2 d
	shift 2
	[ ! -e "$T_ROOT/$id" ] || { echo "state dir left"; return 1; }
	if [ -n "$pid" ] && [ -d "/proc/$pid" ] &&
		! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
		echo "process $pid left"
		return 1
	fi
	for d in "$@"; do
		[ ! -d "$d" ] || { echo "cgroup $d left"; return 1; }
	done
	return 0
}

B=$T_TMP/bundle
make_bundle "$B" /bin/sleep 1000
id=life-$$

runsc create --bundle "$B" --pid-file "$T_TMP/pid" "$id" \
	>"$T_TMP/create.out" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	t_fail "create" "status $rc: $(tail -c 400 "$T_TMP/create.out")"
	exit 0
fi
t_ok "create"
t_expect "state is created" created sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"
pid=$(cat "$T_TMP/pid" 2>/dev/null)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	t_ok "pid file names a live process"
else
	t_fail "pid file names a live process" "pid '$pid'"
fi
t_expect "state pid is the pid file's" "$pid" sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .pid"
if runsc state "$id" | jq -e --arg b "$B" '.ociVersion and .bundle == $b and
	.created and (.owner | type == "string") and (.annotations | type == "object")' >/dev/null; then
	t_ok "state has the OCI fields"
else
	t_fail "state has the OCI fields" "$(runsc state "$id")"
fi
mapfile -t cgdirs < <(cgroup_dirs "$id")
if [ ${#cgdirs[@]} -gt 0 ] && [ -d "${cgdirs[0]}" ]; then
	t_ok "cgroup created"
else
	t_fail "cgroup created" "${cgdirs[*]}"
fi

t_check "start" runsc start "$id"
t_expect "state is running" running sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"
if runsc start "$id" >/dev/null 2>&1; then
	t_fail "second start fails"
else
	t_ok "second start fails"
fi
t_expect "list shows it running" "$id running" sh -c \
	"'$RUNSC_BIN' --root '$T_ROOT' list --format json | jq -r '.[] | .id + \" \" + .status'"
t_expect "list -q" "$id" runsc list -q

pids=$(runsc ps --format json "$id")
if echo "$pids" | jq -e 'type == "array" and length >= 1' >/dev/null &&
	grep -q sleep "/proc/$(echo "$pids" | jq '.[0]')/cmdline" 2>/dev/null; then
	t_ok "ps lists the init"
else
	t_fail "ps lists the init" "$pids"
fi
if runsc ps "$id" | grep -q sleep; then
	t_ok "ps table"
else
	t_fail "ps table" "$(runsc ps "$id" 2>&1)"
fi

t_expect "exec prints" "hello from exec" runsc exec "$id" /bin/echo hello from exec
t_check "events --stats" sh -c "'$RUNSC_BIN' --root '$T_ROOT' events --stats $id |
	jq -e '.type == \"stats\" and .id == \"$id\" and .data.memory and .data.pids'"
t_check "events --stats: the sentry's syscall counters" sh -c "'$RUNSC_BIN' --root '$T_ROOT' events --stats $id |
	jq -e '.data.sentry.dispositions.emulate > 0 and (.data.sentry.syscalls | length > 0)'"
n=$(timeout 5 "$RUNSC_BIN" --root "$T_ROOT" events --interval 200ms "$id" 2>/dev/null |
	head -n 3 | jq -r 'select(.type == "stats") | .id' | grep -c "^$id$")
[ "$n" = 3 ] && t_ok "events --interval streams stats" ||
	t_fail "events --interval streams stats" "$n lines"
t_check "update --memory --pids-limit" runsc update --memory 256m --pids-limit 77 "$id"
if jq -e '.resources.memory.limit == 268435456 and .resources.pids.limit == 77' \
	"$T_ROOT/$id/state.json" >/dev/null; then
	t_ok "update is kept in state"
else
	t_fail "update is kept in state" "$(jq -c .resources "$T_ROOT/$id/state.json")"
fi
echo '{"pids":{"limit":88}}' | runsc update --resources - "$id" >/dev/null 2>&1 &&
	t_ok "update --resources -" || t_fail "update --resources -"

t_check "pause" runsc pause "$id"
t_expect "state is paused" paused sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"
t_check "resume" runsc resume "$id"
t_expect "state is running again" running sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"

# Shell-based execs last: a sandbox bug there must not hide the rest.
runsc exec "$id" /bin/sh -c "exit 3" >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] && t_ok "exec returns the status" || t_fail "exec returns the status" "got $rc"
t_expect "exec --env and --cwd" "X=1 /tmp" runsc exec --env X=1 --cwd /tmp "$id" \
	/bin/sh -c 'echo "X=$X $(pwd)"'
printf '{"args":["/bin/echo","from process.json"],"cwd":"/","env":["PATH=/bin"],"user":{"uid":0,"gid":0}}' \
	>"$T_TMP/process.json"
t_expect "exec --process" "from process.json" runsc exec --process "$T_TMP/process.json" "$id"
runsc exec -d --pid-file "$T_TMP/exec.pid" "$id" /bin/sleep 1000 >/dev/null 2>&1
epid=$(cat "$T_TMP/exec.pid" 2>/dev/null)
if [ -n "$epid" ] && kill -0 "$epid" 2>/dev/null; then
	t_ok "exec --detach --pid-file"
else
	t_fail "exec --detach --pid-file" "pid '$epid'"
fi

t_check "kill KILL" runsc kill "$id" KILL
if wait_status "$id" stopped; then
	t_ok "state is stopped after kill"
else
	t_fail "state is stopped after kill" "$(runsc state "$id" 2>&1)"
fi
t_expect "stopped state pid is 0" 0 sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .pid"
t_check "delete" runsc delete "$id"
why=$(nothing_left "$id" "$pid" "${cgdirs[@]}")
[ $? -eq 0 ] && t_ok "nothing left after delete" || t_fail "nothing left after delete" "$why"
if [ -n "$epid" ] && [ -d "/proc/$epid" ] && ! grep -q '^State:.*Z' "/proc/$epid/status"; then
	t_fail "exec'd process gone after delete" "pid $epid"
else
	t_ok "exec'd process gone after delete"
fi

# delete --force of a running container.
id2=force-$$
runsc run -d --bundle "$B" --pid-file "$T_TMP/pid2" "$id2" >"$T_TMP/run2.out" 2>&1
pid2=$(cat "$T_TMP/pid2" 2>/dev/null)
mapfile -t cg2 < <(cgroup_dirs "$id2")
t_expect "run -d leaves it running" running sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id2 | jq -r .status"
t_check "delete --force" runsc delete --force "$id2"
why=$(nothing_left "$id2" "$pid2" "${cg2[@]}")
[ $? -eq 0 ] && t_ok "nothing left after delete --force" || t_fail "nothing left after delete --force" "$why"

# Hooks: prestart, createRuntime, poststart, poststop get the state on
# stdin; a failing prestart hook fails create and leaves nothing.
HB=$T_TMP/hooks
make_bundle "$HB" /bin/sleep 1000
hook() { # kind -> a hook that saves its stdin to $T_TMP/hook.kind
	jq -n --arg f "$T_TMP/hook.$1" \
		'{path: "/bin/sh", args: ["sh", "-c", "cat > \($f)"]}'
}
jq --argjson a "$(hook prestart)" --argjson b "$(hook createRuntime)" \
	--argjson c "$(hook poststart)" --argjson d "$(hook poststop)" \
	'.hooks = {prestart: [$a], createRuntime: [$b], poststart: [$c], poststop: [$d]}' \
	"$HB/config.json" >"$HB/c" && mv "$HB/c" "$HB/config.json"
id3=hooks-$$
runsc create -b "$HB" "$id3" >"$T_TMP/create3.out" 2>&1
for k in prestart createRuntime; do
	if jq -e --arg id "$id3" '.id == $id and .pid > 0' "$T_TMP/hook.$k" >/dev/null 2>&1; then
		t_ok "$k hook got the state"
	else
		t_fail "$k hook got the state" "$(cat "$T_TMP/hook.$k" 2>&1; tail -c 300 "$T_TMP/create3.out")"
	fi
done
runsc start "$id3" >/dev/null 2>&1
if jq -e '.status == "running"' "$T_TMP/hook.poststart" >/dev/null 2>&1; then
	t_ok "poststart hook ran"
else
	t_fail "poststart hook ran"
fi
runsc delete --force "$id3" >/dev/null 2>&1
if jq -e '.status == "stopped"' "$T_TMP/hook.poststop" >/dev/null 2>&1; then
	t_ok "poststop hook ran at delete"
else
	t_fail "poststop hook ran at delete"
fi

jq '.hooks = {prestart: [{path: "/bin/false"}]}' "$HB/config.json" >"$HB/c" &&
	mv "$HB/c" "$HB/config.json"
id4=badhook-$$
runsc create -b "$HB" "$id4" >"$T_TMP/create4.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'hooks.prestart\[0\] (/bin/false): exit status 1' "$T_TMP/create4.out" &&
	[ ! -e "$T_ROOT/$id4" ] && [ -z "$(ls -d /sys/fs/cgroup/*/cvisor/$id4 /sys/fs/cgroup/cvisor/$id4 2>/dev/null)" ]; then
	t_ok "failing prestart hook fails create, leaves nothing"
else
	t_fail "failing prestart hook fails create, leaves nothing" "status $rc: $(tail -c 300 "$T_TMP/create4.out")"
fi

# A hook's output is quoted in the error; a hook past its timeout is killed.
jq '.hooks = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "echo hook says no >&2; exit 3"]}]}' \
	"$HB/config.json" >"$HB/c" && mv "$HB/c" "$HB/config.json"
runsc create -b "$HB" out-$$ >"$T_TMP/create5.out" 2>&1
if grep -q 'hooks.prestart\[0\] (/bin/sh): exit status 3: hook says no' "$T_TMP/create5.out" &&
	[ ! -e "$T_ROOT/out-$$" ]; then
	t_ok "hook output in the error"
else
	t_fail "hook output in the error" "$(tail -c 300 "$T_TMP/create5.out")"
fi
jq '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]}' \
	"$HB/config.json" >"$HB/c" && mv "$HB/c" "$HB/config.json"
start=$(date +%s)
runsc create -b "$HB" slow-$$ >"$T_TMP/create6.out" 2>&1
rc=$?
took=$(($(date +%s) - start))
if [ $rc -ne 0 ] && [ $took -lt 15 ] &&
	grep -q 'hooks.createRuntime\[0\] (/bin/sleep): timed out after 1s' "$T_TMP/create6.out" &&
	[ ! -e "$T_ROOT/slow-$$" ]; then
	t_ok "hook timeout"
else
	t_fail "hook timeout" "status $rc after ${took}s: $(tail -c 300 "$T_TMP/create6.out")"
fi
