/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one table of every x86_64 syscall and its disposition (table.def).
 * The BPF filters, the --strace names and argument formats and
 * docs/syscalls.md are all generated from it.
 *
 *   PASS         the host kernel runs it; the filter may constrain scalar
 *                arguments (rules in filter.c, keyed by the row)
 *   EMULATE      the filter sends it to the sentry, whose handler runs it
 *   DENY(errno)  refused in BPF
 * A number not in the table is DENY(ENOSYS).
 */
#ifndef CV_SYSCALLS_TABLE_H
#define CV_SYSCALLS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sc_disp {
	SC_PASS,
	SC_EMULATE,
	SC_DENY,
};

/* How --strace prints an argument or a result. */
enum sc_argfmt {
	SC_A_NONE = 0,	/* no such argument */
	SC_A_INT,	/* signed decimal */
	SC_A_UINT,	/* unsigned decimal */
	SC_A_HEX,	/* 0x... */
	SC_A_FD,	/* fd number, AT_FDCWD named */
	SC_A_PATH,	/* NUL-terminated path in workload memory */
	SC_A_STR,	/* other string */
	SC_A_BUF,	/* buffer whose length is the next argument */
	SC_A_PTR,	/* opaque pointer */
	SC_A_MODE,	/* octal */
	SC_A_OPENFLAGS,	/* O_* */
	SC_A_ATFLAGS,	/* AT_* */
	SC_A_SIGNAL,	/* SIG* */
	SC_A_CLONEFLAGS,
	SC_A_ARGV,	/* char *const[] */
};

struct sc_entry {
	int nr;
	const char *name;
	enum sc_disp disp;
	int err;		/* errno for SC_DENY */
	uint8_t nargs;
	enum sc_argfmt args[6];
	enum sc_argfmt ret;
	unsigned flags;		/* SC_F_* */
	const char *note;	/* why this disposition, for the docs */
};

/* An EMULATE row the filter always sends as SECCOMP_RET_TRACE, on both
 * platforms: the sentry handles it at the ptrace stop (it must rewrite the
 * call, e.g. execve's path, or observe its result, e.g. setuid). */
#define SC_F_TRACE 0x1
/* Scalar-argument rules in filter.c refine this row. */
#define SC_F_RULES 0x2

/*
 * SECCOMP_RET_DATA of the SECCOMP_RET_TRACE actions of our filter:
 * SC_TRACE_DATA(opts.tag, purpose). The sentry never trusts it: a filter
 * of the workload's can return any data, and on a tie the newest filter's
 * data is what the tracer sees. The sentry recomputes what our filter
 * returned (filter_eval.h); the data only tells it that a workload filter
 * also returned TRACE (then the call fails with ENOSYS, as with no
 * tracer). The tag is drawn per sandbox so that such a filter, not
 * knowing it, is never taken for ours.
 */
#define SC_TRACE_EMULATE 1	/* an EMULATE row on the ptrace platform */
#define SC_TRACE_HANDLE 2	/* an SC_F_TRACE row: handled at the stop */
#define SC_TRACE_STRACE 3	/* a PASS call reported for --strace */
/* A PASS call that changes credentials the sentry tracks (prctl
 * PR_CAPBSET_DROP, PR_CAP_AMBIENT): let it run, re-read them at exit. */
#define SC_TRACE_OBSERVE 4
#define SC_TRACE_PURPOSE(data) ((data) & 0x7u)
#define SC_TRACE_TAG_MAX 0x1fffu
#define SC_TRACE_DATA(tag, purpose)                                        \
	((uint16_t)((((tag) & SC_TRACE_TAG_MAX) << 3) | (purpose)))

/* Highest syscall number in the table. */
#define SC_NR_MAX 469

/* Rows sorted by number; sc_lookup is O(1). */
extern const struct sc_entry sc_table[];
extern const size_t sc_table_len;
const struct sc_entry *sc_lookup(long nr);		/* NULL: not in table */
const struct sc_entry *sc_lookup_name(const char *name);
/* "PASS", "EMULATE", "DENY". */
const char *sc_disp_name(enum sc_disp d);
/* "EPERM", "ENOSYS", ... for the errnos the table uses; NULL otherwise. */
const char *sc_errno_name(int err);

enum sc_filter_mode {
	SC_FILTER_NOTIFY,	/* seccomp platform: EMULATE -> USER_NOTIF */
	SC_FILTER_TRACE,	/* ptrace platform:  EMULATE -> TRACE */
};

struct sc_filter_opts {
	enum sc_filter_mode mode;
	bool strace;		/* also report PASS calls to the sentry */
	uint16_t tag;		/* of our TRACE data (SC_TRACE_DATA) */
	/* SC_FILTER_NOTIFY: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (Linux
	 * 5.19): once the sentry has received a call, only a fatal signal
	 * ends the task's wait for the reply. */
	bool wait_killable;
};

/*
 * Installs the workload's interception filter in the calling thread (the
 * caller has set no_new_privs). execve/execveat always get RET_TRACE so the
 * sentry (the tracer) can rewrite the path. Returns the listener fd for
 * SC_FILTER_NOTIFY, 0 for SC_FILTER_TRACE, or -errno.
 */
int sc_install_filter(const struct sc_filter_opts *opts);

/* Writes the BPF program (for tests and "runsc syscalls --bpf"). */
int sc_export_bpf(const struct sc_filter_opts *opts, int fd);

enum sc_print_format {
	SC_PRINT_TEXT,
	SC_PRINT_MARKDOWN,	/* docs/syscalls.md */
	SC_PRINT_JSON,
};

/* The table with counts per disposition. */
int sc_print_table(FILE *out, enum sc_print_format fmt);

#endif
