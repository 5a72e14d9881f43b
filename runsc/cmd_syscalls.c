/* SPDX-License-Identifier: Apache-2.0 */
/* runsc syscalls: the syscall table and its dispositions. */
#include <stdio.h>
#include <string.h>

#include "runsc/cli.h"
#include "syscalls/table.h"

int cmd_syscalls(struct global_opts *g, int argc, char **argv,
		 struct cv_error **err)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		CLI_HELP_OPTION,
		{ 0 },
	};
	enum sc_print_format fmt = SC_PRINT_TEXT;
	int c;

	(void)g;
	cli_getopt_reset();
	while ((c = cli_getopt("syscalls", argc, argv, "f:h", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (strcmp(optarg, "text") == 0)
			fmt = SC_PRINT_TEXT;
		else if (strcmp(optarg, "markdown") == 0)
			fmt = SC_PRINT_MARKDOWN;
		else if (strcmp(optarg, "json") == 0)
			fmt = SC_PRINT_JSON;
		else
			return cli_usage_error(err, "syscalls",
					       "invalid format: %s", optarg);
	}
	if (cli_need_args("syscalls", argc, 0, false, err) < 0)
		return -1;
	if (sc_print_table(stdout, fmt) < 0)
		return cv_error_setx(err, "printing the syscall table failed");
	return 0;
}
