// SPDX-License-Identifier: Apache-2.0
/*
 * ioctl requests outside the filter's allowlist (syscalls/filter.c,
 * rules_ioctl) are traced here to be refused as Linux refuses them: the
 * kernel looks the fd up before the request, and an fd that is not open,
 * or is open with O_PATH, is EBADF whatever the request; any other fd
 * gets the ENOTTY of a request no driver knows. The kernel never sees
 * the request.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sentry/internal.h"

SENTRY_HANDLER(ioctl)
{
	int fd = task_dup_fd(c, (int)c->args[0]), fl;

	if (fd == -EBADF)
		return -EBADF;
	if (fd < 0)
		return -ENOTTY;
	fl = fcntl(fd, F_GETFL);
	close(fd);
	return fl >= 0 && (fl & O_PATH) ? -EBADF : -ENOTTY;
}
