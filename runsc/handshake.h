/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The start-up handshake of runsc create and runsc exec: its messages, the
 * channels they travel on and their order, as data (handshake.c), which
 * docs/architecture.md ("Start-up handshake") shows and a unit test keeps
 * equal to it. Who sends what:
 *
 *   sync   SOCK_SEQPACKET, runsc create <-> the sandbox process; its
 *          children (gofer, init) hold the sandbox's end too, to report an
 *          ERROR or READY straight to runsc. runsc exec has its own, with
 *          the joiner and the exec'd process.
 *   isync  SOCK_SEQPACKET, the sandbox process <-> the init.
 *   ready  a pipe, the gofer -> the sandbox process: one byte once its
 *          root is built.
 */
#ifndef CV_RUNSC_HANDSHAKE_H
#define CV_RUNSC_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/error.h"

enum sb_msg_type {
	SB_MSG_ERROR = 1,	/* text: the failure, for the runsc user */
	SB_MSG_USERNS,		/* write my id maps (pid1: which) */
	SB_MSG_NS_READY,	/* namespaces exist (pid1: see the table) */
	SB_MSG_GO,		/* continue */
	SB_MSG_ABORT,		/* stop: the step asked for failed */
	SB_MSG_ATTACHING,	/* init -> sandbox: start the sentry now */
	SB_MSG_PIDS,		/* pid1: init/exec'd process, pid2: gofer */
	SB_MSG_READY,		/* attached to the sentry */
	SB_MSG_SANDBOX_PID,	/* pid1: the sandbox process from now on */
	SB_MSG__COUNT,
};

struct sb_msg {
	uint32_t type;
	int32_t pid1, pid2;
	char text[2048];
};

/* One row a message type: its name and what its fields carry. */
struct sb_msg_info {
	const char *name;
	const char *fields;
};
extern const struct sb_msg_info sb_msg_table[SB_MSG__COUNT];

/* One step of a sequence: on chan, from sends msg (0: the ready pipe's
 * byte) to to, who then does what. */
struct sb_step {
	const char *chan, *from, *to;
	enum sb_msg_type msg;
	const char *what;
};
extern const struct sb_step sb_create_sequence[];
extern const size_t sb_create_steps;
extern const struct sb_step sb_exec_sequence[];
extern const size_t sb_exec_steps;

const char *sb_msg_name(uint32_t type);

int sb_send(int sock, enum sb_msg_type type, pid_t pid1, pid_t pid2,
	    const char *text);
/* 0 on a message, -EPIPE at end of stream, -EPROTO on a short message or
 * a type not in the table, -errno. */
int sb_recv(int sock, struct sb_msg *m);
/* 0 if the next message is of that type; -1 otherwise (the sender, or
 * whoever failed, has reported to runsc: the caller just exits). */
int sb_expect(int sock, enum sb_msg_type type);
/* In a forked child: sends err (prefixed by what) and _exits(1). */
__attribute__((noreturn)) void sb_die(int sock, struct cv_error *err,
				      const char *what);

/* The tables as the markdown of docs/architecture.md. */
void sb_handshake_markdown(FILE *f);

#endif
