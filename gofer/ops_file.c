// SPDX-License-Identifier: Apache-2.0
/*
 * File operations: open, the stat family, access, readlink and the
 * attribute setters. Each runs the real syscall as the calling task
 * (creds.c) relative to the donated base directory; the gofer's "/" is the
 * sandbox root, so ".." and absolute symlinks cannot leave it. A request
 * without a path means "the donated fd itself" (fstat, fchmod, futimens...).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/server.h"
#include "lib/cleanup.h"
#include "lib/fdpass.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static long neg_errno(long ret)
{
	return ret < 0 ? -errno : ret;
}

/* The donated fd a path-less request works on. */
static int self_fd(const struct gofer_req *r)
{
	return r->dirfd >= 0 ? r->dirfd : -EBADF;
}

/*
 * The gofer must never block in open(2): a FIFO without a peer would stall
 * every task's file access (and the sentry waiting on this reply could
 * never send the peer's open). So every open is non-blocking; afterwards
 * O_NONBLOCK is cleared again unless the task asked for it or the file is
 * a FIFO. A FIFO fd keeps O_NONBLOCK and a writer without a reader gets
 * ENXIO: the sentry emulates the blocking wait (docs/gofer-protocol.md).
 */
static int unblock(int fd, int asked)
{
	struct stat st;

	if ((asked & O_NONBLOCK) || (asked & O_PATH))
		return 0;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISFIFO(st.st_mode))
		return 0;
	/* The status flags open() set, as asked, less O_NONBLOCK (O_ASYNC
	 * is never set by open(); F_SETFL would turn it on). */
	if (fcntl(fd, F_SETFL, asked & (O_APPEND | O_DIRECT | O_NOATIME)) < 0)
		return -errno;
	return 0;
}

/*
 * GOFER_OPEN_BATCH: the same open n times, for the sentry's pool of
 * pre-opened fds (sentry/fs_openpool.c): one round trip for n fds. A
 * reply carries one fd, so they go through a socket of their own: its
 * peer end holds one message with the n fds, already queued when the
 * reply is sent (the sentry reads it without waking the gofer).
 */
static long open_batch(struct gofer_srv *s, const struct gofer_req *r,
		       int flags, unsigned n, struct gofer_rep *rep)
{
	int fds[GOFER_OPEN_BATCH_MAX], sv[2], ret = 0;
	unsigned got = 0;

	for (; got < n; got++) {
		fds[got] = openat(gofer_base(s, r), r->path, flags);
		if (fds[got] < 0) {
			ret = -errno;
			break;
		}
		ret = unblock(fds[got], r->h.flags);
		if (ret < 0) {
			close(fds[got]);
			break;
		}
	}
	if (got == 0)
		return ret;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		ret = -errno;
	} else {
		ret = cv_send_fds(sv[0], "n", 1, fds, (int)got) < 0 ? -EIO : 0;
		close(sv[0]);
		if (ret < 0)
			close(sv[1]);
		else
			rep->fd = sv[1];
	}
	for (unsigned i = 0; i < got; i++)
		close(fds[i]);
	return ret;
}

long gofer_op_openat(struct gofer_srv *s, const struct gofer_req *r,
		     struct gofer_rep *rep)
{
	int flags = r->h.flags | O_CLOEXEC;
	int fd, ret;

	/* openat2 refuses anything but O_PATH's own flags with O_PATH */
	if (!(flags & O_PATH))
		flags |= O_NOCTTY | O_NONBLOCK;

	if (!r->path)
		return -EFAULT;
	if ((r->h.mode & GOFER_OPEN_BATCH) &&
	    (r->h.arg[0] || (flags & (O_CREAT | __O_TMPFILE | O_PATH)) ||
	     (r->h.mode & ~GOFER_OPEN_BATCH) == 0 ||
	     (r->h.mode & ~GOFER_OPEN_BATCH) > GOFER_OPEN_BATCH_MAX))
		return -EINVAL;
	ret = gofer_dev_precheck(s, gofer_base(s, r), r->path, flags,
				 r->h.arg[0] ? r->h.arg[0] | RESOLVE_NO_MAGICLINKS
					     : 0);
	if (ret < 0)
		return ret;
	if (r->h.arg[0]) {
		struct open_how how = {
			.flags = (uint64_t)(uint32_t)flags,
			.resolve = r->h.arg[0] | RESOLVE_NO_MAGICLINKS,
		};

		if (flags & (O_CREAT | __O_TMPFILE))
			how.mode = r->h.mode;
		fd = (int)syscall(SYS_openat2, gofer_base(s, r), r->path, &how,
				  sizeof(how));
	} else if (r->h.mode & GOFER_OPEN_BATCH) {
		return open_batch(s, r, flags,
				  r->h.mode & ~GOFER_OPEN_BATCH, rep);
	} else {
		fd = openat(gofer_base(s, r), r->path, flags, r->h.mode);
	}
	if (fd < 0)
		return -errno;
	ret = unblock(fd, r->h.flags);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	rep->fd = fd;
	return 0;
}

long gofer_op_fstatat(struct gofer_srv *s, const struct gofer_req *r,
		      struct gofer_rep *rep)
{
	struct stat st;
	int flags = r->h.flags;

	if (!r->path)
		flags |= AT_EMPTY_PATH;
	if (!r->path && r->dirfd < 0)
		return -EBADF;
	if (fstatat(gofer_base(s, r), gofer_path_or_empty(r->path), &st,
		    flags) < 0)
		return -errno;
	memcpy(rep->buf, &st, sizeof(st));
	rep->len = sizeof(st);
	return 0;
}

long gofer_op_statx(struct gofer_srv *s, const struct gofer_req *r,
		    struct gofer_rep *rep)
{
	struct statx stx;
	int flags = r->h.flags;

	if (!r->path)
		flags |= AT_EMPTY_PATH;
	if (!r->path && r->dirfd < 0)
		return -EBADF;
	if (statx(gofer_base(s, r), gofer_path_or_empty(r->path), flags,
		  (unsigned)r->h.arg[0], &stx) < 0)
		return -errno;
	memcpy(rep->buf, &stx, sizeof(stx));
	rep->len = sizeof(stx);
	return 0;
}

long gofer_op_statfs(struct gofer_srv *s, const struct gofer_req *r,
		     struct gofer_rep *rep)
{
	cleanup_close int fd = -1;
	struct statfs st;
	int target;

	if (r->path) {
		fd = openat(gofer_base(s, r), r->path, O_PATH | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		target = fd;
	} else {
		target = self_fd(r);
		if (target < 0)
			return target;
	}
	if (fstatfs(target, &st) < 0)
		return -errno;
	memcpy(rep->buf, &st, sizeof(st));
	rep->len = sizeof(st);
	return 0;
}

/* Always AT_EACCESS: the kernel's access() without it uses the gofer's
 * real ids, not the task's. The sentry passes the task's real ids (and the
 * capabilities access() would use) in the creds for plain access(). */
long gofer_op_faccessat(struct gofer_srv *s, const struct gofer_req *r,
			struct gofer_rep *rep)
{
	int flags = r->h.flags | AT_EACCESS;

	(void)rep;
	if (!r->path) {
		if (r->dirfd < 0)
			return -EBADF;
		flags |= AT_EMPTY_PATH;
	}
	return neg_errno(syscall(SYS_faccessat2, gofer_base(s, r),
				 gofer_path_or_empty(r->path),
				 (int)r->h.mode, flags));
}

long gofer_op_readlinkat(struct gofer_srv *s, const struct gofer_req *r,
			 struct gofer_rep *rep)
{
	size_t size = r->h.arg[0];
	ssize_t n;

	if ((int64_t)r->h.arg[0] <= 0)
		return -EINVAL;
	if (size > GOFER_PATH_MAX)
		size = GOFER_PATH_MAX;
	if (!r->path && r->dirfd < 0)
		return -EBADF;
	n = readlinkat(gofer_base(s, r), gofer_path_or_empty(r->path),
		       rep->buf, size);
	if (n < 0)
		return -errno;
	rep->len = (size_t)n;
	return n;
}

long gofer_op_fchmodat(struct gofer_srv *s, const struct gofer_req *r,
		       struct gofer_rep *rep)
{
	(void)rep;
	if (!r->path) {
		int fd = self_fd(r);

		return fd < 0 ? fd : neg_errno(fchmod(fd, r->h.mode));
	}
	if (r->h.flags == 0)
		return neg_errno(syscall(SYS_fchmodat, gofer_base(s, r),
					 r->path, r->h.mode));
	return neg_errno(syscall(SYS_fchmodat2, gofer_base(s, r), r->path,
				 r->h.mode, r->h.flags));
}

long gofer_op_fchownat(struct gofer_srv *s, const struct gofer_req *r,
		       struct gofer_rep *rep)
{
	uid_t uid = (uid_t)(uint32_t)r->h.arg[0];
	gid_t gid = (gid_t)(uint32_t)r->h.arg[1];

	(void)rep;
	if (!r->path) {
		int fd = self_fd(r);

		return fd < 0 ? fd : neg_errno(fchown(fd, uid, gid));
	}
	return neg_errno(fchownat(gofer_base(s, r), r->path, uid, gid,
				  r->h.flags));
}

long gofer_op_utimensat(struct gofer_srv *s, const struct gofer_req *r,
			struct gofer_rep *rep)
{
	struct timespec ts[2] = {
		{ (time_t)r->h.arg[0], (long)r->h.arg[1] },
		{ (time_t)r->h.arg[2], (long)r->h.arg[3] },
	};
	struct timespec *times = ts;
	int flags = r->h.flags;

	(void)rep;
	if (flags & GOFER_UTIME_NULL) {
		times = NULL;
		flags &= ~GOFER_UTIME_NULL;
	}
	if (!r->path) {
		int fd = self_fd(r);

		if (fd < 0)
			return fd;
		return neg_errno(syscall(SYS_utimensat, fd, NULL, times,
					 flags));
	}
	return neg_errno(syscall(SYS_utimensat, gofer_base(s, r), r->path,
				 times, flags));
}

/* truncate(2) has no *at form: run it from the base directory (the
 * gofer's cwd is restored by gofer_leave()). */
long gofer_op_truncate(struct gofer_srv *s, const struct gofer_req *r,
		       struct gofer_rep *rep)
{
	off_t len = (off_t)r->h.arg[0];

	(void)rep;
	if (!r->path) {
		int fd = self_fd(r);

		return fd < 0 ? fd : neg_errno(ftruncate(fd, len));
	}
	s->cwd_moved = true;
	if (fchdir(gofer_base(s, r)) < 0)
		return -errno;
	return neg_errno(truncate(r->path, len));
}
