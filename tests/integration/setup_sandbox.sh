#!/bin/bash
# Sandbox start-up driven through the CLI (runsc/sandbox.c): the process
# tree, the gofer's root (rootfs + bind + tmpfs, no /proc), the workload's
# read-only view, hostname, credentials and capabilities from the config,
# the control socket, set-up errors that name the field, and nothing left
# after delete --force.
# cvisor-test: per-platform
. "$(dirname "$0")/../lib.sh"

# A dead process may linger as a zombie when nobody reaps it (no
# subreaper in some test environments): that counts as gone.
gone() {
	local st
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

t_err() { # name, regex, file: ok if file matches, else show the file
	if grep -q -- "$2" "$3"; then
		t_ok "$1"
	else
		t_fail "$1" "$(tail -c 300 "$3" | tr '\n' ' ')"
	fi
}

children() { # pid -> its children, one per line
	cat "/proc/$1/task/$1/children" 2>/dev/null | tr ' ' '\n' | grep .
}

B=$T_TMP/bundle
make_bundle "$B" /bin/sleep 60
mkdir -p "$T_TMP/hostdir"
echo marker >"$T_TMP/hostdir/f"
jq --arg src "$T_TMP/hostdir" '
	.hostname = "cvsetup" |
	.process.user = {uid: 1000, gid: 1000, additionalGids: [5]} |
	.process.capabilities = {
		bounding: ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
		effective: ["CAP_NET_BIND_SERVICE"],
		permitted: ["CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
		inheritable: [], ambient: []} |
	.mounts += [
		{destination: "/data", type: "bind", source: $src,
		 options: ["rbind", "ro"]},
		{destination: "/scratch", type: "tmpfs", source: "tmpfs",
		 options: ["size=1m", "mode=700"]}]
' "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

if ! runsc create --bundle "$B" s1 </dev/null >"$T_TMP/create.out" 2>"$T_TMP/create.err"; then
	t_fail create "$(tail -c 400 "$T_TMP/create.err")"
	exit 0
fi
t_ok create

S=$(runsc state s1 | jq -r .pid)
G= I=
for c in $(children "$S"); do
	if [ "$(awk '/^TracerPid:/ {print $2}' "/proc/$c/status")" = "$S" ]; then
		I=$c
	else
		G=$c
	fi
done
if [ -n "$G" ] && [ -n "$I" ] && [ "$(children "$S" | wc -l)" = 2 ]; then
	t_ok "process tree: sandbox -> gofer, init (traced)"
else
	t_fail "process tree: sandbox -> gofer, init (traced)" \
		"children of $S: $(children "$S" | tr '\n' ' ')"
fi

t_expect "gofer root is the rootfs" "/bin/busybox" \
	bash -c "ls /proc/$G/root/bin/busybox | sed 's|^/proc/$G/root||'"
t_expect "gofer sees the bind mount" "marker" cat "/proc/$G/root/data/f"
t_expect "gofer sees the tmpfs" "tmpfs" stat -f -c %T "/proc/$G/root/scratch"
t_check "gofer has a /dev with null" test -c "/proc/$G/root/dev/null"
t_check "gofer has no /proc" test ! -e "/proc/$G/root/proc/self"
t_check "gofer has PDEATHSIG-guarded parent" test "$(awk '/^PPid:/ {print $2}' "/proc/$G/status")" = "$S"

if touch "/proc/$I/root/tmp/cvisor-x" 2>"$T_TMP/touch.err"; then
	t_fail "workload view is read-only" "touch succeeded"
else
	t_expect "workload view is read-only" "1" grep -c "Read-only file system" "$T_TMP/touch.err"
fi
t_expect "workload view is nosuid,nodev" "0" bash -c \
	"grep -v 'nosuid,nodev' /proc/$I/mountinfo | grep -vc '^$'"
t_expect "workload view has no proc or sysfs" "0" bash -c \
	"grep -cE ' - (proc|sysfs|cgroup2?|mqueue) ' /proc/$I/mountinfo"
t_expect "hostname" "cvsetup" nsenter -t "$I" -u hostname
t_expect "uid" "1000 1000 1000 1000" bash -c "awk '/^Uid:/ {print \$2, \$3, \$4, \$5}' /proc/$I/status"
t_expect "gid" "1000 1000 1000 1000" bash -c "awk '/^Gid:/ {print \$2, \$3, \$4, \$5}' /proc/$I/status"
t_expect "additional gids" "5" bash -c "awk '/^Groups:/ {print \$2}' /proc/$I/status"
t_expect "effective caps" "0000000000000400" bash -c "awk '/^CapEff:/ {print \$2}' /proc/$I/status"
t_expect "bounding caps" "0000000000000401" bash -c "awk '/^CapBnd:/ {print \$2}' /proc/$I/status"
t_expect "no_new_privs" "1" bash -c "awk '/^NoNewPrivs:/ {print \$2}' /proc/$I/status"
# pid 1 of its own namespace: the last NSpid field (the one before is its
# pid in the sandbox's pid namespace, when the sandbox has one).
t_expect "own pid namespace" "1" bash -c "awk '/^NSpid:/ {print \$NF}' /proc/$I/status"
t_expect "control socket is 0600" "600" stat -c %a "$T_ROOT/s1/sentry.sock"

# The pod's namespaces: the sandbox process (the pid clients are given)
# is in the init's net, ipc and uts namespaces, which are not the host's.
for ns in net ipc uts; do
	t_expect "sandbox process in the init's $ns namespace" \
		"$(readlink "/proc/$I/ns/$ns")" readlink "/proc/$S/ns/$ns"
	if [ "$(readlink "/proc/$S/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ]; then
		t_ok "sandbox's $ns namespace is not the host's"
	else
		t_fail "sandbox's $ns namespace is not the host's" "$(readlink "/proc/$S/ns/$ns")"
	fi
done
t_expect "loopback up in the sandbox's net namespace" "1" bash -c \
	"nsenter -t $S -n ip -o link show lo | grep -c ',UP'"

# runsc exec: joins the init's namespaces and view, takes its own process.
t_expect "exec output" "exec-hello" runsc exec s1 /bin/echo exec-hello
t_expect "exec joins the uts namespace" "cvsetup" runsc exec s1 /bin/hostname
t_expect "exec --user" "uid=1234 gid=1234" bash -c \
	"'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' exec --user 1234:1234 s1 /usr/bin/id | cut -d\" \" -f1,2"
t_expect "exec sees the read-only view" "1" bash -c \
	"'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' exec s1 /bin/touch /tmp/x 2>&1 | grep -c 'Read-only'"
runsc exec s1 no-such-command-cvisor >/dev/null 2>"$T_TMP/x.err"
t_err "exec names a missing executable" "no-such-command-cvisor: executable file not found" "$T_TMP/x.err"

runsc delete --force s1 >/dev/null 2>&1
for _ in $(seq 20); do
	gone "$S" && gone "$G" && gone "$I" && break
	sleep 0.1
done
if gone "$S" && gone "$G" && gone "$I"; then
	t_ok "delete --force leaves no process"
else
	t_fail "delete --force leaves no process" "left: $(for p in $S $G $I; do grep -E "^(Name|State|PPid)" /proc/$p/status | tr "\n" " "; done)"
fi
t_check "no mount of the bundle left" bash -c "! grep -q '$B' /proc/self/mountinfo"

# The workload's output arrives on runsc's stdout.
B2=$T_TMP/bundle2
make_bundle "$B2" /bin/echo hello from the sandbox
t_expect "workload stdout" "hello from the sandbox" runsc run --bundle "$B2" s2

# Set-up errors name the field; nothing is left behind.
B3=$T_TMP/bundle3
make_bundle "$B3" /bin/true
jq '.mounts += [{destination: "/x", type: "bind", source: "/nonexistent-cvisor", options: ["rbind"]}]' \
	"$B3/config.json" >"$B3/c.json" && mv "$B3/c.json" "$B3/config.json"
n=$(jq '.mounts | length - 1' "$B3/config.json")
runsc create --bundle "$B3" s3 </dev/null >"$T_TMP/e.out" 2>"$T_TMP/e.err"
t_err "missing bind source is named" "mounts\[$n\].source: /nonexistent-cvisor: No such file or directory" "$T_TMP/e.err"
t_check "failed create leaves no state" test ! -e "$T_ROOT/s3/sentry.sock"
left=
for p in $(pgrep -f "[c]reate --bundle $B3"); do
	gone "$p" || left="$left $p"
done
if [ -z "$left" ]; then
	t_ok "failed create leaves no process"
else
	t_fail "failed create leaves no process" "left:$left"
fi

jq '.process.args = ["no-such-command-cvisor"]' "$B3/config.json" >"$B3/c.json" &&
	jq 'del(.mounts[-1])' "$B3/c.json" >"$B3/config.json"
runsc create --bundle "$B3" s4 </dev/null >"$T_TMP/e.out" 2>"$T_TMP/e.err"
t_err "missing executable is named" "no-such-command-cvisor: executable file not found in \$PATH" "$T_TMP/e.err"

jq '.process.rlimits = [{type: "RLIMIT_NOFILE", hard: 4294967296, soft: 1024}]' \
	"$B3/config.json" >"$B3/c.json" && mv "$B3/c.json" "$B3/config.json"
jq '.process.args = ["/bin/true"]' "$B3/config.json" >"$B3/c.json" && mv "$B3/c.json" "$B3/config.json"
if capsh --has-p=cap_sys_resource 2>/dev/null; then
	t_skip "rlimit above the hard limit is named" "this host has CAP_SYS_RESOURCE"
else
	runsc create --bundle "$B3" s5 </dev/null >"$T_TMP/e.out" 2>"$T_TMP/e.err"
	if grep -q "process.rlimits\[0\] (RLIMIT_NOFILE)" "$T_TMP/e.err"; then
		t_ok "rlimit above the hard limit is named"
	else
		t_fail "rlimit above the hard limit is named" "$(tail -c 300 "$T_TMP/e.err")"
	fi
fi

# A user namespace: the parent writes the maps; the init is its root.
B6=$T_TMP/bundle6
make_bundle "$B6" /bin/sleep 60
jq '.linux.namespaces += [{type: "user"}] |
	.linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}] |
	.process.oomScoreAdj = 500 |
	.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "999"}' \
	"$B6/config.json" >"$B6/c.json" && mv "$B6/c.json" "$B6/config.json"
if runsc create --bundle "$B6" s6 </dev/null >/dev/null 2>"$T_TMP/s6.err"; then
	S6=$(runsc state s6 | jq -r .pid)
	I6=
	for c in $(children "$S6"); do
		[ "$(awk '/^TracerPid:/ {print $2}' "/proc/$c/status")" = "$S6" ] && I6=$c
	done
	t_expect "user namespace maps" "0 200000 65536" \
		bash -c "awk '{print \$1, \$2, \$3}' /proc/$I6/uid_map"
	t_expect "user namespace root" "200000" \
		bash -c "awk '/^Uid:/ {print \$2}' /proc/$I6/status"
	t_expect "oom_score_adj" "500" cat "/proc/$I6/oom_score_adj"
	t_expect "sysctl in the net namespace" "1" \
		nsenter -t "$I6" -n cat /proc/sys/net/ipv4/ip_forward
	t_expect "sysctl in the ipc namespace" "999" \
		nsenter -t "$I6" -i cat /proc/sys/kernel/shmmni
	t_expect "loopback up in the new net namespace" "1" bash -c \
		"nsenter -t $I6 -n cat /sys/class/net/lo/flags >/dev/null; nsenter -t $I6 -n ip -o link show lo | grep -c ',UP'"
	for ns in net ipc uts; do
		t_expect "user namespace: sandbox process in the init's $ns namespace" \
			"$(readlink "/proc/$I6/ns/$ns")" readlink "/proc/$S6/ns/$ns"
	done
	# Owned by the container's user namespace: its root could set
	# the hostname and sysctls above. As root, the sandbox process is
	# in the sandbox's own user namespace (docs/security.md), the
	# container's nested in it: its parent (NS_GET_PARENT).
	parent_ns() {
		/usr/bin/python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
p = fcntl.ioctl(fd, 0xb702)
print("user:[%d]" % os.fstat(p).st_ino)' "$1"
	}
	t_expect "user namespace: nested in the sandbox's user namespace" \
		"$(readlink "/proc/$S6/ns/user")" parent_ns "/proc/$I6/ns/user"
	t_check "user namespace: the sandbox's is not the host's" \
		test "$(readlink "/proc/$S6/ns/user")" != "$(readlink /proc/self/ns/user)"
	t_expect "exec joins the user namespace" "uid=0(root) gid=0(root)" \
		bash -c "'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' exec s6 /usr/bin/id | cut -d' ' -f1,2"
	runsc exec -d --pid-file "$T_TMP/x6.pid" s6 /bin/sleep 30 </dev/null >/dev/null 2>&1
	t_expect "exec'd process is mapped root on the host side" "200000" \
		bash -c "awk '/^Uid:/ {print \$2}' /proc/\$(cat $T_TMP/x6.pid)/status"
	runsc delete --force s6 >/dev/null 2>&1
else
	t_fail "user namespace" "$(tail -c 300 "$T_TMP/s6.err")"
fi

# process.terminal: the master of a pty from the container's own devpts
# instance arrives on --console-socket (SCM_RIGHTS), for the init and for
# runsc exec -t.
cat >"$T_TMP/console.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
s.settimeout(20)
c, _ = s.accept()
msg, fds, _, _ = socket.recv_fds(c, 1024, 4)
print("name", msg.decode().startswith("/dev/pts/"))
out = b""
while True:
    try:
        d = os.read(fds[0], 4096)
    except OSError:
        break
    if not d:
        break
    out += d
print("output", out.decode(errors="replace").strip())
PY

console_listen() { # socket path; runs the receiver in the background
	rm -f "$1"
	python3 "$T_TMP/console.py" "$1" >"$1.out" 2>&1 &
	py=$!
	for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}

if command -v python3 >/dev/null; then
	B7=$T_TMP/bundle7
	make_bundle "$B7" /bin/sleep 60
	# Devices allowed in the cgroup: the pty is what is under test here.
	jq '.process.terminal = true |
		.linux.resources.devices = [{allow: true, access: "rwm"}]' \
		"$B7/config.json" >"$B7/c.json" && mv "$B7/c.json" "$B7/config.json"
	console_listen "$T_TMP/c1.sock"
	if runsc create --console-socket "$T_TMP/c1.sock" --bundle "$B7" s7 \
		</dev/null >/dev/null 2>"$T_TMP/s7.err"; then
		console_listen "$T_TMP/c2.sock"
		runsc exec -t --console-socket "$T_TMP/c2.sock" s7 /bin/echo exec-pty \
			</dev/null >/dev/null 2>"$T_TMP/x7.err"
		wait "$py"
		t_expect "exec -t: the pty master arrives" "name True" \
			grep '^name' "$T_TMP/c2.sock.out"
		t_expect "exec -t: output on the pty" "output exec-pty" \
			grep '^output' "$T_TMP/c2.sock.out"
		runsc delete --force s7 >/dev/null 2>&1
		t_expect "console socket gets the init's pty master" "name True" \
			grep '^name' "$T_TMP/c1.sock.out"
	else
		t_fail "terminal" "$(tail -c 300 "$T_TMP/s7.err")"
	fi
	kill %% 2>/dev/null
	wait 2>/dev/null
fi

# --preserve-fds: the caller's fds reach the workload, runsc's own never.
B8=$T_TMP/bundle8
make_bundle "$B8" /bin/sh -c "cat <&4"
echo "through fd 4" >"$T_TMP/fd4.txt"
t_expect "preserved fd reaches the workload" "through fd 4" \
	bash -c "'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' run --preserve-fds 2 --bundle '$B8' s8 3</dev/null 4<'$T_TMP/fd4.txt'"
runsc run --preserve-fds 2 --bundle "$B8" s9 3</dev/null >/dev/null 2>"$T_TMP/s9.err"
t_err "preserve-fds beyond what was passed is refused" "preserve-fds 2: fd 4" "$T_TMP/s9.err"
runsc delete --force s9 >/dev/null 2>&1

# createContainer hooks run in the container's namespaces (uts here).
B10=$T_TMP/bundle10
make_bundle "$B10" /bin/true
jq '.process.args = ["/bin/sleep", "60"]' "$B10/config.json" >"$B10/c.json"
jq --arg out "$T_TMP/hook.out" '.hooks.createContainer = [{path: "/bin/sh",
		args: ["sh", "-c", ("readlink /proc/self/ns/uts /proc/self/ns/net > " + $out)]}]' \
	"$B10/c.json" >"$B10/config.json"
if runsc create --bundle "$B10" s10 </dev/null >/dev/null 2>"$T_TMP/s10.err"; then
	S10=$(runsc state s10 | jq -r .pid)
	for c in $(children "$S10"); do
		[ "$(awk '/^TracerPid:/ {print $2}' "/proc/$c/status")" = "$S10" ] && I10=$c
	done
	t_expect "createContainer hook in the container's namespaces" \
		"$(readlink "/proc/$I10/ns/uts" "/proc/$I10/ns/net")" cat "$T_TMP/hook.out"
	runsc delete --force s10 >/dev/null 2>&1
else
	t_fail "createContainer hook in the container's namespaces" "$(tail -c 300 "$T_TMP/s10.err")"
fi
jq '.hooks.createContainer = [{path: "/bin/false"}]' "$B10/config.json" >"$B10/c.json" &&
	mv "$B10/c.json" "$B10/config.json"
if runsc create --bundle "$B10" s11 </dev/null >/dev/null 2>"$T_TMP/s11.err"; then
	t_fail "failing createContainer hook fails create" "create succeeded"
	runsc delete --force s11 >/dev/null 2>&1
else
	t_expect "failing createContainer hook fails create" "1" \
		grep -c "createContainer\[0\] (/bin/false): exit status 1" "$T_TMP/s11.err"
fi

# A mount point through a symlink that points out of the rootfs lands
# inside it (the classic escape: "evil -> /" and a mount on /evil/x).
B12=$T_TMP/bundle12
make_bundle "$B12" /bin/sleep 60
ln -s / "$B12/rootfs/evil"
ln -s ../../../../../../.. "$B12/rootfs/evil2"
jq '.mounts += [{destination: "/evil/cvisor-escape-probe", type: "tmpfs", source: "tmpfs"},
	{destination: "/evil2/cvisor-escape-probe2", type: "tmpfs", source: "tmpfs"}]' \
	"$B12/config.json" >"$B12/c.json" && mv "$B12/c.json" "$B12/config.json"
if runsc create --bundle "$B12" s12 </dev/null >/dev/null 2>"$T_TMP/s12.err"; then
	t_check "mount point through an absolute symlink stays in the rootfs" \
		test -d "$B12/rootfs/cvisor-escape-probe" -a ! -e /cvisor-escape-probe
	t_check "mount point through a relative symlink stays in the rootfs" \
		test -d "$B12/rootfs/cvisor-escape-probe2" -a ! -e /cvisor-escape-probe2
	runsc delete --force s12 >/dev/null 2>&1
else
	t_fail "symlink escape" "$(tail -c 300 "$T_TMP/s12.err")"
fi
rmdir /cvisor-escape-probe /cvisor-escape-probe2 2>/dev/null

# Signals ignored or blocked by runsc's caller do not reach the workload.
B13=$T_TMP/bundle13
make_bundle "$B13" /bin/sleep 60
if (trap '' INT HUP PIPE; runsc create --bundle "$B13" s13 </dev/null >/dev/null 2>"$T_TMP/s13.err"); then
	S13=$(runsc state s13 | jq -r .pid)
	for c in $(children "$S13"); do
		[ "$(awk '/^TracerPid:/ {print $2}' "/proc/$c/status")" = "$S13" ] && I13=$c
	done
	t_expect "init starts with no ignored signals" "0000000000000000" \
		bash -c "awk '/^SigIgn:/ {print \$2}' /proc/$I13/status"
	t_expect "init starts with no blocked signals" "0000000000000000" \
		bash -c "awk '/^SigBlk:/ {print \$2}' /proc/$I13/status"
	runsc delete --force s13 >/dev/null 2>&1
else
	t_fail "signals" "$(tail -c 300 "$T_TMP/s13.err")"
fi

# runsc exec -d: the process joins the init's cgroup and pid namespace and
# its pid (the one in --pid-file) is the exec'd program itself.
B14=$T_TMP/bundle14
make_bundle "$B14" /bin/sleep 60
if runsc create --bundle "$B14" s14 </dev/null >/dev/null 2>"$T_TMP/s14.err"; then
	S14=$(runsc state s14 | jq -r .pid)
	for c in $(children "$S14"); do
		[ "$(awk '/^TracerPid:/ {print $2}' "/proc/$c/status")" = "$S14" ] && I14=$c
	done
	runsc exec -d --pid-file "$T_TMP/x14.pid" s14 /bin/sleep 30 </dev/null >/dev/null 2>&1
	X=$(cat "$T_TMP/x14.pid" 2>/dev/null)
	if [ -n "$X" ] && [ -d "/proc/$X" ]; then
		t_expect "exec -d: pid file names the program" "sleep" \
			bash -c "readlink /proc/$X/exe | xargs basename | sed 's/busybox/sleep/'"
		t_expect "exec -d: same cgroup as the init" "$(cat "/proc/$I14/cgroup")" cat "/proc/$X/cgroup"
		t_expect "exec -d: same pid namespace as the init" \
			"$(readlink "/proc/$I14/ns/pid")" readlink "/proc/$X/ns/pid"
		t_expect "exec -d: same mount namespace (the view)" \
			"$(readlink "/proc/$I14/ns/mnt")" readlink "/proc/$X/ns/mnt"
	else
		t_fail "exec -d" "no pid file or process"
	fi
	runsc delete --force s14 >/dev/null 2>&1
else
	t_fail "exec -d" "$(tail -c 300 "$T_TMP/s14.err")"
fi

# A network namespace joined by path (podman's way): namespaced sysctls
# are accepted in it and the sandbox process is in it; in the host's
# network namespace they are refused.
# A relative bind source is the bundle's (runc does the same), whatever
# runsc's working directory.
B17=$T_TMP/bundle17
make_bundle "$B17" /bin/cat /rel/f
mkdir -p "$B17/reldir"
echo relative-source >"$B17/reldir/f"
jq '.mounts += [{destination: "/rel", type: "bind", source: "reldir", options: ["rbind", "ro"]}]' \
	"$B17/config.json" >"$B17/c.json" && mv "$B17/c.json" "$B17/config.json"
t_expect "relative bind source is resolved against the bundle" "relative-source" \
	bash -c "cd / && '$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' run --bundle '$B17' s17"

# A process holding a network namespace of its own (no /run/netns mount
# left behind).
unshare -n sleep 120 </dev/null >/dev/null 2>&1 &
NSHOLDER=$!
NSPATH=/proc/$NSHOLDER/ns/net
for _ in $(seq 50); do
	[ "$(readlink "$NSPATH" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.1
done
if [ "$(readlink "$NSPATH" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ]; then
	B15=$T_TMP/bundle15
	make_bundle "$B15" /bin/sleep 60
	jq --arg p "$NSPATH" '
		.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] + [{type: "network", path: $p}] |
		.linux.sysctl = {"net.ipv4.ping_group_range": "0 0"}' \
		"$B15/config.json" >"$B15/c.json" && mv "$B15/c.json" "$B15/config.json"
	if runsc create --bundle "$B15" s15 </dev/null >/dev/null 2>"$T_TMP/s15.err"; then
		t_ok "sysctl in a network namespace joined by path"
		S15=$(runsc state s15 | jq -r .pid)
		t_expect "sandbox process in the joined network namespace" \
			"$(readlink "$NSPATH")" readlink "/proc/$S15/ns/net"
		t_expect "sysctl value in the joined namespace" "0	0" \
			nsenter -t "$NSHOLDER" -n cat /proc/sys/net/ipv4/ping_group_range
		runsc delete --force s15 >/dev/null 2>&1
	else
		t_fail "sysctl in a network namespace joined by path" "$(tail -c 300 "$T_TMP/s15.err")"
	fi
	jq --arg p "/proc/$$/ns/net" '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] + [{type: "network", path: $p}]' \
		"$B15/config.json" >"$B15/c.json" && mv "$B15/c.json" "$B15/config.json"
	if runsc create --bundle "$B15" s16 </dev/null >/dev/null 2>"$T_TMP/s16.err"; then
		t_fail "net sysctl refused in the host's network namespace" "create succeeded"
		runsc delete --force s16 >/dev/null 2>&1
	else
		t_err "net sysctl refused in the host's network namespace" \
			"net.ipv4.ping_group_range: needs a new network namespace" "$T_TMP/s16.err"
	fi
else
	t_skip "network namespace joined by path" "unshare -n failed"
fi
kill "$NSHOLDER" 2>/dev/null
wait "$NSHOLDER" 2>/dev/null || true
