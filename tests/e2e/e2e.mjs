// End-to-end test of khabar serve's web page in a real browser: Debian's
// headless Chromium driven by playwright-core (no browser download). Builds
// a fresh archive from examples/ with `khabar ingest`, starts `khabar serve`
// on a free port, then searches, opens an article, its quotes, a speaker and
// an entity, and checks the page is right to left, draws its chart, escapes
// hostile text and logs no errors (CSP violations included). Screenshots go
// to tests/e2e/artifacts/. Run through tests/e2e/run.sh.
//
// env: KHABAR (the binary; default build/khabar), CHROMIUM (default
// /usr/bin/chromium).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const khabar = resolve(process.env.KHABAR || join(root, 'build/khabar'));
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

const tmp = mkdtempSync(join(tmpdir(), 'khabar-e2e-'));
let server = null;
let context = null;
let passed = 0;

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  passed++;
  console.log('ok  ' + what);
}

async function cleanup() {
  if (context) await context.close().catch(() => {});
  if (server && server.exitCode === null) server.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
}

// Start the server on port 0 and read the port it prints.
function startServer(db) {
  return new Promise((res, rej) => {
    server = spawn(khabar, ['serve', '--db', db, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => rej(new Error('server did not start: ' + log)), 15000);
    server.stderr.on('data', d => {
      log += d;
      const m = /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (m) { clearTimeout(timer); res(m[1]); }
    });
    server.on('exit', code => { clearTimeout(timer); rej(new Error(`server exited ${code}: ${log}`)); });
  });
}

async function main() {
  const db = join(tmp, 'e2e.db');
  execFileSync(khabar, ['ingest', '--quiet', '--db', db, join(root, 'examples')], { stdio: 'inherit' });
  const base = await startServer(db);
  console.log('server at ' + base);

  context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: browserPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
    locale: 'ar',
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(20000);
  const problems = [];
  page.on('console', m => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  page.on('dialog', d => { problems.push('dialog opened: ' + d.message()); d.dismiss(); });

  // Home: Arabic, right to left.
  await page.goto(base + '/');
  check(await page.getAttribute('html', 'dir') === 'rtl', '<html dir="rtl">');
  check(await page.getAttribute('html', 'lang') === 'ar', '<html lang="ar">');
  await page.waitForSelector('#results li.hit');
  await page.screenshot({ path: join(artifacts, '01-home.png'), fullPage: true });

  // Search: type a query, see highlighted results, the chart and the export link.
  await page.fill('#q', 'اللقاح');
  await page.press('#q', 'Enter');
  await page.waitForSelector('#results li.hit');
  check(page.url().includes('#/search?q='), 'search is in the address: ' + page.url());
  const hits = await page.locator('#results li.hit').count();
  check(hits >= 1, `search finds results (${hits})`);
  check(await page.locator('#results li.hit .snippet mark').count() >= 1, 'snippets highlight the match with <mark>');
  await page.waitForSelector('svg#chart rect.bar');
  check(await page.locator('svg#chart rect.bar').count() >= 1, 'chart SVG with bars');
  const exportHref = await page.getAttribute('#export', 'href');
  check(exportHref.startsWith('/api/export?q='), 'export link carries the query: ' + exportHref);
  const exported = await page.evaluate(async h => (await (await fetch(h)).text()).trim().split('\n').length, exportHref);
  check(exported === hits, `export gives every match (${exported} lines)`);
  await page.screenshot({ path: join(artifacts, '02-search.png'), fullPage: true });

  // Article: title, entities marked at the right code points, quotes.
  await page.click('#results li.hit h2 a');
  await page.waitForSelector('#article h1');
  const id = decodeURIComponent(page.url().split('#/article/')[1]);
  const rec = await page.evaluate(async i => (await fetch('/api/articles/' + i)).json(), id);
  check(await page.textContent('#article h1') === rec.title, 'article title');
  check(await page.locator('#quotes li').count() === rec.quotes.length && rec.quotes.length > 0,
    `article lists its ${rec.quotes.length} quotes`);
  const bodyEnts = rec.entities.filter(e => e.paragraph >= 0);
  const marked = await page.locator('#article-body mark.ent').allTextContents();
  check(marked.length === bodyEnts.length, `entities marked in the body (${marked.length})`);
  check(bodyEnts.every((e, i) => marked[i] === e.text), 'marked text = the entity text (code-point offsets)');
  check(await page.locator('#story').isHidden(), 'no story section: the examples have no copies elsewhere');
  await page.screenshot({ path: join(artifacts, '03-article.png'), fullPage: true });

  // Speaker view: from a named speaker in the quotes, else from /api/quotes.
  let speakerLink = page.locator('#quotes a.speaker').first();
  if (await speakerLink.count()) {
    await speakerLink.click();
  } else {
    const q = await page.evaluate(async () => (await (await fetch('/api/quotes?limit=100')).json()).results);
    const named = q.find(x => x.speaker);
    check(!!named, 'some quote has a named speaker');
    await page.goto(base + '/#/speaker/' + encodeURIComponent(named.speaker));
  }
  await page.waitForSelector('#speaker-quotes li');
  check(await page.locator('#speaker-quotes li').count() >= 1, 'speaker view lists statements');
  await page.screenshot({ path: join(artifacts, '04-speaker.png'), fullPage: true });

  // Entity view: back to the article, follow a marked name.
  await page.goto(base + '/#/article/' + encodeURIComponent(id));
  await page.waitForSelector('#article-body mark.ent a');
  await page.click('#article-body mark.ent a');
  await page.waitForSelector('#results li.hit');
  await page.waitForSelector('svg#chart');
  check(page.url().includes('#/entity/'), 'entity view');
  await page.screenshot({ path: join(artifacts, '05-entity.png'), fullPage: true });

  // Most mentioned names.
  await page.goto(base + '/#/entities');
  await page.waitForSelector('#entities tbody tr');
  check(await page.locator('#entities tbody tr').count() >= 1, 'entities table');
  await page.screenshot({ path: join(artifacts, '06-entities.png'), fullPage: true });

  // Hostile text is shown as text: the error message echoes the query.
  await page.goto(base + '/#/search?q=' + encodeURIComponent('"<img src=x onerror=alert(1)>'));
  await page.waitForSelector('#main .error');
  check(await page.locator('#main img').count() === 0, 'query text never becomes HTML');
  await page.screenshot({ path: join(artifacts, '07-error.png'), fullPage: true });

  // Filters go into the request: an impossible date range finds nothing.
  await page.goto(base + '/#/search?q=' + encodeURIComponent('اللقاح') + '&since=2030-01-01');
  await page.waitForSelector('#no-results');
  check(await page.inputValue('#since') === '2030-01-01', 'date filter kept in the form');

  // 400/404 are the error views under test.
  const csp = problems.filter(p => !/Failed to load resource.*\b(400|404|501)\b/.test(p));
  check(csp.length === 0, 'no console errors, page errors or dialogs' + (csp.length ? ': ' + csp.join(' | ') : ''));
}

main().then(async () => {
  await cleanup();
  console.log(`e2e: ${passed} passed, 0 failed`);
  process.exit(0);
}, async err => {
  console.error('e2e: ' + (err && err.stack || err));
  await cleanup();
  console.log(`e2e: ${passed} passed, 1 failed`);
  process.exit(1);
});
