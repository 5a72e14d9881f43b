#!/bin/bash
# A container never joins a cgroup that already holds another container's
# processes (runc 1.2 refuses it too): same id under two --root directories
# with no cgroupsPath, or the same explicit cgroupsPath. The refused create
# leaves no state, and the running container is untouched.
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/sleep 30
cd "$B" || exit 1
R2=$(mktemp -d /tmp/cvisor-test-root2.XXXXXX)
id=cgshared-$$

"$RUNSC_BIN" --root "$T_ROOT" run -d "$id" >/dev/null 2>"$T_TMP/err1" </dev/null
pid=$("$RUNSC_BIN" --root "$T_ROOT" state "$id" | jq -r .pid)
t_check "first container runs" kill -0 "$pid"

if "$RUNSC_BIN" --root "$R2" create "$id" >/dev/null 2>"$T_TMP/err2"; then
	t_fail "same id, other --root: refused" "create succeeded"
	"$RUNSC_BIN" --root "$R2" delete -f "$id" >/dev/null 2>&1
else
	t_check "same id, other --root: refused, naming the cause" \
		grep -q "cgroup is not empty: [0-9]* process(es) found" "$T_TMP/err2"
fi
t_expect "the refused create leaves no state" "" ls -A "$R2"
t_check "the running container is untouched" kill -0 "$pid"
t_expect "... and still alone in its cgroup" "running" \
	bash -c "'$RUNSC_BIN' --root '$T_ROOT' state '$id' | jq -r .status"

# The same explicit cgroupsPath.
jq --arg p "/cvisor-test-shared-$$" '.linux.cgroupsPath = $p' config.json >c.json &&
	mv c.json config.json
"$RUNSC_BIN" --root "$T_ROOT" run -d "$id-a" >/dev/null 2>"$T_TMP/err3" </dev/null
if "$RUNSC_BIN" --root "$T_ROOT" create "$id-b" >/dev/null 2>"$T_TMP/err4"; then
	t_fail "same cgroupsPath: refused" "create succeeded"
else
	t_check "same cgroupsPath: refused" grep -q "cgroup is not empty" "$T_TMP/err4"
fi
t_expect "only the first of them exists" "$id $id-a" \
	bash -c "'$RUNSC_BIN' --root '$T_ROOT' list -q | sort | tr '\n' ' ' | sed 's/ $//'"

"$RUNSC_BIN" --root "$T_ROOT" delete -f "$id" >/dev/null 2>&1
"$RUNSC_BIN" --root "$T_ROOT" delete -f "$id-a" >/dev/null 2>&1
t_check "after delete no cgroup is left" bash -c \
	"! ls -d /sys/fs/cgroup/*/cvisor/$id /sys/fs/cgroup/*/cvisor-test-shared-$$ /sys/fs/cgroup/cvisor-test-shared-$$ 2>/dev/null | grep -q ."
rm -rf "$R2"
