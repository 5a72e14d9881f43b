/* SPDX-License-Identifier: Apache-2.0 */
/* The config's seccomp profile: parsed from JSON, loaded in a forked child,
 * and the child checks what its system calls now return. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "oci/config.h"
#include "runsc/seccomp_profile.h"
#include "tests/unit/test.h"

#define HEAD "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}," \
	     "\"linux\":{\"seccomp\":"

static struct oci_spec *parse(const char *seccomp_json)
{
	cleanup_error struct cv_error *err = NULL;
	cleanup_free char *json = NULL;
	struct oci_spec *s = NULL;

	if (asprintf(&json, HEAD "%s}}", seccomp_json) < 0)
		FAILF("asprintf");
	if (oci_spec_parse(json, strlen(json), "config.json", &s, &err) < 0)
		FAILF("%s", err->msg);
	return s;
}

/* Runs fn in a child after loading s; returns the raw wait status. */
static int run_child(const struct oci_seccomp *s, int (*fn)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct cv_error *err = NULL;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(100);
		if (seccomp_profile_load(s, &err) < 0) {
			fprintf(stderr, "%s\n", err->msg);
			_exit(101);
		}
		/* exit_group directly: sanitizer runtimes hook _exit() and
		 * need syscalls a default-deny profile refuses. */
		syscall(SYS_exit_group, fn());
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* Returns 0 when syscall result r/errno matches want (want_errno 0: r >= 0
 * expected), else the check number n. */
#define EXPECT(n, call, want_errno)                                         \
	do {                                                                \
		long r_;                                                    \
		errno = 0;                                                  \
		r_ = (call);                                                \
		if ((want_errno) == 0 ? r_ < 0 :                            \
					(r_ != -1 || errno != (want_errno))) \
			return n;                                           \
	} while (0)

static const char rules_json[] =
	"{\"defaultAction\":\"SCMP_ACT_ALLOW\","
	"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],"
	"\"syscalls\":["
	"{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"
	"{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"},"
	"{\"names\":[\"no_such_syscall\",\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":77},"
	"{\"names\":[\"mkdirat\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
	" \"args\":[{\"index\":2,\"value\":511,\"valueTwo\":448,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
	"{\"names\":[\"dup\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":52,"
	" \"args\":[{\"index\":0,\"value\":100,\"op\":\"SCMP_CMP_EQ\"},"
	"          {\"index\":0,\"value\":101,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"lseek\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":6,"
	" \"args\":[{\"index\":1,\"value\":12345,\"op\":\"SCMP_CMP_EQ\"},"
	"          {\"index\":2,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]},"
	"{\"names\":[\"getpgid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":33,"
	" \"args\":[{\"index\":0,\"value\":1000000,\"op\":\"SCMP_CMP_GT\"}]},"
	"{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	"{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_LOG\"}"
	"]}";

static int rules_child(void)
{
	char buf[256];
	const char *p = "/nonexistent-cvisor-dir/x";

	EXPECT(1, syscall(SYS_uname, buf), 38);
	EXPECT(2, syscall(SYS_getcwd, buf, sizeof(buf)), EPERM);
	EXPECT(3, syscall(SYS_getppid), 77);
	EXPECT(4, syscall(SYS_mkdirat, AT_FDCWD, p, 0700), EACCES);
	EXPECT(5, syscall(SYS_mkdirat, AT_FDCWD, p, 01700), EACCES);
	EXPECT(6, syscall(SYS_mkdirat, AT_FDCWD, p, 0755), ENOENT);
	/* Two conditions on one argument: either matches. */
	EXPECT(7, syscall(SYS_dup, 100), 52);
	EXPECT(8, syscall(SYS_dup, 101), 52);
	EXPECT(9, syscall(SYS_dup, 102), EBADF);
	/* Conditions on two arguments: both must match. */
	EXPECT(10, syscall(SYS_lseek, -1, 12345, SEEK_END), 6);
	EXPECT(11, syscall(SYS_lseek, -1, 12345, SEEK_SET), EBADF);
	EXPECT(12, syscall(SYS_lseek, -1, 1, SEEK_END), EBADF);
	EXPECT(13, syscall(SYS_getpgid, 2000000), 33);
	EXPECT(14, syscall(SYS_getpgid, 0), 0);
	EXPECT(15, syscall(SYS_getpid), 0);
	EXPECT(16, syscall(SYS_getuid), 0);
	return 0;
}

TEST(actions_errno_and_argument_conditions)
{
	cleanup_spec struct oci_spec *s = parse(rules_json);
	int st = run_child(&s->linux_.seccomp, rules_child);

	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static int default_child(void)
{
	EXPECT(1, syscall(SYS_getppid), 38);
	EXPECT(2, syscall(SYS_getuid), 38);
	EXPECT(3, syscall(SYS_getpid), 0);
	return 0;
}

TEST(default_action_with_errno_ret)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
		"\"syscalls\":[{\"names\":[\"exit_group\",\"exit\",\"getpid\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"},"
		"{\"names\":[\"getuid\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"errnoRet\":38}]}");
	int st = run_child(&s->linux_.seccomp, default_child);

	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static int stub_child(void)
{
	/* getuid (102) is below the highest named syscall (exit_group,
	 * 231): the default action. openat (257) and 1000 are above it. */
	EXPECT(1, syscall(SYS_getuid), EPERM);
	EXPECT(2, syscall(SYS_openat, -1, "x", 0), ENOSYS);
	EXPECT(3, syscall(1000), ENOSYS);
	EXPECT(4, syscall(SYS_getpid), 0);
	return 0;
}

TEST(newer_syscalls_get_enosys_under_a_refusing_default)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":"
		"[{\"names\":[\"exit_group\",\"exit\",\"getpid\"],"
		"\"action\":\"SCMP_ACT_ALLOW\"}]}");
	int st = run_child(&s->linux_.seccomp, stub_child);

	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static int getppid_child(void)
{
	syscall(SYS_getppid);
	return 0;
}

TEST(kill_process_action)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
		"[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}");
	int st = run_child(&s->linux_.seccomp, getppid_child);

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGSYS);
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	_exit(si->si_syscall == SYS_getppid ? 42 : 43);
}

static int trap_child(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys,
				.sa_flags = SA_SIGINFO };

	sigaction(SIGSYS, &sa, NULL);
	syscall(SYS_getppid);
	return 1;
}

TEST(trap_action_delivers_sigsys)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\","
		"\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\",\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
		"\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_TRAP\"}]}");
	int st = run_child(&s->linux_.seccomp, trap_child);

	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 42);
}

TEST(kill_thread_action_kills_a_single_threaded_process)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
		"[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_KILL\"}]}");
	int st = run_child(&s->linux_.seccomp, getppid_child);

	CHECK(WIFSIGNALED(st));
	CHECK_EQ(WTERMSIG(st), SIGSYS);
}

static int trace_child(void)
{
	/* No tracer: SECCOMP_RET_TRACE fails the call with ENOSYS. */
	EXPECT(1, syscall(SYS_getppid), ENOSYS);
	return 0;
}

TEST(trace_action_without_tracer)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
		"[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_TRACE\","
		"\"errnoRet\":7}]}");
	int st = run_child(&s->linux_.seccomp, trace_child);

	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

static int tsync_pipe[2];

static void *tsync_thread(void *arg)
{
	char c;
	long r;

	(void)arg;
	if (read(tsync_pipe[0], &c, 1) != 1)
		return (void *)1L;
	errno = 0;
	r = syscall(SYS_uname, NULL);
	return (void *)(long)(r == -1 && errno == 38 ? 0 : 2);
}

TEST(tsync_flag_covers_other_threads)
{
	cleanup_spec struct oci_spec *s = parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\","
		"\"flags\":[\"SECCOMP_FILTER_FLAG_TSYNC\"],\"syscalls\":"
		"[{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_ERRNO\","
		"\"errnoRet\":38}]}");
	int status = -1;
	pid_t pid;

	CHECK(pipe(tsync_pipe) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct cv_error *err = NULL;
		void *res = (void *)3L;
		pthread_t t;

		if (pthread_create(&t, NULL, tsync_thread, NULL) != 0)
			_exit(10);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    seccomp_profile_load(&s->linux_.seccomp, &err) < 0)
			_exit(11);
		if (write(tsync_pipe[1], "x", 1) != 1)
			_exit(12);
		pthread_join(t, &res);
		_exit((int)(long)res);
	}
	close(tsync_pipe[0]);
	close(tsync_pipe[1]);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
}

TEST(rule_equal_to_default_is_skipped)
{
	/* libseccomp refuses such rules; runc skips them, so do we. */
	cleanup_spec struct oci_spec *s = parse(
		"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":"
		"[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
	int st = run_child(&s->linux_.seccomp, default_child);

	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 1);	/* getppid allowed: check 1 fails */
}

static int containerd_child(void)
{
	EXPECT(1, syscall(SYS_getpid), 0);
	/* In the ERRNO(EPERM) list. */
	EXPECT(2, syscall(SYS_kexec_load, 0, 0, 0, 0), EPERM);
	/* Listed nowhere: the default action, ERRNO(ENOSYS). */
	EXPECT(3, syscall(SYS_add_key, 0, 0, 0, 0, 0), ENOSYS);
	/* Allowed (CAP_SYS_CHROOT is in the default set). */
	EXPECT(4, syscall(SYS_chroot, "/nonexistent-cvisor"), ENOENT);
	/* Only a few personality values are allowed. */
	EXPECT(5, syscall(SYS_personality, 0x0400000UL), ENOSYS);
	EXPECT(7, syscall(SYS_personality, 0xffffffffUL), 0);
	EXPECT(6, syscall(SYS_uname, NULL), EFAULT);
	return 0;
}

TEST(containerd_default_profile_loads)
{
	const char *src = getenv("CVISOR_SRC");
	cleanup_error struct cv_error *err = NULL;
	cleanup_free char *path = NULL;
	cleanup_spec struct oci_spec *s = NULL;
	cleanup_free char *json = NULL;
	size_t len;
	int st;

	if (asprintf(&path, "%s/tests/data/config/containerd-seccomp.json",
		     src ? src : ".") < 0)
		FAILF("asprintf");
	if (cv_read_file(path, &json, &len, &err) < 0 ||
	    oci_spec_parse(json, len, "config.json", &s, &err) < 0)
		FAILF("%s", err->msg);
	CHECK(s->linux_.seccomp.present);
	CHECK_EQ(s->linux_.seccomp.default_errno_ret, ENOSYS);
	st = run_child(&s->linux_.seccomp, containerd_child);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 0);
}

TEST(export_writes_bpf)
{
	cleanup_spec struct oci_spec *s = parse(rules_json);
	cleanup_error struct cv_error *err = NULL;
	cleanup_close int fd = memfd_create("bpf", MFD_CLOEXEC);
	struct stat st;

	CHECK(fd >= 0);
	if (seccomp_profile_export(&s->linux_.seccomp, fd, &err) < 0)
		FAILF("%s", err->msg);
	CHECK(fstat(fd, &st) == 0);
	CHECK(st.st_size > 0);
	CHECK_EQ(st.st_size % 8, 0);	/* struct sock_filter */
}

TEST(absent_profile_is_a_no_op)
{
	struct oci_seccomp none = { .present = false };
	cleanup_error struct cv_error *err = NULL;
	cleanup_close int fd = memfd_create("bpf", MFD_CLOEXEC);

	CHECK_EQ(seccomp_profile_load(&none, &err), 0);
	CHECK(err == NULL);
	CHECK(seccomp_profile_export(&none, fd, &err) < 0);
	CHECK_CONTAINS(err->msg, "no profile");
}

TEST(unsupported_action_is_an_error)
{
	struct oci_seccomp s = { .present = true,
				 .default_action = OCI_SCMP_NOTIFY };
	cleanup_error struct cv_error *err = NULL;
	cleanup_close int fd = memfd_create("bpf", MFD_CLOEXEC);

	CHECK(seccomp_profile_export(&s, fd, &err) < 0);
	CHECK_CONTAINS(err->msg, "not supported");
}

int main(void)
{
	return test_main();
}
