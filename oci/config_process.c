/* SPDX-License-Identifier: Apache-2.0 */
/* The "process" object: user, args, env, cwd, capabilities, rlimits,
 * oomScoreAdj, ioPriority, scheduler, execCPUAffinity. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "oci/config_internal.h"

#define IOPRIO_CLASS_RT_ 1
#define IOPRIO_CLASS_BE_ 2
#define IOPRIO_CLASS_IDLE_ 3

static int parse_user(struct cfg_ctx *c, yajl_val proc, const char *path,
		      struct oci_user *u)
{
	char p[CFG_PATH_MAX], ap[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val o = NULL, gids = NULL;
	uint64_t v;
	int r;

	r = cfg_object(c, proc, path, "user", &o);
	if (cfg_require(c, r, path, "user") < 0)
		return -1;
	cfg_path_key(p, path, "user");
	if (cfg_u64(c, o, p, "uid", UINT32_MAX - 1, &v, NULL) < 0)
		return -1;
	u->uid = (uid_t)v;
	v = 0;
	if (cfg_u64(c, o, p, "gid", UINT32_MAX - 1, &v, NULL) < 0)
		return -1;
	u->gid = (gid_t)v;
	if (cfg_u64(c, o, p, "umask", 0777, &v, &u->has_umask) < 0)
		return -1;
	if (u->has_umask)
		u->umask = (mode_t)v;
	if (cfg_string(c, o, p, "username", &u->username) < 0)
		return -1;
	r = cfg_array(c, o, p, "additionalGids", &gids);
	if (r <= 0)
		return r;
	cfg_path_key(ap, p, "additionalGids");
	u->additional_gids = cfg_calloc(gids->u.array.len, sizeof(gid_t));
	if (u->additional_gids == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < gids->u.array.len; i++) {
		cfg_path_idx(ep, ap, i);
		if (cfg_val_u64(c, gids->u.array.values[i], ep,
				UINT32_MAX - 1, &v) < 0)
			return -1;
		u->additional_gids[i] = (gid_t)v;
		u->n_additional_gids = i + 1;
	}
	return 0;
}

static int check_env(struct cfg_ctx *c, const char *path,
		     const struct oci_process *p)
{
	char ep[CFG_PATH_MAX];

	for (size_t i = 0; i < p->n_env; i++) {
		const char *eq = strchr(p->env[i], '=');

		if (eq == NULL || eq == p->env[i]) {
			cfg_path_idx(ep, path, i);
			return cfg_err(c, ep, "expected \"KEY=VALUE\", got \"%s\"",
				       p->env[i]);
		}
	}
	return 0;
}

static int parse_capset(struct cfg_ctx *c, yajl_val caps, const char *path,
			const char *key, uint64_t *out)
{
	cleanup_strv char **names = NULL;
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	size_t n = 0;
	int r = cfg_strv(c, caps, path, key, &names, &n);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, key);
	for (size_t i = 0; i < n; i++) {
		int cap = oci_cap_from_name(names[i]);

		if (cap < 0) {
			cfg_path_idx(ep, p, i);
			return cfg_err(c, ep, "unknown capability \"%s\"",
				       names[i]);
		}
		*out |= 1ULL << cap;
	}
	return 0;
}

static int parse_caps(struct cfg_ctx *c, yajl_val proc, const char *path,
		      struct oci_caps *caps)
{
	char p[CFG_PATH_MAX];
	yajl_val o = NULL;
	int r = cfg_object(c, proc, path, "capabilities", &o);

	if (r <= 0)
		return r;
	caps->present = true;
	cfg_path_key(p, path, "capabilities");
	if (parse_capset(c, o, p, "bounding", &caps->bounding) < 0 ||
	    parse_capset(c, o, p, "effective", &caps->effective) < 0 ||
	    parse_capset(c, o, p, "inheritable", &caps->inheritable) < 0 ||
	    parse_capset(c, o, p, "permitted", &caps->permitted) < 0 ||
	    parse_capset(c, o, p, "ambient", &caps->ambient) < 0)
		return -1;
	return 0;
}

static int parse_rlimit(struct cfg_ctx *c, yajl_val o, const char *path,
			struct oci_rlimit *rl)
{
	cleanup_free char *type = NULL;
	char p[CFG_PATH_MAX];
	int r;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_string(c, o, path, "type", &type);
	if (cfg_require(c, r, path, "type") < 0)
		return -1;
	rl->type = oci_rlimit_from_name(type);
	if (rl->type < 0) {
		cfg_path_key(p, path, "type");
		return cfg_err(c, p, "unknown rlimit \"%s\"", type);
	}
	r = cfg_u64(c, o, path, "hard", UINT64_MAX, &rl->hard, NULL);
	if (cfg_require(c, r, path, "hard") < 0)
		return -1;
	r = cfg_u64(c, o, path, "soft", UINT64_MAX, &rl->soft, NULL);
	if (cfg_require(c, r, path, "soft") < 0)
		return -1;
	if (rl->soft > rl->hard) {
		cfg_path_key(p, path, "soft");
		return cfg_err(c, p, "greater than the hard limit");
	}
	return 0;
}

static int parse_rlimits(struct cfg_ctx *c, yajl_val proc, const char *path,
			 struct oci_process *proc_out)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX], tp[CFG_PATH_MAX];
	uint64_t seen = 0;	/* RLIMIT_* numbers are < 16 */
	yajl_val a = NULL;
	size_t n;
	int r = cfg_array(c, proc, path, "rlimits", &a);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, "rlimits");
	n = a->u.array.len;
	proc_out->rlimits = cfg_calloc(n, sizeof(struct oci_rlimit));
	if (proc_out->rlimits == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < n; i++) {
		struct oci_rlimit *rl = &proc_out->rlimits[i];

		cfg_path_idx(ep, p, i);
		if (parse_rlimit(c, a->u.array.values[i], ep, rl) < 0)
			return -1;
		proc_out->n_rlimits = i + 1;
		if (seen & (1ULL << rl->type)) {
			cfg_path_key(tp, ep, "type");
			return cfg_err(c, tp, "duplicate rlimit \"%s\"",
				       oci_rlimit_name(rl->type));
		}
		seen |= 1ULL << rl->type;
	}
	return 0;
}

static int parse_io_priority(struct cfg_ctx *c, yajl_val proc,
			     const char *path, struct oci_process *p)
{
	static const char *const classes[] = {
		[IOPRIO_CLASS_RT_] = "IOPRIO_CLASS_RT",
		[IOPRIO_CLASS_BE_] = "IOPRIO_CLASS_BE",
		[IOPRIO_CLASS_IDLE_] = "IOPRIO_CLASS_IDLE",
	};
	cleanup_free char *cls = NULL;
	char ip[CFG_PATH_MAX], cp[CFG_PATH_MAX];
	yajl_val o = NULL;
	int64_t prio = 0;
	int r = cfg_object(c, proc, path, "ioPriority", &o);

	if (r <= 0)
		return r;
	cfg_path_key(ip, path, "ioPriority");
	r = cfg_string(c, o, ip, "class", &cls);
	if (cfg_require(c, r, ip, "class") < 0)
		return -1;
	for (size_t i = 1; i < ARRAY_SIZE(classes); i++)
		if (strcmp(cls, classes[i]) == 0)
			p->io_priority_class = (int)i;
	if (p->io_priority_class == 0) {
		cfg_path_key(cp, ip, "class");
		return cfg_err(c, cp, "unknown ioPriority class \"%s\"", cls);
	}
	if (cfg_i64(c, o, ip, "priority", 0, 7, &prio, NULL) < 0)
		return -1;
	p->io_priority = (int)prio;
	p->has_io_priority = true;
	return 0;
}

struct sched_name {
	const char *name;
	uint64_t val;
};

static const struct sched_name sched_policies[] = {
	{ "SCHED_OTHER", SCHED_OTHER },	  { "SCHED_FIFO", SCHED_FIFO },
	{ "SCHED_RR", SCHED_RR },	  { "SCHED_BATCH", SCHED_BATCH },
	{ "SCHED_IDLE", SCHED_IDLE },	  { "SCHED_DEADLINE", 6 },
};

static const struct sched_name sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 },
	{ "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 },
	{ "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static int sched_lookup(const struct sched_name *t, size_t n, const char *s,
			uint64_t *out)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, s) == 0) {
			*out = t[i].val;
			return 0;
		}
	}
	return -1;
}

static int parse_sched_flags(struct cfg_ctx *c, yajl_val o, const char *sp,
			     struct oci_process *p)
{
	cleanup_strv char **flags = NULL;
	char fp[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	size_t n = 0;
	uint64_t bit;

	if (cfg_strv(c, o, sp, "flags", &flags, &n) < 0)
		return -1;
	cfg_path_key(fp, sp, "flags");
	for (size_t i = 0; i < n; i++) {
		if (sched_lookup(sched_flags, ARRAY_SIZE(sched_flags), flags[i],
				 &bit) < 0) {
			cfg_path_idx(ep, fp, i);
			return cfg_err(c, ep, "unknown scheduler flag \"%s\"",
				       flags[i]);
		}
		p->sched_flags |= bit;
	}
	return 0;
}

static int parse_scheduler(struct cfg_ctx *c, yajl_val proc, const char *path,
			   struct oci_process *p)
{
	cleanup_free char *policy = NULL;
	char sp[CFG_PATH_MAX], pp[CFG_PATH_MAX];
	yajl_val o = NULL;
	uint64_t pol;
	int64_t v = 0;
	int r = cfg_object(c, proc, path, "scheduler", &o);

	if (r <= 0)
		return r;
	cfg_path_key(sp, path, "scheduler");
	r = cfg_string(c, o, sp, "policy", &policy);
	if (cfg_require(c, r, sp, "policy") < 0)
		return -1;
	if (sched_lookup(sched_policies, ARRAY_SIZE(sched_policies), policy,
			 &pol) < 0) {
		cfg_path_key(pp, sp, "policy");
		return cfg_err(c, pp, "unknown scheduler policy \"%s\"", policy);
	}
	p->sched_policy = (int)pol;
	if (cfg_i64(c, o, sp, "nice", -20, 19, &v, NULL) < 0)
		return -1;
	p->sched_nice = (int)v;
	v = 0;
	if (cfg_i64(c, o, sp, "priority", 0, 99, &v, NULL) < 0)
		return -1;
	p->sched_priority = (int)v;
	if (parse_sched_flags(c, o, sp, p) < 0 ||
	    cfg_u64(c, o, sp, "runtime", UINT64_MAX, &p->sched_runtime,
		    NULL) < 0 ||
	    cfg_u64(c, o, sp, "deadline", UINT64_MAX, &p->sched_deadline,
		    NULL) < 0 ||
	    cfg_u64(c, o, sp, "period", UINT64_MAX, &p->sched_period, NULL) < 0)
		return -1;
	p->has_scheduler = true;
	return 0;
}

static int parse_affinity(struct cfg_ctx *c, yajl_val proc, const char *path,
			  struct oci_process *p)
{
	char ap[CFG_PATH_MAX];
	yajl_val o = NULL;
	int r = cfg_object(c, proc, path, "execCPUAffinity", &o);

	if (r <= 0)
		return r;
	cfg_path_key(ap, path, "execCPUAffinity");
	if (cfg_string(c, o, ap, "initial", &p->exec_cpu_affinity_initial) < 0 ||
	    cfg_string(c, o, ap, "final", &p->exec_cpu_affinity_final) < 0)
		return -1;
	return 0;
}

static int parse_args_cwd(struct cfg_ctx *c, yajl_val obj, const char *path,
			  struct oci_process *p)
{
	char ep[CFG_PATH_MAX];
	int r;

	r = cfg_strv(c, obj, path, "args", &p->args, &p->n_args);
	if (cfg_require(c, r, path, "args") < 0)
		return -1;
	if (p->n_args == 0) {
		cfg_path_key(ep, path, "args");
		return cfg_err(c, ep, "must not be empty");
	}
	r = cfg_strv(c, obj, path, "env", &p->env, &p->n_env);
	if (r < 0)
		return -1;
	cfg_path_key(ep, path, "env");
	if (check_env(c, ep, p) < 0)
		return -1;
	r = cfg_string(c, obj, path, "cwd", &p->cwd);
	if (cfg_require(c, r, path, "cwd") < 0)
		return -1;
	if (p->cwd[0] != '/') {
		cfg_path_key(ep, path, "cwd");
		return cfg_err(c, ep, "must be an absolute path");
	}
	return 0;
}

int cfg_parse_process(struct cfg_ctx *c, yajl_val obj, const char *path,
		      struct oci_process *p)
{
	char ep[CFG_PATH_MAX];
	yajl_val cs = NULL;
	int64_t oom = 0;
	uint64_t v = 0;
	int r;

	if (!YAJL_IS_OBJECT(obj))
		return cfg_err(c, path, "expected an object");
	if (cfg_bool(c, obj, path, "terminal", &p->terminal, NULL) < 0)
		return -1;
	r = cfg_object(c, obj, path, "consoleSize", &cs);
	if (r < 0)
		return -1;
	if (r > 0) {
		cfg_path_key(ep, path, "consoleSize");
		p->has_console_size = true;
		if (cfg_u64(c, cs, ep, "height", UINT16_MAX, &v, NULL) < 0)
			return -1;
		p->console_size.height = (unsigned)v;
		v = 0;
		if (cfg_u64(c, cs, ep, "width", UINT16_MAX, &v, NULL) < 0)
			return -1;
		p->console_size.width = (unsigned)v;
	}
	if (parse_user(c, obj, path, &p->user) < 0 ||
	    parse_args_cwd(c, obj, path, p) < 0 ||
	    parse_caps(c, obj, path, &p->caps) < 0 ||
	    parse_rlimits(c, obj, path, p) < 0)
		return -1;
	if (cfg_bool(c, obj, path, "noNewPrivileges", &p->no_new_privileges,
		     NULL) < 0 ||
	    cfg_string(c, obj, path, "apparmorProfile",
		       &p->apparmor_profile) < 0 ||
	    cfg_string(c, obj, path, "selinuxLabel", &p->selinux_label) < 0)
		return -1;
	if (cfg_i64(c, obj, path, "oomScoreAdj", -1000, 1000, &oom,
		    &p->has_oom_score_adj) < 0)
		return -1;
	p->oom_score_adj = (int)oom;
	if (parse_io_priority(c, obj, path, p) < 0 ||
	    parse_scheduler(c, obj, path, p) < 0 ||
	    parse_affinity(c, obj, path, p) < 0)
		return -1;
	return 0;
}

void oci_process_clear(struct oci_process *p)
{
	if (p == NULL)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	cv_strvfree(p->args);
	cv_strvfree(p->env);
	free(p->cwd);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->exec_cpu_affinity_initial);
	free(p->exec_cpu_affinity_final);
	memset(p, 0, sizeof(*p));
}
