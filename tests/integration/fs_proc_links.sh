#!/bin/bash
# Symlinks in the rootfs that lead into the sentry's /proc and /dev/fd
# (Debian's /etc/mtab -> ../proc/self/mounts, /dev/fd-style links, an
# absolute /x -> /proc/self/status): tools see procfs through them, as on
# Linux, and the link itself still reads as a link. tests/conformance/
# paths.sh compares the same cases syscall by syscall with the host.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B"
cd "$B" || exit 1
rm -f rootfs/etc/mtab
ln -s ../proc/self/mounts rootfs/etc/mtab
ln -s /proc/self/status rootfs/x
ln -s /proc/self rootfs/me
mkdir -p rootfs/deep/a
ln -s ../../proc/self/fd rootfs/deep/a/fds
n=0
run_sh() {	# run_sh SCRIPT: the workload's stdout
	n=$((n + 1))
	jq --arg s "$1" '.process.args = ["/bin/sh", "-c", $s] | .process.terminal = false' config.json \
		>c.json && mv c.json config.json
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run "p$n" </dev/null 2>"$T_TMP/err.$n"
}

t_expect cat_mtab "same" \
	run_sh 'a=$(cat /etc/mtab); b=$(cat /proc/self/mounts); [ -n "$a" ] && [ "$a" = "$b" ] && echo same'
t_expect ls_l_mtab "../proc/self/mounts" \
	run_sh 'ls -l /etc/mtab | sed "s/.* -> //"'
t_expect readlink_mtab "../proc/self/mounts" run_sh 'readlink /etc/mtab'
t_expect stat_L_mtab "regular empty file" run_sh 'stat -L -c %F /etc/mtab'
t_expect stat_mtab "symbolic link" run_sh 'stat -c %F /etc/mtab'
t_expect abs_link_read "Name:	grep" run_sh 'grep ^Name: /x'
t_expect dir_link_read "yes" \
	run_sh 'test "$(cat /me/cmdline | tr "\0" " ")" = "/bin/sh -c $0 " 2>/dev/null; grep -q "^Pid:" /me/status && echo yes'
t_expect cd_through_link "/proc" \
	run_sh 'cd /me && pwd -P | cut -d/ -f1-2'
t_expect fd_dir_link "0 1 2" \
	run_sh 'ls /deep/a/fds | head -3 | tr "\n" " " | sed "s/ $//"'
t_expect test_e_link "yes" run_sh '[ -e /etc/mtab ] && [ -r /x ] && echo yes'
