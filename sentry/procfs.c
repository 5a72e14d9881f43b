// SPDX-License-Identifier: Apache-2.0
/*
 * The virtual /proc: synthesised for the sandbox only (docs/architecture.md,
 * "The sandbox's own figures in /proc"). System-wide files show the sandbox
 * (uptime since it started, memory as its cgroup limits it, the CPUs it
 * may use), never the host's. /proc/<pid> is in sentry/procfs_pid.c.
 */
#include <cpuid.h>
#include <dirent.h>
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
#include "sentry/coredump.h"
#include "sentry/synth.h"
#include "sentry/synth_cgroup.h"

/* ---- the sandbox's processes ----------------------------------------------- */

struct find_arg {
	pid_t want, host;
};

static int find_visit(struct task *t, void *arg)
{
	struct find_arg *f = arg;

	if (t->tgid != f->want || !t->workload)
		return 0;
	f->host = t->host_tgid;
	return 1;
}

int procfs_host_pid(struct sc_call *c, pid_t pid, pid_t *host)
{
	struct find_arg f = { .want = pid };

	if (pid == c->t->tgid) {
		*host = c->t->host_tgid;
		return 0;
	}
	/* find_visit returns 0 or 1 (found): the answer is in f. */
	(void)task_for_each(c->t->sentry, find_visit, &f);
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

	if (!t->workload)
		return 0;
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

int procfs_pids(struct sc_call *c, pid_t *pids, size_t max)
{
	struct list_arg l = { .pids = pids, .max = max };

	if (max == 0)
		return 0;
	pids[l.n++] = c->t->tgid;
	/* list_visit always returns 0: the pids are in l. */
	(void)task_for_each(c->t->sentry, list_visit, &l);
	qsort(pids, l.n, sizeof(*pids), cmp_pid);
	return (int)l.n;
}

/* ---- system-wide files ---------------------------------------------------- */

/* Seconds and hundredths, cut rather than rounded as the kernel prints
 * them: rounding up could show an uptime before a process's start. */
static void put_centis(struct vbuf *b, uint64_t ns, const char *end)
{
	uint64_t cs = ns / 10000000ull;

	vbuf_printf(b, "%llu.%02llu%s", (unsigned long long)(cs / 100),
		    (unsigned long long)(cs % 100), end);
}

static int gen_uptime(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	uint64_t up = cv_now_ns() - vtree_boot_ns();

	(void)c;
	(void)n;
	put_centis(b, up, " ");
	put_centis(b, up * (uint64_t)vtree_ncpus(), "\n");
	return 0;
}

static int gen_loadavg(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	pid_t pids[1024];
	int np = procfs_pids(c, pids, ARRAY_SIZE(pids));
	int total, running = vcg_running_tasks(c, &total);
	double l[3];

	(void)n;
	if (np < 1)
		np = 1;
	vcg_loadavg(running, l);
	vbuf_printf(b, "%.2f %.2f %.2f %d/%d %d\n", l[0], l[1], l[2], running,
		    total, pids[np - 1]);
	return 0;
}

/*
 * The keys of the host kernel's /proc/meminfo, in its order, read before
 * confinement: the sandbox's shows the same keys (programs parse by key,
 * some expect them all), each with the sandbox's figure where it has one
 * (sentry/synth_cgroup.c) and 0 where it keeps none. Only the architecture's
 * constants (VmallocTotal, Hugepagesize) are the kernel's own.
 */
#define MEMINFO_KEYS 96
static struct {
	char key[24];
	bool kb;
	unsigned long long host;	/* kept for the constants only */
} meminfo_host[MEMINFO_KEYS];
static size_t n_meminfo_host;

static void meminfo_init(void)
{
	cleanup_close int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	static char text[8192];
	ssize_t n = 0, r;

	if (fd < 0)
		return;
	while (n < (ssize_t)sizeof(text) - 1 &&
	       (r = read(fd, text + n, sizeof(text) - 1 - n)) > 0)
		n += r;
	text[n] = '\0';
	for (char *l = text; *l && n_meminfo_host < MEMINFO_KEYS; ) {
		char *nl = strchrnul(l, '\n'), *colon = strchr(l, ':');

		if (colon != NULL && colon < nl &&
		    (size_t)(colon - l) < sizeof(meminfo_host[0].key)) {
			size_t i = n_meminfo_host++;

			memcpy(meminfo_host[i].key, l, (size_t)(colon - l));
			meminfo_host[i].kb = nl - l > 3 &&
					     strncmp(nl - 3, " kB", 3) == 0;
			meminfo_host[i].host = strtoull(colon + 1, NULL, 10);
		}
		l = *nl ? nl + 1 : nl;
	}
}

/* The sandbox's figure for a meminfo key, in bytes (pages for the
 * HugePages_ counts); false if it has none (then 0 is shown). */
static bool meminfo_value(const char *key, const struct vcg_mem *m,
			  uint64_t avail, unsigned long long host,
			  unsigned long long *v)
{
	uint64_t anon = m->usage > m->cache ? m->usage - m->cache : 0;
	const struct {
		const char *key;
		uint64_t v;
	} map[] = {
		{ "MemTotal", m->total }, { "MemFree", m->free },
		{ "MemAvailable", avail }, { "Cached", m->cache },
		{ "Active", anon }, { "Inactive", m->cache },
		{ "Active(anon)", anon }, { "Inactive(file)", m->cache },
		{ "AnonPages", anon }, { "SwapTotal", m->swap_total },
		{ "SwapFree", m->swap_free }, { "Shmem", m->shmem },
		{ "CommitLimit", m->total / 2 + m->swap_total },
		{ "Committed_AS", m->usage },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (strcmp(key, map[i].key) == 0) {
			*v = map[i].v;
			return true;
		}
	}
	if (strcmp(key, "VmallocTotal") == 0 ||
	    strcmp(key, "Hugepagesize") == 0) {
		*v = host * 1024;
		return true;
	}
	return false;
}

/* The cgroup's memory as LXCFS shows it: the limit is the total, what the
 * cgroup uses is not free, its page cache counts as available. */
static int gen_meminfo(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	static const char *const fallback[] = {
		"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached",
		"SwapCached", "Active", "Inactive", "SwapTotal", "SwapFree",
		"Dirty", "Shmem",
	};
	struct vcg_mem m;
	uint64_t avail;
	size_t nkeys = n_meminfo_host ? n_meminfo_host : ARRAY_SIZE(fallback);

	(void)c;
	(void)n;
	/* Fails only if sysinfo(2) does (a bad pointer): m is zeroed. */
	(void)vcg_memory(&m);
	avail = m.free + m.cache - (m.shmem < m.cache ? m.shmem : m.cache);
	if (avail > m.total)
		avail = m.total;
	for (size_t i = 0; i < nkeys; i++) {
		const char *key = n_meminfo_host ? meminfo_host[i].key
						 : fallback[i];
		bool kb = n_meminfo_host ? meminfo_host[i].kb : true;
		unsigned long long v = 0;
		char label[32];

		meminfo_value(key, &m, avail,
			      n_meminfo_host ? meminfo_host[i].host : 0, &v);
		snprintf(label, sizeof(label), "%.24s:", key);
		if (kb)
			vbuf_printf(b, "%-16s%8llu kB\n", label, v / 1024);
		else
			vbuf_printf(b, "%-16s%8llu\n", label, v);
	}
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

/*
 * The first processor's block of the host's /proc/cpuinfo, read before
 * confinement: the description of the CPU the sandbox runs on (model,
 * flags, bugs, cache and address sizes: what cpuid shows the workload
 * anyway), in the kernel's order. The topology lines are the sandbox's.
 */
static char cpu_block[16384];

static void cpuinfo_init(void)
{
	cleanup_close int fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);
	ssize_t r, n = 0;
	char *end;

	if (fd < 0)
		return;
	while (n < (ssize_t)sizeof(cpu_block) - 1 &&
	       (r = read(fd, cpu_block + n, sizeof(cpu_block) - 1 - n)) > 0)
		n += r;
	cpu_block[n] = '\0';
	end = strstr(cpu_block, "\n\n");
	if (end == NULL || strncmp(cpu_block, "processor", 9) != 0)
		cpu_block[0] = '\0';
	else
		end[1] = '\0';
}

/* The value of a line of the block for CPU i of cpus, if it is one the
 * sandbox's topology decides (its key in key); NULL to keep the host's. */
static const char *cpu_topology(const char *key, int i, int cpus,
				char *buf, size_t len)
{
	if (strcmp(key, "processor") == 0 || strcmp(key, "core id") == 0 ||
	    strcmp(key, "apicid") == 0 || strcmp(key, "initial apicid") == 0)
		snprintf(buf, len, "%d", i);
	else if (strcmp(key, "physical id") == 0)
		snprintf(buf, len, "0");
	else if (strcmp(key, "siblings") == 0 ||
		 strcmp(key, "cpu cores") == 0)
		snprintf(buf, len, "%d", cpus);
	else
		return NULL;
	return buf;
}

static void cpuinfo_from_host(struct vbuf *b, int cpus)
{
	for (int i = 0; i < cpus; i++) {
		for (const char *l = cpu_block; *l; ) {
			const char *nl = strchrnul(l, '\n');
			const char *colon = memchr(l, ':', (size_t)(nl - l));
			char key[64], val[32];
			size_t k;

			if (colon == NULL) {
				l = *nl ? nl + 1 : nl;
				continue;
			}
			k = (size_t)(colon - l);
			while (k > 0 && (l[k - 1] == '\t' || l[k - 1] == ' '))
				k--;
			snprintf(key, sizeof(key), "%.*s", (int)k, l);
			if (cpu_topology(key, i, cpus, val, sizeof(val)))
				vbuf_printf(b, "%.*s: %s\n",
					    (int)(colon - l), l, val);
			else
				vbuf_put(b, l, (size_t)(nl - l) + 1);
			l = *nl ? nl + 1 : nl;
		}
		vbuf_printf(b, "\n");
	}
}

static int gen_cpuinfo(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	char brand[64], vendor[16];
	int cpus = vtree_ncpus();

	(void)c;
	(void)n;
	if (cpu_block[0] != '\0') {
		cpuinfo_from_host(b, cpus);
		return 0;
	}
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

/* CPU time in USER_HZ ticks: the cgroup's user and system time (per CPU
 * on v1; spread evenly on v2, which has no per-CPU figures), the rest of
 * the sandbox's uptime on each CPU as idle. */
static int gen_stat(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	const uint64_t tick_ns = 10000000;	/* USER_HZ = 100 */
	pid_t pids[1024];
	int np = procfs_pids(c, pids, ARRAY_SIZE(pids));
	int ncpu = vtree_ncpus() < VCG_MAX_CPUS ? vtree_ncpus() : VCG_MAX_CPUS;
	uint64_t up_ns = cv_now_ns() - vtree_boot_ns(), idle = 0;
	uint64_t user[VCG_MAX_CPUS], sys[VCG_MAX_CPUS];
	static struct vcg_cpu cpu;	/* 4 KiB: not on the stack */
	struct timespec now;

	(void)n;
	clock_gettime(CLOCK_REALTIME, &now);
	/* -ENOENT without CPU accounting: cpu is zeroed, as the times
	 * shown have always been then (the sandbox has no other source). */
	(void)vcg_cpu(&cpu, ncpu);
	for (int i = 0; i < ncpu; i++) {
		user[i] = cpu.has_percpu ? cpu.percpu_user[i] :
					   cpu.user_ns / ncpu;
		sys[i] = cpu.has_percpu ? cpu.percpu_sys[i] :
					  cpu.sys_ns / ncpu;
		if (up_ns > user[i] + sys[i])
			idle += up_ns - user[i] - sys[i];
	}
	vbuf_printf(b, "cpu  %llu 0 %llu %llu 0 0 0 0 0 0\n",
		    (unsigned long long)(cpu.user_ns / tick_ns),
		    (unsigned long long)(cpu.sys_ns / tick_ns),
		    (unsigned long long)(idle / tick_ns));
	for (int i = 0; i < ncpu; i++)
		vbuf_printf(b, "cpu%d %llu 0 %llu %llu 0 0 0 0 0 0\n", i,
			    (unsigned long long)(user[i] / tick_ns),
			    (unsigned long long)(sys[i] / tick_ns),
			    (unsigned long long)(up_ns > user[i] + sys[i] ?
				(up_ns - user[i] - sys[i]) / tick_ns : 0));
	vbuf_printf(b, "intr 0\nctxt 0\nbtime %lld\nprocesses %d\n"
		       "procs_running %d\nprocs_blocked 0\n",
		    (long long)now.tv_sec - (long long)(up_ns / 1000000000),
		    np > 0 ? np : 1, vcg_running_tasks(c, NULL));
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
		       "nodev\tcgroup\nnodev\tcgroup2\n"
		       "nodev\tdevpts\nnodev\tmqueue\n\text4\n\tbtrfs\n"
		       "\txfs\nnodev\toverlay\n");
	return 0;
}

/*
 * The controllers as a cgroup v2 kernel lists them: each on the unified
 * hierarchy (0) and enabled, whatever the host's layout, since the
 * sandbox shows its cgroup as a v2 mount (sentry/synth_cgroup.c); one
 * cgroup, the sandbox's own (its namespace's root, no children). The
 * JVM and other runtimes tell v1 from v2 by this file.
 */
static int gen_cgroups(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	static const char *const names[] = {
		"cpuset", "cpu", "cpuacct", "blkio", "memory", "devices",
		"freezer", "net_cls", "perf_event", "net_prio", "hugetlb",
		"pids", "rdma", "misc",
	};

	(void)c;
	(void)n;
	vbuf_printf(b, "#subsys_name\thierarchy\tnum_cgroups\tenabled\n");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		vbuf_printf(b, "%s\t0\t1\t1\n", names[i]);
	return 0;
}

/* The kernel's command line is the host's (its root device, its boot
 * options): the sandbox's names only the kernel release, as
 * /proc/version does. */
static int gen_cmdline(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	struct utsname u;

	(void)c;
	(void)n;
	uname(&u);
	vbuf_printf(b, "BOOT_IMAGE=/boot/vmlinuz-%s ro quiet\n", u.release);
	return 0;
}

/* No swap device and no block device is the sandbox's: the headers. */
static int gen_swaps(struct sc_call *c, const struct vnode *n,
		     struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\t"
		       "Priority\n");
	return 0;
}

static int gen_partitions(struct sc_call *c, const struct vnode *n,
			  struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "major minor  #blocks  name\n\n");
	return 0;
}

/* No block device: no line (vmstat -d, iostat read it). */
static int gen_diskstats(struct sc_call *c, const struct vnode *n,
			 struct vbuf *b)
{
	(void)c;
	(void)n;
	(void)b;
	return 0;
}

/* The kernel's slab caches are the host's business: the header alone,
 * as a kernel with none would print (vmstat -m, slabtop read it). */
static int gen_slabinfo(struct sc_call *c, const struct vnode *n,
			struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "slabinfo - version: 2.1\n"
		       "# name            <active_objs> <num_objs> <objsize> "
		       "<objperslab> <pagesperslab> : tunables <limit> "
		       "<batchcount> <sharedfactor> : slabdata <active_slabs> "
		       "<num_slabs> <sharedavail>\n");
	return 0;
}

/* The sandbox's memory in pages, as vmstat(8) and free read them; the
 * event counters the sandbox does not keep are 0. */
static int gen_vmstat(struct sc_call *c, const struct vnode *n,
		      struct vbuf *b)
{
	static const char *const zero[] = {
		"pgpgin", "pgpgout", "pswpin", "pswpout", "pgfault",
		"pgmajfault", "pgfree", NULL,
	};
	long page = sysconf(_SC_PAGESIZE);
	struct vcg_mem m;

	(void)c;
	(void)n;
	/* Fails only if sysinfo(2) does (a bad pointer): m is zeroed. */
	(void)vcg_memory(&m);
	vbuf_printf(b, "nr_free_pages %llu\nnr_inactive_file %llu\n"
		       "nr_active_anon %llu\nnr_file_pages %llu\n"
		       "nr_shmem %llu\n",
		    (unsigned long long)(m.free / page),
		    (unsigned long long)(m.cache / page),
		    (unsigned long long)((m.usage - m.cache) / page),
		    (unsigned long long)(m.cache / page),
		    (unsigned long long)(m.shmem / page));
	for (int i = 0; zero[i]; i++)
		vbuf_printf(b, "%s 0\n", zero[i]);
	return 0;
}

/* The tty drivers the sandbox has (its /dev/tty, console and devpts). */
static int gen_tty_drivers(struct sc_call *c, const struct vnode *n,
			   struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "/dev/tty             /dev/tty        5       0 "
		       "system:/dev/tty\n"
		       "/dev/console         /dev/console    5       1 "
		       "system:console\n"
		       "/dev/ptmx            /dev/ptmx       5       2 "
		       "system\n"
		       "pty_slave            /dev/pts      136 0-1048575 "
		       "pty:slave\n"
		       "pty_master           /dev/ptm      128 0-1048575 "
		       "pty:master\n");
	return 0;
}

static const struct vtree_entry proc_tty[] = {
	{ .name = "drivers", .type = VN_FILE, .gen = gen_tty_drivers },
	{ 0 },
};

/* ---- /proc/sys: the namespaced sysctls ------------------------------------- */

/*
 * The sandbox shares the container's network and ipc namespaces, and a
 * sysctl file shows the namespace of whoever opens it: through a /proc/sys
 * opened before confinement, the sentry reads the container's own values
 * (linux.sysctl, set by the init, included). Only the namespaced ones are
 * shown: net/, the ipc ones in kernel/ and fs/mqueue/; the host-wide
 * ones stay the sandbox's fixed answers.
 */
static int sysctl_fd = -1;

void procfs_sysctl_init(void)
{
	if (cpu_block[0] == '\0')
		cpuinfo_init();
	if (n_meminfo_host == 0)
		meminfo_init();
	if (sysctl_fd < 0)
		sysctl_fd = open("/proc/sys", O_RDONLY | O_DIRECTORY |
						  O_CLOEXEC);
}

/* The path below /proc/sys/ of a node, or NULL. */
static const char *sysctl_rel(const struct vnode *n)
{
	if (strncmp(n->path, "/proc/sys/", 10) != 0 || n->path[10] == '\0')
		return NULL;
	return n->path + 10;
}

static int gen_sysctl(struct sc_call *c, const struct vnode *n,
		      struct vbuf *b)
{
	const char *rel = sysctl_rel(n);
	cleanup_close int fd = -1;
	char chunk[4096];
	ssize_t r;

	(void)c;
	if (rel == NULL || sysctl_fd < 0)
		return -ENOENT;
	fd = openat(sysctl_fd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		vbuf_put(b, chunk, (size_t)r);
	return r < 0 ? -errno : b->err;
}

static int sysctl_lookup(struct sc_call *c, const struct vnode *dir,
			 const char *name, struct vnode *out);
static int sysctl_list(struct sc_call *c, const struct vnode *dir,
		       struct vtree_dirlist *l);

static const struct vtree_entry sysctl_dir = {
	.name = "", .type = VN_DIR, .lookup = sysctl_lookup,
	.list = sysctl_list,
};
static const struct vtree_entry sysctl_files[] = {
	{ .name = "", .type = VN_FILE, .perm = 0644, .gen = gen_sysctl },
	{ .name = "", .type = VN_FILE, .perm = 0444, .gen = gen_sysctl },
	{ .name = "", .type = VN_FILE, .perm = 0200, .gen = gen_sysctl },
};

static const struct vtree_entry *sysctl_entry(mode_t mode)
{
	if (S_ISDIR(mode))
		return &sysctl_dir;
	if (!S_ISREG(mode))
		return NULL;
	if ((mode & 0777) == 0444)
		return &sysctl_files[1];
	if ((mode & 0777) == 0200)
		return &sysctl_files[2];
	return &sysctl_files[0];
}

static int sysctl_lookup(struct sc_call *c, const struct vnode *dir,
			 const char *name, struct vnode *out)
{
	const char *rel = sysctl_rel(out);
	struct stat st;

	(void)c;
	(void)dir;
	if (rel == NULL || sysctl_fd < 0)
		return -ENOENT;
	if (fstatat(sysctl_fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	out->ent = sysctl_entry(st.st_mode);
	(void)name;
	return out->ent != NULL ? 0 : -ENOENT;
}

static int sysctl_list(struct sc_call *c, const struct vnode *dir,
		       struct vtree_dirlist *l)
{
	const char *rel = sysctl_rel(dir);
	int fd;

	(void)c;
	if (rel == NULL || sysctl_fd < 0)
		return 0;
	fd = openat(sysctl_fd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return vtree_dirlist_add_host(l, fd, 0);
}

#define SYSCTL_FILE(nm) { .name = nm, .type = VN_FILE, .perm = 0644, \
			  .gen = gen_sysctl }

/* ---- /proc/sys -------------------------------------------------------------- */

static int gen_hostname(struct sc_call *c, const struct vnode *n,
			struct vbuf *b)
{
	const char *h = sentry_hostname(c->t->sentry);

	(void)n;
	if (h == NULL || *h == '\0')
		h = vtree_cfg()->hostname;
	vbuf_printf(b, "%s\n", h ? h : "localhost");
	return 0;
}

/* The uts namespace's domain name, as uname shows it ("(none)" unset). */
static int gen_domainname(struct sc_call *c, const struct vnode *n,
			  struct vbuf *b)
{
	(void)n;
	vbuf_printf(b, "%s\n", sentry_domainname(c->t->sentry));
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
/* Linux's defaults, where the host's value is the host's business */
GEN_CONST(gen_core_pattern, CV_CORE_PATTERN "\n")	/* sentry/coredump.c */
GEN_CONST(gen_pipe_max_size, "1048576\n")
GEN_CONST(gen_max_map_count, "65530\n")
GEN_CONST(gen_poolsize, "256\n")
GEN_CONST(gen_entropy_avail, "256\n")

/* The kernel's default for the memory it has (its free RAM at boot / 128
 * KiB): for a sandbox whose memory is limited, the limit / 128 KiB. */
static int gen_threads_max(struct sc_call *c, const struct vnode *n,
			   struct vbuf *b)
{
	struct vcg_mem m;

	(void)c;
	if (vcg_memory(&m) < 0 || !m.limited)
		return gen_sysctl(c, n, b);	/* the kernel's, for its RAM */
	vbuf_printf(b, "%llu\n", (unsigned long long)(m.total / 131072));
	return 0;
}

/* A fresh random UUID from the kernel (its kernel/random/uuid, through the
 * /proc/sys opened before confinement: the confined sentry has no
 * getrandom). Nothing of the host's is in it. */
static int random_uuid(char out[40])
{
	cleanup_close int fd = -1;
	ssize_t r;

	if (sysctl_fd < 0)
		return -ENOENT;
	fd = openat(sysctl_fd, "kernel/random/uuid", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, out, 39);
	if (r != 37)
		return r < 0 ? -errno : -EIO;
	out[r] = '\0';
	return 0;
}

/* A new random UUID on each read, as Linux's. */
static int gen_uuid(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	char u[40];
	int ret = random_uuid(u);

	(void)c;
	(void)n;
	if (ret == 0)
		vbuf_printf(b, "%s", u);
	return ret;
}

/* The sandbox's boot: one random UUID for its life, never the host's. */
static int gen_boot_id(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	static char id[40];

	(void)c;
	(void)n;
	if (id[0] == '\0' && random_uuid(id) < 0)
		return -EIO;
	vbuf_printf(b, "%s", id);
	return 0;
}

static const struct vtree_entry sys_kernel_random[] = {
	{ .name = "boot_id", .type = VN_FILE, .gen = gen_boot_id },
	{ .name = "entropy_avail", .type = VN_FILE, .gen = gen_entropy_avail },
	{ .name = "poolsize", .type = VN_FILE, .gen = gen_poolsize },
	{ .name = "uuid", .type = VN_FILE, .gen = gen_uuid },
	{ 0 },
};

static int gen_cap_last_cap(struct sc_call *c, const struct vnode *n,
			    struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "%d\n", CAP_LAST_CAP);
	return 0;
}

static const struct vtree_entry sys_kernel[] = {
	{ .name = "hostname", .type = VN_FILE, .perm = 0644,
	  .gen = gen_hostname },
	{ .name = "domainname", .type = VN_FILE, .perm = 0644,
	  .gen = gen_domainname },
	{ .name = "osrelease", .type = VN_FILE, .gen = gen_osrelease },
	{ .name = "ostype", .type = VN_FILE, .gen = gen_ostype },
	{ .name = "pid_max", .type = VN_FILE, .perm = 0644,
	  .gen = gen_pid_max },
	{ .name = "ngroups_max", .type = VN_FILE, .gen = gen_ngroups_max },
	{ .name = "cap_last_cap", .type = VN_FILE, .gen = gen_cap_last_cap },
	{ .name = "core_pattern", .type = VN_FILE, .perm = 0644,
	  .gen = gen_core_pattern },
	{ .name = "random", .type = VN_DIR, .children = sys_kernel_random },
	{ .name = "tainted", .type = VN_FILE, .perm = 0644, .gen = gen_zero },
	{ .name = "threads-max", .type = VN_FILE, .perm = 0644,
	  .gen = gen_threads_max },
	/* the ipc namespace's */
	SYSCTL_FILE("msgmax"), SYSCTL_FILE("msgmnb"), SYSCTL_FILE("msgmni"),
	SYSCTL_FILE("sem"), SYSCTL_FILE("shm_rmid_forced"),
	SYSCTL_FILE("shmall"), SYSCTL_FILE("shmmax"), SYSCTL_FILE("shmmni"),
	{ 0 },
};

static const struct vtree_entry sys_vm[] = {
	{ .name = "max_map_count", .type = VN_FILE, .perm = 0644,
	  .gen = gen_max_map_count },
	{ .name = "overcommit_memory", .type = VN_FILE, .perm = 0644,
	  .gen = gen_zero },
	{ 0 },
};

static const struct vtree_entry sys_fs[] = {
	{ .name = "file-max", .type = VN_FILE, .perm = 0644,
	  .gen = gen_file_max },
	{ .name = "nr_open", .type = VN_FILE, .perm = 0644,
	  .gen = gen_nr_open },
	{ .name = "pipe-max-size", .type = VN_FILE, .perm = 0644,
	  .gen = gen_pipe_max_size },
	/* limits of the user namespace (no host files or counts) */
	{ .name = "inotify", .type = VN_DIR, .lookup = sysctl_lookup,
	  .list = sysctl_list },
	{ .name = "mqueue", .type = VN_DIR, .lookup = sysctl_lookup,
	  .list = sysctl_list },
	{ 0 },
};

static const struct vtree_entry proc_sys[] = {
	{ .name = "fs", .type = VN_DIR, .children = sys_fs },
	{ .name = "kernel", .type = VN_DIR, .children = sys_kernel },
	{ .name = "net", .type = VN_DIR, .lookup = sysctl_lookup,
	  .list = sysctl_list },
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
	return vtree_link_target(target, buf, len);
}

static int link_thread_self(struct sc_call *c, const struct vnode *n,
			    char *buf, size_t len)
{
	char target[32];

	(void)n;
	snprintf(target, sizeof(target), "%d/task/%d", c->t->tgid, c->t->tid);
	return vtree_link_target(target, buf, len);
}

static int link_mounts(struct sc_call *c, const struct vnode *n, char *buf,
		       size_t len)
{
	(void)c;
	(void)n;
	return vtree_link_target("self/mounts", buf, len);
}

/*
 * Whether sandbox pid is a zombie thread group leader (exited, not yet
 * waited for by its parent): the sentry, its tracer, has seen its exit
 * and forgotten the task, but Linux still shows /proc/<pid> (state Z) until
 * the parent reaps it. Read from the sandbox's procfs.
 */
static bool is_zombie(pid_t pid)
{
	struct vbuf st = { 0 };
	const char *p;
	bool z = false;

	if (procfs_read_host(pid, "stat", &st) == 0 && st.data != NULL &&
	    (p = strrchr(st.data, ')')) != NULL)
		z = p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	vbuf_free(&st);
	return z;
}

/*
 * Listings already open (ordered snapshots, synth_mirror.c) lose a thread
 * at its exit, a process once reaped: Linux lists a zombie until then.
 * The sentry sees no reap (the kernel's wait), so a process whose
 * leader's task was freed is checked then and at each task's birth, and
 * forgotten once the sandbox's procfs no longer has it.
 */
static pid_t *exited;
static size_t nexited, capexited;

static void forget_pid(const char *dir, pid_t id)
{
	char name[16];

	snprintf(name, sizeof(name), "%d", (int)id);
	vmirror_snap_forget(dir, name);
}

/* Whether the sandbox's procfs still has /proc/<pid>: a process alive
 * (a task freed at a multithreaded exec, the process going on) or a
 * zombie. */
static bool pid_listed(pid_t pid)
{
	int pfd = vtree_host_proc_fd();
	char name[16];
	struct stat st;

	snprintf(name, sizeof(name), "%d", (int)pid);
	return pfd >= 0 && fstatat(pfd, name, &st, 0) == 0;
}

static void reap_check(void)
{
	size_t kept = 0;

	for (size_t i = 0; i < nexited; i++) {
		if (pid_listed(exited[i]))
			exited[kept++] = exited[i];
		else
			forget_pid("/proc", exited[i]);
	}
	nexited = kept;
}

void vtree_task_gone(pid_t tgid, pid_t tid)
{
	char dir[48];

	if (!vtree_ready())
		return;	/* no listing was made yet */
	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)tgid);
	forget_pid(dir, tid);
	if (tid == tgid && nexited == capexited) {
		size_t cap = capexited ? capexited * 2 : 16;
		pid_t *v = realloc(exited, cap * sizeof(*v));

		/* no room: forgotten now, a zombie or not */
		if (v == NULL) {
			forget_pid("/proc", tgid);
			tid = 0;
		} else {
			exited = v;
			capexited = cap;
		}
	}
	/* the others are checked at the next birth: a sandbox whose
	 * processes all end at once is not walked once per exit */
	if (tid == tgid && pid_listed(tgid))
		exited[nexited++] = tgid;
	else if (tid == tgid)
		forget_pid("/proc", tgid);
}

void vtree_task_born(void)
{
	if (nexited > 0 && vtree_ready())
		reap_check();
}

static int proc_lookup(struct sc_call *c, const struct vnode *dir,
		       const char *name, struct vnode *out)
{
	int pid = vtree_parse_num(name);
	pid_t host = 0;
	int ret;

	(void)dir;
	if (pid <= 0)
		return -ENOENT;
	ret = procfs_host_pid(c, pid, &host);
	if (ret < 0 && procfs_foreign_visible(c, pid)) {
		/* another sandbox's process of a shared pid namespace */
		out->ent = &procfs_foreign_entry;
		out->pid = pid;
		out->host_pid = 0;
		return 0;
	}
	if (ret < 0 && !is_zombie(pid))
		return -ENOENT;
	out->ent = &procfs_pid_entry;
	out->pid = pid;
	out->host_pid = host;	/* 0 for a zombie: no task */
	return 0;
}

/* Adds the zombies of the sandbox's procfs that l (its pids from index
 * first on) lacks: 0 (none if that procfs cannot be read), or -ENOMEM. */
static int list_zombies(struct vtree_dirlist *l, size_t first)
{
	int pfd = vtree_host_proc_fd(), fd, ret = 0;
	struct dirent *e;
	DIR *d;

	if (pfd < 0 || (fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY |
						   O_CLOEXEC)) < 0)
		return 0;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return 0;
	}
	while (ret == 0 && (e = readdir(d)) != NULL) {
		int pid = vtree_parse_num(e->d_name);
		bool have = false;

		if (pid <= 0)
			continue;
		for (size_t i = first, end = l->n; i < end && !have; i++)
			have = strcmp(l->v[i].name, e->d_name) == 0;
		if (!have && is_zombie(pid))
			ret = vtree_dirlist_add(l, e->d_name, VN_DIR);
	}
	closedir(d);
	return ret;
}

static int proc_list(struct sc_call *c, const struct vnode *dir,
		     struct vtree_dirlist *l)
{
	pid_t pids[1024];
	int n = procfs_pids(c, pids, ARRAY_SIZE(pids));
	size_t first = l->n;
	char name[16];

	int ret = 0;

	(void)dir;
	if (n < 0)
		return n;
	for (int i = 0; i < n && ret == 0; i++) {
		snprintf(name, sizeof(name), "%d", pids[i]);
		ret = vtree_dirlist_add(l, name, VN_DIR);
	}
	if (ret == 0)
		ret = procfs_foreign_list(c, l, first);
	return ret < 0 ? ret : list_zombies(l, first);
}

static int link_net(struct sc_call *c, const struct vnode *n, char *buf,
		    size_t len)
{
	(void)c;
	(void)n;
	return vtree_link_target("self/net", buf, len);
}

static const struct vtree_entry proc_children[] = {
	{ .name = "cgroups", .type = VN_FILE, .gen = gen_cgroups },
	{ .name = "cmdline", .type = VN_FILE, .gen = gen_cmdline },
	{ .name = "cpuinfo", .type = VN_FILE, .gen = gen_cpuinfo },
	{ .name = "diskstats", .type = VN_FILE, .gen = gen_diskstats },
	{ .name = "filesystems", .type = VN_FILE, .gen = gen_filesystems },
	{ .name = "loadavg", .type = VN_FILE, .gen = gen_loadavg },
	{ .name = "locks", .type = VN_FILE, .gen = procfs_gen_locks },
	{ .name = "meminfo", .type = VN_FILE, .gen = gen_meminfo },
	{ .name = "mounts", .type = VN_LINK, .link = link_mounts },
	{ .name = "net", .type = VN_LINK, .link = link_net },
	{ .name = "partitions", .type = VN_FILE, .gen = gen_partitions },
	{ .name = "self", .type = VN_LINK, .link = link_self },
	{ .name = "slabinfo", .type = VN_FILE, .perm = 0400,
	  .gen = gen_slabinfo },
	{ .name = "stat", .type = VN_FILE, .gen = gen_stat },
	{ .name = "swaps", .type = VN_FILE, .gen = gen_swaps },
	{ .name = "sys", .type = VN_DIR, .children = proc_sys },
	{ .name = "thread-self", .type = VN_LINK, .link = link_thread_self },
	{ .name = "tty", .type = VN_DIR, .children = proc_tty },
	{ .name = "uptime", .type = VN_FILE, .gen = gen_uptime },
	{ .name = "version", .type = VN_FILE, .gen = gen_version },
	{ .name = "vmstat", .type = VN_FILE, .gen = gen_vmstat },
	{ 0 },
};

/* Where Linux lists name in /proc: its proc_dir_entry tree (by length,
 * then bytes), then self and thread-self, then the pids ascending. */
static int proc_rank(const char *name)
{
	if (vtree_parse_num(name) >= 0)
		return 3;
	if (strcmp(name, "self") == 0)
		return 1;
	return strcmp(name, "thread-self") == 0 ? 2 : 0;
}

static int proc_order(const void *a, const void *b)
{
	const char *x = ((const struct vtree_dirent *)a)->name;
	const char *y = ((const struct vtree_dirent *)b)->name;
	int rx = proc_rank(x), ry = proc_rank(y);
	size_t lx = strlen(x), ly = strlen(y);

	if (rx != ry)
		return rx - ry;
	if (rx == 3)
		return vtree_order_num(a, b);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

const struct vtree_entry vtree_proc_entry = {
	.name = "proc", .type = VN_DIR, .children = proc_children,
	.lookup = proc_lookup, .list = proc_list, .order = proc_order,
};
