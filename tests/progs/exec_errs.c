// SPDX-License-Identifier: Apache-2.0
/*
 * execve/execveat/fexecve results, and ETXTBSY both ways: prints one line
 * per case, "name result" (ok, or the errno's name), then "done 0".
 * tests/integration/exec_errors.sh runs it natively and in the sandbox on
 * the same kind of directory and compares.
 *
 *   /path/to/exec_errs DIR   DIR: an empty writable directory (argv[0]
 *                      must be a path to this program: it is copied)
 *   exec_errs --exit0  what the cases exec: exits 0
 *   exec_errs --hold FD  writes one byte to FD, then sleeps (a running
 *                      executable for the ETXTBSY cases)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static const char *dir;
static const char *self;	/* argv[0]: a path to this program */
static char *const envp[] = { "PATH=/bin", NULL };

static char *at(const char *name)
{
	static char path[4][4200];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static int put(const char *name, const void *data, size_t len, mode_t mode)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		printf("setup_%s %s\n", name, ename(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return chmod(at(name), mode);
}

static int copy_self(const char *name)
{
	static char buf[4 << 20];
	int fd = open(self, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		printf("setup_copy %s\n", ename(errno));
		return -1;
	}
	return put(name, buf, (size_t)n, 0755);
}

enum how { EXECVE, EXECVEAT, FEXECVE };

/* Runs one exec in a child: "ok" if the new program ran and exited 0. */
static void try_exec(const char *name, enum how how, int dfd,
		     const char *path, int flags, char *const argv[])
{
	int st, p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		int e;

		if (how == EXECVE)
			syscall(SYS_execve, path, argv, envp);
		else if (how == EXECVEAT)
			syscall(SYS_execveat, dfd, path, argv, envp, flags);
		else
			fexecve(dfd, argv, envp);
		e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(p[1]);
	{
		int e = 0;
		ssize_t n = read(p[0], &e, sizeof(e));

		close(p[0]);
		waitpid(pid, &st, 0);
		if (n == (ssize_t)sizeof(e))
			printf("%s %s\n", name, ename(e));
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			printf("%s ok\n", name);
		else
			printf("%s status%d\n", name, st);
	}
}

static void exec_cases(void)
{
	char *ok_argv[] = { "x", "--exit0", NULL };
	static char big[200 * 1024];
	char *big_argv[] = { "x", big, NULL };
	int fd;

	try_exec("execve_ok", EXECVE, 0, at("prog"), 0, ok_argv);
	try_exec("execve_missing", EXECVE, 0, at("nope"), 0, ok_argv);
	try_exec("execve_empty_path", EXECVE, 0, "", 0, ok_argv);
	try_exec("execve_no_x", EXECVE, 0, at("nox"), 0, ok_argv);
	try_exec("execve_dir", EXECVE, 0, dir, 0, ok_argv);
	try_exec("execve_notdir", EXECVE, 0, at("prog/x"), 0, ok_argv);
	try_exec("execve_garbage", EXECVE, 0, at("garbage"), 0, ok_argv);
	try_exec("execve_empty_file", EXECVE, 0, at("empty"), 0, ok_argv);
	try_exec("execve_loop", EXECVE, 0, at("loop1"), 0, ok_argv);
	try_exec("execve_symlink_ok", EXECVE, 0, at("link"), 0, ok_argv);
	memset(big, 'a', sizeof(big) - 1);
	try_exec("execve_arg_too_long", EXECVE, 0, at("prog"), 0, big_argv);
	memset(big, 'n', 5000);
	big[0] = '/';
	big[5000] = '\0';
	try_exec("execve_path_too_long", EXECVE, 0, big, 0, ok_argv);
	big[0] = '\0';

	/* "#!" scripts. */
	try_exec("script_ok", EXECVE, 0, at("s_ok"), 0, ok_argv);
	try_exec("script_interp_missing", EXECVE, 0, at("s_missing"), 0,
		 ok_argv);
	try_exec("script_interp_no_x", EXECVE, 0, at("s_nox"), 0, ok_argv);
	try_exec("script_interp_dir", EXECVE, 0, at("s_dir"), 0, ok_argv);
	try_exec("script_interp_garbage", EXECVE, 0, at("s_garbage"), 0,
		 ok_argv);
	try_exec("script_line_too_long", EXECVE, 0, at("s_long"), 0, ok_argv);
	try_exec("script_long_args_ok", EXECVE, 0, at("s_longarg"), 0,
		 ok_argv);
	try_exec("script_empty_interp", EXECVE, 0, at("s_empty"), 0, ok_argv);
	try_exec("script_nested_4", EXECVE, 0, at("n4"), 0, ok_argv);
	try_exec("script_nested_5", EXECVE, 0, at("n5"), 0, ok_argv);
	try_exec("script_nested_6", EXECVE, 0, at("n6"), 0, ok_argv);
	try_exec("script_self", EXECVE, 0, at("s_self"), 0, ok_argv);

	/* execveat and fexecve. */
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	try_exec("execveat_rel_ok", EXECVEAT, fd, "prog", 0, ok_argv);
	try_exec("execveat_bad_flags", EXECVEAT, fd, "prog", 0x4, ok_argv);
	try_exec("execveat_nofollow_link", EXECVEAT, fd, "link",
		 AT_SYMLINK_NOFOLLOW, ok_argv);
	try_exec("execveat_empty_no_flag", EXECVEAT, fd, "", 0, ok_argv);
	try_exec("execveat_empty_dir", EXECVEAT, fd, "", AT_EMPTY_PATH,
		 ok_argv);
	close(fd);
	try_exec("execveat_badfd", EXECVEAT, -1, "prog", 0, ok_argv);
	fd = open(at("prog"), O_PATH | O_CLOEXEC);
	try_exec("execveat_notdir_fd", EXECVEAT, fd, "prog", 0, ok_argv);
	try_exec("execveat_empty_opath", EXECVEAT, fd, "", AT_EMPTY_PATH,
		 ok_argv);
	close(fd);
	fd = open(at("prog"), O_RDONLY | O_CLOEXEC);
	try_exec("fexecve_ok", FEXECVE, fd, NULL, 0, ok_argv);
	close(fd);
	fd = open(at("nox"), O_RDONLY | O_CLOEXEC);
	try_exec("fexecve_no_x", FEXECVE, fd, NULL, 0, ok_argv);
	close(fd);
	fd = open(at("s_ok"), O_RDONLY | O_CLOEXEC);
	try_exec("fexecve_script_cloexec", FEXECVE, fd, NULL, 0, ok_argv);
	close(fd);
	fd = open(at("s_ok"), O_RDONLY);
	try_exec("fexecve_script", FEXECVE, fd, NULL, 0, ok_argv);
	close(fd);
}

/* ETXTBSY both ways. */
static void txtbsy_cases(void)
{
	char *ok_argv[] = { "x", "--exit0", NULL };
	char fdarg[16], c;
	int fd, p[2], st;
	pid_t pid;

	char s[300];
	int n = snprintf(s, sizeof(s), "#!%s\n", at("busy"));

	if (copy_self("busy") < 0 || put("busy_s", s, (size_t)n, 0755) < 0)
		return;
	/* exec of a file open for writing: here, and by another process */
	fd = open(at("busy"), O_WRONLY | O_CLOEXEC);
	try_exec("exec_open_for_write", EXECVE, 0, at("busy"), 0, ok_argv);
	try_exec("exec_script_open_for_write", EXECVE, 0, at("busy_s"), 0,
		 ok_argv);
	close(fd);
	fd = open(at("busy_s"), O_RDWR | O_CLOEXEC);
	try_exec("exec_script_itself_open_for_write", EXECVE, 0,
		 at("busy_s"), 0, ok_argv);
	close(fd);
	fd = open(at("busy"), O_RDONLY | O_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		int w = open(at("busy"), O_WRONLY | O_CLOEXEC);

		pause();
		_exit(w < 0);
	}
	usleep(200000);
	try_exec("exec_open_for_write_elsewhere", EXECVE, 0, at("busy"), 0,
		 ok_argv);
	try_exec("fexecve_open_for_write", FEXECVE, fd, NULL, 0, ok_argv);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(fd);
	try_exec("exec_after_writer_closed", EXECVE, 0, at("busy"), 0,
		 ok_argv);

	/* open for writing of a file being executed */
	if (pipe(p) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "busy", "--hold", fdarg, NULL };

		close(p[0]);
		snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
		execve(at("busy"), argv, envp);
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		printf("hold_start failed\n");
		return;
	}
	close(p[0]);
#define OPEN_CASE(name, path, flags)                                        \
	do {                                                                 \
		int f_ = open(path, (flags) | O_CLOEXEC);                    \
		printf("%s %s\n", name, ename(f_ < 0 ? errno : 0));          \
		if (f_ >= 0)                                                 \
			close(f_);                                           \
	} while (0)
	OPEN_CASE("open_wronly_running", at("busy"), O_WRONLY);
	OPEN_CASE("open_rdwr_running", at("busy"), O_RDWR);
	OPEN_CASE("open_rdonly_trunc_running", at("busy"), O_RDONLY | O_TRUNC);
	OPEN_CASE("open_rdonly_running", at("busy"), O_RDONLY);
	printf("truncate_running %s\n",
	       ename(truncate(at("busy"), 0) < 0 ? errno : 0));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	OPEN_CASE("open_wronly_after_exit", at("busy"), O_WRONLY);
}

static void setup(void)
{
	char s[512];
	int n;

	copy_self("prog");
	put("nox", "#!/bin/sh\n", 10, 0644);
	put("garbage", "garbage\n\n", 9, 0755);
	put("empty", "", 0, 0755);
	symlink("loop2", at("loop1"));
	symlink("loop1", at("loop2"));
	symlink("prog", at("link"));
	mkdir(at("adir"), 0755);
	n = snprintf(s, sizeof(s), "#!%s\n", at("prog"));
	put("s_ok", s, (size_t)n, 0755);
	n = snprintf(s, sizeof(s), "#!%s\n", at("nope"));
	put("s_missing", s, (size_t)n, 0755);
	n = snprintf(s, sizeof(s), "#!%s\n", at("nox"));
	put("s_nox", s, (size_t)n, 0755);
	n = snprintf(s, sizeof(s), "#!%s\n", at("adir"));
	put("s_dir", s, (size_t)n, 0755);
	n = snprintf(s, sizeof(s), "#!%s\n", at("garbage"));
	put("s_garbage", s, (size_t)n, 0755);
	put("s_empty", "#!\n", 3, 0755);
	n = snprintf(s, sizeof(s), "#!%s\n", at("s_self"));
	put("s_self", s, (size_t)n, 0755);
	/* no newline in the first 256 bytes, the name fills them */
	n = snprintf(s, sizeof(s), "#!/%0300d\n", 0);
	put("s_long", s, (size_t)n, 0755);
	/* the interpreter, then an argument cut at 256 bytes: runs */
	n = snprintf(s, sizeof(s), "#!%s %0300d\n", at("prog"), 0);
	put("s_longarg", s, (size_t)n, 0755);
	/* n1 runs prog; nK runs n(K-1) */
	n = snprintf(s, sizeof(s), "#!%s\n", at("prog"));
	put("n1", s, (size_t)n, 0755);
	for (int k = 2; k <= 6; k++) {
		char name[8], prev[8];

		snprintf(name, sizeof(name), "n%d", k);
		snprintf(prev, sizeof(prev), "n%d", k - 1);
		n = snprintf(s, sizeof(s), "#!%s\n", at(prev));
		put(name, s, (size_t)n, 0755);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* scripts' interpreters get the scripts' paths before it */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--exit0") == 0)
			return 0;
	if (argc == 3 && strcmp(argv[1], "--hold") == 0) {
		int fd = atoi(argv[2]);

		if (write(fd, "x", 1) != 1)
			return 1;
		close(fd);
		sleep(30);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: exec_errs DIR\n");
		return 2;
	}
	dir = argv[1];
	self = argv[0];
	umask(022);
	setup();
	exec_cases();
	txtbsy_cases();
	printf("done 0\n");
	return 0;
}
