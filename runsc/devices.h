/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device nodes of the gofer's /dev (a tmpfs mounted by mounts.c): the
 * default set (null, zero, full, random, urandom, tty) made with the host
 * node's type and number (a bind of the host's node only on a nodev /dev
 * or where mknod is not permitted: no mount of the host's devtmpfs in the
 * container otherwise), linux.devices from the config (mknod, or a bind
 * of the host node when mknod is not permitted), and the usual links
 * (fd, stdin, stdout, stderr, ptmx). The workload's view is nodev: it
 * reaches these only through the sentry and the gofer.
 */
#ifndef CV_RUNSC_DEVICES_H
#define CV_RUNSC_DEVICES_H

#include "lib/devrules.h"
#include "lib/error.h"
#include "oci/config.h"

/* rootfd: the container root (a directory fd) being built. */
int devices_setup(int rootfd, const struct oci_spec *spec,
		  struct cv_error **err);
/*
 * The same nodes and links made in devfd, the container's /dev tmpfs
 * before it is attached (mounts_dev_store): by root of the host's user
 * namespace, so that a sandbox in a user namespace of its own gets nodes
 * of its own, never binds of the host's (which its root could chmod).
 * Every path must be under /dev (devices_all_under_dev).
 */
int devices_setup_store(int devfd, const struct oci_spec *spec,
			struct cv_error **err);
bool devices_all_under_dev(const struct oci_spec *spec);

/*
 * The rules the gofer and the sentry check before they open a device node
 * (lib/devrules.h): the spec's linux.resources.devices in order, then runc's
 * default set, the list the container's cgroup gets (cgroup_devices.c).
 * linux.devices entries are not added: runc does not allow them either
 * without a rule. *out is malloc'ed.
 */
int devices_rules(const struct oci_spec *spec, struct dev_rule **out,
		  size_t *n, struct cv_error **err);

#endif
