// SPDX-License-Identifier: Apache-2.0
/*
 * Path calls through /proc/self/fd/N for each kind of object an fd can
 * hold (issue 14): pipes, a socket, a memfd, the anon inodes (eventfd,
 * timerfd, signalfd, epoll), a FIFO, /dev/null, a regular file, and the
 * stdio the runtime handed over (fd 0 the host's /dev/null, fds 1 and 2
 * host files). stat, lstat, statx, access, open with each mode and flag,
 * readlink, statfs, the xattr calls, chmod, chown, utimensat, truncate;
 * as root, as user 1000 on its own objects and on root's. Prints "NAME
 * RESULT" lines, then "done 0"; tests/conformance/fd_links.sh compares a
 * runc run with a cvisor one.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "progs.h"

#define NOBJ 28
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

struct obj {
	const char *name;
	int fd;
	bool keep;	/* fd 1, where the results go: not truncated */
	bool host;	/* fd 0, the host's /dev/null: not changed */
	const char *path;	/* another link than /proc/self/fd/N */
};

static struct obj objs[NOBJ];
static int nobj;

static void add(const char *name, int fd, bool keep, bool host)
{
	if (fd < 0) {
		case_out(name, "make %s", ename(errno));
		return;
	}
	objs[nobj++] = (struct obj){ name, fd, keep, host, NULL };
}

static void add_path(const char *name, const char *path, bool host)
{
	objs[nobj++] = (struct obj){ name, -1, false, host, path };
}

/* The objects, made by the caller (their owner); stdio only with stdio. */
static void make_objs(const char *tag, bool stdio)
{
	char path[64];
	sigset_t set;
	int p[2], s[2];

	nobj = 0;
	if (pipe(p) == 0) {
		add("pipe_r", p[0], false, false);
		add("pipe_w", p[1], false, false);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0)
		add("socket", s[0], false, false);
	add("memfd", (int)syscall(SYS_memfd_create, "fdl", 0), false, false);
	add("eventfd", eventfd(0, 0), false, false);
	add("timerfd", timerfd_create(CLOCK_MONOTONIC, 0), false, false);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	add("signalfd", signalfd(-1, &set, 0), false, false);
	add("epoll", epoll_create1(0), false, false);
	snprintf(path, sizeof(path), "/tmp/fdl_fifo_%s", tag);
	unlink(path);
	if (mkfifo(path, 0644) < 0)
		add("fifo", -1, false, false);
	else
		add("fifo", open(path, O_RDWR), false, false);
	add("devnull", open("/dev/null", O_RDWR), false, false);
	snprintf(path, sizeof(path), "/tmp/fdl_file_%s", tag);
	unlink(path);
	add("file", open(path, O_RDWR | O_CREAT, 0644), false, false);
	add("file_opath", open(path, O_PATH), false, false);
	if (nobj >= 2 && strcmp(objs[0].name, "pipe_r") == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", objs[0].fd);
		add("pipe_opath", open(path, O_PATH), false, false);
	}
	if (stdio) {
		add("stdin", 0, false, true);
		add("stdout", 1, true, false);
		add("stderr", 2, false, false);
	}
	if (strcmp(tag, "other") == 0)
		return;
	/* the other magic links: the program and the cwd (not changed),
	 * /dev/std* (links to /proc/self/fd/N) */
	add_path("exe", "/proc/self/exe", true);
	add_path("cwd", "/proc/self/cwd", true);
	add_path("dev_stdin", "/dev/stdin", true);
	add_path("dev_stderr", "/dev/stderr", false);
}

static void out_ret(const char *pfx, const char *what, int ret)
{
	char name[160];

	snprintf(name, sizeof(name), "%s:%s", pfx, what);
	case_out(name, "%s", ename(ret < 0 ? errno : 0));
}

static void out_stat(const char *pfx, const char *what, int ret,
		     const struct stat *st)
{
	char name[160];

	snprintf(name, sizeof(name), "%s:%s", pfx, what);
	if (ret < 0)
		case_out(name, "%s", ename(errno));
	else
		case_out(name, "%o %u:%u %lu", st->st_mode, st->st_uid,
			 st->st_gid, (unsigned long)st->st_nlink);
}

/* readlink's text, numbers as N, the runtime's log file name as LOG
 * (native.err under runc, sandbox.err under cvisor) */
static void out_readlink(const char *pfx, const char *path)
{
	char buf[512], norm[512], name[160];
	const char *base;
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	size_t j = 0;

	snprintf(name, sizeof(name), "%s:readlink", pfx);
	if (n < 0) {
		case_out(name, "%s", ename(errno));
		return;
	}
	buf[n] = '\0';
	base = strrchr(buf, '/');
	if (buf[0] == '/' &&
	    (strstr(buf, "native.") || strstr(buf, "sandbox.")))
		snprintf(buf, sizeof(buf), "/LOG%s", strchr(base, '.'));
	for (size_t i = 0; buf[i] && j < sizeof(norm) - 1; i++) {
		if (isdigit((unsigned char)buf[i])) {
			if (j == 0 || norm[j - 1] != 'N')
				norm[j++] = 'N';
			continue;
		}
		norm[j++] = buf[i];
	}
	norm[j] = '\0';
	case_out(name, "%s", norm);
}

static const struct {
	const char *name;
	int flags;
} opens[] = {
	{ "rdonly", O_RDONLY }, { "wronly", O_WRONLY }, { "rdwr", O_RDWR },
	{ "rdonly_trunc", O_RDONLY | O_TRUNC },
	{ "wronly_trunc", O_WRONLY | O_TRUNC },
	{ "wronly_append", O_WRONLY | O_APPEND },
	{ "creat", O_WRONLY | O_CREAT },
	{ "creat_excl", O_WRONLY | O_CREAT | O_EXCL },
	{ "directory", O_RDONLY | O_DIRECTORY }, { "path", O_PATH },
	{ "nofollow", O_RDONLY | O_NOFOLLOW },
	{ "path_nofollow", O_PATH | O_NOFOLLOW },
};

static const struct {
	const char *name;
	int mode;
} modes[] = {
	{ "f", F_OK }, { "r", R_OK }, { "w", W_OK }, { "x", X_OK },
	{ "rw", R_OK | W_OK },
};

static void lookups(const char *pfx, const char *path, const struct obj *o)
{
	struct statx sx;
	struct statfs sf;
	struct stat st;
	char name[160];
	int ret;

	ret = stat(path, &st);
	out_stat(pfx, "stat", ret, &st);
	ret = lstat(path, &st);
	if (ret == 0)	/* the link's own owner is the task's */
		st.st_uid = st.st_gid = 0;
	out_stat(pfx, "lstat", ret, &st);
	ret = statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx);
	snprintf(name, sizeof(name), "%s:statx", pfx);
	if (ret < 0)
		case_out(name, "%s", ename(errno));
	else
		case_out(name, "%o %u:%u", sx.stx_mode, sx.stx_uid, sx.stx_gid);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(name, sizeof(name), "access_%s", modes[i].name);
		out_ret(pfx, name, access(path, modes[i].mode));
		snprintf(name, sizeof(name), "eaccess_%s", modes[i].name);
		out_ret(pfx, name, (int)syscall(SYS_faccessat2, AT_FDCWD, path,
						modes[i].mode, AT_EACCESS));
	}
	out_readlink(pfx, path);
	ret = statfs(path, &sf);
	snprintf(name, sizeof(name), "%s:statfs", pfx);
	if (ret < 0)
		case_out(name, "%s", ename(errno));
	else
		case_out(name, "%lx", (unsigned long)sf.f_type);
	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
		int fl = opens[i].flags;

		if (o->keep && (fl & O_TRUNC))
			continue;
		ret = open(path, fl | O_NONBLOCK | O_CLOEXEC, 0600);
		snprintf(name, sizeof(name), "open_%s", opens[i].name);
		out_ret(pfx, name, ret);
		if (ret >= 0)
			close(ret);
	}
	ret = (int)getxattr(path, "user.fdl", name, sizeof(name));
	out_ret(pfx, "getxattr", ret);
	ret = (int)listxattr(path, NULL, 0);
	snprintf(name, sizeof(name), "%s:listxattr", pfx);
	case_out(name, "%s", ret < 0 ? ename(errno) : ret > 0 ? "some" : "0");
}

/* The calls that change the object; each undone where it can be. */
static void changes(const char *pfx, const char *path, const struct obj *o)
{
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	struct stat st, now;
	char name[160];
	int ret;

	if (stat(path, &st) < 0)
		return;
	ret = chmod(path, (st.st_mode & 07777) ^ 040);
	out_ret(pfx, "chmod", ret);
	out_stat(pfx, "chmod_after", stat(path, &now), &now);
	if (ret == 0)
		(void)chmod(path, st.st_mode & 07777);
	out_ret(pfx, "fchmodat_nofollow",
		(int)syscall(SYS_fchmodat2, AT_FDCWD, path, st.st_mode & 07777,
			     AT_SYMLINK_NOFOLLOW));
	out_ret(pfx, "chown_none", chown(path, -1, -1));
	out_ret(pfx, "chown_same", chown(path, st.st_uid, st.st_gid));
	ret = chown(path, 2000, -1);
	out_ret(pfx, "chown_other", ret);
	out_stat(pfx, "chown_after", stat(path, &now), &now);
	if (ret == 0)
		(void)chown(path, st.st_uid, st.st_gid);
	out_ret(pfx, "lchown", lchown(path, -1, -1));
	out_ret(pfx, "utimensat_now", utimensat(AT_FDCWD, path, NULL, 0));
	ret = utimensat(AT_FDCWD, path, ts, 0);
	snprintf(name, sizeof(name), "%s:utimensat_set", pfx);
	case_out(name, "%s %ld", ename(ret < 0 ? errno : 0),
		 ret == 0 && stat(path, &now) == 0 ? (long)now.st_mtime : -1L);
	ret = setxattr(path, "user.fdl", "v", 1, 0);
	out_ret(pfx, "setxattr", ret);
	out_ret(pfx, "removexattr", removexattr(path, "user.fdl"));
	if (!o->keep)
		out_ret(pfx, "truncate", truncate(path, 0));
}

/* the process whose fd/ the cases go through: "self", or another's */
static char proc[16] = "self";

static void cases(const char *who, int from, int to)
{
	char pfx[96], path[64];

	for (int i = from; i < to; i++) {
		snprintf(pfx, sizeof(pfx), "%s:%s", who, objs[i].name);
		snprintf(path, sizeof(path), "/proc/%s/fd/%d", proc,
			 objs[i].fd);
		if (objs[i].path != NULL)
			snprintf(path, sizeof(path), "%s", objs[i].path);
		lookups(pfx, path, &objs[i]);
		if (!objs[i].host)
			changes(pfx, path, &objs[i]);
	}
}

/* As user 1000: root's objects (not the owner), then its own. */
static void as_user(void)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid != 0) {
		waitpid(pid, &st, 0);
		return;
	}
	if (setgroups(0, NULL) < 0 || setresgid(1000, 1000, 1000) < 0 ||
	    setresuid(1000, 1000, 1000) < 0) {
		printf("user:setresuid %s\n", ename(errno));
		_exit(1);
	}
	/* as a process.user process is, after its exec */
	prctl(PR_SET_DUMPABLE, 1);
	cases("user:root", 0, nobj);
	make_objs("user", false);
	cases("user", 0, nobj);
	fflush(stdout);
	_exit(0);
}

/*
 * Objects another process of root's holds (a child that made them, the
 * caller's copies closed): through /proc/<pid>/fd/N as root (who may
 * ptrace it: the object is as good as its own) and as user 1000 (who
 * may not: EACCES).
 */
static void other(void)
{
	pid_t child, user;
	int st;

	make_objs("other", false);
	fflush(stdout);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	for (int i = 0; i < nobj; i++)
		close(objs[i].fd);
	snprintf(proc, sizeof(proc), "%d", (int)child);
	cases("root:other", 0, nobj);
	fflush(stdout);
	user = fork();
	if (user == 0) {
		if (setresgid(1000, 1000, 1000) == 0 &&
		    setresuid(1000, 1000, 1000) == 0) {
			prctl(PR_SET_DUMPABLE, 1);
			cases("user:other", 0, nobj);
		}
		fflush(stdout);
		_exit(0);
	}
	waitpid(user, &st, 0);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	strcpy(proc, "self");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	make_objs("root", true);
	cases("root", 0, nobj);
	/* the user owns the host's stderr file, as runc's
	 * fixStdioPermissions gives a process.user its stdio */
	printf("fchown_stderr %s\n", ename(fchown(2, 1000, 1000) ? errno : 0));
	as_user();
	other();
	printf("done 0\n");
	return 0;
}
