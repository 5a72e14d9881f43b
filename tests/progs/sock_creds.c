// SPDX-License-Identifier: Apache-2.0
/*
 * Credentials of a uid 1000 process with no capabilities, as others see
 * them (issue 10, class 4; tests/escape/sock_creds.sh). Run as root: each
 * case forks a child that drops to uid/gid 1000 (no capabilities) and
 * does one call; the root parent reports. Prints "name result" lines,
 * then "done 0".
 *
 *   sock_creds local DIR    AF_UNIX messages (socketpairs, and a datagram
 *                           socket bound in DIR) to a root receiver with
 *                           SO_PASSCRED: explicit SCM_CREDENTIALS claiming
 *                           root, another pid, its own ids; plain
 *                           messages (to an abstract name with sendto
 *                           too); SO_PEERCRED of an abstract-address
 *                           connect; binds of ports 81 (IPv4, IPv6) and
 *                           8081 as uid 1000, and of port 80 as root
 *   sock_creds binds        the binds only
 *   sock_creds hostrecv PATH N   binds a datagram socket at PATH with
 *                           SO_PASSCRED, prints "recvK uid=U gid=G" for N
 *                           datagrams (at most 10 s)
 *   sock_creds hostsend PATH     as uid 1000: a plain datagram, one
 *                           claiming uid 0, one claiming its own ids
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

#define UID 1000
#define GID 1000

static void drop(void)
{
	if (setgroups(0, NULL) < 0 || setresgid(GID, GID, GID) < 0 ||
	    setresuid(UID, UID, UID) < 0) {
		perror("drop");
		_exit(254);
	}
}

/* sendmsg with an optional SCM_CREDENTIALS {pid, uid, gid}; errno or 0. */
static int send_creds(int s, const struct sockaddr_un *to, bool with,
		      pid_t pid, uid_t uid, gid_t gid)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct ucred cr = { pid, uid, gid };

	if (to != NULL) {
		m.msg_name = (void *)to;
		m.msg_namelen = sizeof(*to);
	}
	if (with) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(cr));
		memcpy(CMSG_DATA(cm), &cr, sizeof(cr));
	}
	return sendmsg(s, &m, 0) < 0 ? errno : 0;
}

/* One message's credentials; false if none came (or nothing came). */
static bool recv_creds(int s, struct ucred *cr)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	char c;
	struct iovec iov = { &c, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;

	if (recvmsg(s, &m, 0) < 0)
		return false;
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS) {
			memcpy(cr, CMSG_DATA(cm), sizeof(*cr));
			return true;
		}
	return false;
}

static void passcred(int s)
{
	int one = 1;
	struct timeval tv = { 2, 0 };

	setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

enum claim { PLAIN, ROOT, OTHER_PID, OWN, SENDTO };

/* The child's errno, from its exit status. */
static int child_result(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

/* The uid 1000 child sends on s (to `to` if set), claiming what c says;
 * the parent receives on r and prints the verdict. */
static void msg_case(const char *name, int s, int r,
		     const struct sockaddr_un *to, enum claim c)
{
	struct ucred got;
	pid_t pid = fork();
	int e;

	if (pid == 0) {
		close(r);
		drop();
		switch (c) {
		case PLAIN:
			_exit(send_creds(s, to, false, 0, 0, 0));
		case ROOT:
			_exit(send_creds(s, to, true, getpid(), 0, 0));
		case OTHER_PID:
			_exit(send_creds(s, to, true, getppid(), UID, GID));
		case OWN:
			_exit(send_creds(s, to, true, getpid(), UID, GID));
		case SENDTO:
			_exit(sendto(s, "x", 1, 0, (const struct sockaddr *)to,
				     sizeof(*to)) < 0 ? errno : 0);
		}
		_exit(99);
	}
	e = child_result(pid);
	if (e != 0) {
		printf("%s send=%s\n", name, ename(e));
		return;
	}
	if (!recv_creds(r, &got)) {
		printf("%s send=ok no-creds\n", name);
		return;
	}
	printf("%s send=ok uid=%u gid=%u\n", name, got.uid, got.gid);
	printf("%s_pid %s\n", name, got.pid == pid ? "sender" :
				   got.pid == 0 ? "zero" : "other");
}

static void pair_cases(int type, const char *tag)
{
	static const struct {
		const char *name;
		enum claim c;
	} cases[] = {
		{ "plain", PLAIN }, { "claim_root", ROOT },
		{ "claim_other_pid", OTHER_PID }, { "claim_own", OWN },
	};
	char name[64];
	int sv[2];

	if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) < 0) {
		printf("%s_socketpair %s\n", tag, ename(errno));
		return;
	}
	passcred(sv[0]);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "%s_%s", tag, cases[i].name);
		msg_case(name, sv[1], sv[0], NULL, cases[i].c);
	}
	close(sv[0]);
	close(sv[1]);
}

static void path_cases(const char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int r = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/creds.sock", dir);
	unlink(a.sun_path);
	if (r < 0 || s < 0 || bind(r, (struct sockaddr *)&a, sizeof(a)) < 0) {
		printf("path_bind %s\n", ename(errno));
		return;
	}
	chmod(a.sun_path, 0666);
	passcred(r);
	msg_case("path_plain", s, r, &a, PLAIN);
	msg_case("path_claim_root", s, r, &a, ROOT);
	close(r);
	close(s);
	unlink(a.sun_path);
}

/* Datagrams to an abstract name (sendto and sendmsg with a name). */
static void abstract_dgram_cases(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int r = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "cvisor-dg-%d",
		 (int)getpid());
	if (r < 0 || s < 0 || bind(r, (struct sockaddr *)&a, sizeof(a)) < 0) {
		printf("abstract_dgram_bind %s\n", ename(errno));
		return;
	}
	passcred(r);
	msg_case("abstract_sendto", s, r, &a, SENDTO);
	msg_case("abstract_sendmsg_claim_root", s, r, &a, ROOT);
	close(r);
	close(s);
}

/* SO_PEERCRED of a uid 1000 client that connected to an abstract name. */
static void abstract_case(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 +
			(socklen_t)snprintf(a.sun_path + 1,
					    sizeof(a.sun_path) - 1,
					    "cvisor-creds-%d", (int)getpid());
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c;
	struct ucred cr;
	socklen_t crl = sizeof(cr);
	pid_t pid;

	if (l < 0 || bind(l, (struct sockaddr *)&a, len) < 0 ||
	    listen(l, 4) < 0) {
		printf("abstract_listen %s\n", ename(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		int s;

		drop();
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(s, (struct sockaddr *)&a, len) < 0)
			_exit(errno);
		_exit(0);
	}
	if (child_result(pid) != 0 || (c = accept(l, NULL, NULL)) < 0) {
		printf("abstract_peercred connect-failed\n");
		close(l);
		return;
	}
	getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &crl);
	printf("abstract_peercred uid=%u gid=%u\n", cr.uid, cr.gid);
	close(c);
	close(l);
}

/* bind(2) of a TCP port, as uid 1000 (drop) or as root. */
static void bind_case(const char *name, int family, int port, bool as_user)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
					   .sin6_port = htons(port),
					   .sin6_addr = IN6ADDR_ANY_INIT };
		struct sockaddr_in a4 = { .sin_family = AF_INET,
					  .sin_port = htons(port) };
		int s;

		if (as_user)
			drop();
		a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s = socket(family, SOCK_STREAM, 0);
		if (s < 0)
			_exit(errno);
		if (family == AF_INET6 ?
			    bind(s, (struct sockaddr *)&a6, sizeof(a6)) :
			    bind(s, (struct sockaddr *)&a4, sizeof(a4)))
			_exit(errno);
		_exit(0);
	}
	printf("%s %s\n", name, ename(child_result(pid)));
}

static int binds(void)
{
	bind_case("bind_ipv4_81_user", AF_INET, 81, true);
	bind_case("bind_ipv6_81_user", AF_INET6, 81, true);
	bind_case("bind_ipv4_8081_user", AF_INET, 8081, true);
	bind_case("bind_ipv4_80_root", AF_INET, 80, false);
	printf("done 0\n");
	return 0;
}

static int local(const char *dir)
{
	pair_cases(SOCK_DGRAM, "dgram");
	pair_cases(SOCK_STREAM, "stream");
	path_cases(dir);
	abstract_dgram_cases();
	abstract_case();
	return binds();
}

static int hostrecv(const char *path, int n)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int r = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 10, 0 };
	int one = 1;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	if (r < 0 || bind(r, (struct sockaddr *)&a, sizeof(a)) < 0) {
		printf("bind %s\n", ename(errno));
		return 1;
	}
	chmod(path, 0666);
	setsockopt(r, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	setsockopt(r, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		struct ucred cr;

		if (!recv_creds(r, &cr))
			break;
		printf("recv%d uid=%u gid=%u\n", i, cr.uid, cr.gid);
		fflush(stdout);
	}
	return 0;
}

static int hostsend(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	drop();
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	printf("send_plain %s\n", ename(send_creds(s, &a, false, 0, 0, 0)));
	printf("send_claim_root %s\n",
	       ename(send_creds(s, &a, true, getpid(), 0, 0)));
	printf("send_claim_own %s\n",
	       ename(send_creds(s, &a, true, getpid(), UID, GID)));
	printf("done 0\n");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 3 && !strcmp(argv[1], "local"))
		return local(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "binds"))
		return binds();
	if (argc == 4 && !strcmp(argv[1], "hostrecv"))
		return hostrecv(argv[2], atoi(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "hostsend"))
		return hostsend(argv[2]);
	fprintf(stderr, "usage: sock_creds local DIR | binds | "
		"hostrecv PATH N | hostsend PATH\n");
	return 2;
}
