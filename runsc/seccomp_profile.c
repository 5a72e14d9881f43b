/* SPDX-License-Identifier: Apache-2.0 */
/* Compiles linux.seccomp with libseccomp; see seccomp_profile.h. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/log.h"
#include "lib/util.h"
#include "runsc/seccomp_profile.h"
#include "sentry/sentry.h"

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}

#define cleanup_scmp __attribute__((cleanup(ctx_releasep)))

static int to_action(enum oci_seccomp_action a, bool has_ret, unsigned ret,
		     uint32_t *out)
{
	switch (a) {
	case OCI_SCMP_KILL:
		*out = SCMP_ACT_KILL_THREAD;
		return 0;
	case OCI_SCMP_KILL_PROCESS:
		*out = SCMP_ACT_KILL_PROCESS;
		return 0;
	case OCI_SCMP_TRAP:
		*out = SCMP_ACT_TRAP;
		return 0;
	case OCI_SCMP_ERRNO:
		*out = SCMP_ACT_ERRNO(has_ret ? ret : EPERM);
		return 0;
	case OCI_SCMP_TRACE:
		*out = SCMP_ACT_TRACE(has_ret ? ret : EPERM);
		return 0;
	case OCI_SCMP_ALLOW:
		*out = SCMP_ACT_ALLOW;
		return 0;
	case OCI_SCMP_LOG:
		*out = SCMP_ACT_LOG;
		return 0;
	case OCI_SCMP_NOTIFY:
		break;
	}
	return -1;
}

static int to_op(enum oci_seccomp_op op, enum scmp_compare *out)
{
	static const enum scmp_compare map[] = {
		[OCI_SCMP_NE] = SCMP_CMP_NE,
		[OCI_SCMP_LT] = SCMP_CMP_LT,
		[OCI_SCMP_LE] = SCMP_CMP_LE,
		[OCI_SCMP_EQ] = SCMP_CMP_EQ,
		[OCI_SCMP_GE] = SCMP_CMP_GE,
		[OCI_SCMP_GT] = SCMP_CMP_GT,
		[OCI_SCMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};

	if ((unsigned)op >= ARRAY_SIZE(map) || map[op] == 0)
		return -1;
	*out = map[op];
	return 0;
}

static int set_flags(scmp_filter_ctx ctx, const struct oci_seccomp *s,
		     struct cv_error **err)
{
	static const struct {
		const char *name;
		enum scmp_filter_attr attr;
	} flags[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB },
	};

	for (size_t i = 0; i < s->n_flags; i++) {
		size_t j;
		int r;

		for (j = 0; j < ARRAY_SIZE(flags); j++)
			if (strcmp(s->flags[i], flags[j].name) == 0)
				break;
		if (j == ARRAY_SIZE(flags))
			return cv_error_setx(err, "seccomp: flag %s is not supported",
					     s->flags[i]);
		r = seccomp_attr_set(ctx, flags[j].attr, 1);
		if (r < 0)
			return cv_error_set(err, -r, "seccomp: flag %s",
					    s->flags[i]);
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct oci_seccomp *s,
		      struct cv_error **err)
{
	for (size_t i = 0; i < s->n_architectures; i++) {
		int r = seccomp_arch_add(ctx, s->architectures[i]);

		if (r < 0 && r != -EEXIST)
			return cv_error_set(err, -r,
					    "seccomp: architecture 0x%x",
					    s->architectures[i]);
	}
	return 0;
}

/* Conditions for one rule; *split set when two test the same argument. */
static int build_conds(const struct oci_seccomp_syscall *sc,
		       struct scmp_arg_cmp *conds, bool *split,
		       struct cv_error **err)
{
	unsigned seen = 0;

	*split = false;
	for (size_t i = 0; i < sc->n_args; i++) {
		const struct oci_seccomp_arg *a = &sc->args[i];
		enum scmp_compare op;

		if (a->index > 5 || to_op(a->op, &op) < 0)
			return cv_error_setx(err, "seccomp: bad argument condition");
		if (seen & (1u << a->index))
			*split = true;
		seen |= 1u << a->index;
		conds[i] = (struct scmp_arg_cmp){
			.arg = a->index,
			.op = op,
			.datum_a = a->value,
			.datum_b = a->value_two,
		};
	}
	return 0;
}

static int add_one(scmp_filter_ctx ctx, const char *name, uint32_t act,
		   const struct scmp_arg_cmp *conds, size_t n, bool split,
		   struct cv_error **err)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r = 0;

	if (nr == __NR_SCMP_ERROR) {
		log_debug("seccomp: unknown syscall \"%s\" skipped", name);
		return 0;
	}
	if (!split) {
		r = seccomp_rule_add_array(ctx, act, nr, (unsigned)n, conds);
	} else {
		for (size_t i = 0; i < n && r == 0; i++)
			r = seccomp_rule_add_array(ctx, act, nr, 1, &conds[i]);
	}
	if (r < 0)
		return cv_error_set(err, -r, "seccomp: rule for %s", name);
	return 0;
}

static int add_rules(scmp_filter_ctx ctx, const struct oci_seccomp *s,
		     uint32_t def, struct cv_error **err)
{
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_seccomp_syscall *sc = &s->syscalls[i];
		cleanup_free struct scmp_arg_cmp *conds = NULL;
		uint32_t act;
		bool split;

		if (to_action(sc->action, sc->has_errno_ret, sc->errno_ret,
			      &act) < 0)
			return cv_error_setx(err, "seccomp: action not supported");
		/* libseccomp refuses rules that repeat the default action. */
		if (act == def)
			continue;
		conds = calloc(sc->n_args + 1, sizeof(*conds));
		if (conds == NULL)
			return cv_error_set(err, ENOMEM, "seccomp");
		if (build_conds(sc, conds, &split, err) < 0)
			return -1;
		for (size_t j = 0; j < sc->n_names; j++)
			if (add_one(ctx, sc->names[j], act, conds, sc->n_args,
				    split, err) < 0)
				return -1;
	}
	return 0;
}

static int build(const struct oci_seccomp *s, scmp_filter_ctx *out,
		 struct cv_error **err)
{
	cleanup_scmp scmp_filter_ctx ctx = NULL;
	uint32_t def;

	if (to_action(s->default_action, s->has_default_errno_ret,
		      s->default_errno_ret, &def) < 0)
		return cv_error_setx(err, "seccomp: default action not supported");
	ctx = seccomp_init(def);
	if (ctx == NULL)
		return cv_error_setx(err, "seccomp: cannot initialise the filter");
	if (add_arches(ctx, s, err) < 0 || set_flags(ctx, s, err) < 0 ||
	    add_rules(ctx, s, def, err) < 0)
		return -1;
	*out = steal_ptr(ctx);
	return 0;
}

/*
 * As runc does: with a refusing default action, a syscall newer than every
 * syscall the profile names gets ENOSYS rather than the default, so libc
 * falls back (clone3 -> clone) instead of failing on EPERM. The stub placed
 * before libseccomp's program can only answer ENOSYS or fall through, so it
 * never allows anything the profile refuses.
 */
static bool wants_enosys_stub(const struct oci_seccomp *s)
{
	switch (s->default_action) {
	case OCI_SCMP_ALLOW:
	case OCI_SCMP_LOG:
	case OCI_SCMP_TRACE:
	case OCI_SCMP_NOTIFY:
		return false;
	case OCI_SCMP_ERRNO:
		return !(s->has_default_errno_ret &&
			 s->default_errno_ret == ENOSYS);
	default:
		return true;
	}
}

static int max_named_nr(const struct oci_seccomp *s)
{
	int max = -1;

	for (size_t i = 0; i < s->n_syscalls; i++) {
		for (size_t j = 0; j < s->syscalls[i].n_names; j++) {
			int nr = seccomp_syscall_resolve_name(
				s->syscalls[i].names[j]);

			if (nr != __NR_SCMP_ERROR && nr > max)
				max = nr;
		}
	}
	return max;
}

#define X32_SYSCALL_BIT 0x40000000u

static size_t enosys_stub(const struct oci_seccomp *s, struct sock_filter *f)
{
#ifdef __x86_64__
	int max = max_named_nr(s);
	const struct sock_filter stub[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};

	if (!wants_enosys_stub(s) || max < 0)
		return 0;
	if (f != NULL)
		memcpy(f, stub, sizeof(stub));
	return ARRAY_SIZE(stub);
#else
	(void)s;
	(void)f;
	return 0;
#endif
}

/*
 * The sentry runs a few calls in the task itself (ptrace platform: fd
 * donation by recvmsg over a socketpair it makes, close, gettid, the comm
 * after exec). The profile is the workload's, not the sentry's: those
 * calls pass it when they carry the sandbox's secret in their unused sixth
 * argument (none of them reads it); a workload cannot learn it, it never
 * was in its memory, and the sandbox's own filter still applies to it.
 */
static size_t sentry_stub(struct sock_filter *f)
{
#ifdef __x86_64__
	uint64_t cookie = sentry_inject_cookie;
	const struct sock_filter stub[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 11),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_recvmsg, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socketpair, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_close, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_gettid, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_prctl, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[5])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)cookie, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[5]) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(cookie >> 32),
			 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	if (cookie == 0)
		return 0;
	if (f != NULL)
		memcpy(f, stub, sizeof(stub));
	return ARRAY_SIZE(stub);
#else
	(void)f;
	return 0;
#endif
}

/* The whole program: the stubs, then libseccomp's filter. */
static int compile(const struct oci_seccomp *s, struct sock_filter **out,
		   size_t *n, struct cv_error **err)
{
	cleanup_scmp scmp_filter_ctx ctx = NULL;
	cleanup_close int fd = -1;
	cleanup_free char *bpf = NULL;
	size_t len = 0, sstub = sentry_stub(NULL);
	size_t stub = sstub + enosys_stub(s, NULL);
	struct sock_filter *prog;
	int r;

	if (build(s, &ctx, err) < 0)
		return -1;
	fd = memfd_create("cvisor-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return cv_error_set(err, errno, "seccomp: memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return cv_error_set(err, -r, "seccomp: exporting the profile");
	if (lseek(fd, 0, SEEK_SET) < 0 || cv_read_fd(fd, &bpf, &len, err) < 0)
		return cv_error_wrap(err, "seccomp");
	if (len == 0 || len % sizeof(*prog) != 0 ||
	    len / sizeof(*prog) + stub > BPF_MAXINSNS)
		return cv_error_setx(err, "seccomp: the profile compiles to %zu "
				     "bytes of BPF, more than the kernel takes",
				     len);
	prog = calloc(stub + len / sizeof(*prog), sizeof(*prog));
	if (prog == NULL)
		return cv_error_set(err, ENOMEM, "seccomp");
	/* Their lengths (sstub, stub) were taken above. */
	(void)sentry_stub(prog);
	(void)enosys_stub(s, prog + sstub);
	memcpy(prog + stub, bpf, len);
	*out = prog;
	*n = stub + len / sizeof(*prog);
	return 0;
}

static unsigned filter_flags(const struct oci_seccomp *s)
{
	unsigned flags = 0;

	for (size_t i = 0; i < s->n_flags; i++) {
		if (strcmp(s->flags[i], "SECCOMP_FILTER_FLAG_TSYNC") == 0)
			flags |= SECCOMP_FILTER_FLAG_TSYNC;
		else if (strcmp(s->flags[i], "SECCOMP_FILTER_FLAG_LOG") == 0)
			flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (strcmp(s->flags[i], "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
			flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	}
	return flags;
}

static bool has_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	return syscall(SYS_capget, &h, d) == 0 &&
	       (d[CAP_SYS_ADMIN / 32].effective & (1u << (CAP_SYS_ADMIN % 32)));
}

int seccomp_profile_load(const struct oci_seccomp *s, struct cv_error **err)
{
	cleanup_free struct sock_filter *prog = NULL;
	struct sock_fprog fprog;
	size_t n = 0;
	long r;

	if (s == NULL || !s->present)
		return 0;
	if (compile(s, &prog, &n, err) < 0)
		return -1;
	/* Required without CAP_SYS_ADMIN; the caller has set it, or holds
	 * CAP_SYS_ADMIN for a process without no_new_privs (as runc). */
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 && !has_sys_admin() &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cv_error_set(err, errno, "seccomp: PR_SET_NO_NEW_PRIVS");
	fprog = (struct sock_fprog){ .len = (unsigned short)n, .filter = prog };
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags(s),
		    &fprog);
	if (r < 0)
		return cv_error_set(err, errno, "seccomp: loading the profile");
	if (r > 0)
		return cv_error_setx(err, "seccomp: thread %ld could not be "
				     "synchronised (TSYNC)", r);
	return 0;
}

int seccomp_profile_export(const struct oci_seccomp *s, int fd,
			   struct cv_error **err)
{
	cleanup_free struct sock_filter *prog = NULL;
	size_t n = 0, off = 0, len;

	if (s == NULL || !s->present)
		return cv_error_setx(err, "seccomp: no profile");
	if (compile(s, &prog, &n, err) < 0)
		return -1;
	len = n * sizeof(*prog);
	while (off < len) {
		ssize_t w = write(fd, (char *)prog + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return cv_error_set(err, errno, "seccomp: exporting the profile");
		off += (size_t)w;
	}
	return 0;
}
