// SPDX-License-Identifier: Apache-2.0
/*
 * sc_print_table(): the table as text, markdown (docs/syscalls.md) or JSON,
 * with counts per disposition first.
 */
#include <errno.h>
#include <stdio.h>

#include "syscalls/table.h"

struct counts {
	size_t n[3];
	size_t trace, rules;
};

static void count(struct counts *c)
{
	*c = (struct counts){ { 0 } };
	for (size_t i = 0; i < sc_table_len; i++) {
		c->n[sc_table[i].disp]++;
		c->trace += !!(sc_table[i].flags & SC_F_TRACE);
		c->rules += !!(sc_table[i].flags & SC_F_RULES);
	}
}

/* "PASS", "EMULATE", "DENY(EPERM)". */
static void disp_str(const struct sc_entry *e, char *buf, size_t len)
{
	const char *en;

	if (e->disp != SC_DENY) {
		snprintf(buf, len, "%s", sc_disp_name(e->disp));
		return;
	}
	en = sc_errno_name(e->err);
	if (en != NULL)
		snprintf(buf, len, "DENY(%s)", en);
	else
		snprintf(buf, len, "DENY(%d)", e->err);
}

/* " trace", " rules", " trace rules" or "". */
static const char *flag_str(const struct sc_entry *e)
{
	switch (e->flags & (SC_F_TRACE | SC_F_RULES)) {
	case SC_F_TRACE:
		return "trace";
	case SC_F_RULES:
		return "rules";
	case SC_F_TRACE | SC_F_RULES:
		return "trace,rules";
	}
	return "";
}

static void print_text(FILE *out, const struct counts *c)
{
	char d[32];

	fprintf(out, "%zu syscalls: %zu PASS (%zu with argument rules), "
		"%zu EMULATE (%zu at a ptrace stop), %zu DENY; "
		"any other number: ENOSYS\n\n",
		sc_table_len, c->n[SC_PASS], c->rules, c->n[SC_EMULATE],
		c->trace, c->n[SC_DENY]);
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_entry *e = &sc_table[i];

		disp_str(e, d, sizeof(d));
		fprintf(out, "%3d  %-24s %-18s %-12s %s\n", e->nr, e->name, d,
			flag_str(e), e->note);
	}
}

static void md_escaped(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void print_markdown(FILE *out, const struct counts *c)
{
	char d[32];

	fputs("# cvisor syscall table\n\n"
	      "Generated from `syscalls/table.def` by "
	      "`runsc syscalls --format markdown`; do not edit by hand.\n\n"
	      "| disposition | syscalls | meaning |\n"
	      "|---|---:|---|\n", out);
	fprintf(out, "| PASS | %zu | the host kernel runs it (%zu with "
		"scalar-argument rules in the BPF filter) |\n",
		c->n[SC_PASS], c->rules);
	fprintf(out, "| EMULATE | %zu | the sentry implements it (%zu at a "
		"ptrace stop: `trace`) |\n", c->n[SC_EMULATE], c->trace);
	fprintf(out, "| DENY | %zu | refused in BPF with the errno shown |\n",
		c->n[SC_DENY]);
	fprintf(out, "| total | %zu | every x86_64 number 0..336 and "
		"424..%d; any other number, the i386 ABI and x32 get ENOSYS "
		"|\n\n", sc_table_len, SC_NR_MAX);
	fputs("PASS rows flagged `rules` are refined by scalar-argument "
	      "checks in `syscalls/filter.c`; the note says what passes and "
	      "the errno for the rest. Integer arguments are compared on "
	      "their low 32 bits, as the kernel reads them. EMULATE rows "
	      "reach the sentry as a seccomp user notification (seccomp "
	      "platform) or a `SECCOMP_RET_TRACE` stop (ptrace platform); "
	      "rows flagged `trace` stop for the tracer on both platforms. "
	      "What a trace stop is the sentry learns by running this "
	      "filter's own program on the call (`syscalls/filter_eval.c`), "
	      "never from the stop's seccomp data, which a filter the "
	      "workload stacks may choose. With `--strace`, PASS calls stop for "
	      "the tracer too (`SECCOMP_RET_TRACE` on both platforms, never "
	      "a notification), and the sentry logs each at its "
	      "syscall-exit stop with its result.\n\n", out);
	fputs("| nr | name | disposition | flags | notes |\n"
	      "|---:|---|---|---|---|\n", out);
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_entry *e = &sc_table[i];

		disp_str(e, d, sizeof(d));
		fprintf(out, "| %d | %s | %s | %s | ", e->nr, e->name, d,
			flag_str(e));
		md_escaped(out, e->note);
		fputs(" |\n", out);
	}
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void print_json_row(FILE *out, const struct sc_entry *e)
{
	const char *en = sc_errno_name(e->err);

	fprintf(out, "{\"nr\":%d,\"name\":\"%s\",\"disposition\":\"%s\"",
		e->nr, e->name, sc_disp_name(e->disp));
	if (e->disp == SC_DENY) {
		fprintf(out, ",\"errno\":%d", e->err);
		if (en != NULL)
			fprintf(out, ",\"errno_name\":\"%s\"", en);
	}
	fprintf(out, ",\"trace\":%s,\"rules\":%s,\"nargs\":%u,\"note\":",
		(e->flags & SC_F_TRACE) ? "true" : "false",
		(e->flags & SC_F_RULES) ? "true" : "false", e->nargs);
	json_string(out, e->note);
	fputc('}', out);
}

static void print_json(FILE *out, const struct counts *c)
{
	fprintf(out, "{\"counts\":{\"PASS\":%zu,\"EMULATE\":%zu,\"DENY\":%zu,"
		"\"total\":%zu,\"trace\":%zu,\"rules\":%zu},"
		"\"default\":\"ENOSYS\",\"syscalls\":[",
		c->n[SC_PASS], c->n[SC_EMULATE], c->n[SC_DENY], sc_table_len,
		c->trace, c->rules);
	for (size_t i = 0; i < sc_table_len; i++) {
		if (i > 0)
			fputc(',', out);
		fputs("\n  ", out);
		print_json_row(out, &sc_table[i]);
	}
	fputs("\n]}\n", out);
}

int sc_print_table(FILE *out, enum sc_print_format fmt)
{
	struct counts c;

	if (out == NULL)
		return -EINVAL;
	count(&c);
	switch (fmt) {
	case SC_PRINT_TEXT:
		print_text(out, &c);
		break;
	case SC_PRINT_MARKDOWN:
		print_markdown(out, &c);
		break;
	case SC_PRINT_JSON:
		print_json(out, &c);
		break;
	default:
		return -EINVAL;
	}
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}
