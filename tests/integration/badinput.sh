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

# fails_exact NAME WANT cmd...: status 1 and stderr is exactly "runsc: WANT".
fails_exact() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(cat "$T_TMP/err")" = "runsc: $want" ]; then
		t_ok "$name"
	else
		t_fail "$name" "status $rc, want 'runsc: $want', stderr: $(tail -c 300 "$T_TMP/err" | tr '\n' ' ')"
	fi
}

# Malformed config.json: "<bundle>/config.json:LINE:COL: parse error: ..."
# with the real path (realpath of the bundle), 1-based line and byte column.
mkdir -p "$T_TMP/badjson"
cp -a "$B/rootfs" "$T_TMP/badjson/rootfs"
BJ=$(realpath "$T_TMP/badjson")/config.json
# badjson NAME WANT: config.json from stdin, create fails with exactly WANT
# (after the path) and leaves nothing behind.
badjson() {
	cat >"$BJ"
	fails_exact "config.json $1" "$BJ$2" runsc create -b "$T_TMP/badjson" bj
	nothing_left bj "config.json $1"
}
printf '{\n  "ociVersion": "1.0.2",\n  "process": {,\n}\n' |
	badjson "malformed" ":3:15: parse error: invalid object key (must be a string)"
head -c 200 "$B/config.json" | badjson "truncated" ":$(head -c 200 "$B/config.json" | wc -l | awk '{print $1 + 1}'):$(head -c 200 "$B/config.json" | tail -n 1 | wc -c | awk '{print $1 + 1}'): parse error: premature EOF"
printf '' | badjson "empty" ":1:1: parse error: empty file, expected a JSON object"
printf '\n\n' | badjson "only white space" ":3:1: parse error: empty text, expected a JSON object"
printf '\n  ["ociVersion"]\n' | badjson "array at the top" ":2:3: expected a JSON object at the top level"
printf '"x"' | badjson "string at the top" ":1:1: expected a JSON object at the top level"
printf '{\n"ociVersion": "1.0\xff"}' | badjson "invalid UTF-8" ":2:19: parse error: invalid bytes in UTF8 string"
printf '{"ociVersion": "1.0.2", "x": "a\0b"}' | badjson "NUL byte" ":1:32: parse error: contains a NUL byte"
printf '{\n  // runc rejects comments too\n}' | badjson "comment" ":2:3: parse error: probable comment found in input text, comments are not enabled"
printf '{"ociVersion": "1.0.2"}\n{}' | badjson "two values" ":2:1: parse error: trailing garbage"
printf '{"a":%s1%s}' "$(printf '[%.0s' $(seq 70))" "$(printf ']%.0s' $(seq 70))" |
	badjson "nesting" ":1:69: parse error: nested deeper than 64 levels"
# Huge: refused from its size, before it is read.
{ jq -c . "$B/config.json" | head -c -2; printf ',"x":"'; head -c $((17 << 20)) /dev/zero | tr '\0' a; printf '"}'; } >"$BJ"
fails_exact "config.json huge" "$BJ: too large ($(stat -c %s "$BJ") bytes, the limit is 16 MiB)" \
	runsc create -b "$T_TMP/badjson" bj
nothing_left bj "config.json huge"
rm -f "$BJ"
mkdir "$BJ"
fails_exact "config.json a directory" "$BJ: not a regular file" runsc create -b "$T_TMP/badjson" bj
rmdir "$BJ"
fails_exact "config.json missing" "$BJ: No such file or directory" runsc create -b "$T_TMP/badjson" bj

# Duplicate keys: the last one wins, as in Go's encoding/json (runc and
# the Go tools that write and check configs); yajl keeps both.
{
	jq -c 'del(.process)' "$B/config.json" | head -c -2
	printf ',"process":'
	jq -c '.process.args = ["/bin/echo", "first"] | .process' "$B/config.json" | head -c -2
	printf ',"args":["/bin/echo","last"]}}'
} >"$BJ"
if jq -e '.process.args[1] == "last"' "$BJ" >/dev/null &&
	[ "$(runsc run -b "$T_TMP/badjson" dup 2>&1)" = last ]; then
	t_ok "config.json duplicate keys: the last wins"
else
	t_fail "config.json duplicate keys: the last wins" "$(runsc run -b "$T_TMP/badjson" dup2 2>&1 | head -c 300)"
fi
nothing_left dup "duplicate keys"

# A config.json with a wrong field type names the field.
jq '.process.args = 5' "$B/config.json" >"$T_TMP/badjson/config.json"
fails_exact "config.json with a bad field" "$BJ: process.args: expected an array" runsc create -b "$T_TMP/badjson" bf
nothing_left bf "bad field"

# LSM labels: applied where the host has the LSM, a clear error naming
# the field where it has not (this host: neither AppArmor nor SELinux);
# linux.mountLabel is not applied anywhere, so it is refused everywhere.
lsm_case() {	# NAME JQ-FILTER WANT (after the config path)
	jq "$2" "$B/config.json" >"$BJ"
	fails_exact "$1" "$BJ: $3" runsc create -b "$T_TMP/badjson" lsm
	nothing_left lsm "$1"
}
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
	lsm_case "process.apparmorProfile without AppArmor" '.process.apparmorProfile = "cvisor-test"' \
		'process.apparmorProfile: "cvisor-test": AppArmor is not enabled on this host'
else
	t_skip "process.apparmorProfile without AppArmor" "AppArmor is enabled here"
fi
if [ ! -e /sys/fs/selinux/enforce ]; then
	lsm_case "process.selinuxLabel without SELinux" '.process.selinuxLabel = "system_u:system_r:container_t:s0"' \
		'process.selinuxLabel: "system_u:system_r:container_t:s0": SELinux is not enabled on this host'
	lsm_case "linux.mountLabel without SELinux" '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' \
		'linux.mountLabel: "system_u:object_r:container_file_t:s0": SELinux is not enabled on this host'
else
	lsm_case "linux.mountLabel (not applied)" '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' \
		'linux.mountLabel: "system_u:object_r:container_file_t:s0": not supported (mount labels are not applied to the container'"'"'s mounts)'
fi
# The host's pid namespace (no pid namespace in the config: docker run
# --pid=host; or the host's joined by path) is refused, naming the field,
# as the host's mount namespace is (oci_spec.sh).
jq '.linux.namespaces |= map(select(.type != "pid"))' "$B/config.json" >"$BJ"
fails "no pid namespace" "linux.namespaces: no pid namespace: the host's pid namespace cannot be the container's" \
	runsc create -b "$T_TMP/badjson" hostpid
nothing_left hostpid "no pid namespace"
jq --arg p "/proc/$$/ns/pid" '.linux.namespaces |= map(if .type == "pid" then .path = $p else . end)' \
	"$B/config.json" >"$BJ"
fails "the host's pid namespace by path" "/proc/$$/ns/pid: the host's pid namespace cannot be the container's" \
	runsc create -b "$T_TMP/badjson" hostpid
nothing_left hostpid "the host's pid namespace by path"

lsm_case "empty labels are no labels" '.process.apparmorProfile = "" | .process.selinuxLabel = "" | .linux.mountLabel = "" | .process.args = 5' \
	'process.args: expected an array'

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
fails "missing id" '"state" requires exactly 1 argument(s)' runsc state
fails "two ids" '"delete" requires exactly 1 argument(s)' runsc delete a b
fails "kill with too many arguments" '"kill" requires a maximum of 2 argument(s)' runsc kill a KILL extra
fails "kill without an id" '"kill" requires a minimum of 1 argument(s)' runsc kill
fails "unknown flag" 'flag provided but not defined: --bogus' runsc state --bogus x
fails "unknown command" "No help topic for 'bogus'" runsc bogus
for v in spec create start run state kill delete list ps exec events pause resume update features do; do
	if ! runsc "$v" --help >"$T_TMP/help" 2>&1 || ! grep -q "^Usage: runsc $v" "$T_TMP/help"; then
		t_fail "$v --help" "$(head -c 200 "$T_TMP/help")"
		continue
	fi
	t_ok "$v --help: status 0 and a usage line"
done

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
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
	fails_exact "exec --apparmor without AppArmor" \
		'exec: process.apparmorProfile: "p": AppArmor is not enabled on this host' \
		runsc exec --apparmor p "$id" /bin/true
fi
if [ ! -e /sys/fs/selinux/enforce ]; then
	fails_exact "exec --process-label without SELinux" \
		'exec: process.selinuxLabel: "l": SELinux is not enabled on this host' \
		runsc exec --process-label l "$id" /bin/true
	jq '.process | .selinuxLabel = "l2"' "$B/config.json" >"$T_TMP/proc.json"
	fails_exact "exec --process with selinuxLabel without SELinux" \
		'exec: process.selinuxLabel: "l2": SELinux is not enabled on this host' \
		runsc exec --process "$T_TMP/proc.json" "$id"
fi
t_expect "only the init after the refused execs" 1 sh -c \
	"'$RUNSC_BIN' --root '$T_ROOT' ps --format json $id | jq length"

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
