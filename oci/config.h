/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI runtime configuration (config.json, runtime-spec 1.0-1.2, Linux),
 * parsed into typed structs. config.c fills them with yajl and rejects every
 * invalid or unsupported field with a message that names it, e.g.
 *	config.json: process.rlimits[2].type: unknown rlimit "RLIMIT_FOO"
 *
 * Conventions: strings are heap-allocated (NULL when absent); arrays are a
 * pointer plus a size_t count; optional scalars have a has_* flag. Values are
 * already validated and converted (rlimit names to RLIMIT_*, capability names
 * to CAP_* numbers, mount option strings to flags) so users do not re-parse.
 *
 * JSON rules (as runc, whose Go decoder the ecosystem expects): unknown keys
 * are ignored at every level (the spec allows extensions); null means
 * absent; with duplicate keys the last wins. Known features cvisor cannot
 * honour are rejected with "not supported" (idmapped mounts, intelRdt,
 * netDevices, timeOffsets, seccomp notify). Strings containing \u0000 and
 * nesting deeper than 64 levels are rejected. uid/gid 4294967295 (-1, which
 * set*id() read as "unchanged") is out of range.
 */
#ifndef CV_OCI_CONFIG_H
#define CV_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/error.h"

struct oci_kv {
	char *key;
	char *value;
};

/* ---- process ---------------------------------------------------------- */

struct oci_rlimit {
	int type;		/* RLIMIT_* */
	uint64_t hard, soft;
};

/* Capability sets as bitmasks of CAP_* numbers (bit n = capability n). */
struct oci_caps {
	bool present;		/* "capabilities" given at all */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_user {
	uid_t uid;
	gid_t gid;
	bool has_umask;
	mode_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
	char *username;		/* Windows-only in the spec; kept for errors */
};

struct oci_console_size {
	unsigned height, width;
};

struct oci_process {
	bool terminal;
	bool has_console_size;
	struct oci_console_size console_size;
	struct oci_user user;
	char **args;		/* NULL-terminated */
	size_t n_args;
	char **env;		/* NULL-terminated, "K=V" */
	size_t n_env;
	char *cwd;
	struct oci_caps caps;
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label;
	/* scheduler, ioPriority, execCPUAffinity: parsed when present */
	bool has_io_priority;
	int io_priority_class;	/* IOPRIO_CLASS_* */
	int io_priority;
	/* process.scheduler (sched_setattr) */
	bool has_scheduler;
	int sched_policy;	/* SCHED_* */
	int sched_nice;
	int sched_priority;
	uint64_t sched_flags;	/* SCHED_FLAG_* bits */
	uint64_t sched_runtime, sched_deadline, sched_period;
	/* process.execCPUAffinity: cpu lists as written ("0-3,7"), or NULL */
	char *exec_cpu_affinity_initial, *exec_cpu_affinity_final;
};

/* ---- root and mounts -------------------------------------------------- */

struct oci_root {
	char *path;		/* as written */
	bool readonly;
};

enum oci_propagation {
	OCI_PROP_NONE = 0,	/* not given */
	OCI_PROP_PRIVATE,
	OCI_PROP_RPRIVATE,
	OCI_PROP_SHARED,
	OCI_PROP_RSHARED,
	OCI_PROP_SLAVE,
	OCI_PROP_RSLAVE,
	OCI_PROP_UNBINDABLE,
	OCI_PROP_RUNBINDABLE,
};

struct oci_mount {
	char *destination;	/* absolute, cleaned */
	char *type;		/* "bind" for bind mounts (also set when
				 * options contain bind/rbind) */
	char *source;
	char **options;		/* as written, NULL-terminated */
	size_t n_options;
	/* Derived from options: */
	unsigned long flags;	/* MS_* to set (MS_BIND, MS_REC, MS_RDONLY...) */
	unsigned long clear_flags; /* MS_* explicitly cleared (rw, suid...) */
	enum oci_propagation propagation;
	char *data;		/* the remaining fs-specific options, "a,b=c" */
	bool is_bind;
	bool recursive;		/* rbind */
	/* Recursive options ("rro", "rnosuid", ...; mount_setattr with
	 * AT_RECURSIVE): MOUNT_ATTR_* bits to set and to clear. */
	uint64_t rec_attr_set, rec_attr_clr;
	/* uidMappings/gidMappings on mounts (idmapped) are rejected */
};

/* ---- linux ------------------------------------------------------------ */

enum oci_ns_type {
	OCI_NS_PID,
	OCI_NS_NETWORK,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS__COUNT,
};

struct oci_namespace {
	enum oci_ns_type type;
	char *path;		/* join this one; NULL: create a new one */
};

struct oci_id_mapping {
	uint32_t container_id, host_id, size;
};

struct oci_device {
	char type;		/* 'c', 'b', 'u' or 'p' */
	char *path;
	int64_t major, minor;
	bool has_file_mode;
	mode_t file_mode;
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
};

/* resources.devices[] */
struct oci_device_rule {
	bool allow;
	char type;		/* 'a', 'c' or 'b' */
	int64_t major, minor;	/* -1: wildcard */
	char access[4];		/* subset of "rwm", NUL-terminated */
};

struct oci_memory {
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp;
	bool has_swappiness, has_disable_oom_killer, has_use_hierarchy;
	bool has_check_before_update;
	int64_t limit, reservation, swap, kernel, kernel_tcp; /* -1: max */
	uint64_t swappiness;
	bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct oci_cpu {
	bool has_shares, has_quota, has_burst, has_period;
	bool has_realtime_runtime, has_realtime_period, has_idle;
	uint64_t shares, period, realtime_period, burst;
	int64_t quota, realtime_runtime, idle;	/* quota -1: max */
	char *cpus, *mems;
};

struct oci_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct oci_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

struct oci_blkio {
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct oci_weight_device *weight_device;
	size_t n_weight_device;
	struct oci_throttle_device *throttle_read_bps, *throttle_write_bps;
	struct oci_throttle_device *throttle_read_iops, *throttle_write_iops;
	size_t n_throttle_read_bps, n_throttle_write_bps;
	size_t n_throttle_read_iops, n_throttle_write_iops;
};

struct oci_hugepage_limit {
	char *page_size;	/* "2MB", "1GB" */
	uint64_t limit;
};

struct oci_net_priority {
	char *name;
	uint32_t priority;
};

struct oci_resources {
	bool present;
	struct oci_device_rule *devices;
	size_t n_devices;
	bool has_memory, has_cpu, has_pids, has_blkio, has_network;
	struct oci_memory memory;
	struct oci_cpu cpu;
	int64_t pids_limit;	/* valid when has_pids; <= 0: max */
	struct oci_blkio blkio;
	struct oci_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	bool has_class_id;
	uint32_t net_class_id;
	struct oci_net_priority *net_priorities;
	size_t n_net_priorities;
	struct oci_kv *unified;	/* cgroup v2 file -> value */
	size_t n_unified;
};

/* linux.seccomp: compiled with libseccomp by process setup. */
enum oci_seccomp_action {
	OCI_SCMP_KILL,		/* SCMP_ACT_KILL / KILL_THREAD */
	OCI_SCMP_KILL_PROCESS,
	OCI_SCMP_TRAP,
	OCI_SCMP_ERRNO,
	OCI_SCMP_TRACE,
	OCI_SCMP_ALLOW,
	OCI_SCMP_LOG,
	OCI_SCMP_NOTIFY,
};

enum oci_seccomp_op {
	OCI_SCMP_NE = 1,
	OCI_SCMP_LT,
	OCI_SCMP_LE,
	OCI_SCMP_EQ,
	OCI_SCMP_GE,
	OCI_SCMP_GT,
	OCI_SCMP_MASKED_EQ,
};

struct oci_seccomp_arg {
	unsigned index;
	uint64_t value, value_two;
	enum oci_seccomp_op op;
};

struct oci_seccomp_syscall {
	char **names;		/* NULL-terminated */
	size_t n_names;
	enum oci_seccomp_action action;
	bool has_errno_ret;
	unsigned errno_ret;
	struct oci_seccomp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	bool present;
	enum oci_seccomp_action default_action;
	bool has_default_errno_ret;
	unsigned default_errno_ret;
	uint32_t *architectures;	/* SCMP_ARCH_* tokens */
	size_t n_architectures;
	char **flags;			/* SECCOMP_FILTER_FLAG_* names */
	size_t n_flags;
	char *listener_path;		/* SCMP_ACT_NOTIFY: rejected for now */
	char *listener_metadata;
	struct oci_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct oci_linux {
	struct oci_namespace *namespaces;
	size_t n_namespaces;
	struct oci_id_mapping *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct oci_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct oci_resources resources;
	enum oci_propagation rootfs_propagation;
	struct oci_seccomp seccomp;
	struct oci_kv *sysctl;
	size_t n_sysctl;
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	char *mount_label;
	/* personality: domain LINUX / LINUX32 */
	bool has_personality;
	unsigned long personality;
};

/* ---- hooks ------------------------------------------------------------ */

struct oci_hook {
	char *path;
	char **args;		/* NULL-terminated, may be NULL */
	size_t n_args;
	char **env;
	size_t n_env;
	bool has_timeout;
	int timeout;		/* seconds, > 0 */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK__COUNT,
};

struct oci_hooks {
	struct oci_hook *list[OCI_HOOK__COUNT];
	size_t n[OCI_HOOK__COUNT];
};

/* ---- the whole spec --------------------------------------------------- */

struct oci_spec {
	char *oci_version;
	struct oci_root root;
	bool has_process;
	struct oci_process process;
	char *hostname;
	char *domainname;
	struct oci_mount *mounts;
	size_t n_mounts;
	struct oci_hooks hooks;
	struct oci_kv *annotations;
	size_t n_annotations;
	bool has_linux;
	struct oci_linux linux_;
	/* Filled by the loader, not from JSON: */
	char *bundle;		/* absolute bundle directory */
	char *rootfs;		/* absolute root.path resolved against bundle */
};

/*
 * Loads and validates <bundle>/config.json. On error *err names the file and
 * the field. The result is freed with oci_spec_free().
 */
int oci_spec_load(const char *bundle, struct oci_spec **out,
		  struct cv_error **err);

/* Same, from a JSON text; "what" names the source in messages. */
/*
 * The LSM fields against the host: process.apparmorProfile needs AppArmor
 * enabled, process.selinuxLabel SELinux; linux.mountLabel is refused (not
 * applied to mounts; on a host without SELinux the message says that).
 * Errors name what ("config.json", "exec") and the field. oci_spec_load
 * runs it, so a bad label stops create before anything exists.
 */
int oci_check_lsm(const struct oci_process *p, const char *mount_label,
		  const char *what, struct cv_error **err);
bool oci_host_has_apparmor(void);
bool oci_host_has_selinux(void);

int oci_spec_parse(const char *json, size_t len, const char *what,
		   struct oci_spec **out, struct cv_error **err);

/* A process object alone (runsc exec --process FILE). */
int oci_process_parse(const char *json, size_t len, const char *what,
		      struct oci_process *out, struct cv_error **err);
void oci_process_clear(struct oci_process *p);

/* linux.resources alone (runsc update --resources FILE|-). */
int oci_resources_parse(const char *json, size_t len, const char *what,
			struct oci_resources *out, struct cv_error **err);
void oci_resources_clear(struct oci_resources *r);

void oci_spec_free(struct oci_spec *spec);

/* Helpers over a parsed spec. */
const struct oci_namespace *oci_spec_namespace(const struct oci_spec *spec,
					       enum oci_ns_type type);
const char *oci_spec_annotation(const struct oci_spec *spec, const char *key);
const char *oci_ns_type_name(enum oci_ns_type type);	/* "pid", "network".. */
const char *oci_hook_kind_name(enum oci_hook_kind k);	/* "prestart".. */

/* Name <-> number tables, used by the parser and by runsc exec --cap. */
int oci_cap_from_name(const char *name);	/* "CAP_CHOWN" -> 0, or -1 */
const char *oci_cap_name(int cap);
int oci_rlimit_from_name(const char *name);	/* "RLIMIT_NOFILE" -> 7 */
const char *oci_rlimit_name(int type);

/* A default config.json for "runsc spec" (rootless: user namespace form). */
char *oci_spec_default_json(bool rootless);

#define cleanup_spec __attribute__((cleanup(oci_spec_freep)))
static inline void oci_spec_freep(struct oci_spec **s)
{
	if (*s != NULL)
		oci_spec_free(*s);
}

#endif
