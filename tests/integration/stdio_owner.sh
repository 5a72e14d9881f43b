#!/bin/bash
# The container process's stdio is given to its user before the switch,
# as runc does (fixStdioPermissions): a process of another user can open
# /dev/stdout and /dev/stderr (/proc/self/fd/1 and 2: pipes of mode 0600)
# as under runc, e.g. a web server that logs to /dev/stdout as "nginx".
# Compared with runc, for the container's process (user 1000) and for an
# exec'd one (--user 2000:2000); stdout and stderr are pipes to cat, as a
# shim's are. Then the owners /proc/self links show in a user namespace.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc stdio_owner - || exit 0

B=$T_TMP/b
probe='for f in stdout stderr; do (: >/dev/$f) 2>/dev/null && r=ok || r=fail; echo "$1_open_$f $r"; (: >>/dev/$f) 2>/dev/null && r=ok || r=fail; echo "$1_append_$f $r"; done; { echo "$1_owner_stdout $(stat -L -c %u /proc/self/fd/9)"; } 9>&1; echo "$1_owner_stderr $(stat -L -c %u /proc/self/fd/2)"'
make_bundle "$B" /bin/sh -c "$probe; echo done 0" sh run
jq '.process.user = {"uid": 1000, "gid": 1000}' "$B/config.json" \
	>"$B/c.json" && mv "$B/c.json" "$B/config.json"

(cd "$B" && timeout 120 "$RUNC" --root "$T_TMP/runc-root" run "so-$$" \
	</dev/null 2>&1 | cat >"$T_TMP/native.out")
"$RUNC" --root "$T_TMP/runc-root" delete --force "so-$$" >/dev/null 2>&1
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "so-$$" </dev/null 2>&1 |
	cat >"$T_TMP/sandbox.out")
"$RUNSC_BIN" --root "$T_ROOT" delete --force "so-$$" >/dev/null 2>&1
t_compare_native

# exec: a long-running container, a process of another user in it
jq '.process.args = ["sleep", "60"]' "$B/config.json" >"$B/c.json" &&
	mv "$B/c.json" "$B/config.json"
# exec_probe RUNTIME... : the probe exec'd as 2000:2000, its output
exec_probe() {
	"$@" exec --user 2000:2000 "se-$$" /bin/sh -c "$probe; echo done 0" \
		sh exec </dev/null 2>&1 | cat
}
(cd "$B" && "$RUNC" --root "$T_TMP/runc-root" run -d "se-$$" \
	</dev/null >/dev/null 2>&1)
exec_probe "$RUNC" --root "$T_TMP/runc-root" >"$T_TMP/native.out"
"$RUNC" --root "$T_TMP/runc-root" delete --force "se-$$" >/dev/null 2>&1
(cd "$B" && "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	run -d "se-$$" </dev/null >/dev/null 2>&1)
exec_probe "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
	>"$T_TMP/sandbox.out"
"$RUNSC_BIN" --root "$T_ROOT" delete --force "se-$$" >/dev/null 2>&1
t_compare_native

# In a user namespace (the rootfs the namespace root's): the owners seen
# through /proc/self links (the executable, the cwd, a pipe made in the
# container) are mapped as the kernel maps them, not the host's ids.
bundle_userns "$B" '.process.user = {"uid": 0, "gid": 0} |
    .process.args = ["/bin/sh", "-c", "echo \"exe $(stat -L -c %u:%g /proc/self/exe)\"; echo \"cwd $(stat -L -c %u:%g /proc/self/cwd)\"; echo \"pipe $(echo | stat -L -c %u:%g /proc/self/fd/0)\"; echo done 0"]'
t_run_runc_and_sandbox su
t_compare_native
