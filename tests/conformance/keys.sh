#!/bin/bash
# Keyrings (issue 14): tests/progs/keyctl_conform runs every keyctl,
# add_key and request_key operation by raw syscall, natively in a fresh
# session keyring and in the sandbox, where the sentry emulates keyrings;
# every case's result must equal the host kernel's. Then: a key a sandbox
# adds to its user keyring never reaches the host's keyrings (the same
# program run natively does put it there), and a second sandbox does not
# see the first one's keys.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/keyctl_conform
if [ ! -x "$PROG" ]; then
	t_skip keyctl_conform "no $PROG (make test-progs)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip keyctl_conform "needs root"
	exit 0
fi
if ! "$PROG" probe 1 x >/dev/null 2>&1 || [ ! -r /proc/keys ]; then
	t_skip keyctl_conform "the host refuses keyctl (or has no /proc/keys)"
	exit 0
fi

"$PROG" >"$T_TMP/native.out" 2>"$T_TMP/native.err"

# A bundle running args with the capabilities a native root uses here
# (setuid to 1000, chown of a key to another uid).
keys_bundle() {
	local b=$1
	shift
	make_bundle "$b" "$@"
	cp "$PROG" "$b/rootfs/keyctl_conform"
	local caps='["CAP_SETUID","CAP_SETGID","CAP_SYS_ADMIN","CAP_KILL",
		"CAP_AUDIT_WRITE","CAP_NET_BIND_SERVICE"]'
	jq --argjson c "$caps" '.process.capabilities =
		{"bounding":$c,"effective":$c,"permitted":$c}' \
		"$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
}

run_in() {	# bundle id
	(cd "$1" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "$2" </dev/null)
}

keys_bundle "$T_TMP/b" /keyctl_conform
run_in "$T_TMP/b" "keys-$$" >"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err"

t_compare_native

# The container's session keyring, as runc gives it: the init and a
# process exec'd as another user join "_ses.<id>", made by root. The same
# bundle and container id under runc, then under cvisor.
RUNC=$(command -v runc)
session_runs() {	# runtime-command... ; prints init's then exec's lines
	local id=keys-ses-$$
	(cd "$T_TMP/s" && timeout 60 "$@" run "$id" </dev/null 2>&1)
	sed -i 's|"/keyctl_conform", *"session"|"/bin/sleep", "30"|' \
		"$T_TMP/s/config.json"
	(cd "$T_TMP/s" && timeout 60 "$@" run -d "$id-x" </dev/null \
		>/dev/null 2>&1)
	timeout 60 "$@" exec --user 1000:1000 "$id-x" /keyctl_conform session \
		2>&1 | sed 's/^/exec_/'
	"$@" kill "$id-x" KILL >/dev/null 2>&1
	sleep 0.5
	"$@" delete --force "$id-x" >/dev/null 2>&1
	"$@" delete --force "$id" >/dev/null 2>&1
	sed -i 's|"/bin/sleep", *"30"|"/keyctl_conform", "session"|' \
		"$T_TMP/s/config.json"
}
if [ -z "$RUNC" ]; then
	t_skip container_session_keyring "runc is not installed"
else
	keys_bundle "$T_TMP/s" /keyctl_conform session
	jq -c . "$T_TMP/s/config.json" >"$T_TMP/s/c.json" &&
		mv "$T_TMP/s/c.json" "$T_TMP/s/config.json"
	session_runs "$RUNC" --root "$T_TMP/runc-root" >"$T_TMP/ses.runc"
	session_runs "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" >"$T_TMP/ses.cvisor"
	if grep -q '^initial_session .*;_ses\.keys-ses-' "$T_TMP/ses.runc" &&
		grep -q '^exec_initial_session ' "$T_TMP/ses.runc" &&
		cmp -s "$T_TMP/ses.runc" "$T_TMP/ses.cvisor"; then
		t_ok container_session_keyring
	else
		t_fail container_session_keyring "runc: $(tr '\n' ' ' <"$T_TMP/ses.runc") cvisor: $(tr '\n' ' ' <"$T_TMP/ses.cvisor")"
	fi
fi

# The sentry's memory: root (whose Linux quota is a million keys) fills
# its session keyring until the sandbox's cap (20000 keys, 32 MiB: EDQUOT);
# the sentry still answers after. Not run natively: it would fill 25 MB
# of the host kernel's memory.
keys_bundle "$T_TMP/f" /keyctl_conform flood
run_in "$T_TMP/f" "keys-flood-$$" >"$T_TMP/flood.out" 2>&1
read -r _ n err <<<"$(grep '^flood ' "$T_TMP/flood.out")"
if [ "$err" = EDQUOT ] && [ "${n:-0}" -gt 1000 ] && [ "$n" -le 20000 ] &&
	grep -q '^flood_after 0$' "$T_TMP/flood.out"; then
	t_ok sandbox_key_cap
else
	t_fail sandbox_key_cap "$(tr '\n' ' ' <"$T_TMP/flood.out")"
fi

# Random calls (sandbox only: natively they would chown and revoke the
# host's keyrings): the sentry answers every one.
make_bundle "$T_TMP/z" /keyctl_fuzz "$$" 50000
cp "$CVISOR_PROGS/keyctl_fuzz" "$T_TMP/z/rootfs/"
run_in "$T_TMP/z" "keys-fuzz-$$" >"$T_TMP/fuzz.out" 2>&1
if grep -q '^fuzz done 50000$' "$T_TMP/fuzz.out"; then
	t_ok random_calls
else
	t_fail random_calls "seed $$: $(tail -c 300 "$T_TMP/fuzz.out" | tr '\n' ' ')"
fi

# The host's keyrings: a marker key added to the user keyring natively is
# in the host's /proc/keys (so the check can see one); the same from the
# sandbox is not.
mark=cvisor-keys-$$-$RANDOM
if "$PROG" mark "$mark-native" >/dev/null &&
	grep -q -- "$mark-native" /proc/keys; then
	"$PROG" unmark "$mark-native"
	keys_bundle "$T_TMP/m" /keyctl_conform mark "$mark-sandbox"
	run_in "$T_TMP/m" "keys-mark-$$" >"$T_TMP/mark.out" 2>&1
	serial=$(tail -n 1 "$T_TMP/mark.out")
	if [ "${serial:-0}" -gt 0 ] 2>/dev/null &&
		! grep -q -- "$mark-sandbox" /proc/keys; then
		t_ok host_keyrings_untouched
	else
		t_fail host_keyrings_untouched "sandbox said '$(tr '\n' ' ' <"$T_TMP/mark.out")'; host: $(grep -- "$mark" /proc/keys)"
	fi
else
	t_fail host_keyrings_untouched "the native marker did not show in /proc/keys"
fi

# Two sandboxes: a second one cannot see a key of the first (alive,
# sleeping) by serial or by name; a process exec'd into the first can.
keys_bundle "$T_TMP/h" /bin/sh -c "/keyctl_conform mark $mark-held >/serial; sleep 60"
jq '.root.readonly = false' "$T_TMP/h/config.json" >"$T_TMP/h/c.json" &&
	mv "$T_TMP/h/c.json" "$T_TMP/h/config.json"
(cd "$T_TMP/h" && "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	run -d "keys-hold-$$" </dev/null >/dev/null 2>"$T_TMP/hold.err")
serial=
for _ in $(seq 50); do
	serial=$(cat "$T_TMP/h/rootfs/serial" 2>/dev/null)
	[ -n "$serial" ] && break
	sleep 0.2
done
if [ "${serial:-0}" -gt 0 ] 2>/dev/null; then
	"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		exec "keys-hold-$$" /keyctl_conform probe \
		"$serial" "$mark-held" >"$T_TMP/same.out" 2>&1
	keys_bundle "$T_TMP/o" /keyctl_conform probe "$serial" "$mark-held"
	run_in "$T_TMP/o" "keys-other-$$" >"$T_TMP/other.out" 2>&1
	if grep -q "^probe_serial .*user;0;0;.*;$mark-held" "$T_TMP/same.out" &&
		grep -q "^probe_search =" "$T_TMP/same.out" &&
		grep -q "^probe_serial ENOKEY" "$T_TMP/other.out" &&
		grep -q "^probe_search ENOKEY" "$T_TMP/other.out"; then
		t_ok other_sandbox_sees_no_keys
	else
		t_fail other_sandbox_sees_no_keys "same: $(tr '\n' ' ' <"$T_TMP/same.out") other: $(tr '\n' ' ' <"$T_TMP/other.out")"
	fi
else
	t_fail other_sandbox_sees_no_keys "the first sandbox gave no serial: $(tr '\n' ' ' <"$T_TMP/hold.err")"
fi
"$RUNSC_BIN" --root "$T_ROOT" delete --force "keys-hold-$$" >/dev/null 2>&1
