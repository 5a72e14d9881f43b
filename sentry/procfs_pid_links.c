// SPDX-License-Identifier: Apache-2.0
/*
 * The links of /proc/<pid>: exe, cwd and root lead out of /proc to the
 * task's own objects (served by the gofer or the task's fds), ns/ shows
 * the kernel's namespace ids, fd/N the task's files with a path only when
 * it names the same object inside the sandbox (never a host path).
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
#include "sentry/internal.h"
#include "sentry/nsfs.h"
#include "sentry/task.h"
#include "sentry/synth.h"

/* ---- per-process links -------------------------------------------------- */

/* A link's target path as the reader sees it (relative to its chroot). */
static int reader_link(struct sc_call *c, const char *path, char *buf,
		       size_t len)
{
	char root[PATH_MAX];

	if (path[0] == '/' && procfs_reader_root(c, root, sizeof(root)))
		path = procfs_reader_path(root, path);
	return vtree_link_target(path, buf, len);
}

static bool is_caller(struct sc_call *c, const struct vnode *n)
{
	return n->host_pid == c->t->host_tgid;
}

static int host_readlink(pid_t hp, const char *what, char *buf, size_t len)
{
	char path[64];
	int pfd = vtree_host_proc_fd();
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
	struct task *t = procfs_task_of(c, n->host_pid);
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

int procfs_link_exe(struct sc_call *c, const struct vnode *n, char *buf,
		    size_t len)
{
	char path[PATH_MAX];
	int ret = exe_path(c, n, path, sizeof(path));

	if (ret < 0)
		return ret;
	return reader_link(c, path, buf, len);
}

int procfs_foreign_exe(struct sc_call *c, const struct vnode *n, int *fd_out,
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
	struct task *t = procfs_task_of(c, n->host_pid);

	return t != NULL ? t->fs : NULL;
}

int procfs_link_cwd(struct sc_call *c, const struct vnode *n, char *buf,
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
	return reader_link(c, path, buf, len);
}

int procfs_foreign_cwd(struct sc_call *c, const struct vnode *n, int *fd_out,
		       bool *owned)
{
	struct task_fs *fs = fs_of(c, n);

	if (fs == NULL)
		return -EACCES;
	*fd_out = fs->cwd_fd;
	*owned = false;
	return 0;
}

int procfs_link_root(struct sc_call *c, const struct vnode *n, char *buf,
		     size_t len)
{
	struct task_fs *fs = fs_of(c, n);
	char path[PATH_MAX];
	int ret;

	if (fs == NULL)
		return -EACCES;
	if (fs->root_fd == GOFER_AT_ROOT || is_caller(c, n))
		return vtree_link_target("/", buf, len);
	ret = fs_dir_path(c, fs->root_fd, path, sizeof(path));
	if (ret < 0)
		return ret;
	return reader_link(c, path, buf, len);
}

int procfs_foreign_root(struct sc_call *c, const struct vnode *n,
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

/* The sandbox's own user namespace is an implementation detail of a
 * config without one (docs/security.md, "The sandbox's user namespace"):
 * shown as the runtime's, as runc's container shares it. */
static const char *user_alias(struct sc_call *c, const char *target)
{
	const struct sentry *s = c->t->sentry;
	const char *runtime = s->cfg->runtime_userns;

	if (runtime == NULL || s->own_userns[0] == '\0')
		return target;
	return strcmp(s->own_userns, target) == 0 ? runtime : target;
}

/* "mnt:[4026531841]": the kernel's own namespace ids (what tools compare),
 * the link name being the namespace's. */
static int link_ns(struct sc_call *c, const struct vnode *n, char *buf,
		   size_t len)
{
	char what[48], target[64];
	int ret;

	snprintf(what, sizeof(what), "ns/%s", n->ent->name);
	ret = host_readlink(n->pid, what, target, sizeof(target) - 1);
	if (ret < 0)
		return ret;
	target[ret] = '\0';
	if (strcmp(n->ent->name, "user") == 0)
		return vtree_link_target(user_alias(c, target), buf, len);
	return vtree_link_target(target, buf, len);
}

/* Followed, a handle of the namespace (sentry/nsfs.c). */
#define NS_LINK(nm) { .name = nm, .type = VN_LINK, .link = link_ns, \
		      .foreign = nsfs_link_foreign, .open = nsfs_link_open, \
		      .ptrace = true }
const struct vtree_entry procfs_ns_children[] = {
	NS_LINK("cgroup"), NS_LINK("ipc"), NS_LINK("mnt"), NS_LINK("net"),
	NS_LINK("pid"), NS_LINK("pid_for_children"), NS_LINK("time"),
	NS_LINK("time_for_children"), NS_LINK("user"), NS_LINK("uts"),
	{ 0 },
};

/* ---- /proc/<pid>/fd ------------------------------------------------------- */

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
	ret = nsfs_fd_name(fd, path, sizeof(path));
	if (ret >= 0)
		return vtree_link_target(path, buf, len);
	if (S_ISDIR(st.st_mode) && fs_dir_path(c, fd, path, sizeof(path)) >= 0)
		return reader_link(c, path, buf, len);
	if (S_ISFIFO(st.st_mode))
		snprintf(path, sizeof(path), "pipe:[%lu]",
			 (unsigned long)st.st_ino);
	else if (S_ISSOCK(st.st_mode))
		snprintf(path, sizeof(path), "socket:[%lu]",
			 (unsigned long)st.st_ino);
	else
		snprintf(path, sizeof(path), "(unknown:[%lu])",
			 (unsigned long)st.st_ino);
	return reader_link(c, path, buf, len);
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
	struct vtree_fsids own;
	bool owned = true;
	struct stat st;
	int ret;

	snprintf(what, sizeof(what), "fd/%d", n->num);
	ret = host_readlink(n->pid, what, path, sizeof(path) - 1);
	if (ret == -EACCES && vtree_fsids_take(c, &own) > 0) {
		/* the fd directory of a task of another uid */
		ret = host_readlink(n->pid, what, path, sizeof(path) - 1);
		vtree_fsids_put(&own);
	}
	if (ret == -EACCES)
		return link_fd_probe(c, n, buf, len);
	if (ret < 0)
		return ret;
	path[ret] = '\0';
	if (path[0] != '/' || strncmp(path, "/memfd:", 7) == 0)
		return vtree_link_target(path, buf, len);
	if (foreign_fd(c, n, &fd, &owned) < 0)
		return vtree_link_target("host:[0]", buf, len);
	ret = nsfs_fd_name(fd, path, sizeof(path));
	if (ret >= 0)
		return vtree_link_target(path, buf, len);
	if (vtree_fd_path(fd, path, sizeof(path)) == 0 ||
	    same_in_sandbox(c, fd, path))
		return reader_link(c, path, buf, len);
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
			return reader_link(c, path, buf, len);
	}
	snprintf(path, sizeof(path), "host:[%lu]", (unsigned long)st.st_ino);
	return reader_link(c, path, buf, len);
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

/* The mode of fd/N, Linux's tid_fd_update_inode(): r-x for a file open
 * for reading, -wx for writing, none for O_PATH. */
static int perm_fd(struct sc_call *c, const struct vnode *n)
{
	cleanup_close int fd = -1;
	bool owned = true;
	int fl, ret = foreign_fd(c, n, &fd, &owned);

	if (ret < 0)
		return ret;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (fl & O_PATH)
		return 0;
	ret = (fl & O_ACCMODE) != O_WRONLY ? 0500 : 0;
	return (fl & O_ACCMODE) != O_RDONLY ? ret | 0300 : ret;
}

static const struct vtree_entry fd_link_entry = {
	.name = "", .type = VN_LINK, .link = link_fd, .foreign = foreign_fd,
	.perm_of = perm_fd,
};


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

	if (procfs_read_host(pid, "status", &st) == 0 && st.data != NULL &&
	    (p = strstr(st.data, "\nFDSize:")) != NULL)
		n = strtol(p + 8, NULL, 10);
	vbuf_free(&st);
	return n <= 0 ? 64 : n > 4096 ? 4096 : (int)n;
}

int procfs_fd_lookup(struct sc_call *c, const struct vnode *dir,
		     const char *name, struct vnode *out)
{
	char what[48];
	int num = vtree_parse_num(name);
	int pfd = vtree_host_proc_fd();
	struct stat st;

	if (num < 0)
		return -ENOENT;
	/* following or reading the link: ptrace access (proc_fd_link) */
	if (!procfs_may_read(c, dir))
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
static int fd_list_probe(const struct vnode *dir, struct vtree_dirlist *l)
{
	int pidfd = (int)syscall(SYS_pidfd_open, dir->host_pid, 0);
	int size = fd_table_size(dir->pid), ret = 0;
	char name[16];

	if (pidfd < 0)
		return -ESRCH;
	for (int i = 0; i < size && ret == 0; i++) {
		int fd = (int)syscall(SYS_pidfd_getfd, pidfd, i, 0);

		if (fd < 0)
			continue;
		close(fd);
		snprintf(name, sizeof(name), "%d", i);
		ret = vtree_dirlist_add(l, name, VN_LINK);
	}
	close(pidfd);
	return ret;
}

int procfs_fd_list(struct sc_call *c, const struct vnode *dir,
		   struct vtree_dirlist *l)
{
	char what[32];
	int pfd = vtree_host_proc_fd(), fd;

	(void)c;
	if (pfd < 0)
		return pfd;
	snprintf(what, sizeof(what), "%d/fd", dir->pid);
	fd = openat(pfd, what, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		return fd_list_probe(dir, l);
	if (fd < 0)
		return -errno;
	return vtree_dirlist_add_host(l, fd, VTREE_HOST_FDS);
}


/* ---- /proc/<pid>/fdinfo ------------------------------------------------- */

/* The kernel's fdinfo of the process's fd (pos, flags, mnt_id, ino and
 * the kind's own lines); mnt_id is the kernel's, not one of the sandbox's
 * mountinfo (docs/architecture.md). */
static int gen_fdinfo(struct sc_call *c, const struct vnode *n,
		      struct vbuf *b)
{
	char what[48];

	(void)c;
	snprintf(what, sizeof(what), "fdinfo/%d", n->num);
	return procfs_read_host(n->pid, what, b);
}

static const struct vtree_entry fdinfo_file_entry = {
	.name = "", .type = VN_FILE, .gen = gen_fdinfo,
};

/* fdinfo/N exists where fd/N does, with the same access check. */
int procfs_fdinfo_lookup(struct sc_call *c, const struct vnode *dir,
			const char *name, struct vnode *out)
{
	int ret = procfs_fd_lookup(c, dir, name, out);

	if (ret == 0)
		out->ent = &fdinfo_file_entry;
	return ret;
}

int procfs_fdinfo_list(struct sc_call *c, const struct vnode *dir,
		      struct vtree_dirlist *l)
{
	size_t first = l->n;
	int ret = procfs_fd_list(c, dir, l);

	for (size_t i = first; i < l->n; i++)
		l->v[i].type = VN_FILE;
	return ret;
}
