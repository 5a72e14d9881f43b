/* SPDX-License-Identifier: Apache-2.0 */
/* runsc/process.c: capability sets, rlimit errors, sysctl filtering,
 * the executable lookup, and (as root, in a child) credentials. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "oci/config.h"
#include "runsc/process.h"
#include "tests/unit/test.h"

#define BIT(n) (UINT64_C(1) << (n))

TEST(cap_plan_sets_and_bounding_drop)
{
	struct oci_caps c = {
		.present = true,
		.bounding = BIT(0) | BIT(5) | BIT(63),
		.effective = BIT(5), .permitted = BIT(0) | BIT(5),
		.inheritable = BIT(5), .ambient = BIT(5),
	};
	cleanup_error struct cv_error *err = NULL;
	struct cap_plan p;

	CHECK(process_cap_plan(&c, 40, &p, &err) == 0);
	CHECK_EQ(p.bounding, BIT(0) | BIT(5));	/* 63 > last cap: ignored */
	CHECK_EQ(p.effective, BIT(5));
	CHECK_EQ(p.ambient, BIT(5));
	CHECK_EQ(p.drop_bounding, (BIT(41) - 1) & ~(BIT(0) | BIT(5)));
}

TEST(cap_plan_absent_means_none)
{
	struct oci_caps c = { .present = false };
	cleanup_error struct cv_error *err = NULL;
	struct cap_plan p;

	CHECK(process_cap_plan(&c, 40, &p, &err) == 0);
	CHECK_EQ(p.permitted, 0);
	CHECK_EQ(p.bounding, 0);
	CHECK_EQ(p.drop_bounding, BIT(41) - 1);
}

TEST(cap_plan_rejects_inconsistent_sets)
{
	struct oci_caps c = { .present = true, .effective = BIT(1) };
	cleanup_error struct cv_error *err = NULL;
	struct cap_plan p;

	CHECK(process_cap_plan(&c, 40, &p, &err) < 0);
	CHECK_STREQ(err->msg, "process.capabilities.effective: not a subset "
			      "of permitted");
	/* Ambient outside permitted & inheritable: dropped, as runc does. */
	c = (struct oci_caps){ .present = true, .permitted = BIT(2) | BIT(3),
			       .inheritable = BIT(3),
			       .ambient = BIT(2) | BIT(3) };
	CHECK(process_cap_plan(&c, 40, &p, NULL) == 0);
	CHECK_EQ(p.ambient, BIT(3));
}

/* The kernel's execve for root without no_new_privs: permitted and
 * effective become bounding | inheritable; otherwise nothing changes. */
TEST(cap_exec_as_root)
{
	struct cap_plan p = { .bounding = BIT(0) | BIT(5) | BIT(7),
			      .permitted = BIT(5), .effective = 0,
			      .inheritable = BIT(9) };
	struct cap_plan q = p;

	process_cap_exec_as_root(&p, 0, false);
	CHECK_EQ(p.permitted, BIT(0) | BIT(5) | BIT(7) | BIT(9));
	CHECK_EQ(p.effective, p.permitted);
	process_cap_exec_as_root(&q, 0, true);
	CHECK_EQ(q.permitted, BIT(5));
	process_cap_exec_as_root(&q, 1000, false);
	CHECK_EQ(q.permitted, BIT(5));
	CHECK_EQ(q.effective, 0);
}

TEST(last_cap_is_sane)
{
	int last = process_last_cap();

	CHECK(last >= 36 && last < 64);
}

TEST(rlimit_soft_above_hard)
{
	struct oci_rlimit rl = { .type = RLIMIT_NOFILE, .soft = 10, .hard = 5 };
	cleanup_error struct cv_error *err = NULL;

	CHECK(process_set_rlimits(&rl, 1, &err) < 0);
	CHECK_STREQ(err->msg, "process.rlimits[0] (RLIMIT_NOFILE): soft limit "
			      "10 above the hard limit 5");
}

/*
 * The fixture of the tests that change the calling process (limits,
 * credentials): body runs in a forked child, which leaves with its
 * result; what it writes in msg (an error's text) comes back through a
 * pipe. Returns the child's exit status (-1: it did not exit), msg
 * filled.
 */
static int in_child(int (*body)(char *msg, size_t n), char *msg, size_t n)
{
	int fds[2], status = 0;
	ssize_t len;
	pid_t pid;

	if (pipe(fds) < 0)
		FAILF("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		FAILF("fork: %s", strerror(errno));
	if (pid == 0) {
		char buf[512] = "";
		int ret = body(buf, sizeof(buf));

		if (write(fds[1], buf, strlen(buf)) < 0)
			_exit(99);
		_exit(ret);
	}
	close(fds[1]);
	len = read(fds[0], msg, n - 1);
	msg[len > 0 ? len : 0] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* in_child as root: a SKIP elsewhere; the body must return 0. */
static void in_root_child(int (*body)(char *msg, size_t n))
{
	char msg[512];
	int ret;

	if (geteuid() != 0)
		SKIP("needs root");
	ret = in_child(body, msg, sizeof(msg));
	if (ret != 0)
		FAILF("the child's step %d failed: %.300s", ret, msg);
}

/* Lower first, then ask for more than that: only CAP_SYS_RESOURCE
 * allows it. 3 if it was allowed. */
static int rlimit_raise(char *msg, size_t n)
{
	struct oci_rlimit rl[2];
	struct cv_error *err = NULL;

	rl[0] = (struct oci_rlimit){ .type = RLIMIT_NOFILE, .soft = 100,
				     .hard = 100 };
	rl[1] = (struct oci_rlimit){ .type = RLIMIT_NOFILE, .soft = 100,
				     .hard = 200 };
	if (process_set_rlimits(rl, 2, &err) == 0)
		return 3;	/* has CAP_SYS_RESOURCE */
	snprintf(msg, n, "%s", err->msg);
	return 0;
}

/* In a child: the limits change the calling process. */
TEST(rlimit_hard_above_current_names_the_entry)
{
	char buf[512];
	int ret = in_child(rlimit_raise, buf, sizeof(buf));

	if (ret == 3)
		SKIP("this host grants CAP_SYS_RESOURCE");
	CHECK_EQ(ret, 0);
	CHECK_STREQ(buf, "process.rlimits[1] (RLIMIT_NOFILE): hard limit 200 "
			 "above the current 100 needs CAP_SYS_RESOURCE: "
			 "Operation not permitted");
}

/* process_sysctl_check's cases: the key, the namespaces of its own
 * (net, ipc, uts), and the error ("" accepted, NULL any error). */
static const struct {
	const char *key;
	bool net, ipc, uts;
	const char *msg;
} sysctl_cases[] = {
	{ "net.ipv4.ip_forward", true, false, false, "" },
	{ "kernel.shmmax", false, true, false, "" },
	{ "fs.mqueue.msg_max", false, true, false, "" },
	{ "net.ipv4.ip_forward", false, true, true,
	  "linux.sysctl: net.ipv4.ip_forward: needs a new network namespace" },
	{ "kernel.shmmax", true, false, true, NULL },
	{ "vm.swappiness", true, true, true,
	  "linux.sysctl: vm.swappiness: not a namespaced sysctl" },
	{ "net/../../kernel/x", true, true, true, NULL },
	{ "kernel.hostname", true, true, false, NULL },
};

TEST(sysctl_only_namespaced)
{
	for (size_t i = 0; i < sizeof(sysctl_cases) / sizeof(*sysctl_cases);
	     i++) {
		cleanup_error struct cv_error *err = NULL;
		int ret = process_sysctl_check(sysctl_cases[i].key,
					       sysctl_cases[i].net,
					       sysctl_cases[i].ipc,
					       sysctl_cases[i].uts, &err);
		const char *want = sysctl_cases[i].msg;

		if (want != NULL && *want == '\0') {
			CHECK_EQ(ret, 0);
			continue;
		}
		CHECK(ret < 0 && err != NULL);
		if (want != NULL)
			CHECK_STREQ(err->msg, want);
	}
}

TEST(find_exec_uses_process_path)
{
	char dir[] = "/tmp/cvisor-test-process.XXXXXX", p[128];
	cleanup_error struct cv_error *err = NULL, *err2 = NULL;
	cleanup_free char *out = NULL, *abs = NULL;
	char env0[160];
	char *env[] = { "HOME=/", env0, NULL };
	int r1, r2;

	if (mkdtemp(dir) == NULL)
		FAILF("mkdtemp");
	snprintf(p, sizeof(p), "%s/prog", dir);
	close(open(p, O_CREAT | O_WRONLY, 0755));
	snprintf(env0, sizeof(env0), "PATH=/nonexistent:%s", dir);
	r1 = process_find_exec("prog", env, &out, &err);
	r2 = process_find_exec("nothere-cvisor", env, &abs, &err2);
	unlink(p);
	rmdir(dir);
	CHECK_EQ(r1, 0);
	CHECK_STREQ(out, p);
	CHECK(r2 < 0);
	CHECK_STREQ(err2->msg, "process.args[0]: nothere-cvisor: executable "
			       "file not found in $PATH: No such file or "
			       "directory");
	free(steal_ptr(out));
	CHECK(process_find_exec("/bin/x", env, &out, NULL) == 0);
	CHECK_STREQ(out, "/bin/x");
}

/* Whether the calling process's /proc/self/status has every line of
 * want (NULL-terminated), e.g. "CapEff:\t0000000000002000". */
static bool status_has(const char *const *want)
{
	cleanup_free char *txt = NULL;

	if (cv_read_file("/proc/self/status", &txt, NULL, NULL) < 0)
		return false;
	for (; *want != NULL; want++)
		if (strstr(txt, *want) == NULL)
			return false;
	return true;
}

/* uid/gid/groups and the capability sets land (in_root_child). */
static int creds_and_caps(char *msg, size_t n)
{
	gid_t groups[] = { 4, 24 };
	struct oci_process p = {
		.user = { .uid = 1000, .gid = 1001, .additional_gids = groups,
			  .n_additional_gids = 2 },
		.caps = { .present = true, .bounding = BIT(13) | BIT(10),
			  .permitted = BIT(13) | BIT(10),
			  .effective = BIT(13), .inheritable = BIT(13),
			  .ambient = BIT(13) },
		.no_new_privileges = true,
	};
	static const char *const caps[] = {
		"CapEff:\t0000000000002000", "CapPrm:\t0000000000002400",
		"CapBnd:\t0000000000002400", "CapAmb:\t0000000000002000", NULL
	};
	struct sentry_attach_info info = { 0 };
	struct cv_error *err = NULL;
	gid_t got[4];

	if (process_set_creds(&p, &info, &err) < 0) {
		snprintf(msg, n, "%s", err->msg);
		return 2;
	}
	if (getuid() != 1000 || geteuid() != 1000 || getgid() != 1001)
		return 3;
	if (getgroups(4, got) != 2 || got[0] != 4 || got[1] != 24)
		return 4;
	if (!status_has(caps))
		return 6;
	if (info.cap_permitted != (BIT(13) | BIT(10)) || info.euid != 1000)
		return 7;
	return 0;
}

TEST(creds_and_caps_applied)
{
	in_root_child(creds_and_caps);
}

/* Without noNewPrivileges: CAP_SYS_ADMIN kept (for the interception
 * filter, as runc's profile) until process_drop_kept_caps, then exactly
 * the config's sets; the sentry is told the final ones all along. */
static int admin_kept(char *msg, size_t n)
{
	struct oci_process p = {
		.user = { .uid = 1000, .gid = 1001 },
		.caps = { .present = true, .bounding = BIT(13),
			  .permitted = BIT(13), .effective = BIT(13) },
	};
	static const char *const kept[] = { "CapEff:\t0000000000202000",
					    "NoNewPrivs:\t0", NULL };
	static const char *const dropped[] = { "CapEff:\t0000000000002000",
					       "CapPrm:\t0000000000002000",
					       NULL };
	struct sentry_attach_info info = { 0 };
	struct cv_error *err = NULL;

	if (process_set_creds(&p, &info, &err) < 0 ||
	    process_finish(&p, &info, &err) < 0) {
		snprintf(msg, n, "%s", err->msg);
		return 2;
	}
	if (!status_has(kept))
		return 3;
	if (info.cap_effective != BIT(13) || info.cap_permitted != BIT(13))
		return 4;
	if (process_drop_kept_caps(&err) < 0) {
		snprintf(msg, n, "%s", err->msg);
		return 5;
	}
	if (!status_has(dropped))
		return 6;
	return 0;
}

TEST(admin_kept_until_filter)
{
	in_root_child(admin_kept);
}

int main(void)
{
	return test_main();
}
