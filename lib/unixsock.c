// SPDX-License-Identifier: Apache-2.0
/*
 * Unix sockets by long paths. See unixsock.h.
 */
#include "unixsock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

static bool valid_name(const char *name)
{
	return name[0] != '\0' && strchr(name, '/') == NULL &&
	       strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* The name through the magic link of dirfd: at most 14 + 10 + 1 bytes
 * before it, whatever the directory's own path. */
static int sun_via_proc(struct sockaddr_un *sa, int dirfd, const char *name)
{
	int n = snprintf(sa->sun_path, SUN_PATH_MAX, "/proc/self/fd/%d/%s",
			 dirfd, name);

	if (n < 0 || (size_t)n >= SUN_PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static int do_op(int fd, const struct sockaddr_un *sa, bool listen_op,
		 int backlog)
{
	int r = listen_op ? bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) :
			    connect(fd, (const struct sockaddr *)sa,
				    sizeof(*sa));

	if (r < 0)
		return -errno;
	if (listen_op && listen(fd, backlog) < 0)
		return -errno;
	return 0;
}

/* Without /proc: the name relative to dirfd as the cwd, and back. Only
 * for single-threaded callers (runsc), which is all there are. */
static int op_via_cwd(int fd, int dirfd, const char *name, bool listen_op,
		      int backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (strlen(name) >= SUN_PATH_MAX)
		return -ENAMETOOLONG;
	if (cwd < 0)
		return -errno;
	strcpy(sa.sun_path, name);
	if (fchdir(dirfd) < 0)
		return -errno;
	r = do_op(fd, &sa, listen_op, backlog);
	if (fchdir(cwd) < 0)
		abort();	/* no way to go on in the wrong directory */
	return r;
}

static bool proc_fd_usable(int dirfd)
{
	char p[40];

	snprintf(p, sizeof(p), "/proc/self/fd/%d", dirfd);
	return faccessat(AT_FDCWD, p, F_OK, 0) == 0;
}

static int sock_op_at(int dirfd, const char *name, bool listen_op,
		      int backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int fd = -1;
	int r;

	if (!valid_name(name))
		return -EINVAL;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (proc_fd_usable(dirfd)) {
		r = sun_via_proc(&sa, dirfd, name);
		if (r == 0)
			r = do_op(fd, &sa, listen_op, backlog);
	} else {
		r = op_via_cwd(fd, dirfd, name, listen_op, backlog);
	}
	return r < 0 ? r : steal_fd(fd);
}

int cv_unix_listen_at(int dirfd, const char *name, int backlog)
{
	return sock_op_at(dirfd, name, true, backlog);
}

int cv_unix_connect_at(int dirfd, const char *name)
{
	return sock_op_at(dirfd, name, false, 0);
}

static int sock_op(const char *path, bool listen_op, int backlog)
{
	cleanup_free char *dir = strdup(path);
	cleanup_close int dirfd = -1;
	const char *name;
	char *slash;

	if (dir == NULL)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		name = path;
		strcpy(dir, ".");
	} else {
		name = path + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';	/* "/name": the root */
		else
			*slash = '\0';
	}
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	return sock_op_at(dirfd, name, listen_op, backlog);
}

int cv_unix_listen(const char *path, int backlog)
{
	return sock_op(path, true, backlog);
}

int cv_unix_connect(const char *path)
{
	return sock_op(path, false, 0);
}
