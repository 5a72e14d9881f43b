// SPDX-License-Identifier: Apache-2.0
/*
 * Calls with an effect under a storm of signals the caller ignores
 * (tests/conformance/sig_restart.sh): an interval timer's SIGALRM, set to
 * SIG_IGN, while the program makes and removes a directory, renames a
 * file back and forth and lists a large directory with a small buffer.
 * Each call must succeed once, and the listing see every entry once, as
 * on the host.
 *
 * In the sandbox these calls are notifications served by the sentry (and
 * the gofer). A signal after the service and before the reply makes the
 * kernel drop the reply and restart the call; served again, the mkdir
 * found its own directory (EEXIST) and the listing skipped the entries
 * the first service wrote. The host kernel drops an ignored signal; the
 * sandbox's tasks are ptraced, so theirs is queued and interrupts.
 *
 * Prints one line per case and "done 0" (tests/lib.sh t_compare_native).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define ROUNDS 2000
#define FILES 400

static void storm(long usec)
{
	struct itimerval it = { { 0, usec }, { 0, usec } };

	signal(SIGALRM, SIG_IGN);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void mkdir_rmdir(const char *base)
{
	char d[256];
	int bad = 0, first = 0;

	snprintf(d, sizeof(d), "%s/d", base);
	for (int i = 0; i < ROUNDS; i++) {
		if (mkdir(d, 0700) < 0 && bad++ == 0)
			first = errno;
		if (rmdir(d) < 0 && bad++ == 0)
			first = errno;
	}
	printf("mkdir_rmdir_failures %d%s%s\n", bad, bad ? " first " : "",
	       bad ? strerrorname_np(first) : "");
}

static void rename_pair(const char *base)
{
	char a[256], b[256];
	int bad = 0, fd;

	snprintf(a, sizeof(a), "%s/a", base);
	snprintf(b, sizeof(b), "%s/b", base);
	fd = open(a, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < ROUNDS; i++) {
		bad += rename(a, b) < 0;
		bad += rename(b, a) < 0;
	}
	unlink(a);
	printf("rename_failures %d\n", bad);
}

static void listing(const char *base)
{
	char dir[256], f[300];
	union { struct dirent64 d; char b[256]; } buf;
	long seen = 0;
	int fd;

	snprintf(dir, sizeof(dir), "%s/many", base);
	mkdir(dir, 0700);
	for (int i = 0; i < FILES; i++) {
		snprintf(f, sizeof(f), "%s/file-%04d", dir, i);
		fd = open(f, O_CREAT | O_WRONLY, 0600);
		if (fd >= 0)
			close(fd);
	}
	for (int r = 0; r < 20; r++) {
		long n;

		fd = open(dir, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			break;
		while ((n = syscall(SYS_getdents64, fd, buf.b, sizeof(buf))) > 0)
			for (long off = 0; off < n;) {
				struct dirent64 *e = (void *)(buf.b + off);

				seen++;
				off += e->d_reclen;
			}
		close(fd);
	}
	printf("listing_entries %ld\n", seen);
	for (int i = 0; i < FILES; i++) {
		snprintf(f, sizeof(f), "%s/file-%04d", dir, i);
		unlink(f);
	}
	rmdir(dir);
}

int main(int argc, char **argv)
{
	char base[] = "/tmp/sigstorm-XXXXXX";

	setvbuf(stdout, NULL, _IONBF, 0);
	if (mkdtemp(base) == NULL) {
		printf("mkdtemp %s\n", strerrorname_np(errno));
		return 1;
	}
	storm(argc > 1 ? atol(argv[1]) : 200);
	mkdir_rmdir(base);
	rename_pair(base);
	listing(base);
	signal(SIGALRM, SIG_IGN);
	rmdir(base);
	printf("done 0\n");
	return 0;
}
