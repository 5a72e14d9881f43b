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
#include "lib/log.h"
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

/* Signals the sentry does not catch: they end the sandbox process. */
static bool ends_sandbox(int sig)
{
	return sig == SIGHUP || sig == SIGINT || sig == SIGQUIT ||
	       sig == SIGTERM;
}

/*
 * kill() of child is safe: it is our child, not yet reaped, so its pid is
 * its own. Anything else is signalled through fwd_pidfd (proc_pidfd). If
 * the init is gone while the sandbox lingers (a sentry that missed its
 * exit, or is wedged), a signal that would end the init ends the sandbox;
 * the third such signal SIGKILLs the sandbox whatever the init does (a
 * wedged sentry never lets a signal reach its tracee).
 */
void cli_forward_signal(pid_t child, int fwd_pidfd, int sig, int *nterm)
{
	if (sig == SIGCHLD)
		return;
	if (fwd_pidfd == CLI_FWD_CHILD) {
		kill(child, sig);
		return;
	}
	if (ends_sandbox(sig) && ++*nterm >= 3) {
		log_warn("signal %d received 3 times: killing the sandbox",
			 sig);
		kill(child, SIGKILL);
		return;
	}
	if (fwd_pidfd >= 0 && pidfd_signal(fwd_pidfd, sig) == 0)
		return;
	if (ends_sandbox(sig))
		kill(child, sig);
}

int cli_wait_forward(pid_t child, int fwd_pidfd, struct cv_error **err)
{
	cleanup_close int sfd = -1;
	sigset_t set, old;
	int ws, nterm = 0;

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
		cli_forward_signal(child, fwd_pidfd, (int)si.ssi_signo, &nterm);
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
	cleanup_close int init = -1;
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
		/* err says why; a failed clean-up is worth a warning. */
		if (container_delete(g, o->id, true, &e) < 0)
			log_warn("%s", e->msg);
		return -1;
	}
	if (detach)
		return 0;
	if (state_load(g->root, o->id, &st, err) < 0)
		return -1;
	init = proc_pidfd(st->init_pid, st->init_start);
	if (init < 0)
		init = CLI_FWD_GONE;
	if (con.master >= 0)
		status = cli_wait_console(st->sandbox_pid, init, con.master,
					  err);
	else
		status = cli_wait_forward(st->sandbox_pid, init, err);
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
