#!/bin/bash
# Owner and mode of /proc files for a non-root task (uid 1000): stat by
# path must equal the host kernel's (/proc/<pid> belongs to the process's
# owner, the rest to root). fstat of an open virtual *file* shows the
# sentry's copy, owned by root, mode 0444: the documented difference
# (docs/oci-features.md, "Known differences"), asserted as such.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/vfs_owner
if [ ! -x "$PROG" ] || ! command -v setpriv >/dev/null; then
	t_skip vfs_owner "no $PROG or setpriv"
	exit 0
fi
PATHS="/proc/self/status /proc/self/stat /proc/self/environ /proc/self/cmdline /proc/cpuinfo /proc/self /proc/self/fd /proc/1"
setpriv --reuid 1000 --regid 1000 --clear-groups "$PROG" $PATHS \
	>"$T_TMP/native.out" 2>&1
B=$T_TMP/b
make_bundle "$B" /vfs_owner $PATHS
cp "$PROG" "$B/rootfs/vfs_owner"
jq '.process.user.uid = 1000 | .process.user.gid = 1000' "$B/config.json" \
	>"$B/c.json" && mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 60 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run own </dev/null \
	>"$T_TMP/sandbox.out" 2>&1)

# /proc/1 natively is the host's init (root's); in the sandbox it is the
# workload itself (uid 1000), as in a container.
sed -i 's|^/proc/1 \(f\?stat\) 0:0|/proc/1 \1 1000:1000|' "$T_TMP/native.out"
while read -r path kind want; do
	got=$(awk -v p="$path" -v k="$kind" '$1 == p && $2 == k { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }' \
		"$T_TMP/sandbox.out")
	case "$kind:$path" in
	fstat:/proc/self/status|fstat:/proc/self/stat|fstat:/proc/self/environ|fstat:/proc/self/cmdline)
		want="0:0 444" ;;	# the documented difference
	esac
	if [ "$got" = "$want" ]; then
		t_ok "$kind $path"
	else
		t_fail "$kind $path" "want '$want', sandbox: '${got:-(missing)}'"
	fi
done <"$T_TMP/native.out"
