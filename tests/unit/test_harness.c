// SPDX-License-Identifier: Apache-2.0
/*
 * The harness itself (tests/unit/test.h): this binary runs itself with
 * --victims, whose tests fail in every way a test can (a CHECK, a crash,
 * exit(), an fd left open by a failed test with a cleanup attribute...),
 * and checks the lines the harness prints for them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/test.h"

/* ---- the victims (run only with --victims) ---------------------------- */

static int fds_at_start;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the one opendir holds */
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static void v_passes(void)
{
	CHECK_EQ(1 + 1, 2);
}

static void v_fails(void)
{
	CHECK_EQ(1 + 1, 3);
}

static void v_skips(void)
{
	SKIP("not here");
}

static void v_segv(void)
{
	raise(SIGSEGV);
}

static void v_killed(void)
{
	raise(SIGKILL);
}

static void v_exit0(void)
{
	exit(0);
}

static void v__exit7(void)
{
	_exit(7);
}

/* Fails with an fd open under a cleanup attribute, and more held. */
static void v_fails_holding_fds(void)
{
	__attribute__((cleanup(close_fd))) int fd = open("/", O_PATH);

	for (int i = 0; i < 8; i++)
		(void)!dup(0);
	CHECK(fd < 0);
}

/* Runs after v_fails_holding_fds: nothing of it is left here (the one
 * fd more than main had is the harness's pipe to the parent). */
static void v_no_fds_left(void)
{
	CHECK_EQ(count_fds(), fds_at_start + 1);
}

static void exit5(void)
{
	_exit(5);
}

/* Passes, then its process does not exit cleanly. */
static void v_bad_atexit(void)
{
	atexit(exit5);
}

/* A process the test forks fails a CHECK: the test (its parent) sees an
 * exit status, the rest of the tests do not run in the grandchild. */
static void v_check_in_grandchild(void)
{
	int status;
	pid_t p = fork();

	CHECK(p >= 0);
	if (p == 0)
		CHECK(0);
	CHECK_EQ(waitpid(p, &status, 0), p);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 1);
}

static const struct test_case victims[] = {
	{ "passes", v_passes },
	{ "fails", v_fails },
	{ "skips", v_skips },
	{ "segv", v_segv },
	{ "killed", v_killed },
	{ "exit0", v_exit0 },
	{ "_exit7", v__exit7 },
	{ "fails_holding_fds", v_fails_holding_fds },
	{ "no_fds_left", v_no_fds_left },
	{ "bad_atexit", v_bad_atexit },
	{ "check_in_grandchild", v_check_in_grandchild },
};

static int run_victims(void)
{
	test_count = 0;
	for (size_t i = 0; i < sizeof(victims) / sizeof(victims[0]); i++)
		test_cases[test_count++] = victims[i];
	fds_at_start = count_fds();
	return test_main();
}

/* ---- the tests -------------------------------------------------------- */

static char out[8192];
static int victims_status;

/* The output of "this binary --victims". */
static void run_self(void)
{
	int p[2];
	ssize_t n, got = 0;
	pid_t pid;

	CHECK(pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(open("/dev/null", O_WRONLY), 2);
		execl("/proc/self/exe", "test_harness", "--victims", NULL);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0)
		got += n;
	close(p[0]);
	out[got] = '\0';
	CHECK_EQ(waitpid(pid, &victims_status, 0), pid);
}

/* The line of test name (without the newline), "" if none. */
static const char *line_of(const char *name)
{
	static char line[512];
	char key[128];
	const char *s = out;

	for (; s != NULL && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
		const char *c = strstr(s, "test_harness.c: ");
		size_t len = strcspn(s, "\n");

		snprintf(key, sizeof(key), "test_harness.c: %s", name);
		if (c != NULL && c < s + len && strncmp(c, key, strlen(key)) == 0 &&
		    (c[strlen(key)] == '\n' || c[strlen(key)] == ':')) {
			snprintf(line, sizeof(line), "%.*s", (int)len, s);
			return line;
		}
	}
	return "";
}

#define CHECK_LINE(name, prefix, why)                                      \
	do {                                                               \
		const char *l_ = line_of(name);                            \
		CHECK(strncmp(l_, prefix " ", strlen(prefix) + 1) == 0);   \
		CHECK_CONTAINS(l_, why);                                   \
	} while (0)

TEST(every_way_to_fail_is_reported)
{
	run_self();
	CHECK(WIFEXITED(victims_status));
	CHECK_EQ(WEXITSTATUS(victims_status), 1);
	CHECK_LINE("passes", "ok", "");
	CHECK_LINE("fails", "not ok", "1 + 1 == 3: 2 != 3");
	CHECK_LINE("skips", "skip", "not here");
	/* the sanitizers catch SIGSEGV, report, and exit(1) */
	if (getenv("CVISOR_SAN") && *getenv("CVISOR_SAN"))
		CHECK_LINE("segv", "not ok", "exited (status 1) before it ended");
	else
		CHECK_LINE("segv", "not ok", "killed by signal 11");
	CHECK_LINE("killed", "not ok", "killed by signal 9");
	CHECK_LINE("exit0", "not ok", "exited (status 0) before it ended");
	CHECK_LINE("_exit7", "not ok", "exited (status 7) before it ended");
	CHECK_LINE("fails_holding_fds", "not ok", "CHECK(fd < 0) failed");
	CHECK_LINE("no_fds_left", "ok", "");
	CHECK_LINE("bad_atexit", "not ok", "after the test: exit status 5");
	CHECK_LINE("check_in_grandchild", "ok", "");
}

/* Every victim printed exactly one line, in order. */
TEST(one_line_per_test_in_order)
{
	const char *s;
	size_t i = 0;

	run_self();
	for (s = out; *s; s = strchr(s, '\n') + 1, i++) {
		char key[128];

		CHECK(strchr(s, '\n') != NULL);
		CHECK(i < sizeof(victims) / sizeof(victims[0]));
		snprintf(key, sizeof(key), "test_harness.c: %s", victims[i].name);
		CHECK(strstr(s, key) != NULL && strstr(s, key) < strchr(s, '\n'));
	}
	CHECK_EQ(i, sizeof(victims) / sizeof(victims[0]));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--victims") == 0)
		return run_victims();
	return test_main();
}
