/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config's own seccomp profile (linux.seccomp), compiled with
 * libseccomp. Process set-up calls seccomp_profile_load() as the last step
 * before execve, after PR_SET_NO_NEW_PRIVS; the kernel stacks it on top of
 * cvisor's interception filter and applies the strictest verdict.
 *
 * As in runc: syscall names libseccomp does not know are skipped (logged at
 * debug), rules whose action equals the default action are skipped, and a
 * rule with several conditions on the same argument becomes one rule per
 * condition (libseccomp cannot AND two conditions on one argument). With a
 * refusing default action (anything but ALLOW, LOG, TRACE or ERRNO(ENOSYS)),
 * x86_64 syscalls numbered above every syscall the profile names get
 * ENOSYS, so libc falls back from calls the profile predates.
 */
#ifndef CV_RUNSC_SECCOMP_PROFILE_H
#define CV_RUNSC_SECCOMP_PROFILE_H

#include "lib/error.h"
#include "oci/config.h"

/* Compiles s and loads it into the calling thread (all threads with
 * SECCOMP_FILTER_FLAG_TSYNC). s->present false: nothing to do. */
int seccomp_profile_load(const struct oci_seccomp *s, struct cv_error **err);

/* Compiles s and writes the BPF program to fd (for tests and debugging). */
int seccomp_profile_export(const struct oci_seccomp *s, int fd,
			   struct cv_error **err);

#endif
