// SPDX-License-Identifier: Apache-2.0
/*
 * exec resolution and directory paths.
 *
 * exec_resolve checks what execve(2) checks, as the task: the walk (search
 * permission, ENOENT, ENOTDIR, ELOOP), a regular file (else EACCES), X
 * permission (faccessat2 AT_EACCESS), no noexec mount. It then computes
 * the canonical absolute path (no symlinks, inside the sandbox root) and
 * reads the first 256 bytes, as the gofer itself (a --x file is still
 * executable). ETXTBSY cannot be seen from here; the kernel reports it
 * at the real exec.
 *
 * dir_path finds a directory's path without /proc: walk "..", and in each
 * parent find the entry whose (st_dev, st_ino) is the child's, up to the
 * sandbox root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/gofer.h"
#include "gofer/protocol.h"
#include "gofer/server.h"
#include "lib/cleanup.h"

#define GOFER_HEAD_MAX 256
#define GOFER_MAXSYMLINKS 40

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool entry_is(int dirfd, const char *name, const struct stat *want)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return same_file(&st, want);
}

/* The name of child in the directory parentfd, into name[NAME_MAX+1].
 * Pass 1 trusts d_ino; pass 2 stats every directory (mount points show
 * the covered inode in d_ino). */
static int find_name(int parentfd, const struct stat *child, char *name)
{
	cleanup_closedir DIR *d = NULL;
	struct dirent *e;
	int fd;

	fd = openat(parentfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	for (int pass = 0; pass < 2; pass++) {
		rewinddir(d);
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (pass == 0 && e->d_ino != child->st_ino)
				continue;
			if (pass == 1 && e->d_type != DT_DIR &&
			    e->d_type != DT_UNKNOWN)
				continue;
			if (entry_is(parentfd, e->d_name, child)) {
				strcpy(name, e->d_name);
				return 0;
			}
		}
	}
	return -ENOENT;
}

/* Prepends "/name" to the path being built backwards at buf[*pos..]. */
static int prepend(char *buf, size_t *pos, const char *name)
{
	size_t n = strlen(name);

	if (n + 1 > *pos)
		return -ENAMETOOLONG;
	*pos -= n;
	memcpy(buf + *pos, name, n);
	buf[--*pos] = '/';
	return 0;
}

long gofer_path_of_dir(struct gofer_srv *s, int fd, char *buf, size_t len)
{
	char tmp[GOFER_PATH_MAX], name[NAME_MAX + 1];
	size_t pos = sizeof(tmp) - 1;
	cleanup_close int cur = -1;
	struct stat st, pst;
	int ret;

	tmp[pos] = '\0';
	cur = openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return -errno;
	if (fstat(cur, &st) < 0)
		return -errno;
	while (st.st_dev != s->root_dev || st.st_ino != s->root_ino) {
		int parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (parent < 0)
			return -errno;
		close(cur);
		cur = parent;
		if (fstat(cur, &pst) < 0)
			return -errno;
		if (same_file(&st, &pst))
			break;	/* a root that is not ours: stop */
		ret = find_name(cur, &st, name);
		if (ret < 0)
			return ret;
		ret = prepend(tmp, &pos, name);
		if (ret < 0)
			return ret;
		st = pst;
	}
	if (tmp[pos] == '\0')
		tmp[--pos] = '/';
	if (sizeof(tmp) - pos > len)
		return -ENAMETOOLONG;
	memcpy(buf, tmp + pos, sizeof(tmp) - pos);
	return (long)(sizeof(tmp) - pos - 1);
}

long gofer_op_dir_path(struct gofer_srv *s, const struct gofer_req *r,
		       struct gofer_rep *rep)
{
	long n;

	if (r->dirfd < 0)
		return -EBADF;
	n = gofer_path_of_dir(s, r->dirfd, rep->buf, GOFER_PATH_MAX);
	if (n >= 0)
		rep->len = (size_t)n + 1;
	return n;
}

/* Splits path at its last component: *dir gets the directory part ("."
 * if none), and returns the last name (trailing slashes dropped), or NULL
 * when the path names a directory ("/", ".", ".."). */
static const char *split_last(const char *path, char *dir, size_t dirlen)
{
	char tmp[GOFER_PATH_MAX];
	char *slash, *last;
	size_t n = strlen(path);

	if (n >= sizeof(tmp) || n >= dirlen)
		return NULL;
	memcpy(tmp, path, n + 1);
	while (n > 1 && tmp[n - 1] == '/')
		tmp[--n] = '\0';
	slash = strrchr(tmp, '/');
	last = slash ? slash + 1 : tmp;
	if (!*last || !strcmp(last, ".") || !strcmp(last, ".."))
		return NULL;
	if (!slash)
		strcpy(dir, ".");
	else if (slash == tmp)
		strcpy(dir, "/");
	else {
		*slash = '\0';
		strcpy(dir, tmp);
	}
	return path + (last - tmp);
}

/* The directory holding the final file and the file's name, following
 * final symlinks when follow. *pfd must be closed by the caller. */
static int resolve_final(int base, const char *path, bool follow, int *pfd,
			 char *name)
{
	char cur[GOFER_PATH_MAX], dir[GOFER_PATH_MAX];
	cleanup_close int at = dup(base);
	struct stat st;
	const char *last;

	if (at < 0)
		return -errno;
	strcpy(cur, path);
	for (int links = 0;; links++) {
		last = split_last(cur, dir, sizeof(dir));
		if (!last)
			return -EACCES;
		int d = openat(at, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (d < 0)
			return -errno;
		close(at);
		at = d;
		size_t ln = strcspn(last, "/");

		memcpy(name, last, ln);
		name[ln] = '\0';
		if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (!S_ISLNK(st.st_mode) || !follow)
			break;
		if (links >= GOFER_MAXSYMLINKS)
			return -ELOOP;
		ssize_t n = readlinkat(at, name, cur, sizeof(cur) - 1);

		if (n < 0)
			return -errno;
		cur[n] = '\0';
	}
	*pfd = steal_fd(at);
	return 0;
}

static long exec_canonical(struct gofer_srv *s, const struct gofer_req *r,
			   char *out)
{
	char name[NAME_MAX + 1];
	cleanup_close int dfd = -1;
	long n;
	int ret;

	ret = resolve_final(gofer_base(s, r), r->path,
			    !(r->h.flags & AT_SYMLINK_NOFOLLOW), &dfd, name);
	if (ret < 0)
		return ret;
	ret = gofer_privileged(s);
	if (ret < 0)
		return ret;
	n = gofer_path_of_dir(s, dfd, out, GOFER_PATH_MAX);
	if (n < 0)
		return n;
	if ((size_t)n + 1 + strlen(name) + 1 > GOFER_PATH_MAX)
		return -ENAMETOOLONG;
	if (n > 1)
		out[n++] = '/';
	strcpy(out + n, name);
	return 0;
}

/* Reads the head as the gofer: reopen by name, check it is the same file. */
static long read_head(int dirfd, const char *name, const struct stat *want,
		      int self, unsigned char *head)
{
	cleanup_close int fd = -1;
	struct stat st;
	ssize_t n;

	if (name) {
		/* Only the regular file checked is opened: a node put there
		 * since (a device) must not be (gofer/devices.c). */
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (!same_file(&st, want))
			return -EAGAIN;
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
					 O_CLOEXEC | O_NOCTTY);
		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) < 0 || !same_file(&st, want))
			return -EAGAIN;
		self = fd;
	}
	n = pread(self, head, GOFER_HEAD_MAX, 0);
	return n < 0 ? (name ? -errno : 0) : n;
}

/* The head of the file at the canonical path (as the gofer, in its root). */
static long head_by_path(const char *path, const struct stat *want,
			 unsigned char *head)
{
	const char *slash = strrchr(path, '/');
	char dir[GOFER_PATH_MAX];
	cleanup_close int dfd = -1;

	memcpy(dir, path, (size_t)(slash - path) + 1);
	dir[slash - path + 1] = '\0';
	dfd = openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	return read_head(dfd, slash + 1, want, -1, head);
}

static long exec_checks(int fd, struct stat *st)
{
	struct statfs sfs;

	if (fstat(fd, st) < 0)
		return -errno;
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	if (!S_ISREG(st->st_mode))
		return -EACCES;
	if (syscall(SYS_faccessat2, fd, "", X_OK, AT_EACCESS | AT_EMPTY_PATH) < 0)
		return -errno;
	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	if (sfs.f_flags & ST_NOEXEC)
		return -EACCES;
	return 0;
}

/* The workload's exec copy of the root (runsc/mounts.c, "exec copy"):
 * set before serving, never changed after (the channels' threads read
 * it). -1: none (noNewPrivileges, or not sent). */
static int exec_root_fd = -1;

#define EXEC_ROOT_HELLO 'X'

int gofer_exec_root_send(int sock, int rootfd)
{
	return gofer_ns_send(sock, EXEC_ROOT_HELLO, rootfd);
}

int gofer_exec_root_await(int sock)
{
	int fd = gofer_ns_recv(sock, EXEC_ROOT_HELLO);
	int32_t result = 0;
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		result = -ENOTDIR;
		close(fd);
	} else {
		exec_root_fd = fd;
	}
	if (send(sock, &result, sizeof(result), MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/* The file capability xattr's magic_etc (little-endian, first), or -1:
 * by the canonical path in the gofer's root (an O_PATH fd has no xattrs
 * for fgetxattr: EBADF), else by fexecve's fd itself. */
static long fcap_magic(const char *path, int fd)
{
	unsigned char v[24];	/* vfs_ns_cap_data */
	struct {
		uint64_t value;
		uint32_t size, flags;
	} a = { (uint64_t)(uintptr_t)v, sizeof(v), 0 };
	bool by_fd = path[0] == '\0';
	long n;

	n = syscall(464 /* getxattrat */, by_fd ? fd : AT_FDCWD, path,
		    AT_SYMLINK_NOFOLLOW | (by_fd ? AT_EMPTY_PATH : 0),
		    "security.capability", &a, sizeof(a));
	if (n < 4)
		return -1;
	return (long)((uint32_t)v[0] | (uint32_t)v[1] << 8 |
		      (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24);
}

/* GOFER_GAIN_*: what the kernel's exec would read from this file for the
 * ids and capabilities: set-user-ID, set-group-ID with group execute
 * (without it, Linux gives no gid), file capabilities; nothing on a
 * nosuid mount (mnt_may_suid). */
static uint32_t exec_gains(const char *path, int fd, const struct stat *st)
{
	struct statfs sfs;
	uint32_t g = 0;
	long magic;

	if (fstatfs(fd, &sfs) < 0 || (sfs.f_flags & ST_NOSUID))
		return 0;
	if (st->st_mode & S_ISUID)
		g |= GOFER_GAIN_UID;
	if ((st->st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
		g |= GOFER_GAIN_GID;
	magic = fcap_magic(path, fd);
	if (magic >= 0)
		g |= GOFER_GAIN_FCAP |
		     (magic & 0x1 /* VFS_CAP_FLAGS_EFFECTIVE */ ?
			      GOFER_GAIN_FCAP_EFF : 0);
	return g;
}

/* path under the exec copy, never by a symlink: an fd (flags), or
 * -errno. */
static int copy_open(const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, exec_root_fd, path, &how,
			      sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* fd (owned) if it is the regular file want, else -ESTALE. */
static int checked_copy_fd(int fd, const struct stat *want)
{
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !same_file(&st, want)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/* The checked file at the canonical path under the exec copy: O_PATH,
 * the same inode as want, else -errno (the exec goes the view's way). */
static int open_in_copy(const char *path, const struct stat *want)
{
	return checked_copy_fd(copy_open(path, O_PATH), want);
}

/*
 * An exec from the task's fd: its file, found in the exec copy by what
 * the gofer knows of it (the inode the fd refers to), never by a name
 * the workload gives. Where the file was last found (a few of them, the
 * name verified), else a walk of the copy's directories, breadth first
 * (a program is seldom deep), at most COPY_WALK_DIRS of them.
 */
#define COPY_WALK_DIRS 20000
#define COPY_SEEN 8

static struct {
	dev_t dev;
	ino_t ino;
	char path[GOFER_PATH_MAX];
} copy_seen[COPY_SEEN];
static unsigned copy_seen_next;
static pthread_mutex_t copy_seen_lock = PTHREAD_MUTEX_INITIALIZER;

/* The directory of rel (relative to the copy's root) and its last name:
 * *dfd (owned) and name, if that entry is want. */
static int copy_entry(const char *rel, const struct stat *want, int *dfd,
		      char *name)
{
	const char *slash = strrchr(rel, '/'), *last = slash ? slash + 1 : rel;
	char dir[GOFER_PATH_MAX] = ".";
	int fd;

	if (strlen(last) > NAME_MAX)
		return -ENOENT;
	if (slash != NULL) {
		memcpy(dir, rel, (size_t)(slash - rel));
		dir[slash - rel] = '\0';
	}
	fd = copy_open(dir, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	if (!entry_is(fd, last, want)) {
		close(fd);
		return -ENOENT;
	}
	strcpy(name, last);
	*dfd = fd;
	return 0;
}

static void copy_seen_add(const struct stat *want, const char *rel)
{
	pthread_mutex_lock(&copy_seen_lock);
	copy_seen[copy_seen_next].dev = want->st_dev;
	copy_seen[copy_seen_next].ino = want->st_ino;
	snprintf(copy_seen[copy_seen_next].path, GOFER_PATH_MAX, "%s", rel);
	copy_seen_next = (copy_seen_next + 1) % COPY_SEEN;
	pthread_mutex_unlock(&copy_seen_lock);
}

static int copy_seen_find(const struct stat *want, int *dfd, char *name)
{
	char rel[GOFER_PATH_MAX] = "";

	pthread_mutex_lock(&copy_seen_lock);
	for (unsigned i = 0; i < COPY_SEEN; i++)
		if (copy_seen[i].ino == want->st_ino &&
		    copy_seen[i].dev == want->st_dev)
			strcpy(rel, copy_seen[i].path);
	pthread_mutex_unlock(&copy_seen_lock);
	return rel[0] ? copy_entry(rel, want, dfd, name) : -ENOENT;
}

struct walk_q {
	char **dir;	/* relative to the copy's root, "." for it */
	size_t head, n, cap;
};

/* dir/name, relative to the copy's root, into buf; false if too long */
static bool copy_join(char *buf, const char *dir, const char *name)
{
	int n = strcmp(dir, ".") == 0 ?
			snprintf(buf, GOFER_PATH_MAX, "%s", name) :
			snprintf(buf, GOFER_PATH_MAX, "%s/%s", dir, name);

	return n > 0 && n < GOFER_PATH_MAX;
}

static void walk_push(struct walk_q *q, const char *dir, const char *name)
{
	char rel[GOFER_PATH_MAX], **v, *p;

	if (q->n >= COPY_WALK_DIRS || !copy_join(rel, dir, name))
		return;	/* never walked: the walk stops there */
	if (q->n == q->cap) {
		v = realloc(q->dir, (q->cap * 2 + 64) * sizeof(*v));
		if (v == NULL)
			return;
		q->dir = v;
		q->cap = q->cap * 2 + 64;
	}
	p = strdup(rel);
	if (p != NULL)
		q->dir[q->n++] = p;
}

/* Whether the entry is a directory (to walk) and whether it is want: by
 * readdir's type and inode number first (a file bind-mounted alone has
 * the covered one: not found). */
static bool walk_entry(int dfd, const struct dirent *e,
		       const struct stat *want, bool *is_dir)
{
	struct stat st;

	*is_dir = e->d_type == DT_DIR;
	if (e->d_type == DT_UNKNOWN) {
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return false;
		*is_dir = S_ISDIR(st.st_mode);
		return S_ISREG(st.st_mode) && same_file(&st, want);
	}
	return e->d_type == DT_REG && e->d_ino == want->st_ino &&
	       entry_is(dfd, e->d_name, want);
}

/* One directory of the walk: its subdirectories queued; 0 with *dfd and
 * name if want is one of its entries. */
static int walk_dir(struct walk_q *q, const char *rel,
		    const struct stat *want, int *dfd, char *name)
{
	cleanup_closedir DIR *d = NULL;
	struct dirent *e;
	bool is_dir;
	int fd = copy_open(rel, O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (walk_entry(dirfd(d), e, want, &is_dir) &&
		    (*dfd = dup(dirfd(d))) >= 0) {
			strcpy(name, e->d_name);
			return 0;
		}
		if (is_dir)
			walk_push(q, rel, e->d_name);
	}
	return -ENOENT;
}

static int find_in_copy(const struct stat *want, int *dfd, char *name)
{
	struct walk_q q = { 0 };
	char rel[GOFER_PATH_MAX];
	int ret = copy_seen_find(want, dfd, name);

	if (ret == 0)
		return 0;
	q.dir = calloc(1, sizeof(*q.dir));
	if (q.dir == NULL || (q.dir[0] = strdup(".")) == NULL) {
		free(q.dir);
		return -ENOMEM;
	}
	q.n = q.cap = 1;
	for (ret = -ENOENT; ret < 0 && q.head < q.n &&
			    q.head < COPY_WALK_DIRS; q.head++) {
		ret = walk_dir(&q, q.dir[q.head], want, dfd, name);
		if (ret == 0 && copy_join(rel, q.dir[q.head], name))
			copy_seen_add(want, rel);
	}
	for (size_t i = 0; i < q.n; i++)
		free(q.dir[i]);
	free(q.dir);
	return ret;
}

/* GOFER_EXEC_SETID: the reply's fd, when the file is an ELF file that
 * gains at exec and the copy has it. */
static void setid_fd(const struct gofer_req *r, const char *path,
		     const struct stat *st, const unsigned char *head,
		     long head_len, uint32_t gain, struct gofer_rep *rep)
{
	int fd;

	if (!(r->h.flags & GOFER_EXEC_SETID) || exec_root_fd < 0 ||
	    path[0] != '/' || head_len < 4 || memcmp(head, "\177ELF", 4) != 0)
		return;
	if (gain == 0)
		return;
	fd = open_in_copy(path, st);
	if (fd >= 0)
		rep->fd = fd;
}

/*
 * GOFER_EXEC_SETID for an exec from the task's fd (the file st, its head
 * *n bytes): the reply's fd, when the file gains and is an ELF file, is
 * that inode found in the copy (find_in_copy). What it gains is decided
 * by the inode's mode at the exec, as on Linux, and only where the fd's
 * own mount is not nosuid (gain). An O_PATH fd reads nothing: the head
 * is the copy's file's.
 */
static void setid_fd_of_fd(const struct gofer_req *r, const struct stat *st,
			   unsigned char *head, long *n, uint32_t gain,
			   struct gofer_rep *rep)
{
	char name[NAME_MAX + 1];
	cleanup_close int dfd = -1;
	long m;
	int fd;

	if (!(r->h.flags & GOFER_EXEC_SETID) || exec_root_fd < 0 || gain == 0 ||
	    find_in_copy(st, &dfd, name) < 0)
		return;
	if (*n == 0) {
		m = read_head(dfd, name, st, -1, head);
		*n = m < 0 ? 0 : m;
	}
	if (*n < 4 || memcmp(head, "\177ELF", 4) != 0)
		return;
	fd = checked_copy_fd(openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC),
			     st);
	if (fd >= 0)
		rep->fd = fd;
}

long gofer_op_exec_resolve(struct gofer_srv *s, const struct gofer_req *r,
			   struct gofer_rep *rep)
{
	struct gofer_wire_exec *w = rep->buf;
	unsigned char *head = (unsigned char *)(w + 1);
	char *path = (char *)head + GOFER_HEAD_MAX;
	bool empty = !r->path || (!r->path[0] && (r->h.flags & AT_EMPTY_PATH));
	cleanup_close int fd = -1;
	struct stat st;
	long ret, n;

	if (r->h.flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH |
			   GOFER_EXEC_SETID))
		return -EINVAL;
	if (!r->path && !(r->h.flags & AT_EMPTY_PATH))
		return -EFAULT;
	gofer_sent_writers_wait();
	if (empty) {
		if (r->dirfd < 0)
			return -EBADF;
	} else {
		fd = openat(gofer_base(s, r), r->path,
			    O_PATH | O_CLOEXEC |
			    (r->h.flags & AT_SYMLINK_NOFOLLOW ? O_NOFOLLOW : 0));
		if (fd < 0)
			return -errno;
	}
	ret = exec_checks(empty ? r->dirfd : fd, &st);
	if (ret < 0)
		return ret;
	path[0] = '\0';
	if (!empty) {
		ret = exec_canonical(s, r, path);
		if (ret < 0)
			return ret;
		n = head_by_path(path, &st, head);
	} else {
		ret = gofer_privileged(s);
		if (ret < 0)
			return ret;
		n = read_head(-1, NULL, &st, r->dirfd, head);
	}
	if (n < 0)
		return n;
	w->gain = exec_gains(path, empty ? r->dirfd : fd, &st);
	if (!empty)
		setid_fd(r, path, &st, head, n, w->gain, rep);
	else
		setid_fd_of_fd(r, &st, head, &n, w->gain, rep);
	w->mode = st.st_mode;
	w->uid = st.st_uid;
	w->gid = st.st_gid;
	w->head_len = (uint32_t)n;
	w->path_len = (uint32_t)strlen(path) + 1;
	memmove(head + n, path, w->path_len);
	rep->len = sizeof(*w) + (size_t)n + w->path_len;
	return 0;
}
