/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AF_UNIX stream sockets named by a path of any length. sun_path holds 108
 * bytes, and runtime state paths (--root, a 64-character id, a shim's
 * console socket directory) can be longer: so a socket is never bound or
 * connected by its full path but as <name> in a directory opened first,
 * through /proc/self/fd/<dirfd>/<name> (a fixed-length prefix), or with a
 * temporary fchdir when /proc is not there. Only the last component must
 * fit in sun_path.
 *
 * All return a socket fd (SOCK_CLOEXEC) or -errno; -ENAMETOOLONG only for
 * a last component that cannot fit.
 */
#ifndef CV_LIB_UNIXSOCK_H
#define CV_LIB_UNIXSOCK_H

/* name: one path component in the directory dirfd (O_PATH is enough).
 * The socket file gets the mode the caller's umask leaves. */
int cv_unix_listen_at(int dirfd, const char *name, int backlog);
int cv_unix_connect_at(int dirfd, const char *name);

/* The same for a path (absolute or relative to the cwd): its directory is
 * opened, the last component is the name. */
int cv_unix_listen(const char *path, int backlog);
int cv_unix_connect(const char *path);

#endif
