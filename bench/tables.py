#!/usr/bin/env python3
"""The result tables of scripts/bench (Markdown), from a run's results.tsv.

usage: bench/tables.py RESULTS.TSV MISSED_FILE

results.tsv holds two kinds of lines, tab-separated:
  info  IMAGE|-  KEY  VALUE
  time  IMAGE  FORM  KIND  MICROSECONDS  PEAK_RSS_KIB|-  CPU_SECONDS
KIND is lw (layerwaste --no-cache), lw1 (the same at -j 1), a baseline
(tar, igzip, gzip, zstd: over the unpacked layer files; cat: the archive),
verify (lw with --verify), fill (lw with an empty cache), warm (lw with the
cache a first run filled) or base (the shared image with a cache the
onelayer image filled). The forms of big-image time targets that were
missed are written to MISSED_FILE, one a line (for --profile).
"""
import statistics
import sys
from collections import defaultdict

# Targets: layerwaste / baseline, per form; the RSS budget.
TARGETS = {"docker": ("tar", 0.5), "gzip": ("igzip", 0.6), "zstd": ("zstd", 0.7)}
CAT_TARGET = 1.0        # uncompressed: layerwaste <= 1.0 x cat of the archive
WARM_TARGET = 0.05      # warm cache <= 0.05 x the run without a cache
VERIFY_TARGET = 1.3     # gzip and zstd: --verify <= 1.3 x without
RSS_BASE_MIB, RSS_PER_ENTRY = 32, 150
FORMS = ("docker", "gzip", "zstd")
ORDER = ("big", "small", "compare", "onelayer", "shared")
MIB = 1048576
FORM_NAME = {"docker": "docker-archive (tar)", "gzip": "OCI archive, gzip",
             "zstd": "OCI archive, zstd"}
BASE_NAME = {"tar": "`tar -tvf`", "igzip": "`igzip -dc`", "gzip": "`gzip -dc`",
             "zstd": "`zstd -dc`", "cat": "`cat` archive"}
LW_KINDS = ("lw", "lw1", "verify", "fill", "warm", "base")

res, missed_file = sys.argv[1:]
info = defaultdict(dict)
times = defaultdict(list)
rss = defaultdict(list)
cpu = defaultdict(list)
for line in open(res):
    f = line.rstrip("\n").split("\t")
    if f[0] == "info":
        info[f[1]][f[2]] = f[3]
    elif f[0] == "time":
        _, img, form, kind, us, r, c = f
        times[img, form, kind].append(int(us) / 1e6)
        cpu[img, form, kind].append(float(c))
        if r != "-":
            rss[img, form, kind].append(int(r))
g = info["-"]
images = [s for s in ORDER if s in info]
ncpu = g.get("nproc", "?")


def has(k):
    return bool(times.get(k))


def med(k):
    return statistics.median(times[k])


def cmed(k):
    return statistics.median(cpu[k])


def ratio(a, b, f=med):
    return f(a) / f(b) if f(b) > 0 else float("inf")


def table(head, rows):
    cells = [head] + [[str(c) for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |"
    out = [line(cells[0]), "|" + "|".join("-" * (x + 2) for x in w) + "|"]
    return "\n".join(out + [line(r) for r in cells[1:]])


def mib(b):
    return "%.1f" % (int(b) / MIB)


def applies(img, form):
    """The layer-tool targets: every form of big and small; the docker-archive
    form of the images where little content needs comparing (not compare)."""
    return img in ("big", "small") or (form == "docker" and img != "compare")


def verdict(x, limit):
    return "PASS" if x <= limit else "FAIL"


out = []
p = out.append
verdicts = []   # (what, value, PASS/FAIL)
missed = []
p("Run of %s: layerwaste %s; %s runs per command after one warm-up, medians; "
  "%s cores (%s), %s GiB RAM, Linux %s; load average before %s, after %s; %s."
  % (g["date"], g["revision"], g["runs"], g["nproc"], g["cpu"], g["mem_gib"], g["kernel"],
     g["load_before"], g.get("load_after", "?"), g["tools"]))
p("")
p("### Images")
p("")
rows = []
for s in images:
    i = info[s]
    rows.append([s, i["layers"], "{:,}".format(int(i["entries"])), "{:,}".format(int(i["files"])),
                 "{:,}".format(int(i["visible_files"])), mib(i["file_bytes"]),
                 mib(i["layer_bytes_docker"]), mib(i["layer_bytes_gzip"]),
                 mib(i["layer_bytes_zstd"]), mib(i["wasted_bytes"])])
p(table(["image", "layers", "entries", "regular files", "visible files", "file data MiB",
         "layer tars MiB", "gzip blobs MiB", "zstd blobs MiB", "wasted MiB"], rows))
p("")
p("Entries: all tar entries of all layers (`tar -tf`), the count the RSS budget uses. "
  "Waste by kind, bytes:")
p("")
for s in images:
    p("- %s: %s" % (s, info[s]["by_kind"].replace(" ", ", ")))
for s in images:
    if info[s]["entries"] != info[s]["lw_entries"]:
        p("")
        p("**Note**: %s image: `tar -tf` lists %s entries, layerwaste's layers[].entry_count "
          "sum to %s." % (s, info[s]["entries"], info[s]["lw_entries"]))

# --- against the tools that list or decompress the layers -----------------------
p("")
p("### Time against the layer tools (median seconds, warm page cache)")
p("")
rows = []
for s in images:
    for form in FORMS:
        if not has((s, form, "lw")):
            continue
        lw = med((s, form, "lw"))
        one = has((s, form, "lw1"))
        tkind, limit = TARGETS[form]
        kinds = [k for k in (tkind, "gzip" if form == "gzip" else None) if k and has((s, form, k))]
        for n, k in enumerate(kinds):
            r = ratio((s, form, "lw"), (s, form, k))
            if k == tkind and applies(s, form):
                v, tgt = verdict(r, limit), "<= %.1f" % limit
                if s == images[0] and v == "FAIL":
                    missed.append(form)
                verdicts.append(("%s, %s: layerwaste <= %.1f x %s"
                                 % (s, FORM_NAME[form], limit, BASE_NAME[k].strip("`")),
                                 "%.2f" % r, v))
            else:
                v, tgt = "", "(info)"
            first = n == 0
            rows.append([s if first else "", FORM_NAME[form] if first else "",
                         "%.3f" % lw if first else "",
                         "%.3f" % med((s, form, "lw1")) if first and one else "",
                         "%.2fx" % (med((s, form, "lw1")) / lw) if first and one else "",
                         "%.2f" % cmed((s, form, "lw")) if first else "",
                         BASE_NAME[k], "%.3f" % med((s, form, k)), "%.2f" % cmed((s, form, k)),
                         "**%.2f**" % r, "%.2f" % ratio((s, form, "lw"), (s, form, k), cmed),
                         tgt, v])
p(table(["image", "form", "layerwaste s (-j %s)" % ncpu, "-j 1 s", "-j speed-up", "CPU s",
         "baseline", "s", "CPU s", "ratio", "CPU ratio", "target", "result"], rows))
p("")
p("Seconds, medians; s is wall-clock time, CPU s user + system time (layerwaste's, "
  "on several cores, can exceed its wall time). "
  "ratio = layerwaste wall time / baseline wall time, the figure the target is on; "
  "CPU ratio = the same for CPU time, which other work on the machine disturbs less. "
  "layerwaste runs with `--no-cache` here. Baselines run sequentially over the layer "
  "files of the unpacked archive (unpacked once, not timed); layerwaste reads the "
  "archive itself and writes its text report. The targets hold for every form of "
  "big and small, and for the docker-archive form where little content needs "
  "comparing (onelayer, shared); the compare image, whose waste must be read to be "
  "proven, is held to `cat` of the archive instead (below).")

# --- against cat of the archive ----------------------------------------------------
p("")
p("### Time against reading the archive once (`cat ARCHIVE > /dev/null`)")
p("")
rows = []
for s in images:
    for form in FORMS:
        if not has((s, form, "cat")):
            continue
        r = ratio((s, form, "lw"), (s, form, "cat"))
        tgt, v = "(info)", ""
        if form == "docker":
            tgt, v = "<= %.1f" % CAT_TARGET, verdict(r, CAT_TARGET)
            verdicts.append(("%s, docker-archive: layerwaste <= %.1f x cat" % (s, CAT_TARGET),
                             "%.2f" % r, v))
        rows.append([s, FORM_NAME[form], mib(info[s]["archive_bytes_" + form]),
                     "%.3f" % med((s, form, "lw")), "%.2f" % cmed((s, form, "lw")),
                     "%.3f" % med((s, form, "cat")), "%.2f" % cmed((s, form, "cat")),
                     "**%.2f**" % r, "%.2f" % ratio((s, form, "lw"), (s, form, "cat"), cmed),
                     tgt, v])
p(table(["image", "form", "archive MiB", "layerwaste s", "CPU s", "cat s", "CPU s", "ratio",
         "CPU ratio", "target", "result"], rows))
p("")
p("`cat` reads the archive once through the page cache (warm) into a buffer and "
  "throws it away: the least any reader of every byte does. The target (uncompressed "
  "form) is on wall time; on two cores layerwaste's CPU time may be up to twice its "
  "wall time, so a CPU ratio up to 2 still meets it when the machine is idle.")

# --- the cache -------------------------------------------------------------------
p("")
p("### Per-layer cache: cold and warm runs")
p("")
rows = []
for s in images:
    for form in FORMS:
        if not has((s, form, "warm")):
            continue
        r = ratio((s, form, "warm"), (s, form, "lw"))
        v = verdict(r, WARM_TARGET)
        verdicts.append(("%s, %s: warm cache <= %.2f x no cache" % (s, FORM_NAME[form],
                                                                   WARM_TARGET),
                         "%.3f" % r, v))
        rows.append([s, FORM_NAME[form], "%.3f" % med((s, form, "lw")),
                     "%.3f" % med((s, form, "fill")) if has((s, form, "fill")) else "",
                     "%.3f" % med((s, form, "warm")), "%.2f" % cmed((s, form, "warm")),
                     "**%.3f**" % r, "%.3f" % ratio((s, form, "warm"), (s, form, "lw"), cmed),
                     "%.3f" % ratio((s, form, "warm"), (s, form, "fill"))
                     if has((s, form, "fill")) else "",
                     mib(max(rss[s, form, "warm"]) * 1024), "<= %.2f" % WARM_TARGET, v])
p(table(["image", "form", "no cache s", "cold s (empty cache)", "warm s", "warm CPU s",
         "warm / no cache", "CPU ratio", "warm / cold", "warm RSS MiB", "target", "result"],
        rows))
p("")
p("no cache: `--no-cache`; cold: `--cache DIR` with DIR emptied before each run (so "
  "it includes writing every layer's entry, each synced); warm: `--cache DIR` filled "
  "by the warm-up run. The target is warm / no cache.")

if "shared" in images and has(("shared", "docker", "base")):
    sh, ol = info["shared"], info.get("onelayer", {})
    tars = [int(x) for x in sh["layer_tar_bytes"].split()]
    nbase = int(ol.get("layers", 0)) if ol else 0
    new = sum(tars[nbase:])
    frac = new / sum(tars)
    p("")
    p("### New image on a cached base")
    p("")
    p("The shared image is the onelayer image plus %d layers (%s MiB of %s MiB of layer "
      "tars, %.1f %%). Its base cached: the cache filled by one run on the onelayer "
      "image in the same form, copied afresh before each run (not timed)."
      % (len(tars) - nbase, mib(new), mib(sum(tars)), 100 * frac))
    p("")
    rows = []
    for form in FORMS:
        if not has(("shared", form, "base")):
            continue
        r = ratio(("shared", form, "base"), ("shared", form, "lw"))
        rows.append([FORM_NAME[form], "%.3f" % med(("shared", form, "lw")),
                     "%.3f" % med(("shared", form, "base")),
                     "%.3f" % med(("shared", form, "warm")),
                     "**%.3f**" % r,
                     "%.3f" % ratio(("shared", form, "base"), ("shared", form, "lw"), cmed),
                     "%.3f" % frac])
        verdicts.append(("shared, %s: on a cached base / no cache (new bytes %.3f of all)"
                         % (FORM_NAME[form], frac), "%.3f" % r, "(info)"))
    p(table(["form", "no cache s", "cached base s", "all cached s", "base / no cache",
             "CPU ratio", "new bytes / all bytes"], rows))
    p("")
    p("Proportional to the new layers' bytes means base / no cache close to new bytes / "
      "all bytes (plus the fixed cost of an analysis over every entry, which the warm "
      "column shows).")

# --- --verify ---------------------------------------------------------------------
p("")
p("### --verify overhead")
p("")
rows = []
for s in images:
    for form in FORMS:
        if not has((s, form, "verify")):
            continue
        r = ratio((s, form, "verify"), (s, form, "lw"))
        tgt, v = "(info)", ""
        if form != "docker":
            tgt, v = "<= %.1f" % VERIFY_TARGET, verdict(r, VERIFY_TARGET)
            verdicts.append(("%s, %s: --verify <= %.1f x without" % (s, FORM_NAME[form],
                                                                      VERIFY_TARGET),
                             "%.2f" % r, v))
        bound = ""
        if str(ncpu).isdigit():
            # The least wall time the --verify run's CPU work can take
            # here, spread perfectly over every core.
            best = max(med((s, form, "lw")), cmed((s, form, "verify")) / int(ncpu))
            bound = "%.2f" % (best / med((s, form, "lw")))
        rows.append([s, FORM_NAME[form], "%.3f" % med((s, form, "lw")),
                     "%.3f" % med((s, form, "verify")), "**%.2f**" % r,
                     "%.2f" % cmed((s, form, "lw")), "%.2f" % cmed((s, form, "verify")),
                     "%.2f" % ratio((s, form, "verify"), (s, form, "lw"), cmed),
                     "%.2f" % cmed((s, form, "sha")) if has((s, form, "sha")) else "",
                     bound, tgt, v])
p(table(["image", "form", "without s", "--verify s", "ratio", "CPU s", "CPU s --verify",
         "CPU ratio", "SHA-256 CPU s", "bound on %s cores" % ncpu, "target", "result"], rows))
p("")
p("Both with `--no-cache`. --verify hashes (SHA-256) every blob and every layer's tar "
  "stream: for a compressed layer both. SHA-256 CPU s: `openssl dgst -sha256` over the "
  "same bytes (the blobs and the uncompressed layer tars), the same library layerwaste "
  "uses, reading files (layerwaste hashes bytes it has mapped or decoded anyway, so it "
  "adds a little less). Bound: the least ratio the --verify run's own CPU time allows on "
  "this machine's cores, max(1, CPU s --verify / cores / without s), that work spread "
  "perfectly over every core; a target below it needs more cores or a faster SHA-256.")

# --- memory ----------------------------------------------------------------------
p("")
p("### Memory (peak RSS, the largest of the runs)")
p("")
rows = []
for s in images:
    entries = int(info[s]["entries"])
    for form in FORMS:
        if not has((s, form, "lw")):
            continue
        budget = RSS_BASE_MIB * MIB + RSS_PER_ENTRY * entries
        windows = 0
        if form == "zstd":
            # One declared window per stream decoded at once (the format
            # needs it of any decoder), at most one per thread or layer.
            decoders = min(int(ncpu) if str(ncpu).isdigit() else 1, int(info[s]["layers"]))
            windows = decoders * int(info[s].get("zstd_window_bytes") or 0)
            budget += windows
        peaks = {k: max(rss[s, form, k]) * 1024 for k in LW_KINDS if rss.get((s, form, k))}
        worst = max(v for k, v in peaks.items() if k != "verify")
        rj = int(info[s]["json_rss_kib_" + form]) * 1024
        v = verdict(max(worst, rj), budget)
        cell = lambda k: mib(peaks[k]) if k in peaks else ""
        rows.append([s, FORM_NAME[form], cell("lw"), cell("lw1"), mib(rj), cell("verify"),
                     cell("fill"), cell("warm"),
                     mib(int(info[s]["anon_kib_" + form]) * 1024),
                     mib(int(info[s]["file_kib_" + form]) * 1024), mib(budget),
                     "%.0f" % ((peaks["lw"] - RSS_BASE_MIB * MIB - windows) / entries), v])
        verdicts.append(("%s, %s: peak RSS, cache or not, <= %d MiB + %d B x %s entries%s "
                         "(%s MiB)" % (s, FORM_NAME[form], RSS_BASE_MIB, RSS_PER_ENTRY,
                                       "{:,}".format(entries),
                                       " + %s MiB of zstd windows" % mib(windows)
                                       if windows else "", mib(budget)),
                         mib(max(worst, rj)) + " MiB", v))
        if "verify" in peaks and peaks["verify"] > budget:
            verdicts.append(("%s, %s: peak RSS with --verify (not in the budget's runs)"
                             % (s, FORM_NAME[form]), mib(peaks["verify"]) + " MiB",
                             "(over budget)"))
p(table(["image", "form", "RSS MiB -j %s" % ncpu, "-j 1", "-f json", "--verify", "cold cache",
         "warm cache", "anon MiB", "file pages MiB", "budget MiB", "B/entry over 32 MiB (and windows)",
         "result"], rows))
p("")
p("Budget: %d MiB + %d bytes per entry, and for the zstd form the window its frames "
  "declare (8 MiB for these images) once per stream decoded at once (the smaller of the "
  "threads and the layers): the format needs that much of any decoder, `zstd -dc` too. "
  "The result is on the largest peak of the "
  "row's runs without, with an empty and with a warm cache and `-f json` (`--verify` "
  "is shown, not judged). RSS (GNU time %%M, peak): the text report (timed runs), "
  "and one `-f json` run, which also builds the whole JSON document. anon / file pages: "
  "peaks of RssAnon and RssFile sampled every 2 ms in one more run (no cache); file "
  "pages are mapped pages of files (the archive, if mapped) and count in RSS, though "
  "the kernel can drop them." % (RSS_BASE_MIB, RSS_PER_ENTRY))

if "big" in info and "small" in info:
    p("")
    p("### Growth, big / small")
    p("")
    b, sm = info["big"], info["small"]
    de = int(b["entries"]) - int(sm["entries"])
    rows = []
    for form in FORMS:
        tkind = TARGETS[form][0]
        rb, rs = max(rss["big", form, "lw"]), max(rss["small", form, "lw"])
        ab, as_ = int(b["anon_kib_" + form]), int(sm["anon_kib_" + form])
        gr = lambda f, k: "%.2f" % (f(("big", form, k)) / f(("small", form, k)))
        rows.append([FORM_NAME[form],
                     "%.2f" % (int(b["entries"]) / int(sm["entries"])),
                     "%.2f" % (int(b["layer_bytes_" + form]) / int(sm["layer_bytes_" + form])),
                     gr(med, "lw"), gr(cmed, "lw"), gr(med, tkind), gr(cmed, tkind),
                     "%.2f" % (rb / rs), "%.2f" % (ab / as_),
                     "%.0f" % ((rb - rs) * 1024 / de), "%.0f" % ((ab - as_) * 1024 / de)])
    p(table(["form", "entries", "layer bytes", "layerwaste s", "CPU s", "baseline s", "CPU s",
             "peak RSS", "anon", "RSS B/added entry", "anon B/added entry"], rows))
    p("")
    p("Each column: big / small, except the last two: (big - small) / (entries big - "
      "entries small), the memory each added entry costs (anon: sampled RssAnon, "
      "without the pages of mapped files).")

p("")
p("### Targets")
p("")
for what, val, v in verdicts:
    p("- %s: %s: **%s**" % (what, val, v))
json_ok = all(info[s].get("json_" + f) == "OK" for s in images for f in ("gzip", "zstd"))
p("- JSON report identical across the three forms, storage fields aside (%s): **%s**"
  % (", ".join(images), "OK" if json_ok else "DIFF"))
plain = [info[s].get("plain_" + f) for s in images for f in FORMS]
if all(plain):
    p("- JSON report of the fast readers identical to `--plain-reader` (libarchive "
      "only), each form (%s): **%s**" % (", ".join(images),
                                          "OK" if all(v == "OK" for v in plain) else "DIFF"))
print("\n".join(out))
with open(missed_file, "w") as f:
    f.write("".join(m + "\n" for m in missed))
