/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the sentry synthesises /proc, /sys and the virtual /dev entries: the
 * tree of entries, the content buffers, and what the files that make them
 * (sentry/synth_*.c, procfs*.c, sysfs.c) share. Nothing outside them needs
 * it: the path handlers use sentry/vtree.h.
 */
#ifndef CV_SENTRY_SYNTH_H
#define CV_SENTRY_SYNTH_H

#include "sentry/vtree.h"


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

struct vtree_dirent {
	char name[32];
	enum vnode_type type;
};

struct vtree_dirlist {
	struct vtree_dirent *v;
	size_t n, cap;
};
int vtree_dirlist_add(struct vtree_dirlist *l, const char *name,
		      enum vnode_type type);
/* Adds the entries of the host directory fd (consumed) but dot-files and
 * names too long for an entry, as directories or files; with
 * VTREE_HOST_FDS only the numeric names, as links (a /proc/<pid>/fd). */
#define VTREE_HOST_FDS 0x1
int vtree_dirlist_add_host(struct vtree_dirlist *l, int fd, unsigned how);

struct vnode;

/* A node of the virtual trees. Static children, or lookup/list for
 * dynamic ones (pids, fds), or both. */
struct vtree_entry {
	const char *name;
	enum vnode_type type;
	mode_t perm;
	/* VN_FILE: the content */
	int (*gen)(struct sc_call *c, const struct vnode *n, struct vbuf *b);
	/* VN_FILE served by the kernel's own file (a write reaches the
	 * kernel, a read is not a snapshot: oom_score_adj, pagemap): opens
	 * it with flags for the task, its access checked; 0 or -errno.
	 * VN_LINK with foreign: what opening its target gives (ns/) */
	int (*open)(struct sc_call *c, const struct vnode *n, int flags,
		    int *fd_out);
	/* VN_LINK: the target; its length or -errno */
	int (*link)(struct sc_call *c, const struct vnode *n, char *buf,
		    size_t len);
	/* VN_LINK leaving the virtual trees: a sentry-side fd of the target;
	 * *owned false when it is the task's (root or cwd) fd */
	int (*foreign)(struct sc_call *c, const struct vnode *n, int *fd_out,
		       bool *owned);
	/* VN_DIR */
	const struct vtree_entry *children;	/* ends with a NULL name */
	int (*lookup)(struct sc_call *c, const struct vnode *dir,
		      const char *name, struct vnode *out);
	int (*list)(struct sc_call *c, const struct vnode *dir,
		    struct vtree_dirlist *l);
	/* a qsort comparator of struct vtree_dirent: listed in that order
	 * (Linux's), else in the mirror's (newest first) */
	int (*order)(const void *a, const void *b);
	/* reaching it needs ptrace-read access to the process (environ,
	 * maps, cwd, root, exe; fd/N), as Linux's procfs requires */
	bool ptrace;
	/* a 0500 directory of the process's dump owner (fd/): reaching into
	 * it needs that owner's fsuid or CAP_DAC_OVERRIDE/READ_SEARCH */
	bool owner_dir;
	/* VN_FILE shown as this character device (makedev), 0: a file */
	unsigned rdev;
	/* VN_LINK whose mode is not 0777 (fd/N): its permission bits, or
	 * -errno (then 0777) */
	int (*perm_of)(struct sc_call *c, const struct vnode *n);
};

/* synth_mask.c: linux.maskedPaths and readonlyPaths in /proc and /sys. */
extern const struct vtree_entry vmask_dir_entry, vmask_null_entry;
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
int vmask_list(const char *dir, struct vtree_dirlist *l);
/* An fd of the container's /dev/null for a masked file (via the gofer). */
int vmask_open_null(struct sc_call *c, int flags, int *fd_out);
/* The index of a configured path (in vmask_get's order), or -1. */
int vmask_index(const char *path);
/* The configured paths in the config's order (mountinfo). */
size_t vmask_count(void);
bool vmask_get(size_t i, const char **path, bool *masked, bool *virt,
	       bool *dir);

struct vnode {
	const struct vtree_entry *ent;
	pid_t pid;		/* sandbox pid under /proc/<pid>, else 0 */
	pid_t host_pid;
	int num;		/* /proc/<pid>/fd/<num> */
	char path[PATH_MAX];	/* canonical virtual path */
};

extern const struct vtree_entry vtree_proc_entry, vtree_sys_entry,
	vtree_dev_entry;
extern const struct vtree_entry procfs_pid_entry;	/* /proc/<pid> */

/* synth_tree.c: a link's target into readlink's buffer (no NUL): length. */
int vtree_link_target(const char *target, char *buf, size_t len);
/* A decimal name ("12"): its value, or -1. */
int vtree_parse_num(const char *name);
/* An order (vtree_entry.order): numeric names ascending (a task/). */
int vtree_order_num(const void *a, const void *b);

/* synth_mirror.c: the private tmpfs and the memfds. */
int vmirror_dir_open(const char *path, const struct vtree_dirlist *l,
		     int flags, int *fd_out);
/* The same for a directory listed in l's order, as Linux lists it: a
 * snapshot of l made for this open (an O_PATH fd: the directory). */
int vmirror_dir_open_ordered(struct sc_call *c, const char *path,
			     const struct vtree_dirlist *l, int flags,
			     int *fd_out);
/* Whether vtree_init ran (hooks called before it must not start it). */
bool vtree_ready(void);
/* Removes directory entry name from the snapshots of path handed out:
 * a process gone is no longer listed by a /proc read on, as on Linux. */
void vmirror_snap_forget(const char *path, const char *name);
int vmirror_file_open(const struct vbuf *b, int *fd_out);
/* An empty 0444 file of the sentry's own: *rd O_RDONLY, *path O_PATH. */
int vmirror_empty_file(int *rd, int *path);
/* synth_seek.c: fd is the snapshot of virtual file path (how lseek
 * answers SEEK_END for it). */
void vseek_remember(int fd, const char *path);
/* A writable instance of the sandbox's procfs, or -errno: used only to open
 * the few files a task may write (procfs_pid.c, open_direct). */
int vtree_host_proc_rw_fd(void);
void procfs_sysctl_init(void);		/* procfs.c: before confinement */
void vsys_init(void);			/* sysfs.c: before confinement */
const struct vtree_config *vtree_cfg(void);
uint64_t vtree_boot_ns(void);		/* CLOCK_MONOTONIC at vtree_init */
/* The same instant on CLOCK_BOOTTIME, in USER_HZ ticks: boot_ns lies on a
 * whole tick of it, so start times and uptime agree (synth_mirror.c). */
uint64_t vtree_boot_ticks(void);
int vtree_ncpus(void);			/* CPUs the sandbox may use */

/* procfs.c and procfs_pid*.c: the sandbox's processes. */
/* Host pid of sandbox pid (a thread group), or -ESRCH. */
int procfs_host_pid(struct sc_call *c, pid_t pid, pid_t *host);
/* Whether the caller may ptrace-read the process of n (PTRACE_MODE_READ
 * with its filesystem ids, as Linux checks /proc/<pid>/fd and friends). */
bool procfs_may_read(struct sc_call *c, const struct vnode *n);
/* Whether the caller may ptrace-attach t by its real ids
 * (PTRACE_MODE_ATTACH_REALCREDS: pidfd_getfd). */
bool procfs_may_attach(struct sc_call *c, struct task *t);
/* Whether the caller may search the process's owner-only directory of n
 * (generic_permission on a 0500 directory owned by the dump owner). */
bool procfs_may_search(struct sc_call *c, const struct vnode *n);
/* procfs_pid_access.c: the content of <host pid>/what in the sandbox's
 * procfs, appended to b; -ESRCH if the process is gone. */
int procfs_read_host(pid_t hp, const char *what, struct vbuf *b);
/* The task of a sandbox thread group, by its host pid; NULL for one that
 * is not yet the workload's (still joining, sentry/attach.c). */
struct task *procfs_task_of(struct sc_call *c, pid_t hp);
/* Host id -> the sandbox's, by a process's uid_map/gid_map text. */
long procfs_map_id(const char *map, long id);

/*
 * A path as the reading task sees it, as Linux's d_path: relative to its
 * root (after chroot) when under it, unchanged when out of its reach.
 * procfs_reader_root: the reader's root as a sandbox path in root, false
 * when it is the sandbox's own "/" (then paths need no change).
 */
bool procfs_reader_root(struct sc_call *c, char *root, size_t len);
bool procfs_under_root(const char *root, const char *path);
const char *procfs_reader_path(const char *root, const char *path);

/* procfs_pid_links.c: the links of /proc/<pid> (entries' link/foreign). */
int procfs_link_exe(struct sc_call *c, const struct vnode *n, char *buf,
		   size_t len);
int procfs_foreign_exe(struct sc_call *c, const struct vnode *n, int *fd_out,
		      bool *owned);
int procfs_link_cwd(struct sc_call *c, const struct vnode *n, char *buf,
		   size_t len);
int procfs_foreign_cwd(struct sc_call *c, const struct vnode *n, int *fd_out,
		      bool *owned);
int procfs_link_root(struct sc_call *c, const struct vnode *n, char *buf,
		    size_t len);
int procfs_foreign_root(struct sc_call *c, const struct vnode *n, int *fd_out,
		       bool *owned);
/* /proc/<pid>/ns */
extern const struct vtree_entry procfs_ns_children[];
/* /proc/<pid>/fd: lookup and list of its directory entry. */
int procfs_fd_lookup(struct sc_call *c, const struct vnode *dir,
		    const char *name, struct vnode *out);
int procfs_fd_list(struct sc_call *c, const struct vnode *dir,
		  struct vtree_dirlist *l);
/* /proc/<pid>/fdinfo: the same names, files. */
int procfs_fdinfo_lookup(struct sc_call *c, const struct vnode *dir,
			const char *name, struct vnode *out);
int procfs_fdinfo_list(struct sc_call *c, const struct vnode *dir,
		      struct vtree_dirlist *l);

/* procfs_pid.c: the files of /proc/<pid>/net, the process's network
 * namespace's (read in the sandbox's procfs as <pid>/net/...). */
int procfs_net_lookup(struct sc_call *c, const struct vnode *dir,
		      const char *name, struct vnode *out);
int procfs_net_list(struct sc_call *c, const struct vnode *dir,
		    struct vtree_dirlist *l);
/* procfs_net.c: net/<rel> of pid's network namespace (rel "net/..."),
 * without the sandbox's own sockets; procfs_net_init, before
 * confinement, opens the sentry's and the gofer's fd directories. */
int procfs_net_read(struct sc_call *c, pid_t pid, const char *rel,
		    struct vbuf *b);
void procfs_net_init(pid_t gofer_pid);
/* procfs_pid.c: generators the foreign processes' files share. */
int procfs_gen_copy(struct sc_call *c, const struct vnode *n, struct vbuf *b);
int procfs_gen_stat(struct sc_call *c, const struct vnode *n, struct vbuf *b);
int procfs_gen_cgroup(struct sc_call *c, const struct vnode *n,
		      struct vbuf *b);
int procfs_gen_audit_unset(struct sc_call *c, const struct vnode *n,
			   struct vbuf *b);
/* status with ids through the maps of process map_pid; nnp >= 0 shown. */
/* Whether n is the reader's own thread (its stat, status, wchan). */
bool procfs_is_reader(struct sc_call *c, const struct vnode *n);
int procfs_status_as(const struct vnode *n, pid_t map_pid, int nnp,
		     bool running, struct vbuf *b);

/*
 * procfs_foreign.c: in a pid namespace shared with other sandboxes (a
 * pod's joiner), the processes of that namespace that are not this
 * sentry's tasks. procfs_foreign_shared: whether this sandbox's pid
 * namespace is such a one (its pid 1 is not a task of this sentry).
 * procfs_foreign_visible: whether pid is a process of it to show (not
 * this sentry's, exec'd since it entered the namespace). Their
 * directory: procfs_foreign_entry, read-only, no ptrace-read file.
 */
bool procfs_foreign_shared(struct sc_call *c);
bool procfs_foreign_visible(struct sc_call *c, pid_t pid);
/* Adds the visible foreign pids l lacks (its names from index first). */
int procfs_foreign_list(struct sc_call *c, struct vtree_dirlist *l,
			size_t first);
extern const struct vtree_entry procfs_foreign_entry;

/* Sandbox pids of the sandbox's thread groups, sorted; count or -errno. */
int procfs_pids(struct sc_call *c, pid_t *pids, size_t max);
/* procfs_locks.c: /proc/locks, the locks the sandbox's processes hold. */
int procfs_gen_locks(struct sc_call *c, const struct vnode *n,
		     struct vbuf *b);

#endif
