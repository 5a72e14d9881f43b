// SPDX-License-Identifier: Apache-2.0
/*
 * inotify_add_watch. The path is the workload's: the gofer (or the
 * virtual trees) resolves it, under the task's credentials, and checks the read
 * permission inotify requires. The sentry then adds the watch on its copy
 * of the workload's inotify fd without any host lookup of the workload's
 * path: from inside the resolved directory (fchdir to the gofer's fd) it
 * watches "." for a directory, or the final name with IN_DONT_FOLLOW for
 * anything else (a name swapped meanwhile can only lead to an object in
 * the same directory, never a symlink target outside it).
 *
 * Not supported: a final symlink to a non-directory when the watch
 * follows links (ENOSYS, as documented in the syscall table notes).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

/* inotify_add_watch(ifd, name, mask) run from directory dirfd. */
static int watch_in(int ifd, int dirfd, const char *name, uint32_t mask)
{
	cleanup_close int here = -1;
	int ret;

	here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (here < 0)
		return -errno;
	if (fchdir(dirfd) < 0)
		return -errno;
	ret = inotify_add_watch(ifd, name, mask);
	if (ret < 0)
		ret = -errno;
	if (fchdir(here) < 0)
		return -EIO;
	return ret;
}

/* Splits p's path into the parent (in buf) and the final name. */
static const char *split_last(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL) {
		snprintf(buf, len, ".");
		return path;
	}
	n = (size_t)(slash - path);
	snprintf(buf, len, "%.*s", (int)(n ? n : 1), path);
	return slash + 1;
}

static int watch_file(struct sc_call *c, struct fs_path *p, int ifd,
		      uint32_t mask)
{
	struct gofer_at at = p->at;
	cleanup_close int dfd = -1;
	char parent[PATH_MAX];
	struct gofer_creds cr;
	const char *name;
	struct stat st;
	int ret;

	task_gofer_creds(c->t, &cr);
	ret = gofer_fstatat(task_gofer(c->t), &cr, &p->at, AT_SYMLINK_NOFOLLOW,
			    &st);
	if (ret < 0)
		return ret;
	if (S_ISLNK(st.st_mode) && !(mask & IN_DONT_FOLLOW))
		return -ENOSYS;
	name = split_last(p->path, parent, sizeof(parent));
	if (*name == '\0')
		return -ENOTDIR;
	at.path = parent;
	ret = gofer_openat(task_gofer(c->t), &cr, &at, O_PATH | O_DIRECTORY,
			   0, 0, &dfd);
	if (ret < 0)
		return ret;
	return watch_in(ifd, dfd, name, mask | IN_DONT_FOLLOW);
}

static int add_watch(struct sc_call *c, struct fs_path *p, int ifd,
		     uint32_t mask)
{
	int flags = O_PATH | O_CLOEXEC;
	cleanup_close int obj = -1;
	struct gofer_creds cr;
	struct stat st;
	int ret;

	if (mask & IN_DONT_FOLLOW)
		flags |= O_NOFOLLOW;
	if (mask & IN_ONLYDIR)
		flags |= O_DIRECTORY;
	if (p->virt) {
		ret = vtree_open(c, p->vpath, flags | O_DIRECTORY, &obj);
		return ret < 0 ? ret : watch_in(ifd, obj, ".", mask);
	}
	task_gofer_creds(c->t, &cr);
	ret = gofer_faccessat(task_gofer(c->t), &cr, &p->at, R_OK,
			      AT_EACCESS | ((mask & IN_DONT_FOLLOW) ?
					    AT_SYMLINK_NOFOLLOW : 0));
	if (ret < 0)
		return ret;
	ret = gofer_openat(task_gofer(c->t), &cr, &p->at, flags, 0, 0, &obj);
	if (ret < 0)
		return ret;
	if (fstat(obj, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return watch_in(ifd, obj, ".", mask & ~IN_DONT_FOLLOW);
	return watch_file(c, p, ifd, mask);
}

SENTRY_HANDLER(inotify_add_watch)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	cleanup_close int ifd = -1;
	uint32_t mask = (uint32_t)c->args[2];
	int ret;

	/* Before any watch: pre-opens would be events (fs_openpool.c). */
	fs_openpool_disable();
	ifd = task_dup_fd(c, (int)c->args[0]);
	if (ifd < 0)
		return ifd;
	ret = fs_path_get(c, AT_FDCWD, c->args[1], 0, &p);
	if (ret < 0)
		return ret;
	return add_watch(c, &p, ifd, mask);
}
