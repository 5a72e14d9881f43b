/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process-wide logging. runsc's --log/--log-format/--debug configure it; by
 * default messages go to stderr as text. In json format each line is
 *	{"level":"error","msg":"...","time":"2026-01-01T00:00:00Z"}
 * which is what containerd's shim reads back from --log.
 */
#ifndef CV_LIB_LOG_H
#define CV_LIB_LOG_H

enum cv_log_level {
	CV_LOG_ERROR,
	CV_LOG_WARN,
	CV_LOG_INFO,
	CV_LOG_DEBUG,
};

enum cv_log_format {
	CV_LOG_TEXT,
	CV_LOG_JSON,
};

/* path NULL: stderr. Returns < 0 (errno set) if the file cannot be opened. */
int cv_log_open(const char *path, enum cv_log_format fmt, int debug);
/* The fd log lines go to (for children that must keep logging), or -1. */
int cv_log_fd(void);
/* Prefix for text lines, e.g. "sentry"; copied. */
void cv_log_set_name(const char *name);
void cv_log_close(void);

void cv_log(enum cv_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) cv_log(CV_LOG_ERROR, __VA_ARGS__)
#define log_warn(...) cv_log(CV_LOG_WARN, __VA_ARGS__)
#define log_info(...) cv_log(CV_LOG_INFO, __VA_ARGS__)
#define log_debug(...) cv_log(CV_LOG_DEBUG, __VA_ARGS__)

#endif
