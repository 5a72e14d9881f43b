/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc run with process.terminal and no --console-socket: as runc does,
 * runsc itself is the console's other end. It listens on a socket in a
 * private temporary directory, passes that as the console socket to
 * create, receives the pty master, and then copies its own stdin to the
 * master and the master to its stdout until the sandbox exits. A real
 * terminal on stdin is put in raw mode (restored at the end) and its size
 * follows SIGWINCH.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/unixsock.h"
#include "lib/util.h"
#include "runsc/cli.h"

/* How long create may take to send the master after it returned. */
#define CONSOLE_RECV_TIMEOUT_MS 10000

static void copy_winsize(int from, int to)
{
	struct winsize ws;

	/* Best effort: a pty that refuses keeps its size. */
	if (ioctl(from, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		(void)ioctl(to, TIOCSWINSZ, &ws);
}

int cli_console_listen(struct cli_console *c, struct cv_error **err)
{
	char tmpl[] = "/tmp/cvisor-console.XXXXXX";

	c->listen_fd = -1;
	c->master = -1;
	if (mkdtemp(tmpl) == NULL)
		return cv_error_set(err, errno, "console: mkdtemp");
	c->dir = strdup(tmpl);
	if (c->dir == NULL || asprintf(&c->path, "%s/console.sock", tmpl) < 0) {
		c->path = NULL;
		(void)rmdir(tmpl);	/* empty, just made */
		return cv_error_set(err, ENOMEM, "console");
	}
	c->listen_fd = cv_unix_listen(c->path, 1);
	if (c->listen_fd < 0)
		return cv_error_set(err, -c->listen_fd, "console: listen %s",
				    c->path);
	return 0;
}

int cli_console_recv(struct cli_console *c, struct cv_error **err)
{
	struct pollfd p = { .fd = c->listen_fd, .events = POLLIN };
	cleanup_close int conn = -1;
	char name[128];
	int fds[1], nfds = 0, r;
	ssize_t n;

	do {
		r = poll(&p, 1, CONSOLE_RECV_TIMEOUT_MS);
	} while (r < 0 && errno == EINTR);
	if (r <= 0)
		return cv_error_set(err, r == 0 ? ETIMEDOUT : errno,
				    "console: no pty from the container");
	conn = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return cv_error_set(err, errno, "console: accept");
	n = cv_recv_fds(conn, name, sizeof(name) - 1, fds, 1, &nfds);
	if (n < 0)
		return cv_error_set(err, (int)-n, "console: receive");
	if (nfds != 1)
		return cv_error_setx(err, "console: no pty master received");
	c->master = fds[0];
	/* The size before the workload starts (it may ask at once). */
	if (isatty(STDIN_FILENO))
		copy_winsize(STDIN_FILENO, c->master);
	/* Nothing else will connect: leave no socket behind in /tmp. */
	close(c->listen_fd);
	c->listen_fd = -1;
	/* Ours, just made: removable but for someone else's meddling. */
	(void)unlink(c->path);
	(void)rmdir(c->dir);
	return 0;
}

void cli_console_close(struct cli_console *c)
{
	if (c->master >= 0)
		close(c->master);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	if (c->path != NULL)	/* as in cli_console_recv; ENOENT once done */
		(void)unlink(c->path);
	if (c->dir != NULL)
		(void)rmdir(c->dir);
	free(c->path);
	free(c->dir);
	*c = (struct cli_console){ .listen_fd = -1, .master = -1 };
}

/* Writes all of buf to fd (blocking); false if fd is gone. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		buf += w;
		len -= (size_t)w;
	}
	return true;
}

/* Copies what the master has to stdout; false at EOF/EIO (no slave). */
static bool pump_master(int master)
{
	char buf[8192];
	ssize_t n = read(master, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	/* A stdout that is gone loses the output; the master is still
	 * drained so the workload never blocks on it. */
	(void)write_all(STDOUT_FILENO, buf, (size_t)n);
	return true;
}

/* After the sandbox exited: what is still buffered in the pty. */
static void drain_master(int master)
{
	struct pollfd p = { .fd = master, .events = POLLIN };

	while (poll(&p, 1, 50) > 0 && (p.revents & POLLIN) &&
	       pump_master(master))
		;
}

struct tty_mode {
	bool saved;
	struct termios orig;
};

static void tty_raw(struct tty_mode *m)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &m->orig) < 0)
		return;
	raw = m->orig;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
		m->saved = true;
}

static void tty_restore(struct tty_mode *m)
{
	if (m->saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &m->orig);
	m->saved = false;
}

static int wait_status(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 1;
}

/* The proxy loop: returns the child's exit status. */
static int proxy(pid_t child, int fwd_pidfd, int master, int sfd)
{
	struct pollfd p[3] = {
		{ .fd = sfd, .events = POLLIN },
		{ .fd = master, .events = POLLIN },
		{ .fd = STDIN_FILENO, .events = POLLIN },
	};
	char buf[8192];
	int nterm = 0;

	for (;;) {
		struct signalfd_siginfo si;
		int ws;
		pid_t r = waitpid(child, &ws, WNOHANG);

		if (r == child) {
			drain_master(master);
			return wait_status(ws);
		}
		if (r < 0 && errno != EINTR)
			return 1;
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[0].revents & POLLIN &&
		    read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGWINCH)
				copy_winsize(STDIN_FILENO, master);
			else
				cli_forward_signal(child, fwd_pidfd,
						   (int)si.ssi_signo, &nterm);
		}
		/* No slave left: only the child's exit matters now. */
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL) &&
		    !pump_master(master))
			p[1].fd = -1;
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			/* At the end of stdin stop copying (as runc). */
			if (n <= 0 || !write_all(master, buf, (size_t)n))
				p[2].fd = -1;
		}
	}
}

int cli_wait_console(pid_t child, int fwd_pidfd, int master,
		     struct cv_error **err)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
		SIGCONT, SIGALRM, SIGPWR, SIGURG, SIGCHLD,
	};
	struct tty_mode mode = { 0 };
	cleanup_close int sfd = -1;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	sigset_t set, old;
	int status;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return cv_error_set(err, errno, "signalfd");
	}
	/* Reads from the master must not block the loop (F_SETFL of an
	 * open fd cannot fail). */
	(void)fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	if (isatty(STDIN_FILENO))
		copy_winsize(STDIN_FILENO, master);
	tty_raw(&mode);
	/* A closed stdout must not kill runsc before it cleans up. */
	(void)sigaction(SIGPIPE, &ign, &old_pipe);	/* a valid signal */
	status = proxy(child, fwd_pidfd, master, sfd);
	(void)sigaction(SIGPIPE, &old_pipe, NULL);
	tty_restore(&mode);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}
