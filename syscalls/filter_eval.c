// SPDX-License-Identifier: Apache-2.0
/*
 * A classic BPF interpreter with seccomp's rules, run over our own filter
 * (the program filter.c generates) to learn what it returned for a call.
 * See filter_eval.h.
 *
 * seccomp accepts a subset of classic BPF (seccomp_check_filter): 32-bit
 * absolute loads from struct seccomp_data (aligned, inside it), the length
 * of seccomp_data, immediates, the 16 scratch words, ALU operations on A
 * with K or X, forward jumps, TAX/TXA and RET of K or A. Jumps only go
 * forward, so a program runs at most len instructions.
 */
#include <errno.h>
#include <linux/audit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "syscalls/filter_eval.h"

#define SD_LEN ((uint32_t)sizeof(struct seccomp_data))

static bool is_alu_op(uint16_t op)
{
	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV:
	case BPF_OR: case BPF_AND: case BPF_LSH: case BPF_RSH:
	case BPF_NEG: case BPF_MOD: case BPF_XOR:
		return true;
	}
	return false;
}

static bool is_jmp_op(uint16_t op)
{
	return op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE ||
	       op == BPF_JSET;
}

/* One instruction at index i of a program of len; false if refused. */
static bool insn_ok(const struct sock_filter *f, size_t i, size_t len)
{
	uint16_t code = f->code;
	size_t rest = len - i - 1;	/* instructions after this one */

	switch (BPF_CLASS(code)) {
	case BPF_LD:
		if (code == (BPF_LD | BPF_W | BPF_ABS))
			return f->k < SD_LEN && (f->k & 3) == 0;
		if (code == (BPF_LD | BPF_W | BPF_LEN) ||
		    code == (BPF_LD | BPF_IMM))
			return true;
		return code == (BPF_LD | BPF_MEM) && f->k < BPF_MEMWORDS;
	case BPF_LDX:
		if (code == (BPF_LDX | BPF_W | BPF_LEN) ||
		    code == (BPF_LDX | BPF_IMM))
			return true;
		return code == (BPF_LDX | BPF_MEM) && f->k < BPF_MEMWORDS;
	case BPF_ST:
	case BPF_STX:
		return (code == BPF_ST || code == BPF_STX) &&
		       f->k < BPF_MEMWORDS;
	case BPF_ALU:
		if (!is_alu_op(BPF_OP(code)) ||
		    code != (BPF_ALU | BPF_OP(code) | BPF_SRC(code)))
			return false;
		if (BPF_OP(code) == BPF_NEG)
			return BPF_SRC(code) == BPF_K;
		if (BPF_SRC(code) == BPF_K &&
		    (BPF_OP(code) == BPF_DIV || BPF_OP(code) == BPF_MOD))
			return f->k != 0;
		if (BPF_SRC(code) == BPF_K &&
		    (BPF_OP(code) == BPF_LSH || BPF_OP(code) == BPF_RSH))
			return f->k < 32;
		return true;
	case BPF_JMP:
		if (code == (BPF_JMP | BPF_JA))
			return f->k < rest;
		if (!is_jmp_op(BPF_OP(code)) ||
		    code != (BPF_JMP | BPF_OP(code) | BPF_SRC(code)))
			return false;
		return f->jt < rest && f->jf < rest;
	case BPF_RET:
		return code == (BPF_RET | BPF_K) || code == (BPF_RET | BPF_A);
	case BPF_MISC:
		return code == (BPF_MISC | BPF_TAX) ||
		       code == (BPF_MISC | BPF_TXA);
	}
	return false;
}

int sc_bpf_check(const struct sock_filter *prog, size_t len)
{
	if (prog == NULL || len == 0 || len > BPF_MAXINSNS)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!insn_ok(&prog[i], i, len))
			return -EINVAL;
	}
	if (BPF_CLASS(prog[len - 1].code) != BPF_RET)
		return -EINVAL;
	return 0;
}

/* A op v; false for a division by zero (the kernel returns 0 then). */
static bool alu(uint32_t *a, uint16_t op, uint32_t v)
{
	switch (op) {
	case BPF_ADD: *a += v; break;
	case BPF_SUB: *a -= v; break;
	case BPF_MUL: *a *= v; break;
	case BPF_OR:  *a |= v; break;
	case BPF_AND: *a &= v; break;
	case BPF_XOR: *a ^= v; break;
	case BPF_LSH: *a = v < 32 ? *a << v : 0; break;
	case BPF_RSH: *a = v < 32 ? *a >> v : 0; break;
	case BPF_NEG: *a = -*a; break;
	case BPF_DIV:
	case BPF_MOD:
		if (v == 0)
			return false;
		*a = op == BPF_DIV ? *a / v : *a % v;
		break;
	}
	return true;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	}
	return false;
}

uint32_t sc_bpf_run(const struct sock_filter *prog, size_t len,
		    const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint16_t code = f->code;

		switch (BPF_CLASS(code)) {
		case BPF_LD:
			if (code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (f->k >= SD_LEN || (f->k & 3))
					return SECCOMP_RET_KILL_PROCESS;
				memcpy(&a, (const char *)d + f->k, 4);
			} else if (code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = SD_LEN;
			} else if (code == (BPF_LD | BPF_IMM)) {
				a = f->k;
			} else if (f->k < BPF_MEMWORDS) {
				a = mem[f->k];
			} else {
				return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_LDX:
			if (code == (BPF_LDX | BPF_W | BPF_LEN))
				x = SD_LEN;
			else if (code == (BPF_LDX | BPF_IMM))
				x = f->k;
			else if (f->k < BPF_MEMWORDS)
				x = mem[f->k];
			else
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			mem[f->k] = BPF_CLASS(code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			if (!alu(&a, BPF_OP(code),
				 BPF_SRC(code) == BPF_X ? x : f->k))
				return 0;	/* SECCOMP_RET_KILL_THREAD */
			break;
		case BPF_JMP:
			if (BPF_OP(code) == BPF_JA)
				pc += f->k;
			else
				pc += jump_taken(BPF_OP(code), a,
						 BPF_SRC(code) == BPF_X ? x : f->k) ?
					      f->jt : f->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(code) == BPF_A ? a : f->k;
		case BPF_MISC:
			if (code == (BPF_MISC | BPF_TAX))
				x = a;
			else
				a = x;
			break;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
	}
	return SECCOMP_RET_KILL_PROCESS;	/* ran off the end */
}

/*
 * The same run with only nr and arch known: the arguments and the
 * instruction pointer are not. Gives the result if the program reaches a
 * RET without a jump, ALU result or RET depending on an unknown word;
 * false if it depends on one. A load of an unknown word makes A unknown,
 * an operation with an unknown operand makes its result unknown.
 */
static bool bpf_run_nr(const struct sock_filter *prog, size_t len, int nr,
		       uint32_t arch, uint32_t *out)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	bool ka = true, kx = true, kmem[BPF_MEMWORDS];
	const uint32_t nr_off = offsetof(struct seccomp_data, nr);
	const uint32_t arch_off = offsetof(struct seccomp_data, arch);

	memset(kmem, 1, sizeof(kmem));
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint16_t code = f->code;
		bool kv;

		switch (BPF_CLASS(code)) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v = 0;
			bool k = true;

			if (BPF_MODE(code) == BPF_ABS) {
				k = f->k == nr_off || f->k == arch_off;
				v = f->k == nr_off ? (uint32_t)nr : arch;
			} else if (BPF_MODE(code) == BPF_LEN) {
				v = SD_LEN;
			} else if (BPF_MODE(code) == BPF_IMM) {
				v = f->k;
			} else if (f->k < BPF_MEMWORDS) {
				v = mem[f->k];
				k = kmem[f->k];
			} else {
				return false;
			}
			if (BPF_CLASS(code) == BPF_LD) {
				a = v;
				ka = k;
			} else {
				x = v;
				kx = k;
			}
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS)
				return false;
			mem[f->k] = BPF_CLASS(code) == BPF_ST ? a : x;
			kmem[f->k] = BPF_CLASS(code) == BPF_ST ? ka : kx;
			break;
		case BPF_ALU:
			kv = BPF_SRC(code) == BPF_X ? kx : true;
			if (!ka || !kv)
				return false;
			if (!alu(&a, BPF_OP(code),
				 BPF_SRC(code) == BPF_X ? x : f->k)) {
				*out = 0;
				return true;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(code) == BPF_JA) {
				pc += f->k;
				break;
			}
			kv = BPF_SRC(code) == BPF_X ? kx : true;
			if (!ka || !kv)
				return false;
			pc += jump_taken(BPF_OP(code), a,
					 BPF_SRC(code) == BPF_X ? x : f->k) ?
				      f->jt : f->jf;
			break;
		case BPF_RET:
			if (BPF_RVAL(code) == BPF_A && !ka)
				return false;
			*out = BPF_RVAL(code) == BPF_A ? a : f->k;
			return true;
		case BPF_MISC:
			if (code == (BPF_MISC | BPF_TAX)) {
				x = a;
				kx = ka;
			} else {
				a = x;
				ka = kx;
			}
			break;
		default:
			return false;
		}
	}
	return false;
}

/* --- our filter --------------------------------------------------------- */

/* The result of every native number that decides without its arguments
 * (rows without argument rules): a notification or a stop then costs a
 * table look-up instead of a walk through the program. */
static int precompute(struct sc_filter_prog *p)
{
	p->by_nr = calloc(SC_NR_MAX + 1, sizeof(*p->by_nr));
	p->known = calloc(SC_NR_MAX + 1, sizeof(*p->known));
	if (p->by_nr == NULL || p->known == NULL)
		return -ENOMEM;
	for (int nr = 0; nr <= SC_NR_MAX; nr++)
		p->known[nr] = bpf_run_nr(p->insn, p->len, nr,
					  AUDIT_ARCH_X86_64, &p->by_nr[nr]);
	return 0;
}

int sc_filter_prog_build(const struct sc_filter_opts *opts,
			 struct sc_filter_prog *p)
{
	cleanup_close int fd = memfd_create("cvisor-bpf", MFD_CLOEXEC);
	struct stat st;
	ssize_t n;
	int r;

	*p = (struct sc_filter_prog){ 0 };
	if (fd < 0)
		return -errno;
	r = sc_export_bpf(opts, fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0)
		return -EINVAL;
	p->insn = malloc(st.st_size);
	if (p->insn == NULL)
		return -ENOMEM;
	n = pread(fd, p->insn, st.st_size, 0);
	p->len = st.st_size / sizeof(struct sock_filter);
	if (n != st.st_size || sc_bpf_check(p->insn, p->len) < 0) {
		sc_filter_prog_free(p);
		return n < 0 ? -errno : -EINVAL;
	}
	r = precompute(p);
	if (r < 0)
		sc_filter_prog_free(p);
	return r;
}

void sc_filter_prog_free(struct sc_filter_prog *p)
{
	free(p->insn);
	free(p->by_nr);
	free(p->known);
	*p = (struct sc_filter_prog){ 0 };
}

uint32_t sc_filter_eval(const struct sc_filter_prog *p,
			const struct seccomp_data *d)
{
	if (p == NULL || p->insn == NULL)
		return SECCOMP_RET_KILL_PROCESS;
	if (d->arch == AUDIT_ARCH_X86_64 && d->nr >= 0 && d->nr <= SC_NR_MAX &&
	    p->known != NULL && p->known[d->nr])
		return p->by_nr[d->nr];
	return sc_bpf_run(p->insn, p->len, d);
}

/* --- stops -------------------------------------------------------------- */

enum sc_stop sc_stop_classify(uint32_t ours, uint32_t data,
			      const struct sc_filter_opts *opts)
{
	uint32_t our_data = ours & SECCOMP_RET_DATA;

	if ((ours & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
		return SC_STOP_FOREIGN;
	/* A tag of another sandbox (or a garbled program) is not ours. */
	if (our_data >> 3 != (opts->tag & SC_TRACE_TAG_MAX))
		return SC_STOP_FOREIGN;
	if ((data & SECCOMP_RET_DATA) != our_data)
		return SC_STOP_WORKLOAD;
	switch (SC_TRACE_PURPOSE(our_data)) {
	case SC_TRACE_EMULATE:
		return SC_STOP_EMULATE;
	case SC_TRACE_HANDLE:
		return SC_STOP_HANDLE;
	case SC_TRACE_STRACE:
		return SC_STOP_STRACE;
	case SC_TRACE_OBSERVE:
		return SC_STOP_OBSERVE;
	}
	return SC_STOP_FOREIGN;
}

const char *sc_stop_name(enum sc_stop s)
{
	static const char *const names[] = {
		[SC_STOP_FOREIGN] = "foreign", [SC_STOP_WORKLOAD] = "workload",
		[SC_STOP_EMULATE] = "emulate", [SC_STOP_HANDLE] = "handle",
		[SC_STOP_STRACE] = "strace",   [SC_STOP_OBSERVE] = "observe",
	};

	if ((unsigned)s < sizeof(names) / sizeof(names[0]))
		return names[s];
	return "?";
}

/*
 * A tag for a new sandbox: random, never 0 (data 1..7 are what a filter
 * written by hand is likely to return) nor 0x18e0 (the fixed 0xc701..
 * 0xc704 of earlier versions, which a workload may have copied).
 */
uint16_t sc_trace_tag_new(void)
{
	uint16_t tag = 0;

	while (tag == 0 || tag == (0xc700 >> 3)) {
		if (getrandom(&tag, sizeof(tag), 0) != sizeof(tag))
			tag = (uint16_t)(getpid() ^ time(NULL));
		tag &= SC_TRACE_TAG_MAX;
	}
	return tag;
}
