/** The corpus-management core without Discord: file names, hosts, sizes, message documents, the audit log. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addUpload, removeDocument, type CurateDeps } from '../../src/curate/actions.js';
import { formatAuditEntry, readAudit } from '../../src/curate/audit.js';
import { originOf } from '../../src/curate/catalog.js';
import { attachmentOrigins, attachmentUrlProblem, downloadAttachment } from '../../src/curate/download.js';
import { insideCorpus, uploadExtension, writeCorpusFiles } from '../../src/curate/files.js';
import { messageDocument, messageTitle } from '../../src/curate/message.js';
import { parseFrontMatter } from '../../src/corpus/metadata.js';
import { makeTempDir, removeTempDirs } from '../helpers/workspace.js';

afterAll(() => removeTempDirs());

describe('file names', () => {
  it('only the extension of an uploaded name is used, and only the allowed ones', () => {
    expect(uploadExtension('../../etc/passwd')).toBeUndefined();
    expect(uploadExtension('notes.TXT')).toBe('.txt');
    expect(uploadExtension('page.htm')).toBe('.html');
    expect(uploadExtension('a.markdown')).toBe('.md');
    expect(uploadExtension('evil.md.exe')).toBeUndefined();
    expect(uploadExtension('x.pdf\u202e')).toBeUndefined();
  });

  it('GIVEN a path that leaves the corpus folder THEN it is refused', () => {
    const dir = makeTempDir();
    for (const bad of ['../x.md', '/etc/x.md', 'discord/../../x.md', 'a//b.md', 'discord/x\u202e.md', '.hidden.md', '']) {
      expect(() => insideCorpus(dir, bad), bad).toThrow(/not a plain file name inside the corpus folder/);
    }
    expect(insideCorpus(dir, 'discord/1000000000000000100/1.md')).toBe(path.join(dir, 'discord/1000000000000000100/1.md'));
  });

  it('writes all files or none, leaving no temporary behind', async () => {
    const dir = makeTempDir();
    await writeCorpusFiles(dir, [{ relative: 'discord/1/a.md', data: 'A' }, { relative: 'discord/1/b.md', data: 'B' }]);
    expect(fs.readdirSync(path.join(dir, 'discord/1')).sort()).toEqual(['a.md', 'b.md']);
    await expect(writeCorpusFiles(dir, [{ relative: 'discord/1/c.md', data: 'C' }, { relative: '../d.md', data: 'D' }])).rejects.toThrow();
    expect(fs.readdirSync(path.join(dir, 'discord/1')).sort()).toEqual(['a.md', 'b.md']);
  });
});

describe('downloads', () => {
  const origins = attachmentOrigins('http://127.0.0.1:4567/api');

  it("only from Discord's attachment hosts over https, or the configured API's own origin", () => {
    expect(attachmentUrlProblem('https://cdn.discordapp.com/attachments/1/2/a.txt', origins)).toBeUndefined();
    expect(attachmentUrlProblem('https://media.discordapp.net/attachments/1/2/a.txt', origins)).toBeUndefined();
    expect(attachmentUrlProblem('http://127.0.0.1:4567/attachments/a.txt', origins)).toBeUndefined();
    expect(attachmentUrlProblem('http://cdn.discordapp.com/a.txt', origins)).toMatch(/not on Discord's attachment servers/);
    expect(attachmentUrlProblem('https://cdn.discordapp.com.evil.com/a.txt', origins)).toMatch(/not on Discord's attachment servers/);
    expect(attachmentUrlProblem('http://127.0.0.1:9999/a.txt', origins)).toMatch(/not on Discord's attachment servers/);
    expect(attachmentUrlProblem('https://user:pw@cdn.discordapp.com/a.txt', origins)).toMatch(/user name or password/);
    expect(attachmentUrlProblem('file:///etc/passwd', origins)).toMatch(/not http/);
  });

  it('checks the size declared, and again while reading when the server sends more', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(5000));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ref = { id: '1', name: 'a.txt', url: `${base}/a.txt`, size: 10 };
      await expect(downloadAttachment({ ...ref, size: 5001 }, { origins: [base], maxBytes: 1000 })).rejects.toThrow(/too large/);
      await expect(downloadAttachment(ref, { origins: [base], maxBytes: 1000 })).rejects.toThrow(/too large/);
      expect((await downloadAttachment(ref, { origins: [base], maxBytes: 10_000 })).byteLength).toBe(5000);
    } finally {
      server.close();
    }
  });
});

describe('a message as a document', () => {
  const info = { guildId: '1000000000000000100', channelId: '1000000000000000200', messageId: '1000000000000000999', channelName: 'general', authorName: 'Ann\n---\nurl: https://evil.example', createdAt: new Date('2026-03-04T05:06:07Z'), content: 'Short rule.' };

  it('front matter holds the message link and cannot be broken by a name with line breaks', () => {
    const { text } = messageDocument(info);
    const { metadata, bodyStart } = parseFrontMatter(text);
    expect(metadata.url).toBe('https://discord.com/channels/1000000000000000100/1000000000000000200/1000000000000000999');
    expect(metadata.date).toBe('2026-03-04');
    expect(text.slice(bodyStart).trim()).toBe('Short rule.');
    expect(text).toContain('author: Ann --- url: https://evil.example\n');
  });

  it('a title never equals a one-line message (the corpus would not quote it)', () => {
    expect(messageTitle('Short rule.', info)).toBe('Message by Ann --- url: https://evil.example in #general');
    expect(messageTitle('Heading\nBody text here.', info)).toBe('Heading');
    expect(messageTitle('x '.repeat(100), info)).toMatch(/…$/);
  });
});

describe('uploads and removals, with the audit log', () => {
  it('refuses a foreign host without writing anything, then adds and removes a file with two entries in the log', async () => {
    const root = makeTempDir();
    const corpusDir = path.join(root, 'corpus');
    fs.mkdirSync(corpusDir);
    const server = http.createServer((_req, res) => res.end('The Pellworth ferry sails at noon.\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const deps: CurateDeps = { corpusDir, projectRoot: root, auditFile: path.join(root, 'audit.jsonl'), origins: [base], maxBytes: 1000 };
    const moderator = { user: '5f2c0e7d9a1b3c4e', name: 'Mod' };
    try {
      await expect(addUpload(deps, { guildId: '1000000000000000100', attachment: { id: '1000000000000000555', name: 'a.txt', url: 'https://evil.example/a.txt', size: 10 } }, moderator)).rejects.toThrow(/not on Discord's attachment servers/);
      expect(fs.readdirSync(corpusDir)).toEqual([]);
      const added = await addUpload(deps, { guildId: '1000000000000000100', attachment: { id: '1000000000000000555', name: '../../a.txt', url: `${base}/a.txt`, size: 35 }, title: 'Ferry' }, moderator);
      expect(added.entry.files).toEqual(['discord/1000000000000000100/upload-1000000000000000555.txt', 'discord/1000000000000000100/upload-1000000000000000555.meta.json']);
      expect(added.titles).toEqual(['Ferry']);
      const doc = { id: added.entry.documents[0]!, title: 'Ferry', source: `corpus/${added.entry.files[0]}`, passages: 1 };
      expect(originOf(doc)).toBe('discord-upload');
      await removeDocument(deps, '1000000000000000100', doc, moderator);
      expect(fs.readdirSync(path.join(corpusDir, 'discord/1000000000000000100'))).toEqual([]);
      const { entries } = readAudit(deps.auditFile);
      expect(entries.map((e) => e.action)).toEqual(['add-file', 'remove']);
      expect(formatAuditEntry(entries[0]!)).toMatch(/Mod \(5f2c0e7d9a1b3c4e\)  added file: discord\/1000000000000000100\/upload-1000000000000000555  from \.\.\/\.\.\/a\.txt$/);
    } finally {
      server.close();
    }
  });
});
