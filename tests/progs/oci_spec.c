// SPDX-License-Identifier: Apache-2.0
/*
 * What a container's process sees of its OCI config, one "name value"
 * line per observation, so that tests/conformance/oci_spec.sh can run the
 * same bundle under runc and under cvisor and compare the lines.
 *
 *   oci_spec info            identity: hostname, NoNewPrivs (prctl and
 *                            status), rlimits, capability sets (status
 *                            and capget), getcwd, namespace links
 *   oci_spec path P...       stat, read, readdir and write of each P
 *   oci_spec cat F...        the content of each F on one line
 *   oci_spec mounts          /proc/self/mountinfo normalised: mount point,
 *                            per-mount options, propagation (ids dropped)
 *   oci_spec trap            catch every catchable signal: "ready", then
 *                            "caught N" for the first one
 *
 * Every mode but trap ends with "done 0".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "progs.h"

static const char *const rlimit_names[] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE",
	"MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO",
	"RTTIME",
};

static void status_line(const char *key, const char *name)
{
	char line[256];
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL) {
		printf("%s %s\n", name, ename(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			char *v = line + n + 1;

			v += strspn(v, " \t");
			printf("%s %s", name, v);
			fclose(f);
			return;
		}
	}
	printf("%s (missing)\n", name);
	fclose(f);
}

static void print_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned long long bset, amb;
	static const char *const sets[] = { "CapInh", "CapPrm", "CapEff",
					     "CapBnd", "CapAmb" };

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		status_line(sets[i], sets[i]);
	if (syscall(SYS_capget, &h, d) < 0) {
		printf("capget %s\n", ename(errno));
		return;
	}
	printf("capget eff=%08x%08x prm=%08x%08x inh=%08x%08x\n",
	       d[1].effective, d[0].effective, d[1].permitted, d[0].permitted,
	       d[1].inheritable, d[0].inheritable);
	bset = amb = 0;
	for (int c = 0; c < 64; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			bset |= 1ULL << c;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			amb |= 1ULL << c;
	}
	printf("prctl bset=%016llx ambient=%016llx\n", bset, amb);
}

static void print_ns(void)
{
	static const char *const ns[] = { "cgroup", "ipc", "mnt", "net",
					   "pid", "user", "uts" };
	char path[64], link[128];

	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0) {
			printf("ns_%s %s\n", ns[i], ename(errno));
			continue;
		}
		link[n] = '\0';
		printf("ns_%s %s\n", ns[i], link);
	}
}

static int info(void)
{
	struct utsname u;
	char cwd[4096];

	if (uname(&u) == 0)
		printf("hostname [%s]\n", u.nodename);
	else
		printf("hostname %s\n", ename(errno));
	printf("nnp_prctl %d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	status_line("NoNewPrivs", "nnp_status");
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		struct rlimit rl;

		if (getrlimit(r, &rl) < 0)
			printf("rlimit_%s %s\n", rlimit_names[r], ename(errno));
		else
			printf("rlimit_%s %lld %lld\n", rlimit_names[r],
			       (long long)rl.rlim_cur, (long long)rl.rlim_max);
	}
	print_caps();
	printf("getcwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : ename(errno));
	print_ns();
	return 0;
}

static char type_char(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return 'f';
	case S_IFDIR: return 'd';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFLNK: return 'l';
	case S_IFIFO: return 'p';
	case S_IFSOCK: return 's';
	}
	return '?';
}

static void one_path(const char *p)
{
	struct stat st;
	char buf[64];
	int fd;

	if (stat(p, &st) < 0) {
		printf("stat:%s %s\n", p, ename(errno));
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		printf("stat:%s %c %o %u:%u\n", p, type_char(st.st_mode),
		       st.st_mode & 07777, major(st.st_rdev),
		       minor(st.st_rdev));
	} else {
		printf("stat:%s %c %o\n", p, type_char(st.st_mode),
		       st.st_mode & 07777);
	}
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		printf("read:%s open %s\n", p, ename(errno));
	} else {
		ssize_t n = read(fd, buf, sizeof(buf));

		printf("read:%s %s\n", p, n < 0 ? ename(errno) :
		       n == 0 ? "empty" : "data");
		close(fd);
	}
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(p);
		int count = 0;
		struct dirent *e;

		while (d != NULL && (e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				count++;
		printf("readdir:%s %s\n", p,
		       d == NULL ? ename(errno) : count ? "entries" : "empty");
		if (d != NULL)
			closedir(d);
		snprintf(buf, sizeof(buf), "%s/.oci_spec_probe", p);
		fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		printf("create:%s %s\n", p, ename(fd < 0 ? errno : 0));
		if (fd >= 0) {
			close(fd);
			unlink(buf);
		}
		return;
	}
	fd = open(p, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		printf("write:%s open %s\n", p, ename(errno));
	} else {
		/* only a mask (/dev/null) may take it: nothing is changed */
		ssize_t n = S_ISCHR(st.st_mode) ? write(fd, "\n", 1) : 0;

		printf("write:%s %s\n", p, ename(n < 0 ? errno : 0));
		close(fd);
	}
}

static void cat(const char *p)
{
	char buf[512];
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		printf("cat:%s %s\n", p, ename(errno));
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		printf("cat:%s read %s\n", p, ename(errno));
		return;
	}
	buf[n] = '\0';
	/* one line, white space squeezed (as the comparison reads it) */
	printf("cat:%s [", p);
	for (char *c = buf; *c; c++) {
		bool space = *c == '\n' || *c == '\t' || *c == ' ';

		if (!space || (c[1] != '\n' && c[1] != '\t' && c[1] != ' '))
			putchar(space ? ' ' : *c);
	}
	printf("]\n");
}

/*
 * One line per mount, keyed by its mount point, and one line of the mount
 * points in order: "mount:POINT OPTIONS [OPTIONAL] FSTYPE" where the
 * optional fields keep their names (shared:N -> shared). Ids, devices,
 * root, source and super options are the host's business.
 */
static int mounts(void)
{
	char line[4096], order[8192] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (f == NULL) {
		printf("mountinfo %s\n", ename(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *tok[64], *save = NULL, *t;
		char opt[256] = "";
		int n = 0, i;

		for (t = strtok_r(line, " \n", &save); t && n < 64;
		     t = strtok_r(NULL, " \n", &save))
			tok[n++] = t;
		if (n < 8)
			continue;
		for (i = 6; i < n && strcmp(tok[i], "-"); i++) {
			char *colon = strchr(tok[i], ':');

			if (colon != NULL)
				*colon = '\0';
			snprintf(opt + strlen(opt), sizeof(opt) - strlen(opt),
				 "%s%s", opt[0] ? " " : "", tok[i]);
		}
		if (i + 1 >= n)
			continue;
		printf("mount:%s %s [%s] %s\n", tok[4], tok[5], opt, tok[i + 1]);
		snprintf(order + strlen(order), sizeof(order) - strlen(order),
			 " %s", tok[4]);
	}
	fclose(f);
	printf("order%s\n", order);
	return 0;
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	if (caught == 0)
		caught = sig;
}

static int trap(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t none;

	sigfillset(&sa.sa_mask);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	printf("ready\n");
	fflush(stdout);
	while (caught == 0)
		pause();
	printf("caught %d\n", (int)caught);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "trap") == 0)
		return trap();
	if (strcmp(argv[1], "info") == 0)
		info();
	else if (strcmp(argv[1], "mounts") == 0)
		mounts();
	else if (strcmp(argv[1], "path") == 0)
		for (int i = 2; i < argc; i++)
			one_path(argv[i]);
	else if (strcmp(argv[1], "cat") == 0)
		for (int i = 2; i < argc; i++)
			cat(argv[i]);
	else
		return 2;
	printf("done 0\n");
	return 0;
}
