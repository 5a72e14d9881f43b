/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device access rules (linux.resources.devices).
 *
 * v1: the devices controller's allow/deny files: deny everything ("a"),
 * then replay the rules in order.
 *
 * v2: a BPF_PROG_TYPE_CGROUP_DEVICE program. The kernel calls it with
 * struct bpf_cgroup_dev_ctx { access_type = access << 16 | type; major;
 * minor } and allows the access when it returns 1. OCI rules are ordered,
 * the last matching one wins, so the program tests them from last to first
 * and returns at the first match; nothing matching means deny.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "lib/cleanup.h"
#include "lib/devrules.h"
#include "lib/log.h"
#include "runsc/cgroup_priv.h"

/* ---- v1 --------------------------------------------------------------- */

static void rule_text(const struct oci_device_rule *r, char *buf, size_t len)
{
	char maj[24], min[24];

	if (r->major < 0)
		snprintf(maj, sizeof(maj), "*");
	else
		snprintf(maj, sizeof(maj), "%lld", (long long)r->major);
	if (r->minor < 0)
		snprintf(min, sizeof(min), "*");
	else
		snprintf(min, sizeof(min), "%lld", (long long)r->minor);
	if (r->type == 'a')
		snprintf(buf, len, "a");
	else
		snprintf(buf, len, "%c %s:%s %s", r->type, maj, min,
			 r->access[0] ? r->access : "rwm");
}

static void access_text(unsigned acc, char out[4])
{
	size_t k = 0;

	if (acc & DEV_ACC_READ)
		out[k++] = 'r';
	if (acc & DEV_ACC_WRITE)
		out[k++] = 'w';
	if (acc & DEV_ACC_MKNOD)
		out[k++] = 'm';
	out[k] = '\0';
}

/*
 * The spec's rules, then the devices every container may use whatever
 * linux.resources.devices says, as runc grants them (lib/devrules.c). They
 * come after the spec's rules, so the spec cannot take them away (last
 * match wins), as with runc.
 */
int cgroup_devices_with_defaults(const struct oci_device_rule *r, size_t n,
				 struct oci_device_rule **out, size_t *nout)
{
	size_t nd = dev_rules_n_default;
	struct oci_device_rule *v = calloc(n + nd, sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	if (n > 0)
		memcpy(v, r, n * sizeof(*v));
	for (size_t i = 0; i < nd; i++) {
		const struct dev_rule *d = &dev_rules_default[i];

		v[n + i] = (struct oci_device_rule){ .allow = d->allow,
						     .type = d->type,
						     .major = d->major,
						     .minor = d->minor };
		access_text(d->access, v[n + i].access);
	}
	*out = v;
	*nout = n + nd;
	return 0;
}

int cgroup_devices_v1_apply(const char *dir, const struct oci_device_rule *r,
			    size_t n, struct cv_error **err)
{
	if (cg_write(dir, "devices.deny", "a", err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char buf[96];

		rule_text(&r[i], buf, sizeof(buf));
		if (cg_write(dir, r[i].allow ? "devices.allow" : "devices.deny",
			     buf, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- v2: program generation ------------------------------------------- */

struct prog {
	struct bpf_insn *v;
	size_t n, cap;
};

static int emit(struct prog *p, __u8 code, __u8 dst, __u8 src, __s16 off,
		__s32 imm)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *nv = realloc(p->v, nc * sizeof(*nv));

		if (nv == NULL)
			return -ENOMEM;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = (struct bpf_insn){ .code = code, .dst_reg = dst,
					  .src_reg = src, .off = off,
					  .imm = imm };
	return 0;
}

static int access_bits(const char *a)
{
	int bits = 0;

	if (a[0] == '\0')
		return BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ |
		       BPF_DEVCG_ACC_WRITE;
	for (; *a != '\0'; a++) {
		if (*a == 'r')
			bits |= BPF_DEVCG_ACC_READ;
		else if (*a == 'w')
			bits |= BPF_DEVCG_ACC_WRITE;
		else if (*a == 'm')
			bits |= BPF_DEVCG_ACC_MKNOD;
		else
			return -1;
	}
	return bits;
}

/*
 * Registers: r2 = device type, r3 = requested access, r4 = major,
 * r5 = minor. One block per rule:
 *	if r2 != type goto next		(omitted for 'a')
 *	allow: r1 = r3; r1 &= ~access; if r1 != 0 goto next (all asked is
 *	       in the rule; omitted for "rwm")
 *	deny:  r1 = r3; r1 &= access; if r1 == 0 goto next (any of it is)
 *	if r4 != major goto next	(omitted for wildcard)
 *	if r5 != minor goto next	(omitted for wildcard)
 *	r0 = allow; exit
 */
static int emit_rule(struct prog *p, const struct oci_device_rule *r)
{
	int acc = access_bits(r->access);
	bool all_acc = acc == 7;
	int type = r->type == 'b' ? BPF_DEVCG_DEV_BLOCK
		   : r->type == 'c' ? BPF_DEVCG_DEV_CHAR : 0;
	bool any = r->type == 'a';
	bool wmaj = any || r->major < 0, wmin = any || r->minor < 0;
	int len = 2 + (any ? 0 : 1) + (all_acc ? 0 : 3) + (wmaj ? 0 : 1) +
		  (wmin ? 0 : 1);
	int left = len;		/* instructions left in this block */
	int rc = 0;

	if (acc < 0 || (!any && type == 0))
		return -EINVAL;
	if (!any) {
		left--;
		rc |= emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0,
			   (__s16)left, type);
	}
	if (!all_acc) {
		left -= 3;
		rc |= emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1,
			   BPF_REG_3, 0, 0);
		rc |= emit(p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0,
			   r->allow ? ~acc & 7 : acc);
		rc |= emit(p, BPF_JMP | (r->allow ? BPF_JNE : BPF_JEQ) | BPF_K,
			   BPF_REG_1, 0, (__s16)left, 0);
	}
	if (!wmaj) {
		left--;
		rc |= emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0,
			   (__s16)left, (__s32)r->major);
	}
	if (!wmin) {
		left--;
		rc |= emit(p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0,
			   (__s16)left, (__s32)r->minor);
	}
	rc |= emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0,
		   r->allow ? 1 : 0);
	rc |= emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return rc ? -ENOMEM : 0;
}

static int build(const struct oci_device_rule *r, size_t n, struct prog *p)
{
	int rc = 0;

	/* r2 = type, r3 = access, r4 = major, r5 = minor */
	rc |= emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, 0, 0);
	rc |= emit(p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0,
		   0);
	rc |= emit(p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	rc |= emit(p, BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	rc |= emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, 4, 0);
	rc |= emit(p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, 8, 0);
	if (rc)
		return -ENOMEM;
	for (size_t i = n; i > 0; i--) {
		const struct oci_device_rule *x = &r[i - 1];

		rc = emit_rule(p, x);
		if (rc < 0)
			return rc;
		/* A rule matching everything ends the program: the verifier
		 * rejects unreachable instructions. */
		if (x->type == 'a' && access_bits(x->access) == 7)
			return 0;
	}
	/* default deny */
	rc |= emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	rc |= emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return rc ? -ENOMEM : 0;
}

/* ---- v2: load, attach, replace ---------------------------------------- */

static int load(struct prog *p, struct cv_error **err)
{
	static char log[16384];
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log,
		    .log_size = sizeof(log), .log_level = 1);
	int fd;

	log[0] = '\0';
	fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_DEVICE, "cvisor_devices",
			   "Apache-2.0", p->v, p->n, &opts);
	if (fd < 0)
		return cv_error_set(err, -fd, "cgroup: load device program%s%s",
				    log[0] ? ": " : "", log);
	return fd;
}

int cgroup_devices_v2_apply(const char *dir, const struct oci_device_rule *r,
			    size_t n, struct cv_error **err)
{
	cleanup_close int cgfd = -1, pfd = -1;
	struct prog p = { 0 };
	__u32 old[64], n_old = ARRAY_SIZE(old), flags = 0;
	int rc;

	rc = build(r, n, &p);
	if (rc < 0) {
		free(p.v);
		return cv_error_set(err, -rc, "cgroup: linux.resources.devices");
	}
	pfd = load(&p, err);
	free(p.v);
	if (pfd < 0)
		return -1;
	cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return cv_error_set(err, errno, "cgroup: open %s", dir);
	if (bpf_prog_query(cgfd, BPF_CGROUP_DEVICE, 0, &flags, old, &n_old) <
	    0)
		n_old = 0;
	rc = bpf_prog_attach(pfd, cgfd, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI);
	if (rc < 0)
		return cv_error_set(err, -rc, "cgroup: attach device program "
				    "to %s", dir);
	/* The new program is in place: drop the ones it replaces. */
	for (__u32 i = 0; i < n_old; i++) {
		int ofd = bpf_prog_get_fd_by_id(old[i]);

		if (ofd < 0)
			continue;
		bpf_prog_detach2(ofd, cgfd, BPF_CGROUP_DEVICE);
		close(ofd);
	}
	return 0;
}

/* ---- the container's policy -------------------------------------------- */

/* The kernel cannot run a device program for us (no
 * BPF_PROG_TYPE_CGROUP_DEVICE, no bpf(2), no right to load one, a
 * directory that is not a cgroup2 one: EBADF from the attach). */
static bool no_device_bpf(struct cv_error **err)
{
	int e = err != NULL && *err != NULL ? (*err)->errnum : 0;

	return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP || e == EPERM ||
	       e == EBADF;
}

int cgroup_devices_apply(struct cgroup *cg, const struct oci_resources *r,
			 struct cv_error **err)
{
	cleanup_free struct oci_device_rule *all = NULL;
	size_t n_spec = r != NULL ? r->n_devices : 0, n;
	const char *v1 = cg->mode == CGROUP_MODE_V2 ? NULL
						    : cgroup_dir(cg, "devices");
	int rc;

	if (cgroup_devices_with_defaults(r != NULL ? r->devices : NULL, n_spec,
					 &all, &n) < 0)
		return cv_error_set(err, ENOMEM, "cgroup: devices");
	if (v1 != NULL)
		return cgroup_devices_v1_apply(v1, all, n, err);
	if (cg->unified == NULL) {
		log_debug("cgroup: no device controller: the gofer and the "
			  "sentry check the device rules alone");
		return 0;
	}
	rc = cgroup_devices_v2_apply(cg->unified, all, n, err);
	/* Without rules in the spec, a kernel that cannot run the program
	 * is left to the gofer's and the sentry's own checks, as before
	 * rules were always applied; rules the spec asks for fail here. */
	if (rc < 0 && n_spec == 0 && no_device_bpf(err)) {
		log_warn("%s: the gofer and the sentry check the device "
			 "rules alone", (*err)->msg);
		cv_error_free(err);
		return 0;
	}
	return rc;
}
