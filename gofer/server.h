/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Gofer internals shared by server.c, creds.c, confine.c, mounts_check.c
 * and the ops_*.c families. Not for use outside gofer/.
 *
 * Each channel (a SOCK_SEQPACKET socket to the sentry) is served by one
 * thread, one request at a time, so per-thread state (fs credentials,
 * capabilities, umask, cwd and root: every thread but the main one has
 * its own fs struct, unshare(CLONE_FS)) is switched for the request and
 * restored after it. The main thread serves the channel runsc made; the
 * sentry's workers ask it for one more each (GOFER_OP_CHANNEL), served by
 * threads made at start-up (server.c).
 */
#ifndef CV_GOFER_SERVER_H
#define CV_GOFER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gofer/protocol.h"
#include "lib/devrules.h"

struct gofer_mnt_set {
	uint64_t *ids;
	size_t n, cap;
	unsigned mask;		/* STATX_MNT_ID_UNIQUE or STATX_MNT_ID */
};

struct gofer_srv {
	int sock;
	/* A channel's thread: the main thread's srv (its mount set), NULL
	 * in the main thread. */
	struct gofer_srv *main;
	struct gofer_chans *chans;	/* main thread: the spare channels */
	int root_fd;		/* O_PATH "/" : the sandbox root */
	dev_t root_dev;
	ino_t root_ino;
	bool chrooted;		/* a request is running chrooted */
	bool cwd_moved;		/* an op fchdir'ed: back to "/" after it */
	bool debug;		/* log every request */
	uint32_t cpu_hint;	/* the CPU (+1) the gofer is pinned to */
	uint32_t cpu_seen;	/* the previous request's cpu field */
	struct gofer_mnt_set mnts;
	const struct dev_rule *dev_rules;	/* NULL: the defaults */
	size_t n_dev_rules;
	/* virtual.c: the root's /dev, and the directories standing in for
	 * the sentry's trees (/proc, /sys, /dev/fd) in the gofer's root */
	dev_t dev_dev;
	ino_t dev_ino;		/* 0: no /dev directory */
	struct {
		dev_t dev;
		ino_t ino;
	} vdirs[3];
	size_t n_vdirs;
};

/* One decoded, validated request. Absent strings are NULL; absent fds -1. */
struct gofer_req {
	struct gofer_req_hdr h;
	const char *path, *path2, *name;
	const void *value;
	size_t value_len;
	int dirfd, rootfd, dirfd2, rootfd2, sockfd;
};

struct gofer_rep {
	void *buf;		/* GOFER_REP_PAYLOAD_MAX bytes */
	size_t len;
	int fd;			/* to send, then close; -1 none */
};

/* An op returns the result: >= 0 or -errno. */
typedef long (*gofer_op_fn)(struct gofer_srv *s, const struct gofer_req *r,
			    struct gofer_rep *rep);

/* ops_file.c */
/* Waits for the files opened for writing that this gofer sent to be
 * closed here (server.c), before an exec of one of them is resolved. */
void gofer_sent_writers_wait(void);

long gofer_op_openat(struct gofer_srv *, const struct gofer_req *,
		     struct gofer_rep *);
long gofer_op_fstatat(struct gofer_srv *, const struct gofer_req *,
		      struct gofer_rep *);
long gofer_op_statx(struct gofer_srv *, const struct gofer_req *,
		    struct gofer_rep *);
long gofer_op_statfs(struct gofer_srv *, const struct gofer_req *,
		     struct gofer_rep *);
long gofer_op_faccessat(struct gofer_srv *, const struct gofer_req *,
			struct gofer_rep *);
long gofer_op_readlinkat(struct gofer_srv *, const struct gofer_req *,
			 struct gofer_rep *);
long gofer_op_fchmodat(struct gofer_srv *, const struct gofer_req *,
		       struct gofer_rep *);
long gofer_op_fchownat(struct gofer_srv *, const struct gofer_req *,
		       struct gofer_rep *);
long gofer_op_utimensat(struct gofer_srv *, const struct gofer_req *,
			struct gofer_rep *);
long gofer_op_truncate(struct gofer_srv *, const struct gofer_req *,
		       struct gofer_rep *);
/* ops_dir.c */
long gofer_op_mkdirat(struct gofer_srv *, const struct gofer_req *,
		      struct gofer_rep *);
long gofer_op_mknodat(struct gofer_srv *, const struct gofer_req *,
		      struct gofer_rep *);
long gofer_op_unlinkat(struct gofer_srv *, const struct gofer_req *,
		       struct gofer_rep *);
long gofer_op_renameat2(struct gofer_srv *, const struct gofer_req *,
			struct gofer_rep *);
long gofer_op_linkat(struct gofer_srv *, const struct gofer_req *,
		     struct gofer_rep *);
long gofer_op_symlinkat(struct gofer_srv *, const struct gofer_req *,
			struct gofer_rep *);
/* ops_xattr.c */
long gofer_op_getxattr(struct gofer_srv *, const struct gofer_req *,
		       struct gofer_rep *);
long gofer_op_setxattr(struct gofer_srv *, const struct gofer_req *,
		       struct gofer_rep *);
long gofer_op_listxattr(struct gofer_srv *, const struct gofer_req *,
			struct gofer_rep *);
long gofer_op_removexattr(struct gofer_srv *, const struct gofer_req *,
			  struct gofer_rep *);
/* ops_sock.c */
long gofer_op_bind_unix(struct gofer_srv *, const struct gofer_req *,
			struct gofer_rep *);
long gofer_op_connect_unix(struct gofer_srv *, const struct gofer_req *,
			   struct gofer_rep *);
long gofer_op_connect_abstract(struct gofer_srv *, const struct gofer_req *,
			       struct gofer_rep *);
/* ops_exec.c */
long gofer_op_exec_resolve(struct gofer_srv *, const struct gofer_req *,
			   struct gofer_rep *);
long gofer_op_dir_path(struct gofer_srv *, const struct gofer_req *,
		       struct gofer_rep *);
/* The absolute path of directory fd inside the sandbox root, into buf. */
long gofer_path_of_dir(struct gofer_srv *s, int fd, char *buf, size_t len);

/* server.c: the base directory for a path: the donated dirfd, or the
 * task's root (rootfd, or the sandbox root). */
int gofer_base(const struct gofer_srv *s, const struct gofer_req *r);
int gofer_base2(const struct gofer_srv *s, const struct gofer_req *r);
/* Path for an *at call: the request path, or "" when absent. */
const char *gofer_path_or_empty(const char *path);

/* creds.c: run as the task (creds, umask, chroot), then back. */
int gofer_creds_init(void);
int gofer_creds_thread_init(void);
int gofer_enter(struct gofer_srv *s, const struct gofer_req *r);
void gofer_leave(struct gofer_srv *s);
int gofer_privileged(struct gofer_srv *s);
int gofer_creds_join_userns(int nsfd);
int gofer_peer_creds_begin(const struct gofer_wire_creds *c);
void gofer_peer_creds_end(void);

/* virtual.c: paths that lead into the sentry's trees (GOFER_X_VIRTUAL). */
struct stat;
void gofer_virtual_init(struct gofer_srv *s);
bool gofer_virtual_dir(const struct gofer_srv *s, const struct stat *st);
/* After op r gave ret (and rep): 1 if the reply must be a redirect (then
 * rep holds the virtual path and no fd), else 0. Runs as the task. */
int gofer_virtual_probe(struct gofer_srv *s, const struct gofer_req *r,
			long ret, struct gofer_rep *rep);

/* devices.c: before an open of path from base with flags (and openat2's
 * resolve bits): 0, or the errno of refusing a device node the rules do
 * not allow. Then the fd to donate: 0 or -EPERM. */
long gofer_dev_precheck(const struct gofer_srv *s, int base, const char *path,
			int flags, uint64_t resolve);
long gofer_dev_check_fd(const struct gofer_srv *s, int fd);

/* confine.c */
int gofer_confine(bool seccomp);
/* The same in two steps: capabilities, then the filter. */
int gofer_confine_caps(void);
int gofer_confine_filter(bool seccomp);

/* mounts_check.c */
int gofer_mnt_init(struct gofer_srv *s);
/* Records the mount of an fd the gofer opened itself. */
void gofer_mnt_record(struct gofer_srv *s, int fd);
/* 0 if fd is on one of the gofer's mounts, else -EXDEV (-EBADF: bad fd). */
int gofer_mnt_check(struct gofer_srv *s, int fd);
void gofer_mnt_free(struct gofer_srv *s);

#endif
