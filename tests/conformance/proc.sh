#!/bin/bash
# The sentry's virtual /proc, /sys and /dev entries as a busybox workload
# sees them: listings, links, contents that reflect the sandbox (its pids,
# hostname, memory limit, CPUs), read-only files, cwd inside /proc, and
# the real /dev (gofer tmpfs) alongside the virtual /dev/fd and std*.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/true
jq '.root.readonly = false | .hostname = "proc-test" |
    .linux.resources.memory.limit = 268435456' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
cd "$B" || exit 1
n=0

run_sh() {	# run_sh SCRIPT: the workload's stdout
	n=$((n + 1))
	jq --arg s "$1" '.process.args = ["/bin/sh", "-c", $s]' config.json \
		>c.json && mv c.json config.json
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run "p$n" </dev/null 2>"$T_TMP/err.$n"
}

t_expect proc_listing "1 cpuinfo meminfo self sys" \
	run_sh 'ls /proc | grep -E "^(1|self|cpuinfo|meminfo|sys)$" | tr "\n" " " | sed "s/ $//"'
t_expect self_is_caller "yes" \
	run_sh 'read p rest </proc/self/stat; test "$p" = "$$" && echo yes'
t_expect init_is_pid_1 "1" run_sh 'echo $$'
t_expect status_pid "Pid:	1" run_sh 'grep "^Pid:" /proc/1/status'
t_expect status_ppid_of_child "PPid:	1" run_sh 'grep "^PPid:" /proc/self/status; true'
t_expect exe_link "/bin/busybox" run_sh 'readlink /proc/self/exe'
t_expect cwd_link "/tmp" run_sh 'cd /tmp && readlink /proc/self/cwd'
t_expect root_link "/" run_sh 'readlink /proc/self/root'
t_expect cmdline "cat/proc/self/cmdline" run_sh 'cat /proc/self/cmdline | tr -d "\0"'
t_expect comm "cat" run_sh 'cat /proc/self/comm'
t_expect hostname "proc-test" run_sh 'cat /proc/sys/kernel/hostname'
t_expect ostype "Linux" run_sh 'cat /proc/sys/kernel/ostype'
t_expect meminfo_limit "MemTotal:         262144 kB" run_sh 'head -1 /proc/meminfo'
t_expect mounts_link "self/mounts" run_sh 'readlink /proc/mounts'
t_expect thread_self "yes" run_sh 'x=$(readlink /proc/thread-self); test "${x%%/*}/task/${x##*/}" = "$x" && test -n "${x##*/}" && echo yes'
t_expect task_listing "1" run_sh 'ls /proc/1/task'
# The mount table: the root with the real type of the container root (as
# the host sees root.path), a neutral source (never a host path or device
# name), and for each mount the device stat() gives its mount point, so
# busybox df (matches by st_dev) and findmnt-style lookups work.
root_type=$(findmnt -n -o FSTYPE --target "$B/rootfs")
t_expect mounts_root "none / $root_type rw" \
	run_sh 'head -1 /proc/mounts | cut -d" " -f1-3,4 | sed "s/,.*//"'
t_expect mount_root_line "none on / type $root_type" \
	run_sh 'mount | grep " on / " | sed "s/ (.*//"'
t_expect mounts_no_host_path "yes" \
	run_sh "grep -q -e '$B' -e rootfs -e /dev/sd -e /dev/vd -e /dev/nvme /proc/self/mountinfo /proc/mounts || echo yes"
t_expect df_root "/ yes" \
	run_sh 'df / | awk "NR == 2 {print \$6, (\$2 > 0 && \$3 <= \$2) ? \"yes\" : \$0}"'
t_expect df_lists_root "yes" \
	run_sh 'df | awk "\$6 == \"/\" && \$2 > 0 {print \"yes\"}"'
t_expect df_file_in_mount "/dev/shm" \
	run_sh 'echo x >/dev/shm/f; df /dev/shm/f | awk "NR == 2 {print \$6}"'
t_expect mountinfo_dev_is_stat_dev "ok" \
	run_sh 'bad=; while read id parent mm root mp rest; do d=$(stat -c %d "$mp");
	  m="$(( (d >> 8) & 0xfff )):$(( (d & 0xff) | ((d >> 12) & 0xfff00) ))";
	  [ "$m" = "$mm" ] || bad="$bad $mp:$mm/$m"; done </proc/self/mountinfo; echo ${bad:-ok}'
t_expect mountinfo_parents "ok" \
	run_sh 'ids=$(cut -d" " -f1 /proc/self/mountinfo | tr "\n" " "); bad=;
	  while read id parent rest; do case " $ids " in *" $parent "*) ;; *) [ "$id" = "$(head -1 /proc/self/mountinfo | cut -d" " -f1)" ] || bad="$bad $id";; esac; done </proc/self/mountinfo; echo ${bad:-ok}'
jq '.root.readonly = true' config.json >c.json && mv c.json config.json
t_expect mounts_root_ro "ro" run_sh 'head -1 /proc/mounts | cut -d" " -f4 | cut -d, -f1'
# the mount read-only, its super block not (runc remounts the bind)
t_expect mountinfo_root_ro "ro rw" run_sh 'head -1 /proc/self/mountinfo | awk "{print substr(\$6, 1, 2), \$NF}"'
jq '.root.readonly = false' config.json >c.json && mv c.json config.json
t_expect cgroup "0::/" run_sh 'cat /proc/self/cgroup'
t_expect cpus_online "yes" \
	run_sh 'c=$(cat /sys/devices/system/cpu/online); case $c in 0|0-*) echo yes;; *) echo "$c";; esac'
t_expect cpuinfo_count "yes" \
	run_sh 'test "$(grep -c ^processor /proc/cpuinfo)" -ge 1 && echo yes'
t_expect uptime_small "yes" \
	run_sh 'u=$(cut -d. -f1 /proc/uptime); test "$u" -lt 100 && echo yes'
t_expect file_modes "444 555 777" \
	run_sh 'echo $(stat -c %a /proc/meminfo) $(stat -c %a /proc/sys) $(stat -Lc %a /proc/self/exe >/dev/null; stat -c %a /proc/self)'
t_expect self_is_link "symbolic link" run_sh 'stat -c %F /proc/self'
t_expect proc_read_only "denied" \
	run_sh 'echo x >/proc/meminfo 2>/dev/null || echo denied'
t_expect proc_no_create "denied" \
	run_sh 'mkdir /proc/newdir 2>/dev/null || touch /proc/newfile 2>/dev/null || echo denied'
t_expect proc_no_unlink "denied" \
	run_sh 'rm -f /proc/meminfo 2>/dev/null || echo denied'
t_expect cwd_in_proc "/proc/1 status" \
	run_sh 'cd /proc/1 && echo $(pwd -P) $(ls | grep -x status)'
t_expect dotdot_out_of_proc "etc" \
	run_sh 'cd /proc/self && ls ../../ | grep -x etc'
t_expect fd_listing "0 1 2" \
	run_sh 'ls /proc/self/fd | sort -n | head -3 | tr "\n" " " | sed "s/ $//"'
t_expect fd_reopen_file "hello" \
	run_sh 'echo hello >/tmp/f; exec 5</tmp/f; cat /proc/self/fd/5'
t_expect fd_link_path "/tmp/f" \
	run_sh 'echo hello >/tmp/f; exec 5</tmp/f; readlink /proc/$$/fd/5'
t_expect dev_stdout "via-stdout" run_sh 'echo via-stdout >/dev/stdout'
t_expect dev_fd_link "/proc/self/fd" run_sh 'readlink /dev/fd'
t_expect dev_real "null zero" run_sh 'ls /dev | grep -xE "null|zero" | tr "\n" " " | sed "s/ $//"'
t_expect dev_null_works "0" run_sh 'echo x >/dev/null; wc -c </dev/null'
t_expect root_through_proc "root:x:0:0:root:/root:/bin/sh" \
	run_sh 'head -1 /proc/self/root/etc/passwd'
t_expect ps_lists_processes "yes" \
	run_sh 'ps | grep -q "ps" && echo yes'
t_expect other_pid_dir "PPid: 0 yes" \
	run_sh 'echo $(grep ^PPid: /proc/1/status) $(test -d /proc/1/fd && ls /proc/1/fd | grep -qx 2 && echo yes)'
# A background job gets /dev/null as stdin: needs the real /dev to work.
t_expect background_job_in_ps "yes" \
	run_sh 'sleep 5 & p=$!; sleep 0.3; ps | grep -q "^ *$p " && echo yes; kill $p'
t_expect files_and_dirs "hi" \
	run_sh 'mkdir /tmp/x && echo hi >/tmp/x/f && cat /tmp/x/f'
t_expect sys_read_only "denied" \
	run_sh 'echo 1 >/sys/devices/system/cpu/online 2>/dev/null || echo denied'
