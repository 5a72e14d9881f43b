#!/usr/bin/env python3
"""mkimage.py ROOTFS OUT.tar NAME [CMD...]

Writes an OCI image archive (an OCI layout in a tar, as `ctr images import`
and `podman load` read it) with one uncompressed layer made from ROOTFS.
NAME is the full reference, e.g. docker.io/cvisor/busybox:test. Offline:
this is how the client tests get images without a registry."""
import hashlib
import io
import json
import os
import sys
import tarfile
import time


def blob(tar, data, media):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    info = tarfile.TarInfo("blobs/sha256/" + digest[7:])
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))
    return {"mediaType": media, "digest": digest, "size": len(data)}


def layer_of(rootfs):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(os.listdir(rootfs)):
            t.add(os.path.join(rootfs, name), arcname=name)
    return buf.getvalue()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rootfs, out, ref = sys.argv[1:4]
    cmd = sys.argv[4:] or ["/bin/sh"]
    layer = layer_of(rootfs)
    with tarfile.open(out, "w") as tar:
        lay = blob(tar, layer, "application/vnd.oci.image.layer.v1.tar")
        config = {
            "architecture": "amd64", "os": "linux",
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "config": {"Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                       "Cmd": cmd, "WorkingDir": "/"},
            "rootfs": {"type": "layers", "diff_ids": [lay["digest"]]},
        }
        cfg = blob(tar, json.dumps(config).encode(),
                   "application/vnd.oci.image.config.v1+json")
        manifest = {"schemaVersion": 2,
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": cfg, "layers": [lay]}
        man = blob(tar, json.dumps(manifest).encode(),
                   "application/vnd.oci.image.manifest.v1+json")
        man["annotations"] = {
            "io.containerd.image.name": ref,
            "org.opencontainers.image.ref.name": ref.rsplit(":", 1)[-1],
        }
        for name, data in (
                ("oci-layout", {"imageLayoutVersion": "1.0.0"}),
                ("index.json", {"schemaVersion": 2, "manifests": [man]})):
            raw = json.dumps(data).encode()
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            info.mtime = int(time.time())
            tar.addfile(info, io.BytesIO(raw))


if __name__ == "__main__":
    main()
