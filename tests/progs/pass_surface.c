// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel attack surface that cvisor's filter used to pass (issue 10,
 * class 6). Each case makes the first call of a known attack and prints
 *	<case> <result>
 * where result is "ok" (the kernel did it) or the errno's name; the last
 * line is "done 0". tests/escape/pass_surface.sh runs it as root on the
 * host in fresh network and IPC namespaces, where each must succeed (so a
 * broken attack cannot pass for a refused one), and in the sandbox, where
 * each must fail with the errno docs/security.md gives. "kept_*" cases are
 * surface decided to stay: they must work in the sandbox as on the host.
 *
 * Usage: pass_surface FILE	(FILE: a file of the root filesystem that
 * the fsetxattr case may mark; the caller throws it away)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <mqueue.h>
#include <pthread.h>
#include <sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "progs.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

static void result(const char *name, long r)
{
	printf("%s %s\n", name, ename(r < 0 ? errno : 0));
	fflush(stdout);
}

/* ---- rtnetlink ------------------------------------------------------- */

struct nl_req {
	struct nlmsghdr h;
	char body[512];
};

static void *nl_tail(struct nl_req *q)
{
	return (char *)&q->h + NLMSG_ALIGN(q->h.nlmsg_len);
}

static struct rtattr *nl_attr(struct nl_req *q, int type, const void *data,
			      size_t len)
{
	struct rtattr *a = nl_tail(q);

	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len > 0)
		memcpy(RTA_DATA(a), data, len);
	q->h.nlmsg_len = NLMSG_ALIGN(q->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nl_nest_end(struct nl_req *q, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)nl_tail(q) - (char *)a);
}

/*
 * Sends q with send() (sendto without an address: a PASS call, the way
 * that never reaches the sentry) and reads the kernel's acknowledgement.
 * 0, or -1 with errno set to the kernel's error.
 */
static int nl_talk(int fd, struct nl_req *q)
{
	char buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;

	q->h.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	q->h.nlmsg_seq++;
	if (send(fd, q, q->h.nlmsg_len, 0) < 0)
		return -1;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -1;
	if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != NLMSG_ERROR) {
		errno = EPROTO;
		return -1;
	}
	errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
	return errno ? -1 : 0;
}

static int nl_open(void)
{
	return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

/* RTM_NEWLINK of a link of this kind (bridge, or veth with its peer). */
static void new_link(const char *name, const char *kind)
{
	struct nl_req q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
				   .nlmsg_type = RTM_NEWLINK,
				   .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL } };
	char ifname[32];
	struct rtattr *info, *data, *peer;
	int fd = nl_open();

	snprintf(ifname, sizeof(ifname), "cv%s0", kind);
	nl_attr(&q, IFLA_IFNAME, ifname, strlen(ifname) + 1);
	info = nl_attr(&q, IFLA_LINKINFO, NULL, 0);
	nl_attr(&q, IFLA_INFO_KIND, kind, strlen(kind));
	if (strcmp(kind, "veth") == 0) {
		struct ifinfomsg peer_if = { 0 };

		data = nl_attr(&q, IFLA_INFO_DATA, NULL, 0);
		peer = nl_attr(&q, 1 /* VETH_INFO_PEER */, &peer_if,
			       sizeof(peer_if));
		nl_attr(&q, IFLA_IFNAME, "cvveth1", 8);
		nl_nest_end(&q, peer);
		nl_nest_end(&q, data);
	}
	nl_nest_end(&q, info);
	result(name, fd < 0 ? -1 : nl_talk(fd, &q));
	if (fd >= 0)
		close(fd);
}

/* An HTB qdisc on lo, then a u32 classifier under it (net/sched). */
static void qdisc_and_u32(void)
{
	struct nl_req q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
				   .nlmsg_type = RTM_NEWQDISC,
				   .nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL } };
	struct tcmsg *tc = NLMSG_DATA(&q.h);
	struct tc_htb_glob htb = { .version = 3, .rate2quantum = 10 };
	struct tc_u32_sel sel = { .flags = TC_U32_TERMINAL };
	struct rtattr *opt;
	uint32_t classid = TC_H_MAKE(1u << 16, 1);
	int fd = nl_open();

	tc->tcm_family = AF_UNSPEC;
	tc->tcm_ifindex = 1;	/* lo */
	tc->tcm_handle = 1u << 16;
	tc->tcm_parent = TC_H_ROOT;
	nl_attr(&q, TCA_KIND, "htb", 4);
	opt = nl_attr(&q, TCA_OPTIONS, NULL, 0);
	nl_attr(&q, TCA_HTB_INIT, &htb, sizeof(htb));
	nl_nest_end(&q, opt);
	result("qdisc_add", fd < 0 ? -1 : nl_talk(fd, &q));

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
	q.h.nlmsg_type = RTM_NEWTFILTER;
	q.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	tc->tcm_family = AF_UNSPEC;
	tc->tcm_ifindex = 1;
	tc->tcm_parent = 1u << 16;
	tc->tcm_info = TC_H_MAKE(1u << 16, htons(0x0003 /* ETH_P_ALL */));
	nl_attr(&q, TCA_KIND, "u32", 4);
	opt = nl_attr(&q, TCA_OPTIONS, NULL, 0);
	nl_attr(&q, TCA_U32_CLASSID, &classid, sizeof(classid));
	nl_attr(&q, TCA_U32_SEL, &sel, sizeof(sel));
	nl_nest_end(&q, opt);
	result("u32_filter_add", fd < 0 ? -1 : nl_talk(fd, &q));
	if (fd >= 0)
		close(fd);
}

/* What real programs do with NETLINK_ROUTE: a link dump. */
static void kept_link_dump(void)
{
	struct nl_req q = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
				   .nlmsg_type = RTM_GETLINK,
				   .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP } };
	char buf[16384];
	int fd = nl_open(), found_lo = 0, done = 0;

	if (fd < 0 || send(fd, &q, q.h.nlmsg_len, 0) < 0) {
		result("kept_rtnl_dump", -1);
		return;
	}
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n <= 0)
			break;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			struct ifinfomsg *ifi = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE)
				done = 1;
			else if (h->nlmsg_type == RTM_NEWLINK &&
				 ifi->ifi_index == 1)
				found_lo = 1;
		}
	}
	close(fd);
	errno = ENOENT;
	result("kept_rtnl_dump", done && found_lo ? 0 : -1);
}

/* ---- sockets --------------------------------------------------------- */

static void sock_case(const char *name, int domain, int type, int proto)
{
	int fd = socket(domain, type, proto);

	result(name, fd);
	if (fd >= 0)
		close(fd);
}

static void attach_filter(void)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
	struct sock_fprog prog = { 1, &insn };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	result("so_attach_filter",
	       setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			  sizeof(prog)));
	close(fd);
}

/* kTLS needs an established TCP connection: one over loopback. */
static void tcp_ulp_tls(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = -1, r = -1;

	if (l >= 0 && bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    listen(l, 1) == 0 &&
	    getsockname(l, (struct sockaddr *)&a, &len) == 0) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0)
			r = setsockopt(c, IPPROTO_TCP, TCP_ULP, "tls", 3);
	}
	result("tcp_ulp_tls", r);
	close(c);
	close(l);
}

/* ---- other calls ----------------------------------------------------- */

static void aio(void)
{
	aio_context_t ctx = 0;
	long r = syscall(SYS_io_setup, 1, &ctx);

	result("io_setup", r);
	if (r == 0)
		syscall(SYS_io_destroy, ctx);
}

static void do_vmsplice(void)
{
	static char page[4096];
	struct iovec iov = { page, sizeof(page) };
	int p[2];

	if (pipe(p) < 0) {
		result("vmsplice", -1);
		return;
	}
	result("vmsplice", syscall(SYS_vmsplice, p[1], &iov, 1, 0));
	close(p[0]);
	close(p[1]);
}

/* mq_notify(SIGEV_THREAD) as glibc makes it: the sigevent names a netlink
 * socket and a cookie the kernel attaches to the queue. */
static void mq_notify_thread(void)
{
	static char cookie[32];
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD };
	mqd_t q = mq_open("/cvisor-pass-surface", O_RDWR | O_CREAT, 0600, &attr);
	int nl = nl_open();

	mq_unlink("/cvisor-pass-surface");
	ev.sigev_signo = nl;
	ev.sigev_value.sival_ptr = cookie;
	if (q < 0 || nl < 0)
		result("mq_notify_thread", -1);
	else
		result("mq_notify_thread", syscall(SYS_mq_notify, q, &ev));
	close(nl);
	mq_close(q);
}

static void futex_pi(void)
{
	static uint32_t word;
	long r = syscall(SYS_futex, &word, FUTEX_LOCK_PI_PRIVATE, 0, NULL,
			 NULL, 0);

	result("futex_lock_pi", r);
	if (r == 0)
		syscall(SYS_futex, &word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL,
			NULL, 0);
}

/* glibc's answer to a kernel without PI futexes: a PTHREAD_PRIO_INHERIT
 * mutex is refused at init (ENOTSUP), not at the first contended lock. */
static void pi_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;
	int e;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	e = pthread_mutex_init(&m, &a);
	if (e == 0) {
		e = pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
		pthread_mutex_destroy(&m);
	}
	errno = e;
	result("pthread_mutex_prio_inherit", e ? -1 : 0);
}

/* Job control: a new session on a pty, its slave the controlling
 * terminal, the foreground group set (kept). */
static void kept_tiocspgrp(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), st = 0;
	pid_t pid;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) {
		result("kept_tiocspgrp", -1);
		return;
	}
	pid = fork();
	if (pid == 0) {
		pid_t pg;
		int s;

		setsid();
		s = open(ptsname(m), O_RDWR | O_NOCTTY);
		if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
			_exit(errno);
		pg = getpgrp();
		_exit(ioctl(s, TIOCSPGRP, &pg) < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
		result("kept_tiocspgrp", -1);
	} else {
		errno = WEXITSTATUS(st);
		result("kept_tiocspgrp", errno ? -1 : 0);
	}
	close(m);
}

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_VALUE(class, data) (((class) << 13) | (data))

static void ioprio(void)
{
	result("ioprio_set_rt", syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0,
					IOPRIO_VALUE(1, 4)));
	result("kept_ioprio_set_be", syscall(SYS_ioprio_set,
					     IOPRIO_WHO_PROCESS, 0,
					     IOPRIO_VALUE(2, 4)));
}

/* Real-time CPU scheduling of the task itself (put back at once). */
static void sched_rt(void)
{
	struct sched_param rt = { .sched_priority = 1 }, other = { 0 };
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
	} attr = { .size = 48, .policy = SCHED_OTHER };
	long r = sched_setscheduler(0, SCHED_FIFO, &rt);

	result("sched_setscheduler_fifo", r);
	if (r == 0)
		sched_setscheduler(0, SCHED_OTHER, &other);
	result("sched_setattr", syscall(SYS_sched_setattr, 0, &attr, 0));
	result("kept_sched_batch", sched_setscheduler(0, SCHED_BATCH, &other));
	sched_setscheduler(0, SCHED_OTHER, &other);
}

static void secret(void)
{
	long fd = syscall(447 /* memfd_secret */, 0);

	result("memfd_secret", fd);
	if (fd >= 0)
		close((int)fd);
}

/* security.capability, revision 2: cap_net_raw permitted and effective. */
static void file_caps(const char *file)
{
	uint32_t caps[5] = { 0x02000000 | 1 /* VFS_CAP_REVISION_2, EFFECTIVE */,
			     1u << 13 /* CAP_NET_RAW */, 0, 0, 0 };
	int fd = open(file, O_RDONLY);

	result("fsetxattr_security_capability",
	       fsetxattr(fd, "security.capability", caps, sizeof(caps), 0));
	result("kept_fsetxattr_user", fsetxattr(fd, "user.cvisor", "1", 1, 0));
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pass_surface FILE\n");
		return 2;
	}
	qdisc_and_u32();
	new_link("link_add_bridge", "bridge");
	new_link("link_add_veth", "veth");
	kept_link_dump();
	sock_case("socket_mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
	sock_case("socket_sctp", AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	sock_case("socket_sctp_stream", AF_INET6, SOCK_STREAM, IPPROTO_SCTP);
	sock_case("kept_socket_tcp", AF_INET6, SOCK_STREAM, IPPROTO_TCP);
	sock_case("kept_socket_ping", AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	attach_filter();
	tcp_ulp_tls();
	aio();
	do_vmsplice();
	mq_notify_thread();
	futex_pi();
	pi_mutex();
	kept_tiocspgrp();
	ioprio();
	sched_rt();
	secret();
	file_caps(argv[1]);
	printf("done 0\n");
	return 0;
}
