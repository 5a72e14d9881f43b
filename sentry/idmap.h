/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ids across the workload's user namespace (sentry/idmap.c).
 *
 * The sentry lives in the host's user namespace, the workload may not:
 * with linux.uidMappings/gidMappings its ids are not the host's. The
 * gofer joins the workload's user namespace (gofer/gofer.h), so ids sent
 * to it (credentials, chown) and stats it makes are the workload's as
 * they are: the kernel maps them, refuses unmapped ones and applies
 * capabilities only to mapped inodes. What the sentry itself stats (its
 * copy of a workload fd, the directory cache, /proc) is in host ids and
 * goes through these, as the kernel's from_kuid_munged() would map it
 * for a process in the namespace: an unmapped host id shows as the
 * overflow id 65534. Without a user namespace every id maps to itself.
 */
#ifndef CV_SENTRY_IDMAP_H
#define CV_SENTRY_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct sc_call;
struct sentry;
struct task;
struct vnode;

enum ident_kind { IDENT_UID, IDENT_GID };

#define IDENT_OVERFLOW 65534u	/* /proc/sys/kernel/overflow{u,g}id */

/* A host id as the workload sees it; IDENT_OVERFLOW if unmapped. */
uint32_t ident_from_host(const struct sentry *s, enum ident_kind k,
			 uint32_t host);
/* A workload id as the host names it; (uint32_t)-1 if unmapped. */
uint32_t ident_to_host(const struct sentry *s, enum ident_kind k,
		       uint32_t id);
/* Whether a host id has a name in the workload's user namespace (always
 * true without one): capabilities apply only to inodes whose owner and
 * group do (capable_wrt_inode_uidgid). */
bool ident_mapped(const struct sentry *s, enum ident_kind k, uint32_t host);
/* Owner and group of a stat/statx the sentry made (on its own copy of an
 * fd, or of a cached directory), as the task sees them. Not for the
 * gofer's replies: those are in the task's ids already. */
void ident_stat_from_host(const struct task *t, struct stat *st);
void ident_statx_from_host(const struct task *t, struct statx *stx);
/* Owner and group of a virtual /proc, /sys or /dev node (procfs_pid.c);
 * whether both are mapped (capabilities apply to the node). */
bool ident_vnode_owner(struct sc_call *c, const struct vnode *n,
		       struct stat *st);

/* Whom a permission check is for, in the task's ids: its fs ids (or its
 * real ids, for access() without AT_EACCESS), its supplementary groups
 * and its effective capabilities. */
struct ident_who {
	uint32_t uid, gid;
	const uint32_t *groups;
	size_t ngroups;
	uint64_t caps;		/* bit n = CAP n */
};

struct task_creds;
struct gofer_creds;
/* The task's fs ids; creds the gofer is sent (which are by value: the
 * returned groups point into cr). */
struct ident_who ident_who_task(const struct task_creds *cr);
struct ident_who ident_who_gofer(const struct gofer_creds *cr);
/* Whether w holds group gid: its gid or a supplementary group. */
bool ident_in_group(const struct ident_who *w, uint32_t gid);
/* Linux's generic_permission() without ACLs: the owner's, the group's
 * or the others' bits of st (in the task's ids) for w, then, if capable
 * (the inode's owner and group are mapped: capable_wrt_inode_uidgid()),
 * CAP_DAC_READ_SEARCH and CAP_DAC_OVERRIDE as Linux applies them. mode:
 * R_OK, W_OK, X_OK or'ed. 0 or -EACCES. */
int ident_permission(const struct ident_who *w, const struct stat *st,
		     int mode, bool capable);
/* The same for a stat the sentry made (host ids: mapped here). */
int ident_host_permission(const struct task *t, const struct ident_who *w,
			  const struct stat *host_st, int mode);

#endif
