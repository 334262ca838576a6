// pufa serve in a real browser: a saved edit shows without any manual reload; broken YAML
// shows an overlay with file and line, which goes away when fixed; a CSS change swaps the
// stylesheet without reloading; the page reconnects (and reloads) after the server restarts.
import fs from 'node:fs';
import path from 'node:path';
import { launch, tmpdir, copyDir, repo, startServe, stop, freePort, check, done } from './lib.mjs';

const dir = tmpdir();
copyDir(path.join(repo, 'tests/fixtures/basic'), path.join(dir, 'site'));
const port = await freePort();
let { proc, url } = await startServe(dir, ['--root', 'site', '--port', String(port)]);
const browser = await launch();
const page = await browser.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

const wuye = path.join(dir, 'site/content/cases/wuye.md');
const good = fs.readFileSync(wuye, 'utf8');
const text = () => page.evaluate(() => document.body.innerText);
const wait = (fn, arg, ms = 15000) => page.waitForFunction(fn, arg, { timeout: ms }).then(() => true, () => false);

console.log('serve: live reload');
await page.goto(url + 'cases/wuye/');
check((await text()).includes('张某与某物业公司物业费纠纷调解案'), 'the page is served');
await page.waitForTimeout(300);
fs.writeFileSync(wuye, good + '\n\n浏览器里自动出现的新段落。\n');
check(await wait(() => document.body.innerText.includes('浏览器里自动出现的新段落')), 'a saved edit appears without a manual reload');

console.log('serve: error overlay');
fs.writeFileSync(wuye, '---\ntitle: 物业\nyear: 2023\n- 坏了\n---\n');
check(await wait(() => !!document.getElementById('pufa-error-overlay')), 'broken YAML shows the error overlay');
const overlay = await page.evaluate(() => document.getElementById('pufa-error-overlay')?.innerText || '');
check(overlay.includes('content/cases/wuye.md:4'), 'the overlay names the file and line');
check(overlay.includes('- 坏了'), 'the overlay shows the offending line');
check((await text()).includes('浏览器里自动出现的新段落'), 'the last good page stays behind the overlay');
const other = await browser.newPage();
await other.goto(url + 'cases/');
check(await other.waitForFunction(() => !!document.getElementById('pufa-error-overlay'), null, { timeout: 10000 }).then(() => true, () => false), 'a page opened later shows the overlay too');
await other.close();
fs.writeFileSync(wuye, good);
check(await wait(() => !document.getElementById('pufa-error-overlay') && !document.body.innerText.includes('浏览器里自动出现的新段落')), 'fixing it clears the overlay and shows the fix');

console.log('serve: stylesheet swap');
const css = path.join(dir, 'site/static/css/site.css');
fs.mkdirSync(path.dirname(css), { recursive: true });
// Let the fix's reload and the new folder's event settle first (on a loaded machine they can
// arrive late): the flag must only see what the stylesheet edit does.
await new Promise((r) => setTimeout(r, 1500));
await page.waitForLoadState('load');
await page.evaluate(() => { window.__notReloaded = true; });
fs.writeFileSync(css, fs.readFileSync(path.join(repo, 'themes/default/static/css/site.css'), 'utf8') + '\nbody { border-top: 7px solid rgb(1, 2, 3); }\n');
check(await wait(() => getComputedStyle(document.body).borderTopWidth === '7px'), 'a CSS change applies');
check(await page.evaluate(() => window.__notReloaded === true), 'without reloading the page');

check(errors.length === 0, 'no script errors' + (errors.length ? ': ' + errors.join(' | ') : ''));

console.log('serve: reconnect after restart');
await stop(proc);
fs.writeFileSync(wuye, good + '\n\n服务器重启期间保存的修改。\n');
({ proc, url } = await startServe(dir, ['--root', 'site', '--port', String(port)]));
check(await wait(() => document.body.innerText.includes('服务器重启期间保存的修改'), null, 20000), 'the page reconnects and reloads after a restart');

await browser.close();
await stop(proc);
fs.rmSync(dir, { recursive: true, force: true });
done();
