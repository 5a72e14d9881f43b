// SPDX-License-Identifier: Apache-2.0
/*
 * Thousands of threads each making emulated calls (tests/escape/
 * exhaust.sh): ex_threads [N [CALLS]] starts N threads (default 2000),
 * released together, each doing CALLS rounds (default 20) of open+close,
 * stat and getcwd after chdir. Prints "threads_started N", "calls_failed
 * K", after they are gone "open_after ERRNO", and ends with "done 0"; the
 * rate is printed on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "progs.h"

static int calls = 20;
static atomic_int failed, done_calls, first_errno;
static pthread_barrier_t start, finish, leave;

static void *worker(void *arg)
{
	struct stat st;
	char cwd[64];

	(void)arg;
	pthread_barrier_wait(&start);
	for (int i = 0; i < calls; i++) {
		int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			atomic_fetch_add(&failed, 1);
			atomic_store(&first_errno, errno);
		}
		else
			close(fd);
		if (stat("/bin/sh", &st) < 0)
			atomic_fetch_add(&failed, 1);
		if (getcwd(cwd, sizeof(cwd)) == NULL || strcmp(cwd, "/"))
			atomic_fetch_add(&failed, 1);
		atomic_fetch_add(&done_calls, 3);
	}
	/* all alive while the test measures */
	pthread_barrier_wait(&finish);
	pthread_barrier_wait(&leave);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000, started = 0, err = 0, fd;
	pthread_t *tids = calloc(n, sizeof(*tids));
	pthread_attr_t a;
	struct timespec t0, t1;

	if (argc > 2)
		calls = atoi(argv[2]);
	if (tids == NULL || chdir("/") < 0)
		return 1;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	pthread_barrier_init(&start, NULL, n + 1);
	pthread_barrier_init(&finish, NULL, n + 1);
	pthread_barrier_init(&leave, NULL, n + 1);
	hold("ready");
	for (; started < n; started++) {
		err = pthread_create(&tids[started], &a, worker, NULL);
		if (err)
			break;
	}
	printf("threads_started %s\n", started == n ? "ok" : ename(err));
	if (started < n) {
		/* let the barrier open for those that started */
		fprintf(stderr, "only %d threads\n", started);
		fflush(NULL);
		_exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_barrier_wait(&start);
	pthread_barrier_wait(&finish);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	hold("held");
	pthread_barrier_wait(&leave);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	printf("calls_failed %d\n", atomic_load(&failed));
	fprintf(stderr, "threads %d calls %d failed %d (open: %s) in_ms %.0f\n",
		started, atomic_load(&done_calls), atomic_load(&failed),
		ename(atomic_load(&first_errno)),
		(t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	hold("released");
	/* the sentry serves again once the threads are gone */
	fd = open("/etc/passwd", O_RDONLY);
	printf("open_after %s\n", ename(fd < 0 ? errno : 0));
	printf("done 0\n");
	return 0;
}
