#!/bin/bash
# runsc run with process.terminal and no --console-socket: runsc itself
# holds the pty master (as runc does) and copies its stdin/stdout through
# it until the container exits.
# cvisor-test: per-platform
source "$(dirname "$0")/../lib.sh"

# tty_bundle DIR ARGS...: a terminal bundle. The device cgroup allows
# every device, so these checks are about the console itself (the default
# rules, which must allow the ptys too, are checked on their own below).
tty_bundle() {
	local dir=$1
	shift
	make_bundle "$dir" "$@"
	jq '.process.terminal = true |
		.linux.resources.devices = [{allow: true, access: "rwm"}]' \
		"$dir/config.json" >"$dir/c.json" && mv "$dir/c.json" "$dir/config.json"
}

# Console temp dirs that exist now, to see that runsc leaves none.
consoles_before=$(ls -d /tmp/cvisor-console.* 2>/dev/null | sort)

RUN="'$RUNSC_BIN' --root '$T_ROOT' --platform '$CVISOR_PLATFORM' run"
# On a pty of its own that nobody types into (script(1) with its stdin at
# EOF would type a NUL, which the container's pty echoes as "^@").
PTY_RUN=(timeout 90 python3 "$CVISOR_SRC/tests/pty_run.py")

B1=$T_TMP/b1
tty_bundle "$B1" /bin/sh -c 'tty; exit 3'
out=$("${PTY_RUN[@]}" sh -c "$RUN --bundle '$B1' t1" 2>&1)
rc=$?
if echo "$out" | tr -d '\r' | grep -qx '/dev/pts/[0-9][0-9]*'; then
	t_ok "tty in the container is a pty"
else
	t_fail "tty in the container is a pty" "got '$(echo "$out" | tr '\r\n' '  ' | tail -c 300)'"
fi
if [ "$rc" -eq 3 ]; then
	t_ok "exit status through the console"
else
	t_fail "exit status through the console" "status $rc"
fi
# Byte for byte what runc shows on the same terminal (nothing written to
# it but the workload's output: no stray byte before it).
if command -v runc >/dev/null; then
	want=$("${PTY_RUN[@]}" runc --root "$T_TMP/runc-root" run --bundle "$B1" r1 2>&1 | od -c)
	if [ "$(echo "$out" | od -c)" = "$want" ]; then
		t_ok "terminal output as under runc"
	else
		t_fail "terminal output as under runc" "runc: $want; ours: $(echo "$out" | od -c)"
	fi
fi

# /dev/console is the pty (runc binds the slave there): same device
# numbers as the terminal on stdin, and what is written to it reaches
# runsc's terminal. Seen through the gofer, so its mount namespace has it.
BC=$T_TMP/bc
# (One line: make_bundle makes one argument per line.)
tty_bundle "$BC" /bin/sh -c 'echo "tty $(tty)"; stat -c "console %F %t:%T" /dev/console; stat -L -c "stdin %t:%T" /proc/self/fd/0; stat -c "ttydev %t:%T" "$(tty)"; echo "fd0 $(readlink /proc/self/fd/0)"; echo via-console >/dev/console'
out=$("${PTY_RUN[@]}" sh -c "$RUN --bundle '$BC' tc" 2>&1 | tr -d '\r')
con=$(echo "$out" | sed -n 's/^console character special file //p')
if [ -n "$con" ] && [ "$con" != 0:0 ] &&
	[ "stdin $con" = "$(echo "$out" | grep '^stdin ')" ] &&
	[ "ttydev $con" = "$(echo "$out" | grep '^ttydev ')" ]; then
	t_ok "/dev/console is the pty slave (device $con)"
else
	t_fail "/dev/console is the pty slave" "got '$(echo "$out" | tr '\n' ' ' | tail -c 300)'"
fi
# /proc/self/fd/0 names the terminal as the sandbox sees it, as tty does.
tty_path=$(echo "$out" | sed -n 's|^tty \(/dev/pts/[0-9]*\)$|\1|p')
fd0=$(echo "$out" | sed -n 's/^fd0 //p')
if [ -n "$tty_path" ] && [ "$fd0" = "$tty_path" ]; then
	t_ok "/proc/self/fd/0 is the terminal's /dev/pts path"
else
	t_fail "/proc/self/fd/0 is the terminal's /dev/pts path" "tty '$tty_path', fd 0 '$fd0'"
fi
if echo "$out" | grep -qx 'via-console'; then
	t_ok "writes to /dev/console reach the terminal"
else
	t_fail "writes to /dev/console reach the terminal" "got '$(echo "$out" | tr '\n' ' ' | tail -c 300)'"
fi
# Without a terminal there is no /dev/console (runc makes none either).
BN=$T_TMP/bn
make_bundle "$BN" /bin/sh -c 'test -e /dev/console && echo present || echo absent'
t_expect "no /dev/console without a terminal" absent runsc run --bundle "$BN" tn

# stdin is not a terminal: copied to the pty as it comes.
B2=$T_TMP/b2
tty_bundle "$B2" /bin/sh
out=$( (sleep 1; printf 'echo in-$((1+2))\nexit 5\n') |
	timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
		run --bundle "$B2" t2 2>&1)
rc=$?
if echo "$out" | tr -d '\r' | grep -qx 'in-3'; then
	t_ok "stdin reaches the container through the pty"
else
	t_fail "stdin reaches the container through the pty" "got '$(echo "$out" | tr '\r\n' '  ' | tail -c 300)'"
fi
t_expect "status of an interactive shell" 5 echo "$rc"

# The window size of runsc's terminal, at start and after SIGWINCH.
if command -v python3 >/dev/null; then
	B3=$T_TMP/b3
	tty_bundle "$B3" /bin/sh -c 'stty size; read x; stty size'
	cat >"$T_TMP/winch.py" <<'PY'
import fcntl, os, pty, select, signal, struct, sys, termios, time
master, slave = pty.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(slave, fd)
    os.execvp(sys.argv[1], sys.argv[1:])
os.close(slave)
out = b""
def pump(t):
    global out
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                d = os.read(master, 4096)
            except OSError:
                return False
            if not d:
                return False
            out += d
    return True
pump(3)
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
os.kill(pid, signal.SIGWINCH)
pump(0.5)
os.write(master, b"go\r")
pump(5)
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("status", os.waitstatus_to_exitcode(st))
PY
	out=$(timeout 60 python3 "$T_TMP/winch.py" "$RUNSC_BIN" --root "$T_ROOT" \
		--platform "$CVISOR_PLATFORM" run --bundle "$B3" t3 2>&1)
	if echo "$out" | grep -qx '30 100'; then
		t_ok "pty gets the terminal's size"
	else
		t_fail "pty gets the terminal's size" "got '$(echo "$out" | tr '\n' ' ' | tail -c 300)'"
	fi
	if echo "$out" | grep -qx '40 120'; then
		t_ok "SIGWINCH resizes the pty"
	else
		t_fail "SIGWINCH resizes the pty" "got '$(echo "$out" | tr '\n' ' ' | tail -c 300)'"
	fi
	if echo "$out" | grep -qx 'status 0'; then
		t_ok "terminal mode: clean exit"
	else
		t_fail "terminal mode: clean exit" "got '$(echo "$out" | tr '\n' ' ' | tail -c 300)'"
	fi
else
	t_skip "window size" "no python3"
fi

# runsc restores its terminal's mode (it was raw while the container ran).
if command -v python3 >/dev/null; then
	out=$("${PTY_RUN[@]}" sh -c "stty -g; $RUN --bundle '$B1' t4 >/dev/null; stty -g" 2>&1 | tr -d '\r')
	if [ "$(echo "$out" | sed -n 1p)" = "$(echo "$out" | tail -1)" ] &&
		[ -n "$(echo "$out" | sed -n 1p)" ]; then
		t_ok "terminal mode restored"
	else
		t_fail "terminal mode restored" "$(echo "$out" | tr '\n' ' ' | tail -c 300)"
	fi
fi

# With the default device rules (deny all, as "runsc spec" writes them)
# the container's pty must still open: runc allows /dev/ptmx, /dev/pts/*
# and the standard nodes whatever the spec says.
B5=$T_TMP/b5
make_bundle "$B5" /bin/sh -c 'tty'
jq '.process.terminal = true' "$B5/config.json" >"$B5/c.json" && mv "$B5/c.json" "$B5/config.json"
out=$("${PTY_RUN[@]}" sh -c "$RUN --bundle '$B5' t5" 2>&1)
if echo "$out" | tr -d '\r' | grep -qx '/dev/pts/[0-9][0-9]*'; then
	t_ok "default device rules allow the pty"
else
	t_fail "default device rules allow the pty" "got '$(echo "$out" | tr '\r\n' '  ' | tail -c 300)'"
fi

# exec -t in the foreground: runsc is the console of the new process too.
B7=$T_TMP/b7
tty_bundle "$B7" /bin/sleep 60
jq '.process.terminal = false' "$B7/config.json" >"$B7/c.json" && mv "$B7/c.json" "$B7/config.json"
if runsc run -d --bundle "$B7" t7 </dev/null >/dev/null 2>"$T_TMP/t7.err"; then
	out=$("${PTY_RUN[@]}" "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" exec -t t7 /bin/sh -c 'tty; exit 7' 2>&1)
	rc=$?
	if echo "$out" | tr -d '\r' | grep -qx '/dev/pts/[0-9][0-9]*' && [ "$rc" = 7 ]; then
		t_ok "exec -t without --console-socket"
	else
		t_fail "exec -t without --console-socket" "status $rc, got '$(echo "$out" | tr '\r\n' '  ' | tail -c 300)'"
	fi
	out=$( (sleep 1; printf 'echo in-$((2+2))\nexit 2\n') |
		timeout 60 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" \
			exec -t t7 /bin/sh 2>&1)
	rc=$?
	if echo "$out" | tr -d '\r' | grep -qx 'in-4' && [ "$rc" = 2 ]; then
		t_ok "exec -t: stdin through the pty"
	else
		t_fail "exec -t: stdin through the pty" "status $rc, got '$(echo "$out" | tr '\r\n' '  ' | tail -c 300)'"
	fi
	if [ -f "$T_TMP/winch.py" ]; then
		out=$(timeout 60 python3 "$T_TMP/winch.py" "$RUNSC_BIN" --root "$T_ROOT" \
			--platform "$CVISOR_PLATFORM" exec -t t7 /bin/sh -c 'stty size; read x; stty size' 2>&1)
		if echo "$out" | grep -qx '30 100' && echo "$out" | grep -qx '40 120'; then
			t_ok "exec -t: window size and SIGWINCH"
		else
			t_fail "exec -t: window size and SIGWINCH" "got '$(echo "$out" | tr '\n' ' ' | tail -c 300)'"
		fi
	fi
	if runsc exec -d -t t7 /bin/true </dev/null >/dev/null 2>"$T_TMP/t7x.err"; then
		t_fail "exec -d -t needs --console-socket" "it ran"
	else
		t_ok "exec -d -t needs --console-socket"
	fi
	runsc delete --force t7 >/dev/null 2>&1
else
	t_fail "exec -t without --console-socket" "run -d: $(tail -c 300 "$T_TMP/t7.err")"
fi

# --detach with a terminal still needs a console socket.
B6=$T_TMP/b6
tty_bundle "$B6" /bin/true
runsc run --detach --bundle "$B6" t6 </dev/null >/dev/null 2>"$T_TMP/t6.err"
if grep -q "console socket" "$T_TMP/t6.err"; then
	t_ok "run -d with a terminal needs --console-socket"
else
	t_fail "run -d with a terminal needs --console-socket" "$(tail -c 300 "$T_TMP/t6.err")"
fi

if [ -z "$(ls "$T_ROOT" 2>/dev/null)" ]; then
	t_ok "no state left"
else
	t_fail "no state left" "$(ls "$T_ROOT")"
fi
consoles_after=$(ls -d /tmp/cvisor-console.* 2>/dev/null | sort)
if [ "$consoles_before" = "$consoles_after" ]; then
	t_ok "no console socket dir left"
else
	t_fail "no console socket dir left" "$(comm -13 <(echo "$consoles_before") <(echo "$consoles_after") | tr '\n' ' ')"
fi
