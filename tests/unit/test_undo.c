/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/undo: steps run last first on rollback, never on release; owned
 * arguments are freed exactly once either way; leaving a scope without a
 * release rolls back.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/undo.h"
#include "tests/unit/test.h"

static char trace[64];
static int freed;

static void record(void *arg)
{
	strncat(trace, arg, sizeof(trace) - strlen(trace) - 1);
}

static void count_free(void *arg)
{
	(void)arg;
	freed++;
}

static void reset(void)
{
	trace[0] = '\0';
	freed = 0;
}

TEST(runs_in_reverse_order)
{
	struct cv_undo u = CV_UNDO_INIT;

	reset();
	for (int i = 0; i < 20; i++)	/* past the first growth */
		CHECK_EQ(cv_undo_push(&u, record, i % 2 ? "b" : "a",
				      count_free), 0);
	cv_undo_run(&u);
	CHECK_STREQ(trace, "babababababababababa");
	CHECK_EQ(freed, 20);
	CHECK_EQ(u.n, 0u);
	/* A second run does nothing. */
	cv_undo_run(&u);
	CHECK_STREQ(trace, "babababababababababa");
}

TEST(release_runs_nothing_and_frees)
{
	struct cv_undo u = CV_UNDO_INIT;

	reset();
	CHECK_EQ(cv_undo_push(&u, record, "x", count_free), 0);
	CHECK_EQ(cv_undo_push(&u, record, "y", NULL), 0);
	cv_undo_release(&u);
	CHECK_STREQ(trace, "");
	CHECK_EQ(freed, 1);
	cv_undo_run(&u);
	CHECK_STREQ(trace, "");
}

static int set_up(bool fail)
{
	cleanup_undo struct cv_undo u = CV_UNDO_INIT;

	if (cv_undo_push(&u, record, "1", NULL) < 0 ||
	    cv_undo_push(&u, record, "2", NULL) < 0)
		return -1;
	if (fail)
		return -1;
	cv_undo_release(&u);
	return 0;
}

TEST(scope_exit_rolls_back_unless_released)
{
	reset();
	CHECK_EQ(set_up(false), 0);
	CHECK_STREQ(trace, "");
	CHECK_EQ(set_up(true), -1);
	CHECK_STREQ(trace, "21");
}

TEST(owned_argument_freed_after_its_step)
{
	struct cv_undo u = CV_UNDO_INIT;
	char *p = strdup("z");

	reset();
	CHECK(p != NULL);
	CHECK_EQ(cv_undo_push(&u, record, p, free), 0);
	cv_undo_run(&u);	/* valgrind/ASan: no leak, no use after free */
	CHECK_STREQ(trace, "z");
}

int main(void)
{
	return test_main();
}
