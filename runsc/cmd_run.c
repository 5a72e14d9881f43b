/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc run: create + start, then (unless --detach) wait for the sandbox,
 * forwarding signals to the init as runc does, delete the container and
 * return the workload's status (128+N if it was killed by signal N).
 * With process.terminal and no --console-socket runsc is the console
 * (cmd_run_tty.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cli.h"


static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH,
	SIGCONT, SIGALRM, SIGPWR, SIGURG,
};

static int status_of(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return 1;
}

int cli_wait_forward(pid_t child, pid_t fwd_pid, struct cv_error **err)
{
	cleanup_close int sfd = -1;
	sigset_t set, old;
	int ws;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return cv_error_set(err, errno, "signalfd");
	}
	for (;;) {
		struct signalfd_siginfo si;
		pid_t r = waitpid(child, &ws, WNOHANG);

		if (r == child)
			break;
		if (r < 0 && errno != EINTR) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			return cv_error_set(err, errno, "wait %d", child);
		}
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD && fwd_pid > 0)
			kill(fwd_pid, (int)si.ssi_signo);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status_of(ws);
}

static void console_closep(struct cli_console *c)
{
	cli_console_close(c);
}

/* process.terminal without a console socket: runsc is the console. */
static bool wants_console(const struct create_opts *o, bool detach)
{
	cleanup_spec struct oci_spec *spec = NULL;

	if (detach || o->console_socket != NULL)
		return false;
	if (o->spec != NULL)
		return o->spec->has_process && o->spec->process.terminal;
	/* A bad bundle: container_create says what is wrong with it. */
	if (oci_spec_load(o->bundle, &spec, NULL) < 0)
		return false;
	return spec->has_process && spec->process.terminal;
}

/* Shared with "runsc do": create, start, wait, delete. */
static int run_container(struct global_opts *g, const struct create_opts *o,
			 bool detach, struct cv_error **err)
{
	struct cli_console con __attribute__((cleanup(console_closep))) = {
		.listen_fd = -1, .master = -1
	};
	cleanup_state struct container_state *st = NULL;
	cleanup_error struct cv_error *e = NULL;
	struct create_opts co = *o;
	int status;

	if (wants_console(o, detach)) {
		if (cli_console_listen(&con, err) < 0)
			return -1;
		co.console_socket = con.path;
	}
	if (container_create(g, &co, err) < 0)
		return -1;
	if ((con.path != NULL && cli_console_recv(&con, err) < 0) ||
	    container_start(g, o->id, err) < 0) {
		container_delete(g, o->id, true, &e);
		return -1;
	}
	if (detach)
		return 0;
	if (state_load(g->root, o->id, &st, err) < 0)
		return -1;
	if (con.master >= 0)
		status = cli_wait_console(st->sandbox_pid, st->init_pid,
					  con.master, err);
	else
		status = cli_wait_forward(st->sandbox_pid, st->init_pid, err);
	/* A concurrent "runsc delete" may have cleaned up already. */
	if (container_delete(g, o->id, true, &e) < 0 &&
	    strcmp(e->msg, "container does not exist") != 0)
		log_warn("%s", e->msg);
	return status;
}

int cli_run_container(struct global_opts *g, const struct create_opts *o,
		      bool detach, struct cv_error **err)
{
	return run_container(g, o, detach, err);
}

int cmd_run(struct global_opts *g, int argc, char **argv,
	    struct cv_error **err)
{
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, CREATE_OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, CREATE_OPT_CONSOLE },
		{ "preserve-fds", required_argument, NULL, CREATE_OPT_PRESERVE },
		{ "no-pivot", no_argument, NULL, CREATE_OPT_IGNORED },
		{ "no-new-keyring", no_argument, NULL, CREATE_OPT_IGNORED },
		{ "keep", no_argument, NULL, CREATE_OPT_IGNORED },
		{ "no-subreaper", no_argument, NULL, CREATE_OPT_IGNORED },
		CLI_HELP_OPTION,
		{ 0 },
	};
	struct create_opts o = { .bundle = "." };
	bool detach = false;
	int c;

	cli_getopt_reset();
	while ((c = cli_getopt("run", argc, argv, "b:dh", lo, err)) != -1) {
		switch (c) {
		case CLI_OPT_HELP:
			return 0;
		case CLI_OPT_ERR:
			return -1;
		case 'b':
			o.bundle = optarg;
			break;
		case 'd':
			detach = true;
			break;
		default:
			if (create_parse_option("run", c, &o, err) < 0)
				return -1;
			break;
		}
	}
	if (cli_need_args("run", argc, 1, false, err) < 0)
		return -1;
	o.id = argv[optind];
	return run_container(g, &o, detach, err);
}
