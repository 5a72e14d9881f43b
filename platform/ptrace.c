// SPDX-License-Identifier: Apache-2.0
/*
 * ptrace mechanics: seizing, registers, finishing an emulated call at a
 * RET_TRACE stop, injecting syscalls into a stopped tracee, and the ptrace
 * platform's fd installation (socketpair + close + recvmsg injected).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/fdpass.h"
#include "platform/platform.h"

int plat_seize(pid_t pid)
{
	return (int)ptrace(PTRACE_SEIZE, pid, 0, PLAT_PTRACE_OPTIONS);
}

int plat_getregs(pid_t tid, struct user_regs_struct *r)
{
	if (ptrace(PTRACE_GETREGS, tid, 0, r) < 0)
		return -errno;
	return 0;
}

int plat_setregs(pid_t tid, const struct user_regs_struct *r)
{
	if (ptrace(PTRACE_SETREGS, tid, 0, r) < 0)
		return -errno;
	return 0;
}

static plat_resume_how_fn resume_how;

void plat_set_resume_how(plat_resume_how_fn fn)
{
	resume_how = fn;
}

int plat_resume(pid_t tid, int how, int sig)
{
	if (resume_how != NULL)
		how = resume_how(tid, how);
	if (ptrace(how, tid, 0, (void *)(long)sig) < 0)
		return -errno;
	return 0;
}

void plat_regs_args(const struct user_regs_struct *r, uint64_t args[6])
{
	args[0] = r->rdi;
	args[1] = r->rsi;
	args[2] = r->rdx;
	args[3] = r->r10;
	args[4] = r->r8;
	args[5] = r->r9;
}

/*
 * The seccomp_data our filter ran on, at a PTRACE_EVENT_SECCOMP stop: the
 * kernel's own account (PTRACE_GET_SYSCALL_INFO), with the architecture it
 * used and nr as the int the filter saw. -EINVAL if the tracee is not at a
 * seccomp stop, -ESRCH if it is gone.
 */
int plat_seccomp_data(pid_t tid, struct seccomp_data *d, uint32_t *ret_data)
{
	struct __ptrace_syscall_info info;
	long n;

	memset(&info, 0, sizeof(info));
	n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info);
	if (n < 0)
		return errno == ESRCH ? -ESRCH : -errno;
	if (info.op != PTRACE_SYSCALL_INFO_SECCOMP ||
	    (size_t)n < offsetof(struct __ptrace_syscall_info, seccomp.ret_data) +
				sizeof(info.seccomp.ret_data))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->nr = (int)info.seccomp.nr;
	d->arch = info.arch;
	d->instruction_pointer = info.instruction_pointer;
	memcpy(d->args, info.seccomp.args, sizeof(d->args));
	*ret_data = info.seccomp.ret_data;
	return 0;
}

/*
 * Whether the tracee, stopped in a call during an injection, is in the
 * call the sentry set up (want: its number and arguments). From the second
 * injected call on, the tracee re-executes its syscall instruction, which
 * another thread may have rewritten: the tracee then runs code of its own,
 * and a call it makes there must not pass, least of all at a seccomp stop,
 * where passing it over lets the kernel run an EMULATE call natively.
 */
static bool injection_is_ours(pid_t tid, const struct user_regs_struct *want)
{
	struct user_regs_struct r;

	if (want == NULL)
		return true;
	if (plat_getregs(tid, &r) < 0)
		return false;
	return r.orig_rax == want->orig_rax && r.rdi == want->rdi &&
	       r.rsi == want->rsi && r.rdx == want->rdx &&
	       r.r10 == want->r10 && r.r8 == want->r8 && r.r9 == want->r9;
}

bool plat_sigchld_taken;

static plat_wait_fn wait_handler;

void plat_set_wait_handler(plat_wait_fn fn)
{
	wait_handler = fn;
}

/*
 * Whether tid has exited, even if its exit cannot be reaped yet: a thread
 * group leader's exit is reported only once the group's other threads
 * have been, and no pidfd polls readable for it before that. An exited
 * task has no memory: process_vm_readv says ESRCH (EFAULT while alive).
 */
static bool tid_exited(pid_t tid)
{
	char b;
	struct iovec l = { &b, 1 }, r = { NULL, 1 };

	return process_vm_readv(tid, &l, 1, &r, 1, 0) < 0 && errno == ESRCH;
}

/*
 * Waits for tid's next wait status (a stop: 0, *st set). Reaps any child,
 * not only tid, and hands whatever else it reaps (another task's stop or
 * exit, the gofer's exit) and tid's own exit or exec to the sentry's
 * event handling (the wait handler it set): a reaped status is never
 * dropped.
 * A leader that died while another thread lives is seen by tid_exited()
 * (its exit is reaped later by the loop, once the other threads have
 * been handled: a blocking wait for it could wait for ever on a thread
 * this wait just queued). SIGCHLD is blocked in the sentry; the wait
 * sleeps in sigtimedwait and looks at tid again at least every 20 ms.
 * -ESRCH (pc->gone set) if tid is no longer ours to run.
 */
static int wait_tid(pid_t tid, struct plat_call *pc, int *st)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t pid = waitpid(-1, st, WNOHANG | __WALL);

		if (pid == tid && WIFSTOPPED(*st) &&
		    (*st >> 16) != PTRACE_EVENT_EXEC)
			return 0;
		if (pid > 0) {
			wait_handler(pid, *st);
			if (pid != tid)
				continue;
			/* Dead, or another thread's exec took its place
			 * (the event belongs to the exec'ing thread). */
			pc->gone = true;
			return -ESRCH;
		}
		if ((pid < 0 && errno != EINTR) || tid_exited(tid)) {
			pc->gone = true;
			return -ESRCH;
		}
		if (sigtimedwait(&chld, NULL, &tick) == SIGCHLD)
			plat_sigchld_taken = true;
	}
}

/*
 * Waits for the tracee's next syscall stop (entry or exit); other stops
 * are passed over. want: the injected call (NULL: any call); a stop in
 * another call kills the tracee. 0, or -ESRCH if it died.
 * A signal met on the way (one the injection's mask cannot block, or one
 * taken before it was set) does not end the wait: SIGSTOP stops the
 * thread group now, as on Linux, and this thread, which must first
 * finish the call, at the injection's end (pc->stopped, plat_inject_end);
 * any other is held back (pc->pending_sig) and sent again at the end.
 * Group-stop and interrupt stops are passed over likewise.
 */
static int wait_syscall_stop(pid_t tid, struct plat_call *pc,
			     const struct user_regs_struct *want)
{
	for (;;) {
		int st, sig, ev, deliver = 0;

		if (wait_tid(tid, pc, &st) < 0)
			return -ESRCH;
		sig = WSTOPSIG(st);
		ev = st >> 16;
		if (((ev == 0 && sig == (SIGTRAP | 0x80)) ||
		     ev == PTRACE_EVENT_SECCOMP) &&
		    !injection_is_ours(tid, want)) {
			kill(tid, SIGKILL);	/* reaped by the event loop */
			return -ESRCH;
		}
		if (ev == 0 && sig == (SIGTRAP | 0x80))
			return 0;
		if (ev == 0 && sig == SIGSTOP) {
			pc->stopped = true;
			deliver = SIGSTOP;
		} else if (ev == 0 && sig != SIGTRAP) {
			pc->pending_sig = sig;
		}
		if (ptrace(PTRACE_SYSCALL, tid, 0, (void *)(long)deliver) < 0)
			return -ESRCH;
	}
}

/*
 * Blocks the tracee's signals for the injection, once per call: each
 * injected call after the first starts from user mode (at the syscall
 * instruction), where the kernel first takes a pending signal, a stop the
 * sentry answers in tens of microseconds. Under a storm of signals
 * faster than that (a kill loop: one every microsecond or two), the call
 * was never reached (issue 13). Blocked, they stay queued with their
 * siginfo until plat_inject_end gives the tracee its own mask back, and
 * the kernel delivers them when the call returns, as Linux does for a
 * call in progress. SIGKILL and SIGSTOP cannot be blocked
 * (wait_syscall_stop).
 */
static int inject_mask(pid_t tid, struct plat_call *pc)
{
	uint64_t all = ~0ull;

	if (pc->masked)
		return 0;
	if (ptrace(PTRACE_GETSIGMASK, tid, (void *)sizeof(pc->sigmask),
		   &pc->sigmask) < 0 ||
	    ptrace(PTRACE_SETSIGMASK, tid, (void *)sizeof(all), &all) < 0)
		return -ESRCH;	/* not stopped: killed meanwhile */
	pc->masked = true;
	return 0;
}

int plat_inject_end(pid_t tid, struct plat_call *pc)
{
	if (pc->gone)
		return -ESRCH;	/* reaped: tid may be anyone's by now */
	if (pc->masked) {
		if (ptrace(PTRACE_SETSIGMASK, tid, (void *)sizeof(pc->sigmask),
			   &pc->sigmask) < 0) {
			/* A stopped tracee refuses only if killed: never
			 * let it run with a mask not its own. */
			kill(tid, SIGKILL);
			return -ESRCH;
		}
		pc->masked = false;
	}
	if (pc->stopped) {
		/* Its trap on the way out reports the group's state then
		 * (PTRACE_EVENT_STOP): SIGSTOP if still stopped, which the
		 * loop keeps (PTRACE_LISTEN), SIGTRAP if a SIGCONT came
		 * since. */
		pc->stopped = false;
		if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
			return -ESRCH;
	}
	if (pc->pending_sig) {
		/* Safe on the raw tid: a stopped tracee, not reaped (so
		 * it cannot fail but for the tracee's death meanwhile). */
		(void)syscall(SYS_tgkill, tid, tid, pc->pending_sig);
		pc->pending_sig = 0;
	}
	return 0;
}

uint64_t plat_inject_cookie;

long plat_inject(pid_t tid, struct plat_call *pc, long nr, uint64_t a0,
		 uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		 uint64_t a5)
{
	struct user_regs_struct r = pc->regs;
	int ret;

	if (pc->gone)
		return -ESRCH;
	/* the calls injected read at most five arguments: the sixth says
	 * to the config's seccomp profile that the sentry runs it */
	if (a5 == 0)
		a5 = plat_inject_cookie;

	r.orig_rax = nr;
	r.rax = nr;
	r.rdi = a0;
	r.rsi = a1;
	r.rdx = a2;
	r.r10 = a3;
	r.r8 = a4;
	r.r9 = a5;
	ret = inject_mask(tid, pc);
	if (ret < 0)
		return ret;
	if (pc->injected) {
		/* At a syscall-exit stop: go back over the syscall insn. */
		r.rip -= 2;
		ret = plat_setregs(tid, &r);
		if (ret < 0)
			return ret;
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
			return -ESRCH;
		ret = wait_syscall_stop(tid, pc, &r);	/* entry */
		if (ret < 0)
			return ret;
	} else {
		ret = plat_setregs(tid, &r);
		if (ret < 0)
			return ret;
	}
	if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
		return -ESRCH;
	ret = wait_syscall_stop(tid, pc, &r);		/* exit */
	if (ret < 0)
		return ret;
	pc->injected = true;
	ret = plat_getregs(tid, &r);
	if (ret < 0)
		return ret;
	return (long)r.rax;
}

/*
 * The seccomp platform's way to a ptrace stop for a call that arrived as a
 * notification: PTRACE_INTERRUPT breaks the task's wait for our reply if
 * it is interruptible (the kernel drops the notification), or, with
 * WAIT_KILLABLE_RECV, where only a fatal signal would, the reply
 * -ERESTARTSYS ends it (refused if the interrupt did); either way the call
 * returns -ERESTARTSYS and, before the restart, the task stops at
 * PTRACE_EVENT_STOP, where syscalls can be injected at the call's
 * syscall instruction. The call is then finished with
 * plat_ptrace_finish(). A signal that arrives meanwhile is kept in pc->pending_sig and sent again when finishing.
 */
int plat_notif_to_stop(pid_t tid, struct plat_call *pc)
{
	int ret;

	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		return -ESRCH;
	/* After the interrupt: the task takes its stop on the way out. */
	(void)plat_notif_send(pc->notify_fd, pc->id, -ERESTARTSYS, false);
	for (;;) {
		int st, sig, ev;

		if (wait_tid(tid, pc, &st) < 0)
			return -ESRCH;
		sig = WSTOPSIG(st);
		ev = st >> 16;
		if (ev == PTRACE_EVENT_STOP)
			break;
		if (ev == 0)
			pc->pending_sig = sig;
		if (ptrace(PTRACE_CONT, tid, 0, 0) < 0)
			return -ESRCH;
	}
	ret = plat_getregs(tid, &pc->regs);
	if (ret < 0)
		return ret;
	pc->at_stop = true;
	/* Like a syscall-exit stop: rip is past the syscall instruction. */
	pc->injected = true;
	return 0;
}

/*
 * At a PTRACE_EVENT_EXEC stop: runs fn's calls in the new program before
 * its first instruction, then lets it go. The syscall instruction is
 * written over the entry point for the time of the calls (ptrace writes
 * through the text's protection) and put back after.
 * The task is left stopped (the caller resumes it); -ESRCH if it is gone.
 */
int plat_exec_inject(pid_t tid, plat_exec_fn *fn, void *arg)
{
	struct plat_call pc = { .kind = PLATFORM_PTRACE, .at_stop = true };
	struct user_regs_struct r0;
	long word, patched;
	int ret;

	if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
		return -ESRCH;
	ret = wait_syscall_stop(tid, &pc, NULL);	/* execve's exit */
	if (ret < 0)
		return ret;
	ret = plat_getregs(tid, &r0);
	if (ret < 0)
		return ret;
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tid, (void *)(uintptr_t)r0.rip, 0);
	if (errno != 0)
		goto out;
	patched = (word & ~0xffffL) | 0x050f;	/* syscall */
	if (ptrace(PTRACE_POKETEXT, tid, (void *)(uintptr_t)r0.rip,
		   (void *)patched) < 0)
		goto out;
	pc.regs = r0;
	pc.regs.rip += 2;	/* as if just past that instruction */
	pc.injected = true;
	/* A call that fails leaves that much of Linux's undone: nothing
	 * the program could not have had */
	fn(tid, &pc, (r0.rsp - 128 - 256) & ~15ull, arg);
	if (pc.gone)
		return -ESRCH;	/* reaped: tid may be anyone's by now */
	/* Its entry point must be its own again before it runs: if not,
	 * the caller kills it. */
	if (ptrace(PTRACE_POKETEXT, tid, (void *)(uintptr_t)r0.rip,
		   (void *)word) < 0)
		return -errno;
out:
	ret = plat_setregs(tid, &r0);
	if (ret < 0)
		return ret;
	return plat_inject_end(tid, &pc);
}

int plat_ptrace_finish(pid_t tid, struct plat_call *pc, long ret, bool cont)
{
	struct user_regs_struct r = pc->regs;
	int err;

	err = plat_inject_end(tid, pc);
	if (err < 0)
		return err;	/* gone (pc->gone: reaped, not ours) */
	if (cont && !pc->injected)
		return plat_resume(tid, PTRACE_CONT, 0);
	if (cont)
		ret = -EIO;
	if (!pc->injected)
		r.orig_rax = -1;	/* skip the real call */
	r.rax = ret;
	err = plat_setregs(tid, &r);
	if (err < 0)
		return err;
	if (pc->injected && resume_how != NULL &&
	    resume_how(tid, PTRACE_CONT) == PTRACE_SYSCALL) {
		/* Its emulated tracer wants the call's exit stop: the task
		 * sits at one (of the last injected call, registers now the
		 * call's own), which the loop handles as such. */
		wait_handler(tid, ((SIGTRAP | 0x80) << 8) | 0x7f);
		return 0;
	}
	return plat_resume(tid, PTRACE_CONT, 0);
}

/*
 * -ERESTARTSYS means something to the kernel only at the exit of a call
 * whose number is in orig_rax: at a syscall-entry stop the call is skipped
 * first (orig_rax -1) to its exit stop, where it gets its own registers
 * back with that result. The caller saw a signal pending that only the
 * task can take, so the kernel delivers it on the way out (the task is
 * never seen with -ERESTARTSYS) and restarts the call or gives EINTR.
 */
int plat_ptrace_interrupt(pid_t tid, struct plat_call *pc)
{
	struct user_regs_struct r = pc->regs;
	int ret;

	if (pc->gone)
		return -ESRCH;
	if (!pc->injected) {
		r.orig_rax = -1;
		ret = plat_setregs(tid, &r);
		if (ret < 0)
			return ret;
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
			return -ESRCH;
		ret = wait_syscall_stop(tid, pc, &r);
		if (ret < 0)
			return ret;
		pc->injected = true;
	}
	return plat_ptrace_finish(tid, pc, -ERESTARTSYS, false);
}

/* Scratch memory in the tracee: below the stack pointer's red zone. */
static uint64_t scratch(const struct plat_call *pc, size_t len)
{
	return (pc->regs.rsp - 128 - len - 64) & ~15ull;
}

static int send_fd(int sock, int fd)
{
	char byte = 0;
	struct iovec iov = { &byte, 1 };
	ssize_t n = cv_sendmsg_fds(sock, &iov, 1, &fd, 1, MSG_DONTWAIT);

	return n == 1 ? 0 : n < 0 ? (int)n : -EIO;
}

/* The tracee's view of the recvmsg we inject. */
struct inj_recv {
	struct msghdr msg;
	struct iovec iov;
	char byte;
	char pad[7];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
};

static long inj_recv_fd(pid_t tid, struct plat_call *pc, int rfd,
			unsigned flags)
{
	uint64_t at = scratch(pc, sizeof(struct inj_recv));
	struct inj_recv m;
	long ret;
	int fd, nfds;

	memset(&m, 0, sizeof(m));
	m.iov.iov_base = (void *)(uintptr_t)(at + offsetof(struct inj_recv, byte));
	m.iov.iov_len = 1;
	m.msg.msg_iov = (void *)(uintptr_t)(at + offsetof(struct inj_recv, iov));
	m.msg.msg_iovlen = 1;
	m.msg.msg_control = (void *)(uintptr_t)(at + offsetof(struct inj_recv, u));
	m.msg.msg_controllen = sizeof(m.u.buf);
	ret = plat_mem_write(tid, at, &m, sizeof(m));
	if (ret < 0)
		return ret;
	ret = plat_inject(tid, pc, SYS_recvmsg, rfd, at,
			  (flags & O_CLOEXEC) ? MSG_CMSG_CLOEXEC : 0, 0, 0, 0);
	if (ret < 0)
		return ret;
	ret = plat_mem_read(tid, at, &m, sizeof(m));
	if (ret < 0)
		return ret;
	/* The kernel set msg_controllen and msg_flags; the numbers are the
	 * tracee's, so the parse closes nothing. */
	m.msg.msg_control = m.u.buf;
	if (cv_fdmsg_parse(&m.msg, &fd, 1, &nfds) < 0 || nfds != 1)
		return -EIO;
	return fd;
}

/*
 * socketpair(a, b) in the tracee; the sentry sends fd through its copy of
 * a; close(a) so the received fd takes the lowest free number, as open()
 * would give; recvmsg(b); close(b).
 */
int plat_ptrace_install_fd(pid_t tid, int pidfd, struct plat_call *pc,
			   int fd, unsigned flags)
{
	uint64_t at = scratch(pc, 512);
	int pair[2], mine;
	long ret, got;

	ret = plat_inject(tid, pc, SYS_socketpair, AF_UNIX,
			  SOCK_DGRAM | SOCK_CLOEXEC, 0, at, 0, 0);
	if (ret < 0)
		return (int)ret;
	ret = plat_mem_read(tid, at, pair, sizeof(pair));
	if (ret < 0)
		return (int)ret;
	mine = syscall(SYS_pidfd_getfd, pidfd, pair[0], 0);
	if (mine < 0) {
		ret = -errno;
		goto out;
	}
	ret = send_fd(mine, fd);
	close(mine);
	/* The injected closes fail only if the tracee is gone (pc->gone):
	 * then its table is gone with it. */
	(void)plat_inject(tid, pc, SYS_close, pair[0], 0, 0, 0, 0, 0);
	if (ret < 0)
		goto out_b;
	got = inj_recv_fd(tid, pc, pair[1], flags);
	(void)plat_inject(tid, pc, SYS_close, pair[1], 0, 0, 0, 0, 0);
	return (int)got;
out:
	(void)plat_inject(tid, pc, SYS_close, pair[0], 0, 0, 0, 0, 0);
out_b:
	(void)plat_inject(tid, pc, SYS_close, pair[1], 0, 0, 0, 0, 0);
	return (int)ret;
}
