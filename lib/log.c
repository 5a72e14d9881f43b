/* SPDX-License-Identifier: Apache-2.0 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static struct {
	int fd;		/* -1: stderr */
	enum cv_log_format fmt;
	int debug;
	char name[32];
} logger = { .fd = -1 };

static const char *const level_names[] = {
	[CV_LOG_ERROR] = "error",
	[CV_LOG_WARN] = "warning",
	[CV_LOG_INFO] = "info",
	[CV_LOG_DEBUG] = "debug",
};

int cv_log_open(const char *path, enum cv_log_format fmt, int debug)
{
	logger.fmt = fmt;
	logger.debug = debug;
	if (path == NULL)
		return 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = fd;
	return 0;
}

int cv_log_fd(void)
{
	return logger.fd;
}

void cv_log_set_name(const char *name)
{
	snprintf(logger.name, sizeof(logger.name), "%s", name ? name : "");
}

void cv_log_close(void)
{
	if (logger.fd >= 0)
		close(logger.fd);
	logger.fd = -1;
}

/* Appends s to out as the inside of a JSON string. */
static size_t json_escape(char *out, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s != '\0' && n + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else if (c < 0x20) {
			n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	out[n] = '\0';
	return n;
}

void cv_log(enum cv_log_level lvl, const char *fmt, ...)
{
	char msg[2048], line[4608], ts[CV_RFC3339_LEN];
	struct timespec now;
	int saved = errno, fd;
	va_list ap;
	int n;

	if (lvl == CV_LOG_DEBUG && !logger.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	clock_gettime(CLOCK_REALTIME, &now);
	cv_rfc3339_utc(ts, &now);

	fd = logger.fd >= 0 ? logger.fd : STDERR_FILENO;
	if (logger.fmt == CV_LOG_JSON) {
		char esc[sizeof(msg) * 2];

		(void)json_escape(esc, sizeof(esc), msg); /* terminated */
		n = snprintf(line, sizeof(line),
			     "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n",
			     level_names[lvl], esc, ts);
	} else if (logger.fd < 0) {
		/* Plain stderr: what a person reads. */
		const char *who = logger.name[0] ? logger.name : "runsc";

		if (lvl == CV_LOG_ERROR)
			n = snprintf(line, sizeof(line), "%s: %s\n", who, msg);
		else
			n = snprintf(line, sizeof(line), "%s: %s: %s\n", who,
				     level_names[lvl], msg);
	} else {
		n = snprintf(line, sizeof(line), "%s %s[%d] %s: %s\n", ts,
			     logger.name[0] ? logger.name : "runsc", getpid(),
			     level_names[lvl], msg);
	}
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (n > 0 && write(fd, line, (size_t)n) < 0) {
		/* nowhere left to report a failed log write */
	}
	errno = saved;
}
