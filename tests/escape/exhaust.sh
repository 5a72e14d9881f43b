#!/bin/bash
# Resource exhaustion from inside (issue 11 item 4): a fork bomb under
# pids.limit, thousands of threads making emulated calls, a million-entry
# getdents, path arguments at PATH_MAX on every path call, sendmsg with up
# to 300 SCM_RIGHTS fds, a full fd table and blocked senders that make the
# sentry hold fds. Each attack (tests/progs/ex_*) runs under runc with the
# same bundle (Linux's answer) and under cvisor; its result lines must
# match. While the attack holds (progs.h hold()), the sentry's fd count and
# RSS are read, runsc state/ps/exec on the attacked container must answer
# within 10 s, and a second container must run; after it is released the
# sentry must hold no more fds than before it. delete --force must leave no
# process, state, cgroup or mount. The numbers go to stdout as "# ..." lines.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

RUNC=${RUNC:-runc}
PIDS_LIMIT=64
DENTS=${CVISOR_EXHAUST_DENTS:-1000000}
# The directory of DENTS entries, made once per build (about 20 s).
DENTS_DIR=$CVISOR_SRC/$BUILD/exhaust-dents-$DENTS

for p in ex_forkbomb ex_threads ex_getdents ex_pathmax ex_scmrights ex_fdtable; do
	if [ ! -x "$CVISOR_PROGS/$p" ]; then
		t_fail "$p built" "$CVISOR_PROGS/$p missing (make test-progs)"
		exit 0
	fi
done
if ! command -v "$RUNC" >/dev/null; then
	t_skip all "no $RUNC to take Linux's answer from"
	exit 0
fi

# bundle DIR PROG [jq-filter [args...]]: root writable, uid 0 with
# CAP_SYS_CHROOT (path calls), the program copied in.
bundle() {
	local dir=$1 prog=$2 filter=${3:-.}
	shift 3 2>/dev/null || shift $#
	rm -rf "$dir"
	make_bundle "$dir" "/$prog" "$@"
	cp "$CVISOR_PROGS/$prog" "$dir/rootfs/$prog"
	jq ".root.readonly = false | .process.user = {uid: 0, gid: 0} |
	    .process.capabilities[] += [\"CAP_SYS_CHROOT\"] | $filter" \
		"$dir/config.json" >"$dir/config.json.new" &&
		mv "$dir/config.json.new" "$dir/config.json"
}

sentry_fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
sentry_rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# wait_tag FILE TAG SECONDS: until a line TAG is in FILE.
wait_tag() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qx "$2" "$1" && return 0
		sleep 0.1
	done
	return 1
}

# Every process, state dir, cgroup and mount of container $2 (sentry $3)
# gone after delete --force.
check_gone() {
	local name=$1 id=$2 sentry=$3 left="" cg mnt p i
	runsc delete --force "$id" >/dev/null 2>&1
	for ((i = 0; i < 30; i++)); do	# zombies being reaped: up to 3 s
		mnt=""
		for p in $sentry ${HELD_PROCS:-}; do
			[ -e "/proc/$p" ] && mnt=1
		done
		[ -z "$mnt" ] && break
		sleep 0.1
	done
	for p in $sentry ${HELD_PROCS:-}; do
		[ -e "/proc/$p" ] && left="$left process $p ($(awk '/^State/ { print $2 }' \
			"/proc/$p/status" 2>/dev/null) $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)," \
			"parent $(awk '/^PPid/ { print $2 }' "/proc/$p/status" 2>/dev/null));"
	done
	HELD_PROCS=
	[ -e "$T_ROOT/$id" ] && left="$left state $T_ROOT/$id;"
	cg=$(find /sys/fs/cgroup/pids /sys/fs/cgroup/unified -maxdepth 4 \
		-type d -name "*$id*" 2>/dev/null | head -3)
	[ -n "$cg" ] && left="$left cgroups $cg;"
	# no mount namespace left holding the bundle
	mnt=$(grep -l "$T_TMP/" /proc/[0-9]*/mountinfo 2>/dev/null | head -3)
	[ -n "$mnt" ] && left="$left mounts of $T_TMP in $mnt;"
	if [ -z "$left" ]; then
		t_ok "${name}_delete_leaves_nothing"
	else
		t_fail "${name}_delete_leaves_nothing" "$left"
	fi
}

# runtime_checks NAME ID: the attacked container answers, a second runs.
runtime_checks() {
	local name=$1 id=$2 rc out
	for cmd in state ps "exec $id /bin/true"; do
		set -- $cmd
		if [ "$1" = exec ]; then
			timeout 10 "$RUNSC_BIN" --root "$T_ROOT" --platform \
				"$CVISOR_PLATFORM" exec "$id" /bin/true >/dev/null 2>&1
		else
			timeout 10 "$RUNSC_BIN" --root "$T_ROOT" --platform \
				"$CVISOR_PLATFORM" "$1" "$id" >/dev/null 2>&1
		fi
		rc=$?
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			t_fail "${name}_runsc_$1_answers" "no answer in 10 s"
		else
			t_ok "${name}_runsc_$1_answers"
			echo "# $name: runsc $1 status $rc"
		fi
	done
	out=$(timeout 30 "$RUNSC_BIN" --root "$T_ROOT" --platform \
		"$CVISOR_PLATFORM" run --bundle "$T_TMP/second" "$id-2" \
		</dev/null 2>&1)
	if [ "$out" = second-ok ]; then
		t_ok "${name}_second_container_runs"
	else
		t_fail "${name}_second_container_runs" "$(echo "$out" | tail -c 300)"
	fi
	runsc delete --force "$id-2" >/dev/null 2>&1
}

# The host pids of every process whose ancestry leads to $1.
descendants() {
	local p
	for p in $(pgrep -P "$1"); do
		echo "$p"
		descendants "$p"
	done
}

# delete_held NAME ID SENTRY RUNPID: delete --force while the attack holds;
# within 10 s no process of it is left.
delete_held() {
	local name=$1 id=$2 sentry=$3 run=$4 procs left i t0 t1
	procs=$(descendants "$sentry")
	t0=$(date +%s%N)
	timeout 20 "$RUNSC_BIN" --root "$T_ROOT" delete --force "$id" >/dev/null 2>&1
	for ((i = 0; i < 100; i++)); do
		left=""
		for p in $sentry $procs; do
			[ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null &&
				left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	t1=$(date +%s%N)
	exec 3>&-
	echo "# $name: delete --force of $(echo $procs | wc -w) processes:" \
		"$(((t1 - t0) / 1000000)) ms"
	if [ -z "$left" ]; then
		t_ok "${name}_delete_force_while_held"
	else
		t_fail "${name}_delete_force_while_held" "alive after 10 s:$left"
		kill -9 $left 2>/dev/null
	fi
	timeout 10 tail --pid="$run" -f /dev/null
	check_gone "$name" "$id" "$sentry"
}

# attack NAME PROG JQ [ARGS...]: runc's answer, then cvisor's, compared.
attack() {
	local name=$1 prog=$2 filter=$3 id=exh$$-$1 sentry pid
	local fds0 fds1 fds2 rss0 rss1 rss2 t0 t1 lim i
	shift 3
	bundle "$T_TMP/b" "$prog" "$filter" "$@"

	timeout 120 "$RUNC" --root "$T_TMP/runc" run --bundle "$T_TMP/b" \
		"r$id" </dev/null >"$T_TMP/native.raw" 2>"$T_TMP/native.err"
	"$RUNC" --root "$T_TMP/runc" delete --force "r$id" >/dev/null 2>&1
	grep -vx -e ready -e held -e released "$T_TMP/native.raw" >"$T_TMP/native.out"
	echo "# $name: runc: $(tr '\n' ' ' <"$T_TMP/native.err")"

	rm -f "$T_TMP/in" "$T_TMP/sandbox.raw"
	mkfifo "$T_TMP/in"
	runsc run --bundle "$T_TMP/b" "$id" <"$T_TMP/in" \
		>"$T_TMP/sandbox.raw" 2>"$T_TMP/sandbox.err" &
	pid=$!
	exec 3>"$T_TMP/in"
	if ! wait_tag "$T_TMP/sandbox.raw" ready 30; then
		t_fail "${name}_starts" "$(tail -c 300 "$T_TMP/sandbox.err")"
		exec 3>&-
		kill "$pid" 2>/dev/null
		check_gone "$name" "$id" ""
		return
	fi
	sentry=$(runsc state "$id" | jq -r .pid)
	fds0=$(sentry_fds "$sentry") rss0=$(sentry_rss "$sentry")
	[ -n "${ON_READY:-}" ] && $ON_READY "$sentry"
	ls -l "/proc/$sentry/fd" | awk '{ print $9, $11 }' >"$T_TMP/fds0"
	t0=$(date +%s%N)
	echo >&3
	if wait_tag "$T_TMP/sandbox.raw" held 120; then
		t1=$(date +%s%N)
		fds1=$(sentry_fds "$sentry") rss1=$(sentry_rss "$sentry")
		HELD_PROCS=$(descendants "$sentry" | head -200)
		lim=$(awk '/^Max open files/ { print $4 }' "/proc/$sentry/limits")
		# room left for the sentry's own work (fd_budget.c)
		if [ -n "${ON_READY:-}" ]; then
			:	# this one fills it on purpose
		elif [ "$fds1" -le $((lim - 64)) ]; then
			t_ok "${name}_sentry_fd_table_not_full"
		else
			t_fail "${name}_sentry_fd_table_not_full" "$fds1 fds, limit $lim"
		fi
		if [ -n "${DELETE_WHILE_HELD:-}" ]; then
			delete_held "$name" "$id" "$sentry" "$pid"
			return
		fi
		runtime_checks "$name" "$id"
		echo >&3
		wait_tag "$T_TMP/sandbox.raw" released 60
		# the sentry closes a task's pidfd when it sees the exit: up to 5 s
		for ((i = 0; i < 50; i++)); do
			fds2=$(sentry_fds "$sentry")
			[ "$fds2" -le $((fds0 + 16)) ] && break
			sleep 0.1
		done
		rss2=$(sentry_rss "$sentry")
		echo "# $name: attack $(((t1 - t0) / 1000000)) ms;" \
			"sentry fds $fds0 -> $fds1 -> $fds2 (ready, held, released; limit $lim);" \
			"RSS KiB $rss0 -> $rss1 -> $rss2"
		# the directory cache (fs_dcache.c) may keep a few more
		if [ "$fds2" -le $((fds0 + 16)) ]; then
			t_ok "${name}_no_sentry_fd_leak"
		else
			t_fail "${name}_no_sentry_fd_leak" "sentry fds $fds0 before, $fds2 after: $(ls -l "/proc/$sentry/fd" | awk '{ print $9, $11 }' | diff "$T_TMP/fds0" - | tr '\n' ' ')"
		fi
		# unbounded memory: the sentry stays under 256 MiB
		if [ "${rss1:-0}" -lt 262144 ]; then
			t_ok "${name}_sentry_rss_bounded"
		else
			t_fail "${name}_sentry_rss_bounded" "RSS $rss1 KiB"
		fi
	else
		t_fail "${name}_holds" "$(tail -n 3 "$T_TMP/sandbox.raw" | tr '\n' ' ') $(tail -c 300 "$T_TMP/sandbox.err")"
	fi
	echo >&3
	exec 3>&-
	if ! timeout 60 tail --pid="$pid" -f /dev/null; then
		t_fail "${name}_exits" "still running after 60 s"
	fi
	grep -vx -e ready -e held -e released "$T_TMP/sandbox.raw" >"$T_TMP/sandbox.out"
	echo "# $name: cvisor: $(tr '\n' ' ' <"$T_TMP/sandbox.err" | tail -c 300)"
	# each result line named after the attack
	sed -i "s/^/${name}_/; s/^${name}_done 0\$/done 0/" \
		"$T_TMP/native.out" "$T_TMP/sandbox.out"
	# (its "done" line named after the attack too)
	t_compare_native known_difference | sed "s/^ok $T_FILE: done\$/ok $T_FILE: ${name}_ran_to_the_end/"
	check_gone "$name" "$id" "$sentry"
}

# Documented differences (docs/security.md, "Resource exhaustion").
known_difference() {
	case "$1" in
	fdtable_table_full_at | fdtable_full_socket | fdtable_full_eventfd | \
		fdtable_full_memfd | fdtable_full_inotify | fdtable_full_dup)
		# ptrace: installing an fd takes two free slots
		[ "$CVISOR_PLATFORM" = ptrace ] ;;
	sentryfull_calls_failed)
		# the sentry's table is full: opens get ENFILE
		grep -q 'failed [1-9][0-9]* (open: ENFILE)' "$T_TMP/sandbox.err" ;;
	*) return 1 ;;
	esac
}

make_bundle "$T_TMP/second" /bin/sh -c 'cat /etc/passwd >/dev/null && echo second-ok'

attack forkbomb ex_forkbomb ".linux.resources.pids.limit = $PIDS_LIMIT"
# delete --force of the container while the bomb holds
DELETE_WHILE_HELD=1 attack forkbomb_delete ex_forkbomb \
	".linux.resources.pids.limit = $PIDS_LIMIT"
attack threads ex_threads . 2000 5
if [ ! -d "$DENTS_DIR" ]; then
	nice "$CVISOR_PROGS/ex_getdents" make "$DENTS_DIR.new" "$DENTS" &&
		mv "$DENTS_DIR.new" "$DENTS_DIR"
fi
attack getdents ex_getdents ".mounts += [{destination: \"/big\", type: \"bind\",
	source: \"$DENTS_DIR\", options: [\"rbind\", \"ro\"]}]" /big
attack pathmax ex_pathmax .
attack scmrights ex_scmrights .
attack fdtable ex_fdtable . 32
# 400 senders of 253 fds: more than the sentry may hold for them
# The sentry's own fd table full: a pidfd per task, 2000 threads under a
# limit of 1500 (the test lowers it: a host whose hard limit is lower than
# the tasks a container may have). Calls that need a new fd in the sentry
# fail with ENFILE; the sentry keeps serving, runsc keeps answering.
sentry_nofile_1500() { prlimit --pid "$1" --nofile=1500:1500; }
if command -v prlimit >/dev/null; then
	ON_READY=sentry_nofile_1500 attack sentryfull ex_threads . 2000 1
fi
# (Linux too refuses some: ENOBUFS, the socket's optmem is spent)
attack fdflood ex_fdtable . 400 flood
