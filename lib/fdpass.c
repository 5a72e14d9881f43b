/* SPDX-License-Identifier: Apache-2.0 */
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Control buffer: CV_FDPASS_MAX fds and a stray SCM_CREDENTIALS beside
 * them, so that an unexpected message is seen whole and its fds closed. */
union cv_fdctl {
	char buf[CV_FDPASS_SPACE(CV_FDPASS_MAX) +
		 CMSG_SPACE(sizeof(struct ucred))];
	struct cmsghdr align;
};

#define CV_FDCTL_CAP \
	((int)((sizeof(union cv_fdctl) - CMSG_LEN(0)) / sizeof(int)))

ssize_t cv_sendmsg_fds(int sock, const struct iovec *iov, int iovcnt,
		       const int *fds, int nfds, int flags)
{
	union cv_fdctl u;
	struct msghdr msg = { .msg_iov = (struct iovec *)iov,
			      .msg_iovlen = (size_t)iovcnt };
	size_t total = 0;
	ssize_t n;

	if (nfds < 0 || nfds > CV_FDPASS_MAX || iovcnt < 0)
		return -EINVAL;
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (nfds > 0 && total == 0)
		return -EINVAL;	/* a stream drops fds sent without data */
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CV_FDPASS_SPACE((size_t)nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	do
		n = sendmsg(sock, &msg, flags | MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

int cv_fdmsg_parse(const struct msghdr *msg, int *fds, int cap, int *nfds)
{
	int ncmsg = 0, ret = 0;

	*nfds = 0;
	if (msg->msg_control == NULL)
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)msg); c;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		size_t cnt;

		ncmsg++;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0)) {
			ret = -EBADMSG;
			continue;
		}
		cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < cnt; i++) {
			if (*nfds >= cap) {
				ret = -EBADMSG;	/* cap covers the buffer */
				break;
			}
			memcpy(&fds[*nfds], CMSG_DATA(c) + i * sizeof(int),
			       sizeof(int));
			(*nfds)++;
		}
	}
	if (ncmsg > 1)
		ret = -EBADMSG;
	if (msg->msg_flags & MSG_CTRUNC)
		ret = -EMSGSIZE;
	return ret;
}

static void close_all(const int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}

ssize_t cv_recvmsg_fds(int sock, struct iovec *iov, int iovcnt,
		       const struct cv_fdrecv *lim, int *fds, int *nfds)
{
	union cv_fdctl u;
	struct msghdr msg = {
		.msg_iov = iov,
		.msg_iovlen = (size_t)iovcnt,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	int got[CV_FDCTL_CAP], ngot = 0, ret;
	ssize_t n;

	*nfds = 0;
	if (lim->maxfds < 0 || lim->maxfds > CV_FDPASS_MAX || iovcnt < 0)
		return -EINVAL;
	do
		n = recvmsg(sock, &msg, lim->flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	ret = cv_fdmsg_parse(&msg, got, CV_FDCTL_CAP, &ngot);
	if (ret == 0 && (msg.msg_flags & MSG_TRUNC))
		ret = -EMSGSIZE;
	if (ret == 0 && n == 0 && ngot > 0)
		ret = -EBADMSG;
	if (ret == 0 && n > 0 &&
	    (ngot < lim->minfds || ngot > lim->maxfds ||
	     (size_t)n < lim->minlen))
		ret = -EBADMSG;
	if (ret < 0) {
		close_all(got, ngot);
		return ret;
	}
	memcpy(fds, got, sizeof(int) * (size_t)ngot);
	*nfds = ngot;
	return n;
}

ssize_t cv_send_fds(int sock, const void *buf, size_t len, const int *fds,
		    int nfds)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	if (len == 0)
		return -EINVAL;
	return cv_sendmsg_fds(sock, &iov, 1, fds, nfds, 0);
}

ssize_t cv_recv_fds(int sock, void *buf, size_t len, int *fds, int maxfds,
		    int *nfds)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct cv_fdrecv lim = { .flags = MSG_CMSG_CLOEXEC, .maxfds = maxfds };

	return cv_recvmsg_fds(sock, &iov, 1, &lim, fds, nfds);
}

int cv_send_fd(int sock, int fd)
{
	char c = 'F';
	ssize_t n = cv_send_fds(sock, &c, 1, &fd, 1);

	return n < 0 ? (int)n : 0;
}

int cv_recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct cv_fdrecv lim = { .flags = MSG_CMSG_CLOEXEC, .minfds = 1,
				 .maxfds = 1, .minlen = 1 };
	int fd = -1, nfds = 0;
	ssize_t n = cv_recvmsg_fds(sock, &iov, 1, &lim, &fd, &nfds);

	if (n < 0)
		return (int)n;
	return n == 0 ? -EPIPE : fd;
}

int cv_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cv_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
