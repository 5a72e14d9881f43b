#!/bin/bash
# The host's procps, util-linux, Python, Node and the JVM read /proc and /sys in
# the sandbox as in a runc container of the same bundle (the host's /usr
# bound read-only under a root of merged-/usr links): each tool's exit
# status and the shape of what it prints (header, labels, the container's
# processes), not host figures. One line per case, "name result", then
# "done 0"; compared like the other conformance tests.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

RUNC=$(command -v runc)
if [ -z "$RUNC" ] || [ "$(id -u)" != 0 ] || [ ! -x /usr/bin/bash ]; then
	t_skip proc_tools "needs root, runc (the reference) and /usr/bin/bash"
	exit 0
fi

B=$T_TMP/b
R=$B/rootfs
host_usr_rootfs "$R"
cat >"$R/probe.sh" <<'EOF'
c() {	# c NAME CMD...: "NAME rc=N", the command's exit status
	local name=$1
	shift
	"$@" >/dev/null 2>&1
	echo "$name rc=$?"
}
c ps_ef ps -ef
echo "ps_ef_header $(ps -ef | head -1 | tr -s ' ')"
ps -e -o comm= >/tmp/ps	# a child of this shell only: no pipeline
echo "ps_processes $(sort /tmp/ps | tr '\n' ' ')"
echo "ps_fields $(ps -o pid=,stat=,ni=,pri=,tty= -p $$ | wc -w)"
c ps_aux ps aux
echo "ps_aux_header $(ps aux | head -1 | tr -s ' ')"
echo "ps_rss_nonzero $(ps -o rss= -p $$ | awk '{print ($1 > 0)}')"
c top top -b -n 1
echo "top_tasks $(top -b -n 1 | sed -n 2p | tr -s ' ')"
echo "ps_own_line $(ps -o stat=,wchan=,comm= | awk '$3 == "ps"' | tr -s ' ')"
echo "ps_e_rss_zero $(ps -e -o rss=,vsz= | awk '$1 == 0 || $2 == 0' | wc -l)"
echo "status_groups $(grep '^Groups:' /proc/self/status | od -An -c | tr -s ' ')"
echo "status_state_self $(grep '^State:' /proc/self/status | tr -s '\t' ' ')"
echo "stat_state_self $(cut -d' ' -f3 /proc/self/stat) wchan $(cat /proc/self/wchan)"
echo "top_labels $(top -b -n 1 | sed -n 2,5p | sed 's/[ 0-9.,:]*//g' | tr '\n' ' ' | cut -c1-60)"
c free free -k
echo "free_labels $(free -k | awk '{print $1}' | tr '\n' ' ')"
c vmstat vmstat
echo "vmstat_header $(vmstat | sed -n 2p | tr -s ' ')"
c uptime uptime
c w w
c pgrep_self pgrep -x bash
c pidof pidof bash
c pmap pmap $$
echo "pmap_total $(pmap $$ | tail -1 | awk '{print $1}')"
c pmap_x pmap -x $$
c pwdx pwdx $$
c pstree pstree
c lscpu lscpu
echo "lscpu_arch $(lscpu | awk -F: '/^Architecture/ {gsub(/ /, "", $2); print $2}')"
echo "lscpu_cpus_match_nproc $(lscpu -p=cpu | grep -vc '^#' | awk -v n="$(nproc)" '{print ($1 == n)}')"
lscpu >/tmp/lscpu
echo "lscpu_topology_product $(awk -F: '/^Thread\(s\) per core/ {t=$2} /^Core\(s\) per/ {c=$2} /^Socket\(s\)/ {s=$2} /^CPU\(s\)/ {n=$2} END {print (t * c * s == n && n > 0)}' /tmp/lscpu)"
echo "lscpu_caches $(lscpu -C -n -o NAME,ONE-SIZE,WAYS,TYPE,LEVEL,SETS 2>&1 | tr -s ' ' | tr '\n' ';')"
echo "lscpu_numa $(awk -F: '/^NUMA node\(s\)/ {print ($2 >= 1)}' /tmp/lscpu)"
echo "lscpu_p_nodes_set $(lscpu -p=cpu,node | grep -v '^#' | awk -F, '$2 == ""' | wc -l)"
c findmnt findmnt -n -o TARGET /
echo "findmnt_root $(findmnt -n -o TARGET /)"
c lsns lsns
# lsns: the namespaces are the container's (their inodes differ between
# the two runtimes but the user and time namespaces), so the inodes are
# compared with the links of /proc/$$/ns, owners and parents with the
# user namespace's; rows sorted (the runtimes create the namespaces in
# different orders); lsns run alone (NPROCS: this shell and lsns)
nsrel() {	# TYPE NS PNS ONS NPROCS as relations
	awk -v u="$(stat -L -c %i /proc/$$/ns/user)" -v p=$$ '{
		link = "readlink /proc/" p "/ns/" $1; link | getline l; close(link)
		gsub(/[^0-9]/, "", l)
		print $1, "ns=" ($2 == l ? "link" : $2 == u ? "user" : $2),
			"p=" ($3 == 0 ? 0 : $3 == u ? "user" : "x"),
			"o=" ($4 == 0 ? 0 : $4 == u ? "user" : "x"), $5
	}' | sort | tr '\n' ';'
}
lsns -n -o TYPE,NPROCS,PID,USER,COMMAND >/tmp/lsns
echo "lsns_rows $(tr -s ' ' </tmp/lsns | sort | tr '\n' ';')"
lsns -n -o TYPE,NS,PNS,ONS,NPROCS >/tmp/lsns
echo "lsns_rel $(nsrel </tmp/lsns)"
echo "lsns_user_ns $(lsns -n -t user -o NS)"
lsns -t net -n -o TYPE,NPROCS,PID,USER >/tmp/lsns
echo "lsns_net $(tr -s ' ' </tmp/lsns)"
lsns -p $$ -n -o TYPE,NPROCS,PID,USER,COMMAND >/tmp/lsns
echo "lsns_p $(tr -s ' ' </tmp/lsns | sort | tr '\n' ';')"
lsns -J >/tmp/lsns
echo "lsns_json $(python3 -c 'import json, sys; print(sorted((n["type"], n["nprocs"], n["pid"], n["user"]) for n in json.load(sys.stdin)["namespaces"]))' </tmp/lsns 2>&1)"
lsns -T -n -o TYPE >/tmp/lsns
echo "lsns_tree $(tr -s ' ' </tmp/lsns | sort | tr '\n' ';')"
echo "ls_lL_ns $(ls -lL /proc/self/ns | awk '{print $1, $2, $3, $4, $5, $NF}' | tr -s ' ' | tr '\n' ';')"
c lsblk lsblk
# masked paths (runc's defaults): a file is the container's /dev/null
# bound there, a directory a read-only tmpfs
echo "masked_statfs $(stat -f -c '%T %S' /proc/keys /proc/timer_list /proc/acpi /sys/firmware | tr '\n' ';')"
echo "masked_df $(df -a | awk '/\/proc\/(acpi|keys|timer_list)$|\/sys\/firmware$/ {print $1, ($2 == "-" ? "-" : "n"), $NF}' | tr '\n' ';')"
echo "masked_findmnt $(findmnt -n -o TARGET,SOURCE,FSTYPE /proc/keys | tr -s ' ')"
echo "masked_dev_as_dev_null $([ "$(stat -c %d:%i /proc/keys)" = "$(stat -c %d:%i /dev/null)" ] && echo yes)"
echo "masked_keys_blocks_as_dev $([ "$(stat -f -c %b /proc/keys)" = "$(stat -f -c %b /dev/null)" ] && echo yes)"
c lsmem lsmem
echo "lsmem_covers_memtotal $(lsmem -b --summary=only | awk -v m="$(awk '/^MemTotal/ {print $2 * 1024}' /proc/meminfo)" '/online memory/ {print ($NF >= m && m > 0)}')"
c vmstat_d vmstat -d
c vmstat_m vmstat -m
c slabtop slabtop -o
# file locks: a POSIX lock and a flock held by live processes (lslocks
# reads /proc/locks, then each holder's /proc/<pid>/fd for the path)
python3 -c 'import fcntl, time; f = open("/tmp/lk", "w"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(20)' &
LK=$!
flock /tmp/lk2 sleep 20 &
FL=$!
for _ in $(seq 50); do [ "$(wc -l </proc/locks)" -ge 2 ] && break; sleep 0.1; done
c lslocks lslocks
echo "lslocks_rows $(lslocks -n -o COMMAND,TYPE,MODE,M,PATH | tr -s ' ' | sort | tr '\n' ';')"
echo "proc_locks $(awk '{print $2, $3, $4}' /proc/locks | sort | tr '\n' ';')"
kill $LK $FL 2>/dev/null
wait $LK $FL 2>/dev/null
c prlimit prlimit --pid $$
c getconf getconf -a
echo "nproc_matches_cpuinfo $(( $(nproc) == $(grep -c ^processor /proc/cpuinfo) ))"
py() { echo "$1 $(python3 -c "$2" 2>&1 | tail -1)"; }
py py_cpu_count 'import os; print(os.cpu_count() == len(os.sched_getaffinity(0)))'
py py_loadavg 'import os; print(len(os.getloadavg()))'
py py_sysconf 'import os; print(os.sysconf("SC_PHYS_PAGES") > 0, os.sysconf("SC_NPROCESSORS_ONLN") > 0)'
py py_resource 'import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0)'
py py_platform 'import platform; print(platform.system(), platform.libc_ver()[0])'
py py_uuid 'import uuid; print(uuid.uuid4().version)'
py py_mp 'import multiprocessing as m; print(m.cpu_count() > 0)'
py py_listdir_proc_self 'import os; print(sorted(set(["fd","status","maps","stat","cmdline"]) - set(os.listdir("/proc/self"))))'
py py_fds 'import os; print(len(os.listdir("/proc/self/fd")) >= 3)'
if [ -x /usr/bin/node ]; then
	nd() { echo "$1 $(node -e "$2" 2>&1 | tail -1)"; }
	nd node_os 'const os=require("os"); console.log(os.cpus().length === os.availableParallelism(), os.totalmem() > 0, os.freemem() > 0, os.loadavg().length, os.uptime() >= 0)'
	nd node_cpus_model 'console.log(require("os").cpus().every(c => c.model.length > 0 && c.times.user >= 0))'
	nd node_rss 'console.log(process.memoryUsage().rss > 0, process.resourceUsage().maxRSS > 0)'
	nd node_constrained 'console.log(typeof process.constrainedMemory())'
	nd node_hostname 'console.log(require("os").hostname() === require("fs").readFileSync("/proc/sys/kernel/hostname", "utf8").trim())'
fi
# The JVM sizes itself from /proc, /sys and the cgroup files (os::Linux,
# its container support): it starts, counts the CPUs nproc counts and
# sees the limits the bundle sets (none).
if [ -x /usr/bin/java ]; then
	c java_version java -version
	java -XshowSettings:system -version >/tmp/java 2>&1
	echo "java_cpu_count $(awk -F': ' -v n="$(nproc)" '/Effective CPU Count/ {print ($2 == n)}' /tmp/java)"
	echo "java_memory_limit $(awk -F': ' '/^ *Memory Limit/ {print $2}' /tmp/java)"
fi
echo "done 0"
EOF
"$RUNSC_BIN" spec --bundle "$B" >/dev/null
jq --argjson usr "$USR_MOUNT" '.process.terminal = false | .root.readonly = false |
    .hostname = "proc-tools" |
    .process.env += ["HOME=/root", "LC_ALL=C.UTF-8", "TERM=dumb", "COLUMNS=200"] |
    .process.args = ["/usr/bin/bash", "/probe.sh"] | .mounts += [$usr]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

t_run_runc_and_sandbox pt
t_compare_native
