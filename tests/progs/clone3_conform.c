// SPDX-License-Identifier: Apache-2.0
/*
 * clone3(2) as a program sees it (issue 14). Run in a runc container and
 * in a cvisor one with the same config, one line per case, "name result",
 * then "done 0"; tests/conformance/clone3.sh compares them.
 *
 * The raw calls go through c3_call, which does what glibc's x86_64
 * clone3.S does (the child's function in rdx, its argument in r8 across
 * the syscall) and also records the registers clone3 must leave alone,
 * in the parent after the call and in the child before it runs its
 * function. Then glibc's own users of clone3: pthread_create,
 * posix_spawn.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "progs.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* What c3_call saw: [0..4] rdi rsi rdx r10 r8 in the parent after the
 * call, [5..9] the same in the child before its function. */
struct c3_regs {
	uint64_t r[10];
};

/*
 * long c3_call(struct clone_args *a, size_t size, int (*fn)(void *),
 *              struct c3_regs *out, void *arg)
 * out travels in r10 (clone3 keeps it); the child exits with fn's value.
 */
long c3_call(struct clone_args *a, size_t size, int (*fn)(void *),
	     struct c3_regs *out, void *arg);
__asm__(".text\n"
	".globl c3_call\n"
	".type c3_call,@function\n"
	"c3_call:\n"
	"	mov %rcx, %r10\n"
	"	mov $435, %eax\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jz 1f\n"
	"	mov %rdi, 0(%r10)\n"
	"	mov %rsi, 8(%r10)\n"
	"	mov %rdx, 16(%r10)\n"
	"	mov %r10, 24(%r10)\n"
	"	mov %r8, 32(%r10)\n"
	"	ret\n"
	"1:\n"
	"	mov %rdi, 40(%r10)\n"
	"	mov %rsi, 48(%r10)\n"
	"	mov %rdx, 56(%r10)\n"
	"	mov %r10, 64(%r10)\n"
	"	mov %r8, 72(%r10)\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	mov %r8, %rdi\n"
	"	call *%rdx\n"
	"	mov %eax, %edi\n"
	"	mov $60, %eax\n"
	"	syscall\n"
	"	hlt\n"
	".size c3_call, .-c3_call\n");

static struct c3_regs regs;
static char arg_mark[] = "arg";

/* 0 if the five registers at base are the call's (a, size, fn, out,
 * arg), else the index + 1 of the first that is not. */
static int regs_ok(const uint64_t *r, struct clone_args *a, size_t size,
		   int (*fn)(void *), void *arg)
{
	const uint64_t want[5] = { (uintptr_t)a, size, (uintptr_t)fn,
				   (uintptr_t)&regs, (uintptr_t)arg };

	for (int i = 0; i < 5; i++)
		if (r[i] != want[i])
			return i + 1;
	return 0;
}

static struct clone_args *cur_a;
static size_t cur_size;

/* The child of a fork-like call: its registers, its argument. */
static int child_check(void *arg)
{
	int bad = regs_ok(&regs.r[5], cur_a, cur_size, child_check, arg);

	if (bad)
		return 10 + bad;
	return arg == arg_mark ? 0 : 20;
}

/* Runs a fork-like clone3; "STATUS regs R" (R: 0, or which register of
 * the parent's changed), or the errno. */
static void fork_case(const char *name, struct clone_args *a, size_t size)
{
	long pid;
	int st;

	memset(&regs, 0, sizeof(regs));
	cur_a = a;
	cur_size = size;
	pid = c3_call(a, size, child_check, &regs, arg_mark);
	if (pid < 0) {
		case_out(name, "%s", ename((int)-pid));
		return;
	}
	if (waitpid((pid_t)pid, &st, __WALL) < 0) {
		case_out(name, "waitpid %s", ename(errno));
		return;
	}
	case_out(name, "%s regs %d", wstatus(st),
	    regs_ok(regs.r, a, size, child_check, arg_mark));
}

/* Errors only: the call must fail (a child made exits at once). */
static void err_case(const char *name, void *a, size_t size)
{
	long pid = c3_call(a, size, child_check, &regs, arg_mark);
	int st;

	if (pid < 0) {
		case_out(name, "%s", ename((int)-pid));
		return;
	}
	waitpid((pid_t)pid, &st, __WALL);
	case_out(name, "made %s", wstatus(st));
}

/* The known part readable, the tail running into an unmapped page. */
static void unmapped_tail(const struct clone_args *a)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		case_out("unmapped_tail", "mmap %s", ename(errno));
		return;
	}
	munmap(p + 4096, 4096);
	memcpy(p + 4000, a, sizeof(*a));
	err_case("unmapped_tail", p + 4000, 200);
	munmap(p, 4096);
}

static void sizes(void)
{
	struct clone_args a = { .exit_signal = SIGCHLD };
	static char big[8192];

	fork_case("basic", &a, sizeof(a));
	fork_case("size_ver0", &a, CLONE_ARGS_SIZE_VER0);
	fork_case("size_ver1", &a, CLONE_ARGS_SIZE_VER1);
	err_case("size_63", &a, CLONE_ARGS_SIZE_VER0 - 1);
	err_case("size_0", &a, 0);
	memset(big, 0, sizeof(big));
	memcpy(big, &a, sizeof(a));
	fork_case("size_page_zero_tail", (struct clone_args *)big, 4096);
	err_case("size_page_plus_one", big, 4097);
	big[sizeof(a)] = 1;
	err_case("size_tail_nonzero", big, 256);
	big[sizeof(a)] = 0;
	big[4095] = 1;
	err_case("size_tail_last_byte", big, 4096);
	err_case("null", NULL, sizeof(a));
	unmapped_tail(&a);
}

static void flags(void)
{
	struct clone_args a = { .exit_signal = SIGCHLD };
	int fd = -1;

	a.flags = 1ULL << 40;
	err_case("unknown_flag_40", &a, sizeof(a));
	a.flags = 1ULL << 34;
	err_case("unknown_flag_34", &a, sizeof(a));
	a.flags = CLONE_DETACHED;
	err_case("detached", &a, sizeof(a));
	a.flags = 0x11;		/* a CSIGNAL bit */
	err_case("csignal_bits", &a, sizeof(a));
	a.flags = 0;
	a.exit_signal = 65;
	err_case("exit_signal_65", &a, sizeof(a));
	a.exit_signal = (1ULL << 32) | SIGCHLD;
	err_case("exit_signal_high", &a, sizeof(a));
	a.exit_signal = SIGCHLD;
	a.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
	err_case("thread_exit_signal", &a, sizeof(a));
	a.flags = CLONE_PARENT;
	err_case("parent_exit_signal", &a, sizeof(a));
	a.flags = CLONE_SIGHAND;
	err_case("sighand_no_vm", &a, sizeof(a));
	a.flags = 0;
	a.stack = (uintptr_t)&fd;
	err_case("stack_no_size", &a, sizeof(a));
	a.stack = 0;
	a.stack_size = 4096;
	err_case("size_no_stack", &a, sizeof(a));
	a.stack_size = 0;
	a.set_tid_size = 1;
	err_case("set_tid_size_no_array", &a, sizeof(a));
	a.set_tid_size = 33;
	a.set_tid = (uintptr_t)&fd;
	err_case("set_tid_size_33", &a, sizeof(a));
	a.set_tid_size = 0;
	err_case("set_tid_no_size", &a, sizeof(a));
	{
		pid_t tids[2] = { 0, 0 };

		a.set_tid = (uintptr_t)tids;
		a.set_tid_size = 1;
		err_case("set_tid_zero", &a, sizeof(a));
		tids[0] = 2;
		err_case("set_tid_unprivileged", &a, sizeof(a));
		a.set_tid = 8;
		err_case("set_tid_fault", &a, sizeof(a));
	}
	a.set_tid_size = 0;
	a.set_tid = 0;
	a.flags = CLONE_INTO_CGROUP;
	a.cgroup = 0;
	err_case("into_cgroup_ver1", &a, CLONE_ARGS_SIZE_VER1);
	a.cgroup = 1ULL << 31;
	err_case("into_cgroup_big_fd", &a, sizeof(a));
	a.cgroup = 9999;
	err_case("into_cgroup_bad_fd", &a, sizeof(a));
	a.cgroup = 0;
	a.flags = CLONE_NEWTIME;
	err_case("newtime", &a, sizeof(a));
	a.flags = CLONE_NEWNET;
	err_case("newnet", &a, sizeof(a));
	a.flags = CLONE_NEWNS | CLONE_FS;
	err_case("newns_fs", &a, sizeof(a));
}

static void on_sig(int sig)
{
	(void)sig;
}

/* In the child: USR1 (a handler), USR2 (ignored) and HUP (a handler),
 * each set with flags and a mask, as "handler/flags/mask" letters, on
 * the pipe sig_pipe. */
static int sig_pipe[2];

static int sighand_child(void *arg)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGHUP };
	char out[16];
	int n = 0;

	(void)arg;
	for (int i = 0; i < 3; i++) {
		struct sigaction sa;

		sigaction(sigs[i], NULL, &sa);
		out[n++] = sa.sa_handler == SIG_DFL ? 'D' :
			   sa.sa_handler == SIG_IGN ? 'I' : 'H';
		out[n++] = (sa.sa_flags & ~SA_RESTORER) ? 'f' : '-';
		out[n++] = sigismember(&sa.sa_mask, SIGINT) ? 'm' : '-';
		out[n++] = ' ';
	}
	return write(sig_pipe[1], out, n) == n ? 0 : 1;
}

static void sighand_case(const char *name, uint64_t flags)
{
	struct clone_args a = { .flags = flags, .exit_signal = SIGCHLD };
	char got[16] = "";
	long pid;
	int st = 0;
	ssize_t n;

	if (pipe(sig_pipe) < 0) {
		case_out(name, "pipe %s", ename(errno));
		return;
	}
	pid = c3_call(&a, sizeof(a), sighand_child, &regs, NULL);
	if (pid < 0) {
		case_out(name, "%s", ename((int)-pid));
	} else {
		waitpid((pid_t)pid, &st, 0);
		close(sig_pipe[1]);
		n = read(sig_pipe[0], got, sizeof(got) - 1);
		got[n > 0 ? n : 0] = '\0';
		case_out(name, "%s%s", got, wstatus(st));
	}
	close(sig_pipe[0]);
	if (pid < 0)
		close(sig_pipe[1]);
}

static void sighand(void)
{
	struct sigaction h = { .sa_handler = on_sig, .sa_flags = SA_RESTART };
	struct sigaction ign = { .sa_handler = SIG_IGN,
				 .sa_flags = SA_NODEFER };
	struct clone_args a = { .exit_signal = SIGCHLD };

	sigaddset(&h.sa_mask, SIGINT);
	sigaddset(&ign.sa_mask, SIGINT);
	sigaction(SIGUSR1, &h, NULL);
	sigaction(SIGUSR2, &ign, NULL);
	sigaction(SIGHUP, &h, NULL);
	sighand_case("clear_sighand", CLONE_CLEAR_SIGHAND);
	sighand_case("keeps_sighand", 0);
	sighand_case("clear_sighand_vm", CLONE_CLEAR_SIGHAND | CLONE_VM |
						 CLONE_VFORK);
	a.flags = CLONE_CLEAR_SIGHAND | CLONE_SIGHAND | CLONE_VM;
	err_case("clear_sighand_with_sighand", &a, sizeof(a));
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

static void pidfds(void)
{
	struct clone_args a = { .flags = CLONE_PIDFD, .exit_signal = SIGCHLD };
	struct pollfd p;
	int pidfd = -1, ptid = 0, st;
	long pid;

	a.pidfd = (uintptr_t)&pidfd;
	cur_a = &a;
	cur_size = sizeof(a);
	pid = c3_call(&a, sizeof(a), child_check, &regs, arg_mark);
	case_out("pidfd_set", "%d", pid > 0 && pidfd >= 0);
	p = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	case_out("pidfd_poll_exit", "%d", poll(&p, 1, 5000));
	if (pid > 0 && waitpid((pid_t)pid, &st, 0) == (pid_t)pid)
		case_out("pidfd_child", "%s", wstatus(st));
	close(pidfd);

	a.flags = CLONE_PIDFD | CLONE_PARENT_SETTID;
	a.parent_tid = (uintptr_t)&ptid;
	pidfd = -1;
	pid = c3_call(&a, sizeof(a), child_check, &regs, arg_mark);
	case_out("pidfd_and_parent_tid", "%d %d", pid > 0 && pidfd >= 0,
	    pid > 0 && ptid == pid);
	if (pid > 0)
		waitpid((pid_t)pid, &st, 0);
	close(pidfd);
	a.parent_tid = a.pidfd;
	err_case("pidfd_same_as_parent_tid", &a, sizeof(a));

	a.flags = CLONE_PARENT_SETTID;
	a.parent_tid = (uintptr_t)&ptid;
	ptid = 0;
	pid = c3_call(&a, sizeof(a), child_check, &regs, arg_mark);
	case_out("parent_settid", "%d", pid > 0 && ptid == pid);
	if (pid > 0)
		waitpid((pid_t)pid, &st, 0);
}

/* ---- a thread on a new stack ---------------------------------------- */

static volatile int thread_saw;
static int thread_tid = -1;

static int thread_fn(void *arg)
{
	int bad = regs_ok(&regs.r[5], cur_a, cur_size, thread_fn, arg);

	thread_saw = bad ? 100 + bad : (arg == arg_mark ? 1 : 2);
	return 0;
}

static void thread_case(void)
{
	const size_t sz = 256 * 1024;
	char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	struct clone_args a = {
		.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			 CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_SETTID |
			 CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID,
		.child_tid = (uintptr_t)&thread_tid,
		.parent_tid = (uintptr_t)&thread_tid,
		.stack = (uintptr_t)stack,
		.stack_size = sz,
	};
	long tid;
	int t;

	cur_a = &a;
	cur_size = sizeof(a);
	memset(&regs, 0, sizeof(regs));
	tid = c3_call(&a, sizeof(a), thread_fn, &regs, arg_mark);
	if (tid < 0) {
		case_out("thread", "%s", ename((int)-tid));
		return;
	}
	/* CLONE_CHILD_CLEARTID: 0 and a futex wake once it is gone */
	while ((t = __atomic_load_n(&thread_tid, __ATOMIC_ACQUIRE)) != 0)
		syscall(SYS_futex, &thread_tid, FUTEX_WAIT, t, NULL, NULL, 0);
	case_out("thread", "saw %d regs %d", thread_saw,
	    regs_ok(regs.r, &a, sizeof(a), thread_fn, arg_mark));
	munmap(stack, sz);
}

/* CLONE_VM | CLONE_VFORK on a stack of its own: the parent goes on once
 * the child is gone, and sees what it wrote. */
static volatile int vfork_mark;

static int vfork_fn(void *arg)
{
	(void)arg;
	vfork_mark = 42;
	return 3;
}

static void vfork_case(void)
{
	const size_t sz = 64 * 1024;
	char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct clone_args a = { .flags = CLONE_VM | CLONE_VFORK,
				.exit_signal = SIGCHLD,
				.stack = (uintptr_t)stack, .stack_size = sz };
	long pid;
	int st = 0, mark;

	pid = c3_call(&a, sizeof(a), vfork_fn, &regs, NULL);
	mark = vfork_mark;
	if (pid > 0)
		waitpid((pid_t)pid, &st, 0);
	case_out("vfork_stack", "%s mark %d", pid < 0 ? ename((int)-pid) :
						    wstatus(st), mark);
	munmap(stack, sz);
}

/* An exit_signal of the call's own: SIGUSR1 comes on the child's exit
 * (and __WALL/__WCLONE find it). */
static void exit_signal_case(void)
{
	struct clone_args a = { .exit_signal = SIGUSR1 };
	struct timespec ts = { 5, 0 };
	sigset_t set;
	long pid;
	int st, sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	cur_a = &a;
	cur_size = sizeof(a);
	pid = c3_call(&a, sizeof(a), child_check, &regs, arg_mark);
	sig = sigtimedwait(&set, NULL, &ts);
	case_out("exit_signal_usr1", "%s", sig == SIGUSR1 ? "SIGUSR1" :
				      ename(errno));
	case_out("exit_signal_wait_plain", "%d",
	    (int)waitpid((pid_t)pid, &st, WNOHANG) == -1 ? errno : 0);
	if (pid > 0 && waitpid((pid_t)pid, &st, __WCLONE) == (pid_t)pid)
		case_out("exit_signal_wclone", "%s", wstatus(st));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* Signals keep coming while clone3 runs: a call the kernel restarts
 * must be clone3 again with the caller's arguments. */
static volatile int stop_pinger;

static void *pinger(void *arg)
{
	pid_t tid = (pid_t)(intptr_t)arg;

	while (!stop_pinger) {
		syscall(SYS_tgkill, getpid(), tid, SIGUSR1);
		sched_yield();
	}
	return NULL;
}

static void restart_case(void)
{
	struct sigaction h = { .sa_handler = on_sig };
	struct clone_args a = { .exit_signal = SIGCHLD };
	pthread_t p;
	int bad = 0, st;

	sigaction(SIGUSR1, &h, NULL);
	pthread_create(&p, NULL, pinger, (void *)(intptr_t)gettid());
	cur_a = &a;
	cur_size = sizeof(a);
	for (int i = 0; i < 300 && !bad; i++) {
		long pid;

		memset(&regs, 0, sizeof(regs));
		pid = c3_call(&a, sizeof(a), child_check, &regs, arg_mark);
		if (pid < 0) {
			bad = 1000 - (int)pid;
			break;
		}
		while (waitpid((pid_t)pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 2000 + st;
		else if (regs_ok(regs.r, &a, sizeof(a), child_check,
				 arg_mark))
			bad = 3000;
	}
	stop_pinger = 1;
	pthread_join(p, NULL);
	signal(SIGUSR1, SIG_DFL);
	case_out("restarted_by_signals", "%d", bad);
}

/* ---- glibc's users of clone3 ---------------------------------------- */

static void *thread_main(void *arg)
{
	return (void *)((intptr_t)arg * 2);
}

static void glibc_users(const char *self)
{
	pthread_t th[8];
	intptr_t sum = 0;
	char *argv[] = { (char *)self, "--exit", "9", NULL };
	pid_t pid;
	int st = 0, ret;

	for (int i = 0; i < 8; i++)
		if (pthread_create(&th[i], NULL, thread_main,
				   (void *)(intptr_t)(i + 1)) != 0)
			th[i] = 0;
	for (int i = 0; i < 8; i++) {
		void *r = NULL;

		if (th[i] && pthread_join(th[i], &r) == 0)
			sum += (intptr_t)r;
	}
	case_out("pthread_create_join", "%ld", (long)sum);
	ret = posix_spawn(&pid, self, NULL, NULL, argv, NULL);
	if (ret == 0)
		waitpid(pid, &st, 0);
	case_out("posix_spawn", "%s %s", ename(ret), ret ? "-" : wstatus(st));
	argv[0] = "/nonexistent";
	ret = posix_spawn(&pid, "/nonexistent", NULL, NULL, argv, NULL);
	case_out("posix_spawn_enoent", "%s", ename(ret));
	pid = fork();
	if (pid == 0)
		_exit(getppid() > 0 ? 4 : 5);
	waitpid(pid, &st, 0);
	case_out("fork", "%s", wstatus(st));
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);
	sizes();
	flags();
	sighand();
	pidfds();
	thread_case();
	vfork_case();
	exit_signal_case();
	restart_case();
	glibc_users("/proc/self/exe");
	case_out("done", "0");
	return 0;
}
