// SPDX-License-Identifier: Apache-2.0
/*
 * /proc/<pid> entries Linux guards with ptrace_may_access(READ_FSCREDS)
 * (environ, cwd, fd/N; fd/ itself is a 0500 directory of the process's
 * dump owner), read by a uid 1000 process with no capabilities
 * from another uid 1000 process (tests/escape/proc_ptrace.sh runs it
 * natively and in the sandbox and compares):
 *
 *   nondumpable  the target changed its uids (setresuid from root): the
 *                kernel made it non-dumpable: EACCES
 *   dumpable     the same after prctl(PR_SET_DUMPABLE, 1): readable
 *   capped       the target kept CAP_NET_BIND_SERVICE permitted (not
 *                effective), dumpable: its caps are not within the
 *                reader's: EACCES
 *
 * Run as root. Prints "name result" lines, then "done 0".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

#define UID 1000

static void become_user(bool keep_bind)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (keep_bind && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		_exit(250);
	if (setgroups(0, NULL) < 0 || setresgid(UID, UID, UID) < 0 ||
	    setresuid(UID, UID, UID) < 0)
		_exit(251);
	if (!keep_bind)
		return;
	d[0].permitted = 1u << CAP_NET_BIND_SERVICE;
	if (syscall(SYS_capset, &h, d) < 0)
		_exit(252);
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* The target: becomes uid 1000, says 'r', then obeys: 'd' dumpable. */
static pid_t target(bool keep_bind, int *cmd, int *ready)
{
	int c[2], r[2];
	pid_t pid;
	char x;

	if (pipe(c) < 0 || pipe(r) < 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		close(c[1]);
		close(r[0]);
		become_user(keep_bind);
		if (write(r[1], "r", 1) != 1)
			_exit(1);
		while (read(c[0], &x, 1) == 1) {
			if (x == 'd')
				prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
			if (write(r[1], "r", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(c[0]);
	close(r[1]);
	if (read(r[0], &x, 1) != 1)
		exit(1);
	*cmd = c[1];
	*ready = r[0];
	return pid;
}

/* A uid 1000 reader: each of environ, cwd, fd of pid. */
static void reader(const char *name, pid_t pid)
{
	pid_t r = fork();
	int st;

	if (r == 0) {
		char path[64], buf[256];
		int fd, e;
		DIR *d;

		become_user(false);
		snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
		fd = open(path, O_RDONLY);
		e = fd < 0 ? errno : 0;
		printf("%s_environ %s\n", name, ename(e));
		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
		e = readlink(path, buf, sizeof(buf)) < 0 ? errno : 0;
		printf("%s_cwd %s\n", name, ename(e));
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
		d = opendir(path);
		printf("%s_fd %s\n", name, ename(d ? 0 : errno));
		if (d)
			closedir(d);
		snprintf(path, sizeof(path), "/proc/%d/fd/0", (int)pid);
		e = readlink(path, buf, sizeof(buf)) < 0 ? errno : 0;
		printf("%s_fd0 %s\n", name, ename(e));
		_exit(0);
	}
	waitpid(r, &st, 0);
}

int main(void)
{
	int cmd, ready;
	pid_t a;
	char x;

	setvbuf(stdout, NULL, _IONBF, 0);
	a = target(false, &cmd, &ready);
	reader("nondumpable", a);
	if (write(cmd, "d", 1) != 1 || read(ready, &x, 1) != 1)
		return 1;
	reader("dumpable", a);
	close(cmd);
	waitpid(a, NULL, 0);
	a = target(true, &cmd, &ready);
	reader("capped", a);
	close(cmd);
	waitpid(a, NULL, 0);
	printf("done 0\n");
	return 0;
}
