// SPDX-License-Identifier: Apache-2.0
/*
 * --strace: one gVisor-style line per syscall on the log fd:
 * I1123 12:00:00.000000  4242 strace.c] [ 7: 7] sh E openat(AT_FDCWD,
 *   "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3 (12.3µs)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sentry/internal.h"
#include "syscalls/table.h"

struct flagname {
	unsigned long v;
	const char *n;
};

static const struct flagname open_flags[] = {
	{ O_WRONLY, "O_WRONLY" }, { O_RDWR, "O_RDWR" },
	{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" },
	{ O_NOCTTY, "O_NOCTTY" }, { O_TRUNC, "O_TRUNC" },
	{ O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
	{ O_DSYNC, "O_DSYNC" }, { O_DIRECT, "O_DIRECT" },
	{ O_LARGEFILE, "O_LARGEFILE" }, { O_DIRECTORY, "O_DIRECTORY" },
	{ O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" },
	{ O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" },
	{ __O_TMPFILE, "O_TMPFILE" }, { 0, NULL },
};

static const struct flagname at_flags[] = {
	{ AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW" },
	{ AT_REMOVEDIR, "AT_REMOVEDIR" },
	{ AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW" },
	{ AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT" },
	{ AT_EMPTY_PATH, "AT_EMPTY_PATH" }, { 0, NULL },
};

static const struct flagname clone_flags[] = {
	{ CLONE_VM, "CLONE_VM" }, { CLONE_FS, "CLONE_FS" },
	{ CLONE_FILES, "CLONE_FILES" }, { CLONE_SIGHAND, "CLONE_SIGHAND" },
	{ CLONE_VFORK, "CLONE_VFORK" }, { CLONE_PARENT, "CLONE_PARENT" },
	{ CLONE_THREAD, "CLONE_THREAD" }, { CLONE_SYSVSEM, "CLONE_SYSVSEM" },
	{ CLONE_SETTLS, "CLONE_SETTLS" },
	{ CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID" },
	{ CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID" },
	{ CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID" }, { 0, NULL },
};

static int put_flags(char *b, size_t n, unsigned long v,
		     const struct flagname *t, const char *zero)
{
	int len = 0;

	if (v == 0)
		return snprintf(b, n, "%s", zero);
	for (; t->n && (size_t)len < n; t++) {
		if ((v & t->v) != t->v || t->v == 0)
			continue;
		len += snprintf(b + len, n - len, "%s%s", len ? "|" : "",
				t->n);
		v &= ~t->v;
	}
	if (v && (size_t)len < n)
		len += snprintf(b + len, n - len, "%s%#lx", len ? "|" : "", v);
	return len;
}

static int put_string(struct sc_call *c, char *b, size_t n, uint64_t addr)
{
	char s[128];
	int len = 0;
	long r;

	if (addr == 0)
		return snprintf(b, n, "NULL");
	r = task_read_path(c, addr, s, sizeof(s));
	if (r == -ENAMETOOLONG) {
		s[sizeof(s) - 1] = '\0';
		return snprintf(b, n, "\"%s\"...", s);
	}
	if (r == -ENOENT)
		return snprintf(b, n, "\"\"");
	if (r < 0)
		return snprintf(b, n, "%#llx", (unsigned long long)addr);
	len = snprintf(b, n, "\"");
	for (long i = 0; i < r && (size_t)len + 5 < n; i++) {
		unsigned char ch = s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			b[len++] = ch;
		else
			len += snprintf(b + len, n - len, "\\x%02x", ch);
	}
	return len + snprintf(b + len, n - len, "\"");
}

static int put_argv(struct sc_call *c, char *b, size_t n, uint64_t addr)
{
	int len = snprintf(b, n, "[");

	for (int i = 0; i < 8 && (size_t)len < n; i++) {
		uint64_t p;

		if (task_read(c, addr + 8 * i, &p, 8) < 0 || p == 0)
			break;
		len += snprintf(b + len, n - len, "%s", i ? ", " : "");
		if ((size_t)len < n)
			len += put_string(c, b + len, n - len, p);
	}
	return len + snprintf(b + len, n - len, "]");
}

static int put_arg(struct sc_call *c, char *b, size_t n, enum sc_argfmt f,
		   uint64_t v)
{
	switch (f) {
	case SC_A_INT:
		return snprintf(b, n, "%d", (int)v);
	case SC_A_UINT:
		return snprintf(b, n, "%llu", (unsigned long long)v);
	case SC_A_FD:
		if ((int)v == AT_FDCWD)
			return snprintf(b, n, "AT_FDCWD");
		return snprintf(b, n, "%d", (int)v);
	case SC_A_PATH:
	case SC_A_STR:
		return put_string(c, b, n, v);
	case SC_A_MODE:
		return snprintf(b, n, "%#llo", (unsigned long long)v);
	case SC_A_OPENFLAGS:
		if ((v & O_ACCMODE) == O_RDONLY && !(v & O_PATH)) {
			int l = snprintf(b, n, "O_RDONLY");

			if ((v & ~(unsigned long)O_ACCMODE) == 0 || (size_t)l >= n)
				return l;
			return l + snprintf(b + l, n - l, "|") +
			       put_flags(b + l + 1, n - l - 1, v, open_flags, "");
		}
		return put_flags(b, n, v, open_flags, "0");
	case SC_A_ATFLAGS:
		return put_flags(b, n, v, at_flags, "0");
	case SC_A_CLONEFLAGS:
		return put_flags(b, n, v & ~0xffull, clone_flags, "0");
	case SC_A_SIGNAL:
		if (v > 0 && v < 65 && sigabbrev_np(v))
			return snprintf(b, n, "SIG%s", sigabbrev_np(v));
		return snprintf(b, n, "%d", (int)v);
	case SC_A_ARGV:
		return put_argv(c, b, n, v);
	default:
		return snprintf(b, n, "%#llx", (unsigned long long)v);
	}
}

void strace_format_args(struct sc_call *c, char *buf, size_t len)
{
	const struct sc_entry *e = sc_lookup(c->nr);
	size_t off = 0;
	int n = e ? e->nargs : 6;

	buf[0] = '\0';
	for (int i = 0; i < n && i < 6 && off + 1 < len; i++) {
		enum sc_argfmt f = e ? e->args[i] : SC_A_HEX;

		if (i)
			off += snprintf(buf + off, len - off, ", ");
		if (off + 1 >= len)
			break;
		off += put_arg(c, buf + off, len - off, f, c->args[i]);
	}
	if (off >= len)
		memcpy(buf + len - 4, "...", 4);
}

static const char *comm(const struct task *t)
{
	const char *p;

	if (t->exe == NULL)
		return "?";
	p = strrchr(t->exe, '/');
	return p ? p + 1 : t->exe;
}

/* The kernel's restart codes, seen at a syscall-exit stop of a call a
 * signal interrupted (the call is restarted, or fails with EINTR). */
static const char *restart_name(long ret)
{
	switch (ret) {
	case -512:
		return "ERESTARTSYS";
	case -513:
		return "ERESTARTNOINTR";
	case -514:
		return "ERESTARTNOHAND";
	case -516:
		return "ERESTART_RESTARTBLOCK";
	}
	return NULL;
}

static void format_ret(char *b, size_t n, long ret)
{
	const char *name;

	if (restart_name(ret) != NULL) {
		snprintf(b, n, "? %s (interrupted, restarted or EINTR)",
			 restart_name(ret));
		return;
	}
	if (ret >= 0 || ret < -4095) {
		snprintf(b, n, "%ld", ret);
		return;
	}
	name = strerrorname_np(-ret);
	snprintf(b, n, "-1 %s (%s)", name ? name : "E?", strerror(-ret));
}

static void log_line(struct sentry *s, struct task *t, long nr, char disp,
		     const char *args, const char *res, uint64_t ns)
{
	const struct sc_entry *e = sc_lookup(nr);
	struct timeval tv;
	struct tm tm;
	char when[32];
	char line[1536];
	int fd = s->log_fd >= 0 ? s->log_fd : 2;
	int len;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%m%d %H:%M:%S", &tm);
	len = snprintf(line, sizeof(line),
		       "I%s.%06ld %7d strace.c] [%4d:%4d] %.15s %c %s(%s) = %s "
		       "(%.1fµs)\n",
		       when, (long)tv.tv_usec, (int)getpid(), t ? t->tid : 0,
		       t ? t->tgid : 0, t ? comm(t) : "?", disp,
		       e ? e->name : "unknown", args, res, ns / 1000.0);
	if (len > (int)sizeof(line))
		len = sizeof(line);
	if (write(fd, line, len) < 0)
		return;
}

void strace_log(struct sentry *s, struct task *t, long nr, char disp,
		const char *args, long ret, bool has_ret, uint64_t ns)
{
	char res[96] = "?";

	if (has_ret)
		format_ret(res, sizeof(res), ret);
	log_line(s, t, nr, disp, args, res, ns);
}

void strace_log_continued(struct sentry *s, struct task *t, long nr,
			  const char *args, uint64_t ns)
{
	log_line(s, t, nr, 'E', args, "? (run by the host)", ns);
}

void strace_pending(struct sentry *s, struct task *t, long nr,
		    const uint64_t args[6], long ret, bool has_ret,
		    uint64_t ns)
{
	/* Read at the exit stop: PASS calls take no path, and only their
	 * scalar and pointer arguments are shown. */
	struct plat_call pc = { .kind = s->platform, .at_stop = true };
	struct sc_call c = { .t = t, .nr = nr, .platform = &pc };
	char buf[1024];

	if (!s->strace)
		return;
	memcpy(c.args, args, sizeof(c.args));
	strace_format_args(&c, buf, sizeof(buf));
	strace_log(s, t, nr, 'P', buf, ret, has_ret, ns);
}
