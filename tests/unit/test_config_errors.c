/* SPDX-License-Identifier: Apache-2.0 */
/* config.json validation: each bad input and the exact message, which
 * names the field with its JSON path. */
#include <string.h>

#include <stdlib.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "oci/config.h"
#include "tests/unit/test.h"

#define HEAD "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}"
#define USER "\"user\":{\"uid\":0,\"gid\":0}"
/* A valid process object with extra members x. */
#define PROC(x) ",\"process\":{" USER ",\"args\":[\"sh\"],\"cwd\":\"/\"" x "}"
#define LINUX(x) ",\"linux\":{" x "}"
#define SECCOMP(x) LINUX("\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"" x "}")
#define USERNS "\"namespaces\":[{\"type\":\"user\"}],"

struct bad {
	const char *json;
	const char *msg;	/* exact, or a prefix when it ends in '*' */
};

static const struct bad bad_inputs[] = {
	/* JSON itself */
	{ "{\"ociVersion\": ", "config.json:1:16: parse error: premature EOF" },
	{ "{\"ociVersion\": \"1.0\" \"root\": {}}",
	  "config.json:1:23: parse error: after key and value, inside map, I expect ',' or '}'" },
	{ "{\"a\":1,}", "config.json:1:8: parse error: invalid object key (must be a string)" },
	{ "[1,2]", "config.json:1:1: expected a JSON object at the top level" },
	{ "\n\n  \"x\"", "config.json:3:3: expected a JSON object at the top level" },
	{ "{\n  \"ociVersion\": \"1.0.2\",\n  \"process\": {,\n}\n",
	  "config.json:3:15: parse error: invalid object key (must be a string)" },
	{ "", "config.json:1:1: parse error: empty file, expected a JSON object" },
	{ " \n", "config.json:2:1: parse error: empty text, expected a JSON object" },
	{ "{\"a\": \"\xff\"}", "config.json:1:8: parse error: invalid bytes in UTF8 string" },
	{ "{\"a\":1} x", "config.json:1:9: parse error: trailing garbage" },
	{ "{/* c */}", "config.json:1:2: parse error: probable comment found in input text, "
	  "comments are not enabled" },
	/* required fields */
	{ "{\"root\":{\"path\":\"r\"}}", "config.json: ociVersion: required" },
	{ "{\"ociVersion\":\"1.0.0\"}", "config.json: root: required" },
	{ "{\"ociVersion\":\"1.0.0\",\"root\":{}}",
	  "config.json: root.path: required" },
	{ "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"\"}}",
	  "config.json: root.path: must not be empty" },
	{ "{\"ociVersion\":\"2.0.0\",\"root\":{\"path\":\"r\"}}",
	  "config.json: ociVersion: unsupported version \"2.0.0\" (want 1.x)" },
	{ "{\"ociVersion\":1,\"root\":{\"path\":\"r\"}}",
	  "config.json: ociVersion: expected a string" },
	{ HEAD ",\"process\":{" USER ",\"cwd\":\"/\"}}",
	  "config.json: process.args: required" },
	{ HEAD ",\"process\":{" USER ",\"args\":[],\"cwd\":\"/\"}}",
	  "config.json: process.args: must not be empty" },
	{ HEAD ",\"process\":{" USER ",\"args\":[\"sh\"],\"cwd\":\"tmp\"}}",
	  "config.json: process.cwd: must be an absolute path" },
	{ HEAD ",\"process\":{" USER ",\"args\":[\"sh\"]}}",
	  "config.json: process.cwd: required" },
	{ HEAD ",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}}",
	  "config.json: process.user: required" },
	/* wrong types and ranges */
	{ HEAD ",\"process\":{\"user\":{\"uid\":\"0\"},\"args\":[\"x\"],\"cwd\":\"/\"}}",
	  "config.json: process.user.uid: expected a number" },
	{ HEAD ",\"process\":{\"user\":{\"uid\":-1},\"args\":[\"x\"],\"cwd\":\"/\"}}",
	  "config.json: process.user.uid: must not be negative, got -1" },
	{ HEAD ",\"process\":{\"user\":{\"gid\":1.5},\"args\":[\"x\"],\"cwd\":\"/\"}}",
	  "config.json: process.user.gid: expected an integer, got 1.5" },
	{ HEAD ",\"process\":{\"user\":{\"uid\":4294967296},\"args\":[\"x\"],\"cwd\":\"/\"}}",
	  "config.json: process.user.uid: out of range (0 to 4294967294), got 4294967296" },
	{ HEAD PROC(",\"terminal\":\"yes\"") "}",
	  "config.json: process.terminal: expected a boolean" },
	{ HEAD PROC(",\"args\":\"sh\"") "}",
	  "config.json: process.args: expected an array" },
	{ HEAD PROC(",\"env\":[\"A=1\",2]") "}",
	  "config.json: process.env[1]: expected a string" },
	{ HEAD PROC(",\"env\":[\"FOO\"]") "}",
	  "config.json: process.env[0]: expected \"KEY=VALUE\", got \"FOO\"" },
	{ HEAD PROC(",\"oomScoreAdj\":2000") "}",
	  "config.json: process.oomScoreAdj: out of range (-1000 to 1000), got 2000" },
	{ HEAD PROC(",\"user\":{\"uid\":0,\"umask\":512}") "}",
	  "config.json: process.user.umask: out of range (0 to 511), got 512" },
	{ HEAD ",\"mounts\":{}}", "config.json: mounts: expected an array" },
	/* rlimits */
	{ HEAD PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1},"
		    "{\"type\":\"RLIMIT_CORE\",\"hard\":1,\"soft\":1},"
		    "{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]") "}",
	  "config.json: process.rlimits[2].type: unknown rlimit \"RLIMIT_FOO\"" },
	{ HEAD PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":1},"
		    "{\"type\":\"RLIMIT_NOFILE\",\"hard\":2,\"soft\":2}]") "}",
	  "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"" },
	{ HEAD PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":2}]") "}",
	  "config.json: process.rlimits[0].soft: greater than the hard limit" },
	{ HEAD PROC(",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2}]") "}",
	  "config.json: process.rlimits[0].hard: required" },
	{ HEAD PROC(",\"rlimits\":[{\"type\":\"RLIMIT_CPU\",\"hard\":18446744073709551616,\"soft\":1}]") "}",
	  "config.json: process.rlimits[0].hard: out of range (0 to 18446744073709551615), got 18446744073709551616" },
	/* capabilities */
	{ HEAD PROC(",\"capabilities\":{\"bounding\":[\"CAP_FOO\"]}") "}",
	  "config.json: process.capabilities.bounding[0]: unknown capability \"CAP_FOO\"" },
	{ HEAD PROC(",\"capabilities\":{\"effective\":[\"CAP_KILL\",\"kill\"]}") "}",
	  "config.json: process.capabilities.effective[1]: unknown capability \"kill\"" },
	{ HEAD PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_X\"}") "}",
	  "config.json: process.ioPriority.class: unknown ioPriority class \"IOPRIO_CLASS_X\"" },
	{ HEAD PROC(",\"ioPriority\":{\"class\":\"IOPRIO_CLASS_RT\",\"priority\":8}") "}",
	  "config.json: process.ioPriority.priority: out of range (0 to 7), got 8" },
	{ HEAD PROC(",\"scheduler\":{\"policy\":\"SCHED_X\"}") "}",
	  "config.json: process.scheduler.policy: unknown scheduler policy \"SCHED_X\"" },
	/* mounts */
	{ HEAD ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"},"
	  "{\"destination\":\"/b\",\"type\":\"tmpfs\"},{\"destination\":\"/c\",\"type\":\"tmpfs\"},"
	  "{\"destination\":\"d\",\"type\":\"tmpfs\"}]}",
	  "config.json: mounts[3].destination: must be an absolute path" },
	{ HEAD ",\"mounts\":[{\"type\":\"tmpfs\"}]}",
	  "config.json: mounts[0].destination: required" },
	{ HEAD ",\"mounts\":[{\"destination\":\"/a\",\"options\":[\"bind\"]}]}",
	  "config.json: mounts[0].source: required for bind mounts" },
	{ HEAD ",\"mounts\":[{\"destination\":\"/a\",\"source\":\"x\"}]}",
	  "config.json: mounts[0].type: required unless options contain bind or rbind" },
	{ HEAD ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/x\","
	  "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}]}",
	  "config.json: mounts[0].uidMappings: idmapped mounts are not supported" },
	{ HEAD ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/x\","
	  "\"options\":[\"rbind\",\"idmap\"]}]}",
	  "config.json: mounts[0].options[1]: mount option \"idmap\" is not supported" },
	{ HEAD ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\",\"options\":[1]}]}",
	  "config.json: mounts[0].options[0]: expected a string" },
	/* linux */
	{ HEAD LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"foo\"}]") "}",
	  "config.json: linux.namespaces[1].type: unknown namespace type \"foo\"" },
	{ HEAD LINUX("\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]") "}",
	  "config.json: linux.namespaces[1].type: duplicate namespace type \"pid\"" },
	{ HEAD LINUX("\"namespaces\":[{\"type\":\"network\",\"path\":\"netns\"}]") "}",
	  "config.json: linux.namespaces[0].path: must be an absolute path" },
	{ HEAD LINUX(USERNS "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":0}],"
		     "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]") "}",
	  "config.json: linux.uidMappings[0].size: must be greater than 0" },
	{ HEAD LINUX(USERNS "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		     "\"gidMappings\":[{\"containerID\":4294967295,\"hostID\":1,\"size\":2}]") "}",
	  "config.json: linux.gidMappings[0].size: range exceeds the 32-bit id space" },
	{ HEAD LINUX(USERNS "\"uidMappings\":[{\"hostID\":1000,\"size\":1}]") "}",
	  "config.json: linux.uidMappings[0].containerID: required" },
	{ HEAD LINUX(USERNS "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]") "}",
	  "config.json: linux.gidMappings: required when a user namespace is created" },
	{ HEAD LINUX("\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]") "}",
	  "config.json: linux.uidMappings: requires a user namespace in linux.namespaces" },
	{ HEAD LINUX("\"devices\":[{\"type\":\"x\",\"path\":\"/dev/x\"}]") "}",
	  "config.json: linux.devices[0].type: unknown device type \"x\"" },
	{ HEAD LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":1}]") "}",
	  "config.json: linux.devices[0].minor: required" },
	{ HEAD LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"dev/x\",\"major\":1,\"minor\":1}]") "}",
	  "config.json: linux.devices[0].path: must be an absolute path" },
	{ HEAD LINUX("\"maskedPaths\":[\"/proc/kcore\",\"proc/keys\"]") "}",
	  "config.json: linux.maskedPaths[1]: must be an absolute path" },
	{ HEAD LINUX("\"devices\":[{\"type\":\"c\",\"path\":\"/dev/x\",\"major\":1,\"minor\":1,\"fileMode\":65536}]") "}",
	  "config.json: linux.devices[0].fileMode: out of range (0 to 65535), got 65536" },
	{ HEAD LINUX("\"rootfsPropagation\":\"bogus\"") "}",
	  "config.json: linux.rootfsPropagation: unknown propagation mode \"bogus\"" },
	{ HEAD LINUX("\"intelRdt\":{\"closID\":\"x\"}") "}",
	  "config.json: linux.intelRdt: not supported" },
	{ HEAD LINUX("\"personality\":{\"domain\":\"WINDOWS\"}") "}",
	  "config.json: linux.personality.domain: unknown personality domain \"WINDOWS\"" },
	{ HEAD LINUX("\"sysctl\":{\"a\":1}") "}",
	  "config.json: linux.sysctl.a: expected a string" },
	{ HEAD ",\"hostname\":\"h\"}",
	  "config.json: hostname: requires a uts namespace in linux.namespaces" },
	{ HEAD ",\"annotations\":[]}", "config.json: annotations: expected an object" },
	/* resources */
	{ HEAD LINUX("\"resources\":{\"memory\":{\"limit\":-2}}") "}",
	  "config.json: linux.resources.memory.limit: out of range (-1 to 9223372036854775807), got -2" },
	{ HEAD LINUX("\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}") "}",
	  "config.json: linux.resources.devices[0].access: invalid access \"rwx\" (a subset of \"rwm\")" },
	{ HEAD LINUX("\"resources\":{\"devices\":[{\"access\":\"r\"}]}") "}",
	  "config.json: linux.resources.devices[0].allow: required" },
	{ HEAD LINUX("\"resources\":{\"pids\":{}}") "}",
	  "config.json: linux.resources.pids.limit: required" },
	{ HEAD LINUX("\"resources\":{\"cpu\":{\"quota\":-5}}") "}",
	  "config.json: linux.resources.cpu.quota: out of range (-1 to 9223372036854775807), got -5" },
	/* seccomp */
	{ HEAD LINUX("\"seccomp\":{}") "}",
	  "config.json: linux.seccomp.defaultAction: required" },
	{ HEAD SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_FOO\"}]") "}",
	  "config.json: linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_ACT_FOO\"" },
	{ HEAD SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
		       "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_FOO\"}]}]") "}",
	  "config.json: linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_FOO\"" },
	{ HEAD SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
		       "\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]") "}",
	  "config.json: linux.seccomp.syscalls[0].args[0].index: out of range (0 to 5), got 6" },
	{ HEAD SECCOMP(",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_VAX\"]") "}",
	  "config.json: linux.seccomp.architectures[1]: unknown seccomp architecture \"SCMP_ARCH_VAX\"" },
	{ HEAD SECCOMP(",\"flags\":[\"SECCOMP_FILTER_FLAG_NOPE\"]") "}",
	  "config.json: linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_NOPE\"" },
	{ HEAD SECCOMP(",\"listenerPath\":\"/run/seccomp.sock\"") "}",
	  "config.json: linux.seccomp.listenerPath: seccomp notify listeners are not supported" },
	{ HEAD SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}]") "}",
	  "config.json: linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY is not supported" },
	{ HEAD SECCOMP(",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_KILL\",\"errnoRet\":1}]") "}",
	  "config.json: linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE" },
	{ HEAD SECCOMP(",\"syscalls\":[{\"action\":\"SCMP_ACT_KILL\"}]") "}",
	  "config.json: linux.seccomp.syscalls[0].names: required" },
	/* hooks */
	{ HEAD ",\"hooks\":{\"prestart\":[{\"args\":[\"x\"]}]}}",
	  "config.json: hooks.prestart[0].path: required" },
	{ HEAD ",\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\"},{\"path\":\"bin/rm\"}]}}",
	  "config.json: hooks.poststop[1].path: must be an absolute path" },
	{ HEAD ",\"hooks\":{\"createRuntime\":[{\"path\":\"/bin/true\",\"timeout\":0}]}}",
	  "config.json: hooks.createRuntime[0].timeout: must be greater than 0" },
	{ HEAD ",\"hooks\":{\"startContainer\":[{\"path\":\"/bin/true\",\"timeout\":-3}]}}",
	  "config.json: hooks.startContainer[0].timeout: must be greater than 0" },
};

static int check_one(const struct bad *b, char *why, size_t whylen)
{
	cleanup_error struct cv_error *err = NULL;
	cleanup_spec struct oci_spec *s = NULL;
	size_t n = strlen(b->msg);
	int r = oci_spec_parse(b->json, strlen(b->json), "config.json", &s,
			       &err);

	if (r == 0 || s != NULL || err == NULL) {
		snprintf(why, whylen, "accepted: %s", b->json);
		return -1;
	}
	if (b->msg[n - 1] == '*' ? strncmp(err->msg, b->msg, n - 1) != 0 :
				   strcmp(err->msg, b->msg) != 0) {
		snprintf(why, whylen, "want '%s', got '%s'", b->msg, err->msg);
		return -1;
	}
	return 0;
}

TEST(bad_inputs_name_the_field)
{
	char why[1024];
	int failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(bad_inputs); i++) {
		if (check_one(&bad_inputs[i], why, sizeof(why)) == 0)
			continue;
		fprintf(stderr, "test_config_errors: case %zu: %s\n", i, why);
		failed++;
	}
	if (failed)
		FAILF("%d of %zu cases failed (details on stderr)", failed,
		      ARRAY_SIZE(bad_inputs));
}

TEST(unknown_keys_are_ignored)
{
	const char *json = HEAD ",\"vendor\":{\"x\":[1]}"
		PROC(",\"futureField\":true,\"user\":{\"uid\":1,\"extra\":1}")
		LINUX("\"somethingNew\":1,\"resources\":{\"rdma\":{}}") "}";
	cleanup_error struct cv_error *err = NULL;
	cleanup_spec struct oci_spec *s = NULL;

	if (oci_spec_parse(json, strlen(json), "config.json", &s, &err) < 0)
		FAILF("%s", err->msg);
	CHECK_EQ(s->process.user.uid, 1);
}

TEST(null_means_absent)
{
	const char *json = HEAD PROC(",\"env\":null,\"capabilities\":null")
		",\"hostname\":null,\"mounts\":null}";
	cleanup_error struct cv_error *err = NULL;
	cleanup_spec struct oci_spec *s = NULL;

	if (oci_spec_parse(json, strlen(json), "config.json", &s, &err) < 0)
		FAILF("%s", err->msg);
	CHECK(s->process.env == NULL);
	CHECK(!s->process.caps.present);
	CHECK(s->hostname == NULL);
	CHECK_EQ(s->n_mounts, 0);
}

TEST(embedded_nul_rejected)
{
	const char json[] = "{\"ociVersion\":\"1.0.0\"\0}";
	cleanup_error struct cv_error *err = NULL;
	cleanup_spec struct oci_spec *s = NULL;

	CHECK(oci_spec_parse(json, sizeof(json) - 1, "config.json", &s,
			     &err) < 0);
	CHECK_STREQ(err->msg, "config.json:1:22: parse error: contains a NUL byte");
}

TEST(nul_escape_in_strings_rejected)
{
	const char *json = HEAD PROC(",\"args\":[\"/bin/sh\\u0000x\"]") "}";
	const char *ok = HEAD PROC(",\"args\":[\"a\\\\u0000\"]") "}";
	cleanup_error struct cv_error *err = NULL, *err2 = NULL;
	cleanup_spec struct oci_spec *s = NULL, *s2 = NULL;

	CHECK(oci_spec_parse(json, strlen(json), "config.json", &s, &err) < 0);
	CHECK_STREQ(err->msg, "config.json:1:124: parse error: strings must not "
			      "contain \\u0000");
	/* An escaped backslash followed by "u0000" is just text. */
	if (oci_spec_parse(ok, strlen(ok), "config.json", &s2, &err2) < 0)
		FAILF("%s", err2->msg);
	CHECK_STREQ(s2->process.args[0], "a\\u0000");
}

TEST(deep_nesting_rejected)
{
	char json[600];
	cleanup_error struct cv_error *err = NULL;
	cleanup_spec struct oci_spec *s = NULL;
	size_t n = 0;

	n += (size_t)sprintf(json, "{\"x\":");
	for (int i = 0; i < 100; i++)
		json[n++] = '[';
	for (int i = 0; i < 100; i++)
		json[n++] = ']';
	json[n++] = '}';
	json[n] = '\0';
	CHECK(oci_spec_parse(json, n, "config.json", &s, &err) < 0);
	CHECK_STREQ(err->msg,
		    "config.json:1:69: parse error: nested deeper than 64 levels");
}

static char *read_fixture(const char *name, size_t *len)
{
	const char *src = getenv("CVISOR_SRC");
	cleanup_error struct cv_error *err = NULL;
	cleanup_free char *path = NULL;
	char *json = NULL;

	if (asprintf(&path, "%s/tests/data/config/%s", src ? src : ".",
		     name) < 0 ||
	    cv_read_file(path, &json, len, &err) < 0)
		return NULL;
	return json;
}

/* Either a spec or an error, never both, never neither. */
static int parse_is_consistent(const char *json, size_t len)
{
	cleanup_error struct cv_error *err = NULL;
	cleanup_spec struct oci_spec *s = NULL;
	int r = oci_spec_parse(json, len, "config.json", &s, &err);

	if (r == 0)
		return s != NULL && err == NULL;
	return s == NULL && err != NULL && err->msg != NULL &&
	       strncmp(err->msg, "config.json:", 12) == 0;
}

TEST(every_truncation_and_byte_change_is_handled)
{
	static const char subst[] = { '1', '"', '-', '[', '}', 'x' };
	/* Under valgrind (config_valgrind.sh) a sample is enough. */
	size_t len = 0, step = getenv("CVISOR_VALGRIND") ? 29 : 1;
	cleanup_free char *json = read_fixture("full.json", &len);
	cleanup_free char *buf = NULL;

	CHECK(json != NULL);
	buf = malloc(len + 1);
	CHECK(buf != NULL);
	for (size_t i = 0; i < len; i += step)
		if (!parse_is_consistent(json, i))
			FAILF("truncated at %zu", i);
	for (size_t k = 0; k < sizeof(subst); k++) {
		for (size_t i = k; i < len; i += step) {
			memcpy(buf, json, len + 1);
			buf[i] = subst[k];
			if (!parse_is_consistent(buf, len))
				FAILF("byte %zu set to '%c'", i, subst[k]);
		}
	}
}

int main(void)
{
	return test_main();
}
