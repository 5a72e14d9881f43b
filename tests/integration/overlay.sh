#!/bin/bash
# The in-memory overlay of the container root (--overlay2=root:memory, the
# annotation dev.cvisor.overlay2; runsc/mounts_overlay.c): the workload
# writes everywhere in its root, reads its writes back and runs what it
# wrote, while the bundle's rootfs stays byte-for-byte the same and no
# mount reaches the host; bind mounts still write through; writes are
# memory charged to the container's cgroup and bounded by size=; a
# read-only root stays read-only; bad values name the flag or annotation
# and leave nothing behind.
# cvisor-test: per-platform
. "$(dirname "$0")/../lib.sh"

gone() {
	local st
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

children() { # pid -> its children, one per line
	cat "/proc/$1/task/$1/children" 2>/dev/null | tr ' ' '\n' | grep .
}

# Every entry's name, type, mode, owner, size, mtime and link target, and
# every file's content (atimes are not compared).
tree_hash() {
	(cd "$1" &&
		find . -printf '%p %y %m %U:%G %s %T@ %l\n' | LC_ALL=C sort &&
		find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) |
		sha256sum | cut -d' ' -f1
}

set_config() { # bundle, jq filter, jq args...
	local b=$1 f=$2
	shift 2
	jq "$@" "$f" "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
}

usage_bytes() { # id -> the container cgroup's memory usage
	runsc events --stats "$1" | jq -r '.data.memory.usage.usage'
}

B=$T_TMP/bundle
make_bundle "$B" /bin/sleep 300
cp "$CVISOR_PROGS/fs_rename" "$B/rootfs/bin/" || { t_fail build "no fs_rename"; exit 0; }
mkdir -p "$B/rootfs/data" "$B/rootfs/imgdir/sub" "$B/rootfs/gone-dir/x" \
	"$T_TMP/hostrw"
echo orig >"$B/rootfs/data/img.txt"
echo a >"$B/rootfs/imgdir/a"
echo b >"$B/rootfs/imgdir/b"
echo s >"$B/rootfs/imgdir/sub/s"
echo f >"$B/rootfs/replace-me"
echo y >"$B/rootfs/gone-dir/x/y"
# Mount points and a cwd the image does not have: made in the overlay.
set_config "$B" '.root.readonly = false | .process.cwd = "/cwd/not/in/image" |
	.mounts += [
		{destination: "/hostrw", type: "bind", source: $src,
		 options: ["rbind", "rw"]},
		{destination: "/not/in/image", type: "tmpfs", source: "tmpfs",
		 options: ["size=1m"]}]' --arg src "$T_TMP/hostrw"
# Three copies: B is only ever run with the overlay (and must not change),
# B2 without it, B3 with a read-only root.
cp -a "$B" "$T_TMP/b2"
B2=$T_TMP/b2
cp -a "$B" "$T_TMP/b3"
B3=$T_TMP/b3
set_config "$B3" '.root.readonly = true'
BEFORE=$(tree_hash "$B/rootfs")
touch -a -d 2001-01-01 "$B/rootfs/imgdir/sub/s"
ATIME=$(stat -c %X "$B/rootfs/imgdir/sub/s")

# ---- writes everywhere, the image untouched ---------------------------------

if ! runsc --overlay2=root:memory create --bundle "$B" o1 </dev/null \
	>"$T_TMP/create.out" 2>"$T_TMP/create.err" || ! runsc start o1; then
	t_fail "create with --overlay2=root:memory" "$(tail -c 400 "$T_TMP/create.err")"
	exit 0
fi
t_ok "create with --overlay2=root:memory"
S=$(runsc state o1 | jq -r .pid)
G= I=
for c in $(children "$S"); do
	if [ "$(awk '/^TracerPid:/ {print $2}' "/proc/$c/status")" = "$S" ]; then
		I=$c
	else
		G=$c
	fi
done

X() { runsc exec o1 "$@"; }

t_expect "create a file" "new" X sh -c 'echo new > /newfile && cat /newfile'
t_expect "append to a file of the image" "orig mod" \
	X sh -c 'echo mod >> /data/img.txt && echo $(cat /data/img.txt)'
t_expect "chmod a file of the image" "600" \
	X sh -c 'chmod 600 /data/img.txt && stat -c %a /data/img.txt'
t_expect "hard link to a file of the image" "orig mod" \
	X sh -c 'ln /data/img.txt /data/hl && echo $(cat /data/hl)'
t_expect "delete a file of the image" "gone" \
	X sh -c 'rm /imgdir/a && test ! -e /imgdir/a && echo gone'
t_expect "rename(2) a file of the image" "ok" X /bin/fs_rename /imgdir/b /imgdir/b2
t_expect "the renamed file" "b" X cat /imgdir/b2
t_expect "rename(2) a directory of the image" "ok" \
	X /bin/fs_rename /imgdir/sub /moved-sub
t_expect "the renamed directory keeps its files, the old name is gone" "s gone" \
	X sh -c 'echo $(cat /moved-sub/s) $(test -e /imgdir/sub || echo gone)'
t_expect "a file of the image replaced by a directory" "in" \
	X sh -c 'rm /replace-me && mkdir /replace-me && echo in > /replace-me/f && cat /replace-me/f'
t_expect "delete a directory tree of the image" "gone" \
	X sh -c 'rm -r /gone-dir && test ! -e /gone-dir && echo gone'
t_expect "write into /bin and /etc" "x y" \
	X sh -c 'echo x > /bin/extra && echo y >> /etc/hosts && echo $(cat /bin/extra) $(tail -n 1 /etc/hosts)'
t_expect "mount points and cwd the image lacks exist" "yes" \
	X sh -c 'test -d /cwd/not/in/image && test -d /hostrw && echo yes'
t_expect "the config's tmpfs mount" "tmpfs" X stat -f -c %T /not/in/image
X sh -c 'mkdir -p /opt/bin && cp /bin/busybox /opt/bin/echo && chmod 755 /opt/bin/echo &&
	printf "#!/bin/sh\necho script-ok\n" > /opt/bin/s && chmod 755 /opt/bin/s' \
	>/dev/null 2>&1
t_expect "exec a binary the workload wrote" "bb-ok" X /opt/bin/echo bb-ok
t_expect "exec a script the workload wrote" "script-ok" X /opt/bin/s
t_expect "bind mounts write through to the host" "through" bash -c \
	"'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' exec o1 sh -c 'echo through > /hostrw/f' && cat '$T_TMP/hostrw/f'"

t_expect "the gofer's root is the overlay" "overlayfs" stat -f -c %T "/proc/$G/root"
# /dev, /dev/shm and /not/in/image: the overlay's scratch tmpfs is in
# no namespace.
t_expect "no other tmpfs in the gofer's namespace" "3" \
	grep -c ' - tmpfs ' "/proc/$G/mountinfo"
if touch "/proc/$I/root/cvisor-x" 2>"$T_TMP/touch.err"; then
	t_fail "the workload's view of the overlay is read-only" "touch succeeded"
else
	t_expect "the workload's view of the overlay is read-only" "1" \
		grep -c "Read-only file system" "$T_TMP/touch.err"
fi
t_expect "the host's mount table has nothing of the bundle" "0" \
	grep -c -F "$B" /proc/self/mountinfo
# Before any tree_hash: sha256sum on the host reads the file too.
t_expect "reading through the overlay leaves the access time alone" "$ATIME" \
	stat -c %X "$B/rootfs/imgdir/sub/s"
t_expect "the image is unchanged while running" "$BEFORE" tree_hash "$B/rootfs"

runsc delete --force o1 >/dev/null 2>&1
if gone "$S" && gone "$G" && gone "$I"; then
	t_ok "delete leaves no process"
else
	t_fail "delete leaves no process" "sandbox $S, gofer $G, init $I"
fi
t_check "delete leaves no state" test ! -e "$T_ROOT/o1"
t_expect "after delete: the image is byte-for-byte unchanged" "$BEFORE" tree_hash "$B/rootfs"
t_expect "after delete: no mount of the bundle on the host" "0" \
	grep -c -F "$B" /proc/self/mountinfo

# ---- memory: charged to the container's cgroup, bounded by size= ------------

if runsc --overlay2=root:memory run -d --bundle "$B" o2 </dev/null >/dev/null 2>"$T_TMP/o2.err"; then
	u0=$(usage_bytes o2)
	runsc exec o2 dd if=/dev/zero of=/big bs=1M count=50 >/dev/null 2>&1
	u1=$(usage_bytes o2)
	runsc exec o2 rm /big
	u2=$(usage_bytes o2)
	if [ $((u1 - u0)) -ge $((40 << 20)) ]; then
		t_ok "50 MB written: the cgroup's memory grows ($u0 -> $u1)"
	else
		t_fail "50 MB written: the cgroup's memory grows" "$u0 -> $u1"
	fi
	if [ $((u1 - u2)) -ge $((40 << 20)) ]; then
		t_ok "deleted: the memory is given back ($u1 -> $u2)"
	else
		t_fail "deleted: the memory is given back" "$u1 -> $u2"
	fi
	runsc delete --force o2 >/dev/null 2>&1
else
	t_fail "run -d with the overlay" "$(tail -c 300 "$T_TMP/o2.err")"
fi

if runsc --overlay2=root:memory,size=8m run -d --bundle "$B" o3 </dev/null >/dev/null 2>"$T_TMP/o3.err"; then
	t_expect "size=8m: a 20 MB write fails with ENOSPC" "1" bash -c \
		"'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' exec o3 dd if=/dev/zero of=/big bs=1M count=20 2>&1 | grep -c 'No space left on device'"
	sz=$(runsc exec o3 stat -c %s /big)
	if [ -n "$sz" ] && [ "$sz" -le $((8 << 20)) ]; then
		t_ok "size=8m: at most 8 MB were written ($sz)"
	else
		t_fail "size=8m: at most 8 MB were written" "size '$sz'"
	fi
	runsc delete --force o3 >/dev/null 2>&1
else
	t_fail "run -d with size=8m" "$(tail -c 300 "$T_TMP/o3.err")"
fi
t_expect "after the memory tests: the image is unchanged" "$BEFORE" tree_hash "$B/rootfs"

# ---- the annotation: per sandbox, it wins over the flag ---------------------

set_config "$B" '.annotations["dev.cvisor.overlay2"] = "root:memory"'
BEFORE=$(tree_hash "$B/rootfs")
runsc run -d --bundle "$B" o4 </dev/null >/dev/null 2>&1
t_expect "annotation root:memory without the flag: writable" "ann" \
	runsc exec o4 sh -c 'echo ann > /ann && cat /ann'
runsc delete --force o4 >/dev/null 2>&1
t_expect "annotation root:memory: the image is unchanged" "$BEFORE" tree_hash "$B/rootfs"

set_config "$B2" '.annotations["dev.cvisor.overlay2"] = "none" |
	.process.args = ["sh", "-c", "echo disk > /on-disk"]'
runsc --overlay2=root:memory run --bundle "$B2" o5 </dev/null >/dev/null 2>&1
t_expect "annotation none beats --overlay2=root:memory: the write is on disk" \
	"disk" cat "$B2/rootfs/on-disk"

# ---- a read-only root stays read-only -----------------------------------------

set_config "$B3" '.process.args = ["sh", "-c", "touch /x 2>&1; echo rc=$?"]'
BEFORE3=$(tree_hash "$B3/rootfs")
t_expect "--overlay2 and root.readonly: the root stays read-only (EROFS)" "1" bash -c \
	"'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' --overlay2=root:memory run --bundle '$B3' o7 </dev/null 2>&1 | grep -c 'Read-only file system'"
# Mount points the image lacks went to the overlay, not to the disk.
t_expect "--overlay2 and root.readonly: the image is unchanged" "$BEFORE3" \
	tree_hash "$B3/rootfs"
t_expect "no overlay, root.readonly: EROFS" "1" bash -c \
	"'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' run --bundle '$B3' o6 </dev/null 2>&1 | grep -c 'Read-only file system'"
# runc's semantics without the overlay: mount points are made in the image.
t_check "no overlay: mount points are made in the image, as with runc" \
	test -d "$B3/rootfs/not/in/image"

# ---- a user namespace: the overlay's root keeps root.path's owner ----------

B4=$T_TMP/b4
make_bundle "$B4" sh -c 'mkdir /top && echo u > /top/f && cat /top/f && stat -c %u:%g /'
chown -R 100000:100000 "$B4/rootfs"
set_config "$B4" '.root.readonly = false |
	.linux.namespaces += [{type: "user"}] |
	.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
	.linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
BEFORE4=$(tree_hash "$B4/rootfs")
t_expect "user namespace: the mapped root writes at the top of the overlay" \
	"u 0:0" bash -c "'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' --overlay2=root:memory run --bundle '$B4' o8 </dev/null 2>&1 | tr '\n' ' ' | sed 's/ $//'"
t_expect "user namespace: the image is unchanged" "$BEFORE4" tree_hash "$B4/rootfs"

# ---- runsc do: its root "/" has mounts below it -----------------------------

# The overlay's lower layer is one file system: a root with mounts below it
# is refused rather than shown without them.
if runsc --overlay2=root:memory do /bin/true >/dev/null 2>"$T_TMP/do.err"; then
	t_skip "do with --overlay2: refused when / has mounts below it" \
		"no mount below / on this host"
else
	if grep -q 'root overlay: root.path / has a mount below it' "$T_TMP/do.err" &&
		[ -z "$(ls -A "$T_ROOT" 2>/dev/null)" ]; then
		t_ok "do with --overlay2: refused when / has mounts below it"
	else
		t_fail "do with --overlay2: refused when / has mounts below it" \
			"$(tail -c 300 "$T_TMP/do.err") / $(ls "$T_ROOT")"
	fi
fi

# ---- bad values: named, nothing left behind ---------------------------------

no_trace() { # id: no state dir, no cgroup, no process of ours
	[ ! -e "$T_ROOT/$1" ] &&
		[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null)" ] &&
		! pgrep -f -- "$T_ROOT" >/dev/null
}
n=0
for v in root:disk all:memory root:self 'root:dir=/tmp' bogus \
	root:memory,size=abc root:memory,size=0 root:memory,size=1x \
	root:memory,foo=1 ''; do
	n=$((n + 1))
	id=ovbad$$x$n
	if runsc --overlay2="$v" create --bundle "$B2" "$id" </dev/null \
		>/dev/null 2>"$T_TMP/bad.err"; then
		t_fail "--overlay2='$v' is refused" "create succeeded"
		runsc delete --force "$id" >/dev/null 2>&1
	elif grep -q -- '--overlay2' "$T_TMP/bad.err" && no_trace "$id"; then
		t_ok "--overlay2='$v' is refused, named, nothing left"
	else
		t_fail "--overlay2='$v' is refused, named, nothing left" \
			"$(tail -c 300 "$T_TMP/bad.err")"
	fi
done
for v in root:tmpfs root:memory,size=-1 yes; do
	n=$((n + 1))
	id=ovbad$$x$n
	set_config "$B2" '.annotations["dev.cvisor.overlay2"] = $v' --arg v "$v"
	if runsc create --bundle "$B2" "$id" </dev/null >/dev/null 2>"$T_TMP/bad.err"; then
		t_fail "annotation '$v' is refused" "create succeeded"
		runsc delete --force "$id" >/dev/null 2>&1
	elif grep -q -F 'annotations["dev.cvisor.overlay2"]' "$T_TMP/bad.err" &&
		no_trace "$id"; then
		t_ok "annotation '$v' is refused, named, nothing left"
	else
		t_fail "annotation '$v' is refused, named, nothing left" \
			"$(tail -c 300 "$T_TMP/bad.err")"
	fi
done
