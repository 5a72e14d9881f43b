// SPDX-License-Identifier: Apache-2.0
/*
 * Set-user-ID, set-group-ID and file-capability exec (issue 14;
 * docs/security.md, "Set-id exec").
 *
 * The workload's view of the root is nosuid, and the sentry cannot give a
 * task kernel credentials: only the kernel's exec can. So for a file that
 * gains at exec, when Linux would let it (no no_new_privs, no tracer of
 * the workload's own), the gofer opens it under the exec copy of the root
 * (runsc/mounts.c: a mount of the workload's own namespace that carries
 * the config's own nosuid flags, which no path reaches), and the task
 * execs that fd: execveat(fd, "", AT_EMPTY_PATH). The kernel applies the
 * ids, the capabilities, AT_SECURE, the non-dumpable mm and its own rules
 * (an unmapped owner, a shared fs_struct, no_new_privs...). The sentry
 * then reads what the kernel did (setid_on_event).
 *
 * The fd is installed close-on-exec; after a failed exec it is closed
 * again (setid_on_exit). A thread of the same process may copy it in the
 * meantime: an O_PATH fd of a regular file on a read-only, nodev mount,
 * which reads nothing, writes nothing, is no directory to walk from, and
 * which the sentry refuses to exec (setid_fd_refused: its mount is one
 * the sentry handed out) so that its gain is only ever had here, under
 * the rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/protocol.h"
#include "lib/log.h"
#include "sentry/internal.h"
#include "sentry/proc_status.h"
#include "sentry/ptrace_emu.h"

static int mnt_id_of(int fd, uint64_t *id)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
		return -errno;
	if (!(sx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*id = sx.stx_mnt_id;
	return 0;
}

static bool mnt_known(const struct setid_mnts *m, uint64_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->id[i] == id)
			return true;
	return false;
}

/* Records the fd's mount; -errno if it cannot be (the fd is then not
 * used: its exec could not be refused later). */
static int mnt_record(struct setid_mnts *m, int fd)
{
	uint64_t id;
	int ret = mnt_id_of(fd, &id);

	if (ret < 0 || mnt_known(m, id))
		return ret;
	if (m->n == SETID_MNTS_MAX)
		return -ENOSPC;
	m->id[m->n++] = id;
	return 0;
}

bool setid_fd_refused(const struct sentry *s, int fd)
{
	uint64_t id;

	return s->setid_mnts.n > 0 && mnt_id_of(fd, &id) == 0 &&
	       mnt_known(&s->setid_mnts, id);
}

int setid_resolve_flags(const struct task *t)
{
	/* As Linux: no gain under no_new_privs, nor for a traced task
	 * whose tracer (the workload's own) is not the sentry. */
	if (t->creds.no_new_privs || ptrace_link_of(t) != NULL)
		return 0;
	return GOFER_EXEC_SETID;
}

/* The effective uid and gid in the kernel's status of the task (in the
 * sentry's user namespace: compared, never shown), and CapAmb. */
static int host_ids(const struct task *t, unsigned long *euid,
		    unsigned long *egid, uint64_t *amb)
{
	char buf[4096];
	const char *u, *g, *a;
	unsigned long r;

	if (task_status_read(t->tgid, t->tid, buf, sizeof(buf)) <= 0)
		return -ESRCH;
	u = status_value(buf, "Uid");
	g = status_value(buf, "Gid");
	a = status_value(buf, "CapAmb");
	if (u == NULL || g == NULL || a == NULL ||
	    sscanf(u, "%lu %lu", &r, euid) != 2 ||
	    sscanf(g, "%lu %lu", &r, egid) != 2)
		return -EIO;
	*amb = strtoull(a, NULL, 16);
	return 0;
}

int setid_prepare(struct sentry *s, struct sc_call *c,
		  const struct gofer_exec_info *info)
{
	struct task_state *st = task_st(c->t);
	uint64_t amb;
	int ret, n;

	ret = mnt_record(&s->setid_mnts, info->setid_fd);
	if (ret == 0)
		ret = host_ids(c->t, &st->setid.host_euid,
			       &st->setid.host_egid, &amb);
	if (ret < 0)
		return ret;
	n = task_install_fd(c, info->setid_fd, O_CLOEXEC);
	if (n < 0)
		return n;
	st->setid.on = true;
	st->setid.fd = n;
	st->setid.uid = info->uid;
	st->setid.gid = info->gid;
	return n;
}

void setid_on_exit(struct sentry *s, struct task *t,
		   const struct user_regs_struct *r)
{
	struct task_state *st = task_st(t);
	struct plat_call pc = { .kind = s->platform, .at_stop = true,
				.injected = true, .regs = *r };

	if (!st->setid.on)
		return;
	st->setid.on = false;
	/* The exec failed: the fd must not stay (the caller restores the
	 * registers after). -ESRCH: gone, with its table. */
	(void)plat_inject(t->host_tid, &pc, SYS_close, (uint64_t)st->setid.fd,
			  0, 0, 0, 0, 0);
	if (pc.pending_sig)	/* one that came meanwhile: still its */
		(void)task_signal(t, pc.pending_sig);
}

/*
 * Linux's exec: suid and fsuid become the euid, sgid and fsgid the egid
 * (whatever the file); after an exec through the copy, the effective ids
 * are the file's where the kernel gave them (its status tells), the
 * ambient set is the kernel's (cleared for a privileged file), and a
 * process that gained is not dumpable.
 */
void setid_on_event(struct task *t)
{
	struct task_state *st = task_st(t);
	struct task_creds *cr = &t->creds;
	unsigned long euid, egid;
	uint64_t amb;

	if (st->setid.on) {
		st->setid.on = false;
		if (host_ids(t, &euid, &egid, &amb) == 0) {
			if (euid != st->setid.host_euid)
				cr->euid = st->setid.uid;
			if (egid != st->setid.host_egid)
				cr->egid = st->setid.gid;
			cr->cap_ambient = amb;
		} else {
			log_warn("sentry: tid %d: credentials after a set-id "
				 "exec unknown", (int)t->host_tid);
		}
	}
	cr->suid = cr->fsuid = cr->euid;
	cr->sgid = cr->fsgid = cr->egid;
}

/*
 * After the install the task sits at the injected call's exit stop: the
 * exec is made again from its syscall instruction, and its seccomp stop
 * (setid_rearmed) lets it run.
 */
void setid_rearm(struct task *t, struct plat_call *pc,
		 struct user_regs_struct *r)
{
	struct task_state *st = task_st(t);

	st->setid.armed = true;
	st->setid.rip = r->rip;
	r->rip -= 2;	/* the syscall instruction */
	if (task_setregs_or_kill(t, r) < 0)
		return;
	/* a signal that came during the install: delivered before the
	 * exec is made again (a handler may go elsewhere: rearmed) */
	if (pc->pending_sig)
		(void)task_signal(t, pc->pending_sig);
	pc->pending_sig = 0;
	task_resume(t, PTRACE_CONT, 0);
}

bool setid_rearmed(struct task *t, struct plat_call *pc)
{
	struct task_state *st = task_st(t);
	const struct user_regs_struct *r = &pc->regs;

	if (!st->setid.armed)
		return false;
	st->setid.armed = false;
	if (r->orig_rax != SYS_execveat || r->rip != st->setid.rip ||
	    r->rdi != (uint64_t)st->setid.fd || r->r8 != AT_EMPTY_PATH ||
	    setid_resolve_flags(t) == 0) {
		/* not the exec made (a signal's handler ran first and went
		 * elsewhere): the fd stays, refused for exec */
		st->setid.on = false;
		return false;
	}
	st->pending = TP_EXEC;
	task_resume(t, PTRACE_SYSCALL, 0);
	return true;
}
