#!/usr/bin/env bash
# SARIF on real images, field by field, validated by Microsoft's SARIF
# Multitool (tests/sarif/check; test_sarif_multitool.sh shows it failing on
# broken documents); fingerprints do not depend on the Dockerfile's lines
# (test_peer_ci.sh: SARIF on the peer images).
. "$(dirname "$0")/lib.sh"

cd "$LW_ROOT"

sarif() { # sarif NAME EXIT ARGS...
	local name=$1 want=$2
	shift 2
	run_lw "$want" "$TMP/$name.sarif" -q --no-config -f sarif "$@" || return 0
}

sarif waste 0 --dockerfile fixtures/src/waste/Dockerfile fixtures/images/waste/docker-archive.tar
sarif waste-nodf 0 fixtures/images/waste/docker-archive.tar
sarif waste-fail 1 --max-wasted-bytes 1kB fixtures/images/waste/docker-archive.tar
sarif waste-oci 0 fixtures/images/waste/oci-archive-zstd.tar
sarif clean 0 --dockerfile fixtures/src/clean/Dockerfile fixtures/images/clean/docker-archive.tar

check_eq "waste: results" 9 "$(jget "$TMP/waste.sarif" "len(d['runs'][0]['results'])")"
check_eq "waste: rules" "chown chmod chown-chmod touch overwrite delete" \
	"$(jget "$TMP/waste.sarif" "' '.join(r['id'] for r in d['runs'][0]['tool']['driver']['rules'])")"
check_eq "waste: uri" "Dockerfile" "$(jget "$TMP/waste-nodf.sarif" \
	"' '.join(sorted(set(r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in d['runs'][0]['results'])))")"
check_eq "waste: uri with --dockerfile" "fixtures/src/waste/Dockerfile" "$(jget "$TMP/waste.sarif" \
	"' '.join(sorted(set(r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in d['runs'][0]['results'])))")"
check_eq "levels" "warning error" "$(jget "$TMP/waste.sarif" "d['runs'][0]['results'][0]['level']") $(jget "$TMP/waste-fail.sarif" "d['runs'][0]['results'][0]['level']")"
check_eq "clean: no results" 0 "$(jget "$TMP/clean.sarif" "len(d['runs'][0]['results'])")"

# An absolute --dockerfile under the working directory is made relative.
sarif waste-abs 0 --dockerfile "$LW_ROOT/fixtures/src/waste/Dockerfile" fixtures/images/waste/docker-archive.tar
check_eq "absolute dockerfile: uri" "fixtures/src/waste/Dockerfile" "$(jget "$TMP/waste-abs.sarif" \
	"d['runs'][0]['results'][0]['locations'][0]['physicalLocation']['artifactLocation']['uri']")"

# Fingerprints: the same with or without the Dockerfile (no line numbers
# in them), the same in every archive form of the image, and unique.
fps() { jget "$1" "' '.join(r['partialFingerprints']['layerwasteCause/v1'] for r in d['runs'][0]['results'])"; }
check_eq "fingerprints: dockerfile or not" "$(fps "$TMP/waste.sarif")" "$(fps "$TMP/waste-nodf.sarif")"
check_eq "fingerprints: archive form" "$(fps "$TMP/waste.sarif")" "$(fps "$TMP/waste-oci.sarif")"
check_eq "fingerprints: unique" 9 "$(fps "$TMP/waste.sarif" | tr ' ' '\n' | sort -u | wc -l)"

sarif_valid "every SARIF above" "$TMP"/*.sarif
finish
