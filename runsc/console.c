/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Terminals for workload processes. See console.h.
 */
#include "runsc/console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"

int console_connect(const char *path, struct cv_error **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	cleanup_close int s = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return cv_error_setx(err, "console socket: %s: path too long",
				     path);
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return cv_error_set(err, errno, "console socket");
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return cv_error_set(err, errno, "console socket: %s", path);
	return steal_fd(s);
}

int console_open_pty(const char *pts_dir, int *master, int *slave,
		     struct cv_error **err)
{
	struct mount_attr a = { .attr_clr = MOUNT_ATTR_NODEV };
	cleanup_close int tree = -1, m = -1;
	int unlock = 0, s;

	/* A detached copy of the devpts mount, so a nodev view (the
	 * workload's) does not matter and the view itself is not changed. */
	tree = open_tree(AT_FDCWD, pts_dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
						    AT_SYMLINK_NOFOLLOW);
	if (tree < 0)
		return cv_error_set(err, errno, "console: %s", pts_dir);
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return cv_error_set(err, errno, "console: %s", pts_dir);
	m = openat(tree, "ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return cv_error_set(err, errno, "console: %s/ptmx", pts_dir);
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
		return cv_error_set(err, errno, "console: unlockpt");
	/* The peer by fd: no path lookup that could be raced. */
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return cv_error_set(err, errno, "console: open the pty slave");
	*master = steal_fd(m);
	*slave = s;
	return 0;
}

int console_send_master(int sock, int master, const struct oci_process *p,
			struct cv_error **err)
{
	char name[64];
	unsigned n = 0;
	ssize_t r;

	if (p->has_console_size) {
		struct winsize ws = {
			.ws_row = (unsigned short)p->console_size.height,
			.ws_col = (unsigned short)p->console_size.width,
		};

		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return cv_error_set(err, errno, "process.consoleSize");
	}
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return cv_error_set(err, errno, "console: TIOCGPTN");
	snprintf(name, sizeof(name), "/dev/pts/%u", n);
	r = cv_send_fds(sock, name, strlen(name), &master, 1);
	if (r < 0)
		return cv_error_set(err, (int)-r, "console socket: send");
	return 0;
}

int console_make_controlling(int slave, struct cv_error **err)
{
	if (setsid() < 0 && errno != EPERM)
		return cv_error_set(err, errno, "console: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return cv_error_set(err, errno, "console: TIOCSCTTY");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return cv_error_set(err, errno, "console: dup2");
	if (slave > 2)
		close(slave);
	return 0;
}
