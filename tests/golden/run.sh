#!/usr/bin/env bash
# Golden tests of the CLI's reports (as zstd's tests/cli-tests): each line
# of tests/golden/cases is a name and the arguments of one run; stdout must
# equal expected/NAME.stdout, and "exit: N" plus stderr expected/NAME.stderr.
#
#   tests/golden/run.sh            compare (exit 1 on any difference)
#   tests/golden/run.sh --update   rewrite expected/ from this build
#
# LW is the binary (default: build/layerwaste). Runs from the repository
# root with relative paths, so no absolute path reaches an output; the
# peer images are ../shared/fixtures/peer-dive, beside the repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LW=${LW:-$root/build/layerwaste}
update=0
case ${1:-} in
--update) update=1 ;;
"") ;;
*) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac
[ -x "$LW" ] || { echo "$0: no layerwaste binary at '$LW' (set LW)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
passed=0 failed=0 names=" "

while read -r name args; do
	case $name in '' | '#'*) continue ;; esac
	names="$names$name "
	rc=0
	# shellcheck disable=SC2086 # the arguments are split on purpose
	env -u COLUMNS -u NO_COLOR -u GITHUB_STEP_SUMMARY -u CI LC_ALL=C.UTF-8 \
		"$LW" -q --no-config --color never $args \
		>"$tmp/$name.stdout" 2>"$tmp/err" </dev/null || rc=$?
	{ echo "exit: $rc"; cat "$tmp/err"; } >"$tmp/$name.stderr"
	if [ "$update" -eq 1 ]; then
		cp "$tmp/$name.stdout" "$tmp/$name.stderr" "$here/expected/"
		continue
	fi
	ok=1
	for part in stdout stderr; do
		if ! diff -u "$here/expected/$name.$part" "$tmp/$name.$part" \
			>"$tmp/diff" 2>&1; then
			echo "FAIL: $name ($part): layerwaste $args" >&2
			head -40 "$tmp/diff" >&2
			ok=0
		fi
	done
	if [ "$ok" -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done <"$here/cases"

if [ "$update" -eq 1 ]; then
	# Expected files of cases that no longer exist go too.
	for f in "$here"/expected/*; do
		base=$(basename "$f")
		case $names in *" ${base%.*} "*) ;; *) rm -f "$f" ;; esac
	done
	echo "updated $(ls "$here/expected" | wc -l) files in $here/expected"
	exit 0
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
