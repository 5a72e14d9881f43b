/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sentry core's private declarations, shared by loop.c, task.c,
 * attach.c, exec.c, identity.c, strace.c, stats.c and confine.c.
 */
#ifndef CV_SENTRY_INTERNAL_H
#define CV_SENTRY_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "gofer/client.h"
#include "platform/platform.h"
#include "sentry/sentry.h"
#include "sentry/task.h"
#include "syscalls/filter_eval.h"

#define SENTRY_MAX_NR 512
#define SENTRY_MAX_WORKERS 8

/*
 * Returned (negated) by a handler running in a worker thread for a call
 * the worker may not finish (a virtual path, a gofer redirect...), before
 * anything the workload can see was done: the main thread serves the
 * call again from the start (sentry/workers.c). Never the workload's.
 */
#define SENTRY_EHANDOFF 4094

/* What a task stopped at a RET_TRACE stop waits for. */
enum task_pending {
	TP_NONE,
	TP_EXEC,	/* execve rewritten: restore registers if it fails */
	TP_CRED,	/* a credential call runs: update creds at exit */
	TP_FAIL,	/* skipped: set rax at the syscall-exit stop */
	TP_STRACE,	/* a PASS call traced for --strace */
	TP_WAIT,	/* a tracer's wait4 (sentry/ptrace_wait.c) */
	TP_CLONE3,	/* clone3 run as clone: restore registers at exit */
};

/* Sentry-private per-task state (struct task.platform). */
struct task_state {
	enum task_pending pending;
	long nr;
	uint64_t args[6];
	long err;
	struct user_regs_struct saved;
	uint64_t t0;
	char *exec_path;	/* canonical path of a pending exec */
	char exec_comm[16];	/* its comm if not the canonical basename */
	bool known;		/* parent's clone event seen */
	bool held;		/* stopped at its first stop, not resumed */
	bool ids_known;		/* its first stop was seen (or attached) */
	bool group_stop;	/* that first stop was a group stop */
	pid_t ns_tgid;		/* for a new thread: its group's sandbox id */
	bool exited;		/* its exit was reaped (queued, not yet freed) */
	pid_t parent_held;	/* host tid of the parent held at its clone
				 * event until this task's ids are known */
	bool pt_parked;		/* a tracer's wait4 held at its exit stop
				 * until a report (sentry/ptrace_wait.c) */
	bool exit_watch;	/* PTRACE_O_TRACEEXIT for a filter of its
				 * own (sentry/coredump.c) */
	/* clone3 run as clone (sentry/clone3.c): in the caller, its flags
	 * and parent_tid while the call runs (saved: its registers); in a
	 * child it made, the same and the caller's host tid, for its first
	 * stop (child_fix: still to do). */
	struct {
		uint64_t flags;
		uint64_t parent_tid;
		pid_t parent;
		bool child_fix;
	} c3;
	/* A set-id exec through the exec copy (sentry/exec_setid.c): the
	 * fd installed for it, the file's ids, and the kernel's effective
	 * ids before (as the sentry reads them); on: pending. */
	struct {
		bool on;
		bool armed;	/* its exec re-made at rip (setid_rearm) */
		uint64_t rip;
		int fd;
		uid_t uid;
		gid_t gid;
		unsigned long host_euid, host_egid;
		/* At the exec event, where the exec could not gain: Linux's
		 * secure exec (AT_SECURE, the parent-death signal cleared,
		 * RLIMIT_STACK capped: setid_secure_wanted) and the ambient
		 * set cleared for a privileged file (setid_amb_cleared);
		 * after an exec from the copy's fd, AT_EXECFN as Linux
		 * names it (the path as called) instead of the kernel's
		 * "/dev/fd/<the copy's fd>". */
		bool secure;
		bool amb_clear;
		char *execfn;	/* NULL: leave the kernel's */
		/* a script's interpreter: Linux's argv, written at argv_at
		 * when the exec is made again (setid_rearmed: after any
		 * signal handler that ran meanwhile) */
		void *argv;
		size_t argv_len;
		uint64_t argv_at, sp, path_at;
	} setid;
	/* A notified call the sentry served whose reply the kernel refused
	 * (a signal took it away), or a commit's whose reply it accepted
	 * (accepted): loop.c, restart_note. */
	struct {
		bool set;
		bool accepted;
		long nr;
		uint64_t args[6];
		uint64_t ip;
		long ret;
	} restart;
};

/* The exec copy's mounts the sentry has handed out fds of (the copy's
 * root and its submounts: few; sentry/exec_setid.c). Only the loop's
 * thread execs. */
#define SETID_MNTS_MAX 64
struct setid_mnts {
	uint64_t id[SETID_MNTS_MAX];
	size_t n;
};

struct notify_src {
	int fd;
	struct notify_src *next;
};

struct sentry_stats {
	uint64_t disp[3];			/* enum sc_disp */
	uint64_t count[SENTRY_MAX_NR];
	uint64_t ns[SENTRY_MAX_NR];
	uint64_t errors;
};

/*
 * Locking (docs/architecture.md, "Threads of the sentry"). lock is held
 * for writing by the main thread (the tracer and event loop) whenever it
 * is not asleep in epoll_wait, and for reading by a worker serving a call
 * of the parallel set: everything below that the main thread changes
 * (tasks, their fs and creds, the virtual trees, deferred replies) is
 * stable for workers. What workers change among themselves has its own
 * lock, taken after this one: the directory cache (fs_dcache.c), the
 * gofer channel (gofer/client.c), the joined id maps (idmap.c); the
 * counters (stats) are atomic.
 */
struct sentry_workers;

struct sentry {
	const struct sentry_config *cfg;
	pthread_rwlock_t lock;
	struct sentry_workers *workers;	/* NULL: the main thread alone */
	unsigned nworkers_wanted;
	unsigned nworkers;		/* started (sentry_start_workers) */
	char own_userns[64];	/* "user:[N]", read before confinement */
	enum platform_kind platform;
	struct gofer_client gofer;
	int epfd;
	int sigfd;
	int gofer_pidfd;
	struct task **tasks;
	size_t ntasks, cap;
	pid_t init_pid;
	bool init_exited;
	int init_status;
	bool started;
	/* The init's start channel (cfg->init_fd), -1 once the start byte
	 * is sent: the init closes its end then, and the sentry's, kept,
	 * would hold the dead end, counted in /proc/net/sockstat. */
	int init_fd;
	bool dying;
	/* pid 1 of the sandbox's pid namespace: a signal runsc sent it
	 * whose default is to terminate (sentry/signals.c), or 0. */
	int fatal_signal;
	uint64_t start_ns;
	char hostname[65];
	char domainname[65];
	struct notify_src *notifs;
	struct deferred *deferred;
	uint64_t deferred_sig_ns;	/* next look for signals (loop.c) */
	/* Wait statuses reaped by a synchronous wait (platform/ptrace.c),
	 * handled by the loop before it waits again (sentry_queue_wait). */
	struct wait_ev {
		pid_t pid;
		int status;
	} *waitq;
	size_t nwaitq, capwaitq;
	struct sentry_stats stats;
	bool strace;
	/* The interception filter every task installs (its options, the tag
	 * of its TRACE data) and its program, which decides what a stop is
	 * (loop.c on_seccomp; syscalls/filter_eval.h). */
	struct sc_filter_opts filter;
	struct sc_filter_prog ours;
	int log_fd;
	struct setid_mnts setid_mnts;	/* exec_setid.c */
	struct placement {
		cpu_set_t allowed;	/* the sentry's CPUs at start */
		int cpu;		/* pinned to it, or -1 */
		uint64_t until;		/* end of the pin's lease (ns) */
		bool usable;
	} place;
};

/* loop.c: room in the wait-status queue for ntasks tasks. */
int sentry_waitq_reserve(struct sentry *s, size_t ntasks);
/* loop.c: a wait status reaped outside the loop, handled by it later. */
void sentry_queue_wait(pid_t pid, int status);

/* task.c */
struct task *task_find(struct sentry *s, pid_t host_tid);
struct task *task_new(struct sentry *s, pid_t tid, pid_t tgid);
void task_free(struct sentry *s, struct task *t);
/* Learns the ids in the sandbox's pid namespace of a task held at its
 * first stop (ns_tgid: the thread group's, 0 for a new process). */
void task_update_ids(struct sentry *s, struct task *t, pid_t ns_tgid);
struct task_fs *task_fs_new(int cwd_fd, mode_t umask);
struct task_fs *task_fs_get(struct task_fs *fs);
struct task_fs *task_fs_copy(const struct task_fs *fs);
void task_fs_put(struct task_fs *fs);
int task_creds_copy(struct task_creds *dst, const struct task_creds *src);
void task_creds_clear(struct task_creds *c);
static inline struct task_state *task_st(struct task *t)
{
	return t->platform;
}
/* How t is resumed from a stop that is not its syscall-exit stop: a task
 * whose call waits for that exit stop (st->pending) keeps being traced
 * with PTRACE_SYSCALL through the events and stops met on the way. */
static inline int task_own_resume_how(struct task *t)
{
	return task_st(t)->pending != TP_NONE ? PTRACE_SYSCALL : PTRACE_CONT;
}
/* Refreshes the capability sets from the kernel (capget). */
void task_refresh_caps(struct task *t);
/* Sends sig to the task through its pidfd (never a raw pid the sentry has
 * reaped). 0 or -errno (ESRCH: gone). */
int task_signal(struct task *t, int sig);
/*
 * For what the sentry does to a stopped task and cannot undo (a resume, a
 * reply, a register write): -ESRCH (the task is gone; the loop reaps its
 * exit) and -ENOENT (its notification is gone: the call was interrupted
 * and the kernel restarts it) are expected; anything else is logged with
 * what, as the task may be left stopped.
 */
void sentry_plat_result(pid_t tid, int ret, const char *what);
/*
 * Sets a stopped task's registers. If they cannot be set the task is
 * killed, never resumed as it stands: a call the sentry rewrote (an
 * exec's path) or refused would run as the workload made it. 0, or -errno
 * (the task is then dead or dying).
 */
int task_setregs_or_kill(struct task *t, const struct user_regs_struct *r);
/* plat_resume() of the task, its result checked by sentry_plat_result(). */
void task_resume(struct task *t, int how, int sig);

/* sock_creds.c: the task's credentials for what the sentry does with its
 * own on the task's sockets. Before confinement: the container's
 * ip_unprivileged_port_start (0 or -errno; 1024 is kept on failure). */
int sock_creds_init(pid_t init_pid);
/* bind: 0, or -EACCES for a privileged port the task may not bind. */
/* At a signal-delivery stop of t for sig: an rt_sigtimedwait the
 * (ignored) signal interrupted restarts (sentry/sigwait.c). */
void sigwait_on_signal_stop(struct task *t, int sig);
/* At the observe stop of an rt_sigtimedwait with a siginfo pointer: lets
 * it run, its exit watched if it may take a SIGCHLD (sentry/sigwait.c). */
void sigwait_on_observe(struct sentry *s, struct task *t,
			struct plat_call *pc);
/* Whether a signal t neither blocks nor ignores is pending that only t
 * can take (its own, or its process's when it is the only thread): such a
 * signal ends a wait at a ptrace stop (loop.c, deferred_signals). An
 * ignored one (a child's SIGCHLD by default) does not, as on Linux. */
bool task_signal_pending(const struct task *t);
/* The errno of a socket()/socketpair() the filter does not pass
 * (sentry/socket.c). */
long sock_refusal(int domain, int type, int proto, bool pair);
long sock_bind_check(struct sc_call *c, int sock,
		     const struct sockaddr_storage *ss, socklen_t len);
/* sendmsg/sendto on an AF_UNIX socket: checks the task's SCM_CREDENTIALS
 * (-EPERM, -EINVAL as Linux) and makes *control carry credentials that
 * name the task (reallocated if one is added). 0 or -errno. */
long sock_task_creds(struct sc_call *c, int sock, char **control,
		     size_t *clen);

/* attach.c (sentry side) */
int sentry_do_attach(struct sentry *s, int sock, pid_t fallback_pid);

/*
 * A seccomp notification answered later, when wait_fd is ready: retry()
 * gives the result, or -EAGAIN to keep waiting. done() frees ctx.
 */
struct deferred {
	int notify_fd;
	uint64_t id;
	int wait_fd;		/* owned */
	uint32_t events;	/* EPOLLIN / EPOLLOUT */
	long (*retry)(struct deferred *d);
	void (*done)(struct deferred *d);
	void *ctx;
	pid_t host_tid;		/* the task (looked up again: it may be gone) */
	struct plat_call pc;	/* ptrace: the stop to finish */
	long nr;
	uint64_t t0;
	struct deferred *next;
};

/* Whether the call can be answered later (not after a ptrace injection). */
bool sentry_can_defer(struct sc_call *c);
/* Takes ownership of wait_fd and ctx (also on failure). 0, and the call's
 * outcome is SC_OUT_DEFERRED (the handler returns), or -errno. */
int sentry_defer(struct sc_call *c, int wait_fd, uint32_t events,
		 long (*retry)(struct deferred *d),
		 void (*done)(struct deferred *d), void *ctx);
/* After a PTRACE_INTERRUPT of t: its deferred notification, in a wait no
 * signal ends (WAIT_KILLABLE_RECV), is ended with -ERESTARTSYS (loop.c). */
void sentry_deferred_interrupt(struct sentry *s, struct task *t);

/* fd_budget.c: fds the sentry holds for tasks' sends in flight */
void fd_budget_init(int ctl_fd);
bool fd_budget_take(void);
void fd_budget_put(size_t n);
int fd_budget_accept(int ctl_fd);
void fd_budget_refill(int ctl_fd);
bool fd_budget_may_keep(int fd);

/* loop.c */
int sentry_loop(struct sentry *s);
/* Starts the workers; from sentry_confine(), before the filter. */
int sentry_start_workers(struct sentry *s);
void sentry_kill_all(struct sentry *s);
/* sentry/init_signals.c: as pid 1 of the sandbox's pid namespace, the
 * signals to block and read from the signalfd, and their handling. */
struct signalfd_siginfo;
void sentry_init_signals_mask(sigset_t *mask);
void sentry_init_signal(struct sentry *s, const struct signalfd_siginfo *si);
int sentry_add_notify(struct sentry *s, int fd);

/* loop.c: serves a received notification (main thread or worker). */
struct seccomp_notif;
bool sentry_serve_notif(struct sentry *s, int nfd, struct seccomp_notif *n);

/* workers.c: whether the calling thread is a worker (never the ptrace
 * tracer), and whether it serves its call under the sentry lock taken for
 * reading (other workers run beside it) rather than for writing. */
bool sentry_in_worker(void);
bool sentry_worker_shared(void);
/* A worker that may not walk into the virtual trees (/proc, /sys, /dev):
 * all but one serving a call of the parallel set under the write side. */
bool sentry_worker_no_vtree(void);
/* The calling worker's own gofer channel, NULL (the main thread, or a
 * worker without one): the shared one. */
struct gofer_client *sentry_thread_gofer(void);
unsigned sentry_workers_wanted(void);
/* Starts count workers on listener nfd (a copy is kept): how many, or
 * -errno. Before the sentry's own filter is installed (confine.c). */
int sentry_workers_start(struct sentry *s, int nfd, unsigned count);
/* The eventfd the loop watches for handed-off calls, -1 without workers;
 * sentry_workers_drain serves them (main thread). */
int sentry_workers_evfd(const struct sentry *s);
void sentry_workers_drain(struct sentry *s);
/* A signal-delivery stop (main thread): under a storm of them the workers
 * step aside and the main thread receives the calls (workers.c,
 * "Signal storms"); sentry_workers_tick, each turn of the loop, gives
 * them back once it is over. */
void sentry_workers_signal_stop(struct sentry *s);
void sentry_workers_tick(struct sentry *s);
/* loop.c: whether the main thread receives the init's calls itself. */
int sentry_main_receives(struct sentry *s, int nfd, bool on);

/* control.c (sentry side) */
int sentry_ctl_serve(struct sentry *s, int conn);

/* exec.c and identity.c: RET_TRACE stops */
void exec_on_seccomp(struct sentry *s, struct task *t, struct plat_call *pc);
void exec_on_exit(struct sentry *s, struct task *t,
		  struct user_regs_struct *r);
void exec_on_event(struct sentry *s, struct task *t, pid_t old_tid);
/* exec_setid.c: set-id exec through the exec copy. The gofer flags for
 * an exec's resolution (GOFER_EXEC_SETID where Linux would let the file
 * gain); setid_prepare installs info->setid_fd in the task (its number,
 * or -errno: the exec then goes the view's way); setid_on_exit closes it
 * after a failed exec; setid_on_event reads what the kernel gave (and
 * Linux's suid/fsuid = euid, sgid/fsgid = egid for every exec). */
struct gofer_exec_info;
/* The file an exec runs as Linux decides its credentials from (the
 * final interpreter of a "#!" chain), and the chain: interp[i] and
 * arg[i] ("": none) of each script, fname Linux's bprm->filename. */
#define EXEC_MAX_DEPTH 5
struct exec_bin {
	uint32_t gain;		/* GOFER_GAIN_* */
	uid_t uid;
	gid_t gid;
	int setid_fd;		/* under the exec copy, or -1 (owned) */
	int depth;		/* scripts in the chain */
	char interp[EXEC_MAX_DEPTH][256];
	char arg[EXEC_MAX_DEPTH][256];
	char fname[PATH_MAX + 32];
};
int setid_resolve_flags(const struct task *t);
bool setid_secure_wanted(const struct task *t, const struct exec_bin *b);
bool setid_amb_cleared(const struct task *t, const struct exec_bin *b);
int setid_prepare(struct sentry *s, struct sc_call *c,
		  const struct exec_bin *b);
/* A script's set-id interpreter run from the exec copy: Linux's argv
 * (binfmt_script), made from the task's argv at argv and kept for
 * setid_rearmed to write below sp; its address, or -errno (-E2BIG: too
 * many to copy, the exec goes the view's way). */
long setid_script_argv(struct sc_call *c, uint64_t sp, uint64_t argv,
		       const struct exec_bin *b);
/* At the exec event, before the new program runs: AT_SECURE and
 * AT_EXECFN of its auxv as Linux's (st->setid.secure, .execfn). */
void setid_fix_auxv(struct task *t);
/* Whether the new program has calls to make before it runs, and those
 * calls (plat_exec_inject's): Linux's secure exec where the kernel did
 * not make it (st->setid.secure, .amb_clear). */
bool setid_calls_wanted(const struct task *t);
void setid_exec_calls(struct task *t, struct plat_call *pc, uint64_t scratch);
void setid_on_exit(struct sentry *s, struct task *t,
		   const struct user_regs_struct *r);
void setid_on_event(struct task *t);
/* After setid_prepare: the exec, made again from the injected call's
 * exit stop; setid_rearmed, at a seccomp stop, lets exactly that one run
 * (true: handled). */
void setid_rearm(struct task *t, struct plat_call *pc,
		 struct user_regs_struct *r);
bool setid_rearmed(struct task *t, struct plat_call *pc);
/* Whether a workload fd is of the exec copy (its exec is refused). */
bool setid_fd_refused(const struct sentry *s, int fd);
bool cred_is_traced(long nr);
/* clone3.c: clone3 at its RET_TRACE stop, run as clone; the caller's
 * registers back at its exit stop and in the child at its first stop. */
void clone3_on_seccomp(struct sentry *s, struct task *t, struct plat_call *pc);
void clone3_on_exit(struct sentry *s, struct task *t,
		    struct user_regs_struct *r);
void clone3_on_clone(struct task *parent, struct task *child);
void clone3_on_child_ready(struct sentry *s, struct task *t);
void cred_on_seccomp(struct sentry *s, struct task *t, struct plat_call *pc);
void cred_on_exit(struct sentry *s, struct task *t,
		  struct user_regs_struct *r);

/* handlers.c: runs one emulated call (strace and stats included). The
 * result, if c->outcome is SC_OUT_VALUE; else 0 (the kernel runs it, or
 * the reply comes later). */
long sentry_dispatch(struct sentry *s, struct sc_call *c);

/* strace.c */
void strace_format_args(struct sc_call *c, char *buf, size_t len);
void strace_log(struct sentry *s, struct task *t, long nr, char disp,
		const char *args, long ret, bool has_ret, uint64_t ns);
/* An emulated call its handler let the kernel run (SC_OUT_CONTINUE). */
void strace_log_continued(struct sentry *s, struct task *t, long nr,
			  const char *args, uint64_t ns);
/* A PASS call traced for --strace, at its syscall-exit stop (has_ret), or
 * when its task exited in it. */
void strace_pending(struct sentry *s, struct task *t, long nr,
		    const uint64_t args[6], long ret, bool has_ret,
		    uint64_t ns);

/* stats.c */
void stats_record(struct sentry *s, long nr, int disp, uint64_t ns, long ret);
char *stats_json(struct sentry *s);

/* confine.c */
int sentry_confine(struct sentry *s);

/* The sentry of this process (one per sandbox process). */
extern struct sentry *the_sentry;

#endif
