// SPDX-License-Identifier: Apache-2.0
/*
 * linux.maskedPaths and linux.readonlyPaths inside the sentry's trees
 * (/proc, /sys), as runc makes them with mounts over a real procfs and
 * sysfs: a masked file is /dev/null (character device 1:3, reads empty,
 * writes taken), a masked directory an empty read-only tmpfs; a read-only
 * path and everything below it refuse writes with EROFS.
 *
 * Only paths that exist on Linux count (runc skips the others): which
 * ones exist, and whether they are directories, is looked up on the host
 * before confinement. A path the trees do not synthesise (/proc/bus,
 * /proc/irq, /proc/sysrq-trigger...) is shown as an empty directory or
 * file of the host's mode: its content is the host's and is never shown.
 * Paths under the gofer's tree (/dev, the rootfs) are masked there
 * (runsc/mounts.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/util.h"
#include "sentry/task.h"
#include "sentry/synth.h"
#include "gofer/client.h"

struct vmask {
	char *path;		/* cleaned */
	bool virt;		/* under /proc or /sys: the sentry's */
	bool masked;		/* else read-only */
	bool dir;		/* on the host */
	mode_t perm;		/* on the host */
	int order;		/* position among the config's (mountinfo) */
};

static struct vmask *masks;
static size_t n_masks;

static int gen_empty(struct sc_call *c, const struct vnode *n,
		     struct vbuf *b)
{
	(void)c;
	(void)n;
	(void)b;
	return 0;
}

const struct vtree_entry vmask_dir_entry = {
	.name = "", .type = VN_DIR, .perm = 01777,
};
const struct vtree_entry vmask_null_entry = {
	.name = "", .type = VN_FILE, .perm = 0666, .gen = gen_empty,
	.rdev = 0x103,	/* makedev(1, 3): /dev/null */
};

/* Entries of the host's mode for paths the trees lack. */
static struct vtree_entry *shown;

static void add(const char *path, bool masked, int order)
{
	char clean[PATH_MAX];
	struct stat st;
	struct vmask *m;

	bool virt;

	if (vtree_path_clean(clean, sizeof(clean), NULL, path) < 0)
		return;
	virt = vtree_path_is_virtual(clean) && strncmp(clean, "/dev", 4) != 0;
	/* as runc: a path missing on Linux is no mount (the gofer's are
	 * looked up there, when the mount table is made) */
	memset(&st, 0, sizeof(st));
	if (virt && (lstat(clean, &st) < 0 || S_ISLNK(st.st_mode)))
		return;
	m = realloc(masks, (n_masks + 1) * sizeof(*m));
	if (m == NULL)
		return;
	masks = m;
	m = &masks[n_masks];
	m->path = strdup(clean);
	if (m->path == NULL)
		return;
	m->virt = virt;
	m->masked = masked;
	m->dir = S_ISDIR(st.st_mode);
	m->perm = st.st_mode & 07777;
	m->order = order;
	n_masks++;
}

void vmask_init(const char *const *masked, size_t n_masked,
		const char *const *readonly, size_t n_readonly)
{
	for (size_t i = 0; i < n_masked; i++)
		add(masked[i], true, (int)i);
	for (size_t i = 0; i < n_readonly; i++)
		add(readonly[i], false, (int)(n_masked + i));
	shown = calloc(n_masks ? n_masks : 1, sizeof(*shown));
	for (size_t i = 0; shown != NULL && i < n_masks; i++) {
		shown[i] = (struct vtree_entry){
			.name = "", .type = masks[i].dir ? VN_DIR : VN_FILE,
			.perm = masks[i].perm, .gen = gen_empty,
		};
		if (masks[i].dir)
			shown[i].gen = NULL;
	}
}

static const struct vmask *find(const char *path, size_t *idx)
{
	for (size_t i = 0; i < n_masks; i++) {
		if (masks[i].virt && strcmp(masks[i].path, path) == 0) {
			if (idx != NULL)
				*idx = i;
			return &masks[i];
		}
	}
	return NULL;
}

int vmask_lookup(const char *path, struct vnode *out)
{
	const struct vmask *m = find(path, NULL);

	if (m == NULL || !m->masked)
		return -ENOENT;
	out->ent = m->dir ? &vmask_dir_entry : &vmask_null_entry;
	return 0;
}

int vmask_fallback(const char *path, struct vnode *out)
{
	size_t i;

	if (find(path, &i) == NULL || shown == NULL)
		return -ENOENT;
	out->ent = &shown[i];
	return 0;
}

bool vmask_readonly(const char *path)
{
	for (size_t i = 0; i < n_masks; i++) {
		size_t l = strlen(masks[i].path);

		/* a masked directory is a read-only tmpfs too */
		if (masks[i].virt && (!masks[i].masked || masks[i].dir))
			if (strncmp(path, masks[i].path, l) == 0 &&
			    (path[l] == '\0' || path[l] == '/'))
				return true;
	}
	return false;
}

int vmask_list(const char *dir, struct vtree_dirlist *l)
{
	size_t dl = strlen(dir);
	int ret;

	for (size_t i = 0; i < n_masks; i++) {
		const char *p = masks[i].path, *name;
		bool have = false;

		if (!masks[i].virt || strncmp(p, dir, dl) != 0 || p[dl] != '/')
			continue;
		name = p + dl + 1;
		if (strchr(name, '/') != NULL)
			continue;
		for (size_t j = 0; j < l->n; j++)
			have = have || strcmp(l->v[j].name, name) == 0;
		/* a name no entry can hold was never listed: skipped still */
		if (have || strlen(name) >= sizeof(l->v[0].name))
			continue;
		ret = vtree_dirlist_add(l, name,
					masks[i].dir ? VN_DIR : VN_FILE);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * A masked file opens the container's /dev/null, as runc binds the
 * container's own node over it: through the gofer, as the task. Never an
 * fd of the host's /dev/null: fchmod and fchown are PASS, and a root
 * workload would change the host's node through it (mode 000 made every
 * host program's /dev/null unusable). Anything else at that path (the
 * workload replaced it) is refused.
 */
int vmask_open_null(struct sc_call *c, int flags, int *fd_out)
{
	struct gofer_creds cr;
	struct gofer_at at = { .dirfd = GOFER_AT_ROOT, .rootfd = GOFER_AT_ROOT,
			       .path = "/dev/null" };
	struct stat st;
	int fd, ret;

	task_gofer_creds(c->t, &cr);
	ret = gofer_openat(task_gofer(c->t), &cr, &at,
			   (flags & (O_ACCMODE | O_NONBLOCK)) | O_NOFOLLOW |
				   O_CLOEXEC | O_NOCTTY,
			   0, 0, &fd);
	if (ret < 0)
		return ret == -ENOENT || ret == -ELOOP ? -ENXIO : ret;
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(1, 3)) {
		close(fd);
		return -ENXIO;
	}
	*fd_out = fd;
	return 0;
}

size_t vmask_count(void)
{
	return n_masks;
}

int vmask_index(const char *path)
{
	size_t i;

	return find(path, &i) != NULL ? (int)i : -1;
}

bool vmask_get(size_t i, const char **path, bool *masked, bool *virt,
	       bool *dir)
{
	if (i >= n_masks)
		return false;
	*path = masks[i].path;
	*masked = masks[i].masked;
	*virt = masks[i].virt;
	*dir = masks[i].dir;
	return true;
}
