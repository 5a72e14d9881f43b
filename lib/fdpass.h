/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Messages with file descriptors over AF_UNIX sockets (SCM_RIGHTS): the one
 * place that builds and checks SCM_RIGHTS control messages (the gofer
 * protocol, the console socket, the control socket, the ptrace platform's
 * fd installation). sentry/socket.c's translation of the workload's own
 * SCM_RIGHTS is a different job and stays there.
 *
 * All functions return the byte count (>= 0) or -errno; they retry EINTR.
 * A receive that fails for any reason leaves no descriptor open: every fd
 * the kernel installed for the message is closed before returning. Not for
 * a socket with SO_PASSCRED: the kernel adds SCM_CREDENTIALS to every
 * message, which the receiver refuses (-EBADMSG).
 */
#ifndef CV_LIB_FDPASS_H
#define CV_LIB_FDPASS_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#define CV_FDPASS_MAX 16

/* What a receiver accepts; anything else fails with every fd closed. */
struct cv_fdrecv {
	int flags;	/* recvmsg flags, e.g. MSG_CMSG_CLOEXEC */
	int minfds;	/* fewer descriptors: -EBADMSG */
	int maxfds;	/* more descriptors: -EBADMSG (at most CV_FDPASS_MAX) */
	size_t minlen;	/* a shorter non-empty payload: -EBADMSG */
};

/*
 * Sends the iovec with nfds (0..CV_FDPASS_MAX) descriptors attached, one
 * SCM_RIGHTS message; flags are added to MSG_NOSIGNAL. The payload must
 * not be empty when fds go along. Returns the bytes sent.
 */
ssize_t cv_sendmsg_fds(int sock, const struct iovec *iov, int iovcnt,
		       const int *fds, int nfds, int flags);

/*
 * Receives one message into the iovec, its descriptors into fds (room for
 * lim->maxfds), their count into *nfds. Returns the payload size; 0 at end
 * of stream (no fds). Errors, with every received fd closed and *nfds 0:
 *   -EMSGSIZE  payload or control data truncated (MSG_TRUNC, MSG_CTRUNC);
 *   -EBADMSG   a control message other than one SOL_SOCKET/SCM_RIGHTS,
 *              more than one control message, a descriptor count outside
 *              [minfds, maxfds], a payload shorter than minlen.
 */
ssize_t cv_recvmsg_fds(int sock, struct iovec *iov, int iovcnt,
		       const struct cv_fdrecv *lim, int *fds, int *nfds);

/* Room for the control data of nfds descriptors. */
#define CV_FDPASS_SPACE(nfds) CMSG_SPACE(sizeof(int) * (nfds))

/*
 * For a msghdr received elsewhere (the ptrace platform reads back one the
 * tracee received): copies the descriptors of its control data into fds
 * (room for cap) and their count into *nfds, even on error, and checks it
 * as cv_recvmsg_fds does (MSG_CTRUNC: -EMSGSIZE; any control message but
 * one SCM_RIGHTS, or more than cap fds: -EBADMSG). Closes nothing: the
 * numbers may belong to another process.
 */
int cv_fdmsg_parse(const struct msghdr *msg, int *fds, int cap, int *nfds);

/* Single-buffer forms of the above: len bytes (>= 1 to send). The
 * receiver takes 0..maxfds descriptors, MSG_CMSG_CLOEXEC. */
ssize_t cv_send_fds(int sock, const void *buf, size_t len, const int *fds,
		    int nfds);
ssize_t cv_recv_fds(int sock, void *buf, size_t len, int *fds, int maxfds,
		    int *nfds);

/* Convenience: one fd with a one-byte message. */
int cv_send_fd(int sock, int fd);
/* Returns the fd received or -errno (-EPIPE at end of stream). */
int cv_recv_fd(int sock);

/* Writes/reads exactly len bytes; -EPIPE on a short read at end of stream. */
int cv_write_all(int fd, const void *buf, size_t len);
int cv_read_all(int fd, void *buf, size_t len);

#endif
