/* SPDX-License-Identifier: Apache-2.0 */
/* runsc/mounts_overlay.c: the --overlay2 / dev.cvisor.overlay2 setting
 * (grammar, sizes, errors that name the source) and which one wins. */
#include <string.h>

#include "lib/cleanup.h"
#include "oci/config.h"
#include "runsc/mounts.h"
#include "tests/unit/test.h"

static struct oci_spec *parse(const char *json)
{
	cleanup_error struct cv_error *err = NULL;
	struct oci_spec *s = NULL;

	if (oci_spec_parse(json, strlen(json), "config.json", &s, &err) < 0)
		FAILF("%s", err->msg);
	return s;
}

static int try_parse(const char *s, struct root_overlay *ov, char *msg,
		     size_t len)
{
	cleanup_error struct cv_error *err = NULL;
	int r = root_overlay_parse(s, "--overlay2", ov, &err);

	snprintf(msg, len, "%s", err != NULL ? err->msg : "");
	return r;
}

TEST(parse_accepts_none_and_root_memory)
{
	struct root_overlay ov = { .enabled = true, .size = 9 };
	char msg[256];

	CHECK(try_parse("none", &ov, msg, sizeof(msg)) == 0);
	CHECK(!ov.enabled && ov.size == 0);
	CHECK(try_parse("root:memory", &ov, msg, sizeof(msg)) == 0);
	CHECK(ov.enabled && ov.size == 0);
	CHECK(try_parse("root:memory,size=64m", &ov, msg, sizeof(msg)) == 0);
	CHECK(ov.enabled && ov.size == 64ULL << 20);
	CHECK(try_parse("root:memory,size=4096", &ov, msg, sizeof(msg)) == 0);
	CHECK(ov.size == 4096);
	CHECK(try_parse("root:memory,size=2G", &ov, msg, sizeof(msg)) == 0);
	CHECK(ov.size == 2ULL << 30);
	CHECK(try_parse("root:memory,size=8k", &ov, msg, sizeof(msg)) == 0);
	CHECK(ov.size == 8192);
}

TEST(parse_refuses_and_names_the_flag)
{
	static const char *const bad[] = {
		"", "root", "root:", "root:disk", "root:self", "all:memory",
		"root:memory,", "root:memory,size=", "root:memory,size=0",
		"root:memory,size=-1", "root:memory,size=+1",
		"root:memory,size=1t", "root:memory,size=k",
		"root:memory,size=99999999999999999999",
		"root:memory,size=17179869184g", "root:memory,foo=1",
		"None", "root:memory:x",
	};
	struct root_overlay ov = { .enabled = true, .size = 5 };
	char msg[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (try_parse(bad[i], &ov, msg, sizeof(msg)) == 0)
			FAILF("\"%s\" accepted", bad[i]);
		if (strstr(msg, "--overlay2") == NULL)
			FAILF("\"%s\": message without the flag: %s", bad[i],
			      msg);
	}
	/* a refused value leaves the old setting alone */
	CHECK(ov.enabled && ov.size == 5);
}

TEST(annotation_wins_over_the_flag)
{
	cleanup_spec struct oci_spec *with = parse(
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
		"\"annotations\":{\"dev.cvisor.overlay2\":\"none\"}}");
	cleanup_spec struct oci_spec *without = parse(
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\","
		"\"readonly\":true}}");
	cleanup_spec struct oci_spec *bad = parse(
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
		"\"annotations\":{\"dev.cvisor.overlay2\":\"root:tmpfs\"}}");
	struct root_overlay flag = { .enabled = true, .size = 1 << 20 };
	struct root_overlay ov;
	cleanup_error struct cv_error *err = NULL;

	CHECK(root_overlay_resolve(with, &flag, &ov, &err) == 0);
	CHECK(!ov.enabled);
	/* no annotation: the flag; root.readonly keeps it (made read-only
	 * later, with the mount points in memory) */
	CHECK(root_overlay_resolve(without, &flag, &ov, &err) == 0);
	CHECK(ov.enabled && ov.size == 1 << 20);
	CHECK(root_overlay_resolve(without, NULL, &ov, &err) == 0);
	CHECK(!ov.enabled);
	CHECK(root_overlay_resolve(bad, &flag, &ov, &err) < 0);
	CHECK(err != NULL &&
	      strstr(err->msg, "annotations[\"dev.cvisor.overlay2\"]") != NULL);
}

int main(void)
{
	return test_main();
}
