/**
 * Issue 12, corpus management from Discord, end to end through the real client and the stand-in:
 * "Add to corpus" on a message, /corpus add (a good file, bad ones that change nothing, a name that
 * tries to escape the folder, a foreign host), /corpus list, /corpus remove with its confirmation,
 * refusals for members even when command permissions were overridden, and `npm run corpus-log`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { APIMessage } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeMarkdown } from '../../src/format/markdown.js';
import { silentLogger } from '../../src/log.js';
import { openFootnote, type Footnote } from '../../src/service.js';
import { twoColumnPdf } from '../fixtures/pdf/fixtures.js';
import { writePdf } from '../helpers/pdf.js';
import { createWorkspace, readCurrent, removeTempDirs, type Workspace } from '../helpers/workspace.js';
import { attachmentOption, autocomplete, buttonClick, guildMessage, hostAttachment, IDS, MEMBER, messageContextMenu, MODERATOR, OWNER, slashCommand, type InteractionHandle } from './discord-standin/index.js';
import { expectCleanRun, expectNoPings, isEphemeral, MODEL_WAIT_MS, runScript, shownQuotes, slash, startBotRun, type BotRun } from './helpers.js';

const REINDEX_WAIT_MS = 240_000;
const GARDEN = 'The Willowbank community garden opens every Saturday at 7 a.m., and volunteers must bring their own gloves and a refillable water bottle.';
const GARDEN_MORE = 'Compost from the garden is shared among the volunteers each autumn.';

let ws: Workspace;
let footnote: Footnote;
let run: BotRun;
let auditFile: string;

beforeAll(async () => {
  ws = createWorkspace({ seed: true });
  auditFile = path.join(ws.root, 'audit', 'corpus-audit.jsonl');
  footnote = await openFootnote({ config: ws.config({ AUDIT_FILE: auditFile }), log: silentLogger, reindexInWorker: true });
  run = await startBotRun({ workspace: ws, footnote, env: { AUDIT_FILE: auditFile, QUESTIONS_PER_MINUTE: '1000' } });
});

afterAll(async () => {
  await run?.stop();
  removeTempDirs();
});

const text = (m: Pick<APIMessage, 'content'> | undefined) => unescapeMarkdown(m?.content ?? '');
const guildDir = () => path.join(ws.corpusDir, 'discord', IDS.guild);
const listed = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).sort() : []);

/** Everything below the workspace root (index versions aside): what a refused change must leave alone. */
function tree(): string[] {
  return listed(ws.root).filter((p) => !p.startsWith('index'));
}

async function finalReport(i: InteractionHandle): Promise<string> {
  const done = await i.waitForEdit((e) => /Reindex done|already up to date|Reindex failed/.test(String(e.body?.content)), REINDEX_WAIT_MS);
  return text(done.message as APIMessage | undefined);
}

function upload(filename: string, data: Buffer | string, extra: { size?: number; url?: string; id?: string } = {}) {
  return hostAttachment(run.standin.world, { filename, data, ...extra });
}

function corpusAdd(file: ReturnType<typeof upload>, member = MODERATOR, title?: string): InteractionHandle {
  return run.standin.dispatchInteraction(
    slashCommand({ name: 'corpus', subcommand: 'add', options: { file: attachmentOption(file), ...(title && { title }) }, attachments: [file], member }),
  );
}

describe('"Add to corpus" (message context menu)', () => {
  it('is refused for an ordinary member even if command permissions were overridden; nothing changes', async () => {
    const target = guildMessage({ content: `${GARDEN}\n\n${GARDEN_MORE}`, author: MEMBER });
    run.standin.dispatchMessage(target);
    const before = tree();
    const i = run.standin.dispatchInteraction(messageContextMenu({ name: 'Add to corpus', target: target as unknown as APIMessage, member: MEMBER }));
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toBe('Only moderators (Manage Server permission or a moderator role) can add to the corpus.');
    expect(tree()).toEqual(before);
    expect(fs.existsSync(auditFile)).toBe(false);
  });

  it('a moderator saves the message with its front matter and attachments, reindexes with progress, and /ask then quotes and links it', async () => {
    const notes = upload('notes.txt', 'Garden tools are kept in the blue shed behind the Willowbank library.\n');
    const photo = upload('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const pdf = upload('../festival.pdf', Buffer.from(twoColumnPdf()));
    const html = upload('cafe.HTM', '<html><head><title>Bike repair café</title></head><body><main><h1>Bike repair café</h1><p>The Willowbank bike repair café fixes punctures for free on the first Sunday of each month in the church hall.</p></main></body></html>');
    const target = guildMessage({ content: `Willowbank garden rules\n${GARDEN} ${GARDEN_MORE}`, author: OWNER, attachments: [notes, photo, pdf, html] });
    run.standin.dispatchMessage(target);
    const version = footnote.index.version;
    const i = run.standin.dispatchInteraction(messageContextMenu({ name: 'Add to corpus', target: target as unknown as APIMessage, member: MODERATOR }));
    expect(await i.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 5, accepted: true });
    const report = await finalReport(i);
    expect(report).toMatch(/^Saved “Willowbank garden rules”, “The Saltmarsh Lantern Festival: A Short History”, “Bike repair café” to the corpus\./);
    expect(report).toContain('Not saved: attachment "photo.png": not a .txt, .md, .html or .pdf file');
    expect(report).toContain('Reindex done');
    expect(report).toMatch(/^Added 3: /m);
    for (const id of [target.id, `${target.id}-1`, `${target.id}-2`]) expect(report).toContain(`discord/${IDS.guild}/${id}`);
    expect(i.edits.some((e) => /Reindexing/.test(String(e.body?.content)))).toBe(true);
    expect(isEphemeral(i.original)).toBe(true);
    expect(footnote.index.version).not.toBe(version);

    const link = `https://discord.com/channels/${IDS.guild}/${IDS.channel}/${target.id}`;
    const saved = fs.readFileSync(path.join(guildDir(), `${target.id}.md`), 'utf8');
    expect(saved).toMatch(new RegExp(`^---\\ntitle: Willowbank garden rules\\nurl: ${link.replace(/[./]/g, '\\$&')}\\npublisher: #general on Discord\\ndate: \\d{4}-\\d\\d-\\d\\d\\nauthor: Guild Owner\\nchannel: #general\\n---\\n`));
    expect(saved).toContain(GARDEN);
    expect(saved).toContain('Garden tools are kept in the blue shed');
    expect(listed(guildDir())).toEqual([`${target.id}-1.meta.json`, `${target.id}-1.pdf`, `${target.id}-2.html`, `${target.id}-2.meta.json`, `${target.id}.md`]);
    expect(JSON.parse(fs.readFileSync(path.join(guildDir(), `${target.id}-1.meta.json`), 'utf8'))).toEqual({ url: link });

    const ask = slash(run, 'ask', { question: 'When does the Willowbank community garden open?' }, MEMBER);
    const answer = await ask.waitForReply(MODEL_WAIT_MS);
    const [quote] = shownQuotes({ embeds: answer.embeds.slice(0, 1) });
    expect(quote!.source).toBe(`corpus/discord/${IDS.guild}/${target.id}.md`);
    expect(quote!.text).toContain('opens every Saturday at 7 a.m.');
    expect(answer.embeds[0]!.url!.startsWith(link)).toBe(true);

    const tools = await slash(run, 'ask', { question: 'Where are the garden tools kept?' }, MEMBER).waitForReply(MODEL_WAIT_MS);
    expect(shownQuotes({ embeds: tools.embeds.slice(0, 1) })[0]!.text).toContain('blue shed');

    for (const [question, words] of [['Who chaired the lantern festival committee for twenty-six years?', 'Edda Varrow'], ['When does the bike repair café fix punctures?', 'first Sunday']] as const) {
      const reply = await slash(run, 'ask', { question }, MEMBER).waitForReply(MODEL_WAIT_MS);
      expect(reply.embeds[0]!.description).toContain(words);
      expect(reply.embeds[0]!.url!.startsWith(link), reply.embeds[0]!.url).toBe(true);
    }
  });
});

describe('/corpus add', () => {
  it('a good file: saved under an id-based name with its title, reindexed, then answerable', async () => {
    const file = upload('harbour.md', '# Harbour ferry\n\nThe Saltcote harbour ferry leaves at quarter past every hour from pier 9, except on public holidays.\n');
    const i = corpusAdd(file, MODERATOR, 'Saltcote Ferry Timetable');
    const report = await finalReport(i);
    expect(report).toContain('Saved “Saltcote Ferry Timetable” to the corpus');
    expect(report).toContain(`Added 1: discord/${IDS.guild}/upload-${file.id}`);
    expect(fs.existsSync(path.join(guildDir(), `upload-${file.id}.md`))).toBe(true);
    const answer = await slash(run, 'ask', { question: 'When does the Saltcote harbour ferry leave?' }, MEMBER).waitForReply(MODEL_WAIT_MS);
    expect(shownQuotes({ embeds: answer.embeds.slice(0, 1) })[0]!.text).toContain('quarter past every hour');
    expect(answer.embeds[0]!.title).toContain('Saltcote Ferry Timetable');
  });

  it('bad files are refused with the reason, and change nothing', async () => {
    const cases: [ReturnType<typeof upload>, RegExp][] = [
      [upload('tool.exe', 'MZ...'), /only \.txt, \.md, \.html and \.pdf files/],
      [upload('empty.txt', ''), /empty/],
      [upload('blank.md', '   \n\n  '), /empty/],
      [upload('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x69, 0x72, 0x0a])), /not UTF-8|UTF-8/],
      [upload('scan.pdf', Buffer.from(writePdf([{ runs: [], image: true }]))), /no text in this PDF/],
      [upload('broken.pdf', '%PDF-1.4 this is not really a pdf'), /not a readable PDF/],
      [upload('huge.txt', 'small really', { size: 50 * 2 ** 20 }), /too large/],
    ];
    const before = tree();
    const version = readCurrent(ws.indexDir);
    for (const [file, reason] of cases) {
      const i = corpusAdd(file);
      const reply = await i.waitForEdit(undefined, MODEL_WAIT_MS);
      const said = text(reply.message as APIMessage | undefined);
      expect(said, file.filename).toMatch(reason);
      expect(said, file.filename).toMatch(/^Refused/);
      expect(isEphemeral(i.original)).toBe(true);
    }
    expect(tree()).toEqual(before);
    expect(readCurrent(ws.indexDir)).toBe(version);
  });

  it('a file name that tries to leave the corpus folder is neutralised: only the extension is used', async () => {
    const file = upload('../../../escape\u202e.txt', 'The Willowbank tool library lends a wheelbarrow for up to three days at a time.\n');
    const report = await finalReport(corpusAdd(file));
    expect(report).toContain('Reindex done');
    expect(fs.existsSync(path.join(guildDir(), `upload-${file.id}.txt`))).toBe(true);
    expect(fs.existsSync(path.join(ws.root, 'escape\u202e.txt'))).toBe(false);
    expect(listed(ws.root).filter((p) => p.includes('escape'))).toEqual([]);
  });

  it('an attachment id that is not a Discord id is refused', async () => {
    const before = tree();
    const i = corpusAdd(upload('ok.txt', 'Some text here.', { id: '../../x' }));
    expect(text((await i.waitForEdit(undefined, MODEL_WAIT_MS)).message as APIMessage | undefined)).toMatch(/^Refused: not a Discord attachment id/);
    expect(tree()).toEqual(before);
  });

  it('an attachment on a foreign host is refused without being fetched', async () => {
    const before = tree();
    const i = corpusAdd(upload('page.txt', 'x', { url: 'https://evil.example.com/page.txt' }));
    expect(text((await i.waitForEdit(undefined, MODEL_WAIT_MS)).message as APIMessage | undefined)).toBe("Refused: it is not on Discord's attachment servers (evil.example.com).");
    expect(tree()).toEqual(before);
  });

  it('is refused for a member (command permissions overridden)', async () => {
    const reply = await corpusAdd(upload('x.txt', 'Anything at all.'), MEMBER).waitForReply(MODEL_WAIT_MS);
    expect(reply.content).toBe('Only moderators (Manage Server permission or a moderator role) can manage the corpus.');
  });
});

describe('/corpus list and /corpus remove', () => {
  it('list shows every document with where it came from', async () => {
    const i = run.standin.dispatchInteraction(slashCommand({ name: 'corpus', subcommand: 'list', member: MODERATOR }));
    const reply = await i.waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(reply)).toBe(true);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe(`Corpus (${footnote.sources().length} documents)`);
    const description = unescapeMarkdown(embed.description ?? '');
    expect(description).toMatch(/Willowbank garden rules\n`discord\/\d+\/\d+` · Discord message · \d+ passages/);
    expect(description).toMatch(/Saltcote Ferry Timetable\n`discord\/\d+\/upload-\d+` · file uploaded on Discord/);
    expect(description).toMatch(/`lightfoot-tells-police-not-to-assist-ice` · file · \d+ passages/);
    const refused = await run.standin.dispatchInteraction(slashCommand({ name: 'corpus', subcommand: 'list', member: MEMBER })).waitForReply(MODEL_WAIT_MS);
    expect(refused.content).toMatch(/^Only moderators/);
  });

  it('remove autocompletes, asks for confirmation, and only then deletes the files and reindexes', async () => {
    const ferry = footnote.sources().find((s) => s.title === 'Saltcote Ferry Timetable')!;
    const choices = run.standin.dispatchInteraction(autocomplete({ name: 'corpus', subcommand: 'remove', options: { document: 'saltcote' }, focused: 'document', member: MODERATOR }));
    expect(((await choices.waitForCallback(MODEL_WAIT_MS)).data?.choices as { value: string }[]).map((c) => c.value)).toEqual([ferry.id]);

    const ask = run.standin.dispatchInteraction(slashCommand({ name: 'corpus', subcommand: 'remove', options: { document: ferry.id }, member: MODERATOR }));
    const question = await ask.waitForReply(MODEL_WAIT_MS);
    expect(isEphemeral(question)).toBe(true);
    expect(text(question)).toContain('Remove **Saltcote Ferry Timetable**'.replace(/\*\*/g, '**'));
    expect(fs.existsSync(ws.corpusFile(`${ferry.id}.md`))).toBe(true);
    const buttons = (question.components?.[0] as { components: { label: string; custom_id: string }[] }).components;
    expect(buttons.map((b) => b.label)).toEqual(['Remove', 'Cancel']);

    // Someone else cannot confirm it.
    const other = run.standin.dispatchInteraction(buttonClick({ customId: buttons[0]!.custom_id, message: question, member: OWNER }));
    expect((await other.waitForReply(MODEL_WAIT_MS)).content).toMatch(/Only the moderator who asked/);
    expect(fs.existsSync(ws.corpusFile(`${ferry.id}.md`))).toBe(true);

    const confirm = run.standin.dispatchInteraction(buttonClick({ customId: buttons[0]!.custom_id, message: question, member: MODERATOR }));
    expect(await confirm.waitForCallback(MODEL_WAIT_MS)).toMatchObject({ type: 7, accepted: true });
    const report = await finalReport(confirm);
    expect(report).toMatch(/^Removed “Saltcote Ferry Timetable” \(2 files\)\./);
    expect(report).toContain(`Removed 1: ${ferry.id}`);
    expect(fs.existsSync(ws.corpusFile(`${ferry.id}.md`))).toBe(false);
    expect(fs.existsSync(ws.corpusFile(`${ferry.id}.meta.json`))).toBe(false);
    expect(footnote.sources().map((s) => s.id)).not.toContain(ferry.id);
  });

  it('Cancel removes nothing', async () => {
    const garden = footnote.sources().find((s) => s.title === 'Willowbank garden rules')!;
    const question = await run.standin.dispatchInteraction(slashCommand({ name: 'corpus', subcommand: 'remove', options: { document: garden.id }, member: MODERATOR })).waitForReply(MODEL_WAIT_MS);
    const cancel = (question.components?.[0] as { components: { label: string; custom_id: string }[] }).components[1]!;
    const click = run.standin.dispatchInteraction(buttonClick({ customId: cancel.custom_id, message: question, member: MODERATOR }));
    await click.waitForCallback(MODEL_WAIT_MS);
    expect(click.original!.content).toBe('Cancelled: nothing was removed.');
    expect(fs.existsSync(ws.corpusFile(`${garden.id}.md`))).toBe(true);
  });
});

describe('the audit log', () => {
  it('records every change with the moderator, and `npm run corpus-log` prints it (no token needed)', async () => {
    const lines = fs.readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines.map((l) => l.action)).toEqual(['add-message', 'add-file', 'add-file', 'remove']);
    for (const l of lines) expect(l.moderator).toEqual({ user: expect.stringMatching(/^[0-9a-f]{16}$/), name: 'Moderator' });
    // No raw user id is stored: moderators appear as a salted hash, as members do in FEEDBACK_FILE.
    expect(fs.readFileSync(auditFile, 'utf8')).not.toContain(IDS.moderator);
    const result = await runScript('scripts/corpus-log.ts', { AUDIT_FILE: auditFile });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Corpus changes from Discord: 4');
    expect(result.stdout).toMatch(/Moderator \([0-9a-f]{16}\)  added message: discord\/\d+\/\d+, discord\/\d+\/\d+-1, discord\/\d+\/\d+-2  from https:\/\/discord\.com\/channels\//);
    expect(result.stdout).toMatch(/removed: discord\/\d+\/upload-\d+/);
    expect(result.stdout).toContain('skipped: attachment "photo.png"');
  });

  it('the run was clean: no pings, nothing refused by Discord, every interaction answered once', () => {
    expectNoPings(run.standin);
    expectCleanRun(run.standin);
  });
});
