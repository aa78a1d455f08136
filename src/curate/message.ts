/** A Discord message as a corpus document: Markdown with front matter that cites and links the message. */

/** What is kept of a message. Every field is data from Discord, never an instruction. */
export interface MessageInfo {
  readonly guildId: string;
  readonly channelId: string;
  readonly messageId: string;
  readonly channelName: string;
  readonly authorName: string;
  readonly createdAt: Date;
  readonly content: string;
}

const TITLE_MAX = 80;

/** `https://discord.com/channels/<guild>/<channel>/<message>`: what a quote from the message links to. */
export function messageLink(m: Pick<MessageInfo, 'guildId' | 'channelId' | 'messageId'>): string {
  return `https://discord.com/channels/${m.guildId}/${m.channelId}/${m.messageId}`;
}

/** One line without controls or bidirectional overrides, as front matter needs (and a title shows). */
export function frontMatterValue(value: string, max = 200): string {
  const line = value.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return shorten(line, max);
}

/**
 * The message's first line when it heads more text (it then titles it, as a headline would);
 * otherwise its opening, shortened with "…", or, for a one-line message short enough to be quoted
 * whole, "Message by <author> in #<channel>": a title equal to a document's only line would hide
 * that line from quotes (the corpus never quotes a headline).
 */
export function messageTitle(text: string, info: Pick<MessageInfo, 'authorName' | 'channelName'>): string {
  const lines = text.split('\n').map((l) => frontMatterValue(l.replace(/^[#>*\-\s]+/, ''), 1000)).filter((l) => /[\p{L}\p{N}]/u.test(l));
  const first = lines[0];
  const fallback = frontMatterValue(`Message by ${info.authorName} in #${info.channelName}`, TITLE_MAX);
  if (first === undefined) return fallback;
  if (lines.length > 1 && first.length <= TITLE_MAX) return first;
  if (first.length > TITLE_MAX) return shorten(first, 60);
  return fallback;
}

/**
 * The document file: front matter (title, url = the message link, publisher = "#channel on
 * Discord", date; author and channel are kept for people reading the file) and then the message's
 * text and the text of its .txt/.md attachments, each separated by a blank line, verbatim.
 */
export function messageDocument(info: MessageInfo, attachedTexts: readonly string[] = []): { text: string; title: string } {
  const body = [info.content, ...attachedTexts].map((t) => t.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim()).filter((t) => t !== '').join('\n\n');
  const title = messageTitle(body, info);
  const fields: [string, string][] = [
    ['title', title],
    ['url', messageLink(info)],
    ['publisher', `#${frontMatterValue(info.channelName, 100)} on Discord`],
    ['date', info.createdAt.toISOString().slice(0, 10)],
    ['author', frontMatterValue(info.authorName, 100)],
    ['channel', `#${frontMatterValue(info.channelName, 100)}`],
  ];
  return { title, text: `---\n${fields.map(([k, v]) => `${k}: ${quoted(v)}`).join('\n')}\n---\n\n${body}\n` };
}

/** Front matter unquotes a value wrapped in matching quotes: wrap one that would otherwise lose them. */
function quoted(value: string): string {
  return /^(["']).*\1$/.test(value) ? `"${value}"` : value;
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:—–-]+$/, '') + '…';
}
