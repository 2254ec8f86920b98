#!/usr/bin/env bash
# The spaces profile end to end (docs/spaces.md): build fixtures/src/
# space-wrong and its corrected twin space-right with buildah, check that
# the wrong one fails every check on the Dockerfile line that breaks it and
# the right one passes them all, in every format; plant a token (a build
# arg, a .env file, a build secret) and check that no output ever holds it.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

SECRET=hf_plantedsecretvalue123
FORMATS="text json sarif github gitlab junit markdown"

lw_buildah_setup
for n in space-wrong space-right; do
	mkdir -p "$TMP/$n"
	cp -r "$LW_ROOT/fixtures/src/$n/." "$TMP/$n/"
	cp /bin/busybox "$TMP/$n/busybox"
done
printf '%s' "$SECRET" >"$TMP/token"
lw_buildah_build "$TMP/space-wrong" space-wrong "$TMP/wrong.tar" \
	--build-arg "HF_TOKEN=$SECRET"
lw_buildah_build "$TMP/space-right" space-right "$TMP/right.tar" \
	--secret "id=HF_TOKEN,src=$TMP/token"

# The planted value is really in the wrong image (history, config, .env):
# the greps below can fail.
if grep -aq "$SECRET" "$TMP/wrong.tar"; then ok; else fail "the token is not in the wrong image"; fi

# report NAME EXIT ARGS...: every format of one run, from the context dir.
report() {
	local name=$1 want=$2 f
	shift 2
	for f in $FORMATS; do
		run_lw "$want" "$TMP/$name.$f" -q --no-config --profile spaces \
			--dockerfile Dockerfile --space-readme README.md -f "$f" "$@" || true
	done
}

cd "$TMP/space-wrong"
report wrong 1 "$TMP/wrong.tar"
cd "$TMP/space-right"
report right 0 "$TMP/right.tar"

# line PATTERN: the Dockerfile line (of the wrong fixture) that matches.
line() { grep -n -- "$1" "$LW_ROOT/fixtures/src/space-wrong/Dockerfile" | head -1 | cut -d: -f1; }
# check ID EXPR: a python expression on c, the check's JSON object.
check() {
	jget "$TMP/wrong.json" "[c for c in d['checks'] if c['id'] == '$1'][0] and (lambda c: $2)([c for c in d['checks'] if c['id'] == '$1'][0])"
}

J=$TMP/wrong.json
check_eq "wrong: aligned" True "$(jget "$J" "d['attribution']['aligned']")"
check_eq "wrong: profile" spaces "$(jget "$J" "d['profile']")"
check_eq "wrong: every check fails" \
	"spaces/run-as-uid-1000 spaces/writable-app-dir spaces/recursive-chown spaces/build-time-data spaces/secret-build-arg spaces/secret-env spaces/secret-file spaces/app-port spaces/gpu-at-build" \
	"$(jget "$J" "' '.join(c['id'] for c in d['checks'] if c['status'] == 'fail')")"
check_eq "run-as: on USER" "$(line '^USER user')" "$(check spaces/run-as-uid-1000 "c['location']['line']")"
check_eq "run-as: uid from /etc/passwd" True \
	"$(check spaces/run-as-uid-1000 "'uid 1001 through the image' in c['message'] and 'Dockerfile:$(line "^RUN mkdir -p /etc")' in c['message']")"
check_eq "run-as: fix" "RUN useradd -m -u 1000 user|USER user" \
	"$(check spaces/run-as-uid-1000 "c['fix'].replace(chr(10), '|')")"
check_eq "writable: on COPY app/" "$(line '^COPY app/')" "$(check spaces/writable-app-dir "c['location']['line']")"
check_eq "writable: fix" "COPY --chown=user app/ /app/" "$(check spaces/writable-app-dir "c['fix']")"
check_eq "writable: also the chown and the RUN" "$(line '^COPY app/') $(line '^RUN chown') $(line '^RUN test')" \
	"$(check spaces/writable-app-dir "' '.join(str(i['location']['line']) for i in c['items'])")"
check_eq "chown: on COPY models/" "$(line '^COPY models/')" "$(check spaces/recursive-chown "c['location']['line']")"
check_eq "chown: fix" True "$(check spaces/recursive-chown "c['fix'].startswith('COPY --chown=user') and c['fix'].rstrip().endswith('models/ /app/models/')")"
check_eq "data: on RUN mkdir -p /data" "$(line '^RUN mkdir -p /data')" "$(check spaces/build-time-data "c['location']['line']")"
check_eq "data: the path" "/data/cache.txt" "$(check spaces/build-time-data "c['items'][0]['subject']")"
check_eq "build arg: on the RUN" "$(line '^RUN test -n')" "$(check spaces/secret-build-arg "c['location']['line']")"
check_eq "build arg: its name" "build arg HF_TOKEN" "$(check spaces/secret-build-arg "c['items'][0]['subject']")"
check_eq "build arg: the ARG line" True "$(check spaces/secret-build-arg "'Dockerfile:$(line '^ARG HF_TOKEN')' in c['items'][0]['detail']")"
check_eq "build arg: fix" True "$(check spaces/secret-build-arg "c['fix'].startswith('RUN --mount=type=secret,id=HF_TOKEN,') and 'cat /run/secrets/HF_TOKEN' in c['fix']")"
check_eq "env: on ENV" "$(line '^ENV HF_API_TOKEN')" "$(check spaces/secret-env "c['location']['line']")"
check_eq "file: /app/.env" "/app/.env" "$(check spaces/secret-file "c['items'][0]['subject']")"
check_eq "file: on COPY app/" "$(line '^COPY app/')" "$(check spaces/secret-file "c['location']['line']")"
check_eq "port: on EXPOSE" "$(line '^EXPOSE 8080')" "$(check spaces/app-port "c['location']['line']")"
check_eq "port: fix" "EXPOSE 7860" "$(check spaces/app-port "c['fix']")"
check_eq "gpu: on the RUN" "$(line '^RUN nvidia-smi')" "$(check spaces/gpu-at-build "c['location']['line']")"
check_eq "gpu: what" "nvidia-smi at build time" "$(check spaces/gpu-at-build "c['items'][0]['subject']")"
check_eq "severities" "error error warning warning error error error warning warning" \
	"$(jget "$J" "' '.join(c['severity'] for c in d['checks'])")"
# The waste report is unchanged by the profile: the chown copy is there.
check_eq "wrong: chown bytes" 5200 "$(jget "$J" "d['summary']['by_kind']['chown']")"

J=$TMP/right.json
check_eq "right: aligned" True "$(jget "$J" "d['attribution']['aligned']")"
check_eq "right: every check passes" "pass pass pass pass pass pass pass pass pass" \
	"$(jget "$J" "' '.join(c['status'] for c in d['checks'])")"
check_eq "right: no waste" 0 "$(jget "$J" "d['summary']['wasted_bytes']")"

# Every format names the checks, with lines and fixes.
for f in text markdown junit github; do
	grep -q "spaces/run-as-uid-1000" "$TMP/wrong.$f" && ok || fail "wrong.$f: no run-as check"
done
grep -q "fix: COPY --chown=user app/ /app/" "$TMP/wrong.text" && ok || fail "text: no fix"
grep -q "^  FAIL  error    spaces/secret-file" "$TMP/wrong.text" && ok || fail "text: no secret-file line"
grep -q "^::error file=Dockerfile,line=$(line '^USER user'),title=layerwaste spaces/run-as-uid-1000" \
	"$TMP/wrong.github" && ok || fail "github: no annotation on the USER line"
grep -q "^::warning file=Dockerfile,line=$(line '^EXPOSE 8080'),title=layerwaste spaces/app-port" \
	"$TMP/wrong.github" && ok || fail "github: no warning on the EXPOSE line"
check_eq "gitlab: check issues" 11 \
	"$(jget "$TMP/wrong.gitlab" "len([i for i in d if i['check_name'].startswith('layerwaste/spaces/')])")"
check_eq "gitlab: unique fingerprints" True \
	"$(jget "$TMP/wrong.gitlab" "len(set(i['fingerprint'] for i in d)) == len(d)")"
# recursive-chown says again what the chown cause says, on the same lines:
# one alert there, the cause's, naming the check (10 check results, not 11).
check_eq "sarif: check results" 10 \
	"$(jget "$TMP/wrong.sarif" "len([r for r in d['runs'][0]['results'] if r['ruleId'].startswith('spaces/')])")"
check_eq "sarif: recursive-chown on the chown alert" True \
	"$(jget "$TMP/wrong.sarif" "any('spaces/recursive-chown' in r['properties'].get('checks', []) for r in d['runs'][0]['results'] if r['ruleId'] == 'chown')")"
check_eq "sarif: one chown alert per place" True \
	"$(jget "$TMP/wrong.sarif" "(lambda p: len(p) == len(set(p)))([(r['locations'][0]['physicalLocation']['artifactLocation']['uri'], r['locations'][0]['physicalLocation']['region']['startLine']) for r in d['runs'][0]['results'] if r['ruleId'] in ('chown', 'spaces/recursive-chown')])")"
check_eq "sarif: error on USER" "error $(line '^USER user')" \
	"$(jget "$TMP/wrong.sarif" "[r['level'] + ' ' + str(r['locations'][0]['physicalLocation']['region']['startLine']) for r in d['runs'][0]['results'] if r['ruleId'] == 'spaces/run-as-uid-1000'][0]")"
sarif_valid "spaces SARIF" "$TMP/wrong.sarif" "$TMP/right.sarif"
# The JSON reports keep to the schema (when python3 has jsonschema).
if python3 -c 'import jsonschema' 2>/dev/null; then
	for n in wrong right; do
		if python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
			"$LW_ROOT/docs/schema/layerwaste-v1.schema.json" "$TMP/$n.json" 2>"$TMP/$n.schema"; then
			ok
		else
			fail "$n.json does not match the schema: $(tail -3 "$TMP/$n.schema")"
		fi
	done
fi
# Nine checks, and (no rule configured) six passing finding kinds.
grep -q '<testsuites name="layerwaste" tests="15" failures="9" errors="0" skipped="0">' \
	"$TMP/wrong.junit" && ok || fail "junit: counts of the wrong image"
grep -q '<testsuites name="layerwaste" tests="15" failures="0" errors="0" skipped="0">' \
	"$TMP/right.junit" && ok || fail "junit: counts of the right image"
grep -q "^### Checks (profile spaces)" "$TMP/wrong.markdown" && ok || fail "markdown: no checks section"
grep -q "9 of 9 spaces checks failed (5 errors)" "$TMP/wrong.text.err" && ok || fail "stderr: no verdict"
grep -q "PASS: .*9 spaces checks passed" "$TMP/right.text.err" && ok || fail "stderr: right verdict"

# Settings from .layerwaste.yml give the same run; --space-readme needs the
# profile; an unreadable README is a usage error, before the image is read.
cd "$TMP/space-wrong"
printf 'profile: spaces\nspace-readme: README.md\n' >.layerwaste.yml
run_lw 1 "$TMP/cfg.json" -q -f json --dockerfile Dockerfile "$TMP/wrong.tar" &&
	check_eq "config: same checks" "$(jget "$TMP/wrong.json" "[(c['id'], c['status']) for c in d['checks']]")" \
		"$(jget "$TMP/cfg.json" "[(c['id'], c['status']) for c in d['checks']]")"
rm .layerwaste.yml
run_lw 2 "$TMP/usage.out" -q --no-config --space-readme README.md "$TMP/wrong.tar"
run_lw 2 "$TMP/usage2.out" -q --no-config --profile spaces --space-readme nope.md "$TMP/wrong.tar"
run_lw 2 "$TMP/usage3.out" -q --no-config --profile heroku "$TMP/wrong.tar"

# A stream (compressed on stdin) is read once: the few small files the
# checks read (/etc/passwd, .env) are kept on the way, so a stream gives the
# same checks as the archive file.
gzip -c "$TMP/wrong.tar" >"$TMP/wrong.tar.gz"
LW_STDIN=$TMP/wrong.tar.gz run_lw 1 "$TMP/stream.json" -q --no-config --profile spaces -f json - &&
	check_eq "stream: same checks as the file" \
		"$(jget "$TMP/wrong.json" "[(c['id'], c['status']) for c in d['checks'] if c['id'] != 'spaces/app-port']")" \
		"$(jget "$TMP/stream.json" "[(c['id'], c['status']) for c in d['checks'] if c['id'] != 'spaces/app-port']")"
check_eq "stream: user resolved" "fail" \
	"$(jget "$TMP/stream.json" "[c['status'] for c in d['checks'] if c['id'] == 'spaces/run-as-uid-1000'][0]")"
check_eq "stream: .env named" "/app/.env" \
	"$(jget "$TMP/stream.json" "[c['items'][0]['subject'] for c in d['checks'] if c['id'] == 'spaces/secret-file'][0]")"

# Never the secret's value: every report of every run above, their stderr,
# inspect, several outputs at once and GitHub's step summary.
cd "$TMP/space-wrong"
GITHUB_STEP_SUMMARY=$TMP/summary.md run_lw 1 "$TMP/multi.out" -q --no-config --profile spaces \
	--dockerfile Dockerfile --space-readme README.md -f github --output json=$TMP/multi.json \
	--output sarif=$TMP/multi.sarif --output junit=$TMP/multi.junit "$TMP/wrong.tar"
run_lw 0 "$TMP/inspect.text" inspect -q "$TMP/wrong.tar"
run_lw 0 "$TMP/inspect.json" inspect -q -f json "$TMP/wrong.tar"
run_lw 0 "$TMP/plain.text" -q --no-config --dockerfile Dockerfile "$TMP/wrong.tar"
outputs=$(ls "$TMP"/wrong.* "$TMP"/right.* "$TMP"/cfg.* "$TMP"/stream.* "$TMP"/multi.* \
	"$TMP"/inspect.* "$TMP"/plain.* "$TMP"/summary.md | grep -v '\.tar')
check_eq "outputs searched" True "$([ "$(echo "$outputs" | wc -l)" -ge 30 ] && echo True)"
leaks=$(grep -l -- "$SECRET" $outputs || true)
check_eq "no output holds the secret" "" "$leaks"
# Its name is shown, redacted where history had the value.
grep -q 'HF_TOKEN=\*\*\*' "$TMP/inspect.text" && ok || fail "inspect: history not redacted"
finish
