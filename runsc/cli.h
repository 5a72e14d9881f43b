/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runsc command line: global flags, the verb table, argument helpers
 * and the lifecycle steps shared by several verbs (create, start, wait,
 * destroy). One file per verb: runsc/cmd_<verb>.c.
 *
 * A verb returns the process exit status (>= 0), or < 0 with *err set; main
 * prints the error ("runsc: msg" on stderr and a JSON line in --log).
 */
#ifndef CV_RUNSC_CLI_H
#define CV_RUNSC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/error.h"
#include "lib/log.h"
#include "oci/config.h"
#include "runsc/sandbox.h"
#include "runsc/state.h"
#include "sentry/sentry.h"

#define CVISOR_VERSION "0.1.0"
#define CVISOR_SPEC_VERSION "1.1.0"
#define CVISOR_DEFAULT_ROOT "/run/cvisor"

struct global_opts {
	const char *root;
	const char *log;
	enum cv_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	enum platform_kind platform;
	enum network_mode network;
	bool strace;
	const char *debug_log;
	const char *argv0;
	struct root_overlay overlay;	/* --overlay2; the annotation wins */
	bool file_access_shared;	/* --file-access; the annotation wins */
	bool file_access_mounts_exclusive;	/* --file-access-mounts */
};

typedef int (*cmd_fn)(struct global_opts *g, int argc, char **argv,
		      struct cv_error **err);

struct cli_verb {
	const char *name;
	cmd_fn fn;
	const char *summary;
	const char *usage;	/* full --help text */
};

extern const struct cli_verb cli_verbs[];
const struct cli_verb *cli_find_verb(const char *name);
void cli_print_usage(FILE *out);

/* Exit status for usage errors (bad flag, missing argument). */
#define CLI_USAGE_STATUS 1
/* cli_getopt results besides options and -1. */
#define CLI_OPT_ERR (-2)
#define CLI_OPT_HELP (-3)
/* Every verb's longopts include this; shortopts include "h". */
#define CLI_HELP_OPTION { "help", no_argument, NULL, 'h' }

/*
 * Runs getopt_long over argv (argv[0] is the verb); "+" is prepended to
 * shortopts so parsing stops at the first operand. Handles -h/--help
 * itself (prints usage, returns CLI_OPT_HELP). Returns the next option
 * like getopt_long, -1 at the end, or CLI_OPT_ERR after a usage error
 * (err set). Call cli_getopt_reset() first.
 */
int cli_getopt(const char *verb, int argc, char **argv,
	       const char *shortopts, const struct option *longopts,
	       struct cv_error **err);
void cli_getopt_reset(void);
/* Sets a usage error: "verb: msg" plus a hint. Returns -1. */
int cli_usage_error(struct cv_error **err, const char *verb, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/* Requires exactly n operands after options (the first is the id). */
int cli_need_args(const char *verb, int argc, int n, bool at_least,
		  struct cv_error **err);
/* Checks an id: non-empty, no '/', not "." or "..", printable. */
int cli_check_id(const char *id, struct cv_error **err);

/*
 * Parses the global flags (argv[0] is the program) into g. Returns the
 * index of the verb in argv, or -1 with the exit status in *status: 0
 * after --version/--help or when no verb is given (usage printed), 1 (err
 * set) on a bad flag or value. Resets getopt itself.
 */
int cli_parse_globals(struct global_opts *g, int argc, char **argv,
		      int *status, struct cv_error **err);
void cli_print_version(void);

/* Prints the verb's usage (for --help). */
void cli_verb_help(const struct cli_verb *v, FILE *out);

/* Signals (signals.c): "KILL", "SIGKILL", "9" -> 9; -1 if unknown. */
int cv_signal_parse(const char *s);
const char *cv_signal_name(int sig);	/* "SIGKILL", or NULL */

/* Writes a pid to path atomically (temp + rename). */
int cli_write_pid_file(const char *path, pid_t pid, struct cv_error **err);
/* Fails unless the directory that would hold path exists. */
int cli_check_parent_dir(const char *what, const char *path,
			 struct cv_error **err);

/* ---- lifecycle steps shared by verbs --------------------------------- */

struct create_opts {
	const char *id;
	const char *bundle;		/* NULL: use spec->bundle */
	struct oci_spec *spec;		/* NULL: load from bundle */
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	const char *config_json;	/* the spec's text when spec is given */
};

/* getopt codes of the options create and run share. */
enum {
	CREATE_OPT_PID_FILE = 256,
	CREATE_OPT_CONSOLE,
	CREATE_OPT_PRESERVE,
	CREATE_OPT_IGNORED,
};

/* cmd_create.c: applies one option create and run share (c from
 * cli_getopt, value in optarg). Returns 0 if it was one, 1 if not, or -1
 * with *err set for a bad value. */
int create_parse_option(const char *verb, int c, struct create_opts *o,
			struct cv_error **err);

/* cmd_create.c: creates the container; on failure leaves nothing. */
int container_create(struct global_opts *g, const struct create_opts *o,
		     struct cv_error **err);
/* cmd_start.c: starts a created container (status must be "created"). */
int container_start(struct global_opts *g, const char *id,
		    struct cv_error **err);
/* cmd_delete.c: kills (if force), runs poststop hooks, removes cgroup and
 * state. */
int container_delete(struct global_opts *g, const char *id, bool force,
		     struct cv_error **err);
/*
 * cmd_run.c: waits for the child pid, forwarding the usual signals to
 * fwd_pidfd (the init's pidfd, proc_pidfd), and returns the exit status
 * (128+N for a signal). fwd_pidfd CLI_FWD_CHILD: to the child itself;
 * CLI_FWD_GONE: the init was gone already.
 */
#define CLI_FWD_CHILD (-1)
#define CLI_FWD_GONE (-2)
int cli_wait_forward(pid_t child, int fwd_pidfd, struct cv_error **err);
/* One signal received by cli_wait_forward or cli_wait_console; *nterm
 * counts the terminating ones. */
void cli_forward_signal(pid_t child, int fwd_pidfd, int sig, int *nterm);
/*
 * cmd_run_tty.c: runsc as the console of a "runsc run" with
 * process.terminal and no --console-socket. cli_console_listen makes a
 * socket in a private temporary dir (path: give it to create as the
 * console socket); cli_console_recv takes the pty master from it once
 * create returned; cli_console_close removes everything.
 */
struct cli_console {
	char *dir;
	char *path;
	int listen_fd;
	int master;
};
int cli_console_listen(struct cli_console *c, struct cv_error **err);
int cli_console_recv(struct cli_console *c, struct cv_error **err);
void cli_console_close(struct cli_console *c);
/*
 * Like cli_wait_forward, copying stdin to master and master to stdout
 * meanwhile (stdin in raw mode if it is a terminal; SIGWINCH resizes the
 * pty instead of being forwarded).
 */
int cli_wait_console(pid_t child, int fwd_pidfd, int master,
		     struct cv_error **err);
/* cmd_run.c: create + start (+ wait + delete unless detach). */
int cli_run_container(struct global_opts *g, const struct create_opts *o,
		      bool detach, struct cv_error **err);

/* Option loop boilerplate for a verb with no operands of its own. */
#define CLI_SIMPLE_OPTS(verb, argc, argv, err)                              \
	do {                                                                \
		static const struct option lo_[] = { CLI_HELP_OPTION, { 0 } }; \
		int c_;                                                     \
		cli_getopt_reset();                                         \
		while ((c_ = cli_getopt(verb, argc, argv, "h", lo_, err)) != -1) { \
			if (c_ == CLI_OPT_HELP)                             \
				return 0;                                   \
			if (c_ < 0 || c_ == '?')                            \
				return -1;                                  \
		}                                                           \
	} while (0)

/* The verbs. */
int cmd_spec(struct global_opts *, int, char **, struct cv_error **);
int cmd_create(struct global_opts *, int, char **, struct cv_error **);
int cmd_start(struct global_opts *, int, char **, struct cv_error **);
int cmd_run(struct global_opts *, int, char **, struct cv_error **);
int cmd_state(struct global_opts *, int, char **, struct cv_error **);
int cmd_kill(struct global_opts *, int, char **, struct cv_error **);
int cmd_delete(struct global_opts *, int, char **, struct cv_error **);
int cmd_list(struct global_opts *, int, char **, struct cv_error **);
int cmd_ps(struct global_opts *, int, char **, struct cv_error **);
int cmd_exec(struct global_opts *, int, char **, struct cv_error **);
int cmd_events(struct global_opts *, int, char **, struct cv_error **);
int cmd_pause(struct global_opts *, int, char **, struct cv_error **);
int cmd_resume(struct global_opts *, int, char **, struct cv_error **);
int cmd_update(struct global_opts *, int, char **, struct cv_error **);
int cmd_features(struct global_opts *, int, char **, struct cv_error **);
int cmd_do(struct global_opts *, int, char **, struct cv_error **);
int cmd_syscalls(struct global_opts *, int, char **, struct cv_error **);
int cmd_version(struct global_opts *, int, char **, struct cv_error **);
int cmd_help(struct global_opts *, int, char **, struct cv_error **);

#endif
