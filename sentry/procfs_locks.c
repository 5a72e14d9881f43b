// SPDX-License-Identifier: Apache-2.0
/*
 * /proc/locks for the sandbox: the file locks its processes hold, as
 * Linux lists the locks of the reader's pid namespace (util-linux's
 * lslocks reads it). The sentry has no table of them: each process's
 * fdinfo in the sandbox's procfs shows the locks held through that fd
 * ("lock:\t1: POSIX  ADVISORY  WRITE 12 fe:00:1234 0 EOF", the pid the
 * namespace's); the same lock seen through several fds is listed once,
 * all numbered in turn. Not shown, as on Linux: a lock whose pid reads 0
 * (its process gone or outside the namespace: a flock(1) that exited,
 * its lock held by the fd it left). Not shown either: waiters (Linux's
 * "->" lines), and
 * the locks of a process whose fdinfo the sentry may not list (another
 * uid's, 0500, and the sentry has no DAC override).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/synth.h"

/* Whether text (a lock's line after its "N: ") is one of seen's. */
static bool have_lock(const struct vbuf *seen, const char *text, size_t len)
{
	for (const char *p = seen->data; p != NULL && *p;) {
		const char *nl = strchrnul(p, '\n');

		if ((size_t)(nl - p) == len && memcmp(p, text, len) == 0)
			return true;
		p = *nl ? nl + 1 : nl;
	}
	return false;
}

/* The pid field of a lock's text ("POSIX  ADVISORY  WRITE 12 ..."). */
static long lock_pid(const char *text)
{
	long pid = 0;

	if (sscanf(text, "%*s %*s %*s %ld", &pid) != 1)
		return 0;
	return pid;
}

/* The lock lines of one fdinfo file, each new one numbered into b. */
static void fd_locks(int dfd, const char *name, struct vbuf *seen,
		     struct vbuf *b, int *k)
{
	char buf[4096];
	const char *p;
	ssize_t n;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (p = strstr(buf, "lock:\t"); p != NULL; p = strstr(p, "lock:\t")) {
		const char *text = strchr(p, ' ');
		const char *nl = strchrnul(p, '\n');
		size_t len;

		p = nl;
		if (text == NULL || text > nl)
			continue;
		text++;
		len = (size_t)(nl - text);
		if (lock_pid(text) <= 0 || have_lock(seen, text, len))
			continue;
		vbuf_put(seen, text, len);
		vbuf_put(seen, "\n", 1);
		vbuf_printf(b, "%d: %.*s\n", ++*k, (int)len, text);
	}
}

static void pid_locks(int pfd, pid_t pid, struct vbuf *seen, struct vbuf *b,
		      int *k)
{
	char path[32];
	struct dirent *e;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%d/fdinfo", (int)pid);
	fd = openat(pfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			fd_locks(dirfd(d), e->d_name, seen, b, k);
	closedir(d);
}

int procfs_gen_locks(struct sc_call *c, const struct vnode *n,
		     struct vbuf *b)
{
	struct vbuf seen = { 0 };
	int pfd = vtree_host_proc_fd(), k = 0;
	pid_t pids[1024];
	int np = procfs_pids(c, pids, ARRAY_SIZE(pids));

	(void)n;
	for (int i = 0; pfd >= 0 && i < np; i++)
		pid_locks(pfd, pids[i], &seen, b, &k);
	vbuf_free(&seen);
	return b->err;
}
