// SPDX-License-Identifier: Apache-2.0
/*
 * stat, lstat, newfstatat, statx, statfs, access, faccessat, faccessat2,
 * readlink, readlinkat. The gofer answers for real paths; the virtual trees for
 * /proc, /sys and /dev/fd; an fd the workload already holds ("" with
 * AT_EMPTY_PATH) is stat'ed by the sentry on its own copy, which needs no
 * permission.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "sentry/idmap.h"
#include "sentry/nsfs.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

#define STAT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)

static int stat_path(struct sc_call *c, struct fs_path *p, int flags,
		     struct stat *st)
{
	struct gofer_creds cr;
	int hops = 0, ret;

	ret = fs_dcache_stat_fill(c, p, flags & AT_SYMLINK_NOFOLLOW, st);
	if (ret == 0)
		ident_stat_from_host(c->t, st);
	if (ret != -EAGAIN)
		return ret;
	for (;;) {
		if (p->virt)
			return vtree_stat(c, p->vpath,
					!(flags & AT_SYMLINK_NOFOLLOW), st);
		if (p->empty) {
			if (p->have_st)
				*st = p->st;
			else if (fstat(p->at.dirfd, st) < 0)
				return -errno;
			/* a namespace's handle: the namespace's stat */
			(void)nsfs_shown(st->st_dev, st->st_ino, st);
			ident_stat_from_host(c->t, st);
			return 0;
		}
		/* The gofer's stat is in the task's ids already. */
		task_gofer_creds(c->t, &cr);
		ret = gofer_fstatat(task_gofer(c->t), &cr, &p->at,
				    flags & AT_SYMLINK_NOFOLLOW, st);
		/* a cache: a directory not noted costs a gofer trip later */
		if (ret == 0 && S_ISDIR(st->st_mode))
			(void)fs_dcache_note(c, p, &cr, st);
		if (ret != -GOFER_EVIRTUAL)
			return ret;
		ret = fs_path_redirect(c, p, &hops);
		if (ret < 0)
			return ret;
	}
}

static long do_stat(struct sc_call *c, int dirfd, uint64_t upath,
		    uint64_t ubuf, int flags)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct stat st;
	int ret;

	if (flags & ~STAT_FLAGS)
		return -EINVAL;
	c->pure = true;
	ret = fs_path_get(c, dirfd, upath,
			  FS_VIRT_LINKS |
				  ((flags & AT_EMPTY_PATH) ? FS_EMPTY_OK : 0),
			  &p);
	if (ret < 0)
		return ret;
	ret = stat_path(c, &p, flags, &st);
	if (ret < 0)
		return ret;
	return task_write(c, ubuf, &st, sizeof(st));
}

SENTRY_HANDLER(stat)
{
	return do_stat(c, AT_FDCWD, c->args[0], c->args[1], 0);
}

SENTRY_HANDLER(lstat)
{
	return do_stat(c, AT_FDCWD, c->args[0], c->args[1],
		       AT_SYMLINK_NOFOLLOW);
}

SENTRY_HANDLER(newfstatat)
{
	return do_stat(c, (int)c->args[0], c->args[1], c->args[2],
		       (int)c->args[3]);
}

/* ---- statx --------------------------------------------------------------- */

static struct statx_timestamp ts(struct timespec t)
{
	return (struct statx_timestamp){ .tv_sec = t.tv_sec,
					 .tv_nsec = (uint32_t)t.tv_nsec };
}

static void stat_to_statx(const struct stat *st, struct statx *stx)
{
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = (uint32_t)st->st_blksize;
	stx->stx_nlink = (uint32_t)st->st_nlink;
	stx->stx_uid = st->st_uid;
	stx->stx_gid = st->st_gid;
	stx->stx_mode = (uint16_t)st->st_mode;
	stx->stx_ino = st->st_ino;
	stx->stx_size = (uint64_t)st->st_size;
	stx->stx_blocks = (uint64_t)st->st_blocks;
	stx->stx_atime = ts(st->st_atim);
	stx->stx_mtime = ts(st->st_mtim);
	stx->stx_ctime = ts(st->st_ctim);
	stx->stx_rdev_major = major(st->st_rdev);
	stx->stx_rdev_minor = minor(st->st_rdev);
	stx->stx_dev_major = major(st->st_dev);
	stx->stx_dev_minor = minor(st->st_dev);
}

static int statx_path(struct sc_call *c, struct fs_path *p, int flags,
		      unsigned mask, struct statx *stx)
{
	struct gofer_creds cr;
	struct stat st;
	int hops = 0, ret;

	ret = fs_dcache_statx_fill(c, p, flags, mask, stx);
	if (ret == 0)
		ident_statx_from_host(c->t, stx);
	if (ret != -EAGAIN)
		return ret;
	for (;;) {
		if (p->virt) {
			ret = vtree_stat(c, p->vpath,
				       !(flags & AT_SYMLINK_NOFOLLOW), &st);
			if (ret == 0)
				stat_to_statx(&st, stx);
			return ret;
		}
		if (p->empty) {
			if (statx(p->at.dirfd, "", flags | AT_EMPTY_PATH, mask,
				  stx) < 0)
				return -errno;
			if (nsfs_shown(makedev(stx->stx_dev_major,
					       stx->stx_dev_minor),
				       stx->stx_ino, &st))
				stat_to_statx(&st, stx);
			ident_statx_from_host(c->t, stx);
			return 0;
		}
		task_gofer_creds(c->t, &cr);
		ret = gofer_statx(task_gofer(c->t), &cr, &p->at, flags, mask,
				  stx);
		if (ret == 0 && S_ISDIR(stx->stx_mode) &&
		    (stx->stx_mask & STATX_CTIME)) {
			st = (struct stat){ .st_mode = stx->stx_mode };
			st.st_ctim.tv_sec = stx->stx_ctime.tv_sec;
			st.st_ctim.tv_nsec = stx->stx_ctime.tv_nsec;
			(void)fs_dcache_note(c, p, &cr, &st); /* as above */
		}
		if (ret != -GOFER_EVIRTUAL)
			return ret;
		ret = fs_path_redirect(c, p, &hops);
		if (ret < 0)
			return ret;
	}
}

SENTRY_HANDLER(statx)
{
	int dirfd = (int)c->args[0];
	uint64_t upath = c->args[1], ubuf = c->args[4];
	int flags = (int)c->args[2];
	unsigned mask = (unsigned)c->args[3];
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct statx stx;
	int ret;

	if (flags & ~(STAT_FLAGS | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (mask & STATX__RESERVED)
		return -EINVAL;
	c->pure = true;
	ret = fs_path_get(c, dirfd, upath,
			  FS_VIRT_LINKS | ((flags & AT_EMPTY_PATH) ?
						   FS_EMPTY_OK | FS_NULL_OK : 0),
			  &p);
	if (ret < 0)
		return ret;
	ret = statx_path(c, &p, flags, mask, &stx);
	if (ret < 0)
		return ret;
	return task_write(c, ubuf, &stx, sizeof(stx));
}

/* ---- statfs ---------------------------------------------------------------- */

SENTRY_HANDLER(statfs)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct gofer_creds cr;
	struct statfs st;
	int hops = 0, ret;

	c->pure = true;
	ret = fs_path_get(c, AT_FDCWD, c->args[0], FS_VIRT_LINKS, &p);
	while (ret == 0) {
		/* a final magic link leads to its object's file system */
		if (p.virt && (ret = vtree_escape_final(c, &p)) < 0)
			break;
		if (p.virt) {
			ret = vtree_statfs(c, p.vpath, &st);
			break;
		}
		/* the object itself (a pipe, a host file, a file of the
		 * gofer's): the task's fstatfs of it */
		if (p.empty && p.held)
			return fs_path_held_call(c, &p, -EXDEV, SYS_fstatfs,
						 c->args[1], 0, 0);
		task_gofer_creds(c->t, &cr);
		ret = gofer_statfs(task_gofer(c->t), &cr, &p.at, &st);
		if (ret != -GOFER_EVIRTUAL)
			break;
		ret = fs_path_redirect(c, &p, &hops);
		ret = ret < 0 ? ret : 0;
		if (ret < 0)
			break;
	}
	if (ret < 0)
		return ret;
	return task_write(c, c->args[1], &st, sizeof(st));
}

/* ---- access ---------------------------------------------------------------- */

/* access() without AT_EACCESS checks as the real ids; root keeps its
 * permitted capabilities, anyone else has none (as Linux's
 * do_faccessat without SECURE_NO_SETUID_FIXUP). */
static void access_creds(const struct task *t, struct gofer_creds *cr)
{
	cr->fsuid = t->creds.ruid;
	cr->fsgid = t->creds.rgid;
	cr->cap_effective = t->creds.ruid == 0 ? t->creds.cap_permitted : 0;
}

static long do_access(struct sc_call *c, int dirfd, uint64_t upath, int mode,
		      int flags)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct gofer_creds cr;
	int hops = 0, ret;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	c->pure = true;
	ret = fs_path_get(c, dirfd, upath,
			  FS_VIRT_LINKS |
				  ((flags & AT_EMPTY_PATH) ? FS_EMPTY_OK : 0),
			  &p);
	if (ret < 0)
		return ret;
	for (;;) {
		task_gofer_creds(c->t, &cr);
		if (!(flags & AT_EACCESS))
			access_creds(c->t, &cr);
		if (p.virt)
			return vtree_access(c, p.vpath, mode,
					    !(flags & AT_SYMLINK_NOFOLLOW), &cr);
		if (hops == 0 && fs_dcache_access(c, &p, &cr, mode) == 0)
			return 0;
		ret = gofer_faccessat(task_gofer(c->t), &cr, &p.at, mode,
				      flags);
		if (ret != -GOFER_EVIRTUAL)
			return ret;
		ret = fs_path_redirect(c, &p, &hops);
		if (ret < 0)
			return ret;
	}
}

SENTRY_HANDLER(access)
{
	return do_access(c, AT_FDCWD, c->args[0], (int)c->args[1], 0);
}

SENTRY_HANDLER(faccessat)
{
	return do_access(c, (int)c->args[0], c->args[1], (int)c->args[2], 0);
}

SENTRY_HANDLER(faccessat2)
{
	return do_access(c, (int)c->args[0], c->args[1], (int)c->args[2],
			 (int)c->args[3]);
}

/* ---- readlink --------------------------------------------------------------- */

static long do_readlink(struct sc_call *c, int dirfd, uint64_t upath,
			uint64_t ubuf, long bufsiz)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct gofer_creds cr;
	char buf[PATH_MAX];
	int hops = 0, ret;
	size_t len;

	if (bufsiz <= 0)
		return -EINVAL;
	len = (size_t)bufsiz < sizeof(buf) ? (size_t)bufsiz : sizeof(buf);
	c->pure = true;
	ret = fs_path_get(c, dirfd, upath, FS_EMPTY_OK | FS_VIRT_LINKS, &p);
	while (ret == 0) {
		if (p.virt) {
			ret = vtree_readlink(c, p.vpath, buf, len);
			break;
		}
		if (p.empty && dirfd == AT_FDCWD) {
			ret = -ENOENT;
			break;
		}
		if (hops == 0 && !p.empty &&
		    (ret = fs_dcache_readlink(c, &p, buf, len)) != -EAGAIN)
			break;
		task_gofer_creds(c->t, &cr);
		ret = gofer_readlinkat(task_gofer(c->t), &cr, &p.at, buf, len);
		if (ret != -GOFER_EVIRTUAL)
			break;
		ret = fs_path_redirect(c, &p, &hops);
		if (ret < 0)
			break;
	}
	if (ret < 0)
		return ret;
	if ((size_t)ret > len)
		ret = (int)len;
	return task_write(c, ubuf, buf, (size_t)ret) < 0 ? -EFAULT : ret;
}

SENTRY_HANDLER(readlink)
{
	return do_readlink(c, AT_FDCWD, c->args[0], c->args[1],
			   (long)(int)c->args[2]);
}

SENTRY_HANDLER(readlinkat)
{
	return do_readlink(c, (int)c->args[0], c->args[1], c->args[2],
			   (long)(int)c->args[3]);
}
