// SPDX-License-Identifier: Apache-2.0
/*
 * Capabilities in a user namespace apply only to inodes whose owner and
 * group are mapped in it (the kernel's capable_wrt_inode_uidgid): root in
 * the namespace, with CAP_DAC_OVERRIDE, CAP_FOWNER and CAP_CHOWN, tries to
 * write, chmod, chown, utime, truncate, link and unlink files owned by
 * host root (unmapped) and by mapped ids. Prints "name result" per case,
 * then "done 0"; tests/escape/userns_caps.sh runs it natively in a user
 * namespace with the sandbox's mappings and in the sandbox, and compares.
 *
 *   userns_caps [-u] [-d] DIR
 *
 * DIR (owned by the namespace's root, 0755) holds rootf (0:0 0644),
 * root600 (0:0 0600), rootdir/ (0:0 0755) with rootdir/f, mine (the
 * namespace's root, 0644) and u5 (container uid/gid 5, 0600).
 * -u: run in a new user namespace mapping 0..65535 to 100000.. (native).
 * -d: also the /dev cases (sandbox only: ownership and chmod of nodes).
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
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "progs.h"

static const char *dir;

static void res(const char *name, int ret)
{
	printf("%s %s\n", name, ename(ret < 0 ? errno : 0));
}

static char *at(const char *name)
{
	static char path[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
	return path[i];
}

static int open_close(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static void owner(const char *name, const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		printf("%s %s\n", name, ename(errno));
	else
		printf("%s %u:%u\n", name, st.st_uid, st.st_gid);
}

static void run_cases(bool dev)
{
	struct timespec t[2] = { { 1, 0 }, { 1, 0 } };

	/* host root's files: the capabilities do not apply */
	owner("owner_rootf", at("rootf"));
	res("write_rootf", open_close(at("rootf"), O_WRONLY));
	res("read_root600", open_close(at("root600"), O_RDONLY));
	res("chmod_rootf", chmod(at("rootf"), 0666));
	res("chown_rootf", chown(at("rootf"), 0, 0));
	res("chgrp_rootf", chown(at("rootf"), -1, 0));
	res("utime_now_rootf", utimensat(AT_FDCWD, at("rootf"), NULL, 0));
	res("utime_set_rootf", utimensat(AT_FDCWD, at("rootf"), t, 0));
	res("truncate_rootf", truncate(at("rootf"), 0));
	res("xattr_rootf", setxattr(at("rootf"), "user.t", "1", 1, 0));
	res("link_rootf", link(at("rootf"), at("lnk")));
	res("create_rootdir", open_close(at("rootdir/new"), O_CREAT | O_WRONLY));
	res("mkdir_rootdir", mkdir(at("rootdir/d"), 0755));
	res("unlink_rootdir_f", unlink(at("rootdir/f")));
	res("rename_into_rootdir", rename(at("mine2"), at("rootdir/x")));
	/* mapped owners: they do */
	res("write_mine", open_close(at("mine"), O_WRONLY));
	res("chmod_mine", chmod(at("mine"), 0600));
	res("chown_mine", chown(at("mine"), 1000, 1000));
	owner("owner_mine", at("mine"));
	res("write_u5", open_close(at("u5"), O_WRONLY));
	res("read_u5", open_close(at("u5"), O_RDONLY));
	res("chmod_u5", chmod(at("u5"), 0640));
	res("chown_u5", chown(at("u5"), 7, 7));
	res("utime_set_u5", utimensat(AT_FDCWD, at("u5"), t, 0));
	res("link_u5", link(at("u5"), at("lnk5")));
	/* the directory is ours: unlinking host root's file in it is fine */
	res("unlink_rootf", unlink(at("rootf")));
	if (!dev)
		return;
	owner("owner_dev", "/dev");
	owner("owner_devnull", "/dev/null");
	res("chmod_devnull", chmod("/dev/null", 0600));
	res("chown_devnull", chown("/dev/null", 0, 0));
	res("write_devnull", open_close("/dev/null", O_WRONLY));
	owner("owner_devshm", "/dev/shm");
	owner("owner_devpts_ptmx", "/dev/pts/ptmx");
	res("mkfile_dev", open_close("/dev/made", O_CREAT | O_WRONLY));
	owner("owner_dev_made", "/dev/made");
}

/* -u: the cases in a new user namespace (0..65535 -> 100000..). */
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
		run_cases(false);
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
	bool userns = false, dev = false;
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	umask(022);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-u") == 0)
			userns = true;
		else if (strcmp(argv[i], "-d") == 0)
			dev = true;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: userns_caps [-u] [-d] DIR\n");
		return 2;
	}
	dir = argv[i];
	if (userns)
		return in_userns();
	run_cases(dev);
	printf("done 0\n");
	return 0;
}
