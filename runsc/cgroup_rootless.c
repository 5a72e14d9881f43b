/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cgroups of a rootless container, with runc's rules. runsc is rootless
 * when it is not root, or root only inside a user namespace (rootless
 * podman runs the runtime as uid 0 of its own namespace): it can create a
 * cgroup only where the host delegated one to the user.
 *
 *  - Path: with no linux.cgroupsPath on a cgroup v2 host, the container's
 *    cgroup is made next to runsc's own (its parent's child <id>), as
 *    runc does: the user's own cgroup already has processes in it, and a
 *    delegated subtree (systemd's user@UID.service) is where the user may
 *    make cgroups. Elsewhere the path is the one cgroup_resolve_path gives.
 *  - Not writable (EACCES, EPERM, EROFS): without a resource limit asked
 *    the container runs without a cgroup of its own (it stays in runsc's);
 *    with one, create fails naming the first limit field.
 *  - linux.resources.devices is not applied: device cgroups need
 *    CAP_SYS_ADMIN in the initial user namespace (runc ignores them too).
 *    The sandbox's own device policy (the gofer's) still applies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "runsc/cgroup_priv.h"

bool cgroup_is_rootless(void)
{
	unsigned long a, b, n;
	FILE *f;
	bool init_ns = false;

	if (geteuid() != 0)
		return true;
	f = fopen("/proc/self/uid_map", "re");
	if (f == NULL)
		return false;
	if (fscanf(f, "%lu %lu %lu", &a, &b, &n) == 3)
		init_ns = a == 0 && b == 0 && n == 4294967295UL;
	fclose(f);
	return !init_ns;
}

const char *cgroup_limit_field(const struct oci_resources *r)
{
	if (r == NULL)
		return NULL;
	if (r->has_memory)
		return "linux.resources.memory";
	if (r->has_cpu)
		return "linux.resources.cpu";
	if (r->has_pids)
		return "linux.resources.pids";
	if (r->has_blkio)
		return "linux.resources.blockIO";
	if (r->n_hugepage_limits > 0)
		return "linux.resources.hugepageLimits";
	if (r->has_class_id || r->n_net_priorities > 0)
		return "linux.resources.network";
	if (r->n_unified > 0)
		return "linux.resources.unified";
	return NULL;
}

/* runc's default on v2: <parent of runsc's own cgroup>/<id>. */
static int default_path(const struct cgroup_layout *l, const char *id,
			char **out, struct cv_error **err)
{
	cleanup_free char *own = strdup(l->unified_own ? l->unified_own : "/");
	char *slash;

	if (own == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	slash = strrchr(own, '/');
	if (slash != NULL)
		*slash = '\0';
	if (asprintf(out, "%s/%s", own, id) < 0)
		return cv_error_set(err, ENOMEM, "cgroup");
	return 0;
}

static bool not_writable(int e)
{
	return e == EACCES || e == EPERM || e == EROFS;
}

int cgroup_rootless_create(const struct cgroup_layout *l, const char *id,
			   const char *cgroups_path, const char *path,
			   const struct oci_resources *r, struct cgroup **out,
			   struct cv_error **err)
{
	cleanup_free char *def = NULL;
	struct oci_resources nodev;
	const char *field = cgroup_limit_field(r);

	*out = NULL;
	if (l->mode == CGROUP_MODE_V2 &&
	    (cgroups_path == NULL || *cgroups_path == '\0')) {
		if (default_path(l, id, &def, err) < 0)
			return -1;
		path = def;
	}
	if (r != NULL) {
		nodev = *r;
		nodev.devices = NULL;
		nodev.n_devices = 0;
		r = &nodev;
	}
	if (cgroup_create_at(l, path, r, out, err) == 0)
		return 0;
	if (*err == NULL || !not_writable((*err)->errnum))
		return -1;
	if (field != NULL)
		return cv_error_wrap(err, "%s: cannot set the limit: a rootless "
				     "container could not create its cgroup",
				     field);
	log_debug("rootless: no cgroup for the container: %s", (*err)->msg);
	cv_error_free(err);
	return 0;
}
