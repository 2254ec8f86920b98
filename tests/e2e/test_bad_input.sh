#!/usr/bin/env bash
# Bad input: every case gets one clear line on stderr naming the problem,
# the documented exit status, and no report on stdout.
. "$(dirname "$0")/lib.sh"

mk() { python3 "$LW_ROOT/tests/e2e/mkimage.py" "$1" "$TMP/$1.tar"; }

# expect_error EXIT PATTERN ARGS...
expect_error() {
	local want=$1 pattern=$2 out=$TMP/out
	shift 2
	run_lw "$want" "$out" "$@" || return 0
	if [ -s "$out" ]; then fail "layerwaste $*: printed a report on failure"; else ok; fi
	if [ "$(wc -l <"$out.err")" -ne 1 ]; then
		fail "layerwaste $*: stderr is not one line: $(cat "$out.err")"
	else ok; fi
	if grep -q -- "$pattern" "$out.err"; then ok; else
		fail "layerwaste $*: stderr lacks '$pattern': $(cat "$out.err")"
	fi
	case $(cat "$out.err") in
	layerwaste:*) ok ;;
	*) fail "layerwaste $*: stderr does not start with 'layerwaste:'" ;;
	esac
}

# Usage errors: exit 2.
expect_error 2 "no image given"
expect_error 2 "unknown option '--frobnicate'" --frobnicate x.tar
expect_error 2 "unknown format 'yaml'" -f yaml x.tar
expect_error 2 "needs a value" x.tar --format
expect_error 2 "unexpected argument" a.tar b.tar
expect_error 2 "jobs takes" -j 0 x.tar
expect_error 2 "platform takes" --platform amd64 x.tar
# No abbreviations: dive's `--ci IMAGE` is not --ci-config.
expect_error 2 "unknown option '--ci' (did you mean --ci-config?)" --ci "$FIX/waste/docker-archive.tar"
expect_error 2 "unknown option '--dockerf' (did you mean --dockerfile?)" --dockerf=Dockerfile x.tar
expect_error 2 "unknown option '--dockrefile' (did you mean --dockerfile?)" --dockrefile Dockerfile x.tar
# FORMAT=FILE with an unknown FORMAT is an error, not a file name.
expect_error 2 "unknown format 'sarf' in --output sarf=FILE: did you mean sarif?" --output sarf=x.sarif "$FIX/waste/docker-archive.tar"
[ ! -e sarf=x.sarif ] && ok || fail "--output sarf=x.sarif wrote a file"
expect_error 2 "unknown format 'yaml' (text, json" -f yaml x.tar

# A file that is not there: exit 4 (it cannot be read); not images: exit 3.
expect_error 4 "cannot open './missing.tar': No such file or directory" ./missing.tar
: >"$TMP/empty.tar"
expect_error 3 "not a tar archive" "$TMP/empty.tar"
head -c 100000 /dev/urandom >"$TMP/random.bin"
expect_error 3 "not a tar archive" "$TMP/random.bin"
mkdir "$TMP/emptydir"
expect_error 3 "no manifest.json or index.json" "$TMP/emptydir"
for c in no-manifest; do mk $c; done
expect_error 3 "not a container image" "$TMP/no-manifest.tar"

# Broken archives.
head -c 700000 "$FIX/waste/docker-archive.tar" >"$TMP/truncated.tar"
expect_error 3 "truncated" "$TMP/truncated.tar"
gzip -c "$FIX/waste/docker-archive.tar" >"$TMP/full.tar.gz"
head -c 300000 "$TMP/full.tar.gz" >"$TMP/truncated.tar.gz"
expect_error 3 "truncated" "$TMP/truncated.tar.gz"
LW_STDIN=$TMP/truncated.tar.gz expect_error 3 "truncated" -
zstd -q -c "$FIX/waste/docker-archive.tar" >"$TMP/full.tar.zst"
head -c 300000 "$TMP/full.tar.zst" >"$TMP/truncated.tar.zst"
expect_error 3 "truncated\|corrupt" "$TMP/truncated.tar.zst"
python3 - "$FIX/waste/oci-archive-zstd.tar" "$TMP/corrupt-zstd.tar" <<'PY'
import sys, tarfile, io
src, dst = sys.argv[1], sys.argv[2]
with tarfile.open(src) as t, tarfile.open(dst, "w") as o:
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isfile() else None
        if data and data[:4] == b"\x28\xb5\x2f\xfd":
            b = bytearray(data)
            for i in range(12, len(b)):
                b[i] ^= 0xA5
            data = bytes(b)
        o.addfile(m, io.BytesIO(data) if data is not None else None)
PY
expect_error 3 "layer 0" "$TMP/corrupt-zstd.tar"
for c in corrupt-gzip truncated-gzip-layer layer-not-tar; do mk $c; done
expect_error 3 "gzip" "$TMP/corrupt-gzip.tar"
expect_error 3 "truncated gzip" "$TMP/truncated-gzip-layer.tar"
expect_error 3 "neither a tar archive nor gzip" "$TMP/layer-not-tar.tar"

# Missing pieces and bad JSON.
for c in missing-config missing-layer bad-json bad-config-json count-mismatch; do mk $c; done
expect_error 3 "missing 'nope.json'" "$TMP/missing-config.tar"
expect_error 3 "layer 1: missing blob" "$TMP/missing-layer.tar"
expect_error 3 "invalid JSON in 'manifest.json'" "$TMP/bad-json.tar"
expect_error 3 "invalid JSON in '.*\.json'" "$TMP/bad-config-json.tar"
expect_error 3 "the config lists 1 diff_ids but the manifest lists 2 layers" "$TMP/count-mismatch.tar"

# Hostile names.
for c in dotdot longname; do mk $c; done
expect_error 3 "unsafe entry name 'app/../../etc/passwd'" "$TMP/dotdot.tar"
expect_error 3 "entry name longer than 4095 bytes" "$TMP/longname.tar"
expect_error 3 "more than 10 entries in one layer" --max-entries 10 "$FIX/waste/docker-archive.tar"
# Entries are numbered in 32 bits: the cap cannot go past that.
expect_error 2 "takes a number from 1 to 4294967294" --max-entries 4294967295 "$FIX/waste/docker-archive.tar"

# Several images: an error that lists the tags, then --image picks one.
mk two-images
expect_error 2 "holds 2 images; pick one with --image (tags: one:latest, two:v2)" "$TMP/two-images.tar"
expect_error 2 "no image tagged 'three'" --image three "$TMP/two-images.tar"
run_lw 0 "$TMP/two.json" -f json --image two:v2 "$TMP/two-images.tar" &&
	check_eq "--image two:v2 layers" 1 "$(jget "$TMP/two.json" "d['image']['layer_count']")"
run_lw 0 "$TMP/one.json" -f json --image one "$TMP/two-images.tar" &&
	check_eq "--image one layers" 2 "$(jget "$TMP/one.json" "d['image']['layer_count']")"

# A failed run leaves no output file behind.
expect_error 3 "missing blob" -o "$TMP/report.json" -f json "$TMP/missing-layer.tar"
[ -e "$TMP/report.json" ] && fail "-o file written on failure" || ok

# Names that are odd but legal are read, and escaped on the way out.
for c in absolute nonutf8 escape; do mk $c; done
run_lw 0 "$TMP/abs.json" -f json "$TMP/absolute.tar" &&
	check_eq "absolute paths normalised" "/etc/abs.txt" "$(jget "$TMP/abs.json" "d['findings'][0]['path']")"
run_lw 0 "$TMP/nonutf8.json" -f json "$TMP/nonutf8.tar" &&
	check_eq "non-UTF-8 name in JSON" '/app/caf\xe9.txt' "$(jget "$TMP/nonutf8.json" "d['findings'][0]['path']")"
run_lw 0 "$TMP/escape.txt" --color=always "$TMP/escape.tar"
if grep -q $'\x07' "$TMP/escape.txt" || grep -q $'\x1b\[31mred' "$TMP/escape.txt"; then
	fail "raw control characters from a name reached the terminal report"
else ok; fi
grep -qF '\x1b[31mred\x07.txt' "$TMP/escape.txt" && ok || fail "escaped name not shown"

# Writing to a full device is an I/O error.
if [ -w /dev/full ]; then
	rc=0
	"$LW" -q "$FIX/waste/docker-archive.tar" >/dev/full 2>"$TMP/full.err" || rc=$?
	check_eq "write to /dev/full exit" 4 "$rc"
	grep -q "cannot write" "$TMP/full.err" && ok || fail "no write error message"
fi
finish
