#!/bin/bash
# containerd's CRI plugin with a runtime handler "cvisor" (runtime_type
# io.containerd.runc.v2, BinaryName = our runsc), as a Kubernetes
# RuntimeClass uses it, driven over the CRI gRPC API by a small client;
# every step is compared with the same steps under a "runc" handler of the
# same containerd.
#
# The handlers "cvisor" and "runc" get the shim's default runtime root,
# /run/containerd/runc/k8s.io, with the CRI's 64-hex ids, as a real node
# has them; "cvisor-longroot" and "runc-longroot" a root of 110+
# characters (Root in the runtime options, as operators relocate it).
# containerd runs in a network namespace of its own: its host-network pods
# are there, the CNI bridge (bridge + host-local plugins) is made there,
# and all of it goes with it. CRI_GROUPS overrides what the client runs
# (SCENARIO:REF:HANDLER..., see cri_client.py); CRI_VERBOSE=1 prints the
# reference results.
# cvisor-test: slow
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/containerd-lib.sh"
DEFAULT_ROOT=/run/containerd/runc/k8s.io
LONG_ROOT=$CD_DIR/runtime-root-$(printf 'r%.0s' $(seq 80))
IDS=$T_TMP/ids
netns_dir_existed=$([ -d /run/netns ] && echo 1)
netns_mounts() { grep -c ' /run/netns/cni-\| /var/run/netns/cni-' /proc/self/mountinfo; }
netns_before=$(netns_mounts)
# After containerd's teardown: the /run/netns directory containerd made,
# if it was not there.
cri_cleanup() {
	cd_stop
	[ -n "$netns_dir_existed" ] || rmdir /run/netns 2>/dev/null
	t_cleanup
}
trap cri_cleanup EXIT

command -v containerd >/dev/null || { t_skip cri "containerd not installed"; exit 0; }
/usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null ||
	{ t_skip cri "python3-grpcio/python3-grpc-tools not installed"; exit 0; }
[ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] ||
	{ t_skip cri "containernetworking-plugins not installed"; exit 0; }
cd_images || { t_fail images "could not build test images"; exit 1; }

mkdir -p "$CD_DIR/cni" "$LONG_ROOT"
R='[plugins."io.containerd.grpc.v1.cri".containerd.runtimes'
CD_EXTRA_TOML="    $R.runc-longroot]
      runtime_type = \"io.containerd.runc.v2\"
      $R.runc-longroot.options]
        Root = \"$LONG_ROOT\"
    $R.cvisor-longroot]
      runtime_type = \"io.containerd.runc.v2\"
      $R.cvisor-longroot.options]
        BinaryName = \"$CD_RUNTIME_BIN\"
        Root = \"$LONG_ROOT\""
# The pod network: a bridge in containerd's own network namespace, the
# addresses' state under our directory.
cat >"$CD_DIR/cni/10-cvisor.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "cvisor-test", "plugins": [
  {"type": "bridge", "bridge": "cvcri0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "dataDir": "$CD_DIR/ipam",
            "ranges": [[{"subnet": "10.254.254.0/24"}]]}}]}
JSON
CD_NETNS=private cd_start || { t_fail start "containerd did not start"; exit 1; }
cd_ctr -n k8s.io images import "$T_TMP/busybox.tar" >/dev/null &&
	cd_ctr -n k8s.io images import "$T_TMP/pause.tar" >/dev/null ||
	{ t_fail import "ctr images import failed"; exit 1; }

mkdir -p "$T_TMP/podlogs"
: >"$IDS"
nsenter --net="/proc/$CD_PID/ns/net" /usr/bin/python3 \
	"$CVISOR_SRC/tests/clients/cri_client.py" "$CD_SOCK" "$T_TMP/podlogs" \
	"$IDS" ${CRI_GROUPS:-full:runc:"${CRI_HANDLER:-cvisor}" basic:runc-longroot:cvisor-longroot}
rc=$?
[ $rc -eq 0 ] || tail -30 "$CD_DIR/log" | sed 's/^/containerd: /'

# Nothing of the pods and containers is left, containerd still running.
t_expect "long runtime root is ${#LONG_ROOT}+ characters" 1 \
	bash -c "[ ${#LONG_ROOT} -ge 100 ] && echo 1"
n=$(wc -l <"$IDS")
left=""
while read -r id; do
	[ ${#id} = 64 ] || left="$left id-not-64-hex:$id"
	for root in "$DEFAULT_ROOT" "$LONG_ROOT/k8s.io"; do
		[ -e "$root/$id" ] && left="$left state:$root/$id"
	done
	pgrep -f -- "$id" >/dev/null && left="$left process:$id"
	[ -n "$(find /sys/fs/cgroup -maxdepth 4 -name "$id" 2>/dev/null)" ] &&
		left="$left cgroup:$id"
done <"$IDS"
if [ "$n" -ge 8 ] && [ -z "$left" ]; then
	t_ok "nothing left of the $n pods and containers (state, processes, cgroups)"
else
	t_fail "nothing left of the pods and containers" "$n ids:$left"
fi
ipam=$(ls "$CD_DIR/ipam/cvisor-test" 2>/dev/null | grep -v '^lock$\|^last_reserved_ip')
[ -z "$ipam" ] && t_ok "no pod address left allocated" ||
	t_fail "no pod address left allocated" "$ipam"
# containerd removes the pod's network namespace mount with the pod.
# (Counted against the start: other tests may hold some meanwhile.)
left=$(netns_mounts)
[ "$left" -le "$netns_before" ] && t_ok "no network namespace mount left" ||
	{ t_fail "no network namespace mount left" "$left, $netns_before before"; rc=1; }
exit $rc
