// SPDX-License-Identifier: Apache-2.0
/*
 * Creating and removing names: mkdir, mkdirat, mknod, mknodat, rmdir,
 * unlink, unlinkat, rename, renameat, renameat2, link, linkat, symlink,
 * symlinkat. The gofer does each under the task's credentials and umask
 * (devices are refused there: EPERM). Virtual trees are read-only; a
 * rename or link between a virtual tree and a real one is EXDEV, as
 * between two filesystems.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

#define RENAME_FLAGS (RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)

/* Creating a name in /proc or /sys: EEXIST if it is there, else what a
 * read-only procfs or sysfs answers. */
static int create_virtual_errno(struct sc_call *c, const char *vpath)
{
	if (vtree_stat(c, vpath, false, &(struct stat){ 0 }) == 0)
		return -EEXIST;
	return vtree_modify_errno(c, vpath);
}

static long do_mkdir(struct sc_call *c, int dirfd, uint64_t upath,
		     mode_t mode)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct fs_dcache_change ch;
	struct gofer_creds cr;
	int ret;

	ret = fs_path_get(c, dirfd, upath, 0, &p);
	if (ret < 0)
		return ret;
	if (p.virt)
		return create_virtual_errno(c, p.vpath);
	task_gofer_creds(c->t, &cr);
	fs_dcache_begin(c, &p, &ch);
	ret = gofer_mkdirat(task_gofer(c->t), &cr, &p.at, mode & 07777);
	fs_dcache_end(&ch, ret);
	return ret;
}

SENTRY_HANDLER(mkdir)
{
	return do_mkdir(c, AT_FDCWD, c->args[0], (mode_t)c->args[1]);
}

SENTRY_HANDLER(mkdirat)
{
	return do_mkdir(c, (int)c->args[0], c->args[1], (mode_t)c->args[2]);
}

static long do_mknod(struct sc_call *c, int dirfd, uint64_t upath,
		     mode_t mode, dev_t dev)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct fs_dcache_change ch;
	struct gofer_creds cr;
	int ret;

	switch (mode & S_IFMT) {
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	ret = fs_path_get(c, dirfd, upath, 0, &p);
	if (ret < 0)
		return ret;
	if (p.virt)
		return create_virtual_errno(c, p.vpath);
	task_gofer_creds(c->t, &cr);
	fs_dcache_begin(c, &p, &ch);
	ret = gofer_mknodat(task_gofer(c->t), &cr, &p.at,
			    mode & (S_IFMT | 07777), dev);
	fs_dcache_end(&ch, ret);
	return ret;
}

SENTRY_HANDLER(mknod)
{
	return do_mknod(c, AT_FDCWD, c->args[0], (mode_t)c->args[1],
			(dev_t)(unsigned)c->args[2]);
}

SENTRY_HANDLER(mknodat)
{
	return do_mknod(c, (int)c->args[0], c->args[1], (mode_t)c->args[2],
			(dev_t)(unsigned)c->args[3]);
}

static long do_unlink(struct sc_call *c, int dirfd, uint64_t upath,
		      int flags)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct fs_dcache_change ch;
	struct gofer_creds cr;
	int ret;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	ret = fs_path_get(c, dirfd, upath, 0, &p);
	if (ret < 0)
		return ret;
	if (p.virt) {
		ret = vtree_stat(c, p.vpath, false, &(struct stat){ 0 });
		return ret < 0 ? ret : vtree_modify_errno(c, p.vpath);
	}
	task_gofer_creds(c->t, &cr);
	fs_dcache_begin(c, &p, &ch);
	ret = gofer_unlinkat(task_gofer(c->t), &cr, &p.at, flags);
	if (ret == 0 && (flags & AT_REMOVEDIR))
		fs_dir_path_flush();
	else
		fs_dcache_end(&ch, ret);
	return ret;
}

SENTRY_HANDLER(rmdir)
{
	return do_unlink(c, AT_FDCWD, c->args[0], AT_REMOVEDIR);
}

SENTRY_HANDLER(unlink)
{
	return do_unlink(c, AT_FDCWD, c->args[0], 0);
}

SENTRY_HANDLER(unlinkat)
{
	return do_unlink(c, (int)c->args[0], c->args[1], (int)c->args[2]);
}

/* A two-path operation touching a virtual tree. */
static int virtual_pair_errno(struct sc_call *c, const struct fs_path *from,
			      const struct fs_path *to)
{
	int ret;

	if (from->virt) {
		ret = vtree_stat(c, from->vpath, false, &(struct stat){ 0 });
		if (ret < 0)
			return ret;
	}
	if (from->virt != to->virt)
		return -EXDEV;
	return vtree_modify_errno(c, to->vpath);
}

static long do_rename(struct sc_call *c, int olddirfd, uint64_t uold,
		      int newdirfd, uint64_t unew, unsigned flags)
{
	cleanup_fs_path struct fs_path from = { .dupfd = -1 };
	cleanup_fs_path struct fs_path to = { .dupfd = -1 };
	struct fs_dcache_change chf, cht;
	struct gofer_creds cr;
	bool file;
	int ret;

	if (flags & ~RENAME_FLAGS)
		return -EINVAL;
	if ((flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)) &&
	    (flags & RENAME_EXCHANGE))
		return -EINVAL;
	ret = fs_path_get(c, olddirfd, uold, 0, &from);
	if (ret < 0)
		return ret;
	ret = fs_path_get(c, newdirfd, unew, 0, &to);
	if (ret < 0)
		return ret;
	if (from.virt || to.virt)
		return virtual_pair_errno(c, &from, &to);
	task_gofer_creds(c->t, &cr);
	fs_dcache_begin(c, &from, &chf);
	fs_dcache_begin(c, &to, &cht);
	/* A file renamed (not exchanged: the other may be a directory)
	 * moves no directory: its two names are followed; anything else
	 * empties the caches of directories. */
	file = fs_dcache_is_file(&chf) && !(flags & RENAME_EXCHANGE);
	ret = gofer_renameat2(task_gofer(c->t), &cr, &from.at, &to.at, flags);
	if (ret == 0 && !file) {
		fs_dir_path_flush();
	} else {
		fs_dcache_end(&chf, ret);
		fs_dcache_end(&cht, ret);
	}
	return ret;
}

SENTRY_HANDLER(rename)
{
	return do_rename(c, AT_FDCWD, c->args[0], AT_FDCWD, c->args[1], 0);
}

SENTRY_HANDLER(renameat)
{
	return do_rename(c, (int)c->args[0], c->args[1], (int)c->args[2],
			 c->args[3], 0);
}

SENTRY_HANDLER(renameat2)
{
	return do_rename(c, (int)c->args[0], c->args[1], (int)c->args[2],
			 c->args[3], (unsigned)c->args[4]);
}

static long do_link(struct sc_call *c, int olddirfd, uint64_t uold,
		    int newdirfd, uint64_t unew, int flags)
{
	cleanup_fs_path struct fs_path from = { .dupfd = -1 };
	cleanup_fs_path struct fs_path to = { .dupfd = -1 };
	struct fs_dcache_change ch;
	struct gofer_creds cr;
	int ret;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	ret = fs_path_get(c, olddirfd, uold,
			  (flags & AT_EMPTY_PATH) ? FS_EMPTY_OK : 0, &from);
	if (ret < 0)
		return ret;
	ret = fs_path_get(c, newdirfd, unew, 0, &to);
	if (ret < 0)
		return ret;
	if (from.virt || to.virt)
		return virtual_pair_errno(c, &from, &to);
	task_gofer_creds(c->t, &cr);
	fs_dcache_begin(c, &to, &ch);
	ret = gofer_linkat(task_gofer(c->t), &cr, &from.at, &to.at, flags);
	fs_dcache_end(&ch, ret);
	return ret;
}

SENTRY_HANDLER(link)
{
	return do_link(c, AT_FDCWD, c->args[0], AT_FDCWD, c->args[1], 0);
}

SENTRY_HANDLER(linkat)
{
	return do_link(c, (int)c->args[0], c->args[1], (int)c->args[2],
		       c->args[3], (int)c->args[4]);
}

static long do_symlink(struct sc_call *c, uint64_t utarget, int newdirfd,
		       uint64_t unew)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	char target[PATH_MAX];
	struct fs_dcache_change ch;
	struct gofer_creds cr;
	long n;
	int ret;

	n = task_read_path(c, utarget, target, sizeof(target));
	if (n < 0)
		return n;
	ret = fs_path_get(c, newdirfd, unew, 0, &p);
	if (ret < 0)
		return ret;
	if (p.virt)
		return create_virtual_errno(c, p.vpath);
	task_gofer_creds(c->t, &cr);
	fs_dcache_begin(c, &p, &ch);
	ret = gofer_symlinkat(task_gofer(c->t), &cr, target, &p.at);
	fs_dcache_end(&ch, ret);
	return ret;
}

SENTRY_HANDLER(symlink)
{
	return do_symlink(c, c->args[0], AT_FDCWD, c->args[1]);
}

SENTRY_HANDLER(symlinkat)
{
	return do_symlink(c, c->args[0], (int)c->args[1], c->args[2]);
}
