#!/usr/bin/env bash
# SARIF on real images, checked against the SARIF 2.1.0 schema and field
# by field for GitHub code scanning (tests/sarif/validate.py); the checker
# is shown to reject broken documents; fingerprints do not depend on the
# Dockerfile's lines (test_peer_ci.sh: SARIF on the peer images).
. "$(dirname "$0")/lib.sh"

VALIDATE=$LW_ROOT/tests/sarif/validate.py
cd "$LW_ROOT"

sarif() { # sarif NAME EXIT ARGS...
	local name=$1 want=$2
	shift 2
	run_lw "$want" "$TMP/$name.sarif" -q --no-config -f sarif "$@" || return 0
	if python3 "$VALIDATE" "$TMP/$name.sarif" 2>"$TMP/$name.problems"; then ok; else
		fail "$name: invalid SARIF: $(head -5 "$TMP/$name.problems")"
	fi
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

# The checker fails on what code scanning would reject.
broken() { # broken NAME PYTHON-EDIT PATTERN
	python3 - "$TMP/waste.sarif" "$TMP/$1.bad" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"][0]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
	if python3 "$VALIDATE" "$TMP/$1.bad" 2>"$TMP/$1.problems"; then
		fail "validator accepted $1"
	elif grep -q -- "$3" "$TMP/$1.problems"; then ok; else
		fail "$1: validator said: $(head -3 "$TMP/$1.problems")"
	fi
}
broken no-version 'del d["version"]' "lacks required property 'version'"
broken bad-version 'd["version"] = "2.0.0"' "is not one of"
broken no-driver-name 'del r["tool"]["driver"]["name"]' "lacks required property 'name'"
broken no-location 'del r["results"][0]["locations"]' "without a location"
broken line-zero 'r["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0' "less than 1"
broken abs-uri 'r["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "file:///x/Dockerfile"' "not a relative path"
broken no-message 'del r["results"][0]["message"]' "lacks required property 'message'"
broken extra-key 'r["results"][0]["colour"] = 1' "unexpected property 'colour'"
broken unknown-rule 'r["results"][0]["ruleId"] = "nope"' "is not a driver rule"
broken same-fingerprint 'r["results"][1]["partialFingerprints"] = r["results"][0]["partialFingerprints"]' "repeats"
broken bad-level 'r["results"][0]["level"] = "fatal"' "is not one of"
broken no-help 'del r["tool"]["driver"]["rules"][0]["help"]' "help.text"
finish
