/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny unit-test harness. Each test binary prints one line per test:
 *	ok <file>: <name>
 *	not ok <file>: <name>: <why>
 *	skip <file>: <name>: <why>
 * which tests/run counts. Usage:
 *
 *	TEST(parses_rlimits) { ... CHECK(x == 1); CHECK_STREQ(a, "b"); }
 *	int main(void) { return test_main(); }
 *
 * Each test runs in a forked child of the binary: a failed CHECK ends the
 * test (not the binary), and whatever the test held (fds, memory, child
 * processes, a seccomp filter, a changed cwd) goes with the child instead
 * of leaking into the next test. The child sends its verdict to the parent
 * through a pipe and leaves by exit(), so atexit() handlers (inherited
 * from main: fixture cleanup; or the sanitizers' leak check) run after
 * every test. The parent reports a test whose child died of a signal or
 * left (exit(), _exit()) before the end as failed, and one that passed
 * but whose child then exited non-zero (an atexit handler, a leak) too.
 * Fixtures shared by every test are set up in main() before test_main().
 *
 * CVISOR_TEST_NOFORK=1 runs the tests in the binary's own process (for a
 * debugger): a failed CHECK then leaves by longjmp, skipping the test's
 * cleanup.
 */
#ifndef CV_TESTS_UNIT_TEST_H
#define CV_TESTS_UNIT_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST_MAX 512
static struct test_case test_cases[TEST_MAX];
static int test_count;
static jmp_buf test_jmp;
static char test_why[512];
static int test_skipped;

#define TEST(tname)                                                        \
	static void test_##tname(void);                                    \
	__attribute__((constructor)) static void test_reg_##tname(void)    \
	{                                                                  \
		if (test_count < TEST_MAX)                                 \
			test_cases[test_count++] =                         \
				(struct test_case){ #tname, test_##tname }; \
	}                                                                  \
	static void test_##tname(void)

#define FAILF(...)                                                         \
	do {                                                               \
		int fn_ = snprintf(test_why, sizeof(test_why), "%s:%d: ",   \
				  __FILE__, __LINE__);                     \
		snprintf(test_why + fn_, sizeof(test_why) - (size_t)fn_,     \
			 __VA_ARGS__);                                     \
		longjmp(test_jmp, 1);                                      \
	} while (0)

#define SKIP(...)                                                          \
	do {                                                               \
		snprintf(test_why, sizeof(test_why), __VA_ARGS__);         \
		test_skipped = 1;                                          \
		longjmp(test_jmp, 1);                                      \
	} while (0)

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond))                                               \
			FAILF("CHECK(%s) failed", #cond);                  \
	} while (0)

#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		long long a_ = (long long)(a), b_ = (long long)(b);        \
		if (a_ != b_)                                              \
			FAILF("%s == %s: %lld != %lld", #a, #b, a_, b_);   \
	} while (0)

#define CHECK_STREQ(a, b)                                                  \
	do {                                                               \
		const char *a_ = (a), *b_ = (b);                           \
		if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)       \
			FAILF("%s == %s: \"%.200s\" != \"%.200s\"", #a, #b, \
			      a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                        \
	do {                                                               \
		const char *h_ = (hay), *nd_ = (needle);                   \
		if (h_ == NULL || strstr(h_, nd_) == NULL)                 \
			FAILF("\"%.300s\" does not contain \"%.100s\"",            \
			      h_ ? h_ : "(null)", nd_);                    \
	} while (0)

/* Kept in statics, not locals: nothing live across setjmp may sit in a
 * register (-Wclobbered at -O1 in the sanitizer build). */
static const char *test_base;
static int test_cur;
static pid_t test_child_pid;

/* Runs test i here; returns 'o' (ok), 's' (skip) or 'n' (not ok), the
 * reason in test_why. */
static inline char test_run_here(int i)
{
	test_cur = i;
	test_why[0] = '\0';
	test_skipped = 0;
	if (setjmp(test_jmp) == 0) {
		test_cases[test_cur].fn();
		return 'o';
	}
	return test_skipped ? 's' : 'n';
}

/* The forked child: runs test i, writes "<verdict><why>" to fd, exits. */
static inline void test_child(int i, int fd)
{
	static char rec[sizeof(test_why) + 1];
	size_t n;

	test_child_pid = getpid();
	rec[0] = test_run_here(i);
	if (getpid() != test_child_pid) {
		/* A process the test forked hit a CHECK: it is not the
		 * test, its exit status goes to whoever waits for it. */
		fprintf(stderr, "%s: %s: in a child of the test: %s\n",
			test_base, test_cases[test_cur].name, test_why);
		_exit(1);
	}
	n = strlen(test_why);
	memcpy(rec + 1, test_why, n);
	if (write(fd, rec, n + 1) < 0)
		_exit(3);
	close(fd);
	fflush(NULL);
	exit(0);
}

static inline void test_print(const char *name, char verdict, const char *why)
{
	if (verdict == 'o')
		printf("ok %s: %s\n", test_base, name);
	else
		printf("%s %s: %s: %s\n", verdict == 's' ? "skip" : "not ok",
		       test_base, name, why);
}

/* Runs test i in a child; returns its verdict, printed. */
static inline char test_run_forked(int i)
{
	char rec[sizeof(test_why) + 1], why[sizeof(test_why) + 128];
	const char *name = test_cases[i].name;
	ssize_t n = 0;
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		test_print(name, 'n', "pipe2 failed");
		return 'n';
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		test_child(i, p[1]);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		test_print(name, 'n', "fork failed");
		return 'n';
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The record is written whole (< PIPE_BUF) before the child exits;
	 * do not wait for EOF: a process the test left behind may hold the
	 * write end. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	n = read(p[0], rec, sizeof(rec) - 1);
	close(p[0]);
	rec[n > 0 ? n : 0] = '\0';
	if (n <= 0) {
		if (WIFSIGNALED(status))
			snprintf(why, sizeof(why), "killed by signal %d (%s)",
				 WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			snprintf(why, sizeof(why),
				 "the test exited (status %d) before it ended",
				 WEXITSTATUS(status));
		test_print(name, 'n', why);
		return 'n';
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		int m = snprintf(why, sizeof(why), "%s%s", rec[0] == 'o' ?
				 "" : rec + 1, rec[0] == 'o' ? "" : "; ");

		if (WIFSIGNALED(status))
			snprintf(why + m, sizeof(why) - (size_t)m,
				 "after the test: killed by signal %d (%s)",
				 WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			snprintf(why + m, sizeof(why) - (size_t)m,
				 "after the test: exit status %d (an atexit "
				 "handler, a leak check)", WEXITSTATUS(status));
		test_print(name, 'n', why);
		return 'n';
	}
	test_print(name, rec[0], rec + 1);
	return rec[0];
}

static inline int test_main_named(const char *file)
{
	const char *slash = strrchr(file, '/');
	const char *nofork = getenv("CVISOR_TEST_NOFORK");
	int failed = 0;

	test_base = slash ? slash + 1 : file;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < test_count; i++) {
		char v;

		if (nofork && *nofork == '1') {
			v = test_run_here(i);
			test_print(test_cases[i].name, v, test_why);
		} else {
			v = test_run_forked(i);
		}
		failed += v == 'n';
	}
	return failed ? 1 : 0;
}

#define test_main() test_main_named(__FILE__)

#endif
