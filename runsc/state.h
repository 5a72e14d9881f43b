/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container state on disk: <root>/<id>/ holds state.json (written
 * atomically), "lock" (a POSIX write lock, F_SETLKW: runsc commands on one
 * container serialise; unlike flock it is not inherited by the sandbox),
 * config.json (a copy of the spec, for exec and the poststop hooks) and the
 * sentry's control socket sentry.sock.
 *
 * Only "created" and "running" are stored; "stopped" (the sandbox process
 * is gone, a zombie, or its pid was reused) and "paused" (the cgroup is
 * frozen) are derived when the state is read.
 */
#ifndef CV_RUNSC_STATE_H
#define CV_RUNSC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "oci/config.h"

struct cgroup;

struct container_state {
	char *id;
	char *bundle;
	char *rootfs;
	char *config_path;		/* copy of config.json in the state dir */
	pid_t sandbox_pid;
	uint64_t sandbox_start;		/* /proc/<pid>/stat field 22 */
	pid_t init_pid;
	uint64_t init_start;
	pid_t gofer_pid;
	char *status;			/* "created" or "running" */
	char *created;			/* RFC 3339, nanoseconds */
	char *owner;
	struct oci_kv *annotations;
	size_t n_annotations;
	char *cgroup_json;		/* cgroup_to_json(), or NULL */
	char *platform;
	char *resources_json;		/* last "runsc update", or NULL */
	pid_t *exec_pids;
	size_t n_exec_pids;
};

void state_free(struct container_state *st);
#define cleanup_state __attribute__((cleanup(state_freep)))
static inline void state_freep(struct container_state **s)
{
	if (*s != NULL)
		state_free(*s);
}

/* <root>/<id>, malloc'ed. */
char *state_dir(const char *root, const char *id);

/*
 * Makes <root> (mkdir -p, 0711) and <root>/<id> with mkdir's exclusive
 * semantics: "container with id exists: ID" if it is there. Then takes the
 * lock; *lock_fd gets it.
 */
int state_create_dir(const char *root, const char *id, int *lock_fd,
		     struct cv_error **err);
/* Takes <root>/<id>/lock; "container does not exist" if absent. */
int state_lock(const char *root, const char *id, int *lock_fd,
	       struct cv_error **err);
/* Removes <root>/<id> and everything in it. */
int state_remove_dir(const char *root, const char *id, struct cv_error **err);

int state_load(const char *root, const char *id, struct container_state **out,
	       struct cv_error **err);
int state_save(const char *root, const struct container_state *st,
	       struct cv_error **err);

/* Start time (field 22 of /proc/<pid>/stat), 0 if the process is gone. */
uint64_t proc_start_time(pid_t pid);
/* True if pid is alive (not a zombie) and started at start. */
bool proc_alive(pid_t pid, uint64_t start);
/*
 * Signals go to a stored pid only through these: a pidfd of the process a
 * state file names (pid and start time), or -ESRCH if it is gone or its
 * pid now belongs to another process; start 0 (unknown) is refused.
 */
int proc_pidfd(pid_t pid, uint64_t start);
int proc_signal(pid_t pid, uint64_t start, int sig);
/* sig through a pidfd; 0 or -errno. */
int pidfd_signal(int pidfd, int sig);
/* The TracerPid of pid (0: none), or -errno. */
int proc_tracer(pid_t pid);

/* "created", "running", "paused" or "stopped" (static strings). */
const char *state_status(const struct container_state *st);
/* The cgroup from state (NULL if none stored); free with cgroup_free. */
int state_cgroup(const struct container_state *st, struct cgroup **out,
		 struct cv_error **err);

/*
 * The OCI state JSON (ociVersion, id, status, pid, bundle, annotations,
 * plus rootfs, created and owner as runc prints them). status NULL: the
 * derived one. Pretty-printed when pretty. malloc'ed, NULL on ENOMEM.
 */
char *state_oci_json(const struct container_state *st, const char *status,
		     bool pretty);

/* Parses the config.json copy in the state dir (no bundle checks). */
int state_load_spec(const struct container_state *st, struct oci_spec **out,
		    struct cv_error **err);

/* The value at top-level key of a JSON text, re-serialised (malloc'ed),
 * or NULL if absent or not JSON. */
char *json_subtree(const char *json, const char *key);

/* The ids under root, sorted (NULL-terminated; empty if no root). */
int state_list_ids(const char *root, char ***ids, struct cv_error **err);

/* Now as RFC 3339 with nanoseconds, malloc'ed. */
char *state_now_rfc3339(void);

#endif
