/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Messages with file descriptors over AF_UNIX sockets (SCM_RIGHTS).
 * All functions return the byte count (>= 0) or -errno; they retry EINTR.
 */
#ifndef CV_LIB_FDPASS_H
#define CV_LIB_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define CV_FDPASS_MAX 16

/* Sends len bytes (len >= 1) with nfds descriptors attached. */
ssize_t cv_send_fds(int sock, const void *buf, size_t len, const int *fds,
		    int nfds);

/*
 * Receives up to len bytes and at most maxfds descriptors into fds (marked
 * O_CLOEXEC); *nfds gets the count. Descriptors beyond maxfds are closed.
 * Returns 0 at end of stream.
 */
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
