// SPDX-License-Identifier: Apache-2.0
/*
 * /proc and /sys as a program sees them (issue 14): run in a runc
 * container and in a cvisor one with the same config, one line per case,
 * "name result", then "done 0"; tests/conformance/proc_files.sh compares.
 * A case prints what must agree with Linux: errnos, formats, the set of
 * keys a file has, values that are the container's own (namespaced
 * sysctls, its sockets, its processes), never a value that differs by
 * design (the host's CPU model, memory, uptime).
 *
 *   proc_conform          every case
 *   proc_conform --sleep  sleeps (the child a case execs)
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static char buf[1 << 20];

/* Reads a whole file into buf: its length, or -errno. */
static long slurp(const char *path)
{
	long n = 0, r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (n < (long)sizeof(buf) - 1 &&
	       (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	r = r < 0 ? -errno : n;
	close(fd);
	buf[n] = '\0';
	return r;
}

/* The file's content (first line, at most 80 chars) or its errno. */
static void value(const char *name, const char *path)
{
	long n = slurp(path);

	if (n < 0) {
		case_out(name, "%s", ename((int)-n));
		return;
	}
	buf[strcspn(buf, "\n")] = '\0';
	buf[80] = '\0';
	for (char *q = buf; *q; q++)
		if (*q == '\t')
			*q = ' ';
	case_out(name, "'%s'", buf);
}

/* One line, a number (decimal or hex with hex set): "num", else what. */
static void numeric(const char *name, const char *path, int hex)
{
	long n = slurp(path);
	char *end;

	if (n < 0) {
		case_out(name, "%s", ename((int)-n));
		return;
	}
	strtoll(buf, &end, hex ? 16 : 10);
	case_out(name, "%s", end != buf && strcmp(end, "\n") == 0 ? "num"
							     : "not-a-number");
}

/* The keys ("Name:" before the colon) of the lines of buf from p to the
 * first line that has none (stop_blank 1: or is empty; 2: or whose key
 * has a blank, as the next smaps header), comma-separated into out. */
static void keys(const char *p, char *out, size_t len, int stop_blank)
{
	size_t o = 0;

	out[0] = '\0';
	while (*p) {
		const char *nl = strchrnul(p, '\n'), *colon = memchr(p, ':', nl - p);
		size_t k;

		if (colon == NULL || (stop_blank && nl == p))
			break;
		k = (size_t)(colon - p);
		while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t'))
			k--;
		if (stop_blank == 2 && memchr(p, ' ', k) != NULL)
			break;	/* the next mapping's header line */
		if (o + k + 2 < len) {
			if (o)
				out[o++] = ',';
			memcpy(out + o, p, k);
			o += k;
			out[o] = '\0';
		}
		p = *nl ? nl + 1 : nl;
	}
}

/* ---- processes --------------------------------------------------------- */

/* A child's /proc/<pid>/stat right after fork, many times: how many
 * opens failed (Linux: none; the child is in /proc when fork returns). */
static void fork_stat(void)
{
	int fails = 0, first = 0;

	for (int i = 0; i < 100; i++) {
		char path[64], c;
		int p[2];
		pid_t pid;
		long n;

		if (pipe(p) < 0)
			break;
		pid = fork();
		if (pid == 0) {	/* alive until the parent has looked */
			close(p[1]);
			read(p[0], &c, 1);
			_exit(0);
		}
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		n = slurp(path);
		if (n < 0) {
			fails++;
			first = first ? first : (int)-n;
		}
		close(p[0]);
		close(p[1]);
		waitpid(pid, NULL, 0);
	}
	case_out("fork_child_stat_failures", "%d%s%s", fails, fails ? " " : "",
	    fails ? ename(first) : "");
}

/* Field k (1-based) of a stat line in buf. */
static const char *stat_field(int k, char *out, size_t len)
{
	const char *p = strrchr(buf, ')');

	out[0] = '\0';
	if (p == NULL)
		return out;
	p += 2;		/* field 3 */
	for (int i = 3; i < k && *p; i++)
		p = strchrnul(p, ' ') + (*strchrnul(p, ' ') ? 1 : 0);
	snprintf(out, len, "%.*s", (int)strcspn(p, " \n"), p);
	return out;
}

/* A child's stat (state, ppid), status (State:, PPid: == ours),
 * cmdline (length, equal to ours) in state tag. */
static void child_files(const char *tag, pid_t pid, const char *want_cmd,
			long want_len)
{
	char path[64], name[64], f3[16], f4[16];
	long n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	snprintf(name, sizeof(name), "%s_stat", tag);
	n = slurp(path);
	if (n < 0) {
		case_out(name, "%s", ename((int)-n));
	} else {
		stat_field(3, f3, sizeof(f3));
		stat_field(4, f4, sizeof(f4));
		case_out(name, "state=%s ppid_is_parent=%d fields=%d", f3,
		    atoi(f4) == getpid(), (int)(strlen(buf) > 0));
	}
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	snprintf(name, sizeof(name), "%s_status", tag);
	n = slurp(path);
	if (n < 0) {
		case_out(name, "%s", ename((int)-n));
	} else {
		char *st = strstr(buf, "\nState:\t"), *pp = strstr(buf, "\nPPid:\t");

		case_out(name, "state='%.*s' ppid_is_parent=%d", st ? (int)strcspn(st + 8, "\n") : 0,
		    st ? st + 8 : "", pp ? atoi(pp + 7) == getpid() : -1);
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	snprintf(name, sizeof(name), "%s_cmdline", tag);
	n = slurp(path);
	if (n < 0)
		case_out(name, "%s", ename((int)-n));
	else
		case_out(name, "len=%ld same=%d", n == want_len ? -1 : n,
		    n == want_len && memcmp(buf, want_cmd, (size_t)n) == 0);
}

static void children(const char *self)
{
	static char cmd[4096];
	long clen = slurp("/proc/self/cmdline");
	int p[2];
	pid_t pid;
	char c;

	memcpy(cmd, buf, clen > 0 ? (size_t)clen : 0);
	/* running: blocked reading a pipe */
	if (pipe(p) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	usleep(100000);
	child_files("running", pid, cmd, clen);
	/* zombie: exited, not reaped */
	close(p[1]);
	waitid(P_PID, pid, NULL, WEXITED | WNOWAIT);
	child_files("zombie", pid, "", 0);
	/* reaped */
	waitpid(pid, NULL, 0);
	child_files("reaped", pid, "", 0);
	/* an exec'd child: its own cmdline */
	pid = fork();
	if (pid == 0) {
		execl(self, self, "--sleep", (char *)NULL);
		_exit(127);
	}
	{
		char path[64];
		bool execd = false;
		long n = -ENOENT;

		/* up to 10 s for the exec (a loaded machine, ptrace) */
		snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
		for (int i = 0; i < 1000 && !execd; i++) {
			usleep(10000);
			n = slurp(path);
			execd = n > 8 &&
				strcmp(buf + strlen(buf) + 1, "--sleep") == 0;
		}
		case_out("execd_cmdline", "%s", n < 0 ? ename((int)-n)
			  : execd ? "argv ok" : "other");
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ---- memory views -------------------------------------------------------- */

static void smaps(void)
{
	static char k[4096];
	long n = slurp("/proc/self/smaps");
	char *p;

	if (n < 0) {
		case_out("smaps", "%s", ename((int)-n));
	} else {
		p = strchr(buf, '\n');
		keys(p ? p + 1 : buf, k, sizeof(k), 2);
		case_out("smaps_keys", "%s", k);
		case_out("smaps_has_vmflags", "%d", strstr(buf, "\nVmFlags:") != NULL);
	}
	n = slurp("/proc/self/smaps_rollup");
	if (n < 0) {
		case_out("smaps_rollup", "%s", ename((int)-n));
	} else {
		p = strchr(buf, '\n');
		keys(p ? p + 1 : buf, k, sizeof(k), 2);
		case_out("smaps_rollup_keys", "%s", k);
		case_out("smaps_rollup_header", "%d", strstr(buf, "[rollup]") != NULL);
	}
}

/* pagemap as an unprivileged reader sees it: present, no frame number. */
static void pagemap(void)
{
	static volatile char page[4096] __attribute__((aligned(4096)));
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0) {
		case_out("pagemap", "%s", ename(errno));
		return;
	}
	page[0] = 1;
	r = pread(fd, &e, 8, (off_t)((uintptr_t)page / 4096 * 8));
	if (r != 8) {
		case_out("pagemap", "read %zd %s", r, ename(errno));
	} else {
		case_out("pagemap_present", "%d", (int)(e >> 63));
		case_out("pagemap_pfn_hidden", "%d", (e & ((1ULL << 55) - 1)) == 0);
	}
	r = pread(fd, &e, 4, 0);
	case_out("pagemap_short_read", "%s", r < 0 ? ename(errno) : "ok");
	close(fd);
}

/* ---- sysctls -------------------------------------------------------------- */

static void sysctls(void)
{
	static const char *const same[] = {
		"kernel/pid_max", "kernel/msgmni", "kernel/msgmax",
		"kernel/msgmnb", "kernel/sem", "kernel/shmmax",
		"kernel/shmmni", "kernel/shmall", "fs/pipe-max-size",
		"kernel/ostype", "kernel/ngroups_max", "kernel/cap_last_cap",
		"vm/overcommit_memory", "fs/nr_open",
		"net/core/somaxconn", "net/ipv4/ip_local_port_range",
		"net/ipv4/tcp_syncookies", "net/ipv6/conf/all/disable_ipv6",
		"net/ipv4/ip_forward", "net/ipv4/tcp_keepalive_time",
		"net/unix/max_dgram_qlen", "fs/mqueue/msg_max",
		"kernel/threads-max", "vm/max_map_count",
		"kernel/random/poolsize", "fs/inotify/max_user_watches",
		"fs/inotify/max_user_instances", NULL,
	};
	char name[128], path[128];

	for (int i = 0; same[i]; i++) {
		snprintf(name, sizeof(name), "sysctl_%s", same[i]);
		snprintf(path, sizeof(path), "/proc/sys/%s", same[i]);
		for (char *q = name; *q; q++)
			if (*q == '/' || *q == '-')
				*q = '_';
		value(name, path);
	}
	numeric("sysctl_kernel_tainted", "/proc/sys/kernel/tainted", 0);
	value("sysctl_kernel_core_pattern_fmt", "/proc/sys/kernel/core_pattern");
	numeric("sysctl_kernel_random_entropy_avail",
		"/proc/sys/kernel/random/entropy_avail", 0);
	{
		long n = slurp("/proc/sys/kernel/random/uuid");

		case_out("sysctl_random_uuid", "%s", n < 0 ? ename((int)-n) :
		    n == 37 && buf[8] == '-' && buf[14] == '4' ? "uuid4" : buf);
		n = slurp("/proc/sys/kernel/random/boot_id");
		case_out("sysctl_random_boot_id", "%s", n < 0 ? ename((int)-n) :
		    n == 37 && buf[8] == '-' ? "uuid" : buf);
	}
}

/* ---- system-wide files ------------------------------------------------------ */

static void cpuinfo(void)
{
	static char k[4096];
	long n = slurp("/proc/cpuinfo");
	int fd;

	if (n < 0) {
		case_out("cpuinfo", "%s", ename((int)-n));
	} else {
		keys(buf, k, sizeof(k), 1);
		case_out("cpuinfo_keys", "%s", k);
		int procs = 0;
		for (char *p = buf; (p = strstr(p, "processor\t")); p++)
			procs++;
		case_out("cpuinfo_processors_match_online", "%d",
		    procs == sysconf(_SC_NPROCESSORS_ONLN));
	}
	fd = open("/proc/cpuinfo", O_WRONLY | O_CLOEXEC);
	case_out("cpuinfo_open_wronly", "%s", fd < 0 ? ename(errno) : "ok");
	if (fd >= 0)
		close(fd);
	fd = open("/proc/cpuinfo", O_RDWR | O_CLOEXEC);
	case_out("cpuinfo_open_rdwr", "%s", fd < 0 ? ename(errno) : "ok");
	if (fd >= 0)
		close(fd);
}

static void filesystems(void)
{
	static const char *const want[] = {
		"nodev\tproc", "nodev\tsysfs", "nodev\ttmpfs", "nodev\tdevpts",
		"nodev\tmqueue", "nodev\tcgroup2", "nodev\toverlay", NULL,
	};
	long n = slurp("/proc/filesystems");

	if (n < 0) {
		case_out("filesystems", "%s", ename((int)-n));
		return;
	}
	for (int i = 0; want[i]; i++) {
		char name[64], line[64];

		snprintf(line, sizeof(line), "%s\n", want[i]);
		snprintf(name, sizeof(name), "filesystems_%s",
			 strchr(want[i], '\t') + 1);
		case_out(name, "%d", strstr(buf, line) != NULL);
	}
}

/*
 * /proc/cgroups (runtimes such as the JVM tell cgroup v1 from v2 by it):
 * its header, and the controllers the sandbox's cgroup has, each listed
 * and enabled. The hierarchy ids are the host's layout under runc (v1
 * or v2), the unified hierarchy's in the sandbox: not compared.
 */
static void proc_cgroups(void)
{
	static const char *const want[] = { "cpu", "memory", "pids", NULL };
	value("cgroups_header", "/proc/cgroups");
	if (slurp("/proc/cgroups") < 0)
		return;
	for (int i = 0; want[i]; i++) {
		char name[64], line[64], *at;
		unsigned h, nr, on = 0;

		snprintf(line, sizeof(line), "\n%s\t", want[i]);
		snprintf(name, sizeof(name), "cgroups_%s", want[i]);
		at = strstr(buf, line);
		if (at == NULL ||
		    sscanf(at + strlen(line), "%u %u %u", &h, &nr, &on) != 3)
			case_out(name, "missing");
		else
			case_out(name, "enabled %u", on);
	}
}

/* /proc/<pid>/{stack,syscall}: stack needs CAP_SYS_ADMIN over the
 * host (read: EACCES for everyone else); syscall the caller's own call
 * (read(2) while it reads: "0 0x<fd> ...") after a ptrace-attach check. */
static void stack_syscall(void)
{
	long n = slurp("/proc/self/stack");
	char want[32];

	case_out("self_stack", "%s", n < 0 ? ename((int)-n) : "read");
	n = slurp("/proc/self/syscall");
	if (n < 0) {
		case_out("self_syscall", "%s", ename((int)-n));
		return;
	}
	snprintf(want, sizeof(want), "0 0x");
	case_out("self_syscall", "%s", strncmp(buf, want, strlen(want)) == 0 ?
	    "read" : buf);
	n = slurp("/proc/1/syscall");
	case_out("init_syscall", "%s", n < 0 ? ename((int)-n) : "read");
}

static void cmdline(void)
{
	long n = slurp("/proc/cmdline");

	if (n < 0)
		case_out("proc_cmdline", "%s", ename((int)-n));
	else
		case_out("proc_cmdline", "lines=%d nonempty=%d",
		    (int)(strchr(buf, '\n') == buf + n - 1), n > 1);
}

/* ---- per-process knobs -------------------------------------------------------- */

static void write_file(const char *name, const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0) {
		case_out(name, "open %s", ename(errno));
		return;
	}
	r = write(fd, v, strlen(v));
	case_out(name, "%s", r < 0 ? ename(errno) : "ok");
	close(fd);
}

static void oom(void)
{
	numeric("oom_score", "/proc/self/oom_score", 0);
	value("oom_score_adj", "/proc/self/oom_score_adj");
	write_file("oom_score_adj_raise", "/proc/self/oom_score_adj", "500");
	value("oom_score_adj_after_raise", "/proc/self/oom_score_adj");
	write_file("oom_score_adj_lower", "/proc/self/oom_score_adj", "200");
	value("oom_score_adj_after_lower", "/proc/self/oom_score_adj");
	write_file("oom_score_adj_bad", "/proc/self/oom_score_adj", "5000");
	write_file("oom_score_adj_text", "/proc/self/oom_score_adj", "x");
	value("oom_adj", "/proc/self/oom_adj");
	value("coredump_filter", "/proc/self/coredump_filter");
	write_file("coredump_filter_write", "/proc/self/coredump_filter", "0x23");
	value("coredump_filter_after", "/proc/self/coredump_filter");
}

/* ---- sockets of the container's network namespace ------------------------------ */

static void net(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un u = { .sun_family = AF_UNIX };
	socklen_t al = sizeof(a);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	int d = socket(AF_INET, SOCK_DGRAM, 0);
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	char want[64];
	long n;

	bind(t, (struct sockaddr *)&a, sizeof(a));
	listen(t, 1);
	getsockname(t, (struct sockaddr *)&a, &al);
	snprintf(want, sizeof(want), "0100007F:%04X 00000000:0000 0A",
		 ntohs(a.sin_port));
	n = slurp("/proc/net/tcp");
	case_out("net_tcp_header", "%s", n < 0 ? ename((int)-n) :
	    strncmp(buf, "  sl  local_address rem_address   st", 36) == 0 ? "ok" : "other");
	case_out("net_tcp_listener", "%d", n > 0 && strstr(buf, want) != NULL);
	a.sin_port = 0;
	bind(d, (struct sockaddr *)&a, sizeof(a));
	al = sizeof(a);
	getsockname(d, (struct sockaddr *)&a, &al);
	snprintf(want, sizeof(want), "0100007F:%04X 00000000:0000 07",
		 ntohs(a.sin_port));
	n = slurp("/proc/net/udp");
	case_out("net_udp_socket", "%d", n > 0 && strstr(buf, want) != NULL);
	snprintf(u.sun_path + 1, sizeof(u.sun_path) - 1, "cvproc%d", getpid());
	bind(x, (struct sockaddr *)&u, sizeof(sa_family_t) + 1 +
					      strlen(u.sun_path + 1));
	listen(x, 1);
	n = slurp("/proc/net/unix");
	snprintf(want, sizeof(want), " @cvproc%d\n", getpid());
	case_out("net_unix_header", "%s", n < 0 ? ename((int)-n) :
	    strncmp(buf, "Num       RefCount Protocol Flags    Type St "
			 "Inode Path", 55) == 0 ? "ok" : "other");
	case_out("net_unix_socket", "%d", n > 0 && strstr(buf, want) != NULL);
	n = slurp("/proc/net/tcp6");
	case_out("net_tcp6", "%s", n < 0 ? ename((int)-n) : "ok");
	n = slurp("/proc/net/udp6");
	case_out("net_udp6", "%s", n < 0 ? ename((int)-n) : "ok");
	n = slurp("/proc/net/dev");
	case_out("net_dev_lo", "%s", n < 0 ? ename((int)-n) :
	    strstr(buf, "    lo:") ? "ok" : "no-lo");
	n = slurp("/proc/net/if_inet6");
	case_out("net_if_inet6", "%s", n < 0 ? ename((int)-n) : "ok");
	n = slurp("/proc/net/route");
	case_out("net_route", "%s", n < 0 ? ename((int)-n) : "ok");
	n = slurp("/proc/self/net/tcp");
	case_out("self_net_tcp", "%s", n < 0 ? ename((int)-n) : "ok");
	close(t);
	close(d);
	close(x);
}

/* ---- seeking ----------------------------------------------------------------- */

static void seek_put(const char *name, const char *what, off_t o)
{
	char nm[96];

	snprintf(nm, sizeof(nm), "%s_%s", name, what);
	if (o < 0)
		case_out(nm, "%s", ename(errno));
	else
		case_out(nm, "%lld", (long long)o);
}

/* SEEK_END (exact: a page for sysfs, 0 for sysctls, EINVAL for seq
 * files), SEEK_DATA, SEEK_HOLE, and a read after a seek past the end. */
static void seek_file(const char *name, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char nm[96], buf[64];
	ssize_t r;
	off_t o;

	if (fd < 0) {
		case_out(name, "open %s", ename(errno));
		return;
	}
	seek_put(name, "seek_end", lseek(fd, 0, SEEK_END));
	seek_put(name, "seek_end_plus", lseek(fd, 10, SEEK_END));
	seek_put(name, "seek_end_minus", lseek(fd, -1, SEEK_END));
	seek_put(name, "seek_data", lseek(fd, 0, SEEK_DATA));
	seek_put(name, "seek_hole", lseek(fd, 0, SEEK_HOLE));
	seek_put(name, "seek_bad_whence", lseek(fd, 0, 7));
	o = lseek(fd, 1 << 20, SEEK_SET);
	r = read(fd, buf, sizeof(buf));
	snprintf(nm, sizeof(nm), "%s_read_past_end", name);
	case_out(nm, "%s", o < 0 ? ename(errno) : r < 0 ? ename(errno) :
		       r == 0 ? "eof" : "data");
	seek_put(name, "seek_cur", lseek(fd, 0, SEEK_CUR));
	o = lseek(fd, 0, SEEK_SET);
	r = read(fd, buf, sizeof(buf));
	snprintf(nm, sizeof(nm), "%s_read_again", name);
	case_out(nm, "%s", o < 0 ? ename(errno) : r > 0 ? "data" : "none");
	close(fd);
}

/* A directory read to its end; its offset then, set again: no entries;
 * and lseek SEEK_END's answer. */
static void seek_dir(const char *name, const char *path)
{
	char d[8192], nm[96];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long r;
	off_t end, o;

	if (fd < 0) {
		case_out(name, "open %s", ename(errno));
		return;
	}
	while ((r = syscall(SYS_getdents64, fd, d, sizeof(d))) > 0)
		;
	end = lseek(fd, 0, SEEK_CUR);
	o = lseek(fd, 0, SEEK_SET);
	r = syscall(SYS_getdents64, fd, d, sizeof(d));
	snprintf(nm, sizeof(nm), "%s_reread", name);
	case_out(nm, "%s", o != 0 ? "seek-failed" : r > 0 ? "entries" : "none");
	o = lseek(fd, end, SEEK_SET);
	r = syscall(SYS_getdents64, fd, d, sizeof(d));
	snprintf(nm, sizeof(nm), "%s_at_end", name);
	case_out(nm, "%s", o < 0 ? ename(errno) : r == 0 ? "none" : r > 0 ? "entries" : ename(errno));
	o = lseek(fd, 0, SEEK_END);
	snprintf(nm, sizeof(nm), "%s_seek_end", name);
	case_out(nm, "%s", o < 0 ? ename(errno) : o == 0 ? "0" : "positive");
	close(fd);
}

static void seeking(void)
{
	seek_file("f_meminfo", "/proc/meminfo");
	seek_file("f_self_stat", "/proc/self/stat");
	seek_file("f_hostname", "/proc/sys/kernel/hostname");
	seek_file("f_cpu_online", "/sys/devices/system/cpu/online");
	seek_file("f_self_cmdline", "/proc/self/cmdline");
	seek_file("f_self_environ", "/proc/self/environ");
	seek_file("f_self_status", "/proc/self/status");
	seek_file("f_self_maps", "/proc/self/maps");
	seek_file("f_self_fdinfo", "/proc/self/fdinfo/0");
	seek_file("f_proc_cmdline", "/proc/cmdline");
	seek_file("f_uuid", "/proc/sys/kernel/random/uuid");
	seek_file("f_thp", "/sys/kernel/mm/transparent_hugepage/enabled");
	seek_dir("d_proc", "/proc");
	seek_dir("d_self", "/proc/self");
	seek_dir("d_self_fd", "/proc/self/fd");
	seek_dir("d_sys_kernel", "/proc/sys/kernel");
	seek_dir("d_sys", "/sys");
	seek_dir("d_sys_cpu", "/sys/devices/system/cpu");
}

/* ---- what runtimes and tools read ---------------------------------------------- */

static void exists(const char *name, const char *path)
{
	long n = slurp(path);

	case_out(name, "%s", n < 0 ? ename((int)-n) : n > 0 ? "nonempty" : "empty");
}

static void tools(void)
{
	static char k[4096];
	static const char *const files[] = {
		/* glibc */
		"/proc/self/maps", "/proc/sys/kernel/osrelease",
		"/sys/devices/system/cpu/online",
		"/sys/devices/system/cpu/possible", "/proc/self/auxv",
		/* procps: ps, top, free, uptime, vmstat */
		"/proc/uptime", "/proc/loadavg", "/proc/meminfo", "/proc/stat",
		"/proc/self/statm", "/proc/self/stat", "/proc/self/status",
		"/proc/self/environ", "/proc/self/wchan", "/proc/vmstat",
		"/proc/self/io", "/proc/self/schedstat", "/proc/self/limits",
		"/proc/self/cgroup", "/proc/self/loginuid",
		"/proc/self/sessionid", "/proc/tty/drivers", "/proc/swaps",
		/* util-linux: findmnt, lsns, lscpu, mount */
		"/proc/self/mountinfo", "/proc/self/mounts", "/proc/partitions",
		"/sys/devices/system/cpu/present",
		/* Python, Go, Node */
		"/proc/self/cmdline", "/proc/self/comm",
		"/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
		"/sys/kernel/mm/transparent_hugepage/enabled",
		"/proc/self/fdinfo/0", "/proc/self/task",
		"/proc/version", "/proc/sys/kernel/random/uuid", NULL,
	};
	char name[128];

	for (int i = 0; files[i]; i++) {
		snprintf(name, sizeof(name), "read%s", files[i]);
		for (char *q = name; *q; q++)
			if (*q == '/')
				*q = '_';
		exists(name, files[i]);
	}
	{
		static const char *const m[] = {
			"oom_score_adj", "oom_score", "oom_adj", "pagemap",
			"smaps", "smaps_rollup", "io", "auxv",
			"coredump_filter", "fdinfo", "fd", "net", "loginuid",
			"sessionid", "wchan", "schedstat", "maps", "environ",
			NULL,
		};
		char path[64];
		struct stat st;

		for (int i = 0; m[i]; i++) {
			snprintf(path, sizeof(path), "/proc/self/%s", m[i]);
			snprintf(name, sizeof(name), "mode_self_%s", m[i]);
			if (stat(path, &st) < 0)
				case_out(name, "%s", ename(errno));
			else
				case_out(name, "%o", (unsigned)st.st_mode);
		}
	}
	if (slurp("/proc/self/status") > 0) {
		keys(buf, k, sizeof(k), 0);
		case_out("self_status_keys", "%s", k);
	}
	if (slurp("/proc/self/statm") > 0) {
		int f = 0;
		for (char *p = buf; *p; p++)
			f += *p == ' ';
		case_out("self_statm_fields", "%d", f + 1);
	}
	if (slurp("/proc/self/stat") > 0) {
		int f = 0;
		for (char *p = strrchr(buf, ')'); *p; p++)
			f += *p == ' ';
		case_out("self_stat_fields", "%d", f + 2);
	}
	if (slurp("/proc/meminfo") > 0) {
		keys(buf, k, sizeof(k), 0);
		case_out("meminfo_keys", "%s", k);
	}
	if (slurp("/proc/self/fdinfo/0") > 0) {
		keys(buf, k, sizeof(k), 0);
		case_out("fdinfo_keys", "%s", k);
	}
	if (slurp("/proc/self/io") > 0) {
		keys(buf, k, sizeof(k), 0);
		case_out("io_keys", "%s", k);
	}
}

/* ---- a chrooted process through a /proc opened before its chroot ----------- */

static void readlink_at(const char *name, int dfd, const char *path)
{
	char t[4096];
	ssize_t r = readlinkat(dfd, path, t, sizeof(t) - 1);

	if (r < 0) {
		case_out(name, "%s", ename(errno));
		return;
	}
	t[r] = '\0';
	case_out(name, "'%s'", t);
}

/* Lines of dfd/path, and how many name jail (the chroot's host-side
 * path, which must not show). */
static void lines_at(const char *name, int dfd, const char *path)
{
	int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	long n = 0, r;
	int lines = 0, jail = 0;

	if (fd < 0) {
		case_out(name, "%s", ename(errno));
		return;
	}
	while (n < (long)sizeof(buf) - 1 &&
	       (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
	close(fd);
	for (char *l = buf; *l; ) {
		char *nl = strchrnul(l, '\n'), *j = strstr(l, "/pcjail");

		lines++;
		jail += j != NULL && j < nl;
		l = *nl ? nl + 1 : nl;
	}
	case_out(name, "lines=%d naming_jail=%d", lines, jail);
}

/* The path maps shows for the mapping of the file f (inode ino). */
static void maps_path_at(const char *name, int dfd, const char *path,
			 unsigned long ino)
{
	int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	char want[32];
	long n = 0, r;
	char *l;

	if (fd < 0) {
		case_out(name, "%s", ename(errno));
		return;
	}
	while (n < (long)sizeof(buf) - 1 &&
	       (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
	close(fd);
	snprintf(want, sizeof(want), " %lu ", ino);
	l = strstr(buf, want);
	if (l == NULL) {
		case_out(name, "no-mapping");
		return;
	}
	l += strlen(want);
	while (*l == ' ')
		l++;
	case_out(name, "'%.*s'", (int)strcspn(l, "\n"), l);
}

static void chrooted(void)
{
	int procfd, ffd, st;
	struct stat sb;
	pid_t pid;
	void *m;

	mkdir("/pcjail", 0755);
	mkdir("/pcjail/sub", 0755);
	ffd = open("/pcjail/f", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ffd < 0 || procfd < 0 || write(ffd, "x", 1) != 1 ||
	    fstat(ffd, &sb) < 0) {
		case_out("chroot_setup", "%s", ename(errno));
		return;
	}
	m = mmap(NULL, 1, PROT_READ, MAP_SHARED, ffd, 0);
	pid = fork();
	if (pid == 0) {
		if (chroot("/pcjail") < 0) {
			case_out("chroot", "%s", ename(errno));
			_exit(0);
		}
		chdir("/sub");
		case_out("chroot", "ok");
		{
			char p[32];

			snprintf(p, sizeof(p), "self/fd/%d", ffd);
			readlink_at("chroot_fd_link", procfd, p);
		}
		readlink_at("chroot_root_link", procfd, "self/root");
		readlink_at("chroot_cwd_link", procfd, "self/cwd");
		readlink_at("chroot_exe_link", procfd, "self/exe");
		maps_path_at("chroot_maps_path", procfd, "self/maps",
			     (unsigned long)sb.st_ino);
		maps_path_at("chroot_smaps_path", procfd, "self/smaps",
			     (unsigned long)sb.st_ino);
		lines_at("chroot_mounts", procfd, "self/mounts");
		lines_at("chroot_mountinfo", procfd, "self/mountinfo");
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	if (m != MAP_FAILED)
		munmap(m, 1);
	close(ffd);
	close(procfd);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--sleep") == 0) {
		sleep(30);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--chroot") == 0) {
		chrooted();	/* needs CAP_SYS_CHROOT */
		printf("done 0\n");
		return 0;
	}
	fork_stat();
	children(argv[0]);
	smaps();
	pagemap();
	sysctls();
	cpuinfo();
	filesystems();
	proc_cgroups();
	cmdline();
	stack_syscall();
	oom();
	net();
	seeking();
	tools();
	printf("done 0\n");
	return 0;
}
