// SPDX-License-Identifier: Apache-2.0
/*
 * Host ids the sentry sees, as the workload sees them (idmap.h): the
 * mappings are the config's linux.uidMappings/gidMappings (what runsc
 * wrote to the init's uid_map and gid_map, passed in struct sentry_config),
 * or, for a user namespace joined by
 * path, the init's own maps read once from the sandbox's procfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "sentry/idmap.h"
#include "sentry/internal.h"
#include "sentry/vtree.h"

#define MAP_LINES 340	/* the kernel's limit on uid_map lines */

struct id_map {
	const struct sentry_id_map *m;
	size_t n;
	bool userns;
};

/* A user namespace joined by path has no mappings in the config: its maps
 * are read once from the sandbox's procfs (pid 1 is the init). */
static struct sentry_id_map joined[2][MAP_LINES];
static size_t n_joined[2];
static bool joined_read[2];

static void read_joined(enum ident_kind k)
{
	cleanup_close int fd = -1;
	char buf[MAP_LINES * 36 + 1], *p = buf;
	int pfd = vtree_host_proc_fd();
	ssize_t len;

	joined_read[k] = true;
	if (pfd < 0)
		return;
	fd = openat(pfd, k == IDENT_UID ? "1/uid_map" : "1/gid_map",
		    O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (len = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return;
	buf[len] = '\0';
	while (*p && n_joined[k] < MAP_LINES) {
		unsigned in, out, count;

		if (sscanf(p, "%u %u %u", &in, &out, &count) == 3)
			joined[k][n_joined[k]++] = (struct sentry_id_map){
				in, out, count };
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
}

static struct id_map id_map_of(const struct sentry *s, enum ident_kind k)
{
	const struct sentry_config *cfg = s ? s->cfg : NULL;
	struct id_map im = { 0 };

	if (cfg == NULL || !cfg->userns)
		return im;
	im.userns = true;
	im.m = k == IDENT_UID ? cfg->uid_map : cfg->gid_map;
	im.n = k == IDENT_UID ? cfg->n_uid_map : cfg->n_gid_map;
	if (im.n == 0) {
		/* Workers map ids side by side (sentry/workers.c). */
		static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

		pthread_mutex_lock(&lock);
		if (!joined_read[k])
			read_joined(k);
		pthread_mutex_unlock(&lock);
		im.m = joined[k];
		im.n = n_joined[k];
	}
	return im;
}

uint32_t ident_from_host(const struct sentry *s, enum ident_kind k,
			 uint32_t host)
{
	struct id_map im = id_map_of(s, k);

	if (!im.userns)
		return host;
	for (size_t i = 0; i < im.n; i++) {
		const struct sentry_id_map *e = &im.m[i];

		if (host >= e->host_id && host - e->host_id < e->size)
			return e->container_id + (host - e->host_id);
	}
	return IDENT_OVERFLOW;
}

uint32_t ident_to_host(const struct sentry *s, enum ident_kind k,
		       uint32_t id)
{
	struct id_map im = id_map_of(s, k);

	if (!im.userns)
		return id;
	for (size_t i = 0; i < im.n; i++) {
		const struct sentry_id_map *e = &im.m[i];

		if (id >= e->container_id && id - e->container_id < e->size)
			return e->host_id + (id - e->container_id);
	}
	return (uint32_t)-1;
}

bool ident_mapped(const struct sentry *s, enum ident_kind k, uint32_t host)
{
	struct id_map im = id_map_of(s, k);

	if (!im.userns)
		return true;
	for (size_t i = 0; i < im.n; i++)
		if (host >= im.m[i].host_id &&
		    host - im.m[i].host_id < im.m[i].size)
			return true;
	return false;
}

void ident_stat_from_host(const struct task *t, struct stat *st)
{
	st->st_uid = ident_from_host(t->sentry, IDENT_UID, st->st_uid);
	st->st_gid = ident_from_host(t->sentry, IDENT_GID, st->st_gid);
}

void ident_statx_from_host(const struct task *t, struct statx *stx)
{
	stx->stx_uid = ident_from_host(t->sentry, IDENT_UID, stx->stx_uid);
	stx->stx_gid = ident_from_host(t->sentry, IDENT_GID, stx->stx_gid);
}


/* ---- permission checks ---------------------------------------------------- */

struct ident_who ident_who_task(const struct task_creds *cr)
{
	return (struct ident_who){ .uid = cr->fsuid, .gid = cr->fsgid,
				   .groups = cr->groups,
				   .ngroups = cr->ngroups,
				   .caps = cr->cap_effective };
}

struct ident_who ident_who_gofer(const struct gofer_creds *cr)
{
	return (struct ident_who){ .uid = cr->fsuid, .gid = cr->fsgid,
				   .groups = cr->groups,
				   .ngroups = cr->ngroups,
				   .caps = cr->cap_effective };
}

bool ident_in_group(const struct ident_who *w, uint32_t gid)
{
	if (w->gid == gid)
		return true;
	for (size_t i = 0; i < w->ngroups; i++)
		if (w->groups[i] == gid)
			return true;
	return false;
}

static bool who_capable(const struct ident_who *w, int cap)
{
	return (w->caps >> cap) & 1;
}

int ident_permission(const struct ident_who *w, const struct stat *st,
		     int mode, bool capable)
{
	unsigned bits = st->st_mode & 07, want = (unsigned)mode & 07;

	if (w->uid == st->st_uid)
		bits = (st->st_mode >> 6) & 07;
	else if (ident_in_group(w, st->st_gid))
		bits = (st->st_mode >> 3) & 07;
	if ((want & ~bits) == 0)
		return 0;
	if (!capable)
		return -EACCES;
	if (S_ISDIR(st->st_mode)) {
		/* a directory's bits are all overridable */
		if (!(want & W_OK) && who_capable(w, CAP_DAC_READ_SEARCH))
			return 0;
		return who_capable(w, CAP_DAC_OVERRIDE) ? 0 : -EACCES;
	}
	if (want == R_OK && who_capable(w, CAP_DAC_READ_SEARCH))
		return 0;
	/* execute only where some execute bit is set */
	if ((!(want & X_OK) || (st->st_mode & 0111)) &&
	    who_capable(w, CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

int ident_host_permission(const struct task *t, const struct ident_who *w,
			  const struct stat *host_st, int mode)
{
	struct stat st = *host_st;
	bool capable = ident_mapped(t->sentry, IDENT_UID, host_st->st_uid) &&
		       ident_mapped(t->sentry, IDENT_GID, host_st->st_gid);

	ident_stat_from_host(t, &st);
	return ident_permission(w, &st, mode, capable);
}
