// SPDX-License-Identifier: Apache-2.0
/*
 * The virtual /proc: synthesised for the sandbox only (DESIGN.md,
 * "Processes, exec and /proc"). System-wide files show the sandbox
 * (uptime since it started, memory as its cgroup limits it, the CPUs it
 * may use), never the host's. /proc/<pid> is in sentry/vfs_pid.c.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/vfs.h"

/* ---- the sandbox's processes ----------------------------------------------- */

struct find_arg {
	pid_t want, host;
};

static int find_visit(struct task *t, void *arg)
{
	struct find_arg *f = arg;

	if (t->tgid != f->want)
		return 0;
	f->host = t->host_tgid;
	return 1;
}

int vproc_host_pid(struct sc_call *c, pid_t pid, pid_t *host)
{
	struct find_arg f = { .want = pid };

	if (pid == c->t->tgid) {
		*host = c->t->host_tgid;
		return 0;
	}
	task_for_each(c->t->sentry, find_visit, &f);
	if (f.host <= 0)
		return -ESRCH;
	*host = f.host;
	return 0;
}

struct list_arg {
	pid_t *pids;
	size_t n, max;
};

static int list_visit(struct task *t, void *arg)
{
	struct list_arg *l = arg;

	for (size_t i = 0; i < l->n; i++)
		if (l->pids[i] == t->tgid)
			return 0;
	if (l->n < l->max)
		l->pids[l->n++] = t->tgid;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int vproc_pids(struct sc_call *c, pid_t *pids, size_t max)
{
	struct list_arg l = { .pids = pids, .max = max };

	if (max == 0)
		return 0;
	pids[l.n++] = c->t->tgid;
	task_for_each(c->t->sentry, list_visit, &l);
	qsort(pids, l.n, sizeof(*pids), cmp_pid);
	return (int)l.n;
}

/* ---- system-wide files ---------------------------------------------------- */

static double uptime_s(void)
{
	return (double)(cv_now_ns() - vfs_boot_ns()) / 1e9;
}

static int gen_uptime(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	double up = uptime_s();

	(void)c;
	(void)n;
	vbuf_printf(b, "%.2f %.2f\n", up, up * vfs_ncpus());
	return 0;
}

static int gen_loadavg(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	pid_t pids[1024];
	int np = vproc_pids(c, pids, ARRAY_SIZE(pids));

	(void)n;
	if (np < 1)
		np = 1;
	vbuf_printf(b, "0.00 0.00 0.00 1/%d %d\n", np, pids[np - 1]);
	return 0;
}

static int read_cgroup_u64(const char *file, uint64_t *v)
{
	int cg = vfs_cgroup_fd();
	cleanup_close int fd = -1;
	char buf[64];
	ssize_t n;

	if (cg < 0)
		return -ENOENT;
	fd = openat(cg, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return cv_parse_u64(buf, v);
}

static int gen_meminfo(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	uint64_t total, avail, limit = vfs_cfg()->memory_limit, usage;
	struct sysinfo si;

	(void)c;
	(void)n;
	if (sysinfo(&si) < 0)
		return -errno;
	total = (uint64_t)si.totalram * si.mem_unit;
	avail = (uint64_t)si.freeram * si.mem_unit;
	if (limit == 0 && read_cgroup_u64("memory.max", &limit) < 0)
		limit = 0;
	if (limit > 0 && limit < total) {
		total = limit;
		if (read_cgroup_u64("memory.current", &usage) == 0)
			avail = usage < total ? total - usage : 0;
		if (avail > total)
			avail = total;
	}
	total /= 1024;
	avail /= 1024;
	vbuf_printf(b, "MemTotal:       %8llu kB\n", (unsigned long long)total);
	vbuf_printf(b, "MemFree:        %8llu kB\n", (unsigned long long)avail);
	vbuf_printf(b, "MemAvailable:   %8llu kB\n", (unsigned long long)avail);
	vbuf_printf(b, "Buffers:        %8u kB\nCached:         %8u kB\n"
		       "SwapCached:     %8u kB\n", 0, 0, 0);
	vbuf_printf(b, "Active:         %8llu kB\n",
		    (unsigned long long)(total - avail));
	vbuf_printf(b, "Inactive:       %8u kB\n", 0);
	vbuf_printf(b, "SwapTotal:      %8u kB\nSwapFree:       %8u kB\n"
		       "Dirty:          %8u kB\nShmem:          %8u kB\n",
		    0, 0, 0, 0);
	return 0;
}

static void cpu_brand(char *brand, size_t len, char *vendor)
{
	unsigned r[12] = { 0 }, a, bx, cx, dx;

	snprintf(brand, len, "cvisor virtual CPU");
	strcpy(vendor, "unknown");
	if (__get_cpuid(0, &a, &bx, &cx, &dx)) {
		memcpy(vendor, &bx, 4);
		memcpy(vendor + 4, &dx, 4);
		memcpy(vendor + 8, &cx, 4);
		vendor[12] = '\0';
	}
	if (__get_cpuid_max(0x80000000, NULL) < 0x80000004)
		return;
	for (unsigned i = 0; i < 3; i++)
		__get_cpuid(0x80000002 + i, &r[i * 4], &r[i * 4 + 1],
			    &r[i * 4 + 2], &r[i * 4 + 3]);
	memcpy(brand, r, len < sizeof(r) ? len - 1 : sizeof(r));
	brand[len < sizeof(r) ? len - 1 : sizeof(r)] = '\0';
}

static void cpu_flags(struct vbuf *b)
{
	static const struct {
		const char *name;
		int on;
	} f[] = {
		{ "fpu", 1 },
		{ "sse", 1 },
		{ "sse2", 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		vbuf_printf(b, " %s", f[i].name);
	if (__builtin_cpu_supports("ssse3"))
		vbuf_printf(b, " ssse3");
	if (__builtin_cpu_supports("sse4.1"))
		vbuf_printf(b, " sse4_1");
	if (__builtin_cpu_supports("sse4.2"))
		vbuf_printf(b, " sse4_2");
	if (__builtin_cpu_supports("popcnt"))
		vbuf_printf(b, " popcnt");
	if (__builtin_cpu_supports("avx"))
		vbuf_printf(b, " avx");
	if (__builtin_cpu_supports("avx2"))
		vbuf_printf(b, " avx2");
	if (__builtin_cpu_supports("avx512f"))
		vbuf_printf(b, " avx512f");
	if (__builtin_cpu_supports("aes"))
		vbuf_printf(b, " aes");
}

static int gen_cpuinfo(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	char brand[64], vendor[16];
	int cpus = vfs_ncpus();

	(void)c;
	(void)n;
	__builtin_cpu_init();
	cpu_brand(brand, sizeof(brand), vendor);
	for (int i = 0; i < cpus; i++) {
		vbuf_printf(b, "processor\t: %d\nvendor_id\t: %s\n"
			       "model name\t: %s\nphysical id\t: 0\n"
			       "siblings\t: %d\ncore id\t\t: %d\n"
			       "cpu cores\t: %d\nflags\t\t:",
			    i, vendor, brand, cpus, i, cpus);
		cpu_flags(b);
		vbuf_printf(b, "\n\n");
	}
	return 0;
}

static int gen_stat(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	pid_t pids[1024];
	int np = vproc_pids(c, pids, ARRAY_SIZE(pids));
	struct timespec now;
	long long btime;

	(void)n;
	clock_gettime(CLOCK_REALTIME, &now);
	btime = (long long)now.tv_sec - (long long)uptime_s();
	vbuf_printf(b, "cpu  0 0 0 0 0 0 0 0 0 0\n");
	for (int i = 0; i < vfs_ncpus(); i++)
		vbuf_printf(b, "cpu%d 0 0 0 0 0 0 0 0 0 0\n", i);
	vbuf_printf(b, "intr 0\nctxt 0\nbtime %lld\nprocesses %d\n"
		       "procs_running 1\nprocs_blocked 0\n",
		    btime, np > 0 ? np : 1);
	return 0;
}

static int gen_version(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	struct utsname u;

	(void)c;
	(void)n;
	uname(&u);
	vbuf_printf(b, "Linux version %s (cvisor) #1 SMP\n", u.release);
	return 0;
}

static int gen_filesystems(struct sc_call *c, const struct vnode *n,
			   struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\n"
		       "nodev\tdevpts\nnodev\tmqueue\n\text4\n\tbtrfs\n"
		       "\txfs\nnodev\toverlay\n");
	return 0;
}

/* ---- /proc/sys -------------------------------------------------------------- */

static int gen_hostname(struct sc_call *c, const struct vnode *n,
			struct vbuf *b)
{
	const char *h = sentry_hostname(c->t->sentry);

	(void)n;
	if (h == NULL || *h == '\0')
		h = vfs_cfg()->hostname;
	vbuf_printf(b, "%s\n", h ? h : "localhost");
	return 0;
}

static int gen_osrelease(struct sc_call *c, const struct vnode *n,
			 struct vbuf *b)
{
	struct utsname u;

	(void)c;
	(void)n;
	uname(&u);
	vbuf_printf(b, "%s\n", u.release);
	return 0;
}

#define GEN_CONST(fn, text)                                                 \
	static int fn(struct sc_call *c, const struct vnode *n,             \
		      struct vbuf *b)                                       \
	{                                                                   \
		(void)c;                                                    \
		(void)n;                                                    \
		vbuf_printf(b, "%s", text);                                 \
		return 0;                                                   \
	}

GEN_CONST(gen_ostype, "Linux\n")
GEN_CONST(gen_pid_max, "4194304\n")
GEN_CONST(gen_ngroups_max, "65536\n")
GEN_CONST(gen_zero, "0\n")
GEN_CONST(gen_file_max, "9223372036854775807\n")
GEN_CONST(gen_nr_open, "1048576\n")

static int gen_cap_last_cap(struct sc_call *c, const struct vnode *n,
			    struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "%d\n", CAP_LAST_CAP);
	return 0;
}

static const struct vfs_entry sys_kernel[] = {
	{ .name = "hostname", .type = VN_FILE, .perm = 0644,
	  .gen = gen_hostname },
	{ .name = "osrelease", .type = VN_FILE, .gen = gen_osrelease },
	{ .name = "ostype", .type = VN_FILE, .gen = gen_ostype },
	{ .name = "pid_max", .type = VN_FILE, .perm = 0644,
	  .gen = gen_pid_max },
	{ .name = "ngroups_max", .type = VN_FILE, .gen = gen_ngroups_max },
	{ .name = "cap_last_cap", .type = VN_FILE, .gen = gen_cap_last_cap },
	{ 0 },
};

static const struct vfs_entry sys_vm[] = {
	{ .name = "overcommit_memory", .type = VN_FILE, .perm = 0644,
	  .gen = gen_zero },
	{ 0 },
};

static const struct vfs_entry sys_fs[] = {
	{ .name = "file-max", .type = VN_FILE, .perm = 0644,
	  .gen = gen_file_max },
	{ .name = "nr_open", .type = VN_FILE, .perm = 0644,
	  .gen = gen_nr_open },
	{ 0 },
};

static const struct vfs_entry proc_sys[] = {
	{ .name = "fs", .type = VN_DIR, .children = sys_fs },
	{ .name = "kernel", .type = VN_DIR, .children = sys_kernel },
	{ .name = "vm", .type = VN_DIR, .children = sys_vm },
	{ 0 },
};

/* ---- /proc ----------------------------------------------------------------- */

static int link_self(struct sc_call *c, const struct vnode *n, char *buf,
		     size_t len)
{
	char target[16];

	(void)n;
	snprintf(target, sizeof(target), "%d", c->t->tgid);
	return vfs_link_target(target, buf, len);
}

static int link_thread_self(struct sc_call *c, const struct vnode *n,
			    char *buf, size_t len)
{
	char target[32];

	(void)n;
	snprintf(target, sizeof(target), "%d/task/%d", c->t->tgid, c->t->tid);
	return vfs_link_target(target, buf, len);
}

static int link_mounts(struct sc_call *c, const struct vnode *n, char *buf,
		       size_t len)
{
	(void)c;
	(void)n;
	return vfs_link_target("self/mounts", buf, len);
}

static int proc_lookup(struct sc_call *c, const struct vnode *dir,
		       const char *name, struct vnode *out)
{
	int pid = vfs_parse_num(name);
	pid_t host;
	int ret;

	(void)dir;
	if (pid <= 0)
		return -ENOENT;
	ret = vproc_host_pid(c, pid, &host);
	if (ret < 0)
		return -ENOENT;
	out->ent = &vproc_pid_entry;
	out->pid = pid;
	out->host_pid = host;
	return 0;
}

static int proc_list(struct sc_call *c, const struct vnode *dir,
		     struct vfs_dirlist *l)
{
	pid_t pids[1024];
	int n = vproc_pids(c, pids, ARRAY_SIZE(pids));
	char name[16];

	(void)dir;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%d", pids[i]);
		vfs_dirlist_add(l, name, VN_DIR);
	}
	return n < 0 ? n : 0;
}

static const struct vfs_entry proc_children[] = {
	{ .name = "cpuinfo", .type = VN_FILE, .gen = gen_cpuinfo },
	{ .name = "filesystems", .type = VN_FILE, .gen = gen_filesystems },
	{ .name = "loadavg", .type = VN_FILE, .gen = gen_loadavg },
	{ .name = "meminfo", .type = VN_FILE, .gen = gen_meminfo },
	{ .name = "mounts", .type = VN_LINK, .link = link_mounts },
	{ .name = "self", .type = VN_LINK, .link = link_self },
	{ .name = "stat", .type = VN_FILE, .gen = gen_stat },
	{ .name = "sys", .type = VN_DIR, .children = proc_sys },
	{ .name = "thread-self", .type = VN_LINK, .link = link_thread_self },
	{ .name = "uptime", .type = VN_FILE, .gen = gen_uptime },
	{ .name = "version", .type = VN_FILE, .gen = gen_version },
	{ 0 },
};

const struct vfs_entry vfs_proc_entry = {
	.name = "proc", .type = VN_DIR, .children = proc_children,
	.lookup = proc_lookup, .list = proc_list,
};
