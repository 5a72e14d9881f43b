// SPDX-License-Identifier: Apache-2.0
/*
 * A directory of a million entries (tests/escape/exhaust.sh).
 *   ex_getdents make DIR N   (on the host) DIR/f0..f(N-1), hard links of
 *                            a few files: entries, hardly any inodes
 *   ex_getdents DIR          reads DIR with getdents64 in 32 KiB rounds,
 *                            then stats its first and last entry
 * Prints "entries N", "stat_first ERRNO", "stat_last ERRNO" and ends with
 * "done 0"; the time is printed on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "progs.h"

/* Hard links, at most 60000 per inode (ext4 allows 65000). */
static int make(const char *dir, long n)
{
	char p[4096], q[4096];

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return 1;
	for (long i = 0; i < n; i++) {
		snprintf(q, sizeof(q), "%s/f%ld", dir, i);
		if (i % 60000 == 0) {
			snprintf(p, sizeof(p), "%s", q);
			close(open(p, O_CREAT | O_WRONLY, 0644));
		} else if (link(p, q) < 0 && errno != EEXIST) {
			perror(q);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[32768];
	long n = 0, rounds = 0, max = -1;
	struct timespec t0, t1;
	struct stat st;
	char p[4096];
	int fd;

	hold("ready");
	if (argc == 4 && !strcmp(argv[1], "make"))
		return make(argv[2], atol(argv[3]));
	if (argc != 2)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		printf("open %s\n", ename(errno));
		return 1;
	}
	for (;;) {
		long r = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		if (r < 0) {
			printf("getdents64 %s\n", ename(errno));
			break;
		}
		if (r == 0)
			break;
		rounds++;
		for (long o = 0; o < r;) {
			struct d64 *d = (struct d64 *)(buf + o);

			if (d->name[0] == 'f' && atol(d->name + 1) > max)
				max = atol(d->name + 1);
			n++;
			o += d->reclen;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	printf("entries %ld\n", n);
	snprintf(p, sizeof(p), "%s/f0", argv[1]);
	printf("stat_first %s\n", ename(stat(p, &st) < 0 ? errno : 0));
	snprintf(p, sizeof(p), "%s/f%ld", argv[1], max);
	printf("stat_last %s\n", ename(stat(p, &st) < 0 ? errno : 0));
	fprintf(stderr, "entries %ld rounds %ld in_ms %.0f\n", n, rounds,
		(t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	hold("held");
	hold("released");
	printf("done 0\n");
	return 0;
}
