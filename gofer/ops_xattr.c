// SPDX-License-Identifier: Apache-2.0
/*
 * Extended attributes through the *xattrat syscalls (Linux 6.13+), which
 * take a dirfd, a path and AT_SYMLINK_NOFOLLOW (the l- variants) or
 * AT_EMPTY_PATH (the f- variants, on the donated fd): no /proc needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/server.h"

#define GOFER_SYS_setxattrat 463
#define GOFER_SYS_getxattrat 464
#define GOFER_SYS_listxattrat 465
#define GOFER_SYS_removexattrat 466

struct gofer_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

static long neg_errno(long ret)
{
	return ret < 0 ? -errno : ret;
}

/* at_flags for the request: only AT_SYMLINK_NOFOLLOW from the caller. */
static int at_flags(const struct gofer_req *r, int *err)
{
	int flags = r->h.flags & AT_SYMLINK_NOFOLLOW;

	*err = 0;
	if (r->h.flags & ~AT_SYMLINK_NOFOLLOW)
		*err = -EINVAL;
	if (!r->path) {
		if (r->dirfd < 0)
			*err = -EBADF;
		flags |= AT_EMPTY_PATH;
	}
	return flags;
}

/* Sizes as the syscalls take them, capped to what a reply can carry. */
static size_t cap_size(uint64_t size)
{
	return size > GOFER_VALUE_MAX ? GOFER_VALUE_MAX : (size_t)size;
}

long gofer_op_getxattr(struct gofer_srv *s, const struct gofer_req *r,
		       struct gofer_rep *rep)
{
	struct gofer_xattr_args a = {
		.value = (uintptr_t)rep->buf,
		.size = (uint32_t)cap_size(r->h.arg[0]),
	};
	int err, flags = at_flags(r, &err);
	long n;

	if (err < 0)
		return err;
	if (!r->name)
		return -EFAULT;
	if (a.size == 0)
		a.value = 0;
	n = syscall(GOFER_SYS_getxattrat, gofer_base(s, r),
		    gofer_path_or_empty(r->path), flags, r->name, &a,
		    sizeof(a));
	if (n < 0)
		return -errno;
	rep->len = a.size ? (size_t)n : 0;
	return n;
}

long gofer_op_setxattr(struct gofer_srv *s, const struct gofer_req *r,
		       struct gofer_rep *rep)
{
	struct gofer_xattr_args a = {
		.value = (uintptr_t)r->value,
		.size = (uint32_t)r->value_len,
		.flags = (uint32_t)r->h.arg[1],
	};
	int err, flags = at_flags(r, &err);

	(void)rep;
	if (err < 0)
		return err;
	if (!r->name)
		return -EFAULT;
	return neg_errno(syscall(GOFER_SYS_setxattrat, gofer_base(s, r),
				 gofer_path_or_empty(r->path), flags, r->name,
				 &a, sizeof(a)));
}

long gofer_op_listxattr(struct gofer_srv *s, const struct gofer_req *r,
			struct gofer_rep *rep)
{
	size_t size = cap_size(r->h.arg[0]);
	int err, flags = at_flags(r, &err);
	long n;

	if (err < 0)
		return err;
	n = syscall(GOFER_SYS_listxattrat, gofer_base(s, r),
		    gofer_path_or_empty(r->path), flags,
		    size ? rep->buf : NULL, size);
	if (n < 0)
		return -errno;
	rep->len = size ? (size_t)n : 0;
	return n;
}

long gofer_op_removexattr(struct gofer_srv *s, const struct gofer_req *r,
			  struct gofer_rep *rep)
{
	int err, flags = at_flags(r, &err);

	(void)rep;
	if (err < 0)
		return err;
	if (!r->name)
		return -EFAULT;
	return neg_errno(syscall(GOFER_SYS_removexattrat, gofer_base(s, r),
				 gofer_path_or_empty(r->path), flags, r->name));
}
