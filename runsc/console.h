/* SPDX-License-Identifier: Apache-2.0 */
/*
 * process.terminal: a pty from the container's own devpts instance (the
 * gofer's /dev/pts), whose master goes to --console-socket over SCM_RIGHTS
 * as runc sends it (one message, the pty name as data), and whose slave
 * becomes the workload's stdio and controlling terminal.
 */
#ifndef CV_RUNSC_CONSOLE_H
#define CV_RUNSC_CONSOLE_H

#include "lib/error.h"
#include "oci/config.h"

/* Connects to the console socket (a host path: before entering the view). */
int console_connect(const char *path, struct cv_error **err);

/*
 * Opens a new pty from the devpts mounted at pts_dir (normally "/dev/pts")
 * of the current mount namespace. Works even if that mount is nodev: the
 * ptmx node is opened through a private, detached copy of the mount.
 */
int console_open_pty(const char *pts_dir, int *master, int *slave,
		     struct cv_error **err);

/* Sends master over sock; applies process.consoleSize first if given. */
int console_send_master(int sock, int master, const struct oci_process *p,
			struct cv_error **err);

/* setsid, TIOCSCTTY and slave onto 0, 1, 2 (slave is closed if > 2). */
int console_make_controlling(int slave, struct cv_error **err);

/*
 * /dev/console, as runc makes it for a process with a terminal: a bind of
 * the pty slave. console_pts_index gives the slave's index in its devpts
 * (N of /dev/pts/N), or -1 if slave is not a pty slave.
 */
int console_pts_index(int slave);
/* In the current mount namespace: binds /dev/pts/<idx> (resolved inside
 * "/") onto /dev/console, creating an empty file there if needed. */
int console_bind_dev_console(int idx, struct cv_error **err);
/* The same in the mount namespace mntns (the gofer's), from a child. */
int console_bind_in_ns(int mntns, int idx, struct cv_error **err);

#endif
