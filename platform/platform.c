// SPDX-License-Identifier: Apache-2.0
/* Platform names and the memory access both platforms share. */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "platform/platform.h"

int platform_from_name(const char *name)
{
	if (name == NULL || strcmp(name, "seccomp") == 0 ||
	    strcmp(name, "systrap") == 0)
		return PLATFORM_SECCOMP;
	if (strcmp(name, "ptrace") == 0)
		return PLATFORM_PTRACE;
	return -1;
}

const char *platform_name(enum platform_kind k)
{
	switch (k) {
	case PLATFORM_SECCOMP:
		return "seccomp";
	case PLATFORM_PTRACE:
		return "ptrace";
	}
	return "unknown";
}

static int mem_errno(void)
{
	return errno == ESRCH ? -ESRCH : -EFAULT;
}

int plat_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n;

	if (len == 0)
		return 0;
	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return mem_errno();
	return (size_t)n == len ? 0 : -EFAULT;
}

int plat_mem_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n;

	if (len == 0)
		return 0;
	n = process_vm_writev(tid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return mem_errno();
	return (size_t)n == len ? 0 : -EFAULT;
}

ssize_t plat_mem_read_some(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	size_t to_page = 4096 - (addr & 4095);
	struct iovec local = { buf, len < to_page ? len : to_page };
	struct iovec remote = { (void *)(uintptr_t)addr, local.iov_len };
	ssize_t n;

	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n < 0)
		return mem_errno();
	return n == 0 ? -EFAULT : n;
}
