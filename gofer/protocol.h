/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer wire protocol, shared by the gofer (server.c) and the sentry's
 * client (client.c). docs/gofer-protocol.md describes it in prose.
 *
 * Transport: one AF_UNIX SOCK_SEQPACKET socket; one message per request and
 * one per reply, so message boundaries are kept by the kernel. A request is
 * a struct gofer_req_hdr followed by its payload: path, path2, name, value,
 * back to back, each of the length in len[] (strings include their NUL;
 * length 0 means "absent"). Descriptors ride along with SCM_RIGHTS, in the
 * order of the GOFER_FD_* bits set in fdmask. A reply is a struct
 * gofer_rep_hdr, its payload (op-specific) and at most one descriptor.
 */
#ifndef CV_GOFER_PROTOCOL_H
#define CV_GOFER_PROTOCOL_H

#include <stdint.h>
#include <limits.h>
#include <linux/limits.h>

#include "gofer/client.h"

#define GOFER_PROTO_MAGIC 0x43564746u	/* "CVGF" */

enum gofer_op {
	GOFER_OP_OPENAT = 1,
	GOFER_OP_FSTATAT,
	GOFER_OP_STATX,
	GOFER_OP_STATFS,
	GOFER_OP_FACCESSAT,
	GOFER_OP_READLINKAT,
	GOFER_OP_MKDIRAT,
	GOFER_OP_MKNODAT,
	GOFER_OP_UNLINKAT,
	GOFER_OP_RENAMEAT2,
	GOFER_OP_LINKAT,
	GOFER_OP_SYMLINKAT,
	GOFER_OP_FCHMODAT,
	GOFER_OP_FCHOWNAT,
	GOFER_OP_UTIMENSAT,
	GOFER_OP_TRUNCATE,
	GOFER_OP_GETXATTR,
	GOFER_OP_SETXATTR,
	GOFER_OP_LISTXATTR,
	GOFER_OP_REMOVEXATTR,
	GOFER_OP_BIND_UNIX,
	GOFER_OP_CONNECT_UNIX,
	GOFER_OP_EXEC_RESOLVE,
	GOFER_OP_DIR_PATH,
	GOFER_OP_CONNECT_ABSTRACT,
	GOFER_OP_CHANNEL,	/* one more channel: its socket, or -EAGAIN */
	GOFER_OP_MAX,
};

/* fdmask bits; the descriptors follow in this order. */
#define GOFER_FD_DIR	0x01u	/* base directory of path (or the file) */
#define GOFER_FD_ROOT	0x02u	/* the task's root (chrooted task) */
#define GOFER_FD_DIR2	0x04u	/* base directory of path2 */
#define GOFER_FD_ROOT2	0x08u	/* root for path2 */
#define GOFER_FD_SOCK	0x10u	/* socket for bind/connect */
#define GOFER_FD_ALL	0x1fu
#define GOFER_MAX_FDS	5

/* Payload limits (strings include the NUL). */
#define GOFER_PATH_MAX	PATH_MAX		/* 4096 */
#define GOFER_NAME_MAX	(XATTR_NAME_MAX + 1)	/* 256 */
#define GOFER_VALUE_MAX	XATTR_SIZE_MAX		/* 65536 */
#define GOFER_REQ_PAYLOAD_MAX \
	(2 * GOFER_PATH_MAX + GOFER_NAME_MAX + GOFER_VALUE_MAX)
#define GOFER_REP_PAYLOAD_MAX	(GOFER_VALUE_MAX + 64)

enum {
	GOFER_LEN_PATH,
	GOFER_LEN_PATH2,
	GOFER_LEN_NAME,
	GOFER_LEN_VALUE,
	GOFER_LEN_N,
};

struct gofer_wire_creds {
	uint32_t fsuid, fsgid;
	uint32_t ngroups;
	uint32_t umask;
	uint64_t cap_effective;
	uint32_t groups[GOFER_MAX_GROUPS];
};

struct gofer_req_hdr {
	uint32_t magic;
	uint32_t tag;
	uint16_t op;
	uint16_t fdmask;
	int32_t flags;		/* the syscall's flags (open, AT_*, rename...) */
	uint32_t mode;
	uint32_t cpu;		/* the sender's CPU + 1 (0: unknown), a hint */
	uint32_t xflags;	/* GOFER_X_* */
	uint32_t pad;
	uint64_t arg[4];	/* op-specific scalars, see below */
	uint32_t len[GOFER_LEN_N];
	struct gofer_wire_creds creds;
};

/*
 * Scalars in arg[]:
 *   OPENAT      arg0 = openat2 resolve bits; mode GOFER_OPEN_BATCH | n
 *               (1..GOFER_OPEN_BATCH_MAX) in a non-creating, non-O_PATH
 *               open without resolve bits: the file opened n times (the
 *               sentry's fd pool); the reply's fd is then a socket whose
 *               one queued message carries the n fds
 *   STATX       arg0 = mask
 *   FACCESSAT   mode = access mode
 *   READLINKAT  arg0 = buffer size the caller has
 *   MKNODAT     arg0 = dev
 *   FCHOWNAT    arg0 = uid, arg1 = gid (as 32-bit, -1 = unchanged)
 *   UTIMENSAT   arg0..3 = atime sec, nsec, mtime sec, nsec; flags bit
 *               GOFER_UTIME_NULL = times NULL (now)
 *   TRUNCATE    arg0 = length
 *   xattrs      arg0 = size the caller has; arg1 = XATTR_CREATE/REPLACE
 */
#define GOFER_UTIME_NULL 0x40000000
/* EXEC_RESOLVE flags bit: for a set-user-ID, set-group-ID (with group
 * execute) or file-capability ELF file, the reply's fd is that file
 * opened O_PATH under the workload's exec copy (gofer_exec_root_await),
 * for the sentry to exec as the task (docs/security.md, "Set-id exec") */
#define GOFER_EXEC_SETID 0x20000000
#define GOFER_OPEN_BATCH 0x40000000u
#define GOFER_OPEN_BATCH_MAX 16	/* CV_FDPASS_MAX */

/*
 * xflags. GOFER_X_VIRTUAL: the sentry serves /proc, /sys and /dev/fd for
 * this task (it is not chrooted) and handles a redirect. When the path,
 * resolved the way Linux would, enters one of those trees (through a
 * symlink such as /etc/mtab -> ../proc/self/mounts), the reply is
 * result = -GOFER_EVIRTUAL with the virtual path (absolute, NUL-terminated,
 * not cleaned) as payload, instead of what the gofer's own root (where
 * /proc is an empty directory) gave. GOFER_EVIRTUAL is in client.h.
 */
#define GOFER_X_VIRTUAL	0x1u

struct gofer_rep_hdr {
	uint32_t magic;
	uint32_t tag;
	uint16_t op;
	uint16_t nfds;
	uint32_t len;		/* payload bytes that follow */
	int64_t result;		/* >= 0 or -errno */
};

/* EXEC_RESOLVE reply payload: this, then head[head_len], then path
 * (path_len bytes including the NUL; 1 = "" when resolved from an fd). */
struct gofer_wire_exec {
	uint32_t mode, uid, gid;
	uint32_t head_len;
	uint32_t path_len;
	uint32_t gain;	/* GOFER_GAIN_* */
};

/* What Linux's exec would read from the file for its credentials (on a
 * mount without nosuid; none on a nosuid one): set-user-ID, set-group-ID
 * with group execute, a security.capability xattr and its effective
 * bit. The sentry decides AT_SECURE from them where the exec cannot gain
 * (no_new_privs, a workload tracer: docs/security.md, "Set-id exec"). */
#define GOFER_GAIN_UID 0x1
#define GOFER_GAIN_GID 0x2
#define GOFER_GAIN_FCAP 0x4
#define GOFER_GAIN_FCAP_EFF 0x8

#endif
