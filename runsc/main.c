/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder entry point; the runsc CLI replaces it. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("runsc version 0.1.0 (cvisor)\n");
		return 0;
	}
	fprintf(stderr, "runsc: not yet implemented\n");
	return 1;
}
