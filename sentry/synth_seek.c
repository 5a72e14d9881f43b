// SPDX-License-Identifier: Apache-2.0
/*
 * lseek on the virtual /proc and /sys, as Linux answers for those files.
 *
 * A synthesised file is a snapshot in a tmpfs file (synth_mirror.c) and a
 * synthesised directory a directory of the mirror's tmpfs: SEEK_SET and
 * SEEK_CUR behave there as on procfs and sysfs (the filter lets the kernel
 * run them), SEEK_END, SEEK_DATA and SEEK_HOLE do not. Those come here
 * (syscalls/filter.c, rules_lseek) and are answered per kind of file, as
 * the kernel's file operations do:
 *
 *  - seq files (most of /proc: seq_lseek): EINVAL;
 *  - sysctls, /proc/<pid>/{cmdline,environ,auxv,loginuid,sessionid},
 *    cgroup files and every /proc and /sys directory: generic_file_llseek
 *    with a size of 0;
 *  - sysfs attributes: the same with a size of a page.
 *
 * The kind of each snapshot file is remembered by inode when it is made
 * (vseek_remember), in a table of VSEEK_SLOTS entries; a file held open
 * while that many later ones were made has its slot taken and seeks as a
 * tmpfs file (its snapshot's size). Any other fd: the kernel runs the call.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "sentry/synth.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

#define VSEEK_SLOTS 4096
#define SYSFS_ATTR_SIZE 4096

enum vseek_kind {
	VSEEK_KERNEL,	/* not ours: the kernel's answer */
	VSEEK_SEQ,	/* seq_lseek */
	VSEEK_EMPTY,	/* generic_file_llseek, size 0 */
	VSEEK_PAGE,	/* generic_file_llseek, size SYSFS_ATTR_SIZE */
};

static struct {
	dev_t dev;
	ino_t ino;
	unsigned char kind;
} slots[VSEEK_SLOTS];

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* "/proc/<digits>/...": a process's file (or a thread's, below task/). */
static bool pid_file(const char *path)
{
	const char *p = path + strlen("/proc/");

	if (!under(path, "/proc") || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '/';
}

static enum vseek_kind file_kind(const char *path)
{
	static const char *const empty[] = {
		"cmdline", "environ", "auxv", "loginuid", "sessionid",
	};
	const char *base = strrchr(path, '/');

	if (under(path, "/sys/fs/cgroup"))
		return VSEEK_EMPTY;
	if (under(path, "/sys"))
		return VSEEK_PAGE;
	if (under(path, "/proc/sys"))
		return VSEEK_EMPTY;
	if (!under(path, "/proc"))
		return VSEEK_KERNEL;
	if (pid_file(path) && base != NULL)
		for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
			if (strcmp(base + 1, empty[i]) == 0)
				return VSEEK_EMPTY;
	return VSEEK_SEQ;
}

void vseek_remember(int fd, const char *path)
{
	struct stat st;
	size_t i;

	if (fstat(fd, &st) < 0)
		return;
	i = (size_t)st.st_ino % VSEEK_SLOTS;
	slots[i].dev = st.st_dev;
	slots[i].ino = st.st_ino;
	slots[i].kind = (unsigned char)file_kind(path);
}

static enum vseek_kind fd_kind(int fd)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	if (fstat(fd, &st) < 0)
		return VSEEK_KERNEL;
	if (S_ISDIR(st.st_mode)) {
		if (vtree_fd_path(fd, path, sizeof(path)) < 0)
			return VSEEK_KERNEL;
		return under(path, "/proc") || under(path, "/sys") ?
			       VSEEK_EMPTY : VSEEK_KERNEL;
	}
	i = (size_t)st.st_ino % VSEEK_SLOTS;
	if (!S_ISREG(st.st_mode) || slots[i].ino != st.st_ino ||
	    slots[i].dev != st.st_dev)
		return VSEEK_KERNEL;
	return (enum vseek_kind)slots[i].kind;
}

/* generic_file_llseek() of a file of size eof: the new offset, also set as
 * the position of the open file (fd shares it with the workload's). */
static long seek_sized(int fd, int64_t off, int whence, int64_t eof)
{
	switch (whence) {
	case SEEK_END:
		off += eof;
		break;
	case SEEK_DATA:
		if ((uint64_t)off >= (uint64_t)eof)
			return -ENXIO;
		break;
	case SEEK_HOLE:
		if ((uint64_t)off >= (uint64_t)eof)
			return -ENXIO;
		off = eof;
		break;
	default:
		return -EINVAL;
	}
	if (off < 0)
		return -EINVAL;
	if (lseek(fd, off, SEEK_SET) < 0)
		return -errno;
	return off;
}

/* Only SEEK_END and above reach the sentry (rules_lseek). */
SENTRY_HANDLER(lseek)
{
	int64_t off = (int64_t)c->args[1];
	int whence = (int)c->args[2];
	cleanup_close int fd = -1;

	fd = task_dup_fd(c, (int)c->args[0]);
	if (fd < 0)
		return fd;
	switch (fd_kind(fd)) {
	case VSEEK_SEQ:
		return -EINVAL;
	case VSEEK_EMPTY:
		return seek_sized(fd, off, whence, 0);
	case VSEEK_PAGE:
		return seek_sized(fd, off, whence, SYSFS_ATTR_SIZE);
	case VSEEK_KERNEL:
		break;
	}
	return sc_continue(c);
}
