/**
 * What a moderator can do to the corpus from Discord, without Discord: save a message, save an
 * uploaded file, remove a document. Each checks everything first (downloads within limits, parses
 * with the corpus readers in a temporary folder), then writes, then records the change in the
 * audit log. A refusal (CurateRefusal) changes nothing. Reindexing is the caller's next step.
 */
import type { Config } from '../config.js';
import { decodeText } from '../corpus/decode.js';
import type { SourceSummary } from '../service.js';
import { appendAudit, type AuditEntry } from './audit.js';
import { documentFiles } from './catalog.js';
import { attachmentOrigins, downloadAttachment, type AttachmentRef } from './download.js';
import { guildFolder, MAX_ATTACHMENT_BYTES, removeCorpusFiles, uploadExtension, writeCorpusFiles, type CorpusFile } from './files.js';
import { messageDocument, messageLink, type MessageInfo } from './message.js';
import { CurateRefusal, isCurateRefusal } from './refusal.js';
import { checkDocumentFiles } from './validate.js';

export interface Moderator {
  /** Salted hash of the moderator's Discord id (as FEEDBACK_FILE stores members): stable, not a raw id. */
  readonly user: string;
  readonly name: string;
}

export interface CurateDeps {
  readonly corpusDir: string;
  readonly projectRoot: string;
  readonly auditFile: string;
  /** Where attachments may be downloaded from (see attachmentOrigins). */
  readonly origins: readonly string[];
  readonly maxBytes: number;
}

/** `corpusDir`: the corpus being changed (a server's own, with CORPORA); the rest is the bot's configuration. */
export function curateDeps(config: Config, corpusDir: string = config.corpusDir): CurateDeps {
  return {
    corpusDir,
    projectRoot: config.projectRoot,
    auditFile: config.discord.auditFile,
    origins: attachmentOrigins(config.discord.apiUrl),
    maxBytes: MAX_ATTACHMENT_BYTES,
  };
}

export interface CurateResult {
  readonly entry: AuditEntry;
  /** Titles of the documents saved (or removed). */
  readonly titles: string[];
}

/**
 * Saves a message as `discord/<guild>/<message>.md` (its text and its .txt/.md attachments), and
 * its .html/.pdf attachments beside it as `<message>-<n>.<ext>`, each with a sidecar giving the
 * message link as url. An attachment that cannot be used is left out and named in `skipped`; the
 * message is refused when nothing usable remains.
 */
export async function addMessage(deps: CurateDeps, message: MessageInfo & { attachments: readonly AttachmentRef[] }, moderator: Moderator): Promise<CurateResult> {
  const folder = guildFolder(message.guildId);
  if (!/^\d{15,21}$/.test(message.messageId) || !/^\d{15,21}$/.test(message.channelId)) throw new CurateRefusal('Refused: not a Discord message id.');
  const link = messageLink(message);
  const texts: string[] = [];
  const extra: CorpusFile[] = [];
  const skipped: string[] = [];
  for (const attachment of message.attachments) {
    const label = `attachment ${JSON.stringify(attachment.name.slice(0, 60))}`;
    const extension = uploadExtension(attachment.name);
    if (!extension) {
      skipped.push(`${label}: not a .txt, .md, .html or .pdf file`);
      continue;
    }
    try {
      const bytes = await downloadAttachment(attachment, { origins: deps.origins, maxBytes: deps.maxBytes });
      if (extension === '.txt' || extension === '.md') {
        const decoded = decodeText(bytes);
        if ('reason' in decoded) throw new CurateRefusal(decoded.reason);
        texts.push(decoded.text);
        continue;
      }
      const n = extra.length / 2 + 1;
      const file = { relative: `${folder}/${message.messageId}-${n}${extension}`, data: bytes };
      const sidecar = { relative: `${folder}/${message.messageId}-${n}.meta.json`, data: JSON.stringify({ url: link }, null, 2) + '\n' };
      await checkDocumentFiles([file, sidecar], () => label);
      extra.push(file, sidecar);
    } catch (error) {
      if (!isCurateRefusal(error)) throw error;
      skipped.push(`${label}: ${error.message.replace(/^Refused[^:]*: /, '').replace(/ Nothing was changed\.$/, '')}`);
    }
  }
  const document = messageDocument(message, texts);
  const files: CorpusFile[] = [];
  if (/[\p{L}\p{N}]/u.test(document.text.slice(document.text.indexOf('\n---\n') + 5))) files.push({ relative: `${folder}/${message.messageId}.md`, data: document.text });
  files.push(...extra);
  if (files.length === 0) throw new CurateRefusal(`That message has no text and no usable attachment${skipped.length ? ` (${skipped.join('; ')})` : ''}. Nothing was changed.`);
  const parsed = await checkDocumentFiles(files, (f) => (f.relative.endsWith('.md') ? 'the message' : 'an attachment'));
  await writeCorpusFiles(deps.corpusDir, files);
  const docs = [...parsed.values()].flat();
  const entry = appendAudit(deps.auditFile, {
    action: 'add-message',
    guildId: message.guildId,
    moderator,
    documents: docs.map((d) => d.id),
    files: files.map((f) => f.relative),
    origin: link,
    ...(skipped.length && { skipped }),
  });
  return { entry, titles: docs.map((d) => d.title) };
}

/**
 * Saves an uploaded file as `discord/<guild>/upload-<attachment-id>.<ext>`, with a sidecar holding
 * `title` when one is given. Refused, changing nothing: an unsupported type, too large, empty, not
 * UTF-8, a PDF or HTML page with no text.
 */
export async function addUpload(deps: CurateDeps, upload: { guildId: string; attachment: AttachmentRef; title?: string }, moderator: Moderator): Promise<CurateResult> {
  const folder = guildFolder(upload.guildId);
  const extension = uploadExtension(upload.attachment.name);
  if (!extension) throw new CurateRefusal('Refused: only .txt, .md, .html and .pdf files can be added. Nothing was changed.');
  if (!/^\d{15,21}$/.test(upload.attachment.id)) throw new CurateRefusal('Refused: not a Discord attachment id.');
  const bytes = await downloadAttachment(upload.attachment, { origins: deps.origins, maxBytes: deps.maxBytes });
  const stem = `${folder}/upload-${upload.attachment.id}`;
  const files: CorpusFile[] = [{ relative: `${stem}${extension}`, data: bytes }];
  const title = upload.title?.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  if (title) files.push({ relative: `${stem}.meta.json`, data: JSON.stringify({ title }, null, 2) + '\n' });
  const parsed = await checkDocumentFiles(files, () => 'the file');
  await writeCorpusFiles(deps.corpusDir, files);
  const docs = [...parsed.values()].flat();
  const entry = appendAudit(deps.auditFile, {
    action: 'add-file',
    guildId: upload.guildId,
    moderator,
    documents: docs.map((d) => d.id),
    files: files.map((f) => f.relative),
    origin: upload.attachment.name.slice(0, 100),
  });
  return { entry, titles: docs.map((d) => d.title) };
}

/** Removes a document's files (see documentFiles) and records it. */
export async function removeDocument(deps: CurateDeps, guildId: string, doc: SourceSummary, moderator: Moderator): Promise<CurateResult> {
  const files = await documentFiles(deps.corpusDir, deps.projectRoot, doc);
  await removeCorpusFiles(deps.corpusDir, files);
  const entry = appendAudit(deps.auditFile, { action: 'remove', guildId, moderator, documents: [doc.id], files, ...(doc.url && { origin: doc.url }) });
  return { entry, titles: [doc.title] };
}
