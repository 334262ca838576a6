// Every page type of the example site and of the demo site (pufa init --demo) as a resident
// meets it: at 375 and 1280 CSS px, in the normal, 大字号 and 高对比度 modes, with a
// screenshot of each (into $PUFA_SCREENSHOTS when set and kept, else a temp folder that is
// removed). On every one: no element wider than the viewport, no table cell or table
// region whose text is cut off, no 2024年 split in a table cell, chart text at least 12
// CSS px, breadcrumbs ending in aria-current on every page but the home page; on phones the
// menu folded and the report's first paragraph within two screens; the footer at the bottom
// of short pages. Then: axe on
// the demo site, everything that needs script hidden without JavaScript (the <details> menu
// still works), and 朗读 with a stand-in speech synthesis, hidden without a Chinese voice.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { launch, openPage as open, tmpdir, repo, pufaBin, staticServer, check, done } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const dir = tmpdir();
const shots = process.env.PUFA_SCREENSHOTS || path.join(dir, 'screenshots');
fs.mkdirSync(shots, { recursive: true });
execFileSync(pufaBin, ['build', '--root', path.join(repo, 'site'), '--output', path.join(dir, 'example')], { stdio: 'pipe' });
execFileSync(pufaBin, ['init', '--demo', path.join(dir, 'demo-site')], { stdio: 'pipe' });
execFileSync(pufaBin, ['build', '--root', path.join(dir, 'demo-site'), '--output', path.join(dir, 'demo')], { stdio: 'pipe' });

const common = {
  home: '', section: 'cases/', 'taxonomy list': 'topics/', years: 'years/', metrics: 'metrics/',
  search: 'search/', page: 'about/', sitemap: 'sitemap/', '404': '404.html',
};
const sites = {
  example: {
    ...common,
    report: 'reports/2024/',
    project: 'projects/xijiang-huahai/',
    case: 'cases/%E9%87%91%E5%B0%8A%E5%BA%9C%E4%BF%9D%E4%BA%A4%E6%88%BF/',
    'taxonomy term': 'topics/%E7%9F%9B%E7%9B%BE%E7%BA%A0%E7%BA%B7%E5%8C%96%E8%A7%A3/',
    'year archive': 'years/2024/',
    metric: 'metrics/dispute_resolution_rate/',
  },
  demo: {
    ...common,
    report: 'reports/2024/',
    'first report': 'reports/2022/',
    project: 'projects/hepan-changlang/',
    case: 'cases/baojianpin-tuikuan/',
    'taxonomy term': 'topics/%E8%A1%8C%E6%94%BF%E6%89%A7%E6%B3%95/',
    'year archive': 'years/2023/',
    metric: 'metrics/dispute_resolution_rate/',
  },
};
const modes = { normal: [], 'large-text': ['large-text'], 'high-contrast': ['high-contrast'] };

const servers = {};
for (const name of Object.keys(sites)) servers[name] = await staticServer(path.join(dir, name), '/');
const browser = await launch();
const openPage = (width, height, options) => open(browser, width, height, options);

async function setMode(page, on) {
  await page.evaluate((ms) => {
    for (const m of ['large-text', 'high-contrast']) localStorage.setItem('pufa-' + m, ms.includes(m) ? 'on' : 'off');
  }, on);
}

/** What one page looks like in the browser: every layout fact the checks below need. */
function measure(width) {
  const out = { wide: [], clipped: [], smallChart: [], crumbs: null, firstPara: null, menu: null, footerGap: null };
  const px = (e) => e.getBoundingClientRect();
  const clippedAway = (e) => { for (let a = e; a; a = a.parentElement) { if (a.getBoundingClientRect().width <= 1) return true; } return false; };
  const shown = (e) => e.checkVisibility({ visibilityProperty: true }) && !clippedAway(e);
  for (const e of document.querySelectorAll('body *')) {
    if (!shown(e)) continue;
    const r = px(e);
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 || r.left < -1 && !e.classList.contains('skip-link')) {
      out.wide.push(`${e.tagName.toLowerCase()}.${e.className} (${Math.round(r.left)}..${Math.round(r.right)})`);
    }
  }
  for (const e of document.querySelectorAll('th, td, .table-wrap')) {
    if (shown(e) && e.scrollWidth > e.clientWidth + 1) {
      out.clipped.push(`${e.tagName.toLowerCase()} “${e.textContent.trim().slice(0, 16)}” ${e.scrollWidth}>${e.clientWidth}`);
    }
  }
  // A year (2024年) in a table cell is never split over two lines.
  out.splitYears = [];
  for (const cell of document.querySelectorAll('th, td')) {
    if (!shown(cell)) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of n.textContent.matchAll(/\d{4}年/g)) {
        const range = document.createRange();
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (tops.size > 1) out.splitYears.push(`“${m[0]}” in “${cell.textContent.trim().slice(0, 16)}”`);
      }
    }
  }
  for (const e of document.querySelectorAll('.chart, .chart *')) {
    const hasText = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(e).fontSize);
    if (hasText && size < 12) out.smallChart.push(`${e.className} ${size}px`);
  }
  const nav = document.querySelector('nav.breadcrumbs');
  if (nav) {
    const items = [...nav.querySelectorAll('li')];
    const last = items[items.length - 1];
    out.crumbs = { count: items.length, currentIsLast: !!last?.querySelector('[aria-current="page"]'), currents: nav.querySelectorAll('[aria-current]').length };
  }
  const para = document.querySelector('.article-report .content > p');
  if (para) out.firstPara = para.getBoundingClientRect().top + window.scrollY;
  const menuLink = document.querySelector('.nav-menu .nav-list a');
  const wideLink = document.querySelector('.nav-wide a');
  out.menu = { folded: !!menuLink && !shown(menuLink), bar: !!wideLink && shown(wideLink) };
  const doc = document.documentElement;
  if (doc.scrollHeight <= window.innerHeight) {
    out.footerGap = Math.round(window.innerHeight - document.querySelector('.site-footer').getBoundingClientRect().bottom);
  }
  out.header = Math.round(document.querySelector('.site-header').getBoundingClientRect().height);
  out.scrollWidth = doc.scrollWidth;
  return out;
}

console.log(`layout: every page type, 375 and 1280 px, three modes (screenshots in ${shots})`);
for (const [site, pages] of Object.entries(sites)) {
  for (const width of [375, 1280]) {
    const phone = width < 500;
    const height = phone ? 667 : 800;
    const page = await openPage(width, height);
    for (const [mode, on] of Object.entries(modes)) {
      await page.goto(servers[site].url);
      await setMode(page, on);
      const problems = { wide: [], clipped: [], years: [], chart: [], crumbs: [], menu: [], footer: [], first: [] };
      for (const [type, p] of Object.entries(pages)) {
        await page.goto(servers[site].url + p);
        const m = await page.evaluate(measure, width);
        const file = `${site}-${type.replace(/ /g, '-')}-${width}-${mode}.png`;
        const full = await page.evaluate(() => document.documentElement.scrollHeight);
        await page.screenshot({ path: path.join(shots, file), fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(full, 6000) } });
        if (m.wide.length || m.scrollWidth > width) problems.wide.push(`${type}: ${m.scrollWidth}px ${m.wide.slice(0, 3).join(', ')}`);
        if (m.clipped.length) problems.clipped.push(`${type}: ${m.clipped.slice(0, 3).join(', ')}`);
        if (m.splitYears.length) problems.years.push(`${type}: ${m.splitYears.slice(0, 3).join(', ')}`);
        if (m.smallChart.length) problems.chart.push(`${type}: ${m.smallChart.slice(0, 3).join(', ')}`);
        const crumbsOk = type === 'home' ? m.crumbs === null : !!m.crumbs && m.crumbs.count >= 2 && m.crumbs.currentIsLast && m.crumbs.currents === 1;
        if (!crumbsOk) problems.crumbs.push(`${type}: ${JSON.stringify(m.crumbs)}`);
        if (phone ? !(m.menu.folded && !m.menu.bar && m.header < height * 0.4) : !m.menu.bar) problems.menu.push(`${type}: ${JSON.stringify(m.menu)} header ${m.header}px`);
        if (m.footerGap !== null && Math.abs(m.footerGap) > 1) problems.footer.push(`${type}: ${m.footerGap}px below the footer`);
        if (phone && type.includes('report') && !(m.firstPara !== null && m.firstPara < 2 * height)) problems.first.push(`${type}: first paragraph at ${m.firstPara}px`);
      }
      const tag = `${site} ${width}px [${mode}]`;
      const say = (list) => (list.length ? ': ' + list.join(' | ') : '');
      check(problems.wide.length === 0, `${tag}: no element wider than the viewport` + say(problems.wide));
      check(problems.clipped.length === 0, `${tag}: no table cell or table region cut off` + say(problems.clipped));
      check(problems.years.length === 0, `${tag}: no year split over two lines in a table cell` + say(problems.years));
      check(problems.chart.length === 0, `${tag}: chart text at least 12 px` + say(problems.chart));
      check(problems.crumbs.length === 0, `${tag}: breadcrumbs end in aria-current on every page but the home page` + say(problems.crumbs));
      check(problems.menu.length === 0, `${tag}: ${phone ? 'the menu is folded and the header under 40% of the screen' : 'the menu is a bar'}` + say(problems.menu));
      check(problems.footer.length === 0, `${tag}: the footer reaches the bottom of short pages` + say(problems.footer));
      if (phone) check(problems.first.length === 0, `${tag}: a report's first paragraph is within two screens` + say(problems.first));
    }
    await page.closeAll();
  }
}

console.log('axe on the demo site, every mode, 1280 and 375 px');
for (const width of [1280, 375]) {
  const page = await openPage(width, 800);
  for (const [mode, on] of Object.entries(modes)) {
    if (width === 375 && mode !== 'normal') continue;
    await page.goto(servers.demo.url);
    await setMode(page, on);
    const found = [];
    for (const [type, p] of Object.entries(sites.demo)) {
      await page.goto(servers.demo.url + p);
      await page.addScriptTag({ content: axeSource });
      const v = await page.evaluate(async () => {
        const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
        return r.violations.map((x) => `${x.id}: ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
      });
      if (v.length) found.push(`${type}: ${v.join('; ')}`);
    }
    check(found.length === 0, `axe: demo ${width}px [${mode}]` + (found.length ? ': ' + found.join(' | ') : ''));
  }
  await page.closeAll();
}

console.log('without JavaScript: nothing shows that does nothing');
{
  const page = await openPage(375, 667, { javaScriptEnabled: false });
  const visible = (sel) => page.evaluate((s) => [...document.querySelectorAll(s)].some((e) => e.checkVisibility({ visibilityProperty: true })), sel);
  for (const [type, p] of [['report', 'reports/2024/'], ['search', 'search/'], ['home', '']]) {
    await page.goto(servers.demo.url + p);
    check(!(await visible('.a11y-tools, .a11y-tools button')), `${type}: the 大字号/高对比度 buttons are hidden`);
    check(!(await visible('.read-aloud, .read-aloud button')), `${type}: no 朗读 buttons`);
    check(!(await visible('#search, #search-q')), `${type}: no search form that cannot search`);
  }
  await page.goto(servers.demo.url + 'reports/2024/');
  check(!(await visible('.nav-menu .nav-list a')), 'the menu starts folded');
  await page.click('.nav-menu summary');
  check(await visible('.nav-menu .nav-list a'), 'the 菜单 button opens it without JavaScript');
  await page.click('.nav-menu .nav-list a[href="/cases/"]');
  check(await page.evaluate(() => location.pathname === '/cases/'), 'and its links work');
  await page.closeAll();
}

console.log('朗读 (read aloud)');
{
  const page = await openPage(375, 667);
  await page.goto(servers.demo.url + 'reports/2024/');
  const voices = await page.evaluate(() => (window.speechSynthesis ? speechSynthesis.getVoices().filter((v) => /^zh/i.test(v.lang)).length : 0));
  if (voices === 0) check(await page.evaluate(() => document.querySelector('.read-aloud').hidden), 'hidden where the browser has no Chinese voice');
  await page.closeAll();

  // A stand-in for the browser's speech synthesis with one zh-CN voice: it records what it is
  // asked to say and "speaks" each utterance in 150 ms unless cancelled (long enough that a
  // loaded machine cannot finish the report before 暂停 is pressed).
  const fake = await openPage(375, 667);
  await fake.addInitScript(() => {
    const spoken = [];
    let timer = null;
    const synth = {
      speaking: false,
      getVoices: () => [{ lang: 'zh-CN', name: 'stand-in', default: true }],
      speak(u) { spoken.push(u.text); this.speaking = true; timer = setTimeout(() => { this.speaking = false; u.onend && u.onend(); }, 150); },
      cancel() { clearTimeout(timer); this.speaking = false; },
      pause() {}, resume() {}, addEventListener() {},
    };
    Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
    window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
    window.__spoken = spoken;
  });
  await fake.goto(servers.demo.url + 'reports/2024/');
  check(await fake.evaluate(() => !document.querySelector('.read-aloud').hidden), 'shown where a Chinese voice exists');
  const size = await fake.evaluate(() => { const r = document.querySelector('[data-read="start"]').getBoundingClientRect(); return [r.width, r.height]; });
  check(size[0] >= 48 && size[1] >= 48, `the buttons are large (${size.map(Math.round).join('×')} px)`);
  await fake.click('[data-read="start"]');
  await fake.waitForFunction(() => window.__spoken.length >= 3, null, { timeout: 10000 });
  // A DOM click: the reading moves the page, so playwright's wait for a still element can time out.
  await fake.evaluate(() => document.querySelector('[data-read="pause"]').click());
  const paused = await fake.evaluate(() => ({ spoken: [...window.__spoken], resume: !document.querySelector('[data-read="resume"]').hidden, reading: document.querySelector('.reading')?.textContent || '' }));
  check(paused.spoken[0] === '岚溪镇2024年法治政府建设年度报告', 'it starts with the title: ' + paused.spoken[0]);
  check(paused.spoken.length >= 2 && paused.resume, `暂停 stops after ${paused.spoken.length} blocks and offers 继续`);
  await fake.waitForTimeout(100);
  const still = await fake.evaluate(() => window.__spoken.length);
  check(still === paused.spoken.length, 'nothing more is said while paused');
  await fake.evaluate(() => document.querySelector('[data-read="resume"]').click());
  await fake.waitForFunction((n) => window.__spoken.length > n, still, { timeout: 10000 });
  const resumed = await fake.evaluate((n) => window.__spoken[n], still);
  check(resumed === paused.spoken[paused.spoken.length - 1] && paused.reading.includes(resumed.slice(0, 10)), '继续 reads the paused block again');
  await fake.waitForFunction(() => document.querySelector('.read-status').textContent.includes('朗读完毕'), null, { timeout: 90000 });
  const all = await fake.evaluate(() => window.__spoken.join('\n'));
  check(all.includes('一、主要举措和成效') && all.includes('四、下一年度工作安排'), 'it reads the whole report to the end');
  check(await fake.evaluate(() => !document.querySelector('[data-read="start"]').hidden && !document.querySelector('.reading')), 'and then offers 朗读全文 again');
  await fake.closeAll();
}

await browser.close();
for (const s of Object.values(servers)) s.server.close();
if (!process.env.PUFA_SCREENSHOTS) fs.rmSync(dir, { recursive: true, force: true });
done();
