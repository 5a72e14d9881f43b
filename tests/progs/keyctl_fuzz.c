// SPDX-License-Identifier: Apache-2.0
/*
 * Sandbox only (it would chown and revoke the host's own keyrings): random
 * keyctl, add_key and request_key calls, with serials it got back, special
 * ids, pointers and junk, and forks that join new sessions. Prints
 * "fuzz done N" if the sentry answered every call (run under `make asan`
 * it also checks the sentry's key lifetimes).
 *   keyctl_fuzz SEED CALLS
 */
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[256];
static long ids[64];
static int nids;

static long pick(void)
{
	switch (rand() % 6) {
	case 0:
		return -(rand() % 9);
	case 1:
		return nids ? ids[rand() % nids] : 1;
	case 2:
		return (long)buf;
	case 3:
		return rand() % 300;
	case 4:
		return 0;
	default:
		return nids ? ids[rand() % nids] : KEY_SPEC_SESSION_KEYRING;
	}
}

static long one(void)
{
	static const char *const types[] = { "user", "keyring", "logon",
					     ".x", "" };
	static const char *const descs[] = { "a", "b", "c", "ring", "_ses" };
	int w = rand() % 10;
	pid_t p;

	if (w == 0)
		return syscall(SYS_add_key, types[rand() % 5],
			       descs[rand() % 5], rand() % 2 ? "payload" : NULL,
			       (long)(rand() % 8), pick());
	if (w == 1)
		return syscall(SYS_request_key, types[rand() % 5],
			       descs[rand() % 5], NULL, pick());
	if (w == 2 && rand() % 50 == 0) {
		p = fork();
		if (p == 0) {
			syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0);
			syscall(SYS_add_key, "user", "child", "x", 1,
				KEY_SPEC_SESSION_KEYRING);
			_exit(0);
		}
		waitpid(p, NULL, 0);
		return 0;
	}
	return syscall(SYS_keyctl, rand() % 32, pick(), pick(), pick(),
		       pick());
}

int main(int argc, char **argv)
{
	long calls = argc > 2 ? atol(argv[2]) : 100000;

	srand(argc > 1 ? atoi(argv[1]) : 1);
	for (long i = 0; i < calls; i++) {
		long r = one();

		if (r > 2)
			ids[nids < 64 ? nids++ : rand() % 64] = r;
	}
	printf("fuzz done %ld\n", calls);
	return 0;
}
