// SPDX-License-Identifier: Apache-2.0
/*
 * What virtual objects are made of on the host:
 *
 *  - directories live in a private tmpfs (a detached mount made with
 *    fsopen/fsmount before the sentry confines itself), laid out like the
 *    virtual trees: /proc/12/fd is "proc/12/fd" in it. Each open
 *    re-synchronises the directory's entries (names and types only: every
 *    path call on them comes back to the sentry), so getdents64 on the fd
 *    lists what the sentry would answer. A detached mount's d_path is the
 *    path from its root, which tells a mirror fd's virtual path back.
 *  - files are written into the same tmpfs, opened read-only and
 *    unlinked, so the workload gets an O_RDONLY file nobody else can
 *    reach (a sealed memfd if there is no tmpfs).
 *
 * Also kept from before confinement: a procfs instance of the sandbox's
 * own pid namespace (mounted with the "pidns" option: it lists the
 * sandbox's processes only, never the host's) and the sandbox's cgroup
 * directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "sentry/synth.h"
#include "sentry/synth_cgroup.h"
#include "sentry/task.h"

static int mirror_fd = -1;
static dev_t mirror_dev;
static int proc_fd = -1;
static int proc_rw_fd = -1;	/* the same, writable (open_direct only) */
static bool inited;
static uint64_t boot_ns;
static uint64_t boot_ticks;	/* the same instant, CLOCK_BOOTTIME in USER_HZ */
static int cpus = 1;
static struct vtree_config config;

/* ---- vbuf, dirlist ----------------------------------------------------- */

void vbuf_put(struct vbuf *b, const void *data, size_t len)
{
	if (b->err)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t cap = (b->len + len + 1) * 2;
		char *p = realloc(b->data, cap);

		if (p == NULL) {
			b->err = -ENOMEM;
			return;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void vbuf_printf(struct vbuf *b, const char *fmt, ...)
{
	char small[512];
	cleanup_free char *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = b->err ? b->err : -EINVAL;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		vbuf_put(b, small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&big, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = b->err ? b->err : -ENOMEM;
		return;
	}
	vbuf_put(b, big, (size_t)n);
}

void vbuf_free(struct vbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int vtree_dirlist_add(struct vtree_dirlist *l, const char *name,
		    enum vnode_type type)
{
	if (strlen(name) >= sizeof(l->v[0].name))
		return -ENAMETOOLONG;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct vtree_dirent *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	strcpy(l->v[l->n].name, name);
	l->v[l->n].type = type;
	l->n++;
	return 0;
}

int vtree_dirlist_add_host(struct vtree_dirlist *l, int fd, unsigned how)
{
	struct dirent *e;
	DIR *d;
	int ret = 0;

	if (fd < 0)
		return -EBADF;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (ret == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    strlen(e->d_name) >= sizeof(l->v[0].name))
			continue;
		if (how & VTREE_HOST_FDS) {
			if (vtree_parse_num(e->d_name) >= 0)
				ret = vtree_dirlist_add(l, e->d_name, VN_LINK);
			continue;
		}
		ret = vtree_dirlist_add(l, e->d_name,
				      e->d_type == DT_DIR ? VN_DIR : VN_FILE);
	}
	closedir(d);
	return ret;
}

static void lazy_init(void);

/* ---- set-up ------------------------------------------------------------ */

static int make_mirror(void)
{
	cleanup_close int fs = -1;
	struct stat st;
	int m;

	fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", "0755",
		    0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "64m", 0) <
		    0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				 MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return -errno;
	if (fstat(m, &st) < 0) {
		close(m);
		return -errno;
	}
	mirror_dev = st.st_dev;
	mirror_fd = m;
	return 0;
}

/* The cgroup v2 directory the sentry (thus the sandbox) is in. */
/* The CPUs the sandbox may use (its affinity), read once: the confined
 * sentry may not call sched_getaffinity. */
static int count_cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}

int vtree_ncpus(void)
{
	lazy_init();
	return cpus;
}

/* The pid namespace of host pid, as an fd; -errno. */
static int pidns_fd(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The sentry's child in another pid namespace (the gofer shares the
 * sentry's): the workload init, when vtree_init was not told. */
static pid_t find_init(void)
{
	cleanup_free char *text = NULL;
	char path[64], *p, *end;
	struct stat own, st;
	size_t len;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", getpid());
	if (cv_read_file(path, &text, &len, NULL) < 0 ||
	    stat("/proc/self/ns/pid", &own) < 0)
		return 0;
	for (p = text; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
		if (pid > 0 && stat(path, &st) == 0 && st.st_ino != own.st_ino)
			return (pid_t)pid;
	}
	return 0;
}

/*
 * A procfs of the sandbox's pid namespace: the namespace of init_pid,
 * which must not be the sentry's own (a sandbox sharing the host's pid
 * namespace gets no procfs at all: the host's processes are never
 * reachable). -errno if the kernel has no "pidns" option for proc.
 * Read-only, unless writable: the second instance the sentry keeps only
 * to open a process's few writable files for a task that may write them
 * (vtree_host_proc_rw_fd).
 */
static int sandbox_procfs(pid_t init_pid, bool writable)
{
	if (init_pid <= 0)
		init_pid = find_init();
	if (init_pid <= 0)
		return -ESRCH;
	return vtree_procfs_mount(init_pid, VTREE_PROCFS_SUBSET_PID |
				  (writable ? VTREE_PROCFS_WRITABLE : 0));
}

int vtree_procfs_mount(pid_t pid, unsigned how)
{
	cleanup_close int ns = -1, own = -1, fs = -1;
	struct stat a, b;
	int m;

	ns = pidns_fd(pid);
	own = pidns_fd(getpid());
	if (ns < 0 || own < 0)
		return ns < 0 ? ns : own;
	if (fstat(ns, &a) < 0 || fstat(own, &b) < 0)
		return -errno;
	if (a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		return -EPERM;
	fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "pidns", NULL, ns) < 0)
		return -errno;
	if ((how & VTREE_PROCFS_SUBSET_PID) &&
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "subset", "pid",
		    0) < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				 MOUNT_ATTR_NOEXEC |
				 ((how & VTREE_PROCFS_WRITABLE) ?
					  0 : MOUNT_ATTR_RDONLY));
	return m < 0 ? -errno : m;
}

static const char *dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* A deep copy: the caller's config need not outlive vtree_init(). */
static void copy_config(const struct vtree_config *cfg)
{
	struct vtree_mount_info *m = NULL;

	config = *cfg;
	config.hostname = dup_or_null(cfg->hostname);
	config.masked_dir_data = dup_or_null(cfg->masked_dir_data);
	config.mounts = NULL;
	config.n_mounts = 0;
	config.masked = config.readonly = NULL;	/* kept by synth_mask.c */
	config.n_masked = config.n_readonly = 0;
	if (cfg->n_mounts == 0)
		return;
	m = calloc(cfg->n_mounts, sizeof(*m));
	if (m == NULL)
		return;
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct vtree_mount_info *src = &cfg->mounts[i];

		m[i].source = dup_or_null(src->source);
		m[i].destination = dup_or_null(src->destination);
		m[i].type = dup_or_null(src->type);
		m[i].options = dup_or_null(src->options);
		m[i].flags = src->flags;
		m[i].propagation = src->propagation;
		if (m[i].destination == NULL)
			m[i].destination = "/";
	}
	config.mounts = m;
	config.n_mounts = cfg->n_mounts;
}

/*
 * The sandbox's boot instant, on a whole USER_HZ tick of CLOCK_BOOTTIME (the
 * clock /proc/<pid>/stat counts start times on) and the same instant on
 * CLOCK_MONOTONIC (the one uptime is measured on). Aligning it to a tick
 * makes the two views agree as the kernel's do: a process's start, in
 * ticks since boot, is never later than the uptime read after it. The two
 * clocks are read back to back; a read preempted in between is retried.
 */
static void boot_mark(void)
{
	const uint64_t tick_ns = 1000000000ull / 100;
	struct timespec bt;
	uint64_t mono, after, boot;

	for (int tries = 0;; tries++) {
		mono = cv_now_ns();
		clock_gettime(CLOCK_BOOTTIME, &bt);
		after = cv_now_ns();
		if (after - mono < 100000 || tries == 8)
			break;
	}
	boot = (uint64_t)bt.tv_sec * 1000000000ull + (uint64_t)bt.tv_nsec;
	boot_ticks = boot / tick_ns;
	boot_ns = mono - boot % tick_ns;
}

/* Field 22 of a stat line (start time, ticks since the host's boot), or
 * 0 if it cannot be read. */
static uint64_t stat_start(const char *line)
{
	const char *p = strrchr(line, ')');
	unsigned long long start = 0;

	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime priority nice threads itrealvalue
	 * starttime: fields 3..22 */
	if (p == NULL || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u "
				"%*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
				&start) != 1)
		return 0;
	return start;
}

/* Whether host pid init is not pid 1 of its own pid namespace: the
 * sandbox joined one whose init is another's (a pod's pause). */
static bool joined_pidns(pid_t init)
{
	cleanup_free char *text = NULL;
	char path[64], *p, *last = NULL;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)init);
	if (init <= 0 || cv_read_file(path, &text, &len, NULL) < 0 ||
	    (p = strstr(text, "\nNSpid:")) == NULL)
		return false;
	for (p += 7; *p && *p != '\n'; p++)
		if (*p != ' ' && *p != '\t' && (p[-1] == ' ' || p[-1] == '\t'))
			last = p;
	return last != NULL && strtol(last, NULL, 10) != 1;
}

/*
 * A sandbox that joined another's pid namespace (a pod) boots when that
 * namespace's init (the pause) started, if that was earlier: uptime, the
 * start times in /proc/<pid>/stat and the files' times all count from it,
 * so every process of the namespace, the pause too, shows how long it has
 * run, as Linux shows them (counted from the host's boot there).
 */
static void pod_boot(pid_t init)
{
	const uint64_t tick_ns = 1000000000ull / 100;
	struct vbuf b = { 0 };
	char chunk[1024];
	uint64_t start = 0;
	int fd;
	ssize_t n;

	if (proc_fd < 0 || !joined_pidns(init > 0 ? init : find_init()))
		return;
	fd = openat(proc_fd, "1/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		vbuf_put(&b, chunk, (size_t)n);
	close(fd);
	vbuf_put(&b, "", 1);
	if (b.err == 0 && b.data != NULL)
		start = stat_start(b.data);
	vbuf_free(&b);
	if (start == 0 || start >= boot_ticks ||
	    (boot_ticks - start) * tick_ns >= boot_ns)
		return;
	boot_ns -= (boot_ticks - start) * tick_ns;
	boot_ticks = start;
}

int vtree_init(const struct vtree_config *cfg)
{
	int ret;

	if (inited)
		return 0;
	inited = true;
	boot_mark();
	cpus = count_cpus();
	if (cfg != NULL) {
		copy_config(cfg);
		vmask_init(cfg->masked, cfg->n_masked, cfg->readonly,
			   cfg->n_readonly);
	}
	ret = make_mirror();
	if (ret < 0)
		log_warn("virtual trees: no private tmpfs for /proc "
			 "directories: %s", strerror(-ret));
	proc_fd = sandbox_procfs(cfg != NULL ? cfg->init_pid : 0, false);
	if (proc_fd < 0) {
		if (proc_fd != -ESRCH)
			log_warn("virtual trees: no procfs of the sandbox's "
				 "pid namespace: %s", strerror(-proc_fd));
		proc_fd = -1;
	} else {
		proc_rw_fd = sandbox_procfs(cfg != NULL ? cfg->init_pid : 0,
					    true);
		pod_boot(cfg != NULL ? cfg->init_pid : 0);
	}
	vcg_init();
	procfs_sysctl_init();
	procfs_net_init(cfg != NULL ? cfg->gofer_pid : 0);
	vsys_init();
	return ret;
}

static void lazy_init(void)
{
	/* A failure is logged there; without the mirror the callers fall
	 * back (memfd files) or answer -ENOENT. */
	if (!inited)
		(void)vtree_init(NULL);
}

bool vtree_ready(void)
{
	return inited;
}

int vtree_host_proc_fd(void)
{
	lazy_init();
	return proc_fd >= 0 ? proc_fd : -ENOENT;
}

int vtree_host_proc_rw_fd(void)
{
	lazy_init();
	return proc_rw_fd >= 0 ? proc_rw_fd : -EROFS;
}


const struct vtree_config *vtree_cfg(void)
{
	lazy_init();
	return &config;
}

uint64_t vtree_boot_ticks(void)
{
	lazy_init();
	return boot_ticks;
}

uint64_t vtree_boot_ns(void)
{
	lazy_init();
	return boot_ns;
}

/* ---- directories -------------------------------------------------------- */

/* Mirror directories handed out, by inode, to tell their path back. */
struct mirror_dir {
	ino_t ino;
	char *path;
	char *snap;	/* an ordered snapshot's place in the mirror, else
			 * NULL (the directory is at path) */
	int *nums;	/* a snapshot's numeric names (pids), ascending */
	size_t nnums;
};

static struct mirror_dir *dirs;
static size_t ndirs, capdirs;

/* Where directory i is in the mirror ("" for the root). */
static const char *dir_place(size_t i)
{
	const char *p = dirs[i].snap != NULL ? dirs[i].snap : dirs[i].path;

	return p[1] ? p + 1 : ".";
}

static void forget_dir(size_t i)
{
	free(dirs[i].path);
	free(dirs[i].snap);
	free(dirs[i].nums);
	dirs[i].nums = NULL;
	dirs[i].nnums = 0;
}

/* Forgets directories that are gone (a /proc/<pid> of an exited
 * process), so the table follows the live trees. */
static void prune_dirs(void)
{
	size_t kept = 0;

	for (size_t i = 0; i < ndirs; i++) {
		struct stat st;

		if (fstatat(mirror_fd, dir_place(i), &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == dirs[i].ino) {
			dirs[kept++] = dirs[i];
			continue;
		}
		forget_dir(i);
	}
	ndirs = kept;
}

/* Remembers fd as virtual directory path, found in the mirror at snap
 * (an ordered snapshot) or at path itself (snap NULL): 0, or -ENOMEM
 * (a directory not remembered could not be told back). */
static int remember_dir(int fd, const char *path, const char *snap)
{
	struct stat st;
	size_t i;

	if (fstat(fd, &st) < 0)
		return -errno;
	for (i = 0; i < ndirs && dirs[i].ino != st.st_ino; i++)
		;
	if (i < ndirs && snap == NULL && dirs[i].snap == NULL &&
	    strcmp(dirs[i].path, path) == 0)
		return 0;
	if (i == ndirs && ndirs == capdirs)
		prune_dirs();
	if (i == ndirs && ndirs == capdirs) {
		size_t cap = capdirs ? capdirs * 2 : 64;
		struct mirror_dir *v = realloc(dirs, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		dirs = v;
		capdirs = cap;
	}
	if (i < ndirs)
		forget_dir(i);
	else
		i = ndirs++;
	dirs[i].ino = st.st_ino;
	dirs[i].path = strdup(path);
	dirs[i].snap = snap != NULL ? strdup(snap) : NULL;
	dirs[i].nums = NULL;
	dirs[i].nnums = 0;
	if (dirs[i].path == NULL || (snap != NULL && dirs[i].snap == NULL)) {
		forget_dir(i);
		dirs[i] = dirs[--ndirs];
		return -ENOMEM;
	}
	return 0;
}

bool vtree_maybe_mirror(const struct stat *st)
{
	return mirror_fd >= 0 && st->st_dev == mirror_dev &&
	       S_ISDIR(st->st_mode);
}

int vtree_fd_path(int fd, char *buf, size_t len)
{
	struct stat st, now;

	if (mirror_fd < 0 || fstat(fd, &st) < 0 || st.st_dev != mirror_dev ||
	    !S_ISDIR(st.st_mode))
		return -ENOENT;
	for (size_t i = 0; i < ndirs; i++) {
		const char *p = dirs[i].path;

		if (dirs[i].ino != st.st_ino)
			continue;
		/* still that directory (not removed and reused) */
		if (fstatat(mirror_fd, dir_place(i), &now,
			    AT_SYMLINK_NOFOLLOW) < 0 || now.st_ino != st.st_ino)
			return -ENOENT;
		if (strlen(p) >= len)
			return -ENAMETOOLONG;
		strcpy(buf, p);
		return 0;
	}
	return -ENOENT;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char save = *p;

		*p = '\0';
		if (mkdirat(mirror_fd, buf + 1, 0755) < 0 && errno != EEXIST)
			return -errno;
		/* writable for the next level: a failure shows there */
		(void)fchmodat(mirror_fd, buf + 1, 0755, 0);
		if (save == '\0')
			return 0;
		*p = save;
	}
}

static bool wanted(const struct vtree_dirlist *l, const char *name,
		   unsigned char dtype)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].name, name) != 0)
			continue;
		switch (l->v[i].type) {
		case VN_DIR:
			return dtype == DT_DIR;
		case VN_LINK:
			return dtype == DT_LNK;
		default:
			return dtype == DT_REG;
		}
	}
	return false;
}

/* Our own directory name below parent (on our tmpfs), opened to empty
 * it: made writable (a failure shows in the unlinks). NULL with errno
 * set (ENOMEM when only the stream failed). */
static DIR *open_own_dir(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				     O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	(void)fchmod(fd, 0755);
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		errno = ENOMEM;
	}
	return d;
}

/* 0, or -errno: an entry left would be listed though it is gone. */
static int remove_tree(int parent, const char *name)
{
	DIR *d = open_own_dir(parent, name);
	struct dirent *e;
	int ret = 0;

	if (d == NULL && errno == ENOMEM)
		return -ENOMEM;
	if (d == NULL)
		return unlinkat(parent, name, 0) < 0 ? -errno : 0;
	while (ret == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			ret = remove_tree(dirfd(d), e->d_name);
	}
	closedir(d);
	if (ret == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0)
		ret = -errno;
	return ret;
}

/* The ordered snapshots' directory in the mirror's root (below); no
 * virtual directory lists this name. */
#define SNAP_DIR ".snap"

static int remove_stale(int dfd, const struct vtree_dirlist *l)
{
	/* a new open file: a dup would share (and move) dfd's offset */
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;
	int ret = 0;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (ret == 0 && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, SNAP_DIR))
			continue;
		if (!wanted(l, e->d_name, e->d_type))
			ret = remove_tree(dfd, e->d_name);
	}
	closedir(d);
	return ret;
}

/* Creates entry e in dfd: 0, or -errno (EEXIST: an entry of an earlier
 * listing). */
static int add_entry(int dfd, const struct vtree_dirent *e)
{
	int fd;

	switch (e->type) {
	case VN_DIR:
		fd = mkdirat(dfd, e->name, 0555);
		break;
	case VN_LINK:
		fd = symlinkat(".", dfd, e->name);
		break;
	default:
		fd = openat(dfd, e->name, O_CREAT | O_EXCL | O_WRONLY |
					      O_CLOEXEC, 0444);
		if (fd >= 0)
			close(fd);
		break;
	}
	return fd < 0 ? -errno : 0;
}

/* 0, or -errno (ENOSPC, ENOMEM): an entry missing would not be listed.
 * EEXIST is an entry of an earlier listing, of the right type (kept by
 * remove_stale). */
static int add_missing(int dfd, const struct vtree_dirlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		int ret = add_entry(dfd, &l->v[i]);

		if (ret < 0 && ret != -EEXIST)
			return ret;
	}
	return 0;
}

int vmirror_dir_open(const char *path, const struct vtree_dirlist *l,
		     int flags, int *fd_out)
{
	cleanup_close int dfd = -1;
	int ret, fd;

	lazy_init();
	if (mirror_fd < 0)
		return -ENOENT;
	ret = mkdir_p(path);
	if (ret < 0)
		return ret;
	dfd = openat(mirror_fd, path[1] ? path + 1 : ".",
		     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	ret = remove_stale(dfd, l);
	if (ret == 0)
		ret = add_missing(dfd, l);
	if (ret < 0)
		return ret;
	/* our own directory on our tmpfs: only EIO could fail it */
	(void)fchmod(dfd, 0555);
	/* not remembered: paths from it fail, an open is refused first */
	ret = remember_dir(dfd, path, NULL);
	if (ret < 0)
		return ret;
	if (flags & O_PATH) {
		fd = openat(dfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		*fd_out = fd;
		return 0;
	}
	*fd_out = steal_fd(dfd);
	return 0;
}

/* ---- ordered snapshots ----------------------------------------------------- */

/*
 * tmpfs lists a directory newest entry first, and an entry keeps its place
 * while it lives: a shared mirror directory cannot list /proc as Linux does
 * (pids ascending) once a process is born after a smaller pid still
 * listed. A directory whose order matters is handed out instead as a
 * snapshot made for that open, SNAP_DIR/N, its entries created last to
 * first; getdents, telldir and seekdir on the fd run in the kernel over
 * entries that no longer change. The snapshot is remembered as the virtual
 * directory, so calls relative to the fd resolve as before. Once there are
 * more than snap_limit snapshots, those no fd of the sandbox refers to any
 * more are removed.
 */
#define SNAP_KEEP 32
/* A task whose fds the sentry may not list (another uid's fd/ is 0500 and
 * the sentry has no DAC override) may hold any snapshot: those of the
 * last SNAP_HARD opens are kept for it, older ones removed. */
#define SNAP_HARD 256

static unsigned long snap_seq;
static size_t snap_limit = SNAP_KEEP;

struct snap_refs {
	ino_t *v;
	size_t n, cap;
	int pfd;		/* the sandbox's procfs */
	bool failed;		/* a table not known whole: remove nothing */
};

static void refs_add(struct snap_refs *r, const struct stat *st)
{
	if (st->st_dev != mirror_dev || !S_ISDIR(st->st_mode))
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		ino_t *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL) {
			r->failed = true;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = st->st_ino;
}

/* The mirror directories task t's fds, cwd and root (sentry-side) refer
 * to. A task gone meanwhile holds none; one whose fds cannot be read
 * marks the scan failed (the others' are still noted). */
static int refs_visit(struct task *t, void *arg)
{
	struct snap_refs *r = arg;
	struct dirent *e;
	struct stat st;
	char path[32];
	DIR *d;
	int fd;

	if (t->fs != NULL && fstat(t->fs->cwd_fd, &st) == 0)
		refs_add(r, &st);
	if (t->fs != NULL && t->fs->root_fd >= 0 &&
	    fstat(t->fs->root_fd, &st) == 0)
		refs_add(r, &st);
	/* the sandbox's procfs: its pid namespace's numbers */
	snprintf(path, sizeof(path), "%d/fd", (int)t->tid);
	fd = openat(r->pfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r->failed = r->failed || errno != ENOENT;
		return 0;
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		r->failed = true;
		return 0;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' &&
		    fstatat(dirfd(d), e->d_name, &st, 0) == 0)
			refs_add(r, &st);
	closedir(d);
	return 0;
}

/* Removes snapshot snap ("/.snap/N"): its entries are empty directories,
 * links and files, one level. 0, or -errno. */
static int snap_remove(const char *snap)
{
	DIR *d = open_own_dir(mirror_fd, snap + 1);
	struct dirent *e;
	int ret = 0;

	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	while (ret == 0 && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name,
			     e->d_type == DT_DIR ? AT_REMOVEDIR : 0) < 0)
			ret = -errno;
	}
	closedir(d);
	if (ret == 0 && unlinkat(mirror_fd, snap + 1, AT_REMOVEDIR) < 0)
		ret = -errno;
	return ret;
}

/*
 * The latest snapshot of a few directories and what it lists: an open
 * that would list the same gets another fd of it (its entries never move;
 * a reaped process leaves every snapshot of /proc at once, which drops
 * the entry here too). Saves making and removing one per open of an
 * unchanged /proc (ps, top).
 */
#define SNAP_LAST 8
static struct {
	char *path;		/* the virtual directory; NULL: unused */
	char *snap;
	struct vtree_dirlist l;
} last[SNAP_LAST];
static unsigned last_next;

static void last_drop(int i)
{
	free(last[i].path);
	free(last[i].snap);
	free(last[i].l.v);
	memset(&last[i], 0, sizeof(last[i]));
}

/* Forgets the latest snapshot of path (or, path NULL, snapshot snap). */
static void last_forget(const char *path, const char *snap)
{
	for (int i = 0; i < SNAP_LAST; i++)
		if (last[i].path != NULL &&
		    (path != NULL ? strcmp(last[i].path, path) == 0
				  : strcmp(last[i].snap, snap) == 0))
			last_drop(i);
}

static bool same_list(const struct vtree_dirlist *a,
		      const struct vtree_dirlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].type != b->v[i].type ||
		    strcmp(a->v[i].name, b->v[i].name) != 0)
			return false;
	return true;
}

/* Another fd of path's latest snapshot if it lists l: the fd, or -1. */
static int last_reuse(const char *path, const struct vtree_dirlist *l)
{
	for (int i = 0; i < SNAP_LAST; i++) {
		int fd;

		if (last[i].path == NULL || strcmp(last[i].path, path) != 0)
			continue;
		if (!same_list(&last[i].l, l))
			return -1;
		fd = openat(mirror_fd, last[i].snap + 1,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			last_drop(i);
		return fd;
	}
	return -1;
}

static void last_keep(const char *path, const char *snap,
		      const struct vtree_dirlist *l)
{
	int i = (int)(last_next++ % SNAP_LAST);

	last_forget(path, NULL);
	last_drop(i);
	last[i].path = strdup(path);
	last[i].snap = strdup(snap);
	last[i].l.v = malloc((l->n ? l->n : 1) * sizeof(*l->v));
	if (last[i].path == NULL || last[i].snap == NULL ||
	    last[i].l.v == NULL) {
		last_drop(i);	/* a cache: the next open makes its own */
		return;
	}
	memcpy(last[i].l.v, l->v, l->n * sizeof(*l->v));
	last[i].l.n = last[i].l.cap = l->n;
}

static bool referenced(const struct snap_refs *r, ino_t ino)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i] == ino)
			return true;
	return false;
}

/* Removes the snapshots no fd refers to, once there are more than
 * snap_limit: a directory still listed by nobody. */
/* Whether snapshot i may go: no fd seen refers to it, and the scan saw
 * every task's fds, or it is older than the last SNAP_HARD made. */
static bool snap_unused(const struct snap_refs *r, size_t i)
{
	unsigned long seq = strtoul(dirs[i].snap + sizeof(SNAP_DIR) + 1,
				    NULL, 10);

	if (referenced(r, dirs[i].ino))
		return false;
	return !r->failed || seq + SNAP_HARD < snap_seq;
}

static void snap_gc(struct sc_call *c)
{
	struct snap_refs r = { .pfd = vtree_host_proc_fd() };
	size_t n = 0, kept = 0;

	for (size_t i = 0; i < ndirs; i++)
		n += dirs[i].snap != NULL;
	if (n <= snap_limit || r.pfd < 0)
		return;
	/* refs_visit returns 0: every task is looked at */
	(void)task_for_each(c->t->sentry, refs_visit, &r);
	n = 0;
	for (size_t i = 0; i < ndirs; i++) {
		if (dirs[i].snap != NULL && snap_unused(&r, i) &&
		    snap_remove(dirs[i].snap) == 0) {
			last_forget(NULL, dirs[i].snap);
			forget_dir(i);
			continue;
		}
		n += dirs[i].snap != NULL;
		dirs[kept++] = dirs[i];
	}
	ndirs = kept;
	free(r.v);
	snap_limit = n * 2 > SNAP_KEEP ? n * 2 : SNAP_KEEP;
}

static int snap_make(const struct vtree_dirlist *l, const char *snap,
		     int *fd_out)
{
	cleanup_close int dfd = -1;
	int ret;

	if (mkdirat(mirror_fd, SNAP_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (mkdirat(mirror_fd, snap + 1, 0755) < 0)
		return -errno;
	dfd = openat(mirror_fd, snap + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	/* tmpfs lists the newest first */
	for (size_t i = l->n; i-- > 0;) {
		ret = add_entry(dfd, &l->v[i]);
		if (ret < 0)
			return ret;
	}
	/* our own directory on our tmpfs: only EIO could fail it */
	(void)fchmod(dfd, 0555);
	*fd_out = steal_fd(dfd);
	return 0;
}

/* Whether snapshot d may list name: a number it was made with (most
 * snapshots never listed a process that exits: no lookup at all), or a
 * name that is not a number. */
static bool snap_has(const struct mirror_dir *d, const char *name)
{
	int v = vtree_parse_num(name);
	size_t lo = 0, hi = d->nnums;

	if (v < 0 || d->nums == NULL)
		return true;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (d->nums[mid] == v)
			return true;
		if (d->nums[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Notes the numeric names of l (ascending in an ordered listing) for
 * snapshot i; without them every name is looked up. */
static void snap_note_nums(size_t i, const struct vtree_dirlist *l)
{
	size_t n = 0;
	int *v = malloc((l->n ? l->n : 1) * sizeof(*v));

	if (v == NULL)
		return;
	for (size_t k = 0; k < l->n; k++) {
		int num = vtree_parse_num(l->v[k].name);

		if (num < 0)
			continue;
		if (n > 0 && num <= v[n - 1]) {	/* not ascending */
			free(v);
			return;
		}
		v[n++] = num;
	}
	dirs[i].nums = v;
	dirs[i].nnums = n;
}

void vmirror_snap_forget(const char *path, const char *name)
{
	last_forget(path, NULL);
	for (size_t i = 0; i < ndirs; i++) {
		cleanup_close int fd = -1;
		char entry[96];
		struct stat st;

		if (dirs[i].snap == NULL || strcmp(dirs[i].path, path) != 0 ||
		    !snap_has(&dirs[i], name))
			continue;
		snprintf(entry, sizeof(entry), "%s/%s", dirs[i].snap + 1, name);
		if (fstatat(mirror_fd, entry, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		fd = openat(mirror_fd, dirs[i].snap + 1,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* our own directories: an entry left is listed, no more */
		(void)fchmod(fd, 0755);
		(void)unlinkat(fd, name, AT_REMOVEDIR);
		(void)fchmod(fd, 0555);
	}
}

int vmirror_dir_open_ordered(struct sc_call *c, const char *path,
			     const struct vtree_dirlist *l, int flags,
			     int *fd_out)
{
	char snap[64];
	int ret, fd = -1;

	/* the directory itself: its children's parent, an O_PATH fd */
	ret = vmirror_dir_open(path, l, flags | O_PATH, &fd);
	if (ret < 0)
		return ret;
	if (flags & O_PATH) {
		*fd_out = fd;
		return 0;
	}
	close(fd);
	fd = last_reuse(path, l);
	if (fd >= 0) {
		*fd_out = fd;
		return 0;
	}
	snap_gc(c);
	snprintf(snap, sizeof(snap), "/" SNAP_DIR "/%lu", snap_seq++);
	ret = snap_make(l, snap, &fd);
	if (ret == 0 && (ret = remember_dir(fd, path, snap)) < 0)
		close(fd);
	for (size_t i = 0; ret == 0 && i < ndirs; i++)
		if (dirs[i].snap != NULL && strcmp(dirs[i].snap, snap) == 0)
			snap_note_nums(i, l);
	if (ret < 0) {
		/* a snapshot nobody holds: removed whole or at the next gc */
		(void)snap_remove(snap);
		return ret;
	}
	last_keep(path, snap, l);
	*fd_out = fd;
	return 0;
}

/* ---- files --------------------------------------------------------------- */

static int write_all(int fd, const struct vbuf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);

		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* The content in a sealed memfd (no tmpfs): read-write fd, but every
 * write fails. */
static int memfd_file(const struct vbuf *b, int *fd_out)
{
	cleanup_close int fd = -1;

	fd = memfd_create("cvisor-vfs", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (write_all(fd, b) < 0)
		return -errno;
	(void)fchmod(fd, 0444);	/* our own memfd: cannot fail */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW |
					   F_SEAL_SHRINK | F_SEAL_SEAL) < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	*fd_out = steal_fd(fd);
	return 0;
}

int vmirror_file_open(const struct vbuf *b, int *fd_out)
{
	static unsigned long seq;
	cleanup_close int wfd = -1;
	char name[32];
	int fd, ret;

	lazy_init();
	if (mirror_fd < 0)
		return memfd_file(b, fd_out);
	snprintf(name, sizeof(name), ".file-%lu", seq++);
	wfd = openat(mirror_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
		     0444);
	if (wfd < 0)
		return memfd_file(b, fd_out);
	if (write_all(wfd, b) < 0) {
		ret = -errno;
		/* our own file, just created: unlinking it cannot fail */
		(void)unlinkat(mirror_fd, name, 0);
		return ret;
	}
	fd = openat(mirror_fd, name, O_RDONLY | O_CLOEXEC);
	/* the same file: cannot fail; the fd (if any) keeps the content */
	(void)unlinkat(mirror_fd, name, 0);
	if (fd < 0)
		return -errno;
	*fd_out = fd;
	return 0;
}

/* An empty 0444 file of the sentry's own (the mirror's, else a memfd):
 * *rd an O_RDONLY fd of it, *path an O_PATH one (an O_RDONLY dup when it
 * is a memfd, which cannot be reopened). Both the caller's. */
int vmirror_empty_file(int *rd, int *path)
{
	static unsigned long seq;
	cleanup_close int r = -1, w = -1;
	struct vbuf none = { 0 };
	char name[32];
	int ret;

	lazy_init();
	snprintf(name, sizeof(name), ".empty-%lu", seq++);
	if (mirror_fd >= 0)
		w = openat(mirror_fd, name,
			   O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	if (w < 0) {
		ret = memfd_file(&none, &r);
		if (ret < 0)
			return ret;
		*path = fcntl(r, F_DUPFD_CLOEXEC, 0);
		if (*path < 0)
			return -errno;
		*rd = steal_fd(r);
		return 0;
	}
	r = openat(mirror_fd, name, O_RDONLY | O_CLOEXEC);
	*path = openat(mirror_fd, name, O_PATH | O_CLOEXEC);
	ret = r < 0 || *path < 0 ? -errno : 0;
	/* our own file, just made: unlinking it cannot fail */
	(void)unlinkat(mirror_fd, name, 0);
	if (ret < 0) {
		if (*path >= 0)
			close(*path);
		return ret;
	}
	*rd = steal_fd(r);
	return 0;
}
