/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The small interface between the sentry core and the two interception
 * mechanisms (docs/architecture.md, "Platforms"):
 *
 *  seccomp  EMULATE calls arrive on a seccomp user-notification fd; the
 *           result goes back with SECCOMP_IOCTL_NOTIF_SEND; fds are
 *           installed with SECCOMP_IOCTL_NOTIF_ADDFD.
 *  ptrace   EMULATE calls arrive as PTRACE_EVENT_SECCOMP stops; the real
 *           syscall is skipped (orig_rax = -1) and rax set; fds are
 *           installed by injecting socketpair/close/recvmsg into the tracee.
 *
 * Both: every workload task is traced (PTRACE_SEIZE with EXITKILL), and
 * memory is read with process_vm_readv/writev.
 *
 * A layer below the sentry: the sentry calls it; it knows nothing of the
 * sentry's tasks or calls (host tids, pidfds and its own per-call state
 * only), and hands back what it reaps through a function the sentry sets
 * (plat_set_wait_handler).
 */
#ifndef CV_PLATFORM_PLATFORM_H
#define CV_PLATFORM_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include <linux/seccomp.h>

/* The kernel's restart codes (include/linux/errno.h, not in its uapi): a
 * call a signal interrupted shows one in rax at its exit and at the
 * signal-delivery stop that follows. */
#ifndef ERESTARTSYS
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#endif

enum platform_kind {
	PLATFORM_SECCOMP,	/* default */
	PLATFORM_PTRACE,
};

#define PLAT_PTRACE_OPTIONS                                                  \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |   \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP |   \
	 PTRACE_O_EXITKILL)

/* Per-call platform state (struct sc_call.platform). */
struct plat_call {
	enum platform_kind kind;
	/* seccomp: the notification */
	int notify_fd;
	uint64_t id;
	/* ptrace (and every RET_TRACE stop): registers at the stop */
	struct user_regs_struct regs;
	bool at_stop;		/* the call came as a ptrace stop */
	bool injected;		/* the tracee now sits at a syscall-exit stop */
	bool masked;		/* its signals blocked while calls are injected */
	bool stopped;		/* a SIGSTOP took effect during the injection */
	uint64_t sigmask;	/* its own blocked set, while masked */
	int pending_sig;	/* a signal held back, sent again at the end */
	bool gone;		/* its exit (or exec) was reaped meanwhile */
	bool replied;		/* seccomp: the reply went with an ADDFD */
};

/*
 * Set by the sentry's event loop (sentry/loop.c) before any task is
 * traced: every wait status a platform's synchronous wait reaps and does
 * not consume itself (another task's stop, any exit, the gofer's death) is
 * handed to fn, in order, and handled as if the loop had reaped it.
 * Nothing is dropped.
 */
typedef void (*plat_wait_fn)(pid_t pid, int status);
void plat_set_wait_handler(plat_wait_fn fn);
/*
 * Set by the sentry (sentry/ptrace_stop.c sentry_resume_how): the mode a
 * resume with how must use for tid, whose emulated tracer may have asked
 * for PTRACE_SYSCALL or PTRACE_SINGLESTEP (plat_resume applies it). None
 * set: how as given.
 */
typedef int (*plat_resume_how_fn)(pid_t tid, int how);
void plat_set_resume_how(plat_resume_how_fn fn);
/* Set when such a wait took a SIGCHLD the loop's signalfd will not see
 * (statuses may be left to reap); the loop clears it. */
extern bool plat_sigchld_taken;

/* "seccomp" (or gVisor's "systrap") / "ptrace" <-> enum; -1 if unknown. */
int platform_from_name(const char *name);
const char *platform_name(enum platform_kind k);

/* seccomp user notification */
/* The kernel has SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux 5.19):
 * a received call's wait for its reply ends only by a fatal signal. */
bool plat_notif_wait_killable_supported(void);
int plat_notif_recv(int nfd, struct seccomp_notif *n);
int plat_notif_send(int nfd, uint64_t id, long ret, bool cont);
int plat_notif_valid(int nfd, uint64_t id);
int plat_notif_addfd(int nfd, uint64_t id, int srcfd, unsigned flags);
/* The same, and the new fd is the call's result, in one step
 * (SECCOMP_ADDFD_FLAG_SEND): a call interrupted by a signal meanwhile
 * (then restarted by the kernel) gets no fd. -EINVAL where the kernel
 * has no such flag. */
int plat_notif_addfd_send(int nfd, uint64_t id, int srcfd, unsigned flags);
/* Linux 6.6's uapi, which Debian 12's headers predate. */
#define PLAT_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#define PLAT_NOTIF_FD_SYNC_WAKE_UP 1ull
/* Replies wake the task on the sentry's CPU. 0, or -errno (EINVAL: an
 * older kernel). */
int plat_notif_sync_wakeup(int nfd);

/* Memory of a thread (0, -EFAULT or -ESRCH). */
int plat_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);
int plat_mem_write(pid_t tid, uint64_t addr, const void *buf, size_t len);
/* Reads up to len bytes without crossing into an unmapped page; the byte
 * count read (> 0), or -EFAULT. */
ssize_t plat_mem_read_some(pid_t tid, uint64_t addr, void *buf, size_t len);

/* ptrace */
int plat_seize(pid_t pid);
int plat_getregs(pid_t tid, struct user_regs_struct *r);
int plat_setregs(pid_t tid, const struct user_regs_struct *r);
int plat_resume(pid_t tid, int how, int sig);
/* Arguments of the syscall at a stop, in order. */
void plat_regs_args(const struct user_regs_struct *r, uint64_t args[6]);
/* At a PTRACE_EVENT_SECCOMP stop: the seccomp_data the filters ran on and
 * the stop's SECCOMP_RET_DATA (a value a workload filter may have chosen).
 * 0, -EINVAL (not a seccomp stop) or -ESRCH. */
int plat_seccomp_data(pid_t tid, struct seccomp_data *d, uint32_t *ret_data);
/* Runs one syscall in a tracee stopped at a seccomp or syscall-exit stop
 * (pc->regs are the registers of the original stop). Returns the result.
 * From the first injected call to plat_inject_end the tracee blocks every
 * signal it can (PTRACE_SETSIGMASK): a signal sent meanwhile stays
 * queued, with its siginfo, as on Linux for a call in progress, and
 * cannot stop the injected calls (docs/architecture.md, "Signals during
 * an injection"). */
/* Carried in the sixth argument of injected calls: the sandbox's secret
 * (sentry_inject_cookie, sentry/sentry.h), set by the sentry. */
extern uint64_t plat_inject_cookie;
long plat_inject(pid_t tid, struct plat_call *pc, long nr, uint64_t a0,
		 uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		 uint64_t a5);
/* Ends the injection into a tracee still stopped (its registers the
 * caller's to restore): its own signal mask back, a SIGSTOP that came
 * meanwhile applied at its next resume (a stop then, unless a SIGCONT
 * came after it), a signal held back sent again. plat_ptrace_finish does
 * it; other callers of plat_inject before they resume the tracee. 0, or
 * -ESRCH if it is gone. */
int plat_inject_end(pid_t tid, struct plat_call *pc);
/* Finishes an emulated call at a ptrace stop: the workload sees ret; or,
 * with cont, the call runs as the workload made it (after an injection,
 * which ran calls of its own in its place, it sees -EIO). 0, or -ESRCH if
 * tid is gone (pc->gone: reaped meanwhile, nothing to finish). */
int plat_ptrace_finish(pid_t tid, struct plat_call *pc, long ret, bool cont);
/* Ends a call held at a ptrace stop as a signal ends a blocking wait of
 * Linux's (-ERESTARTSYS): for a task with a signal pending that only it
 * can take, whose delivery then restarts the call or makes it fail with
 * EINTR, as the task's handler asks. 0, or -ESRCH if tid is gone. */
int plat_ptrace_interrupt(pid_t tid, struct plat_call *pc);
/* seccomp platform: turns the notification being handled into a ptrace
 * stop (the notification is abandoned), for what needs injection. */
int plat_notif_to_stop(pid_t tid, struct plat_call *pc);
/* At a PTRACE_EVENT_EXEC stop: calls fn(tid, pc, scratch, arg) once the
 * exec's syscall has returned, before the new program's first
 * instruction; fn runs calls in it with plat_inject(tid, pc, ...), their
 * memory arguments at scratch (256 bytes below the red zone of the new
 * stack). The task stays stopped (the caller resumes it). 0, or -errno:
 * perhaps with the injected syscall left at its entry point (the caller
 * kills it); -ESRCH if it is gone. */
typedef void plat_exec_fn(pid_t tid, struct plat_call *pc, uint64_t scratch,
			  void *arg);
int plat_exec_inject(pid_t tid, plat_exec_fn *fn, void *arg);
/* ptrace platform: installs the sentry's fd in the tracee tid (whose pidfd
 * is given), stopped in the call pc; the tracee's number, or -errno. */
int plat_ptrace_install_fd(pid_t tid, int pidfd, struct plat_call *pc,
			   int fd, unsigned flags);

#endif
