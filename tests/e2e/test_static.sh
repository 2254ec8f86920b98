#!/usr/bin/env bash
# scripts/release builds a fully static, stripped binary; run in an empty
# root (a chroot holding only the binary and one image), its JSON equals
# the dynamic build's byte for byte on every bundled fixture. A full build:
# runs when LW_TEST_STATIC=1 (scripts/test sets it in its plain pass).
. "$(dirname "$0")/lib.sh"
[ "${LW_TEST_STATIC:-0}" = 1 ] || skip "LW_TEST_STATIC is not 1 (a static build; scripts/test runs it once)"
[ "$(id -u)" -eq 0 ] || skip "chroot needs root"
need_cmd chroot readelf file

if LW_RELEASE_BUILD=$TMP/build "$LW_ROOT/scripts/release" "$TMP/dist" >"$TMP/release.log" 2>&1; then ok; else
	fail "scripts/release: $(tail -5 "$TMP/release.log")"; finish; exit 1
fi
BIN=$TMP/dist/layerwaste
cat "$TMP/release.log"
file -b "$BIN" | grep -q "statically linked" && ok || fail "not static: $(file -b "$BIN")"
file -b "$BIN" | grep -q ", stripped" && ok || fail "not stripped: $(file -b "$BIN")"

n=0
for img in "$FIX"/*/*.tar "$FIX"/*/oci-dir; do
	name=image
	[ -d "$img" ] || name=image.tar
	rm -rf "$TMP/root" "$TMP/cmp"
	mkdir -p "$TMP/root" "$TMP/cmp"
	cp "$BIN" "$TMP/root/layerwaste"
	cp -a "$img" "$TMP/root/$name"
	cp -a "$img" "$TMP/cmp/$name"
	if ! chroot "$TMP/root" /layerwaste -q --no-config -f json "$name" >"$TMP/static.json" 2>"$TMP/static.err"; then
		fail "static on $img: $(head -3 "$TMP/static.err")"; continue
	fi
	(cd "$TMP/cmp" && "$LW" -q --no-config -f json "$name") >"$TMP/dynamic.json"
	if cmp -s "$TMP/static.json" "$TMP/dynamic.json"; then ok; else
		fail "static and dynamic JSON differ on $img: $(diff "$TMP/static.json" "$TMP/dynamic.json" | head -4)"
	fi
	n=$((n + 1))
done
[ "$n" -ge 20 ] && ok || fail "only $n fixtures compared"
finish
