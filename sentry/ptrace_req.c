// SPDX-License-Identifier: Apache-2.0
/*
 * Emulated ptrace, the requests: the ptrace(2) handler
 * (sentry/ptrace_emu.h). A request names a tracee by its sandbox tid and
 * is allowed only to its tracer; what reads or changes the tracee's
 * state is done by the sentry's own ptrace on the held (really stopped)
 * tracee, whose result is copied to or from the tracer's memory.
 *
 * Covered: TRACEME, ATTACH, SEIZE, INTERRUPT, LISTEN, KILL, DETACH, CONT,
 * SYSCALL, SINGLESTEP, PEEK/POKE TEXT/DATA/USER, GET/SETREGS,
 * GET/SETFPREGS, GET/SETREGSET, GET/SETSIGINFO, PEEKSIGINFO,
 * GET/SETSIGMASK, ARCH_PRCTL (ARCH_GET/SET_FS/GS; ARCH_MAP_VDSO_*, which
 * Linux runs on the tracer's own memory, EINVAL), GETEVENTMSG, SETOPTIONS
 * (TRACESYSGOOD, TRACEFORK/VFORK/CLONE, TRACEVFORKDONE, TRACEEXEC,
 * EXITKILL, TRACEEXIT, and TRACESECCOMP on the ptrace platform),
 * GET_SYSCALL_INFO. Not covered (EIO): SYSEMU, SYSEMU_SINGLESTEP,
 * thread areas, seccomp filter dumps; option SUSPEND_SECCOMP, and
 * TRACESECCOMP on the seccomp platform, are refused with EINVAL.
 *
 * TRACESECCOMP: a workload filter's SECCOMP_RET_TRACE reaches the sentry
 * as its own PTRACE_EVENT_SECCOMP stop, held for the tracer (GETEVENTMSG:
 * the filter's SECCOMP_RET_DATA). At the tracer's resume our filter is
 * run on the call as the tracer left it, and a call it sends to the
 * sentry is served by the sentry (loop.c, sentry_seccomp_resume): the
 * kernel's recheck would let it run natively. On the seccomp platform our
 * USER_NOTIF outranks a workload TRACE for every emulated call, whose
 * stop would never come: the option is refused there.
 */
#include <asm/prctl.h>
#include <elf.h>
#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "sentry/idmap.h"
#include "lib/log.h"
#include "sentry/internal.h"
#include "sentry/ptrace_emu.h"
#include "sentry/vtree.h"

#define PT_OPTIONS_OK                                                     \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL |     \
	 PTRACE_O_TRACEEXIT | PTRACE_O_TRACEVFORKDONE)
#define PT_OPTIONS_LINUX (PT_OPTIONS_OK | PTRACE_O_TRACESECCOMP |         \
			  PTRACE_O_SUSPEND_SECCOMP)
#define REGSET_MAX 16384

/* The workload task with this sandbox tid, or NULL. */
static struct task *task_by_tid(struct sentry *s, pid_t tid)
{
	for (size_t i = 0; i < s->ntasks; i++) {
		struct task *t = s->tasks[i];

		if (t->tid == tid && t->workload && task_st(t)->ids_known &&
		    !task_st(t)->held && !task_st(t)->exited)
			return t;
	}
	return NULL;
}

/*
 * PTRACE_O_TRACESECCOMP on the ptrace platform only: on the seccomp
 * platform our filter's USER_NOTIF outranks a workload filter's TRACE,
 * so the stops of emulated calls would never come (docs/security.md).
 */
static int options_check(struct sentry *s, unsigned long opts)
{
	unsigned long ok = PT_OPTIONS_OK;

	if (s->platform == PLATFORM_PTRACE)
		ok |= PTRACE_O_TRACESECCOMP;
	if (opts & ~(unsigned long)PT_OPTIONS_LINUX)
		return -EINVAL;
	if (opts & ~ok)
		return -EINVAL;	/* Linux's, not emulated (docs/syscalls.md) */
	return 0;
}

static int set_options(struct ptrace_link *l, unsigned long opts)
{
	int ret = options_check(the_sentry, opts);

	if (ret < 0)
		return ret;
	l->options = opts;
	ptrace_sync_options(l);	/* the tracee is held: at once */
	return 0;
}

/*
 * The link a TRACEME, ATTACH or SEIZE makes, once the caller took its 0
 * (sc_commit): made by the handler, a restart of the call after a signal
 * would find it and fail with EPERM. commit_obj is the tracee (TRACEME:
 * the tracer), commit_arg the request and SEIZE's options.
 */
static void link_commit(struct sc_call *c)
{
	long req = c->commit_arg[0];
	struct task *t = c->commit_obj;
	struct ptrace_link *l;

	l = req == PTRACE_TRACEME ? ptrace_link_new(c->t, t) :
				    ptrace_link_new(t, c->t);
	if (l == NULL) {
		log_warn("sentry: ptrace: tid %d: link: %s", (int)c->t->tid,
			 strerror(ENOMEM));
		return;
	}
	if (req == PTRACE_TRACEME) {
		l->traceme = true;
	} else if (req == PTRACE_SEIZE) {
		l->seized = true;
		l->options = (unsigned long)c->commit_arg[1];
	} else if (task_signal(t, SIGSTOP) == 0) {
		l->attach_stop = true;	/* its stop is the tracer's first */
	}
}

static long pt_traceme(struct sc_call *c)
{
	struct task *t = c->t, *parent;

	parent = t->host_ppid > 0 ? task_find(t->sentry, t->host_ppid) : NULL;
	/* A parent outside the workload (the sentry for the init, runsc
	 * for an exec'd process) is never a tracer. */
	if (parent == NULL || !parent->workload || ptrace_link_of(t) != NULL)
		return -EPERM;
	sc_commit(c, link_commit, parent, PTRACE_TRACEME, 0);
	return 0;
}

/* Whether t is dumpable, as its /proc files' owner tells (root while it
 * is not; a root task looks dumpable either way). */
static bool dumpable(struct sentry *s, struct task *t)
{
	int pfd = vtree_host_proc_fd();
	char name[32];
	struct stat st;

	if (pfd < 0)
		return false;
	snprintf(name, sizeof(name), "%d/environ", (int)t->tgid);
	if (fstatat(pfd, name, &st, 0) < 0)
		return false;
	return ident_from_host(s, IDENT_UID, st.st_uid) == t->creds.euid;
}

/*
 * Linux's __ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS): CAP_SYS_PTRACE
 * in the container; else the caller's real ids equal to all of the
 * target's, its permitted capabilities within the caller's and the target
 * dumpable.
 */
static bool may_attach(struct sentry *s, struct task *me, struct task *it)
{
	const struct task_creds *a = &me->creds, *b = &it->creds;

	if ((a->cap_effective >> CAP_SYS_PTRACE) & 1)
		return true;
	if (a->ruid != b->ruid || a->ruid != b->euid || a->ruid != b->suid ||
	    a->rgid != b->rgid || a->rgid != b->egid || a->rgid != b->sgid)
		return false;
	if (b->cap_permitted & ~a->cap_permitted)
		return false;
	return dumpable(s, it);
}

static long pt_attach_now(struct sc_call *c, long req, pid_t pid,
			  uint64_t addr, uint64_t data)
{
	struct sentry *s = c->t->sentry;
	struct task *t = task_by_tid(s, pid);

	if (req == PTRACE_SEIZE && addr != 0)
		return -EIO;
	if (req == PTRACE_SEIZE && (data & ~(uint64_t)PT_OPTIONS_LINUX))
		return -EIO;
	if (t == NULL)
		return -ESRCH;
	if (t->host_tgid == c->t->host_tgid || ptrace_link_of(t) != NULL ||
	    !may_attach(s, c->t, t))
		return -EPERM;
	if (req == PTRACE_SEIZE && options_check(s, data) < 0)
		return -EINVAL;
	sc_commit(c, link_commit, t, req, (long)data);
	return 0;
}

/*
 * A process just forked has no sandbox pid in the sentry until its first
 * stop has been handled (its pid is learned there): an ATTACH or SEIZE of
 * a pid the sentry does not know yet is retried every millisecond while
 * some task is that new, up to ATTACH_RETRIES times, then ESRCH.
 */
#define ATTACH_RETRIES 200

struct attach_retry {
	long req;
	pid_t pid;
	uint64_t addr, data;
	int tries;
};

static bool tasks_settling(struct sentry *s)
{
	for (size_t i = 0; i < s->ntasks; i++) {
		struct task_state *st = task_st(s->tasks[i]);

		if (!st->exited && (st->held || !st->ids_known))
			return true;
	}
	return false;
}

static int arm_1ms(int tfd)
{
	struct itimerspec it = { .it_value = { 0, 1000000 } };

	return timerfd_settime(tfd, 0, &it, NULL) < 0 ? -errno : 0;
}

static long attach_retry(struct deferred *d)
{
	struct attach_retry *a = d->ctx;
	struct task *t = task_find(the_sentry, d->host_tid);
	struct sc_call c = { .t = t, .nr = SYS_ptrace, .platform = &d->pc };
	uint64_t n;
	long ret;

	if (read(d->wait_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return -errno;
	if (t == NULL)
		return -ESRCH;
	ret = pt_attach_now(&c, a->req, a->pid, a->addr, a->data);
	if (ret == 0 && c.commit != NULL)
		c.commit(&c);	/* with the deferred reply still to come */
	if (ret != -ESRCH || ++a->tries >= ATTACH_RETRIES ||
	    !tasks_settling(t->sentry))
		return ret;
	ret = arm_1ms(d->wait_fd);
	return ret < 0 ? ret : -EAGAIN;
}

static void attach_done(struct deferred *d)
{
	free(d->ctx);
}

static long pt_attach(struct sc_call *c, long req, pid_t pid, uint64_t addr,
		      uint64_t data)
{
	long ret = pt_attach_now(c, req, pid, addr, data);
	struct attach_retry *a;
	int tfd;

	if (ret != -ESRCH || pid <= 0 || !tasks_settling(c->t->sentry) ||
	    !sentry_can_defer(c))
		return ret;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return ret;
	*a = (struct attach_retry){ req, pid, addr, data, 0 };
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd < 0 || arm_1ms(tfd) < 0) {
		if (tfd >= 0)
			close(tfd);
		free(a);
		return ret;
	}
	if (sentry_defer(c, tfd, EPOLLIN, attach_retry, attach_done, a) < 0)
		return ret;
	return 0;	/* c->outcome: SC_OUT_DEFERRED */
}

/* The link of the caller's tracee pid, or NULL. */
static struct ptrace_link *tracee_of(struct sc_call *c, pid_t pid)
{
	for (struct ptrace_link *l = ptrace_links; l; l = l->next)
		if (l->tracee != NULL && l->tracee_tid == pid &&
		    ptrace_is_tracer(l, c->t))
			return l;
	return NULL;
}

/* The resume of a request, once the tracer took its 0 (sc_commit): a
 * resume done twice would let the tracee run past the stop after. */
static void resume_commit(struct sc_call *c)
{
	struct ptrace_link *l = c->commit_obj;
	long req = c->commit_arg[0];
	int sig = (int)c->commit_arg[1];

	if (req == PTRACE_DETACH) {
		struct task *t = l->tracee;
		int real = task_own_resume_how(t);
		bool sc = l->seccomp_stop;

		ptrace_link_drop(c->t->sentry, l);
		sentry_plat_result(t->host_tid,
				   sc ? sentry_seccomp_resume(c->t->sentry, t,
							      real, sig) :
					plat_resume(t->host_tid, real, sig),
				   "detach");
		return;
	}
	if (req == PTRACE_LISTEN) {
		l->stop = PTS_RUNNING;
		l->interrupt = true;	/* the end of the group stop */
		sentry_plat_result(l->tracee->host_tid,
				   ptrace(PTRACE_LISTEN, l->tracee->host_tid,
					  0, 0) < 0 ? -errno : 0,
				   "listen");
		return;
	}
	sentry_plat_result(l->tracee->host_tid,
			   ptrace_resume(l, (int)req, sig), "resume");
	l->resumed = true;
}

static long pt_resume(struct sc_call *c, struct ptrace_link *l, long req,
		      uint64_t data)
{
	int how = req == PTRACE_SYSCALL ? PTRACE_SYSCALL :
		  req == PTRACE_SINGLESTEP ? PTRACE_SINGLESTEP :
		  req == PTRACE_CONT ? PTRACE_CONT : (int)req;

	if (data > 64)
		return -EIO;
	if (req == PTRACE_LISTEN && (!l->seized || l->stop != PTS_GROUP))
		return -EIO;
	/* The tracee is held at its stop until then: nothing else runs in
	 * the sentry between the reply and the commit. */
	sc_commit(c, resume_commit, l, how, (long)data);
	return 0;
}

/* orig_rax of a call the ptrace platform skipped, at its exit stop. */
static void fix_orig_rax(struct ptrace_link *l, struct user_regs_struct *r)
{
	if (l->stop == PTS_SYSCALL && !l->syscall_entry &&
	    (long)r->orig_rax == -1 && l->entry_nr >= 0)
		r->orig_rax = (uint64_t)l->entry_nr;
}

static long pt_peek(struct sc_call *c, struct ptrace_link *l, long req,
		    uint64_t addr, uint64_t data)
{
	pid_t tid = l->tracee->host_tid;
	long word;

	errno = 0;
	word = ptrace(req == PTRACE_PEEKUSER ? PTRACE_PEEKUSER :
					       PTRACE_PEEKTEXT,
		      tid, (void *)(uintptr_t)addr, 0);
	if (errno != 0)
		return -errno;
	if (req == PTRACE_PEEKUSER &&
	    addr == offsetof(struct user, regs.orig_rax)) {
		struct user_regs_struct r = { .orig_rax = (uint64_t)word };

		fix_orig_rax(l, &r);
		word = (long)r.orig_rax;
	}
	return task_write(c, data, &word, sizeof(word));
}

static long pt_poke(struct ptrace_link *l, long req, uint64_t addr,
		    uint64_t data)
{
	if (ptrace(req == PTRACE_POKEUSER ? PTRACE_POKEUSER : PTRACE_POKETEXT,
		   l->tracee->host_tid, (void *)(uintptr_t)addr,
		   (void *)(uintptr_t)data) < 0)
		return -errno;
	return 0;
}

static long pt_regs(struct sc_call *c, struct ptrace_link *l, long req,
		    uint64_t data)
{
	pid_t tid = l->tracee->host_tid;
	struct user_regs_struct r;
	struct user_fpregs_struct f;
	long ret;

	switch (req) {
	case PTRACE_GETREGS:
		ret = plat_getregs(tid, &r);
		if (ret < 0)
			return ret;
		fix_orig_rax(l, &r);
		return task_write(c, data, &r, sizeof(r));
	case PTRACE_SETREGS:
		ret = task_read(c, data, &r, sizeof(r));
		return ret < 0 ? ret : plat_setregs(tid, &r);
	case PTRACE_GETFPREGS:
		if (ptrace(PTRACE_GETFPREGS, tid, 0, &f) < 0)
			return -errno;
		return task_write(c, data, &f, sizeof(f));
	default:
		ret = task_read(c, data, &f, sizeof(f));
		if (ret < 0)
			return ret;
		return ptrace(PTRACE_SETFPREGS, tid, 0, &f) < 0 ? -errno : 0;
	}
}

static long pt_regset(struct sc_call *c, struct ptrace_link *l, long req,
		      uint64_t type, uint64_t data)
{
	cleanup_free char *buf = NULL;
	struct iovec wio, io;
	long ret;

	ret = task_read(c, data, &wio, sizeof(wio));
	if (ret < 0)
		return ret;
	io.iov_len = wio.iov_len < REGSET_MAX ? wio.iov_len : REGSET_MAX;
	buf = calloc(1, io.iov_len ? io.iov_len : 1);
	if (buf == NULL)
		return -ENOMEM;
	io.iov_base = buf;
	if (req == PTRACE_SETREGSET) {
		ret = task_read(c, (uint64_t)(uintptr_t)wio.iov_base, buf,
				io.iov_len);
		if (ret < 0)
			return ret;
	}
	if (ptrace(req, l->tracee->host_tid, (void *)(uintptr_t)type, &io) < 0)
		return -errno;
	if (req == PTRACE_SETREGSET)
		return 0;
	if (type == NT_PRSTATUS && io.iov_len >= sizeof(struct user_regs_struct))
		fix_orig_rax(l, (struct user_regs_struct *)(void *)buf);
	ret = task_write(c, (uint64_t)(uintptr_t)wio.iov_base, buf, io.iov_len);
	if (ret < 0)
		return ret;
	wio.iov_len = io.iov_len;
	return task_write(c, data, &wio, sizeof(wio));
}

static long pt_siginfo(struct sc_call *c, struct ptrace_link *l, long req,
		       uint64_t data)
{
	siginfo_t si;
	long ret;

	if (req == PTRACE_GETSIGINFO && l->synth_sig != 0) {
		/* Linux queues it without a siginfo: SI_USER */
		memset(&si, 0, sizeof(si));
		si.si_signo = l->synth_sig;
		si.si_code = l->synth_code;
		si.si_pid = l->synth_pid;
		si.si_uid = l->synth_pid ? l->tracee->creds.ruid : 0;
		return task_write(c, data, &si, sizeof(si));
	}
	if (req == PTRACE_GETSIGINFO) {
		if (ptrace(PTRACE_GETSIGINFO, l->tracee->host_tid, 0, &si) < 0)
			return -errno;
		/* The kernel keeps the sender as the tracee's namespaces
		 * name it: the tracer's (one sandbox). */
		return task_write(c, data, &si, sizeof(si));
	}
	ret = task_read(c, data, &si, sizeof(si));
	if (ret < 0)
		return ret;
	if (ptrace(PTRACE_SETSIGINFO, l->tracee->host_tid, 0, &si) < 0)
		return -errno;
	return 0;
}

static long pt_sigmask(struct sc_call *c, struct ptrace_link *l, long req,
		       uint64_t size, uint64_t data)
{
	uint64_t mask;
	long ret;

	/* The kernel's mask of the held tracee is the truth (the sentry
	 * changes it only while it injects calls, never at a held stop);
	 * size is the kernel's to check (sizeof(sigset_t)): EINVAL first. */
	if (size != sizeof(mask))
		return -EINVAL;
	if (req == PTRACE_GETSIGMASK) {
		if (ptrace(PTRACE_GETSIGMASK, l->tracee->host_tid,
			   (void *)sizeof(mask), &mask) < 0)
			return -errno;
		return task_write(c, data, &mask, sizeof(mask));
	}
	ret = task_read(c, data, &mask, sizeof(mask));
	if (ret < 0)
		return ret;
	if (ptrace(PTRACE_SETSIGMASK, l->tracee->host_tid,
		   (void *)sizeof(mask), &mask) < 0)
		return -errno;
	return 0;
}

/*
 * PEEKSIGINFO: the kernel reads the held tracee's queue into the
 * sentry's buffer, PEEK_CHUNK entries at a time, and the entries go to
 * the tracer's buffer one by one: as on Linux, a fault after the first
 * entry ends the copy with the count copied.
 */
#define PEEK_CHUNK 32

static long pt_peeksiginfo(struct sc_call *c, struct ptrace_link *l,
			   uint64_t addr, uint64_t data)
{
	struct ptrace_peeksiginfo_args a, k;
	siginfo_t buf[PEEK_CHUNK];
	long n, done = 0;

	if (task_read(c, addr, &a, sizeof(a)) < 0)
		return -EFAULT;
	k = a;
	do {
		k.off = a.off + (uint64_t)done;
		k.nr = a.nr - done < PEEK_CHUNK ? (int32_t)(a.nr - done) :
						  PEEK_CHUNK;
		n = ptrace(PTRACE_PEEKSIGINFO, l->tracee->host_tid, &k, buf);
		if (n < 0)
			return done > 0 ? done : -errno;
		for (long i = 0; i < n; i++, done++)
			if (task_write(c, data + done * sizeof(siginfo_t),
				       &buf[i], sizeof(buf[i])) < 0)
				return done > 0 ? done : -EFAULT;
	} while (n == k.nr && k.nr > 0 && done < a.nr);
	return done;
}

/* ARCH_PRCTL: the fs and gs bases only (Linux's ARCH_MAP_VDSO_* would
 * map into the tracer: EINVAL). GET's value goes to the tracer's addr. */
static long pt_arch_prctl(struct sc_call *c, struct ptrace_link *l,
			  uint64_t addr, uint64_t code)
{
	unsigned long base = 0;

	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (ptrace(PTRACE_ARCH_PRCTL, l->tracee->host_tid,
			   (void *)(uintptr_t)addr, (void *)(uintptr_t)code) < 0)
			return -errno;
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		if (ptrace(PTRACE_ARCH_PRCTL, l->tracee->host_tid, &base,
			   (void *)(uintptr_t)code) < 0)
			return -errno;
		return task_write(c, addr, &base, sizeof(base));
	default:
		return -EINVAL;
	}
}

static long pt_syscall_info(struct sc_call *c, struct ptrace_link *l,
			    uint64_t size, uint64_t data)
{
	struct __ptrace_syscall_info info;
	long n;

	memset(&info, 0, sizeof(info));
	n = ptrace(PTRACE_GET_SYSCALL_INFO, l->tracee->host_tid,
		   (void *)sizeof(info), &info);
	if (n < 0)
		return -errno;
	if (size > (uint64_t)n)
		size = (uint64_t)n;
	if (size > 0 && task_write(c, data, &info, size) < 0)
		return -EFAULT;
	return n;
}

/* Requests on a tracee held at a stop. */
static long pt_stopped(struct sc_call *c, struct ptrace_link *l, long req,
		       uint64_t addr, uint64_t data)
{
	switch (req) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
	case PTRACE_PEEKUSER:
		return pt_peek(c, l, req, addr, data);
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
	case PTRACE_POKEUSER:
		return pt_poke(l, req, addr, data);
	case PTRACE_GETREGS:
	case PTRACE_SETREGS:
	case PTRACE_GETFPREGS:
	case PTRACE_SETFPREGS:
		return pt_regs(c, l, req, data);
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		return pt_regset(c, l, req, addr, data);
	case PTRACE_GETSIGINFO:
	case PTRACE_SETSIGINFO:
		return pt_siginfo(c, l, req, data);
	case PTRACE_PEEKSIGINFO:
		return pt_peeksiginfo(c, l, addr, data);
	case PTRACE_GETSIGMASK:
	case PTRACE_SETSIGMASK:
		return pt_sigmask(c, l, req, addr, data);
	case PTRACE_ARCH_PRCTL:
		return pt_arch_prctl(c, l, addr, data);
	case PTRACE_GETEVENTMSG:
		return task_write(c, data, &l->msg, sizeof(l->msg));
	case PTRACE_SETOPTIONS:
		return set_options(l, data);
	case PTRACE_GET_SYSCALL_INFO:
		return pt_syscall_info(c, l, addr, data);
	case PTRACE_CONT:
	case PTRACE_SYSCALL:
	case PTRACE_SINGLESTEP:
	case PTRACE_DETACH:
		return pt_resume(c, l, req, data);
	case PTRACE_LISTEN:
		return pt_resume(c, l, req, 0);
	default:
		return -EIO;
	}
}

SENTRY_HANDLER(ptrace)
{
	long req = (long)c->args[0];
	pid_t pid = (pid_t)c->args[1];
	uint64_t addr = c->args[2], data = c->args[3];
	struct ptrace_link *l;

	if (!c->t->workload)
		return -EPERM;
	if (req == PTRACE_TRACEME)
		return pt_traceme(c);
	if (req == PTRACE_ATTACH || req == PTRACE_SEIZE)
		return pt_attach(c, req, pid, addr, data);
	l = tracee_of(c, pid);
	if (l == NULL)
		return -ESRCH;
	if (req == PTRACE_KILL) {
		task_signal(l->tracee, SIGKILL);
		return 0;
	}
	if (req == PTRACE_INTERRUPT) {
		if (!l->seized)
			return -EIO;
		if (l->stop != PTS_RUNNING)
			return 0;
		l->interrupt = true;
		if (ptrace(PTRACE_INTERRUPT, l->tracee->host_tid, 0, 0) < 0)
			return -ESRCH;
		sentry_deferred_interrupt(c->t->sentry, l->tracee);
		return 0;
	}
	if (l->stop == PTS_RUNNING && l->resumed &&
	    (req == PTRACE_CONT || req == PTRACE_SYSCALL ||
	     req == PTRACE_SINGLESTEP)) {
		/* The tracer's resume, restarted after its reply was taken
		 * away by a signal just as the kernel accepted it (loop.c,
		 * restart_note): it was done; say so once. */
		l->resumed = false;
		return 0;
	}
	if (l->stop == PTS_RUNNING)
		return -ESRCH;
	return pt_stopped(c, l, req, addr, data);
}
