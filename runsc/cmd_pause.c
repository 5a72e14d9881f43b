/* SPDX-License-Identifier: Apache-2.0 */
/* runsc pause / resume: the cgroup freezer. */
#include <string.h>

#include "lib/cleanup.h"
#include "runsc/cgroup.h"
#include "runsc/cli.h"

static int set_frozen(struct global_opts *g, const char *verb, int argc,
		      char **argv, bool frozen, struct cv_error **err)
{
	cleanup_state struct container_state *st = NULL;
	cleanup_cgroup struct cgroup *cg = NULL;
	cleanup_close int lock = -1;
	const char *id, *status;

	CLI_SIMPLE_OPTS(verb, argc, argv, err);
	if (cli_need_args(verb, argc, 1, false, err) < 0)
		return -1;
	id = argv[optind];
	if (cli_check_id(id, err) < 0 || state_lock(g->root, id, &lock, err) < 0 ||
	    state_load(g->root, id, &st, err) < 0)
		return -1;
	status = state_status(st);
	if (frozen && strcmp(status, "running") != 0)
		return cv_error_setx(err, "container not running");
	if (!frozen && strcmp(status, "paused") != 0)
		return cv_error_setx(err, "container not paused");
	if (state_cgroup(st, &cg, err) < 0)
		return -1;
	if (cg == NULL)
		return cv_error_setx(err, "container %s has no cgroup", id);
	if (cgroup_freeze(cg, frozen, err) < 0)
		return cv_error_wrap(err, "%s %s", verb, id);
	return 0;
}

int cmd_pause(struct global_opts *g, int argc, char **argv,
	      struct cv_error **err)
{
	return set_frozen(g, "pause", argc, argv, true, err);
}

int cmd_resume(struct global_opts *g, int argc, char **argv,
	       struct cv_error **err)
{
	return set_frozen(g, "resume", argc, argv, false, err);
}
