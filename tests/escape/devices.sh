#!/bin/bash
# Device nodes: a container reaches a host device only when its device
# rules allow it, whatever the config, the mount or the platform.
#
# A loop device set up here holds a marker: reading it proves a host
# device was reached. Nodes of it (b 7:N), of /dev/mem (c 1:1), of an
# absent disk (b 8:0) and of /dev/null are put in the image with mknod
# before create, in a directory bind-mounted from the host, and in the
# container's /dev (linux.devices). tests/progs/dev_open reads each, opens
# it for writing, opens it O_PATH and reopens that through /proc/self/fd,
# and mknods a copy and reads that. Each config runs under runc and under
# cvisor: the verdicts must be runc's, or stricter where docs/security.md
# says why (mknod of a device, O_PATH of a refused node). Configs: no
# linux.resources.devices, an allow-all rule (runc then reads the marker:
# the attack is real), Docker's rules, a read-only rule for the loop
# device, and no devices list with the cgroup's device controller opened
# up by hand (what a host without one gives: the gofer and the sentry
# refuse alone). A device the host handed the container as its stdin,
# reopened through /proc/self/fd/0 (the sentry's own open). Then the
# image on a nodev mount: EACCES on both.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/dev_open
if [ ! -x "$PROG" ]; then
	t_skip devices "no $PROG (make test-progs)"
	exit 0
fi
if ! command -v runc >/dev/null || ! command -v losetup >/dev/null; then
	t_skip devices "needs runc and losetup"
	exit 0
fi

marker=CVISOR-LOOP-$RANDOM$RANDOM
printf '%s' "$marker" >"$T_TMP/img"
truncate -s 1M "$T_TMP/img"
LOOP=$(losetup -f --show "$T_TMP/img" 2>"$T_TMP/err")
if [ -z "$LOOP" ]; then
	t_skip devices "losetup: $(cat "$T_TMP/err")"
	exit 0
fi
NODEV_MNT=
cleanup_all() {
	[ -n "$NODEV_MNT" ] && umount "$NODEV_MNT" 2>/dev/null
	losetup -d "$LOOP" 2>/dev/null
	t_cleanup
}
trap cleanup_all EXIT
t_clean_begin "dev-*-$$"
lmaj=$((0x$(stat -c %t "$LOOP")))
lmin=$((0x$(stat -c %T "$LOOP")))
t_expect "the host reads the marker from $LOOP" "$marker" head -c ${#marker} "$LOOP"

B=$T_TMP/b
make_bundle "$B" /dev_open loop /nodes/loop mem /nodes/mem sda /nodes/sda \
	null /nodes/null bindloop /hostnodes/loop devloop /dev/xloop
cp "$PROG" "$B/rootfs/dev_open"
mkdir -p "$B/rootfs/nodes" "$B/rootfs/tmp" "$T_TMP/hostnodes"
mknod "$B/rootfs/nodes/loop" b "$lmaj" "$lmin"
mknod "$B/rootfs/nodes/mem" c 1 1
mknod "$B/rootfs/nodes/sda" b 8 0
mknod "$B/rootfs/nodes/null" c 1 3
mknod "$T_TMP/hostnodes/loop" b "$lmaj" "$lmin"
# base_config PROFILE: $T_TMP/base.json with PROFILE's capabilities and
# CAP_MKNOD (Docker's include it); the same config for both runtimes.
base_config() {
caps_profile "$B" "$1"
jq --arg src "$T_TMP/hostnodes" --argjson maj "$lmaj" --argjson min "$lmin" '
	.root.readonly = false |
	.process.capabilities |= with_entries(.value = (.value + ["CAP_MKNOD"] | unique)) |
	.mounts += [{destination: "/hostnodes", type: "bind", source: $src,
		     options: ["rbind", "rw"]}] |
	.linux.devices = [{path: "/dev/xloop", type: "b", major: $maj,
			   minor: $min, fileMode: 384}]' \
	"$B/config.json" >"$T_TMP/base.json"
}
cp "$B/config.json" "$T_TMP/spec.json"
base_config default

docker_rules='[{"allow":false,"access":"rwm"},
	{"allow":true,"type":"c","access":"m"},{"allow":true,"type":"b","access":"m"},
	{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},
	{"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"},
	{"allow":true,"type":"c","major":1,"minor":7,"access":"rwm"},
	{"allow":true,"type":"c","major":1,"minor":8,"access":"rwm"},
	{"allow":true,"type":"c","major":1,"minor":9,"access":"rwm"},
	{"allow":true,"type":"c","major":5,"minor":0,"access":"rwm"},
	{"allow":true,"type":"c","major":5,"minor":1,"access":"rwm"},
	{"allow":true,"type":"c","major":136,"access":"rwm"},
	{"allow":true,"type":"c","major":5,"minor":2,"access":"rwm"},
	{"allow":true,"type":"c","major":10,"minor":200,"access":"rwm"}]'
loopread_rules="[{\"allow\":false,\"access\":\"rwm\"},
	{\"allow\":true,\"type\":\"b\",\"major\":$lmaj,\"minor\":$lmin,\"access\":\"r\"}]"

config() {	# CASE: the bundle's config.json for that case
	case $1 in
	none | nocgroup) jq 'del(.linux.resources.devices)' "$T_TMP/base.json" ;;
	allowall) jq '.linux.resources.devices = [{allow: true, access: "rwm"}]' \
		"$T_TMP/base.json" ;;
	docker) jq --argjson r "$docker_rules" '.linux.resources.devices = $r' \
		"$T_TMP/base.json" ;;
	loopread) jq --argjson r "$loopread_rules" '.linux.resources.devices = $r' \
		"$T_TMP/base.json" ;;
	esac >"$B/config.json"
}

run_runc() {	# CASE
	(cd "$B" && timeout -k 5 60 runc --root "$T_TMP/runc" run "cvdev-$1-$$-$RANDOM" \
		</dev/null >"$T_TMP/runc.$1" 2>"$T_TMP/runc.$1.err")
	true
}

run_cvisor() {	# CASE
	(cd "$B" && timeout -k 5 60 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "dev-$1-$RANDOM-$$" </dev/null \
		>"$T_TMP/cv.$1" 2>"$T_TMP/cv.$1.err")
}

# Where cvisor may refuse what runc allows (docs/security.md, "Device
# nodes"): mknod of a device (the gofer holds no CAP_MKNOD) and O_PATH of
# a node the rules refuse; then there is nothing to read ("-") after it.
stricter_ok() {	# NAME CVISOR-RESULT
	case $1 in
	*_mknod | *_opath) return 0 ;;
	*_mknod_read | *_reopen) [ "$2" = - ] ;;
	*) return 1 ;;
	esac
}

compare() {	# CASE RUNC-OUT CVISOR-OUT
	local c=$1 name want got
	if ! grep -q '^done 0$' "$2" || ! grep -q '^done 0$' "$3"; then
		t_fail "$c: runs" "runc: $(tail -n 2 "$2" "$2.err" | tr '\n' ' ') cvisor: $(tail -n 2 "$3" "$3.err" | tr '\n' ' ')"
		return
	fi
	while read -r name want; do
		[ "$name" = done ] && continue
		got=$(awk -v n="$name" '$1 == n { print $2; exit }' "$3")
		if [ "$got" = "$want" ]; then
			t_ok "$c: $name $want as runc"
		elif [ "${got#ok}" = "$got" ] && stricter_ok "$name" "$got" &&
			{ [ "${want#ok}" != "$want" ] || [ "$got" = - ]; }; then
			t_ok "$c: $name $got, runc $want (stricter)"
		else
			t_fail "$c: $name" "runc: '$want', cvisor: '${got:-(missing)}'"
		fi
	done <"$2"
}

for c in none allowall docker loopread; do
	config "$c"
	run_runc "$c"
	run_cvisor "$c"
	compare "$c" "$T_TMP/runc.$c" "$T_TMP/cv.$c"
done

# The attack is real: with an allow-all rule runc reads the host's loop
# device through the image's node, the bind-mounted one and /dev's.
for t in loop bindloop devloop; do
	if grep -q "^${t}_read ok:$marker" "$T_TMP/runc.allowall"; then
		t_ok "allowall: runc reads the host's loop device through $t"
	else
		t_fail "allowall: runc reads the host's loop device through $t" \
			"$(grep "^${t}_read" "$T_TMP/runc.allowall")"
	fi
done
leak=$(grep -l "$marker" "$T_TMP/cv.none" "$T_TMP/cv.docker" 2>/dev/null)
t_expect "no config without a rule for it reads the loop device" "" echo "$leak"

# The same rules with Docker's and with all capabilities (CAP_SYS_RAWIO,
# SYS_ADMIN, MKNOD...): the verdicts are still runc's or the documented
# stricter ones, and nothing without a rule for it reads the loop device.
caps_cases() {	# PROFILE
	local prof=$1 c leak
	[ "$prof" = default ] && return
	cp "$T_TMP/spec.json" "$B/config.json"
	base_config "$prof"
	for c in none docker loopread; do
		config "$c"
		run_runc "$c"
		run_cvisor "$c"
		compare "$prof/$c" "$T_TMP/runc.$c" "$T_TMP/cv.$c"
	done
	leak=$(grep -l "$marker" "$T_TMP/cv.none" "$T_TMP/cv.docker" 2>/dev/null)
	t_expect "$prof: no config without a rule for it reads the loop device" "" echo "$leak"
}
mkdir -p "$T_TMP/keep"
cp "$T_TMP"/runc.* "$T_TMP"/cv.* "$T_TMP/keep/"
for_each_caps caps_cases
cp "$T_TMP"/keep/* "$T_TMP/"
cp "$T_TMP/spec.json" "$B/config.json"
base_config default

# No device controller: the cgroup's opened up by hand ("a" allowed) after
# create; a host process put in it reads the loop device, the container
# must not.
config nocgroup
(cd "$B" && "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	create dev-nocg-$$ </dev/null >"$T_TMP/cv.nocgroup" 2>"$T_TMP/cv.nocgroup.err")
devcg=$(jq -r '.cgroup.dirs.devices // empty' "$T_ROOT/dev-nocg-$$/state.json" 2>/dev/null)
if [ -z "$devcg" ] || [ ! -w "$devcg/devices.allow" ]; then
	t_skip nocgroup "no v1 devices controller to open up"
	runsc delete -f dev-nocg-$$ >/dev/null 2>&1
else
	echo a >"$devcg/devices.allow"
	t_expect "nocgroup: the cgroup now allows every device" "a *:* rwm" cat "$devcg/devices.list"
	t_expect "nocgroup: a host process in that cgroup reads the loop device" "$marker" \
		sh -c "echo \$\$ >'$devcg/cgroup.procs' && exec head -c ${#marker} '$LOOP'"
	runsc start dev-nocg-$$
	for i in $(seq 300); do
		[ "$(runsc state dev-nocg-$$ 2>/dev/null | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	runsc delete -f dev-nocg-$$ >/dev/null 2>&1
	compare nocgroup "$T_TMP/runc.none" "$T_TMP/cv.nocgroup"
fi

# A device the host gave the container (its stdin is the loop device),
# reopened through /proc/self/fd/0: the sentry's own open. create/start,
# so both runtimes pass stdin through as it is. With the cgroup's device
# controller opened up for cvisor, the sentry's check stands alone.
stdin_case() {	# RUNTIME ID [open-up]
	local st i
	jq '.process.args = ["/dev_open", "stdin", "/proc/self/fd/0"]' \
		"$B/config.json" >"$T_TMP/c.json" && cp "$T_TMP/c.json" "$B/config.json"
	if [ "$1" = runc ]; then
		(cd "$B" && runc --root "$T_TMP/runc" create "$2" <"$LOOP" \
			>"$T_TMP/$2.out" 2>"$T_TMP/$2.err")
		runc --root "$T_TMP/runc" start "$2"
	else
		(cd "$B" && "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
			create "$2" <"$LOOP" >"$T_TMP/$2.out" 2>"$T_TMP/$2.err")
		if [ -n "${3:-}" ]; then
			st=$(jq -r '.cgroup.dirs.devices // empty' "$T_ROOT/$2/state.json")
			[ -n "$st" ] && echo a >"$st/devices.allow"
		fi
		runsc start "$2"
	fi
	for i in $(seq 300); do
		if [ "$1" = runc ]; then
			st=$(runc --root "$T_TMP/runc" state "$2" 2>/dev/null | jq -r .status)
		else
			st=$(runsc state "$2" 2>/dev/null | jq -r .status)
		fi
		[ "$st" = stopped ] && break
		sleep 0.1
	done
	if [ "$1" = runc ]; then
		runc --root "$T_TMP/runc" delete -f "$2" >/dev/null 2>&1
	else
		runsc delete -f "$2" >/dev/null 2>&1
	fi
}
config none
stdin_case runc "cvdev-stdin-$$"
stdin_case cvisor "dev-stdin-$$"
compare stdin "$T_TMP/cvdev-stdin-$$.out" "$T_TMP/dev-stdin-$$.out"
config allowall
stdin_case runc "cvdev-stdin-all-$$"
stdin_case cvisor "dev-stdin-all-$$"
compare "stdin allowall" "$T_TMP/cvdev-stdin-all-$$.out" "$T_TMP/dev-stdin-all-$$.out"
if grep -q "^stdin_read ok:$marker" "$T_TMP/cvdev-stdin-all-$$.out"; then
	t_ok "stdin allowall: runc reads the host's loop device through /proc/self/fd/0"
else
	t_fail "stdin allowall: runc reads the host's loop device through /proc/self/fd/0" \
		"$(head -n 1 "$T_TMP/cvdev-stdin-all-$$.out")"
fi
if [ -n "$devcg" ]; then
	config none
	stdin_case cvisor "dev-stdin-nocg-$$" open-up
	compare "stdin, no device controller" "$T_TMP/cvdev-stdin-$$.out" \
		"$T_TMP/dev-stdin-nocg-$$.out"
fi

# The image on a nodev mount: the kernel refuses the open first (EACCES),
# under runc and cvisor alike, whatever the rules.
NODEV_MNT=$B/rootfs
if mount --bind "$NODEV_MNT" "$NODEV_MNT" &&
	mount -o remount,bind,nodev "$NODEV_MNT"; then
	for c in allowall none; do
		config "$c"
		run_runc "$c"
		run_cvisor "$c"
		for t in loop mem; do
			t_expect "nodev $c: runc ${t}_read EACCES" EACCES \
				awk -v n="${t}_read" '$1 == n { print $2 }' "$T_TMP/runc.$c"
			t_expect "nodev $c: cvisor ${t}_read EACCES" EACCES \
				awk -v n="${t}_read" '$1 == n { print $2 }' "$T_TMP/cv.$c"
		done
	done
else
	t_skip nodev "cannot remount the rootfs nodev"
fi
if [ -n "$NODEV_MNT" ]; then
	umount "$NODEV_MNT" 2>/dev/null
	NODEV_MNT=
fi
t_assert_clean "dev-*-$$"
