#!/usr/bin/env bash
# Suppressions on an image built with buildah: a `# layerwaste ignore=`
# comment with a reason above the RUN that chowns, config ignores by kind,
# path, line, instruction text and fingerprint (one expired), reported as
# suppressed in text, JSON and SARIF (valid, with its justification), and
# never judged.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

lw_buildah_setup
ctx=$TMP/ctx
mkdir -p "$ctx/app"
cp /bin/busybox "$ctx/busybox"
head -c 3000 /dev/zero >"$ctx/app/main.bin"
head -c 700 /dev/zero >"$ctx/tool.sh"
head -c 400 /dev/zero >"$ctx/stamp"
cat >"$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
COPY app/ /app/
# layerwaste ignore=chown reason="the app's user owns it; fixed when the base has COPY --chown"
RUN ["/bin/busybox", "chown", "-R", "1000:1000", "/app"]
COPY tool.sh /tool.sh
RUN ["/bin/busybox", "chmod", "755", "/tool.sh"]
COPY stamp /stamp
# layerwaste ignore=tuch
RUN ["/bin/busybox", "touch", "-d", "2001-01-01", "/stamp"]
EOF
lw_buildah_build "$ctx" lwsuppress "$TMP/img.tar"
cd "$ctx"

# The inline comment: the chown (3000 B) is suppressed, the chmod (700 B)
# and the touch (400 B) are judged; "tuch" names no kind (a warning).
run_lw 1 "$TMP/a.json" -q --no-config -f json --max-wasted-bytes 1000 \
	--dockerfile Dockerfile "$TMP/img.tar"
check_eq "inline: suppressed" "chown dockerfile the app's user owns it; fixed when the base has COPY --chown" \
	"$(jget "$TMP/a.json" "' '.join(' '.join((c['kind'], c['suppressed']['by'], c['suppressed']['reason'])) for c in d['causes'] if c['suppressed'])")"
check_eq "inline: rules" "3000 1 1100" \
	"$(jget "$TMP/a.json" "'%d %d %d' % (d['rules']['suppressed_bytes'], d['rules']['suppressed_finding_count'], d['rules']['judged_bytes'])")"
check_eq "inline: findings" "[True]" \
	"$(jget "$TMP/a.json" "sorted(set(f['suppressed'] is not None for f in d['findings'] if f['kind'] == 'chown'))")"
grep -q "Dockerfile:9: layerwaste ignore: unknown kind 'tuch' (did you mean touch?)" "$TMP/a.json.err" && ok ||
	fail "no warning for an unknown kind: $(cat "$TMP/a.json.err")"
# The verdict line names the largest fix of judged waste, not the chown's.
grep -q "biggest fix: .*chmod" "$TMP/a.json.err" && ! grep -q "COPY --chown" "$TMP/a.json.err" && ok ||
	fail "verdict names a suppressed cause's fix: $(tail -1 "$TMP/a.json.err")"
run_lw 0 "$TMP/a.txt" -q --no-config --max-wasted-bytes 1200 --dockerfile Dockerfile "$TMP/img.tar"
grep -q "suppressed by the Dockerfile (not judged): the app's user owns it" "$TMP/a.txt" && ok ||
	fail "text does not mark the suppression"
run_lw 0 "$TMP/a.sarif" -q --no-config -f sarif --max-wasted-bytes 1200 \
	--dockerfile Dockerfile "$TMP/img.tar"
check_eq "sarif: suppression" "chown note inSource accepted the app's user owns it; fixed when the base has COPY --chown" \
	"$(jget "$TMP/a.sarif" "' '.join(' '.join((r['ruleId'], r['level'], r['suppressions'][0]['kind'], r['suppressions'][0]['status'], r['suppressions'][0]['justification'])) for r in d['runs'][0]['results'] if 'suppressions' in r)")"
sarif_valid "suppressed sarif" "$TMP/a.sarif"

# Config ignores: the chmod by its line, the touch by its instruction
# text; an expired entry on the chown warns and suppresses nothing.
fp=$(jget "$TMP/a.json" "[c['fingerprint'] for c in d['causes'] if c['kind'] == 'chown'][0]")
sed -i '/^# layerwaste ignore=chown/d' Dockerfile
cat >"$TMP/cfg.yml" <<EOF
rules:
  max-wasted-bytes: 1
ignore:
  - line: 6
    reason: tool.sh gets its mode here
  - instruction: '"touch", "-d"' 
    reason: the stamp's date is wanted
  - fingerprint: $fp
    reason: was fine until 2001
    expires: 2001-12-31
EOF
run_lw 1 "$TMP/b.json" -q --config "$TMP/cfg.yml" -f json --dockerfile Dockerfile "$TMP/img.tar"
check_eq "config: suppressed" "chmod config tool.sh gets its mode here|touch config the stamp's date is wanted" \
	"$(jget "$TMP/b.json" "'|'.join(' '.join((c['kind'], c['suppressed']['by'], c['suppressed']['reason'])) for c in sorted(d['causes'], key=lambda c: c['kind']) if c['suppressed'])")"
check_eq "config: judged" 3000 "$(jget "$TMP/b.json" "d['rules']['judged_bytes']")"
grep -q "cfg.yml:8: ignore: expired on 2001-12-31; it no longer suppresses" "$TMP/b.json.err" && ok ||
	fail "no warning for an expired entry: $(cat "$TMP/b.json.err")"
# Once it has not expired, the fingerprint suppresses the chown: exit 0.
sed -i 's/2001-12-31/2999-12-31/' "$TMP/cfg.yml"
run_lw 0 "$TMP/c.sarif" -q --config "$TMP/cfg.yml" -f sarif --dockerfile Dockerfile "$TMP/img.tar"
check_eq "config: external suppressions" 3 \
	"$(jget "$TMP/c.sarif" "sum(1 for r in d['runs'][0]['results'] if r.get('suppressions', [{}])[0].get('kind') == 'external')")"
sarif_valid "config-suppressed sarif" "$TMP/c.sarif"

# The reports keep to the schema, where python3 has jsonschema.
if python3 -c 'import jsonschema' 2>/dev/null; then
	for f in a.json b.json; do
		if python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
			"$LW_ROOT/docs/schema/layerwaste-v1.schema.json" "$TMP/$f" 2>"$TMP/$f.schema"; then
			ok
		else
			fail "$f does not match the schema: $(tail -3 "$TMP/$f.schema")"
		fi
	done
fi

finish
