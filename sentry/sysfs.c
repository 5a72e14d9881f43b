// SPDX-License-Identifier: Apache-2.0
/*
 * The virtual /sys (minimal, read-only) and the virtual entries of /dev
 * (fd, stdin, stdout, stderr: links into /proc/self/fd, as udev makes
 * them). The rest of /dev is the gofer's tmpfs.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "sentry/synth.h"
#include "sentry/synth_cgroup.h"

static int gen_cpu_range(struct sc_call *c, const struct vnode *n,
			 struct vbuf *b)
{
	int cpus = vtree_ncpus();

	(void)c;
	(void)n;
	if (cpus == 1)
		vbuf_printf(b, "0\n");
	else
		vbuf_printf(b, "0-%d\n", cpus - 1);
	return 0;
}

/* ---- /sys/devices/system/cpu/cpuN/topology ------------------------------ */

/*
 * The sandbox's topology, as /proc/cpuinfo shows it: one package of as
 * many cores as the CPUs it may use (0..n-1), one thread each. lscpu
 * counts threads per core, cores per socket and sockets from these.
 */

/* N of a path below /sys/devices/system/cpu/cpuN, or -1. */
static int cpu_of(const struct vnode *n)
{
	const char *p = strstr(n->path, "/cpu/cpu");
	char *end;
	long v;

	if (p == NULL || p[8] < '0' || p[8] > '9')
		return -1;
	v = strtol(p + 8, &end, 10);
	return *end == '/' && v < 4096 ? (int)v : -1;
}

/* A cpumask as Linux prints it (%*pb): hex, 32-bit groups separated by
 * commas, as many digits as the CPUs take. */
static void put_mask(struct vbuf *b, int first, int last, int ncpus)
{
	int digits = (ncpus + 3) / 4;

	for (int d = digits - 1; d >= 0; d--) {
		unsigned v = 0;

		for (int bit = 0; bit < 4; bit++) {
			int cpu = d * 4 + bit;

			if (cpu >= first && cpu <= last)
				v |= 1u << bit;
		}
		vbuf_printf(b, "%x", v);
		if (d > 0 && d % 8 == 0)
			vbuf_printf(b, ",");
	}
	vbuf_printf(b, "\n");
}

static void put_list(struct vbuf *b, int first, int last)
{
	if (first == last)
		vbuf_printf(b, "%d\n", first);
	else
		vbuf_printf(b, "%d-%d\n", first, last);
}

static int gen_topology(struct sc_call *c, const struct vnode *n,
			struct vbuf *b)
{
	const char *name = n->ent->name;
	int cpu = cpu_of(n), ncpus = vtree_ncpus();
	bool own = strncmp(name, "thread_siblings", 15) == 0 ||
		   strncmp(name, "core_cpus", 9) == 0 ||
		   strncmp(name, "cluster_cpus", 12) == 0;
	int first = own ? cpu : 0, last = own ? cpu : ncpus - 1;

	(void)c;
	if (cpu < 0 || cpu >= ncpus)
		return -ENOENT;
	if (strcmp(name, "core_id") == 0)
		vbuf_printf(b, "%d\n", cpu);
	else if (strcmp(name, "cluster_id") == 0)
		vbuf_printf(b, "65535\n");	/* x86: no cluster described */
	else if (strstr(name, "_id") != NULL)
		vbuf_printf(b, "0\n");
	else if (strstr(name, "_list") != NULL)
		put_list(b, first, last);
	else
		put_mask(b, first, last, ncpus);
	return 0;
}

#define TOPO(nm) { .name = nm, .type = VN_FILE, .gen = gen_topology }
static const struct vtree_entry topology_children[] = {
	TOPO("cluster_cpus"), TOPO("cluster_cpus_list"), TOPO("cluster_id"),
	TOPO("core_cpus"), TOPO("core_cpus_list"), TOPO("core_id"),
	TOPO("core_siblings"), TOPO("core_siblings_list"),
	TOPO("die_cpus"), TOPO("die_cpus_list"), TOPO("die_id"),
	TOPO("package_cpus"), TOPO("package_cpus_list"),
	TOPO("physical_package_id"), TOPO("thread_siblings"),
	TOPO("thread_siblings_list"),
	{ 0 },
};

/* ---- /sys/devices/system/cpu/cpuN/cache ---------------------------------- */

/*
 * The host CPU's caches as its cpu0 describes them (what cpuid shows the
 * workload anyway), read before confinement, shared as the sandbox's
 * topology has it: a cache the host gives one CPU is each CPU's own, a
 * shared one is shared by all the sandbox's CPUs (lscpu counts the
 * instances).
 */
#define CACHE_MAX 8
static const char *const cache_keys[] = {
	"coherency_line_size", "level", "number_of_sets",
	"physical_line_partition", "size", "type", "ways_of_associativity",
};
static struct {
	char val[ARRAY_SIZE(cache_keys)][24];
	bool shared;
} caches[CACHE_MAX];
static int ncaches;

static bool read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return false;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r <= 0)
		return false;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static void caches_init(void)
{
	char path[128], list[64];

	for (ncaches = 0; ncaches < CACHE_MAX; ncaches++) {
		int i = ncaches;

		for (size_t k = 0; k < ARRAY_SIZE(cache_keys); k++) {
			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/cpu0/cache/index%d/%s",
				 i, cache_keys[k]);
			if (!read_small(path, caches[i].val[k],
					sizeof(caches[i].val[k])))
				return;
		}
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu0/cache/index%d/"
			 "shared_cpu_list", i);
		caches[i].shared = read_small(path, list, sizeof(list)) &&
				   strpbrk(list, ",-") != NULL;
	}
}

/* M of a path below .../cache/indexM, or -1. */
static int cache_of(const struct vnode *n)
{
	const char *p = strstr(n->path, "/cache/index");

	return p != NULL && p[12] >= '0' && p[12] < '0' + ncaches ?
		       p[12] - '0' : -1;
}

static int gen_cache(struct sc_call *c, const struct vnode *n,
		     struct vbuf *b)
{
	const char *name = n->ent->name;
	int cpu = cpu_of(n), i = cache_of(n), ncpus = vtree_ncpus();
	int first = 0, last = ncpus - 1;

	(void)c;
	if (cpu < 0 || cpu >= ncpus || i < 0)
		return -ENOENT;
	if (!caches[i].shared)
		first = last = cpu;
	if (strcmp(name, "shared_cpu_map") == 0) {
		put_mask(b, first, last, ncpus);
		return 0;
	}
	if (strcmp(name, "shared_cpu_list") == 0) {
		put_list(b, first, last);
		return 0;
	}
	if (strcmp(name, "id") == 0) {
		vbuf_printf(b, "%d\n", first);
		return 0;
	}
	for (size_t k = 0; k < ARRAY_SIZE(cache_keys); k++)
		if (strcmp(name, cache_keys[k]) == 0)
			vbuf_printf(b, "%s\n", caches[i].val[k]);
	return 0;
}

#define CACHE(nm) { .name = nm, .type = VN_FILE, .gen = gen_cache }
static const struct vtree_entry cache_index_children[] = {
	CACHE("coherency_line_size"), CACHE("id"), CACHE("level"),
	CACHE("number_of_sets"), CACHE("physical_line_partition"),
	CACHE("shared_cpu_list"), CACHE("shared_cpu_map"), CACHE("size"),
	CACHE("type"), CACHE("ways_of_associativity"),
	{ 0 },
};

static const struct vtree_entry cache_index_entry = {
	.name = "", .type = VN_DIR, .perm = 0755,
	.children = cache_index_children,
};

/* Directories of entries named PREFIX0 to PREFIX(n-1), each e: the
 * caches of a CPU, the CPUs, the memory blocks. */
static int numbered_lookup(const char *name, const char *prefix, int n,
			   const struct vtree_entry *e, struct vnode *out)
{
	size_t len = strlen(prefix);
	int i = strncmp(name, prefix, len) == 0 ? vtree_parse_num(name + len)
						 : -1;

	if (i < 0 || i >= n)
		return -ENOENT;
	out->ent = e;
	return 0;
}

static int numbered_list(struct vtree_dirlist *l, const char *prefix, int n)
{
	char name[24];
	int ret = 0;

	for (int i = 0; i < n && ret == 0; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		ret = vtree_dirlist_add(l, name, VN_DIR);
	}
	return ret;
}

static int cache_lookup(struct sc_call *c, const struct vnode *dir,
			const char *name, struct vnode *out)
{
	(void)c;
	(void)dir;
	return numbered_lookup(name, "index", ncaches, &cache_index_entry, out);
}

static int cache_list(struct sc_call *c, const struct vnode *dir,
		      struct vtree_dirlist *l)
{
	(void)c;
	(void)dir;
	return numbered_list(l, "index", ncaches);
}

static const struct vtree_entry cpu_n_children[] = {
	{ .name = "cache", .type = VN_DIR, .perm = 0755, .lookup = cache_lookup,
	  .list = cache_list },
	{ .name = "topology", .type = VN_DIR, .perm = 0755,
	  .children = topology_children },
	{ 0 },
};

static const struct vtree_entry cpu_n_entry = {
	.name = "", .type = VN_DIR, .perm = 0755, .children = cpu_n_children,
};

static int cpu_lookup(struct sc_call *c, const struct vnode *dir,
		      const char *name, struct vnode *out)
{
	(void)c;
	(void)dir;
	return numbered_lookup(name, "cpu", vtree_ncpus(), &cpu_n_entry, out);
}

static int cpu_list(struct sc_call *c, const struct vnode *dir,
		    struct vtree_dirlist *l)
{
	(void)c;
	(void)dir;
	return numbered_list(l, "cpu", vtree_ncpus());
}

static const struct vtree_entry cpu_children[] = {
	{ .name = "online", .type = VN_FILE, .gen = gen_cpu_range },
	{ .name = "possible", .type = VN_FILE, .gen = gen_cpu_range },
	{ .name = "present", .type = VN_FILE, .gen = gen_cpu_range },
	{ 0 },
};

/* ---- /sys/devices/system/memory: the sandbox's memory in blocks -------- */

/*
 * The memory the sandbox has (/proc/meminfo's MemTotal: its cgroup limit,
 * else the host's) as memory blocks of the host's block size, all online
 * in node 0, numbered from 0 (lsmem sums them). Which physical ranges the
 * host has is not shown.
 */
static uint64_t mem_block = 0x8000000;	/* the host's, read at init */

static int mem_blocks(void)
{
	struct vcg_mem m;

	/* Fails only if sysinfo(2) does (a bad pointer): m is zeroed. */
	(void)vcg_memory(&m);
	return (int)((m.total + mem_block - 1) / mem_block);
}

/* N of a path below /sys/devices/system/memory/memoryN, or -1. */
static int block_of(const struct vnode *n)
{
	const char *p = strstr(n->path, "/memory/memory");
	char *end;
	long v;

	if (p == NULL || p[14] < '0' || p[14] > '9')
		return -1;
	v = strtol(p + 14, &end, 10);
	return *end == '/' ? (int)v : -1;
}

static int gen_block(struct sc_call *c, const struct vnode *n,
		     struct vbuf *b)
{
	const char *name = n->ent->name;
	int i = block_of(n);

	(void)c;
	if (i < 0 || i >= mem_blocks())
		return -ENOENT;
	if (strcmp(name, "phys_index") == 0)
		vbuf_printf(b, "%08x\n", (unsigned)i);
	else if (strcmp(name, "state") == 0)
		vbuf_printf(b, "online\n");
	else if (strcmp(name, "valid_zones") == 0)
		vbuf_printf(b, "Normal\n");
	else if (strcmp(name, "phys_device") == 0)
		vbuf_printf(b, "0\n");
	else	/* online, removable (always 1 since Linux 5.7) */
		vbuf_printf(b, "1\n");
	return 0;
}

static int link_node0(struct sc_call *c, const struct vnode *n, char *buf,
		      size_t len)
{
	(void)c;
	(void)n;
	return vtree_link_target("../../node/node0", buf, len);
}

#define BLOCK(nm) { .name = nm, .type = VN_FILE, .gen = gen_block }
static const struct vtree_entry block_children[] = {
	{ .name = "node0", .type = VN_LINK, .link = link_node0 },
	BLOCK("online"), BLOCK("phys_device"), BLOCK("phys_index"),
	BLOCK("removable"), BLOCK("state"), BLOCK("valid_zones"),
	{ 0 },
};

static const struct vtree_entry block_entry = {
	.name = "", .type = VN_DIR, .perm = 0755, .children = block_children,
};

static int memory_lookup(struct sc_call *c, const struct vnode *dir,
			 const char *name, struct vnode *out)
{
	(void)c;
	(void)dir;
	return numbered_lookup(name, "memory", mem_blocks(), &block_entry, out);
}

static int memory_list(struct sc_call *c, const struct vnode *dir,
		       struct vtree_dirlist *l)
{
	(void)c;
	(void)dir;
	return numbered_list(l, "memory", mem_blocks());
}

static int gen_block_size(struct sc_call *c, const struct vnode *n,
			  struct vbuf *b)
{
	(void)c;
	if (strcmp(n->ent->name, "auto_online_blocks") == 0)
		vbuf_printf(b, "online\n");
	else
		vbuf_printf(b, "%llx\n", (unsigned long long)mem_block);
	return 0;
}

static const struct vtree_entry memory_children[] = {
	{ .name = "auto_online_blocks", .type = VN_FILE,
	  .gen = gen_block_size },
	{ .name = "block_size_bytes", .type = VN_FILE, .gen = gen_block_size },
	{ 0 },
};

/* ---- /sys/devices/system/node: one NUMA node of all the CPUs ----------- */

static int gen_node0(struct sc_call *c, const struct vnode *n,
		     struct vbuf *b)
{
	(void)c;
	(void)n;
	vbuf_printf(b, "0\n");
	return 0;
}

static int gen_node_cpus(struct sc_call *c, const struct vnode *n,
			 struct vbuf *b)
{
	int ncpus = vtree_ncpus();

	(void)c;
	if (strcmp(n->ent->name, "cpulist") == 0)
		put_list(b, 0, ncpus - 1);
	else
		put_mask(b, 0, ncpus - 1, ncpus);
	return 0;
}

static const struct vtree_entry node0_children[] = {
	{ .name = "cpulist", .type = VN_FILE, .gen = gen_node_cpus },
	{ .name = "cpumap", .type = VN_FILE, .gen = gen_node_cpus },
	{ 0 },
};

static const struct vtree_entry node_children[] = {
	{ .name = "has_cpu", .type = VN_FILE, .gen = gen_node0 },
	{ .name = "has_memory", .type = VN_FILE, .gen = gen_node0 },
	{ .name = "has_normal_memory", .type = VN_FILE, .gen = gen_node0 },
	{ .name = "node0", .type = VN_DIR, .perm = 0755,
	  .children = node0_children },
	{ .name = "online", .type = VN_FILE, .gen = gen_node0 },
	{ .name = "possible", .type = VN_FILE, .gen = gen_node0 },
	{ 0 },
};

static const struct vtree_entry system_children[] = {
	{ .name = "cpu", .type = VN_DIR, .children = cpu_children,
	  .lookup = cpu_lookup, .list = cpu_list },
	{ .name = "memory", .type = VN_DIR, .perm = 0755,
	  .children = memory_children, .lookup = memory_lookup,
	  .list = memory_list },
	{ .name = "node", .type = VN_DIR, .children = node_children },
	{ 0 },
};

static const struct vtree_entry devices_children[] = {
	{ .name = "system", .type = VN_DIR, .children = system_children },
	{ 0 },
};

/* The container's cgroup as a read-only cgroup v2 mount shows it
 * (sentry/synth_cgroup.c). */
static const struct vtree_entry fs_children[] = {
	{ .name = "cgroup", .type = VN_DIR, .perm = 0755,
	  .lookup = vcg_lookup, .list = vcg_list },
	{ 0 },
};

/* ---- /sys/kernel/mm/transparent_hugepage --------------------------------- */

/*
 * The kernel's transparent huge page policy, which governs the sandbox's
 * memory too (Go, the JVM and Node read it to size their heaps' pages):
 * read from the host's sysfs before confinement. Files the host lacks
 * are absent here too.
 */
static const char *const thp_names[] = {
	"defrag", "enabled", "hpage_pmd_size", "shmem_enabled",
	"use_zero_page",
};
static char thp_text[ARRAY_SIZE(thp_names)][128];

static void mem_block_init(void)
{
	char text[32];
	ssize_t r;
	int fd = open("/sys/devices/system/memory/block_size_bytes",
		      O_RDONLY | O_CLOEXEC);
	uint64_t v;

	if (fd < 0)
		return;
	r = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[r > 0 ? r : 0] = '\0';
	v = strtoull(text, NULL, 16);
	if (v >= 4096)
		mem_block = v;
}

void vsys_init(void)
{
	mem_block_init();
	caches_init();
	for (size_t i = 0; i < ARRAY_SIZE(thp_names); i++) {
		char path[96];
		ssize_t r;
		int fd;

		snprintf(path, sizeof(path),
			 "/sys/kernel/mm/transparent_hugepage/%s", thp_names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = read(fd, thp_text[i], sizeof(thp_text[i]) - 1);
		close(fd);
		thp_text[i][r > 0 ? r : 0] = '\0';
	}
}

static int thp_index(const struct vnode *n)
{
	const char *name = strrchr(n->path, '/') + 1;

	for (size_t i = 0; i < ARRAY_SIZE(thp_names); i++)
		if (strcmp(name, thp_names[i]) == 0)
			return (int)i;
	return -1;
}

static int gen_thp(struct sc_call *c, const struct vnode *n, struct vbuf *b)
{
	int i = thp_index(n);

	(void)c;
	if (i < 0 || thp_text[i][0] == '\0')
		return -ENOENT;
	vbuf_printf(b, "%s", thp_text[i]);
	return 0;
}

static const struct vtree_entry thp_file = {
	.name = "", .type = VN_FILE, .gen = gen_thp,
};

static int thp_lookup(struct sc_call *c, const struct vnode *dir,
		      const char *name, struct vnode *out)
{
	(void)c;
	(void)dir;
	for (size_t i = 0; i < ARRAY_SIZE(thp_names); i++) {
		if (strcmp(name, thp_names[i]) == 0 && thp_text[i][0]) {
			out->ent = &thp_file;
			return 0;
		}
	}
	return -ENOENT;
}

static int thp_list(struct sc_call *c, const struct vnode *dir,
		    struct vtree_dirlist *l)
{
	(void)c;
	(void)dir;
	for (size_t i = 0; i < ARRAY_SIZE(thp_names); i++) {
		int ret = thp_text[i][0] ? vtree_dirlist_add(l, thp_names[i],
							   VN_FILE) : 0;

		if (ret < 0)
			return ret;
	}
	return 0;
}

static const struct vtree_entry mm_children[] = {
	{ .name = "transparent_hugepage", .type = VN_DIR, .perm = 0755,
	  .lookup = thp_lookup, .list = thp_list },
	{ 0 },
};

static const struct vtree_entry kernel_children[] = {
	{ .name = "mm", .type = VN_DIR, .perm = 0755, .children = mm_children },
	{ 0 },
};

/* No block device is the sandbox's (/proc/partitions is empty): lsblk
 * finds these directories, empty. */
static const struct vtree_entry dev_dirs[] = {
	{ .name = "block", .type = VN_DIR, .perm = 0755 },
	{ .name = "char", .type = VN_DIR, .perm = 0755 },
	{ 0 },
};

static const struct vtree_entry sys_children[] = {
	{ .name = "block", .type = VN_DIR, .perm = 0755 },
	{ .name = "dev", .type = VN_DIR, .perm = 0755, .children = dev_dirs },
	{ .name = "devices", .type = VN_DIR, .children = devices_children },
	{ .name = "fs", .type = VN_DIR, .children = fs_children },
	{ .name = "class", .type = VN_DIR },
	{ .name = "kernel", .type = VN_DIR, .children = kernel_children },
	{ 0 },
};

const struct vtree_entry vtree_sys_entry = {
	.name = "sys", .type = VN_DIR, .children = sys_children,
};

/* ---- /dev ---------------------------------------------------------------- */

static int link_dev_fd(struct sc_call *c, const struct vnode *n, char *buf,
		       size_t len)
{
	(void)c;
	(void)n;
	return vtree_link_target("/proc/self/fd", buf, len);
}

static int link_dev_std(struct sc_call *c, const struct vnode *n, char *buf,
			size_t len)
{
	const char *name = strrchr(n->path, '/') + 1;
	int fd = strcmp(name, "stdin") == 0 ? 0 :
		 strcmp(name, "stdout") == 0 ? 1 : 2;
	char target[32];

	(void)c;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	return vtree_link_target(target, buf, len);
}

static const struct vtree_entry dev_children[] = {
	{ .name = "fd", .type = VN_LINK, .link = link_dev_fd },
	{ .name = "stdin", .type = VN_LINK, .link = link_dev_std },
	{ .name = "stdout", .type = VN_LINK, .link = link_dev_std },
	{ .name = "stderr", .type = VN_LINK, .link = link_dev_std },
	{ 0 },
};

const struct vtree_entry vtree_dev_entry = {
	.name = "dev", .type = VN_DIR, .perm = 0755, .children = dev_children,
};
