#!/bin/bash
# Dangerous kernel surface never reaches the host (docs/architecture.md, invariant 6):
# tests/progs/sc_deny calls each family inside the sandbox and every call
# must fail with the errno the syscall table gives ("runsc syscalls"),
# with the default capabilities, Docker's and all of them.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"
t_clean_begin "*-$$"

B=$T_TMP/b
make_bundle "$B" /bin/sc_deny
cp "$CVISOR_PROGS/sc_deny" "$B/rootfs/bin/" || { t_fail build "no sc_deny"; exit 0; }
cd "$B" || exit 1

"$RUNSC_BIN" syscalls --format json >"$T_TMP/table.json"
# Rows with scalar-argument rules: their errno is per argument.
declare -A rules=(
	[ioctl_tiocsti]=EPERM [socket_packet_raw]=EAFNOSUPPORT
	[socket_packet_dgram]=EAFNOSUPPORT [socket_alg]=EAFNOSUPPORT
	[clone_newns]=EPERM [clone_newuser]=EPERM [clone_untraced]=EPERM
	# clone3 is emulated (sentry/clone3.c) with clone's flag policy
	[clone3_newuser]=EPERM [clone3_newns]=EPERM [clone3_newpid]=EPERM
	[clone3_newtime]=EPERM [clone3_untraced]=EPERM
	# ptrace is emulated (tests/escape/ptrace_reach.sh): the init's
	# parent is the sentry (TRACEME: EPERM), which has no pid inside
	# (getppid() is 0: ESRCH)
	[ptrace_traceme]=EPERM [ptrace_attach]=ESRCH
)

# deny PROFILE: sc_deny as root with PROFILE's capabilities (the DENY
# rows fail whatever the task holds, CAP_SYS_ADMIN and all).
deny() {
	local prof=$1 label sc got want
	caps_profile "$B" "$prof"
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run "d1-$prof-$$" \
		>"$T_TMP/out" 2>"$T_TMP/err" </dev/null
	if [ "$(wc -l <"$T_TMP/out")" -lt 30 ]; then
		t_fail "$prof: run" "sc_deny printed $(wc -l <"$T_TMP/out") lines: $(tail -c 300 "$T_TMP/err")"
		return
	fi
	while read -r label sc got; do
		want=${rules[$label]:-}
		if [ -z "$want" ]; then
			want=$(jq -r --arg n "$sc" '.syscalls[] | select(.name == $n) |
				if .disposition == "DENY" then .errno_name else .disposition end' \
				"$T_TMP/table.json")
			[ -z "$want" ] && want=ENOSYS	# not in the table
		fi
		if [ "$got" = OK ]; then
			t_fail "$prof: $label" "reached the host and succeeded"
		elif [ "$got" = "$want" ]; then
			t_ok "$prof: $label"
		else
			t_fail "$prof: $label" "want $want, got $got"
		fi
	done <"$T_TMP/out"
}
for_each_caps deny

# The clone3 attacks work where nothing stops them: under runc with every
# capability, sc_deny --clone3 (those attacks alone: the rest would act
# on the host) makes a user namespace, a mount namespace and a pid
# namespace by clone3, so that their refusal above is the sandbox's
# doing, not a broken attack.
RUNC=$(command -v runc)
if [ -n "$RUNC" ] && [ "$(id -u)" = 0 ]; then
	caps_profile "$B" all
	jq '.process.args = ["/bin/sc_deny", "--clone3"]' "$B/config.json" \
		>"$B/c.json" && mv "$B/c.json" "$B/config.json"
	timeout 60 "$RUNC" --root "$T_TMP/runc-root" run "d1-runc-$$" \
		>"$T_TMP/runc.out" 2>"$T_TMP/runc.err" </dev/null
	"$RUNC" --root "$T_TMP/runc-root" delete --force "d1-runc-$$" >/dev/null 2>&1
	for label in clone3_newuser clone3_newns clone3_newpid; do
		got=$(awk -v l="$label" '$1 == l { print $3 }' "$T_TMP/runc.out")
		if [ "$got" = OK ]; then
			t_ok "runc: $label succeeds"
		else
			t_fail "runc: $label succeeds" "got '${got:-(missing)}': $(tail -c 200 "$T_TMP/runc.err")"
		fi
	done
else
	t_skip "runc: clone3 attacks" "needs root and runc"
fi
t_assert_clean "*-$$"
