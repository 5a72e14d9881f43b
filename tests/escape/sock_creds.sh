#!/bin/bash
# Issue 10, class 4: the sentry must not lend its own credentials to a
# task. tests/progs/sock_creds, as a uid 1000 process with no
# capabilities: SCM_CREDENTIALS claiming root, another pid, its own ids;
# plain AF_UNIX messages to a receiver with SO_PASSCRED (socketpairs, a
# socket bound in the container); SO_PEERCRED after a connect to an
# abstract name; binds of port 81 (IPv4, IPv6), 8081, and 80 as root.
# Then the same toward a host listener on a bind-mounted socket. Every
# case is first run natively as uid 1000 (in a new net namespace, as the
# container's), and the host kernel's answer is the expectation
# (t_compare_native), the pid a receiver sees included: the sender's,
# which the sentry names as pid 1 of the sandbox's pid namespace
# (docs/security.md, "Credentials the sentry sends for a task").
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/sock_creds
[ -x "$PROG" ] || { t_fail "sock_creds built" "$PROG missing"; exit 0; }
[ "$(id -u)" = 0 ] || { t_skip sock_creds "needs root"; exit 0; }
chmod 755 "$T_TMP"

# ---- inside the container --------------------------------------------------
d=$(mktemp -d "$T_TMP/native.XXXXXX")
chmod 1777 "$d"
t_clean_begin "sock-creds-*-$$"
unshare -n sh -c "ip link set lo up && exec '$PROG' local '$d'" \
	>"$T_TMP/native.out" 2>"$T_TMP/native.err"

cp "$T_TMP/native.out" "$T_TMP/native.local"
# local PROFILE: root with PROFILE's capabilities (and SETUID/SETGID to
# drop to uid 1000, whose child has none; with all of them root may claim
# any credentials, as natively); the host's answers are the expectation.
local_run() {
	local prof=$1
	B=$T_TMP/b-$prof
	make_bundle "$B" /sock_creds local /tmp
	cp "$PROG" "$B/rootfs/sock_creds"
	mkdir -p "$B/rootfs/tmp"
	chmod 1777 "$B/rootfs/tmp"
	caps_profile "$B" "$prof"
	# root may drop to uid 1000 (CAP_SETUID/SETGID); CAP_NET_BIND_SERVICE is
	# in the default set: root binds port 80, the uid 1000 child has none.
	jq '.process.capabilities |= with_entries(.value = (.value + ["CAP_SETUID", "CAP_SETGID"] | unique))
	    | .root.readonly = false' "$B/config.json" >"$B/c.json" &&
		mv "$B/c.json" "$B/config.json"
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run --bundle "$B" "sock-creds-$prof-$$" </dev/null \
		>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err"
	sed "s/^/$prof:/; s/^$prof:done 0$/done 0/" "$T_TMP/native.local" >"$T_TMP/native.out"
	sed -i "s/^/$prof:/; s/^$prof:done 0$/done 0/" "$T_TMP/sandbox.out"
	t_compare_native
}
for_each_caps local_run
B=$T_TMP/b-default
cp "$T_TMP/native.local" "$T_TMP/native.out"

# ---- the same in a user namespace (0..65535 -> host 100000..) -------------
# The sentry sends host ids (101000); a receiver in the namespace reads
# 1000, as from a native sender in a namespace mapped alike.
U=$T_TMP/u
make_bundle "$U" /sock_creds local /tmp
cp "$PROG" "$U/rootfs/sock_creds"
mkdir -p "$U/rootfs/tmp"
chmod 1777 "$U/rootfs/tmp"
chown -R 100000:100000 "$U/rootfs"
jq '.process.capabilities |= with_entries(.value += ["CAP_SETUID", "CAP_SETGID"])
    | .root.readonly = false | .linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]' \
	"$U/config.json" >"$U/c.json" && mv "$U/c.json" "$U/config.json"
timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	run --bundle "$U" "sock-creds-u-x-$$" </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err"
sed -i 's/^/userns_/; s/^userns_done 0$/done 0/' "$T_TMP/native.out" "$T_TMP/sandbox.out"
t_compare_native

# ---- the container's ip_unprivileged_port_start --------------------------
# linux.sysctl lowers it to 80 in the container's net namespace: uid 1000
# may bind 81 there (not 80), as natively in a net namespace set alike.
unshare -n sh -c "ip link set lo up &&
	echo 80 >/proc/sys/net/ipv4/ip_unprivileged_port_start &&
	exec '$PROG' binds" >"$T_TMP/native.out" 2>"$T_TMP/native.err"
sed -i 's/^bind_/sysctl80_bind_/' "$T_TMP/native.out"
jq '.process.args = ["/sock_creds", "binds"]
    | .linux.sysctl = { "net.ipv4.ip_unprivileged_port_start": "80" }' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	run --bundle "$B" "sock-creds-p-x-$$" </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err"
sed -i 's/^bind_/sysctl80_bind_/' "$T_TMP/sandbox.out"
t_compare_native

# ---- a host listener on a bind-mounted socket ------------------------------
hs=$T_TMP/hs
mkdir -p "$hs"
chmod 777 "$hs"

# host_run SENDER-CMD... : the host listener for 2 datagrams (the claim of
# root is refused), the sender's and the listener's lines, "host_"-named.
host_run() {
	local rpid
	"$PROG" hostrecv "$hs/sock" 2 >"$T_TMP/recv.out" 2>&1 &
	rpid=$!
	for _ in $(seq 50); do
		grep -q ready "$T_TMP/recv.out" 2>/dev/null && break
		sleep 0.1
	done
	"$@" >"$T_TMP/send.out" 2>&1
	wait $rpid
	grep -v '^done 0$' "$T_TMP/send.out" | sed 's/^/host_/'
	grep '^recv' "$T_TMP/recv.out" | sed 's/^/host_/'
	grep -q '^done 0$' "$T_TMP/send.out" && echo "done 0"
}

host_run "$PROG" hostsend "$hs/sock" >"$T_TMP/native.out"
H=$T_TMP/h
make_bundle "$H" /sock_creds hostsend /hs/sock
cp "$PROG" "$H/rootfs/sock_creds"
mkdir -p "$H/rootfs/hs"
jq --arg s "$hs" '.process.capabilities |= with_entries(.value += ["CAP_SETUID", "CAP_SETGID"])
    | .mounts += [{ destination: "/hs", type: "bind", source: $s,
		    options: ["rbind", "rw"] }]' "$H/config.json" >"$H/c.json" &&
	mv "$H/c.json" "$H/config.json"
host_run timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	run --bundle "$H" "sock-creds-h-x-$$" >"$T_TMP/sandbox.out" </dev/null
t_compare_native
t_assert_clean "sock-creds-*-$$"
