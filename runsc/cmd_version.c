/* SPDX-License-Identifier: Apache-2.0 */
/* runsc version, runsc help [VERB]. */
#include <stdio.h>

#include "runsc/cli.h"

int cmd_version(struct global_opts *g, int argc, char **argv,
		struct cv_error **err)
{
	(void)g;
	CLI_SIMPLE_OPTS("version", argc, argv, err);
	cli_print_version();
	return 0;
}

int cmd_help(struct global_opts *g, int argc, char **argv,
	     struct cv_error **err)
{
	const struct cli_verb *v;

	(void)g;
	CLI_SIMPLE_OPTS("help", argc, argv, err);
	if (optind >= argc) {
		cli_print_usage(stdout);
		return 0;
	}
	v = cli_find_verb(argv[optind]);
	if (v == NULL)
		return cv_error_setx(err, "No help topic for '%s'",
				     argv[optind]);
	cli_verb_help(v, stdout);
	return 0;
}
