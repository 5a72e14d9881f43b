#!/bin/bash
# Rootless podman (a test user made here, its own user namespace with the
# subordinate ids useradd gave it, private --root/--runroot/storage, an
# image imported offline) with --runtime our runsc: run to completion, -d,
# exec, exec -it, top, stop, rm, run -t. Each step is done with runc too,
# by the same user, and the two must agree. Nothing of the user's left.
# cvisor-test: slow
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../rootless-lib.sh"

command -v podman >/dev/null || { t_skip podman-rootless "podman not installed"; exit 0; }
command -v runc >/dev/null || { t_skip podman-rootless "runc not installed"; exit 0; }
if ! command -v newuidmap >/dev/null || ! command -v newgidmap >/dev/null; then
	t_skip podman-rootless "newuidmap/newgidmap missing (package uidmap, scripts/deps.sh)"
	exit 0
fi
rl_setup || exit 0
# Subordinate ids for the user namespace podman makes: useradd adds them
# on Debian (SUB_UID_COUNT); rl_cleanup removes them with the user.
for f in /etc/subuid /etc/subgid; do
	grep -q "^$RL_USER:" "$f" 2>/dev/null ||
		echo "$RL_USER:$((200000 + (RL_UID % 1000) * 65536)):65536" >>"$f"
done

# A wrapper script so that timeout(1) and script(1) can run it; RT picks
# the runtime, and each runtime has its own storage (the same names are
# used with both). XDG_RUNTIME_DIR (where runc and runsc keep their state
# for podman) is short, as /run/user/UID is: socket paths must fit in
# sun_path.
XDG=$(mktemp -d /tmp/cvx.XXXXXX)
cat >"$RL_DIR/pm" <<SH
#!/bin/sh
s=\$(basename "\$RT")
exec podman --root "$RL_DIR/storage-\$s" --runroot "$RL_DIR/run-\$s" \\
	--tmpdir "$RL_DIR/tmp" --runtime "\$RT" \\
	--cgroup-manager cgroupfs --events-backend file \\
	--storage-driver vfs "\$@"
SH
chmod 755 "$RL_DIR/pm"
chmod 700 "$XDG"
chown "$RL_USER:" "$RL_DIR/pm" "$XDG"
pm_as() { # RUNTIME ARGS...
	local rt=$1
	shift
	as_user env RT="$rt" XDG_RUNTIME_DIR="$XDG" "$RL_DIR/pm" "$@"
}
pm_cleanup() {
	for rt in "$RL_RUNSC" runc; do
		pm_as "$rt" rm -a -f -t 0 >/dev/null 2>&1
	done
	for rt in "$RL_RUNSC" runc; do
		pm_as "$rt" system reset -f >/dev/null 2>&1
	done
	rl_cleanup
	rm -rf "$XDG"
}
trap pm_cleanup EXIT

/usr/bin/python3 "$CVISOR_SRC/tests/clients/mkimage.py" "$(busybox_rootfs)" \
	"$RL_DIR/busybox.tar" docker.io/cvisor/busybox:test /bin/sh ||
	{ t_fail image "mkimage failed"; exit 1; }
chown "$RL_USER:" "$RL_DIR/busybox.tar"
for rt in runc "$RL_RUNSC"; do
	pm_as "$rt" load -q -i "$RL_DIR/busybox.tar" >/dev/null 2>"$T_TMP/err" ||
		{ t_fail load "podman load: $(tail -3 "$T_TMP/err")"; exit 1; }
done
IMG=docker.io/cvisor/busybox:test

# step NAME CMD WANT: CMD (a shell snippet using $pm) once per runtime;
# the outputs (stdout and status) must be the same, and runc's must match
# the regex WANT (so a step that fails everywhere cannot pass).
step() {
	local name=$1 cmd=$2 want=$3 rt out
	for rt in runc "$RL_RUNSC"; do
		out=$(timeout 120 runuser -u "$RL_USER" -- \
			env -C "$RL_DIR" HOME="$RL_DIR" XDG_RUNTIME_DIR="$XDG" \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin RT="$rt" pm="$RL_DIR/pm" \
			sh -c "$cmd; echo rc=\$?" 2>"$T_TMP/err.$(basename "$rt")" </dev/null |
			tr -d '\r\0')
		echo "$out" >"$T_TMP/out.$(basename "$rt")"
	done
	if ! grep -Eq "$want" "$T_TMP/out.runc"; then
		t_fail "$name" "runc's run is not as expected ($want): '$(cat "$T_TMP/out.runc")' $(tail -c 300 "$T_TMP/err.runc" | tr '\n' ' ')"
	elif [ "$(cat "$T_TMP/out.runc")" = "$(cat "$T_TMP/out.runsc")" ]; then
		t_ok "$name"
	else
		t_fail "$name" "runc: '$(cat "$T_TMP/out.runc")', runsc: '$(cat "$T_TMP/out.runsc")' $(tail -c 300 "$T_TMP/err.runsc" | tr '\n' ' ')"
	fi
}

step "run to completion with exit status" \
	"\$pm run --rm --network none $IMG sh -c 'id -u; echo hello-podman; exit 3'" \
	'hello-podman'
step "run with a memory limit (podman drops it on v1 rootless hosts)" \
	"\$pm run --rm --memory 64m --network none $IMG echo mem-ok 2>/dev/null" '^mem-ok$'
step "run -d: running" \
	"\$pm run -d --name bg --network none $IMG sleep 1000 >/dev/null &&
	 \$pm inspect -f '{{.State.Status}}' bg" '^running$'
step "exec" "\$pm exec bg sh -c 'id -u; echo exec-ok; exit 5'" '^rc=5$'
step "exec -it gets a terminal" \
	"script -qec \"\$pm exec -it bg tty\" /dev/null | tr -d '\\r' | sed 's|\\^@||g; s|[0-9]*\$||'" \
	'/dev/pts/'
step "top lists the container's processes" "\$pm top bg args" 'sleep 1000'
step "stop" "\$pm stop -t 1 bg >/dev/null 2>&1; \$pm inspect -f '{{.State.Status}}' bg" \
	'^exited$'
step "rm leaves no container" "\$pm rm bg >/dev/null && \$pm ps -aq" '^rc=0$'
step "run -t gets a terminal" \
	"\$pm run --rm -t --network none $IMG tty | tr -d '\\r' | sed 's|\\^@||g; s|[0-9]*\$||'" '^/dev/pts/$'
t_expect "no state of ours left under the runtime's root" "" \
	sh -c "ls -A '$XDG/cvisor' 2>/dev/null"
