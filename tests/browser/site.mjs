// The built example site in a real browser, as residents and inspectors meet it:
// axe-core (WCAG 2.1 A/AA) on every page type, in the normal, large-text and high-contrast
// modes; no console errors, failed or external requests; no horizontal scrolling at 375 and
// 320 CSS px; keyboard skip link; one h1 and headings in order; 适老化 modes switched by
// buttons and kept across pages; tap targets; everything readable with JavaScript off; the
// print style; and Chinese search quality through the search page, at the root and under a
// sub-path.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { launch, openPage, tmpdir, repo, pufaBin, staticServer, check, done } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const dir = tmpdir();
const out = path.join(dir, 'public');
const outSub = path.join(dir, 'public-sub');
execFileSync(pufaBin, ['build', '--root', path.join(repo, 'site'), '--output', out], { stdio: 'pipe' });
execFileSync(pufaBin, ['build', '--root', path.join(repo, 'site'), '--output', outSub, '--base-url', 'http://127.0.0.1/hlz/'], { stdio: 'pipe' });
const { server, url } = await staticServer(out, '/');
const sub = await staticServer(outSub, '/hlz/');
const origin = new URL(url).origin;

const pages = {
  home: '',
  section: 'cases/',
  report: 'reports/2024/',
  project: 'projects/xijiang-huahai/',
  case: 'cases/%E9%87%91%E5%B0%8A%E5%BA%9C%E4%BF%9D%E4%BA%A4%E6%88%BF/',
  'taxonomy list': 'topics/',
  'taxonomy term': 'topics/%E7%9F%9B%E7%9B%BE%E7%BA%A0%E7%BA%B7%E5%8C%96%E8%A7%A3/',
  years: 'years/',
  'year archive': 'years/2024/',
  metrics: 'metrics/',
  metric: 'metrics/dispute_resolution_rate/',
  search: 'search/',
  page: 'about/',
  '404': '404.html',
};

const browser = await launch();

async function instrument(page, log) {
  page.on('console', (m) => { if (m.type() === 'error') log.push('console: ' + m.text()); });
  page.on('pageerror', (e) => log.push('pageerror: ' + e.message));
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') log.push('failed: ' + r.url() + ' ' + r.failure()?.errorText); });
  page.on('response', (r) => { if (r.status() >= 400) log.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('http://127.0.0.1')) return route.continue();
    log.push('external: ' + u);
    return route.abort();
  });
}

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function setMode(page, modes) {
  await page.evaluate((ms) => {
    for (const m of ['large-text', 'high-contrast']) localStorage.setItem('pufa-' + m, ms.includes(m) ? 'on' : 'off');
  }, modes);
}

console.log('accessibility: axe, requests, overflow, headings on every page type');
{
  const page = await openPage(browser, 1280, 800);
  const log = [];
  await instrument(page, log);
  for (const modes of [[], ['large-text'], ['high-contrast'], ['large-text', 'high-contrast']]) {
    for (const [name, p] of Object.entries(pages)) {
      await page.goto(url + p);
      await setMode(page, modes);
      await page.reload();
      const v = await axe(page);
      check(v.length === 0, `axe: ${name} [${modes.join('+') || 'normal'}]` + (v.length ? ': ' + v.join('; ') : ''));
      if (modes.length === 0) {
        const h = await page.evaluate(() => {
          const hs = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter((e) => e.offsetParent !== null || e.closest('.visually-hidden'));
          const levels = hs.map((e) => +e.tagName[1]);
          let ok = levels[0] === 1;
          for (let i = 1; i < levels.length; i++) if (levels[i] > levels[i - 1] + 1) ok = false;
          return { h1: document.querySelectorAll('h1').length, ok, lang: document.documentElement.lang, landmarks: ['header', 'nav', 'main', 'footer'].every((t) => document.querySelector(t)) };
        });
        check(h.h1 === 1 && h.ok, `${name}: one h1, headings in order`);
        check(h.lang === 'zh-CN' && h.landmarks, `${name}: lang zh-CN and header/nav/main/footer landmarks`);
      }
    }
  }
  check(log.length === 0, 'no console errors, failed or external requests' + (log.length ? ': ' + [...new Set(log)].join(' | ') : ''));
  await page.goto(url + 'nope/');
  check(await page.evaluate(() => document.querySelector('h1')?.textContent === '页面未找到'), 'a missing page shows the 404 page');
  await page.closeAll();
}

console.log('reflow: no horizontal scrolling at 375 and 320 px, nor with 200% text');
for (const [w, modes] of [[375, []], [320, []], [320, ['large-text']], [640, ['large-text', 'high-contrast']]]) {
  const page = await openPage(browser, w, 700);
  const wide = [];
  for (const [name, p] of Object.entries(pages)) {
    await page.goto(url + p);
    await setMode(page, modes);
    await page.reload();
    if (w === 640) await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    const o = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (o > 0) wide.push(`${name} (+${o}px)`);
  }
  check(wide.length === 0, `${w}px [${modes.join('+') || 'normal'}${w === 640 ? ', text 200%' : ''}]: no page scrolls sideways` + (wide.length ? ': ' + wide.join(', ') : ''));
  await page.closeAll();
}

console.log('keyboard, 适老化 modes, tap targets');
{
  const page = await openPage(browser, 1280, 800);
  await page.goto(url + 'reports/2024/');
  await setMode(page, []);
  await page.reload();
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { text: a.textContent, href: a.getAttribute('href'), visible: r.top >= 0 && r.height > 0, outline: getComputedStyle(a, ':focus-visible').outlineStyle || getComputedStyle(a).outlineStyle };
  });
  check(skip.text === '跳到主要内容' && skip.href === '#main' && skip.visible, 'the first Tab reaches a visible skip link');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement.id === 'main' || location.hash === '#main'), 'the skip link moves to the main content');
  await page.keyboard.press('Tab');
  const focusRing = await page.evaluate(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; });
  check(focusRing, 'focus is visible (a 2px+ outline)');

  const small = await page.evaluate(() => ({ size: parseFloat(getComputedStyle(document.querySelector('.content p')).fontSize) }));
  await page.click('button[data-mode="large-text"]');
  const large = await page.evaluate(() => {
    const p = document.querySelector('.content p');
    const s = getComputedStyle(p);
    return { size: parseFloat(s.fontSize), lh: parseFloat(s.lineHeight) / parseFloat(s.fontSize), pressed: document.querySelector('button[data-mode="large-text"]').getAttribute('aria-pressed') };
  });
  check(large.size >= 24 && large.lh >= 1.5 && large.size > small.size, `large text: body ${large.size}px (≥18pt), line height ${large.lh.toFixed(2)}`);
  check(large.pressed === 'true', 'the button says it is pressed');
  await page.click('button[data-mode="high-contrast"]');
  const hc = await page.evaluate(() => ({ bg: getComputedStyle(document.body).backgroundColor, fg: getComputedStyle(document.body).color }));
  check(hc.bg === 'rgb(0, 0, 0)' && hc.fg === 'rgb(255, 255, 255)', 'high contrast: white on black');
  await page.goto(url + 'cases/');
  const kept = await page.evaluate(() => ({ cls: document.documentElement.className, size: parseFloat(getComputedStyle(document.body).fontSize) }));
  check(kept.cls.includes('large-text') && kept.cls.includes('high-contrast') && kept.size >= 24, 'both modes are kept on the next page');
  const targets = await page.evaluate(() => [...document.querySelectorAll('.a11y-tools button, .site-nav a, .pager a, .item-title')]
    .filter((e) => e.getClientRects().length > 0)
    .map((e) => { const r = e.getBoundingClientRect(); return { t: e.textContent.trim().slice(0, 12), w: r.width, h: r.height }; })
    .filter((r) => r.w < 44 || r.h < 44));
  check(targets.length === 0, 'buttons, navigation, pager and list links are at least 44×44 px' + (targets.length ? ': ' + JSON.stringify(targets.slice(0, 5)) : ''));
  const noZoomLock = await page.evaluate(() => !/user-scalable=no|maximum-scale/.test(document.querySelector('meta[name=viewport]').content));
  check(noZoomLock, 'the viewport never forbids zooming');
  await setMode(page, []);
  await page.closeAll();
}

console.log('without JavaScript');
{
  const ctx = await browser.browser().newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(url);
  check((await page.textContent('main')).includes('最新年度报告'), 'the home page is complete');
  await page.click('.nav-wide a[href="/reports/"]');
  check(await page.evaluate(() => location.pathname === '/reports/' && document.querySelectorAll('.item').length > 0), 'navigation works');
  await page.goto(url + 'search/');
  const s = await page.evaluate(() => ({ form: !document.getElementById('search') || document.getElementById('search').hidden, links: document.querySelectorAll('#search-fallback a').length }));
  check(s.form && s.links >= 3, 'the search page lists sections and years instead');
  await page.goto(url + 'reports/2024/');
  check((await page.textContent('main')).includes('93.19%'), 'a report is readable');
  await ctx.close();
}

console.log('print');
{
  const page = await openPage(browser, 1280, 800);
  await page.goto(url + 'reports/2024/');
  await page.emulateMedia({ media: 'print' });
  const pr = await page.evaluate(() => {
    const a = document.querySelector('.content a[href]');
    return {
      nav: getComputedStyle(document.querySelector('.site-nav')).display,
      header: getComputedStyle(document.querySelector('.masthead')).display,
      after: a ? getComputedStyle(a, '::after').content : '',
      breakBefore: getComputedStyle(document.querySelectorAll('.content h2')[1]).breakBefore,
    };
  });
  check(pr.nav === 'none' && pr.header === 'none', 'printing hides the header and navigation');
  check(pr.after.includes('attr(href)') || pr.after.includes('/'), 'printed links show their URL');
  check(pr.breakBefore === 'page', 'each top-level part of a report starts a new page');
  await page.closeAll();
}

console.log('search: Chinese queries, top 3, through the search page');
const queries = [
  ['化解率', 'cases/maodun-paicha/'],
  ['综合查一次', 'cases/zonghe-chayici/'],
  ['矛盾纠纷', 'cases/maodun-paicha/'],
  ['学法游', 'projects/xijiang-huahai/'],
  ['粤智助', 'projects/yuezhizhu/'],
  ['保交房', 'cases/金尊府保交房/'],
  ['不予处罚', 'cases/baorong-shenshen/'],
  ['庭所共建', 'projects/庭所共建与府院联动/'],
  ['三沙村', 'cases/sansha-tudi/'],
  ['劳务代偿', 'projects/laowu-daichang/'],
  ['法治政府建设年度报告', 'reports/2024/'],
  ['包容审慎监管', 'cases/baorong-shenshen/'],
];
for (const [base, prefix] of [[url, '/'], [sub.url, '/hlz/']]) {
  const page = await openPage(browser, 1280, 800);
  const log = [];
  await instrument(page, log);
  await page.goto(base + 'search/');
  let hits = 0;
  for (const [q, expect] of queries) {
    await page.fill('#search-q', q);
    await page.press('#search-q', 'Enter');
    await page.waitForFunction((qq) => document.getElementById('search-status').textContent.includes(qq), q, { timeout: 10000 });
    const top = await page.$$eval('#search-results li .result-title', (as) => as.slice(0, 3).map((a) => decodeURIComponent(new URL(a.href).pathname)));
    const ok = top.includes(prefix + expect);
    hits += ok ? 1 : 0;
    check(ok, `${prefix} “${q}” has ${expect} in the top 3` + (ok ? '' : ': ' + top.join(', ')));
  }
  check(hits >= 10, `${prefix}: at least 10 queries find their page in the top 3 (${hits}/${queries.length})`);
  await page.waitForFunction(() => [...document.querySelectorAll('#search-results mark')].length > 0, null, { timeout: 10000 });
  check(true, `${prefix}: excerpts mark the match`);
  await page.fill('#search-q', '涉及经营场所');
  await page.press('#search-q', 'Enter');
  const rowRead = await page.waitForFunction(() => [...document.querySelectorAll('#search-results li')]
    .some((li) => li.querySelector('a').href.includes('zonghe-chayici') && li.querySelector('.result-excerpt').textContent.includes('涉及经营场所：291家；')), null, { timeout: 10000 }).then(() => true, () => false);
  check(rowRead, `${prefix}: an excerpt reads a table row as 名称：数值；, not cells run together`);
  await page.selectOption('#search-kind', '普法项目');
  await page.fill('#search-q', '横栏镇');
  await page.press('#search-q', 'Enter');
  await page.waitForFunction(() => document.getElementById('search-status').textContent.includes('横栏镇'), null, { timeout: 10000 });
  const kinds = await page.$$eval('#search-results .badge', (bs) => bs.map((b) => b.textContent));
  check(kinds.length > 0 && kinds.every((k) => k === '普法项目'), `${prefix}: the kind filter keeps only projects`);
  await page.selectOption('#search-kind', '');
  await page.selectOption('#search-year', '2024');
  await page.waitForTimeout(300);
  check((await page.$$eval('#search-results li', (l) => l.length)) > 0, `${prefix}: the year filter finds 2024 items`);
  const v = await axe(page);
  check(v.length === 0, `${prefix}: the search page with results passes axe` + (v.length ? ': ' + v.join('; ') : ''));
  check(log.length === 0, `${prefix}: no console errors or failed/external requests` + (log.length ? ': ' + [...new Set(log)].join(' | ') : ''));
  await page.closeAll();
}

await browser.close();
server.close();
sub.server.close();
fs.rmSync(dir, { recursive: true, force: true });
void origin;
done();
