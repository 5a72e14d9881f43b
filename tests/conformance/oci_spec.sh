#!/bin/bash
# The OCI runtime spec's observable behaviour, compared with runc: one
# bundle config is run under runc (its own --root) and under cvisor, and
# what a program inside sees (tests/progs/oci_spec.c) must be the same:
# mounts in mountinfo with their options and propagation, NoNewPrivs,
# hostname, signals from "kill", namespaces, masked and read-only paths,
# sysctls, rlimits, capabilities, getcwd under a seccomp profile.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

RUNC=${RUNC:-$(command -v runc || echo /usr/sbin/runc)}
if [ ! -x "$RUNC" ]; then
	t_skip all "no runc to compare with"
	exit 0
fi
chmod 755 "$T_TMP"	# the user namespace case's root must reach its rootfs
RUNC_ROOT=$T_TMP/runc-root
PROG=$CVISOR_PROGS/oci_spec
B=$T_TMP/b
make_bundle "$B" /oci_spec info
cp "$PROG" "$B/rootfs/oci_spec"
BASE=$T_TMP/base.json
cp "$B/config.json" "$BASE"
n=0

runc_cleanup() {
	local id
	for id in $("$RUNC" --root "$RUNC_ROOT" list -q 2>/dev/null); do
		"$RUNC" --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1
	done
}
trap 'runc_cleanup; t_cleanup' EXIT

# config JQ: the bundle's config is the base one edited by JQ.
config() {
	jq "$1" "$BASE" >"$B/config.json" || exit 1
}

# The namespace links as "runtime's" (the test's own), "joined" (those of
# process $JOINED) or "new".
norm_ns() {
	local line ns val out=()
	while IFS= read -r line; do
		case $line in
		ns_*)
			ns=${line%% *}
			ns=${ns#ns_}
			val=${line#* }
			if [ "$val" = "$(readlink "/proc/$$/ns/$ns")" ]; then
				val="runtime's"
			elif [ "$val" = "$(readlink "/proc/${JOINED:-$$}/ns/$ns")" ]; then
				val=joined
			elif [[ $val == *:\[* ]]; then
				val=new
			fi
			line="ns_$ns $val"
			;;
		esac
		out+=("$line")
	done <"$1"
	printf '%s\n' "${out[@]}" >"$1"
}

# both ARGS...: the program's output under cvisor (sandbox.out) and runc
# (native.out) with the current config; cvisor first, as runc mounts and
# pivots in a joined mount namespace. WRAP: a command both run under.
both() {
	local args
	n=$((n + 1))
	args=$(printf '%s\n' /oci_spec "$@" | jq -R . | jq -s -c .)
	jq --argjson a "$args" '.process.args = $a' "$B/config.json" >"$B/c.json" &&
		mv "$B/c.json" "$B/config.json"
	timeout 60 ${WRAP:-} "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run -b "$B" "cv$$-$n" </dev/null >"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err"
	timeout 60 ${WRAP:-} "$RUNC" --root "$RUNC_ROOT" run -b "$B" "runc$$-$n" \
		</dev/null >"$T_TMP/native.out" 2>"$T_TMP/native.err"
	norm_ns "$T_TMP/native.out"
	norm_ns "$T_TMP/sandbox.out"
	# /sys/fs/cgroup is a cgroup2 view whatever the host has (a v1 host
	# gives runc a tmpfs with one mount per controller below it)
	sed -i -E 's| /sys/fs/cgroup/[^ ]*||g' "$T_TMP/native.out" "$T_TMP/sandbox.out"
}

# Documented differences (docs/oci-features.md): /sys/fs/cgroup; the
# read-only /proc directories the sentry does not synthesise are shown
# empty (their content is the host's).
known() {
	case $1/$2/$3 in
	mount:/sys/fs/cgroup*) return 0 ;;
	readdir:/proc/bus/entries/empty | readdir:/proc/fs/entries/empty | \
	readdir:/proc/irq/entries/empty) return 0 ;;
	esac
	return 1
}

# cmp_runc: the verdicts, runc's lines as the expectation.
cmp_runc() {
	t_compare_native "${1:-known}"
}

# A joined mount namespace is entered by the gofer, which builds the root
# in a private copy of it: the process's own namespace is that copy
# (docs/oci-features.md).
known_joined() {
	[ "$1/$2/$3" = "ns_mnt/joined/new" ] || known "$@"
}

# A typical config, as "runsc spec" writes it (runc's defaults).
config '.'
both info
cmp_runc
both mounts
cmp_runc
both path $(jq -r '.linux.maskedPaths[], .linux.readonlyPaths[]' "$BASE")
cmp_runc

# The process block of a typical test: no NoNewPrivs, rlimit soft values
# below hard ones, the five capability sets, an empty hostname.
config '.process.noNewPrivileges = false | .hostname = "" |
	.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":512,"hard":1024},
			    {"type":"RLIMIT_NPROC","soft":100,"hard":200},
			    {"type":"RLIMIT_CORE","soft":0,"hard":4096}] |
	.process.capabilities = {
	  "bounding": ["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SETUID","CAP_SETGID","CAP_AUDIT_WRITE"],
	  "effective": ["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"],
	  "inheritable": ["CAP_CHOWN","CAP_KILL"],
	  "permitted": ["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"],
	  "ambient": ["CAP_KILL"]}'
both info
cmp_runc
config '.hostname = "box-1"'
both info
cmp_runc
# The five sets with every capability this host's bounding set has, as
# root and as another user, without NoNewPrivs.
if command -v capsh >/dev/null; then
	allcaps=$(capsh --decode="$(awk '/^CapBnd:/ {print $2}' /proc/self/status)" |
		sed 's/.*=//' | tr , '\n' | tr a-z A-Z | jq -R . | jq -s -c .)
	for user in '{"uid":0,"gid":0}' '{"uid":1000,"gid":1000,"additionalGids":[5]}'; do
		config ".process.noNewPrivileges = false | .process.user = $user |
			.process.capabilities = {\"bounding\":$allcaps,\"effective\":$allcaps,
			\"inheritable\":$allcaps,\"permitted\":$allcaps,\"ambient\":$allcaps}"
		both info
		cmp_runc
	done
else
	t_skip "all capabilities" "no capsh to list the host's"
fi

# No rlimits in the config, started with a soft RLIMIT_NOFILE below the
# hard one.
config 'del(.process.rlimits)'
WRAP="prlimit --nofile=1024:4096" both info
cmp_runc

# Bind mounts with each propagation, a private rootfs propagation.
mkdir -p "$T_TMP/src"
echo x >"$T_TMP/src/f"
mounts='[]'
for p in shared rshared slave rslave private rprivate unbindable runbindable; do
	mkdir -p "$B/rootfs/mnt/$p"
	mounts=$(jq -c --arg p "$p" --arg s "$T_TMP/src" \
		'. + [{"destination":("/mnt/" + $p),"type":"bind","source":$s,"options":["rbind",$p]}]' <<<"$mounts")
done
for rp in private rprivate slave rslave shared rshared; do
	config ".linux.rootfsPropagation = \"$rp\" | .mounts += $mounts"
	both mounts
	cmp_runc
done

# sysctls readable where they are set.
config '.linux.sysctl = {"net.ipv4.ip_forward":"1","kernel.shm_rmid_forced":"1","net.ipv4.ping_group_range":"0 2147483647"}'
both cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced /proc/sys/net/ipv4/ping_group_range
cmp_runc
both path /proc/sys/net/ipv4 /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax /proc/sys/fs/mqueue
cmp_runc

# Masked files, directories and device nodes; read-only paths of the
# rootfs and of /proc.
mkdir -p "$B/rootfs/mdir" "$B/rootfs/rodir"
echo secret >"$B/rootfs/mfile"
echo x >"$B/rootfs/mdir/f"
echo x >"$B/rootfs/rodir/f"
echo x >"$B/rootfs/rofile"
config '.root.readonly = false |
	.linux.maskedPaths += ["/mfile", "/mdir", "/dev/zero", "/proc/cpuinfo", "/no/such"] |
	.linux.readonlyPaths += ["/rodir", "/rofile", "/proc/sys/kernel", "/no/such/ro"]'
both path /mfile /mdir /dev/zero /proc/cpuinfo /rodir /rofile /proc/sys/kernel/hostname /proc/sysrq-trigger /proc/kcore /proc/sys
cmp_runc
both mounts
cmp_runc

# New user, pid and cgroup namespaces show as such.
config '.linux.namespaces += [{"type":"user"}] |
	.linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] |
	.linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
chown -R 100000:100000 "$B/rootfs"
both info
cmp_runc
chown -R 0:0 "$B/rootfs"

# Joining a mount and a pid namespace by path: root.path and the mounts'
# sources resolve in the joined mount namespace (a tmpfs mounted only
# there is what the container sees), the process is in the joined pid
# namespace. runc mounts and pivots in the joined namespace itself, so
# each case gets a fresh one, and cvisor runs first.
mkdir -p "$T_TMP/joined" "$B/rootfs/mnt/joined"
joined_case() {	# joined_case KNOWN ARGS...
	local known=$1 holder i
	shift
	unshare --mount --propagation private --pid --fork sh -c \
		"mount -t tmpfs none '$T_TMP/joined' && echo in-joined >'$T_TMP/joined/marker' && exec sleep 300" &
	holder=$!
	JOINED=
	for i in $(seq 50); do
		JOINED=$(pgrep -P "$holder" -x sleep) && break
		sleep 0.1
	done
	if [ -z "$JOINED" ]; then
		t_fail "joined namespaces" "no process to join"
		return
	fi
	config ".linux.namespaces = [.linux.namespaces[] | select(.type != \"mount\" and .type != \"pid\")] +
		[{\"type\":\"mount\",\"path\":\"/proc/$JOINED/ns/mnt\"},
		 {\"type\":\"pid\",\"path\":\"/proc/$JOINED/ns/pid\"}] |
		.mounts += [{\"destination\":\"/mnt/joined\",\"type\":\"bind\",
			     \"source\":\"$T_TMP/joined\",\"options\":[\"rbind\"]}]"
	both "$@"
	cmp_runc "$known"
	# the namespace's init (unshare --fork ignores SIGTERM, an init
	# whose parent namespace sends it only takes SIGKILL)
	kill -KILL "$JOINED" 2>/dev/null
	wait "$holder" 2>/dev/null
	JOINED=
}
joined_case known cat /mnt/joined/marker
joined_case known_joined info

# The host's own mount namespace is refused, naming the field, and
# nothing is left behind.
config '.linux.namespaces = [.linux.namespaces[] | select(.type != "mount")] +
	[{"type":"mount","path":"/proc/'$$'/ns/mnt"}]'
out=$("$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run -b "$B" "cvhost$$" </dev/null 2>&1)
case $out in
*"linux.namespaces["[0-9]"].path: /proc/$$/ns/mnt: the host's mount namespace cannot be the container's"*)
	if "$RUNSC_BIN" --root "$T_ROOT" state "cvhost$$" >/dev/null 2>&1; then
		t_fail "host mount namespace refused" "state left behind"
	else
		t_ok "host mount namespace refused"
	fi ;;
*) t_fail "host mount namespace refused" "$out" ;;
esac

# Under a config seccomp profile that allows little more than what the
# program calls: getcwd, and the calls the sentry makes for it (opening
# /proc files), work as under runc.
calls='["read","write","close","fstat","newfstatat","mmap","munmap","mprotect","brk",
 "rt_sigaction","rt_sigprocmask","rt_sigreturn","ioctl","execve","exit","exit_group","uname",
 "fcntl","getcwd","readlink","readlinkat","capget","prctl","arch_prctl","prlimit64","futex",
 "set_tid_address","set_robust_list","rseq","getrandom","openat","getdents64",
 "fstatfs","statfs","close_range"]'
config ".process.cwd = \"/mnt\" | .linux.seccomp = {\"defaultAction\":\"SCMP_ACT_ERRNO\",
	\"architectures\":[\"SCMP_ARCH_X86_64\"],
	\"syscalls\":[{\"names\":$calls,\"action\":\"SCMP_ACT_ALLOW\"}]}"
both info
cmp_runc
both cat /proc/self/limits /proc/sys/kernel/ostype
cmp_runc

# "kill ID SIG" delivers exactly SIG to the container's process.
config '.process.args = ["/oci_spec", "trap"]'
# trap_under RUNTIME-COMMAND ID SIG: what the trapping process reports.
trap_under() {
	local id=$2 sig=$3 out=$T_TMP/trap.out i
	$1 run -d -b "$B" "$id" </dev/null >"$out" 2>"$T_TMP/trap.err"
	for i in $(seq 100); do grep -q ready "$out" && break; sleep 0.05; done
	$1 kill "$id" "$sig" 2>>"$T_TMP/trap.err"
	for i in $(seq 100); do grep -q caught "$out" && break; sleep 0.05; done
	$1 delete --force "$id" >/dev/null 2>&1
	grep caught "$out" || echo "nothing caught: $(tail -c 200 "$T_TMP/trap.err")"
}
for sig in HUP INT QUIT USR1 USR2 TERM WINCH 10 34; do
	n=$((n + 1))
	want=$(trap_under "$RUNC --root $RUNC_ROOT" "runc$$-$n" "$sig")
	got=$(trap_under "$RUNSC_BIN --root $T_ROOT --platform $CVISOR_PLATFORM" "cv$$-$n" "$sig")
	if [ "$want" = "$got" ] && [ "${want#caught}" != "$want" ]; then
		t_ok "kill $sig"
	else
		t_fail "kill $sig" "runc: '$want', cvisor: '$got'"
	fi
done
