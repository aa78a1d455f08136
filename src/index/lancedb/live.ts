import { FORMAT_VERSION } from '../manifest.js';
import { LIVE_TAG, TABLE, decodePublished, type PublishedRecord } from './layout.js';
import type { Connection, Table } from './lance.js';

/** The live version as `published`@`live` records it, and the table version the tag names. */
export interface LiveRecord {
  readonly publishedVersion: number;
  readonly record: PublishedRecord;
}

/** The published row is not what a writer of this format writes: the dataset is damaged. */
export class DamagedRecord extends Error {}

/** The published row was written by another index format (whose row may differ in shape too). */
export class OutdatedRecord extends Error {
  constructor(readonly formatVersion: number) {
    super(`index format version ${formatVersion}`);
  }
}

/** A LanceDB error that says something does not exist (a table, a version, a tag). */
export function isNotFound(error: unknown): boolean {
  return /not found|does not exist|no such file/i.test(error instanceof Error ? error.message : String(error));
}

/**
 * The live version (or the kept version `generation`, by its tag), read once on `db`; undefined
 * when there is no `published` table or no such tag.
 */
export async function readLive(db: Connection, generation: string = LIVE_TAG): Promise<LiveRecord | undefined> {
  if (!(await db.tableNames()).includes(TABLE.published)) return undefined;
  const table = await db.openTable(TABLE.published).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (!table) return undefined;
  try {
    const publishedVersion = await liveTag(table, generation);
    return publishedVersion === undefined ? undefined : decodeLive(publishedVersion, await rowAt(table, publishedVersion));
  } finally {
    table.close();
  }
}

/** The versions kept besides the live one, by name (their tags on `published`). */
export async function listGenerations(db: Connection): Promise<string[]> {
  const table = await db.openTable(TABLE.published);
  try {
    const tags = await (await table.tags()).list();
    const live = tags[LIVE_TAG]?.version;
    return Object.entries(tags)
      .filter(([tag, contents]) => tag !== LIVE_TAG && /^v-/.test(tag) && contents.version !== live)
      .map(([tag]) => tag);
  } finally {
    table.close();
  }
}

/** The version of `published` a tag (by default `live`) names now; undefined when there is no such tag. */
async function liveTag(table: Table, tag: string = LIVE_TAG): Promise<number | undefined> {
  try {
    return await (await table.tags()).getVersion(tag);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The one row of `published` at `version` (checking `table` out there). */
async function rowAt(table: Table, version: number): Promise<Record<string, unknown>> {
  await table.checkout(version);
  const rows = (await table.query().limit(2).toArray()) as Record<string, unknown>[];
  if (rows.length !== 1) throw new DamagedRecord(`the published table holds ${rows.length} rows at version ${version}, not 1`);
  return rows[0]!;
}

function decodeLive(publishedVersion: number, row: Record<string, unknown>): LiveRecord {
  // The format first: another format's row may differ in shape, and then it is outdated, not damaged.
  const formatVersion = formatVersionOf(row);
  if (formatVersion !== undefined && formatVersion !== FORMAT_VERSION) throw new OutdatedRecord(formatVersion);
  try {
    return { publishedVersion, record: decodePublished(row) };
  } catch (error) {
    throw new DamagedRecord(`the published row cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The format version the row's manifest names, read before anything else of the row. */
function formatVersionOf(row: Record<string, unknown>): number | undefined {
  try {
    const version = (JSON.parse(String(row.manifest)) as { formatVersion?: unknown } | null)?.formatVersion;
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps one connection and one handle on `published` to answer "which version is live?" cheaply:
 * each call re-reads the `live` tag (one small object), and reads the row only when the tag moved.
 * (A dataset deleted and built again from scratch could reuse a tag's table version number; a
 * process that polls across that keeps the old name until the tag moves once more.)
 */
export class LivePointer {
  private db: Promise<Connection> | undefined;
  private table: Table | undefined;
  private known: { publishedVersion: number; name: string } | undefined;
  /** Calls run one at a time: each checks the shared handle out at the version it resolved. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly connect: () => Promise<Connection>) {}

  /** The live version's name, '' when there is none (whatever index format wrote it). */
  name(): Promise<string> {
    const next = this.queue.then(() => this.resolve());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async resolve(): Promise<string> {
    try {
      const table = await this.handle();
      const publishedVersion = table && (await liveTag(table));
      if (!table || publishedVersion === undefined) return '';
      if (this.known?.publishedVersion !== publishedVersion) {
        const name = (await rowAt(table, publishedVersion)).version;
        if (typeof name !== 'string') throw new DamagedRecord(`the published row at version ${publishedVersion} names no version`);
        this.known = { publishedVersion, name };
      }
      return this.known.name;
    } catch (error) {
      // A dropped or replaced table: start again with a fresh handle next time.
      this.table?.close();
      this.table = undefined;
      this.known = undefined;
      if (isNotFound(error)) return '';
      throw error;
    }
  }

  private async handle(): Promise<Table | undefined> {
    if (this.table) return this.table;
    this.db ??= this.connect().catch((error: unknown) => {
      this.db = undefined;
      throw error;
    });
    const db = await this.db;
    if (!(await db.tableNames()).includes(TABLE.published)) return undefined;
    this.table = await db.openTable(TABLE.published);
    return this.table;
  }
}
