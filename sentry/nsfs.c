// SPDX-License-Identifier: Apache-2.0
/*
 * The files /proc/<pid>/ns/X lead to, emulated (docs/security.md,
 * "Namespace files"). Following such a link gives a handle: an empty file
 * of the sentry's own, one per namespace, never the kernel's nsfs file.
 * The sentry answers for it what Linux answers for the nsfs file: its
 * stat (the namespace's device and inode, the user namespace aliased as
 * /proc shows it), the NS_GET_* ioctls (the owner, the parent, the type,
 * the owner's uid), each checked against the caller's own namespaces as
 * the kernel checks them, and the "net:[N]" of /proc/<pid>/fd/N.
 *
 * The sentry keeps a real fd of each namespace it made a handle for (it
 * asks the kernel with it, from the sandbox's user and pid namespaces);
 * the workload never gets one, so setns (denied) and the walks of
 * NS_GET_USERNS/NS_GET_PARENT never reach a namespace above the sandbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/idmap.h"
#include "sentry/internal.h"
#include "sentry/nsfs.h"
#include "sentry/synth.h"
#include "sentry/task.h"

/* Namespaces the workload can name are few (it creates none): the
 * sandbox's, their owners and parents, a pod's. */
#define NS_HANDLES 64
/* Linux's nesting limit of user and pid namespaces is 32. */
#define NS_MAX_DEPTH 40

struct ns_handle {
	bool used;
	int type;		/* CLONE_NEW* */
	bool alias;		/* the sandbox's user namespace shown as the
				 * runtime's (procfs_pid_links.c) */
	int real;		/* the sentry's fd of the namespace */
	int rd, path;		/* the handle's files (O_RDONLY, O_PATH) */
	dev_t hdev;		/* their identity */
	ino_t hino;
	struct stat shown;	/* the nsfs stat shown, in host ids */
};

static struct ns_handle handles[NS_HANDLES];
static pthread_mutex_t handles_lock = PTHREAD_MUTEX_INITIALIZER;
/* the device of the handles' files (the mirror's, or the memfds'), 0
 * before the first: a stat of any other device is none without the
 * lock, unless they were made on two (handles_mixed) */
static dev_t handles_dev;
static bool handles_mixed;

/* Under handles_lock. */
static void note_dev(dev_t dev)
{
	dev_t was = __atomic_load_n(&handles_dev, __ATOMIC_RELAXED);

	if (was == 0)
		__atomic_store_n(&handles_dev, dev, __ATOMIC_RELEASE);
	else if (was != dev)
		__atomic_store_n(&handles_mixed, true, __ATOMIC_RELEASE);
}

static const struct {
	const char *name;
	int type;
} ns_types[] = {
	{ "cgroup", CLONE_NEWCGROUP },	{ "ipc", CLONE_NEWIPC },
	{ "mnt", CLONE_NEWNS },		{ "net", CLONE_NEWNET },
	{ "pid", CLONE_NEWPID },	{ "pid_for_children", CLONE_NEWPID },
	{ "time", CLONE_NEWTIME },	{ "time_for_children", CLONE_NEWTIME },
	{ "user", CLONE_NEWUSER },	{ "uts", CLONE_NEWUTS },
};

static int type_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++)
		if (strcmp(ns_types[i].name, name) == 0)
			return ns_types[i].type;
	return 0;
}

/* The inode of a "user:[N]" link target; 0 if none. */
static uint64_t link_ino(const char *target)
{
	const char *p = target != NULL ? strchr(target, '[') : NULL;

	return p != NULL ? strtoull(p + 1, NULL, 10) : 0;
}

/* The runtime's user namespace inode when the sandbox's own (ino) is
 * shown as it; 0 otherwise. */
static uint64_t alias_of(const struct sentry *s, uint64_t ino)
{
	const char *runtime = s->cfg->runtime_userns;

	if (runtime == NULL || link_ino(s->own_userns) != ino)
		return 0;
	return link_ino(runtime);
}

/* Whether the runtime's user namespace owns the namespace ino (one the
 * container inherited from runsc), for a sandbox that shows its own as
 * the runtime's. */
static bool runtime_owns(const struct sentry *s, uint64_t ino)
{
	const char *p = s->cfg->runtime_owned;
	char *end;

	if (s->cfg->runtime_userns == NULL || p == NULL)
		return false;
	while (*p != '\0') {
		if (strtoull(p, &end, 10) == ino)
			return true;
		if (end == p)
			return false;
		p = *end == ',' ? end + 1 : end;
	}
	return false;
}

/* The handle of the real namespace fd real (taken): found or made. */
static struct ns_handle *handle_get(const struct sentry *s, int type,
				    int real, int *err)
{
	struct ns_handle *h = NULL;
	struct stat st, hs;
	uint64_t alias;
	int rd, path;

	if (fstat(real, &st) < 0) {
		*err = -errno;
		close(real);
		return NULL;
	}
	alias = type == CLONE_NEWUSER ? alias_of(s, st.st_ino) : 0;
	if (alias != 0)
		st.st_ino = alias;
	for (size_t i = 0; i < NS_HANDLES; i++) {
		if (handles[i].used && handles[i].shown.st_ino == st.st_ino &&
		    handles[i].shown.st_dev == st.st_dev) {
			close(real);
			return &handles[i];
		}
		if (!handles[i].used && h == NULL)
			h = &handles[i];
	}
	*err = h == NULL ? -ENFILE : vmirror_empty_file(&rd, &path);
	if (*err < 0) {
		close(real);
		return NULL;
	}
	(void)fstat(rd, &hs);	/* our own file: cannot fail */
	note_dev(hs.st_dev);
	*h = (struct ns_handle){ .used = true, .type = type,
				 .alias = alias != 0, .real = real,
				 .rd = rd, .path = path,
				 .hdev = hs.st_dev, .hino = hs.st_ino,
				 .shown = st };
	return h;
}

/* The handle whose files are (dev, ino), or NULL; under handles_lock. */
static struct ns_handle *handle_at(dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < NS_HANDLES; i++)
		if (handles[i].used && handles[i].hino == ino &&
		    handles[i].hdev == dev)
			return &handles[i];
	return NULL;
}

/* The handle fd is one of, or NULL; under handles_lock. */
static struct ns_handle *handle_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return NULL;
	return handle_at(st.st_dev, st.st_ino);
}

/* The sentry's fd of the namespace /proc/<pid>/ns/<name> shows. */
static int open_real(pid_t pid, const char *name)
{
	char path[64];
	int pfd = vtree_host_proc_fd(), fd;

	if (pfd < 0)
		return pfd;
	snprintf(path, sizeof(path), "%d/ns/%s", pid, name);
	fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return fd;
}

static struct ns_handle *link_handle(struct sc_call *c, const struct vnode *n,
				     int *err)
{
	int type = type_of(n->ent->name);
	int real = open_real(n->pid, n->ent->name);

	if (real < 0) {
		*err = real;
		return NULL;
	}
	return handle_get(c->t->sentry, type, real, err);
}

/*
 * What a write to a namespace file gets: the kernel's answer to the
 * sentry's own write open of one (EPERM since Linux refuses any write to
 * nsfs files before the mode, as 6.18 does), else the mode's: 0444 is
 * EACCES for a write (root's override opens a file without write on
 * Linux; refused here all the same). Asked once.
 */
int nsfs_write_errno(struct sc_call *c)
{
	static int answer;
	char path[64];
	int pfd, fd, e;

	e = __atomic_load_n(&answer, __ATOMIC_RELAXED);
	if (e != 0)
		return e;
	pfd = vtree_host_proc_fd();
	if (pfd < 0)
		return -EACCES;
	snprintf(path, sizeof(path), "%d/ns/net", c->t->tgid);
	fd = openat(pfd, path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	else if (errno != EPERM && errno != EACCES)
		return -EACCES;	/* the task is gone: ask again later */
	e = fd < 0 && errno == EPERM ? -EPERM : -EACCES;
	__atomic_store_n(&answer, e, __ATOMIC_RELAXED);
	return e;
}

int nsfs_access(struct sc_call *c, int mode)
{
	if (mode & W_OK)
		return nsfs_write_errno(c);
	return (mode & X_OK) ? -EACCES : 0;
}

int nsfs_link_open(struct sc_call *c, const struct vnode *n, int flags,
		   int *fd_out)
{
	struct ns_handle *h;
	int err = 0, fd = -1;

	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if (!(flags & O_PATH) && ((flags & O_ACCMODE) != O_RDONLY ||
				  (flags & O_TRUNC)))
		return nsfs_write_errno(c);
	pthread_mutex_lock(&handles_lock);
	h = link_handle(c, n, &err);
	if (h != NULL) {
		fd = fcntl((flags & O_PATH) ? h->path : h->rd,
			   F_DUPFD_CLOEXEC, 0);
		err = fd < 0 ? -errno : 0;
	}
	pthread_mutex_unlock(&handles_lock);
	if (fd < 0)
		return err;
	*fd_out = fd;
	return 0;
}

int nsfs_link_foreign(struct sc_call *c, const struct vnode *n, int *fd_out,
		      bool *owned)
{
	*owned = true;
	return nsfs_link_open(c, n, O_RDONLY, fd_out);
}

bool nsfs_shown(dev_t dev, ino_t ino, struct stat *st)
{
	struct ns_handle *h;

	if (dev != __atomic_load_n(&handles_dev, __ATOMIC_ACQUIRE) &&
	    !__atomic_load_n(&handles_mixed, __ATOMIC_ACQUIRE))
		return false;
	pthread_mutex_lock(&handles_lock);
	h = handle_at(dev, ino);
	if (h != NULL)
		*st = h->shown;
	pthread_mutex_unlock(&handles_lock);
	return h != NULL;
}

bool nsfs_fd_stat(int fd, struct stat *st)
{
	struct stat hs;

	return fstat(fd, &hs) == 0 && nsfs_shown(hs.st_dev, hs.st_ino, st);
}

int nsfs_fd_name(int fd, char *buf, size_t len)
{
	struct ns_handle *h;
	const char *name = NULL;
	int n = -ENOENT;

	pthread_mutex_lock(&handles_lock);
	h = handle_of(fd);
	for (size_t i = 0; h != NULL && i < ARRAY_SIZE(ns_types); i++) {
		if (ns_types[i].type == h->type) {
			name = ns_types[i].name;
			break;
		}
	}
	if (name != NULL)
		n = snprintf(buf, len, "%s:[%lu]", name,
			     (unsigned long)h->shown.st_ino);
	pthread_mutex_unlock(&handles_lock);
	return n >= 0 && (size_t)n >= len ? -ENAMETOOLONG : n;
}

/* ---- the NS_GET_* ioctls ------------------------------------------------ */

/* The inode of the caller's own namespace (ns/<name> of its process). */
static uint64_t caller_ns(struct sc_call *c, const char *name)
{
	char what[32], target[64];
	int pfd = vtree_host_proc_fd();
	ssize_t r;

	if (pfd < 0)
		return 0;
	snprintf(what, sizeof(what), "%d/ns/%s", c->t->tgid, name);
	r = readlinkat(pfd, what, target, sizeof(target) - 1);
	if (r < 0)
		return 0;
	target[r] = '\0';
	return link_ino(target);
}

/* The sentry's fd of the caller's user namespace if it is the sandbox's
 * own (shown as the runtime's); -1 (errno EPERM) if not. */
static int own_userns(struct sc_call *c)
{
	uint64_t own = link_ino(c->t->sentry->own_userns);
	int fd;

	if (own == 0 || caller_ns(c, "user") != own) {
		errno = EPERM;
		return -1;
	}
	fd = open_real(c->t->tgid, "user");
	if (fd < 0) {
		errno = -fd;
		return -1;
	}
	return fd;
}

/*
 * The owner real (taken) of a namespace other than a user namespace, as
 * the caller is shown it: with a user namespace of the container's, the
 * namespaces the sandbox made for it in its own (the pid namespace: the
 * sandbox process forks the init into it) are the container's user
 * namespace's, as runc makes them in it; the caller's own user namespace
 * then, else real.
 */
static int made_for_container(struct sc_call *c, int real)
{
	uint64_t own = link_ino(c->t->sentry->own_userns);
	struct stat st;
	int fd;

	if (own == 0 || c->t->sentry->cfg->runtime_userns != NULL ||
	    fstat(real, &st) < 0 || st.st_ino != own ||
	    caller_ns(c, "user") == own)
		return real;
	fd = open_real(c->t->tgid, "user");
	if (fd < 0)
		return real;
	close(real);
	return fd;
}

/*
 * Whether the namespace of fd is target or below it, as the kernel
 * checks what the caller may be given (ns_get_owner, pidns_get_parent):
 * walked up with NS_GET_PARENT, which stops at the sentry's own.
 */
static bool reaches(int fd, uint64_t target)
{
	cleanup_close int cur = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	struct stat st;

	for (int depth = 0; cur >= 0 && depth < NS_MAX_DEPTH; depth++) {
		int up;

		if (fstat(cur, &st) < 0)
			return false;
		if (st.st_ino == target)
			return true;
		up = ioctl(cur, NS_GET_PARENT);
		close(cur);
		cur = up;
	}
	return false;
}

/*
 * NS_GET_USERNS and NS_GET_PARENT: the related namespace, if the caller
 * may have it (at or below its own user namespace, or for a pid
 * namespace its own pid namespace), as a new handle installed in the
 * task. The runtime's user namespace (the alias) has neither owner nor
 * parent the caller may have: both above it, EPERM as under runc.
 */
static long get_related(struct sc_call *c, struct ns_handle *h, int req)
{
	int type = req == NS_GET_USERNS ? CLONE_NEWUSER : h->type;
	struct ns_handle *rel;
	uint64_t limit;
	int real, err = 0, fd;

	if (req == NS_GET_PARENT && type != CLONE_NEWUSER &&
	    type != CLONE_NEWPID)
		return -EINVAL;
	if (h->alias)
		return -EPERM;
	real = ioctl(h->real, (unsigned long)req);
	/* above the sandbox's user namespace: the runtime's, which the
	 * caller's is shown as, if it owns that namespace */
	if (real < 0 && errno == EPERM && req == NS_GET_USERNS &&
	    runtime_owns(c->t->sentry, h->shown.st_ino))
		real = own_userns(c);
	if (real < 0)
		return errno == EPERM ? -EPERM : -errno;
	if (req == NS_GET_USERNS && h->type != CLONE_NEWUSER)
		real = made_for_container(c, real);
	limit = caller_ns(c, type == CLONE_NEWPID ? "pid" : "user");
	if (limit == 0 || !reaches(real, limit)) {
		close(real);
		return -EPERM;
	}
	rel = handle_get(c->t->sentry, type, real, &err);
	if (rel == NULL)
		return err;
	fd = fcntl(rel->rd, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

static long owner_uid(struct sc_call *c, struct ns_handle *h, uint64_t uarg)
{
	uid_t uid;
	uint32_t shown;

	if (h->type != CLONE_NEWUSER)
		return -EINVAL;
	if (ioctl(h->real, NS_GET_OWNER_UID, &uid) < 0)
		return -errno;
	shown = ident_from_host(c->t->sentry, IDENT_UID, uid);
	return task_write(c, uarg, &shown, sizeof(shown));
}

long nsfs_ioctl(struct sc_call *c, int fd, unsigned long req, uint64_t arg)
{
	struct ns_handle *h;
	long ret;
	int rel = -1;

	pthread_mutex_lock(&handles_lock);
	h = handle_of(fd);
	if (h == NULL)
		ret = -ENOTTY;
	else if (req == NS_GET_NSTYPE)
		ret = h->type;
	else if (req == NS_GET_OWNER_UID)
		ret = owner_uid(c, h, arg);
	else if (req == NS_GET_USERNS || req == NS_GET_PARENT)
		ret = rel = (int)get_related(c, h, (int)req);
	else
		ret = -ENOTTY;
	pthread_mutex_unlock(&handles_lock);
	if (rel < 0)
		return ret;
	/* a new file, close-on-exec, as Linux's open_related_ns() */
	ret = task_install_fd_result(c, rel, O_CLOEXEC);
	close(rel);
	return ret;
}

bool nsfs_ioctl_request(unsigned long req)
{
	return _IOC_TYPE(req) == NSIO;
}
