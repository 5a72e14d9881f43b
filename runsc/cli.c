/* SPDX-License-Identifier: Apache-2.0 */
#include "runsc/cli.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"

#define ID_USAGE(verb, rest) "Usage: runsc " verb " [options] <container-id>" rest "\n"

const struct cli_verb cli_verbs[] = {
	{ "spec", cmd_spec, "create a new specification file (config.json)",
	  "Usage: runsc spec [options]\n\n"
	  "Writes a default config.json into the bundle directory.\n\n"
	  "Options:\n"
	  "  -b, --bundle DIR   bundle directory (default: .)\n"
	  "      --rootless     a spec for a rootless container\n" },
	{ "create", cmd_create, "create a container",
	  ID_USAGE("create", "") "\n"
	  "Creates the sandbox; the workload waits for \"runsc start\".\n\n"
	  "Options:\n"
	  "  -b, --bundle DIR          bundle directory (default: .)\n"
	  "      --pid-file FILE       write the sandbox pid to FILE\n"
	  "      --console-socket SOCK send the console pty master to SOCK\n"
	  "      --preserve-fds N      pass N extra fds (from 3) to the workload\n"
	  "      --no-pivot            accepted for compatibility\n"
	  "      --no-new-keyring      accepted for compatibility\n" },
	{ "start", cmd_start, "start a created container",
	  ID_USAGE("start", "") },
	{ "run", cmd_run, "create and start a container, wait for it",
	  ID_USAGE("run", "") "\n"
	  "Returns the workload's exit status (128+N if killed by signal N).\n\n"
	  "Options:\n"
	  "  -b, --bundle DIR          bundle directory (default: .)\n"
	  "  -d, --detach              do not wait for the container\n"
	  "      --pid-file FILE       write the sandbox pid to FILE\n"
	  "      --console-socket SOCK send the console pty master to SOCK\n"
	  "      --preserve-fds N      pass N extra fds to the workload\n"
	  "      --no-pivot, --no-new-keyring, --keep  accepted\n" },
	{ "state", cmd_state, "output the state of a container",
	  ID_USAGE("state", "") },
	{ "kill", cmd_kill, "send a signal to the container's init",
	  ID_USAGE("kill", " [SIGNAL]") "\n"
	  "SIGNAL is a name (KILL, SIGKILL) or a number; default SIGTERM.\n\n"
	  "Options:\n"
	  "  -a, --all   signal every process of the container\n" },
	{ "delete", cmd_delete, "delete a container's resources",
	  ID_USAGE("delete", "") "\n"
	  "Options:\n"
	  "  -f, --force   kill the container first if it is running\n" },
	{ "list", cmd_list, "list the containers under --root",
	  "Usage: runsc list [options]\n\n"
	  "Options:\n"
	  "  -f, --format table|json   output format (default: table)\n"
	  "  -q, --quiet               print only the ids\n" },
	{ "ps", cmd_ps, "list the processes of a container",
	  ID_USAGE("ps", "") "\n"
	  "Options:\n"
	  "  -f, --format table|json   output format (default: table)\n" },
	{ "exec", cmd_exec, "run a new process in a running container",
	  "Usage: runsc exec [options] <container-id> [COMMAND [ARGS...]]\n\n"
	  "Options:\n"
	  "  -p, --process FILE        process.json to run (instead of COMMAND)\n"
	  "  -d, --detach              do not wait for the process\n"
	  "      --pid-file FILE       write the process's pid to FILE\n"
	  "  -t, --tty                 allocate a pseudo-terminal\n"
	  "      --console-socket SOCK send the pty master to SOCK\n"
	  "      --cwd DIR             working directory\n"
	  "  -e, --env K=V             set an environment variable (repeatable)\n"
	  "  -u, --user UID[:GID]      user to run as\n"
	  "  -g, --additional-gids GID supplementary group (repeatable)\n"
	  "  -c, --cap CAP             add a capability (repeatable)\n"
	  "      --no-new-privs        set no_new_privileges\n"
	  "      --preserve-fds N      pass N extra fds to the process\n" },
	{ "events", cmd_events, "display container events and statistics",
	  ID_USAGE("events", "") "\n"
	  "Options:\n"
	  "      --stats          print statistics once and exit\n"
	  "      --interval SECS  statistics interval (default: 5)\n" },
	{ "pause", cmd_pause, "freeze every process of a container",
	  ID_USAGE("pause", "") },
	{ "resume", cmd_resume, "thaw a paused container",
	  ID_USAGE("resume", "") },
	{ "update", cmd_update, "update the resource limits of a container",
	  ID_USAGE("update", "") "\n"
	  "Options:\n"
	  "  -r, --resources FILE        linux.resources JSON (- for stdin)\n"
	  "      --memory BYTES          memory limit (k, m, g suffixes)\n"
	  "      --memory-swap BYTES     memory+swap limit\n"
	  "      --memory-reservation BYTES  memory soft limit\n"
	  "      --cpu-shares N          CPU shares\n"
	  "      --cpu-quota N           CFS quota (microseconds)\n"
	  "      --cpu-period N          CFS period (microseconds)\n"
	  "      --cpuset-cpus LIST      CPUs allowed (\"0-3\")\n"
	  "      --cpuset-mems LIST      memory nodes allowed\n"
	  "      --pids-limit N          maximum number of tasks\n"
	  "      --blkio-weight N        block IO weight (10-1000)\n" },
	{ "features", cmd_features, "show the enabled features (JSON)",
	  "Usage: runsc features\n" },
	{ "do", cmd_do, "run a host command in a sandbox over the host root",
	  "Usage: runsc do [options] COMMAND [ARGS...]\n\n"
	  "Runs COMMAND sandboxed with the host's / read-only, the current\n"
	  "directory as its cwd and the host network; returns its status.\n\n"
	  "Options:\n"
	  "      --cwd DIR   working directory (default: the current one)\n" },
	{ "syscalls", cmd_syscalls, "print the syscall table",
	  "Usage: runsc syscalls [options]\n\n"
	  "Options:\n"
	  "  -f, --format text|markdown|json   output format (default: text)\n"
	  "      --confinement sentry|gofer    that process's own host\n"
	  "                                    syscalls once confined (markdown)\n" },
	{ "version", cmd_version, "print the version",
	  "Usage: runsc version\n" },
	{ "help", cmd_help, "show the commands, or help for one",
	  "Usage: runsc help [VERB]\n" },
	{ NULL, NULL, NULL, NULL },
};

const struct cli_verb *cli_find_verb(const char *name)
{
	for (const struct cli_verb *v = cli_verbs; v->name != NULL; v++) {
		if (strcmp(v->name, name) == 0)
			return v;
	}
	if (strcmp(name, "h") == 0)
		return cli_find_verb("help");
	return NULL;
}

void cli_print_usage(FILE *out)
{
	fprintf(out,
		"runsc - cvisor, a sandboxed OCI container runtime\n\n"
		"Usage: runsc [global options] COMMAND [options] [arguments...]\n\n"
		"Commands:\n");
	for (const struct cli_verb *v = cli_verbs; v->name != NULL; v++)
		fprintf(out, "  %-10s %s\n", v->name, v->summary);
	fprintf(out,
		"\nGlobal options:\n"
		"  --root DIR            state directory (default: " CVISOR_DEFAULT_ROOT ";\n"
		"                        rootless: $XDG_RUNTIME_DIR/cvisor)\n"
		"  --log FILE            log file (default: stderr)\n"
		"  --log-format FORMAT   text (default) or json\n"
		"  --debug               debug logging\n"
		"  --debug-log FILE      the sandbox's debug log\n"
		"  --systemd-cgroup      cgroupsPath is slice:prefix:name\n"
		"  --platform NAME       seccomp (default) or ptrace\n"
		"  --network MODE        sandbox (default), host or none\n"
		"  --strace              log every syscall of the workload\n"
		"  --overlay2 SPEC       root:memory[,size=N]: the root as an\n"
		"                        in-memory overlay (image untouched);\n"
		"                        none (default). --overlay: root:memory\n"
		"  --file-access MODE    exclusive (default: the sentry caches\n"
		"                        directories and files of the root)\n"
		"                        or shared (no cache)\n"
		"  --file-access-mounts MODE  shared (default: other mounts\n"
		"                        than the root's are never cached)\n"
		"                        or exclusive (cached as the root)\n"
		"  --version, -v         print the version\n"
		"  --help, -h            show this help\n");
}

void cli_verb_help(const struct cli_verb *v, FILE *out)
{
	fprintf(out, "runsc %s - %s\n\n%s", v->name, v->summary, v->usage);
}

void cli_getopt_reset(void)
{
	optind = 0;	/* glibc: full re-initialisation */
	opterr = 0;
}

int cli_usage_error(struct cv_error **err, const char *verb, const char *fmt,
		    ...)
{
	const struct cli_verb *v = verb != NULL ? cli_find_verb(verb) : NULL;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v != NULL)
		fprintf(stderr, "Incorrect Usage: %s\n\n%s\n", msg, v->usage);
	else
		fprintf(stderr, "Incorrect Usage: %s\n\n", msg);
	return cv_error_setx(err, "%s", msg);
}

int cli_getopt(const char *verb, int argc, char **argv,
	       const char *shortopts, const struct option *longopts,
	       struct cv_error **err)
{
	const struct cli_verb *v = cli_find_verb(verb);
	char opts[128];
	int c;

	snprintf(opts, sizeof(opts), "+:%s", shortopts);
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c == 'h') {
		cli_verb_help(v, stdout);
		return CLI_OPT_HELP;
	}
	if (c == '?') {
		if (optopt != 0)
			cli_usage_error(err, v->name,
					"flag provided but not defined: -%c",
					optopt);
		else
			cli_usage_error(err, v->name,
				"flag provided but not defined: %s",
				argv[optind - 1]);
		return CLI_OPT_ERR;
	}
	if (c == ':') {
		cli_usage_error(err, v->name, "flag needs an argument: %s",
				argv[optind - 1]);
		return CLI_OPT_ERR;
	}
	return c;
}

int cli_need_args(const char *verb, int argc, int n, bool at_least,
		  struct cv_error **err)
{
	int have = argc - optind;

	if (have == n || (at_least && have > n))
		return 0;
	/* runc's words (utils.go checkArgs). */
	return cli_usage_error(err, verb, "\"%s\" requires %s %d argument(s)",
			       verb, at_least ? "a minimum of" : "exactly", n);
}

int cli_check_id(const char *id, struct cv_error **err)
{
	if (id[0] == '\0' || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
	    strlen(id) > 1024)
		return cv_error_setx(err, "invalid container id: \"%s\"", id);
	for (const char *p = id; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		/* runc's rule: ^[\w+-\.]+$ */
		if (!isalnum(c) && c != '_' && c != '+' && c != '-' &&
		    c != '.')
			return cv_error_setx(err,
					     "invalid container id: \"%s\"", id);
	}
	return 0;
}

int cli_check_parent_dir(const char *what, const char *path,
			 struct cv_error **err)
{
	cleanup_free char *copy = strdup(path);
	struct stat st;
	const char *dir;

	if (copy == NULL)
		return cv_error_set(err, ENOMEM, "%s", what);
	dir = dirname(copy);
	if (stat(dir, &st) < 0)
		return cv_error_set(err, errno, "%s %s: directory %s", what,
				    path, dir);
	if (!S_ISDIR(st.st_mode))
		return cv_error_set(err, ENOTDIR, "%s %s: %s", what, path, dir);
	return 0;
}

int cli_write_pid_file(const char *path, pid_t pid, struct cv_error **err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (cv_write_file_atomic(path, buf, (size_t)n, 0644, err) < 0)
		return cv_error_wrap(err, "pid file");
	return 0;
}

/* ---- global flags ---------------------------------------------------- */

enum {
	OPT_ROOT = 256,
	OPT_LOG,
	OPT_LOG_FORMAT,
	OPT_DEBUG,
	OPT_SYSTEMD,
	OPT_PLATFORM,
	OPT_NETWORK,
	OPT_STRACE,
	OPT_DEBUG_LOG,
	OPT_ROOTLESS,
	OPT_CRIU,
	OPT_OVERLAY2,
	OPT_OVERLAY,
	OPT_FILE_ACCESS,
	OPT_FILE_ACCESS_MOUNTS,
};

static const struct option global_options[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "strace", no_argument, NULL, OPT_STRACE },
	{ "debug-log", required_argument, NULL, OPT_DEBUG_LOG },
	{ "rootless", required_argument, NULL, OPT_ROOTLESS },
	{ "criu", required_argument, NULL, OPT_CRIU },
	{ "overlay2", required_argument, NULL, OPT_OVERLAY2 },
	{ "overlay", no_argument, NULL, OPT_OVERLAY },
	{ "file-access", required_argument, NULL, OPT_FILE_ACCESS },
	{ "file-access-mounts", required_argument, NULL,
	  OPT_FILE_ACCESS_MOUNTS },
	{ "version", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int parse_network(const char *s, enum network_mode *out)
{
	if (strcmp(s, "sandbox") == 0)
		*out = NETWORK_SANDBOX;
	else if (strcmp(s, "host") == 0)
		*out = NETWORK_HOST;
	else if (strcmp(s, "none") == 0)
		*out = NETWORK_NONE;
	else
		return -1;
	return 0;
}

static int global_option(struct global_opts *g, int c, struct cv_error **err)
{
	int p;

	switch (c) {
	case OPT_ROOT:
		g->root = optarg;
		return 0;
	case OPT_LOG:
		g->log = optarg;
		return 0;
	case OPT_LOG_FORMAT:
		if (strcmp(optarg, "json") == 0)
			g->log_format = CV_LOG_JSON;
		else if (strcmp(optarg, "text") == 0)
			g->log_format = CV_LOG_TEXT;
		else
			return cv_error_setx(err, "invalid log-format: %s",
					     optarg);
		return 0;
	case OPT_DEBUG:
		g->debug = true;
		return 0;
	case OPT_SYSTEMD:
		g->systemd_cgroup = true;
		return 0;
	case OPT_PLATFORM:
		p = platform_from_name(optarg);
		if (p < 0)
			return cv_error_setx(err, "unknown platform: %s",
					     optarg);
		g->platform = (enum platform_kind)p;
		return 0;
	case OPT_NETWORK:
		if (parse_network(optarg, &g->network) < 0)
			return cv_error_setx(err, "unknown network mode: %s",
					     optarg);
		return 0;
	case OPT_STRACE:
		g->strace = true;
		return 0;
	case OPT_DEBUG_LOG:
		g->debug_log = optarg;
		return 0;
	case OPT_OVERLAY2:
		return root_overlay_parse(optarg, "--overlay2", &g->overlay,
					  err);
	case OPT_OVERLAY:	/* gVisor's older flag */
		g->overlay = (struct root_overlay){ .enabled = true };
		return 0;
	case OPT_FILE_ACCESS:
		p = file_access_from_name(optarg);
		if (p < 0)
			return cv_error_setx(err, "--file-access: invalid value "
					     "\"%s\" (exclusive or shared)",
					     optarg);
		g->file_access_shared = p == 1;
		return 0;
	case OPT_FILE_ACCESS_MOUNTS:
		p = file_access_from_name(optarg);
		if (p < 0)
			return cv_error_setx(err, "--file-access-mounts: invalid "
					     "value \"%s\" (exclusive or shared)",
					     optarg);
		g->file_access_mounts_exclusive = p == 0;
		return 0;
	case OPT_ROOTLESS:
	case OPT_CRIU:
		return 0;	/* accepted for runc compatibility */
	}
	return cv_error_setx(err, "internal: option %d", c);
}

void cli_print_version(void)
{
	printf("runsc version " CVISOR_VERSION "\n"
	       "spec: " CVISOR_SPEC_VERSION "\n");
}

int cli_parse_globals(struct global_opts *g, int argc, char **argv,
		      int *status, struct cv_error **err)
{
	int c;

	optind = 0;	/* glibc: full re-initialisation */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", global_options, NULL)) !=
	       -1) {
		if (c == 'v') {
			cli_print_version();
			*status = 0;
			return -1;
		}
		if (c == 'h') {
			cli_print_usage(stdout);
			*status = 0;
			return -1;
		}
		if (c == '?' || c == ':') {
			cli_print_usage(stderr);
			*status = CLI_USAGE_STATUS;
			if (c == ':')
				cv_error_setx(err, "flag needs an argument: %s",
					      argv[optind - 1]);
			else
				cv_error_setx(err,
					      "flag provided but not defined: %s",
					      argv[optind - 1]);
			return -1;
		}
		if (global_option(g, c, err) < 0) {
			*status = 1;
			return -1;
		}
	}
	if (optind >= argc) {
		cli_print_usage(stdout);
		*status = 0;
		return -1;
	}
	return optind;
}
