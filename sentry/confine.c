// SPDX-License-Identifier: Apache-2.0
/*
 * The sentry's self-confinement (docs/architecture.md, invariant 4), once
 * the init is seized and every fd it needs is open:
 *  1. a new mount namespace whose root is an empty, read-only tmpfs
 *     (but for /proc: the sandbox's own procfs, sandbox_procfs_mount());
 *  2. only CAP_SYS_PTRACE, CAP_KILL, CAP_NET_BIND_SERVICE, CAP_SETUID and
 *     CAP_SETGID (the last three used for a task only where it holds the
 *     right itself: sentry/sock_creds.c), an empty bounding set, no
 *     ambient capabilities;
 *  3. no_new_privs and a seccomp filter listing the host syscalls the
 *     sentry makes (docs/security.md says why each is needed).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/sanitizer.h"
#include "sentry/internal.h"

/*
 * A procfs of the sandbox's pid namespace for /proc in the sentry's root,
 * so that a host tool entering the sandbox process's mount namespace
 * (podman top: psgo, with the pid runsc wrote to --pid-file) sees exactly
 * the container's processes. A full instance, not the vfs's subset=pid
 * one: psgo also reads /proc/stat (boot time). Read-only, nosuid, nodev,
 * noexec; no host process is in it (docs/security.md). -errno if the
 * sandbox shares the sentry's pid namespace: then no /proc.
 */
static int sandbox_procfs_mount(pid_t init_pid)
{
	cleanup_close int ns = -1, own = -1, fs = -1;
	char path[64];
	struct stat a, b;
	int m;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init_pid);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (ns < 0 || own < 0)
		return -errno;
	if (fstat(ns, &a) < 0 || fstat(own, &b) < 0)
		return -errno;
	if (a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		return -EPERM;
	fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "pidns", NULL, ns) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
			 MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				 MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY);
	return m < 0 ? -errno : m;
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
		rmdir("/proc");
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

static int drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	for (int cap = 0; cap < 64; cap++) {
		if (KEEP_CAPS & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)KEEP_CAPS;
	d[1].effective = d[1].permitted = (uint32_t)(KEEP_CAPS >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

/* Every host syscall the sentry makes after confinement. */
static const int allowed[] = {
	/* event loop, control socket, gofer protocol, logging */
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(sendto), SCMP_SYS(accept4), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockopt), SCMP_SYS(getsockname), SCMP_SYS(close),
	SCMP_SYS(getpeername),
	SCMP_SYS(fcntl), SCMP_SYS(fstat),
	/* ptrace platform and task tracking */
	SCMP_SYS(ptrace), SCMP_SYS(wait4), SCMP_SYS(waitid),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	SCMP_SYS(pidfd_open), SCMP_SYS(pidfd_getfd),
	SCMP_SYS(pidfd_send_signal), SCMP_SYS(kill), SCMP_SYS(tgkill),
	SCMP_SYS(capget),
	/* sentry/socket.c on copies of workload sockets */
	SCMP_SYS(bind), SCMP_SYS(connect), SCMP_SYS(sendmmsg),
	/* the retry timer of a deferred AF_UNIX connect */
	SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime),
	/* the virtual /proc /sys /dev (sentry/vfs_*.c): a private tmpfs
	 * mirror, sealed memfds, the workload's own entries in procfs */
	SCMP_SYS(openat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
	SCMP_SYS(readlinkat), SCMP_SYS(getdents64), SCMP_SYS(memfd_create),
	SCMP_SYS(lseek), SCMP_SYS(pread64), SCMP_SYS(ftruncate),
	SCMP_SYS(fstatfs), SCMP_SYS(fchdir), SCMP_SYS(dup), SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat), SCMP_SYS(mkdirat), SCMP_SYS(unlinkat),
	SCMP_SYS(symlinkat), SCMP_SYS(uname),
	/* sentry/fs_notify.c: a watch on the sentry's copy of a workload
	 * inotify fd, from inside the directory the gofer resolved */
	SCMP_SYS(inotify_add_watch),
	/* memory, time, signals, exit */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(restart_syscall), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(sysinfo), SCMP_SYS(exit), SCMP_SYS(exit_group),
};

static const unsigned long ioctls[] = {
	SECCOMP_IOCTL_NOTIF_RECV, SECCOMP_IOCTL_NOTIF_SEND,
	SECCOMP_IOCTL_NOTIF_ID_VALID, SECCOMP_IOCTL_NOTIF_ADDFD,
	PLAT_IOCTL_NOTIF_SET_FLAGS,	/* sync wake-ups (loop.c) */
	/* the old, wrongly-encoded ID_VALID number */
	_IOR(SECCOMP_IOC_MAGIC, 2, __u64),
};

static int install_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(CV_SANITIZED ? SCMP_ACT_ERRNO(ENOSYS)
						       : SCMP_ACT_KILL_PROCESS);
	int ret = 0;

	if (ctx == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !ret;
	     i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]) && !ret; i++)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_EQ, ioctls[i]));
	if (CV_SANITIZED && !ret)	/* make asan builds only */
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack),
				       0);
	/* sentry/loop.c's placement: its own threads only */
	if (!ret)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
				       SCMP_SYS(sched_setaffinity), 1,
				       SCMP_A0(SCMP_CMP_EQ, 0));
	if (!ret)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}

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
	ret = drop_caps();
	if (ret < 0) {
		log_error("sentry: capabilities: %s", strerror(-ret));
		return ret;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	ret = install_filter();
	if (ret < 0)
		log_error("sentry: seccomp filter: %s", strerror(-ret));
	return ret;
}
