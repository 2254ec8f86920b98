#!/usr/bin/env bash
# The HTML report opened in headless Chromium with the network off: the
# page's self-test (report.js, "#selftest") clicks a directory and a layer,
# sorts and filters the findings, and writes what it saw into the DOM,
# which --dump-dom hands back. Checked here: no script error, no request,
# the page's numbers equal the JSON report's, the clicks do what they
# should, hostile file names are shown as text, and install steps that
# rewrote the package database are one cause with its steps.
source "$(dirname "$0")/lib.sh"

html_skip() {
	echo "SKIP: $*"
	exit 77
}

CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ] && [ "$(id -u)" -eq 0 ] && [ -f "$LW_ROOT/scripts/lib.sh" ]; then
	# shellcheck source=/dev/null
	(source "$LW_ROOT/scripts/lib.sh" && lw_ensure_packages chromium) >/dev/null 2>&1 || true
	CHROME=$(command -v chromium || true)
fi
[ -n "$CHROME" ] || html_skip "chromium is not installed (Debian package chromium)"

# dump PAGE OUT: the DOM after the page's scripts ran, with its self-test.
# The proxy goes nowhere: a request that got past the page's policy would
# fail and be counted by the self-test.
dump() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-extensions --disable-sync \
		--proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' \
		--user-data-dir="$TMP/profile" --window-size=1280,1000 \
		--enable-logging=stderr --v=0 \
		--dump-dom "file://$1#selftest" >"$2" 2>"$2.log" ||
		fail "chromium on $1: exit $?; $(tail -c 300 "$2.log")"
}

# check_page PAGE DOM JSON: the page against the JSON report of the same run.
check_page() {
	local page=$1 dom=$2 json=$3 v
	v=$(python3 - "$page" "$dom" "$json" <<'EOF'
import html.parser, json, re, sys
page, dom, rep = open(sys.argv[1], encoding="utf-8").read(), \
    open(sys.argv[2], encoding="utf-8").read(), json.load(open(sys.argv[3]))
bad = []
def eq(what, want, got):
    if want != got:
        bad.append("%s: expected %r, got %r" % (what, want, got))

m = re.search(r'<pre id="lw-selftest">(.*?)</pre>', dom, re.S)
if not m:
    print("no self-test result in the DOM"); sys.exit(0)
st = json.loads(html.unescape(m.group(1)))
eq("script errors and blocked requests", [], st["problems"])
eq("resources loaded", 0, st["resources"])
eq("img elements", 0, st["images"])

class Spans(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = {}; self.tags = {}; self.layers = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids[a["id"]] = a
        if tag == "button" and "layer" in (a.get("class") or "").split():
            self.layers.append((int(a["data-bytes"]), int(a["data-wasted"])))
p = Spans(); p.feed(dom)
eq("img tags in the DOM", 0, p.tags.get("img", 0))
img, s = rep["image"], rep["summary"]
for id_, want in (("total-bytes", img["total_bytes"]), ("visible-bytes", img["visible_bytes"]),
                  ("wasted-bytes", s["wasted_bytes"]), ("duplicate-bytes", s["duplicate_bytes"]),
                  ("dive-wasted-bytes", s["dive"]["wasted_bytes"])):
    eq(id_, want, int(p.ids[id_]["data-bytes"]))
eq("file count", img["file_count"], int(p.ids["file-count"]["data-count"]))
eq("finding count", s["finding_count"], int(p.ids["finding-count"]["data-count"]))
eq("layer count", img["layer_count"], int(p.ids["layer-count"]["data-count"]))
pct = re.search(r'id="wasted-percent">([0-9.]+)<', dom)
eq("wasted percent", "%.2f" % s["wasted_percent"], pct and pct.group(1))
layers = [(l["total_bytes"], l["wasted_bytes"]) for l in rep["layers"]]
eq("layer bars", layers, p.layers)
eq("layers in the data", [list(x) for x in layers], st["layers"])
eq("treemap root bytes = visible bytes", img["visible_bytes"], st["tree_root_bytes"])
eq("treemap root waste = wasted bytes", s["wasted_bytes"], st["tree_root_wasted"])
for k in ("chown", "chmod", "chown+chmod", "touch", "overwrite", "delete"):
    row = re.search(r'<tr data-kind="%s">.*?data-bytes="(\d+)".*?<td class="num">(\d+)</td>'
                    % re.escape(k), dom)
    eq("by kind " + k, (s["by_kind"][k], s["files_by_kind"][k]),
       row and (int(row.group(1)), int(row.group(2))))

d = st.get("dir")
if not d:
    bad.append("no directory to click on the treemap")
else:
    eq("zoomed into the clicked directory", True, d["state"])
    eq("breadcrumb names it", d["path"].rsplit("/", 1)[1] + "/", d["crumb"])
    eq("cells are its children", True, d["all_children"])
    eq("children's bytes add up", d["bytes"], d["children_bytes"])
eq("breadcrumb back to /", True, st.get("back_to_root"))

l = st["layer"]; li = l["index"]
eq("layer button pressed", "true", l["pressed"])
eq("findings rows of the layer", True, l["rows_match"])
eq("findings rows count", min(500, sum(1 for f in rep["findings"]
                                       if li in (f["layer"], f["from_layer"]))), l["rows"])
# The package database's causes are one on the page (its steps), when
# there is churn to merge: rewrites of package state that are inherent,
# or of a copy the build wrote (docs/definitions.md).
def member(c):
    return c.get("category") == "package-db" and not c["suppressed"] and (
        c["inherent"] or (c["kind"] in ("overwrite", "touch") and not c["base"]
                          and not c["inherited"]))
chain = [c for c in rep["causes"] if member(c)]
if not any(not c["inherent"] for c in chain):
    chain = []
own = [c for c in rep["causes"] if c not in chain]
eq("causes of the layer", sum(1 for c in own if li in (c["layer"], c["from_layer"])) +
   (1 if any(li in (c["layer"], c["from_layer"]) for c in chain) else 0), l["causes"])
pk = re.findall(r'<li class="cause pkgdb" data-category="package-db"[^>]*data-churn="(\d+)" '
                r'data-inherent="(\d+)" data-rewrites="(\d+)"', dom)
eq("package database causes", [(str(sum(c["bytes"] for c in chain if not c["inherent"])),
                                str(sum(c["bytes"] for c in chain if c["inherent"])),
                                str(len(chain)))] if chain else [], pk)
eq("causes shown involve it", True, l["causes_match"])
eq("filter banner", True, l["banner"])
eq("filter cleared", True, st["layer_cleared"])
eq("sorted by path", True, st["sorted"])

# The data block: one JSON document that nothing inside can end early.
blocks = re.findall(r'<script type="application/json" id="lw-data">(.*?)</script>', page, re.S)
eq("data blocks", 1, len(blocks))
if blocks:
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        if ch in blocks[0]:
            bad.append("raw %r in the data block" % ch)
    json.loads(blocks[0])
eq("</script in the page", 2, page.lower().count("</script"))
if re.search(r'<(link|iframe|object|embed|img|audio|video|source)\b|<[a-zA-Z][^<>]*\s(src|href)=(?!["\']?#)|@import|url\(', page):
    bad.append("the page refers to something outside it")
print(json.dumps({"bad": bad, "hostile": st["hostile_rows"], "layer": l,
                  "more": st["more_nodes"], "nodes": st["tree_nodes"],
                  "paths": st["tree_paths"]}))
EOF
	)
	if ! python3 -c 'import json,sys; json.loads(sys.argv[1])' "$v" 2>/dev/null; then
		fail "$page: $v"
		return
	fi
	local b
	b=$(python3 -c 'import json,sys; print("\n".join(json.loads(sys.argv[1])["bad"]))' "$v")
	if [ -n "$b" ]; then fail "$page: $b"; else ok; fi
	if grep -q 'Uncaught\|CONSOLE.*[Ee]rror' "$dom.log"; then
		fail "$page: console errors: $(grep -m3 'Uncaught\|CONSOLE' "$dom.log")"
	else ok; fi
	RESULT=$v
}

# 1. The bundled waste image with its Dockerfile: attribution, fixes, diff.
cd "$LW_ROOT/fixtures/src/waste"
run_lw 0 "$TMP/waste.json" ../../images/waste/docker-archive.tar --dockerfile Dockerfile \
	-f json --output html="$TMP/waste.html"
dump "$TMP/waste.html" "$TMP/waste.dom"
check_page "$TMP/waste.html" "$TMP/waste.dom" "$TMP/waste.json"
grep -q '<pre class="diff" id="fix-diff">' "$TMP/waste.dom" && ok || fail "waste: no --fix diff"
grep -q '<span class="add">+COPY --chown=1000:1000 app/ /app/</span>' "$TMP/waste.dom" && ok ||
	fail "waste: the diff's added line is not coloured as one"
check_eq "waste: busybox's 0-byte links merged" True \
	"$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["more"] > 0)' "$RESULT")"
cd - >/dev/null

# 2. Hostile names, a whiteout, and a directory of many small files that
# the treemap merges.
python3 - "$TMP/hostile.tar" <<'EOF'
import hashlib, io, json, sys, tarfile
def tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data, mode in entries:
            i = tarfile.TarInfo(name); i.mtime = 1000; i.mode = mode
            if data is None:
                i.type = tarfile.DIRTYPE; t.addfile(i)
            else:
                i.size = len(data); t.addfile(i, io.BytesIO(data))
    return b.getvalue()
evil = "app/<img src=x onerror=alert(1)>"
script = "app/x</script><script>alert(2)</script>"
l0 = [("app/", None, 0o755), (evil, b"e" * 3000, 0o644), ("app/big.bin", b"b" * 50000, 0o644),
      ("app/line\u2028sep\u2029.txt", b"l" * 700, 0o644), ("etc/", None, 0o755),
      ("etc/gone", b"g" * 1234, 0o644), ("app/many/", None, 0o755)]
l0 += [("app/many/f%04d" % i, b"m" * 10, 0o644) for i in range(3000)]
l0 += [("app/x</script><script>alert(2)</", None, 0o755), (script, b"s" * 500, 0o644)]
l1 = [("app/", None, 0o755), (evil, b"e" * 3000, 0o755), (script, b"S" * 500, 0o644),
      ("etc/", None, 0o755), ("etc/.wh.gone", b"", 0o644)]
layers = [tar(l0), tar(l1)]
ids = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
config = json.dumps({"architecture": "amd64", "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": ids},
    "history": [{"created_by": "COPY app/ /app/ # <b>bold</b>"},
                {"created_by": "RUN chmod +x '/app/<img src=x onerror=alert(1)>'"}]}).encode()
cid = hashlib.sha256(config).hexdigest()
files = {cid + ".json": config}
for i, l in zip(ids, layers):
    files[i[7:] + ".tar"] = l
files["manifest.json"] = json.dumps([{"Config": cid + ".json",
    "RepoTags": ["evil/<script>:1"], "Layers": [i[7:] + ".tar" for i in ids]}]).encode()
with tarfile.open(sys.argv[1], "w") as t:
    for n, d in files.items():
        i = tarfile.TarInfo(n); i.size = len(d); t.addfile(i, io.BytesIO(d))
EOF
# The spaces profile fails on this image (exit 1): its checks are on the page.
run_lw 1 "$TMP/hostile.json" "$TMP/hostile.tar" -f json --output html="$TMP/hostile.html" \
	--profile spaces
dump "$TMP/hostile.html" "$TMP/hostile.dom"
check_page "$TMP/hostile.html" "$TMP/hostile.dom" "$TMP/hostile.json"
v=$(python3 - "$RESULT" "$TMP/hostile.dom" <<'EOF'
import json, sys
r = json.loads(sys.argv[1]); dom = open(sys.argv[2], encoding="utf-8").read()
bad = []
if r["hostile"] != ["/app/<img src=x onerror=alert(1)>"]:
    bad.append("filter '<img' in the findings table gave %r" % r["hostile"])
for text in ("/app/&lt;img src=x onerror=alert(1)&gt;",
             "evil/&lt;script&gt;:1", "&lt;b&gt;bold&lt;/b&gt;"):
    if text not in dom:
        bad.append("%s is not shown as text" % text)
if "<script>alert" in dom or "<b>bold" in dom:
    bad.append("markup from the image reached the DOM")
# 3000 files of 10 bytes beside 50 kB: merged into one node, not 3000.
if not (r["more"] >= 1 and r["nodes"] < 30 and r["paths"] > 3000):
    bad.append("aggregation: %d nodes, %d merged, %d paths" % (r["nodes"], r["more"], r["paths"]))
l = r["layer"]
# The layer with most waste is 1 (its chmod copy of the <img> file, 3000
# bytes, against 1734 overwritten and deleted in layer 0); what it shows
# in the final image: that copy and the new </script> file.
if l["index"] != 1 or l["treemap_bytes"] != 3000 + 500:
    bad.append("layer filter on the treemap: %r" % l)
if 'id="checks-section"' not in dom:
    bad.append("no checks section with --profile spaces")
print("\n".join(bad))
EOF
)
if [ -n "$v" ]; then fail "hostile: $v"; else ok; fi

# 3. Install steps that rewrite a dpkg status, aligned with their
# Dockerfile: the page shows the package database as one cause with its
# three steps, filtered by any of its layers.
python3 "$LW_ROOT/tests/e2e/mkchurn.py" "$TMP/churn"
cd "$TMP/churn"
run_lw 0 "$TMP/churn.json" image.tar --dockerfile Dockerfile -f json --output html="$TMP/churn.html"
cd - >/dev/null
dump "$TMP/churn.html" "$TMP/churn.dom"
check_page "$TMP/churn.html" "$TMP/churn.dom" "$TMP/churn.json"
v=$(python3 - "$RESULT" "$TMP/churn.dom" <<'EOF'
import json, re, sys
r = json.loads(sys.argv[1]); dom = open(sys.argv[2], encoding="utf-8").read()
bad = []
pk = re.findall(r'<li class="cause pkgdb".*?<div class="fix">.*?</div>', dom, re.S)
if len(pk) != 1:
    bad.append("%d package database causes" % len(pk))
else:
    steps = re.findall(r'<li class="step" data-layer="(\d+)"', pk[0])
    if steps != ["1", "2", "3"]:
        bad.append("steps %r" % steps)
    if "Dockerfile:2, :4 and :5: install in one RUN" not in pk[0]:
        bad.append("the merge does not name the steps")
    if "inherent, not judged" not in pk[0]:
        bad.append("the inherent part is not marked not judged")
# The layer clicked (most waste) is one of the chain's: the chain is
# among the causes shown.
if r["layer"]["index"] not in (0, 1, 2) or r["layer"]["causes"] < 1:
    bad.append("layer filter: %r" % r["layer"])
print("\n".join(bad))
EOF
)
if [ -n "$v" ]; then fail "churn: $v"; else ok; fi

# 4. -f html on standard output, and the format's name in the usage error.
run_lw 0 "$TMP/none.html" "$LW_ROOT/fixtures/images/waste/docker-archive.tar" -f html --no-duplicates
grep -q '</html>' "$TMP/none.html" && ok || fail "-f html to stdout: no complete page"
run_lw 2 "$TMP/bad.out" "$TMP/hostile.tar" -f htm
grep -q 'html' "$TMP/bad.out.err" && ok || fail "unknown format message does not list html"

finish
