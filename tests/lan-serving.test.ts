// Serving on a LAN: the page works over plain HTTP under a non-loopback host name, an optional
// allow-list of host names, and every answer outside the API's routes (Node's own 400/431, other
// methods, unknown paths) in the product's error format, at once.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex } from '../ingest/build-index.ts';
import { answerClientErrors, createApp } from '../server/app.ts';
import { readConfig } from '../server/config.ts';
import { loadIndex, type LoadedIndex } from '../server/load-index.ts';
import { CHROMIUM_PATH, chromiumStatus, ensureWebBuild } from './helpers/browser.ts';

let tmp: string;
let index: LoadedIndex;
let webDist: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lan-'));
  const corpusDir = join(tmp, 'corpus');
  await mkdir(corpusDir);
  await copyFile('corpus/yongzhou-gazette-2025-manufacturing-measures.txt', join(corpusDir, 'measures.txt'));
  [webDist] = await Promise.all([
    ensureWebBuild(),
    buildIndex({ corpusDir, indexDir: join(tmp, 'index'), embedder: 'builtin', warn: () => {} }),
  ]);
  index = await loadIndex(join(tmp, 'index'));
}, 120_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; port: number }> {
  const server = app.listen(0, '127.0.0.1');
  answerClientErrors(server);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Bytes written straight to the socket, and everything the server answers until it closes. */
function raw(port: number, bytes: string, waitMs = 3000): Promise<{ text: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, ms: performance.now() - started });
    }, waitMs);
    socket.on('data', (d) => {
      text += d.toString('utf8');
      // one answer is all a test needs
      if (/\r\n\r\n[\s\S]*\}$/.test(text)) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ text, ms: performance.now() - started });
      }
    });
    socket.on('end', () => {
      clearTimeout(timer);
      resolve({ text, ms: performance.now() - started });
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

const bodyOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { code: string } };

describe('serving on a LAN', () => {
  it('asks no upgrade to https over plain HTTP, and does behind a TLS proxy', async () => {
    const app = createApp(index, { webDist: null });
    const plain = await request(app).get('/api/health').set('Host', 'policy.lan:3000');
    expect(plain.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(plain.headers['strict-transport-security']).toBeUndefined();
    const proxied = createApp(index, { webDist: null, trustProxy: true });
    const secure = await request(proxied).get('/api/health').set('X-Forwarded-Proto', 'https');
    expect(secure.headers['content-security-policy']).toMatch(/upgrade-insecure-requests/);
    expect(secure.headers['strict-transport-security']).toMatch(/max-age/);
  });

  it('answers only the allowed host names (and loopback) when a list is given', async () => {
    const app = createApp(index, { webDist: null, allowedHosts: ['policy.lan', '10.0.0.5'] });
    for (const host of ['policy.lan', 'POLICY.LAN:3000', '10.0.0.5:80', 'localhost:3000', '127.0.0.1']) {
      expect((await request(app).get('/api/health').set('Host', host)).status, host).toBe(200);
    }
    for (const host of ['rebound.attacker.example', 'policy.lan.attacker.example:3000']) {
      const res = await request(app).get('/api/health').set('Host', host);
      expect(res.status, host).toBe(403);
      expect(res.body.error.code).toBe('HOST_NOT_ALLOWED');
    }
    // no list: any name
    expect((await request(createApp(index, { webDist: null })).get('/api/health').set('Host', 'anything.example')).status).toBe(200);
  });

  it('reads ALLOWED_HOSTS and refuses a PORT that is not plain digits', () => {
    expect(readConfig({ ALLOWED_HOSTS: ' Policy.lan, 10.0.0.5 ' }).allowedHosts).toEqual(['policy.lan', '10.0.0.5']);
    expect(() => readConfig({ ALLOWED_HOSTS: 'http://policy.lan' })).toThrow(/ALLOWED_HOSTS/);
    expect(() => readConfig({ PORT: '0x50' })).toThrow(/PORT/);
    expect(readConfig({ PORT: '8080' }).port).toBe(8080);
  });

  it('answers other methods and unknown paths in the error format, without waiting for a body', async () => {
    const withWeb = createApp(index, { webDist });
    const post = await request(withWeb).post('/').send('x=1');
    expect(post.status).toBe(405);
    expect(post.body.error.code).toBe('METHOD_NOT_ALLOWED');
    const apiOnly = createApp(index, { webDist: null });
    const missing = await request(apiOnly).get('/no/such/page');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/json/);
    expect(missing.body.error.code).toBe('NOT_FOUND');

    const { server, port } = await listen(withWeb);
    try {
      // a body of a megabyte is declared and never sent: the answer must not wait for it
      const { text, ms } = await raw(port, 'PUT /doc/x HTTP/1.1\r\nHost: policy.lan\r\nContent-Length: 1000000\r\n\r\n');
      expect(text).toMatch(/^HTTP\/1.1 405/);
      expect(text).toMatch(/content-type: application\/json/i);
      expect(bodyOf(text).error.code).toBe('METHOD_NOT_ALLOWED');
      expect(ms).toBeLessThan(2000);
    } finally {
      server.close();
    }
  });

  it("turns Node's own 400 and 431 into the product's error body", async () => {
    const { server, port } = await listen(createApp(index, { webDist: null }));
    try {
      const huge = await raw(port, `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(huge.text).toMatch(/^HTTP\/1.1 431/);
      expect(huge.text).toMatch(/x-content-type-options: nosniff/i);
      expect(bodyOf(huge.text).error.code).toBe('HEADERS_TOO_LARGE');
      const garbage = await raw(port, 'HELLO THERE\r\n\r\n');
      expect(garbage.text).toMatch(/^HTTP\/1.1 400/);
      expect(bodyOf(garbage.text).error.code).toBe('BAD_REQUEST');
    } finally {
      server.close();
    }
  });

  describe.runIf(chromiumStatus().available)('in Chromium', () => {
    it('loads the page over plain HTTP under a network host name', async () => {
      const { server, port } = await listen(createApp(index, { webDist, allowedHosts: ['policy.lan'] }));
      // policy.lan resolves to this machine for the browser alone: a non-loopback name, plain HTTP
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--host-resolver-rules=MAP policy.lan 127.0.0.1'],
      });
      try {
        const page = await browser.newPage();
        const failed: string[] = [];
        page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
        page.on('pageerror', (e) => failed.push(`pageerror: ${e.message}`));
        await page.goto(`http://policy.lan:${port}/`);
        const box = page.getByRole('searchbox');
        await box.waitFor({ timeout: 10_000 });
        await box.fill('贴息');
        await box.press('Enter');
        await page.locator('.result').first().waitFor({ timeout: 10_000 });
        expect(page.url()).toMatch(/^http:\/\/policy\.lan:/);
        expect(failed).toEqual([]);
      } finally {
        await browser.close();
        server.close();
      }
    }, 60_000);
  });
});

describe('transfer: compression and caching', () => {
  it('compresses answers for a browser that accepts it, and caches hashed assets for good', async () => {
    const app = createApp(index, { webDist });
    const search = await request(app).get('/api/search').query({ q: '设备更新 贴息' }).set('Accept-Encoding', 'gzip');
    expect(search.status).toBe(200);
    expect(search.headers['content-encoding']).toBe('gzip');
    expect(search.body.results.length).toBeGreaterThan(0);

    const page = await request(app).get('/').set('Accept-Encoding', 'br, gzip');
    expect(page.headers['cache-control']).toMatch(/max-age=0/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)![1]!;
    const asset = await request(app).get(script).set('Accept-Encoding', 'br, gzip');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-encoding']).toBe('br');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});
