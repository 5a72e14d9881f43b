/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc events ID [--stats] [--interval D]: cgroup statistics as runc
 * prints them ({"type":"stats","id":..,"data":{..}}) and an
 * {"type":"oom","id":..} event, as it happens, for every OOM kill in the
 * cgroup (v1 eventfd on memory.oom_control, v2 inotify on memory.events,
 * the oom_kill counter as the truth). "data" also holds
 * "sentry": the sentry's syscall counters (per disposition and per
 * syscall), when its control socket answers.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

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

/* The sandbox's own processes, left out of pids.current. */
static pid_t helpers[2];

static int print_stats(const char *id, const struct cgroup *cg,
		       const char *sock, struct cv_error **err)
{
	cleanup_free char *data = NULL, *sentry = NULL;
	struct cgroup_stats st;
	size_t len;

	memset(&st, 0, sizeof(st));
	if (cgroup_stats(cg, &st, err) < 0)
		return -1;
	cgroup_stats_exclude(&st, helpers, 2);
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

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A file descriptor that becomes readable when the kernel reports an OOM
 * in the cgroup, so the event is printed when it happens rather than at
 * the next --interval. v1 (and the memory controller of a hybrid host):
 * an eventfd registered in cgroup.event_control for memory.oom_control,
 * which the kernel signals on every OOM (and on rmdir). v2: inotify on
 * memory.events, which the kernel modifies (and notifies) on every event.
 * -1 if neither works: the loop below then only polls the counter.
 */
static int oom_notifier(const struct cgroup *cg, bool *is_eventfd)
{
	const char *d = cgroup_dir(cg, "memory");
	cleanup_close int efd = -1, ofd = -1, cfd = -1;
	char path[PATH_MAX], reg[64];
	int ifd;

	*is_eventfd = false;
	if (d == NULL)
		return -1;
	if (cgroup_get_mode(cg) == CGROUP_MODE_V2) {
		snprintf(path, sizeof(path), "%s/memory.events", d);
		ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (ifd >= 0 && inotify_add_watch(ifd, path, IN_MODIFY) < 0) {
			close(ifd);
			return -1;
		}
		return ifd;
	}
	snprintf(path, sizeof(path), "%s/memory.oom_control", d);
	ofd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/cgroup.event_control", d);
	cfd = open(path, O_WRONLY | O_CLOEXEC);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ofd < 0 || cfd < 0 || efd < 0)
		return -1;
	snprintf(reg, sizeof(reg), "%d %d", efd, ofd);
	if (write(cfd, reg, strlen(reg)) < 0)
		return -1;
	*is_eventfd = true;
	return steal_fd(efd);
}

/* Reads what the notifier has (it is non-blocking); true if anything. */
static bool drain(int fd, bool is_eventfd)
{
	char buf[4096];
	bool any = false;
	ssize_t n;

	if (is_eventfd)
		return read(fd, buf, sizeof(uint64_t)) == sizeof(uint64_t);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		any = true;
	return any;
}

/*
 * One {"type":"oom"} per OOM kill the counter shows since the last look
 * (runc prints one per notification). A v1 notification without a kill
 * (memory.oom_control oom_kill_disable: the task waits under OOM) is an
 * event too.
 */
static void report_ooms(const char *id, const struct cgroup *cg,
			uint64_t *seen, bool notified)
{
	uint64_t now;
	bool emitted = false;

	if (cgroup_oom_count(cg, &now, NULL) < 0)
		return;
	for (; *seen < now; (*seen)++) {
		printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
		emitted = true;
	}
	if (notified && !emitted && cgroup_under_oom(cg))
		printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
	fflush(stdout);
}

/*
 * Stats every ms milliseconds (the first at once), OOM events as they
 * come; ends when the container has stopped, after a last look at the
 * OOM counter (the kill that stopped it is reported too).
 */
static int watch(struct global_opts *g, const char *id, struct cgroup *cg,
		 const char *sock, uint64_t ms, struct cv_error **err)
{
	cleanup_close int nfd = -1;
	uint64_t ooms = 0, next = now_ms();
	bool is_eventfd;

	/* Unreadable: counted from 0, as the loop's reads are. */
	(void)cgroup_oom_count(cg, &ooms, NULL);
	nfd = oom_notifier(cg, &is_eventfd);
	for (;;) {
		struct pollfd p = { .fd = nfd, .events = POLLIN };
		uint64_t t = now_ms();
		int wait = 200;
		bool notified = false;

		if (t >= next) {
			if (print_stats(id, cg, sock, err) < 0)
				return still_there(g, id) ? -1 : 0;
			next = t + ms;
		}
		if (next - t < (uint64_t)wait)
			wait = (int)(next - t);
		if (poll(&p, nfd >= 0 ? 1 : 0, wait) > 0)
			notified = drain(nfd, is_eventfd);
		report_ooms(id, cg, &ooms, notified);
		if (!still_there(g, id)) {
			report_ooms(id, cg, &ooms, false);
			return 0;
		}
	}
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
	helpers[0] = st->sandbox_pid;
	helpers[1] = st->gofer_pid;
	dir = state_dir(g->root, id);
	if (dir == NULL || asprintf(&sock, "%s/sentry.sock", dir) < 0)
		return cv_error_setx(err, "out of memory");
	if (once)
		return print_stats(id, cg, sock, err) < 0 ? -1 : 0;
	return watch(g, id, cg, sock, ms, err) < 0 ? -1 : 0;
}
