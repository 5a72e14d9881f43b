#!/bin/bash
# docs/architecture.md, invariant 1, from inside: no host path lookup on workload
# memory. tests/progs/inv_toctou races a path buffer between
# "/etc/hostname" (in the container) and the absolute path of a marker
# planted on the host outside the rootfs, for 2 seconds; the workload must
# never read the marker. A host-only path opened plainly is ENOENT.
# What this proves end to end: no lookup of a workload path happens in a
# namespace that holds host files (the sentry's host procfs, runsc before
# confinement...). A CONTINUE'd openat alone would still be caught by
# invariant 3 (the workload's view has no host files) — inv_workload_view.sh
# checks that separately — so this race tests both layers together.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

prog=$CVISOR_PROGS/inv_toctou
[ -x "$prog" ] || { t_fail "inv_toctou built" "$prog missing"; exit 0; }

hostdir=$(mktemp -d /tmp/cvisor-hostonly-XXXXXX)
trap 'rm -rf "$hostdir"; t_cleanup' EXIT
secret=inv-host-secret-$$-$RANDOM$RANDOM
echo "$secret" >"$hostdir/marker"
t_clean_begin "inv-paths-*-$$"

# The detector must be able to fail: outside any sandbox the same race
# reads the host marker (it exists there), so exit 1 and leaked=1.
"$prog" 2 "$hostdir/marker" "$secret" >"$T_TMP/host.out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q 'leaked=1' "$T_TMP/host.out" &&
	t_ok "detector: on the host the race reads the marker" ||
	t_fail "detector: on the host the race reads the marker" "status $rc: $(cat "$T_TMP/host.out")"

# race PROFILE: the race as root with PROFILE's capabilities (with all of
# them, CAP_SYS_ADMIN and DAC_READ_SEARCH: nothing of the host may open).
race() {
	local prof=$1 B=$T_TMP/b-$1 id=inv-paths-$1-$$ rc out
	make_bundle "$B" /inv_toctou 2 "$hostdir/marker" "$secret"
	cp "$prog" "$B/rootfs/inv_toctou"
	caps_profile "$B" "$prof"
	[ ! -e "$B/rootfs$hostdir" ] || { t_fail "$prof: setup" "host path exists in the rootfs"; return; }
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run --bundle "$B" "$id" </dev/null >"$T_TMP/race.out" 2>&1
	rc=$?
	out=$(tr '\n' ' ' <"$T_TMP/race.out" | tail -c 400)
	if grep -q 'LEAK\|leaked=[1-9]' "$T_TMP/race.out"; then
		t_fail "$prof: race never reads the host marker" "$out"
	elif [ $rc -eq 0 ] && grep -q 'leaked=0' "$T_TMP/race.out"; then
		t_ok "$prof: race never reads the host marker"
		echo "# $prof: $(grep -o "opens=.*" "$T_TMP/race.out")"
	else
		t_fail "$prof: race never reads the host marker" "status $rc (3: no open succeeded): $out"
	fi
	# The losing opens see the host path as absent (or a torn path): ENOENT.
	if grep -Eq 'opens=[0-9]+ inside=[1-9][0-9]* enoent=[1-9]' "$T_TMP/race.out"; then
		t_ok "$prof: race: both paths were tried (inside opens and ENOENTs)"
	else
		t_fail "$prof: race: both paths were tried (inside opens and ENOENTs)" "$out"
	fi
	runsc delete --force "$id" >/dev/null 2>&1
}
for_each_caps race

# Single shots: a host-only path (file and its directory) is ENOENT; the
# container's own file opens.
plain() { # PATH: the errno inv_toctou --plain prints inside a sandbox
	local b=$T_TMP/p$RANDOM
	make_bundle "$b" /inv_toctou --plain "$1"
	cp "$prog" "$b/rootfs/inv_toctou"
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run --bundle "$b" "inv-paths-plain-$RANDOM-$$" </dev/null 2>&1 | grep '^errno='
}
t_expect "open of a host-only file is ENOENT" errno=2 plain "$hostdir/marker"
t_expect "open of a host-only directory is ENOENT" errno=2 plain "$hostdir"
t_expect "open of the container's /etc/hostname works" errno=0 plain /etc/hostname
# The CLI's own tree exists on the host only.
t_expect "open of the host's source tree is ENOENT" errno=2 plain "$CVISOR_SRC/Makefile"
t_assert_clean "inv-paths-*-$$"
exit 0
