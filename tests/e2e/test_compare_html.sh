#!/usr/bin/env bash
# layerwaste diff -f html on two bundled fixtures (clean, then waste with
# its Dockerfile) and on an image with hostile names: the page's figures
# equal the JSON diff's (parsed with python's html.parser, by the ids and
# data attributes the page carries), its data block is the JSON diff, every
# name is text, nothing outside the page is referred to; then the page is
# opened in headless Chromium with the network off, where its sorting runs
# without an error or a blocked request (skipped, exit 77, without it).
source "$(dirname "$0")/lib.sh"

# check_page PAGE JSON: the page against the JSON diff of the same pair.
check_page() {
	local v
	v=$(python3 - "$1" "$2" <<'EOF'
import html, html.parser, json, re, sys
page, rep = open(sys.argv[1], encoding="utf-8").read(), json.load(open(sys.argv[2]))
bad = []
def eq(what, want, got):
    if want != got:
        bad.append("%s: expected %r, got %r" % (what, want, got))

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = {}; self.rows = {}; self.row = None
        self.cls = {}; self.tags = {}; self.text = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids[a["id"]] = a
        if tag == "tr":
            self.row = a.get("id"); self.rows[self.row] = []
            if a.get("class"):
                self.cls.setdefault(a["class"], []).append(a)
        if tag == "span" and "data-bytes" in a and self.row:
            self.rows[self.row].append(int(a["data-bytes"]))
    def handle_data(self, d):
        self.text.append(d)
p = P(); p.feed(page)
o, n, d = rep["old"], rep["new"], rep["delta"]
for row, key in (("t-total", "total_bytes"), ("t-visible", "visible_bytes")):
    eq(row, [o[key], n[key], d[key]], p.rows.get(row))
eq("t-wasted", [o["summary"]["wasted_bytes"], n["summary"]["wasted_bytes"], d["wasted_bytes"]],
   p.rows.get("t-wasted"))
if d["compressed_bytes"] is not None:
    eq("t-compressed", [o["compressed_bytes"], n["compressed_bytes"], d["compressed_bytes"]],
       p.rows.get("t-compressed"))
eq("growth", d["total_bytes"], int(p.ids["delta-total"]["data-bytes"]))
w = rep["waste"]
eq("new waste", w["new_bytes"], int(p.ids["new-waste"]["data-bytes"]))
eq("fixed waste", w["fixed_bytes"], int(p.ids["fixed-waste"]["data-bytes"]))
for k in ("new", "grown", "fixed", "shrunk"):
    eq("waste " + k, len(w[k]), int(p.ids["waste-" + k]["data-count"]))
eq("waste same", w["same_count"], int(p.ids["waste-same"]["data-count"]))
# Rows in the JSON's order: new and grown by bytes, then shrunk, fixed.
want = sorted(((k, c["delta_bytes"]) for k in ("new", "grown") for c in w[k]), key=lambda x: -x[1])
want += [(k, c["delta_bytes"]) for k in ("shrunk", "fixed") for c in w[k]]
eq("waste rows", sorted(want), sorted((a["data-status"], int(a["data-delta"]))
                                      for a in p.cls.get("wcause", [])))
L = rep["layers"]
for k in ("shared", "added", "removed"):
    eq("layers " + k, (L[k]["count"], L[k]["bytes"]),
       (int(p.ids["layers-" + k]["data-count"]), int(p.ids["layers-%s-bytes" % k]["data-bytes"])))
eq("layer rows", [(x["match"], x["old_bytes"], x["new_bytes"]) for x in L["items"]],
   [(a["data-match"], int(a["data-old"]), int(a["data-new"])) for a in p.cls.get("clayer", [])])
F = rep["files"]
if F is None:
    eq("files section", False, "files-section" in p.ids)
else:
    for k in ("added", "removed", "changed"):
        eq("files " + k, (F[k]["count"], F[k]["bytes"]),
           (int(p.ids["files-" + k]["data-count"]), int(p.ids["files-%s-bytes" % k]["data-bytes"])))
    eq("top directories", len(F["top_directories"]), len(p.cls.get("cdir", [])))
    eq("file rows", min(500, len(F["changes"])), len(p.cls.get("cfile", [])))
hl = re.search(r'<p class="headline" id="headline"><strong>(.*?)</strong>', page, re.S)
eq("headline", rep["headline"], hl and html.unescape(hl.group(1)))
eq("verdict", "REPORT" if not rep["rules"]["evaluated"] else
   "PASS" if rep["rules"]["passed"] else "FAIL", p.ids["verdict"] and
   re.search(r'id="verdict">(\w+)<', page).group(1))
eq("rule rows", [(r["id"], r["status"]) for r in rep["rules"]["results"]],
   [(a["data-rule"], a["data-status"]) for a in p.cls.get("rule", [])])

blocks = re.findall(r'<script type="application/json" id="lw-diff-data">(.*?)</script>', page, re.S)
eq("data blocks", 1, len(blocks))
if blocks:
    for ch in ("<", ">", "&", "\u2028", "\u2029"):
        if ch in blocks[0]:
            bad.append("raw %r in the data block" % ch)
    eq("the data block is the JSON diff", rep, json.loads(blocks[0]))
eq("</script in the page", 2, page.lower().count("</script"))
eq("img tags", 0, p.tags.get("img", 0))
if not re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';", page):
    bad.append("no strict Content-Security-Policy")
if re.search(r'<(link|iframe|object|embed|img|audio|video|source)\b|<[a-zA-Z][^<>]*\s(src|href)=|@import|url\(|https?://', page):
    bad.append("the page refers to something outside it")
print("\n".join(bad))
EOF
	)
	if [ -n "$v" ]; then fail "$1: $v"; else ok; fi
}

# 1. Two bundled fixtures; the waste image's Dockerfile places its waste.
cd "$LW_ROOT/fixtures/src/waste"
pair=("$FIX/clean/docker-archive.tar" "$FIX/waste/docker-archive.tar")
run_lw 0 "$TMP/d.json" diff -f json --dockerfile Dockerfile "${pair[@]}"
run_lw 0 "$TMP/d.out" diff -f html -o "$TMP/d.html" --dockerfile Dockerfile "${pair[@]}"
check_eq "-o FILE: nothing on stdout" 0 "$(wc -c <"$TMP/d.out")"
check_page "$TMP/d.html" "$TMP/d.json"
grep -q 'id="headline"><strong>+2.0 MB (+[0-9.]* %), of which 20.5 kB waste: [^<]*Dockerfile:17 RUN chown -R 1000:1000 /app</strong>' "$TMP/d.html" && ok ||
	fail "headline: $(grep -o 'id="headline">[^/]*' "$TMP/d.html")"
grep -q '<span class="fixkind">fix</span> Use COPY --chown=1000:1000' "$TMP/d.html" && ok ||
	fail "no fix on the chown's row"
cd - >/dev/null

# 2. Saved reports (files unknown), on stdout: with rules broken (exit 1)
# and passed, and the other way round, where the waste is fixed.
run_lw 0 "$TMP/clean.json" "${pair[0]}" -f json
run_lw 0 "$TMP/waste.json" "${pair[1]}" -f json
rules=(--max-growth 1% --max-new-waste 30kB)
run_lw 1 "$TMP/r.json" diff -f json "${rules[@]}" "$TMP/clean.json" "$TMP/waste.json"
run_lw 1 "$TMP/r.html" diff -f html "${rules[@]}" "$TMP/clean.json" "$TMP/waste.json"
check_page "$TMP/r.html" "$TMP/r.json"
check_eq "reports: one rule failed, one passed" "fail pass" \
	"$(jget "$TMP/r.json" "' '.join(r['status'] for r in d['rules']['results'])")"
run_lw 0 "$TMP/f.json" diff -f json "${rules[@]}" "$TMP/waste.json" "$TMP/clean.json"
run_lw 0 "$TMP/f.html" diff -f html "${rules[@]}" "$TMP/waste.json" "$TMP/clean.json"
check_page "$TMP/f.html" "$TMP/f.json"
check_eq "reports: waste fixed, files unknown" True \
	"$(jget "$TMP/f.json" "len(d['waste']['fixed']) > 0 and d['files'] is None")"

# 3. Hostile names: in a tag, a path, a layer's history and a file name.
python3 - "$TMP/hostile.tar" <<'EOF'
import hashlib, io, json, sys, tarfile
def tar(entries):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data, mode in entries:
            i = tarfile.TarInfo(name); i.mtime = 1000; i.mode = mode
            i.size = len(data); t.addfile(i, io.BytesIO(data))
    return b.getvalue()
evil = "app/<img src=x onerror=alert(1)>"
script = "app/x</script><script>alert(2)</script>"
layers = [tar([(evil, b"e" * 3000, 0o644), (script, b"s" * 500, 0o644),
               ("app/line\u2028sep\u2029&amp;.txt", b"l" * 700, 0o644)]),
          tar([(evil, b"e" * 3000, 0o755)])]
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
run_lw 0 "$TMP/h.json" diff -f json "${pair[0]}" "$TMP/hostile.tar"
run_lw 0 "$TMP/h.out" diff -f html --output "$TMP/h.html" "${pair[0]}" "$TMP/hostile.tar"
check_page "$TMP/h.html" "$TMP/h.json"
v=$(python3 - "$TMP/h.html" <<'EOF'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
bad = []
for text in ("/app/&lt;img src=x onerror=alert(1)&gt;", "evil/&lt;script&gt;:1",
             "&lt;b&gt;bold&lt;/b&gt;", "/app/x&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;",
             "&amp;amp;.txt"):
    if text not in page:
        bad.append("%s is not shown as text" % text)
for raw in ("<img", "<script>alert", "<b>bold", "\u2028", "\u2029"):
    if raw in page:
        bad.append("%r reached the page raw" % raw)
print("\n".join(bad))
EOF
)
if [ -n "$v" ]; then fail "hostile: $v"; else ok; fi

# 4. The format's name in the usage errors; share has no page.
run_lw 2 "$TMP/bad.out" diff -f htm "${pair[@]}"
grep -q 'github or html' "$TMP/bad.out.err" && ok || fail "diff's unknown format message: $(cat "$TMP/bad.out.err")"
run_lw 2 "$TMP/share.out" share -f html "${pair[@]}"

# 5. In Chromium, network off: the sort script runs, nothing is blocked.
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	finish >/dev/null || finish
	skip "chromium is not installed (Debian package chromium): $checks checks passed without the browser"
fi
for page in d h; do
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-extensions --disable-sync --proxy-server=127.0.0.1:9 \
		--proxy-bypass-list='<-loopback>' --user-data-dir="$TMP/profile" \
		--enable-logging=stderr --v=0 --dump-dom "file://$TMP/$page.html#selftest" \
		>"$TMP/$page.dom" 2>"$TMP/$page.dom.log" ||
		fail "chromium on $page.html: exit $?; $(tail -c 300 "$TMP/$page.dom.log")"
	v=$(python3 - "$TMP/$page.dom" <<'EOF'
import html, json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<pre id="lw-selftest"[^>]*>(.*?)</pre>', dom, re.S)
if not m or not m.group(1):
    print("no self-test result in the DOM"); sys.exit(0)
st = json.loads(html.unescape(m.group(1)))
bad = []
if st["problems"]: bad.append("script errors or blocked requests: %r" % st["problems"])
if st["resources"]: bad.append("%d resources loaded" % st["resources"])
if st["sort"] != "descending" or st["order"] != sorted(st["order"], reverse=True) or not st["order"]:
    bad.append("layers not sorted by their change: %r" % st)
if "<img" in dom or "<script>alert" in dom: bad.append("markup from the image reached the DOM")
print("\n".join(bad))
EOF
	)
	if [ -n "$v" ]; then fail "$page.html in chromium: $v"; else ok; fi
	if grep -q 'Uncaught\|Refused to' "$TMP/$page.dom.log"; then
		fail "$page.html: console: $(grep -m3 'Uncaught\|Refused' "$TMP/$page.dom.log")"
	else ok; fi
done

finish
