/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process attributes of workload processes. See process.h.
 */
#include "runsc/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---- capabilities --------------------------------------------------- */

int process_cap_plan(const struct oci_caps *c, int last_cap,
		     struct cap_plan *out, struct cv_error **err)
{
	uint64_t all = last_cap >= 63 ? UINT64_MAX :
					(UINT64_C(1) << (last_cap + 1)) - 1;

	*out = (struct cap_plan){ 0 };
	if (c->present) {
		out->bounding = c->bounding & all;
		out->effective = c->effective & all;
		out->permitted = c->permitted & all;
		out->inheritable = c->inheritable & all;
		out->ambient = c->ambient & all;
	}
	out->drop_bounding = all & ~out->bounding;
	if (out->effective & ~out->permitted)
		return cv_error_setx(err, "process.capabilities.effective: "
				     "not a subset of permitted");
	/* The kernel refuses to raise an ambient cap missing from permitted
	 * or inheritable; runc warns and goes on, so do we. */
	if (out->ambient & ~(out->permitted & out->inheritable)) {
		log_debug("process.capabilities.ambient: capabilities not in "
			 "permitted and inheritable are ignored");
		out->ambient &= out->permitted & out->inheritable;
	}
	return 0;
}

/*
 * What the workload's execve would make of the sets under runc: a root
 * process (no SECBIT_NOROOT) gets permitted = bounding | inheritable and
 * effective = permitted, unless no_new_privs stops the gain. Made here,
 * before the exec, so that the sentry's record has them from the attach
 * on (the kernel's exec, without no_new_privs, gives the same sets).
 */
void process_cap_exec_as_root(struct cap_plan *plan, uid_t uid, bool nnp)
{
	if (uid != 0 || nnp)
		return;
	plan->permitted |= plan->bounding | plan->inheritable;
	plan->effective = plan->permitted;
}

int process_last_cap(void)
{
	cleanup_free char *s = NULL;
	int64_t v;
	int cap;

	if (cv_read_file("/proc/sys/kernel/cap_last_cap", &s, NULL, NULL) == 0) {
		s[strcspn(s, "\n")] = '\0';
		if (cv_parse_i64(s, &v) == 0 && v >= 0 && v < 64)
			return (int)v;
	}
	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break;
	return cap - 1;
}

static int set_flags(cap_t caps, cap_flag_t flag, uint64_t set)
{
	for (int i = 0; i < 64; i++) {
		cap_value_t v = i;

		if (!(set & (UINT64_C(1) << i)))
			continue;
		if (cap_set_flag(caps, flag, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

static int apply_caps(const struct cap_plan *plan, struct cv_error **err)
{
	cap_t caps = cap_init();
	int r;

	if (caps == NULL)
		return cv_error_set(err, errno, "capabilities");
	r = set_flags(caps, CAP_EFFECTIVE, plan->effective);
	if (r == 0)
		r = set_flags(caps, CAP_PERMITTED, plan->permitted);
	if (r == 0)
		r = set_flags(caps, CAP_INHERITABLE, plan->inheritable);
	if (r == 0)
		r = cap_set_proc(caps);
	cap_free(caps);
	if (r < 0)
		return cv_error_set(err, errno, "process.capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return cv_error_set(err, errno, "clear ambient capabilities");
	for (int i = 0; i < 64; i++) {
		if (!(plan->ambient & (UINT64_C(1) << i)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
			return cv_error_set(err, errno,
					    "process.capabilities.ambient: %s",
					    oci_cap_name(i));
	}
	return 0;
}

static int drop_bounding(uint64_t drop, struct cv_error **err)
{
	for (int i = 0; i < 64; i++) {
		if (!(drop & (UINT64_C(1) << i)))
			continue;
		if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL)
			return cv_error_set(err, errno,
					    "process.capabilities.bounding: "
					    "drop %s", oci_cap_name(i));
	}
	return 0;
}

/* The sets the config asks, applied by process_drop_kept_caps() once the
 * interception filter is in (kept_admin: CAP_SYS_ADMIN held till then). */
static struct cap_plan final_plan;
static bool kept_admin;

int process_drop_kept_caps(struct cv_error **err)
{
	if (!kept_admin)
		return 0;
	kept_admin = false;
	return apply_caps(&final_plan, err);
}

/*
 * The process's stdio, made by whoever started the container (a shim's
 * pipes, the caller's terminal or files), is given to the process's user
 * before the switch, as runc does (its fixStdioPermissions): a process of
 * another user can then open /dev/stdout (/proc/self/fd/1: a pipe's mode
 * is 0600) as it can under runc. The group is kept; what already is the
 * user's is left alone, and a change the kernel refuses (an owner not
 * mapped in the user namespace: EPERM; EINVAL; a read-only file: EROFS)
 * is not an error. A character device is changed only when it is the
 * container's own terminal (process.terminal: its devpts's slave): never
 * the caller's terminal or the host's /dev/null handed in as stdio,
 * which would give a host user the host's tty.
 */
static int fix_stdio_owner(const struct oci_process *p, struct cv_error **err)
{
	uid_t uid = p->user.uid;
	struct stat st;

	for (int fd = 0; fd < 3; fd++) {
		if (fstat(fd, &st) < 0) {
			if (errno == EBADF)
				continue;
			return cv_error_set(err, errno, "stdio fd %d", fd);
		}
		if (st.st_uid == uid || (S_ISCHR(st.st_mode) && !p->terminal))
			continue;
		if (fchown(fd, uid, (gid_t)-1) < 0 && errno != EPERM &&
		    errno != EINVAL && errno != EROFS)
			return cv_error_set(err, errno, "chown of stdio fd %d",
					    fd);
	}
	return 0;
}

int process_set_creds(const struct oci_process *p,
		      struct sentry_attach_info *info, struct cv_error **err)
{
	const struct oci_user *u = &p->user;
	const uint64_t admin = UINT64_C(1) << CAP_SYS_ADMIN;
	struct cap_plan plan;

	if (process_cap_plan(&p->caps, process_last_cap(), &plan, err) < 0)
		return -1;
	process_cap_exec_as_root(&plan, u->uid, p->no_new_privileges);
	final_plan = plan;
	/* Without no_new_privs (as runc) the filter is installed with
	 * CAP_SYS_ADMIN in our user namespace, the way runc installs its
	 * profile before its capability drop: kept, effective, until then.
	 * The sentry is told the final sets (a record below the kernel's
	 * for that while, never above). */
	kept_admin = !p->no_new_privileges &&
		     !(plan.effective & plan.permitted & admin);
	if (kept_admin) {
		plan.permitted |= admin;
		plan.effective |= admin;
	}
	/* Keep the permitted set across the uid change; the sets are then
	 * made exactly what the config says. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return cv_error_set(err, errno, "PR_SET_KEEPCAPS");
	/* Bounding first: dropping needs CAP_SETPCAP, lost below. */
	if (drop_bounding(plan.drop_bounding, err) < 0 ||
	    fix_stdio_owner(p, err) < 0)
		return -1;
	/* A rootless user namespace denies setgroups (EPERM: /proc is not
	 * the host's here to read setgroups): no groups asked is then no
	 * change, as with runc; asked ones are an error. */
	if (setgroups(u->n_additional_gids, u->additional_gids) < 0 &&
	    (errno != EPERM || u->n_additional_gids > 0))
		return cv_error_set(err, errno, "process.user.additionalGids");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return cv_error_set(err, errno, "process.user.gid: %u",
				    (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return cv_error_set(err, errno, "process.user.uid: %u",
				    (unsigned)u->uid);
	if (apply_caps(&plan, err) < 0)
		return -1;
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return cv_error_set(err, errno, "PR_SET_KEEPCAPS");
	info->ruid = info->euid = info->suid = u->uid;
	info->rgid = info->egid = info->sgid = u->gid;
	info->groups = u->additional_gids;
	info->ngroups = u->n_additional_gids;
	info->cap_effective = final_plan.effective;
	info->cap_permitted = final_plan.permitted;
	info->cap_inheritable = final_plan.inheritable;
	info->cap_bounding = final_plan.bounding;
	info->cap_ambient = final_plan.ambient;
	return 0;
}

int process_finish(const struct oci_process *p, struct sentry_attach_info *info,
		   struct cv_error **err)
{
	mode_t mask = p->user.has_umask ? p->user.umask & 0777 : 0022;

	umask(mask);
	info->umask = mask;
	info->no_new_privs = p->no_new_privileges;
	/* As the config says: the kernel's flag is the workload's (set-id
	 * exec, docs/security.md "Set-id exec"); without it the filter is
	 * installed with the CAP_SYS_ADMIN process_set_creds kept. */
	if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cv_error_set(err, errno, "PR_SET_NO_NEW_PRIVS");
	return 0;
}

/* ---- rlimits -------------------------------------------------------- */

/*
 * Without RLIMIT_NOFILE in the config, the soft limit is raised to the
 * hard one, as the container gets it from runc (Go raises its own at
 * start, and the container inherits it): 1024 would be the caller's.
 */
static void nofile_as_runc(const struct oci_rlimit *rl, size_t n)
{
	struct rlimit cur;

	for (size_t i = 0; i < n; i++)
		if (rl[i].type == RLIMIT_NOFILE)
			return;
	if (getrlimit(RLIMIT_NOFILE, &cur) == 0 &&
	    cur.rlim_cur < cur.rlim_max) {
		cur.rlim_cur = cur.rlim_max;
		setrlimit(RLIMIT_NOFILE, &cur);
	}
}

int process_set_rlimits(const struct oci_rlimit *rl, size_t n,
			struct cv_error **err)
{
	nofile_as_runc(rl, n);
	for (size_t i = 0; i < n; i++) {
		struct rlimit want = { .rlim_cur = rl[i].soft,
				       .rlim_max = rl[i].hard };
		const char *name = oci_rlimit_name(rl[i].type);
		struct rlimit cur;

		if (name == NULL)
			name = "?";
		if (rl[i].soft > rl[i].hard)
			return cv_error_setx(err, "process.rlimits[%zu] (%s): "
					     "soft limit %" PRIu64 " above "
					     "the hard limit %" PRIu64, i,
					     name, rl[i].soft, rl[i].hard);
		if (setrlimit(rl[i].type, &want) == 0)
			continue;
		if (errno == EPERM && getrlimit(rl[i].type, &cur) == 0 &&
		    want.rlim_max > cur.rlim_max)
			return cv_error_set(err, EPERM, "process.rlimits[%zu] "
					    "(%s): hard limit %" PRIu64
					    " above the current %llu needs "
					    "CAP_SYS_RESOURCE", i, name,
					    rl[i].hard,
					    (unsigned long long)cur.rlim_max);
		return cv_error_set(err, errno, "process.rlimits[%zu] (%s)", i,
				    name);
	}
	return 0;
}

/* ---- /proc-based settings -------------------------------------------- */

int process_set_oom_score_adj(const struct oci_process *p,
			      struct cv_error **err)
{
	char buf[16];

	if (!p->has_oom_score_adj)
		return 0;
	snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
	if (cv_write_string("/proc/self/oom_score_adj", buf, err) < 0)
		return cv_error_wrap(err, "process.oomScoreAdj: %d (lowering "
				     "it needs CAP_SYS_RESOURCE)",
				     p->oom_score_adj);
	return 0;
}

int process_set_lsm(const struct oci_process *p, struct cv_error **err)
{
	cleanup_free char *v = NULL;

	if (p->apparmor_profile != NULL && p->apparmor_profile[0] != '\0') {
		if (!oci_host_has_apparmor())
			return cv_error_setx(err, "process.apparmorProfile: "
					     "%s: AppArmor is not enabled on "
					     "this host", p->apparmor_profile);
		if (asprintf(&v, "exec %s", p->apparmor_profile) < 0)
			return cv_error_set(err, ENOMEM, "apparmor");
		if (cv_write_string("/proc/self/attr/apparmor/exec", v, NULL) <
			    0 &&
		    cv_write_string("/proc/self/attr/exec", v, err) < 0)
			return cv_error_wrap(err, "process.apparmorProfile");
	}
	if (p->selinux_label != NULL && p->selinux_label[0] != '\0') {
		if (!oci_host_has_selinux())
			return cv_error_setx(err, "process.selinuxLabel: %s: "
					     "SELinux is not enabled on this "
					     "host", p->selinux_label);
		if (cv_write_string("/proc/self/attr/exec", p->selinux_label,
				    err) < 0)
			return cv_error_wrap(err, "process.selinuxLabel");
	}
	return 0;
}

/* ---- scheduling ----------------------------------------------------- */

static int parse_cpu_list(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*s != '\0') {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b;

		if (end == s)
			return -1;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || b < a)
				return -1;
		}
		if (b >= CPU_SETSIZE)
			return -1;
		for (unsigned long c = a; c <= b; c++)
			CPU_SET(c, set);
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		s = end;
	}
	return 0;
}

static int set_affinity(const struct oci_process *p, struct cv_error **err)
{
	const char *s = p->exec_cpu_affinity_final != NULL ?
				p->exec_cpu_affinity_final :
				p->exec_cpu_affinity_initial;
	cpu_set_t set;

	if (s == NULL)
		return 0;
	if (parse_cpu_list(s, &set) < 0)
		return cv_error_setx(err, "process.execCPUAffinity: \"%s\": "
				     "not a CPU list", s);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return cv_error_set(err, errno, "process.execCPUAffinity: %s",
				    s);
	return 0;
}

/* linux/sched/types.h clashes with glibc's sched.h. */
struct cv_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

static int set_scheduler(const struct oci_process *p, struct cv_error **err)
{
	struct cv_sched_attr a = {
		.size = sizeof(a),
		.sched_policy = (uint32_t)p->sched_policy,
		.sched_flags = p->sched_flags,
		.sched_nice = p->sched_nice,
		.sched_priority = (uint32_t)p->sched_priority,
		.sched_runtime = p->sched_runtime,
		.sched_deadline = p->sched_deadline,
		.sched_period = p->sched_period,
	};

	if (!p->has_scheduler)
		return 0;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return cv_error_set(err, errno, "process.scheduler");
	return 0;
}

int process_set_sched(const struct oci_spec *spec, const struct oci_process *p,
		      struct cv_error **err)
{
	if (spec->has_linux && spec->linux_.has_personality &&
	    personality(spec->linux_.personality) < 0)
		return cv_error_set(err, errno, "linux.personality");
	if (p->has_io_priority &&
	    syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
		    (p->io_priority_class << 13) | p->io_priority) < 0)
		return cv_error_set(err, errno, "process.ioPriority");
	if (set_scheduler(p, err) < 0)
		return -1;
	return set_affinity(p, err);
}

/* ---- sysctl and names ------------------------------------------------ */

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int process_sysctl_check(const char *key, bool new_net, bool new_ipc,
			 bool new_uts, struct cv_error **err)
{
	static const char *const ipc[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
		"kernel.sem", "kernel.shmall", "kernel.shmmax",
		"kernel.shmmni", "kernel.shm_rmid_forced",
	};

	if (key[0] == '\0' || strstr(key, "..") != NULL ||
	    strchr(key, '/') != NULL)
		return cv_error_setx(err, "linux.sysctl: \"%s\": invalid name",
				     key);
	for (size_t i = 0; i < ARRAY_SIZE(ipc); i++)
		if (strcmp(key, ipc[i]) == 0)
			goto need_ipc;
	if (has_prefix(key, "fs.mqueue."))
		goto need_ipc;
	if (has_prefix(key, "net.")) {
		if (!new_net)
			return cv_error_setx(err, "linux.sysctl: %s: needs a "
					     "new network namespace", key);
		return 0;
	}
	if (strcmp(key, "kernel.hostname") == 0 ||
	    strcmp(key, "kernel.domainname") == 0) {
		if (!new_uts)
			return cv_error_setx(err, "linux.sysctl: %s: needs a "
					     "new uts namespace", key);
		return 0;
	}
	return cv_error_setx(err, "linux.sysctl: %s: not a namespaced sysctl",
			     key);
need_ipc:
	if (!new_ipc)
		return cv_error_setx(err, "linux.sysctl: %s: needs a new ipc "
				     "namespace", key);
	return 0;
}

int process_set_sysctls(int procsys, const struct oci_spec *spec,
			bool new_net, bool new_ipc, bool new_uts,
			struct cv_error **err)
{
	for (size_t i = 0; i < spec->linux_.n_sysctl; i++) {
		const struct oci_kv *kv = &spec->linux_.sysctl[i];
		cleanup_free char *rel = strdup(kv->key);
		cleanup_close int fd = -1;
		size_t len;

		if (rel == NULL)
			return cv_error_set(err, ENOMEM, "linux.sysctl");
		if (process_sysctl_check(kv->key, new_net, new_ipc, new_uts,
					 err) < 0)
			return -1;
		for (char *c = rel; *c != '\0'; c++)
			if (*c == '.')
				*c = '/';
		fd = openat(procsys, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		len = strlen(kv->value);
		if (fd < 0 || write(fd, kv->value, len) != (ssize_t)len)
			return cv_error_set(err, errno, "linux.sysctl: %s=%s",
					    kv->key, kv->value);
	}
	return 0;
}

int process_set_hostname(const struct oci_spec *spec, bool new_uts,
			 struct cv_error **err)
{
	const char *h = spec->hostname, *d = spec->domainname;

	/* An empty name is no name, as with runc: the namespace keeps the
	 * one it was made with. */
	if (h != NULL && h[0] == '\0')
		h = NULL;
	if (d != NULL && d[0] == '\0')
		d = NULL;
	if ((h != NULL || d != NULL) && !new_uts)
		return cv_error_setx(err, "%s: needs a new uts namespace",
				     h != NULL ? "hostname" : "domainname");
	if (h != NULL && sethostname(h, strlen(h)) < 0)
		return cv_error_set(err, errno, "hostname: %s", h);
	if (d != NULL && setdomainname(d, strlen(d)) < 0)
		return cv_error_set(err, errno, "domainname: %s", d);
	return 0;
}

/* ---- executable lookup ---------------------------------------------- */

static bool is_executable(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(p, X_OK) == 0;
}

int process_find_exec(const char *arg0, char *const *env, char **out,
		      struct cv_error **err)
{
	const char *path = DEFAULT_PATH;
	cleanup_free char *dirs = NULL;
	char *save = NULL;

	if (arg0 == NULL || arg0[0] == '\0')
		return cv_error_setx(err, "process.args: empty");
	if (strchr(arg0, '/') != NULL) {
		*out = strdup(arg0);
		return *out != NULL ? 0 : cv_error_set(err, ENOMEM, "exec");
	}
	for (size_t i = 0; env != NULL && env[i] != NULL; i++)
		if (has_prefix(env[i], "PATH="))
			path = env[i] + 5;
	dirs = strdup(path);
	if (dirs == NULL)
		return cv_error_set(err, ENOMEM, "exec");
	for (char *d = strtok_r(dirs, ":", &save); d != NULL;
	     d = strtok_r(NULL, ":", &save)) {
		char *cand;

		if (asprintf(&cand, "%s/%s", d[0] ? d : ".", arg0) < 0)
			return cv_error_set(err, ENOMEM, "exec");
		if (is_executable(cand)) {
			*out = cand;
			return 0;
		}
		free(cand);
	}
	return cv_error_set(err, ENOENT, "process.args[0]: %s: executable "
			    "file not found in $PATH", arg0);
}
