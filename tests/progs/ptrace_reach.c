// SPDX-License-Identifier: Apache-2.0
/*
 * Attacks through ptrace, for tests/escape/ptrace_reach.sh (run natively,
 * where each must work, and in the sandbox, where only what stays inside
 * the workload may):
 *
 *   ptrace_reach attach LABEL=PID...  PTRACE_ATTACH (then a register
 *                                     read and DETACH) and PTRACE_SEIZE
 *                                     of each pid: "attach LABEL ok|ERRNO"
 *   ptrace_reach traceme              PTRACE_TRACEME (the parent as
 *                                     tracer), then exits
 *   ptrace_reach rewrite              a traced child's getpid rewritten
 *                                     at its syscall-entry stop into
 *                                     unshare(CLONE_NEWNS): the filter
 *                                     must still see the new call
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static void attach(const char *label, pid_t pid)
{
	struct user_regs_struct r;
	int st;

	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) {
		printf("attach %s %s\n", label, ename(errno));
	} else {
		waitpid(pid, &st, __WALL);
		printf("attach %s %s\n", label,
		       ptrace(PTRACE_GETREGS, pid, 0, &r) < 0 ? ename(errno) :
								  "ok");
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0) {
		printf("seize %s %s\n", label, ename(errno));
	} else {
		printf("seize %s ok\n", label);
		ptrace(PTRACE_DETACH, pid, 0, 0);
	}
}

static int rewrite(void)
{
	struct user_regs_struct r;
	pid_t p = fork();
	int st;

	if (p == 0) {
		long ret;

		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		ret = syscall(SYS_getpid);
		_exit(ret == 0 ? 0 : ret < 0 ? errno : 200);
	}
	waitpid(p, &st, 0);			/* SIGSTOP */
	ptrace(PTRACE_SYSCALL, p, 0, 0);
	for (;;) {
		waitpid(p, &st, 0);
		if (!WIFSTOPPED(st))
			break;
		if (ptrace(PTRACE_GETREGS, p, 0, &r) == 0 &&
		    r.orig_rax == SYS_getpid && (long)r.rax == -ENOSYS) {
			r.orig_rax = SYS_unshare;
			r.rdi = CLONE_NEWNS;
			ptrace(PTRACE_SETREGS, p, 0, &r);
			ptrace(PTRACE_CONT, p, 0, 0);
			continue;
		}
		ptrace(PTRACE_SYSCALL, p, 0, 0);
	}
	printf("rewrite unshare %s\n",
	       WIFEXITED(st) ? ename(WEXITSTATUS(st)) : "killed");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(30);
	if (argc >= 2 && strcmp(argv[1], "traceme") == 0) {
		printf("traceme %s\n",
		       ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 ? ename(errno) : "ok");
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "rewrite") == 0)
		return rewrite();
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		attach(argv[i], atoi(eq + 1));
	}
	return 0;
}
