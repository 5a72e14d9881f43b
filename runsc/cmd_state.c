/* SPDX-License-Identifier: Apache-2.0 */
/* runsc state ID: the OCI state JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "lib/cleanup.h"
#include "runsc/cli.h"

int cmd_state(struct global_opts *g, int argc, char **argv,
	      struct cv_error **err)
{
	cleanup_state struct container_state *st = NULL;
	cleanup_free char *json = NULL;

	CLI_SIMPLE_OPTS("state", argc, argv, err);
	if (cli_need_args("state", argc, 1, false, err) < 0)
		return -1;
	if (cli_check_id(argv[optind], err) < 0 ||
	    state_load(g->root, argv[optind], &st, err) < 0)
		return -1;
	json = state_oci_json(st, NULL, true);
	if (json == NULL)
		return cv_error_setx(err, "out of memory");
	printf("%s\n", json);
	return 0;
}
