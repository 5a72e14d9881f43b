/* SPDX-License-Identifier: Apache-2.0 */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int error_ret(const struct cv_error *e)
{
	return e->errnum > 0 ? -e->errnum : -1;
}

static int error_vset(struct cv_error **err, int errnum, int add_strerror,
		      const char *fmt, va_list ap)
{
	struct cv_error *e;
	char *msg = NULL;

	if (err == NULL)
		return errnum > 0 ? -errnum : -1;
	if (*err != NULL) /* keep the first, innermost failure */
		return error_ret(*err);
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (msg != NULL && add_strerror && errnum > 0) {
		char *full = NULL;

		if (asprintf(&full, "%s: %s", msg, strerror(errnum)) >= 0) {
			free(msg);
			msg = full;
		}
	}
	e->errnum = errnum > 0 ? errnum : 0;
	e->status = 1;
	e->msg = msg != NULL ? msg : strdup("out of memory");
	*err = e;
	return error_ret(e);
}

int cv_error_set(struct cv_error **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_vset(err, errnum, 1, fmt, ap);
	va_end(ap);
	return r;
}

int cv_error_setx(struct cv_error **err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_vset(err, 0, 0, fmt, ap);
	va_end(ap);
	return r;
}

int cv_error_wrap(struct cv_error **err, const char *fmt, ...)
{
	char *ctx = NULL, *full = NULL;
	va_list ap;

	if (err == NULL || *err == NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		ctx = NULL;
	va_end(ap);
	if (ctx != NULL && asprintf(&full, "%s: %s", ctx, (*err)->msg) >= 0) {
		free((*err)->msg);
		(*err)->msg = full;
	}
	free(ctx);
	return error_ret(*err);
}

void cv_error_free(struct cv_error **err)
{
	if (err == NULL || *err == NULL)
		return;
	free((*err)->msg);
	free(*err);
	*err = NULL;
}
