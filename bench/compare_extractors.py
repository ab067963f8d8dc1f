#!/usr/bin/python3
"""compare_extractors.py: scoring and report for bench/compare_extractors.sh.

Two steps, both driven by the shell script:

  compare_extractors.py pages CORPUS_HTML_DIR LBC_HTML
      prints the pages to run, one per line as "NAME<TAB>URL<TAB>FILE", so all
      three extractors get the same files and the same URL (the page's
      canonical link, else og:url). LBC_HTML is lbc.html.gz already unzipped.

  compare_extractors.py report CORPUS_HTML_DIR PAGES_TSV KHABAR READABILITY LXML
      reads the three JSON Lines outputs (one record per page, see
      bench_extract_pages.c, readability.mjs, readability_lxml.py) and scores
      them all with the same functions below: body F1 on cnn-arabic and lbc,
      snippet hits on assabah, title agreement on the three gold pages, and
      time on every page. Prints a table and `extract_compare key=value` lines.

The F1 is bench/bench_html.c's: both texts are normalized with khabar's
display preset (KB_NORM_DISPLAY: Arabic presentation forms to base letters
using the repository's data/presentation-forms.tsv, invisible controls
dropped, Unicode spaces to ' '), split on runs of ' ', '\\n', '\\t', '\\r',
and compared as multisets of word 4-grams (bench_html.c hashes the 4-grams;
here they are compared exactly). Titles are compared as bench_html.c does:
normalized the same way, ignoring ' ' characters.
"""

import html
import json
import os
import re
import sys
from collections import Counter

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = ("khabar", "readability.js", "readability-lxml")
GOLD_PAGES = ("cnn-arabic", "lbc", "assabah")

# --- normalization: KB_NORM_DISPLAY, as src/text/normalize.c applies it -----


def _is_control(u):
    return (0x200B <= u <= 0x200F or 0x202A <= u <= 0x202E or 0x2060 <= u <= 0x2064
            or 0x2066 <= u <= 0x2069 or u in (0x061C, 0xFEFF, 0x00AD, 0x180E))


def _is_space(u):
    return (u in (0x00A0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0x0085)
            or 0x2000 <= u <= 0x200A)


def _simple(u):
    """map_simple() for the display flags: '' to drop, else the replacement."""
    if _is_control(u):
        return ""
    if u > 0x7F and _is_space(u):
        return " "
    return chr(u)


def _display_table():
    table = {}
    for u in list(range(0x2000, 0x2070)) + [0x061C, 0xFEFF, 0x00AD, 0x180E, 0x00A0, 0x1680,
                                            0x3000, 0x0085]:
        if _simple(u) != chr(u):
            table[u] = _simple(u)
    with open(os.path.join(REPO, "data", "presentation-forms.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cps = [int(x, 16) for x in line.split()]
            if 0xFB50 <= cps[0] <= 0xFEFF and len(cps) > 1:
                table[cps[0]] = "".join(_simple(v) for v in cps[1:8])
    return table


DISPLAY = _display_table()


def normalize(text):
    return (text or "").translate(DISPLAY)


def words(text):
    return [w for w in re.split(r"[ \n\t\r]+", normalize(text)) if w]


def f1(got, gold):
    """Word 4-gram F1 of got against gold (multisets), 0 when nothing is shared."""
    def grams(t):
        w = words(t)
        return Counter(tuple(w[i:i + 4]) for i in range(len(w) - 3))
    a, b = grams(got), grams(gold)
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def same_title(got, gold):
    if got is None or gold is None:
        return False
    return normalize(got).replace(" ", "") == normalize(gold).replace(" ", "")


def snippet_hits(text, want, avoid):
    """(found of want, absent of avoid), matching on normalized text with
    white space collapsed."""
    flat = " ".join(words(text))
    norm = lambda s: " ".join(words(s))
    return sum(norm(s) in flat for s in want), sum(norm(s) not in flat for s in avoid)


# --- gold ---------------------------------------------------------------------


def load_gold(corpus):
    gold = {}
    with open(os.path.join(corpus, "cnn-arabic.gold.json"), encoding="utf-8") as f:
        title = json.load(f)["title"]
    with open(os.path.join(corpus, "cnn-arabic.gold.txt"), encoding="utf-8") as f:
        gold["cnn-arabic"] = {"title": title, "body": f.read()}
    with open(os.path.join(corpus, "lbc.gold.json"), encoding="utf-8") as f:
        v1 = json.load(f)["V1"]
    paras = [p for s in v1["body"]["sections"] for p in s.get("paragraphs", [])]
    gold["lbc"] = {"title": v1["title"], "body": "\n".join(paras) + "\n"}
    with open(os.path.join(corpus, "assabah.gold.json"), encoding="utf-8") as f:
        rec = next(iter(json.load(f).values()))
    gold["assabah"] = {"title": rec["title"], "with": rec["with"], "without": rec["without"]}
    return gold


# --- step 1: the pages ----------------------------------------------------------


def page_url(path):
    with open(path, "rb") as f:
        head = f.read(256 * 1024).decode("utf-8", "replace")
    for tag in re.findall(r"<link\b[^>]*>", head, re.I):
        if re.search(r"\brel\s*=\s*[\"']?canonical\b", tag, re.I):
            m = re.search(r"\bhref\s*=\s*[\"']([^\"']+)", tag, re.I)
            if m and m.group(1).startswith(("http://", "https://")):
                return html.unescape(m.group(1))
    for tag in re.findall(r"<meta\b[^>]*>", head, re.I):
        if re.search(r"\bproperty\s*=\s*[\"']og:url[\"']", tag, re.I):
            m = re.search(r"\bcontent\s*=\s*[\"']([^\"']+)", tag, re.I)
            if m and m.group(1).startswith(("http://", "https://")):
                return html.unescape(m.group(1))
    return "about:blank"


def cmd_pages(corpus, lbc_html):
    files = [(n, os.path.join(corpus, n + ".html")) for n in ("cnn-arabic", "assabah")]
    files.insert(1, ("lbc", lbc_html))
    files += [(f[:-5], os.path.join(corpus, f)) for f in sorted(os.listdir(corpus))
              if re.fullmatch(r"\d+\.html", f)]
    for name, path in files:
        print(f"{name}\t{page_url(path)}\t{path}")


# --- step 2: the report -----------------------------------------------------------


def read_jsonl(path, by_file):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                print(f"compare_extractors: bad line in {path}: {e}", file=sys.stderr)
                continue
            out[by_file.get(rec.get("file"), rec.get("file"))] = rec
    return out


def cost_ms(tool, rec):
    """The real per-page cost: for Readability.js that includes building the
    jsdom document, without which it cannot run."""
    return rec.get("ms_total", rec["ms"]) if tool == "readability.js" else rec["ms"]


def cmd_report(corpus, pages_tsv, paths):
    pages = []
    with open(pages_tsv, encoding="utf-8") as f:
        for line in f:
            name, url, path = line.rstrip("\n").split("\t")
            pages.append((name, path))
    by_file = {path: name for name, path in pages}
    results = {tool: read_jsonl(p, by_file) for tool, p in zip(TOOLS, paths)}
    gold = load_gold(corpus)

    head = (f"{'page':<12} {'KB':>4} | {'khabar':^20} | {'Readability.js (+jsdom)':^31} | "
            f"{'readability-lxml':^20}")
    sub = (f"{'':<12} {'':>4} | {'score':>7} {'title':>5} {'ms':>6} | {'score':>7} {'title':>5} "
           f"{'ms':>7} {'parse':>7} | {'score':>7} {'title':>5} {'ms':>6}")
    table, kv = [head, sub, "-" * len(sub)], []
    worse = []  # gold pages where khabar scores below a reference
    for name, path in pages:
        size = os.path.getsize(path)
        cells = []
        scores = {}
        for tool in TOOLS:
            rec = results[tool].get(name)
            if rec is None or "error" in rec:
                err = rec["error"] if rec else "no output"
                kv.append(f"extract_compare page={name} tool={tool} error={json.dumps(err, ensure_ascii=False)}")
                width = 20 if tool != "readability.js" else 29
                cells.append(f"{'FAILED':>{width}}")
                scores[tool] = None
                continue
            text, title = rec.get("text") or "", rec.get("title")
            g = gold.get(name)
            score, shown, extra = None, "-", ""
            if g and "body" in g:
                score = f1(text, g["body"])
                shown = f"{score:.3f}"
                extra = f" f1={score:.3f}"
            elif g:
                hw, ha = snippet_hits(text, g["with"], g["without"])
                score = (hw + ha) / (len(g["with"]) + len(g["without"]))
                shown = f"{hw + ha}/{len(g['with']) + len(g['without'])}"
                extra = f" with={hw}/{len(g['with'])} without={ha}/{len(g['without'])}"
            scores[tool] = score
            tok = ("yes" if same_title(title, g["title"]) else "no") if g else "-"
            if g:
                extra += f" title_ok={int(tok == 'yes')}"
            else:
                extra += f" title={json.dumps(title, ensure_ascii=False)}"
            ms = cost_ms(tool, rec)
            timing = f" ms={ms:.2f}"
            if tool == "readability.js":
                timing += f" ms_parse={rec['ms']:.2f}"
                cells.append(f"{shown:>7} {tok:>5} {ms:>7.2f} {rec['ms']:>7.2f}")
            else:
                cells.append(f"{shown:>7} {tok:>5} {ms:>6.2f}")
            kv.append(f"extract_compare page={name} tool={tool}{extra}{timing}")
        if name in GOLD_PAGES:
            k = scores["khabar"]
            for ref in TOOLS[1:]:
                if scores[ref] is not None and (k is None or k < scores[ref]):
                    worse.append(f"{name}<{ref}")
        table.append(f"{name:<12} {size // 1024:>4} | " + " | ".join(cells))

    # Totals over the pages every tool extracted, so the means compare alike.
    ok = [n for n, _ in pages if all(n in results[t] and "error" not in results[t][n] for t in TOOLS)]
    kv.append(f"extract_compare_pages pages={len(pages)} all_tools_ok={len(ok)}")
    means = {}
    for tool in TOOLS:
        recs = [results[tool][n] for n in ok]
        means[tool] = sum(cost_ms(tool, r) for r in recs) / max(1, len(recs))
        line = f"extract_compare_total tool={tool} pages={len(recs)} mean_ms={means[tool]:.3f}"
        if tool == "readability.js":
            parse = sum(r["ms"] for r in recs) / max(1, len(recs))
            means["readability.js parse only"] = parse
            line += f" mean_ms_parse_only={parse:.3f}"
        if tool == "khabar":
            mb = sum(os.path.getsize(p) for n, p in pages if n in ok) / 1e6
            secs = sum(r["ms"] for r in recs) / 1e3
            line += f" mb={mb:.3f} mb_per_s={mb / secs if secs else 0:.1f}"
        kv.append(line)
    faster = min(TOOLS[1:], key=lambda t: means[t])
    ratio = means[faster] / means["khabar"] if means["khabar"] else 0
    strict = means["readability.js parse only"] / means["khabar"] if means["khabar"] else 0
    kv.append(f"extract_compare_speed faster_reference={faster} ratio={ratio:.1f} "
              f"target=50 met={'yes' if ratio >= 50 else 'no'}")
    kv.append(f"extract_compare_speed reference=readability.js-parse-only ratio={strict:.1f} "
              f"(Readability.parse() alone, jsdom's DOM build not counted)")
    kv.append(f"extract_compare_accuracy target=khabar>=both_on_every_gold_page "
              f"met={'no' if worse else 'yes'}" + (f" worse={','.join(worse)}" if worse else ""))

    print("\n".join(table))
    print()
    print("score: body word-4-gram F1 (cnn-arabic, lbc) or snippet hits, with found + without")
    print("absent (assabah); '-' = no gold body. title: equal to the gold title. ms: best")
    print("time per page, in-process; Readability.js ms includes building the jsdom")
    print("document, parse is Readability.parse() alone. KB: page size in KiB.")
    print()
    print("\n".join(kv))


def main(argv):
    if len(argv) == 3 and argv[0] == "pages":
        cmd_pages(argv[1], argv[2])
    elif len(argv) == 6 and argv[0] == "report":
        cmd_report(argv[1], argv[2], argv[3:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
