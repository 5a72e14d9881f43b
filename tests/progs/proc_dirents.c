// SPDX-License-Identifier: Apache-2.0
/*
 * How /proc is listed (tests/conformance/proc_dirents.sh, issue 14): the
 * order of its entries (dot entries, the named ones, self and thread-self,
 * the pids ascending), getdents64 with a buffer of one entry, telldir and
 * seekdir, lseek to a saved offset while processes exit and are born, and
 * /proc/self/task's tids. Pids differ between runtimes, so what is printed
 * is about them (order, counts, which of this program's children), never
 * their values. One line per case, then "done 0".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

#define MAXN 512

struct names {
	char v[MAXN][32];
	int n;
};

static void add(struct names *l, const char *name)
{
	if (l->n < MAXN)
		snprintf(l->v[l->n++], sizeof(l->v[0]), "%.31s", name);
}

static bool is_num(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The rest of fd's entries with getdents64 in rounds of bufsz bytes:
 * 0, or the errno. */
static int read_rest(int fd, size_t bufsz, struct names *out)
{
	static char buf[65536];
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, bufsz)) > 0) {
		for (long i = 0; i < n;) {
			struct d64 *d = (struct d64 *)(buf + i);

			add(out, d->name);
			i += d->reclen;
		}
	}
	return n < 0 ? errno : 0;
}

static int list(const char *path, size_t bufsz, struct names *out)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY), ret;

	out->n = 0;
	if (fd < 0)
		return errno;
	ret = read_rest(fd, bufsz, out);
	close(fd);
	return ret;
}

static bool same(const struct names *a, const struct names *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

static int count(const struct names *l, const char *name)
{
	int k = 0;

	for (int i = 0; i < l->n; i++)
		k += strcmp(l->v[i], name) == 0;
	return k;
}

static int count_pid(const struct names *l, pid_t pid)
{
	char s[16];

	snprintf(s, sizeof(s), "%d", (int)pid);
	return count(l, s);
}

/* "yes" if the numeric names come after all others, ascending, each once. */
static const char *pids_ordered(const struct names *l)
{
	long last = -1;
	bool seen = false;

	for (int i = 0; i < l->n; i++) {
		if (!is_num(l->v[i])) {
			if (seen)
				return "named_after_pid";
			continue;
		}
		seen = true;
		if (atol(l->v[i]) <= last)
			return "not_ascending";
		last = atol(l->v[i]);
	}
	return seen ? "yes" : "no_pids";
}

/* Where self and thread-self are: "last_named" if they are the last two
 * named entries, in that order. */
static const char *self_place(const struct names *l)
{
	int s = -1, t = -1, last = -1;

	for (int i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], "self") == 0)
			s = i;
		else if (strcmp(l->v[i], "thread-self") == 0)
			t = i;
		if (!is_num(l->v[i]))
			last = i;
	}
	if (s < 0 || t < 0)
		return "missing";
	return t == s + 1 && t == last ? "last_named" : "elsewhere";
}

static pid_t child(void)
{
	pid_t p = fork();

	if (p == 0) {
		pause();
		_exit(0);
	}
	return p;
}

static void end(pid_t p)
{
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* The named entries both runtimes serve, in the order listed. */
static void case_order(void)
{
	static const char *const known[] = {
		"cmdline", "cpuinfo", "filesystems", "loadavg", "meminfo",
		"mounts", "net", "partitions", "self", "stat", "swaps",
		"sys", "thread-self", "tty", "uptime", "version", "vmstat",
	};
	struct names l;
	char line[1024] = "";
	int ret = list("/proc", 65536, &l);

	for (int i = 0; i < l.n; i++)
		for (size_t k = 0; k < sizeof(known) / sizeof(*known); k++)
			if (strcmp(l.v[i], known[k]) == 0) {
				strcat(line, " ");
				strcat(line, known[k]);
			}
	case_out("order", "%s%s", ename(ret), line);
	case_out("dots_first", "%s %s", l.n > 1 ? l.v[0] : "-",
		 l.n > 1 ? l.v[1] : "-");
	case_out("self_thread_self", "%s", self_place(&l));
	case_out("pids", "%s", pids_ordered(&l));
}

/* One entry per getdents64 (a 64-byte buffer), and a 40-byte one. */
static void case_small(void)
{
	struct names big, small, tiny;
	int r1 = list("/proc", 65536, &big), r2 = list("/proc", 64, &small);
	int r3 = list("/proc", 40, &tiny);

	case_out("small_buffer", "%s %s %s", ename(r1), ename(r2),
		 same(&big, &small) ? "same" : "differs");
	case_out("tiny_buffer", "%s %s", ename(r3),
		 same(&big, &tiny) ? "same" : "differs");
	case_out("too_small_buffer", "%s", ({
			 int fd = open("/proc", O_RDONLY | O_DIRECTORY);
			 char b[8];
			 long n = syscall(SYS_getdents64, fd, b, sizeof(b));
			 int e = n < 0 ? errno : 0;
			 close(fd);
			 ename(e);
		 }));
}

/*
 * telldir after this program's second child, then the first child exits:
 * the rest and the rest again after seekdir list the same, the third
 * child once, the first (gone) and the second (before the mark) not.
 */
static void case_seekdir(void)
{
	pid_t a = child(), b = child(), c = child();
	char bs[16];
	struct names rest1 = { .n = 0 }, rest2 = { .n = 0 };
	struct dirent *e;
	long mark = -1;
	DIR *d = opendir("/proc");

	snprintf(bs, sizeof(bs), "%d", (int)b);
	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, bs) == 0) {
			mark = telldir(d);
			break;
		}
	end(a);
	while (d != NULL && (e = readdir(d)) != NULL)
		add(&rest1, e->d_name);
	if (d != NULL && mark >= 0)
		seekdir(d, mark);
	while (d != NULL && (e = readdir(d)) != NULL)
		add(&rest2, e->d_name);
	case_out("seekdir", "mark %s again %s first %d second %d third %d",
		 mark >= 0 ? "found" : "missing",
		 same(&rest1, &rest2) ? "same" : "differs",
		 count_pid(&rest1, a), count_pid(&rest1, b),
		 count_pid(&rest1, c));
	if (d != NULL)
		closedir(d);
	end(b);
	end(c);
}

/*
 * lseek back to an offset getdents64 gave (the d_off of the last entry
 * read) while a process exits and another is born: what follows is listed
 * once, in order, and the children alive throughout are in it.
 */
static void case_lseek(void)
{
	pid_t a = child(), b = child(), c;
	static char buf[4096];
	struct names r1 = { .n = 0 }, r2 = { .n = 0 }, all = { .n = 0 };
	int fd = open("/proc", O_RDONLY | O_DIRECTORY);
	long long off = -1;
	long n;

	/* the named entries, up to thread-self: the pids follow its d_off */
	while (fd >= 0 && off < 0 &&
	       (n = syscall(SYS_getdents64, fd, buf, 64)) > 0) {
		for (long i = 0; i < n && off < 0;) {
			struct d64 *e = (struct d64 *)(buf + i);

			add(&all, e->name);
			if (strcmp(e->name, "thread-self") == 0)
				off = e->off;
			i += e->reclen;
		}
	}
	end(a);
	c = child();
	if (fd >= 0 && off >= 0 && lseek(fd, off, SEEK_SET) == off)
		read_rest(fd, 64, &r1);
	if (fd >= 0 && off >= 0 && lseek(fd, off, SEEK_SET) == off)
		read_rest(fd, sizeof(buf), &r2);
	case_out("lseek", "mark %s named %d again %s order %s alive %d %d "
		 "gone %d", off >= 0 ? "found" : "missing",
		 count(&r1, "self") + count(&r1, "cpuinfo"),
		 same(&r1, &r2) ? "same" : "differs", pids_ordered(&r1),
		 count_pid(&r1, getpid()), count_pid(&r1, b),
		 count_pid(&r1, a));
	if (fd >= 0)
		close(fd);
	end(b);
	end(c);
}

static void *idle(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

/* /proc/self/task: the tids ascending, the leader first. */
static void case_task(void)
{
	pthread_t t[3];
	struct names l;
	char me[16];
	int ret, k = 0;

	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, idle, NULL);
	ret = list("/proc/self/task", 64, &l);
	snprintf(me, sizeof(me), "%d", (int)getpid());
	for (int i = 0; i < l.n; i++)
		k += is_num(l.v[i]);
	case_out("task", "%s %s tids %d leader_first %s", ename(ret),
		 pids_ordered(&l), k,
		 l.n > 2 && strcmp(l.v[2], me) == 0 ? "yes" : "no");
}

/*
 * Many /proc fds (the sentry keeps a snapshot per open): 10 held while 200
 * more are opened and closed; each held one still lists what a new open
 * lists and still resolves paths under it, fchdir into it too.
 */
static void case_many(void)
{
	int held[10], bad_list = 0, bad_at = 0, errs = 0;
	struct names now, l;
	struct stat st;

	for (int i = 0; i < 10; i++)
		held[i] = open("/proc", O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 200; i++) {
		int fd = open("/proc", O_RDONLY | O_DIRECTORY);

		errs += fd < 0;
		if (fd >= 0)
			close(fd);
	}
	list("/proc", 65536, &now);
	for (int i = 0; i < 10; i++) {
		l.n = 0;
		errs += held[i] < 0;
		if (held[i] < 0)
			continue;
		lseek(held[i], 0, SEEK_SET);
		read_rest(held[i], 4096, &l);
		bad_list += !same(&now, &l);
		bad_at += fstatat(held[i], "self/stat", &st, 0) < 0;
	}
	case_out("many_fds", "open_errors %d lists_differ %d at_fails %d",
		 errs, bad_list, bad_at);
	errs = held[9] >= 0 ? fchdir(held[9]) : -1;
	case_out("fchdir", "%s self %s", ename(errs < 0 ? errno : 0),
		 ename(stat("self/status", &st) < 0 ? errno : 0));
	errs = chdir("/");
	for (int i = 0; i < 10; i++)
		if (held[i] >= 0)
			close(held[i]);
}

static void *exec_self(void *arg)
{
	char *const argv[] = { "proc_dirents", "--sleep", NULL };

	(void)arg;
	execv("/proc/self/exe", argv);
	_exit(127);
}

/* A process whose second thread execs (its leader's task ends, the process
 * goes on under the leader's pid): a /proc fd opened before still lists
 * it once the exec is done. */
static void case_mt_exec(void)
{
	struct names l = { .n = 0 };
	char path[64], cmd[256] = "";
	int fd, done = 0;
	pid_t p = fork();

	if (p == 0) {
		pthread_t t;

		pthread_create(&t, NULL, exec_self, NULL);
		pause();
		_exit(0);
	}
	usleep(100000);
	fd = open("/proc", O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)p);
	for (int i = 0; i < 100 && !done; i++) {
		int c = open(path, O_RDONLY);
		ssize_t n = c >= 0 ? read(c, cmd, sizeof(cmd) - 1) : -1;

		if (c >= 0)
			close(c);
		/* argv[1] after the NUL of argv[0] */
		done = n > 0 && memchr(cmd, '\0', (size_t)n) != NULL &&
		       strcmp(cmd + strlen(cmd) + 1, "--sleep") == 0;
		if (!done)
			usleep(20000);
	}
	if (fd >= 0) {
		read_rest(fd, 4096, &l);
		close(fd);
	}
	case_out("mt_exec", "exec %s listed %d", done ? "done" : "missing",
		 count_pid(&l, p));
	end(p);
}

int main(int argc, char **argv)
{
	pid_t a, b;

	if (argc > 1 && strcmp(argv[1], "--sleep") == 0) {
		pause();
		return 0;
	}
	a = child();
	b = child();

	case_order();
	case_small();
	end(a);
	end(b);
	case_seekdir();
	case_lseek();
	case_task();
	case_many();
	case_mt_exec();
	case_out("done", "0");
	return 0;
}
