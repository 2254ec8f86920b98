#!/usr/bin/env bash
# The GitHub Action (action.yml, packaging/github/entry.sh), run here as a
# runner would: action.yml passes every input to the step and maps every
# output; the step, with GITHUB_WORKSPACE, GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY, GITHUB_PATH and RUNNER_TEMP set, writes the
# annotations, the summary, the reports and the outputs; a failed rule
# fails it (not with fail-on: never); with no layerwaste on PATH it
# downloads the release binary (from file:// URLs here) and checks its
# sha256; its release URL is under the project's LW_HOMEPAGE.
. "$(dirname "$0")/lib.sh"
need_cmd python3 jq

ACTION=$LW_ROOT/action.yml
ENTRY=$LW_ROOT/packaging/github/entry.sh
[ -x "$ENTRY" ] && ok || fail "$ENTRY is not executable"
BIN=$TMP/bin
mkdir -p "$BIN"
ln -s "$(cd "$(dirname "$LW")" && pwd)/$(basename "$LW")" "$BIN/layerwaste"

# action.yml: a composite action whose one step runs the entry script
# with each input as INPUT_<NAME>, and whose outputs are that step's. The
# inputs' defaults go to $TMP/defaults (NAME=VALUE lines).
python3 - "$ACTION" "$ENTRY" "$TMP/defaults" <<'PY' >"$TMP/action.check" 2>&1 || true
import shlex, sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
entry = open(sys.argv[2]).read()
err = []
steps = a["runs"]["steps"]
if a["runs"]["using"] != "composite" or len(steps) != 1:
    err.append("not a composite action of one step")
step = steps[0]
if "$GITHUB_ACTION_PATH/packaging/github/entry.sh" not in step.get("run", ""):
    err.append("the step does not run packaging/github/entry.sh: %r" % step.get("run"))
if step.get("shell") != "bash":
    err.append("the step's shell is not bash")
env = step.get("env", {})
for name, spec in a["inputs"].items():
    var = "INPUT_" + name.upper().replace("-", "_")
    if env.get(var) != "${{ inputs.%s }}" % name:
        err.append("input %s is not passed as %s" % (name, var))
    if var not in entry:
        err.append("entry.sh does not read %s" % var)
    if not spec.get("description"):
        err.append("input %s has no description" % name)
if set(env) != {"INPUT_" + n.upper().replace("-", "_") for n in a["inputs"]}:
    err.append("env has more than the inputs: %s" % sorted(env))
for name, spec in a["outputs"].items():
    if spec.get("value") != "${{ steps.%s.outputs.%s }}" % (step["id"], name):
        err.append("output %s is not the step's" % name)
    line = 'echo "$f-report=' if name.endswith("-report") else 'echo "%s=' % name
    if line not in entry:
        err.append("entry.sh does not write the output %s" % name)
for want in ("image", "dockerfile", "config", "formats", "fail-on", "version"):
    if want not in a["inputs"]:
        err.append("no input %s" % want)
if not a["inputs"]["image"].get("required"):
    err.append("image is not required")
with open(sys.argv[3], "w") as f:
    for name, spec in a["inputs"].items():
        f.write("INPUT_%s=%s\n" % (name.upper().replace("-", "_"), shlex.quote(spec.get("default", ""))))
for e in err:
    print(e)
PY
if [ -s "$TMP/action.check" ]; then fail "action.yml: $(paste -sd';' "$TMP/action.check")"; else ok; fi

# The release URL: the project's home page and /releases.
home=$(sed -n 's/^#define LW_HOMEPAGE "\(.*\)"$/\1/p' "$LW_ROOT/include/layerwaste/render.h")
check_eq "release URL under LW_HOMEPAGE" "$home/releases" "$(sed -n 's/^LW_RELEASES=//p' "$ENTRY")"

# step NAME [INPUT_X=VALUE...]: runs entry.sh in a fresh workspace (the
# waste image as image.tar, or $STEP_IMAGE; its Dockerfile unless
# STEP_NO_DOCKERFILE is set) with the defaults of action.yml and the given
# inputs, PATH=$STEP_PATH if set; sets rc, W (the workspace), O (its
# GITHUB_OUTPUT) and S (its step summary).
step() {
	local name=$1
	shift
	W=$TMP/ws-$name O=$TMP/out-$name S=$TMP/summary-$name.md
	mkdir -p "$W" "$TMP/runner-$name"
	cp "${STEP_IMAGE:-$FIX/waste/docker-archive.tar}" "$W/image.tar"
	[ -n "${STEP_NO_DOCKERFILE:-}" ] || cp "$LW_ROOT/fixtures/src/waste/Dockerfile" "$W/Dockerfile"
	echo "# earlier step" >"$S"
	: >"$O"
	: >"$TMP/path-$name"
	rc=0
	(
		set -a
		# shellcheck disable=SC1090
		. "$TMP/defaults"
		set +a
		cd "$TMP"
		env "$@" PATH="${STEP_PATH:-$BIN:$PATH}" GITHUB_ACTIONS=true GITHUB_WORKSPACE="$W" \
			GITHUB_OUTPUT="$O" GITHUB_STEP_SUMMARY="$S" GITHUB_PATH="$TMP/path-$name" \
			RUNNER_TEMP="$TMP/runner-$name" bash "$ENTRY"
	) >"$TMP/stdout-$name" 2>"$TMP/stderr-$name" || rc=$?
}
output() { sed -n "s/^$1=//p" "$O"; }

# Passing: annotations, the summary, three reports, the outputs.
step pass INPUT_IMAGE=image.tar INPUT_FORMATS="sarif, markdown" INPUT_ARGS="--max-wasted-bytes 50MB --max-metadata-bytes 1MB"
check_eq "pass: exit status" 0 "$rc"
grep -q '^::warning file=Dockerfile,line=[0-9][0-9]*,endLine=[0-9][0-9]*,title=layerwaste%3A 8.0 kB copied only to change owner::' "$TMP/stdout-pass" && ok ||
	fail "pass: no annotation on the Dockerfile's lines: $(head -3 "$TMP/stdout-pass")"
check_eq "pass: summary kept the earlier step" "# earlier step" "$(head -1 "$S")"
grep -q '^## layerwaste: PASS `docker.io/library/waste:latest`' "$S" && ok || fail "pass: no Markdown summary in GITHUB_STEP_SUMMARY"
check_eq "pass: wasted-bytes" 20500 "$(output wasted-bytes)"
check_eq "pass: verdict" pass "$(output verdict)"
check_eq "pass: exit-code" 0 "$(output exit-code)"
check_eq "pass: report-dir" layerwaste-reports "$(output report-dir)"
check_eq "pass: reports" "layerwaste-reports/layerwaste.json layerwaste-reports/layerwaste.sarif layerwaste-reports/layerwaste.md" "$(output reports)"
check_eq "pass: sarif-report" layerwaste-reports/layerwaste.sarif "$(output sarif-report)"
check_eq "pass: json-report" layerwaste-reports/layerwaste.json "$(output json-report)"
for f in $(output reports); do [ -s "$W/$f" ] && ok || fail "pass: $f not written"; done
check_eq "pass: json rules" "True True 2" \
	"$(jget "$W/layerwaste-reports/layerwaste.json" "'%s %s %d' % (d['rules']['evaluated'], d['rules']['passed'], len(d['rules']['results']))")"
sarif_valid "action: layerwaste.sarif" "$W/layerwaste-reports/layerwaste.sarif"
grep -q '^layerwaste [0-9.]* (commit ' "$TMP/stdout-pass" && ok || fail "pass: the version is not in the log"
check_eq "pass: GITHUB_PATH untouched (layerwaste was on PATH)" "" "$(cat "$TMP/path-pass")"

# A failing rule fails the step: error annotations, the outputs say so.
step fail INPUT_IMAGE=image.tar INPUT_ARGS="--max-chown-bytes 1kB"
check_eq "fail: exit status" 1 "$rc"
grep -q '^::error title=layerwaste%3A rule max-chown-bytes failed::' "$TMP/stdout-fail" && ok ||
	fail "fail: no error annotation for the rule: $(head -3 "$TMP/stdout-fail")"
grep -q '^## layerwaste: FAIL' "$S" && ok || fail "fail: the summary does not say FAIL"
check_eq "fail: outputs" "20500 fail 1" "$(output wasted-bytes) $(output verdict) $(output exit-code)"
[ -s "$W/layerwaste-reports/layerwaste.sarif" ] && ok || fail "fail: no SARIF from a failed run"

# fail-on: never: the same run passes the step; a config file's rules.
printf 'rules:\n  max-chown-bytes: 1kB\n' >"$TMP/strict.yml"
step never INPUT_IMAGE=image.tar INPUT_FAIL_ON=never INPUT_CONFIG="$TMP/strict.yml" INPUT_REPORT_DIR=out/reports
check_eq "never: exit status" 0 "$rc"
check_eq "never: outputs" "fail 1 out/reports" "$(output verdict) $(output exit-code) $(output report-dir)"
[ -s "$W/out/reports/layerwaste.json" ] && ok || fail "never: no report in out/reports"

# No rule: verdict none; no Dockerfile: annotations without a file.
STEP_NO_DOCKERFILE=1 step none INPUT_IMAGE=image.tar
check_eq "none: exit status and verdict" "0 none" "$rc $(output verdict)"
grep -q '^::warning title=' "$TMP/stdout-none" && ok || fail "none: annotations: $(head -2 "$TMP/stdout-none")"

# A severity gate without rules judges too: pass, or fail at warning.
step gate INPUT_IMAGE=image.tar INPUT_ARGS="--fail-on warning"
check_eq "gate: exit status and verdict" "1 fail" "$rc $(output verdict)"
step gateok INPUT_IMAGE=image.tar INPUT_ARGS="--fail-on error"
check_eq "gate pass: exit status and verdict" "0 pass" "$rc $(output verdict)"

# Errors: an image that is no archive (layerwaste's status 3), no image
# input, bad input values.
STEP_IMAGE=$LW_ROOT/README.md step bad INPUT_IMAGE=image.tar
check_eq "bad image: exit status and verdict" "3 error" "$rc $(output verdict)"
grep -q "^layerwaste: cannot read 'image.tar'" "$TMP/stderr-bad" && ok || fail "bad image: stderr: $(cat "$TMP/stderr-bad")"
step noimage
check_eq "no image input: exit status" 2 "$rc"
grep -q "^::error title=layerwaste action::the input 'image' is required" "$TMP/stdout-noimage" && ok ||
	fail "no image input: $(cat "$TMP/stdout-noimage")"
step badfmt INPUT_IMAGE=image.tar INPUT_FORMATS=pdf
check_eq "unknown format: exit status" 2 "$rc"
step badfail INPUT_IMAGE=image.tar INPUT_FAIL_ON=sometimes
check_eq "bad fail-on: exit status" 2 "$rc"

# No layerwaste on PATH: the release binary is downloaded and checked.
if ! command -v curl >/dev/null; then
	echo "note: curl is not installed: the download is not tested"
elif [ "$(uname -s)/$(uname -m)" != Linux/x86_64 ]; then
	echo "note: not x86_64 Linux: the download is not tested"
elif PATH=/usr/bin:/bin command -v layerwaste >/dev/null; then
	echo "note: layerwaste is installed in /usr/bin: the download is not tested"
else
	REL=$TMP/releases
	v=$("$LW" --version | cut -d' ' -f2)
	for d in latest/download "download/v$v"; do
		mkdir -p "$REL/$d"
		cp "$LW" "$REL/$d/layerwaste-linux-x86_64"
		(cd "$REL/$d" && sha256sum layerwaste-linux-x86_64 >layerwaste-linux-x86_64.sha256)
	done
	STEP_PATH=/usr/bin:/bin
	step download INPUT_IMAGE=image.tar LAYERWASTE_RELEASES="file://$REL"
	check_eq "download: exit status and wasted bytes" "0 20500" "$rc $(output wasted-bytes)"
	check_eq "download: GITHUB_PATH" "$TMP/runner-download/layerwaste-bin" "$(cat "$TMP/path-download")"
	[ -x "$TMP/runner-download/layerwaste-bin/layerwaste" ] && ok || fail "download: no executable layerwaste"
	step pinned INPUT_IMAGE=image.tar INPUT_VERSION="v$v" LAYERWASTE_RELEASES="file://$REL"
	check_eq "download v$v: exit status" 0 "$rc"
	step nosuch INPUT_IMAGE=image.tar INPUT_VERSION=9.9.9 LAYERWASTE_RELEASES="file://$REL"
	check_eq "download 9.9.9: exit status" 2 "$rc"
	grep -q "^::error title=layerwaste action::cannot download file://$REL/download/v9.9.9/layerwaste-linux-x86_64" "$TMP/stdout-nosuch" && ok ||
		fail "download 9.9.9: $(cat "$TMP/stdout-nosuch")"
	echo "0000000000000000000000000000000000000000000000000000000000000000  layerwaste-linux-x86_64" >"$REL/latest/download/layerwaste-linux-x86_64.sha256"
	step badsum INPUT_IMAGE=image.tar LAYERWASTE_RELEASES="file://$REL"
	check_eq "bad sha256: exit status" 2 "$rc"
	grep -q "^::error title=layerwaste action::.*: sha256 [0-9a-f]*, expected 0000" "$TMP/stdout-badsum" && ok ||
		fail "bad sha256: $(cat "$TMP/stdout-badsum")"
	[ -e "$TMP/runner-badsum/layerwaste-bin/layerwaste" ] && fail "bad sha256: the binary was installed" || ok
	unset STEP_PATH
fi
# With layerwaste on PATH but another version asked for, it downloads.
step other INPUT_IMAGE=image.tar INPUT_VERSION=9.9.9 LAYERWASTE_RELEASES="file://$TMP/nowhere"
check_eq "other version: exit status" 2 "$rc"
finish
