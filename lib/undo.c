/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The undo stack. See undo.h.
 */
#include "lib/undo.h"

#include <errno.h>
#include <stdlib.h>

static void drop(struct cv_undo_step *s)
{
	if (s->free_arg != NULL)
		s->free_arg(s->arg);
}

int cv_undo_push(struct cv_undo *u, void (*fn)(void *), void *arg,
		 void (*free_arg)(void *))
{
	struct cv_undo_step s = { fn, arg, free_arg };

	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 8;
		struct cv_undo_step *v = realloc(u->v, cap * sizeof(*v));

		if (v == NULL) {
			fn(arg);
			drop(&s);
			errno = ENOMEM;
			return -1;
		}
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n++] = s;
	return 0;
}

static void empty(struct cv_undo *u)
{
	free(u->v);
	*u = (struct cv_undo)CV_UNDO_INIT;
}

void cv_undo_run(struct cv_undo *u)
{
	int saved = errno;

	while (u->n > 0) {
		struct cv_undo_step *s = &u->v[--u->n];

		s->fn(s->arg);
		drop(s);
	}
	empty(u);
	errno = saved;
}

void cv_undo_release(struct cv_undo *u)
{
	for (size_t i = 0; i < u->n; i++)
		drop(&u->v[i]);
	empty(u);
}
