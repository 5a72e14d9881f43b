#!/bin/bash
# Set-user-ID, set-group-ID and file-capability exec against runc (issue
# 14; docs/security.md, "Set-id exec"). tests/progs/setid_exec runs as
# uid 1000 in a runc container and in a cvisor one made from the same
# bundle, with copies of itself planted setuid root, setgid 42 and with
# file capabilities, and every case's line must be the same: the ids
# (getresuid/getresgid and the sentry's /proc/self/status), the
# capabilities, AT_SECURE, what a 0600 root file and a file it creates
# say of the ids the file server used (invariant 8); the caller's own
# PR_SET_NO_NEW_PRIVS, a PTRACE_TRACEME parent, a failed exec's fds.
# Three times: process.noNewPrivileges false (the ids are gained), true
# (never), and false in a user namespace, where a file whose owner is
# not mapped gives nothing. The "#!" cases: a set-id interpreter's bits
# apply (the script's never), for an execute-only script too, through a
# nested script, never for an interpreter the caller may not execute;
# AT_SECURE where the gain is refused (a workload tracer, file
# capabilities under no_new_privs) and AT_EXECFN (execfn=, for names of
# 1, 100 and 4000 bytes too); Linux's other effects of a secure exec
# (pdeath=, amb=, stack=: the parent-death signal cleared, the ambient
# set, CAP_KILL here, cleared for a privileged file, RLIMIT_STACK capped
# to 8 MiB), where the gain is refused too; an exec from the caller's own
# fd (fexecve, /proc/self/fd/N: the fd's inode, found in the exec copy).
# No known differences are left.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

setid_needs setid || exit 0
t_clean_begin "*-$$"

B=$T_TMP/b
make_bundle "$B" /s/plain cases /s
S=$B/rootfs/s
setid_files "$S" "$PROG"
# CAP_KILL ambient (and inheritable): what a privileged file's exec clears
jq '.process.capabilities.ambient = ["CAP_KILL"] |
    .process.capabilities.inheritable = ["CAP_KILL"]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

# In a user namespace (container ids 0..65535 on the host's 100000..):
# the files' ids shifted with it, but suid_far's owner (5000) left
# unmapped, which Linux gives nothing (bprm_fill_uid).
userns() {
	chmod 755 "$T_TMP" "$B"	# reachable by the namespace's root
	chown -R 100000:100000 "$B/rootfs"
	chown 100000:100042 "$S/sgid"
	chown 102000:102000 "$S/suid_other"
	chown 5000:5000 "$S/suid_far"
	chmod 4755 "$S/suid_root" "$S/suid_other" "$S/suid_far" "$S/suid_script.sh"
	chmod 4700 "$S/suid_700"
	chmod 2755 "$S/sgid"
	setcap cap_kill,cap_net_bind_service+ep "$S/fcap"
	jq '.process.noNewPrivileges = false |
	    .linux.namespaces += [{type: "user"}] |
	    .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}] |
	    .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]' \
		"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
}

for pass in false true userns; do
	if [ "$pass" = userns ]; then
		userns
	else
		jq --argjson n "$pass" '.root.readonly = false |
		    .process.noNewPrivileges = $n |
		    .process.user = {uid: 1000, gid: 1000}' \
			"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
	fi
	rm -rf "$B"/rootfs/tmp/own_* "$B"/rootfs/tmp/n
	(cd "$B" && timeout 120 "$RUNC" --root "$T_TMP/runc-root" run \
		"setid-runc-$$" </dev/null >"$T_TMP/native.raw" 2>"$T_TMP/native.err")
	"$RUNC" --root "$T_TMP/runc-root" delete --force "setid-runc-$$" >/dev/null 2>&1
	rm -rf "$B"/rootfs/tmp/own_* "$B"/rootfs/tmp/n
	(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "setid-$$" \
		</dev/null >"$T_TMP/sandbox.raw" 2>"$T_TMP/sandbox.err")
	"$RUNSC_BIN" --root "$T_ROOT" delete --force "setid-$$" >/dev/null 2>&1
	# the race is the sandbox's own attack, the swap's runs differ from
	# run to run (tests/escape/setid_exec.sh checks both)
	p=
	[ "$pass" = true ] && p=nnp_
	[ "$pass" = userns ] && p=userns_
	for w in native sandbox; do
		grep -Ev '^(race|swap)' "$T_TMP/$w.raw" |
			awk -v p="$p" '$1 != "done" { $1 = p $1 } { print }' >"$T_TMP/$w.out"
	done
	# the attack works under runc, else the comparison proves little
	if [ "$pass" != true ]; then
		t_expect "${p}runc_gains" "uid=1000,0,0" \
			awk -v n="${p}suid_root" '$1 == n { print $2; exit }' "$T_TMP/native.out"
	fi
	t_compare_native
done

t_assert_clean "*-$$"
