// SPDX-License-Identifier: Apache-2.0
/*
 * Run inside a sandbox: first a few bad-input cases with Linux's exact
 * errno ("case NAME ERRNO"), then emulated syscalls with random arguments
 * (garbage pointers, huge lengths, unterminated strings at a page edge,
 * bad flags, closed fds) for argv[1] seconds, then "alive" if a normal
 * open still works. tests/integration/sentry_fuzz.sh checks the output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char *edge;		/* unterminated bytes ending at a PROT_NONE page */
static char scratch[8192];	/* the kernel/sentry may write here */

static void report(const char *name, long ret)
{
	printf("case %s %s\n", name, ret >= 0 ? "OK" : strerrorname_np(errno));
	fflush(stdout);
}

static void cases(void)
{
	static char longpath[5000];
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(longpath, 'a', sizeof(longpath) - 1);
	report("open_bad_pointer", syscall(SYS_openat, AT_FDCWD, (void *)1, 0));
	report("open_kernel_pointer", syscall(SYS_openat, AT_FDCWD,
					       (void *)0xffffffff81000000ul, 0));
	report("open_long_path", syscall(SYS_openat, AT_FDCWD, longpath, 0));
	report("open_unterminated", syscall(SYS_openat, AT_FDCWD, edge, 0));
	report("stat_unterminated", syscall(SYS_newfstatat, AT_FDCWD, edge,
					     scratch, 0));
	report("openat_closed_dirfd", syscall(SYS_openat, 999, "x", 0));
	report("openat_empty", syscall(SYS_openat, AT_FDCWD, "", 0));
	report("faccessat2_bad_flags", syscall(SYS_faccessat2, AT_FDCWD, "/", 0,
					       0x7fff0000));
	report("mkdir_bad_pointer", syscall(SYS_mkdir, (void *)16, 0755));
	report("uname_bad_pointer", syscall(SYS_uname, (void *)16));
	report("stat_bad_buffer", syscall(SYS_newfstatat, AT_FDCWD, "/",
					  (void *)16, 0));
	report("bind_bad_addr", syscall(SYS_bind, s, (void *)16, 16));
	report("bind_huge_addrlen", syscall(SYS_bind, s, &un, 1000));
	report("connect_closed_fd", syscall(SYS_connect, 999, &un, sizeof(un)));
	report("sendmsg_bad_msghdr", syscall(SYS_sendmsg, s, (void *)16, 0));
	report("execve_bad_pointer", syscall(SYS_execve, (void *)16, 0, 0));
	report("execve_long_path", syscall(SYS_execve, longpath, 0, 0));
	report("sethostname_too_long", syscall(SYS_sethostname, "x", 100));
	close(s);
}

/* Emulated calls that cannot end or damage the fuzzer's own process. */
static const long nrs[] = {
	SYS_open, SYS_stat, SYS_lstat, SYS_access, SYS_connect, SYS_sendto,
	SYS_sendmsg, SYS_bind, SYS_uname, SYS_truncate, SYS_getcwd,
	SYS_rename, SYS_mkdir, SYS_rmdir, SYS_creat, SYS_link, SYS_unlink,
	SYS_symlink, SYS_readlink, SYS_chmod, SYS_utime, SYS_mknod,
	SYS_statfs, SYS_setxattr, SYS_getxattr, SYS_listxattr,
	SYS_removexattr, SYS_utimes, SYS_openat, SYS_mkdirat, SYS_mknodat,
	SYS_newfstatat, SYS_unlinkat, SYS_renameat, SYS_linkat,
	SYS_symlinkat, SYS_readlinkat, SYS_fchmodat, SYS_faccessat,
	SYS_utimensat, SYS_sendmmsg, SYS_renameat2, SYS_statx, SYS_openat2,
	SYS_faccessat2, SYS_sysinfo, SYS_execve, SYS_execveat,
};

static uint64_t rnd(void)
{
	return ((uint64_t)random() << 33) ^ ((uint64_t)random() << 12) ^
	       (uint64_t)random();
}

static uint64_t arg(void)
{
	static const char *const paths[] = { "/tmp/fz", "/tmp/fz/a", "..",
					     "/", "/proc/self/fd/0", "" };

	switch (random() % 12) {
	case 0: return 0;
	case 1: return (uint64_t)-1;
	case 2: return rnd();
	case 3: return (uint64_t)(uintptr_t)edge;
	case 4: return (uint64_t)(uintptr_t)scratch;
	case 5: return 0xffffffff81000000ull;
	case 6: return random() % 64;
	case 7: return (uint64_t)(uintptr_t)paths[random() % 6];
	case 8: return (uint64_t)1 << (random() % 64);
	case 9: return 999;
	case 10: return (uint64_t)(uintptr_t)(edge + 64);
	default: return (uint64_t)(uintptr_t)(scratch + random() % 4096);
	}
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 3;
	time_t end = time(NULL) + secs;
	long calls = 0;
	char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd;

	if (map == MAP_FAILED)
		return 1;
	mprotect(map + 4096, 4096, PROT_NONE);
	memset(map, 'a', 4096);
	edge = map + 4096 - 100;
	cases();
	srandom(getpid() ^ time(NULL));
	while (time(NULL) < end) {
		long nr = nrs[random() % (sizeof(nrs) / sizeof(nrs[0]))];
		uint64_t a[6];

		for (int i = 0; i < 6; i++)
			a[i] = arg();
		/* a successful exec would end the fuzzer: paths only bad */
		if (nr == SYS_execve || nr == SYS_execveat)
			a[nr == SYS_execve ? 0 : 1] = (uint64_t)(uintptr_t)edge;
		/* never write to stdout/stderr or close anything */
		if (nr == SYS_sendto || nr == SYS_sendmsg || nr == SYS_sendmmsg)
			a[0] = 999;
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		calls++;
	}
	fd = open("/etc/passwd", O_RDONLY);
	printf("calls %ld\n%s\n", calls, fd >= 0 ? "alive" : "dead");
	return 0;
}
