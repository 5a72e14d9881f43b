// SPDX-License-Identifier: Apache-2.0
/*
 * notify_floor: what the host kernel alone charges for the two ways the
 * sentry answers a call on the seccomp platform, with no sentry at all:
 * a minimal supervisor process answers its child's calls as fast as it
 * can.
 *
 *   uname        a bare reply (SECCOMP_IOCTL_NOTIF_SEND, val 0): the
 *                notification floor, nothing read or written;
 *   open_close   openat answered by SECCOMP_IOCTL_NOTIF_ADDFD with
 *                SECCOMP_ADDFD_FLAG_SEND (one pre-opened fd installed,
 *                the reply in the same call, as sentry/ does), then a
 *                native close;
 *   native       the same two loops without a filter.
 *
 * --sync sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP on the listener, as the
 * sentry does (platform/seccomp.c): a reply wakes the task on the
 * supervisor's CPU.
 *
 * It prints one "row ns_per_call" line per case and the ratio
 * open_close / uname, the figure issue 13 wants at most 1.3 for the
 * sentry's whole path (docs/benchmarks.md "The kernel's floor").
 *
 *	notify_floor [--sync] [ITERATIONS]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* uname and openat to the listener, everything else allowed. */
static int install_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
				   .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("PR_SET_NO_NEW_PRIVS");
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static int listener, donated;

/* The supervisor: answers until the listener fails (the filtered thread
 * is gone). */
static void *serve(void *arg)
{
	struct seccomp_notif_sizes sz;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	(void)arg;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0)
		die("SECCOMP_GET_NOTIF_SIZES");
	req = calloc(1, sz.seccomp_notif);
	resp = calloc(1, sz.seccomp_notif_resp);
	if (req == NULL || resp == NULL)
		die("calloc");
	for (;;) {
		memset(req, 0, sz.seccomp_notif);
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (req->data.nr == SYS_openat) {
			struct seccomp_notif_addfd a = {
				.id = req->id,
				.flags = SECCOMP_ADDFD_FLAG_SEND,
				.srcfd = (uint32_t)donated,
				.newfd_flags = O_CLOEXEC,
			};

			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) >= 0)
				continue;
		}
		memset(resp, 0, sz.seccomp_notif_resp);
		resp->id = req->id;
		(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
	return NULL;
}

static double loop_uname(long n)
{
	struct utsname u;
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		(void)uname(&u);
	return (double)(now_ns() - t0) / (double)n;
}

static double loop_open_close(long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int fd = open("/", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("open");
		close(fd);
	}
	return (double)(now_ns() - t0) / (double)n;
}

/* Parent: the supervisor, as the sentry is a process of its own; child:
 * the filtered workload, which sends its listener's number up a pipe;
 * the parent takes the listener with pidfd_getfd. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

int main(int argc, char **argv)
{
	bool sync = argc > 1 && strcmp(argv[1], "--sync") == 0;
	long n = argc > 1 + sync ? atol(argv[1 + sync]) : 20000;
	int up[2], fd, pidfd;
	pid_t child;

	if (n <= 0) {
		fprintf(stderr, "usage: notify_floor [--sync] [ITERATIONS]\n");
		return 2;
	}
	donated = open("/", O_RDONLY | O_CLOEXEC);
	if (donated < 0)
		die("open /");
	if (pipe(up) < 0)
		die("pipe");
	setvbuf(stdout, NULL, _IONBF, 0);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		double nat_uname = loop_uname(n), nat_open = loop_open_close(n);
		double uname_ns, open_ns;

		fd = install_filter();
		if (fd < 0)
			die("seccomp");
		if (write(up[1], &fd, sizeof(fd)) != sizeof(fd))
			die("write listener");
		(void)loop_uname(n / 10);	/* warm up */
		uname_ns = loop_uname(n);
		open_ns = loop_open_close(n);
		printf("native_uname %.0f\nnative_open_close %.0f\n",
		       nat_uname, nat_open);
		printf("notify_uname %.0f\nnotify_addfd_open_close %.0f\n",
		       uname_ns, open_ns);
		printf("ratio_open_close_to_uname %.2f\n", open_ns / uname_ns);
		_exit(0);
	}
	if (read(up[0], &fd, sizeof(fd)) != sizeof(fd))
		die("read listener");
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (pidfd < 0)
		die("pidfd_open");
	listener = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (listener < 0)
		die("pidfd_getfd");
	if (sync && ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			  (uint64_t)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0)
		die("SECCOMP_IOCTL_NOTIF_SET_FLAGS");
	serve(NULL);	/* until the child is gone */
	return 0;
}
