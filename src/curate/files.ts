import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CurateRefusal } from './refusal.js';

/** The largest attachment saved into the corpus (Discord's own upload limit without a boost). */
export const MAX_ATTACHMENT_BYTES = 10 * 2 ** 20;

/** The extensions a moderator may add from Discord, as saved. `.htm` and `.markdown` are saved as `.html` and `.md`. */
export const UPLOAD_EXTENSIONS = ['.txt', '.md', '.html', '.pdf'] as const;
export type UploadExtension = (typeof UPLOAD_EXTENSIONS)[number];

const ALIASES: Record<string, UploadExtension> = { '.txt': '.txt', '.md': '.md', '.markdown': '.md', '.html': '.html', '.htm': '.html', '.pdf': '.pdf' };

/**
 * The extension an attachment is saved with, from its name: one of UPLOAD_EXTENSIONS or nothing.
 * Only the extension of the name is ever used; the file's name in the corpus comes from ids.
 */
export function uploadExtension(fileName: string): UploadExtension | undefined {
  const match = /\.([A-Za-z]{2,8})$/.exec(fileName);
  return match ? ALIASES[`.${match[1]!.toLowerCase()}`] : undefined;
}

/** Discord ids (snowflakes): digits only, so they are safe as file and folder names. */
export function isSnowflake(value: string): boolean {
  return /^\d{15,21}$/.test(value);
}

/** `discord/<guild-id>`: where documents added from a server are kept, below the corpus folder. */
export function guildFolder(guildId: string): string {
  if (!isSnowflake(guildId)) throw new CurateRefusal(`Not a Discord server id: ${guildId.slice(0, 30)}`);
  return `discord/${guildId}`;
}

/**
 * The absolute path of `relative` (forward slashes) inside `corpusDir`, or a refusal when it would
 * leave the folder: absolute paths, `..`, empty segments, anything but plain ASCII names.
 */
export function insideCorpus(corpusDir: string, relative: string, names: 'generated' | 'existing' = 'generated'): string {
  const parts = relative.split('/');
  // Names Footnote generates are plain ASCII; files already in the corpus (to remove) may have any name without controls.
  const name = names === 'generated' ? /^[A-Za-z0-9][A-Za-z0-9._-]*$/ : /^[^\u0000-\u001f\u007f\\]+$/;
  const plain = parts.every((p) => name.test(p) && p !== '.' && p !== '..');
  const absolute = path.resolve(corpusDir, ...parts);
  if (!plain || path.isAbsolute(relative) || !absolute.startsWith(path.resolve(corpusDir) + path.sep)) {
    throw new CurateRefusal(`Refused: ${JSON.stringify(relative.slice(0, 80))} is not a plain file name inside the corpus folder.`);
  }
  return absolute;
}

export interface CorpusFile {
  /** Path below the corpus folder, forward slashes, generated from ids (`discord/<guild>/<message>.md`). */
  readonly relative: string;
  readonly data: Uint8Array | string;
}

/**
 * Writes `files` into the corpus: each first to a hidden temporary name beside its target (an
 * extension the corpus reader ignores), flushed, and only when all are written, renamed into
 * place. A failure removes the temporaries and leaves the corpus as it was.
 */
export async function writeCorpusFiles(corpusDir: string, files: readonly CorpusFile[]): Promise<string[]> {
  const targets = files.map((f) => insideCorpus(corpusDir, f.relative));
  const temps: string[] = [];
  try {
    for (const [i, file] of files.entries()) {
      const target = targets[i]!;
      await fs.mkdir(path.dirname(target), { recursive: true });
      const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.partial`);
      temps.push(temp);
      const handle = await fs.open(temp, 'wx', 0o644);
      try {
        await handle.writeFile(file.data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const [i, temp] of temps.entries()) await fs.rename(temp, targets[i]!);
  } catch (error) {
    await Promise.all(temps.map((t) => fs.rm(t, { force: true })));
    throw error;
  }
  return targets;
}

/** Removes files (their links, if they are symbolic links) inside the corpus folder; a missing one is fine. */
export async function removeCorpusFiles(corpusDir: string, relatives: readonly string[]): Promise<void> {
  for (const relative of relatives) await fs.rm(insideCorpus(corpusDir, relative, 'existing'), { force: true });
}
