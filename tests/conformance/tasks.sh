#!/bin/bash
# Processes against Linux (issue 14): tests/progs/task_conform runs in a
# runc container and in a cvisor one made from the same bundle (the same
# config: a fresh pid namespace, the default capabilities), and every
# case's line must be the same: core dumps (the wait status, waitid's
# code, the core file: ELF core or not, owner, mode), clone3 and
# CLONE_PARENT, /proc/<pid>/mem (a tracer's too), subreapers, the
# parent-death signal, ambient capabilities across exec (a file with
# capabilities clears them), personality flags, pidfds (O_ASYNC by fcntl and
# FIOASYNC included) and a zombie's process group. The core each run
# keeps is given to gdb (when installed): its backtrace must name the
# program's own frames in both.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc task_conform task_conform || exit 0

B=$T_TMP/b
make_bundle "$B" /task_conform
cp "$PROG" "$B/rootfs/task_conform"
# A copy with file capabilities: an exec of it clears the ambient set.
cp "$PROG" "$B/rootfs/task_conform_fcap"
command -v setcap >/dev/null &&
	setcap cap_kill+ep "$B/rootfs/task_conform_fcap"
# A core limit the cases may raise (runc passes the runtime's own on);
# the capabilities the cases use to become another user.
caps='["CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_AUDIT_WRITE",
	"CAP_NET_BIND_SERVICE"]'
jq --argjson c "$caps" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c} |
    .process.rlimits += [{"type": "RLIMIT_CORE", "hard": 1048576, "soft": 0}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

KEPT=$B/rootfs/tmp/cores/kept.core
THREADS=$B/rootfs/tmp/cores/thread.core
FTHREADS=$B/rootfs/tmp/cores/filter_thread.core
# gdb's view of the threads of a core: how many, then which of the
# functions named after the core are in their backtraces.
gdb_threads() {	# core function...
	local core=$1 bt= out w
	shift
	[ -x /usr/bin/gdb ] && [ -s "$core" ] &&
		bt=$(timeout 60 gdb -batch -nx -ex 'info threads' \
			-ex 'thread apply all bt' "$B/rootfs/task_conform" \
			"$core" 2>&1)
	rm -f "$core"
	[ -n "$bt" ] || return 0
	out="$(grep -c '^[* ] *[0-9][0-9]* *.*LWP' <<<"$bt")"
	for w; do
		grep -q "$w" <<<"$bt" && out="$out $w"
	done
	printf '%s' "$out"
}
# gdb's backtrace of the kept core, as a case of its own: whether it
# names the frames that died and the signal.
gdb_bt() {	# out
	local bt words= nthreads= fthreads=
	if [ -x /usr/bin/gdb ] && [ -s "$KEPT" ]; then
		bt=$(timeout 60 gdb -batch -nx -ex bt "$B/rootfs/task_conform" \
			"$KEPT" 2>&1)
		for w in die_by core_run 'signal SIGQUIT'; do
			grep -q "$w" <<<"$bt" && words="$words ${w// /_}"
		done
	fi
	rm -f "$KEPT"
	nthreads=$(gdb_threads "$THREADS" abort_thread core_thread)
	# the threads of a seccomp filter's kill in the second thread
	fthreads=$(gdb_threads "$FTHREADS" call_getppid filter_kill)
	sed -i '/^done 0$/d' "$1"
	printf 'gdb_bt%s\ngdb_threads %s\ngdb_filter_threads %s\ndone 0\n' \
		"${words:- none}" "${nthreads:-none}" "${fthreads:-none}" >>"$1"
}

# A SIGCHLD read from a signalfd is dequeued by the kernel in a read(2)
# the sentry does not see: it still says CLD_KILLED (docs/security.md,
# "Core dumps"). sigwaitinfo's is rewritten at its exit (sentry/sigwait.c).
known() {	# name host sandbox
	case $1 in
	core_sigchld_signalfd)
		[ "$2" = "${3/code killed/code dumped}" ] ;;
	*) return 1 ;;
	esac
}

(cd "$B" && timeout 120 "$RUNC" --root "$T_TMP/runc-root" run "tc-runc-$$" \
	</dev/null >"$T_TMP/native.out" 2>"$T_TMP/native.err")
"$RUNC" --root "$T_TMP/runc-root" delete --force "tc-runc-$$" >/dev/null 2>&1
gdb_bt "$T_TMP/native.out"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "tc-$$" \
	</dev/null >"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
gdb_bt "$T_TMP/sandbox.out"
t_compare_native known
