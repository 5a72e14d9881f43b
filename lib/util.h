/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small side-effect-free helpers and thin file helpers shared by runsc, the
 * sentry and the gofer. Keep this file small: anything specific to one
 * subsystem belongs in that subsystem.
 */
#ifndef CV_LIB_UTIL_H
#define CV_LIB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* Reads a whole file (NUL-terminated; *len excludes the NUL). */
int cv_read_file(const char *path, char **out, size_t *len,
		 struct cv_error **err);
int cv_read_fd(int fd, char **out, size_t *len, struct cv_error **err);

/* Writes data to path through a temp file in the same directory, fsync and
 * rename, so readers see the old or the new content, never a mix. */
int cv_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct cv_error **err);

/* Writes a short string to an existing file (cgroup, /proc knobs). */
int cv_write_string(const char *path, const char *s, struct cv_error **err);

/* mkdir -p; succeeds if the directory exists. */
int cv_mkdir_p(const char *path, mode_t mode, struct cv_error **err);

/* Strict number parsing: whole string, range checked. 0 or -EINVAL/-ERANGE. */
int cv_parse_u64(const char *s, uint64_t *out);
int cv_parse_i64(const char *s, int64_t *out);

/* Nanoseconds of CLOCK_MONOTONIC. */
uint64_t cv_now_ns(void);

/* ts as RFC 3339 UTC with nanoseconds, "2026-12-06T18:40:31.123456789Z"
 * (at most CV_RFC3339_LEN bytes with the NUL; 31 for four-digit years).
 * Computed, not gmtime_r(): glibc's reads the host's /etc/localtime
 * (tzset) even for UTC, and keeps all it read in the heap that every
 * sandbox process forked after it inherits. */
#define CV_RFC3339_LEN 80
void cv_rfc3339_utc(char *buf, const struct timespec *ts);

/* The worker threads CVISOR_SENTRY_WORKERS asks of the sentry (and the
 * gofer its channels: docs/architecture.md, "Threads of the sentry"):
 * "cpus" or unset (the default), one per CPU this process may run on (its
 * affinity, the container's cpuset), at most the CPUs of the quota
 * cv_workers_limit_cpus() set, none with one CPU; N, at most max; 0 or
 * invalid, none. */
unsigned cv_workers_wanted(unsigned max);
/* The container's CPU quota in whole CPUs (cv_quota_cpus), 0: none. */
void cv_workers_limit_cpus(unsigned cpus);
/* ceil(quota / period): the CPUs a CFS quota lets run at once; 0 for no
 * quota (quota <= 0, as cfs_quota_us -1, or no period). */
unsigned cv_quota_cpus(int64_t quota, uint64_t period);
/* A cgroup's CPU quota as the kernel writes it: v1 cpu.cfs_quota_us
 * ("-1": none) or v2 cpu.max ("max": none), the quota and the period after
 * it; a newline may end it. *quota is -1 for none; *period is left as it
 * was if the text has none (period may be NULL then: cfs_quota_us). 0, or
 * -EINVAL for other text. */
int cv_parse_cpu_quota(const char *text, int64_t *quota, uint64_t *period);

#endif
