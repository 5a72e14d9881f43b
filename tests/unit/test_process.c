/* SPDX-License-Identifier: Apache-2.0 */
/* runsc/process.c: capability sets, rlimit errors, sysctl filtering,
 * the executable lookup, and (as root, in a child) credentials. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* In a child: the limits change the calling process. */
TEST(rlimit_hard_above_current_names_the_entry)
{
	int fds[2], status;
	char buf[512] = { 0 };
	pid_t pid;

	if (pipe(fds) < 0)
		FAILF("pipe");
	pid = fork();
	if (pid == 0) {
		struct rlimit cur;
		struct oci_rlimit rl[2];
		struct cv_error *err = NULL;

		getrlimit(RLIMIT_NOFILE, &cur);
		/* Lower first, then ask for more than that: only
		 * CAP_SYS_RESOURCE allows it. */
		rl[0] = (struct oci_rlimit){ .type = RLIMIT_NOFILE,
					     .soft = 100, .hard = 100 };
		rl[1] = (struct oci_rlimit){ .type = RLIMIT_NOFILE,
					     .soft = 100, .hard = 200 };
		if (process_set_rlimits(rl, 2, &err) == 0)
			_exit(3);	/* has CAP_SYS_RESOURCE */
		if (write(fds[1], err->msg, strlen(err->msg)) < 0)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (WEXITSTATUS(status) == 3)
		SKIP("this host grants CAP_SYS_RESOURCE");
	CHECK_EQ(WEXITSTATUS(status), 0);
	CHECK_STREQ(buf, "process.rlimits[1] (RLIMIT_NOFILE): hard limit 200 "
			 "above the current 100 needs CAP_SYS_RESOURCE: "
			 "Operation not permitted");
}

TEST(sysctl_only_namespaced)
{
	cleanup_error struct cv_error *e1 = NULL, *e2 = NULL, *e3 = NULL,
				      *e4 = NULL, *e5 = NULL;

	CHECK(process_sysctl_check("net.ipv4.ip_forward", true, false, false,
				   NULL) == 0);
	CHECK(process_sysctl_check("kernel.shmmax", false, true, false,
				   NULL) == 0);
	CHECK(process_sysctl_check("fs.mqueue.msg_max", false, true, false,
				   NULL) == 0);
	CHECK(process_sysctl_check("net.ipv4.ip_forward", false, true, true,
				   &e1) < 0);
	CHECK_STREQ(e1->msg, "linux.sysctl: net.ipv4.ip_forward: needs a new "
			     "network namespace");
	CHECK(process_sysctl_check("kernel.shmmax", true, false, true,
				   &e2) < 0);
	CHECK(process_sysctl_check("vm.swappiness", true, true, true,
				   &e3) < 0);
	CHECK_STREQ(e3->msg, "linux.sysctl: vm.swappiness: not a namespaced "
			     "sysctl");
	CHECK(process_sysctl_check("net/../../kernel/x", true, true, true,
				   &e4) < 0);
	CHECK(process_sysctl_check("kernel.hostname", true, true, false,
				   &e5) < 0);
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

/* As root, in a child: uid/gid/groups and the capability sets land. */
TEST(creds_and_caps_applied)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP("needs root");
	pid = fork();
	if (pid == 0) {
		gid_t groups[] = { 4, 24 };
		struct oci_process p = {
			.user = { .uid = 1000, .gid = 1001,
				  .additional_gids = groups,
				  .n_additional_gids = 2 },
			.caps = { .present = true,
				  .bounding = BIT(13) | BIT(10),
				  .permitted = BIT(13) | BIT(10),
				  .effective = BIT(13),
				  .inheritable = BIT(13),
				  .ambient = BIT(13) },
			.no_new_privileges = true,
		};
		struct sentry_attach_info info = { 0 };
		struct cv_error *err = NULL;
		cleanup_free char *status_txt = NULL;
		gid_t got[4];

		if (process_set_creds(&p, &info, &err) < 0) {
			fprintf(stderr, "%s\n", err->msg);
			_exit(2);
		}
		if (getuid() != 1000 || geteuid() != 1000 || getgid() != 1001)
			_exit(3);
		if (getgroups(4, got) != 2 || got[0] != 4 || got[1] != 24)
			_exit(4);
		if (cv_read_file("/proc/self/status", &status_txt, NULL,
				 NULL) < 0)
			_exit(5);
		if (strstr(status_txt, "CapEff:\t0000000000002000") == NULL ||
		    strstr(status_txt, "CapPrm:\t0000000000002400") == NULL ||
		    strstr(status_txt, "CapBnd:\t0000000000002400") == NULL ||
		    strstr(status_txt, "CapAmb:\t0000000000002000") == NULL)
			_exit(6);
		if (info.cap_permitted != (BIT(13) | BIT(10)) ||
		    info.euid != 1000)
			_exit(7);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

/* Without noNewPrivileges: CAP_SYS_ADMIN kept (for the interception
 * filter, as runc's profile) until process_drop_kept_caps, then exactly
 * the config's sets; the sentry is told the final ones all along. */
TEST(admin_kept_until_filter)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP("needs root");
	pid = fork();
	if (pid == 0) {
		struct oci_process p = {
			.user = { .uid = 1000, .gid = 1001 },
			.caps = { .present = true, .bounding = BIT(13),
				  .permitted = BIT(13), .effective = BIT(13) },
		};
		struct sentry_attach_info info = { 0 };
		struct cv_error *err = NULL;
		cleanup_free char *a = NULL, *b = NULL;

		if (process_set_creds(&p, &info, &err) < 0 ||
		    process_finish(&p, &info, &err) < 0)
			_exit(2);
		if (cv_read_file("/proc/self/status", &a, NULL, NULL) < 0 ||
		    strstr(a, "CapEff:\t0000000000202000") == NULL ||
		    strstr(a, "NoNewPrivs:\t0") == NULL)
			_exit(3);
		if (info.cap_effective != BIT(13) ||
		    info.cap_permitted != BIT(13))
			_exit(4);
		if (process_drop_kept_caps(&err) < 0)
			_exit(5);
		if (cv_read_file("/proc/self/status", &b, NULL, NULL) < 0 ||
		    strstr(b, "CapEff:\t0000000000002000") == NULL ||
		    strstr(b, "CapPrm:\t0000000000002000") == NULL)
			_exit(6);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

int main(void)
{
	return test_main();
}
