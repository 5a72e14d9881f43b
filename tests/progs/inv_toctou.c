// SPDX-License-Identifier: Apache-2.0
/*
 * inv_toctou SECONDS HOSTPATH SECRET: attacks invariant 1 (no host path
 * lookup on workload-controlled memory; docs/architecture.md) from inside
 * a sandbox.
 *
 * Thread A calls openat(AT_FDCWD, buf, O_RDONLY) and reads what it opened,
 * in a loop; thread B keeps rewriting buf between "/etc/hostname" (which
 * exists in the container) and HOSTPATH (a file that exists only on the
 * host, holding SECRET). If anything ever re-reads the path from workload
 * memory after the sentry decided (a CONTINUE'd openat, a host lookup on
 * the workload pointer), thread A eventually opens the host file and reads
 * SECRET.
 *
 * Prints one line "opens=N inside=N enoent=N other=N leaked=N" and exits
 * 0 if SECRET was never read and at least one open succeeded, 1 if SECRET
 * leaked, 2 on a usage or setup error, 3 if no open ever succeeded.
 * Also, "inv_toctou --plain PATH" opens PATH once and prints
 * "errno=N" (0 on success) — the single-shot check.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define INSIDE "/etc/hostname"

static char buf[4096];
static const char *host_path;
static atomic_int stop;

static void *flipper(void *arg)
{
	size_t ilen = strlen(INSIDE) + 1, hlen = strlen(host_path) + 1;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		/* Byte-wise copies: the buffer is also torn in between. */
		for (size_t i = 0; i < hlen; i++)
			((volatile char *)buf)[i] = host_path[i];
		for (size_t i = 0; i < ilen; i++)
			((volatile char *)buf)[i] = INSIDE[i];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--plain") == 0) {
		int fd = openat(AT_FDCWD, argv[2], O_RDONLY);

		printf("errno=%d\n", fd < 0 ? errno : 0);
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: inv_toctou SECONDS HOSTPATH SECRET\n");
		return 2;
	}
	int secs = atoi(argv[1]);
	const char *secret = argv[3];
	host_path = argv[2];
	if (strlen(host_path) >= sizeof(buf) / 2 || secs <= 0)
		return 2;
	strcpy(buf, INSIDE);

	pthread_t t;
	if (pthread_create(&t, NULL, flipper, NULL) != 0) {
		perror("pthread_create");
		return 2;
	}
	long opens = 0, inside = 0, enoent = 0, other = 0, leaked = 0;
	time_t end = time(NULL) + secs;
	char data[256];
	while (time(NULL) < end) {
		int fd = openat(AT_FDCWD, buf, O_RDONLY);
		opens++;
		if (fd < 0) {
			/* A torn path: ENOENT, ENOTDIR, ENAMETOOLONG... */
			if (errno == ENOENT)
				enoent++;
			else
				other++;
			continue;
		}
		ssize_t n = read(fd, data, sizeof(data) - 1);
		close(fd);
		if (n < 0)
			n = 0;
		data[n] = 0;
		if (strstr(data, secret) != NULL) {
			leaked++;
			fprintf(stderr, "LEAK: read the host file's content\n");
			break;
		}
		inside++;
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("opens=%ld inside=%ld enoent=%ld other=%ld leaked=%ld\n", opens,
	       inside, enoent, other, leaked);
	if (leaked)
		return 1;
	return inside > 0 ? 0 : 3;
}
