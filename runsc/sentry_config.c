// SPDX-License-Identifier: Apache-2.0
/* The sentry's view of the container's config (runsc/sentry_config.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>

#include "runsc/mounts.h"
#include "runsc/sentry_config.h"

static enum sentry_propagation propagation(enum oci_propagation p)
{
	switch (p) {
	case OCI_PROP_SHARED:
	case OCI_PROP_RSHARED:
		return SENTRY_PROP_SHARED;
	case OCI_PROP_UNBINDABLE:
	case OCI_PROP_RUNBINDABLE:
		return SENTRY_PROP_UNBINDABLE;
	case OCI_PROP_NONE:
	case OCI_PROP_PRIVATE:
	case OCI_PROP_RPRIVATE:
	case OCI_PROP_SLAVE:
	case OCI_PROP_RSLAVE:
		break;
	}
	return SENTRY_PROP_PRIVATE;
}

/* An rro bind is as read-only as an ro one. */
static unsigned long mount_flags(const struct oci_mount *om)
{
	return om->flags |
	       (om->rec_attr_set & MOUNT_ATTR_RDONLY ? MS_RDONLY : 0);
}

static int mounts_of(struct sentry_config *cfg, const struct oci_spec *spec,
		     struct cv_error **err)
{
	struct sentry_mount *m = calloc(spec->n_mounts, sizeof(*m));

	if (m == NULL)
		return cv_error_set(err, ENOMEM, "the sentry's mounts");
	cfg->mounts = m;
	cfg->n_mounts = spec->n_mounts;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct oci_mount *om = &spec->mounts[i];
		char *data;

		if (mounts_fs_data(spec, i, &data, err) < 0)
			return -1;
		m[i] = (struct sentry_mount){
			.source = om->source,
			.destination = om->destination,
			.type = om->type,
			.flags = mount_flags(om),
			.propagation = propagation(om->propagation),
			.data = data,
		};
	}
	return 0;
}

static struct sentry_id_map *id_map_of(const struct oci_id_mapping *om,
				       size_t n)
{
	struct sentry_id_map *m = calloc(n, sizeof(*m));

	for (size_t i = 0; m != NULL && i < n; i++)
		m[i] = (struct sentry_id_map){ om[i].container_id,
					       om[i].host_id, om[i].size };
	return m;
}

static uint64_t memory_limit(const struct oci_linux *l)
{
	const struct oci_memory *mem = &l->resources.memory;

	if (!l->resources.has_memory || !mem->has_limit || mem->limit <= 0)
		return 0;
	return (uint64_t)mem->limit;
}

static void from_linux(struct sentry_config *cfg, const struct oci_linux *l)
{
	cfg->root_shared = propagation(l->rootfs_propagation) ==
			   SENTRY_PROP_SHARED;
	cfg->memory_limit = memory_limit(l);
	cfg->masked = (const char *const *)l->masked_paths;
	cfg->n_masked = l->n_masked_paths;
	cfg->readonly = (const char *const *)l->readonly_paths;
	cfg->n_readonly = l->n_readonly_paths;
}

static int from_userns(struct sentry_config *cfg, const struct oci_linux *l)
{
	cfg->userns = true;
	cfg->n_uid_map = l->n_uid_mappings;
	cfg->n_gid_map = l->n_gid_mappings;
	if (l->n_uid_mappings > 0) {
		cfg->uid_map = id_map_of(l->uid_mappings, l->n_uid_mappings);
		if (cfg->uid_map == NULL)
			return -ENOMEM;
	}
	if (l->n_gid_mappings > 0) {
		cfg->gid_map = id_map_of(l->gid_mappings, l->n_gid_mappings);
		if (cfg->gid_map == NULL)
			return -ENOMEM;
	}
	return 0;
}

int sentry_config_from_spec(struct sentry_config *cfg,
			    const struct oci_spec *spec, struct cv_error **err)
{
	char *masked_dir_data;
	int ret = 0;

	cfg->hostname = spec->hostname;
	cfg->domainname = spec->domainname;
	cfg->root_readonly = spec->root.readonly;
	if ((spec->n_mounts > 0 && mounts_of(cfg, spec, err) < 0) ||
	    mounts_masked_dir_data(spec, &masked_dir_data, err) < 0) {
		sentry_config_release(cfg);
		return -1;
	}
	cfg->masked_dir_data = masked_dir_data;
	if (spec->has_linux) {
		from_linux(cfg, &spec->linux_);
		if (oci_spec_namespace(spec, OCI_NS_USER) != NULL)
			ret = from_userns(cfg, &spec->linux_);
	}
	if (ret < 0) {
		sentry_config_release(cfg);
		return cv_error_set(err, -ret, "the sentry's config");
	}
	return 0;
}

void sentry_config_release(struct sentry_config *cfg)
{
	for (size_t i = 0; cfg->mounts != NULL && i < cfg->n_mounts; i++)
		free((void *)cfg->mounts[i].data);
	free((void *)cfg->mounts);
	free((void *)cfg->masked_dir_data);
	cfg->masked_dir_data = NULL;
	free((void *)cfg->uid_map);
	free((void *)cfg->gid_map);
	cfg->mounts = NULL;
	cfg->uid_map = cfg->gid_map = NULL;
	cfg->n_mounts = cfg->n_uid_map = cfg->n_gid_map = 0;
}
