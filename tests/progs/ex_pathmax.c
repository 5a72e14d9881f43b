// SPDX-License-Identifier: Apache-2.0
/*
 * Path arguments at PATH_MAX on every emulated path call (tests/escape/
 * exhaust.sh). Each call of the table gets a path of strlen PATH_MAX - 1
 * (the longest Linux accepts) and PATH_MAX (ENAMETOOLONG: no room for the
 * NUL), absolute ("/////.../tmp/cvx-pm/f") and relative to a cwd
 * ("./////...f", which a runtime that joins cwd and path before looking it
 * up would refuse). Prints "CALL_ARG_LEN_KIND ERRNO" per case and ends
 * with "done 0"; run on the host and in the sandbox and compared.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <utime.h>

#include "progs.h"

#define DIR "/tmp/cvx-pm"

struct xattr_args_k {	/* struct xattr_args (6.13) */
	unsigned long long value;
	unsigned int size;
	unsigned int flags;
};

static char lp[PATH_MAX + 8];	/* the long path of this round */
static char *L;
static int ino = -1;

/* What exists before each call: f (file), d (dir), s -> f (symlink). */
static void reset(void)
{
	int fd;

	chdir(DIR);
	unlink(DIR "/n");
	rmdir(DIR "/n");
	unlink(DIR "/f2");
	rmdir(DIR "/d");
	unlink(DIR "/f");
	unlink(DIR "/s");
	mkdir(DIR "/d", 0755);
	fd = open(DIR "/f", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd >= 0) {
		write(fd, "x", 1);
		close(fd);
	}
	setxattr(DIR "/f", "user.cvx", "1", 1, 0);
	symlink("f", DIR "/s");
}

/* Build lp: strlen len, naming DIR/name, absolute or from cwd DIR. */
static void build(size_t len, const char *name, int rel)
{
	char tail[64];
	size_t t, i = 0;

	snprintf(tail, sizeof(tail), rel ? "%s" : "tmp/cvx-pm/%s", name);
	t = strlen(tail);
	if (rel)
		lp[i++] = '.';
	while (i < len - t)
		lp[i++] = '/';
	memcpy(lp + i, tail, t + 1);
	L = lp;
}

static long r(long v)
{
	return v < 0 ? errno : 0;
}

typedef long (*call_fn)(void);

static char buf[256];

static long c_open(void) { int fd = open(L, O_RDONLY); if (fd >= 0) close(fd); return fd < 0 ? errno : 0; }
static long c_open_creat(void) { int fd = open(L, O_CREAT | O_WRONLY, 0644); if (fd >= 0) close(fd); return fd < 0 ? errno : 0; }
static long c_openat(void) { int fd = openat(AT_FDCWD, L, O_RDONLY); if (fd >= 0) close(fd); return fd < 0 ? errno : 0; }
static long c_openat2(void)
{
	struct open_how h = { .flags = O_RDONLY };
	int fd = syscall(SYS_openat2, AT_FDCWD, L, &h, sizeof(h));

	if (fd >= 0)
		close(fd);
	return fd < 0 ? errno : 0;
}
static long c_creat(void) { int fd = creat(L, 0644); if (fd >= 0) close(fd); return fd < 0 ? errno : 0; }
static long c_stat(void) { struct stat st; return r(syscall(SYS_stat, L, &st)); }
static long c_lstat(void) { struct stat st; return r(syscall(SYS_lstat, L, &st)); }
static long c_newfstatat(void) { struct stat st; return r(fstatat(AT_FDCWD, L, &st, 0)); }
static long c_statx(void) { struct statx sx; return r(statx(AT_FDCWD, L, 0, STATX_BASIC_STATS, &sx)); }
static long c_statfs(void) { struct statfs sf; return r(statfs(L, &sf)); }
static long c_access(void) { return r(access(L, R_OK)); }
static long c_faccessat(void) { return r(syscall(SYS_faccessat, AT_FDCWD, L, R_OK)); }
static long c_faccessat2(void) { return r(syscall(SYS_faccessat2, AT_FDCWD, L, R_OK, 0)); }
static long c_readlink(void) { return r(readlink(L, buf, sizeof(buf))); }
static long c_readlinkat(void) { return r(readlinkat(AT_FDCWD, L, buf, sizeof(buf))); }
static long c_truncate(void) { return r(truncate(L, 1)); }
static long c_chdir(void) { long e = r(chdir(L)); chdir(DIR); return e; }
/* in a child: a chroot that works must not move the rest of the run */
static long c_chroot(void)
{
	int st;
	pid_t p = fork();

	if (p == 0)
		_exit(chroot(L) < 0 ? errno : 0);
	if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}
static long c_mkdir(void) { return r(mkdir(L, 0755)); }
static long c_mkdirat(void) { return r(mkdirat(AT_FDCWD, L, 0755)); }
static long c_rmdir(void) { return r(rmdir(L)); }
static long c_unlink(void) { return r(unlink(L)); }
static long c_unlinkat(void) { return r(unlinkat(AT_FDCWD, L, 0)); }
static long c_mknod(void) { return r(mknod(L, S_IFIFO | 0644, 0)); }
static long c_mknodat(void) { return r(mknodat(AT_FDCWD, L, S_IFIFO | 0644, 0)); }
static long c_chmod(void) { return r(chmod(L, 0640)); }
static long c_fchmodat(void) { return r(syscall(SYS_fchmodat, AT_FDCWD, L, 0640)); }
static long c_fchmodat2(void) { return r(syscall(452, AT_FDCWD, L, 0640, 0)); }
static long c_chown(void) { return r(chown(L, 0, 0)); }
static long c_lchown(void) { return r(lchown(L, 0, 0)); }
static long c_fchownat(void) { return r(fchownat(AT_FDCWD, L, 0, 0, 0)); }
static long c_utime(void) { return r(utime(L, NULL)); }
static long c_utimes(void) { return r(utimes(L, NULL)); }
static long c_futimesat(void) { return r(syscall(SYS_futimesat, AT_FDCWD, L, NULL)); }
static long c_utimensat(void) { return r(utimensat(AT_FDCWD, L, NULL, 0)); }
static long c_setxattr(void) { return r(setxattr(L, "user.cvx", "2", 1, 0)); }
static long c_lsetxattr(void) { return r(lsetxattr(L, "user.cvx", "2", 1, 0)); }
static long c_getxattr(void) { return r(getxattr(L, "user.cvx", buf, sizeof(buf))); }
static long c_lgetxattr(void) { return r(lgetxattr(L, "user.cvx", buf, sizeof(buf))); }
static long c_listxattr(void) { return r(listxattr(L, buf, sizeof(buf))); }
static long c_llistxattr(void) { return r(llistxattr(L, buf, sizeof(buf))); }
static long c_removexattr(void) { return r(removexattr(L, "user.cvx")); }
static long c_lremovexattr(void) { return r(lremovexattr(L, "user.cvx")); }
static long c_setxattrat(void)
{
	struct xattr_args_k a = { (unsigned long)"2", 1, 0 };

	return r(syscall(463, AT_FDCWD, L, 0, "user.cvx", &a, sizeof(a)));
}
static long c_getxattrat(void)
{
	struct xattr_args_k a = { (unsigned long)buf, sizeof(buf), 0 };

	return r(syscall(464, AT_FDCWD, L, 0, "user.cvx", &a, sizeof(a)));
}
static long c_listxattrat(void) { return r(syscall(465, AT_FDCWD, L, 0, buf, sizeof(buf))); }
static long c_removexattrat(void) { return r(syscall(466, AT_FDCWD, L, 0, "user.cvx")); }
static long c_inotify(void) { long w = inotify_add_watch(ino, L, IN_ALL_EVENTS); if (w >= 0) inotify_rm_watch(ino, w); return w < 0 ? errno : 0; }
static long c_execve(void) { char *av[] = { "x", NULL }; return r(execve(L, av, NULL)); }
static long c_execveat(void) { char *av[] = { "x", NULL }; return r(syscall(SYS_execveat, AT_FDCWD, L, av, NULL, 0)); }
/* two-path calls: the long path as the first (old) or second (new) */
static long c_rename_old(void) { return r(rename(L, DIR "/n")); }
static long c_rename_new(void) { return r(rename(DIR "/f", L)); }
static long c_renameat_old(void) { return r(renameat(AT_FDCWD, L, AT_FDCWD, DIR "/n")); }
static long c_renameat_new(void) { return r(renameat(AT_FDCWD, DIR "/f", AT_FDCWD, L)); }
static long c_renameat2_old(void) { return r(syscall(SYS_renameat2, AT_FDCWD, L, AT_FDCWD, DIR "/n", 0)); }
static long c_renameat2_new(void) { return r(syscall(SYS_renameat2, AT_FDCWD, DIR "/f", AT_FDCWD, L, 0)); }
static long c_link_old(void) { return r(link(L, DIR "/n")); }
static long c_link_new(void) { return r(link(DIR "/f", L)); }
static long c_linkat_old(void) { return r(linkat(AT_FDCWD, L, AT_FDCWD, DIR "/n", 0)); }
static long c_linkat_new(void) { return r(linkat(AT_FDCWD, DIR "/f", AT_FDCWD, L, 0)); }
static long c_symlink_target(void) { return r(symlink(L, DIR "/n")); }
static long c_symlink_new(void) { return r(symlink("f", L)); }
static long c_symlinkat_target(void) { return r(symlinkat(L, AT_FDCWD, DIR "/n")); }
static long c_symlinkat_new(void) { return r(symlinkat("f", AT_FDCWD, L)); }

/* name, what the long path names, the call */
static const struct {
	const char *name, *target;
	call_fn fn;
} calls[] = {
	{ "open", "f", c_open }, { "open_creat", "n", c_open_creat },
	{ "openat", "f", c_openat }, { "openat2", "f", c_openat2 },
	{ "creat", "n", c_creat }, { "stat", "f", c_stat },
	{ "lstat", "s", c_lstat }, { "newfstatat", "f", c_newfstatat },
	{ "statx", "f", c_statx }, { "statfs", "f", c_statfs },
	{ "access", "f", c_access }, { "faccessat", "f", c_faccessat },
	{ "faccessat2", "f", c_faccessat2 }, { "readlink", "s", c_readlink },
	{ "readlinkat", "s", c_readlinkat }, { "truncate", "f", c_truncate },
	{ "chdir", "d", c_chdir }, { "chroot", "d", c_chroot },
	{ "mkdir", "n", c_mkdir }, { "mkdirat", "n", c_mkdirat },
	{ "rmdir", "d", c_rmdir }, { "unlink", "f", c_unlink },
	{ "unlinkat", "f", c_unlinkat }, { "mknod", "n", c_mknod },
	{ "mknodat", "n", c_mknodat }, { "chmod", "f", c_chmod },
	{ "fchmodat", "f", c_fchmodat }, { "fchmodat2", "f", c_fchmodat2 },
	{ "chown", "f", c_chown }, { "lchown", "s", c_lchown },
	{ "fchownat", "f", c_fchownat }, { "utime", "f", c_utime },
	{ "utimes", "f", c_utimes }, { "futimesat", "f", c_futimesat },
	{ "utimensat", "f", c_utimensat }, { "setxattr", "f", c_setxattr },
	{ "lsetxattr", "f", c_lsetxattr }, { "getxattr", "f", c_getxattr },
	{ "lgetxattr", "f", c_lgetxattr }, { "listxattr", "f", c_listxattr },
	{ "llistxattr", "f", c_llistxattr },
	{ "removexattr", "f", c_removexattr },
	{ "lremovexattr", "f", c_lremovexattr },
	{ "setxattrat", "f", c_setxattrat }, { "getxattrat", "f", c_getxattrat },
	{ "listxattrat", "f", c_listxattrat },
	{ "removexattrat", "f", c_removexattrat },
	{ "inotify_add_watch", "f", c_inotify },
	{ "execve", "d", c_execve }, { "execveat", "d", c_execveat },
	{ "rename_old", "f", c_rename_old }, { "rename_new", "n", c_rename_new },
	{ "renameat_old", "f", c_renameat_old },
	{ "renameat_new", "n", c_renameat_new },
	{ "renameat2_old", "f", c_renameat2_old },
	{ "renameat2_new", "n", c_renameat2_new },
	{ "link_old", "f", c_link_old }, { "link_new", "n", c_link_new },
	{ "linkat_old", "f", c_linkat_old }, { "linkat_new", "n", c_linkat_new },
	{ "symlink_target", "f", c_symlink_target },
	{ "symlink_new", "n", c_symlink_new },
	{ "symlinkat_target", "f", c_symlinkat_target },
	{ "symlinkat_new", "n", c_symlinkat_new },
};

int main(void)
{
	static const size_t lens[] = { PATH_MAX - 1, PATH_MAX };

	hold("ready");
	mkdir(DIR, 0755);
	ino = inotify_init1(IN_CLOEXEC);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		for (int l = 0; l < 2; l++) {
			for (int rel = 0; rel < 2; rel++) {
				long e;

				reset();
				build(lens[l], calls[i].target, rel);
				e = calls[i].fn();
				printf("%s_%zu%s %s\n", calls[i].name, lens[l],
				       rel ? "rel" : "abs", ename((int)e));
			}
		}
	}
	reset();
	unlink(DIR "/f");
	unlink(DIR "/s");
	rmdir(DIR "/d");
	chdir("/");
	rmdir(DIR);
	hold("held");
	hold("released");
	printf("done 0\n");
	return 0;
}
