#!/usr/bin/env bash
# The Debian package that CPack builds (packaging/cpack.cmake) from the
# test's build: it holds exactly the files of `cmake --install --strip
# --prefix /usr`, byte for byte; its control fields are the project's; its
# Depends name the package of every library the binary is linked to, and
# this machine's packages satisfy them; `dpkg -i` installs it into a
# scratch root, where dpkg verifies it and the installed binary's JSON
# equals the build's; `dpkg -r` removes every file. Runs when
# LW_TEST_PACKAGING=1 (scripts/test sets it in its plain pass).
. "$(dirname "$0")/lib.sh"
[ "${LW_TEST_PACKAGING:-0}" = 1 ] || skip "LW_TEST_PACKAGING is not 1 (scripts/test packages once, in its plain pass)"
need_cmd cmake cpack dpkg dpkg-deb readelf

BUILD=$(dirname "$LW")
[ -f "$BUILD/CPackConfig.cmake" ] || skip "no CPackConfig.cmake in $BUILD"
version=$(sed -n 's/^#define LW_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$LW_ROOT/include/layerwaste/util.h" | paste -sd.)
home=$(sed -n 's/^#define LW_HOMEPAGE "\(.*\)"$/\1/p' "$LW_ROOT/include/layerwaste/render.h")
arch=$(dpkg --print-architecture)

if cpack --config "$BUILD/CPackConfig.cmake" -B "$TMP/out" >"$TMP/cpack.log" 2>&1; then ok; else
	fail "cpack: $(tail -5 "$TMP/cpack.log")"; finish; exit 1
fi
DEB=$TMP/out/layerwaste_${version}_$arch.deb
if [ ! -f "$DEB" ]; then
	fail "no $(basename "$DEB"): $(cd "$TMP/out" && echo *.deb)"; finish; exit 1
fi
ok
echo "$(basename "$DEB"): $(stat -c %s "$DEB") bytes"
(cd "$TMP/out" && sha256sum -c --quiet "$(basename "$DEB").sha256") && ok || fail "the .sha256 beside the package does not match it"

# The same files as cmake --install --strip, with the same bytes and modes.
if DESTDIR=$TMP/inst cmake --install "$BUILD" --prefix /usr --strip >"$TMP/install.log" 2>&1; then ok; else
	fail "cmake --install: $(tail -3 "$TMP/install.log")"
fi
(cd "$TMP/inst" && find . ! -type d | sort) >"$TMP/install.list"
dpkg-deb -c "$DEB" >"$TMP/deb.contents"
awk '$1 !~ /^d/ { print $6 }' "$TMP/deb.contents" | sort >"$TMP/deb.list"
[ "$(wc -l <"$TMP/install.list")" -ge 10 ] && ok || fail "cmake --install put only $(wc -l <"$TMP/install.list") files"
if cmp -s "$TMP/install.list" "$TMP/deb.list"; then ok; else
	fail "dpkg-deb -c and cmake --install differ: $(diff "$TMP/install.list" "$TMP/deb.list" | grep '^[<>]' | head -5 | paste -sd' ')"
fi
dpkg-deb -x "$DEB" "$TMP/x"
sums() { (cd "$1" && find . ! -type d -printf '%m %p\n' | sort -k2 | while read -r m p; do echo "$m $(sha256sum <"$p" | cut -d' ' -f1) $p"; done); }
if [ "$(sums "$TMP/inst")" = "$(sums "$TMP/x")" ]; then ok; else
	fail "file modes or bytes differ: $(diff <(sums "$TMP/inst") <(sums "$TMP/x") | grep '^[<>]' | head -4 | paste -sd' ')"
fi
grep -q '^-rwxr-xr-x root/root .* \./usr/bin/layerwaste$' "$TMP/deb.contents" && ok ||
	fail "usr/bin/layerwaste is not root-owned 0755: $(grep bin/layerwaste "$TMP/deb.contents")"

# Control fields.
field() { dpkg-deb -f "$DEB" "$1"; }
check_eq "Package" layerwaste "$(field Package)"
check_eq "Version" "$version" "$(field Version)"
check_eq "Architecture" "$arch" "$(field Architecture)"
check_eq "Homepage (LW_HOMEPAGE)" "$home" "$(field Homepage)"
[[ $(field Maintainer) =~ ^[^\<]+\ \<[^@\>]+@[^\>]+\>$ ]] && ok || fail "Maintainer: '$(field Maintainer)'"
[ -n "$(field Description | sed -n 2p)" ] && ok || fail "Description has no long text: $(dpkg-deb -I "$DEB")"
dpkg-deb -I "$DEB" >"$TMP/info"
grep -q '^ Installed-Size: [0-9]' "$TMP/info" && ok || fail "no Installed-Size"
# Every library the binary needs comes from a package that Depends names.
deps=$(field Depends | tr ',' '\n' | sed 's/^ *//; s/[ (].*//')
bin=$TMP/x/usr/bin/layerwaste
for so in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	pkg=$(dpkg -S "*/$so" 2>/dev/null | grep -v '^diversion' | head -1 | cut -d: -f1)
	if [ -z "$pkg" ]; then
		fail "no installed package holds $so"
	elif grep -qx "$pkg" <<<"$deps"; then ok; else
		fail "Depends lacks $pkg (for $so): $(field Depends)"
	fi
done

# dpkg -i into a scratch root whose database is this machine's: the
# dependencies must be satisfied without forcing.
R=$TMP/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates"
cp /var/lib/dpkg/status "$R/var/lib/dpkg/status"
# (dpkg warns that the other packages' file lists are missing: not ours.)
dpkgr() { dpkg --root="$R" --force-not-root "$@" 2>&1 | grep -v "^dpkg: warning: files list file for package .* missing"; return "${PIPESTATUS[0]}"; }
if dpkgr -i "$DEB" >"$TMP/dpkg.log" 2>&1; then ok; else
	fail "dpkg -i: $(tail -5 "$TMP/dpkg.log")"
fi
check_eq "dpkg -s Status" "install ok installed" "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' layerwaste 2>/dev/null)"
check_eq "dpkg --verify" "" "$(dpkgr --verify layerwaste)"
check_eq "dpkg -L lists the package's files" "$(sed 's|^\./|/|' "$TMP/deb.list")" \
	"$(dpkg-query --admindir="$R/var/lib/dpkg" -L layerwaste | while read -r p; do [ -d "$R$p" ] || echo "$p"; done | sort)"
# The installed binary, on bundled images: the build's JSON, byte for byte.
for img in waste/docker-archive.tar clean/oci-archive-gzip.tar; do
	run_lw 0 "$TMP/built.json" -q --no-config -f json "$FIX/$img" || continue
	if "$R/usr/bin/layerwaste" -q --no-config -f json "$FIX/$img" >"$TMP/installed.json" 2>"$TMP/installed.err"; then
		cmp -s "$TMP/built.json" "$TMP/installed.json" && ok ||
			fail "installed binary's JSON on $img differs: $(diff "$TMP/built.json" "$TMP/installed.json" | head -3)"
	else
		fail "installed binary on $img: $(head -3 "$TMP/installed.err")"
	fi
done
check_eq "installed --version" "$("$LW" --version)" "$("$R/usr/bin/layerwaste" --version)"
# dpkg -r leaves none of its files.
if dpkgr -r layerwaste >"$TMP/remove.log" 2>&1; then ok; else fail "dpkg -r: $(tail -3 "$TMP/remove.log")"; fi
left=$(cd "$R" && { find usr ! -type d 2>/dev/null || true; } | head -3)
check_eq "files left after dpkg -r" "" "$left"
finish
