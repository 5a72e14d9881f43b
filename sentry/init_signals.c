// SPDX-License-Identifier: Apache-2.0
/*
 * The sentry as pid 1 of the sandbox's pid namespace (docs/architecture.md,
 * "The sandbox's own namespaces"). The kernel drops a signal sent to a pid
 * namespace's init whose action is SIG_DFL, unless it is SIGKILL or
 * SIGSTOP from an ancestor namespace; a blocked one is queued all the
 * same. So the signals whose default is to end the process (runsc kill of
 * a sandbox whose init is gone, a shim, an operator's kill) are blocked and
 * read from the loop's signalfd, and handled as the default would: every
 * task killed, and the sandbox process's exit status says that signal
 * (128 + its number, as a process killed by it shows). Only from outside
 * the namespace, as the kernel's rule for an init: one sent by a process
 * of the namespace is dropped.
 *
 * Left out: the faults the kernel raises itself (SIGSEGV, SIGBUS, SIGILL,
 * SIGFPE, SIGTRAP, SIGSYS), which must stay deliverable to the sentry's
 * own handlers (the sanitizers'); the stop signals (a stopped sentry
 * serves nobody; the kernel drops them at an init); those whose default is
 * to be ignored; SIGPIPE, which the sentry ignores; and glibc's own 32 and
 * 33. A sentry in the host's pid namespace (rootless, a config without a
 * pid namespace) blocks none of them: the kernel's default applies.
 */
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "sentry/internal.h"

static const int fatal_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM,
	SIGSTKFLT, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR,
};

static bool handled_here(int sig)
{
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		if (fatal_signals[i] == sig)
			return true;
	return false;
}

void sentry_init_signals_mask(sigset_t *mask)
{
	if (getpid() != 1)
		return;
	/* Valid signal numbers: sigaddset cannot fail. */
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		(void)sigaddset(mask, fatal_signals[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		(void)sigaddset(mask, sig);
}

void sentry_init_signal(struct sentry *s, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	if (!handled_here(sig) || s->fatal_signal != 0)
		return;
	/* From a process of the namespace (a pod sharing it by path): the
	 * kernel drops that at an init whose action is SIG_DFL; so do we.
	 * A sender outside it (runsc, the host) shows as pid 0, as does
	 * the kernel. */
	if (si->ssi_pid != 0) {
		log_debug("sentry: %s from pid %u of the namespace: dropped, "
			  "as at a pid namespace's init", strsignal(sig),
			  si->ssi_pid);
		return;
	}
	log_info("sentry: %s from outside its pid namespace (uid %u): "
		 "killing every task", strsignal(sig), si->ssi_uid);
	s->fatal_signal = sig;
	s->dying = true;
	sentry_kill_all(s);
}
