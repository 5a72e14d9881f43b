#!/bin/bash
# A pod sharing its process namespace (CRI's pid=POD, podman's pods): the
# second container's config joins the pause's pid namespace by path,
# /proc/<the pause's pid file pid>/ns/pid. With the sandbox's own pid
# namespace that pid is the pause's sentry, pid 1 of the sandbox's
# namespace (sentry 1, gofer 2); runsc create joins the pause's
# CONTAINER pid namespace instead (docs/security.md, "A container joining
# another's pid namespace"): as with runc, the joiner's pid 1 is the
# pause's init, and no sentry or gofer is in its view.
# The attack: from inside the joiner (CAP_KILL), SIGKILL every pid it can
# name; the pause must keep running, its sentry and gofer untouched. The
# same attack run in the pause's sandbox pid namespace (where the gap
# was) kills the gofer, so a broken attack cannot pass.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ]; then
	t_skip pod_pidns "needs root"
	exit 0
fi

ID=podpid-$$
RUNC_ROOT=$T_TMP/runc
trap 'for c in "$ID-ra" "$ID-rb"; do runc --root "$RUNC_ROOT" delete -f "$c" \
	>/dev/null 2>&1; done; t_cleanup' EXIT

# Alive pids 1..64 as seen from inside (kill -0), one per line.
PROBE='for p in $(seq 1 64); do kill -0 $p 2>/dev/null && echo $p; done'
# SIGKILL to every pid but the shell's own.
ATTACK='for p in $(seq 1 64); do [ $p = $$ ] || kill -9 $p 2>/dev/null; done; true'
# The joiner's /proc: "pid comm" of every /proc/<pid> but the shell's own
# (read in the shell, which forks nothing), sorted by the caller.
LIST='for d in /proc/[0-9]*; do p=${d#/proc/}; [ "$p" = $$ ] && continue;
	read -r c <"$d/comm" && echo "$p $c"; done'
# What the pause's private files give the joiner (its container root,
# the pause's uid and capabilities: runc lets it ptrace-read the pause).
PRIVATE='cat /proc/1/environ >/dev/null 2>&1 && echo environ
	ls /proc/1/root/ >/dev/null 2>&1 && echo root
	readlink /proc/1/exe >/dev/null 2>&1 && echo exe
	ls /proc/1/fd >/dev/null 2>&1 && echo fd
	cat /proc/1/maps >/dev/null 2>&1 && echo maps
	(echo 0 >/proc/1/oom_score_adj) 2>/dev/null && echo oom_score_adj
	true'
# ps in the joiner: pid 1's line as is, the others' commands, sorted.
ps_view() { awk 'NR > 1 { print ($1 == 1 ? "1 " $2 : $2) }' | sort | tr '\n' ' '; }
# The same "pid comm" list from the host: the processes of the namespace of
# host pid $1, their pid there (NSpid's last field).
# A host process that enters the namespace of host pid $1 and forks
# (setns, fork, no exec: what a runtime's joiner is before its exec, its
# command line the host's), kept 30 s; the child's pid in that namespace
# (NSpid's last field) is printed once it runs. HF: the host process.
host_fork_into() {
	local f=$T_TMP/hostfork.$1 c=
	rm -f "$f"
	python3 -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDONLY)
if libc.setns(fd, 0x20000000) != 0:
    sys.exit(1)
pid = os.fork()
if pid == 0:
    time.sleep(30)
    os._exit(0)
with open(sys.argv[2] + ".t", "w") as o:
    o.write("%d\n" % pid)
os.rename(sys.argv[2] + ".t", sys.argv[2])
os.waitpid(pid, 0)' "/proc/$1/ns/pid" "$f" &
	HF=$!
	for _ in $(seq 50); do
		[ -s "$f" ] && c=$(cat "$f") && break
		sleep 0.1
	done
	[ -n "$c" ] && awk '/^NSpid:/ {print $NF}' /proc/"$c"/status
}
host_list() {
	local p
	for p in $(in_ns_of "$1"); do
		echo "$(awk '/^NSpid:/ {print $NF}' /proc/"$p"/status 2>/dev/null) $(cat /proc/"$p"/comm 2>/dev/null)"
	done | sort
}

joiner_bundle() {	# DIR PID: a bundle whose pid namespace is PID's
	make_bundle "$1" sleep 300
	jq --arg p "/proc/$2/ns/pid" '.linux.namespaces |=
		map(if .type == "pid" then .path = $p else . end)' \
		"$1/config.json" >"$1/c.json" && mv "$1/c.json" "$1/config.json"
}

# Host pids whose pid namespace is that of host pid $1.
in_ns_of() {
	local ns p
	ns=$(readlink /proc/"$1"/ns/pid)
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p"/ns/pid 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
	done
}

# pid 1 of the namespace of host pid $1 (its last NSpid field 1), by comm.
ns_init_comm() {
	local p
	for p in $(in_ns_of "$1"); do
		if [ "$(awk '/^NSpid:/ {print $NF}' /proc/"$p"/status 2>/dev/null)" = 1 ]; then
			cat /proc/"$p"/comm
		fi
	done
}

# ---- the reference: runc, the same two configs ----
make_bundle "$T_TMP/ra" sleep 300
if (cd "$T_TMP/ra" && runc --root "$RUNC_ROOT" run -d "$ID-ra" \
	</dev/null >"$T_TMP/runc.out" 2>&1); then
	RP=$(runc --root "$RUNC_ROOT" state "$ID-ra" | jq -r .pid)
	joiner_bundle "$T_TMP/rb" "$RP"
	(cd "$T_TMP/rb" && runc --root "$RUNC_ROOT" run -d "$ID-rb" \
		</dev/null >>"$T_TMP/runc.out" 2>&1)
	RB=$(runc --root "$RUNC_ROOT" state "$ID-rb" 2>/dev/null | jq -r .pid)
	RUNC_SHARES=$( [ "$(readlink /proc/"$RB"/ns/pid)" = \
		"$(readlink /proc/"$RP"/ns/pid)" ] && echo shared)
	RUNC_PID1=$(ns_init_comm "$RB")
	RUNC_SEES1=$(runc --root "$RUNC_ROOT" exec "$ID-rb" sh -c \
		'kill -0 1 && echo 1')
	t_expect runc_joiner_shares_pause_pidns "shared sleep 1" \
		echo "$RUNC_SHARES $RUNC_PID1 $RUNC_SEES1"
	RUNC_PS=$(runc --root "$RUNC_ROOT" exec "$ID-rb" ps -o pid,comm | ps_view)
	RUNC_LS=$(runc --root "$RUNC_ROOT" exec "$ID-rb" ls /proc | grep -c '^[0-9]*$')
	# the checks below are sound: under runc the joiner's /proc is the
	# namespace's processes, and it reads the pause's private files
	t_expect runc_joiner_proc_is_the_namespace "$(host_list "$RB")" \
		eval 'runc --root "$RUNC_ROOT" exec "$ID-rb" sh -c "$LIST" | sort'
	host_fork_into "$RB" >"$T_TMP/hfp"
	HFP=$(cat "$T_TMP/hfp")
	# Linux lists such a process (its command line the host's)
	t_expect runc_joiner_lists_host_fork "1" bash -c "'$(command -v runc)' \
		--root '$RUNC_ROOT' exec '$ID-rb' ls /proc | grep -cx '$HFP'"
	pkill -KILL -P "$HF" 2>/dev/null
	wait "$HF" 2>/dev/null
	t_expect runc_joiner_reads_pause_private \
		"$(printf 'environ\nroot\nexe\nfd\nmaps\noom_score_adj')" \
		runc --root "$RUNC_ROOT" exec "$ID-rb" sh -c "$PRIVATE"
else
	t_fail runc_reference "$(tail -c 300 "$T_TMP/runc.out")"
	RUNC_SHARES= RUNC_PID1= RUNC_SEES1= RUNC_PS=none RUNC_LS=none
fi

# ---- cvisor ----
make_bundle "$T_TMP/a" sleep 300
if ! (cd "$T_TMP/a" && runsc run -d "$ID-a" </dev/null >"$T_TMP/run.out" 2>&1); then
	t_fail run_pause "$(tail -c 300 "$T_TMP/run.out")"
	exit 0
fi
A=$(runsc state "$ID-a" | jq -r .pid)
AG=$(jq -r .goferPid "$T_ROOT/$ID-a/state.json")
AI=$(jq -r .initPid "$T_ROOT/$ID-a/state.json")
joiner_bundle "$T_TMP/b" "$A"
if ! (cd "$T_TMP/b" && runsc run -d "$ID-b" </dev/null >"$T_TMP/run.out" 2>&1); then
	t_fail run_joiner "$(tail -c 300 "$T_TMP/run.out")"
	exit 0
fi
B=$(runsc state "$ID-b" | jq -r .pid)
BG=$(jq -r .goferPid "$T_ROOT/$ID-b/state.json")
BI=$(jq -r .initPid "$T_ROOT/$ID-b/state.json")

# The joiner's init is in the pause's container namespace, not in the
# sandbox's one the path names: the same view as runc's.
t_expect joiner_in_pause_container_pidns "$(readlink /proc/"$AI"/ns/pid)" \
	readlink /proc/"$BI"/ns/pid
same_ns() { [ "$(readlink /proc/"$1"/ns/pid)" = "$(readlink /proc/"$2"/ns/pid)" ] &&
	echo shared; }
sees1=$(runsc exec "$ID-b" sh -c 'kill -0 1 && echo 1')
t_expect joiner_view_as_runc "$RUNC_SHARES $RUNC_PID1 $RUNC_SEES1" \
	echo "$(same_ns "$BI" "$AI") $(ns_init_comm "$BI") $sees1"
# No runsc process (sentry, gofer) of either sandbox in that namespace;
# those four are all outside it.
runsc_in_view() {
	local p
	for p in $(in_ns_of "$BI"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = runsc ] && echo "$p"
	done
	for p in "$A" "$AG" "$B" "$BG"; do
		[ "$(readlink /proc/"$p"/ns/pid)" = "$(readlink /proc/"$BI"/ns/pid)" ] &&
			echo "$p"
	done
	true
}
t_expect no_sentry_or_gofer_in_view "" runsc_in_view
# What the joiner can name is exactly that namespace's processes (the
# host's count of them, the probe's shell included).
seen=$(runsc exec "$ID-b" sh -c "$PROBE" | wc -l)
t_expect joiner_names_only_its_namespace "$(($(in_ns_of "$BI" | wc -l) + 1))" \
	echo "$seen"

# Its /proc lists them too, the pause's init as pid 1 (ps, ls), as runc's
# joiner does; every entry is a process of that namespace, never a
# sentry, gofer or host process: its pid and comm there, as the host sees
# them.
got=$(runsc exec "$ID-b" ps -o pid,comm | ps_view)
t_expect joiner_ps_as_runc "$RUNC_PS" echo "$got"
got=$(runsc exec "$ID-b" ls /proc | grep -c '^[0-9]*$')
t_expect joiner_ls_proc_as_runc "$RUNC_LS" echo "$got"
inside=$(runsc exec "$ID-b" sh -c "$LIST" | sort)
t_expect joiner_proc_is_the_namespace "$(host_list "$BI")" echo "$inside"
t_expect joiner_proc_lists_pause_init "1 sleep" \
	bash -c "echo '$inside' | grep '^1 '"
# The pause's private files: runc's joiner reads them (above); here they
# are another sandbox's, never given (EACCES), nor is a write taken.
t_expect joiner_denied_pause_private "" runsc exec "$ID-b" sh -c "$PRIVATE"
# A host process that entered the namespace and has not exec'd (as a
# runtime's joiner before its exec) is never listed, nor can its files be
# read; runc's joiner lists it (above).
host_fork_into "$BI" >"$T_TMP/hfp"
HFP=$(cat "$T_TMP/hfp")
[ -n "$HFP" ] || t_fail host_fork_setup "no process made in the namespace"
[ -z "$HFP" ] || t_expect joiner_hides_host_fork "0 none" bash -c "echo \$('$RUNSC_BIN' \
	--root '$T_ROOT' --platform '$CVISOR_PLATFORM' exec '$ID-b' ls /proc |
	grep -cx '$HFP') \$('$RUNSC_BIN' --root '$T_ROOT' --platform \
	'$CVISOR_PLATFORM' exec '$ID-b' cat /proc/'$HFP'/cmdline 2>/dev/null ||
	echo none)"
pkill -KILL -P "$HF" 2>/dev/null
wait "$HF" 2>/dev/null

# The attack from inside the joiner (never from the host's namespace).
if [ "$(readlink /proc/"$BI"/ns/pid)" = "$(readlink /proc/$$/ns/pid)" ]; then
	t_fail attack_setup "the joiner is in the host's pid namespace"
	exit 0
fi
runsc exec "$ID-b" sh -c "$ATTACK" >/dev/null 2>&1
sleep 0.5
alive() { for p in "$@"; do [ -d /proc/"$p" ] && ! grep -q '^State:[[:space:]]*Z' \
	/proc/"$p"/status || return 1; done; }
t_check pause_sentry_gofer_init_alive alive "$A" "$AG" "$AI"
t_expect pause_running running bash -c \
	"'$RUNSC_BIN' --root '$T_ROOT' state '$ID-a' | jq -r .status"
t_check pause_exec_works runsc exec "$ID-a" true
runsc delete -f "$ID-b" >/dev/null 2>&1

# A pause whose sandbox stays in the host's pid namespace (its own not
# taken: CVISOR_SANDBOX_PIDNS=0 here; under containerd's CRI, say): the
# path names the host's pid namespace; the joiner gets the pause's
# container namespace all the same, never the host's.
make_bundle "$T_TMP/h" sleep 300
if (cd "$T_TMP/h" && CVISOR_SANDBOX_PIDNS=0 runsc run -d "$ID-h" \
	</dev/null >"$T_TMP/run.out" 2>&1); then
	H=$(runsc state "$ID-h" | jq -r .pid)
	HI=$(jq -r .initPid "$T_ROOT/$ID-h/state.json")
	t_expect host_pidns_sandbox_setup "$(readlink /proc/$$/ns/pid)" \
		readlink /proc/"$H"/ns/pid
	joiner_bundle "$T_TMP/hj" "$H"
	if (cd "$T_TMP/hj" && runsc run -d "$ID-hj" </dev/null \
		>"$T_TMP/run.out" 2>&1); then
		t_expect host_pidns_sandbox_joiner_in_container_pidns \
			"$(readlink /proc/"$HI"/ns/pid)" readlink /proc/"$(jq -r \
			.initPid "$T_ROOT/$ID-hj/state.json")"/ns/pid
	else
		t_fail host_pidns_sandbox_joiner_run "$(tail -c 300 "$T_TMP/run.out")"
	fi
	runsc delete -f "$ID-hj" >/dev/null 2>&1
	runsc delete -f "$ID-h" >/dev/null 2>&1
else
	t_fail host_pidns_sandbox_run "$(tail -c 300 "$T_TMP/run.out")"
fi

# A pid namespace made by nobody's sandbox, joined by path: as given
# (a plain unshare'd one: the joiner's pid 1 is its sleep).
unshare -pf --mount-proc sleep 300 2>/dev/null &
U=$!
for _ in $(seq 50); do
	N=$(pgrep -P "$U")
	[ -n "$N" ] && break
	sleep 0.1
done
joiner_bundle "$T_TMP/n" "$N"
if (cd "$T_TMP/n" && runsc run -d "$ID-n" </dev/null >"$T_TMP/run.out" 2>&1); then
	t_expect other_pidns_joined_as_given "$(readlink /proc/"$N"/ns/pid)" \
		readlink /proc/"$(jq -r .initPid "$T_ROOT/$ID-n/state.json")"/ns/pid
	runsc delete -f "$ID-n" >/dev/null 2>&1
else
	t_fail other_pidns_run "$(tail -c 300 "$T_TMP/run.out")"
fi
kill -KILL "$N" 2>/dev/null
wait "$U" 2>/dev/null

# Where the gap was: the same attack in the pause's SANDBOX pid namespace
# (what the path named) reaches the gofer (pid 2 there).
nsenter -t "$A" -p -- sh -c "$ATTACK" >/dev/null 2>&1
sleep 0.5
gone() { ! alive "$@"; }
t_check attack_works_in_sandbox_pidns gone "$AG"
runsc delete -f "$ID-a" >/dev/null 2>&1
