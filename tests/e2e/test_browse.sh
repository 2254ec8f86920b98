#!/usr/bin/env bash
# End-to-end test of the interactive browser: runs `layerwaste browse` in a
# detached tmux session on the waste fixture at 200x60, 80x24 and 40x12,
# drives each key (ours and dive's), and asserts on the captured screen.
# Every wait polls the screen (up to ~10 s). The tmux server is private:
# its socket is a file in this test's own temporary directory (so that
# parallel runs never meet), it reads no config, and a placeholder
# session keeps it alive from the first command to the kill at the end.
. "$(dirname "$0")/lib.sh"

IMG=$FIX/waste/docker-archive.tar
DOCKERFILE=$LW_ROOT/fixtures/src/waste/Dockerfile
SOCK=$TMP/tmux.sock
SESSION=lw
export LC_ALL=C.UTF-8

need_cmd tmux

tm() { tmux -u -S "$SOCK" -f /dev/null "$@"; }
cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# The server, up before any test session, with a session that outlives
# them all: a session that ends never takes the server with it.
server_up() {
	local i
	for i in $(seq 50); do
		tm new-session -d -s keep -x 80 -y 24 "sleep 600" \
			>/dev/null 2>&1 || true
		tm has-session -t keep >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
if ! server_up; then
	fail "tmux server did not start"
	finish
fi

capture() {
	tm capture-pane -p -t "$SESSION" >"$TMP/screen" 2>/dev/null ||
		: >"$TMP/screen"
}

# wait_until CMD...: polls the screen until CMD (run on it) succeeds.
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
has_re() { grep -qE -- "$1" "$TMP/screen"; }
lacks() { ! grep -qF -- "$1" "$TMP/screen"; }
tree_has_re() { tree_lines | grep -qE -- "$1"; }
tree_lacks() { ! tree_lines | grep -qF -- "$1"; }

# The file tree: the lines after its title, without details and key help.
tree_lines() {
	awk '/^(Files of |Image, |Layer [0-9]+, )/{on=1; next} on' \
		"$TMP/screen" | head -n -2
}

dump() {
	echo "---- screen ($SIZE) ----" >&2
	cat "$TMP/screen" >&2
	echo "----------------" >&2
}

check_screen() {
	if wait_until has "$2"; then ok; else fail "$SIZE: $1: no '$2'"; dump; fi
}
check_screen_re() {
	if wait_until has_re "$2"; then ok; else fail "$SIZE: $1: no /$2/"; dump; fi
}
check_gone() {
	if wait_until lacks "$2"; then ok; else fail "$SIZE: $1: still '$2'"; dump; fi
}
check_tree_re() {
	if wait_until tree_has_re "$2"; then ok; else
		fail "$SIZE: $1: no /$2/ in the tree"; dump
	fi
}
check_tree_gone() {
	if wait_until tree_lacks "$2"; then ok; else
		fail "$SIZE: $1: '$2' still in the tree"; dump
	fi
}

# The screen is as big as the window and no line is wider.
check_fits() {
	local w h
	capture
	w=$(python3 -c 'import sys
print(max([len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")] or [0]))' "$TMP/screen")
	h=$(wc -l <"$TMP/screen")
	if [ "$w" -le "$1" ] && [ "$h" -eq "$2" ]; then ok; else
		fail "$SIZE: $3: ${w} columns, $h lines on ${1}x$2"; dump
	fi
}

# start NAME COLS ROWS ARGS...: the browser in a window of that size; its
# exit status is written to $TMP/NAME.rc when it ends.
start() {
	local name=$1 cols=$2 rows=$3 cmd
	shift 3
	rm -f "$TMP/$name.rc"
	cmd=$(printf '%q ' "$LW" "$@")
	fresh_session
	tm new-session -d -s "$SESSION" -x "$cols" -y "$rows" -c "${DIR:-$TMP}" \
		"$cmd; echo \$? >$TMP/$name.rc; sleep 30" ||
		fail "$name: tmux new-session failed"
}

# No session of the name is left from the run before.
fresh_session() {
	local i
	for i in $(seq 50); do
		tm kill-session -t "$SESSION" >/dev/null 2>&1 || true
		tm has-session -t "$SESSION" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
}

# quit NAME [KEY]: sends q (or KEY) and checks the exit status.
quit() {
	local i
	tm send-keys -t "$SESSION" "${2:-q}"
	for i in $(seq 100); do
		[ -s "$TMP/$1.rc" ] && break
		sleep 0.1
	done
	check_eq "$SIZE: exit status after ${2:-q} ($1)" 0 \
		"$(cat "$TMP/$1.rc" 2>/dev/null)"
	tm kill-session -t "$SESSION" >/dev/null 2>&1 || true
}

keys() { tm send-keys -t "$SESSION" "$@"; }
details() { tail -n 2 "$TMP/screen" | head -n 1; }

# ---- not a terminal: refused, exit 2 ----
SIZE=notty
if run_lw 2 "$TMP/notty.out" browse "$IMG"; then
	if grep -q "terminal" "$TMP/notty.out.err"; then ok; else
		fail "browse to a file: no message about the terminal"
	fi
fi

# ---- every key at three sizes ----
# drive COLS ROWS HEADER_FIGURE: the whole tour at one size.
drive() {
	local cols=$1 rows=$2 figure=$3
	SIZE=${cols}x$rows
	start "tour$SIZE" "$cols" "$rows" browse --dockerfile "$DOCKERFILE" "$IMG"
	check_screen "header figures" "$figure"
	check_screen_re "opens on the chown layer" "^> 3 +8\.0 kB 8\.0 kB"
	check_fits "$cols" "$rows" "first screen"
	# The layer details: its Dockerfile line, the waste it made.
	if [ "$rows" -ge 24 ]; then
		check_screen "layer details" "waste made 8.0 kB, suffered 0 B"
	fi
	if [ "$cols" -ge 150 ]; then
		check_screen "layer digest" "digest sha256:"
		check_screen "layer diff_id" "diff_id sha256:"
	fi
	# The diff marks: '=' a metadata-only copy, '~' a directory with
	# changes under it; the kind letter beside.
	check_tree_re "chown copy marked" "^ =U +5\.0 kB +5\.0 kB +lib\.txt"
	check_tree_re "app/ modified under it" "^.~ +8\.0 kB +8\.0 kB - app/"
	# PgDn/PgUp move the layer cursor by a page.
	keys NPage
	wait_until has_re "^layer (1[0-9]|[4-9]): " && ok ||
		{ fail "$SIZE: PgDn: the layer did not change"; dump; }
	keys PPage
	wait_until has_re "^layer [0-3]: " && ok ||
		{ fail "$SIZE: PgUp: the layer did not change"; dump; }
	keys Home
	for _ in 1 2 3; do keys Down; done
	check_screen "back on layer 3" "layer 3: Dockerfile:17 RUN chown"
	# Ctrl-A / Ctrl-L in the layers pane: the image, the layer (dive's
	# aggregated and layer views).
	keys C-a
	check_screen_re "Ctrl-A: the image" "^(Files of the image|Image, )"
	check_tree_re "image: data/ added since layer 0" "^.\+ .* data/"
	keys C-l
	check_screen_re "Ctrl-L: the layer" "^(Files of layer 3|Layer 3, )"
	# Tab: the causes pane, its sentence in full on the details line.
	keys Tab
	if [ "$cols" -ge 80 ]; then
		check_screen "Tab: cause in full" \
			"layer 3: 8.0 kB in 3 files copied from layer 2 only to"
	else
		check_screen_re "Tab: the causes pane" "^(Waste involving|Causes, layer 3)"
	fi
	keys Tab
	if [ "$cols" -ge 80 ]; then
		check_screen "Tab: files pane, its key help" ":added"
	else
		check_screen_re "Tab: files pane, its details" "^/app"
	fi
	# The four toggles.
	keys C-u
	check_screen_re "Ctrl-U: unmodified shown" "(with unmodified files|\+unmod)"
	check_tree_re "Ctrl-U: busybox's bin/ below" "bin/$"
	keys C-u
	check_tree_gone "Ctrl-U again: hidden" "bin/"
	keys m
	check_screen_re "m: modified hidden" "(hiding modified|-m)"
	check_tree_gone "m: the chown copies hidden" "lib.txt"
	keys m
	check_tree_re "m again: shown" "lib\.txt"
	keys C-a
	check_screen_re "Ctrl-A: added hidden" "(hiding added|-a)"
	keys C-a
	check_gone "Ctrl-A again" "hiding added"
	keys C-r
	check_screen_re "Ctrl-R: removed hidden" "(hiding removed|-r)"
	keys C-r
	check_gone "Ctrl-R again" "hiding removed"
	# Ctrl-B: attributes, as ls shows them.
	keys C-b
	check_tree_re "Ctrl-B: attributes" "-rw-r--r-- 1000:1000"
	keys C-b
	check_tree_gone "Ctrl-B again" "1000:1000"
	# Ctrl-Space folds all, Space unfolds one.
	keys Home C-Space
	check_tree_re "Ctrl-Space: folded" "\+ app/"
	keys Space
	check_tree_re "Space: unfolded" "- app/"
	keys C-Space C-Space
	check_tree_re "Ctrl-Space twice: open" "lib\.txt"
	# c: the cause and the fix of the file at the cursor.
	keys Home Down
	keys c
	check_screen "c: the cause" "Why these bytes are wasted"
	check_screen "c: the sentence" "Cause: layer 3: 8.0 kB"
	if [ "$rows" -ge 24 ]; then check_screen "c: the fix" "Fix: "; fi
	check_fits "$cols" "$rows" "cause overlay"
	keys x
	check_gone "c closed by any key" "Why these bytes are wasted"
	# Ctrl-F: the filter prompt.
	keys C-f
	check_screen "Ctrl-F: prompt" "filter"
	keys m a i n Enter
	check_screen_re "filter applied" "(filter: main|/main)"
	check_tree_gone "filter narrows" "lib.txt"
	keys / C-u Enter
	check_tree_re "filter cleared" "lib\.txt"
	# The help, with dive's keys beside ours.
	keys '?'
	check_screen "help" "Up, k / Down, j"
	if [ "$cols" -ge 80 ]; then
		check_screen_re "help: dive's column" "show/hide removed.*Ctrl-R"
	fi
	check_fits "$cols" "$rows" "help"
	keys x
	check_gone "help closed" "Up, k / Down, j"
	check_fits "$cols" "$rows" "last screen"
	quit "tour$SIZE"
}

drive 200 60 "efficiency 98.99 % (dive 99.05 %)"
drive 80 24 "eff. 98.99 %, dive 99.05 %"
drive 40 12 "wasted 20.5 kB"

# ---- smaller than 40x12: a message that fits ----
SIZE=resize
start small 80 24 browse "$IMG"
check_screen "started" "wasted 20.5 kB"
for size in 30x10 20x5 39x12 12x3; do
	SIZE=$size
	tm resize-window -t "$SESSION" -x "${size%x*}" -y "${size#*x}"
	check_screen "too small" "small"
	check_fits "${size%x*}" "${size#*x}" "too-small message"
done
SIZE=30x10
tm resize-window -t "$SESSION" -x 30 -y 10
check_screen "whole words" "terminal too small for"
SIZE=40x12
tm resize-window -t "$SESSION" -x 40 -y 12
check_screen "back to a screen" "q:quit"
quit small

# ---- keys from the config ----
SIZE=config
mkdir -p "$TMP/cfg"
printf 'keys:\n  quit: x\n  toggle-modified-files: ctrl+m\n' \
	>"$TMP/cfg/.layerwaste.yml"
DIR=$TMP/cfg start config 100 30 browse "$IMG"
check_screen "with keys from the config" "x:quit"
keys q
sleep 0.3
if [ ! -s "$TMP/config.rc" ]; then ok; else fail "q still quits"; fi
# Ctrl-M is Enter: in the files pane it toggles modified files now.
keys Tab Tab Enter
check_screen_re "Enter as Ctrl-M" "(hiding modified|-m)"
quit config x
printf 'keys:\n  quit: x\n  jump: y\n' >"$TMP/cfg/.layerwaste.yml"
DIR=$TMP/cfg start badkeys 100 30 browse "$IMG"
check_screen "bad keys: file:line" ".layerwaste.yml:3: jump: unknown action"
for _ in $(seq 50); do [ -s "$TMP/badkeys.rc" ] && break; sleep 0.1; done
check_eq "bad keys: exit status" 2 "$(cat "$TMP/badkeys.rc" 2>/dev/null)"

# ---- with the Dockerfile: the chown layer's line ----
SIZE=dockerfile
start dockerfile 100 30 browse --dockerfile "$DOCKERFILE" "$IMG"
check_screen "browser with --dockerfile" "Waste involving layer 3"
if wait_until has "layer 3: Dockerfile:17 RUN chown -R 1000:1000 /app"; then
	ok
else
	fail "chown layer: no Dockerfile line"; dump
fi
quit dockerfile

# ---- install steps that rewrote the package database: one cause ----
SIZE=churn
python3 "$LW_ROOT/tests/e2e/mkchurn.py" "$TMP/churn"
DIR=$TMP/churn start churn 130 30 browse --dockerfile Dockerfile image.tar
check_screen "the chain's header" "package database: 3 install steps, 3 rewrites"
check_screen "the first step, inherent" "step layer 1: "
check_screen "its line" "Dockerfile:2 RUN apt-get install -y pkg0"
check_screen "a later step, churn" "step layer 3: "
check_screen "the merge" "fix: The package database was rewritten by Dockerfile:2,"
check_screen "the status once" "/var/lib/dpkg/status"
if [ "$(grep -c 'overwrote 1 file of layer' "$TMP/screen")" = 0 ]; then ok; else
	fail "churn: a cause per rewrite"; dump
fi
# Tab to the causes, down to the second step, Enter: its layer.
keys Tab Down Down Enter
check_screen "Enter on a step selects its layer" "Waste involving layer 2"
keys c
check_screen "the cause overlay" "Cause: package database: 3 install steps"
check_screen "the overlay's steps" "  step layer 2: "
keys Escape
quit churn

finish
