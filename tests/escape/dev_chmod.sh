#!/bin/bash
# Container root changes the owner and mode of its device nodes (the
# default set, a linux.devices entry) and of a masked file: it may, and
# sees the change, but the nodes must be the container's own, never the
# host's. In the sandbox's own user namespace (identity maps, so host
# root's files stay root's) a bind of a host node would let it chmod the
# host's /dev/null through the gofer; the nodes are made in the host's
# user namespace instead (runsc/mounts.h mounts_dev_store). runc for the
# same config, where its nodes are its own too: the attack is seen to take
# effect inside, and the host's nodes never change. Every capability
# profile (default, Docker's, all).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_skip dev_chmod "needs root"
	exit 0
fi

NODES="/dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty"
host_modes() { stat -c '%n %a %u %g' $NODES; }
BEFORE=$(host_modes)
restore() {
	# Never leave the machine broken if the attack got through.
	local n a u g
	while read -r n a u g; do
		chmod "$a" "$n" && chown "$u:$g" "$n"
	done <<<"$BEFORE"
}
trap 'restore; t_cleanup' EXIT

# (one line: make_bundle takes an argument a line; only stdout is
# compared, the errors of a profile without CAP_CHOWN come in any order)
ATTACK='for n in null zero full random urandom tty; do chown 1234:1234 /dev/$n; chmod 0 /dev/$n; done; chown 1234:1234 /etc/masked; chmod 0 /etc/masked; stat -c "%n %a %u" /dev/null /dev/tty /etc/masked; [ ! -e /dev/mynull ] || { chown 1234 /dev/mynull; chmod 0 /dev/mynull; stat -c "%n %a %u" /dev/mynull; }'
# bundle DIR PROFILE [devices]: with "devices", a linux.devices entry
# /dev/mynull (1:3) too.
bundle() {
	local dir=$1 prof=$2 dev='.'
	[ "${3:-}" = devices ] && dev='.linux.devices = [{"path": "/dev/mynull",
		"type": "c", "major": 1, "minor": 3, "fileMode": 438,
		"uid": 0, "gid": 0}] |
	    .linux.resources.devices += [{"allow": true, "type": "c",
		"major": 1, "minor": 3, "access": "rwm"}]'
	make_bundle "$dir" sh -c "$ATTACK"
	echo secret >"$dir/rootfs/etc/masked"
	caps_profile "$dir" "$prof"
	jq ".linux.maskedPaths += [\"/etc/masked\"] | $dev" \
		"$dir/config.json" >"$dir/c.json" && mv "$dir/c.json" "$dir/config.json"
}

# attack PROFILE [devices]
attack() {
	local d=${2:-} B=$T_TMP/$1${2:-} prof=$1${2:+ $2} want got
	bundle "$B/runc" "$1" "$d"
	bundle "$B/cv" "$1" "$d"
	# runc's output is what the container must see (without CAP_CHOWN the
	# chown fails there too); its chmod of /dev/null must have worked.
	want=$(cd "$B/runc" && timeout -k 5 60 runc --root "$T_TMP/runc" \
		run "cvchmod-$1$d-$$" </dev/null 2>"$T_TMP/runc.err")
	t_check "$prof: runc: the chmod takes effect inside" \
		grep -q '^/dev/null 0 ' <<<"$want"
	t_expect "$prof: runc: the host's nodes unchanged" "$BEFORE" host_modes
	restore
	got=$(cd "$B/cv" && timeout -k 5 60 "$RUNSC_BIN" --root "$T_ROOT" \
		run "chmod-$1$d" </dev/null 2>"$T_TMP/cv.err")
	t_expect "$prof: the container sees what runc's does" "$want" \
		echo "$got"
	t_expect "$prof: the host's nodes unchanged" "$BEFORE" host_modes
	restore
	"$RUNSC_BIN" --root "$T_ROOT" delete --force "chmod-$1$d" >/dev/null 2>&1
}

if ! command -v runc >/dev/null; then
	t_skip dev_chmod "needs runc"
	exit 0
fi
t_clean_begin 'chmod-*'
for_each_caps attack
attack all devices
t_assert_clean 'chmod-*'
