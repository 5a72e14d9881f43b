/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The start-up handshake as data, and its messages on the wire. See
 * handshake.h.
 */
#include "runsc/handshake.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

const struct sb_msg_info sb_msg_table[SB_MSG__COUNT] = {
	[SB_MSG_ERROR] = { "ERROR", "text: the failure, as runsc prints it" },
	[SB_MSG_USERNS] = { "USERNS", "pid1: 0 the spec's maps (rootless or "
				      "the container's), 1 the sandbox's "
				      "identity maps" },
	[SB_MSG_NS_READY] = { "NS_READY", "pid1: init -> sandbox, the pty's "
					  "index + 1 (0: none); sandbox -> "
					  "runsc, the init's pid (in the "
					  "sandbox's pid namespace)" },
	[SB_MSG_GO] = { "GO", "-" },
	[SB_MSG_ABORT] = { "ABORT", "-" },
	[SB_MSG_ATTACHING] = { "ATTACHING", "-" },
	[SB_MSG_PIDS] = { "PIDS", "pid1: the init (the exec'd process), "
				  "pid2: the gofer (create: in the sandbox's "
				  "pid namespace; runsc maps them, "
				  "runsc/pidmap.h)" },
	[SB_MSG_READY] = { "READY", "-" },
	[SB_MSG_SANDBOX_PID] = { "SANDBOX_PID", "pid1: the sandbox process "
						"cloned into its own user and "
						"pid namespaces (runsc's pid "
						"numbering), which replaces "
						"the sender" },
};

const struct sb_step sb_create_sequence[] = {
	{ "sync", "sandbox", "runsc", SB_MSG_SANDBOX_PID,
	  "root taking the sandbox's user and pid namespaces: the sandbox "
	  "process cloned itself (CLONE_PARENT: runsc's child too) into them "
	  "and exits once the maps are written; the clone is the sandbox "
	  "process from now on" },
	{ "sync", "sandbox", "runsc", SB_MSG_USERNS,
	  "rootless, or root taking the sandbox's user namespace: runsc "
	  "writes the sandbox's id maps (with its pid namespace: the "
	  "clone's, asked for by the process that is about to exit)" },
	{ "sync", "runsc", "sandbox", SB_MSG_GO,
	  "maps written (ABORT: they could not be)" },
	{ "ready", "gofer", "sandbox", 0,
	  "the gofer's root is built (an ERROR on sync instead: it failed)" },
	{ "isync", "init", "sandbox", SB_MSG_USERNS,
	  "a new container user namespace: the sandbox writes its maps" },
	{ "isync", "sandbox", "init", SB_MSG_GO, "maps written" },
	{ "isync", "init", "sandbox", SB_MSG_NS_READY,
	  "the init's namespaces exist: the gofer joins its user namespace, "
	  "/dev/console is bound, late pod namespaces are joined" },
	{ "sync", "sandbox", "runsc", SB_MSG_NS_READY,
	  "runsc runs createRuntime and prestart hooks" },
	{ "sync", "runsc", "sandbox", SB_MSG_GO,
	  "hooks done (ABORT: one failed); the sandbox runs createContainer "
	  "hooks" },
	{ "isync", "sandbox", "init", SB_MSG_GO,
	  "the init sets hostname, sysctls, rlimits, credentials" },
	{ "isync", "init", "sandbox", SB_MSG_ATTACHING,
	  "about to install the interception filter" },
	{ "sync", "sandbox", "runsc", SB_MSG_PIDS,
	  "runsc records the pids (state.json), mapped to its own numbering "
	  "when the sandbox has its own pid namespace" },
	{ "isync", "sandbox", "init", SB_MSG_GO,
	  "the sandbox process becomes the sentry" },
	{ "sync", "init", "runsc", SB_MSG_READY,
	  "seized by the sentry: runsc create writes state.json and the pid "
	  "file and returns; the init waits for runsc start" },
};
const size_t sb_create_steps =
	sizeof(sb_create_sequence) / sizeof(sb_create_sequence[0]);

const struct sb_step sb_exec_sequence[] = {
	{ "sync", "joiner", "runsc", SB_MSG_PIDS,
	  "the joiner entered the init's namespaces and forked the process; "
	  "runsc exec reaps the joiner" },
	{ "sync", "process", "runsc", SB_MSG_READY,
	  "attached to the sentry: runsc exec returns (or waits for it)" },
};
const size_t sb_exec_steps =
	sizeof(sb_exec_sequence) / sizeof(sb_exec_sequence[0]);

const char *sb_msg_name(uint32_t type)
{
	if (type == 0)
		return "(a byte)";
	if (type >= SB_MSG__COUNT || sb_msg_table[type].name == NULL)
		return "(unknown)";
	return sb_msg_table[type].name;
}

int sb_send(int sock, enum sb_msg_type type, pid_t pid1, pid_t pid2,
	    const char *text)
{
	struct sb_msg m = { .type = type, .pid1 = pid1, .pid2 = pid2 };
	size_t len = offsetof(struct sb_msg, text) + 1;

	if (text != NULL) {
		snprintf(m.text, sizeof(m.text), "%s", text);
		len += strlen(m.text);
	}
	while (send(sock, &m, len, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int sb_recv(int sock, struct sb_msg *m)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	do {
		n = recv(sock, m, sizeof(*m) - 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	if ((size_t)n < offsetof(struct sb_msg, text) || m->type == 0 ||
	    m->type >= SB_MSG__COUNT)
		return -EPROTO;
	return 0;
}

int sb_expect(int sock, enum sb_msg_type type)
{
	struct sb_msg m;

	if (sb_recv(sock, &m) < 0 || m.type != type)
		return -1;
	return 0;
}

void sb_die(int sock, struct cv_error *err, const char *what)
{
	char buf[sizeof(((struct sb_msg *)0)->text)];

	snprintf(buf, sizeof(buf), "%s%s%s", what != NULL ? what : "",
		 what != NULL ? ": " : "",
		 err != NULL && err->msg != NULL ? err->msg : "failed");
	if (sb_send(sock, SB_MSG_ERROR, 0, 0, buf) < 0)
		fprintf(stderr, "runsc: %s\n", buf);
	_exit(1);
}

static void print_steps(FILE *f, const struct sb_step *s, size_t n)
{
	fprintf(f, "| # | channel | from → to | message | then |\n"
		   "|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "| %zu | %s | %s → %s | %s | %s |\n", i + 1,
			s[i].chan, s[i].from, s[i].to, sb_msg_name(s[i].msg),
			s[i].what);
}

void sb_handshake_markdown(FILE *f)
{
	fprintf(f, "| message | fields |\n|---|---|\n");
	for (int t = 1; t < SB_MSG__COUNT; t++)
		fprintf(f, "| %s | %s |\n", sb_msg_table[t].name,
			sb_msg_table[t].fields);
	fprintf(f, "\n`runsc create` (any process may send ERROR on sync "
		   "instead, and exit):\n\n");
	print_steps(f, sb_create_sequence, sb_create_steps);
	fprintf(f, "\n`runsc exec`:\n\n");
	print_steps(f, sb_exec_sequence, sb_exec_steps);
}
