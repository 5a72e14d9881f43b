// SPDX-License-Identifier: Apache-2.0
/*
 * The gofer's dispatch loop: receive one request, validate it strictly,
 * run it as the calling task, send one reply. See docs/gofer-protocol.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gofer/gofer.h"
#include "gofer/server.h"
#include "lib/util.h"
#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"

static const gofer_op_fn gofer_ops[GOFER_OP_MAX] = {
	[GOFER_OP_OPENAT] = gofer_op_openat,
	[GOFER_OP_FSTATAT] = gofer_op_fstatat,
	[GOFER_OP_STATX] = gofer_op_statx,
	[GOFER_OP_STATFS] = gofer_op_statfs,
	[GOFER_OP_FACCESSAT] = gofer_op_faccessat,
	[GOFER_OP_READLINKAT] = gofer_op_readlinkat,
	[GOFER_OP_MKDIRAT] = gofer_op_mkdirat,
	[GOFER_OP_MKNODAT] = gofer_op_mknodat,
	[GOFER_OP_UNLINKAT] = gofer_op_unlinkat,
	[GOFER_OP_RENAMEAT2] = gofer_op_renameat2,
	[GOFER_OP_LINKAT] = gofer_op_linkat,
	[GOFER_OP_SYMLINKAT] = gofer_op_symlinkat,
	[GOFER_OP_FCHMODAT] = gofer_op_fchmodat,
	[GOFER_OP_FCHOWNAT] = gofer_op_fchownat,
	[GOFER_OP_UTIMENSAT] = gofer_op_utimensat,
	[GOFER_OP_TRUNCATE] = gofer_op_truncate,
	[GOFER_OP_GETXATTR] = gofer_op_getxattr,
	[GOFER_OP_SETXATTR] = gofer_op_setxattr,
	[GOFER_OP_LISTXATTR] = gofer_op_listxattr,
	[GOFER_OP_REMOVEXATTR] = gofer_op_removexattr,
	[GOFER_OP_BIND_UNIX] = gofer_op_bind_unix,
	[GOFER_OP_CONNECT_UNIX] = gofer_op_connect_unix,
	[GOFER_OP_EXEC_RESOLVE] = gofer_op_exec_resolve,
	[GOFER_OP_DIR_PATH] = gofer_op_dir_path,
	[GOFER_OP_CONNECT_ABSTRACT] = gofer_op_connect_abstract,
};

#define GOFER_REQ_BUF (sizeof(struct gofer_req_hdr) + GOFER_REQ_PAYLOAD_MAX)

int gofer_base(const struct gofer_srv *s, const struct gofer_req *r)
{
	if (r->dirfd >= 0)
		return r->dirfd;
	return r->rootfd >= 0 ? r->rootfd : s->root_fd;
}

int gofer_base2(const struct gofer_srv *s, const struct gofer_req *r)
{
	if (r->dirfd2 >= 0)
		return r->dirfd2;
	if (r->rootfd2 >= 0)
		return r->rootfd2;
	return r->rootfd >= 0 ? r->rootfd : s->root_fd;
}

const char *gofer_path_or_empty(const char *path)
{
	return path ? path : "";
}

static void close_fds(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Receives one message; returns its size, 0 at end of stream, -errno.
 * Truncated messages or control data are -EMSGSIZE, unexpected control
 * data -EBADMSG; either way no fd is left open and *nfds is 0. */
static ssize_t recv_msg(int sock, void *buf, size_t len, int *fds, int *nfds)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct cv_fdrecv lim = { .flags = MSG_CMSG_CLOEXEC,
				 .maxfds = GOFER_MAX_FDS };

	return cv_recvmsg_fds(sock, &iov, 1, &lim, fds, nfds);
}

static int send_reply(int sock, const struct gofer_rep_hdr *h,
		      const void *payload, int fd)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)h, .iov_len = sizeof(*h) },
		{ .iov_base = (void *)payload, .iov_len = h->len },
	};
	ssize_t n = cv_sendmsg_fds(sock, iov, h->len ? 2 : 1, &fd,
				   fd >= 0 ? 1 : 0, 0);

	return n < 0 ? (int)n : 0;
}

/* A string field: non-empty, NUL-terminated at its last byte only. */
static int check_string(const char *p, uint32_t len, uint32_t max)
{
	if (len == 0 || len > max)
		return -EPROTO;
	if (memchr(p, '\0', len) != p + len - 1)
		return -EPROTO;
	return 0;
}

/* Decodes the frame; -EPROTO if malformed. Takes the fds (in order). */
static int decode(struct gofer_req *r, const char *buf, size_t n,
		  const int *fds, int nfds)
{
	static const uint32_t max[GOFER_LEN_N] = {
		GOFER_PATH_MAX, GOFER_PATH_MAX, GOFER_NAME_MAX, GOFER_VALUE_MAX,
	};
	int *slot[GOFER_MAX_FDS] = { &r->dirfd, &r->rootfd, &r->dirfd2,
				     &r->rootfd2, &r->sockfd };
	const char *p = buf + sizeof(r->h);
	size_t total = 0;
	int k = 0;

	memcpy(&r->h, buf, sizeof(r->h));
	if (r->h.magic != GOFER_PROTO_MAGIC || (r->h.fdmask & ~GOFER_FD_ALL))
		return -EPROTO;
	if (r->h.creds.ngroups > GOFER_MAX_GROUPS)
		return -EPROTO;
	if (__builtin_popcount(r->h.fdmask) != nfds)
		return -EPROTO;
	for (int i = 0; i < GOFER_LEN_N; i++) {
		if (r->h.len[i] > max[i])
			return -EPROTO;
		total += r->h.len[i];
	}
	if (total != n - sizeof(r->h))
		return -EPROTO;
	for (int i = 0; i < GOFER_LEN_N - 1; i++) {
		uint32_t len = r->h.len[i];

		if (len && check_string(p, len, max[i]) < 0)
			return -EPROTO;
		if (i == GOFER_LEN_PATH)
			r->path = len ? p : NULL;
		else if (i == GOFER_LEN_PATH2)
			r->path2 = len ? p : NULL;
		else
			r->name = len ? p : NULL;
		p += len;
	}
	r->value = p;
	r->value_len = r->h.len[GOFER_LEN_VALUE];
	for (int i = 0; i < GOFER_MAX_FDS; i++)
		if (r->h.fdmask & (1u << i))
			*slot[i] = fds[k++];
	return 0;
}

static bool is_dir_fd(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Donated descriptors must be on the gofer's own mounts; roots must be
 * directories. */
static long check_donated(struct gofer_srv *s, const struct gofer_req *r)
{
	const int dirs[] = { r->dirfd, r->rootfd, r->dirfd2, r->rootfd2 };
	long err;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (dirs[i] < 0)
			continue;
		err = gofer_mnt_check(s, dirs[i]);
		if (err < 0)
			return err;
	}
	if (r->rootfd >= 0 && !is_dir_fd(r->rootfd))
		return -ENOTDIR;
	if (r->rootfd2 >= 0 && !is_dir_fd(r->rootfd2))
		return -ENOTDIR;
	return 0;
}

/*
 * Moves the gofer to the CPU the sentry sent the request from. The sentry
 * sleeps there until the reply, so the gofer's wake-up and the reply's stay
 * on one CPU; otherwise the scheduler wakes the gofer on an idle CPU (its
 * previous one) and each direction costs an IPI, on a VM the wake-up of a
 * halted vCPU: 40-90 us per round trip instead of a few. Only a hint: a
 * CPU outside the gofer's cpuset is refused by the kernel, and ignored.
 * Acted on only when it changes, and only once the same CPU came twice in a
 * row: a sentry that moves on every call would otherwise cost a migration
 * of the gofer per request.
 */
static void follow_cpu(struct gofer_srv *s, uint32_t hint)
{
	cpu_set_t set;

	uint32_t prev = s->cpu_seen;

	s->cpu_seen = hint;
	if (hint == 0 || hint != prev || hint == s->cpu_hint ||
	    hint > CPU_SETSIZE)
		return;
	s->cpu_hint = hint;
	CPU_ZERO(&set);
	CPU_SET(hint - 1, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static long run_op(struct gofer_srv *s, const struct gofer_req *r,
		   struct gofer_rep *rep)
{
	gofer_op_fn fn;
	long ret;

	if (r->h.op == 0 || r->h.op >= GOFER_OP_MAX || !gofer_ops[r->h.op])
		return -ENOSYS;
	fn = gofer_ops[r->h.op];
	ret = check_donated(s, r);
	if (ret < 0)
		return ret;
	if (r->h.op == GOFER_OP_DIR_PATH)
		ret = gofer_privileged(s);
	else
		ret = gofer_enter(s, r);
	if (ret < 0) {
		gofer_leave(s);
		return ret;
	}
	ret = fn(s, r, rep);
	/* No fd of a device node the rules do not allow leaves the gofer,
	 * whichever op opened it (devices.c). */
	if (ret >= 0 && rep->fd >= 0)
		ret = gofer_dev_check_fd(s, rep->fd);
	if (gofer_virtual_probe(s, r, ret, rep) > 0)
		ret = -GOFER_EVIRTUAL;
	gofer_leave(s);
	return ret;
}

/* --- channels ---------------------------------------------------------- */

/*
 * The sentry's workers each get a channel of their own, so their requests
 * run side by side (docs/architecture.md, "Threads of the sentry"). The
 * threads that serve them are made at start-up, after the capabilities
 * are dropped and before the filter (which does not allow clone, socket
 * or unshare): each makes its own fs struct (umask, cwd and chroot per
 * request) and waits until the main thread has its identity set up; then
 * it serves its socket like the main thread serves runsc's. The other end
 * is handed to the sentry by GOFER_OP_CHANNEL, one per request, -EAGAIN
 * when none is left.
 */
#define GOFER_MAX_CHANNELS 8

struct gofer_chan {
	struct gofer_srv srv;
	int peer;		/* the sentry's end until handed over, or -1 */
	pthread_t th;
};

struct gofer_chans {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	unsigned n;		/* channels that may be handed over */
	unsigned made;		/* threads made */
	unsigned started;	/* past unshare(CLONE_FS) */
	int go;			/* 1: serve, -1: the set-up failed */
	unsigned next;		/* the next channel to hand over */
	struct gofer_chan ch[GOFER_MAX_CHANNELS];
};

static long channel_take(struct gofer_srv *s, const struct gofer_req *r,
			 struct gofer_rep *rep)
{
	struct gofer_chans *cs = s->chans;
	long ret = -EAGAIN;

	if (r->h.fdmask != 0 || s->main != NULL)
		return -EINVAL;
	if (cs == NULL)
		return -EAGAIN;
	pthread_mutex_lock(&cs->lock);
	if (cs->next < cs->n) {
		rep->fd = cs->ch[cs->next].peer;	/* closed once sent */
		cs->ch[cs->next++].peer = -1;
		ret = 0;
	}
	pthread_mutex_unlock(&cs->lock);
	return ret;
}

static int serve_one(struct gofer_srv *s, char *buf, void *out);

static void *chan_main(void *arg)
{
	struct gofer_chan *c = arg;
	struct gofer_chans *cs = c->srv.main->chans;
	char *buf = malloc(GOFER_REQ_BUF);
	void *out = malloc(GOFER_REP_PAYLOAD_MAX);
	bool ok = buf != NULL && out != NULL && unshare(CLONE_FS) == 0 &&
		  fchdir(c->srv.root_fd) == 0;
	int go;

	pthread_mutex_lock(&cs->lock);
	cs->started++;
	if (!ok)
		cs->go = -1;
	pthread_cond_broadcast(&cs->cv);
	while (cs->go == 0)
		pthread_cond_wait(&cs->cv, &cs->lock);
	go = cs->go;
	pthread_mutex_unlock(&cs->lock);
	if (go > 0 && gofer_creds_thread_init() == 0)
		while (serve_one(&c->srv, buf, out) == 0)
			;
	/* End of stream (the sentry is gone), or never started:
	 * channels_stop joins the thread. */
	free(buf);
	free(out);
	return NULL;
}

/* How many channels: as many as the sentry has workers
 * (sentry/workers.c sentry_workers_wanted: CVISOR_SENTRY_WORKERS, by
 * default "cpus": the CPUs the gofer may use, its affinity being the
 * container's cpuset; 0: none). */
static unsigned channels_wanted(void)
{
	return cv_workers_wanted(GOFER_MAX_CHANNELS);
}

static int chan_make(struct gofer_srv *s, struct gofer_chan *c)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	c->srv = *s;
	c->srv.main = s;
	c->srv.chans = NULL;
	c->srv.sock = sv[0];
	c->srv.cpu_hint = c->srv.cpu_seen = 0;
	c->srv.mnts = (struct gofer_mnt_set){ 0 };
	c->peer = sv[1];
	if (pthread_create(&c->th, NULL, chan_main, c) != 0) {
		close(sv[0]);
		close(sv[1]);
		return -EAGAIN;
	}
	return 0;
}

/* Between the capabilities and the filter. Failing, the gofer serves
 * the one channel (the sentry's workers share it). */
static void channels_start(struct gofer_srv *s)
{
	unsigned want = channels_wanted();
	struct gofer_chans *cs;

	if (want == 0)
		return;
	cs = calloc(1, sizeof(*cs));
	if (cs == NULL)
		return;
	pthread_mutex_init(&cs->lock, NULL);
	pthread_cond_init(&cs->cv, NULL);
	s->chans = cs;
	while (cs->made < want && chan_make(s, &cs->ch[cs->made]) == 0)
		cs->made++;
	cs->n = cs->made;
	pthread_mutex_lock(&cs->lock);
	while (cs->started < cs->made)
		pthread_cond_wait(&cs->cv, &cs->lock);
	pthread_mutex_unlock(&cs->lock);
}

/* After the main thread's identity is set up (ok) or the start-up
 * failed: the channels' threads serve, or stop. */
static void channels_go(struct gofer_srv *s, bool ok)
{
	struct gofer_chans *cs = s->chans;

	if (cs == NULL)
		return;
	pthread_mutex_lock(&cs->lock);
	if (cs->go == 0)
		cs->go = ok ? 1 : -1;
	if (cs->go < 0)
		cs->n = 0;	/* none handed over */
	pthread_cond_broadcast(&cs->cv);
	pthread_mutex_unlock(&cs->lock);
}

/* How long the end of the gofer waits for a channel's thread. */
#define CHAN_JOIN_NS 2000000000L

static bool chan_join(struct gofer_chan *c, const struct timespec *until)
{
	if (pthread_timedjoin_np(c->th, NULL, until) != 0)
		return false;
	close(c->srv.sock);
	gofer_mnt_free(&c->srv);
	return true;
}

/*
 * At the end of the main channel (the sentry is gone, and its ends of the
 * channels with it): each thread ends at its socket's end of stream, the
 * ones never handed over once their other end is closed here. Joined, so
 * that nothing of theirs is left at exit (tests/escape/gofer_memcheck.sh);
 * a thread still in a request after CHAN_JOIN_NS (its end held by some
 * other process) is left to the process's exit, with the set it uses.
 */
static void channels_stop(struct gofer_srv *s)
{
	struct gofer_chans *cs = s->chans;
	struct timespec until;
	bool all = true;

	if (cs == NULL)
		return;
	pthread_mutex_lock(&cs->lock);
	for (unsigned i = 0; i < cs->made; i++) {
		if (cs->ch[i].peer >= 0)
			close(cs->ch[i].peer);
		cs->ch[i].peer = -1;
	}
	cs->n = cs->next;	/* none handed over any more */
	pthread_mutex_unlock(&cs->lock);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += CHAN_JOIN_NS % 1000000000L;
	until.tv_sec += CHAN_JOIN_NS / 1000000000L + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	for (unsigned i = 0; i < cs->made; i++)
		all = chan_join(&cs->ch[i], &until) && all;
	if (!all) {
		log_warn("a channel's thread did not end: left to the exit");
		return;
	}
	pthread_mutex_destroy(&cs->lock);
	pthread_cond_destroy(&cs->cv);
	free(cs);
	s->chans = NULL;
}

/*
 * Files opened for writing that were sent and are not closed here yet.
 * The sentry's task has the file as soon as it is sent, and the two are
 * one open file, which holds the inode's write count until both are
 * closed: a task that writes a file, closes it and runs it would meet
 * ETXTBSY, where Linux's would not, if this thread was not run again
 * between its send and its close (seen under load, the set-id tests'
 * own_suid). An exec's resolution waits for them.
 */
static unsigned sent_writers;

void gofer_sent_writers_wait(void)
{
	/* A close that is due, only; a bound in case it never comes. */
	for (int i = 0; i < 10000 &&
			__atomic_load_n(&sent_writers, __ATOMIC_SEQ_CST) > 0;
	     i++)
		sched_yield();
}

/* Handles one message; returns 0 to go on, < 0 to stop serving. */
static int serve_one(struct gofer_srv *s, char *buf, void *out)
{
	struct gofer_req r = { .dirfd = -1, .rootfd = -1, .dirfd2 = -1,
			       .rootfd2 = -1, .sockfd = -1 };
	struct gofer_rep rep = { .buf = out, .len = 0, .fd = -1 };
	struct gofer_rep_hdr h = { .magic = GOFER_PROTO_MAGIC };
	int fds[GOFER_MAX_FDS];
	int nfds, ret;
	bool writer;
	ssize_t n;

	n = recv_msg(s->sock, buf, GOFER_REQ_BUF, fds, &nfds);
	if (n == 0)
		return -EPIPE;
	if (n < 0 && n != -EMSGSIZE && n != -EBADMSG)
		return (int)n;
	if (n < (ssize_t)sizeof(r.h)) {	/* nfds is 0 after an error */
		h.result = -EPROTO;
		close_fds(fds, nfds);
	} else if (decode(&r, buf, (size_t)n, fds, nfds) < 0) {
		memcpy(&h.tag, buf + offsetof(struct gofer_req_hdr, tag),
		       sizeof(h.tag));
		h.result = -EPROTO;
		close_fds(fds, nfds);
		log_warn("malformed request refused (EPROTO)");
	} else {
		h.tag = r.h.tag;
		h.op = r.h.op;
		follow_cpu(s, r.h.cpu);
		if (r.h.op == GOFER_OP_CHANNEL)
			h.result = channel_take(s, &r, &rep);
		else
			h.result = run_op(s, &r, &rep);
		close_fds(fds, nfds);
		if (s->debug)
			log_debug("tag %u op %u path \"%s\" fsuid %u -> %lld",
				  r.h.tag, r.h.op, r.path ? r.path : "",
				  r.h.creds.fsuid, (long long)h.result);
	}
	if (h.result < 0 && h.result != -GOFER_EVIRTUAL) {
		rep.len = 0;
		if (rep.fd >= 0)
			close(rep.fd);
		rep.fd = -1;
	}
	if (rep.fd >= 0) {
		/* A channel's socket is no file the sentry may donate back:
		 * its mount (sockfs) is never one of ours. */
		if (h.op != GOFER_OP_CHANNEL)
			gofer_mnt_record(s, rep.fd);
		h.nfds = 1;
	}
	h.len = (uint32_t)rep.len;
	writer = rep.fd >= 0 && h.op == GOFER_OP_OPENAT && h.result >= 0 &&
		 (r.h.flags & O_ACCMODE) != O_RDONLY;
	if (writer)
		__atomic_add_fetch(&sent_writers, 1, __ATOMIC_SEQ_CST);
	ret = send_reply(s->sock, &h, rep.buf, rep.fd);
	if (rep.fd >= 0)
		close(rep.fd);
	if (writer)
		__atomic_sub_fetch(&sent_writers, 1, __ATOMIC_SEQ_CST);
	return ret;
}

static int check_socket(int sock)
{
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return -errno;
	return type == SOCK_SEQPACKET ? 0 : -EPROTOTYPE;
}

static int srv_init(struct gofer_srv *s, int sock)
{
	struct stat st;

	s->sock = sock;
	s->root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->root_fd < 0)
		return -errno;
	if (fstat(s->root_fd, &st) < 0 || chdir("/") < 0)
		return -errno;
	s->root_dev = st.st_dev;
	s->root_ino = st.st_ino;
	gofer_virtual_init(s);
	return gofer_mnt_init(s);
}

#define USERNS_HELLO 'U'

int gofer_ns_send(int sock, char hello, int nsfd)
{
	int32_t result;
	ssize_t n;

	n = cv_send_fds(sock, &hello, 1, &nsfd, 1);
	if (n != 1)
		return n < 0 ? (int)n : -EPROTO;
	do {
		n = recv(sock, &result, sizeof(result), 0);
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(result))
		return n < 0 ? -errno : -EPROTO;
	return result;
}

int gofer_ns_recv(int sock, char want)
{
	struct cv_fdrecv lim = { .flags = MSG_CMSG_CLOEXEC, .minfds = 1,
				 .maxfds = 1, .minlen = 1 };
	char hello = 0;
	struct iovec iov = { .iov_base = &hello, .iov_len = 1 };
	int fds[1], nfds;
	ssize_t n;

	n = cv_recvmsg_fds(sock, &iov, 1, &lim, fds, &nfds);
	if (n <= 0)
		return n == 0 ? -EPIPE : n == -EBADMSG ? -EPROTO : (int)n;
	if (hello != want) {
		close(fds[0]);
		return -EPROTO;
	}
	return fds[0];
}

int gofer_join_userns(int sock, int nsfd)
{
	return gofer_ns_send(sock, USERNS_HELLO, nsfd);
}

/* The gofer's side: before confinement (setns needs CAP_SYS_ADMIN). */
static int await_userns(int sock)
{
	int fd = gofer_ns_recv(sock, USERNS_HELLO);
	int32_t result;

	if (fd < 0)
		return fd;
	result = gofer_creds_join_userns(fd);
	close(fd);
	if (send(sock, &result, sizeof(result), MSG_NOSIGNAL) < 0 &&
	    result == 0)
		result = -errno;
	return result;
}

int gofer_run(const struct gofer_config *cfg)
{
	/* Static: the channels' threads use it until the process ends. */
	static struct gofer_srv s;
	cleanup_free char *buf = malloc(GOFER_REQ_BUF);
	cleanup_free void *out = malloc(GOFER_REP_PAYLOAD_MAX);
	int ret;

	s = (struct gofer_srv){ .root_fd = -1 };
	if (!buf || !out)
		return 1;
	cv_log_set_name("gofer");
	ret = check_socket(cfg->sock);
	if (ret < 0) {
		log_error("socket must be SOCK_SEQPACKET: %s",
			  strerror(-ret));
		return 1;
	}
	s.debug = cfg->debug;
	s.dev_rules = cfg->dev_rules;
	s.n_dev_rules = cfg->n_dev_rules;
	ret = srv_init(&s, cfg->sock);
	if (ret == 0 && cfg->n_mqueue > 0)
		ret = gofer_mqueue_await(cfg->sock, cfg->mqueue_dest,
					 cfg->mqueue_flags, cfg->n_mqueue);
	if (ret == 0 && cfg->userns) {
		ret = await_userns(cfg->sock);
		if (ret < 0)
			log_error("join the container's user namespace: %s",
				  ret == -EOVERFLOW ? "uid or gid 0 not mapped"
						    : strerror(-ret));
	}
	if (ret == 0 && cfg->exec_root) {
		ret = gofer_exec_root_await(cfg->sock);
		if (ret < 0)
			log_error("the exec copy: %s", strerror(-ret));
	}
	if (ret == 0)
		ret = gofer_confine_caps();
	if (ret == 0 && !cfg->no_channels)
		channels_start(&s);
	if (ret == 0)
		ret = gofer_confine_filter(!cfg->no_seccomp);
	if (ret == 0)
		ret = gofer_creds_init();
	channels_go(&s, ret == 0);
	if (ret < 0) {
		log_error("start-up: %s", strerror(-ret));
		channels_stop(&s);
		if (s.chans == NULL)
			gofer_mnt_free(&s);
		return 1;
	}
	if (cfg->debug)
		log_debug("serving");
	do {
		ret = serve_one(&s, buf, out);
	} while (ret == 0);
	channels_stop(&s);
	/* A channel's thread left running may still use the set. */
	if (s.chans == NULL)
		gofer_mnt_free(&s);
	if (s.root_fd >= 0)
		close(s.root_fd);
	return ret == -EPIPE || ret == -ECONNRESET ? 0 : 1;
}
