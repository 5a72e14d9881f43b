/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the test programs that print one result line per case, run on
 * the host and in the sandbox and compared (tests/lib.sh
 * t_compare_native).
 */
#ifndef CV_TESTS_PROGS_H
#define CV_TESTS_PROGS_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* A record of getdents64(2)'s buffer (struct linux_dirent64). */
struct d64 {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* errno e by its name ("ENOENT"), "ok" for 0, "errnoN" if glibc has none. */
static inline const char *ename(int e)
{
	static char buf[16];
	const char *n;

	if (e == 0)
		return "ok";
	n = strerrorname_np(e);
	if (n != NULL)
		return n;
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* One result line, "NAME value...", flushed (the output may be a pipe
 * that a crash of the next case would leave unflushed). */
static inline void case_out(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void case_out(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* "exit N", "signal N[ core]" or "? 0xN" of a wait status. */
static inline const char *wstatus(int st)
{
	static char s[32];

	if (WIFEXITED(st))
		snprintf(s, sizeof(s), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(s, sizeof(s), "signal %d%s", WTERMSIG(st),
			 WCOREDUMP(st) ? " core" : "");
	else
		snprintf(s, sizeof(s), "? %#x", st);
	return s;
}

/*
 * hold(TAG): print TAG and wait for a line on stdin (tests/escape/
 * exhaust.sh measures the sandbox meanwhile); at EOF (a native run with
 * stdin from /dev/null) goes on at once.
 */
static inline void hold(const char *tag)
{
	char line[16];

	printf("%s\n", tag);
	fflush(stdout);
	if (fgets(line, sizeof(line), stdin) == NULL)
		clearerr(stdin);
}

#endif
