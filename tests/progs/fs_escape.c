// SPDX-License-Identifier: Apache-2.0
/*
 * Filesystem escape attempts, run inside the sandbox by
 * tests/escape/fs_escape.sh. The test plants a marker file on the host,
 * outside the container root; every attempt tries to read it (or the host
 * by other routes) and must fail. One line per attempt:
 *	name ok
 *	name ESCAPE <what was reached>
 *
 *	fs_escape REVERSED_TOKEN HOST_MARKER_PATH HOST_DIR
 * The token is passed reversed so that it is not in our own cmdline.
 * HOST_DIR is a host path that must never appear in /proc files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char token[128];
static const char *marker;	/* host path, absolute */
static const char *hostdir;
static int escapes;

static void verdict(const char *name, bool escaped, const char *what)
{
	if (escaped) {
		printf("%s ESCAPE %s\n", name, what);
		escapes++;
	} else {
		printf("%s ok\n", name);
	}
}

/* Does the file at path (opened with openat(dirfd...)) hold the token? */
static bool reads_token_at(int dirfd, const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, token) != NULL;
}

static bool reads_token(const char *path)
{
	return reads_token_at(AT_FDCWD, path);
}

static void try_path(const char *name, const char *path)
{
	verdict(name, reads_token(path), path);
}

/* prefix + the marker's absolute path without its leading "/". */
static void try_prefixed(const char *name, const char *prefix)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", prefix, marker + 1);
	try_path(name, path);
}

static void walks(void)
{
	char path[PATH_MAX];
	int dfd;

	try_path("host_absolute_path", marker);
	try_prefixed("dotdot_from_root", "/../../../../../../../../");
	try_prefixed("dotdot_many", "/../../../../../../../../../../../../"
				    "../../../../../../../../../../");
	chdir("/");
	try_prefixed("dotdot_relative_cwd", "../../../../../../../../");
	try_prefixed("dotdot_from_bind", "/data/../../../../../../../../");
	if (chdir("/data") == 0)
		try_prefixed("dotdot_cwd_in_bind", "../../../../../../../../");
	chdir("/");
	dfd = open("/data", O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "../../../../../../../../%s", marker + 1);
	verdict("openat_bind_dirfd", reads_token_at(dfd, path), path);
	close(dfd);
	/* the bind source's own relative location on the host */
	try_prefixed("dotdot_bind_deep", "/data/../../../../../../../../../");
}

static void links(void)
{
	char path[PATH_MAX];

	mkdir("/tmp/esc", 0755);
	symlink("/", "/tmp/esc/rootlink");
	try_prefixed("symlink_root_dotdot", "/tmp/esc/rootlink/../../../../");
	symlink(marker, "/tmp/esc/abslink");
	try_path("symlink_absolute_host", "/tmp/esc/abslink");
	snprintf(path, sizeof(path), "../../../../../../../../../%s",
		 marker + 1);
	symlink(path, "/tmp/esc/rellink");
	try_path("symlink_relative_dotdot", "/tmp/esc/rellink");
	symlink("/data/../..", "/tmp/esc/bindup");
	try_prefixed("symlink_bind_dotdot", "/tmp/esc/bindup/../../../../");
	verdict("hardlink_host_file", link(marker, "/tmp/esc/hl") == 0,
		"link() succeeded");
	verdict("hardlink_host_file_read", reads_token("/tmp/esc/hl"),
		"/tmp/esc/hl");
	snprintf(path, sizeof(path), "/data/../../../../../../%s", marker + 1);
	verdict("hardlink_via_bind", link(path, "/tmp/esc/hl2") == 0,
		"link() succeeded");
}

static void procfs(void)
{
	char path[PATH_MAX];
	int dfd;

	try_prefixed("proc_self_root", "/proc/self/root/../../../../../../");
	try_prefixed("proc_self_cwd", "/proc/self/cwd/../../../../../../");
	try_prefixed("proc_1_root", "/proc/1/root/../../../../../../");
	try_prefixed("proc_self_root_abs", "/proc/self/root/");
	dfd = open("/", O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/../../../../../", dfd);
	try_prefixed("proc_self_fd_dir", path);
	close(dfd);
	dfd = open("/data", O_PATH | O_DIRECTORY);
	snprintf(path, sizeof(path), "/proc/self/fd/%d/../../../../../", dfd);
	try_prefixed("proc_self_fd_bind", path);
	close(dfd);
	chdir("/proc/self");
	try_prefixed("proc_cwd_dotdot", "../../../../../../../");
	try_prefixed("proc_cwd_root_link", "root/../../../../");
	chdir("/");
	/* the sentry's and the gofer's host pids are not in this /proc */
	verdict("proc_no_host_pid_1_exe",
		readlink("/proc/1/exe", path, sizeof(path)) > 0 &&
			strstr(path, "runsc") != NULL,
		"/proc/1/exe is runsc");
}

/* No /proc file names a host path. */
static void proc_leaks(void)
{
	static const char *const files[] = {
		"/proc/self/mounts", "/proc/self/mountinfo", "/proc/self/maps",
		"/proc/self/status", "/proc/self/stat", "/proc/mounts",
		"/proc/self/cgroup", "/proc/cpuinfo", "/proc/version",
		"/proc/self/limits",
	};
	char buf[65536], link[PATH_MAX], path[300];
	struct dirent *e;
	DIR *d;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = open(files[i], O_RDONLY);
		ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		snprintf(path, sizeof(path), "proc_leak_%s",
			 strrchr(files[i], '/') + 1);
		verdict(path, strstr(buf, hostdir) != NULL, files[i]);
	}
	d = opendir("/proc/self/fd");
	while (d != NULL && (e = readdir(d)) != NULL) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strstr(link, hostdir) != NULL) {
			verdict("proc_leak_fd_links", true, link);
			closedir(d);
			return;
		}
	}
	if (d != NULL)
		closedir(d);
	verdict("proc_leak_fd_links", false, "");
}

static void devices_handles(void)
{
	char handle[128 + 8] = { 0 };
	int mount_id;

	verdict("mknod_block_device",
		mknod("/tmp/esc/sda", S_IFBLK | 0600, makedev(8, 0)) == 0,
		"mknod succeeded");
	verdict("mknod_mem_device",
		mknod("/tmp/esc/mem", S_IFCHR | 0600, makedev(1, 1)) == 0,
		"mknod succeeded");
	*(unsigned *)handle = 128;
	verdict("name_to_handle_at",
		syscall(SYS_name_to_handle_at, AT_FDCWD, "/", handle,
			&mount_id, 0) == 0, "handle obtained");
	verdict("open_by_handle_at",
		syscall(SYS_open_by_handle_at, AT_FDCWD, handle, O_RDONLY) >= 0,
		"opened by handle");
	chdir("/");
	mkdir("/tmp/esc/jail", 0755);
	if (chroot("/tmp/esc/jail") == 0) {
		for (int i = 0; i < 20; i++)
			chdir("..");
		chroot(".");
	}
	try_path("chroot_breakout", marker);
	chdir("/");
}

/* One thread flips /tmp/race/l between a directory inside and "/" while
 * another opens through it. */
static atomic_int stop;

static void *flipper(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		symlink("/tmp/race/d", "/tmp/race/l.a");
		rename("/tmp/race/l.a", "/tmp/race/l");
		symlink("/", "/tmp/race/l.b");
		rename("/tmp/race/l.b", "/tmp/race/l");
	}
	return NULL;
}

static void race(void)
{
	char p1[PATH_MAX], p2[PATH_MAX];
	pthread_t th;
	bool hit = false;

	mkdir("/tmp/race", 0755);
	mkdir("/tmp/race/d", 0755);
	snprintf(p1, sizeof(p1), "/tmp/race/l/../../../../../../../%s",
		 marker + 1);
	snprintf(p2, sizeof(p2), "/tmp/race/l/%s", marker + 1);
	pthread_create(&th, NULL, flipper, NULL);
	for (int i = 0; i < 3000 && !hit; i++)
		hit = reads_token(p1) || reads_token(p2);
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	verdict("symlink_swap_race", hit, p1);
}

int main(int argc, char **argv)
{
	size_t n;

	if (argc != 4) {
		fprintf(stderr, "usage: %s REVERSED_TOKEN MARKER HOSTDIR\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	n = strlen(argv[1]);
	if (n >= sizeof(token))
		return 2;
	for (size_t i = 0; i < n; i++)
		token[i] = argv[1][n - 1 - i];
	marker = argv[2];
	hostdir = argv[3];
	walks();
	links();
	procfs();
	proc_leaks();
	devices_handles();
	race();
	printf("done %d\n", escapes);
	return escapes ? 1 : 0;
}
