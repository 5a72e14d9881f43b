// SPDX-License-Identifier: Apache-2.0
/*
 * Device nodes: the gofer opens one only if the container's device rules
 * (gofer_config.dev_rules, the list its cgroup gets) allow the access, so
 * that a node in the image, in a bind mount or made by anyone never reaches
 * a host device the rules do not grant, whether or not the cgroup has a
 * device controller. Checked before the open (the driver's open must not
 * run: opening a watchdog arms it) and again on the fd that is donated.
 * The errno is the kernel's: EACCES where may_open() refuses first (a
 * nodev mount, no permission), else EPERM, the device cgroup's answer.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/server.h"
#include "lib/cleanup.h"

static int check(const struct gofer_srv *s, const struct stat *st,
		 unsigned acc)
{
	return dev_rules_check(s->dev_rules, s->n_dev_rules, st, acc);
}

/* The answer to an open of device node fd (O_PATH) the rules refuse. */
static long refused(int fd, unsigned acc)
{
	int mode = ((acc & DEV_ACC_READ) ? R_OK : 0) |
		   ((acc & DEV_ACC_WRITE) ? W_OK : 0);
	struct statfs sfs;

	if (mode == 0)
		return -EPERM;
	if (fstatfs(fd, &sfs) == 0 && (sfs.f_flags & ST_NODEV))
		return -EACCES;
	if (syscall(SYS_faccessat2, fd, "", mode,
		    AT_EACCESS | AT_EMPTY_PATH) < 0)
		return -errno;
	return -EPERM;
}

/* path as the open resolves it, O_PATH. */
static int open_path(int base, const char *path, int flags, uint64_t resolve)
{
	int pflags = O_PATH | O_CLOEXEC | (flags & O_NOFOLLOW);
	struct open_how how = { .flags = (uint64_t)pflags,
				.resolve = resolve };

	if (resolve == 0)
		return openat(base, path, pflags);
	return (int)syscall(SYS_openat2, base, path, &how, sizeof(how));
}

long gofer_dev_precheck(const struct gofer_srv *s, int base, const char *path,
			int flags, uint64_t resolve)
{
	unsigned acc = dev_open_access(flags);
	cleanup_close int fd = -1;
	struct stat st;

	/* O_PATH does not open the driver (checked on the fd); a directory
	 * or a new file is no device. */
	if ((flags & (O_PATH | O_DIRECTORY)) ||
	    (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return 0;
	if (resolve == 0) {
		/* the plain walk: a stat is cheaper than an O_PATH open */
		if (fstatat(base, path, &st,
			    (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0) <
			    0 ||
		    check(s, &st, acc) == 0)
			return 0;
	}
	fd = open_path(base, path, flags, resolve);
	if (fd < 0 || fstat(fd, &st) < 0 || check(s, &st, acc) == 0)
		return 0;	/* the open itself gives its errno */
	return refused(fd, acc);
}

long gofer_dev_check_fd(const struct gofer_srv *s, int fd)
{
	int fl = fcntl(fd, F_GETFL);
	struct stat st;

	if (fl < 0 || fstat(fd, &st) < 0)
		return -EBADF;
	return check(s, &st, dev_open_access(fl));
}
