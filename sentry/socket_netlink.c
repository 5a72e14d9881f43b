// SPDX-License-Identifier: Apache-2.0
/*
 * socket(AF_NETLINK, SOCK_RAW or SOCK_DGRAM, NETLINK_ROUTE): the only
 * socket() the filter sends here (syscalls/filter.c rules_socket), at a
 * ptrace stop on both platforms.
 *
 * rtnetlink changes (new links, addresses, routes, qdiscs, classifiers:
 * the net/sched CVEs) need CAP_NET_ADMIN twice: in the sender's effective
 * set and in the credentials of whoever opened the socket (the kernel's
 * netlink_net_capable() checks the socket file's f_cred too). The payload
 * reaches the kernel through PASS calls (write, sendto without an
 * address) the sentry never sees, so the decision is taken here, once:
 * a task holding CAP_NET_ADMIN has it taken out of its effective set for
 * the one socket() call, injected at the stop, and put back. The socket's
 * credentials then lack it for good: every change request on it is
 * refused with EPERM, whoever sends it, and every dump (RTM_GET*, what
 * `ip addr`, `ip route` and glibc's getifaddrs read) works.
 * A task without CAP_NET_ADMIN in its effective set makes the call itself.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/platform.h"
#include "sentry/internal.h"

#define NET_ADMIN_BIT (1ull << CAP_NET_ADMIN)

struct caps {
	uint64_t eff, prm, inh;
};

/* What capset reads from the task: header, then the two data words. */
struct capset_args {
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
};

static int caps_get(pid_t tid, struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3,
					      tid };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	c->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	c->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

/* Scratch memory in the stopped task: below its stack's red zone. */
static uint64_t scratch(const struct plat_call *pc, size_t len)
{
	return (pc->regs.rsp - 128 - len - 256) & ~15ull;
}

/*
 * Sets the task's (thread's) capability sets with an injected capset(),
 * then checks with the sentry's own capget() that they are what was
 * asked: another thread of the workload could rewrite the arguments in
 * its memory between the write and the kernel's read.
 */
static int caps_set(struct sc_call *c, const struct caps *want)
{
	struct plat_call *pc = c->platform;
	pid_t tid = c->t->host_tid;
	struct capset_args a = {
		.h = { _LINUX_CAPABILITY_VERSION_3, 0 },
		.d = { { (uint32_t)want->eff, (uint32_t)want->prm,
			 (uint32_t)want->inh },
		       { (uint32_t)(want->eff >> 32), (uint32_t)(want->prm >> 32),
			 (uint32_t)(want->inh >> 32) } },
	};
	uint64_t at = scratch(pc, sizeof(a));
	struct caps got;
	long ret;

	ret = plat_mem_write(tid, at, &a, sizeof(a));
	if (ret < 0)
		return (int)ret;
	ret = plat_inject(tid, pc, SYS_capset, at, at + sizeof(a.h), 0, 0, 0,
			  0);
	if (ret < 0)
		return (int)ret;
	ret = caps_get(tid, &got);
	if (ret < 0)
		return (int)ret;
	if (got.eff != want->eff || got.prm != want->prm ||
	    got.inh != want->inh)
		return -EPERM;
	return 0;
}

SENTRY_HANDLER(socket)
{
	struct plat_call *pc = c->platform;
	struct caps orig, lowered;
	long fd;
	int ret;

	/* The netlink rule sends socket() here as a ptrace stop; the
	 * filter's catch-all sends what it refuses (sentry/socket.c). */
	if (!pc->at_stop || (int)c->args[0] != AF_NETLINK ||
	    (int)c->args[2] != NETLINK_ROUTE ||
	    sock_refusal(AF_NETLINK, (int)c->args[1], NETLINK_ROUTE,
			 false) != -EAFNOSUPPORT)
		return sock_refusal((int)c->args[0], (int)c->args[1],
				    (int)c->args[2], false);
	ret = caps_get(c->t->host_tid, &orig);
	if (ret < 0)
		return ret;
	if (!(orig.eff & NET_ADMIN_BIT))
		return sc_continue(c);	/* scalars only */
	lowered = orig;
	lowered.eff &= ~NET_ADMIN_BIT;
	ret = caps_set(c, &lowered);
	if (ret == 0)
		fd = plat_inject(c->t->host_tid, pc, SYS_socket, c->args[0],
				 c->args[1], c->args[2], 0, 0, 0);
	else
		fd = ret;
	/* Put back what the task had (if a racing thread of its own
	 * changed the arguments, it chose its sets within its permitted
	 * ones, as capset() lets it anyway: the sentry re-reads them). */
	if (pc->injected && caps_set(c, &orig) < 0)
		task_refresh_caps(c->t);
	return fd;
}
