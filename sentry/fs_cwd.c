// SPDX-License-Identifier: Apache-2.0
/*
 * chdir, fchdir, getcwd, chroot. A task's cwd and root are sentry-side
 * directory fds in its struct task_fs (shared under CLONE_FS): gofer
 * O_PATH fds, or mirror directories for a cwd inside /proc or /sys.
 * Opening O_PATH does not check search permission on the final directory,
 * so chdir and chroot ask the gofer for it (X_OK, as the task).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

/* Search permission on a directory fd, as the task. */
static int may_enter(struct sc_call *c, int fd)
{
	struct gofer_creds cr;
	struct gofer_at at = { .dirfd = fd, .rootfd = c->t->fs->root_fd,
			       .path = "." };
	char vpath[PATH_MAX];

	if (vtree_fd_path(fd, vpath, sizeof(vpath)) == 0)
		return 0;
	task_gofer_creds(c->t, &cr);
	return gofer_faccessat(task_gofer(c->t), &cr, &at, X_OK, AT_EACCESS);
}

/* A sentry-side O_PATH fd of the directory p names. */
static int open_dir(struct sc_call *c, struct fs_path *p, int *fd_out)
{
	struct gofer_creds cr;
	int hops = 0, ret;

	for (;;) {
		if (p->virt)
			return vtree_open(c, p->vpath, O_PATH | O_DIRECTORY,
					fd_out);
		task_gofer_creds(c->t, &cr);
		ret = gofer_openat(task_gofer(c->t), &cr, &p->at,
				   O_PATH | O_DIRECTORY, 0, 0, fd_out);
		if (ret != -GOFER_EVIRTUAL)
			break;
		ret = fs_path_redirect(c, p, &hops);
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	ret = may_enter(c, *fd_out);
	if (ret < 0) {
		close(*fd_out);
		*fd_out = -1;
	}
	return ret;
}

/* chdir found a directory: the cache may keep it for the next calls. */
static void note_dir(struct sc_call *c, const struct fs_path *p, int fd)
{
	struct gofer_creds cr;
	struct stat st;

	if (p->virt || fstat(fd, &st) < 0)
		return;
	task_gofer_creds(c->t, &cr);
	/* a cache: a directory not noted costs the next call a gofer trip */
	(void)fs_dcache_note(c, p, &cr, &st);
}

static void set_cwd(struct task *t, int fd)
{
	int old = t->fs->cwd_fd;

	t->fs->cwd_fd = fd;
	if (old >= 0)
		close(old);
}

SENTRY_HANDLER(chdir)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	int fd = -1, ret;

	ret = fs_path_get(c, AT_FDCWD, c->args[0], FS_VIRT_LINKS, &p);
	if (ret < 0)
		return ret;
	ret = fs_dcache_chdir(c, &p, &fd);
	if (ret == -EAGAIN) {
		ret = open_dir(c, &p, &fd);
		if (ret == 0)
			note_dir(c, &p, fd);
	}
	if (ret < 0)
		return ret;
	set_cwd(c->t, fd);
	return 0;
}

SENTRY_HANDLER(fchdir)
{
	cleanup_close int fd = -1;
	struct stat st;
	int ret;

	fd = task_dup_fd(c, (int)c->args[0]);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	ret = may_enter(c, fd);
	if (ret < 0)
		return ret;
	set_cwd(c->t, steal_fd(fd));
	return 0;
}

/* The cwd as the task sees it: relative to its root if chrooted. */
static int cwd_path(struct sc_call *c, char *buf, size_t len)
{
	char root[PATH_MAX];
	size_t rn;
	int ret;

	ret = fs_dir_path(c, c->t->fs->cwd_fd, buf, len);
	if (ret < 0 || c->t->fs->root_fd == GOFER_AT_ROOT)
		return ret;
	if (fs_dir_path(c, c->t->fs->root_fd, root, sizeof(root)) < 0 ||
	    strcmp(root, "/") == 0)
		return ret;
	rn = strlen(root);
	if (strncmp(buf, root, rn) != 0 || (buf[rn] != '/' && buf[rn] != 0)) {
		/* outside the root, as Linux marks it */
		if ((size_t)ret + 14 > len)
			return -ERANGE;
		memmove(buf + 13, buf, (size_t)ret + 1);
		memcpy(buf, "(unreachable)", 13);
		return ret + 13;
	}
	if (buf[rn] == '\0')
		strcpy(buf, "/");
	else
		memmove(buf, buf + rn, strlen(buf + rn) + 1);
	return (int)strlen(buf);
}

SENTRY_HANDLER(getcwd)
{
	uint64_t ubuf = c->args[0];
	size_t size = (size_t)c->args[1];
	char path[PATH_MAX];
	int ret;

	ret = cwd_path(c, path, sizeof(path));
	if (ret < 0)
		return ret;
	if ((size_t)ret + 1 > size)
		return -ERANGE;
	ret = task_write(c, ubuf, path, (size_t)ret + 1);
	return ret < 0 ? ret : (long)strlen(path) + 1;
}

SENTRY_HANDLER(chroot)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	int fd = -1, old, ret;

	ret = fs_path_get(c, AT_FDCWD, c->args[0], 0, &p);
	if (ret < 0)
		return ret;
	if (p.virt)
		return -EPERM;	/* no chroot into the sentry's trees */
	ret = open_dir(c, &p, &fd);
	if (ret < 0)
		return ret;
	if (!fs_capable(c->t, CAP_SYS_CHROOT)) {
		close(fd);
		return -EPERM;
	}
	old = c->t->fs->root_fd;
	c->t->fs->root_fd = fd;
	if (old >= 0)
		close(old);
	return 0;
}
