import { createRequire } from 'node:module';
import type * as LanceDb from '@lancedb/lancedb';
import type * as Arrow from 'apache-arrow';

/**
 * The LanceDB client and the Arrow library it was built against, loaded on first use: the native
 * module is only ever loaded by a process that uses the lancedb backend.
 */
export interface Lance {
  readonly lancedb: typeof LanceDb;
  readonly arrow: typeof Arrow;
}

export type Connection = LanceDb.Connection;
export type Table = LanceDb.Table;

let loading: Promise<Lance> | undefined;

export function loadLance(): Promise<Lance> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<Lance> {
  // Creating a full-text index deadlocks on 2-core machines above ~30,000 rows when LanceDB sizes
  // its thread pool from the core count (lancedb issue 3568); 4 threads do not.
  process.env.LANCE_CPU_THREADS ??= '4';
  const lancedb = (await import('@lancedb/lancedb')) as typeof LanceDb;
  // LanceDB is a CommonJS package and checks `instanceof` against the Arrow classes it required:
  // tables built with the ES module copy of apache-arrow would be refused. So take the very module
  // it uses, resolved from its own folder.
  const requireFromLance = createRequire(createRequire(import.meta.url).resolve('@lancedb/lancedb'));
  const arrow = requireFromLance('apache-arrow') as typeof Arrow;
  return { lancedb, arrow };
}

/** Opens a connection to the dataset (a folder or an object-storage URI). */
export async function connect(uri: string): Promise<Connection> {
  const { lancedb } = await loadLance();
  return lancedb.connect(uri);
}
