"""A real workload inside the container: python3 start-up (via subprocess)
and a script that writes, reads, stats and deletes many small files.
Prints "name ns_per_op iterations" lines like bench/micro."""
import os
import subprocess
import sys
import time

quick = "--quick" in sys.argv


def timed(name, fn, n):
    t0 = time.monotonic_ns()
    fn(n)
    dt = time.monotonic_ns() - t0
    print("%s %.1f %d" % (name, dt / n, n), flush=True)


def startup(n):
    for _ in range(n):
        subprocess.run([sys.executable, "-c", "pass"], check=True)


def small_files(n):
    d = "/tmp/pyfiles"
    os.makedirs(d, exist_ok=True)
    data = b"x" * 1024
    for i in range(n):
        p = "%s/f%05d" % (d, i)
        with open(p, "wb") as f:
            f.write(data)
    for i in range(n):
        p = "%s/f%05d" % (d, i)
        os.stat(p)
        with open(p, "rb") as f:
            f.read()
    for i in range(n):
        os.unlink("%s/f%05d" % (d, i))
    os.rmdir(d)


timed("python3_startup", startup, 3 if quick else 10)
timed("python3_small_files_per_file", small_files, 300 if quick else 2000)
