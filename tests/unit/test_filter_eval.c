// SPDX-License-Identifier: Apache-2.0
/*
 * syscalls/filter_eval.c: the classic BPF interpreter, our filter's
 * program as it evaluates, checked against the table and against the
 * kernel (a traced child under the real filter), and what a trace stop is.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"
#include "platform/platform.h"
#include "syscalls/filter_eval.h"
#include "tests/unit/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct seccomp_data sd(int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return (struct seccomp_data){ .nr = nr, .arch = AUDIT_ARCH_X86_64,
				      .args = { a0, a1, a2 } };
}

TEST(bpf_check_refuses_what_seccomp_refuses)
{
	static const struct {
		struct sock_filter f[3];
		size_t len;
		int ok;
	} cases[] = {
		{ { BPF_STMT(BPF_RET | BPF_K, 0) }, 1, 1 },
		/* no final RET */
		{ { BPF_STMT(BPF_LD | BPF_IMM, 1) }, 1, 0 },
		/* loads: inside seccomp_data, aligned, words only */
		{ { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 60),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 1 },
		{ { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		{ { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 2),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		{ { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		{ { BPF_STMT(BPF_LD | BPF_W | BPF_IND, 0),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		{ { BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		/* scratch memory: 16 words */
		{ { BPF_STMT(BPF_ST, 15), BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 1 },
		{ { BPF_STMT(BPF_ST, 16), BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		{ { BPF_STMT(BPF_LD | BPF_MEM, 16),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		/* jumps stay inside the program */
		{ { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		    BPF_STMT(BPF_RET | BPF_K, 0) }, 2, 0 },
		{ { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		    BPF_STMT(BPF_RET | BPF_K, 0),
		    BPF_STMT(BPF_RET | BPF_K, 1) }, 3, 1 },
		{ { BPF_STMT(BPF_JMP | BPF_JA, 1),
		    BPF_STMT(BPF_RET | BPF_K, 0) }, 2, 0 },
		/* constant division by zero, shifts past 31 */
		{ { BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		{ { BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		{ { BPF_STMT(BPF_ALU | BPF_NEG | BPF_X, 0),
		    BPF_STMT(BPF_RET | BPF_A, 0) }, 2, 0 },
		/* RET X does not exist */
		{ { BPF_STMT(BPF_RET | BPF_X, 0) }, 1, 0 },
		/* an unknown class bit pattern */
		{ { { 0xffff, 0, 0, 0 }, BPF_STMT(BPF_RET | BPF_K, 0) }, 2, 0 },
	};

	CHECK_EQ(sc_bpf_check(NULL, 1), -EINVAL);
	CHECK_EQ(sc_bpf_check(cases[0].f, 0), -EINVAL);
	for (size_t i = 0; i < N(cases); i++) {
		int r = sc_bpf_check(cases[i].f, cases[i].len);

		if (r != (cases[i].ok ? 0 : -EINVAL))
			FAILF("case %zu: %d", i, r);
	}
}

/* A filter the workload could write: the data of its TRACE is computed
 * from an argument (RET A), through every kind of instruction. */
TEST(bpf_run_follows_the_instructions)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 63, 0, 8),
		/* uname: TRACE | (low half of args[0] & 0xffff) ^ 1 */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0])),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xffff),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_IMM, 1),
		BPF_STMT(BPF_LD | BPF_MEM, 3),
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_A, 0),
		/* others: high half of args[1] > 5 ? ERRNO(it / 2) : ALLOW */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[1]) + 4),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 5, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 2),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct seccomp_data d = sd(63, 0x1234500c7, 0, 0);

	CHECK_EQ(sc_bpf_check(f, N(f)), 0);
	CHECK_EQ(sc_bpf_run(f, N(f), &d), SECCOMP_RET_TRACE | 0x00c6);
	d = sd(39, 0, 7ull << 32, 0);
	CHECK_EQ(sc_bpf_run(f, N(f), &d), SECCOMP_RET_ERRNO | 3);
	d = sd(39, 0, 5ull << 32, 0);
	CHECK_EQ(sc_bpf_run(f, N(f), &d), SECCOMP_RET_ALLOW);
	d.arch = AUDIT_ARCH_I386;
	CHECK_EQ(sc_bpf_run(f, N(f), &d), SECCOMP_RET_KILL_PROCESS);
}

static const struct sc_filter_opts modes[] = {
	{ SC_FILTER_NOTIFY, false, 0x123 }, { SC_FILTER_NOTIFY, true, 0x123 },
	{ SC_FILTER_TRACE, false, 0x1abc }, { SC_FILTER_TRACE, true, 0x1abc },
};

/* What the table says our filter returns for a row without rules. */
static uint32_t row_action(const struct sc_filter_opts *o,
			   const struct sc_entry *e)
{
	if (e->disp == SC_DENY)
		return SECCOMP_RET_ERRNO | (uint32_t)e->err;
	if (e->disp == SC_PASS)
		return o->strace ? SECCOMP_RET_TRACE |
					   SC_TRACE_DATA(o->tag, SC_TRACE_STRACE) :
				   SECCOMP_RET_ALLOW;
	if (e->flags & SC_F_TRACE)
		return SECCOMP_RET_TRACE | SC_TRACE_DATA(o->tag, SC_TRACE_HANDLE);
	if (o->mode == SC_FILTER_NOTIFY)
		return SECCOMP_RET_USER_NOTIF;
	return SECCOMP_RET_TRACE | SC_TRACE_DATA(o->tag, SC_TRACE_EMULATE);
}

TEST(our_program_evaluates_as_the_table_says)
{
	for (size_t m = 0; m < N(modes); m++) {
		const struct sc_filter_opts *o = &modes[m];
		struct sc_filter_prog p;
		struct seccomp_data d;

		CHECK_EQ(sc_filter_prog_build(o, &p), 0);
		for (size_t i = 0; i < sc_table_len; i++) {
			const struct sc_entry *e = &sc_table[i];
			uint32_t got;

			if (e->flags & SC_F_RULES)
				continue;
			d = sd(e->nr, 0, 0, 0);
			got = sc_filter_eval(&p, &d);
			if (got != row_action(o, e)) {
				sc_filter_prog_free(&p);
				FAILF("mode %zu %s: %#x, want %#x", m, e->name,
				      got, row_action(o, e));
			}
		}
		/* Not in the table, x32, i386: ENOSYS. */
		d = sd(1000, 0, 0, 0);
		CHECK_EQ(sc_filter_eval(&p, &d), SECCOMP_RET_ERRNO | ENOSYS);
		d = sd(0x40000000 | SYS_getpid, 0, 0, 0);
		CHECK_EQ(sc_filter_eval(&p, &d), SECCOMP_RET_ERRNO | ENOSYS);
		d = sd(SYS_getpid, 0, 0, 0);
		d.arch = AUDIT_ARCH_I386;
		CHECK_EQ(sc_filter_eval(&p, &d), SECCOMP_RET_ERRNO | ENOSYS);
		/* Rules: the argument decides. */
		d = sd(SYS_ioctl, 0, (1ull << 32) | TIOCSTI, 0);
		CHECK_EQ(sc_filter_eval(&p, &d), SECCOMP_RET_ERRNO | EPERM);
		d = sd(SYS_prctl, PR_CAPBSET_DROP, 1, 0);
		CHECK_EQ(sc_filter_eval(&p, &d),
			 SECCOMP_RET_TRACE | SC_TRACE_DATA(o->tag, SC_TRACE_OBSERVE));
		d = sd(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		       SECCOMP_FILTER_FLAG_NEW_LISTENER, 0);
		CHECK_EQ(sc_filter_eval(&p, &d), SECCOMP_RET_ERRNO | EBUSY);
		sc_filter_prog_free(&p);
	}
}

/* The per-number results are the program's for any argument. */
TEST(precomputed_results_are_the_programs)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (size_t m = 0; m < N(modes); m++) {
		struct sc_filter_prog p;
		size_t known = 0;

		CHECK_EQ(sc_filter_prog_build(&modes[m], &p), 0);
		for (int nr = 0; nr <= SC_NR_MAX; nr++) {
			const struct sc_entry *e = sc_lookup(nr);
			struct seccomp_data d = sd(nr, 0, 0, 0);

			if (!p.known[nr]) {
				/* Only rows with argument rules depend on
				 * them. */
				CHECK(e != NULL && (e->flags & SC_F_RULES));
				continue;
			}
			known++;
			for (int k = 0; k < 8; k++) {
				for (int a = 0; a < 6; a++) {
					seed = seed * 6364136223846793005ull + 1;
					d.args[a] = k == 0 ? 0 : seed;
				}
				d.instruction_pointer = seed >> 7;
				if (sc_bpf_run(p.insn, p.len, &d) != p.by_nr[nr]) {
					sc_filter_prog_free(&p);
					FAILF("mode %zu nr %d", m, nr);
				}
			}
		}
		CHECK(known > 300);
		CHECK(!p.known[SYS_ioctl] && !p.known[SYS_prctl]);
		sc_filter_prog_free(&p);
	}
}

TEST(stop_classification_never_trusts_the_data)
{
	const struct sc_filter_opts *o = &modes[2];
	uint32_t emu = SC_TRACE_DATA(o->tag, SC_TRACE_EMULATE);
	uint32_t handle = SC_TRACE_DATA(o->tag, SC_TRACE_HANDLE);

	/* Ours did not trace: a workload filter's stop, whatever its data. */
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_ALLOW, emu, o), SC_STOP_FOREIGN);
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_USER_NOTIF, emu, o),
		 SC_STOP_FOREIGN);
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_ERRNO | 1, emu, o),
		 SC_STOP_FOREIGN);
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_LOG, handle, o), SC_STOP_FOREIGN);
	/* Ours traced: the purpose is ours, data only says a workload
	 * filter traced too. */
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_TRACE | emu, emu, o),
		 SC_STOP_EMULATE);
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_TRACE | emu, handle, o),
		 SC_STOP_WORKLOAD);
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_TRACE | handle, handle, o),
		 SC_STOP_HANDLE);
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_TRACE | handle, 0x1234, o),
		 SC_STOP_WORKLOAD);
	/* A program of another tag is not ours. */
	CHECK_EQ(sc_stop_classify(SECCOMP_RET_TRACE |
					  SC_TRACE_DATA(o->tag + 1, 1),
				  SC_TRACE_DATA(o->tag + 1, 1), o),
		 SC_STOP_FOREIGN);
	CHECK_STREQ(sc_stop_name(SC_STOP_WORKLOAD), "workload");
}

TEST(trace_tags_are_random_and_never_the_old_fixed_ones)
{
	uint16_t first = sc_trace_tag_new();
	bool differ = false;

	for (int i = 0; i < 200; i++) {
		uint16_t t = sc_trace_tag_new();

		CHECK(t != 0 && t <= SC_TRACE_TAG_MAX);
		CHECK(SC_TRACE_DATA(t, SC_TRACE_EMULATE) != 0xc701);
		differ |= t != first;
	}
	CHECK(differ);
}

/* ---- against the kernel: a traced child under the real filter ---------- */

/* Calls whose arguments decide nothing dangerous if the kernel runs them. */
static const struct probe {
	long nr;
	uint64_t a[6];
} probes[] = {
	{ SYS_getppid, { 0 } },
	{ SYS_uname, { 0 } },
	{ SYS_openat, { (uint64_t)AT_FDCWD, 0, O_RDONLY } },
	{ SYS_mknodat, { (uint64_t)AT_FDCWD, 0, 0 } },
	{ SYS_execve, { 0 } },
	{ SYS_setuid, { (uint64_t)-1 } },
	{ SYS_ioctl, { (uint64_t)-1, TIOCSTI } },
	{ SYS_ioctl, { (uint64_t)-1, (1ull << 32) | TIOCSTI } },
	{ SYS_ioctl, { (uint64_t)-1, TCGETS } },
	{ SYS_ioctl, { (uint64_t)-1, 0x1234 } },
	{ SYS_prctl, { PR_CAPBSET_DROP, 99 } },
	{ SYS_prctl, { 0x7fff } },
	{ SYS_futex, { 0, 99 } },
	{ SYS_seccomp, { SECCOMP_SET_MODE_FILTER,
			 SECCOMP_FILTER_FLAG_NEW_LISTENER } },
	{ SYS_seccomp, { 99 } },
	{ SYS_sendto, { (uint64_t)-1, 0, 0, 0, 0, 0 } },
	{ SYS_sendto, { (uint64_t)-1, 0, 0, 0, 0x1000, 16 } },
	{ SYS_socket, { AF_PACKET, SOCK_RAW } },
	{ SYS_madvise, { 0, 0, MADV_HWPOISON } },
	{ SYS_kexec_load, { 0 } },
	{ 1000, { 0 } },
	{ 0x40000000 | SYS_getppid, { 0 } },
};

#define SKIPPED EL2HLT	/* the errno of a call skipped at our stop */

__attribute__((no_sanitize("address")))
static void probe_child(const struct sc_filter_opts *o, int go, long *res)
{
	char c;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    read(go, &c, 1) != 1 || sc_install_filter(o) < 0)
		_exit(1);
	for (size_t i = 0; i < N(probes); i++) {
		const uint64_t *a = probes[i].a;
		long r = syscall(probes[i].nr, a[0], a[1], a[2], a[3], a[4],
				 a[5]);

		res[i] = r < 0 ? -errno : r;
	}
	_exit(0);
}

/*
 * At each of the child's seccomp stops: the kernel's data must be what our
 * program gives for the stop's seccomp_data. Calls run on if ours only
 * reports them (--strace), are skipped with -SKIPPED otherwise. Returns
 * the number of stops, or -1 after a mismatch (reported on stderr).
 */
static int trace_child(pid_t pid, const struct sc_filter_prog *p,
		       const struct sc_filter_opts *o)
{
	int st, stops = 0;

	for (;;) {
		struct user_regs_struct r;
		struct seccomp_data d;
		uint32_t data, ours;

		if (waitpid(pid, &st, __WALL) != pid)
			return -1;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? stops : -1;
		if (st >> 8 != (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			int sig = WSTOPSIG(st);

			ptrace(PTRACE_CONT, pid, 0,
			       (void *)(long)(st >> 16 ? 0 : sig));
			continue;
		}
		stops++;
		if (plat_seccomp_data(pid, &d, &data) < 0)
			return -1;
		ours = sc_filter_eval(p, &d);
		if (ours != (SECCOMP_RET_TRACE | data)) {
			fprintf(stderr, "nr %d: kernel data %#x, ours %#x\n",
				d.nr, data, ours);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, __WALL);
			return -1;
		}
		if (SC_TRACE_PURPOSE(data) != SC_TRACE_STRACE &&
		    ptrace(PTRACE_GETREGS, pid, 0, &r) == 0) {
			r.orig_rax = -1;
			r.rax = -SKIPPED;
			ptrace(PTRACE_SETREGS, pid, 0, &r);
		}
		(void)o;
		ptrace(PTRACE_CONT, pid, 0, 0);
	}
}

/* What the child got for each probe must be what our program says. */
static void check_results(const struct sc_filter_prog *p, const long *res)
{
	for (size_t i = 0; i < N(probes); i++) {
		const uint64_t *a = probes[i].a;
		struct seccomp_data d = {
			.nr = (int)probes[i].nr, .arch = AUDIT_ARCH_X86_64,
			.args = { a[0], a[1], a[2], a[3], a[4], a[5] } };
		uint32_t ours = sc_filter_eval(p, &d);
		uint32_t act = ours & SECCOMP_RET_ACTION_FULL;
		bool skipped = res[i] == -SKIPPED;

		if (act == SECCOMP_RET_ERRNO &&
		    res[i] == -(long)(ours & SECCOMP_RET_DATA))
			continue;
		if (act == SECCOMP_RET_TRACE &&
		    SC_TRACE_PURPOSE(ours) != SC_TRACE_STRACE && skipped)
			continue;
		if ((act == SECCOMP_RET_ALLOW || act == SECCOMP_RET_TRACE) &&
		    !skipped)
			continue;
		FAILF("probe %zu (nr %ld): ours %#x, child got %ld", i,
		      probes[i].nr, ours, res[i]);
	}
}

TEST(our_program_evaluates_as_the_kernel_runs_it)
{
	for (size_t m = 2; m < N(modes); m++) {
		const struct sc_filter_opts *o = &modes[m];
		long *res = mmap(NULL, sizeof(long) * N(probes),
				 PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		struct sc_filter_prog p;
		int go[2], stops;
		pid_t pid;

		CHECK(res != MAP_FAILED);
		CHECK_EQ(sc_filter_prog_build(o, &p), 0);
		CHECK_EQ(pipe(go), 0);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			probe_child(o, go[0], res);
		close(go[0]);
		if (ptrace(PTRACE_SEIZE, pid, 0,
			   PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			SKIP("ptrace: %s", strerror(errno));
		}
		CHECK_EQ(write(go[1], "g", 1), 1);
		close(go[1]);
		stops = trace_child(pid, &p, o);
		CHECK(stops > 0);
		check_results(&p, res);
		sc_filter_prog_free(&p);
		munmap(res, sizeof(long) * N(probes));
	}
}

int main(void)
{
	return test_main();
}
