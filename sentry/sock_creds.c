// SPDX-License-Identifier: Apache-2.0
/*
 * Socket operations the sentry performs with its own credentials for a
 * task (sentry/socket.c works on pidfd_getfd copies of the task's
 * sockets): what the kernel would decide by the sentry's ids and
 * capabilities is decided here by the task's first
 * (docs/architecture.md, invariant 8), with the errno Linux gives the task.
 *
 *  - bind(2) of an AF_INET/AF_INET6 port below ip_unprivileged_port_start
 *    of the container's net namespace needs the task's
 *    CAP_NET_BIND_SERVICE (EACCES): the sentry holds that capability only
 *    for the tasks that have it.
 *  - A message sent on an AF_UNIX socket carries credentials naming the
 *    task, never the sentry: its SCM_CREDENTIALS are checked as Linux's
 *    scm_check_creds() checks them for the task (own pid, one of its
 *    uids, one of its gids, unless CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID:
 *    EPERM; an id its user namespace does not map: EINVAL), and every
 *    message gets an SCM_CREDENTIALS with the uid and gid it claimed, or
 *    its real uid and gid (what the kernel records for a receiver with
 *    SO_PASSCRED). The sentry may claim them with CAP_SETUID/CAP_SETGID.
 *    The pid in them is the task's (or the one it claimed) where the
 *    sentry is pid 1 of the sandbox's pid namespace and holds
 *    CAP_SYS_ADMIN over its owner (sentry/confine.c); elsewhere it is
 *    the sentry's own, which the workload's pid namespace does not
 *    contain: a receiver there reads 0 (docs/security.md, "Credentials
 *    the sentry sends for a task").
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "sentry/idmap.h"
#include "sentry/internal.h"
#include "sentry/vtree.h"

/* Linux's default for a new net namespace (PROT_SOCK). */
static int port_start = 1024;

struct port_probe {
	pid_t init_pid;
	int value, err;
};

static bool same_netns(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/proc/thread-self/ns/net", &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* In a thread of its own: a net namespace is per thread, and the
 * sysctl files under /proc/sys/net are those of the reader's. */
static void *probe_port_start(void *arg)
{
	struct port_probe *p = arg;
	char path[64], buf[32];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)p->init_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* Already ours, as a rule (the pod's): then not joined again, which
	 * a sentry in the sandbox's user namespace may not do for a pod
	 * namespace the host's owns (joined by path, the host network). */
	if (fd >= 0 && same_netns(fd))
		goto read;
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		p->err = errno;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
read:
	close(fd);
	fd = open("/proc/sys/net/ipv4/ip_unprivileged_port_start",
		  O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		p->err = errno;
		return NULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	p->err = n > 0 ? 0 : n < 0 ? errno : EIO;
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		p->value = atoi(buf);
	}
	return NULL;
}

int sock_creds_init(pid_t init_pid)
{
	struct port_probe p = { .init_pid = init_pid, .value = -1 };
	pthread_t th;
	int ret;

	ret = pthread_create(&th, NULL, probe_port_start, &p);
	if (ret != 0)
		return -ret;
	pthread_join(th, NULL);
	if (p.err != 0 || p.value < 0) {
		log_warn("sentry: ip_unprivileged_port_start of the container: "
			 "%s; taking 1024", strerror(p.err ? p.err : EIO));
		return -(p.err ? p.err : EIO);
	}
	port_start = p.value;
	return 0;
}

static int sockopt_int(int sock, int opt)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(sock, SOL_SOCKET, opt, &v, &l) < 0)
		return -1;
	return v;
}

/* The port a bind asks for, or 0 if no port check applies (raw and ping
 * sockets, an address the kernel refuses on its own). */
static int bind_port(int sock, const struct sockaddr_storage *ss,
		     socklen_t len)
{
	int domain = sockopt_int(sock, SO_DOMAIN);
	int proto = sockopt_int(sock, SO_PROTOCOL);

	if (sockopt_int(sock, SO_TYPE) == SOCK_RAW ||
	    proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return 0;
	if (domain == AF_INET && len >= sizeof(struct sockaddr_in) &&
	    (ss->ss_family == AF_INET || ss->ss_family == AF_UNSPEC))
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (domain == AF_INET6 && len >= 24 /* SIN6_LEN_RFC2133 */ &&
	    ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

long sock_bind_check(struct sc_call *c, int sock,
		     const struct sockaddr_storage *ss, socklen_t len)
{
	int port = bind_port(sock, ss, len);

	if (port == 0 || port >= port_start ||
	    fs_capable(c->t, CAP_NET_BIND_SERVICE))
		return 0;
	return -EACCES;
}

/* scm_check_creds() for the task: may it claim cr? */
static long check_claim(struct sc_call *c, const struct ucred *cr)
{
	const struct task_creds *me = &c->t->creds;
	struct sentry *s = c->t->sentry;

	if (ident_to_host(s, IDENT_UID, cr->uid) == (uint32_t)-1 ||
	    ident_to_host(s, IDENT_GID, cr->gid) == (uint32_t)-1 ||
	    cr->uid == (uid_t)-1 || cr->gid == (gid_t)-1)
		return -EINVAL;
	if (cr->pid != c->t->tgid && !fs_capable(c->t, CAP_SYS_ADMIN))
		return -EPERM;
	if (cr->uid != me->ruid && cr->uid != me->euid &&
	    cr->uid != me->suid && !fs_capable(c->t, CAP_SETUID))
		return -EPERM;
	if (cr->gid != me->rgid && cr->gid != me->egid &&
	    cr->gid != me->sgid && !fs_capable(c->t, CAP_SETGID))
		return -EPERM;
	return 0;
}

/* Checks every SCM_CREDENTIALS of the control data; *found: the last. */
static long check_control(struct sc_call *c, char *control, size_t clen,
			  struct cmsghdr **found, struct ucred *claim)
{
	struct msghdr tmp = { .msg_control = control, .msg_controllen = clen };
	struct cmsghdr *cm;
	long ret;

	*found = NULL;
	if (control == NULL)
		return 0;
	for (cm = CMSG_FIRSTHDR(&tmp); cm; cm = CMSG_NXTHDR(&tmp, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_CREDENTIALS)
			continue;
		if (cm->cmsg_len != CMSG_LEN(sizeof(struct ucred)))
			return -EINVAL;
		memcpy(claim, CMSG_DATA(cm), sizeof(*claim));
		ret = check_claim(c, claim);
		if (ret < 0)
			return ret;
		*found = cm;
	}
	return 0;
}

struct vpid_find {
	pid_t vpid;
	pid_t out;	/* in the sentry's pid namespace */
};

static int match_vpid(struct task *t, void *arg)
{
	struct vpid_find *f = arg;

	if (t->tid == f->vpid)
		f->out = t->host_tid;
	else if (t->tgid == f->vpid)
		f->out = t->host_tgid;
	return f->out != 0;
}

/*
 * The pid the kernel is to record, in the sentry's pid namespace: the
 * task's process, or the pid it claimed (checked: check_claim), which the
 * kernel's scm_send looks up (ESRCH if no process has it). Only pid 1 of
 * the sandbox's pid namespace may name another pid than its own (it holds
 * CAP_SYS_ADMIN over that namespace's owner); any other sentry sends its
 * own.
 */
static long message_pid(struct sc_call *c, const struct ucred *claim,
			bool claimed, pid_t *out)
{
	struct vpid_find f = { claimed ? claim->pid : c->t->tgid, 0 };

	*out = getpid();
	if (*out != 1)
		return 0;
	if (f.vpid == c->t->tgid) {
		*out = c->t->host_tgid;
		return 0;
	}
	(void)task_for_each(c->t->sentry, match_vpid, &f);
	if (f.out == 0)
		return -ESRCH;
	*out = f.out;
	return 0;
}

long sock_task_creds(struct sc_call *c, int sock, char **control,
		     size_t *clen)
{
	struct ucred claim, out;
	struct cmsghdr *cm;
	char *buf;
	pid_t pid;
	long ret;

	if (sockopt_int(sock, SO_DOMAIN) != AF_UNIX)
		return 0;
	ret = check_control(c, *control, *clen, &cm, &claim);
	if (ret < 0)
		return ret;
	if (cm == NULL) {
		claim.uid = c->t->creds.ruid;
		claim.gid = c->t->creds.rgid;
	}
	ret = message_pid(c, &claim, cm != NULL, &pid);
	if (ret < 0)
		return ret;
	out = (struct ucred){
		.pid = pid,
		.uid = ident_to_host(c->t->sentry, IDENT_UID, claim.uid),
		.gid = ident_to_host(c->t->sentry, IDENT_GID, claim.gid),
	};
	if (cm != NULL) {
		memcpy(CMSG_DATA(cm), &out, sizeof(out));
		return 0;
	}
	/* Ours first: the task's own control data stays aligned after it. */
	buf = calloc(1, CMSG_SPACE(sizeof(out)) + *clen);
	if (buf == NULL)
		return -ENOMEM;
	cm = (struct cmsghdr *)buf;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(out));
	memcpy(CMSG_DATA(cm), &out, sizeof(out));
	if (*clen)
		memcpy(buf + CMSG_SPACE(sizeof(out)), *control, *clen);
	free(*control);
	*control = buf;
	*clen += CMSG_SPACE(sizeof(out));
	return 0;
}
