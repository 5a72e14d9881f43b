/* SPDX-License-Identifier: Apache-2.0 */
/* Compiles linux.seccomp with libseccomp; see seccomp_profile.h. */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "runsc/seccomp_profile.h"

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}

#define cleanup_scmp __attribute__((cleanup(ctx_releasep)))

static int to_action(enum oci_seccomp_action a, bool has_ret, unsigned ret,
		     uint32_t *out)
{
	switch (a) {
	case OCI_SCMP_KILL:
		*out = SCMP_ACT_KILL_THREAD;
		return 0;
	case OCI_SCMP_KILL_PROCESS:
		*out = SCMP_ACT_KILL_PROCESS;
		return 0;
	case OCI_SCMP_TRAP:
		*out = SCMP_ACT_TRAP;
		return 0;
	case OCI_SCMP_ERRNO:
		*out = SCMP_ACT_ERRNO(has_ret ? ret : EPERM);
		return 0;
	case OCI_SCMP_TRACE:
		*out = SCMP_ACT_TRACE(has_ret ? ret : EPERM);
		return 0;
	case OCI_SCMP_ALLOW:
		*out = SCMP_ACT_ALLOW;
		return 0;
	case OCI_SCMP_LOG:
		*out = SCMP_ACT_LOG;
		return 0;
	case OCI_SCMP_NOTIFY:
		break;
	}
	return -1;
}

static int to_op(enum oci_seccomp_op op, enum scmp_compare *out)
{
	static const enum scmp_compare map[] = {
		[OCI_SCMP_NE] = SCMP_CMP_NE,
		[OCI_SCMP_LT] = SCMP_CMP_LT,
		[OCI_SCMP_LE] = SCMP_CMP_LE,
		[OCI_SCMP_EQ] = SCMP_CMP_EQ,
		[OCI_SCMP_GE] = SCMP_CMP_GE,
		[OCI_SCMP_GT] = SCMP_CMP_GT,
		[OCI_SCMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};

	if ((unsigned)op >= ARRAY_SIZE(map) || map[op] == 0)
		return -1;
	*out = map[op];
	return 0;
}

static int set_flags(scmp_filter_ctx ctx, const struct oci_seccomp *s,
		     struct cv_error **err)
{
	static const struct {
		const char *name;
		enum scmp_filter_attr attr;
	} flags[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB },
	};

	for (size_t i = 0; i < s->n_flags; i++) {
		size_t j;
		int r;

		for (j = 0; j < ARRAY_SIZE(flags); j++)
			if (strcmp(s->flags[i], flags[j].name) == 0)
				break;
		if (j == ARRAY_SIZE(flags))
			return cv_error_setx(err, "seccomp: flag %s is not supported",
					     s->flags[i]);
		r = seccomp_attr_set(ctx, flags[j].attr, 1);
		if (r < 0)
			return cv_error_set(err, -r, "seccomp: flag %s",
					    s->flags[i]);
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct oci_seccomp *s,
		      struct cv_error **err)
{
	for (size_t i = 0; i < s->n_architectures; i++) {
		int r = seccomp_arch_add(ctx, s->architectures[i]);

		if (r < 0 && r != -EEXIST)
			return cv_error_set(err, -r,
					    "seccomp: architecture 0x%x",
					    s->architectures[i]);
	}
	return 0;
}

/* Conditions for one rule; *split set when two test the same argument. */
static int build_conds(const struct oci_seccomp_syscall *sc,
		       struct scmp_arg_cmp *conds, bool *split,
		       struct cv_error **err)
{
	unsigned seen = 0;

	*split = false;
	for (size_t i = 0; i < sc->n_args; i++) {
		const struct oci_seccomp_arg *a = &sc->args[i];
		enum scmp_compare op;

		if (a->index > 5 || to_op(a->op, &op) < 0)
			return cv_error_setx(err, "seccomp: bad argument condition");
		if (seen & (1u << a->index))
			*split = true;
		seen |= 1u << a->index;
		conds[i] = (struct scmp_arg_cmp){
			.arg = a->index,
			.op = op,
			.datum_a = a->value,
			.datum_b = a->value_two,
		};
	}
	return 0;
}

static int add_one(scmp_filter_ctx ctx, const char *name, uint32_t act,
		   const struct scmp_arg_cmp *conds, size_t n, bool split,
		   struct cv_error **err)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r = 0;

	if (nr == __NR_SCMP_ERROR) {
		log_debug("seccomp: unknown syscall \"%s\" skipped", name);
		return 0;
	}
	if (!split) {
		r = seccomp_rule_add_array(ctx, act, nr, (unsigned)n, conds);
	} else {
		for (size_t i = 0; i < n && r == 0; i++)
			r = seccomp_rule_add_array(ctx, act, nr, 1, &conds[i]);
	}
	if (r < 0)
		return cv_error_set(err, -r, "seccomp: rule for %s", name);
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct oci_seccomp *s,
		     uint32_t def, struct cv_error **err)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_seccomp_syscall *sc = &s->syscalls[i];
		cleanup_free struct scmp_arg_cmp *conds = NULL;
		uint32_t act;
		bool split;

		if (to_action(sc->action, sc->has_errno_ret, sc->errno_ret,
			      &act) < 0)
			return cv_error_setx(err, "seccomp: action not supported");
		/* libseccomp refuses rules that repeat the default action. */
		if (act == def)
			continue;
		conds = calloc(sc->n_args + 1, sizeof(*conds));
		if (conds == NULL)
			return cv_error_set(err, ENOMEM, "seccomp");
		if (build_conds(sc, conds, &split, err) < 0)
			return -1;
		for (size_t j = 0; j < sc->n_names; j++)
			if (add_one(ctx, sc->names[j], act, conds, sc->n_args,
				    split, err) < 0)
				return -1;
	}
	return 0;
}

static int build(const struct oci_seccomp *s, scmp_filter_ctx *out,
		 struct cv_error **err)
{
	cleanup_scmp scmp_filter_ctx ctx = NULL;
	uint32_t def;

	if (to_action(s->default_action, s->has_default_errno_ret,
		      s->default_errno_ret, &def) < 0)
		return cv_error_setx(err, "seccomp: default action not supported");
	ctx = seccomp_init(def);
	if (ctx == NULL)
		return cv_error_setx(err, "seccomp: cannot initialise the filter");
	if (add_arches(ctx, s, err) < 0 || set_flags(ctx, s, err) < 0 ||
	    add_rules(ctx, s, def, err) < 0)
		return -1;
	*out = steal_ptr(ctx);
	return 0;
}

int seccomp_profile_load(const struct oci_seccomp *s, struct cv_error **err)
{
	cleanup_scmp scmp_filter_ctx ctx = NULL;
	int r;

	if (s == NULL || !s->present)
		return 0;
	if (build(s, &ctx, err) < 0)
		return -1;
	r = seccomp_load(ctx);
	if (r < 0)
		return cv_error_set(err, -r, "seccomp: loading the profile");
	return 0;
}

int seccomp_profile_export(const struct oci_seccomp *s, int fd,
			   struct cv_error **err)
{
	cleanup_scmp scmp_filter_ctx ctx = NULL;
	int r;

	if (s == NULL || !s->present)
		return cv_error_setx(err, "seccomp: no profile");
	if (build(s, &ctx, err) < 0)
		return -1;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return cv_error_set(err, -r, "seccomp: exporting the profile");
	return 0;
}
