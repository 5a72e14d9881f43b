/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/fdpass: the one SCM_RIGHTS helper (gofer protocol, console and
 * control sockets, the ptrace platform). Every way a received message can
 * be wrong is produced over a real socketpair, SOCK_SEQPACKET and
 * SOCK_STREAM, and each must fail with its errno and leave the process
 * with exactly the descriptors it had (counted in /proc/self/fd).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/fdpass.h"
#include "tests/unit/test.h"

static const int types[] = { SOCK_SEQPACKET, SOCK_STREAM };

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Sends len bytes with n copies of fd by a raw sendmsg (no helper
 * limits: the kernel allows up to 253). */
static ssize_t raw_send(int sock, const void *buf, size_t len, int fd, int n)
{
	static union {
		char buf[CMSG_SPACE(sizeof(int) * 64)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (n > 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
		for (int i = 0; i < n; i++)
			memcpy(CMSG_DATA(c) + i * sizeof(int), &fd,
			       sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

/* Receives into an 8-byte buffer under lim; returns the result. */
static ssize_t recv8(int sock, const struct cv_fdrecv *lim, int *fds,
		     int *nfds)
{
	static char buf[8];
	struct iovec iov = { buf, sizeof(buf) };

	return cv_recvmsg_fds(sock, &iov, 1, lim, fds, nfds);
}

TEST(round_trip_with_iovec_and_cloexec_choice)
{
	for (size_t t = 0; t < 2; t++) {
		int sv[2], p[2], fds[CV_FDPASS_MAX], nfds = -1;
		char a[3] = "ab", b[4] = "cde", got[7] = { 0 };
		struct iovec out[2] = { { a, 2 }, { b, 3 } };
		struct iovec in[2] = { { got, 4 }, { got + 4, 3 } };
		struct cv_fdrecv lim = { .minfds = 2, .maxfds = 3,
					 .minlen = 5 };
		int base, send[3];

		CHECK_EQ(socketpair(AF_UNIX, types[t], 0, sv), 0);
		CHECK_EQ(pipe(p), 0);
		base = open_fds();
		send[0] = p[0];
		send[1] = p[1];
		send[2] = p[1];
		CHECK_EQ(cv_sendmsg_fds(sv[0], out, 2, send, 3, 0), 5);
		CHECK_EQ(cv_recvmsg_fds(sv[1], in, 2, &lim, fds, &nfds), 5);
		CHECK_EQ(nfds, 3);
		CHECK_EQ(memcmp(got, "abcde", 5), 0);
		CHECK_EQ(open_fds(), base + 3);
		CHECK_EQ(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, 0);
		/* fds[1] is the pipe's write end */
		CHECK_EQ(write(fds[1], "z", 1), 1);
		CHECK_EQ(read(fds[0], got, 1), 1);
		CHECK_EQ(got[0], 'z');
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		/* MSG_CMSG_CLOEXEC passed through */
		lim.flags = MSG_CMSG_CLOEXEC;
		CHECK_EQ(cv_sendmsg_fds(sv[0], out, 2, send, 2, 0), 5);
		CHECK_EQ(cv_recvmsg_fds(sv[1], in, 2, &lim, fds, &nfds), 5);
		CHECK_EQ(nfds, 2);
		CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
		close(fds[0]);
		close(fds[1]);
		/* end of stream: 0, nothing received */
		close(sv[0]);
		lim.minfds = 0;
		CHECK_EQ(cv_recvmsg_fds(sv[1], in, 2, &lim, fds, &nfds), 0);
		CHECK_EQ(nfds, 0);
		CHECK_EQ(open_fds(), base - 1);
		close(sv[1]);
		close(p[0]);
		close(p[1]);
	}
}

TEST(sender_refuses_too_many_fds_and_fds_without_data)
{
	int sv[2], fds[CV_FDPASS_MAX + 1] = { 0 };
	struct iovec none = { NULL, 0 }, one = { "x", 1 };

	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	CHECK_EQ(cv_sendmsg_fds(sv[0], &one, 1, fds, CV_FDPASS_MAX + 1, 0),
		 -EINVAL);
	CHECK_EQ(cv_sendmsg_fds(sv[0], &none, 1, fds, 1, 0), -EINVAL);
	CHECK_EQ(cv_sendmsg_fds(sv[0], &one, 1, fds, -1, 0), -EINVAL);
}

/* One bad message of each kind; all its fds closed, the next one fine. */
static void expect_refused(int type, int nsend, size_t len,
			   const struct cv_fdrecv *lim, ssize_t want)
{
	static const char data[16] = "0123456789abcdef";
	struct cv_fdrecv any = { .maxfds = 1 };
	int sv[2], p[2], fds[CV_FDPASS_MAX], nfds = -1, base;

	CHECK_EQ(socketpair(AF_UNIX, type, 0, sv), 0);
	CHECK_EQ(pipe(p), 0);
	base = open_fds();
	CHECK_EQ(raw_send(sv[0], data, len, p[1], nsend), (ssize_t)len);
	CHECK_EQ(raw_send(sv[0], "ok", 2, p[1], 1), 2);
	CHECK_EQ(recv8(sv[1], lim, fds, &nfds), want);
	CHECK_EQ(nfds, 0);
	CHECK_EQ(open_fds(), base);
	if (type == SOCK_STREAM) {
		/* no message boundary: the next read may hold the rest of
		 * the bytes or the second send's with it (already taken) */
		goto out;
	}
	CHECK_EQ(recv8(sv[1], &any, fds, &nfds), 2);
	CHECK_EQ(nfds, 1);
	close(fds[0]);
	CHECK_EQ(open_fds(), base);
out:
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

TEST(more_fds_than_allowed_all_closed)
{
	struct cv_fdrecv lim = { .maxfds = 2 };

	for (size_t t = 0; t < 2; t++) {
		expect_refused(types[t], 3, 4, &lim, -EBADMSG);
		lim.maxfds = 0;
		expect_refused(types[t], 1, 4, &lim, -EBADMSG);
		lim.maxfds = 2;
	}
}

TEST(fewer_fds_than_required)
{
	struct cv_fdrecv lim = { .minfds = 2, .maxfds = 4 };

	for (size_t t = 0; t < 2; t++) {
		expect_refused(types[t], 1, 4, &lim, -EBADMSG);
		expect_refused(types[t], 0, 4, &lim, -EBADMSG);
	}
}

TEST(short_payload_refused_with_fds_closed)
{
	struct cv_fdrecv lim = { .maxfds = 4, .minlen = 6 };

	for (size_t t = 0; t < 2; t++)
		expect_refused(types[t], 3, 5, &lim, -EBADMSG);
}

/* More fds than the helper's control buffer holds: the kernel installs
 * what fits, sets MSG_CTRUNC and drops the rest. */
TEST(control_truncated_closes_what_was_installed)
{
	struct cv_fdrecv lim = { .maxfds = CV_FDPASS_MAX };

	for (size_t t = 0; t < 2; t++)
		expect_refused(types[t], 60, 4, &lim, -EMSGSIZE);
}

TEST(payload_truncated_on_seqpacket)
{
	struct cv_fdrecv lim = { .maxfds = 4 };

	expect_refused(SOCK_SEQPACKET, 2, 12, &lim, -EMSGSIZE);
	/* a stream never truncates: 8 bytes now, the fds with them */
	int sv[2], p[2], fds[4], nfds, base;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(pipe(p), 0);
	base = open_fds();
	CHECK_EQ(raw_send(sv[0], "0123456789ab", 12, p[1], 2), 12);
	CHECK_EQ(recv8(sv[1], &lim, fds, &nfds), 8);
	CHECK_EQ(nfds, 2);
	CHECK_EQ(open_fds(), base + 2);
	close(fds[0]);
	close(fds[1]);
}

/* SO_PASSCRED makes the kernel add SCM_CREDENTIALS: a second control
 * message beside the fds, or a wrong type alone. */
TEST(credentials_beside_fds_refused)
{
	struct cv_fdrecv lim = { .maxfds = 4 };

	for (size_t t = 0; t < 2; t++) {
		int sv[2], p[2], fds[4], nfds = -1, base, on = 1;

		CHECK_EQ(socketpair(AF_UNIX, types[t], 0, sv), 0);
		CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on,
				    sizeof(on)), 0);
		CHECK_EQ(pipe(p), 0);
		base = open_fds();
		CHECK_EQ(raw_send(sv[0], "abcd", 4, p[1], 2), 4);
		CHECK_EQ(recv8(sv[1], &lim, fds, &nfds), -EBADMSG);
		CHECK_EQ(nfds, 0);
		CHECK_EQ(open_fds(), base);
		CHECK_EQ(raw_send(sv[0], "abcd", 4, -1, 0), 4);
		CHECK_EQ(recv8(sv[1], &lim, fds, &nfds), -EBADMSG);
		CHECK_EQ(open_fds(), base);
		close(sv[0]);
		close(sv[1]);
		close(p[0]);
		close(p[1]);
	}
}

/* What the kernel never produces (a foreign level, two SCM_RIGHTS
 * messages), for the parse the ptrace platform uses on a msghdr it read
 * back: refused, every number reported, nothing closed. */
TEST(parse_refuses_foreign_level_and_second_cmsg)
{
	union {
		char buf[2 * CMSG_SPACE(sizeof(int) * 2)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_control = u.buf };
	struct cmsghdr *c;
	int a[2] = { 100, 101 }, fds[8], nfds = -1;

	memset(&u, 0, sizeof(u));
	msg.msg_controllen = CMSG_SPACE(sizeof(a));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_IP;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(a));
	memcpy(CMSG_DATA(c), a, sizeof(a));
	CHECK_EQ(cv_fdmsg_parse(&msg, fds, 8, &nfds), -EBADMSG);
	c->cmsg_level = SOL_SOCKET;
	CHECK_EQ(cv_fdmsg_parse(&msg, fds, 8, &nfds), 0);
	CHECK_EQ(nfds, 2);
	CHECK_EQ(fds[1], 101);
	CHECK_EQ(cv_fdmsg_parse(&msg, fds, 1, &nfds), -EBADMSG);
	CHECK_EQ(nfds, 1);
	msg.msg_controllen = sizeof(u.buf);
	c = CMSG_NXTHDR(&msg, c);
	CHECK(c != NULL);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(a));
	memcpy(CMSG_DATA(c), a, sizeof(a));
	CHECK_EQ(cv_fdmsg_parse(&msg, fds, 8, &nfds), -EBADMSG);
	CHECK_EQ(nfds, 4);
	msg.msg_flags = MSG_CTRUNC;
	CHECK_EQ(cv_fdmsg_parse(&msg, fds, 8, &nfds), -EMSGSIZE);
}

int main(void)
{
	return test_main();
}
