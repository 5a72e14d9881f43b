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
 * A failed CHECK ends the current test (not the binary).
 */
#ifndef CV_TESTS_UNIT_TEST_H
#define CV_TESTS_UNIT_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Kept in a static, not a local: nothing live across setjmp may sit in a
 * register (-Wclobbered at -O1 in the sanitizer build). */
static const char *test_base;

static inline int test_main_named(const char *file)
{
	static int failed, i;
	const char *slash = strrchr(file, '/');

	test_base = slash ? slash + 1 : file;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < test_count; i++) {
		test_why[0] = '\0';
		test_skipped = 0;
		if (setjmp(test_jmp) == 0) {
			test_cases[i].fn();
			printf("ok %s: %s\n", test_base, test_cases[i].name);
		} else if (test_skipped) {
			printf("skip %s: %s: %s\n", test_base,
			       test_cases[i].name, test_why);
		} else {
			printf("not ok %s: %s: %s\n", test_base,
			       test_cases[i].name, test_why);
			failed++;
		}
	}
	return failed ? 1 : 0;
}

#define test_main() test_main_named(__FILE__)

#endif
