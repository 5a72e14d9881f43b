#!/usr/bin/python3
"""CRI client test: drives containerd's CRI plugin the way the kubelet does
for a pod whose RuntimeClass handler is "cvisor": a pod sandbox, a
container joining the pod's namespaces, exec, logs, stop, remove.

  cri_client.py SOCKET HANDLER LOGDIR

Prints "ok|not ok cri: <step>" lines for tests/run."""
import json
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))


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


failures = 0


def ok(name):
    print("ok cri: " + name, flush=True)


def fail(name, why):
    global failures
    failures += 1
    print("not ok cri: %s: %s" % (name, str(why).replace("\n", " ")[:400]),
          flush=True)


def main():
    sock, handler, logdir = sys.argv[1:4]
    pb, rpc = load_stubs()
    ch = grpc.insecure_channel("unix://" + sock)
    rt = rpc.RuntimeServiceStub(ch)
    T = 120

    v = rt.Version(pb.VersionRequest(version="v1"), timeout=T)
    if v.runtime_api_version:
        ok("Version (%s %s)" % (v.runtime_name, v.runtime_api_version))
    else:
        fail("Version", v)

    # Host network: no CNI plugin configuration is needed for the test.
    ns = pb.NamespaceOption(network=pb.NODE, pid=pb.CONTAINER, ipc=pb.POD)
    sbcfg = pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name="cvisor-pod", uid="uid-1",
                                       namespace="default", attempt=0),
        log_directory=logdir,
        linux=pb.LinuxPodSandboxConfig(
            security_context=pb.LinuxSandboxSecurityContext(
                namespace_options=ns)))
    try:
        pod = rt.RunPodSandbox(pb.RunPodSandboxRequest(
            config=sbcfg, runtime_handler=handler), timeout=T).pod_sandbox_id
        ok("RunPodSandbox with handler %s" % handler)
    except grpc.RpcError as e:
        fail("RunPodSandbox with handler %s" % handler, e.details())
        return 1

    cid = None
    try:
        ccfg = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name="app", attempt=0),
            image=pb.ImageSpec(image="docker.io/cvisor/busybox:test"),
            command=["/bin/sh", "-c"],
            args=["echo hello-from-cri; exec sleep 1000"],
            log_path="app.log",
            linux=pb.LinuxContainerConfig(
                security_context=pb.LinuxContainerSecurityContext(
                    namespace_options=ns)))
        cid = rt.CreateContainer(pb.CreateContainerRequest(
            pod_sandbox_id=pod, config=ccfg, sandbox_config=sbcfg),
            timeout=T).container_id
        ok("CreateContainer in the pod")
        rt.StartContainer(pb.StartContainerRequest(container_id=cid),
                          timeout=T)
        st = rt.ContainerStatus(pb.ContainerStatusRequest(container_id=cid),
                                timeout=T).status
        if st.state == pb.CONTAINER_RUNNING:
            ok("StartContainer: running")
        else:
            fail("StartContainer: running", "state %d %s" % (st.state,
                                                               st.message))

        # containerd makes the container join the pod's ipc namespace
        # through /proc/<pod pid>/ns/ipc: the pod's own, not the host's.
        st = rt.ContainerStatus(pb.ContainerStatusRequest(
            container_id=cid, verbose=True), timeout=T)
        try:
            info = json.loads(st.info.get("info", "{}"))
            nss = info["runtimeSpec"]["linux"]["namespaces"]
            pod_ipc = [n["path"] for n in nss if n.get("type") == "ipc"][0]
            want = os.readlink(pod_ipc)
            got = os.readlink("/proc/%d/ns/ipc" % info["pid"])
            host = os.readlink("/proc/self/ns/ipc")
            if want == got and want != host:
                ok("container in the pod's own ipc namespace")
            else:
                fail("container in the pod's own ipc namespace",
                     "pod %s (%s) container %s host %s" % (
                         pod_ipc, want, got, host))
        except (KeyError, IndexError, ValueError, OSError) as e:
            fail("container in the pod's own ipc namespace", repr(e))

        r = rt.ExecSync(pb.ExecSyncRequest(
            container_id=cid, cmd=["sh", "-c", "echo exec-ok; exit 4"],
            timeout=30), timeout=T)
        if r.stdout.decode().strip() == "exec-ok" and r.exit_code == 4:
            ok("ExecSync output and exit code")
        else:
            fail("ExecSync output and exit code", r)

        logfile = os.path.join(logdir, "app.log")
        text = ""
        for _ in range(50):
            if os.path.exists(logfile):
                text = open(logfile).read()
                if "hello-from-cri" in text:
                    break
            time.sleep(0.1)
        if " stdout F hello-from-cri" in text:
            ok("container log in CRI format")
        else:
            fail("container log in CRI format", repr(text[:200]))

        rt.StopContainer(pb.StopContainerRequest(container_id=cid, timeout=2),
                         timeout=T)
        st = rt.ContainerStatus(pb.ContainerStatusRequest(container_id=cid),
                                timeout=T).status
        if st.state == pb.CONTAINER_EXITED:
            ok("StopContainer: exited (%s, code %d)" % (st.reason,
                                                         st.exit_code))
        else:
            fail("StopContainer: exited", "state %d" % st.state)
        rt.RemoveContainer(pb.RemoveContainerRequest(container_id=cid),
                           timeout=T)
        cid = None
        ok("RemoveContainer")
    except grpc.RpcError as e:
        fail("container lifecycle", e.details())
    finally:
        if cid:
            try:
                rt.RemoveContainer(pb.RemoveContainerRequest(container_id=cid),
                                   timeout=T)
            except grpc.RpcError:
                pass
        try:
            rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=pod),
                              timeout=T)
            rt.RemovePodSandbox(pb.RemovePodSandboxRequest(
                pod_sandbox_id=pod), timeout=T)
            ok("StopPodSandbox and RemovePodSandbox")
        except grpc.RpcError as e:
            fail("StopPodSandbox and RemovePodSandbox", e.details())
    if os.environ.get("CRI_NO_POD_NETWORK"):
        print("skip cri: pod network namespace: no veth pair for CNI",
              flush=True)
    else:
        pod_network(pb, rt, logdir, handler)
    return 1 if failures else 0


def pod_network(pb, rt, logdir, handler):
    """A pod with its own network namespace (containerd's, through the
    loopback CNI plugin): the app container is in the pod's network and
    uts namespaces, found by containerd under /proc/<pod pid>/ns."""
    T = 120
    ns = pb.NamespaceOption(network=pb.POD, pid=pb.CONTAINER, ipc=pb.POD)
    sbcfg = pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name="cvisor-netpod", uid="uid-2",
                                       namespace="default", attempt=0),
        log_directory=logdir,
        linux=pb.LinuxPodSandboxConfig(
            security_context=pb.LinuxSandboxSecurityContext(
                namespace_options=ns)))
    name = "pod network namespace shared with the container"
    try:
        pod = rt.RunPodSandbox(pb.RunPodSandboxRequest(
            config=sbcfg, runtime_handler=handler), timeout=T).pod_sandbox_id
    except grpc.RpcError as e:
        fail(name, "RunPodSandbox: " + str(e.details()))
        return
    try:
        ccfg = pb.ContainerConfig(
            metadata=pb.ContainerMetadata(name="netapp", attempt=0),
            image=pb.ImageSpec(image="docker.io/cvisor/busybox:test"),
            command=["/bin/sleep", "1000"], log_path="netapp.log",
            linux=pb.LinuxContainerConfig(
                security_context=pb.LinuxContainerSecurityContext(
                    namespace_options=ns)))
        cid = rt.CreateContainer(pb.CreateContainerRequest(
            pod_sandbox_id=pod, config=ccfg, sandbox_config=sbcfg),
            timeout=T).container_id
        rt.StartContainer(pb.StartContainerRequest(container_id=cid),
                          timeout=T)
        st = rt.ContainerStatus(pb.ContainerStatusRequest(
            container_id=cid, verbose=True), timeout=T)
        info = json.loads(st.info.get("info", "{}"))
        paths = {n["type"]: n.get("path") for n in
                 info["runtimeSpec"]["linux"]["namespaces"]}
        bad = []
        for t, f in (("network", "net"), ("uts", "uts"), ("ipc", "ipc")):
            pod_ns = os.readlink(paths[t])
            got = os.readlink("/proc/%d/ns/%s" % (info["pid"], f))
            if pod_ns != got or pod_ns == os.readlink("/proc/self/ns/" + f):
                bad.append("%s: pod %s (%s) container %s" % (
                    f, paths[t], pod_ns, got))
        if bad:
            fail(name, "; ".join(bad))
        else:
            ok(name)
        rt.StopContainer(pb.StopContainerRequest(container_id=cid, timeout=1),
                         timeout=T)
        rt.RemoveContainer(pb.RemoveContainerRequest(container_id=cid),
                           timeout=T)
    except (grpc.RpcError, KeyError, ValueError, OSError, TypeError) as e:
        fail(name, e.details() if isinstance(e, grpc.RpcError) else repr(e))
    finally:
        try:
            rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=pod),
                              timeout=T)
            rt.RemovePodSandbox(pb.RemovePodSandboxRequest(
                pod_sandbox_id=pod), timeout=T)
        except grpc.RpcError as e:
            fail("remove the pod with its own network", e.details())


if __name__ == "__main__":
    sys.exit(main())
