/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.resources (also "runsc update --resources"): devices, memory, cpu,
 * pids, blockIO, hugepageLimits, network, unified. rdma is accepted and
 * ignored (type-checked only). Memory values of -1 mean "max".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "oci/config_internal.h"

static int parse_dev_rule(struct cfg_ctx *c, yajl_val o, const char *path,
			  struct oci_device_rule *d)
{
	cleanup_free char *type = NULL, *access = NULL;
	char p[CFG_PATH_MAX];
	int r;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_bool(c, o, path, "allow", &d->allow, NULL);
	if (cfg_require(c, r, path, "allow") < 0)
		return -1;
	d->type = 'a';
	d->major = d->minor = -1;
	if (cfg_string(c, o, path, "type", &type) < 0 ||
	    cfg_i64(c, o, path, "major", -1, INT64_MAX, &d->major, NULL) < 0 ||
	    cfg_i64(c, o, path, "minor", -1, INT64_MAX, &d->minor, NULL) < 0 ||
	    cfg_string(c, o, path, "access", &access) < 0)
		return -1;
	if (type != NULL && type[0] != '\0') {
		if (strlen(type) != 1 || strchr("acb", type[0]) == NULL) {
			cfg_path_key(p, path, "type");
			return cfg_err(c, p, "unknown device type \"%s\"", type);
		}
		d->type = type[0];
	}
	if (access == NULL || access[0] == '\0') {
		strcpy(d->access, "rwm");
		return 0;
	}
	cfg_path_key(p, path, "access");
	for (const char *a = access; *a; a++)
		if (strchr("rwm", *a) == NULL || strchr(a + 1, *a) != NULL)
			return cfg_err(c, p, "invalid access \"%s\" (a subset of \"rwm\")",
				       access);
	strcpy(d->access, access);
	return 0;
}

static int parse_dev_rules(struct cfg_ctx *c, yajl_val o, const char *path,
			   struct oci_resources *r)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int rc = cfg_array(c, o, path, "devices", &a);

	if (rc <= 0)
		return rc;
	cfg_path_key(p, path, "devices");
	r->devices = cfg_calloc(a->u.array.len, sizeof(*r->devices));
	if (r->devices == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		cfg_path_idx(ep, p, i);
		if (parse_dev_rule(c, a->u.array.values[i], ep,
				   &r->devices[i]) < 0)
			return -1;
		r->n_devices = i + 1;
	}
	return 0;
}

static int parse_memory(struct cfg_ctx *c, yajl_val res, const char *path,
			struct oci_resources *r)
{
	struct oci_memory *m = &r->memory;
	char p[CFG_PATH_MAX];
	yajl_val o = NULL;
	int rc = cfg_object(c, res, path, "memory", &o);

	if (rc <= 0)
		return rc;
	r->has_memory = true;
	cfg_path_key(p, path, "memory");
	if (cfg_i64(c, o, p, "limit", -1, INT64_MAX, &m->limit,
		    &m->has_limit) < 0 ||
	    cfg_i64(c, o, p, "reservation", -1, INT64_MAX, &m->reservation,
		    &m->has_reservation) < 0 ||
	    cfg_i64(c, o, p, "swap", -1, INT64_MAX, &m->swap, &m->has_swap) < 0 ||
	    cfg_i64(c, o, p, "kernel", -1, INT64_MAX, &m->kernel,
		    &m->has_kernel) < 0 ||
	    cfg_i64(c, o, p, "kernelTCP", -1, INT64_MAX, &m->kernel_tcp,
		    &m->has_kernel_tcp) < 0 ||
	    cfg_u64(c, o, p, "swappiness", 100, &m->swappiness,
		    &m->has_swappiness) < 0)
		return -1;
	if (cfg_bool(c, o, p, "disableOOMKiller", &m->disable_oom_killer,
		     &m->has_disable_oom_killer) < 0 ||
	    cfg_bool(c, o, p, "useHierarchy", &m->use_hierarchy,
		     &m->has_use_hierarchy) < 0 ||
	    cfg_bool(c, o, p, "checkBeforeUpdate", &m->check_before_update,
		     &m->has_check_before_update) < 0)
		return -1;
	return 0;
}

static int parse_cpu(struct cfg_ctx *c, yajl_val res, const char *path,
		     struct oci_resources *r)
{
	struct oci_cpu *u = &r->cpu;
	char p[CFG_PATH_MAX];
	yajl_val o = NULL;
	int rc = cfg_object(c, res, path, "cpu", &o);

	if (rc <= 0)
		return rc;
	r->has_cpu = true;
	cfg_path_key(p, path, "cpu");
	if (cfg_u64(c, o, p, "shares", UINT64_MAX, &u->shares,
		    &u->has_shares) < 0 ||
	    cfg_i64(c, o, p, "quota", -1, INT64_MAX, &u->quota,
		    &u->has_quota) < 0 ||
	    cfg_u64(c, o, p, "burst", UINT64_MAX, &u->burst, &u->has_burst) < 0 ||
	    cfg_u64(c, o, p, "period", UINT64_MAX, &u->period,
		    &u->has_period) < 0 ||
	    cfg_i64(c, o, p, "realtimeRuntime", INT64_MIN, INT64_MAX,
		    &u->realtime_runtime, &u->has_realtime_runtime) < 0 ||
	    cfg_u64(c, o, p, "realtimePeriod", UINT64_MAX,
		    &u->realtime_period, &u->has_realtime_period) < 0 ||
	    cfg_i64(c, o, p, "idle", 0, 1, &u->idle, &u->has_idle) < 0)
		return -1;
	if (cfg_string(c, o, p, "cpus", &u->cpus) < 0 ||
	    cfg_string(c, o, p, "mems", &u->mems) < 0)
		return -1;
	return 0;
}

static int parse_pids(struct cfg_ctx *c, yajl_val res, const char *path,
		      struct oci_resources *r)
{
	char p[CFG_PATH_MAX];
	yajl_val o = NULL;
	int rc = cfg_object(c, res, path, "pids", &o);

	if (rc <= 0)
		return rc;
	cfg_path_key(p, path, "pids");
	rc = cfg_i64(c, o, p, "limit", INT64_MIN, INT64_MAX, &r->pids_limit,
		     &r->has_pids);
	return cfg_require(c, rc, p, "limit");
}

static int parse_weight_dev(struct cfg_ctx *c, yajl_val o, const char *path,
			    struct oci_weight_device *w)
{
	uint64_t v = 0;
	int rc;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	rc = cfg_i64(c, o, path, "major", 0, INT64_MAX, &w->major, NULL);
	if (cfg_require(c, rc, path, "major") < 0)
		return -1;
	rc = cfg_i64(c, o, path, "minor", 0, INT64_MAX, &w->minor, NULL);
	if (cfg_require(c, rc, path, "minor") < 0)
		return -1;
	if (cfg_u64(c, o, path, "weight", UINT16_MAX, &v, &w->has_weight) < 0)
		return -1;
	w->weight = (uint16_t)v;
	if (cfg_u64(c, o, path, "leafWeight", UINT16_MAX, &v,
		    &w->has_leaf_weight) < 0)
		return -1;
	w->leaf_weight = (uint16_t)v;
	return 0;
}

static int parse_throttle_dev(struct cfg_ctx *c, yajl_val o, const char *path,
			      struct oci_throttle_device *t)
{
	int rc;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	rc = cfg_i64(c, o, path, "major", 0, INT64_MAX, &t->major, NULL);
	if (cfg_require(c, rc, path, "major") < 0)
		return -1;
	rc = cfg_i64(c, o, path, "minor", 0, INT64_MAX, &t->minor, NULL);
	if (cfg_require(c, rc, path, "minor") < 0)
		return -1;
	rc = cfg_u64(c, o, path, "rate", UINT64_MAX, &t->rate, NULL);
	return cfg_require(c, rc, path, "rate");
}

static int parse_throttle(struct cfg_ctx *c, yajl_val o, const char *path,
			  const char *key, struct oci_throttle_device **out,
			  size_t *n)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int rc = cfg_array(c, o, path, key, &a);

	if (rc <= 0)
		return rc;
	cfg_path_key(p, path, key);
	*out = cfg_calloc(a->u.array.len, sizeof(**out));
	if (*out == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		cfg_path_idx(ep, p, i);
		if (parse_throttle_dev(c, a->u.array.values[i], ep,
				       &(*out)[i]) < 0)
			return -1;
		*n = i + 1;
	}
	return 0;
}

static int parse_weight_devs(struct cfg_ctx *c, yajl_val o, const char *path,
			     struct oci_blkio *b)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int rc = cfg_array(c, o, path, "weightDevice", &a);

	if (rc <= 0)
		return rc;
	cfg_path_key(p, path, "weightDevice");
	b->weight_device = cfg_calloc(a->u.array.len, sizeof(*b->weight_device));
	if (b->weight_device == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		cfg_path_idx(ep, p, i);
		if (parse_weight_dev(c, a->u.array.values[i], ep,
				     &b->weight_device[i]) < 0)
			return -1;
		b->n_weight_device = i + 1;
	}
	return 0;
}

static int parse_blkio(struct cfg_ctx *c, yajl_val res, const char *path,
		       struct oci_resources *r)
{
	struct oci_blkio *b = &r->blkio;
	char p[CFG_PATH_MAX];
	yajl_val o = NULL;
	uint64_t v = 0;
	int rc = cfg_object(c, res, path, "blockIO", &o);

	if (rc <= 0)
		return rc;
	r->has_blkio = true;
	cfg_path_key(p, path, "blockIO");
	if (cfg_u64(c, o, p, "weight", UINT16_MAX, &v, &b->has_weight) < 0)
		return -1;
	b->weight = (uint16_t)v;
	if (cfg_u64(c, o, p, "leafWeight", UINT16_MAX, &v,
		    &b->has_leaf_weight) < 0)
		return -1;
	b->leaf_weight = (uint16_t)v;
	if (parse_weight_devs(c, o, p, b) < 0 ||
	    parse_throttle(c, o, p, "throttleReadBpsDevice",
			   &b->throttle_read_bps, &b->n_throttle_read_bps) < 0 ||
	    parse_throttle(c, o, p, "throttleWriteBpsDevice",
			   &b->throttle_write_bps, &b->n_throttle_write_bps) < 0 ||
	    parse_throttle(c, o, p, "throttleReadIOPSDevice",
			   &b->throttle_read_iops,
			   &b->n_throttle_read_iops) < 0 ||
	    parse_throttle(c, o, p, "throttleWriteIOPSDevice",
			   &b->throttle_write_iops,
			   &b->n_throttle_write_iops) < 0)
		return -1;
	return 0;
}

static int parse_hugepages(struct cfg_ctx *c, yajl_val res, const char *path,
			   struct oci_resources *r)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int rc = cfg_array(c, res, path, "hugepageLimits", &a);

	if (rc <= 0)
		return rc;
	cfg_path_key(p, path, "hugepageLimits");
	r->hugepage_limits = cfg_calloc(a->u.array.len,
					sizeof(*r->hugepage_limits));
	if (r->hugepage_limits == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		struct oci_hugepage_limit *h = &r->hugepage_limits[i];
		yajl_val o = a->u.array.values[i];

		r->n_hugepage_limits = i + 1;
		cfg_path_idx(ep, p, i);
		if (!YAJL_IS_OBJECT(o))
			return cfg_err(c, ep, "expected an object");
		rc = cfg_string(c, o, ep, "pageSize", &h->page_size);
		if (cfg_require(c, rc, ep, "pageSize") < 0)
			return -1;
		rc = cfg_u64(c, o, ep, "limit", UINT64_MAX, &h->limit, NULL);
		if (cfg_require(c, rc, ep, "limit") < 0)
			return -1;
	}
	return 0;
}

static int parse_net_prios(struct cfg_ctx *c, yajl_val o, const char *path,
			   struct oci_resources *r)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	uint64_t v;
	int rc = cfg_array(c, o, path, "priorities", &a);

	if (rc <= 0)
		return rc;
	cfg_path_key(p, path, "priorities");
	r->net_priorities = cfg_calloc(a->u.array.len,
				       sizeof(*r->net_priorities));
	if (r->net_priorities == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		struct oci_net_priority *np = &r->net_priorities[i];
		yajl_val e = a->u.array.values[i];

		r->n_net_priorities = i + 1;
		cfg_path_idx(ep, p, i);
		if (!YAJL_IS_OBJECT(e))
			return cfg_err(c, ep, "expected an object");
		rc = cfg_string(c, e, ep, "name", &np->name);
		if (cfg_require(c, rc, ep, "name") < 0)
			return -1;
		rc = cfg_u64(c, e, ep, "priority", UINT32_MAX, &v, NULL);
		if (cfg_require(c, rc, ep, "priority") < 0)
			return -1;
		np->priority = (uint32_t)v;
	}
	return 0;
}

static int parse_network(struct cfg_ctx *c, yajl_val res, const char *path,
			 struct oci_resources *r)
{
	char p[CFG_PATH_MAX];
	yajl_val o = NULL;
	uint64_t v = 0;
	int rc = cfg_object(c, res, path, "network", &o);

	if (rc <= 0)
		return rc;
	r->has_network = true;
	cfg_path_key(p, path, "network");
	if (cfg_u64(c, o, p, "classID", UINT32_MAX, &v, &r->has_class_id) < 0)
		return -1;
	r->net_class_id = (uint32_t)v;
	return parse_net_prios(c, o, p, r);
}

int cfg_parse_resources(struct cfg_ctx *c, yajl_val o, const char *path,
			struct oci_resources *r)
{
	yajl_val rdma = NULL;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r->present = true;
	if (parse_dev_rules(c, o, path, r) < 0 ||
	    parse_memory(c, o, path, r) < 0 || parse_cpu(c, o, path, r) < 0 ||
	    parse_pids(c, o, path, r) < 0 || parse_blkio(c, o, path, r) < 0 ||
	    parse_hugepages(c, o, path, r) < 0 ||
	    parse_network(c, o, path, r) < 0 ||
	    cfg_object(c, o, path, "rdma", &rdma) < 0 ||
	    cfg_kv(c, o, path, "unified", &r->unified, &r->n_unified) < 0)
		return -1;
	return 0;
}

void oci_resources_clear(struct oci_resources *r)
{
	if (r == NULL)
		return;
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->blkio.weight_device);
	free(r->blkio.throttle_read_bps);
	free(r->blkio.throttle_write_bps);
	free(r->blkio.throttle_read_iops);
	free(r->blkio.throttle_write_iops);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	for (size_t i = 0; i < r->n_net_priorities; i++)
		free(r->net_priorities[i].name);
	free(r->net_priorities);
	oci_kv_free(r->unified, r->n_unified);
	memset(r, 0, sizeof(*r));
}
