// SPDX-License-Identifier: Apache-2.0
/* The sentry's path routing helpers and the virtual trees' building blocks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/synth.h"
#include "tests/unit/test.h"

static const char *clean(const char *base, const char *path)
{
	static char out[128];

	if (vtree_path_clean(out, sizeof(out), base, path) < 0)
		return "(error)";
	return out;
}

TEST(clean_absolute)
{
	CHECK_STREQ(clean(NULL, "/"), "/");
	CHECK_STREQ(clean(NULL, "//proc///self/"), "/proc/self");
	CHECK_STREQ(clean(NULL, "/proc/./self/../1"), "/proc/1");
	CHECK_STREQ(clean(NULL, "/../../proc"), "/proc");
	CHECK_STREQ(clean(NULL, "/a/b/../../.."), "/");
	CHECK_STREQ(clean("/ignored", "/x"), "/x");
}

TEST(clean_relative)
{
	CHECK_STREQ(clean("/", "proc"), "/proc");
	CHECK_STREQ(clean("/home/u", "../../proc/self"), "/proc/self");
	CHECK_STREQ(clean("/proc", ".."), "/");
	CHECK_STREQ(clean("/proc/1", "./fd/"), "/proc/1/fd");
	CHECK_STREQ(clean("/a", "..."), "/a/...");
}

TEST(clean_too_long)
{
	char out[16];

	CHECK_EQ(vtree_path_clean(out, sizeof(out), NULL, "/0123456789abcdef"),
		 -ENAMETOOLONG);
	CHECK_EQ(vtree_path_clean(out, sizeof(out), NULL, "/0123456789abcd"),
		 0);
	CHECK_STREQ(out, "/0123456789abcd");
}

TEST(virtual_routing)
{
	CHECK(vtree_path_is_virtual("/proc"));
	CHECK(vtree_path_is_virtual("/proc/self/fd/1"));
	CHECK(vtree_path_is_virtual("/sys/devices/system/cpu/online"));
	CHECK(vtree_path_is_virtual("/dev/fd"));
	CHECK(vtree_path_is_virtual("/dev/fd/0"));
	CHECK(vtree_path_is_virtual("/dev/stdin"));
	CHECK(vtree_path_is_virtual("/dev/stderr"));
	CHECK(!vtree_path_is_virtual("/"));
	CHECK(!vtree_path_is_virtual("/dev"));
	CHECK(!vtree_path_is_virtual("/dev/null"));
	CHECK(!vtree_path_is_virtual("/dev/fdx"));
	CHECK(!vtree_path_is_virtual("/procx"));
	CHECK(!vtree_path_is_virtual("/system"));
	CHECK(!vtree_path_is_virtual("/home/proc"));
}

TEST(relative_may_be_virtual)
{
	CHECK(vtree_relative_may_be_virtual("proc"));
	CHECK(vtree_relative_may_be_virtual("./proc/self"));
	CHECK(vtree_relative_may_be_virtual(".//sys"));
	CHECK(vtree_relative_may_be_virtual("fd/3"));
	CHECK(vtree_relative_may_be_virtual("stdin"));
	CHECK(vtree_relative_may_be_virtual("a/../b"));
	CHECK(vtree_relative_may_be_virtual(".."));
	CHECK(!vtree_relative_may_be_virtual("a/b"));
	CHECK(!vtree_relative_may_be_virtual("procfile"));
	CHECK(!vtree_relative_may_be_virtual("a/..b"));
	CHECK(!vtree_relative_may_be_virtual("x/proc"));
}

TEST(vbuf_grows)
{
	struct vbuf b = { 0 };

	for (int i = 0; i < 1000; i++)
		vbuf_printf(&b, "line %d\n", i);
	CHECK_EQ(b.err, 0);
	CHECK(b.len > 6000);
	CHECK(strncmp(b.data, "line 0\nline 1\n", 14) == 0);
	CHECK_CONTAINS(b.data, "line 999\n");
	vbuf_free(&b);
}

TEST(virtual_file_is_read_only)
{
	struct vbuf b = { 0 };
	char buf[64];
	struct stat st;
	int fd = -1;

	vbuf_printf(&b, "MemTotal: 1 kB\n");
	CHECK_EQ(vmirror_file_open(&b, &fd), 0);
	vbuf_free(&b);
	CHECK(fd >= 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 15);
	CHECK(write(fd, "x", 1) < 0);
	CHECK(fstat(fd, &st) == 0);
	CHECK_EQ(st.st_mode & 07777, 0444);
	CHECK(S_ISREG(st.st_mode));
	close(fd);
}

TEST(mirror_directory_lists_and_maps_back)
{
	struct vtree_dirlist l = { 0 };
	char path[PATH_MAX];
	int fd = -1, n = 0;
	struct dirent *e;
	DIR *d;

	if (geteuid() != 0)
		SKIP("needs root for fsmount");
	CHECK_EQ(vtree_dirlist_add(&l, "self", VN_LINK), 0);
	CHECK_EQ(vtree_dirlist_add(&l, "meminfo", VN_FILE), 0);
	CHECK_EQ(vtree_dirlist_add(&l, "1", VN_DIR), 0);
	if (vmirror_dir_open("/proc", &l, O_RDONLY, &fd) == -ENOENT)
		SKIP("no private tmpfs here");
	CHECK(fd >= 0);
	CHECK_EQ(vtree_fd_path(fd, path, sizeof(path)), 0);
	CHECK(strcmp(path, "/proc") == 0);
	/* a second open with fewer entries drops the stale ones */
	l.n = 2;
	close(fd);
	CHECK_EQ(vmirror_dir_open("/proc", &l, O_RDONLY, &fd), 0);
	d = fdopendir(fd);
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		if (strcmp(e->d_name, "self") == 0)
			CHECK_EQ(e->d_type, DT_LNK);
		else if (strcmp(e->d_name, "meminfo") == 0)
			CHECK_EQ(e->d_type, DT_REG);
		else
			FAILF("unexpected entry %s", e->d_name);
	}
	closedir(d);
	CHECK_EQ(n, 2);
	free(l.v);
	CHECK_EQ(vtree_fd_path(0, path, sizeof(path)), -ENOENT);
}

TEST(mirror_path_of_nested_dir)
{
	struct vtree_dirlist l = { 0 };
	char path[128];
	int fd = -1;

	if (geteuid() != 0)
		SKIP("needs root for fsmount");
	CHECK_EQ(vtree_dirlist_add(&l, "online", VN_FILE), 0);
	if (vmirror_dir_open("/sys/devices/system/cpu", &l, O_PATH, &fd) ==
	    -ENOENT)
		SKIP("no private tmpfs here");
	CHECK(fd >= 0);
	CHECK_EQ(vtree_fd_path(fd, path, sizeof(path)), 0);
	CHECK_STREQ(path, "/sys/devices/system/cpu");
	CHECK_EQ(vtree_fd_path(fd, path, 8), -ENAMETOOLONG);
	close(fd);
	free(l.v);
}

int main(void)
{
	return test_main();
}
