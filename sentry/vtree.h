/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The paths the sentry serves itself: /proc, /sys and the virtual entries
 * of /dev (fd, stdin, stdout, stderr), never the gofer. This header is the
 * interface the path handlers (sentry/fs_*.c) use; how the trees are made
 * is in sentry/synth.h:
 *  - sentry/synth_tree.c: walking the trees, open/stat/access/readlink;
 *  - sentry/synth_path.c: the lexical routing helpers below;
 *  - sentry/synth_mirror.c: the private tmpfs and the memfds;
 *  - sentry/synth_mask.c: linux.maskedPaths and readonlyPaths;
 *  - sentry/synth_cgroup.c: the sandbox's cgroup figures;
 *  - sentry/procfs.c: /proc's system-wide files and /proc/sys;
 *  - sentry/procfs_pid.c: /proc/<pid> and its files;
 *  - sentry/procfs_pid_links.c: its links (exe, cwd, root, ns/, fd/);
 *  - sentry/procfs_pid_access.c: who may read a process's files, and as
 *    whose ids they are shown;
 *  - sentry/procfs_mounts.c: /proc/<pid>/mounts and mountinfo;
 *  - sentry/procfs_foreign.c: /proc/<pid> of another sandbox's process
 *    in a shared pid namespace (a pod's joiner);
 *  - sentry/sysfs.c: /sys and the /dev entries.
 *
 * The path handlers (sentry/fs_*.c) decide the routing on a lexically
 * cleaned absolute path (vtree_path_is_virtual) and hand virtual paths here.
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
 * Set-up: vtree_init() must run before the sentry confines itself and after
 * the init was forked: it mounts the private tmpfs and a procfs of the
 * sandbox's pid namespace (never the host's) with the new mount API. If
 * it was not called, the first use tries it lazily.
 */
#ifndef CV_SENTRY_VTREE_H
#define CV_SENTRY_VTREE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include "sentry/sentry.h"
#include "sentry/task.h"

struct vtree_mount_info {
	const char *source, *destination, *type;
	const char *options;	/* the file system's: mount(2)'s data */
	unsigned long flags;	/* MS_* the config's options set */
	enum sentry_propagation propagation;
};

/* procfs_mounts.c: the lines of /proc/<pid>/mounts (info: mountinfo). */
struct sc_call;
struct vbuf;
int vtree_mount_lines(struct sc_call *c, struct vbuf *b, bool info);

struct vtree_config {
	const char *hostname;		/* the container's; NULL: "localhost" */
	uint64_t memory_limit;		/* bytes, 0: none (then the cgroup's) */
	bool root_readonly;		/* root.readonly */
	/* the OCI mounts, shown in /proc/<pid>/mounts */
	const struct vtree_mount_info *mounts;
	size_t n_mounts;
	const char *const *masked;	/* linux.maskedPaths */
	size_t n_masked;
	/* the data of a masked directory's tmpfs (its owner in a user
	 * namespace); NULL: none */
	const char *masked_dir_data;
	const char *const *readonly;	/* linux.readonlyPaths */
	size_t n_readonly;
	pid_t init_pid;		/* host pid of the workload init: /proc is
				 * read through a procfs of its pid ns */
	pid_t gofer_pid;	/* its sockets are not shown in /proc/net */
};

/* Before confinement. cfg may be NULL; it is copied. 0 or -errno. */
int vtree_init(const struct vtree_config *cfg);
/* A workload task (sandbox ids) has exited: /proc listings already open
 * stop showing it, a process once its parent reaped it (procfs.c). */
void vtree_task_gone(pid_t tgid, pid_t tid);
/* A task was born: processes reaped since leave those listings. */
void vtree_task_born(void);

/* ---- pure path helpers (unit-tested) ----------------------------------- */

/*
 * Joins base (absolute, may be NULL if path is absolute) and path, and
 * cleans the result lexically: "." dropped, ".." pops (stops at "/"),
 * repeated slashes collapsed. 0, or -ENAMETOOLONG if it does not fit cap.
 */
int vtree_path_clean(char *out, size_t cap, const char *base, const char *path);

/* A cleaned absolute path that belongs to the sentry, not the gofer:
 * /proc, /sys and below; /dev/fd and below; /dev/std{in,out,err}. */
bool vtree_path_is_virtual(const char *clean);

/* Could "base/path" be virtual? False when base is a non-virtual directory
 * and path has no ".." and base is not "/" or "/dev": then no need to know
 * base's real path. Used to skip a gofer round trip. */
bool vtree_relative_may_be_virtual(const char *path);

/* A tmpfs's limits as statfs gives them: the kernel's own figures for
 * what its size= and nr_inodes= asked. */
struct vtree_fs_limits {
	unsigned long long size_k, inodes;
};

/*
 * procfs_mntopts.c: a mount's own options, as the kernel's show_options
 * prints them after the super block's "rw"/"ro" for a file system of type
 * made with data (mount(2)'s): each led by ",", defaults left out, in the
 * kernel's order and number formats. Known: tmpfs and devpts; "" for the
 * others. lim: a tmpfs's statfs limits (NULL: size and nr_inodes are
 * not shown).
 */
void vtree_fs_options(char *buf, size_t len, const char *type,
		      const char *data, const struct vtree_fs_limits *lim);

/* ---- operations on a cleaned virtual path ------------------------------ */

/* Opens: *fd_out is a sentry-side fd to install. flags are O_*. */
int vtree_open(struct sc_call *c, const char *path, int flags, int *fd_out);
int vtree_stat(struct sc_call *c, const char *path, bool follow,
	     struct stat *st);
int vtree_statfs(struct sc_call *c, const char *path, struct statfs *st);
/* Linux's answer for access(2) (mode: R_OK|W_OK|X_OK|F_OK). */
int vtree_access(struct sc_call *c, const char *path, int mode, bool follow,
		 const struct gofer_creds *cr);
/* Whether path, followed, is a namespace's file (/proc/<pid>/ns/X,
 * sentry/nsfs.h). */
bool vtree_is_ns(struct sc_call *c, const char *path);
/* The target of a virtual symlink (no NUL), -EINVAL if not a link. */
int vtree_readlink(struct sc_call *c, const char *path, char *buf, size_t len);
/* What a modification (create, remove, chmod...) of a virtual path gets:
 * -ENOENT if it does not exist, else -EACCES/-EPERM like a read-only
 * procfs would answer. */
int vtree_modify_errno(struct sc_call *c, const char *path);

/*
 * If the sentry-side fd is a directory of the mirror, its virtual path in
 * buf and 0; -ENOENT otherwise (a gofer fd or anything else).
 */
int vtree_fd_path(int fd, char *buf, size_t len);
/* Whether st (an fstat) may be of a directory of the virtual trees' mirror:
 * only then can vtree_fd_path find a path for it. */
bool vtree_maybe_mirror(const struct stat *st);

/*
 * sentry/synth_tree.c: the sentry thread as the task's fs ids, for a call
 * its own ids may not make on an object the task's permission was
 * checked for (the fd directory of a task of another uid is 0500 in the
 * sandbox's procfs; a host file handed over as stdio is writable by its
 * owner only): setfsuid/setfsgid of this thread only (CAP_SETUID and
 * CAP_SETGID, which the sentry keeps), no capability of the task's.
 * take: 1 taken, 0 the task's are the sentry's own (nothing changed),
 * -EACCES for an id without a host name or a change that did not take;
 * put: the thread's own back (after 1).
 */
struct vtree_fsids {
	uint32_t uid, gid;
};
int vtree_fsids_take(struct sc_call *c, struct vtree_fsids *own);
void vtree_fsids_put(const struct vtree_fsids *own);
/*
 * If resolving p->vpath crosses a virtual symlink that leads out of the
 * virtual trees in a non-final component (/proc/self/cwd/x,
 * /proc/self/root/etc, /proc/self/fd/3/x, "/proc/.." tricks after link
 * expansion), rewrite p to be served by the gofer from that object.
 * 0, or -errno of the walk (then p stays virtual and the op reports it).
 */
struct fs_path;
int vtree_escape(struct sc_call *c, struct fs_path *p);
/* The same, following a final magic link too (chmod("/proc/self/fd/3")
 * changes the file fd 3 is, as on Linux): an fd's object ends up as p's
 * dirfd with an empty path (p->empty). */
int vtree_escape_final(struct sc_call *c, struct fs_path *p);

/*
 * For execve of a virtual path (busybox runs "/proc/self/exe" first): the
 * canonical sandbox path it leads to (/proc/<pid>/exe, cwd/..., root/...,
 * fd/N of a file the gofer opened), to resolve with the gofer as usual.
 * 0, or -errno (EACCES for /proc files, ENOENT...).
 */
int vtree_exec_path(struct sc_call *c, const char *path, char *out,
		  size_t len);

/* ---- path resolution shared by the handlers (sentry/fs_path.c) --------- */

/* How fs_path_get treats the path. */
#define FS_EMPTY_OK	0x1	/* AT_EMPTY_PATH given: "" is the dirfd */
#define FS_NO_VIRTUAL	0x2	/* never route to the virtual trees */
#define FS_NULL_OK	0x4	/* a NULL pointer is "" (utimensat, statx) */
#define FS_VIRT_LINKS	0x8	/* the caller handles -GOFER_EVIRTUAL with
				 * fs_path_redirect (a symlink into /proc) */
#define FS_AT_DIRFD	0x10	/* "/" is dirfd (RESOLVE_IN_ROOT) */

/*
 * A path argument, read once from workload memory and resolved to where
 * it must be served: the gofer (at) or the sentry's virtual trees (virt,
 * vpath).
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
	/* empty: the fstat of at.dirfd resolve_empty took (fstat(2) needs
	 * no other host call), valid if have_st */
	struct stat st;
	bool have_st;
	/* empty: at.dirfd is an object the task holds (its own fd, or
	 * through a magic link of its own process or of one it may
	 * ptrace-attach to, whose fds pidfd_getfd would give it) */
	bool held;
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
/*
 * After a gofer call on p (result ret): if the gofer does not serve the
 * object (-EXDEV) and the task holds it (p->empty, p->held), the result
 * of the fd form nr(fd, a1, a2, a3), a PASS call, run by the task on it
 * (task_run_on_fd); else ret.
 */
long fs_path_held_call(struct sc_call *c, const struct fs_path *p, long ret,
		       long nr, uint64_t a1, uint64_t a2, uint64_t a3);

/*
 * sentry/fs_fifo.c: after the gofer's open of p (result *ret, fd *fd),
 * the blocking open of a FIFO the task did not ask to be non-blocking.
 * true: handled, *ret is the call's result (or deferred) and *fd taken;
 * false: not a FIFO to wait on, nothing done.
 */
bool fs_fifo_open(struct sc_call *c, const struct fs_path *p,
		  const struct gofer_creds *cr, int flags, uint64_t resolve,
		  int *fd, long *ret);

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
/*
 * --file-access exclusive: files too. stat/lstat/newfstatat and statx
 * answered from the cache, or, for a name below a cached directory, by
 * one gofer open of it (O_PATH) that the cache then keeps: 0, -ENOENT (no
 * such name) or -EAGAIN (do the full call). readlink of a cached symlink.
 */
int fs_dcache_stat_fill(struct sc_call *c, const struct fs_path *p,
			bool nofollow, struct stat *st);
int fs_dcache_statx_fill(struct sc_call *c, const struct fs_path *p,
			 int flags, unsigned mask, struct statx *stx);
int fs_dcache_readlink(struct sc_call *c, const struct fs_path *p, char *buf,
		       size_t len);
/* Around a task's creation, removal or rename of the name p by the gofer
 * (end() with the call's result), so the cache follows the sentry's own
 * changes instead of emptying itself. */
struct fs_dcache_change {
	int self, parent;	/* entries, -1 */
	uint64_t gen;		/* the flush count when noted */
};
void fs_dcache_begin(struct sc_call *c, const struct fs_path *p,
		     struct fs_dcache_change *ch);
void fs_dcache_end(struct fs_dcache_change *ch, int ret);
/* Whether begin() found p to be a cached non-directory. */
bool fs_dcache_is_file(const struct fs_dcache_change *ch);
/* Empties the cache (a rename or rmdir by a task; a mismatch). */
void fs_dcache_flush(void);
bool fs_dcache_enabled(void);
/* On unless --file-access shared (!on) or the root has shared propagation
 * (sentry_setup, before any call). */
void fs_dcache_configure(bool on, bool root_shared);
struct fs_dcache_stats {
	uint64_t hits, misses, gofer_calls, flushes;
	uint64_t checks;	/* entries fstat'ed to validate them */
};
/* A task is given an fd (not O_PATH) of the file st: if a directory, its
 * entries are validated on every use from now on (an fchmod or fchown on
 * that fd is a call the sentry never sees). */
void fs_dcache_expose(const struct stat *st);
/* The sentry changed a file's mode, owner or xattrs (chmod, chown, the
 * xattr calls): every directory entry is validated once more. */
void fs_dcache_attrs_changed(void);
/* Off: every entry is validated on every use, whatever the above say (the
 * unit tests' changes from outside). On by default. */
void fs_dcache_trust(bool on);
const struct fs_dcache_stats *fs_dcache_stats(void);
/* One debug log line: on/off and the counters (at the sentry's exit). */
void fs_dcache_log_stats(void);
/*
 * The pre-opened fd pool (sentry/fs_openpool.c). fs_dcache_file: the
 * cached regular file p names for an open as cr (valid now, searchable),
 * its entry and live stat; 0 or -EAGAIN. fs_dcache_reopen: the gofer opens
 * that entry again n times as cr with flags, and the fds go to the pool
 * (fs_openpool_keep) if they are the entry's inode, old enough.
 */
struct fs_dcache_ref {
	int idx;		/* the entry's slot */
	uint64_t id;		/* its id: the slot holds it still */
};
int fs_dcache_file(struct sc_call *c, const struct fs_path *p,
		   const struct gofer_creds *cr, struct fs_dcache_ref *ref,
		   struct stat *st);
/* Whether a file of this stat changed long enough ago that a pre-open
 * now may be kept (the cache's coarse-clock margin). */
bool fs_dcache_settled(const struct stat *st);
/* The same after a gofer open of p (O_PATH) made the entry, if it may. */
int fs_dcache_file_fill(struct sc_call *c, const struct fs_path *p,
			const struct gofer_creds *cr, struct fs_dcache_ref *ref);
void fs_dcache_reopen(struct sc_call *c, const struct fs_dcache_ref *ref,
		      const struct gofer_creds *cr, int flags, unsigned n);
/* Whether an open with these flags may be served from the pool. */
bool fs_openpool_eligible(int flags);
/* A pooled fd for the open of p as cr with flags (and openat2's resolve
 * bits: none is pooled): 0 and *fd (the caller's), or -EAGAIN (do the
 * gofer call). Called by every open, it forgets any earlier refill and
 * may note one for fs_openpool_refill, which the caller runs once the
 * task has its answer. */
int fs_openpool_take(struct sc_call *c, const struct fs_path *p,
		     const struct gofer_creds *cr, int flags, uint64_t resolve,
		     int *fd);
/* The noted refill, in two steps: the cache entry of p if it had none
 * (a gofer call while p is still the call's), then the pre-open. */
void fs_openpool_fill(struct sc_call *c, const struct fs_path *p);
void fs_openpool_refill(struct sc_call *c);
/* From fs_dcache.c, under its lock: a new pooled fd (0, or -1: the
 * caller closes it), an entry gone, the cache emptied. */
int fs_openpool_keep(const struct fs_dcache_ref *ref,
		     const struct gofer_creds *cr, int flags, int fd,
		     const struct stat *st);
void fs_openpool_forget(uint64_t id);
void fs_openpool_clear(void);
/* For good (an inotify watch was added: pre-opens would be events). */
void fs_openpool_disable(void);
void fs_openpool_log_stats(void);
/* How many fds the pool holds. */
size_t fs_openpool_held(void);
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

/* The sandbox's procfs (its pid namespace, opened at vtree_init), or -errno. */
int vtree_host_proc_fd(void);

/*
 * A procfs of pid's pid namespace, detached (fsmount: the caller attaches
 * or keeps it), nosuid, nodev, noexec, read-only unless
 * VTREE_PROCFS_WRITABLE; VTREE_PROCFS_SUBSET_PID: only the pid
 * directories. -EPERM if that namespace is the caller's own: a procfs of
 * the sentry's namespace could name processes outside the sandbox.
 */
#define VTREE_PROCFS_SUBSET_PID 0x1
#define VTREE_PROCFS_WRITABLE 0x2
int vtree_procfs_mount(pid_t pid, unsigned how);

#endif
