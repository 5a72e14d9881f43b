# Sourced by the containerd client tests: a private containerd (its own root,
# state, socket and CNI dir) configured with a "cvisor" runtime handler the
# way a Kubernetes RuntimeClass uses it, started and stopped by the test.
#
#   cd_start            start it (sets CD_SOCK); registers cd_stop at exit
#                       CD_NETNS=private: in a network namespace of its
#                       own (so are its shims and host-network pods), with
#                       only lo up; it goes away with them
#                       CD_EXTRA_TOML: appended to the CRI plugin's
#                       runtimes table (more runtime handlers)
#   cd_ctr ARGS...      ctr against it
#   cd_import TAR       import an OCI archive into namespaces default+k8s.io
CD_DIR=$T_TMP/containerd
CD_SOCK=$CD_DIR/containerd.sock
CD_RUNTIME_BIN=${CD_RUNTIME_BIN:-$RUNSC_BIN}

cd_start() {
	mkdir -p "$CD_DIR"/{root,state,cni,opt}
	cat >"$CD_DIR/config.toml" <<TOML
version = 2
root = "$CD_DIR/root"
state = "$CD_DIR/state"
[grpc]
  address = "$CD_SOCK"
[ttrpc]
  address = "$CD_DIR/ttrpc.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$CD_DIR/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/cvisor/pause:test"
  # This host cannot lower oom_score_adj (no CAP_SYS_RESOURCE): clamp it.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.cvisor]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.cvisor.options]
        BinaryName = "$CD_RUNTIME_BIN"
${CD_EXTRA_TOML:-}
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CD_DIR/cni"
TOML
	if [ "${CD_NETNS:-}" = private ]; then
		unshare --net sh -c 'ip link set lo up && exec "$@"' sh \
			containerd --config "$CD_DIR/config.toml" >"$CD_DIR/log" 2>&1 &
	else
		containerd --config "$CD_DIR/config.toml" >"$CD_DIR/log" 2>&1 &
	fi
	CD_PID=$!
	for _ in $(seq 100); do
		[ -S "$CD_SOCK" ] && ctr -a "$CD_SOCK" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "containerd did not start:" >&2
	tail -20 "$CD_DIR/log" >&2
	return 1
}

cd_ctr() {
	ctr -a "$CD_SOCK" "$@"
}

cd_stop() {
	local ns id
	[ -n "${CD_PID:-}" ] || return 0
	for ns in default k8s.io; do
		for id in $(cd_ctr -n $ns tasks ls -q 2>/dev/null); do
			cd_ctr -n $ns tasks kill -s KILL "$id" >/dev/null 2>&1
		done
		sleep 0.3
		for id in $(cd_ctr -n $ns tasks ls -q 2>/dev/null); do
			cd_ctr -n $ns tasks delete -f "$id" >/dev/null 2>&1
		done
		for id in $(cd_ctr -n $ns containers ls -q 2>/dev/null); do
			cd_ctr -n $ns containers delete "$id" >/dev/null 2>&1
		done
	done
	kill "$CD_PID" 2>/dev/null
	wait "$CD_PID" 2>/dev/null
	# Shims outlive containerd by design; ours must not outlive the test.
	pkill -f "containerd-shim-runc-v2 -namespace .* -address $CD_SOCK" 2>/dev/null
	umount -R "$CD_DIR/root" 2>/dev/null
	grep -o " $CD_DIR[^ ]*" /proc/mounts | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	CD_PID=
}

cd_import() {
	local ns
	for ns in default k8s.io; do
		cd_ctr -n $ns images import "$1" >/dev/null || return 1
	done
}

# Images shared by the client tests: busybox with a shell, and a "pause"
# image (busybox sleeping) for CRI pod sandboxes.
cd_images() {
	local rootfs
	rootfs=$(busybox_rootfs)
	/usr/bin/python3 "$CVISOR_SRC/tests/clients/mkimage.py" "$rootfs" \
		"$T_TMP/busybox.tar" docker.io/cvisor/busybox:test /bin/sh &&
	/usr/bin/python3 "$CVISOR_SRC/tests/clients/mkimage.py" "$rootfs" \
		"$T_TMP/pause.tar" docker.io/cvisor/pause:test /bin/sleep 2147483647
}
