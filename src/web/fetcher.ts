import http from 'node:http';
import { createLimit } from './limit.js';
import { requestOnce, type RawResponse } from './request.js';
import { vetHost } from './resolve.js';
import { createRobotsCheck, ROBOTS_MAX_BYTES } from './robots.js';
import type { WebSettings } from './settings.js';

/** Validators of the copy kept for an address, sent when the request reaches `finalUrl` again. */
export interface Conditional {
  readonly finalUrl: string;
  readonly etag?: string;
  readonly lastModified?: string;
}

export type FetchResult =
  | { readonly status: 200; readonly finalUrl: string; readonly contentType: string; readonly body: Uint8Array; readonly etag?: string; readonly lastModified?: string }
  | { readonly status: 304; readonly finalUrl: string }
  | { readonly failed: string };

export type Fetch = (url: string, accept: string, conditional?: Conditional) => Promise<FetchResult>;

/**
 * A fetcher for one run: every request goes through the same limit on requests in flight and
 * the same robots.txt answers. Redirects are followed by hand, and every hop is checked again
 * (http or https only, address allowed, robots.txt allows it) before anything connects.
 */
export function createFetcher(settings: WebSettings): Fetch {
  const limit = createLimit(settings.concurrency);
  type Followed = { failed: string } | { response: RawResponse; url: URL; hops: number; sentConditional: boolean };
  const follow = async (start: string, accept: string, isRobotsTxt: boolean, conditional?: Conditional): Promise<Followed> => {
    let url = new URL(start);
    for (let hop = 0; hop <= settings.maxRedirects; hop += 1) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return { failed: `${hopName(hop)}${url.protocol.slice(0, 20)} address, and only http and https are fetched` };
      const vetted = await withTimeout(vetHost(url.hostname, settings.allowPrivateAddresses), settings.timeoutMs, `no answer from the name server for ${url.hostname}`);
      if ('refused' in vetted) return { failed: `${hopName(hop)}${vetted.refused}` };
      if (!isRobotsTxt) {
        const disallowed = await robots(url);
        if (disallowed) return { failed: `${hopName(hop)}${disallowed}` };
      }
      const sendConditional = conditional !== undefined && conditional.finalUrl === url.href;
      const headers = {
        'User-Agent': settings.userAgent,
        Accept: accept,
        'Accept-Encoding': 'identity',
        ...(sendConditional && conditional.etag && { 'If-None-Match': conditional.etag }),
        ...(sendConditional && conditional.lastModified && { 'If-Modified-Since': conditional.lastModified }),
      };
      const response = await limit(() =>
        requestOnce({ url, vetted, headers, timeoutMs: settings.timeoutMs, ...(isRobotsTxt ? { maxBytes: Math.min(settings.maxBytes, ROBOTS_MAX_BYTES), overflow: 'truncate' } : { maxBytes: settings.maxBytes, overflow: 'fail' }) }),
      );
      if ('failed' in response) return { failed: `${hopName(hop)}${response.failed}` };
      const location = isRedirect(response.status) ? response.headers.location : undefined;
      if (location === undefined) return { response, url, hops: hop, sentConditional: sendConditional };
      try {
        url = new URL(location, url);
      } catch {
        return { failed: `${hopName(hop)}the server redirected to an address that is not well formed` };
      }
      url.hash = '';
      if (url.username !== '' || url.password !== '') return { failed: `${hopName(hop)}the server redirected to an address with a user name or password in it` };
    }
    return { failed: `redirected more than ${settings.maxRedirects} times` };
  };
  const robots = createRobotsCheck(settings.userAgent, async (robotsUrl) => {
    const result = await follow(robotsUrl, 'text/plain', true);
    return 'failed' in result ? result : { status: result.response.status, body: result.response.body };
  });

  return async (start, accept, conditional) => {
    const result = await follow(start, accept, false, conditional);
    if ('failed' in result) return result;
    const { response, url, hops, sentConditional } = result;
    const finalUrl = url.href;
    if (response.status === 304 && sentConditional) return { status: 304, finalUrl };
    if (response.status !== 200) return { failed: `${hops === 0 ? '' : `redirected to ${finalUrl}, where `}${statusReason(response)}` };
    return {
      status: 200,
      finalUrl,
      contentType: header(response, 'content-type') ?? '',
      body: response.body,
      ...(header(response, 'etag') && { etag: header(response, 'etag') }),
      ...(header(response, 'last-modified') && { lastModified: header(response, 'last-modified') }),
    };
  };
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function hopName(hop: number): string {
  return hop === 0 ? '' : `after ${hop} redirect${hop === 1 ? '' : 's'}: `;
}

function statusReason(response: RawResponse): string {
  const name = http.STATUS_CODES[response.status];
  return `the server answered ${response.status}${name ? ` ${name}` : ''}${response.status === 304 ? ' without being asked for a conditional answer' : ''}`;
}

function header(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, reason: string): Promise<T | { refused: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ refused: string }>((resolve) => {
    timer = setTimeout(() => resolve({ refused: reason }), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
