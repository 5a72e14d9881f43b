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
 *    virtual trees. A handler of that set that meets what it may not do
 *    in a worker (a path into /proc, /sys, /dev/fd, a gofer redirect, the
 *    directory path cache) returns -SENTRY_EHANDOFF before any effect the
 *    workload can see;
 *  - anything else (and everything under --strace) is handed to the main
 *    thread: queued, and an eventfd wakes its loop, which serves the
 *    notification as if it had received it (loop.c sentry_serve_notif).
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
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/log.h"
#include "sentry/internal.h"

static __thread bool in_worker;
/* The worker's own channel to the gofer, NULL: the shared one. */
static __thread struct gofer_client *own_gofer;

bool sentry_in_worker(void)
{
	return in_worker;
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
	struct gofer_client gofer[SENTRY_MAX_WORKERS];
	pthread_cond_t ready_cv;
	pthread_t th[SENTRY_MAX_WORKERS];
};

/* How many workers: the CPUs the sentry may run on (its affinity, which
 * is the container's cpuset), at most SENTRY_MAX_WORKERS; none with one
 * CPU. CVISOR_SENTRY_WORKERS=N overrides (0: none). */
unsigned sentry_workers_wanted(void)
{
	const char *env = getenv("CVISOR_SENTRY_WORKERS");
	cpu_set_t set;
	long n;

	if (env != NULL && *env != '\0') {
		char *end;

		n = strtol(env, &end, 10);
		if (*end != '\0' || n < 0)
			n = 0;
	} else if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		n = CPU_COUNT(&set);
		if (n < 2)
			n = 0;
	} else {
		n = 0;
	}
	return n > SENTRY_MAX_WORKERS ? SENTRY_MAX_WORKERS : (unsigned)n;
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

void sentry_workers_drain(struct sentry *s)
{
	struct sentry_workers *w = s->workers;
	struct handoff *h;
	uint64_t cnt;

	if (w == NULL)
		return;
	(void)!read(w->evfd, &cnt, sizeof(cnt));
	pthread_mutex_lock(&w->qlock);
	h = w->head;
	w->head = w->tail = NULL;
	pthread_mutex_unlock(&w->qlock);
	while (h != NULL) {
		struct handoff *next = h->next;

		sentry_serve_notif(s, h->nfd, &h->n);
		free(h);
		h = next;
	}
}

/* Serves n in the worker; false if it must go to the main thread. */
static bool serve_here(struct sentry_workers *w, struct seccomp_notif *n)
{
	struct sentry *s = w->s;
	bool done;

	if (s->strace || !parallel_nr(n->data.nr))
		return false;
	pthread_rwlock_rdlock(&s->lock);
	done = sentry_serve_notif(s, w->nfd, n);
	pthread_rwlock_unlock(&s->lock);
	return done;
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

static void *worker_main(void *arg)
{
	struct sentry_workers *w = arg;
	struct seccomp_notif n;
	pthread_mutex_t park = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t never = PTHREAD_COND_INITIALIZER;
	int ret;

	in_worker = true;
	gofer_channel(w);
	/* Started: the C library's set-up of the thread (rseq, robust
	 * list: calls the filter does not allow) is done. */
	pthread_mutex_lock(&w->qlock);
	w->ready++;
	pthread_cond_signal(&w->ready_cv);
	pthread_mutex_unlock(&w->qlock);
	for (;;) {
		ret = plat_notif_recv(w->nfd, &n);
		if (ret == -EINTR || ret == -ENOENT)
			continue;	/* the task is gone, or a signal */
		if (ret < 0)
			break;
		if (!serve_here(w, &n))
			handoff(w, &n);
	}
	log_warn("sentry: worker: receive: %s: parked", strerror(-ret));
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
	w->nfd = w->evfd = -1;
	pthread_mutex_init(&w->qlock, NULL);
	pthread_cond_init(&w->ready_cv, NULL);
	w->nfd = fcntl(nfd, F_DUPFD_CLOEXEC, 0);
	w->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->nfd < 0 || w->evfd < 0) {
		ret = -errno;
		goto fail;
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
	free(w);
	return ret;
}

int sentry_workers_evfd(const struct sentry *s)
{
	return s->workers != NULL ? s->workers->evfd : -1;
}
