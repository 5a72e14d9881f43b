/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc/pidmap: pids of a sandbox's own pid namespace (and of one nested
 * in it) mapped to ours, checked against the kernel's (the child's pids
 * read back from /proc), a sibling namespace's processes with the same
 * numbers never matched, and nothing changed for a process of our own
 * pid namespace.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runsc/pidmap.h"
#include "tests/unit/test.h"

/* A new pid namespace whose init (returned, our numbering) has a child
 * (its pid 2), itself init of a nested pid namespace when nested. Both
 * pause until killed with the namespace. */
static pid_t make_ns(bool nested)
{
	int p[2];
	pid_t pid;
	char b;

	if (pipe(p) < 0)
		return -1;
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL,
			     NULL, NULL);
	if (pid == 0) {
		pid_t c;

		/* Gone with the test, whatever CHECK stops it. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(1);
		c = nested ? (pid_t)syscall(SYS_clone,
						  CLONE_NEWPID | SIGCHLD, NULL,
						  NULL, NULL, NULL) :
				   fork();

		if (c == 0)
			for (;;)
				pause();
		if (write(p[1], c == 2 ? "y" : "n", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &b, 1) != 1 || b != 'y')
		pid = -1;
	close(p[0]);
	return pid;
}

static void kill_ns(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* The child of init (our numbering), from /proc. */
static pid_t child_of(pid_t init)
{
	char path[64];
	FILE *f;
	int c = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init,
		 (int)init);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%d", &c) != 1)
		c = -1;
	fclose(f);
	return c;
}

static pid_t ns_init;

static void maps(bool nested)
{
	pid_t pids[3] = { 2, 1, 77 };

	if (geteuid() != 0)
		SKIP("needs root (CLONE_NEWPID)");
	ns_init = make_ns(nested);
	CHECK(ns_init > 0);
	CHECK(pidmap_sandbox_has_own(ns_init));
	CHECK_EQ(pidmap_to_host(ns_init, pids, 3), 2);
	CHECK_EQ(pids[0], child_of(ns_init));
	CHECK_EQ(pids[1], ns_init);
	kill_ns(ns_init);
	ns_init = 0;
}

TEST(maps_its_pids_and_drops_the_unknown)
{
	maps(false);
}

TEST(maps_a_nested_namespace_by_its_pid_there)
{
	maps(true);
}

static pid_t sibling[2];

TEST(sibling_namespace_not_matched)
{
	pid_t pids[1] = { 1 };

	if (geteuid() != 0)
		SKIP("needs root (CLONE_NEWPID)");
	/* Made first, so /proc lists it first: the same numbers. */
	sibling[1] = make_ns(false);
	sibling[0] = make_ns(false);
	CHECK(sibling[0] > 0 && sibling[1] > 0);
	CHECK_EQ(pidmap_to_host(sibling[0], pids, 1), 1);
	CHECK_EQ(pids[0], sibling[0]);
	kill_ns(sibling[0]);
	kill_ns(sibling[1]);
}

TEST(our_own_namespace_unchanged)
{
	pid_t pids[2] = { 123, 456 };

	CHECK(!pidmap_sandbox_has_own(getpid()));
	CHECK_EQ(pidmap_to_host(getpid(), pids, 2), 2);
	CHECK_EQ(pids[0], 123);
	CHECK_EQ(pids[1], 456);
}

int main(void)
{
	return test_main();
}
