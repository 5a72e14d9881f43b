// SPDX-License-Identifier: Apache-2.0
/*
 * The handler of each syscall, bound at compile time to its row of
 * syscalls/table.def (an EMULATE row without sys_<name> fails the link),
 * and the dispatch of one emulated call (with strace and counters).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/internal.h"
#include "syscalls/table.h"

/* SC_FN_<disposition>(name): DENY(e) pastes to SC_FN_DENY(e)(name). */
#define SC_FN_EMULATE(name) sys_##name
#define SC_FN_PASS(name) NULL
#define SC_FN_DENY(e) SC_FN_NONE
#define SC_FN_NONE(name) NULL
#define SC(nr, name, disp, ...) [nr] = SC_FN_##disp(name),
static const sentry_handler_fn emulated[SENTRY_MAX_NR] = {
#include "syscalls/table.def"
};
#undef SC

/* PASS rows whose scalar rules (syscalls/filter.c) send some calls to the
 * sentry. */
static const struct {
	long nr;
	sentry_handler_fn fn;
} by_rules[] = {
	{ SYS_ioctl, sys_ioctl },
	{ SYS_socket, sys_socket },
	{ SYS_socketpair, sys_socketpair },
	{ SYS_pidfd_send_signal, sys_pidfd_send_signal },
};

static sentry_handler_fn handler_for(long nr)
{
	if (nr < 0 || nr >= SENTRY_MAX_NR)
		return NULL;
	if (emulated[nr] != NULL)
		return emulated[nr];
	for (size_t i = 0; i < ARRAY_SIZE(by_rules); i++)
		if (by_rules[i].nr == nr)
			return by_rules[i].fn;
	return NULL;
}

sentry_handler_fn sentry_handler_lookup(const char *name)
{
	const struct sc_entry *e = name ? sc_lookup_name(name) : NULL;

	return e ? handler_for(e->nr) : NULL;
}

long sentry_dispatch(struct sentry *s, struct sc_call *c)
{
	sentry_handler_fn fn = handler_for(c->nr);
	char args[1024];
	uint64_t t0;
	long ret;

	if (s->strace)
		strace_format_args(c, args, sizeof(args));
	c->outcome = SC_OUT_VALUE;
	t0 = cv_now_ns();
	ret = fn ? fn(c) : -ENOSYS;
	t0 = cv_now_ns() - t0;
	if (ret == -SENTRY_EHANDOFF && c->outcome == SC_OUT_VALUE)
		return ret;	/* served again by the main thread */
	switch (c->outcome) {
	case SC_OUT_DEFERRED:
		/* Counted and logged when it completes (loop.c). */
		if (s->strace)
			strace_log(s, c->t, c->nr, 'E', args, 0, false, t0);
		return 0;
	case SC_OUT_CONTINUE:
		stats_record(s, c->nr, SC_EMULATE, t0, 0);
		if (s->strace)
			strace_log_continued(s, c->t, c->nr, args, t0);
		return 0;
	case SC_OUT_VALUE:
		break;
	}
	stats_record(s, c->nr, SC_EMULATE, t0, ret);
	if (s->strace)
		strace_log(s, c->t, c->nr, 'E', args, ret, true, t0);
	return ret;
}
