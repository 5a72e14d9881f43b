// SPDX-License-Identifier: Apache-2.0
/*
 * The gofer confines itself before serving: it keeps only the
 * capabilities it needs to impersonate a task's file access (and to
 * chroot for a chrooted task), and installs a seccomp filter that lists
 * the host syscalls it uses. Anything else kills the gofer (and so the
 * sandbox). The list is in docs/gofer-protocol.md ("Confinement").
 */
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/server.h"
#include "lib/cleanup.h"
#include "lib/sanitizer.h"

#define GOFER_KEEP_CAPS                                                      \
	((1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) |                  \
	 (1ull << CAP_DAC_READ_SEARCH) | (1ull << CAP_FOWNER) |              \
	 (1ull << CAP_FSETID) | (1ull << CAP_SETGID) | (1ull << CAP_SETUID) | \
	 (1ull << CAP_SYS_CHROOT))

/* Host syscalls the gofer uses; numbers for those libseccomp 2.5 lacks. */
static const int gofer_syscalls[] = {
	/* the protocol */
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(getsockopt),
	/* the operations */
	SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(newfstatat),
	SCMP_SYS(fstat), SCMP_SYS(statx), SCMP_SYS(fstatfs),
	SCMP_SYS(faccessat2), SCMP_SYS(readlinkat), SCMP_SYS(mkdirat),
	SCMP_SYS(mknodat), SCMP_SYS(unlinkat), SCMP_SYS(renameat2),
	SCMP_SYS(linkat), SCMP_SYS(symlinkat), SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat), 452 /* fchmodat2 */, SCMP_SYS(fchown),
	SCMP_SYS(fchownat), SCMP_SYS(utimensat), SCMP_SYS(truncate),
	SCMP_SYS(ftruncate), 463 /* setxattrat */, 464 /* getxattrat */,
	465 /* listxattrat */, 466 /* removexattrat */, SCMP_SYS(bind),
	SCMP_SYS(connect), SCMP_SYS(getdents64), SCMP_SYS(pread64),
	SCMP_SYS(lseek), SCMP_SYS(dup), SCMP_SYS(fcntl), SCMP_SYS(close),
	/* identity and root switching (creds.c) */
	SCMP_SYS(setfsuid), SCMP_SYS(setfsgid), SCMP_SYS(setgroups),
	SCMP_SYS(capget), SCMP_SYS(capset), SCMP_SYS(umask),
	SCMP_SYS(fchdir), SCMP_SYS(chroot),
	/* the task's euid/egid for an AF_UNIX connect (SO_PEERCRED) */
	SCMP_SYS(setresuid), SCMP_SYS(setresgid),
	/* the C library: memory, logging, signals, exit */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(brk),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(clock_gettime), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(tgkill), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

static int drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t keep;

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	keep = (d[0].permitted | ((uint64_t)d[1].permitted << 32)) &
	       GOFER_KEEP_CAPS;
	/* The bounding set needs CAP_SETPCAP, which we may not have. */
	for (int cap = 0; cap <= 63; cap++) {
		if (keep & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
			break;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	d[0].permitted = d[0].effective = (uint32_t)keep;
	d[1].permitted = d[1].effective = (uint32_t)(keep >> 32);
	d[0].inheritable = d[1].inheritable = 0;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static int install_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(CV_SANITIZED ? SCMP_ACT_ERRNO(ENOSYS)
						       : SCMP_ACT_KILL_PROCESS);
	int ret = 0;

	if (!ctx)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(gofer_syscalls) && ret == 0; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, gofer_syscalls[i],
				       0);
	if (CV_SANITIZED && !ret)	/* make asan builds only */
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack),
				       0);
	/* follow_cpu() (server.c): its own affinity only */
	if (ret == 0)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
				       SCMP_SYS(sched_setaffinity), 1,
				       SCMP_A0(SCMP_CMP_EQ, 0));
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

int gofer_confine(bool seccomp)
{
	int ret;

	ret = drop_caps();
	if (ret < 0)
		return ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return seccomp ? install_filter() : 0;
}
