// SPDX-License-Identifier: Apache-2.0
/*
 * Run inside a sandbox: calls each dangerous kernel interface and prints
 * "label syscall ERRNO" (or "label syscall OK" if it got through), for
 * tests/escape/deny_surface.sh to compare with the syscall table.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif

static void report(const char *label, const char *sc, long ret)
{
	if (ret >= 0)
		printf("%s %s OK\n", label, sc);
	else
		printf("%s %s %s\n", label, sc, strerrorname_np(errno));
	fflush(stdout);
}

#define TRY(label, sc, ...) report(label, sc, syscall(__VA_ARGS__))

static void try_clone(const char *label, unsigned long flags)
{
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	report(label, "clone", pid);
}

/* clone3 runs as clone (sentry/clone3.c): the namespace flags clone
 * refuses, in memory the BPF filter cannot read. */
static void try_clone3(const char *label, uint64_t flags)
{
	struct clone_args a;
	long pid;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	a.exit_signal = SIGCHLD;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	report(label, "clone3", pid);
}

static void clone3s(void)
{
	try_clone3("clone3_newuser", CLONE_NEWUSER);
	try_clone3("clone3_newns", CLONE_NEWNS);
	try_clone3("clone3_newpid", CLONE_NEWPID);
	try_clone3("clone3_newtime", 0x80 /* CLONE_NEWTIME */);
	try_clone3("clone3_untraced", CLONE_UNTRACED);
}

/* sc_deny --clone3: the clone3 attacks alone (what runc lets succeed;
 * the rest would act on the host). */
int main(int argc, char **argv)
{
	char buf[64] = { 0 };
	char c = 'x';

	if (argc > 1 && strcmp(argv[1], "--clone3") == 0) {
		clone3s();
		return 0;
	}

	TRY("io_uring_setup", "io_uring_setup", SYS_io_uring_setup, 1, buf);
	TRY("bpf", "bpf", SYS_bpf, 0, buf, 0);
	TRY("perf_event_open", "perf_event_open", SYS_perf_event_open, buf, 0,
	    -1, -1, 0);
	TRY("kexec_load", "kexec_load", SYS_kexec_load, 0, 0, 0, 0);
	TRY("kexec_file_load", "kexec_file_load", SYS_kexec_file_load, -1, -1,
	    0, "", 0);
	TRY("init_module", "init_module", SYS_init_module, buf, 0, "");
	TRY("finit_module", "finit_module", SYS_finit_module, 0, "", 0);
	TRY("delete_module", "delete_module", SYS_delete_module, "x", 0);
	/* keyctl, add_key, request_key: emulated in the sentry's own
	 * keyrings; tests/conformance/keys.sh checks the host's are
	 * untouched. */
	TRY("userfaultfd", "userfaultfd", SYS_userfaultfd, 0);
	TRY("mount", "mount", SYS_mount, "none", "/tmp", "tmpfs", 0, 0);
	TRY("umount2", "umount2", SYS_umount2, "/", 0);
	TRY("pivot_root", "pivot_root", SYS_pivot_root, ".", ".");
	TRY("fsopen", "fsopen", SYS_fsopen, "tmpfs", 0);
	TRY("open_tree", "open_tree", SYS_open_tree, -100, "/", 0);
	TRY("open_by_handle_at", "open_by_handle_at", SYS_open_by_handle_at,
	    0, buf, 0);
	TRY("name_to_handle_at", "name_to_handle_at", SYS_name_to_handle_at,
	    -100, "/", buf, buf, 0);
	TRY("unshare_user", "unshare", SYS_unshare, CLONE_NEWUSER);
	TRY("unshare_ns", "unshare", SYS_unshare, CLONE_NEWNS);
	TRY("setns", "setns", SYS_setns, 0, 0);
	TRY("ptrace_traceme", "ptrace", SYS_ptrace, 0 /* TRACEME */, 0, 0, 0);
	TRY("ptrace_attach", "ptrace", SYS_ptrace, 16 /* ATTACH */, getppid(),
	    0, 0);
	TRY("iopl", "iopl", SYS_iopl, 3);
	TRY("ioperm", "ioperm", SYS_ioperm, 0, 1, 1);
	TRY("swapon", "swapon", SYS_swapon, "/x", 0);
	TRY("swapoff", "swapoff", SYS_swapoff, "/x");
	TRY("reboot", "reboot", SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc,
	    0);
	TRY("syslog", "syslog", SYS_syslog, 3, buf, sizeof(buf));
	TRY("acct", "acct", SYS_acct, 0);
	TRY("quotactl", "quotactl", SYS_quotactl, 0, "/", 0, buf);
	TRY("ioctl_tiocsti", "ioctl", SYS_ioctl, 0, TIOCSTI, &c);
	TRY("socket_packet_raw", "socket", SYS_socket, AF_PACKET, SOCK_RAW, 0);
	TRY("socket_packet_dgram", "socket", SYS_socket, AF_PACKET, SOCK_DGRAM,
	    0);
	TRY("socket_alg", "socket", SYS_socket, AF_ALG, SOCK_SEQPACKET, 0);
	try_clone("clone_newns", CLONE_NEWNS);
	try_clone("clone_newuser", CLONE_NEWUSER);
	try_clone("clone_untraced", CLONE_UNTRACED);
	clone3s();
	return 0;
}
