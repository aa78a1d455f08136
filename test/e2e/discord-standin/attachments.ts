/**
 * Attachments members upload: bytes the stand-in serves from its own HTTP server
 * (`<baseUrl>/attachments/<channel>/<id>/<filename>`, like Discord's CDN), and the attachment objects
 * that go into a message (`guildMessage({ attachments })`, then `messageContextMenu({ target })`) or into a
 * slash command's `resolved.attachments` (`slashCommand({ attachments })` with an option `{ type: 11, value: id }`).
 */
import type { APIAttachment } from 'discord.js';
import { IDS } from './payloads.js';
import { snowflake } from './util.js';
import type { World } from './world.js';

export interface UploadInit {
  filename: string;
  data: Buffer | string;
  contentType?: string;
  channelId?: string;
  id?: string;
  /** The size Discord declares (default: the real size). Lie to test a bot's size checks. */
  size?: number;
  /** Serve it from elsewhere (e.g. a foreign host): the stand-in then stores nothing. */
  url?: string;
}

/**
 * Stores `data` as an uploaded attachment and returns its attachment object. The file name is
 * percent-encoded in the URL, as Discord does, so a name like `../../x.md` stays one path segment.
 */
export function hostAttachment(world: World, init: UploadInit): APIAttachment {
  const id = init.id ?? snowflake();
  const data = typeof init.data === 'string' ? Buffer.from(init.data, 'utf8') : init.data;
  const contentType = init.contentType ?? 'application/octet-stream';
  const key = `${init.channelId ?? IDS.channel}/${id}/${encodeURIComponent(init.filename)}`;
  if (init.url === undefined) world.attachments.set(key, { data, contentType });
  const url = init.url ?? `${world.baseUrl}/attachments/${key}`;
  return { id, filename: init.filename, size: init.size ?? data.length, url, proxy_url: url, content_type: contentType } as APIAttachment;
}

/** A slash-command option value for an attachment (type 11): its id, resolved in `resolved.attachments`. */
export function attachmentOption(attachment: APIAttachment): { type: number; value: string } {
  return { type: 11, value: attachment.id };
}
