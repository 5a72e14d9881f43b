/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json entry points: load, parse, free and the small helpers over a
 * parsed spec. The per-area parsers live in config_process.c,
 * config_mounts.c, config_linux.c, config_resources.c, config_seccomp.c and
 * config_hooks.c; see config_internal.h for the conventions (errors name a
 * JSON path; unknown keys are ignored as runc does).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "oci/config_internal.h"

static void tree_freep(yajl_val *v)
{
	if (*v != NULL)
		yajl_tree_free(*v);
}

#define cleanup_tree __attribute__((cleanup(tree_freep)))

static int parse_version(struct cfg_ctx *c, yajl_val top, struct oci_spec *s)
{
	int r = cfg_string(c, top, "", "ociVersion", &s->oci_version);

	if (cfg_require(c, r, "", "ociVersion") < 0)
		return -1;
	if (strncmp(s->oci_version, "1.", 2) != 0)
		return cfg_err(c, "ociVersion",
			       "unsupported version \"%s\" (want 1.x)",
			       s->oci_version);
	return 0;
}

static int parse_root(struct cfg_ctx *c, yajl_val top, struct oci_spec *s)
{
	yajl_val o = NULL;
	int r = cfg_object(c, top, "", "root", &o);

	if (cfg_require(c, r, "", "root") < 0)
		return -1;
	r = cfg_string(c, o, "root", "path", &s->root.path);
	if (cfg_require(c, r, "root", "path") < 0)
		return -1;
	if (s->root.path[0] == '\0')
		return cfg_err(c, "root.path", "must not be empty");
	return cfg_bool(c, o, "root", "readonly", &s->root.readonly, NULL);
}

static int check_hostname(struct cfg_ctx *c, const struct oci_spec *s)
{
	const struct oci_namespace *uts = oci_spec_namespace(s, OCI_NS_UTS);

	if ((s->hostname == NULL || s->hostname[0] == '\0') &&
	    (s->domainname == NULL || s->domainname[0] == '\0'))
		return 0;
	/* As runc: a joined uts namespace (with a path) is accepted too. */
	if (uts == NULL)
		return cfg_err(c, s->hostname ? "hostname" : "domainname",
			       "requires a uts namespace in linux.namespaces");
	return 0;
}

static int parse_top(struct cfg_ctx *c, yajl_val top, struct oci_spec *s)
{
	yajl_val o = NULL;
	int r;

	if (parse_version(c, top, s) < 0 || parse_root(c, top, s) < 0)
		return -1;
	r = cfg_object(c, top, "", "process", &o);
	if (r < 0 || (r > 0 && cfg_parse_process(c, o, "process",
						 &s->process) < 0))
		return -1;
	s->has_process = r > 0;
	if (cfg_string(c, top, "", "hostname", &s->hostname) < 0 ||
	    cfg_string(c, top, "", "domainname", &s->domainname) < 0 ||
	    cfg_kv(c, top, "", "annotations", &s->annotations,
		   &s->n_annotations) < 0)
		return -1;
	o = NULL;
	r = cfg_array(c, top, "", "mounts", &o);
	if (r < 0 || (r > 0 && cfg_parse_mounts(c, o, "mounts", s) < 0))
		return -1;
	o = NULL;
	r = cfg_object(c, top, "", "hooks", &o);
	if (r < 0 || (r > 0 && cfg_parse_hooks(c, o, "hooks", &s->hooks) < 0))
		return -1;
	o = NULL;
	r = cfg_object(c, top, "", "linux", &o);
	if (r < 0 || (r > 0 && cfg_parse_linux(c, o, "linux", &s->linux_) < 0))
		return -1;
	s->has_linux = r > 0;
	return check_hostname(c, s);
}

int oci_spec_parse(const char *json, size_t len, const char *what,
		   struct oci_spec **out, struct cv_error **err)
{
	struct cfg_ctx c = { what ? what : "config.json", err };
	cleanup_spec struct oci_spec *s = NULL;
	cleanup_tree yajl_val top = NULL;

	*out = NULL;
	top = cfg_parse_tree(&c, json, len);
	if (top == NULL)
		return -1;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return cv_error_set(err, ENOMEM, "%s", c.what);
	if (parse_top(&c, top, s) < 0)
		return -1;
	*out = steal_ptr(s);
	return 0;
}

static char *join_clean(const char *dir, const char *path)
{
	cleanup_free char *j = NULL;

	if (path[0] == '/')
		return cfg_clean_path(path);
	if (asprintf(&j, "%s/%s", dir, path) < 0)
		return NULL;
	return cfg_clean_path(j);
}

/*
 * No real config comes near this; a bigger file is a mistake (or an attack
 * on the memory of every runsc invocation that loads it) and is refused
 * before it is read.
 */
#define CONFIG_MAX_SIZE (16u << 20)

static int read_config(const char *file, char **json, size_t *len,
		       struct cv_error **err)
{
	struct stat sb;

	if (stat(file, &sb) < 0)
		return cv_error_set(err, errno, "%s", file);
	if (!S_ISREG(sb.st_mode))
		return cv_error_setx(err, "%s: not a regular file", file);
	if (sb.st_size > (off_t)CONFIG_MAX_SIZE)
		return cv_error_setx(err, "%s: too large (%lld bytes, the "
				     "limit is %u MiB)", file,
				     (long long)sb.st_size,
				     CONFIG_MAX_SIZE >> 20);
	if (cv_read_file(file, json, len, err) < 0)
		return -1;
	if (*len > CONFIG_MAX_SIZE)
		return cv_error_setx(err, "%s: too large (the limit is %u "
				     "MiB)", file, CONFIG_MAX_SIZE >> 20);
	return 0;
}

/* ---- LSMs --------------------------------------------------------------- */

static bool file_starts_with(const char *path, const char *prefix)
{
	char buf[64] = "";
	FILE *f = fopen(path, "re");
	bool r;

	if (f == NULL)
		return false;
	r = fgets(buf, sizeof(buf), f) != NULL &&
	    strncmp(buf, prefix, strlen(prefix)) == 0;
	fclose(f);
	return r;
}

/* As libapparmor's aa_is_enabled: the module parameter says Y. */
bool oci_host_has_apparmor(void)
{
	return file_starts_with("/sys/module/apparmor/parameters/enabled", "Y");
}

/* As libselinux: selinuxfs is mounted (it is only while SELinux runs). */
bool oci_host_has_selinux(void)
{
	return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

int oci_check_lsm(const struct oci_process *p, const char *mount_label,
		  const char *what, struct cv_error **err)
{
	if (p->apparmor_profile != NULL && p->apparmor_profile[0] != '\0' &&
	    !oci_host_has_apparmor())
		return cv_error_setx(err, "%s: process.apparmorProfile: \"%s\": "
				     "AppArmor is not enabled on this host",
				     what, p->apparmor_profile);
	if (p->selinux_label != NULL && p->selinux_label[0] != '\0' &&
	    !oci_host_has_selinux())
		return cv_error_setx(err, "%s: process.selinuxLabel: \"%s\": "
				     "SELinux is not enabled on this host",
				     what, p->selinux_label);
	if (mount_label == NULL || mount_label[0] == '\0')
		return 0;
	if (!oci_host_has_selinux())
		return cv_error_setx(err, "%s: linux.mountLabel: \"%s\": SELinux "
				     "is not enabled on this host", what,
				     mount_label);
	return cv_error_setx(err, "%s: linux.mountLabel: \"%s\": not supported "
			     "(mount labels are not applied to the container's "
			     "mounts)", what, mount_label);
}

int oci_spec_load(const char *bundle, struct oci_spec **out,
		  struct cv_error **err)
{
	cleanup_spec struct oci_spec *s = NULL;
	cleanup_free char *abs = NULL, *file = NULL, *json = NULL;
	size_t len = 0;

	*out = NULL;
	if (bundle == NULL || bundle[0] == '\0')
		bundle = ".";
	abs = realpath(bundle, NULL);
	if (abs == NULL)
		return cv_error_set(err, errno, "bundle %s", bundle);
	if (asprintf(&file, "%s/config.json", abs) < 0)
		return cv_error_set(err, ENOMEM, "bundle %s", bundle);
	if (read_config(file, &json, &len, err) < 0)
		return -1;
	if (oci_spec_parse(json, len, file, &s, err) < 0 ||
	    oci_check_lsm(&s->process, s->linux_.mount_label, file, err) < 0)
		return -1;
	s->rootfs = join_clean(abs, s->root.path);
	if (s->rootfs == NULL)
		return cv_error_set(err, ENOMEM, "config.json");
	s->bundle = steal_ptr(abs);
	*out = steal_ptr(s);
	return 0;
}

int oci_process_parse(const char *json, size_t len, const char *what,
		      struct oci_process *out, struct cv_error **err)
{
	struct cfg_ctx c = { what ? what : "process.json", err };
	cleanup_tree yajl_val top = NULL;

	memset(out, 0, sizeof(*out));
	top = cfg_parse_tree(&c, json, len);
	if (top == NULL)
		return -1;
	if (cfg_parse_process(&c, top, "", out) < 0) {
		oci_process_clear(out);
		return -1;
	}
	return 0;
}

int oci_resources_parse(const char *json, size_t len, const char *what,
			struct oci_resources *out, struct cv_error **err)
{
	struct cfg_ctx c = { what ? what : "resources.json", err };
	cleanup_tree yajl_val top = NULL;

	memset(out, 0, sizeof(*out));
	top = cfg_parse_tree(&c, json, len);
	if (top == NULL)
		return -1;
	if (cfg_parse_resources(&c, top, "", out) < 0) {
		oci_resources_clear(out);
		return -1;
	}
	return 0;
}

void oci_spec_free(struct oci_spec *s)
{
	if (s == NULL)
		return;
	free(s->oci_version);
	free(s->root.path);
	oci_process_clear(&s->process);
	free(s->hostname);
	free(s->domainname);
	for (size_t i = 0; i < s->n_mounts; i++)
		cfg_mount_clear(&s->mounts[i]);
	free(s->mounts);
	cfg_hooks_clear(&s->hooks);
	oci_kv_free(s->annotations, s->n_annotations);
	cfg_linux_clear(&s->linux_);
	free(s->bundle);
	free(s->rootfs);
	free(s);
}

const struct oci_namespace *oci_spec_namespace(const struct oci_spec *spec,
					       enum oci_ns_type type)
{
	const struct oci_linux *l = &spec->linux_;

	for (size_t i = 0; i < l->n_namespaces; i++)
		if (l->namespaces[i].type == type)
			return &l->namespaces[i];
	return NULL;
}

const char *oci_spec_annotation(const struct oci_spec *spec, const char *key)
{
	for (size_t i = 0; i < spec->n_annotations; i++)
		if (strcmp(spec->annotations[i].key, key) == 0)
			return spec->annotations[i].value;
	return NULL;
}
