#!/usr/bin/env bash
# --verify: every bundled form passes and reports exactly what it reports
# without it; a copy with one byte of a file's content changed (still a
# valid tar) fails on its blob digest or diff_id, and a config whose
# diff_id was changed (the config stored again under its new digest, so
# that only the diff_id is wrong) fails on the diff_id: exit 3, one line
# naming the layer and both digests. Mapped archives, OCI directories,
# streams (standard input, a gzip outer archive) and --plain-reader alike.
. "$(dirname "$0")/lib.sh"

for f in "$FIX"/*/*.tar "$FIX"/*/oci-dir; do
	n=$(basename "$(dirname "$f")")-$(basename "$f")
	for how in "" --plain-reader; do
		run_lw 0 "$TMP/$n.a" -q -f json $how "$f" || continue
		run_lw 0 "$TMP/$n.b" -q -f json --verify $how "$f" || continue
		if cmp -s "$TMP/$n.a" "$TMP/$n.b"; then ok; else fail "$n $how: --verify changes the report"; fi
	done
done
gzip -c "$FIX/waste/docker-archive.tar" >"$TMP/outer.tar.gz"
run_lw 0 "$TMP/outer.out" -q --verify "$TMP/outer.tar.gz"

# expect_bad WHAT FILE PATTERN: without --verify the damage goes unseen;
# with it, as a file and on standard input, exit 3 and one line matching
# PATTERN.
expect_bad() {
	local what=$1 f=$2 pat=$3 out
	run_lw 0 "$TMP/bad.out" -q "$f"
	for how in file stdin plain; do
		out=$TMP/bad-$how.out
		case $how in
		file) run_lw 3 "$out" -q --verify "$f" || continue ;;
		stdin) LW_STDIN=$f run_lw 3 "$out" -q --verify - || continue ;;
		plain) run_lw 3 "$out" -q --verify --plain-reader "$f" || continue ;;
		esac
		check_eq "$what ($how): one line" 1 "$(wc -l <"$out.err")"
		if grep -Eq -e "$pat" "$out.err"; then ok; else
			fail "$what ($how): expected /$pat/, got: $(cat "$out.err")"
		fi
	done
}

sha='sha256:[0-9a-f]{64}'
for form in oci-archive-gzip oci-archive-uncompressed docker-archive crane; do
	python3 "$LW_ROOT/tests/e2e/tamper.py" flip "$FIX/waste/$form.tar" "$TMP/flip-$form.tar" 0
	expect_bad "flipped byte, $form" "$TMP/flip-$form.tar" \
		"^layerwaste: .*--verify: layer 0 \(.*\): blob digest mismatch: the manifest says $sha, the bytes hash to $sha\$"
done
# legacy docker save names no layer digest: the diff_id catches it.
python3 "$LW_ROOT/tests/e2e/tamper.py" flip "$FIX/waste/legacy-docker.tar" "$TMP/flip-legacy.tar" 0
expect_bad "flipped byte, legacy-docker" "$TMP/flip-legacy.tar" \
	"--verify: layer 0 \(.*/layer.tar\): diff_id mismatch: the config says $sha, the bytes hash to $sha\$"

for form in oci-archive-gzip oci-archive-zstd oci-archive-uncompressed docker25 legacy-docker crane; do
	python3 "$LW_ROOT/tests/e2e/tamper.py" diffid "$FIX/waste/$form.tar" "$TMP/diffid-$form.tar" 1
	expect_bad "wrong diff_id, $form" "$TMP/diffid-$form.tar" \
		"--verify: layer 1 \(.*\): diff_id mismatch: the config says sha256:06121725c433ccd0469b52730a723e66a9c1e31c67c42b1dba6b501f0bf94c9d, the bytes hash to sha256:7ed40df4f45c61f33068d90dc0e517fd08880c5816ecd4ed168eee2ea3348179\$"
done

# A config whose bytes are not the digest its name gives.
mkdir "$TMP/oci"
cp -r "$FIX/waste/oci-dir/." "$TMP/oci/"
cfg=$(python3 -c 'import json,sys; d=sys.argv[1]; i=json.load(open(d+"/index.json")); m=json.load(open(d+"/blobs/"+i["manifests"][0]["digest"].replace(":","/"))); print(m["config"]["digest"].split(":")[1])' "$TMP/oci")
chmod u+w "$TMP/oci/blobs/sha256/$cfg"
sed -i 's/"architecture"/ "architecture"/' "$TMP/oci/blobs/sha256/$cfg"
run_lw 0 "$TMP/cfg.out" -q "$TMP/oci"
run_lw 3 "$TMP/cfg.out" -q --verify "$TMP/oci" &&
	if grep -Eq "^layerwaste: .*--verify: 'blobs/sha256/$cfg': digest mismatch: its name says sha256:$cfg, the bytes hash to $sha\$" "$TMP/cfg.out.err"; then ok; else
		fail "config: $(cat "$TMP/cfg.out.err")"
	fi

# An uncompressed layer is hashed in chunks dropped behind the hash: a
# 256 MiB layer never becomes resident whole (it did: peak RSS was the
# archive's size). The cap leaves room for a sanitizer build.
if [ -x /usr/bin/time ]; then
	python3 - "$LW_ROOT/tests/e2e" "$TMP/big.tar" <<'EOF'
import os, sys
sys.path.insert(0, sys.argv[1])
import mkimage
big = mkimage.layer_tar([("data/", b"")] + [("data/f%d" % i, os.urandom(8 << 20)) for i in range(32)])
open(sys.argv[2], "wb").write(mkimage.image([big]))
EOF
	/usr/bin/time -f %M -o "$TMP/mem" "$LW" -q --no-cache --verify "$TMP/big.tar" \
		>/dev/null 2>"$TMP/big.err" && ok || fail "big layer: $(cat "$TMP/big.err")"
	kb=$(tail -1 "$TMP/mem")
	[ "$kb" -le 163840 ] && ok || fail "--verify on a 256 MiB layer: peak RSS $kb KB"
else
	echo "skip: the --verify memory check needs GNU time (/usr/bin/time)"
fi

echo "test_verify: $checks checks, $failures failures"
[ "$failures" -eq 0 ]
