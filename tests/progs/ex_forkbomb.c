// SPDX-License-Identifier: Apache-2.0
/*
 * A fork bomb under pids.limit (tests/escape/exhaust.sh). Forks until fork
 * fails; every child blocks on a pipe. Then, with the bomb held, prints
 * "held" and waits for a line on stdin (progs.h hold(): the test checks the
 * runtime meanwhile). Then a survivor child makes emulated calls, every child is
 * released and reaped, and fork works again. Prints "NAME RESULT" lines
 * (the count and times on stderr: they depend on what else the cgroup
 * holds) and ends with "done 0".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "progs.h"

#define MAX_FORKS 100000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The survivor: waits for the go byte, then emulated calls. */
static void survivor(int go)
{
	struct stat st;
	char c;
	int fd;

	if (read(go, &c, 1) != 1)
		_exit(2);
	fd = open("/etc/passwd", O_RDONLY);
	if (fd < 0 || stat("/", &st) < 0 || access("/bin/sh", X_OK) < 0)
		_exit(1);
	close(fd);
	_exit(0);
}

int main(void)
{
	int hp[2], go[2], err = 0, n = 0, reaped = 0, st;
	pid_t surv, p;
	double t0, t1;
	hold("ready");
	if (pipe(hp) < 0 || pipe(go) < 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	surv = fork();
	if (surv == 0) {
		close(hp[1]);
		close(go[1]);
		survivor(go[0]);
	}
	printf("survivor_forked %s\n", surv > 0 ? "ok" : ename(errno));
	t0 = now();
	while (n < MAX_FORKS) {
		p = fork();
		if (p == 0) {
			char c;

			close(hp[1]);
			while (read(hp[0], &c, 1) > 0)
				;
			_exit(0);
		}
		if (p < 0) {
			err = errno;
			break;
		}
		n++;
	}
	t1 = now();
	close(hp[0]);
	printf("bomb_stopped_by %s\n", ename(err));
	fprintf(stderr, "forks %d contained_in_ms %.1f\n", n,
		(t1 - t0) * 1000);
	hold("held");
	/* the survivor's emulated calls, at the limit still */
	if (write(go[1], "g", 1) != 1 || waitpid(surv, &st, 0) != surv)
		st = -1;
	printf("survivor_calls %s\n",
	       WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "FAIL");
	close(hp[1]);
	while ((p = wait(NULL)) > 0)
		reaped++;
	printf("reaped_all %s\n", reaped == n ? "ok" : "FAIL");
	if (reaped != n)
		fprintf(stderr, "reaped %d of %d\n", reaped, n);
	p = fork();
	if (p == 0)
		_exit(0);
	printf("fork_after %s\n", p > 0 && waitpid(p, &st, 0) == p ? "ok" :
								     ename(errno));
	hold("released");
	printf("done 0\n");
	return 0;
}
