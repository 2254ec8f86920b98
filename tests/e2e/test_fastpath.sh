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

for f in "${inputs[@]}"; do
	for cmd in "" inspect; do
		for j in 1 2; do
			run_lw 0 "$TMP/fast.json" $cmd -f json -j $j "$f" || continue
			run_lw 0 "$TMP/plain.json" $cmd -f json --plain-reader "$f" || continue
			if cmp -s "$TMP/fast.json" "$TMP/plain.json"; then ok; else
				fail "${cmd:-report} -j $j of $f differs from the plain path: $(diff "$TMP/fast.json" "$TMP/plain.json" | head -4)"
			fi
		done
	done
done
for p in linux/amd64 linux/arm64; do
	run_lw 0 "$TMP/fast.json" -f json --platform $p "$FIX/multiarch/oci-attest.tar"
	run_lw 0 "$TMP/plain.json" -f json --platform $p --plain-reader "$FIX/multiarch/oci-attest.tar"
	cmp -s "$TMP/fast.json" "$TMP/plain.json" && ok || fail "multiarch $p differs"
done
finish
