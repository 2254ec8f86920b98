#!/usr/bin/env bash
# The fast paths (mapped archives with located content, ISA-L inflate,
# parallel indexing and hashing) give byte-identical JSON to the plain path
# (--plain-reader: one stream through libarchive, everything hashed on the
# way) on every fixture form, for the report and for inspect
# (test_peer_fastpath.sh: the same on the peer images).
. "$(dirname "$0")/lib.sh"

inputs=()
for img in waste clean; do
	for f in "$FIX/$img"/*.tar; do inputs+=("$f"); done
done
gzip -c "$FIX/waste/oci-archive-gzip.tar" >"$TMP/outer.tar.gz"
inputs+=("$TMP/outer.tar.gz")

# Compressed layers read by the stream walker: a big gzip layer (its
# inflate handed to the idle thread at -j 2) under a small one that
# rewrites some of its files, the same with zstd, one layer alone, and
# layers the walker hands back to libarchive from their start (a GNU
# sparse file, pax text that is not ASCII).
python3 - "$TMP" "$LW_ROOT/tests/e2e" <<'PY'
import gzip, os, random, subprocess, sys
sys.path.insert(0, sys.argv[2])
from mkimage import image, layer_tar, sha
from hostile import gnu_sparse, tar_of
out = sys.argv[1]
rnd = random.Random(7)
files = [("app/", b""), ("etc/", b""), ("etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
         ("app/.env", b"TOKEN=1\n")]
for i in range(2500):
    n = rnd.choice([0, 1, 100, 511, 512, 513, 4000, 70000])
    data = bytes(rnd.getrandbits(8) for _ in range(n % 600)) * (n // 600 + 1)
    files.append(("app/d%d/f%d%s" % (i % 37, i, "x" * (i % 90)), data[:n]))
big = layer_tar(files)
small = layer_tar([("app/", b"")] + [(n, d if i % 2 else d + b"!") for i, (n, d) in
                                     enumerate(files[4:400])])
high = layer_tar([("app/caf\u00e9/\u00fcber.txt", b"x" * 600), ("app/plain", b"y" * 10)])
sparse = tar_of(gnu_sparse(1 << 30))
def gz(b):
    return gzip.compress(b, compresslevel=1, mtime=0)
def zst(b):
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=b, stdout=subprocess.PIPE,
                          check=True).stdout
def write(name, raw, comp):
    blobs = [comp(l) for l in raw]
    with open(os.path.join(out, name), "wb") as f:
        f.write(image(blobs, diff_ids=["sha256:" + sha(l) for l in raw]))
write("stream-gzip.tar", [big, small], gz)
write("stream-one.tar", [big], gz)
write("stream-zstd.tar", [big, small], zst)
write("stream-fallback.tar", [sparse, high, small], gz)
PY
inputs+=("$TMP/stream-gzip.tar" "$TMP/stream-one.tar" "$TMP/stream-zstd.tar" \
	"$TMP/stream-fallback.tar")

for f in "${inputs[@]}"; do
	for cmd in "" inspect; do
		for j in 1 2; do
			run_lw 0 "$TMP/fast.json" $cmd -f json -j $j "$f" || continue
			run_lw 0 "$TMP/plain.json" $cmd -f json --plain-reader "$f" || continue
			if cmp -s "$TMP/fast.json" "$TMP/plain.json"; then ok; else
				fail "${cmd:-report} -j $j of $f differs from the plain path: $(diff "$TMP/fast.json" "$TMP/plain.json" | head -4)"
			fi
			# --verify checks the tar stream the walker hashed.
			case $f in *stream-*) ;; *) continue ;; esac
			run_lw 0 "$TMP/verify.json" $cmd -f json -j $j --verify "$f" || continue
			cmp -s "$TMP/verify.json" "$TMP/plain.json" && ok ||
				fail "${cmd:-report} -j $j --verify of $f differs from the plain path"
		done
	done
done
for p in linux/amd64 linux/arm64; do
	run_lw 0 "$TMP/fast.json" -f json --platform $p "$FIX/multiarch/oci-attest.tar"
	run_lw 0 "$TMP/plain.json" -f json --platform $p --plain-reader "$FIX/multiarch/oci-attest.tar"
	cmp -s "$TMP/fast.json" "$TMP/plain.json" && ok || fail "multiarch $p differs"
done

# A layer padded to 10 KiB records after its end blocks (as Python's
# tarfile writes it): the same report, tar_bytes included, from the
# mapped reader, --plain-reader and standard input.
python3 - "$LW_ROOT/tests/e2e" "$TMP/padded.tar" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import mkimage
l = mkimage.layer_tar([("a/", b""), ("a/x", b"x" * 100)])
assert len(l) == 10240
open(sys.argv[2], "wb").write(mkimage.image([l, mkimage.layer_tar([("a/x", b"y" * 100)])]))
EOF
run_lw 0 "$TMP/pad-fast.json" -f json --no-cache "$TMP/padded.tar"
run_lw 0 "$TMP/pad-plain.json" -f json --plain-reader "$TMP/padded.tar"
LW_STDIN=$TMP/padded.tar run_lw 0 "$TMP/pad-stdin.json" -f json -
check_eq "padded layer: tar_bytes" "10240 10240" \
	"$(jget "$TMP/pad-fast.json" "' '.join(str(l['tar_bytes']) for l in d['layers'])")"
cmp -s "$TMP/pad-fast.json" "$TMP/pad-plain.json" && ok || fail "padded layer: --plain-reader differs"
check_eq "padded layer: stdin" "10240 10240" \
	"$(jget "$TMP/pad-stdin.json" "' '.join(str(l['tar_bytes']) for l in d['layers'])")"
finish
