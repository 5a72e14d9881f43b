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
