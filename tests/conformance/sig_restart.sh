#!/bin/bash
# Emulated calls restarted by a signal: tests/progs/sc_sigstorm makes and
# removes a directory, renames a file back and forth (2000 rounds each)
# and lists a 400-entry directory with a small buffer, while an interval
# timer floods it with a signal it ignores; every call must succeed once
# and the listing see each entry once, as on the host. A signal between
# the sentry's service of a notified call and its reply makes the kernel
# drop the reply and restart the call; the sentry answers the restart
# with the result it served (sentry/loop.c, restart_note). Before, a
# restarted mkdir found its own directory (EEXIST) in about half the
# rounds.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/sc_sigstorm
[ -x "$PROG" ] || { t_fail "sc_sigstorm built" "$PROG missing"; exit 0; }
t_clean_begin "*-$$"

"$PROG" >"$T_TMP/native.out" 2>"$T_TMP/native.err"
B=$T_TMP/b
make_bundle "$B" /sc_sigstorm
cp "$PROG" "$B/rootfs/sc_sigstorm"
jq '.root.readonly = false' "$B/config.json" >"$B/c.json" &&
	mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 300 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "sig-restart-$$" </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
# The residual race (docs/architecture.md, "Calls interrupted after they
# were served"): a reply the kernel accepted just as the signal woke the
# task is dropped all the same and the restart is served again. Under
# this storm it leaves a few failures in 4,000 calls (without the kept
# results: about 2,000): up to 8 show as a known difference, more fail.
residual() {	# NAME HOST SANDBOX
	case $1 in
	mkdir_rmdir_failures | rename_failures) ;;
	*) return 1 ;;
	esac
	local n=${3%% *}
	[[ $n =~ ^[0-9]+$ ]] && [ "$n" -le 8 ]
}
t_compare_native residual
t_assert_clean "*-$$"
