/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sentry's side of the gofer protocol. Every call is synchronous: one
 * request, one reply. Every call returns >= 0 on success or -errno, the
 * errno the workload must see (the gofer ran the real operation under the
 * task's credentials, so it is Linux's own answer).
 *
 * Paths are resolved by the gofer inside its root (the sandbox root), so
 * ".." stops at "/" and absolute symlinks stay inside. "dirfd" arguments are
 * sentry-side descriptors of directories that came from the gofer (a task's
 * cwd or root, or a copy of a workload dirfd taken with pidfd_getfd); the
 * gofer refuses a descriptor that is not on one of its own mounts (EXDEV...
 * see the protocol doc). GOFER_AT_ROOT means "relative to the sandbox root".
 *
 * Contract details (docs/gofer-protocol.md):
 *  - -EIO means the gofer is gone or broken (closed socket, bad reply):
 *    the sentry must kill the sandbox.
 *  - -EXDEV: a donated dirfd/rootfd is not on one of the gofer's mounts.
 *  - at->path NULL: the fd form (fstat, fchmod, fchown, futimens, f*xattr,
 *    ftruncate, statfs on dirfd itself).
 *  - faccessat always checks with the creds given (AT_EACCESS): for plain
 *    access(2) pass fsuid = ruid, fsgid = rgid and cap_effective = the
 *    permitted set if ruid == 0, else 0.
 *  - openat never blocks: a FIFO fd comes back with O_NONBLOCK set (and
 *    O_WRONLY without a reader is -ENXIO); the sentry emulates the wait.
 */
#ifndef CV_GOFER_CLIENT_H
#define CV_GOFER_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <time.h>

#define GOFER_AT_ROOT (-2)
#define GOFER_MAX_GROUPS 64

/* The calling task's filesystem credentials, in host ids. */
struct gofer_creds {
	uint32_t fsuid, fsgid;
	uint32_t ngroups;
	uint32_t groups[GOFER_MAX_GROUPS];
	uint64_t cap_effective;	/* bit n = CAP n */
	uint32_t umask;
};

/* Where a path starts: the directory, and the task's root (for chroot). */
struct gofer_at {
	int dirfd;		/* GOFER_AT_ROOT or a sentry-side dir fd */
	int rootfd;		/* GOFER_AT_ROOT unless the task chrooted */
	const char *path;
	bool virt_ok;		/* the caller handles -GOFER_EVIRTUAL */
};

/*
 * Returned (negated) by a call made with at->virt_ok when the path leads
 * into a tree the sentry serves (/proc, /sys, /dev/fd...): the gofer's
 * walk, done as Linux would, crossed a symlink into it. The virtual path
 * is in gofer_client.virt. Never an errno for the workload.
 */
#define GOFER_EVIRTUAL 4095

struct gofer_client {
	pthread_mutex_t lock;	/* one request in flight: sock, next_tag */
	int sock;
	uint32_t next_tag;
	/* The path of the last -GOFER_EVIRTUAL, written under lock: read it
	 * only where no other thread can make a call (the sentry's main
	 * thread, holding the sentry lock for writing). */
	char virt[4096];
};

/* sock: the sentry's end of the SOCK_SEQPACKET pair (the client never
 * closes it). A client has one request in flight at a time: concurrent
 * callers (the sentry's workers) take turns on its lock. */
void gofer_client_init(struct gofer_client *c, int sock);

/* Opens; *fd_out is a new sentry-side fd (O_CLOEXEC) to donate.
 * resolve: openat2 RESOLVE_* bits (0 for open/openat). */
int gofer_openat(struct gofer_client *c, const struct gofer_creds *cr,
		 const struct gofer_at *at, int flags, mode_t mode,
		 uint64_t resolve, int *fd_out);
int gofer_fstatat(struct gofer_client *c, const struct gofer_creds *cr,
		  const struct gofer_at *at, int flags, struct stat *st);
int gofer_statx(struct gofer_client *c, const struct gofer_creds *cr,
		const struct gofer_at *at, int flags, unsigned mask,
		struct statx *stx);
int gofer_statfs(struct gofer_client *c, const struct gofer_creds *cr,
		 const struct gofer_at *at, struct statfs *st);
int gofer_faccessat(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *at, int mode, int flags);
/* Returns the length (not NUL-terminated, like readlink). */
int gofer_readlinkat(struct gofer_client *c, const struct gofer_creds *cr,
		     const struct gofer_at *at, char *buf, size_t len);
int gofer_mkdirat(struct gofer_client *c, const struct gofer_creds *cr,
		  const struct gofer_at *at, mode_t mode);
/* Only S_IFIFO, S_IFSOCK and S_IFREG; devices are EPERM. */
int gofer_mknodat(struct gofer_client *c, const struct gofer_creds *cr,
		  const struct gofer_at *at, mode_t mode, dev_t dev);
int gofer_unlinkat(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, int flags);
int gofer_renameat2(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *from, const struct gofer_at *to,
		    unsigned flags);
int gofer_linkat(struct gofer_client *c, const struct gofer_creds *cr,
		 const struct gofer_at *from, const struct gofer_at *to,
		 int flags);
int gofer_symlinkat(struct gofer_client *c, const struct gofer_creds *cr,
		    const char *target, const struct gofer_at *at);
int gofer_fchmodat(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, mode_t mode, int flags);
int gofer_fchownat(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, uid_t uid, gid_t gid, int flags);
/* times NULL: now. */
int gofer_utimensat(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *at, const struct timespec times[2],
		    int flags);
int gofer_truncate(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, off_t length);
/* xattrs: get/list return the size, as the syscalls do. */
int gofer_getxattr(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, int flags, const char *name,
		   void *value, size_t size);
int gofer_setxattr(struct gofer_client *c, const struct gofer_creds *cr,
		   const struct gofer_at *at, int flags, const char *name,
		   const void *value, size_t size, int xflags);
int gofer_listxattr(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *at, int flags, char *list,
		    size_t size);
int gofer_removexattr(struct gofer_client *c, const struct gofer_creds *cr,
		      const struct gofer_at *at, int flags, const char *name);
/* Binds / connects sockfd (a sentry-side copy of the workload's socket) to
 * the AF_UNIX path. */
int gofer_bind_unix(struct gofer_client *c, const struct gofer_creds *cr,
		    const struct gofer_at *at, int sockfd);
int gofer_connect_unix(struct gofer_client *c, const struct gofer_creds *cr,
		       const struct gofer_at *at, int sockfd);
/* connect(2) of a donated AF_UNIX socket to an abstract name (name[0] is
 * NUL; len bytes of sun_path), with the task's ids as the thread's euid
 * and egid, so that the listener's SO_PEERCRED names the task. */
int gofer_connect_abstract(struct gofer_client *c, const struct gofer_creds *cr,
			   const void *name, size_t len, int sockfd);

/* exec resolution: permission checks (X on the file, search on the path),
 * ELOOP/ENOENT/EACCES/ETXTBSY as execve gives them. On success fills the
 * canonical absolute path inside the sandbox root and up to 256 bytes of
 * the file's head (for "#!" and ELF checks). */
struct gofer_exec_info {
	char path[4096];
	unsigned char head[256];
	size_t head_len;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint32_t gain;	/* GOFER_GAIN_* */
	/* GOFER_EXEC_SETID asked and the file gains ids or capabilities
	 * at exec: it, O_PATH under the exec copy (the caller closes it);
	 * else -1 */
	int setid_fd;
};
int gofer_exec_resolve(struct gofer_client *c, const struct gofer_creds *cr,
		       const struct gofer_at *at, int flags,
		       struct gofer_exec_info *out);

/* One more channel to the gofer, served by a thread of its own
 * (GOFER_OP_CHANNEL): *sock_out is its socket for gofer_client_init();
 * -EAGAIN when the gofer has none left. */
int gofer_channel_open(struct gofer_client *c, int *sock_out);

/* The absolute path (inside the sandbox) of a directory fd, for getcwd. */
int gofer_dir_path(struct gofer_client *c, int dirfd, char *buf, size_t len);

#endif
