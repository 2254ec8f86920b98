#!/usr/bin/env bash
# The config people find: the working directory's, then the repository
# root's, then $XDG_CONFIG_HOME/layerwaste/config.yml; LAYERWASTE_CONFIG
# and LAYERWASTE_<SETTING> between the file and the flags; "did you mean"
# for an unknown key.
. "$(dirname "$0")/lib.sh"

WASTE=$FIX/waste/docker-archive.tar
mkdir -p "$TMP/repo/.git" "$TMP/repo/sub/dir" "$TMP/xdg/layerwaste" "$TMP/alone"
printf 'rules:\n  max-wasted-bytes: 1\n' >"$TMP/repo/.layerwaste.yml"
printf 'rules:\n  max-wasted-bytes: 1GB\n' >"$TMP/xdg/layerwaste/config.yml"
used() { jget "$1" "d['rules']['config']"; }
unset LAYERWASTE_CONFIG
export XDG_CONFIG_HOME=$TMP/xdg
lw_in() { # DIR EXIT OUT ARGS...: run_lw in DIR
	local dir=$1
	shift
	cd "$dir" || return
	run_lw "$@" || true
	cd "$TMP" || return
}

# Below the repository root: its config, exit 1.
lw_in "$TMP/repo/sub/dir" 1 "$TMP/a.json" -q -f json "$WASTE"
check_eq "repository root's config" "$TMP/repo/.layerwaste.yml" "$(used "$TMP/a.json")"
# The working directory's wins over the root's.
printf 'rules:\n  max-wasted-bytes: 1MB\n' >"$TMP/repo/sub/dir/.layerwaste.yml"
lw_in "$TMP/repo/sub/dir" 0 "$TMP/b.json" -q -f json "$WASTE"
check_eq "working directory's config" .layerwaste.yml "$(used "$TMP/b.json")"
# Outside any repository: the XDG one.
lw_in "$TMP/alone" 0 "$TMP/c.json" -q -f json "$WASTE"
check_eq "XDG config" "$TMP/xdg/layerwaste/config.yml" "$(used "$TMP/c.json")"
lw_in "$TMP/alone" 0 "$TMP/d.json" -q --no-config -f json "$WASTE"
check_eq "--no-config" None "$(used "$TMP/d.json")"

# The environment: after the file, before the flags.
(cd "$TMP/alone" && LAYERWASTE_MAX_WASTED_BYTES=1 \
	"$LW" -q -f json "$WASTE" >"$TMP/e.json" 2>"$TMP/e.err") && rc=0 || rc=$?
check_eq "LAYERWASTE_MAX_WASTED_BYTES beats the file" 1 "$rc"
(cd "$TMP/alone" && LAYERWASTE_MAX_WASTED_BYTES=1 "$LW" -q --no-config \
	--max-wasted-bytes 1GB "$WASTE" >/dev/null 2>&1) && rc=0 || rc=$?
check_eq "a flag beats LAYERWASTE_MAX_WASTED_BYTES" 0 "$rc"
(cd "$TMP/alone" && LAYERWASTE_CONFIG="$TMP/repo/.layerwaste.yml" "$LW" -q -f json \
	"$WASTE" >"$TMP/f.json" 2>/dev/null) && rc=0 || rc=$?
check_eq "LAYERWASTE_CONFIG" "1 $TMP/repo/.layerwaste.yml" "$rc $(used "$TMP/f.json")"
(cd "$TMP/alone" && LAYERWASTE_MAX_CHOWN_BYTES=lots "$LW" -q --no-config "$WASTE" \
	>/dev/null 2>"$TMP/g.err") && rc=0 || rc=$?
check_eq "a bad LAYERWASTE_ value" 2 "$rc"
grep -q '^layerwaste: \$LAYERWASTE_MAX_CHOWN_BYTES: max-chown-bytes: ' "$TMP/g.err" && ok ||
	fail "bad env value: $(cat "$TMP/g.err")"

# Did you mean, for a key of the file.
printf 'rules:\n  max-wasted-bytes: 1\nmin-finding-byte: 1kB\n' >"$TMP/typo.yml"
run_lw 2 "$TMP/typo" -q --config "$TMP/typo.yml" "$WASTE" &&
	{ grep -q "typo.yml:3: min-finding-byte: unknown key (did you mean min-finding-bytes?)" "$TMP/typo.err" && ok ||
		fail "no did you mean: $(cat "$TMP/typo.err")"; }

finish
