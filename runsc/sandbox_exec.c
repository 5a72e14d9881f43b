/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The set-up half of "runsc exec": a process that joins the init's
 * namespaces (its read-only view included), takes the process attributes
 * of the given process object, attaches itself to the sentry over the
 * control socket and execs.
 *
 *   runsc exec ──fork──> joiner (cgroup, setns...) ──clone(CLONE_PARENT)──>
 *                                                      exec'd process
 *
 * The joiner is needed because a pid namespace is only entered by
 * children. It exits once the exec'd process exists, which is then
 * reparented: to runsc exec itself when it waits (it makes itself a child
 * subreaper), or, detached, to the caller's subreaper (the shim), which
 * reaps the pid written to --pid-file.
 *
 * The exec'd process is in the container's pid namespace from its first
 * instruction, while it still runs runsc's code: nothing of the host may
 * be left in it by then (CVE-2016-9962, CVE-2019-5736 and CVE-2024-21626
 * are this race in runc). So the joiner, before it forks, makes itself
 * non-dumpable (inherited; the final execve makes the workload dumpable
 * again), wipes runsc's command line and environment (the host's) from its
 * memory, and closes every fd but stdio, --preserve-fds, the sentry's
 * control connection, the console socket and the pipe to runsc exec. The
 * sentry shows the process in /proc only after that execve (task->workload,
 * sentry/attach.c and sentry/exec.c).
 */
#include "runsc/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "runsc/cgroup.h"
#include "runsc/console.h"
#include "runsc/process.h"
#include "runsc/seccomp_profile.h"
#include "runsc/state.h"

/* In the order they are joined (user: see join_namespaces). pid first
 * (it applies to children only). */
static const struct {
	const char *name;
	int flag;
} join_order[] = {
	{ "pid", CLONE_NEWPID },	{ "user", CLONE_NEWUSER },
	{ "mnt", CLONE_NEWNS },		{ "uts", CLONE_NEWUTS },
	{ "ipc", CLONE_NEWIPC },	{ "net", CLONE_NEWNET },
	{ "cgroup", CLONE_NEWCGROUP },
};

#define N_JOIN ARRAY_SIZE(join_order)

struct exec_ctx {
	const struct sandbox_exec_opts *o;
	int ns[N_JOIN];		/* -1: same as ours, not joined */
	int ctl;		/* connection to the sentry */
	int csock;		/* console socket, or -1 */
	int sync;		/* to runsc exec */
	bool rootless;		/* not root of the host's user namespace */
	bool joined_user;	/* the init's user namespace is not ours */
};

static bool same_ns(const char *name, int fd)
{
	struct stat a, b;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return stat(path, &a) == 0 && fstat(fd, &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int open_namespaces(struct exec_ctx *c, struct cv_error **err)
{
	for (size_t i = 0; i < N_JOIN; i++) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/ns/%s",
			 (int)c->o->init_pid, join_order[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return cv_error_set(err, errno, "%s", path);
		/* The mount namespace is always joined: it is the view. */
		if (join_order[i].flag != CLONE_NEWNS &&
		    same_ns(join_order[i].name, fd)) {
			close(fd);
			fd = -1;
		}
		c->ns[i] = fd;
	}
	/* Checked after the opens: if the init still is the recorded
	 * process, the namespaces are its, not a reused pid's. */
	if (!proc_alive(c->o->init_pid, c->o->init_start))
		return cv_error_setx(err, "the container's init %d is gone",
				     (int)c->o->init_pid);
	return 0;
}

static void close_namespaces(struct exec_ctx *c)
{
	for (size_t i = 0; i < N_JOIN; i++)
		if (c->ns[i] >= 0)
			close(c->ns[i]);
}

static int join_user(struct exec_ctx *c, struct cv_error **err)
{
	for (size_t i = 0; i < N_JOIN; i++) {
		if (join_order[i].flag != CLONE_NEWUSER || c->ns[i] < 0)
			continue;
		if (setns(c->ns[i], CLONE_NEWUSER) < 0)
			return cv_error_set(err, errno, "join the user "
					    "namespace");
		close(c->ns[i]);
		c->ns[i] = -1;
		c->joined_user = true;
	}
	return 0;
}

static int join_namespaces(struct exec_ctx *c, struct cv_error **err)
{
	/* Rootless: every namespace is the user namespace's, and only its
	 * root may join them: user first. Root: user last, as a pod's
	 * namespaces joined by path are the host user namespace's, which
	 * the sandbox's (or the container's, in it) has no power over. */
	if (geteuid() != 0 && join_user(c, err) < 0)
		return -1;
	for (size_t i = 0; i < N_JOIN; i++) {
		if (c->ns[i] < 0 || join_order[i].flag == CLONE_NEWUSER)
			continue;
		if (setns(c->ns[i], join_order[i].flag) < 0)
			return cv_error_set(err, errno, "join the %s namespace",
					    join_order[i].name);
		close(c->ns[i]);
		c->ns[i] = -1;
	}
	return join_user(c, err);
}

static int exec_terminal(struct exec_ctx *c, struct cv_error **err)
{
	cleanup_close int master = -1;
	int slave = -1;

	if (!c->o->process->terminal)
		return 0;
	if (console_open_pty("/dev/pts", &master, &slave, err) < 0)
		return -1;
	if (console_send_master(c->csock, master, c->o->process, err) < 0 ||
	    console_make_controlling(slave, err) < 0) {
		close(slave);
		return -1;
	}
	close(c->csock);
	c->csock = -1;
	return 0;
}

/* The exec'd process, in every namespace of the init. */
__attribute__((noreturn)) static void exec_process(struct exec_ctx *c)
{
	const struct oci_process *p = c->o->process;
	const char *cwd = p->cwd != NULL ? p->cwd : "/";
	struct sentry_attach_info info = { .is_exec = true, .cwd = cwd };
	struct cv_error *err = NULL;
	char *exe = NULL;

	if (exec_terminal(c, &err) < 0 ||
	    process_find_exec(p->args != NULL ? p->args[0] : NULL, p->env,
			      &exe, &err) < 0)
		sb_die(c->sync, err, "exec");
	if (chdir(cwd) < 0) {
		cv_error_set(&err, errno, "process.cwd: %s", cwd);
		sb_die(c->sync, err, "exec");
	}
	if (process_set_rlimits(p->rlimits, p->n_rlimits, &err) < 0 ||
	    process_set_sched(c->o->spec, p, &err) < 0 ||
	    process_set_creds(p, &info, &err) < 0 ||
	    process_finish(p, &info, &err) < 0)
		sb_die(c->sync, err, "exec");
	/* Attachable by a sentry without CAP_SYS_PTRACE over the host's
	 * user namespace, where this mm was made: rootless, or in the
	 * sandbox's own (see init_process). */
	if ((c->rootless || c->joined_user) && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) {
		cv_error_set(&err, errno, "PR_SET_DUMPABLE");
		sb_die(c->sync, err, "exec");
	}
	sb_prepare_fds(c->o->preserve_fds);
	if (sentry_attach(c->ctl, c->o->platform, &info, &err) < 0)
		sb_die(c->sync, err, "exec: attach to the sentry");
	close(c->ctl);
	if (sb_privileged_end(c->o->spec, p, &err) < 0)
		sb_die(c->sync, err, "exec");
	if (p->no_new_privileges && c->o->spec->linux_.seccomp.present &&
	    seccomp_profile_load(&c->o->spec->linux_.seccomp, &err) < 0)
		sb_die(c->sync, err, "exec");
	if (sb_send(c->sync, SB_MSG_READY, 0, 0, NULL) < 0)
		_exit(1);
	close(c->sync);
	execve(exe, p->args, p->env);
	fprintf(stderr, "runsc exec: exec %s: %s\n", exe, strerror(errno));
	_exit(127);
}

/* Field k (1-based, as proc(5) numbers them) of a stat line, or 0. */
static unsigned long stat_field(const char *stat, int k)
{
	const char *p = strrchr(stat, ')');

	if (p == NULL)
		return 0;
	p++;
	for (int i = 3; i <= k; i++) {
		while (*p == ' ')
			p++;
		if (i == k)
			break;
		while (*p && *p != ' ')
			p++;
	}
	return strtoul(p, NULL, 10);
}

/*
 * Wipes the command line and the environment runsc was started with (host
 * paths; the caller's variables, secrets included) from the memory the
 * kernel shows as /proc/<pid>/cmdline and environ (arg_start..env_end,
 * from the host's /proc, so before the view is joined). runsc keeps no
 * pointer into it past option parsing: the process spec has its own
 * copies. Returns 0 or -errno.
 */
static int wipe_host_args(void)
{
	char buf[2048];
	unsigned long a0, a1, e0, e1;
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	a0 = stat_field(buf, 48);
	a1 = stat_field(buf, 49);
	e0 = stat_field(buf, 50);
	e1 = stat_field(buf, 51);
	if (a0 == 0 || a1 < a0 || e0 == 0 || e1 < e0)
		return -EIO;
	memset((void *)a0, 0, a1 - a0);
	memset((void *)e0, 0, e1 - e0);
	clearenv();
	return 0;
}

/* Every fd but stdio, the preserved ones and the three still needed. */
static int close_host_fds(struct exec_ctx *c)
{
	int n = c->o->preserve_fds, *keep = calloc((size_t)n + 3, sizeof(int));

	if (keep == NULL)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		keep[i] = 3 + i;
	keep[n] = c->ctl;
	keep[n + 1] = c->sync;
	keep[n + 2] = c->csock;
	cv_log_close();		/* the --log file: errors go over sync */
	sb_close_all_but(keep, (size_t)n + 3);
	free(keep);
	return 0;
}

__attribute__((noreturn)) static void exec_joiner(struct exec_ctx *c)
{
	const struct oci_process *p = c->o->process;
	struct cv_error *err = NULL;
	pid_t pid;
	int ret;

	/* Before anything of the container can see its child: only a
	 * tracer with CAP_SYS_PTRACE over the host (the sentry) reaches a
	 * non-dumpable process; the workload's execve resets it. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		cv_error_set(&err, errno, "PR_SET_DUMPABLE");
		sb_die(c->sync, err, "exec");
	}
	/* The mask and ignored signals would survive execve. */
	sb_reset_signals();
	ret = wipe_host_args();
	if (ret < 0) {
		cv_error_set(&err, -ret, "wipe runsc's arguments");
		sb_die(c->sync, err, "exec");
	}
	/* Host paths and the host's /proc first. */
	c->rootless = cgroup_is_rootless();
	if (c->o->cgroup != NULL &&
	    cgroup_enter(c->o->cgroup, getpid(), &err) < 0)
		sb_die(c->sync, err, "exec: cgroup");
	if (process_set_oom_score_adj(p, &err) < 0 ||
	    process_set_lsm(p, &err) < 0 || join_namespaces(c, &err) < 0)
		sb_die(c->sync, err, "exec");
	ret = close_host_fds(c);
	if (ret < 0) {
		cv_error_set(&err, -ret, "close runsc's fds");
		sb_die(c->sync, err, "exec");
	}
	pid = fork();
	if (pid < 0) {
		cv_error_set(&err, errno, "fork");
		sb_die(c->sync, err, "exec");
	}
	if (pid == 0)
		exec_process(c);
	if (sb_send(c->sync, SB_MSG_PIDS, pid, 0, NULL) < 0)
		kill(pid, SIGKILL);
	_exit(0);
}

static int wait_exec(int sync, pid_t joiner, pid_t *pid,
		     struct cv_error **err)
{
	struct sb_msg m;

	*pid = -1;
	for (;;) {
		if (sb_recv(sync, &m) < 0)
			return cv_error_setx(err, "exec: set-up failed");
		if (m.type == SB_MSG_ERROR)
			return cv_error_setx(err, "%s", m.text);
		if (m.type == SB_MSG_PIDS) {
			*pid = m.pid1;
			while (waitpid(joiner, NULL, 0) < 0 && errno == EINTR)
				;
		} else if (m.type == SB_MSG_READY) {
			return *pid > 0 ? 0 : cv_error_setx(err, "exec: no pid");
		}
	}
}

int sandbox_exec(const struct sandbox_exec_opts *o, pid_t *pid_out,
		 struct cv_error **err)
{
	struct exec_ctx c = { .o = o, .ctl = -1, .csock = -1, .sync = -1 };
	cleanup_free char *sock = NULL;
	pid_t joiner, pid = -1;
	int sv[2] = { -1, -1 }, r = -1;

	for (size_t i = 0; i < N_JOIN; i++)
		c.ns[i] = -1;
	if (sb_check_preserved(o->preserve_fds, err) < 0)
		return -1;
	if (o->process->terminal && o->console_socket == NULL)
		return cv_error_setx(err, "process.terminal: needs "
				     "--console-socket");
	if (asprintf(&sock, "%s/sentry.sock", o->state_dir) < 0)
		return cv_error_set(err, ENOMEM, "exec");
	if (open_namespaces(&c, err) < 0)
		goto out;
	c.ctl = sentry_ctl_connect(sock, err);
	if (c.ctl < 0)
		goto out;
	if (o->process->terminal) {
		c.csock = console_connect(o->console_socket, err);
		if (c.csock < 0)
			goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		cv_error_set(err, errno, "socketpair");
		goto out;
	}
	/* So the exec'd process, orphaned by the joiner, becomes ours. */
	if (!o->detach && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		cv_error_set(err, errno, "PR_SET_CHILD_SUBREAPER");
		goto out;
	}
	joiner = fork();
	if (joiner < 0) {
		cv_error_set(err, errno, "fork");
		goto out;
	}
	if (joiner == 0) {
		close(sv[0]);
		c.sync = sv[1];
		exec_joiner(&c);
	}
	close(sv[1]);
	sv[1] = -1;
	r = wait_exec(sv[0], joiner, &pid, err);
	if (r < 0) {
		kill(joiner, SIGKILL);
		waitpid(joiner, NULL, 0);
		if (pid > 0) {
			kill(pid, SIGKILL);
			if (!o->detach)
				waitpid(pid, NULL, 0);
		}
	} else {
		*pid_out = pid;
	}
out:
	close_namespaces(&c);
	for (int i = 0; i < 2; i++)
		if (sv[i] >= 0)
			close(sv[i]);
	if (c.ctl >= 0)
		close(c.ctl);
	if (c.csock >= 0)
		close(c.csock);
	return r;
}
