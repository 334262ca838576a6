// Shared helpers for pufa's browser tests: Debian's chromium through playwright-core (which
// never downloads a browser), a static file server for built sites, and `pufa serve`.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

export const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
export const pufaBin = process.env.PUFA_BIN || path.join(repo, 'target', 'debug', 'pufa');

export async function launch() {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'pufa-chromium-'));
  const browser = await chromium.launchPersistentContext(userData, {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
  });
  return browser;
}

/** A page of the given size in a fresh context of its own (a persistent context cannot
 *  change its viewport per page): a phone (mobile, touch) below 500 px. `page.closeAll()`
 *  closes the context too. */
export async function openPage(browser, width, height, options = {}) {
  const phone = width < 500;
  const ctx = await browser.browser().newContext({ viewport: { width, height }, isMobile: phone, hasTouch: phone, deviceScaleFactor: 1, ...options });
  const page = await ctx.newPage();
  page.closeAll = () => ctx.close();
  return page;
}

export function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pufa-browser-'));
}

export function copyDir(src, dst) {
  fs.cpSync(src, dst, { recursive: true });
}

const types = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.bin': 'application/octet-stream', '.xml': 'application/xml',
  '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.png': 'image/png',
};

/** Serves a built site (like a plain static host) under `prefix` ("/" or "/hlz/"). */
export function staticServer(root, prefix = '/') {
  const server = http.createServer((req, res) => {
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400); res.end(); return; }
    if (!p.startsWith(prefix) || p.includes('..')) { res.writeHead(404); res.end('not found'); return; }
    let f = path.join(root, p.slice(prefix.length));
    if (fs.existsSync(f) && fs.statSync(f).isDirectory()) f = path.join(f, 'index.html');
    if (!fs.existsSync(f)) {
      res.writeHead(404, { 'content-type': types['.html'] });
      res.end(fs.existsSync(path.join(root, '404.html')) ? fs.readFileSync(path.join(root, '404.html')) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(f)] || 'application/octet-stream' });
    res.end(fs.readFileSync(f));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}${prefix}` })));
}

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** Starts `pufa serve` in `cwd`; resolves to { proc, url } once it prints its address. */
export function startServe(cwd, args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(pufaBin, ['serve', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    const timer = setTimeout(() => reject(new Error('pufa serve did not start: ' + out)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/\S+/);
      if (m) { clearTimeout(timer); resolve({ proc, url: m[0] }); }
    });
    proc.stderr.on('data', () => {});
    proc.on('exit', (code) => reject(new Error(`pufa serve exited (${code}): ${out}`)));
  });
}

export function stop(proc) {
  return new Promise((resolve) => { proc.removeAllListeners('exit'); proc.on('exit', () => resolve()); proc.kill('SIGINT'); setTimeout(() => { proc.kill('SIGKILL'); }, 3000); });
}

let failures = 0;
export function check(ok, what) {
  if (ok) { console.log('  ok   ' + what); } else { failures++; console.log('  FAIL ' + what); }
}
export function done() {
  if (failures) { console.log(`${failures} check(s) failed`); process.exit(1); }
  console.log('all checks passed');
}
