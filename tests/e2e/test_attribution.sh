#!/usr/bin/env bash
# Alignment of Dockerfiles with the history of the bundled images, built by
# buildah (test_peer_attribution.sh does Docker's classic builder, kaniko
# and BuildKit on the peer images). A Dockerfile that does not match
# attaches no line.
. "$(dirname "$0")/lib.sh"

src=$LW_ROOT/fixtures/src
lines() {
	jget "$1" "' '.join('%d:%s' % (l['index'], ('base' if l['instruction']['base'] else l['instruction']['line']) if l['instruction'] and (l['instruction']['line'] or l['instruction']['base']) else '-') for l in d['layers'])"
}

run_lw 0 "$TMP/waste.json" -f json --dockerfile "$src/waste/Dockerfile" "$FIX/waste/oci-archive-gzip.tar" &&
	check_eq "buildah lines" "0:9 1:13 2:16 3:17 4:20 5:21 6:24 7:29 8:31 9:33 10:35 11:37 12:39 13:41 14:46 15:51 16:53" "$(lines "$TMP/waste.json")"

# The wrong Dockerfile: nothing attached, and the report says why.
run_lw 0 "$TMP/wrong.json" -f json --dockerfile "$src/waste/Dockerfile" "$FIX/clean/docker-archive.tar"
check_eq "mismatch: not aligned" False "$(jget "$TMP/wrong.json" "d['attribution']['aligned']")"
check_eq "mismatch: no line" "" "$(jget "$TMP/wrong.json" "''.join(str(l['instruction']['line']) for l in d['layers'] if l['instruction'] and l['instruction']['line'])")"
check_eq "mismatch: a note" True "$(jget "$TMP/wrong.json" "'does not match' in (d['attribution']['note'] or '')")"
run_lw 0 "$TMP/wrong.txt" --dockerfile "$src/waste/Dockerfile" "$FIX/clean/docker-archive.tar"
grep -q "Dockerfile not used: the Dockerfile does not match the image" "$TMP/wrong.txt" && ok ||
	fail "text report does not say the Dockerfile was not used"

# Bad Dockerfiles and stages.
run_lw 2 "$TMP/t" --dockerfile "$src/waste/Dockerfile" --target nope "$FIX/waste/docker-archive.tar" &&
	{ grep -q "no stage named 'nope'" "$TMP/t.err" && ok || fail "target message: $(cat "$TMP/t.err")"; }
printf 'FROM scratch\nFROBNICATE x\n' >"$TMP/Dockerfile.bad"
run_lw 3 "$TMP/b" --dockerfile "$TMP/Dockerfile.bad" "$FIX/waste/docker-archive.tar" &&
	{ grep -q "Dockerfile.bad:2" "$TMP/b.err" && ok || fail "parse error message: $(cat "$TMP/b.err")"; }
run_lw 4 "$TMP/m" --dockerfile "$TMP/missing" "$FIX/waste/docker-archive.tar" &&
	{ grep -q "missing" "$TMP/m.err" && ok || fail "missing Dockerfile message: $(cat "$TMP/m.err")"; }
run_lw 2 "$TMP/f" --fix "$FIX/waste/docker-archive.tar" &&
	{ grep -q "needs --dockerfile" "$TMP/f.err" && ok || fail "--fix without Dockerfile"; }
finish
