/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources on cgroup v1 (also the hybrid layout, whose v2 side only
 * tracks membership): one file per knob in the hierarchy that has the
 * controller. A knob whose controller is not mounted is refused before
 * anything is created, as runc refuses it ("cannot set hugetlb limit").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "runsc/cgroup_priv.h"

static int need(const struct cgroup_layout *l, const char *ctl,
		const char *field, struct cv_error **err)
{
	if (cgroup_layout_find(l, ctl) != NULL)
		return 0;
	return cv_error_setx(err,
		"cgroup: linux.resources.%s: the %s controller is not "
		"mounted on this host (cgroup %s)", field, ctl,
		cgroup_mode_name(l->mode));
}

/* cpus/mems must lie inside what the hierarchy root offers. */
static int check_cpuset(const struct cgroup_layout *l, const char *file,
			const char *val, struct cv_error **err)
{
	const struct cgroup_hierarchy *h = cgroup_layout_find(l, "cpuset");
	cleanup_free char *host = NULL;
	int r;

	if (val == NULL || *val == '\0' || h == NULL)
		return 0;
	if (cg_read(h->mount, file, &host, err) < 0)
		return -1;
	r = cg_list_subset(val, host);
	if (r < 0)
		return cv_error_setx(err, "cgroup: linux.resources.cpu.%s: "
				     "malformed list \"%s\"",
				     strchr(file, '.') + 1, val);
	if (r == 0)
		return cv_error_setx(err, "cgroup: linux.resources.cpu.%s: "
				     "\"%s\" is not within the host's \"%.*s\"",
				     strchr(file, '.') + 1, val,
				     (int)strcspn(host, "\n"), host);
	return 0;
}

int cgroup_v1_check(const struct cgroup_layout *l,
		    const struct oci_resources *r, struct cv_error **err)
{
	const struct oci_memory *m = &r->memory;

	if (cgroup_memory_asked(r) && need(l, "memory", "memory", err) < 0)
		return -1;
	if (r->has_memory && m->has_limit && m->has_swap && m->limit > 0 &&
	    m->swap > 0 && m->swap < m->limit)
		return cv_error_setx(err, "cgroup: linux.resources.memory.swap"
				     " (%lld) is below memory.limit (%lld)",
				     (long long)m->swap, (long long)m->limit);
	if (cgroup_cpu_asked(r) && need(l, "cpu", "cpu", err) < 0)
		return -1;
	if (cgroup_cpuset_asked(r) && need(l, "cpuset", "cpu.cpus", err) < 0)
		return -1;
	if (r->has_cpu &&
	    (check_cpuset(l, "cpuset.cpus", r->cpu.cpus, err) < 0 ||
	     check_cpuset(l, "cpuset.mems", r->cpu.mems, err) < 0))
		return -1;
	if (cgroup_pids_asked(r) && need(l, "pids", "pids", err) < 0)
		return -1;
	if (cgroup_blkio_asked(r) && need(l, "blkio", "blockIO", err) < 0)
		return -1;
	if (r->n_hugepage_limits > 0 &&
	    need(l, "hugetlb", "hugepageLimits", err) < 0)
		return -1;
	if (cgroup_net_cls_asked(r) &&
	    need(l, "net_cls", "network.classID", err) < 0)
		return -1;
	if (r->n_net_priorities > 0 &&
	    need(l, "net_prio", "network.priorities", err) < 0)
		return -1;
	if (r->n_unified > 0 && l->unified == NULL)
		return cv_error_setx(err, "cgroup: linux.resources.unified is "
				     "not supported on a cgroup v1 host");
	return 0;
}

static const char *i64s(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%lld", (long long)(v < 0 ? -1 : v));
	return buf;
}

static int set_limit(const char *d, int64_t v, struct cv_error **err)
{
	cleanup_error struct cv_error *e = NULL;
	uint64_t use = 0, peak = 0;
	char a[32];
	int rc;

	if (v == 0)
		return 0;
	rc = cg_write(d, "memory.limit_in_bytes", i64s(a, sizeof(a), v), &e);
	if (rc == 0)
		return 0;
	if (rc != -EBUSY)
		return cv_error_setx(err, "%s", e->msg);
	/* For the message only: 0 where unreadable. */
	(void)cg_read_u64(d, "memory.usage_in_bytes", &use, NULL);
	(void)cg_read_u64(d, "memory.max_usage_in_bytes", &peak, NULL);
	return cv_error_setx(err, "cgroup: linux.resources.memory.limit: "
			     "cannot set %lld (current usage %llu, peak "
			     "%llu)", (long long)v, (unsigned long long)use,
			     (unsigned long long)peak);
}

/* memory+swap; 0 is "not set". Without swap accounting, "unlimited" and
 * "no more than the memory limit" are what the host does anyway. */
static int set_swap(const char *d, int64_t swap, int64_t limit,
		    struct cv_error **err)
{
	char b[32];

	if (swap == 0)
		return 0;
	if (!cg_exists(d, "memory.memsw.limit_in_bytes")) {
		if (swap < 0 || swap == limit)
			return 0;
		return cv_error_setx(err, "cgroup: linux.resources.memory.swap:"
				     " swap accounting is not enabled on this "
				     "host (no memory.memsw.limit_in_bytes)");
	}
	return cg_write(d, "memory.memsw.limit_in_bytes",
			i64s(b, sizeof(b), swap), err);
}

/* As runc: -1 memory with no swap value means unlimited memory+swap; with
 * both given, the order keeps memsw >= limit at every step. */
static int apply_limits(const char *d, const struct oci_memory *m,
			struct cv_error **err)
{
	int64_t limit = m->has_limit ? m->limit : 0;
	int64_t swap = m->has_swap ? m->swap : 0;
	uint64_t cur = 0;

	if (limit == -1 && swap == 0 &&
	    cg_exists(d, "memory.memsw.limit_in_bytes"))
		swap = -1;
	if (limit != 0 && swap != 0) {
		if (cg_read_u64(d, "memory.limit_in_bytes", &cur, err) < 0)
			return -1;
		if (swap == -1 || cur < (uint64_t)swap)
			return set_swap(d, swap, limit, err) < 0 ||
			       set_limit(d, limit, err) < 0 ? -1 : 0;
	}
	if (set_limit(d, limit, err) < 0 || set_swap(d, swap, limit, err) < 0)
		return -1;
	return 0;
}

static int apply_memory(const char *d, const struct oci_memory *m,
			struct cv_error **err)
{
	char a[32];

	if (apply_limits(d, m, err) < 0)
		return -1;
	if (m->has_reservation && m->reservation != 0 &&
	    cg_write(d, "memory.soft_limit_in_bytes",
		     i64s(a, sizeof(a), m->reservation), err) < 0)
		return -1;
	if (m->has_kernel && m->kernel != 0)
		log_warn("cgroup: linux.resources.memory.kernel is deprecated "
			 "and ignored (as runc 1.1 does)");
	if (m->has_kernel_tcp && m->kernel_tcp != 0 &&
	    cg_write(d, "memory.kmem.tcp.limit_in_bytes",
		     i64s(a, sizeof(a), m->kernel_tcp), err) < 0)
		return -1;
	if (m->has_swappiness) {
		if (m->swappiness > 100)
			return cv_error_setx(err, "cgroup: linux.resources."
					     "memory.swappiness: %llu > 100",
					     (unsigned long long)m->swappiness);
		if (cg_writef(d, "memory.swappiness", err, "%llu",
			      (unsigned long long)m->swappiness) < 0)
			return -1;
	}
	if (m->has_disable_oom_killer && m->disable_oom_killer &&
	    cg_write(d, "memory.oom_control", "1", err) < 0)
		return -1;
	/* Deprecated: newer kernels are always hierarchical and refuse 0,
	 * a request they cannot honour and runc does not fail on. */
	if (m->has_use_hierarchy && cg_exists(d, "memory.use_hierarchy"))
		(void)cg_write(d, "memory.use_hierarchy",
			       m->use_hierarchy ? "1" : "0", NULL);
	return 0;
}

/* The kernel clamps cpu.shares into [2, 262144]: say so, as runc does,
 * rather than run with another value than asked. */
static int set_shares(const char *d, uint64_t shares, struct cv_error **err)
{
	uint64_t got = 0;

	if (cg_writef(d, "cpu.shares", err, "%llu",
		      (unsigned long long)shares) < 0 ||
	    cg_read_u64(d, "cpu.shares", &got, err) < 0)
		return -1;
	if (got != shares)
		return cv_error_setx(err, "cgroup: linux.resources.cpu.shares:"
				     " %llu is out of range (the %s is %llu)",
				     (unsigned long long)shares,
				     shares > got ? "maximum" : "minimum",
				     (unsigned long long)got);
	return 0;
}

/* A period below the current one can be refused (EINVAL) until the new
 * quota is in: then it is written again after the quota. */
static int apply_period_quota(const char *d, const struct oci_cpu *c,
			      struct cv_error **err)
{
	cleanup_error struct cv_error *e = NULL;
	uint64_t period = c->has_period ? c->period : 0;
	int64_t quota = c->has_quota ? c->quota : 0;
	bool again = false;
	int rc;

	if (period != 0) {
		rc = cg_writef(d, "cpu.cfs_period_us", &e, "%llu",
			       (unsigned long long)period);
		if (rc < 0 && (rc != -EINVAL || quota == 0))
			return cv_error_setx(err, "%s", e->msg);
		again = rc < 0;
	}
	if (quota != 0 && cg_writef(d, "cpu.cfs_quota_us", err, "%lld",
				    (long long)(quota < 0 ? -1 : quota)) < 0)
		return -1;
	if (again && cg_writef(d, "cpu.cfs_period_us", err, "%llu",
			       (unsigned long long)period) < 0)
		return -1;
	return 0;
}

static int apply_cpu(const char *d, const struct oci_cpu *c,
		     struct cv_error **err)
{
	if (c->has_shares && c->shares != 0 && set_shares(d, c->shares, err) < 0)
		return -1;
	if (apply_period_quota(d, c, err) < 0)
		return -1;
	if (c->has_burst && cg_writef(d, "cpu.cfs_burst_us", err, "%llu",
				      (unsigned long long)c->burst) < 0)
		return -1;
	if (c->has_realtime_period && c->realtime_period != 0 &&
	    cg_writef(d, "cpu.rt_period_us", err, "%llu",
		      (unsigned long long)c->realtime_period) < 0)
		return -1;
	if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
	    cg_writef(d, "cpu.rt_runtime_us", err, "%lld",
		      (long long)c->realtime_runtime) < 0)
		return -1;
	if (c->has_idle && cg_writef(d, "cpu.idle", err, "%lld",
				     (long long)c->idle) < 0)
		return -1;
	return 0;
}

static int apply_cpuset(const char *d, const struct oci_cpu *c,
			struct cv_error **err)
{
	if (c->cpus != NULL && *c->cpus != '\0' &&
	    cg_write(d, "cpuset.cpus", c->cpus, err) < 0)
		return -1;
	if (c->mems != NULL && *c->mems != '\0' &&
	    cg_write(d, "cpuset.mems", c->mems, err) < 0)
		return -1;
	return 0;
}

static int throttle(const char *d, const char *file,
		    const struct oci_throttle_device *t, size_t n,
		    struct cv_error **err)
{
	for (size_t i = 0; i < n; i++)
		if (cg_writef(d, file, err, "%lld:%lld %llu",
			      (long long)t[i].major, (long long)t[i].minor,
			      (unsigned long long)t[i].rate) < 0)
			return -1;
	return 0;
}

/* The weight files the host has: CFQ's blkio.weight, else BFQ's. */
static int weight_files(const char *d, const char **w, const char **wd,
			struct cv_error **err)
{
	if (cg_exists(d, "blkio.weight")) {
		*w = "blkio.weight";
		*wd = "blkio.weight_device";
		return 0;
	}
	*w = "blkio.bfq.weight";
	*wd = "blkio.bfq.weight_device";
	if (cg_exists(d, *w))
		return 0;
	return cv_error_setx(err, "cgroup: linux.resources.blockIO.weight: "
			     "this host has no blkio weight (no CFQ or BFQ "
			     "I/O scheduler)");
}

static int leaf(const char *d, const char *file, struct cv_error **err)
{
	if (cg_exists(d, file))
		return 0;
	return cv_error_setx(err, "cgroup: linux.resources.blockIO.leafWeight:"
			     " this host has no %s (CFQ only)", file);
}

static int apply_weights(const char *d, const struct oci_blkio *b,
			 struct cv_error **err)
{
	const char *wf = NULL, *wdf = NULL;

	if (!cgroup_blkio_weight_asked(b))
		return 0;
	if (((b->has_weight && b->weight != 0) || b->n_weight_device > 0) &&
	    weight_files(d, &wf, &wdf, err) < 0)
		return -1;
	if (b->has_weight && b->weight != 0 &&
	    cg_writef(d, wf, err, "%u", b->weight) < 0)
		return -1;
	if (b->has_leaf_weight && b->leaf_weight != 0 &&
	    (leaf(d, "blkio.leaf_weight", err) < 0 ||
	     cg_writef(d, "blkio.leaf_weight", err, "%u", b->leaf_weight) < 0))
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];

		if (w->has_weight && w->weight != 0 &&
		    cg_writef(d, wdf, err, "%lld:%lld %u", (long long)w->major,
			      (long long)w->minor, w->weight) < 0)
			return -1;
		if (w->has_leaf_weight && w->leaf_weight != 0 &&
		    (leaf(d, "blkio.leaf_weight_device", err) < 0 ||
		     cg_writef(d, "blkio.leaf_weight_device", err,
			       "%lld:%lld %u", (long long)w->major,
			       (long long)w->minor, w->leaf_weight) < 0))
			return -1;
	}
	return 0;
}

static int apply_blkio(const char *d, const struct oci_blkio *b,
		       struct cv_error **err)
{
	if (apply_weights(d, b, err) < 0 ||
	    throttle(d, "blkio.throttle.read_bps_device",
		     b->throttle_read_bps, b->n_throttle_read_bps, err) < 0 ||
	    throttle(d, "blkio.throttle.write_bps_device",
		     b->throttle_write_bps, b->n_throttle_write_bps, err) < 0 ||
	    throttle(d, "blkio.throttle.read_iops_device",
		     b->throttle_read_iops, b->n_throttle_read_iops, err) < 0 ||
	    throttle(d, "blkio.throttle.write_iops_device",
		     b->throttle_write_iops, b->n_throttle_write_iops,
		     err) < 0)
		return -1;
	return 0;
}

static int apply_hugetlb(const char *d, const struct oci_resources *r,
			 struct cv_error **err)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct oci_hugepage_limit *h = &r->hugepage_limits[i];
		char file[64];

		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes",
			 h->page_size);
		if (cg_writef(d, file, err, "%llu",
			      (unsigned long long)h->limit) < 0)
			return -1;
	}
	return 0;
}

static int apply_net(const struct cgroup *cg, const struct oci_resources *r,
		     struct cv_error **err)
{
	const char *d = cgroup_dir(cg, "net_cls");

	if (cgroup_net_cls_asked(r) && d != NULL &&
	    cg_writef(d, "net_cls.classid", err, "%u", r->net_class_id) < 0)
		return -1;
	d = cgroup_dir(cg, "net_prio");
	for (size_t i = 0; d != NULL && i < r->n_net_priorities; i++)
		if (cg_writef(d, "net_prio.ifpriomap", err, "%s %u",
			      r->net_priorities[i].name,
			      r->net_priorities[i].priority) < 0)
			return -1;
	return 0;
}

int cgroup_v1_apply(struct cgroup *cg, const struct oci_resources *r,
		    struct cv_error **err)
{
	const char *d;

	if ((d = cgroup_dir(cg, "memory")) != NULL && r->has_memory &&
	    apply_memory(d, &r->memory, err) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "cpu")) != NULL && cgroup_cpu_asked(r) &&
	    apply_cpu(d, &r->cpu, err) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "cpuset")) != NULL && cgroup_cpuset_asked(r) &&
	    apply_cpuset(d, &r->cpu, err) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "pids")) != NULL && cgroup_pids_asked(r) &&
	    (r->pids_limit > 0 ? cg_writef(d, "pids.max", err, "%lld",
					   (long long)r->pids_limit)
			       : cg_write(d, "pids.max", "max", err)) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "blkio")) != NULL && cgroup_blkio_asked(r) &&
	    apply_blkio(d, &r->blkio, err) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "hugetlb")) != NULL &&
	    apply_hugetlb(d, r, err) < 0)
		return -1;
	return apply_net(cg, r, err);
}
