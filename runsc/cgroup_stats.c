/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource usage of a container's cgroup, read from whichever controllers
 * exist (v1 cpuacct/cpu/memory/pids/blkio/hugetlb, or the v2 files), and
 * its JSON form: the "data" object of runc's `events --stats`.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cgroup_priv.h"

static uint64_t rd(const char *dir, const char *file)
{
	uint64_t v = 0;

	if (dir == NULL || cg_read_u64(dir, file, &v, NULL) < 0)
		return 0;
	return v;
}

static uint64_t kv(const char *text, const char *key)
{
	uint64_t v = 0;

	if (text == NULL || cg_kv(text, key, &v) < 0)
		return 0;
	return v;
}

/* Every "key value" line of memory.stat, for the "raw" map. */
static void raw_stats(const char *text, struct cgroup_stats *st)
{
	for (const char *l = text; l != NULL && *l != '\0';) {
		unsigned long long v;
		char key[32];

		if (st->n_mem_raw < CGROUP_MAX_RAW &&
		    sscanf(l, "%31s %llu", key, &v) == 2) {
			snprintf(st->mem_raw[st->n_mem_raw].key, 32, "%s", key);
			st->mem_raw[st->n_mem_raw++].value = v;
		}
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
}

/* ---- v1 --------------------------------------------------------------- */

static void v1_cpu(const struct cgroup *cg, struct cgroup_stats *st)
{
	const char *d = cgroup_dir(cg, "cpuacct");
	cleanup_free char *s = NULL, *per = NULL, *thr = NULL;
	long hz = sysconf(_SC_CLK_TCK);

	if (d != NULL) {
		st->cpu_total = rd(d, "cpuacct.usage");
		if (cg_read(d, "cpuacct.stat", &s, NULL) == 0 && hz > 0) {
			st->cpu_user = kv(s, "user") * (1000000000ull / hz);
			st->cpu_kernel = kv(s, "system") * (1000000000ull / hz);
		}
		if (cg_read(d, "cpuacct.usage_percpu", &per, NULL) == 0) {
			char *p = per, *end;

			while (st->n_percpu < CGROUP_MAX_CPUS) {
				unsigned long long v = strtoull(p, &end, 10);

				if (end == p)
					break;
				st->percpu[st->n_percpu++] = v;
				p = end;
			}
		}
	}
	d = cgroup_dir(cg, "cpu");
	if (d != NULL && cg_read(d, "cpu.stat", &thr, NULL) == 0) {
		st->throttle_periods = kv(thr, "nr_periods");
		st->throttled_periods = kv(thr, "nr_throttled");
		st->throttled_time = kv(thr, "throttled_time");
	}
}

static void v1_mem_entry(const char *d, const char *pfx,
			 struct cgroup_mem_entry *e)
{
	char f[64];

	snprintf(f, sizeof(f), "%s.usage_in_bytes", pfx);
	e->usage = rd(d, f);
	snprintf(f, sizeof(f), "%s.max_usage_in_bytes", pfx);
	e->max = rd(d, f);
	snprintf(f, sizeof(f), "%s.limit_in_bytes", pfx);
	e->limit = rd(d, f);
	snprintf(f, sizeof(f), "%s.failcnt", pfx);
	e->failcnt = rd(d, f);
}

static void v1_memory(const struct cgroup *cg, struct cgroup_stats *st)
{
	const char *d = cgroup_dir(cg, "memory");
	cleanup_free char *s = NULL, *oom = NULL;

	if (d == NULL)
		return;
	v1_mem_entry(d, "memory", &st->mem);
	if (cg_exists(d, "memory.memsw.usage_in_bytes"))
		v1_mem_entry(d, "memory.memsw", &st->swap);
	if (cg_exists(d, "memory.kmem.usage_in_bytes"))
		v1_mem_entry(d, "memory.kmem", &st->kernel);
	if (cg_exists(d, "memory.kmem.tcp.usage_in_bytes"))
		v1_mem_entry(d, "memory.kmem.tcp", &st->kernel_tcp);
	if (cg_read(d, "memory.stat", &s, NULL) == 0) {
		st->mem_cache = kv(s, "total_cache");
		st->mem_rss = kv(s, "total_rss");
		raw_stats(s, st);
	}
	if (cg_read(d, "memory.oom_control", &oom, NULL) == 0)
		st->oom_kill = kv(oom, "oom_kill");
}

static void parse_blkio(const char *text, struct cgroup_blkio_entry *e,
			size_t *n)
{
	const char *l = text;

	while (l != NULL && *l != '\0' && *n < CGROUP_MAX_BLKIO) {
		unsigned long long ma, mi, v;
		char op[16];

		if (sscanf(l, "%llu:%llu %15s %llu", &ma, &mi, op, &v) == 4) {
			e[*n].major = ma;
			e[*n].minor = mi;
			snprintf(e[*n].op, sizeof(e[*n].op), "%.7s", op);
			e[*n].value = v;
			(*n)++;
		}
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
}

static void v1_blkio(const struct cgroup *cg, struct cgroup_stats *st)
{
	const char *d = cgroup_dir(cg, "blkio");
	cleanup_free char *b = NULL, *o = NULL;
	const char *bf = "blkio.io_service_bytes_recursive";
	const char *of = "blkio.io_serviced_recursive";

	if (d == NULL)
		return;
	if (!cg_exists(d, bf)) {
		bf = "blkio.throttle.io_service_bytes_recursive";
		of = "blkio.throttle.io_serviced_recursive";
	}
	if (!cg_exists(d, bf)) {
		bf = "blkio.throttle.io_service_bytes";
		of = "blkio.throttle.io_serviced";
	}
	if (cg_read(d, bf, &b, NULL) == 0)
		parse_blkio(b, st->io_bytes, &st->n_io_bytes);
	if (cg_read(d, of, &o, NULL) == 0)
		parse_blkio(o, st->io_ops, &st->n_io_ops);
}

/* Page sizes the kernel has, as cgroup file names spell them ("2MB"). */
static void hugetlb(const char *d, bool v2, struct cgroup_stats *st)
{
	cleanup_closedir DIR *dir = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;

	if (d == NULL || dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL && st->n_hugetlb < CGROUP_MAX_HUGETLB) {
		unsigned long kb;
		char sz[24], f[64];

		if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
			continue;
		if (kb >= 1024 * 1024)
			snprintf(sz, sizeof(sz), "%luGB", kb / (1024 * 1024));
		else if (kb >= 1024)
			snprintf(sz, sizeof(sz), "%luMB", kb / 1024);
		else
			snprintf(sz, sizeof(sz), "%luKB", kb);
		snprintf(f, sizeof(f), v2 ? "hugetlb.%s.current"
					  : "hugetlb.%s.usage_in_bytes", sz);
		if (!cg_exists(d, f))
			continue;
		snprintf(st->hugetlb[st->n_hugetlb].size, 8, "%.7s", sz);
		st->hugetlb[st->n_hugetlb].usage = rd(d, f);
		snprintf(f, sizeof(f), v2 ? "hugetlb.%s.max"
					  : "hugetlb.%s.max_usage_in_bytes", sz);
		st->hugetlb[st->n_hugetlb].max = rd(d, f);
		if (!v2) {
			snprintf(f, sizeof(f), "hugetlb.%s.failcnt", sz);
			st->hugetlb[st->n_hugetlb].failcnt = rd(d, f);
		}
		st->n_hugetlb++;
	}
}

/* ---- v2 --------------------------------------------------------------- */

static void v2_io(const char *d, struct cgroup_stats *st)
{
	cleanup_free char *s = NULL;
	static const struct {
		const char *key, *op;
		bool bytes;
	} keys[] = {
		{ "rbytes", "Read", true },  { "wbytes", "Write", true },
		{ "rios", "Read", false },   { "wios", "Write", false },
	};

	if (cg_read(d, "io.stat", &s, NULL) < 0)
		return;
	for (char *l = s; l != NULL && *l != '\0';) {
		unsigned long long ma, mi;
		char *nl = strchr(l, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (sscanf(l, "%llu:%llu", &ma, &mi) == 2) {
			for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
				char pat[16], *p;
				struct cgroup_blkio_entry *e =
					keys[k].bytes ? st->io_bytes
						      : st->io_ops;
				size_t *n = keys[k].bytes ? &st->n_io_bytes
							  : &st->n_io_ops;

				snprintf(pat, sizeof(pat), " %s=",
					 keys[k].key);
				p = strstr(l, pat);
				if (p == NULL || *n >= CGROUP_MAX_BLKIO)
					continue;
				e[*n] = (struct cgroup_blkio_entry){
					.major = ma, .minor = mi,
					.value = strtoull(p + strlen(pat),
							  NULL, 10) };
				snprintf(e[*n].op, sizeof(e[*n].op), "%s",
					 keys[k].op);
				(*n)++;
			}
		}
		l = nl ? nl + 1 : NULL;
	}
}

static void v2_stats(const char *d, struct cgroup_stats *st)
{
	cleanup_free char *cpu = NULL, *mem = NULL, *ev = NULL;

	if (cg_read(d, "cpu.stat", &cpu, NULL) == 0) {
		st->cpu_total = kv(cpu, "usage_usec") * 1000;
		st->cpu_user = kv(cpu, "user_usec") * 1000;
		st->cpu_kernel = kv(cpu, "system_usec") * 1000;
		st->throttle_periods = kv(cpu, "nr_periods");
		st->throttled_periods = kv(cpu, "nr_throttled");
		st->throttled_time = kv(cpu, "throttled_usec") * 1000;
	}
	st->mem.usage = rd(d, "memory.current");
	st->mem.max = rd(d, "memory.peak");
	st->mem.limit = rd(d, "memory.max");
	st->swap.usage = rd(d, "memory.swap.current");
	st->swap.limit = rd(d, "memory.swap.max");
	if (cg_read(d, "memory.stat", &mem, NULL) == 0) {
		st->mem_cache = kv(mem, "file");
		st->mem_rss = kv(mem, "anon");
		st->kernel.usage = kv(mem, "kernel");
		raw_stats(mem, st);
	}
	if (cg_read(d, "memory.events", &ev, NULL) == 0) {
		st->oom_kill = kv(ev, "oom_kill");
		st->mem.failcnt = kv(ev, "max");
	}
	st->pids_current = rd(d, "pids.current");
	st->pids_limit = rd(d, "pids.max");
	v2_io(d, st);
	hugetlb(d, true, st);
}

int cgroup_stats(const struct cgroup *cg, struct cgroup_stats *st,
		 struct cv_error **err)
{
	const char *d;

	(void)err;
	memset(st, 0, sizeof(*st));
	if (cg->mode == CGROUP_MODE_V2) {
		v2_stats(cg->unified, st);
	} else {
		v1_cpu(cg, st);
		v1_memory(cg, st);
		d = cgroup_dir(cg, "pids");
		st->pids_current = rd(d, "pids.current");
		st->pids_limit = rd(d, "pids.max");
		v1_blkio(cg, st);
		hugetlb(cgroup_dir(cg, "hugetlb"), false, st);
	}
	if (st->pids_limit == UINT64_MAX)
		st->pids_limit = 0;
	return 0;
}

static uint64_t threads_of(pid_t pid)
{
	cleanup_free char *s = NULL;
	char path[64];
	const char *t;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (cv_read_file(path, &s, NULL, NULL) < 0)
		return 0;
	t = strstr(s, "\nThreads:");
	return t != NULL ? strtoull(t + 9, NULL, 10) : 0;
}

void cgroup_stats_exclude(struct cgroup_stats *st, const pid_t *pids,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t t = pids[i] > 0 ? threads_of(pids[i]) : 0;

		st->pids_current -= t < st->pids_current ? t : st->pids_current;
	}
}

int cgroup_oom_count(const struct cgroup *cg, uint64_t *count,
		     struct cv_error **err)
{
	const char *d = cgroup_dir(cg, cg->mode == CGROUP_MODE_V2 ? NULL
								  : "memory");
	const char *f = cg->mode == CGROUP_MODE_V2 ? "memory.events"
						   : "memory.oom_control";
	cleanup_free char *s = NULL;

	*count = 0;
	if (d == NULL)
		return cv_error_set(err, ENOTSUP, "cgroup %s: no memory "
				    "controller", cg->path);
	if (cg_read(d, f, &s, err) < 0)
		return -1;
	if (cg_kv(s, "oom_kill", count) < 0)
		*count = 0;
	return 0;
}

bool cgroup_under_oom(const struct cgroup *cg)
{
	const char *d = cgroup_dir(cg, "memory");
	cleanup_free char *s = NULL;
	uint64_t v = 0;

	if (cg->mode == CGROUP_MODE_V2 || d == NULL ||
	    cg_read(d, "memory.oom_control", &s, NULL) < 0 ||
	    cg_kv(s, "under_oom", &v) < 0)
		return false;
	return v != 0;
}

/* ---- JSON ------------------------------------------------------------- */

static void gs(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gu(yajl_gen g, const char *key, uint64_t v)
{
	char buf[32];

	gs(g, key);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	yajl_gen_number(g, buf, strlen(buf));
}

/* runc omits zero values of "omitempty" fields; keep the same shape. */
static void gu_nz(yajl_gen g, const char *key, uint64_t v)
{
	if (v != 0)
		gu(g, key, v);
}

static void mem_entry(yajl_gen g, const char *key,
		      const struct cgroup_mem_entry *e)
{
	gs(g, key);
	yajl_gen_map_open(g);
	gu(g, "limit", e->limit);
	gu_nz(g, "usage", e->usage);
	gu_nz(g, "max", e->max);
	gu(g, "failcnt", e->failcnt);
	yajl_gen_map_close(g);
}

static void blkio_list(yajl_gen g, const char *key,
		       const struct cgroup_blkio_entry *e, size_t n)
{
	if (n == 0)
		return;
	gs(g, key);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		gu(g, "major", e[i].major);
		gu(g, "minor", e[i].minor);
		gs(g, "op");
		gs(g, e[i].op);
		gu(g, "value", e[i].value);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void gen_cpu(yajl_gen g, const struct cgroup_stats *st)
{
	gs(g, "cpu");
	yajl_gen_map_open(g);
	gs(g, "usage");
	yajl_gen_map_open(g);
	gu_nz(g, "total", st->cpu_total);
	if (st->n_percpu > 0) {
		gs(g, "percpu");
		yajl_gen_array_open(g);
		for (size_t i = 0; i < st->n_percpu; i++) {
			char b[32];

			snprintf(b, sizeof(b), "%llu",
				 (unsigned long long)st->percpu[i]);
			yajl_gen_number(g, b, strlen(b));
		}
		yajl_gen_array_close(g);
	}
	gu(g, "kernel", st->cpu_kernel);
	gu(g, "user", st->cpu_user);
	yajl_gen_map_close(g);
	gs(g, "throttling");
	yajl_gen_map_open(g);
	gu_nz(g, "periods", st->throttle_periods);
	gu_nz(g, "throttled_periods", st->throttled_periods);
	gu_nz(g, "throttled_time", st->throttled_time);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void gen_memory(yajl_gen g, const struct cgroup_stats *st)
{
	gs(g, "memory");
	yajl_gen_map_open(g);
	gu_nz(g, "cache", st->mem_cache);
	mem_entry(g, "usage", &st->mem);
	mem_entry(g, "swap", &st->swap);
	mem_entry(g, "kernel", &st->kernel);
	mem_entry(g, "kernelTCP", &st->kernel_tcp);
	if (st->n_mem_raw > 0) {
		gs(g, "raw");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < st->n_mem_raw; i++)
			gu(g, st->mem_raw[i].key, st->mem_raw[i].value);
		/* The OOM-kill counter (v1 memory.oom_control, v2
		 * memory.events): not in memory.stat, so runc has no key
		 * for it; added to "raw" under the kernel's name. */
		gu(g, "oom_kill", st->oom_kill);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

static void gen_rest(yajl_gen g, const struct cgroup_stats *st)
{
	gs(g, "pids");
	yajl_gen_map_open(g);
	gu_nz(g, "current", st->pids_current);
	gu_nz(g, "limit", st->pids_limit);
	yajl_gen_map_close(g);
	gs(g, "blkio");
	yajl_gen_map_open(g);
	blkio_list(g, "ioServiceBytesRecursive", st->io_bytes, st->n_io_bytes);
	blkio_list(g, "ioServicedRecursive", st->io_ops, st->n_io_ops);
	yajl_gen_map_close(g);
	gs(g, "hugetlb");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->n_hugetlb; i++) {
		gs(g, st->hugetlb[i].size);
		yajl_gen_map_open(g);
		gu_nz(g, "usage", st->hugetlb[i].usage);
		gu_nz(g, "max", st->hugetlb[i].max);
		gu(g, "failcnt", st->hugetlb[i].failcnt);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

int cgroup_stats_json(const struct cgroup_stats *st, char **json)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;

	if (g == NULL)
		return -ENOMEM;
	yajl_gen_map_open(g);
	gen_cpu(g, st);
	gen_memory(g, st);
	gen_rest(g, st);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return -ENOMEM;
	}
	*json = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return *json ? 0 : -ENOMEM;
}
