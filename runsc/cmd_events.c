/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc events ID [--stats] [--interval D]: cgroup statistics as runc
 * prints them ({"type":"stats","id":..,"data":{..}}) and an {"type":"oom"}
 * event whenever the cgroup's OOM-kill count grows. "data" also holds
 * "sentry": the sentry's syscall counters (per disposition and per
 * syscall), when its control socket answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cgroup.h"
#include "runsc/cli.h"

enum { OPT_STATS = 256, OPT_INTERVAL };

/* The sentry's counters as JSON, or NULL if it does not answer. */
static char *sentry_stats(const char *sock)
{
	cleanup_close int fd = sentry_ctl_connect(sock, NULL);
	char *json = NULL;

	if (fd < 0 || sentry_ctl_stats(fd, &json, NULL) < 0) {
		free(json);
		return NULL;
	}
	return json;
}

static int print_stats(const char *id, const struct cgroup *cg,
		       const char *sock, struct cv_error **err)
{
	cleanup_free char *data = NULL, *sentry = NULL;
	struct cgroup_stats st;
	size_t len;

	memset(&st, 0, sizeof(st));
	if (cgroup_stats(cg, &st, err) < 0)
		return -1;
	if (cgroup_stats_json(&st, &data) < 0)
		return cv_error_setx(err, "out of memory");
	sentry = sentry_stats(sock);
	len = strlen(data);
	if (sentry == NULL || sentry[0] != '{' || len < 2 ||
	    data[len - 1] != '}') {
		printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", id,
		       data);
	} else {
		/* data without its closing brace, then "sentry". */
		printf("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%.*s%s"
		       "\"sentry\":%s}}\n", id, (int)(len - 1), data,
		       len > 2 ? "," : "", sentry);
	}
	fflush(stdout);
	return 0;
}

/* "5s", "500ms", "1m", "2" (seconds) -> milliseconds; 0 if invalid. */
static uint64_t parse_interval(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return 0;
	if (*end == '\0' || strcmp(end, "s") == 0)
		return (uint64_t)(v * 1000);
	if (strcmp(end, "ms") == 0)
		return (uint64_t)v;
	if (strcmp(end, "m") == 0)
		return (uint64_t)(v * 60000);
	return 0;
}

static bool still_there(struct global_opts *g, const char *id)
{
	cleanup_state struct container_state *st = NULL;

	if (state_load(g->root, id, &st, NULL) < 0)
		return false;
	return strcmp(state_status(st), "stopped") != 0;
}

static int watch(struct global_opts *g, const char *id, struct cgroup *cg,
		 const char *sock, uint64_t ms, struct cv_error **err)
{
	uint64_t ooms = 0, now;
	struct timespec ts = { (time_t)(ms / 1000),
			       (long)(ms % 1000) * 1000000 };

	cgroup_oom_count(cg, &ooms, NULL);
	while (still_there(g, id)) {
		if (cgroup_oom_count(cg, &now, NULL) == 0 && now > ooms) {
			printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
			ooms = now;
		}
		if (print_stats(id, cg, sock, err) < 0)
			return still_there(g, id) ? -1 : 0;
		nanosleep(&ts, NULL);
	}
	return 0;
}

int cmd_events(struct global_opts *g, int argc, char **argv,
	       struct cv_error **err)
{
	static const struct option lo[] = {
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		CLI_HELP_OPTION,
		{ 0 },
	};
	cleanup_state struct container_state *st = NULL;
	cleanup_cgroup struct cgroup *cg = NULL;
	cleanup_free char *dir = NULL, *sock = NULL;
	bool once = false;
	uint64_t ms = 5000;
	const char *id;
	int c;

	cli_getopt_reset();
	while ((c = cli_getopt("events", argc, argv, "h", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (c == OPT_STATS)
			once = true;
		if (c == OPT_INTERVAL && (ms = parse_interval(optarg)) == 0)
			return cli_usage_error(err, "events",
					       "invalid --interval %s", optarg);
	}
	if (cli_need_args("events", argc, 1, false, err) < 0)
		return -1;
	id = argv[optind];
	if (cli_check_id(id, err) < 0 || state_load(g->root, id, &st, err) < 0)
		return -1;
	if (strcmp(state_status(st), "stopped") == 0)
		return cv_error_setx(err, "container not running");
	if (state_cgroup(st, &cg, err) < 0)
		return -1;
	if (cg == NULL)
		return cv_error_setx(err, "container %s has no cgroup", id);
	dir = state_dir(g->root, id);
	if (dir == NULL || asprintf(&sock, "%s/sentry.sock", dir) < 0)
		return cv_error_setx(err, "out of memory");
	if (once)
		return print_stats(id, cg, sock, err) < 0 ? -1 : 0;
	return watch(g, id, cg, sock, ms, err) < 0 ? -1 : 0;
}
