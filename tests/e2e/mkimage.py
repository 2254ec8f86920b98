#!/usr/bin/env python3
"""Writes small docker-archive images, well formed or broken on purpose,
for the end-to-end tests of bad input. Usage: mkimage.py CASE OUT."""
import gzip
import hashlib
import io
import json
import sys
import tarfile


def layer_tar(entries, fmt=tarfile.PAX_FORMAT):
    """entries: (name, bytes) for files; name ending in / for dirs."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, data in entries:
            if isinstance(name, bytes):
                info = tarfile.TarInfo("x")
                info.name = name.decode("utf-8", "surrogateescape")
            else:
                info = tarfile.TarInfo(name)
            info.mtime = 1000
            if name.endswith("/" if isinstance(name, str) else b"/"):
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
            else:
                info.size = len(data)
                info.mode = 0o644
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sha(b):
    return hashlib.sha256(b).hexdigest()


def image(layers, manifest=None, config=None, diff_ids=None, extra=(),
          skip=(), outer_fmt=tarfile.GNU_FORMAT):
    """A docker-archive (podman/buildah form) as bytes."""
    ids = diff_ids if diff_ids is not None else ["sha256:" + sha(l) for l in layers]
    cfg = config if config is not None else json.dumps({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": ids},
        "history": [{"created_by": "test layer %d" % i} for i in range(len(layers))],
    }).encode()
    names = [sha(l) + ".tar" for l in layers]
    man = manifest if manifest is not None else json.dumps([{
        "Config": sha(cfg) + ".json", "RepoTags": ["test:latest"],
        "Layers": names}]).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=outer_fmt) as t:
        def add(name, data):
            if name in skip:
                return
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1000
            t.addfile(info, io.BytesIO(data))
        for n, l in zip(names, layers):
            add(n, l)
        add(sha(cfg) + ".json", cfg)
        for n, d in extra:
            add(n, d)
        add("manifest.json", man)
    return buf.getvalue()


def oci_image(layers, tag="test:latest"):
    """An OCI archive (oci-layout, index.json, blobs) of gzip layers, as
    bytes; layers are tar bytes (made by layer_tar)."""
    blobs, descs = {}, []
    ids = ["sha256:" + sha(l) for l in layers]
    for l in layers:
        z = gzip.compress(l, mtime=0)
        blobs[sha(z)] = z
        descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                      "digest": "sha256:" + sha(z), "size": len(z)})
    cfg = json.dumps({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": ids},
        "history": [{"created_by": "test layer %d" % i} for i in range(len(layers))],
    }).encode()
    blobs[sha(cfg)] = cfg
    man = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + sha(cfg), "size": len(cfg)},
        "layers": descs}).encode()
    blobs[sha(man)] = man
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + sha(man), "size": len(man),
        "annotations": {"org.opencontainers.image.ref.name": tag}}]}).encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1000
            t.addfile(info, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
        add("index.json", index)
        for h, b in blobs.items():
            add("blobs/sha256/" + h, b)
    return buf.getvalue()


def good_layers():
    return [layer_tar([("app/", b""), ("app/a.txt", b"a" * 3000)]),
            layer_tar([("app/", b""), ("app/a.txt", b"b" * 3000)])]


def case(name):
    ls = good_layers()
    if name == "good":
        return image(ls)
    if name == "dotdot":
        return image([layer_tar([("app/../../etc/passwd", b"x")])])
    if name == "absolute":
        return image([layer_tar([("/etc/abs.txt", b"x" * 10)]),
                      layer_tar([("/etc/abs.txt", b"y" * 10)])])
    if name == "longname":
        return image([layer_tar([("d/" + "n" * 5000, b"x")])])
    if name == "nonutf8":
        return image([layer_tar([(b"app/caf\xe9.txt", b"x" * 5)]),
                      layer_tar([(b"app/.wh.caf\xe9.txt", b"")])])
    if name == "escape":
        return image([layer_tar([("app/\x1b[31mred\x07.txt", b"x" * 7)]),
                      layer_tar([("app/.wh.\x1b[31mred\x07.txt", b"")])])
    if name == "hostile":
        # Names that try to break out of every output: terminal escapes,
        # invalid UTF-8, bidi controls, newlines, quotes, markup, URI and
        # workflow-command syntax; overwritten, then deleted.
        names = ["app/\x1b]8;;http://x\x07link\x1b[0m.txt", "app/caf\udce9.txt",
                 "app/\u202egnp.exe", "app/new\nline::error ::x",
                 "app/q\"uote'<script>&amp;%25%0A.txt", "app/back\\slash ]]>",
                 "app/%s" % ("long-" * 40)]
        first = [("app/", b"")] + [(n, b"x" * (100 + i)) for i, n in enumerate(names)]
        second = [("app/", b"")] + [(n, b"y" * (100 + i)) for i, n in enumerate(names[:4])]
        third = [("app/", b"")] + [("app/.wh." + n[4:], b"") for n in names[4:]]
        return image([layer_tar(first), layer_tar(second), layer_tar(third)])
    if name == "missing-config":
        return image(ls, manifest=json.dumps([{
            "Config": "nope.json", "RepoTags": [],
            "Layers": [sha(l) + ".tar" for l in ls]}]).encode())
    if name == "missing-layer":
        return image(ls, skip=(sha(ls[1]) + ".tar",))
    if name == "bad-json":
        return image(ls, manifest=b'[{"Config": "x.json", "Layers": [')
    if name == "bad-config-json":
        return image(ls, config=b"{not json")
    if name == "count-mismatch":
        return image(ls, diff_ids=["sha256:" + sha(ls[0])])
    if name == "no-manifest":
        return layer_tar([("etc/x", b"x")])
    if name == "layer-not-tar":
        return image([b"this is not a tar archive at all" * 20])
    if name == "corrupt-gzip":
        z = bytearray(gzip.compress(ls[0] + b"\0" * 4096, mtime=0))
        for i in range(20, len(z) - 10):
            z[i] ^= 0x5A
        return image([bytes(z)], diff_ids=["sha256:" + sha(ls[0])])
    if name == "truncated-gzip-layer":
        z = gzip.compress(layer_tar([("big", bytes(range(256)) * 4000)]), mtime=0)
        return image([z[: len(z) // 2]], diff_ids=["sha256:0"])
    raise SystemExit("unknown case " + name)


def two_images():
    ls = good_layers()
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "rootfs": {"type": "layers",
                                 "diff_ids": ["sha256:" + sha(l) for l in ls]}}).encode()
    man = json.dumps([
        {"Config": sha(cfg) + ".json", "RepoTags": ["one:latest"], "Layers": [sha(l) + ".tar" for l in ls]},
        {"Config": sha(cfg) + ".json", "RepoTags": ["two:v2"], "Layers": [sha(ls[0]) + ".tar"]},
    ]).encode()
    cfg2 = json.dumps({"architecture": "amd64", "os": "linux",
                       "rootfs": {"type": "layers", "diff_ids": ["sha256:" + sha(ls[0])]}}).encode()
    man = man.replace((sha(cfg) + '.json", "RepoTags": ["two').encode(),
                      (sha(cfg2) + '.json", "RepoTags": ["two').encode())
    return image(ls, manifest=man, config=cfg,
                 extra=((sha(cfg2) + ".json", cfg2),))


if __name__ == "__main__":
    what, out = sys.argv[1], sys.argv[2]
    data = two_images() if what == "two-images" else case(what)
    with open(out, "wb") as f:
        f.write(data)
