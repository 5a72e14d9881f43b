/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The workload's namespaces: which to create, which to join (the paths are
 * opened before any fork), the user namespace's id maps, loopback.
 *
 * The pid namespace is entered by the sandbox process for its next child
 * only (the init is forked into it); mount and cgroup namespaces are made
 * by unshare() in the init after it has joined the gofer's mount
 * namespace, so that with a user namespace they are owned by it.
 *
 * Network, ipc and uts are the pod's: the sandbox process lives in them
 * too. It is the pid the shim is given, and containerd makes the other
 * containers of a pod join the namespaces under /proc/PID/ns/.
 *  - No user namespace: the sandbox process joins or creates them before
 *    it forks the gofer and the init, which inherit them.
 *  - A user namespace: those to join by path are joined the same way;
 *    those to create are created by the init right after it entered the
 *    user namespace, so that they are owned by it (the container's root
 *    can then set their sysctls, hostname and routes, as with runc), and
 *    the sandbox process joins them (ns_join_pid) before the namespaces
 *    are announced to runsc create. It can: the host's root has every
 *    capability in a user namespace it created.
 */
#ifndef CV_RUNSC_NAMESPACES_H
#define CV_RUNSC_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/error.h"
#include "oci/config.h"
#include "runsc/sandbox.h"

struct ns_plan {
	bool new_pid, new_user, new_net, new_uts;
	/* The container's own net/ipc/uts namespace: new, or joined by a
	 * path naming another one than runsc's and pid 1's. Namespaced
	 * sysctls and the hostname are refused only in the host's. */
	bool own_net, own_ipc, own_uts;
	int unshare_flags;		/* CLONE_NEW* the init unshares */
	/* CLONE_NEWNET/IPC/UTS the init creates and the sandbox process
	 * joins afterwards (with a user namespace). */
	int late_flags;
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

/*
 * In the sandbox process, before it forks: joins the net, ipc and uts
 * namespaces to join, creates the new ones unless a user namespace must
 * own them (they are then left in late_flags for the init), brings lo up
 * in a new network namespace. What is done is removed from the plan.
 */
int ns_enter_pod(struct ns_plan *p, struct cv_error **err);
/* Its two halves, for a sandbox that takes its own user namespace in
 * between (runsc/rootless.h, sandbox_userns_*): joined by path from the
 * host's user namespace, created in the sandbox's so that it owns them. */
int ns_join_pod(struct ns_plan *p, struct cv_error **err);
int ns_create_pod(struct ns_plan *p, struct cv_error **err);

/* setns() into pid's namespaces of the CLONE_NEW* types in flags. */
int ns_join_pid(pid_t pid, int flags, struct cv_error **err);

/* setns() into every joined namespace of the plan except user and pid. */
int ns_join_others(const struct ns_plan *p, struct cv_error **err);

/*
 * The gofer's mount namespace, where the root is built: a private copy of
 * the joined one (linux.namespaces mount with a path: root.path and the
 * mounts' sources resolve in it, as with runc, but it is not changed), or
 * of runsc's.
 */
int ns_enter_mount(const struct ns_plan *p, struct cv_error **err);

/* From the parent: /proc/<pid>/{uid_map,gid_map} from the spec. */
int ns_write_id_maps(pid_t pid, const struct oci_spec *spec,
		     struct cv_error **err);

/* Brings "lo" up in the current network namespace. */
int ns_loopback_up(struct cv_error **err);

/*
 * The caller's namespaces that its own user namespace owns, as "N,N,..."
 * (their inodes; "" if none or on failure): taken by a sandbox before it
 * enters a user namespace of its own, they are those the container, which
 * under runc would share the runtime's user namespace, is given the owner
 * of with NS_GET_USERNS (sentry/nsfs.c).
 */
void ns_owned_list(char *buf, size_t len);

#endif
