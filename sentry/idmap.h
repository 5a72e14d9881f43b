/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ids across the workload's user namespace (sentry/idmap.c).
 *
 * The gofer and the sentry live in the host's user namespace, the workload
 * may not: with linux.uidMappings/gidMappings its ids are not the host's.
 * Every id that crosses the boundary goes through these, as the kernel's
 * make_kuid()/from_kuid_munged() would map it for a process in the
 * namespace:
 *   - ids the workload passes in (chown) become host ids; an id outside
 *     the mapping is refused with EINVAL, as Linux's chown refuses it;
 *   - host ids shown to the workload (stat) become its ids; an unmapped
 *     host id shows as the overflow id 65534.
 * Without a user namespace every id maps to itself.
 */
#ifndef CV_SENTRY_IDMAP_H
#define CV_SENTRY_IDMAP_H

#include <stdint.h>
#include <sys/stat.h>

struct sc_call;
struct sentry;
struct task;
struct vnode;

enum ident_kind { IDENT_UID, IDENT_GID };

#define IDENT_OVERFLOW 65534u	/* /proc/sys/kernel/overflow{u,g}id */

/* The workload's id as a host id into *host: 0, or -EINVAL if unmapped.
 * (uint32_t)-1 (chown's "unchanged") stays -1. */
int ident_to_host(const struct sentry *s, enum ident_kind k, uint32_t id,
		  uint32_t *host);
/* The workload's id as a host id, IDENT_OVERFLOW if unmapped: for
 * credentials, which the kernel never lets a task take outside its
 * mapping. */
uint32_t ident_to_host_cred(const struct sentry *s, enum ident_kind k,
			    uint32_t id);
/* A host id as the workload sees it; IDENT_OVERFLOW if unmapped. */
uint32_t ident_from_host(const struct sentry *s, enum ident_kind k,
			 uint32_t host);
/* Owner and group of a stat/statx the gofer (or the sentry, on its own
 * copy of an fd) made, as the task sees them. */
void ident_stat_from_host(const struct task *t, struct stat *st);
void ident_statx_from_host(const struct task *t, struct statx *stx);
/* Owner and group of a virtual /proc, /sys or /dev node (vfs_pid.c). */
void ident_vnode_owner(struct sc_call *c, const struct vnode *n,
		       struct stat *st);

#endif
