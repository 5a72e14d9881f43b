#!/bin/bash
# clone3 against Linux (issue 14): tests/progs/clone3_conform runs in a
# runc container and in a cvisor one made from the same bundle, and every
# case's line must be the same: sizes (VER0, VER1, trailing bytes, past a
# page, faults), unknown and invalid flags, exit_signal, set_tid,
# CLONE_INTO_CGROUP, namespaces, CLONE_CLEAR_SIGHAND seen by the child,
# pidfds, a thread on a new stack, CLONE_VFORK, a call restarted by
# signals, the registers clone3 leaves alone in the parent and in the
# child (glibc's clone3 child keeps its function in rdx, its argument in
# r8), and glibc's own users: pthread_create, posix_spawn, fork.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc clone3_conform clone3_conform || exit 0

B=$T_TMP/b
make_bundle "$B" /clone3_conform
cp "$PROG" "$B/rootfs/clone3_conform"

t_run_runc_and_sandbox c3

t_compare_native
