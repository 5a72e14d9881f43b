/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sanitizer builds (make asan) only: what the processes that confine
 * themselves under a seccomp filter (the sentry, the gofer) need of the
 * sanitizer runtime. The runtime calls sigaltstack() before every
 * no-return call and in its signal handlers, so their filters allow it in
 * these builds (CV_SANITIZED); production builds do not. (Both processes
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
