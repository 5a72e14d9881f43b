// SPDX-License-Identifier: Apache-2.0
/*
 * Socket calls that carry an address: bind, connect, sendto, sendmsg,
 * sendmmsg. AF_UNIX path addresses are file system lookups: the gofer binds
 * or connects a sentry-side copy (pidfd_getfd) of the workload's socket.
 * Other addresses are used by the sentry on that copy, with the address it
 * copied, so the kernel never reads the workload's address itself. What
 * the kernel would decide by the sentry's own credentials (a privileged
 * port, the credentials an AF_UNIX message carries) is decided by the
 * task's first: sentry/sock_creds.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "sentry/internal.h"
#include "sentry/vtree.h"

#define SOCK_MAX_DATA (256 * 1024)
#define SOCK_MAX_CONTROL 4096

struct sock_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

static long read_addr(struct sc_call *c, uint64_t addr, uint64_t len,
		      struct sock_addr *out)
{
	if ((int)len < 0 || len > sizeof(out->ss))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->len = (socklen_t)len;
	if (len == 0)
		return 0;
	return task_read(c, addr, &out->ss, len);
}

/* A sentry-side copy of the workload socket wfd. */
static int dup_socket(struct sc_call *c, int wfd)
{
	int fd = task_dup_fd(c, wfd), type;
	socklen_t l = sizeof(type);

	if (fd < 0)
		return fd;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0) {
		close(fd);
		return -ENOTSOCK;
	}
	return fd;
}

/* The path of an AF_UNIX path address, or NULL (abstract, unnamed). */
static const char *unix_path(struct sock_addr *a, long *err)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;
	size_t n;

	*err = 0;
	if (a->len < sizeof(sa_family_t) || un->sun_family != AF_UNIX)
		return NULL;
	n = a->len - offsetof(struct sockaddr_un, sun_path);
	if (a->len <= offsetof(struct sockaddr_un, sun_path) ||
	    un->sun_path[0] == '\0')
		return NULL;
	if (a->len > sizeof(*un)) {
		*err = -EINVAL;
		return NULL;
	}
	/* Not NUL-terminated when it fills sun_path: terminate a copy. */
	((char *)&a->ss)[offsetof(struct sockaddr_un, sun_path) + n] = '\0';
	return un->sun_path;
}

/*
 * A blocking connect to an AF_UNIX path whose listener's backlog is full
 * would hold the gofer, and so every task, until the listener accepts.
 * The gofer connects non-blocking instead (O_NONBLOCK set on the shared
 * file for that call only, as connect_addr() does); on EAGAIN the call is
 * deferred and retried on a timer (nothing to poll: the kernel wakes a
 * blocked connector from the listener's side), 1 ms first, doubling up to
 * 32 ms. Like Linux, each attempt looks the path up again.
 *
 * A connect to an abstract name goes through the gofer too, though
 * nothing is looked up: the kernel records the connecting thread's euid,
 * egid and groups as the listener's SO_PEERCRED, and the gofer connects
 * with the task's (the sentry's would be root's).
 */
#define SUN_PATH_LEN sizeof(((struct sockaddr_un *)0)->sun_path)

/* What a connect goes to: a path (at) or, if len > 0, an abstract name. */
struct unix_target {
	const struct gofer_at *at;
	const char *name;
	size_t len;
};

struct unix_connect {
	struct gofer_client *g;
	struct gofer_creds cr;
	int sock, dirfd, rootfd;	/* owned (the fds when >= 0) */
	int fl;				/* the file's own flags */
	long delay_ms;
	char path[SUN_PATH_LEN + 1];
	char name[SUN_PATH_LEN];	/* abstract: name_len > 0 */
	size_t name_len;
};

#define UNIX_CONNECT_MAX_MS 32

static long unix_connect_once(struct gofer_client *g,
			      const struct gofer_creds *cr,
			      const struct unix_target *to, int sock, int fl)
{
	long ret;

	/* F_SETFL of status flags on an open socket cannot fail. */
	(void)fcntl(sock, F_SETFL, fl | O_NONBLOCK);
	if (to->len > 0)
		ret = gofer_connect_abstract(g, cr, to->name, to->len, sock);
	else
		ret = gofer_connect_unix(g, cr, to->at, sock);
	(void)fcntl(sock, F_SETFL, fl);
	return ret;
}

static int arm(int tfd, long ms)
{
	struct itimerspec it = { .it_value = { .tv_sec = ms / 1000,
					       .tv_nsec = (ms % 1000) * 1000000 } };

	return timerfd_settime(tfd, 0, &it, NULL) < 0 ? -errno : 0;
}

static long unix_connect_retry(struct deferred *d)
{
	struct unix_connect *u = d->ctx;
	struct gofer_at at = { u->dirfd, u->rootfd, u->path, false };
	struct unix_target to = { &at, u->name, u->name_len };
	uint64_t n;
	long ret;

	if (read(d->wait_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return -errno;
	ret = unix_connect_once(u->g, &u->cr, &to, u->sock, u->fl);
	if (ret != -EAGAIN)
		return ret;
	if (u->delay_ms < UNIX_CONNECT_MAX_MS)
		u->delay_ms *= 2;
	ret = arm(d->wait_fd, u->delay_ms);
	return ret < 0 ? ret : -EAGAIN;
}

static void unix_connect_done(struct deferred *d)
{
	struct unix_connect *u = d->ctx;

	if (u == NULL)
		return;
	close(u->sock);
	if (u->dirfd >= 0)
		close(u->dirfd);
	if (u->rootfd >= 0)
		close(u->rootfd);
	free(u);
}

static int dup_at(int fd)
{
	return fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : fd;
}

static long unix_connect_defer(struct sc_call *c, int *sock,
			       const struct gofer_creds *cr,
			       const struct unix_target *to, int fl)
{
	const struct gofer_at *at = to->at;
	struct unix_connect *u;
	int tfd, ret;

	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return -ENOMEM;
	*u = (struct unix_connect){ .g = task_gofer(c->t), .cr = *cr,
				    .sock = -1, .fl = fl, .delay_ms = 1 };
	snprintf(u->path, sizeof(u->path), "%s", at->path ? at->path : "");
	memcpy(u->name, to->name, to->len);
	u->name_len = to->len;
	u->dirfd = dup_at(at->dirfd);
	u->rootfd = dup_at(at->rootfd);
	u->sock = steal_fd(*sock);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd < 0 || (at->dirfd >= 0 && u->dirfd < 0) ||
	    (at->rootfd >= 0 && u->rootfd < 0) || arm(tfd, 1) < 0) {
		ret = -errno;
		struct deferred tmp = { .ctx = u, .wait_fd = -1 };

		if (tfd >= 0)
			close(tfd);
		unix_connect_done(&tmp);
		return ret;
	}
	ret = sentry_defer(c, tfd, EPOLLIN, unix_connect_retry,
			   unix_connect_done, u);
	return ret;	/* 0: deferred */
}

static long unix_op(struct sc_call *c, int sock, const char *path,
		    bool bind_op)
{
	struct gofer_creds cr;
	struct gofer_at at = { c->t->fs->cwd_fd, c->t->fs->root_fd, path };

	task_gofer_creds(c->t, &cr);
	if (bind_op)
		return gofer_bind_unix(task_gofer(c->t), &cr, &at, sock);
	return gofer_connect_unix(task_gofer(c->t), &cr, &at, sock);
}

/* connect(2) to an AF_UNIX path or abstract name (len > 0): deferred
 * rather than blocking. */
static long unix_connect(struct sc_call *c, int *sock, const char *path,
			 const char *name, size_t len)
{
	struct gofer_creds cr;
	struct gofer_at at = { c->t->fs->cwd_fd, c->t->fs->root_fd, path };
	struct unix_target to = { &at, name, len };
	long ret;
	int fl = fcntl(*sock, F_GETFL);

	task_gofer_creds(c->t, &cr);
	if (fl < 0 || (fl & O_NONBLOCK) || !sentry_can_defer(c)) {
		if (len > 0)
			return gofer_connect_abstract(task_gofer(c->t), &cr,
						      name, len, *sock);
		return unix_op(c, *sock, path, false);
	}
	ret = unix_connect_once(task_gofer(c->t), &cr, &to, *sock, fl);
	if (ret != -EAGAIN)
		return ret;
	return unix_connect_defer(c, sock, &cr, &to, fl);
}

static bool is_unix_socket(int sock)
{
	int domain = -1;
	socklen_t l = sizeof(domain);

	return getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &l) == 0 &&
	       domain == AF_UNIX;
}

/* The abstract name of an AF_UNIX address (sun_path[0] is NUL) and its
 * length, or 0. */
static size_t abstract_name(const struct sock_addr *a, const char **name)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)&a->ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);

	if (a->len <= off || a->len > sizeof(*un) ||
	    un->sun_family != AF_UNIX || un->sun_path[0] != '\0')
		return 0;
	*name = un->sun_path;
	return a->len - off;
}

/*
 * Once the sentry's non-blocking connect has completed, connect() again
 * with the same address: that is what moves the socket from connecting
 * to connected in the kernel (a blocking connect does it itself), so that
 * the workload's next connect is EISCONN, not a second success.
 */
static long connect_retry(struct deferred *d)
{
	const struct sock_addr *a = d->ctx;
	int err = 0;
	socklen_t l = sizeof(err);

	if (getsockopt(d->wait_fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
		return -errno;
	if (err != 0)
		return -err;
	if (connect(d->wait_fd, (const struct sockaddr *)&a->ss, a->len) < 0 &&
	    errno != EISCONN)
		return -errno;
	return 0;
}

static void connect_done(struct deferred *d)
{
	free(d->ctx);
}

/*
 * A blocking connect would stall every task the sentry serves: it is
 * started non-blocking and the notification answered when it completes.
 * (O_NONBLOCK is set on the shared file only for the connect call.)
 */
static long connect_addr(struct sc_call *c, int *sock,
			 const struct sock_addr *a)
{
	int fl = fcntl(*sock, F_GETFL), err;
	struct sock_addr *copy;
	long ret;

	if (fl < 0)
		return -errno;
	if ((fl & O_NONBLOCK) || !sentry_can_defer(c)) {
		ret = connect(*sock, (const struct sockaddr *)&a->ss, a->len);
		return ret < 0 ? -errno : 0;
	}
	/* As in unix_connect_once: F_SETFL on an open socket. */
	(void)fcntl(*sock, F_SETFL, fl | O_NONBLOCK);
	ret = connect(*sock, (const struct sockaddr *)&a->ss, a->len);
	err = errno;
	(void)fcntl(*sock, F_SETFL, fl);
	if (ret == 0)
		return 0;
	if (err != EINPROGRESS)
		return -err;
	copy = malloc(sizeof(*copy));
	if (copy == NULL)
		return -ENOMEM;
	*copy = *a;
	ret = sentry_defer(c, steal_fd(*sock), EPOLLOUT, connect_retry,
			   connect_done, copy);
	return ret;	/* 0: deferred */
}

/*
 * bind() or connect() to a path in a tree the sentry serves (/proc, /sys,
 * /dev/fd): no socket is there, and none can be made. bind: an existing
 * name is EADDRINUSE, a new one ENOENT in procfs (its lookup fails), else
 * what the read-only tree answers a change. connect: ECONNREFUSED if the
 * name exists and the task may write it, else the errno of that check or
 * of the lookup. The path is looked up again from
 * workload memory (NUL-terminated there: checked on the copy), as every
 * path handler reads it; 1 if it is not virtual (the gofer answers).
 */
/* Write permission on an inode by the task's fs ids, as
 * generic_permission() decides it (CAP_DAC_OVERRIDE writes anything that
 * is not a directory). */
static bool may_write(const struct task_creds *cr, const struct stat *st)
{
	bool in_group = st->st_gid == cr->fsgid;

	if ((cr->cap_effective & (1ULL << CAP_DAC_OVERRIDE)) &&
	    !S_ISDIR(st->st_mode))
		return true;
	if (st->st_uid == cr->fsuid)
		return st->st_mode & S_IWUSR;
	for (size_t i = 0; i < cr->ngroups && !in_group; i++)
		in_group = cr->groups[i] == st->st_gid;
	return st->st_mode & (in_group ? S_IWGRP : S_IWOTH);
}

static long virtual_errno(struct sc_call *c, const struct sock_addr *a,
			  const char *path, bool bind_op)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	size_t off = offsetof(struct sockaddr_un, sun_path);
	struct stat st;
	long ret;

	if (strnlen(path, a->len - off) >= a->len - off)
		return 1;	/* fills the address: not virtual-routable */
	ret = fs_path_get(c, AT_FDCWD, c->args[1] + off, 0, &p);
	if (ret < 0 || !p.virt || strcmp(p.path, path) != 0)
		return 1;
	ret = vtree_stat(c, p.vpath, !bind_op, &st);
	if (!bind_op) {
		/* Linux checks write permission on the inode first. */
		if (ret == 0 && !may_write(&c->t->creds, &st))
			ret = -EACCES;
		return ret == 0 ? -ECONNREFUSED : ret;
	}
	if (ret == 0)
		return -EADDRINUSE;
	if (strncmp(p.vpath, "/proc/", 6) == 0 ||
	    strncmp(p.vpath, "/dev/fd/", 8) == 0)
		return -ENOENT;
	return vtree_modify_errno(c, p.vpath);
}

static long unix_path_op(struct sc_call *c, int *sock,
			 const struct sock_addr *a, const char *path,
			 bool bind_op)
{
	long ret = virtual_errno(c, a, path, bind_op);

	if (ret <= 0)
		return ret;
	return bind_op ? unix_op(c, *sock, path, true) :
			 unix_connect(c, sock, path, NULL, 0);
}

static long bind_or_connect(struct sc_call *c, bool bind_op)
{
	struct sock_addr a;
	cleanup_close int sock = -1;
	const char *path, *name = NULL;
	size_t name_len;
	long ret;

	sock = dup_socket(c, (int)c->args[0]);
	if (sock < 0)
		return sock;
	ret = read_addr(c, c->args[1], c->args[2], &a);
	if (ret < 0)
		return ret;
	path = unix_path(&a, &ret);
	if (ret < 0)
		return ret;
	/* A path address on another family's socket is not a path: its
	 * kernel call refuses it (EAFNOSUPPORT, EISCONN...). */
	if (path != NULL && !is_unix_socket(sock))
		path = NULL;
	if (path != NULL)
		return unix_path_op(c, &sock, &a, path, bind_op);
	name_len = abstract_name(&a, &name);
	if (!bind_op && name_len > 0 && is_unix_socket(sock))
		return unix_connect(c, &sock, NULL, name, name_len);
	if (!bind_op)
		return connect_addr(c, &sock, &a);
	ret = sock_bind_check(c, sock, &a.ss, a.len);
	if (ret < 0)
		return ret;
	ret = bind(sock, (struct sockaddr *)&a.ss, a.len);
	return ret < 0 ? -errno : 0;
}

SENTRY_HANDLER(bind)
{
	return bind_or_connect(c, true);
}

SENTRY_HANDLER(connect)
{
	return bind_or_connect(c, false);
}

/* Linux's SCM_MAX_FD: more fds in one message is EINVAL (scm_fp_copy). */
#define SOCK_MAX_FDS 253

struct sent_msg {
	struct sock_addr addr;
	char *data;
	size_t len;
	char *control;
	size_t clen;
	int fds[SOCK_MAX_FDS];
	int nfds;
};

static void sent_msg_free(struct sent_msg *m)
{
	free(m->data);
	free(m->control);
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	fd_budget_put((size_t)m->nfds);
	m->nfds = 0;
}

static long read_iov(struct sc_call *c, const struct msghdr *h,
		     struct sent_msg *m)
{
	struct iovec iov[64];
	size_t total = 0;
	long ret;

	if (h->msg_iovlen > 1024)
		return -EMSGSIZE;
	if (h->msg_iovlen > 64)
		return -ENOBUFS;
	ret = task_read(c, (uintptr_t)h->msg_iov, iov,
			h->msg_iovlen * sizeof(struct iovec));
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < h->msg_iovlen; i++)
		total += iov[i].iov_len < SOCK_MAX_DATA ? iov[i].iov_len :
							  SOCK_MAX_DATA;
	if (total > SOCK_MAX_DATA)
		total = SOCK_MAX_DATA;
	m->data = malloc(total ? total : 1);
	if (m->data == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < h->msg_iovlen && m->len < total; i++) {
		size_t n = iov[i].iov_len;

		if (n > total - m->len)
			n = total - m->len;
		ret = task_read(c, (uintptr_t)iov[i].iov_base,
				m->data + m->len, n);
		if (ret < 0)
			return ret;
		m->len += n;
	}
	return 0;
}

/* SCM_RIGHTS carry workload fd numbers: replace them with our copies. */
static long read_control(struct sc_call *c, const struct msghdr *h,
			 struct sent_msg *m)
{
	struct msghdr tmp;
	struct cmsghdr *cm;
	long ret;

	if (h->msg_controllen == 0 || h->msg_control == NULL)
		return 0;
	if (h->msg_controllen > SOCK_MAX_CONTROL)
		return -ENOBUFS;
	m->clen = h->msg_controllen;
	m->control = calloc(1, m->clen);
	if (m->control == NULL)
		return -ENOMEM;
	ret = task_read(c, (uintptr_t)h->msg_control, m->control, m->clen);
	if (ret < 0)
		return ret;
	tmp = (struct msghdr){ .msg_control = m->control,
			       .msg_controllen = m->clen };
	for (cm = CMSG_FIRSTHDR(&tmp); cm; cm = CMSG_NXTHDR(&tmp, cm)) {
		int *fds = (int *)CMSG_DATA(cm);
		size_t n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		/* counted before any fd is looked at, as scm_fp_copy does */
		if (m->nfds + n > ARRAY_SIZE(m->fds))
			return -EINVAL;
		for (size_t i = 0; i < n; i++) {
			int fd;

			/* the sentry's fd table is not the workload's to fill */
			if (!fd_budget_take())
				return -ENOBUFS;
			fd = task_dup_fd(c, fds[i]);
			if (fd < 0) {
				fd_budget_put(1);
				return -EBADF;
			}
			m->fds[m->nfds++] = fd;
			fds[i] = fd;
		}
	}
	return 0;
}

/* A blocking sendmsg that would block, finished when the socket drains. */
struct pending_send {
	struct sent_msg m;
	bool has_name;
	bool disconnect;	/* connected for the send (send_to_path) */
	int flags;
	size_t off;
	uint64_t len_at;	/* sendmmsg: the mmsghdr's msg_len, or 0 */
};

static long pending_try(struct pending_send *p, int sock)
{
	struct iovec iov = { p->m.data + p->off, p->m.len - p->off };
	struct msghdr h = {
		.msg_name = p->has_name ? &p->m.addr.ss : NULL,
		.msg_namelen = p->has_name ? p->m.addr.len : 0,
		.msg_iov = &iov, .msg_iovlen = 1,
		/* the ancillary data goes with the first byte only */
		.msg_control = p->off ? NULL : p->m.control,
		.msg_controllen = p->off ? 0 : p->m.clen,
	};
	ssize_t n = sendmsg(sock, &h, p->flags | MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0)
		return -errno;
	p->off += n;
	return p->off < p->m.len ? -EAGAIN : (long)p->off;
}

static long pending_retry(struct deferred *d)
{
	struct pending_send *p = d->ctx;
	long ret = pending_try(p, d->wait_fd);
	unsigned int len;

	/* a stream socket that took part of it: that part counts */
	if (ret < 0 && ret != -EAGAIN && p->off > 0)
		ret = (long)p->off;
	if (p->len_at == 0 || ret < 0)
		return ret;
	/* sendmmsg: one message sent, its length in the caller's vector
	 * (only while the call still waits for this reply). */
	if (!d->pc.at_stop && plat_notif_valid(d->notify_fd, d->id) < 0)
		return -EINTR;
	len = (unsigned int)ret;
	if (plat_mem_write(d->host_tid, p->len_at, &len, sizeof(len)) < 0)
		return -EFAULT;
	return 1;
}

static void pending_done(struct deferred *d)
{
	struct pending_send *p = d->ctx;

	if (p == NULL)
		return;
	if (p->disconnect && d->wait_fd >= 0) {
		struct sockaddr unspec = { .sa_family = AF_UNSPEC };

		connect(d->wait_fd, &unspec, sizeof(unspec));
	}
	sent_msg_free(&p->m);
	free(p);
}

static long send_blocking(struct sc_call *c, int sock, struct sent_msg *m,
			  bool has_name, bool disconnect, int flags,
			  uint64_t len_at)
{
	struct pending_send *p;
	long ret;
	int dup;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->m = *m;
	memset(m, 0, sizeof(*m));
	p->has_name = has_name;
	p->disconnect = disconnect;
	p->flags = flags;
	p->len_at = len_at;
	ret = pending_try(p, sock);
	if (ret != -EAGAIN) {
		struct deferred d = { .ctx = p, .wait_fd = -1 };

		pending_done(&d);
		return ret;
	}
	dup = fcntl(sock, F_DUPFD_CLOEXEC, 0);
	if (dup < 0) {
		struct deferred d = { .ctx = p, .wait_fd = -1 };

		pending_done(&d);
		return -errno;
	}
	ret = sentry_defer(c, dup, EPOLLOUT, pending_retry, pending_done, p);
	return ret;	/* 0: deferred */
}

/*
 * A datagram to an AF_UNIX path from an unconnected socket (sendto,
 * sendmsg with a name): the path is a file system lookup, so the gofer
 * connects the socket to it (under the task's credentials, inside the
 * sandbox root), the datagram goes to that peer, and the socket is
 * disconnected again (AF_UNSPEC). While it is connected, datagrams from
 * senders other than that peer are refused (EPERM): a short window, up to
 * the reply of a blocking send that has to wait. Takes m.
 * SOCK_SEQPACKET ignores the name, as Linux does; a stream socket gives
 * EISCONN or EOPNOTSUPP; a connected datagram socket is not supported
 * (EOPNOTSUPP).
 */
static long send_to_path(struct sc_call *c, int sock, const char *path,
			 struct sent_msg *m, int flags, bool may_defer,
			 uint64_t len_at)
{
	struct sockaddr_storage peer;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t pl = sizeof(peer), l;
	bool connected = false;
	struct iovec iov;
	struct msghdr h;
	int type, fl;
	long ret;

	l = sizeof(type);
	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &l) < 0) {
		ret = -errno;
		goto out;
	}
	if (type == SOCK_STREAM) {
		ret = getpeername(sock, (struct sockaddr *)&peer, &pl) == 0 ?
			      -EISCONN : -EOPNOTSUPP;
		goto out;
	}
	if (type != SOCK_SEQPACKET) {
		if (getpeername(sock, (struct sockaddr *)&peer, &pl) == 0) {
			ret = -EOPNOTSUPP;
			goto out;
		}
		ret = unix_op(c, sock, path, false);
		if (ret < 0)
			goto out;
		connected = true;
	}
	iov = (struct iovec){ m->data, m->len };
	h = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = m->control,
			     .msg_controllen = m->clen };
	ret = sendmsg(sock, &h, flags | MSG_NOSIGNAL | MSG_DONTWAIT);
	if (ret < 0)
		ret = -errno;
	fl = fcntl(sock, F_GETFL);
	if (ret == -EAGAIN && may_defer && !(flags & MSG_DONTWAIT) &&
	    fl >= 0 && !(fl & O_NONBLOCK) && sentry_can_defer(c)) {
		ret = send_blocking(c, sock, m, false, connected, flags,
				    len_at);
		if (c->outcome == SC_OUT_DEFERRED)
			return ret;	/* disconnected when done */
	}
	if (connected)
		connect(sock, &unspec, sizeof(unspec));
out:
	sent_msg_free(m);
	return ret;
}

/*
 * How send_one may wait: SEND_DEFER (sendmsg, or sendmmsg's first message:
 * a send that would block on a blocking socket is answered when the socket
 * drains, so the other tasks keep being served), SEND_TRY (sendmmsg's
 * later messages: never wait, -EAGAIN ends the batch).
 */
enum send_wait { SEND_DEFER, SEND_TRY };

/* A blocking socket (the file's O_NONBLOCK) and no MSG_DONTWAIT. */
static bool would_wait(int sock, int flags)
{
	int fl = fcntl(sock, F_GETFL);

	return !(flags & MSG_DONTWAIT) && fl >= 0 && !(fl & O_NONBLOCK);
}

/* len_at: for sendmmsg, where the message's msg_len goes (a deferred
 * reply writes it and answers 1), else 0. */
static long send_one(struct sc_call *c, int sock, uint64_t addr, int flags,
		     enum send_wait wait, uint64_t len_at)
{
	bool may_defer = wait == SEND_DEFER;
	struct msghdr h;
	struct sent_msg m = { .nfds = 0 };
	const char *path = NULL;
	struct iovec iov;
	long ret;

	ret = task_read(c, addr, &h, sizeof(h));
	if (ret < 0)
		return ret;
	if (h.msg_name != NULL) {
		ret = read_addr(c, (uintptr_t)h.msg_name, h.msg_namelen,
				&m.addr);
		if (ret == 0)
			path = unix_path(&m.addr, &ret);
	}
	if (ret == 0)
		ret = read_iov(c, &h, &m);
	if (ret == 0)
		ret = read_control(c, &h, &m);
	if (ret == 0)
		ret = sock_task_creds(c, sock, &m.control, &m.clen);
	if (ret == 0 && path != NULL)
		return send_to_path(c, sock, path, &m, flags, may_defer,
				    len_at);
	if (ret == 0 && may_defer && would_wait(sock, flags) &&
	    sentry_can_defer(c))
		return send_blocking(c, sock, &m, h.msg_name != NULL, false,
				     flags, len_at);
	if (ret == 0 && wait == SEND_TRY)
		flags |= MSG_DONTWAIT;
	if (ret == 0) {
		iov = (struct iovec){ m.data, m.len };
		h = (struct msghdr){
			.msg_name = h.msg_name ? &m.addr.ss : NULL,
			.msg_namelen = h.msg_name ? m.addr.len : 0,
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = m.control, .msg_controllen = m.clen,
		};
		ret = sendmsg(sock, &h, flags | MSG_NOSIGNAL);
		if (ret < 0)
			ret = -errno;
	}
	sent_msg_free(&m);
	return ret;
}

SENTRY_HANDLER(sendto)
{
	struct sent_msg m = { .nfds = 0 };
	cleanup_close int sock = -1;
	int flags = (int)c->args[3];
	const char *path;
	long ret;

	/* No address: the registers say all, nothing is looked up. */
	if (c->args[4] == 0)
		return sc_continue(c);
	sock = dup_socket(c, (int)c->args[0]);
	if (sock < 0)
		return sock;
	ret = read_addr(c, c->args[4], c->args[5], &m.addr);
	if (ret < 0)
		return ret;
	path = unix_path(&m.addr, &ret);
	if (ret < 0)
		return ret;
	m.len = c->args[2] > SOCK_MAX_DATA ? SOCK_MAX_DATA : c->args[2];
	m.data = malloc(m.len ? m.len : 1);
	if (m.data == NULL)
		return -ENOMEM;
	ret = task_read(c, c->args[1], m.data, m.len);
	if (ret == 0)
		ret = sock_task_creds(c, sock, &m.control, &m.clen);
	if (ret == 0 && path != NULL)
		return send_to_path(c, sock, path, &m, flags, true, 0);
	if (ret == 0 && would_wait(sock, flags) && sentry_can_defer(c))
		return send_blocking(c, sock, &m, true, false, flags, 0);
	if (ret == 0) {
		/* sendmsg: the credentials sock_task_creds() added go along */
		struct iovec iov = { m.data, m.len };
		struct msghdr h = {
			.msg_name = &m.addr.ss, .msg_namelen = m.addr.len,
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = m.control, .msg_controllen = m.clen,
		};

		ret = sendmsg(sock, &h, flags | MSG_NOSIGNAL);
		if (ret < 0)
			ret = -errno;
	}
	sent_msg_free(&m);
	return ret;
}

SENTRY_HANDLER(sendmsg)
{
	cleanup_close int sock = dup_socket(c, (int)c->args[0]);

	if (sock < 0)
		return sock;
	return send_one(c, sock, c->args[1], (int)c->args[2], SEND_DEFER, 0);
}

/*
 * The messages are sent in order. Only the first may wait: if it would
 * block on a blocking socket the call is answered (1, msg_len written)
 * once the socket drains, while the sentry serves the other tasks; a later
 * message that would block ends the batch with the count sent so far,
 * which sendmmsg callers must handle anyway (Linux returns a short count
 * when a later message fails). The workload's next call waits for the rest.
 */
SENTRY_HANDLER(sendmmsg)
{
	cleanup_close int sock = dup_socket(c, (int)c->args[0]);
	unsigned int n = (unsigned int)c->args[2];
	unsigned int i;

	if (sock < 0)
		return sock;
	if (n > 1024)
		n = 1024;
	for (i = 0; i < n; i++) {
		uint64_t at = c->args[1] + i * sizeof(struct mmsghdr);
		uint64_t len_at = at + offsetof(struct mmsghdr, msg_len);
		unsigned int len;
		long ret = send_one(c, sock, at, (int)c->args[3],
				    i == 0 ? SEND_DEFER : SEND_TRY, len_at);

		if (c->outcome == SC_OUT_DEFERRED)
			return ret;
		if (ret < 0)
			return i ? (long)i : ret;
		len = (unsigned int)ret;
		ret = task_write(c, len_at, &len, sizeof(len));
		if (ret < 0)
			return i ? (long)i : ret;
	}
	return i;
}

/*
 * socket() and socketpair() arguments the filter does not pass (filter.c,
 * rules_socket): the errno Linux gives, checked in its order
 * (__sys_socket, __sock_create, then the family's create), where the
 * sandbox offers what Linux would create an errno of a kernel without it.
 */
#define SOCK_TYPE_MASK 0xf
#define SOCK_TYPES_MAX (SOCK_PACKET + 1)	/* the kernel's SOCK_MAX */
#define NETLINK_LINKS 32			/* the kernel's MAX_LINKS */

static bool inet_offered(int domain, int type, int proto)
{
	if (type == SOCK_STREAM)
		return proto == 0 || proto == IPPROTO_TCP;
	if (type != SOCK_DGRAM)
		return false;
	return proto == 0 || proto == IPPROTO_UDP ||
	       proto == (domain == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
}

/* inet_create()/inet6_create(); 0 for a socket the filter passes. */
static long inet_refusal(int domain, int type, int proto)
{
	if (proto < 0 || proto >= IPPROTO_MAX)
		return -EINVAL;
	switch (type) {
	case SOCK_STREAM:
	case SOCK_DGRAM:
		/* TCP's and UDP's others (MPTCP, UDP-Lite) or none. */
		return inet_offered(domain, type, proto) ? 0 : -EPROTONOSUPPORT;
	case SOCK_RAW:
		return -EPERM;		/* as without CAP_NET_RAW */
	case SOCK_PACKET:
		/* __sock_create makes (AF_INET, SOCK_PACKET) a packet socket. */
		return domain == AF_INET ? -EPERM : -ESOCKTNOSUPPORT;
	default:
		return -ESOCKTNOSUPPORT; /* SOCK_SEQPACKET (SCTP), DCCP, RDM */
	}
}

long sock_refusal(int domain, int type, int proto, bool pair)
{
	int t = type & SOCK_TYPE_MASK;
	long ret;

	if (type & ~(SOCK_TYPE_MASK | SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	if (domain < 0 || domain >= AF_MAX)
		return -EAFNOSUPPORT;
	if (t >= SOCK_TYPES_MAX)
		return -EINVAL;
	switch (domain) {
	case AF_INET:
	case AF_INET6:
		ret = inet_refusal(domain, t, proto);
		break;
	case AF_NETLINK:
		if (t != SOCK_RAW && t != SOCK_DGRAM)
			return -ESOCKTNOSUPPORT;
		if (proto < 0 || proto >= NETLINK_LINKS)
			return -EPROTONOSUPPORT;
		/* Routing only (socket_netlink.c). */
		ret = proto == NETLINK_ROUTE ? 0 : -EAFNOSUPPORT;
		break;
	default:
		return -EAFNOSUPPORT;
	}
	if (ret == 0)
		ret = pair ? -EOPNOTSUPP : -EAFNOSUPPORT;
	return ret;
}

SENTRY_HANDLER(socketpair)
{
	return sock_refusal((int)c->args[0], (int)c->args[1],
			    (int)c->args[2], true);
}
