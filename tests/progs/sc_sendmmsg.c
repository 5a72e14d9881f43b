// SPDX-License-Identifier: Apache-2.0
/*
 * Run inside a sandbox: one thread blocks in sendmmsg (a stream socket
 * whose peer does not read) while another keeps making emulated calls,
 * which the sentry must keep answering; then the peer drains the socket
 * and sendmmsg completes with msg_len filled in. Prints "NAME ok" or
 * "NAME FAIL why"; exits 0 only if every check passed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

/* More than the (shrunk) socket buffer takes; no more than the sentry
 * sends of one message (a short count on a stream socket is legal). */
#define MSG (128 * 1024)

static int sv[2];
static atomic_int sender_done;
static int sent_ret, sent_errno;
static unsigned int sent_len[2];
static int failures;

static void check(const char *name, int ok, const char *why)
{
	printf("%s %s%s%s\n", name, ok ? "ok" : "FAIL", ok ? "" : " ",
	       ok ? "" : why);
	fflush(stdout);
	if (!ok)
		failures++;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *sender(void *arg)
{
	static char a[MSG], b[16];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct mmsghdr v[2];

	(void)arg;
	memset(v, 0, sizeof(v));
	memset(a, 'a', sizeof(a));
	v[0].msg_hdr.msg_iov = &iov[0];
	v[0].msg_hdr.msg_iovlen = 1;
	v[1].msg_hdr.msg_iov = &iov[1];
	v[1].msg_hdr.msg_iovlen = 1;
	sent_ret = sendmmsg(sv[0], v, 2, 0);
	sent_errno = errno;
	sent_len[0] = v[0].msg_len;
	sent_len[1] = v[1].msg_len;
	atomic_store(&sender_done, 1);
	return NULL;
}

int main(void)
{
	static char buf[64 * 1024];
	char why[160];
	pthread_t th;
	double t0, worst = 0;
	size_t got = 0;
	int calls = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		return 2;
	}
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &(int){ 8192 }, sizeof(int));
	pthread_create(&th, NULL, sender, NULL);
	/* For 500 ms, while the sender is blocked, emulated calls go on. */
	t0 = now_ms();
	while (now_ms() - t0 < 500) {
		struct stat st;
		struct utsname u;
		double t1 = now_ms();

		if (stat("/", &st) < 0 || uname(&u) < 0) {
			check("calls_during_block", 0, strerror(errno));
			return 1;
		}
		if (now_ms() - t1 > worst)
			worst = now_ms() - t1;
		calls++;
		usleep(1000);
	}
	snprintf(why, sizeof(why), "%d calls, slowest %.1f ms", calls, worst);
	check("calls_during_block", calls > 50 && worst < 200, why);
	check("sender_blocked", !atomic_load(&sender_done),
	      "sendmmsg returned before the peer read");
	/* Drain: the first message completes, the call returns. */
	t0 = now_ms();
	while (now_ms() - t0 < 10000) {
		ssize_t r = recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);

		if (r > 0) {
			got += r;
			continue;
		}
		if (r < 0 && errno != EAGAIN)
			break;
		if (atomic_load(&sender_done) && (sent_ret < 1 || got >= MSG))
			break;
		usleep(1000);
	}
	pthread_join(th, NULL);
	snprintf(why, sizeof(why), "ret %d errno %d msg_len %u", sent_ret,
		 sent_errno, sent_len[0]);
	check("sendmmsg_result", sent_ret >= 1 && sent_len[0] == MSG, why);
	snprintf(why, sizeof(why), "received %zu, sent %u + %u", got,
		 sent_len[0], sent_ret == 2 ? sent_len[1] : 0);
	check("bytes_arrived",
	      got >= MSG && (sent_ret < 2 || sent_len[1] == 16), why);
	return failures ? 1 : 0;
}
