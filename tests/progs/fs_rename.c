// SPDX-License-Identifier: Apache-2.0
/*
 * fs_rename SRC DST: one rename(2), no fallback (busybox mv copies when
 * rename says EXDEV, which would hide it). Prints "ok" or the error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s SRC DST\n", argv[0]);
		return 2;
	}
	if (rename(argv[1], argv[2]) < 0) {
		printf("%s\n", strerror(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}
