/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sentry/nsfs.c: the files /proc/<pid>/ns/X lead to, emulated (handles of
 * the sentry's own, never the kernel's nsfs files).
 */
#ifndef CV_SENTRY_NSFS_H
#define CV_SENTRY_NSFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct sc_call;
struct vnode;

/* The link /proc/<pid>/ns/<name> (n) followed and opened with flags: a
 * handle of the namespace. 0 or -errno. */
int nsfs_link_open(struct sc_call *c, const struct vnode *n, int flags,
		   int *fd_out);
/* access(2) of a namespace file with mode (the task's ids do not
 * matter: 0444, root's, no write, no execute). 0 or -errno. */
int nsfs_access(struct sc_call *c, int mode);
/* What a write open of a namespace file gets: -EPERM or -EACCES. */
int nsfs_write_errno(struct sc_call *c);
/* The same handle as a sentry-side fd (the walk's foreign object). */
int nsfs_link_foreign(struct sc_call *c, const struct vnode *n, int *fd_out,
		      bool *owned);
/* If (dev, ino), a file's identity, is a handle's: the namespace's stat
 * in *st (host ids, as an fstat's) and true. Cheap when it is not. */
bool nsfs_shown(dev_t dev, ino_t ino, struct stat *st);
/* The same for a sentry-side fd. */
bool nsfs_fd_stat(int fd, struct stat *st);
/* "net:[N]" of a handle fd, its length; -ENOENT if fd is none. */
int nsfs_fd_name(int fd, char *buf, size_t len);
/* An ioctl of the NS_GET_* family (NSIO)... */
bool nsfs_ioctl_request(unsigned long req);
/* ...on the task's fd (fd: the sentry's copy): Linux's answer for a
 * handle, ENOTTY for any other file. */
long nsfs_ioctl(struct sc_call *c, int fd, unsigned long req, uint64_t arg);

#endif
