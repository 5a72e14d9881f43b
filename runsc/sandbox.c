/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sandbox start-up (docs/architecture.md, "Process tree"):
 *
 *   runsc create ──fork──> sandbox ──fork──> gofer   (root built, pivoted)
 *                             │ ──clone─> init    (namespaces, view, creds)
 *                             └─ sentry_run()
 *
 * With the sandbox's own pid namespace, the process runsc create forked
 * does the host's steps, clones the sandbox process (pid 1 there,
 * CLONE_PARENT: runsc create's child) and exits (sandbox_pidns_clone).
 *
 * Three sockets keep the steps in order:
 *  - sync (runsc create <-> sandbox): errors, NS_READY for the CLI's
 *    createRuntime/prestart hooks, PIDS and READY. The gofer and the init
 *    inherit the sandbox's end and report their own errors on it, so the
 *    first error message is the one runsc create shows.
 *  - isync (sandbox <-> init): id maps, NS_READY/GO, ATTACHING.
 *  - init_fd (sentry <-> init): sentry_attach and the start byte.
 */
#include "runsc/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gofer/gofer.h"
#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "lib/undo.h"
#include "lib/unixsock.h"
#include "lib/util.h"
#include "runsc/cgroup.h"
#include "runsc/devices.h"
#include "runsc/console.h"
#include "runsc/hooks.h"
#include "runsc/mounts.h"
#include "runsc/namespaces.h"
#include "runsc/pidmap.h"
#include "runsc/process.h"
#include "runsc/rootless.h"
#include "runsc/seccomp_profile.h"
#include "runsc/sentry_config.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* ---- shared helpers --------------------------------------------------- */

void sb_prepare_fds(int n)
{
	int from = 3 + n;

	if (syscall(SYS_close_range, from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	for (int fd = from; fd < 65536; fd++) {
		int fl = fcntl(fd, F_GETFD);

		if (fl >= 0)	/* an open fd: F_SETFD cannot fail */
			(void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
}

int sb_check_preserved(int n, struct cv_error **err)
{
	if (n < 0)
		return cv_error_setx(err, "--preserve-fds: %d: negative", n);
	for (int fd = 3; fd < 3 + n; fd++) {
		int fl = fcntl(fd, F_GETFD);

		if (fl < 0)
			return cv_error_set(err, errno, "--preserve-fds %d: fd %d",
					    n, fd);
		/* What the caller passed survived its exec of runsc, so it
		 * is not close-on-exec; a close-on-exec fd there is one of
		 * runsc's own and must not reach the workload. */
		if (fl & FD_CLOEXEC)
			return cv_error_setx(err, "--preserve-fds %d: fd %d was "
					     "not passed by the caller", n, fd);
	}
	return 0;
}

/* The kernel's struct sigaction for rt_sigaction(2). */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/*
 * Every signal back to its default action, none blocked. Through the raw
 * syscall: glibc's sigaction() refuses signals 32 and 33 (it keeps them for
 * itself), so a caller that ignored them would pass that on to the
 * workload.
 */
void sb_reset_signals(void)
{
	struct kernel_sigaction ksa = { .handler = SIG_DFL };
	sigset_t none;

	/* SIG_DFL for a valid signal other than KILL and STOP: cannot fail */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)syscall(SYS_rt_sigaction, sig, &ksa, NULL,
				      sizeof(ksa.mask));
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

int sb_exit_code(int status)
{
	if (status < 0)
		return 1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

void sb_close_all_but(const int *keep, size_t n)
{
	int from = 3;

	/* Close the gaps between kept fds, lowest first. close_range with
	 * first <= last and no flags cannot fail (Linux 5.9, older than the
	 * seccomp ADDFD the sentry needs). */
	for (;;) {
		int next = -1;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= from && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0)
			break;
		if (next > from)
			(void)syscall(SYS_close_range, from, next - 1, 0);
		from = next + 1;
	}
	(void)syscall(SYS_close_range, from, ~0U, 0);
}

/* /dev/null onto fds 0 .. n-1 (closed if it cannot be opened): never keep
 * the workload's or the caller's pipes open in our stead. */
static void null_stdio(int n)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	for (int i = 0; i < n; i++) {
		if (fd < 0)
			close(i);
		else	/* both fds valid: dup2 cannot fail */
			(void)dup2(fd, i);
	}
	if (fd >= 0)
		close(fd);
}

/* ---- the gofer ---------------------------------------------------------- */

struct sandbox_ctx {
	const struct sandbox_opts *o;
	const struct oci_spec *spec;
	const struct oci_process *proc;
	struct ns_plan ns;
	int sync;		/* to runsc create */
	int isync[2];		/* sandbox, init */
	int init_sv[2];		/* sentry, init */
	int gofer_sv[2];	/* sentry, gofer */
	int mntns;		/* the gofer's mount namespace */
	int ctl;		/* listening control socket */
	pid_t gofer_pid, init_pid;
	bool file_access_shared;	/* resolved: flag, annotation */
	struct dev_rule *dev_rules;	/* runsc/devices.h: for the gofer */
	size_t n_dev_rules;		/* and the sentry */
	/* Not root of the host's user namespace: rootless, or root in the
	 * sandbox's own (rootless.h, sandbox_userns_wanted). */
	bool rootless;
	/* The /dev tmpfs made in the host's user namespace for a sandbox
	 * in its own (mounts_dev_store), for the gofer; or -1. */
	int dev_store;
	/* In the sandbox's own user namespace: the runtime's, "user:[N]"
	 * (sentry_config.runtime_userns); else "". */
	char runtime_userns[64];
	/* and the namespaces it owns (sentry_config.runtime_owned) */
	char runtime_owned[192];
	struct cv_undo undo;	/* the children to kill if start-up fails */
};

/*
 * How many of the inherited stdio fds the sandbox and the gofer give up.
 * stdin and stdout always. stderr stays for the log (without --log) unless
 * the process has a terminal: then it is the caller's, not the workload's
 * (which gets the pty). A runc shim reads runsc create's output from a
 * pipe to EOF; a sandbox keeping that pipe open would hang it (ctr run -t).
 */
static int stdio_to_drop(const struct sandbox_ctx *c)
{
	return c->proc->terminal ? 3 : 2;
}

/* The container's mqueue mounts the gofer serves (gofer/mqueue.c): those
 * of type "mqueue", up to GOFER_MQUEUE_MAX (more are logged, and left
 * empty directories), and only with an IPC namespace of the container's
 * own (never the host's queues). Their number, 0: none. */
static size_t mqueue_mounts(const struct sandbox_ctx *c,
			    const struct oci_mount **out)
{
	const struct oci_spec *spec = c->spec;
	size_t n = 0;

	if (!c->ns.own_ipc)
		return 0;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct oci_mount *m = &spec->mounts[i];

		if (m->type == NULL || strcmp(m->type, "mqueue") != 0 ||
		    m->is_bind || m->destination == NULL)
			continue;
		if (n == GOFER_MQUEUE_MAX) {
			if (out != NULL)	/* once: the gofer's call */
				log_warn("mounts: mqueue at %s not served: "
					 "more than %d mqueue mounts",
					 m->destination, GOFER_MQUEUE_MAX);
			continue;
		}
		if (out != NULL)
			out[n] = m;
		n++;
	}
	return n;
}

/* At SB_MSG_NS_READY: the init's IPC namespace to the gofer, which mounts
 * the mqueue instance in its root. A failure leaves the destination an
 * empty directory (logged): the container runs as before. */
static int gofer_mqueue(struct sandbox_ctx *c, struct cv_error **err)
{
	cleanup_close int fd = -1;
	char path[64];
	int ret;

	if (mqueue_mounts(c, NULL) == 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)c->init_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cv_error_set(err, errno, "%s", path);
	ret = gofer_mqueue_send(c->gofer_sv[0], fd);
	if (ret == -EPIPE || ret == -ECONNRESET || ret == -EPROTO)
		return cv_error_set(err, -ret, "gofer: mqueue hand-off");
	if (ret < 0)
		log_warn("mounts: mqueue not served: %s", strerror(-ret));
	return 0;
}

__attribute__((noreturn)) static void gofer_main(struct sandbox_ctx *c,
						 int ready, pid_t parent)
{
	struct cv_error *err = NULL;
	struct gofer_config cfg = {
		.sock = c->gofer_sv[1], .log_fd = c->o->log_fd,
		.debug = c->o->debug, .overlay = c->o->overlay.enabled,
		.userns = c->ns.new_user || c->ns.join_fd[OCI_NS_USER] >= 0,
		/* Workers are the seccomp platform's (sentry/workers.c). */
		.no_channels = c->o->platform != PLATFORM_SECCOMP,
		.exec_root = !c->proc->no_new_privileges,
		.dev_rules = c->dev_rules, .n_dev_rules = c->n_dev_rules,
	};
	const struct oci_mount *mq[GOFER_MQUEUE_MAX];

	cfg.n_mqueue = mqueue_mounts(c, mq);
	for (size_t i = 0; i < cfg.n_mqueue; i++) {
		cfg.mqueue_dest[i] = mq[i]->destination;
		cfg.mqueue_flags[i] = mq[i]->flags;
	}

	/* The gofer must not outlive the sandbox. The getppid check closes
	 * the race with a parent that died before the prctl. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	cv_log_set_name("gofer");
	if (ns_enter_mount(&c->ns, &err) < 0)
		sb_die(c->sync, err, "gofer");
	if (mounts_setup_root_ov(c->spec, &c->o->overlay, c->dev_store,
				 &err) < 0)
		sb_die(c->sync, err, NULL);
	/* The workload's stdio is not the gofer's business: the
	 * container's /dev/null instead (the host's would be a file of a
	 * mount outside the gofer's root). */
	null_stdio(stdio_to_drop(c));
	if (write(ready, "R", 1) != 1)
		_exit(1);
	{
		int keep[] = { cfg.sock, cfg.log_fd };

		sb_close_all_but(keep, ARRAY_SIZE(keep));
	}
	_exit(gofer_run(&cfg));
}

static int start_gofer(struct sandbox_ctx *c, struct cv_error **err)
{
	cleanup_close int rd = -1;
	int p[2];
	pid_t parent = getpid();
	char b = 0, path[64];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
		       c->gofer_sv) < 0)
		return cv_error_set(err, errno, "gofer socketpair");
	if (pipe2(p, O_CLOEXEC) < 0)
		return cv_error_set(err, errno, "pipe");
	c->gofer_pid = fork();
	if (c->gofer_pid < 0)
		return cv_error_set(err, errno, "fork the gofer");
	if (c->gofer_pid == 0) {
		close(p[0]);
		gofer_main(c, p[1], parent);
	}
	close(p[1]);
	close(c->gofer_sv[1]);
	c->gofer_sv[1] = -1;
	rd = p[0];
	/* Wait until the root is built: the init copies this namespace. On
	 * failure the gofer has already sent its error to runsc create:
	 * -1 with *err left unset. */
	if (read(rd, &b, 1) != 1 || b != 'R')
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)c->gofer_pid);
	c->mntns = open(path, O_RDONLY | O_CLOEXEC);
	if (c->mntns < 0)
		return cv_error_set(err, errno, "%s", path);
	return 0;
}

/* ---- the control socket -------------------------------------------------- */

/* Bound in the state directory by name, whatever the length of its path
 * (--root as the caller chose it, a 64-character id): lib/unixsock.h. */
static int bind_control(struct sandbox_ctx *c, struct cv_error **err)
{
	cleanup_close int dir = -1;
	mode_t old;

	dir = open(c->o->state_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return cv_error_set(err, errno, "%s", c->o->state_dir);
	/* 0600 from the start: no window where others could connect. */
	old = umask(0177);
	c->ctl = cv_unix_listen_at(dir, SENTRY_CTL_SOCK, 16);
	umask(old);
	if (c->ctl < 0)
		return cv_error_set(err, -c->ctl, "control socket %s/%s",
				    c->o->state_dir, SENTRY_CTL_SOCK);
	return 0;
}

/* ---- the workload init --------------------------------------------------- */

/* Steps that need the host's /proc and paths, before entering the view. */
static int init_host_steps(struct sandbox_ctx *c, int *csock, int *procsys,
			   struct cv_error **err)
{
	const struct oci_process *p = c->proc;

	if (p->terminal) {
		if (c->o->console_socket == NULL)
			return cv_error_setx(err, "process.terminal: needs "
					     "--console-socket");
		*csock = console_connect(c->o->console_socket, err);
		if (*csock < 0)
			return -1;
	}
	if (process_set_oom_score_adj(p, err) < 0 ||
	    process_set_lsm(p, err) < 0)
		return -1;
	if (c->spec->linux_.n_sysctl > 0) {
		*procsys = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (*procsys < 0)
			return cv_error_set(err, errno, "/proc/sys");
	}
	return ns_join_others(&c->ns, err);
}

/* The view: a private copy of the gofer's namespace; with a user
 * namespace, unshared after it so the new namespaces belong to it. */
static int init_enter_view(struct sandbox_ctx *c, struct cv_error **err)
{
	int isync = c->isync[1];

	if (setns(c->mntns, CLONE_NEWNS) < 0)
		return cv_error_set(err, errno, "join the gofer's mount "
				    "namespace");
	if (c->ns.join_fd[OCI_NS_USER] >= 0) {
		if (setns(c->ns.join_fd[OCI_NS_USER], CLONE_NEWUSER) < 0)
			return cv_error_set(err, errno, "join the user "
					    "namespace");
	} else if (c->ns.new_user) {
		if (unshare(CLONE_NEWUSER) < 0)
			return cv_error_set(err, errno, "new user namespace");
		if (sb_send(isync, SB_MSG_USERNS, 0, 0, NULL) < 0 ||
		    sb_expect(isync, SB_MSG_GO) < 0)
			_exit(1);	/* the sandbox reported it */
	}
	/* Become the namespace's root (if mapped), so what the namespaces
	 * own (sysctl files, hostname) is ours; the config's ids come later. */
	if ((c->ns.new_user || c->ns.join_fd[OCI_NS_USER] >= 0) &&
	    (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) &&
	    errno != EINVAL)
		return cv_error_set(err, errno, "user namespace: become root");
	if (unshare(CLONE_NEWNS | c->ns.unshare_flags) < 0)
		return cv_error_set(err, errno, "unshare namespaces");
	/* Before the CLI's hooks run: network hooks expect lo up. */
	if ((c->ns.unshare_flags & CLONE_NEWNET) && ns_loopback_up(err) < 0)
		return -1;
	return 0;
}

/* The pty comes from the container's devpts, so the workload sees its own
 * numbering; made before the view turns nodev (console.c copes anyway). */
static int init_terminal(struct sandbox_ctx *c, int csock, int *slave,
			 struct cv_error **err)
{
	cleanup_close int master = -1;

	if (!c->proc->terminal)
		return 0;
	if (console_open_pty("/dev/pts", &master, slave, err) < 0 ||
	    console_bind_dev_console(console_pts_index(*slave), err) < 0)
		return -1;
	return console_send_master(csock, master, c->proc, err);
}

static int init_namespaced_settings(struct sandbox_ctx *c, int procsys,
				    struct cv_error **err)
{
	if (process_set_hostname(c->spec, c->ns.own_uts, err) < 0)
		return -1;
	if (procsys >= 0 &&
	    process_set_sysctls(procsys, c->spec, c->ns.own_net,
				c->ns.own_ipc, c->ns.own_uts, err) < 0)
		return -1;
	return 0;
}

static int init_process(struct sandbox_ctx *c, int slave, char **exe,
			struct sentry_attach_info *info, struct cv_error **err)
{
	const struct oci_process *p = c->proc;
	const char *cwd = p->cwd != NULL ? p->cwd : "/";

	if (process_find_exec(p->args != NULL ? p->args[0] : NULL, p->env, exe,
			      err) < 0)
		return -1;
	if (chdir(cwd) < 0)
		return cv_error_set(err, errno, "process.cwd: %s", cwd);
	info->cwd = cwd;
	if (process_set_rlimits(p->rlimits, p->n_rlimits, err) < 0 ||
	    process_set_sched(c->spec, p, err) < 0)
		return -1;
	if (slave >= 0 && console_make_controlling(slave, err) < 0)
		return -1;
	/* Without a terminal too, the init leads its own session and
	 * process group, as runc's does (else both are the sandbox's, which
	 * its pid namespace shows as 0: ps's "S" where runc shows "Ss"). */
	if (slave < 0 && setsid() < 0 && errno != EPERM)
		return cv_error_set(err, errno, "setsid");
	if (process_set_creds(p, info, err) < 0 ||
	    process_finish(p, info, err) < 0)
		return -1;
	/* A credential change clears the parent-death signal. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return cv_error_set(err, errno, "PR_SET_PDEATHSIG");
	/* And makes it undumpable: only CAP_SYS_PTRACE in the host's user
	 * namespace (where this mm was made) could attach then, which a
	 * sentry in a user namespace (rootless, or the sandbox's own as
	 * root) lacks. After execve it is the container's. */
	if (c->rootless && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return cv_error_set(err, errno, "PR_SET_DUMPABLE");
	return 0;
}

__attribute__((noreturn)) static void init_exec(struct sandbox_ctx *c,
						const char *exe)
{
	struct cv_error *err = NULL;
	int fd = c->init_sv[1];

	if (sentry_wait_start(fd, &err) < 0)
		_exit(1);
	if (c->spec->hooks.n[OCI_HOOK_START_CONTAINER] > 0 &&
	    hooks_run_kind("startContainer",
			   c->spec->hooks.list[OCI_HOOK_START_CONTAINER],
			   c->spec->hooks.n[OCI_HOOK_START_CONTAINER],
			   c->o->state_json, &err) < 0)
		goto fail;
	close(fd);
	/* The sentry has seized us (sentry_attach, with PTRACE_O_EXITKILL):
	 * its death kills us now, so the parent-death signal set for the
	 * steps before goes, and the container's process starts with none,
	 * as runc's does (PR_GET_PDEATHSIG 0). */
	if (prctl(PR_SET_PDEATHSIG, 0) < 0) {
		cv_error_set(&err, errno, "PR_SET_PDEATHSIG");
		goto fail;
	}
	/* Last: the profile may forbid what the steps above needed. The
	 * kernel applies the strictest of it and the sentry's filter.
	 * Without no_new_privs it is in already (init_privileged_end). */
	if (c->proc->no_new_privileges && c->spec->linux_.seccomp.present &&
	    seccomp_profile_load(&c->spec->linux_.seccomp, &err) < 0)
		goto fail;
	execve(exe, c->proc->args, c->proc->env);
	cv_error_set(&err, errno, "exec %s", exe);
fail:
	fprintf(stderr, "runsc: %s\n", err->msg);
	_exit(127);
}

/*
 * Without no_new_privs (process.noNewPrivileges false), as runc: the
 * config's seccomp profile goes in while CAP_SYS_ADMIN is still held
 * (process_set_creds kept it for the interception filter), then the
 * config's capability sets exactly.
 */
int sb_privileged_end(const struct oci_spec *spec,
		      const struct oci_process *p, struct cv_error **err)
{
	if (p->no_new_privileges)
		return 0;
	if (spec->linux_.seccomp.present &&
	    seccomp_profile_load(&spec->linux_.seccomp, err) < 0)
		return -1;
	return process_drop_kept_caps(err);
}

__attribute__((noreturn)) static void init_main(struct sandbox_ctx *c)
{
	struct sentry_attach_info info = { .is_exec = false };
	cleanup_close int csock = -1, procsys = -1, exec_copy = -1;
	bool setid = !c->proc->no_new_privileges;
	struct cv_error *err = NULL;
	char *exe = NULL;
	int slave = -1;

	/* Until the sentry has seized it (PTRACE_O_EXITKILL), this is what
	 * kills the init if the sandbox dies. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(1);
	cv_log_set_name("init");
	/* The sentry's ends are not the init's business. */
	close(c->isync[0]);
	close(c->init_sv[0]);
	close(c->gofer_sv[0]);
	close(c->ctl);
	if (init_host_steps(c, &csock, &procsys, &err) < 0 ||
	    init_enter_view(c, &err) < 0 ||
	    init_terminal(c, csock, &slave, &err) < 0 ||
	    (setid && mounts_exec_copy_begin(&exec_copy, &err) < 0) ||
	    mounts_readonly_view(&err) < 0 ||
	    (setid && mounts_exec_copy_attach(exec_copy, &err) < 0))
		sb_die(c->sync, err, "init");
	/* The sandbox process opens our /proc/PID/ns/ next (the gofer's
	 * hand-off, the pod's namespaces, the hooks): in a user namespace it
	 * has no CAP_SYS_PTRACE over the host's, where this mm was made, so
	 * not unless we are dumpable (the credential change above reset it;
	 * init_process sets it again after the next). No workload exists
	 * yet that could trace us. */
	if (c->rootless && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) {
		cv_error_set(&err, errno, "PR_SET_DUMPABLE");
		sb_die(c->sync, err, "init");
	}
	/* Host fds (namespaces, the console socket) end here. */
	close(c->mntns);
	ns_plan_close(&c->ns);
	if (csock >= 0)
		close(steal_fd(csock));
	/* Namespaces exist: the CLI's createRuntime/prestart hooks and the
	 * createContainer hooks run now, before anything else changes. */
	/* pid1: the pty's index + 1, for the gofer's /dev/console. */
	/* Then the exec copy's fd, for the gofer (gofer_exec_root). */
	if (sb_send(c->isync[1], SB_MSG_NS_READY,
		    slave >= 0 ? console_pts_index(slave) + 1 : 0, 0,
		    NULL) < 0 ||
	    (setid && cv_send_fd(c->isync[1], exec_copy) < 0) ||
	    sb_expect(c->isync[1], SB_MSG_GO) < 0)
		_exit(1);
	if (exec_copy >= 0)
		close(steal_fd(exec_copy));
	if (init_namespaced_settings(c, procsys, &err) < 0 ||
	    init_process(c, slave, &exe, &info, &err) < 0)
		sb_die(c->sync, err, "init");
	if (procsys >= 0)
		close(steal_fd(procsys));
	/* The sandbox tells runsc create the pids, answers GO and becomes
	 * the sentry; READY (below) thus always follows PIDS. */
	if (sb_send(c->isync[1], SB_MSG_ATTACHING, 0, 0, NULL) < 0 ||
	    sb_expect(c->isync[1], SB_MSG_GO) < 0)
		_exit(1);
	close(c->isync[1]);
	/* Nothing but stdio and the preserved fds reaches the workload. */
	sb_prepare_fds(c->o->preserve_fds);
	if (sentry_attach(c->init_sv[1], c->o->platform, &info, &err) < 0)
		sb_die(c->sync, err, "init: attach to the sentry");
	if (sb_privileged_end(c->spec, c->proc, &err) < 0)
		sb_die(c->sync, err, "init");
	if (sb_send(c->sync, SB_MSG_READY, 0, 0, NULL) < 0)
		_exit(1);
	close(c->sync);
	init_exec(c, exe);
}

/* createContainer hooks: in the container's namespaces (but the host's
 * mount namespace, where the hook paths resolve, as with runc before its
 * pivot, and the sandbox's user namespace: as root, that is root over
 * the container's namespaces and files, not over the host's). */
static bool same_ns_as_self(int fd, const char *name)
{
	struct stat a, b;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return stat(path, &a) == 0 && fstat(fd, &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

static int run_create_container_hooks(struct sandbox_ctx *c,
				      struct cv_error **err)
{
	static const char *const names[] = { "net", "uts", "ipc", "cgroup",
					     "pid" };
	const struct oci_hooks *h = &c->spec->hooks;
	int status;
	pid_t pid;

	if (h->n[OCI_HOOK_CREATE_CONTAINER] == 0)
		return 0;
	pid = fork();
	if (pid < 0)
		return cv_error_set(err, errno, "fork");
	if (pid == 0) {
		struct cv_error *e = NULL;

		for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
			char path[64];
			int fd;

			snprintf(path, sizeof(path), "/proc/%d/ns/%s",
				 (int)c->init_pid, names[i]);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			/* One we are in may be the host user namespace's
			 * (a pod's, by path): not to be joined again. */
			if (fd >= 0 && same_ns_as_self(fd, names[i])) {
				close(fd);
				continue;
			}
			if (fd < 0 || setns(fd, 0) < 0)
				_exit(2);
			close(fd);
		}
		if (hooks_run_kind("createContainer",
				   h->list[OCI_HOOK_CREATE_CONTAINER],
				   h->n[OCI_HOOK_CREATE_CONTAINER],
				   c->o->state_json, &e) < 0)
			sb_die(c->sync, e, NULL);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cv_error_set(err, errno, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		return -1;	/* the hook's error went to runsc create */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return cv_error_setx(err, "createContainer hooks: cannot "
				     "enter the container's namespaces");
	return 0;
}

/* The pid namespace for the next child: joined or new. Only children
 * enter one, so it is set here and the init is forked into it (a plain
 * fork, so glibc's per-thread state stays right in the child). */
static int enter_pid_ns_for_children(struct sandbox_ctx *c,
				     struct cv_error **err)
{
	if (c->ns.join_fd[OCI_NS_PID] >= 0) {
		if (setns(c->ns.join_fd[OCI_NS_PID], CLONE_NEWPID) < 0)
			return cv_error_set(err, errno,
					    "join the pid namespace");
	} else if (c->ns.new_pid && unshare(CLONE_NEWPID) < 0) {
		return cv_error_set(err, errno, "new pid namespace");
	}
	return 0;
}

static int start_init(struct sandbox_ctx *c, struct cv_error **err)
{
	cleanup_close int own = -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, c->isync) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->init_sv) < 0)
		return cv_error_set(err, errno, "socketpair");
	own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return cv_error_set(err, errno, "/proc/self/ns/pid");
	/* Rootless: the host's pid namespace could not be set back (it is
	 * not the user namespace's), so the init alone is cloned into a new
	 * one, fork-like (no stack: the child goes on on a copy of ours). */
	if (c->rootless && c->ns.new_pid &&
	    c->ns.join_fd[OCI_NS_PID] < 0) {
		c->init_pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD,
					     NULL, NULL, NULL, NULL);
		if (c->init_pid < 0)
			return cv_error_set(err, errno, "fork the init");
		if (c->init_pid == 0)
			init_main(c);
		goto forked;
	}
	if (enter_pid_ns_for_children(c, err) < 0)
		return -1;
	c->init_pid = fork();
	if (c->init_pid < 0)
		return cv_error_set(err, errno, "fork the init");
	if (c->init_pid == 0)
		init_main(c);
	/* Back to our own: later children (the hooks helper joins the
	 * init's namespaces itself) must not depend on the init living. */
	if (setns(own, CLONE_NEWPID) < 0)
		return cv_error_set(err, errno, "restore the pid namespace");
forked:
	close(c->isync[1]);
	close(c->init_sv[1]);
	c->isync[1] = c->init_sv[1] = -1;
	return 0;
}

/* With a user namespace the gofer works in it (gofer/gofer.h): handed
 * over once the init is in it with its id maps written. */
static int gofer_to_userns(struct sandbox_ctx *c, struct cv_error **err)
{
	cleanup_close int fd = -1;
	char path[64];
	int ret;

	if (!c->ns.new_user && c->ns.join_fd[OCI_NS_USER] < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)c->init_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cv_error_set(err, errno, "%s", path);
	ret = gofer_join_userns(c->gofer_sv[0], fd);
	if (ret == -EOVERFLOW)
		return cv_error_setx(err, "linux.uidMappings/gidMappings: "
				     "the gofer needs uid and gid 0 mapped");
	if (ret < 0)
		return cv_error_set(err, -ret, "gofer: join the user "
				    "namespace");
	return 0;
}

/* The init's exec copy of the root (after its NS_READY) to the gofer,
 * which opens set-id files under it (sentry/exec.c). Not kept here: the
 * sandbox process becomes the sentry, which holds no filesystem. */
static int gofer_exec_root(struct sandbox_ctx *c, struct cv_error **err)
{
	cleanup_close int fd = -1;
	int ret;

	if (c->proc->no_new_privileges)
		return 0;
	fd = cv_recv_fd(c->isync[0]);
	if (fd < 0)
		return cv_error_set(err, -fd, "init: the exec copy");
	ret = gofer_exec_root_send(c->gofer_sv[0], fd);
	if (ret < 0)
		return cv_error_set(err, -ret, "gofer: the exec copy");
	return 0;
}

/* Serves the init's requests until it is about to attach. -1: it failed
 * (and told runsc create) or a step here failed (err set). */
static int drive_init(struct sandbox_ctx *c, struct cv_error **err)
{
	struct sb_msg m;

	for (;;) {
		if (sb_recv(c->isync[0], &m) < 0)
			return -1;
		switch (m.type) {
		case SB_MSG_USERNS:
			if (ns_write_id_maps(c->init_pid, c->spec, err) < 0)
				return -1;
			break;
		case SB_MSG_NS_READY:
			if (gofer_mqueue(c, err) < 0 ||
			    gofer_to_userns(c, err) < 0 ||
			    gofer_exec_root(c, err) < 0)
				return -1;
			if (m.pid1 > 0 &&
			    console_bind_in_ns(c->mntns, m.pid1 - 1, err) < 0)
				return -1;
			/* The pod's namespaces the init made in its user
			 * namespace: ours too before anyone looks. */
			if (c->ns.late_flags != 0 &&
			    ns_join_pid(c->init_pid, c->ns.late_flags, err) < 0)
				return -1;
			if (sb_send(c->sync, SB_MSG_NS_READY, c->init_pid, 0,
				    NULL) < 0 ||
			    sb_recv(c->sync, &m) < 0)
				return -1;
			if (m.type != SB_MSG_GO)
				return cv_error_setx(err, "createRuntime or "
						     "prestart hooks failed");
			if (run_create_container_hooks(c, err) < 0)
				return -1;
			break;
		case SB_MSG_ATTACHING:
			if (sb_send(c->sync, SB_MSG_PIDS, c->init_pid,
				    c->gofer_pid, NULL) < 0)
				return -1;
			return sb_send(c->isync[0], SB_MSG_GO, 0, 0, NULL);
		default:
			return cv_error_setx(err, "init: unexpected message "
					     "%s", sb_msg_name(m.type));
		}
		if (sb_send(c->isync[0], SB_MSG_GO, 0, 0, NULL) < 0)
			return -1;
	}
}

/* An undo step (c->undo): the child whose pid is at arg, once forked. */
static void kill_and_reap(void *arg)
{
	pid_t pid = *(pid_t *)arg;

	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Leaves nothing behind: the children are reaped here (c->undo, last
 * started first), so none of them lingers as a zombie of whatever adopts
 * them. */
__attribute__((noreturn)) static void sandbox_fail(struct sandbox_ctx *c,
						   struct cv_error *err)
{
	cv_undo_run(&c->undo);
	if (err != NULL)
		sb_die(c->sync, err, NULL);
	_exit(1);
}

/* pid1 0: the spec's maps (rootless); 1: the sandbox's identity maps. */
static int ask_maps(int sync, int kind)
{
	if (sb_send(sync, SB_MSG_USERNS, kind, 0, NULL) < 0)
		return -1;
	return sb_expect(sync, SB_MSG_GO);
}

static int rootless_maps_written(void *arg)
{
	return ask_maps(*(int *)arg, 0);
}

static int sandbox_maps_written(void *arg)
{
	return ask_maps(*(int *)arg, 1);
}

/* Not turned off (CVISOR_SANDBOX_PIDNS=0), and its /proc could be
 * mounted; else today's mode, as before. */
static bool pidns_possible(void)
{
	const char *env = getenv("CVISOR_SANDBOX_PIDNS");

	if (env != NULL && strcmp(env, "0") == 0)
		return false;
	if (!pidmap_procfs_mountable()) {
		log_debug("the sandbox's pid namespace: no fully visible "
			  "procfs to copy (masked /proc?): not taken");
		return false;
	}
	return true;
}

/*
 * The sandbox's own pid namespace, with its user namespace: when the
 * container gets a new pid namespace (one joined by path keeps the host's
 * user namespace anyway). A config without one shares the runtime's pids:
 * so does the sandbox then.
 */
static bool sandbox_pidns_wanted(const struct sandbox_ctx *c)
{
	if (!c->ns.new_pid || c->ns.join_fd[OCI_NS_PID] >= 0)
		return false;
	return pidns_possible();
}

/* Rootless: a new pid namespace and no namespace joined by path (their
 * paths are opened later, and would resolve in the clone's /proc). */
static bool rootless_pidns_wanted(const struct oci_spec *spec)
{
	const struct oci_namespace *ns = oci_spec_namespace(spec, OCI_NS_PID);

	if (ns == NULL)
		return false;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
		if (spec->linux_.namespaces[i].path != NULL)
			return false;
	return pidns_possible();
}

/* The clone's /proc: its own pid namespace's, so that /proc/<pid> of the
 * gofer and the init (numbered in it) are theirs. what, hint: as
 * rootless.c names its steps. */
static int sandbox_pidns_setup(const char *what, const char *hint,
			       struct cv_error **err)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return cv_error_set(err, errno, "%s: become root%s", what,
				    hint);
	if (unshare(CLONE_NEWNS) < 0)
		return cv_error_set(err, errno, "%s: new mount namespace",
				    what);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return cv_error_set(err, errno, "the sandbox's pid namespace: "
				    "mount its /proc");
	return 0;
}

/*
 * Taking the sandbox's pid namespace (docs/security.md, "The sandbox's
 * pid namespace"; rootless: the user namespace is the container's, with
 * the spec's maps, as rootless_enter's): this process, which did the
 * steps that need the host's namespaces (the cgroup, the pod's namespaces
 * joined by path, the /dev store), clones itself in one call into a new
 * user namespace and a pid namespace owned by it, where the clone is pid
 * 1. CLONE_PARENT makes the clone runsc create's child, as this process
 * was (runsc run waits for it, a shim adopts it). This one reports the
 * clone's pid, has its maps written and exits; the clone goes on as the
 * sandbox process once it has (a byte on `go`). The clone is fork-like
 * (no stack of its own); glibc's idea of its tid is stale, which nothing
 * here uses (raise() and pthread_kill() of oneself ask gettid()).
 */
static int sandbox_pidns_clone(struct sandbox_ctx *c, bool rootless,
			       struct cv_error **err)
{
	int go[2];
	pid_t pid;
	char b;

	if (pipe2(go, O_CLOEXEC) < 0)
		return cv_error_set(err, errno, "pipe");
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWPID |
				 CLONE_PARENT | SIGCHLD,
			     NULL, NULL, NULL, NULL);
	if (pid < 0) {
		cv_error_set(err, errno, "clone the sandbox into its user and "
			     "pid namespaces");
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (pid > 0) {
		/* A failure was reported to runsc (ABORT) or runsc is
		 * gone; the clone sees EOF on go and exits. */
		if (sb_send(c->sync, SB_MSG_SANDBOX_PID, pid, 0, NULL) < 0 ||
		    ask_maps(c->sync, rootless ? 0 : 1) < 0 ||
		    write(go[1], "G", 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(go[1]);
	if (read(go[0], &b, 1) != 1)
		_exit(1);
	close(go[0]);
	if (rootless)
		return sandbox_pidns_setup("user namespace", " (linux.uidMappings"
					   "/gidMappings must map 0)", err);
	return sandbox_pidns_setup("the sandbox's user namespace", "", err);
}

/*
 * Root: the pod's namespaces to join by path are the host's user
 * namespace's, joined from it; then the sandbox's own user namespace, in
 * which everything else is created (the pod's new namespaces by
 * ns_enter_pod, the gofer's and the init's), so that the capabilities the
 * gofer and the sentry keep reach no further than the sandbox.
 */
static int sandbox_userns(struct sandbox_ctx *c, struct cv_error **err)
{
	ssize_t n;

	/* The overlay's lower layer is made noatime, which a mount
	 * namespace of a user namespace may not change (its atime flags are
	 * locked): not with the root overlay either. */
	if (!sandbox_userns_wanted(c->spec, c->ns.join_fd) ||
	    c->o->overlay.enabled)
		return 0;
	if (ns_join_pod(&c->ns, err) < 0)
		return -1;
	/* Not ours to create: the host's user namespace owns it. */
	if (!(c->ns.unshare_flags & CLONE_NEWNET) &&
	    !sandbox_userns_ports_ok(c->spec))
		return 0;
	/* mknod needs the host's user namespace: the device nodes are made
	 * now, in a /dev of the container's own, never bound from the
	 * host's /dev (its root could chmod those through the gofer). */
	if (mounts_dev_store(c->spec, &c->dev_store, err) < 0)
		return -1;
	if (c->dev_store < 0)
		return 0;
	n = readlink("/proc/self/ns/user", c->runtime_userns,
		     sizeof(c->runtime_userns) - 1);
	c->runtime_userns[n > 0 ? n : 0] = '\0';
	ns_owned_list(c->runtime_owned, sizeof(c->runtime_owned));
	if (sandbox_pidns_wanted(c)) {
		if (sandbox_pidns_clone(c, false, err) < 0)
			return -1;
	} else if (sandbox_userns_enter(sandbox_maps_written, &c->sync,
					err) < 0) {
		return -1;
	}
	c->rootless = true;
	return 0;
}

/* The rest of the sandbox sees the spec without its user namespace. */
static int rootless_sandbox(struct sandbox_ctx *c, struct cv_error **err)
{
	struct oci_spec *view = NULL;
	int r;

	if (rootless_pidns_wanted(c->spec)) {
		r = rootless_view(c->spec, &view, err);
		if (r == 0)
			r = sandbox_pidns_clone(c, true, err);
	} else {
		r = rootless_enter(c->spec, &view, rootless_maps_written,
				   &c->sync, err);
	}
	if (view != NULL) {
		c->spec = view;
		c->proc = &view->process;
	}
	return r;
}

__attribute__((noreturn)) static void sandbox_main(struct sandbox_ctx *c)
{
	const struct sandbox_opts *o = c->o;
	struct cv_error *err = NULL;
	struct sentry_config cfg = { 0 };
	int status, r, gofer_pidfd;

	cv_log_set_name("sandbox");
	/* Inherited by the gofer and the init, and by the workload across
	 * execve: start from the defaults. */
	sb_reset_signals();
	/* Out of runsc's session so the caller's terminal signals do not
	 * reach it; with a terminal the init makes its own session. */
	if (!c->proc->terminal)
		(void)setsid();	/* a new child leads no group: no EPERM */
	/* First, so the gofer, the sentry and the workload are all
	 * accounted in the container's cgroup. */
	if (o->cgroup != NULL && cgroup_enter(o->cgroup, getpid(), &err) < 0)
		sb_die(c->sync, err, "cgroup");
	/* The sentry's workers and the gofer's channels: one per CPU of the
	 * cpuset (the affinity cgroup_enter gave us), at most the quota's. */
	cv_workers_limit_cpus(cgroup_quota_cpus(o->cgroup));
	/* Not root: into the user namespace before anything else. */
	c->rootless = cgroup_is_rootless();
	if (rootless_needs_userns() && rootless_sandbox(c, &err) < 0)
		sb_die(c->sync, err, NULL);
	/* The paths of namespaces to join are host paths: opened now. */
	if (ns_plan_build(c->spec, o->network, &c->ns, &err) < 0 ||
	    sandbox_userns(c, &err) < 0)
		sb_die(c->sync, err, NULL);
	/* The pod's net, ipc and uts namespaces are the sandbox's own: the
	 * pid runsc create reports is how clients find them. */
	if (ns_enter_pod(&c->ns, &err) < 0)
		sb_die(c->sync, err, NULL);
	if (devices_rules(c->spec, &c->dev_rules, &c->n_dev_rules, &err) < 0)
		sb_die(c->sync, err, NULL);
	/* The sentry sees the config as the sandbox does (rootless: the
	 * view without the user namespace), and only what it uses. */
	if (sentry_config_from_spec(&cfg, c->spec, &err) < 0)
		sb_die(c->sync, err, NULL);
	/* Pushed before each start: the step reads the pid when it runs
	 * (0: not forked). */
	if (cv_undo_push(&c->undo, kill_and_reap, &c->gofer_pid, NULL) < 0 ||
	    cv_undo_push(&c->undo, kill_and_reap, &c->init_pid, NULL) < 0) {
		cv_error_set(&err, ENOMEM, "sandbox");
		sb_die(c->sync, err, NULL);
	}
	r = start_gofer(c, &err);
	if (c->dev_store >= 0)
		close(c->dev_store);	/* the gofer's now */
	c->dev_store = -1;
	if (r < 0)	/* err unset: the gofer has reported its error */
		sandbox_fail(c, err);
	if (bind_control(c, &err) < 0 || start_init(c, &err) < 0 ||
	    drive_init(c, &err) < 0)
		sandbox_fail(c, err);
	cv_undo_release(&c->undo);	/* the sentry guards them now */
	/* The sentry reaps the gofer if it dies: after sentry_run its pid
	 * may be anyone's, so it is killed through a pidfd opened now, while
	 * it is our unreaped child. */
	gofer_pidfd = (int)syscall(SYS_pidfd_open, c->gofer_pid, 0);
	close(c->sync);
	ns_plan_close(&c->ns);
	close(c->mntns);
	/* The workload's pipes belong to the workload: the shim sees EOF
	 * when the workload closes them, not when the sandbox does. */
	null_stdio(stdio_to_drop(c));
	cfg.id = o->id;
	cfg.platform = o->platform;
	cfg.gofer_fd = c->gofer_sv[0];
	cfg.gofer_pid = c->gofer_pid;
	cfg.ctl_fd = c->ctl;
	cfg.init_fd = c->init_sv[0];
	cfg.init_pid = c->init_pid;
	cfg.strace = o->strace;
	cfg.log_fd = o->log_fd;
	cfg.file_access_shared = c->file_access_shared;
	cfg.dev_rules = c->dev_rules;
	cfg.n_dev_rules = c->n_dev_rules;
	cfg.file_access_mounts_exclusive = o->file_access_mounts_exclusive;
	if (c->runtime_userns[0] != '\0' && !c->ns.new_user) {
		cfg.runtime_userns = c->runtime_userns;
		cfg.runtime_owned = c->runtime_owned;
	}
	{
		int keep[] = { cfg.gofer_fd, cfg.ctl_fd, cfg.init_fd,
			       cfg.log_fd, gofer_pidfd };

		sb_close_all_but(keep, ARRAY_SIZE(keep));
	}
	status = sentry_run(&cfg);
	sentry_config_release(&cfg);
	/* The gofer serves nobody any more (it exits when the sentry's end
	 * closes); reaped here rather than left to whoever adopts it. */
	if (gofer_pidfd >= 0) {
		siginfo_t si;

		/* ESRCH if it exited already: reaped below either way */
		(void)syscall(SYS_pidfd_send_signal, gofer_pidfd, SIGKILL,
			      NULL, 0);
		while (waitid(P_PIDFD, (id_t)gofer_pidfd, &si, WEXITED) < 0 &&
		       errno == EINTR)
			;
	}
	_exit(sb_exit_code(status));
}

/* ---- runsc create's side ------------------------------------------------- */

/* Kills and reaps pid (0: none). */
static void kill_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * After a failure (sync already closed): the sandbox notices that its
 * children failed or that runsc went away, kills and reaps them, and
 * exits; it gets a moment to do so before it is killed outright. first:
 * the process that cloned the sandbox into its pid namespace, or 0.
 */
static void sandbox_undo(const struct sandbox_opts *o, pid_t pid, pid_t first)
{
	char path[4096];

	for (int i = 0; pid > 0 && i < 300; i++) {
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			pid = 0;
		else
			usleep(10000);
	}
	kill_reap(pid);
	kill_reap(first);
	snprintf(path, sizeof(path), "%s/" SENTRY_CTL_SOCK, o->state_dir);
	(void)unlink(path);	/* ENOENT if the sentry never bound it */
}

/* The pids the sandbox names, in its pid namespace's numbering, as
 * runsc's (pidmap.h); each must be found. */
static int pids_to_host(pid_t sandbox, pid_t *pids, size_t n,
			struct cv_error **err)
{
	ssize_t k = pidmap_to_host(sandbox, pids, n);

	if (k < 0)
		return cv_error_set(err, (int)-k, "the sandbox's pids");
	if ((size_t)k != n)
		return cv_error_setx(err, "the sandbox's pids: a process of "
				     "its pid namespace is gone");
	return 0;
}

/* The sandbox process is now its clone (sandbox_pidns_clone); the
 * sender exits once the maps are written. */
static int new_sandbox(pid_t *pid, pid_t *first, pid_t clone,
		       struct cv_error **err)
{
	if (*first != 0 || clone <= 0)
		return cv_error_setx(err, "sandbox: unexpected message "
				     "SANDBOX_PID");
	*first = *pid;
	*pid = clone;
	return 0;
}

static int on_ns_ready(const struct sandbox_opts *o, int sync, pid_t pid,
		       pid_t init, struct cv_error **err)
{
	int r;

	if (pids_to_host(pid, &init, 1, err) < 0)
		return -1;
	r = o->on_namespaces_ready != NULL ?
		    o->on_namespaces_ready(init, o->arg) : 0;
	if (sb_send(sync, r == 0 ? SB_MSG_GO : SB_MSG_ABORT, 0, 0, NULL) < 0 ||
	    r != 0)
		return r != 0 ? cv_error_setx(err, "hooks failed") :
				cv_error_setx(err, "sandbox gone");
	return 0;
}

static int wait_ready(const struct sandbox_opts *o, int sync, pid_t *pid,
		      pid_t *first, struct sandbox_info *out,
		      struct cv_error **err)
{
	struct sb_msg m;

	for (;;) {
		int r = sb_recv(sync, &m);
		pid_t two[2];

		if (r < 0)
			return cv_error_setx(err, "the sandbox exited during "
					     "set-up");
		switch (m.type) {
		case SB_MSG_ERROR:
			return cv_error_setx(err, "%s", m.text);
		case SB_MSG_SANDBOX_PID:
			if (new_sandbox(pid, first, m.pid1, err) < 0)
				return -1;
			break;
		case SB_MSG_NS_READY:
			if (on_ns_ready(o, sync, *pid, m.pid1, err) < 0)
				return -1;
			break;
		case SB_MSG_USERNS:	/* the sandbox's own */
			r = m.pid1 == 1 ? sandbox_userns_write_maps(*pid, err) :
					  rootless_write_maps(*pid, o->spec,
							      err);
			if (sb_send(sync, r == 0 ? SB_MSG_GO : SB_MSG_ABORT, 0,
				    0, NULL) < 0 || r < 0)
				return r < 0 ? -1 : cv_error_setx(err, "sandbox "
								  "gone");
			break;
		case SB_MSG_PIDS:
			two[0] = m.pid1;
			two[1] = m.pid2;
			if (pids_to_host(*pid, two, 2, err) < 0)
				return -1;
			out->init_pid = two[0];
			out->gofer_pid = two[1];
			break;
		case SB_MSG_READY:
			return 0;
		default:
			return cv_error_setx(err, "sandbox: unexpected "
					     "message %s", sb_msg_name(m.type));
		}
	}
}

/* --file-access, unless the annotation says otherwise. */
static int file_access_resolve(const struct sandbox_opts *o, bool *shared,
			       struct cv_error **err)
{
	*shared = o->file_access_shared;
	for (size_t i = 0; i < o->spec->n_annotations; i++) {
		const struct oci_kv *kv = &o->spec->annotations[i];
		int v;

		if (strcmp(kv->key, FILE_ACCESS_ANNOTATION) != 0)
			continue;
		v = file_access_from_name(kv->value);
		if (v < 0)
			return cv_error_setx(err, "annotations[\"%s\"]: invalid "
					     "value \"%s\" (exclusive or shared)",
					     kv->key, kv->value);
		*shared = v == 1;
	}
	return 0;
}

int sandbox_create(const struct sandbox_opts *o, struct sandbox_info *out,
		   struct cv_error **err)
{
	struct sandbox_ctx c = {
		.o = o, .spec = o->spec, .proc = &o->spec->process,
		.isync = { -1, -1 }, .init_sv = { -1, -1 },
		.gofer_sv = { -1, -1 }, .mntns = -1, .ctl = -1,
		.dev_store = -1,
	};
	int sv[2];
	pid_t pid, first = 0;

	*out = (struct sandbox_info){ 0 };
	if (!o->spec->has_process)
		return cv_error_setx(err, "process: missing");
	if (rootless_check(o->spec, err) < 0 ||
	    sb_check_preserved(o->preserve_fds, err) < 0 ||
	    file_access_resolve(o, &c.file_access_shared, err) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cv_error_set(err, errno, "socketpair");
	/* No double fork: the sandbox stays runsc's child and is
	 * reparented to the caller's subreaper when runsc exits. */
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return cv_error_set(err, errno, "fork the sandbox");
	}
	if (pid == 0) {
		close(sv[0]);
		c.sync = sv[1];
		sandbox_main(&c);
	}
	close(sv[1]);
	if (wait_ready(o, sv[0], &pid, &first, out, err) < 0) {
		close(sv[0]);
		sandbox_undo(o, pid, first);
		return -1;
	}
	close(sv[0]);
	/* The first sandbox process exited once the maps were written. */
	while (first > 0 && waitpid(first, NULL, 0) < 0 && errno == EINTR)
		;
	out->sandbox_pid = pid;
	return 0;
}
