#!/usr/bin/env python3
"""Writes a docker-archive with one big layer of N entries and a small
second layer that changes a few per cent of them, for measuring memory per
entry (scripts/bench-entries).

usage: mkentries.py N OUT

The big layer is a package tree: directories of 20-50 entries, names of
8-30 characters (paths of 64 bytes on average, as on a Debian system),
files of a few bytes (one in 40 with the same content), about 3 %
symlinks and 0.5 % hard links. The second layer chowns 3 % of the files (same bytes, another
owner), overwrites 1 % (new bytes), chmods 0.5 % and deletes 0.5 % with
whiteouts, so the engine has findings to make and content to compare.

The archive has the shape tests/e2e/mkimage.py gives (manifest.json, a
config naming the diff_ids, one NAME.tar per layer) but is written as a
stream: the big layer goes to a temporary file beside OUT, hashed as it is
written, then copied into the archive, so memory stays small whatever N.
The output depends on N alone (a fixed seed)."""
import hashlib
import io
import json
import os
import random
import sys
import tarfile

ALPHA = "abcdefghijklmnopqrstuvwxyz0123456789_-"
EXTS = ["", ".py", ".pyc", ".so", ".h", ".txt", ".json", ".mo", ".gz", ".xml"]
TOPS = ["usr/lib/python3/dist-packages", "usr/share/doc", "usr/share/locale",
        "usr/lib/x86_64-linux-gnu", "usr/include", "opt/app/node_modules",
        "usr/share/icons/hicolor", "var/lib/app/cache"]
MTIME = 1700000000


class TarWriter:
    """Writes tar entries to a file object and hashes them as they go."""

    def __init__(self, f):
        self.f = f
        self.h = hashlib.sha256()
        self.n = 0

    def _put(self, b):
        self.f.write(b)
        self.h.update(b)

    def add(self, name, kind="f", data=b"", link="", uid=0, gid=0,
            mode=None):
        info = tarfile.TarInfo(name)
        info.mtime = MTIME
        info.uid, info.gid = uid, gid
        info.uname = "root" if uid == 0 else "app"
        info.gname = "root" if gid == 0 else "app"
        if kind == "d":
            info.type = tarfile.DIRTYPE
            info.mode = 0o755 if mode is None else mode
        elif kind == "l":
            info.type = tarfile.SYMTYPE
            info.linkname = link
            info.mode = 0o777
        elif kind == "h":
            info.type = tarfile.LNKTYPE
            info.linkname = link
            info.mode = 0o644 if mode is None else mode
        else:
            info.size = len(data)
            info.mode = 0o644 if mode is None else mode
        self._put(info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape"))
        if data:
            self._put(data + b"\0" * (-len(data) % 512))
        self.n += 1

    def close(self):
        self._put(b"\0" * 1024)
        return "sha256:" + self.h.hexdigest()


def name(rng, ext=True):
    s = "".join(rng.choice(ALPHA) for _ in range(rng.randint(5, 24)))
    return s + (rng.choice(EXTS) if ext else "")


def content(i):
    # One file in 40 holds the same text (a licence, say): duplicates.
    return b"the same licence text\n" if i % 40 == 0 else b"%x\n" % i


def big_layer(n, w):
    """Writes n entries; returns the files (path, index) and the dirs."""
    rng = random.Random(n)
    files, dirs, seen = [], [], set()

    def mkdir(p):
        parts = p.split("/")
        for k in range(1, len(parts) + 1):
            d = "/".join(parts[:k])
            if d not in seen and w.n < n:
                seen.add(d)
                w.add(d + "/", "d")
                dirs.append(d)

    while w.n < n:
        pkg = "%s/%s" % (rng.choice(TOPS), name(rng, False))
        subs = [pkg] + ["%s/%s" % (pkg, name(rng, False))
                        for _ in range(rng.randint(0, 6))]
        for d in subs:
            mkdir(d)
            for _ in range(rng.randint(20, 50)):
                if w.n >= n:
                    break
                p = "%s/%s" % (d, name(rng))
                if p in seen:
                    continue
                seen.add(p)
                r = rng.random()
                if r < 0.03:
                    w.add(p, "l", link="../" + name(rng))
                elif r < 0.035 and files:
                    w.add(p, "h", link=files[-1][0])
                else:
                    files.append((p, len(files)))
                    w.add(p, "f", content(len(files)))
    return files, dirs


def small_layer(files, dirs, w):
    rng = random.Random(len(files))
    picked = rng.sample(files, len(files) * 5 // 100)
    made = set()
    changed = []
    for j, (p, i) in enumerate(picked):
        changed.append((p, i, j % 10))
    changed.sort()
    for p, i, what in changed:
        d = p.rsplit("/", 1)[0]
        if d not in made:
            made.add(d)
            w.add(d + "/", "d")
        if what < 6:        # chown: same bytes, another owner
            w.add(p, "f", content(i + 1), uid=1000, gid=1000)
        elif what < 8:      # overwrite
            w.add(p, "f", b"new " + content(i + 1))
        elif what < 9:      # chmod
            w.add(p, "f", content(i + 1), mode=0o755)
        else:               # delete
            base = p.rsplit("/", 1)[1]
            w.add("%s/.wh.%s" % (d, base), "f")


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    tmp = [out + ".layer%d.tmp" % k for k in range(2)]
    try:
        with open(tmp[0], "wb") as f:
            w = TarWriter(f)
            files, dirs = big_layer(n, w)
            ids = [w.close()]
        with open(tmp[1], "wb") as f:
            w = TarWriter(f)
            small_layer(files, dirs, w)
            ids.append(w.close())
        cfg = json.dumps({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": ids},
            "history": [{"created_by": "/bin/sh -c make-tree %d" % n},
                        {"created_by": "/bin/sh -c chown-some"}],
        }).encode()
        cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
        names = [i[len("sha256:"):] + ".tar" for i in ids]
        man = json.dumps([{"Config": cfg_name,
                           "RepoTags": ["entries:%d" % n],
                           "Layers": names}]).encode()
        with tarfile.open(out + ".tmp", "w", format=tarfile.GNU_FORMAT) as t:
            for nm, path in zip(names, tmp):
                info = tarfile.TarInfo(nm)
                info.size = os.path.getsize(path)
                info.mtime = MTIME
                with open(path, "rb") as f:
                    t.addfile(info, f)
            for nm, data in ((cfg_name, cfg), ("manifest.json", man)):
                info = tarfile.TarInfo(nm)
                info.size = len(data)
                info.mtime = MTIME
                t.addfile(info, io.BytesIO(data))
        os.replace(out + ".tmp", out)
    finally:
        for p in tmp:
            if os.path.exists(p):
                os.unlink(p)


if __name__ == "__main__":
    main()
