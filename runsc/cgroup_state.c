/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A cgroup's persistent form, stored in state.json so a later runsc
 * invocation (kill, pause, events, delete) finds the same directories
 * without re-deriving them from a config that may have changed:
 *	{"mode":"hybrid","path":"/cvisor/x","unified":"/sys/fs/cgroup/unified/cvisor/x",
 *	 "dirs":{"memory":"/sys/fs/cgroup/memory/cvisor/x",...}}
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "lib/cleanup.h"
#include "runsc/cgroup_priv.h"

static void gs(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

int cgroup_to_json(const struct cgroup *cg, char **json)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (g == NULL)
		return -ENOMEM;
	yajl_gen_map_open(g);
	gs(g, "mode");
	gs(g, cgroup_mode_name(cg->mode));
	gs(g, "path");
	gs(g, cg->path);
	if (cg->unified != NULL) {
		gs(g, "unified");
		gs(g, cg->unified);
	}
	gs(g, "dirs");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < cg->n_dirs; i++) {
		gs(g, cg->dirs[i].ctls);
		gs(g, cg->dirs[i].dir);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return -ENOMEM;
	}
	*json = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return *json ? 0 : -ENOMEM;
}

static const char *str_at(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);

	return v ? YAJL_GET_STRING(v) : NULL;
}

static int mode_from(const char *s, enum cgroup_mode *m)
{
	for (int i = CGROUP_MODE_V1; i <= CGROUP_MODE_V2; i++)
		if (s != NULL && strcmp(s, cgroup_mode_name(i)) == 0) {
			*m = i;
			return 0;
		}
	return -1;
}

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/*
 * Absolute, no "..", and (if it still exists) on a cgroup filesystem:
 * destroy removes directories and kills what their cgroup.procs list, so a
 * damaged state file must not point it anywhere else.
 */
static bool safe_dir(const char *d)
{
	struct statfs sfs;

	if (d == NULL || d[0] != '/' || strstr(d, "/..") != NULL)
		return false;
	if (statfs(d, &sfs) < 0)
		return true;	/* already gone: destroy has nothing to do */
	return sfs.f_type == CGROUP_SUPER_MAGIC ||
	       sfs.f_type == CGROUP2_SUPER_MAGIC;
}

static int load_dirs(struct cgroup *cg, yajl_val dirs, struct cv_error **err)
{
	size_t n = YAJL_IS_OBJECT(dirs) ? dirs->u.object.len : 0;

	if (n == 0)
		return 0;
	cg->dirs = calloc(n, sizeof(*cg->dirs));
	if (cg->dirs == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	for (size_t i = 0; i < n; i++) {
		yajl_val v = dirs->u.object.values[i];
		struct cgroup_dir *d = &cg->dirs[cg->n_dirs];
		const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

		if (s == NULL || !safe_dir(s))
			return cv_error_setx(err, "cgroup state: bad dirs entry");
		d->ctls = strdup(dirs->u.object.keys[i]);
		d->dir = strdup(s);
		cg->n_dirs++;
		if (d->ctls == NULL || d->dir == NULL)
			return cv_error_set(err, ENOMEM, "cgroup");
	}
	return 0;
}

int cgroup_from_json(const char *json, struct cgroup **out,
		     struct cv_error **err)
{
	cleanup_cgroup struct cgroup *cg = NULL;
	char ebuf[256] = "";
	yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	const char *path[] = { "dirs", NULL };
	const char *s;
	int rc = -1;

	if (root == NULL)
		return cv_error_setx(err, "cgroup state: %s", ebuf);
	cg = calloc(1, sizeof(*cg));
	if (cg == NULL) {
		cv_error_set(err, ENOMEM, "cgroup");
		goto out;
	}
	if (mode_from(str_at(root, "mode"), &cg->mode) < 0) {
		cv_error_setx(err, "cgroup state: bad or missing \"mode\"");
		goto out;
	}
	s = str_at(root, "path");
	if (s == NULL || (cg->path = strdup(s)) == NULL) {
		cv_error_setx(err, "cgroup state: missing \"path\"");
		goto out;
	}
	s = str_at(root, "unified");
	if (s != NULL && (!safe_dir(s) || (cg->unified = strdup(s)) == NULL)) {
		cv_error_setx(err, "cgroup state: bad \"unified\"");
		goto out;
	}
	if (load_dirs(cg, yajl_tree_get(root, path, yajl_t_object), err) < 0)
		goto out;
	if (cg->unified == NULL && cg->n_dirs == 0) {
		cv_error_setx(err, "cgroup state: no directories");
		goto out;
	}
	*out = steal_ptr(cg);
	rc = 0;
out:
	yajl_tree_free(root);
	return rc;
}
