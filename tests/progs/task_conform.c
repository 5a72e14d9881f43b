// SPDX-License-Identifier: Apache-2.0
/*
 * Processes as a program sees them (issue 14): core dumps in the wait
 * status, clone3 and CLONE_PARENT, /proc/<pid>/mem, subreapers, the
 * parent-death signal, personality flags and pidfds. Run in a runc
 * container and in a cvisor one with the same config, one line per case,
 * "name result", then "done 0"; tests/conformance/tasks.sh compares.
 *
 *   task_conform               every case (as pid 1 of a container)
 *   task_conform --mem-child   prints the address of its variable and its
 *                              value, then waits for stdin to close
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static const char *self_exe = "/proc/self/exe";

static const char *res(long r)
{
	return r < 0 ? ename(errno) : "ok";
}

/* ---- 1. core dumps in the wait status ---------------------------------------- */

#define CORES "/tmp/cores"
#define CORE CORES "/core"

/* How the child dies: its signal and RLIMIT_CORE, as whom, dumpable. */
struct core_how {
	int sig;
	rlim_t core;
	uid_t uid;		/* 0: stays root */
	int dumpable;		/* PR_SET_DUMPABLE value, -1: untouched */
	int by_waitid;
};

static void die_by(const struct core_how *h)
{
	struct rlimit r;
	sigset_t all;

	getrlimit(RLIMIT_CORE, &r);
	r.rlim_cur = h->core < r.rlim_max ? h->core : r.rlim_max;
	setrlimit(RLIMIT_CORE, &r);
	if (h->uid != 0 && (setgid(h->uid) < 0 || setuid(h->uid) < 0))
		_exit(97);
	if (h->dumpable >= 0)
		prctl(PR_SET_DUMPABLE, h->dumpable, 0, 0, 0);
	if (chdir(CORES) < 0)
		_exit(98);
	signal(h->sig, SIG_DFL);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	raise(h->sig);
	_exit(99);
}

/* "none", or what the file at path is: an ELF core or not, its owner,
 * its mode, and whether its data (holes are not) fits in limit bytes
 * (and a block). */
static const char *core_file(const char *path, rlim_t limit)
{
	static char s[96];
	unsigned char id[EI_NIDENT + 2] = { 0 };
	struct stat st;
	const char *what = "other";
	bool over;
	int fd;

	if (lstat(path, &st) < 0)
		return "none";
	fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd >= 0 && read(fd, id, sizeof(id)) == (ssize_t)sizeof(id) &&
	    memcmp(id, ELFMAG, SELFMAG) == 0 &&
	    id[EI_NIDENT] == ET_CORE && id[EI_NIDENT + 1] == 0)
		what = "elf-core";
	else if (st.st_size == 0)
		what = "empty";
	if (fd >= 0)
		close(fd);
	over = limit != RLIM_INFINITY &&
	       (rlim_t)st.st_blocks * 512 > limit + 4096;
	snprintf(s, sizeof(s), "%s uid %u mode %o%s", what,
		 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
		 over ? " over-limit" : "");
	return s;
}

/* One death; its wait status (or waitid code) and then the core file
 * ("<name>_file"); keep: the core is renamed to it, for gdb. */
static void core_run(const char *name, const struct core_how *h,
		     const char *keep)
{
	char fname[64];
	siginfo_t si = { 0 };
	pid_t pid;
	int st = 0;

	pid = fork();
	if (pid == 0)
		die_by(h);
	if (h->by_waitid) {
		if (waitid(P_PID, pid, &si, WEXITED) < 0)
			case_out(name, "waitid %s", ename(errno));
		else
			case_out(name, "code %s status %d",
			    si.si_code == CLD_DUMPED ? "dumped" :
			    si.si_code == CLD_KILLED ? "killed" : "other",
			    si.si_status);
	} else if (waitpid(pid, &st, 0) < 0) {
		case_out(name, "waitpid %s", ename(errno));
	} else {
		case_out(name, "%s", wstatus(st));
	}
	snprintf(fname, sizeof(fname), "%s_file", name);
	case_out(fname, "%s", core_file(CORE, h->core));
	if (keep != NULL)
		rename(CORE, keep);
	else
		unlink(CORE);
}

static void core_case(const char *name, int sig, rlim_t core, int by_waitid)
{
	struct core_how h = { .sig = sig, .core = core, .dumpable = -1,
			      .by_waitid = by_waitid };

	core_run(name, &h, NULL);
}

/* A waitid with WNOWAIT, then a wait4 of the same child. */
static void core_nowait(void)
{
	siginfo_t si = { 0 };
	pid_t pid;
	int st = 0;
	struct core_how h = { .sig = SIGSEGV, .core = RLIM_INFINITY,
			      .dumpable = -1 };

	pid = fork();
	if (pid == 0)
		die_by(&h);
	if (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) < 0)
		case_out("core_waitid_nowait", "waitid %s", ename(errno));
	else
		case_out("core_waitid_nowait", "code %s",
		    si.si_code == CLD_DUMPED ? "dumped" : "killed");
	if (waitpid(pid, &st, 0) < 0)
		case_out("core_nowait_then_wait", "waitpid %s", ename(errno));
	else
		case_out("core_nowait_then_wait", "%s", wstatus(st));
	unlink(CORE);
}

static void *abort_thread(void *arg)
{
	const struct core_how *h = arg;

	usleep(200000);	/* the main thread is in its open by then */
	if (chdir(CORES) == 0)
		raise(h->sig);	/* this thread's signal */
	return NULL;
}

#define CORE_FIFO "/tmp/task_conform.fifo"

/* A thread of a process with another one running dies of SIGABRT; the
 * other waits in the open of a FIFO nobody writes (under the sentry a
 * deferred call: it must stop for the dump all the same, and be in the
 * core with its registers). */
static void core_thread(void)
{
	struct core_how h = { .sig = SIGABRT, .core = RLIM_INFINITY,
			      .dumpable = -1 };
	struct rlimit r;
	pthread_t th;
	pid_t pid;
	int st = 0;

	unlink(CORE_FIFO);
	if (mkfifo(CORE_FIFO, 0600) < 0)
		case_out("core_thread_fifo", "mkfifo %s", ename(errno));
	pid = fork();
	if (pid == 0) {
		getrlimit(RLIMIT_CORE, &r);
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_CORE, &r);
		signal(SIGABRT, SIG_DFL);
		if (pthread_create(&th, NULL, abort_thread, &h) != 0)
			_exit(96);
		for (;;)
			if (open(CORE_FIFO, O_RDONLY) < 0)
				pause();
	}
	if (waitpid(pid, &st, 0) < 0)
		case_out("core_thread", "waitpid %s", ename(errno));
	else
		case_out("core_thread", "%s", wstatus(st));
	case_out("core_thread_file", "%s", core_file(CORE, RLIM_INFINITY));
	rename(CORE, CORES "/thread.core");	/* for gdb's thread count */
	unlink(CORE_FIFO);
}

/* The parent already asleep in its wait when the child dies. */
static void core_wait_first(void)
{
	int p[2], st = 0;
	pid_t pid;
	char c;
	struct core_how h = { .sig = SIGABRT, .core = RLIM_INFINITY,
			      .dumpable = -1 };

	if (pipe(p) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		(void)read(p[0], &c, 1);	/* the parent's EOF, later */
		usleep(200000);		/* it is in waitpid by then */
		die_by(&h);
	}
	close(p[0]);
	close(p[1]);
	if (waitpid(pid, &st, 0) < 0)
		case_out("core_parent_waiting", "waitpid %s", ename(errno));
	else
		case_out("core_parent_waiting", "%s", wstatus(st));
	unlink(CORE);
}

static void cores(void)
{
	struct core_how h = { .sig = SIGSEGV, .core = RLIM_INFINITY,
			      .dumpable = -1 };

	mkdir("/tmp", 01777);
	mkdir(CORES, 0777);
	chmod(CORES, 0777);
	core_case("core_quit", SIGQUIT, RLIM_INFINITY, 0);
	core_case("core_ill", SIGILL, RLIM_INFINITY, 0);
	core_case("core_trap", SIGTRAP, RLIM_INFINITY, 0);
	core_case("core_segv", SIGSEGV, RLIM_INFINITY, 0);
	core_case("core_abrt_waitid", SIGABRT, RLIM_INFINITY, 1);
	core_case("core_term", SIGTERM, RLIM_INFINITY, 0);
	core_case("core_limit_0", SIGQUIT, 0, 0);
	core_case("core_limit_0_waitid", SIGSEGV, 0, 1);
	/* under a page: none; a few pages: the file cut short, no bit */
	core_case("core_limit_small", SIGSEGV, 1000, 0);
	core_case("core_limit_cut", SIGSEGV, 3 * 4096, 0);
	core_nowait();
	core_wait_first();
	core_thread();
	/* another user (setuid made it non-dumpable; it says again) */
	h.uid = 1000;
	h.dumpable = 1;
	core_run("core_user", &h, NULL);
	h.dumpable = 0;
	core_run("core_user_nodump", &h, NULL);
	h.dumpable = -1;
	core_run("core_user_setuid", &h, NULL);
	/* one kept for tests/conformance/tasks.sh's gdb */
	h.uid = 0;
	h.sig = SIGQUIT;
	core_run("core_kept", &h, CORES "/kept.core");
}

/* ---- 1b. the parent's SIGCHLD; a seccomp filter's kill ---------------------- */

static volatile sig_atomic_t chld_code, chld_status, chld_seen;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_seen = 1;
}

/* on_chld as SIGCHLD's handler, SIGCHLD blocked (old: the mask before),
 * nothing seen yet. */
static void watch_chld(sigset_t *old)
{
	struct sigaction sa = { .sa_sigaction = on_chld,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_BLOCK, &chld, old);
	chld_seen = 0;
}

static const char *cld_code(int code)
{
	return code == CLD_DUMPED ? "dumped" :
	       code == CLD_KILLED ? "killed" :
	       code == CLD_EXITED ? "exited" : "other";
}

/* The SIGCHLD handler's siginfo (SA_SIGINFO) for a child that dumped:
 * delivered before the wait (the parent waits for the signal first) or
 * after it (SIGCHLD blocked until the child was reaped). */
static void core_sigchld(const char *name, int after_wait)
{
	struct core_how h = { .sig = SIGSEGV, .core = RLIM_INFINITY,
			      .dumpable = -1 };
	sigset_t old;
	pid_t pid;
	int st = 0;

	watch_chld(&old);
	pid = fork();
	if (pid == 0)
		die_by(&h);
	if (after_wait) {
		waitpid(pid, &st, 0);
		sigprocmask(SIG_SETMASK, &old, NULL);	/* delivered now */
	} else {
		while (!chld_seen)
			sigsuspend(&old);
		sigprocmask(SIG_SETMASK, &old, NULL);
		waitpid(pid, &st, 0);
	}
	if (!chld_seen)
		case_out(name, "no signal, wait %s", wstatus(st));
	else
		case_out(name, "code %s status %d, wait %s",
			 cld_code(chld_code), (int)chld_status, wstatus(st));
	signal(SIGCHLD, SIG_DFL);
	unlink(CORE);
}

/* SIGCHLD read from a signalfd, and taken by sigwaitinfo. */
static void core_sigchld_fd(const char *name, int by_signalfd)
{
	struct core_how h = { .sig = SIGABRT, .core = RLIM_INFINITY,
			      .dumpable = -1 };
	struct signalfd_siginfo ssi;
	siginfo_t si = { 0 };
	sigset_t chld, old;
	int fd = -1, st = 0, code = 0, status = 0;
	pid_t pid;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	if (by_signalfd)
		fd = signalfd(-1, &chld, SFD_CLOEXEC);
	pid = fork();
	if (pid == 0)
		die_by(&h);
	if (by_signalfd && read(fd, &ssi, sizeof(ssi)) == sizeof(ssi)) {
		code = (int)ssi.ssi_code;
		status = ssi.ssi_status;
	} else if (!by_signalfd && sigwaitinfo(&chld, &si) == SIGCHLD) {
		code = si.si_code;
		status = si.si_status;
	}
	waitpid(pid, &st, 0);
	case_out(name, "code %s status %d, wait %s", cld_code(code), status,
		 wstatus(st));
	if (fd >= 0)
		close(fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	unlink(CORE);
}

/* A filter of its own that kills with action on getppid. */
static int kill_on_getppid(uint32_t action)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* The core's NT_SIGINFO: signal, code, and for SIGSYS the call and
 * architecture; "none" without a core, "no-siginfo" without the note. */
static const char *core_siginfo(const char *path)
{
	static char s[96];
	static char buf[1 << 16];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return "none";
	n = read(fd, buf, sizeof(buf));
	close(fd);
	snprintf(s, sizeof(s), "no-siginfo");
	if (n < (ssize_t)sizeof(*eh) ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > (uint64_t)n)
		return s;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff) + i;
		uint64_t off = ph->p_offset, end = off + ph->p_filesz;

		if (ph->p_type != PT_NOTE || end > (uint64_t)n)
			continue;
		while (off + sizeof(Elf64_Nhdr) <= end) {
			Elf64_Nhdr *nh = (Elf64_Nhdr *)(buf + off);
			uint64_t desc = off + sizeof(*nh) +
					((nh->n_namesz + 3) & ~3U);

			if (nh->n_type == NT_SIGINFO && desc + sizeof(siginfo_t) <= end) {
				siginfo_t *si = (siginfo_t *)(buf + desc);

				snprintf(s, sizeof(s), "sig %d code %d "
					 "syscall %d arch %#x errno %d",
					 si->si_signo, si->si_code,
					 si->si_syscall, si->si_arch,
					 si->si_errno);
				return s;
			}
			off = desc + ((nh->n_descsz + 3) & ~3U);
		}
	}
	return s;
}

static void *call_getppid(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return NULL;
}

/* How the filter's kill is made: in the only thread, or in a second one
 * (KILL_PROCESS: the process dumps; KILL_THREAD: that thread alone dies,
 * no dump, the first lives on and exits 7). */
static void filter_kill(uint32_t action, int in_thread)
{
	struct rlimit r;
	pthread_t th;

	getrlimit(RLIMIT_CORE, &r);
	r.rlim_cur = r.rlim_max;
	setrlimit(RLIMIT_CORE, &r);
	if (chdir(CORES) < 0 || kill_on_getppid(action) < 0)
		_exit(98);
	if (!in_thread) {
		syscall(SYS_getppid);
		_exit(99);
	}
	if (pthread_create(&th, NULL, call_getppid, NULL) != 0)
		_exit(96);
	pthread_join(th, NULL);
	usleep(100000);
	_exit(7);
}

static void core_filter(const char *name, uint32_t action, int in_thread)
{
	char fname[64];
	pid_t pid;
	int st = 0;

	pid = fork();
	if (pid == 0)
		filter_kill(action, in_thread);
	if (waitpid(pid, &st, 0) < 0)
		case_out(name, "waitpid %s", ename(errno));
	else
		case_out(name, "%s", wstatus(st));
	snprintf(fname, sizeof(fname), "%s_file", name);
	case_out(fname, "%s", core_file(CORE, RLIM_INFINITY));
	snprintf(fname, sizeof(fname), "%s_siginfo", name);
	case_out(fname, "%s", core_siginfo(CORE));
	if (in_thread && action == SECCOMP_RET_KILL_PROCESS)
		rename(CORE, CORES "/filter_thread.core");	/* for gdb */
	else
		unlink(CORE);
}

/* The same, the parent told by waitid and by its SIGCHLD handler. */
static void core_filter_waitid(void)
{
	siginfo_t si = { 0 };
	sigset_t old;
	pid_t pid;

	watch_chld(&old);
	pid = fork();
	if (pid == 0)
		filter_kill(SECCOMP_RET_KILL_PROCESS, 0);
	if (waitid(P_PID, pid, &si, WEXITED) < 0)
		case_out("core_filter_waitid", "waitid %s", ename(errno));
	else
		case_out("core_filter_waitid", "code %s status %d",
			 cld_code(si.si_code), si.si_status);
	sigprocmask(SIG_SETMASK, &old, NULL);
	case_out("core_filter_sigchld", "%s code %s status %d",
		 chld_seen ? "seen" : "unseen", cld_code(chld_code),
		 (int)chld_status);
	signal(SIGCHLD, SIG_DFL);
	unlink(CORE);
}

static void cores_told(void)
{
	core_sigchld("core_sigchld_first", 0);
	core_sigchld("core_sigchld_after_wait", 1);
	core_sigchld_fd("core_sigchld_signalfd", 1);
	core_sigchld_fd("core_sigchld_sigwaitinfo", 0);
	core_filter("core_filter_kill_process", SECCOMP_RET_KILL_PROCESS, 0);
	core_filter("core_filter_kill_thread", SECCOMP_RET_KILL_THREAD, 0);
	core_filter("core_filter_thread_kill_process",
		    SECCOMP_RET_KILL_PROCESS, 1);
	core_filter("core_filter_thread_kill_thread",
		    SECCOMP_RET_KILL_THREAD, 1);
	core_filter_waitid();
}

/* ---- 2. clone3, CLONE_PARENT ------------------------------------------------- */

static long clone3_call(struct clone_args *a, size_t size)
{
	return syscall(SYS_clone3, a, size);
}

static void clone3_result(const char *name, long pid)
{
	int st;

	if (pid < 0) {
		case_out(name, "%s", ename(errno));
		return;
	}
	if (waitpid((pid_t)pid, &st, __WALL) < 0)
		case_out(name, "waitpid %s", ename(errno));
	else
		case_out(name, "%s", wstatus(st));
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void clone3s(void)
{
	struct clone_args a = { .exit_signal = SIGCHLD };
	char big[8192] = { 0 };
	struct sigaction sa = { .sa_handler = on_usr1 }, cur;
	int pidfd = -1;
	long pid;

	pid = clone3_call(&a, sizeof(a));
	if (pid == 0)
		_exit(7);
	clone3_result("clone3_basic", pid);
	pid = clone3_call(&a, CLONE_ARGS_SIZE_VER0);
	if (pid == 0)
		_exit(getppid() > 0 ? 8 : 9);
	clone3_result("clone3_size_ver0", pid);
	clone3_result("clone3_size_small", clone3_call(&a, 32));
	memcpy(big, &a, sizeof(a));
	pid = clone3_call((struct clone_args *)big, sizeof(big));
	clone3_result("clone3_size_big", pid);
	big[sizeof(a)] = 1;
	pid = clone3_call((struct clone_args *)big, 256);
	clone3_result("clone3_size_tail_nonzero", pid);
	clone3_result("clone3_null", clone3_call(NULL, sizeof(a)));
	a.flags = 1ULL << 40;
	clone3_result("clone3_unknown_flag", clone3_call(&a, sizeof(a)));
	a.flags = 0;
	a.exit_signal = 200;
	clone3_result("clone3_bad_exit_signal", clone3_call(&a, sizeof(a)));
	a.exit_signal = 0;
	pid = clone3_call(&a, sizeof(a));
	if (pid == 0)
		_exit(3);
	clone3_result("clone3_no_exit_signal", pid);
	a.exit_signal = SIGCHLD;

	sigaction(SIGUSR1, &sa, NULL);
	a.flags = CLONE_CLEAR_SIGHAND;
	pid = clone3_call(&a, sizeof(a));
	if (pid == 0) {
		sigaction(SIGUSR1, NULL, &cur);
		_exit(cur.sa_handler == SIG_DFL ? 0 : 1);
	}
	clone3_result("clone3_clear_sighand", pid);
	a.flags = 0;
	pid = clone3_call(&a, sizeof(a));
	if (pid == 0) {
		sigaction(SIGUSR1, NULL, &cur);
		_exit(cur.sa_handler == on_usr1 ? 0 : 1);
	}
	clone3_result("clone3_keeps_sighand", pid);
	a.flags = CLONE_CLEAR_SIGHAND | CLONE_SIGHAND | CLONE_VM;
	clone3_result("clone3_clear_sighand_with_sighand",
		      clone3_call(&a, sizeof(a)));
	signal(SIGUSR1, SIG_DFL);

	a.flags = CLONE_PIDFD;
	a.pidfd = (uintptr_t)&pidfd;
	pid = clone3_call(&a, sizeof(a));
	if (pid == 0)
		_exit(5);
	case_out("clone3_pidfd_set", "%d", pidfd >= 0);
	clone3_result("clone3_pidfd", pid);
	if (pidfd >= 0)
		close(pidfd);
	a.flags = CLONE_PARENT_SETTID;
	a.parent_tid = (uintptr_t)&pidfd;
	pidfd = 0;
	pid = clone3_call(&a, sizeof(a));
	if (pid == 0)
		_exit(6);
	case_out("clone3_parent_settid", "%d", pid > 0 && pidfd == pid);
	clone3_result("clone3_parent_settid_wait", pid);
	memset(&a, 0, sizeof(a));
	a.flags = CLONE_NEWPID;
	a.exit_signal = SIGCHLD;
	clone3_result("clone3_newpid", clone3_call(&a, sizeof(a)));
	a.flags = CLONE_INTO_CGROUP;
	a.cgroup = 9999;
	clone3_result("clone3_into_bad_cgroup", clone3_call(&a, sizeof(a)));
}

/* clone(2) with flags and no stack: a child made exits at once (one
 * sharing our memory may not return into our frames). */
static long raw_clone(unsigned long flags)
{
	long r = syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);

	if (r == 0 && (flags & CLONE_VM))
		syscall(SYS_exit, 0);
	return r;
}

static const char *try_clone(unsigned long flags)
{
	long r = raw_clone(flags);

	if (r == 0)
		_exit(0);
	if (r > 0)
		waitpid((pid_t)r, NULL, __WALL);
	return res(r);
}

/* A child that clones with CLONE_PARENT: the grandchild is ours. */
static void clone_parent(void)
{
	int p[2], q[2], st;
	pid_t mid, me = getpid(), got = 0, reaped, g = 0;
	long r;

	if (pipe(p) < 0 || pipe(q) < 0)
		return;
	mid = fork();
	if (mid == 0) {
		r = raw_clone(CLONE_PARENT | SIGCHLD);
		if (r == 0) {
			got = getppid();
			write(q[1], &got, sizeof(got));
			_exit(4);
		}
		g = (pid_t)r;
		write(p[1], &g, sizeof(g));
		_exit(r > 0 ? 0 : 1);
	}
	waitpid(mid, &st, 0);
	case_out("clone_parent_mid", "%s", wstatus(st));
	read(p[0], &g, sizeof(g));
	read(q[0], &got, sizeof(got));
	case_out("clone_parent_ppid_is_grandparent", "%d", got == me);
	reaped = waitpid(g, &st, 0);
	case_out("clone_parent_reaped_by_grandparent", "%d %s", reaped == g,
	    wstatus(st));
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	/* As the container's pid 1: its parent is outside the namespace. */
	case_out("clone_parent_from_init", "%s", getpid() == 1 ?
	    try_clone(CLONE_PARENT | SIGCHLD) : "not-init");
	case_out("clone_sighand_without_vm", "%s",
	    try_clone(CLONE_SIGHAND | SIGCHLD));
	case_out("clone_thread_without_sighand", "%s",
	    try_clone(CLONE_THREAD | CLONE_VM | SIGCHLD));
}

/* ---- 3. /proc/<pid>/mem ---------------------------------------------------- */

static volatile long target = 0x1122334455667788;
static const long rodata = 0x0102030405060708;

static int mem_rw(const char *name, pid_t pid, int flags, void *addr, long *v,
		  int write)
{
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		case_out(name, "open %s", ename(errno));
		return -1;
	}
	n = write ? pwrite(fd, v, sizeof(*v), (off_t)(uintptr_t)addr) :
		    pread(fd, v, sizeof(*v), (off_t)(uintptr_t)addr);
	case_out(name, "%s", n < 0 ? ename(errno) : n == sizeof(*v) ? "ok" :
	    n == 0 ? "eof" : "short");
	close(fd);
	return n == sizeof(*v) ? 0 : -1;
}

/* A child blocked reading p[0]; its stdout is q[1]. */
static pid_t mem_child(int p[2], int q[2], uid_t uid)
{
	pid_t pid = fork();

	if (pid == 0) {
		char c;

		close(p[1]);
		close(q[0]);
		c = uid != 0 && (setgid(uid) < 0 || setuid(uid) < 0) ? 'f' : 'r';
		write(q[1], &c, 1);
		if (c == 'f')
			_exit(2);
		read(p[0], &c, 1);
		_exit(target == 0x55 ? 0 : 1);
	}
	return pid;
}

/*
 * A child of uid (0: ours) that asks to be traced and stops: its tracer
 * (us) reads and writes its memory through /proc/<pid>/mem; the child
 * exits 0 if it saw the write.
 */
static void mem_traced(const char *name, uid_t uid)
{
	char n[64];
	long v = 0, w = 0x55;
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		if (uid != 0 && (setgid(uid) < 0 || setuid(uid) < 0))
			_exit(2);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(3);
		raise(SIGSTOP);
		_exit(target == 0x55 ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	snprintf(n, sizeof(n), "%s_stopped", name);
	case_out(n, "%d", WIFSTOPPED(st));
	snprintf(n, sizeof(n), "%s_read", name);
	if (mem_rw(n, pid, O_RDONLY, (void *)&target, &v, 0) == 0) {
		snprintf(n, sizeof(n), "%s_read_value", name);
		case_out(n, "%d", v == target);
	}
	snprintf(n, sizeof(n), "%s_write", name);
	mem_rw(n, pid, O_RDWR, (void *)&target, &w, 1);
	ptrace(PTRACE_CONT, pid, 0, 0);
	waitpid(pid, &st, 0);
	snprintf(n, sizeof(n), "%s_exit", name);
	case_out(n, "%s", wstatus(st));
}

static void mem(void)
{
	long v = 0, w;
	int p[2], q[2], st, fd;
	pid_t pid;
	char c, path[64];
	FILE *f;

	mem_rw("mem_self_read", getpid(), O_RDONLY, (void *)&target, &v, 0);
	case_out("mem_self_read_value", "%d", v == target);
	w = 0x42;
	if (mem_rw("mem_self_write", getpid(), O_RDWR, (void *)&target, &w,
		   1) == 0)
		case_out("mem_self_write_value", "%lx", (long)target);
	mem_rw("mem_self_write_rdonly_fd", getpid(), O_RDONLY,
	       (void *)&target, &w, 1);
	mem_rw("mem_self_unmapped", getpid(), O_RDONLY, (void *)4096, &v, 0);
	case_out("mem_self_rodata_before", "%lx", *(volatile const long *)&rodata);

	pipe(p);
	pipe(q);
	pid = mem_child(p, q, 0);
	read(q[0], &c, 1);
	v = 0;
	mem_rw("mem_child_read", pid, O_RDONLY, (void *)&target, &v, 0);
	case_out("mem_child_read_value", "%lx", v);
	w = 0x55;
	mem_rw("mem_child_write", pid, O_RDWR, (void *)&target, &w, 1);
	close(p[1]);
	waitpid(pid, &st, 0);
	case_out("mem_child_saw_write", "%s", wstatus(st));
	close(p[0]);
	close(q[0]);
	close(q[1]);

	pipe(p);
	pipe(q);
	pid = mem_child(p, q, 1000);
	read(q[0], &c, 1);
	mem_rw("mem_other_user_read", pid, O_RDONLY, (void *)&target, &v, 0);
	mem_rw("mem_other_user_write", pid, O_RDWR, (void *)&target, &w, 1);
	close(p[1]);
	waitpid(pid, &st, 0);
	close(p[0]);
	close(q[0]);
	close(q[1]);

	mem_traced("mem_tracee", 0);
	mem_traced("mem_tracee_other_user", 1000);

	/* As uid 1000, root's (our) memory. */
	pid = fork();
	if (pid == 0) {
		pid_t parent = getppid();

		if (setgid(1000) < 0 || setuid(1000) < 0)
			_exit(2);
		mem_rw("mem_user_reads_root", parent, O_RDONLY,
		       (void *)&target, &v, 0);
		_exit(0);
	}
	waitpid(pid, &st, 0);

	/* Opened before the child's exec, read after it; then reopened. */
	pipe(p);
	pipe(q);
	pid = fork();
	if (pid == 0) {
		dup2(p[0], 0);
		dup2(q[1], 1);
		close(p[0]);
		close(p[1]);
		close(q[0]);
		close(q[1]);
		read(0, &c, 1);
		execl(self_exe, "task_conform", "--mem-child", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	close(q[1]);
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	case_out("mem_before_exec_open", "%s", res(fd));
	write(p[1], "g", 1);
	f = fdopen(q[0], "r");
	if (f != NULL && fscanf(f, "%lx %lx", (unsigned long *)&w,
				(unsigned long *)&v) == 2) {
		long got = 0;
		ssize_t n = fd < 0 ? -1 : pread(fd, &got, sizeof(got), (off_t)w);

		case_out("mem_old_fd_after_exec", "%s", n < 0 ? ename(errno) :
		    n == 0 ? "eof" : "data");
		got = 0;
		mem_rw("mem_after_exec", pid, O_RDONLY, (void *)w, &got, 0);
		case_out("mem_after_exec_value", "%d", got == v);
	} else {
		case_out("mem_old_fd_after_exec", "no-child-output");
	}
	if (fd >= 0)
		close(fd);
	close(p[1]);
	waitpid(pid, &st, 0);
	case_out("mem_exec_child", "%s", wstatus(st));
	if (f != NULL)
		fclose(f);
}

static int mem_child_main(void)
{
	char c;

	target = 0x7766;
	printf("%lx %lx\n", (unsigned long)(uintptr_t)&target,
	       (unsigned long)target);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

/* ---- 5. exec ----------------------------------------------------------- */

static char *const sh_argv[] = { "script", NULL };
static char *const no_env[] = { NULL };

/* A child execs by execveat(dfd, path, flags); its status or errno. */
static void exec_case(const char *name, int dfd, const char *path, int flags)
{
	int p[2], st, err = 0;
	pid_t pid;

	pipe2(p, O_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execveat, dfd, path, sh_argv, no_env, flags);
		err = errno;
		write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(p[0]);
	waitpid(pid, &st, 0);
	case_out(name, "%s", err ? ename(err) : wstatus(st));
}

static void execs(void)
{
	static const char script[] = "#!/bin/sh\nexit 7\n";
	int fd, dfd, st;
	pid_t pid;

	mkdir("/tmp/ex", 0755);
	fd = open("/tmp/ex/script", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	write(fd, script, strlen(script));
	close(fd);
	unlink("/tmp/ex/link");
	symlink("/tmp/ex/script", "/tmp/ex/link");
	exec_case("exec_script", AT_FDCWD, "/tmp/ex/script", 0);
	exec_case("exec_link", AT_FDCWD, "/tmp/ex/link", 0);
	exec_case("exec_link_nofollow", AT_FDCWD, "/tmp/ex/link",
		  AT_SYMLINK_NOFOLLOW);
	exec_case("exec_bad_flags", AT_FDCWD, "/tmp/ex/script", 0x4);
	dfd = open("/tmp/ex", O_RDONLY | O_DIRECTORY);
	exec_case("exec_script_dirfd", dfd, "script", 0);
	close(dfd);
	dfd = open("/tmp/ex", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	exec_case("exec_script_cloexec_dirfd", dfd, "script", 0);
	exec_case("exec_script_cloexec_dirfd_abs", dfd, "/tmp/ex/script", 0);
	close(dfd);
	fd = (int)syscall(SYS_memfd_create, "script", 0);
	write(fd, script, strlen(script));
	exec_case("exec_memfd_script", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = (int)syscall(SYS_memfd_create, "script", MFD_CLOEXEC);
	write(fd, script, strlen(script));
	exec_case("exec_memfd_cloexec_script", fd, "", AT_EMPTY_PATH);
	close(fd);
	fd = open("/tmp/ex/script", O_RDONLY | O_CLOEXEC);
	exec_case("exec_fd_cloexec_script", fd, "", AT_EMPTY_PATH);
	close(fd);

	/* setpgid of a child before and after its exec */
	{
		int p[2];
		char c;

		pipe(p);
		pid = fork();
		if (pid == 0) {
			close(p[1]);
			read(p[0], &c, 1);
			execl("/bin/sh", "sh", "-c", "read x", (char *)NULL);
			_exit(127);
		}
		case_out("setpgid_before_exec", "%s", res(setpgid(pid, pid)));
		close(p[0]);
		close(p[1]);
		usleep(300000);
		case_out("setpgid_after_exec", "%s", res(setpgid(pid, pid)));
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
	}
}

/* ---- 5b. securebits and capabilities across setuid -------------------- */

static void caps_of(uint64_t *prm, uint64_t *eff)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };

	syscall(SYS_capget, &h, d);
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
}

/* A child: how (0: nothing, 1: PR_SET_KEEPCAPS, 2: SECBIT_KEEP_CAPS),
 * then setuid(1000); whether it kept permitted and effective caps. */
static void setuid_case(const char *name, int how)
{
	int p[2], st;
	char out[64] = "";

	pipe(p);
	if (fork() == 0) {
		uint64_t prm, eff;
		long r = 0;

		if (how == 1)
			r = prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
		else if (how == 2)
			r = prctl(PR_SET_SECUREBITS, 1 << 4 /* KEEP_CAPS */, 0,
				  0, 0);
		if (setuid(1000) < 0)
			r = -1;
		caps_of(&prm, &eff);
		snprintf(out, sizeof(out), "%s prm=%d eff=%d keep=%d",
			 res(r), prm != 0, eff != 0,
			 (int)prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
		write(p[1], out, strlen(out));
		_exit(0);
	}
	close(p[1]);
	read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	wait(&st);
	case_out(name, "%s", out);
}

/*
 * Ambient capabilities across exec: a child makes CAP_KILL inheritable,
 * raises it as ambient and execs PATH (this program) with --cap-amb,
 * which prints its CapAmb; Linux clears the ambient set for a file with
 * privileges (file capabilities: PATH /task_conform_fcap, planted by
 * tests/conformance/tasks.sh) and keeps it for a plain one.
 */
static void ambient_exec(const char *name, const char *path)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { 0 };
	char out[64] = "";
	int p[2], st;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		long r;

		dup2(p[1], 1);
		syscall(SYS_capget, &h, d);
		d[0].inheritable |= 1u << CAP_KILL;
		r = syscall(SYS_capset, &h, d);
		if (r == 0)
			r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL,
				  0, 0);
		if (r < 0) {
			printf("raise %s", ename(errno));
			_exit(0);
		}
		execl(path, "task_conform", "--cap-amb", (char *)NULL);
		printf("exec %s", ename(errno));
		_exit(0);
	}
	close(p[1]);
	read(p[0], out, sizeof(out) - 1);
	close(p[0]);
	waitpid(pid, &st, 0);
	case_out(name, "%s", out);
}

/* --cap-amb: "amb " and the CapAmb line of /proc/self/status. */
static int cap_amb_main(void)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "CapAmb:", 7) == 0)
			printf("amb %s", line + 8);
	return 0;
}

static void securebits(void)
{
	case_out("securebits_get", "%d", (int)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	setuid_case("setuid_drops_caps", 0);
	setuid_case("setuid_keepcaps", 1);
	setuid_case("setuid_secbit_keep_caps", 2);
	if (fork() == 0) {
		long r = prctl(PR_SET_SECUREBITS, (1 << 4) | (1 << 5), 0, 0, 0);

		case_out("secbit_keep_caps_locked", "%s", res(r));
		case_out("secbit_locked_clear", "%s",
		    res(prctl(PR_SET_SECUREBITS, 0, 0, 0, 0)));
		case_out("secbit_get_after", "%d",
		    (int)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
		_exit(0);
	}
	wait(NULL);
	case_out("ambient_raise_not_inheritable", "%s",
	    res(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0)));
	{
		unsigned int size = 0;
		const char *r = res(prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE,
					  &size, 0, 0));

		case_out("set_mm_map_size", "%s %u", r, size);
	}
	case_out("set_mm_start_code", "%s",
	    res(prctl(PR_SET_MM, PR_SET_MM_START_CODE, 4096, 0, 0)));
	case_out("set_mm_bad_arg5", "%s",
	    res(prctl(PR_SET_MM, PR_SET_MM_START_CODE, 4096, 0, 1)));
	case_out("set_mm_bad_arg4", "%s",
	    res(prctl(PR_SET_MM, PR_SET_MM_START_CODE, 4096, 1, 0)));
	case_out("set_mm_map_bad_size", "%s",
	    res(prctl(PR_SET_MM, PR_SET_MM_MAP, 4096, 3, 0)));
	case_out("set_mm_unknown", "%s", res(prctl(PR_SET_MM, 9999, 0, 0, 0)));
	case_out("ambient_is_set", "%d",
	    (int)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_KILL, 0, 0));
	ambient_exec("ambient_exec_plain", self_exe);
	ambient_exec("ambient_exec_fcap", "/task_conform_fcap");
}

/* ---- 6. subreaper, parent-death signal, personality --------------------------- */

static void subreaper(void)
{
	int down[2], up[2], st;
	pid_t s;

	pipe(down);
	pipe(up);
	s = fork();
	if (s == 0) {
		pid_t orphan = 0, ppid = 0, reaped;
		int v = -1;

		case_out("subreaper_set", "%s",
		    res(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)));
		prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
		case_out("subreaper_get", "%d", v);
		if (fork() == 0) {
			pid_t g = fork();

			if (g == 0) {
				char c;

				read(down[0], &c, 1);	/* the middle one is gone */
				ppid = getppid();
				write(up[1], &ppid, sizeof(ppid));
				_exit(0);
			}
			write(up[1], &g, sizeof(g));
			_exit(0);
		}
		wait(&st);
		read(up[0], &orphan, sizeof(orphan));
		write(down[1], "x", 1);
		read(up[0], &ppid, sizeof(ppid));
		case_out("subreaper_orphan_reparented", "%d", ppid == getpid());
		reaped = waitpid(orphan, &st, 0);
		case_out("subreaper_reaps_orphan", "%d %s", reaped == orphan,
		    wstatus(st));
		if (fork() == 0) {
			prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
			_exit(v);
		}
		wait(&st);
		case_out("subreaper_not_inherited", "%s", wstatus(st));
		_exit(0);
	}
	waitpid(s, &st, 0);
	close(down[0]);
	close(down[1]);
	close(up[0]);
	close(up[1]);
}

static volatile sig_atomic_t got_sig;

static void on_sig(int sig)
{
	got_sig = sig;
}

static void pdeathsig(void)
{
	int p[2], st, v = -1;
	pid_t mid;

	case_out("pdeathsig_bad", "%s", res(prctl(PR_SET_PDEATHSIG, 99, 0, 0, 0)));
	prctl(PR_GET_PDEATHSIG, &v, 0, 0, 0);
	case_out("pdeathsig_get_default", "%d", v);
	pipe(p);
	mid = fork();
	if (mid == 0) {
		pid_t c = fork();

		if (c == 0) {
			int w = -1;

			signal(SIGUSR2, on_sig);
			prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0);
			prctl(PR_GET_PDEATHSIG, &w, 0, 0, 0);
			write(p[1], &w, sizeof(w));
			for (int i = 0; i < 500 && !got_sig; i++)
				usleep(10000);
			w = got_sig;
			write(p[1], &w, sizeof(w));
			_exit(0);
		}
		read(p[0], &v, sizeof(v));
		write(p[1], &v, sizeof(v));	/* back for the grandparent */
		_exit(0);
	}
	waitpid(mid, &st, 0);
	read(p[0], &v, sizeof(v));
	case_out("pdeathsig_get", "%d", v);
	read(p[0], &v, sizeof(v));
	case_out("pdeathsig_delivered", "%d", v);
	close(p[0]);
	close(p[1]);
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
}

static void person(const char *name, unsigned long v)
{
	int r = personality(v);

	case_out(name, "%s %#x now %#x", r < 0 ? ename(errno) : "ok",
	    r < 0 ? 0 : r, personality(0xffffffff));
}

static void personalities(void)
{
	int st;
	unsigned long base = (unsigned long)personality(0xffffffff);

	case_out("personality_query", "%#lx", base);
	person("personality_bsd", PER_BSD);
	person("personality_short_inode", PER_LINUX | SHORT_INODE);
	person("personality_whole_seconds", PER_LINUX | WHOLE_SECONDS);
	person("personality_several",
	       PER_LINUX | SHORT_INODE | WHOLE_SECONDS | ADDR_NO_RANDOMIZE |
		       STICKY_TIMEOUTS);
	if (fork() == 0)
		_exit(personality(0xffffffff) ==
			      (SHORT_INODE | WHOLE_SECONDS | ADDR_NO_RANDOMIZE |
			       STICKY_TIMEOUTS) ? 0 : 1);
	wait(&st);
	case_out("personality_inherited", "%s", wstatus(st));
	person("personality_unset", PER_LINUX);
	person("personality_bad_base", 0x42);
	person("personality_reset", base);
}

/* ---- 7. pidfds ------------------------------------------------------------- */

static int pidfd_open(pid_t pid, unsigned flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

static int pidfd_getfd(int pidfd, int fd, unsigned flags)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, flags);
}

static int send_sig(int pidfd, int sig, unsigned flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, flags);
}

/* O_ASYNC on a pidfd: by fcntl (F_SETFL, F_GETFL, F_SETOWN) and by
 * FIOASYNC; then off again. */
static void pidfd_fasync(int fd)
{
	int fl = fcntl(fd, F_GETFL), on = 1, off = 0;

	case_out("pidfd_fasync_setown", "%s", res(fcntl(fd, F_SETOWN, getpid())));
	case_out("pidfd_fasync_getown", "%d", fcntl(fd, F_GETOWN) == getpid());
	case_out("pidfd_fasync_setfl", "%s", res(fcntl(fd, F_SETFL, fl | O_ASYNC)));
	case_out("pidfd_fasync_getfl", "%d", (fcntl(fd, F_GETFL) & O_ASYNC) != 0);
	case_out("pidfd_fasync_setfl_off", "%s", res(fcntl(fd, F_SETFL, fl)));
	case_out("pidfd_fioasync_on", "%s", res(ioctl(fd, FIOASYNC, &on)));
	case_out("pidfd_fioasync_getfl", "%d",
	    (fcntl(fd, F_GETFL) & O_ASYNC) != 0);
	case_out("pidfd_fioasync_off", "%s", res(ioctl(fd, FIOASYNC, &off)));
}

static void pidfd_poll(void)
{
	int p[2], fd, ep, st;
	struct pollfd pf;
	struct epoll_event ev = { .events = EPOLLIN }, got;
	siginfo_t si = { 0 };
	pid_t pid;
	char c;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(3);
	}
	fd = pidfd_open(pid, 0);
	case_out("pidfd_open_child", "%s", res(fd));
	pf = (struct pollfd){ .fd = fd, .events = POLLIN };
	case_out("pidfd_poll_running", "%d", poll(&pf, 1, 0));
	ep = epoll_create1(EPOLL_CLOEXEC);
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	case_out("pidfd_epoll_running", "%d", epoll_wait(ep, &got, 1, 0));
	pidfd_fasync(fd);
	close(p[1]);
	case_out("pidfd_poll_exited", "%d %#x", poll(&pf, 1, 5000), pf.revents);
	case_out("pidfd_epoll_exited", "%d", epoll_wait(ep, &got, 1, 5000));
	case_out("pidfd_waitid", "%s", res(waitid(P_PIDFD, (id_t)fd, &si, WEXITED)));
	case_out("pidfd_waitid_status", "%d %d", si.si_code == CLD_EXITED,
	    si.si_status);
	case_out("pidfd_signal_reaped", "%s", res(send_sig(fd, SIGTERM, 0)));
	case_out("pidfd_poll_reaped", "%d %#x", poll(&pf, 1, 0), pf.revents);
	close(ep);
	close(fd);
	close(p[0]);
	(void)st;
}

static int thread_pipe[2];
static volatile pid_t thread_tid;

static void *thread_fn(void *arg)
{
	char c;

	thread_tid = (pid_t)syscall(SYS_gettid);
	read(thread_pipe[0], &c, 1);
	return arg;
}

static void pidfd_threads(void)
{
	pthread_t th;
	int fd;

	pipe(thread_pipe);
	if (pthread_create(&th, NULL, thread_fn, NULL) != 0)
		return;
	while (thread_tid == 0)
		usleep(1000);
	fd = pidfd_open(thread_tid, 0);
	case_out("pidfd_open_thread", "%s", res(fd));
	if (fd >= 0)
		close(fd);
	fd = pidfd_open(thread_tid, 0x80 /* PIDFD_THREAD */);
	case_out("pidfd_open_thread_flag", "%s", res(fd));
	if (fd >= 0) {
		case_out("pidfd_thread_signal", "%s", res(send_sig(fd, 0, 0)));
		close(fd);
	}
	write(thread_pipe[1], "x", 1);
	pthread_join(th, NULL);
	close(thread_pipe[0]);
	close(thread_pipe[1]);
}

static void pidfd_errors(void)
{
	int fd, p[2], st, got;
	pid_t pid;
	char c;

	case_out("pidfd_open_bad_flags", "%s", res(pidfd_open(getpid(), 0x1234)));
	case_out("pidfd_open_negative", "%s", res(pidfd_open(-1, 0)));
	case_out("pidfd_open_zero", "%s", res(pidfd_open(0, 0)));
	case_out("pidfd_open_none", "%s", res(pidfd_open(4000000, 0)));
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	case_out("pidfd_signal_dirfd", "%s", res(send_sig(fd, 0, 0)));
	close(fd);
	pipe(p);
	case_out("pidfd_signal_pipe", "%s", res(send_sig(p[0], 0, 0)));
	case_out("pidfd_signal_badfd", "%s", res(send_sig(999, 0, 0)));
	case_out("pidfd_getfd_pipe", "%s", res(pidfd_getfd(p[0], 0, 0)));
	case_out("pidfd_getfd_badfd", "%s", res(pidfd_getfd(999, 0, 0)));

	pid = fork();
	if (pid == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	fd = pidfd_open(pid, 0);
	case_out("pidfd_signal_bad_flags", "%s", res(send_sig(fd, 0, 0x40)));
	case_out("pidfd_signal_bad_sig", "%s", res(send_sig(fd, 200, 0)));
	got = pidfd_getfd(fd, p[0], 0);
	case_out("pidfd_getfd_works", "%s", res(got));
	if (got >= 0) {
		struct stat a, b;

		fstat(got, &a);
		fstat(p[0], &b);
		case_out("pidfd_getfd_same_file", "%d", a.st_ino == b.st_ino);
		case_out("pidfd_getfd_cloexec", "%d",
		    (fcntl(got, F_GETFD) & FD_CLOEXEC) != 0);
		close(got);
	}
	case_out("pidfd_getfd_flags", "%s", res(pidfd_getfd(fd, p[0], 1)));
	case_out("pidfd_getfd_unknown_fd", "%s", res(pidfd_getfd(fd, 777, 0)));
	close(p[1]);
	waitpid(pid, &st, 0);
	case_out("pidfd_getfd_exited", "%s", res(pidfd_getfd(fd, 0, 0)));
	close(fd);

	/* Another user's process: uid 1000 asks for ours. */
	pid = fork();
	if (pid == 0) {
		pid_t parent = getppid();
		int pf = pidfd_open(parent, 0);

		if (setgid(1000) < 0 || setuid(1000) < 0)
			_exit(2);
		case_out("pidfd_getfd_unprivileged", "%s",
		    res(pidfd_getfd(pf, 1, 0)));
		case_out("pidfd_signal_unprivileged", "%s", res(send_sig(pf, 0, 0)));
		_exit(0);
	}
	waitpid(pid, &st, 0);
	close(p[0]);
}

/*
 * A zombie's process group: a child leads its own group and exits; before
 * it is reaped, its pgid and sid as getpgid and getsid see them, a signal
 * to its group, another child joining the group, and the group after the
 * reap.
 */
static void zombie_pgrp(void)
{
	siginfo_t si;
	int p[2], st;
	pid_t z, j;
	char c;

	pipe(p);
	z = fork();
	if (z == 0) {
		setpgid(0, 0);
		_exit(0);
	}
	waitid(P_PID, (id_t)z, &si, WEXITED | WNOWAIT);
	case_out("zombie_getpgid", "%d", getpgid(z) == z);
	case_out("zombie_getsid", "%d", getsid(z) == getsid(0));
	case_out("zombie_kill_pgrp", "%s", res(kill(-z, 0)));
	j = fork();
	if (j == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	case_out("zombie_pgrp_join", "%s", res(setpgid(j, z)));
	case_out("zombie_pgrp_joined", "%d", getpgid(j) == z);
	case_out("zombie_setpgid_zombie", "%s", res(setpgid(z, z)));
	waitpid(z, &st, 0);
	case_out("zombie_reaped_kill_pgrp", "%s", res(kill(-z, 0)));
	case_out("zombie_reaped_getpgid", "%s", res(getpgid(z)));
	close(p[1]);
	waitpid(j, &st, 0);
	case_out("zombie_pgrp_gone", "%s", res(kill(-z, 0)));
	close(p[0]);
}

/* The container's init (this program, pid 1, no terminal): whether it
 * leads its own session and process group, as seen by getsid, getpgrp and
 * its /proc/self/stat (fields 5 and 6). */
static void init_session(void)
{
	char line[512], *p;
	int pgrp = -1, sid = -1;
	FILE *f = fopen("/proc/self/stat", "r");

	case_out("init_session", "pid %d sid %d pgrp %d", (int)getpid(),
		 (int)getsid(0), (int)getpgrp());
	if (f != NULL && fgets(line, sizeof(line), f) != NULL &&
	    (p = strrchr(line, ')')) != NULL)
		(void)sscanf(p + 2, "%*c %*d %d %d", &pgrp, &sid);
	if (f != NULL)
		fclose(f);
	case_out("init_session_stat", "pgrp %d sid %d", pgrp, sid);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--mem-child") == 0)
		return mem_child_main();
	if (argc > 1 && strcmp(argv[1], "--cap-amb") == 0)
		return cap_amb_main();
	setvbuf(stdout, NULL, _IOLBF, 0);
	init_session();
	cores();
	cores_told();
	clone3s();
	clone_parent();
	mem();
	execs();
	securebits();
	subreaper();
	pdeathsig();
	personalities();
	pidfd_poll();
	pidfd_threads();
	pidfd_errors();
	zombie_pgrp();
	printf("done 0\n");
	return 0;
}
