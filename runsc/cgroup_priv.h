/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to runsc/cgroup*.c: the cgroup object and the small file helpers
 * the v1, v2, devices and stats parts share.
 */
#ifndef CV_RUNSC_CGROUP_PRIV_H
#define CV_RUNSC_CGROUP_PRIV_H

#include "runsc/cgroup.h"

/* The container's directory in one v1 hierarchy. */
struct cgroup_dir {
	char *ctls;		/* "cpu,cpuacct", "name=systemd" */
	char *dir;		/* absolute directory */
};

struct cgroup {
	enum cgroup_mode mode;
	char *path;		/* as resolved, e.g. "/cvisor/abc" */
	char *unified;		/* directory in the cgroup2 hierarchy, or NULL */
	struct cgroup_dir *dirs;	/* v1 hierarchies */
	size_t n_dirs;
};

/* "<dir>/<file>" file helpers; messages name the file. */
int cg_write(const char *dir, const char *file, const char *val,
	     struct cv_error **err);
int cg_writef(const char *dir, const char *file, struct cv_error **err,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int cg_read(const char *dir, const char *file, char **out,
	    struct cv_error **err);
/* A number, "max" reads as UINT64_MAX. */
int cg_read_u64(const char *dir, const char *file, uint64_t *out,
		struct cv_error **err);
bool cg_exists(const char *dir, const char *file);
/* Value of "key N" in a flat-keyed text (cpu.stat, memory.stat); -ENOENT. */
int cg_kv(const char *text, const char *key, uint64_t *out);

/* Whether the list s ("0-3,5") is a subset of the list of (both parsed
 * with cg_list_parse); -EINVAL if either is malformed. */
int cg_list_subset(const char *s, const char *of);

/*
 * What linux.resources really asks for (cgroup_asked.c). A zero value is
 * "not set", as Docker writes it ("shares": 0, "weight": 0, "limit": 0 for
 * pids, "classID": 0) and runc reads it: nothing is written for it and
 * its controller need not exist. Pointer-like fields (swappiness, idle,
 * burst) count as set whenever present, 0 included.
 */
bool cgroup_memory_asked(const struct oci_resources *r);
bool cgroup_cpu_asked(const struct oci_resources *r);
bool cgroup_cpuset_asked(const struct oci_resources *r);
bool cgroup_pids_asked(const struct oci_resources *r);
bool cgroup_blkio_asked(const struct oci_resources *r);
bool cgroup_blkio_weight_asked(const struct oci_blkio *b);
bool cgroup_net_cls_asked(const struct oci_resources *r);

/* The cgroup v2 values runc 1.1 derives from the v1-shaped fields, ""
 * where nothing is to be written (cgroup_v2.c):
 *   memory.swap.max, memory.max, memory.low (each >= 32 bytes);
 *   cpu.max from cur (the file as it reads now, or NULL);
 *   io.weight from a blkio weight (10..1000 -> 1..10000). */
int cgroup_v2_memory_values(const struct oci_memory *m, char *swap,
			    char *max, char *low, size_t len,
			    struct cv_error **err);
void cgroup_v2_cpu_max(const struct oci_cpu *c, const char *cur, char *out,
		       size_t len);
unsigned cgroup_v2_io_weight(unsigned blkio_weight);

/* cgroup_create's rootless form (cgroup_rootless.c): path as resolved,
 * cgroups_path as the spec gives it. */
int cgroup_rootless_create(const struct cgroup_layout *l, const char *id,
			   const char *cgroups_path, const char *path,
			   const struct oci_resources *r, struct cgroup **out,
			   struct cv_error **err);

/* v1 and v2 resource application (cgroup_v1.c, cgroup_v2.c). */
int cgroup_v1_check(const struct cgroup_layout *l,
		    const struct oci_resources *r, struct cv_error **err);
int cgroup_v1_apply(struct cgroup *cg, const struct oci_resources *r,
		    struct cv_error **err);
int cgroup_v2_check(const struct cgroup_layout *l,
		    const struct oci_resources *r, struct cv_error **err);
int cgroup_v2_apply(struct cgroup *cg, const struct oci_resources *r,
		    struct cv_error **err);
/* Enables every available controller in cgroup.subtree_control of each
 * directory from the v2 root down to the parent of leaf. */
int cgroup_v2_enable_controllers(const char *root, const char *leaf,
				 struct cv_error **err);
/* Unified key/values, written under the cgroup2 directory. */
int cgroup_unified_apply(const char *dir, const struct oci_resources *r,
			 struct cv_error **err);
/* Hugepage sizes the kernel supports. */
int cgroup_check_hugepages(const struct oci_resources *r,
			   struct cv_error **err);

/* The spec's device rules followed by the devices always allowed; *out is
 * malloc'ed. */
int cgroup_devices_with_defaults(const struct oci_device_rule *r, size_t n,
				 struct oci_device_rule **out, size_t *nout);

#endif
