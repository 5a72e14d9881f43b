/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stack of undo steps for multi-step set-ups (as gVisor's pkg/cleanup):
 * each step done pushes the step that takes it back; on failure the stack
 * runs in reverse order, on success it is released and nothing runs.
 *
 *	cleanup_undo struct cv_undo u = CV_UNDO_INIT;
 *
 *	if (make_dir(p) < 0)
 *		return -1;
 *	if (cv_undo_push(&u, remove_dir, p, free) < 0)
 *		return -1;		(remove_dir(p) already ran)
 *	...
 *	cv_undo_release(&u);		success: keep everything
 *	return 0;
 *
 * A push that cannot grow the stack (ENOMEM) runs its step at once and
 * returns -1, so what was just done never outlives the failure either.
 * Leaving the scope without cv_undo_release() runs the stack: an early
 * return is always a rollback.
 */
#ifndef CV_LIB_UNDO_H
#define CV_LIB_UNDO_H

#include <stddef.h>

struct cv_undo_step {
	void (*fn)(void *arg);
	void *arg;
	void (*free_arg)(void *arg);	/* NULL: arg is not owned */
};

struct cv_undo {
	struct cv_undo_step *v;
	size_t n, cap;
};

#define CV_UNDO_INIT { NULL, 0, 0 }

/* fn(arg) on rollback; free_arg(arg), if not NULL, when the step is
 * dropped (after it ran, or on release). -1 (errno ENOMEM): fn(arg) ran. */
int cv_undo_push(struct cv_undo *u, void (*fn)(void *), void *arg,
		 void (*free_arg)(void *));
/* Runs every step, last pushed first, and empties the stack. */
void cv_undo_run(struct cv_undo *u);
/* Success: drops every step without running it. */
void cv_undo_release(struct cv_undo *u);

#define cleanup_undo __attribute__((cleanup(cv_undo_run)))

#endif
