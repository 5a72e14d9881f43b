#!/bin/bash
# Kernel attack surface the filter used to PASS (issue 10, class 6;
# docs/security.md "Surface a container does not need"): rtnetlink changes
# (net/sched qdiscs and u32 classifiers, new links), protocol modules
# (MPTCP, SCTP), socket filters, TCP_ULP, native AIO, vmsplice,
# mq_notify(SIGEV_THREAD), PI futexes, real-time I/O priority and CPU
# scheduling, memfd_secret, file capabilities through fsetxattr.
# tests/progs/pass_surface makes each call. On the host, as root in fresh
# network and IPC namespaces, each must succeed (the attack works there);
# in the sandbox, as root with every capability, with Docker's 14 and
# with the default set, each must fail with the errno below. The "kept_"
# cases (what real programs need of the same calls) must give the host's
# result.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

PROG=$CVISOR_PROGS/pass_surface
if [ ! -x "$PROG" ]; then
	t_fail "pass_surface built" "$PROG missing (make test-progs)"
	exit 0
fi

# The errno of each refused case (docs/security.md, syscalls/table.def).
declare -A want=(
	[qdisc_add]=EPERM [u32_filter_add]=EPERM [link_add_bridge]=EPERM
	[link_add_veth]=EPERM [socket_mptcp]=EPROTONOSUPPORT
	[socket_sctp]=ESOCKTNOSUPPORT [socket_sctp_stream]=EPROTONOSUPPORT
	[so_attach_filter]=ENOPROTOOPT [tcp_ulp_tls]=ENOPROTOOPT
	[io_setup]=ENOSYS [vmsplice]=ENOSYS [mq_notify_thread]=ENOSYS
	[futex_lock_pi]=ENOSYS [ioprio_set_rt]=EPERM [memfd_secret]=ENOSYS
	[sched_setscheduler_fifo]=EPERM [sched_setattr]=ENOSYS
	[pthread_mutex_prio_inherit]=EOPNOTSUPP	# ENOTSUP
	[fsetxattr_security_capability]=EPERM
)
# What counts as "the kernel did it" on the host besides ok: TCP_ULP
# looks the name up in the kernel's ULP list (ENOENT: this kernel has no
# tls module, but the code was reached).
declare -A reached=([tcp_ulp_tls]="ok ENOENT")

# Every capability the host has to give (lib.sh caps_all: its bounding
# set; a CI runner may lack one or two).
if ! jq -e 'index("CAP_NET_ADMIN") and index("CAP_SYS_ADMIN") and
	index("CAP_SETFCAP") and index("CAP_SYS_NICE")' <<<"$(caps_all)" >/dev/null; then
	t_skip "every capability" "the host cannot give CAP_NET_ADMIN, SYS_ADMIN, SETFCAP, SYS_NICE"
	exit 0
fi
t_clean_begin "ps-*-$$"

# ---- the host: each attack works ----------------------------------------
cp "$PROG" "$T_TMP/pass_surface"
: >"$T_TMP/victim"
unshare -n -i sh -c 'ip link set lo up 2>/dev/null || busybox ip link set lo up
	exec "$0" "$1"' "$T_TMP/pass_surface" "$T_TMP/victim" \
	>"$T_TMP/native.out" 2>"$T_TMP/native.err"
if ! grep -q '^done 0$' "$T_TMP/native.out"; then
	t_fail "host run" "$(tail -c 300 "$T_TMP/native.out" "$T_TMP/native.err" | tr '\n' ' ')"
	exit 0
fi
declare -A native
while read -r name res; do
	[ "$name" = done ] && continue
	native[$name]=$res
	if [[ $name == kept_* ]]; then
		continue
	elif [ -z "${want[$name]:-}" ]; then
		t_fail "$name" "no expected errno in the test"
	elif [[ " ${reached[$name]:-ok} " == *" $res "* ]]; then
		t_ok "host: $name works ($res)"
	else
		t_skip "host: $name" "fails on this host's kernel ($res): not shown"
	fi
done <"$T_TMP/native.out"

# ---- the sandbox: refused with every capability set ---------------------
run_sandbox_as_is() { run_sandbox "$1" "$1"; }
run_sandbox() {	# label caps-profile [userns]
	local label=$1 prof=$2 userns=${3:-} B=$T_TMP/b-$1 name res
	make_bundle "$B" /pass_surface /victim
	cp "$PROG" "$B/rootfs/pass_surface"
	: >"$B/rootfs/victim"
	caps_profile "$B" "$prof"
	jq 'del(.linux.seccomp) | .root.readonly = false |
		.process.user = {uid: 0, gid: 0}' \
		"$B/config.json" >"$B/config.json.new" && mv "$B/config.json.new" "$B/config.json"
	if [ -n "$userns" ]; then
		# Root of a user namespace owning the network namespace: its
		# CAP_NET_ADMIN there is what rtnetlink checks.
		bundle_userns "$B"
	fi
	runsc run --bundle "$B" "ps-$label-$$" >"$T_TMP/sandbox.out" \
		2>"$T_TMP/sandbox.err" </dev/null
	if ! grep -q '^done 0$' "$T_TMP/sandbox.out"; then
		t_fail "$label: sandbox run" "$(tail -n 3 "$T_TMP/sandbox.out" | tr '\n' ' ') $(tail -c 300 "$T_TMP/sandbox.err" | tr '\n' ' ')"
		return
	fi
	while read -r name res; do
		[ "$name" = done ] && continue
		if [[ $name == kept_* ]]; then
			if [ "$res" = "${native[$name]}" ]; then
				t_ok "$label: $name as on the host ($res)"
			else
				t_fail "$label: $name" "host ${native[$name]}, sandbox $res"
			fi
		elif [ "$res" = "${want[$name]:-?}" ]; then
			t_ok "$label: $name refused ($res)"
		else
			t_fail "$label: $name" "want ${want[$name]:-?}, got $res (host: ${native[$name]})"
		fi
	done <"$T_TMP/sandbox.out"
	# The rootfs file carries no file capability afterwards (the host's
	# view of it, which a host user running it would get).
	if python3 -c 'import os, sys; os.getxattr(sys.argv[1], "security.capability")' \
		"$B/rootfs/victim" 2>/dev/null; then
		t_fail "$label: rootfs file has no security.capability" "it has one"
	else
		t_ok "$label: rootfs file has no security.capability"
	fi
}

for_each_caps run_sandbox_as_is
run_sandbox userns-all all userns
t_assert_clean "ps-*-$$"
