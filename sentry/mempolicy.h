/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory policies (sentry/mempolicy.c): recorded in the sentry, never
 * applied to the host. A thread's policy follows it through clone and
 * exec; the ranges mbind gave follow the address space (shared by
 * CLONE_VM, copied by fork, dropped by exec).
 */
#ifndef CV_SENTRY_MEMPOLICY_H
#define CV_SENTRY_MEMPOLICY_H

#include <stdbool.h>
#include <stdint.h>

struct task;

/* Child c of parent: the thread policy is copied; the mbind ranges are
 * shared with CLONE_VM, copied without. */
void mempol_on_clone(struct task *c, struct task *parent, uint64_t flags);
/* execve: a new address space, no mbind ranges; the thread policy stays. */
void mempol_on_exec(struct task *t);
/* The task is gone: its references go. */
void mempol_task_free(struct task *t);
/* Whether the vma [start, end) of t's address space carries the marker
 * (VM_DONTDUMP) the sentry set on the ranges mbind gave: its smaps then
 * shows no "dd", as Linux's mbind sets none. */
bool mempol_marked(struct task *t, uint64_t start, uint64_t end);

#endif
