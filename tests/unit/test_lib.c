/* SPDX-License-Identifier: Apache-2.0 */
/* lib/: error object, atomic writes, number parsing, fd passing, unix
 * sockets by long paths, the sentry's worker count. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/devrules.h"
#include "lib/error.h"
#include "lib/fdpass.h"
#include "lib/unixsock.h"
#include "lib/util.h"
#include "tests/unit/test.h"

TEST(error_keeps_innermost_and_wraps)
{
	struct cv_error *err = NULL;

	CHECK_EQ(cv_error_set(&err, ENOENT, "open %s", "x"), -ENOENT);
	CHECK_EQ(cv_error_set(&err, EPERM, "second"), -ENOENT);
	cv_error_wrap(&err, "config.json");
	CHECK_STREQ(err->msg, "config.json: open x: No such file or directory");
	CHECK_EQ(err->errnum, ENOENT);
	cv_error_free(&err);
	CHECK(err == NULL);
	CHECK_EQ(cv_error_setx(&err, "plain %d", 7), -1);
	CHECK_STREQ(err->msg, "plain 7");
	cv_error_free(&err);
}

TEST(atomic_write_replaces_whole_file)
{
	char dir[] = "/tmp/cvisor-unit.XXXXXX", path[64], *back = NULL;
	struct cv_error *err = NULL;
	size_t len;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/state.json", dir);
	CHECK_EQ(cv_write_file_atomic(path, "old", 3, 0600, &err), 0);
	CHECK_EQ(cv_write_file_atomic(path, "new!", 4, 0600, &err), 0);
	CHECK_EQ(cv_read_file(path, &back, &len, &err), 0);
	CHECK_EQ(len, 4);
	CHECK_STREQ(back, "new!");
	free(back);
	unlink(path);
	rmdir(dir);
}

TEST(parse_numbers_strictly)
{
	uint64_t u;
	int64_t i;

	CHECK_EQ(cv_parse_u64("42", &u), 0);
	CHECK_EQ(u, 42);
	CHECK_EQ(cv_parse_u64("0x10", &u), 0);
	CHECK_EQ(u, 16);
	CHECK_EQ(cv_parse_u64("-1", &u), -EINVAL);
	CHECK_EQ(cv_parse_u64("12ab", &u), -EINVAL);
	CHECK_EQ(cv_parse_u64("", &u), -EINVAL);
	CHECK_EQ(cv_parse_u64("99999999999999999999999", &u), -ERANGE);
	CHECK_EQ(cv_parse_i64("-5", &i), 0);
	CHECK_EQ(i, -5);
}

TEST(fd_passing_round_trip)
{
	int sv[2], p[2], got;
	char c = 0;

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(cv_send_fd(sv[0], p[1]), 0);
	got = cv_recv_fd(sv[1]);
	CHECK(got >= 0);
	CHECK(fcntl(got, F_GETFD) & FD_CLOEXEC);
	CHECK_EQ(write(got, "z", 1), 1);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(c, 'z');
	close(sv[0]);
	CHECK_EQ(cv_recv_fd(sv[1]), -EPIPE);
	close(got);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

TEST(mkdir_p_creates_and_rejects_files)
{
	struct cv_error *err = NULL;
	char dir[] = "/tmp/cvisor-unit.XXXXXX", path[96];
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	CHECK_EQ(cv_mkdir_p(path, 0755, &err), 0);
	CHECK_EQ(cv_mkdir_p(path, 0755, &err), 0);
	snprintf(path, sizeof(path), "%s/f", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	close(fd);
	CHECK(cv_mkdir_p(path, 0755, &err) < 0);
	CHECK_CONTAINS(err->msg, "Not a directory");
	cv_error_free(&err);
	CHECK_EQ(system("rm -rf /tmp/cvisor-unit.*"), 0);
}

static struct stat node(mode_t t, unsigned maj, unsigned min)
{
	struct stat st = { .st_mode = t | 0600, .st_rdev = makedev(maj, min) };

	return st;
}

/* The device rules: last match wins, default deny, runc's defaults. */
TEST(devrules_last_match_and_defaults)
{
	const struct dev_rule deny_all[] = {
		{ .allow = false, .type = 'a', .major = -1, .minor = -1,
		  .access = DEV_ACC_ALL },
	};
	const struct dev_rule loop_read[] = {
		{ .allow = true, .type = 'b', .major = 7, .minor = -1,
		  .access = DEV_ACC_READ },
	};
	const struct dev_rule allow_then_deny_w[] = {
		{ .allow = true, .type = 'a', .major = -1, .minor = -1,
		  .access = DEV_ACC_ALL },
		{ .allow = false, .type = 'c', .major = 1, .minor = 1,
		  .access = DEV_ACC_WRITE },
	};
	struct stat loop = node(S_IFBLK, 7, 1), mem = node(S_IFCHR, 1, 1);
	struct stat null = node(S_IFCHR, 1, 3), pts = node(S_IFCHR, 136, 4);
	struct stat reg = { .st_mode = S_IFREG | 0644 };

	/* the defaults alone (NULL): the standard nodes, no loop, no mem */
	CHECK_EQ(dev_rules_check(NULL, 0, &null, DEV_ACC_READ | DEV_ACC_WRITE),
		 0);
	CHECK_EQ(dev_rules_check(NULL, 0, &pts, DEV_ACC_READ), 0);
	CHECK_EQ(dev_rules_check(NULL, 0, &loop, DEV_ACC_READ), -EPERM);
	CHECK_EQ(dev_rules_check(NULL, 0, &mem, DEV_ACC_READ), -EPERM);
	CHECK_EQ(dev_rules_check(NULL, 0, &loop, 0), -EPERM);	/* O_PATH */
	CHECK(dev_rules_allow(NULL, 0, S_IFBLK, 7, 1, DEV_ACC_MKNOD));
	CHECK_EQ(dev_rules_check(deny_all, 1, &reg, DEV_ACC_READ), 0);
	CHECK_EQ(dev_rules_check(deny_all, 1, &null, DEV_ACC_READ), -EPERM);
	/* access bits: an allow rule must cover all that is asked */
	CHECK_EQ(dev_rules_check(loop_read, 1, &loop, DEV_ACC_READ), 0);
	CHECK_EQ(dev_rules_check(loop_read, 1, &loop, 0), 0);
	CHECK_EQ(dev_rules_check(loop_read, 1, &loop,
				 DEV_ACC_READ | DEV_ACC_WRITE), -EPERM);
	CHECK_EQ(dev_rules_check(loop_read, 1, &mem, DEV_ACC_READ), -EPERM);
	/* a deny rule refuses any of the access it names */
	CHECK_EQ(dev_rules_check(allow_then_deny_w, 2, &mem, DEV_ACC_READ), 0);
	CHECK_EQ(dev_rules_check(allow_then_deny_w, 2, &mem,
				 DEV_ACC_READ | DEV_ACC_WRITE), -EPERM);
	CHECK_EQ(dev_open_access(O_RDONLY), DEV_ACC_READ);
	CHECK_EQ(dev_open_access(O_RDONLY | O_TRUNC),
		 DEV_ACC_READ | DEV_ACC_WRITE);
	CHECK_EQ(dev_open_access(O_WRONLY), DEV_ACC_WRITE);
	CHECK_EQ(dev_open_access(O_PATH | O_RDWR), 0u);
}

/* A directory whose path is far longer than sun_path (108 bytes). */
static void long_dir(char *base, char *dir, size_t len)
{
	CHECK(mkdtemp(base) != NULL);
	snprintf(dir, len, "%s/%0100d/%0100d", base, 1, 2);
	CHECK_EQ(cv_mkdir_p(dir, 0700, NULL), 0);
}

TEST(unix_sockets_by_paths_longer_than_sun_path)
{
	char base[] = "/tmp/cvisor-unixsock.XXXXXX", dir[512], path[600];
	char cwd[4096], cwd2[4096], c = 0;
	int l, s, a, d;
	struct stat st;

	long_dir(base, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	CHECK(strlen(path) > 200);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	l = cv_unix_listen(path, 4);
	CHECK(l >= 0);
	CHECK(fcntl(l, F_GETFD) & FD_CLOEXEC);
	CHECK_EQ(stat(path, &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	s = cv_unix_connect(path);
	CHECK(s >= 0);
	a = accept(l, NULL, NULL);
	CHECK(a >= 0);
	CHECK_EQ(write(s, "x", 1), 1);
	CHECK_EQ(read(a, &c, 1), 1);
	CHECK_EQ(c, 'x');
	close(s);
	close(a);
	/* By directory fd too; the cwd is never changed on the way. */
	d = open(dir, O_PATH | O_DIRECTORY);
	CHECK(d >= 0);
	s = cv_unix_connect_at(d, "ctl.sock");
	CHECK(s >= 0);
	close(s);
	CHECK_EQ(cv_unix_listen_at(d, "ctl.sock", 1), -EADDRINUSE);
	CHECK_EQ(cv_unix_connect_at(d, "none.sock"), -ENOENT);
	CHECK_EQ(cv_unix_connect_at(d, "a/b"), -EINVAL);
	CHECK_EQ(cv_unix_connect_at(d, ".."), -EINVAL);
	CHECK(getcwd(cwd2, sizeof(cwd2)) != NULL);
	CHECK_STREQ(cwd, cwd2);
	close(d);
	close(l);
	snprintf(path, sizeof(path), "rm -rf %s", base);
	CHECK_EQ(system(path), 0);
}

TEST(unix_socket_name_must_fit_sun_path)
{
	char name[200];
	int d = open("/tmp", O_PATH | O_DIRECTORY);

	CHECK(d >= 0);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK_EQ(cv_unix_connect_at(d, name), -ENAMETOOLONG);
	close(d);
}

/* Unset or "cpus": one per CPU of this process's affinity, at most the
 * CPUs of the quota (docs/architecture.md, "Threads of the sentry"),
 * none on one CPU. */
TEST(workers_one_per_cpu_by_default)
{
	cpu_set_t set, one;
	unsigned cpus, want;

	CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
	cpus = (unsigned)CPU_COUNT(&set);
	want = cpus < 2 ? 0 : cpus > 8 ? 8 : cpus;
	cv_workers_limit_cpus(0);
	CHECK(unsetenv("CVISOR_SENTRY_WORKERS") == 0);
	CHECK_EQ(cv_workers_wanted(8), want);
	setenv("CVISOR_SENTRY_WORKERS", "", 1);
	CHECK_EQ(cv_workers_wanted(8), want);
	setenv("CVISOR_SENTRY_WORKERS", "cpus", 1);
	CHECK_EQ(cv_workers_wanted(8), want);
	CHECK_EQ(cv_workers_wanted(1), cpus < 2 ? 0 : 1);
	setenv("CVISOR_SENTRY_WORKERS", "0", 1);
	CHECK_EQ(cv_workers_wanted(8), 0);
	setenv("CVISOR_SENTRY_WORKERS", "3", 1);
	CHECK_EQ(cv_workers_wanted(8), 3);
	setenv("CVISOR_SENTRY_WORKERS", "20", 1);
	CHECK_EQ(cv_workers_wanted(8), 8);
	setenv("CVISOR_SENTRY_WORKERS", "two", 1);
	CHECK_EQ(cv_workers_wanted(8), 0);
	/* A quota of one CPU: none; of more than the cpuset: the cpuset. */
	setenv("CVISOR_SENTRY_WORKERS", "cpus", 1);
	cv_workers_limit_cpus(1);
	CHECK_EQ(cv_workers_wanted(8), 0);
	cv_workers_limit_cpus(cpus + 1);
	CHECK_EQ(cv_workers_wanted(8), want);
	if (cpus > 2) {
		cv_workers_limit_cpus(2);
		CHECK_EQ(cv_workers_wanted(8), 2);
	}
	/* An explicit count is not cut by the quota. */
	cv_workers_limit_cpus(1);
	setenv("CVISOR_SENTRY_WORKERS", "3", 1);
	CHECK_EQ(cv_workers_wanted(8), 3);
	cv_workers_limit_cpus(0);
	/* One CPU: none with "cpus". */
	CPU_ZERO(&one);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &set)) {
			CPU_SET(cpu, &one);
			break;
		}
	}
	CHECK(sched_setaffinity(0, sizeof(one), &one) == 0);
	setenv("CVISOR_SENTRY_WORKERS", "cpus", 1);
	CHECK_EQ(cv_workers_wanted(8), 0);
	CHECK(unsetenv("CVISOR_SENTRY_WORKERS") == 0);
	CHECK_EQ(cv_workers_wanted(8), 0);
	CHECK(sched_setaffinity(0, sizeof(set), &set) == 0);
}

/* ceil(quota / period); no quota (-1, 0, no period): 0. */
TEST(quota_cpus_rounds_up)
{
	CHECK_EQ(cv_quota_cpus(-1, 100000), 0);
	CHECK_EQ(cv_quota_cpus(0, 100000), 0);
	CHECK_EQ(cv_quota_cpus(50000, 0), 0);
	CHECK_EQ(cv_quota_cpus(50000, 100000), 1);
	CHECK_EQ(cv_quota_cpus(100000, 100000), 1);
	CHECK_EQ(cv_quota_cpus(100001, 100000), 2);
	CHECK_EQ(cv_quota_cpus(150000, 100000), 2);
	CHECK_EQ(cv_quota_cpus(800000, 100000), 8);
}

/* The quota texts the kernel writes: v1 cfs_quota_us, v2 cpu.max. */
TEST(parse_cpu_quota)
{
	uint64_t period = 7;
	int64_t quota = 0;

	CHECK_EQ(cv_parse_cpu_quota("-1\n", &quota, NULL), 0);
	CHECK_EQ(quota, -1);
	CHECK_EQ(cv_parse_cpu_quota("150000\n", &quota, &period), 0);
	CHECK_EQ(quota, 150000);
	CHECK_EQ(period, 7);	/* none in the text: untouched */
	CHECK_EQ(cv_parse_cpu_quota("max 100000\n", &quota, &period), 0);
	CHECK_EQ(quota, -1);
	CHECK_EQ(period, 100000);
	CHECK_EQ(cv_parse_cpu_quota("50000 20000", &quota, &period), 0);
	CHECK_EQ(quota, 50000);
	CHECK_EQ(period, 20000);
	CHECK_EQ(cv_quota_cpus(quota, period), 3);
	CHECK_EQ(cv_parse_cpu_quota("", &quota, &period), -EINVAL);
	CHECK_EQ(cv_parse_cpu_quota("-2", &quota, NULL), -EINVAL);
	CHECK_EQ(cv_parse_cpu_quota("12x", &quota, NULL), -EINVAL);
	CHECK_EQ(cv_parse_cpu_quota("max -5", &quota, &period), -EINVAL);
	CHECK_EQ(cv_parse_cpu_quota("max 100000", &quota, NULL), -EINVAL);
}

/* cv_rfc3339_utc agrees with glibc's gmtime_r (the test may read the
 * host's zone file; runsc must not) across eras, leap days and the
 * epoch's edges, and prints the nanoseconds. */
TEST(rfc3339_utc_matches_gmtime)
{
	static const int64_t fixed[] = {
		0, -1, 86399, 86400, 951782400 /* 2000-02-29 */,
		951868799, 4107542400 /* 2100-03-01 */, -30610224000 /* 1000-01-01 */,
		253402300799 /* 9999-12-31T23:59:59 */, 68169600, 1796582540,
	};
	char got[CV_RFC3339_LEN], want[64], date[40];
	struct timespec ts;
	struct tm tm;
	uint64_t x = 88172645463325252ull;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 20000; i++) {
		if (i < sizeof(fixed) / sizeof(fixed[0])) {
			ts.tv_sec = fixed[i];
		} else {	/* xorshift: seconds in [-2^37, 2^37) */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			ts.tv_sec = (int64_t)(x % (1ull << 38)) - (1ll << 37);
			if (ts.tv_sec < -30610224000 || ts.tv_sec > 253402300799)
				continue;	/* four-digit years only */
		}
		ts.tv_nsec = (long)(x % 1000000000ull);
		CHECK(gmtime_r(&ts.tv_sec, &tm) != NULL);
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want, sizeof(want), "%s.%09ldZ", date, ts.tv_nsec);
		cv_rfc3339_utc(got, &ts);
		CHECK_STREQ(got, want);
	}
}

int main(void)
{
	return test_main();
}
