#!/usr/bin/env bash
# SARIF checked the way GitHub code scanning checks it: Microsoft's SARIF
# Multitool (tests/sarif/check: the SARIF 2.1.0 schema, the SARIF rules
# and GitHub's ingestion rules) on layerwaste's SARIF for every fixture
# image, with and without a Dockerfile, with rules, with the spaces
# profile, with hostile file names and with versionControlProvenance; no
# error and no warning allowed. Copies broken on purpose show that the
# check fails. Skipped (77) when the multitool cannot be installed.
. "$(dirname "$0")/lib.sh"

CHECK=$LW_ROOT/tests/sarif/check
S=$TMP/sarif
mkdir -p "$S"
cd "$LW_ROOT"

# Install (or find in the cache) the multitool first: skip early.
printf '{"version":"2.1.0","runs":[]}\n' >"$TMP/empty.sarif"
rc=0
"$CHECK" "$TMP/empty.sarif" >"$TMP/probe.out" 2>&1 || rc=$?
if [ "$rc" -eq 77 ]; then
	grep '^SKIP' "$TMP/probe.out"
	exit 77
fi

sarif() { # sarif NAME EXIT ARGS...: layerwaste -f sarif into $S/NAME.sarif
	local name=$1 want=$2
	shift 2
	run_lw "$want" "$S/$name.sarif" -q --no-config -f sarif "$@" || true
}

WDF=fixtures/src/waste/Dockerfile
sarif waste 0 --dockerfile "$WDF" "$FIX/waste/docker-archive.tar"
sarif waste-nodf 0 "$FIX/waste/docker-archive.tar"
sarif waste-rules 1 --dockerfile "$WDF" --config tests/golden/inputs/strict.yml "$FIX/waste/docker-archive.tar"
sarif waste-oci-zstd 0 --dockerfile "$WDF" "$FIX/waste/oci-archive-zstd.tar"
sarif waste-docker25 0 "$FIX/waste/docker25.tar"
sarif clean 0 --dockerfile fixtures/src/clean/Dockerfile --max-wasted-bytes 0 "$FIX/clean/docker-archive.tar"
sarif clean-nodf 0 "$FIX/clean/podman-save.tar"
sarif multiarch 0 --platform linux/amd64 "$FIX/multiarch/oci-archive.tar"
sarif spaces 1 --profile spaces --dockerfile "$WDF" --space-readme fixtures/src/space-right/README.md "$FIX/waste/docker-archive.tar"
sarif spaces-nodf 1 --profile spaces "$FIX/waste/docker-archive.tar"
sarif spaces-wrong-df 1 --profile spaces --dockerfile fixtures/src/space-wrong/Dockerfile --space-readme fixtures/src/space-wrong/README.md "$FIX/waste/docker-archive.tar"

# Hostile names: in the image (escapes, invalid UTF-8, bidi, newlines,
# markup) and in the Dockerfile's path, relative to the working directory.
python3 "$LW_ROOT/tests/e2e/mkimage.py" hostile "$TMP/hostile.tar"
H=$TMP/hostile
mkdir -p "$H/d i r%#[x]"
printf 'FROM scratch\nENV API_TOKEN=hunter2\nCOPY "x\\x1b[31m" /app/\n' >"$H/d i r%#[x]/Docker file;&"
(cd "$H" && run_lw 0 "$S/hostile.sarif" -q --no-config -f sarif \
	--dockerfile "d i r%#[x]/Docker file;&" --max-wasted-bytes 1MB "$TMP/hostile.tar") || true
(cd "$H" && run_lw 1 "$S/hostile-spaces.sarif" -q --no-config -f sarif \
	--profile spaces "$TMP/hostile.tar") || true

# versionControlProvenance: a Dockerfile in a git work tree whose remote
# URL carries credentials.
if command -v git >/dev/null 2>&1; then
	R=$TMP/repo
	git init -q "$R"
	cp "$WDF" "$R/Dockerfile"
	git -C "$R" add Dockerfile
	git -C "$R" -c user.email=t@example.invalid -c user.name=t commit -qm t
	git -C "$R" remote add origin https://user:s3cr3t@example.invalid/org/app.git
	(cd "$R" && LAYERWASTE_VCS=git run_lw 0 "$S/vcs.sarif" -q --no-config -f sarif \
		--dockerfile Dockerfile "$FIX/waste/docker-archive.tar") || true
	check_eq "provenance" "https://example.invalid/org/app.git $(git -C "$R" rev-parse HEAD)" \
		"$(jget "$S/vcs.sarif" "' '.join(v['repositoryUri'] + ' ' + v['revisionId'] for v in d['runs'][0]['versionControlProvenance'])")"
	grep -q s3cr3t "$S/vcs.sarif" && fail "provenance: the remote's credentials are in the SARIF" || ok
	(cd "$R" && run_lw 0 "$TMP/novcs.sarif" -q --no-config -f sarif \
		--dockerfile Dockerfile "$FIX/waste/docker-archive.tar") || true
	check_eq "no provenance unless asked" False \
		"$(jget "$TMP/novcs.sarif" "'versionControlProvenance' in d['runs'][0]")"
fi
if [ -f "$PEER/test-docker-image.tar" ]; then
	sarif dive 0 "$PEER/test-docker-image.tar"
fi

n=$(ls "$S"/*.sarif | wc -l)
[ "$n" -ge 12 ] && ok || fail "only $n SARIF files to check"
rc=0
"$CHECK" "$S"/*.sarif >"$TMP/check.out" 2>&1 || rc=$?
if [ "$rc" -eq 0 ]; then ok; else
	fail "the multitool reports errors or warnings (exit $rc): $(grep -v ': 0 errors, 0 warnings' "$TMP/check.out" | head -20)"
fi
check_eq "files checked" "$n" "$(grep -c ': 0 errors, 0 warnings' "$TMP/check.out")"

# What the notes asked for: a helpUri on every rule, the Dockerfile lines
# quoted (secrets hidden), one rule id per kind in SARIF and GitLab.
check_eq "helpUri on every rule" True "$(jget "$S/spaces.sarif" \
	"all(r.get('helpUri', '').startswith('https://') for r in d['runs'][0]['tool']['driver']['rules'])")"
check_eq "snippets and context on every Dockerfile line" True "$(jget "$S/waste.sarif" \
	"all('snippet' in l['physicalLocation']['region'] and 'snippet' in l['physicalLocation']['contextRegion'] for r in d['runs'][0]['results'] for l in r['locations'])")"
check_eq "snippet text" "COPY app/ /app/|RUN chown -R 1000:1000 /app|" "$(jget "$S/waste.sarif" \
	"d['runs'][0]['results'][0]['locations'][0]['physicalLocation']['region']['snippet']['text'].replace(chr(10), '|')")"
grep -q hunter2 "$S"/*.sarif && fail "a secret ENV value is quoted in a snippet" || ok
run_lw 0 "$TMP/waste.gitlab" -q --no-config -f gitlab --dockerfile "$WDF" "$FIX/waste/docker-archive.tar" || true
check_eq "rule ids: SARIF and GitLab" \
	"$(jget "$S/waste.sarif" "' '.join(sorted(set(r['ruleId'] for r in d['runs'][0]['results'])))")" \
	"$(jget "$TMP/waste.gitlab" "' '.join(sorted(set(i['check_name'].split('/', 1)[1] for i in d)))")"
check_eq "kind rule ids" "chown chmod chown-chmod touch overwrite delete" \
	"$(jget "$S/waste.sarif" "' '.join(r['id'] for r in d['runs'][0]['tool']['driver']['rules'])")"

# The check fails on what code scanning rejects.
broken() { # broken NAME PYTHON-EDIT
	python3 - "$S/waste.sarif" "$TMP/bad/$1.sarif" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["runs"][0]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
}
mkdir -p "$TMP/bad"
broken no-location 'del r["results"][0]["locations"]'
broken line-zero 'r["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0'
broken extra-key 'r["results"][0]["colour"] = 1'
rc=0
"$CHECK" "$TMP/bad"/*.sarif >"$TMP/bad.out" 2>&1 || rc=$?
check_eq "broken copies fail" 1 "$rc"
for want in "no-location.sarif(.*error GH1015" "line-zero.sarif(.*error JSON1008" \
	"extra-key.sarif(.*error JSON1005"; do
	grep -q "$want" "$TMP/bad.out" && ok || fail "the multitool did not report '$want': $(head -5 "$TMP/bad.out")"
done
finish
