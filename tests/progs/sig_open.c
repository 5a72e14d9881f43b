// SPDX-License-Identifier: Apache-2.0
/*
 * open(2) while signals keep arriving: each open returns the lowest free
 * fd and leaves nothing behind, whether a handled (SA_RESTART) signal or
 * a stop and continue interrupts it. In the sandbox an open's fd is
 * installed by the sentry (seccomp: SECCOMP_IOCTL_NOTIF_ADDFD); a signal
 * between the install and the reply restarts the call, which must not
 * leave the first fd behind. One line per case; "done 0" at the end.
 *
 *	sig_open [iterations]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static void on_usr1(int sig)
{
	(void)sig;
}

/* A child that signals its parent until killed. */
static pid_t pester(int first, int second)
{
	pid_t ppid = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	for (;;) {
		kill(ppid, first);
		if (second != 0)
			kill(ppid, second);
	}
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
	kill(pid, SIGKILL);
	kill(getpid(), SIGCONT);
	waitpid(pid, NULL, 0);
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

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGUSR1, &sa, NULL);
	opens("open_handled_signals", "/dev/null", n, SIGUSR1, 0);
	opens("open_stop_continue", "/dev/null", n, SIGSTOP, SIGCONT);
	opens("open_file_handled_signals", "/etc/passwd", n, SIGUSR1, 0);
	printf("done 0\n");
	return 0;
}
