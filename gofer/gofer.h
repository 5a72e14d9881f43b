/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer: the sandbox's only file server (docs/architecture.md,
 * invariant 2).
 *
 * runsc starts it as a child of the sandbox process, in a new mount
 * namespace whose root (after pivot_root, done by runsc/mounts.c) is the
 * container root with the OCI bind and tmpfs mounts. It has no /proc.
 * gofer_run() then confines the process (capabilities, seccomp) and serves
 * the sentry over one socket until it closes. The wire protocol is in
 * gofer/protocol.h and docs/gofer-protocol.md.
 */
#ifndef CV_GOFER_GOFER_H
#define CV_GOFER_GOFER_H

#include <stdbool.h>

#include "../lib/devrules.h"
#include "../lib/error.h"

/* mqueue mounts of one container the gofer serves; more are logged and
 * left empty directories (runsc/sandbox.c). */
#define GOFER_MQUEUE_MAX 8

struct gofer_config {
	int sock;		/* the sentry's end is the peer */
	int log_fd;		/* -1: stderr */
	bool debug;
	bool overlay;		/* the root is the in-memory overlay
				 * (runsc/mounts_overlay.c); informational:
				 * the kernel's overlayfs does the work */
	bool no_seccomp;	/* tests under valgrind only: skip the filter */
	bool userns;		/* wait for the container's user namespace
				 * (gofer_join_userns) before serving */
	/* The container's mqueue mounts (gofer/mqueue.c): each one's
	 * destination and MS_* flags. With any, the gofer waits for the
	 * container's IPC namespace (gofer_mqueue_send) before serving. */
	const char *mqueue_dest[GOFER_MQUEUE_MAX];
	unsigned long mqueue_flags[GOFER_MQUEUE_MAX];
	size_t n_mqueue;
	bool exec_root;		/* wait for the exec copy's root
				 * (gofer_exec_root_send) before serving */
	bool no_channels;	/* the sentry has no workers (the ptrace
				 * platform): no spare channels, nor their
				 * threads (docs/gofer-protocol.md) */
	/* The container's device rules (lib/devrules.h): a device node is
	 * opened only for an access they allow. NULL: runc's defaults. */
	const struct dev_rule *dev_rules;
	size_t n_dev_rules;
};

/* Serves until the peer closes; returns the process exit status.
 * cfg->sock must be an AF_UNIX SOCK_SEQPACKET socket (socketpair). The
 * calling process must be single-threaded and its "/" the sandbox root. */
int gofer_run(const struct gofer_config *cfg);

/* The sandbox's side of the start-up hand-off (cfg->userns): sends an fd
 * of the container's user namespace on the sentry's end of the socket,
 * once the namespace and its id maps exist, and waits for the gofer to
 * have joined it. 0, or -errno from the gofer's setns (-EOVERFLOW: the
 * namespace maps no uid or gid 0). The gofer serves nothing before. */
int gofer_join_userns(int sock, int nsfd);
/* The start-up hand-offs' wire: hello and a namespace fd one way, the
 * gofer's int32 result the other. gofer_ns_send is the sandbox's side
 * (the result, or -errno); gofer_ns_recv the gofer's (the fd, or -EPROTO
 * for another hello, -EPIPE for none). */
int gofer_ns_send(int sock, char hello, int nsfd);
int gofer_ns_recv(int sock, char hello);

/* The same hand-off for cfg->mqueue_dest, before gofer_join_userns: an fd
 * of the container's IPC namespace; 0 once the gofer has mounted its
 * mqueue instance, or -errno from the gofer's setns or mount (the gofer
 * serves on without it). gofer_mqueue_await is the gofer's side. */
int gofer_mqueue_send(int sock, int ipcnsfd);
/* The same hand-off for cfg->exec_root, after gofer_join_userns: an
 * O_PATH fd of the workload's exec copy of the root (runsc/mounts.c),
 * under which EXEC_RESOLVE with GOFER_EXEC_SETID opens set-id files.
 * gofer_exec_root_await is the gofer's side. */
int gofer_exec_root_send(int sock, int rootfd);
int gofer_exec_root_await(int sock);
int gofer_mqueue_await(int sock, const char *const *dest,
		       const unsigned long *flags, size_t n);

#endif
