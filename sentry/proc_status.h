/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel's own /proc files of a workload task, read by the sentry
 * through the sandbox's procfs (vtree_host_proc_fd: its pid namespace, so
 * by sandbox pid) into a bounded buffer of the caller's, and the fields of
 * a "Key:\tvalue" file (status) picked out of it.
 */
#ifndef CV_SENTRY_PROC_STATUS_H
#define CV_SENTRY_PROC_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Enough for any /proc/<pid>/status (about 1.5 KiB on Linux 6.x). */
#define TASK_STATUS_MAX 4096

/* /proc/<pid>/name into buf, NUL-terminated, at most len - 1 bytes (the
 * rest is left out): its length, or -errno (-ENOENT: the task is gone). */
ssize_t task_proc_read(pid_t pid, const char *name, char *buf, size_t len);

/* /proc/<tgid>/status, or /proc/<tgid>/task/<tid>/status if tid is not 0
 * (the thread's own signal masks), into buf: as task_proc_read. */
ssize_t task_status_read(pid_t tgid, pid_t tid, char *buf, size_t len);

/* The value of the line "key:" of a status text (the blanks after the
 * colon skipped; it runs to the newline), or NULL if there is none. */
const char *status_value(const char *buf, const char *key);

/* That value as a number in base (16 for the signal masks); 0 if absent. */
uint64_t status_num(const char *buf, const char *key, int base);

#endif
