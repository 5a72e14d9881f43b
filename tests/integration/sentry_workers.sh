#!/bin/bash
# How many worker threads the sentry starts (sentry/workers.c,
# lib/util.c cv_workers_wanted; docs/architecture.md, "Threads of the
# sentry"): with CVISOR_SENTRY_WORKERS=cpus one per CPU of the container's
# cpuset, at most ceil(quota / period) of its CPU quota, none with one CPU;
# a number, that many; the default's count as the docs say. The count is
# the sentry's own ("workers" in `runsc events --stats`), the expectation
# comes from the kernel: the container cgroup's effective cpuset and its
# cpu.max (v2) or cpu.cfs_quota_us / cpu.cfs_period_us (v1) as the host
# shows them. The ptrace platform has no workers.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_skip workers "needs root (a cgroup with a CPU quota)"
	exit 0
fi

# CPUs in a list such as "0-3,5".
count_list() {
	local n=0 part a b
	IFS=, read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		a=${part%-*}
		b=${part#*-}
		n=$((n + b - a + 1))
	done
	echo "$n"
}

# The CPUs of pid's cgroup's cpuset (the sentry pins its own threads,
# so not its affinity).
cpuset_cpus() {
	local pid=$1 path
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
		count_list "$(cat "/sys/fs/cgroup$path/cpuset.cpus.effective")"
	else
		path=$(awk -F: '$2 ~ /(^|,)cpuset(,|$)/ { print $3 }' "/proc/$pid/cgroup")
		count_list "$(cat "/sys/fs/cgroup/cpuset$path/cpuset.effective_cpus")"
	fi
}

# The CPUs the quota of pid's cgroup allows at once, 0: none.
quota_cpus() {
	local pid=$1 path q p
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
		read -r q p <"/sys/fs/cgroup$path/cpu.max" || return 1
	else
		path=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' "/proc/$pid/cgroup")
		local d
		for d in /sys/fs/cgroup/cpu,cpuacct /sys/fs/cgroup/cpu; do
			[ -f "$d$path/cpu.cfs_quota_us" ] && break
		done
		q=$(cat "$d$path/cpu.cfs_quota_us") || return 1
		p=$(cat "$d$path/cpu.cfs_period_us") || return 1
	fi
	if [ "$q" = max ] || [ "$q" -le 0 ]; then
		echo 0
	else
		echo $(((q + p - 1) / p))
	fi
}

# expected_workers PID MODE: what the sentry should have chosen.
expected_workers() {
	local pid=$1 mode=$2 cpus quota n
	if [ "$CVISOR_PLATFORM" != seccomp ]; then
		echo 0
		return
	fi
	case $mode in
	cpus)
		cpus=$(cpuset_cpus "$pid") || return 1
		quota=$(quota_cpus "$pid") || return 1
		n=$cpus
		[ "$quota" -gt 0 ] && [ "$quota" -lt "$n" ] && n=$quota
		[ "$n" -lt 2 ] && n=0
		[ "$n" -gt 8 ] && n=8
		echo "$n"
		;;
	*) [ "$mode" -gt 8 ] && echo 8 || echo "$mode" ;;
	esac
}

# one NAME MODE [QUOTA PERIOD]: a container with that CPU quota, the
# sentry's count against the kernel's numbers.
one() {
	local name=$1 mode=$2 quota=${3:-} period=${4:-} id=wk-$$-$1 b pid got want
	b=$T_TMP/$name
	make_bundle "$b" /bin/sleep 1000
	if [ -n "$quota" ]; then
		jq --argjson q "$quota" --argjson p "$period" \
			'.linux.resources.cpu = {"quota": $q, "period": $p}' \
			"$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
	fi
	if [ "$mode" = default ]; then
		env -u CVISOR_SENTRY_WORKERS "$RUNSC_BIN" --root "$T_ROOT" \
			--platform "$CVISOR_PLATFORM" create --bundle "$b" \
			--pid-file "$T_TMP/$name.pid" "$id" >"$T_TMP/$name.out" 2>&1
	else
		CVISOR_SENTRY_WORKERS=$mode "$RUNSC_BIN" --root "$T_ROOT" \
			--platform "$CVISOR_PLATFORM" create --bundle "$b" \
			--pid-file "$T_TMP/$name.pid" "$id" >"$T_TMP/$name.out" 2>&1
	fi || {
		t_fail "$name" "create: $(tail -c 300 "$T_TMP/$name.out")"
		return
	}
	pid=$(cat "$T_TMP/$name.pid")
	runsc start "$id" >/dev/null 2>&1
	got=$(runsc events --stats "$id" 2>/dev/null | jq -r '.data.sentry.workers')
	[ "$mode" = default ] && mode=$DEFAULT_MODE
	want=$(expected_workers "$pid" "$mode")
	if [ -n "$got" ] && [ "$got" = "$want" ]; then
		t_ok "$name"
	else
		t_fail "$name" "want $want workers, sentry has '$got'"
	fi
	runsc delete --force "$id" >/dev/null 2>&1
}

# The default: one per CPU, as "cpus" (docs/architecture.md, "Threads of
# the sentry").
DEFAULT_MODE=cpus
one default_count default
one cpus_no_quota cpus
one cpus_quota_one_cpu cpus 100000 100000
one cpus_quota_one_and_a_half cpus 150000 100000
one cpus_quota_small_period cpus 30000 20000
one count_not_cut_by_quota 2 100000 100000
one none 0
t_assert_clean "wk-$$-*"
