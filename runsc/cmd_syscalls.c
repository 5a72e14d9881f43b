/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc syscalls: the syscall table and its dispositions; with
 * --confinement sentry|gofer, the host syscalls that process is allowed
 * once confined (lib/confine.h), as the markdown of docs/security.md.
 */
#include <stdio.h>
#include <string.h>

#include "lib/confine.h"
#include "runsc/cli.h"
#include "syscalls/table.h"

static int print_confinement(const char *name, enum sc_print_format fmt,
			     struct cv_error **err)
{
	const struct cf_table *t = NULL;

	if (strcmp(name, "sentry") == 0)
		t = &sentry_cf_table;
	else if (strcmp(name, "gofer") == 0)
		t = &gofer_cf_table;
	else
		return cli_usage_error(err, "syscalls",
				       "invalid --confinement: %s (sentry or "
				       "gofer)", name);
	if (fmt == SC_PRINT_JSON)
		return cli_usage_error(err, "syscalls",
				       "--confinement: --format markdown only");
	if (cf_print_markdown(stdout, t) < 0)
		return cv_error_setx(err, "printing the %s's table failed",
				     name);
	return 0;
}

int cmd_syscalls(struct global_opts *g, int argc, char **argv,
		 struct cv_error **err)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "confinement", required_argument, NULL, 'c' },
		CLI_HELP_OPTION,
		{ 0 },
	};
	enum sc_print_format fmt = SC_PRINT_TEXT;
	const char *confinement = NULL;
	int c;

	(void)g;
	cli_getopt_reset();
	while ((c = cli_getopt("syscalls", argc, argv, "f:c:h", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (c == 'c') {
			confinement = optarg;
			continue;
		}
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
	if (confinement != NULL)
		return print_confinement(confinement, fmt, err);
	if (sc_print_table(stdout, fmt) < 0)
		return cv_error_setx(err, "printing the syscall table failed");
	return 0;
}
