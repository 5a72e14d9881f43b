// SPDX-License-Identifier: Apache-2.0
/*
 * /proc/<pid>: the per-process part of the virtual /proc, its directory
 * (and /proc/<pid>/task/<tid>) and files. Files are read from a procfs
 * instance of the sandbox's own pid namespace (its pids, no host process),
 * ids mapped to the sandbox's user namespace. The links (exe, cwd, root,
 * ns/, fd/) are in sentry/procfs_pid_links.c; who may read what, in
 * sentry/procfs_pid_access.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/idmap.h"
#include "sentry/mempolicy.h"
#include "sentry/task.h"
#include "sentry/synth.h"

int procfs_gen_cgroup(struct sc_call *c, const struct vnode *n,
		      struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "0::/\n");
	return 0;
}

/* ---- per-process files ------------------------------------------------------ */

int procfs_gen_copy(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	const char *name = strrchr(n->path, '/') + 1;

	(void)c;
	return procfs_read_host(n->pid, name, b);
}

/* The path of a maps (or smaps header) line from l to nl: after the five
 * fields (range, perms, offset, device, inode) and the padding; NULL for
 * a line that is not one or has no path. */
static const char *map_line_path(const char *l, const char *nl)
{
	const char *p = l;

	if (memchr(l, '-', strcspn(l, " \n")) == NULL)
		return NULL;
	for (int f = 0; f < 5; f++) {
		while (p < nl && *p != ' ')
			p++;
		while (p < nl && *p == ' ')
			p++;
	}
	return p < nl && *p == '/' ? p : NULL;
}

/* A VmFlags line without the "dd" the sentry set (mempol_marked). */
static void put_vmflags(struct vbuf *b, const char *l, const char *nl)
{
	const char *p = l + 8;		/* after "VmFlags:" */

	vbuf_put(b, l, (size_t)(p - l));
	while (p < nl) {
		const char *end = p + 1;

		while (end < nl && *end != ' ')
			end++;
		/* p is at a space, the flag after it */
		if (!(end - p == 3 && p[1] == 'd' && p[2] == 'd'))
			vbuf_put(b, p, (size_t)(end - p));
		p = end;
	}
}

/* The range of a maps (or smaps header) line into *s, *e: true; false
 * for any other line. */
static bool map_line_range(const char *l, uint64_t *s, uint64_t *e)
{
	unsigned long long a, z;

	if (memchr(l, '-', strcspn(l, " \n")) == NULL ||
	    sscanf(l, "%llx-%llx", &a, &z) != 2)
		return false;
	*s = a;
	*e = z;
	return true;
}

/* maps and smaps: the kernel's, a mapped file's path as the reader sees
 * it (relative to its chroot, as Linux's d_path); smaps' VmFlags without
 * the sentry's marker of mbind's ranges (sentry/mempolicy.c). */
static int gen_maps(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	char root[PATH_MAX], path[PATH_MAX];
	struct task *t = procfs_task_of(c, n->host_pid);
	bool chroot = procfs_reader_root(c, root, sizeof(root));
	bool marks = t != NULL && strcmp(strrchr(n->path, '/'), "/smaps") == 0;
	struct vbuf raw = { 0 };
	uint64_t vs = 0, ve = 0;
	int ret;

	if (!chroot && !marks)
		return procfs_gen_copy(c, n, b);
	ret = procfs_gen_copy(c, n, &raw);
	for (const char *l = raw.data; ret == 0 && l != NULL && *l; ) {
		const char *nl = strchrnul(l, '\n');
		const char *p = map_line_path(l, nl);

		if (!map_line_range(l, &vs, &ve) && marks &&
		    strncmp(l, "VmFlags:", 8) == 0 &&
		    mempol_marked(t, vs, ve)) {
			put_vmflags(b, l, nl);
		} else if (chroot && p != NULL &&
			   (size_t)(nl - p) < sizeof(path)) {
			snprintf(path, sizeof(path), "%.*s", (int)(nl - p), p);
			vbuf_put(b, l, (size_t)(p - l));
			vbuf_printf(b, "%s", procfs_reader_path(root, path));
		} else {
			vbuf_put(b, l, (size_t)(nl - l));
		}
		if (*nl)
			vbuf_printf(b, "\n");
		l = *nl ? nl + 1 : nl;
	}
	vbuf_free(&raw);
	return ret < 0 ? ret : b->err;
}

/* Field k (1-based, as proc(5) numbers them) of a stat line, or 0. */
static unsigned long long stat_field(const char *stat, int k)
{
	const char *p = strrchr(stat, ')');

	if (p == NULL || k < 3)
		return 0;
	p++;
	for (int i = 3; i < k && *p; i++) {
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
	}
	return strtoull(p, NULL, 10);
}

bool procfs_is_reader(struct sc_call *c, const struct vnode *n)
{
	return n->host_pid > 0 && n->pid == c->t->tid;
}

/* /proc/<pid>/wchan: "0" for the reader's own thread, which runs (the
 * kernel sees it waiting for the sentry). */
static int gen_wchan(struct sc_call *c, const struct vnode *n,
		     struct vbuf *b)
{
	if (!procfs_is_reader(c, n))
		return procfs_gen_copy(c, n, b);
	vbuf_printf(b, "0");
	return 0;
}

/*
 * /proc/<pid>/stat: the kernel's line with the start time (field 22)
 * counted from the sandbox's start, as /proc/uptime is, so that
 * ps's elapsed time (uptime - start) is right. A process older than the
 * sandbox's clock (the init, forked just before it) starts at 0. The
 * reader's own thread is R, as Linux shows it (the kernel sees it
 * waiting for the sentry: S, or t on the ptrace platform).
 */
int procfs_gen_stat(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	struct vbuf raw = { 0 };
	int ret = procfs_gen_copy(c, n, &raw);
	const char *p, *f22, *end;
	unsigned long long start, base;

	if (ret < 0 || raw.data == NULL || (p = strrchr(raw.data, ')')) == NULL) {
		if (ret >= 0 && raw.data != NULL)
			vbuf_put(b, raw.data, raw.len);
		vbuf_free(&raw);
		return ret;
	}
	if (p[1] == ' ' && p[2] != '\0' && procfs_is_reader(c, n))
		raw.data[p + 2 - raw.data] = 'R';
	/* after ")" come fields 3..: skip 19 to reach field 22 */
	f22 = p + 1;
	for (int i = 3; i < 22 && *f22; i++) {
		while (*f22 == ' ')
			f22++;
		while (*f22 && *f22 != ' ')
			f22++;
	}
	while (*f22 == ' ')
		f22++;
	start = strtoull(f22, (char **)&end, 10);
	if (end == f22) {
		vbuf_put(b, raw.data, raw.len);
	} else {
		base = vtree_boot_ticks();
		vbuf_put(b, raw.data, (size_t)(f22 - raw.data));
		vbuf_printf(b, "%llu", start > base ? start - base : 0);
		vbuf_put(b, end, raw.len - (size_t)(end - raw.data));
	}
	vbuf_free(&raw);
	return b->err;
}

/*
 * environ of a process the sentry may not open in procfs (another uid:
 * the confined sentry has no DAC override): the env_start..env_end range
 * of its memory, read as its tracer. At most 4 MiB.
 */
static int environ_from_memory(const struct vnode *n, struct vbuf *b)
{
	unsigned long long start, end;
	struct vbuf st = { 0 };
	char chunk[65536];
	int ret;

	ret = procfs_read_host(n->pid, "stat", &st);
	if (ret < 0 || st.data == NULL) {
		vbuf_free(&st);
		return ret < 0 ? ret : -EIO;
	}
	start = stat_field(st.data, 50);
	end = stat_field(st.data, 51);
	vbuf_free(&st);
	if (start == 0 || end <= start)
		return 0;
	if (end - start > (4u << 20))
		end = start + (4u << 20);
	while (start < end) {
		size_t want = end - start < sizeof(chunk) ? end - start
							 : sizeof(chunk);
		struct iovec local = { chunk, want };
		struct iovec remote = { (void *)(uintptr_t)start, want };
		ssize_t got = process_vm_readv(n->host_pid, &local, 1, &remote,
					       1, 0);

		if (got <= 0)
			break;
		vbuf_put(b, chunk, (size_t)got);
		start += (unsigned long long)got;
	}
	return b->err;
}

static int gen_environ(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	int ret = procfs_gen_copy(c, n, b);

	if (ret == -EACCES || ret == -EPERM)
		return environ_from_memory(n, b);
	return ret;
}

/* "Uid:\t0\t0\t0\t0" with each id mapped; Groups, as Linux prints it, with
 * a tab, the groups separated by spaces and a trailing space
 * ("Groups:\t \n" for none). */
static void status_ids(struct vbuf *b, const char *line, const char *map,
		       bool groups)
{
	const char *p = strchr(line, ':') + 1;
	const char *sep = "\t";
	char *end;

	vbuf_put(b, line, (size_t)(p - line));
	if (groups)
		vbuf_printf(b, "\t");
	for (;;) {
		long v;

		while (*p == '\t' || *p == ' ')
			p++;
		if (*p == '\n' || *p == '\0')
			break;
		v = strtol(p, &end, 10);
		if (end == p)
			break;
		vbuf_printf(b, "%s%ld", groups ? "" : sep,
			    procfs_map_id(map, v));
		if (groups)
			vbuf_printf(b, " ");
		p = end;
	}
	vbuf_printf(b, "%s\n", groups && b->len > 0 &&
			       b->data[b->len - 1] == '\t' ? " " : "");
}

static bool key_is(const char *line, const char *key)
{
	return strncmp(line, key, strlen(key)) == 0;
}

static void status_line(const char *line, const char *uid_map,
			const char *gid_map, int nnp, bool running,
			struct vbuf *b)
{
	size_t len = strcspn(line, "\n");

	if (key_is(line, "State:") && running) {
		vbuf_printf(b, "State:\tR (running)\n");
	} else if (key_is(line, "NoNewPrivs:") && nnp >= 0) {
		/* the task's own flag: the host's is the sandbox's */
		vbuf_printf(b, "NoNewPrivs:\t%d\n", nnp);
	} else if (key_is(line, "TracerPid:")) {
		vbuf_printf(b, "TracerPid:\t0\n");
	} else if (key_is(line, "Uid:")) {
		status_ids(b, line, uid_map, false);
	} else if (key_is(line, "Gid:")) {
		status_ids(b, line, gid_map, false);
	} else if (key_is(line, "Groups:")) {
		status_ids(b, line, gid_map, true);
	} else {
		vbuf_put(b, line, len);
		vbuf_printf(b, "\n");
	}
}

/*
 * A process's status with its ids as seen through the uid_map/gid_map of
 * process map_pid (sandbox pids); nnp >= 0: the NoNewPrivs to show;
 * running: the reader's own thread, R (running) as Linux shows it (the
 * kernel sees it waiting for the sentry).
 */
int procfs_status_as(const struct vnode *n, pid_t map_pid, int nnp,
		     bool running, struct vbuf *b)
{
	struct vbuf raw = { 0 }, um = { 0 }, gm = { 0 };
	int ret = procfs_read_host(n->pid, "status", &raw);

	/* Without the maps the host's ids would show: an error instead. */
	if (ret == 0 && raw.data != NULL)
		ret = procfs_read_host(map_pid, "uid_map", &um);
	if (ret == 0 && raw.data != NULL)
		ret = procfs_read_host(map_pid, "gid_map", &gm);
	if (ret == 0 && raw.data != NULL) {
		for (const char *l = raw.data; *l; ) {
			status_line(l, um.data, gm.data, nnp, running, b);
			l = strchrnul(l, '\n');
			if (*l)
				l++;
		}
	}
	vbuf_free(&raw);
	vbuf_free(&um);
	vbuf_free(&gm);
	return ret;
}

static int gen_pid_status(struct sc_call *c, const struct vnode *n,
			  struct vbuf *b)
{
	struct task *t = procfs_task_of(c, n->host_pid);

	return procfs_status_as(n, n->pid,
				t != NULL ? t->creds.no_new_privs : -1,
				procfs_is_reader(c, n), b);
}

/* The audit login uid and session of a process: the sandbox has no audit
 * of its own, so "unset" (what Linux shows a process no login set it
 * for), never the host's. */
int procfs_gen_audit_unset(struct sc_call *c, const struct vnode *n,
			   struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "%u", 4294967295u);
	return 0;
}

/* ---- files the kernel serves itself ---------------------------------------- */

/* Whether the caller may write the process's file of n (owned by the
 * process's owner as the kernel decides it), by its mode. */
static int may_write(struct sc_call *c, const struct vnode *n)
{
	struct ident_who who = ident_who_task(&c->t->creds);
	struct stat st = { .st_mode = S_IFREG | n->ent->perm };
	bool capable = ident_vnode_owner(c, n, &st);

	return ident_permission(&who, &st, W_OK, capable);
}

/*
 * The kernel's own <pid>/<name> of the sandbox's procfs, opened for the
 * task: a write reaches the kernel and is checked there as the writer
 * (lowering oom_score_adj below its floor needs CAP_SYS_RESOURCE, which
 * the workload's processes never hold on the host), a read is live, and
 * pagemap is read with the sentry's credentials, which hold no
 * CAP_SYS_ADMIN: frame numbers read as 0, as an unprivileged reader's;
 * mem gives the fd of the target's memory, reaching no other process.
 */
static int open_direct(struct sc_call *c, const struct vnode *n, int flags,
		       int *fd_out)
{
	const char *name = strrchr(n->path, '/') + 1;
	int pfd = vtree_host_proc_fd(), fd, ret;
	char path[64];

	if (pfd < 0)
		return pfd;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) {
		ret = may_write(c, n);
		if (ret < 0)
			return ret;
		pfd = vtree_host_proc_rw_fd();
		if (pfd < 0)
			return pfd;
	}
	snprintf(path, sizeof(path), "%d/%s", n->pid, name);
	fd = openat(pfd, path, (flags & (O_ACCMODE | O_TRUNC | O_APPEND |
					 O_NONBLOCK)) |
				       O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	*fd_out = fd;
	return 0;
}

/* ---- /proc/<pid>/net: the process's network namespace --------------------- */

/* "net/..." of a node under /proc/<pid>/net, or NULL. */
static const char *net_rel(const struct vnode *n)
{
	const char *p = strstr(n->path, "/net");

	return p != NULL && (p[4] == '/' || p[4] == '\0') ? p + 1 : NULL;
}

static int gen_net(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	const char *rel = net_rel(n);

	return rel != NULL ? procfs_net_read(c, n->pid, rel, b) : -ENOENT;
}

static const struct vtree_entry net_dir_entry = {
	.name = "", .type = VN_DIR, .lookup = procfs_net_lookup,
	.list = procfs_net_list,
};
static const struct vtree_entry net_file_entry = {
	.name = "", .type = VN_FILE, .gen = gen_net,
};

int procfs_net_lookup(struct sc_call *c, const struct vnode *dir,
		      const char *name, struct vnode *out)
{
	const char *rel = net_rel(out);
	int pfd = vtree_host_proc_fd();
	char path[PATH_MAX];
	struct stat st;

	(void)c;
	(void)dir;
	(void)name;
	if (rel == NULL || pfd < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%d/%s", out->pid, rel);
	if (fstatat(pfd, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		out->ent = &net_dir_entry;
	else if (S_ISREG(st.st_mode))
		out->ent = &net_file_entry;
	else
		return -ENOENT;
	return 0;
}

int procfs_net_list(struct sc_call *c, const struct vnode *dir,
		    struct vtree_dirlist *l)
{
	const char *rel = net_rel(dir);
	int pfd = vtree_host_proc_fd(), fd;
	char path[PATH_MAX];

	(void)c;
	if (rel == NULL || pfd < 0)
		return 0;
	snprintf(path, sizeof(path), "%d/%s", dir->pid, rel);
	fd = openat(pfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return vtree_dirlist_add_host(l, fd, 0);
}

/* ---- the mount table (sentry/procfs_mounts.c) -------------------------------- */

static int gen_mounts(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	(void)n;
	return vtree_mount_lines(c, b, false);
}

static int gen_mountinfo(struct sc_call *c, const struct vnode *n,
			 struct vbuf *b)
{
	(void)n;
	return vtree_mount_lines(c, b, true);
}

static int task_lookup(struct sc_call *c, const struct vnode *dir,
		       const char *name, struct vnode *out);
static int task_list(struct sc_call *c, const struct vnode *dir,
		     struct vtree_dirlist *l);

#define DIRECT(nm, mode) { .name = nm, .type = VN_FILE, .perm = mode, \
			    .open = open_direct }
static const struct vtree_entry pid_children[] = {
	{ .name = "auxv", .type = VN_FILE, .perm = 0400, .gen = procfs_gen_copy,
	  .ptrace = true },
	{ .name = "cgroup", .type = VN_FILE, .gen = procfs_gen_cgroup },
	{ .name = "cmdline", .type = VN_FILE, .gen = procfs_gen_copy },
	{ .name = "comm", .type = VN_FILE, .perm = 0644,
	  .gen = procfs_gen_copy },
	DIRECT("coredump_filter", 0644),
	{ .name = "cwd", .type = VN_LINK, .link = procfs_link_cwd,
	  .foreign = procfs_foreign_cwd, .ptrace = true },
	{ .name = "environ", .type = VN_FILE, .perm = 0400, .gen = gen_environ,
	  .ptrace = true },
	{ .name = "exe", .type = VN_LINK, .link = procfs_link_exe,
	  .foreign = procfs_foreign_exe, .ptrace = true },
	{ .name = "fd", .type = VN_DIR, .perm = 0500,
	  .lookup = procfs_fd_lookup, .list = procfs_fd_list,
	  .owner_dir = true },
	/* 0555, reaching in needs ptrace-read access (Linux's
	 * proc_fdinfo_permission) */
	{ .name = "fdinfo", .type = VN_DIR, .perm = 0555,
	  .lookup = procfs_fdinfo_lookup, .list = procfs_fdinfo_list,
	  .ptrace = true },
	{ .name = "gid_map", .type = VN_FILE, .gen = procfs_gen_copy },
	{ .name = "io", .type = VN_FILE, .perm = 0400, .gen = procfs_gen_copy,
	  .ptrace = true },
	{ .name = "limits", .type = VN_FILE, .gen = procfs_gen_copy },
	{ .name = "loginuid", .type = VN_FILE, .perm = 0644,
	  .gen = procfs_gen_audit_unset },
	{ .name = "maps", .type = VN_FILE, .gen = gen_maps, .ptrace = true },
	/* the kernel's own, opened by the sentry once the caller passed
	 * Linux's check (mem_open: PTRACE_MODE_ATTACH, the same checks as
	 * READ here: the host has no Yama), then the inode's 0600: the fd
	 * reaches the target's memory as it was at open (after its exec, an
	 * old fd reads nothing), as Linux's does */
	{ .name = "mem", .type = VN_FILE, .perm = 0600, .open = open_direct,
	  .ptrace = true },
	{ .name = "mountinfo", .type = VN_FILE, .gen = gen_mountinfo },
	{ .name = "mounts", .type = VN_FILE, .gen = gen_mounts },
	{ .name = "net", .type = VN_DIR, .lookup = procfs_net_lookup,
	  .list = procfs_net_list },
	{ .name = "ns", .type = VN_DIR, .perm = 0511,
	  .children = procfs_ns_children },
	DIRECT("oom_adj", 0644),
	{ .name = "oom_score", .type = VN_FILE, .gen = procfs_gen_copy },
	DIRECT("oom_score_adj", 0644),
	{ .name = "pagemap", .type = VN_FILE, .perm = 0400,
	  .open = open_direct, .ptrace = true },
	{ .name = "root", .type = VN_LINK, .link = procfs_link_root,
	  .foreign = procfs_foreign_root, .ptrace = true },
	{ .name = "schedstat", .type = VN_FILE, .gen = procfs_gen_copy },
	{ .name = "sessionid", .type = VN_FILE, .gen = procfs_gen_audit_unset },
	{ .name = "setgroups", .type = VN_FILE, .gen = procfs_gen_copy },
	{ .name = "smaps", .type = VN_FILE, .gen = gen_maps, .ptrace = true },
	{ .name = "smaps_rollup", .type = VN_FILE, .gen = procfs_gen_copy,
	  .ptrace = true },
	/* the kernel's: a read needs CAP_SYS_ADMIN over the host, which
	 * no reader in the sandbox holds (EACCES), as for Linux's
	 * unprivileged readers */
	{ .name = "stack", .type = VN_FILE, .perm = 0400,
	  .open = open_direct, .ptrace = true },
	{ .name = "stat", .type = VN_FILE, .gen = procfs_gen_stat },
	{ .name = "statm", .type = VN_FILE, .gen = procfs_gen_copy },
	{ .name = "status", .type = VN_FILE, .gen = gen_pid_status },
	/* the kernel's, read by the caller: its ptrace-attach check is
	 * made at the read with the reader's own credentials */
	{ .name = "syscall", .type = VN_FILE, .perm = 0400,
	  .open = open_direct, .ptrace = true },
	{ .name = "task", .type = VN_DIR, .order = vtree_order_num,
	  .lookup = task_lookup,
	  .list = task_list },
	{ .name = "uid_map", .type = VN_FILE, .gen = procfs_gen_copy },
	{ .name = "wchan", .type = VN_FILE, .gen = gen_wchan },
	{ 0 },
};

const struct vtree_entry procfs_pid_entry = {
	.name = "", .type = VN_DIR, .children = pid_children,
};


/* ---- /proc/<pid>/task --------------------------------------------------- */

struct thread_arg {
	pid_t tgid, want;
	pid_t host;
	struct vtree_dirlist *l;
};

static int thread_visit(struct task *t, void *arg)
{
	struct thread_arg *a = arg;
	char name[16];

	if (t->tgid != a->tgid || !t->workload)
		return 0;
	if (a->l != NULL) {
		snprintf(name, sizeof(name), "%d", t->tid);
		return vtree_dirlist_add(a->l, name, VN_DIR);
	}
	if (t->tid != a->want)
		return 0;
	a->host = t->host_tid;
	return 1;
}

static int task_lookup(struct sc_call *c, const struct vnode *dir,
		       const char *name, struct vnode *out)
{
	struct thread_arg a = { .tgid = dir->pid,
				.want = vtree_parse_num(name) };

	if (a.want <= 0)
		return -ENOENT;
	if (a.want == c->t->tid && c->t->tgid == dir->pid)
		a.host = c->t->host_tid;
	else	/* 0 or 1 (found) without a list: the answer is in a */
		(void)task_for_each(c->t->sentry, thread_visit, &a);
	if (a.host <= 0)
		return -ENOENT;
	out->ent = &procfs_pid_entry;
	out->pid = a.want;
	out->host_pid = a.host;
	return 0;
}

static int task_list(struct sc_call *c, const struct vnode *dir,
		     struct vtree_dirlist *l)
{
	struct thread_arg a = { .tgid = dir->pid, .l = l };
	int ret = task_for_each(c->t->sentry, thread_visit, &a);

	if (ret == 0 && l->n == 0) {
		char name[16];

		snprintf(name, sizeof(name), "%d", dir->pid);
		ret = vtree_dirlist_add(l, name, VN_DIR);
	}
	return ret;
}

int vtree_parse_num(const char *name)
{
	char *end;
	long v;

	if (name[0] < '0' || name[0] > '9')
		return -1;
	v = strtol(name, &end, 10);
	if (*end != '\0' || v < 0 || v > 0x7fffffff)
		return -1;
	return (int)v;
}

int vtree_order_num(const void *a, const void *b)
{
	int x = vtree_parse_num(((const struct vtree_dirent *)a)->name);
	int y = vtree_parse_num(((const struct vtree_dirent *)b)->name);

	return (x > y) - (x < y);
}

