#!/bin/bash
# A dynamically linked Debian userland runs in the sandbox: the host's /usr
# bound read-only under a root of merged-/usr links, a writable /work.
# bash and coreutils (sort of a large file), tar and gzip round trips,
# python3 (compileall on a tree, threads, subprocess, loopback sockets, mmap,
# signals), perl, and git init + commit when git is installed. Every result
# is compared with what the same command gives on the host.
# cvisor-test: per-platform
# cvisor-test: slow
source "$(dirname "$0")/../lib.sh"

[ -x /usr/bin/bash ] && [ -x /usr/bin/python3 ] || {
	t_skip userland "the host has no /usr/bin/bash or /usr/bin/python3"
	exit 0
}

B=$T_TMP/b
R=$B/rootfs
host_usr_rootfs "$R" work
printf 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >>"$R/etc/passwd"
printf 'nogroup:x:65534:\n' >>"$R/etc/group"
printf '127.0.0.1 localhost\n' >"$R/etc/hosts"
"$RUNSC_BIN" spec --bundle "$B" >/dev/null
jq --argjson usr "$USR_MOUNT" '.process.terminal = false | .root.readonly = false |
    .process.env += ["HOME=/root", "LC_ALL=C.UTF-8"] | .mounts += [$usr]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
cd "$B" || exit 1

n=0
run_bash() {	# run_bash SCRIPT: the workload's stdout (stderr kept per run)
	n=$((n + 1))
	jq --arg s "$1" '.process.args = ["/usr/bin/bash", "-c", $s]' config.json >c.json &&
		mv c.json config.json
	timeout 120 "$RUNSC_BIN" --root "$T_ROOT" --platform "$CVISOR_PLATFORM" run "u$n" 2>"$T_TMP/err.$n"
}

# sort: 200,000 shuffled numbers, sorted numerically; the checksum is
# compared with the host's sort of the same input.
seq 1 200000 | shuf --random-source=<(yes) >"$R/work/big.txt"
want=$(sort -n "$R/work/big.txt" | sha256sum | cut -d' ' -f1)
t_expect "sort of a large file" "$want" run_bash \
	'sort -n /work/big.txt | sha256sum | cut -d" " -f1'

t_expect "coreutils and bash features" "5 /work/d b.txt 3 ok" run_bash \
	'mkdir -p /work/d && cd /work/d && printf "x\ny\nz\n" > a.txt &&
	 mv a.txt b.txt && ln -s b.txt c && declare -A m=([k]=5) &&
	 echo ${m[k]} $(pwd) $(readlink c) $(wc -l < c) $([[ -f b.txt ]] && echo ok)'

# tar + gzip: pack a tree of the host's python library, unpack it elsewhere,
# compare trees.
t_expect "tar and untar round trip" "same" run_bash \
	'cd /work && tar czf j.tgz -C /usr/lib/python3*/ json email &&
	 mkdir x && tar xzf j.tgz -C x &&
	 diff -r x/json /usr/lib/python3*/json >/dev/null &&
	 diff -r x/email /usr/lib/python3*/email >/dev/null && echo same'

want=$(find /usr/lib/python3*/email -name '*.py' | wc -l)
t_expect "python3 -m compileall on a tree" "$want" run_bash \
	'cp -r /usr/lib/python3*/email /work/em && find /work/em -name __pycache__ -prune -exec rm -rf {} + ;
	 python3 -m compileall -q /work/em >/dev/null && find /work/em -name "*.pyc" | wc -l'

cat >"$R/work/t.py" <<'EOF'
import mmap, os, signal, socket, subprocess, sys, threading

out = []
# threads
total = []
lock = threading.Lock()
def work(i):
    s = sum(range(i * 1000))
    with lock:
        total.append(s)
ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
out.append("threads=%d" % len(total))
# subprocess
r = subprocess.run(["/usr/bin/sh", "-c", "echo $((6*7))"], capture_output=True, text=True)
out.append("sub=" + r.stdout.strip())
# sockets on loopback: a TCP echo server in a thread
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
def serve():
    c, _ = srv.accept()
    c.sendall(c.recv(100).upper())
    c.close()
th = threading.Thread(target=serve)
th.start()
cl = socket.create_connection(srv.getsockname())
cl.sendall(b"ping")
out.append("tcp=" + cl.recv(100).decode())
th.join()
# mmap of a file, written through the map
with open("/work/m.bin", "w+b") as f:
    f.truncate(4096)
    m = mmap.mmap(f.fileno(), 4096)
    m[0:5] = b"hello"
    m.flush()
    m.close()
out.append("mmap=" + open("/work/m.bin", "rb").read(5).decode())
# signals: a handler, alarm and a signal to a child
got = []
signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
os.kill(os.getpid(), signal.SIGUSR1)
p = subprocess.Popen(["/usr/bin/sleep", "30"])
p.send_signal(signal.SIGTERM)
out.append("sig=%d,%d" % (got[0], p.wait()))
print(" ".join(out))
EOF
t_expect "python3 threads, subprocess, sockets, mmap, signals" \
	"threads=8 sub=42 tcp=PING mmap=hello sig=10,-15" run_bash 'python3 /work/t.py'

if [ -x /usr/bin/perl ]; then
	t_expect "perl" "3 b-a 42" run_bash \
		"perl -e 'my @a = grep { /x/ } qw(ax bx cx d); my \$s = join(\"-\", reverse qw(a b));
		 my \$p = fork(); if (!\$p) { exit 42 } waitpid(\$p, 0); print scalar(@a), \" \$s \", \$? >> 8, \"\\n\"'"
else
	t_skip perl "the host has no /usr/bin/perl"
fi

if [ -x /usr/bin/git ]; then
	t_expect "git init and commit" "2 second" run_bash \
		'cd /work && git init -q repo && cd repo &&
		 git config user.email t@example.org && git config user.name t &&
		 echo one > f && git add f && git commit -qm first &&
		 echo two >> f && git commit -qam second &&
		 echo $(git rev-list --count HEAD) $(git log -1 --format=%s) && git fsck -q'
else
	t_skip "git init and commit" "the host has no /usr/bin/git"
fi
