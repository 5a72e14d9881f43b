// SPDX-License-Identifier: Apache-2.0
/*
 * Ids through a user namespace: what stat shows, what chown stores and
 * refuses, which ids a task's file access runs as. Prints one line per
 * case, "name result", then "done 0"; tests/integration/fs_userns.sh runs
 * it natively and in a sandbox with the same mappings and compares.
 *
 *   fs_ids [-u] DIR
 *
 * DIR: a directory owned by the namespace's root (mode 0755) holding
 * "unmapped", a file whose owner and group are outside the mapping.
 * -u (native run): the cases run in a new user namespace mapping ids
 * 0..65535 to 100000..165535, as the sandbox's bundle does.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static const char *dir;

static const char *res(int ret)
{
	return ename(ret < 0 ? errno : 0);
}

static char *at(const char *name)
{
	static char path[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

/* Owner and group as stat, lstat, statx, fstatat on an O_PATH fd
 * ("" + AT_EMPTY_PATH) and fstat on it show them; "=" when all agree. */
static void owner(const char *name, const char *file)
{
	struct stat a, b, d, e;
	struct statx x;
	int fd = open(at(file), O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (lstat(at(file), &a) < 0 || fd < 0) {
		printf("%s %s\n", name, ename(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (S_ISLNK(a.st_mode))
		b = a;
	else if (stat(at(file), &b) < 0)
		b.st_uid = b.st_gid = (unsigned)-2;
	if (statx(AT_FDCWD, at(file), AT_SYMLINK_NOFOLLOW, STATX_UID | STATX_GID,
		  &x) < 0)
		x.stx_uid = x.stx_gid = (unsigned)-2;
	if (fstatat(fd, "", &d, AT_EMPTY_PATH) < 0)
		d.st_uid = d.st_gid = (unsigned)-2;
	if (fstat(fd, &e) < 0)
		e.st_uid = e.st_gid = (unsigned)-2;
	close(fd);
	if (a.st_uid == b.st_uid && a.st_uid == x.stx_uid &&
	    a.st_uid == d.st_uid && a.st_uid == e.st_uid &&
	    a.st_gid == b.st_gid && a.st_gid == x.stx_gid &&
	    a.st_gid == d.st_gid && a.st_gid == e.st_gid)
		printf("%s %u:%u\n", name, a.st_uid, a.st_gid);
	else
		printf("%s lstat %u:%u stat %u:%u statx %u:%u "
		       "fstatat %u:%u fstat %u:%u\n", name, a.st_uid, a.st_gid,
		       b.st_uid, b.st_gid, x.stx_uid, x.stx_gid, d.st_uid,
		       d.st_gid, e.st_uid, e.st_gid);
}

static void chown_case(const char *name, const char *file, uid_t u, gid_t g,
		       int how)
{
	int ret, fd;

	switch (how) {
	case 0:
		ret = chown(at(file), u, g);
		break;
	case 1:
		ret = lchown(at(file), u, g);
		break;
	case 2:
		fd = open(at(file), O_PATH | O_NOFOLLOW | O_CLOEXEC);
		ret = fchownat(fd, "", u, g, AT_EMPTY_PATH);
		if (fd >= 0)
			close(fd);
		break;
	default:
		fd = open(at(file), O_RDONLY | O_CLOEXEC);
		ret = fchown(fd, u, g);
		if (fd >= 0)
			close(fd);
		break;
	}
	printf("%s %s\n", name, res(ret));
}

static void open_case(const char *name, const char *file, int flags)
{
	int fd = open(at(file), flags | O_CLOEXEC, 0644);

	printf("%s %s\n", name, res(fd));
	if (fd >= 0)
		close(fd);
}

/* As uid 1000, gid 1000, groups {2000}: no capabilities left. */
static int as_user(void)
{
	gid_t g = 2000;

	if (setgroups(1, &g) < 0 || setresgid(1000, 1000, 1000) < 0 ||
	    setresuid(1000, 1000, 1000) < 0) {
		printf("as_user %s\n", ename(errno));
		return 1;
	}
	open_case("user_open_own_0600", "own600", O_RDONLY);
	open_case("user_open_root_0600", "root600", O_RDONLY);
	open_case("user_open_group_0640", "grp640", O_RDONLY);
	open_case("user_write_root_0644", "root644", O_WRONLY);
	printf("user_access_own_0600 %s\n", res(access(at("own600"), R_OK)));
	printf("user_access_root_0600 %s\n",
	       res(access(at("root600"), R_OK)));
	printf("user_access_group_0640 %s\n",
	       res(access(at("grp640"), R_OK)));
	open_case("user_create", "pub/made_by_user", O_CREAT | O_WRONLY);
	owner("user_created_owner", "pub/made_by_user");
	chown_case("user_chown_other", "pub/made_by_user", 0, -1, 0);
	chown_case("user_chgrp_member", "pub/made_by_user", -1, 2000, 0);
	owner("user_chgrp_member_owner", "pub/made_by_user");
	chown_case("user_chgrp_unmapped", "pub/made_by_user", -1, 70000, 0);
	fflush(stdout);
	return 0;
}

static void run_cases(void)
{
	pid_t pid;
	int st;

	owner("dir_owner", ".");
	owner("unmapped_owner", "unmapped");
	open_case("create", "f", O_CREAT | O_WRONLY);
	owner("created_owner", "f");
	chown_case("chown_1000", "f", 1000, 1000, 0);
	owner("chown_1000_owner", "f");
	chown_case("chown_uid_unmapped", "f", 70000, -1, 0);
	chown_case("chown_gid_unmapped", "f", -1, 70000, 0);
	chown_case("chown_both_unmapped", "f", 4000000000u, 4000000000u, 0);
	chown_case("chown_missing_unmapped", "nonexistent", 70000, -1, 0);
	owner("after_unmapped_owner", "f");
	chown_case("chown_keep", "f", -1, -1, 0);
	chown_case("chown_65535", "f", 65535, 65535, 0);
	owner("chown_65535_owner", "f");
	if (symlink("f", at("l")) < 0)
		printf("symlink %s\n", ename(errno));
	chown_case("lchown_5", "l", 5, 6, 1);
	owner("lchown_5_owner", "l");
	owner("lchown_5_target", "f");
	chown_case("fchownat_empty_7", "f", 7, 8, 2);
	owner("fchownat_empty_7_owner", "f");
	chown_case("fchownat_empty_unmapped", "f", 70000, -1, 2);
	chown_case("fchown_9", "f", 9, 10, 3);
	owner("fchown_9_owner", "f");
	chown_case("fchown_unmapped", "f", 70000, -1, 3);

	/* Files for the unprivileged cases. */
	open_case("mk_own600", "own600", O_CREAT | O_WRONLY);
	open_case("mk_root600", "root600", O_CREAT | O_WRONLY);
	open_case("mk_root644", "root644", O_CREAT | O_WRONLY);
	open_case("mk_grp640", "grp640", O_CREAT | O_WRONLY);
	if (chown(at("own600"), 1000, 1000) < 0 ||
	    chmod(at("own600"), 0600) < 0 || chmod(at("root600"), 0600) < 0 ||
	    chown(at("grp640"), 0, 2000) < 0 || chmod(at("grp640"), 0640) < 0 ||
	    mkdir(at("pub"), 0777) < 0 || chmod(at("pub"), 0777) < 0)
		printf("setup %s\n", ename(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(as_user());
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || st != 0)
		printf("as_user_exit %d\n", st);
}

/* -u: the same cases in a new user namespace (0..65535 -> 100000..). */
static int in_userns(void)
{
	int go[2], ready[2], st;
	char path[64], c = 0;
	pid_t pid;

	if (pipe(go) < 0 || pipe(ready) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(2);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(3);
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0 ||
		    setgroups(0, NULL) < 0)
			_exit(4);
		run_cases();
		printf("done 0\n");
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		return 1;
	for (int i = 0; i < 2; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/%s", pid,
			 i ? "gid_map" : "uid_map");
		f = fopen(path, "w");
		if (f == NULL || fprintf(f, "0 100000 65536\n") < 0 ||
		    fclose(f) != 0) {
			perror(path);
			return 1;
		}
	}
	if (write(go[1], &c, 1) != 1 || waitpid(pid, &st, 0) < 0)
		return 1;
	return st == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	bool userns = argc == 3 && strcmp(argv[1], "-u") == 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	if (argc != 2 && !userns) {
		fprintf(stderr, "usage: fs_ids [-u] DIR\n");
		return 2;
	}
	dir = argv[argc - 1];
	if (userns)
		return in_userns();
	run_cases();
	printf("done 0\n");
	return 0;
}
