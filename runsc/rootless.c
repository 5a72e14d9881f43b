/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rootless containers (runsc run by a user that is not root, as from
 * "runsc spec --rootless"). The sandbox cannot make mount namespaces or
 * mounts in the host's user namespace, so it enters the container's user
 * namespace first, before anything else, and does everything from there
 * as that namespace's root:
 *
 *   runsc create ──fork──> sandbox: unshare(CLONE_NEWUSER), USERNS ──>
 *   runsc create: writes the id maps (own ids directly, as an unprivileged
 *   process may, after "deny" in setgroups; other maps through the setuid
 *   newuidmap/newgidmap of the uidmap package), GO ──> sandbox:
 *   setresuid/setresgid(0), then the gofer, the init and the sentry as
 *   without a user namespace.
 *
 * Inside it, the namespace is the world: the sandbox works on a view of
 * the spec without the user namespace (the ids it sees are already the
 * container's), so the gofer, the init's namespaces and the sentry's id
 * translation are those of a container without one. What the namespace's
 * root cannot do degrades as with runc: device nodes are bound from the
 * host (devices.c), no cgroup when none is writable (cgroup_rootless.c).
 *
 * A user that is root of a user namespace it is already in (rootless
 * podman runs the runtime so) is not handled here: it can make mount
 * namespaces itself; only the cgroup rules apply to it.
 */
#include "runsc/rootless.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runsc/cgroup.h"

bool rootless_needs_userns(void)
{
	return geteuid() != 0;
}

/*
 * runc's rule for its default --root: $XDG_RUNTIME_DIR/runc for a user
 * that is not root, or root of a user namespace other than USER=root
 * (rootless podman runs the runtime so, and expects it); the host's root
 * keeps /run whatever XDG_RUNTIME_DIR says.
 */
char *rootless_default_root(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *user = getenv("USER");
	char *out = NULL;

	if (xdg == NULL || xdg[0] != '/')
		return NULL;
	if (geteuid() == 0 &&
	    (!cgroup_is_rootless() || (user != NULL && !strcmp(user, "root"))))
		return NULL;
	if (asprintf(&out, "%s/cvisor", xdg) < 0)
		return NULL;
	return out;
}

int rootless_check(const struct oci_spec *spec, struct cv_error **err)
{
	const struct oci_namespace *ns;

	if (!rootless_needs_userns())
		return 0;
	ns = oci_spec_namespace(spec, OCI_NS_USER);
	if (ns == NULL)
		return cv_error_setx(err, "linux.namespaces: running as uid %u "
				     "(not root) needs a user namespace "
				     "(runsc spec --rootless makes one)",
				     (unsigned)geteuid());
	if (ns->path != NULL)
		return cv_error_setx(err, "linux.namespaces: joining a user "
				     "namespace by path is not supported "
				     "when running as uid %u (not root)",
				     (unsigned)geteuid());
	return 0;
}

/* Only the caller's own id, mapped once: what it may write itself. */
static bool own_map(const struct oci_id_mapping *m, size_t n, unsigned id)
{
	return n == 1 && m[0].size == 1 && m[0].host_id == id;
}

static int map_text(const struct oci_id_mapping *m, size_t n, char *buf,
		    size_t len)
{
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + off, len - off, "%u %u %u\n",
				 m[i].container_id, m[i].host_id, m[i].size);

		if (w < 0 || (size_t)w >= len - off)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

static int write_direct(pid_t pid, const char *file,
			const struct oci_id_mapping *m, size_t n,
			struct cv_error **err)
{
	char path[64], buf[4096];

	if (map_text(m, n, buf, sizeof(buf)) < 0)
		return cv_error_setx(err, "too many mappings");
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return cv_write_string(path, buf, err);
}

/* A new user namespace whose maps runsc create writes (maps_written
 * returns once it did), then its root; what names it in errors, hint is
 * added to the error of becoming root. */
static int enter_userns(const char *what, const char *hint,
			int (*maps_written)(void *), void *arg,
			struct cv_error **err)
{
	if (unshare(CLONE_NEWUSER) < 0)
		return cv_error_set(err, errno, "%s", what);
	if (maps_written(arg) < 0)
		return cv_error_setx(err, "%s: the id maps were not written",
				     what);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return cv_error_set(err, errno, "%s: become root%s", what,
				    hint);
	return 0;
}
/* newuidmap PID ID HOSTID SIZE... (setuid root, checks /etc/subuid). */
static int write_helper(pid_t pid, const char *helper,
			const struct oci_id_mapping *m, size_t n,
			struct cv_error **err)
{
	char **argv = calloc(3 * n + 3, sizeof(char *));
	int status = 0;
	size_t k = 0;
	pid_t child;

	if (argv == NULL)
		return cv_error_set(err, ENOMEM, "%s", helper);
	argv[k++] = (char *)helper;
	if (asprintf(&argv[k++], "%d", (int)pid) < 0)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		if (asprintf(&argv[k++], "%u", m[i].container_id) < 0 ||
		    asprintf(&argv[k++], "%u", m[i].host_id) < 0 ||
		    asprintf(&argv[k++], "%u", m[i].size) < 0)
			goto nomem;
	child = fork();
	if (child == 0) {
		execvp(helper, argv);
		fprintf(stderr, "runsc: %s: %s\n", helper, strerror(errno));
		_exit(127);
	}
	while (child > 0 && waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	for (size_t i = 1; i < k; i++)
		free(argv[i]);
	free(argv);
	if (child < 0)
		return cv_error_set(err, errno, "fork %s", helper);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return cv_error_setx(err, "%s failed (exit %d%s): mapping ids "
				     "other than your own needs it (package "
				     "uidmap) and /etc/sub%cid entries", helper,
				     WIFEXITED(status) ? WEXITSTATUS(status) :
							 -1,
				     WEXITSTATUS(status) == 127 ?
					     ", not installed?" : "",
				     helper[3] == 'u' ? 'u' : 'g');
	return 0;
nomem:
	for (size_t i = 1; i < k; i++)
		free(argv[i]);
	free(argv);
	return cv_error_set(err, ENOMEM, "%s", helper);
}

int rootless_write_maps(pid_t pid, const struct oci_spec *spec,
			struct cv_error **err)
{
	const struct oci_linux *l = &spec->linux_;
	char path[64];
	int r;

	if (own_map(l->uid_mappings, l->n_uid_mappings, geteuid()))
		r = write_direct(pid, "uid_map", l->uid_mappings,
				 l->n_uid_mappings, err);
	else
		r = write_helper(pid, "newuidmap", l->uid_mappings,
				 l->n_uid_mappings, err);
	if (r < 0)
		return cv_error_wrap(err, "linux.uidMappings");
	if (own_map(l->gid_mappings, l->n_gid_mappings, getegid())) {
		/* An unprivileged writer must give up setgroups first. */
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		r = cv_write_string(path, "deny", err);
		if (r == 0)
			r = write_direct(pid, "gid_map", l->gid_mappings,
					 l->n_gid_mappings, err);
	} else {
		r = write_helper(pid, "newgidmap", l->gid_mappings,
				 l->n_gid_mappings, err);
	}
	return r < 0 ? cv_error_wrap(err, "linux.gidMappings") : 0;
}

int rootless_view(const struct oci_spec *spec, struct oci_spec **view,
		  struct cv_error **err)
{
	struct oci_spec *v;
	struct oci_namespace *ns;
	size_t k = 0;

	*view = NULL;
	v = malloc(sizeof(*v));
	ns = calloc(spec->linux_.n_namespaces + 1, sizeof(*ns));
	if (v == NULL || ns == NULL) {
		free(v);
		free(ns);
		return cv_error_set(err, ENOMEM, "rootless");
	}
	*v = *spec;
	for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
		if (spec->linux_.namespaces[i].type != OCI_NS_USER)
			ns[k++] = spec->linux_.namespaces[i];
	v->linux_.namespaces = ns;
	v->linux_.n_namespaces = k;
	v->linux_.uid_mappings = v->linux_.gid_mappings = NULL;
	v->linux_.n_uid_mappings = v->linux_.n_gid_mappings = 0;
	*view = v;
	return 0;
}

int rootless_enter(const struct oci_spec *spec, struct oci_spec **view,
		   int (*maps_written)(void *), void *arg,
		   struct cv_error **err)
{
	if (rootless_view(spec, view, err) < 0)
		return -1;
	if (enter_userns("user namespace", " (linux.uidMappings/gidMappings "
			 "must map 0)", maps_written, arg, err) < 0)
		return -1;
	/* The sentry mounts its procfs and tmpfs and confines itself to an
	 * empty root: in a mount namespace the user namespace owns. */
	if (unshare(CLONE_NEWNS) < 0)
		return cv_error_set(err, errno, "new mount namespace");
	return 0;
}

/*
 * The sandbox's own user namespace, as root (docs/security.md, "The
 * sandbox's user namespace"). Root of the host's user namespace, the
 * sandbox process unshares one whose maps, written by runsc create, are
 * the identity over every id: file ownership, the cgroup's files and the
 * console socket read the same from inside, but the capabilities the
 * sentry and the gofer keep are capabilities in it, over what it owns
 * (the container's namespaces, created after it; its processes) and not
 * over the host's processes or namespaces. A namespace that must be
 * joined by path other than the pod's net, ipc and uts (joined before)
 * belongs to another user namespace that the sandbox could not enter from
 * inside its own: then it keeps the host's, as before.
 */
static bool initial_userns(void)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned a, b, n;
	bool ok;

	if (f == NULL)
		return false;
	ok = fgets(buf, sizeof(buf), f) != NULL &&
	     sscanf(buf, "%u %u %u", &a, &b, &n) == 3 && a == 0 && b == 0 &&
	     n == 4294967295u && fgetc(f) == EOF;
	fclose(f);
	return ok;
}

/* runsc do's: the host's /proc, /sys... below it are locked together
 * with it in a mount namespace of a user namespace, and the gofer could
 * not detach them from its root (runsc/mounts.c drop_kernel_mounts). */
static bool rootfs_is_host_root(const struct oci_spec *spec)
{
	struct stat a, b;

	return spec->rootfs != NULL && stat(spec->rootfs, &a) == 0 &&
	       stat("/", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

bool sandbox_userns_wanted(const struct oci_spec *spec,
			   const int join_fd[OCI_NS__COUNT])
{
	if (geteuid() != 0 || !initial_userns() || rootfs_is_host_root(spec))
		return false;
	for (int t = 0; t < OCI_NS__COUNT; t++)
		if (join_fd[t] >= 0 && t != OCI_NS_NETWORK &&
		    t != OCI_NS_IPC && t != OCI_NS_UTS)
			return false;
	return true;
}

int sandbox_userns_write_maps(pid_t pid, struct cv_error **err)
{
	static const char map[] = "0 0 4294967295\n";
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if (cv_write_string(path, map, err) < 0)
		return cv_error_wrap(err, "the sandbox's user namespace");
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	if (cv_write_string(path, map, err) < 0)
		return cv_error_wrap(err, "the sandbox's user namespace");
	return 0;
}

int sandbox_userns_enter(int (*maps_written)(void *), void *arg,
			 struct cv_error **err)
{
	/* Already ids 0 (mapped to themselves); every capability in it. */
	if (enter_userns("the sandbox's user namespace", "", maps_written,
			 arg, err) < 0)
		return -1;
	/* The sentry's mounts (its procfs and tmpfs) need a mount namespace
	 * the user namespace owns (as rootless_enter's): a copy of the
	 * host's, whose mounts propagate into it. */
	if (unshare(CLONE_NEWNS) < 0)
		return cv_error_set(err, errno, "the sandbox's user namespace: "
				    "new mount namespace");
	return 0;
}

/*
 * The sentry binds the tasks' sockets (sentry/sock_creds.c): in a network
 * namespace the host's user namespace owns (joined by path: Docker's,
 * CRI's; the host's), a port below ip_unprivileged_port_start would need
 * CAP_NET_BIND_SERVICE over the host's, which the sandbox's namespace
 * does not give. So the sandbox takes it there only if no port is below
 * that: the sysctl is 0 in the spec (Docker sets it so) or already.
 */
bool sandbox_userns_ports_ok(const struct oci_spec *spec)
{
	const char *key = "net.ipv4.ip_unprivileged_port_start";
	char buf[32] = "";
	FILE *f;
	bool ok;

	for (size_t i = 0; i < spec->linux_.n_sysctl; i++)
		if (!strcmp(spec->linux_.sysctl[i].key, key))
			return atoi(spec->linux_.sysctl[i].value) == 0;
	f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
	if (f == NULL)
		return false;
	ok = fgets(buf, sizeof(buf), f) != NULL && atoi(buf) == 0;
	fclose(f);
	return ok;
}
