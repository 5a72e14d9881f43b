/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Core dumps made by the sentry (sentry/coredump.c), never by the host
 * kernel: the ELF core file of a task about to die of a core-dumping
 * signal, written into its cwd through the gofer, and the WCOREDUMP bit
 * (CLD_DUMPED) its parent's wait4/waitid then shows.
 */
#ifndef CV_SENTRY_COREDUMP_H
#define CV_SENTRY_COREDUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct plat_call;
struct sentry;
struct task;

/* The sandbox's /proc/sys/kernel/core_pattern (sentry/procfs.c shows the
 * same text). */
#define CV_CORE_PATTERN "core"

/*
 * At t's signal-delivery stop, before it is resumed with sig: if sig's
 * default action is to dump core and t's process takes it so (no handler,
 * not ignored), its RLIMIT_CORE allows one and it is dumpable, writes the
 * core file and records the process as dumped for its parent's wait.
 */
void coredump_on_signal(struct sentry *s, struct task *t, int sig);

/*
 * At t's signal-delivery stop for sig, before anyone else sees it: the
 * parent's SIGCHLD for a child the sentry dumped says CLD_DUMPED
 * (PTRACE_SETSIGINFO), not the kernel's CLD_KILLED.
 */
void coredump_on_sigchld(struct task *t, int sig);

/*
 * At an observe stop (pc): for a seccomp(SECCOMP_SET_MODE_FILTER) or
 * prctl(PR_SET_SECCOMP), sets PTRACE_O_TRACEEXIT on t (its exit stop is
 * where a filter's kill gets its dump), lets the call run and returns
 * true; false for any other call.
 */
bool coredump_on_filter(struct sentry *s, struct task *t,
			struct plat_call *pc);
/*
 * At t's exit stop: if a seccomp filter killed it (SIGSYS, its status
 * "Seccomp: 3"), and so its process (SECCOMP_RET_KILL_PROCESS, or
 * KILL_THREAD in the last thread), dumps core as Linux does then.
 */
void coredump_on_exit(struct sentry *s, struct task *t);

/* Whether a wait4/waitid may report a dumped process: watch its exit. */
bool coredump_pending(void);
/* At the exit stop of a watched wait4, waitid or rt_sigtimedwait (nr,
 * args) of t that returned ret: wait4's status word gets WCOREDUMP,
 * waitid's si_code CLD_KILLED becomes CLD_DUMPED, for a dumped process;
 * so does the siginfo of a SIGCHLD rt_sigtimedwait took for one. */
void coredump_fix_wait(struct task *t, long nr, const uint64_t args[6],
		       long ret);
/* A new process has the sandbox pid pid: a record of an older one (reaped
 * unseen, by an auto-reaping parent) is stale. */
void coredump_forget(pid_t pid);

#endif
