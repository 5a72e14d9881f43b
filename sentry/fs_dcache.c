// SPDX-License-Identifier: Apache-2.0
/*
 * The sentry's cache of resolved directories (docs/architecture.md,
 * "Directory cache").
 *
 * An entry is a directory of the sandbox root's own mount reached from "/"
 * by plain names (no symlink, ".."): the O_PATH fd the gofer opened, its
 * parent entry, and what fstat said of it when it was cached (dev, ino,
 * mode, uid, gid, ctime). With it the sentry answers, without the gofer,
 * the calls whose path names a cached directory (absolute, or relative to
 * a cwd or dirfd that is one): stat/lstat/statx (fstat of the fd), access
 * F_OK/X_OK and chdir. Everything else is the full gofer
 * call, after which a directory found is cached (fs_dcache_note). Files
 * too (below, "files"): their entries are named by their directory, so
 * the directory's validation covers them; their attributes are read
 * live. It
 * never resolves a path itself (invariant 4): every fd came from the
 * gofer; the sentry only fstats fds it holds.
 *
 * Soundness. A cached answer is used only after every entry from the root
 * to it that may have changed unseen (needs_check(): a directory a task
 * holds an fd of, another mount, or any after the sentry's own chmod,
 * chown or xattr change) has been fstat'ed again and matches: a rename,
 * unlink, rmdir, mkdir or link in a directory changes its ctime; so do
 * chmod, chown and ACL changes of the directory itself. A mismatch
 * empties the whole cache. ctime is a coarse clock: an
 * entry is kept only if its ctime is older than the coarse time taken
 * before the gofer walked to it, minus a margin (2 s when the filesystem
 * keeps whole seconds), so a later change can never leave it equal.
 * Permissions are the kernel's: "creds k may search directory D" is
 * recorded only when the gofer, running as k, walked through D (or
 * checked X on it), and is forgotten with D's entry. Only the root's own
 * mount is cached (a bind mount's files may be shared with the host, and
 * mounts can appear below it), and not when the root is shared (a mount
 * made in the workload's namespace would then propagate onto a cached
 * directory; docs/architecture.md says why nothing else can mount there);
 * runsc --file-access shared (or the annotation dev.cvisor.file-access)
 * turns the cache off. Chrooted tasks are not served.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "gofer/client.h"
#include "gofer/protocol.h"
#include "lib/fdpass.h"
#include "lib/cleanup.h"
#include "lib/log.h"
#include "sentry/internal.h"
#include "sentry/sentry.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

#define DC_MAX 4096
#define DC_BUCKETS 8192		/* a power of two */
#define DC_CREDS 32
#define DC_MARGIN_NS 20000000LL		/* 20 ms: the coarse clock's tick */
#define DC_MARGIN_SEC_NS 2000000000LL	/* whole-second (or 2 s) ctimes */

struct dc_ent {
	char *path;		/* NULL: free slot */
	uint32_t hash;
	int next;		/* the next entry of its bucket, -1 */
	int next_ino;		/* the same, in the index by inode */
	int parent;		/* index, -1 for "/" */
	int fd;
	dev_t dev;
	ino_t ino;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec ctime;
	uint32_t xmask;		/* creds ids that may search it */
	bool file;		/* not a directory (exclusive access only) */
	bool exposed;		/* a task may hold an fd of it (dc_exposed) */
	uint64_t checked;	/* the dc_attr_gen it was last fstat'ed at */
	uint64_t mnt;		/* its mount's id */
	uint64_t id;		/* never reused: names it in the fd pool */
};

/* Entries are dropped all at once (fs_dcache_flush), or a file's alone
 * when a task unlinks or renames it (drop(), which leaves a hole), so
 * they fill dc[] in order: dc[0..dc_used) are live or holes (path
 * NULL). */
static struct dc_ent dc[DC_MAX];
static size_t dc_used;
static int dc_bucket[DC_BUCKETS];	/* first entry, -1 (after a flush) */
static int dc_ino_bucket[DC_BUCKETS];	/* the same, by inode number */
static struct gofer_creds dc_creds[DC_CREDS];
static int dc_ncreds;
static bool dc_on = true;	/* --file-access exclusive */
static bool dc_root_shared;	/* off for rootfsPropagation (r)shared */
static uint64_t dc_root_mnt;
static uint64_t dc_next_id = 1;
static struct fs_dcache_stats dc_stats;

/*
 * What validation an entry needs (valid_chain). Under exclusive access the
 * sentry sees every change to a directory of the root's mount, but two:
 * an fchmod or fchown on a directory fd a task holds (PASS calls), and the
 * host's (the "exclusive" promise, as in gVisor). So a directory is
 * fstat'ed again on each use only if a task was ever given an fd of it
 * that is not O_PATH (every such fd is an open the sentry served:
 * fs_dcache_expose), or it is on another mount (a bind mount's source is
 * the host's); the others once after each of the sentry's own attribute
 * changes (chmod, chown, xattrs: fs_dcache_attrs_changed), which bump
 * dc_attr_gen. Past DC_EXPOSED such directories, every entry is checked
 * on every use, as with dc_trust off (the unit tests' "from outside"
 * cases).
 */
#define DC_EXPOSED 256
static struct {
	dev_t dev;
	ino_t ino;
} dc_exposed[DC_EXPOSED];
static size_t dc_nexposed;
static bool dc_exposed_full;
static bool dc_trust = true;
static uint64_t dc_attr_gen = 1;

/*
 * The locks of everything above (and of the rest of this file's state).
 * Workers (sentry/workers.c) look paths up side by side.
 *
 * A hit (a stat, access or readlink of a cached name: the parallel set's
 * common case) takes dc_rw for reading (hit_begin): it changes nothing
 * but counters and the entries' "checked" generation, both atomics, so
 * hits on different CPUs do not wait for one another. Anything else
 * (a miss, a creds set or search permission new to an entry, a failed
 * validation, every mutation) is the exclusive side, DC_LOCKED(): the
 * recursive dc_lock (the entry points call one another: a flush from a
 * failed validation) and, at its outermost level, dc_rw for writing,
 * which waits for the hits under way. A writer is preferred, so a stream
 * of hits does not starve it. Both are taken after the sentry lock, and
 * nothing is taken under them but the gofer channel's and the fd pool's.
 */
static pthread_mutex_t dc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_rwlock_t dc_rw =
	PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
static __thread unsigned dc_depth;	/* this thread's DC_LOCKED() levels */

static void dc_lock_all(void)
{
	pthread_mutex_lock(&dc_lock);
	if (dc_depth++ == 0)
		pthread_rwlock_wrlock(&dc_rw);
}

static void dc_unlock(int *guard)
{
	(void)guard;
	if (--dc_depth == 0)
		pthread_rwlock_unlock(&dc_rw);
	pthread_mutex_unlock(&dc_lock);
}

#define DC_LOCKED()                                                  \
	dc_lock_all();                                               \
	int dc_guard_ __attribute__((cleanup(dc_unlock), unused)) = 0

/* Counters the shared side bumps too. */
#define DC_COUNT(field) __atomic_fetch_add(&dc_stats.field, 1, __ATOMIC_RELAXED)

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

void fs_dcache_configure(bool on, bool root_shared)
{
	/* A shared root has a peer mount outside the gofer's namespace: the
	 * workload's view, a copy of it. A mount made there (nsenter into
	 * the container, as tools add mounts to a running container) would
	 * appear in the gofer's namespace on a cached directory. */
	dc_root_shared = root_shared;
	dc_on = on && !dc_root_shared;
}

bool fs_dcache_enabled(void)
{
	return dc_on;
}

void fs_dcache_log_stats(void)
{
	DC_LOCKED();

	if (!dc_on) {
		log_debug("directory cache: off (%s)",
			  dc_root_shared ? "linux.rootfsPropagation shared" :
					   "--file-access shared");
		return;
	}
	log_debug("directory cache: on, %llu hits, %llu misses, %llu gofer "
		  "calls, %llu flushes, %llu checks, %zu exposed%s",
		  (unsigned long long)dc_stats.hits,
		  (unsigned long long)dc_stats.misses,
		  (unsigned long long)dc_stats.gofer_calls,
		  (unsigned long long)dc_stats.flushes,
		  (unsigned long long)dc_stats.checks, dc_nexposed,
		  dc_exposed_full ? " (full: every entry checked)" : "");
	fs_openpool_log_stats();
}

void fs_dcache_flush(void)
{
	DC_LOCKED();

	fs_openpool_clear();	/* its fds are of entries */
	for (size_t i = 0; i < dc_used; i++) {
		if (dc[i].path == NULL)
			continue;	/* a dropped file */
		free(dc[i].path);
		dc[i].path = NULL;
		close(dc[i].fd);
	}
	if (dc_used)
		dc_stats.flushes++;
	dc_used = 0;
	memset(dc_bucket, 0xff, sizeof(dc_bucket));
	memset(dc_ino_bucket, 0xff, sizeof(dc_ino_bucket));
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

	if (dc_used == 0)
		return -1;
	for (int i = dc_bucket[h & (DC_BUCKETS - 1)]; i >= 0; i = dc[i].next)
		if (dc[i].hash == h && strncmp(dc[i].path, path, n) == 0 &&
		    dc[i].path[n] == '\0')
			return i;
	return -1;
}

/* The id of the task's filesystem creds (umask aside), -1 if unknown. */
static int creds_find(const struct gofer_creds *cr)
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
	return -1;
}

/* The same, given one if new; -1 if none is free. */
static int creds_id(const struct gofer_creds *cr)
{
	int k = creds_find(cr);

	if (k >= 0 || dc_ncreds == DC_CREDS)
		return k;
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

/* Whether entry e must be fstat'ed before it is used (above, DC_EXPOSED). */
static bool needs_check(const struct dc_ent *e)
{
	return !dc_trust || dc_exposed_full || e->exposed ||
	       e->mnt != dc_root_mnt ||
	       __atomic_load_n(&e->checked, __ATOMIC_RELAXED) != dc_attr_gen;
}

/* The first entry from i up to "/" that no longer matches its directory
 * (each that needs_check() fstat'ed again), -1 if none. */
static int stale_in_chain(int i)
{
	struct stat st;

	for (; i >= 0; i = dc[i].parent) {
		/* A file's name is its parent's: any change to it changes
		 * the parent's ctime. Its attributes are read live. */
		if (dc[i].file || !needs_check(&dc[i]))
			continue;
		DC_COUNT(checks);
		if (fstat(dc[i].fd, &st) < 0 || !same(&dc[i], &st))
			return i;
		__atomic_store_n(&dc[i].checked, dc_attr_gen,
				 __ATOMIC_RELAXED);
	}
	return -1;
}

/* Every entry from i up to "/" still matches its directory; if not, the
 * cache is emptied. */
static bool valid_chain(int i)
{
	if (stale_in_chain(i) < 0)
		return true;
	fs_dcache_flush();
	return false;
}

static bool exposed(dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < dc_nexposed; i++)
		if (dc_exposed[i].dev == dev && dc_exposed[i].ino == ino)
			return true;
	return false;
}

void fs_dcache_expose(const struct stat *st)
{
	DC_LOCKED();

	if (!S_ISDIR(st->st_mode) || exposed(st->st_dev, st->st_ino))
		return;
	if (dc_nexposed == DC_EXPOSED) {
		dc_exposed_full = true;
		return;
	}
	dc_exposed[dc_nexposed].dev = st->st_dev;
	dc_exposed[dc_nexposed++].ino = st->st_ino;
	for (int i = dc_used ? dc_ino_bucket[st->st_ino & (DC_BUCKETS - 1)] :
			       -1;
	     i >= 0; i = dc[i].next_ino)
		if (dc[i].ino == st->st_ino && dc[i].dev == st->st_dev)
			dc[i].exposed = true;
}

void fs_dcache_attrs_changed(void)
{
	DC_LOCKED();

	dc_attr_gen++;
}

void fs_dcache_trust(bool on)
{
	DC_LOCKED();

	dc_trust = on;
}

static int64_t ns_of(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* When the last directory refused by keepable() for its age may be kept
 * if it does not change again (0: refused for another reason). */
static int64_t dc_young_until;
/* Set by get_dir when a name could not be cached for what it is (a
 * symlink, not a directory, another mount, too young): the length of
 * the prefix that names it; 0 after any other failure (a change seen, a
 * full table, an error), which is worth trying again at once. */
static size_t dc_refused_len;

/* Whether fd (a directory the gofer just opened, after t0) may be kept:
 * on the root's mount, and changed long enough before t0. */
static bool keepable(int fd, const struct stat *st, struct timespec t0,
		     bool any_mnt)
{
	struct statx stx;
	int64_t margin = st->st_ctim.tv_nsec ? DC_MARGIN_NS : DC_MARGIN_SEC_NS;

	dc_young_until = 0;
	if (!S_ISDIR(st->st_mode))
		return false;
	if (ns_of(st->st_ctim) >= ns_of(t0) - margin) {
		dc_young_until = ns_of(st->st_ctim) + margin + DC_MARGIN_NS;
		return false;
	}
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	/* An automount point (autofs, an NFS referral) gets a mount on top
	 * when a walk crosses it: never a cached directory. */
	if (stx.stx_attributes & STATX_ATTR_AUTOMOUNT)
		return false;
	return any_mnt || stx.stx_mnt_id == dc_root_mnt;
}

/* --file-access-mounts exclusive: other mounts than the root's are
 * cached too. */
static bool mounts_excl(const struct sc_call *c)
{
	const struct sentry *s = c->t != NULL ? c->t->sentry : NULL;

	return s != NULL && s->cfg != NULL &&
	       s->cfg->file_access_mounts_exclusive;
}

static int insert(const char *path, size_t n, int parent, int fd,
		  const struct stat *st)
{
	int i = (int)dc_used;
	bool hole = false;

	if (dc_used == DC_MAX) {
		/* Full: the slot of a dropped file, if there is one (a
		 * workload that makes and removes files keeps caching). */
		for (i = 0; i < DC_MAX && dc[i].path != NULL; i++)
			;
		if (i == DC_MAX)
			return -1;
		hole = true;
	}
	if (dc_used == 0) {	/* the first entry since start or a flush */
		memset(dc_bucket, 0xff, sizeof(dc_bucket));
		memset(dc_ino_bucket, 0xff, sizeof(dc_ino_bucket));
	}
	dc[i].path = strndup(path, n);
	if (!dc[i].path)
		return -1;
	dc[i].hash = hash_path(path, n);
	dc[i].next = dc_bucket[dc[i].hash & (DC_BUCKETS - 1)];
	dc_bucket[dc[i].hash & (DC_BUCKETS - 1)] = i;
	dc[i].parent = parent;
	dc[i].fd = fd;
	dc[i].dev = st->st_dev;
	dc[i].ino = st->st_ino;
	dc[i].file = !S_ISDIR(st->st_mode);
	{
		struct statx stx;

		dc[i].mnt = statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID,
				  &stx) == 0 && (stx.stx_mask & STATX_MNT_ID) ?
				    stx.stx_mnt_id : 0;
	}
	dc[i].next_ino = -1;
	if (!dc[i].file) {	/* start directories are found by inode */
		dc[i].next_ino = dc_ino_bucket[st->st_ino & (DC_BUCKETS - 1)];
		dc_ino_bucket[st->st_ino & (DC_BUCKETS - 1)] = i;
	}
	dc[i].mode = st->st_mode;
	dc[i].uid = st->st_uid;
	dc[i].gid = st->st_gid;
	dc[i].ctime = st->st_ctim;
	dc[i].xmask = 0;
	dc[i].exposed = !dc[i].file && exposed(st->st_dev, st->st_ino);
	dc[i].checked = dc_attr_gen;
	dc[i].id = dc_next_id++;
	if (!hole)
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
	if (!keepable(fd, &st, t0, false) ||
	    (i = insert("/", 1, -1, fd, &st)) < 0) {
		close(fd);
		return -EAGAIN;
	}
	return i;
}

/* A path the cache can serve: absolute, plain names and "." only, no
 * trailing slash. Returns its length without repeated slashes and "."
 * in out, or -1. */
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
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (len == 1 && p[0] == '.') {	/* the same directory */
			p = end;
			continue;
		}
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
				dc_refused_len = end;
				close(fd);
				return -EAGAIN;
			}
			if (j >= 0) {
				close(fd);
				if (dc[j].parent != i || !same(&dc[j], &st)) {
					fs_dcache_flush();
					return -EAGAIN;
				}
			} else if (!keepable(fd, &st, t0, mounts_excl(c))) {
				dc_refused_len = end;
				close(fd);
				return -EAGAIN;
			} else if ((j = insert(path, end, i, fd, &st)) < 0) {
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

/* Forgets the file entry i (a task unlinked or renamed it). */
static void drop(int i)
{
	int *link = &dc_bucket[dc[i].hash & (DC_BUCKETS - 1)];

	while (*link >= 0 && *link != i)
		link = &dc[*link].next;
	if (*link == i)
		*link = dc[i].next;
	fs_openpool_forget(dc[i].id);
	free(dc[i].path);
	dc[i].path = NULL;
	close(dc[i].fd);
	dc[i].fd = -1;
}

/* The entry of a cached directory with this inode, or -1. */
static int find_ino(dev_t dev, ino_t ino, uint64_t mnt)
{
	for (int i = dc_ino_bucket[ino & (DC_BUCKETS - 1)]; dc_used && i >= 0;
	     i = dc[i].next_ino)
		if (dc[i].ino == ino && dc[i].dev == dev && dc[i].mnt == mnt)
			return i;
	return -1;
}

/*
 * The plain absolute path p names, from the root or from its start
 * directory when that is a cached directory (the cwd or a dirfd, found by
 * its inode: the fd holds it alive, so the number is not reused; and on
 * the root's own mount: the same directory seen through a bind mount
 * leads to that bind's submounts, not the root's). Its
 * entry's chain is not checked here: the entry of the whole path has it
 * as an ancestor (one entry per path), so lookup() checks it. -EAGAIN
 * when the cache does not apply.
 */
static int clean_path(struct sc_call *c, const struct fs_path *p,
		      char *clean, size_t cap)
{
	char joined[PATH_MAX];
	const char *path = p->at.path;	/* what the gofer would walk */
	struct statx stx;
	int n, base;

	if (!dc_on || c->t->fs->root_fd != GOFER_AT_ROOT || p->virt ||
	    p->empty)
		return -EAGAIN;
	if (path[0] != '/') {
		if (dc_used == 0 ||
		    statx(p->at.dirfd, "", AT_EMPTY_PATH,
			  STATX_INO | STATX_MNT_ID, &stx) < 0 ||
		    !(stx.stx_mask & STATX_MNT_ID))
			return -EAGAIN;
		base = find_ino(makedev(stx.stx_dev_major, stx.stx_dev_minor),
				stx.stx_ino, stx.stx_mnt_id);
		if (base < 0)
			return -EAGAIN;
		if ((size_t)snprintf(joined, sizeof(joined), "%s/%s",
				     dc[base].path, path) >= sizeof(joined))
			return -EAGAIN;
		path = joined;
	}
	n = plain_path(path, clean, cap);
	return n < 0 ? -EAGAIN : n;
}

/* The creds' id and the coarse time before any gofer call. */
static void ids(const struct gofer_creds *cr, int *k, struct timespec *t0)
{
	clock_gettime(CLOCK_REALTIME_COARSE, t0);
	*k = creds_id(cr);
	if (*k < 0) {	/* every id is in use: start again */
		fs_dcache_flush();
		dc_ncreds = 0;
		*k = creds_id(cr);
	}
}

/* Creds k were seen searching every ancestor of entry j (and j itself
 * with self). */
static bool searchable(int j, int k, bool self)
{
	if (self && !(dc[j].xmask & (1u << k)))
		return false;
	for (int a = dc[j].parent; a >= 0; a = dc[a].parent)
		if (!(dc[a].xmask & (1u << k)))
			return false;
	return true;
}

/*
 * The cached directory path (clean, n bytes) names, valid now, every
 * ancestor searchable by creds cr (and the directory itself with need_x):
 * its index, or -EAGAIN. No gofer call, except to check X for creds new
 * to a directory of the chain.
 */
static int lookup(struct sc_call *c, const struct gofer_creds *cr,
		  const char *clean, size_t n, bool need_x)
{
	struct timespec t0;
	int j, k;

	ids(cr, &k, &t0);	/* may empty the cache: find after it */
	j = find(clean, n);
	if (j < 0) {
		dc_stats.misses++;
		return -EAGAIN;
	}
	if (!searchable(j, k, false))	/* creds new to a dir */
		return get_dir(c, cr, k, clean, n, need_x, t0);
	if (!valid_chain(j))
		return -EAGAIN;
	if (!searchable(j, k, need_x))
		return get_dir(c, cr, k, clean, n, need_x, t0);
	dc_stats.hits++;
	return j;
}

/*
 * The shared side's lookup (above, "the locks"): the entry p names for
 * creds cr when it is a hit that needs nothing new (creds known, search
 * permission seen, nothing stale), with dc_rw held for reading until
 * hit_end(); -EAGAIN (nothing held) when the cache cannot serve p at
 * all; DC_SLOW (nothing held) when only the exclusive side can tell (a
 * miss, a walk, a flush).
 */
#define DC_SLOW INT_MIN
static int hit_begin(struct sc_call *c, const struct fs_path *p,
		     const struct gofer_creds *cr, bool search)
{
	char clean[PATH_MAX];
	int n, k, j;

	if (dc_depth)	/* the exclusive side is this thread's already */
		return DC_SLOW;
	pthread_rwlock_rdlock(&dc_rw);
	n = clean_path(c, p, clean, sizeof(clean));
	if (n < 0) {
		pthread_rwlock_unlock(&dc_rw);
		return n;
	}
	k = creds_find(cr);
	j = k < 0 ? -1 : find(clean, (size_t)n);
	if (j >= 0 && searchable(j, k, search) && stale_in_chain(j) < 0) {
		DC_COUNT(hits);
		return j;
	}
	pthread_rwlock_unlock(&dc_rw);
	return DC_SLOW;
}

static void hit_end(void)
{
	pthread_rwlock_unlock(&dc_rw);
}

/* Prefixes whose walk could not be cached: not tried again before the
 * directory that was too young may be kept (if it does not change
 * again), or for a second when it was refused for another reason (a
 * symlink, another mount, no search permission), so that such paths cost
 * a bounded number of extra gofer calls, not one per call. */
#define DC_NOKEEP 8
#define DC_NOKEEP_NS 1000000000LL
static struct {
	uint32_t hash;
	int64_t until;
} dc_nokeep[DC_NOKEEP];
static unsigned dc_nokeep_next;

static bool nokeep(const char *clean, size_t n, int64_t now)
{
	for (size_t len = n; len > 0; len--) {
		uint32_t h;

		if (len != n && clean[len] != '/')
			continue;
		h = hash_path(clean, len);
		for (int i = 0; i < DC_NOKEEP; i++)
			if (dc_nokeep[i].hash == h && dc_nokeep[i].until > now)
				return true;
	}
	return false;
}

int fs_dcache_note(struct sc_call *c, const struct fs_path *p,
		   const struct gofer_creds *cr, const struct stat *st)
{
	char clean[PATH_MAX];
	struct timespec t0;
	int n, k, i;
	DC_LOCKED();

	if (!S_ISDIR(st->st_mode))
		return -EAGAIN;
	n = clean_path(c, p, clean, sizeof(clean));
	if (n < 0 || find(clean, (size_t)n) >= 0)
		return -EAGAIN;
	ids(cr, &k, &t0);
	/* Changed too recently to be kept (keepable()): do not walk. */
	if (ns_of(st->st_ctim) >= ns_of(t0) - (st->st_ctim.tv_nsec ?
					       DC_MARGIN_NS : DC_MARGIN_SEC_NS) ||
	    nokeep(clean, (size_t)n, ns_of(t0)))
		return -EAGAIN;
	dc_young_until = 0;
	dc_refused_len = 0;
	i = get_dir(c, cr, k, clean, (size_t)n, false, t0);
	if (i < 0 && dc_refused_len > 0) {
		dc_nokeep[dc_nokeep_next % DC_NOKEEP].hash =
			hash_path(clean, dc_refused_len);
		dc_nokeep[dc_nokeep_next++ % DC_NOKEEP].until =
			dc_young_until ? dc_young_until :
					 ns_of(t0) + DC_NOKEEP_NS;
	}
	return i < 0 ? i : 0;
}

/* The cache entry that answers for p's directory, looked up as cr (with
 * search permission checked if search), or -errno / -EAGAIN. */
static int lookup_path(struct sc_call *c, const struct fs_path *p,
		       const struct gofer_creds *cr, bool search)
{
	char clean[PATH_MAX];
	int n = clean_path(c, p, clean, sizeof(clean));

	return n < 0 ? n : lookup(c, cr, clean, (size_t)n, search);
}

int fs_dcache_chdir(struct sc_call *c, const struct fs_path *p, int *fd_out)
{
	struct gofer_creds cr;
	int i, fd;
	DC_LOCKED();

	task_gofer_creds(c->t, &cr);
	i = lookup_path(c, p, &cr, true);
	if (i < 0)
		return i;
	if (dc[i].file)
		return -EAGAIN;
	fd = fcntl(dc[i].fd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return -EAGAIN;
	*fd_out = fd;
	return 0;
}

/* What a call asks of the entry its path names. */
struct dc_query {
	enum { DQ_STAT, DQ_STATX, DQ_ACCESS, DQ_READLINK } kind;
	bool nofollow;		/* DQ_STAT: lstat */
	int flags;		/* DQ_STATX: AT_* */
	unsigned mask;		/* DQ_STATX */
	int mode;		/* DQ_ACCESS: F_OK or X_OK */
	void *out;		/* struct stat, struct statx, the link's buffer */
	size_t len;		/* DQ_READLINK */
};

/* The answer to q from entry i, or -EAGAIN (the full call gives it). A
 * cached entry was reached by plain names, so stat and lstat agree but on
 * a symlink, which only lstat serves; access X_OK only of a directory
 * looked up with its own search permission. */
static int answer(int i, const struct dc_query *q)
{
	ssize_t n;

	switch (q->kind) {
	case DQ_STAT:
		if (S_ISLNK(dc[i].mode) && !q->nofollow)
			return -EAGAIN;
		return fstat(dc[i].fd, q->out) < 0 ? -EAGAIN : 0;
	case DQ_STATX:
		if (S_ISLNK(dc[i].mode) && !(q->flags & AT_SYMLINK_NOFOLLOW))
			return -EAGAIN;
		return statx(dc[i].fd, "",
			     AT_EMPTY_PATH | (q->flags & AT_STATX_SYNC_TYPE),
			     q->mask, q->out) < 0 ? -EAGAIN : 0;
	case DQ_ACCESS:	/* X of a file; a link to follow */
		if (dc[i].file)
			return q->mode || S_ISLNK(dc[i].mode) ? -EAGAIN : 0;
		return 0;
	case DQ_READLINK:
		if (!S_ISLNK(dc[i].mode))
			return -EAGAIN;	/* EINVAL: the full call says it */
		n = readlinkat(dc[i].fd, "", q->out, q->len);
		return n < 0 ? -EAGAIN : (int)n;
	}
	return -EAGAIN;
}

/* q answered by a hit on the shared side; -EAGAIN if the cache cannot
 * serve p; DC_SLOW if only the exclusive side can tell. */
static int shared_answer(struct sc_call *c, const struct fs_path *p,
			 const struct gofer_creds *cr,
			 const struct dc_query *q)
{
	int i = hit_begin(c, p, cr,
			  q->kind == DQ_ACCESS && (q->mode & X_OK));
	int ret;

	if (i < 0)
		return i;
	ret = answer(i, q);
	hit_end();
	return ret;
}

/* q answered by the cache: a hit, else the exclusive side's lookup. */
static int cached_answer(struct sc_call *c, const struct fs_path *p,
			 const struct dc_query *q)
{
	struct gofer_creds cr;
	int i, ret;

	task_gofer_creds(c->t, &cr);
	ret = shared_answer(c, p, &cr, q);
	if (ret != DC_SLOW)
		return ret;
	DC_LOCKED();
	i = lookup_path(c, p, &cr, false);
	return i < 0 ? i : answer(i, q);
}

int fs_dcache_stat(struct sc_call *c, const struct fs_path *p,
		   struct stat *st)
{
	struct dc_query q = { .kind = DQ_STAT, .out = st };

	return cached_answer(c, p, &q);
}

int fs_dcache_statx(struct sc_call *c, const struct fs_path *p, int flags,
		    unsigned mask, struct statx *stx)
{
	struct dc_query q = { .kind = DQ_STATX, .flags = flags,
			      .mask = mask, .out = stx };

	return cached_answer(c, p, &q);
}

int fs_dcache_access(struct sc_call *c, const struct fs_path *p,
		     const struct gofer_creds *cr, int mode)
{
	struct dc_query q = { .kind = DQ_ACCESS, .mode = mode };
	int i;

	/* F_OK and X_OK only: search permission is what the cache knows
	 * (R and W: the gofer; W also depends on the mount). */
	if (mode & ~X_OK)
		return -EAGAIN;
	i = shared_answer(c, p, cr, &q);
	if (i != DC_SLOW)
		return i;
	DC_LOCKED();
	i = lookup_path(c, p, cr, false);
	if (i < 0 || dc[i].file)
		return i < 0 ? i : answer(i, &q);
	if (mode & X_OK)
		i = lookup_path(c, p, cr, true);
	return i < 0 ? i : 0;
}

/* ---- files (--file-access exclusive) --------------------------------- */

/* Whether fd, a non-directory the gofer opened below a cached directory,
 * may be kept: on the root's own mount (a bind-mounted file may be the
 * host's, renamed over from outside). */
static bool file_keepable(int fd, bool any_mnt)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	return (any_mnt || stx.stx_mnt_id == dc_root_mnt) &&
	       fd_budget_may_keep(fd);
}

/* The walk to the directory clean[0..n) for a file below it, with the
 * note's bounds on directories that cannot be kept. */
static int parent_dir(struct sc_call *c, const struct gofer_creds *cr, int k,
		      const char *clean, size_t n, struct timespec t0)
{
	int i;

	if (find(clean, n) < 0 && nokeep(clean, n, ns_of(t0)))
		return -EAGAIN;
	dc_young_until = 0;
	dc_refused_len = 0;
	i = get_dir(c, cr, k, clean, n, false, t0);
	if (i < 0 && dc_refused_len > 0) {
		dc_nokeep[dc_nokeep_next % DC_NOKEEP].hash =
			hash_path(clean, dc_refused_len);
		dc_nokeep[dc_nokeep_next++ % DC_NOKEEP].until =
			dc_young_until ? dc_young_until :
					 ns_of(t0) + DC_NOKEEP_NS;
	}
	if (i >= 0 && dc[i].file)
		return -EAGAIN;
	return i;
}

/*
 * A name the cache does not hold, below a cached directory: the gofer
 * opens it (O_PATH, not following a link, as the task: one round trip,
 * as the stat it replaces) and the entry is kept when it may be. *fd is
 * the entry's fd (*own false) or one the caller closes (*own true).
 * -ENOENT is the answer (no such name: what the stat would say); -EAGAIN
 * means "do the full call".
 */
static int fill(struct sc_call *c, const struct fs_path *p, int *fd,
		bool *own)
{
	char clean[PATH_MAX];
	struct gofer_creds cr;
	struct timespec t0;
	struct stat st;
	int n, k, i, j, ret;
	size_t pl;

	if (!dc_on)
		return -EAGAIN;
	n = clean_path(c, p, clean, sizeof(clean));
	if (n <= 1)
		return -EAGAIN;
	pl = (size_t)(strrchr(clean, '/') - clean);
	task_gofer_creds(c->t, &cr);
	ids(&cr, &k, &t0);
	i = parent_dir(c, &cr, k, clean, pl ? pl : 1, t0);
	if (i < 0)
		return -EAGAIN;
	dc_stats.misses++;
	ret = open_below(c, &cr, i, clean + pl + 1, fd);
	if (ret == -ENOENT)
		return ret;
	if (ret < 0)
		return -EAGAIN;
	dc[i].xmask |= 1u << k;
	*own = true;
	if (fstat(*fd, &st) < 0) {
		close(*fd);
		return -EAGAIN;
	}
	/* Kept if nothing changed on the way (an entry per path). */
	if (!valid_chain(i) || find(clean, (size_t)n) >= 0)
		return 0;
	if (S_ISDIR(st.st_mode) ? !keepable(*fd, &st, t0, mounts_excl(c)) :
				  !file_keepable(*fd, mounts_excl(c)))
		return 0;
	j = insert(clean, (size_t)n, i, *fd, &st);
	if (j >= 0)
		*own = false;
	return 0;
}

int fs_dcache_stat_fill(struct sc_call *c, const struct fs_path *p,
			bool nofollow, struct stat *st)
{
	struct dc_query q = { .kind = DQ_STAT, .nofollow = nofollow,
			      .out = st };
	struct gofer_creds cr;
	bool own = false;
	int i, fd, ret;

	if (!dc_on)
		return -EAGAIN;
	task_gofer_creds(c->t, &cr);
	ret = shared_answer(c, p, &cr, &q);
	if (ret != DC_SLOW)
		return ret;
	DC_LOCKED();
	i = lookup_path(c, p, &cr, false);
	if (i >= 0)
		return answer(i, &q);
	ret = fill(c, p, &fd, &own);
	if (ret < 0)
		return ret;
	ret = fstat(fd, st) < 0 ? -EAGAIN : 0;
	if (ret == 0 && S_ISLNK(st->st_mode) && !nofollow)
		ret = -EAGAIN;
	if (own)
		close(fd);
	return ret;
}

int fs_dcache_statx_fill(struct sc_call *c, const struct fs_path *p,
			 int flags, unsigned mask, struct statx *stx)
{
	bool own = false;
	int fd, ret;

	ret = fs_dcache_statx(c, p, flags, mask, stx);
	if (ret != -EAGAIN || !dc_on)
		return ret;
	DC_LOCKED();
	ret = fill(c, p, &fd, &own);
	if (ret < 0)
		return ret;
	ret = statx(fd, "", AT_EMPTY_PATH | (flags & AT_STATX_SYNC_TYPE), mask,
		    stx) < 0 ? -EAGAIN : 0;
	if (ret == 0 && S_ISLNK(stx->stx_mode) &&
	    !(flags & AT_SYMLINK_NOFOLLOW))
		ret = -EAGAIN;
	if (own)
		close(fd);
	return ret;
}

int fs_dcache_readlink(struct sc_call *c, const struct fs_path *p, char *buf,
		       size_t len)
{
	struct dc_query q = { .kind = DQ_READLINK, .out = buf, .len = len };

	return cached_answer(c, p, &q);
}

/* ---- the pre-opened fd pool's files (sentry/fs_openpool.c) ----------- */

int fs_dcache_file(struct sc_call *c, const struct fs_path *p,
		   const struct gofer_creds *cr, struct fs_dcache_ref *ref,
		   struct stat *st)
{
	int i;
	DC_LOCKED();

	i = lookup_path(c, p, cr, false);
	if (i < 0)
		return -EAGAIN;
	if (!dc[i].file || fstat(dc[i].fd, st) < 0 || !S_ISREG(st->st_mode))
		return -EAGAIN;
	ref->idx = i;
	ref->id = dc[i].id;
	return 0;
}

int fs_dcache_file_fill(struct sc_call *c, const struct fs_path *p,
			const struct gofer_creds *cr, struct fs_dcache_ref *ref)
{
	struct stat st;
	bool own = false;
	int fd;
	DC_LOCKED();

	if (fill(c, p, &fd, &own) < 0)
		return -EAGAIN;
	if (own)
		close(fd);
	return fs_dcache_file(c, p, cr, ref, &st);
}

bool fs_dcache_settled(const struct stat *st)
{
	struct timespec now;
	int64_t margin = st->st_ctim.tv_nsec ? DC_MARGIN_NS : DC_MARGIN_SEC_NS;

	clock_gettime(CLOCK_REALTIME_COARSE, &now);
	return ns_of(st->st_ctim) < ns_of(now) - margin;
}

/* Whether st, of an fd opened after t0, is entry e's regular file and
 * old enough that a change after t0 shows as a new ctime. */
static bool reopened(const struct dc_ent *e, const struct stat *st,
		     struct timespec t0)
{
	int64_t margin = st->st_ctim.tv_nsec ? DC_MARGIN_NS : DC_MARGIN_SEC_NS;

	return st->st_dev == e->dev && st->st_ino == e->ino &&
	       S_ISREG(st->st_mode) &&
	       ns_of(st->st_ctim) < ns_of(t0) - margin;
}

/*
 * Opens the file entry ref again n times (the gofer: its path from "/",
 * as cr, with flags; one round trip, GOFER_OPEN_BATCH) and hands the fds
 * to the pool (fs_openpool_keep), under this file's lock so that a flush
 * cannot pass between. Each is kept only if the entry is still there and
 * valid, the fd is that very inode, and its ctime is older than the
 * coarse time before the open by a margin, as for a directory
 * (keepable()): a later chmod, chown, ACL change or truncation (by path,
 * or through an fd the sentry never sees) then always shows as a new
 * ctime, which fs_openpool_take checks.
 */
void fs_dcache_reopen(struct sc_call *c, const struct fs_dcache_ref *ref,
		      const struct gofer_creds *cr, int flags, unsigned n)
{
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT,
			       .rootfd = GOFER_AT_ROOT };
	int fds[GOFER_OPEN_BATCH_MAX], nfds = 0, sock;
	struct timespec t0;
	struct stat st;
	char b;
	DC_LOCKED();

	if (!dc_on || ref->idx < 0 || ref->idx >= DC_MAX || n == 0 ||
	    n > GOFER_OPEN_BATCH_MAX)
		return;
	if (dc[ref->idx].path == NULL || dc[ref->idx].id != ref->id ||
	    !valid_chain(ref->idx))
		return;
	clock_gettime(CLOCK_REALTIME_COARSE, &t0);
	at.path = dc[ref->idx].path;
	dc_stats.gofer_calls++;
	if (gofer_openat(task_gofer(c->t), cr, &at, flags,
			 GOFER_OPEN_BATCH | n, 0, &sock) < 0)
		return;
	if (cv_recv_fds(sock, &b, 1, fds, (int)n, &nfds) != 1)
		nfds = 0;
	close(sock);
	for (int i = 0; i < nfds; i++)
		if (fstat(fds[i], &st) < 0 ||
		    !reopened(&dc[ref->idx], &st, t0) ||
		    fs_openpool_keep(ref, cr, flags, fds[i], &st) < 0)
			close(fds[i]);
}

/*
 * A task's change of a name: the sentry's own mutations keep the cache
 * instead of emptying it. begin() (before the gofer call) notes the
 * entry of the name and of its directory, validated; end() (after)
 * drops the name's entry (a directory's: everything, for what is below)
 * and takes the directory's new ctime, if its identity, mode and owner
 * are unchanged. Only the sentry's own call ran between the two (a
 * mutating call is the main thread's, which holds the sentry lock for
 * writing: no worker runs meanwhile): a change from outside in that
 * window is taken as ours, the "exclusive" promise (docs/architecture.md).
 */
void fs_dcache_begin(struct sc_call *c, const struct fs_path *p,
		     struct fs_dcache_change *ch)
{
	char clean[PATH_MAX];
	int n, pi;
	size_t pl;
	DC_LOCKED();

	ch->self = ch->parent = -1;
	ch->gen = dc_stats.flushes;
	if (!dc_on || dc_used == 0)
		return;
	n = clean_path(c, p, clean, sizeof(clean));
	if (n <= 1)
		return;
	pl = (size_t)(strrchr(clean, '/') - clean);
	pi = find(clean, pl ? pl : 1);
	if (pi < 0 || dc[pi].file || !valid_chain(pi))
		return;
	ch->gen = dc_stats.flushes;
	ch->parent = pi;
	ch->self = find(clean, (size_t)n);
}

bool fs_dcache_is_file(const struct fs_dcache_change *ch)
{
	DC_LOCKED();

	return ch->self >= 0 && ch->gen == dc_stats.flushes &&
	       dc[ch->self].file;
}

void fs_dcache_end(struct fs_dcache_change *ch, int ret)
{
	struct stat st;
	struct dc_ent *e;
	DC_LOCKED();

	if (ret < 0 || ch->parent < 0 || ch->gen != dc_stats.flushes)
		return;
	if (ch->self >= 0 && dc[ch->self].path != NULL) {
		if (!dc[ch->self].file) {
			fs_dcache_flush();
			return;
		}
		drop(ch->self);
	}
	e = &dc[ch->parent];
	if (fstat(e->fd, &st) < 0 || e->dev != st.st_dev ||
	    e->ino != st.st_ino || e->mode != st.st_mode ||
	    e->uid != st.st_uid || e->gid != st.st_gid) {
		fs_dcache_flush();
		return;
	}
	e->ctime = st.st_ctim;
}
