// SPDX-License-Identifier: Apache-2.0
/*
 * Attaching a workload process to the sentry: the workload's side
 * (sentry_attach, sentry_wait_start) and the sentry's (sentry_do_attach).
 *
 * Once the interception filter is installed, any syscall the workload makes
 * may be sent to the sentry, so the listener fd cannot be passed with
 * sendmsg (the sentry is not listening yet). Instead the workload tells the
 * sentry the fd number the listener will get (the lowest free one), waits
 * until the sentry has seized it, installs the filter, and the sentry
 * copies the listener with pidfd_getfd. Seized first: under --strace
 * every call the workload makes once the filter is in (reading the
 * sentry's reply, a sanitizer's mmap) stops for the tracer, and with no
 * tracer yet would fail with ENOSYS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "sentry/control.h"
#include "sentry/internal.h"
#include "sentry/keys.h"
#include "syscalls/table.h"

static int send_with_creds(int sock, const void *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	struct ucred cr = { getpid(), getuid(), getgid() };
	ssize_t n;

	memset(u.buf, 0, sizeof(u.buf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cr));
	memcpy(CMSG_DATA(cm), &cr, sizeof(cr));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n < len)
		return cv_write_all(sock, (const char *)buf + n, len - n);
	return 0;
}

/* The request header, the attach record, the groups and the cwd, packed
 * back to back: the record sits at offset 12, so it is copied in, never
 * written through a (misaligned) struct pointer. */
static char *attach_payload(const struct sentry_attach_info *info,
			    enum platform_kind kind, size_t *len)
{
	size_t cwd_len = info->cwd ? strlen(info->cwd) : 0;
	size_t n = sizeof(struct ctl_req) + sizeof(struct ctl_attach) +
		   info->ngroups * sizeof(uint32_t) + cwd_len;
	char *buf = calloc(1, n), *p = buf;
	struct ctl_req req = { CTL_MAGIC, CTL_OP_ATTACH,
			       n - sizeof(struct ctl_req) };
	struct ctl_attach a = {
		.platform = kind, .is_exec = info->is_exec,
		.ruid = info->ruid, .euid = info->euid, .suid = info->suid,
		.rgid = info->rgid, .egid = info->egid, .sgid = info->sgid,
		.cap_effective = info->cap_effective,
		.cap_permitted = info->cap_permitted,
		.cap_inheritable = info->cap_inheritable,
		.cap_bounding = info->cap_bounding,
		.cap_ambient = info->cap_ambient,
		.umask = info->umask, .ngroups = info->ngroups,
		.cwd_len = cwd_len, .ns_pid = getpid(),
		.no_new_privs = info->no_new_privs,
	};

	if (buf == NULL)
		return NULL;
	memcpy(p, &req, sizeof(req));
	p += sizeof(req);
	memcpy(p, &a, sizeof(a));
	p += sizeof(a);
	for (size_t i = 0; i < info->ngroups; i++) {
		uint32_t g = info->groups[i];

		memcpy(p, &g, sizeof(g));
		p += sizeof(g);
	}
	if (cwd_len)
		memcpy(p, info->cwd, cwd_len);
	*len = n;
	return buf;
}

uint64_t sentry_inject_cookie;

int sentry_attach_init(void)
{
	uint64_t c = 0;

	if (getrandom(&c, sizeof(c), 0) != (ssize_t)sizeof(c))
		return -errno;
	sentry_inject_cookie = c | 1;
	plat_inject_cookie = sentry_inject_cookie;
	return 0;
}

/* The attach reply: flags, our filter's trace tag, then the cookie. */
struct attach_reply {
	uint32_t flags;
	uint32_t tag;
	uint64_t cookie;
};

int sentry_attach(int fd, enum platform_kind kind,
		  const struct sentry_attach_info *info, struct cv_error **err)
{
	cleanup_free char *buf = NULL;
	struct sc_filter_opts opts = { .mode = SC_FILTER_NOTIFY };
	uint32_t flags = 0, tag = 0, len = 0;
	cleanup_free void *rep = NULL;
	int32_t predicted = -1;
	size_t n;
	int ret, lfd;

	/* The config's no_new_privs is the kernel's: without it the caller
	 * holds CAP_SYS_ADMIN for the filter (runsc/process.c). */
	if (info->no_new_privs && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cv_error_set(err, errno, "attach: no_new_privs");
	buf = attach_payload(info, kind, &n);
	if (buf == NULL)
		return cv_error_set(err, ENOMEM, "attach");
	ret = send_with_creds(fd, buf, n);
	if (ret < 0)
		return cv_error_set(err, -ret, "attach: send to the sentry");
	ret = ctl_read_reply(fd, &rep, &len);
	if (ret < 0)
		return cv_error_set(err, -ret, "attach: sentry refused");
	if (len >= sizeof(uint32_t))
		memcpy(&flags, rep, sizeof(flags));
	if (len >= 2 * sizeof(uint32_t))
		memcpy(&tag, (char *)rep + sizeof(flags), sizeof(tag));
	if (len >= sizeof(struct attach_reply))
		memcpy(&sentry_inject_cookie,
		       (char *)rep + offsetof(struct attach_reply, cookie),
		       sizeof(sentry_inject_cookie));
	opts.strace = flags & CTL_ATTACH_F_STRACE;
	opts.wait_killable = flags & CTL_ATTACH_F_WAIT_KILLABLE;
	opts.tag = (uint16_t)tag;
	if (kind == PLATFORM_PTRACE)
		opts.mode = SC_FILTER_TRACE;
	if (opts.mode == SC_FILTER_NOTIFY) {
		/* The listener will take the lowest free fd number. */
		predicted = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (predicted < 0)
			return cv_error_set(err, errno, "attach: fcntl");
		close(predicted);
	}
	ret = cv_write_all(fd, &predicted, sizeof(predicted));
	if (ret < 0)
		return cv_error_set(err, -ret, "attach: send to the sentry");
	ret = ctl_read_reply(fd, NULL, NULL);
	if (ret < 0)
		return cv_error_set(err, -ret, "attach: sentry did not seize");
	lfd = sc_install_filter(&opts);
	if (lfd == -EACCES && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		/* no CAP_SYS_ADMIN after all: never unconfined, no set-id
		 * gain then */
		log_warn("attach: no CAP_SYS_ADMIN for the filter: "
			 "no_new_privs set");
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return cv_error_set(err, errno, "attach: no_new_privs");
		lfd = sc_install_filter(&opts);
	}
	if (lfd < 0)
		return cv_error_set(err, -lfd, "attach: install filter");
	if (opts.mode == SC_FILTER_NOTIFY && lfd != predicted) {
		close(lfd);
		return cv_error_setx(err, "attach: listener fd %d, not %d",
				     lfd, predicted);
	}
	ret = ctl_read_reply(fd, NULL, NULL);
	if (opts.mode == SC_FILTER_NOTIFY)
		close(lfd);
	if (ret < 0)
		return cv_error_set(err, -ret, "attach: sentry did not attach");
	return 0;
}

int sentry_wait_start(int fd, struct cv_error **err)
{
	char c = 0;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return cv_error_set(err, errno, "wait for start");
	if (n == 0 || c != 'S')
		return cv_error_setx(err, "sandbox went away before start");
	return 0;
}

/* --- the sentry's side ------------------------------------------------- */

static int recv_with_creds(int sock, void *buf, size_t len, pid_t *pid)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_WAITALL | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EPROTO;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		struct ucred cr;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_CREDENTIALS)
			continue;
		memcpy(&cr, CMSG_DATA(cm), sizeof(cr));
		*pid = cr.pid;
	}
	return 0;
}

static int fill_creds(struct task_creds *c, const struct ctl_attach *a,
		      const uint32_t *groups)
{
	*c = (struct task_creds){
		.ruid = a->ruid, .euid = a->euid, .suid = a->suid,
		.fsuid = a->euid,
		.rgid = a->rgid, .egid = a->egid, .sgid = a->sgid,
		.fsgid = a->egid,
		.cap_effective = a->cap_effective,
		.cap_permitted = a->cap_permitted,
		.cap_inheritable = a->cap_inheritable,
		.cap_bounding = a->cap_bounding,
		.cap_ambient = a->cap_ambient,
		.no_new_privs = a->no_new_privs != 0,
	};
	if (a->ngroups == 0)
		return 0;
	c->groups = calloc(a->ngroups, sizeof(gid_t));
	if (c->groups == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < a->ngroups; i++)
		c->groups[i] = groups[i];
	c->ngroups = a->ngroups;
	return 0;
}

/* The listener fd the workload installed, copied into the sentry. */
static int fetch_listener(struct task *t, int wfd)
{
	struct timespec ts = { 0, 1000000 };

	for (int i = 0; i < 3000; i++) {
		int fd = syscall(SYS_pidfd_getfd, t->pidfd, wfd, 0);

		if (fd >= 0) {
			if (plat_notif_valid(fd, 0) == -ENOENT)
				return fd;
			close(fd);
		} else if (errno != EBADF) {
			return -errno;
		}
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

static int task_open_cwd(struct sentry *s, struct task *t, const char *cwd)
{
	struct gofer_creds cr;
	struct gofer_at at = { GOFER_AT_ROOT, GOFER_AT_ROOT, cwd };
	int fd = -1, ret;

	task_gofer_creds(t, &cr);
	ret = gofer_openat(&s->gofer, &cr, &at, O_PATH | O_DIRECTORY, 0, 0,
			   &fd);
	if (ret < 0) {
		log_warn("sentry: cwd %s: %s", cwd, strerror(-ret));
		return GOFER_AT_ROOT;
	}
	return fd;
}

static int attach_task(struct sentry *s, pid_t pid, const struct ctl_attach *a,
		       const uint32_t *groups, const char *cwd, int wfd)
{
	struct task *t;
	int ret, lfd;

	t = task_new(s, pid, pid);
	if (t == NULL)
		return -ENOMEM;
	task_st(t)->known = true;
	task_st(t)->ids_known = true;
	/* t->workload stays false until its exec (exec_on_event): until
	 * then it runs runsc's code and /proc shows nothing of it. */
	if (a->ns_pid > 0)
		t->tid = t->tgid = a->ns_pid;
	ret = fill_creds(&t->creds, a, groups);
	if (ret < 0)
		return ret;
	keys_attach(t, s->cfg->id);
	t->fs = task_fs_new(GOFER_AT_ROOT, a->umask & 0777);
	if (t->fs == NULL)
		return -ENOMEM;
	t->fs->cwd_fd = task_open_cwd(s, t, cwd[0] ? cwd : "/");
	if (s->platform != PLATFORM_SECCOMP)
		return 0;
	lfd = fetch_listener(t, wfd);
	if (lfd < 0)
		return lfd;
	return sentry_add_notify(s, lfd);
}

int sentry_do_attach(struct sentry *s, int sock, pid_t fallback_pid)
{
	struct ctl_req req;
	cleanup_free char *payload = NULL;
	const struct ctl_attach *a;
	/* The filter's options: the task installs what s->ours holds. */
	struct attach_reply rep = {
		.flags = (s->filter.strace ? CTL_ATTACH_F_STRACE : 0) |
			 (s->filter.wait_killable ? CTL_ATTACH_F_WAIT_KILLABLE :
						    0),
		.tag = s->filter.tag,
		.cookie = sentry_inject_cookie,
	};
	int32_t wfd = -1;
	pid_t pid = fallback_pid;
	int one = 1, ret;

	/* The attaching pid is the kernel's word (SCM_CREDENTIALS), never
	 * the fallback, when the socket can carry it. */
	if (setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0)
		return -errno;
	ret = recv_with_creds(sock, &req, sizeof(req), &pid);
	if (ret < 0)
		return ret;
	if (req.magic != CTL_MAGIC || req.op != CTL_OP_ATTACH ||
	    req.len < sizeof(*a) || req.len > CTL_MAX_PAYLOAD)
		return -EPROTO;
	payload = calloc(1, req.len + 1);
	if (payload == NULL)
		return -ENOMEM;
	ret = cv_read_all(sock, payload, req.len);
	if (ret < 0)
		return ret;
	a = (const struct ctl_attach *)payload;
	if (a->ngroups > 65536 ||
	    sizeof(*a) + a->ngroups * 4ul + a->cwd_len != req.len)
		return ctl_send_reply(sock, -EINVAL, NULL, 0);
	if (pid <= 0)
		return ctl_send_reply(sock, -ESRCH, NULL, 0);
	if (a->platform != (uint32_t)s->platform)
		return ctl_send_reply(sock, -EINVAL, NULL, 0);
	ret = ctl_send_reply(sock, 0, &rep, sizeof(rep));
	if (ret < 0)
		return ret;
	ret = cv_read_all(sock, &wfd, sizeof(wfd));
	if (ret < 0)
		return ret;
	/* Before the task installs its filter (sentry_attach). */
	if (plat_seize(pid) < 0) {
		ret = -errno;
		log_error("sentry: attach of pid %d: seize: %s", pid,
			  strerror(-ret));
		return ctl_send_reply(sock, ret, NULL, 0);
	}
	ret = ctl_send_reply(sock, 0, NULL, 0);
	if (ret < 0)
		return ret;
	ret = attach_task(s, pid, a, (const uint32_t *)(a + 1),
			  payload + sizeof(*a) + a->ngroups * 4ul, wfd);
	if (ret < 0)
		log_error("sentry: attach of pid %d: %s", pid, strerror(-ret));
	else
		log_debug("sentry: attached pid %d", pid);
	return ctl_send_reply(sock, ret, NULL, 0);
}
