// SPDX-License-Identifier: Apache-2.0
/*
 * Attacks on the core dump (tests/escape/coredump_attack.sh): a child dies
 * of SIGSEGV with RLIMIT_CORE raised, in a directory the attacker
 * prepared, and the parent says what became of it, one line per case,
 * "name result", then "done 0". Run in a runc container and in a cvisor
 * one with the same config: Linux's answers are the reference.
 *
 *   coredump_attack           the cases, as pid 1 of a container
 *   coredump_attack --huge    a process with a large touched mapping and a
 *                             larger untouched one dumps core in /tmp/huge,
 *                             then "huge <status>" and "done 0"; waits for
 *                             stdin to close before it exits
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

#define DIR_ "/tmp/cd"
#define CORE DIR_ "/core"
#define VICTIM "/tmp/victim"
#define PRECIOUS "precious\n"

struct how {
	const char *dir;
	uid_t uid;
	int dumpable;		/* -1: untouched */
	size_t touch, untouched;	/* bytes of mappings */
};

static void die(const struct how *h)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };
	char *p;

	if (setrlimit(RLIMIT_CORE, &r) < 0) {
		getrlimit(RLIMIT_CORE, &r);
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_CORE, &r);
	}
	if (h->uid != 0 && (setgid(h->uid) < 0 || setuid(h->uid) < 0))
		_exit(97);
	if (h->dumpable >= 0)
		prctl(PR_SET_DUMPABLE, h->dumpable, 0, 0, 0);
	if (h->touch) {
		p = mmap(NULL, h->touch, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(96);
		memset(p, 0x5a, h->touch);
	}
	if (h->untouched &&
	    mmap(NULL, h->untouched, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) ==
		    MAP_FAILED)
		_exit(95);
	if (chdir(h->dir) < 0)
		_exit(98);
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
	_exit(99);
}

static const char *run(const struct how *h)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0)
		die(h);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return ename(errno);
	return wstatus(st);
}

/* What is at path now: none, a symlink, or a file's owner, links, and
 * whether it is an ELF file or holds PRECIOUS. */
static const char *what(const char *path)
{
	static char s[96];
	char buf[16] = { 0 };
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return "none";
	if (S_ISLNK(st.st_mode))
		return "symlink";
	fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd >= 0) {
		(void)read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	snprintf(s, sizeof(s), "uid %u links %u %s", (unsigned)st.st_uid,
		 (unsigned)st.st_nlink,
		 memcmp(buf, "\177ELF", 4) == 0 ? "elf" :
		 strcmp(buf, PRECIOUS) == 0 ? "precious" : "other");
	return s;
}

static void victim(void)
{
	int fd = open(VICTIM, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		(void)write(fd, PRECIOUS, strlen(PRECIOUS));
		close(fd);
	}
}

static void clean(void)
{
	unlink(CORE);
	unlink(VICTIM);
}

/* The core a symlink names: to a file, to a name that does not exist
 * (inside, and out of the root by ".."). */
static void symlinks(void)
{
	struct how h = { .dir = DIR_, .dumpable = -1 };

	victim();
	symlink(VICTIM, CORE);
	case_out("symlink_file", "%s", run(&h));
	case_out("symlink_file_victim", "%s", what(VICTIM));
	case_out("symlink_file_core", "%s", what(CORE));
	clean();
	symlink("/tmp/made-by-core", CORE);
	case_out("symlink_dangling", "%s", run(&h));
	case_out("symlink_dangling_target", "%s", what("/tmp/made-by-core"));
	clean();
	symlink("../../../../../../../../tmp/cvisor-core-escape", CORE);
	case_out("symlink_dotdot", "%s", run(&h));
	case_out("symlink_dotdot_target", "%s",
	    what("/tmp/cvisor-core-escape"));
	clean();
}

/* Over a file of another owner, a hard link, a directory. */
static void others(void)
{
	struct how h = { .dir = DIR_, .dumpable = -1 };

	victim();
	if (chown(VICTIM, 1000, 1000) < 0 || rename(VICTIM, CORE) < 0)
		case_out("other_owner", "setup %s", ename(errno));
	else
		case_out("other_owner", "%s", run(&h));
	case_out("other_owner_core", "%s", what(CORE));
	clean();
	victim();
	link(VICTIM, CORE);
	case_out("hard_link", "%s", run(&h));
	case_out("hard_link_victim", "%s", what(VICTIM));
	clean();
	mkdir(CORE, 0755);
	case_out("directory", "%s", run(&h));
	case_out("directory_core", "%s", what(CORE) /* a directory: "other" */);
	rmdir(CORE);
	/* an existing file of its own: reused, truncated */
	victim();
	rename(VICTIM, CORE);
	case_out("own_file", "%s", run(&h));
	case_out("own_file_core", "%s", what(CORE));
	clean();
}

/* A read-only cwd; a non-dumpable task; and the control: a plain dump. */
static void places(void)
{
	struct how h = { .dir = "/ro", .dumpable = -1 };

	case_out("readonly_cwd", "%s", run(&h));
	case_out("readonly_cwd_core", "%s", what("/ro/core"));
	h.dir = DIR_;
	h.dumpable = 0;
	case_out("nondumpable_root", "%s", run(&h));
	case_out("nondumpable_root_core", "%s", what(CORE));
	clean();
	h.uid = 1000;
	case_out("nondumpable_user", "%s", run(&h));
	case_out("nondumpable_user_core", "%s", what(CORE));
	clean();
	h.uid = 0;
	h.dumpable = -1;
	case_out("control", "%s", run(&h));
	case_out("control_core", "%s", what(CORE));
	clean();
}

static int huge(void)
{
	struct how h = { .dir = "/tmp/huge", .dumpable = -1,
			 .touch = 256UL << 20, .untouched = 16UL << 30 };
	char c;

	mkdir("/tmp", 01777);
	mkdir(h.dir, 0777);
	case_out("huge", "%s", run(&h));
	printf("done 0\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "--huge") == 0)
		return huge();
	mkdir("/tmp", 01777);
	mkdir(DIR_, 0777);
	chmod(DIR_, 0777);
	symlinks();
	others();
	places();
	printf("done 0\n");
	return 0;
}
