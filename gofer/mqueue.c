// SPDX-License-Identifier: Apache-2.0
/*
 * The container's mqueue mounts (OCI mounts of type "mqueue", Docker's
 * and runc's /dev/mqueue), served by the gofer as any other mount.
 *
 * An mqueue instance shows the queues of the IPC namespace of the process
 * that makes it. That namespace is the container's, made by its init
 * after the gofer started: so at start-up, before confinement, the gofer
 * waits for an fd of it from the sandbox process (gofer_mqueue_send),
 * joins it, makes a fresh instance (fsopen/fsmount) for each mount and
 * attaches it at the mount's destination in its root: all show the same
 * queues, as on Linux. Only a namespace that is the
 * container's own is sent (runsc/sandbox.c): never the host's, whose
 * queues the container must not see.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gofer/gofer.h"
#include "lib/cleanup.h"

#define MQUEUE_HELLO 'Q'

int gofer_mqueue_send(int sock, int ipcnsfd)
{
	return gofer_ns_send(sock, MQUEUE_HELLO, ipcnsfd);
}

/* The destination, inside the gofer's root (made by runsc/mounts.c). */
static int open_dest(const char *dest)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, AT_FDCWD, dest, &how, sizeof(how));

	return fd < 0 ? -errno : (int)fd;
}

/* MS_* of the OCI mount's options as MOUNT_ATTR_*. */
static unsigned mount_attr(unsigned long ms)
{
	static const struct {
		unsigned long ms;
		unsigned attr;
	} map[] = {
		{ 0x1, MOUNT_ATTR_RDONLY },	/* MS_RDONLY */
		{ 0x2, MOUNT_ATTR_NOSUID },	/* MS_NOSUID */
		{ 0x4, MOUNT_ATTR_NODEV },	/* MS_NODEV */
		{ 0x8, MOUNT_ATTR_NOEXEC },	/* MS_NOEXEC */
		{ 0x400, MOUNT_ATTR_NOATIME },	/* MS_NOATIME */
		{ 0x800, MOUNT_ATTR_NODIRATIME }, /* MS_NODIRATIME */
		{ 0x1000000, MOUNT_ATTR_STRICTATIME }, /* MS_STRICTATIME */
	};
	unsigned attr = 0;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (ms & map[i].ms)
			attr |= map[i].attr;
	return attr;
}

/* A new mqueue instance of the caller's IPC namespace at dest. */
static int mount_instance(const char *dest, unsigned long flags)
{
	unsigned attr = mount_attr(flags);
	cleanup_close int fs = -1, mnt = -1, to = -1;

	to = open_dest(dest);
	if (to < 0)
		return to;
	fs = (int)syscall(SYS_fsopen, "mqueue", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attr);
	if (mnt < 0)
		return -errno;
	if (syscall(SYS_move_mount, mnt, "", to, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int gofer_mqueue_await(int sock, const char *const *dest,
		       const unsigned long *flags, size_t n)
{
	int fd = gofer_ns_recv(sock, MQUEUE_HELLO);
	int32_t result;

	if (fd < 0)
		return fd;
	result = setns(fd, CLONE_NEWIPC) < 0 ? -errno : 0;
	close(fd);
	/* One instance each (of the one namespace: the same queues), with
	 * its own flags; the first failure is the one reported. */
	for (size_t i = 0; i < n && result == 0; i++)
		result = mount_instance(dest[i], flags[i]);
	if (send(sock, &result, sizeof(result), MSG_NOSIGNAL) < 0)
		return -errno;
	/* A failed mount is the sandbox's to report: the gofer serves on,
	 * without the mount (its destination is an empty directory). */
	return 0;
}
