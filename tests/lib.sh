# Sourced by shell tests. Provides the line protocol tests/run counts and
# helpers to make bundles and run our runsc.
#
#   t_ok NAME | t_fail NAME WHY | t_skip NAME WHY
#   t_check NAME cmd...        ok if cmd succeeds
#   t_expect NAME WANT cmd...  ok if cmd's stdout equals WANT
#   runsc ARGS...              our runsc with a private --root and the
#                              platform under test
#   make_bundle DIR [args...]  a busybox bundle whose process runs args
set -u
CVISOR_SRC=${CVISOR_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-build}
RUNSC_BIN=${RUNSC_BIN:-$CVISOR_SRC/$BUILD/bin/runsc}
CVISOR_PROGS=${CVISOR_PROGS:-$CVISOR_SRC/$BUILD/tests/progs}
CVISOR_PLATFORM=${CVISOR_PLATFORM:-seccomp}
T_FILE=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
T_ROOT=$(mktemp -d /tmp/cvisor-test-root.XXXXXX)
T_TMP=$(mktemp -d /tmp/cvisor-test-tmp.XXXXXX)

t_ok() { echo "ok $T_FILE: $1"; }
t_fail() { echo "not ok $T_FILE: $1: ${2:-}"; }
t_skip() { echo "skip $T_FILE: $1: ${2:-}"; }

t_check() {
	local name=$1
	shift
	if "$@" >"$T_TMP/out" 2>&1; then
		t_ok "$name"
	else
		t_fail "$name" "'$*' failed: $(tail -c 400 "$T_TMP/out" | tr '\n' ' ')"
	fi
}

t_expect() {
	local name=$1 want=$2 got
	shift 2
	got=$("$@" 2>"$T_TMP/err")
	if [ "$got" = "$want" ]; then
		t_ok "$name"
	else
		t_fail "$name" "want '$want', got '$got' ($(tail -c 300 "$T_TMP/err" | tr '\n' ' '))"
	fi
}

runsc() {
	"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" "$@"
}

# t_compare_native [KNOWN]: one verdict per case of a program run twice,
# on the host ($T_TMP/native.out, .err) and in the sandbox
# ($T_TMP/sandbox.out, .err): each prints "NAME RESULT..." lines and ends
# with "done 0"; the host kernel's result is the expectation. KNOWN, if
# given, is a function NAME HOST SANDBOX that succeeds for a documented
# difference (reported as skip). Returns 1 if the runs cannot be compared
# (the native run is incomplete or the sandbox printed nothing).
t_compare_native() {
	local known=${1:-} name want got
	if ! grep -q '^done 0$' "$T_TMP/native.out"; then
		t_fail native_run "$(tail -c 300 "$T_TMP/native.out" "$T_TMP/native.err" | tr '\n' ' ')"
		return 1
	fi
	if ! grep -q '^done 0$' "$T_TMP/sandbox.out"; then
		t_fail sandbox_run "incomplete output: $(tail -n 3 "$T_TMP/sandbox.out" |
			tr '\n' ' ') $(tail -c 300 "$T_TMP/sandbox.err" | tr '\n' ' ')"
		[ -s "$T_TMP/sandbox.out" ] || return 1
	fi
	while read -r name want; do
		got=$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ /, ""); print; exit }' \
			"$T_TMP/sandbox.out")
		if [ "$got" = "$want" ]; then
			t_ok "$name"
		elif [ -n "$known" ] && "$known" "$name" "$want" "$got"; then
			t_skip "$name" "known difference: host '$want', sandbox '$got'"
		else
			t_fail "$name" "host: '$want', sandbox: '${got:-(missing)}'"
		fi
	done <"$T_TMP/native.out"
}

# A minimal rootfs from Debian's busybox-static, cached per build.
busybox_rootfs() {
	local dir=$CVISOR_SRC/$BUILD/rootfs-busybox
	if [ ! -x "$dir/bin/busybox" ]; then
		"$CVISOR_SRC/scripts/mkrootfs-busybox.sh" "$dir" >/dev/null
	fi
	echo "$dir"
}

# make_bundle DIR [process args...]: DIR/config.json + DIR/rootfs (a copy).
make_bundle() {
	local dir=$1
	shift
	mkdir -p "$dir"
	cp -a "$(busybox_rootfs)" "$dir/rootfs"
	"$RUNSC_BIN" spec --bundle "$dir" >/dev/null
	if [ $# -gt 0 ]; then
		local args
		args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
		jq --argjson a "$args" '.process.args = $a | .process.terminal = false' \
			"$dir/config.json" >"$dir/config.json.new" &&
			mv "$dir/config.json.new" "$dir/config.json"
	fi
}

t_cleanup() {
	local id
	if [ -d "$T_ROOT" ]; then
		for id in $(ls "$T_ROOT" 2>/dev/null); do
			"$RUNSC_BIN" --root "$T_ROOT" delete --force "$id" >/dev/null 2>&1
		done
	fi
	rm -rf "$T_ROOT" "$T_TMP"
}
trap t_cleanup EXIT
