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
/* *view (as rootless_enter's) only: the sandbox's pid namespace comes
 * with its user namespace in one clone (runsc/sandbox.c). */
int rootless_view(const struct oci_spec *spec, struct oci_spec **view,
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

/*
 * Root's sandbox in a user namespace of its own (rootless.c): wanted when
 * runsc is root of the host's user namespace and no namespace but the
 * pod's net, ipc and uts is joined by path (join_fd: struct ns_plan's),
 * root.path is not the host's "/" (runsc do); runsc/sandbox.c also wants
 * the /dev of runsc/mounts.h mounts_dev_store.
 */
bool sandbox_userns_wanted(const struct oci_spec *spec,
			   const int join_fd[OCI_NS__COUNT]);
/* In the pod's network namespace, if the host's user namespace owns it:
 * may the sentry bind every port the tasks may (no privileged port)? */
bool sandbox_userns_ports_ok(const struct oci_spec *spec);
/* runsc create's side: the identity maps over every id. */
int sandbox_userns_write_maps(pid_t pid, struct cv_error **err);
/* The sandbox's side: unshare, maps_written(arg), become its root. */
int sandbox_userns_enter(int (*maps_written)(void *), void *arg,
			 struct cv_error **err);

#endif
