// SPDX-License-Identifier: Apache-2.0
/*
 * The gofer, driven through the client as the sentry drives it. A child
 * process builds a sandbox root on a private tmpfs in a new mount
 * namespace, pivot_roots into it (as runsc does) and runs gofer_run(); the
 * test process holds the other end of the socketpair. One gofer, started
 * by main() before the tests (each runs in a forked child of main), serves
 * every test; main stops it (and removes the temp dir) at the end and
 * reports whether it exited cleanly.
 *
 * CVISOR_GOFER_NO_SECCOMP=1 (valgrind) or CVISOR_SAN (sanitizer builds)
 * skip the gofer's seccomp filter.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "gofer/client.h"
#include "gofer/gofer.h"
#include "gofer/protocol.h"
#include "tests/unit/test.h"

/* CHECK_STREQ on PATH_MAX buffers: the message may be cut, that is fine. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define FS_CAPS ((1ull << 0) | (1ull << 1) | (1ull << 2) | (1ull << 3) | \
		 (1ull << 4))
#define CAP_DAC_OVERRIDE_BIT (1ull << 1)

static struct gofer_client gc;
static pid_t gofer_pid = -1;
static int gofer_status;
static char tmpdir[64];
static const char *start_err;
static pid_t gofer_owner;	/* the process that started it (main) */

static const struct gofer_creds root_cr = {
	.fsuid = 0, .fsgid = 0, .cap_effective = FS_CAPS, .umask = 022,
};
static const struct gofer_creds user_cr = {
	.fsuid = 1000, .fsgid = 1000, .umask = 022,
};

static void die(const char *what)
{
	fprintf(stderr, "gofer test child: %s: %s\n", what, strerror(errno));
	_exit(99);
}

static void put(const char *path, const char *data, mode_t mode, uid_t uid,
		gid_t gid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, data, strlen(data)) != (ssize_t)strlen(data))
		die(path);
	if (fchmod(fd, mode) < 0 || fchown(fd, uid, gid) < 0)
		die(path);
	close(fd);
}

static void mk(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0 || chmod(path, mode) < 0)
		die(path);
}

static void ln(const char *target, const char *path)
{
	if (symlink(target, path) < 0)
		die(path);
}

/* The sandbox's contents (cwd = the new root). */
static void populate(void)
{
	char a[32], b[32];

	mk("etc", 0755);
	put("etc/passwd", "sandbox-passwd\n", 0644, 0, 0);
	put("etc/secret", "secret\n", 0600, 0, 0);
	put("etc/group50", "g50\n", 0640, 0, 50);
	mk("bin", 0755);
	put("bin/prog", "#!/bin/sh\necho hi\n", 0755, 0, 0);
	put("bin/xonly", "\x7f" "ELF-ish", 0711, 0, 0);
	mk("a", 0755);
	mk("a/b", 0755);
	mk("a/etc", 0755);
	put("a/etc/passwd", "chroot-passwd\n", 0644, 0, 0);
	mk("tmp", 01777);
	mk("work", 0755);
	mk("mnt", 0755);
	mk("noexec", 0755);
	ln("../../../../etc", "escape");
	ln("/etc/passwd", "abs");
	ln("bin/prog", "run-me");
	ln("loop", "loop");
	for (int i = 0; i < 41; i++) {
		snprintf(a, sizeof(a), "chain%d", i);
		snprintf(b, sizeof(b), "chain%d", i + 1);
		ln(b, a);
	}
	put("chain41", "end\n", 0644, 0, 0);
	if (mount("sub", "mnt", "tmpfs", 0, "mode=0755") < 0)
		die("mount mnt");
	mk("mnt/sub", 0755);
	if (mount("noexec", "noexec", "tmpfs", MS_NOEXEC, "mode=0755") < 0)
		die("mount noexec");
	put("noexec/prog", "#!/bin/sh\n", 0755, 0, 0);
	/* device nodes: a loop device and /dev/mem (no rule for them by
	 * default), /dev/null (allowed); the same on a nodev mount */
	mk("devs", 0755);
	mk("nodevs", 0755);
	if (mount("nodevs", "nodevs", "tmpfs", MS_NODEV, "mode=0755") < 0)
		die("mount nodevs");
	for (int i = 0; i < 2; i++) {
		const char *d = i ? "nodevs" : "devs";

		snprintf(a, sizeof(a), "%s/loop", d);
		if (mknod(a, S_IFBLK | 0666, makedev(7, 0)) < 0)
			die(a);
		snprintf(a, sizeof(a), "%s/null", d);
		if (mknod(a, S_IFCHR | 0666, makedev(1, 3)) < 0)
			die(a);
	}
	if (mknod("devs/mem", S_IFCHR | 0600, makedev(1, 1)) < 0)
		die("devs/mem");
}

/* valgrind does not implement seccomp(2); the sanitizers' exit-time
 * leak check needs syscalls the gofer's filter kills. */
static bool no_seccomp(void)
{
	const char *e = getenv("CVISOR_GOFER_NO_SECCOMP");
	const char *san = getenv("CVISOR_SAN");

	return (e && *e == '1') || (san && *san);
}

static void gofer_child(int sock)
{
	struct gofer_config cfg = { .sock = sock, .log_fd = -1 };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare");
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		die("private");
	if (mount("root", tmpdir, "tmpfs", 0, "mode=0755") < 0)
		die("tmpfs");
	if (chdir(tmpdir) < 0)
		die("chdir");
	populate();
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("umount old root");
	if (chdir("/") < 0)
		die("chdir /");
	cfg.no_seccomp = no_seccomp();
	_exit(gofer_run(&cfg));
}

static void stop_gofer(void)
{
	if (getpid() != gofer_owner)	/* a test's child, leaving */
		return;
	if (gofer_pid > 0) {
		close(gc.sock);
		waitpid(gofer_pid, &gofer_status, 0);
		gofer_pid = -1;
	}
	if (tmpdir[0])
		rmdir(tmpdir);
}

static int start_gofer(void)
{
	int sv[2];

	strcpy(tmpdir, "/tmp/cvisor-gofer.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		start_err = "mkdtemp";
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		start_err = "socketpair";
		return -1;
	}
	fflush(stdout);
	gofer_pid = fork();
	if (gofer_pid == 0) {
		close(sv[0]);
		gofer_child(sv[1]);
	}
	close(sv[1]);
	if (gofer_pid < 0) {
		close(sv[0]);
		start_err = "fork";
		return -1;
	}
	gofer_client_init(&gc, sv[0]);
	gofer_owner = getpid();
	atexit(stop_gofer);
	return 0;
}

/* The shared gofer; skips when the host cannot run it (not root). */
static struct gofer_client *G(void)
{
	if (geteuid() != 0)
		SKIP("needs root (mount namespace, pivot_root)");
	if (start_err != NULL)
		FAILF("start: %s", start_err);
	if (gofer_pid < 0)
		FAILF("gofer not running");
	return &gc;
}

static struct gofer_at at_root(const char *path)
{
	return (struct gofer_at){ GOFER_AT_ROOT, GOFER_AT_ROOT, path };
}

static struct gofer_at at_fd(int fd, const char *path)
{
	return (struct gofer_at){ fd, GOFER_AT_ROOT, path };
}

/* Reads a whole small file through the gofer; "" on error. */
static const char *slurp_at(const struct gofer_creds *cr, struct gofer_at at)
{
	static char buf[256];
	int fd = -1, ret;
	ssize_t n;

	buf[0] = '\0';
	ret = gofer_openat(G(), cr, &at, O_RDONLY, 0, 0, &fd);
	if (ret < 0) {
		snprintf(buf, sizeof(buf), "error %d", ret);
		return buf;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static const char *slurp(const char *path)
{
	return slurp_at(&root_cr, at_root(path));
}

static int open_dir(const char *path)
{
	struct gofer_at at = at_root(path);
	int fd = -1;

	if (gofer_openat(G(), &root_cr, &at, O_PATH | O_DIRECTORY, 0, 0,
			 &fd) < 0)
		return -1;
	return fd;
}

TEST(open_reads_sandbox_file)
{
	CHECK_STREQ(slurp("/etc/passwd"), "sandbox-passwd\n");
	CHECK_STREQ(slurp("etc/passwd"), "sandbox-passwd\n");
}

TEST(dotdot_is_clamped_at_root)
{
	int fd;

	CHECK_STREQ(slurp("../../etc/passwd"), "sandbox-passwd\n");
	CHECK_STREQ(slurp("/../../../etc/passwd"), "sandbox-passwd\n");
	fd = open_dir("/a/b");
	CHECK(fd >= 0);
	CHECK_STREQ(slurp_at(&root_cr, at_fd(fd, "../../../../../etc/passwd")),
		    "sandbox-passwd\n");
	close(fd);
}

TEST(escape_symlinks_stay_inside)
{
	CHECK_STREQ(slurp("escape/passwd"), "sandbox-passwd\n");
	CHECK_STREQ(slurp("abs"), "sandbox-passwd\n");
}

TEST(create_honours_mode_umask_and_excl)
{
	struct gofer_creds cr = root_cr;
	struct gofer_at at = at_root("/work/created");
	struct stat st;
	int fd = -1;

	cr.umask = 027;
	CHECK_EQ(gofer_openat(G(), &cr, &at, O_CREAT | O_EXCL | O_WRONLY,
			      0666, 0, &fd), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	close(fd);
	CHECK_EQ(st.st_mode & 07777, 0640);
	CHECK_EQ(gofer_openat(G(), &cr, &at, O_CREAT | O_EXCL | O_WRONLY,
			      0666, 0, &fd), -EEXIST);
	CHECK_EQ(gofer_unlinkat(G(), &cr, &at, 0), 0);
}

TEST(walk_errors_are_linux_errors)
{
	struct gofer_at at = at_root("/nope");
	int fd = -1;

	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -ENOENT);
	at.path = "/etc/passwd/x";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -ENOTDIR);
	at.path = "/loop";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -ELOOP);
	at.path = "/chain1";	/* 40 links: still fine */
	CHECK_STREQ(slurp("/chain1"), "end\n");
	at.path = "/chain0";	/* 41 links */
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -ELOOP);
	at.path = "/abs";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY | O_NOFOLLOW, 0, 0,
			      &fd), -ELOOP);
}

TEST(openat2_resolve_flags)
{
	struct gofer_at at = at_root("/abs");
	int fd = -1, dfd;

	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0,
			      RESOLVE_NO_SYMLINKS, &fd), -ELOOP);
	dfd = open_dir("/a");
	CHECK(dfd >= 0);
	at = at_fd(dfd, "../etc/passwd");
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0,
			      RESOLVE_BENEATH, &fd), -EXDEV);
	/* RESOLVE_IN_ROOT: /a is the root for this lookup */
	at = at_fd(dfd, "etc/../../etc/passwd");
	CHECK_STREQ(slurp_at(&root_cr, at), "sandbox-passwd\n");
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0,
			      RESOLVE_IN_ROOT, &fd), 0);
	char buf[32] = "";

	CHECK_EQ(read(fd, buf, sizeof(buf) - 1), 14);
	CHECK_STREQ(buf, "chroot-passwd\n");
	close(fd);
	at.path = "/etc";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_PATH | O_DIRECTORY, 0,
			      RESOLVE_IN_ROOT, &fd), 0);
	close(fd);
	close(dfd);
	/* a device node the rules refuse, as for openat (gofer/devices.c) */
	at = at_root("/devs/loop");
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0,
			      RESOLVE_IN_ROOT, &fd), -EPERM);
}

TEST(dirs_unlink_rename_link_symlink)
{
	struct gofer_at d = at_root("/work/d"), f = at_root("/work/f");
	struct gofer_at g = at_root("/work/g"), l = at_root("/work/l");
	struct gofer_at s = at_root("/work/s");
	char buf[64];
	struct stat st;
	int fd = -1;

	CHECK_EQ(gofer_mkdirat(G(), &root_cr, &d, 0755), 0);
	CHECK_EQ(gofer_mkdirat(G(), &root_cr, &d, 0755), -EEXIST);
	CHECK_EQ(gofer_openat(G(), &root_cr, &f, O_CREAT | O_WRONLY, 0644, 0,
			      &fd), 0);
	CHECK_EQ(write(fd, "F", 1), 1);
	close(fd);
	CHECK_EQ(gofer_openat(G(), &root_cr, &g, O_CREAT | O_WRONLY, 0644, 0,
			      &fd), 0);
	CHECK_EQ(write(fd, "G", 1), 1);
	close(fd);
	CHECK_EQ(gofer_renameat2(G(), &root_cr, &f, &g, RENAME_NOREPLACE),
		 -EEXIST);
	CHECK_EQ(gofer_renameat2(G(), &root_cr, &f, &g, RENAME_EXCHANGE), 0);
	CHECK_STREQ(slurp("/work/f"), "G");
	CHECK_STREQ(slurp("/work/g"), "F");
	CHECK_EQ(gofer_linkat(G(), &root_cr, &f, &l, 0), 0);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &l, 0, &st), 0);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_EQ(gofer_symlinkat(G(), &root_cr, "f", &s), 0);
	CHECK_EQ(gofer_readlinkat(G(), &root_cr, &s, buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 'f');
	CHECK_STREQ(slurp("/work/s"), "G");
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &d, 0), -EISDIR);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &f, AT_REMOVEDIR), -ENOTDIR);
	CHECK_EQ(gofer_renameat2(G(), &root_cr, &g, &d, 0), -EISDIR);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &d, AT_REMOVEDIR), 0);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &f, 0), 0);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &g, 0), 0);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &l, 0), 0);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &s, 0), 0);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &f, 0, &st), -ENOENT);
}

TEST(linkat_empty_path_links_the_fd)
{
	struct gofer_at t = at_root("/work"), n = at_root("/work/named");
	struct gofer_at e;
	struct stat st;
	int fd = -1;

	CHECK_EQ(gofer_openat(G(), &root_cr, &t, O_TMPFILE | O_WRONLY, 0600,
			      0, &fd), 0);
	e = at_fd(fd, "");
	CHECK_EQ(gofer_linkat(G(), &root_cr, &e, &n, AT_EMPTY_PATH), 0);
	close(fd);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &n, 0, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &n, 0), 0);
}

TEST(attributes_chmod_chown_utimens_truncate)
{
	struct gofer_at f = at_root("/work/attr"), l = at_root("/work/attrl");
	struct timespec ts[2] = { { 1000, 5 }, { 2000, UTIME_OMIT } };
	struct stat st;
	int fd = -1;

	CHECK_EQ(gofer_openat(G(), &root_cr, &f, O_CREAT | O_WRONLY, 0644, 0,
			      &fd), 0);
	CHECK_EQ(write(fd, "0123456789", 10), 10);
	CHECK_EQ(gofer_symlinkat(G(), &root_cr, "attr", &l), 0);
	CHECK_EQ(gofer_fchmodat(G(), &root_cr, &f, 0600, 0), 0);
	CHECK_EQ(gofer_fchmodat(G(), &root_cr, &l, 0600, AT_SYMLINK_NOFOLLOW),
		 -EOPNOTSUPP);
	CHECK_EQ(gofer_fchownat(G(), &root_cr, &f, 1000, 1000, 0), 0);
	CHECK_EQ(gofer_fchownat(G(), &root_cr, &l, 7, 7, AT_SYMLINK_NOFOLLOW),
		 0);
	CHECK_EQ(gofer_utimensat(G(), &root_cr, &f, ts, 0), 0);
	CHECK_EQ(gofer_truncate(G(), &root_cr, &f, 3), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(st.st_uid, 1000);
	CHECK_EQ(st.st_gid, 1000);
	CHECK_EQ(st.st_atim.tv_sec, 1000);
	CHECK_EQ(st.st_atim.tv_nsec, 5);
	CHECK_EQ(st.st_size, 3);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &l, AT_SYMLINK_NOFOLLOW, &st), 0);
	CHECK_EQ(st.st_uid, 7);
	/* the NULL-path form on the fd itself: now */
	struct gofer_at self = at_fd(fd, NULL);

	CHECK_EQ(gofer_utimensat(G(), &root_cr, &self, NULL, 0), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK(st.st_atim.tv_sec > 1000);
	/* not the owner, no caps: EPERM */
	f.path = "/etc/passwd";
	CHECK_EQ(gofer_fchmodat(G(), &user_cr, &f, 0777, 0), -EPERM);
	CHECK_EQ(gofer_utimensat(G(), &user_cr, &f, ts, 0), -EPERM);
	CHECK_EQ(gofer_truncate(G(), &user_cr, &f, 0), -EACCES);
	close(fd);
	f.path = "/work/attr";
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &f, 0), 0);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &l, 0), 0);
}

TEST(xattrs)
{
	struct gofer_at f = at_root("/work/x"), l = at_root("/work/xl");
	char buf[128];
	int fd = -1;

	CHECK_EQ(gofer_openat(G(), &root_cr, &f, O_CREAT | O_RDWR, 0644, 0,
			      &fd), 0);
	CHECK_EQ(gofer_symlinkat(G(), &root_cr, "x", &l), 0);
	CHECK_EQ(gofer_setxattr(G(), &root_cr, &f, 0, "user.k", "val", 3, 0),
		 0);
	CHECK_EQ(gofer_setxattr(G(), &root_cr, &f, 0, "user.k", "v", 1,
				XATTR_CREATE), -EEXIST);
	CHECK_EQ(gofer_getxattr(G(), &root_cr, &f, 0, "user.k", NULL, 0), 3);
	CHECK_EQ(gofer_getxattr(G(), &root_cr, &f, 0, "user.k", buf, 1),
		 -ERANGE);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(gofer_getxattr(G(), &root_cr, &l, 0, "user.k", buf,
				sizeof(buf)), 3);
	CHECK(memcmp(buf, "val", 3) == 0);
	/* l- variant: the symlink itself has no user.k */
	CHECK_EQ(gofer_getxattr(G(), &root_cr, &l, AT_SYMLINK_NOFOLLOW,
				"user.k", buf, sizeof(buf)), -ENODATA);
	CHECK_EQ(gofer_setxattr(G(), &root_cr, &l, AT_SYMLINK_NOFOLLOW,
				"user.k", "v", 1, 0), -EPERM);
	/* f- variant on the fd */
	struct gofer_at self = at_fd(fd, NULL);

	CHECK_EQ(gofer_listxattr(G(), &root_cr, &self, 0, buf, sizeof(buf)),
		 7);
	CHECK_STREQ(buf, "user.k");
	CHECK_EQ(gofer_getxattr(G(), &user_cr, &f, 0, "user.k", buf,
				sizeof(buf)), 3);
	CHECK_EQ(gofer_setxattr(G(), &user_cr, &f, 0, "user.k", "v", 1, 0),
		 -EACCES);
	CHECK_EQ(gofer_removexattr(G(), &root_cr, &f, 0, "user.k"), 0);
	CHECK_EQ(gofer_removexattr(G(), &root_cr, &f, 0, "user.k"), -ENODATA);
	CHECK_EQ(gofer_getxattr(G(), &root_cr, &f, 0, "", buf, 1), -ERANGE);
	close(fd);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &f, 0), 0);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &l, 0), 0);
}

TEST(fd_forms)
{
	struct gofer_at f = at_root("/work/fdf"), l = at_root("/abs");
	struct gofer_at self;
	struct statfs sfs;
	struct stat st;
	char buf[64];
	int fd = -1, lfd = -1;

	CHECK_EQ(gofer_openat(G(), &root_cr, &f, O_CREAT | O_RDWR, 0644, 0,
			      &fd), 0);
	self = at_fd(fd, NULL);
	CHECK_EQ(gofer_fchmodat(G(), &root_cr, &self, 0611, 0), 0);
	CHECK_EQ(gofer_fchownat(G(), &root_cr, &self, 5, 6, 0), 0);
	CHECK_EQ(gofer_truncate(G(), &root_cr, &self, 7), 0);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &self, 0, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0611);
	CHECK_EQ(st.st_uid, 5);
	CHECK_EQ(st.st_gid, 6);
	CHECK_EQ(st.st_size, 7);
	CHECK_EQ(gofer_statfs(G(), &root_cr, &self, &sfs), 0);
	CHECK_EQ(sfs.f_type, TMPFS_MAGIC);
	/* fchmod as a stranger: EPERM */
	CHECK_EQ(gofer_fchmodat(G(), &user_cr, &self, 0777, 0), -EPERM);
	close(fd);
	/* readlinkat(fd, "") on an O_PATH|O_NOFOLLOW symlink */
	CHECK_EQ(gofer_openat(G(), &root_cr, &l, O_PATH | O_NOFOLLOW, 0, 0,
			      &lfd), 0);
	self = at_fd(lfd, "");
	CHECK_EQ(gofer_readlinkat(G(), &root_cr, &self, buf, sizeof(buf)), 11);
	close(lfd);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &f, 0), 0);
}

TEST(stat_statx_statfs_readlink_access)
{
	struct gofer_at a = at_root("/abs"), m = at_root("/mnt/sub");
	struct statx stx;
	struct statfs sfs;
	struct stat st;
	char buf[64];

	CHECK_EQ(gofer_fstatat(G(), &root_cr, &a, AT_SYMLINK_NOFOLLOW, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &a, 0, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 15);
	CHECK_EQ(gofer_statx(G(), &root_cr, &a, 0, STATX_SIZE, &stx), 0);
	CHECK_EQ(stx.stx_size, 15);
	CHECK_EQ(gofer_statfs(G(), &root_cr, &m, &sfs), 0);
	CHECK_EQ(sfs.f_type, TMPFS_MAGIC);
	CHECK_EQ(gofer_readlinkat(G(), &root_cr, &a, buf, sizeof(buf)), 11);
	CHECK(memcmp(buf, "/etc/passwd", 11) == 0);
	CHECK_EQ(gofer_readlinkat(G(), &root_cr, &a, buf, 4), 4);
	a.path = "/etc/passwd";
	CHECK_EQ(gofer_readlinkat(G(), &root_cr, &a, buf, 4), -EINVAL);
	CHECK_EQ(gofer_faccessat(G(), &user_cr, &a, R_OK, 0), 0);
	CHECK_EQ(gofer_faccessat(G(), &user_cr, &a, W_OK, 0), -EACCES);
	CHECK_EQ(gofer_faccessat(G(), &root_cr, &a, W_OK, 0), 0);
	CHECK_EQ(gofer_faccessat(G(), &root_cr, &a, X_OK, 0), -EACCES);
}

TEST(credentials_decide_permissions)
{
	struct gofer_creds cr = user_cr;
	struct gofer_at at = at_root("/etc/secret");
	struct stat st;
	int fd = -1;

	CHECK_EQ(gofer_openat(G(), &user_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EACCES);
	cr.cap_effective = CAP_DAC_OVERRIDE_BIT;
	CHECK_STREQ(slurp_at(&cr, at), "secret\n");
	/* supplementary groups */
	at.path = "/etc/group50";
	CHECK_EQ(gofer_openat(G(), &user_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EACCES);
	cr = user_cr;
	cr.ngroups = 1;
	cr.groups[0] = 50;
	CHECK_STREQ(slurp_at(&cr, at), "g50\n");
	/* identities are cached between requests: switching back must work */
	CHECK_EQ(gofer_openat(G(), &user_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EACCES);
	cr.groups[0] = 51;
	CHECK_EQ(gofer_openat(G(), &cr, &at, O_RDONLY, 0, 0, &fd), -EACCES);
	cr.groups[0] = 50;
	CHECK_STREQ(slurp_at(&cr, at), "g50\n");
	cr.cap_effective = CAP_DAC_OVERRIDE_BIT;
	at.path = "/etc/secret";
	CHECK_STREQ(slurp_at(&cr, at), "secret\n");
	cr.cap_effective = 0;
	CHECK_EQ(gofer_openat(G(), &cr, &at, O_RDONLY, 0, 0, &fd), -EACCES);
	at.path = "/etc/group50";
	/* creating as 1000:1000 */
	at.path = "/tmp/mine";
	CHECK_EQ(gofer_openat(G(), &user_cr, &at, O_CREAT | O_WRONLY, 0666, 0,
			      &fd), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	close(fd);
	CHECK_EQ(st.st_uid, 1000);
	CHECK_EQ(st.st_gid, 1000);
	CHECK_EQ(st.st_mode & 0777, 0644);
	at.path = "/etc/mine";
	CHECK_EQ(gofer_openat(G(), &user_cr, &at, O_CREAT | O_WRONLY, 0666, 0,
			      &fd), -EACCES);
	CHECK_EQ(gofer_mkdirat(G(), &user_cr, &at, 0755), -EACCES);
	/* chown to someone else needs CAP_CHOWN */
	at.path = "/tmp/mine";
	CHECK_EQ(gofer_fchownat(G(), &user_cr, &at, 0, 0, 0), -EPERM);
	CHECK_EQ(gofer_unlinkat(G(), &user_cr, &at, 0), 0);
	/* and the gofer is root again for the next caller */
	CHECK_STREQ(slurp("/etc/secret"), "secret\n");
}

TEST(mknod_only_fifo_socket_regular)
{
	struct gofer_at at = at_root("/work/node");
	struct stat st;

	CHECK_EQ(gofer_mknodat(G(), &root_cr, &at, S_IFCHR | 0666,
			       makedev(1, 3)), -EPERM);
	CHECK_EQ(gofer_mknodat(G(), &root_cr, &at, S_IFBLK | 0666,
			       makedev(7, 0)), -EPERM);
	CHECK_EQ(gofer_mknodat(G(), &root_cr, &at, S_IFIFO | 0666, 0), 0);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &at, 0, &st), 0);
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0644);
	/* opening it never blocks the gofer */
	int fd = -1;

	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_WRONLY, 0, 0, &fd),
		 -ENXIO);
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd), 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &at, 0), 0);
	/* a whiteout (0:0), which Linux lets anyone make */
	CHECK_EQ(gofer_mknodat(G(), &root_cr, &at, S_IFCHR | 0600, 0), 0);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &at, 0, &st), 0);
	CHECK(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &at, 0), 0);
	/* a regular file opened blocking is blocking */
	at.path = "/etc/passwd";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd), 0);
	CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	close(fd);
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY | O_NONBLOCK, 0, 0,
			      &fd), 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
}

/* Device nodes only as the device rules allow (here runc's defaults):
 * refused before the open, whatever the open's form (gofer/devices.c;
 * openat2 in openat2_resolve_flags, which valgrind cannot run). */
TEST(device_nodes_only_as_the_rules_allow)
{
	struct gofer_at at = at_root("/devs/loop");
	struct gofer_exec_info ei;
	int fd = -1;

	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EPERM);
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_WRONLY, 0, 0, &fd),
		 -EPERM);
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY | O_TRUNC, 0, 0,
			      &fd), -EPERM);
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_PATH, 0, 0, &fd), -EPERM);
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDWR | O_CREAT, 0644, 0,
			      &fd), -EPERM);
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -EACCES);
	at.path = "/devs/mem";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EPERM);
	/* no permission comes first, as in may_open() */
	CHECK_EQ(gofer_openat(G(), &user_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EACCES);
	at.path = "/devs/null";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDWR, 0, 0, &fd), 0);
	close(fd);
	CHECK_EQ(gofer_openat(G(), &user_cr, &at, O_PATH, 0, 0, &fd), 0);
	close(fd);
	/* a nodev mount refuses any node first: EACCES */
	at.path = "/nodevs/loop";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EACCES);
	at.path = "/nodevs/null";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EACCES);
}

TEST(exec_resolve)
{
	struct gofer_at at = at_root("/bin/prog");
	struct gofer_exec_info ei;

	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, 0, &ei), 0);
	CHECK_STREQ(ei.path, "/bin/prog");
	CHECK_EQ(ei.head_len, 18);
	CHECK(memcmp(ei.head, "#!/bin/sh\n", 10) == 0);
	CHECK_EQ(ei.mode & 07777, 0755);
	at.path = "/run-me";
	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, 0, &ei), 0);
	CHECK_STREQ(ei.path, "/bin/prog");
	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, AT_SYMLINK_NOFOLLOW,
				    &ei), -ELOOP);
	at.path = "../../a/../bin/xonly";	/* --x for others: still runs */
	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, 0, &ei), 0);
	CHECK_STREQ(ei.path, "/bin/xonly");
	CHECK_EQ(ei.head[0], 0x7f);
	at.path = "/etc/passwd";
	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, 0, &ei), -EACCES);
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -EACCES);
	at.path = "/bin";
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -EACCES);
	at.path = "/bin/nope";
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -ENOENT);
	at.path = "/etc/passwd/x";
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -ENOTDIR);
	at.path = "/loop";
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -ELOOP);
	at.path = "/noexec/prog";
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -EACCES);
	at.path = "/mnt/sub";
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -EACCES);
	/* execveat(fd, "", AT_EMPTY_PATH): the fd is the file */
	int fd = -1;

	at.path = "/bin/prog";
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd), 0);
	at = at_fd(fd, "");
	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, AT_EMPTY_PATH, &ei), 0);
	CHECK_STREQ(ei.path, "");
	CHECK_EQ(ei.head_len, 18);
	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, 0, &ei), -ENOENT);
	close(fd);
	at = at_root("/bin/prog");
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_PATH, 0, 0, &fd), 0);
	at = at_fd(fd, "");
	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, AT_EMPTY_PATH, &ei), 0);
	CHECK_EQ(ei.head_len, 0);
	close(fd);
	at = at_root("/etc/passwd");
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd), 0);
	at = at_fd(fd, "");
	CHECK_EQ(gofer_exec_resolve(G(), &user_cr, &at, AT_EMPTY_PATH, &ei),
		 -EACCES);
	close(fd);
}

TEST(dir_path_walks_up_to_root)
{
	char buf[PATH_MAX];
	int fd;

	fd = open_dir("/a/b");
	CHECK(fd >= 0);
	CHECK_EQ(gofer_dir_path(G(), fd, buf, sizeof(buf)), 4);
	CHECK_STREQ(buf, "/a/b");
	CHECK_EQ(gofer_dir_path(G(), fd, buf, 4), -ERANGE);
	close(fd);
	fd = open_dir("/");
	CHECK(fd >= 0);
	CHECK_EQ(gofer_dir_path(G(), fd, buf, sizeof(buf)), 1);
	CHECK_STREQ(buf, "/");
	close(fd);
	fd = open_dir("/mnt/sub/../sub");	/* across a mount point */
	CHECK(fd >= 0);
	CHECK_EQ(gofer_dir_path(G(), fd, buf, sizeof(buf)), 8);
	CHECK_STREQ(buf, "/mnt/sub");
	close(fd);
	fd = open_dir("/mnt");
	CHECK(fd >= 0);
	CHECK_EQ(gofer_dir_path(G(), fd, buf, sizeof(buf)), 4);
	CHECK_STREQ(buf, "/mnt");
	close(fd);
}

TEST(chrooted_task_resolves_in_its_root)
{
	struct gofer_at at = at_root("/etc/passwd");
	struct gofer_exec_info ei;
	int rfd, dfd;

	rfd = open_dir("/a");
	dfd = open_dir("/a/b");
	CHECK(rfd >= 0 && dfd >= 0);
	at.rootfd = rfd;
	CHECK_STREQ(slurp_at(&root_cr, at), "chroot-passwd\n");
	at.dirfd = dfd;
	at.path = "../../../etc/passwd";
	CHECK_STREQ(slurp_at(&root_cr, at), "chroot-passwd\n");
	/* the gofer is back in its own root afterwards */
	CHECK_STREQ(slurp("/etc/passwd"), "sandbox-passwd\n");
	at.path = "/bin/prog";
	CHECK_EQ(gofer_exec_resolve(G(), &root_cr, &at, 0, &ei), -ENOENT);
	close(rfd);
	close(dfd);
}

TEST(donated_host_fd_is_refused)
{
	struct gofer_at at;
	struct stat st;
	char buf[64];
	int fd = -1, host = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);

	CHECK(host >= 0);
	at = at_fd(host, "x");
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EXDEV);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &at, 0, &st), -EXDEV);
	CHECK_EQ(gofer_dir_path(G(), host, buf, sizeof(buf)), -EXDEV);
	at = at_root("/etc/passwd");
	at.rootfd = host;
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EXDEV);
	close(host);
	/* a file where a directory is expected */
	at = at_root("/etc/passwd");
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_PATH, 0, 0, &fd), 0);
	at = at_fd(fd, "x");
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &at, 0, &st), -ENOTDIR);
	CHECK_EQ(gofer_dir_path(G(), fd, buf, sizeof(buf)), -ENOTDIR);
	close(fd);
}

TEST(bind_and_connect_unix)
{
	char deep[PATH_MAX] = "/tmp/dddddddddddddddddddddddddddddddddddddddddddddddddd"
			 "dddddddddddddddddddddddddddddddddddddddddddddddddddd";
	struct gofer_at at = at_root("/tmp/s.sock");
	int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct stat st;

	CHECK(srv >= 0 && cli >= 0 && udp >= 0);
	CHECK_EQ(gofer_bind_unix(G(), &user_cr, &at, srv), 0);
	CHECK_EQ(listen(srv, 1), 0);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &at, 0, &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_EQ(st.st_uid, 1000);
	CHECK_EQ(gofer_connect_unix(G(), &user_cr, &at, cli), 0);
	int acc = accept4(srv, NULL, NULL, SOCK_CLOEXEC);

	CHECK(acc >= 0);
	close(acc);
	CHECK_EQ(gofer_bind_unix(G(), &user_cr, &at, udp), -EINVAL);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &at, 0), 0);
	close(srv);
	close(cli);
	/* longer than sun_path: bound relative to its directory */
	at.path = deep;
	CHECK_EQ(gofer_mkdirat(G(), &root_cr, &at, 0777), 0);
	strcat(deep, "/a-socket-name-that-pushes-past-108-bytes");
	CHECK(strlen(deep) > 108);
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK_EQ(gofer_bind_unix(G(), &root_cr, &at, srv), 0);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &at, 0, &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &at, 0), 0);
	/* a last component that cannot fit in sun_path */
	char longname[300];

	memset(longname, 'n', sizeof(longname));
	strcpy(longname + 120, "");
	*strrchr(deep, '/') = '\0';
	strcat(deep, "/");
	strcat(deep, longname);
	CHECK_EQ(gofer_bind_unix(G(), &root_cr, &at, srv), -ENAMETOOLONG);
	*strrchr(deep, '/') = '\0';
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &at, AT_REMOVEDIR), 0);
	close(srv);
	/* the socket file's mode honours the umask */
	struct gofer_creds cr = user_cr;

	cr.umask = 077;
	at.path = "/tmp/u.sock";
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK_EQ(gofer_bind_unix(G(), &cr, &at, srv), 0);
	CHECK_EQ(gofer_fstatat(G(), &root_cr, &at, AT_SYMLINK_NOFOLLOW, &st),
		 0);
	CHECK_EQ(st.st_mode & 0777, 0700);
	CHECK_EQ(gofer_unlinkat(G(), &root_cr, &at, 0), 0);
	close(srv);
	close(udp);
}

/* Sends raw bytes (and fds) as one request; returns the reply result. */
static long raw_call(const void *msg, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { (void *)msg, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct gofer_rep_hdr h;
	char junk[128];
	struct iovec riov[2] = { { &h, sizeof(h) }, { junk, sizeof(junk) } };
	struct msghdr rm = { .msg_iov = riov, .msg_iovlen = 2 };

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(G()->sock, &m, MSG_NOSIGNAL) < 0)
		return -1000;
	if (recvmsg(G()->sock, &rm, 0) < (ssize_t)sizeof(h))
		return -1001;
	return h.result;
}

TEST(malformed_requests_do_not_crash)
{
	struct {
		struct gofer_req_hdr h;
		char p[16];
	} m;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	G();
	CHECK_EQ(raw_call("x", 1, -1), -EPROTO);
	memset(&m, 0, sizeof(m));
	CHECK_EQ(raw_call(&m, sizeof(m.h), -1), -EPROTO);	/* magic */
	m.h.magic = GOFER_PROTO_MAGIC;
	m.h.op = GOFER_OP_OPENAT;
	CHECK_EQ(raw_call(&m, sizeof(m.h), -1), -EFAULT);	/* no path */
	m.h.len[GOFER_LEN_PATH] = 4;
	memcpy(m.p, "/etc", 4);					/* no NUL */
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 4, -1), -EPROTO);
	memcpy(m.p, "/e\0c", 4);				/* inner NUL */
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 4, -1), -EPROTO);
	m.h.len[GOFER_LEN_PATH] = 100;				/* too long */
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 4, -1), -EPROTO);
	m.h.len[GOFER_LEN_PATH] = 5000;
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 4, -1), -EPROTO);
	m.h.len[GOFER_LEN_PATH] = 5;
	memcpy(m.p, "/etc", 5);
	m.h.creds.ngroups = 1000;
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 5, -1), -EPROTO);
	m.h.creds.ngroups = 0;
	m.h.fdmask = GOFER_FD_DIR;				/* fd missing */
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 5, -1), -EPROTO);
	m.h.fdmask = 0;						/* extra fd */
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 5, fd), -EPROTO);
	m.h.fdmask = 0x80;
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 5, fd), -EPROTO);
	m.h.fdmask = 0;
	m.h.op = 999;
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 5, -1), -ENOSYS);
	m.h.op = 0;
	CHECK_EQ(raw_call(&m, sizeof(m.h) + 5, -1), -ENOSYS);
	close(fd);
	/* and it still serves */
	CHECK_STREQ(slurp("/etc/passwd"), "sandbox-passwd\n");
}

TEST(client_argument_checks)
{
	struct gofer_creds cr = root_cr;
	struct gofer_at at = at_root("/etc/passwd");
	char big[PATH_MAX + 10];
	char name[300];
	int fd = -1;

	cr.ngroups = GOFER_MAX_GROUPS + 1;
	CHECK_EQ(gofer_openat(G(), &cr, &at, O_RDONLY, 0, 0, &fd), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	at.path = big;
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -ENAMETOOLONG);
	at = at_fd(-5, "rel");
	CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
		 -EBADF);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	at = at_root("/etc/passwd");
	CHECK_EQ(gofer_getxattr(G(), &root_cr, &at, 0, name, NULL, 0),
		 -ERANGE);
}

static long status_field(const char *key, int base)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)gofer_pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = strtol(line + strlen(key), NULL, base);
	fclose(f);
	return v;
}

TEST(gofer_is_confined)
{
	G();
	/* CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID SETGID SETUID
	 * SYS_CHROOT */
	CHECK_EQ(status_field("CapPrm:", 16), 0x400df);
	CHECK_EQ(status_field("CapBnd:", 16), 0x400df);
	CHECK_EQ(status_field("CapInh:", 16), 0);
	CHECK_EQ(status_field("CapAmb:", 16), 0);
	CHECK_EQ(status_field("NoNewPrivs:", 10), 1);
	if (!no_seccomp())
		CHECK_EQ(status_field("Seccomp:", 10), 2);
}

/* A fake gofer: answers one request with the reply built by fn. */
static int fake_gofer(void (*fn)(const struct gofer_req_hdr *q,
				 struct gofer_rep_hdr *h, char *payload,
				 int *fd),
		      struct gofer_client *c, pid_t *pid)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	fflush(stdout);
	*pid = fork();
	if (*pid == 0) {
		char buf[sizeof(struct gofer_req_hdr) + GOFER_REQ_PAYLOAD_MAX];
		struct {
			struct gofer_rep_hdr h;
			char payload[512];
		} rep;
		struct gofer_req_hdr q;
		int fd = -1;

		close(sv[0]);
		if (recv(sv[1], buf, sizeof(buf), 0) < (ssize_t)sizeof(q))
			_exit(1);
		memcpy(&q, buf, sizeof(q));
		memset(&rep, 0, sizeof(rep));
		rep.h.magic = GOFER_PROTO_MAGIC;
		rep.h.tag = q.tag;
		rep.h.op = q.op;
		fn(&q, &rep.h, rep.payload, &fd);
		if (fd >= 0) {
			union {
				char b[CMSG_SPACE(sizeof(int))];
				struct cmsghdr a;
			} u;
			struct iovec iov = { &rep, sizeof(rep.h) + rep.h.len };
			struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
					    .msg_control = u.b,
					    .msg_controllen = sizeof(u.b) };
			struct cmsghdr *cm;

			memset(&u, 0, sizeof(u));
			cm = CMSG_FIRSTHDR(&m);

			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &fd, sizeof(int));
			sendmsg(sv[1], &m, 0);
		} else {
			send(sv[1], &rep, sizeof(rep.h) + rep.h.len, 0);
		}
		_exit(0);
	}
	close(sv[1]);
	gofer_client_init(c, sv[0]);
	return 0;
}

static void rep_bad_tag(const struct gofer_req_hdr *q, struct gofer_rep_hdr *h,
			char *payload, int *fd)
{
	(void)payload;
	(void)fd;
	h->tag = q->tag + 1;
}

static void rep_short_stat(const struct gofer_req_hdr *q,
			   struct gofer_rep_hdr *h, char *payload, int *fd)
{
	(void)q;
	(void)payload;
	(void)fd;
	h->len = 10;
}

static void rep_no_fd(const struct gofer_req_hdr *q, struct gofer_rep_hdr *h,
		      char *payload, int *fd)
{
	(void)q;
	(void)payload;
	(void)fd;
	h->result = 0;
}

static void rep_huge_errno(const struct gofer_req_hdr *q,
			   struct gofer_rep_hdr *h, char *payload, int *fd)
{
	(void)q;
	(void)payload;
	(void)fd;
	h->result = -100000;
}

static void rep_error_with_fd(const struct gofer_req_hdr *q,
			      struct gofer_rep_hdr *h, char *payload, int *fd)
{
	(void)q;
	(void)payload;
	h->result = -ENOENT;
	h->nfds = 1;
	*fd = 0;
}

static void rep_unterminated_path(const struct gofer_req_hdr *q,
				  struct gofer_rep_hdr *h, char *payload,
				  int *fd)
{
	(void)q;
	(void)fd;
	memcpy(payload, "/abc", 4);
	h->len = 4;
	h->result = 4;
}

static void rep_ok(const struct gofer_req_hdr *q, struct gofer_rep_hdr *h,
		   char *payload, int *fd)
{
	(void)q;
	(void)payload;
	(void)fd;
	h->result = 0;
}

TEST(client_refuses_bad_replies_and_dead_gofer)
{
	struct gofer_at at = at_root("/x");
	struct gofer_client c;
	struct stat st;
	char buf[64];
	int fd = -1, status;
	pid_t pid;

	CHECK_EQ(fake_gofer(rep_bad_tag, &c, &pid), 0);
	CHECK_EQ(gofer_mkdirat(&c, &root_cr, &at, 0755), -EIO);
	close(c.sock);
	waitpid(pid, &status, 0);
	CHECK_EQ(fake_gofer(rep_short_stat, &c, &pid), 0);
	CHECK_EQ(gofer_fstatat(&c, &root_cr, &at, 0, &st), -EIO);
	close(c.sock);
	waitpid(pid, &status, 0);
	CHECK_EQ(fake_gofer(rep_no_fd, &c, &pid), 0);
	CHECK_EQ(gofer_openat(&c, &root_cr, &at, O_RDONLY, 0, 0, &fd), -EIO);
	close(c.sock);
	waitpid(pid, &status, 0);
	CHECK_EQ(fake_gofer(rep_huge_errno, &c, &pid), 0);
	CHECK_EQ(gofer_unlinkat(&c, &root_cr, &at, 0), -EIO);
	close(c.sock);
	waitpid(pid, &status, 0);
	CHECK_EQ(fake_gofer(rep_error_with_fd, &c, &pid), 0);
	CHECK_EQ(gofer_openat(&c, &root_cr, &at, O_RDONLY, 0, 0, &fd), -EIO);
	close(c.sock);
	waitpid(pid, &status, 0);
	CHECK_EQ(fake_gofer(rep_unterminated_path, &c, &pid), 0);
	CHECK_EQ(gofer_dir_path(&c, 0, buf, sizeof(buf)), -EIO);
	close(c.sock);
	waitpid(pid, &status, 0);
	/* a sane reply passes; then the gofer is gone: EIO, no SIGPIPE */
	CHECK_EQ(fake_gofer(rep_ok, &c, &pid), 0);
	CHECK_EQ(gofer_mkdirat(&c, &root_cr, &at, 0755), 0);
	waitpid(pid, &status, 0);
	CHECK_EQ(gofer_mkdirat(&c, &root_cr, &at, 0755), -EIO);
	CHECK_EQ(gofer_mkdirat(&c, &root_cr, &at, 0755), -EIO);
	close(c.sock);
}

/* A broken reply drops the connection for good: the gofer reads end of
 * stream (and exits, which the sentry sees on its pidfd), later calls fail
 * without touching the socket. */
TEST(client_drops_connection_after_bad_reply)
{
	struct gofer_at at = at_root("/x");
	struct gofer_client c;
	int sv[2], status;
	pid_t pid;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char buf[sizeof(struct gofer_req_hdr) + GOFER_REQ_PAYLOAD_MAX];
		struct gofer_req_hdr q;
		struct gofer_rep_hdr h = { .magic = GOFER_PROTO_MAGIC };

		close(sv[0]);
		if (recv(sv[1], buf, sizeof(buf), 0) < (ssize_t)sizeof(q))
			_exit(1);
		memcpy(&q, buf, sizeof(q));
		h.tag = q.tag + 1;	/* wrong tag */
		h.op = q.op;
		if (send(sv[1], &h, sizeof(h), 0) != sizeof(h))
			_exit(2);
		_exit(recv(sv[1], buf, sizeof(buf), 0) == 0 ? 0 : 3);
	}
	close(sv[1]);
	gofer_client_init(&c, sv[0]);
	CHECK_EQ(gofer_mkdirat(&c, &root_cr, &at, 0755), -EIO);
	CHECK_EQ(c.sock, -1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);	/* it saw end of stream */
	CHECK_EQ(gofer_mkdirat(&c, &root_cr, &at, 0755), -EIO);
	CHECK_EQ(fcntl(sv[0], F_GETFD), -1);	/* closed, not leaked */
}

static int count_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

TEST(gofer_does_not_leak_fds)
{
	struct gofer_at at = at_root("/etc/passwd");
	struct stat st;
	int before, fd = -1, host;

	G();
	before = count_fds(gofer_pid);
	CHECK(before > 0);
	host = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < 50; i++) {
		CHECK_EQ(gofer_openat(G(), &root_cr, &at, O_RDONLY, 0, 0, &fd),
			 0);
		close(fd);
		struct gofer_at h = at_fd(host, "x");

		CHECK_EQ(gofer_fstatat(G(), &root_cr, &h, 0, &st), -EXDEV);
	}
	close(host);
	CHECK_EQ(count_fds(gofer_pid), before);
}

/* Last: the gofer survived everything above (no seccomp kill). It is
 * main's child: not a zombie, and not stopped by anything. */
TEST(zz_gofer_still_running)
{
	char path[64], buf[512], *st;
	FILE *f;

	G();
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)gofer_pid);
	f = fopen(path, "re");
	CHECK(f != NULL);
	CHECK(fgets(buf, sizeof(buf), f) != NULL);
	fclose(f);
	st = strrchr(buf, ')');
	CHECK(st != NULL && st[1] == ' ');
	CHECK(st[2] == 'S' || st[2] == 'R');
}

/* Run by main after the tests: the gofer leaves with status 0 when the
 * sentry's end of the socket closes. */
static void gofer_exits_cleanly_on_close(void)
{
	const char *name = "zz_gofer_exits_cleanly_on_close";

	if (geteuid() != 0) {
		test_print(name, 's', "needs root (mount namespace, pivot_root)");
		return;
	}
	if (gofer_pid < 0) {
		test_print(name, 'n', start_err ? start_err : "not running");
		return;
	}
	stop_gofer();
	if (WIFEXITED(gofer_status) && WEXITSTATUS(gofer_status) == 0)
		test_print(name, 'o', "");
	else
		test_print(name, 'n', "the gofer did not exit with status 0");
}

int main(void)
{
	int rc;

	if (geteuid() == 0 && start_gofer() < 0 && start_err == NULL)
		start_err = "start_gofer";
	rc = test_main();
	gofer_exits_cleanly_on_close();
	return rc || !WIFEXITED(gofer_status) || WEXITSTATUS(gofer_status);
}
