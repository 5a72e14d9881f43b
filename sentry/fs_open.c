// SPDX-License-Identifier: Apache-2.0
/*
 * open, openat, openat2, creat. The gofer opens (every O_ flag passes
 * through, under the task's credentials and umask) and donates the fd;
 * the sentry installs it in the task, applying O_CLOEXEC there, and closes
 * its own copy. Virtual paths are opened by the sentry's virtual trees.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/stat.h>

#include "gofer/client.h"
#include "platform/platform.h"
#include "lib/cleanup.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

#ifndef __O_TMPFILE
#define __O_TMPFILE (O_TMPFILE & ~O_DIRECTORY)
#endif

/* The flags Linux knows (build_open_flags). */
#define VALID_OPEN_FLAGS                                                   \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |     \
	 O_NONBLOCK | O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE |           \
	 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH |        \
	 __O_TMPFILE | O_SYNC)

#define O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)

#define VALID_RESOLVE_FLAGS                                                \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |    \
	 RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED)

static bool creates(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

/* The number after KEY in /proc/PID/FILE of the sentry's procfs of the
 * sandbox, 0 if unknown ("unlimited" included). */
static unsigned long proc_value(pid_t pid, const char *file, const char *key)
{
	char path[64], buf[4096], *l;
	unsigned long v = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	l = strstr(buf, key);
	if (l == NULL || sscanf(l + strlen(key), "%lu", &v) != 1)
		return 0;
	return v;
}

/*
 * Whether fewer fd numbers than the install takes (ptrace: two, for the
 * socketpair it receives through) are free below the task's limit.
 * Linux takes the
 * fd before it looks the path up, so an open that finds the table full
 * creates and truncates nothing; here the gofer opens first, so a creating
 * or truncating open asks this before (docs/security.md, "Resource
 * exhaustion"). Best effort: racy against the task's other threads, no
 * answer without the procfs, none above 65536 fds (the scan's cost).
 * Costs two procfs reads per creating or truncating open.
 */
static bool fd_table_full(struct sc_call *c)
{
	const struct plat_call *pc = c->platform;
	unsigned long need = pc->kind == PLATFORM_PTRACE || pc->at_stop ? 2 : 1;
	unsigned long lim, size, used = 0;
	char path[64], buf[8192];
	long n;
	int fd;

	lim = proc_value(c->t->tgid, "limits", "Max open files");
	if (lim == 0 || lim > 65536)
		return false;
	/* Every open fd is below the table's size: smaller than the limit
	 * (the common case), there is room without counting. */
	size = proc_value(c->t->tgid, "status", "FDSize:");
	if (size != 0 && size + need <= lim)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)c->t->tgid);
	fd = openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long o = 0; o < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + o);
			char *end;
			unsigned long v = strtoul(d->d_name, &end, 10);

			if (end != d->d_name && *end == '\0' && v < lim)
				used++;
			o += d->d_reclen;
		}
	}
	close(fd);
	return used + need > lim;
}

/* An O_PATH or O_DIRECTORY open found a directory: the cache may keep
 * it for the next calls. */
static void note_dir(struct sc_call *c, const struct fs_path *p,
		     const struct gofer_creds *cr, int fd)
{
	struct stat st;

	/* a cache: a directory not noted costs the next call a gofer trip */
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		(void)fs_dcache_note(c, p, cr, &st);
}

/*
 * openat2's RESOLVE_* rules on a path the virtual trees serve (the gofer
 * applies them to the rest, in its openat2): /proc and /dev are mounts of their
 * own, /proc/self, /proc/thread-self and /dev/fd are symlinks, and a pid
 * directory's exe, cwd, root, fd/N, map_files/X and ns/X are magic
 * links. A trailing link with O_NOFOLLOW is not followed, so allowed.
 */
#define VIRT_MAX_COMPS 16

static bool all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static size_t split_path(char *buf, const char **comp)
{
	size_t n = 0;

	for (char *t = strtok(buf, "/"); t != NULL && n < VIRT_MAX_COMPS;
	     t = strtok(NULL, "/"))
		comp[n++] = t;
	return n;
}

/* The index of the magic link among comp[i..n), or n if none. */
static size_t magic_at(const char **comp, size_t i, size_t n)
{
	if (i + 1 < n && strcmp(comp[i], "task") == 0 && all_digits(comp[i + 1]))
		i += 2;
	if (i >= n)
		return n;
	if (strcmp(comp[i], "exe") == 0 || strcmp(comp[i], "cwd") == 0 ||
	    strcmp(comp[i], "root") == 0)
		return i;
	if (i + 1 < n && (strcmp(comp[i], "fd") == 0 ||
			  strcmp(comp[i], "map_files") == 0 ||
			  strcmp(comp[i], "ns") == 0))
		return i + 1;
	return n;
}

static int virt_resolve(const struct fs_path *p, bool abs, bool from_vfs,
			int flags, uint64_t resolve)
{
	char buf[PATH_MAX];
	const char *comp[VIRT_MAX_COMPS];
	size_t n, link = 0, magic;
	bool nofollow_ok;

	if (!vtree_path_is_virtual(p->vpath))
		return 0;
	if (abs && (resolve & RESOLVE_BENEATH))
		return -EXDEV;
	if ((resolve & RESOLVE_NO_XDEV) && (abs || !from_vfs))
		return -EXDEV;	/* walked into the virtual trees' mount */
	snprintf(buf, sizeof(buf), "%s", p->vpath);
	n = split_path(buf, comp);
	if (n >= 2 && strcmp(comp[0], "dev") == 0 && strcmp(comp[1], "fd") == 0)
		magic = n > 2 ? 2 : n, link = 1;	/* /dev/fd -> /proc/self/fd */
	else if (n >= 2 && strcmp(comp[0], "proc") == 0)
		magic = magic_at(comp, 2, n);
	else
		return 0;
	if (strcmp(comp[1], "self") == 0 || strcmp(comp[1], "thread-self") == 0)
		link = 1;
	nofollow_ok = (flags & O_NOFOLLOW) != 0;
	if ((resolve & RESOLVE_NO_SYMLINKS) && link &&
	    !(n == 2 && nofollow_ok))
		return -ELOOP;
	if ((resolve & (RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)) &&
	    magic < n && !(magic == n - 1 && nofollow_ok))
		return -ELOOP;
	return 0;
}

/* RESOLVE_* on a path routed through the virtual trees (served by them, or
 * led out of them by a magic link). */
static int open_resolve(struct sc_call *c, int dirfd, uint64_t upath,
			const struct fs_path *p, int flags, uint64_t resolve)
{
	char first = 0, start[PATH_MAX];
	bool abs, from_vfs = false;
	int fd, ret;

	ret = task_read(c, upath, &first, 1);
	if (ret < 0)
		return ret;
	abs = first == '/' && !(resolve & RESOLVE_IN_ROOT);
	if (!abs && dirfd != AT_FDCWD) {
		fd = task_dup_fd(c, dirfd);
		if (fd >= 0) {
			from_vfs = vtree_fd_path(fd, start, sizeof(start)) == 0;
			close(fd);
		}
	} else if (!abs) {
		from_vfs = vtree_fd_path(c->t->fs->cwd_fd, start,
				       sizeof(start)) == 0;
	}
	return virt_resolve(p, abs, from_vfs, flags, resolve);
}

static void refill_commit(struct sc_call *c)
{
	fs_openpool_refill(c);
}

/*
 * The fd is the call's result; the fd pool's refill (if the open noted
 * one) comes after the task has it, off its latency: at once when the
 * install was the reply (ADDFD with SEND), else as the call's commit,
 * which runs after the reply (ptrace, older kernels; the cache entry a
 * refill may need first is then made before the reply, while p is
 * there).
 */
static long install_then_refill(struct sc_call *c, const struct fs_path *p,
				int fd, int flags, bool pooled)
{
	const struct plat_call *pc = c->platform;
	unsigned fl = (unsigned)(flags & O_CLOEXEC);
	/* a pooled fd is never O_PATH (fs_openpool_eligible) */
	int ret = pooled ? task_install_file_result(c, fd, fl) :
			   task_install_fd_result(c, fd, fl);

	if (ret < 0)
		return ret;
	fs_openpool_fill(c, p);
	if (pc->replied)
		fs_openpool_refill(c);
	else
		sc_commit(c, refill_commit, NULL, 0, 0);
	return ret;
}

/* A directory fd the task may fchmod or fchown (PASS calls) from now on:
 * the directory cache validates that directory on every use. */
static void expose_dir(int fd)
{
	struct stat st;

	if (fs_dcache_enabled() && fstat(fd, &st) == 0)
		fs_dcache_expose(&st);
}

static long do_open(struct sc_call *c, int dirfd, uint64_t upath, int flags,
		    mode_t mode, uint64_t resolve)
{
	cleanup_fs_path struct fs_path p = { .dupfd = -1 };
	cleanup_close int fd = -1;
	struct fs_dcache_change ch;
	struct gofer_creds cr;
	int hops = 0, ret;

	if ((creates(flags) || (flags & O_TRUNC)) && fd_table_full(c))
		return -EMFILE;
	/* An open the pool may serve is pure up to its install (an ADDFD,
	 * which fails on a notification gone): its path read is checked
	 * only if it then goes elsewhere (a device or FIFO open, the gofer,
	 * may have effects). */
	c->pure = fs_openpool_eligible(flags) && !resolve;
	/* openat2's RESOLVE_* rules are the gofer's (the virtual trees' checked
	 * here); no redirect then. RESOLVE_IN_ROOT: "/" is the dirfd. */
	ret = fs_path_get(c, dirfd, upath,
			  resolve ? ((resolve & RESOLVE_IN_ROOT) ? FS_AT_DIRFD
								 : 0)
				  : FS_VIRT_LINKS,
			  &p);
	if (ret == 0 && resolve)
		ret = open_resolve(c, dirfd, upath, &p, flags, resolve);
	if (ret == 0) {
		task_gofer_creds(c->t, &cr);
		if (fs_openpool_take(c, &p, &cr, flags, resolve, &fd) == 0)
			return install_then_refill(c, &p, fd, flags, true);
	}
	if (ret == 0 && c->pure)
		ret = task_call_valid(c);
	while (ret == 0) {
		if (p.virt) {
			ret = vtree_open(c, p.vpath, flags & ~O_CLOEXEC, &fd);
			break;
		}
		task_gofer_creds(c->t, &cr);
		if (flags & O_CREAT)
			fs_dcache_begin(c, &p, &ch);
		ret = gofer_openat(task_gofer(c->t), &cr, &p.at,
				   flags & ~O_CLOEXEC, mode, resolve, &fd);
		if (flags & O_CREAT)	/* it may have made the name */
			fs_dcache_end(&ch, ret);
		if (ret == 0 && !resolve && (flags & (O_PATH | O_DIRECTORY)))
			note_dir(c, &p, &cr, fd);
		if (ret != -GOFER_EVIRTUAL)
			break;
		ret = fs_path_redirect(c, &p, &hops);
	}
	if (!p.virt) {
		long res = ret;

		if (fs_fifo_open(c, &p, &cr, flags, resolve, &fd, &res))
			return res;
	}
	if (ret < 0)
		return ret;
	if (!p.virt && !(flags & O_PATH))
		expose_dir(fd);
	return install_then_refill(c, &p, fd, flags, false);
}

/* open(2)/openat(2): unknown bits are ignored, as Linux does. */
static long open_legacy(struct sc_call *c, int dirfd, uint64_t upath,
			int flags, mode_t mode)
{
	flags &= VALID_OPEN_FLAGS;
	if (flags & O_PATH)
		flags &= O_PATH_FLAGS;
	if (!creates(flags))
		mode = 0;
	return do_open(c, dirfd, upath, flags | O_LARGEFILE, mode & 07777, 0);
}

SENTRY_HANDLER(open)
{
	return open_legacy(c, AT_FDCWD, c->args[0], (int)c->args[1],
			   (mode_t)c->args[2]);
}

SENTRY_HANDLER(openat)
{
	return open_legacy(c, (int)c->args[0], c->args[1], (int)c->args[2],
			   (mode_t)c->args[3]);
}

SENTRY_HANDLER(creat)
{
	return open_legacy(c, AT_FDCWD, c->args[0],
			   O_CREAT | O_WRONLY | O_TRUNC, (mode_t)c->args[1]);
}

/* Copies struct open_how with openat2's size rules: smaller than version
 * 0 is EINVAL, unknown trailing bytes must be zero (E2BIG). */
static int read_open_how(struct sc_call *c, uint64_t uhow, size_t size,
			 struct open_how *how)
{
	return fs_read_ext_struct(c, uhow, size, how, sizeof(*how));
}

static int check_open_how(const struct open_how *how)
{
	if (how->flags & ~(uint64_t)(unsigned)VALID_OPEN_FLAGS)
		return -EINVAL;
	if (how->resolve & ~(uint64_t)VALID_RESOLVE_FLAGS)
		return -EINVAL;
	if (how->mode & ~(uint64_t)07777)
		return -EINVAL;
	if (how->mode != 0 && !creates((int)how->flags))
		return -EINVAL;
	if ((how->flags & O_PATH) && (how->flags & ~(uint64_t)O_PATH_FLAGS))
		return -EINVAL;
	if ((how->resolve & RESOLVE_BENEATH) &&
	    (how->resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	if ((how->resolve & RESOLVE_CACHED) &&
	    (how->flags & (O_TRUNC | O_CREAT | __O_TMPFILE)))
		return -EAGAIN;
	return 0;
}

SENTRY_HANDLER(openat2)
{
	int dirfd = (int)c->args[0];
	uint64_t upath = c->args[1], uhow = c->args[2];
	size_t size = (size_t)c->args[3];
	struct open_how how;
	int ret;

	ret = read_open_how(c, uhow, size, &how);
	if (ret < 0)
		return ret;
	ret = check_open_how(&how);
	if (ret < 0)
		return ret;
	return do_open(c, dirfd, upath, (int)how.flags | O_LARGEFILE,
		       (mode_t)how.mode, how.resolve);
}
