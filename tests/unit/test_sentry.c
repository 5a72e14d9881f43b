// SPDX-License-Identifier: Apache-2.0
/* The sentry core's pure parts: names, handler registry, task memory
 * access on the calling process, strace formatting, stats, control wire. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "platform/platform.h"
#include "sentry/control.h"
#include "sentry/internal.h"
#include "sentry/proc_status.h"
#include "sentry/vtree.h"
#include "syscalls/table.h"
#include "tests/unit/test.h"

static struct sentry sen;
static struct task self;
static struct plat_call pc = { .kind = PLATFORM_PTRACE, .at_stop = true };

static struct sc_call self_call(long nr)
{
	self.host_tid = self.host_tgid = getpid();
	self.tid = self.tgid = 1;
	self.sentry = &sen;
	return (struct sc_call){ .t = &self, .nr = nr, .platform = &pc };
}

TEST(platform_names)
{
	CHECK_EQ(platform_from_name("seccomp"), PLATFORM_SECCOMP);
	CHECK_EQ(platform_from_name("ptrace"), PLATFORM_PTRACE);
	CHECK_EQ(platform_from_name("kvm"), -1);
	CHECK(strcmp(platform_name(PLATFORM_PTRACE), "ptrace") == 0);
	CHECK(strcmp(platform_name(PLATFORM_SECCOMP), "seccomp") == 0);
}

TEST(every_emulate_row_has_a_handler)
{
	for (size_t i = 0; i < sc_table_len; i++) {
		const struct sc_entry *e = &sc_table[i];

		if (e->disp != SC_EMULATE)
			continue;
		if (sentry_handler_lookup(e->name) == NULL) {
			snprintf(test_why, sizeof(test_why), "no handler: %s",
				 e->name);
			CHECK(0);
		}
	}
	CHECK(sentry_handler_lookup("no_such_call") == NULL);
}

/* A handler's outcome is its own field, not a value in the result's
 * range: pidfd_send_signal by notification lets the kernel run it, and a
 * row without a handler (a PASS row) is ENOSYS, a plain value. */
TEST(dispatch_outcomes)
{
	struct plat_call notif = { .kind = PLATFORM_SECCOMP };
	struct sc_call c = self_call(SYS_pidfd_send_signal);

	c.platform = &notif;
	CHECK_EQ(sentry_dispatch(&sen, &c), 0);
	CHECK_EQ(c.outcome, SC_OUT_CONTINUE);
	c = self_call(SYS_read);
	c.outcome = SC_OUT_DEFERRED;	/* reset by the dispatch */
	CHECK_EQ(sentry_dispatch(&sen, &c), -ENOSYS);
	CHECK_EQ(c.outcome, SC_OUT_VALUE);
}

TEST(read_path_cases)
{
	struct sc_call c = self_call(SYS_openat);
	char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char buf[4096];

	CHECK(map != MAP_FAILED);
	mprotect(map + 4096, 4096, PROT_NONE);
	strcpy(map, "/etc/passwd");
	CHECK_EQ(task_read_path(&c, (uintptr_t)map, buf, sizeof(buf)), 11);
	CHECK(strcmp(buf, "/etc/passwd") == 0);
	map[0] = '\0';
	CHECK_EQ(task_read_path(&c, (uintptr_t)map, buf, sizeof(buf)), -ENOENT);
	memset(map, 'a', 4096);
	CHECK_EQ(task_read_path(&c, (uintptr_t)map + 4000, buf, sizeof(buf)),
		 -EFAULT);
	CHECK_EQ(task_read_path(&c, (uintptr_t)map, buf, 100), -ENAMETOOLONG);
	CHECK_EQ(task_read_path(&c, 16, buf, sizeof(buf)), -EFAULT);
	CHECK_EQ(task_read(&c, (uintptr_t)map + 4090, buf, 16), -EFAULT);
	munmap(map, 8192);
}

TEST(strace_openat_line)
{
	struct sc_call c = self_call(SYS_openat);
	static const char path[] = "/etc/passwd";
	char out[512];

	c.args[0] = (uint64_t)AT_FDCWD;
	c.args[1] = (uintptr_t)path;
	c.args[2] = O_RDONLY | O_CLOEXEC;
	strace_format_args(&c, out, sizeof(out));
	CHECK(strstr(out, "AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC") != NULL);
	c.args[2] = O_WRONLY | O_CREAT | O_TRUNC;
	strace_format_args(&c, out, sizeof(out));
	CHECK(strstr(out, "O_WRONLY|O_CREAT|O_TRUNC") != NULL);
}

TEST(stats_json_counts)
{
	char *j;

	stats_record(&sen, SYS_openat, SC_EMULATE, 1500, 3);
	stats_record(&sen, SYS_openat, SC_EMULATE, 500, -ENOENT);
	j = stats_json(&sen);
	CHECK(j != NULL);
	CHECK(strstr(j, "\"emulate\":2") != NULL);
	CHECK(strstr(j, "\"openat\":{\"count\":2,\"time_ns\":2000}") != NULL);
	CHECK(strstr(j, "\"errors\":1") != NULL);
	free(j);
}

TEST(control_reply_roundtrip)
{
	int sv[2];
	void *p = NULL;
	uint32_t len = 0;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK_EQ(ctl_send_reply(sv[0], 0, "abc", 3), 0);
	CHECK_EQ(ctl_read_reply(sv[1], &p, &len), 0);
	CHECK_EQ(len, 3u);
	CHECK(strcmp(p, "abc") == 0);
	free(p);
	CHECK_EQ(ctl_send_reply(sv[0], -EPERM, NULL, 0), 0);
	CHECK_EQ(ctl_read_reply(sv[1], NULL, NULL), -EPERM);
	close(sv[0]);
	CHECK_EQ(ctl_read_reply(sv[1], NULL, NULL), -EPIPE);
	close(sv[1]);
}

/* status fields by their key at a line's start, not inside another's. */
TEST(status_fields)
{
	static const char st[] = "Name:\tx\nShdPnd:\t0000000000000100\n"
				 "SigPnd:\t0000000000000002\n"
				 "Threads:\t3\nMems_allowed_list:\t0-1,3\n";

	CHECK_EQ(status_num(st, "SigPnd", 16), 2);
	CHECK_EQ(status_num(st, "ShdPnd", 16), 0x100);
	CHECK_EQ(status_num(st, "Threads", 10), 3);
	CHECK_EQ(status_num(st, "Pnd", 16), 0);
	CHECK_EQ(status_num(st, "SigBlk", 16), 0);
	CHECK(strncmp(status_value(st, "Mems_allowed_list"), "0-1,3\n", 6) == 0);
	CHECK(strncmp(status_value(st, "Name"), "x\n", 2) == 0);
	CHECK(status_value(st, "Nam") == NULL);
	CHECK(status_value("", "Name") == NULL);
}

/* A mount's own options as the kernel prints them (procfs_mntopts.c). */
static const char *fs_opts(const char *type, const char *data,
			   const struct vtree_fs_limits *lim)
{
	static char buf[256];

	vtree_fs_options(buf, sizeof(buf), type, data, lim);
	return buf;
}

TEST(fs_options_tmpfs)
{
	struct vtree_fs_limits lim = { .size_k = 65536, .inodes = 1024 };

	/* runc's /dev and /dev/shm: the kernel's order, mode 1777 left out */
	CHECK_STREQ(fs_opts("tmpfs", "mode=755,size=65536k", &lim),
		    ",size=65536k,mode=755");
	CHECK_STREQ(fs_opts("tmpfs", "mode=1777,size=65536k", &lim),
		    ",size=65536k");
	/* the size as statfs has it; the last of a repeated option */
	CHECK_STREQ(fs_opts("tmpfs", "size=1,mode=0700,mode=01700", &lim),
		    ",size=65536k,mode=1700");
	CHECK_STREQ(fs_opts("tmpfs", "nr_blocks=16,nr_inodes=1k", &lim),
		    ",size=65536k,nr_inodes=1024");
	CHECK_STREQ(fs_opts("tmpfs", "size=1m", NULL), "");
	/* ids: root's left out; flags; an unknown option not shown */
	CHECK_STREQ(fs_opts("tmpfs", "gid=5,uid=0,huge=within_size,noswap,"
				     "inode64,x=1,uid=1000", NULL),
		    ",uid=1000,gid=5,inode64,huge=within_size,noswap");
	CHECK_STREQ(fs_opts("tmpfs", "huge=never,inode64,inode32", NULL), "");
	CHECK_STREQ(fs_opts("tmpfs", NULL, NULL), "");
}

TEST(fs_options_devpts_and_others)
{
	/* mode and ptmxmode always shown (0600, 0000 by default) */
	CHECK_STREQ(fs_opts("devpts", "newinstance,ptmxmode=0666,mode=0620,"
				      "gid=5", NULL),
		    ",gid=5,mode=620,ptmxmode=666");
	CHECK_STREQ(fs_opts("devpts", NULL, NULL), ",mode=600,ptmxmode=000");
	CHECK_STREQ(fs_opts("devpts", "max=64,uid=0,max=1048576", NULL),
		    ",uid=0,mode=600,ptmxmode=000");
	CHECK_STREQ(fs_opts("devpts", "max=64,mode=bad", NULL),
		    ",mode=600,ptmxmode=000,max=64");
	CHECK_STREQ(fs_opts("mqueue", "mode=755", NULL), "");
	CHECK_STREQ(fs_opts("proc", "hidepid=2", NULL), "");
	CHECK_STREQ(fs_opts(NULL, "mode=755", NULL), "");
}

int main(void)
{
	return test_main();
}
