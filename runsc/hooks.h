/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI hooks (config.json "hooks"): each hook is fork+exec'd with its own
 * args and env (runsc's environment when env is absent, as runc does) and
 * the container's state JSON on stdin; it is killed (SIGKILL) when its
 * timeout expires. Its stdout and stderr go to a pipe (so no hook keeps
 * the caller's stdio open); their tail is quoted in the error.
 */
#ifndef CV_RUNSC_HOOKS_H
#define CV_RUNSC_HOOKS_H

#include <stddef.h>

#include "lib/error.h"
#include "oci/config.h"

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
