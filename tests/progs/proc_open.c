// SPDX-License-Identifier: Apache-2.0
/*
 * Opening and executing through /proc's magic links: /proc/self/exe,
 * cwd, root and fd/N opened with the flags asked (a new open file
 * description, permission checks as the caller, ETXTBSY for writing the
 * running program, ENXIO for a socket), and execve through symlinks that
 * lead into /proc. Prints one line per case, "name result", then
 * "done 0". tests/integration/proc_exec.sh runs it natively and in the
 * sandbox and compares.
 *
 *   /path/to/proc_open DIR   DIR: an empty writable directory
 *   proc_open --exit0        exits 0 (what the exec cases run)
 *   proc_open --exe          prints its /proc/self/exe target's last name
 *
 * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH are dropped first, so that a
 * root run natively and the sandbox's default capabilities agree.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static const char *dir;
static const char *self;

static char *at(const char *name)
{
	static char path[4][4200];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static char *fdpath(int fd)
{
	static char path[4][64];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "/proc/self/fd/%d", fd);
	return path[i];
}

static void put(const char *name, const char *data, mode_t mode)
{
	int fd;

	unlink(at(name));
	fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, strlen(data)) < 0)
		printf("setup_%s %s\n", name, ename(errno));
	if (fd >= 0)
		close(fd);
	chmod(at(name), mode);
}

static void res(const char *name, int ret)
{
	printf("%s %s\n", name, ename(ret < 0 ? errno : 0));
	fflush(stdout);
}

/* open(path, flags): the errno's name, or what the fd reads (up to 16
 * bytes, printable) when it is readable, else "ok". */
static void try_open(const char *name, const char *path, int flags)
{
	char buf[17] = { 0 };
	ssize_t n;
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0) {
		res(name, -1);
		return;
	}
	if ((flags & O_ACCMODE) != O_WRONLY && !(flags & (O_PATH | O_DIRECTORY))) {
		n = read(fd, buf, 16);
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] < 32 || buf[i] > 126)
				buf[i] = '.';
		printf("%s %s\n", name, n < 0 ? ename(errno) : buf);
	} else {
		printf("%s ok\n", name);
	}
	close(fd);
}

static void drop_dac(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return;
	d[0].effective &= ~((1u << CAP_DAC_OVERRIDE) |
			    (1u << CAP_DAC_READ_SEARCH));
	syscall(SYS_capset, &h, d);
}

static void exe_cases(void)
{
	struct stat a, b;
	char buf[65536];
	long total = 0;
	ssize_t n;
	int fd;

	try_open("exe_rdonly", "/proc/self/exe", O_RDONLY);
	try_open("exe_wronly", "/proc/self/exe", O_WRONLY);
	try_open("exe_rdwr", "/proc/self/exe", O_RDWR);
	try_open("exe_directory", "/proc/self/exe", O_RDONLY | O_DIRECTORY);
	try_open("exe_nofollow", "/proc/self/exe", O_RDONLY | O_NOFOLLOW);
	try_open("exe_path", "/proc/self/exe", O_PATH);
	/* the whole file reads back: cat /proc/self/exe > copy */
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	if (fd >= 0 && fstat(fd, &a) == 0 && stat(self, &b) == 0)
		printf("exe_copy %s\n", total == a.st_size &&
			a.st_ino == b.st_ino ? "same" : "differs");
	else
		res("exe_copy", -1);
	if (fd >= 0)
		close(fd);
	snprintf(buf, sizeof(buf), "/proc/%d/exe", (int)getpid());
	try_open("pid_exe_rdonly", buf, O_RDONLY);
}

static void fd_cases(void)
{
	char buf[32] = { 0 };
	int fd, fd2, sv[2], p[2];

	/* a new open file description: its own offset */
	put("f", "hello world", 0644);
	fd = open(at("f"), O_RDONLY | O_CLOEXEC);
	if (read(fd, buf, 6) != 6)
		printf("setup_read %s\n", ename(errno));
	try_open("fd_own_offset", fdpath(fd), O_RDONLY);
	/* a reopen checks the mode asked, not the fd's */
	fd2 = open(fdpath(fd), O_WRONLY | O_APPEND | O_CLOEXEC);
	res("fd_rdonly_to_wronly", fd2);
	if (fd2 >= 0 && write(fd2, "!", 1) == 1)
		try_open("fd_append", at("f"), O_RDONLY);
	if (fd2 >= 0)
		close(fd2);
	try_open("fd_nofollow", fdpath(fd), O_RDONLY | O_NOFOLLOW);
	try_open("fd_excl", fdpath(fd), O_RDONLY | O_CREAT | O_EXCL);
	try_open("fd_directory", fdpath(fd), O_RDONLY | O_DIRECTORY);
	/* the file was removed: still reachable through the fd */
	unlink(at("f"));
	try_open("fd_deleted", fdpath(fd), O_RDONLY);
	close(fd);

	put("ro", "read only", 0444);
	fd = open(at("ro"), O_RDONLY | O_CLOEXEC);
	try_open("fd_wronly_denied", fdpath(fd), O_WRONLY);
	try_open("fd_trunc_denied", fdpath(fd), O_RDONLY | O_TRUNC);
	close(fd);
	put("wo", "write only", 0200);
	fd = open(at("wo"), O_WRONLY | O_CLOEXEC);
	try_open("fd_rdonly_denied", fdpath(fd), O_RDONLY);
	try_open("fd_trunc", fdpath(fd), O_WRONLY | O_TRUNC);
	close(fd);
	fd = open(at("wo"), O_PATH | O_CLOEXEC);
	try_open("fd_of_opath_denied", fdpath(fd), O_RDONLY);
	close(fd);
	put("rw", "read write", 0600);
	fd = open(at("rw"), O_PATH | O_CLOEXEC);
	try_open("fd_of_opath", fdpath(fd), O_RDONLY);
	close(fd);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
		try_open("fd_socket", fdpath(sv[0]), O_RDWR);
		close(sv[0]);
		close(sv[1]);
	}
	if (pipe2(p, O_CLOEXEC) == 0) {
		/* a pipe's read end reopened for writing: a new writer */
		fd = open(fdpath(p[0]), O_WRONLY | O_CLOEXEC);
		res("fd_pipe_reopen_wronly", fd);
		if (fd >= 0 && write(fd, "piped", 5) == 5 &&
		    read(p[0], buf, 5) == 5) {
			buf[5] = '\0';
			printf("fd_pipe_data %s\n", buf);
		}
		if (fd >= 0)
			close(fd);
		close(p[0]);
		close(p[1]);
	}

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	try_open("fd_dir", fdpath(fd), O_RDONLY | O_DIRECTORY);
	try_open("fd_dir_wronly", fdpath(fd), O_WRONLY);
	close(fd);
	if (chdir(dir) == 0) {
		try_open("cwd_dir", "/proc/self/cwd", O_RDONLY | O_DIRECTORY);
		try_open("cwd_wronly", "/proc/self/cwd", O_WRONLY);
		try_open("cwd_file", "/proc/self/cwd/rw", O_RDONLY);
	}
	try_open("root_dir", "/proc/self/root", O_RDONLY | O_DIRECTORY);
	try_open("root_wronly", "/proc/self/root", O_RDWR);
}

/* Runs argv with execve in a child: "ok" (exit 0), the errno's name, or
 * "exitN" (what the program itself said). */
static void run(const char *name, const char *path, char *const argv[])
{
	int st, pfd[2];
	int err = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		execv(path, argv);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	if (err)
		printf("%s %s\n", name, ename(err));
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		printf("%s ok\n", name);
	else
		printf("%s exit%d\n", name, WIFEXITED(st) ? WEXITSTATUS(st)
							  : 128 + WTERMSIG(st));
	fflush(stdout);
}

/* Like run, but the child's stdout (its first line) is the result. */
static void run_out(const char *name, const char *path, char *const argv[],
		    int keep_fd)
{
	char buf[256] = { 0 };
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(p) < 0)
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		(void)keep_fd;
		execv(path, argv);
		printf("exec %s\n", ename(errno));
		fflush(stdout);
		_exit(127);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	waitpid(pid, &st, 0);
	if (n > 0)
		buf[strcspn(buf, "\n")] = '\0';
	printf("%s %s\n", name, n > 0 ? buf : "(nothing)");
	fflush(stdout);
}

static void exec_cases(void)
{
	char *exit0[] = { "x", "--exit0", NULL };
	char *exe[] = { "x", "--exe", NULL };
	char script[256];
	int fd;

	symlink("/proc/self/exe", at("to_exe"));
	run("exec_link_to_proc_exe", at("to_exe"), exit0);
	symlink("../../../../../../../../proc/self/exe", at("rel_to_exe"));
	run("exec_rel_link_to_proc_exe", at("rel_to_exe"), exit0);
	run_out("exe_after_link_exec", at("to_exe"), exe, -1);
	symlink("/proc/self", at("to_self"));
	run("exec_link_dir_into_proc", at("to_self"), exit0);
	symlink("/proc/self/status", at("to_status"));
	run("exec_link_to_proc_file", at("to_status"), exit0);
	symlink("/proc/nonexistent/exe", at("to_missing"));
	run("exec_link_to_missing", at("to_missing"), exit0);

	/* through /proc/self/fd/N of an executable, via a symlink too */
	fd = open(self, O_RDONLY);	/* inherited by the children */
	snprintf(script, sizeof(script), "/proc/self/fd/%d", fd);
	run("exec_proc_fd", script, exit0);
	run_out("exe_after_fd_exec", script, exe, fd);
	symlink(script, at("to_fd"));
	run("exec_link_to_proc_fd", at("to_fd"), exit0);
	close(fd);

	/* a "#!" script by its fd: the interpreter is given the script's
	 * path, which no longer opens when the fd was close-on-exec */
	snprintf(script, sizeof(script), "#!%s --open-script\n", self);
	put("script", script, 0755);
	fd = open(at("script"), O_RDONLY);
	snprintf(script, sizeof(script), "/proc/self/fd/%d", fd);
	run_out("exec_script_by_fd", script, exit0, fd);
	close(fd);
	fd = open(at("script"), O_RDONLY | O_CLOEXEC);
	snprintf(script, sizeof(script), "/proc/self/fd/%d", fd);
	run_out("exec_script_by_cloexec_fd", script, exit0, fd);
	close(fd);
}

int main(int argc, char **argv)
{
	char buf[4096];
	ssize_t n;

	if (argc >= 2 && strcmp(argv[1], "--exit0") == 0)
		return 0;
	if (argc >= 3 && strcmp(argv[1], "--open-script") == 0) {
		/* a "#!" interpreter: can it open the script it was given? */
		int fd = open(argv[2], O_RDONLY);

		printf("script-open %s\n", ename(fd < 0 ? errno : 0));
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--exe") == 0) {
		n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
		if (n < 0) {
			printf("%s\n", ename(errno));
			return 1;
		}
		buf[n] = '\0';
		printf("%s\n", strrchr(buf, '/') ? strrchr(buf, '/') + 1
						 : buf[0] ? buf : "(empty)");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: proc_open DIR\n");
		return 2;
	}
	dir = argv[1];
	self = argv[0];
	drop_dac();
	exe_cases();
	fd_cases();
	exec_cases();
	printf("done 0\n");
	return 0;
}
