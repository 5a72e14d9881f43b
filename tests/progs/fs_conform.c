// SPDX-License-Identifier: Apache-2.0
/*
 * Path-syscall conformance: run natively and inside the sandbox on the
 * same kind of directory, it prints one line per case, "name result",
 * where result is a value or an errno name. tests/conformance/paths.sh
 * compares the two outputs line by line: the host kernel is the
 * expectation.
 *
 *	fs_conform WORKDIR TMPFSDIR
 * WORKDIR: an empty writable directory; TMPFSDIR: an empty tmpfs.
 * Nothing printed may depend on where the directories are.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include "progs.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* r: a syscall's result (-1 with errno). */
static void res(const char *name, long r)
{
	if (r < 0)
		printf("%s %s\n", name, ename(errno));
	else
		printf("%s %ld\n", name, r);
}

/* An fd result: "fd" (numbers may differ), closed. */
static void res_fd(const char *name, int fd)
{
	if (fd < 0) {
		printf("%s %s\n", name, ename(errno));
		return;
	}
	printf("%s fd\n", name);
	close(fd);
}

static void res_str(const char *name, const char *s)
{
	printf("%s %s\n", name, s);
}

static const char *ftype(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return "reg";
	case S_IFDIR: return "dir";
	case S_IFLNK: return "lnk";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "sock";
	case S_IFCHR: return "chr";
	case S_IFBLK: return "blk";
	default: return "?";
	}
}

static void stat_type(const char *name, const char *path, int flags)
{
	struct stat st;

	if (fstatat(AT_FDCWD, path, &st, flags) < 0)
		res(name, -1);
	else
		res_str(name, ftype(st.st_mode));
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			perror("write");
		close(fd);
	}
}

static void read_file(const char *name, const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		res(name, -1);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	res_str(name, buf);
}

static void case_open(void)
{
	struct stat st;
	char c;
	int fd;

	res_fd("creat_new", open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	res_fd("creat_excl_existing",
	       open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
	res_fd("creat_existing", open("f", O_CREAT | O_WRONLY, 0644));
	res("symlink_f", symlink("f", "lnk"));
	res_fd("nofollow_symlink", open("lnk", O_RDONLY | O_NOFOLLOW));
	res_fd("nofollow_opath_symlink",
	       open("lnk", O_PATH | O_NOFOLLOW));
	res_fd("directory_on_file", open("f", O_RDONLY | O_DIRECTORY));
	res_fd("directory_on_dir", open(".", O_RDONLY | O_DIRECTORY));
	res_fd("wronly_on_dir", open(".", O_WRONLY));
	fd = open("f", O_PATH);
	res("opath_open", fd < 0 ? -1 : 0);
	if (fd >= 0) {
		res("opath_fstat", fstat(fd, &st));
		res_str("opath_fstat_type", ftype(st.st_mode));
		res("opath_read", read(fd, &c, 1));
		close(fd);
	}
	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	res("tmpfile", fd < 0 ? -1 : 0);
	if (fd >= 0) {
		res("tmpfile_write", write(fd, "abc", 3));
		res("tmpfile_fstat", fstat(fd, &st));
		res("tmpfile_nlink", (long)st.st_nlink);
		close(fd);
	}
	res_fd("tmpfile_on_file", open("f", O_TMPFILE | O_RDWR, 0600));
	res_fd("tmpfile_rdonly", open(".", O_TMPFILE | O_RDONLY, 0600));
	write_file("t", "hello");
	res_fd("trunc", open("t", O_WRONLY | O_TRUNC));
	res("trunc_size", stat("t", &st) < 0 ? -1 : (long)st.st_size);
	write_file("t", "ab");
	fd = open("t", O_WRONLY | O_APPEND);
	if (fd >= 0) {
		res("append_write", write(fd, "cd", 2));
		close(fd);
	}
	read_file("append_content", "t");
	res("dangling_symlink", symlink("dangle-target", "dangle"));
	res_fd("dangling_creat_excl", open("dangle", O_CREAT | O_EXCL |
							    O_WRONLY, 0644));
	res_fd("dangling_creat", open("dangle", O_CREAT | O_WRONLY, 0644));
	stat_type("dangling_created_target", "dangle-target", 0);
	umask(027);
	res_fd("umask_creat", open("um", O_CREAT | O_WRONLY, 0777));
	res("umask_mode", stat("um", &st) < 0 ? -1 : (long)(st.st_mode & 0777));
	umask(022);
}

static void case_dirs(void)
{
	char buf[PATH_MAX];
	int dfd, ffd, cwd;
	struct stat a, b;

	res("mkdir", mkdir("d", 0755));
	res("mkdir_existing", mkdir("d", 0755));
	res("mkdir_on_file", mkdir("f", 0755));
	res("mkdir_missing_parent", mkdir("nope/x", 0755));
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	res_fd("openat_dirfd_creat",
	       openat(dfd, "g", O_CREAT | O_WRONLY, 0644));
	stat_type("openat_dirfd_stat", "d/g", 0);
	res("rmdir_nonempty", rmdir("d"));
	res("rmdir_file", rmdir("f"));
	res("rmdir_dot", rmdir("d/."));
	res("unlink_dir", unlink("d"));
	res("unlinkat_removedir_file", unlinkat(AT_FDCWD, "f", AT_REMOVEDIR));
	res("unlinkat_badflag", unlinkat(AT_FDCWD, "f", 0x1234));
	res("chdir", chdir("d"));
	res_fd("fdcwd_after_chdir", open("g", O_RDONLY));
	res("getcwd_small", syscall(SYS_getcwd, buf, 2));
	res("getcwd_zero", syscall(SYS_getcwd, buf, 0));
	if (getcwd(buf, sizeof(buf)) != NULL)
		res_str("getcwd_base", strrchr(buf, '/') + 1);
	else
		res("getcwd_base", -1);
	res("chdir_back", chdir(".."));
	cwd = open(".", O_RDONLY | O_DIRECTORY);
	res("fchdir", fchdir(dfd));
	res("fchdir_access", access("g", F_OK));
	ffd = open("g", O_RDONLY);
	res("fchdir_file", fchdir(ffd));
	res("fchdir_badfd", fchdir(999));
	res("fchdir_back", fchdir(cwd));
	res("chdir_file", chdir("f"));
	res("chdir_missing", chdir("nope"));
	res("openat_closed_dirfd", openat(999, "x", O_RDONLY));
	res("openat_file_dirfd", openat(ffd, "x", O_RDONLY));
	res_fd("openat_file_dirfd_abs", openat(ffd, "/", O_RDONLY));
	close(ffd);
	close(cwd);
	close(dfd);
	res("root_dotdot_stat", stat("/../../..", &a));
	stat("/", &b);
	res_str("root_dotdot_same",
		a.st_ino == b.st_ino && a.st_dev == b.st_dev ? "yes" : "no");
	dfd = open("/..", O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fstat(dfd, &a);
		res_str("root_dotdot_open_same",
			a.st_ino == b.st_ino ? "yes" : "no");
		res("root_dotdot_openat", fstatat(dfd, "..", &a, 0));
		res_str("root_dotdot_openat_same",
			a.st_ino == b.st_ino ? "yes" : "no");
		close(dfd);
	}
}

static void case_links(void)
{
	char name[16], prev[16], buf[64];
	struct stat st;
	ssize_t n;

	res("symlink_loop1", symlink("loop2", "loop1"));
	res("symlink_loop2", symlink("loop1", "loop2"));
	res_fd("open_loop", open("loop1", O_RDONLY));
	res("stat_loop", stat("loop1", &st));
	res("lstat_loop", lstat("loop1", &st));
	mkdir("chain", 0755);
	write_file("chain/c", "end");
	strcpy(prev, "c");
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "chain/c%d", i);
		symlink(prev, name);
		snprintf(prev, sizeof(prev), "c%d", i);
	}
	res_fd("chain_40", open("chain/c39", O_RDONLY));
	res_fd("chain_41", open("chain/c40", O_RDONLY));
	res("chain_41_stat", stat("chain/c40", &st));
	stat_type("lstat_nofollow", "lnk", AT_SYMLINK_NOFOLLOW);
	stat_type("stat_follow", "lnk", 0);
	res("readlink_non_link", readlink("f", buf, sizeof(buf)));
	n = readlink("lnk", buf, sizeof(buf));
	res("readlink_len", n);
	buf[n > 0 ? n : 0] = '\0';
	res_str("readlink_target", buf);
	res("readlink_short", readlink("chain/c10", buf, 1));
	res("readlink_zero", readlink("lnk", buf, 0));
	res("readlink_missing", readlink("nope", buf, sizeof(buf)));
	res("symlink_existing", symlink("x", "lnk"));
	res("symlink_empty_target", symlink("", "emptylnk"));
	res("symlink_dangling", symlink("nowhere", "dl"));
	res("stat_dangling", stat("dl", &st));
	stat_type("lstat_dangling", "dl", AT_SYMLINK_NOFOLLOW);
	res("link", link("f", "hard"));
	res("link_nlink", stat("f", &st) < 0 ? -1 : (long)st.st_nlink);
	res("link_existing", link("f", "hard"));
	res("link_dir", link("d", "hardd"));
	res("unlink", unlink("hard"));
	res("unlink_again", unlink("hard"));
	res("linkat_follow", linkat(AT_FDCWD, "lnk", AT_FDCWD, "hl",
				    AT_SYMLINK_FOLLOW));
	stat_type("linkat_follow_type", "hl", AT_SYMLINK_NOFOLLOW);
	res("linkat_nofollow", linkat(AT_FDCWD, "lnk", AT_FDCWD, "hl2", 0));
	stat_type("linkat_nofollow_type", "hl2", AT_SYMLINK_NOFOLLOW);
	res("linkat_badflag", linkat(AT_FDCWD, "f", AT_FDCWD, "hl3", 0x4));
}

static void case_rename(void)
{
	res("rename_file", rename("t", "t2"));
	res("rename_missing", rename("t", "t3"));
	mkdir("r1", 0755);
	mkdir("r2", 0755);
	res("rename_dir_over_empty_dir", rename("r1", "r2"));
	mkdir("r3", 0755);
	res("rename_file_over_dir", rename("t2", "r3"));
	res("rename_dir_over_file", rename("r3", "t2"));
	res("rename_dir_over_nonempty", rename("r3", "d"));
	res("rename_into_self", rename("r3", "r3/sub"));
	res("rename_noreplace",
	    syscall(SYS_renameat2, AT_FDCWD, "t2", AT_FDCWD, "f",
		    RENAME_NOREPLACE));
	res("rename_noreplace_new",
	    syscall(SYS_renameat2, AT_FDCWD, "t2", AT_FDCWD, "t4",
		    RENAME_NOREPLACE));
	write_file("x1", "1");
	write_file("x2", "2");
	res("rename_exchange",
	    syscall(SYS_renameat2, AT_FDCWD, "x1", AT_FDCWD, "x2",
		    RENAME_EXCHANGE));
	read_file("rename_exchange_x1", "x1");
	res("rename_exchange_missing",
	    syscall(SYS_renameat2, AT_FDCWD, "x1", AT_FDCWD, "x9",
		    RENAME_EXCHANGE));
	res("rename_badflags",
	    syscall(SYS_renameat2, AT_FDCWD, "x1", AT_FDCWD, "x2",
		    RENAME_EXCHANGE | RENAME_NOREPLACE));
}

static void case_attrs(void)
{
	struct timespec ts[2] = { { 1000, 0 }, { 2000, 0 } };
	struct stat st;
	int fd;

	res("chmod", chmod("f", 0600));
	res("chmod_mode", stat("f", &st) < 0 ? -1 : (long)(st.st_mode & 07777));
	res("chmod_missing", chmod("nope", 0600));
	res("fchmodat_nofollow_link",
	    syscall(SYS_fchmodat2, AT_FDCWD, "lnk", 0600,
		    AT_SYMLINK_NOFOLLOW));
	res("chown", chown("f", 1234, 5678));
	res("chown_ids", stat("f", &st) < 0 ? -1 :
			 (long)st.st_uid * 100000 + st.st_gid);
	res("chown_keep", chown("f", (uid_t)-1, 42));
	res("chown_keep_ids", stat("f", &st) < 0 ? -1 :
			      (long)st.st_uid * 100000 + st.st_gid);
	res("lchown", lchown("lnk", 7, 8));
	res("lchown_ids", lstat("lnk", &st) < 0 ? -1 :
			  (long)st.st_uid * 100000 + st.st_gid);
	res("utimensat", utimensat(AT_FDCWD, "f", ts, 0));
	res("utimensat_mtime", stat("f", &st) < 0 ? -1 : (long)st.st_mtime);
	res("utimensat_atime", (long)st.st_atime);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_OMIT;
	res("utimensat_omit", utimensat(AT_FDCWD, "nope", ts, 0));
	ts[0].tv_nsec = 1000000000;
	res("utimensat_badnsec", utimensat(AT_FDCWD, "f", ts, 0));
	res("utimensat_badflags", utimensat(AT_FDCWD, "f", NULL, 0x4000));
	fd = open("f", O_RDONLY);
	ts[0] = (struct timespec){ 3000, 0 };
	ts[1] = (struct timespec){ 4000, 0 };
	res("utimensat_null_path", syscall(SYS_utimensat, fd, NULL, ts, 0));
	res("utimensat_null_path_mtime",
	    stat("f", &st) < 0 ? -1 : (long)st.st_mtime);
	res("utimensat_null_fdcwd",
	    syscall(SYS_utimensat, AT_FDCWD, NULL, ts, 0));
	res("fstatat_empty_path", fstatat(fd, "", &st, AT_EMPTY_PATH));
	res_str("fstatat_empty_path_type", ftype(st.st_mode));
	res("fstatat_empty_no_flag", fstatat(fd, "", &st, 0));
	res("fstatat_empty_fdcwd", fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH));
	res_str("fstatat_empty_fdcwd_type", ftype(st.st_mode));
	res("fstatat_badflags", fstatat(AT_FDCWD, "f", &st, 0x1));
	close(fd);
	res("truncate", truncate("f", 100));
	res("truncate_size", stat("f", &st) < 0 ? -1 : (long)st.st_size);
	res("truncate_negative", truncate("f", -1));
	res("truncate_dir", truncate("d", 0));
	res("truncate_missing", truncate("nope", 0));
	res("access_r", access("f", R_OK));
	res("access_missing", access("nope", F_OK));
	res("access_badmode", access("f", 0x10));
	chmod("f", 0);
	res("access_x_no_bits", access("f", X_OK));
	res("access_w_root", access("f", W_OK));
	chmod("f", 0644);
	res("faccessat2_nofollow",
	    syscall(SYS_faccessat2, AT_FDCWD, "dl", F_OK,
		    AT_SYMLINK_NOFOLLOW));
	res("faccessat2_follow_dangling",
	    syscall(SYS_faccessat2, AT_FDCWD, "dl", F_OK, 0));
	res("faccessat2_badflags",
	    syscall(SYS_faccessat2, AT_FDCWD, "f", F_OK, 0x1));
	res("mknod_fifo", mknod("fifo", S_IFIFO | 0644, 0));
	stat_type("mknod_fifo_type", "fifo", 0);
	res("mknod_reg", mknod("regnod", 0644, 0));
	stat_type("mknod_reg_type", "regnod", 0);
	res("mknod_dir", mknod("dirnod", S_IFDIR | 0755, 0));
	res("mknod_existing", mknod("fifo", S_IFIFO | 0644, 0));
}

static void case_statx_statfs(const char *tmpfs)
{
	struct statx stx;
	struct statfs sf, sf2;
	char path[PATH_MAX];

	res("statx", statx(AT_FDCWD, "f", 0, STATX_SIZE | STATX_MODE, &stx));
	res("statx_size", (long)stx.stx_size);
	res_str("statx_type", ftype(stx.stx_mode));
	res("statx_nofollow", statx(AT_FDCWD, "lnk", AT_SYMLINK_NOFOLLOW,
				    STATX_MODE, &stx));
	res_str("statx_nofollow_type", ftype(stx.stx_mode));
	res("statx_reserved_mask", statx(AT_FDCWD, "f", 0, 0x80000000U, &stx));
	res("statx_badsync", statx(AT_FDCWD, "f", 0x6000, STATX_SIZE, &stx));
	res("statfs", statfs(".", &sf));
	res("statfs_root_same", statfs("/", &sf2));
	snprintf(path, sizeof(path), "%s", tmpfs);
	res("statfs_tmpfs", statfs(path, &sf));
	res("statfs_tmpfs_type", (long)sf.f_type);
	res("statfs_missing", statfs("nope", &sf));
}

/* struct xattr_args of setxattrat/getxattrat (Linux 6.13). */
struct fc_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

/* The fd forms (fsetxattr and fremovexattr are emulated) and the *xattrat
 * calls on an fd with an empty path. */
static void case_fxattr(const char *path)
{
	struct fc_xattr_args a = { (uintptr_t)"abc", 3, 0 };
	char buf[256];
	int fd = open(path, O_RDWR), opath = open(path, O_PATH), p[2];

	res("fsetxattr", fsetxattr(fd, "user.f", "fval", 4, 0));
	res("fgetxattr", fgetxattr(fd, "user.f", buf, sizeof(buf)));
	res("flistxattr_size", flistxattr(fd, NULL, 0));
	res("fsetxattr_create_existing",
	    fsetxattr(fd, "user.f", "v", 1, XATTR_CREATE));
	res("fsetxattr_badflags", fsetxattr(fd, "user.f", "v", 1, 0x10));
	res("fsetxattr_empty_name", fsetxattr(fd, "", "v", 1, 0));
	res("fsetxattr_opath", fsetxattr(opath, "user.f", "v", 1, 0));
	res("fsetxattr_badfd", fsetxattr(999, "user.f", "v", 1, 0));
	res("fremovexattr", fremovexattr(fd, "user.f"));
	res("fremovexattr_again", fremovexattr(fd, "user.f"));
	res("setxattrat_empty_path", syscall(463, fd, "", AT_EMPTY_PATH,
					     "user.at", &a, sizeof(a)));
	a.value = (uintptr_t)buf;
	a.size = sizeof(buf);
	res("getxattrat_empty_path", syscall(464, fd, "", AT_EMPTY_PATH,
					     "user.at", &a, sizeof(a)));
	res("removexattrat_empty_path", syscall(466, fd, "", AT_EMPTY_PATH,
						"user.at"));
	res("setxattrat_badflags", syscall(463, AT_FDCWD, path, 0x40000000,
					   "user.at", &a, sizeof(a)));
	res("removexattrat_badflags", syscall(466, AT_FDCWD, path, 0x40000000,
					      "user.at"));
	if (pipe(p) == 0) {
		res("fsetxattr_pipe", fsetxattr(p[0], "user.f", "v", 1, 0));
		close(p[0]);
		close(p[1]);
	}
	close(opath);
	close(fd);
}

static void case_xattr(const char *tmpfs)
{
	char path[PATH_MAX], buf[256];

	snprintf(path, sizeof(path), "%s/xf", tmpfs);
	write_file(path, "x");
	res("setxattr", setxattr(path, "user.test", "value", 5, 0));
	res("getxattr", getxattr(path, "user.test", buf, sizeof(buf)));
	buf[5] = '\0';
	res_str("getxattr_value", buf);
	res("getxattr_size_query", getxattr(path, "user.test", NULL, 0));
	res("getxattr_small", getxattr(path, "user.test", buf, 2));
	res("getxattr_missing", getxattr(path, "user.none", buf, sizeof(buf)));
	res("setxattr_create_existing",
	    setxattr(path, "user.test", "v", 1, XATTR_CREATE));
	res("setxattr_replace_missing",
	    setxattr(path, "user.none", "v", 1, XATTR_REPLACE));
	res("setxattr_badflags", setxattr(path, "user.test", "v", 1, 0x10));
	res("setxattr_empty_name", setxattr(path, "", "v", 1, 0));
	res("listxattr_size", listxattr(path, NULL, 0));
	res("listxattr", listxattr(path, buf, sizeof(buf)));
	res("removexattr", removexattr(path, "user.test"));
	res("removexattr_again", removexattr(path, "user.test"));
	res("xattr_missing_file", getxattr("nope", "user.test", buf, 4));
	case_fxattr(path);
}

static void case_bad_paths(void)
{
	static char longp[PATH_MAX + 16], longname[300];
	struct stat st;

	memset(longp, 'a', PATH_MAX);
	longp[PATH_MAX] = '\0';
	res_fd("path_4096", open(longp, O_RDONLY));
	res("path_4096_stat", stat(longp, &st));
	memset(longname, 'n', 256);
	longname[256] = '\0';
	res_fd("name_256", open(longname, O_RDONLY));
	res_fd("bad_pointer", (int)syscall(SYS_openat, AT_FDCWD, (char *)1,
					 O_RDONLY, 0));
	res("bad_pointer_stat", syscall(SYS_newfstatat, AT_FDCWD, NULL, &st, 0));
	res("bad_stat_buffer", syscall(SYS_newfstatat, AT_FDCWD, "f",
				       (void *)1, 0));
	res_fd("empty_path", open("", O_RDONLY));
	res("empty_path_stat", stat("", &st));
	res("empty_path_mkdir", mkdir("", 0755));
	res("trailing_slash_file", stat("f/", &st));
	res("trailing_slash_dir", stat("d/", &st));
}

static void case_edges(void)
{
	char buf[PATH_MAX];
	struct stat st;

	res_fd("creat_directory_flag", open("cd1", O_CREAT | O_DIRECTORY |
						     O_RDWR, 0644));
	res_fd("trunc_dir", open("d", O_RDONLY | O_TRUNC));
	res_fd("excl_without_creat", open("f", O_RDONLY | O_EXCL));
	res_fd("creat_trailing_slash", open("newf/", O_CREAT | O_WRONLY, 0644));
	res("mkdir_trailing_slash", mkdir("newd/", 0755));
	res("rename_file_trailing_slash", rename("f", "f2/"));
	res("symlink_dir", symlink("d", "lnkd"));
	stat_type("stat_symlink_dir_slash", "lnkd/", AT_SYMLINK_NOFOLLOW);
	res("unlink_symlink_dir_slash", unlink("lnkd/"));
	res("rmdir_symlink_dir", rmdir("lnkd"));
	res("open_dot_dot_file", open("f/..", O_RDONLY));
	mkdir("gone", 0755);
	res("chdir_gone", chdir("gone"));
	res("rmdir_cwd", rmdir("../gone"));
	res("getcwd_deleted", syscall(SYS_getcwd, buf, sizeof(buf)));
	res("stat_dot_deleted", stat(".", &st));
	res("create_in_deleted", open("x", O_CREAT | O_WRONLY, 0644));
	res("chdir_dotdot_from_deleted", chdir(".."));
	stat_type("after_deleted_cwd", "f", 0);
}

/* The status flags an open leaves (F_GETFL), as the task asked: the
 * gofer opens non-blocking and sets them back. */
static void open_flags(const char *name, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	res(name, fd < 0 ? -1 : fcntl(fd, F_GETFL) & ~O_LARGEFILE);
	if (fd >= 0)
		close(fd);
}

static void case_open_flags(void)
{
	int fd = open("flags_f", O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd >= 0)
		close(fd);
	open_flags("fl_rdonly", "flags_f", O_RDONLY);
	open_flags("fl_append", "flags_f", O_WRONLY | O_APPEND);
	open_flags("fl_noatime", "flags_f", O_RDONLY | O_NOATIME);
	open_flags("fl_async", "flags_f", O_RDONLY | O_ASYNC);
	open_flags("fl_nonblock", "flags_f", O_RDWR | O_NONBLOCK);
	open_flags("fl_sync", "flags_f", O_WRONLY | O_SYNC);
	open_flags("fl_dir", ".", O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 12; i++) {	/* through the fd pool too */
		char name[32];

		snprintf(name, sizeof(name), "fl_append_pool_%d", i);
		open_flags(name, "flags_f", O_RDONLY | O_APPEND);
	}
	unlink("flags_f");
}

static void case_openat2(void)
{
	struct {
		struct open_how how;
		uint64_t extra;
	} big = { { .flags = O_RDONLY }, 0 };
	struct open_how how = { .flags = O_RDONLY };

	res_fd("openat2", (int)syscall(SYS_openat2, AT_FDCWD, "f", &how,
				      sizeof(how)));
	res_fd("openat2_small", (int)syscall(SYS_openat2, AT_FDCWD, "f", &how,
					    8));
	res_fd("openat2_big_zero", (int)syscall(SYS_openat2, AT_FDCWD, "f",
						&big, sizeof(big)));
	big.extra = 1;
	res_fd("openat2_big_nonzero", (int)syscall(SYS_openat2, AT_FDCWD, "f",
						   &big, sizeof(big)));
	how.flags = 1ULL << 40;
	res_fd("openat2_unknown_flag", (int)syscall(SYS_openat2, AT_FDCWD,
						    "f", &how, sizeof(how)));
	how.flags = O_RDONLY;
	how.mode = 0644;
	res_fd("openat2_mode_without_creat",
	       (int)syscall(SYS_openat2, AT_FDCWD, "f", &how, sizeof(how)));
	how.mode = 0;
	how.resolve = 0x1000;
	res_fd("openat2_unknown_resolve",
	       (int)syscall(SYS_openat2, AT_FDCWD, "f", &how, sizeof(how)));
	how.resolve = RESOLVE_BENEATH;
	res_fd("openat2_beneath_dotdot",
	       (int)syscall(SYS_openat2, AT_FDCWD, "../x", &how, sizeof(how)));
	res_fd("openat2_beneath_ok",
	       (int)syscall(SYS_openat2, AT_FDCWD, "d/g", &how, sizeof(how)));
	how.resolve = RESOLVE_NO_SYMLINKS;
	res_fd("openat2_no_symlinks",
	       (int)syscall(SYS_openat2, AT_FDCWD, "lnk", &how, sizeof(how)));
	how.resolve = RESOLVE_BENEATH | RESOLVE_IN_ROOT;
	res_fd("openat2_beneath_in_root",
	       (int)syscall(SYS_openat2, AT_FDCWD, "f", &how, sizeof(how)));
	how.resolve = 0;
	how.flags = O_PATH | O_RDWR;
	res_fd("openat2_opath_rdwr",
	       (int)syscall(SYS_openat2, AT_FDCWD, "f", &how, sizeof(how)));
}

/* The first line of a file ("" if it cannot be read). */
static void first_line(const char *name, const char *path)
{
	char buf[128] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		res(name, -1);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	for (char *q = buf; *q; q++)
		if (*q == ' ' || *q == '\t')
			*q = '_';
	res_str(name, n > 0 ? buf : "(empty)");
}

/*
 * Symlinks that lead into /proc and /dev/fd (Debian's /etc/mtab ->
 * ../proc/self/mounts): every path call must land in the real procfs (or
 * the sentry's), not in an empty /proc of the root; readlink of the link
 * itself still gives its text.
 */
static void case_proc_links(void)
{
	char cwd[PATH_MAX], rel[PATH_MAX] = "", buf[PATH_MAX];
	struct statfs sfs;
	struct stat st;
	ssize_t n;
	int fd;

	if (!getcwd(cwd, sizeof(cwd)))
		return;
	strcpy(rel, "../");	/* from pl/ back up to "/" */
	for (const char *q = cwd; *q; q++)
		if (*q == '/')
			strcat(rel, "../");
	strcat(rel, "proc/self/status");
	mkdir("pl", 0755);
	res("pl_symlink_abs", symlink("/proc/self/status", "pl/abs"));
	res("pl_symlink_rel", symlink(rel, "pl/rel"));
	res("pl_symlink_dir", symlink("/proc/self", "pl/self"));
	res("pl_symlink_proc", symlink("../../../../../../../../proc",
				       "pl/proc"));
	res("pl_symlink_mtab", symlink("/proc/self/mounts", "pl/mtab"));
	res("pl_symlink_devfd", symlink("/dev/fd", "pl/fd"));
	res("pl_symlink_stdout", symlink("/dev/stdout", "pl/stdout"));
	res("pl_symlink_chain", symlink("self", "pl/chain"));
	stat_type("pl_abs_stat", "pl/abs", 0);
	stat_type("pl_abs_lstat", "pl/abs", AT_SYMLINK_NOFOLLOW);
	stat_type("pl_rel_stat", "pl/rel", 0);
	first_line("pl_abs_read", "pl/abs");
	first_line("pl_rel_read", "pl/rel");
	res("pl_abs_access", access("pl/abs", R_OK));
	n = readlink("pl/abs", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	res_str("pl_abs_readlink", n > 0 ? buf : "(error)");
	res("pl_rel_readlink_len", readlink("pl/rel", buf, sizeof(buf)) ==
				   (ssize_t)strlen(rel) ? 0 : -1);
	stat_type("pl_self_stat", "pl/self", 0);
	stat_type("pl_self_status", "pl/self/status", 0);
	stat_type("pl_self_status_l", "pl/self/status", AT_SYMLINK_NOFOLLOW);
	stat_type("pl_chain_status", "pl/chain/status", 0);
	first_line("pl_self_read", "pl/self/status");
	n = readlink("pl/self/exe", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	res_str("pl_self_exe", n > 0 ? (strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf)
			     : "(error)");
	stat_type("pl_self_missing", "pl/self/nope", 0);
	stat_type("pl_proc_stat", "pl/proc", 0);
	stat_type("pl_proc_self", "pl/proc/self/status", 0);
	res("pl_proc_statfs", statfs("pl/proc/", &sfs) < 0 ? -1
							: (long)sfs.f_type);
	res("pl_mtab_statfs", statfs("pl/mtab", &sfs) < 0 ? -1
							 : (long)sfs.f_type);
	fd = open("pl/mtab", O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	res("pl_mtab_read_some", n > 0 ? 1 : n);
	if (fd >= 0)
		close(fd);
	res_fd("pl_self_creat", open("pl/self/newfile", O_CREAT | O_WRONLY,
				     0644));
	stat_type("pl_fd_stat", "pl/fd", 0);
	stat_type("pl_fd_1", "pl/fd/1", AT_SYMLINK_NOFOLLOW);
	res("pl_stdout_access", access("pl/stdout", F_OK));
	res_fd("pl_fd_opendir", open("pl/fd", O_RDONLY | O_DIRECTORY));
	fd = open(".", O_PATH | O_DIRECTORY);
	res("pl_chdir_self", chdir("pl/self"));
	stat_type("pl_chdir_status", "status", 0);
	if (fd >= 0) {
		res("pl_chdir_back", fchdir(fd));
		close(fd);
	}
	fd = open("pl", O_PATH | O_DIRECTORY);
	res("pl_fstatat_dirfd", fstatat(fd, "self/status", &st, 0) < 0 ? -1
				: (long)(S_ISREG(st.st_mode)));
	if (fd >= 0)
		close(fd);
}

/* stat's type and permission bits, or the errno. */
static void stat_mode(const char *name, const char *path, int flags)
{
	struct stat st;
	char buf[32];

	if (fstatat(AT_FDCWD, path, &st, flags) < 0) {
		res(name, -1);
		return;
	}
	snprintf(buf, sizeof(buf), "%s-%o", ftype(st.st_mode),
		 st.st_mode & 07777);
	res_str(name, buf);
}

/* Old enough for the sentry's directory cache to keep (its ctime must be
 * older than the coarse clock's tick): then the next lookups are served
 * from it, and each change below must still be seen at once. */
static void settle(void)
{
	usleep(60000);
}

/* As uid/gid 1000 in a child: stat path's type, or the errno. */
static void stat_as_user(const char *name, const char *path)
{
	int pfd[2];
	char buf[64] = "";
	pid_t pid;
	ssize_t n;

	if (pipe(pfd) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		struct stat st;
		const char *r;

		close(pfd[0]);
		if (setgroups(0, NULL) < 0 || setresgid(1000, 1000, 1000) < 0 ||
		    setresuid(1000, 1000, 1000) < 0)
			r = "setuid-failed";
		else if (stat(path, &st) < 0)
			r = ename(errno);
		else
			r = ftype(st.st_mode);
		if (write(pfd[1], r, strlen(r)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	buf[n > 0 ? n : 0] = '\0';
	res_str(name, buf);
}

/*
 * Coherence of the sentry's cache of resolved directories: absolute paths
 * of settled directories are cached after their first lookup; renames,
 * rmdir+mkdir, chmod (by path and by fd, which the sentry never sees),
 * changes by another process and on a separate tmpfs mount must be seen
 * exactly as Linux shows them.
 */
static void case_dcache(const char *tmpfs)
{
	char w[PATH_MAX], a[PATH_MAX + 64], b[PATH_MAX + 64];
	int fd;
	pid_t pid;

	if (!getcwd(w, sizeof(w)))
		return;
	snprintf(a, sizeof(a), "%s/dc/a/b/c", w);
	mkdir("dc", 0755);
	mkdir("dc/a", 0755);
	mkdir("dc/a/b", 0755);
	mkdir("dc/a/b/c", 0755);
	write_file("dc/a/b/c/f", "x");
	settle();
	stat_mode("dc_warm", a, 0);
	stat_mode("dc_warm2", a, 0);
	snprintf(b, sizeof(b), "%s/dc/a/b/c/f", w);
	stat_mode("dc_file", b, 0);
	/* rename a cached directory away and recreate the name */
	res("dc_rename", rename("dc/a/b", "dc/a/b2"));
	stat_mode("dc_after_rename", a, 0);
	stat_mode("dc_after_rename_f", b, 0);
	res("dc_chdir_after_rename", chdir(a));
	mkdir("dc/a/b", 0700);
	stat_mode("dc_recreated_parent", a, 0);
	mkdir("dc/a/b/c", 0711);
	stat_mode("dc_recreated", a, 0);
	stat_mode("dc_recreated_f", b, 0);
	/* rmdir + mkdir of the cached leaf */
	settle();
	stat_mode("dc_leaf", a, 0);
	res("dc_rmdir", rmdir(a));
	stat_mode("dc_leaf_gone", a, 0);
	res("dc_leaf_mkdir", mkdir(a, 0750));
	stat_mode("dc_leaf_new", a, 0);
	/* chdir into a cached directory, then it is renamed */
	settle();
	fd = open(".", O_PATH | O_DIRECTORY);
	res("dc_chdir", chdir(a));
	stat_type("dc_chdir_rel", ".", 0);
	if (fd >= 0 && fchdir(fd) == 0)
		close(fd);
	res("dc_chdir_again", chdir(a));
	fd = open(w, O_PATH | O_DIRECTORY);
	if (fd >= 0 && fchdir(fd) == 0)
		close(fd);
	/* permissions: a cached directory made unsearchable */
	snprintf(a, sizeof(a), "%s/dc/p/q", w);
	mkdir("dc/p", 0755);
	mkdir("dc/p/q", 0755);
	settle();
	stat_as_user("dc_user_warm", a);
	stat_as_user("dc_user_warm2", a);
	res("dc_chmod_000", chmod("dc/p", 0));
	stat_as_user("dc_user_after_chmod", a);
	stat_mode("dc_root_after_chmod", a, 0);
	res("dc_chmod_back", chmod("dc/p", 0755));
	settle();
	stat_as_user("dc_user_back", a);
	fd = open("dc/p", O_RDONLY | O_DIRECTORY);
	res("dc_fchmod_000", fd < 0 ? -1 : fchmod(fd, 0));
	stat_as_user("dc_user_after_fchmod", a);
	res("dc_fchmod_back", fd < 0 ? -1 : fchmod(fd, 0755));
	stat_as_user("dc_user_after_fchmod_back", a);
	if (fd >= 0)
		close(fd);
	/* chdir as a user into a directory whose x bit went away */
	settle();
	res("dc_fchown", chown("dc/p/q", 1000, 1000));
	res("dc_chmod_q", chmod("dc/p/q", 0700));
	stat_as_user("dc_user_owner", a);
	/* another process changes it */
	settle();
	stat_mode("dc_other_warm", a, 0);
	pid = fork();
	if (pid == 0)
		_exit(rename("dc/p", "dc/p2") < 0 || mkdir("dc/p", 0705) < 0);
	waitpid(pid, NULL, 0);
	stat_mode("dc_other_renamed", a, 0);
	snprintf(b, sizeof(b), "%s/dc/p", w);
	stat_mode("dc_other_new", b, 0);
	/* a directory on another mount (not cached; must still be right) */
	snprintf(a, sizeof(a), "%s/dcm", tmpfs);
	mkdir(a, 0755);
	settle();
	stat_mode("dc_mnt_warm", a, 0);
	res("dc_mnt_rmdir", rmdir(a));
	res("dc_mnt_mkdir", mkdir(a, 0701));
	stat_mode("dc_mnt_new", a, 0);
	/* lstat and stat of a symlink to a cached directory */
	settle();
	snprintf(a, sizeof(a), "%s/dc/lnk", w);
	res("dc_symlink", symlink("p2", "dc/lnk"));
	settle();
	stat_mode("dc_lnk_stat", a, 0);
	stat_mode("dc_lnk_lstat", a, AT_SYMLINK_NOFOLLOW);
	res("dc_lnk_swap", unlink(a) < 0 ? -1 : symlink("a", a));
	stat_mode("dc_lnk_swapped", a, 0);
}

/* As uid/gid 1000 in a child: access(path, mode) (op 'a'), or
 * open(path, O_PATH | O_DIRECTORY) (op 'o'), or chdir (op 'c'). */
static void as_user(const char *name, char op, const char *path, int mode)
{
	int pfd[2];
	char buf[64] = "";
	pid_t pid;
	ssize_t n;

	if (pipe(pfd) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		const char *r = "0";
		int ret;

		close(pfd[0]);
		if (setgroups(0, NULL) < 0 || setresgid(1000, 1000, 1000) < 0 ||
		    setresuid(1000, 1000, 1000) < 0) {
			r = "setuid-failed";
		} else {
			if (op == 'a')
				ret = access(path, mode);
			else if (op == 'o')
				ret = open(path, O_PATH | O_DIRECTORY);
			else
				ret = chdir(path);
			if (ret < 0)
				r = ename(errno);
		}
		if (write(pfd[1], r, strlen(r)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, sizeof(buf) - 1);
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	buf[n > 0 ? n : 0] = '\0';
	res_str(name, buf);
}

/* statx's type and permission bits from dirfd + path, or the errno. */
static void statx_mode(const char *name, int dirfd, const char *path)
{
	struct statx stx;
	char buf[32];

	if (statx(dirfd, path, 0, STATX_BASIC_STATS, &stx) < 0) {
		res(name, -1);
		return;
	}
	snprintf(buf, sizeof(buf), "%s-%o", ftype(stx.stx_mode),
		 stx.stx_mode & 07777);
	res_str(name, buf);
}

/* getcwd below w, as "./rest" (the work dir's own path differs). */
static void cwd_below(const char *name, const char *w)
{
	char cwd[PATH_MAX];
	size_t n = strlen(w);

	if (!getcwd(cwd, sizeof(cwd))) {
		res(name, -1);
		return;
	}
	if (strncmp(cwd, w, n) != 0) {
		res_str(name, "outside");
		return;
	}
	printf("%s .%s\n", name, cwd + n);
}

/*
 * The directory cache, continued: paths relative to the cwd and to a
 * dirfd (served from the cache when the start directory is cached),
 * statx, access and open(O_PATH) of cached directories, and a rename
 * racing with lookups in another process.
 */
static void case_dcache_rel(void)
{
	char w[PATH_MAX], a[PATH_MAX + 64], b[PATH_MAX + 64];
	struct stat st;
	int dfd, fd, bad = 0, seen_dir = 0;
	pid_t pid;

	if (!getcwd(w, sizeof(w)))
		return;
	mkdir("dr", 0755);
	mkdir("dr/x", 0755);
	mkdir("dr/x/y", 0755);
	mkdir("dr/x/y/z", 0751);
	settle();
	/* dirfd-relative, then an ancestor of the dirfd is renamed */
	dfd = open("dr/x", O_PATH | O_DIRECTORY);
	snprintf(a, sizeof(a), "%s/dr/x", w);
	stat_mode("dcr_abs_warm", a, 0);
	statx_mode("dcr_fd_warm", dfd, "y/z");
	statx_mode("dcr_fd_warm2", dfd, "y/z");
	res("dcr_rename_anc", rename("dr", "dr2"));
	statx_mode("dcr_fd_after_anc", dfd, "y/z");
	statx_mode("dcr_fd_dot_after_anc", dfd, "./y/./z/.");
	stat_mode("dcr_abs_after_anc", "dr/x/y/z", 0);
	mkdir("dr", 0700);
	mkdir("dr/x", 0700);
	mkdir("dr/x/y", 0700);
	mkdir("dr/x/y/z", 0700);
	settle();
	stat_mode("dcr_abs_new", a, 0);
	statx_mode("dcr_fd_old", dfd, "y/z");
	res("dcr_rename_below", rename("dr2/x/y", "dr2/x/y2"));
	statx_mode("dcr_fd_renamed_below", dfd, "y/z");
	statx_mode("dcr_fd_renamed_below2", dfd, "y2/z");
	statx_mode("dcr_fd_dot", dfd, ".");
	close(dfd);
	/* cwd-relative: chdir in, rename the parent, walk ".." */
	settle();
	res("dcr_chdir", chdir("dr2/x"));
	stat_mode("dcr_cwd_warm", "y2/z", 0);
	stat_mode("dcr_cwd_warm2", "y2/z", 0);
	res("dcr_rename_parent", rename("../../dr2", "../../dr3"));
	stat_mode("dcr_cwd_after", "y2/z", 0);
	stat_mode("dcr_cwd_dot", ".", 0);
	stat_mode("dcr_cwd_dotdot", "..", 0);
	cwd_below("dcr_getcwd", w);
	res("dcr_chdir_dotdot", chdir(".."));
	cwd_below("dcr_getcwd_dotdot", w);
	stat_mode("dcr_dotdot_rel", "x/y2/z", 0);
	res("dcr_chdir_back", chdir(w));
	stat_mode("dcr_old_name", "dr2/x", 0);
	stat_mode("dcr_new_name", "dr3/x/y2/z", 0);
	/* statx, access and open(O_PATH) of a cached directory after a
	 * chmod through an fd (which the sentry never sees) */
	mkdir("ac", 0755);
	mkdir("ac/d", 0755);
	mkdir("ac/d/e", 0755);
	settle();
	snprintf(a, sizeof(a), "%s/ac/d", w);
	as_user("dca_user_x", 'a', a, X_OK);
	as_user("dca_user_x2", 'a', a, X_OK);
	as_user("dca_user_f_below", 'a', "ac/d/e", F_OK);
	as_user("dca_user_open", 'o', a, 0);
	as_user("dca_user_chdir", 'c', a, 0);
	res("dca_access_root", access(a, X_OK | F_OK));
	statx_mode("dca_statx_warm", AT_FDCWD, a);
	fd = open("ac/d", O_RDONLY | O_DIRECTORY);
	res("dca_fchmod_700", fd < 0 ? -1 : fchmod(fd, 0700));
	as_user("dca_user_x_after", 'a', a, X_OK);
	as_user("dca_user_f_below_after", 'a', "ac/d/e", F_OK);
	as_user("dca_user_open_below_after", 'o', "ac/d/e", 0);
	as_user("dca_user_chdir_after", 'c', a, 0);
	statx_mode("dca_statx_after", AT_FDCWD, a);
	res("dca_fchmod_back", fd < 0 ? -1 : fchmod(fd, 0755));
	as_user("dca_user_x_back", 'a', a, X_OK);
	if (fd >= 0)
		close(fd);
	fd = open(a, O_PATH | O_DIRECTORY);
	res("dca_open_path", fd < 0 ? -1 : 0);
	/* a new open file description: its own flags */
	res("dca_open_path_flags", fd < 0 ? -1 : fcntl(fd, F_GETFL));
	res("dca_rename_d", rename("ac/d", "ac/d2"));
	if (fd >= 0) {
		statx_mode("dca_open_path_moved", fd, "e");
		close(fd);
	}
	/* open(O_PATH) of a settled, cached directory: a new open file
	 * description with the flags asked for */
	mkdir("op", 0755);
	settle();
	snprintf(b, sizeof(b), "%s/op", w);
	stat_mode("dca_op_warm", b, 0);
	stat_mode("dca_op_warm2", b, 0);
	fd = open(b, O_PATH | O_DIRECTORY);
	res("dca_op_flags_dir", fd < 0 ? -1 : fcntl(fd, F_GETFL));
	if (fd >= 0)
		close(fd);
	fd = open(b, O_PATH);
	res("dca_op_flags", fd < 0 ? -1 : fcntl(fd, F_GETFL));
	if (fd >= 0)
		close(fd);
	fd = open(a, O_PATH | O_DIRECTORY);
	res("dca_open_path_gone", fd);
	if (fd >= 0)
		close(fd);
	/* another process renames and recreates the name while this one
	 * stats below it: only the old tree (sub 0751) or ENOENT */
	mkdir("race", 0755);
	mkdir("race/a", 0755);
	mkdir("race/a/sub", 0751);
	settle();
	snprintf(a, sizeof(a), "%s/race/a/sub", w);
	stat_mode("dcx_warm", a, 0);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 300; i++)
			if (rename("race/a", "race/b") < 0 ||
			    mkdir("race/a", 0700) < 0 || rmdir("race/a") < 0 ||
			    rename("race/b", "race/a") < 0)
				_exit(1);
		_exit(0);
	}
	for (int i = 0; i < 3000; i++) {
		if (stat(a, &st) == 0) {
			seen_dir++;
			if (!S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0751)
				bad++;
		} else if (errno != ENOENT) {
			bad++;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			pid = -1;
			break;
		}
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	res("dcx_race_only_old_or_enoent", bad);
	res("dcx_race_saw_it", seen_dir > 0);
	stat_mode("dcx_after", a, 0);
	stat_mode("dcx_after_b", "race/b", 0);
}

/* stat's type, mode, size and link count, or the errno. */
static void stat_full(const char *name, const char *path, int flags)
{
	struct stat st;
	char buf[64];

	if (fstatat(AT_FDCWD, path, &st, flags) < 0) {
		res(name, -1);
		return;
	}
	snprintf(buf, sizeof(buf), "%s-%o-%lld-%lu", ftype(st.st_mode),
		 st.st_mode & 07777, (long long)st.st_size,
		 (unsigned long)st.st_nlink);
	res_str(name, buf);
}

static ino_t ino_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 ? 0 : st.st_ino;
}

static void readlink_res(const char *name, const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0) {
		res(name, -1);
		return;
	}
	buf[n] = '\0';
	res_str(name, buf);
}

/* In a child process: unlink path and make a directory there. */
static void other_replaces(const char *path)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(unlink(path) < 0 || mkdir(path, 0700) < 0);
	waitpid(pid, NULL, 0);
}

/*
 * Coherence of files the sentry caches under --file-access exclusive:
 * after a file is looked up its stat is served from the cache, and
 * every change the container makes (by path or by fd, in this process
 * or another) must show at once, as Linux shows it.
 */
/* Absolute paths below the work directory (the cache serves absolute
 * paths, and relative ones only from a cached cwd): A("fc/f"). */
static char fc_base[PATH_MAX];
static char fc_bufs[8][PATH_MAX + 64];
static unsigned fc_next;

static const char *A(const char *rel)
{
	char *b = fc_bufs[fc_next++ % 8];

	snprintf(b, sizeof(fc_bufs[0]), "%s/%s", fc_base, rel);
	return b;
}

static void case_fcache(void)
{
	ino_t before;
	int fd;

	if (!getcwd(fc_base, sizeof(fc_base)))
		return;

	mkdir(A("fc"), 0755);
	write_file(A("fc/f"), "hello");
	symlink("f", A("fc/l"));
	settle();
	stat_full("fc_warm", A("fc/f"), 0);
	stat_full("fc_warm2", A("fc/f"), 0);
	stat_full("fc_warm_lnk", A("fc/l"), AT_SYMLINK_NOFOLLOW);
	stat_full("fc_warm_lnk_follow", A("fc/l"), 0);
	readlink_res("fc_readlink", A("fc/l"));
	readlink_res("fc_readlink2", A("fc/l"));
	readlink_res("fc_readlink_file", A("fc/f"));
	res("fc_access", access(A("fc/f"), F_OK));
	/* writes and truncation through fds the sentry never sees */
	fd = open(A("fc/f"), O_WRONLY | O_APPEND);
	res("fc_append", fd < 0 ? -1 : write(fd, " world", 6));
	stat_full("fc_after_write", A("fc/f"), 0);
	res("fc_ftruncate", fd < 0 ? -1 : ftruncate(fd, 2));
	stat_full("fc_after_ftruncate", A("fc/f"), 0);
	res("fc_fchmod", fd < 0 ? -1 : fchmod(fd, 0600));
	stat_full("fc_after_fchmod", A("fc/f"), 0);
	if (fd >= 0)
		close(fd);
	res("fc_truncate", truncate(A("fc/f"), 7));
	stat_full("fc_after_truncate", A("fc/f"), 0);
	res("fc_chmod", chmod(A("fc/f"), 0640));
	stat_full("fc_after_chmod", A("fc/f"), 0);
	/* names */
	res("fc_link", link(A("fc/f"), A("fc/h")));
	stat_full("fc_linked", A("fc/f"), 0);
	stat_full("fc_linked_h", A("fc/h"), 0);
	res("fc_link_same", ino_of(A("fc/f")) == ino_of(A("fc/h")));
	res("fc_unlink_h", unlink(A("fc/h")));
	stat_full("fc_unlinked_h", A("fc/h"), 0);
	stat_full("fc_one_link", A("fc/f"), 0);
	res("fc_rename", rename(A("fc/f"), A("fc/g")));
	stat_full("fc_renamed_from", A("fc/f"), 0);
	stat_full("fc_renamed_to", A("fc/g"), 0);
	res("fc_access_gone", access(A("fc/f"), F_OK));
	stat_full("fc_lnk_dangling", A("fc/l"), 0);
	stat_full("fc_lnk_dangling_l", A("fc/l"), AT_SYMLINK_NOFOLLOW);
	write_file(A("fc/f"), "new file");
	stat_full("fc_recreated", A("fc/f"), 0);
	stat_full("fc_lnk_again", A("fc/l"), 0);
	before = ino_of(A("fc/f"));
	write_file(A("fc/tmp"), "replacement!");
	res("fc_rename_over", rename(A("fc/tmp"), A("fc/f")));
	stat_full("fc_replaced", A("fc/f"), 0);
	res("fc_replaced_new_ino", ino_of(A("fc/f")) != before);
	stat_full("fc_tmp_gone", A("fc/tmp"), 0);
	res("fc_unlink_lnk", unlink(A("fc/l")));
	res("fc_symlink_new", symlink("g", A("fc/l")));
	readlink_res("fc_readlink_new", A("fc/l"));
	stat_full("fc_lnk_new", A("fc/l"), 0);
	res("fc_unlink_g", unlink(A("fc/g")));
	stat_full("fc_unlinked_g", A("fc/g"), 0);
	stat_full("fc_lnk_to_gone", A("fc/l"), 0);
	/* a name made a directory by another process */
	stat_full("fc_other_warm", A("fc/f"), 0);
	other_replaces(A("fc/f"));
	stat_full("fc_other_dir", A("fc/f"), 0);
	res("fc_mkdir_in", mkdir(A("fc/f/sub"), 0755));
	write_file(A("fc/f/sub/x"), "x");
	stat_full("fc_other_below", A("fc/f/sub/x"), 0);
	/* a file name used as a directory */
	write_file(A("fc/plain"), "p");
	stat_full("fc_plain", A("fc/plain"), 0);
	stat_full("fc_plain_as_dir", A("fc/plain/x"), 0);
	stat_full("fc_plain_slash", A("fc/plain/"), 0);
	/* relative to the cwd, and mknod/mkfifo */
	res("fc_chdir", chdir(A("fc")));
	stat_full("fc_rel", "plain", 0);
	res("fc_mkfifo", mkfifo("fifo", 0600));
	stat_full("fc_fifo", "fifo", 0);
	res("fc_unlink_fifo", unlink("fifo"));
	stat_full("fc_fifo_gone", "fifo", 0);
	res("fc_chdir_back", chdir(".."));
	/* a file below a directory renamed away and back */
	mkdir(A("fc/d"), 0755);
	write_file(A("fc/d/in"), "in");
	settle();
	stat_full("fc_in", A("fc/d/in"), 0);
	res("fc_rename_dir", rename(A("fc/d"), A("fc/d2")));
	stat_full("fc_in_moved", A("fc/d/in"), 0);
	stat_full("fc_in_moved2", A("fc/d2/in"), 0);
	res("fc_rename_dir_back", rename(A("fc/d2"), A("fc/d")));
	stat_full("fc_in_back", A("fc/d/in"), 0);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s WORKDIR TMPFSDIR\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (chdir(argv[1]) < 0) {
		perror(argv[1]);
		return 1;
	}
	umask(022);
	case_open();
	case_open_flags();
	case_dirs();
	case_links();
	case_rename();
	case_attrs();
	case_statx_statfs(argv[2]);
	case_xattr(argv[2]);
	case_bad_paths();
	case_edges();
	case_openat2();
	case_proc_links();
	case_dcache(argv[2]);
	case_dcache_rel();
	case_fcache();
	printf("done 0\n");
	return 0;
}
