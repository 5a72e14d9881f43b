/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scope-bound release of resources, so early returns never leak:
 *	cleanup_free char *buf = NULL;
 *	cleanup_close int fd = -1;
 * Transfer ownership out of a scope with steal_ptr()/steal_fd().
 */
#ifndef CV_LIB_CLEANUP_H
#define CV_LIB_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cv_freep(void *p)
{
	free(*(void **)p);
}

static inline void cv_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void cv_fclosep(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

static inline void cv_closedirp(DIR **d)
{
	if (*d != NULL)
		closedir(*d);
}

/* Frees a NULL-terminated array of strings and the array. */
static inline void cv_strvfree(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

static inline void cv_strvfreep(char ***v)
{
	cv_strvfree(*v);
}

#define cleanup_free __attribute__((cleanup(cv_freep)))
#define cleanup_close __attribute__((cleanup(cv_closep)))
#define cleanup_fclose __attribute__((cleanup(cv_fclosep)))
#define cleanup_closedir __attribute__((cleanup(cv_closedirp)))
#define cleanup_strv __attribute__((cleanup(cv_strvfreep)))

static inline void *cv_steal_ptr(void *pp)
{
	void **p = pp, *v = *p;

	*p = NULL;
	return v;
}

static inline int cv_steal_fd(int *fd)
{
	int v = *fd;

	*fd = -1;
	return v;
}

#define steal_ptr(p) cv_steal_ptr(&(p))
#define steal_fd(fd) cv_steal_fd(&(fd))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
