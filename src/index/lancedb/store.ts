import type { IndexStore, OpenedVersion, ReusableVersion, VersionParts, WriteHooks } from '../backend.js';
import { connect } from './lance.js';
import { takeLease } from './lease.js';
import { LivePointer } from './live.js';
import { loadReusable, openLiveVersion } from './open.js';
import { writeVersion } from './write.js';

export interface LancedbStoreOptions {
  /** Published versions kept (the live one included), so that readers still serving one keep working. Default 2. */
  keepVersions?: number;
  /** How long the writer's lease lasts unless renewed (it is renewed every third of it). Default 60. */
  leaseSeconds?: number;
  /** Problems that do not fail a write (old versions that could not be cleaned up). */
  onWarning?: (message: string) => void;
}

/**
 * The index as one LanceDB dataset (a folder, or an object-storage URI such as s3://bucket/footnote)
 * that many processes and hosts read and one writer publishes to. `uri` must be absolute: LanceDB
 * takes a relative path for a cloud address.
 */
export function lancedbStore(uri: string, options: LancedbStoreOptions = {}): IndexStore {
  const keepVersions = Math.max(1, Math.floor(options.keepVersions ?? 2));
  const leaseSeconds = options.leaseSeconds ?? 60;
  const warn = options.onWarning ?? (() => undefined);
  const live = new LivePointer(() => connect(uri));
  return {
    backend: 'lancedb',
    location: uri,
    open: (): Promise<OpenedVersion> => openLiveVersion(uri),
    liveVersion: (): Promise<string> => live.name(),
    reusable: (): Promise<ReusableVersion | undefined> => loadReusable(uri),
    write: (parts: VersionParts, hooks: WriteHooks = {}): Promise<string> => writeVersion(uri, parts, hooks, { keepVersions, warn }),
    lease: () => takeLease(uri, leaseSeconds),
  };
}
