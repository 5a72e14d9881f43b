#!/bin/bash
# A masked path is /dev/null, as runc makes it: the container's own node,
# never the host's. fchmod and fchown are PASS calls acting on whatever
# node the open returned, so if the sentry handed out an fd of the host's
# /dev/null, root in the container could make it mode 000 (every host
# program writing to /dev/null then fails) or give it away.
#
# tests/progs/mask_fchmod opens a masked /proc file (the first of runsc
# spec's default maskedPaths that is a file on this host), fchmods it to 0600 and fchowns it to
# uid 4321. Under runc the container's /dev/null changes (the attack
# works: the node the fd names is changed) and the host's does not; the
# sandbox must show the same: the container's node changed, the host's
# mode, owner and ctime untouched.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/mask_fchmod
if [ ! -x "$PROG" ] || ! command -v runc >/dev/null; then
	t_skip masked_node "needs $PROG and runc"
	exit 0
fi
host_before=$(stat -c '%a %u %g %Z' /dev/null)

B=$T_TMP/b
make_bundle "$B" /mask_fchmod
cp "$PROG" "$B/rootfs/mask_fchmod"
# The first of the spec's masked paths that is a file on this host (runc
# masks only what exists).
target=
for p in $(jq -r '.linux.maskedPaths[]' "$B/config.json"); do
	if [ -f "$p" ]; then
		target=$p
		break
	fi
done
if [ -z "$target" ]; then
	t_fail masked_file "none of runsc spec's maskedPaths is a file on this host"
	exit 0
fi
jq --arg t "$target" '.process.args = ["/mask_fchmod", $t, "600", "4321"]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

RR=$T_TMP/runc-root
runc --root "$RR" run --bundle "$B" rc-$$ >"$T_TMP/runc.out" 2>"$T_TMP/runc.err"
# The attack works under runc: fchmod through the masked file's fd changed
# the container's /dev/null (fchown needs CAP_CHOWN, which the default
# spec lacks: whatever runc answers, the sandbox must answer too).
t_expect "runc: the masked file's fd is the container's /dev/null" "600" \
	awk '$1 == "devnull" { print $2 }' "$T_TMP/runc.out"
runc --root "$RR" delete -f rc-$$ >/dev/null 2>&1
t_expect "host /dev/null untouched by runc" "$host_before" stat -c '%a %u %g %Z' /dev/null

# A fresh copy of the rootfs: runc changed nothing in it (its /dev is a
# tmpfs), but keep the runs independent.
runsc run --bundle "$B" mask-$$ >"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err"
for k in open fchmod fchown; do
	t_expect "$k as under runc" \
		"$(awk -v k=$k '$1 == k { print $2 }' "$T_TMP/runc.out")" \
		awk -v k=$k '$1 == k { print $2 }' "$T_TMP/sandbox.out"
done
t_expect "the sandbox's /dev/null changed as runc's" \
	"$(awk '$1 == "devnull" { print $2, $3 }' "$T_TMP/runc.out")" \
	awk '$1 == "devnull" { print $2, $3 }' "$T_TMP/sandbox.out"
host_after=$(stat -c '%a %u %g %Z' /dev/null)
if [ "$host_after" = "$host_before" ]; then
	t_ok "host /dev/null untouched by the sandbox"
else
	t_fail "host /dev/null untouched by the sandbox" \
		"was '$host_before', now '$host_after'"
	# Put it back: every other test (and the host) needs it.
	chmod 666 /dev/null
	chown 0:0 /dev/null
fi
runsc delete -f mask-$$ >/dev/null 2>&1
[ -z "$(ls "$T_ROOT")" ] && t_ok "no state left" || t_fail "no state left" "$(ls "$T_ROOT")"
