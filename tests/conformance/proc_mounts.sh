#!/bin/bash
# The mount table against runc's (issue 14): /proc/self/mounts,
# /proc/self/mountinfo (per-mount options, type, source, the super block's
# options) and findmnt's OPTIONS, VFS-OPTIONS and FS-OPTIONS, for the same
# bundle under runc and cvisor, with four configs: runc's default spec
# ("runsc spec"); Docker's mounts (tests/data/clients/docker-readonly.json:
# a size in bytes, a read-only root, read-only binds); unusual options
# (a tmpfs's size in k, %, bytes, nr_inodes, mode, uid and gid, a read-only
# tmpfs, a devpts with other gid, modes and max, a read-only mqueue, a
# writable sysfs); a user namespace (ids as the host's). One line per mount and column, "CONFIG:WHAT:POINT
# VALUE", then "done 0"; compared like the other conformance tests.
# Documented differences (docs/architecture.md), reported as skips: the
# root's and a bind's source and file system options are the host's (the
# sandbox shows "none" and rw/ro only), /sys/fs/cgroup is a cgroup2
# view whatever the host has, and runc's binds of the host's device nodes
# in a user namespace are nodes of the sandbox's /dev.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

RUNC=$(command -v runc)
if [ -z "$RUNC" ] || [ "$(id -u)" != 0 ] || [ ! -x /usr/bin/bash ] ||
	[ ! -x /usr/bin/findmnt ]; then
	t_skip proc_mounts "needs root, runc (the reference), bash and findmnt"
	exit 0
fi

B=$T_TMP/b
R=$B/rootfs
host_usr_rootfs "$R" scratch data mnt/a mnt/b
touch "$R/etc/hosts" "$R/etc/hostname" "$R/etc/resolv.conf"
mkdir -p "$T_TMP/host"
for f in hosts hostname resolv.conf; do echo "$f" >"$T_TMP/host/$f"; done
cat >"$R/probe.sh" <<'EOF'
c=$1
command -v awk >/dev/null || exit 1
# mountinfo: ID PARENT DEV ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER
# (a bind of a host's device node: one line, a documented difference)
awk -v c="$c" '{
	for (i = 7; $i != "-"; i++)
		;
	if ($(i + 1) == "devtmpfs") {
		print c ":host_dev:" $5, $(i + 1)
		next
	}
	print c ":mi_opts:" $5, $6
	print c ":mi_super:" $5, $(i + 1), $(i + 3)
	print c ":mi_source:" $5, $(i + 2)
	print c ":mi_root:" $5, $4
}' /proc/self/mountinfo
awk -v c="$c" '$3 != "devtmpfs" { print c ":mounts:" $2, $3, $4, $5, $6 }' \
	/proc/self/mounts
findmnt -rn -o TARGET,FSTYPE,OPTIONS,VFS-OPTIONS,FS-OPTIONS |
	awk -v c="$c" '$2 != "devtmpfs" { t = $1; $1 = ""; print c ":findmnt:" t $0 }'
# the mount points but the cgroup view's and the host's device nodes'
echo "$c:points $(awk '$5 !~ /^\/sys\/fs\/cgroup(\/|$)/ &&
	!($5 ~ /^\/dev\// && / - devtmpfs /) { print $5 }' /proc/self/mountinfo |
	tr '\n' ' ')"
echo "done 0"
EOF
"$RUNSC_BIN" spec --bundle "$B" >/dev/null
cp "$B/config.json" "$T_TMP/spec.json"

# config NAME JQ-FILTER [JQ-ARGS...]: the bundle's config.json := runc's
# default spec, the probe as the process ("probe.sh NAME"), the host's
# /usr bound read-only ($usr), then JQ-FILTER.
config() {
	local name=$1 filter=$2
	shift 2
	jq --argjson usr "$USR_MOUNT" --arg name "$name" "$@" \
		'.process.terminal = false | .root.readonly = false |
		.process.env += ["LC_ALL=C.UTF-8", "COLUMNS=300"] |
		.process.args = ["/usr/bin/bash", "/probe.sh", $name] |
		.mounts += [$usr] | '"$filter" "$T_TMP/spec.json" >"$B/config.json"
}

# The options the kernel keeps in the mount, not the file system:
# what a host file system's options are reduced to in the sandbox.
vfs_only() {
	local w out=() o keep
	for w in $1; do
		if [[ $w =~ ^r[wo](,|$) ]]; then
			keep=
			for o in ${w//,/ }; do
				case $o in
				rw | ro | nosuid | nodev | noexec | sync | dirsync | \
					noatime | nodiratime | relatime | lazytime)
					keep+=${keep:+,}$o ;;
				esac
			done
			w=$keep
		fi
		out+=("$w")
	done
	echo "${out[*]}"
}

# known NAME HOST SANDBOX: a documented difference (t_compare_native).
known() {
	local name=$1 host=$2 got=$3 point=${1#*:*:} b
	case $name in
	*:/sys/fs/cgroup | *:/sys/fs/cgroup/*) return 0 ;;
	# runc in a user namespace binds the host's device nodes; the
	# sandbox's are nodes of its /dev tmpfs
	*:host_dev:*)
		[ -z "$got" ]
		return
		;;
	esac
	for b in / $(jq -r '.mounts[] | select(.type == "bind" or
		(.options // [] | index("bind") or index("rbind"))) |
		.destination' "$B/config.json"); do
		[ "$point" = "$b" ] || continue
		case $name in
		*:mi_source:*) [ "$got" = none ] ;;
		*:mi_root:*) [ "$got" = / ] ;;
		*) [ "$got" = "$(vfs_only "$host")" ] ;;
		esac
		return
	done
	return 1
}

run_config() { # NAME JQ-FILTER [JQ-ARGS...]
	if ! config "$@"; then
		t_fail "$1" "cannot make the config"
		return
	fi
	t_run_runc_and_sandbox "pm-$1"
	t_compare_native known
}

run_config default '.'

# Docker's (a read-only root, /dev/shm's size in bytes, a tmpfs of 1m,
# read-only binds: of files of the test's here)
DOCKER=$(jq -c --arg h "$T_TMP/host" '[.mounts[] | if .type == "bind" then
	.source = $h + "/" + (.destination | ltrimstr("/etc/")) else . end]' \
	"$CVISOR_SRC/tests/data/clients/docker-readonly.json")
run_config docker '.root.readonly = true | .mounts = $docker + [$usr]' \
	--argjson docker "$DOCKER"

# Unusual options; a writable bind of a directory of the host's
UNUSUAL='[
 {"destination":"/dev/shm","type":"tmpfs","source":"shm",
  "options":["nosuid","nodev","size=1m","mode=1777","uid=1000"]},
 {"destination":"/mnt/a","type":"tmpfs","source":"tmpfs",
  "options":["nosuid","nr_inodes=1k","mode=0700","gid=100","size=10%","uid=0"]},
 {"destination":"/mnt/b","type":"tmpfs","source":"none",
  "options":["ro","noexec","noatime","size=100000","size=2m","mode=01755"]},
 {"destination":"/data","type":"bind","source":"'"$T_TMP/host"'",
  "options":["rbind","nosuid"]}]'
run_config unusual '(.mounts[] | select(.destination == "/dev/pts") |
		.options) = ["nosuid","noexec","newinstance","ptmxmode=0","mode=660","gid=100","max=64"] |
	(.mounts[] | select(.destination == "/dev/mqueue") | .options) += ["ro"] |
	(.mounts[] | select(.destination == "/sys") | .options) -= ["ro"] |
	.mounts = [.mounts[] | select(.destination != "/dev/shm")] + $unusual' \
	--argjson unusual "$UNUSUAL"

# A user namespace: a tmpfs's and devpts's ids are the host's, as the
# kernel prints them (runc mounts them inside the namespace, the gofer
# with the ids mapped); the mapped root must reach the rootfs
chmod 755 "$T_TMP"
run_config userns '.linux.namespaces += [{"type": "user"}] |
	.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
	.linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}] |
	.mounts = [.mounts[] | select(.type != "cgroup")] +
	[{"destination": "/mnt/a", "type": "tmpfs", "source": "tmpfs",
	  "options": ["size=1m", "uid=1000", "mode=750"]}]'
