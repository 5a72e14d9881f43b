/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Device access rules as the kernel's device cgroup applies them, for the
 * checks the gofer and the sentry make themselves (independently of the
 * cgroup, which may have no device controller): a list of rules, the last
 * one that matches decides, nothing matching means deny. An allow rule
 * matches a request whose access it covers entirely; a deny rule one that
 * asks for any access it names (so "deny c 1:3 w" refuses an O_RDWR open,
 * as the v1 controller does). runsc computes the list (the config's
 * linux.resources.devices followed by dev_rules_default, runc's order) and
 * the cgroup programs are built from the same list (runsc/cgroup_devices.c).
 */
#ifndef CV_LIB_DEVRULES_H
#define CV_LIB_DEVRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* The access bits, with the values of the BPF device program's. */
#define DEV_ACC_MKNOD 1u
#define DEV_ACC_READ 2u
#define DEV_ACC_WRITE 4u
#define DEV_ACC_ALL 7u

struct dev_rule {
	bool allow;
	char type;		/* 'a' (any), 'b' or 'c' */
	int64_t major, minor;	/* -1: any */
	unsigned access;	/* DEV_ACC_* */
};

/* The devices every container may use whatever its config says, as runc
 * grants them (specconv.AllowedDevices): mknod of any node, null, zero,
 * full, random, urandom, tty, ptmx and the ptys. Not the host's console
 * (5:1; a terminal's /dev/console is its pty) nor tun (10:200, which runc
 * 1.1 allowed and 1.2 no longer does). */
extern const struct dev_rule dev_rules_default[];
extern const size_t dev_rules_n_default;

/* Whether rules r allow access acc (DEV_ACC_*) to the device node of type
 * ifmt (S_IFCHR or S_IFBLK) and number major:minor. r == NULL: the
 * defaults. */
bool dev_rules_allow(const struct dev_rule *r, size_t n, mode_t ifmt,
		     unsigned major, unsigned minor, unsigned acc);

/* The access open(2) asks of a device for these flags: read, write or
 * both (O_TRUNC is a write). For O_PATH, 0: see dev_rules_check. */
unsigned dev_open_access(int flags);

/*
 * 0 if st is not a character or block device, or if the rules allow acc;
 * else -EPERM, the device cgroup's answer. acc 0 (an O_PATH open): allowed
 * if the rules allow reading or writing it, since the sentry reopens an
 * O_PATH file (/proc/self/fd/N) itself.
 */
int dev_rules_check(const struct dev_rule *r, size_t n, const struct stat *st,
		    unsigned acc);

#endif
