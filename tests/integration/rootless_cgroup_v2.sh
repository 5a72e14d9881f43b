#!/bin/bash
# Rootless with a delegated cgroup v2 subtree, as systemd gives a user
# (user@UID.service): in a private mount namespace where the host's
# cgroup2 hierarchy is mounted at /sys/fs/cgroup (the trick of
# cgroup_v2.sh), a directory is chown'ed to a test user and the user's
# shell is put in a child of it. runsc, like runc, then makes the
# container's cgroup next to its own (<delegated>/<id>), puts the sandbox
# in it and removes it on delete. Compared with runc as the same user.
# cvisor-test: per-platform
if [ -z "${CVISOR_V2_NS:-}" ] &&
	[ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" != cgroup2fs ]; then
	T_FILE=rootless_cgroup_v2
	if ! grep -qw cgroup2 /proc/filesystems || ! command -v unshare >/dev/null; then
		echo "skip $T_FILE: pure v2: no cgroup2 or no unshare(1)"
		exit 0
	fi
	exec env CVISOR_V2_NS=1 unshare -m -- "$BASH" "$0" "$@"
fi
if [ -n "${CVISOR_V2_NS:-}" ]; then
	mount --make-rprivate / &&
		umount -R /sys/fs/cgroup &&
		mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup ||
		{ echo "not ok rootless_cgroup_v2: set up the v2 namespace: mount failed"; exit 0; }
fi
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../rootless-lib.sh"

command -v runc >/dev/null || { t_skip rootless_cgroup_v2 "runc not installed"; exit 0; }
rl_setup || exit 0
CG=/sys/fs/cgroup
DELEG=$CG/cvrl-deleg-$$
mkdir -p "$DELEG/session"
# What systemd hands over with Delegate=yes: the directory and its
# cgroup.procs, cgroup.subtree_control, cgroup.threads.
chown "$RL_USER:" "$DELEG" "$DELEG"/cgroup.{procs,subtree_control,threads}
chown -R "$RL_USER:" "$DELEG/session"
v2_cleanup() {
	rl_cleanup
	for d in "$DELEG"/*/; do rmdir "$d" 2>/dev/null; done
	rmdir "$DELEG" 2>/dev/null
}
trap v2_cleanup EXIT

B=$RL_DIR/bundle
mkdir -p "$B"
cp -a "$(busybox_rootfs)" "$B/rootfs"
chown -R "$RL_USER:" "$B"
as_user "$RL_RUNSC" spec --rootless --bundle "$B"
jq '.process.terminal = false | .process.args = ["sleep", "1000"]' "$B/config.json" >"$B/c" &&
	mv "$B/c" "$B/config.json"
chown -R "$RL_USER:" "$B"

# in_session CMD...: CMD as the user, from a shell in the delegated
# subtree's session cgroup (moved there by root, as a login would be).
in_session() {
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$DELEG/session" \
		runuser -u "$RL_USER" -- env -C "$RL_DIR" HOME="$RL_DIR" \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
rs=(in_session "$RL_RUNSC" --root "$RL_DIR/state" --platform "$CVISOR_PLATFORM")
rr=(in_session runc --root "$RL_DIR/runc-state")

"${rr[@]}" create -b "$B" rr$$ >"$T_TMP/rr.err" 2>&1
rrpid=$("${rr[@]}" state rr$$ 2>/dev/null | jq -r .pid)
want=$(grep '^0::' "/proc/$rrpid/cgroup" 2>/dev/null | sed "s|rr$$|ID|")
if [ "$want" != "0::/cvrl-deleg-$$/ID" ]; then
	t_skip "delegated subtree" "runc did not use it: '$want' $(tail -c 200 "$T_TMP/rr.err")"
	exit 0
fi
if ! "${rs[@]}" create -b "$B" rs$$ >"$T_TMP/rs.err" 2>&1; then
	t_fail "create" "$(tail -c 300 "$T_TMP/rs.err")"
	exit 0
fi
t_ok "create"
pid=$("${rs[@]}" state rs$$ | jq -r .pid)
t_expect "the sandbox is in <delegated>/<id>, as runc's init" "$want" \
	sh -c "grep '^0::' /proc/$pid/cgroup | sed 's|rs$$|ID|'"
t_expect "state names the cgroup" "$DELEG/rs$$" jq -r .cgroup.unified "$RL_DIR/state/rs$$/state.json"
t_expect "the cgroup directory is the user's" "$RL_USER" stat -c %U "$DELEG/rs$$"
"${rs[@]}" start rs$$
"${rs[@]}" exec -d --pid-file "$RL_DIR/exec.pid" rs$$ sleep 1000
t_check "an exec'd process joins it" grep -qx "$(cat "$RL_DIR/exec.pid" 2>/dev/null)" "$DELEG/rs$$/cgroup.procs"
"${rr[@]}" start rr$$
for r in rs rr; do
	eval "cmd=(\"\${$r[@]}\")"
	"${cmd[@]}" kill $r$$ KILL
	for _ in $(seq 100); do
		[ "$("${cmd[@]}" state $r$$ 2>/dev/null | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	"${cmd[@]}" delete $r$$ >"$T_TMP/$r.del" 2>&1
	echo $? >>"$T_TMP/$r.del"
done
t_expect "delete succeeds as with runc" "$(tail -1 "$T_TMP/rr.del")" tail -1 "$T_TMP/rs.del"
t_check "delete removed the cgroup (runc's is gone too)" \
	sh -c "! [ -e '$DELEG/rs$$' ] && ! [ -e '$DELEG/rr$$' ]"
t_expect "delete left nothing in --root" "" ls -A "$RL_DIR/state"
t_check "no process of the user left" test -z "$(rl_procs)"
