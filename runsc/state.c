/* SPDX-License-Identifier: Apache-2.0 */
#include "runsc/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/cgroup.h"

void state_free(struct container_state *st)
{
	if (st == NULL)
		return;
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->config_path);
	free(st->status);
	free(st->created);
	free(st->owner);
	for (size_t i = 0; i < st->n_annotations; i++) {
		free(st->annotations[i].key);
		free(st->annotations[i].value);
	}
	free(st->annotations);
	free(st->cgroup_json);
	free(st->platform);
	free(st->resources_json);
	free(st->exec_pids);
	free(st);
}

char *state_dir(const char *root, const char *id)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", root, id) < 0)
		return NULL;
	return p;
}

static int lock_at(const char *dir, int *lock_fd, struct cv_error **err)
{
	cleanup_free char *path = NULL;
	int fd;

	if (asprintf(&path, "%s/lock", dir) < 0)
		return cv_error_set(err, ENOMEM, "lock");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return cv_error_set(err, errno, "open %s", path);
	/*
	 * A POSIX record lock, not flock(): it belongs to this process and
	 * is not inherited by the sandbox process create forks (a flock
	 * would stay held by the sandbox for the container's lifetime).
	 */
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return cv_error_set(err, e, "lock %s", path);
		}
	}
	*lock_fd = fd;
	return 0;
}

int state_create_dir(const char *root, const char *id, int *lock_fd,
		     struct cv_error **err)
{
	cleanup_free char *dir = state_dir(root, id);

	if (dir == NULL)
		return cv_error_set(err, ENOMEM, "state dir");
	if (cv_mkdir_p(root, 0711, err) < 0)
		return -1;
	if (mkdir(dir, 0711) < 0) {
		if (errno == EEXIST)
			return cv_error_setx(err,
					     "container with id exists: %s",
					     id);
		return cv_error_set(err, errno, "mkdir %s", dir);
	}
	return lock_at(dir, lock_fd, err);
}

int state_lock(const char *root, const char *id, int *lock_fd,
	       struct cv_error **err)
{
	cleanup_free char *dir = state_dir(root, id);
	cleanup_free char *sj = NULL;
	struct stat st;

	if (dir == NULL)
		return cv_error_set(err, ENOMEM, "state dir");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return cv_error_setx(err, "container does not exist");
	if (lock_at(dir, lock_fd, err) < 0)
		return -1;
	/* A delete may have removed it while we waited for the lock. */
	if (asprintf(&sj, "%s/state.json", dir) < 0 || access(sj, F_OK) < 0) {
		close(*lock_fd);
		*lock_fd = -1;
		return cv_error_setx(err, "container does not exist");
	}
	return 0;
}

static int remove_tree(int dirfd)
{
	cleanup_closedir DIR *d = fdopendir(dirfd);
	struct dirent *e;
	int r = 0;

	if (d == NULL) {
		close(dirfd);
		return -errno;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, e->d_name, 0) == 0)
			continue;
		if (errno == EISDIR) {
			int sub = openat(dirfd, e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
						 O_CLOEXEC);

			if (sub >= 0)
				remove_tree(sub);
			if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0)
				r = -errno;
		} else if (errno != ENOENT) {
			r = -errno;
		}
	}
	return r;
}

int state_remove_dir(const char *root, const char *id, struct cv_error **err)
{
	cleanup_free char *dir = state_dir(root, id);
	int fd;

	if (dir == NULL)
		return cv_error_set(err, ENOMEM, "state dir");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return cv_error_set(err, errno, "open %s", dir);
	}
	remove_tree(fd);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return cv_error_set(err, errno, "remove %s", dir);
	return 0;
}

/* ---- processes --------------------------------------------------------- */

/* Reads /proc/<pid>/stat: state letter and start time (field 22). */
static int proc_stat(pid_t pid, char *state, uint64_t *start)
{
	char path[64], buf[1024], *p;
	cleanup_close int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || p[1] == '\0')
		return -1;
	p += 2;			/* field 3: state */
	*state = *p;
	/* fields 4..21 then 22 */
	for (int f = 3; f < 22; f++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return -1;
		p++;
	}
	*start = strtoull(p, NULL, 10);
	return 0;
}

uint64_t proc_start_time(pid_t pid)
{
	uint64_t start;
	char s;

	if (pid <= 0 || proc_stat(pid, &s, &start) < 0)
		return 0;
	return start;
}

bool proc_alive(pid_t pid, uint64_t start)
{
	uint64_t now;
	char s;

	if (pid <= 0 || proc_stat(pid, &s, &now) < 0)
		return false;
	if (s == 'Z' || s == 'X')
		return false;
	return start == 0 || now == start;
}

/*
 * The pidfd is opened first and the start time checked after: if it still
 * matches, the process that holds pid now held it since before the open,
 * so the pidfd is that process, and it stays so even if the process dies
 * and its pid is reused later (the kernel then says ESRCH).
 */
int proc_pidfd(pid_t pid, uint64_t start)
{
	int fd;

	if (pid <= 0 || start == 0)
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return -errno;
	if (!proc_alive(pid, start)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int pidfd_signal(int pidfd, int sig)
{
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return -errno;
	return 0;
}

int proc_signal(pid_t pid, uint64_t start, int sig)
{
	cleanup_close int fd = proc_pidfd(pid, start);

	if (fd < 0)
		return fd;
	return pidfd_signal(fd, sig);
}

int proc_tracer(pid_t pid)
{
	cleanup_fclose FILE *f = NULL;
	char path[64], line[128];
	int tracer;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			return tracer;
	return -ESRCH;
}

int state_cgroup(const struct container_state *st, struct cgroup **out,
		 struct cv_error **err)
{
	*out = NULL;
	if (st->cgroup_json == NULL)
		return 0;
	return cgroup_from_json(st->cgroup_json, out, err);
}

const char *state_status(const struct container_state *st)
{
	cleanup_cgroup struct cgroup *cg = NULL;
	bool frozen = false;

	if (!proc_alive(st->sandbox_pid, st->sandbox_start))
		return "stopped";
	if (state_cgroup(st, &cg, NULL) == 0 && cg != NULL &&
	    cgroup_is_frozen(cg, &frozen, NULL) == 0 && frozen)
		return "paused";
	if (st->status != NULL && strcmp(st->status, "running") == 0)
		return "running";
	return "created";
}

char *state_now_rfc3339(void)
{
	struct timespec ts;
	char buf[CV_RFC3339_LEN];

	clock_gettime(CLOCK_REALTIME, &ts);
	cv_rfc3339_utc(buf, &ts);
	return strdup(buf);
}

/* ---- JSON ---------------------------------------------------------------- */

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_kv(yajl_gen g, const char *k, const char *v)
{
	gen_str(g, k);
	if (v == NULL)
		yajl_gen_null(g);
	else
		gen_str(g, v);
}

static void gen_ki(yajl_gen g, const char *k, long long v)
{
	gen_str(g, k);
	yajl_gen_integer(g, v);
}

static char *gen_finish(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	char *out = NULL;

	if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

/* Copies a JSON text verbatim as the value of key k (yajl has no raw
 * insert, so re-generate it from a parsed tree). */
static void gen_tree(yajl_gen g, yajl_val v)
{
	if (v == NULL || YAJL_IS_NULL(v)) {
		yajl_gen_null(g);
	} else if (YAJL_IS_STRING(v)) {
		gen_str(g, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
	} else if (YAJL_IS_TRUE(v)) {
		yajl_gen_bool(g, 1);
	} else if (YAJL_IS_FALSE(v)) {
		yajl_gen_bool(g, 0);
	} else if (YAJL_IS_ARRAY(v)) {
		yajl_gen_array_open(g);
		for (size_t i = 0; i < v->u.array.len; i++)
			gen_tree(g, v->u.array.values[i]);
		yajl_gen_array_close(g);
	} else if (YAJL_IS_OBJECT(v)) {
		yajl_gen_map_open(g);
		for (size_t i = 0; i < v->u.object.len; i++) {
			gen_str(g, v->u.object.keys[i]);
			gen_tree(g, v->u.object.values[i]);
		}
		yajl_gen_map_close(g);
	}
}

static void gen_raw(yajl_gen g, const char *k, const char *json)
{
	yajl_val v;

	gen_str(g, k);
	v = json != NULL ? yajl_tree_parse(json, NULL, 0) : NULL;
	gen_tree(g, v);
	yajl_tree_free(v);
}

static void gen_annotations(yajl_gen g, const struct container_state *st)
{
	gen_str(g, "annotations");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < st->n_annotations; i++)
		gen_kv(g, st->annotations[i].key, st->annotations[i].value);
	yajl_gen_map_close(g);
}

char *state_oci_json(const struct container_state *st, const char *status,
		     bool pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		return NULL;
	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	yajl_gen_map_open(g);
	gen_kv(g, "ociVersion", "1.1.0");
	gen_kv(g, "id", st->id);
	if (status == NULL)
		status = state_status(st);
	gen_kv(g, "status", status);
	gen_ki(g, "pid", strcmp(status, "stopped") == 0 ? 0 : st->sandbox_pid);
	gen_kv(g, "bundle", st->bundle);
	gen_kv(g, "rootfs", st->rootfs);
	gen_kv(g, "created", st->created);
	gen_kv(g, "owner", st->owner != NULL ? st->owner : "");
	gen_annotations(g, st);
	yajl_gen_map_close(g);
	return gen_finish(g);
}

int state_save(const char *root, const struct container_state *st,
	       struct cv_error **err)
{
	cleanup_free char *dir = state_dir(root, st->id);
	cleanup_free char *path = NULL;
	cleanup_free char *json = NULL;
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL || dir == NULL ||
	    asprintf(&path, "%s/state.json", dir) < 0) {
		if (g != NULL)
			yajl_gen_free(g);
		return cv_error_set(err, ENOMEM, "state");
	}
	yajl_gen_map_open(g);
	gen_kv(g, "id", st->id);
	gen_kv(g, "bundle", st->bundle);
	gen_kv(g, "rootfs", st->rootfs);
	gen_kv(g, "config", st->config_path);
	gen_ki(g, "sandboxPid", st->sandbox_pid);
	gen_ki(g, "sandboxStart", (long long)st->sandbox_start);
	gen_ki(g, "initPid", st->init_pid);
	gen_ki(g, "initStart", (long long)st->init_start);
	gen_ki(g, "goferPid", st->gofer_pid);
	gen_kv(g, "status", st->status);
	gen_kv(g, "created", st->created);
	gen_kv(g, "owner", st->owner);
	gen_annotations(g, st);
	gen_raw(g, "cgroup", st->cgroup_json);
	gen_kv(g, "platform", st->platform);
	gen_raw(g, "resources", st->resources_json);
	gen_str(g, "execPids");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < st->n_exec_pids; i++)
		yajl_gen_integer(g, st->exec_pids[i]);
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
	json = gen_finish(g);
	if (json == NULL)
		return cv_error_set(err, ENOMEM, "state");
	return cv_write_file_atomic(path, json, strlen(json), 0600, err);
}

static char *dup_str(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v != NULL ? strdup(v->u.string) : NULL;
}

static long long get_int(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_number);

	return v != NULL && YAJL_IS_INTEGER(v) ? v->u.number.i : 0;
}

/* Re-serialises the subtree at key (NULL if absent or null). */
static char *dup_raw(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_any);
	yajl_gen g;

	if (v == NULL || YAJL_IS_NULL(v))
		return NULL;
	g = yajl_gen_alloc(NULL);
	if (g == NULL)
		return NULL;
	gen_tree(g, v);
	return gen_finish(g);
}

static int load_annotations(yajl_val obj, struct container_state *st)
{
	const char *path[] = { "annotations", NULL };
	yajl_val a = yajl_tree_get(obj, path, yajl_t_object);

	if (a == NULL || a->u.object.len == 0)
		return 0;
	st->annotations = calloc(a->u.object.len, sizeof(*st->annotations));
	if (st->annotations == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < a->u.object.len; i++) {
		yajl_val v = a->u.object.values[i];

		st->annotations[i].key = strdup(a->u.object.keys[i]);
		st->annotations[i].value =
			strdup(YAJL_IS_STRING(v) ? v->u.string : "");
		st->n_annotations++;
	}
	return 0;
}

static int load_exec_pids(yajl_val obj, struct container_state *st)
{
	const char *path[] = { "execPids", NULL };
	yajl_val a = yajl_tree_get(obj, path, yajl_t_array);

	if (a == NULL || a->u.array.len == 0)
		return 0;
	st->exec_pids = calloc(a->u.array.len, sizeof(pid_t));
	if (st->exec_pids == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < a->u.array.len; i++) {
		yajl_val v = a->u.array.values[i];

		if (YAJL_IS_INTEGER(v))
			st->exec_pids[st->n_exec_pids++] = (pid_t)v->u.number.i;
	}
	return 0;
}

int state_load(const char *root, const char *id, struct container_state **out,
	       struct cv_error **err)
{
	cleanup_free char *dir = state_dir(root, id);
	cleanup_free char *path = NULL, *text = NULL;
	char ebuf[256];
	struct container_state *st;
	yajl_val tree;

	if (dir == NULL || asprintf(&path, "%s/state.json", dir) < 0)
		return cv_error_set(err, ENOMEM, "state");
	if (cv_read_file(path, &text, NULL, NULL) < 0)
		return cv_error_setx(err, "container does not exist");
	tree = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (tree == NULL)
		return cv_error_setx(err, "%s: %s", path, ebuf);
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		yajl_tree_free(tree);
		return cv_error_set(err, ENOMEM, "state");
	}
	st->id = dup_str(tree, "id");
	st->bundle = dup_str(tree, "bundle");
	st->rootfs = dup_str(tree, "rootfs");
	st->config_path = dup_str(tree, "config");
	st->sandbox_pid = (pid_t)get_int(tree, "sandboxPid");
	st->sandbox_start = (uint64_t)get_int(tree, "sandboxStart");
	st->init_pid = (pid_t)get_int(tree, "initPid");
	st->init_start = (uint64_t)get_int(tree, "initStart");
	st->gofer_pid = (pid_t)get_int(tree, "goferPid");
	st->status = dup_str(tree, "status");
	st->created = dup_str(tree, "created");
	st->owner = dup_str(tree, "owner");
	st->cgroup_json = dup_raw(tree, "cgroup");
	st->platform = dup_str(tree, "platform");
	st->resources_json = dup_raw(tree, "resources");
	/* Without its exec pids, kill --all would miss processes. */
	if (load_annotations(tree, st) < 0 || load_exec_pids(tree, st) < 0) {
		yajl_tree_free(tree);
		state_free(st);
		return cv_error_set(err, ENOMEM, "state");
	}
	yajl_tree_free(tree);
	if (st->id == NULL)
		st->id = strdup(id);
	*out = st;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int state_list_ids(const char *root, char ***ids, struct cv_error **err)
{
	cleanup_closedir DIR *d = opendir(root);
	size_t n = 0, cap = 8;
	char **v = calloc(cap + 1, sizeof(char *));
	struct dirent *e;

	if (v == NULL)
		return cv_error_set(err, ENOMEM, "list");
	if (d == NULL) {
		*ids = v;
		if (errno == ENOENT)
			return 0;
		free(v);
		return cv_error_set(err, errno, "open %s", root);
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/state.json", root,
			 e->d_name);
		if (access(path, F_OK) < 0)
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap * 2 + 1) * sizeof(char *));

			if (nv == NULL) {
				cv_strvfree(v);
				return cv_error_set(err, ENOMEM, "list");
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = strdup(e->d_name);
		v[n] = NULL;
	}
	qsort(v, n, sizeof(char *), cmp_str);
	*ids = v;
	return 0;
}

int state_load_spec(const struct container_state *st, struct oci_spec **out,
		    struct cv_error **err)
{
	cleanup_free char *text = NULL;
	size_t len;

	if (st->config_path == NULL)
		return cv_error_setx(err, "container %s has no config", st->id);
	if (cv_read_file(st->config_path, &text, &len, err) < 0)
		return -1;
	return oci_spec_parse(text, len, st->config_path, out, err);
}

char *json_subtree(const char *json, const char *key)
{
	yajl_val tree = yajl_tree_parse(json, NULL, 0);
	char *out;

	if (tree == NULL)
		return NULL;
	out = dup_raw(tree, key);
	yajl_tree_free(tree);
	return out;
}
