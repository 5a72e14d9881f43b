/* SPDX-License-Identifier: Apache-2.0 */
/* runsc ps ID [--format table|json]: the container's host pids. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runsc/cgroup.h"
#include "runsc/cli.h"
#include "runsc/pidmap.h"

static int get_pids(struct global_opts *g, const struct container_state *st,
		    pid_t **pids, size_t *n, struct cv_error **err)
{
	cleanup_free char *dir = state_dir(g->root, st->id);
	cleanup_free char *sock = NULL;
	cleanup_cgroup struct cgroup *cg = NULL;
	cleanup_close int fd = -1;

	size_t k = 0;

	/* A paused sandbox is frozen with the rest: its sentry would never
	 * answer. The cgroup then, as runc reads it. */
	if (strcmp(state_status(st), "paused") != 0 && dir != NULL &&
	    asprintf(&sock, "%s/sentry.sock", dir) >= 0) {
		fd = sentry_ctl_connect(sock, NULL);
		if (fd >= 0 && sentry_ctl_ps(fd, pids, n, NULL) == 0 &&
		    sandbox_pids_to_host(st, pids, n) == 0)
			return 0;
	}
	if (state_cgroup(st, &cg, err) < 0)
		return -1;
	if (cg == NULL)
		return cv_error_setx(err, "container %s has no cgroup", st->id);
	if (cgroup_pids(cg, pids, n, err) < 0)
		return -1;
	/* The workload's processes, as the sentry reports them: not the
	 * sandbox (the sentry) and the gofer, which share the cgroup. */
	for (size_t i = 0; i < *n; i++)
		if ((*pids)[i] != st->sandbox_pid && (*pids)[i] != st->gofer_pid)
			(*pids)[k++] = (*pids)[i];
	*n = k;
	return 0;
}

/* The command line of pid, NUL separators turned into spaces. */
static void cmdline(pid_t pid, char *buf, size_t len)
{
	char path[64];
	cleanup_close int fd = -1;
	ssize_t r;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	r = read(fd, buf, len - 1);
	if (r <= 0)
		return;
	buf[r] = '\0';
	for (ssize_t i = 0; i < r - 1; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
}

static void print_table(const pid_t *pids, size_t n)
{
	char cmd[512];

	printf("%-8s %-8s %s\n", "UID", "PID", "CMD");
	for (size_t i = 0; i < n; i++) {
		char path[64];
		FILE *f;
		unsigned uid = 0;
		char line[256];

		snprintf(path, sizeof(path), "/proc/%d/status", (int)pids[i]);
		f = fopen(path, "re");
		while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
			if (sscanf(line, "Uid: %u", &uid) == 1)
				break;
		}
		if (f != NULL)
			fclose(f);
		cmdline(pids[i], cmd, sizeof(cmd));
		printf("%-8u %-8d %s\n", uid, (int)pids[i], cmd);
	}
}

int cmd_ps(struct global_opts *g, int argc, char **argv,
	   struct cv_error **err)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		CLI_HELP_OPTION,
		{ 0 },
	};
	cleanup_state struct container_state *st = NULL;
	cleanup_free pid_t *pids = NULL;
	bool json = false;
	size_t n = 0;
	int c;

	cli_getopt_reset();
	while ((c = cli_getopt("ps", argc, argv, "f:h", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (strcmp(optarg, "json") == 0)
			json = true;
		else if (strcmp(optarg, "table") != 0)
			return cv_error_setx(err, "invalid format option");
	}
	if (cli_need_args("ps", argc, 1, false, err) < 0 ||
	    cli_check_id(argv[optind], err) < 0 ||
	    state_load(g->root, argv[optind], &st, err) < 0)
		return -1;
	if (strcmp(state_status(st), "stopped") == 0) {
		if (json) {
			printf("[]\n");
			return 0;
		}
	} else if (get_pids(g, st, &pids, &n, err) < 0) {
		return -1;
	}
	if (!json) {
		print_table(pids, n);
		return 0;
	}
	printf("[");
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i > 0 ? "," : "", (int)pids[i]);
	printf("]\n");
	return 0;
}
