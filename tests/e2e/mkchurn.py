#!/usr/bin/env python3
"""Writes DIR/image.tar, a docker-archive of install steps that rewrite a
dpkg status, and DIR/Dockerfile, the Dockerfile it aligns with (for the
end-to-end tests of the package database's one cause that need no
buildah: the HTML page, the browser).

Layer 0 is the base (a dpkg status, /app/data); layers 1-3 the install
steps of Dockerfile:2, :4 and :5, each storing the status with one more
package, an ENV between the first two; layer 4 a chown of /app/data."""
import hashlib
import io
import json
import os
import sys
import tarfile


def tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data, mode, uid in entries:
            i = tarfile.TarInfo(name)
            i.mtime = 1000
            i.mode = mode
            i.uid = uid
            i.size = len(data)
            t.addfile(i, io.BytesIO(data))
    return b.getvalue()


def status(n):
    s = "Package: base-files\nStatus: install ok installed\n" + \
        "Description: base\n" * 200
    for k in range(n):
        s += "\nPackage: pkg%d\nStatus: install ok installed\n" % k + \
            "Description: more\n" * (100 * (k + 1))
    return s.encode()


def main(out):
    os.makedirs(out, exist_ok=True)
    layers = [tar([("var/lib/dpkg/status", status(0), 0o644, 0),
                   ("app/data", b"d" * 700, 0o644, 0)])]
    for k in range(3):
        layers.append(tar([("var/lib/dpkg/status", status(k + 1), 0o644, 0),
                           ("usr/bin/pkg%d" % k, b"binary\n", 0o755, 0)]))
    layers.append(tar([("app/data", b"d" * 700, 0o644, 1000)]))
    ids = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
    hist = [{"created_by": "/bin/sh -c #(nop) ADD file:5b1e in / "},
            {"created_by": "/bin/sh -c apt-get install -y pkg0"},
            {"created_by": "/bin/sh -c #(nop)  ENV APP_VERSION=1",
             "empty_layer": True},
            {"created_by": "/bin/sh -c apt-get install -y pkg1"},
            {"created_by": "/bin/sh -c apt-get install -y pkg2"},
            {"created_by": "/bin/sh -c chown 1000 /app/data"}]
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": ids},
                         "history": hist}).encode()
    cid = hashlib.sha256(config).hexdigest()
    files = {cid + ".json": config}
    for i, l in zip(ids, layers):
        files[i[7:] + ".tar"] = l
    files["manifest.json"] = json.dumps([{
        "Config": cid + ".json", "RepoTags": ["churn:1"],
        "Layers": [i[7:] + ".tar" for i in ids]}]).encode()
    with tarfile.open(os.path.join(out, "image.tar"), "w") as t:
        for n, d in files.items():
            i = tarfile.TarInfo(n)
            i.size = len(d)
            t.addfile(i, io.BytesIO(d))
    with open(os.path.join(out, "Dockerfile"), "w") as f:
        f.write("FROM debian:12\nRUN apt-get install -y pkg0\n"
                "ENV APP_VERSION=1\nRUN apt-get install -y pkg1\n"
                "RUN apt-get install -y pkg2\nRUN chown 1000 /app/data\n")


if __name__ == "__main__":
    main(sys.argv[1])
