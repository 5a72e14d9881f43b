# Sourced by the Docker client test and the fixture capture: a private
# dockerd 20.10 (Debian's docker.io) with its own data root, exec root,
# pidfile, socket and cgroup parent, and the containerd it starts itself;
# no bridge, no iptables. Needs tests/lib.sh (T_TMP, t_cleanup).
#
#   dk_have              the daemon and the 20.10 client are installed
#   dk_start RUNTIMES    start it; RUNTIMES is daemon.json's "runtimes" object
#   dk_config RUNTIMES [DEFAULT]  rewrite daemon.json (then SIGHUP $DK_PID)
#   dk ARGS...           the 20.10 client against it ($DK_DIR/dk: a script)
#   dk_stop              remove every container, stop dockerd by its pid,
#                        kill by pid whatever of it is left (shims)
#   dk_cleanup           dk_stop, then unmount, rmdir and remove all it left
#   our_pids, our_mounts, our_cgroups   what is left of it
DOCKERD=/usr/sbin/dockerd
DOCKER=/usr/bin/docker	# the 20.10 client; a newer one may come first on PATH
dk_have() {
	[ -x $DOCKERD ] && [ -x $DOCKER ] && [ -x /usr/bin/containerd ]
}

DK_DIR=$T_TMP/docker
DK_EXEC=	# made by dk_start
DK_SOCK=$DK_DIR/docker.sock
DK_CG=cvisor-docker-$$
IMG=cvisor/busybox:test
KEY=/etc/docker/key.json
mkdir -p "$DK_DIR"/{data,share}

cat >"$DK_DIR/dk" <<SH
#!/bin/sh
exec $DOCKER -H "unix://$DK_SOCK" "\$@"
SH
chmod +x "$DK_DIR/dk"
dk() { "$DK_DIR/dk" "$@"; }

# dk_config RUNTIMES [DEFAULT]: daemon.json.
dk_config() {
	cat >"$DK_DIR/daemon.json" <<JSON
{
	"runtimes": $1,
	"default-runtime": "${2:-runc}",
	"storage-driver": "overlay2",
	"cgroup-parent": "/$DK_CG",
	"iptables": false,
	"ip6tables": false,
	"bridge": "none",
	"userland-proxy": false
}
JSON
}

dk_start() {
	# runsc keeps its state in <exec-root>/runtime-runc/moby/<64-hex id>/
	# and binds sentry.sock there: an exec root long enough that the
	# socket's full path exceeds sun_path (108 bytes) checks that no
	# socket is bound or connected by that path.
	DK_EXEC=$(mktemp -d /run/cvisor-docker-exec-root-longer-than-sun-path.XXXXXX) || return 1
	# dockerd 20.10 makes a trust key and a plugin directory outside its
	# roots: removed at the end unless they were there before.
	[ -e $KEY ] && key_was_there=1 || key_was_there=
	[ -e /run/docker ] && run_docker_was_there=1 || run_docker_was_there=
	dk_config "$1"
	$DOCKERD --config-file "$DK_DIR/daemon.json" --data-root "$DK_DIR/data" \
		--exec-root "$DK_EXEC" --pidfile "$DK_DIR/docker.pid" \
		-H "unix://$DK_SOCK" >"$DK_DIR/log" 2>&1 &
	DK_PID=$!
	for _ in $(seq 150); do
		[ -S "$DK_SOCK" ] && dk version >/dev/null 2>&1 && return 0
		kill -0 $DK_PID 2>/dev/null || break
		sleep 0.2
	done
	return 1
}

# Processes whose command line names our exec root: containerd and its
# shims, and any runsc they started.
our_pids() {
	local p
	[ -n "$DK_EXEC" ] || return 0
	for p in /proc/[0-9]*; do
		{ tr '\0' ' ' <"$p/cmdline" | grep -q -- "$DK_EXEC"; } 2>/dev/null &&
			echo "${p#/proc/}"
	done
}

our_mounts() {
	[ -n "$DK_EXEC" ] || return 0
	awk -v a="$DK_DIR" -v b="$DK_EXEC" \
		'index($5, a) == 1 || index($5, b) == 1 { print $5 }' \
		/proc/self/mountinfo
}

our_cgroups() {
	find /sys/fs/cgroup/ -maxdepth 2 -name "$DK_CG" 2>/dev/null
}

dk_stop() {
	local p
	[ -n "${DK_PID:-}" ] || return 0
	timeout 60 "$DK_DIR/dk" rm -f $(dk ps -aq 2>/dev/null) >/dev/null 2>&1
	kill $DK_PID 2>/dev/null
	for _ in $(seq 100); do
		kill -0 $DK_PID 2>/dev/null || break
		sleep 0.1
	done
	kill -9 $DK_PID 2>/dev/null
	wait $DK_PID 2>/dev/null
	DK_PID=
	# A shim that outlived its containerd, by pid.
	for p in $(our_pids); do
		kill -9 "$p" 2>/dev/null
	done
}

dk_cleanup() {
	local m d
	dk_stop
	[ -n "$DK_EXEC" ] || return 0
	our_mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
	for d in $(our_cgroups); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	[ -n "$key_was_there" ] || rm -f $KEY
	[ -n "$run_docker_was_there" ] || rmdir /run/docker/plugins /run/docker 2>/dev/null
	rm -rf "$DK_EXEC"
}
