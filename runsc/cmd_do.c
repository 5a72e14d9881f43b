/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc do CMD ARGS...: runs a host command sandboxed over the host's root
 * (read-only), in the current directory, with the host network and a
 * private temporary state root; returns the command's status.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "runsc/cli.h"
#include "runsc/rootless.h"

extern char **environ;

static void s(yajl_gen g, const char *str)
{
	yajl_gen_string(g, (const unsigned char *)str, strlen(str));
}

static void mount_entry(yajl_gen g, const char *dst, const char *type,
			const char *src, const char *const *opts)
{
	yajl_gen_map_open(g);
	s(g, "destination");
	s(g, dst);
	s(g, "type");
	s(g, type);
	s(g, "source");
	s(g, src);
	s(g, "options");
	yajl_gen_array_open(g);
	for (; *opts != NULL; opts++)
		s(g, *opts);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void gen_process(yajl_gen g, int argc, char **argv, const char *cwd)
{
	static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL",
					    "CAP_NET_BIND_SERVICE", NULL };
	static const char *const sets[] = { "bounding", "effective",
					    "permitted", NULL };

	s(g, "process");
	yajl_gen_map_open(g);
	s(g, "terminal");
	yajl_gen_bool(g, 0);
	s(g, "user");
	yajl_gen_map_open(g);
	/* Rootless: the caller is root of its user namespace (as with
	 * "unshare -r"); the only ids it maps are its own. */
	s(g, "uid");
	yajl_gen_integer(g, geteuid() != 0 ? 0 : getuid());
	s(g, "gid");
	yajl_gen_integer(g, geteuid() != 0 ? 0 : getgid());
	yajl_gen_map_close(g);
	s(g, "args");
	yajl_gen_array_open(g);
	for (int i = 0; i < argc; i++)
		s(g, argv[i]);
	yajl_gen_array_close(g);
	s(g, "env");
	yajl_gen_array_open(g);
	for (char **e = environ; e != NULL && *e != NULL; e++)
		s(g, *e);
	yajl_gen_array_close(g);
	s(g, "cwd");
	s(g, cwd);
	s(g, "capabilities");
	yajl_gen_map_open(g);
	for (const char *const *set = sets; *set != NULL; set++) {
		s(g, *set);
		yajl_gen_array_open(g);
		for (const char *const *c = caps; *c != NULL; c++)
			s(g, *c);
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
	s(g, "noNewPrivileges");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
}

static void gen_map(yajl_gen g, const char *key, unsigned id)
{
	s(g, key);
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	s(g, "containerID");
	yajl_gen_integer(g, 0);
	s(g, "hostID");
	yajl_gen_integer(g, id);
	s(g, "size");
	yajl_gen_integer(g, 1);
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
}

static void gen_linux(yajl_gen g, bool netns)
{
	static const char *const ns[] = { "pid", "ipc", "uts", "mount", NULL };
	bool rootless = geteuid() != 0;

	s(g, "linux");
	yajl_gen_map_open(g);
	if (rootless) {
		gen_map(g, "uidMappings", (unsigned)geteuid());
		gen_map(g, "gidMappings", (unsigned)getegid());
	}
	s(g, "namespaces");
	yajl_gen_array_open(g);
	for (const char *const *n = ns; *n != NULL; n++) {
		yajl_gen_map_open(g);
		s(g, "type");
		s(g, *n);
		yajl_gen_map_close(g);
	}
	if (netns) {
		yajl_gen_map_open(g);
		s(g, "type");
		s(g, "network");
		yajl_gen_map_close(g);
	}
	if (rootless) {
		yajl_gen_map_open(g);
		s(g, "type");
		s(g, "user");
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static char *do_spec_json(int argc, char **argv, const char *cwd, bool netns)
{
	static const char *const proc_opts[] = { "nosuid", "noexec", "nodev",
						 NULL };
	static const char *const dev_opts[] = { "nosuid", "strictatime",
						"mode=755", "size=65536k",
						NULL };
	static const char *const tmp_opts[] = { "nosuid", "nodev", NULL };
	static const char *const cwd_opts[] = { "rbind", "ro", NULL };
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	char *out = NULL;
	size_t len;

	if (g == NULL)
		return NULL;
	yajl_gen_map_open(g);
	s(g, "ociVersion");
	s(g, CVISOR_SPEC_VERSION);
	s(g, "root");
	yajl_gen_map_open(g);
	s(g, "path");
	s(g, "/");
	s(g, "readonly");
	yajl_gen_bool(g, 1);
	yajl_gen_map_close(g);
	gen_process(g, argc, argv, cwd);
	s(g, "hostname");
	s(g, "cvisor-do");
	s(g, "mounts");
	yajl_gen_array_open(g);
	mount_entry(g, "/proc", "proc", "proc", proc_opts);
	mount_entry(g, "/dev", "tmpfs", "tmpfs", dev_opts);
	mount_entry(g, "/tmp", "tmpfs", "tmpfs", tmp_opts);
	/* The private /tmp would hide a working directory below it: the
	 * caller's directory stays visible there, read-only like the rest. */
	if (strncmp(cwd, "/tmp/", 5) == 0 && cwd[5] != '\0')
		mount_entry(g, cwd, "bind", cwd, cwd_opts);
	yajl_gen_array_close(g);
	gen_linux(g, netns);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

static int run_do(struct global_opts *g, int argc, char **argv,
		  const char *cwd, struct cv_error **err)
{
	cleanup_spec struct oci_spec *spec = NULL;
	cleanup_free char *json = NULL, *id = NULL;
	struct create_opts o = { 0 };

	json = do_spec_json(argc, argv, cwd, g->network != NETWORK_HOST);
	if (json == NULL || asprintf(&id, "do-%d", getpid()) < 0)
		return cv_error_set(err, ENOMEM, "do");
	if (oci_spec_parse(json, strlen(json), "runsc do spec", &spec, err) < 0)
		return -1;
	free(spec->bundle);
	free(spec->rootfs);
	spec->bundle = strdup(g->root);
	spec->rootfs = strdup("/");
	o.id = id;
	o.spec = spec;
	o.config_json = json;
	return cli_run_container(g, &o, false, err);
}

int cmd_do(struct global_opts *g, int argc, char **argv,
	   struct cv_error **err)
{
	static const struct option lo[] = {
		{ "cwd", required_argument, NULL, 'C' },
		CLI_HELP_OPTION,
		{ 0 },
	};
	char cwd[PATH_MAX], tmp[] = "/tmp/cvisor-do.XXXXXX";
	cleanup_free char *xdg = rootless_default_root();
	bool own_root = strcmp(g->root, CVISOR_DEFAULT_ROOT) == 0 ||
			(xdg != NULL && strcmp(g->root, xdg) == 0);
	const char *dir = NULL;
	int c, r;

	cli_getopt_reset();
	while ((c = cli_getopt("do", argc, argv, "h", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		dir = optarg;
	}
	if (argc - optind < 1)
		return cli_usage_error(err, "do", "\"do\" requires a command");
	if (dir == NULL && getcwd(cwd, sizeof(cwd)) == NULL)
		return cv_error_set(err, errno, "getcwd");
	if (g->network == NETWORK_SANDBOX)
		g->network = NETWORK_HOST;
	if (own_root) {
		if (mkdtemp(tmp) == NULL)
			return cv_error_set(err, errno, "mkdtemp %s", tmp);
		g->root = tmp;
	}
	r = run_do(g, argc - optind, argv + optind, dir ? dir : cwd, err);
	if (own_root && rmdir(tmp) < 0)	/* emptied by the delete */
		log_warn("runsc do: %s: %s", tmp, strerror(errno));
	return r;
}
