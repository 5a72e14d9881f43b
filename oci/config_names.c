/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Name <-> number tables: capabilities, rlimits, namespace types, hook
 * kinds, mount propagation. Our own tables (not libcap's cap_from_name) so
 * that the names accepted do not depend on the libcap build, and so that
 * "CAP_" is required as the spec says.
 */
#include <string.h>
#include <sys/resource.h>

#include "lib/cleanup.h"
#include "oci/config_internal.h"

/* Index = CAP_* number; up to CAP_LAST_CAP (40) on the kernels we know. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int oci_cap_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcmp(cap_names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *oci_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= ARRAY_SIZE(cap_names))
		return NULL;
	return cap_names[cap];
}

struct name_num {
	const char *name;
	int num;
};

static const struct name_num rlimits[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static int lookup(const struct name_num *t, size_t n, const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].num;
	return -1;
}

static const char *rlookup(const struct name_num *t, size_t n, int num)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

int oci_rlimit_from_name(const char *name)
{
	return lookup(rlimits, ARRAY_SIZE(rlimits), name);
}

const char *oci_rlimit_name(int type)
{
	return rlookup(rlimits, ARRAY_SIZE(rlimits), type);
}

static const struct name_num ns_types[] = {
	{ "pid", OCI_NS_PID },	   { "network", OCI_NS_NETWORK },
	{ "mount", OCI_NS_MOUNT }, { "ipc", OCI_NS_IPC },
	{ "uts", OCI_NS_UTS },	   { "user", OCI_NS_USER },
	{ "cgroup", OCI_NS_CGROUP }, { "time", OCI_NS_TIME },
};

int cfg_ns_from_name(const char *name)
{
	return lookup(ns_types, ARRAY_SIZE(ns_types), name);
}

const char *oci_ns_type_name(enum oci_ns_type type)
{
	return rlookup(ns_types, ARRAY_SIZE(ns_types), (int)type);
}

static const char *const hook_names[OCI_HOOK__COUNT] = {
	[OCI_HOOK_PRESTART] = "prestart",
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer",
	[OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_kind_name(enum oci_hook_kind k)
{
	if ((unsigned)k >= OCI_HOOK__COUNT)
		return NULL;
	return hook_names[k];
}

static const struct name_num propagations[] = {
	{ "private", OCI_PROP_PRIVATE },
	{ "rprivate", OCI_PROP_RPRIVATE },
	{ "shared", OCI_PROP_SHARED },
	{ "rshared", OCI_PROP_RSHARED },
	{ "slave", OCI_PROP_SLAVE },
	{ "rslave", OCI_PROP_RSLAVE },
	{ "unbindable", OCI_PROP_UNBINDABLE },
	{ "runbindable", OCI_PROP_RUNBINDABLE },
};

int cfg_propagation_from_name(const char *name)
{
	return lookup(propagations, ARRAY_SIZE(propagations), name);
}

int cfg_parse_propagation(struct cfg_ctx *c, yajl_val obj, const char *path,
			  const char *key, enum oci_propagation *out)
{
	cleanup_free char *s = NULL;
	char p[CFG_PATH_MAX];
	int r = cfg_string(c, obj, path, key, &s), v;

	if (r <= 0)
		return r;
	if (s[0] == '\0')
		return 0;
	v = cfg_propagation_from_name(s);
	if (v < 0) {
		cfg_path_key(p, path, key);
		return cfg_err(c, p, "unknown propagation mode \"%s\"", s);
	}
	*out = (enum oci_propagation)v;
	return 1;
}
