#!/usr/bin/python3
"""pty_run.py [--input TEXT] [--delay SECONDS] [--timeout SECONDS] CMD...

Runs CMD on a new pty (its controlling terminal and stdio), copies what the
pty shows to stdout, and exits with CMD's status (124 after killing it on
timeout). TEXT ("\\n" for newlines) is typed DELAY seconds after the start;
nothing is typed otherwise. (script(1) with its stdin at EOF types a NUL
into the terminal, which a program there may echo as "^@".)"""
import os
import pty
import select
import signal
import sys
import time


def main():
    args = sys.argv[1:]
    text, delay, timeout = None, 1.0, 60.0
    while args and args[0].startswith("--"):
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "--input":
            text = val.replace("\\n", "\n").encode()
        elif opt == "--delay":
            delay = float(val)
        elif opt == "--timeout":
            timeout = float(val)
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(args[0], args)
    start = time.time()
    status, done_at = None, None
    while True:
        now = time.time()
        if text is not None and now - start >= delay:
            os.write(master, text)
            text = None
        if status is None:
            p, st = os.waitpid(pid, os.WNOHANG)
            if p:
                status, done_at = st, now
        if now - start > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.flush()
            return 124
        # After the exit: what is still buffered, briefly.
        if done_at is not None and now - done_at > 0.5:
            break
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                if status is not None:
                    break
                time.sleep(0.05)
                continue
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
