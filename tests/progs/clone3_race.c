// SPDX-License-Identifier: Apache-2.0
/*
 * clone3_race SECONDS: attacks the clone3 emulation (sentry/clone3.c) the
 * way invariant 1 is attacked for paths: the kernel must never read the
 * clone_args the sentry checked.
 *
 * Thread A calls clone3 with one struct clone_args in a loop; thread B
 * keeps flipping its flags between 0 and CLONE_NEWUSER. If anything read
 * the struct again after the sentry decided (the kernel running the
 * workload's clone3), some child would eventually be made in a new user
 * namespace, where (no id map written) its uid is the overflow uid.
 * Each child exits 0 in its parent's user namespace, 1 in a new one.
 *
 * Prints "calls=N made=N refused=N other=N newns=N" and exits 0 if no
 * child was in a new user namespace and at least one was made, 1 if one
 * was, 3 if none was made.
 */
#include <errno.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct clone_args args = { .exit_signal = SIGCHLD };
static atomic_int stop;

static void *flipper(void *arg)
{
	volatile __u64 *flags = &args.flags;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		*flags = CLONE_NEWUSER;
		*flags = 0;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long calls = 0, made = 0, refused = 0, other = 0, newns = 0;
	uid_t mine = getuid();
	pthread_t b;
	time_t end;

	if (argc != 2)
		return 2;
	end = time(NULL) + atoi(argv[1]);
	if (pthread_create(&b, NULL, flipper, NULL) != 0)
		return 2;
	while (time(NULL) < end) {
		long pid = syscall(SYS_clone3, &args, sizeof(args));
		int st;

		calls++;
		if (pid == 0)
			_exit(getuid() != mine ? 1 : 0);
		if (pid < 0) {
			if (errno == EPERM)
				refused++;
			else
				other++;
			continue;
		}
		made++;
		if (waitpid((pid_t)pid, &st, 0) == (pid_t)pid &&
		    WIFEXITED(st) && WEXITSTATUS(st) == 1)
			newns++;
	}
	atomic_store(&stop, 1);
	pthread_join(b, NULL);
	printf("calls=%ld made=%ld refused=%ld other=%ld newns=%ld\n", calls,
	       made, refused, other, newns);
	if (newns)
		return 1;
	return made ? 0 : 3;
}
