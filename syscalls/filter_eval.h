/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What our own interception filter returned for a call, found by running
 * the very program filter.c generates on the call's seccomp_data, and what
 * a SECCOMP_RET_TRACE stop therefore is.
 *
 * The workload may stack filters of its own (seccomp is PASS). The kernel
 * runs every filter and keeps the strongest action; on a tie the newest
 * filter's return value, data included, wins (seccomp_run_filters). So
 * SECCOMP_RET_DATA at a PTRACE_EVENT_SECCOMP stop is a value the workload
 * can choose, and never says which of our handlers runs: sc_stop_classify()
 * decides from our program alone.
 */
#ifndef CV_SYSCALLS_FILTER_EVAL_H
#define CV_SYSCALLS_FILTER_EVAL_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscalls/table.h"

/*
 * A classic BPF program as seccomp runs it: 0 if the kernel's checks
 * (seccomp_check_filter, bpf_check_classic) would accept it, -EINVAL if
 * not (an opcode seccomp refuses, a jump or memory slot out of range, a
 * load outside seccomp_data, a constant division by zero, no final RET).
 */
int sc_bpf_check(const struct sock_filter *prog, size_t len);

/* Runs a program sc_bpf_check() accepted on d: the action and data the
 * kernel would get from it. Anything out of range gives
 * SECCOMP_RET_KILL_PROCESS (never a TRACE or ALLOW). */
uint32_t sc_bpf_run(const struct sock_filter *prog, size_t len,
		    const struct seccomp_data *d);

/* Our own filter for one set of options, as the workload installed it. */
struct sc_filter_prog {
	struct sock_filter *insn;
	size_t len;
	/* by_nr[nr] is the result for every call of that native number
	 * if known[nr] (the program decides it without reading an
	 * argument or the instruction pointer). */
	uint32_t *by_nr;
	bool *known;
};

/* Builds the program sc_install_filter(opts) installs. 0 or -errno. */
int sc_filter_prog_build(const struct sc_filter_opts *opts,
			 struct sc_filter_prog *p);
void sc_filter_prog_free(struct sc_filter_prog *p);
/* What our filter returns for d (SECCOMP_RET_KILL_PROCESS if p is empty). */
uint32_t sc_filter_eval(const struct sc_filter_prog *p,
			const struct seccomp_data *d);

/* What a PTRACE_EVENT_SECCOMP stop is. */
enum sc_stop {
	/* Our filter did not return TRACE for this call: only a workload
	 * filter did. Linux with no tracer: skipped, -ENOSYS. */
	SC_STOP_FOREIGN,
	/* Ours returned TRACE, but so did a newer (workload) filter, whose
	 * data is not ours: the workload asked for a tracer it does not
	 * have. Skipped, -ENOSYS. */
	SC_STOP_WORKLOAD,
	SC_STOP_EMULATE,	/* ours: TRACE(SC_TRACE_EMULATE) */
	SC_STOP_HANDLE,		/* ours: TRACE(SC_TRACE_HANDLE) */
	SC_STOP_STRACE,		/* ours: TRACE(SC_TRACE_STRACE) */
	SC_STOP_OBSERVE,	/* ours: TRACE(SC_TRACE_OBSERVE) */
};

/*
 * ours: what sc_filter_eval() gave for the stop's seccomp_data; data: the
 * stop's SECCOMP_RET_DATA. The handler (EMULATE..OBSERVE) comes from ours
 * only; data can only turn one of our stops into SC_STOP_WORKLOAD (a
 * refusal the workload could have had with its own ERRNO(ENOSYS)).
 */
enum sc_stop sc_stop_classify(uint32_t ours, uint32_t data,
			      const struct sc_filter_opts *opts);
const char *sc_stop_name(enum sc_stop s);

/* A random tag for a new sandbox's filters (1..SC_TRACE_TAG_MAX). */
uint16_t sc_trace_tag_new(void);

#endif
