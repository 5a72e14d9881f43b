// SPDX-License-Identifier: Apache-2.0
/*
 * A masked path's file, changed through the fd it opens: fchmod and
 * fchown are PASS calls, so they act on whatever node the open gave.
 * Prints "NAME RESULT" lines, then the mode and owner of /dev/null as
 * this process sees it, and "done 0".
 *
 *	mask_fchmod PATH MODE(octal) UID
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "progs.h"

int main(int argc, char **argv)
{
	struct stat st;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s PATH MODE UID\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	printf("open %s\n", ename(fd < 0 ? errno : 0));
	if (fd >= 0) {
		printf("fchmod %s\n", ename(fchmod(fd, (mode_t)strtol(argv[2],
					NULL, 8)) < 0 ? errno : 0));
		printf("fchown %s\n", ename(fchown(fd, (uid_t)atoi(argv[3]),
					(gid_t)-1) < 0 ? errno : 0));
		if (fstat(fd, &st) == 0)
			printf("fd_node %u:%u\n", major(st.st_rdev),
			       minor(st.st_rdev));
	}
	if (stat("/dev/null", &st) == 0)
		printf("devnull %o %u\n", st.st_mode & 07777, st.st_uid);
	printf("done 0\n");
	return 0;
}
