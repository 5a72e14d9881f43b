// SPDX-License-Identifier: Apache-2.0
/*
 * The virtual /sys (minimal, read-only) and the virtual entries of /dev
 * (fd, stdin, stdout, stderr: links into /proc/self/fd, as udev makes
 * them). The rest of /dev is the gofer's tmpfs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sentry/synth.h"
#include "sentry/synth_cgroup.h"

static int gen_cpu_range(struct sc_call *c, const struct vnode *n,
			 struct vbuf *b)
{
	int cpus = vfs_ncpus();

	(void)c;
	(void)n;
	if (cpus == 1)
		vbuf_printf(b, "0\n");
	else
		vbuf_printf(b, "0-%d\n", cpus - 1);
	return 0;
}

static const struct vfs_entry cpu_children[] = {
	{ .name = "online", .type = VN_FILE, .gen = gen_cpu_range },
	{ .name = "possible", .type = VN_FILE, .gen = gen_cpu_range },
	{ .name = "present", .type = VN_FILE, .gen = gen_cpu_range },
	{ 0 },
};

static const struct vfs_entry system_children[] = {
	{ .name = "cpu", .type = VN_DIR, .children = cpu_children },
	{ 0 },
};

static const struct vfs_entry devices_children[] = {
	{ .name = "system", .type = VN_DIR, .children = system_children },
	{ 0 },
};

/* The container's cgroup as a read-only cgroup v2 mount shows it
 * (sentry/synth_cgroup.c). */
static const struct vfs_entry fs_children[] = {
	{ .name = "cgroup", .type = VN_DIR, .perm = 0755,
	  .lookup = vcg_lookup, .list = vcg_list },
	{ 0 },
};

static const struct vfs_entry sys_children[] = {
	{ .name = "devices", .type = VN_DIR, .children = devices_children },
	{ .name = "fs", .type = VN_DIR, .children = fs_children },
	{ .name = "class", .type = VN_DIR },
	{ .name = "kernel", .type = VN_DIR },
	{ 0 },
};

const struct vfs_entry vfs_sys_entry = {
	.name = "sys", .type = VN_DIR, .children = sys_children,
};

/* ---- /dev ---------------------------------------------------------------- */

static int link_dev_fd(struct sc_call *c, const struct vnode *n, char *buf,
		       size_t len)
{
	(void)c;
	(void)n;
	return vfs_link_target("/proc/self/fd", buf, len);
}

static int link_dev_std(struct sc_call *c, const struct vnode *n, char *buf,
			size_t len)
{
	const char *name = strrchr(n->path, '/') + 1;
	int fd = strcmp(name, "stdin") == 0 ? 0 :
		 strcmp(name, "stdout") == 0 ? 1 : 2;
	char target[32];

	(void)c;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	return vfs_link_target(target, buf, len);
}

static const struct vfs_entry dev_children[] = {
	{ .name = "fd", .type = VN_LINK, .link = link_dev_fd },
	{ .name = "stdin", .type = VN_LINK, .link = link_dev_std },
	{ .name = "stdout", .type = VN_LINK, .link = link_dev_std },
	{ .name = "stderr", .type = VN_LINK, .link = link_dev_std },
	{ 0 },
};

const struct vfs_entry vfs_dev_entry = {
	.name = "dev", .type = VN_DIR, .perm = 0755, .children = dev_children,
};
