#!/bin/bash
# capture.sh: regenerates the fixtures beside it, the config.json (NAME.json)
# and exec process.json (NAME.process.json) files that Docker (20.10), ctr
# (containerd) and podman write on this machine. Each client runs runc
# through a wrapper runtime that copies what it is given, with private
# daemons and storage as the client tests use (tests/clients/*-lib.sh).
# Run as root from anywhere: tests/data/clients/capture.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../lib.sh"
source "$here/../../clients/docker-lib.sh"
source "$here/../../clients/containerd-lib.sh"

CAP=$T_TMP/cap
WRAP=$T_TMP/capture-runtime
mkdir -p "$CAP"
cat >"$WRAP" <<SH
#!/bin/sh
prev=
for a in "\$@"; do
	case "\$prev" in
	--bundle|-b) cp "\$a/config.json" "$CAP/config.json" ;;
	--process|-p) cp "\$a" "$CAP/process.json" ;;
	esac
	prev=\$a
done
exec /usr/sbin/runc "\$@"
SH
chmod +x "$WRAP"

# take WHAT NAME: the last captured config or process, kept as NAME.
take() {
	local f=$CAP/$1.json
	for _ in $(seq 50); do
		[ -s "$f" ] && break
		sleep 0.1
	done
	[ -s "$f" ] || { echo "capture: no $1.json for $2" >&2; return 1; }
	local to=$2.json
	[ "$1" = process ] && to=$2.process.json
	jq -S . "$f" >"$here/$to" && rm -f "$f" && echo "captured $to"
}

in_tty() { timeout 60 script -qec "$*" /dev/null </dev/null >/dev/null; }

cleanup() {
	dk_cleanup
	cd_stop
	[ -n "${PM_DIR:-}" ] && "$PM_DIR/pm" rm -a -f -t 0 >/dev/null 2>&1
	[ -n "${PM_DIR:-}" ] && "$PM_DIR/pm" system reset -f >/dev/null 2>&1
	grep -o " $T_TMP[^ ]*" /proc/mounts | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	t_cleanup
}
trap cleanup EXIT

capture_docker() {
	dk_start "{\"capture\": {\"path\": \"$WRAP\"}}" || return 1
	tar -C "$(busybox_rootfs)" -c . | dk import -c 'CMD ["/bin/sh"]' - $IMG >/dev/null
	local run="dk run -d --runtime=capture --network none"
	$run --name c1 $IMG sleep 1000 >/dev/null && take config docker-run
	dk exec -u 65534:65534 -w /tmp -e FOO=bar c1 sh -c 'id' >/dev/null &&
		take process docker-exec
	in_tty "$DK_DIR/dk exec -it c1 tty" && take process docker-exec-tty
	$run -t $IMG sleep 1000 >/dev/null && take config docker-tty
	$run --read-only --tmpfs /scratch:size=1m $IMG sleep 1000 >/dev/null &&
		take config docker-readonly
	$run --memory 64m --memory-swap 96m --memory-reservation 32m \
		--memory-swappiness 10 --pids-limit 20 --cpus 0.5 --cpu-shares 512 \
		--cap-drop ALL --cap-add CHOWN -u 1000:1000 $IMG sleep 1000 >/dev/null &&
		take config docker-limits
	$run --init $IMG sleep 1000 >/dev/null && take config docker-init
	dk run -d --runtime=capture --network host $IMG sleep 1000 >/dev/null &&
		take config docker-hostnet
	dk_cleanup
}

capture_ctr() {
	cd_images && cd_start && cd_import "$T_TMP/busybox.tar" || return 1
	local img=docker.io/cvisor/busybox:test
	cd_ctr run -d --runc-binary "$WRAP" $img k1 sleep 1000 >/dev/null &&
		take config ctr-run
	cd_ctr tasks exec --exec-id e1 k1 sh -c id >/dev/null && take process ctr-exec
	# ctr run -d -t panics (containerd 1.6): -t in a terminal, in the
	# background, stopped once captured.
	timeout 60 script -qec "ctr -a $CD_SOCK run -t --runc-binary $WRAP $img k2 sleep 1000" \
		/dev/null </dev/null >/dev/null 2>&1 &
	take config ctr-tty
	cd_ctr tasks kill -s KILL k2 >/dev/null 2>&1
	wait $!
	cd_stop
}

capture_podman() {
	PM_DIR=$T_TMP/podman
	mkdir -p "$PM_DIR"
	cat >"$PM_DIR/pm" <<SH
#!/bin/sh
exec podman --root "$PM_DIR/storage" --runroot "$PM_DIR/run" \\
	--tmpdir "$PM_DIR/tmp" --runtime "$WRAP" \\
	--cgroup-manager cgroupfs --events-backend file \\
	--storage-driver vfs "\$@"
SH
	chmod +x "$PM_DIR/pm"
	local pm=$PM_DIR/pm lim="--ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
	/usr/bin/python3 "$here/../../clients/mkimage.py" "$(busybox_rootfs)" \
		"$T_TMP/busybox.tar" docker.io/cvisor/busybox:test /bin/sh &&
		$pm load -q -i "$T_TMP/busybox.tar" >/dev/null || return 1
	$pm run -d $lim --name p1 --network none docker.io/cvisor/busybox:test \
		sleep 1000 >/dev/null && take config podman-run
	$pm exec -u 65534 -w /tmp -e FOO=bar p1 sh -c id >/dev/null &&
		take process podman-exec
	$pm run -d -t $lim --network none docker.io/cvisor/busybox:test \
		sleep 1000 >/dev/null && take config podman-tty
}

dk_have && capture_docker
command -v containerd >/dev/null && capture_ctr
command -v podman >/dev/null && capture_podman
