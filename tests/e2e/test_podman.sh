#!/usr/bin/env bash
# An image name instead of a file: layerwaste runs `podman image save` and
# reads the stream. The fixture is loaded into a private podman storage.
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"

need_cmd podman
lw_buildah_setup
podman --storage-driver vfs load -q -i "$FIX/waste/docker-archive.tar" >/dev/null

run_lw 0 "$TMP/file.json" -f json "$FIX/waste/docker-archive.tar"
run_lw 0 "$TMP/podman.json" -f json --source podman localhost/waste:latest
check_eq "podman: format" docker-archive "$(jget "$TMP/podman.json" "d['image']['format']")"
check_eq "podman: same findings as the file" \
	"$(jget "$TMP/file.json" "d['findings']")" "$(jget "$TMP/podman.json" "d['findings']")"
check_eq "podman: wasted" 20500 "$(jget "$TMP/podman.json" "d['summary']['wasted_bytes']")"

# Without --source: not a file, so the first engine that has the image.
run_lw 0 "$TMP/auto.json" -f json waste:latest &&
	check_eq "auto source: wasted" 20500 "$(jget "$TMP/auto.json" "d['summary']['wasted_bytes']")"

# An image no engine has (nothing to read: exit 4, as a missing file),
# and a save that fails.
run_lw 4 "$TMP/none" no-such-image:1.0 &&
	{ grep -q "neither docker nor podman has an image named 'no-such-image:1.0'" "$TMP/none.err" && ok ||
		fail "unknown image message: $(cat "$TMP/none.err")"; }
run_lw 3 "$TMP/fail" --source podman no-such-image:1.0 &&
	{ grep -q "podman image save failed" "$TMP/fail.err" && ok ||
		fail "failed save message: $(cat "$TMP/fail.err")"; }
[ "$(wc -l <"$TMP/fail.err")" -eq 1 ] && ok || fail "failed save: not one line: $(cat "$TMP/fail.err")"
podman --storage-driver vfs rmi -a -f >/dev/null 2>&1 || true
finish
