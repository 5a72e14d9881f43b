// SPDX-License-Identifier: Apache-2.0
/*
 * Worker threads that serve seccomp notifications in parallel
 * (docs/architecture.md, "Threads of the sentry").
 *
 * The main thread is the ptrace tracer of every task and owns the event
 * loop; it holds the sentry lock (struct sentry.lock) for writing all the
 * time except while it sleeps in epoll_wait. Each worker blocks in
 * SECCOMP_IOCTL_NOTIF_RECV on its own copy of the init's listener (the
 * kernel gives each notification to one receiver), and:
 *
 *  - a call of the parallel set (parallel_nr()) is served in the worker,
 *    under the sentry lock taken for reading: workers run side by side,
 *    never while the main thread changes tasks, credentials, cwds or the
 *    virtual trees. A handler of that set that meets what the read side
 *    may not do (a path into /proc, /sys, /dev/fd, a gofer redirect, the
 *    directory path cache) returns -SENTRY_EHANDOFF before any effect the
 *    workload can see, and the worker serves the call again under the
 *    write side;
 *  - a call of the exclusive set (exclusive_call(): opens, the mutating
 *    path calls, the cwd calls) is served in the worker under the write
 *    side, virtual trees included: nothing else of the sentry runs
 *    meanwhile;
 *  - anything else (and everything under --strace) is handed to the main
 *    thread: queued, and an eventfd wakes its loop, which serves the
 *    notification as if it had received it (loop.c sentry_serve_notif).
 *
 * Under a storm of signals the workers step aside and the main thread
 * receives every call itself ("Signal storms" below).
 *
 * Workers are made before the sentry's seccomp filter is installed (with
 * TSYNC, so they carry it too), after its root, mount namespace and
 * capabilities are final: they share them. They never exit; the process's
 * exit ends them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/util.h"
#include "sentry/internal.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static __thread bool in_worker;
/* Serving a call under the sentry lock taken for reading. */
static __thread bool shared;
/* Serving a call of the parallel set under the write side: it may use
 * the virtual trees. */
static __thread bool vtree_ok;
/* The worker's own channel to the gofer, NULL: the shared one. */
static __thread struct gofer_client *own_gofer;

bool sentry_in_worker(void)
{
	return in_worker;
}

bool sentry_worker_shared(void)
{
	return shared;
}

bool sentry_worker_no_vtree(void)
{
	return in_worker && !vtree_ok;
}

struct gofer_client *sentry_thread_gofer(void)
{
	return own_gofer;
}

/* The calls a worker serves: path lookups that change nothing (their
 * handlers are read-only but for the directory cache, which has its own
 * lock) and uname. */
static bool parallel_nr(long nr)
{
	switch (nr) {
	case SYS_stat:
	case SYS_lstat:
	case SYS_newfstatat:
	case SYS_statx:
	case SYS_access:
	case SYS_faccessat:
	case SYS_faccessat2:
	case SYS_readlink:
	case SYS_readlinkat:
	case SYS_uname:
		return true;
	default:
		return false;
	}
}

/*
 * The calls a worker serves alone, under the sentry lock taken for
 * writing: as the main thread would (nothing else of the sentry runs),
 * without waking it. Their handlers (sentry/fs_*.c) never need the ptrace
 * tracer on the seccomp platform: an open installs its fd with ADDFD, a
 * FIFO open defers its reply to the loop. Not here: an O_PATH open (the fd
 * goes in from a ptrace stop), openat2 (its flags are in the task's
 * memory), exec, credentials, signals, ptrace, sockets, keys. Paths into
 * the virtual trees (/dev, /proc, /sys) and gofer redirects into them are
 * served here too; an open whose fd turns out to be O_PATH (ADDFD refuses
 * those) is handed off before it is installed (sentry/task.c install_fd).
 */
static bool exclusive_call(const struct seccomp_notif *n)
{
	switch (n->data.nr) {
	case SYS_open:
		return !(n->data.args[1] & O_PATH);
	case SYS_openat:
		return !(n->data.args[2] & O_PATH);
	case SYS_creat:
	case SYS_mkdir:
	case SYS_mkdirat:
	case SYS_mknod:
	case SYS_mknodat:
	case SYS_rmdir:
	case SYS_unlink:
	case SYS_unlinkat:
	case SYS_rename:
	case SYS_renameat:
	case SYS_renameat2:
	case SYS_link:
	case SYS_linkat:
	case SYS_symlink:
	case SYS_symlinkat:
	case SYS_chmod:
	case SYS_fchmodat:
	case SYS_fchmodat2:
	case SYS_chown:
	case SYS_lchown:
	case SYS_fchownat:
	case SYS_truncate:
	case SYS_utime:
	case SYS_utimes:
	case SYS_futimesat:
	case SYS_utimensat:
	case SYS_chdir:
	case SYS_fchdir:
	case SYS_getcwd:
	case SYS_statfs:
		return true;
	default:
		return false;
	}
}

struct handoff {
	struct seccomp_notif n;
	int nfd;
	struct handoff *next;
};

struct sentry_workers {
	struct sentry *s;
	int nfd;		/* the workers' own copy of the listener */
	int evfd;		/* wakes the main loop for handed-off calls */
	pthread_mutex_t qlock;	/* guards head and tail */
	struct handoff *head, *tail;
	unsigned n;
	unsigned ready;		/* workers past their start (under qlock) */
	unsigned next_gofer;	/* the next of gofer[] to take (qlock) */
	unsigned next_cpu;	/* the next worker's CPU, by rank (qlock) */
	bool leader;		/* a worker waits in NOTIF_RECV (qlock) */
	bool yielded;		/* the lead was given away (qlock) */
	pthread_t yielder;	/* by this worker, which waits (qlock) */
	bool paused;		/* the main thread receives (qlock) */
	bool main_recv;		/* its epoll set has the listener (main) */
	uint64_t storm_t0;	/* the window of signal stops (main) */
	unsigned storm_n;	/* counted in it (main) */
	uint64_t storm_until;	/* paused until then at least (main) */
	int main_nfd;		/* the main thread's copy of the listener */
	unsigned idle;		/* workers waiting for the lead (qlock) */
	pid_t last_pid;		/* the task of the last call received */
	uint64_t last_ns;	/* and when (qlock) */
	pthread_cond_t lead_cv;
	int pollfd;		/* epoll set of the listener alone */
	struct gofer_client gofer[SENTRY_MAX_WORKERS];
	pthread_cond_t ready_cv;
	pthread_t th[SENTRY_MAX_WORKERS];
};

/* How many workers: CVISOR_SENTRY_WORKERS (lib/util.h cv_workers_wanted),
 * one per CPU by default (docs/architecture.md, "Threads of the sentry"). */
unsigned sentry_workers_wanted(void)
{
	return cv_workers_wanted(SENTRY_MAX_WORKERS);
}

static void handoff(struct sentry_workers *w, const struct seccomp_notif *n)
{
	struct handoff *h = malloc(sizeof(*h));
	uint64_t one = 1;

	if (h == NULL) {
		/* The task would wait for ever: refuse its call. */
		sentry_plat_result(n->pid, plat_notif_send(w->nfd, n->id,
							   -ENOMEM, false),
				   "handoff");
		return;
	}
	h->n = *n;
	h->nfd = w->nfd;
	h->next = NULL;
	pthread_mutex_lock(&w->qlock);
	if (w->tail != NULL)
		w->tail->next = h;
	else
		w->head = h;
	w->tail = h;
	pthread_mutex_unlock(&w->qlock);
	/* Fails only if the counter is full (2^64 - 2 wake-ups unread). */
	(void)!write(w->evfd, &one, sizeof(one));
}

/*
 * Signal storms. Every signal a task takes is a ptrace stop the main
 * thread must resume, and a task's call is received only if no signal
 * comes first (lead()). Under a storm (tests/progs/sig_open: a child
 * kill()s its parent in a loop) the task makes progress only while the
 * signalling thread does not run, which the scheduler decides; it decided
 * against the task far more often with workers (pinned, one per CPU)
 * than with the main thread receiving the calls itself, as it does
 * without workers: docs/architecture.md, "What kept them off". So after
 * STORM_STOPS signal-delivery stops within STORM_WINDOW_NS the workers
 * step aside (they finish the call in hand and wait), the main thread
 * receives and serves every call as it does without workers, and
 * STORM_HOLD_NS after the last such window the workers take over again.
 */
#define STORM_WINDOW_NS 10000000ull	/* 10 ms */
#define STORM_STOPS 20			/* 2,000 a second */
#define STORM_HOLD_NS 200000000ull	/* 200 ms */

static void main_receive(struct sentry_workers *w, bool on)
{
	int ret = sentry_main_receives(w->s, w->main_nfd, on);

	if (ret == 0 || ret == -ENOENT)	/* gone: nobody receives */
		w->main_recv = on && ret == 0;
}

void sentry_workers_signal_stop(struct sentry *s)
{
	struct sentry_workers *w = s->workers;
	uint64_t now;
	bool take_over;

	if (w == NULL)
		return;
	now = cv_now_ns();
	if (now - w->storm_t0 > STORM_WINDOW_NS) {
		w->storm_t0 = now;
		w->storm_n = 0;
	}
	if (++w->storm_n < STORM_STOPS)
		return;
	w->storm_until = now + STORM_HOLD_NS;
	if (w->main_recv)
		return;
	pthread_mutex_lock(&w->qlock);
	w->paused = true;
	/* A leader in its receive takes one more call, then wakes the
	 * loop (unlead), which takes over in sentry_workers_drain. */
	take_over = !w->leader;
	pthread_mutex_unlock(&w->qlock);
	if (take_over)
		main_receive(w, true);
}

void sentry_workers_tick(struct sentry *s)
{
	struct sentry_workers *w = s->workers;

	if (w == NULL || !w->paused || cv_now_ns() < w->storm_until)
		return;
	if (w->main_recv)
		main_receive(w, false);
	if (w->main_recv)
		return;		/* not out of the set: try again */
	pthread_mutex_lock(&w->qlock);
	w->paused = false;
	pthread_cond_broadcast(&w->lead_cv);
	pthread_mutex_unlock(&w->qlock);
}

void sentry_workers_drain(struct sentry *s)
{
	struct sentry_workers *w = s->workers;
	struct handoff *h;
	uint64_t cnt;
	bool take_over;

	if (w == NULL)
		return;
	(void)!read(w->evfd, &cnt, sizeof(cnt));
	pthread_mutex_lock(&w->qlock);
	take_over = w->paused && !w->leader && !w->main_recv;
	h = w->head;
	w->head = w->tail = NULL;
	pthread_mutex_unlock(&w->qlock);
	while (h != NULL) {
		struct handoff *next = h->next;

		/* A call a signal interrupted while it waited here is gone:
		 * the kernel restarts it as a new one. Served anyway, a call
		 * with effects would take them twice (a tracer's
		 * PTRACE_SYSCALL, restarted after a SIGCHLD, resumed its
		 * tracee past the next stop). */
		if (plat_notif_valid(h->nfd, h->n.id) == 0)
			sentry_serve_notif(s, h->nfd, &h->n);
		free(h);
		h = next;
	}
	if (take_over)
		main_receive(w, true);
}

/* Serves n in the worker; false if it must go to the main thread. */
static bool serve_here(struct sentry_workers *w, struct seccomp_notif *n)
{
	struct sentry *s = w->s;
	bool done;

	if (s->strace)
		return false;
	if (parallel_nr(n->data.nr))
		shared = true;
	else if (!exclusive_call(n))
		return false;
	if (shared) {
		pthread_rwlock_rdlock(&s->lock);
	} else {
		/* The write side may use the virtual trees: an open of
		 * /dev/null or /proc/... is served here, not handed off. */
		vtree_ok = true;
		pthread_rwlock_wrlock(&s->lock);
	}
	done = sentry_serve_notif(s, w->nfd, n);
	pthread_rwlock_unlock(&s->lock);
	if (!done && shared) {
		/* A path into a virtual tree (a static program's
		 * readlink("/proc/self/exe") at its start), or the
		 * directory-path cache: the write side may, without a
		 * wake-up of the main thread. */
		shared = false;
		vtree_ok = true;
		pthread_rwlock_wrlock(&s->lock);
		done = sentry_serve_notif(s, w->nfd, n);
		pthread_rwlock_unlock(&s->lock);
		vtree_ok = false;
	}
	shared = false;
	vtree_ok = false;
	return done;
}

/*
 * Worker k stays on the k-th CPU of the sentry's set. In sync wake-up mode
 * a notification moves its receiver to the task's CPU and a reply moves
 * the task to the worker's: unpinned, every worker and every task ends up
 * on the CPU of the last call, and nothing runs in parallel. Pinned,
 * each task settles with the worker that answers it, one pair per CPU.
 */
static void pin(struct sentry_workers *w)
{
	unsigned k, seen = 0;
	cpu_set_t all, one;

	pthread_mutex_lock(&w->qlock);
	k = w->next_cpu++;
	pthread_mutex_unlock(&w->qlock);
	if (sched_getaffinity(0, sizeof(all), &all) < 0)
		return;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &all) || seen++ != k)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		/* Failing, the worker runs anywhere: slower, still right. */
		(void)sched_setaffinity(0, sizeof(one), &one);
		return;
	}
}

/* A channel of the worker's own, so its gofer trips run beside the
 * others' (gofer/server.c): without one (the gofer has none left) the
 * worker takes turns on the shared one. */
static void gofer_channel(struct sentry_workers *w)
{
	struct gofer_client *c;
	int sock, ret;

	ret = gofer_channel_open(&w->s->gofer, &sock);
	if (ret < 0) {
		if (ret != -EAGAIN)
			log_warn("sentry: worker: gofer channel: %s",
				 strerror(-ret));
		return;
	}
	pthread_mutex_lock(&w->qlock);
	c = &w->gofer[w->next_gofer++];
	pthread_mutex_unlock(&w->qlock);
	gofer_client_init(c, sock);
	own_gofer = c;
}

/*
 * One worker at a time waits in NOTIF_RECV (the leader): the kernel wakes
 * every thread waiting there for each notification (and, in sync wake-up
 * mode, moves each to the notifying task's CPU), so a pool that all
 * waited would be woken, and moved, whole for every call. The lead is
 * handed on lazily: the leader wakes an idle worker to lead after it only
 * when its call comes from another task than the call before it, and
 * that one was recent (RECV_SPREAD_NS): two tasks or more are calling at
 * once. A single busy task pays no wake-up: it makes a call only after the
 * reply to the one before, so whichever worker is done takes the lead
 * itself. (Whether another call waits says nothing: the reply wakes the
 * task on the worker's CPU, and it often makes its next call before the
 * worker is back in its receive. A poll of the listener for it also cost
 * a system call per call.)
 *
 * A leader whose receive found the call withdrawn (yield) gives the lead
 * to an idle worker, pinned to another CPU, and waits. A task's wait is
 * interruptible until the sentry receives its call, and a signal that
 * comes first withdraws it: under a storm of signals (tests/progs/sig_open:
 * a child kill()s its parent in a loop) the call is received only if the
 * receiver runs at once. A leader pinned to a CPU another thread holds
 * (the signalling child) was woken too late for every call of a task on
 * the other CPU, which then made no progress for up to 90 s; the sentry
 * without workers, whose main thread moves to the calls it serves (its
 * placement lease, loop.c), took at most 6 s (docs/architecture.md,
 * "What kept them off"). The storms themselves: "Signal storms" above.
 */
#define RECV_SPREAD_NS 1000000ull

static void lead(struct sentry_workers *w, bool yield)
{
	pthread_t self = pthread_self();

	pthread_mutex_lock(&w->qlock);
	if (yield && w->idle > 0) {
		w->yielded = true;
		w->yielder = self;
		pthread_cond_signal(&w->lead_cv);
	}
	while (w->leader || w->paused ||
	       (w->yielded && pthread_equal(w->yielder, self))) {
		w->idle++;
		pthread_cond_wait(&w->lead_cv, &w->qlock);
		w->idle--;
	}
	w->leader = true;
	w->yielded = false;
	pthread_mutex_unlock(&w->qlock);
}

static void unlead(struct sentry_workers *w, pid_t pid)
{
	uint64_t now = pid > 0 ? cv_now_ns() : 0;

	pthread_mutex_lock(&w->qlock);
	w->leader = false;
	if (w->paused) {
		/* Out of the receive: the main thread may take over. */
		uint64_t one = 1;

		(void)!write(w->evfd, &one, sizeof(one));
	}
	if (pid > 0) {
		if (pid != w->last_pid && now - w->last_ns < RECV_SPREAD_NS &&
		    w->idle > 0)
			pthread_cond_signal(&w->lead_cv);
		w->last_pid = pid;
		w->last_ns = now;
	}
	pthread_mutex_unlock(&w->qlock);
}

/* The listener's state without a wait: EPOLLHUP, no task has the filter
 * any more. */
static uint32_t listener_events(struct sentry_workers *w)
{
	struct epoll_event ev;

	return epoll_wait(w->pollfd, &ev, 1, 0) > 0 ? ev.events : 0;
}

static void *worker_main(void *arg)
{
	struct sentry_workers *w = arg;
	struct seccomp_notif n;
	pthread_mutex_t park = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t never = PTHREAD_COND_INITIALIZER;
	int ret;

	in_worker = true;
	pin(w);
	gofer_channel(w);
	/* Started: the C library's set-up of the thread (rseq, robust
	 * list: calls the filter does not allow) is done. */
	pthread_mutex_lock(&w->qlock);
	w->ready++;
	pthread_cond_signal(&w->ready_cv);
	pthread_mutex_unlock(&w->qlock);
	for (ret = 0;;) {
		/* -ENOENT: the last receive was too late (lead()). */
		lead(w, ret == -ENOENT);
		ret = plat_notif_recv(w->nfd, &n);
		unlead(w, ret == 0 ? (pid_t)n.pid : 0);
		/* -ENOENT: a call withdrawn (its task was signalled), or,
		 * once no task has the filter, every receive. */
		if (ret == -ENOENT && (listener_events(w) & EPOLLHUP))
			break;
		if (ret == -EINTR || ret == -ENOENT)
			continue;	/* the task is gone, or a signal */
		if (ret < 0)
			break;
		if (!serve_here(w, &n))
			handoff(w, &n);
	}
	if (ret != -ENOENT)
		log_warn("sentry: worker: receive: %s: parked",
			 strerror(-ret));
	/* Exiting would take calls the filter does not allow: park. */
	pthread_mutex_lock(&park);
	for (;;)
		pthread_cond_wait(&never, &park);
	return NULL;
}

int sentry_workers_start(struct sentry *s, int nfd, unsigned count)
{
	struct sentry_workers *w;
	sigset_t all, old;
	int ret = 0;

	if (count == 0 || s->platform != PLATFORM_SECCOMP || nfd < 0)
		return 0;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->s = s;
	w->main_nfd = nfd;
	w->nfd = w->evfd = w->pollfd = -1;
	pthread_mutex_init(&w->qlock, NULL);
	pthread_cond_init(&w->ready_cv, NULL);
	pthread_cond_init(&w->lead_cv, NULL);
	w->nfd = fcntl(nfd, F_DUPFD_CLOEXEC, 0);
	w->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	w->pollfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->nfd < 0 || w->evfd < 0 || w->pollfd < 0) {
		ret = -errno;
		goto fail;
	}
	{
		struct epoll_event ev = { .events = EPOLLIN };

		if (epoll_ctl(w->pollfd, EPOLL_CTL_ADD, w->nfd, &ev) < 0) {
			ret = -errno;
			goto fail;
		}
	}
	/* Workers take no signal: SIGCHLD and the rest go to the loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (; w->n < count; w->n++) {
		ret = -pthread_create(&w->th[w->n], NULL, worker_main, w);
		if (ret < 0)
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (w->n == 0)
		goto fail;
	pthread_mutex_lock(&w->qlock);
	while (w->ready < w->n)
		pthread_cond_wait(&w->ready_cv, &w->qlock);
	pthread_mutex_unlock(&w->qlock);
	s->workers = w;
	return (int)w->n;
fail:
	if (w->nfd >= 0)
		close(w->nfd);
	if (w->evfd >= 0)
		close(w->evfd);
	if (w->pollfd >= 0)
		close(w->pollfd);
	free(w);
	return ret;
}

int sentry_workers_evfd(const struct sentry *s)
{
	return s->workers != NULL ? s->workers->evfd : -1;
}
