// SPDX-License-Identifier: Apache-2.0
/*
 * Emulated ptrace, the tracer's waits: wait4 reports the stops the sentry
 * holds for the caller's group (sentry/ptrace_emu.h) and the exits of
 * tracees that are not its children; everything else is the kernel's.
 *
 * wait4 is an EMULATE row with SC_F_TRACE: at its RET_TRACE stop, a task
 * that traces nobody goes on to the kernel at once, unless a process the
 * sentry dumped core for is unreaped: then its exit stop is watched
 * (TP_WAIT) for the status to get WCOREDUMP. waitid (SC_F_TRACE too) only
 * ever goes on that way, watched for CLD_DUMPED (sentry/coredump.c). A
 * tracer gets a report the sentry holds, or runs the kernel's wait with its exit stop
 * watched (TP_WAIT). A stop that becomes reportable meanwhile breaks that
 * wait (PTRACE_INTERRUPT, and the SIGCHLD Linux sends anyway): at the
 * exit stop, -ERESTARTSYS becomes the report. A kernel ECHILD while the
 * tracer has tracees that are not its children (PTRACE_ATTACH) parks the
 * tracer at that exit stop until a report comes (WNOHANG: 0).
 *
 * Not covered: waitid (the kernel's only), process-group selectors
 * (pid 0 and < -1 see only the kernel's children), and the rusage of a
 * reported stop (zeroed). A parked tracer takes signals other than
 * SIGKILL only once its wait returns.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lib/log.h"
#include "lib/util.h"
#include "sentry/coredump.h"
#include "sentry/internal.h"
#include "sentry/ptrace_emu.h"

/* wait4(pid, status, options, rusage) */
struct wait_args {
	pid_t pid;
	uint64_t status;
	int options;
	uint64_t rusage;
};

/* Handled at the ptrace stop (ptrace_wait_on_seccomp), never by
 * notification. */
SENTRY_HANDLER(wait4)
{
	(void)c;
	return -ENOSYS;
}

/* The same: the kernel's, watched while a core dump is pending
 * (sentry/coredump.c). */
SENTRY_HANDLER(waitid)
{
	(void)c;
	return -ENOSYS;
}

static void wait_args(const uint64_t a[6], struct wait_args *w)
{
	w->pid = (pid_t)a[0];
	w->status = a[1];
	w->options = (int)a[2];
	w->rusage = a[3];
}

static bool selects(const struct task *t, const struct wait_args *w,
		    const struct ptrace_link *l)
{
	if (l->tracer == NULL || l->tracer->host_tgid != t->host_tgid)
		return false;
	if ((w->options & __WNOTHREAD) && l->tracer != t)
		return false;
	if (w->pid == 0 || w->pid < -1)
		return false;	/* process groups: not covered */
	if (w->pid > 0 && l->tracee_tid != w->pid)
		return false;
	if (w->options & __WALL)
		return true;
	return l->tracee_thread == !!(w->options & __WCLONE);
}

/* Whether a wait of t may still get a report from the sentry. */
static bool may_report(const struct task *t, const struct wait_args *w,
		       bool non_child_only)
{
	for (struct ptrace_link *l = ptrace_links; l; l = l->next)
		if (selects(t, w, l) && (!non_child_only || !l->child))
			return true;
	return false;
}

static bool reportable(const struct ptrace_link *l)
{
	if (l->reported)
		return false;
	return l->tracee == NULL || l->stop != PTS_RUNNING;
}

/*
 * The report for a wait of t, written to its memory: the tracee's sandbox
 * tid, 0 if there is none, -EFAULT.
 */
static long answer(struct task *t, const struct wait_args *w)
{
	struct ptrace_link *l;
	int status;
	long ret;

	for (l = ptrace_links; l; l = l->next)
		if (selects(t, w, l) && reportable(l))
			break;
	if (l == NULL)
		return 0;
	status = l->status;
	if (w->status != 0 &&
	    plat_mem_write(t->host_tid, w->status, &status, sizeof(status)) < 0)
		return -EFAULT;
	if (w->rusage != 0) {
		struct rusage ru;

		memset(&ru, 0, sizeof(ru));
		if (plat_mem_write(t->host_tid, w->rusage, &ru, sizeof(ru)) < 0)
			return -EFAULT;
	}
	ret = l->tracee_tid;
	log_debug("sentry: ptrace: wait of %d reports %ld, status %#x",
		  (int)t->tid, ret, status);
	if (l->tracee == NULL)
		ptrace_link_drop(t->sentry, l);	/* the exit is reaped */
	else
		l->reported = true;
	return ret;
}

void ptrace_wait_on_seccomp(struct sentry *s, struct task *t,
			    struct plat_call *pc)
{
	struct task_state *st = task_st(t);
	struct wait_args w;
	long ret;

	plat_regs_args(&pc->regs, st->args);
	wait_args(st->args, &w);
	if (pc->regs.orig_rax != SYS_wait4 || !may_report(t, &w, false)) {
		if (coredump_pending() && !s->strace) {
			/* It may reap a process the sentry dumped: its
			 * status gets WCOREDUMP at the exit stop (under
			 * --strace, loop.c's TP_STRACE exit does it). */
			st->pending = TP_WAIT;
			st->nr = (long)pc->regs.orig_rax;
			plat_resume(t->host_tid, PTRACE_SYSCALL, 0);
			return;
		}
		if (s->strace) {
			/* The kernel's, logged at its exit stop as a PASS
			 * call is under --strace. */
			st->pending = TP_STRACE;
			st->nr = (long)pc->regs.orig_rax;
			st->t0 = cv_now_ns();
			task_resume(t, PTRACE_SYSCALL, 0);
			return;
		}
		sentry_plat_result(t->host_tid,
				   plat_ptrace_finish(t->host_tid, pc, 0, true),
				   "reply");
		return;
	}
	ret = answer(t, &w);
	if (ret != 0) {
		sentry_plat_result(t->host_tid,
				   plat_ptrace_finish(t->host_tid, pc, ret,
						      false), "reply");
		return;
	}
	/* The kernel's wait, its exit stop watched. */
	st->pending = TP_WAIT;
	st->nr = SYS_wait4;
	plat_resume(t->host_tid, PTRACE_SYSCALL, 0);
	(void)s;
}

static void set_result(struct task *t, struct user_regs_struct *r, long ret)
{
	r->rax = (uint64_t)ret;
	plat_setregs(t->host_tid, r);
}

bool ptrace_wait_on_exit(struct sentry *s, struct task *t,
			 struct user_regs_struct *r)
{
	struct task_state *st = task_st(t);
	long kret = (long)r->rax, ret;
	struct wait_args w;

	coredump_fix_wait(t, st->nr, st->args, kret);
	if (st->nr == SYS_waitid)
		return false;
	wait_args(st->args, &w);
	if (kret > 0 || (kret < 0 && kret != -ERESTARTSYS && kret != -ECHILD))
		return false;	/* the kernel's own result (or EINTR...) */
	ret = answer(t, &w);
	if (ret != 0) {
		set_result(t, r, ret);
		return false;
	}
	if (kret != -ECHILD || !may_report(t, &w, true))
		return false;
	if (w.options & WNOHANG) {
		set_result(t, r, 0);
		return false;
	}
	st->pt_parked = true;
	st->saved = *r;
	(void)s;
	return true;
}

/* A parked wait of t: answered, ECHILD once nothing can come, or kept. */
static void unpark(struct task *t)
{
	struct task_state *st = task_st(t);
	struct wait_args w;
	long ret;

	wait_args(st->args, &w);
	st->pt_parked = false;	/* answer() may wake this group again */
	ret = answer(t, &w);
	if (ret == 0 && may_report(t, &w, true)) {
		st->pt_parked = true;
		return;
	}
	set_result(t, &st->saved, ret != 0 ? ret : -ECHILD);
	plat_resume(t->host_tid, PTRACE_CONT, 0);
}

void ptrace_wait_wake(struct sentry *s, struct task *tracer)
{
	pid_t tgid = tracer->host_tgid;

	for (size_t i = 0; i < s->ntasks; i++) {
		struct task *u = s->tasks[i];
		struct task_state *st = task_st(u);

		if (u->host_tgid != tgid || st->exited)
			continue;
		if (st->pt_parked)
			unpark(u);
		else if (st->pending == TP_WAIT)
			ptrace(PTRACE_INTERRUPT, u->host_tid, 0, 0);
	}
}
