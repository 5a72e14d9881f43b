/* SPDX-License-Identifier: Apache-2.0 */
/* runsc start: tells the sentry to let the init exec, then poststart. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runsc/cli.h"
#include "runsc/hooks.h"

static int check_startable(const struct container_state *st,
			   struct cv_error **err)
{
	const char *status = state_status(st);

	if (strcmp(status, "created") == 0)
		return 0;
	if (strcmp(status, "stopped") == 0)
		return cv_error_setx(err, "cannot start a container that has "
				     "stopped");
	return cv_error_setx(err, "cannot start an already %s container",
			     status);
}

static void poststart(const struct container_state *st)
{
	cleanup_error struct cv_error *e = NULL;
	cleanup_spec struct oci_spec *spec = NULL;
	cleanup_free char *json = NULL;

	if (state_load_spec(st, &spec, &e) < 0) {
		log_warn("poststart: %s", e->msg);
		return;
	}
	if (spec->hooks.n[OCI_HOOK_POSTSTART] == 0)
		return;
	json = state_oci_json(st, "running", false);
	if (hooks_run_spec(spec, OCI_HOOK_POSTSTART, json, &e) < 0)
		log_warn("%s", e->msg);
}

int container_start(struct global_opts *g, const char *id,
		    struct cv_error **err)
{
	cleanup_state struct container_state *st = NULL;
	cleanup_free char *dir = NULL, *sock = NULL;
	cleanup_close int lock = -1, fd = -1;

	if (state_lock(g->root, id, &lock, err) < 0 ||
	    state_load(g->root, id, &st, err) < 0)
		return -1;
	if (check_startable(st, err) < 0)
		return -1;
	dir = state_dir(g->root, id);
	if (dir == NULL || asprintf(&sock, "%s/sentry.sock", dir) < 0)
		return cv_error_set(err, ENOMEM, "start");
	fd = sentry_ctl_connect(sock, err);
	if (fd < 0)
		return cv_error_wrap(err, "start %s", id);
	if (sentry_ctl_start(fd, err) < 0)
		return cv_error_wrap(err, "start %s", id);
	free(st->status);
	st->status = strdup("running");
	if (state_save(g->root, st, err) < 0)
		return -1;
	poststart(st);
	return 0;
}

int cmd_start(struct global_opts *g, int argc, char **argv,
	      struct cv_error **err)
{
	CLI_SIMPLE_OPTS("start", argc, argv, err);
	if (cli_need_args("start", argc, 1, false, err) < 0)
		return -1;
	return container_start(g, argv[optind], err) < 0 ? -1 : 0;
}
