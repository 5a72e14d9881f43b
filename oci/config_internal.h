/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to oci/config*.c: the parse context, typed accessors over the
 * yajl tree that report errors with a JSON path, and the per-area parsers.
 *
 * Every accessor takes the object, the JSON path of that object ("" at the
 * top) and a key; on a type or range error it fills ctx->err with
 *	<what>: <path>.<key>: <message>
 * and returns < 0. Absent keys and JSON null both mean "not given" (as in
 * Go's decoding, which runc uses).
 *
 * Unknown keys are ignored everywhere, as runc does: the runtime spec lets
 * configs carry extensions, and newer spec versions add fields that older
 * runtimes must tolerate. Fields that are known but not supported by cvisor
 * (idmapped mounts, intelRdt, seccomp notify, netDevices) are rejected.
 */
#ifndef CV_OCI_CONFIG_INTERNAL_H
#define CV_OCI_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "oci/config.h"

#define CFG_PATH_MAX 256

struct cfg_ctx {
	const char *what;	/* "config.json" */
	struct cv_error **err;
};

/* Reports "<what>: <path>: <message>" (path may be ""); returns -1. */
int cfg_err(struct cfg_ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Child paths: "a.b" or "b" at the top; "a[3]". Truncated if too long. */
void cfg_path_key(char *buf, const char *parent, const char *key);
void cfg_path_idx(char *buf, const char *parent, size_t idx);

/* The member "key" of obj, NULL when absent or JSON null. */
yajl_val cfg_get(yajl_val obj, const char *key);

/* Typed getters: 0 when absent (out untouched, *has false), 1 when found,
 * < 0 on a type or range error. has may be NULL. */
int cfg_object(struct cfg_ctx *c, yajl_val obj, const char *path,
	       const char *key, yajl_val *out);
int cfg_array(struct cfg_ctx *c, yajl_val obj, const char *path,
	      const char *key, yajl_val *out);
int cfg_string(struct cfg_ctx *c, yajl_val obj, const char *path,
	       const char *key, char **out);
int cfg_bool(struct cfg_ctx *c, yajl_val obj, const char *path,
	     const char *key, bool *out, bool *has);
int cfg_u64(struct cfg_ctx *c, yajl_val obj, const char *path,
	    const char *key, uint64_t max, uint64_t *out, bool *has);
int cfg_i64(struct cfg_ctx *c, yajl_val obj, const char *path,
	    const char *key, int64_t min, int64_t max, int64_t *out,
	    bool *has);
/* Array of strings into a NULL-terminated vector (n may be NULL). */
int cfg_strv(struct cfg_ctx *c, yajl_val obj, const char *path,
	     const char *key, char ***out, size_t *n);
/* Object of string values. */
int cfg_kv(struct cfg_ctx *c, yajl_val obj, const char *path,
	   const char *key, struct oci_kv **out, size_t *n);

/* Value-level conversions (path names the value itself). */
int cfg_val_u64(struct cfg_ctx *c, yajl_val v, const char *path,
		uint64_t max, uint64_t *out);
int cfg_val_i64(struct cfg_ctx *c, yajl_val v, const char *path,
		int64_t min, int64_t max, int64_t *out);

/* A required member: reports "<path>.<key>: required" when missing. */
int cfg_require(struct cfg_ctx *c, int found, const char *path,
		const char *key);

/* zero-initialised array of n elements of size sz (n may be 0). */
void *cfg_calloc(size_t n, size_t sz);

void oci_kv_free(struct oci_kv *kv, size_t n);

/* Lexically cleans an absolute path ("//a/./b/../c/" -> "/a/c"). */
char *cfg_clean_path(const char *path);

/* Per-area parsers; obj is the JSON object at path. */
int cfg_parse_process(struct cfg_ctx *c, yajl_val obj, const char *path,
		      struct oci_process *p);
int cfg_parse_mounts(struct cfg_ctx *c, yajl_val arr, const char *path,
		     struct oci_spec *s);
void cfg_mount_clear(struct oci_mount *m);
int cfg_parse_linux(struct cfg_ctx *c, yajl_val obj, const char *path,
		    struct oci_linux *l);
void cfg_linux_clear(struct oci_linux *l);
int cfg_parse_seccomp(struct cfg_ctx *c, yajl_val obj, const char *path,
		      struct oci_seccomp *s);
void cfg_seccomp_clear(struct oci_seccomp *s);
int cfg_parse_resources(struct cfg_ctx *c, yajl_val obj, const char *path,
			struct oci_resources *r);
int cfg_parse_hooks(struct cfg_ctx *c, yajl_val obj, const char *path,
		    struct oci_hooks *h);
void cfg_hooks_clear(struct oci_hooks *h);
int cfg_parse_propagation(struct cfg_ctx *c, yajl_val obj, const char *path,
			  const char *key, enum oci_propagation *out);

/* Name tables (config_names.c). */
int cfg_ns_from_name(const char *name);			/* or -1 */
int cfg_propagation_from_name(const char *name);	/* or -1 */

/* Parses a JSON text; on a syntax error reports "<what>: <yajl message>". */
yajl_val cfg_parse_tree(struct cfg_ctx *c, const char *json, size_t len);

#endif
