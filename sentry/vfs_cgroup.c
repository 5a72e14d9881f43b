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
#include "sentry/vfs.h"
#include "sentry/vfs_cgroup.h"

/*
 * The sentry keeps no cgroup directory (it holds no file system: DESIGN.md
 * invariant 4, tests/escape/inv_sentry_confined.sh), only these files,
 * opened read-only before it confines itself and read with pread() at 0,
 * which makes cgroupfs generate them afresh. mem_fd and cpu_fd say which
 * set is open (CG_MEM, CG_CPU) or -1.
 */
enum { CG_MEM, CG_CPU };
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
	{ CG_CPU, "cpuacct.usage_user", -1 },
	{ CG_CPU, "cpuacct.usage_sys", -1 },
	{ CG_CPU, "cpuacct.usage_percpu_user", -1 },
	{ CG_CPU, "cpuacct.usage_percpu_sys", -1 },
	{ CG_CPU, "cpu.stat", -1 },
};
static int mem_fd = -1, cpu_fd = -1;
static bool mem_v1, cpu_v1;

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
	int cpu = open_dir("cpuacct");

	mem_v1 = has_file(mem, "memory.usage_in_bytes");
	cpu_v1 = has_file(cpu, "cpuacct.usage");
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

		read_u64(mem_fd, "memory.limit_in_bytes", &limit);
		read_u64(mem_fd, "memory.usage_in_bytes", &m->usage);
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
		read_u64(mem_fd, "memory.max", &limit);
		read_u64(mem_fd, "memory.current", &m->usage);
		read_u64(mem_fd, "memory.swap.max", &swlimit);
		read_u64(mem_fd, "memory.swap.current", &m->swap_usage);
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

		read_u64(cpu_fd, "cpuacct.usage_user", &cpu->user_ns);
		read_u64(cpu_fd, "cpuacct.usage_sys", &cpu->sys_ns);
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
		load_last_ns = vfs_boot_ns();
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
	struct run_arg r = { .proc = vfs_host_proc_fd(), .n = 1,
			     .self = c->t->tid };

	/* The caller runs (it is reading); the others as the kernel has
	 * them: R or D in the sandbox's procfs. */
	if (r.proc >= 0)
		task_for_each(c->t->sentry, run_visit, &r);
	if (total != NULL)
		*total = r.total > r.n ? r.total : r.n;
	return r.n;
}
