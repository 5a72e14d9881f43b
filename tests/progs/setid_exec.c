/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a set-user-ID, set-group-ID or file-capability exec gives a
 * process (tests/escape/setid_exec.sh). "setid_exec cases DIR" runs, as
 * a non-root user, each program planted in DIR (and two it makes
 * set-id itself, in /tmp) as "setid_exec report NAME", which prints one
 * line:
 *
 *   NAME uid=R,E,S gid=R,E,S groups=N capeff=X capprm=X
 *        st_uid=R,E,S st_gid=R,E,S root600=ok|ERRNO
 *
 * uid, gid, groups and the capabilities come from getresuid, getresgid,
 * getgroups and capget: PASS rows, so the kernel's own credentials. st_
 * are /proc/self/status (the sentry's record of them, in the sandbox);
 * root600 is the open of a 0600 file of root's (DIR/root600), which the
 * gofer makes with the credentials the sentry holds for the task.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static char dir[256];

/* "R,E,S" of the first three numbers after "key:" in /proc/self/status. */
static void status_ids(const char *key, char *out, size_t len)
{
	char line[256];
	unsigned long a, b, c;
	FILE *f = fopen("/proc/self/status", "re");

	snprintf(out, len, "?");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, strlen(key)) != 0)
			continue;
		if (sscanf(line + strlen(key), "%lu %lu %lu", &a, &b, &c) == 3)
			snprintf(out, len, "%lu,%lu,%lu", a, b, c);
		break;
	}
	fclose(f);
}

static int report(const char *name)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };
	uid_t r, e, s;
	gid_t gr, ge, gs;
	char su[64], sg[64], p[300];
	uint64_t eff, prm;
	int fd, err = 0;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	if (syscall(SYS_capget, &h, d) < 0)
		return 1;
	eff = d[0].effective | (uint64_t)d[1].effective << 32;
	prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	status_ids("Uid:", su, sizeof(su));
	status_ids("Gid:", sg, sizeof(sg));
	snprintf(p, sizeof(p), "%s/root600", dir);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = errno;
	else
		close(fd);
	case_out(name, "uid=%u,%u,%u gid=%u,%u,%u groups=%d capeff=%" PRIx64
		 " capprm=%" PRIx64 " st_uid=%s st_gid=%s root600=%s",
		 r, e, s, gr, ge, gs, getgroups(0, NULL), eff, prm, su, sg,
		 ename(err));
	return 0;
}

static void run(const char *path, const char *name)
{
	char *argv[] = { (char *)"setid_exec", (char *)"report",
			 (char *)name, (char *)dir, NULL };
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execv(path, argv);
		case_out(name, "exec %s", ename(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		case_out(name, "child %s", pid < 0 ? "fork failed" : wstatus(st));
}

/* A copy of DIR/plain the caller owns, made set-id by the caller. */
static void own_copy(const char *to, mode_t mode, const char *name)
{
	char from[300], buf[65536];
	struct stat sb;
	ssize_t n;
	int in, out;

	snprintf(from, sizeof(from), "%s/plain", dir);
	in = open(from, O_RDONLY | O_CLOEXEC);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (in < 0 || out < 0) {
		case_out(name, "copy %s", ename(errno));
		return;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			break;
	close(in);
	if (fchmod(out, mode) < 0 || fstat(out, &sb) < 0)
		case_out(name, "chmod %s", ename(errno));
	close(out);
	/* the attack is real only if the bit is on the file */
	case_out(name, "mode %o owner %u:%u", (unsigned)(sb.st_mode & 07777),
		 sb.st_uid, sb.st_gid);
}

static int cases(void)
{
	static const char *const planted[] = { "plain", "suid_root", "sgid",
					       "fcap" };
	char p[300];

	report("self");
	for (size_t i = 0; i < sizeof(planted) / sizeof(planted[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, planted[i]);
		run(p, planted[i]);
	}
	own_copy("/tmp/own_suid", 04755, "own_suid_made");
	run("/tmp/own_suid", "own_suid");
	own_copy("/tmp/own_sgid", 02755, "own_sgid_made");
	run("/tmp/own_sgid", "own_sgid");
	printf("done 0\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || strlen(argv[argc - 1]) >= sizeof(dir)) {
		fprintf(stderr, "usage: setid_exec cases DIR | "
				"report NAME DIR\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s", argv[argc - 1]);
	if (strcmp(argv[1], "cases") == 0)
		return cases();
	if (strcmp(argv[1], "report") == 0 && argc == 4)
		return report(argv[2]);
	return 2;
}
