// SPDX-License-Identifier: Apache-2.0
/*
 * /proc/<pid>: the per-process part of the virtual /proc. Files are read
 * from a procfs instance of the sandbox's own pid namespace (its pids, no
 * host process), ids mapped to the sandbox's user namespace; links that
 * lead out of /proc (cwd, root, exe, fd/N) resolve to the task's own
 * objects. What Linux guards with a ptrace-read check (environ, maps, fd,
 * cwd, root, exe) is checked against the caller's credentials, since the
 * sentry reads with its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/idmap.h"
#include "sentry/task.h"
#include "sentry/synth.h"

/* ---- the sandbox's procfs (its pid namespace only) ------------------------ */

static int read_host(pid_t hp, const char *what, struct vbuf *b)
{
	char path[64], chunk[4096];
	cleanup_close int fd = -1;
	int pfd = vfs_host_proc_fd();
	ssize_t n;

	if (pfd < 0)
		return pfd;
	snprintf(path, sizeof(path), "%d/%s", hp, what);
	fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		vbuf_put(b, chunk, (size_t)n);
	if (n < 0)
		return -errno;
	return b->err;
}

/* The task of a sandbox thread group, by its host pid; NULL for one
 * that is not yet the workload's (still joining, sentry/attach.c). */
static struct task *task_of(struct sc_call *c, pid_t hp)
{
	struct task *t;

	if (hp == c->t->host_tgid)
		return c->t;
	t = task_by_host_tid(c->t->sentry, hp);
	return t != NULL && t->workload ? t : NULL;
}

/*
 * The owner the kernel gives the process's private files (task_dump_owner
 * for any mode but a 0555 directory): its euid/egid while it is dumpable,
 * root otherwise; read from its environ in the sandbox's procfs, host ids.
 */
static int dump_owner(pid_t pid, uid_t *uid, gid_t *gid)
{
	struct stat st;
	int pfd = vfs_host_proc_fd();
	char name[32];

	if (pfd < 0)
		return pfd;
	snprintf(name, sizeof(name), "%d/environ", (int)pid);
	if (fstatat(pfd, name, &st, 0) < 0)
		return -errno;
	*uid = st.st_uid;
	*gid = st.st_gid;
	return 0;
}

/*
 * Whether the process is dumpable, as far as its files' owner tells. A
 * root process is taken as dumpable (both look alike); the exec'd process
 * of runsc exec, which is not, is not shown at all before its exec.
 */
static bool is_dumpable(struct sc_call *c, const struct vnode *n,
			const struct task_creds *it)
{
	uid_t uid;
	gid_t gid;

	if (dump_owner(n->pid, &uid, &gid) < 0)
		return false;
	return ident_from_host(c->t->sentry, IDENT_UID, uid) == it->euid &&
	       ident_from_host(c->t->sentry, IDENT_GID, gid) == it->egid;
}

/*
 * Linux's ptrace_may_access(PTRACE_MODE_READ_FSCREDS) for the caller over
 * the process of n: its own thread group; else CAP_SYS_PTRACE; else the
 * caller's fsuid/fsgid equal to all of the target's uids/gids, the target
 * dumpable and its permitted capabilities within the caller's effective
 * ones (cap_ptrace_access_check). Never a task that is not yet the
 * workload's (task_of).
 */
bool vproc_may_read(struct sc_call *c, const struct vnode *n)
{
	const struct task_creds *me = &c->t->creds, *it;
	struct task *t;

	if (n->host_pid == c->t->host_tgid)
		return true;
	t = task_of(c, n->host_pid);
	if (t == NULL)
		return false;
	if (t->host_tgid == c->t->host_tgid ||
	    ((me->cap_effective >> CAP_SYS_PTRACE) & 1))
		return true;
	it = &t->creds;
	if (me->fsuid != it->ruid || me->fsuid != it->euid ||
	    me->fsuid != it->suid || me->fsgid != it->rgid ||
	    me->fsgid != it->egid || me->fsgid != it->sgid)
		return false;
	if ((it->cap_permitted & ~me->cap_effective) != 0)
		return false;
	return is_dumpable(c, n, it);
}

bool vproc_may_search(struct sc_call *c, const struct vnode *n)
{
	uid_t uid;
	gid_t gid;

	if (n->host_pid == c->t->host_tgid ||
	    fs_capable(c->t, CAP_DAC_OVERRIDE) ||
	    fs_capable(c->t, CAP_DAC_READ_SEARCH))
		return true;
	if (task_of(c, n->host_pid) == NULL ||
	    dump_owner(n->pid, &uid, &gid) < 0)
		return false;
	return ident_from_host(c->t->sentry, IDENT_UID, uid) ==
	       c->t->creds.fsuid;
}

/* ---- id mapping (user namespaces) ---------------------------------------- */

/* Owner of a virtual node, as Linux shows it: /proc/<pid> and everything
 * in it belong to the process's owner as the kernel decides it
 * (task_dump_owner: its euid/egid; for anything but a 0555 directory,
 * root when it is not dumpable), read from the sandbox's procfs;
 * everything else to the host's root. Both seen through the task's user
 * namespace. */
void ident_vnode_owner(struct sc_call *c, const struct vnode *n,
		       struct stat *st)
{
	uint32_t uid = 0, gid = 0;
	int pfd = vfs_host_proc_fd();
	bool open_dir = n->ent->type == VN_DIR &&
			(n->ent->perm == 0 || n->ent->perm == 0555);
	struct stat real;
	char name[32];

	if (n->pid > 0 && pfd >= 0) {
		snprintf(name, sizeof(name), open_dir ? "%d" : "%d/environ",
			 (int)n->pid);
		if (fstatat(pfd, name, &real, 0) == 0) {
			uid = real.st_uid;
			gid = real.st_gid;
		}
	}
	st->st_uid = ident_from_host(c->t->sentry, IDENT_UID, uid);
	st->st_gid = ident_from_host(c->t->sentry, IDENT_GID, gid);
}

/* Host id -> the sandbox's, by the process's uid_map/gid_map. */
static long map_id(const char *map, long id)
{
	const char *p = map;

	if (map == NULL || *map == '\0')
		return id;
	while (*p) {
		long in, out, count;

		if (sscanf(p, "%ld %ld %ld", &in, &out, &count) == 3 &&
		    id >= out && id < out + count)
			return in + (id - out);
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	return 65534;
}

static int gen_cgroup(struct sc_call *c, const struct vnode *n,
		      struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "0::/\n");
	return 0;
}

/* ---- per-process files ------------------------------------------------------ */

static int gen_copy(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	const char *name = strrchr(n->path, '/') + 1;

	(void)c;
	return read_host(n->pid, name, b);
}

/* Field k (1-based, as proc(5) numbers them) of a stat line, or 0. */
static unsigned long long stat_field(const char *stat, int k)
{
	const char *p = strrchr(stat, ')');

	if (p == NULL || k < 3)
		return 0;
	p++;
	for (int i = 3; i < k && *p; i++) {
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
	}
	return strtoull(p, NULL, 10);
}

/* The sandbox's start on the clock /proc/<pid>/stat counts start times
 * on (CLOCK_BOOTTIME), in USER_HZ ticks. */
static unsigned long long boot_ticks(void)
{
	struct timespec bt;
	uint64_t now, since;

	clock_gettime(CLOCK_BOOTTIME, &bt);
	now = (uint64_t)bt.tv_sec * 1000000000ULL + (uint64_t)bt.tv_nsec;
	since = cv_now_ns() - vfs_boot_ns();
	return since < now ? (now - since) / (1000000000ULL / 100) : 0;
}

/*
 * /proc/<pid>/stat: the kernel's line with the start time (field 22)
 * counted from the sandbox's start, as /proc/uptime is, so that
 * ps's elapsed time (uptime - start) is right. A process older than the
 * sandbox's clock (the init, forked just before it) starts at 0.
 */
static int gen_pid_stat(struct sc_call *c, const struct vnode *n,
			struct vbuf *b)
{
	struct vbuf raw = { 0 };
	int ret = gen_copy(c, n, &raw);
	const char *p, *f22, *end;
	unsigned long long start, base;

	if (ret < 0 || raw.data == NULL || (p = strrchr(raw.data, ')')) == NULL) {
		if (ret >= 0 && raw.data != NULL)
			vbuf_put(b, raw.data, raw.len);
		vbuf_free(&raw);
		return ret;
	}
	/* after ")" come fields 3..: skip 19 to reach field 22 */
	f22 = p + 1;
	for (int i = 3; i < 22 && *f22; i++) {
		while (*f22 == ' ')
			f22++;
		while (*f22 && *f22 != ' ')
			f22++;
	}
	while (*f22 == ' ')
		f22++;
	start = strtoull(f22, (char **)&end, 10);
	if (end == f22) {
		vbuf_put(b, raw.data, raw.len);
	} else {
		base = boot_ticks();
		vbuf_put(b, raw.data, (size_t)(f22 - raw.data));
		vbuf_printf(b, "%llu", start > base ? start - base : 0);
		vbuf_put(b, end, raw.len - (size_t)(end - raw.data));
	}
	vbuf_free(&raw);
	return b->err;
}

/*
 * environ of a process the sentry may not open in procfs (another uid:
 * the confined sentry has no DAC override): the env_start..env_end range
 * of its memory, read as its tracer. At most 4 MiB.
 */
static int environ_from_memory(const struct vnode *n, struct vbuf *b)
{
	unsigned long long start, end;
	struct vbuf st = { 0 };
	char chunk[65536];
	int ret;

	ret = read_host(n->pid, "stat", &st);
	if (ret < 0 || st.data == NULL) {
		vbuf_free(&st);
		return ret < 0 ? ret : -EIO;
	}
	start = stat_field(st.data, 50);
	end = stat_field(st.data, 51);
	vbuf_free(&st);
	if (start == 0 || end <= start)
		return 0;
	if (end - start > (4u << 20))
		end = start + (4u << 20);
	while (start < end) {
		size_t want = end - start < sizeof(chunk) ? end - start
							 : sizeof(chunk);
		struct iovec local = { chunk, want };
		struct iovec remote = { (void *)(uintptr_t)start, want };
		ssize_t got = process_vm_readv(n->host_pid, &local, 1, &remote,
					       1, 0);

		if (got <= 0)
			break;
		vbuf_put(b, chunk, (size_t)got);
		start += (unsigned long long)got;
	}
	return b->err;
}

static int gen_environ(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	int ret = gen_copy(c, n, b);

	if (ret == -EACCES || ret == -EPERM)
		return environ_from_memory(n, b);
	return ret;
}

static void status_ids(struct vbuf *b, const char *line, const char *map)
{
	const char *p = strchr(line, ':') + 1;
	char *end;

	vbuf_put(b, line, (size_t)(p - line));
	for (;;) {
		long v;

		while (*p == '\t' || *p == ' ')
			p++;
		if (*p == '\n' || *p == '\0')
			break;
		v = strtol(p, &end, 10);
		if (end == p)
			break;
		vbuf_printf(b, "\t%ld", map_id(map, v));
		p = end;
	}
	vbuf_printf(b, "\n");
}

static bool key_is(const char *line, const char *key)
{
	return strncmp(line, key, strlen(key)) == 0;
}

static void status_line(const char *line, const char *uid_map,
			const char *gid_map, int nnp, struct vbuf *b)
{
	size_t len = strcspn(line, "\n");

	if (key_is(line, "NoNewPrivs:") && nnp >= 0) {
		/* the task's own flag: the host's is the sandbox's */
		vbuf_printf(b, "NoNewPrivs:\t%d\n", nnp);
	} else if (key_is(line, "TracerPid:")) {
		vbuf_printf(b, "TracerPid:\t0\n");
	} else if (key_is(line, "Uid:")) {
		status_ids(b, line, uid_map);
	} else if (key_is(line, "Gid:") || key_is(line, "Groups:")) {
		status_ids(b, line, gid_map);
	} else {
		vbuf_put(b, line, len);
		vbuf_printf(b, "\n");
	}
}

static int gen_pid_status(struct sc_call *c, const struct vnode *n,
			  struct vbuf *b)
{
	struct vbuf raw = { 0 }, um = { 0 }, gm = { 0 };
	int ret = read_host(n->pid, "status", &raw);
	struct task *t = task_of(c, n->host_pid);
	int nnp = t != NULL ? t->creds.no_new_privs : -1;

	if (ret == 0 && raw.data != NULL) {
		read_host(n->pid, "uid_map", &um);
		read_host(n->pid, "gid_map", &gm);
		for (const char *l = raw.data; *l; ) {
			status_line(l, um.data, gm.data, nnp, b);
			l = strchrnul(l, '\n');
			if (*l)
				l++;
		}
	}
	vbuf_free(&raw);
	vbuf_free(&um);
	vbuf_free(&gm);
	return ret;
}

/* ---- the mount table (sentry/procfs_mounts.c) -------------------------------- */

static int gen_mounts(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	(void)n;
	return vfs_mount_lines(c, b, false);
}

static int gen_mountinfo(struct sc_call *c, const struct vnode *n,
			 struct vbuf *b)
{
	(void)n;
	return vfs_mount_lines(c, b, true);
}

/* ---- per-process links -------------------------------------------------- */

static bool is_caller(struct sc_call *c, const struct vnode *n)
{
	return n->host_pid == c->t->host_tgid;
}

static int host_readlink(pid_t hp, const char *what, char *buf, size_t len)
{
	char path[64];
	int pfd = vfs_host_proc_fd();
	ssize_t r;

	if (pfd < 0)
		return pfd;
	snprintf(path, sizeof(path), "%d/%s", hp, what);
	r = readlinkat(pfd, path, buf, len);
	if (r < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return (int)r;
}

/* The canonical path of the process's executable, NUL-terminated. */
static int exe_path(struct sc_call *c, const struct vnode *n, char *buf,
		    size_t len)
{
	struct task *t = task_of(c, n->host_pid);
	int ret;

	if (t != NULL && t->exe != NULL) {
		if (strlen(t->exe) >= len)
			return -ENAMETOOLONG;
		strcpy(buf, t->exe);
		return (int)strlen(buf);
	}
	ret = host_readlink(n->pid, "exe", buf, len - 1);
	if (ret >= 0)
		buf[ret] = '\0';
	return ret;
}

static int link_exe(struct sc_call *c, const struct vnode *n, char *buf,
		    size_t len)
{
	char path[PATH_MAX];
	int ret = exe_path(c, n, path, sizeof(path));

	if (ret < 0)
		return ret;
	return vfs_link_target(path, buf, len);
}

static int foreign_exe(struct sc_call *c, const struct vnode *n, int *fd_out,
		       bool *owned)
{
	char path[PATH_MAX];
	struct gofer_creds cr;
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT, .rootfd = GOFER_AT_ROOT,
			       .path = path };
	int ret = exe_path(c, n, path, sizeof(path));

	if (ret < 0)
		return ret;
	task_gofer_creds(c->t, &cr);
	*owned = true;
	return gofer_openat(task_gofer(c->t), &cr, &at,
			    O_PATH | O_CLOEXEC, 0, 0, fd_out);
}

/* The filesystem context of the process; NULL if unknown. */
static struct task_fs *fs_of(struct sc_call *c, const struct vnode *n)
{
	struct task *t = task_of(c, n->host_pid);

	return t != NULL ? t->fs : NULL;
}

static int link_cwd(struct sc_call *c, const struct vnode *n, char *buf,
		    size_t len)
{
	struct task_fs *fs = fs_of(c, n);
	char path[PATH_MAX];
	int ret;

	if (fs == NULL)
		return -EACCES;
	ret = fs_dir_path(c, fs->cwd_fd, path, sizeof(path));
	if (ret < 0)
		return ret;
	return vfs_link_target(path, buf, len);
}

static int foreign_cwd(struct sc_call *c, const struct vnode *n, int *fd_out,
		       bool *owned)
{
	struct task_fs *fs = fs_of(c, n);

	if (fs == NULL)
		return -EACCES;
	*fd_out = fs->cwd_fd;
	*owned = false;
	return 0;
}

static int link_root(struct sc_call *c, const struct vnode *n, char *buf,
		     size_t len)
{
	struct task_fs *fs = fs_of(c, n);
	char path[PATH_MAX];
	int ret;

	if (fs == NULL)
		return -EACCES;
	if (fs->root_fd == GOFER_AT_ROOT || is_caller(c, n))
		return vfs_link_target("/", buf, len);
	ret = fs_dir_path(c, fs->root_fd, path, sizeof(path));
	if (ret < 0)
		return ret;
	return vfs_link_target(path, buf, len);
}

static int foreign_root(struct sc_call *c, const struct vnode *n,
			int *fd_out, bool *owned)
{
	struct task_fs *fs = fs_of(c, n);

	if (fs == NULL)
		return -EACCES;
	*fd_out = fs->root_fd;
	*owned = false;
	return 0;
}

/* ---- /proc/<pid>/ns --------------------------------------------------------- */

/* "mnt:[4026531841]": the kernel's own namespace ids (what tools compare),
 * the link name being the namespace's. */
static int link_ns(struct sc_call *c, const struct vnode *n, char *buf,
		   size_t len)
{
	char what[48], target[64];
	int ret;

	(void)c;
	snprintf(what, sizeof(what), "ns/%s", n->ent->name);
	ret = host_readlink(n->pid, what, target, sizeof(target) - 1);
	if (ret < 0)
		return ret;
	target[ret] = '\0';
	return vfs_link_target(target, buf, len);
}

#define NS_LINK(nm) { .name = nm, .type = VN_LINK, .link = link_ns, \
		      .ptrace = true }
static const struct vfs_entry ns_children[] = {
	NS_LINK("cgroup"), NS_LINK("ipc"), NS_LINK("mnt"), NS_LINK("net"),
	NS_LINK("pid"), NS_LINK("pid_for_children"), NS_LINK("time"),
	NS_LINK("time_for_children"), NS_LINK("user"), NS_LINK("uts"),
	{ 0 },
};

/* ---- /proc/<pid>/fd ------------------------------------------------------- */

static int fd_lookup(struct sc_call *c, const struct vnode *dir,
		     const char *name, struct vnode *out);
static int fd_list(struct sc_call *c, const struct vnode *dir,
		   struct vfs_dirlist *l);

static int foreign_fd(struct sc_call *c, const struct vnode *n, int *fd_out,
		      bool *owned);

/* Whether path names, inside the sandbox, the very object of fd. */
static bool same_in_sandbox(struct sc_call *c, int fd, const char *path)
{
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT, .rootfd = GOFER_AT_ROOT,
			       .path = path };
	struct gofer_creds cr;
	struct stat a, b;

	if (fstat(fd, &a) < 0)
		return false;
	task_gofer_creds(c->t, &cr);
	if (gofer_fstatat(task_gofer(c->t), &cr, &at, AT_SYMLINK_NOFOLLOW,
			  &b) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The target of fd N when procfs may not be read (another uid): what the
 * object itself tells: a directory's path, a pipe's or socket's inode. */
static int link_fd_probe(struct sc_call *c, const struct vnode *n, char *buf,
			 size_t len)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	bool owned = true;
	struct stat st;
	int ret;

	ret = foreign_fd(c, n, &fd, &owned);
	if (ret < 0)
		return ret;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) && fs_dir_path(c, fd, path, sizeof(path)) >= 0)
		return vfs_link_target(path, buf, len);
	if (S_ISFIFO(st.st_mode))
		snprintf(path, sizeof(path), "pipe:[%lu]",
			 (unsigned long)st.st_ino);
	else if (S_ISSOCK(st.st_mode))
		snprintf(path, sizeof(path), "socket:[%lu]",
			 (unsigned long)st.st_ino);
	else
		snprintf(path, sizeof(path), "(unknown:[%lu])",
			 (unsigned long)st.st_ino);
	return vfs_link_target(path, buf, len);
}

/* UNIX98_PTY_SLAVE_MAJOR and the majors after it (Linux's devices.txt). */
#define PTS_MAJOR_FIRST 136u
#define PTS_MAJOR_LAST 143u

/*
 * The target of /proc/<pid>/fd/N. A path is shown only if it names the
 * same object inside the sandbox (gofer files, mirror directories); a
 * file that came from the host (stdio runsc was given) is "host:[ino]",
 * so no host path is ever shown.
 */
static int link_fd(struct sc_call *c, const struct vnode *n, char *buf,
		   size_t len)
{
	char what[32], path[PATH_MAX];
	cleanup_close int fd = -1;
	bool owned = true;
	struct stat st;
	int ret;

	snprintf(what, sizeof(what), "fd/%d", n->num);
	ret = host_readlink(n->pid, what, path, sizeof(path) - 1);
	if (ret == -EACCES)
		return link_fd_probe(c, n, buf, len);
	if (ret < 0)
		return ret;
	path[ret] = '\0';
	if (path[0] != '/' || strncmp(path, "/memfd:", 7) == 0)
		return vfs_link_target(path, buf, len);
	if (foreign_fd(c, n, &fd, &owned) < 0)
		return vfs_link_target("host:[0]", buf, len);
	if (vfs_fd_path(fd, path, sizeof(path)) == 0 ||
	    same_in_sandbox(c, fd, path))
		return vfs_link_target(path, buf, len);
	if (fstat(fd, &st) < 0)
		st.st_ino = 0;
	/* A terminal of the sandbox's devpts (the console of a terminal
	 * container, one opened from /dev/ptmx): the procfs path is that of
	 * the gofer's namespace; its name in the sandbox is /dev/pts/N. */
	if (S_ISCHR(st.st_mode) && major(st.st_rdev) >= PTS_MAJOR_FIRST &&
	    major(st.st_rdev) <= PTS_MAJOR_LAST) {
		snprintf(path, sizeof(path), "/dev/pts/%u",
			 (major(st.st_rdev) - PTS_MAJOR_FIRST) * 256 +
				 minor(st.st_rdev));
		if (same_in_sandbox(c, fd, path))
			return vfs_link_target(path, buf, len);
	}
	snprintf(path, sizeof(path), "host:[%lu]", (unsigned long)st.st_ino);
	return vfs_link_target(path, buf, len);
}

static int foreign_fd(struct sc_call *c, const struct vnode *n, int *fd_out,
		      bool *owned)
{
	cleanup_close int pidfd = -1;
	int fd;

	*owned = true;
	if (is_caller(c, n)) {
		fd = task_dup_fd(c, n->num);
	} else {
		pidfd = (int)syscall(SYS_pidfd_open, n->host_pid, 0);
		if (pidfd < 0)
			return -ESRCH;
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, n->num, 0);
		if (fd < 0)
			fd = -errno;
	}
	if (fd < 0)
		return fd == -EBADF ? -ENOENT : fd;
	*fd_out = fd;
	return 0;
}

static const struct vfs_entry fd_link_entry = {
	.name = "", .type = VN_LINK, .link = link_fd, .foreign = foreign_fd,
};

static int task_lookup(struct sc_call *c, const struct vnode *dir,
		       const char *name, struct vnode *out);
static int task_list(struct sc_call *c, const struct vnode *dir,
		     struct vfs_dirlist *l);

static const struct vfs_entry pid_children[] = {
	{ .name = "cgroup", .type = VN_FILE, .gen = gen_cgroup },
	{ .name = "cmdline", .type = VN_FILE, .gen = gen_copy },
	{ .name = "comm", .type = VN_FILE, .perm = 0644, .gen = gen_copy },
	{ .name = "cwd", .type = VN_LINK, .link = link_cwd,
	  .foreign = foreign_cwd, .ptrace = true },
	{ .name = "environ", .type = VN_FILE, .perm = 0400, .gen = gen_environ,
	  .ptrace = true },
	{ .name = "exe", .type = VN_LINK, .link = link_exe,
	  .foreign = foreign_exe, .ptrace = true },
	{ .name = "fd", .type = VN_DIR, .perm = 0500, .lookup = fd_lookup,
	  .list = fd_list, .owner_dir = true },
	{ .name = "gid_map", .type = VN_FILE, .gen = gen_copy },
	{ .name = "limits", .type = VN_FILE, .gen = gen_copy },
	{ .name = "maps", .type = VN_FILE, .gen = gen_copy, .ptrace = true },
	{ .name = "mountinfo", .type = VN_FILE, .gen = gen_mountinfo },
	{ .name = "mounts", .type = VN_FILE, .gen = gen_mounts },
	{ .name = "ns", .type = VN_DIR, .perm = 0511, .children = ns_children },
	{ .name = "oom_score_adj", .type = VN_FILE, .perm = 0644,
	  .gen = gen_copy },
	{ .name = "root", .type = VN_LINK, .link = link_root,
	  .foreign = foreign_root, .ptrace = true },
	{ .name = "setgroups", .type = VN_FILE, .gen = gen_copy },
	{ .name = "stat", .type = VN_FILE, .gen = gen_pid_stat },
	{ .name = "statm", .type = VN_FILE, .gen = gen_copy },
	{ .name = "status", .type = VN_FILE, .gen = gen_pid_status },
	{ .name = "task", .type = VN_DIR, .lookup = task_lookup,
	  .list = task_list },
	{ .name = "uid_map", .type = VN_FILE, .gen = gen_copy },
	{ 0 },
};

const struct vfs_entry vproc_pid_entry = {
	.name = "", .type = VN_DIR, .children = pid_children,
};


/* ---- /proc/<pid>/task --------------------------------------------------- */

struct thread_arg {
	pid_t tgid, want;
	pid_t host;
	struct vfs_dirlist *l;
};

static int thread_visit(struct task *t, void *arg)
{
	struct thread_arg *a = arg;
	char name[16];

	if (t->tgid != a->tgid || !t->workload)
		return 0;
	if (a->l != NULL) {
		snprintf(name, sizeof(name), "%d", t->tid);
		vfs_dirlist_add(a->l, name, VN_DIR);
		return 0;
	}
	if (t->tid != a->want)
		return 0;
	a->host = t->host_tid;
	return 1;
}

static int task_lookup(struct sc_call *c, const struct vnode *dir,
		       const char *name, struct vnode *out)
{
	struct thread_arg a = { .tgid = dir->pid, .want = vfs_parse_num(name) };

	if (a.want <= 0)
		return -ENOENT;
	if (a.want == c->t->tid && c->t->tgid == dir->pid)
		a.host = c->t->host_tid;
	else
		task_for_each(c->t->sentry, thread_visit, &a);
	if (a.host <= 0)
		return -ENOENT;
	out->ent = &vproc_pid_entry;
	out->pid = a.want;
	out->host_pid = a.host;
	return 0;
}

static int task_list(struct sc_call *c, const struct vnode *dir,
		     struct vfs_dirlist *l)
{
	struct thread_arg a = { .tgid = dir->pid, .l = l };

	task_for_each(c->t->sentry, thread_visit, &a);
	if (l->n == 0) {
		char name[16];

		snprintf(name, sizeof(name), "%d", dir->pid);
		vfs_dirlist_add(l, name, VN_DIR);
	}
	return 0;
}

int vfs_parse_num(const char *name)
{
	char *end;
	long v;

	if (name[0] < '0' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 10);
	if (*end != '\0' || v < 0 || v > 0x7fffffff)
		return -1;
	return (int)v;
}

/* Whether the process has fd num open, asked as its tracer. */
static bool has_fd(pid_t host_pid, int num)
{
	int pidfd = (int)syscall(SYS_pidfd_open, host_pid, 0);
	int fd;

	if (pidfd < 0)
		return false;
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);
	close(pidfd);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The fd table size of the process (status "FDSize:"), at most 4096. */
static int fd_table_size(pid_t pid)
{
	struct vbuf st = { 0 };
	const char *p;
	long n = 0;

	if (read_host(pid, "status", &st) == 0 && st.data != NULL &&
	    (p = strstr(st.data, "\nFDSize:")) != NULL)
		n = strtol(p + 8, NULL, 10);
	vbuf_free(&st);
	return n <= 0 ? 64 : n > 4096 ? 4096 : (int)n;
}

static int fd_lookup(struct sc_call *c, const struct vnode *dir,
		     const char *name, struct vnode *out)
{
	char what[48];
	int num = vfs_parse_num(name);
	int pfd = vfs_host_proc_fd();
	struct stat st;

	if (num < 0)
		return -ENOENT;
	/* following or reading the link: ptrace access (proc_fd_link) */
	if (!vproc_may_read(c, dir))
		return -EACCES;
	snprintf(what, sizeof(what), "%d/fd/%d", dir->pid, num);
	if (pfd < 0)
		return pfd;
	if (fstatat(pfd, what, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
	    (errno != EACCES || !has_fd(dir->host_pid, num)))
		return -ENOENT;
	if (snprintf(out->path, sizeof(out->path), "%s/%d", dir->path, num) >=
	    (int)sizeof(out->path))
		return -ENAMETOOLONG;
	out->ent = &fd_link_entry;
	out->num = num;
	return 0;
}

/* The fd list of a process whose procfs fd/ the sentry may not read. */
static int fd_list_probe(const struct vnode *dir, struct vfs_dirlist *l)
{
	int pidfd = (int)syscall(SYS_pidfd_open, dir->host_pid, 0);
	int size = fd_table_size(dir->pid);
	char name[16];

	if (pidfd < 0)
		return -ESRCH;
	for (int i = 0; i < size; i++) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, i, 0);

		if (fd < 0)
			continue;
		close(fd);
		snprintf(name, sizeof(name), "%d", i);
		vfs_dirlist_add(l, name, VN_LINK);
	}
	close(pidfd);
	return 0;
}

static int fd_list(struct sc_call *c, const struct vnode *dir,
		   struct vfs_dirlist *l)
{
	char what[32];
	struct dirent *e;
	int pfd = vfs_host_proc_fd(), fd, ret = 0;
	DIR *d;

	(void)c;
	if (pfd < 0)
		return pfd;
	snprintf(what, sizeof(what), "%d/fd", dir->pid);
	fd = openat(pfd, what, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		return fd_list_probe(dir, l);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (ret == 0 && (e = readdir(d)) != NULL) {
		if (vfs_parse_num(e->d_name) >= 0)
			ret = vfs_dirlist_add(l, e->d_name, VN_LINK);
	}
	closedir(d);
	return ret;
}
