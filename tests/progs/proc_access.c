// SPDX-License-Identifier: Apache-2.0
/*
 * access(2) and faccessat2(AT_EACCESS) of /proc, /sys and /dev files, as
 * root, as a user, and as a user whose effective id is root (access()
 * checks the real ids). Prints "name result" per case, then "done 0";
 * tests/conformance/proc_access.sh runs it under runc and under cvisor
 * and compares.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static const char *const paths[] = {
	"/proc", "/proc/self", "/proc/self/status", "/proc/self/oom_score_adj",
	"/proc/self/exe", "/proc/self/cwd", "/proc/self/fd", "/proc/self/mem",
	"/proc/cpuinfo", "/proc/sys/kernel/hostname", "/proc/sys/net",
	"/proc/sysrq-trigger", "/sys", "/sys/kernel", "/sys/fs/cgroup",
	"/dev/null",
};

static const struct {
	const char *name;
	int mode;
} modes[] = {
	{ "f", F_OK }, { "r", R_OK }, { "w", W_OK }, { "x", X_OK },
	{ "rw", R_OK | W_OK }, { "rx", R_OK | X_OK },
};

static const char *result(int ret)
{
	return ret == 0 ? "ok" : strerror(errno);
}

static void cases(const char *who)
{
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			int a = access(paths[i], modes[m].mode);

			printf("%s:access:%s:%s %s\n", who, modes[m].name,
			       paths[i], result(a));
			a = (int)syscall(SYS_faccessat2, AT_FDCWD, paths[i],
					 modes[m].mode, AT_EACCESS);
			printf("%s:eaccess:%s:%s %s\n", who, modes[m].name,
			       paths[i], result(a));
		}
}

/* The cases in a child with real, effective and saved uids r, e, s. */
static void as(const char *who, uid_t r, uid_t e, uid_t s)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (setresgid(r, e, s) < 0 || setresuid(r, e, s) < 0) {
			printf("%s:setresuid %s\n", who, strerror(errno));
			_exit(1);
		}
		cases(who);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	as("root", 0, 0, 0);
	as("user", 1000, 1000, 1000);
	as("ruser", 1000, 0, 0);
	printf("done 0\n");
	return 0;
}
