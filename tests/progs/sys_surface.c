// SPDX-License-Identifier: Apache-2.0
/*
 * Run inside a sandbox: tries the kernel surface the syscall table refuses
 * (every DENY row, with all-zero arguments, plus the argument rules that
 * matter most) and prints one line per check:
 *	ok sys_surface: <what>
 *	not ok sys_surface: <what>: <why>
 * Exit status: the number of failures (at most 100).
 *
 * The rows come from syscalls/table.def itself, so the program and the
 * filter never disagree about what should happen. Outside the cvisor
 * filter it prints one skip line and does nothing (as root, some of these
 * calls would act on the host).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../syscalls/table.h"

struct row {
	int nr;
	const char *name;
	int err;	/* DENY errno, 0 otherwise */
};

#define PASS 0
#define EMULATE 0
#define DENY(e) (e)
static const struct row rows[] = {
#define SC(nr_, name_, disp_, flags_, args_, ret_, note_)                    \
	{ (nr_), #name_, disp_ },
#include "../../syscalls/table.def"
#undef SC
};
#undef PASS
#undef EMULATE
#undef DENY

static int failures;

static void report(const char *what, long r, int err, int want)
{
	if (r == -1 && err == want) {
		printf("ok sys_surface: %s\n", what);
		return;
	}
	printf("not ok sys_surface: %s: returned %ld errno %d (%s), want %s\n",
	       what, r, err, strerror(err), strerrorname_np(want));
	failures++;
}

#define EXPECT(what, call, want)                                          \
	do {                                                              \
		errno = 0;                                                \
		long r_ = (long)(call);                                   \
		report((what), r_, errno, (want));                        \
	} while (0)

static void deny_rows(void)
{
	char what[96];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].err == 0)
			continue;
		snprintf(what, sizeof(what), "%s is refused", rows[i].name);
		EXPECT(what, syscall(rows[i].nr, 0, 0, 0, 0, 0, 0), rows[i].err);
	}
}

/* clone3 with flags (a child made exits at once). */
static long clone3_flags(unsigned long long flags)
{
	unsigned long long a[11] = { flags, 0, 0, 0, SIGCHLD };
	long r = syscall(SYS_clone3, a, sizeof(a));

	if (r == 0)
		_exit(0);
	return r;
}

static void argument_rules(void)
{
	char c = 'x';
	struct sock_filter allow = { 0x06, 0, 0, SECCOMP_RET_ALLOW };
	struct sock_fprog prog = { 1, &allow };

	EXPECT("ioctl TIOCSTI", ioctl(0, TIOCSTI, &c), EPERM);
	EXPECT("ioctl TIOCLINUX", ioctl(0, TIOCLINUX, &c), EPERM);
	EXPECT("ioctl outside the allowlist", ioctl(0, 0x4b3a, 0), ENOTTY);
	EXPECT("socket AF_PACKET", socket(AF_PACKET, SOCK_RAW, 0),
	       EAFNOSUPPORT);
	EXPECT("socket AF_INET SOCK_RAW", socket(AF_INET, SOCK_RAW, 1), EPERM);
	EXPECT("socket AF_ALG", socket(AF_ALG, SOCK_SEQPACKET, 0),
	       EAFNOSUPPORT);
	EXPECT("clone CLONE_NEWUSER",
	       syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), EPERM);
	EXPECT("clone CLONE_UNTRACED",
	       syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0), EPERM);
	EXPECT("clone3 CLONE_NEWUSER", clone3_flags(CLONE_NEWUSER), EPERM);
	EXPECT("clone3 CLONE_UNTRACED", clone3_flags(CLONE_UNTRACED), EPERM);
	EXPECT("seccomp NEW_LISTENER",
	       syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		       SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog), EBUSY);
	EXPECT("prctl PR_SET_MM", prctl(PR_SET_MM, 1, 0, 0, 0), EPERM);
	EXPECT("madvise MADV_HWPOISON", syscall(SYS_madvise, 0, 0, 100),
	       EPERM);
	EXPECT("personality MMAP_PAGE_ZERO",
	       syscall(SYS_personality, 0x0100000 /* MMAP_PAGE_ZERO */), EINVAL);
}

static void other_abis(void)
{
	long r = 20;	/* i386 getpid */

	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	if (r == -ENOSYS) {
		printf("ok sys_surface: int 0x80 is refused\n");
	} else {
		printf("not ok sys_surface: int 0x80 getpid returned %ld\n", r);
		failures++;
	}
	EXPECT("x32 getpid", syscall(0x40000000 | SYS_getpid), ENOSYS);
	EXPECT("number outside the table", syscall(400), ENOSYS);
}

int main(void)
{
	static char obuf[4096];

	/* A buffer of our own: stdio need not fstat stdout. */
	setvbuf(stdout, obuf, _IOLBF, sizeof(obuf));
	/* io_uring_setup(0, NULL) is EINVAL, EFAULT or EPERM on a kernel
	 * with io_uring (5.1 on); the filter refuses it with ENOSYS. */
	errno = 0;
	if (syscall(SYS_io_uring_setup, 0, NULL) != -1 || errno != ENOSYS) {
		printf("skip sys_surface: not under the cvisor filter\n");
		return 0;
	}
	if (getppid() < 0) {
		printf("not ok sys_surface: getppid failed\n");
		failures++;
	}
	deny_rows();
	argument_rules();
	other_abis();
	return failures > 100 ? 100 : failures;
}
