/* SPDX-License-Identifier: Apache-2.0 */
/* runsc list [--format table|json] [--quiet]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "runsc/cli.h"

struct row {
	char pid[16];
	const char *status;
	struct container_state *st;
};

static void print_table(char **ids, struct row *rows, size_t n)
{
	int w[4] = { 2, 3, 6, 6 };	/* ID PID STATUS BUNDLE */

	for (size_t i = 0; i < n; i++) {
		int l[4] = { (int)strlen(ids[i]), (int)strlen(rows[i].pid),
			     (int)strlen(rows[i].status),
			     (int)strlen(rows[i].st->bundle ?
						 rows[i].st->bundle : "") };

		for (int k = 0; k < 4; k++)
			if (l[k] > w[k])
				w[k] = l[k];
	}
	printf("%-*s   %-*s   %-*s   %-*s   %-30s   %s\n", w[0], "ID", w[1],
	       "PID", w[2], "STATUS", w[3], "BUNDLE", "CREATED", "OWNER");
	for (size_t i = 0; i < n; i++) {
		const struct container_state *st = rows[i].st;

		printf("%-*s   %-*s   %-*s   %-*s   %-30s   %s\n", w[0], ids[i],
		       w[1], rows[i].pid, w[2], rows[i].status, w[3],
		       st->bundle ? st->bundle : "",
		       st->created ? st->created : "",
		       st->owner ? st->owner : "");
	}
}

static void print_json(struct row *rows, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *j = state_oci_json(rows[i].st,
						      rows[i].status, false);

		printf("%s%s", i > 0 ? "," : "", j != NULL ? j : "null");
	}
	printf("]\n");
}

int cmd_list(struct global_opts *g, int argc, char **argv,
	     struct cv_error **err)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		CLI_HELP_OPTION,
		{ 0 },
	};
	cleanup_strv char **ids = NULL;
	cleanup_free struct row *rows = NULL;
	bool json = false, quiet = false;
	size_t n = 0, k = 0;
	int c;

	cli_getopt_reset();
	while ((c = cli_getopt("list", argc, argv, "f:qh", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (c == 'q') {
			quiet = true;
		} else if (c == 'f') {
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "table") != 0)
				return cv_error_setx(err, "invalid format "
						     "option");
		}
	}
	if (cli_need_args("list", argc, 0, false, err) < 0 ||
	    state_list_ids(g->root, &ids, err) < 0)
		return -1;
	while (ids[n] != NULL)
		n++;
	rows = calloc(n + 1, sizeof(*rows));
	if (rows == NULL)
		return cv_error_setx(err, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (state_load(g->root, ids[i], &rows[k].st, NULL) < 0)
			continue;
		rows[k].status = state_status(rows[k].st);
		snprintf(rows[k].pid, sizeof(rows[k].pid), "%d",
			 strcmp(rows[k].status, "stopped") == 0 ?
				 0 : rows[k].st->sandbox_pid);
		if (k != i) {
			char *t = ids[k];

			ids[k] = ids[i];
			ids[i] = t;
		}
		k++;
	}
	if (quiet) {
		for (size_t i = 0; i < k; i++)
			printf("%s\n", ids[i]);
	} else if (json) {
		print_json(rows, k);
	} else {
		print_table(ids, rows, k);
	}
	for (size_t i = 0; i < k; i++)
		state_free(rows[i].st);
	return 0;
}
