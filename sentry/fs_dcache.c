// SPDX-License-Identifier: Apache-2.0
/*
 * The sentry's cache of resolved directories (docs/architecture.md,
 * "Directory cache").
 *
 * An entry is a directory of the sandbox root's own mount reached from "/"
 * by plain names (no symlink, ".", ".."): the O_PATH fd the gofer opened,
 * its parent entry, and what fstat said of it when it was cached (dev,
 * ino, mode, uid, gid, ctime). With it the sentry answers stat/lstat/statx
 * of a cached directory and chdir into it without the gofer, and sends the
 * gofer "parent fd + last name" for anything else below a cached directory.
 * It never resolves a path itself (invariant 4): every fd came from the
 * gofer; the sentry only fstats fds it holds.
 *
 * Soundness. A cached answer is used only after every entry from the root
 * to it has been fstat'ed again and matches: a rename, unlink, rmdir,
 * mkdir or link in a directory changes its ctime; so do chmod, chown and
 * ACL changes of the directory itself, whoever makes them (another task,
 * "runsc exec", an fchmod on a dir fd that the sentry never sees, the
 * host). A mismatch empties the whole cache. ctime is a coarse clock: an
 * entry is kept only if its ctime is older than the coarse time taken
 * before the gofer walked to it, minus a margin (2 s when the filesystem
 * keeps whole seconds), so a later change can never leave it equal.
 * Permissions are the kernel's: "creds k may search directory D" is
 * recorded only when the gofer, running as k, walked through D (or
 * checked X on it), and is forgotten with D's entry. Only the root's own
 * mount is cached (a bind mount's files may be shared with the host, and
 * mounts can appear below it); runsc --file-access shared (or the
 * annotation dev.cvisor.file-access) turns the cache off. Chrooted tasks
 * are not served.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "sentry/sentry.h"
#include "sentry/task.h"
#include "sentry/vfs.h"

#define DC_MAX 512
#define DC_CREDS 32
#define DC_MARGIN_NS 20000000LL		/* 20 ms: the coarse clock's tick */
#define DC_MARGIN_SEC_NS 2000000000LL	/* whole-second (or 2 s) ctimes */

struct dc_ent {
	char *path;		/* NULL: free slot */
	uint32_t hash;
	int parent;		/* index, -1 for "/" */
	int fd;
	dev_t dev;
	ino_t ino;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec ctime;
	uint32_t xmask;		/* creds ids that may search it */
};

static struct dc_ent dc[DC_MAX];
static size_t dc_used;
static struct gofer_creds dc_creds[DC_CREDS];
static int dc_ncreds;
static bool dc_on = true;	/* --file-access exclusive */
static uint64_t dc_root_mnt;
static struct fs_dcache_stats dc_stats;

const struct fs_dcache_stats *fs_dcache_stats(void)
{
	return &dc_stats;
}

int file_access_from_name(const char *name)
{
	if (strcmp(name, "exclusive") == 0)
		return 0;
	if (strcmp(name, "shared") == 0)
		return 1;
	return -1;
}

void fs_dcache_configure(bool on)
{
	dc_on = on;
}

bool fs_dcache_enabled(void)
{
	return dc_on;
}

void fs_dcache_log_stats(void)
{
	if (!dc_on) {
		log_debug("directory cache: off (--file-access shared)");
		return;
	}
	log_debug("directory cache: on, %llu hits, %llu misses, %llu gofer "
		  "calls, %llu flushes",
		  (unsigned long long)dc_stats.hits,
		  (unsigned long long)dc_stats.misses,
		  (unsigned long long)dc_stats.gofer_calls,
		  (unsigned long long)dc_stats.flushes);
}

void fs_dcache_flush(void)
{
	for (size_t i = 0; i < DC_MAX; i++) {
		if (!dc[i].path)
			continue;
		free(dc[i].path);
		dc[i].path = NULL;
		close(dc[i].fd);
	}
	if (dc_used)
		dc_stats.flushes++;
	dc_used = 0;
}

static uint32_t hash_path(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int find(const char *path, size_t n)
{
	uint32_t h = hash_path(path, n);

	for (int i = 0; i < DC_MAX; i++)
		if (dc[i].path && dc[i].hash == h &&
		    strncmp(dc[i].path, path, n) == 0 && dc[i].path[n] == '\0')
			return i;
	return -1;
}

/* The id of the task's filesystem creds (umask aside), -1 if none free. */
static int creds_id(const struct gofer_creds *cr)
{
	for (int i = 0; i < dc_ncreds; i++) {
		const struct gofer_creds *o = &dc_creds[i];

		if (o->fsuid == cr->fsuid && o->fsgid == cr->fsgid &&
		    o->cap_effective == cr->cap_effective &&
		    o->ngroups == cr->ngroups &&
		    memcmp(o->groups, cr->groups,
			   cr->ngroups * sizeof(cr->groups[0])) == 0)
			return i;
	}
	if (dc_ncreds == DC_CREDS)
		return -1;
	dc_creds[dc_ncreds] = *cr;
	return dc_ncreds++;
}

static bool same(const struct dc_ent *e, const struct stat *st)
{
	return e->dev == st->st_dev && e->ino == st->st_ino &&
	       e->mode == st->st_mode && e->uid == st->st_uid &&
	       e->gid == st->st_gid && e->ctime.tv_sec == st->st_ctim.tv_sec &&
	       e->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* Every entry from i up to "/" still matches its directory. */
static bool valid_chain(int i)
{
	struct stat st;

	for (; i >= 0; i = dc[i].parent) {
		if (fstat(dc[i].fd, &st) < 0 || !same(&dc[i], &st)) {
			fs_dcache_flush();
			return false;
		}
	}
	return true;
}

static int64_t ns_of(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Whether fd (a directory the gofer just opened, after t0) may be kept:
 * on the root's mount, and changed long enough before t0. */
static bool keepable(int fd, const struct stat *st, struct timespec t0)
{
	struct statx stx;
	int64_t margin = st->st_ctim.tv_nsec ? DC_MARGIN_NS : DC_MARGIN_SEC_NS;

	if (!S_ISDIR(st->st_mode))
		return false;
	if (ns_of(st->st_ctim) >= ns_of(t0) - margin)
		return false;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	return stx.stx_mnt_id == dc_root_mnt;
}

static int insert(const char *path, size_t n, int parent, int fd,
		  const struct stat *st)
{
	int i;

	if (dc_used == DC_MAX)
		return -1;
	for (i = 0; i < DC_MAX && dc[i].path; i++)
		;
	dc[i].path = strndup(path, n);
	if (!dc[i].path)
		return -1;
	dc[i].hash = hash_path(path, n);
	dc[i].parent = parent;
	dc[i].fd = fd;
	dc[i].dev = st->st_dev;
	dc[i].ino = st->st_ino;
	dc[i].mode = st->st_mode;
	dc[i].uid = st->st_uid;
	dc[i].gid = st->st_gid;
	dc[i].ctime = st->st_ctim;
	dc[i].xmask = 0;
	dc_used++;
	return i;
}

static int root_entry(struct sc_call *c, struct timespec t0)
{
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT,
			       .rootfd = GOFER_AT_ROOT, .path = "/" };
	struct statx stx;
	struct stat st;
	int fd, i, ret;

	i = find("/", 1);
	if (i >= 0)
		return i;
	ret = gofer_openat(task_gofer(c->t), NULL, &at,
			   O_PATH | O_DIRECTORY, 0, 0, &fd);
	if (ret < 0)
		return ret;
	dc_stats.gofer_calls++;
	if (fstat(fd, &st) < 0 ||
	    statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID)) {
		close(fd);
		return -EAGAIN;
	}
	dc_root_mnt = stx.stx_mnt_id;
	if (!keepable(fd, &st, t0) || (i = insert("/", 1, -1, fd, &st)) < 0) {
		close(fd);
		return -EAGAIN;
	}
	return i;
}

/* A path the cache can serve: absolute, plain names only, no trailing
 * slash. Returns its length without repeated slashes in out, or -1. */
static int plain_path(const char *path, char *out, size_t cap)
{
	size_t n = 0;
	const char *p = path;

	if (path[0] != '/')
		return -1;
	out[n++] = '/';
	while (*p) {
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return -1;
		if (n + len + 2 > cap)
			return -1;
		if (n > 1)
			out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
		p = end;
	}
	if (n > 1 && path[strlen(path) - 1] == '/')
		return -1;
	out[n] = '\0';
	return (int)n;
}

/* Opens name below entry i as the task (O_PATH, not following a link). */
static int open_below(struct sc_call *c, const struct gofer_creds *cr,
		      int i, const char *name, int *fd)
{
	struct gofer_at at = { .dirfd = dc[i].fd, .rootfd = GOFER_AT_ROOT,
			       .path = name };

	dc_stats.gofer_calls++;
	return gofer_openat(task_gofer(c->t), cr, &at,
			    O_PATH | O_NOFOLLOW, 0, 0, fd);
}

/*
 * The entry of the directory path (plain, n bytes), walking from the
 * deepest cached ancestor with the gofer, as creds k. need_x: k must
 * also be able to search the directory itself. The chain from "/" is
 * validated once at the end. Returns the index, or -EAGAIN when the cache
 * cannot serve it (the caller then does the full call, which gives the
 * exact error).
 */
static int get_dir(struct sc_call *c, const struct gofer_creds *cr, int k,
		   const char *path, size_t n, bool need_x,
		   struct timespec t0)
{
	int i = root_entry(c, t0);
	size_t pos = 1;

	if (i < 0)
		return -EAGAIN;
	while (pos < n) {
		size_t end = pos;
		char name[NAME_MAX + 1];
		struct stat st;
		int j, fd;

		while (end < n && path[end] != '/')
			end++;
		if (end - pos > NAME_MAX)
			return -EAGAIN;
		j = find(path, end);
		if (j < 0 || dc[j].parent != i || !(dc[i].xmask & (1u << k))) {
			memcpy(name, path + pos, end - pos);
			name[end - pos] = '\0';
			if (open_below(c, cr, i, name, &fd) < 0)
				return -EAGAIN;
			dc[i].xmask |= 1u << k;
			if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
				close(fd);
				return -EAGAIN;
			}
			if (j >= 0) {
				close(fd);
				if (dc[j].parent != i || !same(&dc[j], &st)) {
					fs_dcache_flush();
					return -EAGAIN;
				}
			} else if (!keepable(fd, &st, t0) ||
				   (j = insert(path, end, i, fd, &st)) < 0) {
				close(fd);
				return -EAGAIN;
			}
		}
		i = j;
		pos = end + 1;
	}
	if (!valid_chain(i))
		return -EAGAIN;
	if (need_x && !(dc[i].xmask & (1u << k))) {
		struct gofer_at at = { .dirfd = dc[i].fd,
				       .rootfd = GOFER_AT_ROOT, .path = "." };

		dc_stats.gofer_calls++;
		if (gofer_faccessat(task_gofer(c->t), cr, &at, X_OK,
				    AT_EACCESS) < 0)
			return -EAGAIN;
		dc[i].xmask |= 1u << k;
	}
	return i;
}

/* Common prologue: -EAGAIN when the cache does not apply. */
static int prologue(struct sc_call *c, const char *path, char *clean,
		    size_t cap, struct gofer_creds *cr, int *k,
		    struct timespec *t0)
{
	int n;

	if (!fs_dcache_enabled() || c->t->fs->root_fd != GOFER_AT_ROOT)
		return -EAGAIN;
	n = plain_path(path, clean, cap);
	if (n < 0)
		return -EAGAIN;
	clock_gettime(CLOCK_REALTIME_COARSE, t0);
	task_gofer_creds(c->t, cr);
	*k = creds_id(cr);
	if (*k < 0) {	/* every id is in use: start again */
		fs_dcache_flush();
		dc_ncreds = 0;
		*k = creds_id(cr);
	}
	return n;
}

int fs_dcache_chdir(struct sc_call *c, const char *path, int *fd_out)
{
	char clean[PATH_MAX];
	struct gofer_creds cr;
	struct timespec t0;
	int n, k, i, fd;

	n = prologue(c, path, clean, sizeof(clean), &cr, &k, &t0);
	if (n < 0)
		return n;
	i = get_dir(c, &cr, k, clean, (size_t)n, true, t0);
	if (i < 0)
		return i;
	fd = fcntl(dc[i].fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -EAGAIN;
	dc_stats.hits++;
	*fd_out = fd;
	return 0;
}

int fs_dcache_stat(struct sc_call *c, const char *path, bool follow,
		   struct stat *st_out)
{
	char clean[PATH_MAX];
	struct gofer_creds cr;
	struct gofer_at at = { .rootfd = GOFER_AT_ROOT, .virt_ok = true };
	struct timespec t0;
	int n, k, i, j, fd, ret;
	size_t pn;

	n = prologue(c, path, clean, sizeof(clean), &cr, &k, &t0);
	if (n < 0)
		return n;
	if (n == 1) {
		i = get_dir(c, &cr, k, clean, 1, false, t0);
		j = i;
	} else {
		pn = (size_t)(strrchr(clean, '/') - clean);
		i = get_dir(c, &cr, k, clean, pn ? pn : 1, true, t0);
		j = i < 0 ? -1 : find(clean, (size_t)n);
		if (j >= 0 && dc[j].parent != i)
			j = -1;
	}
	if (i < 0)
		return -EAGAIN;
	if (j >= 0) {
		/* name -> directory: bound as long as the parent's ctime is */
		if (fstat(dc[j].fd, st_out) < 0)
			return -EAGAIN;
		dc_stats.hits++;
		return 0;
	}
	/* The last name, from the cached parent: one gofer call, as
	 * without the cache, but no walk of the prefix. */
	at.dirfd = dc[i].fd;
	at.path = strrchr(clean, '/') + 1;
	dc_stats.misses++;
	dc_stats.gofer_calls++;
	ret = gofer_fstatat(task_gofer(c->t), &cr, &at,
			    follow ? 0 : AT_SYMLINK_NOFOLLOW, st_out);
	if (ret < 0)
		return ret == -ENOENT || ret == -ENOTDIR || ret == -EACCES ? ret
									    : -EAGAIN;
	/* A directory reached by its own name: cache it for next time. */
	if (S_ISDIR(st_out->st_mode) &&
	    ns_of(st_out->st_ctim) < ns_of(t0) - DC_MARGIN_NS &&
	    open_below(c, &cr, i, at.path, &fd) == 0) {
		struct stat st;

		/* not through a symlink: O_NOFOLLOW gave the same dir */
		if (fstat(fd, &st) < 0 || st.st_ino != st_out->st_ino ||
		    st.st_dev != st_out->st_dev || !keepable(fd, &st, t0) ||
		    find(clean, (size_t)n) >= 0 ||
		    insert(clean, (size_t)n, i, fd, &st) < 0)
			close(fd);
	}
	return 0;
}
