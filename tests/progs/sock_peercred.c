// SPDX-License-Identifier: Apache-2.0
/*
 * AF_UNIX sockets bound and connected by path (done by the gofer in a
 * sandbox). Prints "name value" lines, then "done 0".
 *
 *   sock_peercred peer DIR   a root listener in DIR; a uid/gid 1000
 *                            client connects: SO_PEERCRED as the
 *                            listener sees it; the owner of a socket file
 *                            the uid 1000 process binds
 *   sock_peercred block DIR  a listener with a full backlog: a
 *                            non-blocking connect fails with EAGAIN; a
 *                            blocking one waits in one thread while
 *                            another keeps making (emulated) calls, and
 *                            completes once the listener accepts
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

static struct sockaddr_un addr(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", dir, name);
	return a;
}

static int listener(const char *name, int backlog)
{
	struct sockaddr_un a = addr(name);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	unlink(a.sun_path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s, backlog) < 0) {
		printf("listen_%s errno%d\n", name, errno);
		exit(1);
	}
	return s;
}

static int connect_to(const char *name, int flags)
{
	struct sockaddr_un a = addr(name);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);

	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(s);
		errno = e;
		return -1;
	}
	return s;
}

static int peer(void)
{
	int l = listener("pc.sock", 8), go[2], st, c;
	/* a daemon's socket for everybody */
	if (chmod(addr("pc.sock").sun_path, 0777) < 0)
		printf("chmod errno%d\n", errno);
	struct ucred cr;
	socklen_t len = sizeof(cr);
	struct stat sb;
	pid_t pid;
	char b = 0;

	if (pipe(go) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		struct sockaddr_un a = addr("user.sock");
		int s;

		if (setgroups(0, NULL) < 0 || setresgid(1000, 1000, 1000) < 0 ||
		    setresuid(1000, 1000, 1000) < 0)
			_exit(2);
		s = connect_to("pc.sock", 0);
		if (s < 0)
			_exit(3);
		/* a socket file of its own */
		close(socket(AF_UNIX, SOCK_STREAM, 0));
		c = socket(AF_UNIX, SOCK_STREAM, 0);
		unlink(a.sun_path);
		if (c < 0 || bind(c, (struct sockaddr *)&a, sizeof(a)) < 0)
			_exit(4);
		if (write(go[1], &b, 1) != 1 || read(s, &b, 1) != 1)
			_exit(5);
		_exit(0);
	}
	close(go[1]);
	c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0 || getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		printf("accept errno%d\n", errno);
		return 1;
	}
	printf("peer_uid %u\npeer_gid %u\n", cr.uid, cr.gid);
	printf("peer_pid %s\n", cr.pid == pid ? "client" :
				cr.pid == 0 ? "0" : "other");
	if (read(go[0], &b, 1) != 1 || stat(addr("user.sock").sun_path, &sb) < 0)
		printf("bind_owner errno%d\n", errno);
	else
		printf("bind_owner %u:%u\n", sb.st_uid, sb.st_gid);
	if (write(c, &b, 1) != 1 || waitpid(pid, &st, 0) < 0)
		return 1;
	printf("client_exit %d\n", st);
	return 0;
}

static atomic_int blocked_done;
static int blocked_result = -2;

static void *blocked(void *arg)
{
	int s;

	(void)arg;
	s = connect_to("blk.sock", 0);
	blocked_result = s < 0 ? errno : 0;
	atomic_store(&blocked_done, 1);
	return NULL;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int block(void)
{
	int l = listener("blk.sock", 0), n = 0, err = 0, calls = 0;
	pthread_t th;
	struct stat sb;
	double t0;

	/* fill the backlog */
	for (int i = 0; i < 64; i++) {
		if (connect_to("blk.sock", SOCK_NONBLOCK) < 0) {
			err = errno;
			break;
		}
		n++;
	}
	printf("nonblock_full %s\n", err == EAGAIN ? "EAGAIN" :
		       err ? strerror(err) : "never");
	if (pthread_create(&th, NULL, blocked, NULL) != 0)
		return 1;
	t0 = now();
	while (now() - t0 < 0.5) {
		if (stat("/", &sb) == 0)
			calls++;
	}
	printf("blocked_meanwhile %s\n",
	       atomic_load(&blocked_done) ? "no" : "yes");
	printf("calls_meanwhile %s\n", calls > 50 ? "many" : "few");
	/* room in the backlog: the blocked connect completes */
	close(accept4(l, NULL, NULL, SOCK_CLOEXEC));
	t0 = now();
	while (!atomic_load(&blocked_done) && now() - t0 < 5)
		usleep(1000);
	printf("blocked_connect %s\n", !atomic_load(&blocked_done) ? "stuck" :
		       blocked_result == 0 ? "ok" : strerror(blocked_result));
	if (atomic_load(&blocked_done))
		pthread_join(th, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: sock_peercred peer|block DIR\n");
		return 2;
	}
	dir = argv[2];
	alarm(20);	/* a client that failed must not hang the test */
	if (strcmp(argv[1], "peer") == 0)
		ret = peer();
	else
		ret = block();
	printf("done %d\n", ret);
	return ret;
}
