/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which parts of linux.resources ask for something. Docker fills every
 * resource field and leaves the ones the user did not give at zero
 * ("cpu": {"shares": 0}, "blockIO": {"weight": 0}, "pids": {"limit": 0});
 * runc 1.1 writes none of them, and asks nothing of a controller or file
 * the host lacks unless a value for it is really given.
 */
#include "runsc/cgroup_priv.h"

bool cgroup_memory_asked(const struct oci_resources *r)
{
	const struct oci_memory *m = &r->memory;

	if (!r->has_memory)
		return false;
	return (m->has_limit && m->limit != 0) ||
	       (m->has_reservation && m->reservation != 0) ||
	       (m->has_swap && m->swap != 0) ||
	       (m->has_kernel_tcp && m->kernel_tcp != 0) ||
	       m->has_swappiness ||
	       (m->has_disable_oom_killer && m->disable_oom_killer);
}

bool cgroup_cpu_asked(const struct oci_resources *r)
{
	const struct oci_cpu *c = &r->cpu;

	if (!r->has_cpu)
		return false;
	return (c->has_shares && c->shares != 0) ||
	       (c->has_quota && c->quota != 0) ||
	       (c->has_period && c->period != 0) ||
	       (c->has_realtime_runtime && c->realtime_runtime != 0) ||
	       (c->has_realtime_period && c->realtime_period != 0) ||
	       c->has_burst || c->has_idle;
}

bool cgroup_cpuset_asked(const struct oci_resources *r)
{
	const struct oci_cpu *c = &r->cpu;

	return r->has_cpu && ((c->cpus != NULL && *c->cpus != '\0') ||
			      (c->mems != NULL && *c->mems != '\0'));
}

bool cgroup_pids_asked(const struct oci_resources *r)
{
	return r->has_pids && r->pids_limit != 0;
}

bool cgroup_blkio_weight_asked(const struct oci_blkio *b)
{
	if ((b->has_weight && b->weight != 0) ||
	    (b->has_leaf_weight && b->leaf_weight != 0))
		return true;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct oci_weight_device *w = &b->weight_device[i];

		if ((w->has_weight && w->weight != 0) ||
		    (w->has_leaf_weight && w->leaf_weight != 0))
			return true;
	}
	return false;
}

bool cgroup_blkio_asked(const struct oci_resources *r)
{
	const struct oci_blkio *b = &r->blkio;

	if (!r->has_blkio)
		return false;
	return cgroup_blkio_weight_asked(b) || b->n_throttle_read_bps > 0 ||
	       b->n_throttle_write_bps > 0 || b->n_throttle_read_iops > 0 ||
	       b->n_throttle_write_iops > 0;
}

bool cgroup_net_cls_asked(const struct oci_resources *r)
{
	return r->has_class_id && r->net_class_id != 0;
}
