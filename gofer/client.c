// SPDX-License-Identifier: Apache-2.0
/*
 * The sentry's side of the gofer protocol (gofer/protocol.h). Each call
 * sends one request and waits for its reply. Replies are checked as
 * strictly as requests: wrong magic, tag or op, a size that does not
 * match the op, or a missing descriptor mean the gofer is broken; so does
 * a closed or failing socket. All of these return -EIO and close the
 * connection for good (broken()): the gofer exits at end of stream and the
 * sentry stops the sandbox when it sees the gofer's pidfd fire
 * (docs/architecture.md, "Security invariants", 5). An -EIO the gofer
 * reports as an operation's result is the syscall's errno, nothing more.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "gofer/client.h"
#include "gofer/protocol.h"
#include "lib/fdpass.h"

/* A request being built. */
struct creq {
	struct gofer_req_hdr h;
	const void *part[GOFER_LEN_N];
	int fds[GOFER_MAX_FDS];
	int nfds;
};

/* Where the reply payload goes. */
struct crep {
	void *buf;
	size_t cap;
	size_t len;		/* received */
	int fd;
};

void gofer_client_init(struct gofer_client *c, int sock)
{
	pthread_mutexattr_t a;

	/* Recursive: broken() takes it, inside a call or after one. */
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&c->lock, &a);
	pthread_mutexattr_destroy(&a);
	c->sock = sock;
	c->next_tag = 1;
}

static int creq_init(struct creq *q, int op, const struct gofer_creds *cr)
{
	memset(q, 0, sizeof(*q));
	q->h.magic = GOFER_PROTO_MAGIC;
	q->h.op = (uint16_t)op;
	if (!cr)
		return 0;
	if (cr->ngroups > GOFER_MAX_GROUPS)
		return -EINVAL;
	q->h.creds.fsuid = cr->fsuid;
	q->h.creds.fsgid = cr->fsgid;
	q->h.creds.ngroups = cr->ngroups;
	q->h.creds.umask = cr->umask & 0777;
	q->h.creds.cap_effective = cr->cap_effective;
	memcpy(q->h.creds.groups, cr->groups,
	       cr->ngroups * sizeof(cr->groups[0]));
	return 0;
}

static int add_fd(struct creq *q, unsigned bit, int fd)
{
	if (fd < 0)
		return -EBADF;
	/* fds go in bit order: callers add them in that order */
	q->h.fdmask |= (uint16_t)bit;
	q->fds[q->nfds++] = fd;
	return 0;
}

static int add_string(struct creq *q, int slot, const char *s, size_t max,
		      int toolong)
{
	size_t n;

	if (!s)
		return 0;
	n = strnlen(s, max);
	if (n >= max)
		return toolong;
	q->part[slot] = s;
	q->h.len[slot] = (uint32_t)n + 1;
	return 0;
}

/* A path and its base: the dirfd is sent unless the path is absolute or
 * the base is the sandbox root; the rootfd when the task is chrooted. */
static int add_at(struct creq *q, const struct gofer_at *at, int slot,
		  unsigned dirbit, unsigned rootbit)
{
	int ret;

	ret = add_string(q, slot, at->path, GOFER_PATH_MAX, -ENAMETOOLONG);
	if (ret < 0)
		return ret;
	if (at->virt_ok && slot == GOFER_LEN_PATH &&
	    at->rootfd == GOFER_AT_ROOT)
		q->h.xflags |= GOFER_X_VIRTUAL;
	if (at->dirfd != GOFER_AT_ROOT && !(at->path && at->path[0] == '/')) {
		ret = add_fd(q, dirbit, at->dirfd);
		if (ret < 0)
			return ret;
	}
	if (at->rootfd != GOFER_AT_ROOT)
		return add_fd(q, rootbit, at->rootfd);
	return 0;
}

static int send_req(int sock, struct creq *q)
{
	struct iovec iov[1 + GOFER_LEN_N];
	int iovcnt = 1;

	iov[0] = (struct iovec){ &q->h, sizeof(q->h) };
	for (int i = 0; i < GOFER_LEN_N; i++)
		if (q->h.len[i])
			iov[iovcnt++] = (struct iovec){ (void *)q->part[i],
							q->h.len[i] };
	ssize_t n = cv_sendmsg_fds(sock, iov, iovcnt, q->fds, q->nfds, 0);

	return n < 0 ? (int)n : 0;
}

/* A redirect's path arrived split over the op's buffer and c->virt: put
 * it together in c->virt. -EIO if it is not an absolute path. */
static int take_virt(struct gofer_client *c, const struct crep *p, size_t len)
{
	size_t k = len < p->cap ? len : p->cap;

	if (len < 2 || len > sizeof(c->virt))
		return -EIO;
	memmove(c->virt + k, c->virt, len - k);
	if (k > 0)	/* p->buf may be NULL (an op without a buffer) */
		memcpy(c->virt, p->buf, k);
	if (c->virt[0] != '/' || memchr(c->virt, '\0', len) != c->virt + len - 1)
		return -EIO;
	return 0;
}

/*
 * A well-formed reply whose fds the kernel could not install because the
 * sentry's own fd table is full (MSG_CTRUNC, fewer fds than the header
 * says): not a broken gofer. The call fails with ENFILE, Linux's errno when
 * the system's file table is full (docs/security.md, "Resource
 * exhaustion").
 */
static bool fds_dropped(const struct creq *q, const struct gofer_rep_hdr *h,
			const struct crep *p)
{
	return h->magic == GOFER_PROTO_MAGIC && h->tag == q->h.tag &&
	       h->op == q->h.op && h->nfds > 0 && h->nfds <= GOFER_MAX_FDS &&
	       h->result >= 0 && h->len <= p->cap;
}

/* Receives the reply; -EIO if anything about it is wrong. The payload goes
 * to p->buf; only a redirect (-GOFER_EVIRTUAL) may overflow into c->virt. */
static int recv_rep(struct gofer_client *cl, const struct creq *q,
		    struct crep *p, struct gofer_rep_hdr *h)
{
	/* A reply carries at most one fd and a whole header; the helper
	 * refuses anything else with whatever came closed. */
	struct cv_fdrecv lim = { .flags = MSG_CMSG_CLOEXEC, .maxfds = 1,
				 .minlen = sizeof(*h) };
	struct iovec iov[3] = { { h, sizeof(*h) }, { p->buf, p->cap },
				{ cl->virt, sizeof(cl->virt) } };
	int nfds = 0, bad = 0;
	ssize_t n;

	n = cv_recvmsg_fds(cl->sock, iov, 3, &lim, &p->fd, &nfds);
	/* MSG_CTRUNC with a whole, valid header and a payload that fits (so
	 * not MSG_TRUNC): the kernel dropped the fd because the sentry's
	 * table is full. The channel is intact: the call fails, nothing
	 * more. */
	if (n == -EMSGSIZE && fds_dropped(q, h, p)) {
		p->fd = -1;
		return -ENFILE;
	}
	if (n <= 0)
		return -EIO;
	if (h->magic != GOFER_PROTO_MAGIC)
		bad = 1;
	else if (h->tag != q->h.tag || h->op != q->h.op)
		bad = 1;
	else if (h->len != (size_t)n - sizeof(*h) || h->nfds != nfds)
		bad = 1;
	else if (h->result < -4095 || h->result > INT32_MAX)
		bad = 1;
	else if (h->result == -GOFER_EVIRTUAL &&
		 (!(q->h.xflags & GOFER_X_VIRTUAL) || nfds ||
		  take_virt(cl, p, h->len) < 0))
		bad = 1;
	else if (h->result != -GOFER_EVIRTUAL &&
		 (h->len > p->cap || (h->result < 0 && (h->len || nfds))))
		bad = 1;
	if (bad) {
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		return -EIO;
	}
	p->len = h->len;
	return 0;
}

/*
 * The gofer broke the protocol (or is gone): drop the connection for good.
 * The gofer then reads end of stream and exits, and the sentry, which
 * watches its pidfd, stops the sandbox (docs/architecture.md, "Security
 * invariants", 5). Every later call is -EIO at once.
 */
static int broken(struct gofer_client *c)
{
	pthread_mutex_lock(&c->lock);
	if (c->sock >= 0) {
		close(c->sock);
		c->sock = -1;
	}
	pthread_mutex_unlock(&c->lock);
	return -EIO;
}

static int call_locked(struct gofer_client *c, struct creq *q,
		       struct crep *p)
{
	struct gofer_rep_hdr h = { 0 };
	int cpu, ret;

	p->fd = -1;
	p->len = 0;
	if (c->sock < 0)
		return -EIO;
	q->h.tag = c->next_tag++;
	cpu = sched_getcpu();	/* rseq or vDSO: no system call */
	q->h.cpu = cpu >= 0 ? (uint32_t)cpu + 1 : 0;
	ret = send_req(c->sock, q);
	if (ret == -EMSGSIZE)	/* bigger than the socket buffer: not sent */
		return -EIO;
	if (ret < 0)
		return broken(c);
	ret = recv_rep(c, q, p, &h);
	if (ret == -ENFILE)	/* our table is full; the channel is fine */
		return ret;
	if (ret < 0)
		return broken(c);
	if (h.result == -GOFER_EVIRTUAL)
		p->len = 0;
	return (int)h.result;
}

static int call(struct gofer_client *c, struct creq *q, struct crep *p)
{
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = call_locked(c, q, p);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* A call whose reply carries nothing but the result. */
static int call_simple(struct gofer_client *c, struct creq *q)
{
	struct crep p = { 0 };
	int ret = call(c, q, &p);

	if (p.fd >= 0) {
		close(p.fd);
		return broken(c);
	}
	if (ret >= 0 && p.len)
		return broken(c);
	return ret;
}

/* A call whose successful reply is exactly len bytes into buf. */
static int call_fixed(struct gofer_client *c, struct creq *q, void *buf,
		      size_t len)
{
	struct crep p = { .buf = buf, .cap = len };
	int ret = call(c, q, &p);

	if (p.fd >= 0) {
		close(p.fd);
		return broken(c);
	}
	if (ret >= 0 && p.len != len)
		return broken(c);
	return ret;
}

#define CREQ(q, op, cr)                         \
	struct creq q;                          \
	int ret_ = creq_init(&q, op, cr);       \
	if (ret_ < 0)                           \
		return ret_

#define TRY(x)                        \
	do {                          \
		int r_ = (x);         \
		if (r_ < 0)           \
			return r_;    \
	} while (0)

/* A reply that is one fd and nothing else: the fd, or the channel is
 * broken (a stray fd closed). */
static int fd_reply(struct gofer_client *c, struct crep *p, int *fd_out)
{
	if (p->fd < 0 || p->len)
		return p->fd >= 0 ? (close(p->fd), broken(c)) : broken(c);
	*fd_out = p->fd;
	return 0;
}

int gofer_openat(struct gofer_client *c, const struct gofer_creds *cr,
		 const struct gofer_at *at, int flags, mode_t mode,
		 uint64_t resolve, int *fd_out)
{
	struct crep p = { 0 };
	int ret;

	CREQ(q, GOFER_OP_OPENAT, cr);
	if (!at->path)
		return -EFAULT;
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.flags = flags;
	q.h.mode = (uint32_t)mode;
	q.h.arg[0] = resolve;
	ret = call(c, &q, &p);
	return ret < 0 ? ret : fd_reply(c, &p, fd_out);
}

int gofer_fstatat(struct gofer_client *c, const struct gofer_creds *cr,
		  const struct gofer_at *at, int flags, struct stat *st)
{
	CREQ(q, GOFER_OP_FSTATAT, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.flags = flags;
	return call_fixed(c, &q, st, sizeof(*st));
}

int gofer_statx(struct gofer_client *c, const struct gofer_creds *cr,
		const struct gofer_at *at, int flags, unsigned mask,
		struct statx *stx)
{
	CREQ(q, GOFER_OP_STATX, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.flags = flags;
	q.h.arg[0] = mask;
	return call_fixed(c, &q, stx, sizeof(*stx));
}

int gofer_statfs(struct gofer_client *c, const struct gofer_creds *cr,
		 const struct gofer_at *at, struct statfs *st)
{
	CREQ(q, GOFER_OP_STATFS, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	return call_fixed(c, &q, st, sizeof(*st));
}

int gofer_faccessat(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *at, int mode, int flags)
{
	CREQ(q, GOFER_OP_FACCESSAT, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.mode = (uint32_t)mode;
	q.h.flags = flags;
	return call_simple(c, &q);
}

int gofer_readlinkat(struct gofer_client *c, const struct gofer_creds *cr,
		     const struct gofer_at *at, char *buf, size_t len)
{
	struct crep p = { .buf = buf, .cap = len };
	int ret;

	CREQ(q, GOFER_OP_READLINKAT, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	if (len > GOFER_PATH_MAX)
		p.cap = GOFER_PATH_MAX;
	q.h.arg[0] = len > INT32_MAX ? INT32_MAX : len;
	ret = call(c, &q, &p);
	if (p.fd >= 0) {
		close(p.fd);
		return broken(c);
	}
	if (ret >= 0 && p.len != (size_t)ret)
		return broken(c);
	return ret;
}

int gofer_mkdirat(struct gofer_client *c, const struct gofer_creds *cr,
		  const struct gofer_at *at, mode_t mode)
{
	CREQ(q, GOFER_OP_MKDIRAT, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.mode = (uint32_t)mode;
	return call_simple(c, &q);
}

int gofer_mknodat(struct gofer_client *c, const struct gofer_creds *cr,
		  const struct gofer_at *at, mode_t mode, dev_t dev)
{
	CREQ(q, GOFER_OP_MKNODAT, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.mode = (uint32_t)mode;
	q.h.arg[0] = dev;
	return call_simple(c, &q);
}

int gofer_unlinkat(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, int flags)
{
	CREQ(q, GOFER_OP_UNLINKAT, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.flags = flags;
	return call_simple(c, &q);
}

int gofer_renameat2(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *from, const struct gofer_at *to,
		    unsigned flags)
{
	CREQ(q, GOFER_OP_RENAMEAT2, cr);
	TRY(add_at(&q, from, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	TRY(add_at(&q, to, GOFER_LEN_PATH2, GOFER_FD_DIR2, GOFER_FD_ROOT2));
	q.h.flags = (int)flags;
	return call_simple(c, &q);
}

int gofer_linkat(struct gofer_client *c, const struct gofer_creds *cr,
		 const struct gofer_at *from, const struct gofer_at *to,
		 int flags)
{
	CREQ(q, GOFER_OP_LINKAT, cr);
	TRY(add_at(&q, from, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	TRY(add_at(&q, to, GOFER_LEN_PATH2, GOFER_FD_DIR2, GOFER_FD_ROOT2));
	q.h.flags = flags;
	return call_simple(c, &q);
}

int gofer_symlinkat(struct gofer_client *c, const struct gofer_creds *cr,
		    const char *target, const struct gofer_at *at)
{
	CREQ(q, GOFER_OP_SYMLINKAT, cr);
	if (!target)
		return -EFAULT;
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	TRY(add_string(&q, GOFER_LEN_PATH2, target, GOFER_PATH_MAX,
		       -ENAMETOOLONG));
	return call_simple(c, &q);
}

int gofer_fchmodat(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, mode_t mode, int flags)
{
	CREQ(q, GOFER_OP_FCHMODAT, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.mode = (uint32_t)mode;
	q.h.flags = flags;
	return call_simple(c, &q);
}

int gofer_fchownat(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, uid_t uid, gid_t gid, int flags)
{
	CREQ(q, GOFER_OP_FCHOWNAT, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.arg[0] = (uint32_t)uid;
	q.h.arg[1] = (uint32_t)gid;
	q.h.flags = flags;
	return call_simple(c, &q);
}

int gofer_utimensat(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *at, const struct timespec times[2],
		    int flags)
{
	CREQ(q, GOFER_OP_UTIMENSAT, cr);
	if (flags & GOFER_UTIME_NULL)
		return -EINVAL;
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.flags = flags;
	if (!times) {
		q.h.flags |= GOFER_UTIME_NULL;
	} else {
		q.h.arg[0] = (uint64_t)times[0].tv_sec;
		q.h.arg[1] = (uint64_t)times[0].tv_nsec;
		q.h.arg[2] = (uint64_t)times[1].tv_sec;
		q.h.arg[3] = (uint64_t)times[1].tv_nsec;
	}
	return call_simple(c, &q);
}

int gofer_truncate(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, off_t length)
{
	CREQ(q, GOFER_OP_TRUNCATE, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.arg[0] = (uint64_t)length;
	return call_simple(c, &q);
}

/* Linux: names longer than XATTR_NAME_MAX or empty are ERANGE. */
static int add_xattr_name(struct creq *q, const char *name)
{
	if (!name)
		return -EFAULT;
	if (!name[0])
		return -ERANGE;
	return add_string(q, GOFER_LEN_NAME, name, GOFER_NAME_MAX, -ERANGE);
}

/* A call returning a size and up to cap bytes of data into buf. */
static int call_sized(struct gofer_client *c, struct creq *q, void *buf,
		      size_t cap)
{
	struct crep p = { .buf = buf, .cap = cap };
	int ret = call(c, q, &p);

	if (p.fd >= 0) {
		close(p.fd);
		return broken(c);
	}
	if (ret >= 0 && p.len != (cap ? (size_t)ret : 0))
		return broken(c);
	return ret;
}

int gofer_getxattr(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, int flags, const char *name,
		   void *value, size_t size)
{
	CREQ(q, GOFER_OP_GETXATTR, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	TRY(add_xattr_name(&q, name));
	if (size > GOFER_VALUE_MAX)
		size = GOFER_VALUE_MAX;
	q.h.flags = flags;
	q.h.arg[0] = size;
	return call_sized(c, &q, value, size);
}

int gofer_setxattr(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, int flags, const char *name,
		   const void *value, size_t size, int xflags)
{
	CREQ(q, GOFER_OP_SETXATTR, cr);
	if (size > GOFER_VALUE_MAX)
		return -E2BIG;
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	TRY(add_xattr_name(&q, name));
	q.part[GOFER_LEN_VALUE] = value;
	q.h.len[GOFER_LEN_VALUE] = (uint32_t)size;
	q.h.flags = flags;
	q.h.arg[1] = (uint32_t)xflags;
	return call_simple(c, &q);
}

int gofer_listxattr(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *at, int flags, char *list,
		    size_t size)
{
	CREQ(q, GOFER_OP_LISTXATTR, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	if (size > GOFER_VALUE_MAX)
		size = GOFER_VALUE_MAX;
	q.h.flags = flags;
	q.h.arg[0] = size;
	return call_sized(c, &q, list, size);
}

int gofer_removexattr(struct gofer_client *c, const struct gofer_creds *cr,
		      const struct gofer_at *at, int flags, const char *name)
{
	CREQ(q, GOFER_OP_REMOVEXATTR, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	TRY(add_xattr_name(&q, name));
	q.h.flags = flags;
	return call_simple(c, &q);
}

static int sock_call(struct gofer_client *c, int op,
		     const struct gofer_creds *cr, const struct gofer_at *at,
		     int sockfd)
{
	CREQ(q, op, cr);
	if (!at->path)
		return -EFAULT;
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	TRY(add_fd(&q, GOFER_FD_SOCK, sockfd));
	return call_simple(c, &q);
}

int gofer_bind_unix(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *at, int sockfd)
{
	return sock_call(c, GOFER_OP_BIND_UNIX, cr, at, sockfd);
}

int gofer_connect_unix(struct gofer_client *c, const struct gofer_creds *cr,
		       const struct gofer_at *at, int sockfd)
{
	return sock_call(c, GOFER_OP_CONNECT_UNIX, cr, at, sockfd);
}

int gofer_connect_abstract(struct gofer_client *c, const struct gofer_creds *cr,
			   const void *name, size_t len, int sockfd)
{
	CREQ(q, GOFER_OP_CONNECT_ABSTRACT, cr);
	if (len == 0 || len > sizeof(((struct sockaddr_un *)0)->sun_path))
		return -EINVAL;
	q.part[GOFER_LEN_VALUE] = name;
	q.h.len[GOFER_LEN_VALUE] = (uint32_t)len;
	TRY(add_fd(&q, GOFER_FD_SOCK, sockfd));
	return call_simple(c, &q);
}

#define EXEC_REP_MAX \
	(sizeof(struct gofer_wire_exec) + 256 + GOFER_PATH_MAX)

static int parse_exec(const unsigned char *buf, size_t len,
		      struct gofer_exec_info *out)
{
	struct gofer_wire_exec w;
	const char *path;

	if (len < sizeof(w))
		return -EIO;
	memcpy(&w, buf, sizeof(w));
	if (w.head_len > sizeof(out->head) || w.path_len == 0 ||
	    w.path_len > sizeof(out->path) ||
	    sizeof(w) + w.head_len + w.path_len != len)
		return -EIO;
	path = (const char *)buf + sizeof(w) + w.head_len;
	if (memchr(path, '\0', w.path_len) != path + w.path_len - 1)
		return -EIO;
	memcpy(out->head, buf + sizeof(w), w.head_len);
	out->head_len = w.head_len;
	memcpy(out->path, path, w.path_len);
	out->mode = w.mode;
	out->uid = w.uid;
	out->gid = w.gid;
	out->gain = w.gain;
	return 0;
}

int gofer_exec_resolve(struct gofer_client *c, const struct gofer_creds *cr,
		       const struct gofer_at *at, int flags,
		       struct gofer_exec_info *out)
{
	unsigned char buf[EXEC_REP_MAX];
	struct crep p = { .buf = buf, .cap = sizeof(buf) };
	int ret;

	out->setid_fd = -1;
	CREQ(q, GOFER_OP_EXEC_RESOLVE, cr);
	TRY(add_at(&q, at, GOFER_LEN_PATH, GOFER_FD_DIR, GOFER_FD_ROOT));
	q.h.flags = flags;
	ret = call(c, &q, &p);
	if (p.fd >= 0 && (ret < 0 || !(flags & GOFER_EXEC_SETID))) {
		close(p.fd);
		return broken(c);
	}
	if (ret >= 0)
		ret = parse_exec(buf, p.len, out);
	if (ret < 0 && p.fd >= 0)
		close(p.fd);
	else
		out->setid_fd = p.fd;
	return ret;
}

int gofer_dir_path(struct gofer_client *c, int dirfd, char *buf, size_t len)
{
	char tmp[GOFER_PATH_MAX];
	struct crep p = { .buf = tmp, .cap = sizeof(tmp) };
	int ret;

	CREQ(q, GOFER_OP_DIR_PATH, NULL);
	TRY(add_fd(&q, GOFER_FD_DIR, dirfd));
	ret = call(c, &q, &p);
	if (p.fd >= 0) {
		close(p.fd);
		return broken(c);
	}
	if (ret < 0)
		return ret;
	if (p.len != (size_t)ret + 1 || tmp[ret] != '\0' ||
	    strlen(tmp) != (size_t)ret)
		return -EIO;
	if ((size_t)ret + 1 > len)
		return -ERANGE;
	memcpy(buf, tmp, (size_t)ret + 1);
	return ret;
}

int gofer_channel_open(struct gofer_client *c, int *sock_out)
{
	struct crep p = { 0 };
	int ret;

	CREQ(q, GOFER_OP_CHANNEL, NULL);
	ret = call(c, &q, &p);
	return ret < 0 ? ret : fd_reply(c, &p, sock_out);
}
