/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc exec ID [COMMAND...] | --process FILE: starts a process in the
 * container (sandbox_exec), records its pid, and unless detached waits for
 * it and returns its status. With a terminal and no --console-socket, a
 * foreground exec makes runsc the console, as "runsc run" does.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cgroup.h"
#include "runsc/cli.h"

enum {
	OPT_PID_FILE = 256,
	OPT_CONSOLE,
	OPT_PRESERVE,
	OPT_CWD,
	OPT_NNP,
	OPT_IGNORED,
	OPT_LABEL,
	OPT_APPARMOR,
};

struct exec_args {
	const char *process_file;
	bool detach, tty, tty_set, nnp;
	const char *pid_file, *console_socket, *cwd, *user;
	const char *label, *apparmor;	/* --process-label, --apparmor */
	const char **env;
	size_t n_env;
	uint64_t caps;
	gid_t *gids;
	size_t n_gids;
	int preserve_fds;
};

static int replace_str(char **dst, const char *src, struct cv_error **err)
{
	char *d = strdup(src);

	if (d == NULL)
		return cv_error_set(err, ENOMEM, "exec");
	free(*dst);
	*dst = d;
	return 0;
}

static int add_env(char ***envp, size_t *n, const char *kv)
{
	size_t klen = strcspn(kv, "=");
	char *dup = strdup(kv), **nv;

	if (dup == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		if (strncmp((*envp)[i], kv, klen) == 0 &&
		    (*envp)[i][klen] == '=') {
			free((*envp)[i]);
			(*envp)[i] = dup;
			return 0;
		}
	}
	nv = realloc(*envp, (*n + 2) * sizeof(char *));
	if (nv == NULL) {
		free(dup);
		return -ENOMEM;
	}
	nv[(*n)++] = dup;
	nv[*n] = NULL;
	*envp = nv;
	return 0;
}

static int set_user(struct oci_process *p, const char *s,
		    struct cv_error **err)
{
	cleanup_free char *u = strdup(s);
	char *colon;
	uint64_t v;

	if (u == NULL)
		return cv_error_set(err, ENOMEM, "exec");
	colon = strchr(u, ':');
	if (colon != NULL)
		*colon++ = '\0';
	if (cv_parse_u64(u, &v) < 0 || v > UINT32_MAX - 1)
		return cv_error_setx(err, "invalid --user %s: want UID[:GID]",
				     s);
	p->user.uid = (uid_t)v;
	if (colon == NULL)
		return 0;
	if (cv_parse_u64(colon, &v) < 0 || v > UINT32_MAX - 1)
		return cv_error_setx(err, "invalid --user %s: want UID[:GID]",
				     s);
	p->user.gid = (gid_t)v;
	return 0;
}

static int set_args(struct oci_process *p, int argc, char **argv)
{
	char **v = calloc((size_t)argc + 1, sizeof(char *));

	if (v == NULL)
		return -ENOMEM;
	for (int i = 0; i < argc; i++)
		if ((v[i] = strdup(argv[i])) == NULL) {
			cv_strvfree(v);
			return -ENOMEM;
		}
	cv_strvfree(p->args);
	p->args = v;
	p->n_args = (size_t)argc;
	return 0;
}

/* The container's process with the command line's changes. */
static int build_process(const struct container_state *st,
			 const struct exec_args *a, int argc, char **argv,
			 struct oci_process *p, struct cv_error **err)
{
	cleanup_free char *text = NULL, *proc = NULL;
	const char *what = a->process_file;

	if (a->process_file != NULL) {
		if (cv_read_file(a->process_file, &text, NULL, err) < 0)
			return -1;
		return oci_process_parse(text, strlen(text), what, p, err);
	}
	if (argc < 1)
		return cli_usage_error(err, "exec", "\"exec\" requires a "
				       "command or --process");
	if (cv_read_file(st->config_path, &text, NULL, err) < 0)
		return -1;
	proc = json_subtree(text, "process");
	if (proc == NULL)
		return cv_error_setx(err, "%s: no process", st->config_path);
	if (oci_process_parse(proc, strlen(proc), "config.json process", p,
			      err) < 0)
		return -1;
	if (set_args(p, argc, argv) < 0)
		return cv_error_set(err, ENOMEM, "exec");
	for (size_t i = 0; i < a->n_env; i++)
		if (add_env(&p->env, &p->n_env, a->env[i]) < 0)
			return cv_error_set(err, ENOMEM, "exec");
	if (a->cwd != NULL) {
		free(p->cwd);
		p->cwd = strdup(a->cwd);
	}
	if (a->user != NULL && set_user(p, a->user, err) < 0)
		return -1;
	if (a->n_gids > 0) {
		free(p->user.additional_gids);
		p->user.additional_gids = a->gids;
		p->user.n_additional_gids = a->n_gids;
	}
	p->caps.bounding |= a->caps;
	p->caps.effective |= a->caps;
	p->caps.permitted |= a->caps;
	p->terminal = a->tty;
	if (a->nnp)
		p->no_new_privileges = true;
	return 0;
}

static int record_pid(struct global_opts *g, const char *id, pid_t pid,
		      struct cv_error **err)
{
	cleanup_state struct container_state *st = NULL;
	cleanup_close int lock = -1;
	pid_t *v;

	if (state_lock(g->root, id, &lock, err) < 0 ||
	    state_load(g->root, id, &st, err) < 0)
		return -1;
	v = realloc(st->exec_pids, (st->n_exec_pids + 1) * sizeof(pid_t));
	if (v == NULL)
		return cv_error_set(err, ENOMEM, "exec");
	v[st->n_exec_pids++] = pid;
	st->exec_pids = v;
	return state_save(g->root, st, err);
}

static int do_exec(struct global_opts *g, const char *id,
		   struct exec_args *a, int argc, char **argv,
		   struct cv_error **err)
{
	cleanup_state struct container_state *st = NULL;
	cleanup_spec struct oci_spec *spec = NULL;
	cleanup_cgroup struct cgroup *cg = NULL;
	cleanup_free char *dir = NULL;
	struct cli_console con = { .listen_fd = -1, .master = -1 };
	struct oci_process p = { 0 };
	struct winsize ws;
	const char *status;
	pid_t pid = -1;
	int r = -1;

	if (cli_check_id(id, err) < 0 || state_load(g->root, id, &st, err) < 0)
		return -1;
	status = state_status(st);
	if (strcmp(status, "stopped") == 0)
		return cv_error_setx(err, "cannot exec in a stopped container");
	if (strcmp(status, "paused") == 0)
		return cv_error_setx(err, "cannot exec in a paused container");
	if (a->pid_file != NULL &&
	    cli_check_parent_dir("pid file", a->pid_file, err) < 0)
		return -1;
	if (state_load_spec(st, &spec, err) < 0 || state_cgroup(st, &cg, err) < 0)
		return -1;
	dir = state_dir(g->root, id);
	if (build_process(st, a, argc, argv, &p, err) < 0)
		goto out;
	a->gids = NULL;		/* owned by p now */
	/* As runc: the flags override the process' labels. */
	if ((a->apparmor != NULL &&
	     replace_str(&p.apparmor_profile, a->apparmor, err) < 0) ||
	    (a->label != NULL &&
	     replace_str(&p.selinux_label, a->label, err) < 0) ||
	    oci_check_lsm(&p, NULL, "exec", err) < 0)
		goto out;
	if (p.terminal && a->console_socket == NULL) {
		/* In the foreground runsc is the console (cmd_run_tty.c). */
		if (a->detach) {
			cv_error_setx(err, "cannot allocate a tty without "
				      "--console-socket");
			goto out;
		}
		if (cli_console_listen(&con, err) < 0)
			goto out;
		/* The process may ask for its size at once: as runc, give
		 * it the terminal's from the start. */
		if (isatty(STDIN_FILENO) && !p.has_console_size &&
		    ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) {
			p.has_console_size = true;
			p.console_size.height = ws.ws_row;
			p.console_size.width = ws.ws_col;
		}
	}
	struct sandbox_exec_opts eo = {
		.id = id, .state_dir = dir, .spec = spec, .process = &p,
		.init_pid = st->init_pid, .init_start = st->init_start,
		.cgroup = cg,
		.console_socket = con.path != NULL ? con.path : a->console_socket,
		.preserve_fds = a->preserve_fds, .platform = g->platform,
		.detach = a->detach,
	};
	if (sandbox_exec(&eo, &pid, err) < 0)
		goto out;
	if (record_pid(g, id, pid, err) < 0 ||
	    (a->pid_file != NULL &&
	     cli_write_pid_file(a->pid_file, pid, err) < 0)) {
		kill(pid, SIGKILL);
		goto out;
	}
	if (con.path != NULL) {
		if (cli_console_recv(&con, err) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			goto out;
		}
		r = cli_wait_console(pid, CLI_FWD_CHILD, con.master, err);
	} else {
		r = a->detach ? 0 : cli_wait_forward(pid, CLI_FWD_CHILD,
							      err);
	}
out:
	cli_console_close(&con);
	oci_process_clear(&p);
	return r;
}

static int add_gid(struct exec_args *a, const char *s, struct cv_error **err)
{
	uint64_t v;
	gid_t *n;

	if (cv_parse_u64(s, &v) < 0 || v > UINT32_MAX - 1)
		return cv_error_setx(err, "invalid --additional-gids %s", s);
	n = realloc(a->gids, (a->n_gids + 1) * sizeof(gid_t));
	if (n == NULL)
		return cv_error_set(err, ENOMEM, "exec");
	n[a->n_gids++] = (gid_t)v;
	a->gids = n;
	return 0;
}

static int exec_option(struct exec_args *a, int c, struct cv_error **err)
{
	const char **e;
	uint64_t n;
	int cap;

	switch (c) {
	case 'p': a->process_file = optarg; break;
	case 'd': a->detach = true; break;
	case 't': a->tty = true; break;
	case OPT_PID_FILE: a->pid_file = optarg; break;
	case OPT_CONSOLE: a->console_socket = optarg; break;
	case OPT_CWD: a->cwd = optarg; break;
	case OPT_NNP: a->nnp = true; break;
	case OPT_LABEL: a->label = optarg; break;
	case OPT_APPARMOR: a->apparmor = optarg; break;
	case 'u': a->user = optarg; break;
	case 'g': return add_gid(a, optarg, err);
	case 'e':
		e = realloc(a->env, (a->n_env + 1) * sizeof(char *));
		if (e == NULL)
			return cv_error_set(err, ENOMEM, "exec");
		e[a->n_env++] = optarg;
		a->env = e;
		break;
	case 'c':
		cap = oci_cap_from_name(optarg);
		if (cap < 0)
			return cv_error_setx(err, "unknown capability \"%s\"",
					     optarg);
		a->caps |= 1ull << cap;
		break;
	case OPT_PRESERVE:
		if (cv_parse_u64(optarg, &n) < 0 || n > 1024)
			return cv_error_setx(err, "invalid --preserve-fds: %s",
					     optarg);
		a->preserve_fds = (int)n;
		break;
	}
	return 0;
}

int cmd_exec(struct global_opts *g, int argc, char **argv,
	     struct cv_error **err)
{
	static const struct option lo[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "detach", no_argument, NULL, 'd' },
		{ "tty", no_argument, NULL, 't' },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, OPT_CONSOLE },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "additional-gids", required_argument, NULL, 'g' },
		{ "cap", required_argument, NULL, 'c' },
		{ "no-new-privs", no_argument, NULL, OPT_NNP },
		{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
		{ "ignore-paused", no_argument, NULL, OPT_IGNORED },
		{ "process-label", required_argument, NULL, OPT_LABEL },
		{ "apparmor", required_argument, NULL, OPT_APPARMOR },
		CLI_HELP_OPTION,
		{ 0 },
	};
	struct exec_args a = { 0 };
	const char *id;
	int c, r;

	cli_getopt_reset();
	while ((c = cli_getopt("exec", argc, argv, "p:dte:u:g:c:h", lo, err)) !=
	       -1) {
		if (c == CLI_OPT_HELP || c == CLI_OPT_ERR ||
		    exec_option(&a, c, err) < 0) {
			free(a.env);
			free(a.gids);
			return c == CLI_OPT_HELP ? 0 : -1;
		}
	}
	if (cli_need_args("exec", argc, 1, true, err) < 0) {
		free(a.env);
		free(a.gids);
		return -1;
	}
	id = argv[optind];
	r = do_exec(g, id, &a, argc - optind - 1, argv + optind + 1, err);
	free(a.env);
	free(a.gids);
	return r;
}
