// SPDX-License-Identifier: Apache-2.0
/*
 * Run inside a sandbox: a sendmsg that blocks (full socket buffer) must not
 * stop the sentry serving the process that will drain it; sendmsg with
 * SCM_RIGHTS passes the file; connect to a local listener. Prints
 * "NAME ok" or "NAME FAIL why".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG (256 * 1024)

static void check(const char *name, int ok, const char *why)
{
	printf("%s %s%s%s\n", name, ok ? "ok" : "FAIL", ok ? "" : " ",
	       ok ? "" : why);
	fflush(stdout);
}

static void blocked_send(void)
{
	int sv[2], st;
	static char buf[BIG];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	pid_t pid;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = fork();
	if (pid == 0) {
		struct stat s;
		struct utsname u;
		size_t got = 0;

		close(sv[0]);
		usleep(300000);
		/* The parent is blocked in sendmsg: the sentry must answer. */
		if (stat("/", &s) < 0 || uname(&u) < 0)
			_exit(2);
		while (got < BIG) {
			ssize_t r = read(sv[1], buf, sizeof(buf));

			if (r <= 0)
				_exit(3);
			got += r;
		}
		_exit(0);
	}
	close(sv[1]);
	n = sendmsg(sv[0], &m, 0);
	waitpid(pid, &st, 0);
	check("blocked_sendmsg_complete", n == BIG, "short send");
	check("sentry_serves_while_blocked", WIFEXITED(st) && !WEXITSTATUS(st),
	      "child failed");
	close(sv[0]);
}

static void pass_fd(void)
{
	int sv[2], fd, got = -1;
	char byte = 'x', rb, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	char line[16] = "";

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	fd = open("/etc/passwd", O_RDONLY);
	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sv[0], &m, 0) != 1) {
		check("scm_rights", 0, strerror(errno));
		return;
	}
	close(fd);
	iov.iov_base = &rb;
	m.msg_controllen = sizeof(cbuf);
	if (recvmsg(sv[1], &m, 0) == 1 && (cm = CMSG_FIRSTHDR(&m)) != NULL)
		memcpy(&got, CMSG_DATA(cm), sizeof(int));
	if (got >= 0)
		read(got, line, 5);
	check("scm_rights", strncmp(line, "root:", 5) == 0, line);
}

static void tcp_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), c, r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(s, (struct sockaddr *)&a, sizeof(a));
	listen(s, 1);
	getsockname(s, (struct sockaddr *)&a, &l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	r = connect(c, (struct sockaddr *)&a, sizeof(a));
	check("tcp_connect", r == 0, strerror(errno));
	close(c);
	a.sin_port = htons(1);	/* nothing listens there */
	c = socket(AF_INET, SOCK_STREAM, 0);
	r = connect(c, (struct sockaddr *)&a, sizeof(a));
	check("tcp_connect_refused", r < 0 && errno == ECONNREFUSED,
	      strerror(errno));
	close(c);
	close(s);
}

int main(void)
{
	blocked_send();
	pass_fd();
	tcp_connect();
	return 0;
}
