#!/bin/bash
# A program's name after execve is the basename of the path it was called
# by, as Linux gives it, although the sentry runs the canonical path the
# gofer resolved (/bin/cat is a symlink to /bin/busybox); exec of
# /proc/self/exe runs the caller's program.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

B=$T_TMP/b
make_bundle "$B" /bin/true
jq '.root.readonly = false' "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
cd "$B" || exit 1
n=0

run_sh() {	# run_sh SCRIPT: the workload's stdout and stderr
	n=$((n + 1))
	jq --arg s "$1" '.process.args = ["/bin/sh", "-c", $s]' config.json \
		>c.json && mv c.json config.json
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run "c$n" </dev/null 2>&1
}

t_expect via_symlink "cat" run_sh 'cat /proc/self/comm'
t_expect canonical_name "busybox" run_sh '/bin/busybox cat /proc/self/comm'
t_expect relative_path "cat" run_sh 'cd /bin && ./cat /proc/self/comm'
# A "#!" script through a symlink: named after the link, 15 bytes at most.
t_expect truncated_to_15 "averyveryverylo" \
	run_sh 'printf "#!/bin/sh\nread c </proc/\$\$/comm; echo \$c\n" >/tmp/s.sh && chmod +x /tmp/s.sh &&
		ln -s s.sh /tmp/averyveryverylongname && /tmp/averyveryverylongname'
t_expect init_name "sh" run_sh 'cat /proc/1/comm; true'
# busybox run as "/proc/self/exe": the applet is named after argv[0], as
# natively.
t_expect proc_self_exe "exe: applet not found" run_sh '/proc/self/exe; true'
# A script's /proc/self/exe is its interpreter, as Linux shows it; busybox
# re-executes itself through it to run applets, so a script that runs an
# external command must work (it looped re-running the script when exe
# named the script).
t_expect script_runs_applet "cvisor-script-ok" \
	run_sh 'printf "#!/bin/sh\necho cvisor-script-ok | cat\n" >/tmp/a.sh && chmod +x /tmp/a.sh && /tmp/a.sh'
t_expect script_exe_is_interpreter "/bin/busybox" \
	run_sh 'printf "#!/bin/sh\nreadlink /proc/\$\$/exe\n" >/tmp/e.sh && chmod +x /tmp/e.sh && /tmp/e.sh'
