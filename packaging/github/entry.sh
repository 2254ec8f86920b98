#!/usr/bin/env bash
# The GitHub Action's step (action.yml at the repository's top): obtains
# layerwaste, runs it on the image from the workspace with --format github
# (annotations on standard output, the Markdown summary appended to
# $GITHUB_STEP_SUMMARY), writes the reports the inputs ask for, and sets
# the step's outputs in $GITHUB_OUTPUT. Inputs come as INPUT_* variables
# (action.yml passes them); it exits with layerwaste's status, or 0 for a
# failed rule when fail-on is "never".
set -euo pipefail

# Where releases are downloaded from: the project's home page (LW_HOMEPAGE
# of include/layerwaste/render.h, a PLACEHOLDER) and /releases, with
# GitHub's URL forms; a release holds layerwaste-linux-x86_64 (the static
# binary of scripts/release) and its .sha256.
LW_RELEASES=https://example.invalid/layerwaste/releases
LW_ASSET=layerwaste-linux-x86_64

die() {
	echo "::error title=layerwaste action::$*"
	exit 2
}

image=${INPUT_IMAGE:-}
dockerfile=${INPUT_DOCKERFILE:-}
config=${INPUT_CONFIG:-}
formats=${INPUT_FORMATS:-sarif,json}
fail_on=${INPUT_FAIL_ON:-rule}
version=${INPUT_VERSION:-latest}
report_dir=${INPUT_REPORT_DIR:-layerwaste-reports}
args=${INPUT_ARGS:-}
[ -n "$image" ] || die "the input 'image' is required (an archive path or an image name)"
case $fail_on in rule | never) ;; *) die "fail-on must be rule or never, not '$fail_on'" ;; esac
cd "${GITHUB_WORKSPACE:?not in a GitHub Actions step}"

# layerwaste: the one on PATH when it has the version asked for (any for
# "latest"), else the release binary, checked against its .sha256.
lw=$(command -v layerwaste || true)
if [ -n "$lw" ] && [ "$version" != latest ] &&
	[ "$("$lw" --version | cut -d' ' -f2)" != "${version#v}" ]; then
	lw=
fi
if [ -z "$lw" ]; then
	[ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] ||
		die "no release binary for $(uname -s)/$(uname -m): put layerwaste on PATH before this step"
	if [ "$version" = latest ]; then
		url=${LAYERWASTE_RELEASES:-$LW_RELEASES}/latest/download/$LW_ASSET
	else
		url=${LAYERWASTE_RELEASES:-$LW_RELEASES}/download/v${version#v}/$LW_ASSET
	fi
	bin=${RUNNER_TEMP:-/tmp}/layerwaste-bin
	mkdir -p "$bin"
	curl -fsSL --retry 3 -o "$bin/$LW_ASSET" "$url" || die "cannot download $url"
	curl -fsSL --retry 3 -o "$bin/$LW_ASSET.sha256" "$url.sha256" || die "cannot download $url.sha256"
	want=$(cut -d' ' -f1 <"$bin/$LW_ASSET.sha256")
	got=$(sha256sum "$bin/$LW_ASSET" | cut -d' ' -f1)
	[ "$want" = "$got" ] || die "$url: sha256 $got, expected $want"
	mv "$bin/$LW_ASSET" "$bin/layerwaste"
	chmod 755 "$bin/layerwaste"
	lw=$bin/layerwaste
	[ -z "${GITHUB_PATH:-}" ] || echo "$bin" >>"$GITHUB_PATH"
fi
echo "$("$lw" --version) ($lw)"

# The command: the github format on standard output, a JSON report always
# (for the outputs), and one file per format asked for.
mkdir -p "$report_dir"
cmd=("$lw" -q --format github --output "json=$report_dir/layerwaste.json")
if [ -z "$dockerfile" ] && [ -f Dockerfile ]; then dockerfile=Dockerfile; fi
[ -z "$dockerfile" ] || cmd+=(--dockerfile "$dockerfile")
[ -z "$config" ] || cmd+=(--config "$config")
reports=("$report_dir/layerwaste.json")
declare -A report_of=([json]="$report_dir/layerwaste.json")
IFS=', ' read -r -a fmts <<<"$formats"
for f in "${fmts[@]}"; do
	case $f in
	'' | json | github) continue ;;
	sarif) file=layerwaste.sarif ;;
	markdown) file=layerwaste.md ;;
	gitlab) file=gl-code-quality-report.json ;;
	junit) file=layerwaste-junit.xml ;;
	html) file=layerwaste.html ;;
	text) file=layerwaste.txt ;;
	*) die "unknown format '$f' in formats (sarif, json, markdown, gitlab, junit, html, text)" ;;
	esac
	cmd+=(--output "$f=$report_dir/$file")
	reports+=("$report_dir/$file")
	report_of[$f]=$report_dir/$file
done
# Extra options, split as the shell splits words (no globbing).
set -f
# shellcheck disable=SC2206
extra=($args)
set +f
cmd+=("${extra[@]}" -- "$image")

rc=0
"${cmd[@]}" || rc=$?

# Outputs: from the JSON report when the run wrote one (jq, else python3).
verdict=error wasted=
json=$report_dir/layerwaste.json
if [ "$rc" -le 1 ] && [ -s "$json" ]; then
	if command -v jq >/dev/null; then
		out=$(jq -r '"\(.summary.wasted_bytes) \(if .rules.evaluated or .rules.gate then (if .rules.passed then "pass" else "fail" end) else "none" end)"' "$json")
	else
		out=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); r = d.get("rules") or {}
print(d["summary"]["wasted_bytes"], ("pass" if r.get("passed") else "fail") if r.get("evaluated") or r.get("gate") else "none")' "$json")
	fi
	read -r wasted verdict <<<"$out"
	[ "$rc" -eq 0 ] || verdict=fail
fi
{
	echo "wasted-bytes=$wasted"
	echo "verdict=$verdict"
	echo "exit-code=$rc"
	echo "report-dir=$report_dir"
	echo "reports=${reports[*]}"
	for f in "${!report_of[@]}"; do echo "$f-report=${report_of[$f]}"; done
} >>"${GITHUB_OUTPUT:-/dev/null}"

if [ "$rc" -eq 1 ] && [ "$fail_on" = never ]; then
	echo "layerwaste: a rule failed; fail-on is never, so the step passes"
	exit 0
fi
exit "$rc"
