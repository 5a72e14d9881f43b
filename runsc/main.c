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

enum {
	OPT_ROOT = 256,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD,
	OPT_PLATFORM,
	OPT_NETWORK,
	OPT_STRACE,
	OPT_DEBUG_LOG,
	OPT_ROOTLESS,
	OPT_CRIU,
};

static const struct option global_options[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "strace", no_argument, NULL, OPT_STRACE },
	{ "debug-log", required_argument, NULL, OPT_DEBUG_LOG },
	{ "rootless", required_argument, NULL, OPT_ROOTLESS },
	{ "criu", required_argument, NULL, OPT_CRIU },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int parse_network(const char *s, enum network_mode *out)
{
	if (strcmp(s, "sandbox") == 0)
		*out = NETWORK_SANDBOX;
	else if (strcmp(s, "host") == 0)
		*out = NETWORK_HOST;
	else if (strcmp(s, "none") == 0)
		*out = NETWORK_NONE;
	else
		return -1;
	return 0;
}

static int global_option(struct global_opts *g, int c, struct cv_error **err)
{
	int p;

	switch (c) {
	case OPT_ROOT:
		g->root = optarg;
		return 0;
	case OPT_LOG:
		g->log = optarg;
		return 0;
	case OPT_LOG_FORMAT:
		if (strcmp(optarg, "json") == 0)
			g->log_format = CV_LOG_JSON;
		else if (strcmp(optarg, "text") == 0)
			g->log_format = CV_LOG_TEXT;
		else
			return cv_error_setx(err, "invalid log-format: %s",
					     optarg);
		return 0;
	case OPT_DEBUG:
		g->debug = true;
		return 0;
	case OPT_SYSTEMD:
		g->systemd_cgroup = true;
		return 0;
	case OPT_PLATFORM:
		p = platform_from_name(optarg);
		if (p < 0)
			return cv_error_setx(err, "unknown platform: %s",
					     optarg);
		g->platform = (enum platform_kind)p;
		return 0;
	case OPT_NETWORK:
		if (parse_network(optarg, &g->network) < 0)
			return cv_error_setx(err, "unknown network mode: %s",
					     optarg);
		return 0;
	case OPT_STRACE:
		g->strace = true;
		return 0;
	case OPT_DEBUG_LOG:
		g->debug_log = optarg;
		return 0;
	case OPT_ROOTLESS:
	case OPT_CRIU:
		return 0;	/* accepted for runc compatibility */
	}
	return cv_error_setx(err, "internal: option %d", c);
}

static void print_version(void)
{
	printf("runsc version " CVISOR_VERSION "\n"
	       "spec: " CVISOR_SPEC_VERSION "\n");
}

/* Parses the global flags; returns the index of the verb, or < 0 with an
 * exit status in *status. */
static int parse_globals(struct global_opts *g, int argc, char **argv,
			 int *status, struct cv_error **err)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", global_options, NULL)) !=
	       -1) {
		if (c == 'v') {
			print_version();
			*status = 0;
			return -1;
		}
		if (c == 'h') {
			cli_print_usage(stdout);
			*status = 0;
			return -1;
		}
		if (c == '?' || c == ':') {
			cli_print_usage(stderr);
			*status = CLI_USAGE_STATUS;
			if (c == ':')
				cv_error_setx(err, "flag needs an argument: %s",
					      argv[optind - 1]);
			else
				cv_error_setx(err,
					      "flag provided but not defined: %s",
					      argv[optind - 1]);
			return -1;
		}
		if (global_option(g, c, err) < 0) {
			*status = 1;
			return -1;
		}
	}
	if (optind >= argc) {
		cli_print_usage(stdout);
		*status = 0;
		return -1;
	}
	return optind;
}

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
	cleanup_free char *abs_root = NULL;
	const struct cli_verb *v;
	int status = 1, i, r;

	i = parse_globals(&g, argc, argv, &status, &err);
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
