/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-memory overlay of the container root (--overlay2=root:memory, or
 * the annotation dev.cvisor.overlay2). See mounts.h.
 *
 * Built in the gofer's private mount namespace, before the mount plan:
 *
 *   lower   a read-only, noatime copy of the root.path mount (alone)
 *   scratch a tmpfs holding upper/ and work/: writes live in its pages,
 *           charged to the gofer's memory cgroup, the container's
 *   overlay fsmount(overlayfs lower, scratch/upper, scratch/work)
 *
 * overlayfs takes private clones of its layers, so once it exists the
 * scratch tmpfs (and the lower copy inside it) are detached: no
 * namespace shows the upper layer, not even the gofer's, and it goes
 * away with the last user of the overlay (the gofer and the workload's
 * view). The overlay's own mount then replaces root.path's copy as the
 * root the plan is applied to; a mount point the plan needs is made in
 * the overlay, that is in the upper layer, never on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/mounts.h"

/* ---- the setting ------------------------------------------------------ */

/* "64m" -> 67108864: digits and an optional k, m or g (powers of 1024). */
static int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	}
	if (shift != 0)
		num[--n] = '\0';
	if (n == 0 || num[0] < '0' || num[0] > '9' ||
	    cv_parse_u64(num, &v) < 0 || v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_options(char *opts, const char *what, const char *s,
			 struct root_overlay *out, struct cv_error **err)
{
	char *o;

	while ((o = strsep(&opts, ",")) != NULL) {
		if (strncmp(o, "size=", 5) != 0)
			return cv_error_setx(err, "%s \"%s\": unknown option "
					     "\"%s\" (size=N[k|m|g])", what, s,
					     o);
		if (parse_size(o + 5, &out->size) < 0)
			return cv_error_setx(err, "%s \"%s\": invalid size "
					     "\"%s\" (a positive number of "
					     "bytes, k, m or g)", what, s,
					     o + 5);
	}
	return 0;
}

int root_overlay_parse(const char *s, const char *what,
		       struct root_overlay *out, struct cv_error **err)
{
	cleanup_free char *copy = strdup(s);
	struct root_overlay ov = { 0 };
	char *medium, *opts;

	if (copy == NULL)
		return cv_error_set(err, ENOMEM, "%s", what);
	if (strcmp(s, "none") == 0) {
		*out = ov;
		return 0;
	}
	medium = strchr(copy, ':');
	if (medium == NULL)
		return cv_error_setx(err, "%s \"%s\": want root:memory"
				     "[,size=N] or none", what, s);
	*medium++ = '\0';
	opts = strchr(medium, ',');
	if (opts != NULL)
		*opts++ = '\0';
	if (strcmp(copy, "root") != 0)
		return cv_error_setx(err, "%s \"%s\": unsupported mount \"%s\""
				     " (only root: bind mounts are never "
				     "overlaid)", what, s, copy);
	if (strcmp(medium, "memory") != 0)
		return cv_error_setx(err, "%s \"%s\": unsupported medium "
				     "\"%s\" (only memory)", what, s, medium);
	if (opts != NULL && parse_options(opts, what, s, &ov, err) < 0)
		return -1;
	ov.enabled = true;
	*out = ov;
	return 0;
}

int root_overlay_resolve(const struct oci_spec *spec,
			 const struct root_overlay *flag,
			 struct root_overlay *out, struct cv_error **err)
{
	const char *a = oci_spec_annotation(spec, OVERLAY_ANNOTATION);

	if (a != NULL)
		return root_overlay_parse(a, "annotations[\"" OVERLAY_ANNOTATION
					  "\"]", out, err);
	*out = flag != NULL ? *flag : (struct root_overlay){ 0 };
	return 0;
}

/* ---- the mount -------------------------------------------------------- */

/* The first message overlayfs or tmpfs left in the fs context, if any. */
static const char *fs_message(int fs, char *buf, size_t len)
{
	ssize_t n = read(fs, buf, len - 1);

	if (n <= 2)
		return "";
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf + 2;	/* "e overlayfs: ..." */
}

/* A detached tmpfs for the upper and work dirs, reachable by root only. */
static int scratch_tmpfs(const struct root_overlay *ov, int *out,
			 struct cv_error **err)
{
	cleanup_close int fs = -1;
	char size[32], msg[256];
	int m;

	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return cv_error_set(err, errno, "overlay: fsopen tmpfs");
	snprintf(size, sizeof(size), "%" PRIu64, ov->size);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
	    (ov->size != 0 &&
	     fsconfig(fs, FSCONFIG_SET_STRING, "size", size, 0) < 0) ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cv_error_set(err, errno, "overlay: tmpfs size=%s %s",
				    size, fs_message(fs, msg, sizeof(msg)));
	m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		return cv_error_set(err, errno, "overlay: fsmount tmpfs");
	*out = m;
	return 0;
}

/* upper/ is the overlay's root directory: it looks like root.path's. */
static int make_upper(int scratch, const struct stat *st,
		      struct cv_error **err)
{
	struct timespec t[2] = { st->st_atim, st->st_mtim };

	if (mkdirat(scratch, "upper", 0700) < 0 ||
	    mkdirat(scratch, "work", 0700) < 0 ||
	    mkdirat(scratch, "lower", 0700) < 0 ||
	    fchownat(scratch, "upper", st->st_uid, st->st_gid,
		     AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(scratch, "upper", st->st_mode & 07777, 0) < 0 ||
	    utimensat(scratch, "upper", t, AT_SYMLINK_NOFOLLOW) < 0)
		return cv_error_set(err, errno, "overlay: upper directory");
	return 0;
}

static int make_overlay(int lower, int scratch, int *out,
			struct cv_error **err)
{
	cleanup_close int fs = -1;
	char l[64], u[64], w[64], msg[256];
	int m;

	snprintf(l, sizeof(l), "/proc/self/fd/%d", lower);
	snprintf(u, sizeof(u), "/proc/self/fd/%d/upper", scratch);
	snprintf(w, sizeof(w), "/proc/self/fd/%d/work", scratch);
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return cv_error_set(err, errno, "overlay: fsopen overlay "
				    "(is overlayfs available?)");
	/* redirect_dir: a directory of the image can be renamed (without
	 * it rename(2) says EXDEV); the upper layer is ours alone. */
	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", l, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", u, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", w, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "redirect_dir", "on", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cv_error_set(err, errno, "overlay: mount overlayfs %s",
				    fs_message(fs, msg, sizeof(msg)));
	m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		return cv_error_set(err, errno, "overlay: fsmount overlayfs");
	*out = m;
	return 0;
}

int overlay_mount_root(const char *rootfs, const struct root_overlay *ov,
		       int *rootfd, struct cv_error **err)
{
	struct mount_attr ro = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME,
		.attr_clr = MOUNT_ATTR__ATIME,
	};
	cleanup_close int lower = -1, scratch = -1, ovl = -1;
	struct stat st;
	char p[64];

	/* Not recursive: an overlayfs layer is one file system; mounts
	 * below root.path on the host would not show through anyway. */
	lower = open_tree(AT_FDCWD, rootfs, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (lower < 0 || fstat(lower, &st) < 0)
		return cv_error_set(err, errno, "root.path: %s", rootfs);
	if (!S_ISDIR(st.st_mode))
		return cv_error_set(err, ENOTDIR, "root.path: %s", rootfs);
	/* Read-only and noatime: reading through the overlay changes
	 * nothing on disk, not even an access time. */
	if (mount_setattr(lower, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return cv_error_set(err, errno, "overlay: read-only lower "
				    "layer");
	if (scratch_tmpfs(ov, &scratch, err) < 0)
		return -1;
	/* overlayfs (before Linux 6.15) wants its layers attached in the
	 * caller's namespace: the scratch tmpfs goes over root.path for
	 * the moment, the lower copy inside it. This namespace is private,
	 * the host sees none of it. */
	if (move_mount(scratch, "", AT_FDCWD, rootfs,
		       MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cv_error_set(err, errno, "overlay: attach the tmpfs");
	if (make_upper(scratch, &st, err) < 0)
		return -1;
	if (move_mount(lower, "", scratch, "lower",
		       MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cv_error_set(err, errno, "overlay: attach the lower "
				    "layer");
	if (make_overlay(lower, scratch, &ovl, err) < 0)
		return -1;
	/* The overlay holds private clones of its layers: the scratch
	 * tmpfs and the lower copy leave the namespace. */
	snprintf(p, sizeof(p), "/proc/self/fd/%d", scratch);
	if (umount2(p, MNT_DETACH) < 0)
		return cv_error_set(err, errno, "overlay: detach the tmpfs");
	if (move_mount(ovl, "", AT_FDCWD, rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return cv_error_set(err, errno, "overlay: attach over %s",
				    rootfs);
	*rootfd = steal_fd(ovl);
	return 0;
}
