#!/bin/bash
# --file-access exclusive|shared (and the annotation dev.cvisor.file-access,
# which wins): the sentry's directory cache of the root is on by default,
# off with "shared"; bad values are refused naming the flag or annotation,
# before anything is created. The sentry's debug log says at exit whether
# the cache was on and how often it answered.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/sh -c 'for i in 1 2 3 4 5 6; do cd /bin; cd /etc; done; stat -c %F /etc /etc'
cd "$B" || exit 1

# run ID [global flags...]: the debug log's directory-cache line.
dc_line() {
	local id=$1
	shift
	rm -f "$T_TMP/$id.log"
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		--debug --debug-log "$T_TMP/$id.log" "$@" run "$id" \
		>"$T_TMP/$id.out" 2>"$T_TMP/$id.err" </dev/null
	echo "rc=$? $(cat "$T_TMP/$id.log" "$T_TMP/$id.err" 2>/dev/null | grep -o "directory cache: [^\"]*" | tail -n 1)"
}

# The default: on, and it answered (chdir into /bin and /etc, stat /etc).
line=$(dc_line fa1)
if [[ $line =~ ^rc=0\ directory\ cache:\ on,\ ([0-9]+)\ hits ]] &&
	[ "${BASH_REMATCH[1]}" -ge 8 ]; then
	t_ok default_exclusive_hits
else
	t_fail default_exclusive_hits "$line $(tail -c 300 "$T_TMP/fa1.err")"
fi
t_check same_output_default grep -qx directory "$T_TMP/fa1.out"

line=$(dc_line fa2 --file-access exclusive)
t_check flag_exclusive_on test "${line#rc=0 directory cache: on,}" != "$line"

line=$(dc_line fa3 --file-access shared)
t_expect flag_shared_off "rc=0 directory cache: off (--file-access shared)" \
	echo "$line"
t_check same_output_shared grep -qx directory "$T_TMP/fa3.out"
t_check gvisor_mounts_flag_accepted test "$(dc_line fa4 --file-access-mounts=shared | cut -c1-4)" = "rc=0"

# The annotation wins over the flag, both ways.
jq '.annotations = {"dev.cvisor.file-access":"shared"}' config.json >c.json
cp config.json plain.json
mv c.json config.json
line=$(dc_line fa5)
t_expect annotation_shared_off "rc=0 directory cache: off (--file-access shared)" \
	echo "$line"
jq '.annotations = {"dev.cvisor.file-access":"exclusive"}' plain.json >config.json
line=$(dc_line fa6 --file-access shared)
t_check annotation_exclusive_wins test "${line#rc=0 directory cache: on,}" != "$line"

# Bad values: refused, named, nothing left behind.
jq '.annotations = {"dev.cvisor.file-access":"sometimes"}' plain.json >config.json
out=$(runsc run fa7 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ] && [[ $out == *'annotations["dev.cvisor.file-access"]: invalid value "sometimes"'* ]]; then
	t_ok bad_annotation_refused
else
	t_fail bad_annotation_refused "rc=$rc: $out"
fi
t_expect bad_annotation_nothing_left "" runsc list -q
cp plain.json config.json
out=$(runsc --file-access maybe run fa8 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ] && [[ $out == *'--file-access: invalid value "maybe"'* ]]; then
	t_ok bad_flag_refused
else
	t_fail bad_flag_refused "rc=$rc: $out"
fi
out=$(runsc --file-access-mounts always run fa9 2>&1 </dev/null)
rc=$?
if [ $rc -ne 0 ] && [[ $out == *'--file-access-mounts: invalid value "always"'* ]]; then
	t_ok bad_mounts_flag_refused
else
	t_fail bad_mounts_flag_refused "rc=$rc: $out"
fi
t_expect bad_flag_nothing_left "" runsc list -q

# Mounts. A mount made in the container's mount namespace from the host
# (nsenter, as tools add mounts to a running container) reaches the
# gofer's namespace only when the root is shared (rootfsPropagation
# shared/rshared: the workload's view is a copy of the gofer's, peers):
# then the directory cache is off, so the new mount is seen at once. With
# the default (private) it is never seen, cache or not.
children() { cat /proc/"$1"/task/*/children 2>/dev/null; }
mount_case() {	# mount_case ID PROPAGATION: what the sandbox reads in the mount
	local id=$1 prop=$2 s i c
	jq --arg p "$prop" '.process.args = ["/bin/sleep", "100"] |
	    if $p == "" then del(.linux.rootfsPropagation)
	    else .linux.rootfsPropagation = $p end' plain.json >config.json
	mkdir -p rootfs/m
	runsc run -d "$id" </dev/null >/dev/null 2>&1
	s=$(runsc state "$id" | jq -r .pid)
	for c in $(children "$s"); do
		[ "$(awk '/^TracerPid:/ {print $2}' "/proc/$c/status")" = "$s" ] && i=$c
	done
	# warm: the sandbox looks at /m (and would cache it) twice
	runsc exec "$id" /bin/sh -c 'stat /m >/dev/null; cd /m; stat -c %F /m' >/dev/null 2>&1
	nsenter -t "$i" -m /bin/sh -c 'mount -t tmpfs -o size=1m tmpfs /m &&
		echo mounted >/m/x' >/dev/null 2>&1 || { echo "nsenter failed"; return; }
	runsc exec "$id" /bin/sh -c 'cd /m && cat x 2>/dev/null || echo none'
	runsc kill "$id" KILL >/dev/null 2>&1
	for _ in $(seq 50); do
		runsc state "$id" 2>/dev/null | grep -q '"stopped"' && break
		sleep 0.1
	done
	runsc delete -f "$id" >/dev/null 2>&1
}
t_expect mount_rshared_seen mounted mount_case fam1 rshared
t_expect mount_private_unseen none mount_case fam2 ""
# Changes the sentry never sees: the host renames and recreates a
# directory while the sandbox looks it up (absolute, cwd- and
# dirfd-relative: tests/progs/dc_race.c); then the host leaves it alone
# long enough for the cache to keep it, and replaces it once more: every
# lookup after that must see the new directory (mode 705), never the
# cached one (751). The program holds a (not O_PATH) fd of the parent, so
# the sentry checks the parent on every use, as it must for an fchmod
# through such an fd; the host stands in for that change. (Without the
# fd, --file-access exclusive trusts that only the sandbox changes the
# root, as gVisor does; tests/unit/test_dcache.c has both sides.)
RACE=$CVISOR_PROGS/dc_race
if [ -x "$RACE" ]; then
	cp "$RACE" rootfs/dc_race
	rm -rf rootfs/r
	mkdir -p rootfs/r/g/a
	chmod 751 rootfs/r/g/a
	sleep 0.1
	jq '.process.args = ["/dc_race", "/r/g/a", "1500", "/r/done"]' \
		plain.json >config.json
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		--debug run race1 >"$T_TMP/race.out" 2>"$T_TMP/race.err" </dev/null &
	rp=$!
	t0=$(date +%s%N)
	while [ $((($(date +%s%N) - t0) / 1000000)) -lt 800 ]; do
		mv rootfs/r/g/a rootfs/r/g/b && mkdir -m 700 rootfs/r/g/a &&
			rmdir rootfs/r/g/a && mv rootfs/r/g/b rootfs/r/g/a
	done
	sleep 0.5
	mv rootfs/r/g/a rootfs/r/g/c && mkdir -m 705 rootfs/r/g/a &&
		touch rootfs/r/done
	wait $rp
	t_expect host_race_final "bad=0 final= dir-705 dir-705 dir-705" \
		cat "$T_TMP/race.out"
	hits=$(grep -o 'directory cache: on, [0-9]* hits' "$T_TMP/race.err" |
		grep -o '[0-9]*')
	t_check host_race_cache_used test "${hits:-0}" -gt 100
	rm -rf rootfs/r rootfs/dc_race
fi
jq '.linux.rootfsPropagation = "rshared"' plain.json >config.json
t_expect rshared_cache_off "rc=0 directory cache: off (linux.rootfsPropagation shared)" \
	dc_line fa10
jq '.linux.rootfsPropagation = "rslave"' plain.json >config.json
line=$(dc_line fa11)
t_check rslave_cache_on test "${line#rc=0 directory cache: on,}" != "$line"
cp plain.json config.json

# The same directory through another mount: a bind mount of a directory of
# the root's own filesystem (/data, seen again at /mnt/x) with a tmpfs on
# its sub. A cwd or dirfd there has a cached directory's inode, but lookups
# from it cross the bind's mounts, not the root's: never served from the
# cache (the tmpfs's device, not /data/sub's).
mkdir -p rootfs/data/sub rootfs/mnt/x
jq --arg src "$B/rootfs/data" '.process.args = ["/bin/sh", "-c",
	"sleep 0.1; stat -c %d /data/sub >/dev/null; stat -c %d /data/sub; cd /mnt/x && stat -c %d sub && stat -c %d ./sub/."] |
    .mounts += [{"destination":"/mnt/x","type":"bind","source":$src,"options":["bind"]},
		{"destination":"/mnt/x/sub","type":"tmpfs","source":"tmpfs","options":["size=1m"]}]' \
	plain.json >config.json
out=$(runsc run bind1 2>"$T_TMP/bind1.err" </dev/null | tr '\n' ' ')
read -r d_root d_bind d_bind2 <<<"$out"
if [ -n "$d_bind" ] && [ "$d_root" != "$d_bind" ] && [ "$d_bind" = "$d_bind2" ]; then
	t_ok bind_of_cached_dir_not_served
else
	t_fail bind_of_cached_dir_not_served "devices: '$out' $(tail -c 200 "$T_TMP/bind1.err")"
fi
cp plain.json config.json

# getcwd after the host moves an ancestor of the cwd: the kernel gives the
# new path; so must the sentry, which keeps directory paths by inode
# (sentry/fs_path.c) and never saw the move. With --file-access shared:
# the root is the host's to change (under exclusive, the default, a change
# from outside is not looked for, as in gVisor). The same script natively, in
# a chroot of the same rootfs, says what the kernel gives. (/bin/pwd -P
# calls getcwd; the shell's own pwd -P prints what it saw at cd.)
cwd_case() {	# cwd_case OUT COMMAND...: getcwd before and after the move
	local out=$1 p
	shift
	rm -rf rootfs/w rootfs/v rootfs/go
	mkdir -p rootfs/w/x/y
	: >"$out"
	"$@" >"$out" 2>&1 </dev/null &
	p=$!
	for _ in $(seq 200); do
		[ -s "$out" ] && break
		sleep 0.05
	done
	mv rootfs/w rootfs/v && touch rootfs/go
	wait $p
	tr '\n' ' ' <"$out"
}
script='cd /w/x/y && /bin/pwd -P; while [ ! -e /go ]; do sleep 0.05; done; /bin/pwd -P'
native=$(cwd_case "$T_TMP/cwd_native.out" chroot rootfs /bin/sh -c "$script")
jq --arg s "$script; readlink /proc/self/cwd" \
	'.process.args = ["/bin/sh", "-c", $s]' plain.json >config.json
got=$(cwd_case "$T_TMP/cwd_sandbox.out" runsc --file-access shared run cwd1)
if [ "$native" = "/w/x/y /v/x/y " ] && [ "$got" = "$native/v/x/y " ]; then
	t_ok getcwd_after_host_moves_an_ancestor
else
	t_fail getcwd_after_host_moves_an_ancestor "native '$native' sandbox '$got'"
fi
rm -rf rootfs/w rootfs/v rootfs/go
cp plain.json config.json
