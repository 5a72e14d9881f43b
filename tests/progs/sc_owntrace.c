// SPDX-License-Identifier: Apache-2.0
/*
 * Run inside a sandbox: the workload installs its own filter returning
 * SECCOMP_RET_TRACE with its own data for getppid and execve. The sentry
 * (the tracer) must not treat those stops as its own: the calls fail with
 * ENOSYS, as they would with no tracer. Prints "NAME ERRNO".
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 0x1234),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	char *av[] = { "/bin/true", NULL };
	long r;

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		printf("install %s\n", strerrorname_np(errno));
		return 1;
	}
	r = syscall(SYS_getppid);
	printf("getppid %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	execve(av[0], av, NULL);
	printf("execve %s\n", strerrorname_np(errno));
	printf("alive\n");
	return 0;
}
