/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespaces of the workload. See namespaces.h.
 */
#include "runsc/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/pidmap.h"

int ns_clone_flag(enum oci_ns_type t)
{
	switch (t) {
	case OCI_NS_PID:
		return CLONE_NEWPID;
	case OCI_NS_NETWORK:
		return CLONE_NEWNET;
	case OCI_NS_MOUNT:
		return CLONE_NEWNS;
	case OCI_NS_IPC:
		return CLONE_NEWIPC;
	case OCI_NS_UTS:
		return CLONE_NEWUTS;
	case OCI_NS_USER:
		return CLONE_NEWUSER;
	case OCI_NS_CGROUP:
		return CLONE_NEWCGROUP;
	case OCI_NS_TIME:
		return CLONE_NEWTIME;
	default:
		return 0;
	}
}

static bool same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Whether fd (a namespace of type name) is the host's: runsc's own or
 * pid 1's. */
static bool is_host_ns(int fd, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (same_file(fd, path))
		return true;
	snprintf(path, sizeof(path), "/proc/1/ns/%s", name);
	return same_file(fd, path);
}

/* A cvisor sandbox's pid namespace stands for its container's
 * (pidmap_container_pidns): *fd is replaced by that one. */
static int sandbox_pidns(int *fd, size_t i, const char *path,
			 struct cv_error **err)
{
	int cfd, ret = pidmap_container_pidns(*fd, path, &cfd);

	if (ret < 0) {
		close(*fd);
		*fd = -1;
		return cv_error_set(err, -ret, "linux.namespaces[%zu].path: "
				    "%s: a cvisor sandbox's pid namespace, "
				    "its container's init gone", i, path);
	}
	if (cfd >= 0) {
		close(*fd);
		*fd = cfd;
	}
	return 0;
}

static int plan_entry(const struct oci_namespace *ns, size_t i,
		      struct ns_plan *p, struct cv_error **err)
{
	if (ns->type == OCI_NS_TIME)
		return cv_error_setx(err, "linux.namespaces[%zu]: time "
				     "namespaces are not supported", i);
	/* The sandbox always builds its own mount namespaces: a joined one
	 * is where the gofer builds the root, in a private copy of it. */
	if (ns->type == OCI_NS_MOUNT && ns->path == NULL)
		return 0;
	if (ns->path != NULL) {
		int fd = open(ns->path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return cv_error_set(err, errno,
					    "linux.namespaces[%zu].path: %s",
					    i, ns->path);
		if (ns->type == OCI_NS_MOUNT && is_host_ns(fd, "mnt")) {
			close(fd);
			return cv_error_setx(err, "linux.namespaces[%zu].path: "
					     "%s: the host's mount namespace "
					     "cannot be the container's", i,
					     ns->path);
		}
		/* a cvisor sandbox's path stands for its container's */
		if (ns->type == OCI_NS_PID && sandbox_pidns(&fd, i, ns->path,
							   err) < 0)
			return -1;
		if (ns->type == OCI_NS_PID && is_host_ns(fd, "pid")) {
			close(fd);
			return cv_error_setx(err, "linux.namespaces[%zu].path: "
					     "%s: the host's pid namespace "
					     "cannot be the container's", i,
					     ns->path);
		}
		if (p->join_fd[ns->type] >= 0)
			close(p->join_fd[ns->type]);
		p->join_fd[ns->type] = fd;
		return 0;
	}
	switch (ns->type) {
	case OCI_NS_PID:
		p->new_pid = true;
		break;
	case OCI_NS_USER:
		p->new_user = true;
		break;
	case OCI_NS_NETWORK:
		p->new_net = true;
		/* fall through */
	default:
		p->unshare_flags |= ns_clone_flag(ns->type);
		if (ns->type == OCI_NS_UTS)
			p->new_uts = true;
	}
	return 0;
}

static bool own_ns(const struct ns_plan *p, enum oci_ns_type t,
		   const char *name)
{
	if (p->unshare_flags & ns_clone_flag(t))
		return true;
	return p->join_fd[t] >= 0 && !is_host_ns(p->join_fd[t], name);
}

int ns_plan_build(const struct oci_spec *spec, enum network_mode net,
		  struct ns_plan *p, struct cv_error **err)
{
	*p = (struct ns_plan){ 0 };
	for (int t = 0; t < OCI_NS__COUNT; t++)
		p->join_fd[t] = -1;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
		const struct oci_namespace *ns = &spec->linux_.namespaces[i];

		if (ns->type == OCI_NS_NETWORK && net != NETWORK_SANDBOX)
			continue;
		if (plan_entry(ns, i, p, err) < 0) {
			ns_plan_close(p);
			return -1;
		}
	}
	/* The workload would see, and as root signal, the host's
	 * processes (docker run --pid=host): refused, as the host's mount
	 * namespace is. */
	if (!p->new_pid && p->join_fd[OCI_NS_PID] < 0) {
		ns_plan_close(p);
		return cv_error_setx(err, "linux.namespaces: no pid namespace: "
				     "the host's pid namespace cannot be the "
				     "container's (add {\"type\": \"pid\"})");
	}
	if (net == NETWORK_NONE) {
		p->new_net = true;
		p->unshare_flags |= CLONE_NEWNET;
	}
	if (p->new_user && (spec->linux_.n_uid_mappings == 0 ||
			    spec->linux_.n_gid_mappings == 0)) {
		ns_plan_close(p);
		return cv_error_setx(err, "linux.%s: required with a new user "
				     "namespace",
				     spec->linux_.n_uid_mappings == 0 ?
					     "uidMappings" : "gidMappings");
	}
	p->own_net = own_ns(p, OCI_NS_NETWORK, "net");
	p->own_ipc = own_ns(p, OCI_NS_IPC, "ipc");
	p->own_uts = own_ns(p, OCI_NS_UTS, "uts");
	return 0;
}

void ns_plan_close(struct ns_plan *p)
{
	for (int t = 0; t < OCI_NS__COUNT; t++) {
		if (p->join_fd[t] >= 0)
			close(p->join_fd[t]);
		p->join_fd[t] = -1;
	}
}

static const enum oci_ns_type pod_types[] = {
	OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS,
};

int ns_join_pod(struct ns_plan *p, struct cv_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(pod_types); i++) {
		enum oci_ns_type t = pod_types[i];

		if (p->join_fd[t] < 0)
			continue;
		if (setns(p->join_fd[t], ns_clone_flag(t)) < 0)
			return cv_error_set(err, errno, "join the %s namespace",
					    oci_ns_type_name(t));
		close(p->join_fd[t]);
		p->join_fd[t] = -1;
	}
	return 0;
}

int ns_create_pod(struct ns_plan *p, struct cv_error **err)
{
	int create = 0;

	for (size_t i = 0; i < ARRAY_SIZE(pod_types); i++)
		create |= p->unshare_flags & ns_clone_flag(pod_types[i]);
	if (create == 0)
		return 0;
	if (p->new_user || p->join_fd[OCI_NS_USER] >= 0) {
		p->late_flags = create;
		return 0;
	}
	if (unshare(create) < 0)
		return cv_error_set(err, errno, "new namespaces for the sandbox");
	p->unshare_flags &= ~create;
	if ((create & CLONE_NEWNET) && ns_loopback_up(err) < 0)
		return -1;
	return 0;
}

int ns_enter_pod(struct ns_plan *p, struct cv_error **err)
{
	if (ns_join_pod(p, err) < 0)
		return -1;
	return ns_create_pod(p, err);
}

int ns_join_pid(pid_t pid, int flags, struct cv_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(pod_types); i++) {
		int flag = ns_clone_flag(pod_types[i]);
		const char *name = pod_types[i] == OCI_NS_NETWORK ? "net" :
				   oci_ns_type_name(pod_types[i]);
		cleanup_close int fd = -1;
		char path[64];

		if (!(flags & flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, flag) < 0)
			return cv_error_set(err, errno, "join %s", path);
	}
	return 0;
}

int ns_join_others(const struct ns_plan *p, struct cv_error **err)
{
	for (int t = 0; t < OCI_NS__COUNT; t++) {
		if (t == OCI_NS_USER || t == OCI_NS_PID || t == OCI_NS_MOUNT ||
		    p->join_fd[t] < 0)
			continue;
		if (setns(p->join_fd[t], ns_clone_flag(t)) < 0)
			return cv_error_set(err, errno, "join the %s namespace",
					    oci_ns_type_name(t));
	}
	return 0;
}

int ns_enter_mount(const struct ns_plan *p, struct cv_error **err)
{
	int fd = p->join_fd[OCI_NS_MOUNT];

	if (fd >= 0 && setns(fd, CLONE_NEWNS) < 0)
		return cv_error_set(err, errno, "linux.namespaces: join the "
				    "mount namespace");
	/* A private copy: the joined namespace is never changed. */
	if (unshare(CLONE_NEWNS) < 0)
		return cv_error_set(err, errno, "unshare the mount namespace");
	return 0;
}

static int write_map(pid_t pid, const char *file,
		     const struct oci_id_mapping *m, size_t n,
		     struct cv_error **err)
{
	char path[64], buf[4096];
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + off, sizeof(buf) - off, "%u %u %u\n",
				 m[i].container_id, m[i].host_id, m[i].size);

		if (w < 0 || (size_t)w >= sizeof(buf) - off)
			return cv_error_setx(err, "%s: too many mappings",
					     file);
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return cv_write_string(path, buf, err);
}

int ns_write_id_maps(pid_t pid, const struct oci_spec *spec,
		     struct cv_error **err)
{
	const struct oci_linux *l = &spec->linux_;

	if (write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings,
		      err) < 0)
		return cv_error_wrap(err, "linux.uidMappings");
	if (write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings,
		      err) < 0)
		return cv_error_wrap(err, "linux.gidMappings");
	return 0;
}

int ns_loopback_up(struct cv_error **err)
{
	cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	if (s < 0)
		return cv_error_set(err, errno, "loopback: socket");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return cv_error_set(err, errno, "loopback: get flags");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return cv_error_set(err, errno, "loopback: up");
	return 0;
}

/* The inode of the user namespace owning /proc/self/ns/<name>; 0 if the
 * caller may not have it. */
static ino_t owner_ino(const char *name, ino_t *self)
{
	char path[64];
	cleanup_close int fd = -1, owner = -1;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return 0;
	*self = st.st_ino;
	owner = ioctl(fd, NS_GET_USERNS);
	if (owner < 0 || fstat(owner, &st) < 0)
		return 0;
	return st.st_ino;
}

void ns_owned_list(char *buf, size_t len)
{
	static const char *const names[] = { "cgroup", "ipc", "mnt", "net",
					     "pid", "time", "uts" };
	struct stat user;
	size_t off = 0;
	ino_t ns = 0;

	buf[0] = '\0';
	if (stat("/proc/self/ns/user", &user) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		int n;

		if (owner_ino(names[i], &ns) != user.st_ino)
			continue;
		n = snprintf(buf + off, len - off, "%s%lu", off ? "," : "",
			     (unsigned long)ns);
		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0';
			return;
		}
		off += (size_t)n;
	}
}
