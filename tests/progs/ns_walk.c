// SPDX-License-Identifier: Apache-2.0
/*
 * Tries to reach namespaces above the container through the files of
 * /proc/<pid>/ns: from each, NS_GET_USERNS and NS_GET_PARENT as far as
 * they go (every namespace reached, walked again), then setns into each;
 * and the other ways to an nsfs fd: a pidfd's PIDFD_GET_*_NAMESPACE
 * ioctls and an nsfs file handle (name_to_handle_at, 6.18). Prints:
 *   reached N      namespaces reached, the container's own included
 *   above N        those that are none of the links of /proc/self/ns
 *   setns_ok N     setns() calls that succeeded
 *   real_nsfs N    fds held that are the kernel's nsfs files (fstatfs)
 *   pidfd_ns R     PIDFD_GET_USER_NAMESPACE's result (ok or the errno)
 *   handle_ns R    name_to_handle_at of /proc/self/ns/net
 * then "done 0". tests/escape/ns_walk.sh compares the first three with
 * runc and checks the sandbox holds no nsfs fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "progs.h"

#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFS_IOCTL_MAGIC 0xFF
#define PIDFD_GET_USER_NAMESPACE _IO(PIDFS_IOCTL_MAGIC, 9)
#endif

#define MAX_NS 64

static const char *const names[] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
	"time", "time_for_children", "user", "uts",
};

static int fds[MAX_NS];
static ino_t inos[MAX_NS];
static int n_fds;
static ino_t own[sizeof(names) / sizeof(names[0])];

/* Keeps fd if its namespace is new (else closes it). */
static void add(int fd)
{
	struct stat st;

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || n_fds == MAX_NS) {
		close(fd);
		return;
	}
	for (int i = 0; i < n_fds; i++) {
		if (inos[i] == st.st_ino) {
			close(fd);
			return;
		}
	}
	fds[n_fds] = fd;
	inos[n_fds++] = st.st_ino;
}

static bool is_own(ino_t ino)
{
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (own[i] == ino)
			return true;
	return false;
}

int main(void)
{
	int above = 0, setns_ok = 0, real = 0, pidfd, r;
	char path[64];
	struct statfs sf;
	struct stat st;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		if (stat(path, &st) == 0)
			own[i] = st.st_ino;
		add(open(path, O_RDONLY | O_CLOEXEC));
	}
	for (int i = 0; i < n_fds; i++) {	/* grows as it goes */
		add(ioctl(fds[i], NS_GET_USERNS));
		add(ioctl(fds[i], NS_GET_PARENT));
	}
	for (int i = 0; i < n_fds; i++) {
		if (!is_own(inos[i]))
			above++;
		if (setns(fds[i], 0) == 0)
			setns_ok++;
		if (fstatfs(fds[i], &sf) == 0 && sf.f_type == NSFS_MAGIC)
			real++;
	}
	case_out("reached", "%d", n_fds);
	case_out("above", "%d", above);
	case_out("setns_ok", "%d", setns_ok);
	case_out("real_nsfs", "%d", real);
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	r = pidfd < 0 ? -1 : ioctl(pidfd, PIDFD_GET_USER_NAMESPACE, 0);
	case_out("pidfd_ns", "%s", r < 0 ? ename(errno) : "ok");
	struct {
		struct file_handle fh;
		unsigned char data[128];
	} h = { .fh.handle_bytes = 128 };
	int mnt;

	r = name_to_handle_at(AT_FDCWD, "/proc/self/ns/net", &h.fh, &mnt,
			      AT_SYMLINK_FOLLOW);
	case_out("handle_ns", "%s", r < 0 ? ename(errno) : "ok");
	case_out("done", "0");
	return 0;
}
