/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for runsc/rootless.c and runsc/cgroup_rootless.c. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runsc/cgroup_priv.h"
#include "runsc/rootless.h"
#include "tests/unit/test.h"

TEST(limit_field_names_the_first_limit)
{
	struct oci_resources r = { .present = true };
	struct oci_device_rule dev = { 0 };
	struct oci_kv kv = { 0 };

	CHECK(cgroup_limit_field(NULL) == NULL);
	CHECK(cgroup_limit_field(&r) == NULL);
	r.devices = &dev;
	r.n_devices = 1;
	CHECK(cgroup_limit_field(&r) == NULL);	/* devices are no limit */
	r.has_pids = true;
	CHECK_STREQ(cgroup_limit_field(&r), "linux.resources.pids");
	r.has_memory = true;
	CHECK_STREQ(cgroup_limit_field(&r), "linux.resources.memory");
	r = (struct oci_resources){ .unified = &kv, .n_unified = 1 };
	CHECK_STREQ(cgroup_limit_field(&r), "linux.resources.unified");
}

/* Runs fn in a child that is uid/gid 65534; its exit status. */
static int as_nobody(int (*fn)(void))
{
	int status;
	pid_t p = fork();

	if (p == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(99);
		_exit(fn());
	}
	if (p < 0 || waitpid(p, &status, 0) != p || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int default_root_rule(void)
{
	cleanup_free char *a = NULL, *b = NULL, *c = NULL;

	setenv("XDG_RUNTIME_DIR", "/run/user/65534", 1);
	a = rootless_default_root();
	setenv("XDG_RUNTIME_DIR", "relative", 1);
	b = rootless_default_root();
	unsetenv("XDG_RUNTIME_DIR");
	c = rootless_default_root();
	if (a == NULL || strcmp(a, "/run/user/65534/cvisor") != 0)
		return 1;
	return b != NULL || c != NULL ? 2 : 0;
}

TEST(default_root_follows_runc)
{
	cleanup_free char *r = NULL;

	if (geteuid() != 0 || cgroup_is_rootless())
		SKIP("needs the host's root");
	setenv("XDG_RUNTIME_DIR", "/run/user/0", 1);
	r = rootless_default_root();
	unsetenv("XDG_RUNTIME_DIR");
	CHECK(r == NULL);	/* the host's root keeps /run/cvisor */
	CHECK_EQ(as_nobody(default_root_rule), 0);
}

/* On the real host, as nobody: no cgroup is writable there (unless the
 * host delegated one to uid 65534). */
static int no_cgroup_without_limit(void)
{
	const struct cgroup_layout *l;
	struct cgroup *cg = (struct cgroup *)1;
	struct cv_error *e = NULL;
	struct oci_resources r = { .present = true, .has_memory = true };
	int rc;

	if (!cgroup_is_rootless() || cgroup_layout_host(&l, &e) < 0)
		return 10;
	if (cgroup_rootless_create(l, "rl-unit", NULL, "/cvisor/rl-unit",
				   NULL, &cg, &e) < 0 || cg != NULL)
		return 11;
	r.memory.has_limit = true;
	r.memory.limit = 1 << 26;
	rc = cgroup_rootless_create(l, "rl-unit", NULL, "/cvisor/rl-unit", &r,
				    &cg, &e);
	if (rc == 0) {
		cgroup_destroy(cg, NULL);
		cgroup_free(cg);
		return 12;
	}
	if (e == NULL || strstr(e->msg, "linux.resources.memory") == NULL)
		return 13;
	cv_error_free(&e);
	return 0;
}

TEST(rootless_cgroup_optional_without_limits)
{
	const struct cgroup_layout *l;
	struct cv_error *e = NULL;

	if (geteuid() != 0)
		SKIP("needs root to become another user");
	if (cgroup_layout_host(&l, &e) < 0) {
		cv_error_free(&e);
		SKIP("no cgroup filesystem");
	}
	CHECK_EQ(as_nobody(no_cgroup_without_limit), 0);
}

int main(void)
{
	return test_main();
}
