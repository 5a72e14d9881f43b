/* SPDX-License-Identifier: Apache-2.0 */
/*
 * "root" and "mounts". Mount options are split the way runc does: the
 * options mount(2) knows become MS_* flags to set or clear, propagation
 * options become the mount's propagation, the recursive "r*" forms become
 * mount_setattr attributes, and every other option is passed through as
 * filesystem data ("mode=755,size=65536k").
 */
#include <errno.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "lib/cleanup.h"
#include "oci/config_internal.h"

enum opt_kind { OPT_FLAG, OPT_PROP, OPT_REC };

struct mount_opt {
	const char *name;
	enum opt_kind kind;
	unsigned long set, clr;	/* MS_* or MOUNT_ATTR_* (OPT_REC) */
	enum oci_propagation prop;
};

#define F(n, s, c) { n, OPT_FLAG, s, c, OCI_PROP_NONE }
#define P(n, p) { n, OPT_PROP, 0, 0, p }
#define R(n, s, c) { n, OPT_REC, s, c, OCI_PROP_NONE }

static const struct mount_opt mount_opts[] = {
	F("defaults", 0, 0),
	F("async", 0, MS_SYNCHRONOUS),
	F("sync", MS_SYNCHRONOUS, 0),
	F("atime", 0, MS_NOATIME),
	F("noatime", MS_NOATIME, 0),
	F("bind", MS_BIND, 0),
	F("rbind", MS_BIND | MS_REC, 0),
	F("dev", 0, MS_NODEV),
	F("nodev", MS_NODEV, 0),
	F("diratime", 0, MS_NODIRATIME),
	F("nodiratime", MS_NODIRATIME, 0),
	F("dirsync", MS_DIRSYNC, 0),
	F("exec", 0, MS_NOEXEC),
	F("noexec", MS_NOEXEC, 0),
	F("iversion", MS_I_VERSION, 0),
	F("noiversion", 0, MS_I_VERSION),
	F("lazytime", MS_LAZYTIME, 0),
	F("nolazytime", 0, MS_LAZYTIME),
	F("silent", MS_SILENT, 0),
	F("loud", 0, MS_SILENT),
	F("mand", MS_MANDLOCK, 0),
	F("nomand", 0, MS_MANDLOCK),
	F("relatime", MS_RELATIME, 0),
	F("norelatime", 0, MS_RELATIME),
	F("strictatime", MS_STRICTATIME, 0),
	F("nostrictatime", 0, MS_STRICTATIME),
	F("remount", MS_REMOUNT, 0),
	F("ro", MS_RDONLY, 0),
	F("rw", 0, MS_RDONLY),
	F("suid", 0, MS_NOSUID),
	F("nosuid", MS_NOSUID, 0),
	F("symfollow", 0, MS_NOSYMFOLLOW),
	F("nosymfollow", MS_NOSYMFOLLOW, 0),
	P("private", OCI_PROP_PRIVATE),
	P("rprivate", OCI_PROP_RPRIVATE),
	P("shared", OCI_PROP_SHARED),
	P("rshared", OCI_PROP_RSHARED),
	P("slave", OCI_PROP_SLAVE),
	P("rslave", OCI_PROP_RSLAVE),
	P("unbindable", OCI_PROP_UNBINDABLE),
	P("runbindable", OCI_PROP_RUNBINDABLE),
	R("rro", MOUNT_ATTR_RDONLY, 0),
	R("rrw", 0, MOUNT_ATTR_RDONLY),
	R("rnosuid", MOUNT_ATTR_NOSUID, 0),
	R("rsuid", 0, MOUNT_ATTR_NOSUID),
	R("rnodev", MOUNT_ATTR_NODEV, 0),
	R("rdev", 0, MOUNT_ATTR_NODEV),
	R("rnoexec", MOUNT_ATTR_NOEXEC, 0),
	R("rexec", 0, MOUNT_ATTR_NOEXEC),
	R("rnodiratime", MOUNT_ATTR_NODIRATIME, 0),
	R("rdiratime", 0, MOUNT_ATTR_NODIRATIME),
	R("rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME),
	R("rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME),
	R("rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME),
	R("ratime", 0, MOUNT_ATTR_NOATIME),
	R("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0),
	R("rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW),
};

/* Options we recognise but cannot honour. */
static const char *const unsupported_opts[] = {
	"idmap", "ridmap", "tmpcopyup",
};

static const struct mount_opt *find_opt(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_opts); i++)
		if (strcmp(mount_opts[i].name, name) == 0)
			return &mount_opts[i];
	return NULL;
}

static void apply_opt(struct oci_mount *m, const struct mount_opt *o)
{
	switch (o->kind) {
	case OPT_FLAG:
		m->flags = (m->flags & ~o->clr) | o->set;
		m->clear_flags = (m->clear_flags & ~o->set) | o->clr;
		break;
	case OPT_PROP:
		m->propagation = o->prop;
		break;
	case OPT_REC:
		m->rec_attr_clr = (m->rec_attr_clr & ~o->set) | o->clr;
		/* rrelatime: clear the atime field, set the value 0. */
		m->rec_attr_set = (m->rec_attr_set & ~o->clr) | o->set;
		break;
	}
}

/* Appends opt to m->data; *len tracks its length (no rescans). */
static int add_data(struct cfg_ctx *c, struct oci_mount *m, size_t *len,
		    const char *opt)
{
	size_t n = strlen(opt);
	char *d = realloc(m->data, *len + n + 2);

	if (d == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	if (*len)
		d[(*len)++] = ',';
	memcpy(d + *len, opt, n + 1);
	*len += n;
	m->data = d;
	return 0;
}

static bool is_unsupported(const char *opt)
{
	for (size_t j = 0; j < ARRAY_SIZE(unsupported_opts); j++)
		if (strcmp(opt, unsupported_opts[j]) == 0)
			return true;
	return false;
}

static int parse_options(struct cfg_ctx *c, const char *op, struct oci_mount *m)
{
	char ep[CFG_PATH_MAX];
	size_t len = 0;

	for (size_t i = 0; i < m->n_options; i++) {
		const char *s = m->options[i];
		const struct mount_opt *o = find_opt(s);

		if (is_unsupported(s)) {
			cfg_path_idx(ep, op, i);
			return cfg_err(c, ep, "mount option \"%s\" is not supported", s);
		}
		if (s[0] == '\0')
			continue;
		if (o != NULL)
			apply_opt(m, o);
		else if (add_data(c, m, &len, s) < 0)
			return -1;
	}
	return 0;
}

static int set_bind(struct cfg_ctx *c, const char *path, struct oci_mount *m)
{
	char tp[CFG_PATH_MAX];

	if (m->type != NULL && strcmp(m->type, "bind") == 0 &&
	    !(m->flags & MS_BIND))
		m->flags |= MS_BIND;
	if (!(m->flags & MS_BIND)) {
		if (m->type == NULL || m->type[0] == '\0') {
			cfg_path_key(tp, path, "type");
			return cfg_err(c, tp, "required unless options contain bind or rbind");
		}
		return 0;
	}
	m->is_bind = true;
	m->recursive = (m->flags & MS_REC) != 0;
	if (m->type == NULL || strcmp(m->type, "bind") != 0) {
		free(m->type);
		m->type = strdup("bind");
		if (m->type == NULL)
			return cv_error_set(c->err, ENOMEM, "%s", c->what);
	}
	if (m->source == NULL || m->source[0] == '\0') {
		cfg_path_key(tp, path, "source");
		return cfg_err(c, tp, "required for bind mounts");
	}
	return 0;
}

static int parse_mount(struct cfg_ctx *c, yajl_val o, const char *path,
		       struct oci_mount *m)
{
	cleanup_free char *dest = NULL;
	char p[CFG_PATH_MAX];
	int r;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_string(c, o, path, "destination", &dest);
	if (cfg_require(c, r, path, "destination") < 0)
		return -1;
	cfg_path_key(p, path, "destination");
	if (dest[0] != '/')
		return cfg_err(c, p, "must be an absolute path");
	m->destination = cfg_clean_path(dest);
	if (m->destination == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	if (cfg_get(o, "uidMappings") != NULL || cfg_get(o, "gidMappings") != NULL) {
		cfg_path_key(p, path, cfg_get(o, "uidMappings") ? "uidMappings" :
								  "gidMappings");
		return cfg_err(c, p, "idmapped mounts are not supported");
	}
	if (cfg_string(c, o, path, "type", &m->type) < 0 ||
	    cfg_string(c, o, path, "source", &m->source) < 0 ||
	    cfg_strv(c, o, path, "options", &m->options, &m->n_options) < 0)
		return -1;
	cfg_path_key(p, path, "options");
	if (parse_options(c, p, m) < 0)
		return -1;
	return set_bind(c, path, m);
}

void cfg_mount_clear(struct oci_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	cv_strvfree(m->options);
	free(m->data);
	memset(m, 0, sizeof(*m));
}

int cfg_parse_mounts(struct cfg_ctx *c, yajl_val arr, const char *path,
		     struct oci_spec *s)
{
	char ep[CFG_PATH_MAX];
	size_t n;

	if (!YAJL_IS_ARRAY(arr))
		return cfg_err(c, path, "expected an array");
	n = arr->u.array.len;
	s->mounts = cfg_calloc(n, sizeof(struct oci_mount));
	if (s->mounts == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < n; i++) {
		/* Counted first so that a failure frees what was parsed. */
		s->n_mounts = i + 1;
		cfg_path_idx(ep, path, i);
		if (parse_mount(c, arr->u.array.values[i], ep, &s->mounts[i]) < 0)
			return -1;
	}
	return 0;
}
