#!/usr/bin/env python3
"""Large files for the compare-heavy benchmark image (bench/compare.Dockerfile).

usage: bench/makedata.py OUTDIR [SOURCE_DIR...]

Writes the layout below into OUTDIR, each file filled with the next bytes of
the regular files under the source directories (default /usr/lib/x86_64-linux-gnu
and /usr/bin: shared libraries and programs, which compress as real images'
binaries do), read in path order and cycled if they run out. Every file so
gets other bytes than the rest while the sources last, the result depends
only on the machine's files, and no file is made of a repeated block (which
would make the compressed forms unrealistically small).

Prints one line: the number of files and bytes written.
"""
import os
import sys

MIB = 1 << 20
KIB = 1 << 10

# directory: [(count, size)]; what the Dockerfile's steps do to each.
LAYOUT = {
    "own": [(2, 64 * MIB), (4, 16 * MIB)],      # chown -R: content unchanged
    "mode": [(8, 8 * MIB), (64, 512 * KIB)],    # chmod -R: content unchanged
    "time": [(16, 2 * MIB), (256, 64 * KIB)],   # touch: content unchanged
    "edit": [(1, 32 * MIB), (1, 8 * MIB)],      # one byte changed: same size, other content
    "keep": [(4, 8 * MIB)],                     # left alone
}


def sources(dirs):
    paths = []
    for d in dirs:
        for root, subdirs, files in os.walk(d):
            subdirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) > 0:
                    paths.append(p)
    if not paths:
        sys.exit("makedata: no source files under %s" % " ".join(dirs))
    return paths


class Stream:
    """The source files' bytes, one after another, cycling."""

    def __init__(self, paths):
        self.paths, self.i, self.f = paths, 0, None

    def read(self, n):
        out = bytearray()
        while len(out) < n:
            if self.f is None:
                try:
                    self.f = open(self.paths[self.i % len(self.paths)], "rb")
                except OSError:
                    self.i += 1
                    continue
                self.i += 1
            b = self.f.read(min(n - len(out), 4 * MIB))
            if not b:
                self.f.close()
                self.f = None
                continue
            out += b
        return bytes(out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[2])
    out = sys.argv[1]
    dirs = sys.argv[2:] or ["/usr/lib/x86_64-linux-gnu", "/usr/bin"]
    stream = Stream(sources(dirs))
    nfiles = nbytes = 0
    for d, specs in LAYOUT.items():
        os.makedirs(os.path.join(out, d), exist_ok=True)
        k = 0
        for count, size in specs:
            for _ in range(count):
                with open(os.path.join(out, d, "blob%03d.bin" % k), "wb") as f:
                    left = size
                    while left:
                        b = stream.read(min(left, 4 * MIB))
                        f.write(b)
                        left -= len(b)
                k += 1
                nfiles += 1
                nbytes += size
    print("%d files, %d bytes" % (nfiles, nbytes))


if __name__ == "__main__":
    main()
