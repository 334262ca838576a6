// The editor of `pufa serve` in a real browser, as a clerk uses it: a case created through
// the form (a missing required field reported beside its field first), an image uploaded
// into it, seen in the preview and on the served page, and the file on disk holding exactly
// the front matter the form showed; the text of an unsaved form surviving a reload; a
// conflicting save refused with both versions kept; writes from another origin and requests
// with a foreign Host header refused (403) with nothing written; axe on the editor's views,
// at 1280 and 375 px, and no request leaving this machine. Screenshots go to
// $PUFA_SCREENSHOTS when set (README's picture is editor-1280.png).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launch, openPage, tmpdir, copyDir, repo, startServe, stop, freePort, staticServer, check, done } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const dir = tmpdir();
const site = path.join(dir, 'site');
copyDir(path.join(repo, 'tests/fixtures/basic'), site);
const shots = process.env.PUFA_SCREENSHOTS || path.join(dir, 'screenshots');
fs.mkdirSync(shots, { recursive: true });
const port = await freePort();
const { proc, url } = await startServe(dir, ['--root', 'site', '--port', String(port)]);
const editor = url + '__pufa/edit/';
const browser = await launch();
const errors = [];
const external = [];

async function newPage(width, height) {
  const page = await openPage(browser, width, height, { locale: 'zh-CN' });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:') && !r.url().startsWith('about:')) external.push(r.url()); });
  return page;
}
async function axe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
  });
}
const until = (page, fn, arg, ms = 15000) => page.waitForFunction(fn, arg, { timeout: ms }).then(() => true, () => false);
const waitFor = async (pred, ms = 15000) => { const end = Date.now() + ms; while (Date.now() < end) { if (await pred()) return true; await new Promise((r) => setTimeout(r, 100)); } return false; };

const page = await newPage(1280, 1300);

console.log('editor: the list of content');
await page.goto(editor);
await page.waitForSelector('.group');
const listText = await page.evaluate(() => document.body.innerText);
check(listText.includes('张某与某物业公司物业费纠纷调解案') && listText.includes('典型案例'), 'the list shows pages by section and kind');
check(listText.includes('草稿'), 'drafts are marked');
let v = await axe(page);
check(v.length === 0, 'axe: the list' + (v.length ? ': ' + v.join('; ') : ''));

console.log('editor: a new case through the form');
await page.goto(editor + '#/new?kind=case');
await page.fill('#new-title', '王某与李某邻里纠纷调解案');
await page.click('button[type=submit]');
await page.waitForSelector('#f-case_type');
check(await page.evaluate(() => document.querySelector('.where .path').textContent) === 'content/cases/王某与李某邻里纠纷调解案.md', 'the file name keeps the Chinese title');
check(await page.evaluate(() => document.querySelector('[data-field=case_type] .req') !== null), 'required fields are marked');
check(await page.evaluate(() => document.getElementById('f-date').type === 'date'), 'dates are date inputs');
await page.click('#save');
check(await until(page, () => /case_type|案例类型/.test(document.getElementById('f-case_type-error').textContent)), 'a missing required field is reported beside its field');
check(await page.evaluate(() => document.getElementById('f-case_type').getAttribute('aria-invalid') === 'true'), 'and the field is marked invalid');
const casePath = path.join(site, 'content/cases/王某与李某邻里纠纷调解案.md');
check(!fs.existsSync(casePath), 'nothing is written while the loader refuses the page');
v = await axe(page);
check(v.length === 0, 'axe: the form with an error' + (v.length ? ': ' + v.join('; ') : ''));

await page.fill('#f-case_type', '人民调解');
await page.fill('#f-location', '示例镇');
await page.fill('#f-summary', '王某与李某因排水管道发生纠纷，经调解达成协议。');
await page.click('[data-field=legal_basis] .add');
await page.fill('[data-field=legal_basis] li input', '《中华人民共和国民法典》第二百九十六条');
await page.click('[data-field=taxonomies] .subfield:first-of-type .add');
await page.fill('[data-field=taxonomies] .subfield:first-of-type li input', '邻里纠纷');
await page.fill('#f-body', '## 一、基本案情\n\n王某与李某是邻居。\n');
await page.click('#save');
check(await until(page, () => document.getElementById('save-state').textContent === '已保存'), 'the case is saved');
check(fs.existsSync(casePath), 'the file is on disk');

console.log('editor: an image uploaded into the case');
const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="90"><rect width="160" height="90" fill="#1a5fb4"/><text x="20" y="50" fill="#fff">现场</text></svg>';
await page.setInputFiles('#upload-file', { name: '现场照片.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
check(await until(page, () => document.getElementById('f-body').value.includes('![现场照片](现场照片.svg)')), 'the upload is put into the body');
const bundle = path.join(site, 'content/cases/王某与李某邻里纠纷调解案');
check(fs.existsSync(path.join(bundle, 'index.md')) && fs.readFileSync(path.join(bundle, '现场照片.svg'), 'utf8') === svg, 'the page became a bundle holding the image');
await page.click('#save');
check(await until(page, () => document.getElementById('save-state').textContent === '已保存'), 'saved with the image');
const previewImage = await waitFor(async () => {
  const f = page.frames().find((fr) => fr !== page.mainFrame());
  if (!f) return false;
  await page.evaluate(() => window.pufaEditor.check());
  await new Promise((r) => setTimeout(r, 300));
  return f.evaluate(() => { const i = document.querySelector('img'); return !!i && i.complete && i.naturalWidth > 0; }).catch(() => false);
}, 20000);
check(previewImage, 'the image shows in the preview');
await page.screenshot({ path: path.join(shots, 'editor-1280.png') });

// What the form shows, field by field, against the file's front matter.
const shown = await page.evaluate(() => {
  const out = {};
  document.querySelectorAll('.fields [data-field]').forEach((f) => {
    const name = f.getAttribute('data-field');
    if (name === 'taxonomies') {
      const t = {};
      f.querySelectorAll('.subfield').forEach((s, i) => {
        const items = [...s.querySelectorAll('li input')].map((x) => x.value).filter(Boolean);
        if (items.length) t[['topics', 'departments'][i]] = items;
      });
      if (Object.keys(t).length) out.taxonomies = t;
      return;
    }
    const list = f.querySelectorAll('li input');
    if (list.length) { out[name] = [...list].map((x) => x.value).filter(Boolean); return; }
    const input = f.querySelector('input, textarea');
    if (!input) return;
    if (input.type === 'checkbox') { if (input.checked) out[name] = 'true'; return; }
    if (input.value.trim()) out[name] = input.value.trim();
  });
  return out;
});
const fm = fs.readFileSync(path.join(bundle, 'index.md'), 'utf8').split('---\n')[1];
const onDisk = {};
let parent = null;
for (const line of fm.split('\n').filter(Boolean)) {
  const m = line.match(/^( *)([a-z_]+): ?(.*)$/);
  const value = m[3].startsWith('[') ? m[3].slice(1, -1).split(', ') : m[3];
  if (m[1]) { onDisk[parent][m[2]] = value; } else if (m[3] === '') { parent = m[2]; onDisk[parent] = {}; } else { onDisk[m[2]] = value; }
}
check(JSON.stringify(Object.keys(onDisk).sort()) === JSON.stringify(Object.keys(shown).sort()) && Object.keys(shown).every((k) => JSON.stringify(shown[k]) === JSON.stringify(onDisk[k])),
  'the file has exactly the front matter the form showed: ' + JSON.stringify(onDisk));

console.log('editor: the served page');
const caseUrl = url + 'cases/' + encodeURIComponent('王某与李某邻里纠纷调解案') + '/';
const served = await newPage(1280, 900);
check(await waitFor(async () => (await (await fetch(caseUrl)).text()).includes('现场照片.svg')), 'the preview server rebuilt the page');
await served.goto(caseUrl);
check(await until(served, () => { const i = document.querySelector('main img'); return !!i && i.complete && i.naturalWidth > 0; }), 'the image shows on the served page');
check(await served.evaluate(() => document.getElementById('pufa-edit-link')?.textContent === '编辑本页'), 'served pages have a 编辑本页 link');
await served.click('#pufa-edit-link');
check(await until(served, () => document.getElementById('page-title')?.textContent.includes('王某与李某邻里纠纷调解案')), 'which opens this page in the editor');
await served.closeAll();

console.log('editor: unsaved text survives a reload');
await page.fill('#f-location', '示例镇示例村');
await page.waitForTimeout(400);
await page.reload();
await page.waitForSelector('#f-location');
check(await page.inputValue('#f-location') === '示例镇示例村', 'the form keeps what was typed after a reload');
check(await page.evaluate(() => !!document.getElementById('restored')), 'and says it restored it');

console.log('editor: a conflicting save');
const indexMd = path.join(bundle, 'index.md');
const theirs = fs.readFileSync(indexMd, 'utf8') + '\n别处修改的段落。\n';
fs.writeFileSync(indexMd, theirs);
await page.click('#save');
check(await until(page, () => !!document.getElementById('conflict')), 'a save over a file changed on disk is refused');
check(fs.readFileSync(indexMd, 'utf8') === theirs, 'the file on disk is not overwritten');
check(await page.evaluate(() => document.getElementById('disk-version').value.includes('别处修改的段落') && document.getElementById('mine-version').value.includes('示例镇示例村')), 'both versions are shown');
check(await page.evaluate((k) => (localStorage.getItem(k) || '').includes('示例镇示例村'), 'pufa-edit:/:cases/王某与李某邻里纠纷调解案/index.md'), 'my version is kept in the browser');
v = await axe(page);
check(v.length === 0, 'axe: the conflict view' + (v.length ? ': ' + v.join('; ') : ''));

console.log('editor: other origins and host names cannot write');
const target = path.join(site, 'content/cases/csrf.md');
const evilHtml = path.join(dir, 'evil');
fs.mkdirSync(evilHtml);
fs.writeFileSync(path.join(evilHtml, 'index.html'), '<!DOCTYPE html><title>evil</title><form id="f" method="post" enctype="text/plain"><input name=\'{"rel":"cases/csrf.md","values":{"title":"x","case_type":"y","year":2024},"x":"\' value=\'"}\'></form>');
const evil = await staticServer(evilHtml, '/');
const attacker = await openPage(browser, 800, 600); // its own requests and CORS errors are the point
await attacker.goto(evil.url); // another port: another origin
await attacker.evaluate(async (u) => {
  const body = JSON.stringify({ rel: 'cases/csrf.md', values: { title: 'x', case_type: 'y', year: 2024 }, body: '' });
  await fetch(u + '__pufa/api/save', { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body }).catch(() => {});
  await fetch(u + '__pufa/api/save', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Pufa-Token': 'guess' }, body }).catch(() => {});
  const f = document.getElementById('f'); f.action = u + '__pufa/api/save'; f.submit();
}, url);
await attacker.waitForTimeout(800);
check(!fs.existsSync(target), 'a page of another site open in the same browser writes nothing');
await attacker.closeAll();
evil.server.close();
const token = await page.evaluate(() => document.querySelector('meta[name=pufa-token]').content);
function raw(headers, body) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/__pufa/api/save', method: 'POST', headers }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.end(body);
  });
}
const body = JSON.stringify({ rel: 'cases/csrf.md', values: { title: 'x', case_type: 'y', year: 2024 }, body: '' });
check(await raw({ Host: `127.0.0.1:${port}`, Origin: 'http://evil.example', 'X-Pufa-Token': token, 'Content-Type': 'application/json' }, body) === 403, 'a cross-origin POST gets 403, even with the token');
check(await raw({ Host: `evil.example:${port}`, Origin: `http://evil.example:${port}`, 'X-Pufa-Token': token, 'Content-Type': 'application/json' }, body) === 403, 'a foreign Host header gets 403');
check(await raw({ Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/json' }, body) === 403, 'a same-origin POST without the token gets 403');
check(!fs.existsSync(target), 'and nothing was written');

console.log('editor: a report dropped on 导入报告');
await page.goto(editor + '#/import');
await page.waitForSelector('#import-file');
const report = '示例镇2025年法治政府建设\n工作情况的报告\n2025年，示例镇坚持依法行政。具体情况报告如下：\n一、主要做法\n（一）加强学习。全年开展集中学法12次，矛盾纠纷化解率达到98.5%。\n（三）规范执法。\n示例镇人民政府\n2026年1月20日\n';
await page.setInputFiles('#import-file', { name: '报告.txt', mimeType: 'text/plain', buffer: Buffer.from(report) });
check(await until(page, () => document.querySelector('#import-result .outline li')?.textContent === '一、主要做法'), 'the importer\'s headings are shown before anything is created');
check(await page.evaluate(() => document.querySelector('#import-result .doubts').textContent.includes('跳号')), 'and what to confirm');
check(!fs.existsSync(path.join(site, 'content/reports/2025.md')), 'nothing is written yet');
await page.click('#import-result button.primary');
await page.waitForSelector('#f-title');
check(await page.inputValue('#f-title') === '示例镇2025年法治政府建设工作情况的报告', 'the form opens with the imported title (joined from two lines)');
v = await axe(page);
check(v.length === 0, 'axe: a report in the form' + (v.length ? ': ' + v.join('; ') : ''));

console.log('editor: at 375 px');
const phone = await newPage(375, 740);
await phone.goto(editor + '#/edit/reports/2024.md');
await phone.waitForSelector('#f-title');
check(await phone.evaluate(() => document.documentElement.scrollWidth <= 375), 'no horizontal scrolling at 375 px');
check(await phone.evaluate(() => document.querySelector('[data-field=metrics] tbody tr') !== null), 'a report shows its figures in the table editor');
v = await axe(phone);
check(v.length === 0, 'axe: a report in the form at 375 px' + (v.length ? ': ' + v.join('; ') : ''));
await phone.screenshot({ path: path.join(shots, 'editor-375.png'), fullPage: false });
await phone.goto(editor);
await phone.waitForSelector('.group');
check(await phone.evaluate(() => document.documentElement.scrollWidth <= 375), 'the list fits 375 px');
await phone.closeAll();

check(external.length === 0, 'no request leaves this machine' + (external.length ? ': ' + external.join(' ') : ''));
check(errors.length === 0, 'no script errors' + (errors.length ? ': ' + errors.join(' | ') : ''));
await page.closeAll();
await browser.close();
await stop(proc);
fs.rmSync(dir, { recursive: true, force: true });
done();
