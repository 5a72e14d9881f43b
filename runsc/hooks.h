/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI hooks (config.json "hooks"): each hook is fork+exec'd with its own
 * args and env (an empty environment when env is absent), the container's
 * state JSON on stdin, and is killed (SIGKILL) when its timeout expires.
 */
#ifndef CV_RUNSC_HOOKS_H
#define CV_RUNSC_HOOKS_H

#include <stddef.h>

#include "lib/error.h"
#include "runsc/config.h"

/*
 * Runs the n hooks of list in order, stopping at the first failure. A hook
 * fails if it cannot be started, exits non-zero, is killed by a signal or
 * runs past its timeout. The error names it, e.g.
 *	hooks.prestart[0] (/usr/bin/foo): exit status 1
 * "kind" is the name used in messages ("prestart"; NULL: "hooks").
 */
int hooks_run_kind(const char *kind, const struct oci_hook *list, size_t n,
		   const char *state_json, struct cv_error **err);

/* hooks_run_kind without a kind name: messages say "hooks[0] (...)". */
int hooks_run(const struct oci_hook *list, size_t n, const char *state_json,
	      struct cv_error **err);

/* Runs spec hooks of one kind (runsc verbs use this). */
int hooks_run_spec(const struct oci_spec *spec, enum oci_hook_kind k,
		   const char *state_json, struct cv_error **err);

#endif
