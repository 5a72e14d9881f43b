// SPDX-License-Identifier: Apache-2.0
/*
 * ptrace between processes, run natively and in the sandbox (where the
 * sentry emulates it) by tests/conformance/ptrace.sh; each case forks, traces
 * its child and prints every stop it sees, in a form that does not depend
 * on pids, addresses or the environment.
 *
 *   ptrace_conform            every TRACEME case (SINGLESTEP included)
 *   ptrace_conform seccomp    a filter of the tracee's own returning
 *                             SECCOMP_RET_TRACE, PTRACE_O_TRACESECCOMP
 *   ptrace_conform attach     ATTACH, SEIZE, INTERRUPT, LISTEN and their
 *                             permissions (as root with CAP_SYS_PTRACE,
 *                             CAP_SETUID and CAP_SETGID)
 *   ptrace_conform exit N     (exec target) exits with N
 */
#include <asm/prctl.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <linux/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static const char *self;
static volatile long magic = 0x1122334455667788L;
static volatile int handled;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char *evname(int ev)
{
	switch (ev) {
	case PTRACE_EVENT_FORK: return "fork";
	case PTRACE_EVENT_VFORK: return "vfork";
	case PTRACE_EVENT_CLONE: return "clone";
	case PTRACE_EVENT_EXEC: return "exec";
	case PTRACE_EVENT_STOP: return "stop";
	case PTRACE_EVENT_VFORK_DONE: return "vfork_done";
	case PTRACE_EVENT_SECCOMP: return "seccomp";
	default: return "?";
	}
}

/* A wait status in words ("stopped STOP event stop"), in buf. */
static const char *status_text(int st, char *buf, size_t n)
{
	if (WIFEXITED(st))
		snprintf(buf, n, "exited %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, n, "killed %s", sigabbrev_np(WTERMSIG(st)));
	else if (WIFSTOPPED(st) && (st >> 16))
		snprintf(buf, n, "stopped %s event %s",
			 sigabbrev_np(WSTOPSIG(st) & 0x7f), evname(st >> 16));
	else if (WIFSTOPPED(st))
		snprintf(buf, n, "stopped %s%s",
			 sigabbrev_np(WSTOPSIG(st) & 0x7f),
			 (WSTOPSIG(st) & 0x80) ? "|0x80" : "");
	else
		snprintf(buf, n, "status %#x", st);
	return buf;
}

/* One line describing a wait status. */
static void show_status(const char *c, int st)
{
	char buf[64];

	say("%s %s", c, status_text(st, buf, sizeof(buf)));
}

/* waitpid(pid) and one line describing the status; the status. */
static int wait_show(const char *c, pid_t pid, int opts)
{
	int st = 0;
	pid_t got = waitpid(pid, &st, opts);

	if (got < 0) {
		say("%s wait %s", c, ename(errno));
		return -1;
	}
	if (got != pid && pid > 0) {
		say("%s wait other-pid", c);
		return -1;
	}
	show_status(c, st);
	return st;
}

/* waitpid(pid, WNOHANG) every ms for 5 s: its result (0: no status
 * came), the status in *st. */
static pid_t wait_5s(pid_t pid, int *st)
{
	pid_t got = 0;

	for (int i = 0; i < 5000 && got == 0; i++) {
		got = waitpid(pid, st, WNOHANG);
		if (got == 0)
			usleep(1000);
	}
	return got;
}

/* wait_show, but a stop that does not come within 5 s is a failure
 * ("timeout") rather than a hang; the tracee is killed then. */
static int wait_bounded(const char *c, pid_t pid)
{
	int st;
	pid_t got = wait_5s(pid, &st);

	if (got < 0) {
		say("%s wait %s", c, ename(errno));
		return -1;
	}
	if (got > 0) {
		show_status(c, st);
		return st;
	}
	say("%s wait timeout", c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void show_siginfo(const char *c, pid_t pid)
{
	siginfo_t si;

	if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) < 0) {
		say("%s siginfo %s", c, ename(errno));
		return;
	}
	say("%s siginfo %s code %d", c, sigabbrev_np(si.si_signo), si.si_code);
}

static void req(const char *c, const char *what, long r)
{
	say("%s %s %s", c, what, r < 0 ? ename(errno) : "ok");
}

static const char *res(long r)
{
	return r < 0 ? ename(errno) : "ok";
}

/* PTRACE_TRACEME then exec of this program, which exits with 7. */
static void case_traceme_exec(void)
{
	pid_t p = fork();

	if (p == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(100);
		execl(self, self, "exit", "7", (char *)NULL);
		_exit(101);
	}
	wait_show("traceme_exec", p, 0);
	show_siginfo("traceme_exec", p);
	req("traceme_exec", "cont", ptrace(PTRACE_CONT, p, 0, 0));
	wait_show("traceme_exec", p, 0);
}

/* Stops itself, then raw calls: what PTRACE_SYSCALL shows of them. */
static void syscall_child(void)
{
	ptrace(PTRACE_TRACEME, 0, 0, 0);
	raise(SIGSTOP);
	syscall(SYS_getppid);
	syscall(SYS_getuid);
	long fd = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
	syscall(SYS_close, fd);
	syscall(SYS_exit_group, 3);
}

static void case_syscall(void)
{
	pid_t p = fork();
	struct user_regs_struct r;
	int st;

	if (p == 0)
		syscall_child();
	wait_show("syscall", p, 0);
	req("syscall", "setoptions",
	    ptrace(PTRACE_SETOPTIONS, p, 0,
		   PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
	ptrace(PTRACE_SYSCALL, p, 0, 0);
	for (int i = 0; i < 40; i++) {
		st = wait_show("syscall", p, 0);
		if (st < 0 || !WIFSTOPPED(st))
			return;
		if (ptrace(PTRACE_GETREGS, p, 0, &r) < 0) {
			say("syscall getregs %s", ename(errno));
		} else {
			struct __ptrace_syscall_info info;
			long n = ptrace(PTRACE_GET_SYSCALL_INFO, p,
					sizeof(info), &info);
			const char *op = n < 0 ? ename(errno) :
					 info.op == PTRACE_SYSCALL_INFO_ENTRY ?
					 "entry" :
					 info.op == PTRACE_SYSCALL_INFO_EXIT ?
					 "exit" : "other";

			say("syscall nr %ld %s rax %s", (long)r.orig_rax, op,
			    (long)r.rax == -ENOSYS ? "-ENOSYS" :
			    (long)r.rax < 0 ? "negative" : "nonneg");
		}
		ptrace(PTRACE_SYSCALL, p, 0, 0);
	}
	kill(p, SIGKILL);
	wait_show("syscall", p, 0);
}

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

/* Signal-delivery stops; the tracer replaces SIGUSR2 by SIGUSR1 and
 * suppresses the next SIGUSR1: the child exits with its handler count. */
static void case_signals(void)
{
	pid_t p = fork();

	if (p == 0) {
		signal(SIGUSR1, on_usr1);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGUSR2);
		raise(SIGUSR1);
		raise(SIGUSR1);
		_exit(10 + handled);
	}
	wait_show("signals", p, 0);
	show_siginfo("signals", p);
	ptrace(PTRACE_CONT, p, 0, SIGUSR1);	/* USR2 -> USR1 */
	wait_show("signals", p, 0);
	ptrace(PTRACE_CONT, p, 0, 0);		/* suppressed */
	wait_show("signals", p, 0);
	ptrace(PTRACE_CONT, p, 0, SIGUSR1);	/* delivered */
	wait_show("signals", p, 0);
}

/* Memory and registers of a stopped child. */
static void case_peekpoke(void)
{
	struct user_regs_struct r, r2;
	struct iovec io = { &r2, sizeof(r2) };
	pid_t p = fork();
	long v;

	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(magic == 0x55aa55aa ? 20 : 21);
	}
	wait_show("peek", p, 0);
	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, p, &magic, 0);
	say("peek data %s %s", ename(errno), v == magic ? "same" : "differs");
	req("peek", "pokedata", ptrace(PTRACE_POKEDATA, p, &magic, 0x55aa55aa));
	errno = 0;
	v = ptrace(PTRACE_PEEKTEXT, p, &magic, 0);
	say("peek after poke %s", v == 0x55aa55aa ? "new" : "old");
	errno = 0;
	v = ptrace(PTRACE_PEEKDATA, p, (void *)8, 0);
	say("peek unmapped %s", ename(errno));
	req("peek", "getregs", ptrace(PTRACE_GETREGS, p, 0, &r));
	req("peek", "getregset", ptrace(PTRACE_GETREGSET, p, NT_PRSTATUS, &io));
	say("peek regset len %s equal %d",
	    io.iov_len == sizeof(r2) ? "full" : "short",
	    memcmp(&r, &r2, sizeof(r)) == 0);
	errno = 0;
	v = ptrace(PTRACE_PEEKUSER, p, offsetof(struct user, regs.orig_rax), 0);
	say("peek user orig_rax %s %s", ename(errno),
	    v == (long)r.orig_rax ? "same" : "differs");
	r.rbx ^= 1;
	req("peek", "setregs", ptrace(PTRACE_SETREGS, p, 0, &r));
	ptrace(PTRACE_GETREGS, p, 0, &r2);
	say("peek setregs kept %d", r2.rbx == r.rbx);
	r.rbx ^= 1;
	io.iov_base = &r;
	io.iov_len = sizeof(r);
	req("peek", "setregset", ptrace(PTRACE_SETREGSET, p, NT_PRSTATUS, &io));
	req("peek", "cont", ptrace(PTRACE_CONT, p, 0, 0));
	wait_show("peek", p, 0);
}

/*
 * SINGLESTEP from a stopped child to its exit (through raise()'s return
 * and _exit, syscalls included, in this static binary: the same
 * instructions on the host and in the sandbox): the number of steps,
 * each step's stop, its siginfo code and whether the instruction pointer
 * moved (one line for the steps like the first, one per other step), and
 * the exit status.
 */
static void case_singlestep(void)
{
	struct user_regs_struct r;
	unsigned long long rip;
	char first[96] = "", line[96], buf[64];
	siginfo_t si;
	int st, same = 0, n = 0;
	pid_t p = fork();

	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(magic == 0x1122334455667788L ? 50 : 51);
	}
	wait_show("singlestep", p, 0);
	ptrace(PTRACE_GETREGS, p, 0, &r);
	rip = r.rip;
	for (; n < 200; n++) {
		if (ptrace(PTRACE_SINGLESTEP, p, 0, 0) < 0) {
			say("singlestep step %d %s", n, ename(errno));
			break;
		}
		if (wait_5s(p, &st) != p) {
			say("singlestep step %d wait timeout", n);
			break;
		}
		if (!WIFSTOPPED(st))
			break;
		si.si_code = -1;
		ptrace(PTRACE_GETSIGINFO, p, 0, &si);
		ptrace(PTRACE_GETREGS, p, 0, &r);
		snprintf(line, sizeof(line), "%s code %d moved %d",
			 status_text(st, buf, sizeof(buf)), si.si_code,
			 r.rip != rip);
		rip = r.rip;
		if (first[0] == '\0')
			strcpy(first, line);
		if (strcmp(line, first) == 0)
			same++;
		else
			say("singlestep step %d %s", n, line);
	}
	say("singlestep steps %d, %d like %s", n, same, first);
	if (n < 200 && WIFEXITED(st)) {
		show_status("singlestep", st);
		return;
	}
	kill(p, SIGKILL);
	wait_show("singlestep", p, 0);
}

/* Options: TRACEEXEC's event stop and message, TRACEFORK's new child. */
static void case_options(void)
{
	unsigned long msg = 0;
	pid_t p = fork(), g;

	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		g = fork();
		if (g == 0)
			_exit(5);
		waitpid(g, NULL, 0);
		execl(self, self, "exit", "4", (char *)NULL);
		_exit(101);
	}
	wait_show("options", p, 0);
	say("options bad %s", ptrace(PTRACE_SETOPTIONS, p, 0, 1ul << 30) < 0 ?
				      ename(errno) : "ok");
	req("options", "set",
	    ptrace(PTRACE_SETOPTIONS, p, 0,
		   PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK));
	ptrace(PTRACE_CONT, p, 0, 0);
	wait_show("options", p, 0);
	req("options", "eventmsg", ptrace(PTRACE_GETEVENTMSG, p, 0, &msg));
	g = (pid_t)msg;
	wait_show("options new child", g, __WALL);
	show_siginfo("options new child", g);
	ptrace(PTRACE_CONT, g, 0, 0);
	wait_show("options new child", g, __WALL);
	/* Until the exec event (SIGCHLD of the new child suppressed). */
	for (int i = 0; i < 5; i++) {
		int st;

		ptrace(PTRACE_CONT, p, 0, 0);
		st = wait_show("options", p, 0);
		if (st < 0 || !WIFSTOPPED(st))
			return;
		if ((st >> 16) == PTRACE_EVENT_EXEC)
			break;
	}
	msg = 0;
	ptrace(PTRACE_GETEVENTMSG, p, 0, &msg);
	say("options exec msg %s", (pid_t)msg == p ? "pid" : "other");
	ptrace(PTRACE_CONT, p, 0, 0);
	wait_show("options", p, 0);
}

/* Set by a vfork child in its parent's memory (which it shares). */
static volatile pid_t vfork_pid;

/* The vfork-done stop with its message, the vfork child's pid: with
 * TRACEVFORKDONE alone (the child exits, untraced), and with TRACEVFORK
 * too (the child, traced, execs). */
static void vforkdone(const char *c, unsigned long opts)
{
	unsigned long msg = 0, first = 0;
	pid_t p = fork(), g = 0;
	int st;

	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		g = vfork();
		if (g == 0) {
			vfork_pid = getpid();
			if (opts & PTRACE_O_TRACEVFORK)
				execl(self, self, "exit", "6", (char *)NULL);
			_exit(6);
		}
		waitpid(g, &st, 0);
		_exit(WEXITSTATUS(st) + 10);
	}
	wait_show(c, p, 0);
	req(c, "set", ptrace(PTRACE_SETOPTIONS, p, 0, opts));
	ptrace(PTRACE_CONT, p, 0, 0);
	if (opts & PTRACE_O_TRACEVFORK) {
		wait_show(c, p, 0);
		ptrace(PTRACE_GETEVENTMSG, p, 0, &first);
		g = (pid_t)first;
		if (g <= 0) {
			say("%s no vfork event", c);
			kill(p, SIGKILL);
			waitpid(p, NULL, 0);
			return;
		}
		wait_show(c, g, __WALL);
		ptrace(PTRACE_CONT, g, 0, 0);
		ptrace(PTRACE_CONT, p, 0, 0);
	}
	wait_show(c, p, 0);
	ptrace(PTRACE_GETEVENTMSG, p, 0, &msg);
	errno = 0;
	g = (pid_t)ptrace(PTRACE_PEEKDATA, p, &vfork_pid, 0);
	say("%s msg %s%s", c, (pid_t)msg == g ? "child" : "other",
	    first == 0 ? "" : first == msg ? " same" : " differs");
	if (opts & PTRACE_O_TRACEVFORK) {
		wait_show(c, g, __WALL);	/* exec's SIGTRAP */
		ptrace(PTRACE_CONT, g, 0, 0);
		wait_show(c, g, __WALL);
	}
	for (int i = 0; i < 4; i++) {
		ptrace(PTRACE_CONT, p, 0, 0);
		st = wait_show(c, p, 0);
		if (st < 0 || !WIFSTOPPED(st))
			return;
	}
}

static void case_vforkdone(void)
{
	vforkdone("vforkdone", PTRACE_O_TRACEVFORKDONE);
	vforkdone("vforkdone_traced",
		  PTRACE_O_TRACEVFORKDONE | PTRACE_O_TRACEVFORK);
}

/* PEEKSIGINFO of n entries from off: one line per entry. */
static void peek_show(const char *c, pid_t p, uint64_t off, uint32_t flags,
		      int32_t nr)
{
	struct ptrace_peeksiginfo_args a = { off, flags, nr };
	siginfo_t si[8];
	long n = ptrace(PTRACE_PEEKSIGINFO, p, &a, si);

	say("%s peek off %d flags %u nr %d: %s %ld", c, (int)off, flags, nr,
	    n < 0 ? ename(errno) : "ok", n);
	for (long i = 0; i < n && i < 8; i++)
		say("%s  %s code %d from %s value %d", c,
		    si[i].si_signo == SIGRTMIN ? "RTMIN" :
						 sigabbrev_np(si[i].si_signo),
		    si[i].si_code,
		    si[i].si_pid == p ? "self" : "other",
		    si[i].si_code == SI_QUEUE ? si[i].si_value.sival_int : -1);
}

/* GET/SETSIGMASK, PEEKSIGINFO of the private and the shared queue,
 * ARCH_PRCTL, on a child stopped with signals pending. */
static void case_sigstate(void)
{
	struct ptrace_peeksiginfo_args a = { 0, 0, 1 };
	struct user_regs_struct r;
	uint64_t m = 0, m2;
	unsigned long fs = 0, gs = 1;
	siginfo_t si;
	sigset_t set;
	pid_t p = fork();

	if (p == 0) {
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGUSR2);
		sigaddset(&set, SIGRTMIN);
		sigprocmask(SIG_BLOCK, &set, NULL);
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGUSR1);				/* private */
		kill(getpid(), SIGUSR2);		/* shared */
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 5 });
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 6 });
		raise(SIGSTOP);
		_exit(50);
	}
	wait_show("sigstate", p, 0);
	req("sigstate", "getsigmask", ptrace(PTRACE_GETSIGMASK, p, 8, &m));
	say("sigstate mask usr1 %d usr2 %d rtmin %d",
	    (int)(m >> (SIGUSR1 - 1)) & 1, (int)(m >> (SIGUSR2 - 1)) & 1,
	    (int)(m >> (SIGRTMIN - 1)) & 1);
	say("sigstate getsigmask size 4 %s",
	    res(ptrace(PTRACE_GETSIGMASK, p, 4, &m2)));
	say("sigstate getsigmask fault %s",
	    res(ptrace(PTRACE_GETSIGMASK, p, 8, (void *)8)));
	m2 = m | (1ull << (SIGKILL - 1)) | (1ull << (SIGHUP - 1));
	req("sigstate", "setsigmask", ptrace(PTRACE_SETSIGMASK, p, 8, &m2));
	ptrace(PTRACE_GETSIGMASK, p, 8, &m2);
	say("sigstate mask after set hup %d kill %d",
	    (int)(m2 >> (SIGHUP - 1)) & 1, (int)(m2 >> (SIGKILL - 1)) & 1);
	peek_show("sigstate", p, 0, 0, 8);
	peek_show("sigstate", p, 0, PTRACE_PEEKSIGINFO_SHARED, 8);
	peek_show("sigstate", p, 2, PTRACE_PEEKSIGINFO_SHARED, 8);
	peek_show("sigstate", p, 1, PTRACE_PEEKSIGINFO_SHARED, 1);
	peek_show("sigstate", p, 0, PTRACE_PEEKSIGINFO_SHARED, 0);
	peek_show("sigstate", p, 0, 2, 1);
	peek_show("sigstate", p, 0, 0, -1);
	say("sigstate peek args fault %s",
	    res(ptrace(PTRACE_PEEKSIGINFO, p, (void *)8, &si)));
	say("sigstate peek buffer fault %s",
	    res(ptrace(PTRACE_PEEKSIGINFO, p, &a, (void *)8)));
	ptrace(PTRACE_GETREGS, p, 0, &r);
	req("sigstate", "arch get fs",
	    ptrace(PTRACE_ARCH_PRCTL, p, &fs, ARCH_GET_FS));
	say("sigstate fs %s", fs == r.fs_base ? "same" : "differs");
	req("sigstate", "arch get gs",
	    ptrace(PTRACE_ARCH_PRCTL, p, &gs, ARCH_GET_GS));
	say("sigstate gs %s", gs == r.gs_base ? "same" : "differs");
	req("sigstate", "arch set fs",
	    ptrace(PTRACE_ARCH_PRCTL, p, r.fs_base, ARCH_SET_FS));
	say("sigstate arch bad code %s",
	    res(ptrace(PTRACE_ARCH_PRCTL, p, &fs, 0x9999)));
	say("sigstate arch get fault %s",
	    res(ptrace(PTRACE_ARCH_PRCTL, p, (void *)8, ARCH_GET_FS)));
	req("sigstate", "kill", ptrace(PTRACE_KILL, p, 0, 0));
	wait_show("sigstate", p, 0);
}

/* A filter of the child's own: TRACE with data 0x10 + i for calls[i]. */
static int trace_filter(const int *calls, int n)
{
	struct sock_filter f[16];
	struct sock_fprog prog = { 0, f };
	int k = 0;

	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, nr));
	for (int i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      calls[i], 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_TRACE | (0x10 + i));
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)k;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static void seccomp_child(void)
{
	static const int calls[] = { SYS_getppid, SYS_openat, SYS_getuid,
				     SYS_getgid };
	char buf[4096] = "";
	long r, fd;

	ptrace(PTRACE_TRACEME, 0, 0, 0);
	if (trace_filter(calls, 4) < 0)
		_exit(99);
	r = syscall(SYS_getppid);
	say("seccomp no option getppid %s", res(r));
	raise(SIGSTOP);
	r = syscall(SYS_getppid);
	say("seccomp getppid %s", r == getppid() ? "ppid" : res(r));
	fd = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
	say("seccomp openat %s", res(fd));
	r = syscall(SYS_getuid);
	say("seccomp getuid skipped %ld", r);
	/* the tracer makes it an openat of /proc/self/status */
	fd = syscall(SYS_getgid, AT_FDCWD, "/proc/self/status", O_RDONLY);
	r = fd < 0 ? fd : read((int)fd, buf, sizeof(buf) - 1);
	say("seccomp getgid made openat %s %s", res(fd),
	    strncmp(buf, "Name:", 5) == 0 ? "status" : "other");
	_exit(60);
}

/* A workload filter's SECCOMP_RET_TRACE: ENOSYS without the option;
 * with it, the event stop (GETEVENTMSG: the filter's data), the call
 * run, skipped or changed by the tracer (then detaching). */
static void case_seccomp(void)
{
	struct user_regs_struct r;
	unsigned long msg;
	pid_t p = fork();
	int st;

	if (p == 0)
		seccomp_child();
	wait_show("seccomp", p, 0);
	req("seccomp", "set",
	    ptrace(PTRACE_SETOPTIONS, p, 0,
		   PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD));
	ptrace(PTRACE_CONT, p, 0, 0);
	for (int i = 0; i < 8; i++) {
		st = wait_show("seccomp", p, 0);
		if (st < 0 || !WIFSTOPPED(st))
			return;
		if ((st >> 16) != PTRACE_EVENT_SECCOMP) {
			ptrace(PTRACE_CONT, p, 0, 0);
			continue;
		}
		msg = 0;
		ptrace(PTRACE_GETEVENTMSG, p, 0, &msg);
		ptrace(PTRACE_GETREGS, p, 0, &r);
		say("seccomp msg %#lx nr %s", msg,
		    (long)r.orig_rax == SYS_getppid ? "getppid" :
		    (long)r.orig_rax == SYS_openat ? "openat" :
		    (long)r.orig_rax == SYS_getuid ? "getuid" :
		    (long)r.orig_rax == SYS_getgid ? "getgid" : "other");
		if ((long)r.orig_rax == SYS_getuid) {
			r.orig_rax = (uint64_t)-1;
			r.rax = 77;
		} else if ((long)r.orig_rax == SYS_getgid) {
			r.orig_rax = SYS_openat;
		}
		ptrace(PTRACE_SETREGS, p, 0, &r);
		if ((long)r.orig_rax == SYS_openat && msg == 0x13) {
			/* the changed call runs as the tracer leaves; the
			 * detach's result printed after the child's exit, so
			 * that the child's last line (printed as it runs on)
			 * always comes first */
			long d = ptrace(PTRACE_DETACH, p, 0, 0);
			int e = errno;

			wait_show("seccomp", p, 0);
			errno = e;
			req("seccomp", "detach", d);
			return;
		}
		if ((long)r.orig_rax != SYS_getppid) {
			ptrace(PTRACE_CONT, p, 0, 0);
			continue;
		}
		/* and its exit stop */
		ptrace(PTRACE_SYSCALL, p, 0, 0);
		wait_show("seccomp", p, 0);
		ptrace(PTRACE_GETREGS, p, 0, &r);
		say("seccomp exit nr %s", (long)r.orig_rax == SYS_getppid ?
						  "getppid" : "other");
		ptrace(PTRACE_CONT, p, 0, 0);
	}
}

/* One line for a stop under PTRACE_SYSCALL: its op, and whether its call
 * is execve. Returns the op (0: not a syscall stop). */
static int sysstop_show(const char *c, pid_t p, int st)
{
	struct __ptrace_syscall_info info;

	if (!WIFSTOPPED(st) || WSTOPSIG(st) != (SIGTRAP | 0x80))
		return 0;
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, p, sizeof(info), &info) < 0) {
		say("%s info %s", c, ename(errno));
		return 0;
	}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
		say("%s entry %s", c, info.entry.nr == SYS_execve ?
					   "execve" : "other");
	else
		say("%s %s rval %lld", c, info.op == PTRACE_SYSCALL_INFO_EXIT ?
					      "exit" : "other",
		    (long long)info.exit.rval);
	return info.op;
}

/* execve under PTRACE_SYSCALL, by a name whose comm the sentry sets after
 * the exec (/proc/self/exe): its entry, its exec event (TRACEEXEC) or
 * SIGTRAP, its exit stop, then the next call's entry. */
static void exec_syscall(const char *c, unsigned long opts)
{
	pid_t p = fork();
	int st, exits = 0;

	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		execl("/proc/self/exe", "pc", "exit", "8", (char *)NULL);
		_exit(101);
	}
	wait_show(c, p, 0);
	ptrace(PTRACE_SETOPTIONS, p, 0, opts | PTRACE_O_TRACESYSGOOD);
	ptrace(PTRACE_SYSCALL, p, 0, 0);
	for (int i = 0; i < 8; i++) {
		int op;

		st = wait_show(c, p, 0);
		if (st < 0 || !WIFSTOPPED(st))
			return;
		op = sysstop_show(c, p, st);
		if (op == PTRACE_SYSCALL_INFO_EXIT)
			exits++;
		else if (op == PTRACE_SYSCALL_INFO_ENTRY && exits > 0)
			break;
		ptrace(PTRACE_SYSCALL, p, 0, 0);
	}
	req(c, "kill", ptrace(PTRACE_KILL, p, 0, 0));
	wait_show(c, p, 0);
}

static void case_exec_syscall(void)
{
	exec_syscall("exec_syscall", 0);
	exec_syscall("exec_syscall_event", PTRACE_O_TRACEEXEC);
}

/* KILL and DETACH. */
static void case_kill_detach(void)
{
	pid_t p = fork();

	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		_exit(30);
	}
	wait_show("kill", p, 0);
	req("kill", "kill", ptrace(PTRACE_KILL, p, 0, 0));
	wait_show("kill", p, 0);

	p = fork();
	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGWINCH);
		_exit(31);
	}
	wait_show("detach", p, 0);
	req("detach", "detach", ptrace(PTRACE_DETACH, p, 0, 0));
	req("detach", "cont after detach", ptrace(PTRACE_CONT, p, 0, 0));
	wait_show("detach", p, 0);
}

/* The tracer exits with its tracee stopped: it runs on (detached), or
 * dies with PTRACE_O_EXITKILL. The tracee reports through a pipe. */
static void tracer_exit(const char *c, bool exitkill)
{
	int pfd[2];
	char buf[8] = "";
	pid_t t;

	if (pipe(pfd) < 0)
		return;
	t = fork();
	if (t == 0) {
		pid_t p = fork();

		if (p == 0) {
			close(pfd[0]);
			ptrace(PTRACE_TRACEME, 0, 0, 0);
			raise(SIGWINCH);
			write(pfd[1], "alive", 5);
			_exit(0);
		}
		close(pfd[1]);
		waitpid(p, NULL, 0);
		if (exitkill)
			ptrace(PTRACE_SETOPTIONS, p, 0, PTRACE_O_EXITKILL);
		_exit(0);
	}
	close(pfd[1]);
	waitpid(t, NULL, 0);
	if (read(pfd[0], buf, sizeof(buf) - 1) <= 0)
		strcpy(buf, "eof");
	close(pfd[0]);
	say("%s tracee says %s", c, buf);
}

/* Requests that must fail. */
static void case_errors(void)
{
	pid_t p = fork();

	if (p == 0) {
		pause();
		_exit(0);
	}
	say("errors cont untraced %s", ptrace(PTRACE_CONT, p, 0, 0) < 0 ?
						 ename(errno) : "ok");
	say("errors peek untraced %s",
	    ptrace(PTRACE_PEEKDATA, p, &magic, 0) < 0 ? ename(errno) : "ok");
	say("errors self attach %s",
	    ptrace(PTRACE_ATTACH, getpid(), 0, 0) < 0 ? ename(errno) : "ok");
	say("errors no such pid %s",
	    ptrace(PTRACE_ATTACH, 999999, 0, 0) < 0 ? ename(errno) : "ok");
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* A child that waits for a byte on fd (or is killed), then exits 40. */
static pid_t sleeper(int fd, uid_t uid, int dumpable)
{
	pid_t p = fork();
	char b;

	if (p != 0)
		return p;
	if (uid != 0 && (setresgid(uid, uid, uid) < 0 ||
			 setresuid(uid, uid, uid) < 0))
		_exit(99);
	if (dumpable >= 0)
		prctl(PR_SET_DUMPABLE, dumpable);
	while (read(fd, &b, 1) < 0 && errno == EINTR)
		;
	_exit(40);
}

/* ATTACH of a child, a second tracer refused, DETACH. */
static void case_attach(void)
{
	int pfd[2];
	pid_t c;

	if (pipe(pfd) < 0)
		return;
	c = sleeper(pfd[0], 0, -1);
	req("attach", "attach", ptrace(PTRACE_ATTACH, c, 0, 0));
	wait_show("attach", c, 0);
	show_siginfo("attach", c);
	say("attach again %s", res(ptrace(PTRACE_ATTACH, c, 0, 0)));
	say("attach seize traced %s",
	    res(ptrace(PTRACE_SEIZE, c, 0, 0)));
	req("attach", "detach", ptrace(PTRACE_DETACH, c, 0, 0));
	say("attach getregs detached %s",
	    res(ptrace(PTRACE_GETREGS, c, 0, &(struct user_regs_struct){0})));
	write(pfd[1], "x", 1);
	wait_show("attach", c, 0);
	close(pfd[0]);
	close(pfd[1]);
}

/* A sibling attaches (not the parent): its wait is the sentry's alone;
 * it sees the tracee's stop and its exit. */
static void case_attach_sibling(void)
{
	int pfd[2];
	pid_t c, t;

	if (pipe(pfd) < 0)
		return;
	c = sleeper(pfd[0], 0, -1);
	t = fork();
	if (t == 0) {
		req("sibling", "attach", ptrace(PTRACE_ATTACH, c, 0, 0));
		wait_show("sibling", c, 0);
		say("sibling wnohang %d", waitpid(c, NULL, WNOHANG));
		req("sibling", "cont", ptrace(PTRACE_CONT, c, 0, 0));
		write(pfd[1], "x", 1);
		wait_show("sibling", c, 0);
		say("sibling after exit %s", res(waitpid(-1, NULL, 0)));
		_exit(0);
	}
	waitpid(t, NULL, 0);
	wait_show("sibling parent", c, 0);
	close(pfd[0]);
	close(pfd[1]);
}

/* SEIZE: no stop; INTERRUPT's event stop; a group stop; KILL. */
static void case_seize(void)
{
	int pfd[2], st;
	pid_t c;

	if (pipe(pfd) < 0)
		return;
	c = sleeper(pfd[0], 0, -1);
	say("seize bad flags %s", res(ptrace(PTRACE_SEIZE, c, 0, 1ul << 30)));
	say("seize bad addr %s", res(ptrace(PTRACE_SEIZE, c, 1, 0)));
	req("seize", "seize",
	    ptrace(PTRACE_SEIZE, c, 0, PTRACE_O_TRACESYSGOOD));
	say("seize wnohang %d", waitpid(c, &st, WNOHANG));
	say("seize getregs running %s",
	    res(ptrace(PTRACE_GETREGS, c, 0, &(struct user_regs_struct){0})));
	req("seize", "interrupt", ptrace(PTRACE_INTERRUPT, c, 0, 0));
	wait_show("seize", c, 0);
	req("seize", "cont", ptrace(PTRACE_CONT, c, 0, 0));
	kill(c, SIGSTOP);
	wait_show("seize", c, 0);
	req("seize", "cont stop", ptrace(PTRACE_CONT, c, 0, SIGSTOP));
	if (wait_bounded("seize", c) < 0)
		return;
	req("seize", "listen", ptrace(PTRACE_LISTEN, c, 0, 0));
	say("seize listen wnohang %d", waitpid(c, &st, WNOHANG));
	req("seize", "kill", ptrace(PTRACE_KILL, c, 0, 0));
	wait_show("seize", c, 0);
	close(pfd[0]);
	close(pfd[1]);
}

/*
 * seize_rounds: the seize case's stops, ROUNDS times over one seized
 * tracee, with the tracer under an interval timer's ignored SIGALRM (a
 * signal from the kernel that can land between the sentry's service of a
 * ptrace call and its reply; tests/progs/pt_sigstorm.c): INTERRUPT's
 * event stop; SIGSTOP's delivery stop; CONT with SIGSTOP into the group
 * stop; LISTEN; SIGCONT's event stop and delivery stop; CONT. Each stop
 * is waited for 5 s at most (main's alarm is off meanwhile). One line per round, its statuses; printed
 * are the first round's and the rounds that differ from it.
 */
#define ROUNDS 200

/* Appends the next status of c (or "timeout") to line. */
static void round_wait(char *line, size_t n, pid_t c)
{
	char buf[64] = "timeout";
	int st;
	pid_t got = wait_5s(c, &st);

	if (got < 0)
		snprintf(buf, sizeof(buf), "wait %s", ename(errno));
	else if (got > 0)
		status_text(st, buf, sizeof(buf));
	snprintf(line + strlen(line), n - strlen(line), "; %s", buf);
}

static void round_req(char *line, size_t n, const char *what, long r)
{
	snprintf(line + strlen(line), n - strlen(line), "; %s %s", what,
		 res(r));
}

static void seize_round(char *line, size_t n, pid_t c)
{
	int st;

	line[0] = '\0';
	round_req(line, n, "interrupt", ptrace(PTRACE_INTERRUPT, c, 0, 0));
	round_wait(line, n, c);
	round_req(line, n, "cont", ptrace(PTRACE_CONT, c, 0, 0));
	kill(c, SIGSTOP);
	round_wait(line, n, c);
	round_req(line, n, "cont stop", ptrace(PTRACE_CONT, c, 0, SIGSTOP));
	round_wait(line, n, c);
	round_req(line, n, "listen", ptrace(PTRACE_LISTEN, c, 0, 0));
	snprintf(line + strlen(line), n - strlen(line), "; wnohang %d",
		 waitpid(c, &st, WNOHANG));
	kill(c, SIGCONT);
	round_wait(line, n, c);
	round_req(line, n, "cont", ptrace(PTRACE_CONT, c, 0, 0));
	round_wait(line, n, c);
	round_req(line, n, "cont", ptrace(PTRACE_CONT, c, 0, 0));
}

static void case_seize_rounds(int rounds)
{
	struct itimerval it = { { 0, 250 }, { 0, 250 } }, guard;
	char first[512], line[512];
	int pfd[2], differ = 0;
	pid_t c;

	if (pipe(pfd) < 0)
		return;
	c = sleeper(pfd[0], 0, -1);
	req("seize_rounds", "seize", ptrace(PTRACE_SEIZE, c, 0, 0));
	signal(SIGALRM, SIG_IGN);
	setitimer(ITIMER_REAL, &it, &guard);	/* main's alarm, kept */
	seize_round(first, sizeof(first), c);
	for (int i = 1; i < rounds; i++) {
		seize_round(line, sizeof(line), c);
		if (strcmp(line, first) != 0 && differ++ < 3)
			say("seize_rounds round %d%s", i, line);
		if (strstr(line, "timeout") != NULL)
			break;	/* the tracee is lost: one is enough */
	}
	signal(SIGALRM, SIG_DFL);
	setitimer(ITIMER_REAL, &guard, NULL);
	say("seize_rounds first%s", first);
	say("seize_rounds rounds differing %d", differ);
	req("seize_rounds", "kill", ptrace(PTRACE_KILL, c, 0, 0));
	wait_show("seize_rounds", c, 0);
	close(pfd[0]);
	close(pfd[1]);
}

/* Linux's permission rules from uid 1000 without capabilities. */
static void case_perm(void)
{
	int pfd[2];
	pid_t other, same_nd, same, d;

	if (pipe(pfd) < 0)
		return;
	other = sleeper(pfd[0], 1001, 1);
	same_nd = sleeper(pfd[0], 1000, 0);
	same = sleeper(pfd[0], 1000, 1);
	usleep(200000);		/* their uids are set */
	d = fork();
	if (d == 0) {
		if (setresgid(1000, 1000, 1000) < 0 ||
		    setresuid(1000, 1000, 1000) < 0)
			_exit(99);
		say("perm other uid %s", res(ptrace(PTRACE_ATTACH, other, 0, 0)));
		say("perm not dumpable %s",
		    res(ptrace(PTRACE_SEIZE, same_nd, 0, 0)));
		say("perm same uid %s", res(ptrace(PTRACE_SEIZE, same, 0, 0)));
		say("perm own parent %s",
		    res(ptrace(PTRACE_SEIZE, getppid(), 0, 0)));
		_exit(0);
	}
	waitpid(d, NULL, 0);
	say("perm root other uid %s", res(ptrace(PTRACE_SEIZE, other, 0, 0)));
	say("perm root not dumpable %s",
	    res(ptrace(PTRACE_SEIZE, same_nd, 0, 0)));
	ptrace(PTRACE_DETACH, other, 0, 0);
	ptrace(PTRACE_DETACH, same_nd, 0, 0);
	for (int i = 0; i < 3; i++)
		write(pfd[1], "x", 1);
	for (int i = 0; i < 3; i++)
		waitpid(-1, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
}

static void attach_cases(void)
{
	case_attach();
	case_attach_sibling();
	case_seize();
	case_seize_rounds(ROUNDS);
	case_perm();
	say("done");
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(60);	/* a lost stop ends the run rather than hanging it */
	if (argc == 3 && strcmp(argv[1], "seize_rounds") == 0) {
		case_seize_rounds(atoi(argv[2]));
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "seccomp") == 0) {
		case_seccomp();
		say("done");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "attach") == 0) {
		attach_cases();
		return 0;
	}
	case_traceme_exec();
	case_syscall();
	case_signals();
	case_peekpoke();
	case_singlestep();
	case_options();
	case_vforkdone();
	case_sigstate();
	case_exec_syscall();
	case_kill_detach();
	tracer_exit("tracer_exit", false);
	tracer_exit("tracer_exitkill", true);
	case_errors();
	say("done");
	return 0;
}
