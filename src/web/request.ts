import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { pinnedLookup, type VettedAddress } from './resolve.js';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** Read for 2xx answers only; empty otherwise. */
  readonly body: Uint8Array;
}

export interface RequestOptions {
  readonly url: URL;
  readonly vetted: VettedAddress;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** 'fail' (pages, sitemaps) refuses a larger body; 'truncate' (robots.txt) keeps its start. */
  readonly overflow: 'fail' | 'truncate';
}

/**
 * One GET request, connected to the vetted address only. The timeout covers everything up to
 * the last byte of the body; the size limit is checked on Content-Length and while reading, so
 * a large body is never held whole. Never throws: a failure is a reason a moderator can read.
 */
export function requestOnce(options: RequestOptions): Promise<RawResponse | { failed: string }> {
  const { url, vetted, timeoutMs, maxBytes } = options;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ failed: `no complete answer within ${seconds(timeoutMs)}` }), timeoutMs);
    let settled = false;
    const finish = (result: RawResponse | { failed: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = client.request(
      url,
      { method: 'GET', headers: options.headers, lookup: pinnedLookup(vetted), agent: false },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status > 299) {
          finish({ status, headers: response.headers, body: new Uint8Array() });
          return;
        }
        const declared = Number(response.headers['content-length']);
        if (options.overflow === 'fail' && Number.isFinite(declared) && declared > maxBytes) {
          finish({ failed: tooLarge(maxBytes) });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          chunks.push(chunk);
          if (size <= maxBytes) return;
          if (options.overflow === 'fail') finish({ failed: tooLarge(maxBytes) });
          else finish({ status, headers: response.headers, body: plain(Buffer.concat(chunks).subarray(0, maxBytes)) });
        });
        response.on('end', () => {
          const decoded = decode(Buffer.concat(chunks), response.headers['content-encoding'], maxBytes);
          finish('failed' in decoded ? decoded : { status, headers: response.headers, body: plain(decoded.body) });
        });
        response.on('close', () => {
          if (!response.complete) finish({ failed: 'the connection was cut off before the whole page arrived' });
        });
        response.on('error', (error) => finish({ failed: networkReason(error) }));
      },
    );
    request.on('error', (error) => finish({ failed: networkReason(error) }));
    request.end();
  });
}

/** Bodies are asked for uncompressed; a server that compresses anyway is decoded within the limit. */
function decode(body: Buffer, encoding: string | undefined, maxBytes: number): { body: Uint8Array } | { failed: string } {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  const options = { maxOutputLength: maxBytes };
  try {
    if (name === 'identity' || name === '') return { body };
    if (name === 'gzip' || name === 'x-gzip') return { body: zlib.gunzipSync(body, options) };
    if (name === 'deflate') return { body: zlib.inflateSync(body, options) };
    if (name === 'br') return { body: zlib.brotliDecompressSync(body, options) };
  } catch (error) {
    if (error instanceof RangeError) return { failed: tooLarge(maxBytes) };
    return { failed: `the server sent a damaged ${name}-compressed body` };
  }
  return { failed: `the server sent the page in an encoding Footnote cannot read (${name.slice(0, 30)})` };
}

/** A Uint8Array, not a Buffer: what the cache gives back too, so copies compare equal. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function tooLarge(maxBytes: number): string {
  return `larger than ${maxBytes >= 2 ** 20 ? `${+(maxBytes / 2 ** 20).toFixed(1)} MB` : `${Math.ceil(maxBytes / 1024)} KB`}, the most Footnote reads from one address (WEB_MAX_PAGE_MB)`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} second${ms === 1000 ? '' : 's'}` : `${ms / 1000} seconds`;
}

function networkReason(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return 'the server refused the connection';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was cut off';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT') return `the server could not be reached (${code})`;
  if (/CERT|SELF_SIGNED|TLS|SSL/.test(code)) return `its HTTPS certificate could not be trusted (${code})`;
  return `the request failed (${code || error.message})`;
}
