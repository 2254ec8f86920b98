#!/usr/bin/env bash
# More fixes end to end: build fixtures/src/fixmore with buildah (a COPY
# then chmod -R where some files already had the mode, a cleanup with ENV,
# LABEL, WORKDIR, EXPOSE and a COPY between, apt and pip caches deleted
# later, hard links under chown -R, a chown of one part of a COPY, and one
# chown of a COPY's files and of an earlier RUN's), check
# the hard links' findings and the fixes offered, apply the --fix diff,
# rebuild, and check that the fixed waste is gone while the final file
# system (paths, content, owners, modes) is the same.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

lw_buildah_setup
mkdir -p "$TMP/ctx"
cp -r "$LW_ROOT/fixtures/src/fixmore/." "$TMP/ctx/"
cp /bin/busybox "$TMP/ctx/busybox"
# The modes the fixture needs, whatever the checkout's umask made them.
chmod -R u=rwX,go=rX "$TMP/ctx"
chmod 755 "$TMP/ctx/data/bin/"*.sh "$TMP/ctx/busybox"
lw_buildah_build "$TMP/ctx" fixmore-before "$TMP/before.tar"

cd "$TMP/ctx"
B=$TMP/before.json
run_lw 0 "$B" -f json --dockerfile Dockerfile "$TMP/before.tar"
run_lw 0 "$TMP/before.text" --dockerfile Dockerfile "$TMP/before.tar"
check_eq "aligned" True "$(jget "$B" "d['attribution']['aligned']")"
check_invariant "$B"

# Hard links under chown -R: the file and both links are findings, the
# links of 0 bytes, and every count has them.
check_eq "hard links: findings" "/hl/a chown 2000|/hl/b chown 0|/hl/c chown 0" \
	"$(jget "$B" "'|'.join(f['path'] + ' ' + f['kind'] + ' ' + str(f['bytes']) for f in d['findings'] if f['path'].startswith('/hl/'))")"
# chown: /hl a, b, c; /srv/site/beta 2 files; /opt/conf and /opt/gen 1 each
grep -Eq "^ +chown +12\.0 kB in 7 files$" "$TMP/before.text" && ok ||
	fail "text: chown count without the links: $(grep -E '^ +chown ' "$TMP/before.text")"

# What is applied and what stays advice.
check_eq "applied" "cleanup cleanup cleanup copy-chmod copy-chown copy-chown same-run" \
	"$(jget "$B" "' '.join(sorted(s['kind'] for s in d['suggestions'] if s['safe']))")"
check_eq "advice" "" \
	"$(jget "$B" "' '.join(sorted(s['kind'] for s in d['suggestions'] if not s['safe']))")"
check_eq "apt idiom" True \
	"$(jget "$B" "any(s['title'].startswith('Clean the apt cache') and 'rm -rf /var/lib/apt/lists/*' in s['detail'] and s['safe'] for s in d['suggestions'])")"
check_eq "pip idiom" True \
	"$(jget "$B" "any(s['title'].startswith('Clean the pip cache') and '--no-cache-dir' in s['detail'] for s in d['suggestions'])")"
# chmod 6500 + delete 14000 + chown 2000 (/hl), 5000 (/srv/site/beta),
# 2000 (/opt/conf) and 3000 (/opt/gen): all applied
check_eq "wasted before" 32500 "$(jget "$B" "d['summary']['wasted_bytes']")"
check_eq "applied bytes" 32500 "$(jget "$B" "sum(s['saves_bytes'] for s in d['suggestions'] if s['safe'])")"

run_lw 0 "$TMP/fix.diff" --dockerfile Dockerfile --fix "$TMP/before.tar"
patch -p1 --quiet <"$TMP/fix.diff" && ok || fail "the --fix diff does not apply"
grep -q -- "^COPY --chmod=755 data/ /srv/data/" Dockerfile && ok || fail "no COPY --chmod"
grep -q -- "^ && rm -rf /build$" Dockerfile && ok || fail "the cleanup did not move past ENV, WORKDIR and COPY"
if grep -q "^RUN rm -rf /build" Dockerfile; then fail "the cleanup RUN is still there"; else ok; fi
grep -q -- "^COPY --chown=33:33 srv/beta/ /srv/site/beta/$" Dockerfile && ok || fail "the COPY was not split"
grep -q -- "^COPY --chown=1000:1000 conf/ /opt/conf/$" Dockerfile && ok || fail "no COPY --chown for conf/"
grep -q -- "> /opt/gen/out.txt && chown -R 1000:1000 /opt/gen$" Dockerfile && ok || fail "the chown of /opt/gen did not move"

lw_buildah_build "$TMP/ctx" fixmore-after "$TMP/after.tar"
A=$TMP/after.json
run_lw 0 "$A" -f json --dockerfile Dockerfile "$TMP/after.tar"
check_invariant "$A"
check_eq "chmod after" 0 "$(jget "$A" "d['summary']['by_kind']['chmod']")"
check_eq "delete after" 0 "$(jget "$A" "d['summary']['by_kind']['delete']")"
check_eq "nothing wasted after" 0 "$(jget "$A" "d['summary']['wasted_bytes']")"
check_eq "no hard link left" 0 "$(jget "$A" "len([f for f in d['findings'] if f['path'].startswith('/hl/')])")"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/before.tar" >"$TMP/before.tree"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/after.tar" >"$TMP/after.tree"
if diff -u "$TMP/before.tree" "$TMP/after.tree" >"$TMP/tree.diff"; then ok; else
	fail "the fixed image's files differ: $(head -20 "$TMP/tree.diff")"
fi
run_lw 0 "$TMP/fix2.diff" --dockerfile Dockerfile --fix "$TMP/after.tar"
check_eq "nothing left to fix" "" "$(cat "$TMP/fix2.diff")"
finish
