#!/bin/bash
# The tools people run to look at a container see the sandbox, the way
# LXCFS shows a container: ls -la of /proc, /proc/self and /dev, ps, top,
# free, mount, nproc; memory, CPU time and load that are the cgroup's and
# the sandbox's tasks', never the host's.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/true
jq '.root.readonly = false |
    .process.capabilities |= map_values(. + ["CAP_CHOWN"]) |
    .linux.resources.memory.limit = 268435456 |
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
		run "tools$$-$RANDOM" </dev/null 2>"$T_TMP/err.$n"
}

t_expect "ls -la /proc /proc/self /dev" "ok ok ok" run_sh \
	'a=$(ls -la /proc | grep -cE " (self -> [0-9]+|meminfo|1)$"); b=$(ls -la /proc/self/ | grep -cE " (status|fd|cwd -> .*)$");
	 c=$(ls -la /dev | grep -cE " (null|zero|fd -> .*)$");
	 echo $([ "$a" = 3 ] && echo ok || echo "proc:$a") $([ "$b" = 3 ] && echo ok || echo "self:$b") $([ "$c" = 3 ] && echo ok || echo "dev:$c")'

# Only the sandbox's processes: the init shell, ps (and a sleeper).
# (the subshell reading ps's output may or may not exist yet: 3 or 4)
t_expect "ps shows only the sandbox" "yes sleep" run_sh \
	'sleep 5 & sleep 0.3; ps -o pid,comm | { read h; n=0; s=; while read p c; do n=$((n+1)); [ "$c" = sleep ] && s=sleep; done; [ $n -ge 3 ] && [ $n -le 4 ] && echo yes $s || echo $n $s; }; kill $!'
t_expect "top -bn1 shows only the sandbox" "yes" run_sh \
	'top -bn1 >/tmp/top; l=$(grep -cE "^ *[0-9]+ " /tmp/top); grep -q "^Mem:" /tmp/top && [ "$l" -ge 2 ] && [ "$l" -le 4 ] && echo yes || cat /tmp/top'

# free: the limit is the total; what the cgroup uses shows as used.
t_expect "free: total is the memory limit" "262144" run_sh \
	'free | awk "/^Mem:/ {print \$2}"'
# (busybox's "used" leaves out the page cache: used + buff/cache; 16 MiB
# in a tmpfs so that the cgroup surely holds that much)
t_expect "free: used is the cgroup's usage" "yes" run_sh \
	'dd if=/dev/zero of=/dev/shm/y bs=1M count=16 2>/dev/null;
	 free | awk "/^Mem:/ {u=\$3+\$6; t=\$2} END {if (u >= 16384 && u < t) print \"yes\"; else print u, t}"'
# 64 MiB written to a tmpfs is charged to the container: MemFree drops by
# about that much and Shmem grows.
t_expect "meminfo follows the cgroup's usage" "yes" run_sh \
	'f0=$(awk "/^MemFree:/ {print \$2}" /proc/meminfo);
	 dd if=/dev/zero of=/dev/shm/x bs=1M count=64 2>/dev/null;
	 f1=$(awk "/^MemFree:/ {print \$2}" /proc/meminfo); s=$(awk "/^Shmem:/ {print \$2}" /proc/meminfo);
	 [ $((f0 - f1)) -ge 60000 ] && [ "$s" -ge 65536 ] && echo yes || echo "free $f0 -> $f1, shmem $s"'

# /proc/stat: the sandbox's CPU time. A busy loop of the workload adds
# user+system ticks (USER_HZ); at start there are few.
t_expect "/proc/stat counts the sandbox's CPU time" "yes" run_sh \
	'a=$(awk "/^cpu / {print \$2+\$4}" /proc/stat); i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done;
	 b=$(awk "/^cpu / {print \$2+\$4}" /proc/stat);
	 [ $((b - a)) -ge 10 ] && echo yes || echo "$a -> $b"'
t_expect "/proc/stat has a line per CPU" "$(nproc)" run_sh \
	'grep -c "^cpu[0-9]" /proc/stat'

# loadavg: a busy task for more than one 5 s sampling period shows; the
# running/total field counts the sandbox's threads.
t_expect "loadavg reflects the sandbox's busy tasks" "yes" run_sh \
	'(while :; do :; done) & p=$!; sleep 5.5; read a b c rt last </proc/loadavg; kill $p;
	 r=${rt%/*}; t=${rt#*/};
	 [ "$a" != 0.00 ] && [ "$r" -ge 2 ] && [ "$t" -ge 2 ] && [ "$t" -le 4 ] && echo yes || echo "$a $b $c $rt $last"'
t_expect "a quiet sandbox has no load" "0.00 0.00 0.00 1/" run_sh \
	'read a b c rt last </proc/loadavg; echo $a $b $c ${rt%/*}/'

t_expect "mount lists the sandbox's mounts" "yes" run_sh \
	'mount >/tmp/m; grep -q " on / " /tmp/m && grep -q " on /proc type proc" /tmp/m && grep -q " on /dev/shm type tmpfs" /tmp/m && echo yes || cat /tmp/m'
t_expect "nproc is the CPUs the sandbox may use" "$(nproc)" run_sh nproc

# Attribute changes through a magic link reach the file, as on Linux
# (glibc's fchmodat(AT_SYMLINK_NOFOLLOW) chmods /proc/self/fd/N; tar uses
# it). (touch before chown: without CAP_FOWNER only the owner may.)
t_expect "chmod, touch, chown through /proc/self/fd/N" "600 7:8 200001010000" run_sh \
	'echo x >/tmp/f; exec 3</tmp/f; chmod 600 /proc/self/fd/3 && touch -t 200001010000 /proc/self/fd/3 &&
	 chown 7:8 /proc/self/fd/3 && echo $(stat -c "%a %u:%g" /tmp/f) $(date -r /tmp/f +%Y%m%d%H%M)'

# /proc/<pid>/stat's start time counts from the sandbox's start, as
# /proc/uptime does (ps's elapsed time is uptime - start): a process
# started after 1 s shows about 100 ticks, none starts after "now".
t_expect "stat start time is relative to the sandbox's uptime" "yes" run_sh \
	'sleep 1; sleep 5 & p=$!; s=$(cut -d" " -f22 /proc/$p/stat); u=$(cut -d" " -f1 /proc/uptime | tr -d .);
	 i=$(cut -d" " -f22 /proc/1/stat); kill $p;
	 [ "$s" -ge 90 ] && [ "$s" -le "$u" ] && [ "$i" -le 20 ] && echo yes || echo "start $s init $i uptime $u"'
# ps's columns for a known workload: pid/ppid inside the sandbox, the
# user through the namespace, sizes from the process, its state and args.
t_expect "ps -o pid,ppid,user,vsz,rss,stat,args of a sleeper" "yes" run_sh \
	'sleep 7 & p=$!; sleep 0.3; ps -o pid,ppid,user,vsz,rss,stat,args >/tmp/ps; kill $p;
	 awk -v p=$p "\$1 == p && \$2 == 1 && \$3 == \"root\" && \$4 > 0 && \$5 > 0 && \$6 ~ /^S/ && \$7 == \"sleep\" && \$8 == 7 {ok=1} END {print ok ? \"yes\" : \"no\"}" /tmp/ps | grep yes || cat /tmp/ps'
# status: no tracer (the sentry is invisible), one pid namespace level,
# the thread count.
t_expect "status: TracerPid 0, NSpid one level, Threads" "0 1 1" run_sh \
	'awk "/^TracerPid:/ {t=\$2} /^NSpid:/ {n=NF-1} /^Threads:/ {h=\$2} END {print t, n, h}" /proc/self/status'
t_expect "maps and mountinfo name no host path" "yes" run_sh \
	"cat /proc/self/maps /proc/self/mountinfo | grep -q -e '$B' -e /tmp/cvisor || echo yes"
t_expect "cgroup is 0::/" "0::/" run_sh 'cat /proc/1/cgroup'
