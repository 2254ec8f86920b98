#!/usr/bin/env bash
# Hostile input: outputs never overwrite inputs and a failed run leaves
# every file as it was; names from the image never reach the terminal
# raw; work is bounded by the bytes given, not by what headers claim.
# Every case checks its exit status and its one line on stderr; the runs
# on bombs also run under a time and memory bound (generous: guards
# against hangs, not speed tests).
. "$(dirname "$0")/lib.sh"

need_cmd python3 timeout
IMG=$FIX/waste/docker-archive.tar
gen() { python3 "$LW_ROOT/tests/e2e/hostile.py" "$1" "$TMP/$1.tar"; }

# one_line WHAT FILE PATTERN: FILE is one line starting "layerwaste: ",
# holding PATTERN, and no byte below 0x20 but its newline.
one_line() {
	local what=$1 f=$2 pattern=$3
	if [ "$(wc -l <"$f")" -ne 1 ]; then
		fail "$what: stderr is not one line: $(head -c 400 "$f" | od -c | head -5)"
		return
	fi
	ok
	case $(cat "$f") in layerwaste:\ *) ok ;; *) fail "$what: stderr does not start with 'layerwaste: '" ;; esac
	if grep -q -- "$pattern" "$f"; then ok; else fail "$what: stderr lacks '$pattern': $(cat "$f")"; fi
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$f"; then
		fail "$what: a control byte reached stderr: $(od -c "$f" | head -3)"
	else ok; fi
	if grep -q $'\u202e' "$f"; then fail "$what: U+202E reached stderr"; else ok; fi
}

# bounded WHAT SECONDS MAXKB EXIT PATTERN ARGS...: runs layerwaste under
# timeout, checks the exit status, one line on stderr (PATTERN; '' when
# the run must succeed and stay silent) and peak memory.
# The caps bound the work of reading a layer; a layer served from the
# cache is not read again, so these runs go without it.
bounded() {
	local what=$1 secs=$2 maxkb=$3 want=$4 pattern=$5 rc=0 kb
	shift 5
	if [ -x /usr/bin/time ]; then
		timeout "$secs" /usr/bin/time -f %M -o "$TMP/mem" "$LW" --no-cache "$@" \
			>"$TMP/b.out" 2>"$TMP/b.err" </dev/null || rc=$?
	else
		timeout "$secs" "$LW" --no-cache "$@" \
			>"$TMP/b.out" 2>"$TMP/b.err" </dev/null || rc=$?
	fi
	if [ "$rc" -eq 124 ]; then fail "$what: still running after ${secs}s"; return; fi
	check_eq "$what: exit status" "$want" "$rc"
	if [ ! -x /usr/bin/time ]; then
		echo "skip: $what: the memory bound needs GNU time (/usr/bin/time)"
	else
		kb=$(tail -1 "$TMP/mem")
		if [ "$kb" -le "$maxkb" ]; then ok; else fail "$what: peak memory ${kb} KB > ${maxkb} KB"; fi
	fi
	if [ -n "$pattern" ]; then one_line "$what" "$TMP/b.err" "$pattern"
	elif [ -s "$TMP/b.err" ]; then fail "$what: stderr: $(head -c 300 "$TMP/b.err")"
	else ok; fi
}

sum() { sha256sum "$1" | cut -d' ' -f1; }

# ---- outputs never touch inputs ----
cp "$IMG" "$TMP/in.tar"
before=$(sum "$TMP/in.tar")
run_lw 2 "$TMP/o" "$TMP/in.tar" -o json="$TMP/in.tar" && one_line "-o json=IMAGE" "$TMP/o.err" "is the image"
check_eq "-o json=IMAGE: image unchanged" "$before" "$(sum "$TMP/in.tar")"
run_lw 2 "$TMP/o" "$TMP/in.tar" -o "$TMP/in.tar" && one_line "-o IMAGE" "$TMP/o.err" "never overwrites an input"
ln -s in.tar "$TMP/link.tar"
run_lw 2 "$TMP/o" "$TMP/in.tar" -o sarif="$TMP/link.tar" && one_line "-o through a symlink" "$TMP/o.err" "the same file"
ln "$TMP/in.tar" "$TMP/hard.tar"
run_lw 2 "$TMP/o" "$TMP/hard.tar" -o json="$TMP/in.tar" && one_line "-o on a hard link" "$TMP/o.err" "is the image"
check_eq "image unchanged after all" "$before" "$(sum "$TMP/in.tar")"
cp "$LW_ROOT/fixtures/src/fixable/Dockerfile" "$TMP/Dockerfile"
dbefore=$(sum "$TMP/Dockerfile")
run_lw 2 "$TMP/o" "$FIX/waste/docker-archive.tar" --dockerfile "$TMP/Dockerfile" --fix -o "$TMP/Dockerfile" &&
	one_line "--fix -o DOCKERFILE" "$TMP/o.err" "is the Dockerfile"
check_eq "--fix -o DOCKERFILE: Dockerfile unchanged" "$dbefore" "$(sum "$TMP/Dockerfile")"
printf 'rules:\n  max-wasted-percent: 90\n' >"$TMP/cfg.yml"
run_lw 2 "$TMP/o" "$IMG" --config "$TMP/cfg.yml" -o markdown="$TMP/cfg.yml" && one_line "-o CONFIG" "$TMP/o.err" "is the config file"
printf -- '---\nsdk: docker\napp_port: 7860\n---\n' >"$TMP/README.md"
run_lw 2 "$TMP/o" "$IMG" --profile spaces --space-readme "$TMP/README.md" -o markdown="$TMP/README.md" &&
	one_line "-o README" "$TMP/o.err" "README"
run_lw 2 "$TMP/o" "$IMG" -o json="$TMP/a.json" -o sarif="$TMP/./a.json" && one_line "-o twice" "$TMP/o.err" "are the same file"
[ ! -e "$TMP/a.json" ] && ok || fail "-o twice: a file was written"
mkdir "$TMP/sub"
run_lw 2 "$TMP/o" "$IMG" -o "$TMP/sub/../r.txt" -o json="$TMP/r.txt" && one_line "-o twice through .." "$TMP/o.err" "are the same file"
if [ -d "$FIX/waste/oci-dir" ]; then
	cp -r "$FIX/waste/oci-dir" "$TMP/oci"
	run_lw 2 "$TMP/o" "$TMP/oci" -o json="$TMP/oci/index.json" && one_line "-o inside an OCI folder" "$TMP/o.err" "inside it"
fi

# ---- a failed run leaves every file as it was, and prints no report ----
echo old >"$TMP/keep.json"
chmod 640 "$TMP/keep.json"
run_lw 4 "$TMP/o" "$IMG" -o json="$TMP/keep.json" -o sarif="$TMP/no-such-dir/x.sarif" &&
	one_line "failed -o" "$TMP/o.err" "cannot write"
check_eq "failed run: file untouched" "old" "$(cat "$TMP/keep.json")"
[ -s "$TMP/o" ] && fail "failed run: a report went to stdout" || ok
ls -a "$TMP" | grep -q '^\.keep\.json\.' && fail "failed run: a temporary file was left" || ok
# A good run replaces it, keeping its mode.
run_lw 0 "$TMP/o" "$IMG" -o json="$TMP/keep.json"
jget "$TMP/keep.json" 'd["schema_version"]' >/dev/null 2>&1 && ok || fail "-o json: not a JSON report"
check_eq "-o keeps the file's mode" 640 "$(stat -c %a "$TMP/keep.json")"
[ -s "$TMP/o" ] && ok || fail "the main report did not go to stdout"
# Through a symlink the file it names is written, the link stays.
ln -s keep.json "$TMP/keep-link.json"
run_lw 0 "$TMP/o" "$IMG" -o json="$TMP/keep-link.json"
[ -L "$TMP/keep-link.json" ] && ok || fail "-o through a symlink replaced the link"
# The step summary is appended to, never replaced.
echo "earlier step" >"$TMP/summary.md"
GITHUB_STEP_SUMMARY=$TMP/summary.md run_lw 0 "$TMP/o" "$IMG" -f github
check_eq "step summary kept" "earlier step" "$(head -1 "$TMP/summary.md")"
[ "$(wc -l <"$TMP/summary.md")" -gt 3 ] && ok || fail "step summary not appended"
# A failed run appends nothing.
cp "$TMP/summary.md" "$TMP/summary.before"
GITHUB_STEP_SUMMARY=$TMP/summary.md run_lw 4 "$TMP/o" "$IMG" -f github -o json="$TMP/no-such-dir/x.json"
check_eq "failed run: step summary untouched" "$(sum "$TMP/summary.before")" "$(sum "$TMP/summary.md")"
# /dev/null is written, not replaced.
run_lw 0 "$TMP/o" "$IMG" -o json=/dev/null
[ -c /dev/null ] && ok || fail "/dev/null is no longer a device"

# ---- names never speak to the terminal ----
gen traversal; gen forged-line; gen bidi
bounded "escape in an error" 60 400000 3 'unsafe entry name' "$TMP/traversal.tar"
grep -qF 'app/\x1b[31m../../etc/passwd\x07' "$TMP/b.err" && ok || fail "escape not shown as \\x1b: $(cat "$TMP/b.err")"
bounded "newline in an error" 60 400000 3 'unsafe entry name' "$TMP/forged-line.tar"
grep -qF '\x0alayerwaste: all good\x0a' "$TMP/b.err" && ok || fail "newline not shown as \\x0a"
printf 'FROM scratch\n\033[2JBOGUS foo\n' >"$TMP/Dockerfile.esc"
run_lw 3 "$TMP/o" "$IMG" --dockerfile "$TMP/Dockerfile.esc" && one_line "Dockerfile line in an error" "$TMP/o.err" 'x1b\[2J'
run_lw 2 "$TMP/o" -f $'\e[31mjson' "$IMG" && one_line "an option in an error" "$TMP/o.err" 'unknown format'
run_lw 0 "$TMP/o" "$TMP/bidi.tar" -f json
grep -q $'\u202e' "$TMP/o" && fail "U+202E raw in JSON" || ok
grep -qF '\u202egnp.exe' "$TMP/o" && ok || fail "U+202E not escaped in JSON"
run_lw 0 "$TMP/o" "$TMP/bidi.tar" -f sarif
grep -q $'\u202e' "$TMP/o" && fail "U+202E raw in SARIF" || ok
run_lw 0 "$TMP/o" "$TMP/bidi.tar" -f text
grep -q $'\u202e' "$TMP/o" && fail "U+202E raw in text" || ok

# ---- work bounded by the bytes given ----
for c in gnu-sparse-1t pax-sparse-2p51 gnu-sparse-many sparse-same sparse-differ \
	dup-manifest symlinked-member big-pax many-entries; do gen $c; done
for reader in "" --plain-reader; do
	bounded "GNU sparse 1 TiB hole $reader" 60 400000 0 '' "$TMP/gnu-sparse-1t.tar" -q $reader
	bounded "pax sparse 2^51 bytes $reader" 60 400000 0 '' "$TMP/pax-sparse-2p51.tar" -q $reader
	bounded "200 sparse entries of 64 GiB $reader" 60 400000 0 '' "$TMP/gnu-sparse-many.tar" -q $reader
	bounded "same sparse file twice $reader" 60 400000 0 '' "$TMP/sparse-same.tar" -f json $reader
	check_eq "same sparse file twice: a touch $reader" "touch" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"][0]["kind"])' "$TMP/b.out")"
	bounded "two sparse files $reader" 60 400000 0 '' "$TMP/sparse-differ.tar" -f json $reader
	check_eq "two sparse files: an overwrite $reader" "overwrite" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["findings"][0]["kind"])' "$TMP/b.out")"
	bounded "duplicate manifest.json $reader" 60 400000 3 'manifest.json twice' "$TMP/dup-manifest.tar" $reader
	bounded "layer member is a symlink $reader" 60 400000 3 'layer 0' "$TMP/symlinked-member.tar" $reader
	bounded "pax header over 1 MiB $reader" 60 400000 3 'too large' "$TMP/big-pax.tar" $reader
	bounded "entry cap $reader" 60 400000 3 'more than 100 entries in one layer (see --max-entries)' \
		"$TMP/many-entries.tar" --max-entries 100 $reader
done

# ---- decompressed bytes capped (--max-bytes) ----
# 16 GiB of zeros in 512 KB of zstd: read whole by default (2-3 s), it
# stops at once under a 1 MiB cap.
gen zstd-bomb-16g
gzip -c "$IMG" >"$TMP/outer.tar.gz"
for reader in "" --plain-reader; do
	bounded "zstd bomb, --max-bytes 1MiB $reader" 5 400000 3 \
		'layer 0 ([0-9a-f]*\.tar): inflates past --max-bytes (1 MiB); raise it with --max-bytes$' \
		"$TMP/zstd-bomb-16g.tar" --max-bytes 1MiB $reader
	bounded "gzip layer past --max-bytes $reader" 20 400000 3 'layer 0 (blobs/sha256/[0-9a-f]*): inflates past --max-bytes (1 MiB)' \
		"$FIX/waste/oci-archive-gzip.tar" --max-bytes 1MiB $reader
	bounded "zstd layer past --max-bytes $reader" 20 400000 3 'layer 0 (blobs/sha256/[0-9a-f]*): inflates past --max-bytes (1000000 bytes)' \
		"$FIX/waste/oci-archive-zstd.tar" --max-bytes 1MB $reader
	bounded "tar layer past --max-bytes $reader" 20 400000 3 'layer 0 ([0-9a-f]*\.tar): runs past --max-bytes (1 MiB)' \
		"$IMG" --max-bytes 1MiB $reader
	bounded "OCI folder past --max-bytes $reader" 20 400000 3 'inflates past --max-bytes (1 MiB)' \
		"$FIX/waste/oci-dir" --max-bytes 1MiB $reader
	bounded "a compressed archive past --max-bytes $reader" 20 400000 3 \
		'the archive inflates past --max-bytes (2 MiB); raise it with --max-bytes' \
		"$TMP/outer.tar.gz" --max-bytes 2MiB $reader
	bounded "just under --max-bytes $reader" 20 400000 0 '' "$FIX/waste/oci-archive-gzip.tar" -q --max-bytes 3MiB $reader
done
run_lw 2 "$TMP/o" "$IMG" --max-bytes 0 && one_line "--max-bytes 0" "$TMP/o.err" "takes a positive size"
run_lw 2 "$TMP/o" "$IMG" --max-bytes lots && one_line "--max-bytes lots" "$TMP/o.err" "takes a positive size"

# ---- zstd windows capped (--max-memory) ----
# A legitimate layer compressed with `zstd --long=31` from a pipe: its
# frame declares a 2 GiB window (past libarchive's 128 MiB). Read under a
# large enough --max-memory it gives the fixture's findings; under the
# default (1 GiB) or a small cap it is refused in one line.
findings() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["findings"], sort_keys=True))' "$1"; }
if command -v zstd >/dev/null 2>&1; then
	ZF=$FIX/waste/oci-archive-zstd.tar
	python3 "$LW_ROOT/tests/e2e/tamper.py" longzstd "$ZF" "$TMP/long.tar" 0
	python3 - "$TMP/long.tar" "$TMP/long0.zst" <<'PY'
import json, sys, tarfile
t = tarfile.open(sys.argv[1])
i = json.load(t.extractfile("index.json"))
m = json.load(t.extractfile("blobs/" + i["manifests"][0]["digest"].replace(":", "/")))
open(sys.argv[2], "wb").write(t.extractfile("blobs/" + m["layers"][0]["digest"].replace(":", "/")).read())
PY
	check_eq "zstd --long=31 from a pipe: the frame's window" "2.00 GiB (2147483648 B)" \
		"$(zstd -lv "$TMP/long0.zst" 2>&1 | sed -n 's/^Window Size: //p')"
	run_lw 0 "$TMP/zref" "$ZF" -f json
	bounded "a 2 GiB zstd window under --max-memory 2GiB" 60 400000 0 '' "$TMP/long.tar" -f json --max-memory 2GiB
	check_eq "a 2 GiB zstd window: the fixture's findings" "$(findings "$TMP/zref")" "$(findings "$TMP/b.out")"
	cp "$TMP/b.out" "$TMP/zlong.json"
	bounded "a 2 GiB zstd window, --verify" 60 400000 0 '' "$TMP/long.tar" -f json --max-memory 2GiB --verify
	check_eq "a 2 GiB zstd window: the same report with --verify" "$(cat "$TMP/zlong.json")" "$(cat "$TMP/b.out")"
	LW_STDIN=$TMP/long.tar run_lw 0 "$TMP/o" - -f json --max-memory 2GiB --verify &&
		check_eq "a 2 GiB zstd window on stdin: the fixture's findings" "$(findings "$TMP/zref")" "$(findings "$TMP/o")"
	bounded "a 2 GiB zstd window, the default --max-memory" 60 400000 3 \
		'layer 0 (blobs/sha256/[0-9a-f]*): zstd frame needs a 2 GiB window, past --max-memory (1 GiB); raise it with --max-memory$' \
		"$TMP/long.tar"
	bounded "a 2 GiB zstd window, --max-memory 1MiB" 60 400000 3 \
		'zstd frame needs a 2 GiB window, past --max-memory (1 MiB); raise it with --max-memory$' \
		"$TMP/long.tar" --max-memory 1MiB
	bounded "a 2 GiB zstd window, --max-memory 1MiB, --verify" 60 400000 3 \
		'zstd frame needs a 2 GiB window, past --max-memory (1 MiB)' \
		"$TMP/long.tar" --max-memory 1MiB --verify
	LW_STDIN=$TMP/long.tar run_lw 3 "$TMP/o" - --max-memory 1MiB &&
		one_line "a 2 GiB zstd window on stdin, --max-memory 1MiB" "$TMP/o.err" \
			'zstd frame needs a 2 GiB window, past --max-memory (1 MiB); raise it with --max-memory$'
	bounded "the fixture's zstd layers fit --max-memory 8MiB" 60 400000 0 '' "$ZF" -q --max-memory 8MiB
	# The plain reader keeps libarchive's window limit (docs/security.md).
	bounded "a 2 GiB zstd window, --plain-reader" 60 400000 3 'layer 0' \
		"$TMP/long.tar" --plain-reader --max-memory 2GiB
else
	echo "SKIP: zstd is not installed: no --max-memory cases"
fi
run_lw 2 "$TMP/o" "$IMG" --max-memory 0 && one_line "--max-memory 0" "$TMP/o.err" "takes a positive size"
run_lw 2 "$TMP/o" "$IMG" --max-memory lots && one_line "--max-memory lots" "$TMP/o.err" "takes a positive size"

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
