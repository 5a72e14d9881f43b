// SPDX-License-Identifier: Apache-2.0
/*
 * Paths that lead into the sentry's virtual trees.
 *
 * The sentry serves /proc, /sys, /dev/fd and /dev/std{in,out,err}; in the
 * gofer's root those are empty directories (or nothing). The sentry routes
 * a path that names them lexically, but a symlink can lead there too
 * (Debian's /etc/mtab -> ../proc/self/mounts, /x -> /proc/self/status),
 * and the kernel's walk here then lands on the empty directory: ENOENT, or
 * the wrong directory. For a request with GOFER_X_VIRTUAL whose result
 * looks like that (ENOENT, or the object is one of those directories),
 * gofer_virtual_probe() walks the path again component by component, as
 * the task (permissions are the kernel's), following symlinks as Linux
 * does; if the walk is about to look up "proc" or "sys" in the sandbox
 * root, or "fd", "stdin", "stdout", "stderr" in its /dev, the rest of the
 * path belongs to the sentry and the reply is a redirect to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "gofer/server.h"
#include "lib/cleanup.h"

#define VIRT_MAXSYMLINKS 40

void gofer_virtual_init(struct gofer_srv *s)
{
	static const char *const dirs[] = { "proc", "sys", "dev/fd" };
	struct stat st;

	s->dev_ino = 0;
	if (fstatat(s->root_fd, "dev", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode)) {
		s->dev_dev = st.st_dev;
		s->dev_ino = st.st_ino;
	}
	s->n_vdirs = 0;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (fstatat(s->root_fd, dirs[i], &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode))
			continue;
		s->vdirs[s->n_vdirs].dev = st.st_dev;
		s->vdirs[s->n_vdirs].ino = st.st_ino;
		s->n_vdirs++;
	}
}

bool gofer_virtual_dir(const struct gofer_srv *s, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		return false;
	for (size_t i = 0; i < s->n_vdirs; i++)
		if (s->vdirs[i].dev == st->st_dev &&
		    s->vdirs[i].ino == st->st_ino)
			return true;
	return false;
}

/* The virtual prefix for looking up name in the directory st, or NULL. */
static const char *virtual_prefix(const struct gofer_srv *s,
				  const struct stat *st, const char *name,
				  size_t n)
{
	static const char *const root_names[] = { "proc", "sys" };
	static const char *const dev_names[] = { "fd", "stdin", "stdout",
						  "stderr" };

	if (st->st_dev == s->root_dev && st->st_ino == s->root_ino) {
		for (size_t i = 0; i < ARRAY_SIZE(root_names); i++)
			if (strlen(root_names[i]) == n &&
			    memcmp(root_names[i], name, n) == 0)
				return "";
	}
	if (s->dev_ino && st->st_dev == s->dev_dev &&
	    st->st_ino == s->dev_ino) {
		for (size_t i = 0; i < ARRAY_SIZE(dev_names); i++)
			if (strlen(dev_names[i]) == n &&
			    memcmp(dev_names[i], name, n) == 0)
				return "/dev";
	}
	return NULL;
}

static int reopen(int *cur, int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
					     O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (*cur >= 0)
		close(*cur);
	*cur = fd;
	return 0;
}

/* Replaces todo with target followed by rest (rest may alias todo). */
static int splice_link(char *todo, size_t cap, const char *target, size_t tlen,
		  const char *rest)
{
	size_t rlen = strlen(rest);

	if (tlen + rlen + 1 > cap)
		return -ENAMETOOLONG;
	memmove(todo + tlen, rest, rlen + 1);
	memcpy(todo, target, tlen);
	return 0;
}

/*
 * Walks path from base as the task. Returns 1 with the virtual path in out
 * when the walk enters a virtual tree, 0 when it does not (or fails: then
 * the op's own answer stands). follow: whether a final symlink is followed.
 */
static int walk(struct gofer_srv *s, int base, const char *path, bool follow,
		char *out, size_t cap)
{
	char todo[2 * GOFER_PATH_MAX], target[GOFER_PATH_MAX];
	cleanup_close int cur = -1;
	int links = 0;
	char *p;

	if (strlen(path) >= sizeof(todo))
		return 0;
	strcpy(todo, path);
	if (reopen(&cur, todo[0] == '/' ? s->root_fd : base, ".") < 0)
		return 0;
	p = todo;
	for (;;) {
		char name[NAME_MAX + 1];
		const char *pre, *rest;
		struct stat dst, st;
		bool final;
		size_t n;
		ssize_t tl;

		while (*p == '/')
			p++;
		if (*p == '\0')
			return 0;
		rest = strchrnul(p, '/');
		n = (size_t)(rest - p);
		if (n > NAME_MAX)
			return 0;
		memcpy(name, p, n);
		name[n] = '\0';
		final = rest[strspn(rest, "/")] == '\0';
		if (strcmp(name, ".") == 0) {
			p += n;
			continue;
		}
		if (fstat(cur, &dst) < 0)
			return 0;
		pre = strcmp(name, "..") ? virtual_prefix(s, &dst, name, n)
					 : NULL;
		if (pre) {
			int len = snprintf(out, cap, "%s/%s", pre, p);

			return len > 0 && (size_t)len < cap ? 1 : 0;
		}
		if (fstatat(cur, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		if (S_ISLNK(st.st_mode) && (!final || follow || *rest)) {
			if (++links > VIRT_MAXSYMLINKS)
				return 0;
			tl = readlinkat(cur, name, target, sizeof(target));
			if (tl <= 0 || (size_t)tl >= sizeof(target))
				return 0;
			if (splice_link(todo, sizeof(todo), target, (size_t)tl,
				   rest) < 0)
				return 0;
			p = todo;
			if (target[0] == '/' && reopen(&cur, s->root_fd, ".") < 0)
				return 0;
			continue;
		}
		if (final && !*rest)
			return 0;
		if (!S_ISDIR(st.st_mode) || reopen(&cur, cur, name) < 0)
			return 0;
		p += n;
	}
}

int gofer_virtual_probe(struct gofer_srv *s, const struct gofer_req *r,
			long ret, struct gofer_rep *rep)
{
	bool follow = true, candidate = ret == -ENOENT;
	struct stat st;
	int n;

	if (!(r->h.xflags & GOFER_X_VIRTUAL) || r->rootfd >= 0 || !r->path)
		return 0;
	switch (r->h.op) {
	case GOFER_OP_OPENAT:
		follow = !(r->h.flags & O_NOFOLLOW);
		if (ret == 0 && rep->fd >= 0 && fstat(rep->fd, &st) == 0)
			candidate = gofer_virtual_dir(s, &st);
		break;
	case GOFER_OP_FSTATAT:
		follow = !(r->h.flags & AT_SYMLINK_NOFOLLOW);
		if (ret == 0 && rep->len == sizeof(st)) {
			memcpy(&st, rep->buf, sizeof(st));
			candidate = gofer_virtual_dir(s, &st);
		}
		break;
	case GOFER_OP_STATX:
		follow = !(r->h.flags & AT_SYMLINK_NOFOLLOW);
		if (ret == 0 && rep->len == sizeof(struct statx)) {
			struct statx stx;

			memcpy(&stx, rep->buf, sizeof(stx));
			st.st_mode = stx.stx_mode;
			st.st_ino = stx.stx_ino;
			st.st_dev = makedev(stx.stx_dev_major,
					    stx.stx_dev_minor);
			candidate = gofer_virtual_dir(s, &st);
		}
		break;
	case GOFER_OP_FACCESSAT:
		follow = !(r->h.flags & AT_SYMLINK_NOFOLLOW);
		break;
	case GOFER_OP_READLINKAT:
		follow = false;
		break;
	case GOFER_OP_EXEC_RESOLVE:
		follow = !(r->h.flags & AT_SYMLINK_NOFOLLOW);
		break;
	case GOFER_OP_STATFS:
		if (ret == 0 && fstatat(gofer_base(s, r), r->path, &st, 0) == 0)
			candidate = gofer_virtual_dir(s, &st);
		break;
	default:
		return 0;
	}
	if (!candidate)
		return 0;
	n = walk(s, gofer_base(s, r), r->path, follow, rep->buf,
		 GOFER_PATH_MAX);
	if (n <= 0)
		return 0;
	if (rep->fd >= 0)
		close(rep->fd);
	rep->fd = -1;
	rep->len = strlen(rep->buf) + 1;
	return 1;
}
