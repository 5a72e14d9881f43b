/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mem_hog [MiB]: allocates and touches memory 1 MiB at a time, without
 * end (or up to MiB), printing the total every 4 MiB; for the OOM tests
 * (runsc events). Exits 0 only if it reached the limit it was given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long max = argc > 1 ? atol(argv[1]) : -1;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (long mib = 1; max < 0 || mib <= max; mib++) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mem_hog: mmap");
			return 2;
		}
		memset(p, 0x5a, 1 << 20);
		if (mib % 4 == 0)
			printf("%ld MiB\n", mib);
	}
	return 0;
}
