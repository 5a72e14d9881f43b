/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's file system views (docs/architecture.md, invariants 2 and 3).
 *
 * Gofer side: in a fresh mount namespace, the rootfs is bound onto itself,
 * the OCI bind/tmpfs mounts and a /dev are applied on top in the order of a
 * plan built first from the spec (bubblewrap style), then the process
 * pivot_roots into it. proc, sysfs, mqueue and cgroup mounts are recorded
 * in the plan but never mounted on the host: the sentry serves them.
 *
 * Workload side: a private copy of the gofer's namespace made read-only,
 * nosuid and nodev recursively.
 *
 * Root overlay (mounts_overlay.c): with --overlay2=root:memory or the
 * annotation dev.cvisor.overlay2, the root is a kernel overlayfs whose
 * lower layer is root.path (read-only) and whose upper layer is a private
 * tmpfs: writes stay in memory, charged to the container's cgroup, and go
 * with the sandbox; the image on disk is never written.
 */
#ifndef CV_RUNSC_MOUNTS_H
#define CV_RUNSC_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "oci/config.h"

enum mount_op_kind {
	MOUNT_OP_BIND,		/* open_tree + move_mount */
	MOUNT_OP_FS,		/* tmpfs, devpts, other kernel file systems */
	MOUNT_OP_VIRTUAL,	/* proc, sysfs, mqueue, cgroup: the sentry */
};

struct mount_op {
	enum mount_op_kind kind;
	int index;		/* mounts[index] of the spec, -1: added by us */
	const char *source;
	const char *dest;	/* absolute, inside the container */
	const char *fstype;
	unsigned long flags;	/* MS_* */
	unsigned long clear_flags;
	enum oci_propagation propagation;
	const char *data;
	bool recursive;
	uint64_t rec_attr_set, rec_attr_clr;
};

struct mount_plan {
	struct mount_op *ops;
	size_t n;
};

/*
 * Builds the ordered list of mounts for the gofer's root. Strings point
 * into spec (or static defaults): the plan must not outlive the spec. A
 * /dev tmpfs is put first when the spec has none; /dev/pts (a new devpts
 * instance) and /dev/shm are added when missing. Fails on an unsupported
 * mount (the message names mounts[i]).
 */
int mount_plan_build(const struct oci_spec *spec, struct mount_plan *plan,
		     struct cv_error **err);
void mount_plan_clear(struct mount_plan *plan);

/* MS_RDONLY, MS_NOSUID... -> MOUNT_ATTR_* bits (unknown bits dropped). */
uint64_t mount_attr_from_ms(unsigned long ms);
/* The MS_* propagation flags for mount(2): MS_SHARED|MS_REC...; 0: none. */
unsigned long mount_propagation_flags(enum oci_propagation p);

enum mount_create {
	MOUNT_NO_CREATE,
	MOUNT_CREATE_DIR,	/* mkdir -p */
	MOUNT_CREATE_FILE,	/* mkdir -p the parent, then an empty file */
};

/*
 * Resolves path inside the directory rootfd as if rootfd were "/"
 * (openat2 RESOLVE_IN_ROOT: ".." and absolute symlinks stay inside),
 * creating what is missing when asked, and returns an O_PATH fd of the
 * result in *fd. Never creates anything through a symlink that points out
 * of the root: missing components are created in the resolved parent
 * directory, and a dangling symlink on the way is refused (ELOOP).
 */
int mount_resolve(int rootfd, const char *path, enum mount_create create,
		  int *fd, struct cv_error **err);

/*
 * In the gofer, in a new mount namespace: builds the container root (spec
 * mounts, /dev and its devices, masked and read-only paths, process.cwd),
 * pivot_roots into it and detaches the old root. A relative bind source
 * is resolved against the bundle directory (as runc does). root.path may
 * be "/" (runsc do): the root is a recursive copy of root.path attached
 * over it, without the host's kernel file systems (proc, sysfs...). The process then has no
 * /proc and nothing of the host but the bind mounts the spec asked for.
 */
int mounts_setup_root(const struct oci_spec *spec, struct cv_error **err);
/* A container id as a host id through linux.uidMappings (gid: the gid
 * mappings): 0, or -1 if unmapped; unchanged without mappings. */
int mounts_host_id(const struct oci_spec *spec, bool gid, uint32_t id,
		   uint32_t *host);
/* The data string mount(2) is given for spec->mounts[i]: its options that
 * are not flags, with a tmpfs's or devpts's uid=/gid= as host ids in a
 * user namespace with mappings (and a tmpfs owned by the container's
 * root). *out: NULL if none, else the caller's to free. 0, or -1 with
 * *err set. */
int mounts_fs_data(const struct oci_spec *spec, size_t i, char **out,
		   struct cv_error **err);
/* Same for the tmpfs runc mounts over a masked directory (in the
 * container's user namespace: owned by its root); NULL without mappings. */
int mounts_masked_dir_data(const struct oci_spec *spec, char **out,
			   struct cv_error **err);

/* ---- the root overlay (mounts_overlay.c) ------------------------------ */

#define OVERLAY_ANNOTATION "dev.cvisor.overlay2"

struct root_overlay {
	bool enabled;		/* root:memory */
	uint64_t size;		/* bytes of the upper tmpfs; 0: tmpfs's default */
};

/*
 * Parses an overlay setting: "none" or "root:memory[,size=N[k|m|g]]".
 * what names the setting in errors ("--overlay2", "annotations[...]").
 */
int root_overlay_parse(const char *s, const char *what,
		       struct root_overlay *out, struct cv_error **err);

/*
 * The setting for one sandbox: the annotation dev.cvisor.overlay2 when the
 * spec has it (a per-sandbox choice), else the --overlay2 flag's. With
 * root.readonly the overlay is still made (the mount points the plan
 * needs go to memory, not to the image) and then made read-only like any
 * root: the workload cannot write to it.
 */
int root_overlay_resolve(const struct oci_spec *spec,
			 const struct root_overlay *flag,
			 struct root_overlay *out, struct cv_error **err);

/*
 * In the gofer's new, private mount namespace: mounts the overlay of
 * root.path (lower: a read-only, noatime copy of the root.path mount;
 * upper and work dirs: a tmpfs that no namespace shows) over root.path
 * and returns an O_PATH fd of its root in *rootfd. The upper layer's root
 * takes the mode, owner and times of root.path. Mounts below root.path
 * on the host are not part of the lower layer.
 */
int overlay_mount_root(const char *rootfs, const struct root_overlay *ov,
		       int *rootfd, struct cv_error **err);

/* mounts_setup_root with the root overlay ov (NULL or disabled: none)
 * and, if dev_store >= 0, that tmpfs as /dev (mounts_dev_store). */
int mounts_setup_root_ov(const struct oci_spec *spec,
			 const struct root_overlay *ov, int dev_store,
			 struct cv_error **err);

/*
 * Root of the host's user namespace, before the sandbox takes its own:
 * the plan's /dev tmpfs, detached (fsmount), holding the device nodes and
 * links (devices_setup_store), in *out; the gofer attaches it in place of
 * a new tmpfs. *out is -1 (and 0 returned) when the plan has no tmpfs of
 * its own at /dev that could hold usable nodes or a linux.devices path is
 * outside /dev: the sandbox then stays in the host's user namespace.
 */
int mounts_dev_store(const struct oci_spec *spec, int *out,
		     struct cv_error **err);

/*
 * In the workload init after unshare(CLONE_NEWNS) of the gofer's view:
 * makes every mount read-only, nosuid and nodev (mount_setattr
 * AT_RECURSIVE on "/").
 */
int mounts_readonly_view(struct cv_error **err);

/*
 * The workload's exec copy of the root, for set-id exec (process.
 * noNewPrivileges false; docs/security.md, "Set-id exec"). In the
 * workload's mount namespace: _begin before mounts_readonly_view (a
 * recursive clone of "/" with the mounts' own nosuid), _attach after it
 * (read-only, nodev, attached on "/" under a clone of the view, so that
 * no path reaches it). *copy stays an fd of its root, for the gofer.
 */
int mounts_exec_copy_begin(int *copy, struct cv_error **err);
int mounts_exec_copy_attach(int copy, struct cv_error **err);

#endif
