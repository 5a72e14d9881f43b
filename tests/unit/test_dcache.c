// SPDX-License-Identifier: Apache-2.0
/*
 * The sentry's directory caches without a sandbox: sentry/fs_dcache.c
 * (resolved directories, by path) and the inode-keyed one of fs_dir_path
 * in sentry/fs_path.c, driven as the handlers drive them, over a real
 * gofer serving a temp directory of the host.
 *
 * main() makes the directory H, and a gofer child that bind-mounts H onto
 * itself in a new mount namespace, mounts a tmpfs at H/mnt there (a mount
 * the root's cache must not cover), pivot_roots into it and serves. The
 * tests run in forked children (tests/unit/test.h): each starts with an
 * empty cache and makes its own tree /<test> = H/<test>. They change it
 * "from outside" through the host path, as the host or another process
 * would, which the sentry never sees: the cache must notice by itself.
 *
 * Directories are cached only once their ctime is older than the coarse
 * clock minus a margin (20 ms with nanosecond ctimes): settle() waits.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gofer/client.h"
#include "gofer/gofer.h"
#include "oci/config.h"
#include "runsc/sentry_config.h"
#include "sentry/internal.h"
#include "sentry/task.h"
#include "sentry/vtree.h"
#include "tests/unit/test.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

#define ALL_CAPS ((1ull << 41) - 1)

static char H[64];		/* the sandbox root, on the host */
static pid_t gofer_pid = -1;
static pid_t gofer_owner;
static const char *start_err;
static struct sentry sen;
static struct task_fs tfs = { .refs = 1, .cwd_fd = -1,
			      .root_fd = GOFER_AT_ROOT, .umask = 022 };
static struct task tk;
static struct sc_call call;
static char T[128];		/* this test's tree, a sandbox path */

/* ---- the gofer -------------------------------------------------------- */

static void die(const char *what)
{
	fprintf(stderr, "dcache gofer child: %s: %s\n", what, strerror(errno));
	_exit(99);
}

static void gofer_child(int sock)
{
	struct gofer_config cfg = { .sock = sock, .log_fd = -1 };
	const char *san = getenv("CVISOR_SAN");

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNS) < 0)
		die("unshare");
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("private");
	if (mount(H, H, NULL, MS_BIND, NULL) < 0)
		die("bind");
	if (chdir(H) < 0)
		die("chdir");
	if (mount("mnt", "mnt", "tmpfs", 0, "mode=0755") < 0)
		die("tmpfs");
	if (mkdir("mnt/sub", 0755) < 0)
		die("mnt/sub");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("umount old root");
	if (chdir("/") < 0)
		die("chdir /");
	cfg.no_seccomp = (san && *san) ||
			 (getenv("CVISOR_GOFER_NO_SECCOMP") &&
			  *getenv("CVISOR_GOFER_NO_SECCOMP") == '1');
	_exit(gofer_run(&cfg));
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

static void stop_gofer(void)
{
	if (getpid() != gofer_owner)
		return;
	if (gofer_pid > 0) {
		close(sen.gofer.sock);
		waitpid(gofer_pid, NULL, 0);
		gofer_pid = -1;
	}
	if (H[0])
		nftw(H, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void start_gofer(void)
{
	char mnt[96];
	int sv[2];

	strcpy(H, "/tmp/cvisor-dcache.XXXXXX");
	if (!mkdtemp(H)) {
		H[0] = '\0';
		start_err = "mkdtemp";
		return;
	}
	chmod(H, 0755);
	snprintf(mnt, sizeof(mnt), "%s/mnt", H);
	gofer_owner = getpid();
	atexit(stop_gofer);
	if (mkdir(mnt, 0755) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		start_err = "mkdir, socketpair";
		return;
	}
	fflush(NULL);
	gofer_pid = fork();
	if (gofer_pid == 0) {
		close(sv[0]);
		gofer_child(sv[1]);
	}
	close(sv[1]);
	if (gofer_pid < 0) {
		start_err = "fork";
		return;
	}
	gofer_client_init(&sen.gofer, sv[0]);
}

/* ---- fixtures --------------------------------------------------------- */

static void set_creds(uid_t uid, uint64_t caps)
{
	tk.creds.fsuid = tk.creds.euid = tk.creds.ruid = uid;
	tk.creds.fsgid = tk.creds.egid = tk.creds.rgid = uid;
	tk.creds.cap_effective = caps;
}

/* The test's tree /<name>, the sentry and its task, the cache on. */
static void setup(const char *name)
{
	char hp[256];

	if (geteuid() != 0)
		SKIP("needs root (mount namespace, pivot_root)");
	if (start_err != NULL)
		FAILF("start: %s", start_err);
	if (gofer_pid < 0)
		FAILF("gofer not running");
	snprintf(T, sizeof(T), "/%s", name);
	snprintf(hp, sizeof(hp), "%s%s", H, T);
	CHECK(mkdir(hp, 0755) == 0);
	tk.sentry = &sen;
	tk.fs = &tfs;
	set_creds(0, ALL_CAPS);
	call = (struct sc_call){ .t = &tk };
	fs_dcache_configure(true, false);
	fs_dcache_trust(true);
	fs_dcache_flush();
}

/* The test changes the host's files, as the host or an fd the sentry
 * never sees would: only the validation of every entry on every use (the
 * cache's trust in the "exclusive" promise off) can notice. */
static void from_outside(void)
{
	fs_dcache_trust(false);
}

/* The host path of sandbox path "T/rel" (rel "" : T). */
static const char *hp(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int n;
	char *b = buf[n++ % 4];

	snprintf(b, PATH_MAX, "%s%s%s%s", H, T, rel[0] ? "/" : "", rel);
	return b;
}

/* The sandbox path "T/rel". */
static const char *sp(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int n;
	char *b = buf[n++ % 4];

	snprintf(b, PATH_MAX, "%s%s%s", T, rel[0] ? "/" : "", rel);
	return b;
}

static void hmkdir(const char *rel)
{
	if (mkdir(hp(rel), 0755) < 0)
		FAILF("mkdir %s: %s", hp(rel), strerror(errno));
}

/* Every directory made so far may be cached (older than the margin). */
static void settle(void)
{
	struct timespec ts = { 0, 80 * 1000000L };

	nanosleep(&ts, NULL);
}

static ino_t host_ino(const char *rel)
{
	struct stat st;

	if (lstat(hp(rel), &st) < 0)
		return 0;
	return st.st_ino;
}

static struct fs_path *fp_at(int dirfd, const char *path)
{
	static struct fs_path p;

	memset(&p, 0, sizeof(p));
	snprintf(p.path, sizeof(p.path), "%s", path);
	p.dupfd = -1;
	p.at = (struct gofer_at){ dirfd, GOFER_AT_ROOT, p.path };
	return &p;
}

static struct fs_path *fp(const char *path)
{
	return fp_at(GOFER_AT_ROOT, path);
}

/* As a handler does after a full call found a directory: note it. */
static int note_as(struct fs_path *p)
{
	struct gofer_creds cr;
	struct stat st;
	int ret;

	task_gofer_creds(&tk, &cr);
	ret = gofer_fstatat(&sen.gofer, &cr, &p->at, AT_SYMLINK_NOFOLLOW, &st);
	if (ret < 0)
		return ret;
	return fs_dcache_note(&call, p, &cr, &st);
}

static int note(const char *path)
{
	return note_as(fp(path));
}

/* The cache's stat of path: the inode, 0 when it does not answer. */
static ino_t cached_ino_at(int dirfd, const char *path)
{
	struct stat st;

	if (fs_dcache_stat(&call, fp_at(dirfd, path), &st) < 0)
		return 0;
	return st.st_ino;
}

static ino_t cached_ino(const char *path)
{
	return cached_ino_at(GOFER_AT_ROOT, path);
}

static struct fs_dcache_stats snap(void)
{
	return *fs_dcache_stats();
}

/* A gofer-opened O_PATH fd of a directory (as a cwd or dirfd is). */
static int gofer_dir(const char *path)
{
	struct gofer_at at = { GOFER_AT_ROOT, GOFER_AT_ROOT, path };
	int fd = -1;

	if (gofer_openat(&sen.gofer, NULL, &at, O_PATH | O_DIRECTORY, 0, 0,
			 &fd) < 0)
		return -1;
	return fd;
}

/* ---- fs_dcache.c: insertion and lookup -------------------------------- */

TEST(note_caches_the_directory_and_its_ancestors)
{
	struct fs_dcache_stats s0, s1;
	ino_t b = 0;

	setup("insert");
	hmkdir("a");
	hmkdir("a/b");
	hmkdir("x");
	settle();
	CHECK_EQ(cached_ino(sp("a/b")), 0);	/* nothing cached yet */
	CHECK_EQ(note(sp("a/b")), 0);
	s0 = snap();
	b = cached_ino(sp("a/b"));
	CHECK_EQ(b, host_ino("a/b"));
	CHECK_EQ(cached_ino(sp("a")), host_ino("a"));
	CHECK_EQ(cached_ino(T), host_ino(""));
	CHECK_EQ(cached_ino("/"), host_ino("/.."));
	/* the same directory, however spelt */
	CHECK_EQ(cached_ino("//insert/./a//b"), b);
	s1 = snap();
	CHECK_EQ(s1.hits - s0.hits, 5);
	CHECK_EQ(s1.gofer_calls, s0.gofer_calls);	/* no gofer call */
	/* what was not noted is not answered */
	CHECK_EQ(cached_ino(sp("x")), 0);
	CHECK_EQ(snap().misses - s1.misses, 1);
	/* noting again changes nothing */
	CHECK_EQ(note(sp("a/b")), -EAGAIN);
	CHECK_EQ(cached_ino(sp("a/b")), b);
}

TEST(only_plain_paths_and_directories_are_served)
{
	char hl[PATH_MAX];

	setup("plain");
	hmkdir("a");
	hmkdir("a/b");
	snprintf(hl, sizeof(hl), "%s", hp("link"));
	CHECK(symlink("a", hl) == 0);
	CHECK(close(open(hp("a/file"), O_CREAT | O_WRONLY, 0644)) == 0);
	settle();
	CHECK_EQ(note(sp("a/b")), 0);
	CHECK(cached_ino(sp("a/b")) != 0);
	/* ".." and a trailing slash are the gofer's, even when cached */
	CHECK_EQ(cached_ino(sp("a/b/..")), 0);
	CHECK_EQ(cached_ino(sp("a/b/../b")), 0);
	CHECK_EQ(cached_ino(sp("a/b/")), 0);
	/* a symlink on the way: the walk is not cached */
	CHECK_EQ(note(sp("link/b")), -EAGAIN);
	CHECK_EQ(cached_ino(sp("link/b")), 0);
	CHECK_EQ(cached_ino(sp("link")), 0);
	/* a file is not a directory */
	{
		struct gofer_creds cr;
		struct stat st;

		task_gofer_creds(&tk, &cr);
		CHECK_EQ(lstat(hp("a/file"), &st), 0);
		CHECK_EQ(fs_dcache_note(&call, fp(sp("a/file")), &cr, &st),
			 -EAGAIN);
		CHECK_EQ(cached_ino(sp("a/file")), 0);
	}
}

TEST(relative_paths_from_a_cached_start_directory)
{
	struct fs_dcache_stats s0;
	int cwd = -1, other;

	setup("relative");
	from_outside();
	hmkdir("a");
	hmkdir("a/b");
	hmkdir("a/b/c");
	hmkdir("u");
	settle();
	CHECK_EQ(note(sp("a/b/c")), 0);
	/* chdir: a new fd of the cached directory */
	CHECK_EQ(fs_dcache_chdir(&call, fp(sp("a")), &cwd), 0);
	{
		struct stat st;

		CHECK_EQ(fstat(cwd, &st), 0);
		CHECK_EQ(st.st_ino, host_ino("a"));
	}
	s0 = snap();
	CHECK_EQ(cached_ino_at(cwd, "b"), host_ino("a/b"));
	CHECK_EQ(cached_ino_at(cwd, "./b//c/."), host_ino("a/b/c"));
	CHECK_EQ(cached_ino_at(cwd, "."), host_ino("a"));
	CHECK_EQ(snap().gofer_calls, s0.gofer_calls);
	CHECK_EQ(cached_ino_at(cwd, "../a"), 0);
	CHECK_EQ(cached_ino_at(cwd, "nope"), 0);
	/* a start directory the cache does not hold: the gofer's */
	other = gofer_dir(sp("u"));
	CHECK(other >= 0);
	CHECK_EQ(cached_ino_at(other, "."), 0);
	/* noted relative to a cached dirfd: cached by its absolute path */
	CHECK_EQ(note_as(fp_at(other, ".")), -EAGAIN);	/* start uncached */
	hmkdir("a/d");
	settle();
	CHECK_EQ(note_as(fp_at(cwd, "d")), -EAGAIN);	/* a changed: flush */
	CHECK_EQ(note(sp("a")), 0);
	close(cwd);
	CHECK_EQ(fs_dcache_chdir(&call, fp(sp("a")), &cwd), 0);
	CHECK_EQ(note_as(fp_at(cwd, "d")), 0);
	CHECK_EQ(cached_ino(sp("a/d")), host_ino("a/d"));
	close(other);
	close(cwd);
}

TEST(access_and_chdir)
{
	struct gofer_creds cr;
	int fd = -1;

	setup("access");
	hmkdir("a");
	settle();
	CHECK_EQ(note(sp("a")), 0);
	task_gofer_creds(&tk, &cr);
	CHECK_EQ(fs_dcache_access(&call, fp(sp("a")), &cr, F_OK), 0);
	CHECK_EQ(fs_dcache_access(&call, fp(sp("a")), &cr, X_OK), 0);
	/* R and W are the gofer's */
	CHECK_EQ(fs_dcache_access(&call, fp(sp("a")), &cr, R_OK), -EAGAIN);
	CHECK_EQ(fs_dcache_access(&call, fp(sp("a")), &cr, W_OK), -EAGAIN);
	CHECK_EQ(fs_dcache_chdir(&call, fp(sp("a")), &fd), 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	{
		struct statx stx;

		CHECK_EQ(fs_dcache_statx(&call, fp(sp("a")), 0, STATX_INO,
					 &stx), 0);
		CHECK_EQ(stx.stx_ino, host_ino("a"));
	}
}

/* ---- fs_dcache.c: changes made from outside --------------------------- */

/* Each change is made on the host, which the sentry never sees. The
 * stale answer (the old inode, or an answer at all where Linux would now
 * refuse) must never come back. */

TEST(chmod_of_an_ancestor_from_outside)
{
	struct fs_dcache_stats s0;

	setup("chmod");
	from_outside();
	hmkdir("a");
	hmkdir("a/b");
	settle();
	CHECK_EQ(note(sp("a/b")), 0);
	CHECK(cached_ino(sp("a/b")) != 0);
	s0 = snap();
	/* a user may no longer search a: the cache must not say it can */
	CHECK_EQ(chmod(hp("a"), 0700), 0);
	CHECK_EQ(cached_ino(sp("a/b")), 0);
	CHECK_EQ(snap().flushes - s0.flushes, 1);
	settle();
	CHECK_EQ(note(sp("a/b")), 0);
	CHECK(cached_ino(sp("a/b")) != 0);
	/* the directory itself */
	CHECK_EQ(chown(hp("a/b"), 1000, 1000), 0);
	CHECK_EQ(cached_ino(sp("a/b")), 0);
	settle();
	CHECK_EQ(note(sp("a/b")), 0);
	{
		struct stat st;

		CHECK_EQ(fs_dcache_stat(&call, fp(sp("a/b")), &st), 0);
		CHECK_EQ(st.st_uid, 1000);
	}
}

TEST(rename_from_outside_and_a_new_directory_in_its_place)
{
	ino_t old;

	setup("rename");
	from_outside();
	hmkdir("a");
	hmkdir("a/b");
	settle();
	CHECK_EQ(note(sp("a/b")), 0);
	old = cached_ino(sp("a/b"));
	CHECK_EQ(old, host_ino("a/b"));
	CHECK_EQ(rename(hp("a/b"), hp("a/old")), 0);
	hmkdir("a/b");
	CHECK(host_ino("a/b") != old);
	/* at once, and once it is old enough to be cached itself */
	CHECK_EQ(cached_ino(sp("a/b")), 0);
	settle();
	CHECK_EQ(cached_ino(sp("a/b")), 0);
	CHECK_EQ(cached_ino(sp("a/old")), 0);
	CHECK_EQ(note(sp("a/b")), 0);
	CHECK_EQ(cached_ino(sp("a/b")), host_ino("a/b"));
}

TEST(replaced_ancestor_from_outside)
{
	ino_t c;

	setup("replace");
	from_outside();
	hmkdir("a");
	hmkdir("a/b");
	hmkdir("a/b/c");
	settle();
	CHECK_EQ(note(sp("a/b/c")), 0);
	c = cached_ino(sp("a/b/c"));
	CHECK(c != 0);
	/* the whole of a moves away; a new a/b/c takes its place */
	CHECK_EQ(rename(hp("a"), hp("gone")), 0);
	hmkdir("a");
	hmkdir("a/b");
	hmkdir("a/b/c");
	settle();
	CHECK_EQ(cached_ino(sp("a/b/c")), 0);
	CHECK_EQ(cached_ino(sp("a/b")), 0);
	CHECK_EQ(note(sp("a/b/c")), 0);
	CHECK_EQ(cached_ino(sp("a/b/c")), host_ino("a/b/c"));
	CHECK(host_ino("a/b/c") != c);
}

TEST(exchange_from_outside)
{
	ino_t x, y;

	setup("exchange");
	from_outside();
	hmkdir("p");
	hmkdir("p/x");
	hmkdir("p/y");
	settle();
	CHECK_EQ(note(sp("p/x")), 0);
	CHECK_EQ(note(sp("p/y")), 0);
	x = cached_ino(sp("p/x"));
	y = cached_ino(sp("p/y"));
	CHECK(x != 0 && y != 0 && x != y);
	CHECK_EQ(syscall(SYS_renameat2, AT_FDCWD, hp("p/x"), AT_FDCWD,
			 hp("p/y"), RENAME_EXCHANGE), 0);
	CHECK_EQ(cached_ino(sp("p/x")), 0);
	CHECK_EQ(cached_ino(sp("p/y")), 0);
	settle();
	CHECK_EQ(note(sp("p/x")), 0);
	CHECK_EQ(cached_ino(sp("p/x")), y);
}

/* A change deeper down (a file made in the cached directory) changes its
 * ctime too: the cache is emptied rather than trusted. */
TEST(change_inside_a_cached_directory)
{
	struct fs_dcache_stats s0;

	setup("inside");
	from_outside();
	hmkdir("a");
	settle();
	CHECK_EQ(note(sp("a")), 0);
	s0 = snap();
	CHECK_EQ(close(open(hp("a/f"), O_CREAT | O_WRONLY, 0644)), 0);
	CHECK_EQ(cached_ino(sp("a")), 0);
	CHECK_EQ(snap().flushes - s0.flushes, 1);
}

/* ---- fs_dcache.c: what is checked under the "exclusive" promise ------- */

static void expose(const char *rel)
{
	struct stat st;

	CHECK_EQ(stat(hp(rel), &st), 0);
	fs_dcache_expose(&st);
}

/* No task holds an fd of these directories and the sentry changed none:
 * a hit costs no fstat (the host's own changes are not seen then, as in
 * gVisor's exclusive mode). */
TEST(unexposed_directories_are_not_checked)
{
	struct fs_dcache_stats s0;

	setup("unexp");
	hmkdir("a");
	hmkdir("a/b");
	settle();
	CHECK_EQ(note(sp("a/b")), 0);
	s0 = snap();
	for (int i = 0; i < 5; i++)
		CHECK_EQ(cached_ino(sp("a/b")), host_ino("a/b"));
	CHECK_EQ(snap().hits - s0.hits, 5);
	CHECK_EQ(snap().checks - s0.checks, 0);
	CHECK_EQ(snap().gofer_calls, s0.gofer_calls);
}

/* A directory a task was given an fd of may be fchmod'ed through it (a
 * PASS call): it is checked on every use, cached before or after. */
TEST(an_exposed_directory_is_checked_on_every_use)
{
	struct fs_dcache_stats s0;

	setup("exp");
	hmkdir("a");
	hmkdir("a/b");
	hmkdir("c");
	hmkdir("c/d");
	settle();
	CHECK_EQ(note(sp("a/b")), 0);
	expose("a");		/* cached, then exposed */
	s0 = snap();
	CHECK_EQ(cached_ino(sp("a/b")), host_ino("a/b"));
	CHECK_EQ(snap().checks - s0.checks, 1);
	CHECK_EQ(chmod(hp("a"), 0700), 0);	/* the task's fchmod */
	CHECK_EQ(cached_ino(sp("a/b")), 0);
	CHECK_EQ(snap().flushes - s0.flushes, 1);
	expose("c");		/* exposed, then cached */
	CHECK_EQ(note(sp("c/d")), 0);
	CHECK(cached_ino(sp("c/d")) != 0);
	CHECK_EQ(chown(hp("c"), 1000, 1000), 0);
	CHECK_EQ(cached_ino(sp("c/d")), 0);
}

/* The sentry's own chmod, chown or xattr change: every entry is checked
 * once more, then trusted again. */
TEST(own_attribute_change_checks_each_entry_once)
{
	struct fs_dcache_stats s0;
	ino_t b;

	setup("attrs");
	hmkdir("a");
	hmkdir("a/b");
	settle();
	CHECK_EQ(note(sp("a/b")), 0);
	b = host_ino("a/b");
	fs_dcache_attrs_changed();
	s0 = snap();
	CHECK_EQ(cached_ino(sp("a/b")), b);
	CHECK(snap().checks - s0.checks >= 2);	/* "/" .. a/b */
	s0 = snap();
	CHECK_EQ(cached_ino(sp("a/b")), b);
	CHECK_EQ(snap().checks - s0.checks, 0);
	CHECK_EQ(chmod(hp("a"), 0700), 0);	/* the gofer's, for a task */
	fs_dcache_attrs_changed();
	CHECK_EQ(cached_ino(sp("a/b")), 0);
	CHECK_EQ(snap().flushes - s0.flushes, 1);
}

/* ---- fs_dcache.c: what is never cached -------------------------------- */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

TEST(young_directories_wait)
{
	struct fs_dcache_stats s0;
	int64_t t0;
	long r[6];

	setup("young");
	hmkdir("a");
	hmkdir("a/old");
	settle();
	hmkdir("a/new");
	t0 = mono_ns();
	/* changed within the margin: not kept */
	r[0] = note(sp("a/new"));
	r[1] = cached_ino(sp("a/new")) == 0;
	/* an old directory below a young one: the walk stops at a, and
	 * is not tried again while a is too young */
	r[2] = note(sp("a/old"));
	r[3] = cached_ino(sp("a")) == 0;
	s0 = snap();
	r[4] = note(sp("a/old"));
	r[5] = snap().gofer_calls == s0.gofer_calls;
	/* (a loaded machine may take longer than the margin over these:
	 * then nothing was young any more, which proves nothing) */
	if (mono_ns() - t0 > 15000000)
		SKIP("the checks took longer than the 20 ms margin");
	CHECK_EQ(r[0], -EAGAIN);
	CHECK(r[1]);
	CHECK_EQ(r[2], -EAGAIN);
	CHECK(r[3]);
	CHECK_EQ(r[4], -EAGAIN);
	CHECK(r[5]);
	settle();
	CHECK_EQ(note(sp("a/old")), 0);
	CHECK_EQ(cached_ino(sp("a/old")), host_ino("a/old"));
	CHECK_EQ(note(sp("a/new")), 0);
	CHECK_EQ(cached_ino(sp("a/new")), host_ino("a/new"));
}

TEST(another_mount_is_not_cached)
{
	setup("mounts");
	settle();
	/* /mnt: a tmpfs on the root, in the gofer's namespace only */
	CHECK_EQ(note("/mnt/sub"), -EAGAIN);
	CHECK_EQ(cached_ino("/mnt/sub"), 0);
	CHECK_EQ(cached_ino("/mnt"), 0);
	/* the root itself and its plain directories are */
	CHECK_EQ(note(T), 0);
	CHECK(cached_ino("/") != 0);
}

TEST(search_permission_is_per_creds)
{
	struct gofer_creds user = { .fsuid = 1000, .fsgid = 1000,
				    .umask = 022 };
	struct gofer_creds root;

	setup("perm");
	hmkdir("priv");
	hmkdir("priv/in");
	CHECK_EQ(chmod(hp("priv"), 0700), 0);
	settle();
	CHECK_EQ(note(sp("priv/in")), 0);
	task_gofer_creds(&tk, &root);
	CHECK_EQ(fs_dcache_access(&call, fp(sp("priv/in")), &root, F_OK), 0);
	CHECK_EQ(fs_dcache_access(&call, fp(sp("priv")), &root, X_OK), 0);
	/* uid 1000 may not search priv (0700 root): Linux says EACCES,
	 * the cache says nothing */
	CHECK_EQ(fs_dcache_access(&call, fp(sp("priv/in")), &user, F_OK),
		 -EAGAIN);
	CHECK_EQ(fs_dcache_access(&call, fp(sp("priv")), &user, X_OK),
		 -EAGAIN);
	set_creds(1000, 0);
	CHECK_EQ(cached_ino(sp("priv/in")), 0);
	CHECK_EQ(cached_ino(sp("priv")), host_ino("priv"));	/* F_OK */
	/* the user's walk was not cached as "searchable", root's still is */
	set_creds(0, ALL_CAPS);
	CHECK_EQ(cached_ino(sp("priv/in")), host_ino("priv/in"));
}

/* ---- fs_dcache.c: bounds ---------------------------------------------- */

/* 4096 entries at most; when full, more are not cached and the others
 * still answer. Entries leave all at once (a flush). */
TEST(a_full_table_keeps_what_it_has)
{
	char name[32];
	int cached = 0;

	setup("full");
	for (int i = 0; i < 4200; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		hmkdir(name);
	}
	settle();
	for (int i = 0; i < 4200; i++) {
		snprintf(name, sizeof(name), "%s/d%d", T, i);
		cached += note(name) == 0;
	}
	/* "/" and T take two entries */
	CHECK_EQ(cached, 4094);
	for (int i = 0; i < 4200; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		if (cached_ino(sp(name)) != (i < 4094 ? host_ino(name) : 0))
			FAILF("entry %d", i);
	}
	fs_dcache_flush();
	CHECK_EQ(cached_ino(sp("d0")), 0);
	CHECK_EQ(note(sp("d599")), 0);
	CHECK_EQ(cached_ino(sp("d599")), host_ino("d599"));
}

/* Creds are numbered (32 at most): the 33rd empties the cache. */
TEST(too_many_creds_start_again)
{
	struct fs_dcache_stats s0;
	struct gofer_creds cr = { .umask = 022 };

	setup("creds");
	hmkdir("a");
	settle();
	CHECK_EQ(note(sp("a")), 0);	/* creds 0: root */
	s0 = snap();
	for (int i = 1; i < 32; i++) {
		cr.fsuid = cr.fsgid = 2000 + (uint32_t)i;
		CHECK_EQ(fs_dcache_access(&call, fp(sp("a")), &cr, X_OK), 0);
	}
	CHECK_EQ(snap().flushes, s0.flushes);
	cr.fsuid = cr.fsgid = 3000;
	CHECK_EQ(fs_dcache_access(&call, fp(sp("a")), &cr, X_OK), -EAGAIN);
	CHECK_EQ(snap().flushes - s0.flushes, 1);
	CHECK_EQ(cached_ino(sp("a")), 0);
}

/* FNV-1a, the cache's path hash (fs_dcache.c hash_path). */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct hname {
	uint32_t h;
	uint32_t n;
};

static int cmp_hname(const void *a, const void *b)
{
	const struct hname *x = a, *y = b;

	return x->h < y->h ? -1 : x->h > y->h;
}

/* Two paths with the same full 32-bit hash: each answers for itself. */
TEST(paths_with_the_same_hash)
{
	enum { N = 1 << 18 };
	struct hname *v = calloc(N, sizeof(*v));
	char p1[64], p2[64], n1[32], n2[32];
	int found = 0;

	setup("hash");
	CHECK(v != NULL);
	/* (short sequential names rarely collide under FNV: spread them) */
	for (uint32_t i = 0; i < N; i++) {
		snprintf(p1, sizeof(p1), "%s/%08x", T, i * 2654435761u);
		v[i] = (struct hname){ fnv1a(p1), i };
	}
	qsort(v, N, sizeof(*v), cmp_hname);
	for (uint32_t i = 1; i < N && !found; i++) {
		if (v[i].h != v[i - 1].h)
			continue;
		snprintf(n1, sizeof(n1), "%08x", v[i - 1].n * 2654435761u);
		snprintf(n2, sizeof(n2), "%08x", v[i].n * 2654435761u);
		found = 1;
	}
	free(v);
	CHECK(found);
	snprintf(p1, sizeof(p1), "%s/%s", T, n1);
	snprintf(p2, sizeof(p2), "%s/%s", T, n2);
	CHECK_EQ(fnv1a(p1), fnv1a(p2));
	hmkdir(n1);
	hmkdir(n2);
	settle();
	CHECK_EQ(note(p1), 0);
	CHECK_EQ(cached_ino(p2), 0);	/* not p1's entry */
	CHECK_EQ(note(p2), 0);
	CHECK_EQ(cached_ino(p1), host_ino(n1));
	CHECK_EQ(cached_ino(p2), host_ino(n2));
	CHECK(host_ino(n1) != host_ino(n2));
}

/* ---- fs_dcache.c: the off switches ------------------------------------ */

TEST(shared_root_propagation_turns_it_off)
{
	static const enum oci_propagation off[] = { OCI_PROP_SHARED,
						    OCI_PROP_RSHARED };
	static const enum oci_propagation on[] = {
		OCI_PROP_NONE, OCI_PROP_PRIVATE, OCI_PROP_RPRIVATE,
		OCI_PROP_SLAVE, OCI_PROP_RSLAVE,
	};
	struct oci_spec spec;
	struct sentry_config cfg;

	setup("propagation");
	hmkdir("a");
	settle();
	memset(&spec, 0, sizeof(spec));
	memset(&cfg, 0, sizeof(cfg));
	spec.has_linux = true;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		spec.linux_.rootfs_propagation = off[i];
		CHECK_EQ(sentry_config_from_spec(&cfg, &spec, NULL), 0);
		fs_dcache_configure(true, cfg.root_shared);
		CHECK(!fs_dcache_enabled());
		CHECK_EQ(note(sp("a")), -EAGAIN);
		CHECK_EQ(cached_ino(sp("a")), 0);
	}
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		spec.linux_.rootfs_propagation = on[i];
		CHECK_EQ(sentry_config_from_spec(&cfg, &spec, NULL), 0);
		fs_dcache_configure(true, cfg.root_shared);
		CHECK(fs_dcache_enabled());
	}
	CHECK_EQ(note(sp("a")), 0);
	CHECK(cached_ino(sp("a")) != 0);
	/* --file-access shared */
	fs_dcache_configure(false, false);
	CHECK(!fs_dcache_enabled());
	CHECK_EQ(cached_ino(sp("a")), 0);
	CHECK_EQ(file_access_from_name("shared"), 1);
	CHECK_EQ(file_access_from_name("exclusive"), 0);
	CHECK_EQ(file_access_from_name("Shared"), -1);
}

/* A chrooted task is not served (its "/" is not the cache's). */
TEST(chrooted_task_is_not_served)
{
	int root;

	setup("chroot");
	hmkdir("a");
	settle();
	CHECK_EQ(note(sp("a")), 0);
	root = gofer_dir(T);
	CHECK(root >= 0);
	tfs.root_fd = root;
	CHECK_EQ(cached_ino(sp("a")), 0);
	CHECK_EQ(cached_ino("/a"), 0);
	tfs.root_fd = GOFER_AT_ROOT;
	CHECK(cached_ino(sp("a")) != 0);
	close(root);
}

/* ---- fs_path.c: the directory path of an fd (getcwd) ------------------ */

/* The kernel's path for a host fd of the same directory, made relative
 * to the sandbox root. */
static const char *kernel_path(int hostfd)
{
	static char buf[PATH_MAX];
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", hostfd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return "(readlink failed)";
	buf[n] = '\0';
	if (strncmp(buf, H, strlen(H)) != 0)
		return buf;
	return buf + strlen(H);
}

static const char *dir_path(int fd)
{
	static char buf[PATH_MAX];
	int ret = fs_dir_path(&call, fd, buf, sizeof(buf));

	if (ret < 0)
		snprintf(buf, sizeof(buf), "error %d", ret);
	return buf;
}

TEST(dir_path_follows_a_rename_from_outside)
{
	int fd, host;

	setup("dirpath");
	hmkdir("r");
	hmkdir("r/s");
	fd = gofer_dir(sp("r/s"));
	CHECK(fd >= 0);
	host = open(hp("r/s"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(host >= 0);
	CHECK_STREQ(dir_path(fd), sp("r/s"));
	CHECK_STREQ(dir_path(fd), kernel_path(host));
	/* the ancestor moves: the directory's own ctime does not change */
	CHECK_EQ(rename(hp("r"), hp("r2")), 0);
	CHECK_STREQ(kernel_path(host), sp("r2/s"));
	CHECK_STREQ(dir_path(fd), kernel_path(host));
	/* the directory itself moves */
	CHECK_EQ(rename(hp("r2/s"), hp("t")), 0);
	CHECK_STREQ(dir_path(fd), kernel_path(host));
	CHECK_STREQ(dir_path(fd), sp("t"));
	close(fd);
	close(host);
}

/* A symlink where the old ancestor was still leads to the directory: the
 * old path is no more its path for all that. */
TEST(dir_path_through_a_symlink_is_not_its_path)
{
	int fd, host;

	setup("dirlink");
	hmkdir("q");
	hmkdir("q/s");
	fd = gofer_dir(sp("q/s"));
	CHECK(fd >= 0);
	host = open(hp("q/s"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(host >= 0);
	CHECK_STREQ(dir_path(fd), sp("q/s"));
	CHECK_EQ(rename(hp("q"), hp("q2")), 0);
	CHECK_EQ(symlink("q2", hp("q")), 0);
	CHECK_STREQ(kernel_path(host), sp("q2/s"));
	CHECK_STREQ(dir_path(fd), kernel_path(host));
	close(fd);
	close(host);
}

/* A hit checked by the directory cache when it holds the path (no gofer
 * call), which then names another directory. */
TEST(dir_path_checked_by_the_directory_cache)
{
	struct fs_dcache_stats s0;
	int fd, host;

	setup("dirdc");
	from_outside();
	hmkdir("r");
	hmkdir("r/s");
	settle();
	fd = gofer_dir(sp("r/s"));
	CHECK(fd >= 0);
	host = open(hp("r/s"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(host >= 0);
	CHECK_EQ(note(sp("r/s")), 0);
	CHECK_STREQ(dir_path(fd), sp("r/s"));
	s0 = snap();
	CHECK_STREQ(dir_path(fd), sp("r/s"));
	CHECK_EQ(snap().hits - s0.hits, 1);
	CHECK_EQ(snap().gofer_calls, s0.gofer_calls);
	/* r/s moves; a new r/s, old enough to be cached, takes its place */
	CHECK_EQ(rename(hp("r/s"), hp("r/old")), 0);
	hmkdir("r/s");
	settle();
	CHECK_EQ(cached_ino(sp("r/s")), 0);	/* the change seen: flushed */
	CHECK_EQ(note(sp("r/s")), 0);
	CHECK(cached_ino(sp("r/s")) == host_ino("r/s"));
	CHECK_STREQ(dir_path(fd), kernel_path(host));
	CHECK_STREQ(dir_path(fd), sp("r/old"));
	close(fd);
	close(host);
}

TEST(dir_path_of_a_removed_directory)
{
	int fd;

	setup("dirgone");
	hmkdir("g");
	fd = gofer_dir(sp("g"));
	CHECK(fd >= 0);
	CHECK_STREQ(dir_path(fd), sp("g"));
	CHECK_EQ(rmdir(hp("g")), 0);
	/* not the old path, as if it still were there */
	CHECK(strcmp(dir_path(fd), sp("g")) != 0);
	close(fd);
}

int main(void)
{
	if (geteuid() == 0)
		start_gofer();
	return test_main();
}

/* ---- fs_openpool.c: the pool of pre-opened fds ------------------------ */

#define KERNEL_O_LARGEFILE 0100000	/* x86_64's; glibc's macro is 0 */

/* An open as do_open makes it: the pool's fd, or the gofer's; then the
 * refill the open noted (after the reply, in a handler). *hit: from the
 * pool. The fd, or -errno. */
static int pool_open(const char *path, int flags, bool *hit)
{
	struct fs_path *p = fp(path);
	struct gofer_creds cr;
	int fd = -1, ret;

	task_gofer_creds(&tk, &cr);
	*hit = fs_openpool_take(&call, p, &cr, flags, 0, &fd) == 0;
	if (!*hit) {
		ret = gofer_openat(&sen.gofer, &cr, &p->at, flags, 0, 0, &fd);
		if (ret < 0)
			return ret;
	}
	fs_openpool_fill(&call, p);
	fs_openpool_refill(&call);
	return fd;
}

/* Opens path n times; how many came from the pool. */
static int pool_opens(const char *path, int n)
{
	int hits = 0;

	for (int i = 0; i < n; i++) {
		bool hit;
		int fd = pool_open(path, O_RDONLY, &hit);

		if (fd >= 0)
			close(fd);
		hits += hit;
	}
	return hits;
}

static void hwrite(const char *rel, const char *s, mode_t mode)
{
	int fd = open(hp(rel), O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		FAILF("write %s: %s", hp(rel), strerror(errno));
	close(fd);
}

/* The second open pre-opens one fd, the third takes it and a batch
 * follows: then opens are hits, each a new open file description. */
TEST(pool_serves_a_file_opened_again)
{
	bool hit;
	int a, b;

	setup("pool");
	hwrite("f", "0123456789", 0644);
	settle();
	CHECK_EQ(pool_opens(sp("f"), 2), 0);
	CHECK_EQ(fs_openpool_held(), 1);
	CHECK_EQ(pool_opens(sp("f"), 1), 1);
	CHECK_EQ(fs_openpool_held(), 8);
	CHECK_EQ(pool_opens(sp("f"), 8), 8);
	a = pool_open(sp("f"), O_RDONLY, &hit);
	CHECK(hit);
	b = pool_open(sp("f"), O_RDONLY, &hit);
	CHECK(hit);
	CHECK(a >= 0 && b >= 0);
	CHECK_EQ(lseek(a, 4, SEEK_SET), 4);
	CHECK_EQ(lseek(b, 0, SEEK_CUR), 0);	/* not a dup */
	CHECK_EQ(fcntl(a, F_GETFL) & ~KERNEL_O_LARGEFILE, O_RDONLY);
	close(a);
	close(b);
	/* other flags: their own key, their own flags */
	CHECK_EQ(pool_opens(sp("f"), 3), 3);
	CHECK_EQ(pool_opens(sp("f"), 0), 0);
	for (int i = 0; i < 3; i++) {
		a = pool_open(sp("f"), O_RDONLY | O_NONBLOCK, &hit);
		CHECK(a >= 0);
		CHECK_EQ(hit, i == 2);
		CHECK_EQ(fcntl(a, F_GETFL) & ~KERNEL_O_LARGEFILE,
			 O_RDONLY | O_NONBLOCK);
		close(a);
	}
	/* writers are never pooled */
	for (int i = 0; i < 4; i++) {
		a = pool_open(sp("f"), O_RDWR, &hit);
		CHECK(a >= 0 && !hit);
		close(a);
	}
}

/* A chmod from outside (or by an fd the sentry never sees) changes the
 * ctime: the pooled fds are not given, the gofer answers. */
TEST(pool_misses_after_a_change_of_the_file)
{
	setup("poolchg");
	hwrite("f", "x", 0644);
	settle();
	CHECK_EQ(pool_opens(sp("f"), 4), 2);
	CHECK(fs_openpool_held() > 0);
	CHECK_EQ(chmod(hp("f"), 0600), 0);
	CHECK_EQ(pool_opens(sp("f"), 1), 0);
	/* the refill waits until the new ctime is old enough */
	settle();
	CHECK_EQ(pool_opens(sp("f"), 3), 2);
}

/* Other credentials never take root's fds. */
TEST(pool_is_per_credentials)
{
	bool hit;
	int fd;

	setup("poolcr");
	hwrite("secret", "s", 0600);
	hwrite("public", "p", 0644);
	settle();
	CHECK_EQ(pool_opens(sp("secret"), 4), 2);
	CHECK_EQ(pool_opens(sp("public"), 4), 2);
	set_creds(1000, 0);
	for (int i = 0; i < 3; i++) {
		fd = pool_open(sp("secret"), O_RDONLY, &hit);
		CHECK_EQ(fd, -EACCES);
		CHECK(!hit);
	}
	CHECK_EQ(pool_opens(sp("public"), 4), 2);	/* its own fds */
	set_creds(0, ALL_CAPS & ~(1ull << 1));	/* no CAP_DAC_OVERRIDE */
	CHECK_EQ(pool_opens(sp("public"), 1), 0);
}

/* The sentry's own unlink drops the name's entry and its fds; a flush
 * closes them all; inotify turns the pool off. */
TEST(pool_follows_the_cache)
{
	struct fs_dcache_change ch;
	size_t held;

	setup("poolrm");
	hwrite("f", "f", 0644);
	hwrite("g", "g", 0644);
	settle();
	CHECK_EQ(pool_opens(sp("f"), 3), 1);
	CHECK_EQ(pool_opens(sp("g"), 3), 1);
	held = fs_openpool_held();
	CHECK_EQ(held, 16);
	fs_dcache_begin(&call, fp(sp("f")), &ch);
	CHECK_EQ(unlink(hp("f")), 0);	/* the gofer's unlink, as it were */
	fs_dcache_end(&ch, 0);
	CHECK_EQ(fs_openpool_held(), 8);
	fs_dcache_flush();
	CHECK_EQ(fs_openpool_held(), 0);
	settle();	/* the directory changed: young until then */
	CHECK_EQ(pool_opens(sp("g"), 4), 2);	/* seen again from scratch */
	fs_openpool_disable();
	CHECK_EQ(fs_openpool_held(), 0);
	CHECK_EQ(pool_opens(sp("g"), 4), 0);
}

/* At most 64 fds, the oldest given up first. */
TEST(pool_is_bounded)
{
	char name[16];

	setup("poolmax");
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		hwrite(name, "x", 0644);
	}
	settle();
	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		CHECK_EQ(pool_opens(sp(name), 3), 1);
		CHECK(fs_openpool_held() <= 64);
	}
	CHECK_EQ(fs_openpool_held(), 64);
	CHECK_EQ(pool_opens(sp("f11"), 1), 1);	/* the newest are there */
	CHECK_EQ(pool_opens(sp("f0"), 1), 0);	/* the oldest are not */
}
