import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SitemapEntries } from './sitemap.js';

/** A page as last fetched, kept between runs. */
export interface CachedPage {
  /** The address as listed or found in a sitemap. */
  readonly url: string;
  /** The address it was read from, after redirects. */
  readonly finalUrl: string;
  readonly contentType: string;
  readonly body: Uint8Array;
  readonly etag?: string;
  readonly lastModified?: string;
  /** ISO date and time. */
  readonly fetchedAt: string;
}

/** What a sitemap listed when it was last read, kept so a failed sitemap still yields its pages. */
export interface CachedSitemap extends SitemapEntries {
  readonly url: string;
  readonly finalUrl: string;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly fetchedAt: string;
}

const VERSION = 1;

/*
 * Layout of the cache folder, per address (key: a hash of the address):
 *   page-<key>.json              metadata, naming its body file; written last
 *   page-<key>-<bodyhash>.body   the bytes as received
 *   sitemap-<key>.json           the entries of a sitemap
 * A body file is named by its content, so the JSON always names a complete body: a crash
 * between the two writes leaves the previous copy whole.
 */

export async function readPage(dir: string, url: string): Promise<CachedPage | undefined> {
  const meta = await readJson(path.join(dir, `page-${keyOf(url)}.json`));
  if (!meta || meta.version !== VERSION || meta.url !== url || typeof meta.bodyFile !== 'string') return undefined;
  const body = await fs.readFile(path.join(dir, path.basename(meta.bodyFile))).catch(() => undefined);
  if (!body) return undefined;
  return {
    url,
    finalUrl: String(meta.finalUrl),
    contentType: String(meta.contentType),
    body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
    ...(typeof meta.etag === 'string' && { etag: meta.etag }),
    ...(typeof meta.lastModified === 'string' && { lastModified: meta.lastModified }),
    fetchedAt: String(meta.fetchedAt),
  };
}

export async function writePage(dir: string, page: CachedPage): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const key = keyOf(page.url);
  const bodyFile = `page-${key}-${createHash('sha256').update(page.body).digest('hex').slice(0, 16)}.body`;
  const bodyPath = path.join(dir, bodyFile);
  const exists = await fs.stat(bodyPath).then(() => true, () => false);
  if (!exists) await writeAtomically(bodyPath, page.body);
  const { body: _body, ...meta } = page;
  await writeAtomically(path.join(dir, `page-${key}.json`), JSON.stringify({ version: VERSION, ...meta, bodyFile }));
  // Earlier bodies of this page are no longer named by its JSON.
  for (const name of await fs.readdir(dir)) {
    if (name.startsWith(`page-${key}-`) && name.endsWith('.body') && name !== bodyFile) await fs.rm(path.join(dir, name), { force: true });
  }
}

export async function readSitemap(dir: string, url: string): Promise<CachedSitemap | undefined> {
  const meta = await readJson(path.join(dir, `sitemap-${keyOf(url)}.json`));
  if (!meta || meta.version !== VERSION || meta.url !== url || !isStrings(meta.pages) || !isStrings(meta.sitemaps)) return undefined;
  return {
    url,
    finalUrl: String(meta.finalUrl),
    pages: meta.pages,
    sitemaps: meta.sitemaps,
    ...(typeof meta.etag === 'string' && { etag: meta.etag }),
    ...(typeof meta.lastModified === 'string' && { lastModified: meta.lastModified }),
    fetchedAt: String(meta.fetchedAt),
  };
}

export async function writeSitemap(dir: string, sitemap: CachedSitemap): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeAtomically(path.join(dir, `sitemap-${keyOf(sitemap.url)}.json`), JSON.stringify({ version: VERSION, ...sitemap }));
}

/** Removes the copies of every page and sitemap not in `keep`, and leftovers of interrupted writes. */
export async function pruneCache(dir: string, keep: { pages: Iterable<string>; sitemaps: Iterable<string> }): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const pageKeys = new Set([...keep.pages].map(keyOf));
  const sitemapKeys = new Set([...keep.sitemaps].map(keyOf));
  for (const name of names) {
    const page = /^page-([0-9a-f]+)[.-]/.exec(name);
    const sitemap = /^sitemap-([0-9a-f]+)\./.exec(name);
    const stale = (name.endsWith('.tmp') && (await isOld(path.join(dir, name)))) || (page !== null && !pageKeys.has(page[1]!)) || (sitemap !== null && !sitemapKeys.has(sitemap[1]!));
    if (stale) await fs.rm(path.join(dir, name), { force: true });
  }
}

/** A temporary file an hour old is a leftover, not another process's write in progress. */
async function isOld(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat !== undefined && Date.now() - stat.mtimeMs > 3_600_000;
}

function keyOf(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 32);
}

async function writeAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, data);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
