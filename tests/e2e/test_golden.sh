#!/usr/bin/env bash
# The golden tests of every report format on the bundled fixtures
# (tests/golden/run.sh --bundled; test_peer_golden.sh does the peer images).
. "$(dirname "$0")/lib.sh"

if LW=$LW bash "$LW_ROOT/tests/golden/run.sh" --bundled; then ok; else fail "golden outputs differ (tests/golden/run.sh --update after checking the diff)"; fi
finish
