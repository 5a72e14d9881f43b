/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Typed access to the yajl tree with errors that name the JSON path.
 * Numbers are converted from yajl's unparsed text so that the full uint64
 * range works and fractions or exponents are rejected, not truncated.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/error.h"
#include "runsc/config_internal.h"

int cfg_err(struct cfg_ctx *c, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path == NULL || path[0] == '\0')
		return cv_error_setx(c->err, "%s: %s", c->what, msg);
	return cv_error_setx(c->err, "%s: %s: %s", c->what, path, msg);
}

/* The return values are checked only to tell gcc truncation is expected. */
void cfg_path_key(char *buf, const char *parent, const char *key)
{
	int n;

	if (parent == NULL || parent[0] == '\0')
		n = snprintf(buf, CFG_PATH_MAX, "%s", key);
	else
		n = snprintf(buf, CFG_PATH_MAX, "%s.%s", parent, key);
	if (n < 0)
		buf[0] = '\0';
}

void cfg_path_idx(char *buf, const char *parent, size_t idx)
{
	if (snprintf(buf, CFG_PATH_MAX, "%s[%zu]", parent, idx) < 0)
		buf[0] = '\0';
}

/*
 * With duplicate keys the last one wins, as in Go's encoding/json: the
 * tools that write and check configs (containerd, CRI-O, policy engines)
 * are mostly Go, and they must see the same value we do.
 */
yajl_val cfg_get(yajl_val obj, const char *key)
{
	yajl_val v = NULL;

	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (size_t i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			v = obj->u.object.values[i];
	return YAJL_IS_NULL(v) ? NULL : v;
}

void *cfg_calloc(size_t n, size_t sz)
{
	return calloc(n ? n : 1, sz);
}

static int typed(struct cfg_ctx *c, yajl_val obj, const char *path,
		 const char *key, yajl_type t, const char *tname, yajl_val *out)
{
	yajl_val v = cfg_get(obj, key);
	char p[CFG_PATH_MAX];

	if (v == NULL)
		return 0;
	if (v->type != t) {
		cfg_path_key(p, path, key);
		return cfg_err(c, p, "expected %s", tname);
	}
	*out = v;
	return 1;
}

int cfg_object(struct cfg_ctx *c, yajl_val obj, const char *path,
	       const char *key, yajl_val *out)
{
	return typed(c, obj, path, key, yajl_t_object, "an object", out);
}

int cfg_array(struct cfg_ctx *c, yajl_val obj, const char *path,
	      const char *key, yajl_val *out)
{
	return typed(c, obj, path, key, yajl_t_array, "an array", out);
}

int cfg_string(struct cfg_ctx *c, yajl_val obj, const char *path,
	       const char *key, char **out)
{
	yajl_val v = NULL;
	int r = typed(c, obj, path, key, yajl_t_string, "a string", &v);
	char *s;

	if (r <= 0)
		return r;
	s = strdup(v->u.string);
	if (s == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	free(*out);
	*out = s;
	return 1;
}

int cfg_bool(struct cfg_ctx *c, yajl_val obj, const char *path,
	     const char *key, bool *out, bool *has)
{
	yajl_val v = cfg_get(obj, key);
	char p[CFG_PATH_MAX];

	if (v == NULL)
		return 0;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
		cfg_path_key(p, path, key);
		return cfg_err(c, p, "expected a boolean");
	}
	*out = YAJL_IS_TRUE(v);
	if (has != NULL)
		*has = true;
	return 1;
}

static bool is_integer_text(const char *s)
{
	return s != NULL && strpbrk(s, ".eE") == NULL;
}

int cfg_val_u64(struct cfg_ctx *c, yajl_val v, const char *path,
		uint64_t max, uint64_t *out)
{
	const char *s;
	char *end;
	unsigned long long x;

	if (!YAJL_IS_NUMBER(v))
		return cfg_err(c, path, "expected a number");
	s = YAJL_GET_NUMBER(v);
	if (!is_integer_text(s))
		return cfg_err(c, path, "expected an integer, got %s", s);
	if (s[0] == '-')
		return cfg_err(c, path, "must not be negative, got %s", s);
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return cfg_err(c, path, "out of range (0 to %" PRIu64 "), got %s",
			       max, s);
	*out = x;
	return 0;
}

int cfg_val_i64(struct cfg_ctx *c, yajl_val v, const char *path,
		int64_t min, int64_t max, int64_t *out)
{
	const char *s;
	char *end;
	long long x;

	if (!YAJL_IS_NUMBER(v))
		return cfg_err(c, path, "expected a number");
	s = YAJL_GET_NUMBER(v);
	if (!is_integer_text(s))
		return cfg_err(c, path, "expected an integer, got %s", s);
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || x < min || x > max)
		return cfg_err(c, path,
			       "out of range (%" PRId64 " to %" PRId64
			       "), got %s", min, max, s);
	*out = x;
	return 0;
}

int cfg_u64(struct cfg_ctx *c, yajl_val obj, const char *path,
	    const char *key, uint64_t max, uint64_t *out, bool *has)
{
	yajl_val v = cfg_get(obj, key);
	char p[CFG_PATH_MAX];

	if (v == NULL)
		return 0;
	cfg_path_key(p, path, key);
	if (cfg_val_u64(c, v, p, max, out) < 0)
		return -1;
	if (has != NULL)
		*has = true;
	return 1;
}

int cfg_i64(struct cfg_ctx *c, yajl_val obj, const char *path,
	    const char *key, int64_t min, int64_t max, int64_t *out,
	    bool *has)
{
	yajl_val v = cfg_get(obj, key);
	char p[CFG_PATH_MAX];

	if (v == NULL)
		return 0;
	cfg_path_key(p, path, key);
	if (cfg_val_i64(c, v, p, min, max, out) < 0)
		return -1;
	if (has != NULL)
		*has = true;
	return 1;
}

int cfg_strv(struct cfg_ctx *c, yajl_val obj, const char *path,
	     const char *key, char ***out, size_t *n)
{
	yajl_val a = NULL;
	cleanup_strv char **v = NULL;
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	size_t len;
	int r = cfg_array(c, obj, path, key, &a);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, key);
	len = a->u.array.len;
	v = calloc(len + 1, sizeof(*v));
	if (v == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < len; i++) {
		yajl_val e = a->u.array.values[i];

		if (!YAJL_IS_STRING(e)) {
			cfg_path_idx(ep, p, i);
			return cfg_err(c, ep, "expected a string");
		}
		v[i] = strdup(e->u.string);
		if (v[i] == NULL)
			return cv_error_set(c->err, ENOMEM, "%s", c->what);
	}
	cv_strvfree(*out);
	*out = steal_ptr(v);
	if (n != NULL)
		*n = len;
	return 1;
}

void oci_kv_free(struct oci_kv *kv, size_t n)
{
	if (kv == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

int cfg_kv(struct cfg_ctx *c, yajl_val obj, const char *path,
	   const char *key, struct oci_kv **out, size_t *n)
{
	yajl_val o = NULL;
	struct oci_kv *kv;
	char p[CFG_PATH_MAX], ep[CFG_PATH_MAX];
	size_t len;
	int r = cfg_object(c, obj, path, key, &o);

	if (r <= 0)
		return r;
	cfg_path_key(p, path, key);
	len = o->u.object.len;
	kv = cfg_calloc(len, sizeof(*kv));
	if (kv == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	for (size_t i = 0; i < len; i++) {
		yajl_val e = o->u.object.values[i];

		if (!YAJL_IS_STRING(e)) {
			oci_kv_free(kv, i);
			cfg_path_key(ep, p, o->u.object.keys[i]);
			return cfg_err(c, ep, "expected a string");
		}
		kv[i].key = strdup(o->u.object.keys[i]);
		kv[i].value = strdup(e->u.string);
		if (kv[i].key == NULL || kv[i].value == NULL) {
			oci_kv_free(kv, i + 1);
			return cv_error_set(c->err, ENOMEM, "%s", c->what);
		}
	}
	oci_kv_free(*out, *n);
	*out = kv;
	*n = len;
	return 1;
}

int cfg_require(struct cfg_ctx *c, int found, const char *path,
		const char *key)
{
	char p[CFG_PATH_MAX];

	if (found < 0)
		return found;
	if (found > 0)
		return 0;
	cfg_path_key(p, path, key);
	return cfg_err(c, p, "required");
}

char *cfg_clean_path(const char *path)
{
	size_t len = strlen(path), o = 0;
	char *out = malloc(len + 2);
	const char *s = path;

	if (out == NULL)
		return NULL;
	out[o++] = '/';
	while (*s != '\0') {
		const char *e;
		size_t n;

		while (*s == '/')
			s++;
		e = s;
		while (*e != '\0' && *e != '/')
			e++;
		n = (size_t)(e - s);
		if (n == 0 || (n == 1 && s[0] == '.')) {
			/* nothing */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			while (o > 1 && out[o - 1] != '/')
				o--;
		} else {
			memcpy(out + o, s, n);
			o += n;
			out[o++] = '/';
		}
		s = e;
	}
	if (o > 1)
		o--;
	out[o] = '\0';
	return out;
}

/*
 * Checks the raw text before yajl sees it: nesting deeper than any config
 * needs (yajl_tree_free recurses, so a hostile "[[[[..." could exhaust the
 * stack), and "\u0000" inside strings, which yajl decodes into a C string
 * that would silently end early ("/bin/sh\u0000x" read as "/bin/sh") while
 * other tools see the whole value.
 */
#define CFG_MAX_DEPTH 64

static int check_text(struct cfg_ctx *c, const char *s, size_t len)
{
	bool in_str = false;
	unsigned depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (in_str) {
			if (s[i] == '"') {
				in_str = false;
			} else if (s[i] == '\\' && i + 1 < len) {
				if (s[i + 1] == 'u' && i + 5 < len &&
				    strncmp(s + i + 2, "0000", 4) == 0)
					return cfg_err(c, "", "parse error: "
						       "strings must not contain \\u0000");
				i++;
			}
			continue;
		}
		if (s[i] == '"')
			in_str = true;
		else if ((s[i] == '[' || s[i] == '{') && ++depth > CFG_MAX_DEPTH)
			return cfg_err(c, "", "parse error: nested deeper than %d levels",
				       CFG_MAX_DEPTH);
		else if ((s[i] == ']' || s[i] == '}') && depth > 0)
			depth--;
	}
	return 0;
}

/*
 * yajl's verbose message is three lines: the error, the text around it and
 * a caret. Logs want one line: "parse error: premature EOF near '{"a": '".
 */
static void yajl_message(struct cfg_ctx *c, char *ebuf)
{
	char *nl = strchr(ebuf, '\n'), *near = NULL, *e;

	if (nl != NULL) {
		*nl = '\0';
		near = nl + 1;
		near += strspn(near, " \t");
		e = strchr(near, '\n');
		if (e != NULL)
			*e = '\0';
		for (e = near + strlen(near); e > near && e[-1] == ' ';)
			*--e = '\0';
	}
	if (ebuf[0] == '\0')
		strcpy(ebuf, "parse error");
	if (near != NULL && near[0] != '\0')
		cfg_err(c, "", "%s near '%s'", ebuf, near);
	else
		cfg_err(c, "", "%s", ebuf);
}

yajl_val cfg_parse_tree(struct cfg_ctx *c, const char *json, size_t len)
{
	cleanup_free char *copy = NULL;
	char ebuf[1024] = "";
	yajl_val tree;

	if (memchr(json, '\0', len) != NULL) {
		cfg_err(c, "", "parse error: contains a NUL byte");
		return NULL;
	}
	if (check_text(c, json, len) < 0)
		return NULL;
	copy = strndup(json, len);
	if (copy == NULL) {
		cv_error_set(c->err, ENOMEM, "%s", c->what);
		return NULL;
	}
	tree = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
	if (tree == NULL) {
		yajl_message(c, ebuf);
		return NULL;
	}
	if (!YAJL_IS_OBJECT(tree)) {
		yajl_tree_free(tree);
		cfg_err(c, "", "expected a JSON object at the top level");
		return NULL;
	}
	return tree;
}
