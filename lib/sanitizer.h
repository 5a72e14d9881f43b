/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sanitizer builds (make asan) only: what the processes that confine
 * themselves under a seccomp filter (the sentry, the gofer) need of the
 * sanitizer runtime (CV_SANITIZED; production builds are unchanged):
 *  - sigaltstack(), which the runtime calls before every no-return call
 *    and in its signal handlers, and must not fail (it aborts), is allowed;
 *  - a call outside the filter fails with ENOSYS instead of killing the
 *    process, so that a report (which reads /proc/self/exe and maps,
 *    probes the terminal...) is printed rather than lost in a SIGSYS.
 *    The escape tests check the filter is there, not its default action.
 * (Both processes
 * end with _exit(), so the leak checker's end-of-process pass, which a
 * confined process could not run, never starts; their serving loops are
 * checked under valgrind: tests/escape/gofer_memcheck.sh.)
 */
#ifndef CV_LIB_SANITIZER_H
#define CV_LIB_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define CV_SANITIZED 1
#else
#define CV_SANITIZED 0
#endif

#endif
