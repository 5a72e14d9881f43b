#!/bin/bash
# Debian's strace and gdb inside a container (issue 14), on the host's /usr
# bound read-only as in userland.sh: `strace -f` of a shell pipeline and
# `gdb -batch` (a conditional breakpoint, a backtrace, continue) on a small
# program; each output, normalised for pids and addresses, must be what
# the same command prints on the host. ptrace is emulated by the sentry
# (docs/architecture.md, "Emulated ptrace").
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

for tool in strace gdb gcc bash; do
	if ! command -v "$tool" >/dev/null; then
		t_skip ptrace_tools "no $tool on the host (scripts/deps.sh)"
		exit 0
	fi
done
t_clean_begin "*-$$"

B=$T_TMP/b
R=$B/rootfs
host_usr_rootfs "$R" work
"$RUNSC_BIN" spec --bundle "$B" >/dev/null
jq --argjson usr "$USR_MOUNT" '.process.terminal = false | .root.readonly = false |
    .process.env = ["PATH=/usr/bin:/bin", "HOME=/root", "LC_ALL=C"] |
    .mounts += [$usr]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

# The program gdb debugs: not position-independent (the sandbox's /proc
# has no <pid>/auxv, from which gdb learns where a PIE was loaded); its
# source is not shipped, on the host nor in the sandbox.
cat >"$T_TMP/g.c" <<'C'
#include <stdio.h>
int depth(int n) { return n <= 0 ? 42 : depth(n - 1) + 1; }
int f(int x) { return depth(x) * 2; }
int main(void) { printf("%d\n", f(3)); return 0; }
C
gcc -g -O0 -no-pie -fdebug-prefix-map="$T_TMP"=/src -o "$R/work/g" "$T_TMP/g.c"
cp "$R/work/g" "$T_TMP/g"

n=0
in_sandbox() {	# ARGS...: the workload's stdout and stderr
	n=$((n + 1))
	local args
	args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	jq --argjson a "$args" '.process.args = $a' "$B/config.json" \
		>"$B/c.json" && mv "$B/c.json" "$B/config.json"
	(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "ptrace-tools-$n-$$" 2>&1 </dev/null)
}
# strace -f prints a call another process's output cut as "NAME(args
# <unfinished ...>" and, later, "<... NAME resumed>rest": joined into one
# line, as an uninterrupted call prints (where the cut falls is timing).
join_unfinished() {
	awk '
	match($0, /^\[pid +[0-9]+\] /) && / <unfinished \.\.\.>$/ {
		p = substr($0, 1, RLENGTH); held[p] = $0; next
	}
	match($0, /^\[pid +[0-9]+\] <\.\.\. [a-z0-9_]+ resumed>/) {
		p = substr($0, 1, index($0, "<...") - 1)
		if (p in held) {
			line = held[p]; sub(/ <unfinished \.\.\.>$/, "", line)
			rest = $0; sub(/^[^>]*resumed>/, "", rest)
			print line rest; delete held[p]; next
		}
	}
	{ print }
	END { for (p in held) print held[p] }'
}
# pids, addresses, counts of variables, CPU times: what differs between
# two runs
normalise() {
	join_unfinished | sed -E 's/\[pid +[0-9]+\]/[pid]/; s/0x[0-9a-f]+/0x/g;
		s/\/\* [0-9]+ vars \*\//\/* vars *\//; s/si_pid=[0-9]+/si_pid=/;
		s/(si_[us]time)=[0-9]+( \/\* [^*]* \*\/)?/\1=/g;
		s/process [0-9]+/process/; /libthread_db/d' | sort
}
compare() {	# NAME NATIVE SANDBOX
	if [ -s "$2" ] && cmp -s "$2" "$3"; then
		t_ok "$1"
	else
		t_fail "$1" "$(diff "$2" "$3" | grep '^[<>]' | head -8 | tr '\n' ';')"
	fi
}

# strace -f of a pipeline: its exec and exit_group calls, the pipeline's
# output. Three runs: a stop lost to a race would show in one.
PIPE='echo hi | tr a-z A-Z; echo done'
env -i PATH=/usr/bin:/bin HOME=/root LC_ALL=C strace -f -qq \
	-e trace=execve,exit_group bash -c "$PIPE" 2>&1 </dev/null |
	normalise >"$T_TMP/strace.native"
sed -E 's/ +=/ =/' "$T_TMP/strace.native" | sort >"$T_TMP/strace.n2"
mv "$T_TMP/strace.n2" "$T_TMP/strace.native"
for i in 1 2 3; do
	in_sandbox strace -f -qq -e trace=execve,exit_group bash -c "$PIPE" |
		normalise | sed -E 's/ +=/ =/' | sort >"$T_TMP/strace.sandbox"
	compare "strace -f of a pipeline (run $i)" "$T_TMP/strace.native" \
		"$T_TMP/strace.sandbox"
done

# gdb -batch: a conditional breakpoint, backtrace, continue to the end.
GDB=(gdb -nx -batch -ex 'break depth if n == 0' -ex run -ex bt -ex continue)
(cd / && env -i PATH=/usr/bin:/bin HOME=/root LC_ALL=C "${GDB[@]}" \
	"$T_TMP/g" 2>&1 </dev/null) | sed "s|$T_TMP/g|/work/g|g" |
	normalise >"$T_TMP/gdb.native"
in_sandbox "${GDB[@]}" /work/g | normalise >"$T_TMP/gdb.sandbox"
# gdb reads and writes its tracee through /proc/<pid>/task/<tid>/mem,
# opened O_RDWR (the sentry serves it to the tracer attached, as Linux
# does); where the open fails it warns and falls back to PEEK/POKE.
if grep -q 'opening /proc/.*mem file' "$T_TMP/gdb.sandbox"; then
	t_fail "gdb through /proc/<pid>/mem" "$(grep -m1 'opening /proc/.*mem file' "$T_TMP/gdb.sandbox")"
else
	t_ok "gdb through /proc/<pid>/mem"
fi
compare "gdb -batch: breakpoint, backtrace, continue" "$T_TMP/gdb.native" \
	"$T_TMP/gdb.sandbox"
if grep -q '^#5 .* in main ()' "$T_TMP/gdb.sandbox"; then
	t_ok "gdb's backtrace reaches main"
else
	t_fail "gdb's backtrace reaches main" "$(tr '\n' ';' <"$T_TMP/gdb.sandbox" | tail -c 300)"
fi

# strace --seccomp-bpf: its filter's SECCOMP_RET_TRACE stops through the
# emulated PTRACE_O_TRACESECCOMP on the ptrace platform (openat is an
# emulated call there too); on the seccomp platform the option is refused
# and strace warns and traces every call (docs/security.md): the same
# lines either way. /etc/ld.so.cache as on the host, for the loader's
# openat calls.
cp /etc/ld.so.cache "$R/etc/ld.so.cache"
SBPF=(strace -f -qq --seccomp-bpf -e trace=openat,execve sh -c 'cat /etc/passwd >/dev/null')
(cd / && env -i PATH=/usr/bin:/bin HOME=/root LC_ALL=C "${SBPF[@]}" 2>&1 \
	</dev/null) | normalise >"$T_TMP/sbpf.native.raw"
in_sandbox "${SBPF[@]}" | normalise >"$T_TMP/sbpf.sandbox.raw"
grep -v '^strace: ' "$T_TMP/sbpf.native.raw" >"$T_TMP/sbpf.native"
grep -v '^strace: ' "$T_TMP/sbpf.sandbox.raw" >"$T_TMP/sbpf.sandbox"
compare "strace --seccomp-bpf -e trace=openat,execve" "$T_TMP/sbpf.native" \
	"$T_TMP/sbpf.sandbox"
if [ "$CVISOR_PLATFORM" = ptrace ]; then
	if cmp -s "$T_TMP/sbpf.native.raw" "$T_TMP/sbpf.sandbox.raw"; then
		t_ok "strace --seccomp-bpf: no fallback on the ptrace platform"
	else
		t_fail "strace --seccomp-bpf: no fallback on the ptrace platform" \
			"$(grep '^strace: ' "$T_TMP/sbpf.sandbox.raw" | head -2 | tr '\n' ';')"
	fi
fi
t_assert_clean "*-$$"
