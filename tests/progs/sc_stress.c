// SPDX-License-Identifier: Apache-2.0
/*
 * Run inside a sandbox: 8 threads at once make emulated calls (stat, open)
 * and fork+exec now and then, three rounds of fresh threads. Prints
 * "stress-ok" if every call worked.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_int failures;

static void *worker(void *arg)
{
	struct stat st;

	(void)arg;
	for (int i = 0; i < 1000; i++) {
		int fd = open("/etc/passwd", O_RDONLY), status = -1;
		pid_t pid;

		if (fd < 0 || stat("/etc/passwd", &st) < 0)
			failures++;
		if (fd >= 0)
			close(fd);
		if (i % 250)
			continue;
		pid = fork();
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(3);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || status != 0)
			failures++;
	}
	return NULL;
}

int main(void)
{
	pthread_t t[8];

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 8; i++)
			pthread_create(&t[i], NULL, worker, NULL);
		for (int i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
	}
	if (failures)
		printf("stress FAIL %d\n", (int)failures);
	else
		puts("stress-ok");
	return 0;
}
