#!/bin/bash
# Pure cgroup v2 for real on a hybrid host: the test re-runs itself in a
# private mount namespace (unshare -m) where the v1 hierarchies are
# unmounted and a cgroup2 hierarchy is mounted at /sys/fs/cgroup, so
# runsc sees the layout of a v2-only host (statfs CGROUP2_SUPER_MAGIC at
# /sys/fs/cgroup, no v1 mounts). It is the host's one cgroup2 hierarchy
# (the hybrid's /sys/fs/cgroup/unified), so what is asserted here is real:
# creation and removal, membership, the freezer (cgroup.freeze), the BPF
# device program, and the controllers v2 has on this host. On a host that
# is already v2 it runs as it is.
# cvisor-test: per-platform
if [ -z "${CVISOR_V2_NS:-}" ] &&
	[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]; then
	T_FILE=cgroup_v2
	if ! grep -qw cgroup2 /proc/filesystems; then
		echo "skip $T_FILE: pure v2: the kernel has no cgroup2"
		exit 0
	fi
	if ! command -v unshare >/dev/null; then
		echo "skip $T_FILE: pure v2: no unshare(1)"
		exit 0
	fi
	exec env CVISOR_V2_NS=1 unshare -m -- "$BASH" "$0" "$@"
fi
if [ -n "${CVISOR_V2_NS:-}" ]; then
	mount --make-rprivate / &&
		umount -R /sys/fs/cgroup &&
		mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup ||
		{ echo "not ok cgroup_v2: set up the v2 namespace: mount failed"; exit 0; }
fi
source "$(dirname "$0")/../lib.sh"

CG=/sys/fs/cgroup
t_expect "the namespace shows a cgroup2 root" cgroup2fs stat -f -c %T $CG
t_expect "no v1 hierarchy left in it" 0 sh -c "grep -c ' - cgroup ' /proc/self/mountinfo"

B=$T_TMP/b
make_bundle "$B" /bin/sleep 600
id=v2-$$
if ! runsc create -b "$B" "$id" >"$T_TMP/out" 2>&1; then
	t_fail "create" "$(tail -c 300 "$T_TMP/out")"
	exit 0
fi
t_expect "layout detected as v2" v2 jq -r .cgroup.mode "$T_ROOT/$id/state.json"
t_expect "the cgroup is <root>/cvisor/ID" "$CG/cvisor/$id" jq -r .cgroup.unified "$T_ROOT/$id/state.json"
pid=$(runsc state "$id" | jq -r .pid)
t_check "the sandbox is in the cgroup (cgroup.procs)" grep -qx "$pid" "$CG/cvisor/$id/cgroup.procs"
t_expect "its /proc/PID/cgroup names it" "0::/cvisor/$id" grep "^0::" /proc/$pid/cgroup

runsc start "$id"
t_expect "start: running" running sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"
# Every workload pid runsc ps reports is a member.
missing=$(runsc ps --format json "$id" | jq -r '.[]' | while read -r p; do
	grep -qx "$p" "$CG/cvisor/$id/cgroup.procs" || echo "$p"; done)
if [ -z "$missing" ] && [ -n "$(runsc ps --format json "$id" | jq -r '.[]')" ]; then
	t_ok "the workload's processes are members"
else
	t_fail "the workload's processes are members" "not in cgroup.procs: $missing"
fi
runsc exec -d --pid-file "$T_TMP/exec.pid" "$id" /bin/sleep 600
t_check "an exec'd process joins the cgroup" grep -qx "$(cat "$T_TMP/exec.pid")" "$CG/cvisor/$id/cgroup.procs"

ps_running=$(runsc ps --format json "$id" 2>&1)
t_check "pause" runsc pause "$id"
t_expect "pause: cgroup.freeze is 1" 1 cat "$CG/cvisor/$id/cgroup.freeze"
t_check "pause: cgroup.events says frozen 1" grep -qx "frozen 1" "$CG/cvisor/$id/cgroup.events"
t_expect "pause: the workload is stopped (state)" paused sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"
# ps of a paused container: from the cgroup (the sentry is frozen too).
t_expect "pause: ps lists the same workload pids" "$ps_running" \
	timeout 10 "$RUNSC_BIN" --root "$T_ROOT" ps --format json "$id"
t_check "resume" runsc resume "$id"
t_check "resume: cgroup.events says frozen 0" grep -qx "frozen 0" "$CG/cvisor/$id/cgroup.events"
t_expect "resume: running" running sh -c "'$RUNSC_BIN' --root '$T_ROOT' state $id | jq -r .status"

runsc events --stats "$id" >"$T_TMP/stats" 2>&1
t_check "events --stats: cpu usage from cpu.stat" jq -e '.data.cpu.usage.total > 0' "$T_TMP/stats"

t_check "kill" runsc kill "$id" KILL
for i in $(seq 100); do
	[ "$(runsc state "$id" 2>/dev/null | jq -r .status)" = stopped ] && break
	sleep 0.1
done
t_check "delete" runsc delete "$id"
t_check "delete removes the cgroup" test ! -e "$CG/cvisor/$id"

# delete --force of a running (and a paused) container.
runsc run -d -b "$B" "$id-f" </dev/null >/dev/null 2>&1
runsc pause "$id-f" >/dev/null 2>&1
t_check "delete --force of a paused container" runsc delete --force "$id-f"
t_check "... removes its cgroup" test ! -e "$CG/cvisor/$id-f"

# The BPF device program (cgroup2, no controller needed): a node the
# config makes but no rule allows cannot be opened; with a rule it can.
# /dev/loop-control: opening it does nothing.
D=$T_TMP/d
make_bundle "$D" /bin/sh -c ': </dev/loop-control && echo open-ok'
jq '.linux.devices = [{path: "/dev/loop-control", type: "c", major: 10, minor: 237, fileMode: 384}] |
	.linux.resources.devices = [{allow: false, access: "rwm"}]' "$D/config.json" >"$D/c.json" &&
	mv "$D/c.json" "$D/config.json"
out=$(runsc run -b "$D" "$id-d1" 2>&1)
if echo "$out" | grep -q "Operation not permitted" && ! echo "$out" | grep -q open-ok; then
	t_ok "device program: a node without a rule is refused"
else
	t_fail "device program: a node without a rule is refused" "$out"
fi
jq '.linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 237, access: "rw"}]' \
	"$D/config.json" >"$D/c.json" && mv "$D/c.json" "$D/config.json"
t_expect "device program: an allow rule opens it" open-ok runsc run -b "$D" "$id-d2"

# Without linux.resources.devices the program is there all the same
# (runc's policy): a host process put in the container's cgroup cannot
# open /dev/loop-control, which it opens outside.
jq 'del(.linux.resources.devices)' "$B/config.json" >"$D/config.json"
if runsc create -b "$D" "$id-d3" >"$T_TMP/out" 2>&1; then
	t_check "no device rules: the host opens /dev/loop-control" sh -c ': </dev/loop-control'
	out=$(sh -c "echo \$\$ >'$CG/cvisor/$id-d3/cgroup.procs' && : </dev/loop-control" 2>&1)
	if echo "$out" | grep -q "Operation not permitted"; then
		t_ok "no device rules: the container's cgroup refuses it (device program)"
	else
		t_fail "no device rules: the container's cgroup refuses it (device program)" "$out"
	fi
	runsc delete --force "$id-d3" >/dev/null 2>&1
else
	t_fail "no device rules: create" "$(tail -c 300 "$T_TMP/out")"
fi

# Controllers: what the v2 root offers here. On this hybrid host memory,
# pids, cpu and io are bound to v1, so v2 has none of them: asking for
# one fails naming the field and leaves nothing; where v2 has it, it is
# applied.
ctl=$(cat $CG/cgroup.controllers)
R=$T_TMP/r
make_bundle "$R" /bin/true
res_case() {	# CONTROLLER JQ-RESOURCES FILE WANT FIELD
	jq ".linux.resources = $2" "$B/config.json" >"$R/config.json"
	if echo " $ctl " | grep -q " $1 "; then
		if runsc create -b "$R" "$id-r" >"$T_TMP/out" 2>&1; then
			t_expect "$1 on v2: $3" "$4" cat "$CG/cvisor/$id-r/$3"
		else
			t_fail "$1 on v2: create" "$(tail -c 300 "$T_TMP/out")"
		fi
		runsc delete --force "$id-r" >/dev/null 2>&1
	else
		if ! runsc create -b "$R" "$id-r" >"$T_TMP/out" 2>"$T_TMP/err" &&
			grep -q "linux.resources.$5: the $1 controller is not available" "$T_TMP/err" &&
			[ ! -e "$T_ROOT/$id-r" ] && [ ! -e "$CG/cvisor/$id-r" ]; then
			t_ok "$1 missing on v2: a clear error, nothing left"
		else
			t_fail "$1 missing on v2: a clear error, nothing left" "$(tail -c 300 "$T_TMP/err")"
			runsc delete --force "$id-r" >/dev/null 2>&1
		fi
	fi
}
res_case memory '{memory: {limit: 33554432}}' memory.max 33554432 memory
res_case pids '{pids: {limit: 10}}' pids.max 10 pids
res_case hugetlb '{hugepageLimits: [{pageSize: "2MB", limit: 4194304}]}' hugetlb.2MB.max 4194304 hugepageLimits

t_expect "nothing left under cvisor/" "" sh -c "ls -d $CG/cvisor/$id* 2>/dev/null"
