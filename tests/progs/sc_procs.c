// SPDX-License-Identifier: Apache-2.0
/*
 * Run inside a sandbox: the process model the sentry tracks through ptrace
 * events. Prints "NAME ok" or "NAME FAIL why" per check, for
 * tests/integration/sentry_procs.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *name, int ok, const char *why)
{
	printf("%s %s%s%s\n", name, ok ? "ok" : "FAIL", ok ? "" : " ",
	       ok ? "" : why);
	fflush(stdout);
}

static void *thread_open(void *arg)
{
	int fd = open("/etc/passwd", O_RDONLY);

	*(int *)arg = fd >= 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void *thread_chdir(void *arg)
{
	(void)arg;
	return (void *)(long)chdir("/etc");
}

static void *thread_exec(void *arg)
{
	char *av[] = { "/bin/echo", "thread-exec", NULL };

	(void)arg;
	execve(av[0], av, NULL);
	_exit(99);
}

static int run_child(void (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return st;
}

static void exec_from_thread(void)
{
	pthread_t th;

	pthread_create(&th, NULL, thread_exec, NULL);
	pause();
}

static void drop_to_1000(void)
{
	int fd;

	if (setresgid(1000, 1000, 1000) < 0 || setgroups(0, NULL) < 0 ||
	    setresuid(1000, 1000, 1000) < 0)
		_exit(2);
	fd = open("/etc/secret", O_RDONLY);
	if (fd >= 0 || errno != EACCES)
		_exit(3);
	if (sethostname("x", 1) == 0 || errno != EPERM)
		_exit(4);
	if (mkdir("/dev/shm/by1000", 0755) < 0)
		_exit(errno == EACCES ? 5 : 100 + errno);
	_exit(0);
}

static void fsuid_only(void)
{
	setfsuid(1000);
	if (open("/etc/secret", O_RDONLY) >= 0 || errno != EACCES)
		_exit(3);
	setfsuid(0);
	if (open("/etc/secret", O_RDONLY) < 0)
		_exit(4);
	_exit(0);
}

static volatile sig_atomic_t got_chld;

static void on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

static void signals(void)
{
	int st = 0;
	sigset_t mask, old;
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	check("sigstop", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "no stop");
	kill(pid, SIGCONT);
	waitpid(pid, &st, WCONTINUED);
	check("sigcont", WIFCONTINUED(st), "no continue");
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	check("sigterm", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status");

	signal(SIGCHLD, on_chld);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	pid = fork();
	if (pid == 0)
		_exit(0);
	while (!got_chld)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	waitpid(pid, NULL, 0);
	check("sigchld_handler", got_chld, "no SIGCHLD");
}

int main(void)
{
	pthread_t th;
	char cwd[256] = "";
	int ok = 0, st;
	pid_t pid;
	struct sysinfo si;
	struct utsname u;

	pthread_create(&th, NULL, thread_open, &ok);
	pthread_join(th, NULL);
	check("thread_open", ok, "open from a thread failed");

	pthread_create(&th, NULL, thread_chdir, NULL);
	pthread_join(th, NULL);
	check("clone_fs_shared", getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/etc"),
	      cwd);
	chdir("/");
	pid = fork();
	if (pid == 0) {
		chdir("/tmp");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	check("fork_fs_copied", getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/"),
	      cwd);

	umask(027);
	pid = fork();
	if (pid == 0)
		_exit(umask(0));
	waitpid(pid, &st, 0);
	check("umask_inherited", WIFEXITED(st) && WEXITSTATUS(st) == 027,
	      "umask");

	fflush(stdout);
	st = run_child(exec_from_thread);
	check("exec_from_thread", WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "exit status");

	pid = vfork();
	if (pid == 0) {
		char *av[] = { "/bin/true", NULL };

		execve(av[0], av, NULL);
		_exit(98);
	}
	waitpid(pid, &st, 0);
	check("vfork_exec", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status");

	signals();

	if (getuid() == 0) {
		char why[32];

		st = run_child(drop_to_1000);
		snprintf(why, sizeof(why), "status %#x", st);
		check("setresuid_creds", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      why);
		st = run_child(fsuid_only);
		check("setfsuid_creds", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "exit code 3..4");
	}
	check("sysinfo", sysinfo(&si) == 0 && si.procs > 0 && si.uptime < 600,
	      "sysinfo");
	check("uname", uname(&u) == 0 && !strcmp(u.sysname, "Linux"), "uname");
	return 0;
}
