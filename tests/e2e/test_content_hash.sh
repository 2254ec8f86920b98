#!/usr/bin/env bash
# Content hashes of compared files read in place from a mapped archive
# (analyzer/read/content.c: mapped ahead and dropped in chunks, batches of
# nearby files, the largest first) agree with the hashes taken as the
# bytes stream past (--plain-reader, and the gzip form): files of sizes
# around the chunk and populate thresholds, copied unchanged (chown) or
# changed in one byte at the start, the end and either side of a chunk
# boundary, at -j 1, 2 and 4; the classification (chown or overwrite) is
# the content's.
. "$(dirname "$0")/lib.sh"

python3 - "$TMP" "$LW_ROOT/tests/e2e" <<'PY'
import gzip, io, json, os, random, sys, tarfile
sys.path.insert(0, sys.argv[2])
from mkimage import image, sha
out = sys.argv[1]
rnd = random.Random(11)
KIB = 1024
CHUNK = 512 * KIB
sizes = [0, 1, 4095, 4096, 64 * KIB - 1, 64 * KIB, 64 * KIB + 1, CHUNK - 1, CHUNK,
         CHUNK + 1, 2 * CHUNK, 3 * 1024 * KIB + 7, 9 * 1024 * KIB + 4097]

def tar(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data, uid in entries:
            info = tarfile.TarInfo(name)
            info.mtime, info.mode, info.uid, info.gid = 1000, 0o644, uid, uid
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()

base, upper, want = [], [], {}
for i, n in enumerate(sizes):
    data = rnd.randbytes(n)
    same = "data/same%02d" % i
    base.append((same, data, 0))
    upper.append((same, data, 1000))
    want["/" + same] = "chown"
    # Changed in one byte, the size kept: at the start, the end, and
    # either side of a chunk boundary.
    for at in sorted({0, n - 1, CHUNK - 1, CHUNK, n // 2}):
        if n == 0 or at < 0 or at >= n:
            continue
        name = "data/diff%02d-%d" % (i, at)
        changed = bytearray(data)
        changed[at] ^= 0x5A
        base.append((name, data, 0))
        upper.append((name, bytes(changed), 1000))
        want["/" + name] = "overwrite"
raw = [tar(base), tar(upper)]
ids = ["sha256:" + sha(l) for l in raw]
with open(os.path.join(out, "plain.tar"), "wb") as f:
    f.write(image(raw))
with open(os.path.join(out, "gzip.tar"), "wb") as f:
    f.write(image([gzip.compress(l, compresslevel=1, mtime=0) for l in raw], diff_ids=ids))
with open(os.path.join(out, "want.json"), "w") as f:
    json.dump(want, f)
PY

# path -> kind of every finding; path -> hash of every file whose hash the
# run took.
cat >"$TMP/facts.py" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kinds = {f["path"]: f["kind"] for f in d["findings"]}
hashes = {f["path"]: f["hash"] for f in d.get("files") or [] if f.get("hash")}
print(json.dumps({"kinds": kinds, "hashes": hashes}, sort_keys=True))
PY

run_lw 0 "$TMP/ref.json" -f json --with-files --plain-reader "$TMP/plain.tar"
python3 "$TMP/facts.py" "$TMP/ref.json" >"$TMP/ref.facts"
python3 - "$TMP/ref.facts" "$TMP/want.json" <<'PY' && ok || fail "the plain reader's kinds are not the content's"
import json, sys
got = json.load(open(sys.argv[1]))["kinds"]
want = json.load(open(sys.argv[2]))
bad = {p: (got.get(p), k) for p, k in want.items() if got.get(p) != k}
if bad:
    sys.exit("kinds differ: %s" % sorted(bad.items())[:5])
PY
for j in 1 2 4; do
	for f in plain gzip; do
		run_lw 0 "$TMP/fast.json" -f json --with-files --no-cache -j $j "$TMP/$f.tar" || continue
		python3 "$TMP/facts.py" "$TMP/fast.json" >"$TMP/fast.facts"
		python3 - "$TMP/ref.facts" "$TMP/fast.facts" <<'PY' && ok || fail "-j $j, $f form: hashes or kinds differ from the plain reader's"
import json, sys
ref, got = (json.load(open(p)) for p in sys.argv[1:])
if got["kinds"] != ref["kinds"]:
    sys.exit("kinds: %s" % sorted(set(got["kinds"].items()) ^ set(ref["kinds"].items()))[:4])
# The mapped form hashes only what it compares: each of those must be
# the streamed hash; and the compared files were hashed.
wrong = [p for p, h in got["hashes"].items() if ref["hashes"].get(p) != h]
if wrong:
    sys.exit("hashes differ: %s" % wrong[:4])
if len(got["hashes"]) < len(ref["kinds"]) - 1:
    sys.exit("only %d hashes for %d compared files" % (len(got["hashes"]), len(ref["kinds"])))
PY
		# The report without --with-files is the plain reader's, but for
		# layers[].tar_bytes: Python's tarfile pads a layer to 10 KiB
		# records, which the mapped walker counts and libarchive, stopping
		# at the end-of-archive blocks, does not.
		run_lw 0 "$TMP/a.json" -f json --no-cache -j $j "$TMP/$f.tar" || continue
		run_lw 0 "$TMP/b.json" -f json --plain-reader "$TMP/$f.tar" || continue
		python3 - "$TMP/a.json" "$TMP/b.json" <<'PY' && ok || fail "-j $j, $f form: report differs from --plain-reader"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for d in (a, b):
    for l in d["layers"]:
        l.pop("tar_bytes")
sys.exit(a != b)
PY
	done
done
finish
