#!/bin/bash
# The container's network namespace as its /proc/net shows it (issue 14):
# the sentry and the gofer live in that namespace, and their own sockets
# (the control socket, the gofer's channels, socketpairs) must not show
# in /proc/net/{unix,netlink,packet,tcp*,udp*,raw*}, nor be counted in
# sockstat; the workload's own sockets must. Compared with runc for the
# same bundle (the host's /usr bound read-only under a root of merged-/usr
# links): a Python process of the workload holds a listening and a
# connected unix socket, a TCP listener and a bound UDP socket; the probe
# prints what /proc/net and iproute2's ss (which reads those files, its
# NETLINK_SOCK_DIAG being refused in the sandbox) show of them, without
# the inode numbers and the kernel's addresses, which differ by design.
# Then a pod: a container joining, by path, a network namespace where a
# process of another container holds sockets sees them.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc net_view - || exit 0
if [ ! -x /usr/bin/bash ] || [ ! -x /usr/bin/ss ] || [ ! -x /usr/bin/python3 ]; then
	t_skip net_view "needs /usr/bin/{bash,ss,python3}"
	exit 0
fi

B=$T_TMP/b
R=$B/rootfs
host_usr_rootfs "$R"
cat >"$R/socks.py" <<'EOF'
import os, socket, sys, time
lst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
lst.bind("/tmp/listen.sock")
lst.listen(4)
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
cli.connect("/tmp/listen.sock")
srv, _ = lst.accept()
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("0.0.0.0", 7001))
tcp.listen(4)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("0.0.0.0", 7002))
open("/tmp/ready", "w").close()
time.sleep(60)
EOF
cat >"$R/probe.sh" <<'EOF'
one() { tr -s ' \t' ' ' | sort | tr '\n' ';'; }
rm -f /tmp/listen.sock /tmp/ready	# the rootfs is both runtimes'
python3 /socks.py &
PY=$!
for _ in $(seq 100); do [ -e /tmp/ready ] && break; sleep 0.1; done
echo "ready $([ -e /tmp/ready ] && echo yes)"
# /proc/net/unix: flags, type, state and path of each socket
echo "unix $(awk 'NR > 1 { print $4, $5, $6, $8 }' /proc/net/unix | one)"
echo "unix_count $(($(wc -l </proc/net/unix) - 1))"
echo "netlink_count $(($(wc -l </proc/net/netlink) - 1))"
echo "packet_count $(($(wc -l </proc/net/packet) - 1))"
for f in tcp tcp6 udp udp6 raw raw6 udplite udplite6; do
	echo "${f}_lines $(awk 'NR > 1 { print $2, $3, $4 }' /proc/net/$f | one)"
done
# without TCP's alloc and mem: a closed socket stays allocated until an
# RCU grace period or its timer ends, in either runtime (timing, not view)
echo "sockstat $(sed 's/ alloc [0-9]*//; s/ mem [0-9]*//' /proc/net/sockstat | one)"
echo "sockstat6 $(awk '{ print }' /proc/net/sockstat6 | one)"
echo "self_net_unix_count $(($(wc -l </proc/self/net/unix) - 1))"
echo "pid_net_unix_count $(($(wc -l </proc/$PY/net/unix) - 1))"
# ss: netid, state and local address (the inodes and peers' inodes
# differ between the runtimes)
echo "ss_xa $(ss -xaH | awk '{ print $1, $2, $5 }' | one)"
echo "ss_xl $(ss -xlH | awk '{ print $1, $2, $5 }' | one)"
echo "ss_tan $(ss -tanH | awk '{ print $1, $4 }' | one)"
echo "ss_uan $(ss -uanH | awk '{ print $1, $4 }' | one)"
# the same for ss -s: TCP's total and closed, and the TCP and INET rows'
# totals count allocated sockets
echo "ss_s_tcp $(ss -s | grep '^TCP:' | sed 's/^TCP: *[0-9]* //; s/closed [0-9]*, //' | one)"
echo "ss_s_table $(ss -s | sed -n '/^Transport/,$p' | grep -v '^TCP\|^INET' | one)"
kill $PY
wait $PY 2>/dev/null
sleep 1	# ss's netlink socket (runc's) freed after an RCU grace period
echo "unix_after $(($(wc -l </proc/net/unix) - 1))"
echo "sockets_used_after $(awk '$1 == "sockets:" { print $3 }' /proc/net/sockstat)"
echo "done 0"
EOF
"$RUNSC_BIN" spec --bundle "$B" >/dev/null
jq --argjson usr "$USR_MOUNT" '.process.terminal = false | .root.readonly = false |
    .process.env += ["HOME=/root", "LC_ALL=C.UTF-8"] |
    .process.args = ["/usr/bin/bash", "/probe.sh"] | .mounts += [$usr]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

t_run_runc_and_sandbox nv
t_compare_native

# A pod: a network namespace shared with the processes of another
# container (here a host process in a namespace of its own, holding a
# listening and a connected unix socket and a TCP listener); a container
# joining it by path sees their sockets, and none of its sandbox's.
HOLDER_READY=$T_TMP/holder.ready
unshare -n python3 -c '
import socket, sys, time
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
l.bind("\0netview-pod-" + sys.argv[1])
l.listen(4)
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect("\0netview-pod-" + sys.argv[1])
s, _ = l.accept()
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.bind(("0.0.0.0", 7003))
t.listen(4)
open(sys.argv[2], "w").close()
time.sleep(120)
' "$$" "$HOLDER_READY" &
HOLDER=$!
trap 'kill $HOLDER 2>/dev/null; t_cleanup' EXIT
for _ in $(seq 100); do [ -e "$HOLDER_READY" ] && break; sleep 0.1; done
cat >"$R/pod.sh" <<'EOF2'
one() { tr -s ' \t' ' ' | sort | tr '\n' ';'; }
echo "pod_unix $(awk 'NR > 1 { print $4, $5, $6, $8 }' /proc/net/unix | sed 's/netview-pod-[0-9]*/netview-pod/' | one)"
echo "pod_tcp $(awk 'NR > 1 { print $2, $3, $4 }' /proc/net/tcp | one)"
# before ss: runc's, reading NETLINK_SOCK_DIAG, leaves its netlink socket
# counted until the kernel frees it (after an RCU grace period)
echo "pod_sockets_used $(awk '$1 == "sockets:" { print $3 }' /proc/net/sockstat)"
echo "pod_ss_xa $(ss -xaH | awk '{ print $1, $2, $5 }' | sed 's/netview-pod-[0-9]*/netview-pod/' | one)"
echo "done 0"
EOF2
jq --arg ns "/proc/$HOLDER/ns/net" '.process.args = ["/usr/bin/bash", "/pod.sh"] |
    .linux.namespaces |= map(if .type == "network" then .path = $ns else . end)' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
t_run_runc_and_sandbox nvpod
t_compare_native
kill $HOLDER 2>/dev/null
wait $HOLDER 2>/dev/null || true
