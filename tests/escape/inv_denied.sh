#!/bin/bash
# docs/architecture.md, invariant 6, a quick cross-check with ordinary tools from
# inside (tests/escape/deny_surface.sh covers every row of the table):
# mounting a procfs, creating namespaces (unshare), entering them (nsenter),
# reading the kernel log all fail as root in the container (with the
# default capabilities, Docker's and all of them), and the
# container sees only its own processes.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

# The probe: one "name=status" line per attempt. $1 is a scratch directory.
cat >"$T_TMP/probe.sh" <<'SH'
d=$1
q() { "$@" >/dev/null 2>&1; }
q mount -t proc proc "$d"; echo "mount_proc=$?"
q umount "$d"
q mount -t tmpfs none "$d"; echo "mount_tmpfs=$?"
q umount "$d"
q unshare -U true; echo "unshare_user=$?"
q unshare -m true; echo "unshare_mount=$?"
q unshare -n true; echo "unshare_net=$?"
q unshare -p -f true; echo "unshare_pid=$?"
q nsenter -t $$ -m true; echo "nsenter_self=$?"
if [ -e /dev/kmsg ]; then q head -c 1 /dev/kmsg; echo "read_kmsg=$?"; else echo "read_kmsg=absent"; fi
q dmesg; echo "dmesg=$?"
SH

# Control run on the host, as root, in a private mount namespace: each of
# these succeeds there, so the in-sandbox failures below mean something.
mkdir -p "$T_TMP/scratch"
unshare -m --propagation private /bin/busybox sh "$T_TMP/probe.sh" "$T_TMP/scratch" >"$T_TMP/host.out" 2>&1
ctl_ok=$(grep -cE '^(mount_proc|mount_tmpfs|unshare_user|unshare_mount|nsenter_self|dmesg)=0$' "$T_TMP/host.out")
[ "$ctl_ok" -eq 6 ] && t_ok "control: the probes succeed as root on the host" ||
	t_fail "control: the probes succeed as root on the host" "$(tr '\n' ' ' <"$T_TMP/host.out")"

# probe PROFILE: as root with PROFILE's capabilities (with all of them,
# CAP_SYS_ADMIN: the kernel would allow every probe).
probe() {
	local prof=$1 B=$T_TMP/b-$1 id=inv-denied-$1-$$ p v
	make_bundle "$B" /bin/sh /probe.sh /tmp
	cp "$T_TMP/probe.sh" "$B/rootfs/probe.sh"
	caps_profile "$B" "$prof"
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run --bundle "$B" "$id" </dev/null >"$T_TMP/in.out" 2>&1
	runsc delete --force "$id" >/dev/null 2>&1
	for p in mount_proc mount_tmpfs unshare_user unshare_mount unshare_net unshare_pid nsenter_self read_kmsg dmesg; do
		v=$(sed -n "s/^$p=//p" "$T_TMP/in.out")
		case $v in
		"") t_fail "$prof: inside: $p fails" "no result: $(tail -c 300 "$T_TMP/in.out" | tr '\n' ' ')" ;;
		0) t_fail "$prof: inside: $p fails" "it succeeded" ;;
		absent) t_ok "$prof: inside: $p fails (no /dev/kmsg)" ;;
		*) t_ok "$prof: inside: $p fails" ;;
		esac
	done
}
for_each_caps probe

# Only the container's processes: a shell running ps (and ps itself).
# The host has many more (this test's own shell, at least), so a leak of
# the host's process list shows up as extra lines or foreign commands.
# (A pipeline, not "sleep &": busybox opens /dev/null for a background job,
# which the devices cgroup currently refuses.)
make_bundle "$T_TMP/ps" /bin/sh -c 'sleep 1 | ps -o pid,comm; ls /proc' # (ls is exec'd: alone)
id=inv-ps-$$
timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	run --bundle "$T_TMP/ps" "$id" </dev/null >"$T_TMP/ps.out" 2>&1
runsc delete --force "$id" >/dev/null 2>&1
procs=$(awk '$1 ~ /^[0-9]+$/ && NF == 2 { print $2 }' "$T_TMP/ps.out" | sort | tr '\n' ' ')
n=$(echo $procs | wc -w)
# (busybox may re-exec itself as /proc/self/exe before naming itself
# "sleep": ps can catch it as "exe", the name Linux gives that exec.)
foreign=$(echo $procs | tr ' ' '\n' | grep -vxE 'sh|sleep|ps|busybox|exe' | tr '\n' ' ')
if [ "$n" -ge 3 ] && [ "$n" -le 4 ] && [ -z "$foreign" ]; then
	t_ok "inside: ps shows only the container's processes"
else
	t_fail "inside: ps shows only the container's processes" "$n: $procs (foreign: $foreign) $(head -c 300 "$T_TMP/ps.out" | tr '\n' ' ')"
fi
ndirs=$(grep -cxE '[0-9]+' "$T_TMP/ps.out")
[ "$ndirs" -ge 1 ] && [ "$ndirs" -le 3 ] && t_ok "inside: /proc lists only the container's pids" ||
	t_fail "inside: /proc lists only the container's pids" "$ndirs pid dirs"
host_pids=$(ls /proc | grep -cxE '[0-9]+')
[ "$host_pids" -gt 6 ] || t_skip "host has few processes" "$host_pids: the ps check is weak here"
t_assert_clean "*-$$"
exit 0
