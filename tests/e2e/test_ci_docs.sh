#!/usr/bin/env bash
# The GitHub Actions and GitLab CI jobs of docs/ci.md, run for real: the
# layerwaste commands between "# layerwaste-begin NAME" and
# "# layerwaste-end" in their YAML are extracted as written and run with
# bash, with the waste fixture image standing in for `docker save` and its
# Dockerfile in the working directory, as a CI job would have them.
. "$(dirname "$0")/lib.sh"

DOC=$LW_ROOT/docs/ci.md
BIN=$TMP/bin
mkdir -p "$BIN"
ln -s "$(cd "$(dirname "$LW")" && pwd)/$(basename "$LW")" "$BIN/layerwaste"

# extract NAME: the lines between the markers, indentation removed.
extract() {
	awk -v name="$1" '
		$0 ~ "# layerwaste-begin " name "$" { on = 1; next }
		on && /# layerwaste-end/ { exit }
		on { print }
	' "$DOC" | sed -E 's/^ +//'
}

# The extracted text is what the YAML really gives the shell: parse the
# YAML blocks of the doc (when PyYAML is there) and find it in a `run:`
# or `script:` string.
check_in_yaml() {
	if python3 - "$DOC" "$1" "$2" <<'PY'; then ok; else fail "$1: the command is not in a run/script string of the YAML"; fi
import re, sys
try:
    import yaml
except ImportError:
    sys.exit(0)
doc, name, cmd_file = sys.argv[1:4]
cmd = open(cmd_file).read().strip()
blocks = re.findall(r"```yaml\n(.*?)```", open(doc).read(), re.S)
def strings(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("run", "script") and isinstance(v, str):
                yield v
            elif k == "script" and isinstance(v, list):
                yield from (x for x in v if isinstance(x, str))
            else:
                yield from strings(v)
    elif isinstance(node, list):
        for x in node:
            yield from strings(x)
for b in blocks:
    data = yaml.safe_load(b)
    for s in strings(data):
        if "# layerwaste-begin " + name in s:
            body = s.split("# layerwaste-begin " + name, 1)[1]
            body = body.split("# layerwaste-end", 1)[0]
            lines = [l.strip() for l in body.strip().splitlines()]
            if lines == [l.strip() for l in cmd.splitlines()]:
                sys.exit(0)
sys.exit(1)
PY
}

# A CI workspace: the image as `docker save` wrote it, the Dockerfile.
workspace() {
	local w=$TMP/ws-$1
	rm -rf "$w"
	mkdir -p "$w"
	cp "$FIX/waste/docker-archive.tar" "$w/image.tar"
	cp "$LW_ROOT/fixtures/src/waste/Dockerfile" "$w/Dockerfile"
	echo "$w"
}

# run_block NAME WORKSPACE: runs the extracted command; sets rc.
run_block() {
	rc=0
	(cd "$2" && PATH=$BIN:$PATH CI=true GITHUB_STEP_SUMMARY=$TMP/summary-$1.md \
		bash -e "$TMP/$1.sh") >"$2/stdout" 2>"$2/stderr" || rc=$?
}

for name in github gitlab; do
	extract "$name" >"$TMP/$name.sh"
	if ! grep -q '^layerwaste ' "$TMP/$name.sh"; then
		fail "$name: no layerwaste command between the markers in docs/ci.md"
		continue
	fi
	ok
	check_in_yaml "$name" "$TMP/$name.sh"
done

# GitHub Actions: annotations on stdout, SARIF and JSON files, the step
# summary appended, exit 0 (20.5 kB of waste is under 50MB / 1MB).
w=$(workspace github)
echo "# earlier step" >"$TMP/summary-github.md"
run_block github "$w"
check_eq "github: exit status" 0 "$rc"
grep -q '^::warning ' "$w/stdout" && ok || fail "github: no ::warning annotation: $(head -3 "$w/stdout")"
grep -vq '^::' "$w/stdout" && fail "github: stdout has lines that are not workflow commands" || ok
grep -q '^::warning file=Dockerfile,line=[0-9][0-9]*,endLine=[0-9][0-9]*,title=layerwaste%3A 8.0 kB copied only to change owner::' "$w/stdout" && ok ||
	fail "github: the chown annotation is not on its Dockerfile lines: $(head -1 "$w/stdout")"
check_eq "github: summary line" "layerwaste: PASS: 20.5 kB wasted (1.01 %); 2 rules passed" \
	"$(grep '^layerwaste: PASS' "$w/stderr" | sed 's/; biggest fix.*//')"
sarif_valid "github: layerwaste.sarif" "$w/layerwaste.sarif"
check_eq "github: json rules" "True True 2" \
	"$(jget "$w/layerwaste.json" "'%s %s %d' % (d['rules']['evaluated'], d['rules']['passed'], len(d['rules']['results']))")"
check_eq "github: summary kept the earlier step" "# earlier step" "$(head -1 "$TMP/summary-github.md")"
grep -q '^## layerwaste: PASS `docker.io/library/waste:latest`' "$TMP/summary-github.md" && ok ||
	fail "github: no Markdown summary appended to GITHUB_STEP_SUMMARY"

# The same step when a rule fails (a stricter .layerwaste.yml in the
# repository): exit 1, error annotations, the reports still written.
w=$(workspace github-fail)
printf 'rules:\n  max-chown-bytes: 1kB\n' >"$w/.layerwaste.yml"
run_block github "$w"
check_eq "github strict: exit status" 1 "$rc"
grep -q '^::error title=layerwaste%3A rule max-chown-bytes failed::' "$w/stdout" && ok ||
	fail "github strict: no error for the failed rule"
# Only what broke the rule is an error: the chown; other kinds stay
# warnings (docs/ci.md, Severities and --fail-on).
grep -q '^::error .*title=layerwaste%3A 8.0 kB copied only to change owner::' "$w/stdout" && ok ||
	fail "github strict: the chown that broke max-chown-bytes is not an error"
grep -q '^::warning .*in overwritten files' "$w/stdout" && ok ||
	fail "github strict: an overwrite no failed rule counts is not a warning"
grep -q '^::error .*in overwritten files' "$w/stdout" && fail "github strict: an overwrite is an error" || ok
grep -q '^layerwaste: FAIL: 20.5 kB wasted (1.01 %); 1 of 3 rules failed' "$w/stderr" && ok ||
	fail "github strict: summary line: $(cat "$w/stderr")"
sarif_valid "github strict: layerwaste.sarif" "$w/layerwaste.sarif"

# GitLab CI: the text report in the log, Code Quality, JUnit and Markdown
# files, exit 0.
w=$(workspace gitlab)
run_block gitlab "$w"
check_eq "gitlab: exit status" 0 "$rc"
grep -q '^Rules: PASS, 2 passed' "$w/stdout" && ok || fail "gitlab: no Rules section in the job log"
check_eq "gitlab: code quality" "True" "$(jget "$w/gl-code-quality-report.json" \
	"len(d) == 9 and all(set(['description', 'check_name', 'fingerprint', 'severity', 'location']) <= set(i) and i['location']['path'] == 'Dockerfile' and i['location']['lines']['begin'] >= 1 for i in d) and len(set(i['fingerprint'] for i in d)) == len(d)")"
python3 - "$w/layerwaste-junit.xml" <<'PY' && ok || fail "gitlab: junit report"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
assert root.get("tests") == "2" and root.get("failures") == "0", root.attrib
assert [c.get("name") for c in cases] == ["max-wasted-bytes", "max-metadata-bytes"]
assert "wasted: 20.5 kB" in suite.find("system-out").text
PY
grep -q '^## layerwaste: PASS' "$w/layerwaste.md" && ok || fail "gitlab: layerwaste.md"
[ -e "$TMP/summary-gitlab.md" ] && fail "gitlab: wrote GITHUB_STEP_SUMMARY without --format github" || ok

# Failing GitLab job: the Code Quality report gains the failed rule.
w=$(workspace gitlab-fail)
printf 'rules:\n  max-chown-bytes: 1kB\n' >"$w/.layerwaste.yml"
run_block gitlab "$w"
check_eq "gitlab strict: exit status" 1 "$rc"
check_eq "gitlab strict: failed rule issue" "critical" "$(jget "$w/gl-code-quality-report.json" \
	"[i['severity'] for i in d if i['check_name'] == 'layerwaste/rule/max-chown-bytes'][0]")"
python3 - "$w/layerwaste-junit.xml" <<'PY' && ok || fail "gitlab strict: junit failure"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.get("failures") == "1", root.attrib
fails = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
assert fails == ["max-chown-bytes"], fails
PY
finish
