// SPDX-License-Identifier: Apache-2.0
/*
 * A workload that kills itself on the syscalls the sentry injects into a
 * stopped task (platform/ptrace.c: socketpair, close, recvmsg to install
 * an fd on the ptrace platform or an O_PATH fd on both; gettid at a new
 * task's first stop; prctl after an exec). The sentry must see every such
 * death exactly once (tests/escape/lost_exit.sh).
 *
 *   inj_kill direct SYSCALLS [thread]  install the filter, call the first
 *                                      of SYSCALLS itself (dies anywhere)
 *   inj_kill opath SYSCALLS [thread]   ... then open("/", O_PATH)
 *   inj_kill open SYSCALLS [thread]    ... then open("/etc/passwd")
 *   inj_kill exec SYSCALLS [thread]    ... then execs /bin/inj_alias, a
 *                                      link to inj_kill, with "noop" (the
 *                                      sentry names it after the link)
 *   inj_kill noop                      prints "noop"
 *   inj_kill fork SYSCALLS [thread]    ... then fork(); the child calls
 *                                      the first of SYSCALLS; the parent
 *                                      prints "child signal N"
 *   inj_kill hold SECS ACTION SYSCALLS a child does ACTION after SECS
 *                                      seconds; the parent prints its
 *                                      status, then pauses for ever
 *   inj_kill group                     one thread opens O_PATH fds in a
 *                                      loop, another calls exit_group(3)
 *   inj_kill storm                     threads open O_PATH fds and fork
 *                                      children that do the same, then
 *                                      exit_group(4) after 100 ms
 *   inj_kill leader ACTION SYSCALLS    the leader does ACTION with a
 *                                      KILL_THREAD filter; another thread
 *                                      calls exit_group(5) 200 ms later
 *
 * SYSCALLS: a comma-separated list of socketpair, recvmsg, close, gettid,
 * prctl. "thread": SECCOMP_RET_KILL_THREAD instead of KILL_PROCESS. A
 * trigger that returns prints "survived" and the process exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "progs.h"

static const struct {
	const char *name;
	int nr;
} calls[] = {
	{ "socketpair", SYS_socketpair }, { "recvmsg", SYS_recvmsg },
	{ "close", SYS_close },		  { "gettid", SYS_gettid },
	{ "prctl", SYS_prctl },
};

static int nr_of(const char *name)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(calls[i].name, name) == 0)
			return calls[i].nr;
	fprintf(stderr, "unknown syscall %s\n", name);
	exit(2);
}

/* The first syscall of the list, and the filter killing on all of them. */
static int install(const char *list, int thread)
{
	struct sock_filter f[16];
	struct sock_fprog prog = { 0, f };
	char buf[128], *save = NULL, *name;
	int n = 0, first = -1, count = 0;
	int nrs[8] = { 0 };

	snprintf(buf, sizeof(buf), "%s", list);
	for (name = strtok_r(buf, ",", &save); name && count < 8;
	     name = strtok_r(NULL, ",", &save))
		nrs[count++] = nr_of(name);
	first = nrs[0];
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (int i = 0; i < count; i++)
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      nrs[i], count - i, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		thread ? SECCOMP_RET_KILL_THREAD : SECCOMP_RET_KILL_PROCESS);
	prog.len = n;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		printf("install %s\n", ename(errno));
		exit(2);
	}
	return first;
}

static void call_direct(int nr)
{
	int sv[2];

	/* Arguments that would make each call harmless if it ran. */
	if (nr == SYS_socketpair)
		syscall(nr, AF_UNIX, SOCK_DGRAM, 0, sv);
	else if (nr == SYS_prctl)
		syscall(nr, PR_GET_DUMPABLE, 0, 0, 0, 0);
	else
		syscall(nr, -1, 0, 0);
}

static void report(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			printf("wait %s\n", ename(errno));
			fflush(stdout);
			return;
		}
	if (WIFSIGNALED(st))
		printf("child signal %d\n", WTERMSIG(st));
	else
		printf("child exit %d\n", WEXITSTATUS(st));
	fflush(stdout);
}

static void trigger(const char *action, const char *list, int thread)
{
	int first = install(list, thread), fd = -2;
	pid_t pid;

	if (strcmp(action, "direct") == 0) {
		call_direct(first);
	} else if (strcmp(action, "opath") == 0) {
		fd = open("/", O_PATH);
	} else if (strcmp(action, "open") == 0) {
		fd = open("/etc/passwd", O_RDONLY);
	} else if (strcmp(action, "exec") == 0) {
		char *av[] = { "inj_alias", "noop", NULL };

		execv("/bin/inj_alias", av);
		fd = -1;
	} else if (strcmp(action, "fork") == 0) {
		pid = fork();
		if (pid == 0) {
			call_direct(first);
			_exit(0);
		}
		report(pid);
		exit(0);
	} else {
		fprintf(stderr, "unknown action %s\n", action);
		exit(2);
	}
	printf("survived %d\n", fd >= 0 ? 0 : errno);
	exit(0);
}

static void *opener(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = open("/", O_PATH);

		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/* exit_group from another thread while injections are in progress. */
static void group(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	pthread_t th;

	if (pthread_create(&th, NULL, opener, NULL) != 0)
		exit(2);
	nanosleep(&ts, NULL);
	syscall(SYS_exit_group, 3);
}

static void *forker(void *arg)
{
	(void)arg;
	for (;;) {
		pid_t pid = fork();

		if (pid == 0) {
			int fd = open("/", O_PATH);

			_exit(fd >= 0 ? 0 : 1);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	return NULL;
}

/* Many tasks stopping, being created and exiting while the sentry injects
 * calls, and an exit_group in the middle of it. */
static void storm(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	pthread_t th;

	for (int i = 0; i < 3; i++)
		if (pthread_create(&th, NULL, opener, NULL) != 0 ||
		    pthread_create(&th, NULL, forker, NULL) != 0)
			exit(2);
	nanosleep(&ts, NULL);
	syscall(SYS_exit_group, 4);
}

static void *exit_later(void *arg)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };

	(void)arg;
	nanosleep(&ts, NULL);
	syscall(SYS_exit_group, 5);
	return NULL;
}

/* The leader dies alone (KILL_THREAD); the kernel reports its exit only
 * after the other thread's. */
static void leader(const char *action, const char *list)
{
	pthread_t th;

	if (pthread_create(&th, NULL, exit_later, NULL) != 0)
		exit(2);
	trigger(action, list, 1);
}

int main(int argc, char **argv)
{
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "noop") == 0) {
		printf("noop\n");
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "group") == 0)
		group();
	if (argc >= 2 && strcmp(argv[1], "storm") == 0)
		storm();
	if (argc >= 4 && strcmp(argv[1], "leader") == 0)
		leader(argv[2], argv[3]);
	if (argc >= 5 && strcmp(argv[1], "hold") == 0) {
		pid = fork();
		if (pid == 0) {
			sleep((unsigned)atoi(argv[2]));
			trigger(argv[3], argv[4], argc > 5);
		}
		report(pid);
		for (;;)
			pause();
	}
	if (argc < 3) {
		fprintf(stderr, "usage: inj_kill ACTION SYSCALLS [thread]\n");
		return 2;
	}
	trigger(argv[1], argv[2], argc > 3);
	return 0;
}
