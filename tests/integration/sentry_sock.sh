#!/bin/bash
# Socket calls the sentry performs for the workload: a blocking sendmsg does
# not stop the sentry, SCM_RIGHTS, TCP connect (tests/progs/sc_sock).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/sc_sock
cp "$CVISOR_PROGS/sc_sock" "$B/rootfs/bin/" || { t_fail build "no sc_sock"; exit 0; }
cd "$B" || exit 1
timeout 30 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run k1 \
	>"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
for name in blocked_sendmsg_complete sentry_serves_while_blocked scm_rights \
	tcp_connect tcp_connect_refused; do
	line=$(grep "^$name " "$T_TMP/out")
	case "$line" in
	"$name ok") t_ok "$name" ;;
	"") t_fail "$name" "no result (rc $rc): $(tail -c 300 "$T_TMP/err" | tr '\n' ' ')" ;;
	*) t_fail "$name" "$line" ;;
	esac
done
