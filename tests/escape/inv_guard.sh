#!/bin/bash
# docs/architecture.md, invariant 5: nothing outlives its guard. A container whose
# workload is "sh -c 'sleep 1000 & sleep 1000'" (a background child and a
# foreground one): kill -9 of the sentry, kill -9 of the gofer, and
# "runsc delete --force" of the running container each leave, within a
# second (the time is printed; only 10 s fails), no workload process;
# then nothing at all is left: no process, no
# state dir, no cgroup directory, no mount of the rootfs on the host.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

B=$T_TMP/b
make_bundle "$B" /bin/sh -c 'sleep 1000 & sleep 1000'

descendants() { # PID: every host pid below it
	local p
	for p in $(pgrep -P "$1"); do
		echo "$p"
		descendants "$p"
	done
}
alive() { # PID...: those still running (not zombies)
	local p
	for p in "$@"; do
		if [ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
			echo "$p"
		fi
	done
}
cmd_of() { local p; for p in "$@"; do echo "$p:$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done | tr '\n' ';'; }
# Host paths of the container's cgroup directories, from state.json.
cgroup_dirs() {
	jq -r '.cgroup | select(. != null) | ((.dirs // {}) | .[]), (.unified // empty)' \
		"$T_ROOT/$1/state.json" 2>/dev/null | sort -u
}
# What is left of container ID: prints one line per leftover.
leftovers() { # ID PID...
	local id=$1 d
	shift
	[ -e "$T_ROOT/$id" ] && echo "state dir $T_ROOT/$id"
	for d in $cgdirs; do
		[ -d "$d" ] && echo "cgroup $d"
	done
	for d in /sys/fs/cgroup/*/cvisor/"$id" /sys/fs/cgroup/cvisor/"$id" /sys/fs/cgroup/*/"$id"; do
		[ -d "$d" ] && echo "cgroup $d"
	done
	[ -n "$(alive "$@")" ] && echo "process $(cmd_of $(alive "$@"))"
	grep -F -q -- "$B/rootfs" /proc/self/mountinfo && echo "host mount of $B/rootfs"
	grep -F -q -- "$B/rootfs" /proc/1/mountinfo && echo "mount of $B/rootfs in pid 1's namespace"
	pgrep -f -- "$T_ROOT.*$id" >/dev/null && echo "runsc process for $id: $(pgrep -f -- "$T_ROOT.*$id" | tr '\n' ' ')"
	return 0
}

# scenario NAME HOW: HOW is sentry, gofer or delete.
scenario() {
	local name=$1 how=$2 id=inv-guard-$2-$$ S G init procs wl left i st ms
	if ! runsc run -d --bundle "$B" "$id" </dev/null >"$T_TMP/run.out" 2>&1; then
		t_fail "$name: run -d" "$(tail -c 300 "$T_TMP/run.out")"
		return
	fi
	S=$(runsc state "$id" | jq -r .pid)
	G=$(jq -r .goferPid "$T_ROOT/$id/state.json")
	init=$(jq -r .initPid "$T_ROOT/$id/state.json")
	cgdirs=$(cgroup_dirs "$id")
	# Wait for both sleeps (busybox sh execs the last command, so the init
	# itself becomes the second sleep; the first is its child).
	for i in $(seq 50); do
		wl="$init $(descendants "$init")"
		[ "$(for p in $wl; do cat "/proc/$p/cmdline" 2>/dev/null | tr '\0' ' '; echo; done |
			grep -c '^sleep 1000')" -ge 2 ] && break
		sleep 0.1
	done
	procs="$S $G $wl $(descendants "$S")"
	if [ "$(echo $wl | wc -w)" -lt 2 ]; then
		t_fail "$name: workload has two sleeps" "$(cmd_of $wl)"
		runsc delete --force "$id" >/dev/null 2>&1
		return
	fi
	# The leftover checker must see a live container (state, cgroup,
	# processes), or "nothing left" below would prove nothing.
	[ "$(leftovers "$id" $procs | wc -l)" -ge 3 ] && t_ok "$name: checker sees the live container" ||
		t_fail "$name: checker sees the live container" "$(leftovers "$id" $procs | tr '\n' ';')"
	case $how in
	sentry) kill -9 "$S" ;;
	gofer) kill -9 "$G" ;;
	delete) runsc delete --force "$id" >"$T_TMP/del.out" 2>&1 ||
		t_fail "$name: delete --force" "$(tail -c 300 "$T_TMP/del.out")" ;;
	esac
	# The time is printed (issue 11 wants it within 1 s); only a
	# process alive after 10 s fails (a real leak, not a slow machine).
	ms=$(t_gone_ms $wl)
	case $ms in
	alive*) t_fail "$name: no workload process left" "after 10 s: $(cmd_of ${ms#alive})" ;;
	*)
		echo "# $CVISOR_PLATFORM: $name: every workload process gone in $ms ms (issue 11: within 1000)"
		t_ok "$name: no workload process left"
		;;
	esac
	if [ "$how" != delete ]; then
		ms=$(t_gone_ms "$G" "$S")
		case $ms in
		alive*) t_fail "$name: sentry and gofer gone" "after 10 s: $(cmd_of ${ms#alive})" ;;
		*)
			echo "# $CVISOR_PLATFORM: $name: sentry and gofer gone in $ms ms"
			t_ok "$name: sentry and gofer gone"
			;;
		esac
		st=$(runsc state "$id" 2>&1 | jq -r .status 2>&1)
		[ "$st" = stopped ] && t_ok "$name: state says stopped" ||
			t_fail "$name: state says stopped" "$st"
		runsc delete "$id" >"$T_TMP/del.out" 2>&1 &&
			t_ok "$name: delete (no --force) succeeds" ||
			t_fail "$name: delete (no --force) succeeds" "$(tail -c 300 "$T_TMP/del.out")"
	fi
	left=$(leftovers "$id" $procs | tr '\n' ';')
	[ -z "$left" ] && t_ok "$name: nothing left" || t_fail "$name: nothing left" "$left"
	# Whatever happened, do not leak.
	kill -9 $(alive $procs) 2>/dev/null
	runsc delete --force "$id" >/dev/null 2>&1
}

scenario "kill -9 sentry" sentry
scenario "kill -9 gofer" gofer
scenario "delete --force running" delete
t_assert_clean "*-$$"
exit 0
