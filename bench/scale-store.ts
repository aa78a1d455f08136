/** What the scale benchmark's parent and child processes share: the store at a place, how questions are answered, memory. */
import fs from 'node:fs';
import type { BackendKind, IndexStore } from '../src/index/backend.js';
import { indexStore } from '../src/index/stores.js';
import { profileFor } from '../src/embed/models.js';
import type { AnswerSettings } from '../src/search/answer.js';

/** The store `indexStore` picks for a backend, kept at `location` (INDEX_DIR or LANCEDB_URI). */
export function storeAt(backend: BackendKind, location: string, keepVersions = 2): IndexStore {
  return indexStore({ indexDir: location, index: { backend, lancedbUri: location, keepVersions, pollSeconds: 1 } });
}

/** As the bot answers: MAX_QUOTES' default of 3 and the model's calibrated thresholds. */
export function answerSettings(modelId: string): AnswerSettings {
  const profile = profileFor(modelId);
  return { limit: 3, threshold: profile.answerThreshold, nearMissThreshold: profile.nearMissThreshold };
}

/** Resident and peak resident memory of this process (kB), from /proc/self/status. */
export function memory(): { vmRssKb: number; vmHwmKb: number } {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { vmRssKb: kb('VmRSS'), vmHwmKb: kb('VmHWM') };
}

/** Wall-clock ms (sub-ms resolution), comparable between processes. */
export const wallMs = () => performance.timeOrigin + performance.now();
