#!/usr/bin/env bash
# Alignment of Dockerfiles with the history of the peer images: Docker's
# classic builder and kaniko (dive's test image, its Dockerfile from that
# folder's README, kept in fixtures/src/peer-dive), BuildKit (the OCI
# images). A Dockerfile that does not match attaches no line.
. "$(dirname "$0")/lib.sh"
need_peer

src=$LW_ROOT/fixtures/src
lines() {
	jget "$1" "' '.join('%d:%s' % (l['index'], ('base' if l['instruction']['base'] else l['instruction']['line']) if l['instruction'] and (l['instruction']['line'] or l['instruction']['base']) else '-') for l in d['layers'])"
}

for img in test-docker-image test-kaniko-image; do
	run_lw 0 "$TMP/$img.json" -f json --dockerfile "$src/peer-dive/Dockerfile.test-image" "$PEER/$img.tar" || continue
	check_eq "$img aligned" True "$(jget "$TMP/$img.json" "d['attribution']['aligned']")"
	check_eq "$img lines" "0:base 1:2 2:3 3:4 4:5 5:6 6:7 7:8 8:9 9:10 10:11 11:12 12:13 13:14" "$(lines "$TMP/$img.json")"
	check_eq "$img base" busybox:latest "$(jget "$TMP/$img.json" "d['layers'][0]['instruction']['base_ref']")"
	# chmod 444 right after the cp that made the file: moved into it. chmod +x
	# long after the mv, with RUNs that read the file in between: advice only.
	check_eq "$img safe fixes" "same-run 4-5" \
		"$(jget "$TMP/$img.json" "' '.join('%s %d-%d' % (s['kind'], s['line'], s['end_line']) for s in d['suggestions'] if s['safe'])")"
	check_eq "$img chmod +x advice" "False 14" \
		"$(jget "$TMP/$img.json" "' '.join('%s %s' % (s['safe'], s['line']) for s in d['suggestions'] if s['finding_layers'] == [13])")"
done
for alg in uncompressed gzip zstd; do
	run_lw 0 "$TMP/oci.json" -f json --dockerfile "$src/peer-dive/Dockerfile.minimal" "$PEER/test-oci-$alg-image.tar" &&
		check_eq "buildkit $alg line" "0:2" "$(lines "$TMP/oci.json")"
done

# The wrong Dockerfile: nothing attached, and the report says why.
run_lw 0 "$TMP/wrong.json" -f json --dockerfile "$src/waste/Dockerfile" "$PEER/test-docker-image.tar"
check_eq "mismatch: not aligned" False "$(jget "$TMP/wrong.json" "d['attribution']['aligned']")"
check_eq "mismatch: no line" "" "$(jget "$TMP/wrong.json" "''.join(str(l['instruction']['line']) for l in d['layers'] if l['instruction'] and l['instruction']['line'])")"
check_eq "mismatch: a note" True "$(jget "$TMP/wrong.json" "'does not match' in (d['attribution']['note'] or '')")"
run_lw 0 "$TMP/wrong.txt" --dockerfile "$src/waste/Dockerfile" "$PEER/test-docker-image.tar"
grep -q "Dockerfile not used: the Dockerfile does not match the image" "$TMP/wrong.txt" && ok ||
	fail "text report does not say the Dockerfile was not used"
finish
