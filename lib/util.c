/* SPDX-License-Identifier: Apache-2.0 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"
#include "log.h"

int cv_read_fd(int fd, char **out, size_t *len, struct cv_error **err)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (buf == NULL)
		return cv_error_set(err, ENOMEM, "read");
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (nb == NULL) {
				free(buf);
				return cv_error_set(err, ENOMEM, "read");
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return cv_error_set(err, errno, "read");
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	if (len != NULL)
		*len = n;
	return 0;
}

int cv_read_file(const char *path, char **out, size_t *len,
		 struct cv_error **err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return cv_error_set(err, errno, "open %s", path);
	if (cv_read_fd(fd, out, len, err) < 0)
		return cv_error_wrap(err, "%s", path);
	return 0;
}

int cv_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct cv_error **err)
{
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;
	int r;

	if (asprintf(&tmp, "%s.tmp.%d", path, getpid()) < 0)
		return cv_error_set(err, ENOMEM, "write %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return cv_error_set(err, errno, "create %s", tmp);
	r = cv_write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	/* The temporary file is removed on failure, best effort: the error
	 * reported is the write's or the rename's. */
	if (r < 0) {
		(void)unlink(tmp);
		return cv_error_set(err, -r, "write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		r = errno;
		(void)unlink(tmp);
		return cv_error_set(err, r, "rename %s", path);
	}
	return 0;
}

int cv_write_string(const char *path, const char *s, struct cv_error **err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return cv_error_set(err, errno, "open %s", path);
	r = cv_write_all(fd, s, strlen(s));
	if (r < 0)
		return cv_error_set(err, -r, "write %s to %s", s, path);
	return 0;
}

int cv_mkdir_p(const char *path, mode_t mode, struct cv_error **err)
{
	cleanup_free char *p = strdup(path);
	struct stat st;

	if (p == NULL)
		return cv_error_set(err, ENOMEM, "mkdir %s", path);
	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return cv_error_set(err, errno, "mkdir %s", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return cv_error_set(err, errno, "mkdir %s", p);
	if (stat(p, &st) < 0)
		return cv_error_set(err, errno, "stat %s", p);
	if (!S_ISDIR(st.st_mode))
		return cv_error_set(err, ENOTDIR, "mkdir %s", p);
	return 0;
}

int cv_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s == '\0' || *s == '-' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

int cv_parse_i64(const char *s, int64_t *out)
{
	long long v;
	char *end;

	if (s == NULL || *s == '\0' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 0);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}

uint64_t cv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void cv_rfc3339_utc(char *buf, const struct timespec *ts)
{
	int64_t days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
	int64_t era, doe, yoe, doy, mp, year;
	unsigned month, mday;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* the proleptic Gregorian calendar in 400-year eras that start on
	 * 0000-03-01, so that the leap day ends each year */
	days += 719468;		/* 1970-01-01 counted from 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;				/* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);		/* [0, 365] */
	mp = (5 * doy + 2) / 153;				/* March = 0 */
	mday = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	year = yoe + era * 400 + (month <= 2);
	snprintf(buf, CV_RFC3339_LEN, "%04lld-%02u-%02uT%02u:%02u:%02u.%09ldZ",
		 (long long)year, month, mday, (unsigned)(secs / 3600),
		 (unsigned)(secs / 60 % 60), (unsigned)(secs % 60),
		 (long)ts->tv_nsec);
}

unsigned cv_quota_cpus(int64_t quota, uint64_t period)
{
	if (quota <= 0 || period == 0)
		return 0;
	return (unsigned)(((uint64_t)quota + period - 1) / period);
}

int cv_parse_cpu_quota(const char *text, int64_t *quota, uint64_t *period)
{
	char q[32], p[32];
	int n;

	n = sscanf(text, "%31s %31s", q, p);
	if (n < 1)
		return -EINVAL;
	if (strcmp(q, "max") == 0)
		*quota = -1;
	else if (cv_parse_i64(q, quota) < 0 || (*quota < 0 && *quota != -1))
		return -EINVAL;
	if (n == 2 && (period == NULL || cv_parse_u64(p, period) < 0))
		return -EINVAL;
	return 0;
}

/* The CPUs the container's CPU quota allows, 0: no quota (set by runsc's
 * sandbox once in the container's cgroup; inherited by the gofer). */
static unsigned workers_quota_cpus;

void cv_workers_limit_cpus(unsigned cpus)
{
	workers_quota_cpus = cpus;
}

/* One per CPU the container may use: its cpuset (this process's
 * affinity), at most its quota; none with one. */
static long workers_per_cpu(void)
{
	cpu_set_t set;
	long n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		n = CPU_COUNT(&set);
	if (workers_quota_cpus != 0 && n > (long)workers_quota_cpus)
		n = workers_quota_cpus;
	return n < 2 ? 0 : n;
}

unsigned cv_workers_wanted(unsigned max)
{
	const char *env = getenv("CVISOR_SENTRY_WORKERS");
	long n = 0;

	/* Unset, or "cpus": one per CPU (docs/architecture.md, "Threads of
	 * the sentry"). */
	if (env == NULL || *env == '\0' || strcmp(env, "cpus") == 0) {
		n = workers_per_cpu();
	} else {
		char *end;

		n = strtol(env, &end, 10);
		if (*end != '\0' || n < 0) {
			log_warn("CVISOR_SENTRY_WORKERS=%s: not a count nor "
				 "\"cpus\": no workers", env);
			n = 0;
		}
	}
	return n > (long)max ? max : (unsigned)n;
}
