#!/bin/bash
# Datagrams to an AF_UNIX path without connect (sendto / sendmsg with a
# name): the gofer connects the socket for the send, then it is
# disconnected; results must equal the host kernel's (tests/progs/sc_unixdgram).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/sc_unixdgram
if [ ! -x "$PROG" ]; then
	t_skip sc_unixdgram "no $PROG (make test-progs)"
	exit 0
fi
mkdir -p "$T_TMP/native"
"$PROG" "$T_TMP/native" >"$T_TMP/native.out" 2>&1

B=$T_TMP/b
make_bundle "$B" /bin/sc_unixdgram /tmp
cp "$PROG" "$B/rootfs/bin/" || { t_fail build "no sc_unixdgram"; exit 0; }
jq '.root.readonly = false' "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
cd "$B" || exit 1
timeout 30 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run ud1 \
	</dev/null >"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
for name in sendto_path received_with_sender reply_to_sender sender_unconnected \
	others_can_send_to_sender sendmsg_path missing_path_enoent \
	stream_eopnotsupp full_receiver_eagain still_unconnected; do
	native=$(grep "^$name " "$T_TMP/native.out")
	line=$(grep "^$name " "$T_TMP/out")
	if [ "$native" != "$name ok" ]; then
		t_fail "$name (native)" "$native"
		continue
	fi
	case "$line" in
	"$name ok") t_ok "$name" ;;
	"") t_fail "$name" "no result (rc $rc): $(tail -c 300 "$T_TMP/err" | tr '\n' ' ')" ;;
	*) t_fail "$name" "$line" ;;
	esac
done
