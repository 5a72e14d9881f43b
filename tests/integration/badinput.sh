#!/bin/bash
# Bad input: each case fails with runc's status (1) and a clear message,
# and leaves no state directory, cgroup or process behind.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

# no_cgroup ID: no cgroup directory named for the container anywhere.
no_cgroup() {
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -path "*cvisor*/$1" 2>/dev/null)" ]
}

# fails NAME WANT_SUBSTRING cmd...: status 1, message on stderr.
fails() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$want" "$T_TMP/err"; then
		t_ok "$name"
	else
		t_fail "$name" "status $rc, stderr: $(tail -c 300 "$T_TMP/err" | tr '\n' ' ')"
	fi
}

# left ID NAME: checks nothing of ID remains.
nothing_left() {
	if [ ! -e "$T_ROOT/$1" ] && no_cgroup "$1"; then
		t_ok "$2 leaves nothing"
	else
		t_fail "$2 leaves nothing" "$(ls "$T_ROOT" 2>&1)"
	fi
}

B=$T_TMP/good
make_bundle "$B" /bin/sleep 1000

# Malformed config.json: the message names the file.
mkdir -p "$T_TMP/badjson"
cp -a "$B/rootfs" "$T_TMP/badjson/rootfs"
printf '{\n  "ociVersion": "1.0.2",\n  "process": {,\n}\n' >"$T_TMP/badjson/config.json"
fails "malformed config.json" "config.json" runsc create -b "$T_TMP/badjson" bj
nothing_left bj "malformed config.json"

# A config.json with a wrong field type names the field.
jq '.process.args = 5' "$B/config.json" >"$T_TMP/badjson/config.json"
fails "config.json with a bad field" "process" runsc create -b "$T_TMP/badjson" bf
nothing_left bf "bad field"

fails "missing bundle dir" "$T_TMP/nosuch" runsc create -b "$T_TMP/nosuch" nb
nothing_left nb "missing bundle"

mkdir -p "$T_TMP/norootfs"
cp "$B/config.json" "$T_TMP/norootfs/"
fails "missing rootfs" "does not exist" runsc create -b "$T_TMP/norootfs" nr
nothing_left nr "missing rootfs"

fails "invalid id" "invalid container id" runsc create -b "$B" "a/b"

fails "console socket that does not exist" "$T_TMP/nosuch.sock" sh -c "
	jq '.process.terminal = true' '$B/config.json' >'$T_TMP/tty.json' &&
	mkdir -p '$T_TMP/tty' && ln -sfn '$B/rootfs' '$T_TMP/tty/rootfs' &&
	cp '$T_TMP/tty.json' '$T_TMP/tty/config.json' &&
	'$RUNSC_BIN' --root '$T_ROOT' --platform $CVISOR_PLATFORM create -b '$T_TMP/tty' \
		--console-socket '$T_TMP/nosuch.sock' cs"
nothing_left cs "missing console socket"

fails "--pid-file in a missing directory" "$T_TMP/nodir" \
	runsc create -b "$B" --pid-file "$T_TMP/nodir/pid" pf
nothing_left pf "--pid-file in a missing directory"

# Unknown id, for every verb that takes one.
for v in state start kill delete ps events pause resume; do
	fails "$v of an unknown id" "container does not exist" runsc "$v" nosuch
done
fails "exec of an unknown id" "container does not exist" runsc exec nosuch /bin/true
fails "update of an unknown id" "container does not exist" runsc update --pids-limit 10 nosuch
fails "missing id" "requires a container id" runsc state

# A real container for the rest.
id=bad-$$
runsc create -b "$B" "$id" >"$T_TMP/create.out" 2>&1 || t_fail "create" "$(cat "$T_TMP/create.out")"
fails "duplicate id" "container with id exists: $id" runsc create -b "$B" "$id"
t_expect "duplicate id leaves the first untouched" created sh -c \
	"'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"
fails "invalid signal name" 'unknown signal "SIGBOGUS"' runsc kill "$id" SIGBOGUS
fails "invalid signal number" 'unknown signal "999"' runsc kill "$id" 999
runsc start "$id" >/dev/null 2>&1
fails "delete of a running container" \
	"cannot delete container $id that is not stopped: running" runsc delete "$id"
echo '{"memory": {"limit": "lots"}' >"$T_TMP/res.json"
fails "update with bad --resources JSON" "res" runsc update --resources "$T_TMP/res.json" "$id"
fails "update with a bad --memory" "memory" runsc update --memory lots "$id"
t_expect "still running after the bad update" running sh -c \
	"'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"
fails "resume of a running container" "container not paused" runsc resume "$id"

runsc kill "$id" KILL >/dev/null 2>&1
for i in $(seq 100); do
	[ "$(runsc state "$id" 2>/dev/null | jq -r .status)" = stopped ] && break
	sleep 0.1
done
fails "kill of a stopped container" "container not running" runsc kill "$id"
fails "kill of a stopped container (signal given)" "container not running" runsc kill "$id" TERM
t_check "kill --all ID 9 of a stopped container exits 0" runsc kill --all "$id" 9
fails "exec in a stopped container" "stopped" runsc exec "$id" /bin/true
fails "pause of a stopped container" "container not running" runsc pause "$id"
t_check "delete of the stopped container" runsc delete "$id"
nothing_left "$id" "delete"

# Two creates of one id at the same time: exactly one wins, the other says
# the id exists, and the winner is intact.
cid=race-$$
for i in 1 2 3 4; do
	( "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		create -b "$B" "$cid" >"$T_TMP/race.$i" 2>&1
	  echo $? >"$T_TMP/rc.$i" ) &
done
wait
wins=0
for i in 1 2 3 4; do
	if [ "$(cat "$T_TMP/rc.$i")" = 0 ]; then
		wins=$((wins + 1))
	elif ! grep -q "container with id exists: $cid" "$T_TMP/race.$i"; then
		wins=99
	fi
done
if [ $wins -eq 1 ] && [ "$(runsc state "$cid" 2>/dev/null | jq -r .status)" = created ]; then
	t_ok "concurrent creates: exactly one wins"
else
	t_fail "concurrent creates: exactly one wins" "$wins winners; $(cat "$T_TMP"/race.* | head -c 300)"
fi
t_check "delete the race winner" runsc delete --force "$cid"
nothing_left "$cid" "delete --force of the race winner"
