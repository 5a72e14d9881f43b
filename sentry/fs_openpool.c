// SPDX-License-Identifier: Apache-2.0
/*
 * The pre-opened fd pool (docs/architecture.md, "The fd install path"):
 * opens of cached files without a gofer round trip, under
 * --file-access exclusive.
 *
 * An open needs a new open file description made with the task's
 * credentials, and only the gofer makes them (invariants 2, 4, 8). So
 * after the sentry answered an open of a file the directory cache holds,
 * it asks the gofer for one more open of the same file, with the same
 * flags and the same credentials, and keeps that fd here; the next open
 * that matches takes it (the install is the whole call: one
 * notification), and the refill follows that reply in turn. A file is
 * pooled from its second open on: a file opened once costs no extra
 * gofer call.
 *
 * What makes a pooled fd the open the task would get now:
 *  - the same file: the key is the cache entry (a name below a directory
 *    the cache validates on every use, dropped with it), and the fd is
 *    that entry's inode;
 *  - the same permission verdict: the key holds the credentials the
 *    gofer opened with (fsuid, fsgid, groups, effective capabilities), so
 *    a task with others (another user, after setfsuid, a capability
 *    dropped) misses; the path's search permission is the cache's, for
 *    those credentials; the file's mode, owner, ACL and xattrs are under
 *    its ctime, which must be the one of the pre-open, older than the
 *    coarse clock before it (fs_dcache_reopen), and is compared on every
 *    take: a chmod, chown, setxattr or truncate, by path or through an
 *    fd (fchmod and ftruncate are PASS: the sentry never sees them), is
 *    always a miss;
 *  - the same flags: O_RDONLY with O_NONBLOCK, O_NOFOLLOW, O_NOATIME,
 *    O_NOCTTY, O_LARGEFILE (exactly those of the task's open, which
 *    F_GETFL shows); O_CLOEXEC is the install's. Nothing that writes,
 *    creates, truncates, or is O_PATH: a pooled writer would make an exec
 *    of the file ETXTBSY.
 * Off once a task added an inotify watch (the pre-open is an IN_OPEN and
 * a later IN_CLOSE_NOWRITE nobody made), and whenever the directory
 * cache is (--file-access shared).
 *
 * Bounded: POOL_MAX fds, the least recently used given up first, each
 * counted in the sentry's fd budget (fd_budget.c) and kept only below a
 * quarter of its table. Locking: pool_lock guards everything here but
 * the pending refill, which is the serving thread's own; it is taken
 * after the directory cache's (which calls in to keep, forget and clear)
 * and nothing is taken under it. A refill checks that its cache entry is
 * still there (fs_dcache_reopen), so one left pending by a call that
 * failed is harmless, and the next take forgets it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "platform/platform.h"
#include "sentry/internal.h"
#include "sentry/task.h"
#include "sentry/vtree.h"

#define POOL_MAX 64
#define POOL_SEEN 64
#define POOL_BATCH 8	/* fds per refill of a file opened again and again */

/* The flags a pooled open may have besides O_RDONLY (and O_CLOEXEC,
 * which is not the description's but the fd's). */
#define POOL_FLAGS                                                        \
	(O_NONBLOCK | O_NOFOLLOW | O_NOATIME | O_NOCTTY | O_LARGEFILE)

struct pool_key {
	uint64_t id;		/* the cache entry */
	int flags;		/* without O_CLOEXEC */
	struct gofer_creds cr;	/* umask 0: an open that creates nothing */
};

struct pool_fd {
	struct pool_key k;
	int fd;			/* -1: a free slot */
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	uint64_t used;		/* LRU clock */
};

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool_fd pool[POOL_MAX] = { [0 ... POOL_MAX - 1] = { .fd = -1 } };
static size_t pool_n;		/* slots in use */
static uint64_t pool_clock;
static bool pool_off;		/* an inotify watch was added */
/* Keys opened once (a second open pools the file), and paths opened
 * once that the cache did not hold (a second open makes the entry). */
static struct pool_key seen[POOL_SEEN];
static unsigned seen_next;
static uint32_t seen_path[POOL_SEEN];
static unsigned seen_path_next;
/* The refill the current open's reply is followed by: the serving
 * thread's own (the take, the reply and the refill are one call's). */
static __thread struct {
	bool set;
	bool fill;		/* the entry is to be made first (k.id 0) */
	unsigned n;		/* how many fds */
	struct fs_dcache_ref ref;
	struct pool_key k;
} pending;
static struct {
	uint64_t hits, misses, refills, dropped;
} pool_stats;

static void pool_unlock(int *guard)
{
	(void)guard;
	pthread_mutex_unlock(&pool_lock);
}

#define POOL_LOCKED()                                                \
	pthread_mutex_lock(&pool_lock);                              \
	int pool_guard_ __attribute__((cleanup(pool_unlock), unused)) = 0

bool fs_openpool_eligible(int flags)
{
	return (flags & O_ACCMODE) == O_RDONLY &&
	       !(flags & ~(O_ACCMODE | O_CLOEXEC | POOL_FLAGS));
}

static void key_of(struct pool_key *k, uint64_t id,
		   const struct gofer_creds *cr, int flags)
{
	memset(k, 0, sizeof(*k));
	k->id = id;
	k->flags = flags & ~O_CLOEXEC;
	k->cr.fsuid = cr->fsuid;
	k->cr.fsgid = cr->fsgid;
	k->cr.ngroups = cr->ngroups < GOFER_MAX_GROUPS ? cr->ngroups :
							 GOFER_MAX_GROUPS;
	memcpy(k->cr.groups, cr->groups,
	       k->cr.ngroups * sizeof(k->cr.groups[0]));
	k->cr.cap_effective = cr->cap_effective;
}

/* Keys are made by key_of (zeroed, umask 0): the credentials compared
 * whole, after the cheap fields. */
static bool key_eq(const struct pool_key *a, const struct pool_key *b)
{
	return a->id == b->id && a->flags == b->flags &&
	       memcmp(&a->cr, &b->cr, sizeof(a->cr)) == 0;
}

static void release(struct pool_fd *e)
{
	close(e->fd);
	e->fd = -1;
	pool_n--;
	fd_budget_put(1);
}

void fs_openpool_forget(uint64_t id)
{
	POOL_LOCKED();

	for (size_t i = 0; pool_n && i < POOL_MAX; i++)
		if (pool[i].fd >= 0 && pool[i].k.id == id) {
			release(&pool[i]);
			pool_stats.dropped++;
		}
	if (pending.set && pending.k.id == id)
		pending.set = false;
}

void fs_openpool_clear(void)
{
	POOL_LOCKED();

	for (size_t i = 0; pool_n && i < POOL_MAX; i++)
		if (pool[i].fd >= 0) {
			release(&pool[i]);
			pool_stats.dropped++;
		}
	pending.set = false;
	memset(seen, 0, sizeof(seen));
	memset(seen_path, 0, sizeof(seen_path));
}

void fs_openpool_disable(void)
{
	fs_openpool_clear();
	POOL_LOCKED();
	pool_off = true;
}

/* Whether k was opened before; notes it if not. */
static bool seen_before(const struct pool_key *k)
{
	for (int i = 0; i < POOL_SEEN; i++)
		if (seen[i].id != 0 && key_eq(&seen[i], k))
			return true;
	seen[seen_next++ % POOL_SEEN] = *k;
	return false;
}

/* Whether the path was opened before (and not cached); notes it if not.
 * A false match costs one gofer open of the name. */
static bool path_seen_before(const char *path)
{
	uint32_t h = 2166136261u;

	for (const char *q = path; *q; q++)
		h = (h ^ (unsigned char)*q) * 16777619u;
	h |= 1;		/* 0 is a free slot */
	for (int i = 0; i < POOL_SEEN; i++)
		if (seen_path[i] == h)
			return true;
	seen_path[seen_path_next++ % POOL_SEEN] = h;
	return false;
}

/*
 * The pooled fd e, if its file is unchanged. now is the fstat of the cache
 * entry, just taken; e's dev, inode and ctime are its fd's own fstat at
 * the pre-open. The fd holds its inode alive, so no other file has that
 * dev and inode number meanwhile: equal ones are the same inode, and
 * now's ctime is that inode's ctime now. No fstat of the fd itself.
 */
static bool still_good(const struct pool_fd *e, const struct stat *now)
{
	return e->dev == now->st_dev && e->ino == now->st_ino &&
	       now->st_ctim.tv_sec == e->ctime.tv_sec &&
	       now->st_ctim.tv_nsec == e->ctime.tv_nsec;
}

/* How many fds of key k the pool holds. */
static unsigned held(const struct pool_key *k)
{
	unsigned n = 0;

	for (size_t i = 0; pool_n && i < POOL_MAX; i++)
		if (pool[i].fd >= 0 && key_eq(&pool[i].k, k))
			n++;
	return n;
}

static int take(const struct pool_key *k, const struct stat *st)
{
	for (size_t i = 0; pool_n && i < POOL_MAX; i++) {
		struct pool_fd *e = &pool[i];
		int fd;

		if (e->fd < 0 || !key_eq(&e->k, k))
			continue;
		if (!still_good(e, st)) {
			release(e);
			pool_stats.dropped++;
			continue;
		}
		fd = e->fd;
		e->fd = -1;
		pool_n--;
		fd_budget_put(1);
		return fd;
	}
	return -1;
}

int fs_openpool_take(struct sc_call *c, const struct fs_path *p,
		     const struct gofer_creds *cr, int flags, uint64_t resolve,
		     int *fd)
{
	struct fs_dcache_ref ref;
	struct pool_key k;
	struct stat st;

	pending.set = false;	/* a refill is this call's, or none */
	if (!fs_openpool_eligible(flags) || resolve || p->virt)
		return -EAGAIN;
	{
		POOL_LOCKED();

		if (pool_off)
			return -EAGAIN;
	}
	/* The dcache's lock, then ours: never the other way round. */
	if (fs_dcache_file(c, p, cr, &ref, &st) < 0) {
		POOL_LOCKED();

		if (fs_dcache_enabled() && path_seen_before(p->path)) {
			key_of(&pending.k, 0, cr, flags);
			pending.set = pending.fill = true;
			pending.n = 1;
		}
		return -EAGAIN;
	}
	key_of(&k, ref.id, cr, flags);
	POOL_LOCKED();
	*fd = take(&k, &st);
	if (*fd >= 0)
		pool_stats.hits++;
	else
		pool_stats.misses++;
	/* A hit that took the last one: a file opened again and again,
	 * refilled by a batch. A miss of a key seen before: one. Not while
	 * the file changes (a write, a chmod): the pre-open would not be
	 * kept (fs_dcache_reopen), a gofer call for nothing. */
	if ((*fd >= 0 ? held(&k) == 0 : seen_before(&k)) &&
	    fs_dcache_settled(&st)) {
		pending.set = true;
		pending.fill = false;
		pending.n = *fd >= 0 ? POOL_BATCH : 1;
		pending.ref = ref;
		pending.k = k;
	}
	return *fd >= 0 ? 0 : -EAGAIN;
}

/* The slot for a new fd: a free one, else the least recently used. */
static struct pool_fd *slot(void)
{
	struct pool_fd *lru = NULL;

	for (size_t i = 0; i < POOL_MAX; i++) {
		if (pool[i].fd < 0)
			return &pool[i];
		if (lru == NULL || pool[i].used < lru->used)
			lru = &pool[i];
	}
	release(lru);
	pool_stats.dropped++;
	return lru;
}

int fs_openpool_keep(const struct fs_dcache_ref *ref,
		     const struct gofer_creds *cr, int flags, int fd,
		     const struct stat *st)
{
	struct pool_fd *e;
	struct pool_key k;
	POOL_LOCKED();

	key_of(&k, ref->id, cr, flags);
	if (pool_off || !fd_budget_may_keep(fd))
		return -1;
	e = slot();
	if (!fd_budget_take())
		return -1;
	e->k = k;
	e->fd = fd;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->ctime = st->st_ctim;
	e->used = ++pool_clock;
	pool_n++;
	pool_stats.refills++;
	return 0;
}

void fs_openpool_fill(struct sc_call *c, const struct fs_path *p)
{
	struct fs_dcache_ref ref;
	struct pool_key k;

	{
		POOL_LOCKED();

		if (!pending.set || !pending.fill || pool_off)
			return;
		pending.set = false;
		k = pending.k;
	}
	if (fs_dcache_file_fill(c, p, &k.cr, &ref) < 0)
		return;
	POOL_LOCKED();
	k.id = ref.id;
	pending.set = true;
	pending.fill = false;
	pending.ref = ref;
	pending.k = k;
}

void fs_openpool_refill(struct sc_call *c)
{
	struct fs_dcache_ref ref;
	struct pool_key k;
	unsigned n;

	{
		POOL_LOCKED();

		if (!pending.set || pending.fill || pool_off)
			return;
		pending.set = false;
		ref = pending.ref;
		k = pending.k;
		n = pending.n;
	}
	fs_dcache_reopen(c, &ref, &k.cr, k.flags, n);
}

size_t fs_openpool_held(void)
{
	POOL_LOCKED();

	return pool_n;
}

void fs_openpool_log_stats(void)
{
	POOL_LOCKED();

	log_debug("fd pool: %s, %llu hits, %llu misses, %llu pre-opens, "
		  "%llu given up, %zu held",
		  pool_off ? "off (inotify)" : "on",
		  (unsigned long long)pool_stats.hits,
		  (unsigned long long)pool_stats.misses,
		  (unsigned long long)pool_stats.refills,
		  (unsigned long long)pool_stats.dropped, pool_n);
}
