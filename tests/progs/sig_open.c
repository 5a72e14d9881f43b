// SPDX-License-Identifier: Apache-2.0
/*
 * open(2) while signals keep arriving: each open returns the lowest free
 * fd and leaves nothing behind, whether a handled (SA_RESTART) signal or
 * a stop and continue interrupts it. In the sandbox an open's fd is
 * installed by the sentry (seccomp: SECCOMP_IOCTL_NOTIF_ADDFD); a signal
 * between the install and the reply restarts the call, which must not
 * leave the first fd behind. One line per case; "done 0" at the end.
 *
 *	sig_open [iterations [pace_us]]
 *
 * pace_us > 0: the pester waits that long between its signals (the ptrace
 * platform's run: an open interrupted again before the sentry could
 * finish it is a livelock there, docs/security.md "Known gaps").
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static void on_usr1(int sig)
{
	(void)sig;
}

/* Set by the parent to end the pester, which checks it only after a
 * whole pair: a SIGSTOP is always followed by its SIGCONT. (Killing it
 * instead could land between the two and leave the parent stopped for
 * ever, on the host as in the sandbox.) */
static volatile int *pester_stop;
static int pace_us;

/* A child that signals its parent until told to stop. */
static pid_t pester(int first, int second)
{
	pid_t ppid = getpid(), pid;

	*pester_stop = 0;
	pid = fork();
	if (pid != 0)
		return pid;
	while (!*pester_stop) {
		kill(ppid, first);
		if (second != 0)
			kill(ppid, second);
		if (pace_us > 0)
			usleep((useconds_t)pace_us);
	}
	_exit(0);
}

/* Opens path n times; every fd must be the one the first open got. */
static void opens(const char *name, const char *path, int n, int first,
		  int second)
{
	int want = open(path, O_RDONLY), got = want, err = 0, at = 0, fd;
	pid_t pid;

	if (want < 0) {
		printf("%s open %s\n", name, ename(errno));
		return;
	}
	close(want);
	pid = pester(first, second);
	for (at = 0; at < n && got == want; at++) {
		got = open(path, O_RDONLY);
		err = errno;
		if (got >= 0)
			close(got);
	}
	*pester_stop = 1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	/* Nothing left behind: the next open gets the same fd again. */
	fd = open(path, O_RDONLY);
	if (got < 0)
		printf("%s %s at %d\n", name, ename(err), at);
	else if (got != want)
		printf("%s fd %d at %d (want %d)\n", name, got, at, want);
	else if (fd != want)
		printf("%s then fd %d (want %d)\n", name, fd, want);
	else
		printf("%s ok\n", name);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	int n = argc > 1 ? atoi(argv[1]) : 3000;

	pace_us = argc > 2 ? atoi(argv[2]) : 0;

	pester_stop = mmap(NULL, sizeof(*pester_stop), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pester_stop == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGUSR1, &sa, NULL);
	opens("open_handled_signals", "/dev/null", n, SIGUSR1, 0);
	opens("open_stop_continue", "/dev/null", n, SIGSTOP, SIGCONT);
	opens("open_file_handled_signals", "/etc/passwd", n, SIGUSR1, 0);
	printf("done 0\n");
	return 0;
}
