# Helpers for the end-to-end tests. ctest sets LW (the binary) and LW_ROOT
# (the source tree). LW_PEER_DIR names the folder of dive's test images
# (the peer images; default: shared/fixtures/peer-dive beside the source
# tree); tests that need them, or a tool that is missing, exit 77, which
# ctest reports as skipped.
# shellcheck shell=bash
set -euo pipefail

: "${LW:?set LW to the layerwaste binary}"
: "${LW_ROOT:?set LW_ROOT to the source tree}"
PEER=${LW_PEER_DIR:-$LW_ROOT/../shared/fixtures/peer-dive}
FIX=$LW_ROOT/fixtures/images
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The per-layer cache of every run goes to the test's own folder, never
# the machine's.
export XDG_CACHE_HOME=$TMP/xdg-cache
# Variables that would change every report; tests that want them set
# them for one run.
unset LAYERWASTE_FORMAT LAYERWASTE_DOCKERFILE
failures=0
checks=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

ok() { checks=$((checks + 1)); }

# skip WHY: the test cannot run here; ctest shows it as skipped (77).
skip() {
	echo "SKIP: $*"
	exit 77
}

# need_peer: skips the test unless the peer images are there.
need_peer() {
	[ -f "$PEER/test-docker-image.tar" ] ||
		skip "peer images not found: no $PEER/test-docker-image.tar (set LW_PEER_DIR to dive's .data folder)"
}

# need_cmd TOOL...: skips the test unless every TOOL is on PATH.
need_cmd() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (not on PATH)"
	done
}

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then ok; else fail "$1: expected '$2', got '$3'"; fi
}

# jq-like access with python3: jget FILE EXPR (python expression on d)
jget() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# run_lw EXPECTED_EXIT OUTFILE ARGS...: stdout to OUTFILE, stderr to OUTFILE.err
run_lw() {
	local want=$1 out=$2 rc=0
	shift 2
	"$LW" "$@" >"$out" 2>"$out.err" <"${LW_STDIN:-/dev/null}" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "layerwaste $*: exit $rc, expected $want; stderr: $(head -c 300 "$out.err")"
		return 1
	fi
	ok
}

# sarif_valid WHAT FILE...: Microsoft's SARIF Multitool finds no error and
# no warning in the files (tests/sarif/check, GitHub's rules included).
# Where it cannot be installed, a line says so and nothing is counted
# (test_sarif_multitool.sh is then skipped, visibly).
sarif_valid() {
	local what=$1 rc=0
	shift
	"$LW_ROOT/tests/sarif/check" "$@" >"$TMP/sarif-check.out" 2>&1 || rc=$?
	case $rc in
	0) ok ;;
	77) echo "note: $what: SARIF not validated: $(grep '^SKIP' "$TMP/sarif-check.out")" ;;
	*) fail "$what: invalid SARIF: $(grep -v ': 0 errors, 0 warnings' "$TMP/sarif-check.out" | head -5)" ;;
	esac
}

# The invariant of the definitions, on a JSON report.
check_invariant() {
	local f=$1 v
	v=$(jget "$f" "d['summary']['wasted_bytes'] == d['image']['total_bytes'] - d['image']['visible_bytes'] == sum(x['bytes'] for x in d['findings']) == sum(l['wasted_bytes'] for l in d['layers'])")
	check_eq "invariant wasted = total - visible on $f" True "$v"
}

finish() {
	echo "$checks passed, $failures failed"
	[ "$failures" -eq 0 ]
}
