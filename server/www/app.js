/*
  khabar's web page: a small hash-routed client of the JSON API (docs/api.md).

    #/                       home: archive figures, latest articles, top names
    #/search?q=&source=&since=&until=&offset=   results, chart, export, pages
    #/article/ID             one article: entities marked, quotes, related
    #/speaker/NAME           every statement of one speaker, newest first
    #/entity/NAME?type=T     articles naming an entity (phrase search)
    #/entities?type=T        the most mentioned names
    #/quotes?q=              latest statements

  Safety: article text is never parsed as HTML. Everything is built with DOM
  nodes and textContent; the search snippets carry private-use markers
  (U+E000 open, U+E001 close) that become <mark> elements here. Strings
  from the archive are wrapped in <bdi> or given dir="auto" so that Latin
  names and numbers inside Arabic lines keep their order.
*/
'use strict';

const HL_OPEN = '\uE000';
const HL_CLOSE = '\uE001';
const PAGE = 20;

const main = document.getElementById('main');
const form = document.getElementById('search-form');
const field = {
  q: document.getElementById('q'),
  source: document.getElementById('source'),
  since: document.getElementById('since'),
  until: document.getElementById('until'),
};

/* --- DOM helpers ---------------------------------------------------------- */

// el('a', {href: '#/', class: 'x'}, child, 'text', ...): children are nodes or
// strings (always text nodes).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function bdi(text) { return el('bdi', {}, text); }

function show(...nodes) {
  main.replaceChildren(...nodes);
}

function errorBox(err) {
  return el('p', { class: 'error', role: 'alert' }, 'خطأ: ', bdi(err.message || String(err)));
}

function setTitle(t) { document.title = t ? t + ' — خبر' : 'خبر — أرشيف الأخبار'; }

const dateFmt = new Intl.DateTimeFormat('ar', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

// "2024-10-02T09:15:00+03:00" -> a <time> with the day in Arabic.
function dateNode(published) {
  if (!published) return null;
  const day = published.slice(0, 10);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const text = m ? dateFmt.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))) : published;
  return el('time', { datetime: published }, text);
}

/* --- the API -------------------------------------------------------------- */

function query(params) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') sp.set(k, v);
  return sp.toString();
}

async function api(path, params) {
  const qs = params ? query(params) : '';
  const res = await fetch(path + (qs ? '?' + qs : ''), { headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON: reported below */ }
  if (!res.ok) throw new Error((body && body.error) || ('HTTP ' + res.status));
  return body;
}

/* --- routing -------------------------------------------------------------- */

function route() {
  const h = location.hash.replace(/^#/, '') || '/';
  const qi = h.indexOf('?');
  const path = qi < 0 ? h : h.slice(0, qi);
  const params = new URLSearchParams(qi < 0 ? '' : h.slice(qi + 1));
  const seg = path.split('/').filter(Boolean).map(s => {
    try { return decodeURIComponent(s); } catch (e) { return s; }
  });
  window.scrollTo(0, 0);
  if (seg.length === 0) return viewHome();
  if (seg[0] === 'search') return viewSearch(params);
  if (seg[0] === 'article' && seg[1]) return viewArticle(seg[1]);
  if (seg[0] === 'speaker' && seg[1]) return viewSpeaker(seg[1]);
  if (seg[0] === 'entity' && seg[1]) return viewEntity(seg[1], params);
  if (seg[0] === 'entities') return viewEntities(params);
  if (seg[0] === 'quotes') return viewQuotes(params);
  show(el('p', { class: 'error', role: 'alert' }, 'لا توجد صفحة بهذا العنوان.'));
}

function searchHash(p) { return '#/search?' + query(p); }

// The form always reflects the search on screen.
function fillForm(p) {
  field.q.value = p.q || '';
  field.source.value = p.source || '';
  field.since.value = p.since || '';
  field.until.value = p.until || '';
}

form.addEventListener('submit', ev => {
  ev.preventDefault();
  location.hash = searchHash({
    q: field.q.value.trim(), source: field.source.value, since: field.since.value, until: field.until.value,
  });
});

/* --- pieces shared by views ----------------------------------------------- */

// A snippet with the API's highlight markers -> text nodes and <mark>s.
function snippetNode(s) {
  const p = el('p', { class: 'snippet', dir: 'auto' });
  if (!s) return p;
  let open = false;
  let buf = '';
  const flush = () => {
    if (!buf) return;
    p.append(open ? el('mark', {}, buf) : document.createTextNode(buf));
    buf = '';
  };
  for (const ch of s) {
    if (ch === HL_OPEN || ch === HL_CLOSE) {
      flush();
      open = ch === HL_OPEN;
    } else {
      buf += ch;
    }
  }
  flush();
  return p;
}

function hitItem(h) {
  return el('li', { class: 'hit' },
    el('h2', {}, el('a', { href: '#/article/' + encodeURIComponent(h.id), dir: 'auto' }, h.title || '(بلا عنوان)')),
    el('div', { class: 'meta' }, h.source ? bdi(h.source) : null, dateNode(h.published),
      h.section ? bdi(h.section) : null),
    snippetNode(h.snippet));
}

function svgEl(tag, attrs, text) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// Articles per day (per month when the days span more than about a year),
// drawn as SVG bars, time running left to right as on a calendar axis.
function chartNode(days) {
  const box = el('figure', { class: 'chart' });
  let buckets = days.map(d => ({ key: d.day, count: d.count }));
  if (buckets.length > 1) {
    const span = (Date.parse(buckets[buckets.length - 1].key) - Date.parse(buckets[0].key)) / 864e5;
    if (span > 400) {
      const m = new Map();
      for (const b of buckets) m.set(b.key.slice(0, 7), (m.get(b.key.slice(0, 7)) || 0) + b.count);
      buckets = [...m].map(([key, count]) => ({ key, count }));
    }
  }
  const W = 800, H = 120, top = 14, bottom = 18;
  const svg = svgEl('svg', { id: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', direction: 'ltr', preserveAspectRatio: 'none' });
  const max = buckets.reduce((a, b) => Math.max(a, b.count), 0);
  const label = 'عدد المقالات في ' + (buckets.length && buckets[0].key.length === 7 ? 'كل شهر' : 'كل يوم');
  svg.append(svgEl('title', {}, label));
  const bw = buckets.length ? W / buckets.length : W;
  buckets.forEach((b, i) => {
    const h = max ? Math.max(1, (b.count / max) * (H - top - bottom)) : 0;
    const r = svgEl('rect', { class: 'bar', x: (i * bw + bw * 0.1).toFixed(2), y: (H - bottom - h).toFixed(2),
      width: Math.max(0.5, bw * 0.8).toFixed(2), height: h.toFixed(2) });
    r.append(svgEl('title', {}, `${b.key}: ${b.count}`));
    svg.append(r);
  });
  if (buckets.length) {
    svg.append(svgEl('text', { x: 2, y: H - 4, 'text-anchor': 'start' }, buckets[0].key));
    if (buckets.length > 1) svg.append(svgEl('text', { x: W - 2, y: H - 4, 'text-anchor': 'end' }, buckets[buckets.length - 1].key));
    svg.append(svgEl('text', { x: 2, y: 11, 'text-anchor': 'start' }, 'max ' + max));
  }
  box.append(svg, el('figcaption', { class: 'muted' }, label));
  return box;
}

function exportLinks(p) {
  const base = { q: p.q, source: p.source, since: p.since, until: p.until };
  return el('span', { class: 'export' }, 'تصدير: ',
    el('a', { id: 'export', href: '/api/export?' + query(base), download: 'khabar-export.jsonl' }, 'JSON Lines'), ' ',
    el('a', { id: 'export-csv', href: '/api/export?' + query({ ...base, format: 'csv' }), download: 'khabar-export.csv' }, 'CSV'));
}

/* --- views ---------------------------------------------------------------- */

async function viewHome() {
  fillForm({});
  setTitle('');
  show(el('p', { class: 'loading' }, 'جار التحميل…'));
  try {
    const [stats, latest, ents] = await Promise.all([
      api('/api/stats'), api('/api/search', { limit: 10 }), api('/api/entities', { top: 15 })]);
    const figures = el('p', { class: 'muted' },
      `${stats.articles} مقالة من ${stats.sources} مصدرًا`,
      stats.first ? el('span', {}, ' · من ', el('bdi', { dir: 'ltr' }, stats.first), ' إلى ', el('bdi', { dir: 'ltr' }, stats.last)) : null);
    const names = el('ul', { class: 'cards' }, ...ents.results.map(e => el('li', {},
      el('a', { href: entityHash(e.canonical, e.type), dir: 'auto' }, e.canonical), ' ',
      el('span', { class: 'muted' }, `(${typeName(e.type)}، ${e.articles} مقالة)`))));
    show(el('h1', {}, 'أرشيف الأخبار'), figures,
      el('h2', {}, 'أحدث المقالات'), el('ol', { id: 'results', class: 'hits' }, ...latest.results.map(hitItem)),
      el('section', { class: 'side' }, el('h2', {}, 'الأكثر ذكرًا'), names));
  } catch (err) {
    show(errorBox(err));
  }
}

async function viewSearch(params) {
  const p = {
    q: params.get('q') || '', source: params.get('source') || '', since: params.get('since') || '',
    until: params.get('until') || '', offset: Math.max(0, parseInt(params.get('offset') || '0', 10) || 0),
  };
  fillForm(p);
  setTitle(p.q || 'بحث');
  show(el('p', { class: 'loading' }, 'جار البحث…'));
  const filters = { q: p.q, source: p.source, since: p.since, until: p.until };
  try {
    const page = await api('/api/search', { ...filters, limit: PAGE, offset: p.offset });
    const summary = el('div', { class: 'summary' }, el('span', { id: 'count', class: 'muted' }), exportLinks(p));
    const chartSlot = el('div', { id: 'chart-slot' });
    const list = el('ol', { id: 'results', class: 'hits', start: p.offset + 1 }, ...page.results.map(hitItem));
    const prev = el('a', { href: searchHash({ ...filters, offset: Math.max(0, p.offset - PAGE) || '' }),
      'aria-disabled': p.offset === 0 ? 'true' : null, rel: 'prev' }, '→ السابق');
    const next = el('a', { href: searchHash({ ...filters, offset: p.offset + PAGE }),
      'aria-disabled': page.more ? null : 'true', rel: 'next' }, 'التالي ←');
    show(summary, chartSlot,
      page.results.length ? list : el('p', { id: 'no-results' }, 'لا نتائج لهذا البحث.'),
      el('nav', { class: 'pager' }, prev, next));
    // The chart and the total come from the histogram, which reads every
    // match: it can take longer than the page, so it fills in afterwards.
    api('/api/histogram', filters).then(days => {
      const total = days.reduce((a, d) => a + d.count, 0);
      summary.querySelector('#count').textContent = `${total} مقالة مؤرخة تطابق البحث`;
      chartSlot.replaceChildren(chartNode(days));
    }).catch(err => chartSlot.replaceChildren(errorBox(err)));
  } catch (err) {
    show(errorBox(err));
  }
}

const TYPES = { PER: 'شخص', LOC: 'مكان', ORG: 'مؤسسة', MISC: 'أخرى' };
function typeName(t) { return TYPES[t] || t; }

function entityHash(name, type) {
  return '#/entity/' + encodeURIComponent(name) + (type ? '?type=' + encodeURIComponent(type) : '');
}

// One paragraph with its entities marked. Offsets count Unicode code points
// (docs: "The article"); JavaScript strings index UTF-16 units, so the text
// is cut as an array of code points.
function paragraphNode(text, ents) {
  const cps = Array.from(text);
  const p = el('p', { dir: 'auto' });
  let pos = 0;
  const sorted = ents.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  for (const e of sorted) {
    if (e.start < pos || e.end <= e.start || e.end > cps.length) continue; // overlapping or out of range
    if (e.start > pos) p.append(cps.slice(pos, e.start).join(''));
    const type = String(e.type || 'misc').toLowerCase();
    p.append(el('mark', { class: 'ent ' + type, title: typeName(e.type) + ': ' + (e.canonical || e.text) },
      el('a', { href: entityHash(e.canonical || e.text, e.type) }, cps.slice(e.start, e.end).join(''))));
    pos = e.end;
  }
  if (pos < cps.length) p.append(cps.slice(pos).join(''));
  return p;
}

function quoteItem(q, withArticle) {
  const who = q.speaker
    ? el('a', { class: 'speaker', href: '#/speaker/' + encodeURIComponent(q.speaker), dir: 'auto' }, q.speaker)
    : el('span', { class: 'speaker muted', dir: 'auto' }, q.speaker_mention || 'متحدث غير مسمى');
  return el('li', { class: 'quote' }, who, ' ', el('span', { class: 'verb' }, bdi(q.verb || '')), ':',
    el('q', { class: 'quote-text', dir: 'auto' }, q.text),
    withArticle ? el('div', { class: 'meta' },
      el('a', { href: '#/article/' + encodeURIComponent(q.article), dir: 'auto' }, q.title || q.article),
      q.source ? bdi(q.source) : null, dateNode(q.published)) : null);
}

function safeUrl(u) {
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch (e) { return null; }
}

async function viewArticle(id) {
  fillForm({});
  show(el('p', { class: 'loading' }, 'جار التحميل…'));
  let a;
  try {
    a = await api('/api/articles/' + encodeURIComponent(id));
  } catch (err) {
    show(errorBox(err));
    return;
  }
  setTitle(a.title || '');
  const ents = a.entities || [];
  const body = (a.paragraphs || []).map((t, i) => paragraphNode(t, ents.filter(e => e.paragraph === i)));
  const link = a.url && safeUrl(a.url);
  const meta = el('div', { class: 'meta' },
    a.source ? el('span', { class: 'source' }, bdi(a.source)) : null,
    (a.authors || []).length ? el('span', { class: 'authors' }, ...a.authors.flatMap((n, i) => [i ? '، ' : '', bdi(n)])) : null,
    dateNode(a.published),
    a.section ? bdi(a.section) : null,
    link ? el('a', { href: link, rel: 'noopener noreferrer nofollow', target: '_blank' }, 'المصدر الأصلي') : null);
  const legend = ents.length ? el('p', { class: 'legend muted' },
    el('mark', { class: 'ent per' }, 'شخص'), el('mark', { class: 'ent loc' }, 'مكان'),
    el('mark', { class: 'ent org' }, 'مؤسسة'), el('mark', { class: 'ent misc' }, 'أخرى')) : null;
  const quotes = a.quotes || [];
  const quoteSection = el('section', { class: 'side', id: 'quotes-section' },
    el('h2', {}, 'التصريحات'),
    quotes.length ? el('ul', { id: 'quotes', class: 'cards' }, ...quotes.map(q => quoteItem(q, false)))
      : el('p', { class: 'muted' }, a.analyzed === false ? 'لم يُحلَّل هذا المقال.' : 'لا تصريحات في هذا المقال.'));
  const related = (a.related || []).length ? el('section', { class: 'side' }, el('h2', {}, 'اقرأ أيضًا'),
    el('ul', {}, ...a.related.map(r => {
      const u = r.url && safeUrl(r.url);
      return el('li', { dir: 'auto' }, u ? el('a', { href: u, rel: 'noopener noreferrer nofollow', target: '_blank' }, r.title || u) : r.title);
    }))) : null;
  // Other outlets' copies of the same story, once the archive groups them.
  const story = el('section', { class: 'side', id: 'story', hidden: true });
  show(el('article', { class: 'full', id: 'article' },
    el('h1', { dir: 'auto' }, a.title || '(بلا عنوان)'), meta, legend, el('div', { id: 'article-body' }, ...body)),
  quoteSection, related, story);
  if (a.story) {
    api('/api/stories/' + encodeURIComponent(a.story)).then(s => {
      const others = (s.articles || []).filter(x => x.id !== a.id);
      if (!others.length) return;
      story.append(el('h2', {}, 'الخبر نفسه في مصادر أخرى'), el('ul', {}, ...others.map(x => el('li', {},
        el('a', { href: '#/article/' + encodeURIComponent(x.id), dir: 'auto' }, x.title || x.id), ' ',
        el('span', { class: 'muted' }, bdi(x.source || ''))))));
      story.hidden = false;
    }).catch(() => { /* stories not available: the section stays hidden */ });
  }
}

async function viewSpeaker(name) {
  fillForm({});
  setTitle(name);
  show(el('p', { class: 'loading' }, 'جار التحميل…'));
  try {
    const r = await api('/api/quotes', { speaker: name, limit: 100 });
    show(el('h1', { dir: 'auto' }, name), el('p', { class: 'muted' }, `${r.results.length} تصريحًا، الأحدث أولًا`,
      r.results.length === 100 ? ' (أول 100)' : ''),
    el('ul', { id: 'speaker-quotes', class: 'cards' }, ...r.results.map(q => quoteItem(q, true))),
    el('p', {}, el('a', { href: entityHash(name, 'PER') }, 'المقالات التي تذكره')));
  } catch (err) {
    show(errorBox(err));
  }
}

// A phrase query for a name, quotes inside it dropped (the query syntax
// has no escape for them).
function phrase(name) { return '"' + name.replace(/"/g, ' ').trim() + '"'; }

async function viewEntity(name, params) {
  fillForm({});
  setTitle(name);
  const type = params.get('type') || '';
  show(el('p', { class: 'loading' }, 'جار التحميل…'));
  const q = phrase(name);
  try {
    const page = await api('/api/search', { q, limit: PAGE });
    const chartSlot = el('div', { id: 'chart-slot' });
    show(el('h1', { dir: 'auto' }, name), el('p', { class: 'muted' }, type ? typeName(type) : '',
      type === 'PER' ? el('span', {}, ' · ', el('a', { href: '#/speaker/' + encodeURIComponent(name) }, 'تصريحاته')) : null),
    chartSlot,
    el('ol', { id: 'results', class: 'hits' }, ...page.results.map(hitItem)),
    page.more ? el('p', {}, el('a', { href: searchHash({ q }) }, 'كل المقالات التي تذكره ←')) : null);
    api('/api/histogram', { q }).then(days => chartSlot.replaceChildren(chartNode(days)))
      .catch(err => chartSlot.replaceChildren(errorBox(err)));
  } catch (err) {
    show(errorBox(err));
  }
}

async function viewEntities(params) {
  fillForm({});
  setTitle('الأعلام');
  const type = params.get('type') || '';
  show(el('p', { class: 'loading' }, 'جار التحميل…'));
  try {
    const r = await api('/api/entities', { type, top: 100 });
    const tabs = el('nav', { class: 'tabs' }, ...['', 'PER', 'LOC', 'ORG', 'MISC'].map(t =>
      el('a', { href: '#/entities' + (t ? '?type=' + t : ''), 'aria-current': t === type ? 'page' : null }, t ? typeName(t) : 'الكل')));
    const rows = r.results.map(e => el('tr', {},
      el('td', {}, el('a', { href: entityHash(e.canonical, e.type), dir: 'auto' }, e.canonical)),
      el('td', {}, typeName(e.type)), el('td', {}, String(e.mentions)), el('td', {}, String(e.articles))));
    show(el('h1', {}, 'الأكثر ذكرًا'), tabs, el('table', { class: 'ents', id: 'entities' },
      el('thead', {}, el('tr', {}, el('th', {}, 'الاسم'), el('th', {}, 'النوع'), el('th', {}, 'مرات الذكر'), el('th', {}, 'المقالات'))),
      el('tbody', {}, ...rows)));
  } catch (err) {
    show(errorBox(err));
  }
}

async function viewQuotes(params) {
  fillForm({});
  setTitle('التصريحات');
  show(el('p', { class: 'loading' }, 'جار التحميل…'));
  try {
    const r = await api('/api/quotes', { q: params.get('q') || '', limit: 100 });
    show(el('h1', {}, 'أحدث التصريحات'), el('ul', { id: 'all-quotes', class: 'cards' }, ...r.results.map(q => quoteItem(q, true))));
  } catch (err) {
    show(errorBox(err));
  }
}

/* --- start ---------------------------------------------------------------- */

// Outlets for the filter, from the archive's figures.
api('/api/stats').then(st => {
  for (const s of st.by_source) {
    if (s.source === '(unknown)') continue;
    field.source.append(el('option', { value: s.source }, `${s.source} (${s.count})`));
  }
  const h = location.hash.match(/[?&]source=([^&]*)/);
  if (h) field.source.value = decodeURIComponent(h[1].replace(/\+/g, ' '));
}).catch(() => { /* the filter stays with "all sources" */ });

window.addEventListener('hashchange', route);
route();
