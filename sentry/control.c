// SPDX-License-Identifier: Apache-2.0
/*
 * The control socket: runsc's side (sentry_ctl_*) and the sentry's server
 * (sentry_ctl_serve). Wire format in sentry/control.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fdpass.h"
#include "lib/log.h"
#include "lib/unixsock.h"
#include "sentry/control.h"
#include "sentry/internal.h"

int ctl_send_req(int sock, uint32_t op, const void *payload, uint32_t len,
		 int fd)
{
	struct ctl_req req = { CTL_MAGIC, op, len };
	int ret;

	if (fd >= 0)
		ret = (int)cv_send_fds(sock, &req, sizeof(req), &fd, 1);
	else
		ret = cv_write_all(sock, &req, sizeof(req));
	if (ret < 0)
		return ret;
	if (len > 0)
		return cv_write_all(sock, payload, len);
	return 0;
}

int ctl_send_reply(int sock, int32_t status, const void *payload,
		   uint32_t len)
{
	struct ctl_reply rep = { status, len };
	int ret;

	ret = cv_write_all(sock, &rep, sizeof(rep));
	if (ret < 0 || len == 0)
		return ret;
	return cv_write_all(sock, payload, len);
}

int ctl_read_reply(int sock, void **payload, uint32_t *len)
{
	struct ctl_reply rep;
	cleanup_free char *buf = NULL;
	int ret;

	ret = cv_read_all(sock, &rep, sizeof(rep));
	if (ret < 0)
		return ret;
	if (rep.len > CTL_MAX_PAYLOAD)
		return -EPROTO;
	buf = malloc(rep.len + 1);
	if (buf == NULL)
		return -ENOMEM;
	ret = cv_read_all(sock, buf, rep.len);
	if (ret < 0)
		return ret;
	buf[rep.len] = '\0';
	if (len != NULL)
		*len = rep.len;
	if (payload != NULL)
		*payload = steal_ptr(buf);
	return rep.status;
}

int sentry_ctl_connect(const char *sock_path, struct cv_error **err)
{
	int fd = cv_unix_connect(sock_path);

	if (fd < 0)
		return cv_error_set(err, -fd, "connect %s", sock_path);
	return fd;
}

static int ctl_call(int fd, uint32_t op, void **payload, uint32_t *len,
		    struct cv_error **err, const char *what)
{
	int ret;

	ret = ctl_send_req(fd, op, NULL, 0, -1);
	if (ret < 0)
		return cv_error_set(err, -ret, "sentry %s", what);
	ret = ctl_read_reply(fd, payload, len);
	if (ret < 0)
		return cv_error_set(err, -ret, "sentry %s", what);
	return 0;
}

int sentry_ctl_start(int fd, struct cv_error **err)
{
	return ctl_call(fd, CTL_OP_START, NULL, NULL, err, "start");
}

int sentry_ctl_ps(int fd, pid_t **pids, size_t *n, struct cv_error **err)
{
	cleanup_free void *buf = NULL;
	uint32_t len = 0;
	int ret;

	ret = ctl_call(fd, CTL_OP_PS, &buf, &len, err, "ps");
	if (ret < 0)
		return ret;
	*n = len / sizeof(int32_t);
	*pids = calloc(*n + 1, sizeof(pid_t));
	if (*pids == NULL)
		return cv_error_set(err, ENOMEM, "sentry ps");
	for (size_t i = 0; i < *n; i++)
		(*pids)[i] = ((int32_t *)buf)[i];
	return 0;
}

int sentry_ctl_stats(int fd, char **json, struct cv_error **err)
{
	void *buf = NULL;
	int ret;

	ret = ctl_call(fd, CTL_OP_STATS, &buf, NULL, err, "stats");
	if (ret < 0)
		return ret;
	*json = buf;
	return 0;
}

/* --- the sentry's server --------------------------------------------- */

static int serve_ps(struct sentry *s, int conn)
{
	cleanup_free int32_t *pids = calloc(s->ntasks + 1, sizeof(int32_t));
	size_t n = 0;

	if (pids == NULL)
		return ctl_send_reply(conn, -ENOMEM, NULL, 0);
	if (!s->init_exited)
		pids[n++] = s->init_pid;
	for (size_t i = 0; i < s->ntasks; i++) {
		struct task *t = s->tasks[i];

		if (t->host_tid != t->host_tgid || t->host_tgid == s->init_pid)
			continue;
		if (task_st(t)->exited)
			continue;
		pids[n++] = t->host_tgid;
	}
	return ctl_send_reply(conn, 0, pids, n * sizeof(int32_t));
}

static int serve_start(struct sentry *s, int conn)
{
	char c = 'S';
	int ret = 0;

	if (!s->started) {
		ret = cv_write_all(s->init_fd, &c, 1);
		if (ret == 0) {
			s->started = true;
			close(s->init_fd);
			s->init_fd = -1;
		}
	}
	return ctl_send_reply(conn, ret, NULL, 0);
}

static int serve_stats(struct sentry *s, int conn)
{
	cleanup_free char *json = stats_json(s);

	if (json == NULL)
		return ctl_send_reply(conn, -ENOMEM, NULL, 0);
	return ctl_send_reply(conn, 0, json, strlen(json));
}

/*
 * One request on an accepted connection. ATTACH is read by
 * sentry_do_attach itself (it needs the sender's credentials).
 */
int sentry_ctl_serve(struct sentry *s, int conn)
{
	struct ctl_req req;
	ssize_t n;

	n = recv(conn, &req, sizeof(req), MSG_PEEK | MSG_WAITALL);
	if (n != (ssize_t)sizeof(req) || req.magic != CTL_MAGIC)
		return -EPROTO;
	if (req.op == CTL_OP_ATTACH)
		return sentry_do_attach(s, conn, -1);
	if (recv(conn, &req, sizeof(req), MSG_WAITALL) != (ssize_t)sizeof(req))
		return -EPROTO;
	switch (req.op) {
	case CTL_OP_START:
		return serve_start(s, conn);
	case CTL_OP_PS:
		return serve_ps(s, conn);
	case CTL_OP_STATS:
		return serve_stats(s, conn);
	default:
		return ctl_send_reply(conn, -EINVAL, NULL, 0);
	}
}
