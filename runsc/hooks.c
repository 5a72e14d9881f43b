/* SPDX-License-Identifier: Apache-2.0 */
#include "runsc/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/util.h"

static char *const empty_env[] = { NULL };

/* In the child: stdin from the pipe, then exec. Never returns. */
static void hook_child(const struct oci_hook *h, int in_fd)
{
	char *const def_args[] = { h->path, NULL };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, STDIN_FILENO) < 0)
		_exit(127);
	if (in_fd != STDIN_FILENO)
		close(in_fd);
	execve(h->path, h->args != NULL ? h->args : def_args,
	       h->env != NULL ? h->env : empty_env);
	_exit(127);
}

/* Waits for pid for at most timeout seconds (0: forever). */
static int wait_timeout(pid_t pid, int timeout, int *status, bool *timed_out)
{
	uint64_t deadline = cv_now_ns() + (uint64_t)timeout * 1000000000ull;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	*timed_out = false;
	for (;;) {
		pid_t r = waitpid(pid, status, timeout > 0 ? WNOHANG : 0);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (timeout > 0 && r == 0) {
			if (cv_now_ns() >= deadline) {
				kill(pid, SIGKILL);
				*timed_out = true;
				while (waitpid(pid, status, 0) < 0 &&
				       errno == EINTR)
					;
				return 0;
			}
			nanosleep(&ts, NULL);
		}
	}
}

static int run_one(const char *kind, size_t i, const struct oci_hook *h,
		   const char *state_json, struct cv_error **err)
{
	const char *k = kind != NULL ? kind : "hooks";
	const char *pfx = kind != NULL ? "hooks." : "";
	int p[2], status = 0, r;
	bool timed_out;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return cv_error_set(err, errno, "%s%s[%zu] (%s): pipe", pfx, k,
				    i, h->path);
	pid = fork();
	if (pid < 0) {
		r = errno;
		close(p[0]);
		close(p[1]);
		return cv_error_set(err, r, "%s%s[%zu] (%s): fork", pfx, k, i,
				    h->path);
	}
	if (pid == 0) {
		close(p[1]);
		hook_child(h, p[0]);
	}
	close(p[0]);
	/* The hook may not read stdin at all: ignore EPIPE. */
	if (state_json != NULL) {
		void (*old)(int) = signal(SIGPIPE, SIG_IGN);

		cv_write_all(p[1], state_json, strlen(state_json));
		signal(SIGPIPE, old);
	}
	close(p[1]);
	r = wait_timeout(pid, h->has_timeout ? h->timeout : 0, &status,
			 &timed_out);
	if (r < 0)
		return cv_error_set(err, -r, "%s%s[%zu] (%s): wait", pfx, k, i,
				    h->path);
	if (timed_out)
		return cv_error_setx(err, "%s%s[%zu] (%s): timed out after %ds",
				     pfx, k, i, h->path, h->timeout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return cv_error_setx(err, "%s%s[%zu] (%s): exit status %d",
				     pfx, k, i, h->path, WEXITSTATUS(status));
	return cv_error_setx(err, "%s%s[%zu] (%s): killed by signal %d", pfx,
			     k, i, h->path, WTERMSIG(status));
}

int hooks_run_kind(const char *kind, const struct oci_hook *list, size_t n,
		   const char *state_json, struct cv_error **err)
{
	for (size_t i = 0; i < n; i++) {
		if (run_one(kind, i, &list[i], state_json, err) < 0)
			return -1;
	}
	return 0;
}

int hooks_run(const struct oci_hook *list, size_t n, const char *state_json,
	      struct cv_error **err)
{
	return hooks_run_kind(NULL, list, n, state_json, err);
}

int hooks_run_spec(const struct oci_spec *spec, enum oci_hook_kind k,
		   const char *state_json, struct cv_error **err)
{
	return hooks_run_kind(oci_hook_kind_name(k), spec->hooks.list[k],
			      spec->hooks.n[k], state_json, err);
}
