/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc: global flags, then one verb (runsc/cmd_<verb>.c). The last error
 * of a failed command goes to stderr as "runsc: <msg>" and, with --log, to
 * the log file as a JSON line that containerd's shim reads back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "runsc/cli.h"
#include "runsc/rootless.h"

/* State paths end up in state.json: keep them absolute. */
static char *absolute_root(const char *root)
{
	char cwd[4096], *out = NULL;

	if (root[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	if (asprintf(&out, "%s/%s", cwd, root) < 0)
		return NULL;
	return out;
}

static void report_error(const struct global_opts *g, struct cv_error *e)
{
	const char *msg = e != NULL && e->msg != NULL ? e->msg : "failed";

	log_error("%s", msg);
	/* log_error went to the --log file: say it on stderr too. */
	if (g->log != NULL)
		fprintf(stderr, "runsc: %s\n", msg);
}

int main(int argc, char **argv)
{
	struct global_opts g = {
		.root = CVISOR_DEFAULT_ROOT,
		.platform = PLATFORM_SECCOMP,
		.network = NETWORK_SANDBOX,
		.argv0 = argv[0],
	};
	cleanup_error struct cv_error *err = NULL;
	cleanup_free char *abs_root = NULL, *xdg_root = NULL;
	const struct cli_verb *v;
	int status = 1, i, r;

	xdg_root = rootless_default_root();
	if (xdg_root != NULL)
		g.root = xdg_root;
	i = cli_parse_globals(&g, argc, argv, &status, &err);
	if (cv_log_open(g.log, g.log_format, g.debug) < 0) {
		fprintf(stderr, "runsc: open log %s: %s\n", g.log,
			strerror(errno));
		g.log = NULL;
	}
	if (i < 0) {
		if (err != NULL)
			report_error(&g, err);
		return status;
	}
	abs_root = absolute_root(g.root);
	if (abs_root != NULL)
		g.root = abs_root;
	v = cli_find_verb(argv[i]);
	if (v == NULL) {
		cli_print_usage(stderr);
		cv_error_setx(&err, "No help topic for '%s'", argv[i]);
		report_error(&g, err);
		return CLI_USAGE_STATUS;
	}
	r = v->fn(&g, argc - i, argv + i, &err);
	fflush(stdout);
	if (r >= 0)
		return r;
	report_error(&g, err);
	return err != NULL && err->status > 0 ? err->status : 1;
}
