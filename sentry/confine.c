// SPDX-License-Identifier: Apache-2.0
/*
 * The sentry's self-confinement (docs/architecture.md, invariant 4), once
 * the init is seized and every fd it needs is open:
 *  1. a new mount namespace whose root is an empty, read-only tmpfs
 *     (but for /proc: the sandbox's own procfs, sandbox_procfs_mount());
 *  2. only CAP_SYS_PTRACE, CAP_KILL, CAP_NET_BIND_SERVICE, CAP_SETUID and
 *     CAP_SETGID, and CAP_SYS_ADMIN as pid 1 of the sandbox's pid
 *     namespace (the last four used for a task only where it holds the
 *     right itself: sentry/sock_creds.c), an empty bounding set, no
 *     ambient capabilities;
 *  3. no_new_privs and a seccomp filter built from sentry_rules, the
 *     host syscalls the sentry makes and their argument values
 *     (lib/confine.c; docs/security.md is generated from the table).
 */
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/nsfs.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/confine.h"
#include "lib/log.h"
#include "lib/sanitizer.h"
#include "sentry/internal.h"
#include "sentry/vtree.h"

/*
 * A procfs of the sandbox's pid namespace for /proc in the sentry's root,
 * so that a host tool entering the sandbox process's mount namespace
 * (podman top: psgo, with the pid runsc wrote to --pid-file) sees exactly
 * the container's processes. A full instance, not the virtual trees'
 * subset=pid one: psgo also reads /proc/stat (boot time). Read-only,
 * nosuid, nodev, noexec; no host process is in it (docs/security.md).
 * -errno if the sandbox shares the sentry's pid namespace: then no /proc.
 */
static int sandbox_procfs_mount(pid_t init_pid)
{
	return vtree_procfs_mount(init_pid, 0);
}

/* Attaches the procfs mount pfd at /proc of the new root (cwd). */
static void attach_proc(int pfd)
{
	if (pfd < 0)
		return;
	if (mkdir("/proc", 0555) < 0) {
		log_warn("sentry: /proc: %s", strerror(errno));
		return;
	}
	if (syscall(SYS_move_mount, pfd, "", AT_FDCWD, "/proc",
		    MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		log_warn("sentry: procfs at /proc: %s", strerror(errno));
		(void)rmdir("/proc");	/* empty, just made: tidiness */
	}
}

static int empty_root(int pfd)
{
	static const char *const dirs[] = { "/tmp", "/mnt", "/run", "/" };
	const char *dir = NULL;

	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (mount("cvisor-sentry", dirs[i], "tmpfs",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "size=4k,nr_inodes=4,mode=0555") == 0) {
			dir = dirs[i];
			break;
		}
	}
	if (dir == NULL)
		return -errno;
	if (chdir(dir) < 0)
		return -errno;
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return -errno;
	if (umount2(".", MNT_DETACH) < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	attach_proc(pfd);
	if (mount(NULL, "/", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL) < 0)
		return -errno;
	return 0;
}

#define KEEP_CAPS                                                          \
	((1ull << CAP_SYS_PTRACE) | (1ull << CAP_KILL) |                   \
	 (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_SETUID) |           \
	 (1ull << CAP_SETGID))

/* The old, wrongly-encoded number of SECCOMP_IOCTL_NOTIF_ID_VALID. */
#define SECCOMP_IOR_ID_VALID_OLD _IOR(SECCOMP_IOC_MAGIC, 2, __u64)
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif


#define NOT_EXEC(sys, why)                                                 \
	CF_RULE(sys, why, 1, CF_CV(2, CF_CLEAR, "prot", PROT_EXEC))
#define SOCKOPT(sys, why, opt)                                             \
	CF_ARG2N(sys, why, 1, "level", SOL_SOCKET, "SOL_SOCKET", 2,        \
		 "optname", opt, #opt)
#define PTRACE(req) CF_ARGN(ptrace, NULL, 0, "request", req, #req)
#define IOCTL(req, why) CF_ARGN(ioctl, why, 1, "request", req, #req)
#define FCNTL(cmd, why) CF_ARGN(fcntl, why, 1, "cmd", cmd, #cmd)

/*
 * Every host syscall the sentry makes once confined, with the argument
 * values it uses (docs/security.md is generated from this table: make
 * docs). Rules of one syscall are consecutive. Not here, so fatal:
 * execve, clone/fork (the sentry is one thread), socket, the mount API,
 * unshare/setns, prctl, capset, setuid and friends, bpf, io_uring.
 */
static const struct cf_rule sentry_rules[] = {
	CF_ANY(epoll_wait, "the event loop"),
	CF_ANY(epoll_ctl, NULL),
	CF_ANY(read, "control socket, init socketpair, log"),
	CF_ANY(write, NULL),
	CF_ANY(writev, NULL),
	CF_ANY(recvmsg, "gofer protocol (fd passing), socket handlers on "
			"copies of workload sockets"),
	CF_ANY(sendmsg, NULL),
	CF_ANY(recvfrom, NULL),
	CF_ANY(sendto, NULL),
	CF_ANY(accept4, "control connections"),
	SOCKOPT(setsockopt, "control connections: credentials of an "
			    "attaching process, timeouts", SO_PASSCRED),
	SOCKOPT(setsockopt, NULL, SO_RCVTIMEO),
	SOCKOPT(setsockopt, NULL, SO_SNDTIMEO),
	SOCKOPT(getsockopt, "socket type checks, the result of a deferred "
			    "connect, a bind's port check", SO_TYPE),
	SOCKOPT(getsockopt, NULL, SO_ERROR),
	/* sentry/sock_creds.c: the port check of a bind */
	SOCKOPT(getsockopt, NULL, SO_DOMAIN),
	SOCKOPT(getsockopt, NULL, SO_PROTOCOL),
	CF_ANY(getpeername, "whether a datagram socket is connected before "
			    "a send to an AF_UNIX path"),
	CF_ANY(bind, "sentry/socket.c, on pidfd_getfd copies of workload "
		     "sockets"),
	CF_ANY(connect, NULL),
	CF_ANY(sendmmsg, NULL),
	CF_ANY(timerfd_create, "the retry timer of a deferred AF_UNIX "
			       "connect"),
	CF_ANY(timerfd_settime, NULL),
	CF_ARG(tee, "whether a FIFO a blocked open waits on has a writer "
		    "(one byte copied, none consumed: sentry/fs_fifo.c)",
	       3, "flags", SPLICE_F_NONBLOCK),
	CF_ARG(pipe2, "tee's scratch pipe", 1, "flags",
	       O_CLOEXEC | O_NONBLOCK),
	CF_ARG(poll, "the same FIFO's data or hang-up, not waiting", 2,
	       "timeout", 0),
	CF_ANY(close, "fd bookkeeping"),
	CF_ANY(fstat, NULL),
	CF_ANY(dup, NULL),
	FCNTL(F_DUPFD_CLOEXEC, "cwd fds on fork, socket copies, a FIFO's "
			       "blocking mode, seals of generated files"),
	FCNTL(F_GETFL, NULL),
	FCNTL(F_SETFL, NULL),
	FCNTL(F_ADD_SEALS, NULL),
	/* fdopendir() (synth_mirror.c, procfs_pid.c) */
	CF_ARG2(fcntl, NULL, 1, "cmd", F_SETFD, 2, "arg", FD_CLOEXEC),
	IOCTL(SECCOMP_IOCTL_NOTIF_RECV, "seccomp notifications (the old "
					"ID_VALID number too; sync wake-ups)"),
	IOCTL(SECCOMP_IOCTL_NOTIF_SEND, NULL),
	IOCTL(SECCOMP_IOCTL_NOTIF_ID_VALID, NULL),
	IOCTL(SECCOMP_IOR_ID_VALID_OLD, NULL),
	IOCTL(SECCOMP_IOCTL_NOTIF_ADDFD, NULL),
	IOCTL(PLAT_IOCTL_NOTIF_SET_FLAGS, NULL),
	IOCTL(NS_GET_USERNS, "a namespace's owner, parent, owner's uid "
			     "(sentry/nsfs.c)"),
	IOCTL(NS_GET_PARENT, NULL),
	IOCTL(NS_GET_OWNER_UID, NULL),
	/* a new task (runsc exec) with the platform's options only; the
	 * rest are requests on tasks already traced */
	CF_ARG2(ptrace, "tracing every workload task: the requests "
			"platform/ and sentry/ make",
		0, "request", PTRACE_SEIZE, 3, "data", PLAT_PTRACE_OPTIONS),
	PTRACE(PTRACE_GETREGS),
	PTRACE(PTRACE_SETREGS),
	PTRACE(PTRACE_CONT),
	PTRACE(PTRACE_SYSCALL),
	PTRACE(PTRACE_LISTEN),
	PTRACE(PTRACE_INTERRUPT),
	PTRACE(PTRACE_GETEVENTMSG),
	PTRACE(PTRACE_GET_SYSCALL_INFO),
	PTRACE(PTRACE_PEEKTEXT),
	PTRACE(PTRACE_POKETEXT),
	/* a tracee's signals blocked while calls are injected
	 * (platform/ptrace.c inject_mask) */
	PTRACE(PTRACE_GETSIGMASK),
	PTRACE(PTRACE_SETSIGMASK),
	/* emulated ptrace: requests on a held tracee (sentry/ptrace_req.c) */
	PTRACE(PTRACE_PEEKUSER),
	PTRACE(PTRACE_POKEUSER),
	PTRACE(PTRACE_GETFPREGS),
	PTRACE(PTRACE_SETFPREGS),
	PTRACE(PTRACE_GETREGSET),
	PTRACE(PTRACE_SETREGSET),
	PTRACE(PTRACE_GETSIGINFO),
	PTRACE(PTRACE_SETSIGINFO),
	PTRACE(PTRACE_SINGLESTEP),
	PTRACE(PTRACE_PEEKSIGINFO),
	CF_ARG2(ptrace, NULL, 0, "request", PTRACE_ARCH_PRCTL, 3, "data",
		ARCH_GET_FS),
	CF_ARG2(ptrace, NULL, 0, "request", PTRACE_ARCH_PRCTL, 3, "data",
		ARCH_GET_GS),
	CF_ARG2(ptrace, NULL, 0, "request", PTRACE_ARCH_PRCTL, 3, "data",
		ARCH_SET_FS),
	CF_ARG2(ptrace, NULL, 0, "request", PTRACE_ARCH_PRCTL, 3, "data",
		ARCH_SET_GS),
	/* a tracee's exit and vfork-done stops while its emulated tracer
	 * asks for them (sentry/ptrace_stop.c) */
	CF_ARG2(ptrace, NULL, 0, "request", PTRACE_SETOPTIONS, 3, "data",
		PLAT_PTRACE_OPTIONS),
	CF_ARG2(ptrace, NULL, 0, "request", PTRACE_SETOPTIONS, 3, "data",
		PLAT_PTRACE_OPTIONS | PTRACE_O_TRACEEXIT),
	CF_ARG2(ptrace, NULL, 0, "request", PTRACE_SETOPTIONS, 3, "data",
		PLAT_PTRACE_OPTIONS | PTRACE_O_TRACEVFORKDONE),
	CF_ARG2(ptrace, NULL, 0, "request", PTRACE_SETOPTIONS, 3, "data",
		PLAT_PTRACE_OPTIONS | PTRACE_O_TRACEEXIT |
			PTRACE_O_TRACEVFORKDONE),
	CF_ANY(wait4, "fork/exec/exit events"),
	CF_ARGN(waitid, "the gofer, reaped through its pidfd after "
			"sentry_run (runsc/sandbox.c)", 0, "idtype", P_PIDFD,
		"P_PIDFD"),
	CF_ARG(process_vm_readv, "workload memory", 5, "flags", 0),
	CF_ARG(process_vm_writev, NULL, 5, "flags", 0),
	CF_ARG(pidfd_open, "a pidfd per task", 1, "flags", 0),
	CF_ARGN(pidfd_open, NULL, 1, "flags", PIDFD_THREAD, "PIDFD_THREAD"),
	CF_ARG(pidfd_getfd, "copies of workload fds", 2, "flags", 0),
	CF_RULE(pidfd_send_signal, "signals to tasks through their pidfds",
		2, CF_CV(2, CF_EQ64, "info", NULL), CF_CV(3, CF_EQ, "flags", 0)),
	CF_ARGN(kill, "a new task the sentry cannot record, the init before "
		     "it is a task", 1, "sig", SIGKILL, "SIGKILL"),
	CF_ANY(tgkill, "a signal held back during an injection, re-raised in "
		       "the stopped tracee (platform/ptrace.c)"),
	CF_ANY(capget, "capability sets of tasks after credential changes "
		       "and exec"),
	CF_ANY(openat, "the virtual /proc, /sys and /dev (sentry/synth_*.c, "
		       "procfs*.c, sysfs.c): the private tmpfs mirror, the "
		       "sandbox's procfs"),
	CF_ANY(setfsuid, "a reopen of a workload fd through the sandbox's "
			 "procfs as the task's fs ids, this thread's only "
			 "(sentry/synth_tree.c)"),
	CF_ANY(setfsgid, NULL),
	CF_ARG(utimensat, "the times of a workload's pipe, socket or host "
			  "file, as its fs ids (sentry/fs_attr.c): its fd "
			  "only, no path", 1, "path", 0),
	CF_ANY(fsetxattr, "the same for user.* xattrs (security.* and "
			  "trusted.* refused before)"),
	CF_ANY(fremovexattr, NULL),
	CF_ANY(ftruncate, "O_TRUNC of a file reopened through its magic "
			  "link, once it is known to be the file checked "
			  "(sentry/synth_tree.c)"),
	CF_ANY(newfstatat, NULL),
	CF_ANY(statx, NULL),
	CF_ANY(readlinkat, NULL),
	CF_ANY(getdents64, NULL),
	CF_ANY(lseek, NULL),
	CF_ANY(pread64, NULL),
	CF_ANY(fchdir, NULL),
	CF_ANY(fchmod, NULL),
	CF_ANY(fchmodat, NULL),
	CF_ANY(mkdirat, NULL),
	CF_ANY(unlinkat, NULL),
	CF_ANY(symlinkat, NULL),
	CF_ANY(uname, NULL),
	CF_ARGN(memfd_create, "sealed memfds of generated files", 1, "flags",
		MFD_CLOEXEC | MFD_ALLOW_SEALING,
		"MFD_CLOEXEC | MFD_ALLOW_SEALING"),
	CF_ANY(inotify_add_watch, "sentry/fs_notify.c: a watch on the "
				  "sentry's copy of a workload inotify fd"),
	NOT_EXEC(mmap, "the C library's allocator: never executable memory"),
	NOT_EXEC(mprotect, NULL),
	CF_ANY(munmap, NULL),
	CF_ANY(mremap, NULL),
	CF_ANY(brk, NULL),
	CF_ANY(madvise, NULL),
	CF_ANY(futex, NULL),
	CF_ARG(sched_setaffinity, "sentry/loop.c's placement: itself only",
	       0, "pid", 0),
	CF_ANY(clock_gettime, "strace timing, uptime, waits"),
	CF_ANY(gettimeofday, NULL),
	CF_ANY(clock_nanosleep, NULL),
	CF_ANY(nanosleep, NULL),
	CF_ANY(rt_sigprocmask, "SIGCHLD is blocked and waited for"),
	CF_ANY(rt_sigtimedwait, NULL),
	CF_ANY(rt_sigreturn, NULL),
	CF_ANY(restart_syscall, NULL),
	CF_ANY(getpid, "log lines, sysinfo(2) emulation"),
	CF_ANY(gettid, NULL),
	CF_ANY(sysinfo, NULL),
	CF_ANY(exit, NULL),
	CF_ANY(exit_group, NULL),
	CF_SANITIZER_RULES,
};

const struct cf_table sentry_cf_table = {
	"sentry", sentry_rules, ARRAY_SIZE(sentry_rules)
};

int sentry_confine(struct sentry *s)
{
	cleanup_close int pfd = -1;
	int ret;

	pfd = sandbox_procfs_mount(s->init_pid);
	if (pfd < 0 && pfd != -EPERM)
		log_warn("sentry: no procfs of the sandbox: %s",
			 strerror(-pfd));
	ret = empty_root(pfd);
	if (ret < 0) {
		log_error("sentry: empty root: %s", strerror(-ret));
		return ret;
	}
	/* pid 1 of the sandbox's pid namespace: CAP_SYS_ADMIN in the user
	 * namespace that owns it names a task's pid in the SCM_CREDENTIALS
	 * it sends for it (sentry/sock_creds.c); that user namespace owns
	 * nothing of the host's, and the filter below has no call that
	 * would use it for anything else (docs/security.md). */
	ret = cf_keep_caps(KEEP_CAPS |
			   (getpid() == 1 ? 1ull << CAP_SYS_ADMIN : 0));
	if (ret < 0) {
		log_error("sentry: capabilities: %s", strerror(-ret));
		return ret;
	}
	/* Threads share the root and the capabilities just set; the filter
	 * (TSYNC) reaches them too. */
	ret = sentry_start_workers(s);
	if (ret < 0)
		return ret;
	ret = cf_install(&sentry_cf_table);
	if (ret < 0)
		log_error("sentry: seccomp filter: %s", strerror(-ret));
	return ret;
}
