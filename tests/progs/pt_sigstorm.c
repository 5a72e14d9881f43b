// SPDX-License-Identifier: Apache-2.0
/*
 * A tracer under a storm of signals it ignores (tests/conformance/
 * ptrace_storm.sh). Each PTRACE_SYSCALL must let its tracee run to the
 * next stop and no further: the stops seen must alternate entry, exit.
 *
 * In the sandbox the tracer's ptrace call is a notification; a signal
 * that arrives after the sentry served it and before its reply makes the
 * kernel drop the reply and restart the call, so a resume done by the
 * handler itself ran twice and the tracee passed one stop unseen (strace
 * -f then lost step: "Stray PTRACE_EVENT_EXEC"). Every workload task is
 * ptraced by the sentry, so even an ignored signal does this.
 *
 * Prints one line per case (tests/lib.sh t_compare_native): the tracee's
 * exit, its entry stops, entries less exits and whether the stops
 * alternate; the output must be the host kernel's.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define CALLS 3000

static void tracee(void)
{
	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
		_exit(2);
	raise(SIGSTOP);
	for (int i = 0; i < CALLS; i++)
		syscall(SYS_getppid);
	_exit(0);
}

/*
 * Signals to the tracer from the kernel, not from a task (a kill(2) in
 * the sandbox goes through the sentry, which serves one call at a time:
 * it could never land in the window): an interval timer's SIGALRM, set
 * to be ignored. The host kernel drops it; the sandbox's tasks are
 * ptraced, so theirs is queued and interrupts a wait for a reply.
 */
static void storm(void)
{
	struct itimerval it = { { 0, 250 }, { 0, 250 } };

	signal(SIGALRM, SIG_IGN);
	setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
	struct __ptrace_syscall_info info;
	long entries = 0, exits = 0, stop = 0, bad = -1;
	int status, want = PTRACE_SYSCALL_INFO_ENTRY;
	pid_t child;

	setvbuf(stdout, NULL, _IONBF, 0);
	child = fork();
	if (child == 0)
		tracee();
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
		printf("first_stop missing\n");
		return 1;
	}
	ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESYSGOOD);
	storm();
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, child, 0, 0) < 0) {
			printf("resume %s\n", errno == ESRCH ? "ESRCH" :
			       "failed");
			break;
		}
		if (waitpid(child, &status, __WALL) != child)
			break;
		if (!WIFSTOPPED(status))
			break;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80))
			continue;	/* not a syscall stop */
		stop++;
		if (ptrace(PTRACE_GET_SYSCALL_INFO, child, sizeof(info),
			   &info) < 0)
			continue;
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
			entries++;
		else
			exits++;
		if (info.op != want && bad < 0)
			bad = stop;
		want = info.op == PTRACE_SYSCALL_INFO_ENTRY ?
			PTRACE_SYSCALL_INFO_EXIT : PTRACE_SYSCALL_INFO_ENTRY;
	}
	signal(SIGALRM, SIG_IGN);
	printf("exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	printf("entry_stops_at_least_%d %s\n", CALLS,
	       entries >= CALLS ? "yes" : "no");
	printf("entries_minus_exits %ld\n", entries - exits);
	if (bad < 0)
		printf("stops_alternate yes\n");
	else
		printf("stops_alternate no (stop %ld out of turn)\n", bad);
	printf("done 0\n");
	return 0;
}
