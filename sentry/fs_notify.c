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
 * A final symlink to a non-directory that the watch follows is walked
 * link by link (watch_file) to the object it names, which is watched from
 * its own directory the same way.
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

/* Linux's limit of symlinks in one walk. */
#define MAX_LINKS 40

/* The path a final symlink at *path leads to (relative to the link's
 * directory unless absolute), in path; 0 or -errno. */
static int follow_link(struct sc_call *c, struct gofer_at *at, char *path,
		       size_t len)
{
	char target[PATH_MAX], parent[PATH_MAX];
	struct gofer_creds cr;
	int n;

	task_gofer_creds(c->t, &cr);
	at->path = path;
	n = gofer_readlinkat(task_gofer(c->t), &cr, at, target,
			     sizeof(target) - 1);
	if (n < 0)
		return n;
	target[n] = '\0';
	if (target[0] == '/' || strchr(path, '/') == NULL) {
		if ((size_t)n >= len)
			return -ENAMETOOLONG;
		memcpy(path, target, (size_t)n + 1);
		return 0;
	}
	split_last(path, parent, sizeof(parent));
	if ((size_t)snprintf(path, len, "%s/%s", parent, target) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * A non-directory: watched by its final name from inside its directory,
 * with IN_DONT_FOLLOW. A final symlink the watch follows is walked here
 * (each link read by the gofer, relative to its own directory) to the
 * object it leads to, which is watched the same way.
 */
static int watch_file(struct sc_call *c, struct fs_path *p, int ifd,
		      uint32_t mask)
{
	struct gofer_at at = p->at;
	cleanup_close int dfd = -1;
	char parent[PATH_MAX], path[PATH_MAX];
	struct gofer_creds cr;
	const char *name;
	struct stat st;
	int ret;

	task_gofer_creds(c->t, &cr);
	snprintf(path, sizeof(path), "%s", p->path);
	for (int links = 0;; links++) {
		at.path = path;
		ret = gofer_fstatat(task_gofer(c->t), &cr, &at,
				    AT_SYMLINK_NOFOLLOW, &st);
		if (ret < 0)
			return ret;
		if (!S_ISLNK(st.st_mode) || (mask & IN_DONT_FOLLOW))
			break;
		if (links == MAX_LINKS)
			return -ELOOP;
		ret = follow_link(c, &at, path, sizeof(path));
		if (ret < 0)
			return ret;
	}
	if (S_ISDIR(st.st_mode)) {
		/* A link to one, or it became one since add_watch looked. */
		ret = gofer_openat(task_gofer(c->t), &cr, &at,
				   O_PATH | O_DIRECTORY | O_NOFOLLOW, 0, 0,
				   &dfd);
		return ret < 0 ? ret : watch_in(ifd, dfd, ".", mask);
	}
	name = split_last(path, parent, sizeof(parent));
	if (*name == '\0')
		return -ENOTDIR;
	at.path = parent;
	ret = gofer_openat(task_gofer(c->t), &cr, &at, O_PATH | O_DIRECTORY,
			   0, 0, &dfd);
	if (ret < 0)
		return ret;
	return watch_in(ifd, dfd, name, mask | IN_DONT_FOLLOW);
}

/*
 * A /proc or /sys file (or link): its entry in the mirror directory of
 * its parent (synth_mirror.c), an inode that lives as long as the entry
 * is listed, so a second watch of the path gets the same wd, as on Linux.
 * procfs and sysfs make no events for changes of a file's content; reads
 * and opens of the file do on Linux, not here (each open is a snapshot of
 * its own). A watch that follows a link to a file of the container
 * watches the link's entry.
 */
static int watch_virtual_file(struct sc_call *c, const char *vpath, int ifd,
			      uint32_t mask)
{
	cleanup_close int obj = -1, dfd = -1;
	char parent[PATH_MAX];
	const char *name;
	int ret;

	ret = vtree_open(c, vpath, O_PATH | O_CLOEXEC |
			 ((mask & IN_DONT_FOLLOW) ? O_NOFOLLOW : 0), &obj);
	if (ret < 0)
		return ret;
	name = split_last(vpath, parent, sizeof(parent));
	if (*name == '\0')
		return -ENOTDIR;
	ret = vtree_open(c, parent, O_PATH | O_DIRECTORY | O_CLOEXEC, &dfd);
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
		/* A link not followed opens as itself, whatever O_DIRECTORY
		 * says. */
		if (ret == 0 && (fstat(obj, &st) < 0 || !S_ISDIR(st.st_mode)))
			ret = -ENOTDIR;
		if (ret == -ENOTDIR && !(mask & IN_ONLYDIR))
			return watch_virtual_file(c, p->vpath, ifd, mask);
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
