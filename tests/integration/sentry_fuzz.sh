#!/bin/bash
# Bad input at the sentry: exact errnos for a few cases, then random
# emulated calls; the sentry must survive and keep serving.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/sc_fuzz 3
cp "$CVISOR_PROGS/sc_fuzz" "$B/rootfs/bin/" || { t_fail build "no sc_fuzz"; exit 0; }
mkdir -p "$B/rootfs/tmp"
cd "$B" || exit 1

# The fuzzer chmods, truncates and renames through /proc/self/fd/0 with
# random arguments, as root: its stdin must be a file of its own (the
# caller's /dev/null once ended up mode 000 on the host).
: >"$T_TMP/stdin"
timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run f1 \
	<"$T_TMP/stdin" >"$T_TMP/out" 2>"$T_TMP/err"
declare -A want=(
	[open_bad_pointer]=EFAULT [open_kernel_pointer]=EFAULT
	[open_long_path]=ENAMETOOLONG [open_unterminated]=EFAULT
	[stat_unterminated]=EFAULT [openat_closed_dirfd]=EBADF
	[openat_empty]=ENOENT [faccessat2_bad_flags]=EINVAL
	[mkdir_bad_pointer]=EFAULT [uname_bad_pointer]=EFAULT
	[stat_bad_buffer]=EFAULT [bind_bad_addr]=EFAULT
	[bind_huge_addrlen]=EINVAL [connect_closed_fd]=EBADF
	[sendmsg_bad_msghdr]=EFAULT [execve_bad_pointer]=EFAULT
	[execve_long_path]=ENAMETOOLONG [sethostname_too_long]=EPERM
)
for name in "${!want[@]}"; do
	got=$(awk -v n="$name" '$1 == "case" && $2 == n { print $3 }' "$T_TMP/out")
	if [ "$got" = "${want[$name]}" ]; then
		t_ok "$name"
	else
		t_fail "$name" "want ${want[$name]}, got '$got'"
	fi
done
if grep -qx alive "$T_TMP/out"; then
	t_ok "survives_random_calls"
else
	t_fail "survives_random_calls" "$(tail -c 300 "$T_TMP/out" "$T_TMP/err" | tr '\n' ' ')"
fi
# And the sandbox still runs a new container afterwards.
jq '.process.args = ["/bin/echo", "still-ok"]' config.json >c.json && mv c.json config.json
t_expect still_serving "still-ok" runsc run f2
