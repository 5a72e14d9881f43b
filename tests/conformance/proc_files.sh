#!/bin/bash
# /proc and /sys against Linux (issue 14): tests/progs/proc_conform runs
# in a runc container and in a cvisor one made from the same bundle (the
# same config: a fresh network, ipc, uts and pid namespace, the default
# capabilities), and every case's line must be the same. The cases print
# what must agree with Linux (errnos, formats, keys, the container's own
# sockets, sysctls and processes), not values that differ by design.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc proc_conform proc_conform || exit 0

B=$T_TMP/b
make_bundle "$B" /proc_conform
cp "$PROG" "$B/rootfs/proc_conform"
jq '.root.readonly = false' "$B/config.json" >"$B/c.json" &&
	mv "$B/c.json" "$B/config.json"

t_run_runc_and_sandbox pc

t_compare_native

# A chrooted process reading through a /proc opened before its chroot
# (fd, maps, smaps, cwd, root, exe links; mounts and mountinfo): paths
# relative to its root, mounts out of its reach not shown. Needs
# CAP_SYS_CHROOT, given to both runtimes.
jq '.process.args = ["/proc_conform", "--chroot"] |
    .process.capabilities.bounding += ["CAP_SYS_CHROOT"] |
    .process.capabilities.effective += ["CAP_SYS_CHROOT"] |
    .process.capabilities.permitted += ["CAP_SYS_CHROOT"]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
rm -rf "$B/rootfs/pcjail"
(cd "$B" && timeout 120 "$RUNC" --root "$T_TMP/runc-root" run "pcc-runc-$$" \
	</dev/null >"$T_TMP/native.out" 2>"$T_TMP/native.err")
"$RUNC" --root "$T_TMP/runc-root" delete --force "pcc-runc-$$" >/dev/null 2>&1
rm -rf "$B/rootfs/pcjail"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "pcc-$$" \
	</dev/null >"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
if grep -q '^chroot ok$' "$T_TMP/native.out"; then
	t_compare_native
else
	t_fail chroot_native "the reference could not chroot: $(tr '\n' ' ' <"$T_TMP/native.out")"
fi
