// SPDX-License-Identifier: Apache-2.0
/* Counters per disposition and per syscall, reported by STATS as JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "sentry/internal.h"
#include "syscalls/table.h"

void stats_record(struct sentry *s, long nr, int disp, uint64_t ns, long ret)
{
	/* Atomic: workers count side by side (sentry/workers.c). */
	if (disp >= 0 && disp < 3)
		__atomic_fetch_add(&s->stats.disp[disp], 1, __ATOMIC_RELAXED);
	if (ret < 0 && ret > -4096)
		__atomic_fetch_add(&s->stats.errors, 1, __ATOMIC_RELAXED);
	if (nr < 0 || nr >= SENTRY_MAX_NR)
		return;
	__atomic_fetch_add(&s->stats.count[nr], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->stats.ns[nr], ns, __ATOMIC_RELAXED);
}

/*
 * {"dispositions":{"pass":N,"emulate":N,"deny":N},"errors":N,
 *  "tasks":N,"workers":N,"syscalls":{"openat":{"count":N,"time_ns":N},...}}
 * PASS calls are only seen (and counted) with --strace; DENY never reach
 * the sentry.
 */
char *stats_json(struct sentry *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *sep = "";

	if (f == NULL)
		return NULL;
	fprintf(f, "{\"dispositions\":{\"pass\":%llu,\"emulate\":%llu,"
		   "\"deny\":%llu},\"errors\":%llu,\"tasks\":%zu,"
		   "\"workers\":%u,\"syscalls\":{",
		(unsigned long long)s->stats.disp[SC_PASS],
		(unsigned long long)s->stats.disp[SC_EMULATE],
		(unsigned long long)s->stats.disp[SC_DENY],
		(unsigned long long)s->stats.errors, s->ntasks, s->nworkers);
	for (long nr = 0; nr < SENTRY_MAX_NR; nr++) {
		const struct sc_entry *e;

		if (s->stats.count[nr] == 0)
			continue;
		e = sc_lookup(nr);
		fprintf(f, "%s\"%s\":{\"count\":%llu,\"time_ns\":%llu}", sep,
			e ? e->name : "unknown",
			(unsigned long long)s->stats.count[nr],
			(unsigned long long)s->stats.ns[nr]);
		sep = ",";
	}
	fputs("}}", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
