import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readCachedPages, refreshWebSources, type CachedPage } from '../../src/web/refresh.js';
import { DEFAULT_WEB_SETTINGS, type WebSettings } from '../../src/web/settings.js';
import { parseWebSources, type WebSourceList } from '../../src/web/sources.js';
import { html, startSite, type TestSite } from './server.js';

let site: TestSite;
let other: TestSite;
let cacheDir: string;
/** host:port of every outgoing connection, so refusals can be shown to happen before connecting. */
let connections: string[];

beforeAll(async () => {
  [site, other] = await Promise.all([startSite(), startSite()]);
});
afterAll(async () => {
  await Promise.all([site.close(), other.close()]);
});
beforeEach(() => {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'footnote-web-'));
  connections = [];
  const connect = net.Socket.prototype.connect;
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    // http calls connect with its normalised arguments: [[options, callback]].
    const options = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: number };
    connections.push(`${options.host}:${options.port}`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  });
  site.requests.length = 0;
  other.requests.length = 0;
  site.broken.clear();
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

function settings(overrides: Partial<WebSettings> = {}): WebSettings {
  return { ...DEFAULT_WEB_SETTINGS, cacheDir, timeoutMs: 500, maxBytes: 10_000, allowPrivateAddresses: ['127.0.0.1'], ...overrides };
}

function list(lines: string[]): WebSourceList {
  const parsed = parseWebSources(lines.join('\n'));
  expect(parsed.problems).toEqual([]);
  return parsed;
}

const byUrl = (pages: CachedPage[]) => new Map(pages.map((page) => [page.url, page]));
const text = (page: CachedPage | undefined) => new TextDecoder().decode(page?.body);

describe('refreshWebSources', () => {
  it('GIVEN pages, a redirect and a nested sitemap index THEN every page is fetched and kept', async () => {
    const o = site.origin;
    const sources = list([`${o}/page/a`, `${o}/page/b`, `${o}/doc.pdf`, `${o}/redirect`, `http://2130706433:${site.port}/page/plain`, `${o}/page/gzipped`, `sitemap: ${o}/sitemap-index.xml`]);
    const progress: [number, number][] = [];
    const report = await refreshWebSources(sources, settings(), (done, total) => progress.push([done, total]));

    expect(report.failed).toEqual([]);
    const pages = byUrl(report.pages);
    expect([...pages.keys()]).toEqual([
      `${o}/page/a`,
      `${o}/page/b`,
      `${o}/doc.pdf`,
      `${o}/redirect`,
      `http://2130706433:${site.port}/page/plain`,
      `${o}/page/gzipped`,
      `${o}/page/s1`,
      `${o}/page/s2`,
      `${o}/page/s3`,
    ]);
    expect(report.fetched).toBe(9);
    expect(report.unchanged).toBe(0);
    expect(pages.get(`${o}/redirect`)).toMatchObject({ finalUrl: `${o}/page/a`, contentType: 'text/html; charset=utf-8' });
    expect(text(pages.get(`${o}/redirect`))).toBe(html('Page A'));
    expect(pages.get(`http://2130706433:${site.port}/page/plain`)?.finalUrl).toBe(`${o}/page/plain`);
    expect(pages.get(`${o}/doc.pdf`)?.contentType).toBe('application/pdf');
    expect(pages.get(`${o}/page/a`)?.etag).toMatch(/^"/);
    expect(pages.get(`${o}/page/b`)?.lastModified).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
    expect(text(pages.get(`${o}/page/s3`))).toBe(html('Nested sitemap page 3'));
    expect(text(pages.get(`${o}/page/gzipped`))).toBe(html('Gzipped'));
    expect(progress[0]).toEqual([0, 9]);
    expect(progress.at(-1)).toEqual([9, 9]);

    expect(site.requests.filter((r) => r.path === '/robots.txt')).toHaveLength(1);
    expect(new Set(site.requests.map((r) => r.userAgent))).toEqual(new Set([DEFAULT_WEB_SETTINGS.userAgent]));
    expect(site.maxInFlight()).toBeLessThanOrEqual(2);
    expect(site.maxInFlight()).toBe(2);
  });

  it('GIVEN pages that cannot or must not be fetched THEN each fails with a plain reason and nothing unsafe is connected to', async () => {
    const o = site.origin;
    const paths = ['/missing', '/to-missing', '/to-credentials', '/image.png', '/private/secret', '/to-disallowed', '/to-metadata', '/to-private', '/to-v6-loopback', '/to-ftp', '/loop', '/slow', '/slow-body', '/large', '/large-chunked'];
    const started = Date.now();
    const report = await refreshWebSources(list(paths.map((p) => `${o}${p}`)), settings());
    const reasons = Object.fromEntries(report.failed.map((f) => [f.url.slice(o.length), f.reason]));

    expect(report.pages).toEqual([]);
    expect(report.failed.every((f) => !f.keptCopy)).toBe(true);
    expect(reasons).toEqual({
      '/missing': 'the server answered 404 Not Found',
      '/to-missing': `redirected to ${o}/missing, where the server answered 404 Not Found`,
      '/to-credentials': 'the server redirected to an address with a user name or password in it',
      '/image.png': 'it is image/png, and only HTML and PDF pages are indexed',
      '/private/secret': `${o}/robots.txt does not allow FootnoteBot to fetch it`,
      '/to-disallowed': `after 1 redirect: ${o}/robots.txt does not allow FootnoteBot to fetch it`,
      '/to-metadata': expect.stringMatching(/^after 1 redirect: refused: 169\.254\.169\.254 is a link-local address/),
      '/to-private': expect.stringMatching(/^after 1 redirect: refused: 10\.0\.0\.1 is a private address/),
      '/to-v6-loopback': expect.stringMatching(/^after 1 redirect: refused: ::1 is a loopback address/),
      '/to-ftp': 'after 1 redirect: ftp: address, and only http and https are fetched',
      '/loop': 'redirected more than 5 times',
      '/slow': 'no complete answer within 0.5 seconds',
      '/slow-body': 'no complete answer within 0.5 seconds',
      '/large': expect.stringMatching(/^larger than 10 KB/),
      '/large-chunked': expect.stringMatching(/^larger than 10 KB/),
    });
    expect(connections.length).toBeGreaterThan(0);
    expect(connections.every((c) => c === `127.0.0.1:${site.port}`)).toBe(true);
    expect(site.requests.map((r) => r.path)).not.toContain('/private/secret');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('GIVEN allowPrivateAddresses false THEN a loopback page is refused before any connection', async () => {
    const report = await refreshWebSources(list([`${site.origin}/page/a`]), settings({ allowPrivateAddresses: false }));
    expect(report.failed).toEqual([{ url: `${site.origin}/page/a`, reason: expect.stringMatching(/^refused: 127\.0\.0\.1 is a loopback address/), keptCopy: false }]);
    expect(site.requests).toEqual([]);
    expect(connections).toEqual([]);
  });

  it('GIVEN a second run THEN unchanged pages cost a conditional request and are counted unchanged', async () => {
    const o = site.origin;
    const sources = list([`${o}/page/a`, `${o}/page/b`, `${o}/page/plain`, `sitemap: ${o}/sitemap.xml`]);
    const first = await refreshWebSources(sources, settings());
    expect(first).toMatchObject({ fetched: 5, unchanged: 0, failed: [] });
    site.requests.length = 0;

    const second = await refreshWebSources(sources, settings());
    expect(second).toMatchObject({ fetched: 0, unchanged: 5, failed: [] });
    expect(second.pages.map((p) => p.url)).toEqual(first.pages.map((p) => p.url));
    expect(second.pages.map(text)).toEqual(first.pages.map(text));
    const request = (p: string) => site.requests.find((r) => r.path === p);
    expect(request('/page/a')?.ifNoneMatch).toBe(first.pages[0]!.etag);
    expect(request('/page/b')?.ifModifiedSince).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
    expect(request('/page/plain')?.ifNoneMatch).toBeUndefined();

    site.setBody('/page/plain', html('Plain, edited'));
    const third = await refreshWebSources(sources, settings());
    expect(third).toMatchObject({ fetched: 1, unchanged: 4 });
    expect(text(byUrl(third.pages).get(`${o}/page/plain`))).toBe(html('Plain, edited'));
    expect(fs.readdirSync(cacheDir).filter((f) => f.endsWith('.body'))).toHaveLength(5);
    site.setBody('/page/plain', html('Plain'));
  });

  it('GIVEN a page and a sitemap that fail later THEN their last good copies are used and reported', async () => {
    const o = site.origin;
    const sources = list([`${o}/page/a`, `sitemap: ${o}/sitemap-index.xml`]);
    await refreshWebSources(sources, settings());
    site.broken.add('/page/a');
    site.broken.add('/sitemap-index.xml');

    const report = await refreshWebSources(sources, settings());
    expect(report.failed).toEqual([
      { url: `${o}/sitemap-index.xml`, reason: 'the sitemap could not be read: the server answered 500 Internal Server Error', keptCopy: true },
      { url: `${o}/page/a`, reason: 'the server answered 500 Internal Server Error', keptCopy: true },
    ]);
    expect(report.pages.map((p) => p.url)).toEqual([`${o}/page/a`, `${o}/page/s1`, `${o}/page/s2`, `${o}/page/s3`]);
    expect(text(report.pages[0])).toBe(html('Page A'));
    expect(report.unchanged).toBe(3);
  });

  it('GIVEN kept copies THEN readCachedPages returns them without any connection, and only for listed pages', async () => {
    const o = site.origin;
    const sources = list([`${o}/page/a`, `${o}/missing`, `sitemap: ${o}/sitemap-index.xml`]);
    const report = await refreshWebSources(sources, settings());
    connections.length = 0;

    const cached = await readCachedPages(sources, settings());
    expect(cached).toEqual(report.pages);
    expect(cached.map((p) => p.url)).toEqual([`${o}/page/a`, `${o}/page/s1`, `${o}/page/s2`, `${o}/page/s3`]);
    expect(connections).toEqual([]);
    expect(await readCachedPages(list([`${o}/page/b`]), settings())).toEqual([]);
    expect(await readCachedPages(sources, settings({ cacheDir: path.join(cacheDir, 'none') }))).toEqual([]);
  });

  it('GIVEN a page no longer listed THEN its copy is pruned', async () => {
    const o = site.origin;
    await refreshWebSources(list([`${o}/page/a`, `${o}/page/b`]), settings());
    expect(fs.readdirSync(cacheDir)).toHaveLength(4);
    await refreshWebSources(list([`${o}/page/b`]), settings());
    expect(fs.readdirSync(cacheDir)).toHaveLength(2);
    expect(await readCachedPages(list([`${o}/page/a`]), settings())).toEqual([]);
  });

  it('GIVEN maxPagesPerSitemap THEN a listed sitemap and its nested ones give at most that many pages', async () => {
    const report = await refreshWebSources(list([`sitemap: ${site.origin}/sitemap-index.xml`]), settings({ maxPagesPerSitemap: 2 }));
    expect(report.pages.map((p) => p.url)).toEqual([`${site.origin}/page/s1`, `${site.origin}/page/s2`]);
    expect(site.requests.map((r) => r.path)).not.toContain('/sitemap-2.xml.gz');
  });

  it('GIVEN robots.txt for * only, then none (404), then unreachable (503) THEN the * group applies, then everything, then nothing with copies kept', async () => {
    const o = other.origin;
    const sources = list([`${o}/page/a`, `${o}/page/b`]);
    other.robots = { status: 200, text: 'User-agent: *\nDisallow: /page/b\n' };
    const first = await refreshWebSources(sources, settings());
    expect(first.pages.map((p) => p.url)).toEqual([`${o}/page/a`]);
    expect(first.failed).toEqual([{ url: `${o}/page/b`, reason: `${o}/robots.txt does not allow FootnoteBot to fetch it`, keptCopy: false }]);

    other.robots = { status: 404, text: 'not found' };
    const second = await refreshWebSources(sources, settings());
    expect(second).toMatchObject({ fetched: 1, unchanged: 1, failed: [] });

    other.robots = { status: 503, text: 'down' };
    other.requests.length = 0;
    const third = await refreshWebSources(sources, settings());
    expect(third.pages.map((p) => p.url)).toEqual([`${o}/page/a`, `${o}/page/b`]);
    expect(third.failed).toEqual([
      { url: `${o}/page/a`, reason: `${o}/robots.txt could not be read (the server answered 503), so nothing is fetched from ${o} this time`, keptCopy: true },
      { url: `${o}/page/b`, reason: `${o}/robots.txt could not be read (the server answered 503), so nothing is fetched from ${o} this time`, keptCopy: true },
    ]);
    expect(other.requests.map((r) => r.path)).toEqual(['/robots.txt']);
  });
});
