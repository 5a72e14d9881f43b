// SPDX-License-Identifier: Apache-2.0
/*
 * Core dumps, as gVisor's sentry makes them: by the sentry, never by the
 * host kernel (whose dump would go to the task's host cwd, a removed
 * empty directory, and fail). At the signal-delivery stop of a task about
 * to die of a core-dumping signal (default action, no handler, not
 * ignored) whose RLIMIT_CORE soft limit is at least a page (Linux's
 * min_coredump) and which is dumpable, the sentry writes an ELF core:
 *
 *  - named by the sandbox's core_pattern (CV_CORE_PATTERN; %p %P %i %I
 *    %s %u %g %e %t %h %% expanded; a "|pipe" pattern runs nothing and
 *    dumps nothing), relative to the task's cwd;
 *  - made through the gofer as the task's fsuid/fsgid, mode 0600 under
 *    its umask, as Linux's do_coredump does: whatever has the name is
 *    unlinked (a symlink, another's file, a hard link: never written
 *    through), then the file created O_CREAT|O_EXCL|O_NOFOLLOW, and used
 *    only if it is a regular file with one link owned by the task's fsuid;
 *  - ET_CORE: a PT_NOTE (NT_PRSTATUS and NT_FPREGSET of the dying thread,
 *    NT_PRPSINFO, NT_SIGINFO, NT_AUXV, then NT_PRSTATUS and NT_FPREGSET
 *    of each other thread: they are stopped first, as Linux stops them,
 *    those that stop within 200 ms) and one PT_LOAD per
 *    mapping of /proc/<pid>/maps, whose contents follow the process's
 *    coredump_filter as Linux's vma_dump_size does (approximately: a
 *    private file mapping's anonymous pages are told by pagemap);
 *  - streamed: pages absent from pagemap or all zero are holes (lseek),
 *    the rest copied 64 KiB at a time with process_vm_readv; the sentry
 *    holds a fixed buffer whatever the mapping's size;
 *  - at most RLIMIT_CORE bytes written (holes do not count, as in Linux's
 *    dump_emit): what would go past it is left out, and the dump still
 *    counts as made (WCOREDUMP), as with Linux 6.18 here; under a page,
 *    no dump (Linux's min_coredump).
 *
 * A dump made records the process (its sandbox pid and signal); the
 * parent's wait4 and waitid are watched at their exit stops while a record
 * is pending (sentry/ptrace_wait.c) and get the bit and CLD_DUMPED; the
 * parent's SIGCHLD is rewritten to CLD_DUMPED at its delivery stop (a
 * signalfd's or sigwaitinfo's, dequeued without one, is not). A seccomp
 * filter's kill, which has no signal-delivery stop, is dumped at the
 * task's exit stop (coredump_on_filter, coredump_on_exit).
 * docs/security.md, "Core dumps", has what is and is not covered.
 */
#include <elf.h>
#include <linux/audit.h>
#include <sys/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "platform/platform.h"
#include "sentry/coredump.h"
#include "sentry/idmap.h"
#include "sentry/internal.h"
#include "sentry/proc_status.h"
#include "sentry/ptrace_emu.h"
#include "sentry/vtree.h"

#define CD_PAGE 4096UL
#define CD_CHUNK (64 * 1024UL)		/* one process_vm_readv */
#define CD_SPAN 512			/* pagemap entries per pread */
#define CD_MAX_VMAS 65533		/* e_phnum under PN_XNUM (0xffff) */
#define CD_MAX_RECS 256
#define CD_NOTES_BASE 16384		/* the notes but the threads' */
#define CD_THREAD_NOTES 1024		/* NT_PRSTATUS + NT_FPREGSET */
#define CD_STOP_WAIT_NS 200000000L	/* for the other threads */
#define CD_AUXV_MAX 4096

/* Linux's coredump_filter bits (MMF_DUMP_*) */
#define F_ANON_PRIVATE 0x1
#define F_ANON_SHARED 0x2
#define F_MAPPED_PRIVATE 0x4
#define F_MAPPED_SHARED 0x8
#define F_ELF_HEADERS 0x10

/* pagemap entry bits */
#define PM_PRESENT (1ULL << 63)
#define PM_SWAPPED (1ULL << 62)
#define PM_FILE (1ULL << 61)

/* A dumped process its parent has not seen as dumped yet. */
struct cd_rec {
	pid_t pid;	/* sandbox pid */
	int sig;
};

struct cd_recs {
	struct cd_rec r[CD_MAX_RECS];
	size_t n;
};

/* Dumped processes whose parent's wait is to get WCOREDUMP/CLD_DUMPED,
 * and those whose SIGCHLD is to say CLD_DUMPED: the two come in either
 * order (the wait reaps, the signal is delivered at the parent's next
 * return to user mode), each consumes its own record. */
static struct cd_recs waits, chlds;

enum cd_pages { CD_NONE, CD_ALL, CD_ANON };

struct cd_vma {
	uint64_t start, end;
	uint64_t filesz;	/* bytes of it in the file (holes included) */
	uint32_t flags;		/* PF_* */
	enum cd_pages pages;	/* which pages have contents */
	bool header;		/* its first page in any case (an ELF header) */
};

struct cd_out {
	int fd;
	uint64_t pos;		/* file offset after the pending skip */
	uint64_t skip;		/* a hole not yet made */
	uint64_t written;	/* bytes written (holes are not) */
	uint64_t limit;		/* RLIMIT_CORE: written bytes at most */
	bool full;		/* it reached the limit */
	bool failed;
};

/* One dump under way (the sentry's main thread makes one at a time). */
struct cd_ctx {
	struct sentry *s;
	struct task *t;
	int sig;
	uint64_t limit;
	unsigned long filter;
	struct cd_vma *vmas;
	size_t nvmas;
	char *notes;
	size_t notes_len, notes_max;
	pid_t *threads;		/* other threads, stopped for the dump */
	size_t nthreads;
	int pagemap;		/* -1: not readable, every page has contents */
	const siginfo_t *si;	/* the signal's, if not at its delivery stop */
};

static uint8_t chunk[CD_CHUNK];

static void recs_del(struct cd_recs *rs, pid_t pid)
{
	for (size_t i = 0; i < rs->n; i++) {
		if (rs->r[i].pid != pid)
			continue;
		memmove(rs->r + i, rs->r + i + 1,
			(rs->n - i - 1) * sizeof(*rs->r));
		rs->n--;
		return;
	}
}

static void recs_add(struct cd_recs *rs, pid_t pid, int sig)
{
	recs_del(rs, pid);
	if (rs->n == CD_MAX_RECS) {	/* the oldest goes */
		memmove(rs->r, rs->r + 1, (CD_MAX_RECS - 1) * sizeof(*rs->r));
		rs->n--;
	}
	rs->r[rs->n].pid = pid;
	rs->r[rs->n].sig = sig;
	rs->n++;
}

static const struct cd_rec *recs_find(const struct cd_recs *rs, pid_t pid)
{
	for (size_t i = 0; i < rs->n; i++)
		if (rs->r[i].pid == pid)
			return &rs->r[i];
	return NULL;
}

/* Wait records of processes reaped unseen (a parent that ignores SIGCHLD,
 * a waitid the sentry did not watch) go: no /proc/<pid> left. */
static void prune(void)
{
	int pfd = vtree_host_proc_fd();
	char name[16];
	struct stat st;

	for (size_t i = 0; pfd >= 0 && i < waits.n;) {
		snprintf(name, sizeof(name), "%d", (int)waits.r[i].pid);
		if (fstatat(pfd, name, &st, 0) < 0 && errno == ENOENT)
			recs_del(&waits, waits.r[i].pid);
		else
			i++;
	}
}

bool coredump_pending(void)
{
	if (waits.n > 0)
		prune();
	return waits.n > 0;
}

static bool dumps_core(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return true;
	default:
		return false;
	}
}

/* Whether the process takes sig by its default action (no handler, not
 * ignored): dispositions are per process. */
static bool takes_default(const struct task *t, int sig)
{
	uint64_t bit = 1ULL << (sig - 1);
	char buf[TASK_STATUS_MAX];

	if (task_status_read(t->tgid, 0, buf, sizeof(buf)) <= 0)
		return false;
	return !((status_num(buf, "SigIgn", 16) |
		  status_num(buf, "SigCgt", 16)) & bit);
}

/* The soft RLIMIT_CORE of the process: 0 if unreadable. */
static uint64_t core_limit(const struct task *t)
{
	static const char key[] = "\nMax core file size";
	char buf[4096];
	const char *p;

	if (task_proc_read(t->tgid, "limits", buf, sizeof(buf)) <= 0)
		return 0;
	p = strstr(buf, key);
	if (p == NULL)
		return 0;
	p += strlen(key);
	while (*p == ' ')
		p++;
	if (strncmp(p, "unlimited", 9) == 0)
		return UINT64_MAX;
	return strtoull(p, NULL, 10);
}

/*
 * Dumpable: not made non-dumpable since its exec as the sentry saw it
 * (creds.nodump: PR_SET_DUMPABLE 0, a change of effective or filesystem
 * ids), and the owner of its /proc files agrees (the kernel makes them
 * root's while it is not).
 */
static bool dumpable(struct sentry *s, const struct task *t)
{
	int pfd = vtree_host_proc_fd();
	char name[32];
	struct stat st;

	if (pfd < 0 || t->creds.nodump)
		return false;
	snprintf(name, sizeof(name), "%d/environ", (int)t->tgid);
	if (fstatat(pfd, name, &st, 0) < 0)
		return false;
	return ident_from_host(s, IDENT_UID, st.st_uid) == t->creds.euid;
}

/* ---- the file's name and the file -------------------------------------- */

static void put_str(char *out, size_t cap, size_t *len, const char *s)
{
	while (*s && *len + 1 < cap)
		out[(*len)++] = *s++;
	out[*len] = '\0';
}

/* Linux's format_corename for what the sandbox can show; false for a
 * pipe (nothing is run) or an empty name. */
static bool core_name(const struct cd_ctx *x, char *out, size_t cap)
{
	const char *p = CV_CORE_PATTERN;
	size_t len = 0;
	char v[64];

	out[0] = '\0';
	if (*p == '|')
		return false;
	for (; *p; p++) {
		if (*p != '%' || p[1] == '\0') {
			v[0] = *p;
			v[1] = '\0';
			put_str(out, cap, &len, v);
			continue;
		}
		switch (*++p) {
		case 'p': case 'P':
			snprintf(v, sizeof(v), "%d", (int)x->t->tgid);
			break;
		case 'i': case 'I':
			snprintf(v, sizeof(v), "%d", (int)x->t->tid);
			break;
		case 's':
			snprintf(v, sizeof(v), "%d", x->sig);
			break;
		case 'u':
			snprintf(v, sizeof(v), "%u", (unsigned)x->t->creds.euid);
			break;
		case 'g':
			snprintf(v, sizeof(v), "%u", (unsigned)x->t->creds.egid);
			break;
		case 't':
			snprintf(v, sizeof(v), "%lld", (long long)time(NULL));
			break;
		case 'h':
			snprintf(v, sizeof(v), "%s",
				 sentry_hostname(x->s));
			break;
		case 'e':
			if (task_proc_read(x->t->tgid, "comm", v, sizeof(v)) <= 0)
				v[0] = '\0';
			v[strcspn(v, "\n/")] = '\0';
			break;
		case '%':
			strcpy(v, "%");
			break;
		default:
			v[0] = '\0';
			break;
		}
		put_str(out, cap, &len, v);
	}
	return len > 0;
}

/*
 * Makes the core file as Linux's do_coredump does: the name is unlinked
 * first (whatever it was: a symlink, a file of another owner, a hard
 * link; a directory stays), then created O_CREAT|O_EXCL|O_NOFOLLOW, all
 * as the task; an fd to write, or -errno.
 */
static int core_open(struct cd_ctx *x, const char *name)
{
	struct task *t = x->t;
	struct gofer_at at = { .dirfd = t->fs->cwd_fd,
			       .rootfd = t->fs->root_fd, .path = name };
	struct gofer_creds cr;
	struct stat st;
	int fd = -1, ret;

	if (name[0] == '/')
		at.dirfd = t->fs->root_fd;
	else if (t->fs->cwd_fd < 0)
		return -ENOENT;
	task_gofer_creds(t, &cr);
	(void)gofer_unlinkat(task_gofer(t), &cr, &at, 0);
	ret = gofer_openat(task_gofer(t), &cr, &at,
			   O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW |
				   O_LARGEFILE,
			   0600, 0, &fd);
	fs_dcache_flush();	/* the name changed */
	if (ret < 0)
		return ret;
	if (fstat(fd, &st) < 0)
		ret = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_nlink > 1 ||
		 ident_from_host(x->s, IDENT_UID, st.st_uid) != t->creds.fsuid)
		ret = -EPERM;	/* Linux checks the same after its open */
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

/* ---- output, within RLIMIT_CORE ---------------------------------------- */

/* The pending hole (pos already counts it). */
static bool out_flush_skip(struct cd_out *o)
{
	if (o->skip == 0)
		return true;
	if (lseek(o->fd, (off_t)o->skip, SEEK_CUR) < 0) {
		o->failed = true;
		return false;
	}
	o->skip = 0;
	return true;
}

static bool out_emit(struct cd_out *o, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (o->failed || o->full)
		return false;
	if (o->written + len > o->limit) {
		o->full = true;	/* the file stops here; still a dump */
		return false;
	}
	if (!out_flush_skip(o))
		return false;
	while (len > 0) {
		ssize_t n = write(o->fd, p, len);

		if (n <= 0) {
			o->failed = true;
			return false;
		}
		p += n;
		len -= (size_t)n;
		o->pos += (uint64_t)n;
		o->written += (uint64_t)n;
	}
	return true;
}

static void out_hole(struct cd_out *o, uint64_t len)
{
	o->skip += len;
	o->pos += len;
}

static bool out_pad_to(struct cd_out *o, uint64_t off)
{
	if (off < o->pos)
		return false;
	out_hole(o, off - o->pos);
	return true;
}

/* A hole at the end still counts in the file's size: its last byte. */
static bool out_finish(struct cd_out *o)
{
	static const char zero;

	if (o->failed)
		return false;
	if (o->full || o->skip == 0)
		return true;
	o->skip--;
	o->pos--;
	return out_emit(o, &zero, 1);
}

/* ---- notes ------------------------------------------------------------- */

static void note_add(struct cd_ctx *x, uint32_t type, const void *desc,
		     size_t len)
{
	static const char name[8] = "CORE";
	Elf64_Nhdr h = { .n_namesz = 5, .n_descsz = (uint32_t)len,
			 .n_type = type };
	size_t need = sizeof(h) + sizeof(name) + ((len + 3) & ~3UL);

	if (x->notes_len + need > x->notes_max)
		return;
	memcpy(x->notes + x->notes_len, &h, sizeof(h));
	memcpy(x->notes + x->notes_len + sizeof(h), name, sizeof(name));
	memset(x->notes + x->notes_len + sizeof(h) + sizeof(name), 0,
	       need - sizeof(h) - sizeof(name));
	memcpy(x->notes + x->notes_len + sizeof(h) + sizeof(name), desc, len);
	x->notes_len += need;
}

/* ppid, pgrp and session from /proc/<pid>/stat (after the comm). */
static void stat_ids(pid_t pid, int ids[3])
{
	char buf[1024];
	const char *p;

	ids[0] = ids[1] = ids[2] = 0;
	if (task_proc_read(pid, "stat", buf, sizeof(buf)) <= 0)
		return;
	p = strrchr(buf, ')');
	if (p != NULL)
		(void)sscanf(p + 1, " %*c %d %d %d", &ids[0], &ids[1],
			     &ids[2]);
}

/* A thread's registers (the dying one's with the signal), then its
 * floating-point registers. */
static void note_thread(struct cd_ctx *x, const struct task *u,
			const int ids[3])
{
	struct elf_prstatus pr;
	struct user_regs_struct r;
	struct user_fpregs_struct fp;

	if (plat_getregs(u->host_tid, &r) < 0)
		return;
	memset(&pr, 0, sizeof(pr));
	if (u == x->t) {
		pr.pr_info.si_signo = x->sig;
		pr.pr_cursig = (short)x->sig;
	}
	pr.pr_pid = u->tid;
	pr.pr_ppid = ids[0];
	pr.pr_pgrp = ids[1];
	pr.pr_sid = ids[2];
	memcpy(&pr.pr_reg, &r,
	       sizeof(pr.pr_reg) < sizeof(r) ? sizeof(pr.pr_reg) : sizeof(r));
	pr.pr_fpvalid = 1;
	note_add(x, NT_PRSTATUS, &pr, sizeof(pr));
	if (ptrace(PTRACE_GETFPREGS, u->host_tid, 0, &fp) == 0)
		note_add(x, NT_FPREGSET, &fp, sizeof(fp));
}

static void note_prpsinfo(struct cd_ctx *x, const int ids[3])
{
	struct elf_prpsinfo ps;
	char buf[sizeof(ps.pr_psargs) + 1];
	ssize_t n;

	memset(&ps, 0, sizeof(ps));
	ps.pr_sname = 'R';
	ps.pr_uid = x->t->creds.ruid;
	ps.pr_gid = x->t->creds.rgid;
	ps.pr_pid = x->t->tgid;
	ps.pr_ppid = ids[0];
	ps.pr_pgrp = ids[1];
	ps.pr_sid = ids[2];
	if (task_proc_read(x->t->tgid, "comm", buf, sizeof(ps.pr_fname) + 1) > 0) {
		size_t l = strcspn(buf, "\n");

		memcpy(ps.pr_fname, buf, l < sizeof(ps.pr_fname) - 1 ?
						 l : sizeof(ps.pr_fname) - 1);
	}
	n = task_proc_read(x->t->tgid, "cmdline", buf, sizeof(buf));
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	if (n > 0)
		memcpy(ps.pr_psargs, buf,
		       (size_t)n < sizeof(ps.pr_psargs) - 1 ?
			       (size_t)n : sizeof(ps.pr_psargs) - 1);
	note_add(x, NT_PRPSINFO, &ps, sizeof(ps));
}

static void note_siginfo(struct cd_ctx *x)
{
	siginfo_t si;

	if (x->si != NULL) {
		note_add(x, NT_SIGINFO, x->si, sizeof(*x->si));
		return;
	}
	if (ptrace(PTRACE_GETSIGINFO, x->t->host_tid, 0, &si) < 0) {
		memset(&si, 0, sizeof(si));
		si.si_signo = x->sig;
	}
	note_add(x, NT_SIGINFO, &si, sizeof(si));
}

static void note_auxv(struct cd_ctx *x)
{
	static char buf[CD_AUXV_MAX];
	ssize_t n = task_proc_read(x->t->tgid, "auxv", buf, sizeof(buf));

	if (n > 0)
		note_add(x, NT_AUXV, buf, (size_t)n);
}

static void make_notes(struct cd_ctx *x)
{
	int ids[3];

	stat_ids(x->t->tgid, ids);
	note_thread(x, x->t, ids);	/* first: gdb's current thread */
	note_prpsinfo(x, ids);
	note_siginfo(x);
	note_auxv(x);
	for (size_t i = 0; i < x->nthreads; i++) {
		struct task *u = task_by_host_tid(x->s, x->threads[i]);

		if (u != NULL)
			note_thread(x, u, ids);
	}
}

/* ---- mappings ---------------------------------------------------------- */

static bool elf_magic_at(const struct cd_ctx *x, uint64_t addr)
{
	char m[SELFMAG];

	return plat_mem_read(x->t->host_tid, addr, m, sizeof(m)) == 0 &&
	       memcmp(m, ELFMAG, SELFMAG) == 0;
}

static void page_states(struct cd_ctx *x, uint64_t addr, uint64_t *pm,
			size_t n);

/*
 * Whether a private mapping has anonymous pages (Linux's anon_vma): any
 * page at all for an anonymous one, a copied-on-write page for one of a
 * file.
 */
static bool has_anon(struct cd_ctx *x, const struct cd_vma *v, bool file)
{
	uint64_t pm[CD_SPAN];

	if (x->pagemap < 0)
		return true;
	for (uint64_t a = v->start; a < v->end; a += CD_SPAN * CD_PAGE) {
		size_t n = (size_t)((v->end - a) / CD_PAGE);

		if (n > CD_SPAN)
			n = CD_SPAN;
		page_states(x, a, pm, n);
		for (size_t i = 0; i < n; i++)
			if ((pm[i] & (PM_PRESENT | PM_SWAPPED)) &&
			    !(file && (pm[i] & PM_FILE)))
				return true;
	}
	return false;
}

/* Linux's vma_dump_size, as far as maps and pagemap tell. VM_DONTDUMP
 * (smaps' "dd") is not read: sentry/mempolicy.c sets it itself on the
 * ranges mbind recorded (mempol_marked), which Linux would dump. */
static void vma_judge(struct cd_ctx *x, struct cd_vma *v,
		      const char *perms, uint64_t off, unsigned long ino,
		      const char *name)
{
	unsigned long f = x->filter;
	bool shared = perms[3] == 's', file = ino != 0 || name[0] == '/';
	bool gone = strstr(name, " (deleted)") != NULL;

	v->pages = CD_NONE;
	v->header = false;
	if (strcmp(name, "[vdso]") == 0) {
		v->pages = CD_ALL;	/* always dumped */
	} else if (perms[0] != 'r' || strncmp(name, "[vvar", 5) == 0 ||
		   strcmp(name, "[vsyscall]") == 0) {
		v->pages = CD_NONE;
	} else if (shared) {
		if ((!file || gone) ? (f & F_ANON_SHARED) :
				      (f & F_MAPPED_SHARED))
			v->pages = CD_ALL;
	} else if (!file) {
		if ((f & F_ANON_PRIVATE) && has_anon(x, v, false))
			v->pages = CD_ALL;
	} else if (f & F_MAPPED_PRIVATE) {
		v->pages = CD_ALL;
	} else {
		/* Linux: whole if it has copied-on-write pages (anon_vma) */
		if ((f & F_ANON_PRIVATE) && has_anon(x, v, true))
			v->pages = CD_ANON;
		v->header = (f & F_ELF_HEADERS) && off == 0 &&
			    elf_magic_at(x, v->start);
	}
	if (v->pages != CD_NONE)
		v->filesz = v->end - v->start;
	else
		v->filesz = v->header ? CD_PAGE : 0;
}

static int parse_vma(struct cd_ctx *x, const char *line, struct cd_vma *v)
{
	unsigned long long start, end, off;
	unsigned long ino;
	char perms[8];
	int n = 0;
	const char *name;

	if (sscanf(line, "%llx-%llx %7s %llx %*s %lu %n", &start, &end, perms,
		   &off, &ino, &n) < 5 || strlen(perms) < 4)
		return -EINVAL;
	name = line + n;
	v->start = start;
	v->end = end;
	v->flags = (perms[0] == 'r' ? PF_R : 0) |
		   (perms[1] == 'w' ? PF_W : 0) | (perms[2] == 'x' ? PF_X : 0);
	vma_judge(x, v, perms, off, ino, name);
	return 0;
}

/* The process's mappings, at most CD_MAX_VMAS (the kernel's
 * max_map_count is lower). */
static int read_vmas(struct cd_ctx *x)
{
	int pfd = vtree_host_proc_fd(), fd;
	char path[32], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%d/maps", (int)x->t->tgid);
	fd = pfd < 0 ? -1 : openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return -ENOMEM;
	}
	while (getline(&line, &cap, f) > 0 && x->nvmas < CD_MAX_VMAS) {
		struct cd_vma v;
		void *grown;

		line[strcspn(line, "\n")] = '\0';
		if (parse_vma(x, line, &v) < 0)
			continue;
		if ((x->nvmas & 255) == 0) {
			grown = realloc(x->vmas,
					(x->nvmas + 256) * sizeof(*x->vmas));
			if (grown == NULL)
				break;
			x->vmas = grown;
		}
		x->vmas[x->nvmas++] = v;
	}
	free(line);
	fclose(f);
	return 0;
}

/* ---- writing ----------------------------------------------------------- */

static bool write_headers(struct cd_ctx *x, struct cd_out *o)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t phnum = 1 + x->nvmas;
	uint64_t note_off = sizeof(eh) + phnum * sizeof(ph);
	uint64_t off = (note_off + x->notes_len + CD_PAGE - 1) & ~(CD_PAGE - 1);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = (Elf64_Half)phnum;
	if (!out_emit(o, &eh, sizeof(eh)))
		return false;
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = note_off;
	ph.p_filesz = x->notes_len;
	ph.p_align = 4;
	if (!out_emit(o, &ph, sizeof(ph)))
		return false;
	for (size_t i = 0; i < x->nvmas; i++) {
		const struct cd_vma *v = &x->vmas[i];

		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_offset = off;
		ph.p_vaddr = v->start;
		ph.p_filesz = v->filesz;
		ph.p_memsz = v->end - v->start;
		ph.p_flags = v->flags;
		ph.p_align = CD_PAGE;
		off += v->filesz;
		if (!out_emit(o, &ph, sizeof(ph)))
			return false;
	}
	if (!out_emit(o, x->notes, x->notes_len))
		return false;
	return out_pad_to(o, (note_off + x->notes_len + CD_PAGE - 1) &
				     ~(CD_PAGE - 1));
}

/* The pagemap entries of n pages from addr; all present when unknown. */
static void page_states(struct cd_ctx *x, uint64_t addr, uint64_t *pm,
			size_t n)
{
	ssize_t got = -1;

	if (x->pagemap >= 0)
		got = pread(x->pagemap, pm, n * sizeof(*pm),
			    (off_t)(addr / CD_PAGE * sizeof(*pm)));
	if (got < 0)
		got = 0;
	for (size_t i = (size_t)got / sizeof(*pm); i < n; i++)
		pm[i] = PM_PRESENT;
}

static bool wanted(const struct cd_vma *v, uint64_t addr, uint64_t pm)
{
	if (!(pm & (PM_PRESENT | PM_SWAPPED)))
		return false;
	if (v->header && addr == v->start)
		return true;
	if (v->pages == CD_ANON)
		return !(pm & PM_FILE);
	return v->pages == CD_ALL;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += sizeof(uint64_t))
		if (*(const uint64_t *)(p + i) != 0)
			return false;
	return true;
}

/* Pages [addr, addr + len) (all wanted) from the task: copied, or holes
 * where unreadable or zero. */
static bool copy_run(struct cd_ctx *x, struct cd_out *o, uint64_t addr,
		     size_t len)
{
	struct iovec local = { chunk, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(x->t->host_tid, &local, 1, &remote, 1, 0);
	size_t got = n > 0 ? (size_t)n & ~(CD_PAGE - 1) : 0;

	for (size_t i = 0; i < len; i += CD_PAGE) {
		if (i >= got) {
			/* the first page it could not read: page by page */
			local.iov_base = chunk + i;
			local.iov_len = CD_PAGE;
			remote.iov_base = (void *)(uintptr_t)(addr + i);
			remote.iov_len = CD_PAGE;
			if (process_vm_readv(x->t->host_tid, &local, 1,
					     &remote, 1, 0) != (ssize_t)CD_PAGE) {
				out_hole(o, CD_PAGE);
				continue;
			}
		}
		if (all_zero(chunk + i, CD_PAGE))
			out_hole(o, CD_PAGE);
		else if (!out_emit(o, chunk + i, CD_PAGE))
			return false;
	}
	return true;
}

static bool write_vma(struct cd_ctx *x, struct cd_out *o,
		      const struct cd_vma *v)
{
	uint64_t pm[CD_SPAN], end = v->start + v->filesz;

	for (uint64_t span = v->start; span < end;
	     span += CD_SPAN * CD_PAGE) {
		size_t n = (size_t)((end - span) / CD_PAGE);

		if (n > CD_SPAN)
			n = CD_SPAN;
		page_states(x, span, pm, n);
		for (size_t i = 0; i < n;) {
			size_t run = 0;

			while (i + run < n && run < CD_CHUNK / CD_PAGE &&
			       wanted(v, span + (i + run) * CD_PAGE,
				      pm[i + run]))
				run++;
			if (run == 0) {
				out_hole(o, CD_PAGE);
				i++;
				continue;
			}
			if (!copy_run(x, o, span + i * CD_PAGE,
				      run * CD_PAGE))
				return false;
			i += run;
		}
	}
	return true;
}

static bool write_core(struct cd_ctx *x, int fd)
{
	struct cd_out o = { .fd = fd, .limit = x->limit };

	bool ok = write_headers(x, &o);

	for (size_t i = 0; ok && i < x->nvmas; i++)
		ok = write_vma(x, &o, &x->vmas[i]);
	/* Cut at RLIMIT_CORE, it is still a dump (Linux sets the bit) */
	return o.full ? !o.failed : ok && out_finish(&o);
}

/* ---- the dump and its records ------------------------------------------ */

static void record(pid_t pid, int sig)
{
	recs_add(&waits, pid, sig);
	recs_add(&chlds, pid, sig);
}

void coredump_forget(pid_t pid)
{
	recs_del(&waits, pid);
	recs_del(&chlds, pid);
}

/* Whether thread u may be in a wait4 or waitid that was let go on
 * unwatched (/proc/<pid>/task/<tid>/syscall: the number of the call it is
 * blocked in, or "running": perhaps on its way to sleep in one). */
static bool in_wait(const struct task *u)
{
	char name[48], buf[64];
	long nr;

	snprintf(name, sizeof(name), "task/%d/syscall", (int)u->tid);
	if (task_proc_read(u->tgid, name, buf, sizeof(buf)) <= 0)
		return true;
	if (strncmp(buf, "running", 7) == 0)
		return true;
	nr = strtol(buf, NULL, 10);
	return nr == SYS_wait4 || nr == SYS_waitid;
}

/* Whether tid stopped (within the wait), or is gone (nothing to wait
 * for: its registers are not to be had): a status it made is queued for
 * the event loop, which handles it after the dump; a thread already in a
 * stop (its status taken before) answers PTRACE_GETREGS. */
static bool thread_stopped(struct cd_ctx *x, pid_t tid)
{
	struct user_regs_struct r;
	int status;
	pid_t got = waitpid(tid, &status, __WALL | WNOHANG);

	(void)x;
	if (got == tid) {
		sentry_queue_wait(tid, status);
		return true;
	}
	if (got < 0 && errno == ECHILD)
		return true;
	return plat_getregs(tid, &r) == 0;
}

/* Waits until each tid of tids[0..n) stopped (thread_stopped: set to 0
 * then), or until the CLOCK_MONOTONIC time until. Those still running. */
static size_t await_stops(struct cd_ctx *x, pid_t *tids, size_t n,
			  uint64_t until)
{
	struct timespec ms = { 0, 1000000 };
	size_t left = 0;

	for (size_t i = 0; i < n; i++)
		left += tids[i] != 0;
	while (left > 0 && cv_now_ns() < until) {
		for (size_t i = 0; i < n; i++) {
			if (tids[i] == 0 || !thread_stopped(x, tids[i]))
				continue;
			tids[i] = 0;
			left--;
		}
		if (left > 0)
			nanosleep(&ms, NULL);
	}
	return left;
}

/*
 * A wait of the parent already asleep in the kernel was not watched (no
 * record then): the threads of the parent that may be in one are interrupted
 * (PTRACE_INTERRUPT: the wait restarts, and its new entry stop watches
 * it). Threads in a stop of the sentry's, or traced by a workload task,
 * are left alone. The dumped process dies only after: each thread kicked
 * is waited for until it stopped (its status queued for the loop), up to
 * CD_STOP_WAIT_NS, for one still on its way into the wait would reap the
 * zombie unwatched, the interrupt notwithstanding (do_wait reaps a zombie
 * it finds before it looks at signals).
 */
#define CD_KICK_MAX 64
static void kick_parent(struct sentry *s, const struct task *t)
{
	uint64_t until = cv_now_ns() + (uint64_t)CD_STOP_WAIT_NS;
	pid_t kicked[CD_KICK_MAX];
	size_t n = 0;

	for (size_t i = 0; i < s->ntasks; i++) {
		struct task *u = s->tasks[i];
		struct task_state *st = task_st(u);

		if (u->host_tgid != t->host_ppid || st->exited ||
		    st->pt_parked || !st->ids_known || st->held ||
		    (st->pending != TP_NONE && st->pending != TP_WAIT) ||
		    ptrace_link_of(u) != NULL || !in_wait(u))
			continue;
		if (ptrace(PTRACE_INTERRUPT, u->host_tid, 0, 0) == 0 &&
		    n < CD_KICK_MAX)
			kicked[n++] = u->host_tid;
	}
	(void)await_stops(NULL, kicked, n, until);
}

/*
 * The process's other threads, stopped as Linux stops them before its
 * dump (so that the memory holds still and their registers go in the
 * core): each is interrupted (PTRACE_INTERRUPT), and the ones that stop
 * within CD_STOP_WAIT_NS are kept in x->threads. The group dies of the
 * signal right after the dump: nothing resumes them.
 */
static void stop_threads(struct cd_ctx *x)
{
	struct sentry *s = x->s;
	size_t n = 0, left;
	uint64_t until = cv_now_ns() + (uint64_t)CD_STOP_WAIT_NS;
	pid_t *pending;

	for (size_t i = 0; i < s->ntasks; i++)
		n += s->tasks[i]->host_tgid == x->t->host_tgid &&
		     s->tasks[i] != x->t && !task_st(s->tasks[i])->exited;
	if (n == 0 || (x->threads = calloc(n, sizeof(pid_t))) == NULL)
		return;
	for (size_t i = 0; i < s->ntasks && x->nthreads < n; i++) {
		struct task *u = s->tasks[i];

		if (u->host_tgid != x->t->host_tgid || u == x->t ||
		    task_st(u)->exited)
			continue;
		(void)ptrace(PTRACE_INTERRUPT, u->host_tid, 0, 0);
		/* one in a deferred call (a killable wait since the sentry
		 * received it) stops once that call is ended */
		sentry_deferred_interrupt(s, u);
		x->threads[x->nthreads++] = u->host_tid;
	}
	/* pending[i] != 0: not stopped yet */
	pending = calloc(x->nthreads, sizeof(pid_t));
	if (pending == NULL) {
		x->nthreads = 0;
		return;
	}
	memcpy(pending, x->threads, x->nthreads * sizeof(pid_t));
	left = await_stops(x, pending, x->nthreads, until);
	/* the ones that did not stop: no registers of theirs */
	for (size_t i = 0, j = 0; i < x->nthreads; i++)
		if (pending[i] == 0)
			x->threads[j++] = x->threads[i];
	x->nthreads -= left;
	free(pending);
}

static bool dump(struct cd_ctx *x)
{
	cleanup_close int fd = -1;
	char name[256], path[32];
	int pfd = vtree_host_proc_fd();
	bool ok;

	if (!core_name(x, name, sizeof(name)))
		return false;
	fd = core_open(x, name);
	if (fd < 0) {
		log_debug("sentry: tid %d: core file %s: %s", (int)x->t->tid,
			  name, strerror(-fd));
		return false;
	}
	snprintf(path, sizeof(path), "%d/pagemap", (int)x->t->tgid);
	x->pagemap = pfd < 0 ? -1 : openat(pfd, path, O_RDONLY | O_CLOEXEC);
	stop_threads(x);
	x->notes_max = CD_NOTES_BASE + x->nthreads * CD_THREAD_NOTES;
	x->notes = malloc(x->notes_max);
	ok = x->notes != NULL && read_vmas(x) == 0;
	if (ok) {
		make_notes(x);
		ok = write_core(x, fd);
	}
	if (x->pagemap >= 0)
		close(x->pagemap);
	log_debug("sentry: tid %d: core dumped to %s (%zu mappings)%s",
		  (int)x->t->tid, name, x->nvmas, ok ? "" : ", cut short");
	return ok;
}

static unsigned long dump_filter(const struct task *t)
{
	char buf[32];

	if (task_proc_read(t->tgid, "coredump_filter", buf, sizeof(buf)) <= 0)
		return 0x33;	/* Linux's default */
	return strtoul(buf, NULL, 16);
}

/* The dump of x, if its RLIMIT_CORE and dumpability allow one; the
 * parent is told. */
static void dump_and_record(struct cd_ctx *x)
{
	x->limit = core_limit(x->t);
	if (x->limit >= CD_PAGE && dumpable(x->s, x->t)) {
		x->filter = dump_filter(x->t);
		if (dump(x)) {
			record(x->t->tgid, x->sig);
			kick_parent(x->s, x->t);
		}
	}
	free(x->vmas);
	free(x->notes);
	free(x->threads);
}

void coredump_on_signal(struct sentry *s, struct task *t, int sig)
{
	struct cd_ctx x = { .s = s, .t = t, .sig = sig, .pagemap = -1 };

	if (!dumps_core(sig) || t->fs == NULL || !takes_default(t, sig))
		return;
	dump_and_record(&x);
}

/* ---- a seccomp filter's kill ------------------------------------------- */

/*
 * A filter's SECCOMP_RET_KILL_PROCESS (or KILL_THREAD in the last thread)
 * forces SIGSYS on the task with an immutable default action: no
 * signal-delivery stop, the kernel dumps (and fails: the host cwd is
 * gone). A process with filters of its own therefore stops at its exit
 * (PTRACE_O_TRACEEXIT, set when it installs one and inherited by the
 * tasks it makes), where its memory is still whole: the sentry dumps
 * there.
 */
#define CD_SECCOMP_MODE_DEAD 3	/* the kernel's, in status "Seccomp:" */
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1		/* SIGSYS's si_code (asm-generic/siginfo.h) */
#endif
#define CD_PF_EXITING 0x4
#define CD_PF_POSTCOREDUMP 0x8

bool coredump_on_filter(struct sentry *s, struct task *t,
			struct plat_call *pc)
{
	struct task_state *st = task_st(t);
	long nr = (long)pc->regs.orig_rax;

	if (nr != SYS_seccomp &&
	    !(nr == SYS_prctl && (uint32_t)pc->regs.rdi == PR_SET_SECCOMP))
		return false;
	if (ptrace(PTRACE_SETOPTIONS, t->host_tid, 0,
		   PLAT_PTRACE_OPTIONS | PTRACE_O_TRACEEXIT |
			   ptrace_own_options(t)) == 0)
		st->exit_watch = true;
	if (s->strace) {
		/* logged at its exit stop, as a PASS call is */
		st->pending = TP_STRACE;
		st->nr = nr;
		plat_regs_args(&pc->regs, st->args);
		st->t0 = cv_now_ns();
		task_resume(t, PTRACE_SYSCALL, 0);
		return true;
	}
	sentry_plat_result(t->host_tid,
			   plat_ptrace_finish(t->host_tid, pc, 0, true),
			   "reply");
	return true;
}

/* Whether thread u of a process one of whose threads a filter killed is
 * dying too (the kernel's KILL_PROCESS, or its dump, zapped it: SIGKILL
 * pending, or past it, in its exit), or gone. */
static bool thread_dying(const struct task *u)
{
	char buf[TASK_STATUS_MAX], name[32];
	unsigned long flags = 0;
	const char *p;
	char state;

	if (task_status_read(u->tgid, u->tid, buf, sizeof(buf)) <= 0)
		return true;
	if (status_num(buf, "SigPnd", 16) & (1ULL << (SIGKILL - 1)))
		return true;
	snprintf(name, sizeof(name), "task/%d/stat", (int)u->tid);
	if (task_proc_read(u->tgid, name, buf, sizeof(buf)) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return true;
	/* state ppid pgrp session tty_nr tpgid flags */
	if (sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2)
		return true;
	return state == 'Z' || state == 'X' ||
	       (flags & (CD_PF_EXITING | CD_PF_POSTCOREDUMP)) != 0;
}

/* Linux dumps for KILL_PROCESS, and for KILL_THREAD in the process's last
 * live thread: in both, no other thread of it lives on. */
static bool process_dies(struct sentry *s, const struct task *t)
{
	for (size_t i = 0; i < s->ntasks; i++) {
		struct task *u = s->tasks[i];

		if (u != t && u->host_tgid == t->host_tgid &&
		    !task_st(u)->exited && !thread_dying(u))
			return false;
	}
	return true;
}

/* Linux's force_sig_seccomp siginfo; si_errno is the filter's
 * SECCOMP_RET_DATA, which the sentry cannot know: 0, as most filters'. */
static void seccomp_siginfo(const struct task *t, siginfo_t *si)
{
	struct user_regs_struct r;

	memset(si, 0, sizeof(*si));
	si->si_signo = SIGSYS;
	si->si_code = SYS_SECCOMP;
	if (plat_getregs(t->host_tid, &r) < 0)
		return;
	si->si_call_addr = (void *)(uintptr_t)r.rip;
	si->si_syscall = (int)r.orig_rax;
	si->si_arch = r.cs == 0x23 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
}

void coredump_on_exit(struct sentry *s, struct task *t)
{
	char buf[TASK_STATUS_MAX];
	siginfo_t si;
	struct cd_ctx x = { .s = s, .t = t, .sig = SIGSYS, .pagemap = -1,
			    .si = &si };
	unsigned long msg = 0;
	int code;

	if (ptrace(PTRACE_GETEVENTMSG, t->host_tid, 0, &msg) < 0)
		return;
	code = (int)msg;
	if (!WIFSIGNALED(code) || WTERMSIG(code) != SIGSYS ||
	    WCOREDUMP(code) || t->fs == NULL)
		return;
	if (task_status_read(t->tgid, t->tid, buf, sizeof(buf)) <= 0 ||
	    status_num(buf, "Seccomp", 10) != CD_SECCOMP_MODE_DEAD ||
	    !process_dies(s, t))
		return;
	seccomp_siginfo(t, &si);
	dump_and_record(&x);
}

/* ---- the parent's SIGCHLD ---------------------------------------------- */

/* A SIGCHLD siginfo that says CLD_KILLED for a child the sentry dumped
 * with that signal: made CLD_DUMPED (the caller writes it back and then
 * consumes the record). */
static bool chld_dumped(siginfo_t *si)
{
	const struct cd_rec *r;

	if (si->si_signo != SIGCHLD || si->si_code != CLD_KILLED)
		return false;
	r = recs_find(&chlds, si->si_pid);
	if (r == NULL || r->sig != si->si_status)
		return false;
	si->si_code = CLD_DUMPED;
	return true;
}

void coredump_on_sigchld(struct task *t, int sig)
{
	siginfo_t si;

	if (sig != SIGCHLD || chlds.n == 0 ||
	    ptrace(PTRACE_GETSIGINFO, t->host_tid, 0, &si) < 0 ||
	    !chld_dumped(&si))
		return;
	if (ptrace(PTRACE_SETSIGINFO, t->host_tid, 0, &si) == 0)
		recs_del(&chlds, si.si_pid);
}

/* ---- the parent's wait ------------------------------------------------- */

static void fix_wait4(struct task *t, const uint64_t args[6], long ret)
{
	const struct cd_rec *r = recs_find(&waits, (pid_t)ret);
	int status;

	if (ret <= 0 || r == NULL)
		return;
	if (args[1] != 0 &&
	    plat_mem_read(t->host_tid, args[1], &status, sizeof(status)) == 0 &&
	    WIFSIGNALED(status) && WTERMSIG(status) == r->sig) {
		status |= WCOREFLAG;
		(void)plat_mem_write(t->host_tid, args[1], &status,
				     sizeof(status));
	}
	recs_del(&waits, (pid_t)ret);	/* reaped */
}

static void fix_waitid(struct task *t, const uint64_t args[6], long ret)
{
	siginfo_t si;
	const struct cd_rec *r;

	if (ret != 0 || args[2] == 0 ||
	    plat_mem_read(t->host_tid, args[2], &si, sizeof(si)) < 0)
		return;
	r = recs_find(&waits, si.si_pid);
	if (r == NULL || si.si_signo != SIGCHLD || si.si_code != CLD_KILLED ||
	    si.si_status != r->sig)
		return;
	si.si_code = CLD_DUMPED;
	(void)plat_mem_write(t->host_tid, args[2], &si, sizeof(si));
	if (!(args[3] & WNOWAIT))
		recs_del(&waits, si.si_pid);
}

/* rt_sigtimedwait that returned SIGCHLD: its siginfo (args[1]), written
 * by the kernel, gets CLD_DUMPED for a child the sentry dumped; the
 * SIGCHLD record is consumed, as its delivery would have. */
static void fix_sigwait(struct task *t, const uint64_t args[6], long ret)
{
	siginfo_t si;

	if (ret != SIGCHLD || args[1] == 0 || chlds.n == 0 ||
	    plat_mem_read(t->host_tid, args[1], &si, sizeof(si)) < 0 ||
	    !chld_dumped(&si))
		return;
	if (plat_mem_write(t->host_tid, args[1], &si, sizeof(si)) == 0)
		recs_del(&chlds, si.si_pid);
}

void coredump_fix_wait(struct task *t, long nr, const uint64_t args[6],
		       long ret)
{
	if (nr == SYS_wait4)
		fix_wait4(t, args, ret);
	else if (nr == SYS_waitid)
		fix_waitid(t, args, ret);
	else if (nr == SYS_rt_sigtimedwait)
		fix_sigwait(t, args, ret);
}
