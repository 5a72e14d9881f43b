#!/bin/bash
# execve, execveat and fexecve errors (ENOENT, EACCES, ENOEXEC, ELOOP,
# E2BIG, ENOTDIR, "#!" interpreters missing, a "#!" line too long, nested
# scripts past the kernel's limit) and ETXTBSY both ways (exec of a file
# open for writing, opening for writing a file being executed):
# tests/progs/exec_errs runs natively and in the sandbox, each case's
# result in the sandbox must equal the host kernel's.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/exec_errs
if [ ! -x "$PROG" ]; then
	t_skip exec_errs "no $PROG (make test-progs)"
	exit 0
fi

N=$T_TMP/native
mkdir -p "$N"
"$PROG" "$N" >"$T_TMP/native.out" 2>"$T_TMP/native.err"

B=$T_TMP/b
make_bundle "$B" /ex/exec_errs /ex/work
mkdir -p "$B/rootfs/ex/work"
cp "$PROG" "$B/rootfs/ex/exec_errs"
jq '.root.readonly = false' "$B/config.json" >"$B/c.json" &&
	mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run ex </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")

t_compare_native
