#!/bin/bash
# The process model the sentry keeps from ptrace events: threads, CLONE_FS,
# fork, vfork, exec from a thread, job-control signals, SIGCHLD, umask and
# credential changes as the gofer sees them (tests/progs/sc_procs).
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/sc_procs
cp "$CVISOR_PROGS/sc_procs" "$B/rootfs/bin/" || { t_fail build "no sc_procs"; exit 0; }
echo secret >"$B/rootfs/etc/secret"
chmod 600 "$B/rootfs/etc/secret"
mkdir -p "$B/rootfs/tmp"
chmod 1777 "$B/rootfs/tmp"
# Root with the capabilities to change its ids.
jq '.process.capabilities.bounding += ["CAP_SETUID","CAP_SETGID"] |
    .process.capabilities.effective += ["CAP_SETUID","CAP_SETGID"] |
    .process.capabilities.permitted += ["CAP_SETUID","CAP_SETGID"]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
cd "$B" || exit 1

timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run p1 \
	>"$T_TMP/out" 2>"$T_TMP/err"
rc=$?
for name in thread_open clone_fs_shared fork_fs_copied umask_inherited \
	exec_from_thread vfork_exec sigstop sigcont sigterm sigchld_handler \
	setresuid_creds setfsuid_creds sysinfo uname; do
	line=$(grep "^$name " "$T_TMP/out")
	case "$line" in
	"$name ok") t_ok "$name" ;;
	"") t_fail "$name" "no result (rc $rc): $(tail -c 300 "$T_TMP/err" | tr '\n' ' ')" ;;
	*) t_fail "$name" "$line" ;;
	esac
done
if grep -qx thread-exec "$T_TMP/out"; then t_ok thread_exec_output; else t_fail thread_exec_output "missing"; fi

# Many threads at once: emulated calls, forks and execs.
cp "$CVISOR_PROGS/sc_stress" "$B/rootfs/bin/" 2>/dev/null
jq '.process.args = ["/bin/sc_stress"]' config.json >c.json && mv c.json config.json
t_expect threads_stress "stress-ok" timeout 120 "$RUNSC_BIN" --root "$T_ROOT" \
	--platform "$CVISOR_PLATFORM" run p2
