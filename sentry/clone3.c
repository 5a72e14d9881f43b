// SPDX-License-Identifier: Apache-2.0
/*
 * clone3(2). Its struct clone_args is in workload memory, which another
 * thread may rewrite after the sentry read it: the kernel must never read
 * it. At the call's RET_TRACE stop the sentry copies the struct once,
 * checks it as Linux's clone3 does (copy_clone_args_from_user,
 * clone3_args_valid) and with clone's flag policy (no namespaces, no
 * CLONE_UNTRACED: syscalls/filter.c rules_clone), then runs it as a
 * clone(2) with registers it sets: flags | exit_signal, the stack's top,
 * parent_tid (or pidfd), child_tid, tls. The kernel re-runs the filters
 * on the rewritten call.
 *
 * clone3 leaves every register but rax as it was; clone's arguments are
 * in rdi, rsi, rdx, r10 and r8, and glibc's clone3 child keeps its
 * function in rdx and its argument in r8 across the syscall. So the
 * caller's registers come back in the parent at the call's exit stop
 * (clone3_on_exit) and in the child at its first stop, before it runs
 * anything (clone3_on_child_ready), where the sentry also does what
 * clone cannot: CLONE_CLEAR_SIGHAND, and parent_tid next to a pidfd
 * (clone's one pointer holds either).
 */
#include <errno.h>
#include <limits.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>

#include "lib/log.h"
#include "lib/util.h"
#include "sentry/internal.h"

#ifndef CLONE_ARGS_SIZE_VER0
#define CLONE_ARGS_SIZE_VER0 64
#endif
#ifndef CLONE_ARGS_SIZE_VER2
#define CLONE_ARGS_SIZE_VER2 88
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define C3_PAGE 4096
#define C3_MAX_PID_NS_LEVEL 32

/* The struct as this kernel generation knows it (VER2: 88 bytes), and
 * the set_tid array it names. */
struct c3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};
_Static_assert(sizeof(struct c3_args) == CLONE_ARGS_SIZE_VER2, "VER2");

struct c3_call {
	struct c3_args a;
	pid_t set_tid[C3_MAX_PID_NS_LEVEL];
};
#define C3_CSIGNAL 0xffull
#define C3_NSIG 64

/* Namespaces and CLONE_UNTRACED: refused as clone refuses them. */
#define C3_DENIED                                                          \
	((uint64_t)(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |          \
		    CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |           \
		    CLONE_NEWNET | CLONE_UNTRACED | CLONE_NEWTIME))

/* copy_struct_from_user: bytes past what the sentry knows must be zero
 * (E2BIG), read before the known part, as the kernel does. */
static int tail_zero(pid_t tid, uint64_t addr, size_t usize)
{
	uint8_t buf[256];
	size_t off = sizeof(struct c3_args);

	while (off < usize) {
		size_t n = usize - off < sizeof(buf) ? usize - off :
						       sizeof(buf);
		int ret = plat_mem_read(tid, addr + off, buf, n);

		if (ret < 0)
			return ret;
		for (size_t i = 0; i < n; i++)
			if (buf[i])
				return -E2BIG;
		off += n;
	}
	return 0;
}

/* copy_clone_args_from_user, set_tid included. */
static int copy_args(struct task *t, uint64_t addr, uint64_t usize,
		     struct c3_call *call)
{
	struct c3_args *a = &call->a;
	int ret;

	memset(call, 0, sizeof(*call));
	if (usize > C3_PAGE)
		return -E2BIG;
	if (usize < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	ret = tail_zero(t->host_tid, addr, usize);
	if (ret < 0)
		return ret;
	ret = plat_mem_read(t->host_tid, addr, a,
			    usize < sizeof(*a) ? usize : sizeof(*a));
	if (ret < 0)
		return ret;
	if (a->set_tid_size > C3_MAX_PID_NS_LEVEL)
		return -EINVAL;
	if ((a->set_tid == 0) != (a->set_tid_size == 0))
		return -EINVAL;
	if ((a->exit_signal & ~C3_CSIGNAL) || a->exit_signal > C3_NSIG)
		return -EINVAL;
	if ((a->flags & CLONE_INTO_CGROUP) &&
	    (a->cgroup > INT_MAX || usize < CLONE_ARGS_SIZE_VER2))
		return -EINVAL;
	if (a->set_tid_size == 0)
		return 0;
	return plat_mem_read(t->host_tid, a->set_tid, call->set_tid,
			     a->set_tid_size * sizeof(pid_t));
}

/* clone3_args_valid (its stack check included). */
static int args_valid(const struct c3_args *a)
{
	const uint64_t known = 0xffffffffull | CLONE_CLEAR_SIGHAND |
			       CLONE_INTO_CGROUP;

	if (a->flags & ~known)
		return -EINVAL;
	if (a->flags & (CLONE_DETACHED | (C3_CSIGNAL & ~CLONE_NEWTIME)))
		return -EINVAL;
	if ((a->flags & CLONE_SIGHAND) && (a->flags & CLONE_CLEAR_SIGHAND))
		return -EINVAL;
	if ((a->flags & (CLONE_THREAD | CLONE_PARENT)) && a->exit_signal)
		return -EINVAL;
	if ((a->stack == 0) != (a->stack_size == 0))
		return -EINVAL;
	if (a->stack && (a->stack + a->stack_size < a->stack ||
			 a->stack + a->stack_size > 0x7ffffffff000ull))
		return -EINVAL;	/* access_ok */
	if ((a->flags & CLONE_PIDFD) && (a->flags & CLONE_PARENT_SETTID) &&
	    a->pidfd == a->parent_tid)
		return -EINVAL;	/* kernel_clone */
	return 0;
}

/* copy_process's checks of flag combinations, which come before any
 * capability check: Linux fails these EINVAL whatever the namespaces. */
static int combinations_valid(const struct task *t, uint64_t f)
{
	if ((f & CLONE_NEWNS) && (f & CLONE_FS))
		return -EINVAL;
	if ((f & CLONE_NEWUSER) && (f & CLONE_FS))
		return -EINVAL;
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	if ((f & CLONE_PARENT) && t->tgid == 1)
		return -EINVAL;	/* the pid namespace's init */
	if ((f & CLONE_THREAD) && (f & (CLONE_NEWUSER | CLONE_NEWPID)))
		return -EINVAL;
	return 0;
}

/*
 * What the sentry does not run: namespaces (clone's policy), set_tid
 * (CAP_CHECKPOINT_RESTORE over the pid namespace, which the sandbox
 * never grants) and CLONE_INTO_CGROUP (no fd of the sandbox's is a
 * cgroup2 directory: its /sys/fs/cgroup is synthesised, and Linux
 * refuses any other fd with EBADF).
 */
static int policy(const struct c3_call *call)
{
	const struct c3_args *a = &call->a;

	if (a->flags & C3_DENIED)
		return -EPERM;
	if (a->set_tid_size) {
		for (uint64_t i = 0; i < a->set_tid_size; i++)
			if (call->set_tid[i] < 1)
				return -EINVAL;
		return -EPERM;
	}
	if (a->flags & CLONE_INTO_CGROUP)
		return -EBADF;
	return 0;
}

static int check(struct task *t, uint64_t addr, uint64_t usize,
		 struct c3_call *call)
{
	int ret = copy_args(t, addr, usize, call);

	if (ret == 0)
		ret = args_valid(&call->a);
	if (ret == 0)
		ret = combinations_valid(t, call->a.flags);
	if (ret == 0)
		ret = policy(call);
	return ret;
}

/* The clone(2) the checked arguments make, in r (the stop's registers).
 * With both CLONE_PIDFD and CLONE_PARENT_SETTID, clone's one pointer
 * takes the pidfd; parent_tid is the sentry's to write. */
static void as_clone(const struct c3_args *a, struct user_regs_struct *r)
{
	uint64_t flags = a->flags & 0xffffffffull;

	if (flags & CLONE_PIDFD)
		flags &= ~(uint64_t)CLONE_PARENT_SETTID;
	r->orig_rax = SYS_clone;
	r->rax = SYS_clone;
	r->rdi = flags | a->exit_signal;
	r->rsi = a->stack ? a->stack + a->stack_size : 0;
	r->rdx = (flags & CLONE_PIDFD) ? a->pidfd : a->parent_tid;
	r->r10 = a->child_tid;
	r->r8 = a->tls;
}

static void log_call(struct sentry *s, struct task *t, long ret)
{
	struct task_state *st = task_st(t);
	struct plat_call pc = { .kind = s->platform, .at_stop = true };
	struct sc_call c = { .t = t, .nr = SYS_clone3, .platform = &pc };
	uint64_t ns = cv_now_ns() - st->t0;
	char buf[256];

	stats_record(s, SYS_clone3, SC_EMULATE, ns, ret);
	if (!s->strace)
		return;
	memcpy(c.args, st->args, sizeof(c.args));
	strace_format_args(&c, buf, sizeof(buf));
	strace_log(s, t, SYS_clone3, 'E', buf, ret, true, ns);
}

void clone3_on_seccomp(struct sentry *s, struct task *t, struct plat_call *pc)
{
	struct task_state *st = task_st(t);
	struct user_regs_struct r = pc->regs;
	struct c3_call call;
	const struct c3_args *a = &call.a;
	int ret;

	st->t0 = cv_now_ns();
	plat_regs_args(&pc->regs, st->args);
	ret = check(t, pc->regs.rdi, pc->regs.rsi, &call);
	if (ret < 0) {
		log_call(s, t, ret);
		sentry_plat_result(t->host_tid,
				   plat_ptrace_finish(t->host_tid, pc, ret,
						      false),
				   "reply");
		return;
	}
	as_clone(a, &r);
	st->saved = pc->regs;
	st->c3.flags = a->flags;
	st->c3.parent_tid = a->parent_tid;
	st->pending = TP_CLONE3;
	if (task_setregs_or_kill(t, &r) < 0)
		return;	/* never a call the sentry did not check */
	task_resume(t, PTRACE_SYSCALL, 0);
}

/* The caller's registers but rax; a call the kernel restarts (a signal
 * came first) is clone3 again, checked again. */
static void restore(struct user_regs_struct *r,
		    const struct user_regs_struct *saved)
{
	r->orig_rax = SYS_clone3;
	r->rdi = saved->rdi;
	r->rsi = saved->rsi;
	r->rdx = saved->rdx;
	r->r10 = saved->r10;
	r->r8 = saved->r8;
}

void clone3_on_exit(struct sentry *s, struct task *t,
		    struct user_regs_struct *r)
{
	struct task_state *st = task_st(t);

	restore(r, &st->saved);
	log_call(s, t, (long)r->rax);
	/* The caller resumes it; killed if its registers stay ours. */
	(void)task_setregs_or_kill(t, r);
}

void clone3_on_clone(struct task *parent, struct task *child)
{
	struct task_state *ps = task_st(parent), *cs = task_st(child);

	cs->c3.child_fix = ps->pending == TP_CLONE3;
	if (!cs->c3.child_fix)
		return;
	cs->c3.flags = ps->c3.flags;
	cs->c3.parent_tid = ps->c3.parent_tid;
	cs->c3.parent = parent->host_tid;
	cs->saved = ps->saved;
}

/* One signal's action in the child, as flush_signal_handlers leaves it:
 * SIG_DFL unless ignored, no flags, no restorer, an empty mask. at is
 * scratch memory of the child's for two struct kernel_sigaction. */
static int clear_one(struct task *t, struct plat_call *pc, int sig,
		     uint64_t at)
{
	uint64_t act[4] = { 0 }, old[4];
	long ret;

	ret = plat_mem_write(t->host_tid, at, act, sizeof(act));
	if (ret == 0)
		ret = plat_inject(t->host_tid, pc, SYS_rt_sigaction, sig, at,
				  at + sizeof(act), 8, 0, 0);
	if (ret == 0)
		ret = plat_mem_read(t->host_tid, at + sizeof(act), old,
				    sizeof(old));
	if (ret < 0 || old[0] != (uint64_t)(uintptr_t)SIG_IGN)
		return (int)ret;
	act[0] = (uint64_t)(uintptr_t)SIG_IGN;
	ret = plat_mem_write(t->host_tid, at, act, sizeof(act));
	if (ret == 0)
		ret = plat_inject(t->host_tid, pc, SYS_rt_sigaction, sig, at,
				  0, 8, 0, 0);
	return (int)ret;
}

/* CLONE_CLEAR_SIGHAND: the child has its own copy of the handlers (not
 * CLONE_SIGHAND), reset by rt_sigaction calls injected at its first
 * stop, before it runs any code of its own. */
static int clear_sighand(struct task *t)
{
	struct plat_call pc = { .kind = t->sentry->platform, .at_stop = true,
				.injected = true };
	uint64_t at;
	int ret;

	ret = plat_getregs(t->host_tid, &pc.regs);
	if (ret < 0)
		return ret;
	/* below the red zone: what a signal frame may overwrite */
	at = (pc.regs.rsp - 128 - 64 - 64) & ~15ull;
	for (int sig = 1; sig <= C3_NSIG && ret == 0; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			ret = clear_one(t, &pc, sig, at);
	/* its own mask back (the caller restores its registers) */
	if (plat_inject_end(t->host_tid, &pc) < 0)
		return -ESRCH;
	return ret;
}

/* parent_tid next to CLONE_PIDFD: the child's id in the parent's pid
 * namespace (the sandbox's), in the parent's memory before either
 * runs on, as kernel_clone writes it. */
static int write_parent_tid(struct task *t)
{
	pid_t tid = t->tid;

	return plat_mem_write(task_st(t)->c3.parent,
			      task_st(t)->c3.parent_tid, &tid, sizeof(tid));
}

void clone3_on_child_ready(struct sentry *s, struct task *t)
{
	struct task_state *st = task_st(t);
	struct user_regs_struct r;
	uint64_t f = st->c3.flags;
	int ret = 0;

	(void)s;
	if (!st->c3.child_fix || st->exited)
		return;
	st->c3.child_fix = false;
	if (f & CLONE_CLEAR_SIGHAND)
		ret = clear_sighand(t);
	if (ret == 0 && (f & CLONE_PIDFD) && (f & CLONE_PARENT_SETTID))
		(void)write_parent_tid(t);	/* -EFAULT: as the kernel's
						 * put_user, ignored */
	if (ret == 0)
		ret = plat_getregs(t->host_tid, &r);
	if (ret == 0) {
		restore(&r, &st->saved);
		r.rax = 0;
		ret = task_setregs_or_kill(t, &r);
	}
	if (ret < 0 && ret != -ESRCH) {
		/* Not the child clone3 makes: it must not run. */
		log_warn("sentry: tid %d: clone3 child: %s: killed",
			 (int)t->host_tid, strerror(-ret));
		(void)task_signal(t, SIGKILL);
	}
}

SENTRY_HANDLER(clone3)
{
	/* Served at its ptrace stop (clone3_on_seccomp). */
	(void)c;
	return -ENOSYS;
}
