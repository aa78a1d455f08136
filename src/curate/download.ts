import { CurateRefusal } from './refusal.js';

/** Discord's attachment hosts: the only places attachments are downloaded from (over https). */
export const DISCORD_ATTACHMENT_ORIGINS = ['https://cdn.discordapp.com', 'https://media.discordapp.net'] as const;
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** An attachment as Discord describes it: never trusted beyond what is checked here. */
export interface AttachmentRef {
  readonly id: string;
  /** The uploader's file name: only its extension is used. */
  readonly name: string;
  readonly url: string;
  /** The declared size in bytes. */
  readonly size: number;
}

/**
 * Where attachments may come from: Discord's attachment hosts, and with DISCORD_API_URL set (a
 * local stand-in in tests) that server's own origin, which serves its attachments.
 */
export function attachmentOrigins(apiUrl: string | undefined): string[] {
  const origins: string[] = [...DISCORD_ATTACHMENT_ORIGINS];
  if (apiUrl !== undefined) origins.push(new URL(apiUrl).origin);
  return origins;
}

/** Why `url` may not be downloaded, or undefined when it may. */
export function attachmentUrlProblem(url: string, origins: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'its address is not a well-formed URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'its address is not http(s)';
  if (parsed.username !== '' || parsed.password !== '') return 'its address carries a user name or password';
  if (!origins.includes(parsed.origin)) return `it is not on Discord's attachment servers (${parsed.host.slice(0, 60)})`;
  return undefined;
}

/**
 * The bytes of an attachment: only from `origins`, no redirects, at most `maxBytes` (checked against
 * the declared size before asking, the Content-Length, and while reading), within 30 seconds.
 */
export async function downloadAttachment(ref: AttachmentRef, options: { origins: readonly string[]; maxBytes: number }): Promise<Uint8Array> {
  const problem = attachmentUrlProblem(ref.url, options.origins);
  if (problem) throw new CurateRefusal(`Refused: ${problem}.`);
  const tooLarge = () => new CurateRefusal(`Refused: the file is too large (the limit is ${Math.round(options.maxBytes / 2 ** 20)} MiB).`);
  if (!Number.isFinite(ref.size) || ref.size < 0) throw new CurateRefusal('Refused: the attachment has no valid size.');
  if (ref.size > options.maxBytes) throw tooLarge();
  if (ref.size === 0) throw new CurateRefusal('Refused: the file is empty.');
  let response: Response;
  try {
    response = await fetch(ref.url, { redirect: 'error', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new CurateRefusal(`Could not download the attachment: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new CurateRefusal(`Could not download the attachment: HTTP ${response.status}.`);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > options.maxBytes) {
    await response.body.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    let read: Awaited<ReturnType<typeof reader.read>>;
    try {
      read = await reader.read();
    } catch (error) {
      throw new CurateRefusal(`Could not download the attachment: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (read.done) break;
    total += read.value.byteLength;
    if (total > options.maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
