#!/usr/bin/env bash
# Package-manager churn on an Alpine-like image built with buildah. No
# real apk can run here (apk-tools is not packaged for this Debian and
# the network is closed), so the base holds a hand-made apk database in
# apk's own format: /lib/apk/db/installed (one block of C:/P:/V:/A:/S:/
# I:/T:/U:/L:/o:/m:/t:/c:/D: lines per package, F:/R:/Z: per file),
# /etc/apk/world, /lib/apk/db/triggers, scripts.tar and lock; and
# /sbin/apk, a busybox script that does what `apk add` does to them:
# appends the package's block, adds its name to the world, stores
# scripts.tar and the triggers again, writes the package's file.
#
# Three install steps: one package-db cause naming the three lines with
# apk's idiom, the first step's rewrites inherent and not judged, the
# others churn; --fix merges them and the rebuilt image has the same files and
# no churn. Two steps: one cause naming both. Already merged: no churn.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

need_cmd busybox python3 patch
lw_buildah_setup

B=$TMP/base
mkdir -p "$B/root/lib/apk/db" "$B/root/etc/apk" "$B/root/sbin" "$B/bb"
cp "$(command -v busybox)" "$B/bb/busybox"
# The base's packages, as apk records them.
{
	for p in musl busybox alpine-baselayout apk-tools ca-certificates-bundle \
		libcrypto3 libssl3 scanelf musl-utils zlib; do
		printf 'C:Q1%s=\nP:%s\nV:1.2.3-r0\nA:x86_64\nS:123456\nI:456789\n' \
			"$(printf '%s' "$p" | sha1sum | cut -c1-26)" "$p"
		printf 'T:the %s package of the test base\nU:https://alpinelinux.org\nL:MIT\n' "$p"
		printf 'o:%s\nm:Layerwaste Tests <tests@example.invalid>\nt:1700000000\nc:0123456789abcdef\n' "$p"
		printf 'D:so:libc.musl-x86_64.so.1\nF:usr/lib\nR:lib%s.so.1\na:0:0:755\nZ:Q1abcdefghijklmnopqrstuvwxyz0=\n\n' "$p"
	done
} >"$B/root/lib/apk/db/installed"
printf 'alpine-baselayout\napk-tools\nbusybox\nca-certificates-bundle\nlibssl3\nmusl-utils\n' \
	>"$B/root/etc/apk/world"
head -c 4096 /dev/zero >"$B/root/lib/apk/db/scripts.tar"
printf 'Q1busybox= /bin /sbin /usr/bin /usr/sbin\n' >"$B/root/lib/apk/db/triggers"
: >"$B/root/lib/apk/db/lock"
cat >"$B/root/sbin/apk" <<'SH'
#!/bin/sh
# What `apk add NAME...` does to apk's database (a test stand-in).
set -e
[ "$1" = add ] || { echo "apk: only add" >&2; exit 1; }
shift
db=/lib/apk/db
for p in "$@"; do
	printf 'C:Q1%s=\nP:%s\nV:1.0-r0\nA:x86_64\nS:2048\nI:4096\nT:%s, installed by the test\nU:https://example.invalid\nL:MIT\no:%s\nm:Layerwaste Tests <tests@example.invalid>\nt:1700000000\nc:0123456789abcdef\nF:usr/bin\nR:%s\na:0:0:755\nZ:Q1abcdefghijklmnopqrstuvwxyz0=\n\n' \
		"$(echo "$p" | sha1sum | cut -c1-26)" "$p" "$p" "$p" "$p" >>$db/installed
	echo "$p" >>/etc/apk/world
	mkdir -p /usr/bin
	printf '#!/bin/sh\necho %s\n' "$p" >/usr/bin/"$p"
	chmod 755 /usr/bin/"$p"
done
sort -o /etc/apk/world /etc/apk/world
# apk stores its scripts and triggers again on every run.
cat $db/scripts.tar >$db/scripts.tar.new && mv $db/scripts.tar.new $db/scripts.tar
printf '%s\n' "$(cat $db/triggers)" >$db/triggers.new && mv $db/triggers.new $db/triggers
: >$db/lock
SH
chmod 755 "$B/root/sbin/apk"
cat >"$B/Dockerfile" <<'DF'
FROM scratch
COPY bb/busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY root/ /
DF
lw_buildah_build "$B" churn-apk-base "$TMP/base.tar"

dfile() {
	local name=$1
	shift
	mkdir -p "$TMP/$name"
	{
		echo "FROM localhost/churn-apk-base:latest"
		printf '%s\n' "$@"
	} >"$TMP/$name/Dockerfile"
}
dfile three "RUN apk add pkga" "LABEL stage=three" "RUN apk add pkgb" "RUN apk add pkgc"
dfile two "RUN apk add pkga" "RUN apk add pkgb pkgc"
dfile merged "RUN apk add pkga && apk add pkgb && apk add pkgc"
for n in three two merged; do
	lw_buildah_build "$TMP/$n" "churn-apk-$n" "$TMP/$n.tar"
done

cd "$TMP/three"
run_lw 0 "$TMP/three.json" -f json --dockerfile Dockerfile "$TMP/three.tar"
check_eq "three: every cause is package-db" True \
	"$(jget "$TMP/three.json" "all(c.get('category') == 'package-db' for c in d['causes'])")"
# Layers: 0-2 the base (busybox, its links, the database), 3-5 the steps.
check_eq "three: the installed database rewritten by each step" "3<-2 4<-3 5<-4" \
	"$(jget "$TMP/three.json" "' '.join(sorted('%d<-%d' % (f['layer'], f['from_layer']) for f in d['findings'] if f['path'] == '/lib/apk/db/installed'))")"
# Inherent: the first step's rewrites of the base's copies, the
# installed database and the same bytes written again (scripts.tar,
# triggers: a touch), both inherited (docs/definitions.md).
check_eq "three: the inherent rewrites" "overwrite 3<-2 True touch 3<-2 True" \
	"$(jget "$TMP/three.json" "' '.join('%s %d<-%d %s' % (c['kind'], c['layer'], c['from_layer'], c['inherited']) for c in sorted(d['causes'], key=lambda c: c['kind']) if c.get('inherent'))")"
# Churn: every rewrite of a copy a step wrote.
churn=$(jget "$TMP/three.json" "sum(c['bytes'] for c in d['causes'] if c.get('category') == 'package-db' and c['from_layer'] >= 3)")
members=$(jget "$TMP/three.json" "len([c for c in d['causes'] if c.get('category') == 'package-db' and (c['inherent'] or c['from_layer'] >= 3)])")
inherent=$(jget "$TMP/three.json" "sum(c['bytes'] for c in d['causes'] if c.get('inherent'))")
check_eq "three: the merge names the three steps" \
	"The package database was rewritten by Dockerfile:2, :4 and :5: install in one RUN" \
	"$(jget "$TMP/three.json" "[s['title'] for s in d['suggestions'] if 'package database' in s['title']][0]")"
check_eq "three: apk's idiom, applied by --fix" "True True" \
	"$(jget "$TMP/three.json" "' '.join(str(x) for s in d['suggestions'] if 'package database' in s['title'] for x in (s['safe'], 'apk add --no-cache' in s['detail']))")"
run_lw 0 "$TMP/three.txt" --bytes --dockerfile Dockerfile "$TMP/three.tar"
check_eq "three text: one entry" 1 \
	"$(grep -c "^  package database: $members rewrites, $((churn + inherent)) ($churn churn; $inherent inherent, not judged)\$" "$TMP/three.txt" || true)"
run_lw 0 "$TMP/three.html" -f html --dockerfile Dockerfile "$TMP/three.tar"
check_eq "three html: one cause, package-db, three steps" "1 1 3" \
	"$(printf '%s %s %s' "$(grep -o '<li class="cause[" ]' "$TMP/three.html" | wc -l)" \
		"$(grep -o '<li class="cause pkgdb" data-category="package-db"' "$TMP/three.html" | wc -l)" \
		"$(grep -o '<li class="step"' "$TMP/three.html" | wc -l)")"
run_lw 0 "$TMP/rule-pass.txt" --dockerfile Dockerfile --max-churn-bytes "$churn" "$TMP/three.tar"
run_lw 1 "$TMP/rule-fail.txt" --dockerfile Dockerfile --max-churn-bytes $((churn - 1)) "$TMP/three.tar"

run_lw 0 "$TMP/fix.diff" --dockerfile Dockerfile --fix "$TMP/three.tar"
if patch -p1 --quiet <"$TMP/fix.diff"; then ok; else fail "three: the --fix diff does not apply"; fi
check_eq "fixed: one RUN" 1 "$(grep -c '^RUN ' Dockerfile)"
lw_buildah_build "$TMP/three" churn-apk-fixed "$TMP/fixed.tar"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/three.tar" >"$TMP/three.tree"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/fixed.tar" >"$TMP/fixed.tree"
if diff -u "$TMP/three.tree" "$TMP/fixed.tree" >"$TMP/tree.diff"; then ok; else
	fail "fixed: the files differ: $(head -20 "$TMP/tree.diff")"
fi
run_lw 0 "$TMP/fixed.json" -f json --dockerfile Dockerfile --max-churn-bytes 0 "$TMP/fixed.tar"
check_eq "fixed: no merge left to suggest" 0 \
	"$(jget "$TMP/fixed.json" "len([s for s in d['suggestions'] if 'package database' in s['title']])")"

cd "$TMP/two"
run_lw 0 "$TMP/two.json" -f json --dockerfile Dockerfile "$TMP/two.tar"
check_eq "two: the merge names both steps" \
	"The package database was rewritten by Dockerfile:2 and :3: install in one RUN" \
	"$(jget "$TMP/two.json" "[s['title'] for s in d['suggestions'] if 'package database' in s['title']][0]")"

cd "$TMP/merged"
run_lw 0 "$TMP/merged.json" -f json --dockerfile Dockerfile --max-churn-bytes 0 "$TMP/merged.tar"
check_eq "merged: no merge suggested" 0 \
	"$(jget "$TMP/merged.json" "len([s for s in d['suggestions'] if 'package database' in s['title']])")"
run_lw 0 "$TMP/merged.txt" --dockerfile Dockerfile "$TMP/merged.tar"
check_eq "merged text: no grouped entry" 0 "$(grep -c '^  package database: ' "$TMP/merged.txt" || true)"
finish
