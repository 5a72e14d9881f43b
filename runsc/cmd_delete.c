/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc delete [--force]: kills the sandbox (everything in it dies with
 * it), destroys the cgroup, runs poststop hooks and removes the state.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runsc/cgroup.h"
#include "runsc/cli.h"
#include "runsc/hooks.h"

/* Waits up to 10 s for the sandbox (sb: its pidfd) to be gone, reaping it
 * if it is our child, as in "runsc run". */
static int wait_gone(int sb)
{
	struct pollfd p = { .fd = sb, .events = POLLIN };
	siginfo_t si;
	int r;

	do {
		r = poll(&p, 1, 10000);
	} while (r < 0 && errno == EINTR);
	if (r <= 0)
		return -ETIMEDOUT;
	waitid(P_PIDFD, (id_t)sb, &si, WEXITED | WNOHANG);
	return 0;
}

/*
 * SIGKILL to the sandbox (the sentry: every workload task dies with it,
 * PTRACE_O_EXITKILL) through a pidfd checked against the recorded start
 * time, so a reused pid is never killed; then the cgroup (cgroup.kill on
 * v2) for anything that escaped. Always returns, even if the sandbox
 * does not die (a warning after 10 s). False if the sandbox was gone
 * already.
 */
static bool kill_sandbox(const struct container_state *st, struct cgroup *cg)
{
	cleanup_close int sb = proc_pidfd(st->sandbox_pid, st->sandbox_start);

	if (sb < 0)
		return false;
	/* Either fails only for what is gone already; whatever survives
	 * is in wait_gone's warning or the cgroup's removal. */
	(void)pidfd_signal(sb, SIGKILL);
	if (cg != NULL)
		(void)cgroup_kill_all(cg, SIGKILL, NULL);
	if (wait_gone(sb) < 0)
		log_warn("sandbox %d of %s did not exit", st->sandbox_pid,
			 st->id);
	return true;
}

/*
 * How many processes the cgroup holds after up to 2 s: those of a sandbox
 * that has just died (SIGKILLed by run's third signal a moment ago) leave
 * it within milliseconds, as they die with the sentry; another
 * container's stay. 0 if it cannot be read.
 */
static size_t cgroup_settled_count(struct cgroup *cg)
{
	for (int i = 0;; i++) {
		cleanup_free pid_t *pids = NULL;
		size_t n = 0;

		if (cgroup_pids(cg, &pids, &n, NULL) < 0 || n == 0 || i == 200)
			return n;
		usleep(10000);
	}
}

/*
 * The cgroup is the container's only while its sandbox lives: once it is
 * gone, so is every workload process (they die with the sentry), and the
 * cgroup may have been taken by another container since (create accepts
 * an empty cgroup). Then it is removed only if it is empty (once the
 * sandbox's last processes are gone); its processes are never killed.
 */
static void remove_cgroup(const struct container_state *st, struct cgroup *cg,
			  bool ours)
{
	cleanup_error struct cv_error *e = NULL;
	size_t n;

	if (!ours && (n = cgroup_settled_count(cg)) > 0) {
		log_warn("cgroup %s of %s holds %zu process(es) that are not "
			 "the container's (its sandbox is gone): left as it is",
			 cgroup_path(cg), st->id, n);
		return;
	}
	if (cgroup_destroy(cg, &e) < 0)
		log_warn("%s", e->msg);
}

static void poststop(const struct container_state *st)
{
	cleanup_error struct cv_error *e = NULL;
	cleanup_spec struct oci_spec *spec = NULL;
	cleanup_free char *json = NULL;

	if (state_load_spec(st, &spec, &e) < 0) {
		log_warn("poststop: %s", e->msg);
		return;
	}
	if (spec->hooks.n[OCI_HOOK_POSTSTOP] == 0)
		return;
	json = state_oci_json(st, "stopped", false);
	if (hooks_run_spec(spec, OCI_HOOK_POSTSTOP, json, &e) < 0)
		log_warn("%s", e->msg);
}

/* A state dir without state.json: a create that died half-way. */
static int delete_orphan(struct global_opts *g, const char *id, bool force,
			 struct cv_error **err)
{
	cleanup_free char *dir = state_dir(g->root, id);
	struct stat sb;

	if (!force || dir == NULL || stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return cv_error_setx(err, "container does not exist");
	return state_remove_dir(g->root, id, err);
}

int container_delete(struct global_opts *g, const char *id, bool force,
		     struct cv_error **err)
{
	cleanup_state struct container_state *st = NULL;
	cleanup_cgroup struct cgroup *cg = NULL;
	cleanup_error struct cv_error *e = NULL;
	cleanup_close int lock = -1;
	const char *status;
	bool ours;

	if (cli_check_id(id, err) < 0)
		return -1;
	if (state_lock(g->root, id, &lock, &e) < 0)
		return delete_orphan(g, id, force, err);
	if (state_load(g->root, id, &st, err) < 0)
		return -1;
	status = state_status(st);
	if (!force && (strcmp(status, "running") == 0 ||
		       strcmp(status, "paused") == 0))
		return cv_error_setx(err, "cannot delete container %s that is "
				     "not stopped: %s", id, status);
	if (state_cgroup(st, &cg, &e) < 0) {
		log_warn("%s", e->msg);
		cv_error_free(&e);
	}
	/* Still frozen, its tasks survive the kill: remove_cgroup says so. */
	if (cg != NULL && strcmp(status, "paused") == 0)
		(void)cgroup_freeze(cg, false, NULL);
	ours = kill_sandbox(st, cg);
	if (cg != NULL)
		remove_cgroup(st, cg, ours);
	poststop(st);
	return state_remove_dir(g->root, id, err);
}

int cmd_delete(struct global_opts *g, int argc, char **argv,
	       struct cv_error **err)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' },
		CLI_HELP_OPTION,
		{ 0 },
	};
	bool force = false;
	int c;

	cli_getopt_reset();
	while ((c = cli_getopt("delete", argc, argv, "fh", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (c == 'f')
			force = true;
	}
	if (cli_need_args("delete", argc, 1, false, err) < 0)
		return -1;
	return container_delete(g, argv[optind], force, err) < 0 ? -1 : 0;
}
