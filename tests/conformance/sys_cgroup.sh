#!/bin/bash
# /sys/fs/cgroup in the sandbox: the container's own cgroup as a read-only
# cgroup v2 mount shows it under a private cgroup namespace, whatever the
# host's layout (v1, hybrid or v2): limits from linux.resources, live
# usage, the mount in mountinfo and statfs, writes refused.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/true
jq '.root.readonly = false |
    .linux.resources.memory.limit = 268435456 |
    .linux.resources.cpu.quota = 50000 |
    .linux.resources.cpu.period = 100000 |
    .linux.resources.cpu.shares = 512 |
    .linux.resources.pids.limit = 64 |
    .mounts += [{"destination":"/dev/shm","type":"tmpfs","source":"shm",
		 "options":["nosuid","nodev","size=134217728"]}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
cd "$B" || exit 1
n=0

run_sh() {	# run_sh SCRIPT: the workload's stdout
	n=$((n + 1))
	jq --arg s "$1" '.process.args = ["/bin/sh", "-c", $s]' config.json \
		>c.json && mv c.json config.json
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run "cg$$-$RANDOM" </dev/null 2>"$T_TMP/err.$n"
}

t_expect "memory.max is the limit" "268435456" \
	run_sh 'cat /sys/fs/cgroup/memory.max'
t_expect "cpu.max is quota and period" "50000 100000" \
	run_sh 'cat /sys/fs/cgroup/cpu.max'
t_expect "pids.max is the limit" "64" run_sh 'cat /sys/fs/cgroup/pids.max'
# shares 512 as runc/crun convert it: 1 + (512 - 2) * 9999 / 262142
t_expect "cpu.weight is the shares converted" "20" \
	run_sh 'cat /sys/fs/cgroup/cpu.weight'
t_expect "cgroup.controllers" "cpu memory pids" \
	run_sh 'cat /sys/fs/cgroup/cgroup.controllers'
t_expect "cgroup.type" "domain" run_sh 'cat /sys/fs/cgroup/cgroup.type'
t_expect "listing" "cgroup.procs cpu.max cpu.stat memory.current memory.max memory.stat pids.current pids.max" \
	run_sh 'ls /sys/fs/cgroup | grep -xE "cgroup.procs|cpu.max|cpu.stat|memory.(current|max|stat)|pids.(current|max)" | tr "\n" " " | sed "s/ $//"'
t_expect "modes as cgroup2 has them" "755 444 644 444" \
	run_sh 'cd /sys/fs/cgroup && echo $(stat -c %a . memory.current memory.max cpu.stat)'
t_expect "memory.current grows with 16 MiB in a tmpfs" "yes" run_sh \
	'a=$(cat /sys/fs/cgroup/memory.current); dd if=/dev/zero of=/dev/shm/x bs=1M count=16 2>/dev/null;
	 b=$(cat /sys/fs/cgroup/memory.current); s=$(awk "/^shmem / {print \$2}" /sys/fs/cgroup/memory.stat);
	 [ $((b - a)) -ge 15000000 ] && [ "$s" -ge 16777216 ] && echo yes || echo "$a -> $b shmem $s"'
t_expect "pids.current counts the sandbox's processes" "yes" run_sh \
	'sleep 5 & sleep 5 & sleep 5 & sleep 0.2; p=$(cat /sys/fs/cgroup/pids.current); kill %1 %2 %3;
	 [ "$p" -ge 4 ] && [ "$p" -le 64 ] && echo yes || echo "$p"'
t_expect "cgroup.procs lists the sandbox's pids" "yes" run_sh \
	'sleep 5 & s=$!; grep -qx 1 /sys/fs/cgroup/cgroup.procs && grep -qx "$s" /sys/fs/cgroup/cgroup.procs && echo yes; kill $s'
t_expect "cpu.stat usage grows with a busy loop" "yes" run_sh \
	'a=$(awk "/^usage_usec/ {print \$2}" /sys/fs/cgroup/cpu.stat); i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done;
	 b=$(awk "/^usage_usec/ {print \$2}" /sys/fs/cgroup/cpu.stat);
	 grep -q "^user_usec " /sys/fs/cgroup/cpu.stat && [ $((b - a)) -ge 100000 ] && echo yes || echo "$a -> $b"'
# A read-only mount: writing (O_TRUNC, or as root) is EROFS, and so is
# creating a file or a child cgroup.
t_expect "writes are EROFS" "3" run_sh \
	'n=0; for f in memory.max cpu.max; do echo 1 2>&1 >/sys/fs/cgroup/$f | grep -q "Read-only" && n=$((n+1)); done;
	 mkdir /sys/fs/cgroup/x 2>&1 | grep -q "Read-only" && n=$((n+1)); echo $n'
# (busybox's stat has no name for cgroup2fs: CGROUP2_SUPER_MAGIC in hex)
t_expect "statfs says cgroup2" "63677270 sysfs" \
	run_sh 'echo $(stat -f -c %t /sys/fs/cgroup) $(stat -f -c %T /sys)'
t_expect "mountinfo has the cgroup2 mount" "yes" run_sh \
	'l=$(grep " /sys/fs/cgroup " /proc/self/mountinfo); d=$(stat -c %d /sys/fs/cgroup); d=$(((d >> 8) & 0xfff)):$(((d & 0xff) | ((d >> 12) & 0xfff00)));
	 case $l in *" $d / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 "*) echo yes;; *) echo "$l ($d)";; esac'
t_expect "/proc/mounts has it" "cgroup2 /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0" \
	run_sh 'grep cgroup2 /proc/mounts'

# Without limits: "max".
jq 'del(.linux.resources)' config.json >c.json && mv c.json config.json
t_expect "no limits: max" "max max max 100000" run_sh \
	'cd /sys/fs/cgroup && echo $(cat memory.max pids.max cpu.max)'
