// SPDX-License-Identifier: Apache-2.0
/*
 * Walking the virtual trees and the operations on them: open, stat,
 * statfs, access, readlink. Paths come cleaned from sentry/fs_path.c;
 * symlinks inside the trees (/proc/self, /dev/fd, /proc/mounts) are
 * followed here with Linux's limit of 40; links that leave the trees
 * (/proc/<pid>/{cwd,root,exe,fd/N}) end the walk with a "foreign" object
 * served by the gofer or the task's own fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "lib/devrules.h"
#include "lib/util.h"
#include "sentry/idmap.h"
#include "sentry/nsfs.h"
#include "sentry/task.h"
#include "sentry/synth.h"
#include "sentry/synth_cgroup.h"

#define VFS_MAXLINKS 40

int vtree_link_target(const char *target, char *buf, size_t len)
{
	size_t n = strlen(target);

	if (n > len)
		n = len;
	memcpy(buf, target, n);
	return (int)n;
}

/* ---- the root: proc, sys, dev ------------------------------------------ */

static const struct vtree_entry *const top[] = {
	&vtree_proc_entry, &vtree_sys_entry, &vtree_dev_entry,
};

static const struct vtree_entry vroot = { .name = "", .type = VN_DIR,
					.perm = 0755 };

struct vwalk {
	bool foreign;
	int fd;			/* foreign: the object, or GOFER_AT_ROOT */
	bool owned;
	char rest[PATH_MAX];	/* foreign: the path left, may be "" */
	struct vnode link;	/* foreign: the link that led out */
	struct vnode node;
	bool no_open;		/* in: foreign links are not opened (fd -1) */
};

static void vwalk_release(struct vwalk *w)
{
	if (w->foreign && w->owned && w->fd >= 0)
		close(w->fd);
	w->foreign = false;
}

static void set_child_path(struct vnode *out, const struct vnode *dir,
			   const char *name)
{
	size_t n = strlen(dir->path);

	if (n == 1)
		n = 0;
	if (n + 1 + strlen(name) + 1 > sizeof(out->path)) {
		out->path[0] = '\0';
		return;
	}
	memcpy(out->path, dir->path, n);
	out->path[n] = '/';
	strcpy(out->path + n + 1, name);
}

static int lookup_child(struct sc_call *c, const struct vnode *dir,
			const char *name, struct vnode *out)
{
	const struct vtree_entry *e = dir->ent;

	if (e->type != VN_DIR)
		return -ENOTDIR;
	*out = (struct vnode){ .pid = dir->pid, .host_pid = dir->host_pid,
			       .num = dir->num };
	set_child_path(out, dir, name);
	if (vmask_lookup(out->path, out) == 0)
		return 0;
	if (e == &vroot) {
		for (size_t i = 0; i < ARRAY_SIZE(top); i++) {
			if (strcmp(top[i]->name, name) == 0) {
				out->ent = top[i];
				return 0;
			}
		}
		return -ENOENT;
	}
	for (const struct vtree_entry *ch = e->children; ch && ch->name; ch++) {
		if (strcmp(ch->name, name) == 0) {
			out->ent = ch;
			if ((ch->ptrace && !procfs_may_read(c, out)) ||
			    (ch->owner_dir && !procfs_may_search(c, out)))
				return -EACCES;
			return 0;
		}
	}
	if (e->lookup != NULL) {
		int ret = e->lookup(c, dir, name, out);

		if (ret != -ENOENT)
			return ret;
	}
	if (e == &vmask_dir_entry)	/* an empty tmpfs */
		return -ENOENT;
	return vmask_fallback(out->path, out);
}

static void root_node(struct vnode *n)
{
	*n = (struct vnode){ .ent = &vroot };
	strcpy(n->path, "/");
}

/* Re-walks a canonical path (no links in it) for "..". */
static int parent_node(struct sc_call *c, struct vnode *n)
{
	char path[PATH_MAX];
	char *slash, *save, *comp;
	struct vnode cur, next;

	strcpy(path, n->path);
	slash = strrchr(path, '/');
	if (slash == NULL || slash == path) {
		root_node(n);
		return 0;
	}
	*slash = '\0';
	root_node(&cur);
	for (comp = strtok_r(path, "/", &save); comp != NULL;
	     comp = strtok_r(NULL, "/", &save)) {
		int ret = lookup_child(c, &cur, comp, &next);

		if (ret < 0)
			return ret;
		cur = next;
	}
	*n = cur;
	return 0;
}

/* The walk leaves the trees at the root ("/proc/self/../../etc"). */
static int escape_root(struct sc_call *c, const char *comp, const char *rest,
		       struct vwalk *w)
{
	int n = snprintf(w->rest, sizeof(w->rest), "%s%s%s", comp,
			 *rest ? "/" : "", rest);

	if (n < 0 || (size_t)n >= sizeof(w->rest))
		return -ENAMETOOLONG;
	w->foreign = true;
	w->fd = c->t->fs->root_fd;
	w->owned = false;
	return 0;
}

/* The stat of the object a foreign link led to (a namespace's handle
 * shows the namespace's, in the task's ids). */
static int foreign_fstat(int fd, struct stat *st)
{
	if (nsfs_fd_stat(fd, st))
		return 0;
	return fstat(fd, st) < 0 ? -errno : 0;
}

static bool is_dir_fd(int fd)
{
	struct stat st;

	if (fd == GOFER_AT_ROOT)
		return true;
	return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

static int follow_link(struct sc_call *c, struct vnode *dir,
		       const struct vnode *link, char *pending,
		       const char *rest, struct vwalk *w)
{
	char target[PATH_MAX];
	int ret;

	if (link->ent->foreign != NULL && w->no_open) {
		if (strlen(rest) >= sizeof(w->rest))
			return -ENAMETOOLONG;
		strcpy(w->rest, rest);
		w->link = *link;
		w->fd = -1;
		w->owned = false;
		w->foreign = true;
		return 1;
	}
	if (link->ent->foreign != NULL) {
		ret = link->ent->foreign(c, link, &w->fd, &w->owned);
		if (ret < 0)
			return ret;
		w->foreign = true;
		if (w->fd >= 0 && vtree_fd_path(w->fd, target, sizeof(target))
				== 0) {
			/* a cwd inside the virtual trees: walk on there */
			vwalk_release(w);
			if (snprintf(pending, PATH_MAX, "%s%s%s", target,
				     *rest ? "/" : "", rest) >= PATH_MAX)
				return -ENAMETOOLONG;
			root_node(dir);
			return 0;
		}
		if (*rest != '\0' && !is_dir_fd(w->fd)) {
			vwalk_release(w);
			return -ENOTDIR;
		}
		if (strlen(rest) >= sizeof(w->rest)) {
			vwalk_release(w);
			return -ENAMETOOLONG;
		}
		strcpy(w->rest, rest);
		w->link = *link;
		w->foreign = true;
		return 1;
	}
	ret = link->ent->link(c, link, target, sizeof(target) - 1);
	if (ret < 0)
		return ret;
	target[ret] = '\0';
	if (snprintf(pending, PATH_MAX, "%s%s%s", target, *rest ? "/" : "",
		     rest) >= PATH_MAX)
		return -ENAMETOOLONG;
	if (target[0] == '/')
		root_node(dir);
	return 0;
}

/*
 * Walks path from the virtual root. follow: whether a final symlink is
 * followed. On 0, w->node is the object, or w->foreign is set.
 */
static int vwalk_mode(struct sc_call *c, const char *path, bool follow,
		      bool no_open, struct vwalk *w);

static int vwalk(struct sc_call *c, const char *path, bool follow,
		 struct vwalk *w)
{
	return vwalk_mode(c, path, follow, false, w);
}

static int vwalk_mode(struct sc_call *c, const char *path, bool follow,
		      bool no_open, struct vwalk *w)
{
	char pending[PATH_MAX], comp[NAME_MAX + 1];
	struct vnode cur, child;
	int links = 0, ret;
	const char *p;

	w->foreign = false;
	w->no_open = no_open;
	if (strlen(path) >= sizeof(pending))
		return -ENAMETOOLONG;
	strcpy(pending, path);
	root_node(&cur);
	p = pending;
	for (;;) {
		const char *end;
		bool slash;
		size_t len;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, p, len);
		comp[len] = '\0';
		slash = *end == '/';
		while (*end == '/')
			end++;
		p = end;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			ret = parent_node(c, &cur);
			if (ret < 0)
				return ret;
			continue;
		}
		ret = lookup_child(c, &cur, comp, &child);
		if (ret == -ENOENT && cur.ent == &vroot)
			return escape_root(c, comp, p, w);
		if (ret < 0)
			return ret;
		if (child.ent->type != VN_LINK ||
		    (*p == '\0' && !follow && !slash)) {
			if ((*p != '\0' || slash) &&
			    child.ent->type != VN_DIR)
				return -ENOTDIR;
			cur = child;
			continue;
		}
		if (++links > VFS_MAXLINKS)
			return -ELOOP;
		char rest[PATH_MAX];

		strcpy(rest, (*p == '\0' && slash) ? "." : p);
		ret = follow_link(c, &cur, &child, pending, rest, w);
		if (ret < 0)
			return ret;
		if (ret > 0)
			return 0;
		p = pending;
	}
	w->node = cur;
	return 0;
}

/* Whether the task may take the objects of the process of a magic link
 * (fs_path's held): its own, or one it may ptrace-attach to. */
static bool link_held(struct sc_call *c, const struct vnode *link)
{
	struct task *t;

	if (link->host_pid == c->t->host_tgid)
		return true;
	t = procfs_task_of(c, link->host_pid);
	return t != NULL && procfs_may_attach(c, t);
}

static int escape(struct sc_call *c, struct fs_path *p, bool follow)
{
	struct vwalk w;
	int ret = vwalk(c, p->vpath, follow, &w);

	if (ret < 0 || !w.foreign)
		return ret;
	if (p->dupfd >= 0)
		close(p->dupfd);
	p->dupfd = w.owned ? w.fd : -1;
	strcpy(p->path, w.rest);
	p->at.dirfd = w.fd;
	p->at.path = p->path;
	p->virt = false;
	if (p->path[0] == '\0') {
		/* The object itself: an fd the task holds is operated on
		 * directly (AT_EMPTY_PATH), the root as "." of the root. */
		if (follow && w.fd != GOFER_AT_ROOT) {
			p->empty = true;
			p->held = link_held(c, &w.link);
		} else {
			strcpy(p->path, ".");
		}
	}
	return 0;
}

int vtree_escape(struct sc_call *c, struct fs_path *p)
{
	return escape(c, p, false);
}

int vtree_escape_final(struct sc_call *c, struct fs_path *p)
{
	return escape(c, p, true);
}

/* ---- operations ---------------------------------------------------------- */

static int list_dir(struct sc_call *c, const struct vnode *n,
		    struct vtree_dirlist *l)
{
	const struct vtree_entry *e = n->ent;
	int ret;

	if (e == &vroot) {
		for (size_t i = 0; i < ARRAY_SIZE(top); i++) {
			ret = vtree_dirlist_add(l, top[i]->name, VN_DIR);
			if (ret < 0)
				return ret;
		}
		return 0;
	}
	for (const struct vtree_entry *ch = e->children; ch && ch->name; ch++) {
		ret = vtree_dirlist_add(l, ch->name, ch->type);
		if (ret < 0)
			return ret;
	}
	ret = e->list != NULL ? e->list(c, n, l) : 0;
	if (ret < 0 || e == &vmask_dir_entry)
		return ret;
	return vmask_list(n->path, l);
}

static int open_dir(struct sc_call *c, const struct vnode *n, int flags,
		    int *fd_out)
{
	struct vtree_dirlist l = { 0 };
	int ret;

	if ((flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	ret = list_dir(c, n, &l);
	if (ret >= 0 && n->ent->order != NULL) {
		qsort(l.v, l.n, sizeof(*l.v), n->ent->order);
		ret = vmirror_dir_open_ordered(c, n->path, &l, flags, fd_out);
	} else if (ret >= 0) {
		ret = vmirror_dir_open(n->path, &l, flags, fd_out);
	}
	free(l.v);
	return ret;
}

/* /sys/fs/cgroup and below: the cgroup2 mount of the container's cgroup
 * (read-only), a file system of its own under /sys. */
static bool in_cgroup_mount(const char *path)
{
	return strncmp(path, "/sys/fs/cgroup", 14) == 0 &&
	       (path[14] == '\0' || path[14] == '/');
}

/*
 * A write open of a virtual file: EACCES (procfs, sysfs as they are
 * here). In the read-only cgroup2 mount as Linux answers: O_TRUNC or a
 * caller who passes the permission check (CAP_DAC_OVERRIDE; the files
 * are root's) meets the read-only mount, EROFS; others EACCES.
 */
static int cgroup_write_errno(struct sc_call *c, const char *path, int flags)
{
	if (!in_cgroup_mount(path))
		return -EACCES;
	if ((flags & O_TRUNC) || fs_capable(c->t, CAP_DAC_OVERRIDE))
		return -EROFS;
	return -EACCES;
}

static int open_file(struct sc_call *c, const struct vnode *n, int flags,
		     int *fd_out)
{
	struct vbuf b = { 0 };
	int ret;

	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	if (n->ent == &vmask_null_entry)
		return vmask_open_null(c, flags, fd_out);
	if (((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) &&
	    vmask_readonly(n->path))
		return -EROFS;
	if (n->ent->open != NULL)
		return n->ent->open(c, n, flags, fd_out);
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return cgroup_write_errno(c, n->path, flags);
	ret = n->ent->gen(c, n, &b);
	if (ret >= 0)
		ret = b.err;
	if (ret >= 0)
		ret = vmirror_file_open(&b, fd_out);
	if (ret >= 0)
		vseek_remember(*fd_out, n->path);
	vbuf_free(&b);
	return ret;
}

/* The access open(2) checks for flags (may_open): read, write, both;
 * O_TRUNC needs write. 0 for O_PATH. */
static int open_access(int flags)
{
	int mode;

	if (flags & O_PATH)
		return 0;
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		mode = R_OK;
		break;
	case O_WRONLY:
		mode = W_OK;
		break;
	default:
		mode = R_OK | W_OK;
		break;
	}
	return (flags & O_TRUNC) ? mode | W_OK : mode;
}

/* Whether fd's own access mode covers what flags ask (st: its stat).
 * O_TRUNC, which Linux ignores but for a regular file, needs a new open
 * there. */
static bool fd_covers(int fd, const struct stat *st, int flags)
{
	int fl = fcntl(fd, F_GETFL), have, want = flags & O_ACCMODE;

	if (fl < 0 || (fl & O_PATH) ||
	    ((flags & O_TRUNC) && S_ISREG(st->st_mode)))
		return false;
	have = fl & O_ACCMODE;
	return have == O_RDWR || have == want;
}

/* The sentry thread's fs ids (per-thread, as the raw calls set them):
 * setfsuid/setfsgid of -1 only read them. false if they did not take. */
static bool set_fsids(uint32_t uid, uint32_t gid)
{
	(void)syscall(SYS_setfsgid, gid);
	(void)syscall(SYS_setfsuid, uid);
	return (uint32_t)syscall(SYS_setfsuid, -1) == uid &&
	       (uint32_t)syscall(SYS_setfsgid, -1) == gid;
}

int vtree_fsids_take(struct sc_call *c, struct vtree_fsids *own)
{
	const struct sentry *s = c->t->sentry;
	uint32_t uid = ident_to_host(s, IDENT_UID, c->t->creds.fsuid);
	uint32_t gid = ident_to_host(s, IDENT_GID, c->t->creds.fsgid);

	own->uid = (uint32_t)syscall(SYS_setfsuid, -1);
	own->gid = (uint32_t)syscall(SYS_setfsgid, -1);
	if (uid == (uint32_t)-1 || gid == (uint32_t)-1)
		return -EACCES;
	if (uid == own->uid && gid == own->gid)
		return 0;
	if (set_fsids(uid, gid))
		return 1;
	vtree_fsids_put(own);
	return -EACCES;
}

void vtree_fsids_put(const struct vtree_fsids *own)
{
	if (!set_fsids(own->uid, own->gid))
		abort();	/* never run on as another uid */
}

/* openat(dirfd, path) of the sandbox's procfs as the task's fs ids
 * (vtree_fsids_take), when they are not the sentry's; else err, the
 * sentry's own open's. */
static int openat_as_task(struct sc_call *c, int dirfd, const char *path,
			  int flags, int err)
{
	struct vtree_fsids own;
	int fd;

	if (vtree_fsids_take(c, &own) <= 0)
		return err;
	fd = openat(dirfd, path, flags);
	err = errno;
	vtree_fsids_put(&own);
	return fd < 0 ? -err : fd;
}

/* The inode the checks were made for is what was opened: the task may
 * have put another file at that fd number meanwhile (the exe cannot be
 * swapped, and its copy may be the gofer's open of its path). */
static int same_object(const struct vwalk *w, const struct stat *st,
		       const struct stat *now)
{
	if (strcmp(w->link.ent->name, "exe") == 0)
		return 0;
	return now->st_dev == st->st_dev && now->st_ino == st->st_ino
		       ? 0
		       : -EACCES;
}

/* One open of reopen_procfs: as the sentry, or, where its own ids may
 * not, as the task's fs ids (openat_as_task); then the object and the
 * device rules checked again on what was opened. */
static int open_checked(struct sc_call *c, struct vwalk *w,
			const struct stat *st, int flags, int oflags)
{
	const char *path = w->link.path + 6;	/* under /proc/ */
	int pfd = vtree_host_proc_fd(), fd, ret;
	struct stat now;

	fd = openat(pfd, path, oflags);
	if (fd < 0) {
		fd = -errno;
		if (fd == -EACCES || fd == -EPERM)
			fd = openat_as_task(c, pfd, path, oflags, fd);
		if (fd < 0)
			return fd;
	}
	ret = fstat(fd, &now) < 0 ? -errno : same_object(w, st, &now);
	if (ret == 0)
		ret = sentry_dev_check(c->t->sentry, &now,
				       dev_open_access(flags));
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * The open of reopen_object through the sandbox's procfs (open_checked).
 * O_TRUNC of a regular file is made only once the file is known to be
 * the one checked, by ftruncate of an open file (for O_RDONLY a second
 * one, for writing, checked alike), so that a file swapped in at that
 * fd number meanwhile is never truncated.
 */
static int reopen_procfs(struct sc_call *c, struct vwalk *w,
			 const struct stat *st, int flags, int oflags)
{
	bool trunc = (oflags & O_TRUNC) && S_ISREG(st->st_mode);
	int fd, tfd, ret;

	if (trunc)
		oflags &= ~O_TRUNC;
	fd = open_checked(c, w, st, flags, oflags);
	if (fd < 0 || !trunc)
		return fd;
	tfd = (oflags & O_ACCMODE) != O_RDONLY
		      ? fd
		      : open_checked(c, w, st, flags,
				     (oflags & ~O_ACCMODE) | O_WRONLY);
	ret = tfd < 0 ? tfd : ftruncate(tfd, 0) < 0 ? -errno : 0;
	if (tfd >= 0 && tfd != fd)
		close(tfd);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * Opens the file, FIFO or device behind a magic link (/proc/<pid>/exe,
 * fd/N) with the flags asked, as Linux does: a new open file description
 * (its own offset and access mode), the access checked as the caller
 * (the gofer's faccessat on the object, with the task's credentials; for
 * an object that is not the gofer's, its mode and owner for the task's fs
 * ids: ident_host_permission), then reopened
 * through the sandbox's procfs, so that ETXTBSY, a deleted file and a
 * FIFO's new end are the kernel's (reopen_procfs). A socket is ENXIO but
 * for O_PATH. The sentry's own credentials never decide: it reopens only
 * what the task may open.
 */
static int reopen_object(struct sc_call *c, struct vwalk *w,
			 const struct stat *st, int flags, int *fd_out,
			 bool *denied)
{
	struct gofer_creds cr;
	struct gofer_at at = { .dirfd = w->fd, .rootfd = GOFER_AT_ROOT };
	int mode = open_access(flags), fd, ret;
	int oflags = (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW | O_DIRECTORY |
				O_NOCTTY)) | O_CLOEXEC | O_NOCTTY;
	bool fifo = S_ISFIFO(st->st_mode);

	if (S_ISSOCK(st->st_mode) && !(flags & O_PATH))
		return -ENXIO;
	if (mode != 0) {
		task_gofer_creds(c->t, &cr);
		ret = gofer_faccessat(task_gofer(c->t), &cr, &at, mode, 0);
		/* not a gofer file (a pipe, the host's stdio): checked here,
		 * as the task */
		if (ret == -EXDEV || ret == -EBADF) {
			struct ident_who who = ident_who_task(&c->t->creds);

			ret = ident_host_permission(c->t, &who, st, mode);
		}
		*denied = ret < 0;
		if (ret < 0)
			return ret;
	}
	ret = vtree_host_proc_fd();
	if (ret < 0)
		return ret;
	if (strncmp(w->link.path, "/proc/", 6) != 0)
		return -ENOENT;
	/* a FIFO's open must not wait here: the end asked for exists or
	 * the open is ENXIO, as the gofer's FIFO opens are */
	if (fifo && !(flags & O_PATH))
		oflags |= O_NONBLOCK;
	fd = reopen_procfs(c, w, st, flags, oflags);
	if (fd < 0)
		return fd;
	/* F_GETFL/F_SETFL of an fd just opened and checked cannot fail. */
	if (fifo && !(flags & (O_NONBLOCK | O_PATH)))
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*fd_out = fd;
	return 0;
}

/* /proc/<pid>/exe by the path it shows, opened as the task. */
static int open_exe_by_path(struct sc_call *c, struct vwalk *w, int flags,
			    int *fd_out)
{
	char path[PATH_MAX];
	struct gofer_creds cr;
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT, .rootfd = GOFER_AT_ROOT,
			       .path = path };
	int ret = w->link.ent->link(c, &w->link, path, sizeof(path) - 1);

	if (ret < 0)
		return ret;
	path[ret] = '\0';
	task_gofer_creds(c->t, &cr);
	return gofer_openat(task_gofer(c->t), &cr, &at, flags, 0, 0, fd_out);
}

/* Opens the object a foreign link leads to. */
static int open_foreign(struct sc_call *c, struct vwalk *w, int flags,
			int *fd_out)
{
	struct gofer_creds cr;
	struct gofer_at at = { .dirfd = w->fd, .rootfd = c->t->fs->root_fd,
			       .path = w->rest[0] ? w->rest : "." };
	struct stat st;
	bool denied = false;
	int fd, ret;

	/* what the link's own entry opens (a namespace's handle) */
	if (!w->rest[0] && w->link.ent->open != NULL)
		return w->link.ent->open(c, &w->link, flags, fd_out);
	task_gofer_creds(c->t, &cr);
	if (w->rest[0] || w->fd == GOFER_AT_ROOT)
		return gofer_openat(task_gofer(c->t), &cr, &at, flags, 0, 0,
				    fd_out);
	if (fstat(w->fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return gofer_openat(task_gofer(c->t), &cr, &at, flags, 0, 0,
				    fd_out);
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_DIRECTORY)
		return -ENOTDIR;
	/* A device node only for an access the container's rules allow
	 * (as the gofer's opens, gofer/devices.c): no reopen, no dup. */
	ret = sentry_dev_check(c->t->sentry, &st, dev_open_access(flags));
	if (ret < 0)
		return ret;
	ret = reopen_object(c, w, &st, flags, fd_out, &denied);
	if (denied || (ret != -EACCES && ret != -EPERM))
		return ret;
	/* The sentry itself may not reopen it (another uid's fd/ is 0500
	 * and the sentry has no DAC override): the exe by its path, as
	 * the task; an fd the task holds with the access asked, shared. */
	if (strcmp(w->link.ent->name, "exe") == 0)
		return open_exe_by_path(c, w, flags, fd_out);
	if (!fd_covers(w->fd, &st, flags))
		return ret;
	fd = fcntl(w->fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	*fd_out = fd;
	return 0;
}

/* O_PATH|O_NOFOLLOW of a virtual link: the link entry of its parent
 * directory's mirror. */
static int open_link(struct sc_call *c, const struct vnode *n, int *fd_out)
{
	cleanup_close int dfd = -1;
	struct vnode parent = *n;
	const char *name = strrchr(n->path, '/') + 1;
	int ret, fd;

	ret = parent_node(c, &parent);
	if (ret < 0)
		return ret;
	ret = open_dir(c, &parent, O_RDONLY, &dfd);
	if (ret < 0)
		return ret;
	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*fd_out = fd;
	return 0;
}

/* A name in a masked directory (an empty read-only tmpfs, which has
 * negative dentries: creating there meets the read-only mount). */
static bool in_masked_dir(const char *path)
{
	char parent[PATH_MAX];
	struct vnode n;
	char *slash;

	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (slash == NULL || slash == parent)
		return false;
	*slash = '\0';
	return vmask_lookup(parent, &n) == 0 && n.ent == &vmask_dir_entry;
}

int vtree_open(struct sc_call *c, const char *path, int flags, int *fd_out)
{
	bool nofollow = (flags & O_NOFOLLOW) != 0;
	struct vwalk w;
	int ret;

	ret = vwalk(c, path, !nofollow, &w);
	/* procfs has no create: the missing name stays ENOENT; sysfs
	 * (kernfs) refuses it with EACCES. */
	if (ret == -ENOENT && (flags & O_CREAT) && in_masked_dir(path))
		return -EROFS;
	if (ret == -ENOENT && (flags & O_CREAT) &&
	    strncmp(path, "/sys/", 5) == 0)
		return in_cgroup_mount(path) ? -EROFS : -EACCES;
	if (ret < 0)
		return ret;
	if (w.foreign) {
		ret = open_foreign(c, &w, flags, fd_out);
		vwalk_release(&w);
		return ret;
	}
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	switch (w.node.ent->type) {
	case VN_DIR:
		return open_dir(c, &w.node, flags, fd_out);
	case VN_FILE:
		return open_file(c, &w.node, flags, fd_out);
	default:
		if (!(flags & O_PATH))
			return -ELOOP;
		return open_link(c, &w.node, fd_out);
	}
}

static uint64_t path_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1;
}

/*
 * The device numbers of the synthesized trees: anonymous (major 0) with
 * minors at the top of the 20-bit range, which the kernel's allocator
 * (from the bottom) does not reach, so that no real mount of the sandbox
 * (a bind of a host tmpfs keeps the host's 0:N) shares one with them and
 * tools matching mounts by st_dev (df, findmnt) are never confused.
 */
#define VFS_DEV_PROC makedev(0, 0xffff0)
#define VFS_DEV_SYS makedev(0, 0xffff1)
#define VFS_DEV_CGROUP makedev(0, 0xffff2)
/* a masked directory: an empty tmpfs of its own, as runc mounts one */
#define VFS_DEV_MASK(i) makedev(0, 0xfff00 + (unsigned)(i))

static void synth_stat(const struct vnode *n, struct stat *st)
{
	uint64_t boot = vtree_boot_ns();
	struct timespec now;
	int64_t start;

	memset(st, 0, sizeof(*st));
	st->st_dev = in_cgroup_mount(n->path) ? VFS_DEV_CGROUP :
		     strncmp(n->path, "/sys", 4) == 0 ? VFS_DEV_SYS
						       : VFS_DEV_PROC;
	st->st_ino = path_hash(n->path) & 0xffffffffULL;
	if (n->ent == &vmask_dir_entry && vmask_index(n->path) >= 0)
		st->st_dev = VFS_DEV_MASK(vmask_index(n->path));
	st->st_blksize = 1024;
	switch (n->ent->type) {
	case VN_DIR:
		st->st_mode = S_IFDIR | (n->ent->perm ? n->ent->perm : 0555);
		st->st_nlink = 2;
		break;
	case VN_LINK:
		st->st_mode = S_IFLNK | 0777;
		st->st_nlink = 1;
		break;
	default:
		st->st_mode = S_IFREG | (n->ent->perm ? n->ent->perm : 0444);
		st->st_nlink = 1;
		if (n->ent->rdev) {
			st->st_mode = S_IFCHR | n->ent->perm;
			st->st_rdev = n->ent->rdev;
		}
		break;
	}
	/* the sandbox's start, in wall-clock time */
	clock_gettime(CLOCK_REALTIME, &now);
	start = now.tv_sec - (int64_t)((cv_now_ns() - boot) / 1000000000ULL);
	st->st_atim.tv_sec = start;
	st->st_mtim.tv_sec = start;
	st->st_ctim.tv_sec = start;
}

/* A masked file is the container's /dev/null bound over it: its stat,
 * the gofer's, as the task. */
static int null_stat(struct sc_call *c, struct stat *st)
{
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT, .rootfd = GOFER_AT_ROOT,
			       .path = "/dev/null" };
	struct gofer_creds cr;

	task_gofer_creds(c->t, &cr);
	return gofer_fstatat(task_gofer(c->t), &cr, &at, AT_SYMLINK_NOFOLLOW,
			     st);
}

int vtree_stat(struct sc_call *c, const char *path, bool follow,
	     struct stat *st)
{
	struct vwalk w;
	int ret = vwalk(c, path, follow, &w);

	if (ret < 0)
		return ret;
	if (w.foreign) {
		struct gofer_creds cr;
		struct gofer_at at = { .dirfd = w.fd,
				       .rootfd = c->t->fs->root_fd,
				       .path = w.rest[0] ? w.rest : "." };

		if (w.rest[0] || w.fd == GOFER_AT_ROOT) {
			task_gofer_creds(c->t, &cr);
			ret = gofer_fstatat(task_gofer(c->t), &cr, &at, 0, st);
		} else {
			ret = foreign_fstat(w.fd, st);
			if (ret == 0)	/* the sentry's */
				ident_stat_from_host(c->t, st);
		}
		vwalk_release(&w);
		return ret;
	}
	if (w.node.ent == &vmask_null_entry && null_stat(c, st) == 0)
		return 0;
	synth_stat(&w.node, st);
	if (w.node.ent->perm_of != NULL &&
	    (ret = w.node.ent->perm_of(c, &w.node)) >= 0)
		st->st_mode = (st->st_mode & S_IFMT) | (mode_t)ret;
	ident_vnode_owner(c, &w.node, st);
	return 0;
}

/*
 * A masked path is what runc mounts there: a file is the container's
 * /dev/null bound over it (the filesystem of the container's /dev, as
 * the gofer's statfs of that node gives it), a directory a fresh
 * read-only tmpfs (half the memory the sandbox has, empty). mountinfo
 * lists both as tmpfs.
 */
static int masked_statfs(struct sc_call *c, const struct vnode *n,
			 struct statfs *st)
{
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT, .rootfd = GOFER_AT_ROOT,
			       .path = "/dev/null" };
	struct gofer_creds cr;
	struct vcg_mem m;

	if (n->ent == &vmask_null_entry) {
		/* the gofer's: the sentry's own filter has no statfs */
		task_gofer_creds(c->t, &cr);
		return gofer_statfs(task_gofer(c->t), &cr, &at, st);
	}
	/* Fails only if sysinfo(2) does (a bad pointer): m is zeroed. */
	(void)vcg_memory(&m);
	memset(st, 0, sizeof(*st));
	st->f_type = TMPFS_MAGIC;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_blocks = m.total / 2 / 4096;
	st->f_bfree = st->f_bavail = st->f_blocks;
	st->f_files = st->f_blocks;
	st->f_ffree = st->f_files > 0 ? st->f_files - 1 : 0;
	st->f_namelen = 255;
	st->f_flags = ST_RDONLY | ST_RELATIME;
	return 0;
}

int vtree_statfs(struct sc_call *c, const char *path, struct statfs *st)
{
	struct vnode masked = { 0 };
	struct stat sb;
	int ret = vtree_stat(c, path, true, &sb);

	if (ret < 0)
		return ret;
	if (vmask_lookup(path, &masked) == 0)
		return masked_statfs(c, &masked, st);
	memset(st, 0, sizeof(*st));
	st->f_type = in_cgroup_mount(path) ? CGROUP2_SUPER_MAGIC :
		     strncmp(path, "/sys", 4) == 0 ? SYSFS_MAGIC
						    : PROC_SUPER_MAGIC;
	st->f_bsize = 4096;
	st->f_frsize = 4096;
	st->f_namelen = 255;
	st->f_flags = ST_NOSUID | ST_NODEV | ST_NOEXEC;
	if (st->f_type != PROC_SUPER_MAGIC)
		st->f_flags |= ST_RDONLY;
	return 0;
}

/* Linux's proc_fd_permission(): a process may always use the fd
 * directories of its own threads. */
static bool own_fd_dir(struct sc_call *c, const struct vnode *n)
{
	const char *base = strrchr(n->path, '/');
	struct task *t;

	if (n->pid <= 0 || base == NULL || strcmp(base, "/fd") != 0)
		return false;
	if (n->host_pid == c->t->host_tgid)
		return true;
	t = procfs_task_of(c, n->host_pid);
	return t != NULL && t->host_tgid == c->t->host_tgid;
}

/* Whether the task's effective gid or a supplementary group is the
 * host's root group. */
static bool egroup_host_root(const struct sentry *s,
			     const struct task_creds *tc)
{
	if (ident_to_host(s, IDENT_GID, tc->egid) == 0)
		return true;
	for (size_t i = 0; i < tc->ngroups; i++)
		if (ident_to_host(s, IDENT_GID, tc->groups[i]) == 0)
			return true;
	return false;
}

/* Linux's proc_sys_permission(): no capability overrides the mode, which
 * is checked against the caller's effective ids, not the fs ids access()
 * switches to: the host's root uid gets the owner's bits, its root group
 * the group's, anyone else the others'. The top directory is never
 * writable, and no sysctl file executable. */
static int sysctl_permission(struct sc_call *c, const char *path,
			     const struct stat *st, int mode)
{
	const struct task_creds *tc = &c->t->creds;
	const struct sentry *s = c->t->sentry;
	unsigned bits = st->st_mode & 07;

	if (strcmp(path, "/proc/sys") == 0)
		return (mode & W_OK) ? -EACCES : 0;
	if ((mode & X_OK) && S_ISREG(st->st_mode))
		return -EACCES;
	if (ident_to_host(s, IDENT_UID, tc->euid) == 0)
		bits = (st->st_mode >> 6) & 07;
	else if (egroup_host_root(s, tc))
		bits = (st->st_mode >> 3) & 07;
	return ((unsigned)mode & ~bits) == 0 ? 0 : -EACCES;
}

static bool in_sysctl(const char *path)
{
	return strncmp(path, "/proc/sys", 9) == 0 &&
	       (path[9] == '\0' || path[9] == '/');
}

/* The container's sysfs, a read-only superblock (not the cgroup mount
 * below it). */
static bool in_sysfs(const char *path)
{
	return strncmp(path, "/sys", 4) == 0 && !in_cgroup_mount(path);
}

/*
 * access(2) as creds cr (the real or the effective ids, as the caller
 * chose). A file outside the trees (what /proc/self/exe, cwd or fd/N
 * lead to) is checked by the gofer, as any file. A node of the trees as
 * Linux's inode_permission(): a write to the read-only sysfs superblock
 * is EROFS first; then the mode and owner (ident_permission, the own fd
 * directories; sysctl_permission under /proc/sys); then, past the
 * permission check, a write to a read-only mount (a readonlyPaths bind,
 * the cgroup mount) is EROFS.
 */
int vtree_access(struct sc_call *c, const char *path, int mode, bool follow,
		 const struct gofer_creds *cr)
{
	struct ident_who who = ident_who_gofer(cr);
	struct vwalk w;
	struct stat st;
	bool capable;
	int ret = vwalk(c, path, follow, &w);

	if (ret < 0)
		return ret;
	if (w.foreign && w.fd >= 0 && !w.rest[0] && nsfs_fd_stat(w.fd, &st)) {
		vwalk_release(&w);
		return nsfs_access(c, mode);
	}
	if (w.foreign) {
		struct gofer_at at = { .dirfd = w.fd,
				       .rootfd = c->t->fs->root_fd,
				       .path = w.rest[0] ? w.rest :
					       w.fd == GOFER_AT_ROOT ? "." :
								       NULL };

		ret = gofer_faccessat(task_gofer(c->t), cr, &at, mode,
				      AT_EACCESS);
		/* Not a file of the gofer's (a pipe or socket the task was
		 * given): its mode and owner, as any inode's. */
		if (ret == -EXDEV && at.path == NULL) {
			ret = foreign_fstat(w.fd, &st);
			if (ret == 0 && mode != F_OK)
				ret = ident_host_permission(c->t, &who, &st,
							    mode);
		}
		vwalk_release(&w);
		return ret;
	}
	synth_stat(&w.node, &st);
	capable = ident_vnode_owner(c, &w.node, &st);
	if (mode == F_OK)
		return 0;
	if ((mode & W_OK) && in_sysfs(path) && !S_ISCHR(st.st_mode))
		return -EROFS;
	if (S_ISLNK(st.st_mode))
		return 0;
	if ((mode & W_OK) && S_ISCHR(st.st_mode))	/* a mask: /dev/null */
		return (mode & X_OK) ? -EACCES : 0;
	if (in_sysctl(path))
		ret = sysctl_permission(c, path, &st, mode);
	else
		ret = ident_permission(&who, &st, mode, capable);
	if (ret < 0 && own_fd_dir(c, &w.node))
		ret = 0;
	if (ret == 0 && (mode & W_OK) &&
	    (vmask_readonly(path) || in_cgroup_mount(path)))
		ret = -EROFS;
	return ret;
}

bool vtree_is_ns(struct sc_call *c, const char *path)
{
	struct vwalk w;
	struct stat st;
	bool ns;

	if (vwalk(c, path, true, &w) < 0)
		return false;
	ns = w.foreign && w.fd >= 0 && !w.rest[0] && nsfs_fd_stat(w.fd, &st);
	vwalk_release(&w);
	return ns;
}

int vtree_readlink(struct sc_call *c, const char *path, char *buf, size_t len)
{
	struct vwalk w;
	int ret = vwalk(c, path, false, &w);

	if (ret < 0)
		return ret;
	if (w.foreign) {
		vwalk_release(&w);
		return -EINVAL;
	}
	if (w.node.ent->type != VN_LINK)
		return -EINVAL;
	return w.node.ent->link(c, &w.node, buf, len);
}

int vtree_modify_errno(struct sc_call *c, const char *path)
{
	char parent[PATH_MAX];
	struct vwalk w;
	char *slash;
	int ret;

	strcpy(parent, path);
	slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent)
		*slash = '\0';
	ret = vwalk(c, parent, true, &w);
	if (ret < 0)
		return ret;
	vwalk_release(&w);
	/* a read-only mount refuses before any permission check */
	if (in_cgroup_mount(path) || vmask_readonly(path))
		return -EROFS;
	return fs_capable(c->t, CAP_DAC_OVERRIDE) ? -EPERM : -EACCES;
}

int vtree_exec_path(struct sc_call *c, const char *path, char *out, size_t len)
{
	char text[PATH_MAX];
	struct vwalk w;
	int ret, n;

	ret = vwalk_mode(c, path, true, true, &w);
	if (ret < 0)
		return ret;
	if (!w.foreign)	/* /proc files and directories are not programs */
		return -EACCES;
	vwalk_release(&w);
	ret = w.link.ent->link(c, &w.link, text, sizeof(text) - 1);
	if (ret < 0)
		return ret;
	text[ret] = '\0';
	if (text[0] != '/')	/* pipe:[...], a host file: nothing to run */
		return -EACCES;
	n = snprintf(out, len, "%s%s%s", text,
		     w.rest[0] && strcmp(text, "/") ? "/" : "", w.rest);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
