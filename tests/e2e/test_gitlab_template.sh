#!/usr/bin/env bash
# The GitLab CI template (packaging/gitlab/layerwaste.gitlab-ci.yml): it
# parses as YAML, its job's script is packaging/gitlab/entry.sh from
# `set -eu` on, its artifacts are the files the script writes; the script,
# run by sh with GitLab's variables and the template's, writes a Code
# Quality report, a JUnit report, the Markdown summary and a dotenv
# report, and exits 1 on a failed rule (0 with LAYERWASTE_CI_FAIL_ON=never).
. "$(dirname "$0")/lib.sh"
need_cmd python3 sh
python3 -c 'import yaml' 2>/dev/null || skip "python3 has no yaml module (python3-yaml)"

TPL=$LW_ROOT/packaging/gitlab/layerwaste.gitlab-ci.yml
ENTRY=$LW_ROOT/packaging/gitlab/entry.sh
BIN=$TMP/bin
mkdir -p "$BIN"
ln -s "$(cd "$(dirname "$LW")" && pwd)/$(basename "$LW")" "$BIN/layerwaste"

# The template: one job whose script is entry.sh's, artifacts as written.
# Its variables go to $TMP/vars (NAME=VALUE, shell-quoted).
python3 - "$TPL" "$ENTRY" "$TMP/vars" <<'PY' >"$TMP/tpl.check" 2>&1 || true
import shlex, sys, yaml
t = yaml.safe_load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines(keepends=True)
body = "".join(lines[lines.index("set -eu\n"):])
err = []
jobs = [k for k in t if not k.startswith(".") and k not in ("variables", "stages", "default", "include", "workflow")]
if jobs != ["layerwaste"]:
    err.append("jobs: %s, not [layerwaste]" % jobs)
job = t.get("layerwaste", {})
if job.get("script") != [body]:
    err.append("the job's script is not entry.sh from 'set -eu' on (copy it into script: - |, indented six spaces)")
art = job.get("artifacts", {})
rep = art.get("reports", {})
if rep.get("codequality") != "gl-code-quality-report.json" or rep.get("junit") != "layerwaste-junit.xml" or rep.get("dotenv") != "layerwaste.env":
    err.append("artifacts:reports: %s" % rep)
if art.get("when") != "always":
    err.append("artifacts are not kept when the job fails (when: always)")
for f in list(rep.values()) + art.get("paths", []):
    if f not in body:
        err.append("the script does not write the artifact %s" % f)
if not isinstance(job.get("image"), str) or not job.get("stage"):
    err.append("the job has no image or stage")
vars_ = job.get("variables", {})
for v in ("LAYERWASTE_CI_IMAGE", "LAYERWASTE_CI_DOCKERFILE", "LAYERWASTE_CI_CONFIG", "LAYERWASTE_CI_ARGS", "LAYERWASTE_CI_FAIL_ON", "LAYERWASTE_CI_VERSION"):
    if v not in vars_:
        err.append("no variable %s" % v)
    elif v not in body:
        err.append("the script does not read %s" % v)
with open(sys.argv[3], "w") as f:
    for k, v in vars_.items():
        f.write("%s=%s\n" % (k, shlex.quote(str(v))))
for e in err:
    print(e)
PY
if [ -s "$TMP/tpl.check" ]; then fail "template: $(paste -sd';' "$TMP/tpl.check")"; else ok; fi
home=$(sed -n 's/^#define LW_HOMEPAGE "\(.*\)"$/\1/p' "$LW_ROOT/include/layerwaste/render.h")
check_eq "release URL under LW_HOMEPAGE" "$home/releases" "$(sed -n 's/^LW_RELEASES=//p' "$ENTRY")"

# job NAME SHELL [VAR=VALUE...]: runs the script with SHELL in a fresh
# project folder (the waste image as image.tar, its Dockerfile) with
# GitLab's variables, the template's and the given ones; sets rc and P.
job() {
	local name=$1 shell=$2
	shift 2
	P=$TMP/project-$name
	mkdir -p "$P"
	cp "$FIX/waste/docker-archive.tar" "$P/image.tar"
	cp "$LW_ROOT/fixtures/src/waste/Dockerfile" "$P/Dockerfile"
	rc=0
	(
		set -a
		# shellcheck disable=SC1090
		. "$TMP/vars"
		set +a
		cd "$TMP"
		env "$@" PATH="$BIN:$PATH" CI=true GITLAB_CI=true CI_PROJECT_DIR="$P" \
			CI_PROJECT_NAME=app CI_JOB_NAME=layerwaste CI_JOB_STAGE=test \
			CI_COMMIT_SHA=0123456789abcdef0123456789abcdef01234567 CI_COMMIT_REF_NAME=main \
			CI_PIPELINE_SOURCE=merge_request_event CI_SERVER_URL=https://gitlab.example.invalid \
			"$shell" "$ENTRY"
	) >"$TMP/log-$name" 2>&1 || rc=$?
}

# Passing: both artifacts, the summary, the dotenv report, the text
# report in the log.
job pass sh LAYERWASTE_CI_ARGS="--max-wasted-bytes 50MB --max-metadata-bytes 1MB"
check_eq "pass: exit status" 0 "$rc"
grep -q '^Rules: PASS, 2 passed' "$TMP/log-pass" && ok || fail "pass: no Rules section in the job log: $(tail -3 "$TMP/log-pass")"
grep -q '^layerwaste [0-9.]* (commit ' "$TMP/log-pass" && ok || fail "pass: the version is not in the log"
check_eq "pass: code quality" "True" "$(jget "$P/gl-code-quality-report.json" \
	"len(d) == 9 and all(set(['description', 'check_name', 'fingerprint', 'severity', 'location']) <= set(i) and i['location']['path'] == 'Dockerfile' and i['location']['lines']['begin'] >= 1 for i in d) and len(set(i['fingerprint'] for i in d)) == len(d)")"
python3 - "$P/layerwaste-junit.xml" <<'PY' && ok || fail "pass: junit report"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.find("testsuite").findall("testcase")
assert root.get("tests") == "2" and root.get("failures") == "0", root.attrib
assert [c.get("name") for c in cases] == ["max-wasted-bytes", "max-metadata-bytes"]
PY
grep -q '^## layerwaste: PASS' "$P/layerwaste.md" && ok || fail "pass: layerwaste.md"
check_eq "pass: dotenv" "LAYERWASTE_WASTED_BYTES=20500 LAYERWASTE_VERDICT=pass LAYERWASTE_EXIT_CODE=0" "$(paste -sd' ' "$P/layerwaste.env")"

# The same with bash (the shell GitLab picks when the image has it).
job bash bash LAYERWASTE_CI_ARGS="--max-wasted-bytes 50MB"
check_eq "bash: exit status and verdict" "0 LAYERWASTE_VERDICT=pass" "$rc $(sed -n 2p "$P/layerwaste.env")"

# A failing rule (a .layerwaste.yml given as the config): exit 1, the
# failed rule in both artifacts.
printf 'rules:\n  max-chown-bytes: 1kB\n' >"$TMP/strict.yml"
job fail sh LAYERWASTE_CI_CONFIG="$TMP/strict.yml"
check_eq "fail: exit status" 1 "$rc"
check_eq "fail: failed rule issue" "critical" "$(jget "$P/gl-code-quality-report.json" \
	"[i['severity'] for i in d if i['check_name'] == 'layerwaste/rule/max-chown-bytes'][0]")"
python3 - "$P/layerwaste-junit.xml" <<'PY' && ok || fail "fail: junit failure"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
fails = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
assert root.get("failures") == "1" and fails == ["max-chown-bytes"], (root.attrib, fails)
PY
check_eq "fail: dotenv" "LAYERWASTE_WASTED_BYTES=20500 LAYERWASTE_VERDICT=fail LAYERWASTE_EXIT_CODE=1" "$(paste -sd' ' "$P/layerwaste.env")"

# LAYERWASTE_CI_FAIL_ON=never: the job passes, the reports say fail.
job never sh LAYERWASTE_CI_FAIL_ON=never LAYERWASTE_CI_ARGS="--max-chown-bytes 1kB"
check_eq "never: exit status" 0 "$rc"
check_eq "never: verdict" "LAYERWASTE_VERDICT=fail" "$(sed -n 2p "$P/layerwaste.env")"
[ -s "$P/gl-code-quality-report.json" ] && [ -s "$P/layerwaste-junit.xml" ] && ok || fail "never: artifacts missing"

# No rule: verdict none; a bad image: exit 3, verdict error; bad values.
job none sh
check_eq "none: exit status and verdict" "0 LAYERWASTE_VERDICT=none" "$rc $(sed -n 2p "$P/layerwaste.env")"
# A severity gate without rules judges too: pass, or fail at warning.
job gatepass sh LAYERWASTE_CI_ARGS="--fail-on error"
check_eq "gate: pass" "0 LAYERWASTE_VERDICT=pass" "$rc $(sed -n 2p "$P/layerwaste.env")"
job gatefail sh LAYERWASTE_CI_ARGS="--fail-on warning"
check_eq "gate: fail" "1 LAYERWASTE_VERDICT=fail" "$rc $(sed -n 2p "$P/layerwaste.env")"
job bad sh LAYERWASTE_CI_IMAGE=Dockerfile
check_eq "bad image: exit status and verdict" "3 LAYERWASTE_VERDICT=error" "$rc $(sed -n 2p "$P/layerwaste.env")"
job badfail sh LAYERWASTE_CI_FAIL_ON=sometimes
check_eq "bad fail-on: exit status" 2 "$rc"
job noimage sh LAYERWASTE_CI_IMAGE=
check_eq "no image: exit status" 2 "$rc"
grep -q "set LAYERWASTE_CI_IMAGE" "$TMP/log-noimage" && ok || fail "no image: $(cat "$TMP/log-noimage")"
finish
