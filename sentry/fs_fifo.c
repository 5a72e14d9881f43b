// SPDX-License-Identifier: Apache-2.0
/*
 * The blocking open of a FIFO. The gofer never blocks in open(2): a FIFO
 * comes back non-blocking, and a write-only open without a reader is
 * ENXIO (docs/gofer-protocol.md). A task that did not ask for O_NONBLOCK
 * waits here as on Linux:
 *  - O_RDWR never waits;
 *  - O_WRONLY waits for a reader: the gofer's open is retried;
 *  - O_RDONLY waits for a writer: the sentry holds the read end (so a
 *    writer opening meanwhile does not wait for it, as a blocked reader
 *    counts on Linux) and asks the pipe whether a writer is or was there:
 *    poll(2) (data, or a hang-up after a writer left), then tee(2) of one
 *    byte into a scratch pipe (0 without writers, EAGAIN with a writer
 *    and no data; it consumes nothing).
 * The wait is a deferred reply; an open of the other end answers it at
 * once (fifo_kick), and a timer (1 ms, doubling to FIFO_MAX_MS) polls for
 * what no open here shows (a peer outside the sentry's view: none today). A signal interrupts it as it interrupts Linux's wait:
 * EINTR, or the open restarted under SA_RESTART (the kernel abandons the
 * seccomp notification; at a ptrace stop the loop ends the wait when it
 * sees the signal pending). Then O_NONBLOCK is
 * cleared and the fd installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "platform/platform.h"
#include "sentry/internal.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

#define FIFO_MAX_MS 32

struct fifo_wait {
	struct sentry *s;
	struct gofer_client *g;
	struct gofer_creds cr;
	char path[PATH_MAX];
	int dirfd, rootfd;	/* owned copies, or GOFER_AT_ROOT */
	int flags;		/* the task's */
	uint64_t resolve;
	int fd;			/* the read end held while waiting, or -1 */
	int scratch[2];		/* tee's target */
	long delay_ms;
	dev_t dev;		/* the FIFO */
	ino_t ino;
	int tfd;		/* the deferral's timer (owned by it) */
	pid_t host_tid;
	struct plat_call pc;	/* the call waiting */
	bool answered;		/* installed and replied by a kick */
	long result;		/* then its result */
	struct fifo_wait *next;
};

/*
 * The waiting opens. An open of the other end answers them at once (the
 * kick), before its own reply: else the waiter's next poll could come
 * after the peer left and its call was restarted (a traced task's call is
 * interrupted by any signal, SIGCHLD of that very peer included), and the
 * restarted open would wait for a peer that came and went.
 * One loop thread uses the list (sentry/loop.c).
 */
static struct fifo_wait *waiting;

static int arm(int tfd, long ms)
{
	struct itimerspec it = {
		.it_value = { .tv_sec = ms / 1000,
			      .tv_nsec = (ms % 1000) * 1000000 },
	};

	return timerfd_settime(tfd, 0, &it, NULL) < 0 ? -errno : 0;
}

/* Whether a writer is (or was, since the open) at the read end fd: data
 * or a hang-up (a writer came and went: Linux's open wakes then too), or
 * a writer at an empty pipe (tee: EAGAIN; 0 without writers). */
static int has_writer(int fd, const int scratch[2])
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pf, 1, 0) < 0)
		return -errno;
	if (pf.revents & (POLLIN | POLLHUP))
		return 1;
	n = tee(fd, scratch[1], 1, SPLICE_F_NONBLOCK);
	if (n > 0) {		/* data came meanwhile: drain the copy */
		char c;

		if (read(scratch[0], &c, 1) < 0)
			return -errno;
		return 1;
	}
	if (n == 0)
		return 0;
	return errno == EAGAIN ? 1 : -errno;
}

static int make_blocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* Installs fd in the waiting task as the call's result; on a seccomp
 * notification that is the reply too. */
static long fifo_install(struct fifo_wait *w, struct plat_call *pc, int fd)
{
	unsigned fl = (unsigned)(w->flags & O_CLOEXEC);
	struct task *t;
	int ret;

	ret = make_blocking(fd);
	if (ret < 0)
		return ret;
	if (pc->at_stop) {
		t = task_find(w->s, w->host_tid);
		if (t == NULL)
			return -ESRCH;
		return plat_ptrace_install_fd(w->host_tid, t->pidfd, pc, fd,
					      fl);
	}
	/* fd and reply in one (the notification is answered: the loop
	 * sends no other reply); a kernel before 5.14: fd, then the reply */
	ret = plat_notif_addfd_send(pc->notify_fd, pc->id, fd, fl);
	if (ret == -EINVAL)
		ret = plat_notif_addfd(pc->notify_fd, pc->id, fd, fl);
	return ret;
}

/* The waiting open's peer is there if it ever will be: the reader's end
 * has a writer, or the writer's open finds a reader. 1 and *res the
 * call's result, 0 to wait on, or -errno. pc: the call (the deferral's,
 * whose ptrace stop the loop finishes). */
static int fifo_try(struct fifo_wait *w, struct plat_call *pc, long *res)
{
	struct gofer_at at = { w->dirfd, w->rootfd, w->path, false };
	cleanup_close int fd = -1;
	int ret;

	if (w->fd >= 0) {
		ret = has_writer(w->fd, w->scratch);
		if (ret <= 0)
			return ret;
		*res = fifo_install(w, pc, w->fd);
		return 1;
	}
	ret = gofer_openat(w->g, &w->cr, &at,
			   (w->flags & ~O_CLOEXEC) | O_NONBLOCK, 0, w->resolve,
			   &fd);
	if (ret == -ENXIO)
		return 0;
	*res = ret < 0 ? ret : fifo_install(w, pc, fd);
	return 1;
}

static long fifo_retry(struct deferred *d)
{
	struct fifo_wait *w = d->ctx;
	uint64_t n;
	long res;
	int ret;

	if (read(d->wait_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return -errno;
	if (w->answered)
		return w->result;
	ret = fifo_try(w, &d->pc, &res);
	if (ret > 0)
		return res;
	if (ret < 0)
		return ret;
	if (w->delay_ms < FIFO_MAX_MS)
		w->delay_ms *= 2;
	ret = arm(d->wait_fd, w->delay_ms);
	return ret < 0 ? ret : -EAGAIN;
}

/*
 * A FIFO (fd) was opened with mode acc: the opens waiting for that end
 * are answered now. A seccomp notification is installed and replied here
 * (its deferral's timer fires at once and finds it answered); a task at a
 * ptrace stop cannot be restarted meanwhile, its timer only fires now.
 */
static void fifo_kick(int fd, int acc)
{
	struct stat st;

	if (waiting == NULL || fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	for (struct fifo_wait *w = waiting; w != NULL; w = w->next) {
		bool reader = w->fd >= 0;

		if (w->answered || w->dev != st.st_dev || w->ino != st.st_ino)
			continue;
		if (reader ? acc == O_RDONLY : acc == O_WRONLY)
			continue;	/* not the end it waits for */
		if (!w->pc.at_stop && fifo_try(w, &w->pc, &w->result) > 0)
			w->answered = true;
		(void)arm(w->tfd, 1);	/* else its next poll answers it */
	}
}

static void fifo_done(struct deferred *d)
{
	struct fifo_wait *w = d->ctx;

	if (w == NULL)
		return;
	for (struct fifo_wait **p = &waiting; *p != NULL; p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			break;
		}
	}
	if (w->fd >= 0)
		close(w->fd);
	if (w->scratch[0] >= 0)
		close(w->scratch[0]);
	if (w->scratch[1] >= 0)
		close(w->scratch[1]);
	if (w->dirfd >= 0)
		close(w->dirfd);
	if (w->rootfd >= 0)
		close(w->rootfd);
	free(w);
}

static int dup_at(int fd)
{
	return fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : fd;
}

/* Defers the call until the FIFO (st) has its other end; takes *fd. */
static long fifo_defer(struct sc_call *c, const struct fs_path *p,
		       const struct gofer_creds *cr, int flags,
		       uint64_t resolve, const struct stat *st, int *fd)
{
	struct fifo_wait *w = calloc(1, sizeof(*w));
	struct deferred tmp = { .wait_fd = -1 };
	int tfd = -1, ret;

	if (w == NULL)
		return -ENOMEM;
	*w = (struct fifo_wait){ .s = c->t->sentry, .g = task_gofer(c->t),
				 .cr = *cr, .flags = flags,
				 .resolve = resolve, .fd = *fd,
				 .scratch = { -1, -1 }, .delay_ms = 1,
				 .dev = st->st_dev, .ino = st->st_ino,
				 .host_tid = c->t->host_tid,
				 .pc = *(struct plat_call *)c->platform };
	*fd = -1;
	snprintf(w->path, sizeof(w->path), "%s",
		 p->at.path ? p->at.path : "");
	w->dirfd = dup_at(p->at.dirfd);
	w->rootfd = dup_at(p->at.rootfd);
	if (w->fd >= 0 && pipe2(w->scratch, O_CLOEXEC | O_NONBLOCK) < 0)
		goto fail;
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (tfd < 0 || (p->at.dirfd >= 0 && w->dirfd < 0) ||
	    (p->at.rootfd >= 0 && w->rootfd < 0) || arm(tfd, 1) < 0)
		goto fail;
	w->tfd = tfd;
	ret = sentry_defer(c, tfd, EPOLLIN, fifo_retry, fifo_done, w);
	if (ret == 0) {
		w->next = waiting;
		waiting = w;
	}
	return ret;
fail:
	ret = -errno;
	if (tfd >= 0)
		close(tfd);
	tmp.ctx = w;
	fifo_done(&tmp);
	return ret;
}

/* An open at a ptrace stop waits too: the loop ends the wait when a
 * signal comes (loop.c, deferred_signals). */
static bool may_wait(struct sc_call *c)
{
	return sentry_can_defer(c);
}

/* An open the gofer answered with a non-blocking FIFO fd the task did
 * not ask to be non-blocking. */
static long fifo_opened(struct sc_call *c, const struct fs_path *p,
			const struct gofer_creds *cr, int flags,
			uint64_t resolve, int *fd)
{
	struct stat st;
	int scratch[2], ret;

	if ((flags & O_ACCMODE) == O_RDONLY && may_wait(c)) {
		if (pipe2(scratch, O_CLOEXEC | O_NONBLOCK) < 0)
			return -errno;
		ret = has_writer(*fd, scratch);
		close(scratch[0]);
		close(scratch[1]);
		if (ret < 0)
			return ret;
		if (ret == 0 && fstat(*fd, &st) == 0 && S_ISFIFO(st.st_mode))
			return fifo_defer(c, p, cr, flags, resolve, &st, fd);
	}
	ret = make_blocking(*fd);
	if (ret < 0)
		return ret;
	fifo_kick(*fd, flags & O_ACCMODE);
	return task_install_fd_result(c, *fd, (unsigned)(flags & O_CLOEXEC));
}

bool fs_fifo_open(struct sc_call *c, const struct fs_path *p,
		  const struct gofer_creds *cr, int flags, uint64_t resolve,
		  int *fd, long *ret)
{
	struct stat st;
	int fl;

	if (flags & O_PATH)
		return false;
	if (*ret == 0) {
		fl = fcntl(*fd, F_GETFL);
		if (fl < 0 || !(fl & O_NONBLOCK))
			return false;	/* not a FIFO: the gofer cleared it */
		if (flags & O_NONBLOCK) {
			fifo_kick(*fd, flags & O_ACCMODE);
			return false;
		}
		*ret = fifo_opened(c, p, cr, flags, resolve, fd);
		return true;
	}
	if (*ret != -ENXIO || (flags & (O_ACCMODE | O_NONBLOCK)) != O_WRONLY ||
	    !may_wait(c))
		return false;
	if (gofer_fstatat(task_gofer(c->t), cr, &p->at, 0, &st) < 0 ||
	    !S_ISFIFO(st.st_mode))
		return false;
	*ret = fifo_defer(c, p, cr, flags, resolve, &st, fd);
	return true;
}
