// SPDX-License-Identifier: Apache-2.0
/*
 * The one builder of the sentry's and the gofer's confinement
 * (lib/confine.h): capability drop, no_new_privs, the seccomp filter
 * built from a process's table, and the table's markdown.
 */
#include "lib/confine.h"

#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/sanitizer.h"

int cf_keep_caps(uint64_t keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	keep &= d[0].permitted | ((uint64_t)d[1].permitted << 32);
	for (int cap = 0; cap < 64; cap++) {
		if (keep & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;		/* past the last capability */
			if (errno != EPERM)
				return -errno;	/* EPERM: no CAP_SETPCAP */
		}
	}
	/* EINVAL only where the kernel has no ambient set to clear. */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	d[0].permitted = d[0].effective = (uint32_t)keep;
	d[1].permitted = d[1].effective = (uint32_t)(keep >> 32);
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static struct scmp_arg_cmp to_scmp(const struct cf_cmp *c)
{
	uint64_t v = c->val == CF_SELF ? (uint64_t)getpid() : c->val;

	switch (c->op) {
	case CF_EQ64:
		return SCMP_CMP64(c->arg, SCMP_CMP_EQ, v);
	case CF_CLEAR:
		return SCMP_CMP64(c->arg, SCMP_CMP_MASKED_EQ, v, 0);
	default:
		return SCMP_CMP64(c->arg, SCMP_CMP_MASKED_EQ, 0xffffffffu,
				  v & 0xffffffffu);
	}
}

static int add_rule(scmp_filter_ctx ctx, const struct cf_rule *r)
{
	struct scmp_arg_cmp cmp[CF_MAX_CMP];

	for (unsigned i = 0; i < r->ncmp; i++)
		cmp[i] = to_scmp(&r->cmp[i]);
	return seccomp_rule_add_exact_array(ctx, SCMP_ACT_ALLOW, r->nr,
					    r->ncmp, cmp);
}

/*
 * make asan builds: a call outside the table fails (ENOSYS) rather than
 * kill, so that a report is printed (lib/sanitizer.h). A build with
 * -DCV_CONFINE_LOG only logs such calls to the kernel log (audit type
 * 1326): the way to find what a table lacks (docs/security.md).
 */
#if defined(CV_CONFINE_LOG)
#define CF_DEFAULT_ACTION SCMP_ACT_LOG
#elif CV_SANITIZED
#define CF_DEFAULT_ACTION SCMP_ACT_ERRNO(ENOSYS)
#else
#define CF_DEFAULT_ACTION SCMP_ACT_KILL_PROCESS
#endif

int cf_install(const struct cf_table *t)
{
	scmp_filter_ctx ctx = seccomp_init(CF_DEFAULT_ACTION);
	int ret = 0;

	if (ctx == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < t->nrules && ret == 0; i++)
		if (!t->rules[i].sanitizer_only || CV_SANITIZED)
			ret = add_rule(ctx, &t->rules[i]);
	/* A binary search on the syscall number rather than libseccomp's
	 * default linear chain: calls whose rules look at arguments (ioctl,
	 * fcntl: several a notification) are not in the kernel's
	 * always-allow cache and run the program each time. */
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	/* Every thread: a process that made threads before its filter
	 * (the sentry's workers) confines them with it. */
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (ret == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		ret = -errno;
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

size_t cf_count(const struct cf_table *t, bool with_sanitizer)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nrules; i++) {
		bool seen = false;

		if (t->rules[i].sanitizer_only && !with_sanitizer)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = t->rules[j].nr == t->rules[i].nr;
		n += !seen;
	}
	return n;
}

/* --- the markdown ----------------------------------------------------- */

/* A value's name in a table cell ("|" escaped). */
static void print_name(FILE *out, const char *s)
{
	fputc('`', out);
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('`', out);
}

static void print_cmp(FILE *out, const struct cf_cmp *c)
{
	if (c->op == CF_CLEAR) {
		fputs("no ", out);
		print_name(out, c->val_name);
		fprintf(out, " in `%s`", c->arg_name);
		return;
	}
	fprintf(out, "`%s` = ", c->arg_name);
	if (c->val == CF_SELF)
		fputs("its own pid", out);
	else
		print_name(out, c->val_name);
}

/* Whether rules a and b differ only in the value of one equality
 * comparison on the same argument (so they print as one set). */
static bool same_but_value(const struct cf_rule *a, const struct cf_rule *b)
{
	if (a->nr != b->nr || a->ncmp != b->ncmp || a->ncmp == 0)
		return false;
	for (unsigned i = 0; i + 1 < a->ncmp; i++)
		if (a->cmp[i].arg != b->cmp[i].arg ||
		    a->cmp[i].op != b->cmp[i].op ||
		    a->cmp[i].val != b->cmp[i].val)
			return false;
	return a->cmp[a->ncmp - 1].arg == b->cmp[a->ncmp - 1].arg &&
	       a->cmp[a->ncmp - 1].op == CF_EQ &&
	       b->cmp[a->ncmp - 1].op == CF_EQ;
}

/* Prints rules[i..] of one syscall; returns the index after them. */
static size_t print_syscall(FILE *out, const struct cf_table *t, size_t i)
{
	const struct cf_rule *r = &t->rules[i];
	const char *why = r->why ? r->why : "";
	size_t j = i;

	fprintf(out, "| `%s`%s | ", r->name,
		r->sanitizer_only ? " (make asan only)" : "");
	if (r->ncmp == 0)
		fputs("any", out);
	while (j < t->nrules && t->rules[j].nr == r->nr &&
	       t->rules[j].ncmp > 0) {
		const struct cf_rule *g = &t->rules[j];
		size_t k = j + 1, last = g->ncmp - 1;

		if (j > i)
			fputs("; or ", out);
		for (unsigned c = 0; c < last; c++) {
			print_cmp(out, &g->cmp[c]);
			fputs(", ", out);
		}
		while (k < t->nrules && same_but_value(g, &t->rules[k]))
			k++;
		if (k == j + 1) {
			print_cmp(out, &g->cmp[last]);
		} else {
			fprintf(out, "`%s` ∈ {", g->cmp[last].arg_name);
			for (size_t m = j; m < k; m++) {
				fputs(m > j ? ", " : "", out);
				print_name(out,
					   t->rules[m].cmp[last].val_name);
			}
			fputs("}", out);
		}
		j = k;
	}
	fprintf(out, " | %s |\n", why);
	return j > i ? j : i + 1;
}

int cf_print_markdown(FILE *out, const struct cf_table *t)
{
	fprintf(out, "<!-- generated by `runsc syscalls --confinement %s "
		     "--format markdown` from %s/confine.c: do not edit -->\n\n",
		t->process, t->process);
	fprintf(out, "%zu host syscalls (%zu in make asan builds); any other "
		     "call, or one whose arguments match none of its rows, "
		     "kills the %s.\n\n",
		cf_count(t, false), cf_count(t, true), t->process);
	fputs("| syscall | arguments allowed | why |\n|---|---|---|\n", out);
	for (size_t i = 0; i < t->nrules;)
		i = print_syscall(out, t, i);
	return ferror(out) ? -EIO : 0;
}
