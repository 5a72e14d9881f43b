// SPDX-License-Identifier: Apache-2.0
/* The seccomp platform: seccomp user notification ioctls. */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/platform.h"

/*
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6): the reply wakes the
 * task on the CPU the sentry answers from (WF_CURRENT_CPU), and a
 * notification wakes a sentry blocked in NOTIF_RECV on the task's CPU.
 * Without it the scheduler wakes the task on an idle CPU (its previous
 * one), which on a VM is a halted vCPU: 40-90 us for the IPI.
 */
int plat_notif_sync_wakeup(int nfd)
{
	uint64_t flags = PLAT_NOTIF_FD_SYNC_WAKE_UP;

	if (ioctl(nfd, PLAT_IOCTL_NOTIF_SET_FLAGS, flags) < 0)
		return -errno;
	return 0;
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/*
 * Whether this kernel takes SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux
 * 5.19): it checks the flags before it reads the program, so a NULL
 * program gives EFAULT where they are known and EINVAL where not. Nothing
 * is installed either way.
 */
bool plat_notif_wait_killable_supported(void)
{
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			 SECCOMP_FILTER_FLAG_NEW_LISTENER |
				 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
			 NULL);

	return r < 0 && errno == EFAULT;
}

int plat_notif_recv(int nfd, struct seccomp_notif *n)
{
	memset(n, 0, sizeof(*n));
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, n) < 0)
		return -errno;
	return 0;
}

/* cont: let the kernel run the call (only where no pointer matters). */
int plat_notif_send(int nfd, uint64_t id, long ret, bool cont)
{
	struct seccomp_notif_resp r = { .id = id };

	if (cont)
		r.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else if (ret < 0)
		r.error = (int32_t)ret;
	else
		r.val = ret;
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &r) < 0)
		return -errno;
	return 0;
}

int plat_notif_valid(int nfd, uint64_t id)
{
	if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
		return -errno;
	return 0;
}

int plat_notif_addfd(int nfd, uint64_t id, int srcfd, unsigned flags)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.srcfd = srcfd,
		.newfd_flags = flags & O_CLOEXEC,
	};
	int ret = ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &a);

	if (ret < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return ret;
}

/*
 * A plain ADDFD wakes the task to install the fd, waits for it, and the
 * reply (NOTIF_SEND) wakes it again: with SEND the task installs the fd
 * and returns it at once, one wake-up fewer (docs/architecture.md, "The
 * fd install path").
 */
int plat_notif_addfd_send(int nfd, uint64_t id, int srcfd, unsigned flags)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.srcfd = srcfd,
		.newfd_flags = flags & O_CLOEXEC,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
	};
	int ret = ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &a);

	if (ret < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return ret;
}
