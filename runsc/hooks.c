/* SPDX-License-Identifier: Apache-2.0 */
#include "runsc/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/util.h"

extern char **environ;

#define HOOK_OUTPUT_MAX 512

/*
 * In the child: stdin from the state pipe, stdout and stderr to the output
 * pipe (so a hook never keeps the caller's stdio open), then exec. Like
 * runc, a hook without "env" inherits runsc's environment.
 */
static void hook_child(const struct oci_hook *h, int in_fd, int out_fd)
{
	char *const def_args[] = { h->path, NULL };
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0)
		_exit(127);
	execve(h->path, h->args != NULL ? h->args : def_args,
	       h->env != NULL ? h->env : environ);
	dprintf(STDERR_FILENO, "exec: %s", strerror(errno));
	_exit(127);
}

struct hook_run {
	pid_t pid;
	int in_fd;		/* write end of the hook's stdin, or -1 */
	const char *in;		/* the state JSON still to write */
	size_t in_len;
	int out_fd;		/* read end of the hook's stdout+stderr */
	char out[HOOK_OUTPUT_MAX];
	size_t out_len;
	int status;
	bool timed_out;
};

/* Keeps the last HOOK_OUTPUT_MAX-1 bytes the hook printed. */
static void drain(struct hook_run *r)
{
	char buf[1024];
	ssize_t n;

	while ((n = read(r->out_fd, buf, sizeof(buf))) > 0) {
		size_t k = (size_t)n, cap = sizeof(r->out) - 1;

		if (k >= cap) {
			memcpy(r->out, buf + k - cap, cap);
			r->out_len = cap;
			continue;
		}
		if (r->out_len + k > cap) {
			size_t drop = r->out_len + k - cap;

			memmove(r->out, r->out + drop, r->out_len - drop);
			r->out_len -= drop;
		}
		memcpy(r->out + r->out_len, buf, k);
		r->out_len += k;
	}
	r->out[r->out_len] = '\0';
}

/* Writes what the hook's stdin takes now; closes it when all is written
 * or the hook does not read it (EPIPE). */
static void feed(struct hook_run *r)
{
	while (r->in_fd >= 0 && r->in_len > 0) {
		ssize_t n = write(r->in_fd, r->in, r->in_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		r->in += n;
		r->in_len -= (size_t)n;
	}
	if (r->in_fd >= 0) {
		close(r->in_fd);
		r->in_fd = -1;
	}
}

/*
 * Feeds the hook its stdin and waits for it, collecting its output, for at
 * most timeout seconds (0: forever); kills it at the deadline. stdin is
 * written as the hook reads it, so a hook that never reads a large state
 * still times out.
 */
static int wait_hook(struct hook_run *r, int timeout)
{
	uint64_t deadline = cv_now_ns() + (uint64_t)timeout * 1000000000ull;
	struct pollfd p[2] = { { .fd = r->out_fd, .events = POLLIN },
			       { .fd = -1, .events = POLLOUT } };

	feed(r);
	for (;;) {
		pid_t w = waitpid(r->pid, &r->status, WNOHANG);

		if (w == r->pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (timeout > 0 && cv_now_ns() >= deadline) {
			kill(r->pid, SIGKILL);
			r->timed_out = true;
			while (waitpid(r->pid, &r->status, 0) < 0 &&
			       errno == EINTR)
				;
			break;
		}
		p[1].fd = r->in_fd;
		if (poll(p, 2, 10) > 0) {
			if (p[0].revents)
				drain(r);
			if (p[1].revents)
				feed(r);
		}
	}
	if (r->in_fd >= 0) {
		close(r->in_fd);
		r->in_fd = -1;
	}
	/* What is buffered now; a background child of the hook that keeps
	 * the pipe open does not hold us up. */
	drain(r);
	return 0;
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static int hook_error(const char *pfx, const char *k, size_t i,
		      const struct oci_hook *h, struct hook_run *r,
		      struct cv_error **err)
{
	char what[64];

	if (r->timed_out)
		snprintf(what, sizeof(what), "timed out after %ds", h->timeout);
	else if (WIFEXITED(r->status))
		snprintf(what, sizeof(what), "exit status %d",
			 WEXITSTATUS(r->status));
	else
		snprintf(what, sizeof(what), "killed by signal %d",
			 WTERMSIG(r->status));
	trim(r->out);
	if (r->out[0] != '\0')
		return cv_error_setx(err, "%s%s[%zu] (%s): %s: %s", pfx, k, i,
				     h->path, what, r->out);
	return cv_error_setx(err, "%s%s[%zu] (%s): %s", pfx, k, i, h->path,
			     what);
}

static int run_one(const char *kind, size_t i, const struct oci_hook *h,
		   const char *state_json, struct cv_error **err)
{
	const char *k = kind != NULL ? kind : "hooks";
	const char *pfx = kind != NULL ? "hooks." : "";
	struct hook_run r = { .pid = -1, .in_fd = -1, .out_fd = -1 };
	void (*old_pipe)(int);
	int in[2], out[2], e;

	if (pipe2(in, O_CLOEXEC) < 0)
		return cv_error_set(err, errno, "%s%s[%zu] (%s): pipe", pfx, k,
				    i, h->path);
	if (pipe2(out, O_CLOEXEC) < 0) {
		e = errno;
		close(in[0]);
		close(in[1]);
		return cv_error_set(err, e, "%s%s[%zu] (%s): pipe", pfx, k, i,
				    h->path);
	}
	r.pid = fork();
	if (r.pid == 0)
		hook_child(h, in[0], out[1]);
	e = errno;
	close(in[0]);
	close(out[1]);
	r.out_fd = out[0];
	if (r.pid < 0) {
		close(in[1]);
		close(out[0]);
		return cv_error_set(err, e, "%s%s[%zu] (%s): fork", pfx, k, i,
				    h->path);
	}
	/* F_SETFL of fresh pipes cannot fail. */
	(void)fcntl(r.out_fd, F_SETFL, O_NONBLOCK);
	(void)fcntl(in[1], F_SETFL, O_NONBLOCK);
	r.in_fd = in[1];
	r.in = state_json != NULL ? state_json : "";
	r.in_len = strlen(r.in);
	/* The hook may not read stdin at all: ignore EPIPE. */
	old_pipe = signal(SIGPIPE, SIG_IGN);
	e = wait_hook(&r, h->has_timeout ? h->timeout : 0);
	signal(SIGPIPE, old_pipe);
	close(r.out_fd);
	if (e < 0)
		return cv_error_set(err, -e, "%s%s[%zu] (%s): wait", pfx, k, i,
				    h->path);
	if (!r.timed_out && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0)
		return 0;
	return hook_error(pfx, k, i, h, &r, err);
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
