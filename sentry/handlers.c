// SPDX-License-Identifier: Apache-2.0
/*
 * Handler lookup through the "sentry_handlers" linker section, and the
 * dispatch of one emulated call (with strace and counters).
 */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "sentry/internal.h"
#include "syscalls/table.h"

extern const struct sentry_handler __start_sentry_handlers[]
	__attribute__((weak));
extern const struct sentry_handler __stop_sentry_handlers[]
	__attribute__((weak));

sentry_handler_fn sentry_handler_lookup(const char *name)
{
	const struct sentry_handler *h;

	if (name == NULL || __start_sentry_handlers == NULL)
		return NULL;
	for (h = __start_sentry_handlers; h < __stop_sentry_handlers; h++)
		if (strcmp(h->name, name) == 0)
			return h->fn;
	return NULL;
}

static sentry_handler_fn handler_for(long nr)
{
	static sentry_handler_fn cache[SENTRY_MAX_NR];
	static unsigned char looked[SENTRY_MAX_NR];
	const struct sc_entry *e;

	if (nr < 0 || nr >= SENTRY_MAX_NR)
		return NULL;
	if (looked[nr])
		return cache[nr];
	e = sc_lookup(nr);
	cache[nr] = e ? sentry_handler_lookup(e->name) : NULL;
	looked[nr] = 1;
	return cache[nr];
}

long sentry_dispatch(struct sentry *s, struct sc_call *c)
{
	sentry_handler_fn fn = handler_for(c->nr);
	char args[1024];
	uint64_t t0;
	long ret;

	if (s->strace)
		strace_format_args(c, args, sizeof(args));
	t0 = cv_now_ns();
	ret = fn ? fn(c) : -ENOSYS;
	t0 = cv_now_ns() - t0;
	if (ret == SENTRY_RET_DEFERRED) {
		/* Counted and logged when it completes (loop.c). */
		if (s->strace)
			strace_log(s, c->t, c->nr, 'E', args, 0, false, t0);
		return ret;
	}
	stats_record(s, c->nr, SC_EMULATE, t0, ret);
	if (s->strace)
		strace_log(s, c->t, c->nr, 'E', args, ret, true, t0);
	return ret;
}
