// SPDX-License-Identifier: Apache-2.0
/*
 * Datagrams to an AF_UNIX path without connect (sendto / sendmsg with a
 * name), as Linux gives them: delivered with the sender's address, the
 * sender stays unconnected (others can still send to it), ENOENT for a
 * missing path, EOPNOTSUPP on an unconnected stream socket, EAGAIN on a
 * full receiver with MSG_DONTWAIT. Runs natively or in a sandbox; prints
 * "NAME ok" or "NAME FAIL why". Argument: a writable directory.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char dir[80];

static void check(const char *name, int ok, const char *why)
{
	printf("%s %s%s%s\n", name, ok ? "ok" : "FAIL", ok ? "" : " ",
	       ok ? "" : why);
	fflush(stdout);
}

static socklen_t addr_of(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   strlen(a->sun_path) + 1);
}

static int bound(const char *name, int type)
{
	struct sockaddr_un a;
	socklen_t l = addr_of(&a, name);
	int s = socket(AF_UNIX, type, 0);

	unlink(a.sun_path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, l) < 0)
		return -1;
	return s;
}

int main(int argc, char **argv)
{
	struct sockaddr_un a, from;
	socklen_t l, fl = sizeof(from);
	char buf[64], why[512];
	int srv, cli, other, st;
	ssize_t n;

	snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "/tmp");
	srv = bound("srv", SOCK_DGRAM);
	cli = bound("cli", SOCK_DGRAM);
	if (srv < 0 || cli < 0) {
		check("setup", 0, strerror(errno));
		return 1;
	}
	l = addr_of(&a, "srv");
	n = sendto(cli, "hello", 5, 0, (struct sockaddr *)&a, l);
	snprintf(why, sizeof(why), "sendto %zd %s", n, strerror(errno));
	check("sendto_path", n == 5, why);
	memset(buf, 0, sizeof(buf));
	n = recvfrom(srv, buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&from, &fl);
	snprintf(why, sizeof(why), "recv %zd '%s' from '%s' (%s)", n, buf,
		 fl > sizeof(sa_family_t) ? from.sun_path : "", strerror(errno));
	check("received_with_sender", n == 5 && strcmp(buf, "hello") == 0 &&
					      strstr(from.sun_path, "/cli"),
	      why);
	/* The reply to the address the datagram came from. */
	n = sendto(srv, "back", 4, 0, (struct sockaddr *)&from, fl);
	memset(buf, 0, sizeof(buf));
	if (n == 4)
		n = recv(cli, buf, sizeof(buf), MSG_DONTWAIT);
	snprintf(why, sizeof(why), "%zd '%s' %s", n, buf, strerror(errno));
	check("reply_to_sender", n == 4 && strcmp(buf, "back") == 0, why);

	/* The sender is not left connected: a third socket can send to it. */
	fl = sizeof(from);
	st = getpeername(cli, (struct sockaddr *)&from, &fl);
	snprintf(why, sizeof(why), "getpeername %d %s", st, strerror(errno));
	check("sender_unconnected", st < 0 && errno == ENOTCONN, why);
	other = socket(AF_UNIX, SOCK_DGRAM, 0);
	l = addr_of(&a, "cli");
	n = sendto(other, "x", 1, 0, (struct sockaddr *)&a, l);
	snprintf(why, sizeof(why), "%zd %s", n, strerror(errno));
	check("others_can_send_to_sender", n == 1, why);
	recv(cli, buf, sizeof(buf), MSG_DONTWAIT);

	/* sendmsg with a name. */
	{
		struct iovec iov = { "msg", 3 };
		struct msghdr m = { .msg_name = &a, .msg_iov = &iov,
				    .msg_iovlen = 1 };

		m.msg_namelen = addr_of(&a, "srv");
		n = sendmsg(cli, &m, 0);
		memset(buf, 0, sizeof(buf));
		if (n == 3)
			n = recv(srv, buf, sizeof(buf), MSG_DONTWAIT);
		snprintf(why, sizeof(why), "%zd '%s' %s", n, buf,
			 strerror(errno));
		check("sendmsg_path", n == 3 && strcmp(buf, "msg") == 0, why);
	}

	l = addr_of(&a, "missing");
	n = sendto(cli, "x", 1, 0, (struct sockaddr *)&a, l);
	snprintf(why, sizeof(why), "%zd %s", n, strerror(errno));
	check("missing_path_enoent", n < 0 && errno == ENOENT, why);

	{
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		l = addr_of(&a, "srv");
		n = sendto(s, "x", 1, 0, (struct sockaddr *)&a, l);
		snprintf(why, sizeof(why), "%zd %s", n, strerror(errno));
		check("stream_eopnotsupp", n < 0 && errno == EOPNOTSUPP, why);
		close(s);
	}

	/* A full receiver: EAGAIN with MSG_DONTWAIT, nothing left connected. */
	l = addr_of(&a, "srv");
	for (int i = 0; i < 100000; i++) {
		n = sendto(cli, "fill", 4, MSG_DONTWAIT, (struct sockaddr *)&a,
			   l);
		if (n < 0)
			break;
	}
	snprintf(why, sizeof(why), "%zd %s", n, strerror(errno));
	check("full_receiver_eagain", n < 0 && errno == EAGAIN, why);
	fl = sizeof(from);
	st = getpeername(cli, (struct sockaddr *)&from, &fl);
	check("still_unconnected", st < 0 && errno == ENOTCONN, "connected");
	return 0;
}
