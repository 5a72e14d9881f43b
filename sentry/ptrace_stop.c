// SPDX-License-Identifier: Apache-2.0
/*
 * Emulated ptrace, the tracee side: links between workload tracers and
 * tracees, and the stops the sentry holds for a tracer
 * (sentry/ptrace_emu.h). Each hook is called where the sentry core would
 * resume a task from one of its own ptrace stops.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>

#include "lib/log.h"
#include "sentry/internal.h"
#include "sentry/ptrace_emu.h"

struct ptrace_link *ptrace_links;

#define STOPPED(sig) ((((sig) & 0xffff) << 8) | 0x7f)
#define EVENT_STATUS(sig, ev) STOPPED((sig) | ((ev) << 8))

struct ptrace_link *ptrace_link_of(const struct task *tracee)
{
	for (struct ptrace_link *l = ptrace_links; l; l = l->next)
		if (l->tracee == tracee && tracee != NULL)
			return l;
	return NULL;
}

struct ptrace_link *ptrace_link_new(struct task *tracee, struct task *tracer)
{
	struct ptrace_link *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->tracee = tracee;
	l->tracer = tracer;
	l->tracee_tid = tracee->tid;
	l->tracee_thread = tracee->host_tid != tracee->host_tgid;
	l->child = tracee->host_ppid == tracer->host_tgid;
	l->resume_how = PTRACE_CONT;
	l->entry_nr = -1;
	l->next = ptrace_links;
	ptrace_links = l;
	return l;
}

static void unlink_one(struct ptrace_link *l)
{
	for (struct ptrace_link **p = &ptrace_links; *p; p = &(*p)->next) {
		if (*p == l) {
			*p = l->next;
			return;
		}
	}
}

void ptrace_link_drop(struct sentry *s, struct ptrace_link *l)
{
	struct task *tracer = l->tracer;

	unlink_one(l);
	free(l);
	if (tracer != NULL)
		ptrace_wait_wake(s, tracer);
}

bool ptrace_is_tracer(const struct ptrace_link *l, const struct task *caller)
{
	if (l->tracer == NULL)
		return false;
	if (l->tracer == caller)
		return true;
	return l->traceme && l->tracer->host_tgid == caller->host_tgid;
}

bool ptrace_is_tracing(const struct task *t)
{
	for (struct ptrace_link *l = ptrace_links; l; l = l->next)
		if (l->tracer != NULL && l->tracer->host_tgid == t->host_tgid)
			return true;
	return false;
}

/* The tracer learns of a stop as from Linux: SIGCHLD to its group, and
 * its waits look again. */
static void notify_tracer(struct sentry *s, struct ptrace_link *l)
{
	struct task *leader;

	if (l->tracer == NULL)
		return;
	leader = task_find(s, l->tracer->host_tgid);
	task_signal(leader != NULL ? leader : l->tracer, SIGCHLD);
	ptrace_wait_wake(s, l->tracer);
}

/*
 * The sentry's own options on l's tracee, which is stopped: its exit stop
 * (PTRACE_O_TRACEEXIT) and its vfork-done stop (PTRACE_O_TRACEVFORKDONE)
 * only while its tracer asked for them. Not in the sentry's option set
 * for every task: a task killed before its first stop would stop at its
 * exit unknown to the sentry (tests/escape/lost_exit.sh), and every vfork
 * would cost a stop. Children inherit them; an exit or vfork-done stop of
 * a task without a link that wants it is resumed (loop.c). A task that
 * installed a seccomp filter keeps its exit stop (sentry/coredump.c).
 */
void ptrace_sync_options(struct ptrace_link *l)
{
	unsigned long want;

	if (l->tracee == NULL)
		return;
	want = l->options & (PTRACE_O_TRACEEXIT | PTRACE_O_TRACEVFORKDONE);
	/* the sentry's own, for a filter's kill (coredump_on_filter) */
	if (task_st(l->tracee)->exit_watch)
		want |= PTRACE_O_TRACEEXIT;
	if (want == l->own_options)
		return;
	if (ptrace(PTRACE_SETOPTIONS, l->tracee->host_tid, 0,
		   PLAT_PTRACE_OPTIONS | want) == 0)
		l->own_options = want;
}

unsigned long ptrace_own_options(struct task *t)
{
	struct ptrace_link *l = ptrace_link_of(t);

	return l != NULL ? l->own_options : 0;
}

void ptrace_hold(struct sentry *s, struct ptrace_link *l, enum pt_stop kind,
		 int status)
{
	ptrace_sync_options(l);
	l->stop = kind;
	l->status = status;
	l->reported = false;
	l->resumed = false;
	log_debug("sentry: ptrace: %d held for %d, status %#x",
		  (int)l->tracee_tid, l->tracer ? (int)l->tracer->tid : 0,
		  status);
	notify_tracer(s, l);
}

int ptrace_resume(struct ptrace_link *l, int how, int sig)
{
	struct task *t = l->tracee;
	int real = how;

	l->resume_how = how;
	l->stop = PTS_RUNNING;
	l->synth_sig = 0;
	l->reported = false;
	/* The sentry's own call waits for its exit stop (loop.c resume). */
	if (how == PTRACE_CONT)
		real = task_own_resume_how(t);
	log_debug("sentry: ptrace: %d resumed by its tracer (%d, signal %d)",
		  (int)l->tracee_tid, real, sig);
	if (l->exec_exit) {
		l->exec_exit = false;
		/* it is at execve's exit stop already: that stop next */
		if (how == PTRACE_SYSCALL &&
		    ptrace_emu_on_syscall_stop(the_sentry, t))
			return 0;
	}
	if (l->seccomp_stop) {
		struct user_regs_struct r;

		l->seccomp_stop = false;
		/* the call the tracer left (-1: skipped, as Linux shows it
		 * at the exit stop) */
		if (plat_getregs(t->host_tid, &r) == 0)
			l->entry_nr = (long)r.orig_rax;
		return sentry_seccomp_resume(the_sentry, t, real, sig);
	}
	return plat_resume(t->host_tid, real, sig);
}

/* platform/platform.h: the mode a tracee's tracer asked for. */
int sentry_resume_how(pid_t tid, int how)
{
	struct ptrace_link *l;

	if (ptrace_links == NULL || how != PTRACE_CONT || the_sentry == NULL)
		return how;
	l = ptrace_link_of(task_find(the_sentry, tid));
	if (l == NULL || l->stop != PTS_RUNNING)
		return how;
	return l->resume_how;
}

bool ptrace_emu_on_signal(struct sentry *s, struct task *t, int sig)
{
	struct ptrace_link *l = ptrace_link_of(t);

	if (l == NULL || sig == SIGKILL)
		return false;
	if (sig == SIGTRAP && l->exec_trap) {
		/* Linux's send_sig(SIGTRAP, current, 0): SI_USER from itself */
		l->exec_trap = false;
		l->synth_sig = SIGTRAP;
		l->synth_pid = t->tgid;
		l->synth_code = SI_USER;
	} else if (sig == SIGSTOP && l->attach_stop) {
		/* PTRACE_ATTACH's, sent with SEND_SIG_PRIV */
		l->attach_stop = false;
		l->synth_sig = SIGSTOP;
		l->synth_pid = 0;
		l->synth_code = SI_KERNEL;
	}
	ptrace_hold(s, l, PTS_SIGNAL, STOPPED(sig));
	return true;
}

bool ptrace_emu_on_group_stop(struct sentry *s, struct task *t, int sig)
{
	struct ptrace_link *l = ptrace_link_of(t);

	if (l == NULL)
		return false;
	if (l->interrupt && !(sig == SIGSTOP || sig == SIGTSTP ||
			      sig == SIGTTIN || sig == SIGTTOU)) {
		/* PTRACE_INTERRUPT's stop */
		l->interrupt = false;
		ptrace_hold(s, l, PTS_EVENT,
			    EVENT_STATUS(SIGTRAP, PTRACE_EVENT_STOP));
		return true;
	}
	if (!(sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	      sig == SIGTTOU))
		return false;
	l->interrupt = false;
	ptrace_hold(s, l, PTS_GROUP,
		    l->seized ? EVENT_STATUS(sig, PTRACE_EVENT_STOP) :
				STOPPED(sig));
	return true;
}

bool ptrace_emu_on_syscall_stop(struct sentry *s, struct task *t)
{
	struct ptrace_link *l = ptrace_link_of(t);
	struct __ptrace_syscall_info info;
	int sig = SIGTRAP;

	if (l == NULL || l->resume_how != PTRACE_SYSCALL)
		return false;
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->host_tid,
		   (void *)sizeof(info), &info) < 0)
		return false;
	l->syscall_entry = info.op == PTRACE_SYSCALL_INFO_ENTRY;
	if (l->syscall_entry)
		l->entry_nr = (long)info.entry.nr;
	if (l->options & PTRACE_O_TRACESYSGOOD)
		sig |= 0x80;
	log_debug("sentry: ptrace: %d syscall %s stop, nr %ld",
		  (int)l->tracee_tid, l->syscall_entry ? "entry" : "exit",
		  l->syscall_entry ? (long)info.entry.nr : (long)info.exit.rval);
	ptrace_hold(s, l, PTS_SYSCALL, STOPPED(sig));
	return true;
}

bool ptrace_emu_on_exec(struct sentry *s, struct task *t, bool at_exit)
{
	struct ptrace_link *l = ptrace_link_of(t);

	if (l == NULL)
		return false;
	l->tracee_tid = t->tid;	/* the exec'ing thread is the leader now */
	l->tracee_thread = false;
	if (l->options & PTRACE_O_TRACEEXEC) {
		l->exec_exit = at_exit;
		l->msg = (unsigned long)t->tid;
		ptrace_hold(s, l, PTS_EVENT,
			    EVENT_STATUS(SIGTRAP, PTRACE_EVENT_EXEC));
		return true;
	}
	/* As Linux: a SIGTRAP the tracer sees as a signal-delivery stop. */
	if (task_signal(t, SIGTRAP) == 0)
		l->exec_trap = true;
	return false;
}

bool ptrace_emu_on_exit_stop(struct sentry *s, struct task *t)
{
	struct ptrace_link *l = ptrace_link_of(t);
	unsigned long msg = 0;

	if (l == NULL || !(l->options & PTRACE_O_TRACEEXIT))
		return false;
	/* The exit status, as Linux's PTRACE_GETEVENTMSG gives it. */
	if (ptrace(PTRACE_GETEVENTMSG, t->host_tid, 0, &msg) < 0)
		return false;
	l->msg = msg;
	ptrace_hold(s, l, PTS_EVENT, EVENT_STATUS(SIGTRAP, PTRACE_EVENT_EXIT));
	return true;
}

bool ptrace_emu_on_vfork_done(struct sentry *s, struct task *t)
{
	struct ptrace_link *l = ptrace_link_of(t);
	unsigned long host = 0;
	struct task *c;

	if (l == NULL || !(l->options & PTRACE_O_TRACEVFORKDONE))
		return false;
	/* The child's pid as the tracer names it (its sandbox pid); the
	 * child may have exited and been forgotten by now. */
	if (ptrace(PTRACE_GETEVENTMSG, t->host_tid, 0, &host) < 0)
		return false;
	c = task_find(s, (pid_t)host);
	if (c != NULL && task_st(c)->ids_known && !task_st(c)->held)
		l->msg = (unsigned long)c->tid;
	else if ((pid_t)host == l->vfork_host)
		l->msg = (unsigned long)l->vfork_tid;
	else
		l->msg = 0;
	ptrace_hold(s, l, PTS_EVENT,
		    EVENT_STATUS(SIGTRAP, PTRACE_EVENT_VFORK_DONE));
	return true;
}

bool ptrace_emu_on_seccomp(struct sentry *s, struct task *t, int nr,
			   uint32_t data)
{
	struct ptrace_link *l = ptrace_link_of(t);

	if (l == NULL || !(l->options & PTRACE_O_TRACESECCOMP))
		return false;
	l->msg = data & SECCOMP_RET_DATA;
	l->seccomp_stop = true;
	l->entry_nr = nr;
	ptrace_hold(s, l, PTS_EVENT,
		    EVENT_STATUS(SIGTRAP, PTRACE_EVENT_SECCOMP));
	return true;
}

static int clone_option(int event)
{
	switch (event) {
	case PTRACE_EVENT_FORK:
		return PTRACE_O_TRACEFORK;
	case PTRACE_EVENT_VFORK:
		return PTRACE_O_TRACEVFORK;
	case PTRACE_EVENT_CLONE:
		return PTRACE_O_TRACECLONE;
	default:
		return 0;
	}
}

bool ptrace_emu_on_clone(struct sentry *s, struct task *parent,
			 struct task *child, int event)
{
	struct ptrace_link *l = ptrace_link_of(parent), *cl;

	/* The kernel gave the child the parent's options: the exit stop a
	 * filter of its own asked for too (ptrace_sync_options keeps it). */
	task_st(child)->exit_watch = task_st(parent)->exit_watch;
	if (l != NULL && event == PTRACE_EVENT_VFORK) {
		l->vfork_host = child->host_tid;	/* its tid: at its */
		l->vfork_tid = 0;			/* first stop */
	}
	if (l == NULL || !(l->options & clone_option(event)) ||
	    ptrace_link_of(child) != NULL)
		return false;
	cl = ptrace_link_new(child, l->tracer);
	if (cl == NULL)
		return false;
	cl->options = l->options;
	cl->seized = l->seized;
	cl->traceme = l->traceme;
	cl->child = false;
	cl->creator = parent;
	/* The parent's event stop: reported once the child's id is known. */
	l->stop = PTS_EVENT;
	l->status = EVENT_STATUS(SIGTRAP, event);
	l->reported = true;
	l->msg = 0;
	(void)s;
	return true;
}

bool ptrace_emu_on_child_ready(struct sentry *s, struct task *child)
{
	struct ptrace_link *cl = ptrace_link_of(child), *pl;

	for (pl = ptrace_links; pl != NULL; pl = pl->next)
		if (pl->vfork_host == child->host_tid && pl->vfork_tid == 0)
			pl->vfork_tid = child->tid;
	if (cl == NULL || cl->creator == NULL)
		return false;
	cl->tracee_tid = child->tid;
	cl->tracee_thread = child->host_tid != child->host_tgid;
	pl = ptrace_link_of(cl->creator);
	cl->creator = NULL;
	if (pl != NULL && pl->stop == PTS_EVENT && pl->reported &&
	    pl->msg == 0) {
		pl->msg = (unsigned long)child->tid;
		ptrace_hold(s, pl, PTS_EVENT, pl->status);
	}
	/* The new tracee's first stop: SIGSTOP, or PTRACE_EVENT_STOP when
	 * seized. */
	cl->synth_sig = cl->seized ? 0 : SIGSTOP;
	cl->synth_pid = 0;
	cl->synth_code = SI_USER;
	ptrace_hold(s, cl, cl->seized ? PTS_EVENT : PTS_SIGNAL,
		    cl->seized ? EVENT_STATUS(SIGTRAP, PTRACE_EVENT_STOP) :
				 STOPPED(SIGSTOP));
	return true;
}

void ptrace_emu_on_exit(struct sentry *s, struct task *t, int status)
{
	struct ptrace_link *l = ptrace_link_of(t);

	if (l == NULL)
		return;
	/* A child's exit is the kernel's to report to its parent, which is
	 * the tracer; any other tracer hears of it from the sentry. */
	if (l->child || l->tracer == NULL) {
		ptrace_link_drop(s, l);
		return;
	}
	l->tracee = NULL;
	l->stop = PTS_RUNNING;
	l->status = status;
	l->reported = false;
	notify_tracer(s, l);
}

/* The tracer goes: its tracees are detached (or killed: EXITKILL). */
static void tracer_gone(struct sentry *s, struct ptrace_link *l)
{
	struct task *t = l->tracee;

	if (t != NULL && (l->options & PTRACE_O_EXITKILL))
		task_signal(t, SIGKILL);
	else if (t != NULL && l->stop != PTS_RUNNING && !task_st(t)->exited) {
		l->stop = PTS_RUNNING;
		l->resume_how = PTRACE_CONT;
		ptrace_resume(l, PTRACE_CONT, 0);
	}
	unlink_one(l);
	free(l);
	(void)s;
}

void ptrace_emu_task_gone(struct sentry *s, struct task *t)
{
	struct ptrace_link *l = ptrace_links, *next;

	for (; l != NULL; l = next) {
		next = l->next;
		if (l->creator == t)
			l->creator = NULL;
		if (l->tracer == t) {
			tracer_gone(s, l);
			next = ptrace_links;	/* restart: the list changed */
		} else if (l->tracee == t) {
			ptrace_link_drop(s, l);
			next = ptrace_links;
		}
	}
}
