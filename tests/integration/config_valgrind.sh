#!/bin/bash
# config.json parsing under valgrind: every parse, error path and free of
# the config unit tests must be leak- and error-free. (The seccomp profile
# tests are not run here: valgrind does not implement seccomp(2).)
. "$(dirname "$0")/../lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	t_skip valgrind "valgrind is not installed"
	exit 0
fi
if [ -n "${CVISOR_SAN:-}" ]; then
	t_skip valgrind "not under AddressSanitizer builds"
	exit 0
fi

for t in test_config test_config_errors; do
	bin=$CVISOR_SRC/$BUILD/tests/unit/$t
	if [ ! -x "$bin" ]; then
		t_fail "$t" "$bin is not built"
		continue
	fi
	if CVISOR_VALGRIND=1 valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
		--error-exitcode=1 "$bin" >"$T_TMP/$t.out" 2>"$T_TMP/$t.err" &&
		! grep -q '^not ok' "$T_TMP/$t.out"; then
		t_ok "$t"
	else
		t_fail "$t" "$(grep -v '^ok' "$T_TMP/$t.out" "$T_TMP/$t.err" | head -c 600 | tr '\n' ' ')"
	fi
done
