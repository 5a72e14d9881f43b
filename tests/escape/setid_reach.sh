#!/bin/bash
# Invariant 3 with the exec copy (docs/security.md, "Set-id exec"): no
# path the kernel resolves in the workload's mount namespace reaches the
# exec copy of the root, the one mount tree there without nosuid. A
# container (noNewPrivileges false, uid 1000) runs, side by side: a
# setuid-root program (exec'd by the sentry from the copy: its mapping
# must be on the copy, which shows the checker can tell), a dynamic
# program whose ELF interpreter (PT_INTERP) is named through "/..", a "#!"
# script whose interpreter (the setuid program) is named through "/..",
# and one whose interpreter is a symlink to that path. From the host, the
# mount of each mapped file (/proc/PID/map_files, its fdinfo's mnt_id) is
# compared with the init's mountinfo: only the set-id program's may be on
# the copy, and only the copy's tree may lack nosuid (all ro, nodev; the
# top mount on "/", which "/.." reaches, nosuid).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/setid_exec
LD=$(readlink -f /lib64/ld-linux-x86-64.so.2 2>/dev/null)
LIBC=$(readlink -f /lib/x86_64-linux-gnu/libc.so.6 2>/dev/null)
[ -x "$PROG" ] || { t_fail "setid_exec built" "$PROG missing"; exit 0; }
if [ "$(id -u)" != 0 ] || [ ! -f "$LD" ] || [ ! -f "$LIBC" ] ||
   ! command -v cc >/dev/null; then
	t_skip setid_reach "needs root, cc and the host's x86_64 libc"
	exit 0
fi
t_clean_begin "*-$$"

B=$T_TMP/b
make_bundle "$B" /bin/sh -c '/s/suid_hold hold /s & /s/dyn & /s/nnp nnp /s/hold.sh & /s/nnp nnp /s/hold2.sh & /s/hold3.sh & sleep 60'
R=$B/rootfs
mkdir -p "$R/s" "$R/lib64" "$R/lib/x86_64-linux-gnu"
cp "$PROG" "$R/s/suid_hold"
chmod 4755 "$R/s/suid_hold"
cp "$PROG" "$R/s/nnp"
cp "$LD" "$R/lib64/ld-linux-x86-64.so.2"
cp "$LIBC" "$R/lib/x86_64-linux-gnu/libc.so.6"
printf '#include <unistd.h>\nint main(void) { return sleep(60) != 0; }\n' >"$T_TMP/dyn.c"
cc -o "$R/s/dyn" -Wl,--dynamic-linker=/../lib64/ld-linux-x86-64.so.2 \
	-Wl,-rpath,/lib/x86_64-linux-gnu "$T_TMP/dyn.c"
printf '#!/../s/suid_hold hold\n' >"$R/s/hold.sh"
printf '#!/../s/suid_hold hold\n' >"$R/s/hold3.sh"
ln -s /../s/suid_hold "$R/tmp/lnk"
printf '#!/tmp/lnk hold\n' >"$R/s/hold2.sh"
chmod 755 "$R/s/dyn" "$R/s/hold.sh" "$R/s/hold2.sh" "$R/s/hold3.sh" "$R/s/nnp"
jq '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

id=setid-reach-$$
if ! runsc run -d --bundle "$B" "$id" >"$T_TMP/run.out" 2>&1; then
	t_fail "run -d" "$(tail -c 300 "$T_TMP/run.out")"
	exit 0
fi
init=$(jq -r .initPid "$T_ROOT/$id/state.json")
# the five processes (the init's children), by their command line (set:
# "declare -A" alone is unbound for set -u while empty); up to 30 s on a
# loaded machine
declare -A pid_of=()
for i in $(seq 150); do
	for c in $(cat /proc/"$init"/task/*/children 2>/dev/null); do
		cmd=$(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null)
		case $cmd in
		*hold2.sh*) pid_of[symlink]=$c ;;
		*hold3.sh*) pid_of[gain]=$c ;;
		*hold.sh*) pid_of[script]=$c ;;
		"/s/suid_hold hold /s "*) pid_of[setid]=$c ;;
		/s/dyn*) pid_of[interp]=$c ;;
		esac
	done
	[ ${#pid_of[@]} = 5 ] && break
	sleep 0.2
done
if [ ${#pid_of[@]} != 5 ]; then
	t_fail processes "found ${!pid_of[*]} of setid interp script symlink gain"
	runsc delete --force "$id" >/dev/null 2>&1
	exit 0
fi
# wait until each has mapped its files (the interpreter: the program too)
sleep 1
cp "/proc/$init/mountinfo" "$T_TMP/mi"

# The mounts on "/" in order (the view, the exec copy, the view's clone
# on top) and the exec copy's tree (not through the clone on its root).
mapfile -t roots < <(awk '$5 == "/" { print $1 }' "$T_TMP/mi")
copy_tree() {
	awk -v top="$1" -v cover="$2" '
		{ parent[$1] = $2; id[NR] = $1 }
		END {
			for (i = 1; i <= NR; i++) {
				m = id[i]
				while (m != "" && m != top && m != cover) m = parent[m]
				if (m == top) print id[i]
			}
		}' "$T_TMP/mi"
}
if [ ${#roots[@]} != 3 ]; then
	t_fail "three mounts on /" "$(awk '$5 == "/"' "$T_TMP/mi" | tr '\n' ';')"
	runsc delete --force "$id" >/dev/null 2>&1
	exit 0
fi
t_ok "three mounts on /"
copy=" $(copy_tree "${roots[1]}" "${roots[2]}" | tr '\n' ' ')"
opts_of() { awk -v m="$1" '$1 == m { print $6 }' "$T_TMP/mi"; }
has() { [[ ",$1," == *",$2,"* ]]; }
has "$(opts_of "${roots[2]}")" nosuid && has "$(opts_of "${roots[0]}")" nosuid &&
	t_ok "the view and its clone on top are nosuid" ||
	t_fail "the view and its clone on top are nosuid" "$(opts_of "${roots[0]}") $(opts_of "${roots[2]}")"
bad=
while read -r m o; do
	has "$o" ro && has "$o" nodev || bad="$bad $m:$o"
	has "$o" nosuid || [[ $copy == *" $m "* ]] || bad="$bad $m:$o(suid outside the copy)"
done < <(awk '{ print $1, $6 }' "$T_TMP/mi")
[ -z "$bad" ] && t_ok "all ro,nodev; only the exec copy without nosuid" ||
	t_fail "all ro,nodev; only the exec copy without nosuid" "$bad"

# mnt_of PID SUFFIX: the mount id of the file PID maps whose path ends so
mnt_of() {
	python3 - "$1" "$2" <<'PY'
import os, sys
pid, suffix = sys.argv[1], sys.argv[2]
for line in open(f"/proc/{pid}/maps"):
    f = line.split()
    if len(f) >= 6 and f[5].endswith(suffix):
        a, b = (int(x, 16) for x in f[0].split("-"))
        try:
            fd = os.open(f"/proc/{pid}/map_files/{a:x}-{b:x}", os.O_PATH)
        except OSError as e:
            print("error", e.errno)
            sys.exit(0)
        for l in open(f"/proc/self/fdinfo/{fd}"):
            if l.startswith("mnt_id:"):
                print(l.split()[1])
                sys.exit(0)
print("none")
PY
}
on_copy() { [[ $copy == *" $1 "* ]]; }
m=$(mnt_of "${pid_of[setid]}" suid_hold)
on_copy "$m" && t_ok "the set-id program is mapped from the exec copy (checker can tell)" ||
	t_fail "the set-id program is mapped from the exec copy (checker can tell)" "mnt $m, copy:$copy"
for c in interp:ld-linux-x86-64.so.2 interp:dyn script:suid_hold symlink:suid_hold; do
	p=${pid_of[${c%%:*}]}
	m=$(mnt_of "$p" "${c#*:}")
	if [ "$m" = none ] || ! [[ $m =~ ^[0-9]+$ ]]; then
		t_fail "$c: mapped" "no mapping in /proc/$p/maps"
	elif on_copy "$m"; then
		t_fail "$c: not from the exec copy" "mnt $m is the copy's"
	else
		t_ok "$c: not from the exec copy"
	fi
done
# and the interpreters named through "/.." gained nothing
for c in script symlink; do
	t_expect "$c: no ids gained" "1000 1000" \
		awk '$1 == "Uid:" { print $2, $3 }' "/proc/${pid_of[$c]}/status"
done
# the sentry's own exec of a script's set-id interpreter: from the copy,
# with the interpreter's ids (Linux's)
m=$(mnt_of "${pid_of[gain]}" suid_hold)
on_copy "$m" && t_ok "gain: the set-id interpreter is mapped from the exec copy" ||
	t_fail "gain: the set-id interpreter is mapped from the exec copy" "mnt $m, copy:$copy"
t_expect "gain: the interpreter's ids" "1000 0" \
	awk '$1 == "Uid:" { print $2, $3 }' "/proc/${pid_of[gain]}/status"
# a process joining the namespace (runsc exec: setns, whose root is the
# top mount on "/") has its root off the copy too
runsc exec -d "$id" /bin/sleep 30 >/dev/null 2>&1
for i in $(seq 50); do
	j=$(pgrep -f '^/bin/sleep 30$' | head -n 1)
	[ -n "$j" ] && break
	sleep 0.2
done
m=$(python3 - "${j:-0}" <<'PY'
import os, sys
try:
    fd = os.open(f"/proc/{sys.argv[1]}/root", os.O_PATH)
    print([l.split()[1] for l in open(f"/proc/self/fdinfo/{fd}")
           if l.startswith("mnt_id:")][0])
except OSError as e:
    print("error", e.errno)
PY
)
if ! [[ $m =~ ^[0-9]+$ ]]; then
	t_fail "exec'd process: root not the exec copy" "pid '${j:-}': $m"
elif on_copy "$m"; then
	t_fail "exec'd process: root not the exec copy" "mnt $m is the copy's"
else
	t_ok "exec'd process: root not the exec copy"
fi
runsc delete --force "$id" >/dev/null 2>&1
t_assert_clean "*-$$"
