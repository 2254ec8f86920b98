#!/usr/bin/env bash
# The small defects a CI gate trips over: the fix text never shows an empty
# --chown= or --chmod=, in any format, with or without a Dockerfile; an
# explicit --color beats NO_COLOR; a dumb terminal gets no escape
# sequence; stream progress names the blob and never goes back; "1 layer",
# "1 file ... its owner"; JUnit never has tests="0"; LAYERWASTE_FORMAT and
# LAYERWASTE_DOCKERFILE.
. "$(dirname "$0")/lib.sh"

WASTE=$FIX/waste/docker-archive.tar
DF=$LW_ROOT/fixtures/src/waste/Dockerfile

# No empty --chown= / --chmod= anywhere: every format, both ways. A value
# starts with a letter, digit or $ (SARIF's help text writes USER:GROUP).
for fmt in text json github markdown sarif gitlab junit html; do
	for with in no yes; do
		args=(-q --no-config -f "$fmt")
		[ $with = yes ] && args+=(--dockerfile "$DF")
		run_lw 0 "$TMP/empty.$fmt.$with" "${args[@]}" "$WASTE" || continue
		if grep -qE -- '--(chown|chmod)=([^0-9A-Za-z$]|$)' "$TMP/empty.$fmt.$with"; then
			fail "$fmt (dockerfile: $with): empty flag: $(grep -oE -- '.{40}--(chown|chmod)=([^0-9A-Za-z$]|$).{0,20}' "$TMP/empty.$fmt.$with" | head -2)"
		else ok; fi
	done
done
grep -q "fix: Use COPY --chown=1000:1000 at layer 2 (COPY) instead of chown in layer 3 (RUN)" \
	"$TMP/empty.text.no" && ok || fail "text without Dockerfile: no owner in the fix"
grep -q "Use COPY --chmod=755 at layer 4 (COPY)" "$TMP/empty.text.no" && ok ||
	fail "text without Dockerfile: no mode in the fix"
check_eq "json titles without Dockerfile" \
	"Use COPY --chown=1000:1000 --chmod=600 at layer 7 (COPY) instead of changing owner and mode in layer 8 (RUN)" \
	"$(jget "$TMP/empty.json.no" "[s['title'] for s in d['suggestions'] if s['id'] == 'copy-chown-8-7'][0]")"

# JUnit with no rule: a passing case per finding kind, never tests="0".
check_eq "junit without rules" '6 0 6' \
	"$(grep -c '<testcase classname="layerwaste.waste"' "$TMP/empty.junit.no") $(grep -c '<failure' "$TMP/empty.junit.no") \
$(grep -o '<testsuites name="layerwaste" tests="[0-9]*"' "$TMP/empty.junit.no" | grep -o '[0-9]*')"
grep -q '<system-out>chown: 8.0 kB wasted (8000 bytes) in 3 files</system-out>' "$TMP/empty.junit.no" &&
	ok || fail "junit without rules: no bytes of chown"

# Plurals: one file is "its", one layer is "layer".
grep -q "copies 1 file (700 B) of layer 4 only to change its mode" "$TMP/empty.github.no" && ok ||
	fail "github: 1 file ... their mode"
grep -q "copies 3 files (8.0 kB) of layer 2 only to change their owner" "$TMP/empty.github.no" && ok ||
	fail "github: 3 files ... their owner"
python3 - "$TMP/one.tar" "$LW_ROOT/tests/e2e" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import mkimage
open(sys.argv[1], "wb").write(mkimage.image([mkimage.layer_tar([("a.txt", b"hello\n")])]))
PY
for fmt in text junit markdown; do
	run_lw 0 "$TMP/one.$fmt" -q --no-config -f "$fmt" "$TMP/one.tar" || continue
	grep -q "in 1 layer\b" "$TMP/one.$fmt" && ! grep -q "1 layers" "$TMP/one.$fmt" && ok ||
		fail "$fmt: not '1 layer': $(grep -o '.\{20\}1 layer.\{5\}' "$TMP/one.$fmt" | head -1)"
done

# LAYERWASTE_FORMAT and LAYERWASTE_DOCKERFILE: as --format and
# --dockerfile, the flags winning; an unknown format names the variable.
LAYERWASTE_FORMAT=json run_lw 0 "$TMP/envfmt.json" -q --no-config "$WASTE" &&
	check_eq "LAYERWASTE_FORMAT=json" 20500 "$(jget "$TMP/envfmt.json" "d['summary']['wasted_bytes']")"
LAYERWASTE_FORMAT=json run_lw 0 "$TMP/envfmt.text" -q --no-config -f text "$WASTE" &&
	check_eq "--format beats LAYERWASTE_FORMAT" no "$(head -c1 "$TMP/envfmt.text" | grep -q '{' && echo yes || echo no)"
LAYERWASTE_FORMAT=sarf run_lw 2 "$TMP/envfmt.bad" -q --no-config "$WASTE" &&
	check_eq "bad LAYERWASTE_FORMAT" \
		"layerwaste: \$LAYERWASTE_FORMAT: unknown format 'sarf': did you mean sarif? (see 'layerwaste --help')" \
		"$(cat "$TMP/envfmt.bad.err")"
LAYERWASTE_FORMAT=sarif run_lw 0 "$TMP/envfmt.inspect" inspect "$WASTE" &&
	check_eq "inspect ignores LAYERWASTE_FORMAT" no \
		"$(grep -q '"runs"' "$TMP/envfmt.inspect" && echo yes || echo no)"
run_lw 0 "$TMP/envdf.flag" -q --no-config -f json --dockerfile "$DF" "$WASTE"
LAYERWASTE_DOCKERFILE=$DF run_lw 0 "$TMP/envdf.env" -q --no-config -f json "$WASTE" &&
	cmp -s "$TMP/envdf.flag" "$TMP/envdf.env" && ok ||
	fail "LAYERWASTE_DOCKERFILE: not the report of --dockerfile"
LAYERWASTE_DOCKERFILE=$TMP/no/Dockerfile run_lw 4 "$TMP/envdf.missing" -q --no-config "$WASTE"
LAYERWASTE_DOCKERFILE=$TMP/no/Dockerfile run_lw 0 "$TMP/envdf.flagwins" -q --no-config \
	-f json --dockerfile "$DF" "$WASTE" &&
	cmp -s "$TMP/envdf.flag" "$TMP/envdf.flagwins" && ok ||
	fail "--dockerfile does not beat LAYERWASTE_DOCKERFILE"

# Paths CI can map: the Dockerfile by its path from the git work tree's
# top, wherever layerwaste runs; --source-root says where that is.
mkdir -p "$TMP/repo/.git" "$TMP/repo/docker" "$TMP/elsewhere"
cp "$DF" "$TMP/repo/docker/Dockerfile"
(
	cd "$TMP/elsewhere" || exit 1
	for fmt in github sarif gitlab; do
		"$LW" -q --no-config -f $fmt --dockerfile ../repo/docker/Dockerfile "$WASTE" >"$TMP/loc.$fmt" 2>&1
	done
	"$LW" -q --no-config -f github --source-root "$TMP/repo/docker" \
		--dockerfile ../repo/docker/Dockerfile "$WASTE" >"$TMP/loc.root" 2>&1
)
grep -q "^::warning file=docker/Dockerfile,line=16," "$TMP/loc.github" && ok ||
	fail "github: not the path from the repository: $(head -c 200 "$TMP/loc.github")"
grep -q 'file=\.\./' "$TMP/loc.github" && fail "github: a ../ location" || ok
grep -q '"\(uri\|path\)": "\.\./' "$TMP/loc.sarif" "$TMP/loc.gitlab" && fail "sarif or gitlab: a ../ location" || ok
check_eq "sarif uri" docker/Dockerfile \
	"$(jget "$TMP/loc.sarif" "d['runs'][0]['results'][0]['locations'][0]['physicalLocation']['artifactLocation']['uri']")"
check_eq "gitlab path" docker/Dockerfile "$(jget "$TMP/loc.gitlab" "d[0]['location']['path']")"
grep -q "^::warning file=Dockerfile,line=16," "$TMP/loc.root" && ok ||
	fail "--source-root: $(head -c 200 "$TMP/loc.root")"
run_lw 2 "$TMP/loc.bad" --source-root "$TMP/nope" "$WASTE" &&
	{ grep -q "source-root takes a folder" "$TMP/loc.bad.err" && ok || fail "--source-root nope: $(cat "$TMP/loc.bad.err")"; }

# Colour: an explicit --color always beats NO_COLOR; auto follows NO_COLOR
# and TERM=dumb. `script` gives layerwaste a terminal.
tty_run() { # OUT ENV... -- ARGS...: layerwaste on a pseudo-terminal
	local out=$1 envs=() cmd
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	printf -v cmd '%q ' env -u NO_COLOR -u COLUMNS "${envs[@]}" "$LW" "$@"
	script -qec "$cmd" /dev/null >"$out" 2>&1 </dev/null || true
}
if command -v script >/dev/null; then
	esc=$'\033'
	tty_run "$TMP/c.always" NO_COLOR=1 TERM=xterm -- -q --no-config --color always "$WASTE"
	grep -q "$esc\[" "$TMP/c.always" && ok || fail "--color always with NO_COLOR: no colour"
	tty_run "$TMP/c.auto" NO_COLOR=1 TERM=xterm -- -q --no-config "$WASTE"
	grep -q "$esc\[" "$TMP/c.auto" && fail "NO_COLOR: colour with --color auto" || ok
	tty_run "$TMP/c.plain" TERM=xterm -- -q --no-config "$WASTE"
	grep -q "$esc\[" "$TMP/c.plain" && ok || fail "a terminal: no colour by default"
	tty_run "$TMP/c.dumb" TERM=dumb -- --no-config -f json -o "$TMP/c.dumb.json" "$WASTE"
	grep -q "$esc" "$TMP/c.dumb" && fail "TERM=dumb: an escape sequence: $(od -c "$TMP/c.dumb" | head -3)" || ok
	tty_run "$TMP/c.xterm" TERM=xterm -- --no-config -f json -o "$TMP/c.xterm.json" "$WASTE"
	grep -q "$esc\[K" "$TMP/c.xterm" && ok || fail "xterm: the progress line is not erased"

	# Stream progress: a slow pipe, so that several lines are shown. Each
	# names the blob being read and its number; neither the number nor
	# the bytes ever go back.
	slow=$TMP/slow.sh
	cat >"$slow" <<SH
python3 -c 'import sys, time
d = open(sys.argv[1], "rb").read()
n = len(d) // 12 + 1
for i in range(0, len(d), n):
    sys.stdout.buffer.write(d[i:i + n]); sys.stdout.flush(); time.sleep(0.15)' "$WASTE" |
	"$LW" --no-config -f json -o "$TMP/stream.json" -
SH
	script -qec "env TERM=xterm bash $slow" /dev/null >"$TMP/progress" 2>&1 </dev/null || true
	python3 - "$TMP/progress" <<'PY' >"$TMP/progress.check"
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
seen = [(int(m.group(1)), m.group(2), float(m.group(3))) for m in
        re.finditer(r"reading blob (\d+) \(([^)]*)\), ([0-9.]+) MB", text)]
ok = len(seen) >= 3 and len({s[0] for s in seen}) >= 2
ok = ok and all(a[0] <= b[0] and a[2] <= b[2] for a, b in zip(seen, seen[1:]))
ok = ok and all(name for _, name, _ in seen) and seen[-1][2] > seen[0][2]
print("ok" if ok else "bad %r" % (seen,))
PY
	check_eq "stream progress" ok "$(cat "$TMP/progress.check")"
	check_eq "stream report" 20500 "$(jget "$TMP/stream.json" "d['summary']['wasted_bytes']")"
else
	skip "script (util-linux) is missing"
fi

finish
