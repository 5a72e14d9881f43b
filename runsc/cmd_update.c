/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runsc update ID (--resources FILE|- | runc's flags): applies new limits
 * with cgroup_update and keeps them in state.json.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cgroup.h"
#include "runsc/cli.h"

enum {
	U_MEMORY = 256,
	U_SWAP,
	U_RESERVATION,
	U_SHARES,
	U_QUOTA,
	U_PERIOD,
	U_CPUS,
	U_MEMS,
	U_PIDS,
	U_BLKIO,
	U_KMEM,
	U_KMEM_TCP,
	U__N,
};

struct update_flags {
	const char *v[U__N - U_MEMORY];
	bool any;
};

#define FLAG(f, k) ((f)->v[(k) - U_MEMORY])

/* "512m", "1G", "1024", "-1" -> bytes (-1: unlimited). */
static int parse_bytes(const char *s, int64_t *out)
{
	char *end;
	double v;
	int64_t mul = 1;

	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || v < 0)
		return -1;
	switch (tolower((unsigned char)*end)) {
	case 'k': mul = 1LL << 10; end++; break;
	case 'm': mul = 1LL << 20; end++; break;
	case 'g': mul = 1LL << 30; end++; break;
	case 't': mul = 1LL << 40; end++; break;
	}
	if (tolower((unsigned char)*end) == 'b')
		end++;
	if (tolower((unsigned char)*end) == 'i' || *end != '\0')
		return -1;
	*out = (int64_t)(v * (double)mul);
	return 0;
}

static void gkey(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static int gen_num(yajl_gen g, const char *key, const char *flag,
		   const char *val, bool bytes, struct cv_error **err)
{
	int64_t v;

	if (val == NULL)
		return 0;
	if (bytes ? parse_bytes(val, &v) < 0 : cv_parse_i64(val, &v) < 0)
		return cv_error_setx(err, "invalid --%s value: %s", flag, val);
	gkey(g, key);
	yajl_gen_integer(g, v);
	return 0;
}

static int gen_flags(yajl_gen g, struct update_flags *f, struct cv_error **err)
{
	yajl_gen_map_open(g);
	gkey(g, "memory");
	yajl_gen_map_open(g);
	if (gen_num(g, "limit", "memory", FLAG(f, U_MEMORY), true, err) < 0 ||
	    gen_num(g, "swap", "memory-swap", FLAG(f, U_SWAP), true, err) < 0 ||
	    gen_num(g, "reservation", "memory-reservation", FLAG(f, U_RESERVATION), true, err) < 0 ||
	    gen_num(g, "kernel", "kernel-memory", FLAG(f, U_KMEM), true, err) < 0 ||
	    gen_num(g, "kernelTCP", "kernel-memory-tcp", FLAG(f, U_KMEM_TCP), true, err) < 0)
		return -1;
	yajl_gen_map_close(g);
	gkey(g, "cpu");
	yajl_gen_map_open(g);
	if (gen_num(g, "shares", "cpu-shares", FLAG(f, U_SHARES), false, err) < 0 ||
	    gen_num(g, "quota", "cpu-quota", FLAG(f, U_QUOTA), false, err) < 0 ||
	    gen_num(g, "period", "cpu-period", FLAG(f, U_PERIOD), false, err) < 0)
		return -1;
	if (FLAG(f, U_CPUS) != NULL) {
		gkey(g, "cpus");
		gkey(g, FLAG(f, U_CPUS));
	}
	if (FLAG(f, U_MEMS) != NULL) {
		gkey(g, "mems");
		gkey(g, FLAG(f, U_MEMS));
	}
	yajl_gen_map_close(g);
	if (FLAG(f, U_PIDS) != NULL) {
		gkey(g, "pids");
		yajl_gen_map_open(g);
		if (gen_num(g, "limit", "pids-limit", FLAG(f, U_PIDS), false, err) < 0)
			return -1;
		yajl_gen_map_close(g);
	}
	if (FLAG(f, U_BLKIO) != NULL) {
		gkey(g, "blockIO");
		yajl_gen_map_open(g);
		if (gen_num(g, "weight", "blkio-weight", FLAG(f, U_BLKIO), false, err) < 0)
			return -1;
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	return 0;
}

static int flags_json(struct update_flags *f, char **out,
		      struct cv_error **err)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int r;

	if (g == NULL)
		return cv_error_set(err, ENOMEM, "update");
	r = gen_flags(g, f, err);
	if (r == 0 && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		*out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return r;
}

static int read_resources(const char *file, char **out, struct cv_error **err)
{
	if (strcmp(file, "-") == 0)
		return cv_read_fd(STDIN_FILENO, out, NULL, err);
	return cv_read_file(file, out, NULL, err);
}

static int apply(struct global_opts *g, const char *id, const char *json,
		 struct cv_error **err)
{
	cleanup_state struct container_state *st = NULL;
	cleanup_cgroup struct cgroup *cg = NULL;
	cleanup_close int lock = -1;
	struct oci_resources r = { 0 };
	char *cg_json = NULL;
	int ret;

	if (cli_check_id(id, err) < 0 || state_lock(g->root, id, &lock, err) < 0 ||
	    state_load(g->root, id, &st, err) < 0)
		return -1;
	if (strcmp(state_status(st), "stopped") == 0)
		return cv_error_setx(err, "container not running");
	if (oci_resources_parse(json, strlen(json), "resources", &r, err) < 0)
		return -1;
	ret = state_cgroup(st, &cg, err);
	if (ret == 0 && cg == NULL)
		ret = cv_error_setx(err, "container %s has no cgroup", id);
	if (ret == 0)
		ret = cgroup_update(cg, &r, err);
	oci_resources_clear(&r);
	if (ret < 0)
		return -1;
	free(st->resources_json);
	st->resources_json = strdup(json);
	if (cgroup_to_json(cg, &cg_json) == 0) {
		free(st->cgroup_json);
		st->cgroup_json = cg_json;
	}
	return state_save(g->root, st, err);
}

int cmd_update(struct global_opts *g, int argc, char **argv,
	       struct cv_error **err)
{
	static const struct option lo[] = {
		{ "resources", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, U_MEMORY },
		{ "memory-swap", required_argument, NULL, U_SWAP },
		{ "memory-reservation", required_argument, NULL, U_RESERVATION },
		{ "kernel-memory", required_argument, NULL, U_KMEM },
		{ "kernel-memory-tcp", required_argument, NULL, U_KMEM_TCP },
		{ "cpu-shares", required_argument, NULL, U_SHARES },
		{ "cpu-quota", required_argument, NULL, U_QUOTA },
		{ "cpu-period", required_argument, NULL, U_PERIOD },
		{ "cpuset-cpus", required_argument, NULL, U_CPUS },
		{ "cpuset-mems", required_argument, NULL, U_MEMS },
		{ "pids-limit", required_argument, NULL, U_PIDS },
		{ "blkio-weight", required_argument, NULL, U_BLKIO },
		CLI_HELP_OPTION,
		{ 0 },
	};
	struct update_flags f = { 0 };
	cleanup_free char *json = NULL;
	const char *file = NULL;
	int c;

	cli_getopt_reset();
	while ((c = cli_getopt("update", argc, argv, "r:h", lo, err)) != -1) {
		if (c == CLI_OPT_HELP)
			return 0;
		if (c == CLI_OPT_ERR)
			return -1;
		if (c == 'r') {
			file = optarg;
		} else if (c >= U_MEMORY && c < U__N) {
			FLAG(&f, c) = optarg;
			f.any = true;
		}
	}
	if (cli_need_args("update", argc, 1, false, err) < 0)
		return -1;
	if (file != NULL && f.any)
		return cli_usage_error(err, "update", "--resources cannot be "
				       "combined with other resource flags");
	if (file == NULL && !f.any)
		return cli_usage_error(err, "update", "nothing to update: "
				       "give --resources or a resource flag");
	if (file != NULL ? read_resources(file, &json, err) < 0 :
			   flags_json(&f, &json, err) < 0)
		return -1;
	return apply(g, argv[optind], json, err) < 0 ? -1 : 0;
}
