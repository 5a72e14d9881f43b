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

#include <yajl/yajl_parse.h>

#include "lib/cleanup.h"
#include "lib/error.h"
#include "oci/config_internal.h"

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
 * Syntax errors are reported as "<what>:<line>:<col>: parse error: <why>",
 * the way compilers do, so an editor can jump to them: line and column are
 * 1-based and the column counts bytes. pos_err formats one for a byte
 * offset into the text.
 */
static int pos_err(struct cfg_ctx *c, const char *s, size_t len, size_t off,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int pos_err(struct cfg_ctx *c, const char *s, size_t len, size_t off,
		   const char *fmt, ...)
{
	size_t line = 1, col = 1;
	char msg[512];
	va_list ap;

	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cv_error_setx(c->err, "%s:%zu:%zu: %s", c->what, line, col,
			     msg);
}

/*
 * Checks the raw text before yajl sees it: a NUL byte, nesting deeper than
 * any config needs (yajl_tree_free recurses, so a hostile "[[[[..." could
 * exhaust the stack), and "\u0000" inside strings, which yajl decodes into
 * a C string that would silently end early ("/bin/sh\u0000x" read as
 * "/bin/sh") while other tools see the whole value.
 */
#define CFG_MAX_DEPTH 64

static int check_text(struct cfg_ctx *c, const char *s, size_t len)
{
	bool in_str = false;
	unsigned depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\0')
			return pos_err(c, s, len, i, "parse error: contains "
				       "a NUL byte");
		if (in_str) {
			if (s[i] == '"') {
				in_str = false;
			} else if (s[i] == '\\' && i + 1 < len) {
				if (s[i + 1] == 'u' && i + 5 < len &&
				    strncmp(s + i + 2, "0000", 4) == 0)
					return pos_err(c, s, len, i,
						       "parse error: strings "
						       "must not contain "
						       "\\u0000");
				i++;
			}
			continue;
		}
		if (s[i] == '"')
			in_str = true;
		else if ((s[i] == '[' || s[i] == '{') && ++depth > CFG_MAX_DEPTH)
			return pos_err(c, s, len, i, "parse error: nested "
				       "deeper than %d levels", CFG_MAX_DEPTH);
		else if ((s[i] == ']' || s[i] == '}') && depth > 0)
			depth--;
	}
	return 0;
}

/* The offset of the first byte that is not JSON white space. */
static size_t skip_ws(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && strchr(" \t\r\n", s[i]) != NULL && s[i] != '\0')
		i++;
	return i;
}

/*
 * Strict syntax check with a callback-less yajl parser, which (unlike
 * yajl_tree_parse) tells where it stopped: yajl_get_bytes_consumed. Strict
 * means what Go's encoding/json (runc, containerd) accepts: no comments
 * (yajl_tree_parse would allow them), UTF-8 validated, one value and
 * nothing after it.
 */
static int check_syntax(struct cfg_ctx *c, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char *e;
	char why[256];
	yajl_handle h;
	yajl_status st;
	size_t off;

	if (skip_ws(s, len) == len)
		return pos_err(c, s, len, len, "parse error: empty %s, "
			       "expected a JSON object",
			       len == 0 ? "file" : "text");
	h = yajl_alloc(NULL, NULL, NULL);
	if (h == NULL)
		return cv_error_set(c->err, ENOMEM, "%s", c->what);
	yajl_config(h, yajl_allow_comments, 0);
	st = yajl_parse(h, u, len);
	off = yajl_get_bytes_consumed(h);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		off = len;
	}
	if (st == yajl_status_ok) {
		yajl_free(h);
		return 0;
	}
	/* "lexical error: invalid char in json text.\n" -> the part after
	 * the first ": ", without the full stop. */
	e = yajl_get_error(h, 0, u, len);
	snprintf(why, sizeof(why), "%s",
		 e != NULL && strstr((char *)e, ": ") != NULL
			 ? strstr((char *)e, ": ") + 2 : "invalid JSON");
	if (e != NULL)
		yajl_free_error(h, e);
	yajl_free(h);
	why[strcspn(why, "\n")] = '\0';
	if (why[0] != '\0' && why[strlen(why) - 1] == '.')
		why[strlen(why) - 1] = '\0';
	/*
	 * yajl counts the byte that made it fail as consumed: step back onto
	 * it (for a bad token that is its last byte). At EOF there is no such
	 * byte, and a comment is caught before its '/' is consumed.
	 */
	if (off > 0 && off <= len && strcmp(why, "premature EOF") != 0 &&
	    strstr(why, "comment") == NULL)
		off--;
	return pos_err(c, s, len, off, "parse error: %s", why);
}

yajl_val cfg_parse_tree(struct cfg_ctx *c, const char *json, size_t len)
{
	cleanup_free char *copy = NULL;
	char ebuf[1024] = "";
	yajl_val tree;

	if (check_text(c, json, len) < 0 || check_syntax(c, json, len) < 0)
		return NULL;
	copy = strndup(json, len);
	if (copy == NULL) {
		cv_error_set(c->err, ENOMEM, "%s", c->what);
		return NULL;
	}
	tree = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
	if (tree == NULL) {
		/* check_syntax accepted it: only allocation can fail here. */
		cfg_err(c, "", "parse error: %s", ebuf[0] ? ebuf : "no memory");
		return NULL;
	}
	if (!YAJL_IS_OBJECT(tree)) {
		yajl_tree_free(tree);
		pos_err(c, json, len, skip_ws(json, len),
			"expected a JSON object at the top level");
		return NULL;
	}
	return tree;
}
