#!/usr/bin/env bash
# Baselines on images built with buildah: the main branch's report saved,
# then a change that adds a chown of new files and drops a delete. With
# --baseline, the rules judge only the new chown: the known one is
# unchanged, the dropped one fixed; the same image against its own report
# passes. Counted in text and JSON, errors only for the new cause in
# SARIF and GitHub.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

lw_buildah_setup
ctx=$TMP/ctx
mkdir -p "$ctx/app" "$ctx/data"
cp /bin/busybox "$ctx/busybox"
head -c 3000 /dev/zero >"$ctx/app/main.bin"
head -c 1200 /dev/zero >"$ctx/data/table.bin"
head -c 500 /dev/zero >"$ctx/tmp.bin"
cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
COPY app/ /app/
RUN ["/bin/busybox", "chown", "-R", "1000:1000", "/app"]
COPY tmp.bin /tmp.bin
RUN ["/bin/busybox", "rm", "/tmp.bin"]
EOF
lw_buildah_build "$ctx" lwmain "$TMP/main.tar"
cd "$ctx"
# The main branch: its report is the baseline.
run_lw 0 "$TMP/main.txt" -q --no-config --dockerfile Dockerfile \
	--output json="$TMP/main.json" "$TMP/main.tar"

# The change: the rm is gone, a chown of new files comes.
cat >Dockerfile <<'EOF'
FROM scratch
COPY busybox /bin/busybox
COPY app/ /app/
RUN ["/bin/busybox", "chown", "-R", "1000:1000", "/app"]
COPY data/ /data/
RUN ["/bin/busybox", "chown", "-R", "1000:1000", "/data"]
EOF
lw_buildah_build "$ctx" lwbranch "$TMP/branch.tar"

run_lw 1 "$TMP/b.json" -q --no-config -f json --max-wasted-bytes 1 \
	--baseline "$TMP/main.json" --dockerfile Dockerfile "$TMP/branch.tar"
check_eq "baseline counts" "1 0 1 1 500" \
	"$(jget "$TMP/b.json" "' '.join(str(d['summary']['baseline'][k]) for k in ('new', 'grown', 'unchanged', 'fixed', 'fixed_bytes'))")"
check_eq "only the new chown is judged" "1200 3000" \
	"$(jget "$TMP/b.json" "'%d %d' % (d['rules']['judged_bytes'], d['rules']['baseline_bytes'])")"
check_eq "causes" "chown /app unchanged|chown /data new" \
	"$(jget "$TMP/b.json" "'|'.join('%s /%s %s' % (c['kind'], d['findings'][c['first_finding']]['path'].split('/')[1], c['baseline']) for c in d['causes'])")"
run_lw 1 "$TMP/b.txt" -q --no-config --max-wasted-bytes 1 \
	--baseline "$TMP/main.json" --dockerfile Dockerfile "$TMP/branch.tar"
grep -q "Baseline *causes: 1 new, 0 grown, 1 unchanged, 1 fixed, against $TMP/main.json" "$TMP/b.txt" && ok ||
	fail "text: $(grep -i baseline "$TMP/b.txt")"
run_lw 1 "$TMP/b.sarif" -q --no-config -f sarif --max-wasted-bytes 1 \
	--baseline "$TMP/main.json" --dockerfile Dockerfile "$TMP/branch.tar"
check_eq "sarif levels" "chown note 4|chown error 6" \
	"$(jget "$TMP/b.sarif" "'|'.join('%s %s %d' % (r['ruleId'], r['level'], r['locations'][0]['physicalLocation']['region']['startLine']) for r in d['runs'][0]['results'])")"
sarif_valid "baseline sarif" "$TMP/b.sarif"
run_lw 1 "$TMP/b.gh" -q --no-config -f github --max-wasted-bytes 1 \
	--baseline "$TMP/main.json" --dockerfile Dockerfile "$TMP/branch.tar"
check_eq "github: one error for the cause" 1 "$(grep -c '^::error file=Dockerfile,line=6' "$TMP/b.gh")"

# The config names the baseline as well; the main branch against its own
# report passes.
printf 'baseline: %s\nrules:\n  max-wasted-bytes: 1\n' "$TMP/main.json" >"$TMP/cfg.yml"
run_lw 0 "$TMP/m.json" -q --config "$TMP/cfg.yml" -f json "$TMP/main.tar"
check_eq "main against itself" "0 0 2 0" \
	"$(jget "$TMP/m.json" "' '.join(str(d['summary']['baseline'][k]) for k in ('new', 'grown', 'unchanged', 'fixed'))")"

# Not a report: exit 2, naming it.
printf '{"x": 1}\n' >"$TMP/bad.json"
run_lw 2 "$TMP/bad" -q --no-config --baseline "$TMP/bad.json" "$TMP/main.tar" &&
	{ grep -q -- "--baseline: .*bad.json" "$TMP/bad.err" && ok || fail "bad report: $(cat "$TMP/bad.err")"; }
run_lw 4 "$TMP/none" -q --no-config --baseline "$TMP/nope.json" "$TMP/main.tar"

if python3 -c 'import jsonschema' 2>/dev/null; then
	if python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
		"$LW_ROOT/docs/schema/layerwaste-v1.schema.json" "$TMP/b.json" 2>"$TMP/b.schema"; then
		ok
	else
		fail "b.json does not match the schema: $(tail -3 "$TMP/b.schema")"
	fi
fi

finish
