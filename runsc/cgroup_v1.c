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

static bool wants_memory(const struct oci_resources *r)
{
	return r->has_memory;
}

static bool wants_cpu(const struct oci_resources *r)
{
	const struct oci_cpu *c = &r->cpu;

	return r->has_cpu && (c->has_shares || c->has_quota || c->has_period ||
			      c->has_burst || c->has_realtime_runtime ||
			      c->has_realtime_period || c->has_idle);
}

static bool wants_cpuset(const struct oci_resources *r)
{
	return r->has_cpu && (r->cpu.cpus != NULL || r->cpu.mems != NULL);
}

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
	if (wants_memory(r) && need(l, "memory", "memory", err) < 0)
		return -1;
	if (r->has_memory && r->memory.has_limit && r->memory.has_swap &&
	    r->memory.limit >= 0 && r->memory.swap >= 0 &&
	    r->memory.swap < r->memory.limit)
		return cv_error_setx(err, "cgroup: linux.resources.memory.swap"
				     " (%lld) is below memory.limit (%lld)",
				     (long long)r->memory.swap,
				     (long long)r->memory.limit);
	if (wants_cpu(r) && need(l, "cpu", "cpu", err) < 0)
		return -1;
	if (wants_cpuset(r) && need(l, "cpuset", "cpu.cpus", err) < 0)
		return -1;
	if (r->has_cpu &&
	    (check_cpuset(l, "cpuset.cpus", r->cpu.cpus, err) < 0 ||
	     check_cpuset(l, "cpuset.mems", r->cpu.mems, err) < 0))
		return -1;
	if (r->has_pids && need(l, "pids", "pids", err) < 0)
		return -1;
	if (r->has_blkio && need(l, "blkio", "blockIO", err) < 0)
		return -1;
	if (r->n_hugepage_limits > 0 &&
	    need(l, "hugetlb", "hugepageLimits", err) < 0)
		return -1;
	if (r->has_class_id && need(l, "net_cls", "network.classID", err) < 0)
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

static int apply_memory(const char *d, const struct oci_memory *m,
			struct cv_error **err)
{
	bool memsw = cg_exists(d, "memory.memsw.limit_in_bytes");
	char a[32], b[32];

	if (m->has_swap && !memsw && m->swap > 0 &&
	    (!m->has_limit || m->swap != m->limit))
		return cv_error_setx(err, "cgroup: linux.resources.memory.swap:"
				     " swap accounting is not enabled");
	if (m->has_limit && m->has_swap && memsw) {
		/* memsw >= limit at every step: try the limit first, else
		 * raise memsw first. */
		if (cg_write(d, "memory.limit_in_bytes",
			     i64s(a, sizeof(a), m->limit), NULL) == 0) {
			if (cg_write(d, "memory.memsw.limit_in_bytes",
				     i64s(b, sizeof(b), m->swap), err) < 0)
				return -1;
		} else if (cg_write(d, "memory.memsw.limit_in_bytes",
				    i64s(b, sizeof(b), m->swap), err) < 0 ||
			   cg_write(d, "memory.limit_in_bytes", a, err) < 0) {
			return -1;
		}
	} else if (m->has_limit) {
		/* Unlimited memory without a swap value means unlimited
		 * memory+swap too (memsw may not stay below the limit). */
		if (m->limit < 0 && memsw &&
		    cg_write(d, "memory.memsw.limit_in_bytes", "-1", err) < 0)
			return -1;
		if (cg_write(d, "memory.limit_in_bytes",
			     i64s(a, sizeof(a), m->limit), err) < 0)
			return -1;
	} else if (m->has_swap && memsw) {
		if (cg_write(d, "memory.memsw.limit_in_bytes",
			     i64s(b, sizeof(b), m->swap), err) < 0)
			return -1;
	}
	if (m->has_reservation &&
	    cg_write(d, "memory.soft_limit_in_bytes",
		     i64s(a, sizeof(a), m->reservation), err) < 0)
		return -1;
	if (m->has_kernel)
		log_warn("cgroup: linux.resources.memory.kernel is deprecated "
			 "and ignored");
	if (m->has_kernel_tcp &&
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
	if (m->has_disable_oom_killer &&
	    cg_write(d, "memory.oom_control",
		     m->disable_oom_killer ? "1" : "0", err) < 0)
		return -1;
	if (m->has_use_hierarchy && cg_exists(d, "memory.use_hierarchy"))
		cg_write(d, "memory.use_hierarchy",
			 m->use_hierarchy ? "1" : "0", NULL);
	return 0;
}

static int apply_cpu(const char *d, const struct oci_cpu *c,
		     struct cv_error **err)
{
	if (c->has_shares && cg_writef(d, "cpu.shares", err, "%llu",
				       (unsigned long long)c->shares) < 0)
		return -1;
	if (c->has_period && cg_writef(d, "cpu.cfs_period_us", err, "%llu",
				       (unsigned long long)c->period) < 0)
		return -1;
	if (c->has_quota &&
	    cg_writef(d, "cpu.cfs_quota_us", err, "%lld",
		      (long long)(c->quota < 0 ? -1 : c->quota)) < 0)
		return -1;
	if (c->has_burst && cg_writef(d, "cpu.cfs_burst_us", err, "%llu",
				      (unsigned long long)c->burst) < 0)
		return -1;
	if (c->has_realtime_period &&
	    cg_writef(d, "cpu.rt_period_us", err, "%llu",
		      (unsigned long long)c->realtime_period) < 0)
		return -1;
	if (c->has_realtime_runtime &&
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

static int apply_blkio(const char *d, const struct oci_blkio *b,
		       struct cv_error **err)
{
	const char *wf = cg_exists(d, "blkio.weight") ? "blkio.weight"
						       : "blkio.bfq.weight";

	if ((b->has_weight || b->n_weight_device > 0) && !cg_exists(d, wf))
		return cv_error_setx(err, "cgroup: linux.resources.blockIO."
				     "weight: this host has no blkio weight "
				     "(no CFQ or BFQ I/O scheduler)");
	if (b->has_weight && cg_writef(d, wf, err, "%u", b->weight) < 0)
		return -1;
	if (b->has_leaf_weight &&
	    cg_writef(d, "blkio.leaf_weight", err, "%u", b->leaf_weight) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];
		const char *f = cg_exists(d, "blkio.weight_device")
					? "blkio.weight_device"
					: "blkio.bfq.weight_device";

		if (w->has_weight &&
		    cg_writef(d, f, err, "%lld:%lld %u", (long long)w->major,
			      (long long)w->minor, w->weight) < 0)
			return -1;
		if (w->has_leaf_weight &&
		    cg_writef(d, "blkio.leaf_weight_device", err,
			      "%lld:%lld %u", (long long)w->major,
			      (long long)w->minor, w->leaf_weight) < 0)
			return -1;
	}
	if (throttle(d, "blkio.throttle.read_bps_device",
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

	if (r->has_class_id && d != NULL &&
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

	if ((d = cgroup_dir(cg, "memory")) != NULL && wants_memory(r) &&
	    apply_memory(d, &r->memory, err) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "cpu")) != NULL && wants_cpu(r) &&
	    apply_cpu(d, &r->cpu, err) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "cpuset")) != NULL && wants_cpuset(r) &&
	    apply_cpuset(d, &r->cpu, err) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "pids")) != NULL && r->has_pids) {
		int rc = r->pids_limit > 0
				 ? cg_writef(d, "pids.max", err, "%lld",
					     (long long)r->pids_limit)
				 : cg_write(d, "pids.max", "max", err);

		if (rc < 0)
			return -1;
	}
	if ((d = cgroup_dir(cg, "blkio")) != NULL && r->has_blkio &&
	    apply_blkio(d, &r->blkio, err) < 0)
		return -1;
	if ((d = cgroup_dir(cg, "hugetlb")) != NULL &&
	    apply_hugetlb(d, r, err) < 0)
		return -1;
	return apply_net(cg, r, err);
}
