// SPDX-License-Identifier: Apache-2.0
/*
 * sc_hammer DIR: hammers the sentry from many threads and processes at
 * once, run natively and in the sandbox (tests/integration/sentry_hammer.sh
 * compares the two outputs line by line).
 *
 * In DIR it makes a small tree (files of several modes and sizes,
 * directories, symlinks relative, absolute, dangling and looping). Then,
 * all at once:
 *  - 8 threads make path calls on every case of the tree, over and over
 *    (stat, lstat, newfstatat from a dirfd, statx, access, faccessat2,
 *    readlink, readlinkat, open+fstat, uname, and paths into /proc/self
 *    and /dev that the sentry serves from its main thread);
 *  - a thread creates, renames and removes files in DIR/scratch;
 *  - a thread forks children that exec this program ("-c N": a few path
 *    calls, exit status N % 7) and reaps them;
 *  - a thread sends SIGUSR1 (SA_RESTART handler) to the process, so calls
 *    are interrupted and restarted. The threads that change files block
 *    it: a create or a rename the sentry did whose notification a signal
 *    then interrupted is run again by the kernel's restart, a limit of
 *    seccomp notification this test is not about.
 * Each case prints one line with the first result it saw; every later
 * result of the case, from any thread, must be the same ("unstable" then
 * counts the differences). The host kernel's lines are the expectation.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 8
#define ROUNDS 500
#define SIG_LEN 300

static const char *dir;
static int dirfd_;
static atomic_int unstable, stop_aux, sigs_seen;
static char self_exe[4096];

enum op { OP_STAT, OP_LSTAT, OP_FSTATAT, OP_STATX, OP_ACCESS, OP_ACCESS2,
	  OP_READLINK, OP_READLINKAT, OP_OPEN, OP_N };

static const char *const op_names[OP_N] = {
	"stat", "lstat", "fstatat", "statx", "access", "faccessat2",
	"readlink", "readlinkat", "open",
};

/* Names relative to DIR (or absolute, for the sentry's own trees). */
static const char *const names[] = {
	"f644", "f600", "f000", "f755", "big", "d", "d/sub", "d/sub/deep",
	"d/sub/deep/file", "l_rel", "l_abs_proc", "l_dangling", "l_loop",
	"l_dir", "missing", "d/missing/x", "f644/notdir", "d/sub/../sub/deep",
	"/proc/self/status", "/proc/self/exe", "/proc/self/cwd", "/dev/null",
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

struct result {
	pthread_mutex_t lock;
	bool set;
	char sig[SIG_LEN];
};

static struct result results[OP_N][NNAMES];
static char uname_sig[SIG_LEN];
static pthread_mutex_t uname_lock = PTHREAD_MUTEX_INITIALIZER;

static void die(const char *what)
{
	printf("setup_failed %s %s\n", what, strerror(errno));
	exit(1);
}

static void put(const char *path, mode_t mode, size_t size)
{
	int fd = openat(dirfd_, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char buf[4096];

	if (fd < 0)
		die(path);
	memset(buf, 'x', sizeof(buf));
	while (size > 0) {
		size_t n = size < sizeof(buf) ? size : sizeof(buf);

		if (write(fd, buf, n) != (ssize_t)n)
			die(path);
		size -= n;
	}
	if (fchmod(fd, mode) < 0)
		die(path);
	close(fd);
}

static void make_tree(void)
{
	char p[4200];

	dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_ < 0)
		die("dir");
	mkdirat(dirfd_, "d", 0755);
	mkdirat(dirfd_, "d/sub", 0750);
	mkdirat(dirfd_, "d/sub/deep", 0700);
	mkdirat(dirfd_, "scratch", 0755);
	put("f644", 0644, 10);
	put("f600", 0600, 0);
	put("f000", 0000, 1);
	put("f755", 0755, 4097);
	put("big", 0644, 100000);
	put("d/sub/deep/file", 0640, 33);
	symlinkat("f644", dirfd_, "l_rel");
	symlinkat("/proc/self/status", dirfd_, "l_abs_proc");
	symlinkat("nowhere", dirfd_, "l_dangling");
	symlinkat("l_loop", dirfd_, "l_loop");
	symlinkat("d/sub", dirfd_, "l_dir");
	snprintf(p, sizeof(p), "%s", dir);
	if (chdir(p) < 0)
		die("chdir");
}

/* What a stat says that does not depend on where the tree is. */
static void stat_sig(char *out, int ret, const struct stat *st)
{
	if (ret < 0)
		snprintf(out, SIG_LEN, "err=%d", errno);
	else if (S_ISREG(st->st_mode))
		snprintf(out, SIG_LEN, "mode=%o size=%lld nlink=%lu",
			 (unsigned)st->st_mode, (long long)st->st_size,
			 (unsigned long)st->st_nlink);
	else
		snprintf(out, SIG_LEN, "mode=%o", (unsigned)st->st_mode);
}

static void run_case(enum op op, size_t i, char *out)
{
	const char *n = names[i];
	/* /proc files are snapshots whose sizes change: their type only. */
	bool proc = strncmp(n, "/proc", 5) == 0 || strstr(n, "proc") != NULL;
	char buf[256];
	struct stat st;
	struct statx stx;
	ssize_t len;
	int ret, fd;

	out[0] = '\0';
	errno = 0;
	switch (op) {
	case OP_STAT:
		ret = stat(n, &st);
		break;
	case OP_LSTAT:
		ret = lstat(n, &st);
		break;
	case OP_FSTATAT:
		ret = fstatat(dirfd_, n, &st, AT_SYMLINK_NOFOLLOW);
		break;
	case OP_STATX:
		ret = statx(dirfd_, n, 0, STATX_BASIC_STATS, &stx);
		st.st_mode = stx.stx_mode;
		st.st_size = (off_t)stx.stx_size;
		st.st_nlink = stx.stx_nlink;
		st.st_ino = stx.stx_ino;
		break;
	case OP_ACCESS:
		ret = access(n, R_OK | W_OK);
		snprintf(out, SIG_LEN, "%s", ret < 0 ? strerror(errno) : "ok");
		return;
	case OP_ACCESS2:
		ret = (int)syscall(SYS_faccessat2, dirfd_, n, X_OK,
				   AT_EACCESS | AT_SYMLINK_NOFOLLOW);
		snprintf(out, SIG_LEN, "%s", ret < 0 ? strerror(errno) : "ok");
		return;
	case OP_READLINK:
	case OP_READLINKAT:
		len = op == OP_READLINK ?
			      readlink(n, buf, sizeof(buf) - 1) :
			      readlinkat(dirfd_, n, buf, sizeof(buf) - 1);
		if (len < 0) {
			snprintf(out, SIG_LEN, "err=%d", errno);
		} else {
			buf[len] = '\0';
			/* Where the tree is, and pids, differ by run. */
			snprintf(out, SIG_LEN, "%s",
				 proc || buf[0] == '/' ? "(abs)" : buf);
		}
		return;
	case OP_OPEN:
		fd = open(n, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		ret = fd < 0 ? -1 : fstat(fd, &st);
		if (fd >= 0)
			close(fd);
		break;
	default:
		return;
	}
	if (proc && ret == 0) {
		snprintf(out, SIG_LEN, "type=%o", (unsigned)(st.st_mode & S_IFMT));
		return;
	}
	stat_sig(out, ret, &st);
}

static void record(enum op op, size_t i, const char *sig)
{
	struct result *r = &results[op][i];

	pthread_mutex_lock(&r->lock);
	if (!r->set) {
		snprintf(r->sig, SIG_LEN, "%s", sig);
		r->set = true;
	} else if (strcmp(r->sig, sig) != 0) {
		unstable++;
		fprintf(stderr, "unstable %s %s: '%s' then '%s'\n",
			op_names[op], names[i], r->sig, sig);
	}
	pthread_mutex_unlock(&r->lock);
}

static void check_uname(void)
{
	struct utsname u;
	char sig[SIG_LEN];

	if (uname(&u) < 0)
		snprintf(sig, SIG_LEN, "err=%d", errno);
	else
		snprintf(sig, SIG_LEN, "%s %s", u.sysname, u.machine);
	pthread_mutex_lock(&uname_lock);
	if (uname_sig[0] == '\0')
		snprintf(uname_sig, SIG_LEN, "%s", sig);
	else if (strcmp(uname_sig, sig) != 0)
		unstable++;
	pthread_mutex_unlock(&uname_lock);
}

static void *caller(void *arg)
{
	size_t start = (size_t)arg;
	char sig[SIG_LEN];

	for (int r = 0; r < ROUNDS; r++) {
		for (size_t k = 0; k < NNAMES; k++) {
			size_t i = (k + start * 3) % NNAMES;
			enum op op = (enum op)((k + r + start) % OP_N);

			run_case(op, i, sig);
			record(op, i, sig);
		}
		check_uname();
	}
	/* Every case at least once, whatever the rotation gave. */
	for (int op = 0; op < OP_N; op++)
		for (size_t i = 0; i < NNAMES; i++) {
			run_case((enum op)op, i, sig);
			record((enum op)op, i, sig);
		}
	return NULL;
}

/* Files made, renamed and removed while the callers run. */
static atomic_int churn_bad;
static void block_usr1(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void *churner(void *arg)
{
	char a[64], b[64];
	struct stat st;
	int n = 0;

	(void)arg;
	block_usr1();
	while (!stop_aux) {
		int fd;

		snprintf(a, sizeof(a), "scratch/a%d", n % 16);
		snprintf(b, sizeof(b), "scratch/b%d", n % 16);
		n++;
		fd = openat(dirfd_, a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0644);
		if (fd < 0) {
			churn_bad++;
			continue;
		}
		close(fd);
		if (renameat(dirfd_, a, dirfd_, b) < 0 ||
		    fstatat(dirfd_, a, &st, 0) == 0 ||
		    fstatat(dirfd_, b, &st, 0) < 0 ||
		    unlinkat(dirfd_, b, 0) < 0 ||
		    fstatat(dirfd_, b, &st, 0) == 0)
			churn_bad++;
	}
	return NULL;
}

static atomic_int forks, fork_bad;
static void *forker(void *arg)
{
	(void)arg;
	block_usr1();
	while (!stop_aux) {
		int code = forks % 7, status;
		char c[16];
		pid_t pid;

		snprintf(c, sizeof(c), "%d", code);
		pid = fork();
		if (pid == 0) {
			execl(self_exe, "sc_hammer", "-c", c, (char *)NULL);
			_exit(100);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != code)
			fork_bad++;
		forks++;
	}
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
	sigs_seen++;
}

static void *signaller(void *arg)
{
	struct timespec ts = { 0, 200000 };

	(void)arg;
	while (!stop_aux) {
		kill(getpid(), SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* The exec'd child: a few path calls, then exit code. */
static int child(int code)
{
	struct stat st;
	char buf[64];

	if (stat("/proc/self/exe", &st) < 0 || access("/", X_OK) < 0 ||
	    readlink("/proc/self/cwd", buf, sizeof(buf)) < 0)
		return 99;
	return code;
}

int main(int argc, char **argv)
{
	pthread_t th[THREADS], aux[3];
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	ssize_t n;

	if (argc == 3 && strcmp(argv[1], "-c") == 0)
		return child(atoi(argv[2]));
	if (argc != 2) {
		fprintf(stderr, "usage: sc_hammer DIR\n");
		return 2;
	}
	dir = argv[1];
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n < 0)
		die("exe");
	self_exe[n] = '\0';
	for (int op = 0; op < OP_N; op++)
		for (size_t i = 0; i < NNAMES; i++)
			pthread_mutex_init(&results[op][i].lock, NULL);
	make_tree();
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&aux[0], NULL, churner, NULL);
	pthread_create(&aux[1], NULL, forker, NULL);
	pthread_create(&aux[2], NULL, signaller, NULL);
	for (size_t t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, caller, (void *)t);
	for (size_t t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	stop_aux = 1;
	for (int t = 0; t < 3; t++)
		pthread_join(aux[t], NULL);
	for (int op = 0; op < OP_N; op++)
		for (size_t i = 0; i < NNAMES; i++)
			printf("%s:%s %s\n", op_names[op], names[i],
			       results[op][i].sig);
	printf("uname %s\n", uname_sig);
	printf("unstable %d\n", (int)unstable);
	printf("churn_bad %d\n", (int)churn_bad);
	printf("forks_ok %s\n", forks > 0 && fork_bad == 0 ? "yes" : "no");
	printf("signals_seen %s\n", sigs_seen > 0 ? "yes" : "no");
	printf("done 0\n");
	return 0;
}
