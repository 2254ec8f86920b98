#!/usr/bin/env bash
# The base image apart, on images built with buildah: a base FROM scratch
# that wastes bytes itself, an app FROM it whose only waste is inherited
# (waste inside the base, an rm of a base file), and an app that also
# chowns a base file (its own waste). Base layers are told apart by the
# Dockerfile's alignment and by --base (an archive of the base image).
# Inherited waste is reported, never judged unless --judge-base.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

lw_buildah_setup
mkdir -p "$TMP/base" "$TMP/app" "$TMP/own"
cp /bin/busybox "$TMP/base/busybox"
head -c 30000 /dev/zero >"$TMP/base/blob.bin"
printf 'base file\n' >"$TMP/base/base.txt"
# The base: 30000 B deleted inside it, 2048 B overwritten inside it.
cat >"$TMP/base/Dockerfile" <<'EOF'
FROM scratch
COPY busybox /bin/busybox
COPY blob.bin /opt/blob.bin
COPY base.txt /lib/base.txt
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox rm /opt/blob.bin && /bin/busybox dd if=/dev/zero of=/opt/data bs=1024 count=2 2>/dev/null && /bin/busybox chmod 644 /opt/data"]
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox printf new >/opt/data"]
EOF
lw_buildah_build "$TMP/base" lwbase "$TMP/base.tar"

# The app: its only waste is the rm of a base file (10 B).
printf 'app\n' >"$TMP/app/app.txt"
cat >"$TMP/app/Dockerfile" <<'EOF'
FROM lwbase
RUN ["/bin/busybox", "rm", "/lib/base.txt"]
COPY app.txt /app/app.txt
EOF
lw_buildah_build "$TMP/app" lwapp "$TMP/app.tar" --pull=never

# Another app chowns a base file: a copy the Dockerfile made, judged.
cat >"$TMP/own/Dockerfile" <<'EOF'
FROM lwbase
RUN ["/bin/busybox", "chown", "1000:1000", "/lib/base.txt"]
EOF
lw_buildah_build "$TMP/own" lwown "$TMP/own.tar" --pull=never

cd "$TMP/app"
# Known from the Dockerfile: exit 0 under a 1-byte limit, the base apart.
run_lw 0 "$TMP/app.json" -q --no-config -f json --max-wasted-bytes 1 \
	--dockerfile Dockerfile "$TMP/app.tar"
check_invariant "$TMP/app.json"
grep -q "biggest fix" "$TMP/app.json.err" && fail "verdict names a fix of inherited waste: $(tail -1 "$TMP/app.json.err")" || ok
check_eq "app: wasted" 32058 "$(jget "$TMP/app.json" "d['summary']['wasted_bytes']")"
check_eq "app: base_wasted_bytes" 32058 "$(jget "$TMP/app.json" "d['summary']['base_wasted_bytes']")"
check_eq "app: own_wasted_bytes" 0 "$(jget "$TMP/app.json" "d['summary']['own_wasted_bytes']")"
check_eq "app: every cause inherited" True \
	"$(jget "$TMP/app.json" "all(c['inherited'] and c['base'] for c in d['causes'])")"
check_eq "app: findings flagged" True \
	"$(jget "$TMP/app.json" "all(f['base'] and f['inherited'] for f in d['findings']) and len(d['findings']) == 3")"
check_eq "app: judged bytes" "0 32058 True" \
	"$(jget "$TMP/app.json" "'%d %d %s' % (d['rules']['judged_bytes'], d['rules']['inherited_bytes'], d['rules']['passed'])")"
check_eq "app: advice for the rm of a base file" True \
	"$(jget "$TMP/app.json" "any(s['title'].startswith('Deleting files of the base image (lwbase) at line 2 (RUN) saves nothing') and not s['safe'] for s in d['suggestions'])")"
check_eq "app: advice for waste inside the base" True \
	"$(jget "$TMP/app.json" "any(s['title'] == 'Waste inside the base image (lwbase): choose a slimmer base' and s['line'] == 1 for s in d['suggestions'])")"

# --judge-base: the same waste fails the rule.
run_lw 1 "$TMP/app.jb" -q --no-config --max-wasted-bytes 1 --judge-base \
	--dockerfile Dockerfile "$TMP/app.tar"
grep -q "inherited from the base image$" "$TMP/app.jb" && ok ||
	fail "--judge-base: text does not say inherited (judged)"
# The same from the config file.
printf 'judge-base: true\nrules:\n  max-wasted-bytes: 1\n' >"$TMP/jb.yml"
run_lw 1 "$TMP/app.jbc" -q --config "$TMP/jb.yml" --dockerfile Dockerfile "$TMP/app.tar"
printf 'judge-base: maybe\n' >"$TMP/jbbad.yml"
run_lw 2 "$TMP/app.jbbad" -q --config "$TMP/jbbad.yml" "$TMP/app.tar" &&
	{ grep -q "judge-base: 'maybe' is not true or false" "$TMP/app.jbbad.err" && ok ||
		fail "judge-base: maybe: $(cat "$TMP/app.jbbad.err")"; }

# Known from --base, without a Dockerfile: the same figures.
run_lw 0 "$TMP/app.b.json" -q --no-config -f json --max-wasted-bytes 1 \
	--base "$TMP/base.tar" "$TMP/app.tar"
check_eq "--base: base_wasted_bytes" 32058 "$(jget "$TMP/app.b.json" "d['summary']['base_wasted_bytes']")"
check_eq "--base: base layers" "[True, True, True, True, True, False, False]" \
	"$(jget "$TMP/app.b.json" "[l['instruction']['base'] for l in d['layers']]")"
run_lw 0 "$TMP/app.b.txt" -q --no-config --max-wasted-bytes 1 --base "$TMP/base.tar" "$TMP/app.tar"
grep -q "inherited from the base image (not judged)" "$TMP/app.b.txt" && ok ||
	fail "text: inherited causes are not marked"
grep -q "Base image .*inherited (not this Dockerfile's to fix), 0 B own" "$TMP/app.b.txt" && ok ||
	fail "text summary: $(grep -i base "$TMP/app.b.txt" | head -3)"
# The CI formats: notices, notes and info, never an error, for inherited waste.
run_lw 0 "$TMP/app.gh" -q --no-config -f github --max-wasted-bytes 1 \
	--dockerfile Dockerfile "$TMP/app.tar"
grep -q '^::error' "$TMP/app.gh" && fail "github: an error for inherited waste: $(grep '^::error' "$TMP/app.gh" | head -1)" || ok
check_eq "github: notices" 3 "$(grep -c '^::notice' "$TMP/app.gh")"
run_lw 0 "$TMP/app.sarif" -q --no-config -f sarif --max-wasted-bytes 1 \
	--dockerfile Dockerfile "$TMP/app.tar"
check_eq "sarif: levels" "['note', 'note', 'note']" \
	"$(jget "$TMP/app.sarif" "[r['level'] for r in d['runs'][0]['results']]")"
sarif_valid "base sarif" "$TMP/app.sarif"
run_lw 0 "$TMP/app.gitlab" -q --no-config -f gitlab --max-wasted-bytes 1 \
	--dockerfile Dockerfile "$TMP/app.tar"
check_eq "gitlab: severities" "{'info'}" "$(jget "$TMP/app.gitlab" "set(i['severity'] for i in d)")"

# Not the image's base: an error naming the layer.
run_lw 2 "$TMP/bad" -q --no-config --base "$TMP/own.tar" "$TMP/app.tar" &&
	{ grep -q "is not the image's base: its layer 5" "$TMP/bad.err" && ok ||
		fail "--base of another image: $(cat "$TMP/bad.err")"; }
run_lw 4 "$TMP/missing" -q --no-config --base "$TMP/nope.tar" "$TMP/app.tar"

# A chown of a base file is the Dockerfile's own waste: judged.
cd "$TMP/own"
run_lw 1 "$TMP/own.json" -q --no-config -f json --max-wasted-bytes 1 \
	--dockerfile Dockerfile "$TMP/own.tar"
check_eq "own: chown cause" "chown True False" \
	"$(jget "$TMP/own.json" "' '.join(str(x) for c in d['causes'] if c['layer'] == 5 for x in (c['kind'], c['base'], c['inherited']))")"
check_eq "own: own_wasted_bytes" 10 "$(jget "$TMP/own.json" "d['summary']['own_wasted_bytes']")"
check_eq "own: judged bytes" 10 "$(jget "$TMP/own.json" "d['rules']['judged_bytes']")"
run_lw 0 "$TMP/own.ok" -q --no-config --max-wasted-bytes 10 --base "$TMP/base.tar" "$TMP/own.tar"

# An OCI archive keeps buildah's base annotations: the report names the
# base (which image; its layers still come from --base or the Dockerfile).
buildah push --quiet --storage-driver vfs lwapp "oci-archive:$TMP/app.oci:lwapp:latest" \
	>/dev/null 2>&1 || fail "buildah push oci-archive failed"
run_lw 0 "$TMP/app.oci.json" -q --no-config -f json "$TMP/app.oci"
check_eq "annotations: base name and digest" "lwbase sha256:" \
	"$(jget "$TMP/app.oci.json" "'%s %s' % (d['image']['base_name'].rsplit('/', 1)[-1].split(':')[0], d['image']['base_digest'][:7])")"
check_eq "annotations: no layer told apart by them" 0 \
	"$(jget "$TMP/app.oci.json" "d['summary']['base_wasted_bytes']")"
run_lw 0 "$TMP/app.oci.txt" -q --no-config "$TMP/app.oci"
grep -q '^Base     localhost/lwbase:latest (annotation, sha256:[0-9a-f]\{12\})$' "$TMP/app.oci.txt" && ok ||
	fail "text: no base line: $(grep -n Base "$TMP/app.oci.txt")"
# The docker archive has no annotations, and FROM scratch names no base.
check_eq "docker archive: no base" "None None" \
	"$(jget "$TMP/app.json" "'%s %s' % (d['image']['base_name'], d['image']['base_digest'])")"
run_lw 0 "$TMP/waste.oci.json" -q --no-config -f json "$LW_ROOT/fixtures/images/waste/oci-archive-gzip.tar"
check_eq "FROM scratch: no base" "None None" \
	"$(jget "$TMP/waste.oci.json" "'%s %s' % (d['image']['base_name'], d['image']['base_digest'])")"

# The reports keep to the schema, where python3 has jsonschema.
if python3 -c 'import jsonschema' 2>/dev/null; then
	for f in app.json app.b.json own.json app.oci.json; do
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
