// SPDX-License-Identifier: Apache-2.0
/*
 * Lookups racing with changes made outside the sandbox (tests/integration/
 * file_access.sh runs it in the sandbox while the host renames and
 * recreates the directory): the sentry sees none of those calls, so only
 * its validation of cached directories can notice them. It holds an fd
 * of G, which makes G one the sentry validates on every use.
 *
 *	dc_race G/A MS DONE
 * Stats G/A by absolute path, relative to the cwd (G) and relative to a
 * dirfd of G for MS milliseconds; any answer but a directory or ENOENT is
 * counted as bad. Then waits for the file DONE (the host's last change is
 * made) and prints what the three lookups say now: "bad=N final=T-M T-M
 * T-M" (type and mode, or the errno).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int bad_answer(int r, const struct stat *st)
{
	if (r == 0)
		return !S_ISDIR(st->st_mode);
	return errno != ENOENT;
}

static void show(int r, const struct stat *st)
{
	if (r < 0)
		printf(" %s", errno == ENOENT ? "ENOENT" : strerror(errno));
	else
		printf(" %s-%o", S_ISDIR(st->st_mode) ? "dir" : "other",
		       st->st_mode & 07777);
}

int main(int argc, char **argv)
{
	char grand[4096], *slash;
	const char *name;
	long bad = 0, end;
	struct stat st;
	int dfd;

	if (argc != 4) {
		fprintf(stderr, "usage: dc_race G/A MS DONE\n");
		return 2;
	}
	snprintf(grand, sizeof(grand), "%s", argv[1]);
	slash = strrchr(grand, '/');
	if (slash == NULL || slash == grand)
		return 2;
	*slash = '\0';
	name = slash + 1 - grand + argv[1];
	if (chdir(grand) < 0)
		return 1;
	/* Not O_PATH: a task that holds such an fd of G could fchmod it
	 * unseen, so the sentry checks G on every use even under
	 * --file-access exclusive, where the host's changes to directories
	 * no task holds are not looked for (docs/architecture.md). */
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return 1;
	end = now_ms() + atol(argv[2]);
	while (now_ms() < end) {
		bad += bad_answer(stat(argv[1], &st), &st);
		bad += bad_answer(stat(name, &st), &st);
		bad += bad_answer(fstatat(dfd, name, &st, 0), &st);
	}
	for (end = now_ms() + 10000; now_ms() < end;) {
		if (stat(argv[3], &st) == 0)
			break;
		/* meanwhile the cache may keep G/A as it is */
		bad += bad_answer(stat(argv[1], &st), &st);
		usleep(2000);
	}
	printf("bad=%ld final=", bad);
	show(stat(argv[1], &st), &st);
	show(stat(name, &st), &st);
	show(fstatat(dfd, name, &st, 0), &st);
	printf("\n");
	return 0;
}
