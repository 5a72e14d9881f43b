// SPDX-License-Identifier: Apache-2.0
/*
 * platform/ptrace.c plat_inject against a tracee that changes its own code
 * under the injection: from the second injected call on, the tracee
 * re-executes its syscall instruction (rip - 2), which another thread of
 * the workload may have rewritten. The tracee must never get to make a
 * call of its own there: at the seccomp stop of an EMULATE call, passed
 * over, the kernel would run it natively.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/platform.h"
#include "syscalls/table.h"
#include "tests/unit/test.h"

/*
 *   0x00  mov eax, 63 (uname)   an EMULATE call: our TRACE stop
 *   0x05  syscall
 *   0x07  jmp .                 (killed there at the end)
 *   0x40  mov eax, 257; mov edi, AT_FDCWD; lea rsi, [rip + path];
 *         xor edx, edx; syscall; ud2     openat("/"), an EMULATE call
 *   0x80  "/"
 */
static const uint8_t code_main[] = { 0xb8, 0x3f, 0, 0, 0, 0x0f, 0x05,
				     0xeb, 0xfe };
static const uint8_t code_evil[] = {
	0xb8, 0x01, 0x01, 0, 0,			/* mov eax, 257 */
	0xbf, 0x9c, 0xff, 0xff, 0xff,		/* mov edi, -100 */
	0x48, 0x8d, 0x35, 0x2f, 0, 0, 0,	/* lea rsi, [rip + 0x2f] */
	0x31, 0xd2,				/* xor edx, edx */
	0x0f, 0x05,				/* syscall */
	0x0f, 0x0b,				/* ud2 */
};
#define EVIL 0x40
#define JMP_TO_EVIL ((uint16_t)(0xeb | ((EVIL - 7) << 8)))	/* jmp 0x40 */

/* The child: our ptrace-platform filter, then the code above. */
__attribute__((noreturn)) static void child(uint8_t *page)
{
	struct sc_filter_opts o = { SC_FILTER_TRACE, false, 0 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    sc_install_filter(&o) < 0)
		_exit(1);
	raise(SIGSTOP);		/* until the tracer is attached */
	((void (*)(void))page)();
	_exit(2);
}

/* Forks the child, seizes it and runs it to the seccomp stop of its
 * uname: pc holds that stop. */
static pid_t start(uint8_t *page, struct plat_call *pc)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		child(page);
	if (pid < 0 || waitpid(pid, &st, WUNTRACED) != pid ||
	    ptrace(PTRACE_SEIZE, pid, 0,
		   PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL |
			   PTRACE_O_TRACESYSGOOD) < 0 ||
	    kill(pid, SIGCONT) < 0)
		return -1;
	for (;;) {
		if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st))
			return -1;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
			break;
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
	*pc = (struct plat_call){ .kind = PLATFORM_PTRACE, .at_stop = true };
	if (plat_getregs(pid, &pc->regs) < 0)
		return -1;
	return pid;
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
}

static uint8_t *code_page(void)
{
	uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return NULL;
	memset(page, 0xcc, 4096);
	memcpy(page, code_main, sizeof(code_main));
	memcpy(page + EVIL, code_evil, sizeof(code_evil));
	memcpy(page + 0x80, "/", 2);
	return page;
}

/*
 * The fixture of every test: a child running code_page()'s code, seized
 * and at the seccomp stop of its uname (pc). SKIPs where either cannot be
 * had. A failed check kills the child (PTRACE_O_EXITKILL would as well,
 * with the test's process).
 */
struct fixture {
	uint8_t *page;
	struct plat_call pc;
	pid_t pid;
};

static void fixture_start(struct fixture *f)
{
	f->page = code_page();
	if (f->page == NULL)
		SKIP("no executable anonymous memory: %s", strerror(errno));
	f->pid = start(f->page, &f->pc);
	if (f->pid < 0)
		SKIP("cannot trace a child: %s", strerror(errno));
}

static void fixture_end(struct fixture *f)
{
	stop(f->pid);
	munmap(f->page, 4096);
}

/* n injected getpid calls, each of which must return the child's pid:
 * the first from the stop the child is at, each other from the previous
 * one's exit stop (through user mode, where a pending signal is due). */
static void inject_getpids(struct fixture *f, int n)
{
	for (int i = 0; i < n; i++) {
		long r = plat_inject(f->pid, &f->pc, SYS_getpid, 0, 0, 0, 0,
				     0, 0);

		if (r != f->pid) {
			stop(f->pid);
			FAILF("injection %d: %ld, want %d", i, r, (int)f->pid);
		}
	}
}

TEST(injection_runs_the_sentrys_calls)
{
	struct fixture f;

	fixture_start(&f);
	inject_getpids(&f, 3);
	fixture_end(&f);
}

TEST(injection_never_runs_a_call_of_the_tracees)
{
	struct fixture f;
	uint16_t jmp = JMP_TO_EVIL;
	long r;
	int st;

	fixture_start(&f);
	inject_getpids(&f, 1);
	/* Another thread's work: the syscall instruction becomes a jump to
	 * code making openat("/") (EMULATE: a seccomp stop). */
	if (plat_mem_write(f.pid, f.pc.regs.rip - 2, &jmp, 2) < 0) {
		stop(f.pid);
		FAILF("write: %s", strerror(errno));
	}
	r = plat_inject(f.pid, &f.pc, SYS_getpid, 0, 0, 0, 0, 0, 0);
	/* The tracee's openat ran natively if r is an fd. */
	if (r != -ESRCH) {
		stop(f.pid);
		FAILF("second injection: %ld, want -ESRCH (tracee killed)", r);
	}
	CHECK_EQ(waitpid(f.pid, &st, __WALL), f.pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	munmap(f.page, 4096);
}

static uint64_t sigmask_of(pid_t pid)
{
	uint64_t m = ~0ull;

	if (ptrace(PTRACE_GETSIGMASK, pid, (void *)sizeof(m), &m) < 0)
		return ~0ull;
	return m;
}

/*
 * A signal sent during an injection stays queued, as for a call of
 * Linux's in progress: the injected calls never stop at it, the task's
 * mask is its own again at the end, and the signal is delivered after
 * the call with its own siginfo (a kill's: SI_USER from us), not sent
 * again by the sentry (SI_TKILL). Issue 13: each such stop took the
 * sentry tens of microseconds, a kill loop one or two, and the injected
 * calls never ran.
 */
TEST(injection_keeps_signals_queued)
{
	struct fixture f;
	siginfo_t si;
	uint64_t mask;
	int st;

	fixture_start(&f);
	mask = sigmask_of(f.pid);
	CHECK_EQ(kill(f.pid, SIGUSR1), 0);
	inject_getpids(&f, 3);
	CHECK_EQ(f.pc.pending_sig, 0);	/* never taken meanwhile */
	CHECK_EQ(plat_ptrace_finish(f.pid, &f.pc, 0, false), 0);
	CHECK(!f.pc.masked);
	CHECK_EQ(waitpid(f.pid, &st, __WALL), f.pid);
	CHECK(WIFSTOPPED(st) && st >> 16 == 0 && WSTOPSIG(st) == SIGUSR1);
	CHECK_EQ(sigmask_of(f.pid), mask);
	CHECK_EQ(ptrace(PTRACE_GETSIGINFO, f.pid, 0, &si), 0);
	CHECK_EQ(si.si_code, SI_USER);
	CHECK_EQ(si.si_pid, getpid());
	fixture_end(&f);
}

/* SIGSTOP cannot be blocked: taken between injected calls, it stops the
 * group, and the task at the injection's end (its trap then says
 * SIGSTOP), or, if a SIGCONT came meanwhile, not (SIGTRAP). */
static void stop_during_injection(bool cont)
{
	struct fixture f;
	int st;

	fixture_start(&f);
	CHECK_EQ(kill(f.pid, SIGSTOP), 0);
	inject_getpids(&f, 3);
	if (cont)
		CHECK_EQ(kill(f.pid, SIGCONT), 0);
	CHECK_EQ(plat_ptrace_finish(f.pid, &f.pc, 0, false), 0);
	CHECK_EQ(waitpid(f.pid, &st, __WALL), f.pid);
	CHECK(WIFSTOPPED(st) && st >> 16 == PTRACE_EVENT_STOP);
	CHECK_EQ(WSTOPSIG(st), cont ? SIGTRAP : SIGSTOP);
	fixture_end(&f);
}

TEST(injection_stop_takes_effect_at_its_end)
{
	stop_during_injection(false);
}

TEST(injection_stop_then_continue)
{
	stop_during_injection(true);
}

int main(void)
{
	return test_main();
}
