// SPDX-License-Identifier: Apache-2.0
/*
 * Identity and system information: uname, sysinfo, sethostname,
 * setdomainname, umask; and the credential calls, which the kernel runs
 * (RET_TRACE stop, then the syscall-exit stop) while the sentry keeps its
 * copy of the task's credentials exact with Linux's rules.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include "lib/util.h"
#include "sentry/internal.h"
#include "sentry/synth_cgroup.h"
#include "syscalls/table.h"

#define SENTRY_RELEASE "4.4.0"
#define SENTRY_VERSION "#1 SMP Sun Jan 10 15:06:54 PST 2016"

static bool has_cap(const struct task *t, int cap)
{
	return t->creds.cap_effective & (1ull << cap);
}

SENTRY_HANDLER(uname)
{
	struct sentry *s = c->t->sentry;
	struct utsname u;

	memset(&u, 0, sizeof(u));
	strcpy(u.sysname, "Linux");
	snprintf(u.nodename, sizeof(u.nodename), "%s", s->hostname);
	strcpy(u.release, SENTRY_RELEASE);
	strcpy(u.version, SENTRY_VERSION);
	strcpy(u.machine, "x86_64");
	snprintf(u.domainname, sizeof(u.domainname), "%s", s->domainname);
	return task_write(c, c->args[0], &u, sizeof(u));
}

/* The cgroup's memory and the sandbox's load, as /proc/meminfo and
 * /proc/loadavg show them (sentry/synth_cgroup.c). */
SENTRY_HANDLER(sysinfo)
{
	struct sentry *s = c->t->sentry;
	struct vcg_mem m;
	struct sysinfo si;
	int total, ret;
	double load[3];

	memset(&si, 0, sizeof(si));
	ret = vcg_memory(&m);	/* the host's sysinfo failed */
	if (ret < 0)
		return ret;
	vcg_loadavg(vcg_running_tasks(c, &total), load);
	si.uptime = (long)((cv_now_ns() - s->start_ns) / 1000000000ull);
	for (int i = 0; i < 3; i++)
		si.loads[i] = (unsigned long)(load[i] * (1 << SI_LOAD_SHIFT));
	si.mem_unit = 1;
	si.totalram = m.total;
	si.freeram = m.free;
	si.sharedram = m.shmem;
	si.totalswap = m.swap_total;
	si.freeswap = m.swap_free;
	si.procs = (unsigned short)(total > 0xffff ? 0xffff : total);
	return task_write(c, c->args[0], &si, sizeof(si));
}

static long set_name(struct sc_call *c, char *dst)
{
	int len = (int)c->args[1];
	char buf[65];
	int ret;

	if (!has_cap(c->t, CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len > 64)
		return -EINVAL;
	ret = task_read(c, c->args[0], buf, len);
	if (ret < 0)
		return ret;
	memcpy(dst, buf, len);
	dst[len] = '\0';
	return 0;
}

/*
 * PR_GET_NO_NEW_PRIVS answers from the record the sentry keeps of the
 * kernel's flag (the config's, process.noNewPrivileges, then the task's
 * own PR_SET_NO_NEW_PRIVS, which the kernel runs: cred_on_exit).
 */
/*
 * PR_SET_MM: Linux's argument checks and PR_SET_MM_MAP_SIZE (which needs
 * no privilege); changing the memory layout's fields (checkpoint/restore)
 * is not offered: EPERM, as for a caller without CAP_SYS_RESOURCE.
 */
static long prctl_set_mm(struct sc_call *c, const uint64_t *a)
{
	unsigned int size = sizeof(struct prctl_mm_map);

	if (a[4] || (a[3] && a[1] != PR_SET_MM_AUXV &&
		     a[1] != PR_SET_MM_MAP && a[1] != PR_SET_MM_MAP_SIZE))
		return -EINVAL;
	if (a[1] == PR_SET_MM_MAP_SIZE)
		return task_write(c, a[2], &size, sizeof(size)) < 0 ? -EFAULT : 0;
	if (a[1] == PR_SET_MM_MAP && a[3] != size)
		return -EINVAL;
	return -EPERM;
}

SENTRY_HANDLER(prctl)
{
	const uint64_t *a = c->args;

	switch ((int)a[0]) {	/* the kernel's option is an int */
	case PR_GET_NO_NEW_PRIVS:
		if (a[1] || a[2] || a[3] || a[4])
			return -EINVAL;
		return c->t->creds.no_new_privs ? 1 : 0;
	case PR_SET_MM:
		return prctl_set_mm(c, a);
	}
	return -EINVAL;
}

SENTRY_HANDLER(sethostname)
{
	return set_name(c, c->t->sentry->hostname);
}

SENTRY_HANDLER(setdomainname)
{
	return set_name(c, c->t->sentry->domainname);
}

SENTRY_HANDLER(umask)
{
	mode_t old = c->t->fs->umask;

	c->t->fs->umask = c->args[0] & 0777;
	return old;
}

/* --- credentials ------------------------------------------------------ */

/* Handled at the ptrace stop (cred_on_seccomp), never by notification. */
#define CRED_HANDLER(name)                                                 \
	SENTRY_HANDLER(name)                                               \
	{                                                                  \
		(void)c;                                                   \
		return -ENOSYS;                                            \
	}
CRED_HANDLER(setuid)
CRED_HANDLER(setgid)
CRED_HANDLER(setreuid)
CRED_HANDLER(setregid)
CRED_HANDLER(setresuid)
CRED_HANDLER(setresgid)
CRED_HANDLER(setfsuid)
CRED_HANDLER(setfsgid)
CRED_HANDLER(setgroups)
CRED_HANDLER(capset)

bool cred_is_traced(long nr)
{
	switch (nr) {
	case SYS_setuid: case SYS_setgid: case SYS_setreuid:
	case SYS_setregid: case SYS_setresuid: case SYS_setresgid:
	case SYS_setfsuid: case SYS_setfsgid: case SYS_setgroups:
	case SYS_capset: case SYS_prctl:
		return true;
	}
	return false;
}

void cred_on_seccomp(struct sentry *s, struct task *t, struct plat_call *pc)
{
	struct task_state *st = task_st(t);

	(void)s;
	st->pending = TP_CRED;
	st->nr = (long)pc->regs.orig_rax;
	plat_regs_args(&pc->regs, st->args);
	st->t0 = cv_now_ns();
	task_resume(t, PTRACE_SYSCALL, 0);
}

#define UNSET ((uint32_t)-1)

static void set_ids(uint32_t *r, uint32_t *e, uint32_t *sv, uint32_t *fs,
		    uint32_t nr_, uint32_t ne, uint32_t ns)
{
	if (nr_ != UNSET)
		*r = nr_;
	if (ne != UNSET)
		*e = ne;
	if (ns != UNSET)
		*sv = ns;
	*fs = *e;
}

static void set_re(uint32_t *r, uint32_t *e, uint32_t *sv, uint32_t *fs,
		   uint32_t nr_, uint32_t ne)
{
	uint32_t old_r = *r;

	if (nr_ != UNSET)
		*r = nr_;
	if (ne != UNSET)
		*e = ne;
	if (nr_ != UNSET || (ne != UNSET && ne != old_r))
		*sv = *e;
	*fs = *e;
}

static void set_groups(struct sc_call *c, size_t n)
{
	struct task_creds *cr = &c->t->creds;
	gid_t *g = calloc(n ? n : 1, sizeof(gid_t));

	if (g == NULL || task_read(c, c->args[1], g, n * sizeof(gid_t)) < 0) {
		free(g);
		return;
	}
	free(cr->groups);
	cr->groups = g;
	cr->ngroups = n;
}

static void on_prctl(struct task_creds *cr, const uint64_t *a)
{
	if (a[0] == PR_SET_NO_NEW_PRIVS)
		cr->no_new_privs = true;	/* the kernel's now too */
	if (a[0] == PR_CAPBSET_DROP && a[1] < 64)
		cr->cap_bounding &= ~(1ull << a[1]);
	if (a[0] != PR_CAP_AMBIENT)
		return;
	if (a[1] == PR_CAP_AMBIENT_CLEAR_ALL)
		cr->cap_ambient = 0;
	else if (a[1] == PR_CAP_AMBIENT_RAISE && a[2] < 64)
		cr->cap_ambient |= 1ull << a[2];
	else if (a[1] == PR_CAP_AMBIENT_LOWER && a[2] < 64)
		cr->cap_ambient &= ~(1ull << a[2]);
}

/* PR_SET_DUMPABLE, and commit_creds's rule: a change of the effective or
 * filesystem ids makes the process non-dumpable (suid_dumpable is 0):
 * sentry/coredump.c. */
static void dumpable_update(struct sentry *s, struct task *t,
			    const struct task_creds *old, const uint64_t *a,
			    long nr)
{
	const struct task_creds *cr = &t->creds;
	bool nodump = cr->nodump;

	if (nr == SYS_prctl && a[0] == PR_SET_DUMPABLE)
		nodump = a[1] == 0;
	else if (old->euid != cr->euid || old->egid != cr->egid ||
		 old->fsuid != cr->fsuid || old->fsgid != cr->fsgid ||
		 (cr->cap_permitted & ~old->cap_permitted) != 0)
		nodump = true;
	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i]->host_tgid == t->host_tgid)
			s->tasks[i]->creds.nodump = nodump;
}

/* Linux's rules for the successful call st->nr (before caps refresh). */
static void cred_apply(struct sc_call *c, long ret)
{
	struct task_creds *cr = &c->t->creds;
	const uint64_t *a = c->args;
	uint32_t u = (uint32_t)a[0];

	switch (c->nr) {
	case SYS_setuid:
		if (has_cap(c->t, CAP_SETUID))
			set_ids(&cr->ruid, &cr->euid, &cr->suid, &cr->fsuid,
				u, u, u);
		else
			set_ids(&cr->ruid, &cr->euid, &cr->suid, &cr->fsuid,
				UNSET, u, UNSET);
		break;
	case SYS_setgid:
		if (has_cap(c->t, CAP_SETGID))
			set_ids(&cr->rgid, &cr->egid, &cr->sgid, &cr->fsgid,
				u, u, u);
		else
			set_ids(&cr->rgid, &cr->egid, &cr->sgid, &cr->fsgid,
				UNSET, u, UNSET);
		break;
	case SYS_setreuid:
		set_re(&cr->ruid, &cr->euid, &cr->suid, &cr->fsuid, u,
		       (uint32_t)a[1]);
		break;
	case SYS_setregid:
		set_re(&cr->rgid, &cr->egid, &cr->sgid, &cr->fsgid, u,
		       (uint32_t)a[1]);
		break;
	case SYS_setresuid:
		set_ids(&cr->ruid, &cr->euid, &cr->suid, &cr->fsuid, u,
			(uint32_t)a[1], (uint32_t)a[2]);
		break;
	case SYS_setresgid:
		set_ids(&cr->rgid, &cr->egid, &cr->sgid, &cr->fsgid, u,
			(uint32_t)a[1], (uint32_t)a[2]);
		break;
	case SYS_setfsuid:
		if (u == cr->ruid || u == cr->euid || u == cr->suid ||
		    u == cr->fsuid || has_cap(c->t, CAP_SETUID))
			cr->fsuid = u;
		break;
	case SYS_setfsgid:
		if (u == cr->rgid || u == cr->egid || u == cr->sgid ||
		    u == cr->fsgid || has_cap(c->t, CAP_SETGID))
			cr->fsgid = u;
		break;
	case SYS_setgroups:
		if ((int)a[0] >= 0 && a[0] <= 65536)
			set_groups(c, (size_t)a[0]);
		break;
	case SYS_prctl:
		on_prctl(cr, a);
		break;
	default:
		break;
	}
	(void)ret;
}

void cred_on_exit(struct sentry *s, struct task *t,
		  struct user_regs_struct *r)
{
	struct task_state *st = task_st(t);
	struct plat_call pc = { .kind = s->platform, .at_stop = true,
				.regs = *r };
	struct sc_call c = { .t = t, .nr = st->nr, .platform = &pc };
	long ret = (long)r->rax;
	bool ok = ret >= 0;

	memcpy(c.args, st->args, sizeof(c.args));
	if (c.nr == SYS_setfsuid || c.nr == SYS_setfsgid)
		ok = true;
	if (ok) {
		struct task_creds old = t->creds;

		cred_apply(&c, ret);
		task_refresh_caps(t);
		dumpable_update(s, t, &old, c.args, c.nr);
	}
	stats_record(s, c.nr, SC_EMULATE, cv_now_ns() - st->t0, ret);
	if (s->strace) {
		char args[512];

		strace_format_args(&c, args, sizeof(args));
		strace_log(s, t, c.nr, 'E', args, ret, true,
			   cv_now_ns() - st->t0);
	}
}
