/* SPDX-License-Identifier: Apache-2.0 */
/* runsc/mounts.c: the mount plan built from a spec, option translation,
 * safe creation of mount points inside a root (symlink escapes), and, as
 * root, the gofer's whole root built in a throw-away mount namespace. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "oci/config.h"
#include "runsc/mounts.h"
#include "tests/unit/test.h"

#define TMPFS_MAGIC 0x01021994
#define DEVPTS_MAGIC 0x1cd1

static struct oci_spec *parse(const char *json)
{
	cleanup_error struct cv_error *err = NULL;
	struct oci_spec *s = NULL;

	if (oci_spec_parse(json, strlen(json), "config.json", &s, &err) < 0)
		FAILF("%s", err->msg);
	return s;
}

static const char *base_json =
	"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
	"\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
	"\"user\":{\"uid\":0,\"gid\":0}},"
	"\"mounts\":["
	"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/tmp\","
	"\"options\":[\"rbind\",\"ro\",\"nosuid\"]},"
	"{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
	"\"options\":[\"nosuid\",\"size=1m\",\"mode=700\"]},"
	"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\"}"
	"]}";

TEST(plan_orders_dev_first_and_classifies)
{
	cleanup_spec struct oci_spec *s = parse(base_json);
	cleanup_error struct cv_error *err = NULL;
	struct mount_plan p;

	CHECK(mount_plan_build(s, &p, &err) == 0);
	CHECK_EQ(p.n, 7);
	CHECK_STREQ(p.ops[0].dest, "/dev");
	CHECK_EQ(p.ops[0].index, -1);
	CHECK_STREQ(p.ops[0].fstype, "tmpfs");
	CHECK_EQ(p.ops[1].kind, MOUNT_OP_VIRTUAL);
	CHECK_EQ(p.ops[2].kind, MOUNT_OP_BIND);
	CHECK_EQ(p.ops[2].index, 1);
	CHECK(p.ops[2].recursive);
	CHECK(p.ops[2].flags & MS_RDONLY);
	CHECK(p.ops[2].flags & MS_NOSUID);
	CHECK_EQ(p.ops[3].kind, MOUNT_OP_FS);
	CHECK_STREQ(p.ops[3].data, "size=1m,mode=700");
	CHECK_EQ(p.ops[4].kind, MOUNT_OP_VIRTUAL);
	CHECK_STREQ(p.ops[5].dest, "/dev/pts");
	CHECK_STREQ(p.ops[5].fstype, "devpts");
	CHECK(strstr(p.ops[5].data, "newinstance") != NULL);
	CHECK_STREQ(p.ops[6].dest, "/dev/shm");
	mount_plan_clear(&p);
}

TEST(plan_keeps_spec_dev_mounts)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},"
		"\"mounts\":[{\"destination\":\"/dev\",\"type\":\"tmpfs\","
		"\"source\":\"tmpfs\",\"options\":[\"mode=755\"]},"
		"{\"destination\":\"/dev/pts\",\"type\":\"devpts\","
		"\"source\":\"devpts\",\"options\":[\"newinstance\"]},"
		"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\","
		"\"source\":\"shm\"}]}");
	cleanup_error struct cv_error *err = NULL;
	struct mount_plan p;

	CHECK(mount_plan_build(s, &p, &err) == 0);
	CHECK_EQ(p.n, 3);
	CHECK_EQ(p.ops[0].index, 0);
	CHECK_EQ(p.ops[1].index, 1);
	CHECK_STREQ(p.ops[2].source, "shm");
	mount_plan_clear(&p);
}

TEST(plan_records_mounts_under_virtual_ones)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},"
		"\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\","
		"\"source\":\"proc\"},{\"destination\":\"/proc/meminfo\","
		"\"type\":\"bind\",\"source\":\"/tmp\",\"options\":"
		"[\"bind\"]},{\"destination\":\"/procx\",\"type\":"
		"\"bind\",\"source\":\"/tmp\",\"options\":[\"bind\"]}]}");
	cleanup_error struct cv_error *err = NULL;
	struct mount_plan p;

	CHECK(mount_plan_build(s, &p, &err) == 0);
	CHECK_EQ(p.ops[2].kind, MOUNT_OP_VIRTUAL);
	CHECK_STREQ(p.ops[2].dest, "/proc/meminfo");
	CHECK_EQ(p.ops[3].kind, MOUNT_OP_BIND);
	mount_plan_clear(&p);
}

TEST(mount_attr_translation)
{
	CHECK_EQ(mount_attr_from_ms(MS_RDONLY | MS_NOSUID | MS_NODEV |
				    MS_NOEXEC),
		 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			 MOUNT_ATTR_NOEXEC);
	CHECK_EQ(mount_attr_from_ms(MS_NOATIME), MOUNT_ATTR_NOATIME);
	CHECK_EQ(mount_attr_from_ms(MS_STRICTATIME), MOUNT_ATTR_STRICTATIME);
	CHECK_EQ(mount_attr_from_ms(MS_BIND | MS_REC), 0);
	CHECK_EQ(mount_propagation_flags(OCI_PROP_RSLAVE), MS_SLAVE | MS_REC);
	CHECK_EQ(mount_propagation_flags(OCI_PROP_SHARED), MS_SHARED);
	CHECK_EQ(mount_propagation_flags(OCI_PROP_NONE), 0);
}

/* A scratch root: <tmp>/root with <tmp>/outside beside it. */
static char *scratch(void)
{
	char tmpl[] = "/tmp/cvisor-test-mounts.XXXXXX";
	char *dir, *p = NULL;

	dir = mkdtemp(tmpl);
	if (dir == NULL || asprintf(&p, "%s/root", dir) < 0 ||
	    mkdir(p, 0755) < 0)
		FAILF("scratch: %s", strerror(errno));
	return p;
}

static void rm_rf(const char *root)
{
	char cmd[PATH_MAX + 32];
	int n = (int)(strrchr(root, '/') - root);

	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", n, root);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup of %s failed\n", root);
}

static bool exists_at(const char *root, const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return lstat(p, &st) == 0;
}

TEST(resolve_absolute_symlink_stays_inside)
{
	cleanup_free char *root = scratch();
	cleanup_error struct cv_error *err = NULL;
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY);
	cleanup_close int fd = -1;
	char p[PATH_MAX];
	int r;

	snprintf(p, sizeof(p), "%s/etc", root);
	CHECK(symlink("/", p) == 0);
	r = mount_resolve(rootfd, "/etc/cvisor-escape-test", MOUNT_CREATE_DIR,
			  &fd, &err);
	rm_rf(root);
	CHECK(access("/cvisor-escape-test", F_OK) < 0);
	CHECK_EQ(r, 0);
}

TEST(resolve_lands_in_root)
{
	cleanup_free char *root = scratch();
	cleanup_error struct cv_error *err = NULL;
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY);
	cleanup_close int fd = -1;
	char p[PATH_MAX];
	bool inside, file_ok;
	struct stat st;

	snprintf(p, sizeof(p), "%s/etc", root);
	CHECK(symlink("/", p) == 0);
	snprintf(p, sizeof(p), "%s/up", root);
	CHECK(symlink("../../../../..", p) == 0);
	CHECK(mount_resolve(rootfd, "/etc/foo", MOUNT_CREATE_DIR, &fd,
			    &err) == 0);
	inside = exists_at(root, "foo") && !exists_at(root, "../foo");
	close(steal_fd(fd));
	CHECK(mount_resolve(rootfd, "/up/a/b/file", MOUNT_CREATE_FILE, &fd,
			    &err) == 0);
	file_ok = fstat(fd, &st) == 0 && exists_at(root, "a/b/file");
	rm_rf(root);
	CHECK(inside);
	CHECK(file_ok);
}

TEST(resolve_refuses_dangling_symlink)
{
	cleanup_free char *root = scratch();
	cleanup_error struct cv_error *err = NULL;
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY);
	cleanup_close int fd = -1;
	char p[PATH_MAX];
	int r;

	snprintf(p, sizeof(p), "%s/x", root);
	CHECK(symlink("/nonexistent-cvisor/y", p) == 0);
	r = mount_resolve(rootfd, "/x/z", MOUNT_CREATE_DIR, &fd, &err);
	rm_rf(root);
	CHECK(r < 0);
	CHECK_EQ(err->errnum, ELOOP);
	CHECK(access("/nonexistent-cvisor", F_OK) < 0);
}

TEST(resolve_no_create_reports_enoent)
{
	cleanup_free char *root = scratch();
	cleanup_error struct cv_error *err = NULL;
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY);
	cleanup_close int fd = -1;
	int r;

	r = mount_resolve(rootfd, "/missing", MOUNT_NO_CREATE, &fd, &err);
	rm_rf(root);
	CHECK(r < 0);
	CHECK_EQ(err->errnum, ENOENT);
	CHECK(strstr(err->msg, "/missing") != NULL);
}

TEST(resolve_refuses_dotdot_when_creating)
{
	cleanup_free char *root = scratch();
	cleanup_error struct cv_error *err = NULL;
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY);
	cleanup_close int fd = -1;
	int r;

	r = mount_resolve(rootfd, "/a/../../b", MOUNT_CREATE_DIR, &fd, &err);
	rm_rf(root);
	CHECK(r < 0);
	CHECK_EQ(err->errnum, EINVAL);
}

/* ---- the whole gofer root, as root, in a private mount namespace ---- */

static int check_root(void)
{
	struct statfs sf;
	struct stat st;

	if (stat("/dev/null", &st) < 0 || !S_ISCHR(st.st_mode))
		return 10;
	if (statfs("/dev/pts", &sf) < 0 || sf.f_type != DEVPTS_MAGIC)
		return 11;
	if (statfs("/run", &sf) < 0 || sf.f_type != TMPFS_MAGIC)
		return 12;
	if (access("/data/marker", F_OK) < 0)
		return 13;
	if (mkdir("/data/x", 0755) == 0 || errno != EROFS)
		return 14;
	if (mkdir("/newdir", 0755) == 0 || errno != EROFS)
		return 15;
	if (readlink("/dev/ptmx", (char[16]){ 0 }, 16) < 0)
		return 16;
	if (access("/proc/self", F_OK) == 0)	/* no /proc: the sentry's */
		return 17;
	if (access("/work/cwd", F_OK) < 0)
		return 18;
	if (access("/host-marker-cvisor", F_OK) == 0)
		return 19;
	/* linux.devices: made with the config's numbers and mode */
	if (lstat("/dev/cvfuse", &st) < 0 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) != 10 || minor(st.st_rdev) != 229 ||
	    (st.st_mode & 0777) != 0640 || st.st_uid != 7)
		return 20;
	/* maskedPaths: /dev/null over a file, an empty tmpfs over a dir */
	if (stat("/etc/secret", &st) < 0 || !S_ISCHR(st.st_mode))
		return 21;
	if (statfs("/etc/secretdir", &sf) < 0 || sf.f_type != TMPFS_MAGIC ||
	    access("/etc/secretdir/inner", F_OK) == 0)
		return 22;
	/* readonlyPaths, inside a writable tmpfs */
	if (mkdir("/run2/x", 0755) == 0 || errno != EROFS)
		return 23;
	if (mkdir("/run/rw", 0755) < 0)
		return 24;
	if (readlink("/dev/fd", (char[32]){ 0 }, 32) != 13)
		return 25;
	return 0;
}

TEST(setup_root_builds_the_gofer_view)
{
	cleanup_free char *root = NULL, *json = NULL, *src = NULL;
	char p[PATH_MAX];
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP("needs root");
	root = scratch();
	if (asprintf(&src, "%s/../src", root) < 0 || mkdir(src, 0755) < 0)
		FAILF("mkdir");
	snprintf(p, sizeof(p), "%s/marker", src);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof(p), "%s/etc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/secret", root);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof(p), "%s/etc/secretdir/inner", root);
	if (cv_mkdir_p(p, 0755, NULL) < 0)
		FAILF("mkdir etc/secretdir");
	if (asprintf(&json,
		     "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"%s\","
		     "\"readonly\":true},\"process\":{\"args\":[\"sh\"],"
		     "\"cwd\":\"/work/cwd\",\"user\":{\"uid\":0,\"gid\":0}},"
		     "\"mounts\":[{\"destination\":\"/proc\",\"type\":"
		     "\"proc\",\"source\":\"proc\"},{\"destination\":"
		     "\"/data\",\"type\":\"bind\",\"source\":\"%s\","
		     "\"options\":[\"rbind\",\"ro\"]},{\"destination\":"
		     "\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
		     "{\"destination\":\"/run2\",\"type\":\"tmpfs\","
		     "\"source\":\"tmpfs\"}],"
		     "\"linux\":{\"devices\":[{\"path\":\"/dev/cvfuse\","
		     "\"type\":\"c\",\"major\":10,\"minor\":229,"
		     "\"fileMode\":416,\"uid\":7,\"gid\":7}],"
		     "\"maskedPaths\":[\"/etc/secret\",\"/etc/secretdir\","
		     "\"/proc/kcore\"],\"readonlyPaths\":[\"/run2\"]}}",
		     root, src) < 0)
		FAILF("asprintf");
	pid = fork();
	if (pid == 0) {
		struct cv_error *err = NULL;
		struct oci_spec *s = NULL;

		if (oci_spec_parse(json, strlen(json), "t", &s, &err) < 0)
			_exit(2);
		free(s->rootfs);
		s->rootfs = strdup(root);
		if (unshare(CLONE_NEWNS) < 0)
			_exit(3);
		if (mounts_setup_root(s, &err) < 0) {
			fprintf(stderr, "setup: %s\n", err->msg);
			_exit(4);
		}
		_exit(check_root());
	}
	waitpid(pid, &status, 0);
	rm_rf(root);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

TEST(setup_root_names_a_missing_bind_source)
{
	cleanup_free char *root = NULL, *json = NULL;
	int status, fds[2];
	char buf[512] = { 0 };
	pid_t pid;

	if (geteuid() != 0)
		SKIP("needs root");
	root = scratch();
	if (asprintf(&json,
		     "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"%s\"},"
		     "\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\","
		     "\"source\":\"tmpfs\"},{\"destination\":\"/b\","
		     "\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
		     "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":"
		     "\"/nonexistent-cvisor\",\"options\":[\"bind\"]}]}",
		     root) < 0 || pipe(fds) < 0)
		FAILF("set-up");
	pid = fork();
	if (pid == 0) {
		struct cv_error *err = NULL;
		struct oci_spec *s = NULL;

		if (oci_spec_parse(json, strlen(json), "t", &s, &err) < 0)
			_exit(2);
		free(s->rootfs);
		s->rootfs = strdup(root);
		if (unshare(CLONE_NEWNS) < 0)
			_exit(3);
		if (mounts_setup_root(s, &err) == 0)
			_exit(0);
		if (write(fds[1], err->msg, strlen(err->msg)) < 0)
			_exit(5);
		_exit(1);
	}
	close(fds[1]);
	if (read(fds[0], buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	rm_rf(root);
	CHECK_EQ(WEXITSTATUS(status), 1);
	CHECK_STREQ(buf, "mounts[2].source: /nonexistent-cvisor: No such "
			 "file or directory");
}

int main(void)
{
	return test_main();
}
