#!/usr/bin/env python3
"""Writes a damaged copy of an image archive, for the --verify tests.

  tamper.py flip IN OUT N    one byte of a file's content in layer N
                             changed (the tar still parses; a gzip layer
                             is compressed again under its old name)
  tamper.py diffid IN OUT N  layer N's diff_id in the config changed, the
                             config (and an OCI manifest) stored again
                             under their new digests, so that every other
                             digest still holds
  tamper.py longzstd IN OUT N  not damage: layer N of an OCI archive
                             compressed again with `zstd --long=31` from a
                             pipe (its frame declares a 2 GiB window), the
                             blob and the manifest stored under their new
                             digests: a valid archive
"""
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile


def load(path):
    with tarfile.open(path) as t:
        return [(m, t.extractfile(m).read() if m.isfile() else None)
                for m in t.getmembers()]


def save(path, members):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        for m, data in members:
            if data is not None:
                m.size = len(data)
                t.addfile(m, io.BytesIO(data))
            else:
                t.addfile(m)


def get(members, name):
    for m, data in members:
        if m.name == name:
            if m.issym():
                base = name.rsplit("/", 1)[0] if "/" in name else ""
                return get(members, normal(base + "/" + m.linkname))
            return m, data
    raise SystemExit("no member " + name)


def normal(p):
    out = []
    for c in p.split("/"):
        if c == "..":
            out.pop()
        elif c and c != ".":
            out.append(c)
    return "/".join(out)


def put(members, name, data):
    for i, (m, _) in enumerate(members):
        if m.name == name:
            members[i] = (m, data)
            return
    raise SystemExit("no member " + name)


def blob(digest):
    return "blobs/" + digest.replace(":", "/")


def plan(members):
    """(config name, layer member names, index.json manifest or None)."""
    names = [m.name for m, _ in members]
    if "manifest.json" in names:
        man = json.loads(get(members, "manifest.json")[1])[0]
        return man["Config"], man["Layers"], None
    index = json.loads(get(members, "index.json")[1])
    mdesc = index["manifests"][0]
    man = json.loads(get(members, blob(mdesc["digest"]))[1])
    return (blob(man["config"]["digest"]),
            [blob(l["digest"]) for l in man["layers"]], (index, mdesc, man))


def flip(members, n):
    _, layers, _ = plan(members)
    m, data = get(members, layers[n])
    gz = data[:2] == b"\x1f\x8b"
    tar = bytearray(gzip.decompress(data) if gz else data)
    with tarfile.open(fileobj=io.BytesIO(bytes(tar))) as t:
        f = next(e for e in t.getmembers() if e.isfile() and e.size > 0)
    tar[f.offset_data] ^= 0x01
    put(members, m.name, gzip.compress(bytes(tar), mtime=0) if gz else bytes(tar))


def diffid(members, n):
    cname, _, oci = plan(members)
    cfg = json.loads(get(members, cname)[1])
    cfg["rootfs"]["diff_ids"][n] = "sha256:" + hashlib.sha256(b"not it").hexdigest()
    raw = json.dumps(cfg).encode()
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    if oci is None:
        man = json.loads(get(members, "manifest.json")[1])
        new = digest.split(":")[1] + ".json" if not cname.startswith("blobs/") else blob(digest)
        for m, _ in members:
            if m.name == cname:
                m.name = new
        put(members, new, raw)
        man[0]["Config"] = new
        put(members, "manifest.json", json.dumps(man).encode())
        return
    index, mdesc, man = oci
    for m, _ in members:
        if m.name == cname:
            m.name = blob(digest)
    put(members, blob(digest), raw)
    man["config"]["digest"] = digest
    man["config"]["size"] = len(raw)
    store_manifest(members, index, mdesc, man)


def store_manifest(members, index, mdesc, man):
    """An OCI manifest stored again under its new digest, index.json
    naming it."""
    mraw = json.dumps(man).encode()
    mdigest = "sha256:" + hashlib.sha256(mraw).hexdigest()
    for m, _ in members:
        if m.name == blob(mdesc["digest"]):
            m.name = blob(mdigest)
    put(members, blob(mdigest), mraw)
    mdesc["digest"] = mdigest
    mdesc["size"] = len(mraw)
    put(members, "index.json", json.dumps(index).encode())


def longzstd(members, n):
    _, layers, oci = plan(members)
    if oci is None:
        raise SystemExit("longzstd: not an OCI archive")
    index, mdesc, man = oci
    _, data = get(members, layers[n])
    tar = subprocess.run(["zstd", "-dc"], input=data, check=True,
                         stdout=subprocess.PIPE).stdout
    raw = subprocess.run(["zstd", "-q", "--long=31", "-c"], input=tar,
                         check=True, stdout=subprocess.PIPE).stdout
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    for m, _ in members:
        if m.name == layers[n]:
            m.name = blob(digest)
    put(members, blob(digest), raw)
    man["layers"][n]["digest"] = digest
    man["layers"][n]["size"] = len(raw)
    store_manifest(members, index, mdesc, man)


def main():
    what, src, dst, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    members = load(src)
    {"flip": flip, "diffid": diffid, "longzstd": longzstd}[what](members, n)
    save(dst, members)


main()
