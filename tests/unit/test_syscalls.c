// SPDX-License-Identifier: Apache-2.0
/*
 * syscalls/: the table's coverage and decisions, and the real BPF filter
 * loaded into forked children.
 *
 *	test_syscalls              run the tests
 *	test_syscalls --markdown   print docs/syscalls.md
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "syscalls/table.h"
#include "tests/unit/test.h"

#define UNISTD_64 "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"

/* Numbers newer than the installed kernel headers (unistd_64.h). */
static const char *const newer[] = {
	"cachestat", "fchmodat2", "map_shadow_stack", "futex_wake",
	"futex_wait", "futex_requeue", "statmount", "listmount",
	"lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules",
	"mseal", "setxattrat", "getxattrat", "listxattrat", "removexattrat",
	"open_tree_attr", "file_getattr", "file_setattr",
};

TEST(table_covers_every_unistd_number)
{
	cleanup_fclose FILE *f = fopen(UNISTD_64, "r");
	char line[256], name[128];
	int nr, seen = 0, max = -1;

	if (f == NULL)
		SKIP("%s: %s", UNISTD_64, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		const struct sc_entry *e;

		if (sscanf(line, "#define __NR_%127s %d", name, &nr) != 2)
			continue;
		e = sc_lookup(nr);
		if (e == NULL)
			FAILF("__NR_%s (%d) is not in the table", name, nr);
		if (strcmp(e->name, name) != 0)
			FAILF("%d is %s in unistd_64.h, %s in the table", nr,
			      name, e->name);
		seen++;
		max = nr > max ? nr : max;
	}
	CHECK(seen > 300);
	for (size_t i = 0; i < ARRAY_SIZE(newer); i++) {
		const struct sc_entry *e = sc_lookup(451 + (long)i);

		CHECK(e != NULL);
		CHECK_STREQ(e->name, newer[i]);
	}
	/* Also newer: the uprobe trampolines' calls (6.11, 6.16). */
	CHECK_STREQ(sc_lookup(335)->name, "uretprobe");
	CHECK_STREQ(sc_lookup(336)->name, "uprobe");
	/* Exactly 0..336 and 424..469. */
	CHECK_EQ(sc_table_len, 337 + (SC_NR_MAX - 424 + 1));
	CHECK_EQ(451 + (int)ARRAY_SIZE(newer) - 1, SC_NR_MAX);
	CHECK(max <= SC_NR_MAX);
	CHECK_EQ(sc_table[sc_table_len - 1].nr, SC_NR_MAX);
}

TEST(rows_sorted_unique_and_indexed)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_entry *e = &sc_table[i];

		if (i > 0 && e->nr <= sc_table[i - 1].nr)
			FAILF("row %zu (%s) out of order", i, e->name);
		if (sc_lookup(e->nr) != e)
			FAILF("sc_lookup(%d) is not %s", e->nr, e->name);
		if (sc_lookup_name(e->name) != e)
			FAILF("sc_lookup_name(%s) finds another row", e->name);
	}
	CHECK(sc_lookup(-1) == NULL);
	CHECK(sc_lookup(337) == NULL);
	CHECK(sc_lookup(423) == NULL);
	CHECK(sc_lookup(SC_NR_MAX + 1) == NULL);
	CHECK(sc_lookup(0x40000000 | 39) == NULL);
	CHECK(sc_lookup_name("no_such_syscall") == NULL);
	CHECK(sc_lookup_name(NULL) == NULL);
	CHECK_EQ(sc_lookup_name("openat")->nr, __NR_openat);
}

TEST(names_match_libseccomp)
{
	int unknown = 0;

	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_entry *e = &sc_table[i];
		cleanup_free char *n =
			seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, e->nr);

		if (n == NULL) {	/* newer than this libseccomp */
			unknown++;
			continue;
		}
		if (strcmp(n, e->name) != 0)
			FAILF("%d: libseccomp says %s, table %s", e->nr, n,
			      e->name);
	}
	CHECK(unknown < 40);
}

TEST(rows_are_complete_decisions)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_entry *e = &sc_table[i];

		if (e->disp == SC_DENY && e->err <= 0)
			FAILF("%s: DENY without an errno", e->name);
		if (e->disp != SC_DENY && e->err != 0)
			FAILF("%s: errno on a non-DENY row", e->name);
		if (e->disp == SC_DENY && sc_errno_name(e->err) == NULL)
			FAILF("%s: errno %d has no name", e->name, e->err);
		if (e->note == NULL || strlen(e->note) < 8)
			FAILF("%s: no note", e->name);
		if (e->nargs > 6)
			FAILF("%s: %u args", e->name, e->nargs);
		for (unsigned a = e->nargs; a < 6; a++) {
			if (e->args[a] != SC_A_NONE)
				FAILF("%s: format for absent arg %u", e->name,
				      a);
		}
		for (unsigned a = 0; a < e->nargs; a++) {
			if (e->args[a] == SC_A_NONE)
				FAILF("%s: arg %u has no format", e->name, a);
		}
		if ((e->flags & SC_F_TRACE) && e->disp != SC_EMULATE)
			FAILF("%s: SC_F_TRACE on a non-EMULATE row", e->name);
		if ((e->flags & SC_F_RULES) && e->disp == SC_DENY)
			FAILF("%s: rules on a DENY row", e->name);
	}
}

/* docs/architecture.md, invariant 1. */
static const char *const path_calls[] = {
	"open", "openat", "openat2", "creat", "stat", "lstat", "newfstatat",
	"statx", "access", "faccessat", "faccessat2", "readlink",
	"readlinkat", "mkdir", "mkdirat", "mknod", "mknodat", "rmdir",
	"unlink", "unlinkat", "rename", "renameat", "renameat2", "link",
	"linkat", "symlink", "symlinkat", "chmod", "fchmodat", "fchmodat2",
	"chown", "lchown", "fchownat", "utime", "utimes", "futimesat",
	"utimensat", "truncate", "statfs", "chdir", "fchdir", "getcwd",
	"chroot", "setxattr", "lsetxattr", "getxattr", "lgetxattr",
	"listxattr", "llistxattr", "removexattr", "lremovexattr",
	"setxattrat", "getxattrat", "listxattrat", "removexattrat",
	"inotify_add_watch", "execve", "execveat", "bind", "connect",
	"sendmsg", "sendmmsg", "sendto",
};

/* Path-taking calls that are refused outright instead. */
static const char *const path_calls_denied[] = {
	"uselib", "acct", "swapon", "swapoff", "mount", "umount2",
	"pivot_root", "name_to_handle_at", "fanotify_mark", "quotactl",
	"open_tree", "move_mount", "fspick", "mount_setattr",
	"open_tree_attr",
};

TEST(path_taking_syscalls_are_emulated)
{
	for (size_t i = 0; i < ARRAY_SIZE(path_calls); i++) {
		const struct sc_entry *e = sc_lookup_name(path_calls[i]);

		if (e == NULL || e->disp != SC_EMULATE)
			FAILF("%s is not EMULATE", path_calls[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(path_calls_denied); i++) {
		const struct sc_entry *e = sc_lookup_name(path_calls_denied[i]);

		if (e == NULL || e->disp != SC_DENY)
			FAILF("%s is not DENY", path_calls_denied[i]);
	}
	/* Every row with a path argument is covered by the lists above. */
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_entry *e = &sc_table[i];

		for (unsigned a = 0; a < e->nargs; a++) {
			if (e->args[a] == SC_A_PATH && e->disp == SC_PASS)
				FAILF("%s takes a path but is PASS", e->name);
		}
	}
}

/* docs/architecture.md, invariant 6. */
static const char *const dangerous[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register", "bpf",
	"perf_event_open", "kexec_load", "kexec_file_load", "init_module",
	"finit_module", "delete_module", "userfaultfd", "mount", "umount2", "pivot_root", "move_mount",
	"open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
	"mount_setattr", "open_tree_attr", "statmount", "listmount",
	"open_by_handle_at", "name_to_handle_at", "unshare", "setns",
	"process_vm_readv", "process_vm_writev", "kcmp",
	"iopl", "ioperm", "swapon", "swapoff", "reboot",
	"syslog", "acct", "quotactl", "quotactl_fd", "settimeofday",
	"clock_settime", "clock_adjtime", "adjtimex",
	"fanotify_init", "lookup_dcookie", "nfsservctl", "vhangup",
	"create_module", "get_kernel_syms", "query_module", "uselib",
};

TEST(dangerous_surface_is_denied)
{
	for (size_t i = 0; i < ARRAY_SIZE(dangerous); i++) {
		const struct sc_entry *e = sc_lookup_name(dangerous[i]);

		if (e == NULL || e->disp != SC_DENY)
			FAILF("%s is not DENY", dangerous[i]);
	}
	/* the sentry checks and copies the fd itself (sentry/pidfd.c) */
	CHECK_EQ(sc_lookup_name("pidfd_getfd")->disp, SC_EMULATE);
	CHECK_EQ(sc_lookup_name("io_uring_setup")->err, ENOSYS);
	/* clone_args are copied and checked by the sentry, which runs a
	 * clone of its own registers (sentry/clone3.c) */
	CHECK_EQ(sc_lookup_name("clone3")->disp, SC_EMULATE);
	CHECK_EQ(sc_lookup_name("bpf")->err, EPERM);
	CHECK_EQ(sc_lookup_name("unshare")->err, EPERM);
	/* ptrace is emulated between workload tasks: never the host's. */
	CHECK_EQ(sc_lookup_name("ptrace")->disp, SC_EMULATE);
	/* Argument-ruled rather than refused. */
	CHECK(sc_lookup_name("ioctl")->flags & SC_F_RULES);
	CHECK(sc_lookup_name("socket")->flags & SC_F_RULES);
	CHECK(sc_lookup_name("clone")->flags & SC_F_RULES);
	CHECK(sc_lookup_name("seccomp")->flags & SC_F_RULES);
}

/* Invariant 6 for the keyctl family: emulated in the sentry's own
 * keyrings (sentry/keys.c), never passed to the host's. */
TEST(keyctl_family_is_emulated)
{
	static const char *const keys[] = { "keyctl", "add_key",
					    "request_key" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct sc_entry *e = sc_lookup_name(keys[i]);

		if (e == NULL || e->disp != SC_EMULATE ||
		    (e->flags & (SC_F_RULES | SC_F_TRACE)))
			FAILF("%s is not a plain EMULATE row", keys[i]);
	}
}

static const char *const trace_calls[] = {
	"execve", "execveat", "setuid", "setgid", "setreuid", "setregid",
	"setresuid", "setresgid", "setfsuid", "setfsgid", "setgroups",
	"capset",
	"wait4",	/* a tracer's wait: emulated ptrace's stops */
	"waitid",	/* watched while a core dump is unreaped */
	"clone3",	/* run as a clone of the sentry's registers */
	"mbind",	/* marks the range's vmas (an injected madvise) */
};

TEST(trace_rows_are_exec_and_credentials)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(trace_calls); i++) {
		const struct sc_entry *e = sc_lookup_name(trace_calls[i]);

		CHECK(e != NULL && e->disp == SC_EMULATE);
		CHECK(e->flags & SC_F_TRACE);
	}
	for (size_t i = 0; i < sc_table_len; i++)
		n += !!(sc_table[i].flags & SC_F_TRACE);
	CHECK_EQ(n, ARRAY_SIZE(trace_calls));
}

TEST(filter_builds_in_every_mode)
{
	static const enum sc_filter_mode modes[] = { SC_FILTER_NOTIFY,
						     SC_FILTER_TRACE };
	struct sc_filter_opts bad = { .mode = 7 };

	for (size_t m = 0; m < 2; m++) {
		for (int s = 0; s < 2; s++) {
			struct sc_filter_opts o = { modes[m], s };
			char path[] = "/tmp/cvisor-bpf.XXXXXX";
			cleanup_close int fd = mkstemp(path);
			struct stat st;

			CHECK(fd >= 0);
			unlink(path);
			CHECK_EQ(sc_export_bpf(&o, fd), 0);
			CHECK_EQ(fstat(fd, &st), 0);
			CHECK(st.st_size > 0);
			CHECK_EQ(st.st_size % sizeof(struct sock_filter), 0);
			/* The kernel's limit is 4096 instructions. */
			CHECK(st.st_size / sizeof(struct sock_filter) < 4096);
		}
	}
	CHECK_EQ(sc_export_bpf(&bad, 1), -EINVAL);
	CHECK_EQ(sc_export_bpf(NULL, 1), -EINVAL);
}

static char *markdown(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	if (sc_print_table(f, SC_PRINT_MARKDOWN) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

TEST(docs_match_the_table)
{
	cleanup_free char *want = markdown(), *have = NULL;
	struct cv_error *err = NULL;
	size_t len;

	CHECK(want != NULL);
	if (cv_read_file("docs/syscalls.md", &have, &len, &err) < 0) {
		cv_error_free(&err);
		FAILF("docs/syscalls.md missing: regenerate it with "
		      "build/tests/unit/test_syscalls --markdown");
	}
	if (strcmp(want, have) != 0)
		FAILF("docs/syscalls.md is stale: regenerate it with "
		      "build/tests/unit/test_syscalls --markdown "
		      "> docs/syscalls.md");
}

TEST(print_formats)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f != NULL);
	CHECK_EQ(sc_print_table(f, SC_PRINT_JSON), 0);
	CHECK_EQ(sc_print_table(f, SC_PRINT_TEXT), 0);
	CHECK_EQ(sc_print_table(f, 42), -EINVAL);
	fclose(f);
	CHECK_CONTAINS(buf, "\"counts\":{\"PASS\":");
	CHECK_CONTAINS(buf, "{\"nr\":321,\"name\":\"bpf\",\"disposition\":"
			    "\"DENY\",\"errno\":1,\"errno_name\":\"EPERM\"");
	CHECK_CONTAINS(buf, "\n257  openat ");
	CHECK_CONTAINS(buf, "any other number: ENOSYS");
	free(buf);
	buf = markdown();
	CHECK_CONTAINS(buf, "| 321 | bpf | DENY(EPERM) |");
	CHECK_CONTAINS(buf, "| 59 | execve | EMULATE | trace |");
	free(buf);
}

/* ---- the real filter, in forked children ---- */

/* Each check in a child reports its line on failure. */
#define EXPECT_ERR(call, e)                                               \
	do {                                                              \
		errno = 0;                                                \
		long r_ = (long)(call);                                   \
		if (r_ != -1 || errno != (e)) {                           \
			fprintf(stderr, "%s:%d: %s = %ld errno %d, want %d\n", \
				__FILE__, __LINE__, #call, r_, errno, (e)); \
			return __LINE__;                                  \
		}                                                         \
	} while (0)

#define EXPECT_OK(call)                                                   \
	do {                                                              \
		errno = 0;                                                \
		long r_ = (long)(call);                                   \
		if (r_ < 0) {                                             \
			fprintf(stderr, "%s:%d: %s = %ld errno %d\n",     \
				__FILE__, __LINE__, #call, r_, errno);    \
			return __LINE__;                                  \
		}                                                         \
	} while (0)

/*
 * The child's listener, taken with pidfd_getfd: the child cannot send it
 * (sendmsg is itself intercepted, and under --strace so is write). Waits
 * until the filter is in place or the child has gone (its pidfd polls
 * readable; a wait would also see the stops of a traced child).
 */
static int take_listener(pid_t pid)
{
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);

	for (int tries = 0; pidfd >= 0 && tries < 2000; tries++) {
		struct pollfd gone = { .fd = pidfd, .events = POLLIN };

		for (int n = 3; n < 64; n++) {
			char path[64], link[64] = "";
			int fd = (int)syscall(SYS_pidfd_getfd, pidfd, n, 0);

			if (fd < 0)
				continue;
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			if (readlink(path, link, sizeof(link) - 1) > 0 &&
			    strstr(link, "seccomp notify") != NULL)
				return fd;
			close(fd);
		}
		if (poll(&gone, 1, 0) > 0)
			break;
		usleep(1000);
	}
	return -1;
}

/* The forked child: no_new_privs, the filter, fn; its result in *res. */
static __attribute__((noreturn)) void
filtered_child(const struct sc_filter_opts *o, int (*fn)(void),
	       volatile int *res)
{
	setsid();	/* no controlling terminal to hang up */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		_exit(250);
	if (sc_install_filter(o) < 0)
		_exit(251);
	*res = fn();
	_exit(0);
}

/* The child's result; -1 (and why, if it says) if it died before fn
 * returned. */
static int child_result(volatile int *res, int st)
{
	int ret = *res;

	munmap((void *)res, sizeof(int));
	if (ret == -1 && WIFEXITED(st))
		fprintf(stderr, "filtered child: exit %d\n", WEXITSTATUS(st));
	return ret;
}

/*
 * Forks; the child sets no_new_privs, installs the filter and runs fn.
 * Returns fn's result (0: pass, else the failing line), or -1 if the
 * child died before fn returned. on_listener, if set, runs in the parent with the listener
 * fd (NOTIFY mode) until the child has exited. No tracer: TRACE rows
 * fail with ENOSYS, as Linux does. Not for --strace filters, under
 * which every PASS call needs one (in_traced_child).
 */
static int in_filtered_child(const struct sc_filter_opts *o,
			     int (*fn)(void), void (*on_listener)(int fd))
{
	/* The result goes through shared memory: fn's line, not a status. */
	volatile int *res = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st;
	pid_t pid;

	if (res == MAP_FAILED)
		return -1;
	*res = -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		filtered_child(o, fn, res);
	if (on_listener != NULL) {
		cleanup_close int fd = take_listener(pid);

		if (fd >= 0)
			on_listener(fd);
		else
			kill(pid, SIGKILL);
	}
	if (waitpid(pid, &st, 0) != pid)
		st = -1;
	return child_result(res, st);
}

/*
 * --strace filters presuppose a tracer (the sentry, on both platforms):
 * without one every PASS call fails with ENOSYS, the runtime's own too
 * (libc's exit_group, or a sanitizer's mmap when free() refills its
 * quarantine inside sc_install_filter, after which AddressSanitizer's
 * report of the failure fails the same way and it spins in its die
 * path). So the parent traces the child as the sentry does: a strace
 * stop lets the call run; any other stop of our filter's is refused with
 * ENOSYS, as with no tracer. What stopped is counted by number.
 */
static int strace_stops[SC_NR_MAX + 1];
static int other_stops[SC_NR_MAX + 1];

static void trace_stop(pid_t pid, int st, const struct sc_filter_opts *o)
{
	unsigned long data = 0;
	struct user_regs_struct r;
	int sig = 0;

	if (st >> 16 == 0)
		sig = WSTOPSIG(st);	/* a signal: delivered */
	if (st >> 16 == PTRACE_EVENT_SECCOMP &&
	    ptrace(PTRACE_GETEVENTMSG, pid, 0, &data) == 0 &&
	    ptrace(PTRACE_GETREGS, pid, 0, &r) == 0 &&
	    r.orig_rax <= SC_NR_MAX) {
		if (data == SC_TRACE_DATA(o->tag, SC_TRACE_STRACE)) {
			strace_stops[r.orig_rax]++;
		} else {
			other_stops[r.orig_rax]++;
			r.orig_rax = -1ul;
			r.rax = -(unsigned long)ENOSYS;
			ptrace(PTRACE_SETREGS, pid, 0, &r);
		}
	}
	ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
}

struct listener_job {
	pid_t pid;
	void (*on_listener)(int fd);
};

static void *listener_thread(void *arg)
{
	struct listener_job *j = arg;
	cleanup_close int fd = take_listener(j->pid);

	if (fd >= 0)
		j->on_listener(fd);
	else
		kill(j->pid, SIGKILL);
	return NULL;
}

/* in_filtered_child() under the parent as tracer; on_listener runs in a
 * thread of its own while this one serves the stops. */
static int in_traced_child(const struct sc_filter_opts *o,
			   int (*fn)(void), void (*on_listener)(int fd))
{
	volatile int *res = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct listener_job job = { .on_listener = on_listener };
	pthread_t th;
	int go[2], st = -1;
	bool threaded = false;
	char c = 0;

	memset(strace_stops, 0, sizeof(strace_stops));
	memset(other_stops, 0, sizeof(other_stops));
	if (res == MAP_FAILED || pipe(go) < 0)
		return -1;
	*res = -1;
	job.pid = fork();
	if (job.pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)	/* until seized */
			_exit(252);
		filtered_child(o, fn, res);
	}
	close(go[0]);
	if (job.pid > 0 &&
	    ptrace(PTRACE_SEIZE, job.pid, 0,
		   PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) == 0 &&
	    write(go[1], &c, 1) == 1)
		threaded = on_listener == NULL ||
			   pthread_create(&th, NULL, listener_thread, &job) == 0;
	close(go[1]);
	if (job.pid > 0 && !threaded)
		kill(job.pid, SIGKILL);
	while (job.pid > 0 && waitpid(job.pid, &st, __WALL) == job.pid &&
	       WIFSTOPPED(st))
		trace_stop(job.pid, st, o);
	if (threaded && on_listener != NULL)
		pthread_join(th, NULL);
	return child_result(res, st);
}

static int child_denied_rows(void)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_entry *e = &sc_table[i];

		if (e->disp != SC_DENY)
			continue;
		/* All-zero arguments: harmless if the filter let one through,
		 * and then the errno would differ. */
		errno = 0;
		if (syscall(e->nr, 0, 0, 0, 0, 0, 0) != -1 || errno != e->err) {
			fprintf(stderr, "%s: errno %d, want %d\n", e->name,
				errno, e->err);
			return 1000 + e->nr;
		}
	}
	return 0;
}

static const struct sc_filter_opts trace_mode = { SC_FILTER_TRACE, false };
static const struct sc_filter_opts notify_mode = { SC_FILTER_NOTIFY, false };

TEST(filter_denies_every_deny_row)
{
	CHECK_EQ(in_filtered_child(&trace_mode, child_denied_rows, NULL), 0);
}

static int child_basics(void)
{
	pid_t ppid = getppid();
	long r;

	/* PASS: the host answers. */
	EXPECT_OK(syscall(SYS_getppid));
	if (syscall(SYS_getppid) != ppid)
		return __LINE__;
	/* EMULATE and TRACE rows with no tracer: RET_TRACE gives ENOSYS. */
	EXPECT_ERR(syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY), ENOSYS);
	EXPECT_ERR(syscall(SYS_execve, "/bin/true", NULL, NULL), ENOSYS);
	EXPECT_ERR(syscall(SYS_setuid, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_umask, 022), ENOSYS);
	/* Numbers not in the table. */
	EXPECT_ERR(syscall(337), ENOSYS);
	EXPECT_ERR(syscall(423), ENOSYS);
	EXPECT_ERR(syscall(SC_NR_MAX + 1), ENOSYS);
	EXPECT_ERR(syscall(1000), ENOSYS);
	/* x32 ABI: the same numbers with bit 30 set. */
	EXPECT_ERR(syscall(0x40000000 | SYS_getpid), ENOSYS);
	EXPECT_ERR(syscall(0x40000000 | SYS_openat, AT_FDCWD, "/", 0), ENOSYS);
	/* i386 ABI from a 64-bit process: int $0x80, eax = 20 (getpid). */
	r = 20;
	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	if (r != -ENOSYS) {
		fprintf(stderr, "int 0x80 getpid returned %ld\n", r);
		return __LINE__;
	}
	/* eax = 5 is open on i386: must not open anything either. */
	r = 5;
	__asm__ volatile("int $0x80" : "+a"(r) : "b"("/"), "c"(0) : "memory");
	if (r != -ENOSYS)
		return __LINE__;
	return 0;
}

TEST(filter_passes_traps_and_refuses_other_abis)
{
	CHECK_EQ(in_filtered_child(&trace_mode, child_basics, NULL), 0);
}

static int child_ioctl(void)
{
	int p[2], n = 0;
	char c = 'x';

	EXPECT_OK(pipe(p));
	EXPECT_ERR(ioctl(0, TIOCSTI, &c), EPERM);
	EXPECT_ERR(syscall(SYS_ioctl, 0, (1UL << 32) | TIOCSTI, &c), EPERM);
	EXPECT_ERR(ioctl(0, TIOCLINUX, &c), EPERM);
	/* The rest: traced to the sentry (ENOTTY or EBADF by the fd),
	 * ENOSYS here with no tracer; never the kernel's. */
	EXPECT_ERR(ioctl(p[0], 0x1234, &n), ENOSYS);
	EXPECT_ERR(ioctl(p[0], TIOCCONS, 0), ENOSYS);
	EXPECT_ERR(ioctl(p[0], TIOCSETD, &n), ENOSYS);
	EXPECT_ERR(ioctl(p[0], SECCOMP_IOCTL_NOTIF_RECV, &n), ENOSYS);
	EXPECT_OK(ioctl(p[0], FIONREAD, &n));
	EXPECT_OK(ioctl(p[0], FIOCLEX));
	EXPECT_OK(ioctl(p[0], FIONBIO, &n));
	/* Allowed, answered by the host: a pipe is not a terminal. */
	EXPECT_ERR(ioctl(p[0], TIOCGWINSZ, &n), ENOTTY);
	return 0;
}

TEST(filter_ioctl_allowlist)
{
	CHECK_EQ(in_filtered_child(&trace_mode, child_ioctl, NULL), 0);
}

static int child_socket(void)
{
	int sv[2];

	EXPECT_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	EXPECT_OK(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	EXPECT_OK(socket(AF_INET6, SOCK_STREAM, 0));
	EXPECT_OK(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
	EXPECT_OK(socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP));
	EXPECT_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
	/* AF_UNIX: whatever the type, the kernel decides. */
	EXPECT_ERR(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
	EXPECT_ERR(socket(AF_UNIX, SOCK_STREAM, 5), EPROTONOSUPPORT);
	/* Everything else not passed is traced to the sentry, which makes
	 * routing sockets and gives Linux's errno for the rest
	 * (sock_refusal, checked below): ENOSYS here, no tracer. */
	EXPECT_ERR(socket(AF_INET, SOCK_STREAM, 262 /* MPTCP */), ENOSYS);
	EXPECT_ERR(syscall(SYS_socket, AF_INET, SOCK_STREAM,
			   (1UL << 32) | 262), ENOSYS);
	EXPECT_ERR(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE),
		   ENOSYS);
	EXPECT_ERR(socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE), ENOSYS);
	EXPECT_ERR(socket(AF_PACKET, SOCK_RAW, 0), ENOSYS);
	EXPECT_ERR(socket(AF_INET, SOCK_RAW, 1), ENOSYS);
	EXPECT_ERR(syscall(SYS_socket, (1UL << 32) | AF_PACKET, SOCK_RAW, 0),
		   ENOSYS);
	EXPECT_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	EXPECT_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), ENOSYS);
	/* sendto: a NULL address passes, an address is emulated (ENOSYS
	 * here: no tracer). */
	EXPECT_OK(sendto(sv[0], "a", 1, 0, NULL, 0));
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		EXPECT_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&sa,
				  sizeof(sa)), ENOSYS);
	}
	EXPECT_ERR(connect(sv[0], NULL, 0), ENOSYS);
	return 0;
}

static int child_setsockopt(void)
{
	int s4 = socket(AF_INET, SOCK_DGRAM, 0);
	int s6 = socket(AF_INET6, SOCK_DGRAM, 0), one = 1;
	char blob[128] = { 0 };

	EXPECT_OK(s4);
	EXPECT_OK(s6);
	EXPECT_OK(setsockopt(s4, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)));
	EXPECT_OK(setsockopt(s4, SOL_IP, IP_TTL, &one, sizeof(one)));
	EXPECT_OK(setsockopt(s6, SOL_IPV6, IPV6_V6ONLY, &one, sizeof(one)));
	EXPECT_ERR(setsockopt(s4, SOL_IP, 64, blob, sizeof(blob)), ENOPROTOOPT);
	EXPECT_ERR(setsockopt(s4, SOL_IP, 65, blob, sizeof(blob)), ENOPROTOOPT);
	EXPECT_ERR(setsockopt(s4, SOL_IP, 96, blob, sizeof(blob)), ENOPROTOOPT);
	EXPECT_ERR(setsockopt(s4, SOL_IP, 128, blob, sizeof(blob)),
		   ENOPROTOOPT);
	EXPECT_ERR(setsockopt(s4, SOL_IP, 1152, blob, sizeof(blob)),
		   ENOPROTOOPT);
	EXPECT_ERR(setsockopt(s6, SOL_IPV6, 64, blob, sizeof(blob)),
		   ENOPROTOOPT);
	{
		struct sock_filter ret = BPF_STMT(BPF_RET | BPF_K, 0);
		struct sock_fprog prog = { 1, &ret };
		int t = socket(AF_INET, SOCK_STREAM, 0);

		EXPECT_ERR(setsockopt(s4, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
				      sizeof(prog)), ENOPROTOOPT);
		EXPECT_ERR(setsockopt(s4, SOL_SOCKET, SO_ATTACH_BPF, &one,
				      sizeof(one)), ENOPROTOOPT);
		EXPECT_ERR(setsockopt(s4, SOL_SOCKET, 51, &prog, sizeof(prog)),
			   ENOPROTOOPT);
		EXPECT_ERR(setsockopt(t, IPPROTO_TCP, 31 /* TCP_ULP */, "tls",
				      3), ENOPROTOOPT);
		EXPECT_ERR(setsockopt(t, IPPROTO_TCP, 19 /* TCP_REPAIR */, &one,
				      sizeof(one)), ENOPROTOOPT);
		EXPECT_ERR(setsockopt(s6, SOL_IPV6, 1 /* IPV6_ADDRFORM */, &one,
				      sizeof(one)), ENOPROTOOPT);
		EXPECT_OK(setsockopt(t, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one,
				     sizeof(one)));
		close(t);
	}
	EXPECT_ERR(syscall(SYS_setsockopt, s4, (1UL << 32) | SOL_IP,
			   (1UL << 33) | 64, blob, sizeof(blob)), ENOPROTOOPT);
	return 0;
}

TEST(filter_setsockopt_netfilter)
{
	CHECK_EQ(in_filtered_child(&trace_mode, child_setsockopt, NULL), 0);
}

TEST(filter_socket_rules)
{
	CHECK_EQ(in_filtered_child(&trace_mode, child_socket, NULL), 0);
}

long sock_refusal(int domain, int type, int proto, bool pair);

/* The sandbox's own refusals (what Linux itself refuses is compared with
 * the host kernel by tests/conformance/errnos.sh). */
TEST(sock_refusal_policy)
{
	/* Protocol modules: as from a kernel without them. */
	CHECK_EQ(sock_refusal(AF_INET, SOCK_STREAM, 262, false),
		 -EPROTONOSUPPORT);
	CHECK_EQ(sock_refusal(AF_INET6, SOCK_STREAM, IPPROTO_SCTP, false),
		 -EPROTONOSUPPORT);
	CHECK_EQ(sock_refusal(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE, false),
		 -EPROTONOSUPPORT);
	CHECK_EQ(sock_refusal(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP, false),
		 -ESOCKTNOSUPPORT);
	CHECK_EQ(sock_refusal(AF_INET6, SOCK_SEQPACKET, 0, false),
		 -ESOCKTNOSUPPORT);
	/* Raw and packet sockets: as without CAP_NET_RAW. */
	CHECK_EQ(sock_refusal(AF_INET, SOCK_RAW, 1, false), -EPERM);
	CHECK_EQ(sock_refusal(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, 58, false),
		 -EPERM);
	CHECK_EQ(sock_refusal(AF_INET, SOCK_PACKET, 0, false), -EPERM);
	/* Families not offered. */
	CHECK_EQ(sock_refusal(AF_PACKET, SOCK_RAW, 0, false), -EAFNOSUPPORT);
	CHECK_EQ(sock_refusal(AF_ALG, SOCK_SEQPACKET, 0, false),
		 -EAFNOSUPPORT);
	CHECK_EQ(sock_refusal(AF_VSOCK, SOCK_STREAM, 0, false),
		 -EAFNOSUPPORT);
	CHECK_EQ(sock_refusal(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT, false),
		 -EAFNOSUPPORT);
	/* Linux's own checks come first. */
	CHECK_EQ(sock_refusal(AF_PACKET, SOCK_RAW | 0x1000, 0, false),
		 -EINVAL);
	CHECK_EQ(sock_refusal(AF_INET, SOCK_STREAM, 300, false), -EINVAL);
	CHECK_EQ(sock_refusal(AF_INET, 12, 0, false), -EINVAL);
	CHECK_EQ(sock_refusal(99, 12, 0, false), -EAFNOSUPPORT);
	/* A pair of what socket() would make. */
	CHECK_EQ(sock_refusal(AF_INET, SOCK_STREAM, 0, true), -EOPNOTSUPP);
	CHECK_EQ(sock_refusal(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, true),
		 -EOPNOTSUPP);
	CHECK_EQ(sock_refusal(AF_INET, SOCK_STREAM, 262, true),
		 -EPROTONOSUPPORT);
}

/*
 * What a child said before its exit, through a pipe: wait4 and waitid
 * stop for a tracer in this filter (emulated ptrace, core dumps) and the
 * test has none, nor open() for /proc. The zombies are reaped by the
 * harness once the filtered child exits.
 */
static int said_pipe[2] = { -1, -1 };

static void say_and_exit(int code)
{
	unsigned char c = (unsigned char)code;

	(void)write(said_pipe[1], &c, 1);
	_exit(code);
}

static int reap_code(long pid)
{
	unsigned char c;

	(void)pid;
	if (read(said_pipe[0], &c, 1) != 1)
		return -1;
	return c;
}

static int child_clone(void)
{
	static const unsigned long denied[] = {
		CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET,
		CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWCGROUP, CLONE_UNTRACED,
		CLONE_NEWUSER | CLONE_NEWNS,
	};
	long pid;

	for (size_t i = 0; i < ARRAY_SIZE(denied); i++)
		EXPECT_ERR(syscall(SYS_clone, denied[i] | SIGCHLD, 0, 0, 0, 0),
			   EPERM);
	/* The kernel reads the low 32 bits: high garbage changes nothing. */
	EXPECT_ERR(syscall(SYS_clone, (1UL << 40) | CLONE_NEWUSER | SIGCHLD,
			   0, 0, 0, 0), EPERM);
	EXPECT_ERR(unshare(CLONE_NEWUSER), EPERM);
	EXPECT_ERR(unshare(0), EPERM);
	EXPECT_ERR(setns(0, 0), EPERM);
	/* clone3 stops for the sentry (RET_TRACE); with no tracer the
	 * kernel fails it with ENOSYS, never running it. */
	EXPECT_ERR(syscall(SYS_clone3, NULL, 0), ENOSYS);
	EXPECT_OK(pipe(said_pipe));
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		say_and_exit(7);
	EXPECT_OK(pid);
	if (reap_code(pid) != 7)
		return __LINE__;
	pid = fork();		/* glibc: clone without CLONE_NEW* */
	if (pid == 0)
		say_and_exit(8);
	EXPECT_OK(pid);
	if (reap_code(pid) != 8)
		return __LINE__;
	return 0;
}

TEST(filter_clone_flags)
{
	CHECK_EQ(in_filtered_child(&trace_mode, child_clone, NULL), 0);
}

static int child_prctl_seccomp(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	uint32_t act = SECCOMP_RET_LOG;
	char name[16];

	EXPECT_OK(prctl(PR_GET_NAME, name, 0, 0, 0));
	EXPECT_OK(prctl(PR_SET_NAME, "cvisor-test", 0, 0, 0));
	/* Emulated (the config's value, not the host's); no sentry here. */
	EXPECT_ERR(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), ENOSYS);
	EXPECT_ERR(prctl(PR_SET_MM, PR_SET_MM_START_CODE, 0, 0, 0), ENOSYS);
	EXPECT_ERR(prctl(PR_SET_PTRACER, -1, 0, 0, 0), EINVAL);
	EXPECT_ERR(prctl(0x7fff, 0, 0, 0, 0), EINVAL);
	/* Traced to the sentry to observe; no tracer here. */
	EXPECT_ERR(prctl(PR_CAPBSET_DROP, 40, 0, 0, 0), ENOSYS);
	EXPECT_ERR(prctl(PR_SET_SECUREBITS, 0, 0, 0, 0), ENOSYS);
	EXPECT_ERR(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0),
		   ENOSYS);
	/* seccomp(): stacking yes, a listener of its own no. */
	EXPECT_ERR(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			   SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog), EBUSY);
	EXPECT_ERR(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			   SECCOMP_FILTER_FLAG_NEW_LISTENER |
				   SECCOMP_FILTER_FLAG_TSYNC, &prog), EBUSY);
	EXPECT_ERR(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			   (1UL << 32) | SECCOMP_FILTER_FLAG_NEW_LISTENER,
			   &prog), EBUSY);
	EXPECT_ERR(syscall(SYS_seccomp, (1UL << 32) | SECCOMP_SET_MODE_FILTER,
			   SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog), EBUSY);
	EXPECT_ERR(syscall(SYS_seccomp, 99, 0, NULL), EINVAL);
	/* the kernel's option is an int: PR_SET_MM, the sentry's */
	EXPECT_ERR(syscall(SYS_prctl, (1UL << 32) | PR_SET_MM, 0, 0, 0, 0),
		   ENOSYS);
	EXPECT_OK(syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act));
	/* A filter of its own: traced to the sentry to observe (its exit
	 * stop, for a filter's kill: sentry/coredump.c); no tracer here. */
	EXPECT_ERR(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog),
		   ENOSYS);
	EXPECT_ERR(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0),
		   ENOSYS);
	/* Still under ours. */
	EXPECT_ERR(syscall(SYS_bpf, 0, NULL, 0), EPERM);
	return 0;
}

TEST(filter_prctl_and_seccomp_rules)
{
	CHECK_EQ(in_filtered_child(&trace_mode, child_prctl_seccomp, NULL), 0);
}

static int child_scalar_rules(void)
{
	static int word;
	long page = sysconf(_SC_PAGESIZE);
	void *m = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return __LINE__;
	EXPECT_OK(syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0));
	EXPECT_OK(syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL,
			  NULL, 0));
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 1, NULL,
			   NULL, 0), EAGAIN);
	EXPECT_ERR(syscall(SYS_futex, &word, 2 /* FUTEX_FD */, 0, NULL, NULL,
			   0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, 99, 0, NULL, NULL, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, 14 | FUTEX_PRIVATE_FLAG, 0, NULL,
			   NULL, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, 15, 0, NULL, NULL, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, 0x201, 0, NULL, NULL, 0), ENOSYS);
	/* Allowed, answered by the host. */
	EXPECT_OK(syscall(SYS_futex, &word, FUTEX_REQUEUE_PRIVATE, 0, 0, &word,
			  0));
	EXPECT_OK(syscall(SYS_futex, &word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG,
			  1, NULL, NULL, FUTEX_BITSET_MATCH_ANY));
	/* Priority inheritance: ENOSYS, as without CONFIG_FUTEX_PI. */
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL,
			   NULL, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_LOCK_PI, 0, NULL, NULL, 0),
		   ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_TRYLOCK_PI, 0, NULL, NULL,
			   0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_REQUEUE_PI, 0, NULL,
			   &word, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PI, 1, NULL,
			   &word, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, 13 /* LOCK_PI2 */, 0, NULL, NULL,
			   0), ENOSYS);
	EXPECT_ERR(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL,
			   NULL, FUTEX_BITSET_MATCH_ANY), EAGAIN);
	EXPECT_OK(syscall(SYS_futex, &word, FUTEX_WAKE_OP_PRIVATE, 1, NULL,
			  &word, 0));
	/* I/O priority: real-time class refused, best-effort kept. */
	EXPECT_ERR(syscall(SYS_ioprio_set, 1, 0, (1 << 13) | 4), EPERM);
	EXPECT_OK(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 4));
	/* CPU scheduling: real-time refused, sched_setattr too. */
	{
		struct sched_param rt = { .sched_priority = 1 }, zero = { 0 };

		EXPECT_ERR(sched_setscheduler(0, SCHED_FIFO, &rt), EPERM);
		EXPECT_ERR(sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK,
					      &rt), EPERM);
		EXPECT_ERR(sched_setscheduler(0, 6 /* DEADLINE */, &zero),
			   EINVAL);
		EXPECT_OK(sched_setscheduler(0, SCHED_BATCH, &zero));
		EXPECT_OK(sched_setscheduler(0, SCHED_OTHER, &zero));
		EXPECT_ERR(syscall(SYS_sched_setattr, 0, &zero, 0), ENOSYS);
	}
	/* mq_notify: unregistering only. */
	EXPECT_ERR(syscall(SYS_mq_notify, 0, &word), ENOSYS);
	EXPECT_ERR(syscall(SYS_mq_notify, -1, NULL), EBADF);
	EXPECT_OK(madvise(m, (size_t)page, MADV_DONTNEED));
	EXPECT_OK(madvise(m, (size_t)page, MADV_NOHUGEPAGE));
	EXPECT_ERR(madvise(m, (size_t)page, MADV_HWPOISON), EPERM);
	EXPECT_ERR(madvise(m, (size_t)page, 101), EPERM);
	EXPECT_ERR(madvise(m, (size_t)page, MADV_MERGEABLE), EINVAL);
	EXPECT_ERR(madvise(m, (size_t)page, 77), EINVAL);
	EXPECT_OK(personality(0xffffffff));
	EXPECT_OK(personality(PER_LINUX | ADDR_NO_RANDOMIZE));
	EXPECT_OK(personality(PER_LINUX));
	EXPECT_OK(personality(PER_BSD | SHORT_INODE | WHOLE_SECONDS));
	EXPECT_OK(personality(PER_LINUX));
	EXPECT_ERR(personality(READ_IMPLIES_EXEC), EINVAL);
	EXPECT_ERR(personality(PER_LINUX | MMAP_PAGE_ZERO), EINVAL);
	return 0;
}

TEST(filter_futex_madvise_personality_rules)
{
	CHECK_EQ(in_filtered_child(&trace_mode, child_scalar_rules, NULL), 0);
}

/* ---- NOTIFY mode: the parent plays the sentry ---- */

static int notified[SC_NR_MAX + 1];

/* Answers every notification until the child is gone: EXDEV for
 * emulated calls (a value no host path would give here), CONTINUE for
 * PASS calls reported under --strace. */
static void serve(int fd)
{
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;

	memset(notified, 0, sizeof(notified));
	if (seccomp_notify_alloc(&req, &resp) < 0)
		return;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct sc_entry *e;

		if (poll(&pfd, 1, 10000) <= 0 || (pfd.revents & POLLIN) == 0)
			break;
		memset(req, 0, sizeof(*req));
		if (seccomp_notify_receive(fd, req) < 0)
			continue;
		e = sc_lookup(req->data.nr);
		if (req->data.nr >= 0 && req->data.nr <= SC_NR_MAX)
			notified[req->data.nr]++;
		memset(resp, 0, sizeof(*resp));
		resp->id = req->id;
		if (e != NULL && e->disp == SC_PASS) {
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		} else {
			resp->error = -EXDEV;
		}
		seccomp_notify_respond(fd, resp);
	}
	seccomp_notify_free(req, resp);
}

static int child_notify(void)
{
	int sv[2];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	EXPECT_ERR(syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY),
		   EXDEV);
	EXPECT_ERR(syscall(SYS_open, "/etc/passwd", O_RDONLY), EXDEV);
	EXPECT_ERR(syscall(SYS_newfstatat, AT_FDCWD, "/", NULL, 0), EXDEV);
	EXPECT_ERR(syscall(SYS_uname, NULL), EXDEV);
	EXPECT_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	EXPECT_OK(sendto(sv[0], "a", 1, 0, NULL, 0));
	EXPECT_ERR(sendto(sv[0], "a", 1, 0, (struct sockaddr *)&sa,
			  sizeof(sa)), EXDEV);
	EXPECT_OK(syscall(SYS_getppid));
	/* TRACE rows stay RET_TRACE in notify mode. */
	EXPECT_ERR(syscall(SYS_execve, "/bin/true", NULL, NULL), ENOSYS);
	EXPECT_ERR(syscall(SYS_bpf, 0, NULL, 0), EPERM);
	return 0;
}

TEST(filter_notify_mode_reaches_listener)
{
	CHECK_EQ(in_filtered_child(&notify_mode, child_notify, serve), 0);
	CHECK_EQ(notified[__NR_openat], 1);
	CHECK_EQ(notified[__NR_open], 1);
	CHECK_EQ(notified[__NR_uname], 1);
	CHECK_EQ(notified[__NR_sendto], 1);	/* only the one with an address */
	CHECK_EQ(notified[__NR_getppid], 0);
	CHECK_EQ(notified[__NR_execve], 0);
	CHECK_EQ(notified[__NR_bpf], 0);
}

/* Under --strace on the seccomp platform PASS calls stop for the tracer
 * and then run, never as a notification (the sentry waits synchronously
 * for calls it injects); emulated calls are still notified. */
static int child_strace(void)
{
	EXPECT_OK(syscall(SYS_getppid));
	EXPECT_ERR(syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY), EXDEV);
	EXPECT_ERR(syscall(SYS_bpf, 0, NULL, 0), EPERM);
	EXPECT_ERR(madvise(NULL, 0, MADV_HWPOISON), EPERM);
	return 0;
}

static int sum(const int *counts)
{
	int n = 0;

	for (int i = 0; i <= SC_NR_MAX; i++)
		n += counts[i];
	return n;
}

TEST(filter_strace_mode_traces_pass_calls)
{
	static const struct sc_filter_opts o = { SC_FILTER_NOTIFY, true };

	CHECK_EQ(in_traced_child(&o, child_strace, serve), 0);
	CHECK_EQ(strace_stops[__NR_getppid], 1);
	CHECK_EQ(notified[__NR_getppid], 0);
	CHECK_EQ(notified[__NR_openat], 1);
	CHECK_EQ(strace_stops[__NR_openat], 0);
	CHECK_EQ(strace_stops[__NR_bpf] + notified[__NR_bpf], 0);
	CHECK_EQ(strace_stops[__NR_madvise] + notified[__NR_madvise], 0);
	/* The child's exit: a PASS call too. */
	CHECK_EQ(strace_stops[__NR_exit_group], 1);
	CHECK_EQ(sum(other_stops), 0);
}

/* Under --strace on the ptrace platform every PASS call stops for the
 * tracer, emulated calls stop as before (ENOSYS here: the tracer refuses
 * them) and every refusal stays a refusal, with no stop. */
static int child_strace_trace(void)
{
	char c = 'x';
	int p[2], n;

	EXPECT_OK(syscall(SYS_getppid));
	EXPECT_OK(pipe(p));
	EXPECT_OK(ioctl(p[0], FIONREAD, &n));
	EXPECT_ERR(ioctl(0, TIOCSTI, &c), EPERM);
	EXPECT_ERR(ioctl(0, 0x1234, &c), ENOSYS);	/* traced */
	EXPECT_OK(socket(AF_INET, SOCK_STREAM, 0));
	/* Traced to the sentry for Linux's errno (none here). */
	EXPECT_ERR(socket(AF_PACKET, SOCK_RAW, 0), ENOSYS);
	EXPECT_ERR(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0),
		   EPERM);
	EXPECT_ERR(syscall(SYS_bpf, 0, NULL, 0), EPERM);
	EXPECT_ERR(syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY), ENOSYS);
	EXPECT_ERR(syscall(1000), ENOSYS);
	return 0;
}

TEST(filter_strace_trace_mode_keeps_refusals)
{
	static const struct sc_filter_opts o = { SC_FILTER_TRACE, true };

	CHECK_EQ(in_traced_child(&o, child_strace_trace, NULL), 0);
	CHECK_EQ(strace_stops[__NR_getppid], 1);
	CHECK_EQ(strace_stops[__NR_ioctl], 1);		/* FIONREAD */
	CHECK_EQ(other_stops[__NR_ioctl], 1);		/* 0x1234 */
	CHECK_EQ(strace_stops[__NR_socket], 1);		/* AF_INET */
	CHECK_EQ(other_stops[__NR_socket], 1);		/* AF_PACKET */
	CHECK_EQ(other_stops[__NR_openat], 1);
	CHECK_EQ(strace_stops[__NR_clone] + other_stops[__NR_clone], 0);
	CHECK_EQ(strace_stops[__NR_bpf] + other_stops[__NR_bpf], 0);
	CHECK_EQ(sum(other_stops), 3);
}

/* ---- overhead of a PASS call under the filter (numbers, not asserts) ---- */

static double ns_per_call(long nr, long a0, long a1, long n)
{
	uint64_t t0 = cv_now_ns();

	for (long i = 0; i < n; i++)
		syscall(nr, a0, a1, 1, 0, 0, 0);
	return (double)(cv_now_ns() - t0) / (double)n;
}

static int bench_word;

/* getppid: a plain PASS row; futex: a PASS row with argument rules. */
static void bench_print(const char *when)
{
	long w = (long)&bench_word;

	ns_per_call(SYS_getppid, 0, 0, 100000);	/* warm up */
	fprintf(stderr, "%s: getppid %.1f ns/call, futex(WAKE_PRIVATE) "
		"%.1f ns/call\n", when,
		ns_per_call(SYS_getppid, 0, 0, 2000000),
		ns_per_call(SYS_futex, w, FUTEX_WAKE_PRIVATE, 2000000));
}

static int child_bench(void)
{
	bench_print("under the filter");
	return 0;
}

/* Numbers only, no timing asserts: a loaded machine must not fail it. */
TEST(bench_pass_calls)
{
	bench_print("native");
	CHECK_EQ(in_filtered_child(&trace_mode, child_bench, NULL), 0);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--markdown") == 0)
		return sc_print_table(stdout, SC_PRINT_MARKDOWN) < 0;
	return test_main();
}
