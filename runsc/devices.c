/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device nodes and links of the gofer's /dev. See devices.h.
 */
#include "runsc/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runsc/mounts.h"

static const char *const default_devices[] = {
	"/dev/null", "/dev/zero", "/dev/full",
	"/dev/random", "/dev/urandom", "/dev/tty",
};

static const struct {
	const char *target, *link;
} default_links[] = {
	{ "/proc/self/fd", "/dev/fd" },
	{ "/proc/self/fd/0", "/dev/stdin" },
	{ "/proc/self/fd/1", "/dev/stdout" },
	{ "/proc/self/fd/2", "/dev/stderr" },
	{ "pts/ptmx", "/dev/ptmx" },
};

/* An O_PATH directory fd -> a real one (closing the O_PATH one). */
static int reopen_dir(int opath)
{
	int fd = openat(opath, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int saved = errno;

	close(opath);
	errno = saved;
	return fd;
}

/*
 * Where the nodes go: the root being built (store false), or the /dev
 * tmpfs alone before the gofer attaches it (store true: its root is the
 * container's /dev, made in the host's user namespace, devices.h).
 */
struct dev_where {
	int fd;
	bool store;
};

static int dev_resolve(const struct dev_where *w, const char *path,
		       enum mount_create create, int *out,
		       struct cv_error **err)
{
	if (w->store) {
		if (strncmp(path, "/dev", 4) != 0 ||
		    (path[4] != '/' && path[4] != '\0'))
			return cv_error_setx(err, "%s: not under /dev", path);
		path = path[4] == '\0' ? "/" : path + 4;
	}
	return mount_resolve(w->fd, path, create, out, err);
}

/* Binds the host node host_path onto path inside the root. Never into
 * the store: made by root of the host's user namespace, it can mknod. */
static int bind_host_node(const struct dev_where *w, const char *host_path,
			  const char *path, struct cv_error **err)
{
	cleanup_close int dst = -1, tree = -1;

	if (w->store)
		return cv_error_setx(err, "%s: mknod not permitted", path);
	if (mount_resolve(w->fd, path, MOUNT_CREATE_FILE, &dst, err) < 0)
		return -1;
	tree = open_tree(AT_FDCWD, host_path,
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return cv_error_set(err, errno, "%s", host_path);
	if (move_mount(tree, "", dst, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cv_error_set(err, errno, "bind %s", host_path);
	return 0;
}

static mode_t device_type_bits(char type)
{
	switch (type) {
	case 'b':
		return S_IFBLK;
	case 'p':
		return S_IFIFO;
	default:
		return S_IFCHR;
	}
}

/* Whether the host node at path is the device d (same type and number). */
static bool host_node_matches(const struct oci_device *d)
{
	struct stat st;

	if (stat(d->path, &st) < 0)
		return false;
	return (st.st_mode & S_IFMT) == device_type_bits(d->type) &&
	       st.st_rdev == makedev(d->major, d->minor);
}

static int config_device(const struct dev_where *w,
			 const struct oci_spec *spec,
			 const struct oci_device *d, size_t i,
			 struct cv_error **err)
{
	mode_t mode = d->has_file_mode ? d->file_mode & 07777 : 0666;
	uint32_t uid = 0, gid = 0;
	cleanup_close int parent = -1;
	cleanup_free char *dir = NULL;
	const char *name;

	if (d->path == NULL || d->path[0] != '/')
		return cv_error_setx(err, "linux.devices[%zu].path: must be "
				     "an absolute path", i);
	name = strrchr(d->path, '/') + 1;
	if (name[0] == '\0' || strcmp(name, "..") == 0 ||
	    strcmp(name, ".") == 0)
		return cv_error_setx(err, "linux.devices[%zu].path: %s: not "
				     "a file name", i, d->path);
	dir = strndup(d->path, (size_t)(name - d->path));
	if (dir == NULL)
		return cv_error_set(err, ENOMEM, "linux.devices[%zu]", i);
	if (dev_resolve(w, dir, MOUNT_CREATE_DIR, &parent, err) < 0)
		return cv_error_wrap(err, "linux.devices[%zu].path", i);
	/* A real directory fd: mknodat and fchownat need one. */
	parent = reopen_dir(parent);
	if (parent < 0)
		return cv_error_set(err, errno, "linux.devices[%zu].path: %s",
				    i, d->path);
	/* Whatever is there goes; if it cannot, mknodat says EEXIST. */
	(void)unlinkat(parent, name, 0);
	if (mknodat(parent, name, device_type_bits(d->type) | mode,
		    makedev(d->major, d->minor)) < 0) {
		/* Not permitted (user namespace, nodev): a bind of the
		 * host's node is what runc does, if it is the same device. */
		if (errno != EPERM || !host_node_matches(d))
			return cv_error_set(err, errno,
					    "linux.devices[%zu]: mknod %s", i,
					    d->path);
		return bind_host_node(w, d->path, d->path, err);
	}
	if (fchmodat(parent, name, mode, 0) < 0)
		return cv_error_set(err, errno, "linux.devices[%zu]: chmod %s",
				    i, d->path);
	/* The spec's ids are the container's: host ids with a user
	 * namespace. */
	if (d->has_uid && mounts_host_id(spec, false, d->uid, &uid) < 0)
		return cv_error_setx(err, "linux.devices[%zu].uid: %u not "
				     "mapped in linux.uidMappings", i, d->uid);
	if (d->has_gid && mounts_host_id(spec, true, d->gid, &gid) < 0)
		return cv_error_setx(err, "linux.devices[%zu].gid: %u not "
				     "mapped in linux.gidMappings", i, d->gid);
	if ((d->has_uid || d->has_gid) &&
	    fchownat(parent, name, d->has_uid ? uid : (uid_t)-1,
		     d->has_gid ? gid : (gid_t)-1, AT_SYMLINK_NOFOLLOW) < 0)
		return cv_error_set(err, errno, "linux.devices[%zu]: chown %s",
				    i, d->path);
	return 0;
}

/*
 * A default device: a node of the host's type and number made in the
 * container's /dev tmpfs, so the container holds no mount of the host's
 * devtmpfs (docs/architecture.md, invariant 3). A bind of the host's node
 * where a node cannot be made or would not open (a nodev /dev).
 */
static int default_device(const struct dev_where *w, const char *path,
			  struct cv_error **err)
{
	const char *name = strrchr(path, '/') + 1;
	cleanup_close int dev = -1;
	struct statvfs vfs;
	struct stat st;

	if (stat(path, &st) < 0)
		return cv_error_set(err, errno, "%s", path);
	if (dev_resolve(w, "/dev", MOUNT_NO_CREATE, &dev, err) < 0)
		return -1;
	dev = reopen_dir(dev);
	if (dev < 0)
		return cv_error_set(err, errno, "/dev");
	if (fstatvfs(dev, &vfs) < 0)
		return cv_error_set(err, errno, "/dev");
	if (vfs.f_flag & ST_NODEV)
		return bind_host_node(w, path, path, err);
	(void)unlinkat(dev, name, 0);	/* as in config_device */
	if (mknodat(dev, name, (st.st_mode & S_IFMT) | 0600, st.st_rdev) < 0) {
		if (errno == EPERM)
			return bind_host_node(w, path, path, err);
		return cv_error_set(err, errno, "mknod %s", path);
	}
	if (fchmodat(dev, name, st.st_mode & 07777, 0) < 0)
		return cv_error_set(err, errno, "chmod %s", path);
	return 0;
}

static bool config_has_device(const struct oci_spec *spec, const char *path)
{
	for (size_t i = 0; i < spec->linux_.n_devices; i++)
		if (spec->linux_.devices[i].path != NULL &&
		    strcmp(spec->linux_.devices[i].path, path) == 0)
			return true;
	return false;
}

static int make_link(const struct dev_where *w, const char *target,
		     const char *link, struct cv_error **err)
{
	cleanup_close int dev = -1;

	if (dev_resolve(w, "/dev", MOUNT_NO_CREATE, &dev, err) < 0)
		return -1;
	dev = reopen_dir(dev);
	if (dev < 0)
		return cv_error_set(err, errno, "/dev");
	if (symlinkat(target, dev, link + strlen("/dev/")) < 0 &&
	    errno != EEXIST)
		return cv_error_set(err, errno, "symlink %s", link);
	return 0;
}

static int devices_make(const struct dev_where *w,
			const struct oci_spec *spec, struct cv_error **err)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_devices); i++) {
		if (config_has_device(spec, default_devices[i]))
			continue;
		if (default_device(w, default_devices[i], err) < 0)
			return -1;
	}
	for (size_t i = 0; i < spec->linux_.n_devices; i++)
		if (config_device(w, spec, &spec->linux_.devices[i], i,
				  err) < 0)
			return -1;
	/* The mount point of the pty's bind (console.c), made while /dev
	 * is writable by us: an empty file, as runc makes it. */
	if (spec->process.terminal && !config_has_device(spec, "/dev/console")) {
		cleanup_close int fd = -1;

		if (dev_resolve(w, "/dev/console", MOUNT_CREATE_FILE, &fd,
				err) < 0)
			return -1;
	}
	/* The links name /proc paths the sentry serves; made anyway, as
	 * runc does, so tools that test for them find them. */
	for (size_t i = 0; i < ARRAY_SIZE(default_links); i++)
		if (make_link(w, default_links[i].target,
			      default_links[i].link, err) < 0)
			return -1;
	return 0;
}

int devices_setup(int rootfd, const struct oci_spec *spec,
		  struct cv_error **err)
{
	struct dev_where w = { .fd = rootfd };

	return devices_make(&w, spec, err);
}

int devices_setup_store(int devfd, const struct oci_spec *spec,
			struct cv_error **err)
{
	struct dev_where w = { .fd = devfd, .store = true };

	return devices_make(&w, spec, err);
}

bool devices_all_under_dev(const struct oci_spec *spec)
{
	for (size_t i = 0; i < spec->linux_.n_devices; i++) {
		const char *p = spec->linux_.devices[i].path;

		if (p == NULL || strncmp(p, "/dev/", 5) != 0)
			return false;
	}
	return true;
}

static unsigned rule_access(const char *a)
{
	unsigned acc = 0;

	if (a[0] == '\0')
		return DEV_ACC_ALL;
	for (; *a != '\0'; a++)
		acc |= *a == 'r' ? DEV_ACC_READ
		       : *a == 'w' ? DEV_ACC_WRITE
		       : *a == 'm' ? DEV_ACC_MKNOD
				   : 0;
	return acc;
}

int devices_rules(const struct oci_spec *spec, struct dev_rule **out,
		  size_t *n, struct cv_error **err)
{
	const struct oci_resources *r = &spec->linux_.resources;
	size_t ns = spec->has_linux && r->present ? r->n_devices : 0;
	struct dev_rule *v = calloc(ns + dev_rules_n_default, sizeof(*v));

	if (v == NULL)
		return cv_error_set(err, ENOMEM, "device rules");
	for (size_t i = 0; i < ns; i++)
		v[i] = (struct dev_rule){ .allow = r->devices[i].allow,
					  .type = r->devices[i].type,
					  .major = r->devices[i].major,
					  .minor = r->devices[i].minor,
					  .access = rule_access(
						  r->devices[i].access) };
	memcpy(v + ns, dev_rules_default,
	       dev_rules_n_default * sizeof(*v));
	*out = v;
	*n = ns + dev_rules_n_default;
	return 0;
}
