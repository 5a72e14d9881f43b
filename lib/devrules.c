// SPDX-License-Identifier: Apache-2.0
/*
 * Device access rules: the check the gofer and the sentry make before they
 * open a device node. See devrules.h.
 */
#include "lib/devrules.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/sysmacros.h>

#define RWM DEV_ACC_ALL

const struct dev_rule dev_rules_default[] = {
	{ .allow = true, .type = 'c', .major = -1, .minor = -1,
	  .access = DEV_ACC_MKNOD },
	{ .allow = true, .type = 'b', .major = -1, .minor = -1,
	  .access = DEV_ACC_MKNOD },
	{ .allow = true, .type = 'c', .major = 1, .minor = 3, .access = RWM },
	{ .allow = true, .type = 'c', .major = 1, .minor = 5, .access = RWM },
	{ .allow = true, .type = 'c', .major = 1, .minor = 7, .access = RWM },
	{ .allow = true, .type = 'c', .major = 1, .minor = 8, .access = RWM },
	{ .allow = true, .type = 'c', .major = 1, .minor = 9, .access = RWM },
	{ .allow = true, .type = 'c', .major = 5, .minor = 0, .access = RWM },
	{ .allow = true, .type = 'c', .major = 5, .minor = 2, .access = RWM },
	{ .allow = true, .type = 'c', .major = 136, .minor = -1,
	  .access = RWM },
};

const size_t dev_rules_n_default =
	sizeof(dev_rules_default) / sizeof(dev_rules_default[0]);

static bool matches(const struct dev_rule *x, char type, unsigned major,
		    unsigned minor, unsigned acc)
{
	if (x->type != 'a' &&
	    (x->type != type || (x->major >= 0 && x->major != major) ||
	     (x->minor >= 0 && x->minor != minor)))
		return false;
	/* allow: covers all of it; deny: refuses any of it */
	return x->allow ? (acc & ~x->access) == 0 : (acc & x->access) != 0;
}

bool dev_rules_allow(const struct dev_rule *r, size_t n, mode_t ifmt,
		     unsigned major, unsigned minor, unsigned acc)
{
	char type = S_ISBLK(ifmt) ? 'b' : 'c';

	if (r == NULL) {
		r = dev_rules_default;
		n = dev_rules_n_default;
	}
	for (size_t i = n; i > 0; i--)
		if (matches(&r[i - 1], type, major, minor, acc))
			return r[i - 1].allow;
	return false;
}

unsigned dev_open_access(int flags)
{
	unsigned acc;

	if (flags & O_PATH)
		return 0;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		acc = DEV_ACC_READ;
		break;
	case O_WRONLY:
		acc = DEV_ACC_WRITE;
		break;
	default:
		acc = DEV_ACC_READ | DEV_ACC_WRITE;
		break;
	}
	return (flags & O_TRUNC) ? acc | DEV_ACC_WRITE : acc;
}

int dev_rules_check(const struct dev_rule *r, size_t n, const struct stat *st,
		    unsigned acc)
{
	unsigned maj = major(st->st_rdev), min = minor(st->st_rdev);
	mode_t t = st->st_mode & S_IFMT;

	if (!S_ISCHR(st->st_mode) && !S_ISBLK(st->st_mode))
		return 0;
	if (acc == 0)
		return dev_rules_allow(r, n, t, maj, min, DEV_ACC_READ) ||
			       dev_rules_allow(r, n, t, maj, min,
					       DEV_ACC_WRITE)
			       ? 0
			       : -EPERM;
	return dev_rules_allow(r, n, t, maj, min, acc) ? 0 : -EPERM;
}
