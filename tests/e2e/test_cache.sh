#!/usr/bin/env bash
# The per-layer cache: every bundled image gives the same JSON report with
# no cache, cold and warm; hits, misses, a shared base, concurrent runs, a
# damaged entry, eviction, --verify, streams, the default folder, and
# `layerwaste cache stats|prune`. LAYERWASTE_DEBUG_CACHE=1 makes the
# reader say "cache hit|miss DIFF_ID" on stderr.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

export LAYERWASTE_DEBUG_CACHE=1
n=0

# hits FILE / misses FILE: the cache lines of a run's stderr.
hits() { grep -c 'cache hit ' "$1" || true; }
misses() { grep -c 'cache miss ' "$1" || true; }
# The report without its warnings (a damaged entry adds one).
nowarn() { python3 -c 'import json,sys,hashlib; d=json.load(open(sys.argv[1])); d.pop("warnings"); d["summary"].pop("warning_count"); print(hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest())' "$1"; }
entries() { find "$1" -name '*.lw1' | wc -l; }

# Every bundled image: no cache, cold, warm: identical; warm is all hits.
for img in "$FIX"/*/*.tar "$FIX"/*/oci-dir; do
	[ -e "$img" ] || continue
	n=$((n + 1))
	c=$TMP/c$n
	name=${img#"$FIX"/}
	run_lw 0 "$TMP/ref.json" --no-cache -f json "$img" || continue
	run_lw 0 "$TMP/cold.json" --cache "$c" -f json "$img" || continue
	run_lw 0 "$TMP/warm.json" --cache "$c" -f json "$img" || continue
	cmp -s "$TMP/ref.json" "$TMP/cold.json" && ok || fail "$name: cold report differs"
	cmp -s "$TMP/ref.json" "$TMP/warm.json" && ok || fail "$name: warm report differs"
	check_eq "$name: cold run misses" 0 "$(hits "$TMP/cold.json.err")"
	[ "$(misses "$TMP/cold.json.err")" -gt 0 ] && ok || fail "$name: no miss when cold"
	check_eq "$name: warm run misses" 0 "$(misses "$TMP/warm.json.err")"
	[ "$(hits "$TMP/warm.json.err")" -gt 0 ] && ok || fail "$name: no hit when warm"
	# Text too, and --with-files (hashes of every visible file, which
	# the first run computes and writes back).
	run_lw 0 "$TMP/ref.txt" --no-cache "$img" &&
		run_lw 0 "$TMP/warm.txt" --cache "$c" "$img" &&
		{ cmp -s "$TMP/ref.txt" "$TMP/warm.txt" && ok || fail "$name: warm text differs"; }
	run_lw 0 "$TMP/ref.json" --no-cache -f json --with-files "$img" &&
		run_lw 0 "$TMP/f1.json" --cache "$c" -f json --with-files "$img" &&
		run_lw 0 "$TMP/f2.json" --cache "$c" -f json --with-files "$img" &&
		{ cmp -s "$TMP/ref.json" "$TMP/f1.json" && cmp -s "$TMP/ref.json" "$TMP/f2.json" &&
			ok || fail "$name: --with-files report differs with the cache"; }
done
[ "$n" -ge 20 ] && ok || fail "only $n bundled images found"

W=$FIX/waste/docker-archive.tar
run_lw 0 "$TMP/ref.json" --no-cache -f json "$W"

# A shared base: the second image reads only its new layer.
python3 - "$LW_ROOT/tests/e2e" "$TMP" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import mkimage
base = mkimage.good_layers()
top = mkimage.layer_tar([("app/", b""), ("app/b.txt", b"c" * 5000)])
open(sys.argv[2] + "/base.tar", "wb").write(mkimage.image(base))
open(sys.argv[2] + "/app.tar", "wb").write(mkimage.image(base + [top]))
EOF
run_lw 0 "$TMP/base.json" --cache "$TMP/shared" -f json "$TMP/base.tar"
run_lw 0 "$TMP/app.json" --cache "$TMP/shared" -f json "$TMP/app.tar"
check_eq "shared base: hits" 2 "$(hits "$TMP/app.json.err")"
check_eq "shared base: misses" 1 "$(misses "$TMP/app.json.err")"
run_lw 0 "$TMP/app-ref.json" --no-cache -f json "$TMP/app.tar"
cmp -s "$TMP/app-ref.json" "$TMP/app.json" && ok || fail "shared base: report differs"

# Layers holding the small configuration files the profile checks read
# (/etc/passwd, a .env, a key), gzip'd: cached like the others, and a warm
# run reads those files from the blob again, for the same report.
python3 - "$LW_ROOT/tests/e2e" "$TMP" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import mkimage
l0 = mkimage.layer_tar([("etc/", b""),
                        ("etc/passwd", b"root:x:0:0::/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"),
                        ("etc/group", b"root:x:0:\nuser:x:1000:\n")])
l1 = mkimage.layer_tar([("app/", b""), ("app/.env", b"HF_TOKEN=hf_" + b"a" * 34 + b"\n"),
                        ("app/server.key", b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"),
                        ("app/main.py", b"print(1)\n" * 300)])
l2 = mkimage.layer_tar([("app/", b""), ("app/main.py", b"print(2)\n" * 300)])
open(sys.argv[2] + "/kept.tar", "wb").write(mkimage.oci_image([l0, l1, l2]))
EOF
kept() {
	"$LW" --no-config --profile spaces -f json "$@" "$TMP/kept.tar" \
		>"$TMP/$out" 2>"$TMP/$out.err" || true
}
out=kept-ref.json kept --no-cache
out=kept1.json kept --cache "$TMP/kept"
out=kept2.json kept --cache "$TMP/kept"
check_eq "kept files: cold misses" 3 "$(misses "$TMP/kept1.json.err")"
check_eq "kept files: warm hits" 3 "$(hits "$TMP/kept2.json.err")"
cmp -s "$TMP/kept-ref.json" "$TMP/kept2.json" && ok || fail "kept files: warm report differs"
check_eq "kept files: the key still found warm" True \
	"$(jget "$TMP/kept2.json" "'app/server.key' in json.dumps(d['checks'])")"

# Four runs at once on one cache: each report whole, each entry whole.
for i in 1 2 3 4; do
	"$LW" --cache "$TMP/conc" -f json "$W" >"$TMP/conc$i.json" 2>/dev/null &
done
wait
for i in 1 2 3 4; do
	cmp -s "$TMP/ref.json" "$TMP/conc$i.json" && ok || fail "concurrent run $i differs"
done
run_lw 0 "$TMP/conc.json" --cache "$TMP/conc" -f json "$W"
check_eq "after concurrent runs: misses" 0 "$(misses "$TMP/conc.json.err")"
check_eq "after concurrent runs: damaged entries" 0 "$(grep -c damaged "$TMP/conc.json" || true)"
check_eq "no temporary file left" 0 "$(find "$TMP/conc" -name '.tmp-*' | wc -l)"

# A damaged entry: one byte flipped. A warning, the same report, and the
# entry written again.
run_lw 0 "$TMP/d0.json" --cache "$TMP/dmg" -f json "$W"
victim=$(find "$TMP/dmg" -name '*.lw1' | sort | head -1)
python3 - "$victim" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40
open(p, "wb").write(b)
EOF
run_lw 0 "$TMP/d1.json" --cache "$TMP/dmg" -f json "$W"
check_eq "damaged entry: misses" 1 "$(misses "$TMP/d1.json.err")"
v=$(jget "$TMP/d1.json" "sum('damaged (bad checksum)' in w for w in d['warnings'])")
check_eq "damaged entry: one warning" 1 "$v"
check_eq "damaged entry: same report" "$(nowarn "$TMP/ref.json")" "$(nowarn "$TMP/d1.json")"
run_lw 0 "$TMP/d2.json" --cache "$TMP/dmg" -f json "$W"
check_eq "rewritten entry: misses" 0 "$(misses "$TMP/d2.json.err")"
cmp -s "$TMP/ref.json" "$TMP/d2.json" && ok || fail "rewritten entry: report differs"
# Cut short, and a wrong version: damaged too.
victim=$(find "$TMP/dmg" -name '*.lw1' | sort | tail -1)
head -c 100 "$victim" >"$victim.cut" && mv "$victim.cut" "$victim"
run_lw 0 "$TMP/d3.json" --cache "$TMP/dmg" -f json "$W"
check_eq "short entry: warning" 1 "$(jget "$TMP/d3.json" "sum('damaged (short)' in w for w in d['warnings'])")"
victim=$(find "$TMP/dmg" -name '*.lw1' | sort | head -2 | tail -1)
printf '\x09' | dd of="$victim" bs=1 seek=8 conv=notrunc status=none
run_lw 0 "$TMP/d4.json" --cache "$TMP/dmg" -f json "$W"
check_eq "wrong version: warning" 1 "$(jget "$TMP/d4.json" "sum('damaged (wrong version)' in w for w in d['warnings'])")"
check_eq "wrong version: same report" "$(nowarn "$TMP/ref.json")" "$(nowarn "$TMP/d4.json")"

# Eviction: a cap smaller than the image's entries keeps the cache under
# it, least recently used first; the report is still whole.
run_lw 0 "$TMP/e.json" --cache "$TMP/evict" --cache-max 2KB -f json "$W"
cmp -s "$TMP/ref.json" "$TMP/e.json" && ok || fail "eviction: report differs"
bytes=$(du -cb "$TMP"/evict/*.lw1 2>/dev/null | tail -1 | cut -f1)
[ "${bytes:-0}" -le 2000 ] && ok || fail "eviction: $bytes bytes left, cap 2000"
# Least recently used first: every entry made old, the clean image's
# used again (touched), then a cap that fits only those.
run_lw 0 "$TMP/e.json" --cache "$TMP/lru" -f json "$W"
run_lw 0 "$TMP/e.json" --cache "$TMP/lru" -f json "$FIX/clean/docker-archive.tar"
touch -d '2000-01-01' "$TMP"/lru/*.lw1
run_lw 0 "$TMP/e.json" --cache "$TMP/lru" -f json "$FIX/clean/docker-archive.tar"
check_eq "warm clean run: misses" 0 "$(misses "$TMP/e.json.err")"
used=$(find "$TMP/lru" -name '*.lw1' -newermt 2001-01-01 | wc -l)
[ "$used" -gt 0 ] && ok || fail "a hit does not touch its entry"
cap=$(find "$TMP/lru" -name '*.lw1' -newermt 2001-01-01 -printf '%s\n' | awk '{ s += $1 } END { print s }')
run_lw 0 "$TMP/st" cache prune --cache "$TMP/lru" --cache-max "$cap"
check_eq "prune to the recent entries' size keeps them" "$used" "$(entries "$TMP/lru")"
run_lw 0 "$TMP/e.json" --cache "$TMP/lru" -f json "$FIX/clean/docker-archive.tar"
check_eq "the last used stay" 0 "$(misses "$TMP/e.json.err")"
run_lw 0 "$TMP/e.json" --cache "$TMP/lru" -f json "$W"
[ "$(hits "$TMP/e.json.err")" -lt "$(grep -c . "$TMP/e.json.err")" ] && ok ||
	fail "the least recently used were not evicted"

# --verify: uses and writes only verified entries; the reports match.
run_lw 0 "$TMP/v-ref.json" --no-cache --verify -f json "$FIX/waste/oci-archive-gzip.tar"
run_lw 0 "$TMP/v0.json" --cache "$TMP/ver" -f json "$FIX/waste/oci-archive-gzip.tar"
run_lw 0 "$TMP/v1.json" --cache "$TMP/ver" --verify -f json "$FIX/waste/oci-archive-gzip.tar"
check_eq "--verify skips unverified entries" 0 "$(hits "$TMP/v1.json.err")"
run_lw 0 "$TMP/v2.json" --cache "$TMP/ver" --verify -f json "$FIX/waste/oci-archive-gzip.tar"
check_eq "--verify uses verified entries" 0 "$(misses "$TMP/v2.json.err")"
run_lw 0 "$TMP/v3.json" --cache "$TMP/ver" -f json "$FIX/waste/oci-archive-gzip.tar"
check_eq "verified entries serve plain runs" 0 "$(misses "$TMP/v3.json.err")"
for f in v1 v2; do
	cmp -s "$TMP/v-ref.json" "$TMP/$f.json" && ok || fail "--verify $f: report differs"
done
run_lw 0 "$TMP/g-ref.json" --no-cache -f json "$FIX/waste/oci-archive-gzip.tar"
cmp -s "$TMP/g-ref.json" "$TMP/v3.json" && ok || fail "run on verified entries: report differs"

# Streams do not use the cache.
LW_STDIN=$W run_lw 0 "$TMP/s0.json" --no-cache -f json -
LW_STDIN=$W run_lw 0 "$TMP/s.json" --cache "$TMP/stream" -f json -
cmp -s "$TMP/s0.json" "$TMP/s.json" && ok || fail "stdin: report differs"
check_eq "stdin writes no entry" 0 "$(find "$TMP/stream" -name '*.lw1' 2>/dev/null | wc -l)"
run_lw 0 "$TMP/p.json" --cache "$TMP/plain" --plain-reader -f json "$W"
check_eq "--plain-reader writes no entry" 0 "$(find "$TMP/plain" -name '*.lw1' 2>/dev/null | wc -l)"

# The default folder, and --no-cache.
XDG_CACHE_HOME=$TMP/xdg run_lw 0 "$TMP/x.json" -f json "$W"
[ "$(entries "$TMP/xdg/layerwaste")" -gt 0 ] && ok || fail "nothing in \$XDG_CACHE_HOME/layerwaste"
XDG_CACHE_HOME='' HOME=$TMP/home run_lw 0 "$TMP/x.json" -f json "$W"
[ "$(entries "$TMP/home/.cache/layerwaste")" -gt 0 ] && ok || fail "nothing in ~/.cache/layerwaste"
XDG_CACHE_HOME=$TMP/none run_lw 0 "$TMP/x.json" --no-cache -f json "$W"
[ ! -e "$TMP/none" ] && ok || fail "--no-cache wrote a cache"
check_eq "--no-cache: no cache line" 0 "$(grep -c 'cache ' "$TMP/x.json.err" || true)"

# cache stats and prune.
k=$(entries "$TMP/conc")
run_lw 0 "$TMP/st" cache stats --cache "$TMP/conc"
check_eq "cache stats: layers" "$k" "$(awk '$1 == "layers" { print $2 }' "$TMP/st")"
XDG_CACHE_HOME=$TMP/xdg run_lw 0 "$TMP/st" cache stats
grep -q "^cache   $TMP/xdg/layerwaste\$" "$TMP/st" && ok || fail "cache stats: default folder: $(cat "$TMP/st")"
: >"$TMP/conc/.tmp-dead"
touch -d '2000-01-01' "$TMP/conc/.tmp-dead"
run_lw 0 "$TMP/st" cache prune --cache "$TMP/conc"
check_eq "cache prune: removed" "removed $k" "$(cut -d' ' -f1-2 "$TMP/st")"
check_eq "cache prune: empty" 0 "$(entries "$TMP/conc")"
[ ! -e "$TMP/conc/.tmp-dead" ] && ok || fail "cache prune left a dead run's file"
run_lw 0 "$TMP/st" cache stats --cache "$TMP/missing"
check_eq "cache stats: a missing folder is empty" 0 "$(awk '$1 == "layers" { print $2 }' "$TMP/st")"
run_lw 2 "$TMP/st" cache frob
run_lw 2 "$TMP/st" cache prune --cache-max lots
run_lw 2 "$TMP/st" --cache-max 0 "$W"
run_lw 2 "$TMP/st" --cache '' "$W"
run_lw 0 "$TMP/st" cache --help
grep -q 'usage: layerwaste cache stats' "$TMP/st" && ok || fail "cache --help"

finish
