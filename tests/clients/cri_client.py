#!/usr/bin/python3
"""CRI client test: drives containerd's CRI plugin the way the kubelet does
for pods whose RuntimeClass handler is ours, and compares every step with
the same steps under a runc handler of the same containerd.

  cri_client.py SOCKET LOGDIR IDFILE SCENARIO:REF:HANDLER...

SCENARIO is "full" (a host-network pod and a CNI-networked pod: exec sync,
streaming and tty, logs, stats, update, stop, remove) or "basic" (the
host-network pod's lifecycle only). REF's results are the expectation
(checked for sanity: a failing reference fails the test); HANDLER's are
compared with them, one "ok|not ok cri: ..." line per step. Every pod and
container id is appended to IDFILE so the caller can check that nothing of
them is left."""
import atexit
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
T = 120
IMAGE = "docker.io/cvisor/busybox:test"


def load_stubs():
    out = tempfile.mkdtemp(prefix="cvisor-cri.")
    atexit.register(shutil.rmtree, out, True)
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", HERE,
                    "--python_out", out, "--grpc_python_out", out,
                    os.path.join(HERE, "cri.proto")], check=True)
    sys.path.insert(0, out)
    import cri_pb2
    import cri_pb2_grpc
    return cri_pb2, cri_pb2_grpc


pb = None
failures = 0


def line(ok, name, why=""):
    global failures
    if ok:
        print("ok cri: " + name, flush=True)
    else:
        failures += 1
        print("not ok cri: %s: %s" % (name, str(why).replace("\n", " ")[:500]),
              flush=True)


# --- the exec streaming server: WebSocket, channel.k8s.io v4 -----------

def ws_frame(opcode, payload):
    """A client frame (masked, as RFC 6455 requires of clients)."""
    mask = os.urandom(4)
    n = len(payload)
    head = bytes([0x80 | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def ws_read_exact(s, n, buf):
    while len(buf[0]) < n:
        d = s.recv(65536)
        if not d:
            raise EOFError
        buf[0] += d
    out, buf[0] = buf[0][:n], buf[0][n:]
    return out


def ws_exec(url, timeout=30, tty=False, typed=None):
    """Runs the exec behind url; returns (channels {1: out, 2: err},
    status JSON of channel 3 or None). With tty, the terminal's size is
    sent first, as kubectl does; typed goes to stdin (channel 0)."""
    u = urllib.parse.urlparse(url)
    s = socket.create_connection((u.hostname, u.port), timeout=timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n" %
               (u.path, u.netloc, key)).encode())
    buf = [b""]
    while b"\r\n\r\n" not in buf[0]:
        d = s.recv(65536)
        if not d:
            raise EOFError("no handshake")
        buf[0] += d
    head, buf[0] = buf[0].split(b"\r\n\r\n", 1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise RuntimeError(head.split(b"\r\n")[0].decode())
    if tty:
        s.sendall(ws_frame(2, b"\x04" + json.dumps(
            {"Width": 80, "Height": 24}).encode()))
    if typed is not None:
        s.sendall(ws_frame(2, b"\x00" + typed))
    chans, msg = {}, b""
    try:
        while True:
            b0, b1 = ws_read_exact(s, 2, buf)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", ws_read_exact(s, 2, buf))[0]
            elif n == 127:
                n = struct.unpack(">Q", ws_read_exact(s, 8, buf))[0]
            payload = ws_read_exact(s, n, buf)
            op = b0 & 0x0F
            if op == 8:
                break
            if op == 9:
                s.sendall(ws_frame(10, payload))
                continue
            if op in (0, 1, 2):
                msg += payload
                if b0 & 0x80 and msg:
                    chans[msg[0]] = chans.get(msg[0], b"") + msg[1:]
                    msg = b""
    except (EOFError, socket.timeout, ConnectionError):
        pass
    s.close()
    status = chans.get(3)
    return chans, json.loads(status) if status else None


def ws_exit_code(status):
    """The exit code a v4 status carries (0 for Success)."""
    if status is None:
        return None
    if status.get("status") == "Success":
        return 0
    for c in status.get("details", {}).get("causes", []):
        if c.get("reason") == "ExitCode":
            return int(c.get("message"))
    return status.get("message")


# --- helpers -------------------------------------------------------------

def ns_of(pid, ns):
    return os.readlink("/proc/%d/ns/%s" % (pid, ns))


def container_info(rt, cid):
    st = rt.ContainerStatus(pb.ContainerStatusRequest(
        container_id=cid, verbose=True), timeout=T)
    return json.loads(st.info.get("info", "{}"))


def host_cgroup_file(pid, controller, v1_name, v2_name):
    """The content of a file of pid's cgroup on the host (v1 or v2)."""
    with open("/proc/%d/cgroup" % pid) as f:
        rows = [r.rstrip("\n").split(":", 2) for r in f]
    for _, ctrls, path in rows:
        if controller in ctrls.split(","):
            p = "/sys/fs/cgroup/%s%s/%s" % (controller, path, v1_name)
            with open(p) as f:
                return f.read().strip()
    for hid, ctrls, path in rows:
        if hid == "0" and ctrls == "":
            with open("/sys/fs/cgroup%s/%s" % (path, v2_name)) as f:
                return f.read().strip()
    return "no cgroup"


def workload(pid, comm):
    """pid if it runs comm, else its child that does (a cvisor container's
    pid is its sandbox process, whose child is the container's init)."""
    def comm_of(p):
        with open("/proc/%d/comm" % p) as f:
            return f.read().strip()
    if comm_of(pid) == comm:
        return pid
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        for c in f.read().split():
            if comm_of(int(c)) == comm:
                return int(c)
    raise LookupError("no %s under %d" % (comm, pid))


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def pod_config(name, uid, logdir, network, pid=None):
    ns = pb.NamespaceOption(network=network,
                            pid=pb.CONTAINER if pid is None else pid,
                            ipc=pb.POD)
    return ns, pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name=name, uid=uid,
                                       namespace="default", attempt=0),
        hostname=name if network == pb.POD else "", log_directory=logdir,
        linux=pb.LinuxPodSandboxConfig(
            security_context=pb.LinuxSandboxSecurityContext(
                namespace_options=ns)))


class Run:
    """One scenario under one handler: an ordered list of (step, result)."""

    def __init__(self, rt, handler, logdir, idfile):
        self.rt, self.handler, self.idfile = rt, handler, idfile
        self.logdir = os.path.join(logdir, handler)
        os.makedirs(self.logdir, exist_ok=True)
        self.results = []

    def put(self, step, result, sane=None):
        """sane: what the reference's result must contain to be one."""
        self.results.append((step, str(result), sane))

    def note_id(self, i):
        with open(self.idfile, "a") as f:
            f.write(i + "\n")

    def step(self, name, fn, sane=None):
        """Runs fn; its value (or the error) is the step's result."""
        try:
            v = fn()
        except grpc.RpcError as e:
            v = "error: %s" % e.details()
        except Exception as e:  # a step's failure is its result
            v = "error: %r" % e
        self.put(name, v, sane)
        return v

    def run_pod(self, name, network, pid=None):
        ns, cfg = pod_config("%s-%s" % (name, self.handler),
                             "uid-%s-%s" % (name, self.handler),
                             self.logdir, network, pid)
        pod = self.rt.RunPodSandbox(pb.RunPodSandboxRequest(
            config=cfg, runtime_handler=self.handler),
            timeout=T).pod_sandbox_id
        self.note_id(pod)
        return pod, ns, cfg

    def create(self, pod, ns, cfg, name, command, args=(), tty=False):
        ccfg = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name=name, attempt=0),
            image=pb.ImageSpec(image=IMAGE), command=command, args=args,
            log_path=name + ".log", tty=tty,
            linux=pb.LinuxContainerConfig(
                security_context=pb.LinuxContainerSecurityContext(
                    namespace_options=ns)))
        cid = self.rt.CreateContainer(pb.CreateContainerRequest(
            pod_sandbox_id=pod, config=ccfg, sandbox_config=cfg),
            timeout=T).container_id
        self.note_id(cid)
        self.rt.StartContainer(pb.StartContainerRequest(container_id=cid),
                               timeout=T)
        return cid

    def state(self, cid):
        st = self.rt.ContainerStatus(pb.ContainerStatusRequest(
            container_id=cid), timeout=T).status
        return pb.ContainerState.Name(st.state)

    def exec_sync(self, cid, cmd):
        r = self.rt.ExecSync(pb.ExecSyncRequest(
            container_id=cid, cmd=cmd, timeout=30), timeout=T)
        return r.stdout.decode(), r.stderr.decode(), r.exit_code

    def remove_pod(self, pod, cids):
        for cid in cids:
            self.rt.StopContainer(pb.StopContainerRequest(
                container_id=cid, timeout=1), timeout=T)
            self.rt.RemoveContainer(pb.RemoveContainerRequest(
                container_id=cid), timeout=T)
        self.rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=pod),
                               timeout=T)
        self.rt.RemovePodSandbox(pb.RemovePodSandboxRequest(
            pod_sandbox_id=pod), timeout=T)
        return "removed"

    # --- the host-network pod ---------------------------------------

    def host_pod(self, full):
        try:
            pod, ns, cfg = self.run_pod("hostpod", pb.NODE)
            self.put("RunPodSandbox (host network)", "ok")
        except grpc.RpcError as e:
            self.put("RunPodSandbox (host network)", "error: " + e.details())
            return
        cids = []
        try:
            cid = self.create(pod, ns, cfg, "app", ["/bin/sh", "-c"],
                              ["echo hello-from-cri; echo to-stderr >&2; "
                               "exec sleep 1000"])
            cids.append(cid)
            self.put("Create and StartContainer", self.state(cid))
            self.step("ExecSync: output, exit code",
                      lambda: self.exec_sync(
                          cid, ["sh", "-c", "echo exec-ok; echo e >&2; "
                                "exit 4"]), sane="exec-ok")
            info = container_info(self.rt, cid)
            self.step("container in the node's network namespace",
                      lambda: ns_of(info["pid"], "net") ==
                      ns_of(os.getpid(), "net"))
            self.step("container in the pod's own ipc namespace",
                      lambda: self.pod_ns_check(info, ["ipc"]))
            if full:
                self.full_steps(cid, info)
                self.step("a container with a terminal runs to its end",
                          lambda: self.tty_container(pod, ns, cfg, cids),
                          sane="tty-container-ok")
            self.rt.StopContainer(pb.StopContainerRequest(
                container_id=cid, timeout=2), timeout=T)
            st = self.rt.ContainerStatus(pb.ContainerStatusRequest(
                container_id=cid), timeout=T).status
            self.put("StopContainer", "%s %s %d" % (
                pb.ContainerState.Name(st.state), st.reason, st.exit_code))
        except grpc.RpcError as e:
            self.put("host pod container lifecycle", "error: " + e.details())
        self.step("Remove the containers and the pod",
                  lambda: self.remove_pod(pod, cids))

    def pod_ns_check(self, info, kinds):
        paths = {n["type"]: n.get("path") for n in
                 info["runtimeSpec"]["linux"]["namespaces"]}
        files = {"network": "net", "ipc": "ipc", "uts": "uts"}
        bad = []
        for t in kinds:
            want = os.readlink(paths[t])
            got = ns_of(info["pid"], files[t])
            if want != got or want == ns_of(os.getpid(), files[t]):
                bad.append(t)
        return "bad: " + ",".join(bad) if bad else "the pod's"

    def tty_container(self, pod, ns, cfg, cids):
        """tty: true: the shim holds the pty master (--console-socket)
        and writes what the pty shows to the log."""
        cid = self.create(pod, ns, cfg, "ttyapp", ["/bin/sh", "-c"],
                          ["tty; echo tty-container-ok; exit 7"], tty=True)
        cids.append(cid)
        for _ in range(100):
            st = self.rt.ContainerStatus(pb.ContainerStatusRequest(
                container_id=cid), timeout=T).status
            if st.state == pb.CONTAINER_EXITED:
                break
            time.sleep(0.1)
        path = os.path.join(self.logdir, "ttyapp.log")
        text = open(path).read() if os.path.exists(path) else ""
        lines = [re.sub(r"^\S+ ", "", ln).replace("\r", "")
                 for ln in text.splitlines()]
        return "%s %d %r" % (pb.ContainerState.Name(st.state), st.exit_code,
                             [re.sub(r"/dev/pts/\d+$", "/dev/pts/N", ln)
                              for ln in lines])

    def full_steps(self, cid, info):
        rt = self.rt
        self.step("ExecSync: stderr apart", lambda: self.exec_sync(
            cid, ["sh", "-c", "echo out; echo err >&2"]))

        def stream(tty, cmd, typed=None):
            url = rt.Exec(pb.ExecRequest(
                container_id=cid, cmd=cmd, tty=tty, stdin=typed is not None,
                stdout=True, stderr=not tty), timeout=T).url
            chans, status = ws_exec(url, tty=tty, typed=typed)
            return chans, ws_exit_code(status)

        def streaming():
            chans, code = stream(False, ["sh", "-c", "echo stream-out; "
                                         "echo stream-err >&2; exit 5"])
            return "out=%r err=%r exit=%s" % (
                chans.get(1, b"").decode(), chans.get(2, b"").decode(), code)
        self.step("Exec (streaming): stdout, stderr, exit code", streaming,
                  sane="stream-err")

        def tty():
            # With stdin, as kubectl exec -it: containerd 1.6 loses the
            # output of a tty exec without stdin (with runc as well).
            chans, code = stream(True, ["sh", "-c", "read x; tty; "
                                        "echo got-$x; exit 3"], b"typed\r")
            out = chans.get(1, b"")
            return "pts=%s nul=%s lines=%r exit=%s" % (
                bool(re.search(rb"^/dev/pts/\d+\r$", out, re.M)),
                b"\0" in out,
                [ln for ln in out.decode(errors="replace").split("\r\n")
                 if not ln.startswith("/dev/pts/")], code)
        self.step("Exec (streaming, tty): stdin, a pty, no stray byte, "
                  "exit code", tty, sane="pts=True nul=False")

        def logs():
            path = os.path.join(self.logdir, "app.log")
            text = ""
            for _ in range(50):
                if os.path.exists(path):
                    text = open(path).read()
                    if "to-stderr" in text and "hello-from-cri" in text:
                        break
                time.sleep(0.1)
            return sorted(re.sub(r"^\S+ ", "", ln)
                          for ln in text.splitlines())
        self.step("container log in CRI format", logs,
                  sane="stdout F hello-from-cri")

        def stats():
            st = rt.ContainerStats(pb.ContainerStatsRequest(
                container_id=cid), timeout=T).stats
            return "cpu>0 %s memory>0 %s" % (
                st.cpu.usage_core_nano_seconds.value > 0,
                st.memory.working_set_bytes.value > 0)
        self.step("ContainerStats", stats, sane="cpu>0 True memory>0 True")

        def update():
            rt.UpdateContainerResources(pb.UpdateContainerResourcesRequest(
                container_id=cid, linux=pb.LinuxContainerResources(
                    memory_limit_in_bytes=96 << 20, cpu_period=100000,
                    cpu_quota=50000)), timeout=T)
            pid = container_info(rt, cid)["pid"]
            return "memory %s cpu quota %s" % (
                host_cgroup_file(pid, "memory", "memory.limit_in_bytes",
                                 "memory.max"),
                host_cgroup_file(pid, "cpu", "cpu.cfs_quota_us", "cpu.max"))
        self.step("UpdateContainerResources reaches the cgroup", update,
                  sane="memory %d" % (96 << 20))

    # --- the pod with its own (CNI) network --------------------------

    def cni_pod(self):
        try:
            pod, ns, cfg = self.run_pod("netpod", pb.POD)
            self.put("RunPodSandbox (CNI network)", "ok")
        except grpc.RpcError as e:
            self.put("RunPodSandbox (CNI network)", "error: " + e.details())
            return
        cids = []
        try:
            ip = self.rt.PodSandboxStatus(pb.PodSandboxStatusRequest(
                pod_sandbox_id=pod), timeout=T).status.network.ip
            self.put("pod IP from CNI", "set" if ip else "none")
            cid = self.create(pod, ns, cfg, "web", ["/bin/sh", "-c"],
                              ["mkdir -p /tmp/www && echo served-by-pod "
                               ">/tmp/www/index.html && "
                               "exec httpd -f -p 8080 -h /tmp/www"])
            cids.append(cid)
            self.put("web container", self.state(cid))
            info = container_info(self.rt, cid)
            self.step("container in the pod's net, uts, ipc namespaces",
                      lambda: self.pod_ns_check(
                          info, ["network", "uts", "ipc"]))
            self.step("eth0 has the pod IP", lambda: ip in self.exec_sync(
                cid, ["ip", "-4", "-o", "addr", "show", "eth0"])[0])
            self.step("hostname is the pod's (handler as H)",
                      lambda: self.exec_sync(cid, ["hostname"])[0].strip()
                      .replace(self.handler, "H"))

            def fetch():
                for _ in range(50):
                    try:
                        with urllib.request.urlopen(
                                "http://%s:8080/" % ip, timeout=2) as r:
                            return r.read().decode().strip()
                    except OSError as e:
                        err = e
                        time.sleep(0.1)
                return "error: %r" % err
            self.step("HTTP from the node to the pod over the CNI bridge",
                      fetch, sane="served-by-pod")
        except grpc.RpcError as e:
            self.put("CNI pod container lifecycle", "error: " + e.details())
        self.step("Remove the CNI pod", lambda: self.remove_pod(pod, cids))


def _pid_pod(self):
    """A pod sharing its process namespace (pid=POD): the app's pid
    namespace is the pause's (with cvisor: the pause's container one, not
    its sandbox's, docs/security.md); SIGKILL to every pid the app can
    name leaves the pause (a sleep here) running."""
    try:
        pod, ns, cfg = self.run_pod("pidpod", pb.NODE, pb.POD)
        self.put("RunPodSandbox (shared pid namespace)", "ok")
    except grpc.RpcError as e:
        self.put("RunPodSandbox (shared pid namespace)",
                 "error: " + e.details())
        return
    cids = []
    try:
        st = self.rt.PodSandboxStatus(pb.PodSandboxStatusRequest(
            pod_sandbox_id=pod, verbose=True), timeout=T)
        sandbox = json.loads(st.info.get("info", "{}"))["pid"]
        cid = self.create(pod, ns, cfg, "app", ["sleep"], ["1000"])
        cids.append(cid)
        app = container_info(self.rt, cid)["pid"]
        self.step("shared pid: the app's pid namespace is the pause's",
                  lambda: ns_of(workload(app, "sleep"), "pid") ==
                  ns_of(workload(sandbox, "sleep"), "pid") !=
                  ns_of(os.getpid(), "pid"))
        self.step("shared pid: the app names pid 1",
                  lambda: self.exec_sync(cid, ["sh", "-c",
                                               "kill -0 1 && echo pid1"]),
                  sane="pid1")
        # its /proc lists the pause's processes too: ps shows pid 1 and
        # both sleeps (the pause's, the app's)
        self.step("shared pid: the app's ps lists the pause",
                  lambda: self.exec_sync(cid, [
                      "sh", "-c", "ps -o pid,comm | awk '$1 == 1 "
                      "{print \"pid1\", $2} $2 == \"sleep\" {n++} "
                      "END {print n}'"]),
                  sane="pid1")
        attack = "shared pid: SIGKILL to every pid from the app: the " \
            "pause still runs"
        if ns_of(workload(app, "sleep"), "pid") == ns_of(os.getpid(), "pid"):
            raise RuntimeError("the app is in the host's pid namespace: "
                               "no attack run from there")
        try:
            self.exec_sync(cid, ["sh", "-c", "for p in $(seq 1 64); do "
                                 "[ $p = $$ ] || kill -9 $p; done "
                                 "2>/dev/null; true"])
        except grpc.RpcError:
            pass	# the app's own init is among those killed
        time.sleep(0.5)
        self.step(attack, lambda: alive(sandbox) and
                  alive(workload(sandbox, "sleep")))
    except grpc.RpcError as e:
        self.put("shared pid pod lifecycle", "error: " + e.details())
    except RuntimeError as e:
        self.put("shared pid pod lifecycle", "error: %s" % e)
    self.step("Remove the shared pid pod",
              lambda: self.remove_pod(pod, cids))


Run.pid_pod = _pid_pod


def scenario(rt, handler, kind, logdir, idfile):
    r = Run(rt, handler, logdir, idfile)
    r.host_pod(kind == "full")
    if kind == "full":
        r.cni_pod()
        r.pid_pod()
    return r.results


def compare(label, ref_name, ref, got):
    ref_ok = True
    for step, want, sane in ref:
        if want.startswith("error") or (sane and sane not in want):
            line(False, "%s: reference %s: %s" % (label, ref_name, step), want)
            ref_ok = False
    if not ref_ok:
        return
    if os.environ.get("CRI_VERBOSE"):
        for step, want, _ in ref:
            print("# %s: %s: %s" % (ref_name, step, want), flush=True)
    have = dict((s, r) for s, r, _ in got)
    steps = set(s for s, _, _ in ref)
    for step, want, _ in ref:
        g = have.get(step, "(missing)")
        line(g == want, "%s: %s" % (label, step),
             "%s: %r, ours: %r" % (ref_name, want, g))
    extra = [s for s, _, _ in got if s not in steps]
    if extra:
        line(False, "%s: steps the reference did not reach" % label,
             dict((s, have[s]) for s in extra))


def main():
    global pb
    sock, logdir, idfile = sys.argv[1:4]
    pb, rpc = load_stubs()
    rt = rpc.RuntimeServiceStub(grpc.insecure_channel("unix://" + sock))
    v = rt.Version(pb.VersionRequest(version="v1"), timeout=T)
    line(bool(v.runtime_api_version), "Version (%s %s)" % (
        v.runtime_name, v.runtime_api_version), v)
    for group in sys.argv[4:]:
        kind, ref_name, handler = group.split(":")
        ref = scenario(rt, ref_name, kind, logdir, idfile)
        got = scenario(rt, handler, kind, logdir, idfile)
        compare("%s (%s)" % (handler, kind), ref_name, ref, got)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
