/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sandbox's resource figures from its cgroup, for /proc/meminfo,
 * /proc/stat, /proc/loadavg, sysinfo(2) and /sys/fs/cgroup
 * (sentry/synth_cgroup.c).
 */
#ifndef CV_SENTRY_SYNTH_CGROUP_H
#define CV_SENTRY_SYNTH_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "sentry/task.h"

#define VCG_MAX_CPUS 256

/* Bytes. total is the cgroup limit when there is one below the host's RAM
 * (limited), the host's otherwise. */
struct vcg_mem {
	uint64_t total, usage, free, cache, shmem;
	uint64_t swap_total, swap_usage, swap_free;
	bool limited;
};

struct vcg_cpu {
	uint64_t user_ns, sys_ns;
	bool has_percpu;	/* v1 cpuacct: per-CPU figures below */
	uint64_t percpu_user[VCG_MAX_CPUS], percpu_sys[VCG_MAX_CPUS];
};

/* Finds the sandbox's cgroup directories; before confinement. */
void vcg_init(void);
/* 0, or -errno (the host's figures are left in *m on failure). */
int vcg_memory(struct vcg_mem *m);
/* 0, or -ENOENT if no CPU accounting is reachable. */
int vcg_cpu(struct vcg_cpu *cpu, int ncpus);
/* The 1, 5 and 15 minute averages, given the tasks runnable now. */
void vcg_loadavg(int running, double out[3]);
/* The sandbox's tasks (threads) now runnable or in D state, the caller
 * included; *total (if not NULL): all of its threads. */
int vcg_running_tasks(struct sc_call *c, int *total);

struct vnode;
struct vtree_dirlist;
/* /sys/fs/cgroup: the container's cgroup as a read-only cgroup v2 view,
 * its files generated from the live cgroup (lookup and list of the
 * directory's vtree_entry). */
int vcg_lookup(struct sc_call *c, const struct vnode *dir, const char *name,
	       struct vnode *out);
int vcg_list(struct sc_call *c, const struct vnode *dir,
	     struct vtree_dirlist *l);

#endif
