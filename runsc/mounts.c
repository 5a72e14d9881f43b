/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gofer's root and the workload's read-only view. See mounts.h.
 */
#include "runsc/mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "runsc/devices.h"
#include "sentry/sentry.h"	/* SENTRY_DEV_DATA, SENTRY_DEVPTS_DATA */

#define RESOLVE_FLAGS (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static const char *const virtual_types[] = {
	"proc", "sysfs", "mqueue", "cgroup", "cgroup2",
};

static bool is_virtual(const char *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(virtual_types); i++)
		if (strcmp(type, virtual_types[i]) == 0)
			return true;
	return false;
}

static bool plan_has_dest(const struct oci_spec *spec, const char *dest)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].destination != NULL &&
		    strcmp(spec->mounts[i].destination, dest) == 0)
			return true;
	return false;
}

static void plan_add_default(struct mount_plan *p, const char *dest,
			     const char *type, unsigned long flags,
			     const char *data)
{
	p->ops[p->n++] = (struct mount_op){
		.kind = MOUNT_OP_FS, .index = -1, .source = type,
		.dest = dest, .fstype = type, .flags = flags, .data = data,
	};
}

/* Whether dest is at or below the destination of a virtual mount already
 * in the plan: the sentry's file system hides whatever is mounted there. */
static bool under_virtual(const struct mount_plan *p, const char *dest)
{
	for (size_t i = 0; i < p->n; i++) {
		const char *v = p->ops[i].dest;
		size_t n = strlen(v);

		if (p->ops[i].kind != MOUNT_OP_VIRTUAL)
			continue;
		if (strncmp(dest, v, n) == 0 &&
		    (dest[n] == '\0' || dest[n] == '/' || strcmp(v, "/") == 0))
			return true;
	}
	return false;
}

static int plan_add_spec(struct mount_plan *p, const struct oci_mount *m,
			 int i, struct cv_error **err)
{
	struct mount_op *op = &p->ops[p->n];
	const char *type = m->type != NULL ? m->type : "";

	if (m->destination == NULL || m->destination[0] != '/')
		return cv_error_setx(err, "mounts[%d].destination: must be "
				     "an absolute path", i);
	*op = (struct mount_op){
		.index = i, .source = m->source, .dest = m->destination,
		.fstype = type, .flags = m->flags,
		.clear_flags = m->clear_flags, .propagation = m->propagation,
		.data = m->data, .recursive = m->recursive,
		.rec_attr_set = m->rec_attr_set, .rec_attr_clr = m->rec_attr_clr,
	};
	if (under_virtual(p, m->destination)) {
		/* e.g. a bind over /proc/meminfo: recorded, not made, so
		 * nothing is created in the rootfs's own /proc. */
		op->kind = MOUNT_OP_VIRTUAL;
	} else if (m->is_bind || strcmp(type, "bind") == 0) {
		op->kind = MOUNT_OP_BIND;
		if (m->source == NULL)
			return cv_error_setx(err, "mounts[%d].source: missing "
					     "for a bind mount", i);
	} else if (is_virtual(type)) {
		op->kind = MOUNT_OP_VIRTUAL;
	} else if (type[0] == '\0') {
		return cv_error_setx(err, "mounts[%d].type: missing", i);
	} else {
		op->kind = MOUNT_OP_FS;
		if (op->source == NULL)
			op->source = type;
	}
	p->n++;
	return 0;
}

int mount_plan_build(const struct oci_spec *spec, struct mount_plan *p,
		     struct cv_error **err)
{
	*p = (struct mount_plan){ 0 };
	p->ops = calloc(spec->n_mounts + 3, sizeof(*p->ops));
	if (p->ops == NULL)
		return cv_error_set(err, ENOMEM, "mount plan");
	/* /dev first: the device nodes and /dev/pts go inside it, and the
	 * rootfs's own /dev must never receive host device nodes. */
	if (!plan_has_dest(spec, "/dev"))
		plan_add_default(p, "/dev", "tmpfs",
				 MS_NOSUID | MS_STRICTATIME, SENTRY_DEV_DATA);
	for (size_t i = 0; i < spec->n_mounts; i++) {
		if (plan_add_spec(p, &spec->mounts[i], (int)i, err) < 0) {
			mount_plan_clear(p);
			return -1;
		}
	}
	if (!plan_has_dest(spec, "/dev/pts"))
		plan_add_default(p, "/dev/pts", "devpts",
				 MS_NOSUID | MS_NOEXEC, SENTRY_DEVPTS_DATA);
	if (!plan_has_dest(spec, "/dev/shm"))
		plan_add_default(p, "/dev/shm", "tmpfs",
				 MS_NOSUID | MS_NOEXEC | MS_NODEV,
				 "mode=1777,size=65536k");
	return 0;
}

void mount_plan_clear(struct mount_plan *p)
{
	free(p->ops);
	*p = (struct mount_plan){ 0 };
}

uint64_t mount_attr_from_ms(unsigned long ms)
{
	uint64_t a = 0;

	if (ms & MS_RDONLY)
		a |= MOUNT_ATTR_RDONLY;
	if (ms & MS_NOSUID)
		a |= MOUNT_ATTR_NOSUID;
	if (ms & MS_NODEV)
		a |= MOUNT_ATTR_NODEV;
	if (ms & MS_NOEXEC)
		a |= MOUNT_ATTR_NOEXEC;
	if (ms & MS_NODIRATIME)
		a |= MOUNT_ATTR_NODIRATIME;
	if (ms & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	else if (ms & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	else if (ms & MS_RELATIME)
		a |= MOUNT_ATTR_RELATIME;
	return a;
}

unsigned long mount_propagation_flags(enum oci_propagation p)
{
	switch (p) {
	case OCI_PROP_PRIVATE:
		return MS_PRIVATE;
	case OCI_PROP_RPRIVATE:
		return MS_PRIVATE | MS_REC;
	case OCI_PROP_SHARED:
		return MS_SHARED;
	case OCI_PROP_RSHARED:
		return MS_SHARED | MS_REC;
	case OCI_PROP_SLAVE:
		return MS_SLAVE;
	case OCI_PROP_RSLAVE:
		return MS_SLAVE | MS_REC;
	case OCI_PROP_UNBINDABLE:
		return MS_UNBINDABLE;
	case OCI_PROP_RUNBINDABLE:
		return MS_UNBINDABLE | MS_REC;
	default:
		return 0;
	}
}

/* ---- safe resolution inside the root -------------------------------- */

static int open_in_root(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_FLAGS,
	};
	long fd;

	do {
		fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	} while (fd < 0 && errno == EAGAIN);
	return (int)fd;
}

/* Creates the last component name in the real directory parentfd. */
static int create_component(int parentfd, const char *name, bool file)
{
	struct stat st;
	int fd;

	if (file) {
		fd = openat(parentfd, name,
			    O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
	} else if (mkdirat(parentfd, name, 0755) == 0) {
		return 0;
	}
	if (errno != EEXIST)
		return -1;
	/* It exists but did not resolve: a dangling symlink. Creating its
	 * target is how escapes are built; refuse. */
	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		errno = ELOOP;
	else
		errno = EEXIST;
	return -1;
}

int mount_resolve(int rootfd, const char *path, enum mount_create create,
		  int *out, struct cv_error **err)
{
	cleanup_free char *buf = NULL;
	cleanup_close int parent = -1;
	size_t len;
	int fd;

	fd = open_in_root(rootfd, path);
	if (fd >= 0 || errno != ENOENT || create == MOUNT_NO_CREATE)
		goto done;
	buf = strdup(path);
	if (buf == NULL)
		return cv_error_set(err, ENOMEM, "%s", path);
	len = strlen(buf);
	parent = open_in_root(rootfd, "/");
	if (parent < 0)
		return cv_error_set(err, errno, "%s: open root", path);
	/* Walk component by component; each prefix is resolved again from
	 * the root, so a symlink anywhere is followed inside the root only. */
	for (size_t i = 0; i <= len; i++) {
		bool last = i == len;
		cleanup_close int next = -1;
		char *name;

		if (!last && buf[i] != '/')
			continue;
		buf[i] = '\0';
		name = strrchr(buf, '/');
		name = name != NULL ? name + 1 : buf;
		/* ".." would need the parent's parent: paths are cleaned
		 * by the config loader, so one here is refused. */
		if (strcmp(name, "..") == 0)
			return cv_error_set(err, EINVAL, "%s: contains \"..\"",
					    path);
		if (name[0] == '\0' || strcmp(name, ".") == 0)
			goto next_component;
		next = open_in_root(rootfd, buf);
		if (next < 0 && errno == ENOENT) {
			if (create_component(parent, name,
					     last && create == MOUNT_CREATE_FILE) < 0)
				return cv_error_set(err, errno, "%s", path);
			next = open_in_root(rootfd, buf);
		}
		if (next < 0)
			return cv_error_set(err, errno, "%s", path);
		close(parent);
		parent = steal_fd(next);
next_component:
		if (!last)
			buf[i] = '/';
	}
	fd = open_in_root(rootfd, path);
done:
	if (fd < 0)
		return cv_error_set(err, errno, "%s", path);
	*out = fd;
	return 0;
}

/* ---- applying the plan (gofer, new mount namespace) ------------------ */

static void fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static int op_errorx(const struct mount_op *op, struct cv_error **err,
		     int errnum, const char *what)
{
	if (op->index < 0)
		return cv_error_set(err, errnum, "%s (%s): %s", op->dest,
				    op->fstype, what);
	return cv_error_set(err, errnum, "mounts[%d] (%s): %s", op->index,
			    op->dest, what);
}

static int apply_propagation(int rootfd, const struct mount_op *op,
			     struct cv_error **err)
{
	unsigned long prop = mount_propagation_flags(op->propagation);
	cleanup_close int fd = -1;
	char p[64];

	if (prop == 0)
		return 0;
	if (mount_resolve(rootfd, op->dest, MOUNT_NO_CREATE, &fd, err) < 0)
		return -1;
	fd_path(p, sizeof(p), fd);
	if (mount(NULL, p, NULL, prop, NULL) < 0)
		return op_errorx(op, err, errno, "propagation");
	return 0;
}

/* bundlefd: a relative source is the bundle's, as with runc. */
static int apply_bind(int rootfd, int bundlefd, const struct mount_op *op,
		      struct cv_error **err)
{
	unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
	struct mount_attr top = { 0 }, rec = { 0 };
	cleanup_close int src = -1, tree = -1, dst = -1;
	struct stat st;

	src = openat(bundlefd, op->source, O_PATH | O_CLOEXEC);
	if (src < 0 || fstat(src, &st) < 0) {
		if (op->index < 0)
			return cv_error_set(err, errno, "%s", op->source);
		return cv_error_set(err, errno, "mounts[%d].source: %s",
				    op->index, op->source);
	}
	if (mount_resolve(rootfd, op->dest,
			  S_ISDIR(st.st_mode) ? MOUNT_CREATE_DIR :
						MOUNT_CREATE_FILE,
			  &dst, err) < 0) {
		if (op->index >= 0)
			cv_error_wrap(err, "mounts[%d].destination", op->index);
		return -1;
	}
	if (op->recursive)
		tree_flags |= AT_RECURSIVE;
	tree = open_tree(src, "", tree_flags | AT_EMPTY_PATH);
	if (tree < 0)
		return op_errorx(op, err, errno, "open_tree");
	/* Flags like ro apply to the top mount only, as mount(2) remounts
	 * do; rro and friends apply to the whole tree. */
	top.attr_set = mount_attr_from_ms(op->flags);
	top.attr_clr = mount_attr_from_ms(op->clear_flags) &
		       ~(top.attr_set | MOUNT_ATTR__ATIME);
	/* The kernel wants the whole atime field cleared to set one. */
	if (top.attr_set & MOUNT_ATTR__ATIME)
		top.attr_clr |= MOUNT_ATTR__ATIME;
	if ((top.attr_set || top.attr_clr) &&
	    mount_setattr(tree, "", AT_EMPTY_PATH, &top, sizeof(top)) < 0)
		return op_errorx(op, err, errno, "mount options");
	rec.attr_set = op->rec_attr_set;
	rec.attr_clr = op->rec_attr_clr;
	if ((rec.attr_set || rec.attr_clr) &&
	    mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &rec,
			  sizeof(rec)) < 0)
		return op_errorx(op, err, errno, "recursive mount options");
	if (move_mount(tree, "", dst, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return op_errorx(op, err, errno, "move_mount");
	return apply_propagation(rootfd, op, err);
}

/* ---- ownership in a user namespace --------------------------------- */

/* Container id -> host id through linux.uidMappings/gidMappings: 0, or -1
 * if unmapped. Without mappings (no user namespace, or one joined by
 * path) the id stays as it is. */
int mounts_host_id(const struct oci_spec *spec, bool gid, uint32_t id,
		   uint32_t *host)
{
	const struct oci_id_mapping *m = gid ? spec->linux_.gid_mappings :
					      spec->linux_.uid_mappings;
	size_t n = gid ? spec->linux_.n_gid_mappings :
			 spec->linux_.n_uid_mappings;

	*host = id;
	if (oci_spec_namespace(spec, OCI_NS_USER) == NULL || n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (id >= m[i].container_id && id - m[i].container_id < m[i].size) {
			*host = m[i].host_id + (id - m[i].container_id);
			return 0;
		}
	}
	return -1;
}

static bool has_mappings(const struct oci_spec *spec)
{
	return oci_spec_namespace(spec, OCI_NS_USER) != NULL &&
	       spec->linux_.n_uid_mappings > 0 &&
	       spec->linux_.n_gid_mappings > 0;
}

/*
 * runc mounts tmpfs and devpts inside the container's user namespace:
 * uid=/gid= options are container ids there, and a tmpfs without them
 * is owned by the container's root. These mounts are made from the host's
 * namespace, so the options are translated to host ids and a tmpfs gets
 * the container root's. NULL data stays NULL unless something is added.
 * An unmapped uid= or gid= is refused (Linux's mount refuses it too).
 */
static int userns_data(const struct oci_spec *spec, const struct mount_op *op,
		       char **out, struct cv_error **err)
{
	bool tmpfs = strcmp(op->fstype, "tmpfs") == 0, seen[2] = { 0 };
	size_t cap = (op->data ? strlen(op->data) : 0) + 64;
	cleanup_free char *copy = op->data ? strdup(op->data) : NULL;
	cleanup_free char *buf = malloc(cap + 64);
	char *save = NULL, *o;
	size_t len = 0;

	*out = NULL;
	if (!tmpfs && strcmp(op->fstype, "devpts") != 0)
		return 0;
	if (buf == NULL || (op->data && copy == NULL))
		return op_errorx(op, err, ENOMEM, "options");
	buf[0] = '\0';
	for (o = copy ? strtok_r(copy, ",", &save) : NULL; o;
	     o = strtok_r(NULL, ",", &save)) {
		bool gid = strncmp(o, "gid=", 4) == 0;
		char *end;
		unsigned long v;
		uint32_t host;

		if (gid || strncmp(o, "uid=", 4) == 0) {
			errno = 0;
			v = strtoul(o + 4, &end, 10);
			if (errno || *end || end == o + 4 || v > UINT32_MAX)
				return op_errorx(op, err, EINVAL, o);
			if (mounts_host_id(spec, gid, (uint32_t)v, &host) < 0)
				return cv_error_setx(err, "%s (%s): %s: not "
						     "mapped in linux.%cidMappings",
						     op->dest, op->fstype, o,
						     gid ? 'g' : 'u');
			seen[gid] = true;
			len += (size_t)snprintf(buf + len, cap + 64 - len,
						"%s%cid=%u", len ? "," : "",
						gid ? 'g' : 'u', host);
		} else {
			len += (size_t)snprintf(buf + len, cap + 64 - len,
						"%s%s", len ? "," : "", o);
		}
	}
	for (int gid = 0; tmpfs && gid < 2; gid++) {
		uint32_t host;

		if (!seen[gid] && mounts_host_id(spec, gid, 0, &host) == 0)
			len += (size_t)snprintf(buf + len, cap + 64 - len,
						"%s%cid=%u", len ? "," : "",
						gid ? 'g' : 'u', host);
	}
	*out = buf;
	buf = NULL;
	return 0;
}

/* op's data as mount(2) gets it: userns_data's, or a copy of op's. */
static int fs_data(const struct oci_spec *spec, const struct mount_op *op,
		   char **out, struct cv_error **err)
{
	*out = NULL;
	if (has_mappings(spec) && userns_data(spec, op, out, err) < 0)
		return -1;
	if (*out == NULL && op->data != NULL) {
		*out = strdup(op->data);
		if (*out == NULL)
			return op_errorx(op, err, ENOMEM, "options");
	}
	return 0;
}

int mounts_fs_data(const struct oci_spec *spec, size_t i, char **out,
		   struct cv_error **err)
{
	const struct oci_mount *m = &spec->mounts[i];
	struct mount_op op = { .index = (int)i, .dest = m->destination,
			       .fstype = m->type ? m->type : "",
			       .data = m->data };

	return fs_data(spec, &op, out, err);
}

int mounts_masked_dir_data(const struct oci_spec *spec, char **out,
			   struct cv_error **err)
{
	struct mount_op op = { .index = -1, .dest = "linux.maskedPaths",
			       .fstype = "tmpfs" };

	return fs_data(spec, &op, out, err);
}

/* devpts made in the user namespace has its ptmx owned by the namespace's
 * root (mknod_ptmx): so here too. */
static int userns_ptmx(int rootfd, const struct oci_spec *spec,
		       const struct mount_op *op, struct cv_error **err)
{
	cleanup_free char *path = NULL;
	cleanup_close int fd = -1;
	uint32_t uid, gid;

	if (strcmp(op->fstype, "devpts") != 0 ||
	    mounts_host_id(spec, false, 0, &uid) < 0 ||
	    mounts_host_id(spec, true, 0, &gid) < 0)
		return 0;
	if (asprintf(&path, "%s/ptmx", op->dest) < 0)
		return op_errorx(op, err, ENOMEM, "ptmx");
	if (mount_resolve(rootfd, path, MOUNT_NO_CREATE, &fd, err) < 0)
		return -1;
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0)
		return op_errorx(op, err, errno, "chown ptmx");
	return 0;
}

/* The /dev tmpfs the sandbox made in the host's user namespace
 * (mounts_dev_store), attached where the plan mounts /dev. */
static int attach_dev_store(int rootfd, int store, const struct mount_op *op,
			    struct cv_error **err)
{
	cleanup_close int dst = -1;

	if (mount_resolve(rootfd, op->dest, MOUNT_CREATE_DIR, &dst, err) < 0) {
		if (op->index >= 0)
			cv_error_wrap(err, "mounts[%d].destination", op->index);
		return -1;
	}
	if (move_mount(store, "", dst, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return op_errorx(op, err, errno, "attach the /dev tmpfs");
	return apply_propagation(rootfd, op, err);
}

static int apply_fs(int rootfd, const struct oci_spec *spec,
		    const struct mount_op *op, struct cv_error **err)
{
	unsigned long flags = op->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	cleanup_free char *data = NULL;
	cleanup_close int dst = -1;
	bool userns = has_mappings(spec);
	char p[64];

	if (mount_resolve(rootfd, op->dest, MOUNT_CREATE_DIR, &dst, err) < 0) {
		if (op->index >= 0)
			cv_error_wrap(err, "mounts[%d].destination", op->index);
		return -1;
	}
	if (userns && userns_data(spec, op, &data, err) < 0)
		return -1;
	fd_path(p, sizeof(p), dst);
	if (mount(op->source, p, op->fstype, flags,
		  data ? data : op->data) < 0)
		return op_errorx(op, err, errno, "mount");
	if (userns && userns_ptmx(rootfd, spec, op, err) < 0)
		return -1;
	return apply_propagation(rootfd, op, err);
}

/* proc, sysfs...: the sentry serves them; only the mount point is made so
 * that walks through the gofer find a directory there. Mounts below one of
 * them are hidden by it: nothing is made for those. */
static int apply_virtual(int rootfd, const struct mount_op *op,
			 struct cv_error **err)
{
	cleanup_close int dst = -1;

	if (!is_virtual(op->fstype))
		return 0;
	if (mount_resolve(rootfd, op->dest, MOUNT_CREATE_DIR, &dst, err) < 0)
		return cv_error_wrap(err, "mounts[%d].destination", op->index);
	return 0;
}

static bool is_dev_tmpfs(const struct mount_op *op)
{
	return op->kind == MOUNT_OP_FS && strcmp(op->dest, "/dev") == 0 &&
	       strcmp(op->fstype, "tmpfs") == 0;
}

static int apply_plan(int rootfd, int bundlefd, const struct oci_spec *spec,
		      const struct mount_plan *p, int dev_store,
		      struct cv_error **err)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct mount_op *op = &p->ops[i];
		int r;

		if (dev_store >= 0 && is_dev_tmpfs(op))
			r = attach_dev_store(rootfd, dev_store, op, err);
		else if (op->kind == MOUNT_OP_BIND)
			r = apply_bind(rootfd, bundlefd, op, err);
		else if (op->kind == MOUNT_OP_FS)
			r = apply_fs(rootfd, spec, op, err);
		else
			r = apply_virtual(rootfd, op, err);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* maskedPaths: the container's /dev/null over files (as runc binds it
 * after its pivot: never the host's node, which a sandbox in a user
 * namespace could chmod through it), an empty read-only tmpfs over
 * directories. Most live in /proc and /sys, which the sentry serves (it
 * has the spec); what does not exist in the root is skipped. */
static int open_null_tree(int rootfd, struct cv_error **err)
{
	cleanup_close int fd = -1;
	struct stat st;
	int tree;

	if (mount_resolve(rootfd, "/dev/null", MOUNT_NO_CREATE, &fd, err) < 0)
		return cv_error_wrap(err, "linux.maskedPaths");
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode))
		return cv_error_setx(err, "linux.maskedPaths: the container's "
				     "/dev/null is not a character device");
	tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				 AT_EMPTY_PATH);
	if (tree < 0)
		return cv_error_set(err, errno, "linux.maskedPaths: /dev/null");
	return tree;
}

static int mask_paths(int rootfd, const struct oci_spec *spec,
		      struct cv_error **err)
{
	for (size_t i = 0; i < spec->linux_.n_masked_paths; i++) {
		const char *path = spec->linux_.masked_paths[i];
		cleanup_close int fd = -1, tree = -1;
		struct stat st;
		char p[64];

		fd = open_in_root(rootfd, path);
		if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
			continue;
		if (fd < 0 || fstat(fd, &st) < 0)
			return cv_error_set(err, errno,
					    "linux.maskedPaths[%zu]: %s", i,
					    path);
		fd_path(p, sizeof(p), fd);
		if (S_ISDIR(st.st_mode)) {
			if (mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0") < 0)
				return cv_error_set(err, errno,
						    "linux.maskedPaths[%zu]: %s",
						    i, path);
			continue;
		}
		tree = open_null_tree(rootfd, err);
		if (tree < 0)
			return -1;
		if (move_mount(tree, "", fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH |
				       MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return cv_error_set(err, errno,
					    "linux.maskedPaths[%zu]: %s", i,
					    path);
	}
	return 0;
}

static int readonly_paths(int rootfd, const struct oci_spec *spec,
			  struct cv_error **err)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	for (size_t i = 0; i < spec->linux_.n_readonly_paths; i++) {
		const char *path = spec->linux_.readonly_paths[i];
		cleanup_close int fd = -1, tree = -1;

		fd = open_in_root(rootfd, path);
		if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
			continue;
		if (fd >= 0)
			tree = open_tree(fd, "", OPEN_TREE_CLONE |
					 OPEN_TREE_CLOEXEC | AT_RECURSIVE |
					 AT_EMPTY_PATH);
		if (tree < 0 ||
		    mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ro,
				  sizeof(ro)) < 0 ||
		    move_mount(tree, "", fd, "",
			       MOVE_MOUNT_F_EMPTY_PATH |
				       MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return cv_error_set(err, errno,
					    "linux.readonlyPaths[%zu]: %s", i,
					    path);
	}
	return 0;
}

/* process.cwd must exist: the workload's view is read-only, so it is made
 * here (inside the root, like every other path). */
static int make_cwd(int rootfd, const struct oci_spec *spec,
		    struct cv_error **err)
{
	cleanup_close int fd = -1;

	if (!spec->has_process || spec->process.cwd == NULL)
		return 0;
	if (mount_resolve(rootfd, spec->process.cwd, MOUNT_CREATE_DIR, &fd,
			  err) < 0)
		return cv_error_wrap(err, "process.cwd");
	return 0;
}

/* File systems of the host's kernel that a recursive copy of a root such
 * as "/" brings along: never part of the gofer's root (the sentry serves
 * /proc, /sys and /dev). */
static const char *const kernel_fs[] = {
	"proc", "sysfs", "cgroup", "cgroup2", "devtmpfs", "devpts", "mqueue",
	"debugfs", "tracefs", "securityfs", "bpf", "pstore", "efivarfs",
	"configfs", "fusectl", "binfmt_misc", "hugetlbfs", "autofs", "nsfs",
	"rpc_pipefs",
};

static bool is_kernel_fs(const char *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_fs); i++)
		if (strcmp(type, kernel_fs[i]) == 0)
			return true;
	return false;
}

/* mountinfo's octal escapes (\040 for a space...) in place. */
static void unescape_mountinfo(char *s)
{
	char *o = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* mount point inside rootfs -> path relative to it; NULL if outside. */
static const char *under_rootfs(const char *mnt, const char *rootfs)
{
	size_t n = strlen(rootfs);

	while (n > 1 && rootfs[n - 1] == '/')
		n--;
	if (n == 1 && rootfs[0] == '/')
		return mnt[0] == '/' && mnt[1] != '\0' ? mnt + 1 : NULL;
	if (strncmp(mnt, rootfs, n) != 0 || mnt[n] != '/' || mnt[n + 1] == '\0')
		return NULL;
	return mnt + n + 1;
}

/*
 * Detaches from the copy of the root the mounts of host kernel file
 * systems found below root.path in the host's mountinfo (with "/": the
 * host's /proc, /sys, /dev...), each checked to be a mount root of such
 * a file system in the copy before it goes.
 */
static int drop_kernel_mounts(int rootfd, const char *rootfs,
			      struct cv_error **err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return cv_error_set(err, errno, "/proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char mnt[4096], type[64], p[64];
		cleanup_close int fd = -1;
		const char *rel, *sep;
		struct statx stx;

		sep = strstr(line, " - ");
		if (sep == NULL ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", type) != 1 || !is_kernel_fs(type))
			continue;
		unescape_mountinfo(mnt);
		rel = under_rootfs(mnt, rootfs);
		if (rel == NULL)
			continue;
		fd = open_in_root(rootfd, rel);
		if (fd < 0 ||
		    statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0 ||
		    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
		    !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
			continue;	/* already gone with a parent */
		fd_path(p, sizeof(p), fd);
		if (umount2(p, MNT_DETACH) < 0 && errno != EINVAL)
			return cv_error_set(err, errno, "root.path: detach %s",
					    mnt);
	}
	return 0;
}

/*
 * The overlay's lower layer is the root.path mount alone: a mount below
 * root.path on the host (other than the kernel file systems dropped
 * anyway) would vanish from the container's view. Refused rather than
 * hidden; runsc do's root "/" always has some.
 */
static int check_no_submounts(const char *rootfs, struct cv_error **err)
{
	cleanup_fclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;

	if (f == NULL)
		return cv_error_set(err, errno, "/proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char mnt[4096], type[64];
		const char *sep = strstr(line, " - ");

		if (sep == NULL ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", type) != 1 || is_kernel_fs(type))
			continue;
		unescape_mountinfo(mnt);
		if (under_rootfs(mnt, rootfs) != NULL)
			return cv_error_setx(err, "root overlay: root.path %s "
					     "has a mount below it (%s, %s); "
					     "the overlay's lower layer is "
					     "one file system", rootfs, mnt,
					     type);
	}
	return 0;
}

static int pivot(int rootfd, const char *rootfs, struct cv_error **err)
{
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * the detach then drops every host mount from this namespace. The
	 * new root is entered through its fd: with root.path "/" the path
	 * names our current root, not the copy stacked on it. */
	if (fchdir(rootfd) < 0)
		return cv_error_set(err, errno, "chdir %s", rootfs);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return cv_error_set(err, errno, "pivot_root %s", rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		return cv_error_set(err, errno, "detach the old root");
	if (chdir("/") < 0)
		return cv_error_set(err, errno, "chdir /");
	return 0;
}

static int finish_root(const struct oci_spec *spec, struct cv_error **err)
{
	unsigned long prop = mount_propagation_flags(
		spec->linux_.rootfs_propagation);
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	if (prop != 0 && mount(NULL, "/", NULL, prop, NULL) < 0)
		return cv_error_set(err, errno, "linux.rootfsPropagation");
	/* Last, so that /dev, cwd and mount points could still be made. Only
	 * the root mount: the mounts on top keep their own options. */
	if (spec->root.readonly &&
	    mount_setattr(AT_FDCWD, "/", 0, &ro, sizeof(ro)) < 0)
		return cv_error_set(err, errno, "root.readonly");
	return 0;
}

int mounts_setup_root(const struct oci_spec *spec, struct cv_error **err)
{
	return mounts_setup_root_ov(spec, NULL, -1, err);
}

int mounts_setup_root_ov(const struct oci_spec *spec,
			 const struct root_overlay *ov, int dev_store,
			 struct cv_error **err)
{
	struct mount_plan plan __attribute__((cleanup(mount_plan_clear))) = {
		0
	};
	cleanup_close int rootfd = -1, bundlefd = -1;
	const char *rootfs = spec->rootfs;

	if (rootfs == NULL)
		return cv_error_setx(err, "root.path: missing");
	if (spec->bundle != NULL) {
		bundlefd = open(spec->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (bundlefd < 0)
			return cv_error_set(err, errno, "bundle %s",
					    spec->bundle);
	}
	if (mount_plan_build(spec, &plan, err) < 0)
		return -1;
	/* Private first: nothing done below may propagate back to the
	 * host's namespace (rootfsPropagation is applied to the new root
	 * only, after the pivot, where it cannot reach the host). */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return cv_error_set(err, errno, "make / private");
	/* A mount point of its own, for pivot_root: a recursive copy of
	 * the root attached over it, kept by its fd (when root.path is "/",
	 * as for runsc do, the path keeps naming our current root). With
	 * the overlay, the overlay's own mount, which has no submounts: every
	 * mount point made below goes to its upper layer, in memory. */
	if (ov != NULL && ov->enabled) {
		if (check_no_submounts(rootfs, err) < 0 ||
		    overlay_mount_root(rootfs, ov, &rootfd, err) < 0)
			return -1;
	} else {
		rootfd = open_tree(AT_FDCWD, rootfs, OPEN_TREE_CLONE |
				   OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (rootfd < 0 ||
		    move_mount(rootfd, "", AT_FDCWD, rootfs,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return cv_error_set(err, errno, "root.path: %s",
					    rootfs);
	}
	if (drop_kernel_mounts(rootfd, rootfs, err) < 0 ||
	    apply_plan(rootfd, bundlefd >= 0 ? bundlefd : AT_FDCWD, spec,
		       &plan, dev_store, err) < 0)
		return -1;
	/* Devices after the mounts: they go into the /dev tmpfs (the store
	 * holds them already). */
	if (dev_store < 0 && devices_setup(rootfd, spec, err) < 0)
		return -1;
	if (make_cwd(rootfd, spec, err) < 0)
		return -1;
	/* Masks and read-only paths last, over everything mounted before;
	 * before the pivot because masking uses the host's /dev/null. */
	if (mask_paths(rootfd, spec, err) < 0 ||
	    readonly_paths(rootfd, spec, err) < 0)
		return -1;
	if (pivot(rootfd, rootfs, err) < 0)
		return -1;
	return finish_root(spec, err);
}

/* The store's tmpfs options: "k=v" strings and bare flags, as mount(2)'s
 * data string says them. */
static int store_config(int fs, const struct mount_op *op, const char *data,
			struct cv_error **err)
{
	cleanup_free char *copy = data != NULL ? strdup(data) : NULL;
	char *save = NULL, *o;

	if (data != NULL && copy == NULL)
		return op_errorx(op, err, ENOMEM, "options");
	for (o = copy ? strtok_r(copy, ",", &save) : NULL; o;
	     o = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(o, '=');
		int r;

		if (eq != NULL) {
			*eq = '\0';
			r = fsconfig(fs, FSCONFIG_SET_STRING, o, eq + 1, 0);
		} else {
			r = fsconfig(fs, FSCONFIG_SET_FLAG, o, NULL, 0);
		}
		if (r < 0)
			return op_errorx(op, err, errno, o);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return op_errorx(op, err, errno, "create");
	return 0;
}

static uint64_t store_attrs(unsigned long flags)
{
	uint64_t a = 0;

	a |= flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0;
	a |= flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0;
	a |= flags & MS_NODIRATIME ? MOUNT_ATTR_NODIRATIME : 0;
	if (flags & MS_NOATIME)
		a |= MOUNT_ATTR_NOATIME;
	else if (flags & MS_STRICTATIME)
		a |= MOUNT_ATTR_STRICTATIME;
	return a;
}

static int make_dev_store(const struct oci_spec *spec,
			  const struct mount_op *op, int *out,
			  struct cv_error **err)
{
	cleanup_free char *data = NULL;
	cleanup_close int fs = -1, m = -1;
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	if (has_mappings(spec) && userns_data(spec, op, &data, err) < 0)
		return -1;
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return op_errorx(op, err, errno, "fsopen");
	if (store_config(fs, op, data ? data : op->data, err) < 0)
		return -1;
	m = fsmount(fs, FSMOUNT_CLOEXEC, store_attrs(op->flags));
	if (m < 0)
		return op_errorx(op, err, errno, "fsmount");
	if (devices_setup_store(m, spec, err) < 0)
		return -1;
	if ((op->flags & MS_RDONLY) &&
	    mount_setattr(m, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return op_errorx(op, err, errno, "read-only");
	*out = steal_fd(m);
	return 0;
}

int mounts_dev_store(const struct oci_spec *spec, int *out,
		     struct cv_error **err)
{
	struct mount_plan plan __attribute__((cleanup(mount_plan_clear))) = {
		0
	};

	*out = -1;
	if (!devices_all_under_dev(spec))
		return 0;
	if (mount_plan_build(spec, &plan, err) < 0)
		return -1;
	for (size_t i = 0; i < plan.n; i++) {
		const struct mount_op *op = &plan.ops[i];

		/* The first mount at /dev; one over it again is not ours
		 * to second-guess: none then. */
		if (strcmp(op->dest, "/dev") != 0)
			continue;
		if (!is_dev_tmpfs(op) || (op->flags & MS_NODEV))
			return 0;
		for (size_t j = i + 1; j < plan.n; j++)
			if (strcmp(plan.ops[j].dest, "/dev") == 0)
				return 0;
		return make_dev_store(spec, op, out, err);
	}
	return 0;
}

int mounts_readonly_view(struct cv_error **err)
{
	struct mount_attr a = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			    MOUNT_ATTR_NODEV,
	};

	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &a, sizeof(a)) < 0)
		return cv_error_set(err, errno,
				    "make the workload's view read-only");
	return 0;
}

/*
 * The exec copy (docs/security.md, "Set-id exec"): a recursive clone of
 * the root as the gofer's namespace has it, each mount with the config's
 * own nosuid (so a set-user-ID file gains at exec where runc's would),
 * read-only and nodev as the view. Taken before the view is made nosuid.
 */
int mounts_exec_copy_begin(int *copy, struct cv_error **err)
{
	*copy = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					  AT_RECURSIVE);
	if (*copy < 0)
		return cv_error_set(err, errno, "the exec copy of the root");
	return 0;
}

/*
 * After mounts_readonly_view: the copy is attached on top of "/" and a
 * clone of the view on top of it. No path reaches the copy: the
 * workload's root stays the mount below, "/.." and a setns() to this
 * namespace (runsc exec) land on the top one, the view's clone; the
 * recursive nosuid of the view (taken before) never reaches it. Nothing
 * of this namespace propagates anywhere (private first).
 */
int mounts_exec_copy_attach(int copy, struct cv_error **err)
{
	struct mount_attr a = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV,
	};
	cleanup_close int cover = -1;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return cv_error_set(err, errno, "the exec copy: private");
	cover = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					 AT_RECURSIVE);
	if (cover < 0)
		return cv_error_set(err, errno, "the exec copy's cover");
	if (mount_setattr(copy, "", AT_EMPTY_PATH | AT_RECURSIVE, &a,
			  sizeof(a)) < 0)
		return cv_error_set(err, errno, "the exec copy: read-only");
	if (move_mount(copy, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cv_error_set(err, errno, "the exec copy: attach");
	if (move_mount(cover, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cv_error_set(err, errno, "the exec copy: cover");
	return 0;
}
