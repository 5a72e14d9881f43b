// SPDX-License-Identifier: Apache-2.0
/*
 * Lexical path helpers for routing: which paths the sentry serves itself.
 * Pure functions (no system calls), unit-tested in tests/unit/test_fs_path.c.
 */
#include <errno.h>
#include <string.h>

#include "sentry/synth.h"

/* Appends one component to out (length *n), handling "." and "..". */
static int push_component(char *out, size_t cap, size_t *n, const char *comp,
			  size_t clen)
{
	if (clen == 1 && comp[0] == '.')
		return 0;
	if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
		while (*n > 1 && out[*n - 1] != '/')
			(*n)--;
		if (*n > 1)
			(*n)--;
		out[*n] = '\0';
		return 0;
	}
	if (*n + (*n > 1) + clen + 1 > cap)
		return -ENAMETOOLONG;
	if (*n > 1)
		out[(*n)++] = '/';
	memcpy(out + *n, comp, clen);
	*n += clen;
	out[*n] = '\0';
	return 0;
}

static int push_path(char *out, size_t cap, size_t *n, const char *path)
{
	const char *p = path;

	while (*p != '\0') {
		const char *end;
		int ret;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchrnul(p, '/');
		ret = push_component(out, cap, n, p, (size_t)(end - p));
		if (ret < 0)
			return ret;
		p = end;
	}
	return 0;
}

int vtree_path_clean(char *out, size_t cap, const char *base, const char *path)
{
	size_t n = 1;
	int ret;

	if (cap < 2)
		return -ENAMETOOLONG;
	out[0] = '/';
	out[1] = '\0';
	if (path[0] != '/' && base != NULL) {
		ret = push_path(out, cap, &n, base);
		if (ret < 0)
			return ret;
	}
	return push_path(out, cap, &n, path);
}

/* path is prefix, or prefix followed by "/..." */
static bool under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

bool vtree_path_is_virtual(const char *clean)
{
	return under(clean, "/proc") || under(clean, "/sys") ||
	       under(clean, "/dev/fd") || strcmp(clean, "/dev/stdin") == 0 ||
	       strcmp(clean, "/dev/stdout") == 0 ||
	       strcmp(clean, "/dev/stderr") == 0;
}

static bool first_is(const char *path, const char *name)
{
	size_t n = strlen(name);

	return strncmp(path, name, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

bool vtree_relative_may_be_virtual(const char *path)
{
	static const char *const firsts[] = {
		"proc", "sys", "dev", "fd", "stdin", "stdout", "stderr",
	};
	const char *p = path;

	for (;;) {
		if (*p == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else
			break;
	}
	for (size_t i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++)
		if (first_is(p, firsts[i]))
			return true;
	for (p = path; *p != '\0'; p++) {
		if (p[0] == '.' && p[1] == '.' && (p == path || p[-1] == '/') &&
		    (p[2] == '\0' || p[2] == '/'))
			return true;
	}
	return false;
}
