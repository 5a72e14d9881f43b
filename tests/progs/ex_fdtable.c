// SPDX-License-Identifier: Apache-2.0
/*
 * Fd table exhaustion (tests/escape/exhaust.sh), the task's and the
 * sentry's.
 *  1. RLIMIT_NOFILE 512: open until the table is full; then every call
 *     that makes an fd, emulated or not, must give EMFILE, and an O_CREAT
 *     open that fails so must not create the file, nor an O_TRUNC one
 *     truncate it (Linux takes the fd before the lookup).
 *  2. ex_fdtable [T [flood]]: (flood: without 1.) T threads (default 32) each block in a sendmsg of
 *     253 SCM_RIGHTS fds on a stream socket whose buffer is full (the
 *     sentry holds what a deferred send carries); with them blocked the
 *     program prints "held" and waits for a line on stdin; then it shuts
 *     the socket down and every sender must end with EPIPE
 *     ("senders_failed_with" names the errno of any that did not).
 * Prints "NAME RESULT" lines and ends with "done 0".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progs.h"

#define LIMIT 512
#define NFDS 253

static int e(int fd)
{
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static void table_full(void)
{
	struct rlimit rl = { LIMIT, LIMIT };
	int opened = 0, pre = 0, err = 0, fd, sv[2], pf[2];
	struct stat st;

	fd = open("/tmp/cvx-fd-trunc", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, "data", 4) != 4)
			perror("write");
		close(fd);
	}
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		printf("setrlimit %s\n", ename(errno));
	for (int i = 0; i < LIMIT; i++)
		pre += fcntl(i, F_GETFD) >= 0;
	for (;;) {
		fd = open("/etc/passwd", O_RDONLY);
		if (fd < 0) {
			err = errno;
			break;
		}
		opened++;
	}
	printf("open_until %s\n", ename(err));
	printf("table_full_at %d\n", pre + opened);
	printf("full_open %s\n", ename(e(open("/etc/passwd", O_RDONLY))));
	printf("full_openat_dir %s\n", ename(e(openat(AT_FDCWD, "/",
							O_RDONLY))));
	printf("full_open_proc %s\n",
	       ename(e(open("/proc/self/status", O_RDONLY))));
	printf("full_open_devnull %s\n",
	       ename(e(open("/dev/null", O_RDWR))));
	printf("full_creat %s\n",
	       ename(e(open("/tmp/cvx-fd-new", O_CREAT | O_WRONLY, 0644))));
	printf("full_creat_left %s\n",
	       ename(stat("/tmp/cvx-fd-new", &st) < 0 ? errno : 0));
	unlink("/tmp/cvx-fd-new");
	printf("full_trunc %s\n", ename(e(open("/tmp/cvx-fd-trunc",
						O_WRONLY | O_TRUNC))));
	printf("full_trunc_size %ld\n",
	       stat("/tmp/cvx-fd-trunc", &st) < 0 ? -1L : (long)st.st_size);
	unlink("/tmp/cvx-fd-trunc");
	printf("full_socket %s\n", ename(e(socket(AF_UNIX, SOCK_STREAM, 0))));
	printf("full_socketpair %s\n",
	       ename(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ? errno : 0));
	printf("full_pipe %s\n", ename(pipe(pf) < 0 ? errno : 0));
	printf("full_eventfd %s\n", ename(e(eventfd(0, 0))));
	printf("full_memfd %s\n", ename(e(memfd_create("x", 0))));
	printf("full_inotify %s\n", ename(e(inotify_init1(0))));
	printf("full_dup %s\n", ename(e(dup(0))));
	/* free them: the lowest few first, then the rest */
	for (int i = 3; i < LIMIT; i++)
		close(i);
	printf("after_open %s\n", ename(e(open("/etc/passwd", O_RDONLY))));
}

static int fds[NFDS];
static int sock;
static atomic_int epipe, other, blocked, other_errno;

static void *sender(void *arg)
{
	static char cbuf[CMSG_SPACE(NFDS * sizeof(int))];
	char c = 'x';
	struct iovec iov = { &c, 1 };
	struct msghdr h = { .msg_iov = &iov, .msg_iovlen = 1 };
	char *mine = malloc(sizeof(cbuf));
	struct cmsghdr *cm;

	(void)arg;
	memcpy(mine, cbuf, sizeof(cbuf));
	h.msg_control = mine;
	h.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&h);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(NFDS * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	atomic_fetch_add(&blocked, 1);
	if (sendmsg(sock, &h, MSG_NOSIGNAL) < 0 && errno == EPIPE) {
		atomic_fetch_add(&epipe, 1);
	} else {
		atomic_store(&other_errno, errno);
		atomic_fetch_add(&other, 1);
	}
	free(mine);
	return NULL;
}

static void blocked_senders(int n)
{
	struct rlimit rl = { 4096, 4096 };
	pthread_t *t = calloc(n, sizeof(*t));
	char junk[4096];
	int sv[2], fl, started = 0;

	setrlimit(RLIMIT_NOFILE, &rl);
	for (int i = 0; i < NFDS; i++)
		fds[i] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return;
	sock = sv[0];
	memset(junk, 0, sizeof(junk));
	fl = fcntl(sock, F_GETFL);
	fcntl(sock, F_SETFL, fl | O_NONBLOCK);
	while (write(sock, junk, sizeof(junk)) > 0)
		;
	fcntl(sock, F_SETFL, fl);
	for (; started < n; started++)
		if (pthread_create(&t[started], NULL, sender, NULL))
			break;
	printf("senders_started %s\n", started == n ? "ok" : "FAIL");
	while (atomic_load(&blocked) < started)
		usleep(1000);
	usleep(300000);
	printf("senders_blocked %s\n", atomic_load(&epipe) +
				       atomic_load(&other) == 0 ? "ok" : "FAIL");
	hold("held");
	/* an emulated call while they are blocked */
	printf("open_while_blocked %s\n",
	       ename(e(open("/etc/passwd", O_RDONLY))));
	shutdown(sock, SHUT_RDWR);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	printf("senders_failed_with %s\n", atomic_load(&other) ?
		ename(atomic_load(&other_errno)) : "none");
	printf("senders_epipe %s\n", atomic_load(&epipe) == started ? "ok" :
								      "FAIL");
	if (atomic_load(&epipe) != started)
		fprintf(stderr, "epipe %d other %d of %d\n",
			atomic_load(&epipe), atomic_load(&other), started);
	close(sv[0]);
	close(sv[1]);
	for (int i = 0; i < NFDS; i++)
		close(fds[i]);
}

int main(int argc, char **argv)
{
	hold("ready");
	if (argc < 3 || strcmp(argv[2], "flood"))
		table_full();
	blocked_senders(argc > 1 ? atoi(argv[1]) : 32);
	hold("released");
	printf("done 0\n");
	return 0;
}
