#!/usr/bin/env bash
# The golden tests of every report format on dive's test image
# (tests/golden/run.sh --peer).
. "$(dirname "$0")/lib.sh"
need_peer

if LW_PEER_DIR=$PEER LW=$LW bash "$LW_ROOT/tests/golden/run.sh" --peer; then ok; else fail "golden outputs differ (tests/golden/run.sh --update after checking the diff)"; fi
finish
