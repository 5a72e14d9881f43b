// SPDX-License-Identifier: Apache-2.0
/*
 * The files /proc/<pid>/ns/X lead to: their stat, the fds open gives
 * (fstat, statx, /proc/self/fd/N) and the NS_GET_* ioctls on them, as
 * lsns, nsenter and "ip netns identify" use them. Prints "name result"
 * per case, then "done 0"; tests/conformance/ns_files.sh runs it under
 * runc and under cvisor and compares. Namespaces differ between the two
 * containers, so results are relations (this fd is the namespace that
 * link names, the owner is the user namespace of ns/user) except for
 * the user namespace, which is the runtime's in both (without a user
 * namespace of the container's).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static const char *const names[] = {
	"cgroup", "ipc", "mnt", "net", "pid", "pid_for_children",
	"time", "time_for_children", "user", "uts",
};

static struct stat user_st;

static int ns_path(char *buf, size_t len, const char *pid, const char *name)
{
	return snprintf(buf, len, "/proc/%s/ns/%s", pid, name);
}

/* What namespace fd is, relative to the link's: "same", "user" (the
 * user namespace of ns/user), "other". */
static const char *relation(int fd, const struct stat *link)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return ename(errno);
	if (st.st_dev == link->st_dev && st.st_ino == link->st_ino)
		return "same";
	if (st.st_dev == user_st.st_dev && st.st_ino == user_st.st_ino)
		return "user";
	return "other";
}

static void stat_case(const char *name, const char *path, struct stat *st)
{
	char out[64], target[64], want[96];
	ssize_t n;

	snprintf(out, sizeof(out), "lstat_%s", name);
	if (lstat(path, st) < 0)
		case_out(out, "%s", ename(errno));
	else
		case_out(out, "%o", st->st_mode);
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	snprintf(out, sizeof(out), "stat_%s", name);
	if (stat(path, st) < 0) {
		case_out(out, "%s", ename(errno));
		return;
	}
	case_out(out, "mode=%o nlink=%lu uid=%u gid=%u size=%ld blksize=%ld "
		 "blocks=%ld dev=%u:%u", st->st_mode,
		 (unsigned long)st->st_nlink, st->st_uid, st->st_gid,
		 (long)st->st_size, (long)st->st_blksize, (long)st->st_blocks,
		 major(st->st_dev), minor(st->st_dev));
	/* pid_for_children names a "pid:[N]" */
	snprintf(want, sizeof(want), "%.*s:[%lu]",
		 (int)strcspn(name, "_"), name, (unsigned long)st->st_ino);
	snprintf(out, sizeof(out), "link_is_inode_%s", name);
	case_out(out, "%d", strcmp(target, want) == 0);
}

static void fd_cases(const char *name, int fd, const struct stat *st)
{
	char out[64], path[64], a[64], b[64];
	struct statx stx;
	ssize_t n;

	snprintf(out, sizeof(out), "fstat_%s", name);
	case_out(out, "%s", relation(fd, st));
	snprintf(out, sizeof(out), "statx_%s", name);
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
		case_out(out, "%s", ename(errno));
	else
		case_out(out, "%d mode=%o",
			 stx.stx_ino == st->st_ino &&
				 makedev(stx.stx_dev_major,
					 stx.stx_dev_minor) == st->st_dev,
			 stx.stx_mode);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, a, sizeof(a) - 1);
	a[n > 0 ? n : 0] = '\0';
	ns_path(path, sizeof(path), "self", name);
	n = readlink(path, b, sizeof(b) - 1);
	b[n > 0 ? n : 0] = '\0';
	snprintf(out, sizeof(out), "fdlink_%s", name);
	case_out(out, "%d", strcmp(a, b) == 0);
}

/* NS_GET_USERNS or NS_GET_PARENT: the relation of what it gives, its
 * type and close-on-exec flag, or the errno. */
static void related(const char *out, int fd, unsigned long req,
		    const struct stat *st)
{
	int r = ioctl(fd, req);

	if (r < 0) {
		case_out(out, "%s", ename(errno));
		return;
	}
	case_out(out, "%s type=%#x cloexec=%d", relation(r, st),
		 ioctl(r, NS_GET_NSTYPE), (fcntl(r, F_GETFD) & FD_CLOEXEC) != 0);
	close(r);
}

static void ioctl_cases(const char *name, int fd, const struct stat *st)
{
	char out[64];
	uid_t uid = 12345;

	snprintf(out, sizeof(out), "nstype_%s", name);
	case_out(out, "%#x", ioctl(fd, NS_GET_NSTYPE));
	snprintf(out, sizeof(out), "userns_%s", name);
	related(out, fd, NS_GET_USERNS, st);
	snprintf(out, sizeof(out), "parent_%s", name);
	related(out, fd, NS_GET_PARENT, st);
	snprintf(out, sizeof(out), "owner_uid_%s", name);
	if (ioctl(fd, NS_GET_OWNER_UID, &uid) < 0)
		case_out(out, "%s", ename(errno));
	else
		case_out(out, "%u", uid);
	snprintf(out, sizeof(out), "setns_%s", name);
	case_out(out, "%s", setns(fd, 0) < 0 ? ename(errno) : "ok");
}

static void one(const char *name)
{
	char path[64], out[64];
	struct stat st;
	int fd;

	ns_path(path, sizeof(path), "self", name);
	stat_case(name, path, &st);
	snprintf(out, sizeof(out), "open_%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	case_out(out, "%s", fd < 0 ? ename(errno) : "ok");
	if (fd >= 0) {
		fd_cases(name, fd, &st);
		ioctl_cases(name, fd, &st);
		close(fd);
	}
	snprintf(out, sizeof(out), "opath_%s", name);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		case_out(out, "%s", ename(errno));
	} else {
		case_out(out, "%s ioctl=%s", relation(fd, &st),
			 ioctl(fd, NS_GET_NSTYPE) < 0 ? ename(errno) : "ok");
		close(fd);
	}
	snprintf(out, sizeof(out), "open_write_%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	case_out(out, "%s", fd < 0 ? ename(errno) : "ok");
	if (fd >= 0)
		close(fd);
	snprintf(out, sizeof(out), "chmod_%s", name);
	case_out(out, "%s", chmod(path, 0444) < 0 ? ename(errno) : "ok");
	snprintf(out, sizeof(out), "chown_%s", name);
	case_out(out, "%s", chown(path, 0, 0) < 0 ? ename(errno) : "ok");
	snprintf(out, sizeof(out), "truncate_%s", name);
	case_out(out, "%s", truncate(path, 0) < 0 ? ename(errno) : "ok");
	snprintf(out, sizeof(out), "access_%s", name);
	case_out(out, "r=%s w=%s", access(path, R_OK) < 0 ? ename(errno) : "ok",
		 access(path, W_OK) < 0 ? ename(errno) : "ok");
}

/* The owner of the net namespace, then its owner and parent (above the
 * container's user namespace: none the caller may have). */
static void owner_chain(void)
{
	int net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int user = net >= 0 ? ioctl(net, NS_GET_USERNS) : -1;

	if (user < 0) {
		case_out("chain_owner", "%s", ename(errno));
	} else {
		case_out("chain_owner", "%s", relation(user, &user_st));
		related("chain_owner_owner", user, NS_GET_USERNS, &user_st);
		related("chain_owner_parent", user, NS_GET_PARENT, &user_st);
		close(user);
	}
	if (net >= 0)
		close(net);
}

/* A child's namespaces are its parent's ("ip netns identify" compares
 * the stat of /proc/<pid>/ns/net with the namespaces it knows). */
static void child_same(void)
{
	char path[64], pid[16];
	int p[2], st, same = 0;
	struct stat a, b;
	pid_t c;

	if (pipe(p) < 0)
		return;
	c = fork();
	if (c == 0) {
		char x;

		close(p[1]);
		(void)!read(p[0], &x, 1);
		_exit(0);
	}
	snprintf(pid, sizeof(pid), "%d", c);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ns_path(path, sizeof(path), pid, names[i]);
		if (stat(path, &a) < 0)
			continue;
		ns_path(path, sizeof(path), "self", names[i]);
		if (stat(path, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			same++;
	}
	close(p[1]);
	waitpid(c, &st, 0);
	case_out("child_same", "%d", same);
}

int main(void)
{
	int fd;

	if (stat("/proc/self/ns/user", &user_st) < 0)
		memset(&user_st, 0, sizeof(user_st));
	case_out("user_ino", "%lu", (unsigned long)user_st.st_ino);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		one(names[i]);
	owner_chain();
	child_same();
	fd = open("/proc/self/stat", O_RDONLY);
	case_out("nstype_procfile", "%s",
		 ioctl(fd, NS_GET_NSTYPE) < 0 ? ename(errno) : "ok");
	close(fd);
	case_out("nstype_badfd", "%s",
		 ioctl(999, NS_GET_NSTYPE) < 0 ? ename(errno) : "ok");
	case_out("done", "0");
	return 0;
}
