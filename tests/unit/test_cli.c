/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for runsc's CLI helpers: signals, ids, global flags, hooks. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cli.h"
#include "runsc/hooks.h"
#include "tests/unit/test.h"

TEST(signal_names_and_numbers)
{
	CHECK_EQ(cv_signal_parse("SIGKILL"), SIGKILL);
	CHECK_EQ(cv_signal_parse("KILL"), SIGKILL);
	CHECK_EQ(cv_signal_parse("kill"), SIGKILL);
	CHECK_EQ(cv_signal_parse("sigterm"), SIGTERM);
	CHECK_EQ(cv_signal_parse("9"), SIGKILL);
	CHECK_EQ(cv_signal_parse("15"), SIGTERM);
	CHECK_EQ(cv_signal_parse("HUP"), SIGHUP);
	CHECK_EQ(cv_signal_parse("SIGWINCH"), SIGWINCH);
	CHECK_EQ(cv_signal_parse("CLD"), SIGCHLD);
	CHECK_EQ(cv_signal_parse("USR2"), SIGUSR2);
}

TEST(signal_realtime)
{
	CHECK_EQ(cv_signal_parse("RTMIN"), SIGRTMIN);
	CHECK_EQ(cv_signal_parse("SIGRTMIN"), SIGRTMIN);
	CHECK_EQ(cv_signal_parse("RTMIN+1"), SIGRTMIN + 1);
	CHECK_EQ(cv_signal_parse("SIGRTMIN+3"), SIGRTMIN + 3);
	CHECK_EQ(cv_signal_parse("RTMAX"), SIGRTMAX);
	CHECK_EQ(cv_signal_parse("RTMAX-2"), SIGRTMAX - 2);
	CHECK_EQ(cv_signal_parse("64"), SIGRTMAX);
	/* Out of the real-time range either way. */
	CHECK_EQ(cv_signal_parse("RTMIN-1"), -1);
	CHECK_EQ(cv_signal_parse("RTMAX+1"), -1);
	CHECK_EQ(cv_signal_parse("RTMIN+"), -1);
	CHECK_EQ(cv_signal_parse("RTMINX"), -1);
}

TEST(signal_bad_input)
{
	CHECK_EQ(cv_signal_parse(NULL), -1);
	CHECK_EQ(cv_signal_parse(""), -1);
	CHECK_EQ(cv_signal_parse("0"), -1);
	CHECK_EQ(cv_signal_parse("65"), -1);
	CHECK_EQ(cv_signal_parse("-9"), -1);
	CHECK_EQ(cv_signal_parse("9x"), -1);
	CHECK_EQ(cv_signal_parse("SIG"), -1);
	CHECK_EQ(cv_signal_parse("SIGFOO"), -1);
	CHECK_EQ(cv_signal_parse("KILLL"), -1);
	CHECK_EQ(cv_signal_parse(" KILL"), -1);
	CHECK_EQ(cv_signal_parse("99999999999999999999"), -1);
}

TEST(signal_name_round_trip)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGKILL, SIGTERM,
				    SIGUSR1, SIGSTOP, SIGCONT, SIGWINCH };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		const char *n = cv_signal_name(sigs[i]);

		CHECK(n != NULL);
		CHECK(strncmp(n, "SIG", 3) == 0);
		CHECK_EQ(cv_signal_parse(n), sigs[i]);
	}
	CHECK_STREQ(cv_signal_name(SIGKILL), "SIGKILL");
	CHECK(cv_signal_name(0) == NULL);
	CHECK(cv_signal_name(1000) == NULL);
}

static int check_id(const char *id)
{
	cleanup_error struct cv_error *e = NULL;
	int r = cli_check_id(id, &e);

	if (r < 0 && (e == NULL || strstr(e->msg, "invalid container id") ==
					   NULL))
		return -100;	/* failed without the expected message */
	return r;
}

TEST(container_id_valid)
{
	CHECK_EQ(check_id("a"), 0);
	CHECK_EQ(check_id("my-container_1.2+x"), 0);
	CHECK_EQ(check_id("0123456789abcdef0123456789abcdef"), 0);
	CHECK_EQ(check_id("..."), 0);
	CHECK_EQ(check_id(".hidden"), 0);
}

TEST(container_id_invalid)
{
	char big[1100];

	CHECK_EQ(check_id(""), -1);
	CHECK_EQ(check_id("."), -1);
	CHECK_EQ(check_id(".."), -1);
	CHECK_EQ(check_id("a/b"), -1);
	CHECK_EQ(check_id("../etc"), -1);
	CHECK_EQ(check_id("/abs"), -1);
	CHECK_EQ(check_id("sp ace"), -1);
	CHECK_EQ(check_id("tab\t"), -1);
	CHECK_EQ(check_id("nl\n"), -1);
	CHECK_EQ(check_id("semi;colon"), -1);
	CHECK_EQ(check_id("caf\xc3\xa9"), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(check_id(big), -1);
	big[1024] = '\0';
	CHECK_EQ(check_id(big), 0);
}

TEST(find_verbs)
{
	CHECK(cli_find_verb("run") != NULL);
	CHECK_STREQ(cli_find_verb("run")->name, "run");
	CHECK_STREQ(cli_find_verb("h")->name, "help");
	CHECK(cli_find_verb("nosuchverb") == NULL);
	CHECK(cli_find_verb("") == NULL);
	for (const struct cli_verb *v = cli_verbs; v->name != NULL; v++) {
		CHECK(v->fn != NULL);
		CHECK(v->usage != NULL && strstr(v->usage, "Usage:") != NULL);
	}
}

/* Runs cli_parse_globals on a NULL-terminated list of arguments. */
static int parse(struct global_opts *g, int *status, struct cv_error **e,
		 const char *const *args)
{
	static char *argv[32];
	int argc = 0;

	*g = (struct global_opts){ .root = CVISOR_DEFAULT_ROOT,
				   .platform = PLATFORM_SECCOMP,
				   .network = NETWORK_SANDBOX };
	while (args[argc] != NULL && argc < 31) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	*status = -7;
	return cli_parse_globals(g, argc, argv, status, e);
}

TEST(global_flags)
{
	static const char *const args[] = {
		"runsc", "--root", "/tmp/r", "--debug", "--platform", "ptrace",
		"--network=none", "--strace", "--log", "/tmp/l",
		"--log-format", "json", "--systemd-cgroup", "--debug-log",
		"/tmp/d", "--rootless", "false", "state", "--root", "x", NULL
	};
	cleanup_error struct cv_error *e = NULL;
	struct global_opts g;
	int status;

	CHECK_EQ(parse(&g, &status, &e, args), 17);
	CHECK(e == NULL);
	CHECK_STREQ(g.root, "/tmp/r");
	CHECK(g.debug);
	CHECK(g.strace);
	CHECK(g.systemd_cgroup);
	CHECK_EQ(g.platform, PLATFORM_PTRACE);
	CHECK_EQ(g.network, NETWORK_NONE);
	CHECK_STREQ(g.log, "/tmp/l");
	CHECK_EQ(g.log_format, CV_LOG_JSON);
	CHECK_STREQ(g.debug_log, "/tmp/d");
}

TEST(global_flags_stop_at_verb)
{
	static const char *const args[] = { "runsc", "kill", "--all", "id",
					    NULL };
	cleanup_error struct cv_error *e = NULL;
	struct global_opts g;
	int status;

	CHECK_EQ(parse(&g, &status, &e, args), 1);
	CHECK_STREQ(g.root, CVISOR_DEFAULT_ROOT);
	CHECK_EQ(g.platform, PLATFORM_SECCOMP);
	CHECK_EQ(g.network, NETWORK_SANDBOX);
}

/* Flags whose parsing fails: status and message. */
static void bad_global(const char *const *args, int want_status,
		       const char *want_msg)
{
	cleanup_error struct cv_error *e = NULL;
	struct global_opts g;
	int status;
	FILE *saved = stderr;

	/* Usage goes to stderr: keep the test output readable. */
	stderr = fopen("/dev/null", "w");
	if (stderr == NULL)
		stderr = saved;
	int r = parse(&g, &status, &e, args);

	if (stderr != saved) {
		fclose(stderr);
		stderr = saved;
	}
	if (r != -1)
		FAILF("%s: returned %d", args[1], r);
	if (status != want_status)
		FAILF("%s: status %d, want %d", args[1], status, want_status);
	if (e == NULL || strstr(e->msg, want_msg) == NULL)
		FAILF("%s: message \"%s\", want \"%s\"", args[1],
		      e ? e->msg : "(none)", want_msg);
}

TEST(global_flags_bad)
{
	static const char *const a1[] = { "runsc", "--platform", "kvm",
					  "list", NULL };
	static const char *const a2[] = { "runsc", "--network", "bridge",
					  "list", NULL };
	static const char *const a3[] = { "runsc", "--log-format", "xml",
					  "list", NULL };
	static const char *const a4[] = { "runsc", "--bogus", "list", NULL };
	static const char *const a5[] = { "runsc", "--root", NULL };

	bad_global(a1, 1, "unknown platform: kvm");
	bad_global(a2, 1, "unknown network mode: bridge");
	bad_global(a3, 1, "invalid log-format: xml");
	bad_global(a4, CLI_USAGE_STATUS, "flag provided but not defined");
	bad_global(a5, CLI_USAGE_STATUS, "flag needs an argument");
}

TEST(global_flags_version_and_no_verb)
{
	static const char *const a1[] = { "runsc", NULL };
	static const char *const a2[] = { "runsc", "--version", NULL };
	cleanup_error struct cv_error *e = NULL;
	struct global_opts g;
	int status, saved = dup(1);

	/* Usage and version text go to stdout: silence them. */
	fflush(stdout);
	if (freopen("/dev/null", "w", stdout) == NULL)
		FAILF("freopen");
	int r1 = parse(&g, &status, &e, a1), s1 = status;
	int r2 = parse(&g, &status, &e, a2), s2 = status;

	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK_EQ(r1, -1);
	CHECK_EQ(s1, 0);
	CHECK_EQ(r2, -1);
	CHECK_EQ(s2, 0);
	CHECK(e == NULL);
}

/* ---- hooks ------------------------------------------------------------ */

static struct oci_hook sh_hook(const char *script, char **argv_store)
{
	argv_store[0] = (char *)"sh";
	argv_store[1] = (char *)"-c";
	argv_store[2] = (char *)script;
	argv_store[3] = NULL;
	return (struct oci_hook){ .path = (char *)"/bin/sh",
				  .args = argv_store, .n_args = 3 };
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(hook_gets_state_on_stdin)
{
	char tmpl[] = "/tmp/cvisor-test-hook.XXXXXX", script[256], *av[4];
	cleanup_error struct cv_error *e = NULL;
	cleanup_free char *got = NULL;
	struct oci_hook h;
	int fd = mkstemp(tmpl);

	CHECK(fd >= 0);
	close(fd);
	snprintf(script, sizeof(script), "cat >%s", tmpl);
	h = sh_hook(script, av);
	CHECK_EQ(hooks_run_kind("prestart", &h, 1, "{\"id\":\"x\"}", &e), 0);
	CHECK_EQ(cv_read_file(tmpl, &got, NULL, &e), 0);
	unlink(tmpl);
	CHECK_STREQ(got, "{\"id\":\"x\"}");
}

TEST(hook_env_and_args)
{
	static char *env[] = { (char *)"FOO=bar baz", NULL };
	cleanup_error struct cv_error *e = NULL;
	char *av[4];
	struct oci_hook h = sh_hook("[ \"$FOO\" = \"bar baz\" ] && [ -z \"$HOME\" ]",
				    av);

	h.env = env;
	h.n_env = 1;
	CHECK_EQ(hooks_run(&h, 1, "{}", &e), 0);
}

TEST(hook_failures_named)
{
	cleanup_error struct cv_error *e = NULL;
	char *av[4];
	struct oci_hook h = sh_hook("echo some output; echo oops >&2; exit 3",
				    av);
	struct oci_hook missing = { .path = (char *)"/nonexistent/hook" };

	CHECK_EQ(hooks_run_kind("poststop", &h, 1, "{}", &e), -1);
	CHECK_CONTAINS(e->msg, "hooks.poststop[0] (/bin/sh): exit status 3");
	CHECK_CONTAINS(e->msg, "oops");
	cv_error_free(&e);
	h = sh_hook("kill -9 $$", av);
	CHECK_EQ(hooks_run(&h, 1, NULL, &e), -1);
	CHECK_STREQ(e->msg, "hooks[0] (/bin/sh): killed by signal 9");
	cv_error_free(&e);
	CHECK_EQ(hooks_run_kind("createRuntime", &missing, 1, "{}", &e), -1);
	CHECK_CONTAINS(e->msg, "hooks.createRuntime[0] (/nonexistent/hook): "
			       "exit status 127");
	CHECK_CONTAINS(e->msg, "No such file");
}

TEST(hooks_stop_at_first_failure)
{
	char tmpl[] = "/tmp/cvisor-test-hook.XXXXXX", script[256];
	cleanup_error struct cv_error *e = NULL;
	char *av0[4], *av1[4];
	struct oci_hook h[2];

	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(script, sizeof(script), "touch %s/ran", tmpl);
	h[0] = sh_hook("exit 1", av0);
	h[1] = sh_hook(script, av1);
	CHECK_EQ(hooks_run_kind("prestart", h, 2, "{}", &e), -1);
	CHECK_CONTAINS(e->msg, "hooks.prestart[0]");
	snprintf(script, sizeof(script), "%s/ran", tmpl);
	CHECK(access(script, F_OK) < 0);
	rmdir(tmpl);
}

TEST(hook_timeout)
{
	cleanup_error struct cv_error *e = NULL;
	char *av[4];
	struct oci_hook h = sh_hook("exec sleep 20", av);
	double t0 = now_s();

	h.has_timeout = true;
	h.timeout = 1;
	CHECK_EQ(hooks_run_kind("startContainer", &h, 1, "{}", &e), -1);
	CHECK_CONTAINS(e->msg, "hooks.startContainer[0] (/bin/sh): timed out "
			       "after 1s");
	CHECK(now_s() - t0 < 5);
}

/* A hook that never reads a state larger than a pipe still times out. */
TEST(hook_timeout_with_unread_large_state)
{
	cleanup_error struct cv_error *e = NULL;
	cleanup_free char *big = malloc(1 << 20);
	char *av[4];
	struct oci_hook h = sh_hook("exec sleep 20", av);
	double t0 = now_s();

	CHECK(big != NULL);
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	h.has_timeout = true;
	h.timeout = 1;
	CHECK_EQ(hooks_run(&h, 1, big, &e), -1);
	CHECK_CONTAINS(e->msg, "timed out after 1s");
	CHECK(now_s() - t0 < 5);
	cv_error_free(&e);
	/* And one that reads it all gets all of it. */
	h = sh_hook("[ \"$(wc -c)\" = 1048575 ]", av);
	CHECK_EQ(hooks_run(&h, 1, big, &e), 0);
}

/* A hook that exits without reading a large state is not an error. */
TEST(hook_ignores_stdin)
{
	cleanup_error struct cv_error *e = NULL;
	cleanup_free char *big = malloc(1 << 20);
	char *av[4];
	struct oci_hook h = sh_hook("exit 0", av);

	CHECK(big != NULL);
	memset(big, 'y', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	CHECK_EQ(hooks_run(&h, 1, big, &e), 0);
}

int main(void)
{
	return test_main();
}
