/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a set-user-ID, set-group-ID or file-capability exec gives a
 * process (tests/escape/setid_exec.sh). "setid_exec cases DIR" runs, as
 * a non-root user, each program planted in DIR (and two it makes
 * set-id itself, in /tmp) as "setid_exec report NAME", which prints one
 * line:
 *
 *   NAME uid=R,E,S gid=R,E,S groups=N capeff=X capprm=X
 *        st_uid=R,E,S st_gid=R,E,S root600=ok|ERRNO secure=N
 *        created=UID:GID execfn=NAME
 *
 * uid, gid, groups and the capabilities come from getresuid, getresgid,
 * getgroups and capget: PASS rows, so the kernel's own credentials. st_
 * are /proc/self/status (the sentry's record of them, in the sandbox);
 * root600 is the open of a 0600 file of root's (DIR/root600), which the
 * gofer makes with the credentials the sentry holds for the task, and
 * created the owner of a file it creates in /tmp (the same); secure is
 * getauxval(AT_SECURE); execfn the string getauxval(AT_EXECFN) points
 * to; pdeath, amb and stack what else a secure exec changes (Linux's
 * begin_new_exec, cap_bprm_creds_from_file): the parent-death signal
 * (PR_GET_PDEATHSIG), the ambient set, RLIMIT_STACK's soft and hard
 * limits in KiB, set before each exec to SIGWINCH, CAP_KILL and 16 MiB
 * (secure_setup).
 *
 * Then the rules (each as Linux, compared with runc by
 * tests/conformance/setid.sh): a set-id exec after the caller's own
 * PR_SET_NO_NEW_PRIVS (nnp_self), by a thread not the leader
 * (thread_exec), under a stream of handled signals (signals), under
 * its parent's PTRACE_TRACEME
 * (traced), a "#!" script whose interpreter is the set-id file by a path
 * through "/.." (script: Linux applies an interpreter's set-id bits), the
 * same script execute-only (script_x: the caller cannot read it), a
 * script whose interpreter is that script (nested), a set-id script of
 * a plain interpreter (suid_script: a script's own bits are ignored), a
 * script whose set-id interpreter the caller may not execute
 * (script_700), an exec of the set-id file from an fd the caller opened
 * (fexecve: AT_EXECFN is "/dev/fd/N"), by its /proc/self/fd/N path
 * (fdpath_exec) and from an O_PATH fd (fexecve_opath), an exec that fails (E2BIG) and the fds it leaves
 * (e2big); a script whose interpreter is swapped while it is exec'd
 * (swap: the ids are only ever those of the file run), the same for
 * fds of the setuid and a plain file whose names are exchanged while the
 * fds are exec'd (swapfd); and an attack
 * that only the sandbox has a target for (race): a second thread copies
 * any O_PATH fd that appears while the main thread's set-id execs fail,
 * then execs it, directly and reopened through /proc/self/fd.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static char dir[256];

/* "R,E,S" of the first three numbers after "key:" in /proc/self/status. */
static void status_ids(const char *key, char *out, size_t len)
{
	char line[256];
	unsigned long a, b, c;
	FILE *f = fopen("/proc/self/status", "re");

	snprintf(out, len, "?");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		if (sscanf(line + strlen(key), "%lu %lu %lu", &a, &b, &c) == 3)
			snprintf(out, len, "%lu,%lu,%lu", a, b, c);
		break;
	}
	fclose(f);
}

/* The owner of a file made in /tmp, "U:G" (or the errno). */
static void created(const char *name, char *out, size_t len)
{
	char p[300];
	struct stat sb;
	int fd;

	snprintf(p, sizeof(p), "/tmp/created_%s", name);
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		snprintf(out, len, "%s", ename(errno));
	} else {
		snprintf(out, len, "%u:%u", sb.st_uid, sb.st_gid);
	}
	if (fd >= 0)
		close(fd);
	unlink(p);
}

/* The inode of the program's first mapping (/proc/self/maps): the file
 * the kernel really exec'd, whatever its path names now. */
static unsigned long exe_ino(void)
{
	unsigned long ino = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (f != NULL) {
		if (fscanf(f, "%*s %*s %*s %*s %lu", &ino) != 1)
			ino = 0;
		fclose(f);
	}
	return ino;
}

/* The parent-death signal, the ambient set and RLIMIT_STACK, as
 * " pdeath=N amb=X stack=SOFT,HARD" (KiB, -1: unlimited). */
static void secure_fx(char *out, size_t len)
{
	struct rlimit rl = { 0, 0 };
	unsigned long long amb = 0;
	int sig = -1;

	prctl(PR_GET_PDEATHSIG, &sig);
	for (int c = 0; c < 64; c++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			amb |= 1ull << c;
	getrlimit(RLIMIT_STACK, &rl);
	snprintf(out, len, " pdeath=%d amb=%llx stack=%lld,%lld", sig, amb,
		 rl.rlim_cur == RLIM_INFINITY ? -1 : (long long)rl.rlim_cur >> 10,
		 rl.rlim_max == RLIM_INFINITY ? -1 : (long long)rl.rlim_max >> 10);
}

/* Before an exec: what a secure exec would change, set (secure_fx shows
 * it after): SIGWINCH as the parent-death signal, RLIMIT_STACK 16 MiB
 * (hard 64 MiB, where it may be), CAP_KILL raised in the ambient set
 * where it is permitted. */
static void secure_setup(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	struct rlimit rl;

	prctl(PR_SET_PDEATHSIG, SIGWINCH);
	if (getrlimit(RLIMIT_STACK, &rl) == 0 &&
	    (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= (64u << 20))) {
		rl.rlim_cur = 16u << 20;
		rl.rlim_max = 64u << 20;
		setrlimit(RLIMIT_STACK, &rl);
	}
	if (syscall(SYS_capget, &h, d) < 0 ||
	    !(d[0].permitted & (1u << CAP_KILL)))
		return;
	d[0].inheritable |= 1u << CAP_KILL;
	if (syscall(SYS_capset, &h, d) == 0)
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_KILL, 0, 0);
}

static int report(const char *name, int argc, char **argv)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	uid_t r, e, s;
	gid_t gr, ge, gs;
	char su[64], sg[64], p[300], cr[32], fn[5000], fx[96];
	uint64_t eff, prm;
	int fd, err = 0;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	if (syscall(SYS_capget, &h, d) < 0)
		return 1;
	eff = d[0].effective | (uint64_t)d[1].effective << 32;
	prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	status_ids("Uid:", su, sizeof(su));
	status_ids("Gid:", sg, sizeof(sg));
	snprintf(p, sizeof(p), "%s/root600", dir);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = errno;
	else
		close(fd);
	created(name, cr, sizeof(cr));
	secure_fx(fx, sizeof(fx));
	snprintf(fn, sizeof(fn), " execfn=%s",
		 getauxval(AT_EXECFN) ? (const char *)getauxval(AT_EXECFN) :
					"(none)");
	if (strncmp(name, "swap", 4) == 0)
		snprintf(fn + strlen(fn), sizeof(fn) - strlen(fn), " ino=%lu",
			 exe_ino());
	/* a script's: the argv its interpreter got, "|"-joined */
	if (strncmp(name, "script", 6) == 0 || strcmp(name, "nested") == 0) {
		snprintf(fn + strlen(fn), sizeof(fn) - strlen(fn), " argv=");
		for (int i = 0; i < argc; i++)
			snprintf(fn + strlen(fn), sizeof(fn) - strlen(fn),
				 "%s%s", i ? "|" : "", argv[i]);
	}
	case_out(name, "uid=%u,%u,%u gid=%u,%u,%u groups=%d capeff=%" PRIx64
		 " capprm=%" PRIx64 " st_uid=%s st_gid=%s root600=%s "
		 "secure=%lu created=%s%s%s",
		 r, e, s, gr, ge, gs, getgroups(0, NULL), eff, prm, su, sg,
		 ename(err), getauxval(AT_SECURE), cr, fx, fn);
	return 0;
}

/* Runs path as "report NAME DIR" in a child, from cwd (NULL: ours). */
static void run_at(const char *cwd, const char *path, const char *name)
{
	char *argv[] = { (char *)"setid_exec", (char *)"report",
			 (char *)name, (char *)dir, NULL };
	pid_t pid;
	int st;

	fflush(stdout);	/* nothing of ours copied into the child */
	pid = fork();
	if (pid == 0) {
		secure_setup();
		if (cwd != NULL && chdir(cwd) < 0)
			case_out(name, "chdir %s", ename(errno));
		execv(path, argv);
		case_out(name, "exec %s", ename(errno));
		fflush(stdout);
		_exit(0);	/* reported: one line per case */
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		case_out(name, "child %s", pid < 0 ? "fork failed" : wstatus(st));
}

static void run(const char *path, const char *name)
{
	run_at(NULL, path, name);
}

/*
 * The setuid copy exec'd by names of 1, 100 and 4000 bytes (AT_EXECFN
 * is the name as called): symlinks to it in /tmp/n, the first run
 * from there as "r", the last at the end of directories of 199 bytes.
 */
static void names(void)
{
	char to[300], p[4096], n100[101];
	size_t len;

	snprintf(to, sizeof(to), "%s/suid_root", dir);
	mkdir("/tmp/n", 0755);
	unlink("/tmp/n/r");
	if (symlink(to, "/tmp/n/r") < 0)
		case_out("execfn_1", "symlink %s", ename(errno));
	run_at("/tmp/n", "r", "execfn_1");
	snprintf(n100, sizeof(n100), "/tmp/n/%0*d", 100 - 7, 0);
	unlink(n100);
	if (symlink(to, n100) < 0)
		case_out("execfn_100", "symlink %s", ename(errno));
	run(n100, "execfn_100");
	strcpy(p, "/tmp/n");
	for (int i = 0; i < 19; i++) {
		len = strlen(p);
		snprintf(p + len, sizeof(p) - len, "/%0199d", i);
		mkdir(p, 0755);
	}
	len = strlen(p);
	snprintf(p + len, sizeof(p) - len, "/%0*d", (int)(4000 - len - 1), 0);
	unlink(p);
	if (symlink(to, p) < 0)
		case_out("execfn_4000", "symlink %s", ename(errno));
	run(p, "execfn_4000");
}

/* A copy of DIR/plain the caller owns, made set-id by the caller. */
static void own_copy(const char *to, mode_t mode, const char *name)
{
	char from[300], buf[65536];
	struct stat sb;
	ssize_t n;
	int in, out;

	snprintf(from, sizeof(from), "%s/plain", dir);
	in = open(from, O_RDONLY | O_CLOEXEC);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0) {
		case_out(name, "copy %s", ename(errno));
		return;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	close(in);
	if (fchmod(out, mode) < 0 || fstat(out, &sb) < 0)
		case_out(name, "chmod %s", ename(errno));
	close(out);
	/* the attack is real only if the bit is on the file */
	case_out(name, "mode %o owner %u:%u", (unsigned)(sb.st_mode & 07777),
		 sb.st_uid, sb.st_gid);
}

/* The caller's own no_new_privs, then a set-id exec. */
static void nnp_self(const char *path)
{
	char *argv[] = { (char *)"setid_exec", (char *)"report",
			 (char *)"nnp_self", dir, NULL };
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		secure_setup();
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			case_out("nnp_self", "prctl %s", ename(errno));
		else
			execv(path, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		case_out("nnp_self", "child %s", wstatus(st));
}

/* A set-id exec under its parent's ptrace (PTRACE_TRACEME). */
static void traced(const char *path)
{
	char *argv[] = { (char *)"setid_exec", (char *)"report",
			 (char *)"traced", dir, NULL };
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		secure_setup();
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			case_out("traced", "traceme %s", ename(errno));
		else
			execv(path, argv);
		_exit(127);
	}
	/* the exec's SIGTRAP stop, then let it go */
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFSTOPPED(st))
		ptrace(PTRACE_DETACH, pid, 0, 0);
	if (pid > 0 && WIFSTOPPED(st) && waitpid(pid, &st, 0) != pid)
		st = -1;
	if (pid < 0 || st != 0)
		case_out("traced", "child %s", wstatus(st));
}

static void *thread_exec_fn(void *path)
{
	char *argv[] = { (char *)"setid_exec", (char *)"report",
			 (char *)"thread_exec", dir, NULL };

	secure_setup();
	execv(path, argv);
	case_out("thread_exec", "exec %s", ename(errno));
	_exit(127);
}

/* A set-id exec by a thread that is not the leader (its tid becomes the
 * process's at the exec). */
static void thread_exec(const char *path)
{
	pid_t pid = fork();
	pthread_t th;
	int st;

	if (pid == 0) {
		if (pthread_create(&th, NULL, thread_exec_fn, (void *)path) == 0)
			pause();
		_exit(126);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		case_out("thread_exec", "child %s", wstatus(st));
}

static void on_urg(int sig)
{
	(void)sig;
}

/* A set-id exec while signals with a handler keep arriving (a POSIX
 * timer every 20 us; the exec deletes it, SIGURG's default is ignore). */
static void signals(const char *path)
{
	char *argv[] = { (char *)"setid_exec", (char *)"report",
			 (char *)"signals", dir, NULL };
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
			       .sigev_signo = SIGURG };
	struct itimerspec its = { { 0, 20000 }, { 0, 20000 } };
	struct sigaction sa = { .sa_handler = on_urg,
				.sa_flags = SA_RESTART };
	pid_t pid = fork();
	timer_t tm;
	int st;

	if (pid == 0) {
		secure_setup();
		if (sigaction(SIGURG, &sa, NULL) < 0 ||
		    timer_create(CLOCK_MONOTONIC, &ev, &tm) < 0 ||
		    timer_settime(tm, 0, &its, NULL) < 0)
			case_out("signals", "timer %s", ename(errno));
		else
			execv(path, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		case_out("signals", "child %s", wstatus(st));
}

/* A script whose interpreter is the set-id file, named through "/..":
 * DIR/setid.sh, "#!/../DIR/suid_root report", planted with the others
 * (made here, its exec could meet the write's ETXTBSY). */
static void script(void)
{
	char p[300];

	snprintf(p, sizeof(p), "%s/setid.sh", dir);
	run(p, "script");
}

/* The scripts planted with it (tests/lib.sh setid_files). */
static void scripts(void)
{
	static const char *const names[][2] = {
		{ "setid_x.sh", "script_x" }, { "nested.sh", "nested" },
		{ "suid_script.sh", "suid_script" },
		{ "setid_700.sh", "script_700" },
		{ "args.sh", "script_args" },
	};
	char p[300];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i][0]);
		run(p, names[i][1]);
	}
}

/* The set-id file exec'd from an fd the caller opened: by the fd
 * (fexecve) and by its /proc/self/fd/N path. */
static void from_fd(const char *path)
{
	char *argv[] = { (char *)"setid_exec", (char *)"report",
			 (char *)"fexecve", dir, NULL };
	char p[64];
	pid_t pid;
	int fd = open(path, O_RDONLY), st;

	if (fd < 0) {
		case_out("fexecve", "open %s", ename(errno));
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		secure_setup();
		fexecve(fd, argv, environ);
		case_out("fexecve", "exec %s", ename(errno));
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		case_out("fexecve", "child %s", wstatus(st));
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	run(p, "fdpath_exec");
	close(fd);
}

static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* argv too long for exec (E2BIG): the exec fails after the file is
 * opened; NULL-terminated, malloc'ed. */
static char **big_argv(void)
{
	static char arg[4096];
	size_t n = (4u << 20) / sizeof(arg);
	char **v = calloc(n + 1, sizeof(*v));

	memset(arg, 'x', sizeof(arg) - 1);
	for (size_t i = 0; v != NULL && i < n; i++)
		v[i] = arg;
	return v;
}

/* A failed set-id exec leaves no fd behind. */
static void e2big(const char *path)
{
	char **v = big_argv();
	int before = count_fds(), err;

	if (v == NULL)
		return;
	execv(path, v);
	err = errno;
	case_out("e2big", "exec %s fds_added=%d", ename(err),
		 count_fds() - before);
	free(v);
}

static atomic_int race_stop;
static int stolen[8];
static atomic_int n_stolen;

/* Copies every O_PATH fd it sees (the sandbox's exec fd, if any). */
static void *thief(void *arg)
{
	(void)arg;
	while (!atomic_load(&race_stop)) {
		for (int fd = 3; fd < 64 && atomic_load(&n_stolen) < 8; fd++) {
			int fl = fcntl(fd, F_GETFL), d;

			if (fl < 0 || !(fl & O_PATH))
				continue;
			d = fcntl(fd, F_DUPFD_CLOEXEC, 100);
			if (d >= 0)
				stolen[atomic_fetch_add(&n_stolen, 1)] = d;
		}
	}
	return NULL;
}

/* Execs fd as "report NAME" in a child; its errno if the exec fails. */
static void exec_fd(int fd, const char *name)
{
	char *argv[] = { (char *)"setid_exec", (char *)"report",
			 (char *)name, dir, NULL };
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();

	if (pid == 0) {
		syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		case_out(name, "exec %s", ename(errno));
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
}

/* The set-id file exec'd from an O_PATH fd (execveat AT_EMPTY_PATH,
 * close-on-exec): Linux gains as from any fd. */
static void fexecve_opath(const char *path)
{
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0) {
		case_out("fexecve_opath", "open %s", ename(errno));
		return;
	}
	exec_fd(fd, "fexecve_opath");
	close(fd);
}

static void race(const char *path)
{
	char **v = big_argv();
	pthread_t th;
	char p[64];
	int fd;

	if (v == NULL || pthread_create(&th, NULL, thief, NULL) != 0)
		return;
	for (int i = 0; i < 300 && atomic_load(&n_stolen) == 0; i++)
		execv(path, v);
	atomic_store(&race_stop, 1);
	pthread_join(th, NULL);
	free(v);
	case_out("race", "caught %d", atomic_load(&n_stolen) > 0);
	if (atomic_load(&n_stolen) == 0)
		return;
	exec_fd(stolen[0], "race_exec");
	snprintf(p, sizeof(p), "/proc/self/fd/%d", stolen[0]);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		case_out("race_reopen", "open %s", ename(errno));
		return;
	}
	exec_fd(fd, "race_reopen");
	close(fd);
}

static atomic_int swap_stop;

/* Exchanges the names DIR/sw/a and DIR/sw/b (the setuid copy's link and
 * a plain copy) until swap_stop. */
static void *fd_swapper(void *arg)
{
	char a[300], b[300];

	(void)arg;
	snprintf(a, sizeof(a), "%s/sw/a", dir);
	snprintf(b, sizeof(b), "%s/sw/b", dir);
	while (!atomic_load(&swap_stop))
		syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b,
			RENAME_EXCHANGE);
	return NULL;
}

/*
 * fds of DIR/sw/a (read-only) and DIR/sw/b (O_PATH), one the setuid
 * copy and one a plain copy (as an earlier run's exchanges left their
 * names), exec'd 50 times each while their names are exchanged: each
 * run reports its ids and the inode it runs (ino=), which must be the
 * fd's (on Linux the exec is of the fd's inode, whatever its name names
 * now); swapfd_s the setuid one's runs, swapfd_p the plain one's.
 */
static void swapfd(void)
{
	char a[300], b[300];
	const char *na, *nb;
	struct stat sa;
	pthread_t th;
	int fa, fb;

	snprintf(a, sizeof(a), "%s/sw/a", dir);
	snprintf(b, sizeof(b), "%s/sw/b", dir);
	fa = open(a, O_RDONLY | O_CLOEXEC);
	fb = open(b, O_PATH | O_CLOEXEC);
	atomic_store(&swap_stop, 0);
	if (fa < 0 || fb < 0 || fstat(fa, &sa) < 0 ||
	    pthread_create(&th, NULL, fd_swapper, NULL) != 0) {
		case_out("swapfd", "setup %s", ename(errno));
		return;
	}
	na = sa.st_mode & S_ISUID ? "swapfd_s" : "swapfd_p";
	nb = sa.st_mode & S_ISUID ? "swapfd_p" : "swapfd_s";
	for (int i = 0; i < 50; i++) {
		exec_fd(fa, na);
		exec_fd(fb, nb);
	}
	atomic_store(&swap_stop, 1);
	pthread_join(th, NULL);
	close(fa);
	close(fb);
}

/* Points /tmp/swap at the setuid copy and at the plain one in turn. */
static void *swapper(void *arg)
{
	char a[300], b[300];

	(void)arg;
	snprintf(a, sizeof(a), "%s/suid_root", dir);
	snprintf(b, sizeof(b), "%s/plain", dir);
	for (unsigned i = 0; !atomic_load(&swap_stop); i++) {
		unlink("/tmp/swap_new");
		if (symlink(i & 1 ? b : a, "/tmp/swap_new") == 0)
			rename("/tmp/swap_new", "/tmp/swap");
	}
	return NULL;
}

/*
 * A script whose interpreter (/tmp/swap, a symlink) is swapped between
 * the setuid copy and the plain one while it is exec'd, 100 times: each
 * run reports its ids and the inode it runs (ino=), which must agree
 * (the setuid copy's ids only ever with the setuid copy's inode).
 */
static void swap(void)
{
	char p[300], a[300];
	pthread_t th;

	snprintf(a, sizeof(a), "%s/suid_root", dir);
	snprintf(p, sizeof(p), "%s/swap.sh", dir);
	unlink("/tmp/swap");
	if (symlink(a, "/tmp/swap") < 0 ||
	    pthread_create(&th, NULL, swapper, NULL) != 0) {
		case_out("swap", "setup %s", ename(errno));
		return;
	}
	for (int i = 0; i < 100; i++)
		run(p, "swap");
	atomic_store(&swap_stop, 1);
	pthread_join(th, NULL);
}

static int cases(void)
{
	static const char *const planted[] = { "plain", "suid_root", "sgid",
					       "fcap", "suid_other",
					       "suid_far" };
	char p[300];

	report("self", 0, NULL);
	for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, planted[i]);
		run(p, planted[i]);
	}
	own_copy("/tmp/own_suid", 04755, "own_suid_made");
	run("/tmp/own_suid", "own_suid");
	own_copy("/tmp/own_sgid", 02755, "own_sgid_made");
	run("/tmp/own_sgid", "own_sgid");
	snprintf(p, sizeof(p), "%s/suid_root", dir);
	nnp_self(p);
	thread_exec(p);
	signals(p);
	traced(p);
	script();
	scripts();
	from_fd(p);
	fexecve_opath(p);
	names();
	e2big(p);
	swap();
	swapfd();
	race(p);
	printf("done 0\n");
	return 0;
}

int main(int argc, char **argv)
{
	/* "nnp PATH ARGS...": PATH run under PR_SET_NO_NEW_PRIVS
	 * (tests/escape/setid_reach.sh) */
	if (argc >= 3 && strcmp(argv[1], "nnp") == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
			execv(argv[2], argv + 2);
		perror("setid_exec nnp");
		return 127;
	}
	if (argc < 3 || strlen(argv[argc - 1]) >= sizeof(dir)) {
		fprintf(stderr, "usage: setid_exec cases DIR | "
				"report NAME DIR | hold DIR | nnp PATH ARGS...\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[argc - 1]);
	if (strcmp(argv[1], "cases") == 0)
		return cases();
	/* "hold DIR": stays, for its mappings to be looked at from the
	 * host (tests/escape/setid_reach.sh) */
	if (strcmp(argv[1], "hold") == 0 || strcmp(argv[argc - 2], "hold") == 0)
		return sleep(60) != 0;
	/* "report NAME DIR", after a script's interpreter arguments */
	if (argc >= 4 && (strcmp(argv[1], "report") == 0 ||
			  strcmp(argv[argc - 3], "report") == 0))
		return report(argv[argc - 2], argc, argv);
	return 2;
}
