#!/usr/bin/env bash
# Attribution end to end: build fixtures/src/fixable with buildah, check the
# Dockerfile lines layerwaste names, apply its --fix diff, rebuild, and check
# that the waste it fixed is gone while the final file system (paths,
# content, owners, modes) is the same.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

lw_buildah_setup
mkdir -p "$TMP/ctx"
cp -r "$LW_ROOT/fixtures/src/fixable/." "$TMP/ctx/"
cp /bin/busybox "$TMP/ctx/busybox"
lw_buildah_build "$TMP/ctx" fixable-before "$TMP/before.tar"

cd "$TMP/ctx"
run_lw 0 "$TMP/before.json" -f json --dockerfile Dockerfile "$TMP/before.tar"
check_eq "aligned" True "$(jget "$TMP/before.json" "d['attribution']['aligned']")"
# The layers' lines: COPY app/ is line 12, its chown line 13.
check_eq "chown layer line" "RUN 13" \
	"$(jget "$TMP/before.json" "[l['instruction']['keyword'] + ' ' + str(l['instruction']['line']) for l in d['layers'] if l['instruction'] and 'chown -R' in (l['instruction']['text'] or '')][0]")"
check_eq "base layer" "True" "$(jget "$TMP/before.json" "d['layers'][0]['instruction'] is None or d['layers'][0]['instruction']['line'] == 7")"
check_eq "suggestion kinds" "cleanup copy-chmod copy-chown same-run" \
	"$(jget "$TMP/before.json" "' '.join(sorted(s['kind'] for s in d['suggestions'] if s['safe']))")"

run_lw 0 "$TMP/fix.diff" --dockerfile Dockerfile --fix "$TMP/before.tar"
cp Dockerfile Dockerfile.orig
patch -p1 --quiet <"$TMP/fix.diff" && ok || fail "the --fix diff does not apply"
grep -q -- "COPY --chown=1000:1000 app/ /app/" Dockerfile && ok || fail "no COPY --chown in the fixed Dockerfile"
grep -q -- "COPY --chmod=755 tool.sh" Dockerfile && ok || fail "no COPY --chmod in the fixed Dockerfile"
if grep -q "^RUN rm -rf /srv/cache" Dockerfile; then fail "the cleanup RUN is still there"; else ok; fi

lw_buildah_build "$TMP/ctx" fixable-after "$TMP/after.tar"
run_lw 0 "$TMP/after.json" -f json --dockerfile Dockerfile "$TMP/after.tar"
check_eq "metadata waste after the fix" 0 \
	"$(jget "$TMP/after.json" "sum(d['summary']['by_kind'][k] for k in ('chown', 'chmod', 'chown+chmod', 'touch'))")"
check_eq "delete waste after the fix" 0 "$(jget "$TMP/after.json" "d['summary']['by_kind']['delete']")"
# chown 6500 (main 2600 + lib 3900) + chmod 20 + delete 6000 + chown+chmod 3000
check_eq "wasted before" 15520 "$(jget "$TMP/before.json" "d['summary']['wasted_bytes']")"
check_eq "wasted after" 0 "$(jget "$TMP/after.json" "d['summary']['wasted_bytes']")"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/before.tar" >"$TMP/before.tree"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/after.tar" >"$TMP/after.tree"
if diff -u "$TMP/before.tree" "$TMP/after.tree" >"$TMP/tree.diff"; then ok; else
	fail "the fixed image's files differ: $(head -20 "$TMP/tree.diff")"
fi
run_lw 0 "$TMP/fix2.diff" --dockerfile Dockerfile --fix "$TMP/after.tar"
check_eq "nothing left to fix" "" "$(cat "$TMP/fix2.diff")"
finish
