#!/bin/bash
# runsc do CMD: a host command sandboxed over the host's root, read-only,
# with the command's exit status; the host's kernel file systems (/proc,
# /sys...) are not part of the gofer's root; nothing is left afterwards.
# cvisor-test: per-platform
. "$(dirname "$0")/../lib.sh"

gone() {
	local st
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

t_expect "do prints the command's output" "hi" runsc do /bin/echo hi

runsc do sh -c 'exit 7' >/dev/null 2>&1
t_expect "do returns the command's exit status" "7" echo $?

rm -f /etc/cvisor-test
if runsc do sh -c 'echo x > /etc/cvisor-test' >/dev/null 2>"$T_TMP/ro.err"; then
	t_fail "the host's root is read-only" "write succeeded"
else
	t_check "the host's root is read-only" test ! -e /etc/cvisor-test
fi
rm -f /etc/cvisor-test

# /tmp is a private tmpfs in do's spec: a host file outside it.
t_expect "host files are readable" "$(sha256sum /etc/os-release)" \
	runsc do sha256sum /etc/os-release
t_expect "cwd is the caller's" "/usr/share" bash -c "cd /usr/share && '$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' do /bin/pwd"
t_expect "do's /tmp is private" "" bash -c "cd / && '$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' do ls -A /tmp"
# ... except for a working directory below it, bound read-only.
mkdir -p "/tmp/cvisor-do-cwd.$$/sub"
echo seen > "/tmp/cvisor-do-cwd.$$/sub/f"
echo hidden > "/tmp/cvisor-do-cwd.$$/other"
t_expect "a cwd below /tmp stays visible" "/tmp/cvisor-do-cwd.$$/sub seen" bash -c \
	"cd /tmp/cvisor-do-cwd.$$/sub && '$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' do sh -c 'echo \$(pwd) \$(cat f)'"
t_expect "only that directory of the host's /tmp" "sub" bash -c \
	"cd /tmp/cvisor-do-cwd.$$/sub && '$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' do ls -A /tmp/cvisor-do-cwd.$$"
t_check "a cwd below /tmp is read-only" bash -c \
	"cd /tmp/cvisor-do-cwd.$$/sub && ! '$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' do sh -c 'echo x > g' 2>/dev/null && test ! -e g"
rm -rf "/tmp/cvisor-do-cwd.$$"

"$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" do /bin/sleep 30 >/dev/null 2>&1 &
do_pid=$!
S= G=
for _ in $(seq 100); do
	id=$(ls "$T_ROOT" 2>/dev/null | head -1)
	[ -n "$id" ] && S=$(jq -r .sandboxPid "$T_ROOT/$id/state.json" 2>/dev/null)
	[ -n "$S" ] && [ "$S" != null ] && [ -n "$(cat /proc/$S/task/$S/children 2>/dev/null)" ] && break
	sleep 0.1
done
for c in $(cat "/proc/$S/task/$S/children" 2>/dev/null); do
	[ "$(awk '/^TracerPid:/ {print $2}' "/proc/$c/status")" = "$S" ] || G=$c
done
if [ -n "$G" ]; then
	# (devtmpfs: the default device nodes, bound one by one)
	t_expect "gofer's root has no host kernel file systems" "0" bash -c \
		"grep -E ' - (proc|sysfs|cgroup2?|devtmpfs|debugfs|securityfs|tracefs|bpf) ' /proc/$G/mountinfo | grep -vcE '^[0-9]+ [0-9]+ [0-9:]+ /[a-z]+ /dev/[a-z]+ '"
	t_check "gofer's root is the host's root" test -e "/proc/$G/root/etc/os-release"
else
	t_fail "gofer's root has no host kernel file systems" "no gofer found (sandbox '$S')"
fi
kill -TERM "$do_pid" 2>/dev/null
wait "$do_pid" 2>/dev/null
for _ in $(seq 50); do
	{ [ -z "$S" ] || gone "$S"; } && { [ -z "$G" ] || gone "$G"; } && break
	sleep 0.1
done
{ [ -z "$S" ] || gone "$S"; } && { [ -z "$G" ] || gone "$G"; } &&
	t_ok "do leaves no process" || t_fail "do leaves no process" "sandbox $S gofer $G"
