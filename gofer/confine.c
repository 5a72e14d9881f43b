// SPDX-License-Identifier: Apache-2.0
/*
 * The gofer confines itself before serving: it keeps only the
 * capabilities it needs to impersonate a task's file access (and to
 * chroot for a chrooted task), and installs the seccomp filter built from
 * gofer_rules (lib/confine.c): the host syscalls it uses and their
 * argument values. Anything else kills the gofer (and so the sandbox).
 * docs/security.md lists the table (generated: make docs).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gofer/server.h"
#include "lib/cleanup.h"
#include "lib/confine.h"

#define GOFER_KEEP_CAPS                                                      \
	((1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) |                  \
	 (1ull << CAP_DAC_READ_SEARCH) | (1ull << CAP_FOWNER) |              \
	 (1ull << CAP_FSETID) | (1ull << CAP_SETGID) | (1ull << CAP_SETUID) | \
	 (1ull << CAP_SYS_CHROOT))

#define NOT_EXEC(sys, why)                                                 \
	CF_RULE(sys, why, 1, CF_CV(2, CF_CLEAR, "prot", PROT_EXEC))
/* setresuid(-1, id, -1): the effective id only */
#define EFFECTIVE_ONLY(sys, why)                                           \
	CF_RULE(sys, why, 2, CF_CV(0, CF_EQ, "real", -1),                  \
		CF_CV(2, CF_EQ, "saved", -1))

/* Host syscalls the gofer makes once confined; rules of one syscall are
 * consecutive. Not here, so fatal: execve, clone/fork, socket, ptrace,
 * kill, the mount API, unshare/setns, prctl, setsockopt. */
static const struct cf_rule gofer_rules[] = {
	CF_ANY(recvmsg, "the protocol"),
	CF_ANY(sendmsg, NULL),
	CF_ARG2N(getsockopt, "socket checks", 1, "level", SOL_SOCKET,
		 "SOL_SOCKET", 2, "optname", SO_TYPE, "SO_TYPE"),
	CF_ARG2N(getsockopt, NULL, 1, "level", SOL_SOCKET, "SOL_SOCKET", 2,
		 "optname", SO_DOMAIN, "SO_DOMAIN"),
	CF_ANY(openat, "the operations, on the container's files"),
	CF_ANY(openat2, NULL),
	CF_ANY(newfstatat, NULL),
	CF_ANY(fstat, NULL),
	CF_ANY(statx, NULL),
	CF_ANY(fstatfs, NULL),
	CF_ANY(faccessat2, NULL),
	CF_ANY(readlinkat, NULL),
	CF_ANY(mkdirat, NULL),
	CF_ANY(mknodat, NULL),
	CF_ANY(unlinkat, NULL),
	CF_ANY(renameat2, NULL),
	CF_ANY(linkat, NULL),
	CF_ANY(symlinkat, NULL),
	CF_ANY(fchmod, NULL),
	CF_ANY(fchmodat, NULL),
	CF_ANY_NR(452, "fchmodat2", NULL),
	CF_ANY(fchown, NULL),
	CF_ANY(fchownat, NULL),
	CF_ANY(utimensat, NULL),
	CF_ANY(truncate, NULL),
	CF_ANY(ftruncate, NULL),
	CF_ANY_NR(463, "setxattrat", NULL),
	CF_ANY_NR(464, "getxattrat", NULL),
	CF_ANY_NR(465, "listxattrat", NULL),
	CF_ANY_NR(466, "removexattrat", NULL),
	CF_ARG(socketpair, "a batch of pre-opened fds (ops_file.c)", 0,
	       "domain", AF_UNIX),
	CF_ANY(bind, "AF_UNIX paths, on the sentry's copy of the socket"),
	CF_ANY(connect, NULL),
	CF_ANY(getdents64, "the operations"),
	CF_ANY(pread64, NULL),
	CF_ANY(lseek, NULL),
	CF_ANY(dup, NULL),
	CF_ANY(close, NULL),
	CF_ANY(sched_yield, "an exec's resolution waits for a sent file's close (server.c)"),
	CF_ARGN(fcntl, "a FIFO opened non-blocking made blocking; "
		       "fdopendir()", 1, "cmd",
		F_GETFL, "F_GETFL"),
	CF_ARGN(fcntl, NULL, 1, "cmd", F_SETFL, "F_SETFL"),
	/* fdopendir() (ops_exec.c) */
	CF_ARG2(fcntl, NULL, 1, "cmd", F_SETFD, 2, "arg", FD_CLOEXEC),
	CF_ANY(setfsuid, "a task's identity (creds.c)"),
	CF_ANY(setfsgid, NULL),
	CF_ANY(setgroups, NULL),
	CF_ANY(capget, NULL),
	CF_ANY(capset, NULL),
	CF_ANY(umask, NULL),
	CF_ANY(fchdir, "a chrooted task's root"),
	CF_ANY(chroot, NULL),
	EFFECTIVE_ONLY(setresuid, "the task's euid/egid for an AF_UNIX "
				  "connect (SO_PEERCRED)"),
	EFFECTIVE_ONLY(setresgid, NULL),
	CF_ARG(sched_setaffinity, "follow_cpu() (server.c): itself only", 0,
	       "pid", 0),
	CF_ANY(read, "the C library: logging, memory, abort"),
	CF_ANY(write, NULL),
	CF_ANY(writev, NULL),
	CF_ANY(brk, NULL),
	NOT_EXEC(mmap, "never executable memory"),
	NOT_EXEC(mprotect, NULL),
	CF_ANY(munmap, NULL),
	CF_ANY(mremap, NULL),
	CF_ANY(madvise, NULL),
	CF_ANY(futex, NULL),
	CF_ANY(clock_gettime, NULL),
	CF_ANY(getpid, NULL),
	CF_ANY(gettid, NULL),
	CF_ARG(tgkill, "abort(): its own threads only", 0, "tgid", CF_SELF),
	CF_ANY(rt_sigprocmask, NULL),
	CF_ANY(rt_sigaction, NULL),
	CF_ANY(rt_sigreturn, NULL),
	CF_ANY(exit, NULL),
	CF_ANY(exit_group, NULL),
	CF_SANITIZER_RULES,
};

const struct cf_table gofer_cf_table = {
	"gofer", gofer_rules, ARRAY_SIZE(gofer_rules)
};

int gofer_confine_caps(void)
{
	return cf_keep_caps(GOFER_KEEP_CAPS);
}

/* With TSYNC (lib/confine.c): the channels' threads, made between the
 * two steps, carry it too. */
int gofer_confine_filter(bool seccomp)
{
	if (!seccomp)
		return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
	return cf_install(&gofer_cf_table);
}

int gofer_confine(bool seccomp)
{
	int ret = gofer_confine_caps();

	return ret < 0 ? ret : gofer_confine_filter(seccomp);
}
