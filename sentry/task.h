/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform-neutral task interface every syscall handler is written
 * against. A handler gets a struct sc_call for one intercepted syscall,
 * decodes its arguments, does the operation and returns the result: >= 0,
 * or -errno, which is what the workload sees; or says with the call's
 * outcome (enum sc_outcome) that the kernel runs it or that it is answered
 * later. Handlers never touch the platform (seccomp notification or
 * ptrace) directly.
 *
 * Handlers are defined with SENTRY_HANDLER(name) and bound to their rows
 * of syscalls/table.def at compile time: an EMULATE row without one fails
 * the build.
 */
#ifndef CV_SENTRY_TASK_H
#define CV_SENTRY_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../gofer/client.h"

struct sentry;
struct task;

/* Filesystem context, shared by threads/processes cloned with CLONE_FS. */
struct task_fs {
	int refs;
	int cwd_fd;		/* sentry-side O_PATH dir fd from the gofer */
	int root_fd;		/* GOFER_AT_ROOT unless chrooted */
	mode_t umask;
};

struct task_creds {
	uid_t ruid, euid, suid, fsuid;
	gid_t rgid, egid, sgid, fsgid;
	gid_t *groups;
	size_t ngroups;
	uint64_t cap_effective, cap_permitted, cap_inheritable;
	uint64_t cap_bounding, cap_ambient;
	bool no_new_privs;	/* the kernel's flag: the config's, then
				 * the task's own PR_SET_NO_NEW_PRIVS */
	/* Its process made non-dumpable since its last exec: by
	 * PR_SET_DUMPABLE 0, or a change of its effective or filesystem
	 * ids (suid_dumpable 0). Per process, as the kernel's (its mm):
	 * set in every thread, inherited by fork (sentry/coredump.c). */
	bool nodump;
};

struct task {
	pid_t host_tid;		/* host thread id */
	pid_t host_tgid;	/* host process id */
	pid_t tid, tgid;	/* ids in the sandbox's pid namespace */
	int pidfd;		/* of the thread group leader */
	struct task_fs *fs;
	struct task_creds creds;
	struct sentry *sentry;
	void *platform;		/* platform-private */
	char *exe;		/* canonical path of the last execve (for
				 * /proc/<pid>/exe), NULL before the first */
	pid_t host_ppid;	/* host pid of the parent, 0 if unknown */
	struct task_keys *keys;	/* keyrings (sentry/keys.c), NULL: none yet */
	struct task_mempol *mempol;	/* memory policy (sentry/mempolicy.c),
					 * NULL: the default */
	bool workload;		/* exec'd since it attached (or a child of
				 * such a task): before that it still runs
				 * runsc's code and /proc does not show it */
};

/* Every task, for the virtual /proc: calls fn until it returns non-zero. */
int task_for_each(struct sentry *s, int (*fn)(struct task *t, void *arg),
		  void *arg);
/* The task with this host tid, or NULL. */
struct task *task_by_host_tid(struct sentry *s, pid_t host_tid);
/* The sandbox's hostname and domainname (uname, sethostname). */
const char *sentry_hostname(struct sentry *s);
const char *sentry_domainname(struct sentry *s);
/* The container's device rules (lib/devrules.h) for st and access acc
 * (DEV_ACC_*, 0 for O_PATH): 0 or -EPERM. */
struct stat;
int sentry_dev_check(struct sentry *s, const struct stat *st, unsigned acc);

/* One intercepted call. */
/*
 * What became of a call its handler was given (struct sc_call.outcome). A
 * handler returns the call's result, a value or -errno, unless it says
 * otherwise: with sc_continue(), or by handing the call to sentry_defer()
 * (sentry/internal.h), which answers it later.
 */
enum sc_outcome {
	SC_OUT_VALUE,		/* the handler's return value is the result */
	SC_OUT_CONTINUE,	/* the kernel runs the call as it is */
	SC_OUT_DEFERRED,	/* the reply comes later (sentry_defer) */
};

struct sc_call {
	struct task *t;
	long nr;
	uint64_t args[6];
	uint64_t ip;
	void *platform;		/* platform-private */
	enum sc_outcome outcome;	/* set by sentry_dispatch() */
	/*
	 * An effect that must happen once, and only if the task takes the
	 * result: run after the reply reached it (sc_commit). A signal may
	 * interrupt a notified call after the sentry served it and before
	 * its reply: the kernel drops the reply and restarts the call, so
	 * an effect done by the handler itself would happen twice (every
	 * workload task is ptraced, so even an ignored SIGCHLD does it).
	 */
	/* The handler found the notification gone (task_read, task_write:
	 * -ESRCH): what it served did not reach the task's memory. */
	bool gone;
	/*
	 * Set by a handler whose only effects are its reply and what it
	 * writes with task_write (stat, access, readlink): its reads of the
	 * task's memory skip their own validity check. The check task_write
	 * (or the reply) makes later covers them: a notification still
	 * valid then means the task never died, so its pid was never
	 * reused and what was read was its own memory. One ioctl less.
	 */
	bool pure;
	void (*commit)(struct sc_call *c);
	void *commit_obj;
	long commit_arg[2];
};

/* Ends a pure stretch (struct sc_call's pure) before an effect: checks the
 * notification now, as the reads skipped. 0 or -ESRCH (c->gone). */
int task_call_valid(struct sc_call *c);

/* Makes fn(c) the call's commit: run once its result reached the task. */
static inline void sc_commit(struct sc_call *c, void (*fn)(struct sc_call *c),
			     void *obj, long a, long b)
{
	c->commit = fn;
	c->commit_obj = obj;
	c->commit_arg[0] = a;
	c->commit_arg[1] = b;
}

/* Workload memory. Each returns 0 or -EFAULT (or -ESRCH if the task died
 * or the notification is no longer valid: the read is not trusted). */
int task_read(struct sc_call *c, uint64_t addr, void *buf, size_t len);
int task_write(struct sc_call *c, uint64_t addr, const void *buf, size_t len);
/* Copies a NUL-terminated path: its length, -EFAULT, -ENAMETOOLONG
 * (cap includes the NUL; PATH_MAX for paths), -ENOENT for "". */
long task_read_path(struct sc_call *c, uint64_t addr, char *buf, size_t cap);

/* Installs a sentry-side fd in the task (consumes nothing: the caller still
 * owns fd). O_CLOEXEC honoured. Returns the workload's fd number or -errno. */
int task_install_fd(struct sc_call *c, int fd, unsigned flags);
/* The same for an fd that is the call's own result (open): the fd and
 * the reply in one step on a seccomp notification. */
int task_install_fd_result(struct sc_call *c, int fd, unsigned flags);
/* The same for an fd known not to be O_PATH (no F_GETFL to ask). */
int task_install_file_result(struct sc_call *c, int fd, unsigned flags);
/* Runs the PASS call nr(fd, a1, a2, a3) in the task on the sentry's fd fd,
 * installed for it and closed after (the task's own credentials decide):
 * its result, or -SENTRY_EHANDOFF in a worker (nothing done). */
long task_run_on_fd(struct sc_call *c, int fd, long nr, uint64_t a1,
		    uint64_t a2, uint64_t a3);
/* A sentry-side duplicate of the workload's fd wfd, or -EBADF. */
int task_dup_fd(struct sc_call *c, int wfd);

/* The gofer credentials for this task's filesystem calls. */
void task_gofer_creds(const struct task *t, struct gofer_creds *cr);
struct gofer_client *task_gofer(struct task *t);

typedef long (*sentry_handler_fn)(struct sc_call *c);

/* "Let the kernel run the call as it is": return sc_continue(c). Only
 * where no pointer argument decides anything (docs/architecture.md,
 * invariant 1): the kernel reads workload memory again. */
static inline long sc_continue(struct sc_call *c)
{
	c->outcome = SC_OUT_CONTINUE;
	return 0;
}

/*
 * Handlers are bound to their rows of syscalls/table.def at compile time
 * (sentry/handlers.c): each row has SC_NR_<name> and a prototype of
 * sys_<name>; an EMULATE row whose handler is missing fails the link, and
 * SENTRY_HANDLER of a name with no row fails the compile.
 */
#define SC(nr, name, ...)                                                    \
	SC_NR_##name = nr,
enum sc_row_nr {
#include "syscalls/table.def"
};
#undef SC
#define SC(nr, name, ...) long sys_##name(struct sc_call *c);
#include "syscalls/table.def"
#undef SC

#define SENTRY_HANDLER(sysname)                                              \
	_Static_assert(SC_NR_##sysname >= 0, "a row of syscalls/table.def"); \
	long sys_##sysname(struct sc_call *c)

/* The handler registered for a syscall name, or NULL. */
sentry_handler_fn sentry_handler_lookup(const char *name);

#endif
