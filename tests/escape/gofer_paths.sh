#!/bin/bash
# Escapes through the file server: a workload tries to reach a host file by
# "..", absolute and relative symlinks, /proc root links and a device node.
# The gofer resolves every path inside the sandbox root, so the host
# marker must never show, and files the workload creates land in its
# rootfs only.
# cvisor-test: per-platform
. "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

hostfile=$T_TMP/marker
marker=gofer-escape-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
echo "$marker" >"$hostfile"

run_in() { # name, shell script [jq filter]: prints the container's output
	local b=$T_TMP/$1
	make_bundle "$b" /bin/sh -c "$2" >/dev/null 2>&1 || return 1
	# a writable root, so the attacks can plant their symlinks
	jq ".root.readonly = false ${3:+| $3}" "$b/config.json" >"$b/config.json.new" &&
		mv "$b/config.json.new" "$b/config.json"
	[ -z "${4:-}" ] || "$4" "$b"
	(cd "$b" && timeout -k 5 20 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "$1-$$" 2>&1)
}

if [ "$(run_in smoke 'echo sandbox-ok')" != "sandbox-ok" ]; then
	for t in dotdot symlinks proc_root mknod creates_in_rootfs user_creds; do
		t_skip "$t" "runsc cannot run a container yet"
	done
	exit 0
fi

check_no_marker() { # name, script [token the script must print]
	local out
	out=$(run_in "$1" "$2; echo script-done")
	if [[ $out == *"$marker"* ]]; then
		t_fail "$1" "host file read: $out"
	elif [[ $out != *script-done* ]]; then
		t_fail "$1" "script did not run: $(echo "$out" | tail -c 300)"
	elif [ -n "${3:-}" ] && [[ $out != *"$3"* ]]; then
		t_fail "$1" "attack not set up ($3 missing): $(echo "$out" | tail -c 300)"
	else
		t_ok "$1"
	fi
}

check_no_marker dotdot "cat $hostfile ../../../../..$hostfile; \
	mkdir -p /x/y && cd /x/y && echo INSIDE && cat ../../../../../..$hostfile" INSIDE
check_no_marker symlinks "ln -s ../../../../../../..$hostfile /l1 && \
	ln -s $hostfile /l2 && ln -s / /l3 && echo LINKED; \
	cat /l1 /l2 /l3$hostfile; \
	mkdir -p /d && ln -s ../../../../.. /d/up && cat /d/up$hostfile" LINKED
check_no_marker proc_root "cat /proc/1/root$hostfile /proc/self/root$hostfile \
	/proc/self/cwd/../../../..$hostfile"

out=$(run_in mknod "mknod /dev-null-copy c 1 3 && echo MADE || echo REFUSED")
if [[ $out == *REFUSED* && $out != *MADE* ]]; then
	t_ok mknod
else
	t_fail mknod "device node created: $out"
fi

out=$(run_in creates "echo from-sandbox > /created-by-gofer-test && echo written")
f=$T_TMP/creates/rootfs/created-by-gofer-test
if [[ $out != *written* ]]; then
	t_fail creates_in_rootfs "write failed: $out"
elif [ "$(cat "$f" 2>/dev/null)" != "from-sandbox" ] || [ -e /created-by-gofer-test ]; then
	t_fail creates_in_rootfs "file not in the bundle's rootfs"
else
	t_ok creates_in_rootfs
fi

# As uid 1000: files it creates are 1000:1000; a root-only file stays closed.
plant_secret() {
	echo top-secret >"$1/rootfs/secret"
	chmod 0600 "$1/rootfs/secret"
}
out=$(run_in user "touch /tmp/owned && echo TOUCHED; cat /secret || echo DENIED; \
	echo x > /etc/not-mine || echo RO-ETC" \
	'.process.user.uid = 1000 | .process.user.gid = 1000' plant_secret)
owner=$(stat -c %u:%g "$T_TMP/user/rootfs/tmp/owned" 2>/dev/null)
if [[ $out != *TOUCHED* || $owner != 1000:1000 ]]; then
	t_fail user_creds "create as 1000: '$owner' $out"
elif [[ $out == *top-secret* || $out != *DENIED* || $out != *RO-ETC* ]]; then
	t_fail user_creds "permission not enforced: $out"
elif [ -e "$T_TMP/user/rootfs/etc/not-mine" ]; then
	t_fail user_creds "/etc/not-mine created"
else
	t_ok user_creds
fi
t_assert_clean "*-$$"
