#!/usr/bin/env bash
# Package-manager churn on a real Debian root: mmdebstrap (minbase, the
# apt lists kept) from this machine's Debian mirror, then three `apt-get
# install` steps built with buildah, each downloading its package. It
# needs the network and takes some minutes (the root is ~200 MB and
# buildah's vfs storage copies it for every step), so it runs only when
# LW_NETWORK_TESTS=1; otherwise, or without mmdebstrap, buildah or the
# mirror, it is skipped.
#
# Checked: every cause is package-db (apt's cache, its logs and
# extended_states, dpkg's status, status-old, log, lock files and
# alternatives); one entry in the text report and one cause on the HTML
# page naming the three steps; --fix merges them and the rebuilt image
# has the same packages and no churn.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

[ "${LW_NETWORK_TESTS:-0}" = 1 ] ||
	skip "needs the network and minutes: set LW_NETWORK_TESTS=1"
need_cmd mmdebstrap python3 patch
lw_buildah_setup
# shellcheck source=/dev/null
suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[ -n "$suite" ] || suite=bookworm
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
command -v curl >/dev/null 2>&1 &&
	{ curl -fsI --max-time 20 "$mirror/dists/$suite/Release" >/dev/null ||
		skip "the mirror $mirror cannot be reached"; }

mkdir -p "$TMP/base" "$TMP/three"
if ! timeout 600 mmdebstrap --quiet --variant=minbase --skip=cleanup/apt/lists \
	"$suite" "$TMP/base/rootfs.tar" "$mirror" >"$TMP/mmdebstrap.log" 2>&1; then
	skip "mmdebstrap failed: $(tail -2 "$TMP/mmdebstrap.log")"
fi
printf 'FROM scratch\nADD rootfs.tar /\n' >"$TMP/base/Dockerfile"
lw_buildah_build "$TMP/base" churn-debian-base "$TMP/base.tar"
rm -f "$TMP/base/rootfs.tar"
cat >"$TMP/three/Dockerfile" <<'DF'
FROM localhost/churn-debian-base:latest
RUN apt-get install -y --no-install-recommends hello
ENV APP_VERSION=1
RUN apt-get install -y --no-install-recommends less
RUN apt-get install -y --no-install-recommends netbase
DF
lw_buildah_build "$TMP/three" churn-debian-three "$TMP/three.tar"

# pkgset IMAGE: the final image's dpkg status as "package status" lines.
pkgset() {
	python3 - "$1" <<'EOF'
import json, sys, tarfile
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

cd "$TMP/three"
run_lw 0 "$TMP/three.json" -f json --dockerfile Dockerfile "$TMP/three.tar"
check_eq "every cause is package-db" True \
	"$(jget "$TMP/three.json" "len(d['causes']) > 0 and all(c.get('category') == 'package-db' for c in d['causes'])")"
check_eq "the merge names the three steps" \
	"The package database was rewritten by Dockerfile:2, :4 and :5: install in one RUN" \
	"$(jget "$TMP/three.json" "[s['title'] for s in d['suggestions'] if 'package database' in s['title']][0]")"
run_lw 0 "$TMP/three.txt" --dockerfile Dockerfile "$TMP/three.tar"
check_eq "text: one entry" 1 "$(grep -c '^  package database: ' "$TMP/three.txt" || true)"
check_eq "text: no entry per rewrite" 0 "$(grep -c 'overwrote [0-9]* files\? of layer' "$TMP/three.txt" || true)"
run_lw 0 "$TMP/three.html" -f html --dockerfile Dockerfile "$TMP/three.tar"
check_eq "html: one cause, package-db, three steps" "1 1 3" \
	"$(printf '%s %s %s' "$(grep -o '<li class="cause[" ]' "$TMP/three.html" | wc -l)" \
		"$(grep -o '<li class="cause pkgdb" data-category="package-db"' "$TMP/three.html" | wc -l)" \
		"$(grep -o '<li class="step"' "$TMP/three.html" | wc -l)")"

run_lw 0 "$TMP/fix.diff" --dockerfile Dockerfile --fix "$TMP/three.tar"
if patch -p1 --quiet <"$TMP/fix.diff"; then ok; else fail "the --fix diff does not apply"; fi
check_eq "fixed: one RUN" 1 "$(grep -c '^RUN ' Dockerfile)"
lw_buildah_build "$TMP/three" churn-debian-fixed "$TMP/fixed.tar"
if diff <(pkgset "$TMP/three.tar") <(pkgset "$TMP/fixed.tar") >"$TMP/pkgset.diff"; then ok; else
	fail "fixed: another package set: $(head -5 "$TMP/pkgset.diff")"
fi
run_lw 0 "$TMP/fixed.json" -f json --dockerfile Dockerfile --max-churn-bytes 0 "$TMP/fixed.tar"
check_eq "fixed: no churn" False \
	"$(jget "$TMP/fixed.json" "any(c.get('category') == 'package-db' and not c['inherent'] and not c['inherited'] for c in d['causes'])")"
finish
