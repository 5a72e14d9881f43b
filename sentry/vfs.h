/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sentry's virtual filesystems: /proc, /sys and the virtual entries of
 * /dev (fd, stdin, stdout, stderr). They are never served by the gofer.
 *
 * The path handlers (sentry/fs_*.c) decide the routing on a lexically
 * cleaned absolute path (vfs_path_is_virtual) and hand virtual paths here.
 *
 * How a virtual object reaches the workload:
 *  - a file: its content is synthesised into a sealed memfd (mode 0444),
 *    reopened read-only, and installed in the task;
 *  - a directory: a real directory in a private tmpfs owned by the sentry
 *    (the "mirror", laid out as /proc/..., /sys/..., /dev/...), whose
 *    entries are re-synchronised on every open so getdents64 (a PASS call
 *    on the real fd) lists the right names and types;
 *  - a symlink: readlink gives its target; opens follow it.
 *
 * Set-up: vfs_init() must run before the sentry confines itself and after
 * the init was forked: it mounts the private tmpfs and a procfs of the
 * sandbox's pid namespace (never the host's) with the new mount API. If
 * it was not called, the first use tries it lazily.
 */
#ifndef CV_SENTRY_VFS_H
#define CV_SENTRY_VFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include "sentry/sentry.h"
#include "sentry/task.h"

struct vfs_mount_info {
	const char *source, *destination, *type, *options;
	unsigned long flags;	/* MS_* the config's options set */
	enum sentry_propagation propagation;
};

/* vfs_mounts.c: the lines of /proc/<pid>/mounts (info: mountinfo). */
struct sc_call;
struct vbuf;
int vfs_mount_lines(struct sc_call *c, struct vbuf *b, bool info);

struct vfs_config {
	const char *hostname;		/* the container's; NULL: "localhost" */
	uint64_t memory_limit;		/* bytes, 0: none (then the cgroup's) */
	const struct vfs_mount_info *mounts;	/* the OCI mounts, shown in */
	size_t n_mounts;			/* /proc/<pid>/mounts */
	const char *const *masked;	/* linux.maskedPaths */
	size_t n_masked;
	const char *const *readonly;	/* linux.readonlyPaths */
	size_t n_readonly;
	pid_t init_pid;		/* host pid of the workload init: /proc is
				 * read through a procfs of its pid ns */
};

/* Before confinement. cfg may be NULL; it is copied. 0 or -errno. */
int vfs_init(const struct vfs_config *cfg);

/* ---- pure path helpers (unit-tested) ----------------------------------- */

/*
 * Joins base (absolute, may be NULL if path is absolute) and path, and
 * cleans the result lexically: "." dropped, ".." pops (stops at "/"),
 * repeated slashes collapsed. 0, or -ENAMETOOLONG if it does not fit cap.
 */
int vfs_path_clean(char *out, size_t cap, const char *base, const char *path);

/* A cleaned absolute path that belongs to the sentry, not the gofer:
 * /proc, /sys and below; /dev/fd and below; /dev/std{in,out,err}. */
bool vfs_path_is_virtual(const char *clean);

/* Could "base/path" be virtual? False when base is a non-virtual directory
 * and path has no ".." and base is not "/" or "/dev": then no need to know
 * base's real path. Used to skip a gofer round trip. */
bool vfs_relative_may_be_virtual(const char *path);

/* ---- operations on a cleaned virtual path ------------------------------ */

/* Opens: *fd_out is a sentry-side fd to install. flags are O_*. */
int vfs_open(struct sc_call *c, const char *path, int flags, int *fd_out);
int vfs_stat(struct sc_call *c, const char *path, bool follow,
	     struct stat *st);
int vfs_statfs(struct sc_call *c, const char *path, struct statfs *st);
/* Linux's answer for access(2) (mode: R_OK|W_OK|X_OK|F_OK). */
int vfs_access(struct sc_call *c, const char *path, int mode, bool follow);
/* The target of a virtual symlink (no NUL), -EINVAL if not a link. */
int vfs_readlink(struct sc_call *c, const char *path, char *buf, size_t len);
/* What a modification (create, remove, chmod...) of a virtual path gets:
 * -ENOENT if it does not exist, else -EACCES/-EPERM like a read-only
 * procfs would answer. */
int vfs_modify_errno(struct sc_call *c, const char *path);

/*
 * If the sentry-side fd is a directory of the mirror, its virtual path in
 * buf and 0; -ENOENT otherwise (a gofer fd or anything else).
 */
int vfs_fd_path(int fd, char *buf, size_t len);

/*
 * If resolving p->vpath crosses a virtual symlink that leads out of the
 * virtual trees in a non-final component (/proc/self/cwd/x,
 * /proc/self/root/etc, /proc/self/fd/3/x, "/proc/.." tricks after link
 * expansion), rewrite p to be served by the gofer from that object.
 * 0, or -errno of the walk (then p stays virtual and the op reports it).
 */
struct fs_path;
int vfs_escape(struct sc_call *c, struct fs_path *p);
/* The same, following a final magic link too (chmod("/proc/self/fd/3")
 * changes the file fd 3 is, as on Linux): an fd's object ends up as p's
 * dirfd with an empty path (p->empty). */
int vfs_escape_final(struct sc_call *c, struct fs_path *p);

/*
 * For execve of a virtual path (busybox runs "/proc/self/exe" first): the
 * canonical sandbox path it leads to (/proc/<pid>/exe, cwd/..., root/...,
 * fd/N of a file the gofer opened), to resolve with the gofer as usual.
 * 0, or -errno (EACCES for /proc files, ENOENT...).
 */
int vfs_exec_path(struct sc_call *c, const char *path, char *out,
		  size_t len);

/* ---- path resolution shared by the handlers (sentry/fs_path.c) --------- */

/* How fs_path_get treats the path. */
#define FS_EMPTY_OK	0x1	/* AT_EMPTY_PATH given: "" is the dirfd */
#define FS_NO_VIRTUAL	0x2	/* never route to the vfs */
#define FS_NULL_OK	0x4	/* a NULL pointer is "" (utimensat, statx) */
#define FS_VIRT_LINKS	0x8	/* the caller handles -GOFER_EVIRTUAL with
				 * fs_path_redirect (a symlink into /proc) */
#define FS_AT_DIRFD	0x10	/* "/" is dirfd (RESOLVE_IN_ROOT) */

/*
 * A path argument, read once from workload memory and resolved to where
 * it must be served: the gofer (at) or the sentry's vfs (virt, vpath).
 * For FS_EMPTY_OK with "", empty is set and at.dirfd (or, if virt, vpath)
 * is the object itself.
 */
struct fs_path {
	char path[PATH_MAX];	/* as the workload gave it */
	char vpath[PATH_MAX];	/* cleaned absolute path, when virt */
	bool virt;
	bool empty;
	int dupfd;		/* owned copy of a workload fd, or -1 */
	struct gofer_at at;
};

int fs_path_get(struct sc_call *c, int dirfd, uint64_t upath, unsigned how,
		struct fs_path *p);
void fs_path_put(struct fs_path *p);
/*
 * After a gofer call on p returned -GOFER_EVIRTUAL (p was got with
 * FS_VIRT_LINKS and the gofer's walk followed a symlink into /proc, /sys
 * or /dev/fd): re-route p to the path the gofer reported, which is then
 * virtual (or, after "..", real again from the root). *hops counts the
 * redirects of one call: -ELOOP past a few. 0 or -errno.
 */
int fs_path_redirect(struct sc_call *c, struct fs_path *p, int *hops);
#define cleanup_fs_path __attribute__((cleanup(fs_path_put)))

/* The absolute path of a sentry-side directory fd (mirror or gofer), for
 * getcwd and routing; cached by inode. Returns the length or -errno. */
int fs_dir_path(struct sc_call *c, int fd, char *buf, size_t len);
/* Forget cached directory paths (after rename, rmdir). */
void fs_dir_path_flush(void);
/*
 * The cache of resolved directories (sentry/fs_dcache.c). Each answers
 * only when p (absolute, or relative to a start directory that is itself
 * cached) names a cached directory, valid now; it returns -EAGAIN
 * otherwise (then do the full gofer call) and never calls the gofer for
 * the answer itself.
 */
/* chdir: *fd_out a new O_PATH fd of the directory (search checked). */
int fs_dcache_chdir(struct sc_call *c, const struct fs_path *p,
		    int *fd_out);
/* stat/lstat/newfstatat, statx: fstat/statx of the cached fd. */
int fs_dcache_stat(struct sc_call *c, const struct fs_path *p,
		   struct stat *st);
struct statx;
int fs_dcache_statx(struct sc_call *c, const struct fs_path *p, int flags,
		    unsigned mask, struct statx *stx);
/* access/faccessat with F_OK or X_OK, as creds cr: 0 or -EAGAIN. */
int fs_dcache_access(struct sc_call *c, const struct fs_path *p,
		     const struct gofer_creds *cr, int mode);
/* After a full call found that p (got as above) names a directory (st,
 * its stat), as creds cr: cache it for the next calls, if it may be. */
int fs_dcache_note(struct sc_call *c, const struct fs_path *p,
		   const struct gofer_creds *cr, const struct stat *st);
/* Empties the cache (a rename or rmdir by a task; a mismatch). */
void fs_dcache_flush(void);
bool fs_dcache_enabled(void);
/* On unless --file-access shared (!on) or the root has shared propagation
 * (sentry_setup, before any call). */
void fs_dcache_configure(bool on, bool root_shared);
struct fs_dcache_stats {
	uint64_t hits, misses, gofer_calls, flushes;
};
const struct fs_dcache_stats *fs_dcache_stats(void);
/* One debug log line: on/off and the counters (at the sentry's exit). */
void fs_dcache_log_stats(void);
/* Whether the task holds capability cap in its effective set. */
bool fs_capable(const struct task *t, int cap);
/*
 * Copies an extensible struct (open_how, xattr_args) of usize bytes from
 * the workload into dst (ksize bytes), with the kernel's rules: smaller
 * than ksize is EINVAL, more than a page is E2BIG, and bytes past ksize
 * must be zero (E2BIG).
 */
int fs_read_ext_struct(struct sc_call *c, uint64_t uaddr, size_t usize,
		       void *dst, size_t ksize);

/* ---- internal to sentry/vfs_*.c ---------------------------------------- */

enum vnode_type { VN_DIR, VN_FILE, VN_LINK };

/* A growing text buffer for synthesised file contents. */
struct vbuf {
	char *data;
	size_t len, cap;
	int err;		/* first -errno, sticky */
};
void vbuf_printf(struct vbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vbuf_put(struct vbuf *b, const void *data, size_t len);
void vbuf_free(struct vbuf *b);

struct vfs_dirent {
	char name[32];
	enum vnode_type type;
};

struct vfs_dirlist {
	struct vfs_dirent *v;
	size_t n, cap;
};
int vfs_dirlist_add(struct vfs_dirlist *l, const char *name,
		    enum vnode_type type);

struct vnode;

/* A node of the virtual trees. Static children, or lookup/list for
 * dynamic ones (pids, fds), or both. */
struct vfs_entry {
	const char *name;
	enum vnode_type type;
	mode_t perm;
	/* VN_FILE: the content */
	int (*gen)(struct sc_call *c, const struct vnode *n, struct vbuf *b);
	/* VN_LINK: the target; its length or -errno */
	int (*link)(struct sc_call *c, const struct vnode *n, char *buf,
		    size_t len);
	/* VN_LINK leaving the virtual trees: a sentry-side fd of the target;
	 * *owned false when it is the task's (root or cwd) fd */
	int (*foreign)(struct sc_call *c, const struct vnode *n, int *fd_out,
		       bool *owned);
	/* VN_DIR */
	const struct vfs_entry *children;	/* ends with a NULL name */
	int (*lookup)(struct sc_call *c, const struct vnode *dir,
		      const char *name, struct vnode *out);
	int (*list)(struct sc_call *c, const struct vnode *dir,
		    struct vfs_dirlist *l);
	/* reaching it needs ptrace-read access to the process (environ,
	 * maps, cwd, root, exe; fd/N), as Linux's procfs requires */
	bool ptrace;
	/* a 0500 directory of the process's dump owner (fd/): reaching into
	 * it needs that owner's fsuid or CAP_DAC_OVERRIDE/READ_SEARCH */
	bool owner_dir;
	/* VN_FILE shown as this character device (makedev), 0: a file */
	unsigned rdev;
};

/* vfs_mask.c: linux.maskedPaths and readonlyPaths in /proc and /sys. */
extern const struct vfs_entry vmask_dir_entry, vmask_null_entry;
/* Before confinement: which paths exist on the host, and their type. */
void vmask_init(const char *const *masked, size_t n_masked,
		const char *const *readonly, size_t n_readonly);
/* A masked path: out->ent set, 0; else -ENOENT. */
int vmask_lookup(const char *path, struct vnode *out);
/* A configured path the trees lack: an empty entry of the host's mode. */
int vmask_fallback(const char *path, struct vnode *out);
/* Under a read-only path (or a masked directory): writes are EROFS. */
bool vmask_readonly(const char *path);
/* Adds the configured names directly under dir that l lacks. */
int vmask_list(const char *dir, struct vfs_dirlist *l);
/* An fd of the container's /dev/null for a masked file (via the gofer). */
int vmask_open_null(struct sc_call *c, int flags, int *fd_out);
/* The configured paths in the config's order (mountinfo). */
size_t vmask_count(void);
bool vmask_get(size_t i, const char **path, bool *masked, bool *virt,
	       bool *dir);

struct vnode {
	const struct vfs_entry *ent;
	pid_t pid;		/* sandbox pid under /proc/<pid>, else 0 */
	pid_t host_pid;
	int num;		/* /proc/<pid>/fd/<num> */
	char path[PATH_MAX];	/* canonical virtual path */
};

extern const struct vfs_entry vfs_proc_entry, vfs_sys_entry, vfs_dev_entry;
extern const struct vfs_entry vproc_pid_entry;	/* /proc/<pid> */

/* vfs_tree.c: a link's target into readlink's buffer (no NUL): length. */
int vfs_link_target(const char *target, char *buf, size_t len);
/* A decimal name ("12"): its value, or -1. */
int vfs_parse_num(const char *name);

/* vfs_mirror.c: the private tmpfs and the memfds. */
int vmirror_dir_open(const char *path, const struct vfs_dirlist *l,
		     int flags, int *fd_out);
int vmirror_file_open(const struct vbuf *b, int *fd_out);
int vfs_host_proc_fd(void);		/* the sandbox's procfs, or -errno */
void vproc_sysctl_init(void);		/* vfs_proc.c: before confinement */
const struct vfs_config *vfs_cfg(void);
uint64_t vfs_boot_ns(void);		/* CLOCK_MONOTONIC at vfs_init */
int vfs_ncpus(void);			/* CPUs the sandbox may use */

/* vfs_proc.c and vfs_pid.c: the sandbox's processes. */
/* Host pid of sandbox pid (a thread group), or -ESRCH. */
int vproc_host_pid(struct sc_call *c, pid_t pid, pid_t *host);
/* Whether the caller may ptrace-read the process of n (PTRACE_MODE_READ
 * with its filesystem ids, as Linux checks /proc/<pid>/fd and friends). */
bool vproc_may_read(struct sc_call *c, const struct vnode *n);
/* Whether the caller may search the process's owner-only directory of n
 * (generic_permission on a 0500 directory owned by the dump owner). */
bool vproc_may_search(struct sc_call *c, const struct vnode *n);
/* Sandbox pids of the sandbox's thread groups, sorted; count or -errno. */
int vproc_pids(struct sc_call *c, pid_t *pids, size_t max);

#endif
