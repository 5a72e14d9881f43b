#!/bin/bash
# Attacks on the core dumps the sentry writes (docs/security.md, "Core
# dumps"). tests/progs/coredump_attack kills a child by SIGSEGV with
# RLIMIT_CORE raised where the attacker prepared its cwd: `core` a symlink
# to a file, to a name to be made, out of the root by ".."; `core` a file
# of another owner, a hard link, a directory; a read-only cwd; a task made
# non-dumpable. runc is the reference (Linux's own dump, which refuses all
# of them): every case must end as it does there, and runc's control case
# must dump (the attack is live). The host is checked after both: nothing
# made outside the rootfs, the read-only mount's source still empty.
# Then a task with 256 MiB of touched memory and 16 GiB untouched dumps
# core: under runc the core holds the 256 MiB; under cvisor too, within
# 60 s, and the sentry's peak memory stays far below the dump's size
# (it streams the segments).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc coredump_attack coredump_attack || exit 0

B=$T_TMP/b
RO=$T_TMP/ro
mkdir -p "$RO"
make_bundle "$B" /coredump_attack
cp "$PROG" "$B/rootfs/coredump_attack"
caps='["CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_CHOWN","CAP_FOWNER",
	"CAP_DAC_OVERRIDE","CAP_AUDIT_WRITE"]'
jq --argjson c "$caps" --arg ro "$RO" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c} |
    .process.rlimits += [{"type": "RLIMIT_CORE", "hard": 1099511627776,
			  "soft": 0}] |
    .mounts += [{"destination": "/ro", "type": "bind", "source": $ro,
		 "options": ["rbind", "ro"]}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

rm -f /tmp/cvisor-core-escape /tmp/made-by-core
t_run_runc_and_sandbox cd

# The attack is live: Linux dumps the control case.
if grep -qx 'control signal 11 core' "$T_TMP/native.out" &&
	grep -q '^control_core uid 0 links 1 elf$' "$T_TMP/native.out"; then
	t_ok native_control_dumps
else
	t_fail native_control_dumps "$(grep '^control' "$T_TMP/native.out" | tr '\n' ' ')"
fi

t_compare_native

t_check no_host_file_dotdot test ! -e /tmp/cvisor-core-escape
t_check no_host_file_dangling test ! -e /tmp/made-by-core
t_check readonly_source_empty test -z "$(ls -A "$RO")"

# ---- a large dump: bounded sentry memory -------------------------------------

# huge_run OUT RUNTIME-COMMAND...: runs "coredump_attack --huge" with stdin held open
# until it said "done 0" (or ended).
huge_run() {
	local out=$1 i pid
	shift
	jq '.process.args = ["/coredump_attack", "--huge"]' "$B/config.json" \
		>"$B/c.json" && mv "$B/c.json" "$B/config.json"
	rm -f "$T_TMP/fifo" && mkfifo "$T_TMP/fifo"
	(cd "$B" && exec timeout 120 "$@" <"$T_TMP/fifo" >"$out" 2>"$out.err") &
	pid=$!
	exec 7>"$T_TMP/fifo"
	for ((i = 0; i < 1200; i++)); do
		grep -q '^done 0$' "$out" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
}
huge_end() {
	exec 7>&-
	wait
}

core_blocks() {	# the core file's allocated and apparent sizes, in MiB
	local f=$B/rootfs/tmp/huge/core
	[ -f "$f" ] || { echo "none"; return; }
	echo "$(($(stat -c %b "$f") * 512 >> 20)) $(($(stat -c %s "$f") >> 20))"
}

rm -rf "$B/rootfs/tmp/huge"
huge_run "$T_TMP/hn.out" "$RUNC" --root "$T_TMP/runc-root" \
	run "h-runc-$$"
huge_end
"$RUNC" --root "$T_TMP/runc-root" delete --force "h-runc-$$" >/dev/null 2>&1
read -r nalloc napp < <(core_blocks)
if grep -qx 'huge signal 11 core' "$T_TMP/hn.out" && [ "${nalloc:-0}" -ge 256 ]; then
	t_ok native_huge_dumps
else
	t_fail native_huge_dumps "$(head -c 200 "$T_TMP/hn.out") core ${nalloc:-?} MiB"
fi

rm -rf "$B/rootfs/tmp/huge"
start=$(date +%s)
huge_run "$T_TMP/hs.out" "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run --pid-file "$T_TMP/h.pid" "h-$$"
secs=$(($(date +%s) - start))
hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' \
	"/proc/$(cat "$T_TMP/h.pid" 2>/dev/null)/status" 2>/dev/null)
huge_end
read -r salloc sapp < <(core_blocks)
if grep -qx 'huge signal 11 core' "$T_TMP/hs.out" && [ "${salloc:-0}" -ge 256 ]; then
	t_ok huge_dumps
else
	t_fail huge_dumps "$(head -c 200 "$T_TMP/hs.out") core ${salloc:-?} MiB"
fi
# runc's core's apparent size is the reference for the untouched 16 GiB
# (Linux leaves a never-touched anonymous mapping out).
t_check huge_core_size_as_linux test "${sapp:-x}" -le "$((${napp:-0} + 16))"
t_check huge_within_60s test "$secs" -le 60
if [ -n "$hwm" ] && [ "$hwm" -lt 64 ]; then
	t_ok sentry_memory_bounded
else
	t_fail sentry_memory_bounded "sentry VmHWM ${hwm:-?} MiB for a 256 MiB dump"
fi
echo "# huge dump: runc's core ${nalloc:-?} MiB (apparent ${napp:-?}), cvisor's ${salloc:-?} MiB (${sapp:-?}) in ${secs} s, sentry VmHWM ${hwm:-?} MiB"
rm -rf "$B/rootfs/tmp/huge"
