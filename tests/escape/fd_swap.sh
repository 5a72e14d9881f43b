#!/bin/bash
# A task swaps its fd N between a file of its own and a root file it may
# only read while it reopens /proc/self/fd/N with O_TRUNC
# (tests/progs/fd_swap): the sentry checks the access on one object and
# reopens through its procfs; what it opened must be what it checked,
# and O_TRUNC must never reach the root file (it did: the sentry's own
# root ids opened whatever was at N, truncating). runc's run, where the
# kernel opens either atomically as the caller, shows the expectation.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc fd_swap fd_swap || exit 0

B=$T_TMP/b
make_bundle "$B" /fd_swap
cp "$PROG" "$B/rootfs/fd_swap"
jq '.root.readonly = false |
    .process.capabilities |= with_entries(.value += ["CAP_SETUID",
	"CAP_SETGID"])' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
t_run_runc_and_sandbox fds
# the attack must have raced in the sandbox (the host's loop, much faster,
# may finish before the swapper runs); root's file intact in both
t_expect raced "raced yes" grep -x "raced yes" "$T_TMP/sandbox.out"
for f in native sandbox; do
	t_expect "root_file_intact_$f" "root_file_intact yes" \
		grep -x "root_file_intact yes" "$T_TMP/$f.out"
done

# Non-dumpable: its fd/ is root's, which the sentry's own ids may search,
# so the reopen of root's file swapped in is the sentry's open (it was
# made with O_TRUNC).
jq '.process.args = ["/fd_swap", "nodump"]' "$B/config.json" >"$B/c.json" &&
	mv "$B/c.json" "$B/config.json"
t_run_runc_and_sandbox fdn
for f in native sandbox; do
	t_expect "nodump_root_file_intact_$f" "root_file_intact yes" \
		grep -x "root_file_intact yes" "$T_TMP/$f.out"
done
