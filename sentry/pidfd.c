// SPDX-License-Identifier: Apache-2.0
/*
 * pidfd_send_signal(2) also takes an fd of a /proc/<pid> directory (Linux
 * accepts both kinds; CPython's test_signal uses the second). The
 * sandbox's /proc is the sentry's, so such an fd is a mirror directory
 * the kernel cannot signal through: the sentry sends the signal for the
 * task, injecting kill() or rt_sigqueueinfo() into it, so the kernel
 * checks the task's own credentials and pid namespace (/proc's pids are
 * the sandbox's). Any other fd: the kernel runs the call as it is.
 *
 * pidfd_getfd(2) is the sentry's: it checks as Linux does, with the
 * caller's credentials, then copies the fd itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/platform.h"
#include "sentry/internal.h"
#include "sentry/synth.h"
#include "sentry/vtree.h"

/* The pid of a /proc/<pid> mirror directory fd of the task, or 0. */
static long proc_dir_pid(struct sc_call *c, int wfd)
{
	char path[64], *end;
	int fd = task_dup_fd(c, wfd);
	long pid;

	if (fd < 0)
		return 0;
	if (vtree_fd_path(fd, path, sizeof(path)) < 0 ||
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

struct pidfd_match {
	struct stat want;
	struct task *found;
};

static int pidfd_visit(struct task *t, void *arg)
{
	struct pidfd_match *m = arg;
	struct stat st;

	if (!t->workload || t->pidfd < 0 || fstat(t->pidfd, &st) < 0 ||
	    st.st_dev != m->want.st_dev || st.st_ino != m->want.st_ino)
		return 0;
	m->found = t;
	return 1;
}

/*
 * The workload task a pidfd names: its pidfs inode is that of the pidfd
 * the sentry holds for the task. -EBADF for an fd that is no pidfd,
 * -ESRCH for the pidfd of a process that is gone (or not the
 * workload's).
 */
static int pidfd_task(struct sc_call *c, int wfd, struct task **out)
{
	struct pidfd_match m = { .found = NULL };
	struct stat own;
	int fd = task_dup_fd(c, wfd);

	if (fd < 0)
		return -EBADF;
	if (fstat(fd, &m.want) < 0) {
		close(fd);
		return -EBADF;
	}
	close(fd);
	if (c->t->pidfd < 0 || fstat(c->t->pidfd, &own) < 0 ||
	    own.st_dev != m.want.st_dev)
		return -EBADF;	/* not a pidfd */
	(void)task_for_each(c->t->sentry, pidfd_visit, &m);
	if (m.found == NULL)
		return -ESRCH;
	*out = m.found;
	return 0;
}

/*
 * pidfd_getfd(2): Linux's checks, made with the caller's credentials
 * (flags 0, a pidfd of a live process, ptrace-attach by real ids, the fd
 * open in it), then the sentry copies the fd from the target (its own
 * pidfd_getfd, which its CAP_SYS_PTRACE allows) and installs it
 * close-on-exec, as the kernel does. Only tasks of the workload: a pidfd
 * of anything else is ESRCH.
 */
SENTRY_HANDLER(pidfd_getfd)
{
	struct task *t;
	int ret, fd;

	if ((unsigned)c->args[2] != 0)
		return -EINVAL;
	ret = pidfd_task(c, (int)c->args[0], &t);
	if (ret < 0)
		return ret;
	if (!procfs_may_attach(c, t))
		return -EPERM;
	fd = (int)syscall(SYS_pidfd_getfd, t->pidfd, (int)c->args[1], 0);
	if (fd < 0)
		return -errno;
	ret = task_install_fd_result(c, fd, O_CLOEXEC);
	close(fd);
	return ret;
}
