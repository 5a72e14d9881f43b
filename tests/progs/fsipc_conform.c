// SPDX-License-Identifier: Apache-2.0
/*
 * Files, fds and IPC conformance (issue 14): POSIX ACLs, FIFOs, mknod,
 * fd owners (FIOASYNC, FIOGETOWN, SIOCGPGRP, F_SETOWN), F_GETLK's pid,
 * POSIX message queues, memory policies, inotify on exec, TIOCSCTTY.
 * Run natively and inside the sandbox, it prints one line per case,
 * "name result"; tests/conformance/fs_ipc.sh compares the two outputs:
 * the host kernel is the expectation.
 *
 *	fsipc_conform WORKDIR [SECTION...]
 * WORKDIR: an empty writable directory (it becomes the cwd). SECTIONs:
 * acl fifo mknod owner lock mq mempolicy inotify tty (default: all).
 * Nothing printed may depend on where the directory is or on pid values.
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <pthread.h>
#include <sys/statfs.h>
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <linux/capability.h>
#include <linux/sockios.h>
#include <termios.h>
#include <unistd.h>

#include "progs.h"

static void res(const char *name, long r)
{
	if (r < 0)
		printf("%s %s\n", name, ename(errno));
	else
		printf("%s ok\n", name);
	fflush(stdout);
}

static void val(const char *name, const char *fmt, long v)
{
	printf("%s ", name);
	printf(fmt, v);
	printf("\n");
	fflush(stdout);
}

/* ---- POSIX ACLs (the xattr's binary form, as the kernel stores it) ---- */

#define ACL_VERSION	2
#define T_USER_OBJ	0x01
#define T_USER		0x02
#define T_GROUP_OBJ	0x04
#define T_GROUP		0x08
#define T_MASK		0x10
#define T_OTHER		0x20

struct acl_entry {
	uint16_t tag;
	uint16_t perm;
	uint32_t id;
};

struct acl {
	uint32_t version;
	struct acl_entry e[8];
};

#define XA_ACCESS	"system.posix_acl_access"
#define XA_DEFAULT	"system.posix_acl_default"

/* u::rw-,u:1000:r-x,g::r--,g:2000:rw-,m::rwx,o::--- and variants */
static size_t acl_make(struct acl *a, int uperm, int mask)
{
	int n = 0;

	a->version = ACL_VERSION;
	a->e[n++] = (struct acl_entry){ T_USER_OBJ, 6, (uint32_t)-1 };
	a->e[n++] = (struct acl_entry){ T_USER, uperm, 1000 };
	a->e[n++] = (struct acl_entry){ T_GROUP_OBJ, 4, (uint32_t)-1 };
	a->e[n++] = (struct acl_entry){ T_GROUP, 6, 2000 };
	a->e[n++] = (struct acl_entry){ T_MASK, mask, (uint32_t)-1 };
	a->e[n++] = (struct acl_entry){ T_OTHER, 0, (uint32_t)-1 };
	return 4 + n * sizeof(struct acl_entry);
}

/* "name u::6,u1000:5,g::4,..." or the errno */
static void acl_print(const char *name, const char *path, const char *xa)
{
	struct acl a;
	ssize_t n = getxattr(path, xa, &a, sizeof(a));
	char buf[256];
	size_t off = 0;
	int i;

	if (n < 0) {
		res(name, -1);
		return;
	}
	off += snprintf(buf, sizeof(buf), "v%u", a.version);
	for (i = 0; i < (int)((n - 4) / 8) && off < sizeof(buf); i++) {
		struct acl_entry *e = &a.e[i];

		if (e->tag == T_USER || e->tag == T_GROUP)
			off += snprintf(buf + off, sizeof(buf) - off, ",%x:%u:%o",
					e->tag, e->id, e->perm);
		else
			off += snprintf(buf + off, sizeof(buf) - off, ",%x::%o",
					e->tag, e->perm);
	}
	printf("%s %s len=%zd\n", name, buf, n);
	fflush(stdout);
}

static void mode_print(const char *name, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		res(name, -1);
		return;
	}
	val(name, "%o", st.st_mode & 07777);
}

static void acls(void)
{
	struct acl a;
	size_t len;
	char lst[512];
	ssize_t n;
	int fd;

	umask(022);
	close(open("acl_f", O_CREAT | O_WRONLY, 0644));
	mkdir("acl_d", 0755);

	acl_print("acl_get_none", "acl_f", XA_ACCESS);
	acl_print("acl_get_default_file", "acl_f", XA_DEFAULT);
	acl_print("acl_get_default_dir_none", "acl_d", XA_DEFAULT);

	len = acl_make(&a, 5, 7);
	res("acl_set_file", setxattr("acl_f", XA_ACCESS, &a, len, 0));
	acl_print("acl_get_file", "acl_f", XA_ACCESS);
	mode_print("acl_mode_after_set", "acl_f");
	n = listxattr("acl_f", lst, sizeof(lst));
	val("acl_list_has_access", "%ld",
	    n > 0 && memmem(lst, n, XA_ACCESS, sizeof(XA_ACCESS)) != NULL);
	fd = open("acl_f", O_RDONLY);
	n = fgetxattr(fd, XA_ACCESS, &a, sizeof(a));
	val("acl_fget_len", "%ld", n < 0 ? -errno : n);
	n = fgetxattr(fd, XA_ACCESS, NULL, 0);
	val("acl_fget_size", "%ld", n < 0 ? -errno : n);
	close(fd);

	res("acl_chmod", chmod("acl_f", 0640));
	acl_print("acl_after_chmod", "acl_f", XA_ACCESS);
	mode_print("acl_mode_after_chmod", "acl_f");
	fd = open("acl_f", O_RDONLY);
	res("acl_fchmod", fchmod(fd, 0604));
	close(fd);
	acl_print("acl_after_fchmod", "acl_f", XA_ACCESS);

	/* a minimal ACL equivalent to a mode: the kernel sets the mode only */
	a.version = ACL_VERSION;
	a.e[0] = (struct acl_entry){ T_USER_OBJ, 7, (uint32_t)-1 };
	a.e[1] = (struct acl_entry){ T_GROUP_OBJ, 5, (uint32_t)-1 };
	a.e[2] = (struct acl_entry){ T_OTHER, 1, (uint32_t)-1 };
	res("acl_set_minimal", setxattr("acl_f", XA_ACCESS, &a, 4 + 3 * 8, 0));
	mode_print("acl_mode_minimal", "acl_f");
	acl_print("acl_get_minimal", "acl_f", XA_ACCESS);

	len = acl_make(&a, 5, 7);
	res("acl_set_default_file", setxattr("acl_f", XA_DEFAULT, &a, len, 0));
	a.version = 1;
	res("acl_set_badversion", setxattr("acl_f", XA_ACCESS, &a, len, 0));
	len = acl_make(&a, 5, 7);
	res("acl_set_badlen", setxattr("acl_f", XA_ACCESS, &a, len - 3, 0));
	a.e[4].tag = 0x40;
	res("acl_set_badtag", setxattr("acl_f", XA_ACCESS, &a, len, 0));
	len = acl_make(&a, 5, 7);
	res("acl_set_nomask", setxattr("acl_f", XA_ACCESS, &a.e[0],
				       0, 0));

	res("acl_remove", removexattr("acl_f", XA_ACCESS));
	acl_print("acl_after_remove", "acl_f", XA_ACCESS);
	mode_print("acl_mode_after_remove", "acl_f");
	res("acl_remove_again", removexattr("acl_f", XA_ACCESS));

	/* default ACL on a directory: inherited by what is made in it */
	len = acl_make(&a, 5, 7);
	res("acl_set_default_dir", setxattr("acl_d", XA_DEFAULT, &a, len, 0));
	acl_print("acl_get_default_dir", "acl_d", XA_DEFAULT);
	acl_print("acl_dir_access_after_default", "acl_d", XA_ACCESS);
	umask(077);
	close(open("acl_d/f", O_CREAT | O_WRONLY, 0666));
	mkdir("acl_d/sub", 0777);
	mknod("acl_d/fifo", S_IFIFO | 0640, 0);
	acl_print("acl_inherit_file", "acl_d/f", XA_ACCESS);
	mode_print("acl_inherit_file_mode", "acl_d/f");
	acl_print("acl_inherit_file_default", "acl_d/f", XA_DEFAULT);
	acl_print("acl_inherit_dir", "acl_d/sub", XA_ACCESS);
	acl_print("acl_inherit_dir_default", "acl_d/sub", XA_DEFAULT);
	mode_print("acl_inherit_dir_mode", "acl_d/sub");
	acl_print("acl_inherit_fifo", "acl_d/fifo", XA_ACCESS);
	mode_print("acl_inherit_fifo_mode", "acl_d/fifo");
	close(open("acl_d/sub/g", O_CREAT | O_WRONLY, 0600));
	acl_print("acl_inherit_nested", "acl_d/sub/g", XA_ACCESS);
	mode_print("acl_inherit_nested_mode", "acl_d/sub/g");
	res("acl_remove_default", removexattr("acl_d", XA_DEFAULT));
	close(open("acl_d/h", O_CREAT | O_WRONLY, 0666));
	acl_print("acl_no_inherit_after_remove", "acl_d/h", XA_ACCESS);
	mode_print("acl_umask_after_remove", "acl_d/h");
	umask(022);
}

/* ---- FIFOs ---- */

static volatile sig_atomic_t sigs;

static void on_sig(int sig)
{
	(void)sig;
	sigs++;
}

static void timer_ms(int ms)
{
	struct itimerval it = { .it_value = { 0, ms * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void fifo_open_intr(const char *name, int restart)
{
	struct sigaction sa = { .sa_handler = on_sig };
	pid_t writer = -1;
	int fd;

	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	writer = fork();
	if (writer == 0 && restart) {
		usleep(400 * 1000);
		fd = open("fifo", O_WRONLY);
		_exit(fd < 0);
	}
	if (writer == 0) {
		/* a reader still waiting after the signal is let go (so a
		 * wait the signal did not end shows, not hangs): 1.5 s of
		 * non-blocking opens, ENXIO while nobody reads */
		usleep(300 * 1000);
		for (int i = 0; i < 150; i++, usleep(10 * 1000))
			if (open("fifo", O_WRONLY | O_NONBLOCK) >= 0)
				_exit(0);
		_exit(1);
	}
	sigs = 0;
	timer_ms(100);
	fd = open("fifo", O_RDONLY);
	printf("%s %s sigs=%d\n", name, fd < 0 ? ename(errno) : "ok", (int)sigs);
	fflush(stdout);
	if (fd >= 0)
		close(fd);
	if (writer > 0)
		waitpid(writer, NULL, 0);
	signal(SIGALRM, SIG_DFL);
}

/* A blocking connect to a listener whose backlog is full, ended by a
 * signal without SA_RESTART: EINTR. A child accepts after 2 s, so a
 * connect the signal did not end shows (as "ok"), not hangs. */
static void connect_intr(void)
{
	struct sigaction sa = { .sa_handler = on_sig };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int l, c1, c2, r;
	pid_t helper;

	snprintf(a.sun_path, sizeof(a.sun_path), "csock");
	unlink("csock");
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 0) < 0) {
		printf("connect_intr_setup %s\n", ename(errno));
		return;
	}
	c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	res("connect_backlog_first", connect(c1, (struct sockaddr *)&a,
					     sizeof(a)));
	helper = fork();
	if (helper == 0) {
		usleep(2000 * 1000);
		close(accept(l, NULL, NULL));
		close(accept(l, NULL, NULL));
		_exit(0);
	}
	c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sa.sa_flags = 0;
	sigaction(SIGALRM, &sa, NULL);
	sigs = 0;
	timer_ms(100);
	r = connect(c2, (struct sockaddr *)&a, sizeof(a));
	printf("connect_eintr %s sigs=%d\n", r < 0 ? ename(errno) : "ok",
	       (int)sigs);
	fflush(stdout);
	signal(SIGALRM, SIG_DFL);
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	close(c1);
	close(c2);
	close(l);
	unlink("csock");
}

static void fifos(void)
{
	struct stat st;
	char buf[8];
	int r, w, rw;

	res("fifo_mkfifo", mkfifo("fifo", 0666));
	res("fifo_mkfifo_exists", mkfifo("fifo", 0666));
	stat("fifo", &st);
	val("fifo_is_fifo", "%ld", S_ISFIFO(st.st_mode));
	w = open("fifo", O_WRONLY | O_NONBLOCK);
	res("fifo_w_noreader", w);
	r = open("fifo", O_RDONLY | O_NONBLOCK);
	res("fifo_r_nonblock", r);
	w = open("fifo", O_WRONLY | O_NONBLOCK);
	res("fifo_w_reader", w);
	res("fifo_write", write(w, "hi", 2));
	memset(buf, 0, sizeof(buf));
	res("fifo_read", read(r, buf, sizeof(buf)));
	printf("fifo_read_data %s\n", buf);
	val("fifo_r_flags", "%lo", fcntl(r, F_GETFL) & (O_ACCMODE | O_NONBLOCK));
	close(w);
	close(r);
	rw = open("fifo", O_RDWR);
	res("fifo_rdwr", rw);
	res("fifo_rdwr_write", write(rw, "x", 1));
	res("fifo_rdwr_read", read(rw, buf, 1));
	close(rw);
	rw = open("fifo", O_RDWR | O_TRUNC);
	res("fifo_trunc", rw);
	close(rw);
	r = open("fifo", O_RDONLY | O_NONBLOCK | O_TRUNC);
	res("fifo_trunc_r", r);
	w = open("fifo", O_WRONLY | O_NONBLOCK | O_TRUNC);
	res("fifo_trunc_w", w);
	close(w);
	close(r);
	res("fifo_truncate", truncate("fifo", 0));
	fifo_open_intr("fifo_open_eintr", 0);
	fifo_open_intr("fifo_open_restart", 1);
	connect_intr();
	res("fifo_mknod", mknod("fifo2", S_IFIFO | 0600, 0));
	stat("fifo2", &st);
	val("fifo_mknod_mode", "%o", st.st_mode);
	res("fifo_unlink", unlink("fifo2"));
}

/* ---- mknod and CAP_MKNOD ---- */

static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[cap / 32].effective &= ~(1u << (cap % 32));
	return (int)syscall(SYS_capset, &h, d);
}

static void mknod_node(const char *name, const char *path, mode_t mode,
		       dev_t dev)
{
	struct stat st;
	char n[64];

	res(name, mknod(path, mode, dev));
	snprintf(n, sizeof(n), "%s_stat", name);
	if (stat(path, &st) < 0)
		res(n, -1);
	else
		printf("%s %o %u:%u\n", n, st.st_mode,
		       major(st.st_rdev), minor(st.st_rdev));
	unlink(path);
}

static void mknods(void)
{
	pid_t pid;
	int st;

	mknod_node("mknod_chr", "chr", S_IFCHR | 0600, makedev(1, 3));
	mknod_node("mknod_blk", "blk", S_IFBLK | 0600, makedev(7, 0));
	mknod_node("mknod_reg", "reg", S_IFREG | 0600, 0);
	mknod_node("mknod_sock", "sock", S_IFSOCK | 0600, 0);
	mknod_node("mknod_badtype", "bad", 0170000 | 0600, 0);
	res("mknod_exists", mknod(".", S_IFIFO | 0600, 0));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		res("nocap_drop", drop_cap(CAP_MKNOD));
		mknod_node("nocap_chr", "chr", S_IFCHR | 0600, makedev(1, 3));
		mknod_node("nocap_blk", "blk", S_IFBLK | 0600, makedev(7, 0));
		mknod_node("nocap_chr_whiteout", "wh", S_IFCHR | 0600, 0);
		mknod_node("nocap_fifo", "fifo3", S_IFIFO | 0600, 0);
		mknod_node("nocap_reg", "reg", S_IFREG | 0600, 0);
		mknod_node("nocap_sock", "sock", S_IFSOCK | 0600, 0);
		res("nocap_mknodat_chr",
		    mknodat(AT_FDCWD, "chr", S_IFCHR | 0600, makedev(1, 5)));
		_exit(0);
	}
	waitpid(pid, &st, 0);
}

/* ---- fd owners, async I/O signals ---- */

static void owner_cases(const char *kind, int rd, int wr)
{
	char n[80];
	int on = 1, own = 0;
	pid_t me = getpid(), pg = getpgrp();
	struct f_owner_ex ex;

#define N(s) (snprintf(n, sizeof(n), "owner_%s_%s", kind, s), n)
	own = -1;
	res(N("fiogetown"), ioctl(rd, FIOGETOWN, &own));
	val(N("fiogetown_initial"), "%ld", own);
	res(N("fsetown_self"), fcntl(rd, F_SETOWN, me));
	val(N("fgetown_is_self"), "%ld", fcntl(rd, F_GETOWN) == me);
	own = -1;
	res(N("fiogetown_self"), ioctl(rd, FIOGETOWN, &own));
	val(N("fiogetown_is_self"), "%ld", own == me);
	own = -1;
	res(N("siocgpgrp_self"), ioctl(rd, SIOCGPGRP, &own));
	val(N("siocgpgrp_is_self"), "%ld", own == me);
	res(N("fsetown_pgrp"), fcntl(rd, F_SETOWN, -pg));
	val(N("fgetown_is_pgrp"), "%ld", fcntl(rd, F_GETOWN) == -pg);
	own = 0;
	ioctl(rd, FIOGETOWN, &own);
	val(N("fiogetown_is_pgrp"), "%ld", own == -pg);
	memset(&ex, 0, sizeof(ex));
	res(N("getown_ex"), fcntl(rd, F_GETOWN_EX, &ex));
	val(N("getown_ex_pgrp"), "%ld", ex.type == F_OWNER_PGRP && ex.pid == pg);
	own = me;
	res(N("fiosetown_self"), ioctl(rd, FIOSETOWN, &own));
	val(N("fgetown_after_fiosetown"), "%ld", fcntl(rd, F_GETOWN) == me);
	own = -pg;
	res(N("siocspgrp_pgrp"), ioctl(rd, SIOCSPGRP, &own));
	val(N("fgetown_after_siocspgrp"), "%ld", fcntl(rd, F_GETOWN) == -pg);
	res(N("fsetown_nosuch"), fcntl(rd, F_SETOWN, 4000000));
	res(N("fsetown_nosuch_pgrp"), fcntl(rd, F_SETOWN, -4000000));
	ex.type = F_OWNER_TID;
	ex.pid = (pid_t)syscall(SYS_gettid);
	res(N("setown_ex_tid"), fcntl(rd, F_SETOWN_EX, &ex));
	memset(&ex, 0, sizeof(ex));
	fcntl(rd, F_GETOWN_EX, &ex);
	val(N("getown_ex_tid"), "%ld", ex.type == F_OWNER_TID &&
	    ex.pid == (pid_t)syscall(SYS_gettid));
	ex.type = 7;
	res(N("setown_ex_badtype"), fcntl(rd, F_SETOWN_EX, &ex));

	/* FIOASYNC with the owner: SIGIO when data arrives */
	signal(SIGIO, on_sig);
	sigs = 0;
	fcntl(rd, F_SETOWN, me);
	res(N("fioasync_on"), ioctl(rd, FIOASYNC, &on));
	val(N("fioasync_flag"), "%ld", !!(fcntl(rd, F_GETFL) & O_ASYNC));
	if (write(wr, "a", 1) != 1)
		perror("write");
	usleep(20000);
	val(N("sigio_self"), "%ld", sigs);
	{
		char c;

		if (read(rd, &c, 1) != 1)
			perror("read");
	}
	sigs = 0;
	fcntl(rd, F_SETOWN, -pg);
	if (write(wr, "b", 1) != 1)
		perror("write");
	usleep(20000);
	val(N("sigio_pgrp"), "%ld", sigs);
	{
		char c;

		if (read(rd, &c, 1) != 1)
			perror("read");
	}
	sigs = 0;
	fcntl(rd, F_SETOWN, 0);
	if (write(wr, "c", 1) != 1)
		perror("write");
	usleep(20000);
	val(N("sigio_noowner"), "%ld", sigs);
	on = 0;
	res(N("fioasync_off"), ioctl(rd, FIOASYNC, &on));
	val(N("fioasync_flag_off"), "%ld", !!(fcntl(rd, F_GETFL) & O_ASYNC));
	signal(SIGIO, SIG_DFL);
#undef N
}

static void owners(void)
{
	int p[2], sv[2], on = 1, own;
	pid_t pid;

	/* in a process group of its own: SIGIO to the group reaches no one else */
	fflush(stdout);
	pid = fork();
	if (pid > 0) {
		waitpid(pid, NULL, 0);
		return;
	}
	res("owner_setpgid", setpgid(0, 0));
	if (pipe(p) == 0) {
		owner_cases("pipe", p[0], p[1]);
		close(p[0]);
		close(p[1]);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		owner_cases("sock", sv[0], sv[1]);
		close(sv[0]);
		close(sv[1]);
	}
	res("owner_fioasync_badfd", ioctl(999, FIOASYNC, &on));
	res("owner_fiogetown_badfd", ioctl(999, FIOGETOWN, &own));
	res("owner_siocgpgrp_badfd", ioctl(999, SIOCGPGRP, &own));
	res("owner_fsetown_badfd", fcntl(999, F_SETOWN, getpid()));
	res("owner_fioasync_closed", ioctl(-1, FIOASYNC, &on));
	fflush(stdout);
	_exit(0);
}

/* ---- F_GETLK: the holder's pid as the caller sees it ---- */

static void locks(void)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int p[2], fd;
	pid_t child;
	char c;

	fd = open("lockf", O_CREAT | O_RDWR, 0644);
	if (pipe(p) < 0)
		return;
	child = fork();
	if (child == 0) {
		struct flock l = { .l_type = F_WRLCK, .l_whence = SEEK_SET,
				   .l_start = 0, .l_len = 10 };

		close(p[0]);
		if (fcntl(fd, F_SETLK, &l) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = 0;
	fl.l_len = 5;
	res("lock_getlk", fcntl(fd, F_GETLK, &fl));
	val("lock_getlk_type_wr", "%ld", fl.l_type == F_WRLCK);
	val("lock_getlk_pid_is_child", "%ld", fl.l_pid == child);
	printf("lock_getlk_range %ld %ld\n", (long)fl.l_start, (long)fl.l_len);
	fl = (struct flock){ .l_type = F_RDLCK, .l_whence = SEEK_SET,
			     .l_start = 20, .l_len = 5 };
	res("lock_getlk_free", fcntl(fd, F_GETLK, &fl));
	val("lock_getlk_free_unlck", "%ld", fl.l_type == F_UNLCK);
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET,
			     .l_start = 0, .l_len = 1 };
	res("lock_setlk_conflict", fcntl(fd, F_SETLK, &fl));
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET,
			     .l_start = 0, .l_len = 1 };
	res("lock_ofd_getlk", fcntl(fd, F_OFD_GETLK, &fl));
	val("lock_ofd_getlk_pid_is_child", "%ld", fl.l_pid == child);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(p[0]);
	close(fd);
}

/* ---- POSIX message queues ---- */

static void mq_file(const char *name, const char *qname)
{
	char path[128], buf[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/dev/mqueue%s", qname);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		res(name, -1);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	/* the NOTIFY_PID field is a pid: only QSIZE is compared */
	buf[strcspn(buf, " ")] = 0;
	printf("%s %s\n", name, buf);
	close(fd);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The mount's entries, sorted, as one line; the test's queue name
 * (qname without its "/", which holds a pid) shown as "Q". */
static void mq_list(const char *name, const char *qname)
{
	size_t ql = strlen(qname + 1);

	char *names[64], line[1024] = "";
	struct dirent *e;
	size_t n = 0;
	DIR *d = opendir("/dev/mqueue");

	if (d == NULL) {
		res(name, -1);
		return;
	}
	while ((e = readdir(d)) != NULL && n < 64) {
		char nm[300];

		if (strncmp(e->d_name, qname + 1, ql) == 0)
			snprintf(nm, sizeof(nm), "Q%s", e->d_name + ql);
		else
			snprintf(nm, sizeof(nm), "%s", e->d_name);
		names[n++] = strdup(nm);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (size_t i = 0; i < n; i++) {
		strncat(line, names[i], sizeof(line) - strlen(line) - 2);
		strcat(line, ",");
		free(names[i]);
	}
	printf("%s %s\n", name, line);
}

/* The mount as files: access modes, what it refuses, its listing. */
static void mq_files_more(const char *qname)
{
	struct mq_attr at = { .mq_maxmsg = 2, .mq_msgsize = 16 };
	char path[128], other[140], mname[100];
	struct statfs sfs;
	struct stat st;
	mqd_t q;
	int fd;

	snprintf(path, sizeof(path), "/dev/mqueue%s-m", qname);
	snprintf(other, sizeof(other), "/dev/mqueue%s-x", qname);
	mq_list("mq_list_empty", qname);
	snprintf(mname, sizeof(mname), "%s-m", qname);
	q = mq_open(mname, O_CREAT | O_RDWR, 0604, &at);
	res("mq_more_create", q);
	mq_send(q, "abc", 3, 0);
	mq_list("mq_list_one", qname);
	fd = open(path, O_WRONLY);
	res("mq_file_open_wronly", fd);
	res("mq_file_write", fd < 0 ? -1 : write(fd, "x", 1));
	close(fd);
	fd = open(path, O_RDWR);
	res("mq_file_open_rdwr", fd);
	close(fd);
	res("mq_file_open_excl", open(path, O_CREAT | O_EXCL | O_RDWR, 0600));
	res("mq_file_open_dir", open(path, O_RDONLY | O_DIRECTORY));
	mq_file("mq_file_read_qsize", mname);
	res("mq_file_chmod", chmod(path, 0600));
	if (stat(path, &st) < 0)
		res("mq_file_stat_after_chmod", -1);
	else
		printf("mq_file_stat_after_chmod %o %lld\n", st.st_mode,
		       (long long)st.st_size);
	res("mq_file_mkdir", mkdir("/dev/mqueue/sub", 0755));
	res("mq_file_symlink", symlink("x", other));
	res("mq_file_rename", rename(path, other));
	res("mq_file_link", link(path, other));
	if (statfs("/dev/mqueue", &sfs) < 0)
		res("mq_statfs", -1);
	else
		printf("mq_statfs %lx\n", (unsigned long)sfs.f_type);
	if (stat("/dev/mqueue", &st) < 0)
		res("mq_dir_stat", -1);
	else
		printf("mq_dir_stat %o\n", st.st_mode);
	mq_close(q);
	res("mq_file_unlink_more", unlink(path));
	mq_list("mq_list_after_unlink", qname);
}

static void mqs(const char *qname)
{
	struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 32 };
	char buf[160];
	struct stat st;
	unsigned prio;
	mqd_t q, r, w;

	mq_unlink(qname);
	q = mq_open(qname, O_CREAT | O_EXCL | O_RDWR, 0640, &at);
	res("mq_create", q);
	res("mq_create_excl", mq_open(qname, O_CREAT | O_EXCL | O_RDWR, 0640, &at));
	r = mq_open(qname, O_RDONLY);
	res("mq_open_rdonly", r);
	w = mq_open(qname, O_WRONLY);
	res("mq_open_wronly", w);
	res("mq_open_badmode", mq_open(qname, O_ACCMODE));
	res("mq_send_rdonly", mq_send(r, "x", 1, 0));
	res("mq_send", mq_send(w, "hello", 5, 3));
	res("mq_receive_wronly", mq_receive(w, buf, sizeof(buf), &prio));
	memset(buf, 0, sizeof(buf));
	res("mq_receive", mq_receive(r, buf, sizeof(buf), &prio));
	printf("mq_received %s %u\n", buf, prio);
	res("mq_receive_small", mq_receive(r, buf, 4, &prio));
	res("mq_getattr", mq_getattr(q, &at));
	printf("mq_attr %ld %ld %ld\n", at.mq_maxmsg, at.mq_msgsize, at.mq_curmsgs);
	mq_send(w, "again", 5, 1);
	mq_file("mq_file_read", qname);
	snprintf(buf, sizeof(buf), "/dev/mqueue%s", qname);
	if (stat(buf, &st) < 0)
		res("mq_file_stat", -1);
	else
		printf("mq_file_stat %o\n", st.st_mode);
	res("mq_open_noname", mq_open("noslash", O_RDONLY));
	res("mq_open_missing", mq_open("/cvisor-missing-q", O_RDONLY));
	res("mq_unlink", mq_unlink(qname));
	res("mq_unlink_again", mq_unlink(qname));
	res("mq_open_after_unlink", mq_open(qname, O_RDONLY));
	memset(buf, 0, sizeof(buf));
	res("mq_receive_after_unlink", mq_receive(r, buf, sizeof(buf), &prio));
	mq_close(q);
	mq_close(r);
	mq_close(w);
	/* a queue made as a file on the mount */
	snprintf(buf, sizeof(buf), "/dev/mqueue%s-f", qname);
	res("mq_file_create", open(buf, O_CREAT | O_RDWR, 0600));
	snprintf(buf, sizeof(buf), "%s-f", qname);
	q = mq_open(buf, O_RDWR);
	res("mq_open_file_made", q);
	mq_close(q);
	snprintf(buf, sizeof(buf), "/dev/mqueue%s-f", qname);
	res("mq_file_unlink", unlink(buf));
	snprintf(buf, sizeof(buf), "%s-f", qname);
	res("mq_open_file_unlinked", mq_open(buf, O_RDWR));
	mq_files_more(qname);
}

/* ---- memory policies ---- */

#define MPOL_DEFAULT	0
#define MPOL_PREFERRED	1
#define MPOL_BIND	2
#define MPOL_INTERLEAVE	3
#define MPOL_LOCAL	4
#define MPOL_F_NODE	(1 << 0)
#define MPOL_F_ADDR	(1 << 1)
#define MPOL_F_MEMS_ALLOWED (1 << 2)
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_MF_STRICT	(1 << 0)
#define MPOL_MF_MOVE	(1 << 1)

static long set_mp(int mode, unsigned long *mask, unsigned long max)
{
	return syscall(SYS_set_mempolicy, mode, mask, max);
}

static void get_mp(const char *name)
{
	unsigned long mask[16] = { 0 };
	int mode = -1;

	if (syscall(SYS_get_mempolicy, &mode, mask, 1024, NULL, 0) < 0)
		res(name, -1);
	else
		printf("%s %d %lx\n", name, mode, mask[0]);
}

static void *mp_thread(void *arg)
{
	unsigned long node0 = 1;
	int mode = -1;

	syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0);
	*(int *)arg = mode;
	syscall(SYS_set_mempolicy, MPOL_INTERLEAVE, &node0, 64);
	return NULL;
}

/* A thread starts with its creator's policy; its own is its own. */
static void mempolicy_threads(void)
{
	unsigned long node0 = 1;
	int seen = -1, mode = -1;
	pthread_t th;

	syscall(SYS_set_mempolicy, MPOL_BIND, &node0, 64);
	if (pthread_create(&th, NULL, mp_thread, &seen) != 0) {
		res("mp_thread", -1);
		return;
	}
	pthread_join(th, NULL);
	syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0);
	printf("mp_thread_inherits %d\n", seen);
	printf("mp_thread_own %d\n", mode);
	syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0);
}

/* Mode flags, MPOL_F_NODE, the argument checks, a child's copy. */
static void mempolicy_more(void)
{
	unsigned long two = 3, node0 = 1, mask[16] = { 0 };
	int mode = -1;
	pid_t pid;
	int st;

	res("mp_set_static", set_mp(MPOL_BIND | MPOL_F_STATIC_NODES, &two, 64));
	get_mp("mp_get_static");
	res("mp_set_relative", set_mp(MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES,
				      &two, 64));
	get_mp("mp_get_relative");
	res("mp_set_static_relative", set_mp(MPOL_BIND | MPOL_F_STATIC_NODES |
					     MPOL_F_RELATIVE_NODES, &node0, 64));
	res("mp_set_balancing_interleave",
	    set_mp(MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, &node0, 64));
	res("mp_set_balancing_bind",
	    set_mp(MPOL_BIND | MPOL_F_NUMA_BALANCING, &node0, 64));
	get_mp("mp_get_balancing_bind");
	res("mp_set_preferred_static_empty",
	    set_mp(MPOL_PREFERRED | MPOL_F_STATIC_NODES, NULL, 0));
	res("mp_set_local_mask", set_mp(MPOL_LOCAL, &node0, 64));
	res("mp_set_huge_maxnode", set_mp(MPOL_BIND, &node0, 1ul << 20));
	res("mp_set_maxnode1", set_mp(MPOL_BIND, &node0, 1));
	res("mp_set_interleave", set_mp(MPOL_INTERLEAVE, &node0, 64));
	res("mp_get_node", syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL,
				   MPOL_F_NODE));
	val("mp_get_node_value", "%ld", mode);
	res("mp_get_addr_no_flag", syscall(SYS_get_mempolicy, &mode, NULL, 0,
					   &mode, 0));
	res("mp_get_badflags", syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL,
				       0x10));
	res("mp_get_allowed_addr", syscall(SYS_get_mempolicy, &mode, mask,
					   1024, NULL,
					   MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR));
	res("mp_get_allowed", syscall(SYS_get_mempolicy, &mode, mask, 1024,
				      NULL, MPOL_F_MEMS_ALLOWED));
	val("mp_get_allowed_mask", "%lx", mask[0]);
	res("mp_get_addr_unmapped", syscall(SYS_get_mempolicy, &mode, NULL, 0,
					    (void *)0x10000, MPOL_F_ADDR));
	res("mp_get_maxnode0", syscall(SYS_get_mempolicy, &mode, mask, 0,
				       NULL, 0));
	res("mp_get_badmode_ptr", syscall(SYS_get_mempolicy, (int *)8, NULL,
					  0, NULL, 0));
	set_mp(MPOL_PREFERRED, &node0, 64);
	pid = fork();
	if (pid == 0) {
		mode = -1;
		syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0);
		_exit(mode);
	}
	waitpid(pid, &st, 0);
	val("mp_child_inherits", "%d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	set_mp(MPOL_DEFAULT, NULL, 0);
	mempolicy_threads();
}

/* The policy of the page at a (its mode, or the errno). */
static void mode_at(const char *name, char *a)
{
	int mode = -1;

	if (syscall(SYS_get_mempolicy, &mode, NULL, 0, a, MPOL_F_ADDR) < 0)
		res(name, -1);
	else
		val(name, "%d", mode);
}

/* How many mappings of /proc/self/maps lie in [a, a + len). */
static void maps_in(const char *name, char *a, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long s, e;
	char line[512];
	int n = 0;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 &&
		    s >= (unsigned long)a && e <= (unsigned long)a + len)
			n++;
	if (f != NULL)
		fclose(f);
	val(name, "%d", n);
}

/* Whether smaps' VmFlags of the mapping at a has flag f: 1, 0, -1. */
static int vmflag_at(char *a, const char *f)
{
	FILE *fp = fopen("/proc/self/smaps", "r");
	unsigned long s, e;
	char line[512], want[8];
	int in = 0, got = -1;

	snprintf(want, sizeof(want), " %s ", f);
	while (fp != NULL && got < 0 && fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 &&
		    strchr(line, ':') != NULL && strchr(line, '-') < strchr(line, ' '))
			in = (unsigned long)a >= s && (unsigned long)a < e;
		else if (in && strncmp(line, "VmFlags:", 8) == 0)
			got = strstr(line, want) != NULL;
	}
	if (fp != NULL)
		fclose(fp);
	return got;
}

static char *anon_at(char *at, size_t len)
{
	return mmap(at, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED : 0), -1, 0);
}

/* A vma's policy dies with it: unmapped and mapped again at the same
 * address (whole or in part), or mapped over, it has none; mprotect and
 * fork keep it. mbind splits the vmas at the range's ends. */
static void mbind_vma_life(size_t pg)
{
	unsigned long node0 = 1;
	char *m = anon_at(NULL, 4 * pg);
	pid_t pid;
	int st;

	res("mbind_life_bind", syscall(SYS_mbind, m + pg, 2 * pg, MPOL_BIND,
					&node0, 64, 0));
	maps_in("mbind_life_split", m, 4 * pg);
	val("mbind_life_vmflags_dd", "%d", vmflag_at(m + pg, "dd"));
	mode_at("mbind_life_bound", m + pg);
	res("mbind_life_mprotect", mprotect(m + pg, pg, PROT_READ));
	mode_at("mbind_life_after_mprotect", m + pg);
	pid = fork();
	if (pid == 0) {
		int mode = -1;

		syscall(SYS_get_mempolicy, &mode, NULL, 0, m + pg, MPOL_F_ADDR);
		_exit(mode);
	}
	waitpid(pid, &st, 0);
	val("mbind_life_child", "%d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	/* the second page unmapped and mapped again, the third mapped
	 * over (MAP_FIXED) */
	res("mbind_life_munmap", munmap(m + pg, pg));
	mode_at("mbind_life_unmapped", m + pg);
	res("mbind_life_remap", anon_at(m + pg, pg) == m + pg ? 0 : -1);
	mode_at("mbind_life_remapped", m + pg);
	mode_at("mbind_life_other_page", m + 2 * pg);
	res("mbind_life_map_over", anon_at(m + 2 * pg, pg) == m + 2 * pg ? 0
									 : -1);
	mode_at("mbind_life_mapped_over", m + 2 * pg);
	/* the whole area, unmapped and mapped again at the same address */
	res("mbind_life_bind_all", syscall(SYS_mbind, m, 4 * pg,
					    MPOL_PREFERRED, &node0, 64, 0));
	mode_at("mbind_life_bound_all", m + 3 * pg);
	munmap(m, 4 * pg);
	res("mbind_life_remap_all", anon_at(m, 4 * pg) == m ? 0 : -1);
	mode_at("mbind_life_remapped_all", m + 3 * pg);
	maps_in("mbind_life_remapped_maps", m, 4 * pg);
	munmap(m, 4 * pg);
}

static void mempolicies(void)
{
	unsigned long node0 = 1, node_big = 1ul << 60;
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *m;
	int mode;

	get_mp("mp_get_initial");
	res("mp_set_default", set_mp(MPOL_DEFAULT, NULL, 0));
	get_mp("mp_get_default");
	res("mp_set_bind0", set_mp(MPOL_BIND, &node0, 64));
	get_mp("mp_get_bind0");
	res("mp_set_interleave0", set_mp(MPOL_INTERLEAVE, &node0, 64));
	get_mp("mp_get_interleave0");
	res("mp_set_preferred0", set_mp(MPOL_PREFERRED, &node0, 64));
	get_mp("mp_get_preferred0");
	res("mp_set_preferred_empty", set_mp(MPOL_PREFERRED, NULL, 0));
	res("mp_set_local", set_mp(MPOL_LOCAL, NULL, 0));
	get_mp("mp_get_local");
	res("mp_set_bind_empty", set_mp(MPOL_BIND, NULL, 0));
	res("mp_set_bind_nonode", set_mp(MPOL_BIND, &node_big, 64));
	res("mp_set_badmode", set_mp(77, &node0, 64));
	res("mp_set_default_mask", set_mp(MPOL_DEFAULT, &node0, 64));
	res("mp_set_badptr", set_mp(MPOL_BIND, (unsigned long *)8, 64));
	res("mp_set_default_again", set_mp(MPOL_DEFAULT, NULL, 0));
	get_mp("mp_get_final");
	mempolicy_more();

	m = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	res("mbind_default", syscall(SYS_mbind, m, 4 * pg, MPOL_DEFAULT,
				     NULL, 0, 0));
	res("mbind_bind0", syscall(SYS_mbind, m, 2 * pg, MPOL_BIND, &node0,
				   64, 0));
	mode = -1;
	res("mbind_get_addr", syscall(SYS_get_mempolicy, &mode, NULL, 0, m,
				      MPOL_F_ADDR));
	val("mbind_get_addr_mode", "%ld", mode);
	mode = -1;
	syscall(SYS_get_mempolicy, &mode, NULL, 0, m + 3 * pg, MPOL_F_ADDR);
	val("mbind_get_addr_other", "%ld", mode);
	res("mbind_strict_move", syscall(SYS_mbind, m, 2 * pg, MPOL_BIND,
					 &node0, 64, MPOL_MF_STRICT | MPOL_MF_MOVE));
	res("mbind_unaligned", syscall(SYS_mbind, m + 1, pg, MPOL_BIND,
				       &node0, 64, 0));
	res("mbind_badflags", syscall(SYS_mbind, m, pg, MPOL_BIND, &node0,
				      64, 0x100));
	res("mbind_badmode", syscall(SYS_mbind, m, pg, 77, &node0, 64, 0));
	res("mbind_nonode", syscall(SYS_mbind, m, pg, MPOL_BIND, &node_big,
				    64, 0));
	res("mbind_unmapped", syscall(SYS_mbind, (void *)0x10000, pg,
				      MPOL_BIND, &node0, 64, 0));
	munmap(m, 4 * pg);
	mbind_vma_life(pg);
}

/* ---- inotify: exec of a watched file, watches through symlinks ---- */

static void ino_link_chains(int in, int wd);
static void ino_proc(int in);

static void ino_events(const char *name, int in)
{
	char buf[4096], out[256];
	size_t off = 0;
	ssize_t n;
	char *p;

	out[0] = 0;
	usleep(50000);
	n = read(in, buf, sizeof(buf));
	for (p = buf; n > 0 && p < buf + n;) {
		struct inotify_event *e = (struct inotify_event *)p;

		off += snprintf(out + off, sizeof(out) - off, "%s%x%s%s",
				off ? "," : "", e->mask & ~IN_ISDIR,
				e->len ? ":" : "", e->len ? e->name : "");
		p += sizeof(*e) + e->len;
		if (off >= sizeof(out))
			break;
	}
	printf("%s %s\n", name, n < 0 ? ename(errno) : out);
	fflush(stdout);
}

static void inotifies(const char *self)
{
	int in = inotify_init1(IN_NONBLOCK);
	pid_t pid;
	int wd, wd2, fd;

	if (in < 0) {
		res("inotify_init", -1);
		return;
	}
	/* a copy of this program, exec'd: the watch sees its open */
	fd = open(self, O_RDONLY);
	{
		int out = open("ino_exe", O_CREAT | O_WRONLY | O_TRUNC, 0755);
		char b[65536];
		ssize_t n;

		while ((n = read(fd, b, sizeof(b))) > 0)
			if (write(out, b, n) != n)
				break;
		close(out);
		close(fd);
	}
	wd = inotify_add_watch(in, "ino_exe", IN_OPEN | IN_ACCESS |
			       IN_CLOSE_NOWRITE | IN_CLOSE_WRITE | IN_ATTRIB);
	res("inotify_watch_exe", wd);
	pid = fork();
	if (pid == 0) {
		execl("./ino_exe", "ino_exe", "-", "none", (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	ino_events("inotify_exec_events", in);
	inotify_rm_watch(in, wd);
	ino_events("inotify_exec_rm", in);

	/* through a symlink to a file, and IN_DONT_FOLLOW on the link */
	close(open("ino_target", O_CREAT | O_WRONLY, 0644));
	symlink("ino_target", "ino_link");
	mkdir("ino_dir", 0755);
	symlink("ino_dir", "ino_dirlink");
	wd = inotify_add_watch(in, "ino_link", IN_MODIFY | IN_ATTRIB);
	res("inotify_watch_link", wd);
	fd = open("ino_target", O_WRONLY);
	if (write(fd, "z", 1) != 1)
		perror("write");
	close(fd);
	ino_events("inotify_link_events", in);
	wd2 = inotify_add_watch(in, "ino_target", IN_MODIFY | IN_ATTRIB);
	val("inotify_link_same_wd", "%ld", wd2 == wd);
	wd2 = inotify_add_watch(in, "ino_link", IN_ATTRIB | IN_DONT_FOLLOW);
	res("inotify_watch_nofollow", wd2);
	val("inotify_nofollow_other_wd", "%ld", wd2 != wd);
	chmod("ino_target", 0600);
	ino_events("inotify_nofollow_target_chmod", in);
	wd2 = inotify_add_watch(in, "ino_dirlink", IN_CREATE | IN_ONLYDIR);
	res("inotify_watch_dirlink_onlydir", wd2);
	close(open("ino_dir/new", O_CREAT | O_WRONLY, 0644));
	ino_events("inotify_dirlink_create", in);
	res("inotify_watch_link_onlydir", inotify_add_watch(in, "ino_link",
							    IN_CREATE | IN_ONLYDIR));
	res("inotify_watch_nofollow_onlydir",
	    inotify_add_watch(in, "ino_dirlink",
			      IN_CREATE | IN_ONLYDIR | IN_DONT_FOLLOW));
	symlink("ino_missing", "ino_dangling");
	res("inotify_watch_dangling", inotify_add_watch(in, "ino_dangling",
							IN_ATTRIB));
	res("inotify_watch_dangling_nofollow",
	    inotify_add_watch(in, "ino_dangling", IN_ATTRIB | IN_DONT_FOLLOW));
	ino_link_chains(in, wd);
	ino_proc(in);
	close(in);
}

/* Watches on /proc and /sys files and directories: whether they are
 * taken (the events of such files are not compared: procfs makes none
 * for changes of their content). */
static void ino_proc(int in)
{
	static const char *const paths[][2] = {
		{ "inotify_proc_status", "/proc/self/status" },
		{ "inotify_proc_meminfo", "/proc/meminfo" },
		{ "inotify_proc_dir", "/proc/self" },
		{ "inotify_proc_fd_dir", "/proc/self/fd" },
		{ "inotify_proc_sysctl", "/proc/sys/kernel/hostname" },
		{ "inotify_proc_self_link", "/proc/self/exe" },
		{ "inotify_sys_online", "/sys/devices/system/cpu/online" },
		{ "inotify_sys_dir", "/sys/devices/system/cpu" },
		{ "inotify_proc_missing", "/proc/self/no-such-file" },
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		res(paths[i][0], inotify_add_watch(in, paths[i][1], IN_MODIFY));
	res("inotify_proc_status_onlydir",
	    inotify_add_watch(in, "/proc/self/status", IN_MODIFY | IN_ONLYDIR));
	res("inotify_proc_self_nofollow",
	    inotify_add_watch(in, "/proc/self", IN_MODIFY | IN_DONT_FOLLOW));
	{
		char path[64];
		int a = inotify_add_watch(in, "/proc/self/status", IN_MODIFY);
		int b;

		snprintf(path, sizeof(path), "/proc/%d/status", (int)getpid());
		b = inotify_add_watch(in, path, IN_ATTRIB);
		val("inotify_proc_same_wd", "%ld", a >= 0 && a == b);
		b = inotify_add_watch(in, "/proc/meminfo", IN_ATTRIB);
		val("inotify_proc_other_wd", "%ld", a >= 0 && b >= 0 && a != b);
	}
}

/* Chains of links to the file watched as wd: relative to a link's own
 * directory, absolute, a loop. */
static void ino_link_chains(int in, int wd)
{
	char cwd[PATH_MAX], abs[PATH_MAX + 16];

	mkdir("ino_sub", 0755);
	symlink("../ino_target", "ino_sub/l2");
	symlink("ino_sub/l2", "ino_chain");
	val("inotify_chain_same_wd", "%ld",
	    inotify_add_watch(in, "ino_chain", IN_MODIFY | IN_ATTRIB) == wd);
	chmod("ino_target", 0640);
	ino_events("inotify_chain_events", in);
	if (getcwd(cwd, sizeof(cwd)) != NULL) {
		snprintf(abs, sizeof(abs), "%s/ino_sub/l2", cwd);
		symlink(abs, "ino_abs");
	}
	val("inotify_abs_same_wd", "%ld",
	    inotify_add_watch(in, "ino_abs", IN_MODIFY | IN_ATTRIB) == wd);
	symlink("ino_loop", "ino_loop");
	res("inotify_watch_loop", inotify_add_watch(in, "ino_loop", IN_ATTRIB));
	symlink("ino_target/x", "ino_notdir");
	res("inotify_watch_notdir", inotify_add_watch(in, "ino_notdir",
						      IN_ATTRIB));
}

/* ---- TIOCSCTTY with force ---- */

static int open_pty(int *slave)
{
	char *name;
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0)
		return -1;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || (name = ptsname(m)) == NULL) {
		close(m);
		return -1;
	}
	*slave = open(name, O_RDWR | O_NOCTTY);
	if (*slave < 0) {
		close(m);
		return -1;
	}
	return m;
}

static void ttys(void)
{
	int m, s, p[2];
	pid_t holder, stealer;
	char c;
	int st;

	m = open_pty(&s);
	res("tty_openpt", m);
	if (m < 0)
		return;
	if (pipe(p) < 0)
		return;
	fflush(stdout);
	holder = fork();
	if (holder == 0) {
		setsid();
		if (ioctl(s, TIOCSCTTY, 0) < 0) {
			printf("tty_holder_sctty %s\n", ename(errno));
			fflush(stdout);
			_exit(1);
		}
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1) {
		printf("tty_holder fail\n");
		waitpid(holder, NULL, 0);
		return;
	}
	stealer = fork();
	if (stealer == 0) {
		pid_t sid;

		setsid();
		res("tty_steal_noforce", ioctl(s, TIOCSCTTY, 0));
		res("tty_steal_force", ioctl(s, TIOCSCTTY, 1));
		sid = -1;
		res("tty_getsid_after", ioctl(s, TIOCGSID, &sid));
		val("tty_sid_is_stealer", "%ld", sid == getpid());
		res("tty_sctty_again", ioctl(s, TIOCSCTTY, 0));
		fflush(stdout);
		_exit(0);
	}
	waitpid(stealer, &st, 0);
	{
		pid_t sid = -1;

		res("tty_getsid_parent", ioctl(m, TIOCGSID, &sid));
		val("tty_sid_is_holder", "%ld", sid == holder);
	}
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	/* a non-root cannot steal, even with force */
	fflush(stdout);
	holder = fork();
	if (holder == 0) {
		setsid();
		ioctl(s, TIOCSCTTY, 0);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1)
		c = 0;
	stealer = fork();
	if (stealer == 0) {
		setsid();
		drop_cap(CAP_SYS_ADMIN);
		res("tty_steal_force_nocap", ioctl(s, TIOCSCTTY, 1));
		fflush(stdout);
		_exit(0);
	}
	waitpid(stealer, &st, 0);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	close(s);
	close(m);
}

/* mqhold NAME: makes queue NAME, prints "held", waits for stdin's EOF
 * (or 60 s), removes it. mqprobe NAME: "probe ok" if NAME opens, else
 * "probe ERRNO". For the per-IPC-namespace check of fs_ipc.sh. */
static int mq_hold(const char *name)
{
	struct mq_attr at = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	mqd_t q;

	mq_unlink(name);
	q = mq_open(name, O_CREAT | O_RDWR, 0600, &at);
	if (q < 0) {
		printf("hold %s\n", ename(errno));
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	sleep(60);
	mq_unlink(name);
	return 0;
}

static int mq_probe(const char *name)
{
	mqd_t q = mq_open(name, O_RDONLY);

	printf("probe %s\n", q < 0 ? ename(errno) : "ok");
	return 0;
}

static int want(int argc, char **argv, const char *sec)
{
	int i;

	if (argc <= 2)
		return 1;
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], sec) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	char qname[40];

	if (argc >= 3 && strcmp(argv[1], "-") == 0)
		return 0;	/* exec'd by the inotify case */
	if (argc == 3 && strcmp(argv[1], "mqhold") == 0)
		return mq_hold(argv[2]);
	if (argc == 3 && strcmp(argv[1], "mqprobe") == 0)
		return mq_probe(argv[2]);
	if (argc < 2 || chdir(argv[1]) < 0) {
		fprintf(stderr, "usage: %s WORKDIR [SECTION...]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(qname, sizeof(qname), "/cvisor-conform-%d", (int)getpid());
	if (want(argc, argv, "acl"))
		acls();
	if (want(argc, argv, "fifo"))
		fifos();
	if (want(argc, argv, "mknod"))
		mknods();
	if (want(argc, argv, "owner"))
		owners();
	if (want(argc, argv, "lock"))
		locks();
	if (want(argc, argv, "mq"))
		mqs(qname);
	if (want(argc, argv, "mempolicy"))
		mempolicies();
	if (want(argc, argv, "inotify"))
		inotifies("/proc/self/exe");
	if (want(argc, argv, "tty"))
		ttys();
	printf("done 0\n");
	return 0;
}
