#!/usr/bin/env python3
"""Writes hostile docker-archive images for tests/e2e/test_hostile.sh.
Usage: hostile.py CASE OUT. Every case is small on disk; what its headers
claim is not."""
import io
import json
import os
import sys
import tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mkimage import image, layer_tar, sha  # noqa: E402

BLOCK = 512


def octal(n, width):
    return ("%0*o" % (width - 1, n)).encode() + b"\0"


def header(name, size, typeflag, extra=None):
    """A ustar/GNU header block; extra: {offset: bytes} written in."""
    h = bytearray(BLOCK)
    h[0:len(name)] = name
    h[100:108] = octal(0o644, 8)
    h[108:116] = octal(0, 8)
    h[116:124] = octal(0, 8)
    if size < 8 ** 11:
        h[124:136] = octal(size, 12)
    else:
        # GNU base-256 for sizes over 8 GiB.
        h[124:136] = b"\x80" + size.to_bytes(11, "big")
    h[136:148] = octal(1000, 12)
    h[156:157] = typeflag
    h[257:265] = b"ustar  \0"
    for off, b in (extra or {}).items():
        h[off:off + len(b)] = b
    h[148:156] = b" " * 8
    h[148:156] = ("%06o" % sum(h)).encode() + b"\0 "
    return bytes(h)


def num12(n):
    if n < 8 ** 11:
        return octal(n, 12)
    return b"\x80" + n.to_bytes(11, "big")


def pad(b):
    return b + b"\0" * (-len(b) % BLOCK)


def gnu_sparse(realsize, data=b"hello sparse", name=b"big/sparse.bin"):
    """An old GNU sparse ('S') entry: one data block at the end of a hole
    of realsize - len(data) bytes."""
    extra = {386: num12(realsize - len(data)) + num12(len(data)),
             482: b"\0", 483: num12(realsize)}
    h = header(name, len(data), b"S", extra)
    return h + pad(data)


def pax_record(k, v):
    body = b" %s=%s\n" % (k, v)
    n = len(body)
    while True:
        rec = str(n).encode() + body
        if len(rec) == n:
            return rec
        n = len(rec)


def pax_header(records, name=b"PaxHeaders/x"):
    body = b"".join(pax_record(k, v) for k, v in records)
    return header(name, len(body), b"x") + pad(body)


def pax_sparse(realsize, data=b"hello pax sparse"):
    """A pax 1.0 sparse entry: the map in the data, then the data."""
    hole = realsize - len(data)
    recs = [(b"GNU.sparse.major", b"1"), (b"GNU.sparse.minor", b"0"),
            (b"GNU.sparse.name", b"big/pax-sparse.bin"),
            (b"GNU.sparse.realsize", str(realsize).encode())]
    mapb = pad(b"1\n%d\n%d\n" % (hole, len(data)))
    stored = mapb + data
    return (pax_header(recs) +
            header(b"GNUSparseFile.0/pax-sparse.bin", len(stored), b"0") +
            pad(stored))


def end():
    return b"\0" * (2 * BLOCK)


def tar_of(*parts):
    return b"".join(parts) + end()


def many_sparse(n, realsize):
    return tar_of(*[gnu_sparse(realsize, name=b"big/s%06d" % i)
                    for i in range(n)])


def fix_checksums(raw):
    """Recomputes every header checksum of a tar made by hand edits."""
    b = bytearray(raw)
    off = 0
    while off + BLOCK <= len(b) and any(b[off:off + BLOCK]):
        h = b[off:off + BLOCK]
        h[148:156] = b" " * 8
        h[148:156] = ("%06o" % sum(h)).encode() + b"\0 "
        b[off:off + BLOCK] = h
        size = int(bytes(h[124:136]).strip(b"\0 ") or b"0", 8)
        off += BLOCK + size + (-size % BLOCK)
    return bytes(b)


def zstd_bomb(zeros, name=b"app/zeros.bin"):
    """A zstd layer of one file of `zeros` zero bytes, written by hand as
    one frame of 128 KiB RLE blocks (4 bytes each): 16 GiB in 512 KB.
    No content size, no checksum, a 128 KiB window."""
    assert zeros % (128 << 10) == 0
    def block(btype, size, last, body):
        return ((size << 3) | (btype << 1) | last).to_bytes(3, "little") + body
    head = header(name, zeros, b"0")
    frame = b"\x28\xb5\x2f\xfd" + b"\x00" + bytes([(17 - 10) << 3])
    frame += block(0, len(head), 0, head)              # raw: the header
    frame += block(1, 128 << 10, 0, b"\0") * (zeros // (128 << 10))
    frame += block(1, 2 * BLOCK, 1, b"\0")             # the end blocks
    return frame


def case(name):
    if name == "zstd-bomb-16g":
        return image([zstd_bomb(16 << 30)])
    if name == "gnu-sparse-1t":
        return image([tar_of(gnu_sparse(1 << 40))])
    if name == "gnu-sparse-many":
        return image([many_sparse(200, 1 << 36)])
    if name == "pax-sparse-2p51":
        return image([tar_of(pax_sparse(1 << 51))])
    if name == "sparse-same":
        # Two layers, the same sparse file: a touch, not an overwrite.
        return image([tar_of(gnu_sparse(1 << 40)), tar_of(gnu_sparse(1 << 40))])
    if name == "sparse-differ":
        return image([tar_of(gnu_sparse(1 << 40)),
                      tar_of(gnu_sparse(1 << 40, b"other sparse"))])
    if name == "traversal":
        return image([layer_tar([("app/x", b"1"),
                                 ("app/\x1b[31m../../etc/passwd\x07", b"x")])])
    if name == "forged-line":
        return image([layer_tar([("app/\nlayerwaste: all good\n/../x", b"x")])])
    if name == "bidi":
        return image([layer_tar([("app/\u202egnp.exe", b"x" * 10)]),
                      layer_tar([("app/\u202egnp.exe", b"y" * 10)])])
    if name == "symlinked-member":
        # A member named like the manifest's layer but a symlink, and a
        # layer with a symlink out of the tree then a file through it.
        info = io.BytesIO()
        with tarfile.open(fileobj=info, mode="w", format=tarfile.PAX_FORMAT) as t:
            s = tarfile.TarInfo("etc")
            s.type = tarfile.SYMTYPE
            s.linkname = "/"
            t.addfile(s)
            f = tarfile.TarInfo("etc/passwd")
            f.size = 3
            t.addfile(f, io.BytesIO(b"abc"))
        good = info.getvalue()
        raw = image([good])
        # Replace the layer member by a symlink to /etc/passwd.
        out = io.BytesIO()
        with tarfile.open(fileobj=io.BytesIO(raw)) as src, \
                tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as dst:
            for m in src.getmembers():
                if m.name.endswith(".tar"):
                    m2 = tarfile.TarInfo(m.name)
                    m2.type = tarfile.SYMTYPE
                    m2.linkname = "/etc/passwd"
                    dst.addfile(m2)
                else:
                    dst.addfile(m, src.extractfile(m))
        return out.getvalue()
    if name == "dup-manifest":
        raw = image([layer_tar([("a", b"x")])])
        out = io.BytesIO()
        with tarfile.open(fileobj=io.BytesIO(raw)) as src, \
                tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as dst:
            for m in src.getmembers():
                data = src.extractfile(m).read()
                dst.addfile(m, io.BytesIO(data))
                if m.name == "manifest.json":
                    dst.addfile(m, io.BytesIO(data))
        return out.getvalue()
    if name == "big-pax":
        # A pax header of 2 MiB (a long xattr), then a file.
        recs = [(b"SCHILY.xattr.user.big", b"v" * (2 << 20)),
                (b"path", b"app/bigpax.txt")]
        return image([pax_header(recs) + header(b"app/bigpax.txt", 5, b"0") +
                      pad(b"hello") + end()])
    if name == "many-entries":
        return image([layer_tar([("f%d" % i, b"") for i in range(3000)])])
    raise SystemExit("unknown case " + name)


if __name__ == "__main__":
    with open(sys.argv[2], "wb") as f:
        f.write(case(sys.argv[1]))
