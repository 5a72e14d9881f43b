#!/bin/bash
# The gofer and its client under valgrind memcheck: every operation of the
# unit tests, the malformed requests included, must be free of memory
# errors and leaks. (The gofer's seccomp filter is skipped: valgrind does
# not implement seccomp(2). Valgrind 3.19 does not know openat2, fchmodat2
# and the *xattrat calls; the tests using them are expected to fail there
# and are not counted.)
. "$(dirname "$0")/../lib.sh"

bin=$CVISOR_SRC/$BUILD/tests/unit/test_gofer
if ! command -v valgrind >/dev/null 2>&1; then
	t_skip memcheck "valgrind is not installed"
	exit 0
fi
if [ -n "${CVISOR_SAN:-}" ]; then
	t_skip memcheck "not under AddressSanitizer builds"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip memcheck "needs root"
	exit 0
fi
if [ ! -x "$bin" ]; then
	t_fail memcheck "$bin is not built"
	exit 0
fi
# NAME WORKERS: one run, with CVISOR_SENTRY_WORKERS=WORKERS (0: the one
# channel; 2: two channels' threads, which must be joined at the end).
memcheck() {
	local name=$1 rc unexpected

	CVISOR_SENTRY_WORKERS=$2 CVISOR_GOFER_NO_SECCOMP=1 valgrind -q \
		--leak-check=full --errors-for-leak-kinds=definite,possible \
		--error-exitcode=42 "$bin" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	# Unknown syscalls under valgrind: openat2 (437), fchmodat2 (452),
	# *xattrat.
	unexpected=$(grep '^not ok' "$T_TMP/out" |
		grep -v -e openat2_resolve_flags -e attributes_chmod -e xattrs)
	if [ $rc -eq 42 ] || grep -q 'Invalid \|uninitialised\|definitely lost\|possibly lost' "$T_TMP/err"; then
		t_fail "$name" "$(grep -v 'unhandled\|You may\|README_MISSING\|Nevertheless\|bug_reports\|malformed' "$T_TMP/err" | head -c 800 | tr '\n' ' ')"
	elif [ -n "$unexpected" ]; then
		t_fail "$name" "$unexpected"
	else
		t_ok "$name"
	fi
}

memcheck memcheck 0
memcheck memcheck_channels 2
