/* SPDX-License-Identifier: Apache-2.0 */
/*
 * micro: the syscall microbenchmarks, one static program run natively and
 * inside every runtime under test. Each benchmark calibrates its iteration
 * count to run for about --ms milliseconds (after a warm-up) and prints
 *	name ns_per_op iterations
 * one line each, so the runner can compare runtimes op for op.
 *
 * Usage: micro [--ms N] [--dir D] [--only a,b,c] [--skip d,e]
 *        (D: scratch, default /tmp)
 *        micro --true                              (exits 0: exec target)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char scratch[256] = "/tmp";
static char self_path[4096];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "micro: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ---- per-benchmark state and bodies ----------------------------------- */

static int file_fd;
static char file_path[300], dir_path[300];
static char buf4k[4096];

static void setup_files(void)
{
	snprintf(file_path, sizeof(file_path), "%s/micro-file", scratch);
	snprintf(dir_path, sizeof(dir_path), "%s/micro-dir", scratch);
	file_fd = open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (file_fd < 0)
		die(file_path);
	memset(buf4k, 'x', sizeof(buf4k));
	for (int i = 0; i < 256; i++)
		if (write(file_fd, buf4k, sizeof(buf4k)) != sizeof(buf4k))
			die("write file");
	if (mkdir(dir_path, 0755) < 0 && errno != EEXIST)
		die(dir_path);
	for (int i = 0; i < 1000; i++) {
		char p[400];
		int fd;

		snprintf(p, sizeof(p), "%s/entry-%04d", dir_path, i);
		fd = open(p, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			die(p);
		close(fd);
	}
}

/* A tree for the path-resolution rows: deep/d1/.../d6 with a file at the
 * bottom, and wide/{0..9}/{0..19}. Left to settle (60 ms) so the sentry's
 * directory cache may keep it (docs/benchmarks.md). */
static char deep_dir[400], deep_file[420], wide_dir[300];

static void setup_tree(void)
{
	char p[600];
	int fd;

	snprintf(deep_dir, sizeof(deep_dir), "%s/micro-deep", scratch);
	mkdir(deep_dir, 0755);
	for (int i = 1; i <= 6; i++) {
		size_t n = strlen(deep_dir);

		snprintf(deep_dir + n, sizeof(deep_dir) - n, "/d%d", i);
		if (mkdir(deep_dir, 0755) < 0 && errno != EEXIST)
			die(deep_dir);
	}
	snprintf(deep_file, sizeof(deep_file), "%s/file", deep_dir);
	fd = open(deep_file, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		die(deep_file);
	close(fd);
	snprintf(wide_dir, sizeof(wide_dir), "%s/micro-wide", scratch);
	mkdir(wide_dir, 0755);
	for (int i = 0; i < 10; i++) {
		snprintf(p, sizeof(p), "%s/%d", wide_dir, i);
		mkdir(p, 0755);
		for (int j = 0; j < 20; j++) {
			snprintf(p, sizeof(p), "%s/%d/f%d", wide_dir, i, j);
			fd = open(p, O_WRONLY | O_CREAT, 0644);
			if (fd >= 0)
				close(fd);
		}
	}
	usleep(60000);
}

static void cleanup_tree(void)
{
	char p[600];

	unlink(deep_file);
	for (int i = 6; i >= 0; i--) {
		rmdir(deep_dir);
		*strrchr(deep_dir, '/') = '\0';
	}
	for (int i = 0; i < 10; i++) {
		for (int j = 0; j < 20; j++) {
			snprintf(p, sizeof(p), "%s/%d/f%d", wide_dir, i, j);
			unlink(p);
		}
		snprintf(p, sizeof(p), "%s/%d", wide_dir, i);
		rmdir(p);
	}
	rmdir(wide_dir);
}

static void cleanup_files(void)
{
	cleanup_tree();
	for (int i = 0; i < 1000; i++) {
		char p[400];

		snprintf(p, sizeof(p), "%s/entry-%04d", dir_path, i);
		unlink(p);
	}
	rmdir(dir_path);
	close(file_fd);
	unlink(file_path);
}

static void b_getppid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
}

static void b_clock_gettime(long n)
{
	struct timespec ts;

	for (long i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void b_read4k(long n)
{
	for (long i = 0; i < n; i++) {
		if ((i & 255) == 0)
			lseek(file_fd, 0, SEEK_SET);
		if (read(file_fd, buf4k, sizeof(buf4k)) != sizeof(buf4k))
			die("read");
	}
}

static void b_pread4k(long n)
{
	for (long i = 0; i < n; i++)
		if (pread(file_fd, buf4k, sizeof(buf4k), (i & 255) * 4096) !=
		    sizeof(buf4k))
			die("pread");
}

static void b_pipe_write(long n)
{
	int p[2];
	char b[64] = { 0 }, drain[65536];

	if (pipe(p) < 0)
		die("pipe");
	for (long i = 0; i < n; i++) {
		if (write(p[1], b, sizeof(b)) != sizeof(b))
			die("pipe write");
		if ((i & 511) == 511 && read(p[0], drain, sizeof(drain)) < 0)
			die("pipe drain");
	}
	close(p[0]);
	close(p[1]);
}

static void b_open_close(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(file_path, O_RDONLY);

		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void b_uname(long n)
{
	struct utsname u;

	for (long i = 0; i < n; i++)
		uname(&u);
}

static void b_stat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat(file_path, &st) < 0)
			die("stat");
}

/* glibc's fstat is newfstatat(fd, "", AT_EMPTY_PATH): a path call to
 * any runtime that filters paths (nginx makes one per request). */
static void b_fstat(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (fstat(file_fd, &st) < 0)
			die("fstat");
}

static void b_stat_deep_dir(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat(deep_dir, &st) < 0)
			die("stat deep dir");
}

static void b_stat_deep_file(long n)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat(deep_file, &st) < 0)
			die("stat deep file");
}

static void b_statx_deep_dir(long n)
{
	struct statx stx;

	for (long i = 0; i < n; i++)
		if (statx(AT_FDCWD, deep_dir, 0, STATX_BASIC_STATS, &stx) < 0)
			die("statx deep dir");
}

static void b_access_deep_dir(long n)
{
	for (long i = 0; i < n; i++)
		if (access(deep_dir, X_OK) < 0)
			die("access deep dir");
}

/* open(O_PATH | O_DIRECTORY) + close: how fts and openat-style walkers
 * hold a directory. */
static void b_open_path_dir(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(deep_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			die("open O_PATH deep dir");
		close(fd);
	}
}

/* stat of a directory by a path relative to the cwd (6 levels). */
static void b_stat_rel_dir(long n)
{
	char base[420];
	struct stat st;

	snprintf(base, sizeof(base), "%s/micro-deep", scratch);
	if (chdir(base) < 0)
		die("chdir micro-deep");
	for (long i = 0; i < n; i++)
		if (stat("d1/d2/d3/d4/d5/d6", &st) < 0)
			die("stat rel dir");
	if (chdir(scratch) < 0)
		die("chdir back");
}

static void b_chdir_getcwd(long n)
{
	char cwd[512];

	for (long i = 0; i < n; i++) {
		if (chdir(deep_dir) < 0 || !getcwd(cwd, sizeof(cwd)))
			die("chdir deep");
		if (chdir(scratch) < 0)
			die("chdir back");
	}
}

/* find(1)-style: lstat every entry of a 10 x 20 tree by absolute path
 * (one iteration = 211 lstat calls; names from readdir). */
static void b_find_tree(long n)
{
	char p[600];
	struct stat st;

	for (long k = 0; k < n; k++) {
		if (lstat(wide_dir, &st) < 0)
			die("lstat tree");
		for (int i = 0; i < 10; i++) {
			snprintf(p, sizeof(p), "%s/%d", wide_dir, i);
			if (lstat(p, &st) < 0)
				die("lstat tree dir");
			for (int j = 0; j < 20; j++) {
				snprintf(p, sizeof(p), "%s/%d/f%d", wide_dir,
					 i, j);
				if (lstat(p, &st) < 0)
					die("lstat tree file");
			}
		}
	}
}

static void b_readdir1000(long n)
{
	for (long i = 0; i < n; i++) {
		DIR *d = opendir(dir_path);
		int cnt = 0;

		if (d == NULL)
			die("opendir");
		while (readdir(d) != NULL)
			cnt++;
		closedir(d);
		if (cnt != 1002) {
			errno = EIO;
			die("readdir count");
		}
	}
}

static void b_mmap_touch(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		for (int off = 0; off < 65536; off += 4096)
			p[off] = 1;
		munmap(p, 65536);
	}
}

static void b_fork_wait(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
}

static void b_fork_exec_wait(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char *argv[] = { self_path, "--true", NULL };

			execv(self_path, argv);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			errno = ENOEXEC;
			die("exec child");
		}
	}
}

/* Round trips of one byte between two processes over a pair of fds. */
static void pingpong(long n, int a[2], int b[2])
{
	char c = 'p';
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			die("pingpong");
	}
	waitpid(pid, NULL, 0);
}

static void b_pipe_pingpong(long n)
{
	int a[2], b[2];

	if (pipe(a) < 0 || pipe(b) < 0)
		die("pipe");
	pingpong(n, a, b);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void b_unix_pingpong(long n)
{
	int sv[2], a[2], b[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	/* parent writes sv[0], child reads sv[1] and answers on sv[1] */
	a[0] = sv[1];
	a[1] = sv[0];
	b[0] = sv[0];
	b[1] = sv[1];
	pingpong(n, a, b);
	close(sv[0]);
	close(sv[1]);
}

static int tcp_pair(int *client, int *server)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0 ||
	    connect(*client, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	*server = accept(l, NULL, NULL);
	close(l);
	if (*server < 0)
		return -1;
	setsockopt(*client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(*server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return 0;
}

static void b_tcp_rr(long n)
{
	int c, s, a[2], b[2];

	if (tcp_pair(&c, &s) < 0)
		die("tcp loopback");
	a[0] = s;
	a[1] = c;
	b[0] = c;
	b[1] = s;
	pingpong(n, a, b);
	close(c);
	close(s);
}

/* One op = 64 KiB sent and received. */
static void b_tcp_stream(long n)
{
	static char chunk[65536];
	int c, s;
	pid_t pid;

	if (tcp_pair(&c, &s) < 0)
		die("tcp loopback");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		long want = n * (long)sizeof(chunk);

		close(c);
		while (want > 0) {
			ssize_t r = read(s, chunk, sizeof(chunk));

			if (r <= 0)
				_exit(1);
			want -= r;
		}
		_exit(0);
	}
	close(s);
	for (long i = 0; i < n; i++) {
		size_t off = 0;

		while (off < sizeof(chunk)) {
			ssize_t w = write(c, chunk + off, sizeof(chunk) - off);

			if (w <= 0)
				die("tcp write");
			off += (size_t)w;
		}
	}
	waitpid(pid, NULL, 0);
	close(c);
}

static volatile sig_atomic_t sig_count;

static void on_usr1(int sig)
{
	(void)sig;
	sig_count++;
}

static void b_signal(long n)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &sa, NULL);
	sig_count = 0;
	for (long i = 0; i < n; i++)
		kill(getpid(), SIGUSR1);
	if (sig_count != n) {
		errno = EIO;
		die("signal count");
	}
	signal(SIGUSR1, SIG_DFL);
}

static _Atomic int futex_word;
static long futex_n;

static void futex_wait_for(int want)
{
	while (atomic_load(&futex_word) != want)
		syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, !want, NULL,
			NULL, 0);
}

static void futex_set(int v)
{
	atomic_store(&futex_word, v);
	syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *futex_peer(void *arg)
{
	(void)arg;
	for (long i = 0; i < futex_n; i++) {
		futex_wait_for(1);
		futex_set(0);
	}
	return NULL;
}

/* One op = a wake each way between two threads. */
static void b_futex_wake(long n)
{
	pthread_t th;

	futex_n = n;
	atomic_store(&futex_word, 0);
	if (pthread_create(&th, NULL, futex_peer, NULL) != 0)
		die("pthread_create");
	for (long i = 0; i < n; i++) {
		futex_set(1);
		futex_wait_for(0);
	}
	pthread_join(th, NULL);
}

/* The scaling rows: n stats of the file split over T threads; ns per op
 * is the wall time over n, so ops/s = 1e9 / ns (the runner prints it). */
struct stat_worker {
	long n;
	pthread_t th;
};

static void *stat_worker(void *arg)
{
	struct stat_worker *w = arg;
	struct stat st;

	for (long i = 0; i < w->n; i++)
		if (stat(file_path, &st) < 0)
			die("stat (threads)");
	return NULL;
}

/* The bare emulated call from T threads: the sentry's own scaling,
 * without the directory cache or the gofer. */
static void *uname_worker(void *arg)
{
	struct stat_worker *w = arg;
	struct utsname u;

	for (long i = 0; i < w->n; i++)
		if (uname(&u) < 0)
			die("uname (threads)");
	return NULL;
}

static void run_threads(long n, int nthreads, void *(*fn)(void *))
{
	struct stat_worker w[8];

	for (int t = 0; t < nthreads; t++) {
		w[t].n = n / nthreads + (t < n % nthreads);
		if (pthread_create(&w[t].th, NULL, fn, &w[t]) != 0)
			die("pthread_create");
	}
	for (int t = 0; t < nthreads; t++)
		pthread_join(w[t].th, NULL);
}

static void stat_threads(long n, int nthreads)
{
	run_threads(n, nthreads, stat_worker);
}

static void b_uname_threads_1(long n) { run_threads(n, 1, uname_worker); }
static void b_uname_threads_2(long n) { run_threads(n, 2, uname_worker); }
static void b_uname_threads_4(long n) { run_threads(n, 4, uname_worker); }
static void b_uname_threads_8(long n) { run_threads(n, 8, uname_worker); }

static void b_stat_threads_1(long n) { stat_threads(n, 1); }
static void b_stat_threads_2(long n) { stat_threads(n, 2); }
static void b_stat_threads_4(long n) { stat_threads(n, 4); }
static void b_stat_threads_8(long n) { stat_threads(n, 8); }

/* The small-files workload, one op: 5,000 files of 1 KiB written, stat'ed,
 * read back and removed in a directory of the scratch dir. */
#define SMALL_FILES 5000

static void small_files_once(void)
{
	char dir[300], p[400], b[1024];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/micro-small", scratch);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		die(dir);
	memset(b, 's', sizeof(b));
	for (int i = 0; i < SMALL_FILES; i++) {
		int fd;

		snprintf(p, sizeof(p), "%s/f%d", dir, i);
		fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, b, sizeof(b)) != sizeof(b))
			die("small file write");
		close(fd);
	}
	for (int i = 0; i < SMALL_FILES; i++) {
		snprintf(p, sizeof(p), "%s/f%d", dir, i);
		if (stat(p, &st) < 0 || st.st_size != sizeof(b))
			die("small file stat");
	}
	for (int i = 0; i < SMALL_FILES; i++) {
		int fd;

		snprintf(p, sizeof(p), "%s/f%d", dir, i);
		fd = open(p, O_RDONLY);
		if (fd < 0 || read(fd, b, sizeof(b)) != sizeof(b))
			die("small file read");
		close(fd);
	}
	for (int i = 0; i < SMALL_FILES; i++) {
		snprintf(p, sizeof(p), "%s/f%d", dir, i);
		if (unlink(p) < 0)
			die("small file unlink");
	}
	rmdir(dir);
}

static void b_small_files(long n)
{
	for (long i = 0; i < n; i++)
		small_files_once();
}

/* ---- driver ------------------------------------------------------------ */

struct bench {
	const char *name;
	void (*fn)(long n);
	bool once;	/* one timed run, no warm-up or calibration */
};

static const struct bench benches[] = {
	{ "getppid", b_getppid },
	{ "uname", b_uname },
	{ "clock_gettime", b_clock_gettime },
	{ "read_4k", b_read4k },
	{ "pread_4k", b_pread4k },
	{ "pipe_write", b_pipe_write },
	{ "open_close", b_open_close },
	{ "stat", b_stat },
	{ "fstat", b_fstat },
	{ "stat_deep_dir", b_stat_deep_dir },
	{ "stat_deep_file", b_stat_deep_file },
	{ "statx_deep_dir", b_statx_deep_dir },
	{ "access_deep_dir", b_access_deep_dir },
	{ "open_path_dir", b_open_path_dir },
	{ "stat_rel_dir", b_stat_rel_dir },
	{ "chdir_getcwd", b_chdir_getcwd },
	{ "find_tree_211", b_find_tree },
	{ "readdir_1000", b_readdir1000 },
	{ "mmap_touch_munmap", b_mmap_touch },
	{ "fork_wait", b_fork_wait },
	{ "fork_exec_wait", b_fork_exec_wait },
	{ "pipe_pingpong", b_pipe_pingpong },
	{ "unix_pingpong", b_unix_pingpong },
	{ "tcp_rr", b_tcp_rr },
	{ "tcp_stream_64k", b_tcp_stream },
	{ "signal", b_signal },
	{ "futex_wake", b_futex_wake },
	{ "stat_threads_1", b_stat_threads_1 },
	{ "stat_threads_2", b_stat_threads_2 },
	{ "stat_threads_4", b_stat_threads_4 },
	{ "stat_threads_8", b_stat_threads_8 },
	{ "uname_threads_1", b_uname_threads_1 },
	{ "uname_threads_2", b_uname_threads_2 },
	{ "uname_threads_4", b_uname_threads_4 },
	{ "uname_threads_8", b_uname_threads_8 },
	{ "small_files_5000", b_small_files, true },
};

/* Runs fn long enough for target_ms; returns ns per op. */
static double measure(const struct bench *b, double target_ms, long *iters)
{
	long n = 1;
	uint64_t t0, dt;

	if (b->once) {
		t0 = now_ns();
		b->fn(1);
		*iters = 1;
		return (double)(now_ns() - t0);
	}
	b->fn(1); /* warm-up: faults, caches, lazy binding */
	for (;;) {
		t0 = now_ns();
		b->fn(n);
		dt = now_ns() - t0;
		if (dt >= target_ms * 1e6 / 4 || n >= (1L << 30))
			break;
		n *= dt < 1000000 ? 8 : 2;
	}
	/* Final run sized to the target from the last rate. */
	n = (long)((double)n * target_ms * 1e6 / (double)(dt ? dt : 1));
	if (n < 1)
		n = 1;
	t0 = now_ns();
	b->fn(n);
	dt = now_ns() - t0;
	*iters = n;
	return (double)dt / (double)n;
}

static int selected(const char *only, const char *name)
{
	size_t len = strlen(name);

	if (only == NULL)
		return 1;
	for (const char *p = only; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l == len && strncmp(p, name, len) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	double ms = 300;
	const char *only = NULL, *skip = "";
	ssize_t l;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--true") == 0)
			return 0;
		if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc)
			ms = atof(argv[++i]);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			snprintf(scratch, sizeof(scratch), "%s", argv[++i]);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else if (strcmp(argv[i], "--skip") == 0 && i + 1 < argc)
			skip = argv[++i];
		else {
			fprintf(stderr, "usage: micro [--ms N] [--dir D] "
				"[--only a,b] [--skip c,d]\n");
			return 2;
		}
	}
	/* The exec target is this program; argv[0] may be relative. */
	l = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (l > 0)
		self_path[l] = '\0';
	else
		snprintf(self_path, sizeof(self_path), "%s", argv[0]);
	if (access(self_path, X_OK) != 0)
		snprintf(self_path, sizeof(self_path), "%s", argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_files();
	setup_tree();
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		long iters;
		double ns;

		if (!selected(only, benches[i].name) ||
		    (*skip && selected(skip, benches[i].name)))
			continue;
		ns = measure(&benches[i], ms, &iters);
		printf("%s %.1f %ld\n", benches[i].name, ns, iters);
	}
	cleanup_files();
	return 0;
}
