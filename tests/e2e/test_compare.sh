#!/usr/bin/env bash
# layerwaste diff and share end to end, on images built by buildah from one
# context: a base, a change that adds files, one that adds a RUN chown -R,
# and one that fixes it with COPY --chown. Checks the layers shared, the
# files added, the waste new and fixed (with the chown's exact bytes), that
# a diff against a saved report answers as a diff against the image, the
# rules' exit status, the PR comment's limits, and share on three images.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

lw_buildah_setup
ctx=$TMP/ctx
mkdir -p "$ctx/app" "$ctx/more"
cp /bin/busybox "$ctx/busybox"
head -c 3000 /dev/zero | tr '\0' a >"$ctx/app/main.txt"
head -c 5000 /dev/zero | tr '\0' b >"$ctx/app/lib.txt"
head -c 7000 /dev/zero | tr '\0' c >"$ctx/more/data.bin"
head -c 1000 /dev/zero | tr '\0' d >"$ctx/more/note.txt"
base='FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]'
printf '%s\nCOPY app/ /app/\n' "$base" >"$ctx/Dockerfile.v1"
printf '%s\nCOPY app/ /app/\nCOPY more/ /srv/more/\n' "$base" >"$ctx/Dockerfile.v2"
printf '%s\nCOPY app/ /app/\nRUN chown -R 1000:1000 /app\n' "$base" >"$ctx/Dockerfile.v3"
printf '%s\nCOPY --chown=1000:1000 app/ /app/\n' "$base" >"$ctx/Dockerfile.v4"
for v in 1 2 3 4; do
	lw_buildah_build "$ctx" "cmp-v$v" "$TMP/v$v.tar" -f "$ctx/Dockerfile.v$v"
done
cd "$ctx"

# A change that adds files: three layers shared, one added, no new waste.
run_lw 0 "$TMP/d12.json" diff -f json "$TMP/v1.tar" "$TMP/v2.tar"
check_eq "v1->v2 layers" "3 1 0" "$(jget "$TMP/d12.json" "' '.join(str(d['layers'][k]['count']) for k in ('shared', 'added', 'removed'))")"
check_eq "v1->v2 growth" 8000 "$(jget "$TMP/d12.json" "d['delta']['total_bytes']")"
check_eq "v1->v2 files added" "2 8000" "$(jget "$TMP/d12.json" "str(d['files']['added']['count']) + ' ' + str(d['files']['added']['bytes'])")"
check_eq "v1->v2 added paths" "/srv/more/data.bin /srv/more/note.txt" "$(jget "$TMP/d12.json" "' '.join(sorted(c['path'] for c in d['files']['changes']))")"
check_eq "v1->v2 top directory" "/srv/more 8000" "$(jget "$TMP/d12.json" "d['files']['top_directories'][0]['path'] + ' ' + str(d['files']['top_directories'][0]['delta_bytes'])")"
check_eq "v1->v2 no new waste" "0 0" "$(jget "$TMP/d12.json" "str(len(d['waste']['new'])) + ' ' + str(d['waste']['new_bytes'])")"

# A change that adds RUN chown -R: new waste of 8000 bytes, on its line.
run_lw 0 "$TMP/d13.json" diff -f json --dockerfile Dockerfile.v3 "$TMP/v1.tar" "$TMP/v3.tar"
check_eq "v1->v3 new waste" "chown 8000 5" "$(jget "$TMP/d13.json" "' '.join(str(d['waste']['new'][0][k]) for k in ('kind', 'bytes', 'line'))")"
# chown changes owners, not content: no file counts as changed.
check_eq "v1->v3 files changed" "0 0" "$(jget "$TMP/d13.json" "str(d['files']['changed']['count']) + ' ' + str(d['files']['changed']['bytes'])")"
check_eq "v1->v3 delta wasted" 8000 "$(jget "$TMP/d13.json" "d['delta']['wasted_bytes']")"
run_lw 0 "$TMP/d13.md" diff -f markdown --dockerfile Dockerfile.v3 "$TMP/v1.tar" "$TMP/v3.tar"
grep -q '^### layerwaste: +8.0 kB (+.*), of which 8.0 kB waste: Dockerfile.v3:5 RUN chown -R 1000:1000 /app' "$TMP/d13.md" && ok ||
	fail "headline: $(head -1 "$TMP/d13.md")"
grep -q '<details>' "$TMP/d13.md" && ok || fail "no folded details in the comment"
# Rules: 8 kB of new waste breaks --max-new-waste 1kB (exit 1).
run_lw 1 "$TMP/rule.txt" diff --max-new-waste 1kB --max-growth 50% "$TMP/v1.tar" "$TMP/v3.tar"
grep -q 'FAIL max-new-waste' "$TMP/rule.txt" && ok || fail "no failed rule in $(cat "$TMP/rule.txt")"
run_lw 0 "$TMP/rule2.txt" diff --max-new-waste 10kB --max-growth 8000 "$TMP/v1.tar" "$TMP/v3.tar"
run_lw 1 "$TMP/rule3.txt" diff --max-growth 7999 "$TMP/v1.tar" "$TMP/v3.tar"
run_lw 0 "$TMP/gh.txt" diff -f github --dockerfile Dockerfile.v3 "$TMP/v1.tar" "$TMP/v3.tar"
grep -q '^::warning file=Dockerfile.v3,line=5,title=layerwaste%3A +8.0 kB new waste (chown)::2 files' "$TMP/gh.txt" && ok ||
	fail "annotation: $(cat "$TMP/gh.txt")"

# The fix, COPY --chown: the chown's waste fixed, the image 8000 bytes
# smaller, the final file system the same.
run_lw 0 "$TMP/d34.json" diff -f json --dockerfile Dockerfile.v4 "$TMP/v3.tar" "$TMP/v4.tar"
check_eq "v3->v4 fixed" "chown 8000" "$(jget "$TMP/d34.json" "d['waste']['fixed'][0]['kind'] + ' ' + str(d['waste']['fixed'][0]['old_bytes'])")"
check_eq "v3->v4 deltas" "-8000 -8000 0" "$(jget "$TMP/d34.json" "' '.join(str(d['delta'][k]) for k in ('total_bytes', 'wasted_bytes', 'visible_bytes'))")"
check_eq "v3->v4 no new waste" 0 "$(jget "$TMP/d34.json" "len(d['waste']['new']) + len(d['waste']['grown'])")"
check_eq "v3->v4 files" "0 0 0" "$(jget "$TMP/d34.json" "' '.join(str(d['files'][k]['count']) for k in ('added', 'removed', 'changed'))")"

# Against a saved report (with its file list): the same answer.
run_lw 0 "$TMP/v3.report.json" -f json --with-files "$TMP/v3.tar"
run_lw 0 "$TMP/r34.json" diff -f json --dockerfile Dockerfile.v4 "$TMP/v3.report.json" "$TMP/v4.tar"
strip='import json,sys; d=json.load(open(sys.argv[1])); [d["old"].pop(k) for k in ("source", "from_report")]; print(json.dumps(d, sort_keys=True))'
if [ "$(python3 -c "$strip" "$TMP/d34.json")" == "$(python3 -c "$strip" "$TMP/r34.json")" ]; then ok; else
	fail "a diff against the report differs from one against the image: $(diff <(python3 -c "$strip" "$TMP/d34.json" | tr ',' '\n') <(python3 -c "$strip" "$TMP/r34.json" | tr ',' '\n') | head -10)"
fi
# A report without its file list: everything but the files, and a note.
run_lw 0 "$TMP/v3.nofiles.json" -f json "$TMP/v3.tar"
run_lw 0 "$TMP/n34.json" diff -f json "$TMP/v3.nofiles.json" "$TMP/v4.tar"
check_eq "no file list: files" None "$(jget "$TMP/n34.json" "d['files']")"
check_eq "no file list: fixed" 8000 "$(jget "$TMP/n34.json" "d['waste']['fixed_bytes']")"
grep -q 'with-files' "$TMP/n34.json" && ok || fail "no note about --with-files"
# Bad reports: one line, exit 3.
echo '{"tool": {"name": "other"}}' >"$TMP/other.json"
run_lw 3 "$TMP/bad1.txt" diff "$TMP/other.json" "$TMP/v4.tar"
check_eq "not ours" "layerwaste: '$TMP/other.json' is not a layerwaste JSON report" "$(cat "$TMP/bad1.txt.err")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["schema_version"]=2; json.dump(d, open(sys.argv[2], "w"))' "$TMP/v3.report.json" "$TMP/v2schema.json"
run_lw 3 "$TMP/bad2.txt" diff "$TMP/v2schema.json" "$TMP/v4.tar"
check_eq "bad version" "layerwaste: report '$TMP/v2schema.json' has schema version 2; this layerwaste reads version 1" "$(cat "$TMP/bad2.txt.err")"
run_lw 2 "$TMP/bad3.txt" diff "$TMP/v4.tar"

# share: three images with a common base of two layers.
run_lw 0 "$TMP/share.json" share -f json "$TMP/v1.tar" "$TMP/v2.tar" "$TMP/v3.tar"
check_eq "common base" 3 "$(jget "$TMP/share.json" "d['common_base']['layer_count']")"
bb=$(jget "$TMP/v3.report.json" "d['layers'][0]['total_bytes'] + d['layers'][1]['total_bytes'] + d['layers'][2]['total_bytes']")
check_eq "common base bytes" "$bb" "$(jget "$TMP/share.json" "d['common_base']['bytes']")"
check_eq "unique bytes" "0 8000 8000" "$(jget "$TMP/share.json" "' '.join(str(i['unique_bytes']) for i in d['images'])")"
check_eq "stored once" "$((bb + 16000))" "$(jget "$TMP/share.json" "d['totals']['stored_bytes']")"
run_lw 0 "$TMP/share.md" share -f markdown "$TMP/v1.tar" "$TMP/v2.tar" "$TMP/v3.tar"
grep -q '^### layerwaste: 3 images share 3 layers' "$TMP/share.md" && ok || fail "share headline: $(head -1 "$TMP/share.md")"
# Every document keeps to its schema (when python3 has jsonschema).
if python3 -c 'import jsonschema, referencing' 2>/dev/null; then
	python3 - "$LW_ROOT" "$TMP"/d12.json "$TMP"/d13.json "$TMP"/d34.json "$TMP"/r34.json \
		"$TMP"/n34.json "$TMP"/share.json <<'PY' && ok || fail "a diff or share document breaks docs/schema/layerwaste-compare-v1.schema.json"
import json, sys, jsonschema
from referencing import Registry, Resource
root = sys.argv[1]
rep = json.load(open(root + '/docs/schema/layerwaste-v1.schema.json'))
cmp = json.load(open(root + '/docs/schema/layerwaste-compare-v1.schema.json'))
reg = Registry().with_resource('layerwaste-v1.schema.json', Resource.from_contents(rep))
v = jsonschema.Draft202012Validator(cmp, registry=reg)
for f in sys.argv[2:]:
    v.validate(json.load(open(f)))
jsonschema.Draft202012Validator(rep).validate(json.load(open(sys.argv[2].rsplit('/', 1)[0] + '/v3.report.json')))
PY
fi
finish
