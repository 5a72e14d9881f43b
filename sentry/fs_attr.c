// SPDX-License-Identifier: Apache-2.0
/*
 * Changing attributes by path: chmod, fchmodat, fchmodat2, chown, lchown,
 * fchownat, utime, utimes, futimesat, utimensat, truncate and the xattr
 * family (set/get/list/remove, their l* forms and the *xattrat calls).
 * The gofer does each under the task's credentials; an fd the workload
 * holds ("" with AT_EMPTY_PATH, utimensat's NULL path, fsetxattr and
 * fremovexattr) is passed to the gofer as the object with AT_EMPTY_PATH,
 * so permission checks stay the task's. The virtual trees are read-only
 * and have no xattrs. No xattr call changes a security.* or trusted.*
 * name (attr_name_writable).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <utime.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "sentry/nsfs.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

#define AT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)
/* fsetxattr, fremovexattr: the fd itself, no path to read (a flag the
 * workload cannot pass: setxattrat and removexattrat refuse it). */
#define ATTR_FD_ONLY 0x40000000

static int path_flags(int flags)
{
	if (flags & ATTR_FD_ONLY)
		return FS_EMPTY_OK | FS_NULL_OK;
	return (flags & AT_EMPTY_PATH) ? FS_EMPTY_OK : 0;
}

/* The gofer's flags for an operation on p. */
static int gofer_flags(const struct fs_path *p, int flags)
{
	return p->empty ? (flags | AT_EMPTY_PATH) : (flags & ~AT_EMPTY_PATH);
}

/* A virtual path followed at its end: Linux follows a final magic link
 * (/proc/<pid>/fd/N, cwd, root, exe) to the object, so that glibc's
 * fchmodat(AT_SYMLINK_NOFOLLOW), which chmods "/proc/self/fd/N" of an
 * O_PATH fd, reaches the file. p stays virtual for anything else. */
static int follow_magic(struct sc_call *c, struct fs_path *p, int flags)
{
	if (!p->virt || (flags & AT_SYMLINK_NOFOLLOW))
		return 0;
	return vtree_escape_final(c, p);
}

/* The path of an attribute call (chmod, chown, the xattr calls), a final
 * magic link followed unless AT_SYMLINK_NOFOLLOW. */
static int attr_lookup(struct sc_call *c, int dirfd, uint64_t upath,
		       int flags, struct fs_path *p)
{
	int ret = fs_path_get(c, dirfd, upath, path_flags(flags), p);

	return ret < 0 ? ret : follow_magic(c, p, flags);
}

/* ---- chmod, chown -------------------------------------------------------- */

/* chmod and chown: the path whose attributes change. A virtual path gets
 * what a read-only procfs answers (always an error). */
static int attr_path(struct sc_call *c, int dirfd, uint64_t upath, int flags,
		     struct fs_path *p)
{
	int ret;

	if (flags & ~AT_FLAGS)
		return -EINVAL;
	ret = attr_lookup(c, dirfd, upath, flags, p);
	if (ret < 0)
		return ret;
	if (p->virt)
		return vtree_modify_errno(c, p->vpath);
	/* a namespace's file: nsfs refuses the change (and a non-owner is
	 * refused first) */
	if (p->empty && nsfs_fd_stat(p->at.dirfd, &(struct stat){ 0 }))
		return -EPERM;
	return 0;
}

/* The link itself (AT_SYMLINK_NOFOLLOW of /proc/self/fd/N): its stat, or
 * -EINVAL if p is no virtual symlink. */
static int virt_link_stat(struct sc_call *c, const struct fs_path *p,
			  int flags, struct stat *st)
{
	if (!p->virt || !(flags & AT_SYMLINK_NOFOLLOW) ||
	    vtree_stat(c, p->vpath, false, st) < 0 || !S_ISLNK(st->st_mode))
		return -EINVAL;
	return 0;
}

/* After a change of a file's mode, owner or xattrs (an ACL: search
 * permission): the directory cache checks its entries again. */
static long attrs_changed(long ret)
{
	if (ret >= 0)
		fs_dcache_attrs_changed();
	return ret;
}

static long do_chmod(struct sc_call *c, int dirfd, uint64_t upath,
		     mode_t mode, int flags)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct gofer_creds cr;
	struct stat st;
	long ret;

	ret = attr_path(c, dirfd, upath, flags, &p);
	/* a symlink's mode: Linux has none to change */
	if (ret < 0 && virt_link_stat(c, &p, flags, &st) == 0)
		return -EOPNOTSUPP;
	if (ret < 0)
		return ret;
	task_gofer_creds(c->t, &cr);
	ret = gofer_fchmodat(task_gofer(c->t), &cr, &p.at, mode & 07777,
			     gofer_flags(&p, flags));
	ret = fs_path_held_call(c, &p, ret, SYS_fchmod, mode & 07777, 0, 0);
	return attrs_changed(ret);
}

SENTRY_HANDLER(chmod)
{
	return do_chmod(c, AT_FDCWD, c->args[0], (mode_t)c->args[1], 0);
}

SENTRY_HANDLER(fchmodat)
{
	return do_chmod(c, (int)c->args[0], c->args[1], (mode_t)c->args[2], 0);
}

SENTRY_HANDLER(fchmodat2)
{
	return do_chmod(c, (int)c->args[0], c->args[1], (mode_t)c->args[2],
			(int)c->args[3]);
}

static long do_chown(struct sc_call *c, int dirfd, uint64_t upath, uid_t uid,
		     gid_t gid, int flags)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct gofer_creds cr;
	struct stat st;
	long ret;

	ret = attr_path(c, dirfd, upath, flags, &p);
	/* lchown of a /proc link that changes nothing (its owner is the
	 * task's, procfs' setattr allows it) */
	if (ret < 0 && virt_link_stat(c, &p, flags, &st) == 0 &&
	    (uid == (uid_t)-1 || uid == st.st_uid) &&
	    (gid == (gid_t)-1 || gid == st.st_gid))
		return 0;
	if (ret < 0)
		return ret;
	task_gofer_creds(c->t, &cr);
	/* The task's ids as they are: the gofer is in its user namespace,
	 * where the kernel refuses an unmapped id (EINVAL) after the
	 * lookup, as chown_common() does. */
	ret = gofer_fchownat(task_gofer(c->t), &cr, &p.at, uid, gid,
			     gofer_flags(&p, flags));
	ret = fs_path_held_call(c, &p, ret, SYS_fchown, uid, gid, 0);
	return attrs_changed(ret);
}

SENTRY_HANDLER(chown)
{
	return do_chown(c, AT_FDCWD, c->args[0], (uid_t)c->args[1],
			(gid_t)c->args[2], 0);
}

SENTRY_HANDLER(lchown)
{
	return do_chown(c, AT_FDCWD, c->args[0], (uid_t)c->args[1],
			(gid_t)c->args[2], AT_SYMLINK_NOFOLLOW);
}

SENTRY_HANDLER(fchownat)
{
	return do_chown(c, (int)c->args[0], c->args[1], (uid_t)c->args[2],
			(gid_t)c->args[3], (int)c->args[4]);
}

/* ---- times ----------------------------------------------------------------- */

static bool valid_nsec(long nsec)
{
	return nsec == UTIME_NOW || nsec == UTIME_OMIT ||
	       (nsec >= 0 && nsec <= 999999999);
}

/*
 * The sentry's own call nr(a0..a4) on its copy of an object the gofer
 * does not serve (a pipe, a socket, a memfd, a host file handed over)
 * that the task holds, where no PASS call does it for the task to run
 * (utimensat, fsetxattr: EMULATE rows): as the task's fs ids
 * (vtree_fsids_take), so the kernel's owner and write checks are the
 * task's, though no capability of its (CAP_FOWNER over another user's
 * object) applies.
 */
static long call_as_task(struct sc_call *c, long nr, uint64_t a0,
			 uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct vtree_fsids own;
	int took = vtree_fsids_take(c, &own);
	long ret;

	if (took < 0)
		return took;
	ret = syscall(nr, a0, a1, a2, a3, a4) < 0 ? -errno : 0;
	if (took > 0)
		vtree_fsids_put(&own);
	return ret;
}

/* times NULL: now. A NULL path means dirfd itself (utimensat, futimesat). */
static long do_utimes(struct sc_call *c, int dirfd, uint64_t upath,
		      const struct timespec *times, int flags)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	struct gofer_creds cr;
	int ret;

	if (flags & ~AT_FLAGS)
		return -EINVAL;
	if (times != NULL &&
	    (!valid_nsec(times[0].tv_nsec) || !valid_nsec(times[1].tv_nsec)))
		return -EINVAL;
	if (upath == 0 && dirfd == AT_FDCWD)
		return -EFAULT;
	if (upath == 0 && (flags & AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	ret = fs_path_get(c, dirfd, upath, path_flags(flags) | FS_NULL_OK,
			  &p);
	if (ret < 0)
		return ret;
	if (p.empty && upath != 0 && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	if (times != NULL && times[0].tv_nsec == UTIME_OMIT &&
	    times[1].tv_nsec == UTIME_OMIT)
		return 0;
	ret = follow_magic(c, &p, flags);
	if (ret < 0)
		return ret;
	if (p.virt)
		return vtree_modify_errno(c, p.vpath);
	task_gofer_creds(c->t, &cr);
	ret = gofer_utimensat(task_gofer(c->t), &cr, &p.at, times,
			      gofer_flags(&p, flags));
	if (ret == -EXDEV && p.empty && p.held)
		return call_as_task(c, SYS_utimensat, (uint64_t)p.at.dirfd, 0,
				    (uint64_t)(uintptr_t)times, 0, 0);
	return ret;
}

SENTRY_HANDLER(utimensat)
{
	struct timespec ts[2];
	int ret;

	if (c->args[2] != 0) {
		ret = task_read(c, c->args[2], ts, sizeof(ts));
		if (ret < 0)
			return ret;
	}
	return do_utimes(c, (int)c->args[0], c->args[1],
			 c->args[2] ? ts : NULL, (int)c->args[3]);
}

/* struct timeval[2] (utimes, futimesat) to timespecs; NULL stays NULL. */
static int read_timevals(struct sc_call *c, uint64_t utv,
			 struct timespec ts[2], struct timespec **out)
{
	struct timeval tv[2];
	int ret;

	*out = NULL;
	if (utv == 0)
		return 0;
	ret = task_read(c, utv, tv, sizeof(tv));
	if (ret < 0)
		return ret;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	*out = ts;
	return 0;
}

SENTRY_HANDLER(utimes)
{
	struct timespec ts[2], *times;
	int ret = read_timevals(c, c->args[1], ts, &times);

	if (ret < 0)
		return ret;
	if (c->args[0] == 0)
		return -EFAULT;
	return do_utimes(c, AT_FDCWD, c->args[0], times, 0);
}

SENTRY_HANDLER(futimesat)
{
	struct timespec ts[2], *times;
	int ret = read_timevals(c, c->args[2], ts, &times);

	if (ret < 0)
		return ret;
	return do_utimes(c, (int)c->args[0], c->args[1], times, 0);
}

SENTRY_HANDLER(utime)
{
	struct utimbuf ub;
	struct timespec ts[2];
	int ret;

	if (c->args[1] == 0)
		return do_utimes(c, AT_FDCWD, c->args[0], NULL, 0);
	ret = task_read(c, c->args[1], &ub, sizeof(ub));
	if (ret < 0)
		return ret;
	ts[0] = (struct timespec){ .tv_sec = ub.actime };
	ts[1] = (struct timespec){ .tv_sec = ub.modtime };
	if (c->args[0] == 0)
		return -EFAULT;
	return do_utimes(c, AT_FDCWD, c->args[0], ts, 0);
}

/* ---- truncate ------------------------------------------------------------- */

/*
 * truncate(2) of the object a magic link leads to, as vfs_truncate(): a
 * directory is EISDIR, anything else but a regular file EINVAL; a file
 * is opened for writing as the task (vtree_open: the task's permission,
 * ETXTBSY, the device rules) and the task's ftruncate of that open file
 * changes it (a memfd's seals, a host file's limits are the kernel's).
 */
static long truncate_object(struct sc_call *c, const struct fs_path *p,
			    off_t length)
{
	cleanup_close int fd = -1;
	struct stat st;
	int ret;

	if (fstat(p->at.dirfd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	ret = vtree_open(c, p->vpath, O_WRONLY | O_CLOEXEC, &fd);
	if (ret < 0)
		return ret;
	return task_run_on_fd(c, fd, SYS_ftruncate, (uint64_t)length, 0, 0);
}

SENTRY_HANDLER(truncate)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	off_t length = (off_t)c->args[1];
	struct gofer_creds cr;
	int ret;

	if (length < 0)
		return -EINVAL;
	ret = fs_path_get(c, AT_FDCWD, c->args[0], 0, &p);
	if (ret < 0)
		return ret;
	if (p.virt && vtree_is_ns(c, p.vpath))
		return nsfs_write_errno(c);
	if (p.virt && (ret = vtree_escape_final(c, &p)) < 0)
		return ret;
	if (p.empty)
		return truncate_object(c, &p, length);
	if (p.virt) {
		ret = vtree_stat(c, p.vpath, true, &(struct stat){ 0 });
		return ret < 0 ? ret : -EACCES;
	}
	task_gofer_creds(c->t, &cr);
	return gofer_truncate(task_gofer(c->t), &cr, &p.at, length);
}

/* ---- xattrs ----------------------------------------------------------------- */

/* The gofer's object and flags for an xattr call: it takes the fd itself
 * (p->empty) from an absent path, not "", and refuses AT_EMPTY_PATH
 * (gofer/ops_xattr.c). */
static const struct gofer_at *xattr_at(struct fs_path *p)
{
	if (p->empty)
		p->at.path = NULL;
	return &p->at;
}

static int xattr_flags(int flags)
{
	return flags & AT_SYMLINK_NOFOLLOW;
}

/*
 * The *xattrat calls take no O_PATH fd (EBADF, as fgetxattr), while
 * Linux's path calls through a magic link reach its object whatever fd
 * led there: an O_PATH object a link led to (cwd, root, exe, an O_PATH
 * fd/N) is named to the gofer by a path instead, "." of a directory,
 * else the link's own text when it is a path in the sandbox (what the
 * task could name itself). A workload fd given as such (fgetxattr of an
 * O_PATH fd) has no link (vpath "") and stays EBADF.
 */
static void xattr_link_path(struct sc_call *c, struct fs_path *p)
{
	struct stat st;
	int fl, n;

	if (!p->empty || p->vpath[0] == '\0' ||
	    (fl = fcntl(p->at.dirfd, F_GETFL)) < 0 || !(fl & O_PATH) ||
	    fstat(p->at.dirfd, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		strcpy(p->path, ".");
	} else {
		n = vtree_readlink(c, p->vpath, p->path, sizeof(p->path) - 1);
		if (n <= 0 || p->path[0] != '/') {
			p->path[0] = '\0';
			return;
		}
		p->path[n] = '\0';
		p->at.dirfd = c->t->fs->root_fd;
	}
	p->at.path = p->path;
	p->empty = false;
}

static int xattr_lookup(struct sc_call *c, int dirfd, uint64_t upath,
			int flags, struct fs_path *p)
{
	int ret = attr_lookup(c, dirfd, upath, flags, p);

	if (ret == 0)
		xattr_link_path(c, p);
	return ret;
}

/* The attribute name: ERANGE if empty or longer than XATTR_NAME_MAX. */
static int read_xattr_name(struct sc_call *c, uint64_t uname, char *name)
{
	long n = task_read_path(c, uname, name, XATTR_NAME_MAX + 1);

	if (n == -ENOENT || n == -ENAMETOOLONG)
		return -ERANGE;
	return n < 0 ? (int)n : 0;
}

/*
 * Whether the sandbox may set or remove this attribute. security.* holds
 * what the host's kernel enforces beyond the sandbox: file capabilities
 * (security.capability, honoured when a host user runs the file of a
 * rootfs that is a host directory), LSM labels, IMA/EVM; trusted.* is
 * the host administrator's (overlayfs keeps its metadata there). Refused
 * with the EPERM Linux gives a task without CAP_SETFCAP or CAP_SYS_ADMIN.
 */
static int attr_name_writable(const char *name)
{
	if (strncmp(name, "security.", 9) == 0 ||
	    strncmp(name, "trusted.", 8) == 0)
		return -EPERM;
	return 0;
}

/*
 * An fd object the gofer did not hand out (a pipe, a socket, a memfd, a
 * host file: it answers EXDEV): the sentry's fsetxattr or fremovexattr
 * (value NULL and remove) on its copy, as the task's fs ids, when the
 * task holds it (call_as_task; the name was checked writable). Else what
 * Linux answers there without a gofer: user.* is EPERM on anything but
 * regular files and directories (xattr_permission); elsewhere
 * EOPNOTSUPP, as a filesystem without those xattrs.
 */
static long xattr_foreign(struct sc_call *c, const struct fs_path *p,
			  long ret, const char *name, const void *value,
			  size_t size, int xflags, bool remove)
{
	uint64_t fd = (uint64_t)p->at.dirfd, n = (uint64_t)(uintptr_t)name;
	struct stat st;

	if (ret != -EXDEV || !p->empty || fstat(p->at.dirfd, &st) < 0)
		return ret;
	if (p->held && remove)
		return call_as_task(c, SYS_fremovexattr, fd, n, 0, 0, 0);
	if (p->held)
		return call_as_task(c, SYS_fsetxattr, fd, n,
				    (uint64_t)(uintptr_t)value, size,
				    (uint64_t)xflags);
	if (strncmp(name, "user.", 5) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode))
		return -EPERM;
	return -EOPNOTSUPP;
}

/* The file a setxattr or removexattr of name changes, and the task's
 * credentials for the gofer: no xattrs of the sentry's own trees. */
static int xattr_write_lookup(struct sc_call *c, int dirfd, uint64_t upath,
			      int flags, const char *name, struct fs_path *p,
			      struct gofer_creds *cr)
{
	int ret = xattr_lookup(c, dirfd, upath, flags, p);

	if (ret < 0)
		return ret;
	if (p->virt)
		return -EOPNOTSUPP;
	ret = attr_name_writable(name);
	if (ret < 0)
		return ret;
	task_gofer_creds(c->t, cr);
	return 0;
}

static long do_setxattr(struct sc_call *c, int dirfd, uint64_t upath,
			int flags, uint64_t uname, uint64_t uvalue,
			size_t size, int xflags)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	cleanup_free void *value = NULL;
	char name[XATTR_NAME_MAX + 1];
	struct gofer_creds cr;
	int ret;

	if (flags & ~(AT_FLAGS | ATTR_FD_ONLY))
		return -EINVAL;
	if (xflags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	ret = read_xattr_name(c, uname, name);
	if (ret < 0)
		return ret;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	if (size > 0) {
		value = malloc(size);
		if (value == NULL)
			return -ENOMEM;
		ret = task_read(c, uvalue, value, size);
		if (ret < 0)
			return ret;
	}
	ret = xattr_write_lookup(c, dirfd, upath, flags, name, &p, &cr);
	if (ret < 0)
		return ret;
	ret = gofer_setxattr(task_gofer(c->t), &cr, xattr_at(&p),
			     xattr_flags(flags), name, value, size, xflags);
	return attrs_changed(xattr_foreign(c, &p, ret, name, value, size,
					   xflags, false));
}

static long do_getxattr(struct sc_call *c, int dirfd, uint64_t upath,
			int flags, uint64_t uname, uint64_t uvalue,
			size_t size)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	cleanup_free void *value = NULL;
	char name[XATTR_NAME_MAX + 1];
	struct gofer_creds cr;
	int ret;

	if (flags & ~AT_FLAGS)
		return -EINVAL;
	ret = read_xattr_name(c, uname, name);
	if (ret < 0)
		return ret;
	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	if (size > 0 && (value = malloc(size)) == NULL)
		return -ENOMEM;
	ret = xattr_lookup(c, dirfd, upath, flags, &p);
	if (ret < 0)
		return ret;
	if (p.virt)
		return -ENODATA;
	task_gofer_creds(c->t, &cr);
	ret = gofer_getxattr(task_gofer(c->t), &cr, xattr_at(&p),
			     xattr_flags(flags), name, value, size);
	if (ret == -EXDEV)
		return fs_path_held_call(c, &p, ret, SYS_fgetxattr, uname,
					 uvalue, size);
	if (ret <= 0 || size == 0)
		return ret;
	return task_write(c, uvalue, value, (size_t)ret) < 0 ? -EFAULT : ret;
}

static long do_listxattr(struct sc_call *c, int dirfd, uint64_t upath,
			 int flags, uint64_t ulist, size_t size)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	cleanup_free char *list = NULL;
	struct gofer_creds cr;
	int ret;

	if (flags & ~AT_FLAGS)
		return -EINVAL;
	if (size > XATTR_LIST_MAX)
		size = XATTR_LIST_MAX;
	if (size > 0 && (list = malloc(size)) == NULL)
		return -ENOMEM;
	ret = xattr_lookup(c, dirfd, upath, flags, &p);
	if (ret < 0)
		return ret;
	if (p.virt)
		return 0;
	task_gofer_creds(c->t, &cr);
	ret = gofer_listxattr(task_gofer(c->t), &cr, xattr_at(&p),
			      xattr_flags(flags), list, size);
	if (ret == -EXDEV)
		return fs_path_held_call(c, &p, ret, SYS_flistxattr, ulist,
					 size, 0);
	if (ret <= 0 || size == 0)
		return ret;
	return task_write(c, ulist, list, (size_t)ret) < 0 ? -EFAULT : ret;
}

static long do_removexattr(struct sc_call *c, int dirfd, uint64_t upath,
			   int flags, uint64_t uname)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	char name[XATTR_NAME_MAX + 1];
	struct gofer_creds cr;
	int ret;

	if (flags & ~(AT_FLAGS | ATTR_FD_ONLY))
		return -EINVAL;
	ret = read_xattr_name(c, uname, name);
	if (ret < 0)
		return ret;
	ret = xattr_write_lookup(c, dirfd, upath, flags, name, &p, &cr);
	if (ret < 0)
		return ret;
	ret = gofer_removexattr(task_gofer(c->t), &cr, xattr_at(&p),
				xattr_flags(flags), name);
	return attrs_changed(xattr_foreign(c, &p, ret, name, NULL, 0, 0,
					   true));
}

SENTRY_HANDLER(setxattr)
{
	return do_setxattr(c, AT_FDCWD, c->args[0], 0, c->args[1], c->args[2],
			   (size_t)c->args[3], (int)c->args[4]);
}

SENTRY_HANDLER(lsetxattr)
{
	return do_setxattr(c, AT_FDCWD, c->args[0], AT_SYMLINK_NOFOLLOW,
			   c->args[1], c->args[2], (size_t)c->args[3],
			   (int)c->args[4]);
}

/* The fd's own file (not a path): EBADF for an O_PATH fd, as Linux. */
SENTRY_HANDLER(fsetxattr)
{
	return do_setxattr(c, (int)c->args[0], 0, ATTR_FD_ONLY, c->args[1],
			   c->args[2], (size_t)c->args[3], (int)c->args[4]);
}

SENTRY_HANDLER(getxattr)
{
	return do_getxattr(c, AT_FDCWD, c->args[0], 0, c->args[1], c->args[2],
			   (size_t)c->args[3]);
}

SENTRY_HANDLER(lgetxattr)
{
	return do_getxattr(c, AT_FDCWD, c->args[0], AT_SYMLINK_NOFOLLOW,
			   c->args[1], c->args[2], (size_t)c->args[3]);
}

SENTRY_HANDLER(listxattr)
{
	return do_listxattr(c, AT_FDCWD, c->args[0], 0, c->args[1],
			    (size_t)c->args[2]);
}

SENTRY_HANDLER(llistxattr)
{
	return do_listxattr(c, AT_FDCWD, c->args[0], AT_SYMLINK_NOFOLLOW,
			    c->args[1], (size_t)c->args[2]);
}

SENTRY_HANDLER(removexattr)
{
	return do_removexattr(c, AT_FDCWD, c->args[0], 0, c->args[1]);
}

SENTRY_HANDLER(lremovexattr)
{
	return do_removexattr(c, AT_FDCWD, c->args[0], AT_SYMLINK_NOFOLLOW,
			      c->args[1]);
}

SENTRY_HANDLER(fremovexattr)
{
	return do_removexattr(c, (int)c->args[0], 0, ATTR_FD_ONLY, c->args[1]);
}

/* struct xattr_args of the *xattrat calls (Linux 6.13). */
struct xattr_args_v0 {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

static int read_xattr_args(struct sc_call *c, uint64_t uargs, size_t usize,
			   struct xattr_args_v0 *a)
{
	return fs_read_ext_struct(c, uargs, usize, a, sizeof(*a));
}

SENTRY_HANDLER(setxattrat)
{
	struct xattr_args_v0 a;
	int ret = read_xattr_args(c, c->args[4], (size_t)c->args[5], &a);

	if (ret < 0)
		return ret;
	if ((int)c->args[2] & ATTR_FD_ONLY)
		return -EINVAL;
	return do_setxattr(c, (int)c->args[0], c->args[1], (int)c->args[2],
			   c->args[3], a.value, a.size, (int)a.flags);
}

SENTRY_HANDLER(getxattrat)
{
	struct xattr_args_v0 a;
	int ret = read_xattr_args(c, c->args[4], (size_t)c->args[5], &a);

	if (ret < 0)
		return ret;
	if (a.flags != 0)
		return -EINVAL;
	return do_getxattr(c, (int)c->args[0], c->args[1], (int)c->args[2],
			   c->args[3], a.value, a.size);
}

SENTRY_HANDLER(listxattrat)
{
	return do_listxattr(c, (int)c->args[0], c->args[1], (int)c->args[2],
			    c->args[3], (size_t)c->args[4]);
}

SENTRY_HANDLER(removexattrat)
{
	if ((int)c->args[2] & ATTR_FD_ONLY)
		return -EINVAL;
	return do_removexattr(c, (int)c->args[0], c->args[1], (int)c->args[2],
			      c->args[3]);
}
