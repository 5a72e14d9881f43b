// SPDX-License-Identifier: Apache-2.0
/*
 * /proc/<pid>/net without the sandbox's own sockets (issue 14). The sentry
 * and the gofer live in the container's network namespace, so the
 * kernel's files of that namespace list their sockets too: the control
 * socket, the gofer's channels, the socketpairs of the start-up. runc's
 * container has none of them; the workload's sockets, and those of a
 * pod's other containers sharing the namespace, still show.
 *
 * The sandbox's sockets are the socket inodes of the fds of the sentry
 * and the gofer (their /proc/<pid>/fd, opened before confinement) and of
 * the tasks still running runsc's code (a runsc exec's process before
 * its exec), less those a workload process holds too (the sentry works
 * on pidfd_getfd copies of the workload's sockets, sentry/socket.c). They
 * are gathered before and after the kernel's file is read: a socket made
 * while it is read (a new gofer channel) is caught by the second pass,
 * one closed meanwhile by the first. Left: a socket in flight between the
 * gofer and the sentry (sent, not yet received) is in neither fd table;
 * on the ptrace platform, the socketpair injected into a task to hand it
 * an fd is the task's while the fd is installed.
 * The cost, at each open of one of these files only: a readlink per fd
 * of the sandbox's processes.
 *
 * A line whose inode is one of them is dropped from the files of
 * net_lists; sockstat and sockstat6 count without them: "sockets: used"
 * less all of them, a protocol's "inuse" less its own, TCP's "alloc"
 * (TCP6's sockets too) less TCP's and TCP6's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/cleanup.h"
#include "sentry/synth.h"
#include "sentry/task.h"

/* The files listing sockets, and the field (from 0) of their inode. */
static const struct net_list {
	const char *name;	/* under net/ */
	int field;
	const char *row;	/* its sockstat row, NULL: only "used" */
} net_lists[] = {
	{ "unix", 6, NULL },
	{ "netlink", 9, NULL },
	{ "packet", 8, NULL },
	{ "tcp", 9, "TCP:" },
	{ "tcp6", 9, "TCP6:" },
	{ "udp", 9, "UDP:" },
	{ "udp6", 9, "UDP6:" },
	{ "udplite", 9, "UDPLITE:" },
	{ "udplite6", 9, "UDPLITE6:" },
	{ "raw", 9, "RAW:" },
	{ "raw6", 9, "RAW6:" },
	{ "icmp", 9, NULL },
	{ "icmp6", 9, NULL },
};
#define N_LISTS ARRAY_SIZE(net_lists)

/* ---- a set of socket inodes ---------------------------------------------- */

struct inoset {
	unsigned long *v;
	size_t n, cap;
};

static void inoset_add(struct inoset *s, unsigned long ino)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		unsigned long *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = ino;
}

static int cmp_ino(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

static bool inoset_has(const struct inoset *s, unsigned long ino)
{
	return s->n > 0 &&
	       bsearch(&ino, s->v, s->n, sizeof(*s->v), cmp_ino) != NULL;
}

/* Sorted and without duplicates, then less the members of minus (sorted). */
static void inoset_finish(struct inoset *s, const struct inoset *minus)
{
	size_t k = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_ino);
	for (size_t i = 0; i < s->n; i++)
		if ((k == 0 || s->v[k - 1] != s->v[i]) &&
		    !inoset_has(minus, s->v[i]))
			s->v[k++] = s->v[i];
	s->n = k;
}

/* ---- whose sockets ------------------------------------------------------- */

/* The sentry's and the gofer's /proc/<pid>/fd, opened before confinement. */
static int own_fd_dirs[2] = { -1, -1 };

void procfs_net_init(pid_t gofer_pid)
{
	char path[32];

	if (own_fd_dirs[0] < 0)
		own_fd_dirs[0] = open("/proc/self/fd",
				      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (own_fd_dirs[1] < 0 && gofer_pid > 0) {
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)gofer_pid);
		own_fd_dirs[1] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (own_fd_dirs[0] < 0 || (gofer_pid > 0 && own_fd_dirs[1] < 0))
		log_warn("/proc/net: the sandbox's own fds cannot be listed: "
			 "its sockets will show there");
}

/* The socket inodes of the fds listed in dfd (a /proc/<pid>/fd, taken). */
static void fd_dir_sockets(int dfd, struct inoset *s)
{
	unsigned long ino;
	struct dirent *e;
	char link[64];
	ssize_t n;
	DIR *d = fdopendir(dfd);

	if (d == NULL) {
		close(dfd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n = readlinkat(dirfd(d), e->d_name, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) == 1)
			inoset_add(s, ino);
	}
	closedir(d);
}

struct scan_arg {
	bool workload;
	pid_t pids[1024];	/* past that, a process is not looked at */
	size_t n;
};

static int scan_visit(struct task *t, void *arg)
{
	struct scan_arg *a = arg;

	if (t->workload != a->workload || t->tid != t->tgid ||
	    a->n == ARRAY_SIZE(a->pids))
		return 0;
	a->pids[a->n++] = t->tgid;
	return 0;
}

/* The sockets of the thread groups of the sentry's tasks that are (or are
 * not yet) the workload's, read in the sandbox's procfs. */
static void task_sockets(struct sc_call *c, bool workload, struct inoset *s)
{
	int pfd = vtree_host_proc_fd(), fd;
	struct scan_arg *a = calloc(1, sizeof(*a));
	char path[32];

	if (a == NULL || pfd < 0) {
		free(a);
		return;
	}
	a->workload = workload;
	(void)task_for_each(c->t->sentry, scan_visit, a);
	for (size_t i = 0; i < a->n; i++) {
		snprintf(path, sizeof(path), "%d/fd", (int)a->pids[i]);
		fd = openat(pfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			fd_dir_sockets(fd, s);
	}
	free(a);
}

/* Adds the sockets of the sandbox's own processes to s. */
static void own_sockets(struct sc_call *c, struct inoset *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(own_fd_dirs); i++) {
		int fd;

		if (own_fd_dirs[i] < 0)
			continue;
		/* a description of its own: workers read in parallel */
		fd = openat(own_fd_dirs[i], ".",
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			fd_dir_sockets(fd, s);
	}
	task_sockets(c, false, s);
}

/* hide, gathered once before the file was read: completed after it. */
static void hide_finish(struct sc_call *c, struct inoset *hide)
{
	struct inoset workload = { 0 };

	own_sockets(c, hide);
	task_sockets(c, true, &workload);
	if (workload.n > 0)
		qsort(workload.v, workload.n, sizeof(*workload.v), cmp_ino);
	inoset_finish(hide, &workload);
	free(workload.v);
}

/* ---- the files ----------------------------------------------------------- */

/* Whether field (from 0, blank-separated) of the line [p, end) is an
 * inode of hide. */
static bool line_hidden(const char *p, const char *end, int field,
			const struct inoset *hide)
{
	unsigned long ino = 0;

	for (int i = 0;; i++) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			return false;
		if (i == field)
			break;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
	}
	while (p < end && *p >= '0' && *p <= '9')
		ino = ino * 10 + (unsigned long)(*p++ - '0');
	return ino != 0 && inoset_has(hide, ino);
}

/* Drops from b the lines after the header that hide names (drop false:
 * counts them only); how many. */
static size_t hidden_lines(struct vbuf *b, int field,
			   const struct inoset *hide, bool drop)
{
	char *end = b->data + b->len, *p = b->data, *out;
	size_t n = 0;

	if (b->data == NULL)
		return 0;
	p = memchr(p, '\n', b->len);
	p = p != NULL ? p + 1 : end;
	out = p;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *next = nl != NULL ? nl + 1 : end;

		bool hidden = line_hidden(p, next, field, hide);

		n += hidden;
		if (drop && !hidden) {
			if (out != p)
				memmove(out, p, (size_t)(next - p));
			out += next - p;
		}
		p = next;
	}
	if (drop)
		b->len = (size_t)(out - b->data);
	return n;
}

static bool tok_is(const char *p, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(p, s, len) == 0;
}

/* What to take off the figure of key in a sockstat row. */
static size_t row_delta(const char *row, size_t rlen, const char *key,
			size_t klen, const size_t *hid)
{
	size_t all = 0, tcp = 0;

	for (size_t i = 0; i < N_LISTS; i++) {
		all += hid[i];
		if (strncmp(net_lists[i].name, "tcp", 3) == 0)
			tcp += hid[i];
	}
	if (tok_is(row, rlen, "sockets:"))
		return tok_is(key, klen, "used") ? all : 0;
	if (tok_is(row, rlen, "TCP:") && tok_is(key, klen, "alloc"))
		return tcp;	/* TCP6's sockets are TCP's allocations too */
	if (!tok_is(key, klen, "inuse"))
		return 0;
	for (size_t i = 0; i < N_LISTS; i++)
		if (net_lists[i].row != NULL &&
		    tok_is(row, rlen, net_lists[i].row))
			return hid[i];
	return 0;
}

/* The blank-separated token at *p (moved past it) in [*p, end). */
static size_t next_tok(const char **p, const char *end, const char **tok)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	*tok = *p;
	while (*p < end && **p != ' ' && **p != '\t' && **p != '\n')
		(*p)++;
	return (size_t)(*p - *tok);
}

/* One sockstat row ("TCP: inuse 1 orphan 0 ..."), its figures less the
 * hidden sockets, appended to out. */
static void sockstat_row(const char *p, const char *end, const size_t *hid,
			 struct vbuf *out)
{
	const char *row, *key, *val;
	size_t rlen = next_tok(&p, end, &row), klen, vlen;

	vbuf_put(out, row, rlen);
	while ((klen = next_tok(&p, end, &key)) > 0) {
		long long v;

		vlen = next_tok(&p, end, &val);
		vbuf_printf(out, " %.*s", (int)klen, key);
		if (vlen == 0)
			break;
		v = strtoll(val, NULL, 10) -
		    (long long)row_delta(row, rlen, key, klen, hid);
		vbuf_printf(out, " %lld", v > 0 ? v : 0);
	}
	vbuf_put(out, "\n", 1);
}

/* sockstat or sockstat6 of pid's namespace (in b), counted without the
 * sockets of hide found in its lists. */
static int sockstat_fix(pid_t pid, const struct inoset *hide, struct vbuf *b)
{
	struct vbuf out = { 0 };
	size_t hid[N_LISTS] = { 0 };
	const char *p = b->data, *end = b->data + b->len;

	for (size_t i = 0; i < N_LISTS; i++) {
		struct vbuf l = { 0 };
		char rel[32];

		snprintf(rel, sizeof(rel), "net/%s", net_lists[i].name);
		if (procfs_read_host(pid, rel, &l) == 0)
			hid[i] = hidden_lines(&l, net_lists[i].field, hide,
					      false);
		vbuf_free(&l);
	}
	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl != NULL ? nl + 1 : end;

		sockstat_row(p, nl != NULL ? nl : end, hid, &out);
		p = next;
	}
	if (out.err) {
		vbuf_free(&out);
		return out.err;
	}
	vbuf_free(b);
	*b = out;
	return 0;
}

int procfs_net_read(struct sc_call *c, pid_t pid, const char *rel,
		    struct vbuf *b)
{
	const struct net_list *list = NULL;
	struct inoset hide = { 0 };
	bool stat = strcmp(rel, "net/sockstat") == 0 ||
		    strcmp(rel, "net/sockstat6") == 0;
	int ret;

	for (size_t i = 0; i < N_LISTS && strncmp(rel, "net/", 4) == 0; i++)
		if (strcmp(rel + 4, net_lists[i].name) == 0)
			list = &net_lists[i];
	if (list == NULL && !stat)
		return procfs_read_host(pid, rel, b);
	own_sockets(c, &hide);
	ret = procfs_read_host(pid, rel, b);
	if (ret == 0) {
		hide_finish(c, &hide);
		if (list != NULL)
			(void)hidden_lines(b, list->field, &hide, true);
		else
			ret = sockstat_fix(pid, &hide, b);
	}
	free(hide.v);
	return ret;
}
