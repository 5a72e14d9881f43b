/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sentry: the sandbox's user-space kernel. This header is its contract
 * with runsc:
 *
 *  - sentry_run(): the sandbox process (the pid in --pid-file) becomes the
 *    sentry once runsc has forked the gofer and the workload init. It seizes
 *    the init, confines itself (empty root, few capabilities, own seccomp
 *    filter) and serves the workload until the init exits.
 *  - sentry_attach(): called by each workload process (the init, and each
 *    process "runsc exec" starts) as its last step before execve: installs
 *    the interception filter and hands itself to the sentry.
 *  - sentry_ctl_*(): the control socket used by runsc verbs (start, ps,
 *    stats) while the sandbox runs.
 */
#ifndef CV_SENTRY_SENTRY_H
#define CV_SENTRY_SENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/devrules.h"
#include "../lib/error.h"
#include "../platform/platform.h"	/* enum platform_kind */

/* --file-access: "exclusive" 0 (the sentry caches directories of the
 * root), "shared" 1 (no cache); -1 if unknown. sentry/fs_dcache.c. */
int file_access_from_name(const char *name);

/* A line of the user namespace's uid_map or gid_map. */
struct sentry_id_map {
	uint32_t container_id, host_id, size;
};

/* A mount's propagation, as /proc/<pid>/mountinfo shows it. */
enum sentry_propagation {
	SENTRY_PROP_PRIVATE,	/* and slave: nothing shown */
	SENTRY_PROP_SHARED,	/* "shared:N" */
	SENTRY_PROP_UNBINDABLE,	/* "unbindable" */
};

/* The options of the /dev tmpfs and the /dev/pts devpts that runsc
 * mounts where the config mounts none (runsc/mounts.c), as runc's default
 * spec has them: the sentry shows them as it does the config's. */
#define SENTRY_DEV_DATA "mode=755,size=65536k"
#define SENTRY_DEVPTS_DATA "newinstance,ptmxmode=0666,mode=0620"

/* A mount of the container's config, as the sentry shows it in
 * /proc/<pid>/mounts and mountinfo. */
struct sentry_mount {
	const char *source, *destination, *type;
	unsigned long flags;	/* the MS_* its options set */
	enum sentry_propagation propagation;
	/* the file system's options, as mount(2)'s data ("mode=755,size=
	 * 65536k"; ids as the host's kernel holds them); NULL: none */
	const char *data;
};

/*
 * Everything the sentry is told. runsc builds it (runsc/sentry_config.c)
 * from its options and the container's config: the sentry never sees the
 * OCI spec. It must stay valid until sentry_run() returns.
 */
struct sentry_config {
	const char *id;			/* container id */
	enum platform_kind platform;
	int gofer_fd;			/* connected to the gofer */
	pid_t gofer_pid;
	int ctl_fd;			/* listening control socket */
	int init_fd;			/* socketpair end shared with the init */
	pid_t init_pid;			/* host pid, a child of the caller */
	bool strace;			/* --strace */
	bool file_access_shared;	/* --file-access shared: no dir cache */
	/* --file-access-mounts exclusive: other mounts are cached too */
	bool file_access_mounts_exclusive;
	int log_fd;			/* --debug-log / --log, -1: stderr */
	/* The container's device rules (lib/devrules.h), checked before the
	 * sentry reopens a device (/proc/self/fd/N). NULL: the defaults. */
	const struct dev_rule *dev_rules;
	size_t n_dev_rules;

	/* From the container's config. */
	const char *hostname;		/* NULL: the uts namespace's */
	const char *domainname;		/* NULL: the uts namespace's */
	/* linux.rootfsPropagation (r)shared: the root has a peer outside
	 * the gofer's namespace, so no directory cache. */
	bool root_shared;
	bool root_readonly;		/* root.readonly */
	uint64_t memory_limit;		/* bytes, 0: none (the cgroup's) */
	const struct sentry_mount *mounts;	/* in the config's order */
	size_t n_mounts;
	const char *const *masked;	/* linux.maskedPaths */
	size_t n_masked;
	/* the data of a masked directory's tmpfs, as sentry_mount.data */
	const char *masked_dir_data;
	const char *const *readonly;	/* linux.readonlyPaths */
	size_t n_readonly;
	/* A user namespace: ids are mapped by these lines; with none (a
	 * namespace joined by path) the init's own maps are read. */
	bool userns;
	const struct sentry_id_map *uid_map, *gid_map;
	size_t n_uid_map, n_gid_map;
	/* The sandbox took a user namespace of its own (identity maps) for a
	 * config without one: the runtime's, "user:[N]", which
	 * /proc/<pid>/ns/user shows for the sandbox's, as under runc the
	 * container shares the runtime's. NULL otherwise. */
	const char *runtime_userns;
	/* With it: the inodes ("N,N,...") of the runtime's namespaces that
	 * its user namespace owns (runsc/namespaces.h ns_owned_list): those
	 * the container inherits are given that owner (sentry/nsfs.c). */
	const char *runtime_owned;
};

/*
 * Runs until the workload init has exited and every traced task is gone.
 * Returns the init's wait status (as waitpid gives it), or -1 with the
 * reason logged if the sentry itself failed.
 */
int sentry_run(const struct sentry_config *cfg);

/*
 * The sandbox's secret that the calls the sentry runs in a task carry (in
 * their unused sixth argument), so the config's seccomp profile lets them
 * through (runsc/seccomp_profile.c). In the sentry: made before
 * confinement by sentry_attach_init(); in an attaching process: set by
 * sentry_attach() from the sentry's reply; 0 if unknown.
 */
extern uint64_t sentry_inject_cookie;
int sentry_attach_init(void);

/* What the sentry needs to know of a process that attaches. */
struct sentry_attach_info {
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	const gid_t *groups;
	size_t ngroups;
	uint64_t cap_effective, cap_permitted, cap_inheritable;
	uint64_t cap_bounding, cap_ambient;
	mode_t umask;
	const char *cwd;		/* absolute, inside the sandbox */
	bool is_exec;			/* started by "runsc exec" */
	bool no_new_privs;		/* process.noNewPrivileges, as shown */
};

/*
 * In a workload process, after its credentials are final and with
 * no_new_privs set: installs the interception filter for the platform,
 * sends the listener fd (seccomp) and info over fd, and waits until the
 * sentry has seized the process. fd is the init's socketpair end, or a
 * connection to the control socket made with sentry_ctl_connect() for exec.
 * The caller then installs the config's own seccomp filter and execs.
 *
 * For the init, "runsc start" is then signalled by one byte 'S' on the same
 * fd (see sentry_wait_start()).
 */
int sentry_attach(int fd, enum platform_kind kind,
		  const struct sentry_attach_info *info, struct cv_error **err);
/* Blocks until the sentry forwards "start"; 0, or < 0 if it went away. */
int sentry_wait_start(int fd, struct cv_error **err);

/* Control socket: <state dir>/sentry.sock. Connected by a path of any
 * length (lib/unixsock.h): the state dir's depends on --root and the id. */
#define SENTRY_CTL_SOCK "sentry.sock"
int sentry_ctl_connect(const char *sock_path, struct cv_error **err);
int sentry_ctl_start(int fd, struct cv_error **err);
/* Host pids of every live workload process (init first). */
int sentry_ctl_ps(int fd, pid_t **pids, size_t *n, struct cv_error **err);
/* Per-disposition and per-syscall counters as a JSON object. */
int sentry_ctl_stats(int fd, char **json, struct cv_error **err);

#endif
