#!/usr/bin/env bash
# CI mode end to end: rules from flags and config files, the exit status
# table, the summary line on stderr, several reports in one run, GitHub's
# step summary (test_peer_ci.sh: dive's CI files on dive's own test image).
. "$(dirname "$0")/lib.sh"

WASTE=$FIX/waste/docker-archive.tar
CLEAN=$FIX/clean/docker-archive.tar
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

hasnt() {
	if grep -q -- "$2" "$1"; then fail "$3: '$2' found"; else ok; fi
}

# No rule: a report only, nothing on stderr, exit 0; JSON says so.
lw 0 none -f json "$WASTE"
check_eq "none: stderr" "" "$(cat "$TMP/none.err")"
check_eq "none: rules" "False True []" "$(jget "$TMP/none" "'%s %s %s' % (d['rules']['evaluated'], d['rules']['passed'], d['rules']['results'])")"
check_invariant "$TMP/none"

# The waste image wastes 20,500 bytes: 8,000 chown, 700 chmod, 1,200
# chown+chmod, 900 touch (10,800 metadata), 6,500 overwrite, 3,200 delete.
lw 0 pass --max-wasted-bytes 20500 --max-metadata-bytes 10800 --max-chown-bytes 8kB "$WASTE"
has "$TMP/pass" "^Rules: PASS, 3 passed" "pass: text"
check_eq "pass: summary" "layerwaste: PASS: 20.5 kB wasted (1.01 %); 3 rules passed" "$(sed 's/; biggest fix.*//' "$TMP/pass.err")"
lw 1 fail --max-wasted-bytes 20499 --max-metadata-bytes 10800 --max-delete-bytes disabled "$WASTE"
has "$TMP/fail" "^Rules: FAIL, 1 of 3 failed, 1 disabled" "fail: text"
has "$TMP/fail" "FAIL  max-wasted-bytes" "fail: text line"
has "$TMP/fail.err" "^layerwaste: FAIL: 20.5 kB wasted (1.01 %); 1 of 3 rules failed, 1 disabled" "fail: summary"
check_eq "fail: one stderr line" 1 "$(wc -l <"$TMP/fail.err")"

# Per-kind limits, each just under its kind's bytes, fail.
for kv in chown:8000 chmod:700 chown-chmod:1200 touch:900 overwrite:6500 delete:3200 metadata:10800; do
	k=${kv%%:*} v=${kv#*:}
	lw 0 "kind-$k-pass" -f json "--max-$k-bytes" "$v" "$WASTE"
	lw 1 "kind-$k-fail" -f json "--max-$k-bytes" "$((v - 1))" "$WASTE"
	check_eq "kind $k: value" "$v" "$(jget "$TMP/kind-$k-fail" "d['rules']['results'][0]['value']")"
done

# Percent: 1.01 % of 2.0 MB; the 1 MB floor keeps small waste from failing.
lw 0 pct-floor -f json --max-wasted-percent 0.5 "$WASTE"
check_eq "pct floor" "pass True" "$(jget "$TMP/pct-floor" "'%s %s' % (d['rules']['results'][0]['status'], d['rules']['results'][0]['below_floor'])")"
lw 1 pct-nofloor --max-wasted-percent 0.5 --min-wasted-bytes-for-percent 0 "$WASTE"
lw 0 pct-ok --max-wasted-percent 1.02% --min-wasted-bytes-for-percent 0 "$WASTE"

# Floor and ignores change what the byte rules judge.
lw 0 minfind -f json --min-finding-bytes 5kB --max-wasted-bytes 5000 "$WASTE"
check_eq "min-finding-bytes: judged" 5000 "$(jget "$TMP/minfind" "d['rules']['judged_bytes']")"
lw 0 ignore -f json --ignore-path /data --ignore-path 'usr/*' --max-wasted-bytes 8000 "$WASTE"
check_eq "ignore: judged" "8000 12500" "$(jget "$TMP/ignore" "'%d %d' % (d['rules']['judged_bytes'], d['rules']['ignored_bytes'])")"

# Config files found in the working directory.
printf 'rules:\n  max-wasted-bytes: 1kB\n' >"$W/.layerwaste.yml"
lw 1 cfg-found -f json "$WASTE"
check_eq "config found" ".layerwaste.yml" "$(jget "$TMP/cfg-found" "d['rules']['config']")"
lw 0 cfg-override --max-wasted-bytes 50MB "$WASTE"      # flags win
lw 0 cfg-disabled --max-wasted-bytes disabled "$WASTE"
has "$TMP/cfg-disabled" "skip  max-wasted-bytes" "disabled by flag"
lw 0 cfg-none --no-config "$WASTE"
hasnt "$TMP/cfg-none" "^Rules:" "--no-config"
printf 'rules:\n  lowestEfficiency: 0.99999\n' >"$W/.dive-ci"
lw 1 cfg-yml-first "$WASTE"                               # .layerwaste.yml wins
has "$TMP/cfg-yml-first" "max-wasted-bytes" "yml first"
hasnt "$TMP/cfg-yml-first" "lowest-efficiency" "dive-ci not read beside yml"
rm "$W/.layerwaste.yml"
lw 0 cfg-dive -f json --min-wasted-bytes-for-percent 1GB "$WASTE"
check_eq "dive-ci found" ".dive-ci True 3" "$(jget "$TMP/cfg-dive" "'%s %s %d' % (d['rules']['config'], d['rules']['passed'], len(d['rules']['results']))")"
lw 1 cfg-dive-strict --min-wasted-bytes-for-percent 0 "$WASTE"
has "$TMP/cfg-dive-strict" "FAIL  lowest-efficiency" "dive-ci, no floor"
rm "$W/.dive-ci"

# Config errors: exit 2, one line naming file, line and key; no report.
cfg_error() { # cfg_error NAME FILE-TEXT PATTERN [FILE]
	local file=${4:-.layerwaste.yml}
	printf '%s' "$2" >"$W/$file"
	lw 2 "$1" "$WASTE"
	check_eq "$1: stdout" "" "$(cat "$TMP/$1")"
	check_eq "$1: one line" 1 "$(wc -l <"$TMP/$1.err")"
	has "$TMP/$1.err" "$3" "$1"
	rm -f "$W/$file"
}
cfg_error unknown-key $'rules:\n  max-wasted-bytes: 1MB\nthresholds: {}\n' "^layerwaste: .layerwaste.yml:3: thresholds: unknown key"
cfg_error dive-sample-key $'rules:\n  lowest-efficiency-threshold: 0.9\n' ".layerwaste.yml:2: lowest-efficiency-threshold: unknown rule"
cfg_error bad-size $'rules:\n  max-wasted-bytes: 50XB\n' ".layerwaste.yml:2: max-wasted-bytes: '50XB' has an unknown unit"
cfg_error bad-percent $'rules:\n  max-wasted-percent: 150%\n' "max-wasted-percent: '150%' is outside 0..100"
cfg_error negative $'rules:\n  max-delete-bytes: -5MB\n' "max-delete-bytes: '-5MB' must not be negative"
cfg_error not-a-number $'rules:\n  lowest-efficiency: not_a_number\n' "lowest-efficiency: 'not_a_number' is not a number"
cfg_error bad-yaml $'rules: [1,\n' ".layerwaste.yml:2: invalid YAML"
cfg_error dive-range $'rules:\n  lowestEfficiency: 1.1\n' ".dive-ci:2: lowestEfficiency: '1.1' is outside 0..1" .dive-ci
cfg_error dive-neg $'rules:\n  highestUserWastedPercent: -0.1\n' "highestUserWastedPercent: '-0.1' must not be negative" .dive-ci
cfg_error dive-nan $'rules:\n  highestUserWastedPercent: not_a_number\n' "'not_a_number' is not a number" .dive-ci
cfg_error dive-size $'rules:\n  highestWastedBytes: not_a_size\n' "highestWastedBytes: 'not_a_size'" .dive-ci
cfg_error dive-unknown $'rules:\n  lowest-efficiency-threshold: 0.9\n' ".dive-ci:2: lowest-efficiency-threshold: unknown key" .dive-ci
lw 2 cfg-missing --config nope.yml "$WASTE"
has "$TMP/cfg-missing.err" "cannot read config 'nope.yml': No such file or directory" "missing config"

# Bad rule flags: exit 2 before the image is read.
lw 2 flag-size --max-wasted-bytes 5XB no-such-image.tar
has "$TMP/flag-size.err" "^layerwaste: max-wasted-bytes: '5XB' has an unknown unit" "bad flag"
lw 2 flag-ratio --lowestEfficiency 2 "$WASTE"
has "$TMP/flag-ratio.err" "lowestEfficiency: '2' is outside 0..1" "dive flag"
lw 2 flag-two-configs --config a --ci-config b "$WASTE"
lw 2 flag-inspect inspect --max-wasted-bytes 1 "$WASTE"
lw 2 flag-format -f yaml "$WASTE"
lw 2 flag-stdout -o sarif=- "$WASTE"
# Bad input with rules: exit 3, not 1.
: >"$TMP/empty.tar"
lw 3 bad-input --max-wasted-bytes 1 "$TMP/empty.tar"
# A report that cannot be written: exit 4, even when a rule failed.
lw 4 io-error --max-wasted-bytes 1 -o sarif=/nonexistent/dir/x.sarif "$WASTE"
has "$TMP/io-error.err" "cannot write '/nonexistent/dir/x.sarif'" "io error"

# Several reports in one run, all from the same results.
lw 1 multi -f github --max-wasted-bytes 1kB -o sarif=out.sarif -o gitlab=out.cq.json \
	-o junit=out.xml -o markdown=out.md -o json=out.json -o text=out.txt "$WASTE"
has "$TMP/multi" "^::error title=layerwaste%3A rule max-wasted-bytes failed::" "multi: github"
sarif_valid "multi: SARIF" "$W/out.sarif"
check_eq "multi: sarif level" "error" "$(jget "$W/out.sarif" "d['runs'][0]['results'][0]['level']")"
check_eq "multi: gitlab" "10 critical" "$(jget "$W/out.cq.json" "'%d %s' % (len(d), d[-1]['severity'])")"
has "$W/out.xml" 'failures="1"' "multi: junit"
has "$W/out.md" "^## layerwaste: FAIL" "multi: markdown"
check_eq "multi: json" "False" "$(jget "$W/out.json" "d['rules']['passed']")"
has "$W/out.txt" "^Rules: FAIL" "multi: text"
hasnt "$W/out.txt" $'\033' "multi: no colour in files"

# GitHub's step summary: appended when a github report is written.
echo "before" >"$TMP/step.md"
(cd "$W" && GITHUB_STEP_SUMMARY=$TMP/step.md "$LW" -q -f github "$CLEAN") >/dev/null 2>&1
check_eq "step summary: appended" "before|## layerwaste: REPORT \`docker.io/library/clean:latest\`" \
	"$(head -2 "$TMP/step.md" | paste -sd'|')"
has "$TMP/step.md" "No wasted bytes found." "step summary: clean"
(cd "$W" && GITHUB_STEP_SUMMARY=$TMP/step2.md "$LW" -q -f sarif "$CLEAN") >/dev/null 2>&1
[ -e "$TMP/step2.md" ] && fail "step summary written without github" || ok

# The clean image passes every strict limit.
lw 0 clean --max-wasted-bytes 0 --max-wasted-percent 0 --min-wasted-bytes-for-percent 0 "$CLEAN"
has "$TMP/clean.err" "^layerwaste: PASS: 0 B wasted (0.00 %); 2 rules passed$" "clean"

finish
