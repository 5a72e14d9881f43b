// SPDX-License-Identifier: Apache-2.0
/*
 * The sentry's own fd table. It holds fds for the workload: a pidfd per
 * task, the directory cache, and the SCM_RIGHTS fds of a send that waits
 * for its socket to drain (sentry/socket.c), up to 253 per blocked task.
 * A workload must not be able to fill the table, or every task's next
 * emulated call fails (the gofer's fds could no longer be received). So
 * RLIMIT_NOFILE is raised at start-up, and the fds held for sends in
 * flight, all tasks together, stay under half of it (at most 65536):
 * past that a send gets ENOBUFS, as Linux answers when the control
 * messages of the senders blocked on a socket exceed its optmem
 * (docs/security.md, "Resource exhaustion"). Tasks may still fill the
 * table where the limit cannot be raised (a pidfd each); so that runsc
 * keeps an answer then, one fd is kept in reserve and given up to accept
 * a control connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sentry/internal.h"

#define BUDGET_MAX 65536	/* 259 senders blocked with 253 fds each */

static size_t budget = 512;	/* until fd_budget_init */
static size_t held;
static int reserve = -1;

/* fs.nr_open, the most RLIMIT_NOFILE may be. */
static rlim_t nr_open(void)
{
	unsigned long v = 1048576;
	FILE *f = fopen("/proc/sys/fs/nr_open", "re");

	if (f != NULL) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 1048576;
		fclose(f);
	}
	return (rlim_t)v;
}

/*
 * Before confinement (getrlimit/setrlimit are not in the sentry's
 * filter), after the init is forked (its limits are the spec's, not
 * these). With CAP_SYS_RESOURCE the limit goes to fs.nr_open, above
 * kernel.threads-max, so a pidfd per task cannot fill it; without, the
 * soft limit goes to the hard one.
 */
void fd_budget_init(int ctl_fd)
{
	struct rlimit rl;
	rlim_t max = nr_open();

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_max < max) {
		struct rlimit up = { max, max };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	budget = rl.rlim_cur / 2 < BUDGET_MAX ? rl.rlim_cur / 2 : BUDGET_MAX;
	fd_budget_refill(ctl_fd);
}

/* Whether the sentry may keep fd for long (a file entry of the directory
 * cache): a number below a quarter of its table, so that sends in flight
 * and tasks' pidfds keep their room. */
bool fd_budget_may_keep(int fd)
{
	return fd >= 0 && (size_t)fd < budget / 2;
}

void fd_budget_refill(int ctl_fd)
{
	if (reserve < 0 && ctl_fd >= 0)
		reserve = fcntl(ctl_fd, F_DUPFD_CLOEXEC, 0);
}

/* accept4 on the control socket; when the table is full, the reserve fd's
 * slot takes the connection (fd_budget_refill takes it back). */
int fd_budget_accept(int ctl_fd)
{
	int conn = accept4(ctl_fd, NULL, NULL, SOCK_CLOEXEC);

	if (conn < 0 && (errno == EMFILE || errno == ENFILE) && reserve >= 0) {
		close(reserve);
		reserve = -1;
		conn = accept4(ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	}
	return conn;
}

/* One more fd held for a task's send; false when the budget is spent. */
bool fd_budget_take(void)
{
	if (held >= budget)
		return false;
	held++;
	return true;
}

void fd_budget_put(size_t n)
{
	held = n > held ? 0 : held - n;
}
