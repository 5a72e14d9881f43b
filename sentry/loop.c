// SPDX-License-Identifier: Apache-2.0
/*
 * sentry_run() and the event loop: seccomp notifications, ptrace events
 * (waitpid on SIGCHLD), the control socket and the gofer's death.
 *
 * ptrace stops (PTRACE_SEIZE): fork/vfork/clone events create tasks; new
 * tasks start with a PTRACE_EVENT_STOP and are held until the parent's
 * event has been seen; group stops get PTRACE_LISTEN; signal-delivery stops
 * re-inject the signal; RET_TRACE stops (exec, credentials, and every
 * EMULATE call on the ptrace platform) are handled synchronously.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "sentry/coredump.h"
#include "sentry/internal.h"
#include "sentry/keys.h"
#include "sentry/mempolicy.h"
#include "sentry/ptrace_emu.h"
#include "sentry/vtree.h"
#include "syscalls/table.h"

struct sentry *the_sentry;

enum ev_kind {
	EV_SIGNAL = 1,
	EV_CTL,
	EV_GOFER,
	EV_NOTIFY,
	EV_DEFERRED,
	EV_HANDOFF,	/* calls the workers handed to the main thread */
};

#define EV(kind, fd) (((uint64_t)(kind) << 32) | (uint32_t)(fd))

static int ep_add(struct sentry *s, int fd, enum ev_kind kind)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV(kind, fd) };

	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	return 0;
}

int sentry_add_notify(struct sentry *s, int fd)
{
	struct notify_src *n = calloc(1, sizeof(*n));
	int ret;

	if (n == NULL)
		return -ENOMEM;
	ret = ep_add(s, fd, EV_NOTIFY);
	if (ret < 0) {
		free(n);
		return ret;
	}
	/* Best effort: an older kernel (-EINVAL) just wakes the task on
	 * another CPU; nothing else depends on it. */
	(void)plat_notif_sync_wakeup(fd);
	n->fd = fd;
	n->next = s->notifs;
	s->notifs = n;
	return 0;
}

static void drop_notify(struct sentry *s, int fd)
{
	for (struct notify_src **p = &s->notifs; *p; p = &(*p)->next) {
		struct notify_src *n = *p;

		if (n->fd != fd)
			continue;
		/* The close takes it out of the set in any case (the
		 * sentry holds no other copy of it). */
		(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
		*p = n->next;
		free(n);
		return;
	}
}

/* Whether the exit of pid waits in the queue (reaped, not yet handled). */
static bool exit_queued(const struct sentry *s, pid_t pid)
{
	for (size_t i = 0; i < s->nwaitq; i++)
		if (s->waitq[i].pid == pid && !WIFSTOPPED(s->waitq[i].status))
			return true;
	return false;
}

/*
 * SIGKILL to every task, each through its pidfd (task_signal): a task
 * whose exit was reaped is skipped, and a reaped tid reused by a host
 * process cannot be reached. The init before it has a task record is the
 * sandbox's own child (sentry_run runs in the process that forked it), so
 * its pid is its own until this process reaps it.
 */
void sentry_kill_all(struct sentry *s)
{
	bool init_known = false;

	for (size_t i = 0; i < s->ntasks; i++) {
		if (s->tasks[i]->host_tid == s->init_pid)
			init_known = true;
		/* Fails only for a task already gone (-ESRCH). */
		(void)task_signal(s->tasks[i], SIGKILL);
	}
	if (!init_known && !s->init_exited && !exit_queued(s, s->init_pid))
		kill(s->init_pid, SIGKILL);
}

/*
 * Room for a status per task and two more (the gofer, a task not yet
 * known): a task has at most one status waiting, since a stopped task
 * makes no other until it is resumed, so sentry_queue_wait never needs
 * memory. Called as tasks are created (task_new fails without it).
 */
int sentry_waitq_reserve(struct sentry *s, size_t ntasks)
{
	size_t cap = s->capwaitq ? s->capwaitq : 16;
	struct wait_ev *q;

	while (cap < ntasks + 2)
		cap *= 2;
	if (cap == s->capwaitq)
		return 0;
	q = realloc(s->waitq, cap * sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	s->waitq = q;
	s->capwaitq = cap;
	return 0;
}

/* The platform's wait handler (plat_set_wait_handler); also the core
 * dump's, which stops a process's threads (sentry/coredump.c). */
void sentry_queue_wait(pid_t pid, int status)
{
	struct sentry *s = the_sentry;
	struct task *t;

	if (s->nwaitq == s->capwaitq &&
	    sentry_waitq_reserve(s, s->capwaitq) < 0) {
		/* Cannot happen with the reservation above. */
		log_error("sentry: wait status %#x of %d lost: %s", status,
			  (int)pid, strerror(ENOMEM));
	} else {
		s->waitq[s->nwaitq++] = (struct wait_ev){ pid, status };
	}
	t = task_find(s, pid);
	if (t != NULL && !WIFSTOPPED(status))
		task_st(t)->exited = true;	/* never signalled again */
}

/* --- deferred replies ------------------------------------------------- */

bool sentry_can_defer(struct sc_call *c)
{
	struct plat_call *pc = c->platform;

	return pc != NULL && !pc->injected;
}

static bool deferred_valid(struct sentry *s, struct deferred *d)
{
	if (d->pc.at_stop) {
		struct task *t = task_find(s, d->host_tid);

		return t != NULL && !task_st(t)->exited;
	}
	return plat_notif_valid(d->notify_fd, d->id) == 0;
}

static void deferred_reply(struct deferred *d, long ret)
{
	int err;

	if (d->pc.at_stop)
		err = plat_ptrace_finish(d->host_tid, &d->pc, ret, false);
	else
		err = plat_notif_send(d->notify_fd, d->id, ret, false);
	sentry_plat_result(d->host_tid, err, "deferred reply");
}

static void deferred_free(struct sentry *s, struct deferred *d)
{
	for (struct deferred **p = &s->deferred; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			break;
		}
	}
	/* As in drop_notify: the close below takes it out of the set. */
	(void)epoll_ctl(s->epfd, EPOLL_CTL_DEL, d->wait_fd, NULL);
	if (d->done)
		d->done(d);	/* may still use wait_fd */
	close(d->wait_fd);
	free(d);
}

int sentry_defer(struct sc_call *c, int wait_fd, uint32_t events,
		 long (*retry)(struct deferred *d),
		 void (*done)(struct deferred *d), void *ctx)
{
	struct sentry *s = c->t->sentry;
	struct plat_call *pc = c->platform;
	struct deferred *d = calloc(1, sizeof(*d));
	struct epoll_event ev = { .events = events | EPOLLONESHOT };

	if (d == NULL) {
		close(wait_fd);
		if (done) {
			struct deferred tmp = { .ctx = ctx, .wait_fd = -1 };

			done(&tmp);
		}
		return -ENOMEM;
	}
	*d = (struct deferred){ .notify_fd = pc->notify_fd, .id = pc->id,
				.wait_fd = wait_fd, .events = events,
				.retry = retry, .done = done, .ctx = ctx,
				.host_tid = c->t->host_tid, .pc = *pc,
				.nr = c->nr, .t0 = cv_now_ns(),
				.next = s->deferred };
	ev.data.u64 = EV(EV_DEFERRED, wait_fd);
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, wait_fd, &ev) < 0) {
		int err = -errno;

		d->next = NULL;
		s->deferred = d;
		deferred_free(s, d);
		s->deferred = NULL;
		return err;
	}
	s->deferred = d;
	c->outcome = SC_OUT_DEFERRED;
	return 0;
}

static void on_deferred(struct sentry *s, int fd)
{
	struct deferred *d = s->deferred;
	struct epoll_event ev;
	long ret;

	while (d != NULL && d->wait_fd != fd)
		d = d->next;
	if (d == NULL)
		return;
	ret = d->retry(d);
	if (ret == -EAGAIN && deferred_valid(s, d)) {
		ev = (struct epoll_event){ .events = d->events | EPOLLONESHOT,
					   .data.u64 = EV(EV_DEFERRED, fd) };
		if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
			return;
		/* Not re-armed, it would never be answered: fail it. */
		ret = -errno;
	}
	stats_record(s, d->nr, SC_EMULATE, cv_now_ns() - d->t0, ret);
	if (s->strace)
		strace_log(s, task_find(s, d->host_tid), d->nr, 'E',
			   "(resumed)", ret, true, cv_now_ns() - d->t0);
	if (deferred_valid(s, d))
		deferred_reply(d, ret);
	deferred_free(s, d);
}

/*
 * A deferred call's wait is not ended by a signal as Linux ends a blocking
 * call's: one at a ptrace stop (the ptrace platform's, or one the seccomp
 * platform moved to a stop) because a stopped task is not woken and its
 * tracer is not told; a notification because, with WAIT_KILLABLE_RECV
 * (struct sc_filter_opts), a call the sentry received waits for its reply
 * until a fatal signal only. So while such a call waits, the loop looks
 * every DEFERRED_SIG_MS for a signal pending for its task, and ends the
 * wait as Linux ends a blocking call's: -ERESTARTSYS, which the kernel
 * turns into a restart or EINTR when it delivers the signal on the way
 * out (plat_ptrace_interrupt; a notification is answered with it). A
 * signal the task ignores restarts it, and the sentry serves it again.
 */
#define DEFERRED_SIG_MS 5

static bool deferred_polled(const struct sentry *s, const struct deferred *d)
{
	return d->pc.at_stop || s->filter.wait_killable;
}

static bool deferred_any_polled(const struct sentry *s)
{
	for (const struct deferred *d = s->deferred; d != NULL; d = d->next)
		if (deferred_polled(s, d))
			return true;
	return false;
}

/* Only for a task that will take a signal on its way out (it has one
 * pending, task_signal_pending, or a PTRACE_INTERRUPT): the kernel acts on
 * -ERESTARTSYS only when it delivers a signal, or the task would see 512. */
static int deferred_interrupt(struct deferred *d)
{
	if (d->pc.at_stop)
		return plat_ptrace_interrupt(d->host_tid, &d->pc);
	return plat_notif_send(d->notify_fd, d->id, -ERESTARTSYS, false);
}

static void deferred_end(struct sentry *s, struct deferred *d, uint64_t now)
{
	stats_record(s, d->nr, SC_EMULATE, now - d->t0, -ERESTARTSYS);
	if (s->strace)
		strace_log(s, task_find(s, d->host_tid), d->nr, 'E',
			   "(interrupted)", -ERESTARTSYS, true, now - d->t0);
	sentry_plat_result(d->host_tid, deferred_interrupt(d),
			   "interrupted wait");
	deferred_free(s, d);
}

static void deferred_signals(struct sentry *s)
{
	uint64_t now = cv_now_ns();
	struct deferred *d, *next;

	if (now < s->deferred_sig_ns)
		return;
	s->deferred_sig_ns = now + DEFERRED_SIG_MS * 1000000ull;
	for (d = s->deferred; d != NULL; d = next) {
		struct task *t = task_find(s, d->host_tid);

		next = d->next;
		if (!deferred_polled(s, d) || t == NULL ||
		    task_st(t)->exited || !task_signal_pending(t))
			continue;
		deferred_end(s, d, now);
	}
}

/*
 * t was sent PTRACE_INTERRUPT (an emulated tracer's): a deferred call of
 * its, in a wait no signal ends (above), is ended as the interrupt ends
 * Linux's waits; the interrupt stop comes on the call's way out.
 */
void sentry_deferred_interrupt(struct sentry *s, struct task *t)
{
	struct deferred *d, *next;

	for (d = s->deferred; d != NULL; d = next) {
		next = d->next;
		if (d->host_tid == t->host_tid && !d->pc.at_stop &&
		    s->filter.wait_killable)
			deferred_end(s, d, cv_now_ns());
	}
}

/* Replies nobody waits for any more (the task died or was signalled). */
static void deferred_gc(struct sentry *s)
{
	struct deferred *d = s->deferred, *next;

	for (; d != NULL; d = next) {
		next = d->next;
		if (!deferred_valid(s, d))
			deferred_free(s, d);
	}
}

/* --- placement --------------------------------------------------------- */

/*
 * Where the sentry runs. On a VM every cross-CPU wake-up of a halted vCPU
 * costs 40-90 us, so an emulated call is cheap only when the task, the
 * sentry and the gofer (which follows the sentry, gofer/server.c) share a
 * CPU. The task blocks for the whole call, so its CPU idles anyway.
 *
 *  - The notify fds are in sync wake-up mode (plat_notif_sync_wakeup):
 *    a reply wakes the task on the sentry's CPU.
 *  - The sentry pins itself to the CPU it handles a call on. Unpinned, the
 *    scheduler wakes it on its previous CPU if that one is idle (the task's
 *    CPU is still busy with the task at the time of the wake-up), i.e. on
 *    the other vCPU: one IPI per call. Pinned, a task on its CPU wakes it
 *    locally and the task's reply keeps it there.
 *  - The pin is a lease of PLACE_LEASE_NS: then the sentry takes all its
 *    CPUs back for one wake-up, and pins itself to where the scheduler
 *    put it. Tasks are never pinned: the load balancer still spreads a
 *    multi-threaded workload, and a CPU that became busy is left within a
 *    lease. A task on another CPU costs one remote wake-up per call until
 *    its reply brings it over (if it calls often) or the balancer decides.
 *  - seccomp platform only: a tracee resumed by ptrace is woken on an idle
 *    CPU whatever the sentry does, so pinning measured no gain on ptrace.
 */
#define PLACE_LEASE_NS (200 * 1000000ull)

static void place_init(struct sentry *s)
{
	s->place.cpu = -1;
	s->place.usable = sched_getaffinity(0, sizeof(s->place.allowed),
					    &s->place.allowed) == 0 &&
			  CPU_COUNT(&s->place.allowed) > 1 &&
			  s->platform == PLATFORM_SECCOMP;
}

/* Called when a call arrives (the sentry was woken for it). */
static void place_on_call(struct sentry *s)
{
	uint64_t now;
	cpu_set_t one;
	int cpu;

	if (!s->place.usable)
		return;
	now = cv_now_ns();
	if (s->place.cpu >= 0) {
		if (now < s->place.until)
			return;
		/* Lease over: the next wake-up goes where the scheduler
		 * likes. */
		sched_setaffinity(0, sizeof(s->place.allowed),
				  &s->place.allowed);
		s->place.cpu = -1;
		s->place.until = now + PLACE_LEASE_NS / 20;
		return;
	}
	if (now < s->place.until)
		return;
	cpu = sched_getcpu();	/* rseq or vDSO: no system call */
	if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &s->place.allowed))
		return;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one) < 0) {
		s->place.usable = false;
		return;
	}
	s->place.cpu = cpu;
	s->place.until = now + PLACE_LEASE_NS;
}

/* --- seccomp notifications ------------------------------------------- */

/*
 * A signal that reaches a task after the sentry served its notified call
 * can take the result away: the task's wait for the reply is
 * interruptible, and once interrupted the kernel refuses the reply and
 * returns -ERESTARTSYS, which restarts the call with the same registers
 * or, under a handler without SA_RESTART, gives EINTR. Served again, a
 * call with an effect would see its own effect (a mkdir's EEXIST, a
 * rename's ENOENT, a getdents past the entries already written) or do it
 * twice; with EINTR, the task would take a done mkdir for not done. Every
 * workload task is ptraced, so even a signal it ignores does this.
 *
 * So a result whose reply was refused is kept (restart_note): the task
 * surely did not take it, and its next step is that call's way out:
 *  - its signal-delivery stop, where the call still shows -ERESTART*
 *    with the served call's number, arguments and place: it gets the
 *    result instead (restart_complete): no restart, no EINTR, as if the
 *    signal had come after the call;
 *  - or, when another thread took the signal, the restart itself: the
 *    next notification, if it is that same call, gets the result
 *    (restart_of_served).
 * Any other notification of the task forgets it. A refused commit
 * (sc_commit) is not kept: the restart runs the handler and its commit.
 *
 * A reply the kernel accepted just as the signal woke the task is dropped
 * all the same (the task had given up its wait before the reply came, and
 * then met it gone). The call of a commit must not be served again: a
 * tracer's PTRACE_CONT done twice ran its tracee past the stop after (a
 * seized tracee's group stop: tests/conformance/ptrace.sh), a SEIZE done
 * twice failed with EPERM. So a commit's result is kept too, marked
 * accepted, for the signal-delivery stop alone (the first one decides:
 * there the call shows -ERESTART* if the kernel dropped the reply, its
 * result if the task took it); a notification never gets it, as the task
 * may have taken the reply and made the same call again, and a call seen
 * at a ptrace stop (a tracer's wait4) ends it too. Not covered: an
 * accepted reply dropped when another thread took the signal (no stop,
 * the kernel restarts the call), and a task that took the reply, made the
 * same call again with nothing but PASS calls between, and had that one
 * interrupted before the sentry received it, with no signal-delivery stop
 * between either (it returns the first one's result, undone). Any other accepted
 * reply is served again. docs/architecture.md, "Calls interrupted after
 * they were served".
 */
static void restart_note(struct sc_call *c, long ret, bool accepted)
{
	struct task_state *st = task_st(c->t);

	st->restart.set = true;
	st->restart.accepted = accepted;
	st->restart.nr = c->nr;
	memcpy(st->restart.args, c->args, sizeof(st->restart.args));
	st->restart.ip = c->ip;
	st->restart.ret = ret;
	if (!accepted)
		log_debug("sentry: tid %d: call %ld served, its reply "
			  "refused: %ld kept for the restart", (int)c->t->tid,
			  c->nr, ret);
}

/* Whether the call nr(args) at ip is the one whose result st keeps. */
static bool restart_is(const struct task_state *st, long nr, uint64_t ip,
		       const uint64_t args[6])
{
	return st->restart.set && st->restart.nr == nr &&
	       st->restart.ip == ip &&
	       memcmp(st->restart.args, args, sizeof(st->restart.args)) == 0;
}

static bool restart_of_served(struct sc_call *c, long *ret)
{
	struct task_state *st = task_st(c->t);
	bool same = restart_is(st, c->nr, c->ip, c->args) &&
		    !st->restart.accepted;

	st->restart.set = false;
	if (!same)
		return false;
	log_debug("sentry: tid %d: restarted call %ld answered as served: %ld",
		  (int)c->t->tid, c->nr, st->restart.ret);
	*ret = st->restart.ret;
	return true;
}

/* At a signal-delivery stop of t: its served call's result, if the
 * signal took it away (see restart_note). */
static void restart_complete(struct task *t)
{
	struct task_state *st = task_st(t);
	struct user_regs_struct r;
	uint64_t args[6];
	long rax;

	if (!st->restart.set || plat_getregs(t->host_tid, &r) < 0)
		return;
	if (st->restart.accepted)
		st->restart.set = false;	/* this stop decides */
	rax = (long)r.rax;
	plat_regs_args(&r, args);
	if (!restart_is(st, (long)r.orig_rax, r.rip, args) ||
	    (rax != -ERESTARTSYS && rax != -ERESTARTNOINTR &&
	     rax != -ERESTARTNOHAND))
		return;
	st->restart.set = false;
	r.rax = (uint64_t)st->restart.ret;
	sentry_plat_result(t->host_tid, plat_setregs(t->host_tid, &r),
			   "served result");
	log_debug("sentry: tid %d: call %ld interrupted after it was served "
		  "(its reply %s): returns %ld", (int)t->tid, st->restart.nr,
		  st->restart.accepted ? "accepted, then dropped" : "refused",
		  st->restart.ret);
}

/* t made a call the sentry sees at a ptrace stop (a wait4, an exec...):
 * it took the reply of its last commit (restart_note). */
static void restart_forget_accepted(struct task *t)
{
	struct task_state *st = task_st(t);

	if (st->restart.accepted)
		st->restart.set = false;
}

/*
 * Serves the received notification n of listener nfd: in the main thread
 * (from on_notify, or handed off by a worker), or in a worker under the
 * sentry lock taken for reading (sentry/workers.c). false: a worker may
 * not serve it (the handler said -SENTRY_EHANDOFF before any effect, or
 * the task is not one it can look at): nothing was answered.
 */
bool sentry_serve_notif(struct sentry *s, int nfd, struct seccomp_notif *n)
{
	struct plat_call pc = { .kind = PLATFORM_SECCOMP, .notify_fd = nfd };
	struct sc_call c = { .platform = &pc };
	bool worker = sentry_in_worker();
	long ret;
	int err;

	if (!worker)
		place_on_call(s);
	pc.id = n->id;
	c.nr = n->data.nr;
	c.ip = n->data.instruction_pointer;
	memcpy(c.args, n->data.args, sizeof(c.args));
	c.t = task_find(s, n->pid);
	if ((sc_filter_eval(&s->ours, &n->data) & SECCOMP_RET_ACTION_FULL) !=
	    SECCOMP_RET_USER_NOTIF) {
		/* Our filter did not send this call (only a filter with this
		 * listener can): never run a handler it did not ask for. */
		log_warn("sentry: notification for nr %d our filter does not "
			 "notify", n->data.nr);
		ret = -ENOSYS;
	} else if (worker && (c.t == NULL || ptrace_link_of(c.t) != NULL)) {
		/* Unknown (the main thread says it), or traced by a task:
		 * emulated ptrace drives its stops from the main thread,
		 * and strace -f lost syscall stops when workers served its
		 * tracees (tests/integration/ptrace_tools.sh). */
		return false;
	} else if (c.t == NULL) {
		log_warn("sentry: notification from unknown tid %d", n->pid);
		ret = -ENOSYS;
	} else if (!restart_of_served(&c, &ret)) {
		ret = sentry_dispatch(s, &c);
		if (worker && ret == -SENTRY_EHANDOFF &&
		    c.outcome == SC_OUT_VALUE)
			return false;
	}
	/* pc.replied: task_install_fd_result answered it with the fd. */
	if (c.outcome == SC_OUT_DEFERRED || pc.replied)
		return true;
	if (pc.at_stop)	/* the handler moved the call to a ptrace stop
			 * (plat_notif_to_stop): the notification is gone */
		err = plat_ptrace_finish(n->pid, &pc, ret,
					 c.outcome == SC_OUT_CONTINUE);
	else if (c.outcome == SC_OUT_CONTINUE)
		err = plat_notif_send(nfd, n->id, 0, true);
	else
		err = plat_notif_send(nfd, n->id, ret, false);
	sentry_plat_result(n->pid, err, "reply");
	if (err == 0 && c.commit != NULL) {
		/* Accepted, and still maybe dropped (restart_note). */
		if (!pc.at_stop && c.outcome == SC_OUT_VALUE)
			restart_note(&c, ret, true);
		c.commit(&c);
	}
	/* Refused: kept for the restart (restart_note). A refused commit
	 * is left to the restart, and a handler that found the
	 * notification gone (c.gone) stopped there or left the task's
	 * memory unwritten: its restart must be served. */
	else if (err != 0 && c.t != NULL && !pc.at_stop &&
		 c.outcome == SC_OUT_VALUE && !c.gone && c.commit == NULL)
		restart_note(&c, ret, false);
	return true;
}

static void on_notify(struct sentry *s, int nfd)
{
	struct seccomp_notif n;
	long ret;

	ret = plat_notif_recv(nfd, &n);
	if (ret < 0) {
		if (ret != -EINTR && ret != -ENOENT)
			drop_notify(s, nfd);
		return;
	}
	(void)sentry_serve_notif(s, nfd, &n);
}

/* --- ptrace events ---------------------------------------------------- */

/*
 * Resumes a task from a stop that is not its syscall-exit stop: a task
 * whose call waits for that exit stop (st->pending) keeps being traced
 * with PTRACE_SYSCALL through fork/clone/exec events and other stops
 * met on the way, or the exit stop (the result of a --strace'd clone, the
 * restore of a failed exec) would be lost.
 */
static void resume(struct task *t, int sig)
{
	task_resume(t, task_own_resume_how(t), sig);
}

static unsigned long event_msg(pid_t tid)
{
	unsigned long msg = 0;

	/* Failing (the task was killed at its stop), msg stays 0, which
	 * the callers take as "no message". */
	(void)ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg);
	return msg;
}

/* clone3 is run as a clone (sentry/clone3.c): its event shows clone's. */
static uint64_t clone_flags(const struct user_regs_struct *r)
{
	switch (r->orig_rax) {
	case SYS_clone:
		return r->rdi;
	case SYS_vfork:
		return CLONE_VM | CLONE_VFORK;
	default:
		return 0;
	}
}

/* Lets the parent of t go on from its clone event, if it was held there
 * (on_clone): t's ids are known now, or t is gone. */
static void release_parent(struct sentry *s, struct task *t)
{
	struct task_state *st = task_st(t);
	struct task *parent;

	if (st->parent_held <= 0)
		return;
	parent = task_find(s, st->parent_held);
	st->parent_held = 0;
	if (parent != NULL && !task_st(parent)->exited)
		resume(parent, 0);
}

/* The new task t may run once its parent's clone event has been seen and
 * it is at its first stop. */
static void release(struct sentry *s, struct task *t)
{
	struct task_state *st = task_st(t);

	if (!st->known || !st->held)
		return;
	st->held = false;
	if (!st->group_stop)
		task_update_ids(s, t, t->host_tgid != t->host_tid ?
					      st->ns_tgid : 0);
	if (t->host_tgid == t->host_tid)
		coredump_forget(t->tgid);	/* a new process: its pid */
	clone3_on_child_ready(s, t);
	if (!st->exited && !ptrace_emu_on_child_ready(s, t))
		task_resume(t, PTRACE_CONT, 0);
	release_parent(s, t);
}

/* The clone event of parent: the child's task. Returns whether the parent
 * may go on now: not while it is held for its emulated tracer
 * (ptrace_emu.h), nor until the child's first stop (release then lets
 * it go on). */
static bool on_clone(struct sentry *s, struct task *parent, int event)
{
	pid_t tid = (pid_t)event_msg(parent->host_tid);
	struct user_regs_struct r;
	struct task *c;
	uint64_t flags = 0;
	bool thread, held;

	/* No message: the parent was killed at its event stop (exit_group
	 * of another thread). The child, if any, is met at its own stops,
	 * and a task of tid 0 would be no one's. */
	if (tid <= 0)
		return true;
	if (plat_getregs(parent->host_tid, &r) == 0)
		flags = clone_flags(&r);
	thread = flags & CLONE_THREAD;
	c = task_find(s, tid);
	if (c == NULL)
		c = task_new(s, tid, tid);
	if (c == NULL) {
		kill(tid, SIGKILL);
		return true;
	}
	if (thread) {
		c->host_tgid = parent->host_tgid;
		c->tgid = parent->tgid;
		c->host_ppid = parent->host_ppid;
	} else {
		c->host_ppid = parent->host_tgid;
	}
	if (c->fs)
		task_fs_put(c->fs);
	c->fs = (flags & CLONE_FS) ? task_fs_get(parent->fs) :
				     task_fs_copy(parent->fs);
	task_creds_clear(&c->creds);
	if (task_creds_copy(&c->creds, &parent->creds) < 0) {
		/* Without its groups it would not be its parent's copy. */
		log_warn("sentry: tid %d: credentials: %s: killed", (int)tid,
			 strerror(ENOMEM));
		(void)task_signal(c, SIGKILL);
	}
	keys_on_clone(c, parent, flags);
	clone3_on_clone(parent, c);
	mempol_on_clone(c, parent, flags);
	free(c->exe);
	c->exe = parent->exe ? strdup(parent->exe) : NULL;
	c->workload = parent->workload;
	task_st(c)->ns_tgid = thread ? parent->tgid : 0;
	task_st(c)->known = true;
	held = ptrace_emu_on_clone(s, parent, c, event);
	if (!task_st(c)->held) {
		/* Not yet at its first stop: the sandbox does not know its
		 * pid. The parent's clone returns only once it does (as on
		 * Linux, where the child is in /proc when fork returns):
		 * release lets the parent go on, unless its tracer holds it
		 * (the tracer's resume does). */
		if (!held)
			task_st(c)->parent_held = parent->host_tid;
		return false;
	}
	release(s, c);
	return !held;
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

static void on_event_stop(struct sentry *s, struct task *t, int sig)
{
	struct task_state *st = task_st(t);

	if (!st->ids_known) {
		/* Its first stop. */
		st->ids_known = true;
		st->held = true;
		st->group_stop = is_stop_signal(sig);
		release(s, t);
		return;
	}
	if (ptrace_emu_on_group_stop(s, t, sig))
		return;
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	    sig == SIGTTOU) {
		sentry_plat_result(t->host_tid,
				   ptrace(PTRACE_LISTEN, t->host_tid, 0, 0) < 0 ?
					   -errno : 0,
				   "listen");
		return;
	}
	resume(t, 0);
}

/* The call at a ptrace stop gets ret, or runs (cont). */
static int finish_at_stop(struct task *t, struct plat_call *pc, long ret,
			  bool cont)
{
	int err = plat_ptrace_finish(t->host_tid, pc, ret, cont);

	sentry_plat_result(t->host_tid, err, "reply");
	return err;
}

static void seccomp_emulate(struct sentry *s, struct task *t,
			    struct plat_call *pc)
{
	struct sc_call c = { .t = t, .nr = (long)pc->regs.orig_rax,
			     .ip = pc->regs.rip, .platform = pc };
	long ret;

	plat_regs_args(&pc->regs, c.args);
	ret = sentry_dispatch(s, &c);
	if (c.outcome == SC_OUT_DEFERRED)
		return;		/* stays stopped until the reply */
	if (finish_at_stop(t, pc, ret, c.outcome == SC_OUT_CONTINUE) == 0 &&
	    c.commit != NULL)
		c.commit(&c);
}

static void seccomp_strace(struct sentry *s, struct task *t,
			   struct plat_call *pc)
{
	struct task_state *st = task_st(t);

	st->pending = TP_STRACE;
	st->nr = (long)pc->regs.orig_rax;
	plat_regs_args(&pc->regs, st->args);
	st->t0 = cv_now_ns();
	task_resume(t, PTRACE_SYSCALL, 0);
	(void)s;
}

/*
 * The call's seccomp_data, as the filters saw it, and the stop's data. nr
 * is read as the int the filter and the kernel's dispatch use: orig_rax
 * is made to agree, so the handler the sentry picks is for the row our
 * filter decided on (high bits in rax would otherwise name another one).
 */
static int stop_data(struct task *t, struct plat_call *pc,
		     struct seccomp_data *sd, uint32_t *data)
{
	int ret = plat_seccomp_data(t->host_tid, sd, data);

	if (ret < 0)
		return ret;
	ret = plat_getregs(t->host_tid, &pc->regs);
	if (ret < 0)
		return ret;
	pc->regs.orig_rax = (uint64_t)(long)sd->nr;
	return 0;
}

/*
 * A call that waits for its syscall-exit stop (st->pending) cannot reach
 * a new seccomp stop first: the kernel reports the exit of a call before
 * the task enters another. If it ever did, the pending action belongs to
 * a call that is gone; it must not be applied to this one.
 */
static void drop_stale_pending(struct task *t)
{
	struct task_state *st = task_st(t);

	if (st->pending == TP_NONE)
		return;
	log_warn("sentry: tid %d: seccomp stop while waiting for an exit "
		 "stop (%d): dropped", t->host_tid, (int)st->pending);
	st->pending = TP_NONE;
}

/* The handler of one of our own stops (kind: EMULATE..OBSERVE). */
static void seccomp_ours(struct sentry *s, struct task *t,
			 struct plat_call *pc, const struct seccomp_data *sd,
			 enum sc_stop kind)
{
	switch (kind) {
	case SC_STOP_HANDLE:
		if (sd->nr == SYS_execve || sd->nr == SYS_execveat)
			exec_on_seccomp(s, t, pc);
		else if (sd->nr == SYS_wait4 || sd->nr == SYS_waitid)
			ptrace_wait_on_seccomp(s, t, pc);
		else if (sd->nr == SYS_clone3)
			clone3_on_seccomp(s, t, pc);
		else if (cred_is_traced(sd->nr))
			cred_on_seccomp(s, t, pc);
		else
			seccomp_emulate(s, t, pc);
		return;
	case SC_STOP_OBSERVE:
		if (sd->nr == SYS_rt_sigtimedwait)
			sigwait_on_observe(s, t, pc);	/* sentry/sigwait.c */
		else if (!coredump_on_filter(s, t, pc))
			cred_on_seccomp(s, t, pc);
		return;
	case SC_STOP_STRACE:
		seccomp_strace(s, t, pc);
		return;
	case SC_STOP_EMULATE:
		seccomp_emulate(s, t, pc);
		return;
	case SC_STOP_FOREIGN:
	case SC_STOP_WORKLOAD:
		break;
	}
	/* Only a workload filter asked for a tracer: as if there were none. */
	if (s->strace)
		strace_log(s, t, sd->nr, 'W', "(a workload filter's TRACE)",
			   -ENOSYS, true, 0);
	(void)finish_at_stop(t, pc, -ENOSYS, false);	/* logged */
}

/*
 * A PTRACE_EVENT_SECCOMP stop. Its SECCOMP_RET_DATA may be a workload
 * filter's (syscalls/filter_eval.h): what the stop is, and which handler
 * runs, comes from our own program run on the call's seccomp_data. A stop
 * only a workload filter asked for goes to the task's emulated tracer if
 * it set PTRACE_O_TRACESECCOMP (sentry_seccomp_resume follows it).
 */
static void on_seccomp(struct sentry *s, struct task *t)
{
	struct plat_call pc = { .kind = s->platform, .at_stop = true };
	struct seccomp_data sd;
	enum sc_stop kind;
	uint32_t data;
	int ret;

	ret = stop_data(t, &pc, &sd, &data);
	if (ret == -ESRCH)
		return;
	place_on_call(s);
	drop_stale_pending(t);
	restart_forget_accepted(t);
	if (ret < 0) {
		/* Not a stop we can account for: refuse the call. */
		log_warn("sentry: tid %d: seccomp stop: %s", t->host_tid,
			 strerror(-ret));
		(void)finish_at_stop(t, &pc, -ENOSYS, false);	/* logged */
		return;
	}
	kind = sc_stop_classify(sc_filter_eval(&s->ours, &sd), data,
				&s->filter);
	if ((kind == SC_STOP_FOREIGN || kind == SC_STOP_WORKLOAD) &&
	    ptrace_emu_on_seccomp(s, t, sd.nr, data))
		return;		/* held for its tracer */
	seccomp_ours(s, t, &pc, &sd, kind);
}

/*
 * The emulated tracer resumes t from a PTRACE_EVENT_SECCOMP stop it was
 * held at (ptrace_emu_on_seccomp), the call as the tracer left it. Linux
 * runs the filters again on it, a TRACE now meaning "allow": so would the
 * kernel here, and run natively a call our filter sends to the sentry
 * (the call the stop was for, when our filter traced it too, or the one
 * the tracer changed it into). Our program decides first: a call it
 * traces is the sentry's, as at its own stop; anything else (a call the
 * tracer skipped: nr -1) goes on with the kernel's recheck, which applies
 * our ERRNO and KILL rows. how, sig: as ptrace_resume's.
 */
int sentry_seccomp_resume(struct sentry *s, struct task *t, int how, int sig)
{
	struct plat_call pc = { .kind = s->platform, .at_stop = true };
	struct seccomp_data sd;
	uint32_t data, ours;
	int ret;

	ret = stop_data(t, &pc, &sd, &data);
	if (ret < 0 || sd.nr < 0)
		return plat_resume(t->host_tid, how, sig);
	ours = sc_filter_eval(&s->ours, &sd);
	if ((ours & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
		return plat_resume(t->host_tid, how, sig);
	seccomp_ours(s, t, &pc, &sd,
		     sc_stop_classify(ours, ours & SECCOMP_RET_DATA,
				      &s->filter));
	return 0;
}

static void on_syscall_stop(struct sentry *s, struct task *t)
{
	struct task_state *st = task_st(t);
	struct user_regs_struct r;
	enum task_pending p = st->pending;

	st->pending = TP_NONE;
	if (plat_getregs(t->host_tid, &r) < 0)
		return;	/* -ESRCH: it is gone, nothing to resume */
	switch (p) {
	case TP_EXEC:
		exec_on_exit(s, t, &r);
		break;
	case TP_CRED:
		cred_on_exit(s, t, &r);
		break;
	case TP_FAIL:
		r.rax = st->err;
		/* The call was skipped; failing, it shows ENOSYS. */
		sentry_plat_result(t->host_tid, plat_setregs(t->host_tid, &r),
				   "exec error");
		break;
	case TP_STRACE:
		coredump_fix_wait(t, st->nr, st->args, (long)r.rax);
		strace_pending(s, t, st->nr, st->args, (long)r.rax, true,
			       cv_now_ns() - st->t0);
		stats_record(s, st->nr, SC_PASS, cv_now_ns() - st->t0,
			     (long)r.rax);
		break;
	case TP_WAIT:
		if (ptrace_wait_on_exit(s, t, &r))
			return;		/* parked until a report */
		break;
	case TP_CLONE3:
		clone3_on_exit(s, t, &r);
		break;
	default:
		break;
	}
	if (!ptrace_emu_on_syscall_stop(s, t))
		task_resume(t, PTRACE_CONT, 0);
}

static void on_exit_status(struct sentry *s, pid_t pid, int status)
{
	struct task *t = task_find(s, pid);

	if (pid == s->cfg->gofer_pid) {
		log_error("sentry: the gofer exited (status %#x): stopping",
			  status);
		s->dying = true;
		sentry_kill_all(s);
		return;
	}
	if (t != NULL && task_st(t)->pending == TP_STRACE) {
		/* exit, exit_group, or killed in the call: no result. */
		struct task_state *st = task_st(t);

		strace_pending(s, t, st->nr, st->args, 0, false,
			       cv_now_ns() - st->t0);
		stats_record(s, st->nr, SC_PASS, cv_now_ns() - st->t0, 0);
	}
	if (t != NULL) {
		release_parent(s, t);	/* died before its first stop */
		ptrace_emu_on_exit(s, t, status);
		task_free(s, t);
	}
	if (s->deferred != NULL)
		deferred_gc(s);
	if (pid == s->init_pid && !s->init_exited) {
		s->init_exited = true;
		s->init_status = status;
		sentry_kill_all(s);
	}
}

static void on_stop(struct sentry *s, pid_t pid, int status)
{
	int sig = WSTOPSIG(status), ev = status >> 16;
	struct task *t = task_find(s, pid);

	if (t == NULL && ev == PTRACE_EVENT_EXIT) {
		/* A child that inherited an emulated tracee's exit option
		 * (ptrace_stop.c) and dies before the sentry met it. */
		sentry_plat_result(pid, plat_resume(pid, PTRACE_CONT, 0),
				   "resume");
		return;
	}
	if (t == NULL) {
		/* A new child whose parent's event is still to come. */
		t = task_new(s, pid, pid);
		if (t == NULL) {
			kill(pid, SIGKILL);
			return;
		}
		if (ev == PTRACE_EVENT_STOP) {
			task_st(t)->ids_known = true;
			task_st(t)->held = true;
			task_st(t)->group_stop = is_stop_signal(sig);
		}
		return;
	}
	switch (ev) {
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (on_clone(s, t, ev))
			resume(t, 0);
		return;
	case PTRACE_EVENT_EXEC:
		exec_on_event(s, t, (pid_t)event_msg(pid));
		return;
	case PTRACE_EVENT_VFORK_DONE:
		if (!ptrace_emu_on_vfork_done(s, t))
			resume(t, 0);
		return;
	case PTRACE_EVENT_SECCOMP:
		on_seccomp(s, t);
		return;
	case PTRACE_EVENT_STOP:
		on_event_stop(s, t, sig);
		return;
	case PTRACE_EVENT_EXIT:
		coredump_on_exit(s, t);
		if (!ptrace_emu_on_exit_stop(s, t))
			resume(t, 0);
		return;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			on_syscall_stop(s, t);
			return;
		}
		sentry_workers_signal_stop(s);
		restart_complete(t);
		sigwait_on_signal_stop(t, sig);
		coredump_on_sigchld(t, sig);
		if (!ptrace_emu_on_signal(s, t, sig)) {
			coredump_on_signal(s, t, sig);
			resume(t, sig);
		}
		return;
	default:
		resume(t, 0);
		return;
	}
}

static void on_wait_status(struct sentry *s, pid_t pid, int status)
{
	if (WIFSTOPPED(status))
		on_stop(s, pid, status);
	else if (WIFEXITED(status) || WIFSIGNALED(status))
		on_exit_status(s, pid, status);
}

/* Statuses a synchronous wait reaped come first, in their order: a task's
 * later statuses come only after it was resumed for them. */
static bool next_wait_status(struct sentry *s, pid_t *pid, int *status)
{
	if (s->nwaitq > 0) {
		*pid = s->waitq[0].pid;
		*status = s->waitq[0].status;
		memmove(s->waitq, s->waitq + 1,
			--s->nwaitq * sizeof(*s->waitq));
		return true;
	}
	*pid = waitpid(-1, status, WNOHANG | __WALL);
	return *pid > 0;
}

static void reap(struct sentry *s)
{
	pid_t pid;
	int status;

	while (next_wait_status(s, &pid, &status))
		on_wait_status(s, pid, status);
}

/* --- the loop --------------------------------------------------------- */

static void serve_ctl(struct sentry *s, int conn)
{
	struct timeval tv = { 2, 0 };

	/* Without its timeouts a client that stops reading or writing
	 * would hold the whole sentry: not served. */
	if (setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		log_warn("sentry: control connection: %s", strerror(errno));
		return;
	}
	/* A client may send several requests on one connection. */
	while (sentry_ctl_serve(s, conn) >= 0) {
		struct ctl_probe {
			char c;
		} probe;

		if (recv(conn, &probe, 1, MSG_PEEK | MSG_DONTWAIT) != 1)
			break;
	}
}

/* With the fd table full, the reserve fd makes room (fd_budget.c). */
static void on_ctl(struct sentry *s)
{
	int conn = fd_budget_accept(s->cfg->ctl_fd);

	if (conn < 0)
		return;
	serve_ctl(s, conn);
	close(conn);
	fd_budget_refill(s->cfg->ctl_fd);
}

static void drain_signalfd(struct sentry *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si))
		sentry_init_signal(s, &si);
}

static bool done(struct sentry *s)
{
	if (s->dying)
		return s->ntasks == 0 || s->init_exited;
	return s->init_exited && s->ntasks == 0;
}

/* Tasks still listed 2 s after the init's exit: what the sentry missed. */
static void log_tasks_left(struct sentry *s)
{
	for (size_t i = 0; i < s->ntasks; i++) {
		struct task *t = s->tasks[i];
		struct task_state *st = task_st(t);

		log_warn("sentry: task %d (group %d) still listed after the "
			 "init's exit (first stop %s, parent's event %s%s)",
			 (int)t->host_tid, (int)t->host_tgid,
			 st->ids_known ? "seen" : "not seen",
			 st->known ? "seen" : "not seen",
			 st->exited ? ", exit reaped" : "");
	}
}

int sentry_loop(struct sentry *s)
{
	uint64_t deadline = 0;

	while (!done(s)) {
		struct epoll_event evs[16];
		bool wait_events;
		int n;

		/* Workers serve calls only while the main thread sleeps. */
		pthread_rwlock_unlock(&s->lock);
		n = epoll_wait(s->epfd, evs, 16,
			       deferred_any_polled(s) ? DEFERRED_SIG_MS : 100);
		pthread_rwlock_wrlock(&s->lock);
		wait_events = n <= 0;

		for (int i = 0; i < n; i++) {
			uint32_t kind = evs[i].data.u64 >> 32;
			int fd = (int)(uint32_t)evs[i].data.u64;

			if (kind == EV_NOTIFY) {
				if (evs[i].events & EPOLLIN)
					on_notify(s, fd);
				else
					drop_notify(s, fd);
			} else if (kind == EV_DEFERRED) {
				on_deferred(s, fd);
			} else if (kind == EV_HANDOFF) {
				sentry_workers_drain(s);
			} else if (kind == EV_SIGNAL) {
				drain_signalfd(s);
				wait_events = true;
			} else if (kind == EV_CTL) {
				on_ctl(s);
			} else if (kind == EV_GOFER) {
				s->dying = true;
				sentry_kill_all(s);
				/* Out of the set (it stays readable). */
				close(s->gofer_pidfd);
				s->gofer_pidfd = -1;
			}
		}
		/* ptrace stops come with SIGCHLD; the timeout is a backstop. */
		if (wait_events || s->nwaitq > 0 || plat_sigchld_taken) {
			plat_sigchld_taken = false;
			reap(s);
		}
		if (n == 0 && s->deferred != NULL)
			deferred_gc(s);
		sentry_workers_tick(s);
		if (s->deferred != NULL)
			deferred_signals(s);
		if (s->init_exited && s->ntasks > 0) {
			/* Tasks left after the init: they were killed. */
			if (deadline == 0)
				deadline = cv_now_ns() + 2000000000ull;
			else if (cv_now_ns() > deadline) {
				log_tasks_left(s);
				break;
			}
		}
	}
	fs_dcache_log_stats();
	if (s->fatal_signal != 0)	/* a wait status: killed by it */
		return s->fatal_signal;
	if (!s->init_exited)
		return -1;
	return s->init_status;
}

/*
 * The workers (sentry/workers.c) on the init's listener, which the main
 * loop then watches only for its end (EPOLLHUP: no task left with the
 * filter); their handed-off calls wake the loop. Called by
 * sentry_confine() once the sentry's root and capabilities are final and
 * before its filter, which the workers then carry too. Without workers
 * (one CPU, CVISOR_SENTRY_WORKERS=0, a failure) the main thread serves
 * every call, as it always did.
 */
int sentry_start_workers(struct sentry *s)
{
	struct epoll_event ev = { .events = 0 };
	int nfd = s->notifs != NULL ? s->notifs->fd : -1;
	int n, evfd;

	n = sentry_workers_start(s, nfd, s->nworkers_wanted);
	if (n <= 0) {
		if (n < 0)
			log_warn("sentry: workers: %s: the main thread serves "
				 "every call", strerror(-n));
		return 0;
	}
	evfd = sentry_workers_evfd(s);
	ev.data.u64 = EV(EV_NOTIFY, nfd);
	if (ep_add(s, evfd, EV_HANDOFF) < 0 ||
	    epoll_ctl(s->epfd, EPOLL_CTL_MOD, nfd, &ev) < 0)
		return -errno;
	s->nworkers = (unsigned)n;
	log_debug("sentry: %d workers", n);
	return 0;
}

/* -ENOENT: the listener is gone (drop_notify closed it; its number may
 * be another fd's by now). */
int sentry_main_receives(struct sentry *s, int nfd, bool on)
{
	struct epoll_event ev = { .events = on ? EPOLLIN : 0,
				  .data.u64 = EV(EV_NOTIFY, nfd) };
	const struct notify_src *n = s->notifs;

	while (n != NULL && n->fd != nfd)
		n = n->next;
	if (n == NULL)
		return -ENOENT;
	return epoll_ctl(s->epfd, EPOLL_CTL_MOD, nfd, &ev) < 0 ? -errno : 0;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, 65, "%s", src ? src : "");
}

/*
 * Whether tasks install their filter with WAIT_KILLABLE_RECV: where the
 * kernel has it, unless CVISOR_WAIT_KILLABLE=0 (docs/architecture.md,
 * "Threads of the sentry").
 */
static bool notif_wait_killable(void)
{
	const char *v = getenv("CVISOR_WAIT_KILLABLE");

	if (v != NULL && strcmp(v, "0") == 0)
		return false;
	return plat_notif_wait_killable_supported();
}

/*
 * The filter every task installs at attach (sentry_do_attach sends the
 * options) and the sentry's copy of its program, built before
 * confinement.
 */
static int filter_init(struct sentry *s)
{
	s->filter = (struct sc_filter_opts){
		.mode = s->platform == PLATFORM_PTRACE ? SC_FILTER_TRACE :
							  SC_FILTER_NOTIFY,
		.strace = s->strace,
		.tag = sc_trace_tag_new(),
		.wait_killable = s->platform == PLATFORM_SECCOMP &&
				 notif_wait_killable(),
	};
	return sc_filter_prog_build(&s->filter, &s->ours);
}

/*
 * The names uname shows: the config's; without one, what the sandbox's
 * UTS namespace holds, as runc shows it: a new namespace starts with its
 * parent's names, and one joined by path (a pod's, which containerd's CRI
 * gives each container of the pod) has what its owner set there.
 */
static void init_names(struct sentry *s, const struct sentry_config *cfg)
{
	struct utsname u;
	bool have = uname(&u) == 0;

	copy_name(s->hostname, cfg->hostname);
	copy_name(s->domainname, cfg->domainname);
	if (s->hostname[0] == '\0')
		copy_name(s->hostname, have ? u.nodename : "localhost");
	if (s->domainname[0] == '\0')
		copy_name(s->domainname, have ? u.domainname : "(none)");
}

/*
 * What the loop waits on. Each is needed: without the control socket
 * "runsc start" would wait for ever; without the gofer's pidfd (besides
 * its exit status, the sentry being its parent) the sandbox would outlive
 * its gofer.
 */
static int events_init(struct sentry *s, const struct sentry_config *cfg,
		       const sigset_t *mask)
{
	int ret;

	s->sigfd = signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->sigfd < 0 || s->epfd < 0)
		return -errno;
	ret = ep_add(s, s->sigfd, EV_SIGNAL);
	if (ret == 0 && cfg->ctl_fd >= 0)
		ret = ep_add(s, cfg->ctl_fd, EV_CTL);
	if (ret < 0 || cfg->gofer_pid <= 0)
		return ret;
	s->gofer_pidfd = (int)syscall(SYS_pidfd_open, cfg->gofer_pid, 0);
	if (s->gofer_pidfd < 0)
		return -errno;
	return ep_add(s, s->gofer_pidfd, EV_GOFER);
}

static int sentry_setup(struct sentry *s, const struct sentry_config *cfg)
{
	pthread_rwlockattr_t la;
	sigset_t mask;
	int ret;

	/* Writer first: a stream of workers' calls must not keep the main
	 * thread (ptrace events, exits) waiting. */
	pthread_rwlockattr_init(&la);
	pthread_rwlockattr_setkind_np(&la,
		PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&s->lock, &la);
	pthread_rwlockattr_destroy(&la);
	pthread_rwlock_wrlock(&s->lock);	/* the main thread's */
	s->nworkers_wanted = sentry_workers_wanted();
	s->cfg = cfg;
	s->platform = cfg->platform;
	s->init_pid = cfg->init_pid;
	s->strace = cfg->strace;
	fs_dcache_configure(!cfg->file_access_shared, cfg->root_shared);
	s->log_fd = cfg->log_fd;
	s->start_ns = cv_now_ns();
	s->gofer_pidfd = -1;
	s->init_fd = cfg->init_fd;
	plat_set_wait_handler(sentry_queue_wait);
	plat_set_resume_how(sentry_resume_how);
	place_init(s);	/* after s->platform */
	ret = filter_init(s);
	if (ret < 0)
		return ret;
	gofer_client_init(&s->gofer, cfg->gofer_fd);
	init_names(s, cfg);
	/* SIG_IGN and SIG_BLOCK of valid signals cannot fail. */
	(void)signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sentry_init_signals_mask(&mask);
	(void)sigprocmask(SIG_BLOCK, &mask, NULL);
	return events_init(s, cfg, &mask);
}

/* The virtual filesystems need their host objects before confinement. */
static int sentry_vfs_init(const struct sentry_config *cfg)
{
	cleanup_free struct vtree_mount_info *mi = NULL;
	struct vtree_config vc = { .hostname = the_sentry->hostname,
				 .init_pid = cfg->init_pid,
				 .gofer_pid = cfg->gofer_pid,
				 .memory_limit = cfg->memory_limit,
				 .root_readonly = cfg->root_readonly,
				 .masked = cfg->masked,
				 .n_masked = cfg->n_masked,
				 .masked_dir_data = cfg->masked_dir_data,
				 .readonly = cfg->readonly,
				 .n_readonly = cfg->n_readonly };

	if (cfg->n_mounts > 0) {
		mi = calloc(cfg->n_mounts, sizeof(*mi));
		if (mi == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < cfg->n_mounts; i++) {
			const struct sentry_mount *m = &cfg->mounts[i];

			mi[i] = (struct vtree_mount_info){
				m->source, m->destination, m->type, m->data,
				m->flags, m->propagation };
		}
		vc.mounts = mi;
		vc.n_mounts = cfg->n_mounts;
	}
	return vtree_init(&vc);
}

int sentry_run(const struct sentry_config *cfg)
{
	static struct sentry s;
	int ret;

	the_sentry = &s;
	cv_log_set_name("sentry");
	fd_budget_init(cfg->ctl_fd);
	ret = sentry_setup(&s, cfg);
	if (ret == 0) {
		ssize_t n = readlink("/proc/self/ns/user", s.own_userns,
				     sizeof(s.own_userns) - 1);

		s.own_userns[n > 0 ? n : 0] = '\0';
	}
	if (ret == 0)
		ret = sentry_attach_init();	/* before the init attaches */
	if (ret < 0) {
		log_error("sentry: set-up: %s", strerror(-ret));
		goto fail;
	}
	ret = sentry_do_attach(&s, cfg->init_fd, cfg->init_pid);
	if (ret < 0) {
		log_error("sentry: attach of the init: %s", strerror(-ret));
		goto fail;
	}
	ret = sentry_vfs_init(cfg);
	if (ret < 0)
		log_warn("sentry: virtual filesystems: %s", strerror(-ret));
	/* Failing, it logs and keeps Linux's default (1024). */
	(void)sock_creds_init(cfg->init_pid);
	ret = sentry_confine(&s);
	if (ret < 0) {
		log_error("sentry: confinement: %s", strerror(-ret));
		goto fail;
	}
	return sentry_loop(&s);
fail:
	kill(cfg->init_pid, SIGKILL);
	waitpid(cfg->init_pid, NULL, __WALL);
	return -1;
}
