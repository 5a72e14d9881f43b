// SPDX-License-Identifier: Apache-2.0
/*
 * A traced task is woken by every signal, even one it ignores (the kernel
 * queues ignored signals for a tracer to see: sig_ignored()), where an
 * untraced one never notices them. rt_sigtimedwait(2) woken that way
 * returns EINTR, not the EAGAIN of its timeout: a SIGCHLD (ignored by
 * default) from a child's exit is enough. At the signal's delivery stop
 * the sentry turns that EINTR into a restart (-ERESTARTNOHAND: the kernel
 * restarts the call when no handler runs, which is so for an ignored
 * signal). The restarted wait starts its timeout again (the kernel keeps
 * no remaining time for it): it can last longer than asked, by up to one
 * timeout per ignored signal (docs/security.md, known differences).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "platform/platform.h"
#include "sentry/internal.h"
#include "sentry/vtree.h"

/* Signals whose default action is to ignore them. */
static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT;
}

static uint64_t status_mask(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p != NULL ? strtoull(p + strlen(key), NULL, 16) : 0;
}

/* Does the task ignore sig (SIG_IGN, or SIG_DFL for a default-ignored
 * one)? Read from the sandbox's procfs: dispositions are per process. */
static bool task_ignores(const struct task *t, int sig)
{
	cleanup_close int fd = -1;
	char path[32], buf[4096];
	int pfd = vtree_host_proc_fd();
	uint64_t bit = 1ULL << (sig - 1);
	ssize_t n;

	if (pfd < 0 || sig < 1 || sig > 64)
		return false;
	snprintf(path, sizeof(path), "%d/status", (int)t->tgid);
	fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	if (status_mask(buf, "\nSigIgn:\t") & bit)
		return true;
	return default_ignored(sig) && !(status_mask(buf, "\nSigCgt:\t") & bit);
}

bool task_signal_pending(const struct task *t)
{
	cleanup_close int fd = -1;
	char path[48], buf[4096];
	int pfd = vtree_host_proc_fd();
	uint64_t blocked;
	const char *th;
	ssize_t n;

	if (pfd < 0)
		return false;
	snprintf(path, sizeof(path), "%d/task/%d/status", (int)t->tgid,
		 (int)t->tid);
	fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	blocked = status_mask(buf, "\nSigBlk:\t");
	if (status_mask(buf, "\nSigPnd:\t") & ~blocked)
		return true;
	th = strstr(buf, "\nThreads:\t");
	return (status_mask(buf, "\nShdPnd:\t") & ~blocked) && th != NULL &&
	       strtol(th + strlen("\nThreads:\t"), NULL, 10) == 1;
}

void sigwait_on_signal_stop(struct task *t, int sig)
{
	struct user_regs_struct r;

	if (plat_getregs(t->host_tid, &r) < 0 ||
	    r.orig_rax != SYS_rt_sigtimedwait || (long)r.rax != -EINTR)
		return;
	if (!task_ignores(t, sig))
		return;
	r.rax = (unsigned long long)-ERESTARTNOHAND;
	/* Failing, the wait returns EINTR, as if the signal were caught. */
	sentry_plat_result(t->host_tid, plat_setregs(t->host_tid, &r),
			   "restart wait");
}
