#!/usr/bin/env bash
# The fast paths give byte-identical JSON to the plain path (--plain-reader)
# on the peer images: Docker's legacy save, kaniko's tarball and BuildKit's
# OCI archives (uncompressed, gzip, estargz, zstd), as test_fastpath.sh does
# on the bundled fixtures.
. "$(dirname "$0")/lib.sh"
need_peer

inputs=("$PEER"/test-docker-image.tar "$PEER"/test-kaniko-image.tar "$PEER"/test-oci-*-image.tar)
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
finish
