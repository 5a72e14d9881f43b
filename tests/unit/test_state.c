/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for runsc/state.c: state.json, status derivation, locking. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "runsc/state.h"
#include "tests/unit/test.h"

/* A fresh state root under /tmp; removed by rm_root. */
static char *make_root(void)
{
	char *t = strdup("/tmp/cvisor-test-state.XXXXXX");

	if (t == NULL || mkdtemp(t) == NULL)
		FAILF("mkdtemp: %s", strerror(errno));
	return t;
}

static void rm_root(char **root)
{
	char cmd[256];

	if (*root == NULL)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", *root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", *root);
	free(*root);
}
#define cleanup_root __attribute__((cleanup(rm_root)))

static struct container_state *sample_state(const char *id)
{
	struct container_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		FAILF("calloc");
	st->id = strdup(id);
	st->bundle = strdup("/b/bundle dir");
	st->rootfs = strdup("/b/bundle dir/rootfs");
	st->config_path = strdup("/run/x/config.json");
	st->sandbox_pid = 4242;
	st->sandbox_start = 123456789012ULL;
	st->init_pid = 4243;
	st->init_start = 987654321;
	st->gofer_pid = 4244;
	st->status = strdup("running");
	st->created = strdup("2026-11-23T12:00:00.000000001Z");
	st->owner = strdup("root");
	st->platform = strdup("ptrace");
	st->cgroup_json = strdup("{\"path\":\"/sys/fs/cgroup/x\",\"v\":2}");
	st->resources_json = strdup("{\"memory\":{\"limit\":1048576}}");
	st->annotations = calloc(2, sizeof(*st->annotations));
	st->annotations[0].key = strdup("org.example/a");
	st->annotations[0].value = strdup("quote \" and \\ backslash");
	st->annotations[1].key = strdup("b");
	st->annotations[1].value = strdup("");
	st->n_annotations = 2;
	st->exec_pids = calloc(3, sizeof(pid_t));
	st->exec_pids[0] = 10;
	st->exec_pids[1] = 20;
	st->exec_pids[2] = 30;
	st->n_exec_pids = 3;
	return st;
}

TEST(save_load_round_trip)
{
	cleanup_root char *root = make_root();
	cleanup_state struct container_state *st = sample_state("c1");
	cleanup_state struct container_state *back = NULL;
	cleanup_error struct cv_error *e = NULL;
	cleanup_close int lock = -1;
	cleanup_free char *js = NULL;

	CHECK_EQ(state_create_dir(root, "c1", &lock, &e), 0);
	CHECK_EQ(state_save(root, st, &e), 0);
	CHECK_EQ(state_load(root, "c1", &back, &e), 0);
	CHECK_STREQ(back->id, "c1");
	CHECK_STREQ(back->bundle, st->bundle);
	CHECK_STREQ(back->rootfs, st->rootfs);
	CHECK_STREQ(back->config_path, st->config_path);
	CHECK_EQ(back->sandbox_pid, 4242);
	CHECK(back->sandbox_start == 123456789012ULL);
	CHECK_EQ(back->init_pid, 4243);
	CHECK_EQ(back->init_start, 987654321);
	CHECK_EQ(back->gofer_pid, 4244);
	CHECK_STREQ(back->status, "running");
	CHECK_STREQ(back->created, st->created);
	CHECK_STREQ(back->owner, "root");
	CHECK_STREQ(back->platform, "ptrace");
	CHECK_EQ(back->n_annotations, 2);
	CHECK_STREQ(back->annotations[0].key, "org.example/a");
	CHECK_STREQ(back->annotations[0].value, "quote \" and \\ backslash");
	CHECK_STREQ(back->annotations[1].key, "b");
	CHECK_STREQ(back->annotations[1].value, "");
	CHECK_EQ(back->n_exec_pids, 3);
	CHECK_EQ(back->exec_pids[2], 30);
	CHECK_CONTAINS(back->cgroup_json, "\"path\":\"/sys/fs/cgroup/x\"");
	CHECK_CONTAINS(back->resources_json, "1048576");
	/* The stored subtrees are JSON again. */
	js = json_subtree(back->resources_json, "memory");
	CHECK_STREQ(js, "{\"limit\":1048576}");
}

TEST(save_is_private_and_atomic)
{
	cleanup_root char *root = make_root();
	cleanup_state struct container_state *st = sample_state("c2");
	cleanup_error struct cv_error *e = NULL;
	cleanup_close int lock = -1;
	char path[512];
	struct stat sb;

	CHECK_EQ(state_create_dir(root, "c2", &lock, &e), 0);
	CHECK_EQ(state_save(root, st, &e), 0);
	free(st->status);
	st->status = strdup("created");
	CHECK_EQ(state_save(root, st, &e), 0);
	snprintf(path, sizeof(path), "%s/c2/state.json", root);
	CHECK_EQ(stat(path, &sb), 0);
	CHECK_EQ(sb.st_mode & 0777, 0600);
	/* No temporary file left next to it. */
	snprintf(path, sizeof(path), "ls -A '%s/c2' | grep -vx -e lock "
		 "-e state.json | grep -q .", root);
	CHECK(system(path) != 0);
}

TEST(load_missing_and_corrupt)
{
	cleanup_root char *root = make_root();
	cleanup_state struct container_state *st = NULL;
	cleanup_error struct cv_error *e = NULL;
	cleanup_close int lock = -1;
	char path[512];

	CHECK_EQ(state_load(root, "nope", &st, &e), -1);
	CHECK_STREQ(e->msg, "container does not exist");
	cv_error_free(&e);
	CHECK_EQ(state_create_dir(root, "bad", &lock, &e), 0);
	snprintf(path, sizeof(path), "%s/bad/state.json", root);
	CHECK_EQ(cv_write_file_atomic(path, "{\"id\":", 6, 0600, &e), 0);
	CHECK_EQ(state_load(root, "bad", &st, &e), -1);
	CHECK_CONTAINS(e->msg, "state.json");
}

TEST(oci_state_json)
{
	cleanup_state struct container_state *st = sample_state("c3");
	cleanup_free char *js = NULL, *id = NULL, *status = NULL, *pid = NULL;
	cleanup_free char *ann = NULL;

	js = state_oci_json(st, "running", false);
	CHECK(js != NULL);
	id = json_subtree(js, "id");
	status = json_subtree(js, "status");
	pid = json_subtree(js, "pid");
	ann = json_subtree(js, "annotations");
	CHECK_STREQ(id, "\"c3\"");
	CHECK_STREQ(status, "\"running\"");
	CHECK_STREQ(pid, "4242");
	CHECK_CONTAINS(ann, "\"org.example/a\"");
	CHECK_CONTAINS(js, "\"ociVersion\":\"1.1.0\"");
	CHECK_CONTAINS(js, "\"bundle\":\"/b/bundle dir\"");
	free(js);
	/* A stopped container has no pid. */
	js = state_oci_json(st, "stopped", true);
	free(pid);
	pid = json_subtree(js, "pid");
	CHECK_STREQ(pid, "0");
	CHECK(strchr(js, '\n') != NULL);
}

TEST(status_alive_created_running)
{
	cleanup_state struct container_state *st = sample_state("c4");

	free(st->cgroup_json);
	st->cgroup_json = NULL;
	st->sandbox_pid = getpid();
	st->sandbox_start = proc_start_time(getpid());
	CHECK(st->sandbox_start != 0);
	CHECK(proc_alive(getpid(), st->sandbox_start));
	CHECK_STREQ(state_status(st), "running");
	free(st->status);
	st->status = strdup("created");
	CHECK_STREQ(state_status(st), "created");
}

TEST(status_stopped_when_pid_gone)
{
	cleanup_state struct container_state *st = sample_state("c5");
	pid_t pid = fork();
	uint64_t start;

	if (pid == 0)
		_exit(0);
	CHECK(pid > 0);
	free(st->cgroup_json);
	st->cgroup_json = NULL;
	start = proc_start_time(pid);
	st->sandbox_pid = pid;
	st->sandbox_start = start;
	/* A zombie is stopped too. */
	for (int i = 0; i < 200 && proc_alive(pid, start); i++)
		usleep(5000);
	CHECK(!proc_alive(pid, start));
	CHECK_STREQ(state_status(st), "stopped");
	CHECK_EQ(waitpid(pid, NULL, 0), pid);
	/* Reaped: the pid is gone (or, rarely, reused with another start). */
	CHECK(!proc_alive(pid, start));
	CHECK_STREQ(state_status(st), "stopped");
	CHECK_EQ(proc_start_time(-1), 0);
	CHECK(!proc_alive(0, 0));
}

TEST(status_detects_pid_reuse)
{
	cleanup_state struct container_state *st = sample_state("c6");
	cleanup_free char *js = NULL;

	/* Our own pid stands for a reused one: alive, other start time. */
	free(st->cgroup_json);
	st->cgroup_json = NULL;
	st->sandbox_pid = getpid();
	st->sandbox_start = proc_start_time(getpid()) + 1;
	CHECK(!proc_alive(st->sandbox_pid, st->sandbox_start));
	CHECK_STREQ(state_status(st), "stopped");
	js = state_oci_json(st, NULL, false);
	CHECK_CONTAINS(js, "\"status\":\"stopped\"");
	CHECK_CONTAINS(js, "\"pid\":0");
}

/* A stored pid is signalled only while it is the recorded process. */
TEST(proc_signal_only_the_recorded_process)
{
	pid_t child = fork();
	uint64_t start;
	int status, fd;

	if (child == 0) {
		pause();
		_exit(0);
	}
	CHECK(child > 0);
	start = proc_start_time(child);
	CHECK(start != 0);
	/* Another start time: a reused pid; 0: unknown. Neither is signalled. */
	CHECK(proc_signal(child, start + 1, SIGKILL) == -ESRCH);
	CHECK(proc_signal(child, 0, SIGKILL) == -ESRCH);
	CHECK(kill(child, 0) == 0);
	fd = proc_pidfd(child, start);
	CHECK(fd >= 0);
	CHECK(pidfd_signal(fd, SIGKILL) == 0);
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* Reaped: the pidfd names the dead process, never the pid's next
	 * owner. */
	CHECK(pidfd_signal(fd, SIGKILL) == -ESRCH);
	CHECK(proc_signal(child, start, SIGKILL) == -ESRCH);
	close(fd);
}

TEST(proc_tracer_reads_status)
{
	CHECK(proc_tracer(getpid()) >= 0);
	CHECK(proc_tracer(-1) < 0);
}

TEST(create_dir_exclusive)
{
	cleanup_root char *root = make_root();
	cleanup_error struct cv_error *e = NULL;
	cleanup_close int l1 = -1;
	int l2 = -1;

	CHECK_EQ(state_create_dir(root, "dup", &l1, &e), 0);
	CHECK(l1 >= 0);
	CHECK_EQ(state_create_dir(root, "dup", &l2, &e), -1);
	CHECK_STREQ(e->msg, "container with id exists: dup");
	CHECK_EQ(l2, -1);
}

TEST(create_dir_makes_root)
{
	cleanup_root char *root = make_root();
	cleanup_error struct cv_error *e = NULL;
	cleanup_free char *deep = NULL;
	cleanup_close int l = -1;
	struct stat sb;

	CHECK(asprintf(&deep, "%s/a/b/c", root) > 0);
	CHECK_EQ(state_create_dir(deep, "x", &l, &e), 0);
	CHECK_EQ(stat(deep, &sb), 0);
	CHECK_EQ(sb.st_mode & 0777, 0711);
}

/* N processes create one id at the same moment: exactly one wins. */
TEST(concurrent_creates_one_winner)
{
	enum { N = 16 };
	cleanup_root char *root = make_root();
	int go[2], wins = 0, exists = 0, other = 0;
	pid_t kids[N];

	CHECK_EQ(pipe(go), 0);
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			struct cv_error *e = NULL;
			char c;
			int l = -1;

			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			if (state_create_dir(root, "race", &l, &e) == 0)
				_exit(0);
			_exit(strstr(e->msg, "container with id exists") ? 1
									  : 2);
		}
		CHECK(kids[i] > 0);
	}
	close(go[0]);
	close(go[1]);	/* EOF: everyone goes */
	for (int i = 0; i < N; i++) {
		int ws;

		CHECK_EQ(waitpid(kids[i], &ws, 0), kids[i]);
		if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
			wins++;
		else if (WIFEXITED(ws) && WEXITSTATUS(ws) == 1)
			exists++;
		else
			other++;
	}
	CHECK_EQ(wins, 1);
	CHECK_EQ(exists, N - 1);
	CHECK_EQ(other, 0);
}

/* A second runsc waits for the lock the first one holds. */
TEST(lock_serialises)
{
	cleanup_root char *root = make_root();
	cleanup_state struct container_state *st = sample_state("lk");
	cleanup_error struct cv_error *e = NULL;
	cleanup_close int lock = -1;
	int ready[2];
	char marker[512], c;
	pid_t kid;

	CHECK_EQ(state_create_dir(root, "lk", &lock, &e), 0);
	CHECK_EQ(state_save(root, st, &e), 0);
	close(lock);
	lock = -1;
	snprintf(marker, sizeof(marker), "%s/lk/marker", root);
	CHECK_EQ(pipe(ready), 0);
	kid = fork();
	if (kid == 0) {
		struct cv_error *ke = NULL;
		int l = -1;

		close(ready[0]);
		if (state_lock(root, "lk", &l, &ke) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		usleep(200000);
		close(open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
		_exit(0);
	}
	close(ready[1]);
	CHECK_EQ(read(ready[0], &c, 1), 1);
	close(ready[0]);
	CHECK_EQ(state_lock(root, "lk", &lock, &e), 0);
	/* We only got the lock after the holder finished. */
	CHECK_EQ(access(marker, F_OK), 0);
	CHECK_EQ(waitpid(kid, NULL, 0), kid);
}

TEST(lock_missing_and_deleted)
{
	cleanup_root char *root = make_root();
	cleanup_error struct cv_error *e = NULL;
	cleanup_close int lock = -1;
	int l2 = -1;

	CHECK_EQ(state_lock(root, "none", &l2, &e), -1);
	CHECK_STREQ(e->msg, "container does not exist");
	cv_error_free(&e);
	/* A directory without state.json (a create that failed, or a
	 * delete that won the lock first) does not exist either. */
	CHECK_EQ(state_create_dir(root, "half", &lock, &e), 0);
	close(lock);
	lock = -1;
	CHECK_EQ(state_lock(root, "half", &l2, &e), -1);
	CHECK_STREQ(e->msg, "container does not exist");
	CHECK_EQ(l2, -1);
}

TEST(remove_and_list)
{
	cleanup_root char *root = make_root();
	cleanup_error struct cv_error *e = NULL;
	cleanup_free char *sub = NULL;
	char **ids = NULL;
	const char *names[] = { "b", "a", "c" };

	for (int i = 0; i < 3; i++) {
		cleanup_state struct container_state *st =
			sample_state(names[i]);
		int l = -1;

		CHECK_EQ(state_create_dir(root, names[i], &l, &e), 0);
		CHECK_EQ(state_save(root, st, &e), 0);
		close(l);
	}
	/* A directory without state.json is not listed. */
	CHECK(asprintf(&sub, "%s/zz", root) > 0);
	CHECK_EQ(mkdir(sub, 0700), 0);
	CHECK_EQ(state_list_ids(root, &ids, &e), 0);
	CHECK_STREQ(ids[0], "a");
	CHECK_STREQ(ids[1], "b");
	CHECK_STREQ(ids[2], "c");
	CHECK(ids[3] == NULL);
	cv_strvfree(ids);
	free(sub);
	/* Nested content goes too. */
	CHECK(asprintf(&sub, "%s/b/d1/d2", root) > 0);
	CHECK_EQ(cv_mkdir_p(sub, 0700, &e), 0);
	CHECK_EQ(state_remove_dir(root, "b", &e), 0);
	CHECK_EQ(state_remove_dir(root, "b", &e), 0);	/* idempotent */
	CHECK_EQ(state_list_ids(root, &ids, &e), 0);
	CHECK_STREQ(ids[0], "a");
	CHECK_STREQ(ids[1], "c");
	CHECK(ids[2] == NULL);
	cv_strvfree(ids);
	/* No root at all: an empty list. */
	CHECK_EQ(state_list_ids("/nonexistent/cvisor-root", &ids, &e), 0);
	CHECK(ids[0] == NULL);
	cv_strvfree(ids);
}

TEST(json_subtree_and_time)
{
	cleanup_free char *a = json_subtree("{\"a\":[1,{\"b\":null}]}", "a");
	cleanup_free char *now = state_now_rfc3339();

	CHECK_STREQ(a, "[1,{\"b\":null}]");
	CHECK(json_subtree("{\"a\":1}", "x") == NULL);
	CHECK(json_subtree("not json", "a") == NULL);
	/* 2026-11-23T12:00:00.123456789Z */
	CHECK(now != NULL);
	CHECK_EQ(strlen(now), 30);
	CHECK(now[10] == 'T' && now[19] == '.' && now[29] == 'Z');
}

int main(void)
{
	return test_main();
}
