#!/bin/bash
# docs/architecture.md, invariants 1 and 8: a filter the workload stacks over the
# sentry's must not make the host kernel run an emulated call natively.
# tests/progs/sc_forge installs, per probe, a filter returning TRACE with
# the data values of the sentry's own stops (the fixed ones of earlier
# versions) and others, USER_NOTIF without and with a listener of its own
# (whose server answers CONTINUE), ERRNO, TRAP, KILL, LOG or ALLOW, then
# calls getppid, uname, openat, mknodat and execve.
#
# Native execution in the sandbox would show: uname giving the host's
# release; openat, mknodat, execve resolving in the workload's raw mount
# view, where /proc is the rootfs's plain directory holding files planted
# here (the sentry's /proc is virtual and has none of them): the open
# succeeds, mknod gives EROFS (the view is read-only), the exec runs.
#
# On the host the listener attack runs the calls (proof that it works);
# every mode's result in the sandbox must be the host kernel's for the same
# paths (for TRACE: ENOSYS, as with no tracer), and no line may show
# native execution. The workload cannot get a listener (EBUSY).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/sc_forge
[ -x "$PROG" ] || { t_fail build "no sc_forge"; exit 0; }
t_clean_begin "forge-*-$$"
MODES="allow log trace-c701 trace-c702 trace-c703 trace-c704 trace-1234
trace-0 notif errno-54 trap kill listener"
OPEN=/proc/cvisor-native-only
MKNOD=/proc/cvisor-dir/fifo
EXEC=/proc/cvisor-native-exe
host_release=$(uname -r)

# --- the attack works natively: a listener's CONTINUE runs the calls ---
H=$T_TMP/host
mkdir -p "$H"
echo native >"$H/file"
cp "$PROG" "$H/exe"
"$PROG" listener "$H/file" "$H/fifo" "$H/exe" >"$T_TMP/host_listener" 2>&1
t_expect host_listener_created "OK" awk '$2 == "listener" { print $3 }' "$T_TMP/host_listener"
t_expect host_listener_runs_calls "ok ok executed" \
	awk '$2 == "open" { o = $3 } $2 == "mknod" { m = $3 }
	     $2 == "execve" { e = $3 } END { print o, m, e }' "$T_TMP/host_listener"

# --- the same modes on the host, with the sandbox's paths ---
for m in $MODES; do
	"$PROG" "$m" "$OPEN" "$MKNOD" "$EXEC"
done >"$T_TMP/host.raw" 2>"$T_TMP/native.err"

# --- in the sandbox; the planted files exist only in the raw view ---
B=$T_TMP/b
make_bundle "$B" /bin/sleep 1000
cp "$PROG" "$B/rootfs/bin/sc_forge"
echo native-only >"$B/rootfs/proc/cvisor-native-only"
cp "$PROG" "$B/rootfs/proc/cvisor-native-exe"
mkdir -p "$B/rootfs/proc/cvisor-dir"

# The planted files are in the workload's own view (so a native call would
# find them): checked through a running init's root.
id=forge-view-x-$$
if runsc run -d --bundle "$B" "$id" >"$T_TMP/view.out" 2>&1; then
	init=$(jq -r .initPid "$T_ROOT/$id/state.json")
	if [ -f "/proc/$init/root$OPEN" ] && [ -x "/proc/$init/root$EXEC" ] &&
		[ -d "/proc/$init/root/proc/cvisor-dir" ]; then
		t_ok raw_view_has_the_planted_files
	else
		t_fail raw_view_has_the_planted_files "not under /proc/$init/root/proc"
	fi
	runsc delete --force "$id" >/dev/null 2>&1
else
	t_fail raw_view_has_the_planted_files "run -d: $(tail -c 300 "$T_TMP/view.out")"
fi

# seccomp platform: an EMULATE call reaches the sentry as our
# USER_NOTIF, which outranks the workload's TRACE; it is emulated (as with
# no filter of the workload's) instead of failing with ENOSYS.
known() {
	local n=${1#*:} probe want_allow
	probe=${n#*/}
	[ "$CVISOR_PLATFORM" = seccomp ] || return 1
	case $n in trace-*/uname | trace-*/open | trace-*/mknod) ;; *) return 1 ;; esac
	want_allow=$(awk -v p="${1%%:*}:allow/$probe" '$1 == p { print $2 }' "$T_TMP/sandbox.out")
	[ "$2" = ENOSYS ] && [ "$3" = "$want_allow" ]
}
norm() { # FILE PROFILE
	awk -v p="$2" '$1 != "listener" && NF >= 3 { print p ":" $1 "/" $2, $3 }
		$0 == "done 0"' "$1"
}

# forge PROFILE: every mode in the sandbox, as root with PROFILE's
# capabilities (with all of them, CAP_SYS_ADMIN: a listener and a filter
# need no no_new_privs).
forge() {
	local prof=$1 sb_release native
	local loop="for m in $(echo $MODES); do /bin/sc_forge \$m $OPEN $MKNOD $EXEC; done; echo done 0"
	caps_profile "$B" "$prof"
	jq --arg l "$loop" '.process.args = ["/bin/sh", "-c", $l]' "$B/config.json" \
		>"$B/config.json.new" && mv "$B/config.json.new" "$B/config.json"
	(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run "forge-$prof-$$" >"$T_TMP/sandbox.raw" 2>"$T_TMP/sandbox.err" </dev/null)

	sb_release=$(awk '$1 == "allow" && $2 == "uname" { print $4 }' "$T_TMP/sandbox.raw")
	if [ -n "$sb_release" ] && [ "$sb_release" != "$host_release" ]; then
		t_ok "$prof: sandbox_release_differs"
	else
		t_fail "$prof: sandbox_release_differs" "sandbox '$sb_release', host '$host_release'"
	fi

	# --- no line shows the host kernel running a call in the raw view ---
	native=$(awk -v hr="$host_release" '
		$2 == "uname" && $3 == "ok" && $4 == hr { print; next }
		$2 == "open" && $3 == "ok" { print; next }
		$2 == "mknod" && ($3 == "ok" || $3 == "EROFS") { print; next }
		$2 == "execve" && $3 == "executed" { print }' "$T_TMP/sandbox.raw")
	if [ -z "$native" ] && [ -s "$T_TMP/sandbox.raw" ]; then
		t_ok "$prof: no_native_execution"
	else
		t_fail "$prof: no_native_execution" "$(echo "$native" | tr '\n' ';')"
	fi
	t_expect "$prof: sandbox_listener_refused" "EBUSY" \
		awk '$1 == "listener" && $2 == "listener" { print $3 }' "$T_TMP/sandbox.raw"

	# --- every other mode as on the host (the release is not compared) ---
	norm "$T_TMP/host.raw" "$prof" >"$T_TMP/native.out"
	echo "done 0" >>"$T_TMP/native.out"
	norm "$T_TMP/sandbox.raw" "$prof" >"$T_TMP/sandbox.out"
	t_compare_native known
}
for_each_caps forge
t_assert_clean "forge-*-$$"
