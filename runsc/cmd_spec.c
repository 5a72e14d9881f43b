/* SPDX-License-Identifier: Apache-2.0 */
/* runsc spec: writes a default config.json into the bundle. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cli.h"

int cmd_spec(struct global_opts *g, int argc, char **argv,
	     struct cv_error **err)
{
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, 'r' },
		CLI_HELP_OPTION,
		{ 0 },
	};
	cleanup_free char *path = NULL, *json = NULL;
	const char *bundle = ".";
	bool rootless = false;
	int c;

	(void)g;
	cli_getopt_reset();
	while ((c = cli_getopt("spec", argc, argv, "b:h", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (c == 'b')
			bundle = optarg;
		else if (c == 'r')
			rootless = true;
	}
	if (cli_need_args("spec", argc, 0, false, err) < 0)
		return -1;
	if (asprintf(&path, "%s/config.json", bundle) < 0)
		return cv_error_set(err, ENOMEM, "spec");
	if (access(path, F_OK) == 0)
		return cv_error_setx(err, "File %s exists. Remove it first",
				     path);
	json = oci_spec_default_json(rootless);
	if (json == NULL)
		return cv_error_set(err, ENOMEM, "default spec");
	if (cv_write_file_atomic(path, json, strlen(json), 0644, err) < 0)
		return -1;
	return 0;
}
