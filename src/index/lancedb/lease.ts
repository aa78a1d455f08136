import os from 'node:os';
import { FootnoteError, describeError } from '../../errors.js';
import { int32Column, recordBatch, utf8Column } from './columns.js';
import { RowError, TABLE, int, text } from './layout.js';
import { connect, loadLance, type Connection, type Table } from './lance.js';
import { isNotFound } from './live.js';
import { sqlInteger, sqlString } from './sql.js';
import { isProcessAlive } from '../../processes.js';

/**
 * The one writer's lease, kept in the dataset so that it holds across processes and hosts: the
 * `lease` table exists while a reindex runs. Creating a table that exists fails (LanceDB commits
 * its first version only if there is none), so of two writers only one creates it. The holder
 * renews `expires_at` every third of the lease; a lease that expired (its holder stopped renewing:
 * killed, or its host lost) or whose process on this host is gone is taken over.
 */
interface Holder {
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly expiresAt: string;
}

/** Datasets whose lease this process holds (or is taking), and since when: a second lease() here is refused at once. */
const heldHere = new Map<string, string>();

export async function takeLease(uri: string, leaseSeconds: number): Promise<() => Promise<void>> {
  const me = { host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString() };
  const since = heldHere.get(uri);
  if (since !== undefined) throw busy({ ...me, startedAt: since });
  heldHere.set(uri, me.startedAt);
  let db: Connection | undefined;
  try {
    db = await connect(uri);
    const table = await create(db, uri, me, leaseSeconds);
    return holdLease(uri, db, table, me, leaseSeconds);
  } catch (error) {
    heldHere.delete(uri);
    db?.close();
    throw error;
  }
}

async function create(db: Connection, uri: string, me: Omit<Holder, 'expiresAt'>, leaseSeconds: number): Promise<Table> {
  const { arrow } = await loadLance();
  for (let attempt = 0; ; attempt++) {
    const row = { ...me, expiresAt: expiry(leaseSeconds) };
    try {
      return await db.createTable(TABLE.lease, leaseTable(arrow, row), { mode: 'create' });
    } catch (error) {
      if (!/already exists/i.test(describeError(error))) throw error;
      const holder = await readHolder(db);
      if (holder && !abandoned(holder)) throw busy(holder);
      if (attempt >= 1) throw new FootnoteError('INDEX_BUSY', `Another process is taking the reindex lease of ${uri} at the same time. Try again in a moment.`);
      // Drop the abandoned lease only if it is still the one judged abandoned: another process
      // taking it over at the same time may have replaced it with its own already.
      const now = await readHolder(db);
      if (now && !(holder && sameHolder(now, holder))) throw busy(now);
      await db.dropTable(TABLE.lease).catch((dropError: unknown) => {
        if (!isNotFound(dropError)) throw dropError;
      });
    }
  }
}

function holdLease(uri: string, db: Connection, table: Table, me: Omit<Holder, 'expiresAt'>, leaseSeconds: number): () => Promise<void> {
  const mine = `host = ${sqlString(me.host)} AND pid = ${sqlInteger(me.pid)} AND started_at = ${sqlString(me.startedAt)}`;
  let renewing: Promise<void> = Promise.resolve();
  let lost = false;
  const renew = () => {
    renewing = renewing.then(async () => {
      if (lost) return;
      try {
        const result = await table.update({ values: { expires_at: expiry(leaseSeconds) }, where: mine });
        // Another writer took the lease over (this one stopped renewing for longer than the lease).
        if (result.rowsUpdated === 0) lost = true;
      } catch (error) {
        if (isNotFound(error)) lost = true;
        // Otherwise (storage briefly unreachable) the next renewal tries again.
      }
    });
  };
  const timer = setInterval(renew, Math.max(1, (leaseSeconds * 1000) / 3));
  timer.unref();
  let released: Promise<void> | undefined;
  return () => {
    released ??= (async () => {
      clearInterval(timer);
      await renewing;
      try {
        const holder = await readHolder(db);
        if (!lost && holder && sameHolder(holder, me)) {
          await db.dropTable(TABLE.lease).catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
        }
      } finally {
        if (table.isOpen()) table.close();
        db.close();
        heldHere.delete(uri);
      }
    })();
    return released;
  };
}

/** Who holds the lease, or undefined when the table is gone or holds no readable row. */
async function readHolder(db: Connection): Promise<Holder | undefined> {
  let table: Table;
  try {
    table = await db.openTable(TABLE.lease);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    const [row] = (await table.query().limit(1).toArray()) as Record<string, unknown>[];
    if (!row) return undefined;
    return { host: text(row, 'host'), pid: int(row, 'pid'), startedAt: text(row, 'started_at'), expiresAt: text(row, 'expires_at') };
  } catch (error) {
    // A lease row this format does not write is nobody's lease; a read that failed is not proof of that.
    if (isNotFound(error) || error instanceof RowError) return undefined;
    throw error;
  } finally {
    table.close();
  }
}

function sameHolder(a: Omit<Holder, 'expiresAt'>, b: Omit<Holder, 'expiresAt'>): boolean {
  return a.host === b.host && a.pid === b.pid && a.startedAt === b.startedAt;
}

/** A lease nobody renews any more: expired, or held by a process of this host that is gone. */
function abandoned(holder: Holder): boolean {
  const expires = Date.parse(holder.expiresAt);
  if (!Number.isFinite(expires) || expires < Date.now()) return true;
  return holder.host === os.hostname() && !isAlive(holder.pid);
}

function busy(holder: Omit<Holder, 'expiresAt'>): FootnoteError {
  return new FootnoteError('INDEX_BUSY', `A reindex is already running (process ${holder.pid} on ${holder.host}, started ${holder.startedAt}). Try again when it has finished.`);
}

function expiry(leaseSeconds: number): string {
  return new Date(Date.now() + leaseSeconds * 1000).toISOString();
}

function leaseTable(arrow: Awaited<ReturnType<typeof loadLance>>['arrow'], row: Holder) {
  const text = (name: string) => new arrow.Field(name, new arrow.Utf8(), false);
  const schema = new arrow.Schema([text('host'), new arrow.Field('pid', new arrow.Int32(), false), text('started_at'), text('expires_at')]);
  const batch = recordBatch(arrow, schema, [utf8Column(arrow, [row.host]), int32Column(arrow, [row.pid]), utf8Column(arrow, [row.startedAt]), utf8Column(arrow, [row.expiresAt])]);
  return new arrow.Table(schema, [batch]);
}

function isAlive(pid: number): boolean {
  return pid === process.pid || isProcessAlive(pid);
}
