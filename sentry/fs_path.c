// SPDX-License-Identifier: Apache-2.0
/*
 * Path arguments of the path syscalls: read once from workload memory
 * (invariant 1), then routed either to the gofer (a gofer_at: start
 * directory, root, path as given) or to the sentry's virtual filesystems
 * (a lexically cleaned absolute path under /proc, /sys, /dev/fd...).
 *
 * The start directory: AT_FDCWD is the task's cwd fd; a dirfd is a
 * sentry-side copy of the workload's fd (pidfd_getfd); an absolute path
 * starts at the task's root. A chrooted task sees no virtual trees: like
 * Linux, /proc is whatever its new root holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "sentry/internal.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

bool fs_capable(const struct task *t, int cap)
{
	return (t->creds.cap_effective >> cap) & 1;
}

/* ---- directory paths, cached by inode ---------------------------------- */

/*
 * The gofer finds a directory's path by walking ".." and reading each
 * parent for the child's inode; the cache keeps the answer by inode. A
 * path can go stale without the sentry seeing it (the host or another
 * process renames the directory or an ancestor, or removes it), so a hit
 * is used only after that path was found to name the same directory
 * now: by the directory cache (fs_dcache.c, validated, no gofer call)
 * when it holds the path, else by the gofer opening it again, symlinks
 * refused (one open instead of the walk and the reads).
 */

#define DIR_CACHE_SIZE 16

struct dir_cache_ent {
	dev_t dev;
	ino_t ino;
	bool used;
	char path[PATH_MAX];
};

static struct dir_cache_ent dir_cache[DIR_CACHE_SIZE];
static unsigned dir_cache_next;

void fs_dir_path_flush(void)
{
	for (size_t i = 0; i < DIR_CACHE_SIZE; i++)
		dir_cache[i].used = false;
	fs_dcache_flush();
}

static struct dir_cache_ent *dir_cache_find(const struct stat *st)
{
	for (size_t i = 0; i < DIR_CACHE_SIZE; i++) {
		struct dir_cache_ent *e = &dir_cache[i];

		if (e->used && e->dev == st->st_dev && e->ino == st->st_ino)
			return e;
	}
	return NULL;
}

/* Whether e's path still names the directory st is of: the directory
 * cache's (validated) answer when it has one, else the gofer's. */
static bool dir_cache_valid(struct sc_call *c, const struct dir_cache_ent *e,
			    const struct stat *st)
{
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT,
			       .rootfd = GOFER_AT_ROOT, .path = e->path };
	struct fs_path p = { .dupfd = -1 };
	struct stat now;
	int fd = -1, ret;

	strcpy(p.path, e->path);
	p.at = at;
	p.at.path = p.path;
	if (fs_dcache_stat(c, &p, &now) == 0)
		return now.st_dev == st->st_dev && now.st_ino == st->st_ino;
	ret = gofer_openat(task_gofer(c->t), NULL, &at,
			   O_PATH | O_DIRECTORY | O_NOFOLLOW,
			   0, RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, &fd);
	if (ret < 0)
		return false;
	ret = fstat(fd, &now);
	close(fd);
	return ret == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino;
}

static void dir_cache_add(const struct stat *st, const char *path)
{
	struct dir_cache_ent *e = &dir_cache[dir_cache_next++ % DIR_CACHE_SIZE];

	if (strlen(path) >= sizeof(e->path))
		return;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	strcpy(e->path, path);
	e->used = true;
}

int fs_dir_path(struct sc_call *c, int fd, char *buf, size_t len)
{
	struct stat st;
	struct dir_cache_ent *hit;
	int ret;

	/* The cache is written under the sentry lock held for writing. */
	if (sentry_worker_shared())
		return -SENTRY_EHANDOFF;
	if (vtree_fd_path(fd, buf, len) == 0)
		return (int)strlen(buf);
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	hit = dir_cache_find(&st);
	if (hit != NULL && dir_cache_valid(c, hit, &st)) {
		if (strlen(hit->path) >= len)
			return -ERANGE;
		strcpy(buf, hit->path);
		return (int)strlen(buf);
	}
	if (hit != NULL)	/* moved or gone since */
		hit->used = false;
	ret = gofer_dir_path(task_gofer(c->t), fd, buf, len);
	if (ret < 0)
		return ret;
	buf[len - 1] = '\0';
	dir_cache_add(&st, buf);
	return (int)strlen(buf);
}

/* ---- fs_path ----------------------------------------------------------- */

void fs_path_put(struct fs_path *p)
{
	if (p->dupfd >= 0)
		close(p->dupfd);
	p->dupfd = -1;
}

static bool chrooted(const struct task *t)
{
	return t->fs->root_fd != GOFER_AT_ROOT;
}

/* Reads the path; "" is accepted only with FS_EMPTY_OK. */
static int read_path(struct sc_call *c, uint64_t upath, unsigned how,
		     struct fs_path *p)
{
	long n;

	if (upath == 0 && (how & FS_NULL_OK))
		n = -ENOENT;
	else
		n = task_read_path(c, upath, p->path, sizeof(p->path));
	if (n == -ENOENT && (how & (FS_EMPTY_OK | FS_NULL_OK))) {
		p->path[0] = '\0';
		p->empty = true;
		return 0;
	}
	return n < 0 ? (int)n : 0;
}

/* The sentry-side start directory for dirfd (AT_FDCWD: the cwd, not owned;
 * otherwise an owned copy kept in p->dupfd). */
static int start_dir(struct sc_call *c, int dirfd, struct fs_path *p)
{
	int fd;

	if (dirfd == AT_FDCWD)
		return c->t->fs->cwd_fd;
	fd = task_dup_fd(c, dirfd);
	if (fd < 0)
		return fd;
	p->dupfd = fd;
	return fd;
}

/* "" with AT_EMPTY_PATH: the object is the start directory (or fd). */
static int resolve_empty(struct sc_call *c, int dirfd, struct fs_path *p)
{
	int fd = start_dir(c, dirfd, p);

	if (fd < 0)
		return fd;
	if (p->dupfd < 0) {
		p->dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (p->dupfd < 0)
			return -errno;
		fd = p->dupfd;
	}
	p->have_st = fstat(fd, &p->st) == 0;
	if ((!p->have_st || vtree_maybe_mirror(&p->st)) &&
	    vtree_fd_path(fd, p->vpath, sizeof(p->vpath)) == 0) {
		if (sentry_worker_no_vtree())	/* sentry/workers.c */
			return -SENTRY_EHANDOFF;
		p->virt = true;
	}
	p->at.dirfd = fd;
	p->at.path = p->path;
	p->held = dirfd != AT_FDCWD;
	return 0;
}

/* The path ends with "/" or a "." or ".." component. */
static bool ends_dir(const char *path)
{
	size_t n = strlen(path);

	if (n == 0)
		return false;
	if (path[n - 1] == '/')
		return true;
	if (path[n - 1] != '.')
		return false;
	if (n == 1 || path[n - 2] == '/')
		return true;
	return path[n - 2] == '.' && (n == 2 || path[n - 3] == '/');
}

static int route_clean(struct sc_call *c, struct fs_path *p,
		       const char *base, bool mirror)
{
	int ret = vtree_path_clean(p->vpath, sizeof(p->vpath), base, p->path);
	size_t n = strlen(p->vpath);

	if (ret < 0)
		return ret;
	/* "x/", "x/." must name a directory (and follow a final link):
	 * keep the slash for the virtual tree walk. */
	if (n > 1 && ends_dir(p->path)) {
		if (n + 2 > sizeof(p->vpath))
			return -ENAMETOOLONG;
		strcpy(p->vpath + n, "/");
	}
	p->virt = vtree_path_is_virtual(p->vpath);
	if ((p->virt || mirror) && sentry_worker_no_vtree())
		return -SENTRY_EHANDOFF;	/* sentry/workers.c */
	if (!p->virt && mirror) {
		/* Climbed out of a virtual tree: continue from the root. */
		p->at.dirfd = c->t->fs->root_fd;
		p->at.path = p->vpath;
	}
	/* A walk that fails leaves p virtual: the virtual call walks the
	 * same path again and answers with that error. */
	if (p->virt)
		(void)vtree_escape(c, p);
	return 0;
}

static int resolve_relative(struct sc_call *c, int dirfd, unsigned how,
			    struct fs_path *p)
{
	char base[PATH_MAX];
	bool mirror;
	int fd, ret;

	fd = start_dir(c, dirfd, p);
	if (fd < 0)
		return fd;
	p->at.dirfd = fd;
	mirror = vtree_fd_path(fd, base, sizeof(base)) == 0;
	if (!mirror && ((how & FS_NO_VIRTUAL) || chrooted(c->t) ||
			!vtree_relative_may_be_virtual(p->path)))
		return 0;
	if (!mirror) {
		ret = fs_dir_path(c, fd, base, sizeof(base));
		if (ret == -SENTRY_EHANDOFF)
			return ret;
		if (ret < 0)	/* not a directory, gone...: the gofer says */
			return 0;
	}
	return route_clean(c, p, base, mirror);
}

int fs_read_ext_struct(struct sc_call *c, uint64_t uaddr, size_t usize,
		       void *dst, size_t ksize)
{
	unsigned char extra[256];
	int ret;

	if (usize < ksize)
		return -EINVAL;
	if (usize > 4096)
		return -E2BIG;
	ret = task_read(c, uaddr, dst, ksize);
	if (ret < 0)
		return ret;
	for (size_t off = ksize; off < usize; off += sizeof(extra)) {
		size_t n = usize - off < sizeof(extra) ? usize - off
						       : sizeof(extra);

		ret = task_read(c, uaddr + off, extra, n);
		if (ret < 0)
			return ret;
		for (size_t i = 0; i < n; i++)
			if (extra[i] != 0)
				return -E2BIG;
	}
	return 0;
}

/* "/x" is "x" from the start directory, "/" the directory itself. */
static void at_dirfd(char *path)
{
	size_t skip = strspn(path, "/");

	if (path[skip] == '\0')
		strcpy(path, ".");
	else
		memmove(path, path + skip, strlen(path + skip) + 1);
}

int fs_path_get(struct sc_call *c, int dirfd, uint64_t upath, unsigned how,
		struct fs_path *p)
{
	int ret;

	p->virt = false;
	p->empty = false;
	p->held = false;
	p->dupfd = -1;
	p->vpath[0] = '\0';
	p->at.rootfd = c->t->fs->root_fd;
	p->at.dirfd = c->t->fs->root_fd;
	p->at.path = p->path;
	p->at.virt_ok = (how & FS_VIRT_LINKS) && !(how & FS_NO_VIRTUAL) &&
			!chrooted(c->t);

	ret = read_path(c, upath, how, p);
	if (ret < 0)
		return ret;
	if (p->empty)
		return resolve_empty(c, dirfd, p);
	if ((how & FS_AT_DIRFD) && p->path[0] == '/')
		at_dirfd(p->path);
	if (p->path[0] != '/')
		return resolve_relative(c, dirfd, how, p);
	/* Absolute: dirfd is not used, but Linux does not check it either. */
	if ((how & FS_NO_VIRTUAL) || chrooted(c->t))
		return 0;
	return route_clean(c, p, NULL, false);
}

/*
 * An object the gofer does not serve (it answers EXDEV: a pipe, a socket,
 * an anon inode, a memfd, a host file runsc handed over as stdio) that
 * the task holds (p->held): the call's fd form nr(fd, a1, a2, a3), a
 * PASS call, run by the task itself (task_run_on_fd), so that the kernel
 * decides with the task's credentials, as when the task makes it. Its
 * pointers are the task's own (fgetxattr's name and buffer): what the
 * kernel reads there decides nothing the task could not ask that PASS
 * call for itself.
 */
long fs_path_held_call(struct sc_call *c, const struct fs_path *p, long ret,
		       long nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (ret != -EXDEV || !p->empty || !p->held)
		return ret;
	return task_run_on_fd(c, p->at.dirfd, nr, a1, a2, a3);
}

/* Redirects of one call before ELOOP (each is a symlink the gofer
 * followed into a virtual tree that led out again, and back). */
#define FS_MAX_REDIRECTS 8

int fs_path_redirect(struct sc_call *c, struct fs_path *p, int *hops)
{
	const char *virt = task_gofer(c->t)->virt;

	if (sentry_worker_no_vtree())	/* it leads into a virtual tree */
		return -SENTRY_EHANDOFF;
	if (++*hops > FS_MAX_REDIRECTS)
		return -ELOOP;
	if (strlen(virt) >= sizeof(p->path))
		return -ENAMETOOLONG;
	strcpy(p->path, virt);
	p->empty = false;
	p->at.path = p->path;
	/* As when a walk climbs out of a virtual tree: what is not virtual
	 * after cleaning continues from the root. */
	return route_clean(c, p, NULL, true);
}
