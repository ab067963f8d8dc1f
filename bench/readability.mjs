// readability.mjs: the Readability.js side of bench/compare_extractors.sh.
// For each HTML file it builds a jsdom document and runs Mozilla's
// Readability on it, the way Firefox's reader view does, and prints one JSON
// line {file, url, title, text, ms, ms_total, ...}: text is the article's
// textContent, ms the best time of Readability.parse() alone, ms_total the
// best time of new JSDOM() + parse() -- the real cost of extracting a page,
// since Readability needs a DOM and jsdom builds it. Reading the file is not
// timed. Readability changes the document it parses, so every run builds a
// fresh one. A page that fails or yields nothing prints {file, error}.
//
// Usage: node bench/readability.mjs [-n RUNS] [--url URL] FILE ...
//        (--url applies to the next FILE only; RUNS defaults to 20)
// Needs bench/node_modules (npm install --prefix bench; see package.json).

import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Readability } from "@mozilla/readability";
import { JSDOM, VirtualConsole } from "jsdom";

// jsdom reports CSS it cannot parse on the console; that is noise here.
const quiet = new VirtualConsole();

// The encoding: jsdom sniffs a Buffer as a browser does without HTTP headers
// (BOM, then <meta charset> in the first 1024 bytes, else windows-1252), which
// garbles UTF-8 pages that declare their charset later. A browser would have
// the server's charset; the stand-in here is khabar's own rule: bytes that are
// valid UTF-8 are UTF-8. Other pages are left to jsdom's sniffing.
function contentTypeOf(bytes) {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return "text/html; charset=utf-8";
  } catch {
    return "text/html";
  }
}

function extractOnce(bytes, url, contentType) {
  const t0 = performance.now();
  const dom = new JSDOM(bytes, { url, virtualConsole: quiet, contentType });
  const t1 = performance.now();
  const article = new Readability(dom.window.document).parse();
  const t2 = performance.now();
  dom.window.close();
  return { article, parse: t2 - t1, total: t2 - t0 };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function benchPage(file, url, runs) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { file, error: `cannot read the file: ${e.message}` };
  }
  const parse = [], total = [];
  const contentType = contentTypeOf(bytes);
  let article = null;
  try {
    for (let i = 0; i < runs; i++) {
      const r = extractOnce(bytes, url, contentType);
      article = r.article;
      parse.push(r.parse);
      total.push(r.total);
    }
  } catch (e) {
    return { file, error: `${e.name}: ${e.message}` };
  }
  if (!article) return { file, error: "Readability found no article (parse() returned null)" };
  return {
    file,
    url,
    bytes: bytes.length,
    title: article.title ?? null,
    text: article.textContent ?? "",
    ms: Math.min(...parse),
    ms_median: median(parse),
    ms_total: Math.min(...total),
    ms_total_median: median(total),
    runs,
  };
}

let runs = 20;
let url = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "-n" && i + 1 < args.length) {
    runs = Math.max(1, parseInt(args[++i], 10) || 1);
  } else if (args[i] === "--url" && i + 1 < args.length) {
    url = args[++i];
  } else {
    const rec = benchPage(args[i], url || "about:blank", runs);
    process.stdout.write(JSON.stringify(rec) + "\n");
    url = null;
  }
}
