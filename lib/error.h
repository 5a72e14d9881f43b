/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error object used wherever a message reaches a person (runsc, set-up
 * code, the gofer's start-up). Fallible functions return int (< 0 on failure)
 * and fill *err; callers add context on the way up with cv_error_wrap().
 *
 * Inside the sentry, handlers return -errno instead: that is what the
 * workload sees.
 */
#ifndef CV_LIB_ERROR_H
#define CV_LIB_ERROR_H

#include <stdarg.h>

struct cv_error {
	int errnum;	/* errno at the failure, 0 when not a system error */
	int status;	/* process exit status a CLI should use, default 1 */
	char *msg;	/* full message, context prefixes included */
};

/*
 * Set *err (if err is non-NULL and not already set) and return -1, or
 * -errnum when errnum > 0, so callers can write
 *	return cv_error_set(err, errno, "open %s", path);
 * The message gets ": strerror(errnum)" appended when errnum > 0.
 */
int cv_error_set(struct cv_error **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As cv_error_set but never appends strerror. */
int cv_error_setx(struct cv_error **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prefix an existing error with context: "ctx: old message". Returns the
 * same value cv_error_set would have returned for it. */
int cv_error_wrap(struct cv_error **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void cv_error_free(struct cv_error **err);

/* Cleanup attribute for a struct cv_error *. */
#define cleanup_error __attribute__((cleanup(cv_error_free)))

#endif
