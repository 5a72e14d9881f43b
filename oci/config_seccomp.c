/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp: action, operator, architecture and flag names are checked
 * and converted here; runsc/seccomp_profile.c compiles the result. Syscall
 * names are kept as written: names libseccomp does not know are skipped at
 * load time, as runc does, so that one profile serves several kernels.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "oci/config_internal.h"

struct scmp_name {
	const char *name;
	uint32_t val;
};

static const struct scmp_name actions[] = {
	{ "SCMP_ACT_KILL", OCI_SCMP_KILL },
	{ "SCMP_ACT_KILL_THREAD", OCI_SCMP_KILL },
	{ "SCMP_ACT_KILL_PROCESS", OCI_SCMP_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", OCI_SCMP_TRAP },
	{ "SCMP_ACT_ERRNO", OCI_SCMP_ERRNO },
	{ "SCMP_ACT_TRACE", OCI_SCMP_TRACE },
	{ "SCMP_ACT_ALLOW", OCI_SCMP_ALLOW },
	{ "SCMP_ACT_LOG", OCI_SCMP_LOG },
	{ "SCMP_ACT_NOTIFY", OCI_SCMP_NOTIFY },
};

static const struct scmp_name ops[] = {
	{ "SCMP_CMP_NE", OCI_SCMP_NE },
	{ "SCMP_CMP_LT", OCI_SCMP_LT },
	{ "SCMP_CMP_LE", OCI_SCMP_LE },
	{ "SCMP_CMP_EQ", OCI_SCMP_EQ },
	{ "SCMP_CMP_GE", OCI_SCMP_GE },
	{ "SCMP_CMP_GT", OCI_SCMP_GT },
	{ "SCMP_CMP_MASKED_EQ", OCI_SCMP_MASKED_EQ },
};

static const struct scmp_name arches[] = {
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86 },
	{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32 },
	{ "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
	{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
	{ "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
	{ "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
	{ "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
	{ "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
	{ "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
	{ "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
	{ "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
	{ "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
	{ "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
	{ "SCMP_ARCH_S390", SCMP_ARCH_S390 },
	{ "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
	{ "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
	{ "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
	{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
};

/* Flags libseccomp 2.5 can set (seccomp_profile.c maps them). */
static const char *const flags[] = {
	"SECCOMP_FILTER_FLAG_TSYNC",
	"SECCOMP_FILTER_FLAG_LOG",
	"SECCOMP_FILTER_FLAG_SPEC_ALLOW",
};

static int find(const struct scmp_name *t, size_t n, const char *s,
		uint32_t *out)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, s) == 0) {
			*out = t[i].val;
			return 0;
		}
	}
	return -1;
}

static int parse_action(struct cfg_ctx *c, yajl_val o, const char *path,
			const char *key, enum oci_seccomp_action *out)
{
	cleanup_free char *s = NULL;
	char p[CFG_PATH_MAX];
	uint32_t v;
	int r = cfg_string(c, o, path, key, &s);

	if (cfg_require(c, r, path, key) < 0)
		return -1;
	cfg_path_key(p, path, key);
	if (find(actions, ARRAY_SIZE(actions), s, &v) < 0)
		return cfg_err(c, p, "unknown seccomp action \"%s\"", s);
	if (v == OCI_SCMP_NOTIFY)
		return cfg_err(c, p, "SCMP_ACT_NOTIFY is not supported");
	*out = (enum oci_seccomp_action)v;
	return 0;
}

static int parse_errno_ret(struct cfg_ctx *c, yajl_val o, const char *path,
			   const char *key, enum oci_seccomp_action act,
			   unsigned *out, bool *has)
{
	char p[CFG_PATH_MAX];
	uint64_t v = 0;

	/* SECCOMP_RET_DATA is 16 bits; errno values stop at 4095. */
	if (cfg_u64(c, o, path, key, 4095, &v, has) < 0)
		return -1;
	*out = (unsigned)v;
	if (*has && act != OCI_SCMP_ERRNO && act != OCI_SCMP_TRACE) {
		cfg_path_key(p, path, key);
		return cfg_err(c, p, "only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
	}
	return 0;
}

static int parse_arg(struct cfg_ctx *c, yajl_val o, const char *path,
		     struct oci_seccomp_arg *a)
{
	cleanup_free char *op = NULL;
	char p[CFG_PATH_MAX];
	uint64_t idx;
	uint32_t v;
	int r;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_u64(c, o, path, "index", 5, &idx, NULL);
	if (cfg_require(c, r, path, "index") < 0)
		return -1;
	a->index = (unsigned)idx;
	r = cfg_u64(c, o, path, "value", UINT64_MAX, &a->value, NULL);
	if (cfg_require(c, r, path, "value") < 0)
		return -1;
	if (cfg_u64(c, o, path, "valueTwo", UINT64_MAX, &a->value_two,
		    NULL) < 0)
		return -1;
	r = cfg_string(c, o, path, "op", &op);
	if (cfg_require(c, r, path, "op") < 0)
		return -1;
	if (find(ops, ARRAY_SIZE(ops), op, &v) < 0) {
		cfg_path_key(p, path, "op");
		return cfg_err(c, p, "unknown seccomp operator \"%s\"", op);
	}
	a->op = (enum oci_seccomp_op)v;
	return 0;
}

static int parse_rule(struct cfg_ctx *c, yajl_val o, const char *path,
		      struct oci_seccomp_syscall *sc)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int r;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_strv(c, o, path, "names", &sc->names, &sc->n_names);
	if (cfg_require(c, r, path, "names") < 0)
		return -1;
	if (parse_action(c, o, path, "action", &sc->action) < 0 ||
	    parse_errno_ret(c, o, path, "errnoRet", sc->action,
			    &sc->errno_ret, &sc->has_errno_ret) < 0)
		return -1;
	r = cfg_array(c, o, path, "args", &a);
	if (r <= 0)
		return r;
	cfg_path_key(p, path, "args");
	sc->args = cfg_calloc(a->u.array.len, sizeof(*sc->args));
	if (sc->args == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		cfg_path_idx(ep, p, i);
		if (parse_arg(c, a->u.array.values[i], ep, &sc->args[i]) < 0)
			return -1;
		sc->n_args = i + 1;
	}
	return 0;
}

static int parse_rules(struct cfg_ctx *c, yajl_val o, const char *path,
		       struct oci_seccomp *s)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int r = cfg_array(c, o, path, "syscalls", &a);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, "syscalls");
	s->syscalls = cfg_calloc(a->u.array.len, sizeof(*s->syscalls));
	if (s->syscalls == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		s->n_syscalls = i + 1;
		cfg_path_idx(ep, p, i);
		if (parse_rule(c, a->u.array.values[i], ep, &s->syscalls[i]) < 0)
			return -1;
	}
	return 0;
}

static int parse_arches(struct cfg_ctx *c, yajl_val o, const char *path,
			struct oci_seccomp *s)
{
	cleanup_strv char **names = NULL;
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	size_t n = 0;
	int r = cfg_strv(c, o, path, "architectures", &names, &n);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, "architectures");
	s->architectures = cfg_calloc(n, sizeof(uint32_t));
	if (s->architectures == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < n; i++) {
		if (find(arches, ARRAY_SIZE(arches), names[i],
			 &s->architectures[i]) < 0) {
			cfg_path_idx(ep, p, i);
			return cfg_err(c, ep, "unknown seccomp architecture \"%s\"",
				       names[i]);
		}
		s->n_architectures = i + 1;
	}
	return 0;
}

static int check_flags(struct cfg_ctx *c, const char *path,
		       const struct oci_seccomp *s)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];

	cfg_path_key(p, path, "flags");
	for (size_t i = 0; i < s->n_flags; i++) {
		bool ok = false;

		for (size_t j = 0; j < ARRAY_SIZE(flags); j++)
			ok = ok || strcmp(s->flags[i], flags[j]) == 0;
		if (ok)
			continue;
		cfg_path_idx(ep, p, i);
		if (strcmp(s->flags[i], "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
			return cfg_err(c, ep, "\"%s\" is not supported", s->flags[i]);
		return cfg_err(c, ep, "unknown seccomp flag \"%s\"", s->flags[i]);
	}
	return 0;
}

int cfg_parse_seccomp(struct cfg_ctx *c, yajl_val o, const char *path,
		      struct oci_seccomp *s)
{
	char p[CFG_PATH_MAX];

	s->present = true;
	if (parse_action(c, o, path, "defaultAction", &s->default_action) < 0 ||
	    parse_errno_ret(c, o, path, "defaultErrnoRet", s->default_action,
			    &s->default_errno_ret,
			    &s->has_default_errno_ret) < 0 ||
	    parse_arches(c, o, path, s) < 0 ||
	    cfg_strv(c, o, path, "flags", &s->flags, &s->n_flags) < 0 ||
	    check_flags(c, path, s) < 0)
		return -1;
	if (cfg_string(c, o, path, "listenerPath", &s->listener_path) < 0 ||
	    cfg_string(c, o, path, "listenerMetadata",
		       &s->listener_metadata) < 0)
		return -1;
	if (s->listener_path != NULL) {
		cfg_path_key(p, path, "listenerPath");
		return cfg_err(c, p, "seccomp notify listeners are not supported");
	}
	return parse_rules(c, o, path, s);
}

void cfg_seccomp_clear(struct oci_seccomp *s)
{
	free(s->architectures);
	cv_strvfree(s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		cv_strvfree(s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	memset(s, 0, sizeof(*s));
}
