#!/usr/bin/env bash
# Golden tests of the CLI's reports (as zstd's tests/cli-tests): each line
# of tests/golden/cases is a name and the arguments of one run; stdout must
# equal expected/NAME.stdout, and "exit: N" plus stderr expected/NAME.stderr.
#
#   tests/golden/run.sh [--bundled|--peer]            compare (exit 1 on
#                                                     any difference)
#   tests/golden/run.sh [--bundled|--peer] --update   rewrite expected/
#
# --bundled runs only the cases on the repository's own fixtures, --peer
# only those on the peer images (dive's test data, in $LW_PEER_DIR, by
# default shared/fixtures/peer-dive beside the repository); a case names
# them as peer-dive/FILE. Without the peer images, their cases are skipped
# (exit 77 when all that was asked for is skipped).
#
# LW is the binary (default: build/layerwaste). Every case runs with
# relative paths in a folder that holds tests/ and fixtures/ (links to the
# repository's) and peer-dive/ (a link to the peer images), so no absolute
# path reaches an output.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LW=${LW:-$root/build/layerwaste}
PEER=${LW_PEER_DIR:-$root/../shared/fixtures/peer-dive}
update=0 only=
for arg in "$@"; do
	case $arg in
	--update) update=1 ;;
	--bundled | --peer) only=${arg#--} ;;
	*) echo "usage: $0 [--bundled|--peer] [--update]" >&2; exit 2 ;;
	esac
done
[ -x "$LW" ] || { echo "$0: no layerwaste binary at '$LW' (set LW)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/run"
ln -s "$root/tests" "$root/fixtures" "$tmp/run/"
ln -s "$PEER" "$tmp/run/peer-dive"
have_peer=0
[ -f "$PEER/test-docker-image.tar" ] && have_peer=1
cd "$tmp/run"
passed=0 failed=0 skipped=0 names=" "

while read -r name args; do
	case $name in '' | '#'*) continue ;; esac
	names="$names$name "
	case " $args " in
	*" peer-dive/"*) [ "$only" = bundled ] && continue
		if [ "$have_peer" -eq 0 ]; then
			skipped=$((skipped + 1))
			continue
		fi ;;
	*) [ "$only" = peer ] && continue ;;
	esac
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
[ "$skipped" -eq 0 ] ||
	echo "SKIP: $skipped cases: peer images not found: no $PEER/test-docker-image.tar (set LW_PEER_DIR)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || exit 1
[ "$passed" -gt 0 ] || [ "$skipped" -eq 0 ] || exit 77
