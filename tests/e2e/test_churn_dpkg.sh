#!/usr/bin/env bash
# Package-manager churn on a real package database, rewritten by the real
# dpkg, in images built with buildah (no network).
#
# The base image, FROM scratch: busybox for the shell's tools, dash as
# /bin/sh, and this machine's dpkg (its programs, GNU tar that dpkg-deb
# calls, the shared libraries they load, dpkg.cfg with its log) over a
# copy of this machine's dpkg status (after one dpkg run over it: its
# lock files, status-old): a real database of some hundreds of packages.
# The packages installed are built here with dpkg-deb, so every install
# step is a genuine dpkg run: it rewrites the status, status-old, its
# log, its lock files and its triggers.
#
# Three install steps: one package-db cause naming the three lines, in
# the text report, the JSON report and the HTML page; the first rewrite
# of each of the base's copies inherent and not judged, the others churn,
# judged by max-churn-bytes;
# --fix merges the three into one RUN, and the rebuilt image has the same
# package set and the same files (dpkg's log aside: it holds times) and
# no churn. Two steps: one cause naming both. The steps already merged:
# no churn, no merge suggested.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

need_cmd dpkg dpkg-deb busybox dash tar ldd python3 patch
[ -s /var/lib/dpkg/status ] || skip "no dpkg database on this machine (/var/lib/dpkg/status)"
lw_buildah_setup

# The base's root: copy PROGRAM... with the libraries ldd names.
R=$TMP/base/rootfs
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" \
	"$R/var/lib/dpkg/triggers" "$R/var/log" "$R/tmp" "$R/etc/dpkg" \
	"$R/usr/share/dpkg" "$TMP/base/bb"
copy_prog() {
	local p lib
	for p in "$@"; do
		mkdir -p "$R$(dirname "$p")"
		cp "$p" "$R$p"
		for lib in $(ldd "$p" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/.*ld-linux/ { print $1 }'); do
			[ -e "$R$lib" ] && continue
			mkdir -p "$R$(dirname "$lib")"
			cp -L "$lib" "$R$lib"
		done
	done
}
# dpkg's programs (dpkg-split, dpkg-query, update-alternatives, ...) and
# the tar dpkg-deb runs; /bin/sh is dash, so that "dpkg" is the one on
# PATH and not busybox's applet of that name.
progs=$(dpkg -L dpkg | grep -E '/s?bin/[^/]+$' | while read -r p; do [ -f "$p" ] && [ ! -L "$p" ] && echo "$p"; done)
# shellcheck disable=SC2086
copy_prog $progs "$(command -v tar)"
mkdir -p "$R/bin" "$R/sbin"
cp "$(readlink -f "$(command -v dash)")" "$R/bin/sh"
# dpkg wants ldconfig on PATH (glibc's is static).
ldc=$(PATH=$PATH:/usr/sbin:/sbin command -v ldconfig) || skip "no ldconfig"
cp "$(readlink -f "$ldc")" "$R/sbin/ldconfig"
[ -x "$R/usr/bin/dpkg" ] || skip "dpkg is not /usr/bin/dpkg here"
cp /usr/share/dpkg/*table "$R/usr/share/dpkg/" 2>/dev/null || true
[ -f /etc/dpkg/dpkg.cfg ] && cp /etc/dpkg/dpkg.cfg "$R/etc/dpkg/"
grep -q '^log ' "$R/etc/dpkg/dpkg.cfg" 2>/dev/null ||
	echo 'log /var/log/dpkg.log' >>"$R/etc/dpkg/dpkg.cfg"
cp /var/lib/dpkg/status "$R/var/lib/dpkg/status"
: >"$R/var/lib/dpkg/available"
# One dpkg run over the copy, as every Debian root has had: its lock
# files, status-old, the triggers' files (nothing is pending: no script
# runs).
dpkg --root="$R" --force-script-chrootless --configure --pending >/dev/null 2>&1 ||
	skip "dpkg --root cannot run here"
cp "$(command -v busybox)" "$TMP/base/bb/busybox"
cat >"$TMP/base/Dockerfile" <<'DF'
FROM scratch
COPY bb/busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY rootfs/ /
DF
lw_buildah_build "$TMP/base" churn-dpkg-base "$TMP/base.tar"
npkgs=$(grep -c '^Package: ' "$R/var/lib/dpkg/status")

# Three packages, built with dpkg-deb.
mkdir -p "$TMP/debs"
for p in pkga pkgb pkgc; do
	d=$TMP/src/$p
	mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$p" "$d/usr/bin"
	printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: layerwaste tests <tests@example.invalid>\nDescription: %s, installed by the churn test\n' \
		"$p" "$p" >"$d/DEBIAN/control"
	echo "$p" >"$d/usr/share/doc/$p/README"
	printf '#!/bin/sh\necho %s\n' "$p" >"$d/usr/bin/$p"
	chmod 755 "$d/usr/bin/$p"
	dpkg-deb --root-owner-group -Zgzip -b "$d" "$TMP/debs/$p.deb" >/dev/null
done

# dfile NAME RUN-LINES...: a context with the packages and a Dockerfile.
dfile() {
	local name=$1
	shift
	mkdir -p "$TMP/$name"
	cp -r "$TMP/debs" "$TMP/$name/debs"
	{
		echo "FROM localhost/churn-dpkg-base:latest"
		echo "COPY debs/ /debs/"
		printf '%s\n' "$@"
	} >"$TMP/$name/Dockerfile"
}
dfile three "RUN dpkg -i /debs/pkga.deb" "ENV APP_VERSION=1" \
	"RUN dpkg -i /debs/pkgb.deb" "RUN dpkg -i /debs/pkgc.deb"
dfile two "RUN dpkg -i /debs/pkga.deb" "RUN dpkg -i /debs/pkgb.deb /debs/pkgc.deb"
dfile merged "RUN dpkg -i /debs/pkga.deb && dpkg -i /debs/pkgb.deb && dpkg -i /debs/pkgc.deb"
for n in three two merged; do
	lw_buildah_build "$TMP/$n" "churn-dpkg-$n" "$TMP/$n.tar"
done

# pkgset IMAGE: the final image's dpkg status, as "package status" lines.
pkgset() {
	python3 - "$1" <<'EOF'
import io, json, sys, tarfile
status = None
with tarfile.open(sys.argv[1]) as outer:
    man = json.load(outer.extractfile("manifest.json"))[0]
    for name in man["Layers"]:
        with tarfile.open(fileobj=outer.extractfile(name)) as layer:
            for e in layer:
                if e.name.lstrip("./") == "var/lib/dpkg/status" and e.isfile():
                    status = layer.extractfile(e).read().decode()
pkg = None
for line in status.splitlines():
    if line.startswith("Package: "):
        pkg = line[9:]
    elif line.startswith("Status: "):
        print(pkg, line[8:])
EOF
}

# --- three install steps ---
cd "$TMP/three"
check_eq "three: dpkg recorded the base's packages and the three" $((npkgs + 3)) \
	"$(pkgset "$TMP/three.tar" | grep -c ' install ok installed$' || true)"
run_lw 0 "$TMP/three.json" -f json --dockerfile Dockerfile "$TMP/three.tar"
check_eq "three: aligned" True "$(jget "$TMP/three.json" "d['attribution']['aligned']")"
# Every rewrite dpkg made is package state: the status, status-old, the
# log, the lock files, triggers; no other cause.
check_eq "three: every cause is package-db" True \
	"$(jget "$TMP/three.json" "all(c.get('category') == 'package-db' for c in d['causes'])")"
check_eq "three: the status is rewritten by each step" "4<-2 5<-4 6<-5" \
	"$(jget "$TMP/three.json" "' '.join(sorted('%d<-%d' % (f['layer'], f['from_layer']) for f in d['findings'] if f['path'] == '/var/lib/dpkg/status'))")"
# Inherent: the first rewrite of each of the base's copies (the status
# and the lock files by the first step; status-old, which dpkg leaves as
# it is when the status did not change before, by the second), every one
# inherited (a touch too: docs/definitions.md).
check_eq "three: the status's inherent rewrite" "4<-2" \
	"$(jget "$TMP/three.json" "' '.join('%d<-%d' % (f['layer'], f['from_layer']) for f in d['findings'] if f['path'] == '/var/lib/dpkg/status' and f['from_layer'] == 2)")"
check_eq "three: every inherent cause rewrites a base copy, inherited" True \
	"$(jget "$TMP/three.json" "all(c['from_layer'] == 2 and c['inherited'] for c in d['causes'] if c.get('inherent')) and all(c['inherent'] for c in d['causes'] if c['from_layer'] == 2)")"
churn=$(jget "$TMP/three.json" "sum(c['bytes'] for c in d['causes'] if c.get('category') == 'package-db' and not c['inherent'] and not c['inherited'])")
inherent=$(jget "$TMP/three.json" "sum(c['bytes'] for c in d['causes'] if c.get('inherent'))")
# The churn is at least the status twice (as steps one and two left it).
status_size=$(stat -c %s "$R/var/lib/dpkg/status")
if [ "$churn" -gt $((2 * status_size)) ]; then ok; else
	fail "three: churn $churn is not more than twice the status ($status_size)"
fi
check_eq "three: one suggestion names the three steps" \
	"The package database was rewritten by Dockerfile:3, :5 and :6: install in one RUN" \
	"$(jget "$TMP/three.json" "[s['title'] for s in d['suggestions'] if 'package database' in s['title']][0]")"
check_eq "three: applied by --fix" True \
	"$(jget "$TMP/three.json" "[s['safe'] for s in d['suggestions'] if 'package database' in s['title']][0]")"

run_lw 0 "$TMP/three.txt" --bytes --dockerfile Dockerfile "$TMP/three.tar" || true
ncauses=$(jget "$TMP/three.json" "len(d['causes'])")
check_eq "three text: one entry for the package database" 1 \
	"$(grep -c "^  package database: $ncauses rewrites, $((churn + inherent)) ($churn churn; $inherent inherent, not judged)\$" "$TMP/three.txt" || true)"
check_eq "three text: no entry per rewrite" 0 "$(grep -c 'overwrote [0-9]* files\? of layer' "$TMP/three.txt" || true)"

# The HTML page: one cause with the three steps and the same bytes.
run_lw 0 "$TMP/three.html" -f html --dockerfile Dockerfile "$TMP/three.tar"
v=$(python3 - "$TMP/three.html" <<'EOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.causes = []; self.steps = []; self.cur = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); cls = (a.get("class") or "").split()
        if tag == "li" and "cause" in cls:
            self.causes.append(a)
        if tag == "li" and "step" in cls:
            self.steps.append(a)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
pk = [c for c in p.causes if c.get("data-category") == "package-db"]
print(len(p.causes), len(pk), pk[0]["data-churn"] if pk else "-",
      pk[0]["data-inherent"] if pk else "-", len(p.steps),
      " ".join(s["data-layer"] for s in p.steps))
EOF
)
check_eq "three html: causes, package-db, churn, inherent, steps" \
	"1 1 $churn $inherent 3 4 5 6" "$v"

# The rule counts the churn only.
run_lw 0 "$TMP/rule-pass.txt" --dockerfile Dockerfile --max-churn-bytes "$churn" "$TMP/three.tar"
run_lw 1 "$TMP/rule-fail.txt" --dockerfile Dockerfile --max-churn-bytes $((churn - 1)) "$TMP/three.tar"

# --fix: the steps merged into the first; rebuilt: the same packages,
# the same files (dpkg's log holds times), no churn.
run_lw 0 "$TMP/fix.diff" --dockerfile Dockerfile --fix "$TMP/three.tar"
if patch -p1 --quiet <"$TMP/fix.diff"; then ok; else fail "three: the --fix diff does not apply"; fi
check_eq "fixed: one RUN" 1 "$(grep -c '^RUN ' Dockerfile)"
check_eq "fixed: the ENV kept" 1 "$(grep -c '^ENV APP_VERSION=1$' Dockerfile)"
lw_buildah_build "$TMP/three" churn-dpkg-fixed "$TMP/fixed.tar"
if diff <(pkgset "$TMP/three.tar") <(pkgset "$TMP/fixed.tar") >"$TMP/pkgset.diff"; then ok; else
	fail "fixed: another package set: $(head -5 "$TMP/pkgset.diff")"
fi
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/three.tar" | grep -v '^/var/log/dpkg.log ' >"$TMP/three.tree"
python3 "$LW_ROOT/tests/e2e/fstree.py" "$TMP/fixed.tar" | grep -v '^/var/log/dpkg.log ' >"$TMP/fixed.tree"
if diff -u "$TMP/three.tree" "$TMP/fixed.tree" >"$TMP/tree.diff"; then ok; else
	fail "fixed: the files differ: $(head -20 "$TMP/tree.diff")"
fi
run_lw 0 "$TMP/fixed.json" -f json --dockerfile Dockerfile --max-churn-bytes 0 "$TMP/fixed.tar"
check_eq "fixed: no churn, the inherent rewrite only" "False" \
	"$(jget "$TMP/fixed.json" "any(c.get('category') == 'package-db' and not c['inherent'] and not c['inherited'] for c in d['causes'])")"

# --- two install steps ---
cd "$TMP/two"
run_lw 0 "$TMP/two.json" -f json --dockerfile Dockerfile "$TMP/two.tar"
check_eq "two: one suggestion names both steps" \
	"The package database was rewritten by Dockerfile:3 and :4: install in one RUN" \
	"$(jget "$TMP/two.json" "[s['title'] for s in d['suggestions'] if 'package database' in s['title']][0]")"
run_lw 0 "$TMP/two.txt" --dockerfile Dockerfile "$TMP/two.tar"
check_eq "two text: one entry" 1 "$(grep -c '^  package database: ' "$TMP/two.txt" || true)"

# --- already merged ---
cd "$TMP/merged"
run_lw 0 "$TMP/merged.json" -f json --dockerfile Dockerfile --max-churn-bytes 0 "$TMP/merged.tar"
check_eq "merged: package-db causes all inherent or of the base" "True" \
	"$(jget "$TMP/merged.json" "all(c['inherent'] or c['inherited'] or c['kind'] == 'touch' for c in d['causes'] if c.get('category') == 'package-db')")"
check_eq "merged: no merge suggested" 0 \
	"$(jget "$TMP/merged.json" "len([s for s in d['suggestions'] if 'package database' in s['title']])")"
run_lw 0 "$TMP/merged.txt" --dockerfile Dockerfile "$TMP/merged.tar"
check_eq "merged text: no grouped entry" 0 "$(grep -c '^  package database: ' "$TMP/merged.txt" || true)"
finish
