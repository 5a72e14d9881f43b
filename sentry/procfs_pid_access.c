// SPDX-License-Identifier: Apache-2.0
/*
 * Who may see a sandbox process's files in /proc/<pid>, and as whose ids:
 * Linux's ptrace-read check (environ, maps, fd, cwd, root, exe) made
 * against the caller's credentials, since the sentry reads with its own;
 * the dump owner the kernel gives a process's files; the reading of the
 * sandbox's own procfs (its pid namespace, no host process); ids mapped to
 * the sandbox's user namespace.
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
#include "sentry/task.h"
#include "sentry/synth.h"

/* ---- the sandbox's procfs (its pid namespace only) ------------------------ */

int procfs_read_host(pid_t hp, const char *what, struct vbuf *b)
{
	char path[64], chunk[4096];
	cleanup_close int fd = -1;
	int pfd = vtree_host_proc_fd();
	ssize_t n;

	if (pfd < 0)
		return pfd;
	snprintf(path, sizeof(path), "%d/%s", hp, what);
	fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		vbuf_put(b, chunk, (size_t)n);
	if (n < 0)
		return -errno;
	return b->err;
}

/* The task of a sandbox thread group, by its host pid; NULL for one
 * that is not yet the workload's (still joining, sentry/attach.c). */
struct task *procfs_task_of(struct sc_call *c, pid_t hp)
{
	struct task *t;

	if (hp == c->t->host_tgid)
		return c->t;
	t = task_by_host_tid(c->t->sentry, hp);
	return t != NULL && t->workload ? t : NULL;
}

/*
 * The owner the kernel gives the process's private files (task_dump_owner
 * for any mode but a 0555 directory): its euid/egid while it is dumpable,
 * root otherwise; read from its environ in the sandbox's procfs, host ids.
 */
static int dump_owner(pid_t pid, uid_t *uid, gid_t *gid)
{
	struct stat st;
	int pfd = vtree_host_proc_fd();
	char name[32];

	if (pfd < 0)
		return pfd;
	snprintf(name, sizeof(name), "%d/environ", (int)pid);
	if (fstatat(pfd, name, &st, 0) < 0)
		return -errno;
	*uid = st.st_uid;
	*gid = st.st_gid;
	return 0;
}

/*
 * Whether the process is dumpable, as far as its files' owner tells. A
 * root process is taken as dumpable (both look alike); the exec'd process
 * of runsc exec, which is not, is not shown at all before its exec.
 */
static bool is_dumpable(struct sc_call *c, pid_t pid,
			const struct task_creds *it)
{
	uid_t uid;
	gid_t gid;

	if (dump_owner(pid, &uid, &gid) < 0)
		return false;
	return ident_from_host(c->t->sentry, IDENT_UID, uid) == it->euid &&
	       ident_from_host(c->t->sentry, IDENT_GID, gid) == it->egid;
}

/*
 * Linux's ptrace_may_access(PTRACE_MODE_READ_FSCREDS) for the caller over
 * the process of n: its own thread group; else CAP_SYS_PTRACE; else the
 * caller's fsuid/fsgid equal to all of the target's uids/gids, the target
 * dumpable and its permitted capabilities within the caller's effective
 * ones (cap_ptrace_access_check). Never a task that is not yet the
 * workload's (procfs_task_of).
 */
bool procfs_may_read(struct sc_call *c, const struct vnode *n)
{
	const struct task_creds *me = &c->t->creds, *it;
	struct task *t;

	if (n->host_pid == c->t->host_tgid)
		return true;
	t = procfs_task_of(c, n->host_pid);
	if (t == NULL)
		return false;
	if (t->host_tgid == c->t->host_tgid ||
	    ((me->cap_effective >> CAP_SYS_PTRACE) & 1))
		return true;
	it = &t->creds;
	if (me->fsuid != it->ruid || me->fsuid != it->euid ||
	    me->fsuid != it->suid || me->fsgid != it->rgid ||
	    me->fsgid != it->egid || me->fsgid != it->sgid)
		return false;
	if ((it->cap_permitted & ~me->cap_effective) != 0)
		return false;
	return is_dumpable(c, n->pid, it);
}

/*
 * Linux's ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS) for the caller
 * over the workload task t (pidfd_getfd): its own thread group; else
 * CAP_SYS_PTRACE; else the caller's real uid/gid equal to all of the
 * target's uids/gids, the target dumpable and its permitted capabilities
 * within the caller's effective ones. The host has no Yama.
 */
bool procfs_may_attach(struct sc_call *c, struct task *t)
{
	const struct task_creds *me = &c->t->creds, *it = &t->creds;

	if (t->host_tgid == c->t->host_tgid ||
	    ((me->cap_effective >> CAP_SYS_PTRACE) & 1))
		return true;
	if (me->ruid != it->ruid || me->ruid != it->euid ||
	    me->ruid != it->suid || me->rgid != it->rgid ||
	    me->rgid != it->egid || me->rgid != it->sgid)
		return false;
	if ((it->cap_permitted & ~me->cap_effective) != 0)
		return false;
	return is_dumpable(c, t->tgid, it);
}

bool procfs_may_search(struct sc_call *c, const struct vnode *n)
{
	uid_t uid;
	gid_t gid;

	if (n->host_pid == c->t->host_tgid ||
	    fs_capable(c->t, CAP_DAC_OVERRIDE) ||
	    fs_capable(c->t, CAP_DAC_READ_SEARCH))
		return true;
	if (procfs_task_of(c, n->host_pid) == NULL ||
	    dump_owner(n->pid, &uid, &gid) < 0)
		return false;
	return ident_from_host(c->t->sentry, IDENT_UID, uid) ==
	       c->t->creds.fsuid;
}

/* ---- id mapping (user namespaces) ---------------------------------------- */

/* Owner of a virtual node, as Linux shows it: /proc/<pid> and everything
 * in it belong to the process's owner as the kernel decides it
 * (task_dump_owner: its euid/egid; for anything but a 0555 directory,
 * root when it is not dumpable), read from the sandbox's procfs;
 * everything else to the host's root. Both seen through the task's user
 * namespace. */
bool ident_vnode_owner(struct sc_call *c, const struct vnode *n,
		       struct stat *st)
{
	uint32_t uid = 0, gid = 0;
	int pfd = vtree_host_proc_fd();
	bool open_dir = n->ent->type == VN_DIR &&
			(n->ent->perm == 0 || n->ent->perm == 0555);
	struct stat real;
	char name[32];

	if (n->pid > 0 && pfd >= 0) {
		snprintf(name, sizeof(name), open_dir ? "%d" : "%d/environ",
			 (int)n->pid);
		if (fstatat(pfd, name, &real, 0) == 0) {
			uid = real.st_uid;
			gid = real.st_gid;
		}
	}
	st->st_uid = ident_from_host(c->t->sentry, IDENT_UID, uid);
	st->st_gid = ident_from_host(c->t->sentry, IDENT_GID, gid);
	return ident_mapped(c->t->sentry, IDENT_UID, uid) &&
	       ident_mapped(c->t->sentry, IDENT_GID, gid);
}

/* Host id -> the sandbox's, by the process's uid_map/gid_map. */
long procfs_map_id(const char *map, long id)
{
	const char *p = map;

	if (map == NULL || *map == '\0')
		return id;
	while (*p) {
		long in, out, count;

		if (sscanf(p, "%ld %ld %ld", &in, &out, &count) == 3 &&
		    id >= out && id < out + count)
			return in + (id - out);
		p = strchrnul(p, '\n');
		if (*p)
			p++;
	}
	return 65534;
}


/* ---- paths as the reader sees them (its root: chroot) ------------------- */

bool procfs_reader_root(struct sc_call *c, char *root, size_t len)
{
	struct task_fs *fs = c->t->fs;

	if (fs == NULL || fs->root_fd == GOFER_AT_ROOT ||
	    fs_dir_path(c, fs->root_fd, root, len) < 0)
		return false;
	return strcmp(root, "/") != 0;
}

bool procfs_under_root(const char *root, const char *path)
{
	size_t l = strlen(root);

	return strncmp(path, root, l) == 0 &&
	       (path[l] == '\0' || path[l] == '/');
}

const char *procfs_reader_path(const char *root, const char *path)
{
	size_t l = strlen(root);

	if (!procfs_under_root(root, path))
		return path;
	return path[l] == '\0' ? "/" : path + l;
}
