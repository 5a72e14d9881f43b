#!/bin/bash
# A pod's joiner reading the pause's /proc/1 (issue 14), against runc's
# pod of the same two configs: the pause (root) runs 3 s before the
# joiner, which shares its pid and network namespaces and runs as uid 1000
# with no capabilities (a reader that may not ptrace the pause). Printed:
# the pause's age and order against the reader's start and /proc/uptime
# (stat field 22), its ns/ links and directory, net/ (the shared
# namespace's interfaces), mounts and mountinfo, and what stat shows of
# them. Known difference: the pause's mount table, which Linux shows any
# reader, is another sandbox's and refused (docs/security.md).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

RUNC=$(command -v runc)
if [ -z "$RUNC" ] || [ "$(id -u)" != 0 ]; then
	t_skip pod_proc "needs root and runc (the reference)"
	exit 0
fi

ID=podproc-$$
RUNC_ROOT=$T_TMP/runc
trap 'for c in "$ID-ra" "$ID-rb" "$ID-rc"; do "$RUNC" --root "$RUNC_ROOT" delete -f "$c" \
	>/dev/null 2>&1; done; t_cleanup' EXIT

PROBE=$(cat <<'P'
ok() { "$@" >/dev/null 2>&1 && echo ok || echo refused; }
up=$(cut -d' ' -f1 /proc/uptime)
s1=$(awk '{ print $22 }' /proc/1/stat)
me=$(awk '{ print $22 }' /proc/$$/stat)
echo "pause_age_ge_2s $(awk -v u="$up" -v s="$s1" 'BEGIN { print (u - s / 100 >= 2) }')"
echo "pause_before_reader $(awk -v a="$s1" -v b="$me" 'BEGIN { print (a < b) }')"
echo "reader_within_uptime $(awk -v u="$up" -v s="$me" 'BEGIN { print (s / 100 <= u + 0.01) }')"
echo "ns_readlink_pid $(ok readlink /proc/1/ns/pid)"
echo "ns_readlink_net $(ok readlink /proc/1/ns/net)"
echo "ns_open_mnt $(ok cat /proc/1/ns/mnt)"
echo "ns_list $(ok ls /proc/1/ns)"
echo "ns_lstat $(ok stat -c %F /proc/1/ns/uts)"
echo "net_dev $(ok cat /proc/1/net/dev)"
echo "net_ifaces $(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/1/net/dev | sort | tr '\n' ' ')"
a=$(awk -F: 'NR > 2 { print $1 }' /proc/1/net/dev | sort)
b=$(awk -F: 'NR > 2 { print $1 }' /proc/$$/net/dev | sort)
echo "net_same_as_own $([ -n "$a" ] && [ "$a" = "$b" ] && echo yes)"
echo "net_list $(ls /proc/1/net | grep -c -x -e dev -e tcp -e unix -e route)"
echo "mounts_stat $(stat -c %a /proc/1/mounts)"
echo "mounts $(ok cat /proc/1/mounts)"
echo "mountinfo $(ok cat /proc/1/mountinfo)"
echo "environ $(ok cat /proc/1/environ)"
echo "done 0"
P
)

# The pause: a sleep of a busybox bundle, root.
pause_bundle() {
	make_bundle "$1" sleep 300
}
# The joiner: the probe as uid 1000, no capabilities, in the pid and
# network namespaces of host pids $2 and $3.
joiner_bundle() {
	make_bundle "$1" /bin/sh /probe.sh
	printf '%s\n' "$PROBE" >"$1/rootfs/probe.sh"
	jq --arg p "/proc/$2/ns/pid" --arg n "/proc/$3/ns/net" '
		.linux.namespaces |= map(if .type == "pid" then .path = $p
			elif .type == "network" then .path = $n else . end) |
		.process.user = {"uid": 1000, "gid": 1000} |
		.process.capabilities = {"bounding": [], "effective": [],
			"permitted": [], "inheritable": [], "ambient": []} |
		.root.readonly = true' \
		"$1/config.json" >"$1/c.json" && mv "$1/c.json" "$1/config.json"
}

# The same reader in a pid namespace joined alone: reads the pause's
# net/dev, "ok" or "refused".
other_netns_bundle() {
	make_bundle "$1" /bin/sh -c \
		'cat /proc/1/net/dev >/dev/null 2>&1 && echo ok || echo refused'
	jq --arg p "/proc/$2/ns/pid" '
		.linux.namespaces |= map(if .type == "pid" then .path = $p
			else . end) |
		.process.user = {"uid": 1000, "gid": 1000}' \
		"$1/config.json" >"$1/c.json" && mv "$1/c.json" "$1/config.json"
}

pause_bundle "$T_TMP/ra"
if ! (cd "$T_TMP/ra" && "$RUNC" --root "$RUNC_ROOT" run -d "$ID-ra" \
	</dev/null >"$T_TMP/runc.out" 2>&1); then
	t_fail runc_pause "$(tail -c 300 "$T_TMP/runc.out")"
	exit 0
fi
RP=$("$RUNC" --root "$RUNC_ROOT" state "$ID-ra" | jq -r .pid)
joiner_bundle "$T_TMP/rb" "$RP" "$RP"
sleep 3
(cd "$T_TMP/rb" && timeout 60 "$RUNC" --root "$RUNC_ROOT" run "$ID-rb" \
	</dev/null >"$T_TMP/native.out" 2>"$T_TMP/native.err")
"$RUNC" --root "$RUNC_ROOT" delete -f "$ID-rb" >/dev/null 2>&1
# A joiner of the pid namespace only (its own network namespace): Linux
# shows it the pause's network namespace's files all the same.
other_netns_bundle "$T_TMP/rc" "$RP"
t_expect runc_other_netns_reads_pause_net "ok" bash -c "cd '$T_TMP/rc' &&
	timeout 60 '$RUNC' --root '$RUNC_ROOT' run '$ID-rc' </dev/null"
"$RUNC" --root "$RUNC_ROOT" delete -f "$ID-rc" >/dev/null 2>&1
"$RUNC" --root "$RUNC_ROOT" delete -f "$ID-ra" >/dev/null 2>&1

pause_bundle "$T_TMP/a"
if ! (cd "$T_TMP/a" && runsc run -d "$ID-a" </dev/null >"$T_TMP/run.out" 2>&1); then
	t_fail run_pause "$(tail -c 300 "$T_TMP/run.out")"
	exit 0
fi
A=$(runsc state "$ID-a" | jq -r .pid)
AI=$(jq -r .initPid "$T_ROOT/$ID-a/state.json")
joiner_bundle "$T_TMP/b" "$A" "$AI"
sleep 3
(cd "$T_TMP/b" && timeout 60 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "$ID-b" \
	</dev/null >"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
runsc delete -f "$ID-b" >/dev/null 2>&1
# Here that is another sandbox's network state: refused.
other_netns_bundle "$T_TMP/c" "$A"
t_expect other_netns_pause_net_refused "refused" bash -c "cd '$T_TMP/c' &&
	timeout 60 '$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' \
	run '$ID-c' </dev/null"
runsc delete -f "$ID-c" >/dev/null 2>&1
runsc delete -f "$ID-a" >/dev/null 2>&1

known() {	# the pause's mount table: another sandbox's, refused
	case "$1:$2:$3" in
	mounts:ok:refused | mountinfo:ok:refused) return 0 ;;
	esac
	return 1
}
t_compare_native known
