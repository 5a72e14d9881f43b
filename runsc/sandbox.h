/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sandbox start-up: everything between "runsc create has a parsed spec and
 * a cgroup" and "the workload init is attached to the sentry and waiting
 * for start", and the set-up half of "runsc exec". The process tree built
 * here is described in docs/architecture.md.
 *
 * State dir: the CLI owns <root>/<id>; this code only creates
 * <state_dir>/sentry.sock, the sentry's control socket.
 */
#ifndef CV_RUNSC_SANDBOX_H
#define CV_RUNSC_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "oci/config.h"
#include "runsc/handshake.h"
#include "runsc/mounts.h"	/* struct root_overlay */
#include "sentry/sentry.h"	/* enum platform_kind */

struct cgroup;			/* runsc/cgroup.h */

enum network_mode {
	NETWORK_SANDBOX,	/* the config's netns (lo up) */
	NETWORK_HOST,		/* no new netns */
	NETWORK_NONE,		/* new netns, only lo */
};

struct sandbox_opts {
	const char *id;
	const char *state_dir;		/* <root>/<id>, exists, owned by the CLI */
	const struct oci_spec *spec;
	/* Created by the CLI; the sandbox process enters it first. NULL: none */
	const struct cgroup *cgroup;
	const char *console_socket;	/* NULL unless --console-socket */
	int preserve_fds;		/* fds 3..3+N-1 passed to the workload */
	enum platform_kind platform;
	enum network_mode network;
	bool strace;
	int log_fd;
	bool debug;
	/* --file-access shared; the annotation dev.cvisor.file-access wins */
	bool file_access_shared;
	/* --file-access-mounts exclusive */
	bool file_access_mounts_exclusive;
	struct root_overlay overlay;	/* resolved: root_overlay_resolve() */
	/*
	 * Called in the runsc create process once the init's namespaces
	 * exist (pid known), before the init pivots/execs: the CLI runs
	 * createRuntime and prestart hooks there. May be NULL. Non-zero
	 * return aborts creation.
	 */
	int (*on_namespaces_ready)(pid_t init_pid, void *arg);
	void *arg;
	/*
	 * createContainer hooks run inside the container's namespaces by the
	 * init (after the mounts, before attach), startContainer hooks by
	 * the init after sentry_wait_start() returns, before execve; both
	 * are given this JSON on stdin (hooks_run(), runsc/hooks.h).
	 */
	const char *state_json;
};

#define FILE_ACCESS_ANNOTATION "dev.cvisor.file-access"

struct sandbox_info {
	pid_t sandbox_pid;
	pid_t init_pid;
	pid_t gofer_pid;
};

/*
 * Forks the sandbox process (a direct child of the caller), which forks the
 * gofer and the workload init and then becomes the sentry. Returns once the
 * init waits for "start", or fails leaving nothing behind (processes killed
 * and reaped, socket removed).
 */
int sandbox_create(const struct sandbox_opts *o, struct sandbox_info *out,
		   struct cv_error **err);

struct sandbox_exec_opts {
	const char *id;
	const char *state_dir;
	const struct oci_spec *spec;		/* the container's spec */
	const struct oci_process *process;	/* what to run */
	pid_t init_pid;				/* join its namespaces */
	uint64_t init_start;			/* its start time (state) */
	const struct cgroup *cgroup;
	const char *console_socket;
	int preserve_fds;
	enum platform_kind platform;
	bool detach;
};

/*
 * Returns the exec'd process's host pid (a child of the caller; the caller
 * waits for it unless detached).
 */
int sandbox_exec(const struct sandbox_exec_opts *o, pid_t *pid_out,
		 struct cv_error **err);

/* ---- internal: shared by sandbox.c and sandbox_exec.c ---------------- */

/* The handshake's messages: runsc/handshake.h. */

/* Closes every fd >= 3 except those in keep: what a sandbox process or
 * an exec'd one must not hold of runsc's (log, lock, cgroup, state). */
void sb_close_all_but(const int *keep, size_t n);
/* Before exec: every fd above the preserved 3..3+n-1 close-on-exec. */
void sb_prepare_fds(int n);
/* fds 3..3+n-1 must be open and inherited (not close-on-exec): otherwise
 * runsc's own fds could take their numbers and reach the workload. */
int sb_check_preserved(int n, struct cv_error **err);
/* After sentry_attach, for a process without process.noNewPrivileges:
 * the config's seccomp profile, then its capability sets exactly
 * (process_drop_kept_caps). */
int sb_privileged_end(const struct oci_spec *spec,
		      const struct oci_process *p, struct cv_error **err);
/* Default dispositions and an empty mask: whatever runsc's caller or the
 * CLI set must not reach the sandbox or the workload. */
void sb_reset_signals(void);
/* A wait status as a shell exit code: the code, or 128+signal. */
int sb_exit_code(int status);

#endif
