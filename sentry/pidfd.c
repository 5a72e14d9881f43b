// SPDX-License-Identifier: Apache-2.0
/*
 * pidfd_send_signal(2) also takes an fd of a /proc/<pid> directory (Linux
 * accepts both kinds; CPython's test_signal uses the second). The
 * sandbox's /proc is the sentry's, so such an fd is a mirror directory
 * the kernel cannot signal through: the sentry sends the signal for the
 * task, injecting kill() or rt_sigqueueinfo() into it, so the kernel
 * checks the task's own credentials and pid namespace (/proc's pids are
 * the sandbox's). Any other fd: the kernel runs the call as it is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/platform.h"
#include "sentry/internal.h"
#include "sentry/vfs.h"

/* The pid of a /proc/<pid> mirror directory fd of the task, or 0. */
static long proc_dir_pid(struct sc_call *c, int wfd)
{
	char path[64], *end;
	int fd = task_dup_fd(c, wfd);
	long pid;

	if (fd < 0)
		return 0;
	if (vfs_fd_path(fd, path, sizeof(path)) < 0 ||
	    strncmp(path, "/proc/", 6) != 0) {
		close(fd);
		return 0;
	}
	close(fd);
	pid = strtol(path + 6, &end, 10);
	return (*end == '\0' || strcmp(end, "/") == 0) && pid > 0 ? pid : 0;
}

SENTRY_HANDLER(pidfd_send_signal)
{
	struct plat_call *pc = c->platform;
	long pid;

	if (!pc->at_stop)
		return sc_continue(c);
	pid = proc_dir_pid(c, (int)c->args[0]);
	if (pid == 0)
		return sc_continue(c);
	if ((unsigned)c->args[3] != 0)
		return -EINVAL;
	if (c->args[2] == 0)
		return plat_inject(c->t->host_tid, pc, SYS_kill, (uint64_t)pid,
				   c->args[1], 0, 0, 0, 0);
	return plat_inject(c->t->host_tid, pc, SYS_rt_sigqueueinfo,
			   (uint64_t)pid, c->args[1], c->args[2], 0, 0, 0);
}
