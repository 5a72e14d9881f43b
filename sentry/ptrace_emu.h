/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ptrace between workload tasks, emulated in the sentry (issue 14).
 *
 * The sentry is the real (host) tracer of every workload task on both
 * platforms and stays so: a workload task never becomes a host tracer.
 * A workload tracer's hold over a tracee is a ptrace_link in the sentry:
 *
 *  - a stop the tracer must see (signal delivery, syscall entry/exit,
 *    exec, a group stop) is a real ptrace stop of the sentry's that the
 *    sentry does not resume: the tracee is "held" and the link records
 *    the wait status the tracer's wait4 reports (ptrace_wait.c);
 *  - requests on a held tracee (PEEK/POKE, GET/SETREGS, regsets,
 *    siginfo) are done by the sentry's own ptrace on it; resuming
 *    requests resume the real stop (ptrace_req.c);
 *  - only tasks in the sentry's task list that have exec'd as the
 *    workload can be traced or trace: the sentry, the gofer and runsc
 *    are never tasks, so they are out of reach by construction.
 *
 * sentry_resume_how (platform/platform.h) makes every resume of a tracee
 * the sentry does for itself keep the mode its tracer asked for
 * (PTRACE_SYSCALL, PTRACE_SINGLESTEP).
 */
#ifndef CV_SENTRY_PTRACE_EMU_H
#define CV_SENTRY_PTRACE_EMU_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

struct sentry;
struct task;
struct plat_call;

enum pt_stop {
	PTS_RUNNING,	/* not held */
	PTS_SIGNAL,	/* signal-delivery stop */
	PTS_SYSCALL,	/* syscall-entry or -exit stop */
	PTS_EVENT,	/* PTRACE_EVENT_* stop (exec, fork...) */
	PTS_GROUP,	/* group stop */
};

struct ptrace_link {
	struct task *tracee;	/* NULL: exited, exit status to report */
	struct task *tracer;	/* the tracing thread */
	pid_t tracee_tid;	/* sandbox tid (for wait and requests) */
	bool tracee_thread;	/* not a thread group leader (__WCLONE) */
	bool traceme;		/* PTRACE_TRACEME: any thread of the
				 * tracer's group may make requests */
	bool seized;		/* PTRACE_SEIZE */
	bool child;		/* the tracer's group is the real parent */
	unsigned long options;	/* PTRACE_O_* */
	enum pt_stop stop;
	int status;		/* wait status of the stop (or the exit) */
	bool reported;		/* the tracer's wait took it */
	bool syscall_entry;	/* PTS_SYSCALL: the entry stop */
	int resume_how;		/* PTRACE_CONT, _SYSCALL or _SINGLESTEP */
	unsigned long msg;	/* PTRACE_GETEVENTMSG */
	long entry_nr;		/* the call of the last entry stop (the
				 * ptrace platform skips an emulated call:
				 * orig_rax reads -1 at its exit) */
	struct task *creator;	/* auto-attached: the parent whose event
				 * stop waits for this child's id */
	bool interrupt;		/* PTRACE_INTERRUPT asked, stop to come */
	int synth_sig;		/* the stop's siginfo is Linux's queued
				 * signal without one: SIGSTOP of an
				 * auto-attached child, exec's SIGTRAP */
	pid_t synth_pid;	/* its si_pid */
	int synth_code;		/* its si_code */
	bool exec_trap;		/* exec's SIGTRAP queued, its stop to come */
	bool attach_stop;	/* PTRACE_ATTACH's SIGSTOP, its stop to come */
	bool resumed;		/* running since its tracer's resume, no stop
				 * held since (a restarted resume: 0) */
	unsigned long own_options;	/* PTRACE_O_TRACEEXIT and
					 * _TRACEVFORKDONE as the sentry set
					 * them on the tracee (ptrace_stop.c) */
	bool seccomp_stop;	/* PTS_EVENT: a PTRACE_EVENT_SECCOMP stop */
	bool exec_exit;		/* PTS_EVENT: the exec event stop of a task
				 * at execve's exit stop (ptrace_emu_on_exec) */
	pid_t vfork_host;	/* the child of its last vfork: host tid, */
	pid_t vfork_tid;	/* sandbox tid once known (VFORK_DONE) */
	struct ptrace_link *next;
};

/* ptrace_stop.c: links */
extern struct ptrace_link *ptrace_links;
struct ptrace_link *ptrace_link_of(const struct task *tracee);
struct ptrace_link *ptrace_link_new(struct task *tracee, struct task *tracer);
/* Unlinks (the tracee is left to run) and frees l; wakes the tracer's
 * parked waits. */
void ptrace_link_drop(struct sentry *s, struct ptrace_link *l);
/* Whether caller may make requests on l. */
bool ptrace_is_tracer(const struct ptrace_link *l, const struct task *caller);
/* Holds the (really stopped) tracee of l for its tracer with status. */
void ptrace_hold(struct sentry *s, struct ptrace_link *l, enum pt_stop kind,
		 int status);
/* Resumes a held tracee: how is PTRACE_CONT, _SYSCALL or _SINGLESTEP. */
int ptrace_resume(struct ptrace_link *l, int how, int sig);
/* Sets the sentry's own event options on l's (stopped) tracee that its
 * tracer's options need: PTRACE_O_TRACEEXIT, _TRACEVFORKDONE. */
void ptrace_sync_options(struct ptrace_link *l);
/* The options ptrace_sync_options set on t (none: 0). */
unsigned long ptrace_own_options(struct task *t);

/* Hooks from the sentry core. Each returns true if the task is now held
 * for its tracer (the caller must not resume it). */
bool ptrace_emu_on_signal(struct sentry *s, struct task *t, int sig);
bool ptrace_emu_on_group_stop(struct sentry *s, struct task *t, int sig);
bool ptrace_emu_on_syscall_stop(struct sentry *s, struct task *t);
/* At PTRACE_EVENT_EXEC, once the sentry is done with it: held at an exec
 * event stop (PTRACE_O_TRACEEXEC), or the legacy SIGTRAP is queued.
 * at_exit: the sentry took execve's exit stop already (plat_exec_set_comm)
 * and t sits at a syscall-exit stop, the exit stop a PTRACE_SYSCALL from
 * the event stop must see. */
bool ptrace_emu_on_exec(struct sentry *s, struct task *t, bool at_exit);
/* t at its PTRACE_EVENT_EXIT stop: held for a tracer that asked for it
 * (PTRACE_O_TRACEEXIT). */
bool ptrace_emu_on_exit_stop(struct sentry *s, struct task *t);
/* t at its PTRACE_EVENT_VFORK_DONE stop: held for a tracer that asked
 * for it (PTRACE_O_TRACEVFORKDONE). */
bool ptrace_emu_on_vfork_done(struct sentry *s, struct task *t);
/* t at a PTRACE_EVENT_SECCOMP stop only a workload filter asked for
 * (nr, its call; data, the stop's): held for a tracer that set
 * PTRACE_O_TRACESECCOMP (the ptrace platform only). */
bool ptrace_emu_on_seccomp(struct sentry *s, struct task *t, int nr,
			   uint32_t data);
/* loop.c: resumes t from such a stop, the sentry serving the call first
 * if our filter sends it to the sentry. 0 or -errno. */
int sentry_seccomp_resume(struct sentry *s, struct task *t, int how,
			  int sig);
/* A fork/vfork/clone event of parent made child (a task with its first
 * stop still to come): a tracer asking for it traces the child too. */
bool ptrace_emu_on_clone(struct sentry *s, struct task *parent,
			 struct task *child, int event);
/* child, held at its first stop, has its sandbox ids: its auto-attach
 * stop, and its parent's event stop report. true if child is held. */
bool ptrace_emu_on_child_ready(struct sentry *s, struct task *child);
/* t exited with status (before its record is freed). */
void ptrace_emu_on_exit(struct sentry *s, struct task *t, int status);
/* t's record is freed: its links as tracee and as tracer go. */
void ptrace_emu_task_gone(struct sentry *s, struct task *t);

/* ptrace_wait.c: wait4 at its RET_TRACE stop and at its exit stop. */
void ptrace_wait_on_seccomp(struct sentry *s, struct task *t,
			    struct plat_call *pc);
/* true: the tracer is parked (held) until a report comes. */
bool ptrace_wait_on_exit(struct sentry *s, struct task *t,
			 struct user_regs_struct *r);
/* A stop or exit of a tracee of tracer's group became reportable, or a
 * link went: parked and sleeping waits of the group look again. */
void ptrace_wait_wake(struct sentry *s, struct task *tracer);
/* Whether any thread of t's group traces someone (cheap check). */
bool ptrace_is_tracing(const struct task *t);

/* The mode a resume with how must use for tid, whose emulated tracer may
 * have asked for PTRACE_SYSCALL or PTRACE_SINGLESTEP: the platform's
 * plat_set_resume_how hook (set by the loop). */
int sentry_resume_how(pid_t tid, int how);

#endif
