/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process attributes of a workload process (the init and "runsc exec"):
 * credentials, capabilities (libcap), rlimits, umask, oom_score_adj,
 * no_new_privs, AppArmor/SELinux labels, personality, scheduling, sysctl,
 * hostname/domainname, and the executable lookup.
 *
 * Pure helpers (cap plan, sysctl check, PATH lookup string handling) are
 * unit-tested; the rest changes the calling process.
 */
#ifndef CV_RUNSC_PROCESS_H
#define CV_RUNSC_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "oci/config.h"
#include "sentry/sentry.h"

struct cap_plan {
	uint64_t drop_bounding;	/* caps to drop from the bounding set */
	uint64_t bounding, effective, permitted, inheritable, ambient;
};

/*
 * The five sets for process.capabilities, limited to caps 0..last_cap (the
 * kernel's cap_last_cap; unknown higher caps are ignored as runc does).
 * Absent capabilities mean none at all. Effective must be a subset of
 * permitted (the error names the set); ambient caps outside permitted and
 * inheritable are dropped with a warning, as runc does.
 */
int process_cap_plan(const struct oci_caps *c, int last_cap,
		     struct cap_plan *out, struct cv_error **err);
/* The sets a root process has after execve without no_new_privs, as
 * under runc (uid: process.user.uid; nnp: process.noNewPrivileges). */
void process_cap_exec_as_root(struct cap_plan *plan, uid_t uid, bool nnp);
/* /proc/sys/kernel/cap_last_cap, or probing PR_CAPBSET_READ. */
int process_last_cap(void);

/*
 * setrlimit for each of process.rlimits; an error names the entry, e.g.
 *	process.rlimits[0] (RLIMIT_NOFILE): hard limit 2000000 above the
 *	current 1048576 needs CAP_SYS_RESOURCE: Operation not permitted
 */
int process_set_rlimits(const struct oci_rlimit *rl, size_t n,
			struct cv_error **err);

/*
 * Steps that need the host's /proc (done before entering the workload's
 * view): oom_score_adj, AppArmor/SELinux exec labels.
 */
int process_set_oom_score_adj(const struct oci_process *p,
			      struct cv_error **err);
int process_set_lsm(const struct oci_process *p, struct cv_error **err);

/* Scheduler, I/O priority, CPU affinity, personality. */
int process_set_sched(const struct oci_spec *spec, const struct oci_process *p,
		      struct cv_error **err);

/*
 * Only namespaced sysctls are accepted (kernel.msg*, kernel.sem, kernel.shm*,
 * fs.mqueue.*, net.* in the container's own network namespace,
 * kernel.hostname and kernel.domainname in its own uts namespace). "Own"
 * (the new_* arguments) is a new namespace or one joined by path that is
 * not the host's (podman joins the netns it made): ns_plan's own_*. Pure.
 */
int process_sysctl_check(const char *key, bool new_net, bool new_ipc,
			 bool new_uts, struct cv_error **err);
/*
 * Writes linux.sysctl through procsys, a /proc/sys directory fd opened from
 * the host /proc before entering the view: the kernel picks the namespace
 * of the writer at lookup, so the values land in the workload's
 * namespaces even though its view has no /proc.
 */
int process_set_sysctls(int procsys, const struct oci_spec *spec,
			bool new_net, bool new_ipc, bool new_uts,
			struct cv_error **err);

/* hostname and domainname; new_uts: the container's own uts namespace
 * (new or joined, not the host's), as for the sysctls. */
int process_set_hostname(const struct oci_spec *spec, bool new_uts,
			 struct cv_error **err);

/*
 * setgroups, setresgid, setresuid keeping capabilities across the change,
 * then the bounding, E/P/I and ambient sets; fills info's credentials.
 */
int process_set_creds(const struct oci_process *p,
		      struct sentry_attach_info *info, struct cv_error **err);

/* umask and no_new_privs (process.noNewPrivileges). */
int process_finish(const struct oci_process *p, struct sentry_attach_info *info,
		   struct cv_error **err);
/* Without process.noNewPrivileges, process_set_creds keeps CAP_SYS_ADMIN
 * (when the config does not give it) for the interception filter and the
 * config's seccomp profile: after both, the config's sets exactly. */
int process_drop_kept_caps(struct cv_error **err);

/*
 * execvp-like lookup of args[0] in the PATH of env (runc's default PATH
 * when env has none). *out is malloc'ed.
 */
int process_find_exec(const char *arg0, char *const *env, char **out,
		      struct cv_error **err);

#endif
