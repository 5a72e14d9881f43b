// SPDX-License-Identifier: Apache-2.0
/*
 * The workload's interception filter, generated from sc_table with
 * libseccomp.
 *
 * TRACE(p) below is SECCOMP_RET_TRACE with SC_TRACE_DATA(opts->tag, p).
 *
 *   PASS            ALLOW (--strace: TRACE(SC_TRACE_STRACE) on both
 *                   platforms; the sentry logs the call at its
 *                   syscall-exit stop, with its result and duration)
 *   EMULATE         NOTIFY (seccomp platform) or TRACE(SC_TRACE_EMULATE)
 *   EMULATE+TRACE   TRACE(SC_TRACE_HANDLE) on both platforms
 *   DENY(e)         ERRNO(e)
 *   not in table    ERRNO(ENOSYS) (the filter's default action)
 *   i386, x32       ERRNO(ENOSYS) (libseccomp's bad-architecture action and
 *                   its x32 check: only AUDIT_ARCH_X86_64 numbers below
 *                   0x40000000 reach the per-syscall rules)
 *
 * Rows flagged SC_F_RULES get scalar-argument rules from the functions
 * below. How libseccomp combines several rules of one syscall is not
 * specified by its API, so every rule set here has the same shape, which
 * tests/unit/test_syscalls.c checks against the kernel: specific rules
 * compare one argument (and maybe later ones) for equality, and one
 * catch-all rule "argument >= 0" on the same first argument carries the
 * syscall's own refusal. libseccomp orders equality tests before range
 * tests within a level, so the catch-all is reached only when no specific
 * rule matched. Integer arguments are compared on their low 32 bits (the
 * kernel ignores the high half of an int); pointers on all 64.
 */
#include <errno.h>
#include <linux/futex.h>
#include <linux/netlink.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <linux/filter.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "syscalls/table.h"

#define ACT_DEFAULT SCMP_ACT_ERRNO(ENOSYS)
/* i386 (int 0x80) and any other non-native ABI. */
#define ACT_BADARCH SCMP_ACT_ERRNO(ENOSYS)

struct filter {
	scmp_filter_ctx ctx;
	const struct sc_filter_opts *opts;
	const struct sc_entry *row;	/* the row rules are being added for */
};

/* What a rule does when it matches. */
enum rule_act {
	R_PASS,		/* the row's PASS action (ALLOW, or reported) */
	R_EMULATE,	/* the row's EMULATE action */
	R_OBSERVE,	/* TRACE(SC_TRACE_OBSERVE) */
	R_HANDLE,	/* TRACE(SC_TRACE_HANDLE): the row's handler at a ptrace
			 * stop, on both platforms (it injects syscalls) */
	R_ERRNO,
};

#define LO32(a, v)                                                        \
	((struct scmp_arg_cmp){ .arg = (a), .op = SCMP_CMP_MASKED_EQ,      \
				.datum_a = 0xffffffffULL, .datum_b = (v) })
#define MASKED(a, m, v)                                                   \
	((struct scmp_arg_cmp){ .arg = (a), .op = SCMP_CMP_MASKED_EQ,      \
				.datum_a = (m), .datum_b = (v) })
#define EQ64(a, v)                                                        \
	((struct scmp_arg_cmp){ .arg = (a), .op = SCMP_CMP_EQ,             \
				.datum_a = (v) })
#define ANY(a)                                                            \
	((struct scmp_arg_cmp){ .arg = (a), .op = SCMP_CMP_GE, .datum_a = 0 })
#define NE64(a, v)                                                        \
	((struct scmp_arg_cmp){ .arg = (a), .op = SCMP_CMP_NE,             \
				.datum_a = (v) })

/*
 * --strace reports PASS calls as a ptrace stop, never as a notification:
 * the sentry injects syscalls into stopped tasks and waits for them
 * synchronously (fd installation, the comm after exec); an injected PASS
 * call that waited for a notification reply would deadlock the sentry,
 * while a RET_TRACE stop is passed over by the injection's own wait. The
 * stop also gives the call's result at the syscall-exit stop, and the
 * kernel runs the call exactly as without --strace.
 */
static uint32_t pass_action(const struct sc_filter_opts *o)
{
	if (!o->strace)
		return SCMP_ACT_ALLOW;
	return SCMP_ACT_TRACE(SC_TRACE_DATA(o->tag, SC_TRACE_STRACE));
}

static uint32_t emulate_action(const struct sc_filter_opts *o,
			       const struct sc_entry *e)
{
	if (e->flags & SC_F_TRACE)
		return SCMP_ACT_TRACE(SC_TRACE_DATA(o->tag, SC_TRACE_HANDLE));
	if (o->mode == SC_FILTER_NOTIFY)
		return SCMP_ACT_NOTIFY;
	return SCMP_ACT_TRACE(SC_TRACE_DATA(o->tag, SC_TRACE_EMULATE));
}

static uint32_t rule_action(const struct filter *f, enum rule_act act, int err)
{
	switch (act) {
	case R_PASS:
		return pass_action(f->opts);
	case R_EMULATE:
		return emulate_action(f->opts, f->row);
	case R_OBSERVE:
		return SCMP_ACT_TRACE(
			SC_TRACE_DATA(f->opts->tag, SC_TRACE_OBSERVE));
	case R_HANDLE:
		return SCMP_ACT_TRACE(
			SC_TRACE_DATA(f->opts->tag, SC_TRACE_HANDLE));
	case R_ERRNO:
		break;
	}
	return SCMP_ACT_ERRNO(err);
}

/* One rule of the current row; returns 0 or -errno. */
static int add(struct filter *f, enum rule_act act, int err, unsigned n,
	       const struct scmp_arg_cmp *cmp)
{
	uint32_t action = rule_action(f, act, err);

	/* libseccomp refuses rules that repeat the default action; such a
	 * rule is what the filter does anyway. */
	if (action == ACT_DEFAULT)
		return 0;
	return seccomp_rule_add_exact_array(f->ctx, action, f->row->nr, n, cmp);
}

#define ADD(f, act, err, ...)                                             \
	add((f), (act), (err),                                            \
	    ARRAY_SIZE(((struct scmp_arg_cmp[]){ __VA_ARGS__ })),          \
	    (struct scmp_arg_cmp[]){ __VA_ARGS__ })

/* ALLOW for each value of a 32-bit argument, else err. */
static int allow_values(struct filter *f, unsigned arg, const uint32_t *v,
			size_t n, int err)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		r = ADD(f, R_PASS, 0, LO32(arg, v[i]));
		if (r < 0)
			return r;
	}
	return ADD(f, R_ERRNO, err, ANY(arg));
}

/* The termios2 requests; glibc's headers do not define struct termios2. */
#define TCGETS_2 _IOR('T', 0x2A, char[44])
#define TCSETS_2 _IOW('T', 0x2B, char[44])
#define TCSETSW_2 _IOW('T', 0x2C, char[44])
#define TCSETSF_2 _IOW('T', 0x2D, char[44])

static int rules_ioctl(struct filter *f)
{
	static const uint32_t ok[] = {
		/* terminals */
		TCGETS, TCSETS, TCSETSW, TCSETSF, TCGETA, TCSETA, TCSETAW,
		TCSETAF, TCGETS_2, TCSETS_2, TCSETSW_2, TCSETSF_2, TCSBRK, TCSBRKP,
		TCXONC, TCFLSH, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP,
		TIOCSCTTY, TIOCNOTTY, TIOCGSID, TIOCOUTQ, TIOCINQ, TIOCGETD,
		TIOCGPTN, TIOCSPTLCK, TIOCGPTPEER, TIOCGPTLCK,
		/* any fd */
		FIONBIO, FIOCLEX, FIONCLEX, FIOASYNC,
		/* a socket's SIGIO owner: F_GETOWN/F_SETOWN's (fcntl is
		 * PASS), a pid in the workload's own pid namespace */
		FIOGETOWN, FIOSETOWN, SIOCGPGRP, SIOCSPGRP,
		/* sockets: interface queries, no changes */
		SIOCGIFCONF, SIOCGIFFLAGS, SIOCGIFINDEX, SIOCGIFNAME,
		SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFMTU, SIOCGIFHWADDR,
		SIOCGIFBRDADDR, SIOCGIFDSTADDR, SIOCGIFMETRIC, SIOCGIFTXQLEN,
		SIOCGIFMAP, SIOCATMARK,
		/* /dev/urandom */
		RNDGETENTCNT,
	};
	int r;

	_Static_assert(FIONREAD == TIOCINQ, "FIONREAD is TIOCINQ");
	/* Typing into another session's terminal, console control. */
	r = ADD(f, R_ERRNO, EPERM, LO32(1, TIOCSTI));
	if (r == 0)
		r = ADD(f, R_ERRNO, EPERM, LO32(1, TIOCLINUX));
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		r = ADD(f, R_PASS, 0, LO32(1, ok[i]));
		if (r < 0)
			return r;
	}
	/* The rest ENOTTY, or EBADF on an fd that is not open or is
	 * O_PATH, which only the sentry can tell (sentry/ioctl.c). */
	return ADD(f, R_HANDLE, 0, ANY(1));
}

#define SOCK_TYPE_MASK 0xf

/* The (family, type, protocol) triples of inet sockets a container uses:
 * TCP, UDP and ping sockets, protocol 0 meaning the same. */
static const struct {
	int domain, type, proto;
} inet_ok[] = {
	{ AF_INET, SOCK_STREAM, 0 },	   { AF_INET, SOCK_STREAM, IPPROTO_TCP },
	{ AF_INET, SOCK_DGRAM, 0 },	   { AF_INET, SOCK_DGRAM, IPPROTO_UDP },
	{ AF_INET, SOCK_DGRAM, IPPROTO_ICMP },
	{ AF_INET6, SOCK_STREAM, 0 },	   { AF_INET6, SOCK_STREAM, IPPROTO_TCP },
	{ AF_INET6, SOCK_DGRAM, 0 },	   { AF_INET6, SOCK_DGRAM, IPPROTO_UDP },
	{ AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6 },
};

/*
 * inet: the triples above pass. AF_UNIX passes whatever the type and
 * protocol: unix_create() refuses what it does not know and reaches
 * nothing else. Netlink: routing only (SOCK_RAW and SOCK_DGRAM are the
 * same), traced to the sentry, which has the task create it with
 * CAP_NET_ADMIN out of its effective set (sentry/socket_netlink.c): the
 * kernel then refuses every rtnetlink change (links, addresses, routes,
 * qdiscs, filters) sent on it, whoever sends, while the dumps (RTM_GET*)
 * work. Everything else is traced to the sentry too, which refuses it
 * with the errno Linux gives for those arguments, or for a family or
 * protocol the sandbox does not offer the errno of a kernel without it
 * (sentry/socket.c, sock_refusal(): MPTCP, SCTP, UDP-Lite...
 * EPROTONOSUPPORT, SOCK_SEQPACKET ESOCKTNOSUPPORT, raw and packet
 * sockets EPERM, other families EAFNOSUPPORT). The kernel creates none
 * of those sockets.
 */
static int rules_socket(struct filter *f)
{
	static const int nl_types[] = { SOCK_RAW, SOCK_DGRAM };
	int r = ADD(f, R_PASS, 0, LO32(0, AF_UNIX));

	for (size_t i = 0; i < ARRAY_SIZE(inet_ok) && r == 0; i++)
		r = ADD(f, R_PASS, 0, LO32(0, inet_ok[i].domain),
			MASKED(1, SOCK_TYPE_MASK, inet_ok[i].type),
			LO32(2, inet_ok[i].proto));
	for (size_t t = 0; t < ARRAY_SIZE(nl_types) && r == 0; t++)
		r = ADD(f, R_HANDLE, 0, LO32(0, AF_NETLINK),
			MASKED(1, SOCK_TYPE_MASK, nl_types[t]),
			LO32(2, NETLINK_ROUTE));
	if (r == 0)
		r = ADD(f, R_HANDLE, 0, ANY(0));
	return r;
}

/* AF_UNIX passes; any other family's errno is the sentry's, as for
 * socket() (an inet pair is EOPNOTSUPP once the socket could be made). */
static int rules_socketpair(struct filter *f)
{
	int r = ADD(f, R_PASS, 0, LO32(0, AF_UNIX));

	if (r < 0)
		return r;
	return ADD(f, R_HANDLE, 0, ANY(0));
}

/*
 * clone(2) takes its flags in the low 32 bits of arg 0 (the low byte is
 * the exit signal: CLONE_NEWTIME's bit is only a flag for clone3, whose
 * flags the sentry checks: sentry/clone3.c, which runs it as a clone
 * these rules see again). CLONE_UNTRACED would let the child escape the
 * sentry's ptrace process tracking.
 */
#define CLONE_DENIED                                                      \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |     \
	 CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_UNTRACED)

static int rules_clone(struct filter *f)
{
	int r = ADD(f, R_PASS, 0, MASKED(0, CLONE_DENIED, 0));

	if (r < 0)
		return r;
	return ADD(f, R_ERRNO, EPERM, ANY(0));
}

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#endif

static int rules_prctl(struct filter *f)
{
	static const uint32_t ok[] = {
		PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_GET_DUMPABLE,
		PR_GET_KEEPCAPS, PR_SET_KEEPCAPS,
		PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP,
		PR_CAPBSET_READ, PR_GET_SECUREBITS, PR_SET_TIMERSLACK,
		PR_GET_TIMERSLACK, PR_MCE_KILL_GET, PR_SET_CHILD_SUBREAPER,
		PR_GET_CHILD_SUBREAPER, PR_GET_TID_ADDRESS, PR_SET_THP_DISABLE,
		PR_GET_THP_DISABLE, PR_GET_SPECULATION_CTRL,
		PR_SET_SPECULATION_CTRL, PR_SET_VMA,
		/* rdtsc faulting in the task itself */
		PR_GET_TSC, PR_SET_TSC,
	};
	int r;

	/* Capability changes the sentry must see to keep creds exact. */
	r = ADD(f, R_OBSERVE, 0, LO32(0, PR_CAPBSET_DROP));
	/* whether the process may dump core (sentry/coredump.c) */
	if (r == 0)
		r = ADD(f, R_OBSERVE, 0, LO32(0, PR_SET_DUMPABLE));
	if (r == 0)
		r = ADD(f, R_OBSERVE, 0, LO32(0, PR_CAP_AMBIENT));
	/* a filter of the workload's, as seccomp(2)'s (rules_seccomp) */
	if (r == 0)
		r = ADD(f, R_OBSERVE, 0, LO32(0, PR_SET_SECCOMP));
	/* securebits (the kernel checks CAP_SETPCAP and the locks): what
	 * they change shows in the capabilities the sentry reads after
	 * each credential call */
	if (r == 0)
		r = ADD(f, R_OBSERVE, 0, LO32(0, PR_SET_SECUREBITS));
	/* The kernel's flag is the workload's (the config's, then its
	 * own): the kernel sets it, the sentry keeps its record (set-id
	 * exec, sentry/exec.c) and answers the query from it. */
	if (r == 0)
		r = ADD(f, R_EMULATE, 0, LO32(0, PR_GET_NO_NEW_PRIVS));
	if (r == 0)
		r = ADD(f, R_OBSERVE, 0, LO32(0, PR_SET_NO_NEW_PRIVS));
	/* its checks and MAP_SIZE; the rest EPERM (sentry/identity.c) */
	if (r == 0)
		r = ADD(f, R_EMULATE, 0, LO32(0, PR_SET_MM));
	if (r < 0)
		return r;
	return allow_values(f, 0, ok, ARRAY_SIZE(ok), EINVAL);
}

/*
 * Allowed operations: WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP,
 * WAIT_BITSET and WAKE_BITSET, with FUTEX_PRIVATE_FLAG and
 * FUTEX_CLOCK_REALTIME ignored. The priority-inheritance operations
 * (LOCK_PI, UNLOCK_PI, TRYLOCK_PI, WAIT_REQUEUE_PI, CMP_REQUEUE_PI,
 * LOCK_PI2: rt_mutex code with a history of exploited bugs, CVE-2014-3153)
 * and the removed FUTEX_FD get ENOSYS, as from a kernel without
 * CONFIG_FUTEX_PI: glibc checks for that and refuses PTHREAD_PRIO_INHERIT
 * mutexes with ENOTSUP; its other mutexes, condition variables and
 * robust lists do not use them. futex is hot: WAIT/WAKE and
 * CMP_REQUEUE/WAKE_OP are one test each with bit 0 masked out
 * (libseccomp tests values in descending order, so the common WAIT/WAKE
 * pair comes last; fewer tests keep it near native).
 */
static int rules_futex(struct filter *f)
{
	static const uint32_t pairs[] = {
		FUTEX_WAIT,		/* and FUTEX_WAKE */
		FUTEX_CMP_REQUEUE,	/* and FUTEX_WAKE_OP */
	};
	static const uint32_t singles[] = {
		FUTEX_REQUEUE, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET,
	};
	const uint64_t op = 0xffffffffULL & ~(uint64_t)(FUTEX_PRIVATE_FLAG |
							FUTEX_CLOCK_REALTIME);
	int r;

	_Static_assert(FUTEX_WAKE == FUTEX_WAIT + 1 &&
			       FUTEX_WAKE_OP == FUTEX_CMP_REQUEUE + 1 &&
			       FUTEX_WAIT % 2 == 0 &&
			       FUTEX_CMP_REQUEUE % 2 == 0,
		       "futex operation pairs");
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		r = ADD(f, R_PASS, 0, MASKED(1, op & ~1ULL, pairs[i]));
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ARRAY_SIZE(singles); i++) {
		r = ADD(f, R_PASS, 0, MASKED(1, op, singles[i]));
		if (r < 0)
			return r;
	}
	return ADD(f, R_ERRNO, ENOSYS, ANY(1));
}

static int rules_madvise(struct filter *f)
{
	static const uint32_t ok[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
		MADV_DONTNEED, MADV_FREE, MADV_REMOVE, MADV_DONTFORK,
		MADV_DOFORK, MADV_UNMERGEABLE, MADV_HUGEPAGE,
		MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP, MADV_WIPEONFORK,
		MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT,
		22 /* POPULATE_READ */, 23 /* POPULATE_WRITE */,
		24 /* DONTNEED_LOCKED */, 25 /* COLLAPSE */,
		102 /* GUARD_INSTALL */, 103 /* GUARD_REMOVE */,
	};
	int r;

	/* Memory-failure injection. MADV_MERGEABLE (KSM sharing across
	 * sandboxes is a timing side channel) falls to EINVAL. */
	r = ADD(f, R_ERRNO, EPERM, LO32(2, MADV_HWPOISON));
	if (r == 0)
		r = ADD(f, R_ERRNO, EPERM, LO32(2, 101 /* SOFT_OFFLINE */));
	if (r < 0)
		return r;
	return allow_values(f, 2, ok, ARRAY_SIZE(ok), EINVAL);
}

/*
 * Any execution domain (on x86_64 only PER_LINUX32 changes anything: the
 * machine uname shows) and the flags that change how the task's own calls
 * behave (SHORT_INODE, WHOLE_SECONDS, STICKY_TIMEOUTS, ADDR_NO_RANDOMIZE,
 * UNAME26). Refused with EINVAL: the flags that change how exec lays out
 * memory (MMAP_PAGE_ZERO maps page 0, READ_IMPLIES_EXEC makes readable
 * mappings executable, the legacy layouts and address limits).
 */
#define PERSONALITY_DENIED                                                \
	(MMAP_PAGE_ZERO | READ_IMPLIES_EXEC | ADDR_COMPAT_LAYOUT |          \
	 ADDR_LIMIT_32BIT | ADDR_LIMIT_3GB | FDPIC_FUNCPTRS)

static int rules_personality(struct filter *f)
{
	int r = ADD(f, R_PASS, 0, LO32(0, 0xffffffff));	/* query */

	if (r == 0)
		r = ADD(f, R_PASS, 0, MASKED(0, PERSONALITY_DENIED, 0));
	if (r < 0)
		return r;
	return ADD(f, R_ERRNO, EINVAL, ANY(0));
}

/*
 * A workload may stack its own filters, but may not create a listener: its
 * USER_NOTIF outranks our TRACE (ptrace platform: every EMULATE call) and,
 * being newer, wins a tie with our USER_NOTIF (seccomp platform), so its
 * listener would get our calls and could let the kernel run them
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE). EBUSY on both platforms: what Linux
 * gives when the filter tree already has a listener, as it has on the
 * seccomp platform (has_duplicate_listener()).
 */
static int rules_seccomp(struct filter *f)
{
	static const uint32_t ok[] = {
		SECCOMP_SET_MODE_STRICT, SECCOMP_GET_ACTION_AVAIL,
		SECCOMP_GET_NOTIF_SIZES,
	};
	int r;

	/* observed: a process with filters of its own stops at its exit,
	 * where the sentry dumps core for one they killed (coredump.c) */
	r = ADD(f, R_OBSERVE, 0, LO32(0, SECCOMP_SET_MODE_FILTER),
		MASKED(1, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0));
	if (r == 0)
		r = ADD(f, R_ERRNO, EBUSY, LO32(0, SECCOMP_SET_MODE_FILTER),
			MASKED(1, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			       SECCOMP_FILTER_FLAG_NEW_LISTENER));
	if (r < 0)
		return r;
	return allow_values(f, 0, ok, ARRAY_SIZE(ok), EINVAL);
}

/*
 * setsockopt options refused as by a kernel without them (ENOPROTOOPT):
 *  - legacy netfilter table replacement on any inet socket (CAP_NET_ADMIN
 *    in the network namespace's user namespace): a large, bug-prone
 *    parser (nf_tables is reached through NETLINK_NETFILTER, which
 *    socket() refuses), IPVS likewise;
 *  - socket filters (SO_ATTACH_FILTER, SO_ATTACH_BPF, the reuseport
 *    ones): classic BPF programs the workload writes, run through the
 *    kernel's verifier and JIT on every packet;
 *  - TCP_ULP (kTLS, espintcp: upper-layer protocol modules), TCP_REPAIR
 *    and its queue/sequence/options/window settings (checkpoint/restore
 *    with CAP_NET_ADMIN, rewriting a live connection's state), and
 *    IPV6_ADDRFORM (turns an IPv6 socket into an IPv4 one in place).
 */
static int rules_setsockopt(struct filter *f)
{
	static const struct {
		int level, opt;
	} refused[] = {
		{ SOL_IP, 64 },	   /* IPT_SO_SET_REPLACE */
		{ SOL_IP, 65 },	   /* IPT_SO_SET_ADD_COUNTERS */
		{ SOL_IP, 96 },	   /* ARPT_SO_SET_REPLACE */
		{ SOL_IP, 97 },	   /* ARPT_SO_SET_ADD_COUNTERS */
		{ SOL_IP, 128 },   /* EBT_SO_SET_ENTRIES */
		{ SOL_IP, 129 },   /* EBT_SO_SET_COUNTERS */
		{ SOL_IPV6, 64 },  /* IP6T_SO_SET_REPLACE */
		{ SOL_IPV6, 65 },  /* IP6T_SO_SET_ADD_COUNTERS */
		{ SOL_IPV6, 1 },   /* IPV6_ADDRFORM */
		{ SOL_SOCKET, 26 }, /* SO_ATTACH_FILTER */
		{ SOL_SOCKET, 50 }, /* SO_ATTACH_BPF */
		{ SOL_SOCKET, 51 }, /* SO_ATTACH_REUSEPORT_CBPF */
		{ SOL_SOCKET, 52 }, /* SO_ATTACH_REUSEPORT_EBPF */
		{ IPPROTO_TCP, 19 },   /* TCP_REPAIR */
		{ IPPROTO_TCP, 20 },   /* TCP_REPAIR_QUEUE */
		{ IPPROTO_TCP, 21 },   /* TCP_QUEUE_SEQ */
		{ IPPROTO_TCP, 22 },   /* TCP_REPAIR_OPTIONS */
		{ IPPROTO_TCP, 29 },   /* TCP_REPAIR_WINDOW */
		{ IPPROTO_TCP, 31 },   /* TCP_ULP */
	};
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(refused) && r == 0; i++)
		r = ADD(f, R_ERRNO, ENOPROTOOPT, LO32(1, refused[i].level),
			LO32(2, refused[i].opt));
	/* IP_VS_SO_SET_NONE .. IP_VS_SO_SET_ZERO */
	for (int opt = 1152; opt <= 1167 && r == 0; opt++)
		r = ADD(f, R_ERRNO, ENOPROTOOPT, LO32(1, SOL_IP), LO32(2, opt));
	if (r == 0)
		r = ADD(f, R_PASS, 0, ANY(1));
	return r;
}

/*
 * I/O priorities: the real-time class (which the kernel grants with
 * CAP_SYS_ADMIN or CAP_SYS_NICE) would let the workload starve the
 * host's other I/O on a shared disk; refused with the EPERM Linux gives
 * without those capabilities. Best-effort and idle stay.
 */
#define IOPRIO_CLASS_MASK (7u << 13)
#define IOPRIO_RT (1u << 13)

static int rules_ioprio_set(struct filter *f)
{
	int r = ADD(f, R_ERRNO, EPERM, MASKED(2, IOPRIO_CLASS_MASK, IOPRIO_RT));

	if (r < 0)
		return r;
	return ADD(f, R_PASS, 0, ANY(2));
}

/*
 * CPU scheduling policies (table.def says why real-time ones are refused),
 * SCHED_RESET_ON_FORK ignored: EPERM as without CAP_SYS_NICE and
 * RLIMIT_RTPRIO; unknown policies (SCHED_DEADLINE: sched_setattr only)
 * EINVAL, the kernel's answer.
 */
static int rules_sched_setscheduler(struct filter *f)
{
	static const uint32_t ok[] = { SCHED_OTHER, SCHED_BATCH, SCHED_IDLE };
	const uint64_t pol = 0xffffffffULL & ~(uint64_t)SCHED_RESET_ON_FORK;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ok) && r == 0; i++)
		r = ADD(f, R_PASS, 0, MASKED(1, pol, ok[i]));
	if (r == 0)
		r = ADD(f, R_ERRNO, EPERM, MASKED(1, pol, SCHED_FIFO));
	if (r == 0)
		r = ADD(f, R_ERRNO, EPERM, MASKED(1, pol, SCHED_RR));
	if (r == 0)
		r = ADD(f, R_ERRNO, EINVAL, ANY(1));
	return r;
}

/*
 * mq_notify(mqd, NULL) only removes a registration. A sigevent is in
 * workload memory, and with SIGEV_THREAD it names a netlink socket the
 * kernel attaches to the queue (CVE-2017-11176): not decidable in BPF,
 * so any registration is refused with ENOSYS (the C library reports it).
 */
static int rules_mq_notify(struct filter *f)
{
	int r = ADD(f, R_PASS, 0, EQ64(1, 0));

	if (r < 0)
		return r;
	return ADD(f, R_ERRNO, ENOSYS, ANY(1));
}

/* sendto with a NULL address names no path: the host runs it. */
static int rules_sendto(struct filter *f)
{
	int r = ADD(f, R_PASS, 0, EQ64(4, 0));

	if (r < 0)
		return r;
	return ADD(f, R_EMULATE, 0, ANY(4));
}

/* lseek: SEEK_SET and SEEK_CUR are the kernel's; SEEK_END, SEEK_DATA and
 * SEEK_HOLE of a virtual /proc or /sys file differ from the tmpfs file
 * behind it (sentry/synth_seek.c). */
static int rules_lseek(struct filter *f)
{
	int r = ADD(f, R_PASS, 0, LO32(2, SEEK_SET));

	if (r == 0)
		r = ADD(f, R_PASS, 0, LO32(2, SEEK_CUR));
	if (r == 0)
		r = ADD(f, R_EMULATE, 0, ANY(2));
	return r;
}

/* rt_sigtimedwait with a siginfo to fill (sigwaitinfo, sigtimedwait; not
 * sigwait's NULL): observed, the siginfo of a SIGCHLD from a child the
 * sentry dumped is rewritten at its exit (sentry/sigwait.c). */
static int rules_rt_sigtimedwait(struct filter *f)
{
	int r = ADD(f, R_PASS, 0, EQ64(1, 0));

	if (r < 0)
		return r;
	return ADD(f, R_OBSERVE, 0, NE64(1, 0));
}

/* pidfd_send_signal: traced, for a /proc/<pid> directory fd, which is the
 * sentry's (sentry/pidfd.c); the kernel runs every other call. */
static int rules_pidfd_send_signal(struct filter *f)
{
	return ADD(f, R_HANDLE, 0, ANY(0));
}

static const struct {
	const char *name;
	int (*fn)(struct filter *f);
} rule_sets[] = {
	{ "ioctl", rules_ioctl },	  { "socket", rules_socket },
	{ "socketpair", rules_socketpair }, { "clone", rules_clone },
	{ "prctl", rules_prctl },	  { "futex", rules_futex },
	{ "madvise", rules_madvise },	  { "personality", rules_personality },
	{ "seccomp", rules_seccomp },	  { "sendto", rules_sendto },
	{ "setsockopt", rules_setsockopt }, { "ioprio_set", rules_ioprio_set },
	{ "mq_notify", rules_mq_notify },   { "lseek", rules_lseek },
	{ "pidfd_send_signal", rules_pidfd_send_signal },
	{ "rt_sigtimedwait", rules_rt_sigtimedwait },
	{ "sched_setscheduler", rules_sched_setscheduler },
};

static int add_rules(struct filter *f)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_sets); i++) {
		if (strcmp(rule_sets[i].name, f->row->name) == 0)
			return rule_sets[i].fn(f);
	}
	return -ENOENT;		/* an SC_F_RULES row without rules */
}

static int add_row(struct filter *f, const struct sc_entry *e)
{
	uint32_t action;

	f->row = e;
	if (e->flags & SC_F_RULES)
		return add_rules(f);
	switch (e->disp) {
	case SC_PASS:
		action = pass_action(f->opts);
		break;
	case SC_EMULATE:
		action = emulate_action(f->opts, e);
		break;
	case SC_DENY:
	default:
		action = SCMP_ACT_ERRNO(e->err);
		break;
	}
	if (action == ACT_DEFAULT)
		return 0;
	return seccomp_rule_add_exact(f->ctx, action, e->nr, 0);
}

/*
 * Calls that dominate real workloads: a hint to libseccomp, which (with
 * the binary-tree optimisation) mostly matters for the rule-carrying ones.
 */
static const char *const hot[] = {
	"read", "write", "futex", "epoll_wait", "epoll_pwait", "recvfrom",
	"sendto", "ppoll", "poll", "mmap", "munmap", "close", "fstat",
	"lseek", "readv", "writev", "getpid", "getppid", "clock_gettime",
};

static int set_attrs(scmp_filter_ctx ctx)
{
	int r;

	r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	/* no_new_privs is the caller's to set (the config's, as runc):
	 * without it the caller holds CAP_SYS_ADMIN (sentry/attach.c) */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, ACT_BADARCH);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < ARRAY_SIZE(hot) && r == 0; i++) {
		const struct sc_entry *e = sc_lookup_name(hot[i]);

		if (e != NULL)
			r = seccomp_syscall_priority(ctx, e->nr, 255);
	}
	return r;
}

/* Builds the whole filter; NULL with *rc = -errno on failure. */
static scmp_filter_ctx build(const struct sc_filter_opts *opts, int *rc)
{
	struct filter f = { .opts = opts };
	int r;

	if (opts == NULL || (opts->mode != SC_FILTER_NOTIFY &&
			     opts->mode != SC_FILTER_TRACE)) {
		*rc = -EINVAL;
		return NULL;
	}
	f.ctx = seccomp_init(ACT_DEFAULT);
	if (f.ctx == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	r = set_attrs(f.ctx);
	for (size_t i = 0; i < sc_table_len && r == 0; i++)
		r = add_row(&f, &sc_table[i]);
	if (r < 0) {
		seccomp_release(f.ctx);
		*rc = r;
		return NULL;
	}
	return f.ctx;
}

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The program libseccomp built, in memory (its memfd closed). */
static int export_prog(scmp_filter_ctx ctx, struct sock_fprog *prog)
{
	cleanup_close int fd = memfd_create("cvisor-filter", MFD_CLOEXEC);
	struct sock_filter *insn;
	off_t len;
	int r;

	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return r;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(*insn) != 0 ||
	    len / sizeof(*insn) > BPF_MAXINSNS)
		return len < 0 ? -errno : -EINVAL;
	insn = malloc(len);
	if (insn == NULL)
		return -ENOMEM;
	if (pread(fd, insn, len, 0) != len) {
		free(insn);
		return -EIO;
	}
	*prog = (struct sock_fprog){ .len = (unsigned short)(len / sizeof(*insn)),
				     .filter = insn };
	return 0;
}

/*
 * libseccomp (2.5) has no attribute for WAIT_KILLABLE_RECV: the program
 * is exported and loaded with seccomp(2) itself. Returns the listener,
 * which takes the lowest free fd (the attach predicted it): the export's
 * memfd is closed by then.
 */
static int load_wait_killable(scmp_filter_ctx ctx)
{
	struct sock_fprog prog;
	long r = export_prog(ctx, &prog);

	if (r < 0)
		return (int)r;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER |
			    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
		    &prog);
	if (r < 0)
		r = -errno;
	free(prog.filter);
	return (int)r;
}

int sc_install_filter(const struct sc_filter_opts *opts)
{
	scmp_filter_ctx ctx;
	int r, fd = 0;

	ctx = build(opts, &r);
	if (ctx == NULL)
		return r;
	if (opts->mode == SC_FILTER_NOTIFY && opts->wait_killable) {
		r = load_wait_killable(ctx);
		seccomp_release(ctx);
		return r;
	}
	r = seccomp_load(ctx);
	if (r == 0 && opts->mode == SC_FILTER_NOTIFY) {
		fd = seccomp_notify_fd(ctx);
		if (fd < 0)
			r = fd;
	}
	seccomp_release(ctx);
	return r < 0 ? r : fd;
}

int sc_export_bpf(const struct sc_filter_opts *opts, int fd)
{
	scmp_filter_ctx ctx;
	int r;

	ctx = build(opts, &r);
	if (ctx == NULL)
		return r;
	r = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	return r;
}
