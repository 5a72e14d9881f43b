#!/bin/bash
# How /proc is listed, against runc (issue 14): tests/progs/proc_dirents
# (the entries' order, getdents64 with a one-entry buffer, telldir and
# seekdir, lseek to a saved d_off while processes exit and are born, held
# /proc fds while hundreds more are opened, /proc/self/task's order), one
# line per case, in a runc container and a cvisor one of the same bundle.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

t_needs_runc proc_dirents proc_dirents || exit 0

B=$T_TMP/b
make_bundle "$B" /proc_dirents
cp "$PROG" "$B/rootfs/proc_dirents"

t_run_runc_and_sandbox pd
t_compare_native
