// SPDX-License-Identifier: Apache-2.0
/*
 * sendmsg with many SCM_RIGHTS fds (tests/escape/exhaust.sh): 1, 64, 65,
 * 250, 253 (SCM_MAX_FD) and 254, 300 fds in one control message, and 253
 * split over two messages' worth in one (two cmsgs), over an AF_UNIX
 * socketpair; each accepted message is received and its fds counted.
 * Prints "CASE ERRNO RECEIVED" and ends with "done 0"; run on the host and
 * in the sandbox and compared.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "progs.h"

#define MAXN 300

static int fds[MAXN];
static char cbuf[CMSG_SPACE(MAXN * sizeof(int)) * 2];

/* One message carrying n fds, in ncm control messages. */
static int send_fds(int s, int n, int ncm)
{
	struct iovec iov = { "x", 1 };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf };
	struct cmsghdr *cm;
	int per = n / ncm, done = 0;

	memset(cbuf, 0, sizeof(cbuf));
	h.msg_controllen = 0;
	for (int i = 0; i < ncm; i++)
		h.msg_controllen += CMSG_SPACE((i == ncm - 1 ? n - per * i : per) *
					       sizeof(int));
	for (cm = CMSG_FIRSTHDR(&h); cm && done < n; cm = CMSG_NXTHDR(&h, cm)) {
		int k = cm == CMSG_FIRSTHDR(&h) && ncm > 1 ? per : n - done;

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(k * sizeof(int));
		memcpy(CMSG_DATA(cm), fds + done, k * sizeof(int));
		done += k;
	}
	return sendmsg(s, &h, MSG_DONTWAIT) < 0 ? errno : 0;
}

/* Receive one message; count and close the fds it carried. */
static int recv_fds(int s)
{
	static char rbuf[CMSG_SPACE(MAXN * sizeof(int)) * 2];
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = rbuf,
			    .msg_controllen = sizeof(rbuf) };
	struct cmsghdr *cm;
	int got = 0;

	if (recvmsg(s, &h, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&h); cm; cm = CMSG_NXTHDR(&h, cm)) {
		int n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *p = (int *)CMSG_DATA(cm);

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (int i = 0; i < n; i++)
			close(p[i]);
		got += n;
	}
	return got;
}

int main(void)
{
	static const struct { int n, ncm; } cases[] = {
		{ 1, 1 }, { 64, 1 }, { 65, 1 }, { 250, 1 }, { 253, 1 },
		{ 254, 1 }, { 300, 1 }, { 253, 2 }, { 254, 2 },
	};
	int sv[2];

	hold("ready");
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0) {
		perror("socketpair");
		return 1;
	}
	for (int i = 0; i < MAXN; i++) {
		fds[i] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fds[i] < 0) {
			perror("open");
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int e = send_fds(sv[0], cases[i].n, cases[i].ncm);
		int got = e ? 0 : recv_fds(sv[1]);

		printf("fds%d_cmsgs%d %s %d\n", cases[i].n, cases[i].ncm,
		       ename(e), got);
	}
	hold("held");
	hold("released");
	printf("done 0\n");
	return 0;
}
