/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc/handshake: every message type has a row, the sequences name only
 * messages of the table, malformed messages are refused, and
 * docs/architecture.md shows the tables as printed. With --markdown, the
 * binary prints them (make docs).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/handshake.h"
#include "tests/unit/test.h"

TEST(every_message_has_a_unique_row)
{
	for (int t = 1; t < SB_MSG__COUNT; t++) {
		CHECK(sb_msg_table[t].name != NULL);
		CHECK(sb_msg_table[t].fields != NULL);
		for (int u = 1; u < t; u++)
			CHECK(strcmp(sb_msg_table[t].name,
				     sb_msg_table[u].name) != 0);
	}
	CHECK_STREQ(sb_msg_name(SB_MSG__COUNT), "(unknown)");
}

static void check_steps(const struct sb_step *s, size_t n)
{
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(s[i].msg < SB_MSG__COUNT);
		/* Only the ready pipe carries a bare byte. */
		CHECK((s[i].msg == 0) == (strcmp(s[i].chan, "ready") == 0));
	}
}

TEST(sequences_name_known_messages)
{
	check_steps(sb_create_sequence, sb_create_steps);
	check_steps(sb_exec_sequence, sb_exec_steps);
	/* runsc create returns on READY: the last step of each. */
	CHECK_EQ(sb_create_sequence[sb_create_steps - 1].msg, SB_MSG_READY);
	CHECK_EQ(sb_exec_sequence[sb_exec_steps - 1].msg, SB_MSG_READY);
}

TEST(round_trip_and_refusals)
{
	struct sb_msg m;
	uint32_t bad[3] = { SB_MSG__COUNT, 0, 0 };
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	CHECK_EQ(sb_send(sv[0], SB_MSG_PIDS, 12, 34, NULL), 0);
	CHECK_EQ(sb_recv(sv[1], &m), 0);
	CHECK_EQ(m.type, (uint32_t)SB_MSG_PIDS);
	CHECK_EQ(m.pid1, 12);
	CHECK_EQ(m.pid2, 34);
	CHECK_EQ(sb_send(sv[0], SB_MSG_ERROR, 0, 0, "it broke"), 0);
	CHECK_EQ(sb_recv(sv[1], &m), 0);
	CHECK_STREQ(m.text, "it broke");
	/* A type past the table, a short message. */
	CHECK_EQ(send(sv[0], bad, sizeof(bad), 0), (ssize_t)sizeof(bad));
	CHECK_EQ(sb_recv(sv[1], &m), -EPROTO);
	CHECK_EQ(send(sv[0], bad, 4, 0), 4);
	CHECK_EQ(sb_recv(sv[1], &m), -EPROTO);
	/* sb_expect: the wrong type is a failure. */
	CHECK_EQ(sb_send(sv[0], SB_MSG_ABORT, 0, 0, NULL), 0);
	CHECK_EQ(sb_expect(sv[1], SB_MSG_GO), -1);
	close(sv[0]);
	CHECK_EQ(sb_recv(sv[1], &m), -EPIPE);
	close(sv[1]);
}

TEST(docs_match_the_tables)
{
	cleanup_free char *have = NULL, *want = NULL;
	struct cv_error *err = NULL;
	size_t len, n = 0;
	FILE *f;

	if (cv_read_file("docs/architecture.md", &have, &len, &err) < 0) {
		cv_error_free(&err);
		FAILF("docs/architecture.md missing");
	}
	f = open_memstream(&want, &n);
	CHECK(f != NULL);
	sb_handshake_markdown(f);
	fclose(f);
	if (strstr(have, want) == NULL)
		FAILF("docs/architecture.md: the start-up handshake is "
		      "stale: make docs");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--markdown") == 0) {
		sb_handshake_markdown(stdout);
		return 0;
	}
	return test_main();
}
