/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc create: checks the bundle, makes the state dir (exclusively), the
 * cgroup and the sandbox, runs createRuntime and prestart hooks when the
 * namespaces exist, then writes state.json and the pid file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/undo.h"
#include "lib/util.h"
#include "runsc/cgroup.h"
#include "runsc/cli.h"
#include "runsc/hooks.h"


struct hook_ctx {
	const struct oci_spec *spec;
	struct container_state *st;
	struct cv_error **err;
	bool ran;
};

/* In runsc create, once the init's namespaces exist. */
static int on_ready(pid_t init_pid, void *arg)
{
	struct hook_ctx *h = arg;
	cleanup_free char *json = NULL;
	pid_t saved = h->st->sandbox_pid;

	h->ran = true;
	h->st->sandbox_pid = init_pid;
	json = state_oci_json(h->st, "created", false);
	h->st->sandbox_pid = saved;
	if (json == NULL)
		return cv_error_set(h->err, ENOMEM, "hooks");
	if (hooks_run_spec(h->spec, OCI_HOOK_CREATE_RUNTIME, json, h->err) < 0)
		return -1;
	return hooks_run_spec(h->spec, OCI_HOOK_PRESTART, json, h->err);
}

static int check_bundle(const struct create_opts *o, struct cv_error **err)
{
	struct stat sb;

	if (stat(o->bundle, &sb) < 0)
		return cv_error_set(err, errno, "bundle %s", o->bundle);
	if (!S_ISDIR(sb.st_mode))
		return cv_error_set(err, ENOTDIR, "bundle %s", o->bundle);
	return 0;
}

static int check_spec(const struct oci_spec *spec, const struct create_opts *o,
		      struct cv_error **err)
{
	struct stat sb;

	if (spec->rootfs == NULL || stat(spec->rootfs, &sb) < 0 ||
	    !S_ISDIR(sb.st_mode))
		return cv_error_setx(err, "rootfs (%s) does not exist",
				     spec->rootfs ? spec->rootfs : "");
	if (!spec->has_process || spec->process.n_args == 0)
		return cv_error_setx(err, "config.json: process.args is "
				     "required to create a container");
	if (spec->process.terminal && o->console_socket == NULL)
		return cv_error_setx(err, "cannot allocate tty if runsc will "
				     "detach without setting console socket");
	if (!spec->process.terminal && o->console_socket != NULL)
		return cv_error_setx(err, "cannot use console socket if runsc "
				     "will not detach or allocate tty");
	if (o->console_socket != NULL) {
		if (stat(o->console_socket, &sb) < 0)
			return cv_error_set(err, errno, "console socket %s",
					    o->console_socket);
		if (!S_ISSOCK(sb.st_mode))
			return cv_error_setx(err, "console socket %s: not a "
					     "socket", o->console_socket);
	}
	if (o->pid_file != NULL &&
	    cli_check_parent_dir("pid file", o->pid_file, err) < 0)
		return -1;
	return 0;
}

static int fill_state(struct container_state *st, const struct oci_spec *spec,
		      const char *id, const char *dir, struct global_opts *g)
{
	struct passwd *pw = getpwuid(geteuid());

	st->id = strdup(id);
	st->bundle = strdup(spec->bundle != NULL ? spec->bundle : "");
	st->rootfs = strdup(spec->rootfs != NULL ? spec->rootfs : "");
	if (asprintf(&st->config_path, "%s/config.json", dir) < 0)
		st->config_path = NULL;
	st->status = strdup("creating");
	st->created = state_now_rfc3339();
	st->owner = strdup(pw != NULL ? pw->pw_name : "");
	st->platform = strdup(platform_name(g->platform));
	if (spec->n_annotations > 0) {
		st->annotations = calloc(spec->n_annotations,
					 sizeof(*st->annotations));
		if (st->annotations == NULL)
			return -ENOMEM;
	}
	for (size_t i = 0; i < spec->n_annotations; i++) {
		st->annotations[i].key = strdup(spec->annotations[i].key);
		st->annotations[i].value = strdup(spec->annotations[i].value);
		st->n_annotations++;
	}
	if (st->id == NULL || st->bundle == NULL || st->config_path == NULL ||
	    st->created == NULL)
		return -ENOMEM;
	return 0;
}

/* Keeps a copy of config.json next to state.json (exec, poststop). */
static int copy_config(const struct create_opts *o, const char *path,
		       struct cv_error **err)
{
	cleanup_free char *src = NULL, *text = NULL;
	size_t len;

	if (o->config_json != NULL)
		return cv_write_file_atomic(path, o->config_json,
					    strlen(o->config_json), 0600, err);
	if (asprintf(&src, "%s/config.json", o->bundle) < 0)
		return cv_error_set(err, ENOMEM, "config");
	if (cv_read_file(src, &text, &len, err) < 0)
		return -1;
	return cv_write_file_atomic(path, text, len, 0600, err);
}

static int open_debug_log(struct global_opts *g)
{
	if (g->debug_log == NULL)
		return cv_log_fd();
	return open(g->debug_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0644);
}

/* ---- undo steps (lib/undo.h), last done first undone ---- */

struct state_dir_ref {
	const char *root, *id;
};

static void undo_state_dir(void *arg)
{
	const struct state_dir_ref *r = arg;
	cleanup_error struct cv_error *e = NULL;

	if (state_remove_dir(r->root, r->id, &e) < 0)
		log_warn("%s", e->msg);	/* left behind: say so */
}

/* poststop hooks, if createRuntime's ran (runc runs them once the rest
 * is torn down). */
static void undo_hooks(void *arg)
{
	struct hook_ctx *h = arg;
	cleanup_error struct cv_error *e = NULL;
	cleanup_free char *json = NULL;

	if (!h->ran)
		return;
	json = state_oci_json(h->st, "stopped", false);
	if (hooks_run_spec(h->spec, OCI_HOOK_POSTSTOP, json, &e) < 0)
		log_warn("%s", e->msg);
}

static void undo_cgroup(void *arg)
{
	cleanup_error struct cv_error *e = NULL;

	if (cgroup_destroy(arg, &e) < 0)
		log_warn("%s", e->msg);
}

static void undo_sandbox(void *arg)
{
	pid_t pid = *(pid_t *)arg;

	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int create_locked(struct global_opts *g, const struct create_opts *o,
			 const struct oci_spec *spec, const char *dir,
			 const struct root_overlay *ov, struct cv_error **err)
{
	cleanup_state struct container_state *st = calloc(1, sizeof(*st));
	cleanup_cgroup struct cgroup *cg = NULL;
	cleanup_free char *hook_json = NULL;
	cleanup_close int log_fd = -1;
	struct sandbox_info info = { 0 };
	struct hook_ctx hc = { spec, NULL, err, false };
	struct sandbox_opts so = { 0 };
	/* Run before cg and st are freed (declared after them). */
	cleanup_undo struct cv_undo undo = CV_UNDO_INIT;

	if (st == NULL || fill_state(st, spec, o->id, dir, g) < 0)
		return cv_error_set(err, ENOMEM, "state");
	hc.st = st;
	if (cv_undo_push(&undo, undo_hooks, &hc, NULL) < 0)
		return cv_error_set(err, ENOMEM, "state");
	if (copy_config(o, st->config_path, err) < 0)
		return -1;
	if (cgroup_create(o->id, spec, g->systemd_cgroup, &cg, err) < 0)
		return -1;
	if (cg != NULL && cv_undo_push(&undo, undo_cgroup, cg, NULL) < 0)
		return cv_error_set(err, ENOMEM, "cgroup");
	if (cg != NULL && cgroup_to_json(cg, &st->cgroup_json) < 0)
		return cv_error_set(err, ENOMEM, "cgroup");
	hook_json = state_oci_json(st, "creating", false);
	log_fd = g->debug_log != NULL ? open_debug_log(g) : -1;
	so = (struct sandbox_opts){
		.id = o->id, .state_dir = dir, .spec = spec, .cgroup = cg,
		.console_socket = o->console_socket,
		.preserve_fds = o->preserve_fds, .platform = g->platform,
		.network = g->network, .strace = g->strace,
		.file_access_shared = g->file_access_shared,
		.file_access_mounts_exclusive = g->file_access_mounts_exclusive,
		.log_fd = log_fd >= 0 ? log_fd : cv_log_fd(),
		.debug = g->debug, .on_namespaces_ready = on_ready, .arg = &hc,
		.state_json = hook_json, .overlay = *ov,
	};
	if (sandbox_create(&so, &info, err) < 0)
		return -1;
	if (cv_undo_push(&undo, undo_sandbox, &info.sandbox_pid, NULL) < 0)
		return cv_error_set(err, ENOMEM, "sandbox");
	st->sandbox_pid = info.sandbox_pid;
	st->sandbox_start = proc_start_time(info.sandbox_pid);
	st->init_pid = info.init_pid;
	st->init_start = proc_start_time(info.init_pid);
	st->gofer_pid = info.gofer_pid;
	free(st->status);
	st->status = strdup("created");
	if (state_save(g->root, st, err) < 0)
		return -1;
	if (o->pid_file != NULL &&
	    cli_write_pid_file(o->pid_file, info.sandbox_pid, err) < 0)
		return -1;
	cv_undo_release(&undo);
	return 0;
}

int create_parse_option(const char *verb, int c, struct create_opts *o,
			struct cv_error **err)
{
	uint64_t n;

	switch (c) {
	case CREATE_OPT_PID_FILE:
		o->pid_file = optarg;
		return 0;
	case CREATE_OPT_CONSOLE:
		o->console_socket = optarg;
		return 0;
	case CREATE_OPT_PRESERVE:
		if (cv_parse_u64(optarg, &n) < 0 || n > 1024)
			return cli_usage_error(err, verb,
					       "invalid --preserve-fds: %s",
					       optarg);
		o->preserve_fds = (int)n;
		return 0;
	case CREATE_OPT_IGNORED:
		return 0;
	}
	return 1;
}

int container_create(struct global_opts *g, const struct create_opts *o,
		     struct cv_error **err)
{
	cleanup_spec struct oci_spec *owned = NULL;
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	const struct oci_spec *spec = o->spec;
	struct root_overlay ov;
	struct state_dir_ref ref = { g->root, o->id };
	cleanup_undo struct cv_undo undo = CV_UNDO_INIT;

	if (cli_check_id(o->id, err) < 0)
		return -1;
	if (spec == NULL) {
		if (check_bundle(o, err) < 0 ||
		    oci_spec_load(o->bundle, &owned, err) < 0)
			return -1;
		spec = owned;
	}
	if (check_spec(spec, o, err) < 0 ||
	    root_overlay_resolve(spec, &g->overlay, &ov, err) < 0)
		return -1;
	dir = state_dir(g->root, o->id);
	if (dir == NULL)
		return cv_error_set(err, ENOMEM, "state dir");
	if (state_create_dir(g->root, o->id, &lock, err) < 0)
		return -1;
	if (cv_undo_push(&undo, undo_state_dir, &ref, NULL) < 0)
		return cv_error_set(err, ENOMEM, "state dir");
	if (create_locked(g, o, spec, dir, &ov, err) < 0)
		return -1;	/* the state dir goes (its lock with it) */
	cv_undo_release(&undo);
	return 0;
}

int cmd_create(struct global_opts *g, int argc, char **argv,
	       struct cv_error **err)
{
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, CREATE_OPT_PID_FILE },
		{ "console-socket", required_argument, NULL, CREATE_OPT_CONSOLE },
		{ "preserve-fds", required_argument, NULL, CREATE_OPT_PRESERVE },
		{ "no-pivot", no_argument, NULL, CREATE_OPT_IGNORED },
		{ "no-new-keyring", no_argument, NULL, CREATE_OPT_IGNORED },
		CLI_HELP_OPTION,
		{ 0 },
	};
	struct create_opts o = { .bundle = "." };
	int c;

	cli_getopt_reset();
	while ((c = cli_getopt("create", argc, argv, "b:h", lo, err)) != -1) {
		switch (c) {
		case CLI_OPT_HELP:
			return 0;
		case CLI_OPT_ERR:
			return -1;
		case 'b':
			o.bundle = optarg;
			break;
		default:
			if (create_parse_option("create", c, &o, err) < 0)
				return -1;
			break;
		}
	}
	if (cli_need_args("create", argc, 1, false, err) < 0)
		return -1;
	o.id = argv[optind];
	if (container_create(g, &o, err) < 0)
		return -1;
	return 0;
}
