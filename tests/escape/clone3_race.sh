#!/bin/bash
# clone3's arguments are read once, by the sentry (sentry/clone3.c;
# docs/architecture.md, "Interception"): tests/progs/clone3_race calls
# clone3 in a loop while another thread flips its flags between 0 and
# CLONE_NEWUSER, for 2 seconds. No child may ever be made in a new user
# namespace (the sentry refuses the flag, and the kernel never reads the
# struct it checked), on either platform, with the default capabilities
# and with all of them.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

prog=$CVISOR_PROGS/clone3_race
[ -x "$prog" ] || { t_fail "clone3_race built" "$prog missing"; exit 0; }
RUNC=$(command -v runc)
t_clean_begin "c3race-*-$$"

# The detector must be able to fail: under runc, where nothing checks
# the flags, the same race makes children in new user namespaces.
if [ -n "$RUNC" ] && [ "$(id -u)" = 0 ]; then
	B=$T_TMP/b-runc
	make_bundle "$B" /clone3_race 2
	cp "$prog" "$B/rootfs/clone3_race"
	(cd "$B" && timeout 60 "$RUNC" --root "$T_TMP/runc-root" run "c3race-runc-$$" \
		</dev/null >"$T_TMP/runc.out" 2>&1)
	rc=$?
	"$RUNC" --root "$T_TMP/runc-root" delete --force "c3race-runc-$$" >/dev/null 2>&1
	if [ $rc -eq 1 ] && grep -q 'newns=[1-9]' "$T_TMP/runc.out"; then
		t_ok "runc: the race makes children in new user namespaces"
	else
		t_fail "runc: the race makes children in new user namespaces" \
			"rc=$rc $(tr '\n' ' ' <"$T_TMP/runc.out" | tail -c 300)"
	fi
else
	t_skip "runc: the race makes children in new user namespaces" "needs root and runc"
fi

race() {
	local prof=$1 B=$T_TMP/b-$1 id=c3race-$1-$$ rc out
	make_bundle "$B" /clone3_race 2
	cp "$prog" "$B/rootfs/clone3_race"
	caps_profile "$B" "$prof"
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run --bundle "$B" "$id" </dev/null >"$T_TMP/race.out" 2>&1
	rc=$?
	out=$(tr '\n' ' ' <"$T_TMP/race.out" | tail -c 300)
	if grep -q 'newns=[1-9]' "$T_TMP/race.out"; then
		t_fail "$prof: no child in a new user namespace" "$out"
	elif [ $rc -eq 0 ] && grep -q 'newns=0' "$T_TMP/race.out" &&
		grep -q 'refused=[1-9]' "$T_TMP/race.out"; then
		t_ok "$prof: no child in a new user namespace"
		echo "# $prof: $(grep -o "calls=.*" "$T_TMP/race.out")"
	else
		t_fail "$prof: no child in a new user namespace" "rc=$rc $out"
	fi
}
for_each_caps race
t_assert_clean "c3race-*-$$"
