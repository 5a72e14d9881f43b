/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container cgroups on the three host layouts:
 *
 *  - v1:     one hierarchy per controller (or group of controllers) mounted
 *            under /sys/fs/cgroup/<name>, no cgroup2 at all;
 *  - hybrid: the v1 hierarchies plus a cgroup2 mount at
 *            /sys/fs/cgroup/unified that only tracks membership (limits
 *            are applied in v1; the v2 directory is created and joined);
 *  - v2:     /sys/fs/cgroup itself is cgroup2 (statfs CGROUP2_SUPER_MAGIC);
 *            controllers are enabled in every ancestor's
 *            cgroup.subtree_control on the way down.
 *
 * Paths. linux.cgroupsPath absolute ("/a/b") is relative to each hierarchy's
 * root; relative ("a/b") is relative to runsc's own cgroup in that
 * hierarchy; absent means "/cvisor/<id>". The systemd form
 * "slice:prefix:name" (or any path when --systemd-cgroup is given) is mapped
 * the way runc maps it, without talking to systemd over D-Bus: "a-b.slice"
 * expands to "/a.slice/a-b.slice" and the leaf is "<prefix>-<name>.scope".
 * No systemd unit is created: the directories are made directly.
 *
 * All functions returning int return 0 on success and < 0 on failure with
 * *err set (lib/error.h). None of them exit or print.
 */
#ifndef CV_RUNSC_CGROUP_H
#define CV_RUNSC_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "oci/config.h"

struct cgroup;	/* opaque: one container's cgroup in every hierarchy */

/* ---- host layout ------------------------------------------------------ */

enum cgroup_mode {
	CGROUP_MODE_NONE = 0,	/* no cgroup filesystem found */
	CGROUP_MODE_V1,
	CGROUP_MODE_HYBRID,
	CGROUP_MODE_V2,
};

/* One mounted v1 hierarchy. */
struct cgroup_hierarchy {
	char *mount;		/* absolute mount point */
	char **controllers;	/* NULL-terminated, e.g. {"cpu","cpuacct"};
				 * a named hierarchy has "name=systemd" */
	char *own;		/* runsc's own cgroup in it ("/" if unknown) */
};

struct cgroup_layout {
	enum cgroup_mode mode;
	char *root;		/* e.g. "/sys/fs/cgroup" */
	char *unified;		/* cgroup2 mount point (v2: == root), or NULL */
	char *unified_own;	/* runsc's own cgroup in the v2 hierarchy */
	struct cgroup_hierarchy *hier;	/* v1 hierarchies */
	size_t n_hier;
};

/*
 * Detects the layout under root (normally "/sys/fs/cgroup") from the mount
 * table in mountinfo (normally "/proc/self/mountinfo") and, for v2, the
 * statfs magic of root. own_cgroup is a /proc/<pid>/cgroup file giving
 * runsc's own cgroups (NULL: "/" everywhere). Taking the three paths lets
 * tests describe a fake host with a temporary directory and text files.
 */
int cgroup_layout_detect(const char *root, const char *mountinfo,
			 const char *own_cgroup, struct cgroup_layout **out,
			 struct cv_error **err);
/* The host layout, detected once from the real files and cached. */
int cgroup_layout_host(const struct cgroup_layout **out,
		       struct cv_error **err);
void cgroup_layout_free(struct cgroup_layout *l);
const char *cgroup_mode_name(enum cgroup_mode m);	/* "v1", "hybrid".. */
/* The v1 hierarchy that has controller ctl mounted, or NULL. */
const struct cgroup_hierarchy *
cgroup_layout_find(const struct cgroup_layout *l, const char *ctl);

/* ---- pure helpers (no side effects; unit-tested) ---------------------- */

/*
 * The cgroup path for a container: cgroups_path as given (NULL: default
 * "/cvisor/<id>"), or its systemd expansion when systemd is true or the
 * path has the "slice:prefix:name" form. Systemd defaults: slice
 * "system.slice" (empty slice too), prefix "cvisor", name = id. Result is
 * cleaned (no "//", no trailing "/") and never contains "..".
 */
int cgroup_resolve_path(const char *cgroups_path, const char *id,
			bool systemd, char **out, struct cv_error **err);
/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "/". */
int cgroup_expand_slice(const char *slice, char **out, struct cv_error **err);
/* cpu.shares (2..262144) -> cpu.weight (1..10000), as runc and crun do. */
uint64_t cgroup_shares_to_weight(uint64_t shares);
/* "2MB" -> 2048 (kB), "1GB" -> 1048576; -1 if malformed. */
int64_t cgroup_hugepage_kb(const char *page_size);

/* ---- lifecycle -------------------------------------------------------- */

/*
 * Creates the container's cgroup in every v1 hierarchy and/or the unified
 * one and applies spec->linux_.resources. Rejects, with a message naming the
 * field, a resource the host cannot provide (a hugepage size the kernel does
 * not have, cpus/mems outside the parent's, a missing controller such as
 * hugetlb, net_cls, net_prio, or unified keys on a v1-only host). On failure
 * nothing that this call created is left behind.
 */
int cgroup_create(const char *id, const struct oci_spec *spec, bool systemd,
		  struct cgroup **out, struct cv_error **err);
/* Same with an explicit layout and an already resolved path (tests). */
int cgroup_create_at(const struct cgroup_layout *layout, const char *path,
		     const struct oci_resources *r, struct cgroup **out,
		     struct cv_error **err);
/*
 * Rootless (not root, or root of a user namespace): cgroup_create may then
 * succeed with *out NULL, the container running without a cgroup of its
 * own (cgroup_rootless.c has the rules).
 */
bool cgroup_is_rootless(void);
/* The first resource limit field r asks ("linux.resources.memory"...),
 * devices aside; NULL if none. */
const char *cgroup_limit_field(const struct oci_resources *r);
/* Moves pid into the cgroup in every hierarchy (cgroup.procs). */
int cgroup_enter(const struct cgroup *cg, pid_t pid, struct cv_error **err);
/* Applies resources again (runsc update); only the fields present. */
int cgroup_update(struct cgroup *cg, const struct oci_resources *r,
		  struct cv_error **err);
/*
 * Freezes or thaws every process, waiting until the kernel reports the new
 * state: v1 freezer.state FROZEN/THAWED, v2 cgroup.freeze + cgroup.events
 * "frozen 1"/"frozen 0". Gives up with ETIMEDOUT after a few seconds.
 */
int cgroup_freeze(struct cgroup *cg, bool frozen, struct cv_error **err);
int cgroup_is_frozen(const struct cgroup *cg, bool *frozen,
		     struct cv_error **err);
/* Every pid in the cgroup and its descendants, sorted, no duplicates;
 * *pids is malloc'ed (NULL when *n is 0). */
int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n,
		struct cv_error **err);
/* Sends sig to every process (for SIGKILL with the cgroup frozen first, so
 * nothing forks away). Processes that have gone are not errors. */
int cgroup_kill_all(const struct cgroup *cg, int sig, struct cv_error **err);
/*
 * Kills what is left (thawing first if frozen), waits until empty and
 * removes the directories in every hierarchy (children first), retrying
 * EBUSY briefly. Does not free cg. Succeeds if already gone.
 */
int cgroup_destroy(struct cgroup *cg, struct cv_error **err);
void cgroup_free(struct cgroup *cg);
/* The path relative to each hierarchy root, e.g. "/cvisor/abc". */
const char *cgroup_path(const struct cgroup *cg);
enum cgroup_mode cgroup_get_mode(const struct cgroup *cg);
/*
 * The directory of cg in the hierarchy that has controller ctl (v1), or
 * the unified directory when ctl is NULL or the host is v2. NULL if none.
 */
const char *cgroup_dir(const struct cgroup *cg, const char *ctl);
/* The CPUs the cgroup's CFS quota lets run at once, ceil(quota/period)
 * (v2 cpu.max, v1 cpu.cfs_quota_us/cpu.cfs_period_us); 0: no quota, or
 * unreadable. For the sentry's workers (lib/util.h cv_workers_wanted). */
unsigned cgroup_quota_cpus(const struct cgroup *cg);

/* ---- devices ---------------------------------------------------------- */

/*
 * Applies linux.resources.devices to the cgroup2 directory dir: builds a
 * BPF_PROG_TYPE_CGROUP_DEVICE program (last matching rule wins; default
 * deny), attaches it with BPF_F_ALLOW_MULTI and detaches the programs that
 * were attached before. Works on any cgroup2 directory, including the
 * unified mount of a hybrid host.
 */
int cgroup_devices_v2_apply(const char *dir, const struct oci_device_rule *r,
			    size_t n, struct cv_error **err);
/*
 * The container's device policy, whatever the spec says, as runc's: deny
 * everything, then the spec's linux.resources.devices (r may be NULL),
 * then the devices every container gets (lib/devrules.h). v1 devices
 * controller, else the BPF program on the cgroup2 directory. No device
 * controller at all: nothing done (the gofer and the sentry check the same
 * rules themselves).
 */
int cgroup_devices_apply(struct cgroup *cg, const struct oci_resources *r,
			 struct cv_error **err);
/* v1: "a" to devices.deny, then each rule to devices.allow/deny. */
int cgroup_devices_v1_apply(const char *dir, const struct oci_device_rule *r,
			    size_t n, struct cv_error **err);

/* ---- stats and events ------------------------------------------------- */

#define CGROUP_MAX_CPUS 256
#define CGROUP_MAX_BLKIO 32
#define CGROUP_MAX_HUGETLB 4
#define CGROUP_MAX_RAW 64

struct cgroup_blkio_entry {
	uint64_t major, minor;
	char op[8];		/* "Read", "Write", "Sync", "Async",
				 * "Discard", "Total" */
	uint64_t value;
};

struct cgroup_mem_entry {
	uint64_t usage, max, limit, failcnt;
};

struct cgroup_stats {
	/* cpu, nanoseconds */
	uint64_t cpu_total, cpu_user, cpu_kernel;
	uint64_t percpu[CGROUP_MAX_CPUS];
	size_t n_percpu;
	uint64_t throttle_periods, throttled_periods, throttled_time;
	/* memory, bytes; limit UINT64_MAX-ish when unlimited, as the
	 * kernel reports */
	struct cgroup_mem_entry mem, swap, kernel, kernel_tcp;
	uint64_t mem_cache, mem_rss;
	/* memory.stat as read, for the "raw" map */
	struct {
		char key[32];
		uint64_t value;
	} mem_raw[CGROUP_MAX_RAW];
	size_t n_mem_raw;
	uint64_t oom_kill;
	/* pids; limit 0 when "max" */
	uint64_t pids_current, pids_limit;
	/* blkio: io_service_bytes and io_serviced, recursive */
	struct cgroup_blkio_entry io_bytes[CGROUP_MAX_BLKIO];
	size_t n_io_bytes;
	struct cgroup_blkio_entry io_ops[CGROUP_MAX_BLKIO];
	size_t n_io_ops;
	/* hugetlb by page size ("2MB") */
	struct {
		char size[8];
		uint64_t usage, max, failcnt;
	} hugetlb[CGROUP_MAX_HUGETLB];
	size_t n_hugetlb;
};

/* Fills st from whichever controllers exist; missing ones stay 0. */
int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st,
		 struct cv_error **err);
/* pids.current less the tasks (threads) of the given processes: the
 * sandbox's sentry and gofer share the container's cgroup, while runc's
 * count, which Docker shows, is the container's processes alone. */
void cgroup_stats_exclude(struct cgroup_stats *st, const pid_t *pids,
			  size_t n);
/* The "data" object of runc's `events --stats`: {"cpu":..,"memory":..,
 * "pids":..,"blkio":..,"hugetlb":..}. *json is malloc'ed. 0 or -ENOMEM. */
int cgroup_stats_json(const struct cgroup_stats *st, char **json);
/* The cgroup's OOM-kill counter (v1 memory.oom_control oom_kill, v2
 * memory.events oom_kill); runsc events reports an "oom" event when it
 * grows. */
int cgroup_oom_count(const struct cgroup *cg, uint64_t *count,
		     struct cv_error **err);
/* v1: memory.oom_control says under_oom 1 (a task waits for memory with
 * the OOM killer disabled). Always false on v2. */
bool cgroup_under_oom(const struct cgroup *cg);

/* ---- persistence ------------------------------------------------------ */

/* A JSON object for state.json, e.g. {"mode":"hybrid","path":"/cvisor/x",
 * "dirs":{"memory":"/sys/fs/cgroup/memory/cvisor/x",...},"unified":...}. */
int cgroup_to_json(const struct cgroup *cg, char **json);
int cgroup_from_json(const char *json, struct cgroup **out,
		     struct cv_error **err);

#define cleanup_cgroup __attribute__((cleanup(cgroup_freep)))
static inline void cgroup_freep(struct cgroup **cg)
{
	if (*cg != NULL)
		cgroup_free(*cg);
}

#endif
