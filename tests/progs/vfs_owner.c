// SPDX-License-Identifier: Apache-2.0
/*
 * Owner and mode of virtual files: for each path, "PATH stat U:G MODE" and
 * "PATH fstat U:G MODE" (fstat of an O_RDONLY fd). tests/integration/
 * vfs_owner.sh compares the stat lines with the host kernel's and checks
 * the fstat lines against the documented difference (docs/oci-features.md).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat a, b;
		int fd = open(argv[i], O_RDONLY);
		if (fd < 0 || stat(argv[i], &a) < 0 || fstat(fd, &b) < 0) {
			perror(argv[i]);
			continue;
		}
		printf("%s stat %u:%u %o\n", argv[i], a.st_uid, a.st_gid,
		       a.st_mode & 07777);
		printf("%s fstat %u:%u %o\n", argv[i], b.st_uid, b.st_gid,
		       b.st_mode & 07777);
		close(fd);
	}
	return 0;
}
