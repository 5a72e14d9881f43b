// SPDX-License-Identifier: Apache-2.0
/*
 * Directory-entry operations: mkdir, mknod, unlink/rmdir, rename, link,
 * symlink. The kernel's *at calls do the walk as the task, from the
 * donated base; the last component is never followed, as in Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/server.h"

static long neg_errno(long ret)
{
	return ret < 0 ? -errno : ret;
}

long gofer_op_mkdirat(struct gofer_srv *s, const struct gofer_req *r,
		      struct gofer_rep *rep)
{
	(void)rep;
	if (!r->path)
		return -EFAULT;
	return neg_errno(mkdirat(gofer_base(s, r), r->path, r->h.mode));
}

/* Regular files, FIFOs, sockets and whiteouts (a character device 0:0,
 * which Linux lets anyone make, as overlayfs's "deleted" mark) only: the
 * sandbox gets no devices (the gofer has no CAP_MKNOD either). */
long gofer_op_mknodat(struct gofer_srv *s, const struct gofer_req *r,
		      struct gofer_rep *rep)
{
	mode_t mode = r->h.mode;

	(void)rep;
	if (!r->path)
		return -EFAULT;
	switch (mode & S_IFMT) {
	case 0:
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	case S_IFCHR:
		if (r->h.arg[0] != 0)
			return -EPERM;
		break;
	case S_IFBLK:
		return -EPERM;
	default:
		return -EINVAL;
	}
	return neg_errno(mknodat(gofer_base(s, r), r->path, mode, 0));
}

long gofer_op_unlinkat(struct gofer_srv *s, const struct gofer_req *r,
		       struct gofer_rep *rep)
{
	(void)rep;
	if (!r->path)
		return -EFAULT;
	return neg_errno(unlinkat(gofer_base(s, r), r->path, r->h.flags));
}

long gofer_op_renameat2(struct gofer_srv *s, const struct gofer_req *r,
			struct gofer_rep *rep)
{
	(void)rep;
	if (!r->path || !r->path2)
		return -EFAULT;
	return neg_errno(syscall(SYS_renameat2, gofer_base(s, r), r->path,
				 gofer_base2(s, r), r->path2,
				 (unsigned)r->h.flags));
}

/* AT_EMPTY_PATH links the donated fd itself (linkat(fd, "", ...)). */
long gofer_op_linkat(struct gofer_srv *s, const struct gofer_req *r,
		     struct gofer_rep *rep)
{
	(void)rep;
	if (!r->path2)
		return -EFAULT;
	if (!r->path && !(r->h.flags & AT_EMPTY_PATH))
		return -EFAULT;
	if ((r->h.flags & AT_EMPTY_PATH) && r->dirfd < 0 &&
	    (!r->path || !r->path[0]))
		return -ENOENT;
	return neg_errno(linkat(gofer_base(s, r), gofer_path_or_empty(r->path),
				gofer_base2(s, r), r->path2, r->h.flags));
}

/* path2 is the target (stored as is), path the new link. */
long gofer_op_symlinkat(struct gofer_srv *s, const struct gofer_req *r,
			struct gofer_rep *rep)
{
	(void)rep;
	if (!r->path || !r->path2)
		return -EFAULT;
	return neg_errno(symlinkat(r->path2, gofer_base(s, r), r->path));
}
