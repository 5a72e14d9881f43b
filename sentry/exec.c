// SPDX-License-Identifier: Apache-2.0
/*
 * execve/execveat at their RET_TRACE stop: the path is read once, resolved
 * by the gofer under the task's credentials (with "#!" interpreters checked
 * the same way), and the path register is pointed at the canonical path,
 * written below the red zone of the task's stack. The kernel then runs that
 * path in the workload's read-only view (docs/architecture.md, invariant
 * 3). A file that gains at exec (a script's set-id interpreter included)
 * is exec'd from the exec copy instead: exec_setid.c. Errors are given by
 * skipping the call (orig_rax = -1) and setting rax.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "sentry/internal.h"
#include "sentry/keys.h"
#include "sentry/mempolicy.h"
#include "sentry/ptrace_emu.h"
#include "sentry/synth.h"
#include "sentry/vtree.h"
#include "syscalls/table.h"

/* Handled at the ptrace stop (exec_on_seccomp), never by notification. */
SENTRY_HANDLER(execve)
{
	(void)c;
	return -ENOSYS;
}

SENTRY_HANDLER(execveat)
{
	(void)c;
	return -ENOSYS;
}

static void exec_fail(struct task *t, struct plat_call *pc, long err)
{
	struct task_state *st = task_st(t);
	struct user_regs_struct r = pc->regs;

	r.orig_rax = -1;
	r.rax = err;
	if (task_setregs_or_kill(t, &r) < 0)
		return;	/* the refused exec must not run */
	st->pending = TP_FAIL;
	st->err = err;
	task_resume(t, PTRACE_SYSCALL, 0);
}

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

static const char *next_non_spacetab(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (!spacetab(*first))
			return first;
	return NULL;
}

static const char *next_terminator(const char *first, const char *last)
{
	for (; first <= last; first++)
		if (spacetab(*first) || !*first)
			return first;
	return NULL;
}

/*
 * The interpreter named by a "#!" line and its argument ("": none), or
 * -ENOEXEC, parsed as binfmt_script does in the first 256 bytes
 * (NUL-padded): without a newline there the name must end before the
 * buffer does (a truncated interpreter name is ENOEXEC; truncated
 * arguments are fine). The argument is the rest of the line, trailing
 * blanks stripped.
 */
static int shebang(const struct gofer_exec_info *info, char *interp,
		   char *arg, size_t len)
{
	char buf[256] = { 0 };
	const char *end = buf + sizeof(buf) - 1, *i_end, *name, *sep;

	memcpy(buf, info->head,
	       info->head_len < sizeof(buf) ? info->head_len : sizeof(buf));
	i_end = memchr(buf, '\n', sizeof(buf));
	if (i_end == NULL) {
		i_end = next_non_spacetab(buf + 2, end);
		if (i_end == NULL || next_terminator(i_end, end) == NULL)
			return -ENOEXEC;
		i_end = end;
	}
	while (spacetab(i_end[-1]))
		i_end--;
	name = next_non_spacetab(buf + 2, i_end);
	if (name == NULL || name == i_end)
		return -ENOEXEC;
	sep = next_terminator(name, i_end);
	if (sep == NULL || sep > i_end)
		sep = i_end;
	if ((size_t)(sep - name) >= len)
		return -ENOEXEC;
	memcpy(interp, name, (size_t)(sep - name));
	interp[sep - name] = '\0';
	arg[0] = '\0';
	if (sep < i_end && *sep != '\0') {
		const char *a = next_non_spacetab(sep, i_end - 1);

		if (a != NULL && (size_t)(i_end - a) < len) {
			memcpy(arg, a, (size_t)(i_end - a));
			arg[i_end - a] = '\0';
		}
	}
	return 0;
}

/*
 * Checks what execve would run: an ELF file, or a "#!" script whose
 * interpreter (recursively) is one. binary (PATH_MAX) gets the canonical
 * path of that ELF file: what Linux shows as /proc/<pid>/exe after the
 * exec (the interpreter, for a script). b gets what Linux decides the
 * credentials from: that file (its fd under the exec copy, when it
 * gains and setid asked for it) and the chain of scripts.
 */
static int exec_check(struct sentry *s, struct task *t,
		      struct gofer_exec_info *info, int depth, int setid,
		      char *binary, struct exec_bin *b)
{
	struct gofer_exec_info *in;
	struct gofer_creds cr;
	struct gofer_at at;
	int ret;

	if (info->head_len >= 4 && memcmp(info->head, "\177ELF", 4) == 0) {
		snprintf(binary, PATH_MAX, "%s", info->path);
		b->gain = info->gain;
		b->uid = info->uid;
		b->gid = info->gid;
		b->depth = depth;
		b->setid_fd = steal_fd(info->setid_fd);
		return 0;
	}
	/* An fd (O_PATH: the gofer cannot read it): the kernel execs the
	 * task's own fd and decides (ENOEXEC...) as Linux does. */
	if (depth == 0 && info->path[0] == '\0' && info->head_len == 0) {
		binary[0] = '\0';
		return 0;
	}
	if (info->head_len < 2 || info->head[0] != '#' || info->head[1] != '!')
		return -ENOEXEC;
	if (depth >= EXEC_MAX_DEPTH)
		return -ELOOP;
	ret = shebang(info, b->interp[depth], b->arg[depth],
		      sizeof(b->interp[depth]));
	if (ret < 0)
		return ret;
	in = malloc(sizeof(*in));
	if (in == NULL)
		return -ENOMEM;
	task_gofer_creds(t, &cr);
	at = (struct gofer_at){ t->fs->cwd_fd, t->fs->root_fd,
				b->interp[depth] };
	/* Linux applies the interpreter's set-id bits (the script's are
	 * ignored): asked for it, as for a file exec'd directly */
	ret = gofer_exec_resolve(&s->gofer, &cr, &at, setid, in);
	if (ret >= 0)
		ret = exec_check(s, t, in, depth + 1, setid, binary, b);
	if (in->setid_fd >= 0)
		close(in->setid_fd);
	free(in);
	return ret;
}

struct exec_req {
	int dirfd;
	uint64_t path_addr;
	int flags;
};

/* "/proc/self/fd/N", "/proc/<pid>/fd/N", "/dev/fd/N": N, else -1. */
static int fd_path(const char *p)
{
	const char *q = NULL;
	char *end;
	long n;

	if (strncmp(p, "/dev/fd/", 8) == 0) {
		q = p + 8;
	} else if (strncmp(p, "/proc/", 6) == 0) {
		q = strchr(p + 6, '/');
		if (q == NULL || strncmp(q, "/fd/", 4) != 0)
			return -1;
		q += 4;
	}
	if (q == NULL || *q < '0' || *q > '9')
		return -1;
	n = strtol(q, &end, 10);
	return *end == '\0' && n < 1 << 20 ? (int)n : -1;
}

/*
 * Paths in the sentry's virtual /proc and /dev: "fd/N" execs that open
 * file (as fexecve); "exe", "cwd/...", "root/..." and other links lead to
 * the sandbox path vtree_exec_path() gives; anything else virtual is not
 * executable.
 */
static long exec_virtual(struct sc_call *c, char *path, size_t cap,
			 int *dirfd, int *flags)
{
	char clean[PATH_MAX], target[PATH_MAX];
	long n;

	for (int i = 0; i < 40; i++) {
		if (vtree_path_clean(clean, sizeof(clean), NULL, path) < 0)
			return -ENAMETOOLONG;
		if (!vtree_path_is_virtual(clean))
			return 0;
		n = fd_path(clean);
		if (n >= 0) {
			*dirfd = (int)n;
			*flags |= AT_EMPTY_PATH;
			path[0] = '\0';
			return 0;
		}
		n = vtree_exec_path(c, clean, target, sizeof(target));
		if (n < 0)
			return n;
		if (strlen(target) >= cap)
			return -ENAMETOOLONG;
		strcpy(path, target);
	}
	return -ELOOP;
}

/* The name the kernel gives a program from the path it was called by
 * (kbasename, at most 15 bytes); "" for an empty path (fexecve). */
static void comm_of(const char *path, char comm[16])
{
	const char *b = strrchr(path, '/');

	size_t n;

	b = b ? b + 1 : path;
	n = strnlen(b, 15);
	memcpy(comm, b, n);
	comm[n] = '\0';
}

/*
 * What /proc/self/exe shows after an exec from the task's fd N: the
 * file's path inside the sandbox, as /proc/self/fd/N shows it (Linux
 * shows the file's path); left empty for an object with none.
 */
static void fd_exe_path(struct sc_call *c, int fd, char *binary)
{
	char link[64];
	int n;

	snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)c->t->tgid, fd);
	n = vtree_readlink(c, link, binary, PATH_MAX - 1);
	if (n <= 0 || binary[0] != '/')
		n = 0;
	binary[n] = '\0';
}

/* Whether the task's fd is close-on-exec (its fdinfo's flags). */
static bool fd_cloexec(struct sc_call *c, int fd)
{
	struct vbuf b = { 0 };
	char what[48];
	const char *f;
	bool ret = false;

	snprintf(what, sizeof(what), "fdinfo/%d", fd);
	if (procfs_read_host(c->t->tid, what, &b) == 0) {
		vbuf_put(&b, "", 1);
		f = b.err == 0 ? strstr(b.data, "flags:") : NULL;
		ret = f != NULL && (strtoul(f + 6, NULL, 8) & O_CLOEXEC) != 0;
	}
	vbuf_free(&b);
	return ret;
}

/*
 * An fd of no file of the container's (the gofer answers EXDEV) that is a
 * memfd: the kernel execs the task's own fd and decides, as for an O_PATH
 * fd (exec_check); a script's interpreter gets /dev/fd/N, which a
 * close-on-exec memfd no longer has (ENOENT from the kernel, as Linux).
 */
static long exec_memfd(struct sc_call *c, int wfd,
		       struct gofer_exec_info *info)
{
	char link[PATH_MAX];

	fd_exe_path(c, wfd, link);
	if (strncmp(link, "/memfd:", 7) != 0)
		return -EXDEV;
	info->path[0] = '\0';
	info->head_len = 0;
	return 0;
}

/* Linux's bprm->filename: the path as called, "/dev/fd/N" for an fd,
 * "/dev/fd/N/path" relative to one (what a script's interpreter gets). */
static void exec_fname(const struct exec_req *rq, const char *path,
		       struct exec_bin *b)
{
	size_t cap = sizeof(b->fname);

	if (path[0] == '/' || rq->dirfd == AT_FDCWD)
		snprintf(b->fname, cap, "%s", path);
	else if (path[0] == '\0')
		snprintf(b->fname, cap, "/dev/fd/%d", rq->dirfd);
	else
		snprintf(b->fname, cap, "/dev/fd/%d/%s", rq->dirfd, path);
}

/* *wfd gets the workload's fd to exec from (fexecve, execveat with
 * AT_EMPTY_PATH, /proc/self/fd/N), -1 for a path. */
static long exec_resolve(struct sentry *s, struct sc_call *c,
			 const struct exec_req *rq, struct gofer_exec_info *info,
			 char comm[16], char *binary, int *wfd,
			 struct exec_bin *b)
{
	struct task *t = c->t;
	cleanup_close int dfd = -1;
	struct gofer_creds cr;
	struct gofer_at at = { t->fs->cwd_fd, t->fs->root_fd, NULL };
	char path[PATH_MAX];
	int dirfd = rq->dirfd, flags = rq->flags;
	int setid = setid_resolve_flags(t);
	bool inaccessible;
	long ret;

	if (rq->flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	ret = task_read_path(c, rq->path_addr, path, sizeof(path));
	if (ret == -ENOENT && (rq->flags & AT_EMPTY_PATH))
		path[0] = '\0';
	else if (ret < 0)
		return ret;
	comm_of(path, comm);
	exec_fname(rq, path, b);
	/* Linux's BINPRM_FLAGS_PATH_INACCESSIBLE: a path relative to a
	 * close-on-exec dirfd, which a script's interpreter could not open
	 * as /dev/fd/N/path */
	inaccessible = dirfd != AT_FDCWD && path[0] != '/' && path[0] != '\0' &&
		       fd_cloexec(c, dirfd);
	task_gofer_creds(t, &cr);
	for (int hops = 0;; hops++) {
		if (path[0] == '/') {
			ret = exec_virtual(c, path, sizeof(path), &dirfd,
					   &flags);
			if (ret < 0)
				return ret;
		}
		if (dirfd != AT_FDCWD && (path[0] != '/' || path[0] == '\0')) {
			if (dfd >= 0)
				close(dfd);
			dfd = task_dup_fd(c, dirfd);
			if (dfd < 0)
				return dfd;
			at.dirfd = dfd;
		}
		*wfd = path[0] == '\0' ? dirfd : -1;
		/* the exec copy is exec'd only here, under the rules */
		if (*wfd >= 0 && dfd >= 0 && setid_fd_refused(s, dfd))
			return -EACCES;
		at.path = path;
		/* a symlink that leads into /proc (/x -> /proc/self/exe):
		 * the gofer reports where, and the walk goes on there */
		at.virt_ok = at.rootfd == GOFER_AT_ROOT;
		/* from the task's fd (path ""), the gofer finds its file in
		 * the exec copy */
		ret = gofer_exec_resolve(&s->gofer, &cr, &at, flags | setid,
					 info);
		if (ret != -GOFER_EVIRTUAL)
			break;
		if (hops >= 8)
			return -ELOOP;
		if (strlen(s->gofer.virt) >= sizeof(path))
			return -ENAMETOOLONG;
		strcpy(path, s->gofer.virt);
	}
	if (ret == -EXDEV && *wfd >= 0)
		ret = exec_memfd(c, *wfd, info);
	if (ret < 0)
		return ret;
	if (inaccessible && info->head_len >= 2 && info->head[0] == '#' &&
	    info->head[1] == '!')
		return -ENOENT;
	/* a script run from an fd is the kernel's (its /dev/fd/N, and
	 * ENOENT for a close-on-exec one): its interpreter gains nothing */
	ret = exec_check(s, t, info, 0, *wfd >= 0 ? 0 : setid, binary, b);
	if (ret >= 0 && *wfd >= 0 && binary[0] == '\0')
		fd_exe_path(c, *wfd, binary);
	return ret;
}

/* A task that could not be set going as it should (a new program whose
 * entry point may still hold the injected syscall, an exec left half
 * made): it must not run. */
static void kill_unfinished(struct task *t)
{
	log_warn("sentry: tid %d: the new program's start failed: killed",
		 (int)t->host_tid);
	(void)task_signal(t, SIGKILL);	/* -ESRCH: gone already */
}

/* Writes the canonical path below the red zone; its address, or -errno. */
static long exec_place(struct sc_call *c, struct plat_call *pc,
		       const char *path)
{
	size_t len = strlen(path) + 1;
	uint64_t at = (pc->regs.rsp - 128 - len - 256) & ~15ull;
	int ret = task_write(c, at, path, len);

	return ret < 0 ? ret : (long)at;
}

/*
 * A file that gains at exec, from the exec copy: for a script's
 * interpreter, Linux's argv made first (*argv: its address; too many
 * arguments to copy: the view's way, no gain), then the fd installed
 * (the injection's scratch is where the path goes next). Its number in
 * the task, or -errno.
 */
static int exec_setid_begin(struct sentry *s, struct sc_call *c,
			    const struct plat_call *pc, struct exec_bin *b,
			    uint64_t *argv)
{
	struct task_state *st = task_st(c->t);
	long at;
	int ret;

	if (b->setid_fd < 0)
		return -ENOENT;
	if (b->depth > 0) {
		at = setid_script_argv(c, pc->regs.rsp, *argv, b);
		if (at < 0)
			return (int)at;
		*argv = (uint64_t)at;
	}
	ret = setid_prepare(s, c, b);
	if (ret < 0) {
		free(st->setid.argv);
		st->setid.argv = NULL;
	}
	return ret;
}

/*
 * AT_EXECFN as Linux's, the path as called (setid_fix_auxv), where the
 * kernel's differs: that of the canonical path placed, or "/dev/fd/<fd>"
 * for an exec from fd (the copy's, the task's own).
 */
static void exec_name(struct task_state *st, const struct exec_bin *b,
		      const char *placed, int fd)
{
	char kname[32];

	free(st->setid.execfn);
	st->setid.execfn = NULL;
	if (fd >= 0) {
		snprintf(kname, sizeof(kname), "/dev/fd/%d", fd);
		placed = kname;
	}
	if (strcmp(placed, b->fname) != 0)
		st->setid.execfn = strdup(b->fname);	/* NULL: the kernel's */
}

void exec_on_seccomp(struct sentry *s, struct task *t, struct plat_call *pc)
{
	struct task_state *st = task_st(t);
	struct sc_call c = { .t = t, .nr = (long)pc->regs.orig_rax,
			     .ip = pc->regs.rip, .platform = pc };
	struct exec_req rq = { AT_FDCWD, 0, 0 };
	int wfd = -1, setid = -1;
	cleanup_free struct gofer_exec_info *info = malloc(sizeof(*info));
	struct user_regs_struct r = pc->regs;
	char args[1024], comm[16] = "", canon[16];
	cleanup_free char *binary = malloc(PATH_MAX);
	cleanup_free struct exec_bin *b = malloc(sizeof(*b));
	uint64_t t0 = cv_now_ns(), argv;
	long ret;

	if (setid_rearmed(t, pc))
		return;
	if (info != NULL)
		info->setid_fd = -1;
	if (b != NULL)
		*b = (struct exec_bin){ .setid_fd = -1 };
	plat_regs_args(&pc->regs, c.args);
	if (s->strace)
		strace_format_args(&c, args, sizeof(args));
	if (c.nr == SYS_execveat)
		rq = (struct exec_req){ (int)c.args[0], c.args[1],
					(int)c.args[4] };
	else
		rq.path_addr = c.args[0];
	argv = c.nr == SYS_execveat ? c.args[2] : c.args[1];
	ret = info && binary && b ?
		      exec_resolve(s, &c, &rq, info, comm, binary, &wfd, b) :
		      -ENOMEM;
	if (ret >= 0)
		setid = exec_setid_begin(s, &c, pc, b, &argv);
	if (info != NULL && info->setid_fd >= 0)
		close(info->setid_fd);
	if (b != NULL && b->setid_fd >= 0)
		close(b->setid_fd);
	if (setid < 0 && pc->injected) {
		/* the install failed half-way (the task died?): its
		 * registers are an injected call's, not its exec's */
		kill_unfinished(t);
		return;
	}
	if (ret >= 0)
		ret = exec_place(&c, pc, setid >= 0 ? "" : info->path);
	if (ret < 0 && setid >= 0) {
		/* its memory failed after the install: not resumable */
		kill_unfinished(t);
		return;
	}
	stats_record(s, c.nr, SC_EMULATE, cv_now_ns() - t0, ret < 0 ? ret : 0);
	if (s->strace)
		strace_log(s, t, c.nr, 'E', args, ret < 0 ? ret : 0, true,
			   cv_now_ns() - t0);
	if (ret < 0) {
		exec_fail(t, pc, ret);
		return;
	}
	if (setid >= 0) {
		/* The copy's file, by the fd installed: named as Linux
		 * names it, after the path it was called by. */
		if (c.nr == SYS_execve) {
			r.rdx = pc->regs.rsi;
			r.r10 = pc->regs.rdx;
		}
		r.orig_rax = r.rax = SYS_execveat;
		r.rdi = (uint64_t)setid;
		r.rsi = (uint64_t)ret;
		r.rdx = argv;
		r.r8 = AT_EMPTY_PATH;
	} else if (wfd >= 0) {
		/* From an fd: the kernel execs the task's own fd, as
		 * fexecve (so ETXTBSY, a script's /dev/fd/N and the name
		 * "N" are Linux's); execve becomes execveat. */
		if (c.nr == SYS_execve) {
			r.orig_rax = SYS_execveat;
			r.rdx = pc->regs.rsi;
			r.r10 = pc->regs.rdx;
		}
		r.rdi = (uint64_t)wfd;
		r.rsi = (uint64_t)ret;
		r.r8 = AT_EMPTY_PATH;
		comm[0] = '\0';
	} else if (c.nr == SYS_execveat) {
		r.rdi = AT_FDCWD;
		r.rsi = (uint64_t)ret;
		r.r8 = rq.flags & ~AT_EMPTY_PATH;
	} else {
		r.rdi = (uint64_t)ret;
	}
	free(st->exec_path);
	/* /proc/self/exe names the binary run: the interpreter of a script
	 * (busybox re-executes itself through it to run applets). */
	st->exec_path = strdup(binary);
	/* The kernel names the program after the path it runs (the
	 * canonical one); Linux after the path it was called by. */
	comm_of(info->path, canon);
	if (setid >= 0)
		comm_of(b->fname, comm);	/* "N" for an fd's */
	else if (wfd >= 0 || strcmp(comm, canon) == 0)
		comm[0] = '\0';
	/* no gain here where Linux's exec is secure anyway */
	st->setid.secure = setid < 0 && setid_secure_wanted(t, b);
	st->setid.amb_clear = setid < 0 && setid_amb_cleared(t, b);
	exec_name(st, b, info->path, setid >= 0 ? setid : wfd);
	memcpy(st->exec_comm, comm, sizeof(st->exec_comm));
	st->saved = pc->regs;
	if (setid >= 0) {
		setid_rearm(t, pc, &r);
		return;
	}
	st->pending = TP_EXEC;
	if (task_setregs_or_kill(t, &r) < 0)
		return;	/* never the workload's own path */
	task_resume(t, PTRACE_SYSCALL, 0);
}

/* The kernel failed the rewritten exec: give the registers back. */
void exec_on_exit(struct sentry *s, struct task *t,
		  struct user_regs_struct *r)
{
	struct task_state *st = task_st(t);

	setid_on_exit(s, t, r);
	r->rdi = st->saved.rdi;
	r->rsi = st->saved.rsi;
	r->rdx = st->saved.rdx;
	r->r10 = st->saved.r10;
	r->r8 = st->saved.r8;
	/* The caller resumes it; killed if its arguments stay ours. */
	(void)task_setregs_or_kill(t, r);
	free(st->exec_path);
	st->exec_path = NULL;
	st->exec_comm[0] = '\0';
}

/* In the new program before it runs (plat_exec_inject): its name as
 * Linux's (PR_SET_NAME), what Linux's exec does for a set-id file that
 * the kernel here did not (exec_setid.c). */
static void exec_calls(pid_t tid, struct plat_call *pc, uint64_t scratch,
		       void *arg)
{
	struct task *t = arg;
	char comm[16] = { 0 };

	memcpy(comm, task_st(t)->exec_comm, sizeof(comm) - 1);
	if (comm[0] != '\0' &&
	    plat_mem_write(tid, scratch, comm, sizeof(comm)) == 0)
		(void)plat_inject(tid, pc, SYS_prctl, PR_SET_NAME, scratch, 0,
				  0, 0, 0);
	setid_exec_calls(t, pc, scratch);
}

/* PTRACE_EVENT_EXEC: other threads are gone; the exec'ing thread may have
 * taken over the leader's tid. */
void exec_on_event(struct sentry *s, struct task *t, pid_t old_tid)
{
	struct task *e = t;
	pid_t tid = t->host_tid;
	uint64_t old_prm;
	uid_t old_euid;
	gid_t old_egid;
	bool gained, at_exit = false;

	if (old_tid != tid) {
		struct task *old = task_find(s, old_tid);

		if (old != NULL) {
			task_free(s, t);
			e = old;
			e->host_tid = e->tid = tid;
			if (e->pidfd >= 0)
				close(e->pidfd);
			e->pidfd = syscall(SYS_pidfd_open, tid, 0);
		}
	}
	for (size_t i = 0; i < s->ntasks; i++) {
		struct task *o = s->tasks[i];

		if (o != e && o->host_tgid == e->host_tgid) {
			task_free(s, o);
			i = (size_t)-1;
		}
	}
	keys_on_exec(e);
	mempol_on_exec(e);
	gained = task_st(e)->setid.on;
	old_prm = e->creds.cap_permitted;
	old_euid = e->creds.euid;
	old_egid = e->creds.egid;
	e->creds.nodump = false;	/* a new mm: dumpable (nosuid root) */
	if (task_st(e)->exec_path != NULL) {
		free(e->exe);
		e->exe = steal_ptr(task_st(e)->exec_path);
	}
	task_st(e)->pending = TP_NONE;
	e->workload = true;	/* nothing of runsc left in it */
	e->tid = e->tgid;	/* the exec'ing thread is the leader now */
	task_refresh_caps(e);
	setid_on_event(e);
	setid_fix_auxv(e);	/* before the new program's first instruction */
	/* what the kernel does to an mm whose process gained */
	if (gained && (e->creds.euid != old_euid || e->creds.egid != old_egid ||
		       (e->creds.cap_permitted & ~old_prm)))
		e->creds.nodump = true;
	if (task_st(e)->exec_comm[0] != '\0' || setid_calls_wanted(e)) {
		int ret = plat_exec_inject(tid, exec_calls, e);

		task_st(e)->exec_comm[0] = '\0';
		if (ret < 0) {
			if (ret != -ESRCH)
				kill_unfinished(e);
			return;
		}
		at_exit = true;	/* it took execve's exit stop */
	}
	if (ptrace_emu_on_exec(s, e, at_exit))
		return;
	/* an emulated tracer's PTRACE_SYSCALL: execve's exit stop */
	if (at_exit && ptrace_emu_on_syscall_stop(s, e))
		return;
	task_resume(e, PTRACE_CONT, 0);
}
