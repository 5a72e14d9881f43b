/* SPDX-License-Identifier: Apache-2.0 */
/* "hooks": prestart, createRuntime, createContainer, startContainer,
 * poststart, poststop. Each hook needs an absolute path; timeout > 0. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "oci/config_internal.h"

static int parse_hook(struct cfg_ctx *c, yajl_val o, const char *path,
		      struct oci_hook *h)
{
	char p[CFG_PATH_MAX];
	int64_t t = 0;
	int r;

	if (!YAJL_IS_OBJECT(o))
		return cfg_err(c, path, "expected an object");
	r = cfg_string(c, o, path, "path", &h->path);
	if (cfg_require(c, r, path, "path") < 0)
		return -1;
	if (h->path[0] != '/') {
		cfg_path_key(p, path, "path");
		return cfg_err(c, p, "must be an absolute path");
	}
	if (cfg_strv(c, o, path, "args", &h->args, &h->n_args) < 0 ||
	    cfg_strv(c, o, path, "env", &h->env, &h->n_env) < 0)
		return -1;
	r = cfg_i64(c, o, path, "timeout", INT64_MIN, INT32_MAX, &t,
		    &h->has_timeout);
	if (r < 0)
		return -1;
	if (h->has_timeout && t <= 0) {
		cfg_path_key(p, path, "timeout");
		return cfg_err(c, p, "must be greater than 0");
	}
	h->timeout = (int)t;
	return 0;
}

static int parse_kind(struct cfg_ctx *c, yajl_val hooks, const char *path,
		      enum oci_hook_kind k, struct oci_hooks *h)
{
	const char *key = oci_hook_kind_name(k);
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	yajl_val a = NULL;
	int r = cfg_array(c, hooks, path, key, &a);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, key);
	h->list[k] = cfg_calloc(a->u.array.len, sizeof(struct oci_hook));
	if (h->list[k] == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < a->u.array.len; i++) {
		h->n[k] = i + 1;
		cfg_path_idx(ep, p, i);
		if (parse_hook(c, a->u.array.values[i], ep, &h->list[k][i]) < 0)
			return -1;
	}
	return 0;
}

int cfg_parse_hooks(struct cfg_ctx *c, yajl_val obj, const char *path,
		    struct oci_hooks *h)
{
	for (int k = 0; k < OCI_HOOK__COUNT; k++)
		if (parse_kind(c, obj, path, (enum oci_hook_kind)k, h) < 0)
			return -1;
	return 0;
}

void cfg_hooks_clear(struct oci_hooks *h)
{
	for (int k = 0; k < OCI_HOOK__COUNT; k++) {
		for (size_t i = 0; i < h->n[k]; i++) {
			free(h->list[k][i].path);
			cv_strvfree(h->list[k][i].args);
			cv_strvfree(h->list[k][i].env);
		}
		free(h->list[k]);
	}
	memset(h, 0, sizeof(*h));
}
