// SPDX-License-Identifier: Apache-2.0
/*
 * inotify_add_watch. The path is the workload's, resolved by the gofer
 * (or the vfs) to a sentry-side O_PATH fd; the watch is then added on a
 * copy of the workload's inotify fd through the sentry's procfs view of
 * that O_PATH fd ("self/fd/N" from the procfs directory: a magic link to
 * the very inode the gofer resolved), so the host kernel never looks up
 * a workload path. The read permission inotify requires is checked as
 * the task first, by the gofer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "sentry/task.h"
#include "sentry/vfs.h"

static int resolve_watch(struct sc_call *c, struct fs_path *p, uint32_t mask,
			 int *fd_out)
{
	int flags = O_PATH | O_CLOEXEC;
	struct gofer_creds cr;
	int ret;

	if (mask & IN_DONT_FOLLOW)
		flags |= O_NOFOLLOW;
	if (mask & IN_ONLYDIR)
		flags |= O_DIRECTORY;
	if (p->virt)
		return vfs_open(c, p->vpath, flags, fd_out);
	task_gofer_creds(c->t, &cr);
	ret = gofer_faccessat(task_gofer(c->t), &cr, &p->at, R_OK,
			      AT_EACCESS | ((mask & IN_DONT_FOLLOW) ?
					    AT_SYMLINK_NOFOLLOW : 0));
	if (ret < 0)
		return ret;
	return gofer_openat(task_gofer(c->t), &cr, &p->at, flags, 0, 0,
			    fd_out);
}

/* inotify_add_watch on the object of the sentry-side fd obj. */
static int add_watch_fd(int ifd, int obj, uint32_t mask)
{
	cleanup_close int here = -1;
	char link[32];
	int pfd = vfs_host_proc_fd();
	int ret;

	if (pfd < 0)
		return -ENOSYS;
	here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (here < 0 || fchdir(pfd) < 0)
		return -ENOSYS;
	snprintf(link, sizeof(link), "self/fd/%d", obj);
	ret = inotify_add_watch(ifd, link, mask & ~IN_DONT_FOLLOW);
	if (ret < 0)
		ret = -errno;
	if (fchdir(here) < 0)
		return -EIO;
	return ret;
}

SENTRY_HANDLER(inotify_add_watch)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	cleanup_close int ifd = -1;
	cleanup_close int obj = -1;
	uint32_t mask = (uint32_t)c->args[2];
	int ret;

	ifd = task_dup_fd(c, (int)c->args[0]);
	if (ifd < 0)
		return ifd;
	ret = fs_path_get(c, AT_FDCWD, c->args[1], 0, &p);
	if (ret < 0)
		return ret;
	ret = resolve_watch(c, &p, mask, &obj);
	if (ret < 0)
		return ret;
	return add_watch_fd(ifd, obj, mask);
}
