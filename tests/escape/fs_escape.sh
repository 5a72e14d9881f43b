#!/bin/bash
# Filesystem escapes: inside the sandbox, tests/progs/fs_escape tries to
# reach a marker file planted on the host outside the container root:
# ".." walks from / and from a bind mount, symlinks to "/" and to host
# paths, /proc/self/{root,cwd,fd} and /proc/1/root tricks, hard links,
# device nodes, file handles, a chroot break-out and a symlink-swap race.
# Nothing outside the root may ever be read, and no /proc file may name a
# host path.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/fs_escape
if [ ! -x "$PROG" ]; then
	t_skip fs_escape "no $PROG (make test-progs)"
	exit 0
fi

token=cvisor-marker-$RANDOM$RANDOM$RANDOM
reversed=$(echo "$token" | rev)
marker=$T_TMP/outside/marker
mkdir -p "$T_TMP/outside" "$T_TMP/bindsrc"
echo "$token" >"$marker"
echo inside >"$T_TMP/bindsrc/file"

t_clean_begin "fsesc-*-$$"

# escape_run PROFILE: the attack program as root with PROFILE's
# capabilities (CAP_SYS_ADMIN, DAC_READ_SEARCH, MKNOD, SYS_CHROOT... in
# "all": open_by_handle_at, mounts, a chroot break-out are the kernel's to
# allow there, and must still reach nothing).
escape_run() {
	local prof=$1 B=$T_TMP/b-$1 name verdict rest
	make_bundle "$B" /fs_escape "$reversed" "$marker" "$T_TMP"
	cp "$PROG" "$B/rootfs/fs_escape"
	caps_profile "$B" "$prof"
	jq --arg src "$T_TMP/bindsrc" '.root.readonly = false |
	    .mounts += [{"destination":"/data","type":"bind","source":$src,
			 "options":["rbind","rw"]}]' \
		"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
	(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "fsesc-$prof-$$" </dev/null \
		>"$T_TMP/out" 2>"$T_TMP/err")

	if ! grep -q '^done ' "$T_TMP/out"; then
		t_fail "$prof: fs_escape_run" "incomplete: $(tail -n 3 "$T_TMP/out" | tr '\n' ' ')" \
			"$(tail -c 300 "$T_TMP/err" | tr '\n' ' ')"
	fi
	while read -r name verdict rest; do
		[ "$name" = done ] && continue
		if [ "$verdict" = ok ]; then
			t_ok "$prof: $name"
		else
			t_fail "$prof: $name" "$verdict $rest"
		fi
	done <"$T_TMP/out"

	# The host side: the marker is untouched, nothing was created next to it.
	t_expect "$prof: marker_untouched" "$token" cat "$marker"
	t_expect "$prof: nothing_created_outside" "marker" ls "$T_TMP/outside"
	if [ -e "$B/rootfs/tmp/esc/sda" ] || [ -e "$B/rootfs/tmp/esc/mem" ]; then
		t_fail "$prof: no_device_nodes" "a device node exists in the rootfs"
	else
		t_ok "$prof: no_device_nodes"
	fi
}
for_each_caps escape_run
B=$T_TMP/b-default

# Another user of the sandbox may not reach a process's environ, fds, maps,
# cwd, root or exe through /proc (the sentry reads them with its own
# privileges, so it must check as Linux would); its own are fine.
ASUSER=$CVISOR_PROGS/fs_asuser
if [ -x "$ASUSER" ]; then
	cp "$ASUSER" "$B/rootfs/fs_asuser"
	cat >"$B/rootfs/asuser.sh" <<'SH'
export SECRET=root-only
for f in environ maps fd cwd root exe; do
	/fs_asuser 65534 65534 /bin/ls -d "/proc/1/$f/" >/dev/null 2>&1 &&
		echo "reached-$f"
done
/fs_asuser 65534 65534 /bin/cat /proc/1/environ 2>/dev/null | grep -c SECRET
/fs_asuser 65534 65534 /bin/sh -c 'tr -d "\0" </proc/self/environ | grep -c SECRET'
echo end
SH
	jq '.process.args = ["/bin/sh", "/asuser.sh"] |
	    .process.capabilities.bounding += ["CAP_SETUID","CAP_SETGID"] |
	    .process.capabilities.effective += ["CAP_SETUID","CAP_SETGID"] |
	    .process.capabilities.permitted += ["CAP_SETUID","CAP_SETGID"]' \
		"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
	t_expect proc_other_user_denied "$(printf '0\n1\nend')" \
		bash -c "cd '$B' && timeout 60 '$RUNSC_BIN' --root '$T_ROOT' \
			--platform '$CVISOR_PLATFORM' run fsesc-asuser-$$ </dev/null"
fi
t_assert_clean "fsesc-*-$$"
