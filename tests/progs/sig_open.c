// SPDX-License-Identifier: Apache-2.0
/*
 * open(2) while signals keep arriving: each open returns the lowest free
 * fd and leaves nothing behind, whether a handled (SA_RESTART) signal or
 * a stop and continue interrupts it. In the sandbox an open's fd is
 * installed by the sentry (seccomp: SECCOMP_IOCTL_NOTIF_ADDFD; ptrace:
 * calls injected into the task); a signal between the install and the
 * reply restarts the call, which must not leave the first fd behind.
 *
 * The signals themselves must arrive as Linux delivers them: each one
 * handled comes from the pester's kill (si_code SI_USER, si_pid the
 * pester's), none twice (no more handled than sent), the last one not
 * lost (one is handled after the pester's last kill), none while the
 * caller blocks them and the caller's mask unchanged by an open. And the
 * opens go on under the storm: one that a kill loop faster than the
 * sentry could keep from ever completing (the ptrace platform's injected
 * steps, issue 13) shows as no open done in STORM_BOUND_S seconds (or as
 * the test's timeout); STORM_S is how long the storm runs if one is.
 *
 * One line per case; "done 0" at the end. Timings and counts go to
 * stderr (they differ from the host's).
 *
 *	sig_open [iterations [pace_us]]
 *
 * pace_us > 0: the pester waits that long between its signals.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "progs.h"

#define STORM_S 2		/* the storm's length, opens counted */
#define STORM_BOUND_S 30	/* ... and longer if none is done by then */

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Shared with the pester. */
struct shared {
	volatile int stop;	/* set by the parent */
	volatile long sent;	/* kills (or pairs) done */
	volatile long last_ns;	/* when the last kill began */
	volatile pid_t pid;	/* the pester's */
};
static struct shared *sh;
static int pace_us;

/* The calling thread's blocked set, as the kernel holds it. */
static unsigned long blocked_now(void)
{
	unsigned long set = 0;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &set, sizeof(set));
	return set;
}

/* What the handler saw. */
static volatile sig_atomic_t handled, foreign;
static volatile long last_handled_ns;
static volatile int foreign_code, foreign_pid;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	handled++;
	last_handled_ns = now_ns();
	if (si->si_code != SI_USER || si->si_pid != sh->pid) {
		foreign++;
		foreign_code = si->si_code;
		foreign_pid = si->si_pid;
	}
}

/* A child that signals its parent until told to stop; it checks only
 * after a whole pair: a SIGSTOP is always followed by its SIGCONT.
 * (Killing it instead could land between the two and leave the parent
 * stopped for ever, on the host as in the sandbox.) */
static pid_t pester(int first, int second)
{
	pid_t ppid = getpid(), pid;

	sh->stop = 0;
	sh->sent = 0;
	sh->last_ns = 0;
	sh->pid = 0;
	handled = 0;
	foreign = 0;
	last_handled_ns = 0;
	pid = fork();
	if (pid != 0)
		return pid;
	sh->pid = getpid();
	while (!sh->stop) {
		sh->last_ns = now_ns();
		kill(ppid, first);
		if (second != 0)
			kill(ppid, second);
		sh->sent++;
		if (pace_us > 0)
			usleep((useconds_t)pace_us);
	}
	_exit(0);
}

static void pester_end(pid_t pid)
{
	sh->stop = 1;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The signals' account (a handled signal only: first == SIGUSR1); ""
 * if it is Linux's. */
static const char *signals_account(int first)
{
	static char buf[128];

	if (first != SIGUSR1)
		return "";
	if (foreign > 0)
		snprintf(buf, sizeof(buf), "signal with code %d from pid %d "
			 "(want SI_USER from the pester)", foreign_code,
			 foreign_pid);
	else if (handled > sh->sent)
		snprintf(buf, sizeof(buf), "%ld handled of %ld sent",
			 (long)handled, sh->sent);
	else if (last_handled_ns < sh->last_ns)
		snprintf(buf, sizeof(buf), "last signal lost");
	else
		return "";
	return buf;
}

/* Opens path n times, or (max_s > 0) for max_s seconds, and on until one
 * is done if none was, for STORM_BOUND_S at most: opens done after that
 * are not counted. Every fd must be the one the first open got, and the
 * caller's mask stay its own. */
static void opens(const char *name, const char *path, int n, int max_s,
		  int first, int second)
{
	int want = open(path, O_RDONLY), got = want, err = 0, at = 0, fd;
	long t0, end, bound, t;
	unsigned long mask0 = blocked_now();
	bool mask_ok = true;
	const char *acc;
	pid_t pid;

	if (want < 0) {
		printf("%s open %s\n", name, ename(errno));
		return;
	}
	close(want);
	t0 = now_ns();
	end = max_s > 0 ? t0 + max_s * 1000000000L : 0;
	bound = t0 + STORM_BOUND_S * 1000000000L;
	pid = pester(first, second);
	for (at = 0; at < n && got == want && mask_ok;) {
		got = open(path, O_RDONLY);
		err = errno;
		if (got >= 0)
			close(got);
		mask_ok = blocked_now() == mask0;
		t = now_ns();
		if (end == 0 || t < bound)
			at++;
		if (end != 0 && t >= end && (at > 0 || t >= bound))
			break;
	}
	pester_end(pid);
	fprintf(stderr, "%s %.3f s, %d opens, %ld sent, %ld handled\n", name,
		(now_ns() - t0) / 1e9, at, sh->sent, (long)handled);
	/* Nothing left behind: the next open gets the same fd again. */
	fd = open(path, O_RDONLY);
	acc = signals_account(first);
	if (got < 0)
		printf("%s %s at %d\n", name, ename(err), at);
	else if (got != want)
		printf("%s fd %d at %d (want %d)\n", name, got, at, want);
	else if (!mask_ok)
		printf("%s signal mask changed at %d\n", name, at);
	else if (fd != want)
		printf("%s then fd %d (want %d)\n", name, fd, want);
	else if (*acc != '\0')
		printf("%s %s\n", name, acc);
	else if (max_s > 0)
		printf("%s %s\n", name, at > 0 ? "ok" : "no open done in "
			"the bound");
	else
		printf("%s ok\n", name);
	if (fd >= 0)
		close(fd);
}

/* With SIGUSR1 blocked, n opens under its storm: none handled meanwhile,
 * one (the pending one) once it is unblocked. */
static void opens_blocked(int n)
{
	sigset_t usr1, old;
	long during;
	int at, fd = 0;
	pid_t pid;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	pid = pester(SIGUSR1, 0);
	/* (until the pester has sent one: a loaded host may start it
	 * late) */
	for (at = 0; (at < n || sh->sent == 0) && fd >= 0; at++) {
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	pester_end(pid);
	during = handled;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0)
		printf("open_blocked_signals %s at %d\n", ename(errno), at);
	else if (during != 0 || handled != 1)
		printf("open_blocked_signals %ld handled while blocked, %ld "
		       "after\n", during, (long)handled - during);
	else
		printf("open_blocked_signals ok\n");
}

/*
 * A child opening in a loop is stopped (SIGSTOP), seen stopped by its
 * parent (WUNTRACED), makes no progress until continued (SIGCONT, seen
 * with WCONTINUED), rounds times: a stop that came during an open takes
 * effect when the open returns, not later, not never.
 */
static void opens_stopped(int rounds)
{
	volatile long *count = &sh->sent;
	long before;
	int st, r, bad = 0;
	pid_t pid;

	sh->stop = 0;
	*count = 0;
	pid = fork();
	if (pid == 0) {
		while (!sh->stop) {
			int fd = open("/dev/null", O_RDONLY);

			if (fd < 0)
				_exit(1);
			close(fd);
			(*count)++;
		}
		_exit(0);
	}
	for (r = 0; r < rounds && !bad; r++) {
		usleep(2000);
		kill(pid, SIGSTOP);
		if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
			bad = 1;
			break;
		}
		before = *count;
		usleep(20000);
		if (*count != before)
			bad = 2;
		kill(pid, SIGCONT);
		if (waitpid(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st))
			bad = 3;
	}
	sh->stop = 1;
	waitpid(pid, &st, 0);
	if (bad == 1)
		printf("open_stopped_child not seen stopped (%s) at %d\n",
		       wstatus(st), r);
	else if (bad == 2)
		printf("open_stopped_child ran while stopped at %d\n", r);
	else if (bad == 3)
		printf("open_stopped_child not seen continued at %d\n", r);
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		printf("open_stopped_child %s\n", wstatus(st));
	else
		printf("open_stopped_child ok\n");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_usr1,
				.sa_flags = SA_RESTART | SA_SIGINFO };
	int n = argc > 1 ? atoi(argv[1]) : 3000;

	pace_us = argc > 2 ? atoi(argv[2]) : 0;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGUSR1, &sa, NULL);
	opens("open_handled_signals", "/dev/null", n, 0, SIGUSR1, 0);
	opens("open_stop_continue", "/dev/null", n, 0, SIGSTOP, SIGCONT);
	opens("open_file_handled_signals", "/etc/passwd", n, 0, SIGUSR1, 0);
	opens_blocked(n);
	opens_stopped(50);
	opens("open_storm_progress", "/dev/null", 1 << 30, STORM_S, SIGUSR1,
	      0);
	printf("done 0\n");
	return 0;
}
