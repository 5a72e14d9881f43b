#!/bin/bash
# Rootless runsc: a user that is not root (a test user made here) runs
# "runsc spec --rootless", then run, create/start/exec/kill/delete, a
# terminal, and the refusals (a resource limit with no writable cgroup, no
# user namespace), each step compared with runc doing the same as the same
# user on the same bundle. Nothing may be left behind: state, processes,
# cgroups.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../rootless-lib.sh"

command -v runc >/dev/null || { t_skip rootless "runc not installed"; exit 0; }
rl_setup || exit 0

B=$RL_DIR/bundle
mkdir -p "$B" "$RL_DIR/rc"
cp -a "$(busybox_rootfs)" "$B/rootfs"
chown -R "$RL_USER:" "$B" "$RL_DIR/rc"
rs() { as_user "$RL_RUNSC" --root "$RL_DIR/state" --platform "$CVISOR_PLATFORM" "$@"; }
rr() { as_user runc --root "$RL_DIR/runc-state" "$@"; }
# set_args JQ-ARRAY [extra jq filter]: the bundle's process.
set_config() {
	jq "$1" "$B/config.json.orig" >"$B/config.json" && chown "$RL_USER:" "$B/config.json"
}
# The state's status, "gone" when the container does not exist.
st_of() { "$@" 2>/dev/null | jq -r .status 2>/dev/null || echo gone; }
wait_stopped() {
	local s
	for _ in $(seq 100); do
		s=$(st_of "$@")
		[ "$s" = stopped ] && break
		sleep 0.1
	done
	echo "$s"
}
# compare NAME [WANT]: one verdict from $T_TMP/{rs,rr}.{out,rc}; runc's
# output and status ("... rc=N", newlines as spaces) must match the regex
# WANT, so that a step failing under both cannot pass.
compare() {
	local a b
	a="$(cat "$T_TMP/rs.out") rc=$(cat "$T_TMP/rs.rc")"
	b="$(cat "$T_TMP/rr.out") rc=$(cat "$T_TMP/rr.rc")"
	if [ -n "${2:-}" ] && ! printf %s "$b" | tr '\n' ' ' | grep -Eq "$2"; then
		t_fail "$1" "runc's result is not as expected ($2): '$(printf %s "$b" | tr "\\n" " ")' $(tail -c 200 "$T_TMP/rr.err")"
	elif [ "$a" = "$b" ]; then
		t_ok "$1"
	else
		t_fail "$1" "runc: '$b', runsc: '$a' $(tail -c 300 "$T_TMP/rs.err" | tr '\n' ' ')"
	fi
}
both() { # NAME ARGS...: the same command line to each runtime
	local name=$1
	shift
	rs "$@" >"$T_TMP/rs.out" 2>"$T_TMP/rs.err"
	echo $? >"$T_TMP/rs.rc"
	rr "$@" >"$T_TMP/rr.out" 2>"$T_TMP/rr.err"
	echo $? >"$T_TMP/rr.rc"
	compare "$name" "${WANT:-}"
}

# ---- spec --rootless --------------------------------------------------
as_user "$RL_RUNSC" spec --rootless --bundle "$B" 2>"$T_TMP/err" ||
	{ t_fail "spec --rootless" "$(cat "$T_TMP/err")"; exit 0; }
as_user env -C "$RL_DIR/rc" runc spec --rootless
sel='.linux | {uidMappings, gidMappings, ns: [.namespaces[].type] | sort}'
t_expect "spec --rootless: the user namespace and maps runc writes" \
	"$(jq -c "$sel" "$RL_DIR/rc/config.json")" jq -c "$sel" "$B/config.json"
t_expect "spec --rootless: maps the user's own uid" "$RL_UID" \
	jq -r '.linux.uidMappings[0].hostID' "$B/config.json"
cp "$B/config.json" "$B/config.json.orig"

# ---- run to completion ----------------------------------------------------
set_config '.process.terminal = false | .process.args = ["sh", "-c", "id -u; id -g; cat /etc/hostname 2>/dev/null; echo hello; exit 3"]'
WANT='^0 0 (.* )?hello rc=3$' both "run: output and exit status" run -b "$B" rl-run-$$
t_check "run: the user's processes are gone" test -z "$(rl_procs)"

# /dev/mqueue: the container's own queues as files (gofer/mqueue.c), the
# gofer in the user's namespace mounting an instance of the container's.
set_config '.process.terminal = false | .process.args = ["sh", "-c", "echo x >/dev/mqueue/rlq 2>/dev/null; cut -c1-7 /dev/mqueue/rlq; ls /dev/mqueue; rm /dev/mqueue/rlq; ls /dev/mqueue | wc -l"]'
WANT='^QSIZE:0 rlq 0 rc=0$' both "run: /dev/mqueue queues as files" run -b "$B" rl-mq-$$

# ---- create / start / exec / kill / delete -------------------------------
set_config '.process.terminal = false | .process.args = ["sleep", "1000"]'
id=rl-$$
for r in rs rr; do
	$r create -b "$B" "$id" >"$T_TMP/$r.out" 2>"$T_TMP/$r.err"
	echo $? >"$T_TMP/$r.rc"
done
compare "create" '^ rc=0$'
for r in rs rr; do st_of $r state "$id" >"$T_TMP/$r.out"; echo 0 >"$T_TMP/$r.rc"; done
compare "create: state created" '^created rc=0$'
t_expect "create: no cgroup of the container (none writable, no limit)" null \
	jq -c .cgroup "$RL_DIR/state/$id/state.json"
t_expect "create: no cgroup directory made" "" \
	sh -c "ls -d /sys/fs/cgroup/*/cvisor/$id /sys/fs/cgroup/cvisor/$id 2>/dev/null"
t_expect "create: the sandbox runs as the user" "$RL_UID" \
	sh -c "ps -o uid= -p \$(jq -r .sandboxPid '$RL_DIR/state/$id/state.json') | tr -d ' '"
# The sandbox's own pid namespace (docs/security.md), as for root: the
# sandbox process is its pid 1 (the last NSpid field), the gofer in it;
# state.json's pids are the host's (the init is traced by the sandbox).
sp=$(jq -r .sandboxPid "$RL_DIR/state/$id/state.json")
t_expect "create: the sandbox is pid 1 of its own pid namespace" 1 \
	awk '/^NSpid:/ { print $NF }' /proc/"$sp"/status
t_expect "create: the gofer in the sandbox's pid namespace" \
	"$(readlink /proc/"$sp"/ns/pid)" readlink /proc/"$(jq -r .goferPid "$RL_DIR/state/$id/state.json")"/ns/pid
t_expect "create: the init's host pid, traced by the sandbox's" "$sp" \
	awk '/^TracerPid:/ { print $2 }' /proc/"$(jq -r .initPid "$RL_DIR/state/$id/state.json")"/status
WANT='rc=0' both "start" start "$id"
t_expect "ps: the init's host pid" "[$(jq -r .initPid "$RL_DIR/state/$id/state.json")]" \
	rs ps --format json "$id"
for r in rs rr; do st_of $r state "$id" >"$T_TMP/$r.out"; echo 0 >"$T_TMP/$r.rc"; done
compare "start: state running" '^running rc=0$'
WANT='^0 exec-ok rc=4$' both "exec: output and status" exec "$id" sh -c 'id -u; echo exec-ok; exit 4'
WANT='rc=0' both "exec -d" exec -d "$id" sleep 1000
WANT='rc=0' both "kill" kill "$id" KILL
for r in rs rr; do wait_stopped $r state "$id" >"$T_TMP/$r.out"; echo 0 >"$T_TMP/$r.rc"; done
compare "kill: stopped" '^stopped rc=0$'
WANT='rc=0' both "delete" delete "$id"
WANT='rc=1' both "delete: state gone" state "$id"
t_expect "delete: nothing left in --root" "" ls -A "$RL_DIR/state"
t_check "delete: none of the user's processes left" test -z "$(rl_procs)"

# ---- a terminal -------------------------------------------------------------
# A pty nobody types into (script(1) types a NUL that the pty may echo
# into the middle of the output): tests/pty_run.py, readable by the user.
install -m 0644 "$CVISOR_SRC/tests/pty_run.py" "$RL_DIR/pty_run.py"
set_config '.process.terminal = true | .process.args = ["tty"]'
for r in rs rr; do
	if [ $r = rs ]; then
		cmd="$RL_RUNSC --root $RL_DIR/state --platform $CVISOR_PLATFORM run -b $B tty-$$"
	else
		cmd="runc --root $RL_DIR/runc-state run -b $B tty-$$"
	fi
	timeout 60 runuser -u "$RL_USER" -- env -C "$RL_DIR" HOME="$RL_DIR" \
		python3 "$RL_DIR/pty_run.py" sh -c "$cmd" </dev/null 2>"$T_TMP/$r.err" |
		tr -d '\r\0' | sed 's|\^@||g; s|[0-9]*$|N|' >"$T_TMP/$r.out"
	echo "${PIPESTATUS[0]}" >"$T_TMP/$r.rc"
done
compare "run with a terminal: the process has a pty" '^/dev/pts/N rc=0$'

# ---- a host directory of root's, bound read-write --------------------------
# The container's root is the user: it may not write, chmod or chown what
# host root owns (unmapped: 65534 inside), with runc as with the gofer.
mkdir -p "$RL_DIR/rootdir"
echo secret >"$RL_DIR/rootdir/f"
chmod 644 "$RL_DIR/rootdir/f"
chown root:root "$RL_DIR/rootdir" "$RL_DIR/rootdir/f"
set_config ".process.terminal = false |
	.mounts += [{destination: \"/mnt\", type: \"bind\", source: \"$RL_DIR/rootdir\", options: [\"rbind\", \"rw\"]}] |
	.process.args = [\"sh\", \"-c\", \"stat -c '%u %g %a' /mnt/f; touch /mnt/new 2>/dev/null; echo create=\$?; echo x >> /mnt/f 2>/dev/null; echo write=\$?; chmod 666 /mnt/f 2>/dev/null; echo chmod=\$?; chown 0 /mnt/f 2>/dev/null; echo chown=\$?; cat /mnt/f\"]"
WANT='^65534 65534 644 create=1 write=1 chmod=1 chown=1 secret rc=0$' \
	both "host root's files bound rw: no write, chmod, chown (as runc)" run -b "$B" rl-bind-$$
t_expect "host root's directory unchanged" "f secret" sh -c "ls '$RL_DIR/rootdir' | tr '\n' ' '; cat '$RL_DIR/rootdir/f'"

# ---- maps beyond the user's own ids (newuidmap, /etc/subuid) -------------
sub=$(awk -F: -v u="$RL_USER" '$1 == u { print $2 }' /etc/subuid 2>/dev/null)
subg=$(awk -F: -v u="$RL_USER" '$1 == u { print $2 }' /etc/subgid 2>/dev/null)
if ! command -v newuidmap >/dev/null || [ -z "$sub" ] || [ -z "$subg" ]; then
	t_skip "subordinate ids" "no newuidmap (package uidmap) or no /etc/subuid entry"
else
	set_config ".process.terminal = false | .process.user = {uid: 1000, gid: 1000} |
		.process.args = [\"sh\", \"-c\", \"id -u; id -g; stat -c '%u %g' /bin/busybox\"] |
		.linux.uidMappings += [{containerID: 1, hostID: $sub, size: 65536}] |
		.linux.gidMappings += [{containerID: 1, hostID: $subg, size: 65536}]"
	WANT='^1000 1000 0 0 rc=0$' both "subordinate ids: run as uid 1000 through newuidmap" run -b "$B" rl-sub-$$
	t_check "subordinate ids: the user's processes are gone" test -z "$(rl_procs)"
fi

# ---- runsc do --------------------------------------------------------------
# The user's command over the host root, as root of its own user namespace:
# what "unshare -r" gives it natively.
cmd='id -u; id -g; pwd; cat /etc/hostname >/dev/null && echo read; touch /etc/x 2>/dev/null; echo touch=$?; exit 6'
as_user unshare -r sh -c "$cmd" >"$T_TMP/native" 2>&1
echo "rc=$?" >>"$T_TMP/native"
as_user "$RL_RUNSC" --root "$RL_DIR/do-state" --platform "$CVISOR_PLATFORM" do sh -c "$cmd" \
	>"$T_TMP/do" 2>"$T_TMP/do.err"
echo "rc=$?" >>"$T_TMP/do"
if [ "$(cat "$T_TMP/do")" = "$(cat "$T_TMP/native")" ]; then
	t_ok "do: as with unshare -r"
else
	t_fail "do: as with unshare -r" "native: '$(cat "$T_TMP/native" | tr '\n' ' ')', do: '$(cat "$T_TMP/do" | tr '\n' ' ')' $(tail -c 200 "$T_TMP/do.err")"
fi
t_expect "do: leaves no state" "" sh -c "ls -A '$RL_DIR/do-state' 2>/dev/null"

# ---- refusals -----------------------------------------------------------------
set_config '.process.terminal = false | .process.args = ["true"] | .linux.resources = {"memory": {"limit": 67108864}}'
rs create -b "$B" lim-$$ >/dev/null 2>"$T_TMP/rs.err"
rsrc=$?
rr create -b "$B" lim-$$ >/dev/null 2>"$T_TMP/rr.err"
rrrc=$?
rr delete -f lim-$$ >/dev/null 2>&1
if [ $rrrc -eq 0 ]; then
	t_skip "a memory limit without a writable cgroup is refused" "runc accepted it here"
elif [ $rsrc -ne 0 ] && grep -q 'linux.resources.memory' "$T_TMP/rs.err"; then
	t_ok "a memory limit without a writable cgroup is refused (as runc), naming the field"
else
	t_fail "a memory limit without a writable cgroup is refused (as runc), naming the field" \
		"rc=$rsrc $(cat "$T_TMP/rs.err")"
fi
t_expect "the refused create left nothing in --root" "" ls -A "$RL_DIR/state"

set_config '.process.terminal = false | .process.args = ["true"] | .linux.namespaces |= map(select(.type != "user")) | del(.linux.uidMappings, .linux.gidMappings)'
rs run -b "$B" nouserns-$$ >/dev/null 2>"$T_TMP/rs.err"
rsrc=$?
rr run -b "$B" nouserns-$$ >/dev/null 2>"$T_TMP/rr.err"
rrrc=$?
rr delete -f nouserns-$$ >/dev/null 2>&1
if [ $rrrc -ne 0 ] && [ $rsrc -ne 0 ] && grep -q 'linux.namespaces' "$T_TMP/rs.err"; then
	t_ok "no user namespace is refused (as runc), naming linux.namespaces"
else
	t_fail "no user namespace is refused (as runc), naming linux.namespaces" \
		"runc rc=$rrrc runsc rc=$rsrc $(cat "$T_TMP/rs.err")"
fi
t_expect "nothing left in --root at the end" "" ls -A "$RL_DIR/state"
t_check "no process of the user left at the end" test -z "$(rl_procs)"
