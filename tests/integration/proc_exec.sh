#!/bin/bash
# Opening and executing through /proc's magic links: /proc/self/exe,
# cwd, root and fd/N opened with the flags asked (cat /proc/self/exe,
# a new file offset, permission checks of the mode asked, ETXTBSY,
# ENXIO for a socket, a pipe reopened for writing) and execve through
# symlinks that lead into /proc (/x -> /proc/self/exe, -> /proc/self/fd/N,
# a "#!" script by its fd): tests/progs/proc_open runs natively and in the
# sandbox, each case's result in the sandbox must equal the host kernel's.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/proc_open
if [ ! -x "$PROG" ]; then
	t_skip proc_open "no $PROG (make test-progs)"
	exit 0
fi

N=$T_TMP/native
mkdir -p "$N/bin"
cp "$PROG" "$N/bin/proc_open"
mkdir "$N/work"
"$N/bin/proc_open" "$N/work" >"$T_TMP/native.out" 2>"$T_TMP/native.err"

B=$T_TMP/b
make_bundle "$B" /ex/proc_open /ex/work
mkdir -p "$B/rootfs/ex/work"
cp "$PROG" "$B/rootfs/ex/proc_open"
jq '.root.readonly = false' "$B/config.json" >"$B/c.json" &&
	mv "$B/c.json" "$B/config.json"
(cd "$B" && timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run pe </dev/null \
	>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")

# Known difference (docs/oci-features.md): a "#!" script exec'd as
# /proc/self/fd/N of a close-on-exec fd. Linux runs the interpreter, which
# then cannot open the script; the sandbox execs the task's fd
# (execveat AT_EMPTY_PATH: the workload has no /proc) and the kernel
# refuses that with ENOENT. Both fail with ENOENT, at different points.
known() {
	[ "$1" = exec_script_by_cloexec_fd ] && [ "$3" = "exec ENOENT" ]
}
t_compare_native known
