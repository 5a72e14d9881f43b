/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "linux" object: namespaces, id mappings, devices, cgroupsPath,
 * resources (config_resources.c), seccomp (config_seccomp.c), sysctl,
 * masked/readonly paths, personality. intelRdt, netDevices and timeOffsets
 * are rejected: cvisor cannot honour them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

#include "lib/cleanup.h"
#include "oci/config_internal.h"

static int parse_namespace(struct cfg_ctx *c, yajl_val o, const char *path,
			   struct oci_namespace *ns)
{
	cleanup_free char *type = NULL;
	char p[CFG_PATH_MAX];
	int r, t;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_string(c, o, path, "type", &type);
	if (cfg_require(c, r, path, "type") < 0)
		return -1;
	t = cfg_ns_from_name(type);
	if (t < 0) {
		cfg_path_key(p, path, "type");
		return cfg_err(c, p, "unknown namespace type \"%s\"", type);
	}
	ns->type = (enum oci_ns_type)t;
	if (cfg_string(c, o, path, "path", &ns->path) < 0)
		return -1;
	if (ns->path != NULL && ns->path[0] == '\0') {
		free(ns->path);
		ns->path = NULL;
	}
	if (ns->path != NULL && ns->path[0] != '/') {
		cfg_path_key(p, path, "path");
		return cfg_err(c, p, "must be an absolute path");
	}
	return 0;
}

static int parse_namespaces(struct cfg_ctx *c, yajl_val lin, const char *path,
			    struct oci_linux *l)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX], tp[CFG_PATH_MAX];
	bool seen[OCI_NS__COUNT] = { false };
	yajl_val a = NULL;
	int r = cfg_array(c, lin, path, "namespaces", &a);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, "namespaces");
	l->namespaces = cfg_calloc(a->u.array.len, sizeof(*l->namespaces));
	if (l->namespaces == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		struct oci_namespace *ns = &l->namespaces[i];

		l->n_namespaces = i + 1;
		cfg_path_idx(ep, p, i);
		if (parse_namespace(c, a->u.array.values[i], ep, ns) < 0)
			return -1;
		if (seen[ns->type]) {
			cfg_path_key(tp, ep, "type");
			return cfg_err(c, tp, "duplicate namespace type \"%s\"",
				       oci_ns_type_name(ns->type));
		}
		seen[ns->type] = true;
	}
	return 0;
}

static int parse_mapping(struct cfg_ctx *c, yajl_val o, const char *path,
			 struct oci_id_mapping *m)
{
	char p[CFG_PATH_MAX];
	uint64_t v;
	int r;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_u64(c, o, path, "containerID", UINT32_MAX, &v, NULL);
	if (cfg_require(c, r, path, "containerID") < 0)
		return -1;
	m->container_id = (uint32_t)v;
	r = cfg_u64(c, o, path, "hostID", UINT32_MAX, &v, NULL);
	if (cfg_require(c, r, path, "hostID") < 0)
		return -1;
	m->host_id = (uint32_t)v;
	r = cfg_u64(c, o, path, "size", UINT32_MAX, &v, NULL);
	if (cfg_require(c, r, path, "size") < 0)
		return -1;
	m->size = (uint32_t)v;
	cfg_path_key(p, path, "size");
	if (m->size == 0)
		return cfg_err(c, p, "must be greater than 0");
	if ((uint64_t)m->container_id + m->size > (1ULL << 32) ||
	    (uint64_t)m->host_id + m->size > (1ULL << 32))
		return cfg_err(c, p, "range exceeds the 32-bit id space");
	return 0;
}

static int parse_mappings(struct cfg_ctx *c, yajl_val lin, const char *path,
			  const char *key, struct oci_id_mapping **out,
			  size_t *n)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int r = cfg_array(c, lin, path, key, &a);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, key);
	*out = cfg_calloc(a->u.array.len, sizeof(**out));
	if (*out == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		cfg_path_idx(ep, p, i);
		if (parse_mapping(c, a->u.array.values[i], ep, &(*out)[i]) < 0)
			return -1;
		*n = i + 1;
	}
	return 0;
}

static int parse_device_ids(struct cfg_ctx *c, yajl_val o, const char *path,
			    struct oci_device *d)
{
	uint64_t v = 0;
	bool need = d->type != 'p';
	int r;

	r = cfg_i64(c, o, path, "major", 0, INT64_MAX, &d->major, NULL);
	if (need && cfg_require(c, r, path, "major") < 0)
		return -1;
	r = cfg_i64(c, o, path, "minor", 0, INT64_MAX, &d->minor, NULL);
	if (need && cfg_require(c, r, path, "minor") < 0)
		return -1;
	if (r < 0)
		return -1;
	/* Some tools write st_mode with the type bits (0020666): keep only
	 * the permission bits, the type comes from "type". */
	if (cfg_u64(c, o, path, "fileMode", 0177777, &v, &d->has_file_mode) < 0)
		return -1;
	d->file_mode = (mode_t)(v & 07777);
	if (cfg_u64(c, o, path, "uid", UINT32_MAX - 1, &v, &d->has_uid) < 0)
		return -1;
	d->uid = (uid_t)v;
	if (cfg_u64(c, o, path, "gid", UINT32_MAX - 1, &v, &d->has_gid) < 0)
		return -1;
	d->gid = (gid_t)v;
	return 0;
}

static int parse_device(struct cfg_ctx *c, yajl_val o, const char *path,
			struct oci_device *d)
{
	cleanup_free char *type = NULL;
	char p[CFG_PATH_MAX];
	int r;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_string(c, o, path, "type", &type);
	if (cfg_require(c, r, path, "type") < 0)
		return -1;
	if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL) {
		cfg_path_key(p, path, "type");
		return cfg_err(c, p, "unknown device type \"%s\"", type);
	}
	d->type = type[0];
	r = cfg_string(c, o, path, "path", &d->path);
	if (cfg_require(c, r, path, "path") < 0)
		return -1;
	if (d->path[0] != '/') {
		cfg_path_key(p, path, "path");
		return cfg_err(c, p, "must be an absolute path");
	}
	return parse_device_ids(c, o, path, d);
}

static int parse_devices(struct cfg_ctx *c, yajl_val lin, const char *path,
			 struct oci_linux *l)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int r = cfg_array(c, lin, path, "devices", &a);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, "devices");
	l->devices = cfg_calloc(a->u.array.len, sizeof(*l->devices));
	if (l->devices == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		l->n_devices = i + 1;
		cfg_path_idx(ep, p, i);
		if (parse_device(c, a->u.array.values[i], ep, &l->devices[i]) < 0)
			return -1;
	}
	return 0;
}

static int parse_personality(struct cfg_ctx *c, yajl_val lin, const char *path,
			     struct oci_linux *l)
{
	cleanup_free char *domain = NULL;
	char p[CFG_PATH_MAX], dp[CFG_PATH_MAX];
	yajl_val o = NULL, flags = NULL;
	int r = cfg_object(c, lin, path, "personality", &o);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, "personality");
	r = cfg_string(c, o, p, "domain", &domain);
	if (cfg_require(c, r, p, "domain") < 0)
		return -1;
	if (strcmp(domain, "LINUX") == 0) {
		l->personality = PER_LINUX;
	} else if (strcmp(domain, "LINUX32") == 0) {
		l->personality = PER_LINUX32;
	} else {
		cfg_path_key(dp, p, "domain");
		return cfg_err(c, dp, "unknown personality domain \"%s\"",
			       domain);
	}
	/* The spec defines no flag names yet; runc ignores them too. */
	if (cfg_array(c, o, p, "flags", &flags) < 0)
		return -1;
	l->has_personality = true;
	return 0;
}

static int reject_unsupported(struct cfg_ctx *c, yajl_val lin,
			      const char *path)
{
	static const char *const keys[] = {
		"intelRdt", "netDevices", "timeOffsets",
	};
	char p[CFG_PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (cfg_get(lin, keys[i]) == NULL)
			continue;
		cfg_path_key(p, path, keys[i]);
		return cfg_err(c, p, "not supported");
	}
	return 0;
}

static int check_abs_paths(struct cfg_ctx *c, const char *path,
			   const char *key, char **v, size_t n)
{
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];

	cfg_path_key(p, path, key);
	for (size_t i = 0; i < n; i++) {
		if (v[i][0] == '/')
			continue;
		cfg_path_idx(ep, p, i);
		return cfg_err(c, ep, "must be an absolute path");
	}
	return 0;
}

static bool has_new_userns(const struct oci_linux *l, bool *any)
{
	*any = false;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		if (l->namespaces[i].type != OCI_NS_USER)
			continue;
		*any = true;
		return l->namespaces[i].path == NULL;
	}
	return false;
}

static int check_userns(struct cfg_ctx *c, const char *path,
			const struct oci_linux *l)
{
	char p[CFG_PATH_MAX];
	bool any, create = has_new_userns(l, &any);

	if (!any && (l->n_uid_mappings || l->n_gid_mappings)) {
		cfg_path_key(p, path, l->n_uid_mappings ? "uidMappings" :
							  "gidMappings");
		return cfg_err(c, p, "requires a user namespace in linux.namespaces");
	}
	if (create && l->n_uid_mappings == 0) {
		cfg_path_key(p, path, "uidMappings");
		return cfg_err(c, p, "required when a user namespace is created");
	}
	if (create && l->n_gid_mappings == 0) {
		cfg_path_key(p, path, "gidMappings");
		return cfg_err(c, p, "required when a user namespace is created");
	}
	return 0;
}

static int parse_sub(struct cfg_ctx *c, yajl_val lin, const char *path,
		     struct oci_linux *l)
{
	char p[CFG_PATH_MAX];
	yajl_val o = NULL;
	int r;

	r = cfg_object(c, lin, path, "resources", &o);
	if (r < 0)
		return -1;
	cfg_path_key(p, path, "resources");
	if (r > 0 && cfg_parse_resources(c, o, p, &l->resources) < 0)
		return -1;
	o = NULL;
	r = cfg_object(c, lin, path, "seccomp", &o);
	if (r < 0)
		return -1;
	cfg_path_key(p, path, "seccomp");
	if (r > 0 && cfg_parse_seccomp(c, o, p, &l->seccomp) < 0)
		return -1;
	return 0;
}

int cfg_parse_linux(struct cfg_ctx *c, yajl_val lin, const char *path,
		    struct oci_linux *l)
{
	if (reject_unsupported(c, lin, path) < 0 ||
	    parse_namespaces(c, lin, path, l) < 0 ||
	    parse_mappings(c, lin, path, "uidMappings", &l->uid_mappings,
			   &l->n_uid_mappings) < 0 ||
	    parse_mappings(c, lin, path, "gidMappings", &l->gid_mappings,
			   &l->n_gid_mappings) < 0 ||
	    check_userns(c, path, l) < 0 ||
	    parse_devices(c, lin, path, l) < 0)
		return -1;
	if (cfg_string(c, lin, path, "cgroupsPath", &l->cgroups_path) < 0 ||
	    cfg_parse_propagation(c, lin, path, "rootfsPropagation",
				  &l->rootfs_propagation) < 0 ||
	    cfg_kv(c, lin, path, "sysctl", &l->sysctl, &l->n_sysctl) < 0 ||
	    cfg_strv(c, lin, path, "maskedPaths", &l->masked_paths,
		     &l->n_masked_paths) < 0 ||
	    cfg_strv(c, lin, path, "readonlyPaths", &l->readonly_paths,
		     &l->n_readonly_paths) < 0 ||
	    check_abs_paths(c, path, "maskedPaths", l->masked_paths,
			    l->n_masked_paths) < 0 ||
	    check_abs_paths(c, path, "readonlyPaths", l->readonly_paths,
			    l->n_readonly_paths) < 0 ||
	    cfg_string(c, lin, path, "mountLabel", &l->mount_label) < 0 ||
	    parse_personality(c, lin, path, l) < 0)
		return -1;
	return parse_sub(c, lin, path, l);
}

void cfg_linux_clear(struct oci_linux *l)
{
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	oci_resources_clear(&l->resources);
	cfg_seccomp_clear(&l->seccomp);
	oci_kv_free(l->sysctl, l->n_sysctl);
	cv_strvfree(l->masked_paths);
	cv_strvfree(l->readonly_paths);
	free(l->mount_label);
	memset(l, 0, sizeof(*l));
}
