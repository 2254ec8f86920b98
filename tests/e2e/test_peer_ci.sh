#!/usr/bin/env bash
# CI mode on the peer images: dive's own CI files on dive's own test image,
# and SARIF from the Docker and kaniko builds checked against the schema.
. "$(dirname "$0")/lib.sh"
need_peer

DIVE=$PEER/test-docker-image.tar
W=$TMP/work
mkdir -p "$W"

# lw EXPECTED_EXIT NAME ARGS...: runs in $W (where config files are
# looked for); stdout to $TMP/NAME, stderr to $TMP/NAME.err.
lw() {
	local want=$1 name=$2 rc=0
	shift 2
	(cd "$W" && "$LW" -q "$@") >"$TMP/$name" 2>"$TMP/$name.err" </dev/null || rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name: exit $rc, expected $want; stderr: $(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	ok
}

has() { # has FILE PATTERN WHAT
	if grep -q -- "$2" "$1"; then ok; else fail "$3: '$2' not in $(head -c 400 "$1")"; fi
}

# dive's own CI files on dive's own test image (dive's Taskfile runs
# `dive --ci --ci-config .data/.dive-ci` on it and expects exit 0).
printf 'rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20Mb\n  highestUserWastedPercent: 0.5\n' >"$TMP/dive-ci"
lw 0 dive-accept --ci-config "$TMP/dive-ci" "$DIVE"
has "$TMP/dive-accept" "pass  lowest-efficiency            dive's efficiency 0.9844" "dive acceptance"
has "$TMP/dive-accept" "pass  highest-user-wasted-percent  dive's user wasted ratio 0.4835" "dive acceptance"
# cli_ci_test.go's default-ci-config/.dive-ci (0.96, 19Mb, 0.6).
printf 'rules:\n  lowestEfficiency: 0.96\n  highestWastedBytes: 19Mb\n  highestUserWastedPercent: 0.6\n' >"$TMP/dive-ci2"
lw 0 dive-default -f json --ci-config "$TMP/dive-ci2" "$DIVE"
check_eq "dive default config" "0.96 19000000 0.6" "$(jget "$TMP/dive-default" "' '.join(str(r['limit']) for r in d['rules']['results'])")"
# dive's default highestUserWastedPercent (0.1) fails its own 32 kB image
# in dive; the 1 MB floor passes it here, and without the floor it fails.
printf 'rules:\n  highestWastedBytes: 20Mb\n' >"$TMP/dive-ci3"
lw 0 dive-trap --ci-config "$TMP/dive-ci3" "$DIVE"
has "$TMP/dive-trap" "under the 1.0 MB floor" "dive trap"
lw 1 dive-trap-nofloor --ci-config "$TMP/dive-ci3" --min-wasted-bytes-for-percent 0 "$DIVE"
has "$TMP/dive-trap-nofloor" "FAIL  highest-user-wasted-percent" "dive trap, no floor"

cd "$LW_ROOT"

sarif() { # sarif NAME EXIT ARGS...
	local name=$1 want=$2
	shift 2
	run_lw "$want" "$TMP/$name.sarif" -q --no-config -f sarif "$@" || return 0
	sarif_valid "$name" "$TMP/$name.sarif"
}

sarif dive 0 "$DIVE"
sarif kaniko 0 "$PEER/test-kaniko-image.tar"
check_eq "dive: results" "chmod delete delete delete chmod" "$(jget "$TMP/dive.sarif" "' '.join(r['ruleId'] for r in d['runs'][0]['results'])")"
finish
