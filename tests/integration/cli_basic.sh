#!/bin/bash
# runsc's command line without a sandbox: version, help for every verb,
# spec, features, syscalls, list, usage errors and the --log JSON line.
source "$(dirname "$0")/../lib.sh"

out=$("$RUNSC_BIN" --version)
if [[ $out == *"runsc version "* && $out == *"spec: 1."* ]]; then
	t_ok "--version"
else
	t_fail "--version" "got: $out"
fi
t_check "-v" "$RUNSC_BIN" -v
t_check "--help" "$RUNSC_BIN" --help

verbs="spec create start run state kill delete list ps exec events pause
	resume update features do syscalls version help"
bad=""
for v in $verbs; do
	out=$("$RUNSC_BIN" "$v" --help 2>&1) || bad="$bad $v(status)"
	[[ $out == *Usage* ]] || bad="$bad $v(text)"
	"$RUNSC_BIN" help "$v" >/dev/null 2>&1 || bad="$bad help-$v"
done
if [ -z "$bad" ]; then t_ok "--help for every verb"; else t_fail "--help for every verb" "$bad"; fi

# Usage errors: status 1 and a message, like runc.
"$RUNSC_BIN" --root "$T_ROOT" nosuchverb >/dev/null 2>"$T_TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "nosuchverb" "$T_TMP/err"; then
	t_ok "unknown verb"
else
	t_fail "unknown verb" "status $rc: $(cat "$T_TMP/err" | tail -1)"
fi
"$RUNSC_BIN" --no-such-flag list >/dev/null 2>"$T_TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "flag provided but not defined" "$T_TMP/err"; then
	t_ok "unknown global flag"
else
	t_fail "unknown global flag" "status $rc"
fi
"$RUNSC_BIN" --root "$T_ROOT" kill --bogus x >/dev/null 2>"$T_TMP/err"
rc=$?
if [ $rc -eq 1 ] && grep -q -- "--bogus" "$T_TMP/err"; then
	t_ok "unknown verb flag"
else
	t_fail "unknown verb flag" "status $rc"
fi
t_check "--flag=value form" "$RUNSC_BIN" --root="$T_ROOT" --log-format=text list --format=json

# spec
mkdir -p "$T_TMP/spec"
if "$RUNSC_BIN" spec --bundle "$T_TMP/spec" &&
	jq -e '.ociVersion and .process.args and .root.path == "rootfs"' \
		"$T_TMP/spec/config.json" >/dev/null; then
	t_ok "spec writes a config.json that parses"
else
	t_fail "spec writes a config.json that parses"
fi
if ! "$RUNSC_BIN" spec --bundle "$T_TMP/spec" 2>/dev/null; then
	t_ok "spec refuses to overwrite"
else
	t_fail "spec refuses to overwrite"
fi
mkdir -p "$T_TMP/rl"
if "$RUNSC_BIN" spec --rootless -b "$T_TMP/rl" &&
	jq -e '.linux.namespaces | map(.type) | index("user")' \
		"$T_TMP/rl/config.json" >/dev/null; then
	t_ok "spec --rootless has a user namespace"
else
	t_fail "spec --rootless has a user namespace"
fi

# features
if "$RUNSC_BIN" features | jq -e '.ociVersionMin and .ociVersionMax and
	(.hooks | index("prestart")) and (.linux.namespaces | index("pid")) and
	(.linux.capabilities | index("CAP_SYS_ADMIN")) and .linux.cgroup and
	.linux.seccomp.enabled and (.mountOptions | length > 10)' >/dev/null; then
	t_ok "features JSON"
else
	t_fail "features JSON" "$("$RUNSC_BIN" features 2>&1 | head -c 300)"
fi

# syscalls
if "$RUNSC_BIN" syscalls --format json | jq -e . >/dev/null 2>&1; then
	t_ok "syscalls --format json parses"
else
	t_fail "syscalls --format json parses"
fi
t_check "syscalls (text)" "$RUNSC_BIN" syscalls
t_check "syscalls --format markdown" "$RUNSC_BIN" syscalls --format markdown

# list on an empty or missing root
t_expect "list -q on an empty root" "" runsc list -q
t_expect "list --format json on a missing root" "[]" \
	"$RUNSC_BIN" --root "$T_TMP/nonexistent" list --format json
out=$("$RUNSC_BIN" --root "$T_ROOT" list)
if [[ $out == "ID"*"PID"*"STATUS"*"BUNDLE"*"CREATED"*"OWNER"* ]]; then
	t_ok "list table header"
else
	t_fail "list table header" "$out"
fi

# The last error goes to --log as a JSON line (what containerd's shim reads).
"$RUNSC_BIN" --root "$T_ROOT" --log "$T_TMP/log.json" --log-format json \
	state nosuch >/dev/null 2>"$T_TMP/err"
if [ $? -eq 1 ] && tail -n1 "$T_TMP/log.json" |
	jq -e '.level == "error" and .msg == "container does not exist" and .time' \
		>/dev/null && grep -q "^runsc: container does not exist" "$T_TMP/err"; then
	t_ok "error in --log as JSON and on stderr"
else
	t_fail "error in --log as JSON and on stderr" "$(cat "$T_TMP/log.json" "$T_TMP/err")"
fi
