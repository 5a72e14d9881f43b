/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rootless containers: runsc run by a user that is not root enters the
 * container's user namespace before anything else (rootless.c).
 */
#ifndef CV_RUNSC_ROOTLESS_H
#define CV_RUNSC_ROOTLESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/error.h"
#include "oci/config.h"

/* The default --root of a rootless runsc, $XDG_RUNTIME_DIR/cvisor
 * (malloc'ed), or NULL for /run/cvisor; runc's rule. */
char *rootless_default_root(void);
/* Not root: the sandbox must make its user namespace itself. */
bool rootless_needs_userns(void);
/* When rootless_needs_userns(): the spec must ask a new user namespace
 * (the error names linux.namespaces). 0 otherwise. */
int rootless_check(const struct oci_spec *spec, struct cv_error **err);
/* runsc create's side: the sandbox pid's id maps from the spec. */
int rootless_write_maps(pid_t pid, const struct oci_spec *spec,
			struct cv_error **err);
/*
 * The sandbox's side: unshare(CLONE_NEWUSER), maps_written(arg) asks the
 * parent to write the maps and waits (< 0: it failed), then becomes the
 * namespace's root. *view (malloc'ed, shallow: it shares spec's strings)
 * is spec without the user namespace and its maps.
 */
int rootless_enter(const struct oci_spec *spec, struct oci_spec **view,
		   int (*maps_written)(void *), void *arg,
		   struct cv_error **err);

#endif
