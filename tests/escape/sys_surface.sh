#!/bin/bash
# Dangerous kernel surface never reaches the host (docs/architecture.md, invariant 6):
# tests/progs/sys_surface, run inside a sandbox, tries every DENY row of
# the syscall table and the argument rules, and prints one ok / not ok
# line per check. The bundle has no linux.seccomp section, so only
# cvisor's own filter is in the way.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

PROG=$CVISOR_PROGS/sys_surface
if [ ! -x "$PROG" ]; then
	t_fail "sys_surface built" "$PROG missing (make test-progs)"
	exit 0
fi

B=$T_TMP/b
make_bundle "$B" /sys_surface
cp "$PROG" "$B/rootfs/sys_surface"
jq 'del(.linux.seccomp)' "$B/config.json" >"$B/config.json.new" &&
	mv "$B/config.json.new" "$B/config.json"

OUT=$T_TMP/surface.out
runsc run --bundle "$B" surface-$$ >"$OUT" 2>"$T_TMP/surface.err" </dev/null
rc=$?

if [ "$rc" -eq 0 ]; then
	t_ok "exit status 0"
else
	t_fail "exit status 0" "status $rc ($(tail -c 300 "$T_TMP/surface.err" | tr '\n' ' '))"
fi

oks=$(grep -c '^ok sys_surface: ' "$OUT")
bad=$(grep -c '^not ok sys_surface: ' "$OUT")
skips=$(grep -c '^skip sys_surface: ' "$OUT")
other=$(grep -cv -e '^ok sys_surface: ' -e '^not ok sys_surface: ' \
	-e '^skip sys_surface: ' "$OUT")

# Each refused call the sandbox let through is a failure of its own.
while IFS= read -r line; do
	t_fail "in sandbox: ${line#not ok sys_surface: }" "$CVISOR_PLATFORM"
done < <(grep '^not ok sys_surface: ' "$OUT")

if [ "$skips" -gt 0 ]; then
	t_fail "runs under the cvisor filter" "$(grep '^skip ' "$OUT" | head -1)"
fi
# At least one check per DENY row of the table: fewer lines mean the
# program died early.
want=$(grep -c '^SC(.*DENY(' "$CVISOR_SRC/syscalls/table.def")
if [ "$want" -lt 50 ]; then
	t_fail "DENY rows found" "only $want in syscalls/table.def"
elif [ $((oks + bad)) -lt "$want" ]; then
	t_fail "all checks ran" "only $oks ok + $bad not ok lines, want >= $want"
elif [ "$bad" -eq 0 ]; then
	t_ok "$oks checks ($want DENY rows), all refused as the table says"
fi
if [ "$other" -eq 0 ]; then
	t_ok "only ok lines on stdout"
else
	t_fail "only ok lines on stdout" "$(grep -v -e '^ok ' -e '^not ok ' "$OUT" | head -3 | tr '\n' ' ')"
fi

if [ -z "$(ls "$T_ROOT" 2>/dev/null)" ]; then
	t_ok "no state left"
else
	t_fail "no state left" "$(ls "$T_ROOT")"
fi
t_assert_clean "*-$$"
