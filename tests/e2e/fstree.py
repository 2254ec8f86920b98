#!/usr/bin/env python3
"""Prints the final file system of a docker-archive, one line per path:
type, owner, mode and content digest (never mtimes), by stacking its layers
with whiteouts applied. For comparing two builds."""
import hashlib
import json
import sys
import tarfile

def main(path):
    out = {}
    with tarfile.open(path) as outer:
        man = json.load(outer.extractfile("manifest.json"))[0]
        for name in man["Layers"]:
            member = outer.getmember(name)
            while member.issym():
                base = name.rsplit("/", 1)[0] if "/" in name else ""
                name = (base + "/" + member.linkname).replace("/../", "/")
                name = "/".join(p for p in name.split("/") if p and p != "..")
                member = outer.getmember(name)
            with tarfile.open(fileobj=outer.extractfile(member)) as layer:
                for e in layer:
                    # "./" is a prefix, not a set of characters: a
                    # whiteout at the root is ".wh.NAME".
                    p = e.name[2:] if e.name.startswith("./") else e.name
                    p = p.lstrip("/").rstrip("/")
                    base = p.rsplit("/", 1)[-1]
                    parent = p.rsplit("/", 1)[0] if "/" in p else ""
                    if base == ".wh..wh..opq":
                        for k in [k for k in out if k.startswith(parent + "/")]:
                            del out[k]
                        continue
                    if base.startswith(".wh."):
                        gone = (parent + "/" if parent else "") + base[4:]
                        for k in [k for k in out if k == gone or k.startswith(gone + "/")]:
                            del out[k]
                        continue
                    if not e.isdir():
                        for k in [k for k in out if k.startswith(p + "/")]:
                            del out[k]
                    if e.isfile():
                        what = "file " + hashlib.sha256(layer.extractfile(e).read()).hexdigest()[:16]
                    elif e.islnk():
                        what = "hardlink " + e.linkname
                    elif e.issym():
                        what = "symlink " + e.linkname
                    elif e.isdir():
                        what = "dir"
                    else:
                        what = "other"
                    out[p] = "%s %d:%d %04o" % (what, e.uid, e.gid, e.mode & 0o7777)
    for k in sorted(out):
        print("/" + k, out[k])

main(sys.argv[1])
