/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config.json "runsc spec" writes: the same shape as "runc spec" (a
 * busybox-friendly "sh" with a terminal, the standard mounts, a small
 * capability set, masked and read-only /proc and /sys paths). The rootless
 * form, like "runc spec --rootless", adds a user namespace mapping the
 * current user to root, drops the network and cgroup namespaces, bind
 * mounts /sys, drops uid=/gid= mount options and the device cgroup rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/config.h"

#define SPEC_HEAD \
	"{\n" \
	"\t\"ociVersion\": \"1.2.0\",\n" \
	"\t\"process\": {\n" \
	"\t\t\"terminal\": true,\n" \
	"\t\t\"user\": {\n" \
	"\t\t\t\"uid\": 0,\n" \
	"\t\t\t\"gid\": 0\n" \
	"\t\t},\n" \
	"\t\t\"args\": [\n" \
	"\t\t\t\"sh\"\n" \
	"\t\t],\n" \
	"\t\t\"env\": [\n" \
	"\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n" \
	"\t\t\t\"TERM=xterm\"\n" \
	"\t\t],\n" \
	"\t\t\"cwd\": \"/\",\n" \
	"\t\t\"capabilities\": {\n" \
	"\t\t\t\"bounding\": [\n" \
	"\t\t\t\t\"CAP_AUDIT_WRITE\",\n" \
	"\t\t\t\t\"CAP_KILL\",\n" \
	"\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n" \
	"\t\t\t],\n" \
	"\t\t\t\"effective\": [\n" \
	"\t\t\t\t\"CAP_AUDIT_WRITE\",\n" \
	"\t\t\t\t\"CAP_KILL\",\n" \
	"\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n" \
	"\t\t\t],\n" \
	"\t\t\t\"permitted\": [\n" \
	"\t\t\t\t\"CAP_AUDIT_WRITE\",\n" \
	"\t\t\t\t\"CAP_KILL\",\n" \
	"\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n" \
	"\t\t\t]\n" \
	"\t\t},\n" \
	"\t\t\"rlimits\": [\n" \
	"\t\t\t{\n" \
	"\t\t\t\t\"type\": \"RLIMIT_NOFILE\",\n" \
	"\t\t\t\t\"hard\": 1024,\n" \
	"\t\t\t\t\"soft\": 1024\n" \
	"\t\t\t}\n" \
	"\t\t],\n" \
	"\t\t\"noNewPrivileges\": true\n" \
	"\t},\n" \
	"\t\"root\": {\n" \
	"\t\t\"path\": \"rootfs\",\n" \
	"\t\t\"readonly\": true\n" \
	"\t},\n" \
	"\t\"hostname\": \"cvisor\",\n" \
	"\t\"mounts\": [\n" \
	"\t\t{\n" \
	"\t\t\t\"destination\": \"/proc\",\n" \
	"\t\t\t\"type\": \"proc\",\n" \
	"\t\t\t\"source\": \"proc\"\n" \
	"\t\t},\n" \
	"\t\t{\n" \
	"\t\t\t\"destination\": \"/dev\",\n" \
	"\t\t\t\"type\": \"tmpfs\",\n" \
	"\t\t\t\"source\": \"tmpfs\",\n" \
	"\t\t\t\"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]\n" \
	"\t\t},\n" \
	"\t\t{\n" \
	"\t\t\t\"destination\": \"/dev/pts\",\n" \
	"\t\t\t\"type\": \"devpts\",\n" \
	"\t\t\t\"source\": \"devpts\",\n" \
	"\t\t\t\"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"%s]\n" \
	"\t\t},\n" \
	"\t\t{\n" \
	"\t\t\t\"destination\": \"/dev/shm\",\n" \
	"\t\t\t\"type\": \"tmpfs\",\n" \
	"\t\t\t\"source\": \"shm\",\n" \
	"\t\t\t\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]\n" \
	"\t\t},\n" \
	"\t\t{\n" \
	"\t\t\t\"destination\": \"/dev/mqueue\",\n" \
	"\t\t\t\"type\": \"mqueue\",\n" \
	"\t\t\t\"source\": \"mqueue\",\n" \
	"\t\t\t\"options\": [\"nosuid\", \"noexec\", \"nodev\"]\n" \
	"\t\t},\n" \
	"%s" \
	"\t\t{\n" \
	"\t\t\t\"destination\": \"/sys/fs/cgroup\",\n" \
	"\t\t\t\"type\": \"cgroup\",\n" \
	"\t\t\t\"source\": \"cgroup\",\n" \
	"\t\t\t\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]\n" \
	"\t\t}\n" \
	"\t],\n" \
	"\t\"linux\": {\n"

static const char sysfs_mount[] =
	"\t\t{\n"
	"\t\t\t\"destination\": \"/sys\",\n"
	"\t\t\t\"type\": \"sysfs\",\n"
	"\t\t\t\"source\": \"sysfs\",\n"
	"\t\t\t\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]\n"
	"\t\t},\n";

static const char sysfs_rootless[] =
	"\t\t{\n"
	"\t\t\t\"destination\": \"/sys\",\n"
	"\t\t\t\"type\": \"none\",\n"
	"\t\t\t\"source\": \"/sys\",\n"
	"\t\t\t\"options\": [\"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\"]\n"
	"\t\t},\n";

static const char linux_root[] =
	"\t\t\"resources\": {\n"
	"\t\t\t\"devices\": [\n"
	"\t\t\t\t{\n"
	"\t\t\t\t\t\"allow\": false,\n"
	"\t\t\t\t\t\"access\": \"rwm\"\n"
	"\t\t\t\t}\n"
	"\t\t\t]\n"
	"\t\t},\n"
	"\t\t\"namespaces\": [\n"
	"\t\t\t{ \"type\": \"pid\" },\n"
	"\t\t\t{ \"type\": \"network\" },\n"
	"\t\t\t{ \"type\": \"ipc\" },\n"
	"\t\t\t{ \"type\": \"uts\" },\n"
	"\t\t\t{ \"type\": \"mount\" },\n"
	"\t\t\t{ \"type\": \"cgroup\" }\n"
	"\t\t],\n";

#define LINUX_ROOTLESS \
	"\t\t\"uidMappings\": [\n" \
	"\t\t\t{ \"containerID\": 0, \"hostID\": %u, \"size\": 1 }\n" \
	"\t\t],\n" \
	"\t\t\"gidMappings\": [\n" \
	"\t\t\t{ \"containerID\": 0, \"hostID\": %u, \"size\": 1 }\n" \
	"\t\t],\n" \
	"\t\t\"namespaces\": [\n" \
	"\t\t\t{ \"type\": \"pid\" },\n" \
	"\t\t\t{ \"type\": \"ipc\" },\n" \
	"\t\t\t{ \"type\": \"uts\" },\n" \
	"\t\t\t{ \"type\": \"mount\" },\n" \
	"\t\t\t{ \"type\": \"user\" }\n" \
	"\t\t],\n"

static const char spec_tail[] =
	"\t\t\"maskedPaths\": [\n"
	"\t\t\t\"/proc/acpi\",\n"
	"\t\t\t\"/proc/asound\",\n"
	"\t\t\t\"/proc/kcore\",\n"
	"\t\t\t\"/proc/keys\",\n"
	"\t\t\t\"/proc/latency_stats\",\n"
	"\t\t\t\"/proc/timer_list\",\n"
	"\t\t\t\"/proc/timer_stats\",\n"
	"\t\t\t\"/proc/sched_debug\",\n"
	"\t\t\t\"/sys/firmware\",\n"
	"\t\t\t\"/proc/scsi\"\n"
	"\t\t],\n"
	"\t\t\"readonlyPaths\": [\n"
	"\t\t\t\"/proc/bus\",\n"
	"\t\t\t\"/proc/fs\",\n"
	"\t\t\t\"/proc/irq\",\n"
	"\t\t\t\"/proc/sys\",\n"
	"\t\t\t\"/proc/sysrq-trigger\"\n"
	"\t\t]\n"
	"\t}\n"
	"}\n";

char *oci_spec_default_json(bool rootless)
{
	char *head = NULL, *lin = NULL, *out = NULL;
	int r;

	if (asprintf(&head, SPEC_HEAD, rootless ? "" : ", \"gid=5\"",
		     rootless ? sysfs_rootless : sysfs_mount) < 0)
		return NULL;
	if (rootless)
		r = asprintf(&lin, LINUX_ROOTLESS, (unsigned)geteuid(),
			     (unsigned)getegid());
	else
		r = (lin = strdup(linux_root)) ? 0 : -1;
	if (r >= 0 && asprintf(&out, "%s%s%s", head, lin, spec_tail) < 0)
		out = NULL;
	free(head);
	free(lin);
	return out;
}
