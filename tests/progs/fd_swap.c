// SPDX-License-Identifier: Apache-2.0
/*
 * The task swaps what its fd N is while it reopens /proc/self/fd/N
 * (tests/escape/fd_swap.sh): as uid 1000 it holds a 0644 file of root's
 * read-only and a file of its own read-write, and a thread dup2()s one
 * then the other onto fd N while the main thread opens /proc/self/fd/N
 * O_WRONLY|O_TRUNC and O_RDONLY|O_TRUNC again and again. Linux opens
 * whichever file is there, as the caller: the user's own opens, root's
 * is EACCES, so root's file is never truncated. Prints "raced yes|no"
 * (both kinds of open happened), "root_file_intact yes|no", then
 * "done 0". With "nodump" the process stays non-dumpable after its
 * switch (its own opens are EACCES then: Linux lets only its thread
 * group into its root-owned fd/).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "progs.h"

#define N 100
#define ROUNDS 3000

static int root_fd, own_fd;
static atomic_bool stop;

static void *swapper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		dup2(own_fd, N);
		dup2(root_fd, N);
	}
	return NULL;
}

static int make(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, "secret\n", 7) != 7)
		return -1;
	return fd;
}

int main(int argc, char **argv)
{
	char buf[16] = { 0 };
	int own = 0, other = 0, fd;
	pthread_t th;

	setvbuf(stdout, NULL, _IOLBF, 0);
	unlink("/tmp/swap_own");
	fd = make("/tmp/swap_root");
	if (fd < 0) {
		printf("setup %s\n", ename(errno));
		return 1;
	}
	close(fd);
	root_fd = open("/tmp/swap_root", O_RDONLY);
	if (setresgid(1000, 1000, 1000) < 0 ||
	    setresuid(1000, 1000, 1000) < 0) {
		printf("setresuid %s\n", ename(errno));
		return 1;
	}
	/* dumpable, as after an exec; "nodump": as the set-id switch
	 * leaves it (its fd/ is root's, which the sentry may search) */
	if (argc < 2 || strcmp(argv[1], "nodump") != 0)
		prctl(PR_SET_DUMPABLE, 1);
	own_fd = make("/tmp/swap_own");
	if (root_fd < 0 || own_fd < 0 ||
	    pthread_create(&th, NULL, swapper, NULL) != 0) {
		printf("setup %s\n", ename(errno));
		return 1;
	}
	for (int i = 0; i < ROUNDS; i++) {
		int acc = i % 2 ? O_WRONLY : O_RDONLY;
		int r = open("/proc/self/fd/100", acc | O_TRUNC | O_CLOEXEC);

		if (r >= 0)
			own++;
		else
			other++;
		if (r >= 0)
			close(r);
	}
	atomic_store(&stop, true);
	pthread_join(th, NULL);
	/* both kinds of open happened: the swap raced the opens */
	printf("raced %s\n", own > 0 && other > 0 ? "yes" : "no");
	printf("root_file_intact %s\n",
	       pread(root_fd, buf, sizeof(buf) - 1, 0) == 7 &&
			       strcmp(buf, "secret\n") == 0
		       ? "yes"
		       : "no");
	printf("done 0\n");
	return 0;
}
