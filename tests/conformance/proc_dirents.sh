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

(cd "$B" && timeout 120 "$RUNC" --root "$T_TMP/runc-root" run "pd-runc-$$" \
	</dev/null >"$T_TMP/native.out" 2>"$T_TMP/native.err")
"$RUNC" --root "$T_TMP/runc-root" delete --force "pd-runc-$$" >/dev/null 2>&1
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run "pd-$$" \
	</dev/null >"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
t_compare_native
