// SPDX-License-Identifier: Apache-2.0
/*
 * Tasks: the sentry's record of each workload thread, and the task
 * interface handlers use (sentry/task.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "sentry/internal.h"
#include "sentry/keys.h"
#include "sentry/mempolicy.h"
#include "sentry/ptrace_emu.h"
#include "sentry/vtree.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

struct task *task_find(struct sentry *s, pid_t host_tid)
{
	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i]->host_tid == host_tid)
			return s->tasks[i];
	return NULL;
}

struct task *task_by_host_tid(struct sentry *s, pid_t host_tid)
{
	return task_find(s, host_tid);
}

int task_for_each(struct sentry *s, int (*fn)(struct task *t, void *arg),
		  void *arg)
{
	for (size_t i = 0; i < s->ntasks; i++) {
		int ret = fn(s->tasks[i], arg);

		if (ret)
			return ret;
	}
	return 0;
}

static int open_pidfd(pid_t tid)
{
	int fd = syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	if (fd < 0)
		fd = syscall(SYS_pidfd_open, tid, 0);
	return fd;
}

/*
 * A new task's ids in the sandbox's pid namespace: it is at its first stop,
 * just after the clone syscall instruction, so it runs gettid() there (two
 * extra stops) and gets its registers back. No procfs needed.
 */
void task_update_ids(struct sentry *s, struct task *t, pid_t ns_tgid)
{
	struct plat_call pc = { .kind = s->platform, .at_stop = true,
				.injected = true };
	long tid;

	if (plat_getregs(t->host_tid, &pc.regs) < 0)
		return;
	tid = plat_inject(t->host_tid, &pc, SYS_gettid, 0, 0, 0, 0, 0, 0);
	if (pc.gone)
		return;	/* killed in the injected call: its exit is queued */
	/* Not resumed with the injected call's registers, nor its mask
	 * (-ESRCH: killed meanwhile, which its exit tells the loop). */
	if (task_setregs_or_kill(t, &pc.regs) < 0 ||
	    plat_inject_end(t->host_tid, &pc) < 0 || tid <= 0)
		return;
	t->tid = (pid_t)tid;
	t->tgid = ns_tgid > 0 ? ns_tgid : t->tid;
	log_debug("sentry: task %d is %d:%d in the sandbox", (int)t->host_tid,
		  (int)t->tid, (int)t->tgid);
}

/*
 * Signals one task through its pidfd, opened while it was known alive (at
 * its first stop): if it has died and been reaped since, the kernel says
 * ESRCH; the signal can never reach a process that reused its tid. A task
 * without a pidfd (pidfd_open failed) is signalled by raw tid only while
 * the sentry has not reaped its exit: a traced task's tid stays its own
 * until its tracer has waited for it (sentry_queue_wait marks it).
 */
int task_signal(struct task *t, int sig)
{
	if (task_st(t)->exited)
		return -ESRCH;
	if (t->pidfd >= 0) {
		if (syscall(SYS_pidfd_send_signal, t->pidfd, sig, NULL, 0) < 0)
			return -errno;
		return 0;
	}
	if (syscall(SYS_tgkill, t->host_tgid, t->host_tid, sig) < 0)
		return -errno;
	return 0;
}

void sentry_plat_result(pid_t tid, int ret, const char *what)
{
	if (ret < 0 && ret != -ESRCH && ret != -ENOENT)
		log_warn("sentry: tid %d: %s: %s", (int)tid, what,
			 strerror(-ret));
}

int task_setregs_or_kill(struct task *t, const struct user_regs_struct *r)
{
	int ret = plat_setregs(t->host_tid, r);

	if (ret < 0) {
		sentry_plat_result(t->host_tid, ret, "registers (killed)");
		/* -ESRCH: gone already, its exit is the loop's to reap */
		(void)task_signal(t, SIGKILL);
	}
	return ret;
}

void task_resume(struct task *t, int how, int sig)
{
	int ret = plat_resume(t->host_tid, how, sig);

	sentry_plat_result(t->host_tid, ret, "resume");
}

struct task *task_new(struct sentry *s, pid_t tid, pid_t tgid)
{
	struct task *t;

	if (sentry_waitq_reserve(s, s->ntasks + 1) < 0)
		return NULL;
	if (s->ntasks == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct task **v = realloc(s->tasks, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		s->tasks = v;
		s->cap = cap;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->platform = calloc(1, sizeof(struct task_state));
	if (t->platform == NULL) {
		free(t);
		return NULL;
	}
	t->host_tid = t->tid = tid;
	t->host_tgid = t->tgid = tgid;
	t->sentry = s;
	vtree_task_born();
	t->pidfd = open_pidfd(tid);
	s->tasks[s->ntasks++] = t;
	return t;
}

void task_free(struct sentry *s, struct task *t)
{
	struct task_state *st = task_st(t);

	ptrace_emu_task_gone(s, t);
	if (t->workload)
		vtree_task_gone(t->tgid, t->tid);
	for (size_t i = 0; i < s->ntasks; i++) {
		if (s->tasks[i] != t)
			continue;
		s->tasks[i] = s->tasks[--s->ntasks];
		break;
	}
	if (t->pidfd >= 0)
		close(t->pidfd);
	if (t->fs)
		task_fs_put(t->fs);
	keys_task_free(t);
	mempol_task_free(t);
	task_creds_clear(&t->creds);
	free(st->exec_path);
	free(st->setid.argv);
	free(st->setid.execfn);
	free(st);
	free(t->exe);
	free(t);
}

struct task_fs *task_fs_new(int cwd_fd, mode_t umask)
{
	struct task_fs *fs = calloc(1, sizeof(*fs));

	if (fs == NULL)
		return NULL;
	fs->refs = 1;
	fs->cwd_fd = cwd_fd;
	fs->root_fd = GOFER_AT_ROOT;
	fs->umask = umask;
	return fs;
}

struct task_fs *task_fs_get(struct task_fs *fs)
{
	fs->refs++;
	return fs;
}

static int dup_dirfd(int fd)
{
	if (fd < 0)
		return fd;
	return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

struct task_fs *task_fs_copy(const struct task_fs *fs)
{
	struct task_fs *n = task_fs_new(dup_dirfd(fs->cwd_fd), fs->umask);

	if (n == NULL)
		return NULL;
	n->root_fd = dup_dirfd(fs->root_fd);
	return n;
}

void task_fs_put(struct task_fs *fs)
{
	if (--fs->refs > 0)
		return;
	if (fs->cwd_fd >= 0)
		close(fs->cwd_fd);
	if (fs->root_fd >= 0)
		close(fs->root_fd);
	free(fs);
}

int task_creds_copy(struct task_creds *dst, const struct task_creds *src)
{
	*dst = *src;
	dst->groups = NULL;
	if (src->ngroups == 0)
		return 0;
	dst->groups = calloc(src->ngroups, sizeof(gid_t));
	if (dst->groups == NULL)
		return -ENOMEM;
	memcpy(dst->groups, src->groups, src->ngroups * sizeof(gid_t));
	return 0;
}

void task_creds_clear(struct task_creds *c)
{
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

void task_refresh_caps(struct task *t)
{
	struct __user_cap_header_struct h = {
		_LINUX_CAPABILITY_VERSION_3, t->host_tid
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return;
	t->creds.cap_effective = d[0].effective | (uint64_t)d[1].effective << 32;
	t->creds.cap_permitted = d[0].permitted | (uint64_t)d[1].permitted << 32;
	t->creds.cap_inheritable =
		d[0].inheritable | (uint64_t)d[1].inheritable << 32;
}

/* --- the handler interface ------------------------------------------- */

static int call_valid(struct sc_call *c)
{
	struct plat_call *pc = c->platform;

	if (pc == NULL || pc->at_stop)
		return 0;
	if (plat_notif_valid(pc->notify_fd, pc->id) == 0)
		return 0;
	c->gone = true;
	return -ESRCH;
}

int task_call_valid(struct sc_call *c)
{
	c->pure = false;
	return call_valid(c);
}

/* After a read: see struct sc_call's pure. */
static int read_valid(struct sc_call *c)
{
	return c->pure ? 0 : call_valid(c);
}

int task_read(struct sc_call *c, uint64_t addr, void *buf, size_t len)
{
	int ret = plat_mem_read(c->t->host_tid, addr, buf, len);

	if (ret < 0)
		return ret;
	return read_valid(c);
}

int task_write(struct sc_call *c, uint64_t addr, const void *buf, size_t len)
{
	int ret = call_valid(c);

	if (ret < 0)
		return ret;
	return plat_mem_write(c->t->host_tid, addr, buf, len);
}

long task_read_path(struct sc_call *c, uint64_t addr, char *buf, size_t cap)
{
	size_t done = 0;

	if (cap == 0)
		return -ENAMETOOLONG;
	while (done < cap) {
		ssize_t n = plat_mem_read_some(c->t->host_tid, addr + done,
					       buf + done, cap - done);
		char *nul;

		if (n < 0)
			return n;
		nul = memchr(buf + done, '\0', n);
		if (nul != NULL) {
			int ret = read_valid(c);

			if (ret < 0)
				return ret;
			if (nul == buf)
				return -ENOENT;
			return nul - buf;
		}
		done += n;
	}
	return -ENAMETOOLONG;
}

static int install_fd(struct sc_call *c, int fd, unsigned flags);

int task_install_fd(struct sc_call *c, int fd, unsigned flags)
{
	int ret = install_fd(c, fd, flags);

	if (ret == -ESRCH)
		c->gone = true;	/* nothing installed: as call_valid */
	return ret;
}

/*
 * Runs the PASS call nr(fd, a1, a2, a3) in the task, on the sentry's fd
 * installed there for it and closed right after: the kernel checks the
 * task's own credentials and capabilities, as for the call the task
 * makes itself (chmod of a pipe through /proc/self/fd/N is the task's
 * fchmod of it). The seccomp platform's notification becomes a ptrace
 * stop first. -SENTRY_EHANDOFF in a worker, nothing done.
 */
long task_run_on_fd(struct sc_call *c, int fd, long nr, uint64_t a1,
		    uint64_t a2, uint64_t a3)
{
	struct plat_call *pc = c->platform;
	pid_t tid = c->t->host_tid;
	long ret, tfd;

	ret = task_call_valid(c);	/* an effect follows */
	if (ret < 0)
		return ret;
	if (pc->kind != PLATFORM_PTRACE && !pc->at_stop) {
		if (sentry_in_worker())
			return -SENTRY_EHANDOFF;
		ret = plat_notif_to_stop(tid, pc);
		if (ret < 0)
			return ret;
	}
	tfd = task_install_fd(c, fd, O_CLOEXEC);
	if (tfd < 0)
		return tfd;
	ret = plat_inject(tid, pc, nr, (uint64_t)tfd, a1, a2, a3, 0, 0);
	/* fails only if the task is gone, its table with it */
	(void)plat_inject(tid, pc, SYS_close, (uint64_t)tfd, 0, 0, 0, 0, 0);
	return ret;
}

static int install_fd(struct sc_call *c, int fd, unsigned flags)
{
	struct plat_call *pc = c->platform;
	int fl, ret;

	if (pc->kind == PLATFORM_PTRACE || pc->at_stop)
		return plat_ptrace_install_fd(c->t->host_tid, c->t->pidfd, pc,
					      fd, flags);
	/* ADDFD refuses O_PATH files (the kernel's fget() skips them):
	 * those go the ptrace platform's way, from a ptrace stop. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || !(fl & O_PATH))
		return plat_notif_addfd(pc->notify_fd, pc->id, fd, flags);
	/* Only the tracer (the main thread) may drive the stop: a worker
	 * hands the call off, nothing installed yet (sentry/workers.c). */
	if (sentry_in_worker())
		return -SENTRY_EHANDOFF;
	ret = plat_notif_to_stop(c->t->host_tid, pc);
	if (ret < 0)
		return ret;
	return plat_ptrace_install_fd(c->t->host_tid, c->t->pidfd, pc, fd,
				      flags);
}

/*
 * Installs fd as the call's result. On a seccomp notification the fd and
 * the reply go in one ADDFD: a task stopped by a signal (SIGSTOP) after
 * the fd was installed, but before a separate reply, would have its call
 * restarted by the kernel and keep the first fd as a leak (the shell's
 * open("/dev/null") expecting fd 0 got another). The loop sends no reply
 * then (pc->replied). slow: fd is O_PATH (ADDFD refuses those) or its
 * flags are unknown: the install and the reply apart.
 */
static int install_result(struct sc_call *c, int fd, unsigned flags,
			  bool slow)
{
	struct plat_call *pc = c->platform;
	int ret;

	if (pc->kind == PLATFORM_PTRACE || pc->at_stop || slow)
		return task_install_fd(c, fd, flags);
	ret = plat_notif_addfd_send(pc->notify_fd, pc->id, fd, flags);
	if (ret == -EINVAL)	/* a kernel before 5.14 */
		return task_install_fd(c, fd, flags);
	if (ret >= 0)
		pc->replied = true;
	else if (ret == -ESRCH)
		c->gone = true;
	return ret;
}

int task_install_fd_result(struct sc_call *c, int fd, unsigned flags)
{
	int fl = fcntl(fd, F_GETFL);

	return install_result(c, fd, flags, fl < 0 || (fl & O_PATH));
}

int task_install_file_result(struct sc_call *c, int fd, unsigned flags)
{
	return install_result(c, fd, flags, false);
}

int task_dup_fd(struct sc_call *c, int wfd)
{
	int fd;

	if (wfd < 0)
		return -EBADF;
	fd = syscall(SYS_pidfd_getfd, c->t->pidfd, wfd, 0);
	if (fd < 0)
		return errno == ESRCH ? -ESRCH : -EBADF;
	return fd;
}

void task_gofer_creds(const struct task *t, struct gofer_creds *cr)
{
	const struct task_creds *c = &t->creds;

	memset(cr, 0, sizeof(*cr));
	/* The task's own ids: the gofer is in its user namespace. */
	cr->fsuid = c->fsuid;
	cr->fsgid = c->fsgid;
	cr->ngroups = c->ngroups < GOFER_MAX_GROUPS ? c->ngroups :
						       GOFER_MAX_GROUPS;
	for (uint32_t i = 0; i < cr->ngroups; i++)
		cr->groups[i] = c->groups[i];
	cr->cap_effective = c->cap_effective;
	cr->umask = t->fs ? t->fs->umask : 022;
}

/* A worker's own channel when it has one (sentry/workers.c). */
struct gofer_client *task_gofer(struct task *t)
{
	struct gofer_client *own = sentry_thread_gofer();

	return own != NULL ? own : &t->sentry->gofer;
}

const char *sentry_hostname(struct sentry *s)
{
	return s->hostname;
}

const char *sentry_domainname(struct sentry *s)
{
	return s->domainname;
}

int sentry_dev_check(struct sentry *s, const struct stat *st, unsigned acc)
{
	const struct sentry_config *cfg = s->cfg;

	return dev_rules_check(cfg ? cfg->dev_rules : NULL,
			       cfg ? cfg->n_dev_rules : 0, st, acc);
}
