/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control socket's wire format (sentry side and runsc side), also used
 * on the init's socketpair for its attach.
 *
 * Every request is a struct ctl_req followed by len payload bytes; every
 * reply a struct ctl_reply followed by len bytes. status is 0 or -errno.
 *
 *   START   no payload; the sentry writes 'S' to the init, replies {0}.
 *   PS      no payload; reply payload: int32 host pids, init first.
 *   STATS   no payload; reply payload: a JSON object (not NUL-terminated).
 *   ATTACH  payload: struct ctl_attach, then ngroups uint32 gids, then
 *           cwd_len bytes of cwd. Sent with SCM_CREDENTIALS so the sentry
 *           learns the sender's pid in its own pid namespace.
 *           1st reply: {status, 4} + uint32 CTL_ATTACH_F_* flags.
 *           The workload then installs its filter and sends one byte, with
 *           the listener fd attached (seccomp platform).
 *           2nd reply: {status, 0} once the sentry has seized it.
 */
#ifndef CV_SENTRY_CONTROL_H
#define CV_SENTRY_CONTROL_H

#include <stdint.h>

#define CTL_MAGIC 0x63767331u	/* "cvs1" */
#define CTL_MAX_PAYLOAD (1u << 20)

enum ctl_op {
	CTL_OP_START = 1,
	CTL_OP_PS = 2,
	CTL_OP_STATS = 3,
	CTL_OP_ATTACH = 4,
};

struct ctl_req {
	uint32_t magic;
	uint32_t op;
	uint32_t len;
};

struct ctl_reply {
	int32_t status;
	uint32_t len;
};

/* The attach reply: uint32_t flags, then uint32_t tag (the filter's
 * sc_filter_opts.tag). The sentry asks the workload to report PASS calls
 * too (--strace): */
#define CTL_ATTACH_F_STRACE 0x1
/* ... and to install it with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
 * (sc_filter_opts.wait_killable): */
#define CTL_ATTACH_F_WAIT_KILLABLE 0x2

struct ctl_attach {
	uint32_t platform;
	uint32_t is_exec;
	uint32_t ruid, euid, suid;
	uint32_t rgid, egid, sgid;
	uint64_t cap_effective, cap_permitted, cap_inheritable;
	uint64_t cap_bounding, cap_ambient;
	uint32_t umask;
	uint32_t ngroups;
	uint32_t cwd_len;
	uint32_t no_new_privs;	/* as the config asked (shown, not enforced) */
	int32_t ns_pid;		/* getpid() in the workload's pid namespace */
};

/* Sends a request; fd < 0: none attached. */
int ctl_send_req(int sock, uint32_t op, const void *payload, uint32_t len,
		 int fd);
/* Sends a reply. */
int ctl_send_reply(int sock, int32_t status, const void *payload,
		   uint32_t len);
/* Reads a reply; *payload (malloc'd, NUL-terminated) may be NULL when
 * not wanted. Returns the reply's status, or -errno on a transport error. */
int ctl_read_reply(int sock, void **payload, uint32_t *len);

#endif
