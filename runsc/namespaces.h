/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's namespaces: which to create, which to join (the paths are
 * opened before any fork), the user namespace's id maps, loopback.
 *
 * The pid namespace is made by clone() (unshare would only affect
 * children); everything else by unshare() in the init after it has joined
 * the gofer's mount namespace, so that with a user namespace the new uts,
 * ipc, net, cgroup and mount namespaces are owned by it.
 */
#ifndef CV_RUNSC_NAMESPACES_H
#define CV_RUNSC_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/error.h"
#include "runsc/config.h"
#include "runsc/sandbox.h"

struct ns_plan {
	bool new_pid, new_user, new_net, new_uts;
	int unshare_flags;		/* CLONE_NEW* besides user and pid */
	int join_fd[OCI_NS__COUNT];	/* -1: do not join */
};

/*
 * Reads linux.namespaces (and --network) into a plan, opening the paths of
 * namespaces to join. Rejects what the sandbox cannot do (joining a mount
 * namespace, time namespaces) naming linux.namespaces[i].
 */
int ns_plan_build(const struct oci_spec *spec, enum network_mode net,
		  struct ns_plan *p, struct cv_error **err);
void ns_plan_close(struct ns_plan *p);

/* CLONE_NEW* for a namespace type. */
int ns_clone_flag(enum oci_ns_type t);

/* setns() into every joined namespace of the plan except user and pid. */
int ns_join_others(const struct ns_plan *p, struct cv_error **err);

/* From the parent: /proc/<pid>/{uid_map,gid_map} from the spec. */
int ns_write_id_maps(pid_t pid, const struct oci_spec *spec,
		     struct cv_error **err);

/* Brings "lo" up in the current network namespace. */
int ns_loopback_up(struct cv_error **err);

#endif
