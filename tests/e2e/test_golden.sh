#!/usr/bin/env bash
# The golden tests of every report format (tests/golden/run.sh).
. "$(dirname "$0")/lib.sh"

if [ ! -d "$LW_ROOT/../shared/fixtures/peer-dive" ]; then
	fail "peer-dive fixtures not found at $LW_ROOT/../shared (the golden cases name them relatively)"
	finish
	exit 1
fi
if LW=$LW bash "$LW_ROOT/tests/golden/run.sh"; then ok; else fail "golden outputs differ (tests/golden/run.sh --update after checking the diff)"; fi
finish
