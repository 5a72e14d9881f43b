#!/bin/bash
# Installs the Debian packages cvisor builds, tests and benchmarks with,
# when any is missing. Idempotent and quiet when everything is there.
set -eu
build_pkgs="gcc make pkg-config libseccomp-dev libyajl-dev libcap-dev libbpf-dev
busybox-static jq iproute2 procps psmisc util-linux"
test_pkgs="runc crun containerd docker.io podman conmon uidmap containernetworking-plugins runsc umoci skopeo python3-grpcio
python3-grpc-tools python3 perl valgrind libclang-rt-14-dev strace gdb"
bench_pkgs="gnuplot-nox hyperfine nginx-light wrk"
want="$build_pkgs"
case "${1:-all}" in
build) ;;
*) want="$want $test_pkgs $bench_pkgs" ;;
esac
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "cvisor: missing Debian packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "cvisor: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# podman/containerd pull in services; do not let policy-rc.d-less installs
# start them: the tests start their own instances.
apt-get install -y -qq --no-install-recommends $missing >/dev/null
