// SPDX-License-Identifier: Apache-2.0
/*
 * keyctl / add_key / request_key conformance: every operation through the
 * raw syscalls, in a fresh session keyring, printing "NAME RESULT" lines
 * (tests/lib.sh t_compare_native). Serials differ between runs: they are
 * printed by the name the program gave the key ("=k1").
 *
 *   keyctl_conform            the cases, then "done 0"
 *   keyctl_conform mark DESC  adds user key DESC to the user keyring, prints
 *                             its serial (the host-untouched check)
 *   keyctl_conform unmark DESC  invalidates it again
 *   keyctl_conform probe SERIAL DESC  whether another sandbox's key shows
 */
#include <errno.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progs.h"

static long kc(int op, long a, long b, long c, long d)
{
	long r = syscall(SYS_keyctl, op, a, b, c, d);

	return r < 0 ? -errno : r;
}

static long addk(const char *type, const char *desc, const void *data,
		 size_t len, long ring)
{
	long r = syscall(SYS_add_key, type, desc, data, len, ring);

	return r < 0 ? -errno : r;
}

static long reqk(const char *type, const char *desc, const char *info,
		 long ring)
{
	long r = syscall(SYS_request_key, type, desc, info, ring);

	return r < 0 ? -errno : r;
}

static struct {
	long serial;
	char name[16];
} names[64];
static int nnames;

static void name(long serial, const char *n)
{
	if (serial > 0 && nnames < 64) {
		names[nnames].serial = serial;
		snprintf(names[nnames].name, sizeof(names[0].name), "%s", n);
		nnames++;
	}
}

static const char *nameof(long serial)
{
	static char buf[32];

	for (int i = nnames - 1; i >= 0; i--)
		if (names[i].serial == serial)
			return names[i].name;
	snprintf(buf, sizeof(buf), "%s", serial > 0 ? "unnamed" : "bad");
	return buf;
}

/* A result: errno name, or "=name" for a serial, or the number. */
static void res(const char *cs, long r)
{
	if (r < 0)
		printf("%s %s\n", cs, ename((int)-r));
	else if (r > 2)
		printf("%s =%s\n", cs, nameof(r));
	else
		printf("%s %ld\n", cs, r);
	fflush(stdout);
}

static void num(const char *cs, long r)
{
	if (r < 0)
		printf("%s %s\n", cs, ename((int)-r));
	else
		printf("%s %ld\n", cs, r);
	fflush(stdout);
}

/* A key's description with its owner, or the error. */
static void desc(const char *cs, long id)
{
	char buf[256];
	long r = kc(KEYCTL_DESCRIBE, id, (long)buf, sizeof(buf), 0);

	if (r < 0)
		printf("%s %s\n", cs, ename((int)-r));
	else
		printf("%s %ld %s\n", cs, r, buf);
	fflush(stdout);
}

/* A payload, or the keyring's members by name, sorted. */
static void readk(const char *cs, long id, size_t cap)
{
	char buf[256] = "";
	long r = kc(KEYCTL_READ, id, (long)buf, (long)cap, 0);
	char line[512];
	int32_t *ids = (int32_t *)buf;
	const char *nm[64];
	int n = 0;

	if (r < 0) {
		printf("%s %s\n", cs, ename((int)-r));
		fflush(stdout);
		return;
	}
	if (kc(KEYCTL_DESCRIBE, id, (long)line, sizeof(line), 0) > 0 &&
	    strncmp(line, "keyring;", 8) == 0) {
		for (long i = 0; i < r / 4 && (size_t)(i + 1) * 4 <= cap; i++)
			nm[n++] = nameof(ids[i]);
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
				if (strcmp(nm[j], nm[i]) < 0) {
					const char *x = nm[i];

					nm[i] = nm[j];
					nm[j] = x;
				}
		printf("%s %ld", cs, r);
		for (int i = 0; i < n; i++)
			printf("%s%s", i ? "," : " ", nm[i]);
		printf("\n");
	} else {
		printf("%s %ld '%.*s'\n", cs, r, (int)(r < (long)cap ? r : (long)cap),
		       buf);
	}
	fflush(stdout);
}

static long ses;

static void *thread_fn(void *arg)
{
	(void)arg;
	res("thread_session", kc(KEYCTL_GET_KEYRING_ID,
				 KEY_SPEC_SESSION_KEYRING, 0, 0, 0));
	res("thread_process", kc(KEYCTL_GET_KEYRING_ID,
				 KEY_SPEC_PROCESS_KEYRING, 0, 0, 0));
	res("thread_thread", kc(KEYCTL_GET_KEYRING_ID,
				KEY_SPEC_THREAD_KEYRING, 0, 0, 0));
	return NULL;
}

static void special(void)
{
	long r;

	res("thread_nocreate", kc(KEYCTL_GET_KEYRING_ID,
				  KEY_SPEC_THREAD_KEYRING, 0, 0, 0));
	r = kc(KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 1, 0, 0);
	name(r, "tid");
	res("thread_create", r);
	desc("thread_desc", KEY_SPEC_THREAD_KEYRING);
	res("process_nocreate", kc(KEYCTL_GET_KEYRING_ID,
				   KEY_SPEC_PROCESS_KEYRING, 0, 0, 0));
	r = kc(KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1, 0, 0);
	name(r, "pid");
	res("process_create", r);
	desc("process_desc", KEY_SPEC_PROCESS_KEYRING);
	res("session_id", kc(KEYCTL_GET_KEYRING_ID,
			     KEY_SPEC_SESSION_KEYRING, 0, 0, 0));
	r = kc(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0, 0, 0);
	name(r, "uid");
	res("user_id", r);
	desc("user_desc", KEY_SPEC_USER_KEYRING);
	r = kc(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_SESSION_KEYRING, 0, 0, 0);
	name(r, "uidses");
	res("user_session_id", r);
	desc("user_session_desc", KEY_SPEC_USER_SESSION_KEYRING);
	res("id_bad_special", kc(KEYCTL_GET_KEYRING_ID, -99, 0, 0, 0));
	res("id_zero", kc(KEYCTL_GET_KEYRING_ID, 0, 0, 0, 0));
	res("id_group", kc(KEYCTL_GET_KEYRING_ID, KEY_SPEC_GROUP_KEYRING, 0,
			   0, 0));
	res("unknown_op", kc(9999, 0, 0, 0, 0));
}

static void user_keys(void)
{
	long k1, k1b;

	k1 = addk("user", "k1", "hello", 5, KEY_SPEC_SESSION_KEYRING);
	name(k1, "k1");
	res("add_user", k1);
	desc("describe_user", k1);
	{
		char small[5] = "";
		long r = kc(KEYCTL_DESCRIBE, k1, (long)small, sizeof(small), 0);

		printf("describe_short %ld '%.5s'\n", r, small);
		num("describe_size", kc(KEYCTL_DESCRIBE, k1, 0, 0, 0));
		num("describe_efault", kc(KEYCTL_DESCRIBE, k1, 8, 100, 0));
		num("read_efault", kc(KEYCTL_READ, k1, 8, 100, 0));
		res("add_efault_payload", addk("user", "e", NULL, 3,
					       KEY_SPEC_SESSION_KEYRING));
		res("add_efault_type", addk((const char *)8, "e", "x", 1,
					    KEY_SPEC_SESSION_KEYRING));
	}
	readk("read_user", k1, 64);
	readk("read_short", k1, 2);
	num("read_size", kc(KEYCTL_READ, k1, 0, 0, 0));
	k1b = addk("user", "k1", "world2", 6, KEY_SPEC_SESSION_KEYRING);
	res("add_again_updates", k1b);
	readk("read_after_add", k1, 64);
	num("update", kc(KEYCTL_UPDATE, k1, (long)"upd", 3, 0));
	readk("read_after_update", k1, 64);
	num("update_empty", kc(KEYCTL_UPDATE, k1, 0, 0, 0));
	num("update_keyring", kc(KEYCTL_UPDATE, KEY_SPEC_SESSION_KEYRING,
				 (long)"x", 1, 0));
	num("update_too_big", kc(KEYCTL_UPDATE, k1, (long)"x", 8192, 0));
	res("add_unknown_type", addk("cvisor_no_such_type", "x", "x", 1,
				     KEY_SPEC_SESSION_KEYRING));
	res("add_dot_type", addk(".user", "x", "x", 1,
				 KEY_SPEC_SESSION_KEYRING));
	res("add_dot_keyring", addk("keyring", ".x", NULL, 0,
				    KEY_SPEC_SESSION_KEYRING));
	res("add_empty_desc", addk("user", "", "x", 1,
				   KEY_SPEC_SESSION_KEYRING));
	res("add_null_desc", addk("user", NULL, "x", 1,
				  KEY_SPEC_SESSION_KEYRING));
	res("add_empty_payload", addk("user", "e", "", 0,
				      KEY_SPEC_SESSION_KEYRING));
	res("add_keyring_payload", addk("keyring", "e", "x", 1,
					KEY_SPEC_SESSION_KEYRING));
	res("add_into_user_key", addk("user", "e", "x", 1, k1));
	res("add_ring_zero", addk("user", "e", "x", 1, 0));
	res("add_thread_ring", addk("user", "kt", "t", 1,
				    KEY_SPEC_THREAD_KEYRING));
}

static void keyrings(void)
{
	long k1 = kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, (long)"user",
		     (long)"k1", 0);
	long r1, k2, r2;

	r1 = addk("keyring", "r1", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	name(r1, "r1");
	res("add_keyring", r1);
	desc("describe_keyring", r1);
	k2 = addk("user", "k2", "two", 3, r1);
	name(k2, "k2");
	res("add_in_r1", k2);
	r2 = addk("keyring", "r2", NULL, 0, r1);
	name(r2, "r2");
	res("add_r2_in_r1", r2);
	res("add_k3_in_r2", (name(addk("user", "k3", "3", 1, r2), "k3"),
			      kc(KEYCTL_SEARCH, r2, (long)"user", (long)"k3",
				 0)));
	res("search_direct", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				(long)"user", (long)"k1", 0));
	res("search_nested", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				(long)"user", (long)"k2", 0));
	res("search_deeper", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				(long)"user", (long)"k3", 0));
	res("search_keyring", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				 (long)"keyring", (long)"r2", 0));
	res("search_missing", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				 (long)"user", (long)"nope", 0));
	res("search_bad_type", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				  (long)"cvisor_no_such_type", (long)"k1",
				  0));
	res("search_in_user_key", kc(KEYCTL_SEARCH, k1, (long)"user",
				     (long)"k1", 0));
	res("search_link_dest", kc(KEYCTL_SEARCH, r1, (long)"user",
				   (long)"k3", r1));
	readk("read_r1_after_search", r1, 256);
	num("link", kc(KEYCTL_LINK, k1, r1, 0, 0));
	num("link_again", kc(KEYCTL_LINK, k1, r1, 0, 0));
	readk("read_keyring", r1, 256);
	readk("read_keyring_short", r1, 4);
	num("read_keyring_size", kc(KEYCTL_READ, r1, 0, 0, 0));
	num("link_self", kc(KEYCTL_LINK, r1, r1, 0, 0));
	num("link_cycle", kc(KEYCTL_LINK, r1, r2, 0, 0));
	num("link_session_in_r1", kc(KEYCTL_LINK, KEY_SPEC_SESSION_KEYRING,
				     r1, 0, 0));
	num("link_into_user_key", kc(KEYCTL_LINK, k2, k1, 0, 0));
	num("unlink", kc(KEYCTL_UNLINK, k1, r1, 0, 0));
	num("unlink_again", kc(KEYCTL_UNLINK, k1, r1, 0, 0));
	num("unlink_from_user_key", kc(KEYCTL_UNLINK, k2, k1, 0, 0));
	readk("read_after_unlink", r1, 256);
	num("clear", kc(KEYCTL_CLEAR, r2, 0, 0, 0));
	readk("read_after_clear", r2, 256);
	num("clear_user_key", kc(KEYCTL_CLEAR, k1, 0, 0, 0));
	res("search_after_clear", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				     (long)"user", (long)"k3", 0));
}

static void perms(void)
{
	long k1 = kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, (long)"user",
		     (long)"k1", 0);
	long k4 = addk("user", "k4", "four", 4, KEY_SPEC_SESSION_KEYRING);

	name(k4, "k4");
	res("add_k4", k4);
	num("setperm_nosearch", kc(KEYCTL_SETPERM, k4, 0x37010000, 0, 0));
	desc("describe_nosearch", k4);
	res("search_nosearch", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				  (long)"user", (long)"k4", 0));
	res("request_nosearch", reqk("user", "k4", NULL, 0));
	num("setperm_noread", kc(KEYCTL_SETPERM, k4, 0x3d010000, 0, 0));
	readk("read_noread_possessed", k4, 64);
	num("setperm_noview", kc(KEYCTL_SETPERM, k4, 0x3e000000, 0, 0));
	desc("describe_noview", k4);
	num("setperm_bad", kc(KEYCTL_SETPERM, k4, 0x40000000, 0, 0));
	num("setperm_nosetattr", kc(KEYCTL_SETPERM, k4, 0x1f010000, 0, 0));
	num("setperm_denied", kc(KEYCTL_SETPERM, k4, 0x3f010000, 0, 0));
	num("chown_uid", kc(KEYCTL_CHOWN, k1, 1000, -1, 0));
	desc("describe_chown_uid", k1);
	num("chown_gid", kc(KEYCTL_CHOWN, k1, -1, 100, 0));
	desc("describe_chown_gid", k1);
	num("chown_back", kc(KEYCTL_CHOWN, k1, 0, 0, 0));
	num("chown_noop", kc(KEYCTL_CHOWN, k1, -1, -1, 0));
}

static void states(void)
{
	long k5 = addk("user", "k5", "five", 4, KEY_SPEC_SESSION_KEYRING);
	long k6 = addk("user", "k6", "six", 3, KEY_SPEC_SESSION_KEYRING);
	long k7 = addk("user", "k7", "seven", 5, KEY_SPEC_SESSION_KEYRING);
	long r3 = addk("keyring", "r3", NULL, 0, KEY_SPEC_SESSION_KEYRING);

	name(k5, "k5");
	name(k6, "k6");
	name(k7, "k7");
	name(r3, "r3");
	num("revoke", kc(KEYCTL_REVOKE, k5, 0, 0, 0));
	readk("read_revoked", k5, 64);
	desc("describe_revoked", k5);
	res("search_revoked", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				 (long)"user", (long)"k5", 0));
	res("request_revoked", reqk("user", "k5", NULL, 0));
	num("update_revoked", kc(KEYCTL_UPDATE, k5, (long)"x", 1, 0));
	num("revoke_again", kc(KEYCTL_REVOKE, k5, 0, 0, 0));
	num("unlink_revoked", kc(KEYCTL_UNLINK, k5, KEY_SPEC_SESSION_KEYRING,
				 0, 0));
	num("revoke_keyring", kc(KEYCTL_REVOKE, r3, 0, 0, 0));
	res("add_into_revoked", addk("user", "x", "x", 1, r3));
	num("timeout", kc(KEYCTL_SET_TIMEOUT, k6, 1, 0, 0));
	readk("read_before_expiry", k6, 64);
	sleep(2);
	readk("read_expired", k6, 64);
	res("search_expired", kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
				 (long)"user", (long)"k6", 0));
	num("timeout_expired", kc(KEYCTL_SET_TIMEOUT, k6, 100, 0, 0));
	num("timeout_cleared", kc(KEYCTL_SET_TIMEOUT, k7, 100, 0, 0));
	num("timeout_zero", kc(KEYCTL_SET_TIMEOUT, k7, 0, 0, 0));
	readk("read_no_timeout", k7, 64);
	/* Readable by its owner without possession: a read right after is
	 * then ENOKEY whether or not the kernel's collector has run. */
	num("setperm_user_all", kc(KEYCTL_SETPERM, k7, 0x3f3f0000, 0, 0));
	num("invalidate", kc(KEYCTL_INVALIDATE, k7, 0, 0, 0));
	readk("read_invalidated", k7, 64);
	desc("describe_invalidated", k7);
	/* (The kernel's collector unlinks it later: keyring contents right
	 * after are not comparable.) */
	num("invalidate_missing", kc(KEYCTL_INVALIDATE, 0x7ffffff0, 0, 0, 0));
}

static void request(void)
{
	long r1 = kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, (long)"keyring",
		     (long)"r1", 0);

	res("request_found", reqk("user", "k1", NULL, 0));
	res("request_missing", reqk("user", "nope", NULL, 0));
	res("request_bad_type", reqk("cvisor_no_such_type", "x", NULL, 0));
	res("request_empty_desc", reqk("user", "", NULL, 0));
	res("request_dest", reqk("user", "k1", NULL, r1));
	readk("read_after_request", r1, 256);
	res("request_keyring", reqk("keyring", "r1", NULL, 0));
	num("reqkey_get", kc(KEYCTL_SET_REQKEY_KEYRING, -1, 0, 0, 0));
	num("reqkey_thread", kc(KEYCTL_SET_REQKEY_KEYRING, 1, 0, 0, 0));
	num("reqkey_get2", kc(KEYCTL_SET_REQKEY_KEYRING, -1, 0, 0, 0));
	num("reqkey_group", kc(KEYCTL_SET_REQKEY_KEYRING, 6, 0, 0, 0));
	num("reqkey_bad", kc(KEYCTL_SET_REQKEY_KEYRING, 99, 0, 0, 0));
	num("reqkey_session", kc(KEYCTL_SET_REQKEY_KEYRING, 3, 0, 0, 0));
	num("reqkey_default", kc(KEYCTL_SET_REQKEY_KEYRING, 0, 0, 0, 0));
}

/* A child: session inherited, thread and process keyrings not; as uid
 * 1000 only what the masks and possession allow. */
static void children(void)
{
	pthread_t th;
	pid_t pid;
	int st;

	pthread_create(&th, NULL, thread_fn, NULL);
	pthread_join(th, NULL);
	pid = fork();
	if (pid == 0) {
		long k1;

		res("fork_session", kc(KEYCTL_GET_KEYRING_ID,
				       KEY_SPEC_SESSION_KEYRING, 0, 0, 0));
		res("fork_process", kc(KEYCTL_GET_KEYRING_ID,
				       KEY_SPEC_PROCESS_KEYRING, 0, 0, 0));
		res("fork_thread", kc(KEYCTL_GET_KEYRING_ID,
				      KEY_SPEC_THREAD_KEYRING, 0, 0, 0));
		k1 = kc(KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, (long)"user",
			(long)"k1", 0);
		if (setgid(1000) < 0 || setuid(1000) < 0) {
			printf("setuid failed\n");
			_exit(1);
		}
		desc("uid1000_possessed", k1);
		readk("uid1000_read_possessed", k1, 64);
		num("uid1000_update", kc(KEYCTL_UPDATE, k1, (long)"x", 1, 0));
		num("uid1000_setperm", kc(KEYCTL_SETPERM, k1, 0x3f3f0000, 0,
					  0));
		num("uid1000_chown", kc(KEYCTL_CHOWN, k1, 1000, -1, 0));
		desc("uid1000_user_keyring", KEY_SPEC_USER_KEYRING);
		res("uid1000_persistent_of_root", kc(KEYCTL_GET_PERSISTENT, 0,
			KEY_SPEC_SESSION_KEYRING, 0, 0));
		name(kc(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0), "ses2");
		desc("uid1000_new_session", KEY_SPEC_SESSION_KEYRING);
		desc("uid1000_not_possessed", k1);
		readk("uid1000_read_not_possessed", k1, 64);
		num("uid1000_link_not_possessed", kc(KEYCTL_LINK, k1,
			KEY_SPEC_SESSION_KEYRING, 0, 0));
		res("uid1000_join_named", kc(KEYCTL_JOIN_SESSION_KEYRING,
					    (long)"named1", 0, 0, 0) > 0 ?
					 0 : -1);
		desc("uid1000_named_desc", KEY_SPEC_SESSION_KEYRING);
		for (int i = 0; i < 1000; i++) {
			char d[16], data[1000];
			long r;

			memset(data, 'q', sizeof(data));
			snprintf(d, sizeof(d), "q%d", i);
			r = addk("user", d, data, sizeof(data),
				 KEY_SPEC_SESSION_KEYRING);
			if (r < 0) {
				num("uid1000_quota", r);
				break;
			}
		}
		num("uid1000_clear", kc(KEYCTL_CLEAR, KEY_SPEC_SESSION_KEYRING,
					0, 0, 0));
		_exit(0);
	}
	waitpid(pid, &st, 0);
	num("child_status", WIFEXITED(st) ? WEXITSTATUS(st) : 128);
}

static void persistent(void)
{
	long p = kc(KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_SESSION_KEYRING, 0, 0);

	name(p, "persistent");
	res("get_persistent", p);
	desc("persistent_desc", p);
	res("get_persistent_again", kc(KEYCTL_GET_PERSISTENT, 0,
				       KEY_SPEC_SESSION_KEYRING, 0, 0));
	res("persistent_in_session", kc(KEYCTL_SEARCH,
					KEY_SPEC_SESSION_KEYRING,
					(long)"keyring",
					(long)"_persistent.0", 0));
	res("get_persistent_bad_dest", kc(KEYCTL_GET_PERSISTENT, -1, 0, 0,
					  0));
	num("unlink_persistent", kc(KEYCTL_UNLINK, p,
				    KEY_SPEC_SESSION_KEYRING, 0, 0));
}

/* execve drops the thread and process keyrings, keeps the session. */
static void exec_drops(const char *argv0)
{
	char sesid[16];
	pid_t pid;
	int st;

	snprintf(sesid, sizeof(sesid), "%ld", ses);
	pid = fork();
	if (pid == 0) {
		kc(KEYCTL_GET_KEYRING_ID, KEY_SPEC_THREAD_KEYRING, 1, 0, 0);
		kc(KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1, 0, 0);
		execl(argv0, argv0, "afterexec", sesid, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	num("exec_status", WIFEXITED(st) ? WEXITSTATUS(st) : 128);
}

static int after_exec(const char *sesid)
{
	long s = kc(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0, 0);

	num("afterexec_thread", kc(KEYCTL_GET_KEYRING_ID,
				   KEY_SPEC_THREAD_KEYRING, 0, 0, 0));
	num("afterexec_process", kc(KEYCTL_GET_KEYRING_ID,
				    KEY_SPEC_PROCESS_KEYRING, 0, 0, 0));
	printf("afterexec_session %s\n", s == atol(sesid) ? "same" : "other");
	return 0;
}

/* Keys go with the last process that holds them: rounds of a uid 1000
 * child filling most of its quota in a fresh session, then exiting. The
 * kernel's collector is asynchronous (and slow on a loaded machine): a
 * round that finds the quota still full is tried again for up to 5 s;
 * keys that are never freed still fail it. */
static int exit_frees_round(void);

static void exit_frees(void)
{
	char nm[32];

	for (int round = 0; round < 3; round++) {
		int st = 0;

		for (int tries = 0; tries < 16; tries++) {
			usleep(300000);
			st = exit_frees_round();
			if (st == 0)
				break;
		}
		snprintf(nm, sizeof(nm), "exit_frees_round%d", round);
		num(nm, st);
	}
}

static int exit_frees_round(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (setgid(1000) < 0 || setuid(1000) < 0)
			_exit(2);
		kc(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
		for (int i = 0; i < 150; i++) {
			char d[16];

			snprintf(d, sizeof(d), "f%d", i);
			if (addk("user", d, "0123456789", 10,
				 KEY_SPEC_SESSION_KEYRING) < 0)
				_exit(1);
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* A grandchild gives its new session keyring to its parent. */
static void to_parent(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		pid_t gc = fork();

		if (gc == 0) {
			kc(KEYCTL_JOIN_SESSION_KEYRING, (long)"tp1", 0, 0, 0);
			num("session_to_parent", kc(KEYCTL_SESSION_TO_PARENT,
						    0, 0, 0, 0));
			_exit(0);
		}
		waitpid(gc, &st, 0);
		desc("parent_session_after", KEY_SPEC_SESSION_KEYRING);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	desc("grandparent_session", KEY_SPEC_SESSION_KEYRING);
}

/* Sandbox only: root fills keys until the sandbox's cap. */
static int flood(void)
{
	static char data[1000];
	long n = 0, r;

	kc(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
	for (;;) {
		char d[16];

		snprintf(d, sizeof(d), "x%ld", n);
		r = addk("user", d, data, sizeof(data),
			 KEY_SPEC_SESSION_KEYRING);
		if (r < 0 || n > 2000000)
			break;
		n++;
	}
	printf("flood %ld %s\n", n, r < 0 ? ename((int)-r) : "no-limit");
	num("flood_clear", kc(KEYCTL_CLEAR, KEY_SPEC_SESSION_KEYRING, 0, 0, 0));
	res("flood_after", addk("user", "y", "y", 1,
				KEY_SPEC_SESSION_KEYRING) > 0 ? 0 : -1);
	return 0;
}

static int marks(int argc, char **argv)
{
	if (strcmp(argv[1], "afterexec") == 0 && argc == 3)
		return after_exec(argv[2]);
	if (strcmp(argv[1], "flood") == 0)
		return flood();
	if (strcmp(argv[1], "session") == 0) {
		desc("initial_session", KEY_SPEC_SESSION_KEYRING);
		desc("initial_user_session", KEY_SPEC_USER_SESSION_KEYRING);
		return 0;
	}
	if (strcmp(argv[1], "mark") == 0 && argc == 3) {
		long r = addk("user", argv[2], "m", 1, KEY_SPEC_USER_KEYRING);

		printf("%ld\n", r);
		return r > 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "unmark") == 0 && argc == 3) {
		long r = kc(KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, (long)"user",
			    (long)argv[2], 0);

		return r > 0 && kc(KEYCTL_INVALIDATE, r, 0, 0, 0) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "probe") == 0 && argc == 4) {
		desc("probe_serial", atol(argv[2]));
		res("probe_search", kc(KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING,
				       (long)"user", (long)argv[3], 0));
		return 0;
	}
	fprintf(stderr, "usage: keyctl_conform [mark|unmark DESC|probe N D]\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return marks(argc, argv);
	ses = kc(KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
	name(ses, "ses");
	res("join", ses);
	desc("session_desc", KEY_SPEC_SESSION_KEYRING);
	special();
	user_keys();
	keyrings();
	perms();
	states();
	request();
	children();
	exec_drops(argv[0]);
	exit_frees();
	to_parent();
	persistent();
	printf("done 0\n");
	return 0;
}
