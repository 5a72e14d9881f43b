/* SPDX-License-Identifier: Apache-2.0 */
/* Signal names for runsc kill: "KILL", "SIGKILL", "kill" and "9". */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cli.h"

static const struct {
	const char *name;
	int sig;
} signal_table[] = {
	{ "SIGHUP", SIGHUP },	{ "SIGINT", SIGINT },
	{ "SIGQUIT", SIGQUIT }, { "SIGILL", SIGILL },
	{ "SIGTRAP", SIGTRAP }, { "SIGABRT", SIGABRT },
	{ "SIGIOT", SIGIOT },	{ "SIGBUS", SIGBUS },
	{ "SIGFPE", SIGFPE },	{ "SIGKILL", SIGKILL },
	{ "SIGUSR1", SIGUSR1 }, { "SIGSEGV", SIGSEGV },
	{ "SIGUSR2", SIGUSR2 }, { "SIGPIPE", SIGPIPE },
	{ "SIGALRM", SIGALRM }, { "SIGTERM", SIGTERM },
	{ "SIGSTKFLT", SIGSTKFLT }, { "SIGCHLD", SIGCHLD },
	{ "SIGCLD", SIGCHLD },	{ "SIGCONT", SIGCONT },
	{ "SIGSTOP", SIGSTOP }, { "SIGTSTP", SIGTSTP },
	{ "SIGTTIN", SIGTTIN }, { "SIGTTOU", SIGTTOU },
	{ "SIGURG", SIGURG },	{ "SIGXCPU", SIGXCPU },
	{ "SIGXFSZ", SIGXFSZ }, { "SIGVTALRM", SIGVTALRM },
	{ "SIGPROF", SIGPROF }, { "SIGWINCH", SIGWINCH },
	{ "SIGIO", SIGIO },	{ "SIGPOLL", SIGPOLL },
	{ "SIGPWR", SIGPWR },	{ "SIGSYS", SIGSYS },
};

/* "RTMIN", "RTMIN+3", "RTMAX-2" (without the SIG prefix). */
static int parse_rt(const char *s)
{
	int base, off = 0;
	const char *rest;
	uint64_t v;

	if (strncasecmp(s, "RTMIN", 5) == 0)
		base = SIGRTMIN;
	else if (strncasecmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX;
	else
		return -1;
	rest = s + 5;
	if (*rest == '\0')
		return base;
	if ((*rest != '+' && *rest != '-') || cv_parse_u64(rest + 1, &v) < 0)
		return -1;
	off = *rest == '+' ? (int)v : -(int)v;
	if (base + off < SIGRTMIN || base + off > SIGRTMAX)
		return -1;
	return base + off;
}

int cv_signal_parse(const char *s)
{
	uint64_t v;

	if (s == NULL || *s == '\0')
		return -1;
	if (cv_parse_u64(s, &v) == 0)
		return v >= 1 && v <= (uint64_t)SIGRTMAX ? (int)v : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signal_table); i++) {
		if (strcasecmp(signal_table[i].name + 3, s) == 0)
			return signal_table[i].sig;
	}
	return parse_rt(s);
}

const char *cv_signal_name(int sig)
{
	for (size_t i = 0; i < ARRAY_SIZE(signal_table); i++) {
		if (signal_table[i].sig == sig)
			return signal_table[i].name;
	}
	return NULL;
}
