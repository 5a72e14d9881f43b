/* SPDX-License-Identifier: Apache-2.0 */
/* runsc features: what this runtime supports, as `runc features` prints. */
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "runsc/cli.h"

static void s(yajl_gen g, const char *str)
{
	yajl_gen_string(g, (const unsigned char *)str, strlen(str));
}

static void list(yajl_gen g, const char *key, const char *const *v)
{
	s(g, key);
	yajl_gen_array_open(g);
	for (; *v != NULL; v++)
		s(g, *v);
	yajl_gen_array_close(g);
}

static void flag(yajl_gen g, const char *key, bool v)
{
	s(g, key);
	yajl_gen_bool(g, v);
}

static const char *const hooks[] = {
	"prestart", "createRuntime", "createContainer", "startContainer",
	"poststart", "poststop", NULL,
};

static const char *const mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync",
	"exec", "iversion", "lazytime", "loud", "mand", "noatime", "nodev",
	"nodiratime", "noexec", "noiversion", "nolazytime", "nomand",
	"norelatime", "nostrictatime", "nosuid", "private", "rbind", "relatime",
	"remount", "ro", "rprivate", "rro", "rrw", "rnosuid", "rnodev",
	"rnoexec", "rshared", "rslave", "runbindable", "rw", "shared",
	"silent", "slave", "strictatime", "suid", "sync", "unbindable", NULL,
};

static const char *const namespaces[] = {
	"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
};

static const char *const seccomp_actions[] = {
	"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
	"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
	"SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL,
};

static const char *const seccomp_ops[] = {
	"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
	"SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

static const char *const seccomp_archs[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", NULL,
};

static const char *const annotations_keys[] = {
	"org.opencontainers.runc.checkpoint.enabled", NULL,
};

static void capabilities(yajl_gen g)
{
	s(g, "capabilities");
	yajl_gen_array_open(g);
	for (int c = 0; c < 64; c++) {
		const char *n = oci_cap_name(c);

		if (n != NULL)
			s(g, n);
	}
	yajl_gen_array_close(g);
}

static void linux_section(yajl_gen g)
{
	s(g, "linux");
	yajl_gen_map_open(g);
	list(g, "namespaces", namespaces);
	capabilities(g);
	s(g, "cgroup");
	yajl_gen_map_open(g);
	flag(g, "v1", true);
	flag(g, "v2", true);
	flag(g, "systemd", true);
	flag(g, "systemdUser", false);
	flag(g, "rdma", false);
	yajl_gen_map_close(g);
	s(g, "seccomp");
	yajl_gen_map_open(g);
	flag(g, "enabled", true);
	list(g, "actions", seccomp_actions);
	list(g, "operators", seccomp_ops);
	list(g, "archs", seccomp_archs);
	yajl_gen_map_close(g);
	s(g, "apparmor");
	yajl_gen_map_open(g);
	flag(g, "enabled", false);
	yajl_gen_map_close(g);
	s(g, "selinux");
	yajl_gen_map_open(g);
	flag(g, "enabled", false);
	yajl_gen_map_close(g);
	s(g, "intelRdt");
	yajl_gen_map_open(g);
	flag(g, "enabled", false);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

int cmd_features(struct global_opts *gl, int argc, char **argv,
		 struct cv_error **err)
{
	yajl_gen g;
	const unsigned char *buf;
	size_t len;

	(void)gl;
	CLI_SIMPLE_OPTS("features", argc, argv, err);
	if (cli_need_args("features", argc, 0, false, err) < 0)
		return -1;
	g = yajl_gen_alloc(NULL);
	if (g == NULL)
		return cv_error_setx(err, "out of memory");
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "    ");
	yajl_gen_map_open(g);
	s(g, "ociVersionMin");
	s(g, "1.0.0");
	s(g, "ociVersionMax");
	s(g, CVISOR_SPEC_VERSION);
	list(g, "hooks", hooks);
	list(g, "mountOptions", mount_options);
	linux_section(g);
	list(g, "potentiallyUnsafeConfigAnnotations", annotations_keys);
	s(g, "annotations");
	yajl_gen_map_open(g);
	s(g, "io.github.cvisor.version");
	s(g, CVISOR_VERSION);
	s(g, "io.github.cvisor.platforms");
	s(g, "seccomp,ptrace");
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	fwrite(buf, 1, len, stdout);
	yajl_gen_free(g);
	return 0;
}
