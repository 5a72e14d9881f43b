#!/bin/bash
# Issue 10, class 3: nothing of the host is visible or reachable in a
# process that "runsc exec" is joining to the container (the CVE-2016-9962,
# CVE-2019-5736, CVE-2024-21626 family). tests/progs/exec_watch scans
# /proc over and over and, on every process that appears, looks for the
# caller's secret in environ and a host path in cmdline, and reopens every
# regular file in fd/ for writing and chmods it through the magic link.
# Meanwhile "runsc --log HOSTLOG exec" runs in a loop with the secret in
# its environment and the state root (a host path) on its command line.
#
# 1. On the host, the watcher (restricted to our own runsc processes)
#    must find the secret, the host path and the log fd: the attack works.
# 2. In the sandbox, as the container's root, it must find nothing of the
#    host: no secret, no host path, the log untouched (content and mode),
#    while it does see the exec'd processes once they run the workload.
# 3. The same in a runc container with runc exec, for comparison.
# 4. runsc's own part, without the sentry's: with the sentry stopped
#    (SIGSTOP), a joining process waits in its attach; seen from the host
#    it holds no secret, no host path, no fd but stdio and two sockets.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

prog=$CVISOR_PROGS/exec_watch
[ -x "$prog" ] || { t_fail "exec_watch built" "$prog missing"; exit 0; }
t_clean_begin "*-$$"

secret=rt-host-secret-$$-$RANDOM$RANDOM
# The exec loops run LOOP_S seconds; the watcher WATCH_S, long enough that
# the loop's last exec (over a second on a loaded machine, or under
# AddressSanitizer) ends before the watcher and its container do.
LOOP_S=4
[ -n "${CVISOR_SAN:-}" ] && LOOP_S=7
WATCH_S=$((LOOP_S + 5))

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# exec_loop SECONDS CMD...: runs CMD (with the secret in its environment)
# until SECONDS have passed; prints how many runs and how many failed
# (the first failure's output: $T_TMP/exec-fail.out).
exec_loop() {
	local end=$((SECONDS + $1)) n=0 bad=0 out rc
	shift
	rm -f "$T_TMP/exec-fail.out"
	while [ $SECONDS -lt $end ]; do
		# (output to a pipe: the exec'd process's stdio is the caller's,
		# as under runc, and a regular file there is the watcher's to
		# write, which the checks below would count)
		out=$(RT_HOST_SECRET=$secret "$@" </dev/null 2>&1)
		rc=$?
		if [ $rc != 0 ]; then
			bad=$((bad + 1))
			[ -e "$T_TMP/exec-fail.out" ] || echo "status $rc: $out" >"$T_TMP/exec-fail.out"
		fi
		n=$((n + 1))
	done
	echo "$n $bad"
}

B=$T_TMP/b
make_bundle "$B" /exec_watch "$WATCH_S" "$secret" "$T_ROOT"
cp "$prog" "$B/rootfs/exec_watch"

# ---- 1. the detector, on the host ---------------------------------------
N=$T_TMP/n
make_bundle "$N" /bin/sleep 1000
id=exec-join-$$
runsc run --bundle "$N" -d "$id" </dev/null >/dev/null 2>&1

# ---- 4. a joining process, caught in its attach ---------------------------
# (first: the native watcher of 1 scribbles over runsc's own files)
sentry=$(runsc state "$id" 2>/dev/null | jq -r .pid)
log=$T_TMP/caught.log
: >"$log"
kill -STOP "$sentry"
RT_HOST_SECRET=$secret "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	--log "$log" exec "$id" /bin/true </dev/null >/dev/null 2>&1 &
epid=$!
caught=
for _ in $(seq 100); do
	for p in $(pgrep -P "$epid"); do
		# (the joiner, in our pid namespace, may be gone by now)
		ns=$(readlink "/proc/$p/ns/pid" 2>/dev/null)
		[ -n "$ns" ] && [ "$ns" != "$(readlink /proc/self/ns/pid)" ] &&
			caught=$p
	done
	[ -n "$caught" ] && break
	sleep 0.05
done
# until it waits for the sentry's answer (asleep, its attach sent)
for _ in $(seq 100); do
	[ -n "$caught" ] && grep -q '^State:.*S' "/proc/$caught/status" 2>/dev/null &&
		[ "$(ls "/proc/$caught/fd" 2>/dev/null | wc -l)" -gt 2 ] && break
	sleep 0.05
done
if [ -z "$caught" ]; then
	t_fail "caught a joining process" "no child of runsc exec in the container's pid namespace"
else
	grep -qa "$secret" "/proc/$caught/environ" &&
		t_fail "joining process: no host environment" "the secret is in /proc/$caught/environ" ||
		t_ok "joining process: no host environment"
	grep -qa -e "$T_ROOT" -e "$log" "/proc/$caught/cmdline" &&
		t_fail "joining process: no host path in its command line" "$(tr '\0' ' ' <"/proc/$caught/cmdline")" ||
		t_ok "joining process: no host path in its command line"
	fds=$(for f in "/proc/$caught/fd/"*; do
		t=$(readlink "$f")
		case ${f##*/}:$t in
		[012]:*) ;;
		*:socket:*) echo socket ;;
		*) echo "${f##*/}=$t" ;;
		esac
	done | sort | tr '\n' ' ')
	t_expect "joining process: no fd but stdio and two sockets" "socket socket " \
		echo "$fds$(grep -h '^State:' "/proc/$caught/status" 2>/dev/null | tr -d '\t' | grep -v 'S')"
fi
kill -CONT "$sentry"
wait $epid
t_expect "the exec completes once the sentry runs again" 0 echo $?

# ---- 1, continued ----------------------------------------------------------
log=$T_TMP/native.log
: >"$log"
chmod 0640 "$log"
cp "$T_ROOT/$id/state.json" "$T_TMP/state.json.saved"
# the host files a runsc exec opens on its way (its libraries, the
# loader's cache, the zone file glibc may read): the control run leaves
# them alone
host_files() {
	stat -L -c '%n %a %s %Y' /etc/ld.so.cache /etc/localtime \
		$(ldd "$RUNSC_BIN" | awk '$3 ~ /^\// { print $3 }') 2>/dev/null
}
host_files >"$T_TMP/host-files.before"
# (only files of this test's: runsc exec also holds host files open for a
# moment, the dynamic loader's libraries, and those must stay untouched)
"$prog" $((LOOP_S + 2)) "$secret" "$T_ROOT" --only-marked="$T_TMP:$T_ROOT" \
	>"$T_TMP/native.out" 2>&1 &
wpid=$!
sleep 1
exec_loop "$LOOP_S" "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" --log "$log" exec "$id" /bin/true >/dev/null
wait $wpid
# (the watcher also wrote into the state.json runsc exec holds open: the
# attack on the host reaches everything; put it back to delete)
cp "$T_TMP/state.json.saved" "$T_ROOT/$id/state.json"
host_files >"$T_TMP/host-files.after"
t_check "detector: the host's libraries and zone file are left alone" \
	cmp "$T_TMP/host-files.before" "$T_TMP/host-files.after"
runsc delete --force "$id" >/dev/null 2>&1
if [ "$(val environ "$T_TMP/native.out")" -gt 0 ] 2>/dev/null &&
	[ "$(val cmdline "$T_TMP/native.out")" -gt 0 ] &&
	[ "$(val fd_write "$T_TMP/native.out")" -gt 0 ] &&
	grep -q 'exec_watch: written' "$log"; then
	t_ok "detector: on the host it reads the secret, the host path and writes the log"
else
	t_fail "detector: on the host it reads the secret, the host path and writes the log" \
		"$(tr '\n' ' ' <"$T_TMP/native.out"), log: $(wc -c <"$log") bytes"
fi

# ---- 2. the sandbox ------------------------------------------------------
# The watcher is the container's init (as root, with the default
# capabilities, Docker's and all of them: CAP_SYS_PTRACE, SYS_ADMIN...);
# the execs run "sleep 0.2", so that it has workload processes to see.
sandbox_watch() {
	local prof=$1 log=$T_TMP/host-$1.log id=exec-join-s-$1-$$ rpid n bad k
	: >"$log"
	chmod 0640 "$log"
	caps_profile "$B" "$prof"
	runsc run --bundle "$B" "$id" </dev/null >"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err" &
	rpid=$!
	# the loop starts once the watcher runs (not before: those execs
	# would fail for want of a container)
	for _ in $(seq 300); do
		[ "$(runsc state "$id" 2>/dev/null | jq -r .status)" = running ] && break
		sleep 0.1
	done
	sleep 0.5
	read -r n bad < <(exec_loop "$LOOP_S" "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" --log "$log" exec "$id" /bin/sleep 0.2)
	wait $rpid
	runsc delete --force "$id" >/dev/null 2>&1
	echo "# $CVISOR_PLATFORM, $prof: $n execs ($bad failed); watcher: $(tr '\n' ' ' <"$T_TMP/sandbox.out")"
	if ! grep -q '^done 0$' "$T_TMP/sandbox.out"; then
		t_fail "$prof: watcher ran in the sandbox" "$(tr '\n' ' ' <"$T_TMP/sandbox.out" "$T_TMP/sandbox.err" | tail -c 300)"
		return
	fi
	[ "$bad" = 0 ] || echo "# the first failure: $(head -c 300 "$T_TMP/exec-fail.out")"
	t_expect "$prof: no exec failed" 0 echo "$bad"
	for k in environ cmdline fd_write fd_chmod; do
		t_expect "$prof: sandbox: $k of a joining process: nothing" 0 val "$k" "$T_TMP/sandbox.out"
	done
	[ "$(val seen "$T_TMP/sandbox.out")" -gt 0 ] &&
		t_ok "$prof: sandbox: the watcher sees the exec'd workload processes" ||
		t_fail "$prof: sandbox: the watcher sees the exec'd workload processes" "seen 0"
	t_expect "$prof: sandbox: the --log file keeps its mode" 640 stat -c %a "$log"
	grep -q 'exec_watch' "$log" &&
		t_fail "$prof: sandbox: nothing written into the --log file" "$(grep exec_watch "$log" | head -2)" ||
		t_ok "$prof: sandbox: nothing written into the --log file"
}
for_each_caps sandbox_watch
caps_profile "$B" default

# ---- 3. runc, for comparison (once) ----------------------------------
if [ "$CVISOR_PLATFORM" != seccomp ]; then
	t_assert_clean "*-$$"
	exit 0
fi
if ! command -v runc >/dev/null; then
	t_skip "runc comparison" "no runc"
	t_assert_clean "*-$$"
	exit 0
fi
rroot=$T_TMP/runc-root
log=$T_TMP/runc.log
: >"$log"
chmod 0640 "$log"
id=exec-join-r-$$
jq --arg r "$rroot" '.process.args[3] = $r' "$B/config.json" >"$B/c.json" &&
	mv "$B/c.json" "$B/config.json"
runc --root "$rroot" run --bundle "$B" "$id" </dev/null >"$T_TMP/runc.out" 2>"$T_TMP/runc.err" &
rpid=$!
sleep 1
read -r n bad < <(exec_loop "$LOOP_S" runc --root "$rroot" --log "$log" \
	exec "$id" /bin/sleep 0.2)
wait $rpid
runc --root "$rroot" delete --force "$id" >/dev/null 2>&1
echo "# runc: $n execs ($bad failed); watcher: $(tr '\n' ' ' <"$T_TMP/runc.out")"
if grep -q '^done 0$' "$T_TMP/runc.out" && [ "$(val environ "$T_TMP/runc.out")" = 0 ] &&
	[ "$(val fd_write "$T_TMP/runc.out")" = 0 ] && ! grep -q exec_watch "$log"; then
	t_ok "runc: the same watcher finds nothing of the host either"
else
	t_skip "runc: the same watcher finds nothing of the host either" \
		"runc's result differs: $(tr '\n' ' ' <"$T_TMP/runc.out" "$T_TMP/runc.err" | tail -c 200)"
fi
t_assert_clean "*-$$"
