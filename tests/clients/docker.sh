#!/bin/bash
# Docker 20.10 (Debian's docker.io) driving our runsc as a daemon.json
# runtime. A private dockerd (its own data root, exec root, pidfile, socket,
# cgroup parent, and the containerd it starts) runs every step twice, with
# --runtime=runc and --runtime=cvisor; each step's observable result under
# cvisor must equal runc's in the same run. At the end dockerd is stopped by
# its pid and nothing of it may be left: processes, mounts, cgroups.
# cvisor-test: slow
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/docker-lib.sh"
dk_have || { t_skip docker "docker.io (dockerd, docker 20.10, containerd) not installed"; exit 0; }
trap 'dk_cleanup; t_cleanup' EXIT

RUNTIMES="{\"cvisor\": {\"path\": \"$RUNSC_BIN\", \"runtimeArgs\": [\"--platform\", \"$CVISOR_PLATFORM\"]}}"
dk_start "$RUNTIMES" || { t_fail dockerd "did not start: $(tail -5 "$DK_DIR/log")"; exit 1; }
tar -C "$(busybox_rootfs)" -c . | dk import -c 'CMD ["/bin/sh"]' - $IMG >/dev/null ||
	{ t_fail import "docker import failed"; exit 1; }

# step NAME FUNC: FUNC prints what the step observably did, with RT set to
# the runtime and N to a name unique to it; cvisor must print what runc
# printed (names ending in -runc/-cvisor read -RT), and runc something.
step() {
	local name=$1 fn=$2 want got
	want=$(RT=runc N=$2-runc "$fn" 2>&1 | sed 's/-runc\b/-RT/g')
	got=$(RT=cvisor N=$2-cvisor "$fn" 2>&1 | sed 's/-cvisor\b/-RT/g')
	if [ -z "$want" ]; then
		t_fail "$name" "nothing observed under runc"
	elif [ "$want" = "$got" ]; then
		t_ok "$name"
	else
		t_fail "$name" "runc: '$(echo "$want" | tr '\n' '|')', cvisor: '$(echo "$got" | tr '\n' '|')'"
	fi
}

run() { timeout 60 "$DK_DIR/dk" run --runtime=$RT "$@"; }
runn() { run --network none "$@"; }	# no bridge in this daemon
status() { dk inspect -f '{{.State.Status}} exit={{.State.ExitCode}}' "$1"; }

s_run() {
	local out err rc
	out=$(runn --rm $IMG sh -c 'echo to-stdout; echo to-stderr >&2; exit 3' 2>"$DK_DIR/err")
	rc=$?
	echo "stdout: $out stderr: $(cat "$DK_DIR/err") rc=$rc"
}
step "run to completion: output and exit code" s_run

s_detach() {
	runn -d --name "bg-$RT" $IMG sh -c 'echo started; exec sleep 1000' >/dev/null
	status "bg-$RT"
}
step "run -d" s_detach

s_exec() {
	timeout 30 "$DK_DIR/dk" exec -u 65534:65534 -w /tmp -e FOO=bar "bg-$RT" \
		sh -c 'exec 2>&1; id -u; id -g; pwd; echo "$FOO"; ls /nonexistent; exit 4'
	echo "rc=$?"
}
step "exec -u -w -e, with its exit code" s_exec

s_logs() {
	echo "out: $(dk logs "bg-$RT" 2>/dev/null)"
	runn --name "$N" $IMG sh -c 'echo o1; echo e1 >&2' >/dev/null 2>&1
	echo "stdout: $(dk logs "$N" 2>/dev/null) stderr: $(dk logs "$N" 2>&1 >/dev/null)"
	dk rm "$N" >/dev/null
}
step "logs" s_logs

s_top() {
	dk top "bg-$RT" | awk 'NR > 1 { print $(NF - 1), $NF }'
}
step "top" s_top

s_exec_it() {
	timeout 30 script -qec "$DK_DIR/dk exec -it bg-$RT sh -c 'tty; echo \$TERM; exit 6'; echo rc=\$?" \
		/dev/null </dev/null | tr -d '\r\0' | sed -e 's|/dev/pts/[0-9]*|/dev/pts/N|' -e 's/\^@//g'
}
step "exec -it gets a terminal" s_exec_it

s_pause() {
	dk pause "bg-$RT" >/dev/null && status "bg-$RT"
	timeout 30 "$DK_DIR/dk" exec "bg-$RT" true 2>&1 | sed 's/[0-9a-f]\{64\}/ID/'
	dk unpause "bg-$RT" >/dev/null && status "bg-$RT"
	timeout 30 "$DK_DIR/dk" exec "bg-$RT" echo after-unpause
}
step "pause, unpause" s_pause

s_cp() {
	echo "in-$RT" >"$DK_DIR/share/cp-$RT"
	dk cp "$DK_DIR/share/cp-$RT" "bg-$RT:/tmp/in" && dk exec "bg-$RT" cat /tmp/in
	dk exec "bg-$RT" sh -c 'echo out-from-container >/tmp/out'
	dk cp "bg-$RT:/tmp/out" "$DK_DIR/share/out-$RT" && cat "$DK_DIR/share/out-$RT"
}
step "cp in and out" s_cp

s_stats() {
	dk stats --no-stream --format '{{.Name}}' "bg-$RT"
	dk stats --no-stream --format '{{.MemUsage}}' "bg-$RT" |
		awk '{ print ($1 ~ /^[1-9]/) ? "memory counted" : "no memory: " $0 }'
}
step "stats" s_stats

# Docker's runc shim reads PIDs from the container's cgroup itself, and
# the sandbox's sentry and gofer live in that cgroup with their threads
# (the sentry's workers and the gofer's channels: one each per CPU on the
# seccomp platform): as many tasks more than under runc
# (docs/user-guide.md), counted here as the tasks of the cgroup that run
# runsc.
s_stats_pids() {
	local n id t tasks sb=0
	n=$(dk stats --no-stream --format '{{.PIDs}}' "bg-$RT")
	if [ "$RT" = cvisor ]; then
		id=$(dk inspect -f '{{.Id}}' "bg-$RT")
		tasks=/sys/fs/cgroup/pids/$DK_CG/$id/tasks
		[ -r "$tasks" ] || tasks=/sys/fs/cgroup/$DK_CG/$id/cgroup.threads
		for t in $(cat "$tasks"); do
			[ "$(readlink "/proc/$t/exe")" = "$RUNSC_BIN" ] &&
				sb=$((sb + 1))
		done
		n=$((n - sb))
	fi
	echo "$n"
}
step "stats PIDs: runc's count, and the sandbox's sentry and gofer" s_stats_pids

s_restart() {
	local before
	before=$(dk inspect -f '{{.State.StartedAt}}' "bg-$RT")
	timeout 60 "$DK_DIR/dk" restart -t 1 "bg-$RT" >/dev/null
	status "bg-$RT"
	[ "$(dk inspect -f '{{.State.StartedAt}}' "bg-$RT")" != "$before" ] &&
		echo "started again"
	timeout 30 "$DK_DIR/dk" exec "bg-$RT" echo exec-after-restart
}
step "restart" s_restart

s_stop() {
	timeout 60 "$DK_DIR/dk" stop -t 1 "bg-$RT" >/dev/null
	status "bg-$RT"
}
step "stop (sleep as pid 1 ignores SIGTERM: SIGKILL after -t)" s_stop

s_rm() {
	dk rm "bg-$RT" >/dev/null
	echo "left: $(dk ps -aq --filter name="bg-$RT" | wc -l)"
}
step "rm" s_rm

s_tty() {
	timeout 30 script -qec "$DK_DIR/dk run --rm -t --runtime=$RT --network none $IMG sh -c 'tty; echo \$TERM; exit 6'; echo rc=\$?" \
		/dev/null </dev/null | tr -d '\r\0' | sed -e 's|/dev/pts/[0-9]*|/dev/pts/N|' -e 's/\^@//g'
}
step "run -t gets a terminal" s_tty

s_kill() {
	runn -d --name "$N" $IMG sh -c \
		'trap "echo got-usr1; exit 7" USR1; echo ready; while :; do sleep 0.1; done' >/dev/null
	for _ in $(seq 50); do
		dk logs "$N" 2>/dev/null | grep -q ready && break
		sleep 0.1
	done
	dk kill -s USR1 "$N" >/dev/null
	echo "wait: $(timeout 30 "$DK_DIR/dk" wait "$N")"
	dk logs "$N"
	dk rm "$N" >/dev/null
}
step "kill -s USR1 reaches the trap; wait returns its status" s_kill

s_wait() {
	runn -d --name "$N" $IMG sh -c 'sleep 0.3; exit 9' >/dev/null
	echo "wait: $(timeout 30 "$DK_DIR/dk" wait "$N")"
	dk rm "$N" >/dev/null
}
step "wait" s_wait

s_rm_flag() {
	local id
	rm -f "$DK_DIR/cid-$RT"
	runn --rm --cidfile "$DK_DIR/cid-$RT" $IMG true
	echo "rc=$?"
	id=$(cat "$DK_DIR/cid-$RT")
	sleep 0.3
	echo "containers: $(dk ps -aq --no-trunc | grep -c "$id")"
	echo "cgroups: $(find /sys/fs/cgroup/*/"$DK_CG" -maxdepth 1 -name "$id" | wc -l)"
	echo "state: $(ls "$DK_EXEC"/runtime-runc/moby 2>/dev/null | grep -c "$id")"
	echo "processes: $(our_pids | xargs -r ps -o args= -p | grep -c "$id")"
}
step "--rm leaves nothing (container, cgroup, runtime state, processes)" s_rm_flag

s_read_only() {
	runn --rm --read-only $IMG sh -c 'exec 2>&1; touch /x; echo rc=$?; echo ok >/tmp/y; echo tmp-rc=$?'
}
step "--read-only" s_read_only

# The limits as the host cgroup holds them, not as the sandbox reports.
cg_files() {
	local id=$1 f
	shift
	for f in "$@"; do
		echo "$f=$(cat "/sys/fs/cgroup/${f%%.*}/$DK_CG/$id/$f" 2>&1 | sed "s/$id/ID/")"
	done
}

s_memory() {
	local id
	id=$(runn -d --memory 64m --memory-swap 96m --memory-reservation 32m \
		--memory-swappiness 0 $IMG sleep 1000)
	cg_files "$id" memory.limit_in_bytes memory.memsw.limit_in_bytes \
		memory.soft_limit_in_bytes memory.swappiness
	dk rm -f "$id" >/dev/null
}
step "--memory, --memory-swap, --memory-reservation, --memory-swappiness in the host cgroup" s_memory

s_kernel_memory() {
	local id
	id=$(runn -d --kernel-memory 32m $IMG sleep 1000 2>/dev/null)
	cg_files "$id" memory.kmem.limit_in_bytes
	dk rm -f "$id" >/dev/null
}
step "--kernel-memory (linux.resources.memory.kernel) in the host cgroup" s_kernel_memory

s_pids() {
	local id
	id=$(runn -d --pids-limit 20 $IMG sleep 1000)
	cg_files "$id" pids.max
	dk rm -f "$id" >/dev/null
}
step "--pids-limit in the host cgroup" s_pids

s_cpu() {
	local id
	id=$(runn -d --cpu-shares 512 --cpus 0.5 $IMG sleep 1000)
	cg_files "$id" cpu.shares cpu.cfs_quota_us cpu.cfs_period_us
	dk rm -f "$id" >/dev/null
}
step "--cpu-shares, --cpus in the host cgroup" s_cpu

s_blkio() {
	runn --rm --blkio-weight 300 $IMG echo ran 2>&1
	echo "rc=$?"
}
step "--blkio-weight on a host without blkio weight files" s_blkio

s_cap_drop() {
	runn --rm --cap-drop ALL $IMG sh -c 'exec 2>&1; grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status; chown 1 /tmp; echo rc=$?'
}
step "--cap-drop ALL" s_cap_drop

s_user() {
	runn --rm -u 1000:1000 $IMG sh -c 'exec 2>&1; id; touch /root/x; echo rc=$?'
}
step "-u" s_user

s_tmpfs() {
	runn --rm --tmpfs /scratch:size=1m,mode=1770 $IMG sh -c \
		'grep " /scratch " /proc/mounts | cut -d" " -f1-3; stat -c %a /scratch; df -k /scratch | awk "NR==2 {print \$2}"; echo x >/scratch/f && cat /scratch/f'
}
step "--tmpfs" s_tmpfs

s_volumes() {
	mkdir -p "$DK_DIR/share/rw-$RT" "$DK_DIR/share/ro-$RT"
	echo host-file >"$DK_DIR/share/ro-$RT/f"
	runn --rm -v "$DK_DIR/share/rw-$RT:/data" -v "$DK_DIR/share/ro-$RT:/ro:ro" $IMG sh -c \
		'exec 2>&1; echo from-container >/data/new; cat /ro/f; touch /ro/x; echo rc=$?'
	cat "$DK_DIR/share/rw-$RT/new"
	ls "$DK_DIR/share/ro-$RT"
}
step "-v rw and :ro" s_volumes

s_host_net() {
	run --rm --network host $IMG sh -c 'hostname; cat /proc/sys/kernel/hostname'
	echo "host: $(hostname)"
}
step "--network host" s_host_net

s_init() {
	runn --rm --init $IMG sh -c 'cat /proc/1/comm; tr "\0" " " </proc/1/cmdline; echo; echo "my parent: $PPID"'
}
step "--init" s_init

# daemon.json's default-runtime, reloaded by SIGHUP: a container started
# without --runtime runs in the sandbox (whose /sys/fs/cgroup is a cgroup2
# view, where runc's on this host is v1's tmpfs).
dk_config "$RUNTIMES" cvisor
kill -HUP $DK_PID
for _ in $(seq 50); do
	[ "$(dk info -f '{{.DefaultRuntime}}' 2>/dev/null)" = cvisor ] && break
	sleep 0.1
done
out=$(timeout 60 "$DK_DIR/dk" run --rm --network none $IMG stat -f -c %T /sys/fs/cgroup 2>&1)
want=$(timeout 60 "$DK_DIR/dk" run --rm --network none --runtime=cvisor $IMG stat -f -c %T /sys/fs/cgroup 2>&1)
other=$(timeout 60 "$DK_DIR/dk" run --rm --network none --runtime=runc $IMG stat -f -c %T /sys/fs/cgroup 2>&1)
if [ "$out" = "$want" ] && [ "$out" != "$other" ]; then
	t_ok "default-runtime cvisor (daemon.json, reloaded)"
else
	t_fail "default-runtime cvisor (daemon.json, reloaded)" "default: '$out', cvisor: '$want', runc: '$other'"
fi

dk_stop
procs=$(our_pids)
[ -z "$procs" ] && t_ok "dockerd stopped: none of its processes left" ||
	t_fail "dockerd stopped: none of its processes left" "$(ps -o pid,args -p "$(echo $procs | tr ' ' ,)")"
# dockerd leaves its bind of the host's network namespace behind itself.
umount "$DK_EXEC/netns/default" 2>/dev/null
mnts=$(our_mounts)
[ -z "$mnts" ] && t_ok "no mount left under the private roots" ||
	t_fail "no mount left under the private roots" "$mnts"
left=$(for d in $(our_cgroups); do find "$d" -mindepth 1 -type d; done)
[ -z "$left" ] && t_ok "no container cgroup left" || t_fail "no container cgroup left" "$left"
