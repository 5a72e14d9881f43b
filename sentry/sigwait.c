// SPDX-License-Identifier: Apache-2.0
/*
 * A traced task is woken by every signal, even one it ignores (the kernel
 * queues ignored signals for a tracer to see: sig_ignored()), where an
 * untraced one never notices them. rt_sigtimedwait(2) woken that way
 * returns EINTR, not the EAGAIN of its timeout: a SIGCHLD (ignored by
 * default) from a child's exit is enough. At the signal's delivery stop
 * the sentry turns that EINTR into a restart (-ERESTARTNOHAND: the kernel
 * restarts the call when no handler runs, which is so for an ignored
 * signal). The restarted wait starts its timeout again (the kernel keeps
 * no remaining time for it): it can last longer than asked, by up to one
 * timeout per ignored signal (docs/security.md, known differences).
 *
 * The SIGCHLD of a child the sentry dumped core for says CLD_KILLED in the
 * kernel's queue (the kernel wrote no core). A handler gets CLD_DUMPED at
 * the delivery stop (coredump_on_sigchld); rt_sigtimedwait dequeues it in
 * the call, with no stop, so the filter sends the calls that fill a
 * siginfo (sigwaitinfo, sigtimedwait; not sigwait's) to an observe stop:
 * those whose set holds SIGCHLD run with their exit watched, where the
 * siginfo the kernel wrote for a SIGCHLD it returned is made to say
 * CLD_DUMPED if the sentry's record says so (coredump_fix_wait).
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "lib/util.h"
#include "platform/platform.h"
#include "sentry/internal.h"
#include "sentry/proc_status.h"

/* Signals whose default action is to ignore them. */
static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT;
}

/* Does the task ignore sig (SIG_IGN, or SIG_DFL for a default-ignored
 * one)? Read from the sandbox's procfs: dispositions are per process. */
static bool task_ignores(const struct task *t, int sig)
{
	char buf[TASK_STATUS_MAX];
	uint64_t bit = 1ULL << (sig - 1);

	if (sig < 1 || sig > 64 ||
	    task_status_read(t->tgid, 0, buf, sizeof(buf)) <= 0)
		return false;
	if (status_num(buf, "SigIgn", 16) & bit)
		return true;
	return default_ignored(sig) && !(status_num(buf, "SigCgt", 16) & bit);
}

/* The signals buf's process ignores: SIG_IGN, or SIG_DFL for a
 * default-ignored one. Linux discards those when they are sent, so they
 * end no wait; a tracee keeps them pending for its tracer (the sentry). */
static uint64_t ignored_mask(const char *buf)
{
	uint64_t caught = status_num(buf, "SigCgt", 16);
	uint64_t mask = status_num(buf, "SigIgn", 16);

	for (int sig = 1; sig <= 64; sig++)
		if (default_ignored(sig) && !(caught & (1ULL << (sig - 1))))
			mask |= 1ULL << (sig - 1);
	return mask;
}

bool task_signal_pending(const struct task *t)
{
	char buf[TASK_STATUS_MAX];
	uint64_t takes;

	if (task_status_read(t->tgid, t->tid, buf, sizeof(buf)) <= 0)
		return false;
	takes = ~status_num(buf, "SigBlk", 16) & ~ignored_mask(buf);
	if (status_num(buf, "SigPnd", 16) & takes)
		return true;
	return (status_num(buf, "ShdPnd", 16) & takes) &&
	       status_num(buf, "Threads", 10) == 1;
}

void sigwait_on_signal_stop(struct task *t, int sig)
{
	struct user_regs_struct r;

	if (plat_getregs(t->host_tid, &r) < 0 ||
	    r.orig_rax != SYS_rt_sigtimedwait || (long)r.rax != -EINTR)
		return;
	if (!task_ignores(t, sig))
		return;
	r.rax = (unsigned long long)-ERESTARTNOHAND;
	/* Failing, the wait returns EINTR, as if the signal were caught. */
	sentry_plat_result(t->host_tid, plat_setregs(t->host_tid, &r),
			   "restart wait");
}

void sigwait_on_observe(struct sentry *s, struct task *t, struct plat_call *pc)
{
	struct task_state *st = task_st(t);
	uint64_t set = 0;

	plat_regs_args(&pc->regs, st->args);
	/* The set only says whether to watch the exit: a set rewritten
	 * meanwhile by another thread costs the task its own fix-up. */
	if (!s->strace &&
	    (plat_mem_read(t->host_tid, st->args[0], &set, sizeof(set)) < 0 ||
	     !(set & (1ULL << (SIGCHLD - 1))))) {
		sentry_plat_result(t->host_tid,
				   plat_ptrace_finish(t->host_tid, pc, 0, true),
				   "reply");
		return;
	}
	/* A PASS call watched to its exit (and logged under --strace):
	 * loop.c's TP_STRACE exit runs coredump_fix_wait. */
	st->pending = TP_STRACE;
	st->nr = SYS_rt_sigtimedwait;
	st->t0 = cv_now_ns();
	task_resume(t, PTRACE_SYSCALL, 0);
}
