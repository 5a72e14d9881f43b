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
 * A "#!" script's set-id interpreter is resolved by the sentry (exec.c,
 * exec_check) and exec'd the same way, with the argv binfmt_script would
 * build (setid_script_argv). An exec from the task's own fd is exec'd
 * the same way, from the fd's inode the gofer found in the copy. Where
 * the gain is refused (no_new_privs, a workload tracer) the exec goes
 * through the view and the sentry makes Linux's secure exec itself:
 * AT_SECURE (setid_secure_wanted, setid_fix_auxv), the parent-death
 * signal, RLIMIT_STACK and the ambient set (setid_exec_calls). After any
 * exec from an fd or by a path the kernel was given another way,
 * AT_EXECFN is made Linux's (setid_fix_auxv).
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
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/protocol.h"
#include "lib/cleanup.h"
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
		  const struct exec_bin *b)
{
	struct task_state *st = task_st(c->t);
	uint64_t amb;
	int ret, n;

	ret = mnt_record(&s->setid_mnts, b->setid_fd);
	if (ret == 0)
		ret = host_ids(c->t, &st->setid.host_euid,
			       &st->setid.host_egid, &amb);
	if (ret < 0)
		return ret;
	n = task_install_fd(c, b->setid_fd, O_CLOEXEC);
	if (n < 0)
		return n;
	st->setid.on = true;
	st->setid.fd = n;
	st->setid.uid = b->uid;
	st->setid.gid = b->gid;
	return n;
}

void setid_on_exit(struct sentry *s, struct task *t,
		   const struct user_regs_struct *r)
{
	struct task_state *st = task_st(t);
	struct plat_call pc = { .kind = s->platform, .at_stop = true,
				.injected = true, .regs = *r };

	st->setid.secure = st->setid.amb_clear = false;
	free(st->setid.execfn);
	st->setid.execfn = NULL;
	free(st->setid.argv);
	st->setid.argv = NULL;
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

	free(st->setid.argv);
	st->setid.argv = NULL;
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
	st->setid.path_at = r->rsi;
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

/* The empty path and a script's argv, written again now: a signal's
 * handler that ran meanwhile had the stack below the red zone. */
static int rewrite_args(struct task *t, const struct user_regs_struct *r)
{
	struct task_state *st = task_st(t);
	int ret = plat_mem_write(t->host_tid, r->rsi, "", 1);

	if (ret == 0 && st->setid.argv != NULL)
		ret = plat_mem_write(t->host_tid, st->setid.argv_at,
				     st->setid.argv, st->setid.argv_len);
	return ret;
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
	    r->rsi != st->setid.path_at || setid_resolve_flags(t) == 0 ||
	    (st->setid.argv != NULL && (r->rsp != st->setid.sp ||
					r->rdx != st->setid.argv_at))) {
		/* not the exec made (a signal's handler ran first and went
		 * elsewhere): the fd stays, refused for exec */
		st->setid.on = false;
		free(st->setid.argv);
		st->setid.argv = NULL;
		return false;
	}
	if (rewrite_args(t, r) < 0) {
		/* its exec would read what a handler left: not run */
		(void)task_signal(t, SIGKILL);
		return true;
	}
	st->pending = TP_EXEC;
	task_resume(t, PTRACE_SYSCALL, 0);
	return true;
}

/*
 * Linux's is_setid (cap_bprm_creds_from_file) for an exec of b that could
 * not gain here (under no_new_privs or a workload tracer it goes through
 * the nosuid view): the ids bprm_fill_uid gave differ from the real ones
 * (none under no_new_privs; an owner not mapped in the task's user
 * namespace, shown as the overflow id, gives none), whether the gain
 * itself is then refused or not.
 */
static bool ids_change(const struct task *t, const struct exec_bin *b)
{
	const struct task_creds *cr = &t->creds;

	if (cr->no_new_privs)
		return false;
	return ((b->gain & GOFER_GAIN_UID) && b->uid != 65534 &&
		b->uid != cr->ruid) ||
	       ((b->gain & GOFER_GAIN_GID) && b->gid != 65534 &&
		b->gid != cr->rgid);
}

/* Linux's secure exec (bprm->secureexec): is_setid, or a file capability
 * with its effective bit run by a real uid other than 0. */
bool setid_secure_wanted(const struct task *t, const struct exec_bin *b)
{
	return ids_change(t, b) ||
	       ((b->gain & GOFER_GAIN_FCAP_EFF) && t->creds.ruid != 0);
}

/* "File caps or setid cancels ambient" (cap_bprm_creds_from_file). */
bool setid_amb_cleared(const struct task *t, const struct exec_bin *b)
{
	return ids_change(t, b) || (b->gain & GOFER_GAIN_FCAP);
}

/* The task's argv pointers (argv[0] included), at most SETID_ARGV_MAX;
 * *n gets their number. Read up to a page at a time (never across one:
 * the array may end just before an unmapped page). */
#define SETID_ARGV_MAX 8192
static int read_argv(struct sc_call *c, uint64_t addr, uint64_t **out,
		     size_t *n)
{
	uint64_t *v = calloc(SETID_ARGV_MAX + 1, sizeof(*v));
	size_t k, chunk;
	int ret;

	if (v == NULL)
		return -ENOMEM;
	for (*n = 0; addr != 0;) {
		chunk = (4096 - (addr & 4095)) / sizeof(*v);
		chunk = chunk == 0 ? 1 : chunk;
		if (chunk > SETID_ARGV_MAX + 1 - *n)
			chunk = SETID_ARGV_MAX + 1 - *n;
		ret = task_read(c, addr, &v[*n], chunk * sizeof(*v));
		if (ret < 0) {
			free(v);
			return ret;
		}
		for (k = 0; k < chunk && v[*n + k] != 0; k++)
			;
		*n += k;
		if (k < chunk)
			break;
		if (*n > SETID_ARGV_MAX) {
			free(v);
			return -E2BIG;
		}
		addr += chunk * sizeof(*v);
	}
	*out = v;
	return 0;
}

/*
 * binfmt_script, once per script of the chain: argv[0] dropped, then
 * the script's name (bprm->filename, then the interpreter that named
 * it), the interpreter's argument if any, the interpreter's name:
 * [I_n, A_n, ..., I_0, A_0, filename, argv[1], ...]. Laid out as
 * pointers then strings, 4 KiB below the stack pointer (below the red
 * zone and the injection's scratch).
 */
long setid_script_argv(struct sc_call *c, uint64_t sp, uint64_t argv,
		       const struct exec_bin *b)
{
	struct task_state *st = task_st(c->t);
	const char *pre[2 * EXEC_MAX_DEPTH + 1];
	size_t npre = 0, nold, n, len, slen = 0, off;
	uint64_t *old = NULL, *ptrs, at;
	char *blob;
	int ret;

	for (int i = b->depth - 1; i >= 0; i--) {
		pre[npre++] = b->interp[i];
		if (b->arg[i][0] != '\0')
			pre[npre++] = b->arg[i];
	}
	pre[npre++] = b->fname;
	ret = read_argv(c, argv, &old, &nold);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < npre; i++)
		slen += strlen(pre[i]) + 1;
	n = npre + (nold > 1 ? nold - 1 : 0);
	len = (n + 1) * sizeof(uint64_t) + slen;
	blob = malloc(len);
	if (blob == NULL) {
		free(old);
		return -ENOMEM;
	}
	at = (sp - 4096 - len) & ~15ull;
	ptrs = (uint64_t *)blob;
	off = (n + 1) * sizeof(uint64_t);
	for (size_t i = 0; i < npre; i++) {
		ptrs[i] = at + off;
		memcpy(blob + off, pre[i], strlen(pre[i]) + 1);
		off += strlen(pre[i]) + 1;
	}
	for (size_t i = 1; i < nold; i++)
		ptrs[npre + i - 1] = old[i];
	ptrs[n] = 0;
	free(old);
	free(st->setid.argv);
	st->setid.argv = blob;
	st->setid.argv_len = len;
	st->setid.argv_at = at;
	st->setid.sp = sp;
	return (long)at;
}

/* Words of the new image's stack, read a page at a time. */
struct stack_words {
	pid_t tid;
	uint64_t base;
	size_t n;
	uint64_t w[512];
};

static int word_at(struct stack_words *ws, uint64_t addr, uint64_t *v)
{
	ssize_t got;

	if (addr < ws->base || addr + 8 > ws->base + ws->n * 8) {
		got = plat_mem_read_some(ws->tid, addr, ws->w, sizeof(ws->w));
		if (got < 8)
			return -EFAULT;
		ws->base = addr;
		ws->n = (size_t)got / 8;
	}
	*v = ws->w[(addr - ws->base) / 8];
	return 0;
}

/*
 * The address of the value of the auxv entry of type `type`: at the exec
 * event the stack pointer is at argc, then argv, NULL, envp, NULL and
 * the auxv pairs up to AT_NULL.
 */
static int auxv_entry(pid_t tid, uint64_t sp, uint64_t type, uint64_t *at)
{
	struct stack_words ws = { .tid = tid };
	uint64_t argc, v, p;

	if (word_at(&ws, sp, &argc) < 0 || argc > SETID_ARGV_MAX * 256ull)
		return -EFAULT;
	p = sp + 8 * (argc + 2);
	for (size_t i = 0;; i++, p += 8) {
		if (i > (1u << 20) || word_at(&ws, p, &v) < 0)
			return -EFAULT;
		if (v == 0)
			break;
	}
	for (p += 8; p < sp + (1u << 24); p += 16) {
		if (word_at(&ws, p, &v) < 0)
			return -EFAULT;
		if (v == type) {
			*at = p + 8;
			return 0;
		}
		if (v == 0 /* AT_NULL */)
			return -ENOENT;
	}
	return -EFAULT;
}

static int set_secure(pid_t tid, uint64_t sp)
{
	uint64_t at, v, one = 1;
	int ret = auxv_entry(tid, sp, 23 /* AT_SECURE */, &at);

	if (ret == 0)
		ret = plat_mem_read(tid, at, &v, sizeof(v));
	if (ret == 0 && v == 0)
		ret = plat_mem_write(tid, at, &one, sizeof(one));
	return ret;
}

/*
 * A name longer than the kernel's: the block from sp to the end of the
 * auxv (argc, the argv and envp pointers, the auxv pairs) moved down by
 * the name's room, 16-byte aligned, and the name written in the room
 * left above it, below the strings (which stay where the kernel put
 * them: nothing points into the block). AT_EXECFN at fn_at (in the old
 * block) names it; *sp gets the new stack pointer.
 */
static int execfn_below(pid_t tid, uint64_t *sp, uint64_t fn_at,
			const char *name)
{
	size_t len = strlen(name) + 1, room = (len + 15) & ~(size_t)15;
	cleanup_free uint64_t *blk = NULL;
	uint64_t end;
	int ret = auxv_entry(tid, *sp, 0 /* AT_NULL */, &end);

	if (ret < 0)
		return ret;
	end += 8;
	blk = malloc(end - *sp);
	if (blk == NULL)
		return -ENOMEM;
	ret = plat_mem_read(tid, *sp, blk, end - *sp);
	if (ret < 0)
		return ret;
	blk[(fn_at - *sp) / 8] = end - room;
	ret = plat_mem_write(tid, *sp - room, blk, end - *sp);
	if (ret < 0)
		return ret;	/* below the stack: nothing of its changed */
	*sp -= room;
	/* the old block is written over: the new one must be complete */
	ret = plat_mem_write(tid, end - room, name, len);
	return ret < 0 ? -EIO : 0;
}

/* AT_EXECFN's string as Linux's: over the kernel's where it fits. */
static int name_execfn(pid_t tid, uint64_t *sp, const char *name)
{
	char old[32] = "";
	uint64_t at, str;
	int ret = auxv_entry(tid, *sp, 31 /* AT_EXECFN */, &at);

	if (ret == 0)
		ret = plat_mem_read(tid, at, &str, sizeof(str));
	if (ret == 0 && plat_mem_read_some(tid, str, old, sizeof(old) - 1) < 1)
		ret = -EFAULT;
	if (ret < 0)
		return ret;
	if (strlen(name) <= strlen(old))
		return plat_mem_write(tid, str, name, strlen(name) + 1);
	return execfn_below(tid, sp, at, name);
}

void setid_fix_auxv(struct task *t)
{
	struct task_state *st = task_st(t);
	struct user_regs_struct r;
	uint64_t sp;
	int ret = 0;

	if (!st->setid.secure && st->setid.execfn == NULL)
		return;
	ret = plat_getregs(t->host_tid, &r);
	sp = r.rsp;
	if (ret == 0 && st->setid.secure)
		ret = set_secure(t->host_tid, sp);
	if (ret == 0 && st->setid.execfn != NULL)
		ret = name_execfn(t->host_tid, &sp, st->setid.execfn);
	if (ret == 0 && sp != r.rsp) {
		r.rsp = sp;
		ret = plat_setregs(t->host_tid, &r);
	}
	if (ret < 0 && ret != -ESRCH)
		log_warn("sentry: tid %d: the new program's auxv not fixed: %s",
			 (int)t->host_tid, strerror(-ret));
	if (ret < 0 && sp != r.rsp)	/* its stack half moved */
		(void)task_signal(t, SIGKILL);
	free(st->setid.execfn);
	st->setid.execfn = NULL;
}

bool setid_calls_wanted(const struct task *t)
{
	const struct task_state *st = task_st((struct task *)t);

	return st->setid.secure || st->setid.amb_clear;
}

#define STK_LIM (8ull << 20)	/* Linux's _STK_LIM */

/* begin_new_exec for a secure exec: RLIMIT_STACK's soft limit lowered
 * to _STK_LIM when above it (the hard one unchanged). */
static void stack_cap(pid_t tid, struct plat_call *pc, uint64_t at)
{
	uint64_t rl[2];	/* struct rlimit64: cur, max */

	if (plat_inject(tid, pc, SYS_prlimit64, 0, RLIMIT_STACK, 0, at, 0,
			0) != 0 ||
	    plat_mem_read(tid, at, rl, sizeof(rl)) < 0 || rl[0] <= STK_LIM)
		return;
	rl[0] = STK_LIM;
	if (plat_mem_write(tid, at, rl, sizeof(rl)) == 0)
		(void)plat_inject(tid, pc, SYS_prlimit64, 0, RLIMIT_STACK, at,
				  0, 0, 0);
}

/*
 * What Linux's exec does besides AT_SECURE for a file that gains, where
 * the kernel here exec'd it from the nosuid view: for a secure exec the
 * parent-death signal cleared and RLIMIT_STACK capped; the ambient set
 * cleared for a privileged file (the sentry's record with it).
 */
void setid_exec_calls(struct task *t, struct plat_call *pc, uint64_t scratch)
{
	struct task_state *st = task_st(t);
	pid_t tid = t->host_tid;

	if (st->setid.secure) {
		(void)plat_inject(tid, pc, SYS_prctl, PR_SET_PDEATHSIG, 0, 0, 0,
				  0, 0);
		stack_cap(tid, pc, scratch);
	}
	if (st->setid.amb_clear &&
	    plat_inject(tid, pc, SYS_prctl, PR_CAP_AMBIENT,
			PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0, 0) == 0)
		t->creds.cap_ambient = 0;
	st->setid.secure = st->setid.amb_clear = false;
}
