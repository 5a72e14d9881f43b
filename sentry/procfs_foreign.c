// SPDX-License-Identifier: Apache-2.0
/*
 * /proc/<pid> of the processes of a pid namespace this sandbox shares with
 * others (a pod's joiner: runsc create joined the pause's container pid
 * namespace, runsc/pidmap.c) that are not this sentry's tasks: the pause's
 * init, the other containers' processes. Linux lists them; the sentry
 * reads them from the procfs of the sandbox's pid namespace it keeps
 * (vtree_host_proc_fd), where their names already are that namespace's
 * pids, and which holds no sentry, gofer or host process.
 *
 * What is shown is what Linux shows a reader that may not ptrace them: the
 * public files (stat, status, cmdline, comm, statm, limits...), read-only;
 * environ, auxv, maps, mem, fd, cwd, root, exe and the like are refused
 * (EACCES) whatever the reader's ids and capabilities, as their content
 * (another sandbox's memory and files) is not this sentry's to give.
 *
 * A process that has not exec'd since it entered the namespace from outside
 * (a runsc fork still joining: the other sandbox's init or exec before its
 * exec, its command line runsc's) is not shown: the kernel's PF_FORKNOEXEC
 * with no visible parent in the namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"
#include "sentry/idmap.h"
#include "sentry/task.h"
#include "sentry/synth.h"
#include "sentry/vtree.h"

#define FOREIGN_PF_FORKNOEXEC 0x40	/* Linux's PF_FORKNOEXEC */
#define FOREIGN_DEPTH 16		/* parents looked at, at most */

struct known_arg {
	pid_t pid;
	bool workload;
};

static int known_visit(struct task *t, void *arg)
{
	struct known_arg *k = arg;

	if (t->tgid != k->pid && t->tid != k->pid)
		return 0;
	k->workload = t->workload;
	return 1;
}

/* 1: a workload task of this sentry's (thread or process), 0: one still
 * joining, -1: none of its. */
static int known(struct sc_call *c, pid_t pid)
{
	struct known_arg k = { .pid = pid };

	if (pid == c->t->tgid || pid == c->t->tid)
		return 1;
	if (task_for_each(c->t->sentry, known_visit, &k) <= 0)
		return -1;
	return k.workload ? 1 : 0;
}

bool procfs_foreign_shared(struct sc_call *c)
{
	int pfd = vtree_host_proc_fd();
	struct stat st;

	return pfd >= 0 && known(c, 1) < 0 && fstatat(pfd, "1", &st, 0) == 0;
}

/* The parent and the flags of pid's stat line (the procfs's view). */
static bool stat_of(pid_t pid, pid_t *ppid, unsigned long *flags)
{
	struct vbuf st = { 0 };
	const char *p;
	int pp = 0;
	bool ok = false;

	if (procfs_read_host(pid, "stat", &st) == 0 && st.data != NULL &&
	    (p = strrchr(st.data, ')')) != NULL) {
		/* state ppid pgrp session tty_nr tpgid flags */
		ok = sscanf(p + 1, " %*c %d %*d %*d %*d %*d %lu", &pp,
			    flags) == 2;
		*ppid = pp;
	}
	vbuf_free(&st);
	return ok;
}

static bool visible(struct sc_call *c, pid_t pid, int depth)
{
	unsigned long flags = 0;
	pid_t ppid = 0;
	int k;

	if (depth > FOREIGN_DEPTH || known(c, pid) >= 0 ||
	    !stat_of(pid, &ppid, &flags))
		return false;
	if (!(flags & FOREIGN_PF_FORKNOEXEC))
		return true;		/* exec'd in the namespace */
	/* A fork that has not exec'd: shown when its parent is (a fork of a
	 * workload process), never when it came from outside (ppid 0). */
	if (ppid <= 0)
		return false;
	k = known(c, ppid);
	if (k >= 0)
		return k == 1;
	return visible(c, ppid, depth + 1);
}

bool procfs_foreign_visible(struct sc_call *c, pid_t pid)
{
	return pid > 0 && procfs_foreign_shared(c) && visible(c, pid, 0);
}

int procfs_foreign_list(struct sc_call *c, struct vtree_dirlist *l,
			size_t first)
{
	int pfd = vtree_host_proc_fd(), fd, ret = 0;
	struct vtree_dirlist all = { 0 };

	if (pfd < 0 || !procfs_foreign_shared(c))
		return 0;
	fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || vtree_dirlist_add_host(&all, fd, 0) < 0) {
		free(all.v);
		return 0;
	}
	for (size_t i = 0; i < all.n && ret == 0; i++) {
		int pid = vtree_parse_num(all.v[i].name);
		bool have = false;

		if (pid <= 0)
			continue;
		for (size_t j = first, end = l->n; j < end && !have; j++)
			have = strcmp(l->v[j].name, all.v[i].name) == 0;
		if (!have && visible(c, pid, 0))
			ret = vtree_dirlist_add(l, all.v[i].name, VN_DIR);
	}
	free(all.v);
	return ret;
}

/* ---- the files ----------------------------------------------------------- */

/* Ids through the reader's own maps, as Linux shows them to it. */
static int gen_status(struct sc_call *c, const struct vnode *n,
		      struct vbuf *b)
{
	return procfs_status_as(n, c->t->tgid, -1, false, b);
}

/* What needs ptrace-read access: never granted (lookup_child refuses it
 * first: procfs_may_read knows no task of host pid 0). */
static int gen_denied(struct sc_call *c, const struct vnode *n,
		      struct vbuf *b)
{
	(void)c;
	(void)n;
	(void)b;
	return -EACCES;
}

static int link_denied(struct sc_call *c, const struct vnode *n, char *buf,
		       size_t len)
{
	(void)c;
	(void)n;
	(void)buf;
	(void)len;
	return -EACCES;
}

static int lookup_denied(struct sc_call *c, const struct vnode *dir,
			 const char *name, struct vnode *out)
{
	(void)c;
	(void)dir;
	(void)name;
	(void)out;
	return -EACCES;
}

static int list_denied(struct sc_call *c, const struct vnode *dir,
		       struct vtree_dirlist *l)
{
	(void)c;
	(void)dir;
	(void)l;
	return -EACCES;
}

static int task_lookup(struct sc_call *c, const struct vnode *dir,
		       const char *name, struct vnode *out)
{
	int pfd = vtree_host_proc_fd(), tid = vtree_parse_num(name);
	char path[48];
	struct stat st;

	(void)c;
	if (tid <= 0 || pfd < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%d/task/%d", (int)dir->pid, tid);
	if (fstatat(pfd, path, &st, 0) < 0)
		return -ENOENT;
	out->ent = &procfs_foreign_entry;
	out->pid = tid;
	out->host_pid = 0;
	return 0;
}

static int task_list(struct sc_call *c, const struct vnode *dir,
		     struct vtree_dirlist *l)
{
	int pfd = vtree_host_proc_fd(), fd;
	char path[32];

	(void)c;
	if (pfd < 0)
		return 0;
	snprintf(path, sizeof(path), "%d/task", (int)dir->pid);
	fd = openat(pfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return vtree_dirlist_add_host(l, fd, 0);
}

/*
 * net/: the files of the process's network namespace, which Linux shows
 * any reader. Given when that is the reader's own namespace (a pod's
 * containers share the pause's): the same files the reader's /proc/self/net
 * holds. Another namespace's (another sandbox's sockets and interfaces) is
 * refused, EACCES. The namespaces are told apart by the inode of their
 * net/dev in the sandbox's procfs (each network namespace makes its own
 * proc entries; the net directory's inode is per process).
 */
static bool same_netns(struct sc_call *c, pid_t pid)
{
	int pfd = vtree_host_proc_fd();
	char a[32], b[32];
	struct stat x, y;

	snprintf(a, sizeof(a), "%d/net/dev", (int)pid);
	snprintf(b, sizeof(b), "%d/net/dev", (int)c->t->tgid);
	return pfd >= 0 && fstatat(pfd, a, &x, 0) == 0 &&
	       fstatat(pfd, b, &y, 0) == 0 && x.st_ino == y.st_ino &&
	       x.st_dev == y.st_dev;
}

static int net_lookup(struct sc_call *c, const struct vnode *dir,
		      const char *name, struct vnode *out)
{
	if (!same_netns(c, dir->pid))
		return -EACCES;
	return procfs_net_lookup(c, dir, name, out);
}

static int net_list(struct sc_call *c, const struct vnode *dir,
		    struct vtree_dirlist *l)
{
	if (!same_netns(c, dir->pid))
		return -EACCES;
	return procfs_net_list(c, dir, l);
}

/* mounts and mountinfo: the other sandbox's mount table, neither held nor
 * to be given (Linux shows it any reader): refused at open, EACCES; stat
 * shows the file, as Linux's. */
#define REFUSED(nm) { .name = nm, .type = VN_FILE, .gen = gen_denied }
/* ns/: the links of a process the reader may not ptrace-read: lstat
 * shows them, readlink and open are EACCES (Linux's proc_ns_get_link). */
#define NS_DENIED(nm) { .name = nm, .type = VN_LINK, .link = link_denied }
/* Listing ns/ (0511, the process's dump owner's): its owner, or a reader
 * with CAP_DAC_READ_SEARCH or CAP_DAC_OVERRIDE, as Linux's permission. */
static int ns_list(struct sc_call *c, const struct vnode *dir,
		   struct vtree_dirlist *l)
{
	struct ident_who who = ident_who_task(&c->t->creds);
	struct stat st = { .st_mode = S_IFDIR | 0511 };
	bool capable = ident_vnode_owner(c, dir, &st);

	(void)l;
	return ident_permission(&who, &st, R_OK, capable);
}

static const struct vtree_entry foreign_ns[] = {
	NS_DENIED("cgroup"), NS_DENIED("ipc"), NS_DENIED("mnt"),
	NS_DENIED("net"), NS_DENIED("pid"), NS_DENIED("pid_for_children"),
	NS_DENIED("time"), NS_DENIED("time_for_children"), NS_DENIED("user"),
	NS_DENIED("uts"),
	{ 0 },
};

#define PUBLIC(nm, mode, fn) { .name = nm, .type = VN_FILE, .perm = mode, \
			       .gen = fn }
#define PRIVATE(nm, mode) { .name = nm, .type = VN_FILE, .perm = mode, \
			    .gen = gen_denied, .ptrace = true }
#define PRIVATE_LINK(nm) { .name = nm, .type = VN_LINK, .link = link_denied, \
			   .ptrace = true }

/* Linux's modes; the writable ones (comm, oom_score_adj...) refuse writes
 * here, as every file of the virtual trees the sentry makes. */
static const struct vtree_entry foreign_children[] = {
	PRIVATE("auxv", 0400),
	PUBLIC("cgroup", 0, procfs_gen_cgroup),
	PUBLIC("cmdline", 0, procfs_gen_copy),
	PUBLIC("comm", 0644, procfs_gen_copy),
	PUBLIC("coredump_filter", 0644, procfs_gen_copy),
	PRIVATE_LINK("cwd"),
	PRIVATE("environ", 0400),
	PRIVATE_LINK("exe"),
	{ .name = "fd", .type = VN_DIR, .perm = 0500, .lookup = lookup_denied,
	  .list = list_denied, .ptrace = true },
	{ .name = "fdinfo", .type = VN_DIR, .perm = 0555,
	  .lookup = lookup_denied, .list = list_denied, .ptrace = true },
	PRIVATE("io", 0400),
	PUBLIC("limits", 0, procfs_gen_copy),
	PUBLIC("loginuid", 0644, procfs_gen_audit_unset),
	PRIVATE("maps", 0),
	PRIVATE("mem", 0600),
	REFUSED("mountinfo"),
	REFUSED("mounts"),
	{ .name = "net", .type = VN_DIR, .lookup = net_lookup,
	  .list = net_list },
	{ .name = "ns", .type = VN_DIR, .perm = 0511, .children = foreign_ns,
	  .list = ns_list },
	PUBLIC("oom_adj", 0644, procfs_gen_copy),
	PUBLIC("oom_score", 0, procfs_gen_copy),
	PUBLIC("oom_score_adj", 0644, procfs_gen_copy),
	PRIVATE("pagemap", 0400),
	PRIVATE_LINK("root"),
	PUBLIC("schedstat", 0, procfs_gen_copy),
	PUBLIC("sessionid", 0, procfs_gen_audit_unset),
	PRIVATE("smaps", 0),
	PRIVATE("smaps_rollup", 0),
	PRIVATE("stack", 0400),
	PUBLIC("stat", 0, procfs_gen_stat),
	PUBLIC("statm", 0, procfs_gen_copy),
	PUBLIC("status", 0, gen_status),
	PRIVATE("syscall", 0400),
	{ .name = "task", .type = VN_DIR, .lookup = task_lookup,
	  .list = task_list, .order = vtree_order_num },
	PUBLIC("wchan", 0, procfs_gen_copy),
	{ 0 },
};

const struct vtree_entry procfs_foreign_entry = {
	.name = "", .type = VN_DIR, .children = foreign_children,
};
