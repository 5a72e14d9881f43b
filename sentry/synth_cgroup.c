/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sandbox's own resource figures, the way LXCFS shows them: memory from
 * the container cgroup (limit, usage, page cache, swap), CPU time from its
 * cpuacct (v1) or cpu.stat (v2), and a load average of the sandbox's tasks.
 * /proc/meminfo, /proc/stat, /proc/loadavg and sysinfo(2) are made from
 * these, never from the host's totals alone.
 *
 * The cgroup directories are found once, before the sentry confines itself,
 * from /proc/self/cgroup and /proc/self/mountinfo (the sandbox process was
 * placed in the container cgroup before it forked anything): on a v1 or
 * hybrid host the memory and cpuacct controllers' directories, on a pure v2
 * host the unified directory. Each figure is read when a file is opened, so
 * `runsc update` and the workload's own growth show at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/synth.h"
#include "sentry/synth_cgroup.h"

/*
 * The sentry keeps no cgroup directory (it holds no file system:
 * docs/architecture.md, invariant 4; tests/escape/inv_sentry_confined.sh),
 * only these files, opened read-only before it confines itself and read
 * with pread() at 0, which makes cgroupfs generate them afresh. mem_fd and
 * cpu_fd say which set is open (CG_MEM, CG_CPU) or -1.
 */
enum { CG_MEM, CG_CPU, CG_CTL, CG_PIDS };
static struct cg_file {
	int set;
	const char *name;
	int fd;
} cg_files[] = {
	{ CG_MEM, "memory.limit_in_bytes", -1 },
	{ CG_MEM, "memory.usage_in_bytes", -1 },
	{ CG_MEM, "memory.memsw.limit_in_bytes", -1 },
	{ CG_MEM, "memory.memsw.usage_in_bytes", -1 },
	{ CG_MEM, "memory.max", -1 },
	{ CG_MEM, "memory.current", -1 },
	{ CG_MEM, "memory.swap.max", -1 },
	{ CG_MEM, "memory.swap.current", -1 },
	{ CG_MEM, "memory.stat", -1 },
	{ CG_MEM, "memory.events", -1 },
	{ CG_MEM, "memory.failcnt", -1 },
	{ CG_MEM, "memory.oom_control", -1 },
	{ CG_CPU, "cpuacct.usage", -1 },
	{ CG_CPU, "cpuacct.usage_user", -1 },
	{ CG_CPU, "cpuacct.usage_sys", -1 },
	{ CG_CPU, "cpuacct.usage_percpu_user", -1 },
	{ CG_CPU, "cpuacct.usage_percpu_sys", -1 },
	{ CG_CPU, "cpu.stat", -1 },
	/* the cpu controller (v1 "cpu", apart from cpuacct on some hosts) */
	{ CG_CTL, "cpu.cfs_quota_us", -1 },
	{ CG_CTL, "cpu.cfs_period_us", -1 },
	{ CG_CTL, "cpu.shares", -1 },
	{ CG_CTL, "cpu.max", -1 },
	{ CG_CTL, "cpu.weight", -1 },
	{ CG_CTL, "cpu.stat", -1 },
	{ CG_PIDS, "pids.max", -1 },
	{ CG_PIDS, "pids.current", -1 },
};
static int mem_fd = -1, cpu_fd = -1, ctl_fd = -1, pids_fd = -1;
static bool mem_v1, cpu_v1, ctl_v1;

/* ---- finding the directories ---------------------------------------------- */

/* The mount point of the hierarchy: v1 with controller ctl among its super
 * options, or cgroup2 when ctl is NULL. Its root (field 4) goes to root. */
static int find_mount(const char *mountinfo, const char *ctl, char *mnt,
		      size_t mnt_len, char *root, size_t root_len)
{
	for (const char *line = mountinfo; line != NULL && *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[2048], r[PATH_MAX], m[PATH_MAX], fstype[32], opts[512];
		char *sep, *save = NULL;
		bool found = ctl == NULL;

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		line = end ? end + 1 : NULL;
		if (sscanf(buf, "%*s %*s %*s %4095s %4095s", r, m) != 2)
			continue;
		sep = strstr(buf, " - ");
		if (sep == NULL ||
		    sscanf(sep + 3, "%31s %*s %511s", fstype, opts) != 2)
			continue;
		if (strcmp(fstype, ctl == NULL ? "cgroup2" : "cgroup") != 0)
			continue;
		for (char *o = strtok_r(opts, ",", &save); o && !found;
		     o = strtok_r(NULL, ",", &save))
			found = strcmp(o, ctl) == 0;
		if (!found)
			continue;
		snprintf(mnt, mnt_len, "%s", m);
		snprintf(root, root_len, "%s", r);
		return 0;
	}
	return -ENOENT;
}

/* This process's path in the hierarchy: the v1 line naming ctl, or the
 * "0::" line when ctl is NULL. */
static int find_path(char *cgroup, const char *ctl, char *out, size_t len)
{
	char *save = NULL;

	for (char *l = strtok_r(cgroup, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		char *s2 = NULL;
		bool found = false;

		if (c2 == NULL)
			continue;
		*c2 = '\0';
		if (ctl == NULL)
			found = strcmp(l, "0:") == 0;	/* "0::/path" */
		else
			for (char *o = strtok_r(c1 + 1, ",", &s2); o && !found;
			     o = strtok_r(NULL, ",", &s2))
				found = strcmp(o, ctl) == 0;
		if (found) {
			snprintf(out, len, "%s", c2 + 1);
			return 0;
		}
	}
	return -ENOENT;
}

static int open_dir(const char *ctl)
{
	cleanup_free char *mi = NULL, *cg = NULL;
	char mnt[PATH_MAX], root[PATH_MAX], path[PATH_MAX], full[2 * PATH_MAX];
	const char *rel;
	size_t len, rl;

	if (cv_read_file("/proc/self/mountinfo", &mi, &len, NULL) < 0 ||
	    cv_read_file("/proc/self/cgroup", &cg, &len, NULL) < 0)
		return -1;
	if (find_mount(mi, ctl, mnt, sizeof(mnt), root, sizeof(root)) < 0 ||
	    find_path(cg, ctl, path, sizeof(path)) < 0)
		return -1;
	rl = strlen(root);
	rel = path;
	if (strcmp(root, "/") != 0 && strncmp(path, root, rl) == 0 &&
	    (path[rl] == '/' || path[rl] == '\0'))
		rel = path + rl;
	snprintf(full, sizeof(full), "%s/%s", mnt, rel);
	return open(full, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static bool has_file(int dir, const char *name)
{
	return dir >= 0 && faccessat(dir, name, R_OK, 0) == 0;
}

/* Opens the files of set that dir has; closes dir. The set's id, or -1. */
static int open_set(int dir, int set)
{
	int n = 0;

	if (dir < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(cg_files); i++) {
		if (cg_files[i].set != set || cg_files[i].fd >= 0)
			continue;
		cg_files[i].fd = openat(dir, cg_files[i].name,
					O_RDONLY | O_CLOEXEC);
		n += cg_files[i].fd >= 0;
	}
	close(dir);
	return n > 0 ? set : -1;
}

void vcg_init(void)
{
	int v2 = open_dir(NULL), mem = open_dir("memory");
	int cpu = open_dir("cpuacct"), ctl = open_dir("cpu");
	int pids = open_dir("pids");

	mem_v1 = has_file(mem, "memory.usage_in_bytes");
	cpu_v1 = has_file(cpu, "cpuacct.usage");
	ctl_v1 = has_file(ctl, "cpu.shares");
	if (!ctl_v1 && has_file(v2, "cpu.max")) {
		if (ctl >= 0)
			close(ctl);
		ctl = dup(v2);
	}
	if (!has_file(pids, "pids.current") && has_file(v2, "pids.current")) {
		if (pids >= 0)
			close(pids);
		pids = dup(v2);
	}
	if (!mem_v1 && has_file(v2, "memory.current")) {
		if (mem >= 0)
			close(mem);
		mem = dup(v2);
	}
	if (!cpu_v1 && has_file(v2, "cpu.stat")) {
		if (cpu >= 0)
			close(cpu);
		cpu = dup(v2);
	}
	mem_fd = open_set(mem, CG_MEM);
	cpu_fd = open_set(cpu, CG_CPU);
	ctl_fd = open_set(ctl, CG_CTL);
	pids_fd = open_set(pids, CG_PIDS);
	if (v2 >= 0)
		close(v2);
}

/* ---- reading them ---------------------------------------------------------- */

static int read_text(int set, const char *name, char *buf, size_t len)
{
	ssize_t n;

	for (size_t i = 0; i < ARRAY_SIZE(cg_files); i++) {
		if (cg_files[i].set != set || cg_files[i].fd < 0 ||
		    strcmp(cg_files[i].name, name) != 0)
			continue;
		n = pread(cg_files[i].fd, buf, len - 1, 0);
		if (n < 0)
			return -errno;
		buf[n] = '\0';
		return (int)n;
	}
	return -ENOENT;
}

/* A single number; "max" (v2) is UINT64_MAX. */
static int read_u64(int dir, const char *name, uint64_t *v)
{
	char buf[64];

	if (read_text(dir, name, buf, sizeof(buf)) < 0)
		return -ENOENT;
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, "max") == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	return cv_parse_u64(buf, v);
}

/* The same where *v's default (no limit, or 0) stands for a file absent
 * in this hierarchy or unreadable: the figure is optional. */
static void read_u64_or(int dir, const char *name, uint64_t *v)
{
	uint64_t got;

	if (read_u64(dir, name, &got) == 0)
		*v = got;
}

/* The value of "key N" in a flat keyed file (memory.stat, cpu.stat). */
static uint64_t keyed(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *l = text; l != NULL && *l; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (strncmp(l, key, kl) == 0 && l[kl] == ' ')
			return strtoull(l + kl + 1, NULL, 10);
	}
	return 0;
}

int vcg_memory(struct vcg_mem *m)
{
	uint64_t host_total, limit = UINT64_MAX, swlimit = UINT64_MAX;
	char stat[8192];
	struct sysinfo si;

	memset(m, 0, sizeof(*m));
	if (sysinfo(&si) < 0)
		return -errno;
	host_total = (uint64_t)si.totalram * si.mem_unit;
	m->total = host_total;
	m->free = (uint64_t)si.freeram * si.mem_unit;
	m->swap_total = (uint64_t)si.totalswap * si.mem_unit;
	m->swap_free = (uint64_t)si.freeswap * si.mem_unit;
	if (mem_fd < 0)
		return 0;
	if (mem_v1) {
		uint64_t memsw = UINT64_MAX, memsw_usage = 0;

		read_u64_or(mem_fd, "memory.limit_in_bytes", &limit);
		read_u64_or(mem_fd, "memory.usage_in_bytes", &m->usage);
		if (read_u64(mem_fd, "memory.memsw.limit_in_bytes", &memsw) == 0 &&
		    memsw != UINT64_MAX && limit != UINT64_MAX && memsw >= limit)
			swlimit = memsw - limit;
		if (read_u64(mem_fd, "memory.memsw.usage_in_bytes",
			     &memsw_usage) == 0 && memsw_usage > m->usage)
			m->swap_usage = memsw_usage - m->usage;
		if (read_text(mem_fd, "memory.stat", stat, sizeof(stat)) > 0) {
			m->cache = keyed(stat, "total_cache");
			m->shmem = keyed(stat, "total_shmem");
		}
	} else {
		read_u64_or(mem_fd, "memory.max", &limit);
		read_u64_or(mem_fd, "memory.current", &m->usage);
		read_u64_or(mem_fd, "memory.swap.max", &swlimit);
		read_u64_or(mem_fd, "memory.swap.current", &m->swap_usage);
		if (read_text(mem_fd, "memory.stat", stat, sizeof(stat)) > 0) {
			m->cache = keyed(stat, "file");
			m->shmem = keyed(stat, "shmem");
		}
	}
	/* v1 reports "no limit" as a huge page-rounded number. */
	if (limit < host_total) {
		m->limited = true;
		m->total = limit;
	}
	if (m->usage > m->total)
		m->usage = m->total;
	m->free = m->total - m->usage;
	if (m->cache > m->usage)
		m->cache = m->usage;
	if (m->limited && swlimit < m->swap_total)
		m->swap_total = swlimit;
	if (m->limited && swlimit == UINT64_MAX)
		m->swap_total = 0;	/* reported as on runc: none set */
	m->swap_free = m->swap_total > m->swap_usage ?
		       m->swap_total - m->swap_usage : 0;
	return 0;
}

int vcg_cpu(struct vcg_cpu *cpu, int ncpus)
{
	char text[8192];

	memset(cpu, 0, sizeof(*cpu));
	if (cpu_fd < 0)
		return -ENOENT;
	if (cpu_v1) {
		static const char *const files[2] = {
			"cpuacct.usage_percpu_user", "cpuacct.usage_percpu_sys"
		};

		read_u64_or(cpu_fd, "cpuacct.usage_user", &cpu->user_ns);
		read_u64_or(cpu_fd, "cpuacct.usage_sys", &cpu->sys_ns);
		for (int f = 0; f < 2; f++) {
			char *p = text, *end;

			if (read_text(cpu_fd, files[f], text, sizeof(text)) < 0)
				break;
			for (int i = 0; i < ncpus && i < VCG_MAX_CPUS; i++) {
				uint64_t v = strtoull(p, &end, 10);

				if (end == p)
					break;
				(f ? cpu->percpu_sys : cpu->percpu_user)[i] = v;
				p = end;
			}
		}
		cpu->has_percpu = true;
		return 0;
	}
	if (read_text(cpu_fd, "cpu.stat", text, sizeof(text)) < 0)
		return -ENOENT;
	cpu->user_ns = keyed(text, "user_usec") * 1000;
	cpu->sys_ns = keyed(text, "system_usec") * 1000;
	return 0;
}

/* ---- load average ------------------------------------------------------------ */

/*
 * Linux samples the number of runnable and uninterruptible tasks every 5 s
 * into three exponentially decaying averages. The sentry has no timer for
 * it: it samples when loadavg or sysinfo is read and decays over the
 * intervals elapsed since the last sample, counting the tasks as they are
 * now for the ones it did not see.
 */
static double load[3];
static uint64_t load_last_ns;

void vcg_loadavg(int running, double out[3])
{
	/* exp(-5 s / 1, 5 and 15 min), the kernel's EXP_1, EXP_5, EXP_15 */
	static const double decay[3] = { 0.920044415, 0.983471454,
					 0.994459848 };
	uint64_t now = cv_now_ns();
	uint64_t steps;

	if (load_last_ns == 0)
		load_last_ns = vtree_boot_ns();
	steps = (now - load_last_ns) / 5000000000ull;
	if (steps > 0) {
		/* After 2,000 steps (2.8 h) the past no longer shows. */
		for (uint64_t k = 0; k < steps && k < 2000; k++)
			for (int i = 0; i < 3; i++)
				load[i] = load[i] * decay[i] +
					  running * (1 - decay[i]);
		load_last_ns += steps * 5000000000ull;
	}
	memcpy(out, load, sizeof(load));
}

struct run_arg {
	int proc, n, total;
	pid_t self;
};

static int run_visit(struct task *t, void *arg)
{
	struct run_arg *r = arg;
	char path[64], buf[256], *p;
	cleanup_close int fd = -1;
	ssize_t n;

	if (!t->workload)
		return 0;
	r->total++;
	if (t->tid == r->self)
		return 0;
	snprintf(path, sizeof(path), "%d/task/%d/stat", t->tgid, t->tid);
	fd = openat(r->proc, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* comm may hold anything */
	if (p != NULL && (p[2] == 'R' || p[2] == 'D'))
		r->n++;
	return 0;
}

int vcg_running_tasks(struct sc_call *c, int *total)
{
	struct run_arg r = { .proc = vtree_host_proc_fd(), .n = 1,
			     .self = c->t->tid };

	/* The caller runs (it is reading); the others as the kernel has
	 * them: R or D in the sandbox's procfs. */
	if (r.proc >= 0)
		/* run_visit always returns 0: the count is in r */
		(void)task_for_each(c->t->sentry, run_visit, &r);
	if (total != NULL)
		*total = r.total > r.n ? r.total : r.n;
	return r.n;
}

/* ---- /sys/fs/cgroup ----------------------------------------------------------- */

/*
 * The container's own cgroup as a cgroup v2 view, the way a container with
 * a private cgroup namespace sees it on a v2 host, whatever the host has:
 * the v2 files passed through, or made from the v1 controllers' (memory,
 * cpu, cpuacct, pids). Every file is generated from the live cgroup when it
 * is opened. Read-only: the mount is ro (synth_tree.c answers EROFS).
 */

/* v1 reports "no limit" as the largest page-aligned counter. */
static void put_limit(struct vbuf *b, uint64_t v)
{
	if (v >= 0x7ffffffffffff000ull)
		vbuf_printf(b, "max\n");
	else
		vbuf_printf(b, "%llu\n", (unsigned long long)v);
}

static int put_text(struct vbuf *b, int set, const char *name)
{
	char text[8192];
	int n = read_text(set, name, text, sizeof(text));

	if (n < 0)
		return n;
	vbuf_put(b, text, (size_t)n);
	return 0;
}

static int put_u64(struct vbuf *b, int set, const char *name)
{
	uint64_t v;

	if (read_u64(set, name, &v) < 0)
		return -ENOENT;
	put_limit(b, v);
	return 0;
}

static int gen_controllers(struct sc_call *c, struct vbuf *b)
{
	bool cpu = cpu_fd >= 0 || ctl_fd >= 0;

	(void)c;
	vbuf_printf(b, "%s%s%s%s%s\n", cpu ? "cpu" : "",
		    cpu && mem_fd >= 0 ? " " : "", mem_fd >= 0 ? "memory" : "",
		    (cpu || mem_fd >= 0) && pids_fd >= 0 ? " " : "",
		    pids_fd >= 0 ? "pids" : "");
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

struct tid_arg {
	pid_t *v;
	size_t n, max;
};

static int tid_visit(struct task *t, void *arg)
{
	struct tid_arg *a = arg;

	if (a->n < a->max && t->workload)
		a->v[a->n++] = t->tid;
	return 0;
}

/* cgroup.procs, cgroup.threads: the sandbox's processes or threads, by
 * their ids in the sandbox (as a cgroup namespace's pid view gives). */
static int gen_ids(struct sc_call *c, struct vbuf *b, bool threads)
{
	size_t max = 65536;
	cleanup_free pid_t *v = calloc(max, sizeof(*v));
	struct tid_arg a = { .v = v, .max = max };
	int n;

	if (v == NULL)
		return -ENOMEM;
	if (threads) {
		/* tid_visit always returns 0: the ids are in a */
		(void)task_for_each(c->t->sentry, tid_visit, &a);
		qsort(v, a.n, sizeof(*v), cmp_id);
		n = (int)a.n;
	} else {
		n = procfs_pids(c, v, max);
		if (n < 0)
			return n;
	}
	for (int i = 0; i < n; i++)
		vbuf_printf(b, "%d\n", (int)v[i]);
	return 0;
}

static int gen_mem_max(struct vbuf *b)
{
	return put_u64(b, CG_MEM, mem_v1 ? "memory.limit_in_bytes"
					 : "memory.max");
}

static int gen_mem_current(struct vbuf *b)
{
	return put_u64(b, CG_MEM, mem_v1 ? "memory.usage_in_bytes"
					 : "memory.current");
}

/* v1: memsw is memory + swap; what is above the memory figure is swap. */
static int gen_swap(struct vbuf *b, bool max)
{
	uint64_t mem = 0, memsw = 0;

	if (!mem_v1)
		return put_u64(b, CG_MEM, max ? "memory.swap.max"
					      : "memory.swap.current");
	if (read_u64(CG_MEM, max ? "memory.memsw.limit_in_bytes"
				 : "memory.memsw.usage_in_bytes", &memsw) < 0) {
		/* no swap accounting: no figure to show but the default */
		vbuf_printf(b, max ? "max\n" : "0\n");
		return 0;
	}
	read_u64_or(CG_MEM, max ? "memory.limit_in_bytes"
				: "memory.usage_in_bytes", &mem);
	if (max && memsw >= 0x7ffffffffffff000ull)
		vbuf_printf(b, "max\n");
	else
		vbuf_printf(b, "%llu\n", (unsigned long long)(memsw > mem ?
						       memsw - mem : 0));
	return 0;
}

static int gen_mem_stat(struct vbuf *b)
{
	/* v2 name, v1 name (the hierarchical total) */
	static const char *const keys[][2] = {
		{ "anon", "total_rss" },
		{ "file", "total_cache" },
		{ "shmem", "total_shmem" },
		{ "file_mapped", "total_mapped_file" },
		{ "file_dirty", "total_dirty" },
		{ "file_writeback", "total_writeback" },
		{ "anon_thp", "total_rss_huge" },
		{ "inactive_anon", "total_inactive_anon" },
		{ "active_anon", "total_active_anon" },
		{ "inactive_file", "total_inactive_file" },
		{ "active_file", "total_active_file" },
		{ "unevictable", "total_unevictable" },
		{ "pgfault", "total_pgfault" },
		{ "pgmajfault", "total_pgmajfault" },
	};
	char text[8192];

	if (!mem_v1)
		return put_text(b, CG_MEM, "memory.stat");
	if (read_text(CG_MEM, "memory.stat", text, sizeof(text)) < 0)
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		vbuf_printf(b, "%s %llu\n", keys[i][0],
			    (unsigned long long)keyed(text, keys[i][1]));
	return 0;
}

/* v1 has no event counts but the limit's failcnt and oom_control's
 * oom_kill: "max" and "oom"/"oom_kill" come from them. */
static int gen_mem_events(struct vbuf *b)
{
	uint64_t fail = 0, kills = 0;
	char text[1024];

	if (!mem_v1)
		return put_text(b, CG_MEM, "memory.events");
	read_u64_or(CG_MEM, "memory.failcnt", &fail);
	if (read_text(CG_MEM, "memory.oom_control", text, sizeof(text)) > 0)
		kills = keyed(text, "oom_kill");
	vbuf_printf(b, "low 0\nhigh 0\nmax %llu\noom %llu\noom_kill %llu\n",
		    (unsigned long long)fail, (unsigned long long)kills,
		    (unsigned long long)kills);
	return 0;
}

static int gen_cpu_max(struct vbuf *b)
{
	uint64_t period = 100000;
	int64_t quota;
	char q[32];

	if (!ctl_v1)
		return put_text(b, CG_CTL, "cpu.max");
	if (read_text(CG_CTL, "cpu.cfs_quota_us", q, sizeof(q)) < 0 ||
	    cv_parse_cpu_quota(q, &quota, NULL) < 0)
		return -ENOENT;
	read_u64_or(CG_CTL, "cpu.cfs_period_us", &period);
	if (quota < 0)
		vbuf_printf(b, "max %llu\n", (unsigned long long)period);
	else
		vbuf_printf(b, "%lld %llu\n", (long long)quota,
			    (unsigned long long)period);
	return 0;
}

/* v1 shares to v2 weight, the conversion runc and crun make (and
 * runsc/cgroup.c when it writes a v2 host's cpu.weight). */
static int gen_cpu_weight(struct vbuf *b)
{
	uint64_t shares;

	if (!ctl_v1)
		return put_text(b, CG_CTL, "cpu.weight");
	if (read_u64(CG_CTL, "cpu.shares", &shares) < 0)
		return -ENOENT;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	vbuf_printf(b, "%llu\n",
		    (unsigned long long)(1 + ((shares - 2) * 9999) / 262142));
	return 0;
}

static int gen_cpu_stat(struct vbuf *b)
{
	uint64_t usage = 0, user = 0, sys = 0;
	char text[1024];

	if (!cpu_v1)
		return put_text(b, CG_CPU, "cpu.stat");
	if (cpu_fd < 0 || read_u64(CG_CPU, "cpuacct.usage", &usage) < 0)
		return -ENOENT;
	read_u64_or(CG_CPU, "cpuacct.usage_user", &user);
	read_u64_or(CG_CPU, "cpuacct.usage_sys", &sys);
	vbuf_printf(b, "usage_usec %llu\nuser_usec %llu\nsystem_usec %llu\n",
		    (unsigned long long)usage / 1000,
		    (unsigned long long)user / 1000,
		    (unsigned long long)sys / 1000);
	if (ctl_v1 && read_text(CG_CTL, "cpu.stat", text, sizeof(text)) > 0)
		vbuf_printf(b, "nr_periods %llu\nnr_throttled %llu\n"
			    "throttled_usec %llu\n",
			    (unsigned long long)keyed(text, "nr_periods"),
			    (unsigned long long)keyed(text, "nr_throttled"),
			    (unsigned long long)keyed(text, "throttled_time") /
				    1000);
	return 0;
}

static int gen_cg_file(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b);

#define CG_VIEW(n, p, nd) { { .name = n, .type = VN_FILE, .perm = p, \
			     .gen = gen_cg_file }, nd }
enum { F_ANY, F_MEM, F_CPU, F_CTL, F_PIDS };
static const struct {
	struct vtree_entry e;
	int need;
} cg_view[] = {
	CG_VIEW("cgroup.controllers", 0444, F_ANY),
	CG_VIEW("cgroup.procs", 0644, F_ANY),
	CG_VIEW("cgroup.threads", 0644, F_ANY),
	CG_VIEW("cgroup.type", 0644, F_ANY),
	CG_VIEW("cpu.max", 0644, F_CTL),
	CG_VIEW("cpu.stat", 0444, F_CPU),
	CG_VIEW("cpu.weight", 0644, F_CTL),
	CG_VIEW("memory.current", 0444, F_MEM),
	CG_VIEW("memory.events", 0444, F_MEM),
	CG_VIEW("memory.max", 0644, F_MEM),
	CG_VIEW("memory.stat", 0444, F_MEM),
	CG_VIEW("memory.swap.current", 0444, F_MEM),
	CG_VIEW("memory.swap.max", 0644, F_MEM),
	CG_VIEW("pids.current", 0444, F_PIDS),
	CG_VIEW("pids.max", 0644, F_PIDS),
};

static bool cg_shown(size_t i)
{
	switch (cg_view[i].need) {
	case F_MEM:
		return mem_fd >= 0;
	case F_CPU:
		return cpu_fd >= 0;
	case F_CTL:
		return ctl_fd >= 0;
	case F_PIDS:
		return pids_fd >= 0;
	default:
		return true;
	}
}

static int gen_cg_file(struct sc_call *c, const struct vnode *n,
		       struct vbuf *b)
{
	const char *name = strrchr(n->path, '/') + 1;

	if (!strcmp(name, "cgroup.controllers"))
		return gen_controllers(c, b);
	if (!strcmp(name, "cgroup.procs"))
		return gen_ids(c, b, false);
	if (!strcmp(name, "cgroup.threads"))
		return gen_ids(c, b, true);
	if (!strcmp(name, "cgroup.type")) {
		vbuf_printf(b, "domain\n");
		return 0;
	}
	if (!strcmp(name, "cpu.max"))
		return gen_cpu_max(b);
	if (!strcmp(name, "cpu.stat"))
		return gen_cpu_stat(b);
	if (!strcmp(name, "cpu.weight"))
		return gen_cpu_weight(b);
	if (!strcmp(name, "memory.current"))
		return gen_mem_current(b);
	if (!strcmp(name, "memory.events"))
		return gen_mem_events(b);
	if (!strcmp(name, "memory.max"))
		return gen_mem_max(b);
	if (!strcmp(name, "memory.stat"))
		return gen_mem_stat(b);
	if (!strcmp(name, "memory.swap.current"))
		return gen_swap(b, false);
	if (!strcmp(name, "memory.swap.max"))
		return gen_swap(b, true);
	if (!strcmp(name, "pids.current"))
		return put_u64(b, CG_PIDS, "pids.current");
	if (!strcmp(name, "pids.max"))
		return put_u64(b, CG_PIDS, "pids.max");
	return -ENOENT;
}

int vcg_lookup(struct sc_call *c, const struct vnode *dir, const char *name,
	       struct vnode *out)
{
	(void)c;
	(void)dir;
	for (size_t i = 0; i < ARRAY_SIZE(cg_view); i++) {
		if (strcmp(cg_view[i].e.name, name) == 0 && cg_shown(i)) {
			out->ent = &cg_view[i].e;
			return 0;
		}
	}
	return -ENOENT;
}

int vcg_list(struct sc_call *c, const struct vnode *dir,
	     struct vtree_dirlist *l)
{
	(void)c;
	(void)dir;
	for (size_t i = 0; i < ARRAY_SIZE(cg_view); i++) {
		int ret = cg_shown(i) ? vtree_dirlist_add(l, cg_view[i].e.name,
							VN_FILE) : 0;

		if (ret < 0)
			return ret;
	}
	return 0;
}
