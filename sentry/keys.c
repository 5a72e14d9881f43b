// SPDX-License-Identifier: Apache-2.0
/*
 * Keyrings: add_key, request_key and keyctl emulated in the sentry's own
 * memory. The host's keyrings are never reached (docs/architecture.md, invariant 6):
 * every key, serial number and keyring of the sandbox lives here, so a
 * sandbox sees only its own keys.
 *
 * Covered: the "user" and "keyring" types; the thread, process, session,
 * user and user-session keyrings (created on demand as Linux does); the
 * possessor/user/group/other permission masks; search through nested
 * keyrings (depth 6, as Linux); expiry on the sentry's clock; Linux's
 * default quotas (200 keys / 20000 bytes per non-root uid) and a
 * sandbox-wide cap. Not covered: other key types (ENODEV from add_key,
 * ENOKEY from request_key), request_key upcalls (no /sbin/request-key:
 * ENOKEY), DH, public-key, restrict, move, watch and capabilities
 * operations (EOPNOTSUPP), instantiation by authorisation keys.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"
#include "sentry/idmap.h"
#include "sentry/internal.h"
#include "sentry/keys.h"

#define KEY_POS_VIEW	0x01000000
#define KEY_POS_READ	0x02000000
#define KEY_POS_WRITE	0x04000000
#define KEY_POS_SEARCH	0x08000000
#define KEY_POS_LINK	0x10000000
#define KEY_POS_SETATTR	0x20000000
#define KEY_POS_ALL	0x3f000000
#define KEY_USR_VIEW	0x00010000
#define KEY_USR_READ	0x00020000
#define KEY_USR_SEARCH	0x00080000
#define KEY_USR_LINK	0x00100000
#define KEY_USR_ALL	0x003f0000
#define KEY_GRP_ALL	0x00003f00
#define KEY_OTH_ALL	0x0000003f

/* Permission needs (the low 6 bits of each byte). */
#define NEED_VIEW	0x01
#define NEED_READ	0x02
#define NEED_WRITE	0x04
#define NEED_SEARCH	0x08
#define NEED_LINK	0x10
#define NEED_SETATTR	0x20

/* lookup flags */
#define LK_CREATE	0x01
#define LK_UNLINK	0x02	/* no state check */
#define LK_DEFER	0x04	/* no permission check */

#define SEARCH_DEPTH	6
#define PERSISTENT_EXPIRY_NS (3ull * 24 * 3600 * 1000000000ull)
#define DESC_MAX	4096
#define TYPE_MAX	32
#define USER_DATA_MAX	32767
#define ADD_DATA_MAX	(1024 * 1024 - 1)
#define UPDATE_DATA_MAX	4096
/* Linux's defaults (/proc/sys/kernel/keys/). */
#define QUOTA_KEYS	200
#define QUOTA_BYTES	20000
#define ROOT_QUOTA_KEYS	1000000
#define ROOT_QUOTA_BYTES 25000000
/* What a whole sandbox may hold, whatever its uids. */
#define SANDBOX_KEYS	20000
#define SANDBOX_BYTES	(32u << 20)

enum ktype { KT_USER, KT_KEYRING };

struct key {
	int32_t serial;
	int refs;
	enum ktype type;
	uid_t uid;
	gid_t gid;
	uint32_t perm;
	char *desc;
	char *data;		/* user: the payload */
	size_t len;
	struct key **links;	/* keyring: the keys it links */
	size_t nlinks, caplinks;
	uint64_t expiry;	/* cv_now_ns() deadline, 0: never */
	bool revoked, invalid;
	bool uid_ring;		/* a user, user-session or persistent keyring:
				 * never joined by name */
	size_t charged;		/* bytes charged to uid's quota */
	uint64_t seen;		/* walk that last reached it, and at what */
	int seen_depth;		/* depth (shallowest) */
	struct key *next;	/* all_keys */
	struct key *hnext;	/* its serial's hash chain */
};

/* Per sandbox uid: quota use and the user keyrings. */
struct kuser {
	uid_t uid;
	size_t nkeys, nbytes;
	struct key *ring, *ses, *persistent;
};

struct proc_keys {
	int refs;
	struct key *ring;
};

struct task_keys {
	struct key *thread;
	struct proc_keys *proc;
	struct key *session;
	int reqkey;
};

static struct key *all_keys;
#define SERIAL_BUCKETS 4096
static struct key *by_serial[SERIAL_BUCKETS];
static uint64_t walk_gen;

/* A keyring reached by walk gen at depth: whether to go through it (again).
 * A keyring linked from many is gone through once per depth at most, so a
 * lattice of links cannot make one search exponential. */
static bool walk_enter(struct key *k, uint64_t gen, int depth)
{
	if (k->seen == gen && k->seen_depth <= depth)
		return false;
	k->seen = gen;
	k->seen_depth = depth;
	return true;
}
static size_t total_keys, total_bytes;
static struct kuser *kusers;
static size_t nkusers;

static struct kuser *kuser_of(uid_t uid)
{
	struct kuser *v;

	for (size_t i = 0; i < nkusers; i++)
		if (kusers[i].uid == uid)
			return &kusers[i];
	v = realloc(kusers, (nkusers + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	kusers = v;
	memset(&v[nkusers], 0, sizeof(*v));
	v[nkusers].uid = uid;
	return &v[nkusers++];
}

static int quota_charge(uid_t uid, size_t nkeys, size_t bytes, bool overrun)
{
	struct kuser *u = kuser_of(uid);
	size_t maxk = uid == 0 ? ROOT_QUOTA_KEYS : QUOTA_KEYS;
	size_t maxb = uid == 0 ? ROOT_QUOTA_BYTES : QUOTA_BYTES;

	if (u == NULL)
		return -ENOMEM;
	if (total_keys + nkeys > SANDBOX_KEYS ||
	    total_bytes + bytes > SANDBOX_BYTES)
		return -EDQUOT;
	if (!overrun && (u->nkeys + nkeys > maxk || u->nbytes + bytes > maxb))
		return -EDQUOT;
	u->nkeys += nkeys;
	u->nbytes += bytes;
	total_keys += nkeys;
	total_bytes += bytes;
	return 0;
}

static void quota_release(uid_t uid, size_t nkeys, size_t bytes)
{
	struct kuser *u = kuser_of(uid);

	if (u != NULL) {
		u->nkeys -= nkeys;
		u->nbytes -= bytes;
	}
	total_keys -= nkeys;
	total_bytes -= bytes;
}

static struct key *key_find(int32_t serial)
{
	struct key *k = by_serial[(uint32_t)serial % SERIAL_BUCKETS];

	for (; k != NULL; k = k->hnext)
		if (k->serial == serial)
			return k;
	return NULL;
}

/* Serials look random, as Linux's do (xorshift seeded by the clock: the
 * confined sentry has no getrandom, and nothing secret rides on them). */
static int32_t new_serial(void)
{
	static uint64_t x;
	uint32_t r;

	if (x == 0)
		x = cv_now_ns() | 1;
	do {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r = (uint32_t)(x >> 16) & 0x7fffffff;
	} while (r < 3 || key_find((int32_t)r) != NULL);
	return (int32_t)r;
}

static struct key *key_get(struct key *k)
{
	if (k != NULL)
		k->refs++;
	return k;
}

static void key_unlist(struct key *k)
{
	struct key **hp = &by_serial[(uint32_t)k->serial % SERIAL_BUCKETS];

	for (; *hp != NULL; hp = &(*hp)->hnext) {
		if (*hp == k) {
			*hp = k->hnext;
			break;
		}
	}
	for (struct key **pp = &all_keys; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	}
	k->next = NULL;
}

/* Frees k (already off all_keys); links it held that drop to no reference
 * go on *dead. */
static void key_destroy(struct key *k, struct key **dead)
{
	quota_release(k->uid, 1, k->charged);
	for (size_t i = 0; i < k->nlinks; i++) {
		struct key *l = k->links[i];

		if (--l->refs == 0) {
			key_unlist(l);
			l->next = *dead;
			*dead = l;
		}
	}
	free(k->links);
	free(k->desc);
	free(k->data);
	free(k);
}

/* Iterative: a long chain of keyrings must not run the stack out. */
static void key_put(struct key *k)
{
	struct key *dead = NULL;

	if (k == NULL || --k->refs > 0)
		return;
	key_unlist(k);
	key_destroy(k, &dead);
	while (dead != NULL) {
		struct key *d = dead;

		dead = d->next;
		key_destroy(d, &dead);
	}
}

static struct key *key_alloc(enum ktype type, const char *desc, uid_t uid,
			     gid_t gid, uint32_t perm, bool overrun, long *err)
{
	size_t charge = strlen(desc) + 1;
	struct key *k;

	*err = quota_charge(uid, 1, charge, overrun);
	if (*err < 0)
		return NULL;
	k = calloc(1, sizeof(*k));
	if (k == NULL || (k->desc = strdup(desc)) == NULL) {
		free(k);
		quota_release(uid, 1, charge);
		*err = -ENOMEM;
		return NULL;
	}
	k->serial = new_serial();
	k->refs = 1;
	k->type = type;
	k->uid = uid;
	k->gid = gid;
	k->perm = perm;
	k->charged = charge;
	k->next = all_keys;
	all_keys = k;
	k->hnext = by_serial[(uint32_t)k->serial % SERIAL_BUCKETS];
	by_serial[(uint32_t)k->serial % SERIAL_BUCKETS] = k;
	return k;
}

/* ---- permissions and state ---- */

static bool has_cap(const struct task *t, int cap)
{
	return t->creds.cap_effective & (1ull << cap);
}

static bool in_group(const struct task *t, gid_t gid)
{
	struct ident_who who = ident_who_task(&t->creds);

	return ident_in_group(&who, gid);
}

static int key_perm(const struct task *t, const struct key *k, bool poss,
		    unsigned need)
{
	uint32_t kp;

	if (k->uid == t->creds.fsuid)
		kp = k->perm >> 16;
	else if (k->gid != (gid_t)-1 && (k->perm & KEY_GRP_ALL) &&
		 in_group(t, k->gid))
		kp = k->perm >> 8;
	else
		kp = k->perm;
	if (poss)
		kp |= k->perm >> 24;
	return (kp & need & 0x3f) == need ? 0 : -EACCES;
}

static bool key_expired(const struct key *k)
{
	return k->expiry != 0 && cv_now_ns() >= k->expiry;
}

static int key_validate(const struct key *k)
{
	if (k->invalid)
		return -ENOKEY;
	if (k->revoked)
		return -EKEYREVOKED;
	if (key_expired(k))
		return -EKEYEXPIRED;
	return 0;
}

/* ---- the task's keyrings ---- */

static struct task_keys *tkeys(struct task *t)
{
	struct task_keys *tk = t->keys;

	if (tk == NULL) {
		tk = calloc(1, sizeof(*tk));
		t->keys = tk;
	}
	return tk;
}

static void proc_put(struct proc_keys *p)
{
	if (p == NULL || --p->refs > 0)
		return;
	key_put(p->ring);
	free(p);
}

static struct kuser *user_rings(struct task *t, long *err)
{
	uid_t uid = t->creds.ruid;
	struct kuser *u = kuser_of(uid);
	char name[32];
	uint32_t perm = (KEY_POS_ALL & ~KEY_POS_SETATTR) | KEY_USR_ALL;

	*err = -ENOMEM;
	if (u == NULL)
		return NULL;
	if (u->ring == NULL) {
		snprintf(name, sizeof(name), "_uid.%u", (unsigned)uid);
		u->ring = key_alloc(KT_KEYRING, name, uid, (gid_t)-1, perm,
				    true, err);
		if (u->ring == NULL)
			return NULL;
		u->ring->uid_ring = true;
		u = kuser_of(uid);	/* key_alloc may have moved it */
	}
	if (u->ses == NULL) {
		struct key *ses;

		snprintf(name, sizeof(name), "_uid_ses.%u", (unsigned)uid);
		ses = key_alloc(KT_KEYRING, name, uid, (gid_t)-1, perm, true,
				err);
		if (ses == NULL)
			return NULL;
		u = kuser_of(uid);
		ses->uid_ring = true;
		ses->links = malloc(sizeof(*ses->links));
		if (ses->links != NULL) {
			ses->links[0] = key_get(u->ring);
			ses->nlinks = ses->caplinks = 1;
		}
		u->ses = ses;
	}
	*err = 0;
	return u;
}

static struct key *new_ring(struct task *t, const char *name, uint32_t perm,
			    long *err)
{
	return key_alloc(KT_KEYRING, name, t->creds.fsuid, t->creds.fsgid,
			 perm, true, err);
}

static long install_thread(struct task *t, struct task_keys *tk)
{
	long err;

	if (tk->thread != NULL)
		return 0;
	tk->thread = new_ring(t, "_tid", KEY_POS_ALL | KEY_USR_VIEW, &err);
	return tk->thread ? 0 : err;
}

static long install_process(struct task *t, struct task_keys *tk)
{
	long err;

	if (tk->proc == NULL) {
		tk->proc = calloc(1, sizeof(*tk->proc));
		if (tk->proc == NULL)
			return -ENOMEM;
		tk->proc->refs = 1;
	}
	if (tk->proc->ring != NULL)
		return 0;
	tk->proc->ring = new_ring(t, "_pid", KEY_POS_ALL | KEY_USR_VIEW, &err);
	return tk->proc->ring ? 0 : err;
}

/* (The new one is held first: it may live only inside the old one.) */
static void set_session(struct task_keys *tk, struct key *k)
{
	struct key *old = tk->session;

	tk->session = key_get(k);
	key_put(old);
}

/* ---- searching ---- */

struct search {
	struct task *t;
	uint64_t gen;
	enum ktype type;
	const char *desc;	/* NULL: look for the key target */
	const struct key *target;
	bool state;		/* revoked/expired keys are skipped */
	bool perm;		/* search permission needed */
	long err;		/* the best error so far */
	bool all_failed;	/* every top keyring met an error (EACCES,
				 * EKEYREVOKED...), none a plain miss */
};

static bool matches(struct search *s, struct key *k)
{
	if (s->target != NULL)
		return k == s->target;
	return k->type == s->type && strcmp(k->desc, s->desc) == 0;
}

/* A key in the tree: 1 found, 0 skipped (s->err says why). */
static int consider(struct search *s, struct key *k)
{
	if (!matches(s, k))
		return 0;
	if (s->state) {
		if (k->invalid || k->revoked) {
			s->err = -EKEYREVOKED;
			return 0;
		}
		if (key_expired(k)) {
			s->err = -EKEYEXPIRED;
			return 0;
		}
	}
	if (s->perm && key_perm(s->t, k, true, NEED_SEARCH) < 0) {
		s->err = -EACCES;
		return 0;
	}
	return 1;
}

static struct key *search_ring(struct search *s, struct key *ring, int depth)
{
	for (size_t i = 0; i < ring->nlinks; i++)
		if (consider(s, ring->links[i]))
			return ring->links[i];
	if (depth >= SEARCH_DEPTH)
		return NULL;
	for (size_t i = 0; i < ring->nlinks; i++) {
		struct key *n = ring->links[i];
		struct key *f;

		if (n->type != KT_KEYRING || key_validate(n) < 0)
			continue;
		if (s->perm && key_perm(s->t, n, true, NEED_SEARCH) < 0)
			continue;
		if (!walk_enter(n, s->gen, depth + 1))
			continue;
		f = search_ring(s, n, depth + 1);
		if (f != NULL)
			return f;
	}
	return NULL;
}

/* From a top keyring (possessed when it is one of the task's). */
static struct key *search_from(struct search *s, struct key *top)
{
	if (top == NULL || key_validate(top) < 0)
		return NULL;
	if (s->perm && key_perm(s->t, top, true, NEED_SEARCH) < 0)
		return NULL;
	if (consider(s, top))
		return top;
	if (s->gen == 0)
		s->gen = ++walk_gen;
	if (!walk_enter(top, s->gen, 1))
		return NULL;
	return search_ring(s, top, 1);
}

/* One of the task's keyrings: notes whether it missed without an error. */
static struct key *search_top(struct search *s, struct key *top, bool *miss)
{
	long before = s->err;
	struct key *f;

	if (top == NULL)
		return NULL;
	s->err = -ENOKEY;
	f = search_from(s, top);
	if (f == NULL && s->err == -ENOKEY) {
		*miss = true;
		s->err = before;
	}
	return f;
}

static struct key *search_task(struct search *s)
{
	struct task_keys *tk = s->t->keys;
	struct key *f = NULL;
	bool miss = false;
	long err;

	if (tk != NULL) {
		f = search_top(s, tk->thread, &miss);
		if (f == NULL && tk->proc != NULL)
			f = search_top(s, tk->proc->ring, &miss);
		if (f == NULL && tk->session != NULL)
			f = search_top(s, tk->session, &miss);
	}
	if (f == NULL && (tk == NULL || tk->session == NULL)) {
		struct kuser *u = user_rings(s->t, &err);

		if (u != NULL)
			f = search_top(s, u->ses, &miss);
	}
	s->all_failed = !miss;
	return f;
}

static bool possessed(struct task *t, const struct key *k)
{
	struct search s = { .t = t, .target = k, .perm = true };

	return search_task(&s) != NULL;
}

/* ---- lookup of a serial or special id ---- */

struct kref {
	struct key *k;
	bool poss;
};

static long lookup_special(struct task *t, int32_t id, unsigned fl,
			   struct kref *r)
{
	struct task_keys *tk = tkeys(t);
	struct kuser *u;
	long err = 0;

	if (tk == NULL)
		return -ENOMEM;
	r->poss = true;
	switch (id) {
	case KEY_SPEC_THREAD_KEYRING:
		if (tk->thread == NULL && !(fl & LK_CREATE))
			return -ENOKEY;
		err = install_thread(t, tk);
		r->k = tk->thread;
		break;
	case KEY_SPEC_PROCESS_KEYRING:
		if ((tk->proc == NULL || tk->proc->ring == NULL) &&
		    !(fl & LK_CREATE))
			return -ENOKEY;
		err = install_process(t, tk);
		r->k = err ? NULL : tk->proc->ring;
		break;
	case KEY_SPEC_SESSION_KEYRING:
		if (tk->session == NULL) {
			u = user_rings(t, &err);
			if (u == NULL)
				return err;
			if (fl & LK_CREATE) {
				struct key *k = new_ring(t, "_ses",
					KEY_POS_ALL | KEY_USR_VIEW |
					KEY_USR_READ, &err);

				if (k == NULL)
					return err;
				set_session(tk, k);
				key_put(k);
			} else {
				set_session(tk, u->ses);
			}
		}
		r->k = tk->session;
		break;
	case KEY_SPEC_USER_KEYRING:
	case KEY_SPEC_USER_SESSION_KEYRING:
		u = user_rings(t, &err);
		if (u == NULL)
			return err;
		r->k = id == KEY_SPEC_USER_KEYRING ? u->ring : u->ses;
		break;
	case KEY_SPEC_REQKEY_AUTH_KEY:	/* not instantiating a key */
	case KEY_SPEC_REQUESTOR_KEYRING:
		return -ENOKEY;
	default:
		return -EINVAL;
	}
	return err;
}

static long lookup(struct task *t, int32_t id, unsigned fl, unsigned need,
		   struct kref *r)
{
	long ret;

	r->k = NULL;
	r->poss = false;
	if (id > 0) {
		r->k = key_find(id);
		if (r->k == NULL)
			return -ENOKEY;
		r->poss = possessed(t, r->k);
	} else if (id == 0) {
		return -EINVAL;
	} else {
		ret = lookup_special(t, id, fl, r);
		if (ret < 0)
			return ret;
	}
	if (!(fl & LK_UNLINK)) {
		ret = key_validate(r->k);
		if (ret < 0)
			return ret;
	}
	if (!(fl & LK_DEFER) && need)
		return key_perm(t, r->k, r->poss, need);
	return 0;
}

/* ---- keyring contents ---- */

static struct key *ring_find(struct key *ring, enum ktype type,
			     const char *desc, size_t *idx)
{
	for (size_t i = 0; i < ring->nlinks; i++) {
		struct key *k = ring->links[i];

		if (k->type == type && strcmp(k->desc, desc) == 0) {
			*idx = i;
			return k;
		}
	}
	return NULL;
}

/* Whether ring is reachable from k: linking k into ring would loop.
 * -EDEADLK (a cycle) or -ELOOP (too deep to tell), else 0. */
static long cycle_check(struct key *k, struct key *ring, int depth,
			uint64_t gen)
{
	if (k == ring)
		return -EDEADLK;
	if (k->type != KT_KEYRING || !walk_enter(k, gen, depth))
		return 0;
	if (depth > SEARCH_DEPTH)
		return -ELOOP;
	for (size_t i = 0; i < k->nlinks; i++) {
		long ret = cycle_check(k->links[i], ring, depth + 1, gen);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Links k into ring, replacing a key of the same type and description. */
static long ring_link(struct key *ring, struct key *k)
{
	struct key *old;
	size_t idx;
	long ret;

	if (ring->type != KT_KEYRING)
		return -ENOTDIR;
	if (k->type == KT_KEYRING) {
		ret = cycle_check(k, ring, 1, ++walk_gen);
		if (ret < 0)
			return ret;
	}
	old = ring_find(ring, k->type, k->desc, &idx);
	if (old == k)
		return 0;
	if (old != NULL) {
		ring->links[idx] = key_get(k);
		key_put(old);
		return 0;
	}
	if (ring->nlinks == ring->caplinks) {
		size_t cap = ring->caplinks ? ring->caplinks * 2 : 4;
		struct key **v;

		ret = quota_charge(ring->uid, 0, (cap - ring->caplinks) *
				   sizeof(int32_t), false);
		if (ret < 0)
			return ret;
		v = realloc(ring->links, cap * sizeof(*v));
		if (v == NULL) {
			quota_release(ring->uid, 0, (cap - ring->caplinks) *
				      sizeof(int32_t));
			return -ENOMEM;
		}
		ring->charged += (cap - ring->caplinks) * sizeof(int32_t);
		ring->links = v;
		ring->caplinks = cap;
	}
	ring->links[ring->nlinks++] = key_get(k);
	return 0;
}

static long ring_unlink(struct key *ring, struct key *k)
{
	if (ring->type != KT_KEYRING)
		return -ENOTDIR;
	for (size_t i = 0; i < ring->nlinks; i++) {
		if (ring->links[i] != k)
			continue;
		memmove(&ring->links[i], &ring->links[i + 1],
			(ring->nlinks - i - 1) * sizeof(*ring->links));
		ring->nlinks--;
		key_put(k);
		return 0;
	}
	return -ENOENT;
}

static void ring_clear(struct key *ring)
{
	while (ring->nlinks > 0)
		key_put(ring->links[--ring->nlinks]);
}

/* ---- payloads ---- */

static long set_payload(struct key *k, const char *data, size_t len)
{
	char *p = NULL;
	long ret;

	if (len > k->len) {
		ret = quota_charge(k->uid, 0, len - k->len, false);
		if (ret < 0)
			return ret;
	}
	if (len > 0) {
		p = malloc(len);
		if (p == NULL) {
			if (len > k->len)
				quota_release(k->uid, 0, len - k->len);
			return -ENOMEM;
		}
		memcpy(p, data, len);
	}
	if (len < k->len)
		quota_release(k->uid, 0, k->len - len);
	k->charged = k->charged - k->len + len;
	free(k->data);
	k->data = p;
	k->len = len;
	return 0;
}

/* Checks a payload for type: user 1..32767 bytes, keyring none. */
static long payload_ok(enum ktype type, const char *data, size_t len)
{
	if (type == KT_KEYRING)
		return len != 0 ? -EINVAL : 0;
	if (len == 0 || len > USER_DATA_MAX || data == NULL)
		return -EINVAL;
	return 0;
}

/* ---- argument copying ---- */

/* A string argument: its length, or -EFAULT/-EINVAL (too long); "" is 0. */
static long read_str(struct sc_call *c, uint64_t addr, char *buf, size_t cap)
{
	long ret;

	if (addr == 0)
		return -EFAULT;
	ret = task_read_path(c, addr, buf, cap);
	if (ret == -ENAMETOOLONG)
		return -EINVAL;
	if (ret == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return ret;
}

/* The type name: -EPERM for an internal type ("."), -ENODEV for one the
 * sandbox does not have (with err_unknown for that case). */
static long read_type(struct sc_call *c, uint64_t addr, enum ktype *type,
		      long err_unknown)
{
	char name[TYPE_MAX];
	long ret = read_str(c, addr, name, sizeof(name));

	if (ret < 0)
		return ret;
	if (name[0] == '.')
		return -EPERM;
	if (strcmp(name, "user") == 0)
		*type = KT_USER;
	else if (strcmp(name, "keyring") == 0)
		*type = KT_KEYRING;
	else
		return err_unknown;
	return 0;
}

/* A payload of len bytes (NULL if len is 0), or an error pointer. */
static long read_payload(struct sc_call *c, uint64_t addr, size_t len,
			 char **out)
{
	long ret;

	*out = NULL;
	if (len == 0 || addr == 0)
		return len == 0 ? 0 : -EFAULT;
	*out = malloc(len);
	if (*out == NULL)
		return -ENOMEM;
	ret = task_read(c, addr, *out, len);
	if (ret < 0) {
		free(*out);
		*out = NULL;
	}
	return ret;
}

/* A key found by request_key or KEYCTL_SEARCH: linked into the
 * destination keyring if one was given (the task needs Link on the key),
 * then its serial. */
static long found_link(struct sc_call *c, struct key *dest, struct key *k)
{
	if (dest != NULL) {
		long ret = key_perm(c->t, k, true, NEED_LINK);

		if (ret == 0)
			ret = ring_link(dest, k);
		if (ret < 0)
			return ret;
	}
	return k->serial;
}

/* ---- add_key and request_key ---- */

static long add_key_in(struct task *t, enum ktype type, const char *desc,
		       const char *data, size_t len, struct key *ring,
		       bool ring_poss)
{
	uint32_t perm = KEY_POS_VIEW | KEY_POS_SEARCH | KEY_POS_LINK |
			KEY_POS_SETATTR | KEY_USR_VIEW | KEY_POS_READ |
			KEY_POS_WRITE;
	struct key *k;
	size_t idx;
	long ret;

	ret = payload_ok(type, data, len);
	if (ret < 0)
		return ret;
	if (ring->type != KT_KEYRING)
		return -ENOTDIR;
	k = type == KT_USER ? ring_find(ring, type, desc, &idx) : NULL;
	if (k != NULL && key_validate(k) == 0) {
		ret = key_perm(t, k, ring_poss, NEED_WRITE);
		if (ret < 0)
			return ret;
		ret = set_payload(k, data, len);
		return ret < 0 ? ret : k->serial;
	}
	k = key_alloc(type, desc, t->creds.fsuid, t->creds.fsgid, perm, false,
		      &ret);
	if (k == NULL)
		return ret;
	if (type == KT_USER)
		ret = set_payload(k, data, len);
	if (ret == 0)
		ret = ring_link(ring, k);
	if (ret == 0)
		ret = k->serial;
	key_put(k);
	return ret;
}

SENTRY_HANDLER(add_key)
{
	char desc[DESC_MAX];
	size_t len = (size_t)c->args[3];
	struct kref ring;
	enum ktype type;
	char *data;
	long ret;

	ret = read_type(c, c->args[0], &type, -ENODEV);
	if (ret < 0)
		return ret;
	if (len > ADD_DATA_MAX)
		return -EINVAL;
	ret = c->args[1] ? read_str(c, c->args[1], desc, sizeof(desc)) : 0;
	if (ret < 0)
		return ret;
	if (c->args[1] == 0 || desc[0] == '\0')
		return -EINVAL;
	if (desc[0] == '.' && type == KT_KEYRING)
		return -EPERM;
	ret = read_payload(c, c->args[2], len, &data);
	if (ret < 0)
		return ret;
	ret = lookup(c->t, (int32_t)c->args[4], LK_CREATE, NEED_WRITE, &ring);
	if (ret == 0)
		ret = add_key_in(c->t, type, desc, data, len, ring.k,
				 ring.poss);
	free(data);
	return ret;
}

SENTRY_HANDLER(request_key)
{
	char desc[DESC_MAX];
	struct search s = { .t = c->t, .desc = desc, .state = true,
			    .perm = true, .err = -ENOKEY };
	struct kref dest = { 0 };
	struct key *k;
	long ret;

	ret = read_type(c, c->args[0], &s.type, -ENOKEY);
	if (ret < 0)
		return ret;
	ret = read_str(c, c->args[1], desc, sizeof(desc));
	if (ret < 0)
		return ret;
	if (s.type == KT_KEYRING && desc[0] == '.')
		return -EPERM;
	if ((int32_t)c->args[3] != 0) {
		ret = lookup(c->t, (int32_t)c->args[3], LK_CREATE, NEED_WRITE,
			     &dest);
		if (ret < 0)
			return ret;
	}
	k = search_task(&s);
	if (k == NULL)	/* no upcall: as without /sbin/request-key */
		return s.all_failed ? s.err : -ENOKEY;
	return found_link(c, dest.k, k);
}

/* ---- keyctl operations ---- */

static long kc_get_id(struct sc_call *c)
{
	struct kref r;
	long ret;

	ret = lookup(c->t, (int32_t)c->args[1], c->args[2] ? LK_CREATE : 0,
		     NEED_SEARCH, &r);
	return ret < 0 ? ret : r.k->serial;
}

static long kc_join(struct sc_call *c)
{
	struct task_keys *tk = tkeys(c->t);
	char name[DESC_MAX];
	struct key *k = NULL;
	long ret;

	if (tk == NULL)
		return -ENOMEM;
	if (c->args[1] == 0) {
		k = new_ring(c->t, "_ses", KEY_POS_ALL | KEY_USR_VIEW |
			     KEY_USR_READ, &ret);
		if (k == NULL)
			return ret;
		set_session(tk, k);
		key_put(k);
		return k->serial;
	}
	ret = read_str(c, c->args[1], name, sizeof(name));
	if (ret < 0)
		return ret;
	if (name[0] == '\0')
		return -EINVAL;
	for (struct key *o = all_keys; o != NULL; o = o->next) {
		if (o->type != KT_KEYRING || o->revoked || o->invalid ||
		    o->uid_ring || strcmp(o->desc, name) != 0 ||
		    key_perm(c->t, o, false, NEED_SEARCH) < 0)
			continue;
		k = o;
		break;
	}
	if (k != NULL) {
		set_session(tk, k);
		return k->serial;
	}
	k = new_ring(c->t, name, KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ |
		     KEY_USR_LINK, &ret);
	if (k == NULL)
		return ret;
	set_session(tk, k);
	key_put(k);
	return k->serial;
}

static long kc_update(struct sc_call *c)
{
	size_t len = (size_t)c->args[3];
	struct kref r;
	char *data;
	long ret;

	if (len > UPDATE_DATA_MAX)
		return -EINVAL;
	ret = read_payload(c, c->args[2], len, &data);
	if (ret < 0)
		return ret;
	ret = lookup(c->t, (int32_t)c->args[1], LK_CREATE, NEED_WRITE, &r);
	if (ret == 0 && r.k->type == KT_KEYRING)
		ret = -EOPNOTSUPP;
	if (ret == 0)
		ret = payload_ok(r.k->type, data, len);
	if (ret == 0)
		ret = set_payload(r.k, data, len);
	free(data);
	return ret;
}

static long kc_revoke(struct sc_call *c)
{
	struct kref r;
	long ret;

	ret = lookup(c->t, (int32_t)c->args[1], 0, NEED_WRITE, &r);
	if (ret == -EACCES)
		ret = key_perm(c->t, r.k, r.poss, NEED_SETATTR);
	if (ret < 0)
		return ret;
	if (!r.k->revoked) {
		r.k->revoked = true;
		if (r.k->type == KT_USER)	/* empty: nothing to fail */
			(void)set_payload(r.k, NULL, 0);
		else
			ring_clear(r.k);	/* as Linux's keyring_revoke */
	}
	return 0;
}

static long kc_chown(struct sc_call *c)
{
	uid_t uid = (uid_t)c->args[2];
	gid_t gid = (gid_t)c->args[3];
	struct task *t = c->t;
	struct kref r;
	long ret;

	if (uid == (uid_t)-1 && gid == (gid_t)-1)
		return 0;
	ret = lookup(t, (int32_t)c->args[1], LK_CREATE, NEED_SETATTR, &r);
	if (ret < 0)
		return ret;
	if (!has_cap(t, CAP_SYS_ADMIN)) {
		if (uid != (uid_t)-1 && uid != r.k->uid)
			return -EACCES;
		if (gid != (gid_t)-1 && gid != r.k->gid && !in_group(t, gid))
			return -EACCES;
	}
	if (uid != (uid_t)-1 && uid != r.k->uid) {
		ret = quota_charge(uid, 1, r.k->charged, false);
		if (ret < 0)
			return ret;
		quota_release(r.k->uid, 1, r.k->charged);
		r.k->uid = uid;
	}
	if (gid != (gid_t)-1)
		r.k->gid = gid;
	return 0;
}

static long kc_setperm(struct sc_call *c)
{
	uint32_t perm = (uint32_t)c->args[2];
	struct kref r;
	long ret;

	if (perm & ~(uint32_t)(KEY_POS_ALL | KEY_USR_ALL | KEY_GRP_ALL |
			       KEY_OTH_ALL))
		return -EINVAL;
	ret = lookup(c->t, (int32_t)c->args[1], LK_CREATE, NEED_SETATTR, &r);
	if (ret < 0)
		return ret;
	if (r.k->uid != c->t->creds.fsuid && !has_cap(c->t, CAP_SYS_ADMIN))
		return -EACCES;
	r.k->perm = perm;
	return 0;
}

static long kc_describe(struct sc_call *c)
{
	size_t buflen = (size_t)c->args[3];
	struct kref r;
	char *s;
	long ret;
	int n;

	ret = lookup(c->t, (int32_t)c->args[1], 0, NEED_VIEW, &r);
	if (ret < 0)
		return ret;
	/* An unset owner shows as the overflow id, as Linux. */
	n = asprintf(&s, "%s;%u;%u;%08x;%s",
		     r.k->type == KT_USER ? "user" : "keyring",
		     r.k->uid == (uid_t)-1 ? 65534u : (unsigned)r.k->uid,
		     r.k->gid == (gid_t)-1 ? 65534u : (unsigned)r.k->gid,
		     r.k->perm, r.k->desc);
	if (n < 0)
		return -ENOMEM;
	ret = n + 1;
	if (c->args[2] != 0 && buflen >= (size_t)ret &&
	    task_write(c, c->args[2], s, (size_t)ret) < 0)
		ret = -EFAULT;
	free(s);
	return ret;
}

static long kc_clear(struct sc_call *c)
{
	struct kref r;
	long ret;

	ret = lookup(c->t, (int32_t)c->args[1], LK_CREATE, NEED_WRITE, &r);
	if (ret < 0)
		return ret;
	if (r.k->type != KT_KEYRING)
		return -ENOTDIR;
	ring_clear(r.k);
	return 0;
}

static long kc_link(struct sc_call *c)
{
	struct kref ring, k;
	long ret;

	ret = lookup(c->t, (int32_t)c->args[2], LK_CREATE, NEED_WRITE, &ring);
	if (ret < 0)
		return ret;
	ret = lookup(c->t, (int32_t)c->args[1], LK_CREATE, NEED_LINK, &k);
	if (ret < 0)
		return ret;
	return ring_link(ring.k, k.k);
}

static long kc_unlink(struct sc_call *c)
{
	struct kref ring, k;
	long ret;

	ret = lookup(c->t, (int32_t)c->args[2], 0, NEED_WRITE, &ring);
	if (ret < 0)
		return ret;
	ret = lookup(c->t, (int32_t)c->args[1], LK_UNLINK, 0, &k);
	if (ret < 0)
		return ret;
	return ring_unlink(ring.k, k.k);
}

static long kc_search(struct sc_call *c)
{
	char desc[DESC_MAX];
	struct search s = { .t = c->t, .desc = desc, .state = true,
			    .perm = true, .err = -ENOKEY };
	struct kref ring, dest = { 0 };
	struct key *k;
	long ret;

	ret = read_type(c, c->args[2], &s.type, -ENOKEY);
	if (ret == -EPERM)
		ret = -ENOKEY;
	if (ret < 0)
		return ret;
	ret = read_str(c, c->args[3], desc, sizeof(desc));
	if (ret < 0)
		return ret;
	ret = lookup(c->t, (int32_t)c->args[1], 0, NEED_SEARCH, &ring);
	if (ret < 0)
		return ret;
	if ((int32_t)c->args[4] != 0) {
		ret = lookup(c->t, (int32_t)c->args[4], LK_CREATE, NEED_WRITE,
			     &dest);
		if (ret < 0)
			return ret;
	}
	if (ring.k->type != KT_KEYRING)
		return -ENOTDIR;
	s.gen = ++walk_gen;
	(void)walk_enter(ring.k, s.gen, 1);	/* a new walk: marks it seen */
	k = consider(&s, ring.k) ? ring.k : search_ring(&s, ring.k, 1);
	if (k == NULL)
		return s.err;
	return found_link(c, dest.k, k);
}

static long kc_read(struct sc_call *c)
{
	size_t buflen = (size_t)c->args[3];
	struct kref r;
	long ret;

	ret = lookup(c->t, (int32_t)c->args[1], LK_DEFER, 0, &r);
	if (ret < 0)
		return ret;
	if (key_perm(c->t, r.k, r.poss, NEED_READ) < 0 && !r.poss)
		return -EACCES;
	/* Copied only if all of it fits, as Linux. */
	if (r.k->type == KT_USER) {
		if (c->args[2] != 0 && r.k->len > 0 && buflen >= r.k->len &&
		    task_write(c, c->args[2], r.k->data, r.k->len) < 0)
			return -EFAULT;
		return (long)r.k->len;
	}
	if (c->args[2] == 0 || buflen < r.k->nlinks * sizeof(int32_t))
		return (long)(r.k->nlinks * sizeof(int32_t));
	for (size_t i = 0; i < r.k->nlinks; i++) {
		int32_t id = r.k->links[i]->serial;

		if (task_write(c, c->args[2] + i * sizeof(id), &id,
			       sizeof(id)) < 0)
			return -EFAULT;
	}
	return (long)(r.k->nlinks * sizeof(int32_t));
}

static long kc_set_timeout(struct sc_call *c)
{
	unsigned timeout = (unsigned)c->args[2];
	struct kref r;
	long ret;

	ret = lookup(c->t, (int32_t)c->args[1], LK_CREATE, NEED_SETATTR, &r);
	if (ret < 0)
		return ret;
	r.k->expiry = timeout ? cv_now_ns() + timeout * 1000000000ull : 0;
	return 0;
}

static long kc_invalidate(struct sc_call *c)
{
	struct kref r;
	long ret;

	ret = lookup(c->t, (int32_t)c->args[1], 0, NEED_SEARCH, &r);
	if (ret < 0)
		return ret;
	r.k->invalid = true;
	/* Linux's collector unlinks it from every keyring. Held meanwhile:
	 * its going may free keys the walk has yet to reach. */
	(void)key_get(r.k);
	for (struct key *o = all_keys; o != NULL; o = o->next)
		if (o->type == KT_KEYRING && o != r.k)
			while (ring_unlink(o, r.k) == 0)
				;
	key_put(r.k);
	return 0;
}

/* The uid's persistent keyring, linked into the destination; its expiry
 * (3 days, Linux's default) starts again at each call. */
static long kc_persistent(struct sc_call *c)
{
	uid_t uid = (uid_t)c->args[1];
	struct task *t = c->t;
	struct kref dest;
	struct kuser *u;
	char name[32];
	long ret;

	if (uid == (uid_t)-1)
		uid = t->creds.ruid;
	else if (uid != t->creds.ruid && uid != t->creds.euid &&
		 !has_cap(t, CAP_SETUID))
		return -EPERM;
	ret = lookup(t, (int32_t)c->args[2], LK_CREATE, NEED_WRITE, &dest);
	if (ret < 0)
		return ret;
	u = kuser_of(uid);
	if (u == NULL)
		return -ENOMEM;
	if (u->persistent == NULL || u->persistent->invalid ||
	    u->persistent->revoked) {
		struct key *k;

		snprintf(name, sizeof(name), "_persistent.%u", (unsigned)uid);
		k = key_alloc(KT_KEYRING, name, uid, (gid_t)-1,
			      (KEY_POS_ALL & ~KEY_POS_SETATTR) |
			      KEY_USR_VIEW | KEY_USR_READ, true, &ret);
		if (k == NULL)
			return ret;
		k->uid_ring = true;
		u = kuser_of(uid);
		key_put(u->persistent);
		u->persistent = k;
	}
	u->persistent->expiry = cv_now_ns() + PERSISTENT_EXPIRY_NS;
	ret = ring_link(dest.k, u->persistent);
	return ret < 0 ? ret : u->persistent->serial;
}

static size_t group_size(struct sentry *sn, pid_t host_tgid)
{
	size_t n = 0;

	for (size_t i = 0; i < sn->ntasks; i++)
		n += sn->tasks[i]->host_tgid == host_tgid;
	return n;
}

/* The parent process (a single-threaded one of the sandbox, with the
 * caller's effective ids) takes the caller's session keyring. */
static long kc_session_to_parent(struct sc_call *c)
{
	struct task *t = c->t, *p;
	const struct task_creds *pc;
	struct task_keys *pk;
	uid_t e = t->creds.euid;
	gid_t g = t->creds.egid;
	struct kref r;
	long ret;

	ret = lookup(t, KEY_SPEC_SESSION_KEYRING, 0, NEED_LINK, &r);
	if (ret < 0)
		return ret;
	p = t->host_ppid > 0 ? task_find(t->sentry, t->host_ppid) : NULL;
	if (p == NULL || group_size(t->sentry, p->host_tgid) != 1)
		return -EPERM;
	pk = tkeys(p);
	if (pk == NULL)
		return -ENOMEM;
	if (pk->session == r.k)
		return 0;
	pc = &p->creds;
	if (pc->ruid != e || pc->euid != e || pc->suid != e ||
	    pc->rgid != g || pc->egid != g || pc->sgid != g)
		return -EPERM;
	if ((pk->session != NULL && pk->session->uid != e) || r.k->uid != e)
		return -EPERM;
	set_session(pk, r.k);
	return 0;
}

static long kc_reqkey(struct sc_call *c)
{
	struct task_keys *tk = tkeys(c->t);
	int defl = (int)c->args[1];
	int old;
	long ret = 0;

	if (tk == NULL)
		return -ENOMEM;
	old = tk->reqkey;
	switch (defl) {
	case KEY_REQKEY_DEFL_NO_CHANGE:
		return old;
	case KEY_REQKEY_DEFL_THREAD_KEYRING:
		ret = install_thread(c->t, tk);
		break;
	case KEY_REQKEY_DEFL_PROCESS_KEYRING:
		ret = install_process(c->t, tk);
		break;
	case KEY_REQKEY_DEFL_DEFAULT:
	case KEY_REQKEY_DEFL_SESSION_KEYRING:
	case KEY_REQKEY_DEFL_USER_KEYRING:
	case KEY_REQKEY_DEFL_USER_SESSION_KEYRING:
	case KEY_REQKEY_DEFL_REQUESTOR_KEYRING:
		break;
	default:
		return -EINVAL;
	}
	if (ret < 0)
		return ret;
	tk->reqkey = defl;
	return old;
}

SENTRY_HANDLER(keyctl)
{
	switch ((int)c->args[0]) {
	case KEYCTL_GET_KEYRING_ID:
		return kc_get_id(c);
	case KEYCTL_JOIN_SESSION_KEYRING:
		return kc_join(c);
	case KEYCTL_UPDATE:
		return kc_update(c);
	case KEYCTL_REVOKE:
		return kc_revoke(c);
	case KEYCTL_CHOWN:
		return kc_chown(c);
	case KEYCTL_SETPERM:
		return kc_setperm(c);
	case KEYCTL_DESCRIBE:
		return kc_describe(c);
	case KEYCTL_CLEAR:
		return kc_clear(c);
	case KEYCTL_LINK:
		return kc_link(c);
	case KEYCTL_UNLINK:
		return kc_unlink(c);
	case KEYCTL_SEARCH:
		return kc_search(c);
	case KEYCTL_READ:
		return kc_read(c);
	case KEYCTL_SET_REQKEY_KEYRING:
		return kc_reqkey(c);
	case KEYCTL_SET_TIMEOUT:
		return kc_set_timeout(c);
	case KEYCTL_INVALIDATE:
		return kc_invalidate(c);
	case KEYCTL_GET_PERSISTENT:
		return kc_persistent(c);
	case KEYCTL_SESSION_TO_PARENT:
		return kc_session_to_parent(c);
	default:
		return -EOPNOTSUPP;
	}
}

/* ---- task lifetime ---- */

/*
 * A process runsc starts (the init, or by runsc exec) joins the container's
 * session keyring "_ses.<id>", as runc's do: made once, owned by root,
 * searchable by its owner (0x3f1b0000, runc's mask).
 */
void keys_attach(struct task *t, const char *id)
{
	struct task_keys *tk = tkeys(t);
	char name[DESC_MAX];
	struct key *k = NULL;
	long err;

	if (tk == NULL || id == NULL)
		return;
	snprintf(name, sizeof(name), "_ses.%s", id);
	for (struct key *o = all_keys; o != NULL; o = o->next) {
		if (o->type == KT_KEYRING && !o->revoked && !o->invalid &&
		    !o->uid_ring && o->uid == 0 && strcmp(o->desc, name) == 0) {
			k = o;
			break;
		}
	}
	if (k != NULL) {
		set_session(tk, k);
		return;
	}
	k = key_alloc(KT_KEYRING, name, 0, 0, KEY_POS_ALL | KEY_USR_VIEW |
		      KEY_USR_READ | KEY_USR_SEARCH | KEY_USR_LINK, true, &err);
	if (k == NULL)
		return;	/* the session keyring is then made on demand */
	set_session(tk, k);
	key_put(k);
}

void keys_on_clone(struct task *c, struct task *parent, uint64_t flags)
{
	struct task_keys *pk = parent->keys, *ck;

	keys_task_free(c);
	if (pk == NULL)
		return;
	ck = tkeys(c);
	if (ck == NULL)
		return;
	ck->session = key_get(pk->session);
	ck->reqkey = pk->reqkey;
	if (!(flags & CLONE_THREAD))
		return;
	if (pk->proc != NULL) {
		ck->proc = pk->proc;
		ck->proc->refs++;
	}
	/* A thread of one that has a thread keyring gets its own. */
	if (pk->thread != NULL && install_thread(c, ck) < 0)
		/* Linux would fail the clone; it is done: the thread starts
		 * without one, as if it had none to inherit. */
		log_warn("sentry: tid %d: thread keyring: out of memory or "
			 "quota", (int)c->host_tid);
}

void keys_on_exec(struct task *t)
{
	struct task_keys *tk = t->keys;

	if (tk == NULL)
		return;
	key_put(tk->thread);
	tk->thread = NULL;
	proc_put(tk->proc);
	tk->proc = NULL;
}

void keys_task_free(struct task *t)
{
	struct task_keys *tk = t->keys;

	if (tk == NULL)
		return;
	key_put(tk->thread);
	proc_put(tk->proc);
	key_put(tk->session);
	free(tk);
	t->keys = NULL;
}
