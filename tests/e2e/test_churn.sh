#!/usr/bin/env bash
# Package-manager churn end to end, on images built with buildah: a base
# image made FROM scratch with busybox and a hand-made dpkg status (no
# network, no real package manager), then install steps that append to the
# status with shell commands, as dpkg would rewrite it. Three steps: one
# package-db cause naming the three lines, the first rewrite inherent and
# not judged, the two later ones churn, judged by --max-churn-bytes; the
# same steps merged into one RUN: no churn; --fix merges the three steps,
# and the rebuilt image has the same files (the same package set) and no
# churn.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

lw_buildah_setup
mkdir -p "$TMP/base" "$TMP/three" "$TMP/merged"
cp /bin/busybox "$TMP/base/busybox"
{
	printf 'Package: base-files\nStatus: install ok installed\n'
	for i in $(seq 100); do echo "Description: line $i of the base database"; done
} >"$TMP/base/status"
cat >"$TMP/base/Dockerfile" <<'DF'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY status /var/lib/dpkg/status
DF
lw_buildah_build "$TMP/base" churn-base "$TMP/base.tar"

# install N: what one package's install step does to the status.
inst() {
	echo "printf '\\nPackage: $1\\nStatus: install ok installed\\n' >> /var/lib/dpkg/status && mkdir -p /usr/local/bin && echo $1 > /usr/local/bin/$1"
}
cat >"$TMP/three/Dockerfile" <<DF
FROM localhost/churn-base:latest
RUN $(inst pkga)
ENV APP_VERSION=1
RUN $(inst pkgb)
RUN $(inst pkgc)
DF
lw_buildah_build "$TMP/three" churn-three "$TMP/three.tar"
cat >"$TMP/merged/Dockerfile" <<DF
FROM localhost/churn-base:latest
RUN $(inst pkga) && $(inst pkgb) && $(inst pkgc)
DF
lw_buildah_build "$TMP/merged" churn-merged "$TMP/merged.tar"

cd "$TMP/three"
run_lw 0 "$TMP/three.json" -f json --dockerfile Dockerfile "$TMP/three.tar"
check_eq "aligned" True "$(jget "$TMP/three.json" "d['attribution']['aligned']")"
check_eq "package-db causes" 3 \
	"$(jget "$TMP/three.json" "len([c for c in d['causes'] if c.get('category') == 'package-db'])")"
check_eq "inherent causes (layer <- from)" "3<-2" \
	"$(jget "$TMP/three.json" "' '.join('%d<-%d' % (c['layer'], c['from_layer']) for c in d['causes'] if c.get('inherent'))")"
check_eq "the inherent one is inherited" True \
	"$(jget "$TMP/three.json" "all(c['inherited'] for c in d['causes'] if c.get('inherent'))")"
check_eq "no category on other causes" "" \
	"$(jget "$TMP/three.json" "' '.join(str(c.get('category')) for c in d['causes'] if c.get('category') != 'package-db' and 'category' in c)")"
# The churn: the status as the first and second steps left it (each step
# appends 44 bytes).
churn=$(jget "$TMP/three.json" "sum(c['bytes'] for c in d['causes'] if c.get('category') == 'package-db' and not c['inherent'] and not c['inherited'])")
s1=$(wc -c <"$TMP/base/status")
check_eq "churn bytes" $((2 * s1 + 3 * 44)) "$((churn))"
check_eq "one suggestion names the steps" \
	"The package database was rewritten by Dockerfile:2, :4 and :5: install in one RUN" \
	"$(jget "$TMP/three.json" "[s['title'] for s in d['suggestions'] if 'package database' in s['title']][0]")"
check_eq "apt idiom, merge applied by --fix" "True True" \
	"$(jget "$TMP/three.json" "' '.join(str(x) for s in d['suggestions'] if 'package database' in s['title'] for x in (s['safe'], '--no-install-recommends' in s['detail']))")"

run_lw 0 "$TMP/three.txt" --dockerfile Dockerfile "$TMP/three.tar"
# One entry for the three causes (not one per cause), and the suggestion.
check_eq "text: one entry for the package database" 1 \
	"$(grep -c '^  package database: 3 rewrites, 12.9 kB (8.6 kB churn; 4.2 kB inherent, not judged)$' "$TMP/three.txt")"
check_eq "text: no line per cause" 0 "$(grep -c 'overwrote 1 file of layer' "$TMP/three.txt")"
# A line per install step, with what its rewrite hid: the base's copy
# (inherent) by the first, the build's own copies (churn) by the others.
check_eq "text: the steps" \
	"layer 3 Dockerfile:2 inherent|layer 4 Dockerfile:4 churn|layer 5 Dockerfile:5 churn" \
	"$(sed -n "s/^    \(layer [0-9] Dockerfile:[0-9]\) .*: [0-9.]* [kM]*B \([a-z]*\)$/\1 \2/p" "$TMP/three.txt" | paste -sd'|')"
check_eq "text: the steps named by the fix and the suggestion" 2 \
	"$(grep -c 'The package database was rewritten by Dockerfile:2, :4 and :5' "$TMP/three.txt")"

# The rule counts the churn only: it passes at the churn, fails below it.
run_lw 0 "$TMP/rule-pass.txt" --dockerfile Dockerfile --max-churn-bytes "$churn" "$TMP/three.tar"
run_lw 1 "$TMP/rule-fail.txt" --dockerfile Dockerfile --max-churn-bytes $((churn - 1)) "$TMP/three.tar"
grep -q "max-churn-bytes" "$TMP/rule-fail.txt" && ok || fail "the failed rule is not named: $(cat "$TMP/rule-fail.txt")"
printf 'rules:\n  max-churn-bytes: %s\n' $((churn - 1)) >"$TMP/three/.layerwaste.yml"
run_lw 1 "$TMP/rule-config.txt" --dockerfile Dockerfile "$TMP/three.tar"
rm "$TMP/three/.layerwaste.yml"

# The report keeps to the schema (category and inherent are documented),
# where python3 has jsonschema.
if python3 -c 'import jsonschema' 2>/dev/null; then
	if python3 -c 'import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))' \
		"$LW_ROOT/docs/schema/layerwaste-v1.schema.json" "$TMP/three.json" 2>"$TMP/three.schema"; then
		ok
	else
		fail "three.json does not keep to the schema: $(tail -3 "$TMP/three.schema")"
	fi
fi

# --fix: the three steps merged into the first, the ENV between kept.
run_lw 0 "$TMP/fix.diff" --dockerfile Dockerfile --fix "$TMP/three.tar"
patch -p1 --quiet <"$TMP/fix.diff" && ok || fail "the --fix diff does not apply"
check_eq "fixed Dockerfile: RUN lines" 1 "$(grep -c '^RUN ' Dockerfile)"
check_eq "fixed Dockerfile: ENV kept" 1 "$(grep -c '^ENV APP_VERSION=1$' Dockerfile)"
lw_buildah_build "$TMP/three" churn-fixed "$TMP/fixed.tar"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/three.tar" >"$TMP/three.tree"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/fixed.tar" >"$TMP/fixed.tree"
if diff -u "$TMP/three.tree" "$TMP/fixed.tree" >"$TMP/tree.diff"; then ok; else
	fail "the fixed image's files differ: $(head -20 "$TMP/tree.diff")"
fi
run_lw 0 "$TMP/fixed.json" -f json --dockerfile Dockerfile --max-churn-bytes 0 "$TMP/fixed.tar"
check_eq "fixed: no churn, one inherent rewrite" "True" \
	"$(jget "$TMP/fixed.json" "' '.join(str(c['inherent']) for c in d['causes'] if c.get('category') == 'package-db')")"

cd "$TMP/merged"
run_lw 0 "$TMP/merged.json" -f json --dockerfile Dockerfile --max-churn-bytes 0 "$TMP/merged.tar"
check_eq "merged: one package-db cause, inherent" "True" \
	"$(jget "$TMP/merged.json" "' '.join(str(c['inherent']) for c in d['causes'] if c.get('category') == 'package-db')")"
check_eq "merged: no package-database suggestion" 0 \
	"$(jget "$TMP/merged.json" "len([s for s in d['suggestions'] if 'package database' in s['title']])")"
finish
