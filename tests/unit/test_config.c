/* SPDX-License-Identifier: Apache-2.0 */
/* config.json parsing: fixtures from runc/crun and a full config with
 * typed values, the default spec, bundle loading, process and resources
 * alone. Bad inputs are in test_config_errors.c. */
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/util.h"
#include "oci/config.h"
#include "tests/unit/test.h"

static struct oci_spec *load_fixture(const char *name)
{
	const char *src = getenv("CVISOR_SRC");
	cleanup_free char *path = NULL, *json = NULL;
	cleanup_error struct cv_error *err = NULL;
	struct oci_spec *s = NULL;
	size_t len;

	if (asprintf(&path, "%s/tests/data/config/%s", src ? src : ".",
		     name) < 0)
		FAILF("asprintf");
	if (cv_read_file(path, &json, &len, &err) < 0)
		FAILF("%s", err->msg);
	if (oci_spec_parse(json, len, "config.json", &s, &err) < 0)
		FAILF("%s: %s", name, err->msg);
	return s;
}

#define CAPS3 ((1ULL << 29) | (1ULL << 5) | (1ULL << 10))

static void check_runc_like(struct oci_spec *s)
{
	CHECK(s->has_process);
	CHECK(s->process.terminal);
	CHECK_EQ(s->process.n_args, 1);
	CHECK_STREQ(s->process.args[0], "sh");
	CHECK(s->process.args[1] == NULL);
	CHECK_EQ(s->process.n_env, 2);
	CHECK_STREQ(s->process.env[1], "TERM=xterm");
	CHECK(s->process.env[2] == NULL);
	CHECK_STREQ(s->process.cwd, "/");
	CHECK(s->process.caps.present);
	CHECK_EQ(s->process.caps.bounding, CAPS3);
	CHECK_EQ(s->process.caps.effective, CAPS3);
	CHECK_EQ(s->process.caps.permitted, CAPS3);
	CHECK_EQ(s->process.n_rlimits, 1);
	CHECK_EQ(s->process.rlimits[0].type, RLIMIT_NOFILE);
	CHECK_EQ(s->process.rlimits[0].hard, 1024);
	CHECK_EQ(s->process.rlimits[0].soft, 1024);
	CHECK(s->process.no_new_privileges);
	CHECK_STREQ(s->root.path, "rootfs");
	CHECK(s->root.readonly);
	CHECK_EQ(s->n_mounts, 7);
	CHECK_STREQ(s->mounts[0].destination, "/proc");
	CHECK_STREQ(s->mounts[0].type, "proc");
	CHECK_STREQ(s->mounts[6].destination, "/sys/fs/cgroup");
	CHECK_EQ(s->mounts[6].flags,
		 MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY);
	CHECK(s->has_linux);
	CHECK(oci_spec_namespace(s, OCI_NS_PID) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_MOUNT) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_UTS) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_PID)->path == NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_TIME) == NULL);
	CHECK_EQ(s->linux_.n_masked_paths, 10);
	CHECK_STREQ(s->linux_.masked_paths[0], "/proc/acpi");
	CHECK(s->linux_.masked_paths[10] == NULL);
	CHECK_EQ(s->linux_.n_readonly_paths, 5);
	CHECK(!s->linux_.seccomp.present);
}

TEST(runc_spec_parses)
{
	cleanup_spec struct oci_spec *s = load_fixture("runc-spec.json");

	check_runc_like(s);
	CHECK_STREQ(s->oci_version, "1.0.2-dev");
	CHECK_STREQ(s->hostname, "runc");
	CHECK_EQ(s->process.caps.ambient, CAPS3);
	CHECK(oci_spec_namespace(s, OCI_NS_NETWORK) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_USER) == NULL);
	CHECK(s->linux_.resources.present);
	CHECK_EQ(s->linux_.resources.n_devices, 1);
	CHECK(!s->linux_.resources.devices[0].allow);
	CHECK_EQ(s->linux_.resources.devices[0].type, 'a');
	CHECK_EQ(s->linux_.resources.devices[0].major, -1);
	CHECK_STREQ(s->linux_.resources.devices[0].access, "rwm");
	/* devpts: the unknown options are fs data, in order. */
	CHECK_STREQ(s->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	CHECK_EQ(s->mounts[2].flags, MS_NOSUID | MS_NOEXEC);
	CHECK_STREQ(s->mounts[1].data, "mode=755,size=65536k");
	CHECK_EQ(s->mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
	CHECK(!s->mounts[1].is_bind);
}

TEST(crun_spec_parses)
{
	cleanup_spec struct oci_spec *s = load_fixture("crun-spec.json");

	check_runc_like(s);
	CHECK_STREQ(s->hostname, "crun");
	CHECK_EQ(s->process.caps.inheritable, 0);
}

TEST(runc_rootless_spec_parses)
{
	cleanup_spec struct oci_spec *s =
		load_fixture("runc-spec-rootless.json");
	const struct oci_mount *sys;

	CHECK(oci_spec_namespace(s, OCI_NS_USER) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_NETWORK) == NULL);
	CHECK_EQ(s->linux_.n_uid_mappings, 1);
	CHECK_EQ(s->linux_.uid_mappings[0].size, 1);
	CHECK_EQ(s->linux_.n_gid_mappings, 1);
	sys = &s->mounts[5];
	CHECK_STREQ(sys->destination, "/sys");
	CHECK(sys->is_bind);
	CHECK(sys->recursive);
	CHECK_STREQ(sys->type, "bind");
	CHECK_STREQ(sys->source, "/sys");
	CHECK(sys->flags & MS_RDONLY);
	CHECK(!s->linux_.resources.present);
}

TEST(containerd_spec_with_profile_parses)
{
	cleanup_spec struct oci_spec *s =
		load_fixture("containerd-seccomp.json");
	const struct oci_seccomp *sc = &s->linux_.seccomp;

	CHECK_EQ(__builtin_popcountll(s->process.caps.bounding), 14);
	CHECK_EQ(s->linux_.n_namespaces, 5);
	CHECK(s->linux_.cgroups_path != NULL);
	CHECK(sc->present);
	CHECK_EQ(sc->default_action, OCI_SCMP_ERRNO);
	CHECK_EQ(sc->n_architectures, 3);
	CHECK_EQ(sc->n_syscalls, 22);
	CHECK(sc->syscalls[1].n_names > 300);
	CHECK(!sc->syscalls[1].has_errno_ret);
	CHECK_EQ(sc->syscalls[0].errno_ret, 1);
}

static void check_full_process(const struct oci_process *p)
{
	CHECK(!p->terminal);
	CHECK(p->has_console_size);
	CHECK_EQ(p->console_size.height, 25);
	CHECK_EQ(p->console_size.width, 80);
	CHECK_EQ(p->user.uid, 1000);
	CHECK_EQ(p->user.gid, 1000);
	CHECK(p->user.has_umask);
	CHECK_EQ(p->user.umask, 022);
	CHECK_EQ(p->user.n_additional_gids, 3);
	CHECK_EQ(p->user.additional_gids[2], 4294967294u);
	CHECK_EQ(p->n_args, 3);
	CHECK_STREQ(p->args[2], "echo hello");
	CHECK_STREQ(p->env[2], "EMPTY=");
	CHECK_STREQ(p->cwd, "/home/user");
	CHECK_EQ(p->caps.bounding, (1ULL << 0) | (1ULL << 5) | (1ULL << 40));
	CHECK_EQ(p->caps.effective, 1ULL << 5);
	CHECK_EQ(p->caps.inheritable, 0);
	CHECK_EQ(p->caps.permitted, (1ULL << 5) | (1ULL << 13));
	CHECK_EQ(p->caps.ambient, 1ULL << 10);
	CHECK_EQ(p->n_rlimits, 3);
	CHECK_EQ(p->rlimits[1].type, RLIMIT_CORE);
	CHECK(p->rlimits[1].hard == UINT64_MAX);
	CHECK_EQ(p->rlimits[2].type, RLIMIT_NPROC);
	CHECK_STREQ(p->apparmor_profile, "cvisor-default");
	CHECK(p->has_oom_score_adj);
	CHECK_EQ(p->oom_score_adj, -500);
	CHECK_STREQ(p->selinux_label, "system_u:system_r:container_t:s0");
	CHECK(p->has_io_priority);
	CHECK_EQ(p->io_priority_class, 2);
	CHECK_EQ(p->io_priority, 4);
	CHECK(p->has_scheduler);
	CHECK_EQ(p->sched_policy, SCHED_BATCH);
	CHECK_EQ(p->sched_nice, 5);
	CHECK_EQ(p->sched_flags, 1);
	CHECK_STREQ(p->exec_cpu_affinity_final, "0-1");
}

static void check_full_mounts(const struct oci_spec *s)
{
	const struct oci_mount *m = s->mounts;

	CHECK_EQ(s->n_mounts, 5);
	CHECK_STREQ(m[2].destination, "/data");
	CHECK(m[2].is_bind && m[2].recursive);
	CHECK_STREQ(m[2].type, "bind");
	CHECK_EQ(m[2].flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV);
	CHECK_EQ(m[2].propagation, OCI_PROP_RPRIVATE);
	CHECK(m[2].data == NULL);
	CHECK_EQ(m[2].n_options, 5);
	CHECK_STREQ(m[2].options[2], "rprivate");
	CHECK(m[3].is_bind && !m[3].recursive);
	CHECK_EQ(m[3].flags, MS_BIND);
	CHECK_EQ(m[3].clear_flags, MS_RDONLY | MS_NOEXEC);
	CHECK_EQ(m[3].rec_attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME);
	CHECK_EQ(m[3].rec_attr_clr, MOUNT_ATTR__ATIME);
	CHECK_STREQ(m[4].data, "size=10m,uid=1000");
	CHECK_EQ(m[4].flags, MS_NOEXEC);
	CHECK_EQ(m[4].propagation, OCI_PROP_SHARED);
}

static void check_full_hooks(const struct oci_spec *s)
{
	const struct oci_hooks *h = &s->hooks;

	CHECK_EQ(h->n[OCI_HOOK_PRESTART], 1);
	CHECK_STREQ(h->list[OCI_HOOK_PRESTART][0].path, "/usr/bin/true");
	CHECK(h->list[OCI_HOOK_PRESTART][0].args == NULL);
	CHECK(!h->list[OCI_HOOK_PRESTART][0].has_timeout);
	CHECK_EQ(h->n[OCI_HOOK_CREATE_RUNTIME], 1);
	CHECK_EQ(h->list[OCI_HOOK_CREATE_RUNTIME][0].n_args, 2);
	CHECK_STREQ(h->list[OCI_HOOK_CREATE_RUNTIME][0].env[0], "A=1");
	CHECK(h->list[OCI_HOOK_CREATE_RUNTIME][0].has_timeout);
	CHECK_EQ(h->list[OCI_HOOK_CREATE_RUNTIME][0].timeout, 5);
	CHECK_EQ(h->n[OCI_HOOK_CREATE_CONTAINER], 0);
	CHECK_EQ(h->n[OCI_HOOK_POSTSTOP], 1);
	CHECK_STREQ(oci_hook_kind_name(OCI_HOOK_CREATE_RUNTIME),
		    "createRuntime");
}

static void check_full_linux(const struct oci_linux *l)
{
	CHECK_EQ(l->n_namespaces, 7);
	CHECK_EQ(l->namespaces[1].type, OCI_NS_NETWORK);
	CHECK_STREQ(l->namespaces[1].path, "/var/run/netns/cni-1234");
	CHECK_EQ(l->uid_mappings[0].host_id, 100000);
	CHECK_EQ(l->gid_mappings[0].size, 65536);
	CHECK_EQ(l->n_devices, 2);
	CHECK_EQ(l->devices[0].type, 'c');
	CHECK_EQ(l->devices[0].major, 10);
	CHECK_EQ(l->devices[0].minor, 229);
	CHECK(l->devices[0].has_file_mode);
	CHECK_EQ(l->devices[0].file_mode, 0666);
	CHECK(l->devices[0].has_uid);
	CHECK_EQ(l->devices[1].type, 'p');
	CHECK_STREQ(l->cgroups_path, "/kubepods/besteffort/pod1234/abcd");
	CHECK_EQ(l->rootfs_propagation, OCI_PROP_RSLAVE);
	CHECK_EQ(l->n_sysctl, 1);
	CHECK_STREQ(l->sysctl[0].key, "net.ipv4.ip_forward");
	CHECK_STREQ(l->sysctl[0].value, "1");
	CHECK_STREQ(l->mount_label, "system_u:object_r:container_file_t:s0");
	CHECK(l->has_personality);
	CHECK_EQ(l->personality, PER_LINUX32);
}

static void check_full_resources(const struct oci_resources *r)
{
	CHECK(r->present);
	CHECK_EQ(r->n_devices, 3);
	CHECK(r->devices[1].allow);
	CHECK_EQ(r->devices[1].type, 'c');
	CHECK_STREQ(r->devices[1].access, "rw");
	CHECK_EQ(r->devices[2].minor, -1);
	CHECK(r->has_memory);
	CHECK_EQ(r->memory.limit, 536870912);
	CHECK(r->memory.has_swap);
	CHECK_EQ(r->memory.swap, -1);
	CHECK(!r->memory.has_kernel);
	CHECK_EQ(r->memory.swappiness, 60);
	CHECK(r->memory.has_disable_oom_killer);
	CHECK(r->has_cpu);
	CHECK_EQ(r->cpu.quota, 50000);
	CHECK_EQ(r->cpu.period, 100000);
	CHECK_STREQ(r->cpu.cpus, "0-1");
	CHECK(r->has_pids);
	CHECK_EQ(r->pids_limit, 512);
	CHECK(r->has_blkio);
	CHECK_EQ(r->blkio.weight, 500);
	CHECK_EQ(r->blkio.weight_device[0].weight, 600);
	CHECK(!r->blkio.weight_device[0].has_leaf_weight);
	CHECK_EQ(r->blkio.throttle_read_bps[0].rate, 1048576);
	CHECK_EQ(r->blkio.n_throttle_write_bps, 0);
	CHECK_STREQ(r->hugepage_limits[0].page_size, "2MB");
	CHECK(r->has_network);
	CHECK_EQ(r->net_class_id, 1048577);
	CHECK_STREQ(r->net_priorities[0].name, "eth0");
	CHECK_EQ(r->n_unified, 2);
	CHECK_STREQ(r->unified[1].value, "default 100");
}

static void check_full_seccomp(const struct oci_seccomp *s)
{
	CHECK(s->present);
	CHECK_EQ(s->default_action, OCI_SCMP_ERRNO);
	CHECK(s->has_default_errno_ret);
	CHECK_EQ(s->default_errno_ret, 1);
	CHECK_EQ(s->n_architectures, 3);
	CHECK_EQ(s->architectures[0], 0xc000003e); /* AUDIT_ARCH_X86_64 */
	CHECK_EQ(s->n_flags, 1);
	CHECK_EQ(s->n_syscalls, 5);
	CHECK_EQ(s->syscalls[0].n_names, 4);
	CHECK_STREQ(s->syscalls[0].names[3], "no_such_syscall");
	CHECK_EQ(s->syscalls[2].args[0].op, OCI_SCMP_MASKED_EQ);
	CHECK_EQ(s->syscalls[2].args[0].value, 2114060288);
	CHECK(s->syscalls[3].has_errno_ret);
	CHECK_EQ(s->syscalls[3].errno_ret, 38);
	CHECK_EQ(s->syscalls[4].action, OCI_SCMP_KILL_PROCESS);
}

TEST(full_config_typed_values)
{
	cleanup_spec struct oci_spec *s = load_fixture("full.json");

	CHECK_STREQ(s->oci_version, "1.2.0");
	CHECK_STREQ(s->domainname, "example.org");
	CHECK_STREQ(oci_spec_annotation(s, "org.opencontainers.image.ref.name"),
		    "busybox");
	CHECK(oci_spec_annotation(s, "nope") == NULL);
	check_full_process(&s->process);
	check_full_mounts(s);
	check_full_hooks(s);
	check_full_linux(&s->linux_);
	check_full_resources(&s->linux_.resources);
	check_full_seccomp(&s->linux_.seccomp);
}

TEST(default_spec_round_trips)
{
	cleanup_error struct cv_error *err = NULL;
	cleanup_free char *json = oci_spec_default_json(false);
	cleanup_spec struct oci_spec *s = NULL;

	CHECK(json != NULL);
	if (oci_spec_parse(json, strlen(json), "default", &s, &err) < 0)
		FAILF("%s", err->msg);
	check_runc_like(s);
	CHECK(oci_spec_namespace(s, OCI_NS_NETWORK) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_CGROUP) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_IPC) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_USER) == NULL);
	CHECK_EQ(s->process.caps.ambient, 0);
	CHECK_STREQ(s->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	CHECK_STREQ(s->mounts[5].type, "sysfs");
	CHECK(s->linux_.resources.present);
}

TEST(default_rootless_spec_round_trips)
{
	cleanup_error struct cv_error *err = NULL;
	cleanup_free char *json = oci_spec_default_json(true);
	cleanup_spec struct oci_spec *s = NULL;

	CHECK(json != NULL);
	if (oci_spec_parse(json, strlen(json), "default", &s, &err) < 0)
		FAILF("%s", err->msg);
	check_runc_like(s);
	CHECK(oci_spec_namespace(s, OCI_NS_USER) != NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_NETWORK) == NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_CGROUP) == NULL);
	CHECK_EQ(s->linux_.n_uid_mappings, 1);
	CHECK_EQ(s->linux_.uid_mappings[0].container_id, 0);
	CHECK_EQ(s->linux_.uid_mappings[0].host_id, geteuid());
	CHECK_EQ(s->linux_.gid_mappings[0].host_id, getegid());
	CHECK_STREQ(s->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620");
	CHECK(s->mounts[5].is_bind && s->mounts[5].recursive);
	CHECK(!s->linux_.resources.present);
}

static char *make_bundle(const char *json)
{
	char tmpl[] = "/tmp/cvisor-config-test.XXXXXX";
	cleanup_error struct cv_error *err = NULL;
	cleanup_free char *file = NULL;
	char *dir = mkdtemp(tmpl);

	if (dir == NULL || asprintf(&file, "%s/config.json", dir) < 0)
		return NULL;
	if (cv_write_file_atomic(file, json, strlen(json), 0644, &err) < 0)
		return NULL;
	return strdup(dir);
}

static void remove_bundle(const char *dir)
{
	cleanup_free char *file = NULL;

	if (asprintf(&file, "%s/config.json", dir) >= 0)
		unlink(file);
	rmdir(dir);
}

TEST(load_resolves_bundle_and_rootfs)
{
	cleanup_free char *json = oci_spec_default_json(false);
	cleanup_free char *dir = make_bundle(json), *rel = NULL;
	cleanup_free char *want = NULL, *cwd = getcwd(NULL, 0);
	cleanup_error struct cv_error *err = NULL;
	cleanup_spec struct oci_spec *s = NULL;
	int r;

	CHECK(dir != NULL && cwd != NULL);
	CHECK(chdir("/tmp") == 0);
	rel = strdup(dir + strlen("/tmp/"));
	r = oci_spec_load(rel, &s, &err);
	CHECK(chdir(cwd) == 0);
	remove_bundle(dir);
	if (r < 0)
		FAILF("%s", err->msg);
	CHECK_STREQ(s->bundle, dir);
	CHECK(asprintf(&want, "%s/rootfs", dir) > 0);
	CHECK_STREQ(s->rootfs, want);
	CHECK_STREQ(s->root.path, "rootfs");
}

TEST(load_absolute_root_and_missing_file)
{
	const char *json = "{\"ociVersion\":\"1.0.0\","
			   "\"root\":{\"path\":\"/srv//x/./rootfs/\"}}";
	cleanup_free char *dir = make_bundle(json), *file = NULL;
	cleanup_error struct cv_error *err = NULL, *err2 = NULL;
	cleanup_spec struct oci_spec *s = NULL, *s2 = NULL;
	int r;

	CHECK(dir != NULL);
	if (oci_spec_load(dir, &s, &err) < 0) {
		remove_bundle(dir);
		FAILF("%s", err->msg);
	}
	CHECK_STREQ(s->rootfs, "/srv/x/rootfs");
	CHECK(!s->has_process && !s->has_linux);
	CHECK(asprintf(&file, "%s/config.json", dir) > 0);
	unlink(file);
	r = oci_spec_load(dir, &s2, &err2);
	remove_bundle(dir);
	CHECK(r < 0);
	CHECK(s2 == NULL);
	CHECK_CONTAINS(err2->msg, "config.json");
	CHECK_CONTAINS(err2->msg, "No such file");
}

TEST(process_parse_alone)
{
	const char *json = "{\"terminal\":true,\"user\":{\"uid\":5,\"gid\":6},"
			   "\"args\":[\"ls\",\"-l\"],\"env\":[\"A=B\"],"
			   "\"cwd\":\"/tmp\",\"capabilities\":{\"bounding\":"
			   "[\"CAP_SYS_ADMIN\"]},\"vendorExtension\":1}";
	cleanup_error struct cv_error *err = NULL;
	struct oci_process p;

	if (oci_process_parse(json, strlen(json), "process.json", &p, &err) < 0)
		FAILF("%s", err->msg);
	CHECK(p.terminal);
	CHECK_EQ(p.user.uid, 5);
	CHECK_EQ(p.user.gid, 6);
	CHECK_EQ(p.n_args, 2);
	CHECK_STREQ(p.args[1], "-l");
	CHECK_STREQ(p.cwd, "/tmp");
	CHECK_EQ(p.caps.bounding, 1ULL << 21);
	oci_process_clear(&p);
	CHECK(p.args == NULL);
}

TEST(process_parse_errors)
{
	const char *noargs = "{\"user\":{\"uid\":0,\"gid\":0},\"cwd\":\"/\"}";
	const char *badcap = "{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"x\"],"
			     "\"cwd\":\"/\",\"capabilities\":{\"ambient\":"
			     "[\"CAP_KILL\",\"CAP_NOPE\"]}}";
	cleanup_error struct cv_error *err = NULL, *err2 = NULL;
	struct oci_process p;

	CHECK(oci_process_parse(noargs, strlen(noargs), "process.json", &p,
				&err) < 0);
	CHECK_STREQ(err->msg, "process.json: args: required");
	CHECK(oci_process_parse(badcap, strlen(badcap), "p.json", &p,
				&err2) < 0);
	CHECK_STREQ(err2->msg,
		    "p.json: capabilities.ambient[1]: unknown capability \"CAP_NOPE\"");
	CHECK(p.args == NULL);
}

TEST(resources_parse_alone)
{
	const char *json = "{\"memory\":{\"limit\":-1,\"swap\":1073741824},"
			   "\"pids\":{\"limit\":-1},\"cpu\":{\"quota\":-1,"
			   "\"burst\":1000}}";
	const char *bad = "{\"memory\":{\"swappiness\":101}}";
	cleanup_error struct cv_error *err = NULL, *err2 = NULL;
	struct oci_resources r;

	if (oci_resources_parse(json, strlen(json), "-", &r, &err) < 0)
		FAILF("%s", err->msg);
	CHECK(r.present && r.has_memory && r.memory.has_limit);
	CHECK_EQ(r.memory.limit, -1);
	CHECK_EQ(r.memory.swap, 1073741824);
	CHECK(r.has_pids);
	CHECK_EQ(r.pids_limit, -1);
	CHECK_EQ(r.cpu.quota, -1);
	CHECK(r.cpu.has_burst);
	CHECK(!r.cpu.has_shares);
	oci_resources_clear(&r);
	CHECK(oci_resources_parse(bad, strlen(bad), "resources.json", &r,
				  &err2) < 0);
	CHECK_STREQ(err2->msg, "resources.json: memory.swappiness: out of "
			       "range (0 to 100), got 101");
}

TEST(name_tables)
{
	CHECK_EQ(oci_cap_from_name("CAP_CHOWN"), 0);
	CHECK_EQ(oci_cap_from_name("CAP_SYS_ADMIN"), 21);
	CHECK_EQ(oci_cap_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	CHECK_EQ(oci_cap_from_name("chown"), -1);
	CHECK_EQ(oci_cap_from_name(NULL), -1);
	CHECK_STREQ(oci_cap_name(19), "CAP_SYS_PTRACE");
	CHECK(oci_cap_name(41) == NULL);
	CHECK(oci_cap_name(-1) == NULL);
	CHECK_EQ(oci_rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
	CHECK_EQ(oci_rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
	CHECK_EQ(oci_rlimit_from_name("NOFILE"), -1);
	CHECK_STREQ(oci_rlimit_name(RLIMIT_AS), "RLIMIT_AS");
	CHECK(oci_rlimit_name(99) == NULL);
	CHECK_STREQ(oci_ns_type_name(OCI_NS_NETWORK), "network");
	CHECK_STREQ(oci_ns_type_name(OCI_NS_TIME), "time");
	CHECK_STREQ(oci_hook_kind_name(OCI_HOOK_POSTSTOP), "poststop");
	CHECK(oci_hook_kind_name(OCI_HOOK__COUNT) == NULL);
}

TEST(free_functions_accept_empty_input)
{
	struct oci_process p = { 0 };
	struct oci_resources r = { 0 };

	oci_spec_free(NULL);
	oci_process_clear(NULL);
	oci_resources_clear(NULL);
	oci_process_clear(&p);
	oci_resources_clear(&r);
	CHECK(p.args == NULL && !r.present);
}

TEST(minimal_spec_without_process_or_linux)
{
	const char *json = "{\"ociVersion\":\"1.1.0\",\"root\":{\"path\":\"/r\"}}";
	cleanup_error struct cv_error *err = NULL;
	cleanup_spec struct oci_spec *s = NULL;

	if (oci_spec_parse(json, strlen(json), NULL, &s, &err) < 0)
		FAILF("%s", err->msg);
	CHECK(!s->has_process && !s->has_linux);
	CHECK(!s->root.readonly);
	CHECK_EQ(s->n_mounts, 0);
	CHECK(s->bundle == NULL && s->rootfs == NULL);
	CHECK(oci_spec_namespace(s, OCI_NS_PID) == NULL);
	CHECK(!s->linux_.seccomp.present && !s->linux_.resources.present);
}

int main(void)
{
	return test_main();
}
