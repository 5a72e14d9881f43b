// SPDX-License-Identifier: Apache-2.0
/*
 * A task's /proc files as the kernel makes them, read by the sentry (the
 * signal dispositions and masks of sigwait.c and coredump.c, the limits,
 * Mems_allowed_list of mempolicy.c): one bounded read, one field parser.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "sentry/proc_status.h"
#include "sentry/vtree.h"

ssize_t task_proc_read(pid_t pid, const char *name, char *buf, size_t len)
{
	cleanup_close int fd = -1;
	int pfd = vtree_host_proc_fd();
	char path[64];
	size_t got = 0;
	ssize_t n = 0;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	if (pfd < 0)
		return pfd;
	snprintf(path, sizeof(path), "%d/%s", (int)pid, name);
	fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return n < 0 ? -errno : (ssize_t)got;
}

ssize_t task_status_read(pid_t tgid, pid_t tid, char *buf, size_t len)
{
	char name[32];

	if (tid == 0)
		return task_proc_read(tgid, "status", buf, len);
	snprintf(name, sizeof(name), "task/%d/status", (int)tid);
	return task_proc_read(tgid, name, buf, len);
}

const char *status_value(const char *buf, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = buf; p != NULL && *p;) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			p += klen + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

uint64_t status_num(const char *buf, const char *key, int base)
{
	const char *v = status_value(buf, key);

	return v != NULL ? strtoull(v, NULL, base) : 0;
}
