/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sandbox pids to runsc's (pidmap.h). A process of the sandbox's pid
 * namespace, or of one nested in it, lists its pids in /proc/PID/status
 * "NSpid:" from the namespace of runsc's /proc down to its own; the
 * sandbox process's own line has L fields, so field L-1 of such a process
 * is its pid in the sandbox's namespace. Which namespace a line belongs to
 * is checked, not assumed: the process's pid namespace, NS_GET_PARENT'ed
 * up to the sandbox's level, must be the sandbox's.
 */
#include "runsc/pidmap.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runsc/state.h"

#define NSPID_MAX 33	/* MAX_PID_NS_LEVEL + 1 */

/* The NSpid fields of pid (runsc's numbering): their count, or -errno. */
static int read_nspid(pid_t pid, pid_t out[NSPID_MAX])
{
	cleanup_fclose FILE *f = NULL;
	char path[64], line[512];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line + 6, *end;
		int k = 0;

		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		while (k < NSPID_MAX) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			out[k++] = (pid_t)v;
			p = end;
		}
		return k > 0 ? k : -EPROTO;
	}
	return -EPROTO;
}

static int ns_fd_of(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static bool same_file(int fd, const struct stat *b)
{
	struct stat a;

	return fstat(fd, &a) == 0 && a.st_ino == b->st_ino &&
	       a.st_dev == b->st_dev;
}

/* Whether pid's pid namespace, `up` levels up, is the one of sb. */
static bool ns_is(pid_t pid, int up, const struct stat *sb)
{
	int fd = ns_fd_of(pid);
	bool ok;

	while (fd >= 0 && up-- > 0) {
		int parent = ioctl(fd, NS_GET_PARENT);

		close(fd);
		fd = parent;
	}
	if (fd < 0)
		return false;
	ok = same_file(fd, sb);
	close(fd);
	return ok;
}

bool pidmap_sandbox_has_own(pid_t sandbox)
{
	cleanup_close int fd = ns_fd_of(sandbox);
	struct stat own;

	if (fd < 0 || stat("/proc/self/ns/pid", &own) < 0)
		return false;
	return !same_file(fd, &own);
}

/* Index of v in pids[0..n) not yet mapped, or -1. */
static ssize_t find_unmapped(const pid_t *pids, const bool *done, size_t n,
			     pid_t v)
{
	for (size_t i = 0; i < n; i++)
		if (!done[i] && pids[i] == v)
			return (ssize_t)i;
	return -1;
}

static void map_one(pid_t host, int level, const struct stat *sb,
		    pid_t *pids, bool *done, size_t n)
{
	pid_t f[NSPID_MAX];
	int k = read_nspid(host, f);
	ssize_t i;

	if (k <= level)
		return;		/* gone, or above the sandbox's namespace */
	i = find_unmapped(pids, done, n, f[level]);
	if (i < 0 || !ns_is(host, k - 1 - level, sb))
		return;
	pids[i] = host;
	done[i] = true;
}

ssize_t pidmap_to_host(pid_t sandbox, pid_t *pids, size_t n)
{
	cleanup_free bool *done = NULL;
	cleanup_close int sfd = -1;
	pid_t f[NSPID_MAX];
	struct stat sb;
	struct dirent *de;
	DIR *d;
	size_t k = 0;
	int level;

	if (!pidmap_sandbox_has_own(sandbox))
		return (ssize_t)n;
	sfd = ns_fd_of(sandbox);
	level = read_nspid(sandbox, f);
	if (sfd < 0 || level < 0)
		return sfd < 0 ? sfd : level;
	if (fstat(sfd, &sb) < 0)
		return -errno;
	level--;	/* the sandbox's own field */
	done = calloc(n + 1, sizeof(*done));
	d = opendir("/proc");
	if (done == NULL || d == NULL) {
		if (d != NULL)
			closedir(d);
		return done == NULL ? -ENOMEM : -errno;
	}
	while ((de = readdir(d)) != NULL)
		if (isdigit((unsigned char)de->d_name[0]))
			map_one((pid_t)atoi(de->d_name), level, &sb, pids,
				done, n);
	closedir(d);
	for (size_t i = 0; i < n; i++)
		if (done[i])
			pids[k++] = pids[i];
	return (ssize_t)k;
}

int sandbox_pids_to_host(const struct container_state *st, pid_t **pids,
			 size_t *n)
{
	ssize_t k = pidmap_to_host(st->sandbox_pid, *pids, *n);

	if (k < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return (int)k;
	}
	*n = (size_t)k;
	return 0;
}

struct mnt_line {
	char *point;
	bool proc_rw;	/* a read-write procfs of its whole tree */
};

/* Fields 4 (root), 5 (mount point) and 6 (options) and, after "-", the
 * type and the super block's options of one mountinfo line. */
static bool parse_mnt(char *line, struct mnt_line *m)
{
	char *t[64], *save = NULL, *tok;
	int n = 0, dash = -1;

	for (tok = strtok_r(line, " \n", &save); tok != NULL && n < 64;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (dash < 0 && !strcmp(tok, "-"))
			dash = n;
		t[n++] = tok;
	}
	if (dash < 6 || dash + 3 >= n)
		return false;
	m->point = strdup(t[4]);
	m->proc_rw = !strcmp(t[dash + 1], "proc") && !strcmp(t[3], "/") &&
		     !strncmp(t[5], "rw", 2) && !strncmp(t[dash + 3], "rw", 2);
	return m->point != NULL;
}

/* Is a mount at `point` over something inside the procfs at `proc`
 * (other than its permanently empty binfmt_misc directory)? */
static bool covers(const char *proc, const char *point)
{
	size_t n = strlen(proc);
	const char *rest;

	if (!strcmp(proc, "/"))
		n = 0;
	if (strncmp(point, proc, n) != 0 || point[n] != '/' ||
	    point[n + 1] == '\0')
		return false;
	rest = point + n;
	return strcmp(rest, "/sys/fs/binfmt_misc") != 0;
}

static bool fully_visible(const struct mnt_line *m, size_t n, size_t i)
{
	if (!m[i].proc_rw)
		return false;
	for (size_t j = 0; j < n; j++)
		if (j != i && covers(m[i].point, m[j].point))
			return false;
	return true;
}

bool pidmap_procfs_mountable(void)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	struct mnt_line *m = NULL;
	size_t n = 0, cap = 0, len = 0;
	bool ok = false;

	while (f != NULL && getline(&line, &len, f) > 0) {
		if (n == cap) {
			struct mnt_line *g;

			cap = cap ? 2 * cap : 64;
			g = realloc(m, cap * sizeof(*m));
			if (g == NULL)
				break;
			m = g;
		}
		if (parse_mnt(line, &m[n]))
			n++;
	}
	for (size_t i = 0; i < n && !ok; i++)
		ok = fully_visible(m, n, i);
	for (size_t i = 0; i < n; i++)
		free(m[i].point);
	free(m);
	return ok;
}

/* The last NSpid field of pid: its pid in its own namespace; 0 if gone. */
static pid_t own_nspid(pid_t pid)
{
	pid_t f[NSPID_MAX];
	int k = read_nspid(pid, f);

	return k > 0 ? f[k - 1] : 0;
}

static pid_t ppid_of(pid_t pid)
{
	cleanup_fclose FILE *f = NULL;
	char path[64], line[256];
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	return (pid_t)ppid;
}

/* One line of /proc/PID/NAME (pid 0: self), without its newline. */
static bool read_line(pid_t pid, const char *name, char *buf, size_t len)
{
	cleanup_fclose FILE *f = NULL;
	char path[64];

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", name);
	f = fopen(path, "re");
	if (f == NULL || fgets(buf, (int)len, f) == NULL)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

/* Whether pid is runsc: it runs runsc's executable, or one of its name
 * (a binary replaced since the sandbox started is another file). */
static bool is_runsc(pid_t pid)
{
	char a[32], b[32], path[64];
	struct stat x, y;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (stat(path, &x) == 0 && stat("/proc/self/exe", &y) == 0 &&
	    x.st_dev == y.st_dev && x.st_ino == y.st_ino)
		return true;
	return read_line(pid, "comm", a, sizeof(a)) &&
	       read_line(0, "comm", b, sizeof(b)) && strcmp(a, b) == 0;
}

/* The first process (runsc's pid) that is pid 1 of a pid namespace `up`
 * levels under sb's and, if parent > 0, a child of parent; 0 if none. */
static pid_t find_ns_init(const struct stat *sb, int up, pid_t parent)
{
	struct dirent *de;
	pid_t found = 0;
	DIR *d = opendir("/proc");

	while (d != NULL && found == 0 && (de = readdir(d)) != NULL) {
		pid_t pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (own_nspid(pid) == 1 && ns_is(pid, up, sb) &&
		    (parent <= 0 || ppid_of(pid) == parent))
			found = pid;
	}
	if (d != NULL)
		closedir(d);
	return found;
}

/* The pid N of a path "/proc/N/ns/pid", or 0. */
static pid_t path_pid(const char *path)
{
	int pid, end = 0;

	if (path == NULL ||
	    sscanf(path, "/proc/%d/ns/pid%n", &pid, &end) != 1 ||
	    path[end] != '\0' || pid <= 0)
		return 0;
	return (pid_t)pid;
}

/* The sandbox process the namespace sb stands for: its pid 1 if that
 * runs runsc (the sandbox's own namespace), else the process the path
 * names if it runs runsc and is in it (a sandbox in the host's pid
 * namespace); 0 if neither. *own: which. */
static pid_t find_sandbox(const struct stat *sb, const char *path, bool *own)
{
	pid_t pid = find_ns_init(sb, 0, 0);

	*own = pid > 0 && is_runsc(pid);
	if (*own)
		return pid;
	pid = path_pid(path);
	if (pid > 0 && ns_is(pid, 0, sb) && is_runsc(pid))
		return pid;
	return 0;
}

int pidmap_container_pidns(int fd, const char *path, int *out)
{
	struct stat sb;
	pid_t sandbox, init;
	bool own;
	int cfd;

	*out = -1;
	if (fstat(fd, &sb) < 0)
		return -errno;
	sandbox = find_sandbox(&sb, path, &own);
	if (sandbox <= 0)
		return 0;
	/* The container's init: the sandbox process's child, pid 1 of a
	 * namespace nested in the sandbox's. None: in the sandbox's own
	 * namespace, refused (its init is gone); in the host's, the
	 * container shares that one (no pid namespace of its own): joined
	 * as given. */
	init = find_ns_init(&sb, 1, sandbox);
	if (init <= 0)
		return own ? -ESRCH : 0;
	cfd = ns_fd_of(init);
	if (cfd < 0)
		return cfd;
	/* Still that namespace's, once opened (the pid not reused). */
	if (!ns_is(init, 1, &sb) || ppid_of(init) != sandbox) {
		close(cfd);
		return -ESRCH;
	}
	*out = cfd;
	return 0;
}
