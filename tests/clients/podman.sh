#!/bin/bash
# podman (with conmon) driving our runsc through --runtime: run to
# completion, -d then exec then stop, -t, exec -it, top; nothing left.
# podman uses private storage under the test's temp dir.
# cvisor-test: slow
source "$(dirname "$0")/../lib.sh"

command -v podman >/dev/null || { t_skip podman "podman not installed"; exit 0; }
PM_RUNTIME=${PM_RUNTIME_BIN:-$RUNSC_BIN}
NOFILE=1024
NPROC=4096
PM_DIR=$T_TMP/podman
mkdir -p "$PM_DIR"
# This host cannot raise rlimits above the hard values it was given (no
# CAP_SYS_RESOURCE); podman's defaults (nofile 1048576, nproc = host max)
# fail with every runtime here, so the tests ask for lower limits.
# A wrapper script (not a function) so that timeout(1) and script(1) can run it.
cat >"$PM_DIR/pm" <<SH
#!/bin/sh
exec podman --root "$PM_DIR/storage" --runroot "$PM_DIR/run" \\
	--tmpdir "$PM_DIR/tmp" --runtime "$PM_RUNTIME" \\
	--cgroup-manager cgroupfs --events-backend file \\
	--storage-driver vfs "\$@"
SH
chmod +x "$PM_DIR/pm"
pm() { "$PM_DIR/pm" "$@"; }
pm_cleanup() {
	pm rm -a -f -t 0 >/dev/null 2>&1
	pm system reset -f >/dev/null 2>&1
	grep -o " $PM_DIR[^ ]*" /proc/mounts | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null
	done
	t_cleanup
}
trap pm_cleanup EXIT

/usr/bin/python3 "$CVISOR_SRC/tests/clients/mkimage.py" "$(busybox_rootfs)" \
	"$T_TMP/busybox.tar" docker.io/cvisor/busybox:test /bin/sh ||
	{ t_fail image "mkimage failed"; exit 1; }
pm load -q -i "$T_TMP/busybox.tar" >/dev/null 2>"$T_TMP/err" ||
	{ t_fail load "podman load: $(tail -3 "$T_TMP/err")"; exit 1; }
IMG=docker.io/cvisor/busybox:test

out=$(timeout 120 "$PM_DIR/pm" run --rm --ulimit "nofile=$NOFILE:$NOFILE" --ulimit "nproc=$NPROC:$NPROC" --network none "$IMG" sh -c 'echo hello-podman; exit 3' 2>"$T_TMP/err")
rc=$?
[ "$out" = hello-podman ] && [ $rc -eq 3 ] && t_ok "run to completion with exit status" ||
	t_fail "run to completion with exit status" "rc=$rc out='$out' $(tail -3 "$T_TMP/err")"

timeout 120 "$PM_DIR/pm" run -d --ulimit "nofile=$NOFILE:$NOFILE" --ulimit "nproc=$NPROC:$NPROC" --name pm-bg --network none "$IMG" sleep 1000 >/dev/null 2>"$T_TMP/err"
st=$(pm inspect -f '{{.State.Status}}' pm-bg 2>/dev/null)
[ "$st" = running ] && t_ok "run -d: running" ||
	t_fail "run -d: running" "status '$st' $(tail -3 "$T_TMP/err")"

out=$(timeout 60 "$PM_DIR/pm" exec pm-bg sh -c 'echo exec-ok' 2>&1)
[ "$out" = exec-ok ] && t_ok "exec" || t_fail "exec" "$out"

out=$(timeout 60 script -qec "$PM_DIR/pm exec -it pm-bg tty" /dev/null </dev/null 2>&1 | tr -d '\r')
case "$out" in
*/dev/pts/*) t_ok "exec -it gets a terminal" ;;
*) t_fail "exec -it gets a terminal" "$out" ;;
esac

out=$(timeout 60 "$PM_DIR/pm" top pm-bg 2>&1)
echo "$out" | grep -q 'sleep 1000' && t_ok "top lists the container's processes" ||
	t_fail "top lists the container's processes" "$out"

timeout 60 "$PM_DIR/pm" stop -t 2 pm-bg >/dev/null 2>&1
st=$(pm inspect -f '{{.State.Status}}' pm-bg 2>/dev/null)
[ "$st" = exited ] && t_ok "stop" || t_fail "stop" "status '$st'"
pm rm pm-bg >/dev/null 2>&1
[ -z "$(pm ps -aq)" ] && t_ok "rm leaves no container" || t_fail "rm leaves no container" "$(pm ps -a)"

out=$(timeout 120 "$PM_DIR/pm" run --rm -t --ulimit "nofile=$NOFILE:$NOFILE" --ulimit "nproc=$NPROC:$NPROC" --network none "$IMG" tty 2>&1 </dev/null | tr -d '\r')
case "$out" in
/dev/pts/*) t_ok "run -t gets a terminal" ;;
*) t_fail "run -t gets a terminal" "$out" ;;
esac

# podman's own network namespace joined by path (--network ns:PATH, as
# podman does for its default network) with a namespaced sysctl.
unshare -n sleep 120 </dev/null >/dev/null 2>&1 &
holder=$!
for _ in $(seq 50); do
	[ "$(readlink /proc/$holder/ns/net 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.1
done
out=$(timeout 120 "$PM_DIR/pm" run --rm --ulimit "nofile=$NOFILE:$NOFILE" --ulimit "nproc=$NPROC:$NPROC" \
	--network "ns:/proc/$holder/ns/net" --sysctl net.ipv4.ping_group_range="0 0" \
	"$IMG" sh -c 'echo joined' 2>"$T_TMP/err")
[ "$out" = joined ] && t_ok "run in a network namespace joined by path, with a net sysctl" ||
	t_fail "run in a network namespace joined by path, with a net sysctl" "out='$out' $(tail -3 "$T_TMP/err")"
t_expect "the sysctl is set in the joined namespace" "0	0" \
	nsenter -t "$holder" -n cat /proc/sys/net/ipv4/ping_group_range
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null || true
