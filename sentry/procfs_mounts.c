// SPDX-License-Identifier: Apache-2.0
/*
 * The sandbox's mount table, /proc/<pid>/mounts and mountinfo, as runc's
 * container would show it for the same config: the root, then every mount
 * of the config in the config's order (the sentry's /proc, /sys, mqueue and
 * cgroup ones with the options the config gave them; the gofer's with the
 * flags statfs reports and the device stat() shows, so tools that match
 * mounts by st_dev work; a bind's propagation as asked), then the
 * read-only paths and the masks, as runc mounts them last. A host path or
 * device name is never shown as a source.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include "gofer/client.h"
#include "lib/cleanup.h"
#include "lib/util.h"
#include "sentry/task.h"
#include "sentry/synth.h"

/* File system names by statfs magic, as /proc/filesystems names them. */
static const char *fs_name(unsigned long magic)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} names[] = {
		{ 0xef53, "ext4" },		/* ext2/3/4 share it */
		{ 0x58465342, "xfs" },		{ 0x9123683e, "btrfs" },
		{ 0x794c7630, "overlay" },	{ 0x01021994, "tmpfs" },
		{ 0x858458f6, "ramfs" },	{ 0x1cd1, "devpts" },
		{ 0x19800202, "mqueue" },	{ 0x9fa0, "proc" },
		{ 0x62656572, "sysfs" },	{ 0x63677270, "cgroup2" },
		{ 0x27e0eb, "cgroup" },		{ 0x2fc12fc1, "zfs" },
		{ 0xf2f52010, "f2fs" },		{ 0x6969, "nfs" },
		{ 0x65735546, "fuse" },		{ 0x73717368, "squashfs" },
		{ 0x4d44, "vfat" },		{ 0x01021997, "9p" },
		{ 0x5346414f, "afs" },		{ 0xff534d42, "cifs" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].magic == (magic & 0xffffffffUL))
			return names[i].name;
	return NULL;
}

/* One line of the table, as the sandbox sees it. */
struct vmount {
	const char *dest, *type, *source;
	/* a bind of a path of another line's file system (a read-only path,
	 * a masked file): that line and the path below its point; NULL: the
	 * line's root in its file system is "/" */
	const struct vmount *bound;
	const char *bound_path;
	char opts[96];
	char fsopts[160];	/* the file system's own: ",size=...,mode=..." */
	bool sb_ro;		/* the super block is read-only */
	char optional[32];	/* "shared:N", "unbindable" or "" */
	dev_t dev;
	int id, parent;
};

/* Per-mount options from statfs flags (ro, nosuid... as Linux lists them). */
static void mount_opts(char *buf, size_t len, unsigned long f)
{
	snprintf(buf, len, "%s%s%s%s%s%s", f & ST_RDONLY ? "ro" : "rw",
		 f & ST_NOSUID ? ",nosuid" : "", f & ST_NODEV ? ",nodev" : "",
		 f & ST_NOEXEC ? ",noexec" : "",
		 f & ST_SYNCHRONOUS ? ",sync" : "",
		 f & ST_NOATIME ? ",noatime" :
		 f & ST_RELATIME ? ",relatime" : "");
}

/*
 * A mount point the gofer serves: its device (what stat() of it gives the
 * task), type and flags, looked up as the sandbox's root would; its
 * statfs in *sfs. Returns the type's name (cfg_type when the magic is
 * unknown), NULL if the path cannot be looked up.
 */
static const char *real_mount(struct sc_call *c, const char *dest,
			      const char *cfg_type, struct vmount *m,
			      struct statfs *sfs)
{
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT, .rootfd = GOFER_AT_ROOT,
			       .path = dest };
	struct gofer_creds cr;
	struct stat st;
	const char *name;

	task_gofer_creds(c->t, &cr);
	if (gofer_fstatat(task_gofer(c->t), &cr, &at, 0, &st) < 0 ||
	    gofer_statfs(task_gofer(c->t), &cr, &at, sfs) < 0)
		return NULL;
	m->dev = st.st_dev;
	mount_opts(m->opts, sizeof(m->opts), (unsigned long)sfs->f_flags);
	name = fs_name((unsigned long)sfs->f_type);
	return name ? name : cfg_type ? cfg_type : "none";
}

/*
 * The super block of a mount the gofer serves, as runc's would be: one the
 * config made (tmpfs, devpts...) has the options it was made with and is
 * read-only if it was mounted so (but for a tmpfs or /dev: runc mounts
 * them writable, then makes the mount read-only); a bind, or the root,
 * shows what it binds only as "rw" or "ro" (read-only when statfs says so
 * though the config did not ask it: a read-only file system). Its other
 * options are the host's, not shown.
 */
static void real_super(struct vmount *m, const struct statfs *sfs,
		       const struct vtree_mount_info *mi, bool made)
{
	bool asked_ro = mi->flags & MS_RDONLY;
	struct vtree_fs_limits lim = {
		.size_k = (unsigned long long)sfs->f_blocks *
			  (unsigned long long)sfs->f_bsize / 1024,
		.inodes = (unsigned long long)sfs->f_files,
	};

	m->fsopts[0] = '\0';
	if (!made) {
		m->sb_ro = (sfs->f_flags & ST_RDONLY) && !asked_ro;
		return;
	}
	/* runc mounts a tmpfs (and /dev) writable, then makes the mount
	 * read-only */
	m->sb_ro = asked_ro && strcmp(m->type, "tmpfs") != 0 &&
		   strcmp(m->dest, "/dev") != 0;
	vtree_fs_options(m->fsopts, sizeof(m->fsopts), m->type, mi->options,
			 &lim);
}

/* Whether an OCI mount's type names a mount of the type found there
 * (a bind shows the type of what it binds). */
static bool type_matches(const char *cfg, const char *real)
{
	return cfg == NULL || !strcmp(cfg, "bind") || !strcmp(cfg, "none") ||
	       !strcmp(cfg, real);
}

/* The mount point below which dest lies, among the first n: its id. */
static int parent_of(const struct vmount *v, size_t n, const char *dest)
{
	size_t best = 0, best_len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i].dest);

		if (l == 1)
			l = 0;
		if (l >= best_len && !strncmp(dest, v[i].dest, l) &&
		    dest[l] == '/') {
			best = i;
			best_len = l;
		}
	}
	return v[best].id;
}

/* A path or name as the kernel writes it in mount tables (octal escapes
 * for space, tab, newline and backslash). */
static void put_escaped(struct vbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			vbuf_printf(b, "\\%03o", (unsigned char)*s);
		else
			vbuf_put(b, s, 1);
	}
}

/* Per-mount options from the config's MS_* flags, as Linux lists them
 * (relatime unless noatime or strictatime). */
static void flag_opts(char *buf, size_t len, unsigned long f)
{
	snprintf(buf, len, "%s%s%s%s%s", f & MS_RDONLY ? "ro" : "rw",
		 f & MS_NOSUID ? ",nosuid" : "", f & MS_NODEV ? ",nodev" : "",
		 f & MS_NOEXEC ? ",noexec" : "",
		 f & MS_NOATIME ? ",noatime" :
		 f & MS_STRICTATIME ? "" : ",relatime");
}

/* A mount the sentry serves (proc, sysfs, cgroup), or an mqueue mount
 * (the gofer's instance of the container's IPC namespace, gofer/mqueue.c,
 * or none): shown with the config's options. */
static bool is_virtual_type(const char *type)
{
	static const char *const v[] = { "proc", "sysfs", "mqueue", "cgroup",
					  "cgroup2" };

	for (size_t i = 0; type != NULL && i < ARRAY_SIZE(v); i++)
		if (strcmp(type, v[i]) == 0)
			return true;
	return false;
}

static void set_propagation(struct vmount *m, enum sentry_propagation prop,
			    int id)
{
	switch (prop) {
	case SENTRY_PROP_SHARED:
		snprintf(m->optional, sizeof(m->optional), "shared:%d", id);
		break;
	case SENTRY_PROP_UNBINDABLE:
		snprintf(m->optional, sizeof(m->optional), "unbindable");
		break;
	case SENTRY_PROP_PRIVATE:
		m->optional[0] = '\0';
	}
}

/* stat() of a path of the gofer's, from the sandbox's root. */
static int gofer_stat(struct sc_call *c, const char *clean, struct stat *st)
{
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT, .rootfd = GOFER_AT_ROOT,
			       .path = clean };
	struct gofer_creds cr;

	task_gofer_creds(c->t, &cr);
	return gofer_fstatat(task_gofer(c->t), &cr, &at, 0, st);
}

/* The stat() device of a path, whoever serves it; 0 if none. */
static dev_t dev_of(struct sc_call *c, const char *clean)
{
	struct stat st;

	if (vtree_path_is_virtual(clean))
		return vtree_stat(c, clean, true, &st) == 0 ? st.st_dev : 0;
	return gofer_stat(c, clean, &st) == 0 ? st.st_dev : 0;
}

struct mtable {
	struct vmount *v;
	size_t n, cap;
};

static struct vmount *mt_add(struct mtable *t, const char *dest)
{
	if (t->n == t->cap)
		return NULL;
	t->v[t->n] = (struct vmount){ .dest = dest };
	return &t->v[t->n];
}

static bool mt_has(const struct mtable *t, const char *dest)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].dest, dest) == 0)
			return true;
	return false;
}

/* A mount of the sentry's (or nobody's) from the config's options. */
static void add_virtual(struct sc_call *c, struct mtable *t,
			const struct vtree_mount_info *mi, const char *clean)
{
	struct vmount *m = mt_add(t, mi->destination);
	const char *type = mi->type;

	if (m == NULL)
		return;
	m->type = type;
	m->source = mi->source && mi->source[0] != '/' ? mi->source : type;
	/* /sys/fs/cgroup is a cgroup2 view whatever the config asks */
	if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))
		m->type = m->source = "cgroup2";
	flag_opts(m->opts, sizeof(m->opts), mi->flags);
	/* a new proc or sysfs super block is made read-only by the mount;
	 * mqueue's (the ipc namespace's) and cgroup2's exist before it */
	m->sb_ro = (mi->flags & MS_RDONLY) &&
		   (!strcmp(type, "proc") || !strcmp(type, "sysfs"));
	m->dev = dev_of(c, clean);
	t->n++;
}

/* A mount the gofer made: what is really there. */
static void add_real(struct sc_call *c, struct mtable *t,
		     const struct vtree_mount_info *mi, const char *clean)
{
	struct vmount *m = mt_add(t, mi->destination);
	struct statfs sfs;
	const char *type;

	if (m == NULL)
		return;
	type = real_mount(c, clean, mi->type, m, &sfs);
	if (type == NULL || !type_matches(mi->type, type))
		return;
	m->type = type;
	real_super(m, &sfs, mi, mi->type != NULL && !strcmp(mi->type, type));
	/* a bind mount's source is a host path: never shown */
	m->source = mi->source && mi->source[0] != '/' ? mi->source : "none";
	set_propagation(m, mi->propagation, (int)t->n + 100);
	t->n++;
}

static void add_config_mounts(struct sc_call *c, struct mtable *t)
{
	const struct vtree_config *cfg = vtree_cfg();

	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct vtree_mount_info *mi = &cfg->mounts[i];
		char clean[PATH_MAX];

		if (mi->destination == NULL ||
		    vtree_path_clean(clean, sizeof(clean), NULL,
				   mi->destination) < 0 ||
		    !strcmp(clean, "/"))
			continue;
		if (is_virtual_type(mi->type) || vtree_path_is_virtual(clean))
			add_virtual(c, t, mi, clean);
		else
			add_real(c, t, mi, clean);
	}
}

/* What the sandbox always has, where the config did not mount it. */
static void add_implicit(struct sc_call *c, struct mtable *t)
{
	static const struct vtree_mount_info imp[] = {
		{ "proc", "/proc", "proc", NULL,
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
		{ "sysfs", "/sys", "sysfs", NULL,
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
		{ "cgroup2", "/sys/fs/cgroup", "cgroup2", NULL,
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0 },
		{ "tmpfs", "/dev", "tmpfs", SENTRY_DEV_DATA, 0, 0 },
		{ "devpts", "/dev/pts", "devpts", SENTRY_DEVPTS_DATA, 0, 0 },
	};
	const struct vtree_config *cfg = vtree_cfg();

	for (size_t i = 0; i < ARRAY_SIZE(imp); i++) {
		bool in_cfg = false;

		for (size_t j = 0; j < cfg->n_mounts; j++)
			in_cfg = in_cfg || (cfg->mounts[j].destination &&
				 !strcmp(cfg->mounts[j].destination,
					 imp[i].destination));
		if (in_cfg || mt_has(t, imp[i].destination))
			continue;
		if (is_virtual_type(imp[i].type))
			add_virtual(c, t, &imp[i], imp[i].destination);
		else
			add_real(c, t, &imp[i], imp[i].destination);
	}
}

/* The mount under which path lies, among the table's: its index. */
static const struct vmount *covering(const struct mtable *t, const char *path)
{
	const struct vmount *best = &t->v[0];
	size_t best_len = 0;

	for (size_t i = 1; i < t->n; i++) {
		size_t l = strlen(t->v[i].dest);

		if (l > best_len && !strncmp(path, t->v[i].dest, l) &&
		    (path[l] == '/' || path[l] == '\0')) {
			best = &t->v[i];
			best_len = l;
		}
	}
	return best;
}

/*
 * The read-only paths, then the masks, in the config's order, as runc
 * mounts them: a read-only path is a read-only bind of what is there, a
 * masked file /dev/null bound from the container's /dev, a masked
 * directory an empty read-only tmpfs.
 */
static void add_masks(struct sc_call *c, struct mtable *t, bool masked)
{
	for (size_t i = 0; i < vmask_count(); i++) {
		const struct vmount *under;
		const char *path, *bound;
		struct vmount *m;
		bool is_mask, virt, dir;
		struct stat st;

		if (!vmask_get(i, &path, &is_mask, &virt, &dir) ||
		    is_mask != masked)
			continue;
		/* the gofer's: only what exists in the container */
		if (!virt) {
			if (gofer_stat(c, path, &st) < 0)
				continue;
			dir = S_ISDIR(st.st_mode);
		}
		bound = masked && !dir ? "/dev/null" : path;
		under = covering(t, bound);
		m = mt_add(t, path);
		if (m == NULL)
			return;
		if (masked && dir) {
			m->type = m->source = "tmpfs";
			snprintf(m->opts, sizeof(m->opts), "ro,relatime");
			m->sb_ro = true;
			vtree_fs_options(m->fsopts, sizeof(m->fsopts), "tmpfs",
					 vtree_cfg()->masked_dir_data, NULL);
		} else {
			m->type = under->type;
			m->source = under->source;
			m->sb_ro = under->sb_ro;
			memcpy(m->fsopts, under->fsopts, sizeof(m->fsopts));
			snprintf(m->opts, sizeof(m->opts), "%s%s",
				 masked ? "rw" : "ro",
				 under->opts + 2);
			m->bound = under;
			m->bound_path = strcmp(under->dest, "/") == 0 ? bound :
					bound + strlen(under->dest);
		}
		/* what stat() of it gives, as for every line */
		m->dev = dev_of(c, path);
		t->n++;
	}
}

/* A line's root in its file system (mountinfo's fourth field): "/", or
 * for a bind of a path of another line's, that line's root and the path
 * below its point (/proc/sys of the container's /proc: "/sys"). */
static void root_path(const struct vmount *v, char *buf, size_t len)
{
	size_t n;

	if (v->bound == NULL) {
		snprintf(buf, len, "/");
		return;
	}
	root_path(v->bound, buf, len);
	n = strcmp(buf, "/") == 0 ? 0 : strlen(buf);
	snprintf(buf + n, len - n, "%s", v->bound_path);
	if (buf[0] == '\0')
		snprintf(buf, len, "/");
}

/* dest: the mount point as the reader sees it (v->dest after chroot). */
static void put_line(struct vbuf *b, const struct vmount *v,
		     const char *dest, bool info)
{
	char root[PATH_MAX];

	if (info) {
		vbuf_printf(b, "%d %d %u:%u ", v->id, v->parent,
			    major(v->dev), minor(v->dev));
		root_path(v, root, sizeof(root));
		put_escaped(b, root);
		vbuf_printf(b, " ");
		put_escaped(b, dest);
		vbuf_printf(b, " %s%s%s - %s ", v->opts,
			    v->optional[0] ? " " : "", v->optional, v->type);
		put_escaped(b, v->source);
		vbuf_printf(b, " %s%s\n", v->sb_ro ? "ro" : "rw", v->fsopts);
	} else {
		put_escaped(b, v->source);
		vbuf_printf(b, " ");
		put_escaped(b, dest);
		vbuf_printf(b, " %s %s%s 0 0\n", v->type, v->opts, v->fsopts);
	}
}

int vtree_mount_lines(struct sc_call *c, struct vbuf *b, bool info)
{
	const struct vtree_config *cfg = vtree_cfg();
	struct mtable t = { .cap = cfg->n_mounts + vmask_count() + 8 };
	char root[PATH_MAX];
	bool rooted;
	cleanup_free struct vmount *v = calloc(t.cap, sizeof(*v));
	const struct vtree_mount_info root_mi = {
		.flags = cfg->root_readonly ? MS_RDONLY : 0 };
	struct statfs sfs;
	const char *type;

	if (v == NULL)
		return -ENOMEM;
	t.v = v;
	v[0] = (struct vmount){ .dest = "/" };
	type = real_mount(c, "/", NULL, &v[0], &sfs);
	if (type != NULL)
		real_super(&v[0], &sfs, &root_mi, false);
	v[0].type = type ? type : "none";
	v[0].source = !strcmp(v[0].type, "overlay") ||
		      !strcmp(v[0].type, "tmpfs") ? v[0].type : "none";
	t.n = 1;
	add_config_mounts(c, &t);
	add_implicit(c, &t);
	add_masks(c, &t, false);
	add_masks(c, &t, true);
	rooted = procfs_reader_root(c, root, sizeof(root));
	for (size_t i = 0; i < t.n; i++) {
		v[i].id = (int)i + 21;
		v[i].parent = i == 0 ? 1 : parent_of(v, i, v[i].dest);
		/* after chroot, as Linux: only the mounts at or below the
		 * reader's root, their points relative to it */
		if (rooted && !procfs_under_root(root, v[i].dest))
			continue;
		put_line(b, &v[i], rooted ? procfs_reader_path(root, v[i].dest)
					  : v[i].dest, info);
	}
	return b->err;
}
