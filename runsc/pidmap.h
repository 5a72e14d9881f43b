/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pids crossing out of the sandbox's own pid namespace (docs/architecture.md,
 * "The sandbox's own namespaces"): the sentry and the sandbox process
 * number the processes as their namespace does, runsc (state.json, the
 * pid file, ps, kill --all, hooks) as its own does.
 */
#ifndef CV_RUNSC_PIDMAP_H
#define CV_RUNSC_PIDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * pids, numbered in the pid namespace of the sandbox process `sandbox`
 * (a pid of runsc's), to runsc's numbering, in place, keeping the order;
 * one no process of that namespace or of one nested in it holds any more
 * is dropped. Returns how many are left, or -errno (the sandbox is gone,
 * /proc unreadable). Nothing changes when the sandbox shares runsc's pid
 * namespace (today's mode: a config without one, rootless).
 */
ssize_t pidmap_to_host(pid_t sandbox, pid_t *pids, size_t n);

/* Whether the sandbox process is in a pid namespace of its own (not
 * runsc's). False when it cannot be told (gone). */
bool pidmap_sandbox_has_own(pid_t sandbox);

/*
 * Whether a process of a new user namespace could mount a procfs of its
 * own pid namespace (the sandbox process does, runsc/sandbox.c): the
 * kernel allows it only if the mount namespace it copies holds a procfs
 * mount that is fully visible (read-write, its whole tree, no mount over
 * anything in it but the permanently empty binfmt_misc directory); not
 * in a container whose /proc has masked paths, say. Read from
 * /proc/self/mountinfo, conservatively.
 */
bool pidmap_procfs_mountable(void);

/*
 * A pid namespace joined by path (fd, opened from path) that stands for a
 * cvisor sandbox stands for its container: *out is then a new fd of the
 * container's pid namespace, the one nested in the sandbox's that holds
 * the container's init (pid 1 there, the sandbox process's child), so
 * that a pod's containers share the pause container's processes and
 * never the sentry and the gofer. Such a namespace is a sandbox's own (its
 * pid 1 runs runsc's executable or one of its name) or, where the sandbox
 * stays in the host's pid namespace, the one of the sandbox process that
 * path names ("/proc/<pid file pid>/ns/pid"). *out is -1 for any other
 * namespace (joined as given). Returns 0, or -ESRCH for a sandbox's own
 * namespace whose container has no init any more.
 */
int pidmap_container_pidns(int fd, const char *path, int *out);

/*
 * The sentry's ps (its pid namespace's numbers, malloc'ed *pids) as
 * runsc's; on failure *pids is freed and 0'ed: the caller falls back to
 * the cgroup.
 */
struct container_state;
int sandbox_pids_to_host(const struct container_state *st, pid_t **pids,
			 size_t *n);

#endif
