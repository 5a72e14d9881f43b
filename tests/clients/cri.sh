#!/bin/bash
# containerd's CRI plugin with a runtime handler "cvisor" (runtime_type
# io.containerd.runc.v2, BinaryName = our runsc), as a Kubernetes
# RuntimeClass uses it, driven over the CRI gRPC API by a small client.
# cvisor-test: slow
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/containerd-lib.sh"
VETH=cvcri$$
netns_dir_existed=$([ -d /run/netns ] && echo 1)
# After containerd's teardown (which gives the veth end back): our veth
# and the /run/netns directory containerd made, if it was not there.
cri_cleanup() {
	cd_stop
	ip link del "${VETH}a" 2>/dev/null
	[ -n "$netns_dir_existed" ] || rmdir /run/netns 2>/dev/null
	t_cleanup
}
trap cri_cleanup EXIT

command -v containerd >/dev/null || { t_skip cri "containerd not installed"; exit 0; }
/usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null ||
	{ t_skip cri "python3-grpcio/python3-grpc-tools not installed"; exit 0; }
cd_images || { t_fail images "could not build test images"; exit 1; }
cd_start || { t_fail start "containerd did not start"; exit 1; }
cd_ctr -n k8s.io images import "$T_TMP/busybox.tar" >/dev/null &&
	cd_ctr -n k8s.io images import "$T_TMP/pause.tar" >/dev/null ||
	{ t_fail import "ctr images import failed"; exit 1; }
# A pod network that leaves nothing on the host: one end of a veth pair
# of our own moved into the pod's network namespace as eth0 (host-device
# plugin, static address), deleted at the end.
if ip link add "${VETH}a" type veth peer name "${VETH}b" 2>/dev/null; then
	cat >"$CD_DIR/cni/10-cvisor.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "cvisor-test", "plugins": [
  {"type": "host-device", "device": "${VETH}b",
   "ipam": {"type": "static", "addresses": [{"address": "10.254.254.2/30"}]}}]}
JSON
else
	export CRI_NO_POD_NETWORK=1
fi
mkdir -p "$T_TMP/podlogs"
/usr/bin/python3 "$CVISOR_SRC/tests/clients/cri_client.py" "$CD_SOCK" \
	"${CRI_HANDLER:-cvisor}" "$T_TMP/podlogs"
rc=$?
[ $rc -eq 0 ] || tail -30 "$CD_DIR/log" | sed 's/^/containerd: /'
# containerd removes the pod's network namespace mount with the pod.
left=$(grep -c ' /run/netns/cni-\| /var/run/netns/cni-' /proc/self/mountinfo)
[ "$left" = 0 ] && echo "ok cri: no network namespace mount left" ||
	{ echo "not ok cri: no network namespace mount left: $left"; rc=1; }
exit $rc
