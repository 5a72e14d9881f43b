/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources on a pure cgroup v2 host: one directory, the controllers
 * enabled in every ancestor's cgroup.subtree_control, values converted from
 * the v1-shaped OCI fields the way runc and crun convert them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "runsc/cgroup_priv.h"

int cgroup_check_hugepages(const struct oci_resources *r,
			   struct cv_error **err)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const char *ps = r->hugepage_limits[i].page_size;
		int64_t kb = cgroup_hugepage_kb(ps);
		char p[96];

		if (kb < 0)
			return cv_error_setx(err, "cgroup: linux.resources."
					     "hugepageLimits[%zu].pageSize: "
					     "malformed \"%s\"", i, ps ? ps : "");
		snprintf(p, sizeof(p), "/sys/kernel/mm/hugepages/hugepages-"
			 "%lldkB", (long long)kb);
		if (access(p, F_OK) < 0)
			return cv_error_setx(err, "cgroup: linux.resources."
					     "hugepageLimits[%zu].pageSize: "
					     "this host has no %s pages", i, ps);
	}
	return 0;
}

/* A controller available in dir's cgroup.controllers. */
static bool has_controller(const char *dir, const char *ctl)
{
	cleanup_free char *s = NULL;
	size_t n = strlen(ctl);

	if (cg_read(dir, "cgroup.controllers", &s, NULL) < 0)
		return false;
	for (char *p = s; (p = strstr(p, ctl)) != NULL; p += n)
		if ((p == s || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static int need(const char *root, const char *ctl, const char *field,
		struct cv_error **err)
{
	if (has_controller(root, ctl))
		return 0;
	return cv_error_setx(err, "cgroup: linux.resources.%s: the %s "
			     "controller is not available on this host", field,
			     ctl);
}

static int check_cpuset(const char *root, const char *file, const char *val,
			struct cv_error **err)
{
	cleanup_free char *host = NULL;
	int r;

	if (val == NULL || *val == '\0')
		return 0;
	if (cg_read(root, file, &host, NULL) < 0) {
		cv_error_free(err);
		return 0;	/* the kernel will judge */
	}
	r = cg_list_subset(val, host);
	if (r < 0)
		return cv_error_setx(err, "cgroup: linux.resources.cpu: "
				     "malformed list \"%s\"", val);
	if (r == 0)
		return cv_error_setx(err, "cgroup: linux.resources.cpu: \"%s\" "
				     "is not within the host's \"%.*s\"", val,
				     (int)strcspn(host, "\n"), host);
	return 0;
}

int cgroup_v2_check(const struct cgroup_layout *l,
		    const struct oci_resources *r, struct cv_error **err)
{
	const struct oci_memory *m = &r->memory;
	const struct oci_cpu *c = &r->cpu;
	const char *root = l->unified;

	if (r->has_memory &&
	    ((m->has_limit && m->limit != 0) ||
	     (m->has_reservation && m->reservation != 0) ||
	     (m->has_swap && m->swap != 0)) &&
	    need(root, "memory", "memory", err) < 0)
		return -1;
	if (r->has_cpu &&
	    ((c->has_shares && c->shares != 0) ||
	     (c->has_quota && c->quota != 0) ||
	     (c->has_period && c->period != 0) || c->has_burst ||
	     c->has_idle) &&
	    need(root, "cpu", "cpu", err) < 0)
		return -1;
	if (r->has_cpu && ((c->has_realtime_period && c->realtime_period) ||
			   (c->has_realtime_runtime && c->realtime_runtime)))
		return cv_error_setx(err, "cgroup: linux.resources.cpu."
				     "realtime*: not supported on cgroup v2");
	if (cgroup_cpuset_asked(r)) {
		if (need(root, "cpuset", "cpu.cpus", err) < 0)
			return -1;
		if (check_cpuset(root, "cpuset.cpus.effective", c->cpus,
				 err) < 0 ||
		    check_cpuset(root, "cpuset.mems.effective", c->mems,
				 err) < 0)
			return -1;
	}
	if (cgroup_pids_asked(r) && need(root, "pids", "pids", err) < 0)
		return -1;
	if (cgroup_blkio_asked(r) && need(root, "io", "blockIO", err) < 0)
		return -1;
	if (r->n_hugepage_limits > 0 &&
	    need(root, "hugetlb", "hugepageLimits", err) < 0)
		return -1;
	if (cgroup_net_cls_asked(r) || r->n_net_priorities > 0)
		return cv_error_setx(err, "cgroup: linux.resources.network: "
				     "net_cls/net_prio do not exist on cgroup "
				     "v2");
	return 0;
}

int cgroup_v2_enable_controllers(const char *root, const char *leaf,
				 struct cv_error **err)
{
	cleanup_free char *cur = strdup(root);
	const char *rest = leaf + strlen(root);

	if (cur == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	/* Every directory strictly above the leaf. */
	while (*rest == '/') {
		cleanup_free char *ctls = NULL;
		size_t n = strcspn(rest + 1, "/");
		char *save = NULL, *next;

		if (cg_read(cur, "cgroup.controllers", &ctls, err) < 0)
			return -1;
		for (char *c = strtok_r(ctls, " \n", &save); c != NULL;
		     c = strtok_r(NULL, " \n", &save))
			if (cg_writef(cur, "cgroup.subtree_control", NULL,
				      "+%s", c) < 0)
				log_debug("cgroup: cannot enable %s in %s", c,
					  cur);
		if (rest[1 + n] == '\0')
			break;	/* cur was the leaf's parent */
		if (asprintf(&next, "%s/%.*s", cur, (int)n, rest + 1) < 0)
			return cv_error_set(err, ENOMEM, "cgroup");
		free(cur);
		cur = next;
		rest += 1 + n;
	}
	return 0;
}

/* 0 is "not set" (nothing written), -1 is "max". */
static void num(char *buf, size_t len, int64_t v)
{
	if (v == 0)
		buf[0] = '\0';
	else if (v < 0)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%lld", (long long)v);
}

/* OCI swap is memory+swap; v2 memory.swap.max is swap alone. As runc:
 * unlimited memory with no swap value is unlimited swap too. */
static int swap_value(int64_t limit, int64_t swap, char *buf, size_t len,
		      struct cv_error **err)
{
	if (limit == -1 && swap == 0)
		swap = -1;
	if (swap == 0 || swap == -1) {
		num(buf, len, swap);
		return 0;
	}
	if (limit == 0 || limit == -1)
		return cv_error_setx(err, "cgroup: linux.resources.memory.swap:"
				     " a swap limit needs a memory limit");
	if (swap < limit)
		return cv_error_setx(err, "cgroup: linux.resources.memory.swap"
				     " (%lld) is below memory.limit (%lld)",
				     (long long)swap, (long long)limit);
	snprintf(buf, len, "%lld", (long long)(swap - limit));
	return 0;
}

int cgroup_v2_memory_values(const struct oci_memory *m, char *swap,
			    char *max, char *low, size_t len,
			    struct cv_error **err)
{
	int64_t limit = m->has_limit ? m->limit : 0;

	if (swap_value(limit, m->has_swap ? m->swap : 0, swap, len, err) < 0)
		return -1;
	num(max, len, limit);
	num(low, len, m->has_reservation ? m->reservation : 0);
	return 0;
}

static int apply_memory(const char *d, const struct oci_memory *m,
			struct cv_error **err)
{
	char swap[32], max[32], low[32];

	if (cgroup_v2_memory_values(m, swap, max, low, sizeof(swap), err) < 0)
		return -1;
	/* Without swap accounting, unlimited or no swap beyond the limit is
	 * the best the host does; any other value cannot be applied. */
	if (*swap != '\0' && !cg_exists(d, "memory.swap.max") &&
	    strcmp(swap, "max") != 0 && strcmp(swap, "0") != 0)
		return cv_error_setx(err, "cgroup: linux.resources.memory.swap:"
				     " swap accounting is not enabled on this "
				     "host (no memory.swap.max)");
	if (*swap != '\0' && cg_exists(d, "memory.swap.max") &&
	    cg_write(d, "memory.swap.max", swap, err) < 0)
		return -1;
	if (*max != '\0' && cg_write(d, "memory.max", max, err) < 0)
		return -1;
	if (*low != '\0' && cg_write(d, "memory.low", low, err) < 0)
		return -1;
	if (m->has_swappiness || (m->has_kernel && m->kernel != 0) ||
	    (m->has_kernel_tcp && m->kernel_tcp != 0))
		log_warn("cgroup: memory swappiness/kernel limits do not "
			 "exist on cgroup v2; ignored");
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		log_warn("cgroup: disableOOMKiller does not exist on cgroup "
			 "v2; ignored");
	return 0;
}

/* "QUOTA PERIOD": a quota of 0 (not given) keeps the current one, as does
 * a period of 0; a fresh cgroup reads "max 100000", which makes this
 * runc's "max" and 100000 defaults on create. */
void cgroup_v2_cpu_max(const struct oci_cpu *c, const char *cur, char *out,
		       size_t len)
{
	int64_t quota = c->has_quota ? c->quota : 0;
	uint64_t period = c->has_period ? c->period : 0;
	unsigned long long cur_period = 100000;
	char q[32] = "max";

	out[0] = '\0';
	if (quota == 0 && period == 0)
		return;
	if (cur != NULL && sscanf(cur, "%31s %llu", q, &cur_period) < 1)
		snprintf(q, sizeof(q), "max");
	if (quota != 0)
		num(q, sizeof(q), quota);
	if (period == 0)
		period = cur_period;
	snprintf(out, len, "%s %llu", q, (unsigned long long)period);
}

static int apply_cpu(const char *d, const struct oci_cpu *c,
		     struct cv_error **err)
{
	cleanup_free char *cur = NULL;
	char max[80];

	if (c->has_shares && c->shares != 0 &&
	    cg_writef(d, "cpu.weight", err, "%llu",
		      (unsigned long long)cgroup_shares_to_weight(c->shares)) <
		    0)
		return -1;
	if (c->has_idle && cg_writef(d, "cpu.idle", err, "%lld",
				     (long long)c->idle) < 0)
		return -1;
	if ((c->has_quota && c->quota != 0) || (c->has_period && c->period)) {
		/* Unreadable (cur NULL): runc's defaults, "max 100000". */
		(void)cg_read(d, "cpu.max", &cur, NULL);
		cgroup_v2_cpu_max(c, cur, max, sizeof(max));
		if (cg_write(d, "cpu.max", max, err) < 0)
			return -1;
	}
	if (c->has_burst && cg_writef(d, "cpu.max.burst", err, "%llu",
				      (unsigned long long)c->burst) < 0)
		return -1;
	if (c->cpus != NULL && *c->cpus != '\0' &&
	    cg_write(d, "cpuset.cpus", c->cpus, err) < 0)
		return -1;
	if (c->mems != NULL && *c->mems != '\0' &&
	    cg_write(d, "cpuset.mems", c->mems, err) < 0)
		return -1;
	return 0;
}

/* blkio weight 10..1000 -> io.weight 1..10000 */
unsigned cgroup_v2_io_weight(unsigned w)
{
	if (w == 0)
		return 0;
	if (w < 10)
		w = 10;
	return 1 + (w - 10) * 9999 / 990;
}

static int io_max(const char *d, const char *key,
		  const struct oci_throttle_device *t, size_t n,
		  struct cv_error **err)
{
	for (size_t i = 0; i < n; i++)
		if (cg_writef(d, "io.max", err, "%lld:%lld %s=%llu",
			      (long long)t[i].major, (long long)t[i].minor, key,
			      (unsigned long long)t[i].rate) < 0)
			return -1;
	return 0;
}

/* BFQ's io.bfq.weight takes the blkio value as is; io.weight (io.cost)
 * its conversion. Leaf weights have no v2 counterpart. */
static int apply_io(const char *d, const struct oci_blkio *b,
		    struct cv_error **err)
{
	bool bfq = cg_exists(d, "io.bfq.weight");
	const char *wf = bfq ? "io.bfq.weight" : "io.weight";

	if (b->has_weight && b->weight != 0 &&
	    cg_writef(d, wf, err, "%u",
		      bfq ? b->weight : cgroup_v2_io_weight(b->weight)) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];

		if (w->has_weight && w->weight != 0 &&
		    cg_writef(d, wf, err, "%lld:%lld %u", (long long)w->major,
			      (long long)w->minor,
			      bfq ? w->weight
				  : cgroup_v2_io_weight(w->weight)) < 0)
			return -1;
	}
	if (io_max(d, "rbps", b->throttle_read_bps, b->n_throttle_read_bps,
		   err) < 0 ||
	    io_max(d, "wbps", b->throttle_write_bps, b->n_throttle_write_bps,
		   err) < 0 ||
	    io_max(d, "riops", b->throttle_read_iops,
		   b->n_throttle_read_iops, err) < 0 ||
	    io_max(d, "wiops", b->throttle_write_iops,
		   b->n_throttle_write_iops, err) < 0)
		return -1;
	return 0;
}

/* Keys naming interface files rather than limits (cgroup.procs,
 * cgroup.subtree_control, cgroup.kill...) would let a config move
 * processes or reshape the tree: only the two cgroup.* limits pass. */
static bool unified_key_ok(const char *k)
{
	if (k == NULL || *k == '\0' || strchr(k, '/') != NULL ||
	    strstr(k, "..") != NULL)
		return false;
	if (strncmp(k, "cgroup.", 7) != 0)
		return true;
	return strcmp(k, "cgroup.max.depth") == 0 ||
	       strcmp(k, "cgroup.max.descendants") == 0;
}

int cgroup_unified_apply(const char *dir, const struct oci_resources *r,
			 struct cv_error **err)
{
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified[i].key;

		if (!unified_key_ok(k))
			return cv_error_setx(err, "cgroup: linux.resources."
					     "unified: invalid key \"%s\"",
					     k ? k : "");
		if (!cg_exists(dir, k))
			return cv_error_setx(err, "cgroup: linux.resources."
					     "unified.%s: no such cgroup file "
					     "(controller not enabled?)", k);
		if (cg_write(dir, k, r->unified[i].value, err) < 0)
			return -1;
	}
	return 0;
}

int cgroup_v2_apply(struct cgroup *cg, const struct oci_resources *r,
		    struct cv_error **err)
{
	const char *d = cg->unified;

	if (r->has_memory && apply_memory(d, &r->memory, err) < 0)
		return -1;
	if (r->has_cpu && apply_cpu(d, &r->cpu, err) < 0)
		return -1;
	if (cgroup_pids_asked(r) &&
	    (r->pids_limit > 0 ? cg_writef(d, "pids.max", err, "%lld",
					   (long long)r->pids_limit)
			       : cg_write(d, "pids.max", "max", err)) < 0)
		return -1;
	if (cgroup_blkio_asked(r) && apply_io(d, &r->blkio, err) < 0)
		return -1;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		char f[64];

		snprintf(f, sizeof(f), "hugetlb.%s.max",
			 r->hugepage_limits[i].page_size);
		if (cg_writef(d, f, err, "%llu",
			      (unsigned long long)r->hugepage_limits[i].limit) <
		    0)
			return -1;
	}
	return cgroup_unified_apply(d, r, err);
}
