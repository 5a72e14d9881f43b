/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The confinement of cvisor's own processes (the sentry, the gofer) as
 * data: each keeps a table of the host syscalls it makes once confined,
 * with the argument values it uses (gVisor keeps one such table per
 * process). One builder turns a table into a libseccomp filter
 * (default action: kill the process), one printer into the markdown of
 * docs/security.md ("runsc syscalls --confinement sentry|gofer").
 *
 * A table is a list of rules; a syscall is allowed if any of its rules
 * matches, a rule matches if all its comparisons do. A rule without
 * comparisons allows every call. Comparisons are on scalar arguments
 * only (seccomp cannot read memory):
 *   CF_EQ     the argument's low 32 bits equal val (int arguments: the
 *             kernel ignores the high half, so must the filter)
 *   CF_EQ64   the whole register equals val (pointers: NULL)
 *   CF_CLEAR  no bit of val is set (mmap without PROT_EXEC)
 * CF_SELF as a value stands for the confined process's own pid.
 */
#ifndef CV_LIB_CONFINE_H
#define CV_LIB_CONFINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum cf_op { CF_EQ = 1, CF_EQ64, CF_CLEAR };

#define CF_SELF UINT64_C(0xc0f1ce5e1f000000)	/* replaced by getpid() */
#define CF_MAX_CMP 3

struct cf_cmp {
	uint8_t arg;		/* 0..5 */
	uint8_t op;		/* enum cf_op */
	const char *arg_name;	/* for the doc: "cmd", "request" */
	uint64_t val;
	const char *val_name;	/* for the doc: "F_GETFL" */
};

struct cf_rule {
	int nr;			/* x86_64 syscall number */
	const char *name;
	const char *why;	/* NULL: the previous rule's (same syscall) */
	bool sanitizer_only;	/* make asan builds only (lib/sanitizer.h) */
	unsigned ncmp;
	struct cf_cmp cmp[CF_MAX_CMP];
};

struct cf_table {
	const char *process;	/* "sentry", "gofer" */
	const struct cf_rule *rules;
	size_t nrules;
};

/*
 * Table-writing helpers (sys: a name libseccomp knows, SCMP_SYS()). A
 * value is named in the doc as written: a macro that passes a value on
 * to another must stringify it itself (#v), before it is expanded.
 */
#define CF_C(a, op, an, v, vn) { (a), (op), (an), (uint64_t)(v), (vn) }
/* The rows every process's table has for make asan's runtime. */
#define CF_SANITIZER_RULES                                                 \
	{ SCMP_SYS(sigaltstack), "sigaltstack", "the sanitizer runtime "    \
	  "(lib/sanitizer.h)", true, 0, { { 0 } } }
#define CF_CV(a, op, an, v) CF_C(a, op, an, v, #v)
#define CF_ANY(sys, why) { SCMP_SYS(sys), #sys, (why), false, 0, { { 0 } } }
#define CF_ANY_NR(nr, name, why) { (nr), (name), (why), false, 0, { { 0 } } }
#define CF_ARGN(sys, why, a, an, v, vn)                                    \
	{ SCMP_SYS(sys), #sys, (why), false, 1, { CF_C(a, CF_EQ, an, v, vn) } }
#define CF_ARG(sys, why, a, an, v) CF_ARGN(sys, why, a, an, v, #v)
#define CF_ARG2N(sys, why, a, an, v, vn, b, bn, w, wn)                     \
	{ SCMP_SYS(sys), #sys, (why), false, 2,                            \
	  { CF_C(a, CF_EQ, an, v, vn), CF_C(b, CF_EQ, bn, w, wn) } }
#define CF_ARG2(sys, why, a, an, v, b, bn, w)                              \
	CF_ARG2N(sys, why, a, an, v, #v, b, bn, w, #w)
#define CF_RULE(sys, why, n, ...)                                          \
	{ SCMP_SYS(sys), #sys, (why), false, (n), { __VA_ARGS__ } }

/*
 * Keeps only the capabilities in keep (and the process has) in the
 * permitted and effective sets, empties the inheritable and ambient sets
 * and drops every other capability from the bounding set (which needs
 * CAP_SETPCAP: a process without it keeps its bounding set). 0 or -errno.
 */
int cf_keep_caps(uint64_t keep);

/* Sets no_new_privs and installs the table's filter. 0 or -errno. */
int cf_install(const struct cf_table *t);

/* The number of distinct syscalls the table allows (sanitizer_only rules
 * counted only if with_sanitizer). */
size_t cf_count(const struct cf_table *t, bool with_sanitizer);

/* The table as a markdown table (syscall, arguments allowed, why). */
int cf_print_markdown(FILE *out, const struct cf_table *t);

/* The tables (sentry/confine.c, gofer/confine.c). */
extern const struct cf_table sentry_cf_table;
extern const struct cf_table gofer_cf_table;

#endif
