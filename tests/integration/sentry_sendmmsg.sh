#!/bin/bash
# A sendmmsg that blocks (a stream socket whose peer does not read) must not
# stop the sentry: another thread of the task keeps making emulated calls,
# then the peer drains and sendmmsg completes (tests/progs/sc_sendmmsg).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/sc_sendmmsg
cp "$CVISOR_PROGS/sc_sendmmsg" "$B/rootfs/bin/" || { t_fail build "no sc_sendmmsg"; exit 0; }
cd "$B" || exit 1
"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run m1 \
	>"$T_TMP/out" 2>"$T_TMP/err" </dev/null &
pid=$!
for ((i = 0; i < 300; i++)); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
	# A stalled sentry: kill the sandbox by its pid, then delete.
	sbx=$("$RUNSC_BIN" --root "$T_ROOT" state m1 2>/dev/null | jq -r '.pid // empty')
	[ -n "$sbx" ] && [ "$sbx" -gt 1 ] && kill -9 "$sbx" 2>/dev/null
	kill -9 "$pid" 2>/dev/null
	"$RUNSC_BIN" --root "$T_ROOT" delete --force m1 >/dev/null 2>&1
fi
wait "$pid"
rc=$?
for name in calls_during_block sender_blocked sendmmsg_result bytes_arrived; do
	line=$(grep "^$name " "$T_TMP/out")
	case "$line" in
	"$name ok") t_ok "$name" ;;
	"") t_fail "$name" "no result (rc $rc): $(tail -c 300 "$T_TMP/err" | tr '\n' ' ')" ;;
	*) t_fail "$name" "$line" ;;
	esac
done
if [ "$rc" = 0 ]; then t_ok exit_status; else t_fail exit_status "rc $rc"; fi
