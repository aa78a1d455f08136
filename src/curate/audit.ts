import fs from 'node:fs';
import path from 'node:path';
import { createFolder } from '../paths.js';

/**
 * One change to the corpus made from Discord. Moderators act for the community and are
 * accountable for what they add or remove, so the entry names them: their display name at the
 * time (readable) and, like every user Footnote stores, a salted hash of their id (stable across
 * name changes; no raw ids are stored). Members' questions are never logged here.
 */
export interface AuditEntry {
  readonly time: string;
  readonly action: 'add-message' | 'add-file' | 'remove';
  readonly guildId: string;
  readonly moderator: { readonly user: string; readonly name: string };
  /** Document ids added or removed. */
  readonly documents: readonly string[];
  /** Files written or deleted, relative to the corpus folder. */
  readonly files: readonly string[];
  /** The message link (add-message), or the uploaded file's name as given (add-file; shown, never used as a path). */
  readonly origin?: string;
  /** Attachments that were not saved, with the reason. */
  readonly skipped?: readonly string[];
}

/** Appends one JSON line (the folder is created if missing). Written before the reindex, so a failed reindex is still recorded. */
export function appendAudit(file: string, entry: Omit<AuditEntry, 'time'>): AuditEntry {
  const full: AuditEntry = { time: new Date().toISOString(), ...entry };
  createFolder(path.dirname(file));
  fs.appendFileSync(file, JSON.stringify(full) + '\n');
  return full;
}

/** Every entry of the log, oldest first; a line that is not an entry is reported by number. */
export function readAudit(file: string): { entries: AuditEntry[]; problems: string[] } {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
    throw error;
  }
  const entries: AuditEntry[] = [];
  const problems: string[] = [];
  raw.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as AuditEntry;
      if (typeof value.time === 'string' && typeof value.action === 'string' && value.moderator && Array.isArray(value.files)) entries.push(value);
      else problems.push(`line ${i + 1}: not an audit entry`);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
    }
  });
  return { entries, problems };
}

const VERB: Record<AuditEntry['action'], string> = { 'add-message': 'added message', 'add-file': 'added file', remove: 'removed' };

/** One entry on one line for a terminal: control characters (which could drive it) replaced by "�". */
export function formatAuditEntry(e: AuditEntry): string {
  const safe = (s: unknown) => String(s).replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '�');
  const what = e.documents.length ? e.documents.join(', ') : e.files.join(', ');
  const parts = [`${e.time.slice(0, 19).replace('T', ' ')}Z`, `${safe(e.moderator.name)} (${safe(e.moderator.user)})`, `${VERB[e.action] ?? e.action}: ${what}`];
  if (e.origin) parts.push(`from ${e.origin}`);
  if (e.skipped?.length) parts.push(`skipped: ${e.skipped.join('; ')}`);
  return safe(parts.join('  ')).replace(/�{2,}/g, '�');
}
