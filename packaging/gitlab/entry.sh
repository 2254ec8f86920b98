#!/bin/sh
# The script of the GitLab CI job in layerwaste.gitlab-ci.yml beside this
# file, which holds these lines from `set -eu` on (a template that is
# included cannot bring a file along; tests/e2e/test_gitlab_template.sh
# checks that the two agree and runs this with GitLab's variables).
# POSIX sh: the job's image may have no bash. In $CI_PROJECT_DIR it
# writes the Code Quality report, the JUnit report, layerwaste.md,
# layerwaste.json and layerwaste.env (a dotenv report: wasted bytes and
# verdict), and prints the text report to the job log.
set -eu
# Where releases are downloaded from: LW_HOMEPAGE of
# include/layerwaste/render.h (a PLACEHOLDER) and /releases.
LW_RELEASES=https://example.invalid/layerwaste/releases
LW_ASSET=layerwaste-linux-x86_64
cd "${CI_PROJECT_DIR:?not in a GitLab CI job}"
fail_on=${LAYERWASTE_CI_FAIL_ON:-rule}
version=${LAYERWASTE_CI_VERSION:-latest}
case $fail_on in
rule | never) ;;
*) echo "layerwaste: LAYERWASTE_CI_FAIL_ON must be rule or never, not '$fail_on'" >&2; exit 2 ;;
esac
[ -n "${LAYERWASTE_CI_IMAGE:-}" ] || { echo "layerwaste: set LAYERWASTE_CI_IMAGE (an image archive or name)" >&2; exit 2; }
# layerwaste: the one on PATH when it has the version asked for (any for
# latest), else the release binary, checked against its .sha256.
lw=$(command -v layerwaste || true)
if [ -n "$lw" ] && [ "$version" != latest ] &&
	[ "$("$lw" --version | cut -d' ' -f2)" != "${version#v}" ]; then
	lw=
fi
if [ -z "$lw" ]; then
	[ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] || {
		echo "layerwaste: no release binary for $(uname -s)/$(uname -m): use an image with layerwaste on PATH" >&2
		exit 2
	}
	if ! command -v curl >/dev/null && command -v apt-get >/dev/null; then
		apt-get update -qq && apt-get install -y -qq --no-install-recommends curl ca-certificates >/dev/null
	fi
	if [ "$version" = latest ]; then
		url=${LAYERWASTE_RELEASES:-$LW_RELEASES}/latest/download/$LW_ASSET
	else
		url=${LAYERWASTE_RELEASES:-$LW_RELEASES}/download/v${version#v}/$LW_ASSET
	fi
	bin=${TMPDIR:-/tmp}/layerwaste-bin
	mkdir -p "$bin"
	curl -fsSL --retry 3 -o "$bin/$LW_ASSET" "$url" &&
		curl -fsSL --retry 3 -o "$bin/$LW_ASSET.sha256" "$url.sha256" || {
		echo "layerwaste: cannot download $url" >&2
		exit 2
	}
	want=$(cut -d' ' -f1 <"$bin/$LW_ASSET.sha256")
	got=$(sha256sum "$bin/$LW_ASSET" | cut -d' ' -f1)
	[ "$want" = "$got" ] || { echo "layerwaste: $url: sha256 $got, expected $want" >&2; exit 2; }
	mv "$bin/$LW_ASSET" "$bin/layerwaste"
	chmod 755 "$bin/layerwaste"
	lw=$bin/layerwaste
fi
"$lw" --version
dockerfile=${LAYERWASTE_CI_DOCKERFILE:-}
if [ -z "$dockerfile" ] && [ -f Dockerfile ]; then dockerfile=Dockerfile; fi
set -- -q --output gitlab=gl-code-quality-report.json \
	--output junit=layerwaste-junit.xml --output markdown=layerwaste.md \
	--output json=layerwaste.json
[ -z "$dockerfile" ] || set -- "$@" --dockerfile "$dockerfile"
[ -z "${LAYERWASTE_CI_CONFIG:-}" ] || set -- "$@" --config "$LAYERWASTE_CI_CONFIG"
rm -f layerwaste.json layerwaste.env
rc=0
# LAYERWASTE_CI_ARGS: more options, split into words (no globbing).
set -f
# shellcheck disable=SC2086
"$lw" "$@" ${LAYERWASTE_CI_ARGS:-} -- "$LAYERWASTE_CI_IMAGE" || rc=$?
set +f
verdict=error wasted=
if [ "$rc" -le 1 ] && [ -s layerwaste.json ]; then
	wasted=$(sed -n 's/^    "wasted_bytes": \([0-9]*\),\{0,1\}$/\1/p' layerwaste.json | head -1)
	verdict=none
	# A rule evaluated, or a severity gate (--fail-on, severity:) judged.
	if grep -q '^    "evaluated": true' layerwaste.json ||
		grep -q '^    "gate": true' layerwaste.json; then verdict=pass; fi
	if [ "$rc" -eq 1 ]; then verdict=fail; fi
fi
printf 'LAYERWASTE_WASTED_BYTES=%s\nLAYERWASTE_VERDICT=%s\nLAYERWASTE_EXIT_CODE=%s\n' \
	"$wasted" "$verdict" "$rc" >layerwaste.env
if [ "$rc" -eq 1 ] && [ "$fail_on" = never ]; then
	echo "layerwaste: a rule failed; LAYERWASTE_CI_FAIL_ON is never, so the job passes"
	exit 0
fi
exit "$rc"
