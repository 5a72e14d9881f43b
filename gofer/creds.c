// SPDX-License-Identifier: Apache-2.0
/*
 * Per-request identity: the gofer thread takes the calling task's fsuid,
 * fsgid, supplementary groups, filesystem capabilities and umask (and its
 * root, for a chrooted task), so the kernel's own permission checks give
 * Linux's exact answer. Raw syscalls only: glibc's setgroups()/setfsuid()
 * wrappers would broadcast to every thread.
 *
 * Order matters. Entering: chroot first (needs CAP_SYS_CHROOT), then ids
 * (need CAP_SETUID/CAP_SETGID), then the effective set (setfsuid from 0
 * to non-0 clears the fs capabilities, so capset comes last). Leaving:
 * the whole permitted set back, ids back to 0, root back. If the gofer
 * cannot get back to its own identity and root it aborts: it must never
 * serve the next request as somebody else or in somebody else's root.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/server.h"
#include "lib/log.h"

/* The capabilities a task may bring to a file operation. */
#define GOFER_FS_CAPS                                                        \
	((1ull << CAP_CHOWN) | (1ull << CAP_DAC_OVERRIDE) |                  \
	 (1ull << CAP_DAC_READ_SEARCH) | (1ull << CAP_FOWNER) |              \
	 (1ull << CAP_FSETID))

static uint64_t gofer_permitted;
static uint32_t own_fsuid, own_fsgid;

static int caps_get(uint64_t *eff, uint64_t *perm)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	*eff = d[0].effective | ((uint64_t)d[1].effective << 32);
	*perm = d[0].permitted | ((uint64_t)d[1].permitted << 32);
	return 0;
}

static int caps_set_effective(uint64_t eff)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)gofer_permitted, 0 },
		{ (uint32_t)(eff >> 32), (uint32_t)(gofer_permitted >> 32), 0 },
	};

	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* Called after confine.c narrowed the permitted set. */
int gofer_creds_init(void)
{
	uint64_t eff;

	own_fsuid = (uint32_t)syscall(SYS_setfsuid, -1);
	own_fsgid = (uint32_t)syscall(SYS_setfsgid, -1);
	return caps_get(&eff, &gofer_permitted);
}

static int enter_root(struct gofer_srv *s, int rootfd)
{
	if (fchdir(rootfd) < 0)
		return -errno;
	s->chrooted = true;
	if (chroot(".") < 0)
		return -errno;
	return 0;
}

static int set_ids(const struct gofer_wire_creds *c)
{
	gid_t groups[GOFER_MAX_GROUPS];

	for (uint32_t i = 0; i < c->ngroups; i++)
		groups[i] = c->groups[i];
	if (syscall(SYS_setgroups, (size_t)c->ngroups, groups) < 0)
		return -errno;
	syscall(SYS_setfsgid, c->fsgid);
	if ((uint32_t)syscall(SYS_setfsgid, -1) != c->fsgid)
		return -EPERM;
	syscall(SYS_setfsuid, c->fsuid);
	if ((uint32_t)syscall(SYS_setfsuid, -1) != c->fsuid)
		return -EPERM;
	return 0;
}

int gofer_enter(struct gofer_srv *s, const struct gofer_req *r)
{
	const struct gofer_wire_creds *c = &r->h.creds;
	int ret;

	if (r->rootfd >= 0) {
		ret = enter_root(s, r->rootfd);
		if (ret < 0)
			return ret;
	}
	umask(c->umask & 0777);
	ret = set_ids(c);
	if (ret < 0)
		return ret;
	return caps_set_effective(c->cap_effective & GOFER_FS_CAPS &
				  gofer_permitted);
}

/* Mid-request: back to the gofer's own identity and root (for the
 * privileged tail of exec resolution). gofer_leave() still follows. */
int gofer_privileged(struct gofer_srv *s)
{
	if (caps_set_effective(gofer_permitted) < 0)
		return -EPERM;
	syscall(SYS_setfsuid, own_fsuid);
	syscall(SYS_setfsgid, own_fsgid);
	if (s->chrooted) {
		if (fchdir(s->root_fd) < 0 || chroot(".") < 0)
			return -errno;
		s->chrooted = false;
	}
	return 0;
}

void gofer_leave(struct gofer_srv *s)
{
	gid_t none[1];

	if (caps_set_effective(gofer_permitted) < 0)
		goto fatal;
	syscall(SYS_setfsuid, own_fsuid);
	syscall(SYS_setfsgid, own_fsgid);
	if ((uint32_t)syscall(SYS_setfsuid, -1) != own_fsuid ||
	    (uint32_t)syscall(SYS_setfsgid, -1) != own_fsgid)
		goto fatal;
	if (syscall(SYS_setgroups, (size_t)0, none) < 0)
		goto fatal;
	if (s->chrooted) {
		if (fchdir(s->root_fd) < 0 || chroot(".") < 0)
			goto fatal;
		s->chrooted = false;
	}
	if (fchdir(s->root_fd) < 0)
		goto fatal;
	umask(0);
	return;
fatal:
	log_error("cannot restore its own identity; aborting");
	abort();
}
