// SPDX-License-Identifier: Apache-2.0
/*
 * The file system options of /proc/<pid>/mounts and mountinfo's super
 * block field, from the options a mount was made with, as Linux prints
 * them (shmem_show_options, devpts_show_options): the last of a repeated
 * option wins, a default is not shown, numbers are normalised (a tmpfs's
 * size in k, modes in octal of at least three digits), and the order is
 * the kernel's, not the config's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/vtree.h"

/* The options the kernel shows, as last given ("key=value" or a flag). */
struct fs_params {
	const char *size, *nr_inodes, *mode, *uid, *gid, *huge;
	const char *ptmxmode, *max;
	int inode64;		/* 1 inode64, 0 inode32, -1 neither */
	bool noswap;
};

static bool param(const char *o, const char *key, const char **val)
{
	size_t n = strlen(key);

	if (strncmp(o, key, n) != 0 || o[n] != '=')
		return false;
	*val = o + n + 1;
	return true;
}

/* o: one option, kept alive by the caller's copy of the data. */
static void parse_one(struct fs_params *p, const char *o)
{
	if (!param(o, "size", &p->size) && !param(o, "nr_blocks", &p->size) &&
	    !param(o, "nr_inodes", &p->nr_inodes) &&
	    !param(o, "mode", &p->mode) && !param(o, "uid", &p->uid) &&
	    !param(o, "gid", &p->gid) && !param(o, "huge", &p->huge) &&
	    !param(o, "ptmxmode", &p->ptmxmode) && !param(o, "max", &p->max)) {
		if (strcmp(o, "inode64") == 0 || strcmp(o, "inode32") == 0)
			p->inode64 = strcmp(o, "inode64") == 0;
		else if (strcmp(o, "noswap") == 0)
			p->noswap = true;
	}
}

/* A number as the kernel's parser takes it: the whole string, in base;
 * false if it is not one. */
static bool number(const char *s, int base, unsigned long *v)
{
	char *end;

	if (s == NULL || *s == '\0')
		return false;
	*v = strtoul(s, &end, base);
	return *end == '\0';
}

struct out {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3)))
static void add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
}

/* ",key=755": a mode as the kernel keeps it (S_IALLUGO) and prints it
 * (%03o); left out when it is dflt unless always. */
static void add_mode(struct out *o, const char *key, const char *val,
		     unsigned long dflt, bool always)
{
	unsigned long v;

	if (!number(val, 8, &v))
		v = dflt;
	v &= 07777;
	if (always || v != dflt)
		add(o, ",%s=%03lo", key, v);
}

static void tmpfs_options(struct out *o, const struct fs_params *p,
			  const struct vtree_fs_limits *lim)
{
	static const char *const huge[] = { "always", "within_size",
					    "advise" };
	unsigned long v;

	if (p->size != NULL && lim != NULL)
		add(o, ",size=%lluk", lim->size_k);
	if (p->nr_inodes != NULL && lim != NULL)
		add(o, ",nr_inodes=%llu", lim->inodes);
	add_mode(o, "mode", p->mode, 01777, false);
	if (number(p->uid, 10, &v) && v != 0)
		add(o, ",uid=%lu", v);
	if (number(p->gid, 10, &v) && v != 0)
		add(o, ",gid=%lu", v);
	if (p->inode64 == 1)
		add(o, ",inode64");
	for (size_t i = 0; p->huge != NULL && i < ARRAY_SIZE(huge); i++)
		if (strcmp(p->huge, huge[i]) == 0)
			add(o, ",huge=%s", huge[i]);
	if (p->noswap)
		add(o, ",noswap");
}

/* devpts: mode (0600) and ptmxmode (0000) always shown; max below
 * NR_UNIX98_PTY_MAX. */
static void devpts_options(struct out *o, const struct fs_params *p)
{
	unsigned long v;

	if (number(p->uid, 10, &v))
		add(o, ",uid=%lu", v);
	if (number(p->gid, 10, &v))
		add(o, ",gid=%lu", v);
	add_mode(o, "mode", p->mode, 0600, true);
	add_mode(o, "ptmxmode", p->ptmxmode, 0, true);
	if (number(p->max, 10, &v) && v < (1UL << 20))
		add(o, ",max=%lu", v);
}

void vtree_fs_options(char *buf, size_t len, const char *type,
		      const char *data, const struct vtree_fs_limits *lim)
{
	cleanup_free char *copy = data != NULL ? strdup(data) : NULL;
	struct fs_params p = { .inode64 = -1 };
	struct out o = { buf, len, 0 };
	char *save = NULL;

	if (len > 0)
		buf[0] = '\0';
	if (type == NULL || (data != NULL && copy == NULL))
		return;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t;
	     t = strtok_r(NULL, ",", &save))
		parse_one(&p, t);
	if (strcmp(type, "tmpfs") == 0)
		tmpfs_options(&o, &p, lim);
	else if (strcmp(type, "devpts") == 0)
		devpts_options(&o, &p);
}
