/**
 * A small web site on 127.0.0.1 for the fetcher's tests: pages with validators, sitemaps,
 * redirects (some to addresses that must be refused), a slow page, large pages and robots.txt.
 * It counts requests in flight and records every request it sees.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

export interface TestSite {
  readonly origin: string;
  readonly port: number;
  /** Path of every request, in arrival order. */
  readonly requests: { path: string; userAgent: string | undefined; ifNoneMatch?: string; ifModifiedSince?: string }[];
  readonly maxInFlight: () => number;
  /** Paths answered 500 from now on. */
  readonly broken: Set<string>;
  /** Replaces a path's body (and its validators). */
  setBody(path: string, body: string): void;
  robots: { status: number; text: string };
  close(): Promise<void>;
}

const LAST_MODIFIED = 'Mon, 01 Jan 2024 00:00:00 GMT';

export async function startSite(): Promise<TestSite> {
  let inFlight = 0;
  let maxInFlight = 0;
  const bodies = new Map<string, string>([
    ['/page/a', html('Page A')],
    ['/page/b', html('Page B')],
    ['/page/plain', html('Plain')],
    ['/page/s1', html('Sitemap page 1')],
    ['/page/s2', html('Sitemap page 2')],
    ['/page/s3', html('Nested sitemap page 3')],
    ['/private/secret', html('Secret')],
  ]);
  const site: TestSite = {
    origin: '',
    port: 0,
    requests: [],
    maxInFlight: () => maxInFlight,
    broken: new Set(),
    setBody: (path, body) => bodies.set(path, body),
    robots: { status: 200, text: 'User-agent: *\nDisallow: /\n\nUser-agent: FootnoteBot\nDisallow: /private\n' },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    site.requests.push({
      path,
      userAgent: request.headers['user-agent'],
      ...(request.headers['if-none-match'] && { ifNoneMatch: request.headers['if-none-match'] }),
      ...(request.headers['if-modified-since'] && { ifModifiedSince: request.headers['if-modified-since'] }),
    });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on('close', () => {
      inFlight -= 1;
    });
    // A short pause so that requests overlap if the fetcher lets them.
    setTimeout(() => answer(path, request, response), 20);
  });

  const answer = (path: string, request: http.IncomingMessage, response: http.ServerResponse) => {
    const origin = site.origin;
    if (site.broken.has(path)) return send(response, 500, 'text/plain', 'broken');
    if (path === '/robots.txt') return send(response, site.robots.status, 'text/plain', site.robots.text);
    const body = bodies.get(path);
    if (body !== undefined) {
      const etag = `"${Buffer.from(body).toString('base64url').slice(-12)}"`;
      // /page/a has an ETag, /page/b only Last-Modified, /page/plain neither.
      if (path === '/page/a' || path.startsWith('/page/s')) {
        response.setHeader('ETag', etag);
        if (request.headers['if-none-match'] === etag) return send(response, 304);
      }
      if (path === '/page/b') {
        response.setHeader('Last-Modified', LAST_MODIFIED);
        if (request.headers['if-modified-since'] === LAST_MODIFIED) return send(response, 304);
      }
      return send(response, 200, 'text/html; charset=utf-8', body);
    }
    switch (path) {
      case '/doc.pdf':
        return send(response, 200, 'application/pdf', '%PDF-1.4\n%%EOF\n');
      case '/page/gzipped':
        response.setHeader('Content-Encoding', 'gzip');
        return send(response, 200, 'text/html', zlib.gzipSync(html('Gzipped')));
      case '/image.png':
        return send(response, 200, 'image/png', 'PNG');
      case '/redirect':
        return redirect(response, '/page/a');
      case '/to-missing':
        return redirect(response, '/missing');
      case '/to-credentials':
        return redirect(response, `http://user:secret@127.0.0.1:${site.port}/page/a`);
      case '/loop':
        return redirect(response, '/loop');
      case '/to-metadata':
        return redirect(response, 'http://169.254.169.254/latest/meta-data/');
      case '/to-private':
        return redirect(response, 'http://10.0.0.1/');
      case '/to-v6-loopback':
        return redirect(response, `http://[::1]:${site.port}/page/a`);
      case '/to-mapped-loopback':
        return redirect(response, `http://[::ffff:127.0.0.1]:${site.port}/page/a`);
      case '/to-decimal-ip':
        return redirect(response, `http://2130706433:${site.port}/page/a`);
      case '/to-ftp':
        return redirect(response, 'ftp://example.com/file');
      case '/to-disallowed':
        return redirect(response, '/private/secret');
      case '/slow':
        return setTimeout(() => send(response, 200, 'text/html', html('Slow')), 3000);
      case '/slow-body':
        response.writeHead(200, { 'Content-Type': 'text/html' });
        response.write('<html><body>');
        return setTimeout(() => response.end('</body></html>'), 3000);
      case '/large':
        return send(response, 200, 'text/html', html('x'.repeat(100_000)));
      case '/large-chunked':
        response.writeHead(200, { 'Content-Type': 'text/html' });
        for (let i = 0; i < 100; i += 1) response.write('x'.repeat(1000));
        return response.end();
      case '/sitemap.xml':
        return send(response, 200, 'application/xml', urlset([`${origin}/page/s1`, `${origin}/page/s2`, `${origin}/page/a`]));
      case '/sitemap-index.xml':
        return send(response, 200, 'application/xml', sitemapIndex([`${origin}/sitemap.xml`, `${origin}/sitemap-2.xml.gz`]));
      case '/sitemap-2.xml.gz':
        return send(response, 200, 'application/octet-stream', zlib.gzipSync(urlset([`${origin}/page/s3`])));
      default:
        return send(response, 404, 'text/plain', 'not found');
    }
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  Object.assign(site, { origin: `http://127.0.0.1:${port}`, port });
  return site;
}

function send(response: http.ServerResponse, status: number, type?: string, body?: string | Buffer): void {
  if (type) response.setHeader('Content-Type', type);
  response.statusCode = status;
  response.end(body);
}

function redirect(response: http.ServerResponse, location: string): void {
  response.statusCode = 302;
  response.setHeader('Location', location);
  response.end();
}

export function html(title: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><p>${title}.</p></body></html>`;
}

function urlset(locs: string[]): string {
  const urls = locs.map((loc) => `<url><loc>${loc}</loc><image:image><image:loc>${loc}.png</image:loc></image:image></url>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">${urls}</urlset>`;
}

function sitemapIndex(locs: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((loc) => `<sitemap><loc>${loc}</loc></sitemap>`).join('')}</sitemapindex>`;
}
