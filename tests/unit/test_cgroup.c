/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc/cgroup*.c: pure path and layout logic (fake trees), and real
 * cgroups on this host (as root) under /cvisor-test-<pid>, which is removed
 * in every hierarchy at the end even when a test fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/error.h"
#include "lib/util.h"
#include "runsc/cgroup.h"
#include "runsc/cgroup_priv.h"
#include "tests/unit/test.h"

static struct cv_error *err;
static char troot[64];
static struct cgroup *live[64];
static int n_live;
static pid_t kids[64];
static int n_kids;
static const struct cgroup_layout *host;
static bool hugetlb_enabled_by_us;
static int v2_lock = -1;

static const char *emsg(void)
{
	return err ? err->msg : "(no error)";
}

#define OK(call)                                                           \
	do {                                                               \
		cv_error_free(&err);                                       \
		if ((call) < 0)                                            \
			FAILF("%s: %s", #call, emsg());                    \
	} while (0)

/* ---- fixtures --------------------------------------------------------- */

static void need_host(void)
{
	if (geteuid() != 0)
		SKIP("needs root");
	cv_error_free(&err);
	if (cgroup_layout_host(&host, &err) < 0)
		SKIP("no cgroups: %s", emsg());
	if (host->mode != CGROUP_MODE_V1 && host->mode != CGROUP_MODE_HYBRID)
		SKIP("real tests need a v1 or hybrid host (this one: %s)",
		     cgroup_mode_name(host->mode));
	if (troot[0] == '\0')
		snprintf(troot, sizeof(troot), "/cvisor-test-%d", getpid());
}

static struct cgroup *track(struct cgroup *cg)
{
	if (n_live < (int)ARRAY_SIZE(live))
		live[n_live++] = cg;
	return cg;
}

static struct cgroup *mk(const char *name, const struct oci_resources *r)
{
	struct cgroup *cg = NULL;
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", troot, name);
	OK(cgroup_create_at(host, path, r, &cg, &err));
	return track(cg);
}

static pid_t kid(pid_t p)
{
	if (p > 0 && n_kids < (int)ARRAY_SIZE(kids))
		kids[n_kids++] = p;
	return p;
}

static int rmdir_cb(const char *p, const struct stat *st, int flag,
		    struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(p);	/* a cgroup's files go with it */
	return 0;
}

/* The test root in every hierarchy, whatever is left below it. (Not
 * through cgroup_create_at: it writes the default device rules, which
 * v1 refuses, EINVAL, in a cgroup that has children.) */
static void remove_troot(void)
{
	char d[512];

	for (size_t i = 0; i < host->n_hier; i++) {
		snprintf(d, sizeof(d), "%s%s", host->hier[i].mount, troot);
		nftw(d, rmdir_cb, 16, FTW_DEPTH | FTW_PHYS);
	}
	if (host->unified != NULL) {
		snprintf(d, sizeof(d), "%s%s", host->unified, troot);
		nftw(d, rmdir_cb, 16, FTW_DEPTH | FTW_PHYS);
	}
}

static void cleanup_all(void)
{

	for (int i = 0; i < n_kids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	n_kids = 0;
	for (int i = 0; i < n_live; i++) {
		cgroup_destroy(live[i], NULL);
		cgroup_free(live[i]);
	}
	n_live = 0;
	if (host != NULL && troot[0] != '\0')
		remove_troot();
	if (hugetlb_enabled_by_us) {
		cv_write_string("/sys/fs/cgroup/unified/cgroup.subtree_control",
				"-hugetlb", NULL);
		hugetlb_enabled_by_us = false;
	}
}

/* Contents of dir/file, first line, in a static buffer. */
static const char *rdf(const char *dir, const char *file)
{
	static char buf[4096];
	char path[512];
	char *s = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (cv_read_file(path, &s, NULL, NULL) < 0)
		return "(unreadable)";
	snprintf(buf, sizeof(buf), "%s", s);
	free(s);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static char *rdall(const char *dir, const char *file)
{
	char path[512];
	char *s = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (cv_read_file(path, &s, NULL, NULL) < 0)
		return strdup("");
	return s;
}

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static bool exists_in(const char *dir, const char *file)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return exists(p);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A child that waits for a byte on a pipe, then runs fn and exits with
 * its result. The pipe lets the parent move it into a cgroup first. */
static pid_t spawn(int (*fn)(void *), void *arg, int *go)
{
	int p[2];
	pid_t pid;

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(100);
		_exit(fn(arg));
	}
	close(p[0]);
	*go = p[1];
	return kid(pid);
}

static void release(int go)
{
	CHECK(write(go, "g", 1) == 1);
	close(go);
}

static int wait_exit(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	for (int i = 0; i < n_kids; i++)
		if (kids[i] == pid)
			kids[i] = kids[--n_kids];
	if (WIFSIGNALED(st))
		return 1000 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static int fn_pause(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* ---- pure helpers ----------------------------------------------------- */

/* The result lives until the next call. */
static char *resolve(const char *cp, const char *id, bool systemd)
{
	static char *last;

	free(last);
	last = NULL;
	cv_error_free(&err);
	if (cgroup_resolve_path(cp, id, systemd, &last, &err) < 0)
		return NULL;
	return last;
}

TEST(path_default_and_cleaning)
{
	CHECK_STREQ(resolve(NULL, "abc", false), "/cvisor/abc");
	CHECK_STREQ(resolve("", "abc", false), "/cvisor/abc");
	CHECK_STREQ(resolve("/a//b/./c/", "x", false), "/a/b/c");
	CHECK_STREQ(resolve("rel/x", "x", false), "rel/x");
	CHECK(resolve("/a/../b", "x", false) == NULL);
	CHECK_CONTAINS(emsg(), "..");
	CHECK(resolve("/", "x", false) == NULL);
	CHECK_CONTAINS(emsg(), "root cgroup");
	CHECK(resolve(NULL, "a/b", false) == NULL);
	CHECK(resolve(NULL, "..", false) == NULL);
}

TEST(path_systemd_expansion)
{
	CHECK_STREQ(resolve("system.slice:cvisor:abc", "abc", false),
		    "/system.slice/cvisor-abc.scope");
	CHECK_STREQ(resolve("a-b.slice:pfx:n1", "x", true),
		    "/a.slice/a-b.slice/pfx-n1.scope");
	CHECK_STREQ(resolve("-.slice:p:n", "x", false), "/p-n.scope");
	CHECK_STREQ(resolve(NULL, "id9", true),
		    "/system.slice/cvisor-id9.scope");
	CHECK_STREQ(resolve(":p:", "id9", true), "/system.slice/p-id9.scope");
	CHECK_STREQ(resolve("user.slice:p:x-y.slice", "i", false),
		    "/x.slice/x-y.slice");
	CHECK(resolve("/plain/path", "x", true) == NULL);
	CHECK_CONTAINS(emsg(), "slice:prefix:name");
	CHECK(resolve("a--b.slice:p:n", "x", false) == NULL);
	CHECK_CONTAINS(emsg(), "invalid slice");
	CHECK(resolve("notaslice:p:n", "x", false) == NULL);
	CHECK(resolve("a.slice:p:../n", "x", false) == NULL);
}

TEST(expand_slice)
{
	char *o = NULL;

	OK(cgroup_expand_slice("a-b-c.slice", &o, &err));
	CHECK_STREQ(o, "/a.slice/a-b.slice/a-b-c.slice");
	free(o);
	OK(cgroup_expand_slice("-.slice", &o, &err));
	CHECK_STREQ(o, "/");
	free(o);
	CHECK(cgroup_expand_slice("-a.slice", &o, &err) < 0);
	CHECK(cgroup_expand_slice("a-.slice", &o, &err) < 0);
	CHECK(cgroup_expand_slice("a/b.slice", &o, &err) < 0);
}

TEST(shares_to_weight_and_hugepage_sizes)
{
	CHECK_EQ(cgroup_shares_to_weight(2), 1);
	CHECK_EQ(cgroup_shares_to_weight(1024), 39);
	CHECK_EQ(cgroup_shares_to_weight(262144), 10000);
	CHECK_EQ(cgroup_shares_to_weight(0), 0);
	CHECK_EQ(cgroup_hugepage_kb("2MB"), 2048);
	CHECK_EQ(cgroup_hugepage_kb("1GB"), 1048576);
	CHECK_EQ(cgroup_hugepage_kb("64KB"), 64);
	CHECK_EQ(cgroup_hugepage_kb("2M"), -1);
	CHECK_EQ(cgroup_hugepage_kb("MB"), -1);
}

TEST(stats_json_shape)
{
	struct cgroup_stats st = { 0 };
	const char *want;
	char *js = NULL;

	st.cpu_total = 5;
	st.cpu_user = 3;
	st.cpu_kernel = 2;
	st.n_percpu = 2;
	st.percpu[0] = 1;
	st.percpu[1] = 4;
	st.throttle_periods = 7;
	st.mem.usage = 100;
	st.mem.limit = 200;
	st.pids_current = 3;
	st.n_io_bytes = 1;
	st.io_bytes[0] = (struct cgroup_blkio_entry){ 8, 0, "Read", 512 };
	st.n_hugetlb = 1;
	snprintf(st.hugetlb[0].size, 8, "2MB");
	st.hugetlb[0].usage = 9;
	CHECK_EQ(cgroup_stats_json(&st, &js), 0);
	want =	"{\"cpu\":{\"usage\":{\"total\":5,\"percpu\":[1,4],"
		"\"kernel\":2,\"user\":3},\"throttling\":{\"periods\":7}},"
		"\"memory\":{\"usage\":{\"limit\":200,\"usage\":100,"
		"\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0},"
		"\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":"
		"{\"limit\":0,\"failcnt\":0}},\"pids\":{\"current\":3},"
		"\"blkio\":{\"ioServiceBytesRecursive\":[{\"major\":8,"
		"\"minor\":0,\"op\":\"Read\",\"value\":512}]},"
		"\"hugetlb\":{\"2MB\":{\"usage\":9,\"failcnt\":0}}}";
	if (strcmp(js, want) != 0)
		FAILF("got %.400s", js);
	free(js);
}

/* ---- layout on fake trees --------------------------------------------- */

static char fake[64];

static void fake_files(const char *mountinfo, const char *own)
{
	char p[128];

	snprintf(fake, sizeof(fake), "/tmp/cvisor-cgfake.XXXXXX");
	CHECK(mkdtemp(fake) != NULL);
	snprintf(p, sizeof(p), "%s/mountinfo", fake);
	OK(cv_write_file_atomic(p, mountinfo, strlen(mountinfo), 0600, &err));
	snprintf(p, sizeof(p), "%s/own", fake);
	OK(cv_write_file_atomic(p, own, strlen(own), 0600, &err));
}

static struct cgroup_layout *fake_detect(const char *root)
{
	struct cgroup_layout *l = NULL;
	char mi[128], own[128];

	snprintf(mi, sizeof(mi), "%s/mountinfo", fake);
	snprintf(own, sizeof(own), "%s/own", fake);
	OK(cgroup_layout_detect(root, mi, own, &l, &err));
	return l;
}

static void fake_rm(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/mountinfo", fake);
	unlink(p);
	snprintf(p, sizeof(p), "%s/own", fake);
	unlink(p);
	rmdir(fake);
}

#define MI_V1                                                              \
	"25 30 0:22 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"          \
	"26 25 0:23 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - "      \
	"cgroup cgroup rw,cpu,cpuacct\n"                                     \
	"27 25 0:24 / /sys/fs/cgroup/memory rw - cgroup cgroup "              \
	"rw,memory\n"                                                         \
	"28 25 0:25 / /sys/fs/cgroup/sys\\040temd rw - cgroup cgroup "        \
	"rw,xattr,name=systemd\n"                                            \
	"29 25 0:24 / /mnt/memory rw - cgroup cgroup rw,memory\n"             \
	"30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct/x rw - cgroup cgroup "       \
	"rw,cpuacct,cpu\n"

TEST(layout_fake_v1)
{
	struct cgroup_layout *l;
	const struct cgroup_hierarchy *h;

	fake_files(MI_V1, "3:memory:/mine\n2:cpu,cpuacct:/\n1:name=systemd:/s\n"
			  "0::/\n");
	l = fake_detect("/sys/fs/cgroup");
	fake_rm();
	CHECK_EQ(l->mode, CGROUP_MODE_V1);
	CHECK(l->unified == NULL);
	CHECK_EQ(l->n_hier, 3);
	h = cgroup_layout_find(l, "cpuacct");
	CHECK(h != NULL && h == cgroup_layout_find(l, "cpu"));
	CHECK_STREQ(h->mount, "/sys/fs/cgroup/cpu,cpuacct");
	h = cgroup_layout_find(l, "memory");
	CHECK(h != NULL);
	CHECK_STREQ(h->mount, "/sys/fs/cgroup/memory");
	CHECK_STREQ(h->own, "/mine");
	h = cgroup_layout_find(l, "name=systemd");
	CHECK(h != NULL);
	CHECK_STREQ(h->mount, "/sys/fs/cgroup/sys temd");
	CHECK_STREQ(h->own, "/s");
	CHECK(cgroup_layout_find(l, "pids") == NULL);
	cgroup_layout_free(l);
}

TEST(layout_fake_hybrid)
{
	struct cgroup_layout *l;

	fake_files(MI_V1 "31 25 0:27 / /sys/fs/cgroup/unified rw - cgroup2 "
			 "cgroup2 rw,nsdelegate\n",
		   "3:memory:/mine\n0::/u/v\n");
	l = fake_detect("/sys/fs/cgroup");
	fake_rm();
	CHECK_EQ(l->mode, CGROUP_MODE_HYBRID);
	CHECK_STREQ(l->unified, "/sys/fs/cgroup/unified");
	CHECK_STREQ(l->unified_own, "/u/v");
	CHECK_EQ(l->n_hier, 3);
	cgroup_layout_free(l);
}

/* A fake hybrid host whose "hierarchies" are plain directories in /tmp:
 * creating a cgroup with a relative path lands under runsc's own cgroup in
 * each hierarchy, and destroy removes exactly the leaves. */
TEST(fake_hybrid_create_relative_path)
{
	struct cgroup_layout *l;
	struct cgroup *cg = NULL;
	char mi[1024], p[256], d[128];

	snprintf(d, sizeof(d), "/tmp/cvisor-cgtree.XXXXXX");
	CHECK(mkdtemp(d) != NULL);
	snprintf(mi, sizeof(mi),
		 "1 0 0:1 / %s rw - tmpfs tmpfs rw\n"
		 "2 1 0:2 / %s/memory rw - cgroup cgroup rw,memory\n"
		 "3 1 0:3 / %s/pids rw - cgroup cgroup rw,pids\n"
		 "4 1 0:4 / %s/unified rw - cgroup2 cgroup2 rw\n", d, d, d, d);
	fake_files(mi, "3:memory:/mine\n2:pids:/\n0::/u\n");
	for (int i = 0; i < 3; i++) {
		static const char *const m[] = { "memory", "pids", "unified" };

		snprintf(p, sizeof(p), "%s/%s", d, m[i]);
		CHECK(mkdir(p, 0755) == 0);
	}
	l = fake_detect(d);
	fake_rm();
	CHECK_EQ(l->mode, CGROUP_MODE_HYBRID);
	OK(cgroup_create_at(l, "rel/c", NULL, &cg, &err));
	snprintf(p, sizeof(p), "%s/memory/mine/rel/c", d);
	CHECK_STREQ(cgroup_dir(cg, "memory"), p);
	CHECK(exists(p));
	snprintf(p, sizeof(p), "%s/pids/rel/c", d);
	CHECK_STREQ(cgroup_dir(cg, "pids"), p);
	CHECK(exists(p));
	snprintf(p, sizeof(p), "%s/unified/u/rel/c", d);
	CHECK_STREQ(cgroup_dir(cg, NULL), p);
	CHECK(exists(p));
	CHECK(cgroup_dir(cg, "cpu") == NULL);
	OK(cgroup_destroy(cg, &err));
	CHECK(!exists(p));
	snprintf(p, sizeof(p), "%s/unified/u/rel", d);
	CHECK(exists(p));
	cgroup_free(cg);
	cgroup_layout_free(l);
	snprintf(p, sizeof(p), "rm -rf '%s'", d);
	CHECK_EQ(system(p), 0);
}

TEST(layout_fake_pure_v2)
{
	struct cgroup_layout *l;

	fake_files("25 30 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 "
		   "rw,nsdelegate,memory_recursiveprot\n"
		   "26 25 0:23 / /proc rw - proc proc rw\n",
		   "0::/user.slice/x.scope\n");
	l = fake_detect("/sys/fs/cgroup");
	fake_rm();
	CHECK_EQ(l->mode, CGROUP_MODE_V2);
	CHECK_STREQ(l->unified, "/sys/fs/cgroup");
	CHECK_STREQ(l->unified_own, "/user.slice/x.scope");
	CHECK_EQ(l->n_hier, 0);
	cgroup_layout_free(l);
}

TEST(layout_fake_none)
{
	struct cgroup_layout *l = NULL;
	char mi[128];

	fake_files("26 25 0:23 / /proc rw - proc proc rw\n", "");
	snprintf(mi, sizeof(mi), "%s/mountinfo", fake);
	cv_error_free(&err);
	CHECK(cgroup_layout_detect("/sys/fs/cgroup", mi, NULL, &l, &err) < 0);
	fake_rm();
	CHECK_CONTAINS(emsg(), "no cgroup filesystem");
}

TEST(layout_v2_statfs_magic_on_real_cgroup2)
{
	struct cgroup_layout *l = NULL;

	if (!exists("/sys/fs/cgroup/unified/cgroup.controllers"))
		SKIP("no cgroup2 at /sys/fs/cgroup/unified");
	/* No mount table entry names it, statfs still says cgroup2. */
	fake_files("26 25 0:23 / /proc rw - proc proc rw\n", "");
	{
		char mi[128];

		snprintf(mi, sizeof(mi), "%s/mountinfo", fake);
		cv_error_free(&err);
		int r = cgroup_layout_detect("/sys/fs/cgroup/unified", mi, NULL,
					     &l, &err);
		fake_rm();
		CHECK_EQ(r, 0);
	}
	CHECK_EQ(l->mode, CGROUP_MODE_V2);
	cgroup_layout_free(l);
}

TEST(layout_host)
{
	need_host();
	CHECK(cgroup_layout_find(host, "memory") != NULL);
	CHECK(cgroup_layout_find(host, "pids") != NULL);
	if (exists("/sys/fs/cgroup/unified/cgroup.procs")) {
		CHECK_EQ(host->mode, CGROUP_MODE_HYBRID);
		CHECK_STREQ(host->unified, "/sys/fs/cgroup/unified");
	}
}

/* ---- real cgroups (v1 / hybrid) --------------------------------------- */

TEST(create_applies_memory_cpu_pids_and_destroy_removes_all)
{
	struct oci_resources r = { .present = true };
	struct cgroup *cg;
	char dirs[16][256];
	int nd = 0;
	static const char *ctls[] = { "memory", "cpu", "cpuacct", "cpuset",
				      "pids", "freezer", "devices", "blkio",
				      "name=systemd" };

	need_host();
	r.has_memory = r.has_cpu = r.has_pids = true;
	r.memory.has_limit = true;
	r.memory.limit = 64 << 20;
	r.memory.has_reservation = true;
	r.memory.reservation = 32 << 20;
	r.memory.has_swappiness = true;
	r.memory.swappiness = 10;
	r.cpu.has_shares = r.cpu.has_quota = r.cpu.has_period = true;
	r.cpu.shares = 512;
	r.cpu.quota = 50000;
	r.cpu.period = 100000;
	r.cpu.cpus = "0";
	r.cpu.mems = "0";
	r.pids_limit = 42;
	cg = mk("basic", &r);
	CHECK_STREQ(cgroup_path(cg), troot[0] ? cgroup_path(cg) : "");
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.limit_in_bytes"),
		    "67108864");
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.soft_limit_in_bytes"),
		    "33554432");
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.swappiness"), "10");
	CHECK_STREQ(rdf(cgroup_dir(cg, "cpu"), "cpu.shares"), "512");
	CHECK_STREQ(rdf(cgroup_dir(cg, "cpu"), "cpu.cfs_quota_us"), "50000");
	CHECK_STREQ(rdf(cgroup_dir(cg, "cpu"), "cpu.cfs_period_us"), "100000");
	CHECK_STREQ(rdf(cgroup_dir(cg, "cpuset"), "cpuset.cpus"), "0");
	CHECK_STREQ(rdf(cgroup_dir(cg, "pids"), "pids.max"), "42");
	for (size_t i = 0; i < ARRAY_SIZE(ctls); i++) {
		const char *d = cgroup_dir(cg, ctls[i]);

		if (cgroup_layout_find(host, ctls[i]) == NULL)
			continue;
		CHECK(d != NULL);
		CHECK(exists(d));
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s", d);
	}
	if (host->unified != NULL) {
		CHECK(cgroup_dir(cg, NULL) != NULL);
		CHECK(exists(cgroup_dir(cg, NULL)));
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s",
			 cgroup_dir(cg, NULL));
	}
	OK(cgroup_destroy(cg, &err));
	for (int i = 0; i < nd; i++)
		if (exists(dirs[i]))
			FAILF("%.200s still exists", dirs[i]);
	OK(cgroup_destroy(cg, &err));	/* already gone: fine */
}

TEST(enter_shows_child_in_procs_and_pids)
{
	struct cgroup *cg;
	pid_t *pids = NULL;
	size_t n = 0;
	char want[32];
	char *procs;
	pid_t p;
	int go;

	need_host();
	cg = mk("enter", NULL);
	p = spawn(fn_pause, NULL, &go);
	OK(cgroup_enter(cg, p, &err));
	snprintf(want, sizeof(want), "%d", p);
	procs = rdall(cgroup_dir(cg, "memory"), "cgroup.procs");
	CHECK_CONTAINS(procs, want);
	free(procs);
	if (cgroup_dir(cg, NULL) != NULL) {
		procs = rdall(cgroup_dir(cg, NULL), "cgroup.procs");
		CHECK_CONTAINS(procs, want);
		free(procs);
	}
	OK(cgroup_pids(cg, &pids, &n, &err));
	CHECK_EQ(n, 1);
	CHECK_EQ(pids[0], p);
	free(pids);
	OK(cgroup_kill_all(cg, SIGKILL, &err));
	CHECK_EQ(wait_exit(p), 1000 + SIGKILL);
	close(go);
	OK(cgroup_destroy(cg, &err));
}

static int fn_fork_many(void *arg)
{
	int ok = 0;
	pid_t c[8];

	(void)arg;
	for (int i = 0; i < 8; i++) {
		c[i] = fork();
		if (c[i] == 0) {
			pause();
			_exit(0);
		}
		if (c[i] > 0)
			ok++;
	}
	for (int i = 0; i < 8; i++)
		if (c[i] > 0)
			kill(c[i], SIGKILL);
	return ok;
}

TEST(pids_max_is_enforced)
{
	struct oci_resources r = { .present = true, .has_pids = true,
				   .pids_limit = 3 };
	struct cgroup *cg;
	pid_t p;
	int go;

	need_host();
	cg = mk("pids", &r);
	p = spawn(fn_fork_many, NULL, &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	/* the child itself plus two forks fit in pids.max = 3 */
	CHECK_EQ(wait_exit(p), 2);
	OK(cgroup_destroy(cg, &err));
}

static int fn_count(void *arg)
{
	volatile uint64_t *ctr = arg;

	for (;;)
		(*ctr)++;
	return 0;
}

TEST(freeze_and_thaw_stop_and_resume_a_child)
{
	volatile uint64_t *ctr;
	struct cgroup *cg;
	uint64_t a, b;
	bool frozen = true;
	pid_t p;
	int go;

	need_host();
	ctr = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(ctr != MAP_FAILED);
	cg = mk("freeze", NULL);
	p = spawn(fn_count, (void *)ctr, &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	sleep_ms(20);
	OK(cgroup_is_frozen(cg, &frozen, &err));
	CHECK(!frozen);
	OK(cgroup_freeze(cg, true, &err));
	OK(cgroup_is_frozen(cg, &frozen, &err));
	CHECK(frozen);
	if (cgroup_dir(cg, "freezer") != NULL)
		CHECK_STREQ(rdf(cgroup_dir(cg, "freezer"), "freezer.state"),
			    "FROZEN");
	a = *ctr;
	sleep_ms(100);
	b = *ctr;
	CHECK_EQ(a, b);
	OK(cgroup_freeze(cg, false, &err));
	OK(cgroup_is_frozen(cg, &frozen, &err));
	CHECK(!frozen);
	sleep_ms(50);
	CHECK(*ctr > b);
	/* destroy kills a frozen cgroup too */
	OK(cgroup_freeze(cg, true, &err));
	OK(cgroup_destroy(cg, &err));
	CHECK_EQ(wait_exit(p), 1000 + SIGKILL);
	munmap((void *)ctr, 4096);
}

static int fn_alloc(void *arg)
{
	size_t n = (size_t)(uintptr_t)arg;
	volatile char *m = malloc(n);

	if (m == NULL)
		return 1;
	/* volatile: the compiler may not drop the writes */
	for (size_t i = 0; i < n; i += 4096)
		m[i] = 1;
	for (;;)
		pause();
	return 0;
}

TEST(stats_show_the_childs_memory)
{
	struct oci_resources r = { .present = true, .has_pids = true,
				   .pids_limit = 10 };
	struct cgroup_stats st;
	struct cgroup *cg;
	char *js = NULL;
	pid_t p;
	int go;

	need_host();
	cg = mk("stats", &r);
	p = spawn(fn_alloc, (void *)(uintptr_t)(24 << 20), &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	for (int i = 0; i < 200; i++) {
		OK(cgroup_stats(cg, &st, &err));
		if (st.mem.usage >= (20u << 20))
			break;
		sleep_ms(10);
	}
	CHECK(st.mem.usage >= (20u << 20));
	CHECK(st.mem.max >= st.mem.usage);
	CHECK_EQ(st.pids_current, 1);
	CHECK_EQ(st.pids_limit, 10);
	CHECK(st.cpu_total > 0);
	CHECK(st.n_percpu > 0);
	CHECK_EQ(cgroup_stats_json(&st, &js), 0);
	CHECK_CONTAINS(js, "\"cpu\":{\"usage\":{\"total\":");
	CHECK_CONTAINS(js, "\"memory\":{");
	CHECK_CONTAINS(js, "\"usage\":{\"limit\":");
	CHECK_CONTAINS(js, "\"kernelTCP\":{");
	CHECK_CONTAINS(js, "\"raw\":{");
	CHECK_CONTAINS(js, "\"pids\":{\"current\":1,\"limit\":10}");
	CHECK_CONTAINS(js, "\"blkio\":{");
	CHECK_CONTAINS(js, "\"hugetlb\":{");
	free(js);
	OK(cgroup_destroy(cg, &err));
	CHECK_EQ(wait_exit(p), 1000 + SIGKILL);
}

TEST(oom_kill_is_counted)
{
	struct oci_resources r = { .present = true, .has_memory = true };
	struct cgroup *cg;
	uint64_t before = 0, after = 0;
	pid_t p;
	int go;

	need_host();
	r.memory.has_limit = r.memory.has_swap = true;
	r.memory.limit = r.memory.swap = 16 << 20;
	cg = mk("oom", &r);
	OK(cgroup_oom_count(cg, &before, &err));
	CHECK_EQ(before, 0);
	p = spawn(fn_alloc, (void *)(uintptr_t)(64 << 20), &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	CHECK_EQ(wait_exit(p), 1000 + SIGKILL);
	OK(cgroup_oom_count(cg, &after, &err));
	CHECK(after >= 1);
	OK(cgroup_destroy(cg, &err));
}

TEST(update_changes_the_memory_limit)
{
	struct oci_resources r = { .present = true, .has_memory = true };
	struct cgroup *cg;

	need_host();
	r.memory.has_limit = true;
	r.memory.limit = 32 << 20;
	cg = mk("update", &r);
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.limit_in_bytes"),
		    "33554432");
	r.memory.limit = 128 << 20;
	r.memory.has_swap = true;
	r.memory.swap = 256 << 20;
	OK(cgroup_update(cg, &r, &err));
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.limit_in_bytes"),
		    "134217728");
	r.memory.limit = -1;
	r.memory.has_swap = false;
	OK(cgroup_update(cg, &r, &err));
	CHECK(strlen(rdf(cgroup_dir(cg, "memory"), "memory.limit_in_bytes")) >
	      12);
	/* lowering both again: limit first, then memsw */
	r.memory.limit = 16 << 20;
	r.memory.has_swap = true;
	r.memory.swap = 16 << 20;
	OK(cgroup_update(cg, &r, &err));
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.limit_in_bytes"),
		    "16777216");
	if (cgroup_layout_find(host, "memory") != NULL &&
	    exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"))
		CHECK_STREQ(rdf(cgroup_dir(cg, "memory"),
				"memory.memsw.limit_in_bytes"), "16777216");
	/* a swap below the limit is refused */
	r.memory.limit = 32 << 20;
	r.memory.swap = 8 << 20;
	cv_error_free(&err);
	CHECK(cgroup_update(cg, &r, &err) < 0);
	CHECK_CONTAINS(emsg(), "is below memory.limit");
	OK(cgroup_destroy(cg, &err));
}

TEST(blkio_throttle_and_weight_written)
{
	struct oci_throttle_device t = { .major = 7, .minor = 0,
					 .rate = 1048576 };
	struct oci_resources r = { .present = true, .has_blkio = true };
	struct cgroup *cg = NULL;
	const char *d, *w;
	char path[128];

	need_host();
	if (cgroup_layout_find(host, "blkio") == NULL)
		SKIP("no blkio controller");
	if (!exists("/sys/dev/block/7:0"))
		SKIP("no loop0 block device");
	r.blkio.throttle_read_bps = &t;
	r.blkio.n_throttle_read_bps = 1;
	r.blkio.has_weight = true;
	r.blkio.weight = 500;
	snprintf(path, sizeof(path), "%s/blkio", troot);
	cv_error_free(&err);
	if (cgroup_create_at(host, path, &r, &cg, &err) < 0) {
		/* Only acceptable failure: no weight support at all. */
		CHECK_CONTAINS(emsg(), "blockIO.weight");
		r.blkio.has_weight = false;
		cg = mk("blkio", &r);
	} else {
		track(cg);
	}
	d = cgroup_dir(cg, "blkio");
	CHECK_STREQ(rdf(d, "blkio.throttle.read_bps_device"), "7:0 1048576");
	if (r.blkio.has_weight) {
		char p[256];

		snprintf(p, sizeof(p), "%s/blkio.weight", d);
		w = exists(p) ? "blkio.weight" : "blkio.bfq.weight";
		CHECK_CONTAINS(rdf(d, w), "500");
	}
	OK(cgroup_destroy(cg, &err));
}

TEST(kill_all_signals_every_process)
{
	struct cgroup *cg;
	pid_t p1, p2;
	int g1, g2;

	need_host();
	cg = mk("kill", NULL);
	p1 = spawn(fn_pause, NULL, &g1);
	p2 = spawn(fn_pause, NULL, &g2);
	OK(cgroup_enter(cg, p1, &err));
	OK(cgroup_enter(cg, p2, &err));
	OK(cgroup_kill_all(cg, SIGTERM, &err));
	CHECK_EQ(wait_exit(p1), 1000 + SIGTERM);
	CHECK_EQ(wait_exit(p2), 1000 + SIGTERM);
	close(g1);
	close(g2);
	OK(cgroup_destroy(cg, &err));
}

TEST(v1_device_rules_are_written)
{
	struct oci_device_rule rules[] = {
		{ .allow = false, .type = 'a', .major = -1, .minor = -1,
		  .access = "rwm" },
		{ .allow = true, .type = 'c', .major = 1, .minor = 3,
		  .access = "rw" },
		{ .allow = true, .type = 'c', .major = 136, .minor = -1,
		  .access = "rwm" },
	};
	struct oci_resources r = { .present = true, .devices = rules,
				   .n_devices = 3 };
	struct cgroup *cg;
	char *list;

	need_host();
	if (cgroup_layout_find(host, "devices") == NULL)
		SKIP("no v1 devices controller");
	cg = mk("devv1", &r);
	list = rdall(cgroup_dir(cg, "devices"), "devices.list");
	CHECK_CONTAINS(list, "c 1:3 rw");
	CHECK_CONTAINS(list, "c 136:* rwm");
	CHECK(strstr(list, "a *:* rwm") == NULL);
	/* the devices every container gets, whatever the spec says */
	CHECK_CONTAINS(list, "c 5:2 rwm");
	CHECK_CONTAINS(list, "c 1:9 rwm");
	CHECK_CONTAINS(list, "c *:* m");
	free(list);
	OK(cgroup_destroy(cg, &err));
}

/* Without linux.resources.devices, runc's policy all the same: deny
 * everything but the devices every container gets. */
TEST(v1_device_policy_without_rules)
{
	struct cgroup *cg;
	char *list;

	need_host();
	if (cgroup_layout_find(host, "devices") == NULL)
		SKIP("no v1 devices controller");
	cg = mk("devv1none", NULL);
	list = rdall(cgroup_dir(cg, "devices"), "devices.list");
	CHECK(strstr(list, "a *:* rwm") == NULL);
	CHECK(strstr(list, "b 7:") == NULL);
	CHECK_CONTAINS(list, "c 1:3 rwm");
	CHECK_CONTAINS(list, "c 136:* rwm");
	CHECK_CONTAINS(list, "b *:* m");
	free(list);
	OK(cgroup_destroy(cg, &err));
}

static int fn_open_devs(void *arg)
{
	int fn, fz;

	(void)arg;
	fn = open("/dev/null", O_RDONLY);
	if (fn >= 0)
		return 1;
	if (errno != EPERM)
		return 2;
	fz = open("/dev/zero", O_RDONLY);
	if (fz < 0)
		return 3;
	return 0;
}

/* Through cgroup_create the spec's rules are followed by the devices every
 * container gets (runc's list): /dev/kmsg (1:11) is denied by the spec,
 * /dev/null (1:3) stays usable although the spec denies it too. */
static int fn_open_kmsg_denied_null_ok(void *arg)
{
	int fd;

	(void)arg;
	fd = open("/dev/kmsg", O_RDONLY);
	if (fd >= 0)
		return 1;
	if (errno != EPERM)
		return 2;
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		return 3;
	close(fd);
	return 0;
}

TEST(v2_device_program_denies_dev_null)
{
	struct oci_device_rule rules[] = {
		{ .allow = true, .type = 'a', .major = -1, .minor = -1,
		  .access = "rwm" },
		{ .allow = false, .type = 'c', .major = 1, .minor = 3,
		  .access = "rwm" },
	};
	struct oci_device_rule rules2[] = {
		{ .allow = true, .type = 'a', .major = -1, .minor = -1,
		  .access = "rwm" },
	};
	struct cgroup *cg;
	const char *u;
	pid_t p;
	int go;

	need_host();
	if (host->unified == NULL)
		SKIP("no cgroup2 hierarchy");
	cg = mk("devv2", NULL);
	u = cgroup_dir(cg, NULL);
	OK(cgroup_devices_v2_apply(u, rules, 2, &err));
	p = spawn(fn_open_devs, NULL, &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	CHECK_EQ(wait_exit(p), 0);
	/* Replacing the program lifts the denial. */
	OK(cgroup_devices_v2_apply(u, rules2, 1, &err));
	p = spawn(fn_open_devs, NULL, &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	CHECK_EQ(wait_exit(p), 1);
	OK(cgroup_destroy(cg, &err));
}

static int fn_open_read_only(void *arg)
{
	int fd;

	(void)arg;
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0)
		return 1;
	close(fd);
	fd = open("/dev/null", O_WRONLY);
	if (fd >= 0)
		return 2;
	return errno == EPERM ? 0 : 3;
}

TEST(v2_device_program_checks_access_and_default_deny)
{
	struct oci_device_rule rules[] = {
		{ .allow = true, .type = 'c', .major = 1, .minor = -1,
		  .access = "r" },
	};
	struct cgroup *cg;
	pid_t p;
	int go;

	need_host();
	if (host->unified == NULL)
		SKIP("no cgroup2 hierarchy");
	cg = mk("devv2b", NULL);
	OK(cgroup_devices_v2_apply(cgroup_dir(cg, NULL), rules, 1, &err));
	p = spawn(fn_open_read_only, NULL, &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	CHECK_EQ(wait_exit(p), 0);
	OK(cgroup_destroy(cg, &err));
}

TEST(json_round_trip)
{
	struct cgroup *cg, *back = NULL;
	char *js = NULL, *js2 = NULL;

	need_host();
	cg = mk("json", NULL);
	CHECK_EQ(cgroup_to_json(cg, &js), 0);
	CHECK_CONTAINS(js, cgroup_mode_name(host->mode));
	OK(cgroup_from_json(js, &back, &err));
	track(back);
	CHECK_STREQ(cgroup_path(back), cgroup_path(cg));
	CHECK_EQ(cgroup_get_mode(back), cgroup_get_mode(cg));
	CHECK_STREQ(cgroup_dir(back, "memory"), cgroup_dir(cg, "memory"));
	CHECK_STREQ(cgroup_dir(back, "cpuacct"), cgroup_dir(cg, "cpuacct"));
	if (cgroup_dir(cg, NULL))
		CHECK_STREQ(cgroup_dir(back, NULL), cgroup_dir(cg, NULL));
	CHECK_EQ(cgroup_to_json(back, &js2), 0);
	CHECK_STREQ(js, js2);
	OK(cgroup_destroy(back, &err));
	CHECK(!exists(cgroup_dir(cg, "memory")));
	cv_error_free(&err);
	CHECK(cgroup_from_json("{\"mode\":\"v1\"}", &back, &err) < 0);
	CHECK(cgroup_from_json("{\"mode\":\"v1\",\"path\":\"/x\",\"dirs\":"
			       "{\"memory\":\"/sys/../etc\"}}", &back, &err) < 0);
	/* an existing directory that is not a cgroup */
	CHECK(cgroup_from_json("{\"mode\":\"v1\",\"path\":\"/x\",\"dirs\":"
			       "{\"memory\":\"/tmp\"}}", &back, &err) < 0);
	CHECK(cgroup_from_json("{\"mode\":\"v2\",\"path\":\"/x\","
			       "\"unified\":\"/etc\"}", &back, &err) < 0);
	CHECK(cgroup_from_json("not json", &back, &err) < 0);
	free(js);
	free(js2);
}

TEST(bad_cpus_rejected_and_nothing_left)
{
	struct oci_resources r = { .present = true, .has_cpu = true,
				   .has_memory = true };
	struct cgroup *cg = NULL;
	char p[256];

	need_host();
	r.cpu.cpus = "99";
	r.memory.has_limit = true;
	r.memory.limit = 1 << 30;
	snprintf(p, sizeof(p), "%s/bad", troot);
	cv_error_free(&err);
	CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "cpu.cpus");
	CHECK_CONTAINS(emsg(), "99");
	snprintf(p, sizeof(p), "%s%s/bad",
		 cgroup_layout_find(host, "memory")->mount, troot);
	CHECK(!exists(p));
	r.cpu.cpus = "0-";
	CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
}

TEST(failure_after_mkdir_rolls_back)
{
	struct oci_resources r = { .present = true, .has_cpu = true };
	struct cgroup *cg = NULL;
	char p[256];

	need_host();
	/* passes the up-front checks, fails in the kernel */
	r.cpu.has_shares = true;
	r.cpu.has_realtime_runtime = true;
	r.cpu.shares = 100;
	r.cpu.realtime_runtime = 999999999;
	snprintf(p, sizeof(p), "%s/rollback/deep", troot);
	cv_error_free(&err);
	CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "rt_runtime_us");
	snprintf(p, sizeof(p), "%s%s/rollback",
		 cgroup_layout_find(host, "cpu")->mount, troot);
	CHECK(!exists(p));
}

TEST(unavailable_controllers_rejected)
{
	struct oci_hugepage_limit hp = { .page_size = "2MB", .limit = 1 << 21 };
	struct oci_hugepage_limit bad = { .page_size = "3MB", .limit = 1 };
	struct oci_kv kv = { .key = "../memory.max", .value = "1" };
	struct oci_resources r = { .present = true };
	struct cgroup *cg = NULL;
	char p0[128];

	need_host();
	r.hugepage_limits = &bad;
	r.n_hugepage_limits = 1;
	cv_error_free(&err);
	CHECK(cgroup_create_at(host, "/cvisor-test-never", &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "no 3MB pages");
	if (cgroup_layout_find(host, "hugetlb") == NULL) {
		r.hugepage_limits = &hp;
		cv_error_free(&err);
		CHECK(cgroup_create_at(host, "/cvisor-test-never", &r, &cg,
				       &err) < 0);
		CHECK_CONTAINS(emsg(), "hugetlb controller is not mounted");
	}
	r.n_hugepage_limits = 0;
	if (cgroup_layout_find(host, "net_cls") == NULL) {
		r.has_class_id = true;
		r.net_class_id = 7;
		cv_error_free(&err);
		CHECK(cgroup_create_at(host, "/cvisor-test-never", &r, &cg,
				       &err) < 0);
		CHECK_CONTAINS(emsg(), "net_cls");
		/* classID 0 is "not set": nothing to refuse */
		r.net_class_id = 0;
		snprintf(p0, sizeof(p0), "%s/classid0", troot);
		OK(cgroup_create_at(host, p0, &r, &cg, &err));
		track(cg);
		OK(cgroup_destroy(cg, &err));
		cg = NULL;
		r.has_class_id = false;
	}
	if (cgroup_layout_find(host, "net_prio") == NULL) {
		struct oci_net_priority np = { .name = "lo", .priority = 1 };

		r.net_priorities = &np;
		r.n_net_priorities = 1;
		cv_error_free(&err);
		CHECK(cgroup_create_at(host, "/cvisor-test-never", &r, &cg,
				       &err) < 0);
		CHECK_CONTAINS(emsg(), "linux.resources.network.priorities: "
				       "the net_prio controller is not mounted");
		r.n_net_priorities = 0;
	}
	if (host->unified != NULL) {
		char p[128];

		r.unified = &kv;
		r.n_unified = 1;
		snprintf(p, sizeof(p), "%s/unif", troot);
		cv_error_free(&err);
		CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
		CHECK_CONTAINS(emsg(), "invalid key");
	}
	CHECK(!exists("/sys/fs/cgroup/memory/cvisor-test-never"));
}

TEST(unified_keys_on_hybrid)
{
	struct oci_kv ok = { .key = "cgroup.max.descendants", .value = "5" };
	struct oci_kv procs = { .key = "cgroup.procs", .value = "1" };
	struct oci_kv nofile = { .key = "memory.max", .value = "1" };
	struct oci_resources r = { .present = true, .unified = &ok,
				   .n_unified = 1 };
	struct cgroup *cg = NULL;
	char p[128];

	need_host();
	if (host->mode != CGROUP_MODE_HYBRID)
		SKIP("hybrid host only");
	cg = mk("unified", &r);
	CHECK_STREQ(rdf(cgroup_dir(cg, NULL), "cgroup.max.descendants"), "5");
	r.unified = &procs;
	cv_error_free(&err);
	CHECK(cgroup_update(cg, &r, &err) < 0);
	CHECK_CONTAINS(emsg(), "invalid key \"cgroup.procs\"");
	r.unified = &nofile;
	snprintf(p, sizeof(p), "%s/unified2", troot);
	cv_error_free(&err);
	CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "unified.memory.max: no such cgroup file");
	snprintf(p, sizeof(p), "%s%s/unified2", host->unified, troot);
	CHECK(!exists(p));
}

TEST(create_from_spec_systemd_form)
{
	struct oci_spec spec = { .has_linux = true };
	struct cgroup *cg = NULL;
	char cp[128], want[128];

	need_host();
	snprintf(cp, sizeof(cp), "cvtest%d.slice:pfx:name", getpid());
	spec.linux_.cgroups_path = cp;
	OK(cgroup_create("ctr", &spec, false, &cg, &err));
	track(cg);
	snprintf(want, sizeof(want), "/cvtest%d.slice/pfx-name.scope",
		 getpid());
	CHECK_STREQ(cgroup_path(cg), want);
	CHECK(exists(cgroup_dir(cg, "memory")));
	OK(cgroup_destroy(cg, &err));
	snprintf(want, sizeof(want), "%s/cvtest%d.slice",
		 cgroup_layout_find(host, "memory")->mount, getpid());
	/* the slice level is shared by design; remove it ourselves */
	for (size_t i = 0; i < host->n_hier; i++) {
		snprintf(want, sizeof(want), "%s/cvtest%d.slice",
			 host->hier[i].mount, getpid());
		rmdir(want);
	}
	if (host->unified) {
		snprintf(want, sizeof(want), "%s/cvtest%d.slice",
			 host->unified, getpid());
		rmdir(want);
	}
}

/* ---- pure v2, for real: a subtree of the unified hierarchy posing as the
 * root of a v2 host ----------------------------------------------------- */

TEST(pure_v2_on_a_unified_subtree)
{
	struct oci_hugepage_limit hp = { .page_size = "2MB", .limit = 4 << 21 };
	struct oci_device_rule dev_rules[] = {
		{ .allow = true, .type = 'a', .major = -1, .minor = -1,
		  .access = "rwm" },
		{ .allow = false, .type = 'c', .major = 1, .minor = 3,
		  .access = "rwm" },
		{ .allow = false, .type = 'c', .major = 1, .minor = 11,
		  .access = "rwm" },
	};
	struct oci_resources r = { .present = true };
	struct cgroup_layout l = { .mode = CGROUP_MODE_V2 };
	struct cgroup *cg = NULL;
	char base[128], *sub = NULL, *ctl = NULL;
	volatile uint64_t *ctr;
	bool frozen;
	uint64_t a;
	pid_t p;
	int go;

	need_host();
	if (host->unified == NULL)
		SKIP("no cgroup2 hierarchy");
	ctl = rdall(host->unified, "cgroup.controllers");
	if (strstr(ctl, "hugetlb") == NULL) {
		free(ctl);
		SKIP("the cgroup2 hierarchy offers no hugetlb controller");
	}
	free(ctl);
	/* Serialise with other runs of this test: each one turns hugetlb on
	 * in the host's unified root only while it needs it. The lock is
	 * released when the process exits, after cleanup_all(). */
	v2_lock = open("/tmp/cvisor-test-cgroup-v2.lock",
		       O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	CHECK(v2_lock >= 0);
	CHECK(flock(v2_lock, LOCK_EX) == 0);
	sub = rdall(host->unified, "cgroup.subtree_control");
	if (strstr(sub, "hugetlb") == NULL) {
		OK(cv_write_string("/sys/fs/cgroup/unified/"
				   "cgroup.subtree_control", "+hugetlb", &err));
		hugetlb_enabled_by_us = true;
	}
	free(sub);
	snprintf(base, sizeof(base), "%s%s", host->unified, troot);
	OK(cv_mkdir_p(base, 0755, &err));
	l.root = base;
	l.unified = base;
	l.unified_own = "/";
	r.hugepage_limits = &hp;
	r.n_hugepage_limits = 1;
	r.devices = dev_rules;
	r.n_devices = 3;
	OK(cgroup_create_at(&l, "/v2a/leaf", &r, &cg, &err));
	track(cg);
	CHECK_STREQ(rdf(cgroup_dir(cg, NULL), "hugetlb.2MB.max"), "8388608");
	/* the device program came with the resources, default devices too */
	p = spawn(fn_open_kmsg_denied_null_ok, NULL, &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	CHECK_EQ(wait_exit(p), 0);
	/* update rewrites the v2 file */
	hp.limit = 2 << 21;
	r.n_devices = 0;
	OK(cgroup_update(cg, &r, &err));
	CHECK_STREQ(rdf(cgroup_dir(cg, NULL), "hugetlb.2MB.max"), "4194304");
	hp.limit = 4 << 21;
	CHECK_EQ(cgroup_get_mode(cg), CGROUP_MODE_V2);
	/* hugetlb enabled on the way down, limit written in the leaf */
	CHECK_CONTAINS(rdf(base, "cgroup.subtree_control"), "hugetlb");
	{
		char mid[160];

		snprintf(mid, sizeof(mid), "%s/v2a", base);
		CHECK_CONTAINS(rdf(mid, "cgroup.subtree_control"), "hugetlb");
	}
	CHECK_STREQ(rdf(cgroup_dir(cg, NULL), "hugetlb.2MB.max"), "4194304");
	/* freeze through cgroup.freeze / cgroup.events */
	ctr = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(ctr != MAP_FAILED);
	p = spawn(fn_count, (void *)ctr, &go);
	OK(cgroup_enter(cg, p, &err));
	release(go);
	sleep_ms(20);
	OK(cgroup_freeze(cg, true, &err));
	OK(cgroup_is_frozen(cg, &frozen, &err));
	CHECK(frozen);
	a = *ctr;
	sleep_ms(100);
	CHECK_EQ(a, *ctr);
	OK(cgroup_freeze(cg, false, &err));
	sleep_ms(50);
	CHECK(*ctr > a);
	/* v2 stats read cpu.stat */
	{
		struct cgroup_stats st;

		OK(cgroup_stats(cg, &st, &err));
		CHECK(st.cpu_total > 0);
	}
	/* destroy: cgroup.kill, then rmdir */
	OK(cgroup_destroy(cg, &err));
	CHECK_EQ(wait_exit(p), 1000 + SIGKILL);
	munmap((void *)ctr, 4096);
	/* a pure v2 host has no net_cls */
	r.n_hugepage_limits = 0;
	r.has_class_id = true;
	r.net_class_id = 7;
	cv_error_free(&err);
	CHECK(cgroup_create_at(&l, "/v2b", &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "net_cls");
	cleanup_all();
	close(v2_lock);
	v2_lock = -1;
}

/* ---- zero means "not set" (runc 1.1), as Docker writes its config ---- */

/* The resources `docker run` (20.10) writes when no limit is given. */
static void docker_defaults(struct oci_resources *r)
{
	memset(r, 0, sizeof(*r));
	r->present = true;
	r->has_memory = r->has_cpu = r->has_blkio = r->has_pids = true;
	r->memory.has_disable_oom_killer = true;
	r->memory.disable_oom_killer = false;
	r->cpu.has_shares = true;
	r->cpu.shares = 0;
	r->blkio.has_weight = true;
	r->blkio.weight = 0;
	r->has_pids = true;
	r->pids_limit = 0;
	r->has_network = r->has_class_id = true;
	r->net_class_id = 0;
}

TEST(zero_values_ask_for_nothing)
{
	struct oci_weight_device wd = { .major = 8, .minor = 0,
					.has_weight = true, .weight = 0 };
	struct oci_resources r;

	docker_defaults(&r);
	CHECK(!cgroup_memory_asked(&r));
	CHECK(!cgroup_cpu_asked(&r));
	CHECK(!cgroup_cpuset_asked(&r));
	CHECK(!cgroup_pids_asked(&r));
	CHECK(!cgroup_blkio_asked(&r));
	CHECK(!cgroup_net_cls_asked(&r));
	r.blkio.weight_device = &wd;
	r.blkio.n_weight_device = 1;
	CHECK(!cgroup_blkio_asked(&r));
	wd.weight = 100;
	CHECK(cgroup_blkio_asked(&r));
	r.blkio.n_weight_device = 0;
	r.blkio.has_leaf_weight = true;
	r.blkio.leaf_weight = 10;
	CHECK(cgroup_blkio_asked(&r));
	/* swappiness is a pointer in runc: 0 present is "set to 0" */
	r.memory.has_swappiness = true;
	CHECK(cgroup_memory_asked(&r));
	r.memory.has_swappiness = false;
	r.memory.disable_oom_killer = true;
	CHECK(cgroup_memory_asked(&r));
	r.memory.disable_oom_killer = false;
	r.memory.has_limit = true;
	r.memory.limit = -1;
	CHECK(cgroup_memory_asked(&r));
	r.cpu.shares = 2;
	CHECK(cgroup_cpu_asked(&r));
	r.cpu.shares = 0;
	r.cpu.has_idle = true;	/* idle 0 is a value too */
	CHECK(cgroup_cpu_asked(&r));
	r.pids_limit = -1;
	CHECK(cgroup_pids_asked(&r));
	r.net_class_id = 1;
	CHECK(cgroup_net_cls_asked(&r));
}

/* Docker's zero-filled resources create a cgroup on this host (which has
 * neither blkio weight files nor net_cls) and write nothing: every file
 * keeps the value the parent gives a new cgroup. */
static void same_file(struct cgroup *a, struct cgroup *b, const char *ctl,
		      const char *file)
{
	char want[128];

	snprintf(want, sizeof(want), "%s", rdf(cgroup_dir(b, ctl), file));
	CHECK_STREQ(rdf(cgroup_dir(a, ctl), file), want);
}

TEST(docker_zero_resources_write_nothing_on_v1)
{
	struct oci_resources r;
	struct cgroup *cg, *ref;

	need_host();
	docker_defaults(&r);
	ref = mk("zero-ref", NULL);
	cg = mk("zero", &r);
	same_file(cg, ref, "cpu", "cpu.shares");
	CHECK_STREQ(rdf(cgroup_dir(cg, "pids"), "pids.max"), "max");
	same_file(cg, ref, "memory", "memory.oom_control");
	same_file(cg, ref, "memory", "memory.swappiness");
	OK(cgroup_destroy(cg, &err));
	OK(cgroup_destroy(ref, &err));
}

/* A value the host cannot apply fails with the field's name, before any
 * directory is left behind. */
TEST(blkio_weight_the_host_lacks_names_the_field)
{
	struct oci_resources r;
	struct cgroup *cg = NULL, *probe;
	const char *d;
	char p[128];

	need_host();
	if (cgroup_layout_find(host, "blkio") == NULL)
		SKIP("no blkio controller");
	probe = mk("blkio-probe", NULL);
	d = cgroup_dir(probe, "blkio");
	docker_defaults(&r);
	snprintf(p, sizeof(p), "%s/blkio-weight", troot);
	r.blkio.weight = 500;
	cv_error_free(&err);
	if (!exists_in(d, "blkio.weight") && !exists_in(d, "blkio.bfq.weight")) {
		CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
		CHECK_CONTAINS(emsg(), "linux.resources.blockIO.weight");
		CHECK(!exists_in(cgroup_layout_find(host, "blkio")->mount, p + 1));
	} else {
		OK(cgroup_create_at(host, p, &r, &cg, &err));
		track(cg);
		CHECK_CONTAINS(rdf(cgroup_dir(cg, "blkio"),
				   exists_in(d, "blkio.weight")
					   ? "blkio.weight"
					   : "blkio.bfq.weight"),
			       "500");
	}
	r.blkio.weight = 0;
	r.blkio.has_leaf_weight = true;
	r.blkio.leaf_weight = 500;
	snprintf(p, sizeof(p), "%s/blkio-leaf", troot);
	cv_error_free(&err);
	if (!exists_in(d, "blkio.leaf_weight")) {
		CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
		CHECK_CONTAINS(emsg(), "linux.resources.blockIO.leafWeight");
	}
	OK(cgroup_destroy(probe, &err));
}

TEST(cpu_shares_the_kernel_clamps_are_refused)
{
	struct oci_resources r = { .present = true, .has_cpu = true };
	struct cgroup *cg = NULL;
	char p[128];

	need_host();
	r.cpu.has_shares = true;
	r.cpu.shares = 1;
	snprintf(p, sizeof(p), "%s/shares", troot);
	cv_error_free(&err);
	CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "cpu.shares: 1 is out of range (the minimum "
			       "is 2)");
	r.cpu.shares = 1u << 20;
	cv_error_free(&err);
	CHECK(cgroup_create_at(host, p, &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "(the maximum is 262144)");
}

TEST(swappiness_zero_is_written_and_oom_killer_only_when_disabled)
{
	struct oci_resources r = { .present = true, .has_memory = true };
	struct cgroup *cg;

	need_host();
	r.memory.has_swappiness = true;
	r.memory.swappiness = 0;
	cg = mk("swappiness", &r);
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.swappiness"), "0");
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.oom_control"),
		    "oom_kill_disable 0");
	r.memory.has_swappiness = false;
	r.memory.has_disable_oom_killer = true;
	r.memory.disable_oom_killer = true;
	OK(cgroup_update(cg, &r, &err));
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.oom_control"),
		    "oom_kill_disable 1");
	CHECK_STREQ(rdf(cgroup_dir(cg, "memory"), "memory.swappiness"), "0");
	OK(cgroup_destroy(cg, &err));
}

/* memory -1 with no swap value: memory+swap unlimited too; pids 0 keeps
 * what is there, -1 is "max"; quota alone keeps the period. */
TEST(unlimited_memory_pids_and_quota_alone)
{
	struct oci_resources r = { .present = true, .has_memory = true,
				   .has_pids = true, .has_cpu = true };
	struct cgroup *cg;
	const char *m;
	char mem[32];

	need_host();
	r.memory.has_limit = r.memory.has_swap = true;
	r.memory.limit = 32 << 20;
	r.memory.swap = 64 << 20;
	r.pids_limit = 7;
	r.cpu.has_period = true;
	r.cpu.period = 50000;
	cg = mk("unlimited", &r);
	m = cgroup_dir(cg, "memory");
	CHECK_STREQ(rdf(cgroup_dir(cg, "pids"), "pids.max"), "7");
	r.memory.limit = -1;
	r.memory.has_swap = false;
	r.pids_limit = 0;
	r.cpu.has_period = false;
	r.cpu.has_quota = true;
	r.cpu.quota = 20000;
	OK(cgroup_update(cg, &r, &err));
	snprintf(mem, sizeof(mem), "%s",
		 rdf(cgroup_layout_find(host, "memory")->mount,
		     "memory.limit_in_bytes"));
	CHECK_STREQ(rdf(m, "memory.limit_in_bytes"), mem);
	if (exists_in(m, "memory.memsw.limit_in_bytes"))
		CHECK_STREQ(rdf(m, "memory.memsw.limit_in_bytes"), mem);
	CHECK_STREQ(rdf(cgroup_dir(cg, "pids"), "pids.max"), "7");
	CHECK_STREQ(rdf(cgroup_dir(cg, "cpu"), "cpu.cfs_period_us"), "50000");
	CHECK_STREQ(rdf(cgroup_dir(cg, "cpu"), "cpu.cfs_quota_us"), "20000");
	r.pids_limit = -1;
	OK(cgroup_update(cg, &r, &err));
	CHECK_STREQ(rdf(cgroup_dir(cg, "pids"), "pids.max"), "max");
	OK(cgroup_destroy(cg, &err));
}

/* pids.current as runc counts it: the sandbox's own tasks left out. */
TEST(stats_exclude_the_sandbox_tasks)
{
	struct cgroup_stats st = { .pids_current = 5 };
	pid_t self = getpid(), gone = 0;

	cgroup_stats_exclude(&st, &self, 1);
	CHECK_EQ(st.pids_current, 4u);
	cgroup_stats_exclude(&st, &gone, 1);
	CHECK_EQ(st.pids_current, 4u);
	st.pids_current = 0;
	cgroup_stats_exclude(&st, &self, 1);
	CHECK_EQ(st.pids_current, 0u);
}

/* runc's v1 -> v2 conversions. */
static const char *memv(int64_t limit, bool has_swap, int64_t swap,
			int64_t reservation)
{
	struct oci_memory m = { .has_limit = true, .limit = limit,
				.has_swap = has_swap, .swap = swap,
				.has_reservation = true,
				.reservation = reservation };
	static char out[128];
	char sw[32], mx[32], lo[32];

	cv_error_free(&err);
	if (cgroup_v2_memory_values(&m, sw, mx, lo, sizeof(sw), &err) < 0)
		return "error";
	snprintf(out, sizeof(out), "swap=%s max=%s low=%s", sw, mx, lo);
	return out;
}

static const char *cpumax(bool hq, int64_t q, bool hp, uint64_t p,
			  const char *cur)
{
	struct oci_cpu c = { .has_quota = hq, .quota = q, .has_period = hp,
			     .period = p };
	static char out[64];

	cgroup_v2_cpu_max(&c, cur, out, sizeof(out));
	return out;
}

TEST(v2_conversions_as_runc)
{
	CHECK_STREQ(memv(0, true, 0, 0), "swap= max= low=");
	CHECK_STREQ(memv(-1, false, 0, -1), "swap=max max=max low=max");
	CHECK_STREQ(memv(64 << 20, true, 128 << 20, 0),
		    "swap=67108864 max=67108864 low=");
	CHECK_STREQ(memv(64 << 20, true, 64 << 20, 0),
		    "swap=0 max=67108864 low=");
	CHECK_STREQ(memv(64 << 20, true, -1, 0), "swap=max max=67108864 low=");
	CHECK_STREQ(memv(0, true, 128 << 20, 0), "error");
	CHECK_CONTAINS(emsg(), "a swap limit needs a memory limit");
	CHECK_STREQ(memv(-1, true, 128 << 20, 0), "error");
	CHECK_STREQ(memv(64 << 20, true, 32 << 20, 0), "error");
	CHECK_CONTAINS(emsg(), "is below memory.limit");
	CHECK_STREQ(cpumax(true, 0, true, 0, NULL), "");
	CHECK_STREQ(cpumax(false, 0, false, 0, "max 100000\n"), "");
	CHECK_STREQ(cpumax(true, 50000, false, 0, NULL), "50000 100000");
	CHECK_STREQ(cpumax(true, -1, true, 20000, NULL), "max 20000");
	CHECK_STREQ(cpumax(false, 0, true, 20000, "30000 100000\n"),
		    "30000 20000");
	CHECK_STREQ(cpumax(true, 40000, false, 0, "30000 50000\n"),
		    "40000 50000");
	CHECK_EQ(cgroup_v2_io_weight(0), 0u);
	CHECK_EQ(cgroup_v2_io_weight(10), 1u);
	CHECK_EQ(cgroup_v2_io_weight(500), 4950u);
	CHECK_EQ(cgroup_v2_io_weight(1000), 10000u);
	CHECK_EQ(cgroup_shares_to_weight(0), 0u);
	CHECK_EQ(cgroup_shares_to_weight(1024), 39u);
}

/* On a v2 tree offering none of memory, cpu, io, pids (the hybrid host's
 * cgroup2 side), Docker's zero values still create; a real value needs
 * the controller and says which. */
TEST(v2_zero_values_need_no_controller)
{
	struct cgroup_layout l = { .mode = CGROUP_MODE_V2 };
	struct oci_resources r;
	struct cgroup *cg = NULL;
	cleanup_free char *ctl = NULL;
	char base[128];

	need_host();
	if (host->unified == NULL)
		SKIP("no cgroup2 hierarchy");
	ctl = rdall(host->unified, "cgroup.controllers");
	if (strstr(ctl, "pids") != NULL || strstr(ctl, "memory") != NULL)
		SKIP("this cgroup2 tree has pids or memory");
	snprintf(base, sizeof(base), "%s%s", host->unified, troot);
	OK(cv_mkdir_p(base, 0755, &err));
	l.root = base;
	l.unified = base;
	l.unified_own = "/";
	docker_defaults(&r);
	r.has_class_id = false;
	OK(cgroup_create_at(&l, "/v2zero", &r, &cg, &err));
	track(cg);
	CHECK(exists(cgroup_dir(cg, NULL)));
	OK(cgroup_destroy(cg, &err));
	r.pids_limit = 5;
	cv_error_free(&err);
	CHECK(cgroup_create_at(&l, "/v2pids", &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "linux.resources.pids: the pids "
			       "controller is not available");
	r.pids_limit = 0;
	r.memory.has_limit = true;
	r.memory.limit = 1 << 20;
	cv_error_free(&err);
	CHECK(cgroup_create_at(&l, "/v2mem", &r, &cg, &err) < 0);
	CHECK_CONTAINS(emsg(), "the memory controller is not available");
}

int main(void)
{
	int rc;

	atexit(cleanup_all);
	rc = test_main();
	cleanup_all();
	return rc;
}
