#!/bin/bash
# What `make run` executes: builds an example bundle from Debian's
# busybox-static under build/example-bundle and runs it with our runsc,
# then shows what proves it ran sandboxed. Needs root; no terminal needed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNSC=$PWD/$BUILD/bin/runsc
BUNDLE=$PWD/$BUILD/example-bundle
ROOT=$(mktemp -d /tmp/cvisor-example-root.XXXXXX)
ID=example-$$
PLATFORM=${CVISOR_PLATFORM:-seccomp}

cleanup() {
	"$RUNSC" --root "$ROOT" delete --force "$ID" >/dev/null 2>&1
	rm -rf "$ROOT"
}
trap cleanup EXIT

[ -x "$RUNSC" ] || { echo "run-example: $RUNSC not built (make)" >&2; exit 1; }
if [ "$(id -u)" != 0 ]; then
	echo "run-example: needs root (namespaces, cgroups)" >&2
	exit 1
fi

rm -rf "$BUNDLE"
mkdir -p "$BUNDLE"
./scripts/mkrootfs-busybox.sh "$BUNDLE/rootfs" >/dev/null || exit 1
"$RUNSC" spec --bundle "$BUNDLE" || exit 1

script='echo "== uname -a"; uname -a
echo "== id"; id
echo "== hostname"; hostname
echo "== ls /"; ls /
echo "== /proc/self/status (head)"; head -n 9 /proc/self/status
echo "== ps"; ps
echo hello from the sandbox'
args=$(jq -n --arg s "$script" '["/bin/sh", "-c", $s]')
jq --argjson a "$args" '.process.args = $a | .process.terminal = false |
	.hostname = "cvisor-example"' "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
	mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"

echo "### runsc --platform $PLATFORM run $ID (bundle $BUNDLE)"
"$RUNSC" --root "$ROOT" --platform "$PLATFORM" run --bundle "$BUNDLE" "$ID" </dev/null
status=$?
echo "### the workload exited with status $status"

echo
echo "### what the sandbox is: the syscall table every workload call goes through"
"$RUNSC" syscalls | head -n 1
echo "### e.g. (path syscalls go to the sentry and gofer, dangerous ones are refused):"
"$RUNSC" syscalls | grep -E '^ *[0-9]+ +(openat|execve|stat|mount|ptrace|bpf|io_uring_setup|getpid) ' 

echo
echo "### a second container, kept running, to look at it from the host"
work='for i in 1 2 3; do ls -l /bin /etc; cat /etc/passwd; id; done; sleep 30'
jq --arg s "$work" '.process.args = ["/bin/sh", "-c", $s]' "$BUNDLE/config.json" \
	>"$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
if "$RUNSC" --root "$ROOT" --platform "$PLATFORM" run -d --bundle "$BUNDLE" \
	"$ID" </dev/null >/dev/null 2>&1; then
	"$RUNSC" --root "$ROOT" list
	pid=$("$RUNSC" --root "$ROOT" state "$ID" | jq -r .pid)
	echo "### the sandbox process tree on the host (sentry, gofer, workload):"
	ps -o pid,ppid,user,cmd --ppid "$pid" -p "$pid" 2>/dev/null
	echo "### runsc ps $ID:"
	"$RUNSC" --root "$ROOT" ps "$ID"
	sleep 1	# let the loop finish
	stats=$("$RUNSC" --root "$ROOT" events --stats "$ID")
	echo "### runsc events --stats $ID: the sentry's counters"
	echo "(PASS calls run at native speed in the BPF filter and are not counted)"
	echo "$stats" | jq -r '.data.sentry // empty |
		"syscalls the sentry handled: \(.dispositions.emulate) emulated, \(.dispositions.deny) refused; \(.tasks) task(s) now",
		(.syscalls | to_entries | sort_by(-.value.count) | .[:10][] |
		 "  \(.key | . + " " * (20 - length)) \(.value.count) calls, \(.value.time_ns / 1000 | floor) us")'
	echo "### runsc events --stats $ID: the cgroup"
	echo "$stats" | jq -c '.data | {pids: .pids, memory_bytes: .memory.usage.usage, cpu_ns: .cpu.usage.total}'
	"$RUNSC" --root "$ROOT" delete --force "$ID"
	echo "### deleted: $("$RUNSC" --root "$ROOT" list -q | wc -l) containers left"
else
	echo "### could not start the second container" >&2
	status=1
fi
exit "$status"
