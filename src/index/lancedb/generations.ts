import { randomBytes } from 'node:crypto';
import { describeError } from '../../errors.js';
import { LIVE_TAG, TABLE } from './layout.js';
import type { Connection, Table } from './lance.js';

/**
 * Versions ("generations") of the index in the dataset. Every published version is tagged, by its
 * name, on each of the four tables at the table version it uses: a tagged table version is never
 * removed by cleanup, so a reader still serving a kept version keeps working. Older generations
 * lose their tags and their files.
 */
export const GENERATION_TABLES = [TABLE.published, TABLE.passages, TABLE.documents, TABLE.vocabulary] as const;

/** A new version name, like the embedded store's: `v-<ISO stamp>-<6 hex>` (sorts by time). */
export function newVersionName(): string {
  return `v-${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}

export function isVersionName(tag: string): boolean {
  return /^v-\d{8}T\d{9}Z-[0-9a-f]{6}$/.test(tag);
}

/** Creates `tag` at `version`, or moves it there when it exists. */
export async function setTag(table: Table, tag: string, version: number): Promise<void> {
  const tags = await table.tags();
  const existing = await tags.list();
  if (tag in existing) await tags.update(tag, version);
  else await tags.create(tag, version);
}

/** Moves `live` to the given version of `published`: the one step that publishes a version. */
export async function moveLive(published: Table, version: number): Promise<void> {
  await setTag(published, LIVE_TAG, version);
}

/**
 * Keeps the live version and the newest others up to `keep` in all (the fallback first when
 * given), removes the other generations' tags, then the table versions older than the oldest kept
 * one. Failures are reported, never thrown: the new version is already live.
 */
export async function pruneGenerations(db: Connection, live: string, keep: number, fallback: string | undefined, warn: (message: string) => void): Promise<void> {
  let kept: Set<string>;
  try {
    const published = await db.openTable(TABLE.published);
    const names = Object.keys(await (await published.tags()).list()).filter(isVersionName);
    published.close();
    const others = names.filter((n) => n !== live).sort().reverse();
    const order = [live, ...(fallback && others.includes(fallback) ? [fallback] : []), ...others];
    kept = new Set([...new Set(order)].slice(0, Math.max(1, keep)));
  } catch (error) {
    warn(`old index versions were not cleaned up: ${describeError(error)}`);
    return;
  }
  for (const name of GENERATION_TABLES) {
    try {
      const table = await db.openTable(name);
      try {
        await pruneTable(table, kept);
      } finally {
        table.close();
      }
    } catch (error) {
      warn(`old versions of the ${name} table were not cleaned up: ${describeError(error)}`);
    }
  }
}

async function pruneTable(table: Table, kept: ReadonlySet<string>): Promise<void> {
  const tags = await table.tags();
  const listed = await tags.list();
  const keptVersions: number[] = [];
  for (const [tag, contents] of Object.entries(listed)) {
    if (kept.has(tag) || tag === LIVE_TAG) keptVersions.push(contents.version);
    else if (isVersionName(tag)) await tags.delete(tag);
  }
  if (keptVersions.length === 0) return;
  const oldest = Math.min(...keptVersions);
  const stamp = (await table.listVersions()).find((v) => v.version === oldest)?.timestamp;
  if (!stamp) return;
  // Cleanup refuses to run when it would remove a tagged version, so the cut-off is the oldest kept
  // version's time, less a margin: LanceDB turns the date into an age against its own clock, which
  // reads a little later than ours (the versions in the margin go at the next cleanup).
  await table.optimize({ cleanupOlderThan: new Date(stamp.getTime() - CLEANUP_MARGIN_MS) });
}

const CLEANUP_MARGIN_MS = 1000;
