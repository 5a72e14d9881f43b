#!/bin/bash
# The config.json and exec process.json files Docker, ctr and podman wrote
# on this machine (tests/data/clients/, made by capture.sh there), each
# rewritten only where it names this host's state: root.path to a local
# busybox rootfs, bind sources and namespace paths that do not exist here,
# hooks that point into a dead daemon (/proc/PID/exe), cgroupsPath made
# private. Each bundle is created, started, exec'ed into (with the same
# client's captured process.json), killed and deleted by runc and by our
# runsc; every step's result must be runc's, and nothing may be left.
source "$(dirname "$0")/../lib.sh"

DATA=$CVISOR_SRC/tests/data/clients
RUNC=/usr/sbin/runc
[ -x $RUNC ] || { t_skip fixtures "runc not installed"; exit 0; }
ls "$DATA"/*.json >/dev/null 2>&1 || { t_fail fixtures "no fixtures in $DATA"; exit 1; }
CG=cvisor-fixtures-$$
RUNC_ROOT=$T_TMP/runc-root
ROOTFS=$(busybox_rootfs)

# A --console-socket: receives one pty master and copies what it reads to
# OUT until the terminal closes.
cat >"$T_TMP/recvtty.py" <<'PY'
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
c, _ = s.accept()
_, fds, _, _ = socket.recv_fds(c, 64, 1)
c.close()
with open(out, "wb") as f:
    while True:
        try:
            d = os.read(fds[0], 4096)
        except OSError:
            break
        if not d:
            break
        f.write(d)
        f.flush()
PY
# recvtty NAME: starts a receiver (its pid kept in recv.pids), prints its
# socket path.
recvtty() {
	local sock=$T_TMP/$1.sock
	rm -f "$sock" "$T_TMP/$1.tty"
	/usr/bin/python3 "$T_TMP/recvtty.py" "$sock" "$T_TMP/$1.tty" \
		</dev/null >/dev/null 2>&1 &
	echo $! >>"$T_TMP/recv.pids"
	for _ in $(seq 50); do
		[ -S "$sock" ] && break
		sleep 0.05
	done
	echo "$sock"
}

cleanup() {
	local p id
	for p in $(cat "$T_TMP/recv.pids" 2>/dev/null); do kill "$p" 2>/dev/null; done
	for id in $(ls "$RUNC_ROOT" 2>/dev/null); do
		$RUNC --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1
	done
	t_cleanup
	find /sys/fs/cgroup/ -maxdepth 2 -name "$CG" -exec rmdir {} + 2>/dev/null
}
trap cleanup EXIT

# bundle NAME RT: $T_TMP/RT-NAME with a fresh rootfs and the rewritten
# config.json.
bundle() {
	local name=$1 rt=$2 dir=$T_TMP/$2-$1 d src i n kind
	mkdir -p "$dir/binds"
	cp -a "$ROOTFS" "$dir/rootfs"
	jq --arg cg "/$CG/$rt-$name" --arg pid "$$" '
		.root.path = "rootfs"
		| .linux.cgroupsPath = $cg
		| if .hooks then .hooks |= map_values(map(
			if (.path | startswith("/proc/")) then
				.path = "/bin/true" | .args = ["true"] else . end))
		  else . end
		| .linux.namespaces |= map(if .path then
			.path = "/proc/\($pid)/ns/" + ({"network": "net",
				"mount": "mnt"}[.type] // .type) else . end)
	' "$DATA/$name.json" >"$dir/config.json" || return 1
	# Bind sources of the client's own state (resolv.conf, hostname,
	# hosts, .containerenv, podman's shm): local stand-ins.
	n=$(jq '.mounts | length' "$dir/config.json")
	for ((i = 0; i < n; i++)); do
		src=$(jq -r ".mounts[$i].source // empty" "$dir/config.json")
		case "$src" in /*) ;; *) continue ;; esac
		[ -e "$src" ] && continue
		d=$(jq -r ".mounts[$i].destination" "$dir/config.json")
		kind=file
		case "$d" in /dev/shm | */) kind=dir ;; esac
		if [ $kind = dir ]; then
			mkdir -p "$dir/binds/$i"
		else
			echo "stand-in for $d" >"$dir/binds/$i"
		fi
		jq --arg s "$dir/binds/$i" ".mounts[$i].source = \$s" \
			"$dir/config.json" >"$dir/c.json" && mv "$dir/c.json" "$dir/config.json"
	done
	echo "$dir"
}

# The client's exec process.json for a fixture: docker-*, ctr-*, podman-*.
exec_process() {
	local p=$DATA/${1%%-*}-exec.process.json
	[ -f "$p" ] && echo "$p"
}

cli() { # RT ARGS...
	local rt=$1
	shift
	if [ "$rt" = runc ]; then
		timeout 60 $RUNC --root "$RUNC_ROOT" "$@"
	else
		timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" "$@"
	fi
}

status() { cli "$1" state "$2" 2>/dev/null | jq -r .status; }

cg_values() { # ID: the limits as the host cgroup holds them
	local f
	for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes \
		memory/memory.soft_limit_in_bytes memory/memory.swappiness \
		pids/pids.max cpu/cpu.shares cpu/cpu.cfs_quota_us; do
		echo "${f#*/}=$(cat "/sys/fs/cgroup/${f%%/*}/$CG/$1/${f#*/}" 2>&1 | sed "s|$CG/$1|CG|")"
	done
}

# lifecycle NAME RT: prints what each step did.
lifecycle() {
	local name=$1 rt=$2 id=$2-$1 dir sock=() p out rc
	dir=$(bundle "$name" "$rt") || { echo "bundle failed"; return; }
	if [ "$(jq -r '.process.terminal // false' "$dir/config.json")" = true ]; then
		sock=(--console-socket "$(recvtty "$id-init")")
	fi
	# The container keeps create's stdio: a file, never a pipe.
	cli "$rt" create --bundle "$dir" "${sock[@]}" "$id" >"$T_TMP/$id.out" 2>&1
	tail -3 "$T_TMP/$id.out"
	echo "create: $(status "$rt" "$id")"
	cli "$rt" start "$id" >"$T_TMP/$id.out" 2>&1
	tail -3 "$T_TMP/$id.out"
	echo "start: $(status "$rt" "$id")"
	cg_values "$id"
	for p in $(exec_process "$name") $(exec_process "$name" | sed 's/-exec/-exec-tty/'); do
		[ -f "$p" ] || continue
		if [ "$(jq -r '.terminal // false' "$p")" = true ]; then
			# As the shims do: --detach, the output read from
			# the pty until the process closes it.
			cli "$rt" exec --detach --process "$p" \
				--console-socket "$(recvtty "$id-exec")" "$id" >"$T_TMP/$id.out" 2>&1
			rc=$?
			tail -3 "$T_TMP/$id.out"
			for _ in $(seq 50); do
				kill -0 "$(tail -1 "$T_TMP/recv.pids")" 2>/dev/null || break
				sleep 0.1
			done
			out=$(tr -d '\r' <"$T_TMP/$id-exec.tty")
		else
			out=$(cli "$rt" exec --process "$p" "$id" 2>&1)
			rc=$?
		fi
		echo "exec $(basename "$p"): rc=$rc $out"
	done
	cli "$rt" kill "$id" KILL 2>&1 | tail -3
	for _ in $(seq 50); do
		[ "$(status "$rt" "$id")" = stopped ] && break
		sleep 0.1
	done
	echo "kill: $(status "$rt" "$id")"
	cli "$rt" delete "$id" 2>&1 | tail -3
	echo "delete: $(cli "$rt" state "$id" >/dev/null 2>&1 && echo still-there || echo gone)"
}

# What our runsc must not leave after delete: its state, the cgroup, the
# sandbox's processes.
leftovers() {
	local id=$1
	[ -e "$T_ROOT/$id" ] && echo "state dir $T_ROOT/$id"
	find /sys/fs/cgroup/*/"$CG" -maxdepth 1 -name "$id" 2>/dev/null
	pgrep -a -f -- "--bundle $T_TMP/$id( |\$)"
	true
}

for f in "$DATA"/*.json; do
	case "$f" in *.process.json) continue ;; esac
	name=$(basename "$f" .json)
	want=$(lifecycle "$name" runc | sed 's/\bruncs\?-/RT-/g')
	got=$(lifecycle "$name" runsc | sed 's/\bruncs\?-/RT-/g')
	if ! echo "$want" | grep -q '^create: created$'; then
		t_fail "$name: runc" "$(echo "$want" | tr '\n' '|')"
	elif [ "$want" = "$got" ]; then
		t_ok "$name: create, start, exec, kill, delete as runc"
	else
		t_fail "$name: create, start, exec, kill, delete as runc" \
			"runc: '$(echo "$want" | tr '\n' '|')' runsc: '$(echo "$got" | tr '\n' '|')'"
	fi
	left=$(leftovers "runsc-$name")
	[ -z "$left" ] && t_ok "$name: nothing left" || t_fail "$name: nothing left" "$left"
done
