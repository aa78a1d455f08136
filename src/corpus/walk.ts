import fs from 'node:fs/promises';
import path from 'node:path';

/** Says why the file, folder or link at `absolute` is not read. */
export type Report = (absolute: string, reason: string) => void;

/**
 * The files below `corpusDir` whose names are `isSupported`: every real file in path order, then
 * those reached through symlinks. A link is followed when its real target is inside the corpus
 * folder, after every real file and folder, so a file reached both directly and through a link is
 * read once, under its own path. Links that lead outside, dangle or loop are reported, as are
 * folders that cannot be read, special files (FIFOs, devices) and names with control characters.
 */
export async function listFiles(corpusDir: string, isSupported: (name: string) => boolean, report: Report): Promise<string[]> {
  const root = await fs.realpath(corpusDir);
  const files: string[] = [];
  /** Real path → the path it was found at, for every file and folder already taken. */
  const takenFiles = new Map<string, string>();
  const takenDirs = new Map<string, string>();
  const links: { at: string; folder: string }[] = [];

  const walk = async (dir: string, real: string): Promise<void> => {
    takenDirs.set(real, dir);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      report(dir, `folder not read (${errorText(error)})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const absolute = path.join(dir, entry.name);
      if (/[\u0000-\u001f\u007f-\u009f]/.test(entry.name)) {
        if (isSupported(entry.name) || entry.isDirectory()) report(absolute.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'), 'the name contains a line break or control character, which citations cannot show; rename it');
        continue;
      }
      // Some file systems do not say what an entry is; lstat does.
      const kind = entry.isFile() || entry.isDirectory() || entry.isSymbolicLink() ? entry : await fs.lstat(absolute).catch(() => entry);
      if (kind.isSymbolicLink()) links.push({ at: absolute, folder: real });
      else if (kind.isDirectory()) {
        const realDir = path.join(real, entry.name);
        // Only inside a folder reached through a link can a folder or file have been read already.
        const already = takenDirs.get(realDir);
        if (already === undefined) await walk(absolute, realDir);
        else report(absolute, `same folder as ${displayPath(corpusDir, already)}, which is read already`);
      } else if (isSupported(entry.name)) {
        const realFile = path.join(real, entry.name);
        const already = takenFiles.get(realFile);
        if (!kind.isFile()) report(absolute, 'not a regular file (a FIFO, socket or device), so it is not read');
        else if (already !== undefined) report(absolute, `same file as ${displayPath(corpusDir, already)}, which is read already (a file is indexed once)`);
        else {
          files.push(absolute);
          takenFiles.set(realFile, absolute);
        }
      }
    }
  };

  await walk(corpusDir, root);
  // A followed folder can hold links of its own: they join the end of the queue.
  for (let i = 0; i < links.length; i++) {
    const { at, folder } = links[i]!;
    const target = await fs.readlink(at).catch(() => '?');
    let real: string;
    try {
      real = await fs.realpath(at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A name with an unsupported extension would be ignored anyway, whatever it points to.
      if (path.extname(at) !== '' && !isSupported(at)) continue;
      if (code === 'ENOENT') report(at, `dangling symlink: its target ${target} does not exist`);
      else if (code === 'ELOOP') report(at, `symlink loop: following it (to ${target}) never reaches a file`);
      else report(at, `symlink not followed (${errorText(error)})`);
      continue;
    }
    const stat = await fs.stat(real).catch(() => undefined);
    if (stat?.isFile() && !isSupported(at)) continue;
    if (real !== root && !real.startsWith(root + path.sep)) {
      report(at, `symlink points outside the corpus folder (to ${target}), so it is not followed`);
    } else if (stat?.isDirectory()) {
      const already = takenDirs.get(real);
      if (already === undefined) await walk(at, real);
      else if (folder === real || folder.startsWith(real + path.sep)) report(at, `symlink loop: it points back to ${displayPath(corpusDir, already)}, a folder that contains it`);
      else report(at, `symlink to ${displayPath(corpusDir, already)}, a folder that is read already`);
    } else if (stat?.isFile()) {
      const already = takenFiles.get(real);
      if (already === undefined) {
        files.push(at);
        takenFiles.set(real, at);
      } else report(at, `symlink to ${displayPath(corpusDir, already)}, which is read already (a file is indexed once)`);
    } else {
      report(at, 'symlink to something that is not a regular file or folder, so it is not read');
    }
  }
  return files;
}

/** A path inside the corpus as a moderator knows it: relative to the corpus folder. */
function displayPath(corpusDir: string, absolute: string): string {
  return toPosix(path.relative(corpusDir, absolute)) || 'the corpus folder';
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' ? 'permission denied' : (code ?? 'error');
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
