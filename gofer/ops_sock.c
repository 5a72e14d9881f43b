// SPDX-License-Identifier: Apache-2.0
/*
 * bind(2) and connect(2) of a donated AF_UNIX socket to a filesystem
 * path, and connect(2) to an abstract name (for its peer credentials). The path is resolved in the gofer's mount namespace (the sandbox
 * root) as the task: the gofer changes its cwd to the base directory (or
 * to the parent directory, when the path does not fit in sun_path) and
 * uses a relative sun_path. gofer_leave() restores the cwd.
 *
 * The socket file bind makes is owned by the task's fsuid/fsgid (the
 * thread's fs ids). connect runs with the task's ids as the thread's
 * euid/egid too, since the kernel records those (and the connecting
 * process) as the listener's peer credentials: SO_PEERCRED shows the
 * task's uid and gid, and pid 0, as Linux shows a peer outside the
 * reader's pid namespace (the gofer is not in the sandbox's). A
 * blocking socket blocks here only if the sentry could not defer the
 * call (sentry/socket.c makes the connect non-blocking otherwise).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gofer/server.h"
#include "lib/cleanup.h"

static int check_unix_socket(int fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	if (fd < 0)
		return -EBADF;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return errno == ENOTSOCK ? -ENOTSOCK : -EBADF;
	return domain == AF_UNIX ? 0 : -EINVAL;
}

/* Moves the cwd so that *name (pointing into path) is a short relative
 * name for path. */
static int chdir_for(struct gofer_srv *s, const struct gofer_req *r,
		     const char **name)
{
	const char *path = r->path;
	size_t len = strlen(path);
	cleanup_free char *dir = NULL;
	cleanup_close int fd = -1;
	const char *slash;

	*name = path;
	s->cwd_moved = true;
	if (len < sizeof(((struct sockaddr_un *)0)->sun_path))
		return fchdir(gofer_base(s, r)) < 0 ? -errno : 0;
	slash = strrchr(path, '/');
	if (!slash || slash[1] == '\0')
		return -ENAMETOOLONG;
	*name = slash + 1;
	if (strlen(*name) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return -ENAMETOOLONG;
	dir = strndup(path, (size_t)(slash - path) + 1);
	if (!dir)
		return -ENOMEM;
	fd = openat(gofer_base(s, r), dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fchdir(fd) < 0 ? -errno : 0;
}

static long sock_op(struct gofer_srv *s, const struct gofer_req *r,
		    bool do_bind)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *name;
	socklen_t len;
	int ret;

	if (!r->path)
		return -EFAULT;
	ret = check_unix_socket(r->sockfd);
	if (ret < 0)
		return ret;
	ret = chdir_for(s, r, &name);
	if (ret < 0)
		return ret;
	strcpy(sun.sun_path, name);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			  strlen(name) + 1);
	if (do_bind)
		return bind(r->sockfd, (struct sockaddr *)&sun, len) < 0 ?
			       -errno : 0;
	/* The listener's SO_PEERCRED: the task's ids, not the gofer's. */
	ret = gofer_peer_creds_begin(&r->h.creds);
	if (ret == 0 &&
	    connect(r->sockfd, (struct sockaddr *)&sun, len) < 0)
		ret = -errno;
	gofer_peer_creds_end();
	return ret;
}

long gofer_op_bind_unix(struct gofer_srv *s, const struct gofer_req *r,
			struct gofer_rep *rep)
{
	(void)rep;
	return sock_op(s, r, true);
}

long gofer_op_connect_unix(struct gofer_srv *s, const struct gofer_req *r,
			   struct gofer_rep *rep)
{
	(void)rep;
	return sock_op(s, r, false);
}

/* An abstract name is no file: nothing is looked up, only the peer
 * credentials the kernel records are the reason to be here. */
long gofer_op_connect_abstract(struct gofer_srv *s, const struct gofer_req *r,
			       struct gofer_rep *rep)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int ret;

	(void)s;
	(void)rep;
	if (r->value == NULL || r->value_len == 0 ||
	    r->value_len > sizeof(sun.sun_path) ||
	    ((const char *)r->value)[0] != '\0')
		return -EINVAL;
	ret = check_unix_socket(r->sockfd);
	if (ret < 0)
		return ret;
	memcpy(sun.sun_path, r->value, r->value_len);
	ret = gofer_peer_creds_begin(&r->h.creds);
	if (ret == 0 &&
	    connect(r->sockfd, (struct sockaddr *)&sun,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				r->value_len)) < 0)
		ret = -errno;
	gofer_peer_creds_end();
	return ret;
}
