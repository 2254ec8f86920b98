#!/usr/bin/env bash
# End-to-end test of `layerwaste diff OLD NEW --browse`: without a
# terminal it is refused (exit 2); in a private tmux server it opens the
# browser on NEW (the waste fixture) against OLD (the clean fixture) and
# the screen shows both names, the growth, the layers marked new, the
# files the change added marked '*', and 'n' leaves only those. Skipped
# (77) without tmux.
. "$(dirname "$0")/lib.sh"

OLD=$FIX/clean/docker-archive.tar
NEW=$FIX/waste/docker-archive.tar
SOCK=$TMP/tmux.sock
SESSION=lw
export LC_ALL=C.UTF-8

# ---- not a terminal, not diff, not an image: refused, exit 2 ----
if run_lw 2 "$TMP/notty.out" diff --browse "$OLD" "$NEW"; then
	if grep -q "terminal" "$TMP/notty.out.err"; then ok; else
		fail "diff --browse to a file: no message about the terminal"
	fi
fi
run_lw 2 "$TMP/share.out" share --browse "$OLD" "$NEW" || true
run_lw 2 "$TMP/fmt.out" diff --browse -f json "$OLD" "$NEW" || true

need_cmd tmux

tm() { tmux -u -S "$SOCK" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

capture() {
	tm capture-pane -p -t "$SESSION" >"$TMP/screen" 2>/dev/null ||
		: >"$TMP/screen"
}
wait_until() {
	local i
	for i in $(seq 100); do
		capture
		if "$@"; then return 0; fi
		sleep 0.1
	done
	return 1
}
has() { grep -qF -- "$1" "$TMP/screen"; }
lacks() { ! grep -qF -- "$1" "$TMP/screen"; }
has_re() { grep -qE -- "$1" "$TMP/screen"; }
dump() {
	echo "---- screen ----" >&2
	cat "$TMP/screen" >&2
	echo "----------------" >&2
}
check_screen() {
	if wait_until has "$2"; then ok; else fail "$1: no '$2'"; dump; fi
}
check_screen_re() {
	if wait_until has_re "$2"; then ok; else fail "$1: no /$2/"; dump; fi
}
check_gone() {
	if wait_until lacks "$2"; then ok; else fail "$1: still '$2'"; dump; fi
}
keys() { tm send-keys -t "$SESSION" "$@"; }

cmd=$(printf '%q ' "$LW" diff --browse "$OLD" "$NEW")
tm new-session -d -s keep -x 80 -y 24 "sleep 600" >/dev/null 2>&1 || true
tm new-session -d -s "$SESSION" -x 200 -y 50 -c "$TMP" \
	"$cmd; echo \$? >$TMP/diff.rc; sleep 30" ||
	fail "tmux new-session failed"

check_screen "header: both names" \
	"docker.io/library/clean:latest -> docker.io/library/waste:latest"
check_screen_re "header: the growth" "\\+2\\.0 MB \\(\\+[0-9.]+ %\\)"
check_screen "layers title" "Layers: + new, = shared"
# No layer of the waste fixture is in the clean one: every one is new.
check_screen_re "layer 0 marked new" "^ \\+ 0  2\\.0 MB"
check_screen "key help" "n:changed"
# Into the files pane (the image view), and only what the change added.
keys Tab Tab n
check_screen_re "busybox marked added" "^ +\\* +2\\.0 MB +busybox"
check_screen_re "grow.txt marked added" "^ \\+O\\* +8\\.5 kB .*grow\\.txt"
# Every listed file carries the mark; the fixture's directories do not.
capture
if awk '/^Files of the image/{on=1; next} on' "$TMP/screen" |
	head -n -2 | grep -vE '/$|^ *$' | grep -qvE '^.{3}\*'; then
	fail "a file without the mark under 'n'"; dump
else
	ok
fi
keys '?'
check_screen "help: the marks" "* added by the change  # changed by it"
check_screen "help: the toggle" "only what the change added"
keys x q
for _ in $(seq 100); do [ -s "$TMP/diff.rc" ] && break; sleep 0.1; done
check_eq "exit status after q" 0 "$(cat "$TMP/diff.rc" 2>/dev/null)"

# ---- key bindings from the config, as browse reads them ----
mkdir -p "$TMP/cfg"
printf 'keys:\n  quit: x\n' >"$TMP/cfg/.layerwaste.yml"
tm new-session -d -s cfg -x 200 -y 50 -c "$TMP/cfg" \
	"$cmd; echo \$? >$TMP/cfg.rc; sleep 30" ||
	fail "tmux new-session failed"
SESSION=cfg
check_screen "keys from the config" "x:quit"
keys q
sleep 0.3
if [ ! -s "$TMP/cfg.rc" ]; then ok; else fail "q still quits"; fi
keys x
for _ in $(seq 100); do [ -s "$TMP/cfg.rc" ] && break; sleep 0.1; done
check_eq "exit status after x" 0 "$(cat "$TMP/cfg.rc" 2>/dev/null)"
# A bad key binding is the same usage error as in browse.
printf 'keys:\n  quit: x\n  jump: y\n' >"$TMP/cfg/.layerwaste.yml"
tm new-session -d -s bad -x 200 -y 50 -c "$TMP/cfg" \
	"$cmd 2>$TMP/bad.err; echo \$? >$TMP/bad.rc; sleep 30" ||
	fail "tmux new-session failed"
for _ in $(seq 100); do [ -s "$TMP/bad.rc" ] && break; sleep 0.1; done
check_eq "bad keys: exit status" 2 "$(cat "$TMP/bad.rc" 2>/dev/null)"
grep -q "jump: unknown action" "$TMP/bad.err" && ok ||
	fail "bad keys: $(cat "$TMP/bad.err" 2>/dev/null)"

finish
