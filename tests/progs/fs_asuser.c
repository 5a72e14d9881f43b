// SPDX-License-Identifier: Apache-2.0
/*
 * fs_asuser UID GID PROG [ARGS...]: drops to uid/gid (no supplementary
 * groups) and execs PROG. For tests that need a second, unprivileged user
 * inside a sandbox (busybox has no setuid applet).
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t uid;
	gid_t gid;

	if (argc < 4) {
		fprintf(stderr, "usage: %s UID GID PROG [ARGS...]\n", argv[0]);
		return 2;
	}
	uid = (uid_t)strtoul(argv[1], NULL, 10);
	gid = (gid_t)strtoul(argv[2], NULL, 10);
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		perror("fs_asuser");
		return 126;
	}
	execv(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
}
