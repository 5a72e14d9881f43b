// SPDX-License-Identifier: Apache-2.0
/*
 * Donated descriptor validation. The sentry passes directory fds (a task's
 * cwd or root, a copy of a workload dirfd) that must have come from the
 * gofer. The gofer cannot read /proc/self/mountinfo (it has no /proc), so
 * it keeps the set of mount ids it has seen itself: the root's at start-up,
 * then the mount of every fd it hands out. A donated fd whose mount is not
 * in the set - a host directory, another mount namespace - is refused with
 * EXDEV. Ids are STATX_MNT_ID_UNIQUE (never reused, Linux 6.8+) when the
 * kernel has them, else STATX_MNT_ID.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "gofer/server.h"

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

/* The set is the main thread's; channels' threads record and check
 * against it too. */
static pthread_mutex_t mnt_lock = PTHREAD_MUTEX_INITIALIZER;

static struct gofer_mnt_set *set_of(struct gofer_srv *s)
{
	return s->main != NULL ? &s->main->mnts : &s->mnts;
}

static int mnt_id(const struct gofer_mnt_set *m, int fd, uint64_t *id)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, m->mask,
		  &stx) < 0)
		return errno == EBADF ? -EBADF : -EXDEV;
	if (!(stx.stx_mask & m->mask))
		return -EXDEV;
	*id = stx.stx_mnt_id;
	return 0;
}

static bool mnt_known(const struct gofer_mnt_set *m, uint64_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->ids[i] == id)
			return true;
	return false;
}

static int mnt_add(struct gofer_mnt_set *m, uint64_t id)
{
	if (mnt_known(m, id))
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		uint64_t *ids = realloc(m->ids, cap * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		m->ids = ids;
		m->cap = cap;
	}
	m->ids[m->n++] = id;
	return 0;
}

int gofer_mnt_init(struct gofer_srv *s)
{
	struct statx stx;
	uint64_t id;
	int ret;

	if (statx(s->root_fd, "", AT_EMPTY_PATH,
		  STATX_MNT_ID | STATX_MNT_ID_UNIQUE, &stx) < 0)
		return -errno;
	if (stx.stx_mask & STATX_MNT_ID_UNIQUE)
		s->mnts.mask = STATX_MNT_ID_UNIQUE;
	else if (stx.stx_mask & STATX_MNT_ID)
		s->mnts.mask = STATX_MNT_ID;
	else
		return -ENOSYS;
	ret = mnt_id(&s->mnts, s->root_fd, &id);
	if (ret < 0)
		return ret;
	return mnt_add(&s->mnts, id);
}

void gofer_mnt_record(struct gofer_srv *s, int fd)
{
	struct gofer_mnt_set *m = set_of(s);
	uint64_t id;

	/* Not recorded (-ENOMEM), the mount is refused later by
	 * gofer_mnt_check(): the failure closes, never opens. */
	if (mnt_id(m, fd, &id) < 0)
		return;
	pthread_mutex_lock(&mnt_lock);
	(void)mnt_add(m, id);
	pthread_mutex_unlock(&mnt_lock);
}

int gofer_mnt_check(struct gofer_srv *s, int fd)
{
	struct gofer_mnt_set *m = set_of(s);
	uint64_t id;
	bool known;
	int ret;

	ret = mnt_id(m, fd, &id);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&mnt_lock);
	known = mnt_known(m, id);
	pthread_mutex_unlock(&mnt_lock);
	return known ? 0 : -EXDEV;
}

void gofer_mnt_free(struct gofer_srv *s)
{
	free(s->mnts.ids);
	s->mnts.ids = NULL;
	s->mnts.n = s->mnts.cap = 0;
}
