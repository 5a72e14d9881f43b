#!/bin/bash
# Opens served from the sentry's pool of pre-opened fds
# (sentry/fs_openpool.c; --file-access exclusive, the default): after a
# file was opened again and again, a chmod, fchmod, rename over, unlink,
# truncate or write through another fd, O_TRUNC, setfsuid, and two opens'
# offsets, flock and flags must show as the host kernel shows them.
# tests/progs/openpool runs natively and in the sandbox on a directory of
# the same filesystem; every line must be the host's.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/openpool
MODE=${OPENPOOL_MODE:-conform}
if [ ! -x "$PROG" ]; then
	t_skip openpool "no $PROG (make test-progs)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip openpool "needs root"
	exit 0
fi

N=$T_TMP/native
mkdir -p "$N/work"
# Searchable by uid 1000, as /op is in the sandbox.
chmod 755 "$T_TMP" "$N" "$N/work"
"$PROG" "$MODE" "$N/work" >"$T_TMP/native.out" 2>"$T_TMP/native.err"

B=$T_TMP/b
make_bundle "$B" /op/openpool "$MODE" /op/work
mkdir -p "$B/rootfs/op/work"
chmod 755 "$B/rootfs/op" "$B/rootfs/op/work"
cp "$PROG" "$B/rootfs/op/openpool"
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER",
	"CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP",
	"CAP_LEASE","CAP_AUDIT_WRITE"]'
jq --argjson c "$caps" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	${CVISOR_FILE_ACCESS:+--file-access "$CVISOR_FILE_ACCESS"} \
	--debug --debug-log "$T_TMP/sandbox.log" \
	--platform "$CVISOR_PLATFORM" run "openpool-$$" </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")

# The cases mean something only if the pool served opens: its counters
# at the sentry's exit (with --file-access shared it must be unused).
pool=$(cat "$T_TMP/sandbox.log" "$T_TMP/sandbox.err" 2>/dev/null |
	grep -o 'fd pool: [^"]*' | tail -n 1)
if [ "${CVISOR_FILE_ACCESS:-exclusive}" = exclusive ]; then
	if [[ $pool =~ ^fd\ pool:\ (on|off\ \(inotify\)),\ ([0-9]+)\ hits ]] &&
		[ "${BASH_REMATCH[2]}" -ge 10 ]; then
		t_ok pool_served_opens
	else
		t_fail pool_served_opens "'$pool'"
	fi
elif [[ $pool =~ ^fd\ pool:\ on,\ 0\ hits ]] || [ -z "$pool" ]; then
	t_ok pool_unused_when_shared
else
	t_fail pool_unused_when_shared "'$pool'"
fi

# A write lease needs the file open nowhere else: the pool's fds are
# opens (docs/architecture.md, "The fd install path").
known() {
	[ "$1" = op_lease_wr ] && [ "$2" = 0 ] && [ "$3" = EAGAIN ] &&
		[ "${CVISOR_FILE_ACCESS:-exclusive}" = exclusive ]
}
t_compare_native known
"$RUNSC_BIN" --root "$T_ROOT" delete --force "openpool-$$" >/dev/null 2>&1
t_assert_clean "openpool-$$"
