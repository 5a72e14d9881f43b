# Sourced after lib.sh by the rootless tests: a throw-away user made for
# the test (useradd) and deleted at the end, with its own world-readable
# work directory holding a copy of our runsc.
#
#   rl_setup              makes the user RL_USER (uid RL_UID) and RL_DIR;
#                         returns 1 (after a skip line) when it cannot
#   as_user CMD...        CMD as RL_USER in RL_DIR, HOME=RL_DIR
#   RL_RUNSC              our runsc, copied where the user can run it
#   rl_cleanup            kills what the user left, deletes user and dir
#                         (also run by the EXIT trap rl_setup installs)

rl_setup() {
	if [ "$(id -u)" -ne 0 ]; then
		t_skip setup "needs root to make a test user"
		return 1
	fi
	command -v useradd >/dev/null || { t_skip setup "no useradd"; return 1; }
	RL_USER=cvrl$$
	useradd -M -d /nonexistent -s /bin/sh "$RL_USER" 2>"$T_TMP/err" ||
		{ t_fail setup "useradd: $(cat "$T_TMP/err")"; return 1; }
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	RL_DIR=$(mktemp -d /tmp/cvisor-rootless.XXXXXX)
	chmod 755 "$RL_DIR"
	mkdir -p "$RL_DIR/bin"
	cp "$RUNSC_BIN" "$RL_DIR/bin/runsc"
	chmod 755 "$RL_DIR/bin/runsc"
	chown -R "$RL_USER:" "$RL_DIR"
	RL_RUNSC=$RL_DIR/bin/runsc
	trap rl_cleanup EXIT
	return 0
}

as_user() {
	runuser -u "$RL_USER" -- env -C "$RL_DIR" HOME="$RL_DIR" \
		XDG_RUNTIME_DIR="$RL_DIR/xdg" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		"$@"
}

# The user's live processes, one "pid comm" a line (none: empty).
# Zombies are not counted: exited, they wait for the reaper they were
# reparented to (the host's pid 1 here, which reaps them in its time).
rl_procs() {
	ps -u "$RL_UID" -o pid=,stat=,comm= 2>/dev/null | awk '$2 !~ /^Z/'
}

rl_cleanup() {
	if [ -n "${RL_USER:-}" ]; then
		# The test user's leftovers, by pid (a user of this test only).
		for p in $(ps -u "$RL_UID" -o pid= 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		sleep 0.2
		grep -o " $RL_DIR[^ ]*" /proc/mounts 2>/dev/null | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null; done
		userdel "$RL_USER" 2>/dev/null
		sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid 2>/dev/null
		rm -rf "$RL_DIR"
		RL_USER=
	fi
	t_cleanup
}
