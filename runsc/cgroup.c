/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cgroups, common part: the host layout (from the mount table), path
 * resolution (plain and systemd form), file helpers, and the lifecycle of a
 * container's cgroup (create, enter, freeze, kill, destroy) across every
 * hierarchy. Resources are applied by cgroup_v1.c and cgroup_v2.c.
 */
#include "runsc/cgroup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/undo.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runsc/cgroup_priv.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char *const v1_controllers[] = {
	"cpu",	   "cpuacct", "cpuset", "memory",   "devices", "freezer",
	"net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids",
	"rdma",	   "misc",
};

/* ---- file helpers ----------------------------------------------------- */

int cg_write(const char *dir, const char *file, const char *val,
	     struct cv_error **err)
{
	cleanup_free char *p = NULL;
	cleanup_close int fd = -1;
	int r;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return cv_error_set(err, ENOMEM, "cgroup");
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cv_error_set(err, errno, "cgroup: open %s", p);
	r = cv_write_all(fd, val, strlen(val));
	if (r < 0)
		return cv_error_set(err, -r, "cgroup: write \"%s\" to %s", val,
				    p);
	return 0;
}

int cg_writef(const char *dir, const char *file, struct cv_error **err,
	      const char *fmt, ...)
{
	cleanup_free char *v = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0)
		return cv_error_set(err, ENOMEM, "cgroup");
	return cg_write(dir, file, v, err);
}

int cg_read(const char *dir, const char *file, char **out,
	    struct cv_error **err)
{
	cleanup_free char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return cv_error_set(err, ENOMEM, "cgroup");
	if (cv_read_file(p, out, NULL, err) < 0)
		return cv_error_wrap(err, "cgroup");
	return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out,
		struct cv_error **err)
{
	cleanup_free char *s = NULL;
	size_t n;

	if (cg_read(dir, file, &s, err) < 0)
		return -1;
	n = strcspn(s, "\n");
	s[n] = '\0';
	if (strcmp(s, "max") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	if (cv_parse_u64(s, out) < 0)
		return cv_error_setx(err, "cgroup: %s/%s: not a number: \"%s\"",
				     dir, file, s);
	return 0;
}

bool cg_exists(const char *dir, const char *file)
{
	cleanup_free char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return false;
	return access(p, F_OK) == 0;
}

int cg_kv(const char *text, const char *key, uint64_t *out)
{
	size_t kl = strlen(key);

	for (const char *l = text; l != NULL && *l != '\0';) {
		if (strncmp(l, key, kl) == 0 && l[kl] == ' ') {
			char *end;

			*out = strtoull(l + kl + 1, &end, 10);
			return 0;
		}
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
	return -ENOENT;
}

/* Parses "0-3,5" into a bitmap of 1024 bits. */
static int list_parse(const char *s, uint64_t bits[16])
{
	memset(bits, 0, 16 * sizeof(uint64_t));
	while (*s != '\0' && *s != '\n') {
		char *end;
		unsigned long a, b;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b || b >= 1024)
			return -EINVAL;
		for (unsigned long i = a; i <= b; i++)
			bits[i / 64] |= 1ull << (i % 64);
		if (*end == ',')
			end++;
		else if (*end != '\0' && *end != '\n')
			return -EINVAL;
		s = end;
	}
	return 0;
}

int cg_list_subset(const char *s, const char *of)
{
	uint64_t a[16], b[16];

	if (list_parse(s, a) < 0 || list_parse(of, b) < 0)
		return -EINVAL;
	for (int i = 0; i < 16; i++)
		if (a[i] & ~b[i])
			return 0;
	return 1;
}

/* ---- pure path helpers ------------------------------------------------ */

uint64_t cgroup_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

int64_t cgroup_hugepage_kb(const char *ps)
{
	char *end;
	unsigned long long v;

	if (ps == NULL || !isdigit((unsigned char)*ps))
		return -1;
	v = strtoull(ps, &end, 10);
	if (v == 0 || v > (1ull << 30))
		return -1;
	if (strcmp(end, "KB") == 0 || strcmp(end, "kB") == 0)
		return (int64_t)v;
	if (strcmp(end, "MB") == 0)
		return (int64_t)v * 1024;
	if (strcmp(end, "GB") == 0)
		return (int64_t)v * 1024 * 1024;
	return -1;
}

int cgroup_expand_slice(const char *slice, char **out, struct cv_error **err)
{
	size_t len = slice ? strlen(slice) : 0;
	cleanup_free char *name = NULL, *path = NULL;
	size_t plen = 0;

	if (len < 6 || strcmp(slice + len - 6, ".slice") != 0 ||
	    strchr(slice, '/') != NULL)
		return cv_error_setx(err, "cgroup: invalid slice name \"%s\"",
				     slice ? slice : "");
	if (strcmp(slice, "-.slice") == 0) {
		*out = strdup("/");
		return *out ? 0 : cv_error_set(err, ENOMEM, "cgroup");
	}
	name = strndup(slice, len - 6);
	path = malloc(len * (len + 8) + 2);
	if (name == NULL || path == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	if (name[0] == '-' || name[strlen(name) - 1] == '-' ||
	    strstr(name, "--") != NULL)
		return cv_error_setx(err, "cgroup: invalid slice name \"%s\"",
				     slice);
	path[0] = '\0';
	for (char *p = name;; p++) {
		if (*p != '-' && *p != '\0')
			continue;
		plen += (size_t)sprintf(path + plen, "/%.*s.slice",
					(int)(p - name), name);
		if (*p == '\0')
			break;
	}
	*out = steal_ptr(path);
	return 0;
}

/* Collapses "//" and "/./", drops a trailing "/"; rejects "..". */
static int clean_path(const char *in, char **out, struct cv_error **err)
{
	cleanup_free char *o = malloc(strlen(in) + 2);
	size_t n = 0;
	const char *p = in;

	if (o == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	if (*p == '/')
		o[n++] = '/';
	while (*p != '\0') {
		size_t l;

		while (*p == '/')
			p++;
		l = strcspn(p, "/");
		if (l == 0)
			break;
		if (l == 2 && strncmp(p, "..", 2) == 0)
			return cv_error_setx(err,
				"cgroup: cgroupsPath \"%s\" contains \"..\"", in);
		if (!(l == 1 && *p == '.')) {
			if (n > 0 && o[n - 1] != '/')
				o[n++] = '/';
			memcpy(o + n, p, l);
			n += l;
		}
		p += l;
	}
	o[n] = '\0';
	if (n == 0 || strcmp(o, "/") == 0)
		return cv_error_setx(err,
			"cgroup: cgroupsPath \"%s\" names the root cgroup", in);
	*out = steal_ptr(o);
	return 0;
}

static int systemd_path(const char *cp, const char *id, char **out,
			struct cv_error **err)
{
	cleanup_free char *dup = NULL, *slice_path = NULL, *full = NULL;
	char *slice, *prefix, *name, *c1, *c2;

	if (cp == NULL || *cp == '\0') {
		if (asprintf(&dup, "system.slice:cvisor:%s", id) < 0)
			return cv_error_set(err, ENOMEM, "cgroup");
	} else {
		dup = strdup(cp);
		if (dup == NULL)
			return cv_error_set(err, ENOMEM, "cgroup");
	}
	c1 = strchr(dup, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c1 == NULL || c2 == NULL || strchr(c2 + 1, ':') != NULL)
		return cv_error_setx(err,
			"cgroup: cgroupsPath \"%s\" is not of the systemd form "
			"\"slice:prefix:name\"", cp);
	*c1 = *c2 = '\0';
	slice = dup;
	prefix = c1 + 1;
	name = c2 + 1;
	if (*slice == '\0')
		slice = "system.slice";
	if (*name == '\0')
		name = (char *)id;
	if (strchr(prefix, '/') || strchr(name, '/') || strstr(name, ".."))
		return cv_error_setx(err,
			"cgroup: invalid systemd cgroupsPath \"%s\"", cp);
	if (cgroup_expand_slice(slice, &slice_path, err) < 0)
		return -1;
	if (strlen(name) > 6 && strcmp(name + strlen(name) - 6, ".slice") == 0)
		return cgroup_expand_slice(name, out, err);
	if (asprintf(&full, "%s/%s-%s.scope",
		     strcmp(slice_path, "/") == 0 ? "" : slice_path, prefix,
		     name) < 0)
		return cv_error_set(err, ENOMEM, "cgroup");
	*out = steal_ptr(full);
	return 0;
}

static bool is_systemd_form(const char *cp)
{
	const char *c1;

	if (cp == NULL || *cp == '/')
		return false;
	c1 = strchr(cp, ':');
	return c1 != NULL && strchr(c1 + 1, ':') != NULL;
}

int cgroup_resolve_path(const char *cgroups_path, const char *id,
			bool systemd, char **out, struct cv_error **err)
{
	cleanup_free char *def = NULL;

	if (id == NULL || *id == '\0' || strchr(id, '/') != NULL ||
	    strcmp(id, "..") == 0 || strcmp(id, ".") == 0)
		return cv_error_setx(err, "cgroup: invalid container id \"%s\"",
				     id ? id : "");
	if (systemd || is_systemd_form(cgroups_path))
		return systemd_path(cgroups_path, id, out, err);
	if (cgroups_path == NULL || *cgroups_path == '\0') {
		if (asprintf(&def, "/cvisor/%s", id) < 0)
			return cv_error_set(err, ENOMEM, "cgroup");
		cgroups_path = def;
	}
	return clean_path(cgroups_path, out, err);
}

/* ---- layout ----------------------------------------------------------- */

const char *cgroup_mode_name(enum cgroup_mode m)
{
	switch (m) {
	case CGROUP_MODE_V1:
		return "v1";
	case CGROUP_MODE_HYBRID:
		return "hybrid";
	case CGROUP_MODE_V2:
		return "v2";
	default:
		return "none";
	}
}

void cgroup_layout_free(struct cgroup_layout *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n_hier; i++) {
		free(l->hier[i].mount);
		cv_strvfree(l->hier[i].controllers);
		free(l->hier[i].own);
	}
	free(l->hier);
	free(l->root);
	free(l->unified);
	free(l->unified_own);
	free(l);
}

static void layout_freep(struct cgroup_layout **l)
{
	cgroup_layout_free(*l);
}

const struct cgroup_hierarchy *
cgroup_layout_find(const struct cgroup_layout *l, const char *ctl)
{
	for (size_t i = 0; i < l->n_hier; i++)
		for (char **c = l->hier[i].controllers; *c != NULL; c++)
			if (strcmp(*c, ctl) == 0)
				return &l->hier[i];
	return NULL;
}

/* Undoes mountinfo's octal escapes ("\040" for a space) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static bool known_controller(const char *s)
{
	if (strncmp(s, "name=", 5) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(v1_controllers); i++)
		if (strcmp(s, v1_controllers[i]) == 0)
			return true;
	return false;
}

/* The controllers named in a v1 mount's super options, sorted as given. */
static char **controllers_from_opts(const char *opts)
{
	cleanup_free char *dup = strdup(opts);
	char **v = calloc(ARRAY_SIZE(v1_controllers) + 2, sizeof(char *));
	size_t n = 0;
	char *save = NULL;

	if (dup == NULL || v == NULL) {
		free(v);
		return NULL;
	}
	for (char *t = strtok_r(dup, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		if (!known_controller(t) || n > ARRAY_SIZE(v1_controllers))
			continue;
		v[n] = strdup(t);
		if (v[n] == NULL) {
			cv_strvfree(v);
			return NULL;
		}
		n++;
	}
	return v;
}

static bool same_ctls(char **a, char **b)
{
	size_t na = 0, nb = 0;

	for (; a[na] != NULL; na++)
		;
	for (; b[nb] != NULL; nb++)
		;
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		bool found = false;

		for (size_t j = 0; j < nb && !found; j++)
			found = strcmp(a[i], b[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

static bool under(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (strncmp(path, root, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/';
}

static int add_hier(struct cgroup_layout *l, const char *mnt, char **ctls)
{
	struct cgroup_hierarchy *h;

	for (size_t i = 0; i < l->n_hier; i++)
		if (same_ctls(l->hier[i].controllers, ctls)) {
			cv_strvfree(ctls);
			return 0;	/* a second mount of the same one */
		}
	h = realloc(l->hier, (l->n_hier + 1) * sizeof(*h));
	if (h == NULL) {
		cv_strvfree(ctls);
		return -ENOMEM;
	}
	l->hier = h;
	h = &l->hier[l->n_hier++];
	h->controllers = ctls;
	h->mount = strdup(mnt);
	h->own = strdup("/");
	if (h->mount == NULL || h->own == NULL)
		return -ENOMEM;
	return 0;
}

/* One mountinfo line: fields 5 (mount point) and, after " - ", fstype and
 * super options. */
static int parse_mount_line(struct cgroup_layout *l, char *line)
{
	char *f[6] = { 0 }, *sep, *save = NULL, *t;
	char *fstype, *opts;
	int i = 0;

	sep = strstr(line, " - ");
	if (sep == NULL)
		return 0;
	*sep = '\0';
	for (t = strtok_r(line, " ", &save); t != NULL && i < 6;
	     t = strtok_r(NULL, " ", &save))
		f[i++] = t;
	if (i < 5)
		return 0;
	fstype = strtok_r(sep + 3, " ", &save);
	(void)strtok_r(NULL, " ", &save);	/* source */
	opts = strtok_r(NULL, " \n", &save);
	if (fstype == NULL)
		return 0;
	unescape(f[4]);
	if (!under(f[4], l->root))
		return 0;
	if (strcmp(fstype, "cgroup2") == 0) {
		if (l->unified == NULL || strcmp(f[4], l->root) == 0) {
			free(l->unified);
			l->unified = strdup(f[4]);
			if (l->unified == NULL)
				return -ENOMEM;
		}
		return 0;
	}
	if (strcmp(fstype, "cgroup") == 0 && opts != NULL) {
		char **ctls = controllers_from_opts(opts);

		if (ctls == NULL)
			return -ENOMEM;
		if (ctls[0] == NULL) {
			cv_strvfree(ctls);
			return 0;
		}
		return add_hier(l, f[4], ctls);
	}
	return 0;
}

static int read_mountinfo(struct cgroup_layout *l, const char *mountinfo,
			  struct cv_error **err)
{
	cleanup_free char *text = NULL;
	char *save = NULL;

	if (cv_read_file(mountinfo, &text, NULL, err) < 0)
		return cv_error_wrap(err, "cgroup: mount table");
	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		if (parse_mount_line(l, line) < 0)
			return cv_error_set(err, ENOMEM, "cgroup");
	return 0;
}

/* "/proc/<pid>/cgroup": "N:ctl,ctl:/path" and "0::/path". */
static int read_own(struct cgroup_layout *l, const char *file,
		    struct cv_error **err)
{
	cleanup_free char *text = NULL;
	char *save = NULL;

	if (cv_read_file(file, &text, NULL, err) < 0)
		return cv_error_wrap(err, "cgroup");
	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2, **ctls;
		char **dst = NULL;

		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 == NULL)
			continue;
		*c2 = '\0';
		if (c1[1] == '\0') {
			dst = &l->unified_own;
		} else {
			ctls = controllers_from_opts(c1 + 1);
			if (ctls == NULL)
				return cv_error_set(err, ENOMEM, "cgroup");
			for (size_t i = 0; i < l->n_hier && dst == NULL; i++)
				if (same_ctls(l->hier[i].controllers, ctls))
					dst = &l->hier[i].own;
			cv_strvfree(ctls);
		}
		if (dst == NULL)
			continue;
		free(*dst);
		*dst = strdup(c2 + 1);
		if (*dst == NULL)
			return cv_error_set(err, ENOMEM, "cgroup");
	}
	return 0;
}

int cgroup_layout_detect(const char *root, const char *mountinfo,
			 const char *own_cgroup, struct cgroup_layout **out,
			 struct cv_error **err)
{
	struct cgroup_layout *l __attribute__((cleanup(layout_freep))) = NULL;
	struct statfs sfs;

	l = calloc(1, sizeof(*l));
	if (l == NULL || (l->root = strdup(root)) == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	if (read_mountinfo(l, mountinfo, err) < 0)
		return -1;
	if (statfs(root, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		free(l->unified);
		if ((l->unified = strdup(root)) == NULL)
			return cv_error_set(err, ENOMEM, "cgroup");
	}
	if (l->unified != NULL && strcmp(l->unified, root) == 0)
		l->mode = CGROUP_MODE_V2;
	else if (l->n_hier > 0)
		l->mode = l->unified ? CGROUP_MODE_HYBRID : CGROUP_MODE_V1;
	else if (l->unified != NULL)
		l->mode = CGROUP_MODE_V2;
	if (l->mode == CGROUP_MODE_V2) {
		for (size_t i = 0; i < l->n_hier; i++) {
			free(l->hier[i].mount);
			cv_strvfree(l->hier[i].controllers);
			free(l->hier[i].own);
		}
		l->n_hier = 0;
	}
	if (l->unified != NULL && (l->unified_own = strdup("/")) == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	if (own_cgroup != NULL && read_own(l, own_cgroup, err) < 0)
		return -1;
	if (l->mode == CGROUP_MODE_NONE)
		return cv_error_setx(err, "cgroup: no cgroup filesystem mounted "
				     "under %s", root);
	*out = steal_ptr(l);
	return 0;
}

int cgroup_layout_host(const struct cgroup_layout **out,
		       struct cv_error **err)
{
	static struct cgroup_layout *host;

	if (host == NULL && cgroup_layout_detect("/sys/fs/cgroup",
						 "/proc/self/mountinfo",
						 "/proc/self/cgroup", &host,
						 err) < 0)
		return -1;
	*out = host;
	return 0;
}

/* ---- the cgroup object ------------------------------------------------ */

void cgroup_free(struct cgroup *cg)
{
	if (cg == NULL)
		return;
	for (size_t i = 0; i < cg->n_dirs; i++) {
		free(cg->dirs[i].ctls);
		free(cg->dirs[i].dir);
	}
	free(cg->dirs);
	free(cg->unified);
	free(cg->path);
	free(cg);
}

const char *cgroup_path(const struct cgroup *cg)
{
	return cg->path;
}

enum cgroup_mode cgroup_get_mode(const struct cgroup *cg)
{
	return cg->mode;
}

const char *cgroup_dir(const struct cgroup *cg, const char *ctl)
{
	if (ctl == NULL || cg->mode == CGROUP_MODE_V2)
		return cg->unified;
	for (size_t i = 0; i < cg->n_dirs; i++) {
		const char *c = cg->dirs[i].ctls;
		size_t n = strlen(ctl);

		while (c != NULL && *c != '\0') {
			if (strncmp(c, ctl, n) == 0 &&
			    (c[n] == ',' || c[n] == '\0'))
				return cg->dirs[i].dir;
			c = strchr(c, ',');
			if (c != NULL)
				c++;
		}
	}
	return NULL;
}

/* v2 cpu.max: "QUOTA PERIOD" or "max PERIOD". */
static unsigned cpu_max_cpus(const char *dir)
{
	cleanup_free char *s = NULL;
	uint64_t period = 0;
	int64_t quota;

	if (cg_read(dir, "cpu.max", &s, NULL) < 0 ||
	    cv_parse_cpu_quota(s, &quota, &period) < 0)
		return 0;
	return cv_quota_cpus(quota, period);	/* "max ...": none */
}

/* v1: cpu.cfs_quota_us (-1: none) over cpu.cfs_period_us. */
static unsigned cfs_cpus(const char *dir)
{
	cleanup_free char *q = NULL;
	uint64_t period;
	int64_t quota;

	if (cg_read(dir, "cpu.cfs_quota_us", &q, NULL) < 0 ||
	    cv_parse_cpu_quota(q, &quota, NULL) < 0 ||
	    cg_read_u64(dir, "cpu.cfs_period_us", &period, NULL) < 0)
		return 0;
	return cv_quota_cpus(quota, period);
}

unsigned cgroup_quota_cpus(const struct cgroup *cg)
{
	const char *dir;

	if (cg == NULL)
		return 0;
	if (cg->mode == CGROUP_MODE_V2)
		return cg->unified != NULL ? cpu_max_cpus(cg->unified) : 0;
	dir = cgroup_dir(cg, "cpu");
	return dir != NULL ? cfs_cpus(dir) : 0;
}

static char *join_ctls(char **ctls)
{
	size_t len = 1;
	char *s;

	for (char **c = ctls; *c != NULL; c++)
		len += strlen(*c) + 1;
	s = calloc(1, len);
	if (s == NULL)
		return NULL;
	for (char **c = ctls; *c != NULL; c++) {
		if (c != ctls)
			strcat(s, ",");
		strcat(s, *c);
	}
	return s;
}

/* mount + (absolute path, or own + "/" + relative path). */
static char *dir_for(const char *mount, const char *own, const char *path)
{
	char *s = NULL;

	if (path[0] == '/')
		return asprintf(&s, "%s%s", mount, path) < 0 ? NULL : s;
	if (own == NULL || strcmp(own, "/") == 0)
		own = "";
	return asprintf(&s, "%s%s/%s", mount, own, path) < 0 ? NULL : s;
}

static void rmdir_step(void *path)
{
	rmdir(path);
}

/* Copies cpuset.cpus/mems from the parent into a new v1 cpuset level, which
 * starts empty and could not take a task otherwise. */
static int cpuset_init_level(const char *dir, struct cv_error **err)
{
	cleanup_free char *parent = strdup(dir);
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char *slash;

	if (parent == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	slash = strrchr(parent, '/');
	if (slash == NULL)
		return 0;
	*slash = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		cleanup_free char *cur = NULL, *val = NULL;

		if (cg_read(dir, files[i], &cur, err) < 0)
			return -1;
		if (strspn(cur, " \n") != strlen(cur))
			continue;
		if (cg_read(parent, files[i], &val, err) < 0)
			return -1;
		if (cg_write(dir, files[i], val, err) < 0)
			return -1;
	}
	return 0;
}

/* mkdir -p below mount, recording the levels made; an empty cpuset level
 * is initialised from its parent. */
static int make_dirs(const char *mount, const char *dir, bool cpuset,
		     struct cv_undo *u, struct cv_error **err)
{
	cleanup_free char *p = strdup(dir);
	size_t start = strlen(mount);

	if (p == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	for (char *s = p + start + 1;; s++) {
		char saved = *s;

		if (*s != '/' && *s != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0) {
			if (errno != EEXIST)
				return cv_error_set(err, errno,
						    "cgroup: mkdir %s", p);
		} else {
			char *made = strdup(p);

			/* (Without memory to remember it, it goes now.) */
			if (made == NULL)
				rmdir(p);
			if (made == NULL ||
			    cv_undo_push(u, rmdir_step, made, free) < 0)
				return cv_error_set(err, ENOMEM, "cgroup");
		}
		/* Also levels that exist: someone may have made them
		 * without filling cpus/mems. */
		if (cpuset && cpuset_init_level(p, err) < 0)
			return -1;
		*s = saved;
		if (saved == '\0')
			break;
	}
	return 0;
}

static int cgroup_alloc(const struct cgroup_layout *l, const char *path,
			struct cgroup **out, struct cv_error **err)
{
	cleanup_cgroup struct cgroup *cg = calloc(1, sizeof(*cg));

	if (cg == NULL || (cg->path = strdup(path)) == NULL)
		return cv_error_set(err, ENOMEM, "cgroup");
	cg->mode = l->mode;
	if (l->unified != NULL) {
		cg->unified = dir_for(l->unified, l->unified_own, path);
		if (cg->unified == NULL)
			return cv_error_set(err, ENOMEM, "cgroup");
	}
	if (l->n_hier > 0) {
		cg->dirs = calloc(l->n_hier, sizeof(*cg->dirs));
		if (cg->dirs == NULL)
			return cv_error_set(err, ENOMEM, "cgroup");
	}
	for (size_t i = 0; i < l->n_hier; i++) {
		struct cgroup_dir *d = &cg->dirs[cg->n_dirs++];

		d->ctls = join_ctls(l->hier[i].controllers);
		d->dir = dir_for(l->hier[i].mount, l->hier[i].own, path);
		if (d->ctls == NULL || d->dir == NULL)
			return cv_error_set(err, ENOMEM, "cgroup");
	}
	*out = steal_ptr(cg);
	return 0;
}

static int check_resources(const struct cgroup_layout *l,
			   const struct oci_resources *r,
			   struct cv_error **err)
{
	if (r == NULL)
		return 0;
	if (cgroup_check_hugepages(r, err) < 0)
		return -1;
	if (l->mode == CGROUP_MODE_V2)
		return cgroup_v2_check(l, r, err);
	return cgroup_v1_check(l, r, err);
}

static int make_all(const struct cgroup_layout *l, struct cgroup *cg,
		    struct cv_undo *u, struct cv_error **err)
{
	for (size_t i = 0; i < cg->n_dirs; i++) {
		bool cpuset = strstr(cg->dirs[i].ctls, "cpuset") != NULL;

		if (make_dirs(l->hier[i].mount, cg->dirs[i].dir, cpuset, u,
			      err) < 0)
			return -1;
	}
	if (cg->unified == NULL)
		return 0;
	if (make_dirs(l->unified, cg->unified, false, u, err) < 0)
		return -1;
	if (l->mode == CGROUP_MODE_V2)
		return cgroup_v2_enable_controllers(l->unified, cg->unified,
						    err);
	return 0;
}

/* devices: apply the device policy (always at creation; on update only
 * when the update names devices, as runc leaves them alone otherwise). */
static int apply(struct cgroup *cg, const struct oci_resources *r,
		 bool devices, struct cv_error **err)
{
	if (devices && cgroup_devices_apply(cg, r, err) < 0)
		return -1;
	if (r == NULL)
		return 0;
	if (cg->mode == CGROUP_MODE_V2)
		return cgroup_v2_apply(cg, r, err);
	if (cgroup_v1_apply(cg, r, err) < 0)
		return -1;
	if (r->n_unified > 0 && cg->unified != NULL)
		return cgroup_unified_apply(cg->unified, r, err);
	return 0;
}

/*
 * A container never joins a cgroup that already holds processes, as runc
 * (1.2) refuses it: they would share its limits, and delete --force or
 * kill --all of this container would kill them too. That is what happens
 * when two containers with the same id but different --root directories
 * both leave cgroupsPath empty (the default path is /cvisor/<id>).
 */
static int check_empty(const struct cgroup *cg, struct cv_error **err)
{
	cleanup_free pid_t *pids = NULL;
	size_t n = 0;

	if (cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	if (n > 0)
		return cv_error_setx(err, "container's cgroup is not empty: "
				     "%zu process(es) found (pid %d): in use "
				     "by another container?", n, (int)pids[0]);
	return 0;
}

int cgroup_create_at(const struct cgroup_layout *l, const char *path,
		     const struct oci_resources *r, struct cgroup **out,
		     struct cv_error **err)
{
	cleanup_cgroup struct cgroup *cg = NULL;
	/* The levels made here, removed again (deepest first) on failure. */
	cleanup_undo struct cv_undo made = CV_UNDO_INIT;

	if (check_resources(l, r, err) < 0)
		return -1;
	if (cgroup_alloc(l, path, &cg, err) < 0)
		return -1;
	if (make_all(l, cg, &made, err) < 0 || check_empty(cg, err) < 0 ||
	    apply(cg, r, true, err) < 0)
		return cv_error_wrap(err, "cgroup %s", path);
	cv_undo_release(&made);
	*out = steal_ptr(cg);
	return 0;
}

int cgroup_create(const char *id, const struct oci_spec *spec, bool systemd,
		  struct cgroup **out, struct cv_error **err)
{
	const struct cgroup_layout *l;
	const struct oci_resources *r = NULL;
	cleanup_free char *path = NULL;
	const char *cp = NULL;

	if (spec != NULL && spec->has_linux) {
		cp = spec->linux_.cgroups_path;
		if (spec->linux_.resources.present)
			r = &spec->linux_.resources;
	}
	if (cgroup_resolve_path(cp, id, systemd, &path, err) < 0)
		return -1;
	if (cgroup_layout_host(&l, err) < 0)
		return -1;
	if (cgroup_is_rootless())	/* the cgroup may be optional */
		return cgroup_rootless_create(l, id, cp, path, r, out, err);
	return cgroup_create_at(l, path, r, out, err);
}

int cgroup_update(struct cgroup *cg, const struct oci_resources *r,
		  struct cv_error **err)
{
	const struct cgroup_layout *l;
	struct cgroup_layout fake = { .mode = cg->mode };

	if (cgroup_layout_host(&l, err) < 0) {
		cv_error_free(err);
		l = &fake;
	}
	if (l->mode == cg->mode && check_resources(l, r, err) < 0)
		return -1;
	return apply(cg, r, r != NULL && r->n_devices > 0, err) < 0
		       ? cv_error_wrap(err, "cgroup update")
				     : 0;
}

int cgroup_enter(const struct cgroup *cg, pid_t pid, struct cv_error **err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->n_dirs; i++)
		if (cg_write(cg->dirs[i].dir, "cgroup.procs", buf, err) < 0)
			return -1;
	if (cg->unified != NULL &&
	    cg_write(cg->unified, "cgroup.procs", buf, err) < 0)
		return -1;
	return 0;
}

/* ---- processes -------------------------------------------------------- */

struct pidset {
	pid_t *v;
	size_t n, cap;
};

static int pidset_add(struct pidset *s, pid_t p)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == p)
			return 0;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		pid_t *nv = realloc(s->v, nc * sizeof(pid_t));

		if (nv == NULL)
			return -ENOMEM;
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n++] = p;
	return 0;
}

static int collect(const char *dir, struct pidset *s, int depth)
{
	cleanup_free char *text = NULL, *p = NULL;
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;

	if (depth > 64)
		return 0;
	if (asprintf(&p, "%s/cgroup.procs", dir) < 0)
		return -ENOMEM;
	if (cv_read_file(p, &text, NULL, NULL) < 0)
		return errno == ENOENT ? 0 : -errno;
	for (char *l = text; *l != '\0';) {
		char *end;
		long v = strtol(l, &end, 10);

		if (end == l)
			break;
		if (v > 0 && pidset_add(s, (pid_t)v) < 0)
			return -ENOMEM;
		l = end + strspn(end, "\n");
	}
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			return -ENOMEM;
		if (collect(sub, s, depth + 1) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

int cgroup_pids(const struct cgroup *cg, pid_t **pids, size_t *n,
		struct cv_error **err)
{
	struct pidset s = { 0 };
	int r = 0;

	for (size_t i = 0; i < cg->n_dirs && r == 0; i++)
		r = collect(cg->dirs[i].dir, &s, 0);
	if (r == 0 && cg->unified != NULL)
		r = collect(cg->unified, &s, 0);
	if (r < 0) {
		free(s.v);
		return cv_error_set(err, -r, "cgroup %s: list processes",
				    cg->path);
	}
	if (s.n > 1)
		qsort(s.v, s.n, sizeof(pid_t), cmp_pid);
	*pids = s.v;
	*n = s.n;
	return 0;
}

/* ---- freezer ---------------------------------------------------------- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int v1_state(const char *dir, char *buf, size_t len)
{
	cleanup_free char *s = NULL;

	if (cg_read(dir, "freezer.state", &s, NULL) < 0)
		return -errno;
	s[strcspn(s, "\n")] = '\0';
	snprintf(buf, len, "%s", s);
	return 0;
}

static int v2_frozen(const char *dir, bool *frozen)
{
	cleanup_free char *s = NULL;
	uint64_t v;

	if (cg_read(dir, "cgroup.events", &s, NULL) < 0)
		return -1;
	if (cg_kv(s, "frozen", &v) < 0)
		return -1;
	*frozen = v != 0;
	return 0;
}

static int freeze_v1(const char *dir, bool frozen, struct cv_error **err)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	char st[32];

	/* FREEZING can stall on a task in an uninterruptible sleep; writing
	 * FROZEN again retries, as runc does. */
	for (int i = 0; i < 1000; i++) {
		if (i % 10 == 0 && cg_write(dir, "freezer.state", want, err) < 0)
			return -1;
		if (v1_state(dir, st, sizeof(st)) < 0)
			return cv_error_set(err, errno, "cgroup: freezer.state");
		if (strcmp(st, want) == 0)
			return 0;
		sleep_ms(i < 10 ? 1 : 10);
	}
	if (frozen)	/* undone as far as it can be: ETIMEDOUT is the news */
		(void)cg_write(dir, "freezer.state", "THAWED", NULL);
	return cv_error_set(err, ETIMEDOUT, "cgroup: %s: %s", dir, want);
}

static int freeze_v2(const char *dir, bool frozen, struct cv_error **err)
{
	bool now;

	if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
		return -1;
	for (int i = 0; i < 500; i++) {
		if (v2_frozen(dir, &now) < 0)
			return cv_error_set(err, errno, "cgroup: %s/cgroup.events",
					    dir);
		if (now == frozen)
			return 0;
		sleep_ms(i < 10 ? 1 : 10);
	}
	if (frozen)	/* as in freeze_v1 */
		(void)cg_write(dir, "cgroup.freeze", "0", NULL);
	return cv_error_set(err, ETIMEDOUT, "cgroup: %s: freeze", dir);
}

int cgroup_freeze(struct cgroup *cg, bool frozen, struct cv_error **err)
{
	const char *d = cg->mode == CGROUP_MODE_V2 ? NULL
						   : cgroup_dir(cg, "freezer");

	if (d != NULL)
		return freeze_v1(d, frozen, err);
	if (cg->unified != NULL && cg_exists(cg->unified, "cgroup.freeze"))
		return freeze_v2(cg->unified, frozen, err);
	return cv_error_set(err, ENOTSUP, "cgroup %s: no freezer", cg->path);
}

int cgroup_is_frozen(const struct cgroup *cg, bool *frozen,
		     struct cv_error **err)
{
	const char *d = cg->mode == CGROUP_MODE_V2 ? NULL
						   : cgroup_dir(cg, "freezer");
	char st[32];

	if (d != NULL) {
		if (v1_state(d, st, sizeof(st)) < 0)
			return cv_error_set(err, errno, "cgroup: %s/freezer.state",
					    d);
		*frozen = strcmp(st, "THAWED") != 0;
		return 0;
	}
	if (cg->unified != NULL && cg_exists(cg->unified, "cgroup.freeze")) {
		if (v2_frozen(cg->unified, frozen) < 0)
			return cv_error_set(err, errno,
					    "cgroup: %s/cgroup.events",
					    cg->unified);
		return 0;
	}
	*frozen = false;
	return 0;
}

/* ---- kill and destroy ------------------------------------------------- */

/*
 * sig to every process of the cgroup, never to a pid that left it and
 * was reused: a pidfd is opened for each listed pid, the list is read
 * again, and only pidfds whose pid is still listed are signalled (the
 * process holding the pid then is a member; if it is not the one the
 * pidfd names, that one is dead and the kernel says ESRCH).
 */
static int signal_all(const struct cgroup *cg, int sig, struct cv_error **err)
{
	cleanup_free pid_t *pids = NULL, *again = NULL;
	cleanup_free int *fds = NULL;
	size_t n, m;
	int r = 0;

	if (cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	fds = calloc(n + 1, sizeof(int));
	if (fds == NULL)
		return cv_error_set(err, ENOMEM, "cgroup: kill");
	for (size_t i = 0; i < n; i++)
		fds[i] = (int)syscall(SYS_pidfd_open, pids[i], 0);
	if (cgroup_pids(cg, &again, &m, err) < 0) {
		r = -1;
		m = 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		if (r == 0 && m > 0 &&
		    bsearch(&pids[i], again, m, sizeof(pid_t), cmp_pid) != NULL &&
		    syscall(SYS_pidfd_send_signal, fds[i], sig, NULL, 0) < 0 &&
		    errno != ESRCH)
			r = cv_error_set(err, errno, "cgroup: kill %d",
					 (int)pids[i]);
		close(fds[i]);
	}
	return r;
}

int cgroup_kill_all(const struct cgroup *cg, int sig, struct cv_error **err)
{
	struct cgroup *mut = (struct cgroup *)cg;
	bool was_frozen = false;
	int r;

	if (sig == SIGKILL && cg->unified != NULL &&
	    cg_exists(cg->unified, "cgroup.kill")) {
		if (cg_write(cg->unified, "cgroup.kill", "1", err) < 0)
			return -1;
		/* v1 hierarchies may hold stragglers not in the v2 one */
		return cg->n_dirs ? signal_all(cg, sig, err) : 0;
	}
	if (sig != SIGKILL)
		return signal_all(cg, sig, err);
	/* Freeze so nothing forks between listing and signalling. */
	if (cgroup_is_frozen(cg, &was_frozen, NULL) < 0)
		was_frozen = false;
	if (!was_frozen && cgroup_freeze(mut, true, NULL) < 0)
		return signal_all(cg, sig, err);
	r = signal_all(cg, sig, err);
	/* Left frozen, a v1 cgroup's tasks would not even die of SIGKILL. */
	if (cgroup_freeze(mut, false, r < 0 ? NULL : err) < 0)
		r = -1;
	return r;
}

static int rmdir_tree(const char *dir, int depth)
{
	cleanup_closedir DIR *d = NULL;
	struct dirent *de;

	if (depth > 64)
		return -ELOOP;
	d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) != NULL) {
		cleanup_free char *sub = NULL;
		int r;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
			return -ENOMEM;
		r = rmdir_tree(sub, depth + 1);
		if (r < 0)
			return r;
	}
	for (int i = 0; i < 100; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		sleep_ms(10);
	}
	return -EBUSY;
}

static int wait_empty(const struct cgroup *cg, struct cv_error **err)
{
	for (int i = 0; i < 500; i++) {
		cleanup_free pid_t *pids = NULL;
		size_t n;

		if (cgroup_pids(cg, &pids, &n, err) < 0)
			return -1;
		if (n == 0)
			return 0;
		if (i % 50 == 49)	/* a failure shows as EBUSY below */
			(void)signal_all(cg, SIGKILL, NULL);
		sleep_ms(10);
	}
	return cv_error_set(err, EBUSY, "cgroup %s: processes survive SIGKILL",
			    cg->path);
}

int cgroup_destroy(struct cgroup *cg, struct cv_error **err)
{
	cleanup_free pid_t *pids = NULL;
	bool frozen = false;
	size_t n = 0;
	int r;

	if (cgroup_pids(cg, &pids, &n, err) < 0)
		return -1;
	if (n > 0) {
		/* Still frozen, its tasks survive: wait_empty's EBUSY. */
		if (cgroup_is_frozen(cg, &frozen, NULL) == 0 && frozen)
			(void)cgroup_freeze(cg, false, NULL);
		if (cgroup_kill_all(cg, SIGKILL, err) < 0)
			return -1;
		if (wait_empty(cg, err) < 0)
			return -1;
	}
	for (size_t i = 0; i < cg->n_dirs; i++) {
		r = rmdir_tree(cg->dirs[i].dir, 0);
		if (r < 0)
			return cv_error_set(err, -r, "cgroup: rmdir %s",
					    cg->dirs[i].dir);
	}
	if (cg->unified != NULL) {
		r = rmdir_tree(cg->unified, 0);
		if (r < 0)
			return cv_error_set(err, -r, "cgroup: rmdir %s",
					    cg->unified);
	}
	return 0;
}
