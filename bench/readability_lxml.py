#!/usr/bin/python3
"""readability_lxml.py: the readability-lxml side of bench/compare_extractors.sh.

For each HTML file it runs readability-lxml (Debian's python3-readability, a
Python port of Arc90's Readability on lxml): Document(bytes).short_title()
for the title, then Document.summary() for the article's HTML, whose tags are
stripped with lxml to give the text. It prints one JSON line per page
{file, url, title, text, ms, ms_median, runs}: ms is the best time of the
whole extraction (Document(), which parses lazily, the title, the summary and
the tag stripping), so it covers the HTML parse as kb_extract()'s time does.
Reading the file is not timed. The title is asked for before summary() since
summary() rewrites the document (the library's docstring says so). A page
that fails prints {file, error}.

Usage: /usr/bin/python3 bench/readability_lxml.py [-n RUNS] [--url URL] FILE ...
       (--url applies to the next FILE only; RUNS defaults to 20)
"""

import json
import logging
import sys
import time

import lxml.html
from readability import Document


def extract_once(data, url):
    t0 = time.perf_counter()
    doc = Document(data, url=url)
    title = doc.short_title()
    summary = doc.summary()
    text = lxml.html.fromstring(summary).text_content()
    return title, text, (time.perf_counter() - t0) * 1000.0


def bench_page(path, url, runs):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return {"file": path, "error": f"cannot read the file: {e}"}
    times = []
    title = text = None
    try:
        for _ in range(runs):
            title, text, ms = extract_once(data, url)
            times.append(ms)
    except Exception as e:  # a failing page is a result, not a crash
        return {"file": path, "error": f"{type(e).__name__}: {e}"}
    times.sort()
    return {
        "file": path,
        "url": url,
        "bytes": len(data),
        "title": title,
        "text": text,
        "ms": times[0],
        "ms_median": times[len(times) // 2],
        "runs": runs,
    }


def main(argv):
    logging.disable(logging.CRITICAL)  # readability logs its guesses
    runs, url, i = 20, None, 0
    while i < len(argv):
        if argv[i] == "-n" and i + 1 < len(argv):
            runs = max(1, int(argv[i + 1]))
            i += 2
        elif argv[i] == "--url" and i + 1 < len(argv):
            url = argv[i + 1]
            i += 2
        else:
            print(json.dumps(bench_page(argv[i], url, runs), ensure_ascii=False), flush=True)
            url = None
            i += 1


if __name__ == "__main__":
    main(sys.argv[1:])
