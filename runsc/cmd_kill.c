/* SPDX-License-Identifier: Apache-2.0 */
/* runsc kill [--all] ID [SIGNAL]: signals the init (or every process). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runsc/cgroup.h"
#include "runsc/cli.h"
#include "runsc/pidmap.h"

/* Every workload pid: the sentry knows them, the cgroup is the fallback. */
static int all_pids(struct global_opts *g, const struct container_state *st,
		    pid_t **pids, size_t *n)
{
	cleanup_free char *dir = state_dir(g->root, st->id);
	cleanup_free char *sock = NULL;
	cleanup_cgroup struct cgroup *cg = NULL;
	cleanup_close int fd = -1;
	struct timeval tv = { 2, 0 };

	*pids = NULL;
	*n = 0;
	if (dir != NULL && asprintf(&sock, "%s/sentry.sock", dir) >= 0) {
		fd = sentry_ctl_connect(sock, NULL);
		/* A wedged sentry must not hang "kill --all": 2 s, then
		 * the cgroup. */
		if (fd >= 0 &&
		    (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
		     setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0))
			return -1;
		if (fd >= 0 && sentry_ctl_ps(fd, pids, n, NULL) == 0 &&
		    sandbox_pids_to_host(st, pids, n) == 0)
			return 0;
	}
	if (state_cgroup(st, &cg, NULL) == 0 && cg != NULL &&
	    cgroup_pids(cg, pids, n, NULL) == 0)
		return 0;
	return -1;
}

/*
 * sig to a pid of the list if it is a workload task: traced by the
 * sandbox process (every workload task is the sentry's tracee), checked
 * after its pidfd is opened while the sandbox is known to be the recorded
 * process (sb: its pidfd, not yet exited). A pid that exited and was
 * reused since the list was made is never signalled.
 */
static void signal_task(pid_t pid, const struct container_state *st, int sb,
			int sig)
{
	cleanup_close int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = sb, .events = POLLIN };

	if (fd < 0 || proc_tracer(pid) != st->sandbox_pid)
		return;
	if (poll(&p, 1, 0) != 0)
		return;		/* the sandbox exited: its pid is not proof */
	(void)pidfd_signal(fd, sig);	/* -ESRCH: it exited meanwhile */
}

static int kill_all(struct global_opts *g, const struct container_state *st,
		    int sig)
{
	cleanup_close int sb = proc_pidfd(st->sandbox_pid, st->sandbox_start);
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;
	int ret;

	if (sb < 0 || all_pids(g, st, &pids, &n) < 0 || n == 0) {
		ret = proc_signal(st->init_pid, st->init_start, sig);
		if (ret < 0 && ret != -ESRCH)
			return ret;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		signal_task(pids[i], st, sb, sig);
	return 0;
}

int cmd_kill(struct global_opts *g, int argc, char **argv,
	     struct cv_error **err)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		CLI_HELP_OPTION,
		{ 0 },
	};
	cleanup_state struct container_state *st = NULL;
	cleanup_close int lock = -1;
	const char *id, *status;
	bool all = false;
	int c, ret, sig = SIGTERM;

	cli_getopt_reset();
	while ((c = cli_getopt("kill", argc, argv, "ah", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (c == 'a')
			all = true;
	}
	if (argc - optind < 1)
		return cli_need_args("kill", argc, 1, true, err);
	if (argc - optind > 2)
		return cli_usage_error(err, "kill", "\"kill\" requires a maximum "
				       "of 2 argument(s)");
	id = argv[optind];
	if (argc - optind == 2) {
		sig = cv_signal_parse(argv[optind + 1]);
		if (sig < 0)
			return cv_error_setx(err, "unknown signal \"%s\"",
					     argv[optind + 1]);
	}
	if (cli_check_id(id, err) < 0 || state_lock(g->root, id, &lock, err) < 0 ||
	    state_load(g->root, id, &st, err) < 0)
		return -1;
	status = state_status(st);
	if (strcmp(status, "stopped") == 0) {
		if (all)
			return 0;
		return cv_error_setx(err, "container not running");
	}
	if (all) {
		ret = kill_all(g, st, sig);
		if (ret < 0)
			return cv_error_set(err, -ret, "kill %s", id);
		return 0;
	}
	/* Through verified pidfds: a stored pid may have been reused. */
	ret = proc_signal(st->init_pid, st->init_start, sig);
	if (ret != -ESRCH)
		goto out;
	/* The init is gone but the sandbox lingers (a sentry that missed
	 * the exit, or is wedged): signal the sandbox. */
	ret = proc_signal(st->sandbox_pid, st->sandbox_start, sig);
out:
	if (ret < 0)
		return cv_error_set(err, -ret, "kill %s", id);
	return 0;
}
