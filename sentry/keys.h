/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sandbox's keyrings (sentry/keys.c): a task's bindings follow it
 * through clone, exec and exit.
 */
#ifndef CV_SENTRY_KEYS_H
#define CV_SENTRY_KEYS_H

#include <stdint.h>

struct task;

/* Child c of parent: the session keyring and request-key default are
 * inherited; a thread (CLONE_THREAD) shares the process keyring. */
void keys_on_clone(struct task *c, struct task *parent, uint64_t flags);
/* execve: the thread and process keyrings are dropped. */
void keys_on_exec(struct task *t);
/* A process runsc started (init or exec) joins the container's session
 * keyring "_ses.<id>", made on the first call, as runc's processes do. */
void keys_attach(struct task *t, const char *id);
/* The task is gone: its references go. */
void keys_task_free(struct task *t);

#endif
