// SPDX-License-Identifier: Apache-2.0
/*
 * Per-request identity: the gofer thread takes the calling task's fsuid,
 * fsgid, supplementary groups, filesystem capabilities and umask (and its
 * root, for a chrooted task), so the kernel's own permission checks give
 * Linux's exact answer. Raw syscalls only: glibc's setgroups()/setfsuid()
 * wrappers would broadcast to every thread.
 *
 * Order matters. Switching to a task: the whole permitted set first
 * (CAP_SETUID/CAP_SETGID for the ids, CAP_SYS_CHROOT for a chroot), then
 * the root, then the ids, then the task's effective set (setfsuid from 0
 * to non-0 clears the fs capabilities, so capset comes last).
 *
 * Switching costs about a dozen credential commits, so the identity is
 * cached: a request with the same creds as the one before runs without
 * any switch, and the thread keeps the last task's identity between
 * requests (it only sleeps in recvmsg then). Work the gofer does for
 * itself (DIR_PATH, the tail of EXEC_RESOLVE) switches to its own
 * identity first. The root and cwd are always put back after a request.
 * If the gofer cannot get back to its own identity or root it aborts: it
 * must never serve a request as somebody else or in somebody else's root.
 *
 * With a user namespace the gofer joins the container's before it
 * confines itself (gofer_creds_join_userns()) and becomes its root: ids
 * on the wire are then the container's, and the kernel interprets them,
 * and the capabilities, in that namespace, exactly as for a process of
 * the container (a capability applies only to an inode whose owner and
 * group are mapped: capable_wrt_inode_uidgid()).
 *
 * connect(2) of an AF_UNIX socket: the kernel gives the listener the
 * connecting thread's euid/egid (SO_PEERCRED), not its fs ids, so the
 * gofer takes the task's ids as its euid/egid for that call
 * (gofer_peer_creds_begin/end; ruid and suid stay the gofer's, so the
 * way back needs no privilege beyond its own).
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
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
/* A rootless user namespace ("deny" in /proc/PID/setgroups): the
 * supplementary groups cannot change; the ones inherited stay. */
static bool groups_fixed;

/* The identity on the thread now: the gofer's own, or a task's. Per
 * thread: each channel's thread (server.c) switches its own. */
static __thread bool cur_own = true;
static __thread struct gofer_wire_creds cur;
static __thread uint32_t cur_umask;

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
	int ret;

	own_fsuid = (uint32_t)syscall(SYS_setfsuid, -1);
	own_fsgid = (uint32_t)syscall(SYS_setfsgid, -1);
	umask(0);
	cur_umask = 0;
	cur_own = true;
	ret = caps_get(&eff, &gofer_permitted);
	if (ret < 0 || !(gofer_permitted & (1ull << CAP_SETGID)))
		return ret;
	/* Our own identity has every permitted capability; with
	 * CAP_SETGID only a denied setgroups refuses. */
	ret = caps_set_effective(gofer_permitted);
	if (ret < 0)
		return ret;
	groups_fixed = syscall(SYS_setgroups, (size_t)0, NULL) < 0 &&
		       errno == EPERM;
	return 0;
}

/* A channel's thread (server.c), after gofer_creds_init() in the main
 * one: its own fs struct (umask) and its effective set, as the main
 * thread's. */
int gofer_creds_thread_init(void)
{
	umask(0);
	cur_umask = 0;
	cur_own = true;
	return caps_set_effective(gofer_permitted);
}

/*
 * Start-up, before confinement: into the container's user namespace (an
 * fd of it), as its root. The process must be single-threaded and share
 * no fs struct (setns(2)); its mount namespace stays the sandbox root's.
 * The namespace must map uid and gid 0: the gofer's own identity (for
 * DIR_PATH and the tail of EXEC_RESOLVE) is the container's root, never
 * an unmapped host id.
 */
int gofer_creds_join_userns(int nsfd)
{
	if (setns(nsfd, CLONE_NEWUSER) < 0)
		return -errno;
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return errno == EINVAL ? -EOVERFLOW : -errno;
	if (setgroups(0, NULL) < 0)
		return -errno;
	return 0;
}

static __attribute__((noreturn)) void fatal(void)
{
	log_error("cannot restore its own identity or root; aborting");
	abort();
}

/* To the gofer's own identity: all permitted caps, own fs ids, no groups. */
static int become_own(void)
{
	gid_t none[1];

	if (cur_own)
		return 0;
	if (caps_set_effective(gofer_permitted) < 0)
		return -EPERM;
	/* setfs*id() report no error (they return the previous id): the
	 * ids are read back below. */
	(void)syscall(SYS_setfsuid, own_fsuid);
	(void)syscall(SYS_setfsgid, own_fsgid);
	if ((uint32_t)syscall(SYS_setfsuid, -1) != own_fsuid ||
	    (uint32_t)syscall(SYS_setfsgid, -1) != own_fsgid)
		return -EPERM;
	if (!groups_fixed && syscall(SYS_setgroups, (size_t)0, none) < 0)
		return -EPERM;
	cur_own = true;
	return 0;
}

static int set_ids(const struct gofer_wire_creds *c)
{
	gid_t groups[GOFER_MAX_GROUPS];

	for (uint32_t i = 0; i < c->ngroups; i++)
		groups[i] = c->groups[i];
	if (!groups_fixed &&
	    syscall(SYS_setgroups, (size_t)c->ngroups, groups) < 0)
		return -errno;
	(void)syscall(SYS_setfsgid, c->fsgid);	/* read back, as above */
	if ((uint32_t)syscall(SYS_setfsgid, -1) != c->fsgid)
		return -EPERM;
	(void)syscall(SYS_setfsuid, c->fsuid);
	if ((uint32_t)syscall(SYS_setfsuid, -1) != c->fsuid)
		return -EPERM;
	return 0;
}

static bool same_creds(const struct gofer_wire_creds *a,
		       const struct gofer_wire_creds *b)
{
	return a->fsuid == b->fsuid && a->fsgid == b->fsgid &&
	       a->ngroups == b->ngroups &&
	       ((a->cap_effective ^ b->cap_effective) & GOFER_FS_CAPS) == 0 &&
	       memcmp(a->groups, b->groups,
		      a->ngroups * sizeof(a->groups[0])) == 0;
}

static int become_task(const struct gofer_wire_creds *c)
{
	int ret;

	if (!cur_own && same_creds(c, &cur))
		return 0;
	/* From another task: through our own identity (CAP_SETUID). */
	ret = become_own();
	if (ret < 0)
		return ret;
	/* Until the switch completes the thread is neither: a half-done
	 * switch must never match a later request's creds. */
	cur_own = false;
	cur.ngroups = UINT32_MAX;
	ret = set_ids(c);
	if (ret < 0)
		return ret;
	ret = caps_set_effective(c->cap_effective & GOFER_FS_CAPS &
				 gofer_permitted);
	if (ret < 0)
		return ret;
	cur = *c;
	return 0;
}

int gofer_enter(struct gofer_srv *s, const struct gofer_req *r)
{
	const struct gofer_wire_creds *c = &r->h.creds;
	int ret;

	if (r->rootfd >= 0) {
		ret = become_own();	/* CAP_SYS_CHROOT */
		if (ret < 0)
			return ret;
		s->cwd_moved = true;
		if (fchdir(r->rootfd) < 0)
			return -errno;
		s->chrooted = true;
		if (chroot(".") < 0)
			return -errno;
	}
	if ((c->umask & 0777) != cur_umask) {
		cur_umask = c->umask & 0777;
		umask(cur_umask);
	}
	return become_task(c);
}

static int unchroot(struct gofer_srv *s)
{
	if (!s->chrooted)
		return 0;
	if (become_own() < 0 || fchdir(s->root_fd) < 0 || chroot(".") < 0)
		return -EPERM;
	s->chrooted = false;
	return 0;
}

/* Mid-request: back to the gofer's own identity and root (DIR_PATH, the
 * privileged tail of exec resolution). gofer_leave() still follows. */
int gofer_privileged(struct gofer_srv *s)
{
	int ret = become_own();

	if (ret < 0)
		return ret;
	return unchroot(s);
}

/* After every request: own root and cwd "/" again; the identity stays
 * (cached). */
void gofer_leave(struct gofer_srv *s)
{
	if (unchroot(s) < 0)
		fatal();
	if (s->cwd_moved) {
		if (fchdir(s->root_fd) < 0)
			fatal();
		s->cwd_moved = false;
	}
}

/* The identity on the thread is unknown: the next request switches in
 * full (through become_own()). */
static void forget_identity(void)
{
	cur_own = false;
	cur.ngroups = UINT32_MAX;
}

/* After gofer_enter(): the task's fs ids as the thread's euid/egid too,
 * with the task's fs capabilities. gofer_peer_creds_end() must follow,
 * whatever this returned. */
int gofer_peer_creds_begin(const struct gofer_wire_creds *c)
{
	forget_identity();
	/* CAP_SETUID and CAP_SETGID for the switch */
	if (caps_set_effective(gofer_permitted) < 0)
		return -EPERM;
	if (syscall(SYS_setresgid, -1, c->fsgid, -1) < 0 ||
	    syscall(SYS_setresuid, -1, c->fsuid, -1) < 0)
		return -EPERM;
	/* A non-root euid cleared the effective set (and the fs ids now
	 * follow the euid: the task's). */
	return caps_set_effective(c->cap_effective & GOFER_FS_CAPS &
				  gofer_permitted) < 0 ? -EPERM : 0;
}

void gofer_peer_creds_end(void)
{
	/* Back to root's euid, which restores the effective set; then the
	 * gid with it. */
	if (caps_set_effective(gofer_permitted) < 0 ||
	    syscall(SYS_setresuid, -1, own_fsuid, -1) < 0 ||
	    caps_set_effective(gofer_permitted) < 0 ||
	    syscall(SYS_setresgid, -1, own_fsgid, -1) < 0)
		fatal();
	forget_identity();
}
