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
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/unixsock.h"
#include "runsc/mounts.h"

/* Unix98 pty slaves: majors 136..143, index = (major - 136) * 256 + minor. */
#define PTS_MAJOR_FIRST 136u
#define PTS_MAJOR_LAST 143u

int console_connect(const char *path, struct cv_error **err)
{
	int s = cv_unix_connect(path);

	if (s < 0)
		return cv_error_set(err, -s, "console socket: %s", path);
	return s;
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

int console_pts_index(int slave)
{
	struct stat st;

	if (fstat(slave, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) < PTS_MAJOR_FIRST ||
	    major(st.st_rdev) > PTS_MAJOR_LAST)
		return -1;
	return (int)((major(st.st_rdev) - PTS_MAJOR_FIRST) * 256 +
		     minor(st.st_rdev));
}

int console_bind_dev_console(int idx, struct cv_error **err)
{
	struct mount_attr a = { .attr_clr = MOUNT_ATTR_NODEV };
	cleanup_close int root = -1, src = -1, dst = -1, tree = -1;
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/dev/pts/%d", idx);
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return cv_error_set(err, errno, "/dev/console: open /");
	if (mount_resolve(root, path, MOUNT_NO_CREATE, &src, err) < 0 ||
	    mount_resolve(root, "/dev/console", MOUNT_CREATE_FILE, &dst,
			  err) < 0)
		return cv_error_wrap(err, "/dev/console");
	/* The name must still be the pty the workload holds. */
	if (fstat(src, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) < PTS_MAJOR_FIRST ||
	    (int)((major(st.st_rdev) - PTS_MAJOR_FIRST) * 256 +
		  minor(st.st_rdev)) != idx)
		return cv_error_setx(err, "/dev/console: %s is not the "
				     "container's pty", path);
	tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					  AT_EMPTY_PATH);
	if (tree < 0)
		return cv_error_set(err, errno, "/dev/console: clone %s", path);
	/* Openable even where the view's /dev/pts is nodev; a locked flag
	 * (a user namespace's view) stays as it is. */
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0 &&
	    errno != EPERM)
		return cv_error_set(err, errno, "/dev/console: clear nodev");
	if (move_mount(tree, "", dst, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cv_error_set(err, errno, "/dev/console: bind %s", path);
	return 0;
}

int console_bind_in_ns(int mntns, int idx, struct cv_error **err)
{
	char msg[256] = "";
	int status, p[2];
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return cv_error_set(err, errno, "/dev/console: pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return cv_error_set(err, errno, "/dev/console: fork");
	}
	if (pid == 0) {
		struct cv_error *e = NULL;

		close(p[0]);
		if (setns(mntns, CLONE_NEWNS) < 0)
			cv_error_set(&e, errno, "/dev/console: join the "
				     "gofer's mount namespace");
		else if (console_bind_dev_console(idx, &e) == 0)
			_exit(0);
		if (e != NULL && write(p[1], e->msg, strlen(e->msg)) < 0)
			_exit(2);
		_exit(1);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	msg[n > 0 ? n : 0] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cv_error_set(err, errno, "/dev/console: wait");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return cv_error_setx(err, "%s", msg[0] != '\0' ? msg :
				     "/dev/console: cannot bind the pty in "
				     "the gofer's mount namespace");
	return 0;
}
