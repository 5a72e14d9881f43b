// SPDX-License-Identifier: Apache-2.0
/*
 * A workload that stacks its own seccomp filter over the sentry's, to make
 * the host kernel run an emulated call natively (tests/escape/
 * forged_trace.sh). Run on the host (where native is what happens) and in
 * a sandbox (where it must not).
 *
 *   sc_forge MODE OPEN MKNOD EXEC
 *
 * For each probe a fresh child installs a filter that returns MODE's action
 * for getppid, uname, open/openat, mknod/mknodat and execve (ALLOW for the
 * rest), makes the call and prints "MODE PROBE RESULT": an errno name, "ok"
 * (uname: "ok RELEASE"), "executed" (the exec ran EXEC, which prints it),
 * "SIGSYS" (TRAP) or "killed-SIGSYS" (KILL). MODE:
 *
 *   trace-HEX     SECCOMP_RET_TRACE | HEX (a tracer's stop, with that data)
 *   notif         SECCOMP_RET_USER_NOTIF, no listener
 *   listener      USER_NOTIF with a listener of its own, whose server
 *                 answers SECCOMP_USER_NOTIF_FLAG_CONTINUE: the kernel runs
 *                 the call. Also prints "listener listener OK|ERRNO" and
 *                 "listener continued N".
 *   errno-N       SECCOMP_RET_ERRNO | N
 *   trap, kill, log, allow
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static const char *mode;
static const char *open_path, *mknod_path, *exec_path;
static volatile sig_atomic_t got_sigsys;
static int *continued;		/* shared with the listener's server */

static uint32_t mode_action(void)
{
	if (strncmp(mode, "trace-", 6) == 0)
		return SECCOMP_RET_TRACE | (strtoul(mode + 6, NULL, 16) & 0xffff);
	if (strncmp(mode, "errno-", 6) == 0)
		return SECCOMP_RET_ERRNO | (strtoul(mode + 6, NULL, 10) & 0xffff);
	if (strcmp(mode, "notif") == 0 || strcmp(mode, "listener") == 0)
		return SECCOMP_RET_USER_NOTIF;
	if (strcmp(mode, "trap") == 0)
		return SECCOMP_RET_TRAP;
	if (strcmp(mode, "kill") == 0)
		return SECCOMP_RET_KILL_PROCESS;
	if (strcmp(mode, "log") == 0)
		return SECCOMP_RET_LOG;
	return SECCOMP_RET_ALLOW;
}

/* Returns the listener fd (listener mode), 0, or -errno. */
static int install(void)
{
	uint32_t act = mode_action();
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 7, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_uname, 6, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_open, 5, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mknod, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mknodat, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, act),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	unsigned flags = strcmp(mode, "listener") == 0 ?
				 SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	return r < 0 ? -errno : (int)r;
}

/* The listener's server: lets the kernel run every notified call. */
static void serve(int lfd)
{
	for (;;) {
		struct seccomp_notif n;
		struct seccomp_notif_resp resp;

		memset(&n, 0, sizeof(n));
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0) {
			if (errno == EINTR)
				continue;
			_exit(0);
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = n.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0)
			__atomic_add_fetch(continued, 1, __ATOMIC_SEQ_CST);
	}
}

static void on_sigsys(int sig)
{
	(void)sig;
	got_sigsys = 1;
}

static void result(const char *probe, long r, int err, const char *extra)
{
	if (got_sigsys)
		printf("%s %s SIGSYS\n", mode, probe);
	else if (r < 0)
		printf("%s %s %s\n", mode, probe, ename(err));
	else
		printf("%s %s ok%s%s\n", mode, probe, extra ? " " : "",
		       extra ? extra : "");
	fflush(stdout);
}

static void probe(const char *name)
{
	struct utsname u;
	char *av[] = { (char *)exec_path, "--executed", (char *)mode, NULL };
	long r;

	if (strcmp(name, "getppid") == 0) {
		r = syscall(SYS_getppid);
		result(name, r, errno, NULL);
	} else if (strcmp(name, "uname") == 0) {
		r = syscall(SYS_uname, &u);
		result(name, r, errno, r == 0 ? u.release : NULL);
	} else if (strcmp(name, "open") == 0) {
		r = syscall(SYS_openat, AT_FDCWD, open_path, O_RDONLY);
		result(name, r, errno, NULL);
	} else if (strcmp(name, "mknod") == 0) {
		r = syscall(SYS_mknodat, AT_FDCWD, mknod_path, S_IFIFO | 0600, 0);
		result(name, r, errno, NULL);
		if (r == 0)
			unlink(mknod_path);
	} else {
		r = syscall(SYS_execve, exec_path, av, NULL);
		result(name, r, errno, NULL);
	}
}

/* One probe in a child of its own, under the mode's filter. */
static void run_probe(const char *name)
{
	pid_t pid, server = -1;
	int st, lfd;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		signal(SIGSYS, on_sigsys);
		lfd = install();
		if (lfd < 0 && strcmp(mode, "listener") != 0) {
			printf("%s %s install-%s\n", mode, name, ename(-lfd));
			_exit(0);
		}
		if (lfd > 0) {
			server = fork();
			if (server == 0) {
				/* gone with the probe, also after its execve */
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				serve(lfd);
			}
			close(lfd);
		}
		probe(name);
		if (server > 0) {
			kill(server, SIGKILL);
			waitpid(server, NULL, 0);
		}
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == pid && WIFSIGNALED(st))
		printf("%s %s killed-%s\n", mode, name, sigabbrev_np(WTERMSIG(st)) ?
		       sigabbrev_np(WTERMSIG(st)) : "?");
}

/* Whether a listener can be had at all: "listener listener OK|ERRNO". */
static void try_listener(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int lfd = install();

		printf("listener listener %s\n", lfd < 0 ? ename(-lfd) : "OK");
		_exit(0);
	}
	waitpid(pid, &st, 0);
}

int main(int argc, char **argv)
{
	static const char *const probes[] = { "getppid", "uname", "open",
					       "mknod", "execve" };

	if (argc == 3 && strcmp(argv[1], "--executed") == 0) {
		printf("%s execve executed\n", argv[2]);
		return 0;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: sc_forge MODE OPEN MKNOD EXEC\n");
		return 2;
	}
	mode = argv[1];
	open_path = argv[2];
	mknod_path = argv[3];
	exec_path = argv[4];
	continued = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (continued == MAP_FAILED)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "listener") == 0)
		try_listener();
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		run_probe(probes[i]);
	if (strcmp(mode, "listener") == 0)
		printf("listener continued %d\n", *continued);
	return 0;
}
