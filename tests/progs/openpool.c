// SPDX-License-Identifier: Apache-2.0
/*
 * Opens of files opened again and again: under --file-access exclusive
 * the sentry answers them from a pool of fds the gofer pre-opened
 * (sentry/fs_openpool.c). Each case first opens a file several times
 * (the pool then holds fds of it), then changes something, then opens it
 * again: the result must be the host kernel's. Run natively and in the
 * sandbox; tests/conformance/openpool.sh and tests/escape/openpool_creds.sh
 * compare the two outputs line by line.
 *
 *	openpool conform WORKDIR	coherence cases
 *	openpool creds WORKDIR		a pooled fd and other credentials
 * WORKDIR: an empty directory searchable by uid 1000.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static char base[4096];

/* Absolute paths below the work directory (the sentry's cache serves
 * those). */
static const char *A(const char *rel)
{
	static char bufs[4][4200];
	static unsigned next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", base, rel);
	return b;
}

static void write_file(const char *path, const char *s, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0)
		perror("write");
	close(fd);
}

/* Older than the cache's coarse-clock margin: kept (and pooled). */
static void settle(void)
{
	usleep(60000);
}

/* Opens path O_RDONLY n times, reading each: what the last read. */
static void warm(const char *path, int n)
{
	char buf[64];

	for (int i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			return;
		if (read(fd, buf, sizeof(buf)) < 0)
			perror("read");
		close(fd);
	}
}

/* "name CONTENT" of an O_RDONLY open of path, or its errno. */
static void open_read(const char *name, const char *path, int flags)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | flags);

	if (fd < 0) {
		printf("%s %s\n", name, ename(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		printf("%s read-%s\n", name, ename(errno));
		return;
	}
	buf[n] = '\0';
	printf("%s \"%s\"\n", name, buf);
}

static void res(const char *name, long r)
{
	if (r < 0)
		printf("%s %s\n", name, ename(errno));
	else
		printf("%s %ld\n", name, r);
}

/* Runs fn in a child with uid/gid 1000 (and groups, if given), the
 * child's lines going to our stdout. */
static void as_user(void (*fn)(void), gid_t group)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		gid_t g[1] = { group };

		if (setgroups(group ? 1 : 0, g) < 0 ||
		    setresgid(1000, 1000, 1000) < 0 ||
		    setresuid(1000, 1000, 1000) < 0) {
			printf("setuid-failed %s\n", ename(errno));
			_exit(1);
		}
		fn();
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

/* ---- coherence ------------------------------------------------------ */

static void user_warm_f(void)
{
	warm(A("op/f"), 4);
	open_read("op_user_warm", A("op/f"), 0);
}

static void user_open_f(void)
{
	open_read("op_user_after_chmod000", A("op/f"), 0);
}

static void user_open_f_back(void)
{
	open_read("op_user_after_chmod_back", A("op/f"), 0);
}

static void user_warm_f2(void)
{
	warm(A("op/f"), 4);
	open_read("op_user_warm2", A("op/f"), 0);
}

static void user_open_f_fchmod(void)
{
	open_read("op_user_after_fchmod000", A("op/f"), 0);
}

static void case_chmod(void)
{
	as_user(user_warm_f, 0);
	res("op_chmod000", chmod(A("op/f"), 0));
	as_user(user_open_f, 0);
	res("op_chmod_back", chmod(A("op/f"), 0644));
	as_user(user_open_f_back, 0);
	/* fchmod is not seen by the sentry (PASS): the ctime is */
	settle();
	as_user(user_warm_f2, 0);
	{
		int fd = open(A("op/f"), O_RDONLY);

		res("op_fchmod000", fd < 0 ? -1 : fchmod(fd, 0));
		if (fd >= 0)
			close(fd);
	}
	as_user(user_open_f_fchmod, 0);
	chmod(A("op/f"), 0644);
}

static void case_rename_unlink(void)
{
	warm(A("op/f"), 4);
	write_file(A("op/tmp"), "replacement", 0644);
	res("op_rename_over", rename(A("op/tmp"), A("op/f")));
	open_read("op_after_rename_over", A("op/f"), 0);
	settle();
	warm(A("op/f"), 4);
	res("op_unlink", unlink(A("op/f")));
	open_read("op_after_unlink", A("op/f"), 0);
	write_file(A("op/f"), "recreated", 0644);
	open_read("op_recreated", A("op/f"), 0);
	settle();
	warm(A("op/f"), 4);
	open_read("op_recreated_warm", A("op/f"), 0);
	/* renamed away: the old name is gone, the new one opens */
	res("op_rename_away", rename(A("op/f"), A("op/g")));
	open_read("op_after_rename_away", A("op/f"), 0);
	open_read("op_renamed_to", A("op/g"), 0);
	res("op_rename_back", rename(A("op/g"), A("op/f")));
}

static void case_truncate_write(void)
{
	int fd;

	settle();
	warm(A("op/f"), 4);
	fd = open(A("op/f"), O_WRONLY);
	res("op_ftruncate_other_fd", fd < 0 ? -1 : ftruncate(fd, 4));
	open_read("op_after_ftruncate", A("op/f"), 0);
	res("op_write_other_fd", fd < 0 ? -1 : write(fd, "WXYZ", 4));
	open_read("op_after_write", A("op/f"), 0);
	if (fd >= 0)
		close(fd);
	warm(A("op/f"), 4);
	fd = open(A("op/f"), O_WRONLY | O_TRUNC);
	res("op_open_trunc", fd < 0 ? -1 : 0);
	if (fd >= 0)
		close(fd);
	open_read("op_after_open_trunc", A("op/f"), 0);
	write_file(A("op/f"), "hello world", 0644);
}

/* Two opens are two open file descriptions: their own offsets, locks
 * and status flags. */
static void case_independent(void)
{
	char a[8] = "", b[8] = "";
	int fd1, fd2;

	settle();
	warm(A("op/f"), 4);
	fd1 = open(A("op/f"), O_RDONLY);
	fd2 = open(A("op/f"), O_RDONLY);
	res("op_two_opens", fd1 >= 0 && fd2 >= 0 && fd1 != fd2);
	res("op_read1", read(fd1, a, 5));
	res("op_read2", read(fd2, b, 3));
	printf("op_offsets \"%s\" \"%s\" %ld %ld\n", a, b,
	       (long)lseek(fd1, 0, SEEK_CUR), (long)lseek(fd2, 0, SEEK_CUR));
	res("op_flock1", flock(fd1, LOCK_EX | LOCK_NB));
	res("op_flock2", flock(fd2, LOCK_EX | LOCK_NB));
	close(fd1);
	res("op_flock2_after_close1", flock(fd2, LOCK_EX | LOCK_NB));
	res("op_setfl_nonblock", fcntl(fd2, F_SETFL, O_NONBLOCK));
	close(fd2);
	fd1 = open(A("op/f"), O_RDONLY);
	res("op_getfl_fresh", fd1 < 0 ? -1 : fcntl(fd1, F_GETFL));
	res("op_getfd_fresh", fd1 < 0 ? -1 : fcntl(fd1, F_GETFD));
	res("op_flock_fresh", fd1 < 0 ? -1 : flock(fd1, LOCK_EX | LOCK_NB));
	if (fd1 >= 0)
		close(fd1);
	/* the flags are the open's own, every time */
	for (int i = 0; i < 4; i++) {
		fd1 = open(A("op/f"), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd1 >= 0 && i < 3)
			close(fd1);
	}
	res("op_getfl_nonblock", fd1 < 0 ? -1 : fcntl(fd1, F_GETFL));
	res("op_getfd_cloexec", fd1 < 0 ? -1 : fcntl(fd1, F_GETFD));
	if (fd1 >= 0)
		close(fd1);
	for (int i = 0; i < 4; i++) {
		fd1 = open(A("op/f"), O_RDONLY | O_NOFOLLOW);
		if (fd1 >= 0 && i < 3)
			close(fd1);
	}
	res("op_getfl_nofollow", fd1 < 0 ? -1 : fcntl(fd1, F_GETFL));
	if (fd1 >= 0)
		close(fd1);
}

/* setfsuid changes what an open may do; its result must be the one of
 * the new credentials. */
static void case_fsuid(void)
{
	pid_t pid;

	write_file(A("op/root600"), "root only", 0600);
	settle();
	warm(A("op/root600"), 4);
	open_read("op_root600_root", A("op/root600"), 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		setfsgid(1000);
		setfsuid(1000);
		open_read("op_root600_fsuid1000", A("op/root600"), 0);
		open_read("op_f_fsuid1000", A("op/f"), 0);
		setfsuid(0);
		setfsgid(0);
		open_read("op_root600_fsuid0", A("op/root600"), 0);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
}

/* A write lease needs the file open nowhere else. */
static void case_lease(void)
{
	int fd;

	settle();
	warm(A("op/f"), 4);
	fd = open(A("op/f"), O_RDONLY);
	res("op_lease_rd", fd < 0 ? -1 : fcntl(fd, F_SETLEASE, F_RDLCK));
	if (fd >= 0) {
		fcntl(fd, F_SETLEASE, F_UNLCK);
		close(fd);
	}
	fd = open(A("op/f"), O_RDWR);
	res("op_lease_wr", fd < 0 ? -1 : fcntl(fd, F_SETLEASE, F_WRLCK));
	if (fd >= 0) {
		fcntl(fd, F_SETLEASE, F_UNLCK);
		close(fd);
	}
}

/* An inotify watch sees the task's own opens and closes only: the
 * sandbox stops pre-opening once a watch is added (last: for good). */
static void case_inotify(void)
{
	char buf[4096];
	int ifd, opens = 0, closes = 0;
	ssize_t n;

	settle();
	warm(A("op/f"), 6);
	ifd = inotify_init1(IN_NONBLOCK);
	res("op_inotify_watch", ifd < 0 ? -1 :
		inotify_add_watch(ifd, A("op/f"), IN_OPEN | IN_CLOSE) >= 0);
	warm(A("op/f"), 3);
	usleep(20000);
	while (ifd >= 0 && (n = read(ifd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;

			opens += (e->mask & IN_OPEN) != 0;
			closes += (e->mask & IN_CLOSE) != 0;
			p += sizeof(*e) + e->len;
		}
	printf("op_inotify_events %d opens %d closes\n", opens, closes);
	if (ifd >= 0)
		close(ifd);
}

static void conform(void)
{
	mkdir(A("op"), 0755);
	write_file(A("op/f"), "hello world", 0644);
	settle();
	open_read("op_first", A("op/f"), 0);
	warm(A("op/f"), 8);
	open_read("op_warm", A("op/f"), 0);
	case_chmod();
	case_rename_unlink();
	case_truncate_write();
	case_independent();
	case_fsuid();
	case_lease();
	case_inotify();
}

/* ---- credentials ---------------------------------------------------- */

/* Several times: the cache learns a new user's search permission on
 * its first lookup, and every later open could be a pool hit. */
static void user_secret(void)
{
	open_read("cr_user_root600_1", A("cr/secret"), 0);
	open_read("cr_user_root600_2", A("cr/secret"), 0);
	open_read("cr_user_root600_3", A("cr/secret"), 0);
	open_read("cr_user_root644_1", A("cr/public"), 0);
	open_read("cr_user_root644_2", A("cr/public"), 0);
	open_read("cr_user_root644_3", A("cr/public"), 0);
}

static void user_group_warm(void)
{
	warm(A("cr/group640"), 4);
	open_read("cr_user_with_group", A("cr/group640"), 0);
}

static void user_group_gone(void)
{
	open_read("cr_user_without_group_1", A("cr/group640"), 0);
	open_read("cr_user_without_group_2", A("cr/group640"), 0);
}

/* Drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the effective set. */
static int drop_dac(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) |
			    (1u << CAP_DAC_READ_SEARCH));
	return (int)syscall(SYS_capset, &h, d);
}

static void creds(void)
{
	pid_t pid;

	mkdir(A("cr"), 0755);
	write_file(A("cr/secret"), "root only", 0600);
	write_file(A("cr/public"), "for all", 0644);
	write_file(A("cr/group640"), "group 1234", 0640);
	res("cr_chown_group", chown(A("cr/group640"), 0, 1234));
	write_file(A("cr/user600"), "uid 1000 only", 0600);
	res("cr_chown_user", chown(A("cr/user600"), 1000, 1000));
	settle();
	/* root pre-opens each: the pool holds fds made as root */
	warm(A("cr/secret"), 6);
	warm(A("cr/public"), 6);
	warm(A("cr/user600"), 6);
	open_read("cr_root_root600", A("cr/secret"), 0);
	open_read("cr_root_user600", A("cr/user600"), 0);
	/* another user: its own verdict, never root's fds */
	as_user(user_secret, 0);
	/* the same uid with a group, then without it */
	as_user(user_group_warm, 1234);
	as_user(user_group_gone, 0);
	/* root without CAP_DAC_OVERRIDE: a file of uid 1000, mode 0600 */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		res("cr_drop_dac", drop_dac());
		open_read("cr_nodac_user600_1", A("cr/user600"), 0);
		open_read("cr_nodac_user600_2", A("cr/user600"), 0);
		open_read("cr_nodac_root600", A("cr/secret"), 0);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	open_read("cr_root_again", A("cr/user600"), 0);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "conform") != 0 &&
			  strcmp(argv[1], "creds") != 0)) {
		fprintf(stderr, "usage: %s conform|creds WORKDIR\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(base, sizeof(base), "%s", argv[2]);
	umask(022);
	if (strcmp(argv[1], "conform") == 0)
		conform();
	else
		creds();
	printf("done 0\n");
	return 0;
}
