// SPDX-License-Identifier: Apache-2.0
/*
 * tests/escape/devices.sh: what a container can do with device nodes.
 * For each "TAG PATH" argument pair, one line per attempt:
 *   TAG_read      open O_RDONLY and read: "ok:<data>" or the errno
 *   TAG_wronly    open O_WRONLY (nothing written)
 *   TAG_opath     open O_PATH
 *   TAG_reopen    the O_PATH fd reopened O_RDONLY through /proc/self/fd
 *                 and read ("-" when there was no O_PATH fd)
 *   TAG_mknod     mknod of a node of the same type and number in /tmp
 *   TAG_mknod_read that node opened and read ("-" without a node)
 * and "done 0" at the end. Data is printed up to 24 bytes, anything not
 * printable as '.', so a loop device's marker shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progs.h"

static void read_result(const char *name, const char *path)
{
	char buf[25];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		printf("%s %s\n", name, ename(errno));
		return;
	}
	n = read(fd, buf, 24);
	close(fd);
	if (n < 0) {
		printf("%s read:%s\n", name, ename(errno));
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] < 0x21 || buf[i] > 0x7e)
			buf[i] = '.';
	buf[n] = '\0';
	printf("%s ok:%s\n", name, buf);
}

static void one(const char *tag, const char *path)
{
	char name[64], proc[64], mk[96];
	struct stat st;
	int fd;

	snprintf(name, sizeof(name), "%s_read", tag);
	read_result(name, path);

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	printf("%s_wronly %s\n", tag, ename(fd < 0 ? errno : 0));
	if (fd >= 0)
		close(fd);

	fd = open(path, O_PATH | O_CLOEXEC);
	printf("%s_opath %s\n", tag, ename(fd < 0 ? errno : 0));
	snprintf(name, sizeof(name), "%s_reopen", tag);
	if (fd >= 0) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		read_result(name, proc);
		close(fd);
	} else {
		printf("%s -\n", name);
	}

	snprintf(mk, sizeof(mk), "/tmp/mk_%s", tag);
	unlink(mk);
	if (stat(path, &st) < 0) {
		printf("%s_mknod stat:%s\n%s_mknod_read -\n", tag,
		       ename(errno), tag);
		return;
	}
	if (mknod(mk, st.st_mode & (S_IFMT | 0600), st.st_rdev) < 0) {
		printf("%s_mknod %s\n%s_mknod_read -\n", tag, ename(errno),
		       tag);
		return;
	}
	printf("%s_mknod ok\n", tag);
	snprintf(name, sizeof(name), "%s_mknod_read", tag);
	read_result(name, mk);
	unlink(mk);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i + 1 < argc; i += 2)
		one(argv[i], argv[i + 1]);
	printf("done 0\n");
	return 0;
}
