#!/bin/bash
# containerd's CRI plugin with a runtime handler "cvisor" (runtime_type
# io.containerd.runc.v2, BinaryName = our runsc), as a Kubernetes
# RuntimeClass uses it, driven over the CRI gRPC API by a small client.
# cvisor-test: slow
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/containerd-lib.sh"
trap 'cd_stop; t_cleanup' EXIT

command -v containerd >/dev/null || { t_skip cri "containerd not installed"; exit 0; }
/usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null ||
	{ t_skip cri "python3-grpcio/python3-grpc-tools not installed"; exit 0; }
cd_images || { t_fail images "could not build test images"; exit 1; }
cd_start || { t_fail start "containerd did not start"; exit 1; }
cd_ctr -n k8s.io images import "$T_TMP/busybox.tar" >/dev/null &&
	cd_ctr -n k8s.io images import "$T_TMP/pause.tar" >/dev/null ||
	{ t_fail import "ctr images import failed"; exit 1; }
mkdir -p "$T_TMP/podlogs"
/usr/bin/python3 "$CVISOR_SRC/tests/clients/cri_client.py" "$CD_SOCK" \
	"${CRI_HANDLER:-cvisor}" "$T_TMP/podlogs"
rc=$?
[ $rc -eq 0 ] || tail -30 "$CD_DIR/log" | sed 's/^/containerd: /'
exit $rc
