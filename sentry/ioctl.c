// SPDX-License-Identifier: Apache-2.0
/*
 * ioctl requests outside the filter's allowlist (syscalls/filter.c,
 * rules_ioctl) are traced here to be refused as Linux refuses them: the
 * kernel looks the fd up before the request, and an fd that is not open,
 * or is open with O_PATH, is EBADF whatever the request; any other fd
 * gets the ENOTTY of a request no driver knows. The kernel never sees
 * the request. The NS_GET_* family is answered for the namespace handles
 * of /proc/<pid>/ns (sentry/nsfs.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sentry/internal.h"
#include "sentry/nsfs.h"

SENTRY_HANDLER(ioctl)
{
	int fd = task_dup_fd(c, (int)c->args[0]), fl;
	long ret = -ENOTTY;

	if (fd == -EBADF)
		return -EBADF;
	if (fd < 0)
		return -ENOTTY;
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && (fl & O_PATH))
		ret = -EBADF;
	else if (nsfs_ioctl_request(c->args[1]))
		ret = nsfs_ioctl(c, fd, c->args[1], c->args[2]);
	close(fd);
	return ret;
}
