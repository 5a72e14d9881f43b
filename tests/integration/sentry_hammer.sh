#!/bin/bash
# The sentry hammered from many threads and processes at once
# (tests/progs/sc_hammer: path calls of every kind from 8 threads, files
# made and removed, fork+exec, signals): every case's result in the
# sandbox must equal the host kernel's, and stay the same across every
# repetition from every thread. With workers (sentry/workers.c,
# CVISOR_SENTRY_WORKERS=2 or cpus; one per CPU by default) the path calls run side
# by side in the sentry, opens and mutating calls in the worker that
# received them; the run is repeated without them
# (CVISOR_SENTRY_WORKERS=0: the main thread serves every call).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/sc_hammer
if [ ! -x "$PROG" ]; then
	t_skip sc_hammer "no $PROG (make test-progs)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	t_skip sc_hammer "needs root"
	exit 0
fi

# Native: a work directory next to the bundle (same filesystem).
mkdir -p "$T_TMP/native/work"
"$PROG" "$T_TMP/native/work" >"$T_TMP/native.out" 2>"$T_TMP/native.err"

B=$T_TMP/b
make_bundle "$B" /hammer/sc_hammer /hammer/work
mkdir -p "$B/rootfs/hammer/work"
cp "$PROG" "$B/rootfs/hammer/sc_hammer"
# The file capabilities a native root brings to these calls.
caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_DAC_READ_SEARCH","CAP_FOWNER",
	"CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID"]'
jq --argjson c "$caps" '.root.readonly = false |
    .process.capabilities = {"bounding":$c,"effective":$c,"permitted":$c}' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

run_sandbox() {	# NAME [ENV...]
	local name=$1
	shift
	rm -rf "$B/rootfs/hammer/work" && mkdir -p "$B/rootfs/hammer/work"
	(cd "$B" && env "$@" timeout 300 "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run "$name" </dev/null \
		>"$T_TMP/sandbox.out" 2>"$T_TMP/sandbox.err")
}

run_sandbox hammer1 CVISOR_SENTRY_WORKERS=2
t_compare_native

# The serial sentry, for reference.
run_sandbox hammer0 CVISOR_SENTRY_WORKERS=0
sed -i -e '/^done 0$/!s/^/serial_/' "$T_TMP/native.out" "$T_TMP/sandbox.out"
t_compare_native
