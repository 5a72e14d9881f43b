#!/bin/bash
# Legitimate filters over the sentry's behave as on Linux: the config's
# linux.seccomp profile (runsc/seccomp_profile.c; ERRNO, TRACE with a data
# value, TRAP, KILL, LOG rules over ALLOW, as Docker's or systemd's) and a
# filter the workload installs itself (tests/progs/sc_forge's ERRNO and
# LOG modes). The same bundle runs under runc: its results are the
# expectation.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/sc_forge
RUNC=$(command -v runc)
[ -x "$PROG" ] || { t_fail build "no sc_forge"; exit 0; }
[ -n "$RUNC" ] || { t_skip runc "runc is not installed"; exit 0; }

B=$T_TMP/b
loop='for m in allow errno-54 log; do /bin/sc_forge $m /etc/passwd /tmp/fifo /bin/sc_forge; done; echo done 0'
make_bundle "$B" /bin/sh -c "$loop"
cp "$PROG" "$B/rootfs/bin/sc_forge"
mkdir -p "$B/rootfs/tmp"
# The profile: getppid ERRNO(EXFULL), uname TRACE(3: a purpose number of
# the sentry's stops), mknodat TRAP, getcpu LOG. A writable root for mknod.
jq '.root.readonly = false | .linux.seccomp = {
	defaultAction: "SCMP_ACT_ALLOW",
	architectures: ["SCMP_ARCH_X86_64"],
	syscalls: [
		{ names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 54 },
		{ names: ["uname"], action: "SCMP_ACT_TRACE", errnoRet: 3 },
		{ names: ["mknodat"], action: "SCMP_ACT_TRAP" },
		{ names: ["getcpu"], action: "SCMP_ACT_LOG" }
	] }' "$B/config.json" >"$B/config.json.new" && mv "$B/config.json.new" "$B/config.json"

cd "$B" || exit 1
timeout 60 "$RUNC" --root "$T_TMP/runc-root" run "stk-runc-$$" \
	>"$T_TMP/native.raw" 2>"$T_TMP/native.err"
"$RUNC" --root "$T_TMP/runc-root" delete --force "stk-runc-$$" >/dev/null 2>&1
timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run "stk-$$" \
	>"$T_TMP/sandbox.raw" 2>"$T_TMP/sandbox.err"

# uname's release is the kernel's under runc, the sandbox's here.
norm() {
	awk 'NF >= 3 { print $1 "/" $2, $3 } $0 == "done 0"' "$1"
}
norm "$T_TMP/native.raw" >"$T_TMP/native.out"
norm "$T_TMP/sandbox.raw" >"$T_TMP/sandbox.out"

# seccomp platform: uname is an EMULATE call, which reaches the sentry as
# our USER_NOTIF; that outranks the profile's TRACE, so it is emulated
# instead of failing with ENOSYS (docs/security.md).
known() {
	[ "$CVISOR_PLATFORM" = seccomp ] && [ "${1#*/}" = uname ] &&
		[ "$2" = ENOSYS ] && [ "$3" = ok ]
}
t_compare_native known
