// SPDX-License-Identifier: Apache-2.0
/*
 * set_mempolicy, get_mempolicy and mbind, emulated as gVisor does: the
 * policy is validated as Linux validates it (mm/mempolicy.c: modes, mode
 * flags, the node mask against the nodes the task may use) and recorded
 * in the sentry; the host's NUMA placement of the workload is never
 * changed. get_mempolicy gives back what was recorded.
 *
 * The nodes the container may use are the task's Mems_allowed (its
 * cpuset), read from the procfs of the container's pid namespace. mbind
 * checks its range against the task's mappings (its maps) as Linux does
 * (a hole: EFAULT) and records the policy per address space; the policy
 * dies with the range's vma, as Linux's, though munmap and mmap are PASS
 * (the marker: "noticing a vma's death" below).
 *
 * Not covered: MPOL_MF_STRICT never fails with EIO (pages are where the
 * host put them); get_mempolicy with MPOL_F_NODE | MPOL_F_ADDR (the node a
 * page is on) and MPOL_F_MEMS_ALLOWED are the kernel's own answers; the
 * interleave node MPOL_F_NODE gives is the first of the policy's nodes
 * (the sentry does not see allocations);
 * at most MAX_RANGES ranges per address space (ENOMEM past them).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "lib/util.h"
#include "platform/platform.h"
#include "sentry/internal.h"
#include "sentry/mempolicy.h"
#include "sentry/proc_status.h"
#include "sentry/synth.h"

enum {
	MPOL_DEFAULT,
	MPOL_PREFERRED,
	MPOL_BIND,
	MPOL_INTERLEAVE,
	MPOL_LOCAL,
	MPOL_PREFERRED_MANY,
	MPOL_WEIGHTED_INTERLEAVE,
	MPOL_MAX,
};

#define MPOL_F_NUMA_BALANCING	(1u << 13)
#define MPOL_F_RELATIVE_NODES	(1u << 14)
#define MPOL_F_STATIC_NODES	(1u << 15)
#define MPOL_MODE_FLAGS		(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | \
				 MPOL_F_NUMA_BALANCING)
#define MPOL_USER_NODES		(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)

#define MPOL_F_NODE		(1u << 0)
#define MPOL_F_ADDR		(1u << 1)
#define MPOL_F_MEMS_ALLOWED	(1u << 2)

#define MPOL_MF_STRICT		(1u << 0)
#define MPOL_MF_MOVE		(1u << 1)
#define MPOL_MF_MOVE_ALL	(1u << 2)
#define MPOL_MF_VALID		(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)

/* CONFIG_NODES_SHIFT 10, as Debian's and Fedora's x86_64 kernels. */
#define MAX_NUMNODES	1024
#define NODE_WORDS	(MAX_NUMNODES / 64)
#define PAGE		4096ul
/* Ranges recorded per address space (each about 280 bytes, copied by
 * fork): past it ENOMEM, which Linux gives past vm.max_map_count (65530
 * mappings) when mbind splits one. */
#define MAX_RANGES	4096
/* get_nodes: at most a page of bits. */
#define MAX_MASK_BITS	(PAGE * 8)

struct nodes {
	uint64_t w[NODE_WORDS];
};

struct mpol {
	int mode;		/* MPOL_DEFAULT: none (Linux's NULL policy) */
	unsigned flags;		/* MPOL_MODE_FLAGS given */
	struct nodes nodes;	/* the effective nodes */
	struct nodes user;	/* as given (static or relative nodes) */
};

struct mrange {
	uint64_t start, end;
	struct mpol pol;	/* MPOL_DEFAULT: only the marker (below) */
	bool marked;		/* the sentry set VM_DONTDUMP on its vmas */
};

/* mbind's ranges of one address space. */
struct mm_pol {
	int refs;
	struct mrange *v;
	size_t n, cap;
};

struct task_mempol {
	struct mpol thread;
	struct mm_pol *mm;
};

/* ---- node masks ---- */

static bool nodes_empty(const struct nodes *n)
{
	for (int i = 0; i < NODE_WORDS; i++)
		if (n->w[i])
			return false;
	return true;
}

static bool node_isset(const struct nodes *n, unsigned i)
{
	return i < MAX_NUMNODES && (n->w[i / 64] >> (i % 64)) & 1;
}

static void node_set(struct nodes *n, unsigned i)
{
	if (i < MAX_NUMNODES)
		n->w[i / 64] |= 1ull << (i % 64);
}

static int node_first(const struct nodes *n)
{
	for (unsigned i = 0; i < MAX_NUMNODES; i++)
		if (node_isset(n, i))
			return (int)i;
	return -1;
}

static unsigned node_weight(const struct nodes *n)
{
	unsigned w = 0;

	for (int i = 0; i < NODE_WORDS; i++)
		w += (unsigned)__builtin_popcountll(n->w[i]);
	return w;
}

/* The task's Mems_allowed_list ("0-1,3"), and nr_node_ids as the highest
 * of them + 1. */
static int allowed_nodes(struct sc_call *c, struct nodes *out,
			 unsigned *nr_ids)
{
	char buf[TASK_STATUS_MAX];
	const char *p = NULL;

	memset(out, 0, sizeof(*out));
	*nr_ids = 1;
	if (task_status_read(c->t->tgid, 0, buf, sizeof(buf)) > 0)
		p = status_value(buf, "Mems_allowed_list");
	if (p == NULL) {
		node_set(out, 0);	/* no cpuset: node 0 */
		return 0;
	}
	while (*p && *p != '\n') {
		char *end;
		unsigned long lo, hi;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p < '0' || *p > '9')
			break;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		for (unsigned long i = lo; i <= hi && i < MAX_NUMNODES; i++) {
			node_set(out, (unsigned)i);
			if (i + 1 > *nr_ids)
				*nr_ids = (unsigned)i + 1;
		}
		p = end;
	}
	if (nodes_empty(out))
		node_set(out, 0);
	return 0;
}

/* Linux's get_nodes(): maxnode - 1 bits from nmask; bits past
 * MAX_NUMNODES must be clear. */
static int get_nodes(struct sc_call *c, uint64_t nmask, uint64_t maxnode,
		     struct nodes *out)
{
	uint64_t buf[MAX_MASK_BITS / 64];
	size_t nwords;
	int ret;

	memset(out, 0, sizeof(*out));
	maxnode--;
	if (maxnode == 0 || nmask == 0)
		return 0;
	if (maxnode > MAX_MASK_BITS)
		return -EINVAL;
	nwords = (size_t)((maxnode + 63) / 64);
	ret = task_read(c, nmask, buf, nwords * 8);
	if (ret < 0)
		return ret;
	if (maxnode % 64)
		buf[nwords - 1] &= (1ull << (maxnode % 64)) - 1;
	for (size_t i = NODE_WORDS; i < nwords; i++)
		if (buf[i])
			return -EINVAL;
	memcpy(out->w, buf, (nwords < NODE_WORDS ? nwords : NODE_WORDS) * 8);
	return 0;
}

/* mpol_relative_nodemask: bit n of the user's mask is the (n mod w)-th
 * allowed node. */
static void relative_nodes(const struct nodes *user, const struct nodes *allowed,
			   struct nodes *out)
{
	unsigned w = node_weight(allowed);

	memset(out, 0, sizeof(*out));
	if (w == 0)
		return;
	for (unsigned i = 0; i < MAX_NUMNODES; i++) {
		unsigned k = i % w, seen = 0;

		if (!node_isset(user, i))
			continue;
		for (unsigned j = 0; j < MAX_NUMNODES; j++) {
			if (!node_isset(allowed, j))
				continue;
			if (seen++ == k) {
				node_set(out, j);
				break;
			}
		}
	}
}

/* Linux's sanitize_mpol_flags(). */
static int split_mode(uint64_t arg, int *mode, unsigned *flags)
{
	int m = (int)arg;

	*flags = (unsigned)m & MPOL_MODE_FLAGS;
	m &= ~(int)MPOL_MODE_FLAGS;
	if ((unsigned)m >= MPOL_MAX)
		return -EINVAL;
	if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((*flags & MPOL_F_NUMA_BALANCING) && m != MPOL_BIND &&
	    m != MPOL_PREFERRED_MANY)
		return -EINVAL;
	*mode = m;
	return 0;
}

/* Linux's mpol_new() and mpol_set_nodemask(): the policy for mode, flags
 * and the user's nodes, or -EINVAL. */
static int mpol_make(struct sc_call *c, int mode, unsigned flags,
		     const struct nodes *nodes, struct mpol *p)
{
	struct nodes allowed, eff;
	unsigned nr_ids;

	memset(p, 0, sizeof(*p));
	if (mode == MPOL_DEFAULT)
		return nodes_empty(nodes) ? 0 : -EINVAL;
	if (mode == MPOL_PREFERRED && nodes_empty(nodes)) {
		if (flags & MPOL_USER_NODES)
			return -EINVAL;
		mode = MPOL_LOCAL;
	} else if (mode == MPOL_LOCAL) {
		if (!nodes_empty(nodes) || (flags & MPOL_USER_NODES))
			return -EINVAL;
	} else if (nodes_empty(nodes)) {
		return -EINVAL;
	}
	p->mode = mode;
	p->flags = flags;
	if (mode == MPOL_LOCAL)
		return 0;
	allowed_nodes(c, &allowed, &nr_ids);
	if (flags & MPOL_F_RELATIVE_NODES) {
		relative_nodes(nodes, &allowed, &eff);
	} else {
		for (int i = 0; i < NODE_WORDS; i++)
			eff.w[i] = nodes->w[i] & allowed.w[i];
	}
	if (flags & MPOL_USER_NODES)
		p->user = *nodes;
	if (nodes_empty(&eff))
		return -EINVAL;
	if (mode == MPOL_PREFERRED) {
		memset(&p->nodes, 0, sizeof(p->nodes));
		node_set(&p->nodes, (unsigned)node_first(&eff));
	} else {
		p->nodes = eff;
	}
	return 0;
}

/* ---- per-task state ---- */

static struct task_mempol *mempol_of(struct task *t)
{
	if (t->mempol == NULL)
		t->mempol = calloc(1, sizeof(*t->mempol));
	return t->mempol;
}

static struct mm_pol *mm_of(struct task *t)
{
	struct task_mempol *tm = mempol_of(t);

	if (tm == NULL)
		return NULL;
	if (tm->mm == NULL) {
		tm->mm = calloc(1, sizeof(*tm->mm));
		if (tm->mm)
			tm->mm->refs = 1;
	}
	return tm->mm;
}

static void mm_put(struct mm_pol *m)
{
	if (m == NULL || --m->refs > 0)
		return;
	free(m->v);
	free(m);
}

static struct mm_pol *mm_copy(const struct mm_pol *m)
{
	struct mm_pol *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->refs = 1;
	if (m->n == 0)
		return n;
	n->v = malloc(m->n * sizeof(*n->v));
	if (n->v == NULL) {
		free(n);
		return NULL;
	}
	memcpy(n->v, m->v, m->n * sizeof(*n->v));
	n->n = n->cap = m->n;
	return n;
}

void mempol_on_clone(struct task *c, struct task *parent, uint64_t flags)
{
	struct task_mempol *p = parent->mempol, *n;

	mempol_task_free(c);
	if (p == NULL)
		return;
	n = mempol_of(c);
	if (n == NULL)
		return;		/* the default policy: as if none was set */
	n->thread = p->thread;
	if (p->mm == NULL)
		return;
	if (flags & CLONE_VM) {
		n->mm = p->mm;
		n->mm->refs++;
	} else {
		n->mm = mm_copy(p->mm);
	}
}

void mempol_on_exec(struct task *t)
{
	if (t->mempol == NULL)
		return;
	mm_put(t->mempol->mm);
	t->mempol->mm = NULL;
}

void mempol_task_free(struct task *t)
{
	if (t->mempol == NULL)
		return;
	mm_put(t->mempol->mm);
	free(t->mempol);
	t->mempol = NULL;
}

/* ---- the address space: the task's mappings and mbind's ranges ---- */

struct vma {
	uint64_t start, end;
	bool dd;		/* VM_DONTDUMP ("dd" in smaps' VmFlags) */
};

struct vmas {
	struct vma *v;
	size_t n;
};

static int vmas_add(struct vmas *out, size_t *cap, uint64_t s, uint64_t e)
{
	if (out->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		void *nv = realloc(out->v, ncap * sizeof(*out->v));

		if (nv == NULL)
			return -ENOMEM;
		out->v = nv;
		*cap = ncap;
	}
	out->v[out->n++] = (struct vma){ s, e, false };
	return 0;
}

/* Whether a VmFlags line (l to nl) holds the two-letter flag f. */
static bool vmflag(const char *l, const char *nl, const char *f)
{
	for (const char *p = l + 8; p + 2 <= nl; p++)
		if (p[-1] == ' ' && p[0] == f[0] && p[1] == f[1] &&
		    (p + 2 == nl || p[2] == ' '))
			return true;
	return false;
}

/* The maps (or smaps) of the task's process, opened in the sandbox's
 * procfs. */
static FILE *open_maps(struct sc_call *c, bool smaps, int *err)
{
	int pfd = vtree_host_proc_fd(), fd;
	char path[40];
	FILE *f;

	*err = pfd < 0 ? pfd : 0;
	if (pfd < 0)
		return NULL;
	snprintf(path, sizeof(path), "%d/%s", (int)c->t->tgid,
		 smaps ? "smaps" : "maps");
	fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno == ENOENT ? -ESRCH : -errno;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		*err = -ENOMEM;
	}
	return f;
}

/*
 * The task's mappings below until from its maps ([vsyscall] is no VMA of
 * its mm); with flags, from its smaps, each with its VM_DONTDUMP. Read as
 * the kernel makes it, up to the mapping that holds until - 1: smaps walks
 * each mapping's pages, so what lies beyond is not asked for.
 */
static int read_vmas(struct sc_call *c, struct vmas *out, bool flags,
		     uint64_t until)
{
	size_t cap = 0, lcap = 0;
	bool skip = true;	/* the line's vma is not in out */
	char *line = NULL;
	int ret;
	FILE *f = open_maps(c, flags, &ret);

	out->v = NULL;
	out->n = 0;
	while (f != NULL && ret == 0 && getline(&line, &lcap, f) > 0) {
		unsigned long long s, e;

		if (strncmp(line, "VmFlags:", 8) == 0) {
			if (skip)
				continue;
			out->v[out->n - 1].dd =
				vmflag(line, line + strcspn(line, "\n"), "dd");
			if (out->v[out->n - 1].end >= until)
				break;
		} else if (memchr(line, '-', strcspn(line, " \n")) != NULL &&
			   sscanf(line, "%llx-%llx", &s, &e) == 2) {
			if (s >= until)
				break;
			skip = strstr(line, "[vsyscall]") != NULL;
			if (!skip)
				ret = vmas_add(out, &cap, s, e);
		}
	}
	if (f != NULL && ret == 0 && ferror(f))
		ret = -EIO;
	free(line);
	if (f != NULL)
		fclose(f);
	if (ret < 0) {
		free(out->v);
		out->v = NULL;
	}
	return ret;
}

static const struct vma *vma_at(const struct vmas *m, uint64_t addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (addr >= m->v[i].start && addr < m->v[i].end)
			return &m->v[i];
	return NULL;
}

/* queue_pages_range()'s checks: no mapping in [start, end) is EFAULT;
 * unless any hole is allowed, a hole at its start, middle or end too. */
static int range_check(const struct vmas *m, uint64_t start, uint64_t end,
		       bool holes_ok)
{
	uint64_t at = start;
	bool any = false;

	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].end <= start || m->v[i].start >= end)
			continue;
		if (!holes_ok && m->v[i].start > at)
			return -EFAULT;
		any = true;
		at = m->v[i].end;
	}
	if (!any || (!holes_ok && at < end))
		return -EFAULT;
	return 0;
}

/* Room for one more range in m. 0, or -ENOMEM. */
static int ranges_reserve(struct mm_pol *m)
{
	size_t cap = m->cap ? m->cap * 2 : 8;
	void *nv;

	if (m->n < m->cap)
		return 0;
	nv = realloc(m->v, cap * sizeof(*m->v));
	if (nv == NULL)
		return -ENOMEM;
	m->v = nv;
	m->cap = cap;
	return 0;
}

/* Takes [start, end) out of the recorded ranges. */
static int ranges_cut(struct mm_pol *m, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < m->n; i++) {
		struct mrange *r = &m->v[i];

		if (r->end <= start || r->start >= end)
			continue;
		if (r->start < start && r->end > end) {
			struct mrange tail = *r;

			if (ranges_reserve(m) < 0)
				return -ENOMEM;
			r = &m->v[i];
			tail.start = end;
			r->end = start;
			m->v[m->n++] = tail;
			continue;
		}
		if (r->start < start) {
			r->end = start;
		} else if (r->end > end) {
			r->start = end;
		} else {
			m->v[i--] = m->v[--m->n];
		}
	}
	return 0;
}

/* Records p for [start, end); a marked MPOL_DEFAULT is kept too, as the
 * sentry's marker on those vmas (ranges_ours). */
static int ranges_set(struct mm_pol *m, uint64_t start, uint64_t end,
		      const struct mpol *p, bool marked)
{
	int ret;

	if (m->n + 2 > MAX_RANGES)
		return -ENOMEM;
	ret = ranges_cut(m, start, end);

	if (ret < 0 || (p->mode == MPOL_DEFAULT && !marked))
		return ret;
	if (ranges_reserve(m) < 0)
		return -ENOMEM;
	m->v[m->n++] = (struct mrange){ start, end, *p, marked };
	return 0;
}

static struct mrange *range_at(struct task *t, uint64_t addr)
{
	struct mm_pol *m = t->mempol ? t->mempol->mm : NULL;

	for (size_t i = 0; m && i < m->n; i++)
		if (addr >= m->v[i].start && addr < m->v[i].end)
			return &m->v[i];
	return NULL;
}

/* ---- the marker: noticing a vma's death without seeing munmap ---- */

/*
 * Linux's policy lives in the vma: munmap, or an mmap over the range,
 * ends it. munmap and mmap are PASS, so the sentry marks the vmas of the
 * range it records with a flag the kernel keeps per vma and that a new
 * mapping starts without: VM_DONTDUMP, set by an injected
 * madvise(MADV_DONTDUMP), harmless here as the kernel never writes a
 * core of a workload process (sentry/coredump.c does, from the maps).
 * Like Linux's mbind it splits the vmas at the range's ends. A record
 * whose vma lacks the flag at get_mempolicy(MPOL_F_ADDR) is stale.
 * Not marked (the record is then trusted as before): a range where the
 * workload had set VM_DONTDUMP itself, or where the injection failed.
 */
static bool ranges_ours(const struct mm_pol *m, uint64_t a, uint64_t b)
{
	while (a < b) {
		size_t i;

		for (i = 0; m != NULL && i < m->n; i++)
			if (m->v[i].marked && a >= m->v[i].start &&
			    a < m->v[i].end)
				break;
		if (m == NULL || i == m->n)
			return false;
		a = m->v[i].end;
	}
	return true;
}

/* Whether [start, end) holds a VM_DONTDUMP the sentry did not set. */
static bool foreign_dontdump(const struct vmas *v, const struct mm_pol *m,
			     uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < v->n; i++) {
		uint64_t a = v->v[i].start > start ? v->v[i].start : start;
		uint64_t b = v->v[i].end < end ? v->v[i].end : end;

		if (a < b && v->v[i].dd && !ranges_ours(m, a, b))
			return true;
	}
	return false;
}

bool mempol_marked(struct task *t, uint64_t start, uint64_t end)
{
	const struct mm_pol *m = t->mempol ? t->mempol->mm : NULL;

	return m != NULL && m->n > 0 && start < end &&
	       ranges_ours(m, start, end);
}

/* madvise(MADV_DONTDUMP) run by the task (the seccomp platform's
 * notification turned into a ptrace stop for it): 0 or -errno;
 * -SENTRY_EHANDOFF in a worker, nothing done. */
static int mark(struct sc_call *c, uint64_t start, uint64_t len)
{
	struct plat_call *pc = c->platform;
	long ret;

	if (!pc->at_stop) {
		if (sentry_in_worker())
			return -SENTRY_EHANDOFF;
		ret = plat_notif_to_stop(c->t->host_tid, pc);
		if (ret < 0)
			return (int)ret;
	}
	ret = plat_inject(c->t->host_tid, pc, SYS_madvise, start, len,
			  MADV_DONTDUMP, 0, 0, 0);
	/* ENOMEM: a hole in a MPOL_DEFAULT range; the vmas are marked */
	return ret == 0 || ret == -ENOMEM ? 0 : (int)ret;
}

/* The record at addr, its vma v: dropped where the vma is not the one
 * the sentry marked (unmapped and mapped again since). */
static struct mrange *range_live(struct task *t, uint64_t addr,
				 const struct vma *v)
{
	struct mrange *r = range_at(t, addr);
	uint64_t a, b;

	if (r == NULL || !r->marked || v->dd)
		return r;
	a = r->start > v->start ? r->start : v->start;
	b = r->end < v->end ? r->end : v->end;
	/* no record holds addr after it (or, failing, shows it) */
	(void)ranges_cut(t->mempol->mm, a, b);
	return NULL;
}

/* ---- the calls ---- */

SENTRY_HANDLER(set_mempolicy)
{
	struct task_mempol *tm;
	struct nodes nodes;
	struct mpol p;
	unsigned flags;
	int mode, ret;

	ret = split_mode(c->args[0], &mode, &flags);
	if (ret == 0)
		ret = get_nodes(c, c->args[1], c->args[2], &nodes);
	if (ret == 0)
		ret = mpol_make(c, mode, flags, &nodes, &p);
	if (ret < 0)
		return ret;
	tm = mempol_of(c->t);
	if (tm == NULL)
		return -ENOMEM;
	tm->thread = p;
	return 0;
}

/* copy_nodes_to_user(): maxnode - 1 bits, those past nr_node_ids zero. */
static int put_nodes(struct sc_call *c, uint64_t addr, uint64_t maxnode,
		     const struct nodes *n, unsigned nr_ids)
{
	static const char zero[PAGE];
	uint64_t copy = ((maxnode - 1 + 63) & ~63ull) / 8;
	uint64_t nbytes = (nr_ids + 63) / 64 * 8;
	int ret;

	if (copy > nbytes) {
		if (copy > PAGE)
			return -EINVAL;
		ret = task_write(c, addr + nbytes, zero, (size_t)(copy - nbytes));
		if (ret < 0)
			return ret;
		copy = nbytes;
	}
	if (copy > sizeof(n->w))
		copy = sizeof(n->w);
	return copy ? task_write(c, addr, n->w, (size_t)copy) : 0;
}

/* What get_mempolicy reports of p (NULL: the default policy). */
static int report(struct sc_call *c, const struct mpol *p, bool thread,
		  unsigned flags, int *mode, struct nodes *nodes)
{
	memset(nodes, 0, sizeof(*nodes));
	if (p == NULL || p->mode == MPOL_DEFAULT) {
		if (flags & MPOL_F_NODE)
			return -EINVAL;
		*mode = MPOL_DEFAULT;
		return 0;
	}
	if (flags & MPOL_F_NODE) {
		if (!thread || (p->mode != MPOL_INTERLEAVE &&
				p->mode != MPOL_WEIGHTED_INTERLEAVE))
			return -EINVAL;
		*mode = node_first(&p->nodes);
	} else {
		*mode = p->mode | (int)(p->flags & MPOL_MODE_FLAGS);
	}
	*nodes = (p->flags & MPOL_USER_NODES) ? p->user : p->nodes;
	(void)c;
	return 0;
}

SENTRY_HANDLER(get_mempolicy)
{
	uint64_t mode_addr = c->args[0], nmask = c->args[1];
	uint64_t maxnode = c->args[2], addr = c->args[3], flags = c->args[4];
	const struct mpol *p = NULL;
	struct nodes allowed, nodes;
	unsigned nr_ids;
	int mode = 0, ret;
	bool thread = false;

	allowed_nodes(c, &allowed, &nr_ids);
	if (nmask != 0 && maxnode < nr_ids)
		return -EINVAL;
	if (flags & ~(uint64_t)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		/* The kernel's cpuset of the task: its own answer. */
		return sc_continue(c);
	}
	if (flags & MPOL_F_ADDR) {
		const struct mrange *r;
		const struct vma *v;
		struct vmas m;

		ret = read_vmas(c, &m, range_at(c->t, addr) != NULL, addr + 1);
		if (ret < 0)
			return ret;
		v = vma_at(&m, addr);
		if (v == NULL || (flags & MPOL_F_NODE)) {
			free(m.v);
			/* The node the page is on: the kernel's own answer. */
			return v == NULL ? -EFAULT : sc_continue(c);
		}
		r = range_live(c->t, addr, v);
		free(m.v);
		p = r != NULL ? &r->pol : NULL;
	} else if (addr != 0) {
		return -EINVAL;
	} else {
		p = c->t->mempol ? &c->t->mempol->thread : NULL;
		thread = true;
	}
	ret = report(c, p, thread, (unsigned)flags, &mode, &nodes);
	if (ret < 0)
		return ret;
	if (mode_addr != 0) {
		ret = task_write(c, mode_addr, &mode, sizeof(mode));
		if (ret < 0)
			return ret;
	}
	return nmask ? put_nodes(c, nmask, maxnode, &nodes, nr_ids) : 0;
}

SENTRY_HANDLER(mbind)
{
	uint64_t start = c->args[0], len = c->args[1], end;
	unsigned mflags = (unsigned)c->args[5], flags;
	struct nodes nodes;
	struct mm_pol *mm;
	struct vmas m;
	struct mpol p;
	int mode, ret;
	bool marked;

	ret = split_mode(c->args[2], &mode, &flags);
	if (ret == 0)
		ret = get_nodes(c, c->args[3], c->args[4], &nodes);
	if (ret < 0)
		return ret;
	if (mflags & ~MPOL_MF_VALID)
		return -EINVAL;
	if ((mflags & MPOL_MF_MOVE_ALL) &&
	    !(c->t->creds.cap_effective & (1ull << CAP_SYS_NICE)))
		return -EPERM;
	if (start & (PAGE - 1))
		return -EINVAL;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	ret = mpol_make(c, mode, flags, &nodes, &p);
	if (ret < 0)
		return ret;
	ret = read_vmas(c, &m, true, end);
	if (ret < 0)
		return ret;
	ret = range_check(&m, start, end, p.mode == MPOL_DEFAULT);
	mm = mm_of(c->t);
	marked = mm != NULL && !foreign_dontdump(&m, mm, start, end);
	free(m.v);
	if (ret < 0 || mm == NULL)
		return ret < 0 ? ret : -ENOMEM;
	if (marked) {
		ret = mark(c, start, len);
		if (ret == -SENTRY_EHANDOFF)
			return ret;
		marked = ret == 0;
	}
	return ranges_set(mm, start, end, &p, marked);
}
