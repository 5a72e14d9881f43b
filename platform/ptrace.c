// SPDX-License-Identifier: Apache-2.0
/*
 * ptrace mechanics: seizing, registers, finishing an emulated call at a
 * RET_TRACE stop, injecting syscalls into a stopped tracee, and the ptrace
 * platform's fd installation (socketpair + close + recvmsg injected).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

int plat_resume(pid_t tid, int how, int sig)
{
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

/* Waits for the tracee's next syscall stop (entry or exit); other stops
 * are passed over, a signal kept for later. 0, or -ESRCH if it died. */
static int wait_syscall_stop(pid_t tid, struct plat_call *pc)
{
	for (;;) {
		int st, sig, ev;

		if (waitpid(tid, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -ESRCH;
		}
		if (!WIFSTOPPED(st))
			return -ESRCH;
		sig = WSTOPSIG(st);
		ev = st >> 16;
		if (ev == 0 && sig == (SIGTRAP | 0x80))
			return 0;
		if (ev == 0 && sig != SIGTRAP)
			pc->pending_sig = sig;
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
			return -ESRCH;
	}
}

uint64_t plat_inject_cookie;

long plat_inject(pid_t tid, struct plat_call *pc, long nr, uint64_t a0,
		 uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		 uint64_t a5)
{
	struct user_regs_struct r = pc->regs;
	int ret;

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
	if (pc->injected) {
		/* At a syscall-exit stop: go back over the syscall insn. */
		r.rip -= 2;
		ret = plat_setregs(tid, &r);
		if (ret < 0)
			return ret;
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
			return -ESRCH;
		ret = wait_syscall_stop(tid, pc);	/* entry */
		if (ret < 0)
			return ret;
	} else {
		ret = plat_setregs(tid, &r);
		if (ret < 0)
			return ret;
	}
	if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
		return -ESRCH;
	ret = wait_syscall_stop(tid, pc);		/* exit */
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
 * notification: PTRACE_INTERRUPT breaks the task's (interruptible) wait
 * for our reply, the kernel drops the notification and the call returns
 * -ERESTARTSYS; before the restart the task stops at PTRACE_EVENT_STOP,
 * where syscalls can be injected at the call's syscall instruction. The
 * call is then finished with plat_ptrace_finish(). A signal that arrives
 * meanwhile is kept in pc->pending_sig and sent again when finishing.
 */
int plat_notif_to_stop(pid_t tid, struct plat_call *pc)
{
	int ret;

	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		return -ESRCH;
	for (;;) {
		int st, sig, ev;

		if (waitpid(tid, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -ESRCH;
		}
		if (!WIFSTOPPED(st))
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
 * At a PTRACE_EVENT_EXEC stop: runs prctl(PR_SET_NAME, name) in the new
 * program before its first instruction, then lets it go. The syscall
 * instruction is written over the entry point for the time of the call
 * (ptrace writes through the text's protection) and put back after.
 */
int plat_exec_set_comm(pid_t tid, const char *name)
{
	struct plat_call pc = { .kind = PLATFORM_PTRACE, .at_stop = true };
	struct user_regs_struct r0;
	size_t len = strnlen(name, 15);
	char buf[16] = { 0 };
	uint64_t at;
	long word, patched;
	int ret;

	if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
		return -ESRCH;
	ret = wait_syscall_stop(tid, &pc);		/* execve's exit */
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
	memcpy(buf, name, len);
	at = (r0.rsp - 128 - sizeof(buf)) & ~15ull;
	if (plat_mem_write(tid, at, buf, sizeof(buf)) == 0) {
		pc.regs = r0;
		pc.regs.rip += 2;	/* as if just past that instruction */
		pc.injected = true;
		plat_inject(tid, &pc, SYS_prctl, PR_SET_NAME, at, 0, 0, 0, 0);
	}
	ptrace(PTRACE_POKETEXT, tid, (void *)(uintptr_t)r0.rip, (void *)word);
out:
	ret = plat_setregs(tid, &r0);
	if (ret < 0)
		return ret;
	if (pc.pending_sig)
		syscall(SYS_tgkill, tid, tid, pc.pending_sig);
	return plat_resume(tid, PTRACE_CONT, 0);
}

int plat_ptrace_finish(pid_t tid, struct plat_call *pc, long ret)
{
	struct user_regs_struct r = pc->regs;
	int err;

	if (ret == SENTRY_RET_CONTINUE && !pc->injected)
		return plat_resume(tid, PTRACE_CONT, 0);
	if (ret == SENTRY_RET_CONTINUE)
		ret = -EIO;
	if (!pc->injected)
		r.orig_rax = -1;	/* skip the real call */
	r.rax = ret;
	err = plat_setregs(tid, &r);
	if (err < 0)
		return err;
	if (pc->pending_sig) {
		syscall(SYS_tgkill, tid, tid, pc->pending_sig);
		pc->pending_sig = 0;
	}
	return plat_resume(tid, PTRACE_CONT, 0);
}

/* Scratch memory in the tracee: below the stack pointer's red zone. */
static uint64_t scratch(const struct plat_call *pc, size_t len)
{
	return (pc->regs.rsp - 128 - len - 64) & ~15ull;
}

static int send_fd(int sock, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	memset(u.buf, 0, sizeof(u.buf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) == 1 ? 0 :
								      -errno;
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

static long inj_recv_fd(struct sc_call *c, struct plat_call *pc, int rfd,
			unsigned flags)
{
	pid_t tid = c->t->host_tid;
	uint64_t at = scratch(pc, sizeof(struct inj_recv));
	struct inj_recv m;
	struct cmsghdr *cm;
	long ret;
	int fd;

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
	m.msg.msg_control = m.u.buf;
	cm = CMSG_FIRSTHDR(&m.msg);
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
		return -EIO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * socketpair(a, b) in the tracee; the sentry sends fd through its copy of
 * a; close(a) so the received fd takes the lowest free number, as open()
 * would give; recvmsg(b); close(b).
 */
int plat_ptrace_install_fd(struct sc_call *c, int fd, unsigned flags)
{
	struct plat_call *pc = c->platform;
	pid_t tid = c->t->host_tid;
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
	mine = syscall(SYS_pidfd_getfd, c->t->pidfd, pair[0], 0);
	if (mine < 0) {
		ret = -errno;
		goto out;
	}
	ret = send_fd(mine, fd);
	close(mine);
	plat_inject(tid, pc, SYS_close, pair[0], 0, 0, 0, 0, 0);
	if (ret < 0)
		goto out_b;
	got = inj_recv_fd(c, pc, pair[1], flags);
	plat_inject(tid, pc, SYS_close, pair[1], 0, 0, 0, 0, 0);
	return (int)got;
out:
	plat_inject(tid, pc, SYS_close, pair[0], 0, 0, 0, 0, 0);
out_b:
	plat_inject(tid, pc, SYS_close, pair[1], 0, 0, 0, 0, 0);
	return (int)ret;
}
