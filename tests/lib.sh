# Sourced by shell tests. Provides the line protocol tests/run counts and
# helpers to make bundles and run our runsc.
#
#   t_ok NAME | t_fail NAME WHY | t_skip NAME WHY
#   t_check NAME cmd...        ok if cmd succeeds
#   t_expect NAME WANT cmd...  ok if cmd's stdout equals WANT
#   runsc ARGS...              our runsc with a private --root and the
#                              platform under test
#   make_bundle DIR [args...]  a busybox bundle whose process runs args
#   caps_profile DIR PROFILE   process.capabilities := default|docker|all
#   for_each_caps FN [args...] FN PROFILE args... for each profile
#   t_assert_clean [ID-GLOB...] nothing of the test's containers is left
set -u
CVISOR_SRC=${CVISOR_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-build}
RUNSC_BIN=${RUNSC_BIN:-$CVISOR_SRC/$BUILD/bin/runsc}
CVISOR_PROGS=${CVISOR_PROGS:-$CVISOR_SRC/$BUILD/tests/progs}
CVISOR_PLATFORM=${CVISOR_PLATFORM:-seccomp}
T_FILE=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
T_ROOT=$(mktemp -d /tmp/cvisor-test-root.XXXXXX)
T_TMP=$(mktemp -d /tmp/cvisor-test-tmp.XXXXXX)

t_ok() { echo "ok $T_FILE: $1"; }
t_fail() { echo "not ok $T_FILE: $1: ${2:-}"; }
t_skip() { echo "skip $T_FILE: $1: ${2:-}"; }

t_check() {
	local name=$1
	shift
	if "$@" >"$T_TMP/out" 2>&1; then
		t_ok "$name"
	else
		t_fail "$name" "'$*' failed: $(tail -c 400 "$T_TMP/out" | tr '\n' ' ')"
	fi
}

t_expect() {
	local name=$1 want=$2 got
	shift 2
	got=$("$@" 2>"$T_TMP/err")
	if [ "$got" = "$want" ]; then
		t_ok "$name"
	else
		t_fail "$name" "want '$want', got '$got' ($(tail -c 300 "$T_TMP/err" | tr '\n' ' '))"
	fi
}

runsc() {
	"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" "$@"
}

# t_compare_native [KNOWN]: one verdict per case of a program run twice,
# on the host ($T_TMP/native.out, .err) and in the sandbox
# ($T_TMP/sandbox.out, .err): each prints "NAME RESULT..." lines and ends
# with "done 0"; the host kernel's result is the expectation. KNOWN, if
# given, is a function NAME HOST SANDBOX that succeeds for a documented
# difference (reported as skip). Returns 1 if the runs cannot be compared
# (the native run is incomplete or the sandbox printed nothing).
t_compare_native() {
	local known=${1:-} name want got
	if ! grep -q '^done 0$' "$T_TMP/native.out"; then
		t_fail native_run "$(tail -c 300 "$T_TMP/native.out" "$T_TMP/native.err" | tr '\n' ' ')"
		return 1
	fi
	if ! grep -q '^done 0$' "$T_TMP/sandbox.out"; then
		t_fail sandbox_run "incomplete output: $(tail -n 3 "$T_TMP/sandbox.out" |
			tr '\n' ' ') $(tail -c 300 "$T_TMP/sandbox.err" | tr '\n' ' ')"
		[ -s "$T_TMP/sandbox.out" ] || return 1
	fi
	while read -r name want; do
		got=$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ /, ""); print; exit }' \
			"$T_TMP/sandbox.out")
		if [ "$got" = "$want" ]; then
			t_ok "$name"
		elif [ -n "$known" ] && "$known" "$name" "$want" "$got"; then
			t_skip "$name" "known difference: host '$want', sandbox '$got'"
		else
			t_fail "$name" "host: '$want', sandbox: '${got:-(missing)}'"
		fi
	done <"$T_TMP/native.out"
}

# A minimal rootfs from Debian's busybox-static, cached per build.
busybox_rootfs() {
	local dir=$CVISOR_SRC/$BUILD/rootfs-busybox
	if [ ! -x "$dir/bin/busybox" ]; then
		"$CVISOR_SRC/scripts/mkrootfs-busybox.sh" "$dir" >/dev/null
	fi
	echo "$dir"
}

# make_bundle DIR [process args...]: DIR/config.json + DIR/rootfs (a copy).
make_bundle() {
	local dir=$1
	shift
	mkdir -p "$dir"
	cp -a "$(busybox_rootfs)" "$dir/rootfs"
	"$RUNSC_BIN" spec --bundle "$dir" >/dev/null
	if [ $# -gt 0 ]; then
		local args
		args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
		jq --argjson a "$args" '.process.args = $a | .process.terminal = false' \
			"$dir/config.json" >"$dir/config.json.new" &&
			mv "$dir/config.json.new" "$dir/config.json"
	fi
}

# USR_MOUNT: a config's mount of the host's /usr, read-only (the host's
# userland in a container: jq --argjson usr "$USR_MOUNT" '.mounts += [$usr]').
USR_MOUNT='{"destination":"/usr","type":"bind","source":"/usr","options":["rbind","ro"]}'

# host_usr_rootfs DIR [SUBDIR...]: a rootfs at DIR for the host's userland
# under USR_MOUNT: the merged-/usr links, the host's /etc/alternatives
# (awk is mawk through them: links into the bound /usr), root in passwd
# and group, the usual mount points and SUBDIRs.
host_usr_rootfs() {
	local r=$1 d
	shift
	mkdir -p "$r"/{usr,etc/alternatives,tmp,proc,dev,sys,root}
	for d in "$@"; do mkdir -p "$r/$d"; done
	for d in bin lib lib64 sbin; do ln -s "usr/$d" "$r/$d"; done
	cp -P /etc/alternatives/* "$r/etc/alternatives/" 2>/dev/null
	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$r/etc/passwd"
	printf 'root:x:0:\n' >"$r/etc/group"
}

# USERNS_JQ: a jq filter putting a config's container in a user namespace
# that maps container ids 0..65535 to host ids 100000..165535.
USERNS_JQ='.linux.namespaces += [{type: "user"}] |
    .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
    .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'

# bundle_userns DIR [JQ]: DIR's container in that user namespace (and the
# changes of the jq filter JQ), its rootfs the namespace root's and
# $T_TMP walkable by it.
bundle_userns() {
	local dir=$1 more=${2:-.}
	chmod 755 "$T_TMP"
	chown -R 100000:100000 "$dir/rootfs"
	jq "$USERNS_JQ | $more" "$dir/config.json" >"$dir/c.json" &&
		mv "$dir/c.json" "$dir/config.json"
}

# t_needs_runc NAME PROGNAME [COMMAND...]: sets PROG (tests/progs/PROGNAME)
# and RUNC for a test compared with runc; false, after reporting NAME, when
# it cannot run: PROG not built (a failure: "make all" builds it), or no
# root, runc (the reference) or one of the COMMANDs (a skip).
# PROGNAME "-" for a test of shell commands only.
# Use: t_needs_runc NAME PROGNAME || exit 0
t_needs_runc() {
	local name=$1 cmd
	PROG=$CVISOR_PROGS/$2
	RUNC=$(command -v runc)
	shift 2
	if [ "$PROG" != "$CVISOR_PROGS/-" ] && [ ! -x "$PROG" ]; then
		t_fail "$name" "no $PROG (make test-progs)"
		return 1
	fi
	for cmd in "$@"; do
		if ! command -v "$cmd" >/dev/null; then
			t_skip "$name" "needs $cmd"
			return 1
		fi
	done
	if [ -z "$RUNC" ] || [ "$(id -u)" != 0 ]; then
		t_skip "$name" "needs root and runc (the reference)"
		return 1
	fi
}

# t_run_runc_and_sandbox ID: runs the bundle $B under runc, the reference
# ($T_TMP/native.out and .err), then under cvisor ($T_TMP/sandbox.out and
# .err), for t_compare_native; ID names the containers.
t_run_runc_and_sandbox() {
	(cd "$B" && timeout 120 "$RUNC" --root "$T_TMP/runc-root" \
		run "$1-runc-$$" </dev/null >"$T_TMP/native.out" \
		2>"$T_TMP/native.err")
	"$RUNC" --root "$T_TMP/runc-root" delete --force "$1-runc-$$" \
		>/dev/null 2>&1
	(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "$1-$$" </dev/null \
		>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
}

# setid_needs NAME: t_needs_runc for the set-id tests (tests/progs/
# setid_exec; setcap plants the file capabilities).
setid_needs() {
	t_needs_runc "$1" setid_exec setcap
}

# setid_files DIR PROG: copies of PROG (tests/progs/setid_exec) in DIR with
# the set-id bits and file capabilities the set-id tests exec (setuid root,
# setgid 42, setuid 2000 and 5000, file capabilities, setuid root that only
# root may execute), "#!" scripts: naming the setuid copy through "/..",
# the same execute-only, one naming that script, a setuid one naming the
# plain copy, one naming the root-only setuid copy, one naming /tmp/swap
# (setid_exec's swap case points it at one copy or another), one whose
# interpreter's argument has blanks; a root-only file; and a directory
# uid 1000 owns holding a link of the setuid copy ("a") and a plain copy
# ("b"), whose names setid_exec's swapfd case exchanges.
setid_files() {
	local s=$1 prog=$2 f
	mkdir -p "$s"
	for f in plain suid_root sgid fcap suid_other suid_far; do
		cp "$prog" "$s/$f"
		chmod 755 "$s/$f"
	done
	chown 0:42 "$s/sgid"
	chmod 4755 "$s/suid_root"
	chown 2000:2000 "$s/suid_other"
	chmod 4755 "$s/suid_other"
	chown 5000:5000 "$s/suid_far"
	chmod 4755 "$s/suid_far"
	chmod 2755 "$s/sgid"
	setcap cap_kill,cap_net_bind_service+ep "$s/fcap"
	cp "$prog" "$s/suid_700"
	chmod 4700 "$s/suid_700"
	printf '#!/../s/suid_root report\n' >"$s/setid.sh"
	printf '#!/../s/suid_root report\n' >"$s/setid_x.sh"
	printf '#!/s/setid.sh\n' >"$s/nested.sh"
	printf '#!/s/plain report\n' >"$s/suid_script.sh"
	printf '#!/s/suid_700 report\n' >"$s/setid_700.sh"
	printf '#!/tmp/swap report\n' >"$s/swap.sh"
	printf '#! \t/../s/suid_root  one two\t \n' >"$s/args.sh"
	chmod 755 "$s/setid.sh" "$s/nested.sh" "$s/setid_700.sh" "$s/swap.sh" \
		"$s/args.sh"
	chmod 711 "$s/setid_x.sh"
	chmod 4755 "$s/suid_script.sh"
	echo secret >"$s/root600"
	chmod 600 "$s/root600"
	mkdir -p "$s/sw"
	ln "$s/suid_root" "$s/sw/a"
	cp "$prog" "$s/sw/b"
	chmod 755 "$s/sw/b"
	chown 1000:1000 "$s/sw"
}

# ---- capability profiles (issue 10: every attack with default, Docker's
# and all capabilities) ----
# default: what "runsc spec" writes (runc's default set);
# docker:  Docker's 14 (moby's oci/caps/defaults.go);
# all:     every capability in the host's bounding set (a CI runner may
#          lack one or two), as "--cap-add ALL" gives.
# docker and all set bounding, effective, permitted, inheritable and
# ambient alike: the strongest form, in which even a non-root process.user
# holds them.
CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID
	SETUID SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN
	NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE
	SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME
	SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
	MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
	PERFMON BPF CHECKPOINT_RESTORE)
DOCKER_CAPS='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER",
"CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP",
"CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL",
"CAP_AUDIT_WRITE"]'
CAPS_PROFILES=${CVISOR_CAPS_PROFILES:-default docker all}

# caps_all: the JSON list of every capability in our bounding set.
caps_all() {
	local bnd i
	bnd=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
	for i in "${!CAP_NAMES[@]}"; do
		[ $(((bnd >> i) & 1)) -eq 1 ] && echo "CAP_${CAP_NAMES[$i]}"
	done | jq -R . | jq -s -c .
}

# caps_json PROFILE: the process.capabilities object of PROFILE.
caps_json() {
	local c d
	case $1 in
	default)
		d=$(mktemp -d "$T_TMP/spec.XXXXXX")
		"$RUNSC_BIN" spec --bundle "$d" >/dev/null &&
			jq -c '.process.capabilities' "$d/config.json"
		rm -rf "$d"
		return
		;;
	docker) c=$DOCKER_CAPS ;;
	all) c=$(caps_all) ;;
	*)
		echo "caps_json: unknown profile '$1'" >&2
		return 1
		;;
	esac
	jq -c -n --argjson c "$c" '{bounding: $c, effective: $c, permitted: $c,
		inheritable: $c, ambient: $c}'
}

# caps_profile DIR PROFILE: DIR/config.json's process.capabilities := the
# profile's (what the test adds afterwards is its own).
caps_profile() {
	local dir=$1 caps
	caps=$(caps_json "$2") || return 1
	jq --argjson c "$caps" '.process.capabilities = $c' "$dir/config.json" \
		>"$dir/config.json.caps" && mv "$dir/config.json.caps" "$dir/config.json"
}

# for_each_caps FN [ARGS...]: FN PROFILE ARGS... for each profile of
# $CAPS_PROFILES (CVISOR_CAPS_PROFILES narrows it); FN names its results
# "PROFILE: ..." so that they stay distinct.
for_each_caps() {
	local fn=$1 prof
	shift
	for prof in $CAPS_PROFILES; do
		"$fn" "$prof" "$@"
	done
}

# t_gone_ms PID...: waits (up to 10 s) until none of the pids is a live
# process (zombies count as gone); prints the milliseconds it took, or
# "alive" and the survivors.
t_gone_ms() {
	local t0 left p
	t0=$(date +%s%N)
	while :; do
		left=
		for p in "$@"; do
			[ -e "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null &&
				left="$left $p"
		done
		[ -z "$left" ] && break
		[ $(($(date +%s%N) - t0)) -gt 10000000000 ] && break
		sleep 0.01
	done
	if [ -n "$left" ]; then
		echo "alive$left"
	else
		echo $((($(date +%s%N) - t0) / 1000000))
	fi
}

# ---- nothing left behind ----
# t_leftovers [ID-GLOB...]: one line per thing of this test's containers
# that exists now: a process whose command line names the test's --root or
# temporary directory, whose cwd is in them or whose cgroup is named for one
# of the ids; a mount of a path under them (in our and pid 1's mount
# namespace); a cgroup directory named for an id (v1 and unified); an
# entry in the --root dir.
t_leftovers() {
	local p cmd cwd g d pat
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
		# zombies are gone but for their parent's wait
		grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		cwd=$(readlink "/proc/$p/cwd" 2>/dev/null)
		case "$cmd" in
		*"$T_ROOT"* | *"$T_TMP"*)
			echo "process $p: $cmd"
			continue
			;;
		esac
		case "$cwd/" in
		"$T_ROOT"/* | "$T_TMP"/*)
			echo "process $p (cwd $cwd): $cmd"
			continue
			;;
		esac
		for pat in "$@"; do
			while IFS=: read -r _ _ g; do
				# shellcheck disable=SC2254
				case "${g##*/}" in
				$pat) echo "process $p (cgroup $g): $cmd" ;;
				esac
			done 2>/dev/null <"/proc/$p/cgroup" | head -1
		done
	done
	grep -F -e "$T_ROOT" -e "$T_TMP" /proc/self/mountinfo 2>/dev/null |
		sed 's/^/mount: /'
	grep -F -e "$T_ROOT" -e "$T_TMP" /proc/1/mountinfo 2>/dev/null |
		sed "s/^/mount in pid 1's namespace: /"
	for pat in "$@"; do
		find /sys/fs/cgroup -maxdepth 5 -type d -name "$pat" 2>/dev/null |
			sed 's/^/cgroup: /'
	done
	for d in "$T_ROOT"/*; do
		[ -e "$d" ] && echo "state: $d"
	done
	return 0
}

# t_clean_begin: what t_leftovers already sees before the test's
# containers (other runs' leftovers are not this test's).
t_clean_begin() {
	(cd / && t_leftovers "$@") | sort >"$T_TMP/.clean_before"
}

# t_assert_clean [ID-GLOB...]: after the test's containers are gone
# (waiting up to 10 s for their processes), nothing of them is left that
# was not there at t_clean_begin; ok or not ok "nothing left behind".
t_assert_clean() {
	local i left before=
	# (no command of ours may name $T_TMP while t_leftovers looks)
	[ -f "$T_TMP/.clean_before" ] && before=$(cat "$T_TMP/.clean_before")
	for i in $(seq 100); do
		left=$(cd / && t_leftovers "$@" | sort | comm -23 - <(echo "$before"))
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -z "$left" ]; then
		t_ok "nothing left behind"
	else
		t_fail "nothing left behind" "$(echo "$left" | head -5 | tr '\n' ';' | tail -c 600)"
	fi
}

t_cleanup() {
	local id
	if [ -d "$T_ROOT" ]; then
		for id in $(ls "$T_ROOT" 2>/dev/null); do
			"$RUNSC_BIN" --root "$T_ROOT" delete --force "$id" >/dev/null 2>&1
		done
	fi
	rm -rf "$T_ROOT" "$T_TMP"
}
trap t_cleanup EXIT

# t_threads_confined WHO PID CAPS_EXTRA_FN: every thread of PID (the
# sentry's workers, the gofer's channel threads: docs/architecture.md,
# "Threads of the sentry") runs under the main thread's filter, no_new_privs,
# permitted, bounding, inheritable and ambient sets, root and mount
# namespace, and CAPS_EXTRA_FN ID CapEff (the test's own check of the
# effective set against what WHO may keep) passes for each. Checked
# against this shell first, which differs, so the check can fail.
t_thread_diff() { # A B: what differs between /proc/A and /proc/B
	local f out=
	for f in Seccomp NoNewPrivs CapPrm CapBnd CapInh CapAmb; do
		[ "$(awk -v f="$f:" '$1 == f { print $2 }' "/proc/$1/status")" = \
			"$(awk -v f="$f:" '$1 == f { print $2 }' "/proc/$2/status")" ] ||
			out="$out $f"
	done
	[ "$(stat -L -c %d:%i "/proc/$1/root/")" = "$(stat -L -c %d:%i "/proc/$2/root/")" ] ||
		out="$out root"
	[ "$(readlink "/proc/$1/ns/mnt")" = "$(readlink "/proc/$2/ns/mnt")" ] || out="$out mnt"
	echo "${out# }"
}
t_threads_confined() {
	local who=$1 pid=$2 extra=$3 t tid n=0 bad= d
	[ -n "$(t_thread_diff $$ "$pid")" ] && t_ok "$who: thread checker flags this shell" ||
		t_fail "$who: thread checker flags this shell" "no difference found"
	for t in /proc/"$pid"/task/*; do
		tid=${t##*/}
		n=$((n + 1))
		d=$(t_thread_diff "$pid/task/$tid" "$pid")
		[ -z "$d" ] || bad="$bad $tid:$d"
		[ "$("$extra" "$pid/task/$tid" CapEff)" = 0x0 ] || bad="$bad $tid:CapEff"
	done
	[ -z "$bad" ] && t_ok "$who: all $n threads confined as the main one" ||
		t_fail "$who: all $n threads confined as the main one" "$bad"
	# Workers asked for (CVISOR_SENTRY_WORKERS=N, N > 1, or cpus: one
	# per CPU, none on one; unset: none): threads to check on seccomp
	# (the sentry's workers and the gofer's channels); on ptrace, none.
	local want=${CVISOR_SENTRY_WORKERS:-0}
	[ "$want" = cpus ] && want=$(nproc)
	if [ "$CVISOR_PLATFORM" = ptrace ]; then
		[ "$n" = 1 ] && t_ok "$who: no worker threads on ptrace" ||
			t_fail "$who: no worker threads on ptrace" "$n thread(s)"
	elif [ "$want" -gt 1 ] 2>/dev/null; then
		[ "$n" -gt 1 ] && t_ok "$who: has worker threads" ||
			t_fail "$who: has worker threads" "$n thread(s)"
	fi
}
